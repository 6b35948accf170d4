/* sigma_str.c: Sigma strings: the specification's wildcards (* any run, ?
 * one character) and backslash escapes (\* \? \\ are literal; a backslash
 * before anything else is itself literal), rendered as a PCRE pattern or an
 * SPL search value. */
#include "sigma/sigma_int.h"
#include <stdlib.h>
#include <string.h>

void sg_str_add(sg_str *x, char c, unsigned char wild)
{
    x->s = xrealloc(x->s, x->n + 2);
    x->w = xrealloc(x->w, x->n + 1);
    x->s[x->n] = c;
    x->w[x->n] = wild;
    x->n++;
    x->s[x->n] = 0;
}

void sg_str_from_plain(sg_str *out, const char *s, size_t n)
{
    memset(out, 0, sizeof *out);
    out->s = xmalloc(n + 1);
    out->w = xcalloc(n + 1, 1);
    memcpy(out->s, s, n);
    out->s[n] = 0;
    out->n = n;
}

void sg_str_from_sigma(sg_str *out, const char *s, size_t n)
{
    memset(out, 0, sizeof *out);
    out->s = xmalloc(1);
    out->s[0] = 0;
    out->w = xmalloc(1);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\') {
            if (i + 1 < n && (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
                sg_str_add(out, s[i + 1], 0);
                i++;
            } else {
                sg_str_add(out, '\\', 0);
            }
        } else if (c == '*' || c == '?') {
            sg_str_add(out, c, (unsigned char)c);
        } else {
            sg_str_add(out, c, 0);
        }
    }
}

void sg_str_free(sg_str *x)
{
    free(x->s);
    free(x->w);
    memset(x, 0, sizeof *x);
}

void sg_str_copy(sg_str *out, const sg_str *in)
{
    out->n = in->n;
    out->s = xmalloc(in->n + 1);
    out->w = xmalloc(in->n + 1);
    if (in->n) {
        memcpy(out->s, in->s, in->n);
        memcpy(out->w, in->w, in->n);
    }
    out->s[in->n] = 0;
}

int sg_str_has(const sg_str *x, unsigned char wild)
{
    for (size_t i = 0; i < x->n; i++)
        if (x->w[i] == wild) return 1;
    return 0;
}

int sg_str_has_literal(const sg_str *x, char c)
{
    for (size_t i = 0; i < x->n; i++)
        if (!x->w[i] && x->s[i] == c) return 1;
    return 0;
}

void sg_str_regex(const sg_str *x, sbuf *out)
{
    sbuf_add(out, "^");
    for (size_t i = 0; i < x->n; i++) {
        unsigned char c = (unsigned char)x->s[i];
        if (x->w[i] == '*') {
            sbuf_add(out, ".*");
        } else if (x->w[i] == '?') {
            sbuf_add(out, ".");
        } else if (strchr("\\^$.|?*+()[]{}/-#", c) && c) {
            sbuf_addc(out, '\\');
            sbuf_addc(out, (char)c);
        } else if (c < 0x20 || c == 0x7f) {
            sbuf_printf(out, "\\x%02x", c);
        } else {
            sbuf_addc(out, (char)c);
        }
    }
    sbuf_add(out, "$");
}

void sg_str_search_value(const sg_str *x, sbuf *out)
{
    for (size_t i = 0; i < x->n; i++) sbuf_addc(out, x->s[i]);
}
