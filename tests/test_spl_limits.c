/* test_spl_limits.c: queries of any size give an answer or a clear error,
 * never a crash: tens of thousands of AND/OR terms (typed, or inside a
 * macro), long IN lists, filter macros with hundreds of NOT (...)
 * exclusions, long eval sums and concatenations, deep nesting of
 * parentheses, NOTs, operators and subsearches. Every answer is compared
 * with an equivalent short query (or a count known from the data); every
 * error must name its position. Large queries are generated here. */
#include <time.h>
#include "testutil.h"
#include "spl.h"
#include "spl_int.h"

static char *db_path;
static store *st;
static spl_macros macros;

/* 100 events: n = 0..99, EventCode = n % 10, Computer web-0(n % 3),
 * Image img<n> */
static int setup(void **state)
{
    (void)state;
    db_path = tu_tmp_path(".db");
    char *err = NULL;
    st = store_open(db_path, &err);
    assert_non_null(st);
    event ev;
    event_init(&ev);
    store_begin(st);
    for (int k = 0; k < 100; k++) {
        char n[16], ec[16], comp[32], img[32], raw[96];
        snprintf(n, sizeof n, "%d", k);
        snprintf(ec, sizeof ec, "%d", k % 10);
        snprintf(comp, sizeof comp, "web-0%d.corp", k % 3);
        snprintf(img, sizeof img, "img%d", k);
        snprintf(raw, sizeof raw, "event %d on %s running %s", k, comp, img);
        event_reset(&ev);
        ev.index = "main"; ev.host = "h"; ev.source = "s"; ev.sourcetype = "t";
        ev.raw = raw; ev.raw_len = strlen(raw); ev.time = 1000 + k; ev.has_time = 1;
        event_add_str(&ev, "n", n);
        event_add_str(&ev, "EventCode", ec);
        event_add_str(&ev, "Computer", comp);
        event_add_str(&ev, "Image", img);
        assert_true(store_insert(st, &ev, 0) > 0);
    }
    store_commit(st);
    event_free(&ev);
    spl_macros_init(&macros);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(st);
    tu_remove_db(db_path);
    free(db_path);
    spl_macros_free(&macros);
    return 0;
}

/* Compile and run text; returns the first column of the first row as a
 * string ("" when no rows), or NULL with *errout set to the formatted
 * error (caller frees both). */
static int first_value(void *ctx, const spl_query *q, sqlite3_stmt *s)
{
    (void)q;
    char **out = ctx;
    if (!*out && sqlite3_column_type(s, 0) == SQLITE_FLOAT) {
        *out = xasprintf("%.15g", sqlite3_column_double(s, 0));
    } else if (!*out) {
        const unsigned char *t = sqlite3_column_text(s, 0);
        *out = xstrdup(t ? (const char *)t : "");
    }
    return 0;
}

static char *run(const char *text, char **errout)
{
    spl_opts o = {0};
    o.now = 1717243200;
    spl_query *q = NULL;
    spl_error e = {0};
    *errout = NULL;
    if (spl_compile(st, &macros, text, &o, &q, &e)) {
        *errout = spl_error_format(&e);
        spl_error_free(&e);
        return NULL;
    }
    spl_error_free(&e);
    char *v = NULL, *rerr = NULL;
    if (spl_run(st, q, first_value, &v, &rerr)) {
        *errout = rerr;
        free(v);
        v = NULL;
    } else if (!v) {
        v = xstrdup("");
    }
    spl_query_free(q);
    return v;
}

static void expect_answer(const char *text, const char *want)
{
    char *err = NULL;
    char *v = run(text, &err);
    if (!v) fprintf(stderr, "error: %s\n", err);
    assert_non_null(v);
    if (strcmp(v, want)) fprintf(stderr, "got %s, want %s\n", v, want);
    assert_string_equal(v, want);
    free(v);
}

