/* datamodel.c: questions asked of a loaded dm_registry: which data set a
 * tstats "datamodel=" names, its fields, sources and constraints; whether a
 * source/alias constraint matches an event; which alias assignments define a
 * field. Loading is in datamodel_load.c, expressions in datamodel_expr.c. */
#include "datamodel.h"

#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static dm_dataset *dm_find_in_model(const dm_model *mo, const char *name, size_t len)
{
    for (size_t i = 0; i < mo->ndatasets; i++)
        if (strlen(mo->datasets[i].name) == len && strncasecmp(mo->datasets[i].name, name, len) == 0)
            return &mo->datasets[i];
    return NULL;
}

/* 1 if field belongs to ds, an ancestor or a descendant: a root's sources
 * also compute the fields its children declare. */
static int dm_field_in_subtree(const dm_model *mo, const dm_dataset *ds, const char *field)
{
    if (dm_dataset_has_field(ds, field)) return 1;
    for (size_t i = 0; i < mo->ndatasets; i++) {
        const dm_dataset *c = &mo->datasets[i];
        for (size_t f = 0; f < c->nfields; f++) {
            if (strcmp(c->fields[f], field) != 0) continue;
            for (const dm_dataset *p = c->parent; p; p = p->parent)
                if (p == ds) return 1;
        }
    }
    return 0;
}

int dm_resolve(dm_registry *reg, char **err)
{
    assert(reg && err);
    for (size_t m = 0; m < reg->nmodels; m++) {
        dm_model *mo = &reg->models[m];
        for (size_t i = 0; i < mo->ndatasets; i++) {
            dm_dataset *ds = &mo->datasets[i];
            ds->model = mo;
            ds->parent = NULL;
            if (ds->parent_name) {
                ds->parent = dm_find_in_model(mo, ds->parent_name, strlen(ds->parent_name));
                if (!ds->parent) {
                    *err = xasprintf("%s:%d: data set %s: parent %s is not a data set of %s", ds->file, ds->line,
                                     ds->name, ds->parent_name, mo->name);
                    return -1;
                }
                if (ds->nsources) {
                    *err = xasprintf("%s:%d: data set %s: a child data set takes its parent's sources; "
                                     "select its events with constraint:", ds->file, ds->line, ds->name);
                    return -1;
                }
            }
        }
        for (size_t i = 0; i < mo->ndatasets; i++) {
            const dm_dataset *ds = &mo->datasets[i];
            size_t depth = 0;
            for (const dm_dataset *p = ds->parent; p; p = p->parent)
                if (++depth > mo->ndatasets) {
                    *err = xasprintf("%s:%d: data set %s: its parents form a cycle", ds->file, ds->line, ds->name);
                    return -1;
                }
            for (size_t c = 0; c < ds->ncalcs; c++)
                if (!dm_dataset_has_field(ds, ds->calcs[c].field)) {
                    *err = xasprintf("%s:%d: calculated field %s is not a field of %s (add it to fields:)",
                                     ds->calcs[c].file, ds->calcs[c].line, ds->calcs[c].field, ds->path);
                    return -1;
                }
            for (size_t s = 0; s < ds->nsources; s++)
                for (size_t f = 0; f < ds->sources[s].nfields; f++) {
                    const dm_assign *a = &ds->sources[s].fields[f];
                    if (!dm_field_in_subtree(mo, ds, a->field)) {
                        *err = xasprintf("%s:%d: %s is not a field of %s (add it to fields:)", a->file, a->line,
                                         a->field, ds->path);
                        return -1;
                    }
                }
        }
    }
    if (dm_eventtypes_resolve(reg, err)) return -1;
    reg->resolved = 1;
    return 0;
}

const dm_model *dm_model_find(const dm_registry *reg, const char *name)
{
    for (size_t i = 0; i < reg->nmodels; i++)
        if (strcasecmp(reg->models[i].name, name) == 0) return &reg->models[i];
    return NULL;
}

static const dm_model *dm_model_findn(const dm_registry *reg, const char *name, size_t len)
{
    for (size_t i = 0; i < reg->nmodels; i++)
        if (strlen(reg->models[i].name) == len && strncasecmp(reg->models[i].name, name, len) == 0)
            return &reg->models[i];
    return NULL;
}

