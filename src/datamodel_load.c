/* datamodel_load.c: reading data model and alias YAML files (libyaml
 * document API) into a dm_registry, checking them strictly so that a typo in
 * a key or an expression is reported with file and line. */
#include "datamodel_int.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util.h"

/* Every string a registry owns. */
typedef struct dm_pool {
    char **strs;
    size_t n, cap;
} dm_pool;

const char *dm_pool_add(dm_registry *reg, char *s)
{
    dm_pool *p = reg->pool;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->strs = xrealloc(p->strs, p->cap * sizeof *p->strs);
    }
    p->strs[p->n++] = s;
    return s;
}

dm_registry *dm_new(void)
{
    dm_registry *reg = xcalloc(1, sizeof *reg);
    reg->pool = xcalloc(1, sizeof *reg->pool);
    return reg;
}

static void dm_match_free(dm_match *m)
{
    for (size_t i = 0; i < m->nconds; i++) free(m->conds[i].values);
    free(m->conds);
}

void dm_free(dm_registry *reg)
{
    if (!reg) return;
    for (size_t i = 0; i < reg->nmodels; i++) {
        dm_model *mo = &reg->models[i];
        for (size_t j = 0; j < mo->ndatasets; j++) {
            dm_dataset *ds = &mo->datasets[j];
            for (size_t k = 0; k < ds->nsources; k++) {
                dm_match_free(&ds->sources[k].match);
                free(ds->sources[k].fields);
            }
            free(ds->sources);
            free(ds->calcs);
            free(ds->tags);
            free(ds->fields);
        }
        free(mo->datasets);
    }
    free(reg->models);
    for (size_t i = 0; i < reg->naliases; i++) {
        dm_match_free(&reg->aliases[i].match);
        free(reg->aliases[i].fields);
    }
    free(reg->aliases);
    for (size_t i = 0; i < reg->neventtypes; i++) free(reg->eventtypes[i].tags);
    free(reg->eventtypes);
    for (size_t i = 0; i < reg->nfieldtags; i++) free(reg->fieldtags[i].tags);
    free(reg->fieldtags);
    for (size_t i = 0; i < reg->pool->n; i++) free(reg->pool->strs[i]);
    free(reg->pool->strs);
    free(reg->pool);
    free(reg);
}

/* --- parsing one document --- */

int dm_fail(dm_loader *ld, const yaml_node_t *n, const char *fmt, ...)
{
    if (ld->err) return -1;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    ld->err = xasprintf("%s:%lu: %s", ld->file, n ? (unsigned long)n->start_mark.line + 1 : 1UL, msg);
    free(msg);
    return -1;
}

int dm_line(const yaml_node_t *n) { return (int)n->start_mark.line + 1; }

yaml_node_t *dm_node(dm_loader *ld, int idx) { return yaml_document_get_node(ld->doc, idx); }

const char *dm_scalar(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

/* A plain null / ~ / empty scalar. */
static int dm_is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
    const char *s = dm_scalar(n);
    return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
           strcmp(s, "NULL") == 0;
}

/* A non-empty scalar string, pooled; NULL (error set) otherwise. */
const char *dm_string(dm_loader *ld, yaml_node_t *n, const char *what)
{
    if (n->type != YAML_SCALAR_NODE) {
        dm_fail(ld, n, "%s must be a string", what);
        return NULL;
    }
    if (n->data.scalar.length == 0 || strlen(dm_scalar(n)) != n->data.scalar.length) {
        dm_fail(ld, n, "%s must be a non-empty string without NUL bytes", what);
        return NULL;
    }
    return dm_pool_add(ld->reg, xstrdup(dm_scalar(n)));
}

/* A scalar or a sequence of scalars, as a malloc'd array of pooled strings. */
int dm_string_list(dm_loader *ld, yaml_node_t *n, const char *what, const char ***out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (n->type == YAML_SCALAR_NODE) {
        const char *s = dm_string(ld, n, what);
        if (!s) return -1;
        *out = xmalloc(sizeof **out);
        (*out)[0] = s;
        *nout = 1;
        return 0;
    }
    if (n->type != YAML_SEQUENCE_NODE) return dm_fail(ld, n, "%s must be a string or a list of strings", what);
    size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    *out = xcalloc(cnt ? cnt : 1, sizeof **out);
    for (size_t i = 0; i < cnt; i++) {
        const char *s = dm_string(ld, dm_node(ld, n->data.sequence.items.start[i]), what);
        if (!s) return -1;
        (*out)[(*nout)++] = s;
    }
    return 0;
}

