/* spl_search.c: translation of the search language (search command, also
 * implicit at the head of a query) into an SQL condition: field=value with
 * case-insensitive values and '*' wildcards, !=, NOT (which also matches
 * events lacking the field), IN, numeric comparisons, bare terms and phrases
 * against _raw, multivalue fields matching when any value matches, and the
 * earliest=/latest= time modifiers. Every value is a bound parameter. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

/* '*' -> '%', with %, _ and \ escaped by '\' for LIKE ... ESCAPE '\'. */
static char *like_pattern(const char *v)
{
    sbuf b = {0};
    for (const char *p = v; *p; p++) {
        if (*p == '*') sbuf_addc(&b, '%');
        else if (*p == '%' || *p == '_' || *p == '\\') { sbuf_addc(&b, '\\'); sbuf_addc(&b, *p); }
        else sbuf_addc(&b, *p);
    }
    if (!b.s) sbuf_add(&b, "");
    return sbuf_detach(&b);
}

char *spl_search_directive(char *v, int *cs)
{
    size_t n = strlen(v);
    *cs = 0;
    if (n >= 6 && v[n - 1] == ')' && (!strncmp(v, "TERM(", 5) || !strncmp(v, "CASE(", 5))) {
        *cs = v[0] == 'C';
        char *inner = xstrndup(v + 5, n - 6);
        free(v);
        return inner;
    }
    return v;
}

/* '*' -> GLOB pattern with [, ], ? escaped, for case-sensitive matching */
static char *glob_pattern(const char *v)
{
    sbuf b = {0};
    for (const char *p = v; *p; p++) {
        if (*p == '[' || *p == ']' || *p == '?') sbuf_printf(&b, "[%c]", *p);
        else sbuf_addc(&b, *p);
    }
    if (!b.s) sbuf_add(&b, "");
    return sbuf_detach(&b);
}

/* condition on a single value expression x for one operator/value */
static void value_cond(spl_tr *tr, sbuf *out, const char *x, int op, const char *v, int cs)
{
    double num;
    if (cs && (op == TK_EQ || op == TK_NE)) {
        if (strchr(v, '*')) {
            char *g = glob_pattern(v);
            sbuf_printf(out, "%s GLOB ", x);
            spl_tr_bind_text(tr, out, g);
            free(g);
        } else {
            sbuf_printf(out, "%s = ", x);
            spl_tr_bind_text(tr, out, v);
        }
        return;
    }
    switch (op) {
    case TK_EQ:
    case TK_NE:
        if (strchr(v, '*')) {
            char *pat = like_pattern(v);
            sbuf_printf(out, "%s LIKE ", x);
            spl_tr_bind_text(tr, out, pat);
            sbuf_add(out, " ESCAPE '\\'");
            free(pat);
        } else if (strncmp(x, "e.\"", 3) && util_is_number(v, strlen(v), &num)) {
            /* a computed value may be a number (tonumber, arithmetic): the
             * text comparison alone never equals an INTEGER/REAL. Plain
             * event columns (text) keep the indexable form below. */
            sbuf_printf(out, "splop_eqnum(%s, ", x);
            spl_tr_bind_text(tr, out, v);
            sbuf_add(out, ", ");
            spl_tr_bind_num(tr, out, num);
            sbuf_add(out, ")");
        } else {
            sbuf_printf(out, "%s = ", x);
            spl_tr_bind_text(tr, out, v);
            sbuf_add(out, " COLLATE NOCASE");
        }
        return;
    default: {
        const char *o = op == TK_LT ? "<" : op == TK_LE ? "<=" : op == TK_GT ? ">" : ">=";
        if (util_is_number(v, strlen(v), &num)) {
            sbuf_printf(out, "splop_num(%s) %s ", x, o);
            spl_tr_bind_num(tr, out, num);
        } else {
            sbuf_printf(out, "CAST(%s AS TEXT) %s ", x, o);
            spl_tr_bind_text(tr, out, v);
        }
        return;
    }
    }
}

/* condition that field sql X (maybe multivalue) matches op/value */
static void field_cond(spl_tr *tr, sbuf *out, const char *x, int mv, int op, const char *v, int cs)
{
    int eqop = op == TK_NE ? TK_EQ : op;
    sbuf m = {0};
    if ((op == TK_EQ || op == TK_NE) && !strcmp(v, "*")) {
        sbuf_printf(&m, "%s IS NOT NULL", x);
    } else if (mv) {
        sbuf a = {0}, b = {0};
        value_cond(tr, &a, "value", eqop, v, cs);
        value_cond(tr, &b, x, eqop, v, cs);
        sbuf_printf(&m, "CASE WHEN typeof(%s)='blob' THEN EXISTS(SELECT 1 FROM json_each(CAST(%s AS TEXT)) WHERE %s) ELSE %s END",
                    x, x, a.s, b.s);
        sbuf_free(&a);
        sbuf_free(&b);
    } else {
        value_cond(tr, &m, x, eqop, v, cs);
    }
    if (op == TK_NE) sbuf_printf(out, "(%s IS NOT NULL AND (%s) IS NOT 1)", x, m.s);
    else sbuf_printf(out, "(%s)", m.s);
    sbuf_free(&m);
}

