/* sqlfn_regex.c: the PCRE2-based SQL functions: spl_match, spl_replace,
 * spl_rex (capture extraction for the rex command), spl_sed (rex
 * mode=sed) and spl_mvfind. Patterns are compiled once per statement
 * (sqlite3 auxdata), in UTF-8 mode with invalid UTF-8 subjects allowed, and
 * matched under match and depth limits so a pathological pattern fails with
 * an error instead of hanging. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "sqlfn.h"
#include "sqlfn_internal.h"
#include "util.h"

#define SQLFN_MATCH_LIMIT 10000000u
#define SQLFN_DEPTH_LIMIT 100000u
#define SQLFN_COMPILE_OPTS (PCRE2_UTF | PCRE2_MATCH_INVALID_UTF)

static pcre2_match_context *sqlfn_mctx(void)
{
    static __thread pcre2_match_context *mc;
    if (!mc) {
        mc = pcre2_match_context_create(NULL);
        if (!mc) return NULL;
        pcre2_set_match_limit(mc, SQLFN_MATCH_LIMIT);
        pcre2_set_depth_limit(mc, SQLFN_DEPTH_LIMIT);
    }
    return mc;
}

static char *sqlfn_pcre_message(int code)
{
    PCRE2_UCHAR buf[256];
    if (pcre2_get_error_message(code, buf, sizeof buf) < 0) snprintf((char *)buf, sizeof buf, "error %d", code);
    return xstrdup((const char *)buf);
}

static pcre2_code *sqlfn_compile(const char *pat, size_t n, char **err, size_t *erroff)
{
    int ec;
    PCRE2_SIZE off;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, n, SQLFN_COMPILE_OPTS, &ec, &off, NULL);
    if (!code) {
        char *m = sqlfn_pcre_message(ec);
        *err = xasprintf("invalid regular expression \"%.*s\": %s at offset %zu", (int)(n > 200 ? 200 : n), pat, m,
                         (size_t)off);
        if (erroff) *erroff = off;
        free(m);
    }
    return code;
}

int sqlfn_regex_check(const char *pattern, char ***names, char **err, size_t *erroffset)
{
    pcre2_code *code = sqlfn_compile(pattern, strlen(pattern), err, erroffset);
    if (!code) return -1;
    if (names) {
        uint32_t count = 0, entsize = 0, top = 0;
        PCRE2_SPTR table;
        pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &count);
        pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entsize);
        pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
        pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &top);
        /* The name table is sorted by name; emit in group-number order. */
        char **out = xcalloc(count + 1, sizeof *out);
        size_t k = 0;
        for (uint32_t g = 1; g <= top; g++)
            for (uint32_t i = 0; i < count; i++) {
                PCRE2_SPTR e = table + (size_t)i * entsize;
                if ((uint32_t)((e[0] << 8) | e[1]) == g) out[k++] = xstrdup((const char *)e + 2);
            }
        out[k] = NULL;
        *names = out;
    }
    pcre2_code_free(code);
    return 0;
}

void sqlfn_free_names(char **names)
{
    if (!names) return;
    for (char **p = names; *p; p++) free(*p);
    free(names);
}

/* Drop one reference (the auxdata destructor). */
static void sqlfn_regex_unref(void *p)
{
    sqlfn_regex *re = p;
    if (!re) return;
    assert(re->refs > 0);
    if (--re->refs) return;
    pcre2_match_data_free(re->md);
    pcre2_code_free(re->code);
    sqlfn_regex_prefilter_free(re);
    free(re->pat);
    free(re);
}

void sqlfn_recache_destroy(void *cache)
{
    sqlfn_recache *c = cache;
    if (!c) return;
    for (int i = 0; i < SQLFN_RECACHE_SIZE; i++) sqlfn_regex_unref(c->e[i]);
    free(c);
}

