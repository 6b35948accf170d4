/* spl_runner.c: the data-driven SPL and Sigma test runner. Reads
 * DIR/NAME.test (format in tests/spl/README.md; Sigma cases in
 * tests/sigma/README.md): for each case it loads the events into a fresh
 * store, compiles and runs the query (for a `--- sigma` case: the rule
 * compiled to SPL by sigma_to_spl, then the case's query appended), and
 * compares the result rows (JSON) or the error message with what the case
 * expects. Usage: spl_runner DIR [FILTER]; exit 0 when every case passes. */
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "datamodel.h"
#include "geoip.h"
#include "spl.h"
#include "spl_lookup.h"
#include "spl_output.h"
#include "store.h"
#include "timeparse.h"
#include "ingest.h"
#include "sigma/sigma.h"
#include "util.h"

typedef struct tcase {
    char *name;
    int line;
    char *events;   /* NULL: keep the previous case's events */
    char *ingest_fmt; /* events go through ingest_file with this reader */
    char *query;
    char *expect;   /* JSON lines */
    int has_expect, unordered, subset;
    char *error;
    char *now, *earliest, *latest;
    char *requires; /* "geoip": skipped when the GeoIP database is absent */
    char *sigma;    /* a Sigma rule file (YAML), compiled to the SPL the query extends */
    char *xfail;    /* known to fail, for this reason: reported, not counted; passing is a failure */
    char *aliases;  /* an alias file (YAML): the case runs with these aliases, not the shipped ones */
} tcase;

static void tcase_free(tcase *c)
{
    free(c->name); free(c->events); free(c->ingest_fmt); free(c->query); free(c->expect); free(c->error);
    free(c->now); free(c->earliest); free(c->latest); free(c->requires); free(c->sigma); free(c->xfail);
    free(c->aliases);
    memset(c, 0, sizeof *c);
}

static char *trim_dup(const char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r')) n--;
    size_t a = 0;
    while (a < n && (s[a] == '\n' || s[a] == ' ')) a++;
    return xstrndup(s + a, n - a);
}

/* ---- loading events ---- */
static int add_json_event(store *st, const char *line, int lineno, const char *file)
{
    json_error_t je;
    json_t *o = json_loads(line, 0, &je);
    if (!o || !json_is_object(o)) {
        fprintf(stderr, "%s:%d: bad event JSON: %s\n", file, lineno, je.text);
        json_decref(o);
        return -1;
    }
    event ev;
    event_init(&ev);
    ev.index = "main";
    ev.host = "testhost";
    ev.source = "test.log";
    ev.sourcetype = "test";
    ev.raw = line;
    ev.raw_len = strlen(line);
    ev.time = 0;
    ev.has_time = 1;
    const char *k;
    json_t *v;
    char nb[64];
    json_object_foreach(o, k, v) {
        const char *s = NULL;
        if (json_is_string(v)) s = json_string_value(v);
        else if (json_is_integer(v)) { snprintf(nb, sizeof nb, "%lld", (long long)json_integer_value(v)); s = nb; }
        else if (json_is_real(v)) { snprintf(nb, sizeof nb, "%.17g", json_real_value(v)); s = nb; }
        else if (json_is_boolean(v)) s = json_is_true(v) ? "true" : "false";
        if (!strcmp(k, "_time")) {
            double t;
            if (json_is_number(v)) ev.time = json_number_value(v);
            else if (s && !time_parse_iso8601(s, strlen(s), &t)) ev.time = t;
            else { fprintf(stderr, "%s:%d: bad _time\n", file, lineno); json_decref(o); event_free(&ev); return -1; }
            continue;
        }
        if (!strcmp(k, "index") && s) { ev.index = event_strndup(&ev, s, strlen(s)); continue; }
        if (!strcmp(k, "host") && s) { ev.host = event_strndup(&ev, s, strlen(s)); continue; }
        if (!strcmp(k, "source") && s) { ev.source = event_strndup(&ev, s, strlen(s)); continue; }
        if (!strcmp(k, "sourcetype") && s) { ev.sourcetype = event_strndup(&ev, s, strlen(s)); continue; }
        if (!strcmp(k, "_raw") && s) { ev.raw = event_strndup(&ev, s, strlen(s)); ev.raw_len = strlen(s); continue; }
        if (json_is_array(v)) {
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x) {
                if (json_is_string(x)) event_add_str(&ev, k, json_string_value(x));
            }
            continue;
        }
        if (s) event_add_str(&ev, k, s);
    }
    int rc = store_insert(st, &ev, 0) < 0 ? -1 : 0;
    if (rc) fprintf(stderr, "%s:%d: store_insert: %s\n", file, lineno, store_errmsg(st));
    event_free(&ev);
    json_decref(o);
    return rc;
}

