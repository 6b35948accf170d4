/* test_sigma_map.c: the Sigma logsource and field mappings
 * (datamodels/sigma/ *.yml, format in docs/SIGMA.md) checked without the
 * Sigma compiler: every file parses and has the documented shape, source
 * names are unique, every `search` and every field expression compiles with
 * splite's SPL compiler (the data models loaded, as `splite sql` does), and
 * every logsource (product/category/service) a rule under
 * ../shared/corpus/sigma (SigmaHQ's rules/windows, mdecrevoisier's rules)
 * uses has an entry matching all of its keys (skipped without ../shared);
 * docs/SIGMA.md's table lists every source.
 * Bad map files are also fed to the checker, which must name the fault. */
#include "testutil.h"
#include "datamodel.h"
#include "spl.h"
#include "store.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <yaml.h>

/* ---- the map, as far as the checks need it ---------------------------- */

enum { SM_PRODUCT, SM_CATEGORY, SM_SERVICE, SM_NKEYS };
static const char *const sm_key_names[SM_NKEYS] = {"product", "category", "service"};

typedef struct sm_entry {
    char *key[SM_NKEYS]; /* lower case; NULL when the match does not name it */
    int nkeys;
    char *where;         /* "file:line" */
} sm_entry;

typedef struct sm_check {
    store *st;
    const dm_registry *dm;
    sm_entry *e;
    size_t n;
    char **names; /* source names seen */
    size_t nnames;
    size_t nsources, nexprs;
    int nerr;
    sbuf msgs;    /* every error, one per line */
} sm_check;

static void sm_err(sm_check *c, const char *file, const yaml_node_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void sm_err(sm_check *c, const char *file, const yaml_node_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = NULL;
    if (vasprintf(&m, fmt, ap) < 0) m = NULL;
    va_end(ap);
    sbuf_printf(&c->msgs, "%s:%d: %s\n", file, at ? (int)at->start_mark.line + 1 : 0, m ? m : "?");
    fprintf(stderr, "%s:%d: %s\n", file, at ? (int)at->start_mark.line + 1 : 0, m ? m : "?");
    free(m);
    c->nerr++;
}

static void sm_free(sm_check *c)
{
    for (size_t i = 0; i < c->n; i++) {
        for (int k = 0; k < SM_NKEYS; k++) free(c->e[i].key[k]);
        free(c->e[i].where);
    }
    free(c->e);
    for (size_t i = 0; i < c->nnames; i++) free(c->names[i]);
    free(c->names);
    sbuf_free(&c->msgs);
}

static char *sm_lower(const char *s)
{
    char *r = xstrdup(s);
    for (char *p = r; *p; p++) *p = (char)tolower((unsigned char)*p);
    return r;
}

static const char *sm_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A plain field name: what a `has`/`common` item must be, and a `fields`
 * value that is not an eval expression. */
static int sm_plain_field(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_')) return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_')) return 0;
    return 1;
}

/* Compile SPL with the store and data models; 0 or -1 with the error. */
static int sm_compile(sm_check *c, const char *text, char **why)
{
    spl_opts o = {0};
    o.now = 1717243200;
    o.datamodels = c->dm;
    spl_query *q = NULL;
    spl_error e = {0};
    int rc = spl_compile(c->st, NULL, text, &o, &q, &e);
    if (rc) *why = spl_error_format(&e);
    spl_error_free(&e);
    spl_query_free(q);
    return rc;
}

/* Mapping `n`: report keys given twice and, unless allowed is NULL, keys not
 * in allowed[]. */
static void sm_keys(sm_check *c, const char *file, yaml_document_t *d, yaml_node_t *n, const char *what,
                    const char *const *allowed)
{
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        const char *ks = sm_scalar(k);
        if (!ks) {
            sm_err(c, file, k, "%s: a key must be a plain string", what);
            continue;
        }
        int ok = !allowed;
        for (const char *const *a = allowed; a && *a; a++) ok |= !strcmp(*a, ks);
        if (!ok) sm_err(c, file, k, "%s: unknown key '%s'", what, ks);
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++)
            if (sm_scalar(yaml_document_get_node(d, q->key)) && !strcmp(sm_scalar(yaml_document_get_node(d, q->key)), ks))
                sm_err(c, file, k, "%s: key '%s' given twice", what, ks);
    }
}

