/* test_sigma_compile.c: the Sigma compiler's output for each construct (the
 * SPL a rule becomes, written from the Sigma specification: escapes,
 * wildcards, modifiers, conditions, collections) and its diagnostics (YAML
 * errors with lines, duplicate keys, undefined and unused identifiers,
 * unknown modifiers, bad regexes). What the SPL then matches is tested by
 * the data-driven cases in tests/sigma/. */
#include "testutil.h"
#include "sigma/sigma.h"

static sigma_rule *compile(const char *yaml)
{
    sigma_rule *r = NULL;
    sigma_compile_text(yaml, strlen(yaml), "t.yml", NULL, &r);
    assert_non_null(r);
    return r;
}

static void expect_spl(const char *yaml, const char *needle)
{
    sigma_rule *r = compile(yaml);
    if (!r->spl || !strstr(r->spl, needle)) {
        fprintf(stderr, "wanted: %s\ngot: %s\n", needle, r->spl ? r->spl : "(rejected)");
        for (size_t i = 0; i < r->ndiags; i++) fprintf(stderr, "  %d %s\n", r->diags[i].line, r->diags[i].message);
    }
    assert_non_null(r->spl);
    assert_non_null(strstr(r->spl, needle));
    sigma_rule_free(r);
}

/* A diagnostic with that code (and severity) on that line exists. */
static void expect_diag(const char *yaml, sigma_severity sev, const char *code, int line, const char *msg_part)
{
    sigma_rule *r = compile(yaml);
    int found = 0;
    for (size_t i = 0; i < r->ndiags; i++) {
        const sigma_diag *d = &r->diags[i];
        if (d->severity == sev && !strcmp(d->code, code) && (line == 0 || d->line == line) && (!msg_part || strstr(d->message, msg_part))) found = 1;
    }
    if (!found) {
        fprintf(stderr, "wanted %s [%s] line %d; got:\n", sev == SIGMA_ERROR ? "error" : "warning", code, line);
        for (size_t i = 0; i < r->ndiags; i++) fprintf(stderr, "  %d %s [%s]\n", r->diags[i].line, r->diags[i].message, r->diags[i].code);
    }
    assert_true(found);
    if (sev == SIGMA_ERROR) assert_null(r->spl);
    sigma_rule_free(r);
}

#define RULE(det) "title: t\nlogsource: {product: test}\ndetection:\n" det

static void test_values(void **state)
{
    (void)state;
    expect_spl(RULE("  sel:\n    A: abc\n  condition: sel\n"), "search A=\"abc\"");
    /* values as written, not as YAML would type them */
    expect_spl(RULE("  sel:\n    A: 0x17\n  condition: sel\n"), "A=\"0x17\"");
    expect_spl(RULE("  sel:\n    A: 0755\n  condition: sel\n"), "A=\"0755\"");
    expect_spl(RULE("  sel:\n    A: true\n  condition: sel\n"), "A=\"true\"");
    expect_spl(RULE("  sel:\n    EventID: 4688\n  condition: sel\n"), "EventID=\"4688\"");
    /* null: absent or empty; '' : empty */
    expect_spl(RULE("  sel:\n    A: null\n  condition: sel\n"), "(NOT A=* OR A=\"\")");
    expect_spl(RULE("  sel:\n    A: ''\n  condition: sel\n"), "A=\"\"");
    /* a list is OR, a map AND */
    expect_spl(RULE("  sel:\n    A: [x, y]\n    B: z\n  condition: sel\n"), "((A=\"x\" OR A=\"y\") B=\"z\")");
    /* a list of maps is OR of ANDs */
    expect_spl(RULE("  sel:\n    - A: x\n      B: y\n    - C: z\n  condition: sel\n"), "((A=\"x\" B=\"y\") OR C=\"z\")");
}

static void test_escapes(void **state)
{
    (void)state;
    /* \* is a literal asterisk: search cannot say that, so a regex */
    expect_spl(RULE("  sel:\n    B: 'C:\\Windows\\*'\n  condition: sel\n"), "match(B, \"(?is)^C:\\\\\\\\Windows\\\\*$\")");
    /* \\ is one backslash, then * is a wildcard */
    expect_spl(RULE("  sel:\n    B: 'C:\\\\Windows\\\\*'\n  condition: sel\n"), "B=\"C:\\\\Windows\\\\*\"");
    /* a backslash before anything else stays */
    expect_spl(RULE("  sel:\n    B: 'C:\\Windows\\x'\n  condition: sel\n"), "B=\"C:\\\\Windows\\\\x\"");
    /* ? is exactly one character */
    expect_spl(RULE("  sel:\n    B: 'a?c'\n  condition: sel\n"), "match(B, \"(?is)^a.c$\")");
    expect_spl(RULE("  sel:\n    B: 'a\\?c'\n  condition: sel\n"), "B=\"a?c\"");
    /* a quote in a value */
    expect_spl(RULE("  sel:\n    B: 'say \"hi\"'\n  condition: sel\n"), "B=\"say \\\"hi\\\"\"");
}

