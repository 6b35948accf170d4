/* spl_lex.c: the SPL lexer. Two modes: search mode (terms, field=value,
 * quoted strings, comparison operators, parentheses, AND/OR/NOT/IN; also used
 * for command arguments) and eval mode (field names incl. dotted and
 * 'quoted' ones, numbers, strings, arithmetic/comparison operators and
 * keywords). Tokens point into the query text and carry their offset. */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

static void push(spl_toks *t, int type, const char *s, size_t n, size_t off)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->v = xrealloc(t->v, sizeof *t->v * (size_t)t->cap);
    }
    t->v[t->n].type = type;
    t->v[t->n].s = s;
    t->v[t->n].n = n;
    t->v[t->n].off = off;
    t->n++;
}

void spl_toks_free(spl_toks *t)
{
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

static int lex_error(spl_error *err, size_t off, const char *msg)
{
    spl_error_clear(err);
    err->msg = xstrdup(msg);
    err->off = off;
    err->has_pos = 1;
    err->syntax = 1;
    return -1;
}

/* Length of a quoted string starting at s[0] == q, or 0 if unterminated. */
static size_t quoted_len(const char *s, size_t n, char q)
{
    size_t i = 1;
    while (i < n) {
        if (s[i] == '\\' && i + 1 < n) { i += 2; continue; }
        if (s[i] == q) return i + 1;
        i++;
    }
    return 0;
}

static int is_word_kw(const char *s, size_t n, const char *kw)
{
    return strlen(kw) == n && !memcmp(s, kw, n);
}

static int is_kw_ci(const char *s, size_t n, const char *kw)
{
    return strlen(kw) == n && !strncasecmp(s, kw, n);
}

static int search_stop(const char *s, size_t i, size_t n)
{
    char c = s[i];
    if (isspace((unsigned char)c)) return 1;
    if (strchr("()=,\"|[]<>", c)) return 1;
    if (c == '!' && i + 1 < n && s[i + 1] == '=') return 1;
    return 0;
}

static int lex_search(const char *s, size_t n, size_t base, spl_toks *out, spl_error *err)
{
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (isspace((unsigned char)c)) { i++; continue; }
        size_t off = base + i;
        switch (c) {
        case '(': push(out, TK_LP, s + i, 1, off); i++; continue;
        case ')': push(out, TK_RP, s + i, 1, off); i++; continue;
        case ',': push(out, TK_COMMA, s + i, 1, off); i++; continue;
        case '|': push(out, TK_PIPE, s + i, 1, off); i++; continue;
        case '[': push(out, TK_LBRACKET, s + i, 1, off); i++; continue;
        case ']': push(out, TK_RBRACKET, s + i, 1, off); i++; continue;
        case '=':
            if (i + 1 < n && s[i + 1] == '=') { push(out, TK_EQ, s + i, 2, off); i += 2; }
            else { push(out, TK_EQ, s + i, 1, off); i++; }
            continue;
        case '!': /* only reached for "!=" */
            push(out, TK_NE, s + i, 2, off); i += 2; continue;
        case '<': case '>':
            if (i + 1 < n && s[i + 1] == '=') {
                push(out, c == '<' ? TK_LE : TK_GE, s + i, 2, off); i += 2;
            } else {
                push(out, c == '<' ? TK_LT : TK_GT, s + i, 1, off); i++;
            }
            continue;
        case '"': {
            size_t q = quoted_len(s + i, n - i, '"');
            if (!q) return lex_error(err, off, "unterminated quoted string");
            push(out, TK_STRING, s + i, q, off);
            i += q;
            continue;
        }
        default: break;
        }
        size_t j = i;
        /* TERM(...) and CASE(...) directives are one word */
        if (n - i > 5 && (!strncmp(s + i, "TERM(", 5) || !strncmp(s + i, "CASE(", 5))) {
            size_t k = i + 5;
            while (k < n && s[k] != ')') k += (s[k] == '\\' && k + 1 < n) ? 2 : 1;
            if (k >= n) return lex_error(err, off, "missing ')' after TERM( or CASE(");
            push(out, TK_WORD, s + i, k + 1 - i, off);
            i = k + 1;
            continue;
        }
        /* an empty "()" inside a word is part of it (x=*GetCurrent()*);
         * elsewhere it would be an empty group, a syntax error */
        while (j < n) {
            if (j > i && s[j] == '(' && j + 1 < n && s[j + 1] == ')') { j += 2; continue; }
            if (search_stop(s, j, n)) break;
            if (s[j] == '\\' && j + 1 < n) j += 2;
            else j++;
        }
        if (j > n) j = n;
        assert(j > i);
        const char *w = s + i;
        size_t wn = j - i;
        int type = TK_WORD;
        if (is_word_kw(w, wn, "AND")) type = TK_AND;
        else if (is_word_kw(w, wn, "OR")) type = TK_OR;
        else if (is_word_kw(w, wn, "NOT")) type = TK_NOT;
        else if (is_word_kw(w, wn, "IN")) type = TK_IN;
        push(out, type, w, wn, off);
        i = j;
    }
    return 0;
}

