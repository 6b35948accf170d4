/* cmd_check.c: `splite check`: run every detection of a detection library
 * (the project's detections/, or DIR/detections of a security_content tree
 * given with --corpus, or DIR itself without one: e.g. Sigma rules) through the whole engine - macro expansion, parsing,
 * translation and execution against the current database - and report per
 * detection "ok" or the stage that failed with its error, then totals and
 * the causes behind the failures (unknown commands, functions, macros...),
 * most frequent first. Exit 1 when a detection of the project's own library
 * fails (a --corpus run only reports). */
#include "cli.h"
#include "datamodel.h"
#include "detection.h"
#include "spl.h"
#include "spl_cli.h"
#include "spl_lookup.h"
#include "util.h"
#include "check_run.h"
#include "fault.h"
#include "timemod.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *cmd_default_detections(cli_env *env);

typedef struct check_cause {
    char *text;
    int count;
} check_cause;

typedef struct check_causes {
    check_cause *v;
    int n, cap;
} check_causes;

static void causes_add(check_causes *c, const char *text)
{
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->v[i].text, text)) { c->v[i].count++; return; }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->v = xrealloc(c->v, sizeof *c->v * (size_t)c->cap);
    }
    c->v[c->n].text = xstrdup(text);
    c->v[c->n].count = 1;
    c->n++;
}

static int cause_cmp(const void *a, const void *b)
{
    const check_cause *x = a, *y = b;
    if (x->count != y->count) return y->count - x->count;
    return strcmp(x->text, y->text);
}

/* "unknown command 'join'" out of a longer message, if it has one */
static char *cause_named(const char *msg, const char *what)
{
    const char *p = strstr(msg, what);
    if (!p) return NULL;
    const char *q = p + strlen(what);
    const char *e = strchr(q, '\'');
    if (!e) return NULL;
    return xstrndup(p, (size_t)(e - p + 1));
}

/* The cause behind an error message: a named unknown command, function,
 * macro or lookup; otherwise the message with quoted specifics blanked so
 * that the same problem in different detections counts once. */
static char *cause_of(const char *stage, const char *msg)
{
    static const char *named[] = {"unknown command '", "unknown function '", "unknown macro '",
                                  "unknown lookup '"};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        char *c = cause_named(msg, named[i]);
        if (c) return c;
    }
    const char *ns = strstr(msg, "' is not supported");
    if (!strncmp(msg, "command '", 9) && ns) return xstrndup(msg, (size_t)(ns - msg) + strlen("' is not supported"));
    sbuf b = {0};
    sbuf_printf(&b, "%s: ", stage);
    const char *nl = strchr(msg, '\n');
    size_t n = nl ? (size_t)(nl - msg) : strlen(msg);
    if (n > 160) n = 160;
    int inq = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = msg[i];
        if (ch == '\'') {
            sbuf_addc(&b, ch);
            if (!inq) sbuf_add(&b, "...");
            inq = !inq;
            continue;
        }
        if (!inq) sbuf_addc(&b, ch);
    }
    return sbuf_detach(&b);
}

typedef struct check_time {
    const char *file;
    double seconds;
} check_time;

static int time_cmp(const void *a, const void *b)
{
    double x = ((const check_time *)a)->seconds, y = ((const check_time *)b)->seconds;
    return x < y ? 1 : x > y ? -1 : 0;
}


/* rows counted, and an FNV-1a 64 digest of their values in order (type and
 * bytes of each), so that two runs can be compared result for result */
typedef struct row_digest {
    long rows;
    uint64_t h;
} row_digest;

static void digest_bytes(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= s[i];
        *h *= 1099511628211ull;
    }
}

