/* sigma_transform.c: the value-transforming modifiers: wide/utf16le/utf16be/
 * utf16 (UTF-8 text re-encoded, wildcards kept), base64 and base64offset
 * (the three encodings of a value at offsets 0, 1 and 2, trimmed of the
 * characters that depend on its neighbours, as pySigma does), and windash
 * (every dash or slash that starts a word, as -, /, en dash, em dash and
 * horizontal bar). A list of values goes in, a list comes out. */
#include "sigma/sigma_int.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Decode one UTF-8 sequence at s[i]; invalid bytes are taken as Latin-1. */
static unsigned sg_utf8(const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned c = u[*i];
    int extra = c >= 0xf0 && c < 0xf8 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    if (c < 0x80 || !extra) {
        (*i)++;
        return c;
    }
    unsigned cp = c & (0x3f >> extra);
    for (int k = 1; k <= extra; k++) {
        if (*i + (size_t)k >= n || (u[*i + (size_t)k] & 0xc0) != 0x80) {
            (*i)++;
            return c;
        }
        cp = (cp << 6) | (u[*i + (size_t)k] & 0x3f);
    }
    *i += (size_t)extra + 1;
    return cp;
}

/* wide / utf16le / utf16be / utf16 (little endian with a byte order mark). */
int sg_transform_utf16(const char *mod, const sg_str *in, sg_str *out)
{
    int be = !strcmp(mod, "utf16be");
    memset(out, 0, sizeof *out);
    out->s = xcalloc(1, 1);
    out->w = xmalloc(1);
    if (!strcmp(mod, "utf16")) {
        sg_str_add(out, (char)0xff, 0);
        sg_str_add(out, (char)0xfe, 0);
    }
    size_t i = 0;
    while (i < in->n) {
        if (in->w[i]) {
            sg_str_add(out, in->s[i], in->w[i]);
            i++;
            continue;
        }
        size_t j = i;
        while (j < in->n && !in->w[j]) j++;
        size_t k = i;
        while (k < j) {
            unsigned cp = sg_utf8(in->s, j, &k);
            unsigned units[2];
            int nu = 1;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                units[0] = 0xd800 | (cp >> 10);
                units[1] = 0xdc00 | (cp & 0x3ff);
                nu = 2;
            } else {
                units[0] = cp;
            }
            for (int u = 0; u < nu; u++) {
                char lo = (char)(units[u] & 0xff), hi = (char)(units[u] >> 8);
                sg_str_add(out, be ? hi : lo, 0);
                sg_str_add(out, be ? lo : hi, 0);
            }
        }
        i = j;
    }
    return 0;
}

static const char sg_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *sg_base64(const unsigned char *p, size_t n, size_t *outlen)
{
    char *o = xmalloc(4 * ((n + 2) / 3) + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        o[k++] = sg_b64[(v >> 18) & 63];
        o[k++] = sg_b64[(v >> 12) & 63];
        o[k++] = i + 1 < n ? sg_b64[(v >> 6) & 63] : '=';
        o[k++] = i + 2 < n ? sg_b64[v & 63] : '=';
    }
    o[k] = 0;
    *outlen = k;
    return o;
}

/* base64 of a value (no wildcards allowed), or the three offset variants. */
int sg_transform_base64(int offset, const sg_str *in, sg_str *outs, size_t *nout, char **why)
{
    if (sg_str_has(in, '*') || sg_str_has(in, '?')) {
        *why = xstrdup("a value with wildcards cannot be base64-encoded");
        return -1;
    }
    if (!offset) {
        size_t n;
        char *b = sg_base64((const unsigned char *)in->s, in->n, &n);
        sg_str_from_plain(&outs[0], b, n);
        free(b);
        *nout = 1;
        return 0;
    }
    /* pySigma: for i in 0..2: b64encode(i*" " + value)[start[i] : end[(len+i)%3]] */
    static const int start[3] = {0, 2, 3};
    static const int end[3] = {0, -3, -2}; /* 0: to the end */
    for (int i = 0; i < 3; i++) {
        unsigned char *buf = xmalloc(in->n + 3);
        memset(buf, ' ', (size_t)i);
        memcpy(buf + i, in->s, in->n);
        size_t n;
        char *b = sg_base64(buf, in->n + (size_t)i, &n);
        free(buf);
        long from = start[i], to = (long)n + end[(in->n + (size_t)i) % 3];
        if (end[(in->n + (size_t)i) % 3] == 0) to = (long)n;
        if (to < from) to = from;
        sg_str_from_plain(&outs[i], b + from, (size_t)(to - from));
        free(b);
    }
    *nout = 3;
    return 0;
}

static int sg_isword(unsigned char c) { return isalnum(c) || c == '_' || c >= 0x80; }

/* windash: positions of '-' or '/' that start a word (regex \B[-/]\b). */
int sg_transform_windash(const sg_str *in, sg_str **outs, size_t *nout, char **why)
{
    static const char *const dash[5] = {"-", "/", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95"};
    size_t pos[16], np = 0;
    for (size_t i = 0; i < in->n; i++) {
        if (in->w[i] || (in->s[i] != '-' && in->s[i] != '/')) continue;
        int prev_word = i > 0 && !in->w[i - 1] && sg_isword((unsigned char)in->s[i - 1]);
        int next_word = i + 1 < in->n && !in->w[i + 1] && sg_isword((unsigned char)in->s[i + 1]);
        if (prev_word || !next_word) continue;
        if (np == 5) {
            *why = xstrdup("windash: more than 5 dashes in one value (5^n variants)");
            return -1;
        }
        pos[np++] = i;
    }
    size_t total = 1;
    for (size_t k = 0; k < np; k++) total *= 5;
    *outs = xcalloc(total, sizeof **outs);
    for (size_t v = 0; v < total; v++) {
        sg_str *o = &(*outs)[v];
        o->s = xcalloc(1, 1);
        o->w = xmalloc(1);
        size_t code = v, k = 0;
        for (size_t i = 0; i < in->n; i++) {
            if (k < np && pos[k] == i) {
                const char *d = dash[code % 5];
                code /= 5;
                k++;
                for (const char *c = d; *c; c++) sg_str_add(o, *c, 0);
            } else {
                sg_str_add(o, in->s[i], in->w[i]);
            }
        }
    }
    *nout = total;
    return 0;
}
