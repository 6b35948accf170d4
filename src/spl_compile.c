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
#include "spl_pf.h"

typedef struct seg {
    spl_token name;      /* type 0 for the implicit search */
    const spl_command *cmd;
    spl_toks toks;       /* arguments lexed in search mode (not eval/where) */
    size_t argoff, argend;
} seg;

static int is_eval_lang(const spl_token *name)
{
    return name->type && (spl_tok_is(name, "eval", 1) || spl_tok_is(name, "where", 1));
}

/* End of the command starting at q[i]: the next '|' outside quotes and
 * brackets. Single quotes quote only in eval-language commands (in search
 * they are ordinary characters). */
static size_t segment_end(const char *q, size_t i, size_t n, int single_quotes)
{
    int depth = 0;
    while (i < n) {
        char c = q[i];
        if (c == '"' || (c == '\'' && single_quotes)) {
            i++;
            while (i < n && q[i] != c) i += (q[i] == '\\' && i + 1 < n) ? 2 : 1;
            if (i < n) i++;
            continue;
        }
        if (c == '\\' && i + 1 < n) { i += 2; continue; }
        if (c == '[') depth++;
        else if (c == ']' && depth) depth--;
        else if (c == '|' && !depth) return i;
        i++;
    }
    return n;
}

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
static void collect_refs(spl_tr *tr, const seg *sg, const char *text, int first)
{
    const char *nm = sg->cmd ? sg->cmd->name : "search";
    if (!strcmp(nm, "search")) {
        int depth = 0;
        for (int i = 0; i < sg->toks.n; i++) {
            const spl_token *t = &sg->toks.v[i];
            if (t->type == TK_LBRACKET && !first) {
                /* a subsearch returning whole events compares all their
                 * fields: a later search cannot add the fields pruned from
                 * the events level (the first one does, spl_search.c) */
                spl_tr_ref(tr, "*");
            }
            if (t->type == TK_LBRACKET) depth++;
            if (t->type == TK_RBRACKET && depth) depth--;
            if (t->type != TK_WORD && t->type != TK_STRING) continue;
            if (depth) {
                /* a subsearch's output fields are matched against ours */
                char *s = spl_tok_text(t);
                spl_tr_ref(tr, s);
                free(s);
                continue;
            }
            int next = i + 1 < sg->toks.n ? sg->toks.v[i + 1].type : 0;
            int prev = i > 0 ? sg->toks.v[i - 1].type : 0;
            int is_field = next == TK_EQ || next == TK_NE || next == TK_LT || next == TK_LE ||
                           next == TK_GT || next == TK_GE || next == TK_IN;
            int is_value = prev == TK_EQ || prev == TK_NE || prev == TK_LT || prev == TK_LE ||
                           prev == TK_GT || prev == TK_GE;
            if (is_field) {
                char *s = spl_tok_text(t);
                /* the first search's eventtype=/tag= are the event types'
                 * conditions (spl_et_search_sql), not reads of the computed
                 * field: it is only made (a CASE per event type) for a
                 * command that reads it, like any other computed field */
                if (!(first && spl_et_is_field(s))) spl_tr_ref(tr, s);
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
    if (!strcmp(nm, "transaction")) {
        /* startswith="search": the quoted search's words name fields too */
        for (int i = 1; i < sg->toks.n; i++) {
            const spl_token *t = &sg->toks.v[i];
            if (t->type != TK_STRING || sg->toks.v[i - 1].type != TK_EQ) continue;
            char *q = spl_tok_text(t);
            spl_toks qt = {0};
            spl_error e = {0};
            if (!spl_lex(q, strlen(q), 0, SPL_LEX_SEARCH, &qt, &e))
                for (int k = 0; k < qt.n; k++)
                    if (qt.v[k].type == TK_WORD || qt.v[k].type == TK_STRING) {
                        char *w = spl_tok_text(&qt.v[k]);
                        spl_tr_ref(tr, w);
                        free(w);
                    }
            spl_error_clear(&e);
            spl_toks_free(&qt);
            free(q);
        }
    }
    if (!strcmp(nm, "rex") || !strcmp(nm, "regex") || !strcmp(nm, "spath") || !strcmp(nm, "xmlkv") ||
        !strcmp(nm, "extract") || !strcmp(nm, "kv"))
        spl_tr_ref(tr, "_raw");
    for (int i = 0; i < sg->toks.n; i++) {
        const spl_token *t = &sg->toks.v[i];
        if (t->type != TK_WORD && t->type != TK_STRING) continue;
        char *s = spl_tok_text(t);
        /* a leading +/- (sort -count, fields - x) is not part of the name */
        const char *p = s;
        if ((*p == '-' || *p == '+') && p[1]) p++;
        spl_tr_ref(tr, p);
        free(s);
    }
}

void spl_tr_free(spl_tr *tr)
{
    spl_et_free(tr);
    for (int i = 0; i < tr->npre; i++) free(tr->pre[i]);
    free(tr->pre);
    sbuf_free(&tr->ctes);
    free(tr->from);
    for (int i = 0; i < tr->ncols; i++) { free(tr->cols[i].name); free(tr->cols[i].sql); }
    free(tr->cols);
    for (int i = 0; i < tr->nord; i++) free(tr->ord[i].sql);
    free(tr->ord);
    spl_tr_where_reset(tr);
    free(tr->wh);
    sbuf_free(&tr->where);
    for (int i = 0; i < tr->nparams; i++) free(tr->params[i].text);
    free(tr->params);
    for (int i = 0; i < tr->nrefs; i++) free(tr->refs[i]);
    free(tr->refs);
    hmap_free(&tr->refs_ix);
    spl_tr_clear_dyn(tr);
    spl_pf_free(tr->pf);
    tr->pf = NULL;
    free(tr->pf_table);
    tr->pf_table = NULL;
    for (int i = 0; i < tr->npf_hints; i++) {
        free(tr->pf_hints[i].name);
        free(tr->pf_hints[i].sql);
        spl_pf_free(tr->pf_hints[i].pf);
    }
    free(tr->pf_hints);
    tr->pf_hints = NULL;
    tr->npf_hints = 0;
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
    for (int i = 0; i < q->npre; i++) free(q->pre[i]);
    free(q->pre);
    spl_pf_free(q->pf);
    free(q->pf_table);
    free(q);
}

int spl_tr_time_bounds(const spl_tr *tr, double *e, double *l)
{
    int m = 0;
    *e = *l = 0;
    if (tr->has_earliest && tr->earliest != 0) { *e = tr->earliest; m |= 1; }
    if (tr->has_latest && !(tr->has_earliest == 2 && tr->has_latest != 2)) {
        *l = tr->latest;
        m |= 2;
    } else if (tr->has_earliest && tr->earliest != 0) {
        *l = tr->now;
        m |= 2;
    }
    return m;
}

int spl_tr_apply_time_range(spl_tr *tr)
{
    if (!tr->has_rows || tr->time_applied) return 0;
    tr->time_applied = 1;
    sbuf c = {0};
    sbuf t = {0};
    if (tr->is_event_table) sbuf_add(&t, "e._time");
    else {
        /* the first stage was already flushed: filter on its _time */
        spl_col *col = spl_tr_col(tr, "_time");
        sbuf_add(&t, col ? col->sql : "NULL");
    }
    double e, l;
    int m = spl_tr_time_bounds(tr, &e, &l);
    if (tr->is_event_table) {
        tr->ev_earliest = e;
        tr->ev_latest = l;
        tr->ev_time = m;
    }
    if (m & 1) {
        sbuf_printf(&c, "%s >= ", t.s);
        spl_tr_bind_num(tr, &c, e);
        spl_tr_where(tr, c.s);
        sbuf_reset(&c);
    }
    if (m & 2) {
        sbuf_printf(&c, "%s < ", t.s);
        spl_tr_bind_num(tr, &c, l);
        spl_tr_where(tr, c.s);
    }
    sbuf_free(&c);
    sbuf_free(&t);
    return 0;
}

/* Commands whose output row for an event depends on that event alone (and
 * that keep or drop it whole): a later search's formula is then a necessary
 * condition on the events too (spl_cmd_search.c, the shared scan). */
static int row_local(const char *name)
{
    static const char *const names[] = {"search", "eval", "where", "fields", "rename", "table", "regex"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i])) return 1;
    return 0;
}

/* Commands that give no result from no input (the first command's rows):
 * a query made only of these (stats and tstats with a BY clause) has no
 * results when the shared scan lists no rows for it. Not: stats without BY
 * (a count of 0), append, appendpipe, inputlookup append=t, makeresults,
 * map, timechart, addtotals, outputlookup (it writes even nothing). */
static int empty_stays_empty(const seg *s)
{
    static const char *const names[] = {
        "search", "where", "eval", "eventstats", "rename", "table", "fields", "head", "tail", "sort", "dedup",
        "fillnull", "convert", "bin", "bucket", "rex", "regex", "mvexpand", "makemv", "spath", "replace", "top",
        "rare", "streamstats", "fromjson", "xmlkv", "extract", "kv", "join", "lookup", "transaction", "iplocation",
        "foreach"};
    const char *name = s->cmd->name;
    if (!strcmp(name, "stats") || !strcmp(name, "tstats")) {
        for (int i = 0; i < s->toks.n; i++)
            if (s->toks.v[i].type == TK_WORD && spl_tok_is(&s->toks.v[i], "by", 1)) return 1;
        return 0;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i])) return 1;
    return 0;
}