sqlfn_regex *sqlfn_regex_for(sqlite3_context *ctx, const char *pat, size_t n)
{
    sqlfn_recache *c = sqlite3_user_data(ctx);
    if (c)
        for (int i = 0; i < SQLFN_RECACHE_SIZE; i++)
            if (c->e[i] && c->e[i]->patlen == n && memcmp(c->e[i]->pat, pat, n) == 0) {
                c->e[i]->refs++;
                return c->e[i];
            }
    char *err = NULL;
    pcre2_code *code = sqlfn_compile(pat, n, &err, NULL);
    if (!code) {
        sqlite3_result_error(ctx, err, -1);
        free(err);
        return NULL;
    }
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* failure: the interpreter is used */
    sqlfn_regex *re = xcalloc(1, sizeof *re);
    re->code = code;
    re->md = pcre2_match_data_create_from_pattern(code, NULL);
    re->pat = xstrndup(pat, n);
    re->patlen = n;
    re->refs = 1;
    if (!re->md) {
        sqlfn_regex_unref(re);
        sqlite3_result_error_nomem(ctx);
        return NULL;
    }
    if (c) {
        sqlfn_regex_unref(c->e[c->next]);
        c->e[c->next] = re;
        c->next = (c->next + 1) % SQLFN_RECACHE_SIZE;
        re->refs++;
    }
    return re;
}

sqlfn_regex *sqlfn_regex_get(sqlite3_context *ctx, sqlite3_value **argv, int argi, int *is_null)
{
    *is_null = 0;
    sqlfn_regex *re = sqlite3_get_auxdata(ctx, argi);
    if (re) return re;
    if (sqlite3_value_type(argv[argi]) == SQLITE_NULL) {
        *is_null = 1;
        return NULL;
    }
    size_t n;
    char *pat = mv_first(argv[argi], &n);
    re = sqlfn_regex_for(ctx, pat ? pat : "", n);
    free(pat);
    return re;
}

void sqlfn_regex_release(sqlite3_context *ctx, int argi, sqlfn_regex *re)
{
    if (!re) return;
    if (sqlite3_get_auxdata(ctx, argi) == re) return; /* already the statement's */
    /* Hand our reference to SQLite: kept while the argument is constant,
     * dropped right after the call otherwise. */
    sqlite3_set_auxdata(ctx, argi, re, sqlfn_regex_unref);
}

int sqlfn_regex_exec(sqlite3_context *ctx, sqlfn_regex *re, const char *s, size_t n, size_t start)
{
    pcre2_match_context *mc = sqlfn_mctx();
    uint32_t opts = 0;
    int rc = pcre2_match(re->code, (PCRE2_SPTR)(s ? s : ""), n, start, opts, re->md, mc);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
        rc = pcre2_match(re->code, (PCRE2_SPTR)(s ? s : ""), n, start, PCRE2_NO_JIT, re->md, mc);
    if (rc >= 0) return rc == 0 ? 1 : rc;
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    char *m = sqlfn_pcre_message(rc);
    char *e = xasprintf("regular expression match failed: %s", m);
    sqlite3_result_error(ctx, e, -1);
    free(m);
    free(e);
    return -1;
}

/* Length of the UTF-8 character at s[i] (1 for invalid bytes). */
static size_t sqlfn_charlen(const char *s, size_t n, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    size_t k = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (i + k > n) return 1;
    for (size_t j = 1; j < k; j++)
        if (((unsigned char)s[i + j] & 0xC0) != 0x80) return 1;
    return k;
}

/* spl_match(str, regex): 1 if any value of str contains a match, 0 if
 * none, NULL if str is NULL. */
static void fn_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    int isnull;
    sqlfn_regex *re = sqlfn_regex_get(ctx, argv, 1, &isnull);
    if (!re) {
        if (isnull) sqlite3_result_null(ctx);
        return;
    }
    mv_view w;
    mv_view_init(&w, argv[0]);
    int found = 0, rc = 0;
    for (size_t i = 0; i < w.n && !found; i++) {
        size_t n;
        const char *s = mv_view_get(&w, i, &n);
        if (!sqlfn_regex_may_match(re, s, n)) continue;
        rc = sqlfn_regex_exec(ctx, re, s, n, 0);
        if (rc < 0) break;
        found = rc > 0;
    }
    if (rc >= 0) sqlite3_result_int(ctx, found);
    mv_view_free(&w);
    sqlfn_regex_release(ctx, 1, re);
}