static const char *raw_sql(spl_tr *tr, sbuf *tmp)
{
    if (tr->is_event_table) {
        store_field_sql(tr->st, "e", "_raw", tmp);
        return tmp->s;
    }
    spl_col *c = spl_tr_col(tr, "_raw");
    return c ? c->sql : "NULL";
}

static int time_bound(spl_tr *tr, const spl_node *n, const char *name, const char *v, int first_stage)
{
    if (!first_stage)
        return spl_tr_error(tr, n->tok.off, "%s= is only allowed in the first search of a query", name);
    if (n->op != TK_EQ)
        return spl_tr_error(tr, n->tok.off, "%s takes '=', not another operator", name);
    double t;
    if (spl_time_modifier(tr, v, n->val.off, &t)) return -1;
    if (!strcmp(name, "earliest")) { tr->earliest = t; tr->has_earliest = 2; }
    else { tr->latest = t; tr->has_latest = 2; }
    return 0;
}

/* [subsearch] as a condition: some result of the subsearch whose every
 * field (other than internal ones) matches the event's field of the same
 * name, case-insensitively, as Splunk's (f1=v1 AND f2=v2) OR ... does */
static int sub_cond(spl_tr *tr, const spl_node *n, sbuf *out, int first_stage)
{
    spl_tr sub;
    int rc = spl_tr_subsearch(tr, n->tok.off + 1, n->tok.off + n->tok.n - 1, 0, &sub);
    if (!rc) {
        sbuf_printf(out, "EXISTS (SELECT 1 FROM %s WHERE 1", sub.from);
        int nf = 0;
        for (int i = 0; i < sub.ncols; i++) {
            const char *nm = sub.cols[i].name;
            if (nm[0] == '_') continue;
            spl_col *col = spl_tr_col(tr, nm);
            if (!col && first_stage && tr->is_event_table) {
                /* a subsearch returning whole events names fields the
                 * query never mentions, so pruned from the events level
                 * (when a later command keeps only some fields): add them */
                sbuf b = {0};
                store_field_sql(tr->st, "e", nm, &b);
                if (b.s && strcmp(b.s, "NULL")) {
                    spl_tr_set(tr, nm, b.s, store_field_is_mv(tr->st, nm));
                    col = spl_tr_find(tr, nm);
                }
                sbuf_free(&b);
            }
            sbuf_printf(out, " AND (%s IS NULL OR %s = %s COLLATE NOCASE)", sub.cols[i].sql,
                        col ? col->sql : "NULL", sub.cols[i].sql);
            nf++;
        }
        sbuf_addc(out, ')');
        if (!nf) rc = spl_tr_error(tr, n->tok.off, "the subsearch returns no fields to match");
    }
    spl_tr_sub_free(&sub);
    return rc;
}

int spl_search_holds_map_marker(const spl_node *n)
{
    size_t ml = strlen(SPL_MAP_MARKER);
    if (n->kind == SN_CMP) return n->val.n >= ml && memmem(n->val.s, n->val.n, SPL_MAP_MARKER, ml) != NULL;
    for (int i = 0; i < n->nkids; i++)
        if (n->kids[i]->tok.n >= ml && memmem(n->kids[i]->tok.s, n->kids[i]->tok.n, SPL_MAP_MARKER, ml)) return 1;
    return 0;
}

