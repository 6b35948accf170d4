/* multi_plan.c: planning the shared scan. Each slot's formula is read into
 * atoms shared by all slots (one per column, kind and text), each contains-
 * atom into a literal for the matcher and each equality atom into a hash of
 * whole values; then, from the atoms' hit counts so far, each formula gets
 * its cheapest trigger set: atoms one of which holds whenever it does (an
 * OR needs all its kids' triggers, an AND the cheapest kid's), so a row
 * evaluates only the formulas one of whose triggers it hit. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "multi_int.h"
#include "util.h"

mx *mx_new(void)
{
    return xcalloc(1, sizeof(mx));
}

static void group_free(mx_group *g)
{
    free(g->table);
    free(g->slots);
    for (int i = 0; i < g->ncols; i++) { free(g->cols[i].name); free(g->cols[i].atoms); free(g->cols[i].res); }
    free(g->cols);
    for (int i = 0; i < g->natoms; i++) free(g->atoms[i].slots);
    free(g->atoms);
    for (int i = 0; i < g->nlits; i++) { free(g->lits[i].text); free(g->lits[i].atoms); }
    free(g->lits);
    for (int i = 0; i < g->neq; i++) free(g->eq_atoms[i]);
    free(g->eq_atoms);
    hmap_free(&g->col_ix);
    hmap_free(&g->atom_ix);
    hmap_free(&g->lit_ix);
    hmap_free(&g->eq_ix);
}

void mx_free(mx *m)
{
    if (!m) return;
    for (int i = 0; i < m->nslots; i++) mx_cands_free(&m->slots[i].c);
    free(m->slots);
    for (int i = 0; i < m->ngroups; i++) group_free(&m->groups[i]);
    free(m->groups);
    free(m);
}

static mx_group *group_of(mx *m, const char *table)
{
    for (int i = 0; i < m->ngroups; i++)
        if (!strcmp(m->groups[i].table, table)) return &m->groups[i];
    m->groups = xrealloc(m->groups, sizeof *m->groups * (size_t)(m->ngroups + 1));
    mx_group *g = &m->groups[m->ngroups++];
    memset(g, 0, sizeof *g);
    g->table = xstrdup(table);
    hmap_init(&g->col_ix);
    hmap_init(&g->atom_ix);
    hmap_init(&g->lit_ix);
    hmap_init(&g->eq_ix);
    return g;
}

static int col_of(mx_group *m, const char *name)
{
    long *v = hmap_get(&m->col_ix, name, strlen(name));
    if (v) return (int)*v;
    m->cols = xrealloc(m->cols, sizeof *m->cols * (size_t)(m->ncols + 1));
    memset(&m->cols[m->ncols], 0, sizeof m->cols[0]);
    m->cols[m->ncols].name = xstrdup(name);
    hmap_put(&m->col_ix, name, strlen(name), m->ncols);
    return m->ncols++;
}

static void lower(sbuf *b, const char *s, size_t n)
{
    sbuf_grow(b, n + 1);
    char *o = b->s + b->len;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        o[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    b->len += n;
    b->s[b->len] = 0;
}

/* the key of the equality hash: column index, then the lowercased value */
void mx_eq_key(sbuf *b, int col, const char *s, size_t n)
{
    sbuf_reset(b);
    uint32_t c = (uint32_t)col;
    sbuf_addn(b, (const char *)&c, sizeof c);
    lower(b, s, n);
}

static void push(int **v, int *n, int *cap, int x)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        *v = xrealloc(*v, sizeof **v * (size_t)*cap);
    }
    (*v)[(*n)++] = x;
}

static int atom_of(mx_group *m, spl_pf *f)
{
    int col = col_of(m, f->col);
    sbuf k = {0};
    sbuf_printf(&k, "%d %d%d%d%d ", col, f->eq, f->at_start, f->at_end, f->re);
    sbuf_add(&k, f->text);
    long *v = hmap_get(&m->atom_ix, k.s, k.len);
    if (v) { sbuf_free(&k); return (int)*v; }
    int id = m->natoms++;
    hmap_put(&m->atom_ix, k.s, k.len, id);
    m->atoms = xrealloc(m->atoms, sizeof *m->atoms * (size_t)m->natoms);
    mx_atom *a = &m->atoms[id];
    memset(a, 0, sizeof *a);
    a->col = col;
    a->text = f->text;
    a->len = strlen(f->text);
    a->eq = f->eq;
    a->re = f->re;
    a->at_start = f->at_start;
    a->at_end = f->at_end;
    a->lit = -1;
    push(&m->cols[col].atoms, &m->cols[col].natoms, &m->cols[col].capatoms, id);
    if (f->re) {
        push(&m->cols[col].res, &m->cols[col].nres, &m->cols[col].capres, id);
    } else if (f->eq) {
        m->cols[col].neq++;
        mx_eq_key(&k, col, a->text, a->len);
        long *e = hmap_get(&m->eq_ix, k.s, k.len);
        int ix;
        if (e) ix = (int)*e;
        else {
            ix = m->neq++;
            m->eq_atoms = xrealloc(m->eq_atoms, sizeof *m->eq_atoms * (size_t)m->neq);
            m->eq_atoms[ix] = NULL;
            hmap_put(&m->eq_ix, k.s, k.len, ix);
        }
        int n = 0;
        while (m->eq_atoms[ix] && m->eq_atoms[ix][n] >= 0) n++;
        m->eq_atoms[ix] = xrealloc(m->eq_atoms[ix], sizeof(int) * (size_t)(n + 2));
        m->eq_atoms[ix][n] = id;
        m->eq_atoms[ix][n + 1] = -1;
    } else {
        assert(a->len > 0);
        m->cols[col].nsub++;
        sbuf_reset(&k);
        lower(&k, a->text, a->len);
        long *l = hmap_get(&m->lit_ix, k.s, k.len);
        if (l) a->lit = (int)*l;
        else {
            a->lit = m->nlits++;
            m->lits = xrealloc(m->lits, sizeof *m->lits * (size_t)m->nlits);
            m->lits[a->lit].text = xstrndup(k.s, k.len);
            m->lits[a->lit].len = k.len;
            m->lits[a->lit].atoms = NULL;
            m->lits[a->lit].natoms = 0;
            hmap_put(&m->lit_ix, k.s, k.len, a->lit);
        }
        mx_lit *lt = &m->lits[a->lit];
        lt->atoms = xrealloc(lt->atoms, sizeof(int) * (size_t)(lt->natoms + 1));
        lt->atoms[lt->natoms++] = id;
    }
    sbuf_free(&k);
    return id;
}

