/* spl_compile.c: SPL query -> SQL. Expands macros, splits the pipeline at
 * top-level '|', looks every command up in the command table
 * (spl_registry.c), lets each translate itself into the translator state
 * (spl_tr.c), applies the time range, and assembles the final statement
 * "WITH s0 AS (...), ... SELECT <fields> FROM <last level> ORDER BY ...". */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"
#include "timemod.h"

typedef struct seg {
    spl_token name;      /* type 0 for the implicit search */
    const spl_command *cmd;
    int a, b;            /* argument tokens [a, b) of the whole-query list */
    size_t argoff, argend;
} seg;

int spl_time_modifier(spl_tr *tr, const char *spec, size_t off, double *out)
{
    char *e = NULL;
    if (timemod_parse(spec, tr->now, out, &e)) {
        int rc = spl_tr_error(tr, off, "bad time modifier: %s", e ? e : spec);
        free(e);
        return rc;
    }
    return 0;
}

int spl_arg_error(spl_cmd_ctx *c, const spl_token *t, const char *fmt, ...)
{
    spl_tr *tr = c->tr;
    if (tr->err->msg) return -1;
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    spl_tr_error(tr, t ? t->off : c->name->off, "%.*s: %s", (int)c->name->n, c->name->s, m);
    free(m);
    return -1;
}

int spl_arg_is_option(spl_cmd_ctx *c, int i)
{
    return i + 2 < c->args.n && c->args.v[i].type == TK_WORD && c->args.v[i + 1].type == TK_EQ &&
           (c->args.v[i + 2].type == TK_WORD || c->args.v[i + 2].type == TK_STRING);
}

int spl_arg_option(spl_cmd_ctx *c, int i, const char *name, char **val)
{
    if (!spl_arg_is_option(c, i) || !spl_tok_is(&c->args.v[i], name, 1)) return 0;
    *val = spl_tok_text(&c->args.v[i + 2]);
    return 1;
}

/* names a command refers to, for pruning the columns of the first stage */
static void collect_refs(spl_tr *tr, const seg *sg, const spl_toks *all, const char *text)
{
    const char *nm = sg->cmd ? sg->cmd->name : "search";
    if (!strcmp(nm, "search")) {
        for (int i = sg->a; i < sg->b; i++) {
            const spl_token *t = &all->v[i];
            if (t->type != TK_WORD && t->type != TK_STRING) continue;
            int next = i + 1 < sg->b ? all->v[i + 1].type : 0;
            int prev = i > sg->a ? all->v[i - 1].type : 0;
            int is_field = next == TK_EQ || next == TK_NE || next == TK_LT || next == TK_LE ||
                           next == TK_GT || next == TK_GE || next == TK_IN;
            int is_value = prev == TK_EQ || prev == TK_NE || prev == TK_LT || prev == TK_LE ||
                           prev == TK_GT || prev == TK_GE;
            if (is_field) {
                char *s = spl_tok_text(t);
                spl_tr_ref(tr, s);
                free(s);
            } else if (!is_value) {
                spl_tr_ref(tr, "_raw");
            }
        }
        return;
    }
    if (!strcmp(nm, "eval") || !strcmp(nm, "where")) {
        spl_toks et = {0};
        spl_error e = {0};
        if (!spl_lex(text + sg->argoff, sg->argend - sg->argoff, sg->argoff, SPL_LEX_EVAL, &et, &e)) {
            for (int i = 0; i < et.n; i++)
                if (et.v[i].type == TK_IDENT || et.v[i].type == TK_QIDENT) {
                    char *s = et.v[i].type == TK_QIDENT ? spl_tok_text(&et.v[i]) : xstrndup(et.v[i].s, et.v[i].n);
                    spl_tr_ref(tr, s);
                    free(s);
                }
        }
        spl_error_clear(&e);
        spl_toks_free(&et);
        return;
    }
    if (!strcmp(nm, "rex") || !strcmp(nm, "regex")) spl_tr_ref(tr, "_raw");
    for (int i = sg->a; i < sg->b; i++) {
        const spl_token *t = &all->v[i];
        if (t->type != TK_WORD && t->type != TK_STRING) continue;
        char *s = spl_tok_text(t);
        /* a leading +/- (sort -count, fields - x) is not part of the name */
        const char *p = s;
        if ((*p == '-' || *p == '+') && p[1]) p++;
        spl_tr_ref(tr, p);
        free(s);
    }
}

