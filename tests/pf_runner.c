/* pf_runner.c: the prefilter conformance runner (tests/prefilter/NAME.test,
 * format in tests/prefilter/README.md). For each case it loads the events
 * into a fresh store, compiles the query with spl_opts.prefilter, compares
 * the formula's text (spl_pf_text, "none" without one) with the case's, and
 * checks the shared scan's invariant on those events (mx_equiv.h): the
 * query run after the scan gives the rows it gives alone, in the same
 * order. Usage: pf_runner DIR [FILTER]; exit 0 when every case passes. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "datamodel.h"
#include "mx_equiv.h"

typedef struct pcase {
    char *name;
    int line;
    char *events;  /* NULL: the previous case's events */
    char *query;
    char *formula;
    char *rows;    /* NULL: any number of result rows */
} pcase;

static void pcase_free(pcase *c)
{
    free(c->name);
    free(c->events);
    free(c->query);
    free(c->formula);
    free(c->rows);
    memset(c, 0, sizeof *c);
}

static char *trimmed(const sbuf *b)
{
    const char *s = b->s ? b->s : "";
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r')) n--;
    size_t a = 0;
    while (a < n && (s[a] == '\n' || s[a] == ' ')) a++;
    return xstrndup(s + a, n - a);
}

static const dm_registry *g_dm;
static char *g_db;
static int g_pass, g_fail;

static store *fresh_store(const char *events, const char *file, int line)
{
    char *err = NULL;
    char *w = xasprintf("%s-wal", g_db), *s = xasprintf("%s-shm", g_db);
    unlink(g_db);
    unlink(w);
    unlink(s);
    free(w);
    free(s);
    store *st = store_open(g_db, &err);
    if (!st) {
        fprintf(stderr, "%s:%d: store_open: %s\n", file, line, err);
        free(err);
        return NULL;
    }
    char *what = xasprintf("%s:%d", file, line);
    int rc = mxe_load_jsonl(st, events, what);
    free(what);
    if (rc) {
        store_close(st);
        return NULL;
    }
    return st;
}

static void run_case(const pcase *c, store *st, const char *file)
{
    spl_opts o = {0};
    o.now = 1717243200;
    o.datamodels = g_dm;
    mxe_result r;
    int rc = mxe_compare(st, NULL, c->query, &o, &r);
    const char *want = c->formula ? c->formula : "";
    if (rc) {
        fprintf(stderr, "FAIL %s:%d %s: %s\n", file, c->line, c->name, r.why);
        g_fail++;
    } else if (strcmp(r.pf, want)) {
        fprintf(stderr, "FAIL %s:%d %s: formula\n  expected: %s\n  got:      %s\n", file, c->line, c->name, want, r.pf);
        g_fail++;
    } else if (r.why) {
        fprintf(stderr, "FAIL %s:%d %s: not the rows it gives alone: %s\n", file, c->line, c->name, r.why);
        g_fail++;
    } else if (c->rows && (size_t)atol(c->rows) != r.rows) {
        fprintf(stderr, "FAIL %s:%d %s: %zu rows, expected %s\n", file, c->line, c->name, r.rows, c->rows);
        g_fail++;
    } else {
        g_pass++;
    }
    mxe_result_free(&r);
}

/* the text of a finished section into its field of c; -1: unknown section */
static int end_section(pcase *c, char **which, sbuf *sec)
{
    int rc = 0;
    if (*which) {
        char **slot = !strcmp(*which, "events")    ? &c->events
                      : !strcmp(*which, "query")   ? &c->query
                      : !strcmp(*which, "formula") ? &c->formula
                      : !strcmp(*which, "rows")    ? &c->rows
                                                   : NULL;
        if (slot) {
            free(*slot);
            *slot = trimmed(sec);
        } else {
            rc = -1;
        }
        free(*which);
        *which = NULL;
    }
    sbuf_reset(sec);
    return rc;
}

