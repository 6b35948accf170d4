/* sigma_map.c: the logsource and field mappings (datamodels/sigma/, format
 * in docs/SIGMA.md): which sources carry a Sigma logsource (each an SPL
 * search selecting its events), the Sigma -> splite field renames per file
 * and per source, the fields each source carries, and the values of |expand
 * placeholders. */
#include "sigma/sigma_int.h"
#include "detect_dir.h"
#include "detect_yaml.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct sg_mfile {
    char **from, **to;
    size_t nrenames;
    char **common;
    size_t ncommon;
} sg_mfile;

typedef struct sg_msource {
    sg_source pub;
    size_t file;
    char **from, **to, **has;
} sg_msource;

typedef struct sg_mentry {
    char *product, *category, *service;
    sg_msource **sources;
    size_t nsources;
} sg_mentry;

typedef struct sg_mplace {
    char *name;
    char **values;
    size_t n;
} sg_mplace;

struct sigma_map {
    sg_mfile *files;
    size_t nfiles;
    sg_mentry *entries;
    size_t nentries;
    sg_mplace *places;
    size_t nplaces;
    /* scratch for lookups */
    const sg_source **found;
    size_t nfound;
};

static char *sg_err(const char *file, int line, const char *msg)
{
    return xasprintf("%s:%d: %s", file, line, msg);
}

/* A list of scalars (or one scalar) -> heap array. */
static int sg_strlist(const sy_node *n, char ***out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!n) return 0;
    if (n->kind == SY_SCALAR) {
        *out = xcalloc(1, sizeof **out);
        (*out)[0] = xstrdup(n->text);
        *nout = 1;
        return 0;
    }
    if (n->kind != SY_SEQ) return -1;
    *out = xcalloc(n->n + 1, sizeof **out);
    for (size_t i = 0; i < n->n; i++) {
        if (n->items[i]->kind != SY_SCALAR) return -1;
        (*out)[i] = xstrdup(n->items[i]->text);
    }
    *nout = n->n;
    return 0;
}

static int sg_renames(const sy_node *n, char ***from, char ***to, size_t *nr)
{
    *from = *to = NULL;
    *nr = 0;
    if (!n) return 0;
    if (n->kind != SY_MAP) return -1;
    *from = xcalloc(n->n + 1, sizeof **from);
    *to = xcalloc(n->n + 1, sizeof **to);
    for (size_t i = 0; i < n->n; i++) {
        if (sy_val(n, i)->kind != SY_SCALAR) return -1;
        (*from)[i] = xstrdup(sy_key(n, i)->text);
        (*to)[i] = xstrdup(sy_val(n, i)->text);
        (*nr)++;
    }
    return 0;
}

