/* spl_lookup.c: lookup definitions read from lookup directories (YAML via
 * yamlutil) and loading a lookup's CSV into a TEMP table of the connection
 * on first use (see spl_lookup.h). CSV per RFC 4180: quoted cells with ""
 * escapes and embedded newlines, CRLF or LF line ends, a UTF-8 BOM skipped;
 * unquoted cells and header names are trimmed of surrounding blanks. */
#include "spl_lookup.h"
#include "util.h"
#include "yamlutil.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void spl_lookups_init(spl_lookups *l)
{
    memset(l, 0, sizeof *l);
}

static void def_free(spl_lookup_def *d)
{
    free(d->name);
    free(d->path);
    free(d->collection);
    for (int i = 0; i < d->nfields; i++) free(d->fields[i]);
    free(d->fields);
    for (int i = 0; i < d->nwild; i++) free(d->wild[i]);
    free(d->wild);
    for (int i = 0; i < d->ncidr; i++) free(d->cidr[i]);
    free(d->cidr);
    free(d->default_match);
    free(d->file);
    free(d->external);
    memset(d, 0, sizeof *d);
}

void spl_lookups_free(spl_lookups *l)
{
    for (int i = 0; i < l->n; i++) def_free(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void defs_put(spl_lookups *l, spl_lookup_def *d)
{
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].name, d->name)) {
            def_free(&l->v[i]);
            l->v[i] = *d;
            return;
        }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = xrealloc(l->v, sizeof *l->v * (size_t)l->cap);
    }
    l->v[l->n++] = *d;
}

/* "a, b ,c" -> list of trimmed names */
static void split_list(const char *s, char ***out, int *n)
{
    const char *p = s;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t') p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ',') e++;
        const char *t = e;
        while (t > p && (t[-1] == ' ' || t[-1] == '\t')) t--;
        *out = xrealloc(*out, sizeof **out * (size_t)(*n + 1));
        (*out)[(*n)++] = xstrndup(p, (size_t)(t - p));
        p = e;
    }
}

static int yes(const char *s)
{
    return s && (!strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "t") || !strcasecmp(s, "yes"));
}

