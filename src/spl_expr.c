/* spl_expr.c: translation of eval/where expressions into SQL values with
 * Splunk's eval semantics: numbers and strings compared numerically when
 * both are numbers (splop_* operators, spl_ops.c), '.' concatenation, null
 * propagation, case-sensitive comparison, and the eval functions (simple ones
 * as SQL, the rest as the runtime spl_* functions of sqlfn.c). Literals are
 * bound parameters. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "spl_int.h"

static int ex(spl_tr *tr, const spl_node *n, sbuf *out, int *mv);

/* Runtime functions with a direct SQL counterpart: eval name, SQL function,
 * min/max arguments, result may be multivalue. */
typedef struct fn_map {
    const char *name, *sql;
    int min, max, mv;
} fn_map;

static const fn_map direct_fns[] = {
    {"match", "spl_match", 2, 2, 0},
    {"replace", "spl_replace", 3, 3, 0},
    {"split", "spl_split", 2, 2, 1},
    {"mvcount", "spl_mvcount", 1, 1, 0},
    {"mvindex", "spl_mvindex", 2, 3, 1},
    {"mvjoin", "spl_mvjoin", 2, 2, 0},
    {"mvappend", "spl_mvappend", 1, 64, 1},
    {"mvdedup", "spl_mvdedup", 1, 1, 1},
    {"mvsort", "spl_mvsort", 1, 1, 1},
    {"mvfind", "spl_mvfind", 2, 2, 0},
    {"mvzip", "spl_mvzip", 2, 3, 1},
    {"tonumber", "spl_tonumber", 1, 2, 0},
    {"tostring", "spl_tostring", 1, 2, 0},
    {"strftime", "spl_strftime", 2, 2, 0},
    {"strptime", "spl_strptime", 2, 2, 0},
    {"relative_time", "spl_relative_time", 2, 2, 0},
    {"cidrmatch", "spl_cidrmatch", 2, 2, 0},
    {"urldecode", "spl_urldecode", 1, 1, 0},
    {"md5", "spl_md5", 1, 1, 0},
    {"sha1", "spl_sha1", 1, 1, 0},
    {"sha256", "spl_sha256", 1, 1, 0},
    {"typeof", "spl_typeof", 1, 1, 0},
    {"like", "spl_like", 2, 2, 0},
    {"lower", "spl_lower", 1, 1, 0},
    {"upper", "spl_upper", 1, 1, 0},
    {"len", "spl_len", 1, 1, 0},
    {"substr", "spl_substr", 2, 3, 0},
    {"trim", "spl_trim", 1, 2, 0},
    {"ltrim", "spl_ltrim", 1, 2, 0},
    {"rtrim", "spl_rtrim", 1, 2, 0},
    {"isnum", "spl_isnum", 1, 1, 0},
    {"isint", "spl_isint", 1, 1, 0},
    {"isstr", "spl_isstr", 1, 1, 0},
    {"printf", "spl_printf", 1, 64, 0},
    {"mvrange", "spl_mvrange", 2, 3, 1},
    {"pi", "spl_pi", 0, 0, 0},
    {"random", "spl_random", 0, 0, 0},
    {"spath", "spl_spath", 2, 2, 0},
    {"min", "spl_min", 1, 64, 0},
    {"max", "spl_max", 1, 64, 0},
    {NULL, NULL, 0, 0, 0},
};

/* numeric functions: argument(s) converted with splop_num */
static const fn_map num_fns[] = {
    {"abs", "spl_abs", 1, 1, 0},
    {"floor", "spl_floor", 1, 1, 0},
    {"ceil", "spl_ceil", 1, 1, 0},
    {"ceiling", "spl_ceiling", 1, 1, 0},
    {"sqrt", "spl_sqrt", 1, 1, 0},
    {"exp", "spl_exp", 1, 1, 0},
    {"ln", "spl_ln", 1, 1, 0},
    {"log", "spl_log", 1, 2, 0},
    {"pow", "spl_pow", 2, 2, 0},
    {"round", "spl_round", 1, 2, 0},
    {NULL, NULL, 0, 0, 0},
};

