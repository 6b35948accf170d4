/* datamodel_eventtype.c: event types and field-value tags (Splunk's
 * eventtypes.conf and tags.conf, kept as YAML under datamodels/eventtypes/):
 * reading them into the registry, looking them up, and checking that the
 * searches name only known event types and never refer back to themselves. */
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "datamodel_int.h"
#include "util.h"

/* A tag or an event type name: letters, digits and _ - . : only (so that
 * `tag=NAME` in a search needs no quoting). */
static int et_name_ok(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("_-.:", *s)) return 0;
    return 1;
}

static int et_tags(dm_loader *ld, yaml_node_t *v, const char ***tags, size_t *ntags)
{
    if (dm_string_list(ld, v, "a tag", tags, ntags)) return -1;
    for (size_t i = 0; i < *ntags; i++) {
        if (!et_name_ok((*tags)[i]))
            return dm_fail(ld, v, "tag '%s': use letters, digits, '_', '-', '.', ':' only", (*tags)[i]);
        for (size_t j = 0; j < i; j++)
            if (!strcasecmp((*tags)[i], (*tags)[j])) return dm_fail(ld, v, "tag '%s' is given twice", (*tags)[i]);
    }
    return 0;
}

static int et_parse_one(dm_loader *ld, yaml_node_t *n)
{
    dm_registry *reg = ld->reg;
    if (n->type != YAML_MAPPING_NODE) return dm_fail(ld, n, "an event type must be a mapping (name, search, tags)");
    if (dm_check_keys(ld, n)) return -1;
    dm_eventtype *et = &reg->eventtypes[reg->neventtypes++];
    memset(et, 0, sizeof *et);
    et->file = ld->file;
    et->line = dm_line(n);
    DM_EACH_PAIR(ld, n, k, v) {
        const char *key = dm_scalar(k);
        if (!strcmp(key, "name")) et->name = dm_string(ld, v, "name");
        else if (!strcmp(key, "search")) et->search = dm_string(ld, v, "search");
        else if (!strcmp(key, "tags")) et_tags(ld, v, &et->tags, &et->ntags);
        else if (strcmp(key, "description")) dm_fail(ld, k, "unknown key '%s' in an event type (name, search, tags)", key);
    }
    if (ld->err) return -1;
    if (!et->name) return dm_fail(ld, n, "an event type needs a name");
    if (!et_name_ok(et->name))
        return dm_fail(ld, n, "event type name '%s': use letters, digits, '_', '-', '.', ':' only", et->name);
    if (!et->search) return dm_fail(ld, n, "event type %s needs a search", et->name);
    for (size_t i = 0; i + 1 < reg->neventtypes; i++)
        if (!strcasecmp(reg->eventtypes[i].name, et->name))
            return dm_fail(ld, n, "event type %s is defined twice (first at %s:%d)", et->name, reg->eventtypes[i].file,
                           reg->eventtypes[i].line);
    return 0;
}

static int ft_parse_one(dm_loader *ld, yaml_node_t *n)
{
    dm_registry *reg = ld->reg;
    if (n->type != YAML_MAPPING_NODE) return dm_fail(ld, n, "a field tag must be a mapping (field, value, tags)");
    if (dm_check_keys(ld, n)) return -1;
    dm_fieldtag *ft = &reg->fieldtags[reg->nfieldtags++];
    memset(ft, 0, sizeof *ft);
    ft->file = ld->file;
    ft->line = dm_line(n);
    DM_EACH_PAIR(ld, n, k, v) {
        const char *key = dm_scalar(k);
        if (!strcmp(key, "field")) ft->field = dm_string(ld, v, "field");
        else if (!strcmp(key, "value")) ft->value = dm_string(ld, v, "value");
        else if (!strcmp(key, "tags")) et_tags(ld, v, &ft->tags, &ft->ntags);
        else dm_fail(ld, k, "unknown key '%s' in a field tag (field, value, tags)", key);
    }
    if (ld->err) return -1;
    if (!ft->field || !ft->value) return dm_fail(ld, n, "a field tag needs field: and value:");
    if (!ft->ntags) return dm_fail(ld, n, "a field tag needs tags:");
    if (!strcmp(ft->field, "eventtype") || !strncmp(ft->field, "tag", 3))
        return dm_fail(ld, n, "field tags on %s: tag event types in their entry instead", ft->field);
    return 0;
}