static int load_def(spl_lookups *l, const char *dir, const char *path, char **err)
{
    yaml_document_t doc;
    if (yamlu_load(path, &doc, err)) return -1;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    int rc = -1;
    if (!root || root->type != YAML_MAPPING_NODE) {
        *err = xasprintf("%s: not a YAML mapping", path);
        goto out;
    }
    const char *name = yamlu_get_str(&doc, root, "name");
    if (!name || !*name) {
        *err = xasprintf("%s: lookup definition has no name", path);
        goto out;
    }
    spl_lookup_def d = {0};
    d.name = xstrdup(name);
    d.file = xstrdup(path);
    d.case_sensitive = 1;
    d.max_matches = 1000;
    const char *s;
    if ((s = yamlu_get_str(&doc, root, "filename")) && *s) {
        size_t n = strlen(s);
        /* a model (.mlmodel) is not a table: leave path NULL */
        if (n > 4 && !strcasecmp(s + n - 4, ".csv")) d.path = xasprintf("%s/%s", dir, s);
    }
    if ((s = yamlu_get_str(&doc, root, "collection")) && *s) d.collection = xstrdup(s);
    if ((s = yamlu_get_str(&doc, root, "external")) && *s) d.external = xstrdup(s);
    if ((s = yamlu_get_str(&doc, root, "fields_list"))) {
        split_list(s, &d.fields, &d.nfields);
        /* a field listed twice is one column */
        for (int i = 0; i < d.nfields; i++)
            for (int k = i + 1; k < d.nfields;)
                if (!strcmp(d.fields[i], d.fields[k])) {
                    free(d.fields[k]);
                    memmove(&d.fields[k], &d.fields[k + 1], sizeof *d.fields * (size_t)(d.nfields - k - 1));
                    d.nfields--;
                } else {
                    k++;
                }
    }
    if ((s = yamlu_get_str(&doc, root, "case_sensitive_match"))) d.case_sensitive = yes(s);
    if ((s = yamlu_get_str(&doc, root, "min_matches"))) d.min_matches = atoi(s);
    if ((s = yamlu_get_str(&doc, root, "max_matches"))) {
        d.max_matches = atoi(s);
        if (d.max_matches < 1) d.max_matches = 1;
        if (d.max_matches > 1000) d.max_matches = 1000;
    }
    if ((s = yamlu_get_str(&doc, root, "default_match"))) d.default_match = xstrdup(s);
    if ((s = yamlu_get_str(&doc, root, "match_type"))) {
        /* WILDCARD(a), WILDCARD(b), CIDR(c) */
        const char *p = s;
        while ((p = strchr(p, '('))) {
            const char *kw = p;
            while (kw > s && isalpha((unsigned char)kw[-1])) kw--;
            const char *e = strchr(p, ')');
            if (!e) break;
            int is_wild = (size_t)(p - kw) == 8 && !strncasecmp(kw, "WILDCARD", 8);
            int is_cidr = (size_t)(p - kw) == 4 && !strncasecmp(kw, "CIDR", 4);
            if (is_wild || is_cidr) {
                char **one = NULL;
                int n1 = 0;
                char *inner = xstrndup(p + 1, (size_t)(e - p - 1));
                split_list(inner, &one, &n1);
                free(inner);
                for (int i = 0; i < n1; i++) {
                    char ***lst = is_wild ? &d.wild : &d.cidr;
                    int *cnt = is_wild ? &d.nwild : &d.ncidr;
                    *lst = xrealloc(*lst, sizeof **lst * (size_t)(*cnt + 1));
                    (*lst)[(*cnt)++] = one[i];
                }
                free(one);
            }
            p = e + 1;
        }
    }
    defs_put(l, &d);
    rc = 0;
out:
    yaml_document_delete(&doc);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int spl_lookups_load_dir(spl_lookups *l, const char *dir, int optional, char **err)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        if (optional) return 0;
        *err = xasprintf("%s: cannot open lookup directory", dir);
        return -1;
    }
    char **names = NULL;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        if (e->d_name[0] == '.') continue;
        size_t k = strlen(e->d_name);
        if ((k > 4 && (!strcmp(e->d_name + k - 4, ".yml") || !strcasecmp(e->d_name + k - 4, ".csv"))) ||
            (k > 5 && !strcmp(e->d_name + k - 5, ".yaml"))) {
            names = xrealloc(names, sizeof *names * (size_t)(n + 1));
            names[n++] = xstrdup(e->d_name);
        }
    }
    closedir(dp);
    if (n) qsort(names, (size_t)n, sizeof *names, cmp_str);
    int rc = 0;
    /* bare CSV files first, so a definition of the same name wins */
    for (int i = 0; i < n; i++) {
        size_t k = strlen(names[i]);
        if (strcasecmp(names[i] + k - 4, ".csv")) continue;
        spl_lookup_def d = {0};
        d.name = xstrdup(names[i]);
        d.path = xasprintf("%s/%s", dir, names[i]);
        d.file = xstrdup(d.path);
        d.case_sensitive = 1;
        d.max_matches = 1000;
        defs_put(l, &d);
    }
    for (int i = 0; i < n && !rc; i++) {
        size_t k = strlen(names[i]);
        if (!strcasecmp(names[i] + k - 4, ".csv")) continue;
        char *p = xasprintf("%s/%s", dir, names[i]);
        rc = load_def(l, dir, p, err);
        free(p);
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

const spl_lookup_def *spl_lookups_find(const spl_lookups *l, const char *name)
{
    if (!l) return NULL;
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].name, name)) return &l->v[i];
    /* by file name: a definition whose CSV is that file */
    for (int i = 0; i < l->n; i++) {
        const char *p = l->v[i].path;
        if (!p) continue;
        const char *b = strrchr(p, '/');
        b = b ? b + 1 : p;
        if (!strcmp(b, name)) return &l->v[i];
    }
    char *csv = xasprintf("%s.csv", name);
    const spl_lookup_def *d = NULL;
    for (int i = 0; i < l->n && !d; i++)
        if (!strcmp(l->v[i].name, csv)) d = &l->v[i];
    free(csv);
    return d;
}

int spl_lookup_is_wild(const spl_lookup_def *d, const char *field)
{
    for (int i = 0; i < d->nwild; i++)
        if (!strcmp(d->wild[i], field)) return 1;
    return 0;
}

static int table_exists_in(sqlite3 *db, const char *schema, const char *name);

int spl_lookup_in_db(sqlite3 *db, const char *name)
{
    char *n = xasprintf("lookup:%s", name);
    int r = table_exists_in(db, "main", n);
    free(n);
    return r;
}