static int count_rows(void *ctx, const spl_query *q, sqlite3_stmt *stmt)
{
    row_digest *d = ctx;
    d->rows++;
    for (int i = 0; i < q->ncols; i++) {
        unsigned char t = (unsigned char)sqlite3_column_type(stmt, i);
        digest_bytes(&d->h, &t, 1);
        if (t == SQLITE_NULL) continue;
        const void *b = t == SQLITE_BLOB ? sqlite3_column_blob(stmt, i) : (const void *)sqlite3_column_text(stmt, i);
        int n = sqlite3_column_bytes(stmt, i);
        uint32_t len = (uint32_t)n;
        digest_bytes(&d->h, &len, sizeof len);
        if (b && n > 0) digest_bytes(&d->h, b, (size_t)n);
    }
    return 0;
}

static char *one_line_error(const spl_error *e)
{
    if (!e->has_pos || !e->text) return xstrdup(e->msg ? e->msg : "error");
    long line = 1, col = 1;
    for (size_t i = 0; i < e->off && e->text[i]; i++) {
        if (e->text[i] == '\n') { line++; col = 1; }
        else col++;
    }
    return xasprintf("%s (line %ld, column %ld)", e->msg ? e->msg : "error", line, col);
}

/* sqlite progress handler: interrupt a statement past its deadline */
static int past_deadline(void *ctx)
{
    return util_now() > *(const double *)ctx;
}

void check_compile(store *st, const spl_macros *macros, const spl_opts *so, const detection *d, check_result *r,
                   spl_query **out, double *translate_s)
{
    memset(r, 0, sizeof *r);
    *out = NULL;
    if (!d->search || !*d->search) {
        r->stage = "parse";
        r->error = xstrdup("the detection has no search");
        r->cause = xstrdup("parse: no search");
        return;
    }
    spl_query *q = NULL;
    spl_error se = {0};
    double c0 = util_now();
    int cr = spl_compile(st, macros, d->search, so, &q, &se);
    *translate_s += util_now() - c0;
    if (cr && se.macro) {
        r->stage = "macro";
        r->error = se.msg ? xstrdup(se.msg) : xstrdup("macro expansion failed");
        r->cause = cause_of("macro", r->error);
        spl_error_free(&se);
        return;
    }
    if (cr) {
        r->stage = se.syntax ? "parse" : "translate";
        r->error = one_line_error(&se);
        r->cause = cause_of(r->stage, se.msg ? se.msg : "");
        spl_error_clear(&se);
        free(se.text);
        return;
    }
    free(se.text);
    *out = q;
}

void check_exec(store *st, double timeout, const detection *d, const spl_query *q, int nothing, check_result *r)
{
    fault_point(d->name, d->file);
    row_digest rd = {0, UTIL_HASH_INIT};
    if (nothing) { /* the shared scan listed no rows and none give a result */
        r->digest = rd.h;
        return;
    }
    char *err = NULL;
    double deadline = util_now() + timeout;
    if (timeout > 0) sqlite3_progress_handler(store_db(st), 10000, past_deadline, &deadline);
    int xr = spl_run(st, q, count_rows, &rd, &err);
    if (timeout > 0) sqlite3_progress_handler(store_db(st), 0, NULL, NULL);
    r->rows = rd.rows;
    r->digest = rd.h;
    if (xr) {
        r->stage = "execute";
        if (timeout > 0 && util_now() > deadline) {
            free(err);
            err = xasprintf("execution took longer than %g s (--timeout)", timeout);
        }
        r->error = err;
        r->cause = cause_of("execute", err);
    }
}

void check_one(store *st, const spl_macros *macros, const spl_opts *so, double timeout, const detection *d,
               check_result *r, double *translate_s)
{
    spl_query *q = NULL;
    fault_point(d->name, d->file);
    check_compile(st, macros, so, d, r, &q, translate_s);
    if (!q) return;
    check_exec(st, timeout, d, q, 0, r);
    spl_query_free(q);
}

/* contentctl gives every detection a filter macro "<name>_filter" (name
 * lowercased, ' ', '-', '.', '/' -> '_') defined as `search *` unless the
 * content overrides it; define it when nothing else does. */