static int ingest_events(store *st, const char *events, const char *fmt)
{
    char path[] = "/tmp/spl-runner-ingest-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "w");
    fputs(events, f);
    fclose(f);
    /* fmt: "FORMAT [source=S] [sourcetype=ST] [index=I] [host=H]" */
    char *spec = xstrdup(fmt), *save = NULL;
    ingest_opts o = {0};
    o.format = strtok_r(spec, " ", &save);
    o.quiet = 1;
    o.fallback_host = "testhost";
    o.source = "test.log";
    for (char *kv = strtok_r(NULL, " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) continue;
        *eq++ = 0;
        if (!strcmp(kv, "source")) o.source = strcmp(eq, "-") ? eq : NULL; /* -: the reader's own */
        else if (!strcmp(kv, "sourcetype")) o.sourcetype = eq;
        else if (!strcmp(kv, "index")) o.index = eq;
        else if (!strcmp(kv, "host")) o.host = eq;
    }
    ingest_stats stt = {0};
    int rc = ingest_file(st, path, &o, &stt);
    if (!rc && stt.rejected) { fprintf(stderr, "%s: %ld lines rejected\n", fmt, stt.rejected); rc = -1; }
    unlink(path);
    free(spec);
    return rc;
}

static store *load_events(const char *events, const char *fmt, const char *dbpath, const char *file, int line)
{
    char *err = NULL;
    char *w = xasprintf("%s-wal", dbpath), *s = xasprintf("%s-shm", dbpath);
    unlink(dbpath); unlink(w); unlink(s);
    free(w); free(s);
    store *st = store_open(dbpath, &err);
    if (!st) { fprintf(stderr, "store_open: %s\n", err); free(err); return NULL; }
    if (fmt) {
        if (ingest_events(st, events ? events : "", fmt)) {
            fprintf(stderr, "%s:%d: ingest (%s) failed\n", file, line, fmt);
            store_close(st);
            return NULL;
        }
        store_reload_catalog(st);
        return st;
    }
    store_begin(st);
    char *copy = xstrdup(events ? events : "");
    char *save = NULL;
    int ln = line;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        ln++;
        if (!*l || *l == '#') continue;
        if (add_json_event(st, l, ln, file)) { free(copy); store_rollback(st); store_close(st); return NULL; }
    }
    free(copy);
    store_commit(st);
    store_reload_catalog(st);
    return st;
}

/* ---- comparing ---- */
static char *scalar_text(json_t *v)
{
    char nb[64];
    if (json_is_string(v)) return xstrdup(json_string_value(v));
    if (json_is_integer(v)) { snprintf(nb, sizeof nb, "%lld", (long long)json_integer_value(v)); return xstrdup(nb); }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d == floor(d) && fabs(d) < 1e15) snprintf(nb, sizeof nb, "%.0f", d);
        else snprintf(nb, sizeof nb, "%.10g", d);
        return xstrdup(nb);
    }
    if (json_is_boolean(v)) return xstrdup(json_is_true(v) ? "true" : "false");
    return xstrdup("null");
}

static int value_eq(json_t *a, json_t *b)
{
    if (json_is_array(a) || json_is_array(b)) {
        if (!json_is_array(a) || !json_is_array(b) || json_array_size(a) != json_array_size(b)) return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!value_eq(json_array_get(a, i), json_array_get(b, i))) return 0;
        return 1;
    }
    char *x = scalar_text(a), *y = scalar_text(b);
    int eq = !strcmp(x, y);
    if (!eq && json_is_number(a) && json_is_number(b))
        eq = fabs(json_number_value(a) - json_number_value(b)) < 1e-6 * (1 + fabs(json_number_value(a)));
    free(x);
    free(y);
    return eq;
}

static int row_eq(json_t *exp, json_t *got, int subset)
{
    const char *k;
    json_t *v;
    json_object_foreach(exp, k, v) {
        json_t *g = json_object_get(got, k);
        if (json_is_null(v)) { if (g) return 0; continue; }
        if (!g || !value_eq(v, g)) return 0;
    }
    if (!subset)
        json_object_foreach(got, k, v)
            if (!json_object_get(exp, k)) return 0;
    return 1;
}

