/* datamodel_expr.c: a light scanner for the SPL eval expressions written in
 * the data model and alias files: checks their shape (quotes, parentheses,
 * supported functions) and lists the fields they read. It does not parse
 * operators; the SPL translator compiles the expressions. */
#include "datamodel.h"

#include <assert.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* The eval functions the SPL engine supports (keep in step with it). */
static const char *const dm_functions[] = {
    "if", "case", "coalesce", "isnull", "isnotnull", "null", "len", "lower", "upper",
    "substr", "replace", "trim", "ltrim", "rtrim", "split", "mvcount", "mvindex",
    "mvjoin", "mvappend", "mvfilter", "like", "match", "tonumber", "tostring", "round",
    "abs", "floor", "ceil", "strftime", "strptime", "now", "relative_time", "cidrmatch",
    NULL,
};

/* Words that are operators, not fields. */
static const char *const dm_keywords[] = {"AND", "OR", "NOT", "XOR", "LIKE", "IN", NULL};

int dm_expr_function_known(const char *name)
{
    for (size_t i = 0; dm_functions[i]; i++)
        if (strcasecmp(dm_functions[i], name) == 0) return 1;
    return 0;
}

static int dm_is_keyword(const char *name)
{
    for (size_t i = 0; dm_keywords[i]; i++)
        if (strcmp(dm_keywords[i], name) == 0) return 1;
    return 0;
}

static int dm_ident_start(int c) { return isalpha(c) || c == '_'; }
static int dm_ident_char(int c) { return isalnum(c) || c == '_' || c == '.' || c == ':' || c == '{' || c == '}'; }

/* Walk expr; call on_field for field references, on_func for function names.
 * Returns 0, or -1 with *msg for a shape error. */
typedef struct dm_scan {
    void (*on_field)(void *ctx, const char *name);
    void *ctx;
    char **msg;
} dm_scan;

static int dm_scan_expr(const char *expr, dm_scan *sc)
{
    const char *p = expr;
    int depth = 0, tokens = 0;
    sbuf name = {0};
    int rc = 0;
    while (*p && rc == 0) {
        unsigned char c = (unsigned char)*p;
        if (isspace(c)) { p++; continue; }
        tokens++;
        if (c == '"' || c == '\'') {
            /* "string" (backslash escapes) or 'field name' */
            const char *start = ++p;
            sbuf_reset(&name);
            while (*p && *p != (char)c) {
                if (*p == '\\' && p[1]) { if (c == '\'') sbuf_addc(&name, p[1]); p += 2; continue; }
                if (c == '\'') sbuf_addc(&name, *p);
                p++;
            }
            if (!*p) {
                if (sc->msg) *sc->msg = xasprintf("unterminated %s starting at offset %zu",
                                                  c == '"' ? "string" : "quoted field name",
                                                  (size_t)(start - 1 - expr));
                rc = -1;
                break;
            }
            p++;
            if (c == '\'' && sc->on_field) {
                if (!name.s) sbuf_add(&name, "");
                sc->on_field(sc->ctx, name.s);
            }
            continue;
        }
        if (isdigit(c)) {
            while (isalnum((unsigned char)*p) || *p == '.') p++;
            continue;
        }
        if (dm_ident_start(c)) {
            const char *start = p;
            while (dm_ident_char((unsigned char)*p)) p++;
            sbuf_reset(&name);
            sbuf_addn(&name, start, (size_t)(p - start));
            const char *q = p;
            while (isspace((unsigned char)*q)) q++;
            if (*q == '(') {
                if (!dm_expr_function_known(name.s)) {
                    if (sc->msg) *sc->msg = xasprintf("unsupported function %s()", name.s);
                    rc = -1;
                }
            } else if (!dm_is_keyword(name.s) && strcasecmp(name.s, "true") != 0 &&
                       strcasecmp(name.s, "false") != 0) {
                if (sc->on_field) sc->on_field(sc->ctx, name.s);
            }
            continue;
        }
        if (c == '(') depth++;
        else if (c == ')') {
            if (--depth < 0) {
                if (sc->msg) *sc->msg = xasprintf("unbalanced ')' at offset %zu", (size_t)(p - expr));
                rc = -1;
                break;
            }
        } else if (!strchr("+-*/%.=!<>,", c)) {
            if (sc->msg) *sc->msg = xasprintf("unexpected character '%c' at offset %zu", c, (size_t)(p - expr));
            rc = -1;
            break;
        }
        p++;
    }
    if (rc == 0 && depth != 0) {
        if (sc->msg) *sc->msg = xasprintf("%d unclosed '('", depth);
        rc = -1;
    }
    if (rc == 0 && tokens == 0) {
        if (sc->msg) *sc->msg = xstrdup("empty expression");
        rc = -1;
    }
    sbuf_free(&name);
    return rc;
}

int dm_expr_check(const char *expr, char **msg)
{
    assert(expr);
    dm_scan sc = {NULL, NULL, msg};
    return dm_scan_expr(expr, &sc);
}

void dm_expr_fields(const char *expr, void (*fn)(void *ctx, const char *name), void *ctx)
{
    assert(expr && fn);
    dm_scan sc = {fn, ctx, NULL};
    (void)dm_scan_expr(expr, &sc);
}
