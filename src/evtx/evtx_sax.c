/* evtx_sax.c: a rendered record's elements handed to the XmlWinEventLog
 * reader without scanning the line again. While a compiled template is
 * run (evtx_template.c), each start tag, attribute value and end tag is
 * recorded with its position in the line; once the line is complete, the
 * recording is replayed as the handler calls xmlscan_run would make for
 * that line: the same names, the same attribute values (entities decoded,
 * tabs normalised to spaces), the same character data between tags, in
 * the same order, with the same limits. What the replay cannot vouch for
 * (an unknown reference, a second root, the scanner's depth and attribute
 * limits, the handlers asking to stop; names the scanner would not take
 * and attributes named twice are found when a template is compiled)
 * returns 1:
 * the caller scans the line instead, so the event is the scanner's (or
 * expat's) either way. ingest_evtx.c's check mode compares the two. */
#include "evtx_bx.h"

#include <string.h>

/* The reference at s[0..n) (s[0] == '&') among the escapes the renderer
 * writes (evtx_value.c): its length and *c, or 0. */
static size_t sax_ref(const char *s, size_t n, char *c)
{
#define SAX_IS(lit) (n >= sizeof(lit) - 1 && !memcmp(s, lit, sizeof(lit) - 1))
    switch (n > 1 ? s[1] : 0) {
    case 'a':
        if (SAX_IS("&amp;")) return *c = '&', 5;
        if (SAX_IS("&apos;")) return *c = '\'', 6;
        return 0;
    case 'l': return SAX_IS("&lt;") ? (*c = '<', 4) : 0;
    case 'g': return SAX_IS("&gt;") ? (*c = '>', 4) : 0;
    case '#':
        if (SAX_IS("&#13;")) return *c = '\r', 5;
        if (SAX_IS("&#10;")) return *c = '\n', 5;
        return 0;
    default: return 0;
    }
#undef SAX_IS
}

/* s[0..n) decoded: references, and tabs as spaces in attribute values. 0,
 * or -1 for a reference the renderer does not write. */
static int sax_decode(sbuf *to, const char *s, size_t n, int attr)
{
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t j = amp ? (size_t)(amp - s) : n;
        if (attr) {
            for (size_t k = i; k < j; k++)
                if (s[k] == '\t') {
                    evtx_addn(to, s + i, k - i);
                    evtx_addc(to, ' ');
                    i = k + 1;
                }
        }
        evtx_addn(to, s + i, j - i);
        if (j == n) break;
        char c;
        size_t len = sax_ref(s + j, n - j, &c);
        if (!len) return -1;
        evtx_addc(to, c);
        i = j + len;
    }
    return 0;
}

/* Character data line[from..to) as one text call (none when empty);
 * plain: known to hold no reference. */
static inline int sax_text(evtx_rec *r, const char *line, size_t from, size_t to, int plain,
                           const xmlscan_handlers *h)
{
    if (to <= from || !h->text) return 0;
    const char *s = line + from;
    size_t n = to - from;
    if (plain || !memchr(s, '&', n)) {
        h->text(h->ud, s, n, 1);
        return 0;
    }
    sbuf_reset(&r->text);
    if (sax_decode(&r->text, s, n, 0)) return -1;
    h->text(h->ud, r->text.s ? r->text.s : "", r->text.len, 0);
    return 0;
}

int evtx_sax_replay(evtx_rec *r, const char *line, size_t len, const xmlscan_handlers *h)
{
    xmlscan_att atts[XMLSCAN_MAX_ATTS];
    size_t att_off[XMLSCAN_MAX_ATTS];
    const evtx_item *open[XMLSCAN_MAX_DEPTH];
    int depth = 0, roots = 0;
    size_t pos = 0; /* the end of the last tag */
    for (size_t i = 0; i < r->n;) {
        const evtx_item *it = &r->items[i];
        if (it->at < pos || it->at > len) return 1;
        if (it->kind == 'E') {
            if (depth == 0 || it->after >= r->n || open[depth - 1] != &r->items[it->after]) return 1;
            if (sax_text(r, line, pos, it->at, it->plain, h)) return 1;
            if (h->end) h->end(h->ud, it->name, it->name_len);
            depth--;
            pos = it->at + 3 + it->name_len;
            if (pos > len || line[pos - 1] != '>') return 1;
            if (h->stop && *h->stop) return 1;
            i++;
            continue;
        }
        if (it->kind != 'S') return 1;
        if (depth == 0 ? it->at != pos || roots : sax_text(r, line, pos, it->at, 0, h)) return 1;
        if (depth >= XMLSCAN_MAX_DEPTH) return 1;
        /* its attributes */
        size_t j = i + 1;
        int natt = 0, ndecoded = 0;
        size_t tag_end = it->at + 1 + it->name_len;
        for (; j < r->n && r->items[j].kind == 'A'; j++) {
            const evtx_item *a = &r->items[j];
            if (natt >= XMLSCAN_MAX_ATTS || a->after < a->at || a->after >= len) return 1;
            /* (no attribute named twice: the compiler has seen to that) */
            xmlscan_att *x = &atts[natt];
            x->name = a->name;
            x->name_len = a->name_len;
            const char *v = line + a->at;
            size_t vn = a->after - a->at;
            size_t q = a->plain ? vn : 0;
            while (q < vn && v[q] != '&' && v[q] != '\t') q++;
            if (q == vn) {
                x->value = v;
                x->value_len = vn;
                x->stable = 1;
            } else {
                if (!ndecoded) sbuf_reset(&r->att);
                att_off[natt] = r->att.len;
                if (sax_decode(&r->att, v, vn, 1)) return 1;
                x->value = NULL;
                x->value_len = r->att.len - att_off[natt];
                x->stable = 0;
                ndecoded++;
            }
            natt++;
            tag_end = a->after + 1; /* the closing quote */
        }
        if (ndecoded)
            for (int k = 0; k < natt; k++)
                if (!atts[k].stable) atts[k].value = r->att.s + att_off[k];
        int empty;
        if (tag_end < len && line[tag_end] == '>') {
            empty = 0;
            pos = tag_end + 1;
        } else if (tag_end + 1 < len && line[tag_end] == '/' && line[tag_end + 1] == '>') {
            empty = 1;
            pos = tag_end + 2;
        } else {
            return 1;
        }
        roots += depth == 0;
        if (h->start) h->start(h->ud, it->name, it->name_len, atts, natt);
        if (h->stop && *h->stop) return 1;
        if (empty) {
            if (h->end) h->end(h->ud, it->name, it->name_len);
            if (h->stop && *h->stop) return 1;
        } else {
            open[depth++] = it;
        }
        i = j;
    }
    return depth == 0 && roots == 1 && pos == len ? 0 : 1;
}
