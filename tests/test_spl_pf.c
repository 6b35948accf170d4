/* test_spl_pf.c: prefilter formulas (spl_pf.h): spl_pf_columns, the
 * recognizer of the SQL shapes the translator writes for a field (columns
 * it accepts, forms it refuses without crashing), spl_pf_value (atoms of an
 * SPL value with wildcards) and the AND/OR simplification. */
#include "testutil.h"
#include "spl_pf.h"

/* the columns x names as "a,b,c"; "-1" when refused; "" for none */
static char *cols_of(const char *x, const char *alias)
{
    char **cols = (char **)1; /* must be overwritten */
    int n = spl_pf_columns(x, alias, &cols);
    if (n < 0) {
        assert_null(cols);
        return xstrdup("-1");
    }
    sbuf b = {0};
    sbuf_add(&b, "");
    for (int i = 0; i < n; i++) {
        if (i) sbuf_addc(&b, ',');
        sbuf_add(&b, cols[i]);
        free(cols[i]);
    }
    if (!n) assert_null(cols);
    free(cols);
    return sbuf_detach(&b);
}

#define COLS(x, want)                                 \
    do {                                              \
        char *got_ = cols_of((x), "e");               \
        if (strcmp(got_, (want)))                     \
            fail_msg("%s: got '%s', want '%s'", (x), got_, (want)); \
        free(got_);                                   \
    } while (0)

static void columns_accepted(void **state)
{
    (void)state;
    COLS("e.\"Image\"", "Image");
    COLS("  e.\"Image\"  ", "Image");
    COLS("((e.\"Image\"))", "Image");
    COLS("NULL", "");
    COLS("null", "");
    COLS("(NULL)", "");
    COLS("coalesce(e.\"A\", e.\"B\", NULL)", "A,B");
    COLS("COALESCE((e.\"A\"),coalesce(e.\"B\",e.\"C\"))", "A,B,C");
    /* "" inside a quoted identifier is one quote */
    COLS("e.\"we\"\"ird\"", "we\"ird");
    COLS("e.\"ProcessId~2\"", "ProcessId~2");
    COLS("e.\"\"", "");
    COLS("CASE WHEN e.\"source\" LIKE '%Sysmon%' THEN e.\"Image\" END", "Image");
    COLS("CASE WHEN (e.\"x\" = 1) THEN e.\"A\" WHEN e.\"y\" THEN NULL ELSE e.\"B\" END", "A,B");
    COLS("case when 1 then e.\"A\" else coalesce(e.\"B\", e.\"C\") end", "A,B,C");
    /* a nested CASE in the condition: its THEN and END are the condition's */
    COLS("CASE WHEN CASE WHEN e.\"a\" THEN 1 ELSE 0 END = 1 THEN e.\"A\" ELSE e.\"B\" END", "A,B");
    COLS("CASE WHEN (CASE WHEN e.\"a\" THEN 1 END) THEN e.\"A\" END", "A");
    /* string literals and quoted names holding THEN, END, parentheses, quotes */
    COLS("CASE WHEN e.\"s\" = 'THEN END ) ( ''' THEN e.\"A\" END", "A");
    COLS("CASE WHEN e.\"THEN\" = 'x' THEN e.\"A\" END", "A");
    COLS("CASE WHEN e.\"s\" LIKE '%x%' ESCAPE '\\' AND (e.\"t\" = 'y)') THEN e.\"A\" END", "A");
    /* words merely containing THEN or END */
    COLS("CASE WHEN e.\"s\" = xTHEN OR ENDx = 1 THEN e.\"A\" END", "A");
    /* a CASE in a THEN value */
    COLS("CASE WHEN 1 THEN CASE WHEN 2 THEN e.\"A\" ELSE e.\"B\" END ELSE e.\"C\" END", "A,B,C");
    /* another alias, given */
    char *got = cols_of("r.\"X\"", "r");
    assert_string_equal(got, "X");
    free(got);
}

