/* test_jsonscan.c: the fast JSON scanner gives exactly what the jansson path
 * gives: hand-written edge cases and lines built from random pieces. Also
 * checks that the common lines do take the fast path, and the time-real
 * formatting against the linear precision scan it replaced. */
#include "testutil.h"
#include "jsonscan.h"
#include "jsonscan_equiv.h"

#include <math.h>

static const char *const cases[] = {
    "{\"a\":1}",
    "{}",
    " { } ",
    "{\"a\":{\"b\":1,\"c\":[1,2,{\"d\":\"x\"}]}}",
    "{\"a\":[[1,2],[3,[4]]],\"e\":[],\"f\":{}}",
    "{\"\":1,\"\":{\"b\":2},\"\":[3],\"a\":{\"\":4}}",
    "{\"a\":1,\"a\":2,\"a\":{\"b\":3}}",
    "{\"n\":-0,\"m\":0.5e-3,\"o\":1E+2,\"p\":123456789012345678,\"q\":1.0,\"r\":-12.5e10}",
    "{\"big\":1234567890123456789012345}",      /* jansson: too big -> reals */
    "{\"big\":-9223372036854775809}",
    "{\"huge\":1e400}",                         /* error: overflow */
    "{\"tiny\":1e-400}",
    "{\"x\":01}", "{\"x\":1.}", "{\"x\":.5}", "{\"x\":-}", "{\"x\":+1}", "{\"x\":1e}", "{\"x\":1x}",
    "{\"t\":true,\"f\":false,\"n\":null}",
    "{\"t\":tru}", "{\"t\":truex}", "{\"t\":nulll}", "{\"t\":True}",
    "{\"s\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"}",
    "{\"s\":\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"}",
    "{\"s\":\"\\u0000\"}",                      /* error without JSON_ALLOW_NUL */
    "{\"s\":\"\\ud83d\"}", "{\"s\":\"\\ud83dx\"}", "{\"s\":\"\\ude00\"}", "{\"s\":\"\\ud83d\\u0041\"}",
    "{\"s\":\"\\x\"}", "{\"s\":\"\\u12\"}", "{\"s\":\"\\u12g4\"}",
    "{\"s\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}",
    "{\"s\":\"\xff\"}", "{\"s\":\"\xc0\xaf\"}", "{\"s\":\"\xed\xa0\x80\"}", "{\"s\":\"\xf4\x90\x80\x80\"}",
    "{\"s\":\"\xe0\x80\xaf\"}", "{\"s\":\"\xef\xbf\xbe\"}", "{\"s\":\"\xc3\"}",
    "{\"s\":\"tab\there\"}",                    /* error: control character */
    "{\"k\\u0065y\":1,\"a\\nb\":{\"c\\\"\":2}}",
    "{\"_time\":1717372800.191,\"a\":1}",
    "{\"_time\":1717372800,\"time\":5}",
    "{\"_time\":\"bad\",\"time\":\"2024-06-03T00:00:00Z\",\"timestamp\":1}",
    "{\"timestamp\":\"1717372800.5\"}",
    "{\"time\":1717372800123}",
    "{\"time\":1e9}", "{\"time\":-0}", "{\"time\":[1]}", "{\"time\":{\"a\":1}}", "{\"time\":true}",
    "{\"_time\":1,\"_time\":2}",
    "{\"_time\":{\"a\":[1,2]},\"b\":{\"_time\":3}}",
    "{\"\\u005ftime\":1717372800}",
    "{\"event\":{\"a\":1},\"host\":\"h\"}",
    "{\"event\":\"x\",\"other\":1}",
    "{\"a\":1,}", "{\"a\":1 \"b\":2}", "{\"a\" 1}", "{a:1}", "{\"a\":[1,]}", "{\"a\":[1 2]}",
    "{\"a\":1} x", "{\"a\":1}{}", "{\"a\":1}\t ", "[1,2]", "\"s\"", "1", "null", "{", "{\"a\"", "{\"a\":",
    "{\"a\":\"unterminated}", "{\"a\":1}\f", "\f{\"a\":1}", "{\"a\"\f:1}",
    "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
    "{\"a\":1}\r",
    "\xef\xbb\xbf{\"bom\":1}",
    "{\"a\":1}\n\n  \n{\"b\":\"x\"}\n{bad}\n{\"c\":[true,null]}\n",
    "{\"a\":\"\x00\"}",
    "",
};

static void check(const char *data, size_t len, const char *what)
{
    sbuf a = {0}, b = {0};
    if (je_compare(data, len, &a, &b)) {
        fprintf(stderr, "%s differs:\n%.*s\n--- fast:\n%s\n--- jansson:\n%s\n", what, (int)len, data,
                a.s ? a.s : "", b.s ? b.s : "");
        fail();
    }
    sbuf_free(&a);
    sbuf_free(&b);
}

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char what[32];
        snprintf(what, sizeof what, "case %zu", i);
        check(cases[i], strlen(cases[i]), what);
    }
    /* an embedded NUL byte */
    static const char nul[] = "{\"a\":\"x\0y\"}";
    check(nul, sizeof nul - 1, "NUL byte");
}