/* Mapping keys must be strings and each given once (a second `fields:`
 * would silently replace the first). */
int dm_check_keys(dm_loader *ld, yaml_node_t *map)
{
    for (yaml_node_pair_t *a = map->data.mapping.pairs.start; a < map->data.mapping.pairs.top; a++) {
        yaml_node_t *ka = dm_node(ld, a->key);
        if (ka->type != YAML_SCALAR_NODE) return dm_fail(ld, ka, "mapping keys must be strings");
        for (yaml_node_pair_t *b = map->data.mapping.pairs.start; b < a; b++) {
            yaml_node_t *kb = dm_node(ld, b->key);
            if (kb->type == YAML_SCALAR_NODE && strcmp(dm_scalar(ka), dm_scalar(kb)) == 0)
                return dm_fail(ld, ka, "key '%s' is given twice", dm_scalar(ka));
        }
    }
    return 0;
}

static int dm_key_ok(dm_loader *ld, yaml_node_t *k)
{
    if (k->type != YAML_SCALAR_NODE) return dm_fail(ld, k, "mapping keys must be strings");
    return 0;
}

/* Append SPL text for one value: "value" with \ and " escaped. */
static void dm_spl_value(sbuf *b, const char *v)
{
    sbuf_addc(b, '"');
    for (; *v; v++) {
        if (*v == '"' || *v == '\\') sbuf_addc(b, '\\');
        sbuf_addc(b, *v);
    }
    sbuf_addc(b, '"');
}

static int dm_parse_match(dm_loader *ld, yaml_node_t *n, dm_match *m)
{
    memset(m, 0, sizeof *m);
    if (n->type != YAML_MAPPING_NODE) return dm_fail(ld, n, "match must be a mapping of field: value(s)");
    if (dm_check_keys(ld, n)) return -1;
    size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    m->conds = xcalloc(cnt ? cnt : 1, sizeof *m->conds);
    sbuf spl = {0};
    DM_EACH_PAIR(ld, n, k, v) {
        if (dm_key_ok(ld, k)) break;
        dm_cond *c = &m->conds[m->nconds];
        c->field = dm_pool_add(ld->reg, xstrdup(dm_scalar(k)));
        if (dm_string_list(ld, v, "a match value", &c->values, &c->nvalues)) { free(c->values); break; }
        m->nconds++;
        if (c->nvalues == 0) { dm_fail(ld, v, "match on %s lists no values", c->field); break; }
        if (spl.len) sbuf_addc(&spl, ' ');
        if (c->nvalues > 1) sbuf_addc(&spl, '(');
        for (size_t i = 0; i < c->nvalues; i++) {
            if (i) sbuf_add(&spl, " OR ");
            sbuf_add(&spl, c->field);
            sbuf_addc(&spl, '=');
            dm_spl_value(&spl, c->values[i]);
        }
        if (c->nvalues > 1) sbuf_addc(&spl, ')');
    }
    m->spl = dm_pool_add(ld->reg, sbuf_detach(&spl));
    return ld->err ? -1 : 0;
}

/* fields: {name: expr, ...} -> dm_assign array. seq: NULL for data model
 * sources, else the registry counter. */
static int dm_parse_assigns(dm_loader *ld, yaml_node_t *n, dm_assign **out, size_t *nout, unsigned *seq)
{
    *out = NULL;
    *nout = 0;
    if (n->type != YAML_MAPPING_NODE) return dm_fail(ld, n, "fields must be a mapping of field: expression");
    size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    *out = xcalloc(cnt ? cnt : 1, sizeof **out);
    DM_EACH_PAIR(ld, n, k, v) {
        if (dm_key_ok(ld, k)) break;
        for (size_t i = 0; i < *nout; i++)
            if (strcmp((*out)[i].field, dm_scalar(k)) == 0) { dm_fail(ld, k, "field %s is given twice", dm_scalar(k)); break; }
        if (ld->err) break;
        dm_assign *a = &(*out)[*nout];
        a->field = dm_pool_add(ld->reg, xstrdup(dm_scalar(k)));
        a->expr = dm_string(ld, v, "an expression");
        if (!a->expr) break;
        char *msg = NULL;
        if (dm_expr_check(a->expr, &msg)) {
            dm_fail(ld, v, "expression for %s: %s", a->field, msg);
            free(msg);
            break;
        }
        a->file = ld->file;
        a->line = dm_line(v);
        a->seq = seq ? (*seq)++ : 0;
        (*nout)++;
    }
    return ld->err ? -1 : 0;
}