static void columns_refused(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "   ",
        "lower(e.\"Image\")",
        "spl_split_nth(e.\"Image\", '\\', -1)",
        "json_extract(e._extra, '$.\"Image\"')",
        "(SELECT splite_raw(r.blk, r.rowid) FROM raw r WHERE r.rowid = e.rowid)",
        "r.\"Image\"",
        "ee.\"Image\"",
        "e.Image",
        "e.\"Image",
        "e.\"Image\" || 'x'",
        "e.\"Image\" e.\"B\"",
        "e.\"Image\")",
        "(e.\"Image\"",
        "((e.\"Image\")",
        "'text'",
        "?1",
        "1",
        "NULLx",
        "NULL.x",
        "coalesce",
        "coalesce(",
        "coalesce(e.\"A\"",
        "coalesce(e.\"A\",",
        "coalesce(e.\"A\" e.\"B\")",
        "coalesce(e.\"A\", lower(e.\"B\"))",
        "coalescex(e.\"A\")",
        "CASE",
        "CASE e.\"x\" WHEN 1 THEN e.\"A\" END",
        "CASE WHEN",
        "CASE WHEN 1",
        "CASE WHEN 1 THEN",
        "CASE WHEN 1 THEN e.\"A\"",
        "CASE WHEN 1 THEN e.\"A\" ELSE",
        "CASE WHEN 1 THEN e.\"A\" ELSE e.\"B\"",
        "CASE WHEN 1 THEN e.\"A\" END END",
        "CASE WHEN 1 THEN lower(e.\"A\") END",
        "CASE WHEN ) THEN e.\"A\" END",
        "CASE WHEN END THEN e.\"A\" END",
        "CASE WHEN 'unterminated THEN e.\"A\" END",
        "CASE WHEN e.\"unterminated THEN e.\"A\" END",
        "CASE WHEN CASE WHEN 1 THEN 2 THEN e.\"A\" END",
        "e.\"A\" END",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) COLS(bad[i], "-1");
}

static void columns_deep(void **state)
{
    (void)state;
    /* nesting deeper than the recognizer follows is refused, not a crash */
    sbuf b = {0};
    for (int i = 0; i < 100000; i++) sbuf_addc(&b, '(');
    sbuf_add(&b, "e.\"A\"");
    for (int i = 0; i < 100000; i++) sbuf_addc(&b, ')');
    COLS(b.s, "-1");
    sbuf_reset(&b);
    for (int i = 0; i < 50000; i++) sbuf_add(&b, "coalesce(");
    COLS(b.s, "-1");
    sbuf_reset(&b);
    /* a long condition is skipped in linear time */
    sbuf_add(&b, "CASE WHEN ");
    for (int i = 0; i < 100000; i++) sbuf_add(&b, "(a) AND ");
    sbuf_add(&b, "1 THEN e.\"A\" END");
    COLS(b.s, "A");
    sbuf_free(&b);
    /* nesting within the limit */
    COLS("((((((((((e.\"A\"))))))))))", "A");
}

static char *text_of(spl_pf *f)
{
    char *t = spl_pf_text(f);
    spl_pf_free(f);
    return t;
}

#define VALUE(v, want)                                              \
    do {                                                            \
        char *got_ = text_of(spl_pf_value("c", (v)));               \
        if (strcmp(got_, (want))) fail_msg("%s: got '%s', want '%s'", (v), got_, (want)); \
        free(got_);                                                 \
    } while (0)

static void value_atoms(void **state)
{
    (void)state;
    VALUE("abc", "c=\"abc\"");
    VALUE("a", "c=\"a\"");                /* equality keeps short values */
    VALUE("", "c=\"\"");
    VALUE("A%_\\b", "c=\"A%_\\b\"");
    VALUE("*abc*", "c~\"abc\"");
    VALUE("abc*", "c~\"^abc\"");
    VALUE("*abc", "c~\"abc$\"");
    VALUE("abc*def", "(c~\"^abc\" AND c~\"def$\")");
    VALUE("*a*bcd*", "c~\"bcd\"");
    VALUE("*ab*cd*", "true");             /* every piece shorter than SPL_PF_MIN_ATOM */
    VALUE("ab*", "true");
    VALUE("*", "true");
    VALUE("***", "true");
    VALUE("abc**def", "(c~\"^abc\" AND c~\"def$\")");
    VALUE("*abc*def*ghi", "(c~\"abc\" AND c~\"def\" AND c~\"ghi$\")");
    VALUE("xyz*ab", "c~\"^xyz\"");
    /* pieces that are not valid UTF-8 give no atom: SQLite's LIKE reads
     * E3 A4 as U+00E4 (so "*T\xe3\xa4ST*" matches "t\xc3\xa4st") and
     * stray bytes as U+FFFD */
    VALUE("*T\xe3\xa4ST*", "true");
    VALUE("*bc\xfa*", "true");
    VALUE("*abc*x\xffyz*def*", "(c~\"abc\" AND c~\"def\")");
    VALUE("*t\xc3\xa4st*", "c~\"t\xc3\xa4st\"");
    VALUE("T\xe3\xa4ST", "c=\"T\xe3\xa4ST\""); /* = compares bytes */
    /* SPL_PF_MIN_ATOM is the shortest piece kept */
    char v[16] = "*";
    memset(v + 1, 'q', SPL_PF_MIN_ATOM - 1);
    strcat(v, "*");
    VALUE(v, "true");
    memset(v + 1, 'q', SPL_PF_MIN_ATOM);
    v[SPL_PF_MIN_ATOM + 1] = '*';
    v[SPL_PF_MIN_ATOM + 2] = 0;
    spl_pf *f = spl_pf_value("c", v);
    assert_int_equal(f->kind, PF_ATOM);
    assert_int_equal((int)strlen(f->text), SPL_PF_MIN_ATOM);
    assert_int_equal(f->eq, 0);
    assert_int_equal(f->at_start, 0);
    assert_int_equal(f->at_end, 0);
    assert_string_equal(f->col, "c");
    spl_pf_free(f);
    f = spl_pf_value("c", "abc");
    assert_int_equal(f->eq, 1);
    spl_pf_free(f);
}