const spl_lookup_def *spl_lookup_resolve(sqlite3 *db, const spl_lookups *l, const char *name, spl_lookup_def *tmp)
{
    memset(tmp, 0, sizeof *tmp);
    const spl_lookup_def *d = spl_lookups_find(l, name);
    if (d) return d;
    if (!spl_lookup_in_db(db, name)) return NULL;
    tmp->name = xstrdup(name);
    tmp->case_sensitive = 1;
    tmp->max_matches = 1000;
    return tmp;
}

char *spl_lookup_pattern_sql(const spl_lookup_def *d, const char *x)
{
    if (d->case_sensitive)
        return xasprintf("replace(replace(%s, '[', '[[]'), '?', '[?]')", x);
    return xasprintf("replace(replace(replace(replace(%s, '\\', '\\\\'), '%%', '\\%%'), '_', '\\_'), '*', '%%')", x);
}

int spl_lookup_is_cidr(const spl_lookup_def *d, const char *field)
{
    for (int i = 0; i < d->ncidr; i++)
        if (!strcmp(d->cidr[i], field)) return 1;
    return 0;
}

char *spl_lookup_table_sql(sqlite3 *db, const spl_lookup_def *d)
{
    sbuf b = {0};
    char *n = xasprintf("lookup:%s", d->name);
    sbuf_add(&b, table_exists_in(db, "main", n) ? "main." : "temp.");
    sbuf_add_sql_ident(&b, n);
    free(n);
    return sbuf_detach(&b);
}

void spl_lookup_cols_free(char **cols, int ncols)
{
    for (int i = 0; i < ncols; i++) free(cols[i]);
    free(cols);
}

/* ---- CSV ---- */
typedef struct csv_row {
    char **v;
    int n, cap;
} csv_row;

static void row_add(csv_row *r, char *s)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->v = xrealloc(r->v, sizeof *r->v * (size_t)r->cap);
    }
    r->v[r->n++] = s;
}

static void row_clear(csv_row *r)
{
    for (int i = 0; i < r->n; i++) free(r->v[i]);
    r->n = 0;
}

/* Read one record starting at *p (end e). Returns 0 at end of input. */
static int csv_record(const char **pp, const char *e, csv_row *r)
{
    const char *p = *pp;
    if (p >= e) return 0;
    row_clear(r);
    for (;;) {
        sbuf cell = {0};
        if (p < e && *p == '"') {
            p++;
            while (p < e) {
                if (*p == '"') {
                    if (p + 1 < e && p[1] == '"') { sbuf_addc(&cell, '"'); p += 2; continue; }
                    p++;
                    break;
                }
                sbuf_addc(&cell, *p++);
            }
            /* anything after the closing quote up to the separator is kept */
            while (p < e && *p != ',' && *p != '\n' && *p != '\r') sbuf_addc(&cell, *p++);
        } else {
            const char *s = p;
            while (p < e && *p != ',' && *p != '\n' && *p != '\r') p++;
            const char *t = p;
            while (s < t && (*s == ' ' || *s == '\t')) s++;
            while (t > s && (t[-1] == ' ' || t[-1] == '\t')) t--;
            sbuf_addn(&cell, s, (size_t)(t - s));
        }
        row_add(r, cell.s ? sbuf_detach(&cell) : xstrdup(""));
        if (p < e && *p == ',') { p++; continue; }
        if (p < e && *p == '\r') p++;
        if (p < e && *p == '\n') p++;
        break;
    }
    *pp = p;
    return 1;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    sbuf b = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sbuf_addn(&b, buf, n);
    fclose(f);
    if (!b.s) sbuf_add(&b, "");
    *len = b.len;
    return sbuf_detach(&b);
}

static int table_exists_in(sqlite3 *db, const char *schema, const char *name)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    char *q = xasprintf("SELECT 1 FROM %s.sqlite_master WHERE type='table' AND name=?1", schema);
    int prc = sqlite3_prepare_v2(db, q, -1, &st, NULL);
    free(q);
    if (prc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

static int table_cols(sqlite3 *db, const char *tsql, char ***cols, int *ncols)
{
    char *q = xasprintf("SELECT * FROM %s LIMIT 0", tsql);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, q, -1, &st, NULL);
    free(q);
    if (rc != SQLITE_OK) return -1;
    *ncols = 0;
    *cols = NULL;
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n; i++) {
        const char *c = sqlite3_column_name(st, i);
        if (strchr(c, '#')) continue; /* pattern columns are internal */
        *cols = xrealloc(*cols, sizeof **cols * (size_t)(*ncols + 1));
        (*cols)[(*ncols)++] = xstrdup(c);
    }
    sqlite3_finalize(st);
    return 0;
}

