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

/* Append s[0..n) as a JSON string literal: quote and backslash escaped,
 * control characters as \u00XX, every other byte as is (the store's own
 * encoding: values are kept byte for byte, even when not UTF-8). */
void mv_json_string(sbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    sbuf_grow(b, n + 2);
    sbuf_addc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            sbuf_addc(b, '\\');
            sbuf_addc(b, (char)c);
        } else if (c < 0x20) {
            char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            sbuf_add(b, u);
        } else {
            sbuf_addc(b, (char)c);
        }
    }
    sbuf_addc(b, '"');
}

char *mv_encode(const mv_list *l, size_t *len)
{
    sbuf b = {0};
    sbuf_addc(&b, '[');
    for (size_t i = 0; i < l->n; i++) {
        if (i) sbuf_addc(&b, ',');
        mv_json_string(&b, l->v[i], l->len[i]);
    }
    sbuf_addc(&b, ']');
    if (len) *len = b.len;
    return sbuf_detach(&b);
}

static int mv_hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

static void mv_add_utf8(sbuf *b, unsigned cp)
{
    if (cp < 0x80) {
        sbuf_addc(b, (char)cp);
    } else if (cp < 0x800) {
        sbuf_addc(b, (char)(0xC0 | (cp >> 6)));
        sbuf_addc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        sbuf_addc(b, (char)(0xE0 | (cp >> 12)));
        sbuf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sbuf_addc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        sbuf_addc(b, (char)(0xF0 | (cp >> 18)));
        sbuf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        sbuf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sbuf_addc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

/* Fast path: p[0..n) as a JSON array of strings, tolerant of raw bytes
 * that are not UTF-8. Returns 1 and appends the values, or 0 (l unchanged)
 * if it is something else (numbers, nesting, bad syntax). */
static int mv_parse_strings(mv_list *l, const char *p, size_t n)
{
    size_t before = l->n, i = 0;
    sbuf b = {0};
#define MV_WS() while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) i++
    MV_WS();
    if (i >= n || p[i++] != '[') goto fail;
    MV_WS();
    if (i < n && p[i] == ']') {
        i++;
        goto end;
    }
    for (;;) {
        MV_WS();
        if (i >= n || p[i++] != '"') goto fail;
        sbuf_reset(&b);
        for (;;) {
            if (i >= n) goto fail;
            char c = p[i++];
            if (c == '"') break;
            if (c != '\\') {
                sbuf_addc(&b, c);
                continue;
            }
            if (i >= n) goto fail;
            c = p[i++];
            switch (c) {
            case '"': case '\\': case '/': sbuf_addc(&b, c); break;
            case 'b': sbuf_addc(&b, '\b'); break;
            case 'f': sbuf_addc(&b, '\f'); break;
            case 'n': sbuf_addc(&b, '\n'); break;
            case 'r': sbuf_addc(&b, '\r'); break;
            case 't': sbuf_addc(&b, '\t'); break;
            case 'u': {
                unsigned cp, lo;
                if (i + 4 > n || !mv_hex4(p + i, &cp)) goto fail;
                i += 4;
                if (cp >= 0xD800 && cp < 0xDC00 && i + 6 <= n && p[i] == '\\' && p[i + 1] == 'u' &&
                    mv_hex4(p + i + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                } else if (cp >= 0xD800 && cp < 0xE000) {
                    cp = 0xFFFD;
                }
                mv_add_utf8(&b, cp);
                break;
            }
            default:
                goto fail;
            }
        }
        mv_list_add(l, b.s ? b.s : "", b.len);
        MV_WS();
        if (i >= n) goto fail;
        if (p[i] == ',') {
            i++;
            continue;
        }
        if (p[i++] == ']') break;
        goto fail;
    }
end:
    MV_WS();
#undef MV_WS
    sbuf_free(&b);
    if (i != n) goto fail_nofree;
    return 1;
fail:
    sbuf_free(&b);
fail_nofree:
    while (l->n > before) free(l->v[--l->n]);
    return 0;
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
        if (p && n && mv_parse_strings(l, p, n)) break;
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
    if (len) *len = 0;
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

size_t mv_view_init(mv_view *w, sqlite3_value *v)
{
    memset(w, 0, sizeof *w);
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL:
        return 0;
    case SQLITE_TEXT:
    case SQLITE_INTEGER:
        w->one = (const char *)sqlite3_value_text(v);
        w->one_len = (size_t)sqlite3_value_bytes(v);
        if (!w->one) w->one = "", w->one_len = 0;
        return w->n = 1;
    case SQLITE_FLOAT:
        mv_format_number(sqlite3_value_double(v), w->num);
        w->one = w->num;
        w->one_len = strlen(w->num);
        return w->n = 1;
    default:
        mv_list_add_value(&w->list, v);
        return w->n = w->list.n;
    }
}

const char *mv_view_get(const mv_view *w, size_t i, size_t *len)
{
    assert(i < w->n);
    if (w->one) {
        *len = w->one_len;
        return w->one;
    }
    *len = w->list.len[i];
    return w->list.v[i];
}

void mv_view_free(mv_view *w)
{
    mv_list_free(&w->list);
}
