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

static int prepare_bound(sqlite3 *db, const char *sql, const spl_query *q, sqlite3_stmt **out, char **errmsg)
{
    sqlite3_stmt *stmt = NULL;
    *out = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        *errmsg = xasprintf("cannot prepare the generated SQL: %s", sqlite3_errmsg(db));
        return -1;
    }
    /* parameters past the highest one the SQL uses belong to expressions
     * that a later command dropped: nothing to bind */
    int used = sqlite3_bind_parameter_count(stmt);
    for (int i = 0; i < q->nparams && i < used; i++) {
        const spl_param *p = &q->params[i];
        int rc = p->is_num ? sqlite3_bind_double(stmt, i + 1, p->num)
                           : sqlite3_bind_text(stmt, i + 1, p->text, -1, SQLITE_STATIC);
        if (rc != SQLITE_OK) {
            *errmsg = xasprintf("cannot bind parameter %d: %s", i + 1, sqlite3_errmsg(db));
            sqlite3_finalize(stmt);
            return -1;
        }
    }
    *out = stmt;
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

char *spl_query_sql_text(const spl_query *q)
{
    sbuf b = {0};
    const char *s = q->sql;
    while (*s) {
        if (*s == '\'' || *s == '"') {
            /* copy string literals and quoted names verbatim */
            char qc = *s;
            const char *e = s + 1;
            while (*e && !(*e == qc && e[1] != qc)) e += (*e == qc ? 2 : 1);
            if (*e) e++;
            sbuf_addn(&b, s, (size_t)(e - s));
            s = e;
            continue;
        }
        if (*s == '?' && s[1] >= '0' && s[1] <= '9') {
            char *end;
            long k = strtol(s + 1, &end, 10);
            if (k >= 1 && k <= q->nparams) {
                const spl_param *p = &q->params[k - 1];
                if (p->is_num) {
                    char nb[32];
                    sbuf_add(&b, spl_num_format(p->num, nb));
                } else {
                    sbuf_add_sql_string(&b, p->text, strlen(p->text));
                }
                s = end;
                continue;
            }
        }
        sbuf_addc(&b, *s++);
    }
    return sbuf_detach(&b);
}