/* an error containing needle, at the given 1-based column of line 1 */
static void expect_failure(const char *text, const char *needle, int col)
{
    char *err = NULL;
    char *v = run(text, &err);
    assert_null(v);
    assert_non_null(err);
    if (!strstr(err, needle)) fprintf(stderr, "error was: %.300s\n", err);
    assert_non_null(strstr(err, needle));
    if (col) {
        char pos[48];
        snprintf(pos, sizeof pos, "(line 1, column %d)", col);
        if (!strstr(err, pos)) fprintf(stderr, "error was: %.300s\n", err);
        assert_non_null(strstr(err, pos));
    }
    free(err);
}

/* n terms "fmt(i)" for i = from.., joined by sep */
static char *terms(const char *fmt, int from, int n, const char *sep)
{
    sbuf b = {0};
    for (int i = 0; i < n; i++) {
        if (i) sbuf_add(&b, sep);
        sbuf_printf(&b, fmt, from + i, from + i);
    }
    return sbuf_detach(&b);
}

static void test_many_or_terms(void **state)
{
    (void)state;
    int sizes[] = {20000, 50000};
    for (int k = 0; k < 2; k++) {
        /* n=5 OR n=6 OR ...: the events with n >= 5 */
        char *t = terms("n=%d", 5, sizes[k], " OR ");
        char *q = xasprintf("%s | stats count", t);
        expect_answer(q, "95");
        free(q);
        /* a wildcard term in the list: no set, many separate terms */
        q = xasprintf("Image=img9* OR %s | stats count", t);
        expect_answer(q, "95");
        free(q);
        free(t);
    }
    expect_answer("n>=5 | stats count", "95");
    /* an error in a huge query shows the line around its spot only */
    char *big = terms("n=%d", 5, 20000, " OR ");
    char *bad = xasprintf("%s | eval x=nofunc(n)", big);
    char *err = NULL;
    assert_null(run(bad, &err));
    assert_non_null(strstr(err, "unknown function 'nofunc'"));
    assert_non_null(strstr(err, "\n  ..."));
    assert_non_null(strstr(err, " OR n=20004 | eval x=nofunc(n)\n"));
    assert_true(strlen(err) < 400);
    free(err);
    free(bad);
    free(big);
    /* terms on different fields, and wildcards, that no set gathers */
    char *t = terms("Image=*g%d OR Computer=web-0%d", 10, 2000, " OR ");
    char *q = xasprintf("EventCode=3 (%s) | stats count", t);
    expect_answer(q, "9");
    free(q);
    free(t);
    expect_answer("EventCode=3 n>=10 | stats count", "9");
}

static void test_many_and_terms(void **state)
{
    (void)state;
    int sizes[] = {20000, 50000};
    for (int k = 0; k < 2; k++) {
        /* NOT n=10 NOT n=11 ...: the events with n < 10 */
        char *t = terms("NOT n=%d", 10, sizes[k], " ");
        char *q = xasprintf("%s | stats count", t);
        expect_answer(q, "10");
        free(q);
        free(t);
        t = terms("n!=%d", 10, sizes[k], " AND ");
        q = xasprintf("%s | stats count", t);
        expect_answer(q, "10");
        free(q);
        free(t);
    }
    expect_answer("n<10 | stats count", "10");
    /* bare terms against _raw: NOT word0 NOT word1 ... NOT img3 */
    char *t = terms("NOT word%d", 0, 20000, " ");
    char *q = xasprintf("%s NOT img3 NOT \"web-02.corp\" | stats count", t);
    expect_answer(q, "66");
    free(q);
    free(t);
    expect_answer("NOT img3 NOT \"web-02.corp\" | stats count", "66");
    /* all of them: img1* and 500 times *e* */
    t = terms("*e*", 0, 500, " ");
    q = xasprintf("%s img1* | stats count", t);
    expect_answer(q, "11");
    free(q);
    free(t);
    expect_answer("*e* img1* | stats count", "11");
    /* any of them: img50 .. img20049, and TERM(img7) */
    t = terms("img%d", 50, 20000, " OR ");
    q = xasprintf("%s OR TERM(img7) | stats count", t);
    expect_answer(q, "51");
    free(q);
    free(t);
    expect_answer("n>=50 OR n=7 | stats count", "51");
}