/* the cases of one file, in order; -1 on a malformed file */
static int parse_file(const char *path, pcase **out, int *nout)
{
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return -1; }
    pcase *v = NULL;
    int n = 0, ln = 0, bad = 0;
    sbuf sec = {0};
    char *which = NULL;
    char line[65536];
    while (fgets(line, sizeof line, f)) {
        ln++;
        char *nl = strchr(line, '\n');
        int head = !strncmp(line, "### ", 4), sect = !strncmp(line, "--- ", 4);
        if ((head || sect) && n && end_section(&v[n - 1], &which, &sec)) {
            fprintf(stderr, "%s:%d: unknown section before this line\n", path, ln);
            bad = 1;
        }
        if (head) {
            if (nl) *nl = 0;
            v = xrealloc(v, sizeof *v * (size_t)(n + 1));
            memset(&v[n], 0, sizeof v[n]);
            v[n].name = xstrdup(line + 4);
            v[n++].line = ln;
        } else if (sect && n) {
            if (nl) *nl = 0;
            which = xstrdup(line + 4);
        } else if (which) {
            sbuf_add(&sec, line);
        } else if (line[0] != '\n' && line[0] != '#') {
            fprintf(stderr, "%s:%d: text outside a section\n", path, ln);
            bad = 1;
        }
    }
    if (n && end_section(&v[n - 1], &which, &sec)) {
        fprintf(stderr, "%s: unknown section at the end\n", path);
        bad = 1;
    }
    fclose(f);
    sbuf_free(&sec);
    *out = v;
    *nout = n;
    return bad ? -1 : 0;
}

static int run_file(const char *path, const char *filter)
{
    pcase *v = NULL;
    int n = 0;
    int bad = parse_file(path, &v, &n);
    store *st = NULL;
    for (int i = 0; i < n; i++) {
        pcase *c = &v[i];
        if (c->events || !st) { /* a case without events keeps the previous case's */
            if (st) store_close(st);
            st = fresh_store(c->events, path, c->line);
        }
        if (filter && !strstr(c->name, filter)) continue;
        if (!st || !c->query || !c->formula) {
            fprintf(stderr, "FAIL %s:%d %s: %s\n", path, c->line, c->name,
                    !st ? "events not loaded" : "needs a query and a formula");
            g_fail++;
            continue;
        }
        run_case(c, st, path);
    }
    if (st) store_close(st);
    for (int i = 0; i < n; i++) pcase_free(&v[i]);
    free(v);
    return bad;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: pf_runner DIR [FILTER]\n");
        return 2;
    }
    setenv("TZ", "UTC", 1);
    const char *dir = argv[1], *filter = argc > 2 ? argv[2] : NULL;
    char *err = NULL;
    char *ddir = xasprintf("%s/../../datamodels", dir);
    dm_registry *dm = dm_load_dir(ddir, &err);
    free(ddir);
    if (!dm) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 1;
    }
    g_dm = dm;
    char tmpl[] = "/tmp/splite-pf-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) { perror("mkstemp"); return 1; }
    close(fd);
    g_db = tmpl;
    DIR *d = opendir(dir);
    if (!d) { perror(dir); return 1; }
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (l > 5 && !strcmp(e->d_name + l - 5, ".test")) {
            names = xrealloc(names, sizeof *names * (n + 1));
            names[n++] = xasprintf("%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (run_file(names[i], filter)) bad = 1;
        free(names[i]);
    }
    free(names);
    char *w = xasprintf("%s-wal", g_db), *s = xasprintf("%s-shm", g_db);
    unlink(g_db);
    unlink(w);
    unlink(s);
    free(w);
    free(s);
    dm_free(dm);
    printf("prefilter cases: %d passed, %d failed\n", g_pass, g_fail);
    if (!n) fprintf(stderr, "no .test files in %s\n", dir);
    return g_fail || bad || !n ? 1 : 0;
}
