/* test_spl_op_eqnum.c: splop_eqnum(x, text, num) equals the expression it
 * replaces, (x = text COLLATE NOCASE OR (typeof(x) IN ('integer','real') AND
 * x = num)), NULL included, for values of every type against texts that
 * read as numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include "spl.h"

static void test_same_as_expression(void **state)
{
    (void)state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    spl_register_sql(db);
    const char *sql =
        "WITH x(v) AS (VALUES (NULL), (1), (1.0), (1.5), (-0.0), (0), ('1'), ('01'), ('1.0'), ('1 '), ('A'), ('a'),"
        " (x'31'), (9007199254740993), (9223372036854775807), ('1e0'), (''), ('x' || char(0) || 'y')),"
        " t(s, n) AS (VALUES ('1', 1.0), ('1.0', 1.0), ('01', 1.0), ('1.5', 1.5), ('0', 0.0), ('-0', -0.0),"
        " ('9007199254740993', 9007199254740993.0), ('9223372036854775807', 9223372036854775807.0), ('a', 0.0),"
        " ('x', 0.0))"
        " SELECT count(*), sum((splop_eqnum(v, s, n) IS (v = s COLLATE NOCASE OR (typeof(v) IN ('integer', 'real')"
        " AND v = n))) ) FROM x, t";
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int total = sqlite3_column_int(st, 0), same = sqlite3_column_int(st, 1);
    sqlite3_finalize(st);
    assert_true(total > 100);
    assert_int_equal(same, total);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_same_as_expression)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