/* Translate the pipeline in tr->text[start..end) into tr. */
static int run_pipeline(spl_tr *tr, size_t start, size_t end)
{
    int rc = -1;
    seg *segs = NULL;
    int nseg = 0;
    const char *q = tr->text;
    size_t qlen = end;

    /* split into commands */
    {
        size_t i = start;
        while (i < qlen && (q[i] == ' ' || q[i] == '\t' || q[i] == '\n' || q[i] == '\r')) i++;
        int leading_pipe = i < qlen && q[i] == '|';
        if (leading_pipe) i++;
        segs = xcalloc((qlen - start) / 2 + 2, sizeof *segs);
        for (;;) {
            seg *sg = &segs[nseg];
            size_t j = i;
            while (j < qlen && (q[j] == ' ' || q[j] == '\t' || q[j] == '\n' || q[j] == '\r')) j++;
            size_t w = j;
            while (w < qlen && !strchr(" \t\r\n|\"'[]()=", q[w])) w++;
            spl_token name = {TK_WORD, q + j, w - j, j};
            int implicit = nseg == 0 && !leading_pipe && !tr->subpipe && !spl_tok_is(&name, "search", 0);
            if (implicit) {
                sg->name.type = 0;
                sg->name.s = q;
                sg->name.n = 0;
                sg->name.off = i;
                sg->argoff = i;
            } else {
                if (w == j) {
                    spl_tr_error(tr, j, j < qlen && q[j] != '|' ? "expected a command name"
                                                                 : "empty command: expected a command name after '|'");
                    nseg++;
                    goto done;
                }
                sg->name = name;
                sg->argoff = w;
            }
            size_t e = segment_end(q, sg->argoff, qlen, is_eval_lang(&sg->name));
            sg->argend = e;
            nseg++;
            if (nseg > SPL_MAX_COMMANDS) {
                spl_tr_error(tr, sg->name.type ? sg->name.off : sg->argoff,
                             "the search has more than %d commands", SPL_MAX_COMMANDS);
                goto done;
            }
            if (!is_eval_lang(&sg->name) &&
                spl_lex(q + sg->argoff, e - sg->argoff, sg->argoff, SPL_LEX_SEARCH, &sg->toks, tr->err))
                goto done;
            if (e >= qlen) break;
            i = e + 1;
        }
    }
    if (nseg == 1 && segs[0].name.type == 0 && segs[0].toks.n == 0) {
        spl_tr_error(tr, start, "empty search");
        goto done;
    }
    /* look commands up */
    for (int k = 0; k < nseg; k++) {
        seg *s = &segs[k];
        if (s->name.type == 0) s->cmd = spl_command_find("search", 6);
        else s->cmd = spl_command_find(s->name.s, s->name.n);
        if (!s->cmd) {
            spl_tr_error(tr, s->name.off, "unknown command '%.*s'", (int)s->name.n, s->name.s);
            goto done;
        }
        if ((s->cmd->flags & SPL_CMD_GENERATING) && k > 0 &&
            !(!strcmp(s->cmd->name, "inputlookup") && spl_args_append_true(&s->toks))) {
            spl_tr_error(tr, s->name.off, "command '%s' must be the first command of a search", s->cmd->name);
            goto done;
        }
        if (s->cmd->flags & SPL_CMD_PROJECTS) tr->project = 1;
        /* fields a b (not fields - a) also keeps only named fields */
        if (!strcmp(s->cmd->name, "fields") && s->toks.n &&
            !(s->toks.v[0].type == TK_WORD && s->toks.v[0].n == 1 && s->toks.v[0].s[0] == '-')) {
            tr->project = 1;
            spl_tr_ref(tr, "_raw"); /* fields keeps _raw */
        }
    }
    if (!tr->subpipe && !(segs[0].cmd->flags & SPL_CMD_GENERATING) && strcmp(segs[0].cmd->name, "search")) {
        spl_tr_error(tr, segs[0].name.off, "command '%s' needs events: start the query with a search", segs[0].cmd->name);
        goto done;
    }
    for (int k = 0; k < nseg; k++) collect_refs(tr, &segs[k], q, k == 0 && !tr->subpipe);
    spl_tr_ref(tr, "_time");

    /* the leading search pins sourcetype/source/EventCode for the aliases */
    tr->first_search = !tr->subpipe && !strcmp(segs[0].cmd->name, "search") ? &segs[0].toks : NULL;
    for (int k = 0; k < nseg; k++) {
        seg *s = &segs[k];
        spl_cmd_ctx c = {0};
        c.tr = tr;
        c.name = &s->name;
        c.args = s->toks;
        c.argtext = q + s->argoff;
        c.argoff = s->argoff;
        c.arglen = s->argend - s->argoff;
        c.first = k == 0;
        tr->cmd_off = s->name.type ? s->name.off : s->argoff;
        if (!(s->cmd->flags & SPL_CMD_GENERATING)) spl_tr_ensure_events(tr);
        if (tr->err->msg || s->cmd->translate(&c) || tr->err->msg) goto done;
        if (!row_local(s->cmd->name)) tr->pf_closed = 1;
        if (k == 0 && !tr->subpipe) spl_tr_apply_time_range(tr);
        spl_tr_note_depth(tr, tr->cmd_off);
        spl_tr_limit_depth(tr);
        if (tr->nlevels > SPL_MAX_LEVELS) {
            spl_tr_error(tr, tr->cmd_off, "the search needs more than %d SQL levels (each stats, sort, head, "
                         "dedup, streamstats... adds one; subsearches count too)", SPL_MAX_LEVELS);
            goto done;
        }
        if (tr->ncols + tr->nord > SPL_MAX_FIELDS) {
            spl_tr_error(tr, tr->cmd_off, "the search has more than %d fields", SPL_MAX_FIELDS);
            goto done;
        }
        if (tr->nparams > SPL_MAX_PARAMS) {
            spl_tr_error(tr, tr->cmd_off, "the search binds more than %d values (SQLite takes at most 250,000): "
                         "split it", SPL_MAX_PARAMS);
            goto done;
        }
    }

    if (!tr->subpipe && !tr->sub_depth) {
        tr->empty_stays_empty = 1;
        for (int k = 0; k < nseg; k++)
            if (!empty_stays_empty(&segs[k])) tr->empty_stays_empty = 0;
    }
    rc = 0;
done:
    tr->first_search = NULL; /* points into segs */
    for (int k = 0; k < nseg; k++) spl_toks_free(&segs[k].toks);
    free(segs);
    return rc;
}