static int dm_parse_source(dm_loader *ld, yaml_node_t *n, dm_source *src)
{
    memset(src, 0, sizeof *src);
    if (n->type != YAML_MAPPING_NODE) return dm_fail(ld, n, "a source must be a mapping");
    if (dm_check_keys(ld, n)) return -1;
    src->file = ld->file;
    src->line = dm_line(n);
    int have_match = 0, have_fields = 0;
    DM_EACH_PAIR(ld, n, k, v) {
        if (dm_key_ok(ld, k)) break;
        const char *key = dm_scalar(k);
        if (strcmp(key, "name") == 0) src->name = dm_string(ld, v, "name");
        else if (strcmp(key, "match") == 0) { have_match = 1; dm_parse_match(ld, v, &src->match); }
        else if (strcmp(key, "table") == 0) src->table = dm_string(ld, v, "table");
        else if (strcmp(key, "fields") == 0) { have_fields = 1; dm_parse_assigns(ld, v, &src->fields, &src->nfields, NULL); }
        else dm_fail(ld, k, "unknown key '%s' in a source (name, match, table, fields)", key);
        if (ld->err) return -1;
    }
    if (have_match == !!src->table)
        return dm_fail(ld, n, "a source needs exactly one of match: or table:");
    if (!have_fields) return dm_fail(ld, n, "a source needs fields:");
    if (!src->match.spl) src->match.spl = "";
    return 0;
}

static int dm_parse_dataset(dm_loader *ld, yaml_node_t *n, dm_dataset *ds)
{
    memset(ds, 0, sizeof *ds);
    if (n->type != YAML_MAPPING_NODE) return dm_fail(ld, n, "a data set must be a mapping");
    if (dm_check_keys(ld, n)) return -1;
    ds->file = ld->file;
    ds->line = dm_line(n);
    DM_EACH_PAIR(ld, n, k, v) {
        if (dm_key_ok(ld, k)) break;
        const char *key = dm_scalar(k);
        if (strcmp(key, "name") == 0) ds->name = dm_string(ld, v, "name");
        else if (strcmp(key, "parent") == 0) {
            if (!dm_is_null(v)) ds->parent_name = dm_string(ld, v, "parent"); /* linked by dm_resolve */
        } else if (strcmp(key, "constraint") == 0) ds->constraint = dm_string(ld, v, "constraint");
        else if (strcmp(key, "tags") == 0) dm_string_list(ld, v, "a tag", &ds->tags, &ds->ntags);
        else if (strcmp(key, "fields") == 0) dm_string_list(ld, v, "a field name", &ds->fields, &ds->nfields);
        else if (strcmp(key, "description") == 0) (void)dm_string(ld, v, "description");
        else if (strcmp(key, "calculated") == 0) dm_parse_assigns(ld, v, &ds->calcs, &ds->ncalcs, NULL);
        else if (strcmp(key, "sources") == 0) {
            if (v->type != YAML_SEQUENCE_NODE) return dm_fail(ld, v, "sources must be a list");
            size_t cnt = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
            ds->sources = xcalloc(cnt ? cnt : 1, sizeof *ds->sources);
            for (size_t i = 0; i < cnt; i++) {
                int rc = dm_parse_source(ld, dm_node(ld, v->data.sequence.items.start[i]), &ds->sources[i]);
                ds->nsources++; /* counted even when partial, so dm_free frees it */
                if (rc) return -1;
            }
        } else dm_fail(ld, k, "unknown key '%s' in a data set (name, parent, tags, constraint, fields, calculated, sources)", key);
        if (ld->err) return -1;
    }
    if (!ds->name) return dm_fail(ld, n, "a data set needs a name");
    for (size_t i = 0; i < ds->nfields; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(ds->fields[i], ds->fields[j]) == 0)
                return dm_fail(ld, n, "data set %s lists field %s twice", ds->name, ds->fields[i]);
    return 0;
}

