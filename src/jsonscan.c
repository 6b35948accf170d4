/* jsonscan.c: the strict single-pass scanner for plain JSON-object lines
 * (see jsonscan.h). It mirrors the flattening of ingest_json.c's json_walk
 * while validating, and gives up (JSONSCAN_UNSUPPORTED) on anything it does
 * not handle exactly like jansson + json_walk. */
#include "jsonscan.h"

#include "reader_util.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSONSCAN_MAX_DEPTH 64

typedef struct jscan {
    const char *s;
    size_t n, i;
    event *ev;
    sbuf *path, *value;
} jscan;

void jsonscan_format_real(double d, char *buf, size_t n)
{
    if (d == floor(d) && fabs(d) < 9007199254740992.0) {
        snprintf(buf, n, "%.0f", d);
        return;
    }
    /* The smallest precision that reads back as d. Unless d is a power of
     * two, the values that read back as d lie symmetrically around it, and
     * the nearest p+1-digit decimal is no farther than the nearest p-digit
     * one, so "reads back" is monotonic in p: search it (%.17g always reads
     * back). A power of two has a narrower interval below: scan upwards. */
    int ex, lo = 1, hi = 17;
    if (frexp(d, &ex) == 0.5 || frexp(d, &ex) == -0.5) {
        for (lo = 1; lo < 17; lo++) {
            snprintf(buf, n, "%.*g", lo, d);
            if (strtod(buf, NULL) == d) return;
        }
    }
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(buf, n, "%.*g", mid, d);
        if (strtod(buf, NULL) == d)
            hi = mid;
        else
            lo = mid + 1;
    }
    snprintf(buf, n, "%.*g", lo, d);
}

static void js_ws(jscan *j)
{
    while (j->i < j->n) {
        char c = j->s[j->i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
        j->i++;
    }
}

static int js_hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static void js_put_utf8(sbuf *out, unsigned cp)
{
    char b[4];
    size_t k;
    if (cp < 0x80) {
        b[0] = (char)cp, k = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6)), b[1] = (char)(0x80 | (cp & 0x3F)), k = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12)), b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F)), k = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18)), b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[3] = (char)(0x80 | (cp & 0x3F)), k = 4;
    }
    sbuf_addn(out, b, k);
}

/* Length of the well-formed UTF-8 sequence (RFC 3629) at p[0..n), or 0. */
static size_t js_utf8_len(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t k;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        k = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        k = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        k = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else
        return 0;
    if (n < k || p[1] < lo || p[1] > hi) return 0;
    for (size_t m = 2; m < k; m++)
        if (p[m] < 0x80 || p[m] > 0xBF) return 0;
    return k;
}

/* Index of the first '"', '\\' or control byte at or after i (n if none),
 * checking the UTF-8 on the way; (size_t)-1 on malformed UTF-8. */
static size_t js_run(const unsigned char *s, size_t i, size_t n)
{
    for (;;) {
        while (i + 4 <= n && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\' && s[i + 1] >= 0x20 &&
               s[i + 1] < 0x80 && s[i + 1] != '"' && s[i + 1] != '\\')
            i += 2;
        if (i >= n) return n;
        unsigned c = s[i];
        if (c == '"' || c == '\\' || c < 0x20) return i;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k = js_utf8_len(s + i, n - i);
        if (!k) return (size_t)-1;
        i += k;
    }
}

/* s[i] is '"'. Validate the string token; if out is set, append its decoded
 * text to it (or, when the token has no escapes and raw is set, give its
 * bytes in raw and rawlen without copying). Returns -1 if unsupported. */