static yaml_node_t *sm_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *ks = sm_scalar(yaml_document_get_node(d, p->key));
        if (ks && !strcmp(ks, key)) return yaml_document_get_node(d, p->value);
    }
    return NULL;
}

/* `fields`: Sigma field -> plain field name or an eval expression. */
static void sm_fields(sm_check *c, const char *file, yaml_document_t *d, yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE) {
        sm_err(c, file, n, "fields: must be a mapping of Sigma field -> splite field or expression");
        return;
    }
    sm_keys(c, file, d, n, "fields", NULL);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key), *v = yaml_document_get_node(d, p->value);
        const char *ks = sm_scalar(k), *vs = sm_scalar(v);
        if (!ks || !vs || !*ks || !*vs) {
            sm_err(c, file, v, "fields: '%s' must map to a field name or an expression", ks ? ks : "?");
            continue;
        }
        if (sm_plain_field(vs)) continue;
        char *spl = xasprintf("| makeresults | eval sigma_value=(%s)", vs), *why = NULL;
        if (sm_compile(c, spl, &why)) sm_err(c, file, v, "fields: '%s': the expression does not compile: %s", ks, why);
        c->nexprs++;
        free(why);
        free(spl);
    }
}

static void sm_field_list(sm_check *c, const char *file, yaml_document_t *d, yaml_node_t *n, const char *what)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        sm_err(c, file, n, "%s: must be a list of field names", what);
        return;
    }
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
        yaml_node_t *v = yaml_document_get_node(d, *i);
        if (!sm_scalar(v) || !sm_plain_field(sm_scalar(v))) sm_err(c, file, v, "%s: not a field name", what);
    }
}

static int sm_listed(yaml_document_t *d, yaml_node_t *list, const char *name)
{
    if (!list || list->type != YAML_SEQUENCE_NODE) return 0;
    for (yaml_node_item_t *i = list->data.sequence.items.start; i < list->data.sequence.items.top; i++) {
        const char *v = sm_scalar(yaml_document_get_node(d, *i));
        if (v && !strcmp(v, name)) return 1;
    }
    return 0;
}

/* A source's renames must name fields its events carry (has + common). */
static void sm_renames_in_has(sm_check *c, const char *file, yaml_document_t *d, yaml_node_t *fields,
                              yaml_node_t *has, yaml_node_t *common)
{
    if (!fields || fields->type != YAML_MAPPING_NODE || !has) return;
    for (yaml_node_pair_t *p = fields->data.mapping.pairs.start; p < fields->data.mapping.pairs.top; p++) {
        yaml_node_t *v = yaml_document_get_node(d, p->value);
        const char *vs = sm_scalar(v);
        if (vs && sm_plain_field(vs) && !sm_listed(d, has, vs) && !sm_listed(d, common, vs))
            sm_err(c, file, v, "fields: '%s' is in neither has nor common", vs);
    }
}

static void sm_source(sm_check *c, const char *file, yaml_document_t *d, yaml_node_t *s, yaml_node_t *common)
{
    if (s->type != YAML_MAPPING_NODE) {
        sm_err(c, file, s, "sources: each source must be a mapping with name and search");
        return;
    }
    sm_keys(c, file, d, s, "source", (const char *const[]){"name", "search", "fields", "has", NULL});
    c->nsources++;
    yaml_node_t *name = sm_get(d, s, "name"), *search = sm_get(d, s, "search");
    yaml_node_t *fields = sm_get(d, s, "fields"), *has = sm_get(d, s, "has");
    const char *ns = sm_scalar(name), *ss = sm_scalar(search);
    if (!ns || !*ns) sm_err(c, file, s, "source has no name");
    else {
        for (const char *p = ns; *p; p++)
            if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_')) {
                sm_err(c, file, name, "source name '%s': only a-z, 0-9 and _", ns);
                break;
            }
        for (size_t i = 0; i < c->nnames; i++)
            if (!strcmp(c->names[i], ns)) sm_err(c, file, name, "source name '%s' used twice", ns);
        c->names = xrealloc(c->names, (c->nnames + 1) * sizeof *c->names);
        c->names[c->nnames++] = xstrdup(ns);
    }
    if (!ss || !*ss) sm_err(c, file, s, "source '%s' has no search", ns ? ns : "?");
    else {
        char *why = NULL;
        if (sm_compile(c, ss, &why)) sm_err(c, file, search, "source '%s': search does not compile: %s", ns ? ns : "?", why);
        free(why);
    }
    if (fields) sm_fields(c, file, d, fields);
    if (has) sm_field_list(c, file, d, has, "has");
    sm_renames_in_has(c, file, d, fields, has, common);
}