static void plan_rec(mx_group *g, spl_pf *f)
{
    if (f->kind == PF_ATOM) { f->id = atom_of(g, f); return; }
    for (int i = 0; i < f->nkids; i++) plan_rec(g, f->kids[i]);
}

int mx_add(mx *m, spl_query *q)
{
    if (!q || !q->pf || q->pf_param < 1 || q->pf_param > q->nparams) return -1;
    mx_group *g = group_of(m, q->pf_table ? q->pf_table : "events");
    int s = m->nslots++;
    m->slots = xrealloc(m->slots, sizeof *m->slots * (size_t)m->nslots);
    memset(&m->slots[s], 0, sizeof m->slots[s]);
    m->slots[s].q = q;
    m->slots[s].pf = q->pf;
    m->slots[s].group = (int)(g - m->groups);
    push(&g->slots, &g->nslots, &g->capslots, s);
    spl_param *p = &q->params[q->pf_param - 1];
    p->is_num = 1;
    p->num = s;
    plan_rec(g, q->pf);
    m->stats.queries++;
    return s;
}

int mx_eval(const spl_pf *f, const unsigned char *hit)
{
    switch (f->kind) {
    case PF_TRUE: return 1;
    case PF_FALSE: return 0;
    case PF_ATOM: return hit[f->id];
    case PF_AND:
        for (int i = 0; i < f->nkids; i++)
            if (!mx_eval(f->kids[i], hit)) return 0;
        return 1;
    case PF_OR:
        for (int i = 0; i < f->nkids; i++)
            if (mx_eval(f->kids[i], hit)) return 1;
        return 0;
    }
    return 1;
}

/* expected share of rows on which f's trigger set fires */
static double cost(const mx_group *m, const spl_pf *f, long rows)
{
    switch (f->kind) {
    case PF_TRUE: return INFINITY;
    case PF_FALSE: return 0;
    case PF_ATOM: return ((double)m->atoms[f->id].hits + 1) / ((double)rows + 1);
    case PF_OR: {
        double c = 0;
        for (int i = 0; i < f->nkids; i++) c += cost(m, f->kids[i], rows);
        return c;
    }
    case PF_AND: {
        double c = INFINITY;
        for (int i = 0; i < f->nkids; i++) {
            double k = cost(m, f->kids[i], rows);
            if (k < c) c = k;
        }
        return c;
    }
    }
    return INFINITY;
}

static void collect(mx_group *m, const spl_pf *f, long rows, int s)
{
    switch (f->kind) {
    case PF_TRUE:
    case PF_FALSE: return;
    case PF_ATOM: {
        mx_atom *a = &m->atoms[f->id];
        if (a->nslots && a->slots[a->nslots - 1] == s) return;
        push(&a->slots, &a->nslots, &a->capslots, s);
        return;
    }
    case PF_OR:
        for (int i = 0; i < f->nkids; i++) collect(m, f->kids[i], rows, s);
        return;
    case PF_AND: {
        int best = 0;
        double c = INFINITY;
        for (int i = 0; i < f->nkids; i++) {
            double k = cost(m, f->kids[i], rows);
            if (k < c) { c = k; best = i; }
        }
        collect(m, f->kids[best], rows, s);
        return;
    }
    }
}

void mx_plan_triggers(mx *m, mx_group *g, long rows)
{
    for (int i = 0; i < g->natoms; i++) g->atoms[i].nslots = 0;
    for (int k = 0; k < g->nslots; k++) {
        mx_slot *s = &m->slots[g->slots[k]];
        if (!s->dense && rows >= 1024 && mx_cands_count(&s->c) * 2 > (size_t)rows) {
            /* most rows so far: its query will run without the list (mx_dense) */
            s->dense = 1;
            mx_cands_free(&s->c);
        }
        if (!s->dense) collect(g, s->pf, rows, g->slots[k]);
    }
}

size_t mx_count(const mx *m, int slot)
{
    if (slot < 0 || slot >= m->nslots) return 0;
    return mx_cands_count(&m->slots[slot].c);
}

int mx_dense(const mx *m, int slot)
{
    if (slot < 0 || slot >= m->nslots) return 0;
    if (m->slots[slot].dense) return 1;
    long rows = m->groups[m->slots[slot].group].rows;
    return rows > 0 && mx_count(m, slot) * 4 >= (size_t)rows;
}

mx_how mx_how_to_run(const mx *m, int slot)
{
    if (slot < 0 || slot >= m->nslots) return MX_RUN;
    if (mx_dense(m, slot)) return MX_ALONE;
    return m->slots[slot].q->empty_stays_empty && mx_count(m, slot) == 0 ? MX_NOTHING : MX_RUN;
}

const mx_stats *mx_get_stats(const mx *m)
{
    return &m->stats;
}