static int arity(spl_tr *tr, const spl_node *n, const char *name, int min, int max)
{
    if (n->nkids >= min && n->nkids <= max) return 0;
    if (min == max)
        return spl_tr_error(tr, n->tok.off, "function '%s' takes %d argument%s, not %d", name, min, min == 1 ? "" : "s", n->nkids);
    return spl_tr_error(tr, n->tok.off, "function '%s' takes %d to %d arguments, not %d", name, min, max, n->nkids);
}

static int args_list(spl_tr *tr, const spl_node *n, sbuf *out, const char *wrap, int *mv)
{
    for (int i = 0; i < n->nkids; i++) {
        int m = 0;
        if (i) sbuf_add(out, ", ");
        if (wrap) sbuf_printf(out, "%s(", wrap);
        if (ex(tr, n->kids[i], out, &m)) return -1;
        if (wrap) sbuf_addc(out, ')');
        if (mv && m) *mv = 1;
    }
    return 0;
}

/* mvfilter(<boolean expression over one multivalue field>) */
static int fn_mvfilter(spl_tr *tr, const spl_node *n, sbuf *out, int *mv)
{
    if (arity(tr, n, "mvfilter", 1, 1)) return -1;
    /* find the field the expression refers to */
    const spl_node *stack[256];
    int sp = 0;
    const spl_node *field = NULL;
    stack[sp++] = n->kids[0];
    while (sp && !field) {
        const spl_node *x = stack[--sp];
        if (x->kind == EX_FIELD) { field = x; break; }
        for (int i = 0; i < x->nkids && sp < 256; i++) stack[sp++] = x->kids[i];
    }
    if (!field) return spl_tr_error(tr, n->tok.off, "mvfilter needs an expression that uses a field");
    char *fname = spl_tok_text(&field->tok);
    spl_col *c = spl_tr_col(tr, fname);
    const char *x = c ? c->sql : "NULL";
    char *xs = xstrdup(x);
    /* evaluate the condition with the field bound to each value */
    spl_tr_set(tr, fname, "mvf.value", 0);
    sbuf cond = {0};
    int m = 0;
    int rc = ex(tr, n->kids[0], &cond, &m);
    if (c) spl_tr_set(tr, fname, xs, 1);
    else spl_tr_remove(tr, fname);
    if (!rc)
        sbuf_printf(out, "(SELECT CASE count(*) WHEN 0 THEN NULL WHEN 1 THEN max(mvf.value) "
                         "ELSE CAST(json_group_array(mvf.value) AS BLOB) END FROM json_each("
                         "CASE WHEN typeof(%s)='blob' THEN CAST(%s AS TEXT) ELSE json_array(%s) END) AS mvf "
                         "WHERE mvf.value IS NOT NULL AND (%s))", xs, xs, xs, cond.s);
    sbuf_free(&cond);
    free(xs);
    free(fname);
    *mv = 1;
    return rc;
}

/* mvmap(field, expression): expression evaluated once per value of the
 * field (the field's name stands for the value); the non-null results,
 * flattened when a result is itself multivalue, in order. Aliases carry the
 * call's query offset so that nested calls do not shadow each other. */