/* Append the replacement template with \N (and \\) references expanded;
 * with dollar also $N and ${N}. */
static void sqlfn_expand(sbuf *out, const char *rep, size_t rn, const char *s, PCRE2_SIZE *ov, int nov, int dollar)
{
    for (size_t i = 0; i < rn; i++) {
        char c = rep[i];
        if ((c == '\\' || (dollar && c == '$')) && i + 1 < rn && rep[i + 1] >= '0' && rep[i + 1] <= '9') {
            int g = rep[++i] - '0';
            if (g < nov && ov[2 * g] != PCRE2_UNSET) sbuf_addn(out, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
        } else if (c == '\\' && i + 1 < rn && rep[i + 1] == '\\') {
            sbuf_addc(out, '\\');
            i++;
        } else if (c == '\\' && i + 1 < rn && dollar && rep[i + 1] == '&') {
            sbuf_addc(out, '&');
            i++;
        } else if (dollar && c == '&') {
            /* sed: & is the whole match */
            sbuf_addn(out, s + ov[0], ov[1] - ov[0]);
        } else {
            sbuf_addc(out, c);
        }
    }
}

/* Replace matches of re in s: every match when nth == 0, else only the
 * nth. sed selects the sed replacement syntax. Returns 0, or -1 after
 * setting the SQL error. */
static int sqlfn_subst(sqlite3_context *ctx, sqlfn_regex *re, const char *s, size_t n, const char *rep, size_t rn,
                       long nth, int sed, sbuf *out)
{
    size_t pos = 0, copied = 0;
    long count = 0;
    while (pos <= n) {
        int rc = sqlfn_regex_exec(ctx, re, s, n, pos);
        if (rc < 0) return -1;
        if (rc == 0) break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
        count++;
        if (nth == 0 || count == nth) {
            sbuf_addn(out, s + copied, ov[0] - copied);
            sqlfn_expand(out, rep, rn, s, ov, rc, sed);
            copied = ov[1];
            if (nth) break;
        }
        if (ov[1] == ov[0]) {
            if (ov[1] >= n) break;
            pos = ov[1] + sqlfn_charlen(s, n, ov[1]);
        } else {
            pos = ov[1];
        }
    }
    if (copied < n) sbuf_addn(out, s + copied, n - copied);
    if (!out->s) sbuf_add(out, "");
    return 0;
}

/* spl_replace(str, regex, replacement): every match replaced, \1..\9 in
 * the replacement refer to groups. Applied to each value of a multivalue. */
static void fn_replace(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[2]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    int isnull;
    sqlfn_regex *re = sqlfn_regex_get(ctx, argv, 1, &isnull);
    if (!re) {
        if (isnull) sqlite3_result_null(ctx);
        return;
    }
    size_t rn;
    char *rep = mv_first(argv[2], &rn);
    mv_list l = {0}, r = {0};
    mv_list_from_value(&l, argv[0]);
    int ok = 1;
    for (size_t i = 0; i < l.n && ok; i++) {
        sbuf b = {0};
        ok = sqlfn_subst(ctx, re, l.v[i], l.len[i], rep, rn, 0, 0, &b) == 0;
        if (ok) mv_list_add(&r, b.s, b.len);
        sbuf_free(&b);
    }
    if (ok) {
        if (mv_is_mv(argv[0]))
            mv_result_blob(ctx, &r);
        else
            mv_result(ctx, &r);
    }
    free(rep);
    mv_list_free(&l);
    mv_list_free(&r);
    sqlfn_regex_release(ctx, 1, re);
}

/* spl_rex(str, regex, group[, max_match]): the text captured by group (a
 * name, or a number; 0 = whole match) in the first match, or with
 * max_match > 1 (0 = unlimited) in up to that many matches as a
 * multivalue. NULL when nothing matched or the group did not take part.
 * For a multivalue str the values are searched in order. */
static void fn_rex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[2]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    long long maxm = 1;
    if (argc > 3 && !sqlfn_arg_int(argv[3], &maxm)) maxm = 1;
    int isnull;
    sqlfn_regex *re = sqlfn_regex_get(ctx, argv, 1, &isnull);
    if (!re) {
        if (isnull) sqlite3_result_null(ctx);
        return;
    }
    int group;
    const char *gt = (const char *)sqlite3_value_text(argv[2]);
    if (sqlite3_value_type(argv[2]) == SQLITE_INTEGER || (gt && gt[0] && strspn(gt, "0123456789") == strlen(gt))) {
        group = sqlite3_value_int(argv[2]);
        if (group < 0) group = 0;
    } else {
        const char *g = (const char *)sqlite3_value_text(argv[2]);
        group = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)g);
        if (group < 0) {
            char *e = xasprintf("regular expression has no group named \"%s\"", g);
            sqlite3_result_error(ctx, e, -1);
            free(e);
            sqlfn_regex_release(ctx, 1, re);
            return;
        }
    }
    mv_list l = {0}, r = {0};
    mv_list_from_value(&l, argv[0]);
    int err = 0;
    for (size_t i = 0; i < l.n && !err && (maxm <= 0 || (long long)r.n < maxm); i++) {
        size_t pos = 0, n = l.len[i];
        const char *s = l.v[i];
        while (pos <= n && (maxm <= 0 || (long long)r.n < maxm)) {
            int rc = sqlfn_regex_exec(ctx, re, s, n, pos);
            if (rc < 0) err = 1;
            if (rc <= 0) break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
            if (group < rc && ov[2 * group] != PCRE2_UNSET)
                mv_list_add(&r, s + ov[2 * group], ov[2 * group + 1] - ov[2 * group]);
            if (ov[1] == ov[0]) {
                if (ov[1] >= n) break;
                pos = ov[1] + sqlfn_charlen(s, n, ov[1]);
            } else {
                pos = ov[1];
            }
        }
    }
    if (!err) mv_result(ctx, &r);
    mv_list_free(&l);
    mv_list_free(&r);
    sqlfn_regex_release(ctx, 1, re);
}

