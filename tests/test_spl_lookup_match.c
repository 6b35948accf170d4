/* test_spl_lookup_match.c: the spl_lookup_match() SQL function on an
 * in-memory database: exact and '*' cells, case folding, file order and
 * max_matches, multivalue inputs, several match fields, CIDR cells, many
 * calls over the same statement (memo), and argument errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "spl_lookup.h"
#include "sqlfn.h"
#include "util.h"

static sqlite3 *db;

/* One-value SELECT described as N (NULL), T:<text>, B:<blob>, I:<int> or
 * E:<error>. Valid until the next call. */
static const char *q(const char *sql)
{
    static char *last;
    free(last);
    last = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        last = xasprintf("E:%s", sqlite3_errmsg(db));
        return last;
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        last = xasprintf("E:%s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return last;
    }
    switch (sqlite3_column_type(st, 0)) {
    case SQLITE_INTEGER:
        last = xasprintf("I:%lld", (long long)sqlite3_column_int64(st, 0));
        break;
    case SQLITE_TEXT:
        last = xasprintf("T:%s", (const char *)sqlite3_column_text(st, 0));
        break;
    case SQLITE_BLOB:
        last = xasprintf("B:%.*s", sqlite3_column_bytes(st, 0), (const char *)sqlite3_column_blob(st, 0));
        break;
    default:
        last = xstrdup("N");
    }
    sqlite3_finalize(st);
    return last;
}

static void exec(const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) fail_msg("%s: %s", sql, err);
}

static int setup(void **state)
{
    (void)state;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return -1;
    sqlfn_register(db);
    spl_lookup_register(db);
    exec("CREATE TEMP TABLE \"lookup:apps\" (name TEXT COLLATE NOCASE, host TEXT COLLATE NOCASE, "
         "net TEXT COLLATE NOCASE, kind TEXT COLLATE NOCASE)");
    exec("INSERT INTO \"lookup:apps\" VALUES "
         "('evil*.exe', NULL, '10.0.0.0/8', 'bad'), "
         "('notepad.exe', 'web1', '10.1.0.0/16', 'editor'), "
         "('*.exe', 'web2', NULL, 'program'), "
         "('Notepad.EXE', NULL, 'fe80::/64', NULL), "
         "('a*b*c', NULL, 'junk', 'abc'), "
         "('*ab', NULL, '192.168.1.1', 'ab'), "
         "(NULL, 'web1', NULL, 'nameless')");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sqlite3_close(db);
    return 0;
}

/* spl_lookup_match over apps, one match field */
static const char *m1(int max, int nocase, const char *col, int kind, const char *value_sql)
{
    char *sql = xasprintf("SELECT spl_lookup_match('apps', 'kind', %d, %d, '%s', %d, %s)", max, nocase, col, kind,
                          value_sql);
    const char *r = q(sql);
    free(sql);
    return r;
}

static void test_exact_and_wild_cells(void **state)
{
    (void)state;
    /* first match in file order: the exact cell precedes '*.exe' */
    assert_string_equal(m1(1, 1, "name", SPL_LOOKUP_WILD, "'NOTEPAD.exe'"), "T:editor");
    assert_string_equal(m1(1, 1, "name", SPL_LOOKUP_WILD, "'EvilCorp.EXE'"), "T:bad");
    assert_string_equal(m1(10, 1, "name", SPL_LOOKUP_WILD, "'evil.exe'"), "B:[\"bad\",\"program\"]");
    /* an empty output cell gives no value, but counts toward max_matches */
    assert_string_equal(m1(10, 1, "name", SPL_LOOKUP_WILD, "'notepad.exe'"), "B:[\"editor\",\"program\"]");
    assert_string_equal(m1(2, 1, "name", SPL_LOOKUP_WILD, "'notepad.exe'"), "B:[\"editor\",\"program\"]");
    /* case-sensitive: no folding on either kind of cell */
    assert_string_equal(m1(10, 0, "name", SPL_LOOKUP_WILD, "'Notepad.EXE'"), "N");
    assert_string_equal(m1(10, 0, "name", SPL_LOOKUP_WILD, "'x.exe'"), "T:program");
    /* exact kind: '*' is a character */
    assert_string_equal(m1(10, 1, "name", SPL_LOOKUP_EXACT, "'x.exe'"), "N");
    assert_string_equal(m1(10, 1, "name", SPL_LOOKUP_EXACT, "'*.EXE'"), "T:program");
    assert_string_equal(m1(10, 1, "name", SPL_LOOKUP_EXACT, "'notepad.exe'"), "T:editor");
    /* several stars, backtracking */
    assert_string_equal(m1(1, 1, "name", SPL_LOOKUP_WILD, "'aXXbYbc'"), "T:abc");
    assert_string_equal(m1(1, 1, "name", SPL_LOOKUP_WILD, "'acb'"), "N");
    assert_string_equal(m1(1, 1, "name", SPL_LOOKUP_WILD, "'aab'"), "T:ab");
    assert_string_equal(m1(1, 1, "name", SPL_LOOKUP_WILD, "'abc'"), "T:abc");
    /* no value, numbers */
    assert_string_equal(m1(1, 1, "name", SPL_LOOKUP_WILD, "NULL"), "N");
    assert_string_equal(m1(1, 1, "name", SPL_LOOKUP_WILD, "12"), "N");
}