static void test_terms_in_macro(void **state)
{
    (void)state;
    char *t = terms("EventCode=%d", 1000, 20000, " OR ");
    char *def = xasprintf("EventCode=4 OR %s", t);
    spl_macros_add(&macros, "big_filter", def, NULL, 0);
    free(def);
    free(t);
    expect_answer("`big_filter` | stats count", "10");
    expect_answer("* | search `big_filter` | stats count", "10");
    t = terms("NOT n=%d", 10, 20000, " ");
    spl_macros_add(&macros, "big_exclusions", t, NULL, 0);
    free(t);
    expect_answer("`big_exclusions` | stats count", "10");
}

/* a filter macro of hundreds of exclusions of several fields each, as
 * detections' *_filter macros hold */
static void test_exclusion_filter(void **state)
{
    (void)state;
    sbuf b = {0};
    for (int i = 0; i < 600; i++)
        sbuf_printf(&b, "%sNOT (Image=img%d AND Computer=web-0%d*)", i ? " " : "", i, i % 3);
    spl_macros_add(&macros, "exclusions_filter", b.s, NULL, 0);
    sbuf_free(&b);
    /* every event matches its own exclusion: none is left */
    expect_answer("EventCode=* `exclusions_filter` | stats count", "0");
    b = (sbuf){0};
    for (int i = 0; i < 600; i++)
        sbuf_printf(&b, "%sNOT (Image=img%d Computer=web-0%d*)", i ? " " : "", i, (i + 1) % 3);
    spl_macros_add(&macros, "mismatched_filter", b.s, NULL, 0);
    sbuf_free(&b);
    /* no exclusion matches: every event is kept */
    expect_answer("EventCode=* `mismatched_filter` | stats count", "100");
}

static void test_long_in_lists(void **state)
{
    (void)state;
    char *t = terms("%d", 50, 1000, ", ");
    char *q = xasprintf("n IN (%s) | stats count", t);
    expect_answer(q, "50");
    free(q);
    q = xasprintf("NOT n IN (%s) | stats count", t);
    expect_answer(q, "50");
    free(q);
    q = xasprintf("* | where n IN (%s) | stats count", t);
    expect_answer(q, "50");
    free(q);
    q = xasprintf("* | where in(n, 50, 51) OR n IN (%s) | stats count", t);
    expect_answer(q, "50");
    free(q);
    free(t);
    /* a computed value compares as a number too */
    t = terms("%d.0", 50, 1000, " ");
    q = xasprintf("* | eval m=n*1 | search m IN (%s) | stats count", t);
    expect_answer(q, "50");
    free(q);
    free(t);
    /* eval OR of 2,000 comparisons */
    t = terms("n=%d", 50, 2000, " OR ");
    q = xasprintf("* | where %s | stats count", t);
    expect_answer(q, "50");
    free(q);
    free(t);
}

