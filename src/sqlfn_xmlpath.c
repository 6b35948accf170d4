/* sqlfn_xmlpath.c: spath's location paths over XML (the spath command and
 * eval spath() on an XML value): root.child.leaf names elements from the
 * root down, a step may carry {N} (the N-th element of that name under its
 * parent, from 1) and the last step {@attr} (an attribute's value). Every
 * element the path reaches gives one value, its text (the text of its
 * descendants included, in document order); several give a multivalue.
 * Scanned with xmlscan (the plain XML subset the Windows event readers
 * accept; a leading <?xml ...?> declaration is skipped). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "sqlfn_xmlpath.h"
#include "util.h"
#include "xmlscan.h"

#define XP_MAXSTEPS 64

typedef struct xp_step {
    const char *name;
    size_t len;
    long idx;  /* 0: any; N: the N-th of that name under its parent */
} xp_step;

typedef struct xp_walk {
    xp_step steps[XP_MAXSTEPS];
    int nsteps;
    const char *attr; /* {@attr} on the last step, or NULL */
    size_t attr_len;
    int depth;                    /* open elements */
    int matched;                  /* open elements on the path (a prefix of depth) */
    long count[XP_MAXSTEPS + 1];  /* per path depth: elements of the step's name seen under the matched parent */
    int capture_depth;            /* >0: collecting the text of the element opened at this depth */
    sbuf text;
    mv_list *out;
} xp_walk;

/* parse path into w; -1 when malformed */
static int xp_parse(xp_walk *w, const char *p)
{
    while (*p) {
        if (w->nsteps == XP_MAXSTEPS || w->attr) return -1;
        xp_step *s = &w->steps[w->nsteps++];
        s->name = p;
        s->len = strcspn(p, ".{");
        if (!s->len) return -1;
        p += s->len;
        while (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close) return -1;
            if (p[1] == '@' && close > p + 2 && (close[1] == 0)) {
                w->attr = p + 2;
                w->attr_len = (size_t)(close - p - 2);
            } else {
                char *end;
                long n = strtol(p + 1, &end, 10);
                if (end != close || n < 1 || s->idx) return -1;
                s->idx = n;
            }
            p = close + 1;
        }
        if (*p == '.') {
            p++;
            if (!*p) return -1;
        } else if (*p) {
            return -1;
        }
    }
    return w->nsteps ? 0 : -1;
}

static void xp_start(void *ud, const char *name, size_t len, const xmlscan_att *atts, int natt)
{
    xp_walk *w = ud;
    int d = w->depth++;
    if (w->capture_depth || w->matched != d || d >= w->nsteps) return;
    const xp_step *s = &w->steps[d];
    if (len != s->len || memcmp(name, s->name, len)) return;
    long nth = ++w->count[d];
    if (s->idx && nth != s->idx) return;
    w->matched = d + 1;
    w->count[d + 1 <= XP_MAXSTEPS ? d + 1 : XP_MAXSTEPS] = 0;
    if (w->matched < w->nsteps) return;
    if (w->attr) {
        for (int i = 0; i < natt; i++)
            if (atts[i].name_len == w->attr_len && !memcmp(atts[i].name, w->attr, w->attr_len))
                mv_list_add(w->out, atts[i].value, atts[i].value_len);
        return;
    }
    w->capture_depth = w->depth;
    sbuf_reset(&w->text);
}

static void xp_text(void *ud, const char *txt, size_t len, int stable)
{
    (void)stable;
    xp_walk *w = ud;
    if (w->capture_depth) sbuf_addn(&w->text, txt, len);
}

static void xp_end(void *ud, const char *name, size_t len)
{
    (void)name;
    (void)len;
    xp_walk *w = ud;
    assert(w->depth > 0);
    if (w->capture_depth == w->depth) {
        mv_list_add(w->out, w->text.s ? w->text.s : "", w->text.len);
        w->capture_depth = 0;
    }
    w->depth--;
    if (w->matched > w->depth) w->matched = w->depth;
}

int sqlfn_xml_path(const char *doc, size_t n, const char *path, mv_list *out)
{
    xp_walk w = {0};
    if (xp_parse(&w, path)) return -1;
    /* the document starts at its root element, after any declaration */
    size_t i = 0;
    while (i < n && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\r' || doc[i] == '\n')) i++;
    if (n - i >= 5 && !memcmp(doc + i, "<?xml", 5)) {
        const char *e = memmem(doc + i, n - i, "?>", 2);
        if (!e) return 1;
        i = (size_t)(e + 2 - doc);
        while (i < n && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\r' || doc[i] == '\n')) i++;
    }
    if (i >= n || doc[i] != '<') return 1;
    w.out = out;
    size_t before = out->n;
    xmlscan *x = xmlscan_new();
    xmlscan_handlers h = {&w, xp_start, xp_text, xp_end, NULL};
    int rc = xmlscan_run(x, doc + i, n - i, &h);
    xmlscan_free(x);
    sbuf_free(&w.text);
    if (rc != XMLSCAN_OK) {
        /* not XML this scanner reads: no values */
        while (out->n > before) {
            out->n--;
            free(out->v[out->n]);
        }
        return 1;
    }
    return 0;
}
