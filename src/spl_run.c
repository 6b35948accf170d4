/* spl_run.c: running a compiled query: registering the SQL functions the
 * generated SQL uses, binding every parameter, stepping the statement; and
 * rendering the SQL with parameters inlined for `splite sql`. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"
#include "spl_values.h"
#include "sqlfn.h"

void spl_ops_register(sqlite3 *db);
void spl_txn_register(sqlite3 *db);
void spl_lookup_register(sqlite3 *db);

void spl_register_sql(sqlite3 *db)
{
    /* registering twice is harmless: SQLite replaces the definitions */
    sqlfn_register(db);
    spl_ops_register(db);
    spl_txn_register(db);
    spl_lookup_register(db);
}

/* End of the string literal or quoted name starting at s ('' and ""
 * escape their quote). */
static const char *skip_quoted(const char *s)
{
    char qc = *s;
    const char *e = s + 1;
    while (*e && !(*e == qc && e[1] != qc)) e += (*e == qc ? 2 : 1);
    return *e ? e + 1 : e;
}

char *spl_sql_map_params(const char *sql, int nparams, spl_param_fn fn, void *ctx)
{
    sbuf b = {0};
    const char *s = sql;
    while (*s) {
        if (*s == '\'' || *s == '"') {
            const char *e = skip_quoted(s);
            sbuf_addn(&b, s, (size_t)(e - s));
            s = e;
            continue;
        }
        if (*s == '?' && s[1] >= '0' && s[1] <= '9') {
            char *end;
            long k = strtol(s + 1, &end, 10);
            if (!(k >= 1 && k <= nparams && fn(ctx, &b, (int)k - 1))) sbuf_addn(&b, s, (size_t)(end - s));
            s = end;
            continue;
        }
        sbuf_addc(&b, *s++);
    }
    if (!b.s) sbuf_add(&b, "");
    return sbuf_detach(&b);
}

/* For anonymous_params: the parameter each ? takes, in order. */
typedef struct anon_order {
    int *v;
    int n, cap;
} anon_order;

static int anon_param(void *ctx, sbuf *out, int index)
{
    anon_order *o = ctx;
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 64;
        o->v = xrealloc(o->v, sizeof *o->v * (size_t)o->cap);
    }
    o->v[o->n++] = index;
    sbuf_addc(out, '?');
    return 1;
}

/* sql with every ?N (outside quotes) made an anonymous ?, and in *order
 * the parameter (0-based) each ? takes, in order. SQLite looks a numbered
 * parameter up in a list every time it generates code for one: thousands
 * of them take quadratic time to prepare; anonymous ones do not. */
static char *anonymous_params(const char *sql, int nparams, int **order, int *n)
{
    anon_order o = {0};
    char *r = spl_sql_map_params(sql, nparams, anon_param, &o);
    *order = o.v;
    *n = o.n;
    return r;
}

/* SQLite's "factor out constants" optimization (SQLITE_FactorOutConst,
 * 0x08 in its optimization mask) evaluates each constant subexpression once
 * per statement; to share equal ones it compares every new constant with
 * every constant already factored out (sqlite3ExprCodeRunJustOnce). Every
 * bound parameter is such a constant: thousands of them (long AND chains,
 * hundreds of NOT (...) exclusions) take quadratic time to prepare (5,000
 * exclusions: 2.8 s). A large statement is prepared with the optimization
 * off (its constants are then evaluated per row: cheap, parameters are
 * registers), through the only switch SQLite offers for it,
 * SQLITE_TESTCTRL_OPTIMIZATIONS; without that interface (SQLITE_UNTESTABLE)
 * the call does nothing and the prepare is as before. */
#define SPL_OPT_FACTOR_OUT_CONST 0x08
static int prepare_large(sqlite3 *db, const char *sql, int large, sqlite3_stmt **stmt)
{
    if (large) sqlite3_test_control(SQLITE_TESTCTRL_OPTIMIZATIONS, db, SPL_OPT_FACTOR_OUT_CONST);
    int rc = sqlite3_prepare_v2(db, sql, -1, stmt, NULL);
    if (large) sqlite3_test_control(SQLITE_TESTCTRL_OPTIMIZATIONS, db, 0);
    return rc;
}

int spl_prepare(sqlite3 *db, const char *sql, const spl_param *params, int nparams, sqlite3_stmt **out)
{
    sqlite3_stmt *stmt = NULL;
    *out = NULL;
    int *order = NULL, n = 0;
    char *anon = NULL;
    if (nparams > SPL_ANON_PARAMS) {
        anon = anonymous_params(sql, nparams, &order, &n);
        if (n > sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1)) {
            /* too many to number anonymously: keep the numbers */
            free(anon);
            free(order);
            anon = NULL;
            order = NULL;
        }
    }
    int rc = prepare_large(db, anon ? anon : sql, nparams > SPL_ANON_PARAMS, &stmt);
    free(anon);
    if (rc != SQLITE_OK) {
        free(order);
        sqlite3_finalize(stmt);
        return rc;
    }
    /* parameters past the highest one the SQL uses belong to expressions
     * that a later command dropped: nothing to bind */
    int used = sqlite3_bind_parameter_count(stmt);
    int count = order ? n : nparams;
    for (int i = 0; i < count && i < used; i++) {
        const spl_param *p = &params[order ? order[i] : i];
        rc = p->is_num ? sqlite3_bind_double(stmt, i + 1, p->num)
                       : sqlite3_bind_text(stmt, i + 1, p->text, -1, SQLITE_STATIC);
        if (rc != SQLITE_OK) {
            free(order);
            sqlite3_finalize(stmt);
            return rc;
        }
    }
    free(order);
    *out = stmt;
    return SQLITE_OK;
}