/* Random lines from a small grammar with valid and broken pieces. */
static unsigned g_seed = 12345;
static unsigned rnd(unsigned n)
{
    g_seed = g_seed * 1103515245u + 12345u;
    return (g_seed >> 16) % n;
}

static const char *const keys[] = {"a", "b", "_time", "time", "timestamp", "", "k.x", "a\\u00e9", "event", "x y"};
static const char *const scalars[] = {
    "1", "-0", "0.25", "1e3", "1717372800", "1717372800.125", "12345678901234567890", "true", "false", "null",
    "\"s\"", "\"\"", "\"2024-06-03T00:00:00Z\"", "\"1717372800\"", "\"a\\tb\\u00e9\"", "\"\\ud83d\\ude00\"",
    "\"caf\xc3\xa9\"", "1e999", "01", "\"\\u0000\"", "tru", "\"\xff\"",
};

static void gen_value(sbuf *b, int depth);

static void gen_object(sbuf *b, int depth)
{
    unsigned n = rnd(4);
    sbuf_addc(b, '{');
    for (unsigned i = 0; i < n; i++) {
        if (i) sbuf_add(b, rnd(20) ? "," : ", ");
        sbuf_printf(b, "\"%s\"%s", keys[rnd(sizeof keys / sizeof keys[0])], rnd(10) ? ":" : " : ");
        gen_value(b, depth + 1);
    }
    sbuf_addc(b, '}');
}

static void gen_value(sbuf *b, int depth)
{
    unsigned r = rnd(10);
    if (depth < 4 && r == 0) {
        gen_object(b, depth);
    } else if (depth < 4 && r == 1) {
        unsigned n = rnd(4);
        sbuf_addc(b, '[');
        for (unsigned i = 0; i < n; i++) {
            if (i) sbuf_addc(b, ',');
            gen_value(b, depth + 1);
        }
        sbuf_addc(b, ']');
    } else {
        sbuf_add(b, scalars[rnd(sizeof scalars / sizeof scalars[0])]);
    }
}

static void test_generated(void **state)
{
    (void)state;
    for (int k = 0; k < 3000; k++) {
        sbuf b = {0};
        for (int l = 0; l < 5; l++) {
            gen_object(&b, 0);
            if (rnd(30) == 0) sbuf_add(&b, " x");
            sbuf_addc(&b, '\n');
        }
        check(b.s, b.len, "generated input");
        sbuf_free(&b);
    }
}

/* Ordinary lines must not fall back (the speed-up depends on it). */
static void test_fast_path_taken(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "{\"_time\":1717372800.191,\"host\":\"h\",\"EventID\":\"11\",\"n\":[1,2],\"o\":{\"p\":null}}",
        "{\"s\":\"\\u00e9\\n\",\"b\":true,\"f\":-1.5e3}",
    };
    event ev;
    sbuf path = {0}, value = {0};
    event_init(&ev);
    for (size_t i = 0; i < 2; i++) {
        event_reset(&ev);
        assert_int_equal(jsonscan_plain(&ev, &path, &value, ok[i], strlen(ok[i])), JSONSCAN_OK);
    }
    assert_true(ev.nfields == 3);
    assert_string_equal(event_get(&ev, "s"), "\xc3\xa9\n");
    event_free(&ev);
    sbuf_free(&path);
    sbuf_free(&value);
}

/* jsonscan_format_real() searches the shortest precision; compare it with
 * the plain upward scan it replaced on many doubles. */
static void ref_format_real(double d, char *buf, size_t n)
{
    if (d == floor(d) && fabs(d) < 9007199254740992.0) {
        snprintf(buf, n, "%.0f", d);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, d);
        if (strtod(buf, NULL) == d) return;
    }
}

static void test_format_real(void **state)
{
    (void)state;
    unsigned long long x = 88172645463325252ULL;
    for (long k = 0; k < 200000; k++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double d;
        if (k % 3 == 0) {
            memcpy(&d, &x, sizeof d);
            if (!isfinite(d)) continue;
        } else if (k % 3 == 1) {
            d = 1.7e9 + (double)(x % 100000000) / 1000.0;
        } else {
            d = ldexp(x & 1 ? 1.0 : -1.0, (int)(x % 2000) - 1000);
        }
        char a[64], b[64];
        ref_format_real(d, a, sizeof a);
        jsonscan_format_real(d, b, sizeof b);
        assert_string_equal(a, b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_generated),
        cmocka_unit_test(test_fast_path_taken),
        cmocka_unit_test(test_format_real),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
