/* spl_cmd_lookup.c: the lookup command:
 *   lookup [local=B] [update=B] NAME (field [AS event_field])...
 *          [OUTPUT|OUTPUTNEW (field [AS event_field])...]
 * Each output field becomes an expression over the lookup's table
 * (spl_lookup.h): spl_lookup_match() for a table loaded from a CSV or a
 * collection (spl_lookup_match.c: memoized, indexed), a correlated subquery
 * for one outputlookup wrote. Either gives the values, over the rows whose
 * match fields equal the event's values
 * (any value of a multivalue field; '*' patterns for WILDCARD fields;
 * CIDR ranges for CIDR fields; case-insensitive unless the definition is
 * case-sensitive), in file order,
 * at most max_matches of them; several matches give a multivalue. With
 * min_matches > 0 and default_match, an event whose match fields are all
 * present but found nothing gets default_match. OUTPUT (also the default,
 * with every non-match column of the table) overwrites the event's fields;
 * OUTPUTNEW only fills fields the event lacks. local= and update= change
 * nothing here (no remote peers, no real-time searches). */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"
#include "spl_lookup.h"

int spl_cmd_lookup(spl_cmd_ctx *c);

typedef struct lk_pair {
    char *tfield;  /* lookup table field */
    char *efield;  /* event field */
    const spl_token *tok;
} lk_pair;

static void pairs_free(lk_pair *p, int n)
{
    for (int i = 0; i < n; i++) { free(p[i].tfield); free(p[i].efield); }
    free(p);
}

static int is_name(const spl_token *t)
{
    return t->type == TK_WORD || t->type == TK_STRING;
}

/* field [AS name] lists separated by optional commas, from *i up to a word
 * in stop (or the end) */
static int parse_pairs(spl_cmd_ctx *c, int *i, int stop_at_output, lk_pair **out, int *n)
{
    const spl_toks *a = &c->args;
    while (*i < a->n) {
        const spl_token *t = &a->v[*i];
        if (t->type == TK_COMMA) { (*i)++; continue; }
        if (stop_at_output && t->type == TK_WORD && (spl_tok_is(t, "OUTPUT", 1) || spl_tok_is(t, "OUTPUTNEW", 1)))
            return 0;
        if (!is_name(t)) return spl_arg_error(c, t, "expected a field name, got '%.*s'", (int)t->n, t->s);
        lk_pair p = {spl_tok_text(t), NULL, t};
        (*i)++;
        if (*i + 1 < a->n && a->v[*i].type == TK_WORD && spl_tok_is(&a->v[*i], "AS", 1)) {
            if (!is_name(&a->v[*i + 1])) {
                free(p.tfield);
                return spl_arg_error(c, &a->v[*i + 1], "expected a field name after AS");
            }
            p.efield = spl_tok_text(&a->v[*i + 1]);
            *i += 2;
        } else {
            p.efield = xstrdup(p.tfield);
        }
        *out = xrealloc(*out, sizeof **out * (size_t)(*n + 1));
        (*out)[(*n)++] = p;
    }
    return 0;
}

static int has_col(char **cols, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(cols[i], name)) return 1;
    return 0;
}

/* a computed lookup: word -> ut_shannon */
static int external_lookup(spl_cmd_ctx *c, const spl_lookup_def *d, lk_pair *in, int nin, lk_pair *outp, int nout,
                           int outputnew)
{
    spl_tr *tr = c->tr;
    if (strcmp(d->external, "shannon"))
        return spl_tr_error(tr, c->name->off, "lookup '%s': unknown external lookup '%s'", d->name, d->external);
    if (nin != 1 || strcmp(in[0].tfield, "word"))
        return spl_arg_error(c, in[0].tok, "lookup '%s' matches on the field 'word'", d->name);
    for (int k = 0; k < nout; k++)
        if (strcmp(outp[k].tfield, "ut_shannon"))
            return spl_arg_error(c, outp[k].tok, "lookup '%s' has no field '%s'", d->name, outp[k].tfield);
    spl_col *ic = spl_tr_col(tr, in[0].efield);
    char *v = xasprintf("spl_shannon(spl_mv_first(%s))", ic ? ic->sql : "NULL");
    const char *dest = nout ? outp[0].efield : "ut_shannon";
    spl_col *ex = spl_tr_col(tr, dest);
    if (outputnew && ex) {
        char *w = xasprintf("COALESCE(%s, %s)", ex->sql, v);
        free(v);
        v = w;
    }
    spl_tr_set(tr, dest, v, 0);
    free(v);
    return 0;
}