int spl_search_sql(spl_tr *tr, const spl_node *n, sbuf *out, int first_stage)
{
    if (!n) { sbuf_add(out, "1"); return 0; }
    switch (n->kind) {
    case SN_AND:
    case SN_OR: {
        /* a term that can never hold (a comparison on a field no event
         * has) is left out, so that the rest can still use an index:
         * `eventtype=x OR source=y` is then just `source = ?`; one makes
         * an AND never hold. Each term is translated once (linear time). */
        int is_and = n->kind == SN_AND, never = 0, k = 0, rc = 0;
        char **items = xcalloc((size_t)n->nkids, sizeof *items);
        unsigned char *grouped = NULL;
        if (n->nkids > SPL_SQL_FANOUT) {
            grouped = xcalloc((size_t)n->nkids, 1);
            spl_search_sets(tr, n, grouped, items, &k);
        }
        size_t total = 0;
        for (int i = 0; i < n->nkids && !rc; i++) {
            if (grouped && grouped[i]) continue;
            sbuf a = {0};
            rc = spl_search_sql(tr, n->kids[i], &a, first_stage);
            if (!rc && !strcmp(a.s, "0")) {
                never |= is_and;
                sbuf_free(&a);
                continue;
            }
            total += a.len;
            items[k++] = sbuf_detach(&a);
            if (!rc && (total > SPL_MAX_SEARCH_SQL || tr->nparams > SPL_MAX_PARAMS))
                rc = spl_tr_error(tr, n->kids[i]->tok.off,
                                  "these search terms translate to more than %d MiB of SQL or %d bound values: "
                                  "split the search, or match fewer terms against _raw",
                                  SPL_MAX_SEARCH_SQL >> 20, SPL_MAX_PARAMS);
        }
        if (!rc) {
            if ((is_and && never) || !k) sbuf_add(out, "0");
            else spl_sql_join(out, items, k, is_and ? "AND" : "OR");
        }
        spl_sql_items_free(items, k);
        free(grouped);
        return rc ? -1 : 0;
    }
    case SN_NOT: {
        sbuf a = {0};
        if (spl_search_sql(tr, n->kids[0], &a, first_stage)) { sbuf_free(&a); return -1; }
        if (!strcmp(a.s, "0")) sbuf_add(out, "1");
        else sbuf_printf(out, "(%s) IS NOT 1", a.s);
        sbuf_free(&a);
        return 0;
    }
    case SN_SUB:
        return sub_cond(tr, n, out, first_stage);
    case SN_TERM: {
        int cs = 0;
        char *v = spl_tok_text(&n->tok);
        if (n->tok.type == TK_WORD) v = spl_search_directive(v, &cs);
        if (!strcmp(v, "*")) {
            sbuf_add(out, "1");
        } else {
            sbuf tmp = {0};
            sbuf_printf(out, "splop_term(%s, ", raw_sql(tr, &tmp));
            spl_tr_bind_text(tr, out, v);
            sbuf_add(out, cs ? ", 1)" : ")");
            sbuf_free(&tmp);
        }
        free(v);
        return 0;
    }
    case SN_CMP:
    case SN_IN: {
        char *f = spl_tok_text(&n->tok);
        int rc = 0;
        if (n->kind == SN_CMP && (!strcmp(f, "earliest") || !strcmp(f, "latest"))) {
            char *v = spl_tok_text(&n->val);
            rc = time_bound(tr, n, f, v, first_stage);
            free(v);
            free(f);
            if (!rc) sbuf_add(out, "1");
            return rc;
        }
        if (spl_et_search_sql(tr, n, f, out, &rc)) {
            /* eventtype=, tag=: the event types' own conditions */
            free(f);
            return rc;
        }
        spl_col *c = spl_tr_col(tr, f);
        const char *x = c ? c->sql : "NULL";
        int mv = c ? c->mv : 0;
        if (!strcmp(x, "NULL") && !spl_search_holds_map_marker(n)) {
            /* no event has the field: field=v, field!=v, field<v, field IN
             * (...) never hold (Splunk compares only events that have it) */
            if (n->kind == SN_IN && !n->nkids) {
                free(f);
                return spl_tr_error(tr, n->tok.off, "IN needs at least one value");
            }
            sbuf_add(out, "0");
            free(f);
            return 0;
        }
        if (n->kind == SN_CMP) {
            char *v = spl_tok_text(&n->val);
            int cs = 0;
            if (n->val.type == TK_WORD) v = spl_search_directive(v, &cs);
            field_cond(tr, out, x, mv, n->op, v, cs);
            free(v);
        } else {
            if (!n->nkids) { free(f); return spl_tr_error(tr, n->tok.off, "IN needs at least one value"); }
            if (n->nkids > SPL_SQL_FANOUT) {
                /* a long list: one set membership test, when it can be */
                spl_node *one[1] = {(spl_node *)n};
                spl_node or = {.kind = SN_OR, .tok = n->tok, .kids = one, .nkids = 1};
                unsigned char grouped = 0;
                char *set = NULL;
                int ns = 0;
                spl_search_sets(tr, &or, &grouped, &set, &ns);
                if (ns) {
                    sbuf_add(out, set);
                    free(set);
                    free(f);
                    return 0;
                }
            }
            char **items = xcalloc((size_t)n->nkids, sizeof *items);
            for (int i = 0; i < n->nkids; i++) {
                char *v = spl_tok_text(&n->kids[i]->tok);
                int cs = 0;
                if (n->kids[i]->tok.type == TK_WORD) v = spl_search_directive(v, &cs);
                sbuf one = {0};
                field_cond(tr, &one, x, mv, TK_EQ, v, cs);
                items[i] = sbuf_detach(&one);
                free(v);
            }
            /* as many ORs as values, joined flat or as a shallow tree */
            sbuf_addc(out, '(');
            spl_sql_join(out, items, n->nkids, "OR");
            sbuf_addc(out, ')');
            spl_sql_items_free(items, n->nkids);
        }
        free(f);
        return rc;
    }
    default:
        return spl_tr_error(tr, n->tok.off, "internal error: not a search expression");
    }
}