static void add_filter_macro(spl_macros *m, const detection *d)
{
    if (!d->name) return;
    char *key = xasprintf("%s_filter", d->name);
    for (char *p = key; *p; p++) {
        if (*p == ' ' || *p == '-' || *p == '.' || *p == '/') *p = '_';
        else if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    }
    if (!spl_macros_find(m, key)) spl_macros_add(m, key, "search *", NULL, 0);
    free(key);
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static void print_jsonl(const detection *d, const char *file, const check_result *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "file", json_string(file));
    json_object_set_new(o, "name", d && d->name ? json_string(d->name) : json_null());
    json_object_set_new(o, "status", json_string(r->stage ? "failed" : "ok"));
    json_object_set_new(o, "stage", r->stage ? json_string(r->stage) : json_null());
    json_object_set_new(o, "error", r->error ? json_string(r->error) : json_null());
    json_object_set_new(o, "rows", r->stage ? json_null() : json_integer(r->rows));
    if (!r->stage) {
        char hex[17];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)r->digest);
        json_object_set_new(o, "digest", json_string(hex));
    }
    json_object_set_new(o, "id", d && d->id ? json_string(d->id) : json_null());
    json_object_set_new(o, "origin", json_string(d && d->origin ? d->origin : d ? "splunk" : "unknown"));
    if (d && d->origin) { /* a Sigma rule: its title, its own status, the compiler's warnings */
        json_t *title = json_object_get(d->doc, "title");
        json_object_set_new(o, "title", json_is_string(title) ? json_incref(title) : json_string(d->name));
        json_object_set_new(o, "rule_status", d->status ? json_string(d->status) : json_null());
        json_t *w = json_array();
        for (size_t i = 0; i < d->warnings.n; i++) json_array_append_new(w, json_string(d->warnings.v[i]));
        json_object_set_new(o, "warnings", w);
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    if (s) puts(s);
    free(s);
    json_decref(o);
}