static int fn_mvmap(spl_tr *tr, const spl_node *n, sbuf *out, int *mv)
{
    if (arity(tr, n, "mvmap", 2, 2)) return -1;
    if (n->kids[0]->kind != EX_FIELD) return spl_tr_error(tr, n->kids[0]->tok.off, "mvmap needs a field as its first argument");
    char *fname = spl_tok_text(&n->kids[0]->tok);
    spl_col *c = spl_tr_col(tr, fname);
    char *xs = xstrdup(c ? c->sql : "NULL");
    size_t id = n->tok.off;
    char *val = xasprintf("mvm%zu.value", id);
    spl_tr_set(tr, fname, val, 0);
    sbuf e = {0};
    int m = 0;
    int rc = ex(tr, n->kids[1], &e, &m);
    if (c) spl_tr_set(tr, fname, xs, 1);
    else spl_tr_remove(tr, fname);
    if (!rc && m) {
        /* a multivalue result stays a BLOB (splop_str would null it) */
        char *r = xasprintf("CASE WHEN typeof(%s)='blob' THEN %s ELSE splop_str(%s) END", e.s, e.s, e.s);
        sbuf_free(&e);
        sbuf_add(&e, r);
        free(r);
    } else if (!rc) {
        char *r = xasprintf("splop_str(%s)", e.s);
        sbuf_free(&e);
        sbuf_add(&e, r);
        free(r);
    }
    if (!rc)
        sbuf_printf(out, "(SELECT CASE count(*) WHEN 0 THEN NULL WHEN 1 THEN max(mvr%zu.value) "
                         "ELSE CAST(json_group_array(mvr%zu.value) AS BLOB) END FROM "
                         "(SELECT %s AS r FROM json_each(CASE WHEN typeof(%s)='blob' THEN CAST(%s AS TEXT) "
                         "ELSE json_array(%s) END) AS mvm%zu WHERE mvm%zu.value IS NOT NULL) AS mr%zu, "
                         "json_each(CASE WHEN typeof(mr%zu.r)='blob' THEN CAST(mr%zu.r AS TEXT) ELSE json_array(mr%zu.r) END) "
                         "AS mvr%zu WHERE mvr%zu.value IS NOT NULL)",
                    id, id, e.s, xs, xs, xs, id, id, id, id, id, id, id, id);
    sbuf_free(&e);
    free(val);
    free(xs);
    free(fname);
    *mv = 1;
    return rc;
}

