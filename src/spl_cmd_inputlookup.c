/* spl_cmd_inputlookup.c: the inputlookup generating command:
 *   | inputlookup [start=N] [max=N] NAME [WHERE search-expression]
 * The rows of a lookup's table (spl_lookup.h) in file order, one result per
 * row with the table's columns as fields (an empty cell is no field),
 * optionally filtered by a search expression. With append=true after the
 * first command the rows are added after the current results (as
 * `append [| inputlookup ...]`); as the first command append= changes
 * nothing. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "spl_int.h"
#include "spl_lookup.h"

int spl_cmd_inputlookup(spl_cmd_ctx *c);

static int is_true(const char *v)
{
    return !strcasecmp(v, "t") || !strcasecmp(v, "true") || !strcmp(v, "1");
}

int spl_args_append_true(const spl_toks *a)
{
    for (int i = 0; i + 2 < a->n; i++)
        if (a->v[i].type == TK_WORD && spl_tok_is(&a->v[i], "append", 1) && a->v[i + 1].type == TK_EQ) {
            char *v = spl_tok_text(&a->v[i + 2]);
            int on = is_true(v);
            free(v);
            return on;
        }
    return 0;
}

/* Options from token i on (before or after the name, as Splunk accepts
 * both): returns the index after them, -1 on error, -2 when the command
 * became an append (done). */
static int parse_options(spl_cmd_ctx *c, int i, long *start, long *max)
{
    const spl_toks *a = &c->args;
    while (i < a->n && spl_arg_is_option(c, i)) {
        char *v = NULL;
        const spl_token *vt = &a->v[i + 2];
        if (spl_arg_option(c, i, "start", &v) || spl_arg_option(c, i, "max", &v)) {
            double d;
            int is_start = spl_tok_is(&a->v[i], "start", 1);
            int bad = !util_is_number(v, strlen(v), &d) || d < 0;
            free(v);
            if (bad) return spl_arg_error(c, vt, "expected a number"), -1;
            if (is_start) *start = util_clamp_long(d);
            else *max = util_clamp_long(d);
            i += 3;
            continue;
        }
        if (spl_arg_option(c, i, "append", &v)) {
            int on = is_true(v);
            free(v);
            if (on && !c->first) {
                /* | inputlookup append=t NAME: as append [| inputlookup NAME];
                 * the appended search is this command's own text, where
                 * inputlookup is then the first command */
                spl_tr *tr = c->tr;
                size_t p = c->name->off;
                while (p > 0 && tr->text[p - 1] != '|') p--;
                assert(p > 0);
                return spl_tr_append_search(tr, p - 1, c->argoff + c->arglen) ? -1 : -2;
            }
            i += 3;
            continue;
        }
        return spl_arg_error(c, &a->v[i], "unknown option '%.*s'", (int)a->v[i].n, a->v[i].s), -1;
    }
    return i;
}

int spl_cmd_inputlookup(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    int i = 0, rc = 0;
    long start = 0, max = -1;
    i = parse_options(c, 0, &start, &max);
    if (i < 0) return i == -2 ? 0 : -1;
    if (i >= a->n || (a->v[i].type != TK_WORD && a->v[i].type != TK_STRING))
        return spl_arg_error(c, i < a->n ? &a->v[i] : NULL, "expected a lookup name");
    const spl_token *ntok = &a->v[i];
    i = parse_options(c, i + 1, &start, &max);
    if (i < 0) return i == -2 ? 0 : -1;
    char *name = spl_tok_text(ntok);
    spl_lookup_def tmpdef;
    const spl_lookup_def *d = spl_lookup_resolve(store_db(tr->st), tr->opts ? tr->opts->lookups : NULL, name, &tmpdef);
    if (!d) {
        rc = spl_tr_error(tr, ntok->off, "unknown lookup '%s'", name);
        free(name);
        return rc;
    }
    free(name);
    int where_from = -1;
    if (i < a->n) {
        if (a->v[i].type != TK_WORD || !spl_tok_is(&a->v[i], "where", 1)) {
            free(tmpdef.name);
            return spl_arg_error(c, &a->v[i], "expected WHERE or the end of the command, got '%.*s'", (int)a->v[i].n,
                                 a->v[i].s);
        }
        where_from = i + 1;
    }
    char **cols = NULL;
    int ncols = 0;
    char *err = NULL;
    if (spl_lookup_table(store_db(tr->st), d, &cols, &ncols, &err)) {
        rc = spl_tr_error(tr, ntok->off, "%s", err);
        free(err);
        free(tmpdef.name);
        return rc;
    }
    char *tsql = spl_lookup_table_sql(store_db(tr->st), d);
    sbuf q = {0};
    sbuf_add(&q, "SELECT ");
    for (int k = 0; k < ncols; k++) {
        sbuf_add(&q, k ? ", " : "");
        sbuf_add_sql_ident(&q, cols[k]);
        sbuf_printf(&q, " AS c%d", k);
    }
    sbuf_printf(&q, "%srowid AS o0 FROM %s", ncols ? ", " : "", tsql);
    if (max >= 0 || start > 0) sbuf_printf(&q, " ORDER BY rowid LIMIT %ld OFFSET %ld", max >= 0 ? max : -1L, start);
    tr->has_rows = 1;
    tr->time_applied = 1; /* reads no events: the time range does not apply */
    tr->from = xstrdup("");
    spl_tr_new_level(tr, q.s, cols, NULL, ncols);
    spl_tr_clear_ord(tr);
    spl_tr_add_ord_col(tr, "o0", 0);
    tr->events = 0;
    sbuf_free(&q);
    free(tsql);
    free(tmpdef.name);
    spl_lookup_cols_free(cols, ncols);
    if (where_from >= 0) {
        spl_pctx P = {0};
        rc = spl_cmd_parse_search(c, where_from, a->n, &P);
        if (!rc && !P.result) rc = spl_arg_error(c, &a->v[where_from - 1], "expected a search expression after WHERE");
        if (!rc) {
            sbuf cond = {0};
            rc = spl_search_sql(tr, P.result, &cond, 0);
            if (!rc && strcmp(cond.s, "1")) spl_tr_where(tr, cond.s);
            sbuf_free(&cond);
        }
        spl_pctx_free(&P);
    }
    return rc;
}