int cmd_check(cli_env *env, int argc, char **argv)
{
    const char *corpus = NULL, *format = NULL, *now_s = NULL;
    int slowest = 0, jobs = 1, shared = 1;
    double timeout = 60;
    for (int i = 1; i < argc;) {
        int r = cli_common_option(env, argc, argv, &i);
        if (r < 0) return 2;
        if (r) continue;
        const char *a = argv[i];
        if (!strcmp(a, "--now") && i + 1 < argc) {
            now_s = argv[i + 1];
            i += 2;
            continue;
        }
        if (!strcmp(a, "--no-shared-scan")) {
            shared = 0;
            i++;
            continue;
        }
        if ((!strcmp(a, "--corpus") || !strcmp(a, "--format") || !strcmp(a, "--timeout") ||
             !strcmp(a, "--slowest") || !strcmp(a, "--jobs")) && i + 1 < argc) {
            if (!strcmp(a, "--corpus")) corpus = argv[i + 1];
            else if (!strcmp(a, "--jobs")) {
                double j = 0;
                if (!util_is_number(argv[i + 1], strlen(argv[i + 1]), &j) || j < 0 || j > 256 || j != (int)j) {
                    fprintf(stderr, "splite check: --jobs must be a whole number from 0 (one per CPU) to 256\n");
                    return 2;
                }
                jobs = (int)j;
                if (!jobs) {
                    long nc = sysconf(_SC_NPROCESSORS_ONLN);
                    jobs = nc > 0 ? (int)nc : 1;
                }
            }
            else if (!strcmp(a, "--slowest")) slowest = atoi(argv[i + 1]);
            else if (!strcmp(a, "--format")) format = argv[i + 1];
            else if (!util_is_number(argv[i + 1], strlen(argv[i + 1]), &timeout) || timeout < 0) {
                fprintf(stderr, "splite check: --timeout must be a number of seconds (0: none)\n");
                return 2;
            }
            i += 2;
            continue;
        }
        return cli_usage_error("check", "unexpected argument '%s'", a);
    }
    if (format && strcmp(format, "table") && strcmp(format, "jsonl")) {
        fprintf(stderr, "splite check: --format is table or jsonl, not '%s'\n", format);
        return 2;
    }
    int jsonl = format && !strcmp(format, "jsonl");
    double now = util_now();
    if (now_s) {
        char *terr = NULL;
        if (timemod_parse(now_s, now, &now, &terr)) {
            fprintf(stderr, "splite check: --now: %s\n", terr ? terr : "bad time");
            free(terr);
            return 2;
        }
    }
    check_time *times = slowest > 0 ? xcalloc(1, sizeof *times) : NULL;
    int ntimes = 0;
    if (!getenv("TZ")) setenv("TZ", "UTC", 0), tzset();
    double t0 = util_now();

    char *det_dir = corpus ? xasprintf("%s/detections", corpus) : cmd_default_detections(env);
    if (corpus && !is_dir(corpus)) {
        fprintf(stderr, "splite check: %s: not a directory\n", corpus);
        free(det_dir);
        return 2;
    }
    if (corpus && !is_dir(det_dir)) { /* no detections/: a directory of rules (Sigma, Splunk or both) */
        free(det_dir);
        det_dir = xstrdup(corpus);
    }
    int rc = 0;
    spl_macros macros;
    spl_macros_init(&macros);
    spl_lookups lookups;
    spl_lookups_init(&lookups);
    dm_registry *dms = NULL;
    store *st = NULL;
    detection_set set = {0};
    char *err = NULL;

    /* macros: the corpus's first, ours (shipped + --macros) replace them */
    if (corpus) {
        char *md = xasprintf("%s/macros", corpus);
        int lr = spl_macros_load_dir(&macros, md, 1, &err);
        free(md);
        if (lr) {
            fprintf(stderr, "splite check: %s\n", err);
            rc = 2;
            goto out;
        }
    }
    if (spl_cli_load_macros(env, &macros)) { rc = 2; goto out; }
    /* lookups: the corpus's, then ours (shipped + --lookups; later ones win) */
    if (corpus) {
        char *cl = xasprintf("%s/lookups", corpus);
        int lr = spl_lookups_load_dir(&lookups, cl, 1, &err);
        free(cl);
        if (lr) {
            fprintf(stderr, "splite check: %s\n", err);
            rc = 2;
            goto out;
        }
    }
    if (spl_cli_load_lookups(env, &lookups)) { rc = 2; goto out; }
    if (spl_cli_load_datamodels(env, &dms)) { rc = 2; goto out; }
    st = store_open_mode(env->db_path, STORE_READ, &err);
    if (!st) {
        fprintf(stderr, "splite check: %s\n", err);
        rc = 2;
        goto out;
    }
    store_tune_for_search(st);
    if (detection_load_dir(det_dir, &set) < 0) {
        fprintf(stderr, "splite check: %s\n", set.nerrors ? set.errors[0] : det_dir);
        rc = 2;
        goto out;
    }
    spl_opts so = {0};
    so.now = now;
    so.lookups = &lookups;
    so.datamodels = dms;
    check_causes causes = {0};
    long ok = 0, failed = 0;
    double translate_s = 0, summaries_s = 0, running_s = 0, loaded_s = util_now() - t0;
    long stage_counts[5] = {0};
    for (size_t i = 0; i < set.nerrors; i++) {
        /* a file that does not load: "file:line: message" */
        check_result r = {.stage = "load", .error = xstrdup(set.errors[i])};
        const char *colon = strchr(set.errors[i], ':');
        char *file = colon ? xstrndup(set.errors[i], (size_t)(colon - set.errors[i])) : xstrdup(set.errors[i]);
        if (jsonl) print_jsonl(NULL, file, &r);
        else printf("FAIL  load       %s\n", set.errors[i]);
        causes_add(&causes, "load: the YAML file does not load");
        stage_counts[0]++;
        failed++;
        free(file);
        free(r.error);
    }
    /* every filter macro first: workers share the macro set read-only */
    for (size_t i = 0; i < set.n; i++) add_filter_macro(&macros, set.v[i]);
    check_slot *slots = xcalloc(set.n + 1, sizeof *slots);
    double scan_s = 0;
    /* the shared scan (src/multi/): each worker compiles every detection,
     * passes over the events once, then runs each over its rows */
    so.prefilter = shared;
    /* in worker processes even with --jobs 1: a detection that crashes or
     * hangs the process fails alone, a new worker runs the others */
    if (set.n > 0) {
        store_close(st); /* no connection may cross the fork */
        st = NULL;
        double prebuilt = 0;
        if (check_run_parallel(env->db_path, &macros, &so, timeout, &set, jobs, slots, &prebuilt, &scan_s)) rc = 1;
        summaries_s += prebuilt;
    }
    for (size_t i = 0; i < set.n; i++) {
        const detection *d = set.v[i];
        check_result *r = &slots[i].r;
        translate_s += slots[i].translate - slots[i].summaries;
        summaries_s += slots[i].summaries;
        running_s += slots[i].seconds - slots[i].translate;
        if (times) {
            times = xrealloc(times, (size_t)(ntimes + 1) * sizeof *times);
            times[ntimes].file = d->file;
            times[ntimes].seconds = slots[i].seconds;
            ntimes++;
        }
        if (jsonl) print_jsonl(d, d->file, r);
        else if (r->stage) printf("FAIL  %-9s  %s: %s\n", r->stage, d->file, r->error);
        else printf("ok               %s\n", d->file);
        if (!jsonl) /* the Sigma compiler's warnings (a Splunk detection has none) */
            for (size_t k = 0; k < d->warnings.n; k++) printf("      warning    %s\n", d->warnings.v[k]);
        if (r->stage) {
            failed++;
            causes_add(&causes, r->cause ? r->cause : r->stage);
            for (int k = 0; k < 5; k++)
                if (!strcmp(check_stages[k], r->stage)) stage_counts[k]++;
        } else {
            ok++;
        }
        free(r->error);
        free(r->cause);
    }
    free(slots);
    double secs = util_now() - t0;
    long total = ok + failed;
    if (!jsonl) {
        printf("\n%ld detections: %ld ok (%.1f%%), %ld failed", total, ok, total ? 100.0 * (double)ok / (double)total : 0.0,
               failed);
        for (int k = 0; k < 5; k++)
            if (stage_counts[k]) printf(", %ld at %s", stage_counts[k], check_stages[k]);
        printf("; %.2f s (loading %.2f s;%s translating %.2f s, data model summaries %.2f s, ", secs, loaded_s,
               jobs > 1 ? " summed over the workers:" : "", translate_s, summaries_s);
        if (shared) printf("shared scan %.2f s, ", scan_s);
        printf("running %.2f s)\n", running_s);
        if (causes.n) {
            qsort(causes.v, (size_t)causes.n, sizeof *causes.v, cause_cmp);
            printf("\nfailure causes (detections, cause):\n");
            for (int i = 0; i < causes.n; i++) printf("%6d  %s\n", causes.v[i].count, causes.v[i].text);
        }
    } else {
        fprintf(stderr, "check: %ld detections, %ld ok, %ld failed, %.2f s (loading %.2f s, translating %.2f s)\n",
                total, ok, failed, secs, loaded_s, translate_s);
    }
    if (times && !jsonl) {
        qsort(times, (size_t)ntimes, sizeof *times, time_cmp);
        printf("\nslowest detections (seconds, file):\n");
        for (int i = 0; i < ntimes && i < slowest; i++) printf("%8.3f  %s\n", times[i].seconds, times[i].file);
    }
    free(times);
    for (int i = 0; i < causes.n; i++) free(causes.v[i].text);
    free(causes.v);
    if (!corpus && failed) rc = 1;
out:
    free(err);
    detection_set_free(&set);
    if (st) store_close(st);
    spl_macros_free(&macros);
    spl_lookups_free(&lookups);
    dm_free(dms);
    free(det_dir);
    return rc;
}