static void test_modifiers(void **state)
{
    (void)state;
    expect_spl(RULE("  sel:\n    A|contains: x\n  condition: sel\n"), "A=\"*x*\"");
    expect_spl(RULE("  sel:\n    A|startswith: x\n  condition: sel\n"), "A=\"x*\"");
    expect_spl(RULE("  sel:\n    A|endswith: x\n  condition: sel\n"), "A=\"*x\"");
    expect_spl(RULE("  sel:\n    A|contains|all: [x, y]\n  condition: sel\n"), "(A=\"*x*\" A=\"*y*\")");
    /* pySigma's three offsets of "abc": YWJj, FiY, hYm */
    expect_spl(RULE("  sel:\n    A|base64offset|contains: abc\n  condition: sel\n"), "(A=\"*YWJj*\" OR A=\"*FiY*\" OR A=\"*hYm*\")");
    expect_spl(RULE("  sel:\n    A|base64: abc\n  condition: sel\n"), "A=\"YWJj\"");
    /* utf16le "ab" = 61 00 62 00 -> YQBiAA== */
    expect_spl(RULE("  sel:\n    A|wide|base64: ab\n  condition: sel\n"), "A=\"YQBiAA==\"");
    expect_spl(RULE("  sel:\n    A|utf16be|base64: ab\n  condition: sel\n"), "A=\"AGEAYg==\"");
    expect_spl(RULE("  sel:\n    A|utf16|base64: ab\n  condition: sel\n"), "A=\"//5hAGIA\"");
    expect_spl(RULE("  sel:\n    A|windash: -x\n  condition: sel\n"),
               "(A=\"-x\" OR A=\"/x\" OR A=\"\xe2\x80\x93x\" OR A=\"\xe2\x80\x94x\" OR A=\"\xe2\x80\x95x\")");
    /* a dash inside a word is not a switch */
    expect_spl(RULE("  sel:\n    A|windash: a-x\n  condition: sel\n"), "A=\"a-x\"");
    expect_spl(RULE("  sel:\n    A|re: '^a.*b$'\n  condition: sel\n"), "match(A, \"^a.*b$\")");
    expect_spl(RULE("  sel:\n    A|re|i|s: 'ab'\n  condition: sel\n"), "match(A, \"(?is)ab\")");
    expect_spl(RULE("  sel:\n    A|cidr: 10.0.0.0/8\n  condition: sel\n"), "cidrmatch(\"10.0.0.0/8\", A)");
    expect_spl(RULE("  sel:\n    A|cidr: 'fe80::/10'\n  condition: sel\n"), "cidrmatch(\"fe80::/10\", A)");
    expect_spl(RULE("  sel:\n    A|exists: true\n  condition: sel\n"), "search A=*");
    expect_spl(RULE("  sel:\n    A|exists: false\n  condition: sel\n"), "search NOT A=*");
    expect_spl(RULE("  sel:\n    A|cased: AbC\n  condition: sel\n"), "A==\"AbC\"");
    expect_spl(RULE("  sel:\n    A|cased|contains: AbC\n  condition: sel\n"), "match(A, \"(?s)^.*AbC.*$\")");
    expect_spl(RULE("  sel:\n    A|neq: x\n  condition: sel\n"), "NOT A=\"x\"");
    expect_spl(RULE("  sel:\n    A|gte: 5\n  condition: sel\n"), "tonumber(A)>=5");
    expect_spl(RULE("  sel:\n    A|lt: 5\n  condition: sel\n"), "tonumber(A)<5");
    expect_spl(RULE("  sel:\n    A|fieldref: B\n  condition: sel\n"), "lower(A)==lower(B)");
    expect_spl(RULE("  sel:\n    A|fieldref|cased: B\n  condition: sel\n"), "A==B");
    expect_spl(RULE("  sel:\n    A|hour: 3\n  condition: sel\n"), "\"%H\"))==3");
    /* keywords: anywhere in the event */
    expect_spl(RULE("  kw:\n    - 'evil thing'\n  condition: kw\n"), "match(_raw, \"(?is)evil thing\")");
}