static void sm_entry_node(sm_check *c, const char *file, yaml_document_t *d, yaml_node_t *e, yaml_node_t *common)
{
    if (e->type != YAML_MAPPING_NODE) {
        sm_err(c, file, e, "logsources: each entry must be a mapping with match and sources");
        return;
    }
    sm_keys(c, file, d, e, "logsource entry", (const char *const[]){"match", "sources", NULL});
    yaml_node_t *m = sm_get(d, e, "match"), *srcs = sm_get(d, e, "sources");
    sm_entry en = {0};
    en.where = xasprintf("%s:%d", file, (int)e->start_mark.line + 1);
    if (!m || m->type != YAML_MAPPING_NODE || m->data.mapping.pairs.top == m->data.mapping.pairs.start)
        sm_err(c, file, e, "logsource entry has no match (a mapping of product/category/service)");
    else {
        sm_keys(c, file, d, m, "match", (const char *const[]){"product", "category", "service", NULL});
        for (int k = 0; k < SM_NKEYS; k++) {
            yaml_node_t *v = sm_get(d, m, sm_key_names[k]);
            if (!v) continue;
            if (!sm_scalar(v) || !*sm_scalar(v)) {
                sm_err(c, file, v, "match: %s must be a name", sm_key_names[k]);
                continue;
            }
            free(en.key[k]);
            en.key[k] = sm_lower(sm_scalar(v));
            en.nkeys++;
        }
        for (size_t i = 0; i < c->n; i++) {
            int same = 1;
            for (int k = 0; k < SM_NKEYS; k++) {
                const char *a = c->e[i].key[k], *b = en.key[k];
                same &= (!a && !b) || (a && b && !strcmp(a, b));
            }
            if (same) sm_err(c, file, m, "the same match as %s", c->e[i].where);
        }
    }
    if (!srcs || srcs->type != YAML_SEQUENCE_NODE)
        sm_err(c, file, e, "logsource entry has no sources (a list; [] when no event log carries it)");
    else
        for (yaml_node_item_t *i = srcs->data.sequence.items.start; i < srcs->data.sequence.items.top; i++)
            sm_source(c, file, d, yaml_document_get_node(d, *i), common);
    c->e = xrealloc(c->e, (c->n + 1) * sizeof *c->e);
    c->e[c->n++] = en;
}

/* `placeholders`: name -> a list of strings (or nothing: no values). */
static void sm_placeholders(sm_check *c, const char *file, yaml_document_t *d, yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE) {
        sm_err(c, file, n, "placeholders: must be a mapping of name -> list of values");
        return;
    }
    sm_keys(c, file, d, n, "placeholders", NULL);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *v = yaml_document_get_node(d, p->value);
        const char *vs = sm_scalar(v);
        if (vs && (!*vs || !strcmp(vs, "~") || !strcmp(vs, "null"))) continue;
        int ok = v->type == YAML_SEQUENCE_NODE;
        for (yaml_node_item_t *i = ok ? v->data.sequence.items.start : NULL; ok && i < v->data.sequence.items.top; i++)
            ok = sm_scalar(yaml_document_get_node(d, *i)) != NULL;
        if (!ok) sm_err(c, file, v, "placeholders: '%s' must be a list of strings", sm_scalar(yaml_document_get_node(d, p->key)));
    }
}