/* spl_mvfind(mv, regex): 0-based index of the first value that matches,
 * NULL if none. */
static void fn_mvfind(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    int isnull;
    sqlfn_regex *re = sqlfn_regex_get(ctx, argv, 1, &isnull);
    if (!re) {
        if (isnull) sqlite3_result_null(ctx);
        return;
    }
    mv_list l = {0};
    mv_list_from_value(&l, argv[0]);
    long long found = -1;
    int rc = 0;
    for (size_t i = 0; i < l.n; i++) {
        rc = sqlfn_regex_exec(ctx, re, l.v[i], l.len[i], 0);
        if (rc < 0) break;
        if (rc > 0) {
            found = (long long)i;
            break;
        }
    }
    if (rc >= 0) {
        if (found >= 0)
            sqlite3_result_int64(ctx, found);
        else
            sqlite3_result_null(ctx);
    }
    mv_list_free(&l);
    sqlfn_regex_release(ctx, 1, re);
}

/* Split a sed expression body "s<d>re<d>rep<d>flags": returns 0 and the
 * parts (heap), or -1 with *err. */
static int sqlfn_sed_parse(const char *e, char **re, char **rep, char **flags, char *cmd, char **err)
{
    if (!e[0] || (e[0] != 's' && e[0] != 'y') || !e[1]) {
        *err = xasprintf("sed expression \"%s\" must start with s/ or y/", e);
        return -1;
    }
    *cmd = e[0];
    char d = e[1];
    sbuf parts[2] = {{0}, {0}};
    const char *p = e + 2;
    for (int k = 0; k < 2; k++) {
        while (*p && *p != d) {
            if (*p == '\\' && p[1] == d) {
                sbuf_addc(&parts[k], d);
                p += 2;
                continue;
            }
            if (*p == '\\' && p[1]) sbuf_addc(&parts[k], *p++);
            sbuf_addc(&parts[k], *p++);
        }
        if (*p != d) {
            *err = xasprintf("sed expression \"%s\" is missing its closing '%c'", e, d);
            sbuf_free(&parts[0]);
            sbuf_free(&parts[1]);
            return -1;
        }
        p++;
    }
    *re = sbuf_detach(&parts[0]);
    *rep = sbuf_detach(&parts[1]);
    *flags = xstrdup(p);
    return 0;
}

