/* spl_sqltree.c: joining many SQL conditions or values with one operator
 * (AND, OR, ||) without nesting too deeply for SQLite: up to SPL_SQL_FANOUT
 * items are written flat, longer lists as a balanced tree of flat groups,
 * so both the parenthesis depth (SQLite's parser gives up at about 100) and
 * the expression tree depth (at most 1000) grow with the logarithm of the
 * list's length, never with the length. */
#include <assert.h>
#include <stdlib.h>
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
    join_rec(out, items, n, op);
}

void spl_sql_items_free(char **items, int n)
{
    for (int i = 0; i < n; i++) free(items[i]);
    free(items);
}