static void sm_file(sm_check *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        sm_err(c, path, NULL, "cannot open: %s", strerror(errno));
        return;
    }
    yaml_parser_t p;
    yaml_document_t d;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    if (!yaml_parser_load(&p, &d)) {
        c->nerr++;
        sbuf_printf(&c->msgs, "%s:%d: YAML: %s\n", path, (int)p.problem_mark.line + 1, p.problem ? p.problem : "?");
        fprintf(stderr, "%s:%d: YAML: %s\n", path, (int)p.problem_mark.line + 1, p.problem ? p.problem : "?");
        yaml_parser_delete(&p);
        fclose(f);
        return;
    }
    yaml_node_t *root = yaml_document_get_root_node(&d);
    if (!root || root->type != YAML_MAPPING_NODE) sm_err(c, path, root, "expected a mapping with logsources:");
    else {
        sm_keys(c, path, &d, root, "file", (const char *const[]){"fields", "common", "logsources", "placeholders", NULL});
        yaml_node_t *fields = sm_get(&d, root, "fields"), *common = sm_get(&d, root, "common");
        yaml_node_t *ls = sm_get(&d, root, "logsources"), *ph = sm_get(&d, root, "placeholders");
        if (fields) sm_fields(c, path, &d, fields);
        if (common) sm_field_list(c, path, &d, common, "common");
        if (ph) sm_placeholders(c, path, &d, ph);
        if (!ls && ph) {
            /* a file of placeholders only */
        } else if (!ls || ls->type != YAML_SEQUENCE_NODE || ls->data.sequence.items.top == ls->data.sequence.items.start)
            sm_err(c, path, root, "logsources: must be a non-empty list");
        else
            for (yaml_node_item_t *i = ls->data.sequence.items.start; i < ls->data.sequence.items.top; i++)
                sm_entry_node(c, path, &d, yaml_document_get_node(&d, *i), common);
    }
    yaml_document_delete(&d);
    yaml_parser_delete(&p);
    fclose(f);
}

static int sm_cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int sm_is_yaml(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && !strcmp(name + n - 4, ".yml")) || (n > 5 && !strcmp(name + n - 5, ".yaml"));
}

/* Check every *.yml of dir (not recursive, sorted) into c. */
static void sm_check_dir(sm_check *c, const char *dir)
{
    DIR *dd = opendir(dir);
    if (!dd) {
        sm_err(c, dir, NULL, "cannot open the directory: %s", strerror(errno));
        return;
    }
    char **files = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dd)))
        if (de->d_name[0] != '.' && sm_is_yaml(de->d_name)) {
            files = xrealloc(files, (n + 1) * sizeof *files);
            files[n++] = xasprintf("%s/%s", dir, de->d_name);
        }
    closedir(dd);
    qsort(files, n, sizeof *files, sm_cmp_str);
    if (!n) sm_err(c, dir, NULL, "no Sigma map files (*.yml)");
    for (size_t i = 0; i < n; i++) {
        sm_file(c, files[i]);
        free(files[i]);
    }
    free(files);
}

/* ---- fixtures ------------------------------------------------------------- */

static char *g_db;
static store *g_st;
static dm_registry *g_dm;

static const char *src_dir(void)
{
    const char *s = getenv("SPLITE_SRC");
    return s && *s ? s : ".";
}

static int setup(void **state)
{
    (void)state;
    char *err = NULL;
    g_db = tu_tmp_path(".db");
    g_st = store_open(g_db, &err);
    assert_non_null(g_st);
    /* the data models as `splite` loads them: datamodels/ with sigma/ in it */
    char *dir = xasprintf("%s/datamodels", src_dir());
    g_dm = dm_load_dir(dir, &err);
    if (!g_dm) fprintf(stderr, "%s\n", err);
    assert_non_null(g_dm);
    free(dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dm_free(g_dm);
    store_close(g_st);
    tu_remove_db(g_db);
    free(g_db);
    return 0;
}

static void sm_init(sm_check *c)
{
    memset(c, 0, sizeof *c);
    c->st = g_st;
    c->dm = g_dm;
}

/* ---- the shipped files ---------------------------------------------------- */

static void test_shipped_files_are_valid(void **state)
{
    (void)state;
    sm_check c;
    sm_init(&c);
    char *dir = xasprintf("%s/datamodels/sigma", src_dir());
    sm_check_dir(&c, dir);
    printf("datamodels/sigma: %zu logsource entries, %zu sources, %zu field expressions\n", c.n, c.nsources, c.nexprs);
    assert_int_equal(c.nerr, 0);
    /* the taxonomy's Windows logsources are all there */
    static const char *const want[][3] = {
        {"windows", "process_creation", NULL}, {"windows", "registry_event", NULL}, {"windows", "file_delete", NULL},
        {"windows", "ps_script", NULL}, {"windows", "ps_classic_script", NULL}, {"windows", "sysmon_error", NULL},
        {"windows", NULL, "security"}, {"windows", NULL, "iis-configuration"}, {"windows", NULL, "windefend"},
        {"windows", NULL, NULL},
    };
    for (size_t w = 0; w < sizeof want / sizeof *want; w++) {
        int found = 0;
        for (size_t i = 0; i < c.n; i++) {
            int same = 1;
            for (int k = 0; k < SM_NKEYS; k++) {
                const char *a = c.e[i].key[k], *b = want[w][k];
                same &= (!a && !b) || (a && b && !strcmp(a, b));
            }
            found |= same;
        }
        if (!found) fprintf(stderr, "no entry for %s/%s/%s\n", want[w][0], want[w][1] ? want[w][1] : "-", want[w][2] ? want[w][2] : "-");
        assert_true(found);
    }
    /* docs/SIGMA.md's table names every source */
    char *doc_path = xasprintf("%s/docs/SIGMA.md", src_dir());
    FILE *f = fopen(doc_path, "rb");
    assert_non_null(f);
    sbuf doc = {0};
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) sbuf_addn(&doc, buf, got);
    fclose(f);
    for (size_t i = 0; i < c.nnames; i++) {
        char *cell = xasprintf("| `%s` |", c.names[i]);
        if (!strstr(doc.s, cell)) fprintf(stderr, "docs/SIGMA.md: source %s is not in the table\n", c.names[i]);
        assert_non_null(strstr(doc.s, cell));
        free(cell);
    }
    sbuf_free(&doc);
    free(doc_path);
    free(dir);
    sm_free(&c);
}