/* spl_sed(str, expr): rex mode=sed. expr is s/regex/replacement/flags
 * (flags g or a number N = the Nth match only; \1 and & in the
 * replacement) or y/abc/xyz/ (transliteration). Each value of a
 * multivalue is edited. */
static void fn_sed(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *expr = (const char *)sqlite3_value_text(argv[1]);
    char *pat = NULL, *rep = NULL, *flags = NULL, *err = NULL, cmd = 0;
    if (sqlfn_sed_parse(expr, &pat, &rep, &flags, &cmd, &err) < 0) {
        sqlite3_result_error(ctx, err, -1);
        free(err);
        return;
    }
    int global = 0;
    long nth = 0;
    for (const char *f = flags; *f; f++) {
        if (*f == 'g') global = 1;
        else if (*f >= '0' && *f <= '9') {
            nth = nth * 10 + (*f - '0');
            if (nth > 1000000000L) nth = 1000000000L;
        }
        else {
            err = xasprintf("sed expression \"%s\": unknown flag '%c'", expr, *f);
            break;
        }
    }
    mv_list l = {0}, r = {0};
    sqlfn_regex *re = NULL;
    if (!err && cmd == 's') {
        re = sqlite3_get_auxdata(ctx, 1);
        if (!re && !(re = sqlfn_regex_for(ctx, pat, strlen(pat)))) goto out; /* error already set */
    }
    if (!err && cmd == 'y' && strlen(pat) != strlen(rep))
        err = xasprintf("sed expression \"%s\": y/// needs strings of equal length", expr);
    if (err) {
        sqlite3_result_error(ctx, err, -1);
        goto out;
    }
    mv_list_from_value(&l, argv[0]);
    for (size_t i = 0; i < l.n; i++) {
        sbuf b = {0};
        if (cmd == 'y') {
            for (size_t j = 0; j < l.len[i]; j++) {
                char *q = strchr(pat, l.v[i][j]);
                sbuf_addc(&b, q && l.v[i][j] ? rep[q - pat] : l.v[i][j]);
            }
            if (!b.s) sbuf_add(&b, "");
        } else if (sqlfn_subst(ctx, re, l.v[i], l.len[i], rep, strlen(rep), nth ? nth : (global ? 0 : 1), 1, &b) < 0) {
            sbuf_free(&b);
            goto out;
        }
        mv_list_add(&r, b.s, b.len);
        sbuf_free(&b);
    }
    if (mv_is_mv(argv[0]))
        mv_result_blob(ctx, &r);
    else
        mv_result(ctx, &r);
out:
    sqlfn_regex_release(ctx, 1, re);
    mv_list_free(&l);
    mv_list_free(&r);
    free(pat);
    free(rep);
    free(flags);
    free(err);
}

static const sqlfn_def sqlfn_regex_defs[] = {
    {"spl_match", 2, fn_match, 1, 1},
    {"spl_replace", 3, fn_replace, 1, 1},
    {"spl_rex", 3, fn_rex, 1, 1},
    {"spl_rex", 4, fn_rex, 1, 1},
    {"spl_mvfind", 2, fn_mvfind, 1, 1},
    {"spl_sed", 2, fn_sed, 1, 1},
    {NULL, 0, NULL, 0, 0},
};

int sqlfn_register_regex(sqlite3 *db)
{
    return sqlfn_register_table(db, sqlfn_regex_defs);
}