static int js_string(jscan *j, sbuf *out, const char **raw, size_t *rawlen)
{
    const unsigned char *s = (const unsigned char *)j->s;
    size_t i = j->i + 1, n = j->n, start = i;
    /* fast run over plain bytes */
    i = js_run(s, i, n);
    if (i >= n) return -1;
    if (s[i] == '"') {
        if (raw) {
            *raw = j->s + start;
            *rawlen = i - start;
        } else if (out) {
            sbuf_addn(out, j->s + start, i - start);
        }
        j->i = i + 1;
        return 0;
    }
    if (s[i] < 0x20) return -1;
    /* escapes: decode into out (or into value scratch when raw wanted) */
    sbuf *dst = out;
    if (raw) {
        dst = j->value;
        sbuf_reset(dst);
    }
    if (dst) sbuf_addn(dst, j->s + start, i - start);
    while (i < n) {
        unsigned c = s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            size_t run = i;
            i = js_run(s, i, n);
            if (i >= n) return -1;
            if (dst) sbuf_addn(dst, j->s + run, i - run);
            continue;
        }
        if (c == '"') {
            j->i = i + 1;
            if (raw) {
                *raw = dst->s ? dst->s : "";
                *rawlen = dst->len;
            }
            return 0;
        }
        if (c < 0x20) return -1;
        assert(c == '\\');
        if (i + 1 >= n) return -1;
        char e = (char)s[i + 1], d;
        switch (e) {
        case '"': d = '"'; break;
        case '\\': d = '\\'; break;
        case '/': d = '/'; break;
        case 'b': d = '\b'; break;
        case 'f': d = '\f'; break;
        case 'n': d = '\n'; break;
        case 'r': d = '\r'; break;
        case 't': d = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (i + 6 > n || js_hex4(j->s + i + 2, &cp)) return -1;
            i += 6;
            if (cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return -1;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u' || js_hex4(j->s + i + 2, &lo)) return -1;
                if (lo < 0xDC00 || lo > 0xDFFF) return -1;
                i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            if (dst) js_put_utf8(dst, cp);
            continue;
        }
        default: return -1;
        }
        if (dst) sbuf_addc(dst, d);
        i += 2;
    }
    return -1;
}

/* s[i] starts a number: validate it (RFC 8259 grammar), move past it. */
static int js_number(jscan *j)
{
    const char *s = j->s;
    size_t i = j->i, n = j->n, b = i;
    int real = 0, expo = 0;
    if (i < n && s[i] == '-') i++;
    if (i >= n) return -1;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    } else
        return -1;
    size_t intdigits = i - b - (s[b] == '-');
    if (i < n && s[i] == '.') {
        real = 1;
        i++;
        if (i >= n || s[i] < '0' || s[i] > '9') return -1;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        real = expo = 1;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (i >= n || s[i] < '0' || s[i] > '9') return -1;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    }
    /* integers jansson may find too big; huge reals that may overflow */
    if (!real && intdigits > 18) return -1;
    if (i - b > 300) return -1;
    if (expo) {
        char buf[320];
        memcpy(buf, s + b, i - b);
        buf[i - b] = 0;
        double d = strtod(buf, NULL);
        if (d == HUGE_VAL || d == -HUGE_VAL) return -1;
    }
    j->i = i;
    return 0;
}

static int js_literal(jscan *j, const char *word, size_t wl)
{
    if (j->n - j->i < wl || memcmp(j->s + j->i, word, wl)) return -1;
    j->i += wl;
    return 0;
}

/* After a scalar: the next byte must end the token (as jansson's lexer
 * would read it); anything else is left to jansson. */