static void tr_free(spl_tr *tr)
{
    sbuf_free(&tr->ctes);
    free(tr->from);
    for (int i = 0; i < tr->ncols; i++) { free(tr->cols[i].name); free(tr->cols[i].sql); }
    free(tr->cols);
    for (int i = 0; i < tr->nord; i++) free(tr->ord[i].sql);
    free(tr->ord);
    sbuf_free(&tr->where);
    for (int i = 0; i < tr->nparams; i++) free(tr->params[i].text);
    free(tr->params);
    for (int i = 0; i < tr->nrefs; i++) free(tr->refs[i]);
    free(tr->refs);
}

void spl_query_free(spl_query *q)
{
    if (!q) return;
    free(q->sql);
    for (int i = 0; i < q->nparams; i++) free(q->params[i].text);
    free(q->params);
    for (int i = 0; i < q->ncols; i++) free(q->cols[i]);
    free(q->cols);
    free(q->col_mv);
    free(q->expanded);
    free(q);
}

static int apply_time_range(spl_tr *tr)
{
    if (!tr->has_rows) return 0;
    sbuf c = {0};
    sbuf t = {0};
    if (tr->is_event_table) sbuf_add(&t, "e._time");
    else {
        /* the first stage was already flushed: filter on its _time */
        spl_col *col = spl_tr_col(tr, "_time");
        sbuf_add(&t, col ? col->sql : "NULL");
    }
    /* earliest=0 means all time */
    if (tr->has_earliest && tr->earliest != 0) {
        sbuf_printf(&c, "%s >= ", t.s);
        spl_tr_bind_num(tr, &c, tr->earliest);
        spl_tr_where(tr, c.s);
        sbuf_reset(&c);
    }
    if (tr->has_latest) {
        sbuf_printf(&c, "%s < ", t.s);
        spl_tr_bind_num(tr, &c, tr->latest);
        spl_tr_where(tr, c.s);
    }
    sbuf_free(&c);
    sbuf_free(&t);
    return 0;
}

