/* sigma_expr.c: the boolean expressions a rule's detection becomes (AND, OR,
 * NOT over leaves) and the per-file diagnostics list. */
#include "sigma/sigma_int.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

sg_expr *sg_expr_new(sg_op op)
{
    sg_expr *e = xcalloc(1, sizeof *e);
    e->op = op;
    return e;
}

void sg_expr_add(sg_expr *e, sg_expr *kid)
{
    if (!kid) return;
    e->kids = xrealloc(e->kids, (e->n + 1) * sizeof *e->kids);
    e->kids[e->n++] = kid;
}

sg_expr *sg_expr_leaf(sg_leaf *l)
{
    sg_expr *e = sg_expr_new(SG_E_LEAF);
    e->leaf = l;
    return e;
}

void sg_leaf_free(sg_leaf *l)
{
    if (!l) return;
    free(l->field);
    sg_str_free(&l->str);
    free(l->text);
    free(l->flags);
    free(l);
}

void sg_expr_free(sg_expr *e)
{
    if (!e) return;
    for (size_t i = 0; i < e->n; i++) sg_expr_free(e->kids[i]);
    free(e->kids);
    sg_leaf_free(e->leaf);
    free(e);
}

void sg_diag(sg_diags *d, sigma_severity sev, int line, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < d->n; i++) /* a collection's documents repeat the global's findings */
        if (d->v[i].line == line && d->v[i].severity == sev && !strcmp(d->v[i].code, code) && !strcmp(d->v[i].message, msg)) {
            free(msg);
            return;
        }
    d->v = xrealloc(d->v, (d->n + 1) * sizeof *d->v);
    d->v[d->n++] = (sigma_diag){sev, line, xstrdup(code), msg};
    if (sev == SIGMA_ERROR) d->errors++;
}

void sg_strv_add(char ***v, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i], s)) return;
    *v = xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = xstrdup(s);
}

void sg_expr_fields(const sg_expr *e, int with_refs, char ***v, size_t *n)
{
    if (e->op == SG_E_LEAF) {
        if (e->leaf->field) sg_strv_add(v, n, e->leaf->field);
        if (with_refs && e->leaf->kind == SG_L_FIELDREF) sg_strv_add(v, n, e->leaf->text);
        return;
    }
    for (size_t i = 0; i < e->n; i++) sg_expr_fields(e->kids[i], with_refs, v, n);
}