typedef struct rows { json_t **v; int n, cap; } rows;
static int collect(void *ctx, const spl_query *q, sqlite3_stmt *stmt)
{
    rows *r = ctx;
    if (r->n == r->cap) { r->cap = r->cap ? r->cap * 2 : 16; r->v = xrealloc(r->v, sizeof *r->v * (size_t)r->cap); }
    r->v[r->n++] = spl_row_json(q, stmt);
    return 0;
}

static void print_rows(const char *title, json_t **v, int n)
{
    fprintf(stderr, "  %s (%d row%s):\n", title, n, n == 1 ? "" : "s");
    for (int i = 0; i < n; i++) {
        char *s = json_dumps(v[i], JSON_COMPACT | JSON_PRESERVE_ORDER);
        fprintf(stderr, "    %s\n", s);
        free(s);
    }
}

/* Does msg contain every non-empty line of the case's error section? */
static int error_matches(const char *msg, const char *want)
{
    if (!want) return 0;
    char *copy = xstrdup(want), *save = NULL;
    int ok = 1;
    for (char *l = strtok_r(copy, "\n", &save); l && ok; l = strtok_r(NULL, "\n", &save))
        if (*l && !strstr(msg, l)) ok = 0;
    free(copy);
    return ok;
}

static spl_macros *g_macros;
static const dm_registry *g_datamodels;
static spl_lookups *g_lookups;

static int run_case_with(const tcase *c, store *st, const char *file, int no_summaries)
{
    spl_opts o = {0};
    o.no_summaries = no_summaries;
    o.now = c->now ? atof(c->now) : 1717243200; /* 2024-06-01T12:00:00Z */
    o.datamodels = g_datamodels;
    dm_registry *own = NULL;
    if (c->aliases) {
        char *derr = NULL;
        own = dm_new();
        if (dm_add_text(own, "aliases", c->aliases, strlen(c->aliases), &derr) || dm_resolve(own, &derr)) {
            /* a loading error is the case's expected error, or a failure */
            int want = c->error && error_matches(derr, c->error);
            if (!want) fprintf(stderr, "FAIL %s:%d %s: aliases: %s\n", file, c->line, c->name, derr);
            free(derr);
            dm_free(own);
            return want;
        }
        o.datamodels = own;
    }
    o.earliest = c->earliest;
    o.latest = c->latest;
    o.lookups = g_lookups;
    spl_query *q = NULL;
    spl_error e = {0};
    int ok = 1;
    char *msg = NULL;
    if (spl_compile(st, g_macros, c->query, &o, &q, &e)) {
        msg = spl_error_format(&e);
    } else {
        rows r = {0};
        char *rerr = NULL;
        if (spl_run(st, q, collect, &r, &rerr)) {
            msg = rerr;
        } else if (c->error) {
            fprintf(stderr, "FAIL %s:%d %s: expected error containing '%s', got %d rows\n", file, c->line, c->name, c->error, r.n);
            ok = 0;
        } else {
            /* parse expectations */
            json_t **ev = NULL;
            int ne = 0;
            char *copy = xstrdup(c->expect ? c->expect : "");
            char *save = NULL;
            for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                if (!*l) continue;
                json_error_t je;
                json_t *x = json_loads(l, 0, &je);
                if (!x) { fprintf(stderr, "FAIL %s:%d %s: bad expect JSON: %s\n", file, c->line, c->name, je.text); ok = 0; break; }
                ev = xrealloc(ev, sizeof *ev * (size_t)(ne + 1));
                ev[ne++] = x;
            }
            free(copy);
            if (ok) {
                if (ne != r.n) ok = 0;
                else if (!c->unordered) {
                    for (int i = 0; i < ne && ok; i++) ok = row_eq(ev[i], r.v[i], c->subset);
                } else {
                    char *used = xcalloc((size_t)r.n + 1, 1);
                    for (int i = 0; i < ne && ok; i++) {
                        int f = 0;
                        for (int j = 0; j < r.n && !f; j++)
                            if (!used[j] && row_eq(ev[i], r.v[j], c->subset)) used[j] = f = 1;
                        ok = f;
                    }
                    free(used);
                }
                if (!ok) {
                    fprintf(stderr, "FAIL %s:%d %s\n  query: %s\n", file, c->line, c->name, c->query);
                    print_rows("expected", ev, ne);
                    print_rows("got", r.v, r.n);
                    char *sql = spl_query_sql_text(q);
                    fprintf(stderr, "  sql: %s\n", sql);
                    free(sql);
                }
            }
            for (int i = 0; i < ne; i++) json_decref(ev[i]);
            free(ev);
        }
        for (int i = 0; i < r.n; i++) json_decref(r.v[i]);
        free(r.v);
    }
    if (msg) {
        if (!error_matches(msg, c->error)) {
            fprintf(stderr, "FAIL %s:%d %s\n  query: %s\n  %s%s%s\n  error: %s\n", file, c->line, c->name, c->query,
                    c->error ? "expected error containing: " : "expected rows", c->error ? c->error : "", "", msg);
            ok = 0;
        }
        free(msg);
    }
    spl_error_free(&e);
    spl_query_free(q);
    dm_free(own);
    if (!ok && no_summaries) fprintf(stderr, "  (with data model summaries off: rows computed from the events)\n");
    return ok;
}

