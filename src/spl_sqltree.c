/* spl_sqltree.c: joining many SQL conditions or values with one operator
 * (AND, OR, ||) without nesting too deeply for SQLite: up to SPL_SQL_FANOUT
 * items are written flat, longer lists as a balanced tree of flat groups,
 * so both the parenthesis depth (SQLite's parser gives up at about 100) and
 * the expression tree depth (at most 1000) grow with the logarithm of the
 * list's length, never with the length. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

static void join_rec(sbuf *out, char *const *items, int n, const char *op)
{
    assert(n >= 1);
    if (n == 1) {
        sbuf_add(out, items[0]);
        return;
    }
    sbuf_addc(out, '(');
    if (n <= SPL_SQL_FANOUT) {
        for (int i = 0; i < n; i++) {
            if (i) sbuf_printf(out, " %s ", op);
            sbuf_add(out, items[i]);
        }
    } else {
        /* SPL_SQL_FANOUT groups of (nearly) equal size */
        int g = (n + SPL_SQL_FANOUT - 1) / SPL_SQL_FANOUT;
        for (int i = 0; i < n; i += g) {
            if (i) sbuf_printf(out, " %s ", op);
            join_rec(out, items + i, n - i < g ? n - i : g, op);
        }
    }
    sbuf_addc(out, ')');
}

void spl_sql_join(sbuf *out, char *const *items, int n, const char *op)
{
    assert(items && n >= 1 && op);
    if (n <= SPL_SQL_FANOUT || strcmp(op, "AND")) {
        join_rec(out, items, n, op);
        return;
    }
    /* SQLite's planner looks at every term of a WHERE's AND (through any
     * parentheses) for every index and term: thousands of them take
     * quadratic time, and about 30,000 make it give up ("no query
     * solution"). The first terms stay visible to it (the index, sourcetype
     * and time tests that pick an index come first); the rest is one term
     * it does not look into: +(...) (the value is the same, NULL included) */
    sbuf_addc(out, '(');
    for (int i = 0; i < SPL_SQL_FANOUT - 1; i++) {
        sbuf_add(out, items[i]);
        sbuf_add(out, " AND ");
    }
    sbuf_add(out, "+");
    int rest = n - (SPL_SQL_FANOUT - 1);
    if (rest == 1) sbuf_addc(out, '(');
    join_rec(out, items + SPL_SQL_FANOUT - 1, rest, op);
    if (rest == 1) sbuf_addc(out, ')');
    sbuf_addc(out, ')');
}

void spl_sql_items_free(char **items, int n)
{
    for (int i = 0; i < n; i++) free(items[i]);
    free(items);
}