int spl_tr_subsearch(spl_tr *parent, size_t start, size_t end, int subpipe, spl_tr *child)
{
    memset(child, 0, sizeof *child);
    child->st = parent->st;
    child->opts = parent->opts;
    child->err = parent->err;
    child->text = parent->text;
    child->now = parent->now;
    /* the options' range, not the query's earliest=/latest= (Splunk: "time
     * ranges specified directly in the base search do not apply to
     * subsearches"); a subsearch's own earliest=/latest= apply to it alone */
    child->earliest = child->pick_earliest = parent->pick_earliest;
    child->latest = child->pick_latest = parent->pick_latest;
    child->has_earliest = child->has_pick_earliest = parent->has_pick_earliest;
    child->has_latest = child->has_pick_latest = parent->has_pick_latest;
    child->macros = parent->macros;
    child->subpipe = subpipe;
    child->events_guard = parent->sub_events_guard;
    /* share parameter numbering and CTE names */
    child->params = parent->params;
    child->nparams = parent->nparams;
    child->capparams = parent->capparams;
    parent->params = NULL;
    parent->nparams = parent->capparams = 0;
    child->nlevels = parent->nlevels;
    if (subpipe) {
        /* start from the parent's results */
        spl_tr_flush(parent, -1, NULL);
        child->nlevels = parent->nlevels;
        child->from = xstrdup(parent->from);
        for (int i = 0; i < parent->ncols; i++)
            spl_tr_set(child, parent->cols[i].name, parent->cols[i].sql, parent->cols[i].mv);
        for (int i = 0; i < parent->nord; i++) spl_tr_add_ord(child, parent->ord[i].sql, parent->ord[i].desc, 0);
        child->has_rows = 1;
        child->events = parent->events;
        child->time_applied = 1;
    }
    child->sub_depth = parent->sub_depth + 1;
    int rc = 0;
    if (child->sub_depth > SPL_MAX_SUBSEARCH_DEPTH)
        rc = spl_tr_error(parent, start ? start - 1 : 0, "subsearches nest more than %d deep", SPL_MAX_SUBSEARCH_DEPTH);
    else
        rc = run_pipeline(child, start, end);
    if (!rc) {
        if (!child->has_rows) spl_tr_ensure_events(child);
        spl_tr_flush(child, -1, NULL);
    }
    /* hand the shared state back */
    parent->params = child->params;
    parent->nparams = child->nparams;
    parent->capparams = child->capparams;
    child->params = NULL;
    child->nparams = child->capparams = 0;
    parent->nlevels = child->nlevels;
    if (child->deep_max > parent->deep_max) {
        parent->deep_max = child->deep_max;
        parent->deep_off = child->deep_off;
    }
    if (child->ctes.len) {
        if (parent->ctes.len) sbuf_add(&parent->ctes, ",\n");
        sbuf_add(&parent->ctes, child->ctes.s);
    }
    /* statements the child needs run first run before the parent's query */
    if (child->npre) {
        parent->pre = xrealloc(parent->pre, sizeof *parent->pre * (size_t)(parent->npre + child->npre));
        for (int i = 0; i < child->npre; i++) parent->pre[parent->npre++] = child->pre[i];
        free(child->pre);
        child->pre = NULL;
        child->npre = 0;
    }
    return rc;
}