int dm_parse_eventtypes(dm_loader *ld, yaml_node_t *root)
{
    dm_registry *reg = ld->reg;
    DM_EACH_PAIR(ld, root, k, v) {
        const char *key = dm_scalar(k);
        int is_et = !strcmp(key, "eventtypes");
        if (!is_et && strcmp(key, "fieldtags")) {
            if (strcmp(key, "description"))
                dm_fail(ld, k, "unknown key '%s' in an event type file (eventtypes, fieldtags)", key);
            continue;
        }
        if (v->type != YAML_SEQUENCE_NODE) return dm_fail(ld, v, "%s: must be a list", key);
        size_t cnt = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
        if (is_et) reg->eventtypes = xrealloc(reg->eventtypes, (reg->neventtypes + cnt + 1) * sizeof *reg->eventtypes);
        else reg->fieldtags = xrealloc(reg->fieldtags, (reg->nfieldtags + cnt + 1) * sizeof *reg->fieldtags);
        for (size_t i = 0; i < cnt; i++) {
            yaml_node_t *n = dm_node(ld, v->data.sequence.items.start[i]);
            if (is_et ? et_parse_one(ld, n) : ft_parse_one(ld, n)) return -1;
        }
    }
    return ld->err ? -1 : 0;
}

const dm_eventtype *dm_eventtype_find(const dm_registry *reg, const char *name)
{
    for (size_t i = 0; i < reg->neventtypes; i++)
        if (!strcasecmp(reg->eventtypes[i].name, name)) return &reg->eventtypes[i];
    return NULL;
}

int dm_eventtype_has_tag(const dm_eventtype *et, const char *pattern)
{
    for (size_t i = 0; i < et->ntags; i++)
        if (dm_wildcard_match(pattern, et->tags[i])) return 1;
    return 0;
}

/* --- checking the searches --- */

/* One eventtype=/tag= reference in a search text. */
typedef struct et_ref {
    int is_tag;
    char *value;
} et_ref;

typedef struct et_scan {
    const char *s;
    size_t i, n;
    et_ref *refs;
    size_t nrefs;
    const char *bad; /* what is wrong with the text, or NULL */
} et_scan;

static void sc_space(et_scan *c)
{
    while (c->i < c->n && isspace((unsigned char)c->s[c->i])) c->i++;
}

/* a word or a quoted string at c->i (malloc'd, quotes removed), or NULL */
static char *sc_word(et_scan *c)
{
    sc_space(c);
    if (c->i >= c->n) return NULL;
    sbuf b = {0};
    if (c->s[c->i] == '"') {
        c->i++;
        while (c->i < c->n && c->s[c->i] != '"') {
            if (c->s[c->i] == '\\' && c->i + 1 < c->n) c->i++;
            sbuf_addc(&b, c->s[c->i++]);
        }
        if (c->i >= c->n) { c->bad = "a quoted string is not closed"; sbuf_free(&b); return NULL; }
        c->i++;
        if (!b.s) sbuf_add(&b, "");
        return sbuf_detach(&b);
    }
    while (c->i < c->n && !isspace((unsigned char)c->s[c->i]) && !strchr("()=!<>,\"", c->s[c->i]))
        sbuf_addc(&b, c->s[c->i++]);
    return b.s ? sbuf_detach(&b) : NULL;
}

static void sc_add(et_scan *c, int is_tag, char *v)
{
    c->refs = xrealloc(c->refs, (c->nrefs + 1) * sizeof *c->refs);
    c->refs[c->nrefs].is_tag = is_tag;
    c->refs[c->nrefs++].value = v;
}

/* the eventtype=/tag=/tag::eventtype= references of a search text (IN
 * lists too), with a check of quotes and parentheses */