static void test_long_eval_chains(void **state)
{
    (void)state;
    /* 300 and 1,900 terms: sum(n) = 4950 */
    char *t = terms("n", 0, 300, " + ");
    char *q = xasprintf("* | eval x=%s | stats sum(x)", t);
    expect_answer(q, "1485000");
    free(q);
    free(t);
    t = terms("n", 0, 1900, " + ");
    q = xasprintf("* | eval x=%s | stats sum(x)", t);
    expect_answer(q, "9405000");
    free(q);
    free(t);
    /* string + string concatenates, over call boundaries too */
    t = terms("\"ab\"", 0, 250, " + ");
    q = xasprintf("* | eval x=%s | eval l=len(x) | stats max(l)", t);
    expect_answer(q, "500");
    free(q);
    free(t);
    /* a sum longer than allowed: an error at the sum */
    t = terms("n", 0, 5000, " + ");
    q = xasprintf("* | eval x=%s", t);
    expect_failure(q, "a sum of 5000 terms is longer than", 12);
    free(q);
    free(t);
    t = terms("Image", 0, 3000, " . ");
    q = xasprintf("n=7 | eval x=%s | eval l=len(x) | stats max(l)", t);
    expect_answer(q, "12000");
    free(q);
    free(t);
    t = terms("n>=%d", 0, 3000, " AND ");
    q = xasprintf("* | where %s OR n=0 | stats count", t);
    expect_answer(q, "1");
    free(q);
    free(t);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    sbuf b = {0};
    /* parentheses only group: 150 of them are fine */
    for (int i = 0; i < 150; i++) sbuf_addc(&b, '(');
    sbuf_add(&b, "n=7");
    for (int i = 0; i < 150; i++) sbuf_addc(&b, ')');
    sbuf_add(&b, " | stats count");
    expect_answer(b.s, "1");
    sbuf_reset(&b);
    /* 20,000 of them: the parser's stack, at the parenthesis it fails on */
    for (int i = 0; i < 20000; i++) sbuf_addc(&b, '(');
    sbuf_add(&b, "n=7");
    for (int i = 0; i < 20000; i++) sbuf_addc(&b, ')');
    expect_failure(b.s, "nests too deeply", 0);
    sbuf_reset(&b);
    for (int i = 0; i < 20000; i++) sbuf_add(&b, "NOT ");
    sbuf_add(&b, "n=7");
    expect_failure(b.s, "nests too deeply", 0);
    sbuf_reset(&b);
    /* alternating operators nest the tree: bounded, at the first node too deep */
    for (int i = 0; i < 25; i++) sbuf_printf(&b, "(n=%d OR NOT ", i);
    sbuf_add(&b, "n=7");
    for (int i = 0; i < 25; i++) sbuf_addc(&b, ')');
    /* the 21st level's OR (at its first term) is the 41st node down */
    expect_failure(b.s, "expression nests more than 40 levels deep", 252);
    sbuf_reset(&b);
    /* eval: a - (b - (c - ...)) 20,000 deep, and a left-deep a-b-c-... */
    sbuf_add(&b, "* | eval x=");
    for (int i = 0; i < 20000; i++) sbuf_add(&b, "(n-");
    sbuf_add(&b, "n");
    for (int i = 0; i < 20000; i++) sbuf_addc(&b, ')');
    expect_failure(b.s, "nests too deeply", 0);
    sbuf_reset(&b);
    char *t = terms("n", 0, 20000, " - ");
    char *q = xasprintf("* | eval x=%s", t);
    expect_failure(q, "expression nests more than 40 levels deep", 12);
    free(q);
    free(t);
    /* nesting within the bound that SQLite cannot parse: an error at the
     * command (with its position) when the statement is prepared */
    sbuf_add(&b, "* | eval x=");
    for (int i = 0; i < 35; i++) sbuf_add(&b, "(n-");
    sbuf_add(&b, "n");
    for (int i = 0; i < 35; i++) sbuf_addc(&b, ')');
    expect_failure(b.s, "the query nests too deeply for SQLite", 5);
    sbuf_free(&b);
}

static void test_nested_subsearches(void **state)
{
    (void)state;
    for (int depth = 100; depth <= 200; depth += 100) {
        sbuf b = {0};
        for (int i = 0; i < depth; i++) sbuf_add(&b, "EventCode=4 [search ");
        sbuf_add(&b, "n=4 | fields n");
        for (int i = 0; i < depth; i++) sbuf_add(&b, " | fields n]");
        sbuf_add(&b, " | stats count");
        if (depth <= SPL_MAX_SUBSEARCH_DEPTH) {
            expect_answer(b.s, "1");
        } else {
            /* at the '[' of the first subsearch too deep */
            expect_failure(b.s, "subsearches nest more than 100 deep",
                         (int)strlen("EventCode=4 [search ") * SPL_MAX_SUBSEARCH_DEPTH + 13);
        }
        sbuf_free(&b);
    }
}