static int dm_parse_model(dm_loader *ld, yaml_node_t *root)
{
    yaml_node_t *namen = NULL, *dsn = NULL;
    DM_EACH_PAIR(ld, root, k, v) {
        if (dm_key_ok(ld, k)) return -1;
        const char *key = dm_scalar(k);
        if (strcmp(key, "datamodel") == 0) namen = v;
        else if (strcmp(key, "datasets") == 0) dsn = v;
        else if (strcmp(key, "description") != 0)
            return dm_fail(ld, k, "unknown key '%s' in a data model file (datamodel, datasets)", key);
    }
    const char *name = dm_string(ld, namen, "datamodel");
    if (!name) return -1;
    if (dm_model_find(ld->reg, name)) return dm_fail(ld, namen, "data model %s is defined twice", name);
    if (!dsn || dsn->type != YAML_SEQUENCE_NODE) return dm_fail(ld, dsn ? dsn : root, "datasets: must be a list");
    dm_registry *reg = ld->reg;
    reg->models = xrealloc(reg->models, (reg->nmodels + 1) * sizeof *reg->models);
    dm_model *mo = &reg->models[reg->nmodels++];
    memset(mo, 0, sizeof *mo);
    mo->name = name;
    mo->file = ld->file;
    size_t cnt = (size_t)(dsn->data.sequence.items.top - dsn->data.sequence.items.start);
    mo->datasets = xcalloc(cnt ? cnt : 1, sizeof *mo->datasets);
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_t *n = dm_node(ld, dsn->data.sequence.items.start[i]);
        int rc = dm_parse_dataset(ld, n, &mo->datasets[i]);
        mo->ndatasets++;
        if (rc) return -1;
        mo->datasets[i].path = dm_pool_add(reg, xasprintf("%s.%s", name, mo->datasets[i].name));
        for (size_t j = 0; j < i; j++)
            if (strcasecmp(mo->datasets[j].name, mo->datasets[i].name) == 0)
                return dm_fail(ld, n, "data set %s is defined twice in %s", mo->datasets[i].name, name);
    }
    return 0;
}

/* kind: eval | alias | asnew (Splunk's EVAL-, FIELDALIAS AS, ASNEW) */
static void dm_parse_kind(dm_loader *ld, yaml_node_t *v, dm_alias_kind *kind)
{
    static const char *const names[] = {"eval", "alias", "asnew"};
    const char *s = v->type == YAML_SCALAR_NODE ? dm_scalar(v) : NULL;
    for (int i = 0; s && i < 3; i++)
        if (strcmp(s, names[i]) == 0) { *kind = (dm_alias_kind)i; return; }
    dm_fail(ld, v, "kind: must be eval, alias or asnew");
}

static int dm_parse_aliases(dm_loader *ld, yaml_node_t *root)
{
    yaml_node_t *list = NULL;
    DM_EACH_PAIR(ld, root, k, v) {
        if (dm_key_ok(ld, k)) return -1;
        const char *key = dm_scalar(k);
        if (strcmp(key, "aliases") == 0) list = v;
        else if (strcmp(key, "description") != 0)
            return dm_fail(ld, k, "unknown key '%s' in an alias file (aliases)", key);
    }
    if (list->type != YAML_SEQUENCE_NODE) return dm_fail(ld, list, "aliases: must be a list");
    dm_registry *reg = ld->reg;
    size_t cnt = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    reg->aliases = xrealloc(reg->aliases, (reg->naliases + cnt + 1) * sizeof *reg->aliases);
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_t *n = dm_node(ld, list->data.sequence.items.start[i]);
        dm_alias_set *as = &reg->aliases[reg->naliases++];
        memset(as, 0, sizeof *as);
        as->file = ld->file;
        as->line = dm_line(n);
        if (n->type != YAML_MAPPING_NODE) return dm_fail(ld, n, "an alias entry must be a mapping (name, match, fields)");
        if (dm_check_keys(ld, n)) return -1;
        int have_match = 0, have_fields = 0;
        DM_EACH_PAIR(ld, n, k, v) {
            if (dm_key_ok(ld, k)) return -1;
            const char *key = dm_scalar(k);
            if (strcmp(key, "name") == 0) as->name = dm_string(ld, v, "name");
            else if (strcmp(key, "kind") == 0) dm_parse_kind(ld, v, &as->kind);
            else if (strcmp(key, "match") == 0) { have_match = 1; dm_parse_match(ld, v, &as->match); }
            else if (strcmp(key, "fields") == 0) { have_fields = 1; dm_parse_assigns(ld, v, &as->fields, &as->nfields, &reg->nseq); }
            else dm_fail(ld, k, "unknown key '%s' in an alias entry (name, kind, match, fields)", key);
            if (ld->err) return -1;
        }
        if (!have_match) return dm_fail(ld, n, "an alias entry needs match: ({} for every event)");
        if (!have_fields) return dm_fail(ld, n, "an alias entry needs fields:");
    }
    return 0;
}