/* SQLite refuses statements nested too deeply for its parser (about 30
 * levels of operators and function calls) or expression trees deeper than
 * 1000. The translator keeps long lists flat (spl_sqltree.c) and bounds
 * nesting (SPL_MAX_NEST), but a query may still nest within those bounds
 * more than SQLite parses: that is reported at the command whose SQL nests
 * deepest (q->deep_off), with the query's line and column. Preparing only
 * here, not also when compiling, keeps the cost of a search to one
 * prepare. */
static int prepare_bound(sqlite3 *db, const char *sql, const spl_query *q, sqlite3_stmt **out, char **errmsg)
{
    if (spl_prepare(db, sql, q->params, q->nparams, out) != SQLITE_OK) {
        const char *m = sqlite3_errmsg(db);
        if (q->expanded && (strstr(m, "parser stack overflow") || strstr(m, "Expression tree is too large") ||
                            strstr(m, "too many arguments"))) {
            spl_error e = {0};
            e.msg = xasprintf("the query nests too deeply for SQLite (%s): simplify this command's expressions "
                              "or split them across commands", m);
            e.off = q->deep_off;
            e.has_pos = 1;
            e.text = xstrdup(q->expanded);
            *errmsg = spl_error_format(&e);
            spl_error_free(&e);
        } else {
            *errmsg = xasprintf("cannot prepare the generated SQL: %s", m);
        }
        return -1;
    }
    return 0;
}

int spl_run(store *st, const spl_query *q, spl_row_fn fn, void *ctx, char **errmsg)
{
    sqlite3 *db = store_db(st);
    spl_register_sql(db);
    sqlite3_stmt *stmt = NULL;
    int rc;
    for (int i = 0; i < q->npre; i++) {
        if (prepare_bound(db, q->pre[i], q, &stmt, errmsg)) return -1;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {}
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) {
            *errmsg = xasprintf("search failed: %s", sqlite3_errmsg(db));
            return -1;
        }
    }
    if (prepare_bound(db, q->sql, q, &stmt, errmsg)) return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (fn && fn(ctx, q, stmt)) {
            sqlite3_finalize(stmt);
            return 0;
        }
    }
    if (rc != SQLITE_DONE) {
        *errmsg = xasprintf("search failed: %s", sqlite3_errmsg(db));
        sqlite3_finalize(stmt);
        return -1;
    }
    sqlite3_finalize(stmt);
    return 0;
}

int spl_explain(store *st, const spl_query *q, FILE *out, char **errmsg)
{
    sqlite3 *db = store_db(st);
    spl_register_sql(db);
    /* the query may read temporary tables a statement before it fills
     * (join): make those (only temporary ones, nothing in the database) */
    for (int i = 0; i < q->npre; i++) {
        const char *p = q->pre[i];
        if (strncmp(p, "DROP TABLE IF EXISTS temp.", 26) && strncmp(p, "CREATE TEMP TABLE ", 18) &&
            strncmp(p, "CREATE INDEX temp.", 18))
            continue;
        sqlite3_stmt *pre = NULL;
        if (prepare_bound(db, p, q, &pre, errmsg)) return -1;
        while (sqlite3_step(pre) == SQLITE_ROW) {}
        sqlite3_finalize(pre);
    }
    char *sql = xasprintf("EXPLAIN QUERY PLAN %s", q->sql);
    sqlite3_stmt *stmt = NULL;
    int rc = prepare_bound(db, sql, q, &stmt, errmsg);
    free(sql);
    if (rc) return -1;
    /* rows are (id, parent, notused, detail); indent by depth */
    int ids[64], depth[64], n = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        int id = sqlite3_column_int(stmt, 0), parent = sqlite3_column_int(stmt, 1), d = 0;
        for (int i = 0; i < n; i++)
            if (ids[i] == parent) d = depth[i] + 1;
        if (n < 64) { ids[n] = id; depth[n] = d; n++; }
        fprintf(out, "%*s%s\n", 2 * d, "", (const char *)sqlite3_column_text(stmt, 3));
    }
    sqlite3_finalize(stmt);
    return 0;
}

/* a parameter's value as an SQL literal, for spl_query_sql_text */
static int inline_param(void *ctx, sbuf *out, int index)
{
    const spl_param *p = &((const spl_query *)ctx)->params[index];
    if (p->is_num) {
        char nb[32];
        sbuf_add(out, spl_num_format(p->num, nb));
    } else {
        sbuf_add_sql_string(out, p->text, strlen(p->text));
    }
    return 1;
}

char *spl_query_sql_text(const spl_query *q)
{
    return spl_sql_map_params(q->sql, q->nparams, inline_param, (void *)q);
}