/* translation time grows linearly: twice the terms, about twice the time */
static void linear_time(const char *fmt)
{
    double secs[2] = {1e9, 1e9};
    for (int r = 0; r < 4; r++) { /* the faster of two runs of each size */
        int k = r % 2;
        char *t = terms(fmt, 0, 20000 * (k + 1), " OR ");
        spl_opts o = {0};
        spl_query *q = NULL;
        spl_error e = {0};
        struct timespec a, z;
        clock_gettime(CLOCK_MONOTONIC, &a);
        assert_int_equal(spl_compile(st, &macros, t, &o, &q, &e), 0);
        clock_gettime(CLOCK_MONOTONIC, &z);
        double d = (double)(z.tv_sec - a.tv_sec) + (double)(z.tv_nsec - a.tv_nsec) / 1e9;
        if (d < secs[k]) secs[k] = d;
        spl_query_free(q);
        spl_error_free(&e);
        free(t);
    }
    fprintf(stderr, "compile %s: 20,000 x %.3f s, 40,000 x %.3f s\n", fmt, secs[0], secs[1]);
    /* quadratic would be 4x; allow noise on a shared machine */
    assert_true(secs[1] < 3.2 * secs[0] + 0.5);
}

/* the time to compile and run (prepare) n copies of fmt joined by sep,
 * prefix before them and suffix after: the faster of two runs */
static double run_time(const char *prefix, const char *fmt, int n, const char *sep, const char *suffix)
{
    double best = 1e9;
    char *t = terms(fmt, 0, n, sep);
    char *q = xasprintf("%s%s%s", prefix, t, suffix);
    for (int r = 0; r < 2; r++) {
        struct timespec a, z;
        clock_gettime(CLOCK_MONOTONIC, &a);
        char *err = NULL;
        char *v = run(q, &err);
        if (!v) fprintf(stderr, "error: %.300s\n", err);
        assert_non_null(v);
        free(v);
        clock_gettime(CLOCK_MONOTONIC, &z);
        double d = (double)(z.tv_sec - a.tv_sec) + (double)(z.tv_nsec - a.tv_nsec) / 1e9;
        if (d < best) best = d;
    }
    free(q);
    free(t);
    return best;
}

/* twice the input takes about twice the time (quadratic would be 4x) */
static void linear_run(const char *prefix, const char *fmt, int n, const char *sep, const char *suffix)
{
    double a = run_time(prefix, fmt, n, sep, suffix);
    double b = run_time(prefix, fmt, 2 * n, sep, suffix);
    fprintf(stderr, "run %s%s: %d x %.3f s, %d x %.3f s\n", prefix, fmt, n, a, 2 * n, b);
    assert_true(b < 3.2 * a + 0.2);
}

/* SQLite compares every constant (bound parameter) of a statement with
 * those before it unless splite turns that off for large statements */
static void test_linear_prepare(void **state)
{
    (void)state;
    /* exclusions of several fields each: no set gathers them */
    linear_run("EventCode=* ", "NOT (n=%d EventCode=%d)", 4000, " ", " | stats count");
    /* an AND of different values */
    linear_run("", "EventCode=%d Image!=x%d*", 4000, " ", " | stats count");
}

/* an AND of many different values or fields: SQLite's planner sees the
 * first terms only, the rest is one opaque term */
static void test_long_and_chains(void **state)
{
    (void)state;
    /* 30,575 terms: SQLite gave up planning ("no query solution") */
    char *t = terms("EventCode=%d", 0, 30575, " ");
    char *q = xasprintf("%s | stats count", t);
    expect_answer(q, "0");
    free(q);
    free(t);
    /* all true: n=7 and 20,000 other tests it passes */
    t = terms("n<%d", 8, 20000, " AND ");
    q = xasprintf("n=7 %s | stats count", t);
    expect_answer(q, "1");
    free(q);
    free(t);
    /* a NULL (missing field) in the opaque part is false, as in Splunk */
    t = terms("n<%d", 8, 100, " ");
    q = xasprintf("n=7 %s nosuchfield<5 | stats count", t);
    expect_answer(q, "0");
    free(q);
    q = xasprintf("n=7 %s NOT nosuchfield=5 | stats count", t);
    expect_answer(q, "1");
    free(q);
    free(t);
    /* twice the terms, about twice the time (quadratic in SQLite before) */
    linear_run("", "EventCode=%d", 15000, " ", " | stats count");
}