const dm_dataset *dm_dataset_find(const dm_registry *reg, const char *spec, char **err)
{
    assert(reg && spec && err);
    assert(reg->resolved);
    *err = NULL;
    const char *dot = strchr(spec, '.');
    size_t mlen = dot ? (size_t)(dot - spec) : strlen(spec);
    const dm_model *mo = dm_model_findn(reg, spec, mlen);
    if (!mo) {
        *err = xasprintf("unknown data model '%.*s'", (int)mlen, spec);
        return NULL;
    }
    if (!dot) {
        const dm_dataset *only = NULL;
        size_t roots = 0;
        for (size_t i = 0; i < mo->ndatasets; i++) {
            if (mo->datasets[i].parent) continue;
            roots++;
            only = &mo->datasets[i];
            if (strcasecmp(mo->datasets[i].name, mo->name) == 0) return only;
        }
        if (roots == 1) return only;
        *err = xasprintf("data model %s has %zu root data sets; name one (e.g. %s.%s)", mo->name, roots, mo->name,
                         only ? only->name : "?");
        return NULL;
    }
    /* Model.A[.B...]: every component a data set, each the parent of the next. */
    const dm_dataset *prev = NULL, *ds = NULL;
    const char *p = dot + 1;
    for (;;) {
        const char *end = strchr(p, '.');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        ds = dm_find_in_model(mo, p, len);
        if (!ds) {
            *err = xasprintf("data model %s has no data set '%.*s'", mo->name, (int)len, p);
            return NULL;
        }
        if (prev && ds->parent != prev) {
            *err = xasprintf("in data model %s, %s is not a child of %s", mo->name, ds->name, prev->name);
            return NULL;
        }
        if (!end) break;
        prev = ds;
        p = end + 1;
    }
    return ds;
}

const dm_dataset *dm_dataset_root(const dm_dataset *ds)
{
    while (ds->parent) ds = ds->parent;
    return ds;
}

int dm_dataset_has_field(const dm_dataset *ds, const char *name)
{
    for (; ds; ds = ds->parent)
        for (size_t i = 0; i < ds->nfields; i++)
            if (strcmp(ds->fields[i], name) == 0) return 1;
    return 0;
}

static size_t dm_collect_fields(const dm_dataset *ds, const char **out, size_t n)
{
    if (ds->parent) n = dm_collect_fields(ds->parent, out, n);
    for (size_t i = 0; i < ds->nfields; i++) {
        if (out) out[n] = ds->fields[i];
        n++;
    }
    return n;
}

size_t dm_dataset_all_fields(const dm_dataset *ds, const char ***out)
{
    size_t n = dm_collect_fields(ds, NULL, 0);
    *out = xcalloc(n ? n : 1, sizeof **out);
    dm_collect_fields(ds, *out, 0);
    return n;
}

const dm_source *dm_dataset_sources(const dm_dataset *ds, size_t *n)
{
    const dm_dataset *root = dm_dataset_root(ds);
    *n = root->nsources;
    return root->sources;
}

static void dm_add_constraints(const dm_dataset *ds, sbuf *b)
{
    if (ds->parent) dm_add_constraints(ds->parent, b);
    if (!ds->constraint) return;
    if (b->len) sbuf_addc(b, ' ');
    sbuf_printf(b, "(%s)", ds->constraint);
}

char *dm_dataset_constraint(const dm_dataset *ds)
{
    sbuf b = {0};
    dm_add_constraints(ds, &b);
    if (!b.len) return NULL;
    return sbuf_detach(&b);
}

static size_t dm_collect_calcs(const dm_dataset *ds, const dm_assign **out, size_t n)
{
    if (ds->parent) n = dm_collect_calcs(ds->parent, out, n);
    for (size_t i = 0; i < ds->ncalcs; i++) {
        if (out) out[n] = &ds->calcs[i];
        n++;
    }
    return n;
}

size_t dm_dataset_all_calcs(const dm_dataset *ds, const dm_assign ***out)
{
    size_t n = dm_collect_calcs(ds, NULL, 0);
    *out = xcalloc(n ? n : 1, sizeof **out);
    dm_collect_calcs(ds, *out, 0);
    return n;
}

const char *dm_source_expr(const dm_source *src, const char *field)
{
    for (size_t i = 0; i < src->nfields; i++)
        if (strcmp(src->fields[i].field, field) == 0) return src->fields[i].expr;
    return NULL;
}