static int call(spl_tr *tr, const spl_node *n, sbuf *out, int *mv)
{
    char *name = xstrndup(n->tok.s, n->tok.n);
    for (char *p = name; *p; p++) *p = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    int rc = 0;
    if (!strcmp(name, "if")) {
        if ((rc = arity(tr, n, name, 3, 3))) goto out;
        sbuf_add(out, "CASE WHEN ");
        int m = 0;
        if ((rc = ex(tr, n->kids[0], out, &m))) goto out;
        sbuf_add(out, " THEN ");
        if ((rc = ex(tr, n->kids[1], out, mv))) goto out;
        sbuf_add(out, " ELSE ");
        if ((rc = ex(tr, n->kids[2], out, mv))) goto out;
        sbuf_add(out, " END");
    } else if (!strcmp(name, "case")) {
        if (n->nkids < 2 || n->nkids % 2) {
            rc = spl_tr_error(tr, n->tok.off, "function 'case' takes pairs of condition, value");
            goto out;
        }
        sbuf_add(out, "CASE");
        for (int i = 0; i < n->nkids; i += 2) {
            int m = 0;
            sbuf_add(out, " WHEN ");
            if ((rc = ex(tr, n->kids[i], out, &m))) goto out;
            sbuf_add(out, " THEN ");
            if ((rc = ex(tr, n->kids[i + 1], out, mv))) goto out;
        }
        sbuf_add(out, " END");
    } else if (!strcmp(name, "coalesce")) {
        if ((rc = arity(tr, n, name, 1, 64))) goto out;
        /* arguments that are NULL (fields no event has) are left out:
         * coalesce(x, NULL) is x, which SQLite can then use as a column */
        sbuf args = {0};
        int kept = 0;
        for (int i = 0; i < n->nkids && !rc; i++) {
            sbuf one = {0};
            int m = 0;
            rc = ex(tr, n->kids[i], &one, &m);
            if (!rc && strcmp(one.s, "NULL")) {
                sbuf_printf(&args, "%s%s", kept++ ? ", " : "", one.s);
                *mv |= m;
            }
            sbuf_free(&one);
        }
        if (!rc) {
            if (!kept) sbuf_add(out, "NULL");
            else if (kept == 1) sbuf_printf(out, "(%s)", args.s);
            else sbuf_printf(out, "coalesce(%s)", args.s);
        }
        sbuf_free(&args);
        if (rc) goto out;
    } else if (!strcmp(name, "isnull") || !strcmp(name, "isnotnull")) {
        if ((rc = arity(tr, n, name, 1, 1))) goto out;
        int m = 0;
        sbuf_addc(out, '(');
        if ((rc = ex(tr, n->kids[0], out, &m))) goto out;
        sbuf_add(out, !strcmp(name, "isnull") ? " IS NULL)" : " IS NOT NULL)");
    } else if (!strcmp(name, "null")) {
        if ((rc = arity(tr, n, name, 0, 0))) goto out;
        sbuf_add(out, "NULL");
    } else if (!strcmp(name, "true") || !strcmp(name, "false")) {
        if ((rc = arity(tr, n, name, 0, 0))) goto out;
        sbuf_add(out, name[0] == 't' ? "1" : "0");
    } else if (!strcmp(name, "now") || !strcmp(name, "time")) {
        if ((rc = arity(tr, n, name, 0, 0))) goto out;
        spl_tr_bind_num(tr, out, tr->now);
    } else if (!strcmp(name, "mvfilter")) {
        rc = fn_mvfilter(tr, n, out, mv);
    } else if (!strcmp(name, "mvmap")) {
        rc = fn_mvmap(tr, n, out, mv);
    } else if (!strcmp(name, "in")) {
        if ((rc = arity(tr, n, name, 2, 64))) goto out;
        sbuf_addc(out, '(');
        for (int i = 1; i < n->nkids; i++) {
            int m = 0;
            sbuf_add(out, i > 1 ? " OR splop_cmp(0, " : "splop_cmp(0, ");
            if ((rc = ex(tr, n->kids[0], out, &m))) goto out;
            sbuf_add(out, ", ");
            if ((rc = ex(tr, n->kids[i], out, &m))) goto out;
            sbuf_addc(out, ')');
        }
        sbuf_addc(out, ')');
    } else if (!strcmp(name, "tostring") && n->nkids == 1 && spl_expr_is_bool(n->kids[0])) {
        /* a boolean becomes "True" or "False" (Search Reference, tostring) */
        sbuf b = {0};
        int m = 0;
        if (!(rc = ex(tr, n->kids[0], &b, &m))) {
            sbuf_printf(out, "CASE WHEN (%s) THEN ", b.s);
            spl_tr_bind_text(tr, out, "True");
            sbuf_printf(out, " WHEN NOT (%s) THEN ", b.s);
            spl_tr_bind_text(tr, out, "False");
            sbuf_add(out, " END");
        }
        sbuf_free(&b);
        if (rc) goto out;
    } else if (!strcmp(name, "typeof") && n->nkids == 1 && spl_expr_is_bool(n->kids[0])) {
        spl_tr_bind_text(tr, out, "Boolean");
    } else if (!strcmp(name, "mvindex") && n->nkids == 2 && n->kids[0]->kind == EX_CALL &&
               n->kids[0]->nkids == 2 && n->kids[0]->tok.n == 5 && !strncasecmp(n->kids[0]->tok.s, "split", 5)) {
        /* mvindex(split(x, sep), i): one value, without the list */
        const spl_node *sp = n->kids[0];
        int m = 0;
        sbuf_add(out, "spl_split_nth(");
        if ((rc = ex(tr, sp->kids[0], out, &m))) goto out;
        sbuf_add(out, ", ");
        if ((rc = ex(tr, sp->kids[1], out, &m))) goto out;
        sbuf_add(out, ", ");
        if ((rc = ex(tr, n->kids[1], out, &m))) goto out;
        sbuf_addc(out, ')');
        *mv = 0;
    } else {
        const fn_map *f = NULL;
        for (const fn_map *d = direct_fns; d->name && !f; d++)
            if (!strcmp(d->name, name)) f = d;
        for (const fn_map *d = num_fns; d->name && !f; d++)
            if (!strcmp(d->name, name)) f = d;
        if (!f) {
            rc = spl_tr_error(tr, n->tok.off, "unknown function '%s'", name);
            goto out;
        }
        if ((rc = arity(tr, n, name, f->min, f->max))) goto out;
        sbuf_printf(out, "%s(", f->sql);
        int m = 0;
        if ((rc = args_list(tr, n, out, NULL, &m))) goto out;
        sbuf_addc(out, ')');
        if (f->mv) *mv = 1;
    }
out:
    free(name);
    return rc;
}

