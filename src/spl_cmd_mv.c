/* spl_cmd_mv.c: multivalue commands: mvexpand field [limit=N] (one result
 * per value, in value order, other fields copied; a result without the
 * field is kept as it is) and makemv [delim=S | tokenizer=REGEX]
 * [allowempty=B] field (split a value into a multivalue; default delimiter a
 * space; empty values dropped unless allowempty=true (delim only); with
 * tokenizer, the first capture group of each match is a value; setsv=true
 * is refused). */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_mvexpand(spl_cmd_ctx *c);
int spl_cmd_makemv(spl_cmd_ctx *c);

int spl_cmd_mvexpand(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *field = NULL;
    long limit = 0;
    int rc = 0;
    for (int i = 0; i < a->n && !rc; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "limit", &v)) {
            double d;
            if (!util_is_number(v, strlen(v), &d) || d < 0) rc = spl_arg_error(c, &a->v[i + 2], "limit must be a number");
            limit = util_clamp_long(d);
            free(v);
            i += 2;
            continue;
        }
        if ((a->v[i].type == TK_WORD || a->v[i].type == TK_STRING) && !field && !spl_arg_is_option(c, i)) {
            field = spl_tok_text(&a->v[i]);
            continue;
        }
        rc = spl_arg_error(c, &a->v[i], "unexpected '%.*s'", (int)a->v[i].n, a->v[i].s);
    }
    if (!rc && !field) rc = spl_arg_error(c, NULL, "expected a field");
    if (rc) { free(field); return -1; }
    spl_col *col = spl_tr_col(tr, field);
    if (!col) { free(field); return 0; }
    spl_tr_flush(tr, -1, NULL);
    col = spl_tr_col(tr, field);
    const char *L = tr->from;
    sbuf q = {0};
    char **names = xcalloc((size_t)tr->ncols + 1, sizeof *names);
    int *mv = xcalloc((size_t)tr->ncols + 1, sizeof *mv);
    sbuf_add(&q, "SELECT ");
    for (int i = 0; i < tr->ncols; i++) {
        if (&tr->cols[i] == col) sbuf_printf(&q, "%smvx.value AS c%d", i ? ", " : "", i);
        else sbuf_printf(&q, "%s%s AS c%d", i ? ", " : "", tr->cols[i].sql, i);
        names[i] = xstrdup(tr->cols[i].name);
        mv[i] = &tr->cols[i] == col ? 0 : tr->cols[i].mv;
    }
    for (int i = 0; i < tr->nord; i++) sbuf_printf(&q, ", %s AS o%d", tr->ord[i].sql, i);
    sbuf_printf(&q, ", mvx.key AS o%d FROM %s, json_each(CASE WHEN typeof(%s)='blob' THEN CAST(%s AS TEXT) ELSE json_array(%s) END) AS mvx",
                tr->nord, L, col->sql, col->sql, col->sql);
    if (limit > 0) sbuf_printf(&q, " WHERE mvx.key < %ld", limit);
    int n = tr->ncols, nord = tr->nord;
    int *desc = xcalloc((size_t)nord + 1, sizeof *desc);
    for (int i = 0; i < nord; i++) desc[i] = tr->ord[i].desc;
    spl_tr_new_level(tr, q.s, names, mv, n);
    spl_tr_clear_ord(tr);
    for (int i = 0; i <= nord; i++) {
        char *o = xasprintf("%s.o%d", tr->from, i);
        spl_tr_add_ord(tr, o, i < nord ? desc[i] : 0, 0);
        free(o);
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    free(mv);
    free(desc);
    sbuf_free(&q);
    free(field);
    return 0;
}

int spl_cmd_makemv(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *field = NULL, *delim = xstrdup(" "), *tokenizer = NULL;
    int rc = 0, allowempty = 0;
    for (int i = 0; i < a->n && !rc; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "delim", &v)) { free(delim); delim = v; i += 2; continue; }
        if (spl_arg_option(c, i, "allowempty", &v) || spl_arg_option(c, i, "setsv", &v)) {
            int on = !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "t");
            free(v);
            if (spl_tok_is(&a->v[i], "allowempty", 1)) allowempty = on;
            else if (on) { rc = spl_arg_error(c, &a->v[i], "%.*s=true is not supported", (int)a->v[i].n, a->v[i].s); break; }
            i += 2;
            continue;
        }
        if (spl_arg_option(c, i, "tokenizer", &v)) { free(tokenizer); tokenizer = v; i += 2; continue; }
        if ((a->v[i].type == TK_WORD || a->v[i].type == TK_STRING) && !field && !spl_arg_is_option(c, i)) {
            field = spl_tok_text(&a->v[i]);
            continue;
        }
        rc = spl_arg_error(c, &a->v[i], "unexpected '%.*s'", (int)a->v[i].n, a->v[i].s);
    }
    if (!rc && !field) rc = spl_arg_error(c, NULL, "expected a field");
    if (!rc && !*delim) rc = spl_arg_error(c, NULL, "delim must not be empty");
    if (!rc && tokenizer && strcmp(delim, " ")) rc = spl_arg_error(c, NULL, "use delim= or tokenizer=, not both");
    if (!rc && tokenizer && allowempty) rc = spl_arg_error(c, NULL, "allowempty=true with tokenizer= is not supported");
    if (!rc) {
        spl_col *col = spl_tr_col(tr, field);
        if (col && tokenizer) {
            /* tokenizer=REGEX: the first group of every match is a value */
            sbuf s = {0};
            sbuf_printf(&s, "spl_rex(%s, ", col->sql);
            spl_tr_bind_text(tr, &s, tokenizer);
            sbuf_add(&s, ", 1, 0)");
            spl_tr_set(tr, field, s.s, 1);
            sbuf_free(&s);
        } else if (col) {
            sbuf s = {0};
            /* empty pieces are dropped, as makemv does by default
             * (allowempty=false); allowempty=true keeps them */
            sbuf_printf(&s, "(SELECT CASE count(*) WHEN 0 THEN NULL WHEN 1 THEN max(mm.value) ELSE CAST(json_group_array(mm.value) AS BLOB) END "
                            "FROM json_each(CASE WHEN typeof(spl_split(%s, ", col->sql);
            spl_tr_bind_text(tr, &s, delim);
            sbuf_printf(&s, "))='blob' THEN CAST(spl_split(%s, ", col->sql);
            spl_tr_bind_text(tr, &s, delim);
            sbuf_printf(&s, ") AS TEXT) ELSE json_array(spl_split(%s, ", col->sql);
            spl_tr_bind_text(tr, &s, delim);
            sbuf_printf(&s, ")) END) AS mm WHERE mm.value IS NOT NULL%s)", allowempty ? "" : " AND mm.value <> ''");
            spl_tr_set(tr, field, s.s, 1);
            sbuf_free(&s);
        }
    }
    free(field);
    free(delim);
    free(tokenizer);
    return rc;
}