/* '*' wildcard value -> LIKE pattern (case-insensitive) or GLOB pattern */
static char *wild_pattern(const char *v, int case_sensitive)
{
    sbuf b = {0};
    for (const char *p = v; *p; p++) {
        if (case_sensitive) {
            if (*p == '?' || *p == '[') sbuf_printf(&b, "[%c]", *p);
            else sbuf_addc(&b, *p);
        } else {
            if (*p == '*') sbuf_addc(&b, '%');
            else if (*p == '%' || *p == '_' || *p == '\\') { sbuf_addc(&b, '\\'); sbuf_addc(&b, *p); }
            else sbuf_addc(&b, *p);
        }
    }
    if (!b.s) sbuf_add(&b, "");
    return sbuf_detach(&b);
}

static int exec(sqlite3 *db, const char *sql, char **err)
{
    char *m = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &m) != SQLITE_OK) {
        *err = xasprintf("%s", m ? m : sqlite3_errmsg(db));
        sqlite3_free(m);
        return -1;
    }
    return 0;
}

static int create_table(sqlite3 *db, const spl_lookup_def *d, char **header, int nh, const char *tsql, char **err)
{
    sbuf c = {0};
    sbuf_printf(&c, "CREATE TEMP TABLE %s (", strchr(tsql, '.') + 1);
    for (int i = 0; i < nh; i++) {
        if (i) sbuf_add(&c, ", ");
        sbuf_add_sql_ident(&c, header[i]);
        sbuf_add(&c, d->case_sensitive ? " TEXT" : " TEXT COLLATE NOCASE");
    }
    for (int i = 0; i < nh; i++)
        if (spl_lookup_is_wild(d, header[i])) {
            char *pn = xasprintf("%s#pat", header[i]);
            sbuf_add(&c, ", ");
            sbuf_add_sql_ident(&c, pn);
            sbuf_add(&c, " TEXT");
            free(pn);
        }
    sbuf_add(&c, ")");
    int rc = exec(db, c.s, err);
    sbuf_free(&c);
    return rc;
}

static int load_csv(sqlite3 *db, const spl_lookup_def *d, const char *tsql, char **err)
{
    size_t len = 0;
    char *text = read_file(d->path, &len);
    if (!text) {
        *err = xasprintf("lookup '%s': cannot read %s", d->name, d->path);
        return -1;
    }
    const char *p = text, *e = text + len;
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
    csv_row hdr = {0}, row = {0};
    int rc = -1;
    if (!csv_record(&p, e, &hdr) || hdr.n == 0 || (hdr.n == 1 && !*hdr.v[0])) {
        *err = xasprintf("%s: lookup file has no header line", d->path);
        goto out;
    }
    for (int i = 0; i < hdr.n; i++) {
        if (!*hdr.v[i]) {
            free(hdr.v[i]);
            hdr.v[i] = xasprintf("field%d", i + 1);
        }
        for (int k = 0; k < i; k++)
            if (!strcmp(hdr.v[k], hdr.v[i])) {
                *err = xasprintf("%s: column '%s' appears twice in the header", d->path, hdr.v[i]);
                goto out;
            }
    }
    if (create_table(db, d, hdr.v, hdr.n, tsql, err)) goto out;
    int *wild = xcalloc((size_t)hdr.n, sizeof *wild);
    int nw = 0;
    sbuf ins = {0};
    sbuf_printf(&ins, "INSERT INTO %s VALUES (", tsql);
    for (int i = 0; i < hdr.n; i++) sbuf_printf(&ins, "%s?%d", i ? ", " : "", i + 1);
    for (int i = 0; i < hdr.n; i++)
        if (spl_lookup_is_wild(d, hdr.v[i])) { wild[i] = 1; sbuf_printf(&ins, ", ?%d", hdr.n + 1 + nw++); }
    sbuf_add(&ins, ")");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, ins.s, -1, &st, NULL) != SQLITE_OK) {
        *err = xasprintf("lookup '%s': %s", d->name, sqlite3_errmsg(db));
        sbuf_free(&ins);
        free(wild);
        goto out;
    }
    sbuf_free(&ins);
    char *txerr = NULL;
    int own_tx = sqlite3_get_autocommit(db) && !exec(db, "SAVEPOINT lookup_load", &txerr);
    free(txerr);
    rc = 0;
    long line = 1;
    while (!rc && csv_record(&p, e, &row)) {
        line++;
        if (row.n == 1 && !*row.v[0]) continue; /* blank line */
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        int k = 0;
        for (int i = 0; i < hdr.n; i++) {
            const char *v = i < row.n ? row.v[i] : "";
            if (*v) sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT);
            if (wild[i]) {
                if (*v) {
                    char *pat = wild_pattern(v, d->case_sensitive);
                    sqlite3_bind_text(st, hdr.n + 1 + k, pat, -1, free);
                }
                k++;
            }
        }
        if (sqlite3_step(st) != SQLITE_DONE) {
            *err = xasprintf("%s:%ld: %s", d->path, line, sqlite3_errmsg(db));
            rc = -1;
        }
    }
    sqlite3_finalize(st);
    free(wild);
    if (own_tx) {
        char *e2 = NULL;
        if (rc) exec(db, "ROLLBACK TO lookup_load", &e2);
        free(e2);
        e2 = NULL;
        exec(db, "RELEASE lookup_load", &e2);
        free(e2);
    }
    if (rc) {
        char *dr = xasprintf("DROP TABLE IF EXISTS %s", tsql);
        char *e2 = NULL;
        exec(db, dr, &e2);
        free(e2);
        free(dr);
    }