static spl_pf *atom(const char *t)
{
    return spl_pf_value("c", t);
}

static void and_or(void **state)
{
    (void)state;
    char *t;
    /* TRUE drops out of AND, decides OR; FALSE the other way round */
    t = text_of(spl_pf_and((spl_pf *[]){spl_pf_true(), atom("abc")}, 2));
    assert_string_equal(t, "c=\"abc\"");
    free(t);
    t = text_of(spl_pf_and((spl_pf *[]){atom("abc"), spl_pf_false(), atom("def")}, 3));
    assert_string_equal(t, "false");
    free(t);
    t = text_of(spl_pf_or((spl_pf *[]){atom("abc"), spl_pf_true(), atom("def")}, 3));
    assert_string_equal(t, "true");
    free(t);
    t = text_of(spl_pf_or((spl_pf *[]){spl_pf_false(), atom("abc"), spl_pf_false()}, 3));
    assert_string_equal(t, "c=\"abc\"");
    free(t);
    /* empty: the neutral element */
    t = text_of(spl_pf_and(NULL, 0));
    assert_string_equal(t, "true");
    free(t);
    t = text_of(spl_pf_or(NULL, 0));
    assert_string_equal(t, "false");
    free(t);
    t = text_of(spl_pf_or((spl_pf *[]){spl_pf_false(), spl_pf_false()}, 2));
    assert_string_equal(t, "false");
    free(t);
    t = text_of(spl_pf_and((spl_pf *[]){spl_pf_true(), spl_pf_true()}, 2));
    assert_string_equal(t, "true");
    free(t);
    /* nested ANDs (ORs) flatten; a mix keeps its structure */
    spl_pf *a = spl_pf_and((spl_pf *[]){atom("a1x"), atom("a2x")}, 2);
    spl_pf *b = spl_pf_and((spl_pf *[]){atom("b1x"), a}, 2);
    t = text_of(b);
    assert_string_equal(t, "(c=\"b1x\" AND c=\"a1x\" AND c=\"a2x\")");
    free(t);
    spl_pf *o = spl_pf_or((spl_pf *[]){atom("o1x"), spl_pf_or((spl_pf *[]){atom("o2x"), atom("o3x")}, 2)}, 2);
    t = text_of(spl_pf_and((spl_pf *[]){o, atom("*zzz*")}, 2));
    assert_string_equal(t, "((c=\"o1x\" OR c=\"o2x\" OR c=\"o3x\") AND c~\"zzz\")");
    free(t);
    /* a decided AND frees the kids after the FALSE too (no leak under ASan) */
    t = text_of(spl_pf_and((spl_pf *[]){spl_pf_false(), spl_pf_or((spl_pf *[]){atom("x1x"), atom("x2x")}, 2)}, 2));
    assert_string_equal(t, "false");
    free(t);
    /* useful */
    spl_pf *tr = spl_pf_true(), *fa = spl_pf_false();
    assert_int_equal(spl_pf_useful(tr), 0);
    assert_int_equal(spl_pf_useful(NULL), 0);
    assert_int_equal(spl_pf_useful(fa), 1);
    spl_pf_free(tr);
    spl_pf_free(fa);
    spl_pf_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(columns_accepted),
        cmocka_unit_test(columns_refused),
        cmocka_unit_test(columns_deep),
        cmocka_unit_test(value_atoms),
        cmocka_unit_test(and_or),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