/* A query over a data model runs twice: from the summary tables (built on
 * the first run, then read) and computed from the events; both must give
 * the expected rows. */
static int run_case(const tcase *c, store *st, const char *file)
{
    int ok = run_case_with(c, st, file, 0);
    if (ok && strcasestr(c->query, "datamodel")) ok = run_case_with(c, st, file, 1);
    return ok;
}

/* ---- Sigma cases ---- */
static sigma_map *g_sigma_map;
static int g_skipped, g_xfailed;

/* `--- requires time_window`: does this build's streamstats take
 * time_window= (Sigma correlations and timeframes compile to it)? */
static int have_time_window(store *st)
{
    spl_opts o = {0};
    spl_query *q = NULL;
    spl_error e = {0};
    int ok = !spl_compile(st, g_macros, "search * | streamstats time_window=1s count", &o, &q, &e);
    spl_error_free(&e);
    spl_query_free(q);
    return ok;
}

/* Run a case marked `--- xfail REASON` with its failure output silenced:
 * failing is expected (XFAIL), passing is reported as a failure so the
 * marker gets removed. Returns 1 pass (as expected), 0 fail. */
static int run_xfail(const tcase *c, int (*run)(const tcase *, store *, const char *), store *st, const char *file)
{
    fflush(stderr);
    int saved = dup(2), devnull = open("/dev/null", O_WRONLY);
    if (saved >= 0 && devnull >= 0) dup2(devnull, 2);
    int ok = run(c, st, file);
    fflush(stderr);
    if (saved >= 0 && devnull >= 0) dup2(saved, 2);
    if (saved >= 0) close(saved);
    if (devnull >= 0) close(devnull);
    if (ok) {
        fprintf(stderr, "FAIL %s:%d %s: XPASS: marked --- xfail (%s) but passes; remove the marker\n", file, c->line, c->name, c->xfail);
        return 0;
    }
    printf("XFAIL %s:%d %s: %s\n", file, c->line, c->name, c->xfail);
    g_xfailed++;
    return 1;
}

/* Compile the case's rule to SPL, then run that SPL with the case's query
 * appended. Returns 1 pass, 0 fail. */
static int run_sigma_case(const tcase *c, store *st, const char *file);
static int run_any_case(const tcase *c, store *st, const char *file)
{
    return c->sigma ? run_sigma_case(c, st, file) : run_case(c, st, file);
}

static int run_sigma_case(const tcase *c, store *st, const char *file)
{
    char *err = NULL;
    char *spl = sigma_to_spl(c->sigma, strlen(c->sigma), c->name, g_sigma_map, &err);
    if (!spl) {
        int ok = 1;
        if (!error_matches(err ? err : "", c->error)) {
            fprintf(stderr, "FAIL %s:%d %s\n  %s%s\n  sigma error: %s\n", file, c->line, c->name,
                    c->error ? "expected error containing: " : "expected rows", c->error ? c->error : "", err ? err : "(none)");
            ok = 0;
        }
        free(err);
        return ok;
    }
    /* The compiler ends a plain rule's search with `| table <the fields the
     * rule names>` for people reading results; the case's query needs whole
     * events (its `n`), so that last stage (columns only, no filtering) is
     * dropped. */
    char *tbl = strstr(spl, "\n| table ");
    while (tbl && strstr(tbl + 1, "\n| table ")) tbl = strstr(tbl + 1, "\n| table ");
    if (tbl && !strchr(tbl + 1, '\n') && !strchr(tbl + 3, '|')) *tbl = 0;
    tcase run = *c;
    run.query = xasprintf("%s%s%s", spl, c->query ? "\n" : "", c->query ? c->query : "");
    int ok = run_case(&run, st, file);
    if (!ok) fprintf(stderr, "  (compiled from the case's --- sigma rule)\n");
    free(run.query);
    free(spl);
    return ok;
}

