/* test_spl_macro.c: macro loading from YAML files and expansion: plain and
 * argument macros, name(N) lookup, nesting, quoting, cycles, missing macros,
 * positions, and later directories overriding earlier ones. */
#include "testutil.h"
#include "spl_macro.h"

static char *expand(const spl_macros *m, const char *q)
{
    char *err = NULL;
    size_t off = 0;
    char *r = spl_macros_expand(m, q, &err, &off);
    if (!r) { fprintf(stderr, "unexpected: %s\n", err); free(err); }
    assert_non_null(r);
    return r;
}

static void expect_error(const spl_macros *m, const char *q, const char *needle, size_t want_off)
{
    char *err = NULL;
    size_t off = 99;
    char *r = spl_macros_expand(m, q, &err, &off);
    assert_null(r);
    assert_non_null(err);
    if (!strstr(err, needle)) fprintf(stderr, "error was: %s\n", err);
    assert_non_null(strstr(err, needle));
    assert_int_equal(off, want_off);
    free(err);
}

static void test_expand_basic(void **state)
{
    (void)state;
    spl_macros m;
    spl_macros_init(&m);
    spl_macros_add(&m, "st", "sourcetype=x", NULL, 0);
    const char *a1[] = {"field"};
    spl_macros_add(&m, "ctime", "convert ctime($field$)", a1, 1);
    const char *a2[] = {"a", "b"};
    spl_macros_add(&m, "two", "$a$=$b$ `st`", a2, 2);
    spl_macros_add(&m, "empty", "", NULL, 0);
    char *r = expand(&m, "`st` | `ctime(firstTime)` | `two(f, \"v, w\")``empty`");
    assert_string_equal(r, "sourcetype=x | convert ctime(firstTime) | f=\"v, w\" sourcetype=x");
    free(r);
    r = expand(&m, "x=\"`st`\" `ctime( spaced )`");
    assert_string_equal(r, "x=\"`st`\" convert ctime(spaced)");
    free(r);
    r = expand(&m, "no macros here");
    assert_string_equal(r, "no macros here");
    free(r);
    spl_macros_free(&m);
}

static void test_errors(void **state)
{
    (void)state;
    spl_macros m;
    spl_macros_init(&m);
    spl_macros_add(&m, "a", "`b`", NULL, 0);
    spl_macros_add(&m, "b", "x `a`", NULL, 0);
    spl_macros_add(&m, "c", "`missing`", NULL, 0);
    expect_error(&m, "x | `a`", "macro cycle: a -> b -> a", 4);
    expect_error(&m, "`nope`", "unknown macro 'nope'", 0);
    expect_error(&m, "ab `nope(1,2)`", "'nope(2)'", 3);
    expect_error(&m, "`c`", "unknown macro 'missing' (in macro 'c')", 0);
    expect_error(&m, "x `open", "missing closing backtick", 2);
    expect_error(&m, "``", "empty macro name", 0);
    spl_macros_free(&m);
}

/* Expansion is bounded: depth, size (macros doubling their text), calls
 * (macros expanding to nothing, many times over) and a macro calling
 * itself, each a prompt error naming the macro chain. */