static int sg_load_file(sigma_map *m, const char *path, char **err)
{
    size_t len = 0;
    char *text = detect_yaml_read_file(path, &len, err);
    if (!text) return -1;
    sy_file yf;
    int rc = sy_parse(text, len, path, &yf, err);
    free(text);
    if (rc) return -1;
    rc = -1;
    if (yf.ndups) {
        *err = xasprintf("%s:%d: duplicate key '%s'", path, yf.dups[0].line, yf.dups[0].key);
        goto out;
    }
    for (size_t d = 0; d < yf.ndocs; d++) {
        const sy_node *doc = yf.docs[d];
        if (doc->kind != SY_MAP) {
            *err = sg_err(path, doc->line, "expected a mapping");
            goto out;
        }
        m->files = xrealloc(m->files, (m->nfiles + 1) * sizeof *m->files);
        sg_mfile *mf = &m->files[m->nfiles++];
        memset(mf, 0, sizeof *mf);
        if (sg_renames(sy_get(doc, "fields"), &mf->from, &mf->to, &mf->nrenames)) {
            *err = sg_err(path, sy_get(doc, "fields")->line, "fields: expected a mapping of field names");
            goto out;
        }
        if (sg_strlist(sy_get(doc, "common"), &mf->common, &mf->ncommon)) {
            *err = sg_err(path, sy_get(doc, "common")->line, "common: expected a list of field names");
            goto out;
        }
        const sy_node *ph = sy_get(doc, "placeholders");
        if (ph && !ph->is_null) {
            if (ph->kind != SY_MAP) {
                *err = sg_err(path, ph->line, "placeholders: expected a mapping of name to values");
                goto out;
            }
            for (size_t i = 0; i < ph->n; i++) {
                m->places = xrealloc(m->places, (m->nplaces + 1) * sizeof *m->places);
                sg_mplace *p = &m->places[m->nplaces++];
                p->name = xstrdup(sy_key(ph, i)->text);
                if (sy_val(ph, i)->is_null) {
                    p->values = NULL;
                    p->n = 0;
                } else if (sg_strlist(sy_val(ph, i), &p->values, &p->n)) {
                    *err = sg_err(path, sy_val(ph, i)->line, "placeholders: a value must be a list of strings");
                    goto out;
                }
            }
        }
        const sy_node *ls = sy_get(doc, "logsources");
        if (!ls) continue;
        if (ls->kind != SY_SEQ) {
            *err = sg_err(path, ls->line, "logsources: expected a list");
            goto out;
        }
        for (size_t i = 0; i < ls->n; i++) {
            const sy_node *e = ls->items[i];
            const sy_node *match = sy_get(e, "match"), *srcs = sy_get(e, "sources");
            if (e->kind != SY_MAP || !match || match->kind != SY_MAP || !srcs || srcs->kind != SY_SEQ) {
                *err = sg_err(path, e->line, "a logsource needs match: (a mapping) and sources: (a list)");
                goto out;
            }
            m->entries = xrealloc(m->entries, (m->nentries + 1) * sizeof *m->entries);
            sg_mentry *me = &m->entries[m->nentries++];
            memset(me, 0, sizeof *me);
            const char *p = sy_get_str(match, "product"), *c = sy_get_str(match, "category"), *s = sy_get_str(match, "service");
            me->product = p ? xstrdup(p) : NULL;
            me->category = c ? xstrdup(c) : NULL;
            me->service = s ? xstrdup(s) : NULL;
            for (size_t k = 0; k < srcs->n; k++) {
                const sy_node *sn = srcs->items[k];
                const char *name = sy_get_str(sn, "name"), *search = sy_get_str(sn, "search");
                if (sn->kind != SY_MAP || !name || !search) {
                    *err = sg_err(path, sn->line, "a source needs name: and search:");
                    goto out;
                }
                sg_msource *ms = xcalloc(1, sizeof *ms);
                me->sources = xrealloc(me->sources, (me->nsources + 1) * sizeof *me->sources);
                me->sources[me->nsources++] = ms;
                ms->file = m->nfiles - 1;
                ms->pub.name = xstrdup(name);
                ms->pub.search = xstrdup(search);
                size_t nr = 0, nh = 0;
                if (sg_renames(sy_get(sn, "fields"), &ms->from, &ms->to, &nr)) {
                    *err = sg_err(path, sn->line, "fields: expected a mapping of field names");
                    goto out;
                }
                ms->pub.from = (const char *const *)ms->from;
                ms->pub.to = (const char *const *)ms->to;
                ms->pub.nrenames = nr;
                if (sy_get(sn, "has")) {
                    if (sg_strlist(sy_get(sn, "has"), &ms->has, &nh)) {
                        *err = sg_err(path, sn->line, "has: expected a list of field names");
                        goto out;
                    }
                    if (!ms->has) ms->has = xcalloc(1, sizeof *ms->has);
                    ms->pub.has = (const char *const *)ms->has;
                    ms->pub.nhas = nh;
                }
            }
        }
    }
    rc = 0;
out:
    sy_file_free(&yf);
    return rc;
}

int sigma_map_add_dir(sigma_map *m, const char *dir, char **err)
{
    char **paths = NULL;
    size_t n = 0;
    if (detect_dir_list(dir, &paths, &n, err)) return -1;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) rc = sg_load_file(m, paths[i], err);
    detect_dir_free(paths, n);
    return rc;
}

int sigma_map_load_dir(const char *dir, sigma_map **out, char **err)
{
    sigma_map *m = xcalloc(1, sizeof *m);
    *out = NULL;
    if (sigma_map_add_dir(m, dir, err)) {
        sigma_map_free(m);
        return -1;
    }
    *out = m;
    return 0;
}