int spl_expr_is_bool(const spl_node *n)
{
    static const char *const bool_fns[] = {"like", "match", "cidrmatch", "in", "isnull", "isnotnull", "isnum",
                                           "isint", "isstr", "isbool", "searchmatch", "true", "false", NULL};
    assert(n);
    switch (n->kind) {
    case EX_OR: case EX_XOR: case EX_AND: case EX_NOT:
    case EX_EQ: case EX_NE: case EX_LT: case EX_LE: case EX_GT: case EX_GE:
    case EX_LIKE: case EX_IN:
        return 1;
    case EX_CALL:
        for (int i = 0; bool_fns[i]; i++)
            if (n->tok.n == strlen(bool_fns[i]) && !strncasecmp(n->tok.s, bool_fns[i], n->tok.n)) return 1;
        return 0;
    default:
        return 0;
    }
}

static const char *cmp_code(int kind)
{
    switch (kind) {
    case EX_EQ: return "0";
    case EX_NE: return "1";
    case EX_LT: return "2";
    case EX_LE: return "3";
    case EX_GT: return "4";
    default: return "5";
    }
}

static int ex(spl_tr *tr, const spl_node *n, sbuf *out, int *mv)
{
    int m = 0;
    switch (n->kind) {
    case EX_NUM: {
        double d = 0;
        util_is_number(n->tok.s, n->tok.n, &d);
        spl_tr_bind_num(tr, out, d);
        return 0;
    }
    case EX_STR: {
        char *s = spl_tok_text(&n->tok);
        spl_tr_bind_text(tr, out, s);
        free(s);
        return 0;
    }
    case EX_FIELD: {
        char *f = n->tok.type == TK_QIDENT ? spl_tok_text(&n->tok) : xstrndup(n->tok.s, n->tok.n);
        spl_col *c = spl_tr_col(tr, f);
        free(f);
        if (c) {
            sbuf_add(out, c->sql);
            if (c->mv) *mv = 1;
        } else {
            sbuf_add(out, "NULL");
        }
        return 0;
    }
    case EX_CALL:
        return call(tr, n, out, mv);
    case EX_NOT:
        sbuf_add(out, "(NOT ");
        if (ex(tr, n->kids[0], out, &m)) return -1;
        sbuf_addc(out, ')');
        return 0;
    case EX_NEG:
        sbuf_add(out, "(-splop_num(");
        if (ex(tr, n->kids[0], out, &m)) return -1;
        sbuf_add(out, "))");
        return 0;
    case EX_AND: case EX_OR: {
        /* one n-ary node per chain (spl_ast.c) */
        char **items = xcalloc((size_t)n->nkids, sizeof *items);
        int rc = 0, k = 0;
        for (; k < n->nkids && !rc; k++) {
            sbuf one = {0};
            rc = ex(tr, n->kids[k], &one, &m);
            items[k] = sbuf_detach(&one);
        }
        if (!rc) {
            if (n->nkids == 1) sbuf_addc(out, '(');
            spl_sql_join(out, items, n->nkids, n->kind == EX_AND ? "AND" : "OR");
            if (n->nkids == 1) sbuf_addc(out, ')');
        }
        spl_sql_items_free(items, k);
        return rc;
    }
    case EX_XOR: {
        sbuf_addc(out, '(');
        if (ex(tr, n->kids[0], out, &m)) return -1;
        sbuf_add(out, " <> ");
        if (ex(tr, n->kids[1], out, &m)) return -1;
        sbuf_addc(out, ')');
        return 0;
    }
    case EX_EQ: case EX_NE: case EX_LT: case EX_LE: case EX_GT: case EX_GE:
        sbuf_printf(out, "splop_cmp(%s, ", cmp_code(n->kind));
        if (ex(tr, n->kids[0], out, &m)) return -1;
        sbuf_add(out, ", ");
        if (ex(tr, n->kids[1], out, &m)) return -1;
        sbuf_addc(out, ')');
        return 0;
    case EX_LIKE:
        sbuf_add(out, "spl_like(");
        if (ex(tr, n->kids[0], out, &m)) return -1;
        sbuf_add(out, ", ");
        if (ex(tr, n->kids[1], out, &m)) return -1;
        sbuf_addc(out, ')');
        return 0;
    case EX_IN: {
        if (n->nkids < 2) {
            sbuf_add(out, "(0)");
            return 0;
        }
        char **items = xcalloc((size_t)n->nkids, sizeof *items);
        int rc = 0, k = 0;
        for (int i = 1; i < n->nkids && !rc; i++) {
            sbuf one = {0};
            sbuf_add(&one, "splop_cmp(0, ");
            rc = ex(tr, n->kids[0], &one, &m);
            sbuf_add(&one, ", ");
            if (!rc) rc = ex(tr, n->kids[i], &one, &m);
            sbuf_addc(&one, ')');
            items[k++] = sbuf_detach(&one);
        }
        if (!rc) {
            sbuf_addc(out, '(');
            spl_sql_join(out, items, k, "OR");
            sbuf_addc(out, ')');
        }
        spl_sql_items_free(items, k);
        return rc;
    }
    case EX_ADD: {
        /* a+b+c... is one n-ary node (spl_ast.c) and one splop_add call,
         * which folds left to right; SQLite takes at most 127 arguments, so
         * longer sums call it again on the running total every
         * SPL_ADD_ARGS terms: splop_add(splop_add(a1, ..., a100), a101, ...) */
        int cnt = n->nkids;
        assert(cnt >= 2);
        int more = SPL_ADD_ARGS - 1; /* terms each further call adds */
        int calls = cnt <= SPL_ADD_ARGS ? 1 : 1 + (cnt - SPL_ADD_ARGS + more - 1) / more;
        if (calls > SPL_ADD_MAX_CALLS)
            return spl_tr_error(tr, n->tok.off, "a sum of %d terms is longer than the %d terms allowed", cnt,
                                SPL_ADD_ARGS + (SPL_ADD_MAX_CALLS - 1) * more);
        for (int c = 0; c < calls; c++) sbuf_add(out, "splop_add(");
        int rc = 0;
        for (int i = 0; i < cnt && !rc; i++) {
            if (i) {
                /* the first call holds SPL_ADD_ARGS terms, each further one
                 * the total so far and SPL_ADD_ARGS - 1 more */
                if (i >= SPL_ADD_ARGS && (i - SPL_ADD_ARGS) % more == 0) sbuf_addc(out, ')');
                sbuf_add(out, ", ");
            }
            rc = ex(tr, n->kids[i], out, &m);
        }
        sbuf_addc(out, ')');
        return rc;
    }
    case EX_CAT: {
        /* a.b.c... is one n-ary node: || is associative, so the list is
         * joined flat or as a shallow tree */
        char **items = xcalloc((size_t)n->nkids, sizeof *items);
        int rc = 0, k = 0;
        for (; k < n->nkids && !rc; k++) {
            sbuf one = {0};
            sbuf_add(&one, "splop_str(");
            rc = ex(tr, n->kids[k], &one, &m);
            sbuf_addc(&one, ')');
            items[k] = sbuf_detach(&one);
        }
        if (!rc) {
            sbuf_addc(out, '(');
            spl_sql_join(out, items, k, "||");
            sbuf_addc(out, ')');
        }
        spl_sql_items_free(items, k);
        return rc;
    }
    case EX_SUB: case EX_MUL: case EX_DIV: case EX_MOD: {
        const char *op = n->kind == EX_SUB ? " - " : n->kind == EX_MUL ? " * " : n->kind == EX_DIV ? " / " : " % ";
        sbuf_addc(out, '(');
        for (int i = 0; i < 2; i++) {
            /* -, *, / and negation of splop_num values are already a REAL
             * (or null): no second splop_num, which halves how deeply
             * nested arithmetic nests the SQL (% can give an INTEGER) */
            int k = n->kids[i]->kind, plain = k == EX_SUB || k == EX_MUL || k == EX_DIV || k == EX_NEG;
            if (i) sbuf_add(out, op);
            if (!plain) sbuf_add(out, "splop_num(");
            if (ex(tr, n->kids[i], out, &m)) return -1;
            if (!plain) sbuf_addc(out, ')');
        }
        sbuf_addc(out, ')');
        return 0;
    }
    default:
        return spl_tr_error(tr, n->tok.off, "internal error: not an eval expression");
    }
}

int spl_expr_sql(spl_tr *tr, const spl_node *n, sbuf *out, int *mv)
{
    int m = 0;
    int rc = ex(tr, n, out, &m);
    if (mv) *mv = m;
    return rc;
}
