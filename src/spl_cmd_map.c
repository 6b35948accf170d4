/* spl_cmd_map.c: map search="SPL" [maxsearches=N] (or map [subsearch]):
 * for each of the first N results (default 10, at most 100), the search
 * with every $field$ replaced by that result's value ($_serial_id$: the
 * search's number, from 1; a field the result lacks: empty); the output is the
 * searches' results, in input order. The searches are translated when the
 * query is: copy i of the search is translated with a marker word in place
 * of each token, and every bound parameter holding a marker is then read
 * through replace(?N, marker, <value of field in result i>). A token must
 * therefore stand where the search takes a value (field=$x$, a term,
 * IN ($a$, $b$)); elsewhere (a field name, an option such as head $n$) it
 * is an error. A value with wildcards is compared as plain text, not as a
 * pattern. Macros in the search are expanded. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "spl_int.h"

int spl_cmd_map(spl_cmd_ctx *c);

#define MAP_MAX 100

typedef struct map_tok {
    char *name;
    int found;
} map_tok;

static int tok_char(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
           ch == '.' || ch == '-' || ch == '{' || ch == '}';
}

/* the $name$ tokens of t, each once */
static int find_tokens(const char *t, map_tok **out)
{
    int n = 0;
    for (const char *p = t; (p = strchr(p, '$'));) {
        const char *e = p + 1;
        while (*e && tok_char(*e)) e++;
        if (*e == '$' && e > p + 1) {
            char *nm = xstrndup(p + 1, (size_t)(e - p - 1));
            int dup = 0;
            for (int k = 0; k < n; k++) dup |= !strcmp((*out)[k].name, nm);
            if (dup) free(nm);
            else {
                *out = xrealloc(*out, sizeof **out * (size_t)(n + 1));
                (*out)[n].name = nm;
                (*out)[n].found = 0;
                n++;
            }
            p = e + 1;
        } else {
            p = p + 1;
        }
    }
    return n;
}

static char *marker(int copy, int k)
{
    return xasprintf(SPL_MAP_MARKER "%dQ%dQ", copy, k);
}

/* ?N replaced by repl[N-1] where that is not NULL (spl_sql_map_params) */
static int repl_param(void *ctx, sbuf *out, int index)
{
    char **repl = ctx;
    if (!repl[index]) return 0;
    sbuf_add(out, repl[index]);
    return 1;
}

static char *rewrite_params(const char *s, char **repl, int nrepl)
{
    return spl_sql_map_params(s, nrepl, repl_param, repl);
}

typedef struct map_copy {
    char *from;
    char **names;
    int *mv;
    int ncols, nord;
    int *desc;
} map_copy;