int dm_wildcard_match(const char *pat, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*pat == '*') {
            star = pat++;
            resume = s;
        } else if (*pat && tolower((unsigned char)*pat) == tolower((unsigned char)*s)) {
            pat++;
            s++;
        } else if (star) {
            pat = star + 1;
            s = ++resume;
        } else return 0;
    }
    while (*pat == '*') pat++;
    return *pat == 0;
}

static int dm_cond_holds(const dm_cond *c, const char *value)
{
    for (size_t i = 0; i < c->nvalues; i++)
        if (dm_wildcard_match(c->values[i], value)) return 1;
    return 0;
}

int dm_match_test(const dm_match *m, dm_getter get, void *ctx)
{
    for (size_t i = 0; i < m->nconds; i++) {
        const char *v = get(ctx, m->conds[i].field);
        if (!v || !dm_cond_holds(&m->conds[i], v)) return 0;
    }
    return 1;
}

dm_tri dm_match_known(const dm_match *m, const char *sourcetype, const char *source, const char *eventcode)
{
    dm_tri r = DM_YES;
    for (size_t i = 0; i < m->nconds; i++) {
        const dm_cond *c = &m->conds[i];
        const char *v = NULL;
        if (strcmp(c->field, "sourcetype") == 0) v = sourcetype;
        else if (strcmp(c->field, "source") == 0) v = source;
        else if (strcmp(c->field, "EventCode") == 0) v = eventcode;
        if (!v) r = DM_MAYBE;
        else if (!dm_cond_holds(c, v)) return DM_NO;
    }
    return r;
}

/* 1 if patterns a and b (case-insensitive, '*' wildcards) can match the
 * same value; only the shapes the alias files use are told apart exactly
 * (literals, "*suffix"), any other pair of patterns may overlap. */
static int dm_patterns_overlap(const char *a, const char *b)
{
    int wa = strchr(a, '*') != NULL, wb = strchr(b, '*') != NULL;
    if (!wa) return dm_wildcard_match(b, a);
    if (!wb) return dm_wildcard_match(a, b);
    if (a[0] == '*' && b[0] == '*' && !strchr(a + 1, '*') && !strchr(b + 1, '*')) {
        /* "*x" and "*y" overlap iff one of x, y ends with the other */
        size_t la = strlen(a + 1), lb = strlen(b + 1);
        const char *lo = la >= lb ? a + 1 : b + 1, *sh = la >= lb ? b + 1 : a + 1;
        return strcasecmp(lo + strlen(lo) - strlen(sh), sh) == 0;
    }
    return 1;
}

int dm_match_disjoint(const dm_match *a, const dm_match *b)
{
    for (size_t i = 0; i < a->nconds; i++)
        for (size_t j = 0; j < b->nconds; j++) {
            const dm_cond *x = &a->conds[i], *y = &b->conds[j];
            if (strcmp(x->field, y->field) != 0) continue;
            int overlap = 0;
            for (size_t p = 0; p < x->nvalues && !overlap; p++)
                for (size_t q = 0; q < y->nvalues && !overlap; q++)
                    overlap = dm_patterns_overlap(x->values[p], y->values[q]);
            if (!overlap) return 1;
        }
    return 0;
}

/* 1 if every value pattern p matches is one that pattern q matches too
 * (the same shapes as dm_patterns_overlap; otherwise 0: not known) */
static int dm_pattern_within(const char *p, const char *q)
{
    if (!strchr(p, '*')) return dm_wildcard_match(q, p);
    if (p[0] == '*' && q[0] == '*' && !strchr(p + 1, '*') && !strchr(q + 1, '*')) {
        size_t lp = strlen(p + 1), lq = strlen(q + 1);
        return lp >= lq && strcasecmp(p + 1 + lp - lq, q + 1) == 0;
    }
    return 0;
}

int dm_match_implies(const dm_match *a, const dm_match *b)
{
    for (size_t j = 0; j < b->nconds; j++) {
        const dm_cond *y = &b->conds[j];
        int held = 0;
        for (size_t i = 0; i < a->nconds && !held; i++) {
            const dm_cond *x = &a->conds[i];
            if (strcmp(x->field, y->field) != 0 || !x->nvalues) continue;
            held = 1;
            for (size_t p = 0; p < x->nvalues && held; p++) {
                int in = 0;
                for (size_t q = 0; q < y->nvalues && !in; q++) in = dm_pattern_within(x->values[p], y->values[q]);
                held = in;
            }
        }
        if (!held) return 0;
    }
    return 1;
}