/* ---- every logsource the rule corpora use has an entry -------------------- */

typedef struct sm_cov {
    sm_check *map;
    char **products;   /* products the map covers (lower case) */
    size_t nproducts;
    size_t nfiles, nunparsable, nlogsources, nskipped;
    sbuf missing;      /* "product/category/service (file)" lines */
    sbuf skipped;      /* " product" for each product skipped */
    int nmissing;
} sm_cov;

/* The values of one logsource key: a scalar, or a list of scalars (the
 * older dialect; the compiler ORs one lookup per value). */
static size_t sm_values(yaml_document_t *d, yaml_node_t *v, char **out, size_t max)
{
    size_t n = 0;
    if (!v) return 0;
    if (v->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top && n < max; i++) {
            const char *s = sm_scalar(yaml_document_get_node(d, *i));
            if (s && *s) out[n++] = sm_lower(s);
        }
        return n;
    }
    const char *s = sm_scalar(v);
    if (s && *s && max) out[n++] = sm_lower(s);
    return n;
}

/* The best score of an entry for a rule's logsource (-1: no entry applies),
 * as sigma_map_sources() scores them: every key of the match equal; an
 * entry without category only for rules without one; an entry without
 * service for a rule with one only when the rule has a category. */
static int sm_best(const sm_check *m, char *const key[SM_NKEYS])
{
    int best = -1;
    for (size_t i = 0; i < m->n; i++) {
        char *const *e = m->e[i].key;
        int ok = 1;
        for (int k = 0; k < SM_NKEYS; k++)
            if (e[k]) ok &= key[k] && !strcmp(e[k], key[k]);
        if (!e[SM_CATEGORY] && key[SM_CATEGORY]) ok = 0;
        if (!e[SM_SERVICE] && key[SM_SERVICE] && !key[SM_CATEGORY]) ok = 0;
        if (ok && m->e[i].nkeys > best) best = m->e[i].nkeys;
    }
    return best;
}

static void sm_cov_logsource(sm_cov *cv, const char *path, yaml_document_t *d, yaml_node_t *ls)
{
    enum { MAXV = 8 };
    char *v[SM_NKEYS][MAXV];
    size_t nv[SM_NKEYS];
    for (int k = 0; k < SM_NKEYS; k++) nv[k] = sm_values(d, sm_get(d, ls, sm_key_names[k]), v[k], MAXV);
    /* every combination of the listed values */
    for (size_t a = 0; a < (nv[0] ? nv[0] : 1); a++)
        for (size_t b = 0; b < (nv[1] ? nv[1] : 1); b++)
            for (size_t s = 0; s < (nv[2] ? nv[2] : 1); s++) {
                char *key[SM_NKEYS] = {nv[0] ? v[0][a] : NULL, nv[1] ? v[1][b] : NULL, nv[2] ? v[2][s] : NULL};
                int nkeys = !!key[0] + !!key[1] + !!key[2];
                if (!nkeys) continue;
                cv->nlogsources++;
                int covered = !key[0];
                for (size_t p = 0; p < cv->nproducts && !covered; p++) covered = !strcmp(cv->products[p], key[0]);
                if (!covered) {
                    char *word = xasprintf(" %s;", key[0]);
                    if (!cv->skipped.s || !strstr(cv->skipped.s, word)) sbuf_add(&cv->skipped, word);
                    free(word);
                    cv->nskipped++;
                    continue;
                }
                if (sm_best(cv->map, key) >= 0) continue;
                char *line = xasprintf("%s/%s/%s", key[0] ? key[0] : "-", key[1] ? key[1] : "-", key[2] ? key[2] : "-");
                if (!cv->missing.s || !strstr(cv->missing.s, line)) {
                    sbuf_printf(&cv->missing, "%s (%s)\n", line, path);
                    cv->nmissing++;
                }
                free(line);
            }
    for (int k = 0; k < SM_NKEYS; k++)
        for (size_t i = 0; i < nv[k]; i++) free(v[k][i]);
}

