/* mv.c: reading and building multivalue values (BLOB = JSON array of
 * strings) for the SQL functions and the translator; see mv.h. */
#include "mv.h"

#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void mv_list_add(mv_list *l, const char *s, size_t n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
        l->len = xrealloc(l->len, l->cap * sizeof *l->len);
    }
    l->v[l->n] = xstrndup(s ? s : "", s ? n : 0);
    l->len[l->n] = s ? n : 0;
    l->n++;
}

void mv_list_add_number(mv_list *l, double d)
{
    char buf[MV_NUMBUF];
    mv_format_number(d, buf);
    mv_list_add(l, buf, strlen(buf));
}

void mv_list_clear(mv_list *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    l->n = 0;
}

void mv_list_free(mv_list *l)
{
    mv_list_clear(l);
    free(l->v);
    free(l->len);
    l->v = NULL;
    l->len = NULL;
    l->cap = 0;
}

char *mv_format_number(double d, char *buf)
{
    if (isnan(d)) {
        strcpy(buf, "nan");
        return buf;
    }
    if (isinf(d)) {
        strcpy(buf, d < 0 ? "-inf" : "inf");
        return buf;
    }
    if (d == floor(d) && fabs(d) < 1e15) {
        snprintf(buf, MV_NUMBUF, "%.0f", d);
        if (strcmp(buf, "-0") == 0) strcpy(buf, "0");
        return buf;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, MV_NUMBUF, "%.*g", prec, d);
        if (strtod(buf, NULL) == d) break;
    }
    return buf;
}

static void mv_add_json(mv_list *l, json_t *e)
{
    if (json_is_string(e)) {
        mv_list_add(l, json_string_value(e), json_string_length(e));
    } else if (json_is_integer(e)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(e));
        mv_list_add(l, buf, strlen(buf));
    } else if (json_is_real(e)) {
        mv_list_add_number(l, json_real_value(e));
    } else if (json_is_null(e)) {
        /* a null element is no value */
    } else {
        char *s = json_dumps(e, JSON_COMPACT | JSON_ENCODE_ANY);
        if (s) mv_list_add(l, s, strlen(s));
        free(s);
    }
}

size_t mv_list_add_value(mv_list *l, sqlite3_value *v)
{
    size_t before = l->n;
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL:
        break;
    case SQLITE_BLOB: {
        const char *p = sqlite3_value_blob(v);
        size_t n = (size_t)sqlite3_value_bytes(v);
        json_t *j = (p && n) ? json_loadb(p, n, JSON_ALLOW_NUL | JSON_DECODE_ANY, NULL) : NULL;
        if (j && json_is_array(j)) {
            size_t i;
            json_t *e;
            json_array_foreach(j, i, e) mv_add_json(l, e);
        } else {
            mv_list_add(l, p, n);
        }
        json_decref(j);
        break;
    }
    case SQLITE_FLOAT:
        mv_list_add_number(l, sqlite3_value_double(v));
        break;
    default: {
        const char *t = (const char *)sqlite3_value_text(v);
        mv_list_add(l, t, (size_t)sqlite3_value_bytes(v));
        break;
    }
    }
    return l->n - before;
}

size_t mv_list_from_value(mv_list *l, sqlite3_value *v)
{
    mv_list_clear(l);
    return mv_list_add_value(l, v);
}

int mv_is_mv(sqlite3_value *v)
{
    return sqlite3_value_type(v) == SQLITE_BLOB;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if invalid. */
static size_t mv_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t k;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) k = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) k = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) k = 4, min = 0x10000;
    else return 0;
    if (n < k) return 0;
    unsigned cp = c & (0x3F >> (k - 1));
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return k;
}

void mv_utf8_sanitize(sbuf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t k = mv_utf8_seq(p + i, n - i);
        if (k) {
            sbuf_addn(out, s + i, k);
            i += k;
        } else {
            sbuf_add(out, "\xEF\xBF\xBD");
            i++;
        }
    }
}

char *mv_encode(const mv_list *l, size_t *len)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++) {
        json_t *e = json_stringn(l->v[i], l->len[i]);
        if (!e) { /* not UTF-8: keep the valid parts, U+FFFD for the rest */
            sbuf b = {0};
            mv_utf8_sanitize(&b, l->v[i], l->len[i]);
            e = json_stringn(b.s ? b.s : "", b.len);
            sbuf_free(&b);
        }
        assert(e);
        json_array_append_new(a, e);
    }
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    assert(s);
    if (len) *len = strlen(s);
    return s;
}

void mv_result_blob(sqlite3_context *ctx, const mv_list *l)
{
    if (l->n == 0) {
        sqlite3_result_null(ctx);
        return;
    }
    size_t n;
    char *s = mv_encode(l, &n);
    sqlite3_result_blob64(ctx, s, n, free);
}

void mv_result(sqlite3_context *ctx, const mv_list *l)
{
    if (l->n == 0)
        sqlite3_result_null(ctx);
    else if (l->n == 1)
        sqlite3_result_text64(ctx, l->v[0], l->len[0], SQLITE_TRANSIENT, SQLITE_UTF8);
    else
        mv_result_blob(ctx, l);
}

char *mv_first(sqlite3_value *v, size_t *len)
{
    int t = sqlite3_value_type(v);
    if (t == SQLITE_NULL) return NULL;
    if (t == SQLITE_TEXT || t == SQLITE_INTEGER) {
        const char *s = (const char *)sqlite3_value_text(v);
        size_t n = (size_t)sqlite3_value_bytes(v);
        if (len) *len = n;
        return xstrndup(s ? s : "", s ? n : 0);
    }
    mv_list l = {0};
    mv_list_add_value(&l, v);
    char *r = NULL;
    if (l.n) {
        r = l.v[0];
        if (len) *len = l.len[0];
        l.v[0] = xstrdup("");
    }
    mv_list_free(&l);
    return r;
}