/* pipelines: bounded in commands, SQL levels and fields, with an error
 * at the first command past the bound; long ones within the bounds work */
/* bare terms each read _raw: 220,000 of them bound more values than SQLite
 * takes (it said "variable number must be between ?1 and ?250000", with no
 * position, after 800 MB of memory for the fuzzer's 65,535 longer ones):
 * an error at the term past the bound */
static void test_many_raw_terms(void **state)
{
    (void)state;
    char *t = terms("\"\"", 0, 220000, " ");
    expect_failure(t, "bound values: split the search", 0);
    free(t);
}

static void test_long_pipelines(void **state)
{
    (void)state;
    /* 28,012 streamstats crashed SQLite (stack overflow): an error at the
     * 1,001st command */
    sbuf b = {0};
    sbuf_add(&b, "*");
    for (int i = 0; i < 28012; i++) sbuf_add(&b, " | streamstats count by Computer");
    expect_failure(b.s, "the search has more than 1000 commands", 1 + 999 * 32 + 3 + 1);
    sbuf_reset(&b);
    sbuf_add(&b, "| makeresults");
    for (int i = 0; i < 28000; i++) sbuf_add(&b, " | streamstats count by u");
    expect_failure(b.s, "the search has more than 1000 commands", 14 + 999 * 25 + 3);
    sbuf_reset(&b);
    /* 140 SQL levels work; the 151st is an error at its command */
    const char *level_cmds[] = {" | streamstats count by Computer", " | head 1000", " | eventstats count",
                                " | sort - n", " | stats count by n"};
    for (int k = 0; k < 5; k++) {
        sbuf_reset(&b);
        sbuf_add(&b, "*");
        for (int i = 0; i < 140; i++) sbuf_add(&b, level_cmds[k]);
        sbuf_add(&b, " | stats count");
        expect_answer(b.s, "100");
    }
    sbuf_reset(&b);
    sbuf_add(&b, "*");
    for (int i = 0; i < 200; i++) sbuf_add(&b, " | head 1000");
    expect_failure(b.s, "the search needs more than 150 SQL levels", 1 + 150 * 12 + 3 + 1); /* the 151st head */
    sbuf_reset(&b);
    /* 990 where commands: one balanced AND, not a chain 990 deep (SQLite's
     * expression depth limit is 1000) */
    sbuf_add(&b, "*");
    for (int i = 0; i < 990; i++) sbuf_printf(&b, " | where n>%d", i - 1000);
    sbuf_add(&b, " | where n<10 | stats count");
    expect_answer(b.s, "10");
    sbuf_reset(&b);
    /* 990 eval commands, each a new field */
    sbuf_add(&b, "n=7");
    for (int i = 0; i < 990; i++) sbuf_printf(&b, " | eval f%d=n+%d", i, i);
    sbuf_add(&b, " | table f0 f989 | stats max(f989)");
    expect_answer(b.s, "996");
    sbuf_reset(&b);
    /* more fields than SQLite's columns: an error at the command */
    sbuf_add(&b, "* | eval ");
    for (int i = 0; i < 3000; i++) sbuf_printf(&b, "%sf%d=%d", i ? ", " : "", i, i);
    expect_failure(b.s, "the search has more than 1900 fields", 5);
    sbuf_free(&b);
}

static void test_linear_time(void **state)
{
    (void)state;
    linear_time("EventCode=%d OR Image=*x%d");
    linear_time("field%d=1");      /* as many field names as terms */
    linear_time("NOT \"a b %d\""); /* phrases */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_or_terms),
        cmocka_unit_test(test_many_and_terms),
        cmocka_unit_test(test_terms_in_macro),
        cmocka_unit_test(test_exclusion_filter),
        cmocka_unit_test(test_long_in_lists),
        cmocka_unit_test(test_long_eval_chains),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_nested_subsearches),
        cmocka_unit_test(test_linear_time),
        cmocka_unit_test(test_linear_prepare),
        cmocka_unit_test(test_long_and_chains),
        cmocka_unit_test(test_many_raw_terms),
        cmocka_unit_test(test_long_pipelines),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