static void sm_cov_file(sm_cov *cv, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return;
    cv->nfiles++;
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    for (;;) {
        yaml_document_t d;
        if (!yaml_parser_load(&p, &d)) {
            cv->nunparsable++; /* the older dialect has a few files YAML rejects (tabs) */
            break;
        }
        yaml_node_t *root = yaml_document_get_root_node(&d);
        if (!root) {
            yaml_document_delete(&d);
            break;
        }
        if (root->type == YAML_MAPPING_NODE) {
            yaml_node_t *ls = sm_get(&d, root, "logsource");
            if (ls && ls->type == YAML_MAPPING_NODE) sm_cov_logsource(cv, path, &d, ls);
        }
        yaml_document_delete(&d);
    }
    yaml_parser_delete(&p);
    fclose(f);
}

static void sm_cov_walk(sm_cov *cv, const char *dir)
{
    DIR *dd = opendir(dir);
    if (!dd) return;
    struct dirent *de;
    while ((de = readdir(dd))) {
        if (de->d_name[0] == '.') continue;
        char *path = xasprintf("%s/%s", dir, de->d_name);
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) sm_cov_walk(cv, path);
        else if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sm_is_yaml(de->d_name)) sm_cov_file(cv, path);
        free(path);
    }
    closedir(dd);
}

static void test_corpus_logsources_have_entries(void **state)
{
    (void)state;
    const char *shared = tu_shared();
    char *sigma = shared ? xasprintf("%s/corpus/sigma", shared) : NULL;
    struct stat sb;
    if (!sigma || stat(sigma, &sb) != 0) {
        printf("SKIP: ../shared/corpus/sigma not present (a user's clone has no ../shared)\n");
        free(sigma);
        skip();
    }
    sm_check c;
    sm_init(&c);
    char *dir = xasprintf("%s/datamodels/sigma", src_dir());
    sm_check_dir(&c, dir);
    assert_int_equal(c.nerr, 0);
    sm_cov cv = {0};
    cv.map = &c;
    for (size_t i = 0; i < c.n; i++) {
        const char *p = c.e[i].key[SM_PRODUCT];
        int seen = !p;
        for (size_t j = 0; j < cv.nproducts && !seen; j++) seen = !strcmp(cv.products[j], p);
        if (seen) continue;
        cv.products = xrealloc(cv.products, (cv.nproducts + 1) * sizeof *cv.products);
        cv.products[cv.nproducts++] = xstrdup(p);
    }
    static const char *const roots[] = {"SigmaHQ/rules/windows", "mdecrevoisier"};
    for (size_t r = 0; r < sizeof roots / sizeof *roots; r++) {
        char *root = xasprintf("%s/%s", sigma, roots[r]);
        size_t before = cv.nfiles;
        sm_cov_walk(&cv, root);
        printf("%s: %zu rule files\n", roots[r], cv.nfiles - before);
        assert_true(cv.nfiles > before);
        free(root);
    }
    printf("%zu logsources checked, %zu skipped (products the map does not cover, not Windows event logs:%s), "
           "%zu files YAML rejects, %d without an entry\n",
           cv.nlogsources, cv.nskipped, cv.skipped.s ? cv.skipped.s : "", cv.nunparsable, cv.nmissing);
    if (cv.nmissing) fprintf(stderr, "logsources without an entry:\n%s", cv.missing.s);
    assert_int_equal(cv.nmissing, 0);
    assert_true(cv.nlogsources > 2000);
    for (size_t i = 0; i < cv.nproducts; i++) free(cv.products[i]);
    free(cv.products);
    sbuf_free(&cv.missing);
    sbuf_free(&cv.skipped);
    free(dir);
    free(sigma);
    sm_free(&c);
}

