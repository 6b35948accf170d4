/* spl_ast.c: the syntax tree the grammar's actions build (builder functions
 * called from grammar/spl_grammar.y), driving the Lemon parser over a token
 * range, and SPL error messages with line, column and caret. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

static spl_node *node_new(spl_pctx *P, int kind)
{
    spl_node *n = xcalloc(1, sizeof *n);
    n->kind = kind;
    if (P->nnodes == P->cap) {
        P->cap = P->cap ? P->cap * 2 : 32;
        P->nodes = xrealloc(P->nodes, sizeof *P->nodes * (size_t)P->cap);
    }
    P->nodes[P->nnodes++] = n;
    return n;
}

static void node_add(spl_node *n, spl_node *k)
{
    if (n->nkids == n->cap) {
        n->cap = n->cap ? n->cap * 2 : 4;
        n->kids = xrealloc(n->kids, sizeof *n->kids * (size_t)n->cap);
    }
    n->kids[n->nkids++] = k;
}

/* Chains of AND or OR (associative: a parenthesised right side merges
 * too) and left-deep chains of + and . (a+b+c; a+(b+c) keeps its grouping,
 * Splunk's + on strings and numbers not being associative) become one
 * n-ary node: 20,000 terms make one node with 20,000 kids, so translating
 * them neither recurses deeply nor nests the SQL. Linear: a chain grows by
 * appending to its node. */
static int assoc_kind(int kind)
{
    return kind == SN_AND || kind == SN_OR || kind == EX_AND || kind == EX_OR;
}

spl_node *spl_node_bin(spl_pctx *P, int kind, spl_node *a, spl_node *b)
{
    assert(a && b);
    int flat = assoc_kind(kind) || kind == EX_ADD || kind == EX_CAT;
    spl_node *n = a;
    if (!flat || a->kind != kind) {
        n = node_new(P, kind);
        n->tok = a->tok;
        node_add(n, a);
    }
    if (assoc_kind(kind) && b->kind == kind)
        for (int i = 0; i < b->nkids; i++) node_add(n, b->kids[i]);
    else
        node_add(n, b);
    return n;
}

spl_node *spl_node_un(spl_pctx *P, int kind, const spl_token *t, spl_node *a)
{
    spl_node *n = node_new(P, kind);
    n->tok = *t;
    node_add(n, a);
    return n;
}

spl_node *spl_node_leaf(spl_pctx *P, int kind, const spl_token *t)
{
    spl_node *n = node_new(P, kind);
    n->tok = *t;
    return n;
}

spl_node *spl_node_cmp(spl_pctx *P, const spl_token *f, int op, const spl_token *v)
{
    spl_node *n = node_new(P, SN_CMP);
    n->tok = *f;
    n->op = op;
    n->val = *v;
    return n;
}

spl_node *spl_node_in(spl_pctx *P, const spl_token *f, spl_node *list)
{
    spl_node *n = node_new(P, SN_IN);
    n->tok = *f;
    for (int i = 0; list && i < list->nkids; i++) node_add(n, list->kids[i]);
    return n;
}

spl_node *spl_node_inexpr(spl_pctx *P, spl_node *e, spl_node *list)
{
    spl_node *n = node_new(P, EX_IN);
    n->tok = e->tok;
    node_add(n, e);
    for (int i = 0; list && i < list->nkids; i++) node_add(n, list->kids[i]);
    return n;
}

spl_node *spl_node_call(spl_pctx *P, const spl_token *name, spl_node *args)
{
    spl_node *n = node_new(P, EX_CALL);
    n->tok = *name;
    for (int i = 0; args && i < args->nkids; i++) node_add(n, args->kids[i]);
    return n;
}

spl_node *spl_node_list(spl_pctx *P, spl_node *list, spl_node *item)
{
    if (!list) list = node_new(P, NODE_LIST);
    if (item) node_add(list, item);
    return list;
}

void spl_pctx_error_at(spl_pctx *P, size_t off, const char *fmt, ...)
{
    if (P->failed) return;
    P->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    spl_error_clear(P->err);
    P->err->msg = xvasprintf(fmt, ap);
    va_end(ap);
    P->err->off = off;
    P->err->has_pos = 1;
    P->err->syntax = 1;
}

void spl_pctx_syntax_error(spl_pctx *P, const spl_token *t)
{
    if (!t || !t->type || !t->s) {
        spl_pctx_error_at(P, P->end_off, "syntax error: unexpected end of expression");
        return;
    }
    int w = t->n > 60 ? 60 : (int)t->n;
    spl_pctx_error_at(P, t->off, "syntax error near '%.*s'", w, t->s);
}

void spl_pctx_free(spl_pctx *P)
{
    for (int i = 0; i < P->nnodes; i++) {
        free(P->nodes[i]->kids);
        free(P->nodes[i]);
    }
    free(P->nodes);
    P->nodes = NULL;
    P->nnodes = P->cap = 0;
    P->result = NULL;
}

