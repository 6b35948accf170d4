/* test_spl_lex.c: the SPL lexer in both modes: words, strings, operators,
 * keywords, dotted and quoted field names, numbers, positions, errors, and
 * the unescaping of quoted values. */
#include "testutil.h"
#include "spl_int.h"

static spl_toks lex(const char *s, int mode, int expect_ok)
{
    spl_toks t = {0};
    spl_error e = {0};
    int rc = spl_lex(s, strlen(s), 0, mode, &t, &e);
    if (expect_ok) assert_int_equal(rc, 0);
    else assert_int_equal(rc, -1);
    spl_error_clear(&e);
    return t;
}

static void tok_is(const spl_token *t, int type, const char *text)
{
    assert_int_equal(t->type, type);
    assert_int_equal(t->n, strlen(text));
    assert_memory_equal(t->s, text, t->n);
}

static void test_search_tokens(void **state)
{
    (void)state;
    spl_toks t = lex("sourcetype=\"a b\" EventCode!=4 NOT x IN (a, \"b*\") c:\\\\win\\\\*.exe OR y>=2 | stats", SPL_LEX_SEARCH, 1);
    assert_int_equal(t.n, 21);
    tok_is(&t.v[0], TK_WORD, "sourcetype");
    tok_is(&t.v[1], TK_EQ, "=");
    tok_is(&t.v[2], TK_STRING, "\"a b\"");
    tok_is(&t.v[3], TK_WORD, "EventCode");
    tok_is(&t.v[4], TK_NE, "!=");
    tok_is(&t.v[5], TK_WORD, "4");
    tok_is(&t.v[6], TK_NOT, "NOT");
    tok_is(&t.v[7], TK_WORD, "x");
    tok_is(&t.v[8], TK_IN, "IN");
    tok_is(&t.v[9], TK_LP, "(");
    tok_is(&t.v[10], TK_WORD, "a");
    tok_is(&t.v[11], TK_COMMA, ",");
    tok_is(&t.v[12], TK_STRING, "\"b*\"");
    tok_is(&t.v[13], TK_RP, ")");
    tok_is(&t.v[14], TK_WORD, "c:\\\\win\\\\*.exe");
    tok_is(&t.v[15], TK_OR, "OR");
    tok_is(&t.v[16], TK_WORD, "y");
    tok_is(&t.v[17], TK_GE, ">=");
    tok_is(&t.v[18], TK_WORD, "2");
    tok_is(&t.v[19], TK_PIPE, "|");
    tok_is(&t.v[20], TK_WORD, "stats");
    assert_int_equal(t.v[3].off, 17);
    spl_toks_free(&t);
}

static void test_lowercase_keywords_are_words_in_search(void **state)
{
    (void)state;
    spl_toks t = lex("a and b or not c", SPL_LEX_SEARCH, 1);
    for (int i = 0; i < t.n; i++) assert_int_equal(t.v[i].type, TK_WORD);
    spl_toks_free(&t);
}

static void test_eval_tokens(void **state)
{
    (void)state;
    spl_toks t = lex("x = Processes.process_name . 'field name' + 1.5e3 * -2 / (a) % 3 == \"s\" and b<=c", SPL_LEX_EVAL, 1);
    int types[] = {TK_IDENT, TK_EQ, TK_IDENT, TK_DOT, TK_QIDENT, TK_PLUS, TK_NUMBER, TK_STAR, TK_MINUS, TK_NUMBER,
                   TK_SLASH, TK_LP, TK_IDENT, TK_RP, TK_PERCENT, TK_NUMBER, TK_EQ, TK_STRING, TK_AND, TK_IDENT, TK_LE, TK_IDENT};
    assert_int_equal(t.n, (int)(sizeof types / sizeof types[0]));
    for (int i = 0; i < t.n; i++) assert_int_equal(t.v[i].type, types[i]);
    tok_is(&t.v[2], TK_IDENT, "Processes.process_name");
    tok_is(&t.v[6], TK_NUMBER, "1.5e3");
    spl_toks_free(&t);
}

static void test_eval_dot_concat_needs_space_or_quote(void **state)
{
    (void)state;
    spl_toks t = lex("a.\"x\".b", SPL_LEX_EVAL, 1);
    assert_int_equal(t.n, 5);
    assert_int_equal(t.v[1].type, TK_DOT);
    assert_int_equal(t.v[3].type, TK_DOT);
    spl_toks_free(&t);
}

static void test_errors(void **state)
{
    (void)state;
    spl_toks t = lex("a=\"open", SPL_LEX_SEARCH, 0);
    spl_toks_free(&t);
    t = lex("x = 'open", SPL_LEX_EVAL, 0);
    spl_toks_free(&t);
    t = lex("x = a # b", SPL_LEX_EVAL, 0);
    spl_toks_free(&t);
    t = lex("x = 12abc", SPL_LEX_EVAL, 0);
    spl_toks_free(&t);
    spl_error e = {0};
    const char nul[] = "a=b\0c";
    assert_int_equal(spl_lex(nul, sizeof nul - 1, 0, SPL_LEX_SEARCH, &t, &e), -1);
    assert_int_equal(e.off, 3);
    spl_error_clear(&e);
    spl_toks_free(&t);
}

static void test_unescape(void **state)
{
    (void)state;
    spl_toks t = lex("\"C:\\\\Windows\\\\x\" \"say \\\"hi\\\"\" C:\\Win\\d", SPL_LEX_SEARCH, 1);
    char *a = spl_tok_text(&t.v[0]), *b = spl_tok_text(&t.v[1]), *c = spl_tok_text(&t.v[2]);
    assert_string_equal(a, "C:\\Windows\\x");
    assert_string_equal(b, "say \"hi\"");
    assert_string_equal(c, "C:\\Win\\d");
    free(a); free(b); free(c);
    spl_toks_free(&t);
}

static void test_error_format(void **state)
{
    (void)state;
    spl_error e = {0};
    e.msg = xstrdup("boom");
    e.has_pos = 1;
    e.text = xstrdup("first line\n| second x");
    e.off = 20;
    char *s = spl_error_format(&e);
    assert_string_equal(s, "boom (line 2, column 10)\n  | second x\n           ^");
    free(s);
    spl_error_clear(&e);
    free(e.text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_tokens),
        cmocka_unit_test(test_lowercase_keywords_are_words_in_search),
        cmocka_unit_test(test_eval_tokens),
        cmocka_unit_test(test_eval_dot_concat_needs_space_or_quote),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_unescape),
        cmocka_unit_test(test_error_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
