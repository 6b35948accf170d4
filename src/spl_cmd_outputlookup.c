/* spl_cmd_outputlookup.c: outputlookup [append=B] [max=N] [create_empty=B]
 * [override_if_empty=B] [key_field=F] [createinapp=B] NAME: writes the
 * results to the lookup NAME and passes them on unchanged. The lookup's
 * table is written into the database (main."lookup:NAME", see
 * spl_lookup.h), which from then on replaces the definition's CSV file for
 * lookup and inputlookup; lookup files themselves are never modified. The
 * write is a statement run before the query (spl_query.pre). Every field
 * except _raw and other internal ones (a leading '_', but _time and _key
 * are kept) becomes a column; append=true adds the rows to the current
 * table (the CSV's rows when nothing was written yet), adding columns it
 * lacks. override_if_empty=false keeps the lookup as it is when there are
 * no results; otherwise its rows are replaced, but columns the results lack
 * stay (empty) in the table. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "spl_int.h"
#include "spl_lookup.h"

int spl_cmd_outputlookup(spl_cmd_ctx *c);

static int truthy(const char *v)
{
    return !strcasecmp(v, "t") || !strcasecmp(v, "true") || !strcmp(v, "1");
}

static int written(const char *name)
{
    if (name[0] != '_') return 1;
    return !strcmp(name, "_time") || !strcmp(name, "_key");
}

int spl_cmd_outputlookup(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    sqlite3 *db = store_db(tr->st);
    int i = 0, rc = 0, append = 0, keep_if_empty = 0;
    long max = -1;
    while (i < a->n && spl_arg_is_option(c, i)) {
        char *v = NULL;
        const spl_token *t = &a->v[i];
        if (spl_arg_option(c, i, "append", &v)) append = truthy(v);
        else if (spl_arg_option(c, i, "max", &v)) {
            double d;
            if (!util_is_number(v, strlen(v), &d) || d < 0) rc = spl_arg_error(c, &a->v[i + 2], "max must be a number");
            else max = util_clamp_long(d);
        } else if (spl_arg_option(c, i, "override_if_empty", &v)) {
            keep_if_empty = !truthy(v);
        } else if (spl_arg_option(c, i, "create_empty", &v) || spl_arg_option(c, i, "key_field", &v) ||
                   spl_arg_option(c, i, "createinapp", &v) || spl_arg_option(c, i, "create_context", &v) ||
                   spl_arg_option(c, i, "allow_updates", &v)) {
            /* the table is always created; keys and app contexts do not exist here */
        } else {
            rc = spl_arg_error(c, t, "unknown option '%.*s'", (int)t->n, t->s);
        }
        free(v);
        if (rc) return rc;
        i += 3;
    }
    if (i >= a->n || (a->v[i].type != TK_WORD && a->v[i].type != TK_STRING))
        return spl_arg_error(c, i < a->n ? &a->v[i] : NULL, "expected a lookup name");
    if (i + 1 < a->n) return spl_arg_error(c, &a->v[i + 1], "unexpected '%.*s'", (int)a->v[i + 1].n, a->v[i + 1].s);
    char *name = spl_tok_text(&a->v[i]);
    spl_lookup_def tmpdef = {0};
    const spl_lookup_def *d = spl_lookups_find(tr->opts ? tr->opts->lookups : NULL, name);
    if (!d) {
        tmpdef.name = xstrdup(name);
        tmpdef.case_sensitive = 1;
        tmpdef.max_matches = 1000;
        d = &tmpdef;
    }
    char *tname = xasprintf("lookup:%s", d->name);
    sbuf tq = {0};
    sbuf_add(&tq, "main.");
    sbuf_add_sql_ident(&tq, tname);
    char **have = NULL;
    int nhave = 0;
    /* override_if_empty=false: built like append=true (the table keeps its
     * rows and columns), its rows deleted only when there are results */
    int from_current = append || keep_if_empty;
    if (from_current) {
        /* start from what the lookup holds now */
        char *err = NULL;
        if (!spl_lookup_in_db(db, d->name) && (d->path || d->collection) &&
            !spl_lookup_table(db, d, &have, &nhave, &err)) {
            char *src = spl_lookup_table_sql(db, d);
            spl_tr_add_pre(tr, xasprintf("CREATE TABLE IF NOT EXISTS %s AS SELECT * FROM %s", tq.s, src));
            free(src);
        } else if (spl_lookup_in_db(db, d->name)) {
            char *src = spl_lookup_table_sql(db, d);
            spl_lookup_table(db, d, &have, &nhave, &err);
            free(src);
        }
        free(err);
    } else {
        spl_tr_add_pre(tr, xasprintf("DROP TABLE IF EXISTS %s", tq.s));
    }
    spl_tr_flush(tr, -1, NULL);
    /* columns: the written fields, and pattern columns of wildcard fields */
    sbuf create = {0}, ins = {0}, sel = {0};
    sbuf_printf(&create, "CREATE TABLE IF NOT EXISTS %s (", tq.s);
    int ncreate = 0, nins = 0;
    for (int k = 0; k < tr->ncols; k++) {
        const spl_col *col = &tr->cols[k];
        if (!written(col->name)) continue;
        for (int pass = 0; pass < 2; pass++) {
            int wild = pass == 1;
            if (wild && !spl_lookup_is_wild(d, col->name)) continue;
            char *cn = wild ? xasprintf("%s#pat", col->name) : xstrdup(col->name);
            int known = 0;
            for (int h = 0; h < nhave; h++) known |= !strcmp(have[h], cn);
            if (from_current && nhave && !known && !wild) {
                sbuf alt = {0};
                sbuf_printf(&alt, "ALTER TABLE %s ADD COLUMN ", tq.s);
                sbuf_add_sql_ident(&alt, cn);
                spl_tr_add_pre(tr, sbuf_detach(&alt));
            }
            sbuf_add(&create, ncreate++ ? ", " : "");
            sbuf_add_sql_ident(&create, cn);
            sbuf_add(&ins, nins ? ", " : "");
            sbuf_add_sql_ident(&ins, cn);
            if (wild) {
                char *p = spl_lookup_pattern_sql(d, col->sql);
                sbuf_printf(&sel, "%s%s", nins ? ", " : "", p);
                free(p);
            } else {
                sbuf_printf(&sel, "%s%s", nins ? ", " : "", col->sql);
            }
            nins++;
            free(cn);
        }
    }
    if (!ncreate) sbuf_add(&create, "\"_key\"");
    sbuf_add(&create, ")");
    spl_tr_add_pre(tr, sbuf_detach(&create));
    if (keep_if_empty && !append) {
        sbuf del = {0};
        sbuf_printf(&del, "DELETE FROM %s WHERE EXISTS (", tq.s);
        if (tr->ctes.len) sbuf_printf(&del, "WITH %s\n", tr->ctes.s);
        sbuf_printf(&del, "SELECT 1 FROM %s)", tr->from);
        spl_tr_add_pre(tr, sbuf_detach(&del));
    }
    if (nins) {
        sbuf w = {0};
        if (tr->ctes.len) sbuf_printf(&w, "WITH %s\n", tr->ctes.s);
        sbuf_printf(&w, "INSERT INTO %s (%s) SELECT %s FROM %s", tq.s, ins.s, sel.s, tr->from);
        if (tr->nord) {
            sbuf_add(&w, " ORDER BY ");
            spl_tr_order_sql(tr, &w, 0);
        }
        if (max >= 0) sbuf_printf(&w, " LIMIT %ld", max);
        spl_tr_add_pre(tr, sbuf_detach(&w));
    }
    sbuf_free(&ins);
    sbuf_free(&sel);
    spl_lookup_cols_free(have, nhave);
    sbuf_free(&tq);
    free(tname);
    free(tmpdef.name);
    free(name);
    return rc;
}