/* Reject a tree nested deeper than SPL_MAX_NEST (walked with an explicit
 * stack): translation recurses along the nesting, and every level nests the
 * SQL, whose parser gives up at about 100 parentheses. The error points at
 * the first node too deep. */
static void check_depth(spl_pctx *P)
{
    if (!P->result) return;
    typedef struct { const spl_node *n; int d; } item;
    int cap = 64, sp = 0;
    item *st = xmalloc(sizeof *st * (size_t)cap);
    st[sp++] = (item){P->result, 1};
    while (sp) {
        item it = st[--sp];
        if (it.d > SPL_MAX_NEST) {
            spl_pctx_error_at(P, it.n->tok.off,
                              "expression nests more than %d levels deep (parentheses, NOT, operators, "
                              "function calls): simplify it or split it across commands", SPL_MAX_NEST);
            break;
        }
        for (int i = it.n->nkids - 1; i >= 0; i--) { /* leftmost first */
            if (!it.n->kids[i]) continue;
            if (sp == cap) {
                cap *= 2;
                st = xrealloc(st, sizeof *st * (size_t)cap);
            }
            st[sp++] = (item){it.n->kids[i], it.d + 1};
        }
    }
    free(st);
}

int spl_parse_expr(spl_pctx *P, int start, const spl_toks *toks, int from, int to, size_t end_off)
{
    assert(start == TK_SEARCH_START || start == TK_EVAL_START);
    void *p = spl_lemonAlloc(malloc);
    spl_token st = {start, "", 0, from < to ? toks->v[from].off : end_off};
    P->end_off = end_off;
    P->result = NULL;
    spl_lemon(p, start, st, P);
    for (int i = from; i < to && !P->failed; i++) {
        int ty = toks->v[i].type;
        if (ty == TK_PIPE || ty == TK_LBRACKET || ty == TK_RBRACKET) {
            int w = (int)toks->v[i].n;
            spl_pctx_error_at(P, toks->v[i].off, "unexpected '%.*s'%s", w, toks->v[i].s,
                              ty == TK_PIPE ? "" : " (a subsearch is not allowed here)");
            break;
        }
        P->cur_off = toks->v[i].off;
        spl_lemon(p, ty, toks->v[i], P);
    }
    if (!P->failed) {
        spl_token eof = {0, NULL, 0, end_off};
        spl_lemon(p, 0, eof, P);
    }
    spl_lemonFree(p, free);
    if (!P->failed) check_depth(P);
    return P->failed ? -1 : 0;
}

void spl_error_clear(spl_error *e)
{
    free(e->msg);
    e->msg = NULL;
    e->has_pos = 0;
    e->off = 0;
    e->syntax = 0;
    e->macro = 0;
}

void spl_error_free(spl_error *e)
{
    spl_error_clear(e);
    free(e->text);
    e->text = NULL;
}

/* characters of a long line shown on each side of an error's spot */
#define SPL_ERR_CONTEXT 100

char *spl_error_format(const spl_error *e)
{
    sbuf b = {0};
    sbuf_add(&b, e->msg ? e->msg : "unknown error");
    if (e->has_pos && e->text) {
        const char *t = e->text;
        size_t len = strlen(t), off = e->off > len ? len : e->off;
        int line = 1;
        size_t ls = 0;
        for (size_t i = 0; i < off; i++)
            if (t[i] == '\n') { line++; ls = i + 1; }
        size_t le = ls;
        while (le < len && t[le] != '\n') le++;
        /* column counts characters, not UTF-8 continuation bytes */
        int col = 1;
        for (size_t i = ls; i < off; i++)
            if (((unsigned char)t[i] & 0xC0) != 0x80) col++;
        sbuf_printf(&b, " (line %d, column %d)\n  ", line, col);
        /* a long line (a generated query of thousands of terms) is shown
         * around the spot only, cut at character boundaries */
        const char *pre = "", *post = "";
        if (le - ls > 2 * SPL_ERR_CONTEXT) {
            size_t a = off > ls + SPL_ERR_CONTEXT ? off - SPL_ERR_CONTEXT : ls;
            size_t z = le - off > SPL_ERR_CONTEXT ? off + SPL_ERR_CONTEXT : le;
            while (a > ls && ((unsigned char)t[a] & 0xC0) == 0x80) a--;
            while (z < le && ((unsigned char)t[z] & 0xC0) == 0x80) z++;
            if (a > ls) pre = "...";
            if (z < le) post = "...";
            ls = a;
            le = z;
        }
        sbuf_add(&b, pre);
        sbuf_addn(&b, t + ls, le - ls);
        sbuf_add(&b, post);
        sbuf_add(&b, "\n  ");
        sbuf_add(&b, *pre ? "   " : "");
        for (size_t i = ls; i < off; i++) {
            if (((unsigned char)t[i] & 0xC0) == 0x80) continue;
            sbuf_addc(&b, t[i] == '\t' ? '\t' : ' ');
        }
        sbuf_addc(&b, '^');
    }
    return sbuf_detach(&b);
}