static int js_delim(jscan *j)
{
    if (j->i >= j->n) return 0;
    char c = j->s[j->i];
    return (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n') ? 0 : -1;
}

static void js_truncate(sbuf *path, size_t len)
{
    path->len = len;
    if (path->s) path->s[len] = 0;
}

/* The value at s[i] under the name in path (as json_walk: arrays add "{}",
 * members join with '.'); emit = 0 validates only. */
static int js_value(jscan *j, int depth, int emit)
{
    if (depth > JSONSCAN_MAX_DEPTH) return -1;
    sbuf *path = j->path;
    js_ws(j);
    if (j->i >= j->n) return -1;
    char c = j->s[j->i];
    if (c == '{' || c == '[') {
        size_t keep = path->len;
        if (c == '[' && emit) sbuf_add(path, "{}");
        size_t inner = path->len;
        char close = c == '{' ? '}' : ']';
        j->i++;
        js_ws(j);
        if (j->i < j->n && j->s[j->i] == close) {
            j->i++;
            js_truncate(path, keep);
            return 0;
        }
        for (;;) {
            if (c == '{') {
                js_ws(j);
                if (j->i >= j->n || j->s[j->i] != '"') return -1;
                if (emit && inner) sbuf_addc(path, '.');
                if (js_string(j, emit ? path : NULL, NULL, NULL)) return -1;
                js_ws(j);
                if (j->i >= j->n || j->s[j->i] != ':') return -1;
                j->i++;
            }
            if (js_value(j, depth + 1, emit)) return -1;
            js_truncate(path, inner);
            js_ws(j);
            if (j->i >= j->n) return -1;
            if (j->s[j->i] == ',') {
                j->i++;
                continue;
            }
            if (j->s[j->i] != close) return -1;
            j->i++;
            break;
        }
        js_truncate(path, keep);
        return 0;
    }
    size_t b = j->i;
    const char *v = NULL;
    size_t vl = 0;
    if (c == '"') {
        if (js_string(j, NULL, emit ? &v : NULL, &vl)) return -1;
    } else {
        int r;
        if (c == 't')
            r = js_literal(j, "true", 4);
        else if (c == 'f')
            r = js_literal(j, "false", 5);
        else if (c == 'n')
            r = js_literal(j, "null", 4);
        else
            r = js_number(j);
        if (r || js_delim(j)) return -1;
        v = j->s + b, vl = j->i - b;
    }
    if (emit && path->len) event_add(j->ev, path->s, path->len, v, vl);
    return 0;
}

/* Time from the top-level value s[b..e) as json_time_value(v, 1, out). */
static int js_time(jscan *j, size_t b, size_t e, double *out)
{
    const char *s = j->s;
    if (s[b] == '"') {
        jscan t = *j;
        t.i = b;
        sbuf_reset(j->value);
        if (js_string(&t, j->value, NULL, NULL)) return -1;
        return reader_time_from_text(j->value->s ? j->value->s : "", j->value->len, out);
    }
    if (s[b] != '-' && (s[b] < '0' || s[b] > '9')) return -1;
    char buf[320], txt[64];
    assert(e - b < sizeof buf);
    memcpy(buf, s + b, e - b);
    buf[e - b] = 0;
    if (strpbrk(buf, ".eE")) {
        jsonscan_format_real(strtod(buf, NULL), txt, sizeof txt);
    } else {
        snprintf(txt, sizeof txt, "%lld", strtoll(buf, NULL, 10));
    }
    return reader_time_from_text(txt, strlen(txt), out);
}

int jsonscan_plain(event *ev, sbuf *path, sbuf *value, const char *line, size_t len)
{
    jscan j = {.s = line, .n = len, .i = 0, .ev = ev, .path = path, .value = value};
    static const char *const time_keys[] = {"_time", "time", "timestamp"};
    size_t tb[3] = {0}, te[3] = {0};
    int seen[3] = {0};
    js_ws(&j);
    if (j.i >= j.n || line[j.i] != '{') return JSONSCAN_UNSUPPORTED;
    j.i++;
    js_ws(&j);
    if (j.i < j.n && line[j.i] == '}') {
        j.i++;
    } else {
        for (;;) {
            js_ws(&j);
            if (j.i >= j.n || line[j.i] != '"') return JSONSCAN_UNSUPPORTED;
            sbuf_reset(path);
            if (js_string(&j, path, NULL, NULL)) return JSONSCAN_UNSUPPORTED;
            const char *key = path->s ? path->s : "";
            if (!strcmp(key, "event") && path->len == 5) return JSONSCAN_UNSUPPORTED; /* HEC? */
            int tk = -1;
            for (int k = 0; k < 3; k++)
                if (path->len == strlen(time_keys[k]) && !memcmp(key, time_keys[k], path->len)) tk = k;
            js_ws(&j);
            if (j.i >= j.n || line[j.i] != ':') return JSONSCAN_UNSUPPORTED;
            j.i++;
            js_ws(&j);
            size_t vb = j.i;
            if (js_value(&j, 1, tk != 0)) return JSONSCAN_UNSUPPORTED;
            if (tk >= 0) seen[tk] = 1, tb[tk] = vb, te[tk] = j.i; /* jansson keeps the last */
            js_ws(&j);
            if (j.i >= j.n) return JSONSCAN_UNSUPPORTED;
            if (line[j.i] == ',') {
                j.i++;
                continue;
            }
            if (line[j.i] != '}') return JSONSCAN_UNSUPPORTED;
            j.i++;
            break;
        }
    }
    js_ws(&j);
    if (j.i != j.n) return JSONSCAN_UNSUPPORTED;
    sbuf_reset(path);
    for (int k = 0; k < 3 && !ev->has_time; k++)
        if (seen[k] && js_time(&j, tb[k], te[k], &ev->time) == 0) ev->has_time = 1;
    ev->raw = line;
    ev->raw_len = len;
    return JSONSCAN_OK;
}