static void test_bounds(void **state)
{
    (void)state;
    spl_macros m;
    spl_macros_init(&m);
    /* d0 -> d1 -> ... -> d149: deeper than 100 */
    for (int i = 0; i < 150; i++) {
        char name[16], def[32];
        snprintf(name, sizeof name, "d%d", i);
        snprintf(def, sizeof def, i < 149 ? "x `d%d`" : "end", i + 1);
        spl_macros_add(&m, name, def, NULL, 0);
    }
    expect_error(&m, "a `d0`", "macros nest more than 100 deep (in macro chain d0 -> d1 -> d2 -> ", 2);
    /* 60 levels deep is fine */
    char *r = expand(&m, "`d89`");
    assert_non_null(strstr(r, "x x x"));
    free(r);
    /* g0 = `g1` `g1`, ...: 2^39 copies of 2,000 bytes */
    char leaf[2001];
    memset(leaf, 'a', 2000);
    leaf[2000] = 0;
    for (int i = 0; i < 40; i++) {
        char name[16], def[48];
        snprintf(name, sizeof name, "g%d", i);
        snprintf(def, sizeof def, "`g%d` `g%d`", i + 1, i + 1);
        spl_macros_add(&m, name, i < 39 ? def : leaf, NULL, 0);
    }
    expect_error(&m, "`g0`", "macro expansion is larger than 16 MiB (in macro chain g0 -> g1 -> ", 0);
    /* e0 = `e1``e1``e1`... down to an empty macro: 8^10 calls, no text */
    for (int i = 0; i < 10; i++) {
        char name[16], def[128];
        snprintf(name, sizeof name, "e%d", i);
        if (i < 9) {
            def[0] = 0;
            for (int k = 0; k < 8; k++) snprintf(def + strlen(def), sizeof def - strlen(def), "`e%d`", i + 1);
        } else {
            def[0] = 0;
        }
        spl_macros_add(&m, name, def, NULL, 0);
    }
    expect_error(&m, "`e0`", "more than 50000 macro calls (in macro chain e0 -> ", 0);
    /* an argument doubled at every level */
    const char *a1[] = {"x"};
    for (int i = 0; i < 40; i++) {
        char name[16], def[48];
        snprintf(name, sizeof name, "h%d", i);
        if (i < 39) snprintf(def, sizeof def, "`h%d($x$$x$)`", i + 1);
        else snprintf(def, sizeof def, "$x$");
        spl_macros_add(&m, name, def, a1, 1);
    }
    expect_error(&m, "`h0(ab)`", "(in macro chain h0(1) -> h1(1) -> ", 0);
    spl_macros_add(&m, "self", "a `self`", NULL, 0);
    expect_error(&m, "`self`", "macro calls itself: self -> self", 0);
    spl_macros_free(&m);
}

static void test_load_yaml(void **state)
{
    (void)state;
    char *dir = tu_tmp_path("-macros");
    assert_int_equal(mkdir(dir, 0700), 0);
    char *p1 = xasprintf("%s/a.yml", dir), *p2 = xasprintf("%s/b.yml", dir), *p3 = xasprintf("%s/c.yml", dir);
    FILE *f = fopen(p1, "w");
    fputs("name: security_content_ctime\narguments:\n  - field\ndefinition: 'convert timeformat=\"%Y\" ctime($field$)'\ndescription: x\n", f);
    fclose(f);
    f = fopen(p2, "w");
    fputs("definition: sourcetype=\"IIS:Configuration:Operational\"\nname: iis_logs\n", f);
    fclose(f);
    f = fopen(p3, "w");
    fputs("name: [broken\n", f);
    fclose(f);
    spl_macros m;
    spl_macros_init(&m);
    char *err = NULL;
    assert_int_equal(spl_macros_load_file(&m, p1, &err), 0);
    assert_int_equal(spl_macros_load_file(&m, p2, &err), 0);
    assert_int_equal(spl_macros_load_file(&m, p3, &err), -1);
    assert_non_null(strstr(err, "c.yml"));
    free(err);
    assert_non_null(spl_macros_find(&m, "security_content_ctime(1)"));
    assert_null(spl_macros_find(&m, "security_content_ctime"));
    char *r = expand(&m, "`iis_logs` | `security_content_ctime(lastTime)`");
    assert_string_equal(r, "sourcetype=\"IIS:Configuration:Operational\" | convert timeformat=\"%Y\" ctime(lastTime)");
    free(r);
    /* directory loading: a broken file is an error naming it */
    spl_macros_free(&m);
    spl_macros_init(&m);
    err = NULL;
    assert_int_equal(spl_macros_load_dir(&m, dir, 0, &err), -1);
    assert_non_null(strstr(err, "c.yml"));
    free(err);
    unlink(p3);
    spl_macros_free(&m);
    spl_macros_init(&m);
    assert_int_equal(spl_macros_load_dir(&m, dir, 0, &err), 0);
    assert_int_equal(m.n, 2);
    /* a missing optional directory is fine, a missing required one is not */
    assert_int_equal(spl_macros_load_dir(&m, "/nonexistent/dir", 1, &err), 0);
    assert_int_equal(spl_macros_load_dir(&m, "/nonexistent/dir", 0, &err), -1);
    free(err);
    /* a later definition replaces an earlier one */
    spl_macros_add(&m, "iis_logs", "index=other", NULL, 0);
    r = expand(&m, "`iis_logs`");
    assert_string_equal(r, "index=other");
    free(r);
    spl_macros_free(&m);
    unlink(p1);
    unlink(p2);
    rmdir(dir);
    free(p1); free(p2); free(p3); free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expand_basic),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_load_yaml),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