int spl_cmd_lookup(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    int i = 0, rc = 0;
    /* options */
    while (i < a->n && spl_arg_is_option(c, i)) {
        char *v = NULL;
        if (spl_arg_option(c, i, "local", &v) || spl_arg_option(c, i, "update", &v) ||
            spl_arg_option(c, i, "event_time_field", &v)) {
            free(v);
            i += 3;
            continue;
        }
        return spl_arg_error(c, &a->v[i], "unknown option '%.*s'", (int)a->v[i].n, a->v[i].s);
    }
    if (i >= a->n || !is_name(&a->v[i])) return spl_arg_error(c, i < a->n ? &a->v[i] : NULL, "expected a lookup name");
    const spl_token *ntok = &a->v[i++];
    char *name = spl_tok_text(ntok);
    spl_lookup_def tmpdef;
    const spl_lookup_def *d = spl_lookup_resolve(store_db(tr->st), tr->opts ? tr->opts->lookups : NULL, name, &tmpdef);
    if (!d) {
        rc = spl_tr_error(tr, ntok->off, "unknown lookup '%s'", name);
        free(name);
        return rc;
    }
    free(name);
    lk_pair *in = NULL, *outp = NULL;
    int nin = 0, nout = 0, outputnew = 0, explicit_out = 0;
    char **cols = NULL;
    int ncols = 0;
    char *tsql = NULL;
    rc = parse_pairs(c, &i, 1, &in, &nin);
    if (!rc && !nin) rc = spl_arg_error(c, i < a->n ? &a->v[i] : NULL, "expected a lookup field to match on");
    if (!rc && i < a->n) {
        outputnew = spl_tok_is(&a->v[i], "OUTPUTNEW", 1);
        explicit_out = 1;
        i++;
        rc = parse_pairs(c, &i, 0, &outp, &nout);
        if (!rc && !nout) rc = spl_arg_error(c, &a->v[i - 1], "expected fields after OUTPUT");
    }
    if (rc) goto out;
    if (d->external) {
        rc = external_lookup(c, d, in, nin, outp, nout, outputnew);
        goto out;
    }
    {
        char *err = NULL;
        if (spl_lookup_table(store_db(tr->st), d, &cols, &ncols, &err)) {
            rc = spl_tr_error(tr, ntok->off, "%s", err);
            free(err);
            goto out;
        }
    }
    for (int k = 0; k < nin && !rc; k++)
        if (!has_col(cols, ncols, in[k].tfield))
            rc = spl_arg_error(c, in[k].tok, "lookup '%s' has no field '%s'", d->name, in[k].tfield);
    for (int k = 0; k < nout && !rc; k++)
        if (!has_col(cols, ncols, outp[k].tfield))
            rc = spl_arg_error(c, outp[k].tok, "lookup '%s' has no field '%s'", d->name, outp[k].tfield);
    if (rc) goto out;
    if (!explicit_out) {
        for (int k = 0; k < ncols; k++) {
            int is_in = 0;
            for (int j = 0; j < nin; j++) is_in |= !strcmp(in[j].tfield, cols[k]);
            if (is_in) continue;
            outp = xrealloc(outp, sizeof *outp * (size_t)(nout + 1));
            outp[nout].tfield = xstrdup(cols[k]);
            outp[nout].efield = xstrdup(cols[k]);
            outp[nout].tok = NULL;
            nout++;
        }
    }
    /* name the rows so far, then one expression per output field */
    spl_tr_flush(tr, -1, NULL);
    tsql = spl_lookup_table_sql(store_db(tr->st), d);
    /* a TEMP table (loaded from the CSV) has only TEXT cells of known
     * collation: spl_lookup_match computes what the join below would, fast;
     * a table outputlookup wrote (any types) goes through the join */
    int fast = !strncmp(tsql, "temp.", 5);
    for (int k = 0; k < nin && !fast; k++)
        if (!spl_lookup_is_wild(d, in[k].tfield) && !spl_lookup_is_cidr(d, in[k].tfield))
            spl_lookup_index(store_db(tr->st), d, in[k].tfield);
    sbuf from = {0}, present = {0};
    sbuf_printf(&from, "FROM %s AS lk", tsql);
    for (int k = 0; k < nin; k++) {
        spl_col *ec = spl_tr_col(tr, in[k].efield);
        const char *x = ec ? ec->sql : "NULL";
        sbuf_printf(&from, " JOIN json_each(spl_mv_json(%s)) AS v%d ON ", x, k);
        sbuf_printf(&present, "%s%s IS NOT NULL", k ? " AND " : "", x);
        if (spl_lookup_is_cidr(d, in[k].tfield)) {
            sbuf_printf(&from, "spl_cidrmatch(lk.");
            sbuf_add_sql_ident(&from, in[k].tfield);
            sbuf_printf(&from, ", v%d.value)", k);
        } else if (spl_lookup_is_wild(d, in[k].tfield)) {
            char *pn = xasprintf("%s#pat", in[k].tfield);
            sbuf_printf(&from, "v%d.value %s lk.", k, d->case_sensitive ? "GLOB" : "LIKE");
            sbuf_add_sql_ident(&from, pn);
            if (!d->case_sensitive) sbuf_add(&from, " ESCAPE '\\'");
            free(pn);
        } else {
            sbuf_add(&from, "lk.");
            sbuf_add_sql_ident(&from, in[k].tfield);
            sbuf_printf(&from, " = v%d.value", k);
        }
    }
    char **vals = xcalloc((size_t)nout + 1, sizeof *vals);
    for (int k = 0; k < nout; k++) {
        sbuf e = {0};
        if (fast) {
            sbuf_add(&e, "spl_lookup_match(");
            spl_tr_bind_text(tr, &e, d->name);
            sbuf_add(&e, ", ");
            spl_tr_bind_text(tr, &e, outp[k].tfield);
            sbuf_printf(&e, ", %d, %d", d->max_matches, !d->case_sensitive);
            for (int j = 0; j < nin; j++) {
                spl_col *ec = spl_tr_col(tr, in[j].efield);
                int kind = spl_lookup_is_cidr(d, in[j].tfield)   ? SPL_LOOKUP_CIDR
                           : spl_lookup_is_wild(d, in[j].tfield) ? SPL_LOOKUP_WILD
                                                                 : SPL_LOOKUP_EXACT;
                sbuf_add(&e, ", ");
                spl_tr_bind_text(tr, &e, in[j].tfield);
                sbuf_printf(&e, ", %d, %s", kind, ec ? ec->sql : "NULL");
            }
            sbuf_add(&e, ")");
        } else {
            sbuf_add(&e, "(SELECT spl_list(m.o) FROM (SELECT lk.");
            sbuf_add_sql_ident(&e, outp[k].tfield);
            sbuf_printf(&e, " AS o %s ORDER BY lk.rowid LIMIT %d) AS m)", from.s, d->max_matches);
        }
        if (d->min_matches > 0 && d->default_match) {
            sbuf f = {0};
            sbuf_printf(&f, "COALESCE(%s, CASE WHEN %s THEN ", e.s, present.s);
            spl_tr_bind_text(tr, &f, d->default_match);
            sbuf_add(&f, " END)");
            sbuf_free(&e);
            e = f;
        }
        spl_col *ex = spl_tr_col(tr, outp[k].efield);
        if (outputnew && ex) {
            sbuf f = {0};
            sbuf_printf(&f, "COALESCE(%s, %s)", ex->sql, e.s);
            sbuf_free(&e);
            e = f;
        }
        vals[k] = sbuf_detach(&e);
    }
    for (int k = 0; k < nout; k++) {
        spl_tr_set(tr, outp[k].efield, vals[k], 1);
        free(vals[k]);
    }
    free(vals);
    sbuf_free(&from);
    sbuf_free(&present);
    /* materialize, so later references do not repeat the subqueries */
    spl_tr_flush(tr, -1, NULL);
out:
    free(tmpdef.name);
    free(tsql);
    spl_lookup_cols_free(cols, ncols);
    pairs_free(in, nin);
    pairs_free(outp, nout);
    return rc;
}