static void test_conditions(void **state)
{
    (void)state;
    /* not binds tighter than and, and than or */
    expect_spl(RULE("  a: {A: 1}\n  b: {B: 2}\n  c: {C: 3}\n  condition: a or b and not c\n"), "search (A=\"1\" OR (B=\"2\" NOT C=\"3\"))");
    expect_spl(RULE("  a: {A: 1}\n  b: {B: 2}\n  c: {C: 3}\n  condition: (a or b) and not c\n"), "search ((A=\"1\" OR B=\"2\") NOT C=\"3\")");
    expect_spl(RULE("  sel_a: {A: 1}\n  sel_b: {B: 2}\n  c: {C: 3}\n  condition: 1 of sel_* and c\n"), "search ((A=\"1\" OR B=\"2\") C=\"3\")");
    expect_spl(RULE("  sel_a: {A: 1}\n  sel_b: {B: 2}\n  condition: all of sel_*\n"), "search (A=\"1\" B=\"2\")");
    /* them leaves out identifiers starting with _ */
    expect_spl(RULE("  a: {A: 1}\n  _b: {B: 2}\n  condition: all of them and not _b\n"), "search (A=\"1\" NOT B=\"2\")");
    /* keywords in any case */
    expect_spl(RULE("  a: {A: 1}\n  b: {B: 2}\n  condition: a AND NOT b\n"), "search (A=\"1\" NOT B=\"2\")");
    /* a list of conditions: any of them */
    expect_spl(RULE("  a: {A: 1}\n  b: {B: 2}\n  condition:\n    - a\n    - b\n"), "search (A=\"1\" OR B=\"2\")");
    /* deprecated aggregation */
    expect_spl(RULE("  a: {A: 1}\n  condition: a | count(U) by H > 3\n"), "stats min(_time) as first_time max(_time) as _time dc(U) as sigma_value by H\n| where sigma_value>3");
    expect_spl(RULE("  a: {A: 1}\n  timeframe: 5m\n  condition: a | count() by H >= 3\n"), "streamstats time_window=300s count as sigma_value by H\n| where sigma_value>=3");
}

static void test_collections(void **state)
{
    (void)state;
    expect_spl("action: global\ntitle: t\ndetection:\n  sel: {A: 1}\n  condition: sel and ev\n---\nlogsource: {product: x}\ndetection:\n  ev: {EventID: 1}\n---\n"
               "logsource: {product: y}\ndetection:\n  ev: {EventID: 4688}\n",
               "search (A=\"1\" EventID=\"1\") OR (A=\"1\" EventID=\"4688\")");
}

static void test_correlation(void **state)
{
    (void)state;
    const char *y = "title: base\nname: base_rule\nlogsource: {product: test}\ndetection:\n  sel: {A: 1}\n  condition: sel\n---\n"
                    "title: many\ncorrelation:\n  type: event_count\n  rules: [base_rule]\n  group-by: [H]\n  timespan: 5m\n  condition: {gte: 3}\n";
    expect_spl(y, "| sort 0 _time\n| streamstats time_window=300s count as event_count by H\n| where event_count>=3");
    sigma_rule *r = compile(y);
    assert_true(r->is_correlation);
    assert_string_equal(r->title, "many");
    sigma_rule_free(r);
    expect_diag("title: many\ncorrelation:\n  type: event_count\n  rules: [nope]\n  timespan: 5m\n  condition: {gte: 3}\n", SIGMA_ERROR, "correlation", 4, "nope");
    /* chained: the inner correlation's firings are the outer's events */
    const char *chain = "title: a\nname: a\nlogsource: {product: test}\ndetection:\n  sel: {A: 1}\n  condition: sel\n---\n"
                        "title: many a\nname: many_a\ncorrelation: {type: event_count, rules: [a], group-by: [H], timespan: 5m, condition: {gte: 3}}\n---\n"
                        "title: b\nname: b\nlogsource: {product: test}\ndetection:\n  sel: {B: 1}\n  condition: sel\n---\n"
                        "title: many a then b\ncorrelation: {type: temporal_ordered, rules: [many_a, b], group-by: [H], timespan: 1h}\n";
    expect_spl(chain, "| where event_count>=3\n| eval sigma_rule=\"many_a\"\n| append [search B=\"1\"");
    expect_spl(chain, "| eval sigma_s2=if(sigma_rule==\"b\", sigma_c1, null())\n| eval sigma_ordered=if(isnotnull(sigma_s2) AND _time-sigma_s2<3600, 1, 0)");
    r = compile(chain);
    assert_string_equal(r->title, "many a then b");
    sigma_rule_free(r);
    expect_diag("title: x\nname: x\ncorrelation: {type: event_count, rules: [y], timespan: 5m, condition: {gte: 3}}\n---\n"
                "title: y\nname: y\ncorrelation: {type: event_count, rules: [x], timespan: 5m, condition: {gte: 3}}\n",
                SIGMA_ERROR, "correlation", 0, "cycle");
}