/* ---- the checker finds faults --------------------------------------------- */

/* Check one file holding text in a fresh directory; return the messages. */
static char *check_text(const char *text, int *nerr)
{
    char *dir = tu_tmp_path(".d");
    assert_int_equal(mkdir(dir, 0700), 0);
    char *path = xasprintf("%s/m.yml", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    sm_check c;
    sm_init(&c);
    sm_check_dir(&c, dir);
    *nerr = c.nerr;
    char *msgs = xstrdup(c.msgs.s ? c.msgs.s : "");
    sm_free(&c);
    unlink(path);
    rmdir(dir);
    free(path);
    free(dir);
    return msgs;
}

static void expect_fault(const char *text, const char *want)
{
    int n = 0;
    char *m = check_text(text, &n);
    if (!strstr(m, want)) fprintf(stderr, "wanted '%s' in:\n%s", want, m);
    assert_true(n > 0);
    assert_non_null(strstr(m, want));
    free(m);
}

static void test_checker_finds_faults(void **state)
{
    (void)state;
    int n = -1;
    char *m = check_text("logsources:\n  - match: {product: windows, service: x}\n    sources:\n"
                         "      - name: x\n        search: 'source=\"XmlWinEventLog:X\" EventCode=1'\n"
                         "        fields: {A: B, C: 'coalesce(D, E)'}\n        has: [B]\n",
                         &n);
    assert_int_equal(n, 0);
    free(m);
    expect_fault("logsources:\n  - match: {product: windows}\n    sources:\n      - name: x\n", "m.yml:4: source 'x' has no search");
    expect_fault("logsources:\n  - match: {product: windows}\n    sources:\n      - search: 'x'\n", "source has no name");
    expect_fault("logsources:\n  - sources: []\n", "logsource entry has no match");
    expect_fault("logsources:\n  - match: {product: windows}\n", "has no sources");
    expect_fault("logsources:\n  - match: {product: windows, os: x}\n    sources: []\n", "match: unknown key 'os'");
    expect_fault("logsources:\n  - match: {product: windows}\n    sources:\n"
                 "      - {name: a, search: 'x'}\n      - {name: a, search: 'y'}\n",
                 "source name 'a' used twice");
    expect_fault("logsources:\n  - match: {product: windows}\n    sources:\n      - {name: Ab, search: 'x'}\n",
                 "only a-z, 0-9 and _");
    expect_fault("logsources:\n  - match: {product: windows}\n    sources:\n"
                 "      - {name: a, search: '(source=\"x\" OR'}\n",
                 "search does not compile");
    expect_fault("logsources:\n  - match: {product: windows}\n    sources:\n"
                 "      - {name: a, search: 'x', fields: {U: 'coalesce(A,'}}\n",
                 "'U': the expression does not compile");
    expect_fault("common: [C]\nlogsources:\n  - match: {product: windows}\n    sources:\n"
                 "      - {name: a, search: 'x', fields: {A: C, B: D, E: F}, has: [D]}\n",
                 "'F' is in neither has nor common");
    expect_fault("logsources:\n  - match: {product: windows}\n    sources:\n      - {name: a, search: 'x', has: ['a b']}\n",
                 "has: not a field name");
    expect_fault("logsources:\n  - match: {product: windows}\n    sources: []\n  - match: {product: Windows}\n    sources: []\n",
                 "the same match as");
    expect_fault("logsources:\n  - match: {product: windows}\n    sources: []\n    sources: []\n", "key 'sources' given twice");
    expect_fault("fields: [a]\nlogsources:\n  - match: {product: windows}\n    sources: []\n", "fields: must be a mapping");
    expect_fault("logsource:\n  - match: {product: windows}\n", "file: unknown key 'logsource'");
    expect_fault("logsources: [\n", "YAML:");
    expect_fault("placeholders:\n  admins: {a: b}\n", "'admins' must be a list of strings");
    m = check_text("placeholders:\n  admins: [Administrator, root]\n  none:\n", &n);
    assert_int_equal(n, 0);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_files_are_valid),
        cmocka_unit_test(test_corpus_logsources_have_entries),
        cmocka_unit_test(test_checker_finds_faults),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