void spl_tr_sub_free(spl_tr *child)
{
    spl_tr_free(child);
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
        err->macro = 1;
        free(err->text);
        err->text = xstrdup(text);
        return -1;
    }
    free(err->text);
    err->text = xstrdup(q);

    spl_tr tr = {0};
    tr.st = st;
    tr.opts = o;
    tr.macros = macros;
    tr.err = err;
    tr.text = q;
    tr.now = o && o->now > 0 ? o->now : util_now();
    int rc = -1;
    /* time range from the options; the query's own earliest=/latest= win */
    if (o && o->earliest && *o->earliest) {
        if (spl_time_modifier(&tr, o->earliest, 0, &tr.earliest)) {
            free(err->msg);
            err->msg = xasprintf("--earliest: bad time modifier '%s'", o->earliest);
            err->has_pos = 0;
            goto done;
        }
        tr.has_earliest = 1;
        tr.pick_earliest = tr.earliest;
        tr.has_pick_earliest = 1;
    }
    if (o && o->latest && *o->latest) {
        if (spl_time_modifier(&tr, o->latest, 0, &tr.latest)) {
            free(err->msg);
            err->msg = xasprintf("--latest: bad time modifier '%s'", o->latest);
            err->has_pos = 0;
            goto done;
        }
        tr.has_latest = 1;
        tr.pick_latest = tr.latest;
        tr.has_pick_latest = 1;
    }

    if (run_pipeline(&tr, 0, strlen(q))) goto done;

    /* final statement */
    {
        sbuf sql = {0};
        if (tr.ctes.len) sbuf_printf(&sql, "WITH %s\n", tr.ctes.s);
        sbuf_add(&sql, "SELECT ");
        for (int i = 0; i < tr.ncols; i++)
            sbuf_printf(&sql, "%s%s", i ? ", " : "", tr.cols[i].sql);
        if (!tr.ncols) sbuf_add(&sql, "NULL");
        sbuf_printf(&sql, " FROM %s", tr.from);
        if (tr.nwh) sbuf_printf(&sql, " WHERE %s", spl_tr_where_sql(&tr));
        if (tr.nord) {
            sbuf_add(&sql, " ORDER BY ");
            spl_tr_order_sql(&tr, &sql, 0);
        }
        spl_query *r = xcalloc(1, sizeof *r);
        r->sql = sbuf_detach(&sql);
        r->deep_off = tr.deep_off;
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
        r->pre = tr.pre;
        r->npre = tr.npre;
        tr.pre = NULL;
        tr.npre = 0;
        r->pf = tr.pf;
        r->pf_param = tr.pf_param;
        if (tr.pf) {
            r->pf_time = tr.ev_time;
            r->pf_earliest = tr.ev_earliest;
            r->pf_latest = tr.ev_latest;
        }
        r->pf_table = tr.pf_table ? tr.pf_table : xstrdup("events");
        r->empty_stays_empty = tr.empty_stays_empty && !tr.npre;
        tr.pf = NULL;
        tr.pf_table = NULL;
        q = NULL;
        *out = r;
        rc = 0;
    }
done:
    spl_tr_free(&tr);
    free(q);
    return rc;
}