static void test_diagnostics(void **state)
{
    (void)state;
    expect_diag("title: t\ndetection:\n  sel: [a\n  condition: sel\n", SIGMA_ERROR, "yaml", 0, NULL);
    expect_diag(RULE("  sel:\n    A: 1\n    A: 2\n  condition: sel\n"), SIGMA_WARNING, "duplicate-key", 6, "lines 5 and 6");
    expect_diag(RULE("  sel: {A: 1}\n  condition: selection\n"), SIGMA_ERROR, "undefined-identifier", 5, "selection");
    expect_diag(RULE("  sel: {A: 1}\n  other: {B: 1}\n  condition: sel\n"), SIGMA_WARNING, "unused-identifier", 5, "other");
    expect_diag(RULE("  sel: {A|contians: 1}\n  condition: sel\n"), SIGMA_ERROR, "unknown-modifier", 4, "contians");
    expect_diag(RULE("  sel: {A|re: '(a'}\n  condition: sel\n"), SIGMA_ERROR, "invalid-regex", 4, NULL);
    expect_diag(RULE("  sel: {A|re|contains: 'a'}\n  condition: sel\n"), SIGMA_ERROR, "invalid-modifier", 4, NULL);
    expect_diag(RULE("  sel: {A|cidr: 'x'}\n  condition: sel\n"), SIGMA_ERROR, "invalid-value", 4, NULL);
    expect_diag(RULE("  sel: {A|base64: 'a*'}\n  condition: sel\n"), SIGMA_ERROR, "invalid-modifier", 4, "wildcard");
    expect_diag(RULE("  sel: {A|expand: '%nope%'}\n  condition: sel\n"), SIGMA_ERROR, "unknown-placeholder", 4, "nope");
    expect_diag(RULE("  sel: {A: 1}\n  condition: sel and (\n"), SIGMA_ERROR, "condition", 5, NULL);
    expect_diag(RULE("  sel: {A: 1}\n  condition: sel or or sel\n"), SIGMA_ERROR, "condition", 5, NULL);
    expect_diag(RULE("  sel: {A: 1}\n  condition: 1 of x*\n"), SIGMA_ERROR, "condition", 5, "x*");
    expect_diag("title: t\nlogsource:\n  category: [a, b]\ndetection:\n  sel: {A: 1}\n  condition: sel\n", SIGMA_WARNING, "logsource-list", 3, NULL);
    expect_diag("title: t\nlogsource: {product: test}\ndetection:\n  sel: {A: 1}\n", SIGMA_ERROR, "condition", 3, NULL);
    expect_diag("title: t\ndetection:\n  sel: {A: 1}\n  condition: sel\n", SIGMA_ERROR, "logsource", 1, NULL);
    expect_diag(RULE("  sel:\n  condition: sel\n"), SIGMA_ERROR, "invalid-detection", 4, "sel");
    expect_diag("title: t\nlogsource: {product: test}\ndetection:\n  sel: {A: 'a\n  condition: sel\n", SIGMA_ERROR, "yaml", 4, NULL);
    expect_diag("just text\n", SIGMA_ERROR, "yaml", 0, NULL);
}

static void test_is_sigma(void **state)
{
    (void)state;
    const char *s = RULE("  sel: {A: 1}\n  condition: sel\n");
    assert_true(sigma_text_is_sigma(s, strlen(s)));
    const char *splunk = "name: x\nsearch: '| tstats count'\ntype: TTP\n";
    assert_false(sigma_text_is_sigma(splunk, strlen(splunk)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),      cmocka_unit_test(test_escapes),     cmocka_unit_test(test_modifiers),
        cmocka_unit_test(test_conditions),  cmocka_unit_test(test_collections), cmocka_unit_test(test_correlation),
        cmocka_unit_test(test_diagnostics), cmocka_unit_test(test_is_sigma),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