int spl_cmd_map(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *tmpl = NULL;
    long maxs = 10;
    int rc = 0;
    for (int i = 0; i < a->n && !rc; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "search", &v)) { free(tmpl); tmpl = v; i += 2; continue; }
        if (spl_arg_option(c, i, "maxsearches", &v)) {
            double d;
            if (!util_is_number(v, strlen(v), &d) || d < 1) rc = spl_arg_error(c, &a->v[i + 2], "maxsearches must be a number from 1");
            else maxs = d > MAP_MAX ? MAP_MAX : (long)d;
            free(v);
            i += 2;
            continue;
        }
        if (a->v[i].type == TK_LBRACKET && !tmpl && a->v[a->n - 1].type == TK_RBRACKET) {
            size_t from = a->v[i].off + 1, to = a->v[a->n - 1].off;
            tmpl = xstrndup(tr->text + from, to > from ? to - from : 0);
            i = a->n;
            continue;
        }
        rc = spl_arg_error(c, &a->v[i], "unexpected '%.*s'", (int)a->v[i].n, a->v[i].s);
    }
    if (!rc && !tmpl) rc = spl_arg_error(c, NULL, "expected search=\"...\" or a [subsearch]");
    if (rc) { free(tmpl); return rc; }
    if (tr->macros) {
        char *merr = NULL;
        size_t moff = 0;
        char *x = spl_macros_expand(tr->macros, tmpl, &merr, &moff);
        if (!x) {
            rc = spl_arg_error(c, NULL, "in its search: %s", merr ? merr : "macro expansion failed");
            free(merr);
            free(tmpl);
            return rc;
        }
        free(tmpl);
        tmpl = x;
    }
    map_tok *toks = NULL;
    int ntoks = find_tokens(tmpl, &toks);

    /* the input results, numbered in their order */
    spl_tr_flush(tr, -1, NULL);
    char *in = spl_tr_next_cte(tr);
    {
        sbuf q = {0};
        sbuf_printf(&q, "SELECT *, row_number() OVER (");
        if (tr->nord) { sbuf_add(&q, "ORDER BY "); spl_tr_order_sql(tr, &q, 0); }
        sbuf_printf(&q, ") AS rn FROM %s", tr->from);
        sbuf_printf(&tr->ctes, "%s%s AS (%s)", tr->ctes.len ? ",\n" : "", in, q.s);
        tr->nlevels++;
        sbuf_free(&q);
    }
    /* column of each token's field in the input */
    int *tcol = xcalloc((size_t)ntoks + 1, sizeof *tcol);
    for (int k = 0; k < ntoks; k++) {
        tcol[k] = -1;
        for (int i = 0; i < tr->ncols; i++)
            if (!strcmp(tr->cols[i].name, toks[k].name)) tcol[k] = i;
    }
    map_copy *copies = xcalloc((size_t)maxs, sizeof *copies);
    int ncopies = 0;
    const char *saved = tr->text;
    for (int ci = 1; ci <= maxs && !rc; ci++) {
        /* the search with markers for the tokens */
        sbuf t = {0};
        for (const char *p = tmpl; *p;) {
            int hit = 0;
            if (*p == '$')
                for (int k = 0; k < ntoks && !hit; k++) {
                    size_t l = strlen(toks[k].name);
                    if (!strncmp(p + 1, toks[k].name, l) && p[1 + l] == '$') {
                        char *m = marker(ci, k);
                        sbuf_add(&t, m);
                        free(m);
                        p += l + 2;
                        hit = 1;
                    }
                }
            if (!hit) sbuf_addc(&t, *p++);
        }
        if (!t.s) sbuf_add(&t, "");
        int p0 = tr->nparams;
        size_t c0 = tr->ctes.len;
        spl_tr child;
        tr->text = t.s;
        char *guard = xasprintf("(SELECT count(*) FROM %s) >= %d", in, ci);
        tr->sub_events_guard = guard;
        rc = spl_tr_subsearch(tr, 0, t.len, 0, &child);
        tr->sub_events_guard = NULL;
        tr->text = saved;
        if (rc) {
            if (tr->err->msg) {
                /* show tokens, not markers */
                for (int k = 0; k < ntoks; k++) {
                    char *mk = marker(ci, k), *tk = xasprintf("$%s$", toks[k].name), *pos;
                    while ((pos = strstr(tr->err->msg, mk))) {
                        char *r = xasprintf("%.*s%s%s", (int)(pos - tr->err->msg), tr->err->msg, tk, pos + strlen(mk));
                        free(tr->err->msg);
                        tr->err->msg = r;
                    }
                    free(mk);
                    free(tk);
                }
                char *m = xasprintf("map: in its search: %s", tr->err->msg);
                free(tr->err->msg);
                tr->err->msg = m;
                tr->err->off = c->name->off;
            }
            spl_tr_sub_free(&child);
            sbuf_free(&t);
            free(guard);
            break;
        }
        /* parameters holding markers read the result's values */
        char **repl = xcalloc((size_t)tr->nparams + 1, sizeof *repl);
        for (int p = p0; p < tr->nparams; p++) {
            const spl_param *pp = &tr->params[p];
            if (pp->is_num || !pp->text) continue;
            sbuf e = {0};
            int any = 0;
            for (int k = 0; k < ntoks; k++) {
                char *m = marker(ci, k);
                if (strstr(pp->text, m)) {
                    toks[k].found = 1;
                    /* $_serial_id$: the search's number, from 1 */
                    char *val = tcol[k] >= 0 ? xasprintf("coalesce((SELECT splop_str(c%d) FROM %s WHERE rn = %d), '')",
                                                         tcol[k], in, ci)
                                : !strcmp(toks[k].name, "_serial_id") ? xasprintf("'%d'", ci)
                                                                       : xstrdup("''");
                    sbuf f = {0};
                    sbuf_printf(&f, "replace(%s, '%s', %s)", any ? e.s : "", m, val);
                    if (!any) {
                        sbuf_reset(&f);
                        sbuf_printf(&f, "replace(?%d, '%s', %s)", p + 1, m, val);
                    }
                    sbuf_free(&e);
                    e = f;
                    any = 1;
                    free(val);
                }
                free(m);
            }
            if (any) repl[p] = sbuf_detach(&e);
            else sbuf_free(&e);
        }
        char *tail = rewrite_params(tr->ctes.s + c0, repl, tr->nparams);
        tr->ctes.len = c0;
        if (tr->ctes.s) tr->ctes.s[c0] = 0;
        sbuf_add(&tr->ctes, tail);
        free(tail);
        for (int p = 0; p < tr->nparams; p++) free(repl[p]);
        free(repl);
        map_copy *mc = &copies[ncopies++];
        mc->from = xstrdup(child.from);
        mc->ncols = child.ncols;
        mc->nord = child.nord;
        mc->desc = xcalloc((size_t)child.nord + 1, sizeof *mc->desc);
        for (int o = 0; o < child.nord; o++) mc->desc[o] = child.ord[o].desc;
        mc->names = xcalloc((size_t)child.ncols + 1, sizeof *mc->names);
        mc->mv = xcalloc((size_t)child.ncols + 1, sizeof *mc->mv);
        for (int i = 0; i < child.ncols; i++) {
            mc->names[i] = xstrdup(child.cols[i].name);
            mc->mv[i] = child.cols[i].mv;
        }
        spl_tr_sub_free(&child);
        sbuf_free(&t);
        free(guard);
    }
    for (int k = 0; k < ntoks && !rc; k++)
        if (!toks[k].found)
            rc = spl_arg_error(c, NULL, "$%s$ is not used as a value in its search (splite can substitute values only)",
                               toks[k].name);
    if (!rc && ncopies) {
        /* the union of the copies' fields */
        char **names = NULL;
        int *mv = NULL, n = 0, maxord = 0;
        for (int ci = 0; ci < ncopies; ci++) {
            if (copies[ci].nord > maxord) maxord = copies[ci].nord;
            for (int i = 0; i < copies[ci].ncols; i++) {
                int have = 0;
                for (int k = 0; k < n; k++) have |= !strcmp(names[k], copies[ci].names[i]);
                if (have) continue;
                names = xrealloc(names, sizeof *names * (size_t)(n + 1));
                mv = xrealloc(mv, sizeof *mv * (size_t)(n + 1));
                names[n] = xstrdup(copies[ci].names[i]);
                mv[n] = copies[ci].mv[i];
                n++;
            }
        }
        sbuf q = {0};
        for (int ci = 0; ci < ncopies; ci++) {
            map_copy *mc = &copies[ci];
            if (ci) sbuf_add(&q, " UNION ALL ");
            sbuf_add(&q, "SELECT ");
            for (int k = 0; k < n; k++) {
                int j = -1;
                for (int i = 0; i < mc->ncols; i++)
                    if (!strcmp(mc->names[i], names[k])) j = i;
                if (j >= 0) sbuf_printf(&q, "%s.c%d AS c%d, ", mc->from, j, k);
                else sbuf_printf(&q, "NULL AS c%d, ", k);
            }
            sbuf_printf(&q, "%d AS o0", ci + 1);
            for (int o = 0; o < maxord; o++) {
                if (o < mc->nord) sbuf_printf(&q, ", %s.o%d AS o%d", mc->from, o, o + 1);
                else sbuf_printf(&q, ", NULL AS o%d", o + 1);
            }
            sbuf_printf(&q, " FROM %s WHERE (SELECT count(*) FROM %s) >= %d", mc->from, in, ci + 1);
        }
        spl_tr_new_level(tr, q.s, names, mv, n);
        spl_tr_clear_ord(tr);
        for (int o = 0; o <= maxord; o++) {
            char *os = xasprintf("%s.o%d", tr->from, o);
            int dsc = 0;
            for (int ci = 0; ci < ncopies && o > 0; ci++)
                if (o - 1 < copies[ci].nord) { dsc = copies[ci].desc[o - 1]; break; }
            spl_tr_add_ord(tr, os, dsc, 0);
            free(os);
        }
        tr->events = 0;
        sbuf_free(&q);
        for (int k = 0; k < n; k++) free(names[k]);
        free(names);
        free(mv);
    }
    for (int ci = 0; ci < ncopies; ci++) {
        free(copies[ci].from);
        for (int i = 0; i < copies[ci].ncols; i++) free(copies[ci].names[i]);
        free(copies[ci].names);
        free(copies[ci].mv);
        free(copies[ci].desc);
    }
    free(copies);
    free(tcol);
    for (int k = 0; k < ntoks; k++) free(toks[k].name);
    free(toks);
    free(in);
    free(tmpl);
    return rc;
}