int dm_add_text(dm_registry *reg, const char *name, const char *text, size_t len, char **err)
{
    assert(reg && name && text);
    reg->resolved = 0;
    dm_loader ld = {reg, dm_pool_add(reg, xstrdup(name)), NULL, NULL};
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        *err = xasprintf("%s: cannot initialise the YAML parser", name);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        *err = xasprintf("%s:%lu:%lu: YAML error: %s%s%s", name,
                         (unsigned long)parser.problem_mark.line + 1, (unsigned long)parser.problem_mark.column + 1,
                         parser.problem ? parser.problem : "unknown problem",
                         parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return -1;
    }
    ld.doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) dm_fail(&ld, NULL, "empty file: expected datamodel:, aliases: or eventtypes:");
    else if (root->type != YAML_MAPPING_NODE) dm_fail(&ld, root, "expected a mapping with datamodel:, aliases: or eventtypes:");
    else if (dm_check_keys(&ld, root) == 0) {
        int is_model = 0, is_alias = 0, is_et = 0;
        DM_EACH_PAIR(&ld, root, k, v) {
            (void)v;
            if (k->type != YAML_SCALAR_NODE) continue;
            if (strcmp(dm_scalar(k), "datamodel") == 0) is_model = 1;
            if (strcmp(dm_scalar(k), "aliases") == 0) is_alias = 1;
            if (strcmp(dm_scalar(k), "eventtypes") == 0 || strcmp(dm_scalar(k), "fieldtags") == 0) is_et = 1;
        }
        if (is_model + is_alias + is_et != 1)
            dm_fail(&ld, root, "a file holds either datamodel: (with datasets:), aliases: or eventtypes:/fieldtags:");
        else if (is_model) dm_parse_model(&ld, root);
        else if (is_alias) dm_parse_aliases(&ld, root);
        else dm_parse_eventtypes(&ld, root);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (ld.err) {
        *err = ld.err;
        return -1;
    }
    return 0;
}

int dm_add_file(dm_registry *reg, const char *path, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    sbuf b = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sbuf_addn(&b, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        sbuf_free(&b);
        *err = xasprintf("%s: read error", path);
        return -1;
    }
    int rc = dm_add_text(reg, path, b.s ? b.s : "", b.len, err);
    sbuf_free(&b);
    return rc;
}

/* --- directories --- */

static int dm_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int dm_has_yaml_ext(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && strcmp(name + n - 4, ".yml") == 0) || (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}

/* Collect YAML file paths under dir (recursively) into *list. The top
 * level's sigma/ holds Sigma logsource mappings (sigma_map.c), not data
 * models or aliases: skipped. */
static int dm_collect(const char *dir, int top, char ***list, size_t *n, char **err)
{
    DIR *d = opendir(dir);
    if (!d) {
        *err = xasprintf("%s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *path = xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0) { free(path); continue; }
        if (S_ISDIR(st.st_mode)) {
            if (!(top && strcmp(e->d_name, "sigma") == 0)) rc = dm_collect(path, 0, list, n, err);
            free(path);
        } else if (S_ISREG(st.st_mode) && dm_has_yaml_ext(e->d_name)) {
            *list = xrealloc(*list, (*n + 1) * sizeof **list);
            (*list)[(*n)++] = path;
        } else free(path);
    }
    closedir(d);
    return rc;
}

dm_registry *dm_load_dir(const char *dir, char **err)
{
    assert(dir && err);
    char **files = NULL;
    size_t n = 0;
    *err = NULL;
    int rc = dm_collect(dir, 1, &files, &n, err);
    if (rc == 0) qsort(files, n, sizeof *files, dm_cmp_str);
    dm_registry *reg = dm_new();
    for (size_t i = 0; rc == 0 && i < n; i++) rc = dm_add_file(reg, files[i], err);
    for (size_t i = 0; i < n; i++) free(files[i]);
    free(files);
    if (rc == 0 && n == 0) {
        *err = xasprintf("%s: no data model or alias files (*.yml) found", dir);
        rc = -1;
    }
    if (rc == 0) rc = dm_resolve(reg, err);
    if (rc) {
        dm_free(reg);
        return NULL;
    }
    return reg;
}