static void test_multivalue_and_fields(void **state)
{
    (void)state;
    /* any value matches; a row matched by two values counts twice */
    assert_string_equal(m1(10, 1, "name", SPL_LOOKUP_WILD, "CAST('[\"readme.txt\",\"calc.exe\"]' AS BLOB)"),
                        "T:program");
    assert_string_equal(m1(10, 1, "name", SPL_LOOKUP_WILD, "CAST('[\"a.exe\",\"b.exe\"]' AS BLOB)"),
                        "B:[\"program\",\"program\"]");
    assert_string_equal(m1(10, 1, "name", SPL_LOOKUP_WILD, "CAST('[]' AS BLOB)"), "N");
    /* two fields must match the same row */
    assert_string_equal(q("SELECT spl_lookup_match('apps', 'kind', 10, 1, 'name', 1, 'notepad.exe', "
                          "'host', 0, 'WEB2')"),
                        "T:program");
    assert_string_equal(q("SELECT spl_lookup_match('apps', 'kind', 10, 1, 'host', 0, 'web1', "
                          "'name', 1, 'notepad.exe')"),
                        "T:editor");
    assert_string_equal(q("SELECT spl_lookup_match('apps', 'kind', 10, 1, 'name', 1, 'x.exe', 'host', 0, NULL)"),
                        "N");
}

static void test_cidr(void **state)
{
    (void)state;
    assert_string_equal(m1(10, 1, "net", SPL_LOOKUP_CIDR, "'10.1.2.3'"), "B:[\"bad\",\"editor\"]");
    assert_string_equal(m1(1, 1, "net", SPL_LOOKUP_CIDR, "'10.2.0.1'"), "T:bad");
    assert_string_equal(m1(1, 1, "net", SPL_LOOKUP_CIDR, "'FE80::1'"), "N"); /* its kind cell is empty */
    assert_string_equal(m1(1, 1, "net", SPL_LOOKUP_CIDR, "' 192.168.1.1 '"), "T:ab");
    assert_string_equal(m1(1, 1, "net", SPL_LOOKUP_CIDR, "'junk'"), "N");
    assert_string_equal(m1(1, 1, "net", SPL_LOOKUP_CIDR, "CAST('[\"8.8.8.8\",\"::ffff:10.0.0.1\"]' AS BLOB)"),
                        "T:bad");
}

/* many calls in one statement: every one answers as a single call would */
static void test_many_calls(void **state)
{
    (void)state;
    assert_string_equal(q("WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 9999) "
                          "SELECT sum(CASE spl_lookup_match('apps', 'kind', 1, 1, 'name', 1, "
                          "CASE i % 4 WHEN 0 THEN 'NOTEPAD.EXE' WHEN 1 THEN 'evil' || i || '.exe' "
                          "WHEN 2 THEN 'readme.txt' ELSE 'x' || (i % 7) || '.exe' END) "
                          "WHEN 'editor' THEN 1 WHEN 'bad' THEN 100 WHEN 'program' THEN 10000 ELSE 0 END) FROM c"),
                        "I:25252500");
}

static void test_errors(void **state)
{
    (void)state;
    assert_non_null(strstr(q("SELECT spl_lookup_match('apps', 'kind', 1, 1, 'name', 1)"), "E:"));
    assert_non_null(strstr(q("SELECT spl_lookup_match('apps', 'kind', 1, 1, 'name', 1, 'a', 'host')"), "E:"));
    assert_non_null(strstr(m1(1, 1, "nosuch", SPL_LOOKUP_EXACT, "'a'"), "no such column"));
    assert_non_null(strstr(q("SELECT spl_lookup_match(NULL, 'kind', 1, 1, 'name', 0, 'a')"), "must be text"));
    assert_non_null(strstr(q("SELECT spl_lookup_match('apps', 'kind', 1, 1, 3, 0, 'a')"), "must be text"));
    assert_non_null(strstr(q("SELECT spl_lookup_match('nosuch', 'kind', 1, 1, 'name', 0, 'a')"), "no such table"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_and_wild_cells),
        cmocka_unit_test(test_multivalue_and_fields),
        cmocka_unit_test(test_cidr),
        cmocka_unit_test(test_many_calls),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