size_t dm_aliases_for(const dm_registry *reg, const char *sourcetype, const char *source, const char *eventcode,
                      const dm_alias_set **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < reg->naliases; i++) {
        if (dm_match_known(&reg->aliases[i].match, sourcetype, source, eventcode) == DM_NO) continue;
        if (n < max) out[n] = &reg->aliases[i];
        n++;
    }
    return n;
}

size_t dm_alias_defs(const dm_registry *reg, const char *field, unsigned before, const dm_assign **defs,
                     const dm_alias_set **sets, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < reg->naliases; i++) {
        const dm_alias_set *as = &reg->aliases[i];
        for (size_t j = 0; j < as->nfields; j++) {
            if (as->fields[j].seq >= before || strcmp(as->fields[j].field, field) != 0) continue;
            if (n < max) {
                if (defs) defs[n] = &as->fields[j];
                if (sets) sets[n] = as;
            }
            n++;
        }
    }
    return n;
}

size_t dm_alias_plan(const dm_registry *reg, const char *field, unsigned before, const char *sourcetype,
                     const char *source, const char *eventcode, dm_alias_def **out)
{
    assert(reg && field && out);
    *out = NULL;
    size_t n = 0, cap = 0;
    /* Walk backwards: the last matching definition wins. */
    for (size_t i = reg->naliases; i-- > 0;) {
        const dm_alias_set *as = &reg->aliases[i];
        for (size_t j = as->nfields; j-- > 0;) {
            const dm_assign *a = &as->fields[j];
            if (a->seq >= before || strcmp(a->field, field) != 0) continue;
            dm_tri k = dm_match_known(&as->match, sourcetype, source, eventcode);
            if (k == DM_NO) continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 4;
                *out = xrealloc(*out, cap * sizeof **out);
            }
            (*out)[n++] = (dm_alias_def){as, a, k};
            if (k == DM_YES) return n;
        }
    }
    return n;
}

/* The data set of ds's model, in ds's tree, that declares field (the root
 * and its descendants; the first found walking the model in order). */
static const dm_dataset *dm_field_owner(const dm_dataset *ds, const char *field)
{
    const dm_dataset *root = dm_dataset_root(ds);
    const dm_model *mo = root->model;
    for (size_t i = 0; i < mo->ndatasets; i++) {
        const dm_dataset *c = &mo->datasets[i];
        if (dm_dataset_root(c) != root) continue;
        for (size_t f = 0; f < c->nfields; f++)
            if (strcmp(c->fields[f], field) == 0) return c;
    }
    return NULL;
}

static void dm_add_path(sbuf *b, const dm_dataset *ds)
{
    if (ds->parent) {
        dm_add_path(b, ds->parent);
        sbuf_addc(b, '.');
    }
    sbuf_add(b, ds->name);
}

char *dm_field_path(const dm_dataset *ds, const char *field)
{
    assert(ds && field);
    const dm_dataset *owner = dm_field_owner(ds, field);
    if (!owner) return NULL;
    sbuf b = {0};
    dm_add_path(&b, owner);
    sbuf_printf(&b, ".%s", field);
    return sbuf_detach(&b);
}

const char *dm_field_from_path(const dm_dataset *ds, const char *dotted)
{
    assert(ds && dotted);
    static const char *const base[] = {"_time", "host", "source", "sourcetype", NULL};
    for (size_t i = 0; base[i]; i++)
        if (strcmp(dotted, base[i]) == 0) return base[i];
    /* the field is after the last dot; field names themselves may hold dots
     * (annotations.mitre_attack), so try every split from the left */
    for (const char *dot = strchr(dotted, '.'); dot; dot = strchr(dot + 1, '.')) {
        const dm_dataset *owner = dm_field_owner(ds, dot + 1);
        if (!owner) continue;
        sbuf b = {0};
        dm_add_path(&b, owner);
        int same = strlen(b.s) == (size_t)(dot - dotted) && strncasecmp(b.s, dotted, (size_t)(dot - dotted)) == 0;
        sbuf_free(&b);
        if (!same) continue;
        for (size_t f = 0; f < owner->nfields; f++)
            if (strcmp(owner->fields[f], dot + 1) == 0) return owner->fields[f];
    }
    return NULL;
}