static void sc_run(et_scan *c)
{
    int depth = 0;
    while (!c->bad) {
        sc_space(c);
        if (c->i >= c->n) break;
        char ch = c->s[c->i];
        if (ch == '(' || ch == ')') {
            depth += ch == '(' ? 1 : -1;
            if (depth < 0) c->bad = "a ')' has no '('";
            c->i++;
            continue;
        }
        if (strchr("=!<>,", ch)) { c->i++; continue; }
        char *w = sc_word(c);
        if (!w) { if (!c->bad) c->i++; continue; }
        int is_et = !strcmp(w, "eventtype"), is_tag = !strcmp(w, "tag") || !strcmp(w, "tag::eventtype");
        free(w);
        if (!is_et && !is_tag) continue;
        sc_space(c);
        if (c->i < c->n && c->s[c->i] == '=') {
            c->i++;
            char *v = sc_word(c);
            if (v) sc_add(c, is_tag, v);
        } else if (c->i + 1 < c->n && c->s[c->i] == '!' && c->s[c->i + 1] == '=') {
            c->i += 2;
            char *v = sc_word(c);
            if (v) sc_add(c, is_tag, v);
        } else if (c->i + 2 < c->n && !strncasecmp(c->s + c->i, "IN", 2) &&
                   (isspace((unsigned char)c->s[c->i + 2]) || c->s[c->i + 2] == '(')) {
            c->i += 2;
            sc_space(c);
            if (c->i >= c->n || c->s[c->i] != '(') continue;
            c->i++;
            for (;;) {
                sc_space(c);
                if (c->i < c->n && c->s[c->i] == ',') { c->i++; continue; }
                if (c->i >= c->n || c->s[c->i] == ')') break;
                char *v = sc_word(c);
                if (!v) break;
                sc_add(c, is_tag, v);
            }
            if (c->i < c->n && c->s[c->i] == ')') c->i++;
        }
    }
    if (!c->bad && depth) c->bad = "a '(' is not closed";
}

/* edges: the event types each one's search refers to */
typedef struct et_graph {
    const dm_registry *reg;
    size_t **to;
    size_t *nto;
    unsigned char *color; /* 0 new, 1 on the path, 2 done */
} et_graph;

static int et_visit(et_graph *g, size_t i, char **err)
{
    if (g->color[i] == 2) return 0;
    const dm_eventtype *et = &g->reg->eventtypes[i];
    if (g->color[i] == 1) {
        *err = xasprintf("%s:%d: event type %s refers to itself (through eventtype= or tag= in the searches)",
                         et->file, et->line, et->name);
        return -1;
    }
    g->color[i] = 1;
    for (size_t k = 0; k < g->nto[i]; k++)
        if (et_visit(g, g->to[i][k], err)) return -1;
    g->color[i] = 2;
    return 0;
}

int dm_eventtypes_resolve(const dm_registry *reg, char **err)
{
    size_t n = reg->neventtypes;
    if (!n) return 0;
    et_graph g = {reg, xcalloc(n, sizeof *g.to), xcalloc(n, sizeof *g.nto), xcalloc(n, 1)};
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const dm_eventtype *et = &reg->eventtypes[i];
        et_scan c = {et->search, 0, strlen(et->search), NULL, 0, NULL};
        sc_run(&c);
        if (c.bad) {
            *err = xasprintf("%s:%d: event type %s: search: %s", et->file, et->line, et->name, c.bad);
            rc = -1;
        }
        for (size_t r = 0; r < c.nrefs && !rc; r++) {
            const et_ref *ref = &c.refs[r];
            size_t hits = 0;
            for (size_t j = 0; j < n; j++) {
                const dm_eventtype *o = &reg->eventtypes[j];
                if (ref->is_tag ? dm_eventtype_has_tag(o, ref->value) : dm_wildcard_match(ref->value, o->name)) {
                    g.to[i] = xrealloc(g.to[i], (g.nto[i] + 1) * sizeof *g.to[i]);
                    g.to[i][g.nto[i]++] = j;
                    hits++;
                }
            }
            if (!hits && !ref->is_tag && !strchr(ref->value, '*')) {
                *err = xasprintf("%s:%d: event type %s: its search names event type %s, which is not defined",
                                 et->file, et->line, et->name, ref->value);
                rc = -1;
            }
        }
        for (size_t r = 0; r < c.nrefs; r++) free(c.refs[r].value);
        free(c.refs);
    }
    for (size_t i = 0; i < n && !rc; i++) rc = et_visit(&g, i, err);
    for (size_t i = 0; i < n; i++) free(g.to[i]);
    free(g.to);
    free(g.nto);
    free(g.color);
    return rc;
}