/* ---- parsing .test files ---- */
static int run_file(const char *path, const char *filter, int *pass, int *fail)
{
    FILE *f = fopen(path, "r");
    if (!f) { fprintf(stderr, "%s: cannot open\n", path); return -1; }
    char *dbpath = xasprintf("/tmp/spl-runner-%d.db", (int)getpid());
    store *st = NULL;
    char *cur_events = NULL, *cur_fmt = NULL;
    tcase c = {0};
    int have = 0, lineno = 0, ev_line = 0;
    sbuf *section = NULL;
    sbuf sec = {0};
    char what[32] = "";
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int done = 0;
    while (!done) {
        n = getline(&line, &cap, f);
        if (n < 0) done = 1;
        else lineno++;
        int is_hdr = !done && !strncmp(line, "### ", 4);
        int is_sec = !done && !strncmp(line, "--- ", 4);
        if ((done || is_hdr || is_sec) && what[0]) {
            /* close the open section */
            char *txt = sec.s ? xstrdup(sec.s) : xstrdup("");
            if (!strcmp(what, "events") || !strcmp(what, "ingest")) { free(c.events); c.events = txt; txt = NULL; }
            else if (!strcmp(what, "query")) { free(c.query); c.query = trim_dup(txt); }
            else if (!strcmp(what, "expect")) { free(c.expect); c.expect = txt; txt = NULL; c.has_expect = 1; }
            else if (!strcmp(what, "error")) { free(c.error); c.error = trim_dup(txt); }
            else if (!strcmp(what, "now")) { free(c.now); c.now = trim_dup(txt); }
            else if (!strcmp(what, "earliest")) { free(c.earliest); c.earliest = trim_dup(txt); }
            else if (!strcmp(what, "latest")) { free(c.latest); c.latest = trim_dup(txt); }
            else if (!strcmp(what, "requires")) { free(c.requires); c.requires = trim_dup(txt); }
            else if (!strcmp(what, "sigma")) { free(c.sigma); c.sigma = txt; txt = NULL; }
            else if (!strcmp(what, "xfail")) { free(c.xfail); c.xfail = trim_dup(txt); }
            else if (!strcmp(what, "aliases")) { free(c.aliases); c.aliases = txt; txt = NULL; }
            free(txt);
            sbuf_reset(&sec);
            what[0] = 0;
        }
        if ((done || is_hdr) && have) {
            /* run the finished case */
            if (c.events) {
                free(cur_events);
                cur_events = xstrdup(c.events);
                free(cur_fmt);
                cur_fmt = c.ingest_fmt ? xstrdup(c.ingest_fmt) : NULL;
                if (st) store_close(st);
                st = NULL;
            }
            if (!st) st = load_events(cur_events, cur_fmt, dbpath, path, ev_line);
            if (!filter || strstr(c.name, filter)) {
                char *gerr = NULL;
                if (c.requires && strstr(c.requires, "geoip") && geoip_check(&gerr) != 0) {
                    printf("SKIP %s:%d %s: %s\n", path, c.line, c.name, gerr);
                    free(gerr);
                } else if (c.requires && strstr(c.requires, "time_window") && st && !have_time_window(st)) {
                    printf("SKIP %s:%d %s: streamstats has no time_window= in this build\n", path, c.line, c.name);
                    g_skipped++;
                } else if (!st) (*fail)++;
                else if (!c.sigma && !c.query) { fprintf(stderr, "FAIL %s:%d %s: no query\n", path, c.line, c.name); (*fail)++; }
                else if (c.xfail ? run_xfail(&c, run_any_case, st, path) : run_any_case(&c, st, path)) (*pass)++;
                else (*fail)++;
            }
            tcase_free(&c);
            have = 0;
        }
        if (done) break;
        if (is_hdr) {
            c.name = trim_dup(line + 4);
            c.line = lineno;
            have = 1;
            continue;
        }
        if (is_sec) {
            char *w = trim_dup(line + 4);
            char *sp = strchr(w, ' ');
            if (sp) *sp++ = 0;
            snprintf(what, sizeof what, "%s", w);
            if (!strcmp(what, "expect") && sp) {
                c.unordered = strstr(sp, "unordered") != NULL;
                c.subset = strstr(sp, "subset") != NULL;
            }
            if (!strcmp(what, "events") || !strcmp(what, "ingest")) ev_line = lineno;
            if (!strcmp(what, "ingest")) { free(c.ingest_fmt); c.ingest_fmt = xstrdup(sp ? sp : "json"); }
            free(w);
            continue;
        }
        if (what[0]) sbuf_add(&sec, line);
        (void)section;
    }
    free(line);
    sbuf_free(&sec);
    tcase_free(&c);
    free(cur_events);
    free(cur_fmt);
    if (st) store_close(st);
    char *w = xasprintf("%s-wal", dbpath), *s = xasprintf("%s-shm", dbpath);
    unlink(dbpath); unlink(w); unlink(s);
    free(w); free(s); free(dbpath);
    fclose(f);
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: spl_runner DIR [FILTER]\n"); return 2; }
    setenv("TZ", "UTC", 1);
    const char *dir = argv[1];
    const char *filter = argc > 2 ? argv[2] : NULL;
    spl_macros m;
    spl_macros_init(&m);
    char *mdir = xasprintf("%s/macros", dir), *err = NULL;
    if (spl_macros_load_dir(&m, mdir, 1, &err)) { fprintf(stderr, "%s\n", err); return 1; }
    free(mdir);
    g_macros = &m;
    /* the shipped data models and aliases (DIR is tests/spl) */
    char *ddir = xasprintf("%s/../../datamodels", dir);
    dm_registry *dms = dm_load_dir(ddir, &err);
    if (!dms) { fprintf(stderr, "%s\n", err); return 1; }
    free(ddir);
    g_datamodels = dms;
    spl_lookups lk;
    spl_lookups_init(&lk);
    char *ldir = xasprintf("%s/lookups", dir);
    if (spl_lookups_load_dir(&lk, ldir, 1, &err)) { fprintf(stderr, "%s\n", err); return 1; }
    free(ldir);
    g_lookups = &lk;
    /* the shipped Sigma mappings, when present (else no logsource conditions) */
    char *sdir = xasprintf("%s/../../datamodels/sigma", dir);
    DIR *sd = opendir(sdir);
    if (sd) {
        closedir(sd);
        if (sigma_map_load_dir(sdir, &g_sigma_map, &err)) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
    }
    free(sdir);
    /* the cases' own mapping files (placeholders for |expand) */
    char *tdir = xasprintf("%s/mappings", dir);
    DIR *td = opendir(tdir);
    if (td) {
        closedir(td);
        if (!g_sigma_map && sigma_map_load_dir(tdir, &g_sigma_map, &err)) {
            fprintf(stderr, "%s\n", err);
            return 1;
        } else if (g_sigma_map && sigma_map_add_dir(g_sigma_map, tdir, &err)) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
    }
    free(tdir);
    DIR *d = opendir(dir);
    if (!d) { fprintf(stderr, "%s: cannot open\n", dir); return 2; }
    char **files = NULL;
    int nf = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 5 && !strcmp(e->d_name + l - 5, ".test")) {
            files = xrealloc(files, sizeof *files * (size_t)(nf + 1));
            files[nf++] = xasprintf("%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    qsort(files, (size_t)nf, sizeof *files, cmp_str);
    int pass = 0, fail = 0;
    for (int i = 0; i < nf; i++) {
        run_file(files[i], filter, &pass, &fail);
        free(files[i]);
    }
    free(files);
    spl_macros_free(&m);
    dm_free(dms);
    spl_lookups_free(&lk);
    sigma_map_free(g_sigma_map);
    printf("spl tests: %d passed, %d failed", pass - g_xfailed, fail);
    if (g_xfailed) printf(", %d known failures (XFAIL)", g_xfailed);
    if (g_skipped) printf(", %d skipped", g_skipped);
    printf("\n");
    return fail ? 1 : 0;
}