out:
    row_clear(&hdr);
    free(hdr.v);
    row_clear(&row);
    free(row.v);
    free(text);
    return rc;
}

int spl_lookup_table(sqlite3 *db, const spl_lookup_def *d, char ***cols, int *ncols, char **err)
{
    assert(db && d);
    char *raw = xasprintf("lookup:%s", d->name);
    int rc = 0;
    if (!table_exists_in(db, "main", raw) && !table_exists_in(db, "temp", raw)) {
        char *tsql = spl_lookup_table_sql(db, d);
        if (d->path) {
            rc = load_csv(db, d, tsql, err);
        } else if (d->collection) {
            /* a KV store collection: its fields, no rows */
            char **f = d->fields;
            int nf = d->nfields;
            char *key = "_key";
            if (!nf) { f = &key; nf = 1; }
            rc = create_table(db, d, f, nf, tsql, err);
        } else {
            *err = xasprintf("lookup '%s' (%s) is not a table: only CSV files and KV store collections are",
                             d->name, d->file);
            rc = -1;
        }
        free(tsql);
    }
    char *tsql = spl_lookup_table_sql(db, d);
    if (!rc && table_cols(db, tsql, cols, ncols)) {
        *err = xasprintf("lookup '%s': %s", d->name, sqlite3_errmsg(db));
        rc = -1;
    }
    free(raw);
    free(tsql);
    return rc;
}

void spl_lookup_index(sqlite3 *db, const spl_lookup_def *d, const char *col)
{
    sbuf q = {0};
    char *iname = xasprintf("lookup:%s#%s", d->name, col);
    char *tname = xasprintf("lookup:%s", d->name);
    sbuf_add(&q, "CREATE INDEX IF NOT EXISTS ");
    sbuf_add(&q, table_exists_in(db, "main", tname) ? "main." : "temp.");
    sbuf_add_sql_ident(&q, iname);
    sbuf_add(&q, " ON ");
    sbuf_add_sql_ident(&q, tname);
    sbuf_add(&q, "(");
    sbuf_add_sql_ident(&q, col);
    sbuf_add(&q, ")");
    sqlite3_exec(db, q.s, NULL, NULL, NULL);
    sbuf_free(&q);
    free(iname);
    free(tname);
}

/* spl_shannon(x): -sum(p * log2 p) over the byte frequencies of x */
static void fn_shannon(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const unsigned char *s = sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    if (!s || n <= 0) {
        sqlite3_result_double(ctx, 0);
        return;
    }
    long counts[256] = {0};
    for (int i = 0; i < n; i++) counts[s[i]]++;
    double h = 0;
    for (int k = 0; k < 256; k++)
        if (counts[k]) {
            double p = (double)counts[k] / n;
            h -= p * log2(p);
        }
    sqlite3_result_double(ctx, h);
}

void spl_lookup_register(sqlite3 *db)
{
    sqlite3_create_function(db, "spl_shannon", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                            fn_shannon, NULL, NULL);
    spl_lookup_match_register(db);
}