static int ident_start(char c) { return isalpha((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80; }
static int ident_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '{' || c == '}' || (unsigned char)c >= 0x80; }

static int lex_eval(const char *s, size_t n, size_t base, spl_toks *out, spl_error *err)
{
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (isspace((unsigned char)c)) { i++; continue; }
        size_t off = base + i;
        char d = i + 1 < n ? s[i + 1] : 0;
        if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)d))) {
            size_t j = i;
            while (j < n && isdigit((unsigned char)s[j])) j++;
            if (j < n && s[j] == '.') { j++; while (j < n && isdigit((unsigned char)s[j])) j++; }
            if (j < n && (s[j] == 'e' || s[j] == 'E')) {
                size_t k = j + 1;
                if (k < n && (s[k] == '+' || s[k] == '-')) k++;
                if (k < n && isdigit((unsigned char)s[k])) {
                    while (k < n && isdigit((unsigned char)s[k])) k++;
                    j = k;
                }
            }
            if (j < n && ident_start(s[j]))
                return lex_error(err, base + j, "unexpected character after number");
            push(out, TK_NUMBER, s + i, j - i, off);
            i = j;
            continue;
        }
        if (ident_start(c)) {
            size_t j = i;
            while (j < n && ident_char(s[j])) j++;
            while (j + 1 < n && s[j] == '.' && ident_char(s[j + 1])) {
                j++;
                while (j < n && ident_char(s[j])) j++;
            }
            const char *w = s + i;
            size_t wn = j - i;
            int type = TK_IDENT;
            if (is_kw_ci(w, wn, "AND")) type = TK_AND;
            else if (is_kw_ci(w, wn, "OR")) type = TK_OR;
            else if (is_kw_ci(w, wn, "NOT")) type = TK_NOT;
            else if (is_kw_ci(w, wn, "XOR")) type = TK_XOR;
            else if (is_kw_ci(w, wn, "LIKE")) type = TK_LIKE;
            else if (is_kw_ci(w, wn, "IN")) type = TK_IN;
            push(out, type, w, wn, off);
            i = j;
            continue;
        }
        if (c == '"' || c == '\'') {
            size_t q = quoted_len(s + i, n - i, c);
            if (!q) return lex_error(err, off, c == '"' ? "unterminated quoted string" : "unterminated quoted field name");
            push(out, c == '"' ? TK_STRING : TK_QIDENT, s + i, q, off);
            i += q;
            continue;
        }
        int type = 0;
        size_t len = 1;
        switch (c) {
        case '(': type = TK_LP; break;
        case ')': type = TK_RP; break;
        case ',': type = TK_COMMA; break;
        case '+': type = TK_PLUS; break;
        case '-': type = TK_MINUS; break;
        case '*': type = TK_STAR; break;
        case '/': type = TK_SLASH; break;
        case '%': type = TK_PERCENT; break;
        case '.': type = TK_DOT; break;
        case '|': type = TK_PIPE; break;
        case '[': type = TK_LBRACKET; break;
        case ']': type = TK_RBRACKET; break;
        case '=': type = TK_EQ; if (d == '=') len = 2; break;
        case '!': if (d == '=') { type = TK_NE; len = 2; } break;
        case '<': type = TK_LT; if (d == '=') { type = TK_LE; len = 2; } else if (d == '>') { type = TK_NE; len = 2; } break;
        case '>': type = TK_GT; if (d == '=') { type = TK_GE; len = 2; } break;
        default: break;
        }
        if (!type) {
            char msg[64];
            if (isprint((unsigned char)c)) snprintf(msg, sizeof msg, "unexpected character '%c'", c);
            else snprintf(msg, sizeof msg, "unexpected byte 0x%02x", (unsigned char)c);
            return lex_error(err, off, msg);
        }
        push(out, type, s + i, len, off);
        i += len;
    }
    return 0;
}

int spl_lex(const char *text, size_t n, size_t base, int mode, spl_toks *out, spl_error *err)
{
    assert(text && out && err);
    if (memchr(text, '\0', n)) return lex_error(err, base + (size_t)((const char *)memchr(text, '\0', n) - text), "NUL byte in query");
    return mode == SPL_LEX_EVAL ? lex_eval(text, n, base, out, err)
                                : lex_search(text, n, base, out, err);
}

char *spl_tok_text(const spl_token *t)
{
    const char *s = t->s;
    size_t n = t->n;
    int quoted = (t->type == TK_STRING || t->type == TK_QIDENT) && n >= 2;
    if (quoted) { s++; n -= 2; }
    sbuf b = {0};
    sbuf_grow(&b, n + 1);
    b.s[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '\\' || s[i + 1] == '"' || (quoted && s[i + 1] == s[-1]))) {
            sbuf_addc(&b, s[i + 1]);
            i++;
        } else {
            sbuf_addc(&b, s[i]);
        }
    }
    return sbuf_detach(&b);
}

int spl_tok_is(const spl_token *t, const char *w, int ci)
{
    if (t->type == TK_STRING || t->type == TK_QIDENT) return 0;
    if (strlen(w) != t->n) return 0;
    return ci ? !strncasecmp(t->s, w, t->n) : !memcmp(t->s, w, t->n);
}