static void sg_free_list(char **v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

void sigma_map_free(sigma_map *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->nfiles; i++) {
        sg_free_list(m->files[i].from, m->files[i].nrenames);
        sg_free_list(m->files[i].to, m->files[i].nrenames);
        sg_free_list(m->files[i].common, m->files[i].ncommon);
    }
    free(m->files);
    for (size_t i = 0; i < m->nentries; i++) {
        sg_mentry *e = &m->entries[i];
        for (size_t k = 0; k < e->nsources; k++) {
            sg_msource *s = e->sources[k];
            free((char *)s->pub.name);
            free((char *)s->pub.search);
            sg_free_list(s->from, s->pub.nrenames);
            sg_free_list(s->to, s->pub.nrenames);
            sg_free_list(s->has, s->pub.nhas);
            free(s);
        }
        free(e->sources);
        free(e->product);
        free(e->category);
        free(e->service);
    }
    free(m->entries);
    for (size_t i = 0; i < m->nplaces; i++) {
        free(m->places[i].name);
        sg_free_list(m->places[i].values, m->places[i].n);
    }
    free(m->places);
    free(m->found);
    free(m);
}

/* -1: the entry does not apply; else how many keys it matched. */
static int sg_entry_score(const sg_mentry *e, const char *p, const char *c, const char *s)
{
    int score = 0;
    if (e->product) {
        if (!p || strcasecmp(e->product, p)) return -1;
        score++;
    }
    if (e->category) {
        if (!c || strcasecmp(e->category, c)) return -1;
        score++;
    } else if (c) {
        return -1;
    }
    if (e->service) {
        if (!s || strcasecmp(e->service, s)) return -1;
        score++;
    } else if (s && !c) {
        return -1;
    }
    return score;
}

size_t sigma_map_sources(const sigma_map *cm, const char *product, const char *category, const char *service, const sg_source ***out)
{
    sigma_map *m = (sigma_map *)cm;
    int best = -1;
    for (size_t i = 0; i < m->nentries; i++) {
        int sc = sg_entry_score(&m->entries[i], product, category, service);
        if (sc > best) best = sc;
    }
    m->nfound = 0;
    if (best < 0) {
        *out = NULL;
        return 0;
    }
    for (size_t i = 0; i < m->nentries; i++) {
        if (sg_entry_score(&m->entries[i], product, category, service) != best) continue;
        for (size_t k = 0; k < m->entries[i].nsources; k++) {
            m->found = xrealloc(m->found, (m->nfound + 1) * sizeof *m->found);
            m->found[m->nfound++] = &m->entries[i].sources[k]->pub;
        }
    }
    *out = m->found;
    return m->nfound;
}

int sigma_map_known(const sigma_map *m, const char *product, const char *category, const char *service)
{
    for (size_t i = 0; i < m->nentries; i++)
        if (sg_entry_score(&m->entries[i], product, category, service) >= 0) return 1;
    return 0;
}

static const sg_msource *sg_ms(const sg_source *s) { return (const sg_msource *)s; }

const char *sigma_map_rename(const sigma_map *m, const sg_source *s, const char *field)
{
    if (!s) return field;
    for (size_t i = 0; i < s->nrenames; i++)
        if (!strcmp(s->from[i], field)) return s->to[i];
    const sg_mfile *f = &m->files[sg_ms(s)->file];
    for (size_t i = 0; i < f->nrenames; i++)
        if (!strcmp(f->from[i], field)) return f->to[i];
    return field;
}

int sigma_map_source_has(const sigma_map *m, const sg_source *s, const char *field)
{
    if (!s || !s->has) return 1;
    for (size_t i = 0; i < s->nhas; i++)
        if (!strcmp(s->has[i], field)) return 1;
    const sg_mfile *f = &m->files[sg_ms(s)->file];
    for (size_t i = 0; i < f->ncommon; i++)
        if (!strcmp(f->common[i], field)) return 1;
    return 0;
}

const char *sigma_map_placeholder(const sigma_map *m, const char *name, size_t *nvalues, const char *const **values)
{
    for (size_t i = 0; i < m->nplaces; i++)
        if (!strcmp(m->places[i].name, name)) {
            *nvalues = m->places[i].n;
            *values = (const char *const *)m->places[i].values;
            return m->places[i].name;
        }
    return NULL;
}