int spl_compile(store *st, const spl_macros *macros, const char *text,
                const spl_opts *o, spl_query **out, spl_error *err)
{
    assert(st && text && out && err);
    *out = NULL;
    spl_error_clear(err);
    char *merr = NULL;
    size_t moff = 0;
    char *q = spl_macros_expand(macros, text, &merr, &moff);
    if (!q) {
        err->msg = merr;
        err->off = moff;
        err->has_pos = 1;
        free(err->text);
        err->text = xstrdup(text);
        return -1;
    }
    free(err->text);
    err->text = xstrdup(q);

    spl_tr tr = {0};
    tr.st = st;
    tr.opts = o;
    tr.err = err;
    tr.text = q;
    tr.now = o && o->now > 0 ? o->now : util_now();
    int rc = -1;
    spl_toks all = {0};
    seg *segs = NULL;
    int nseg = 0;
    size_t qlen = strlen(q);

    if (spl_lex(q, qlen, 0, SPL_LEX_SEARCH, &all, err)) goto done;
    /* split into commands */
    {
        int i = 0;
        int leading_pipe = all.n && all.v[0].type == TK_PIPE;
        if (leading_pipe) i = 1;
        int depth = 0;
        int start = i;
        segs = xcalloc((size_t)all.n + 2, sizeof *segs);
        for (;; i++) {
            if (i < all.n && all.v[i].type == TK_LBRACKET) depth++;
            if (i < all.n && all.v[i].type == TK_RBRACKET && depth) depth--;
            if (i < all.n && (all.v[i].type != TK_PIPE || depth)) continue;
            seg *s = &segs[nseg];
            size_t endoff = i < all.n ? all.v[i].off : qlen;
            int implicit = nseg == 0 && !leading_pipe &&
                           !(start < i && all.v[start].type == TK_WORD && spl_tok_is(&all.v[start], "search", 0));
            if (implicit) {
                s->name.type = 0;
                s->name.s = q;
                s->name.n = 0;
                s->name.off = 0;
                s->a = start;
                s->argoff = 0;
            } else {
                if (start >= i || all.v[start].type != TK_WORD) {
                    size_t off = start < all.n ? all.v[start].off : qlen;
                    spl_tr_error(&tr, off, start >= i ? "empty command: expected a command name after '|'"
                                                      : "expected a command name");
                    goto done;
                }
                s->name = all.v[start];
                s->a = start + 1;
                s->argoff = all.v[start].off + all.v[start].n;
            }
            s->b = i;
            s->argend = endoff;
            nseg++;
            if (i >= all.n) break;
            start = i + 1;
        }
    }
    if (nseg == 1 && segs[0].name.type == 0 && segs[0].a == segs[0].b) {
        spl_tr_error(&tr, 0, "empty search");
        goto done;
    }
    /* look commands up */
    for (int k = 0; k < nseg; k++) {
        seg *s = &segs[k];
        if (s->name.type == 0) s->cmd = spl_command_find("search", 6);
        else s->cmd = spl_command_find(s->name.s, s->name.n);
        if (!s->cmd) {
            spl_tr_error(&tr, s->name.off, "unknown command '%.*s'", (int)s->name.n, s->name.s);
            goto done;
        }
        if ((s->cmd->flags & SPL_CMD_GENERATING) && k > 0) {
            spl_tr_error(&tr, s->name.off, "command '%s' must be the first command of a search", s->cmd->name);
            goto done;
        }
        if (s->cmd->flags & SPL_CMD_PROJECTS) tr.project = 1;
    }
    if (!(segs[0].cmd->flags & SPL_CMD_GENERATING) && strcmp(segs[0].cmd->name, "search")) {
        spl_tr_error(&tr, segs[0].name.off, "command '%s' needs events: start the query with a search", segs[0].cmd->name);
        goto done;
    }
    for (int k = 0; k < nseg; k++) collect_refs(&tr, &segs[k], &all, q);
    spl_tr_ref(&tr, "_time");

    /* time range from the options; the query's own earliest=/latest= win */
    if (o && o->earliest && *o->earliest) {
        if (spl_time_modifier(&tr, o->earliest, 0, &tr.earliest)) {
            free(err->msg);
            err->msg = xasprintf("--earliest: bad time modifier '%s'", o->earliest);
            err->has_pos = 0;
            goto done;
        }
        tr.has_earliest = 1;
    }
    if (o && o->latest && *o->latest) {
        if (spl_time_modifier(&tr, o->latest, 0, &tr.latest)) {
            free(err->msg);
            err->msg = xasprintf("--latest: bad time modifier '%s'", o->latest);
            err->has_pos = 0;
            goto done;
        }
        tr.has_latest = 1;
    }

    for (int k = 0; k < nseg; k++) {
        seg *s = &segs[k];
        spl_cmd_ctx c = {0};
        c.tr = &tr;
        c.name = &s->name;
        c.args.v = all.v + s->a;
        c.args.n = s->b - s->a;
        c.argtext = q + s->argoff;
        c.argoff = s->argoff;
        c.arglen = s->argend - s->argoff;
        c.first = k == 0;
        if (!(s->cmd->flags & SPL_CMD_GENERATING)) spl_tr_ensure_events(&tr);
        if (s->cmd->translate(&c)) goto done;
        if (k == 0) apply_time_range(&tr);
    }

    /* final statement */
    {
        sbuf sql = {0};
        if (tr.ctes.len) sbuf_printf(&sql, "WITH %s\n", tr.ctes.s);
        sbuf_add(&sql, "SELECT ");
        for (int i = 0; i < tr.ncols; i++)
            sbuf_printf(&sql, "%s%s", i ? ", " : "", tr.cols[i].sql);
        if (!tr.ncols) sbuf_add(&sql, "NULL");
        sbuf_printf(&sql, " FROM %s", tr.from);
        if (tr.where.len) sbuf_printf(&sql, " WHERE %s", tr.where.s);
        if (tr.nord) {
            sbuf_add(&sql, " ORDER BY ");
            spl_tr_order_sql(&tr, &sql, 0);
        }
        spl_query *r = xcalloc(1, sizeof *r);
        r->sql = sbuf_detach(&sql);
        r->params = tr.params;
        r->nparams = tr.nparams;
        tr.params = NULL;
        tr.nparams = 0;
        r->ncols = tr.ncols;
        r->cols = xcalloc((size_t)tr.ncols + 1, sizeof *r->cols);
        r->col_mv = xcalloc((size_t)tr.ncols + 1, sizeof *r->col_mv);
        for (int i = 0; i < tr.ncols; i++) {
            r->cols[i] = xstrdup(tr.cols[i].name);
            r->col_mv[i] = tr.cols[i].mv;
        }
        r->events = tr.events;
        r->expanded = q;
        q = NULL;
        *out = r;
        rc = 0;
    }
done:
    free(segs);
    spl_toks_free(&all);
    tr_free(&tr);
    free(q);
    return rc;
}
