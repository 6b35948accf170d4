/* cmd_check.c: `splite check`: run every detection of a detection library
 * (the project's detections/, or DIR/detections of a security_content tree
 * given with --corpus) through the whole engine - macro expansion, parsing,
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

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

char *cmd_default_detections(cli_env *env);

static const char check_usage[] =
    "[--corpus DIR] [--macros DIR] [--lookups DIR] [--format table|jsonl] [--timeout S] [--slowest N] [--jobs N] "
    "[--db FILE]";

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

typedef struct check_result {
    const char *stage; /* NULL when ok */
    char *error;       /* one line (with position) */
    char *cause;
    long rows;         /* results of a search that ran */
} check_result;

static int count_rows(void *ctx, const spl_query *q, sqlite3_stmt *stmt)
{
    (void)q;
    (void)stmt;
    (*(long *)ctx)++;
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

static void check_one(store *st, const spl_macros *macros, const spl_opts *so, double timeout, const detection *d,
                      check_result *r, double *translate_s)
{
    memset(r, 0, sizeof *r);
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
    long rows = 0;
    char *err = NULL;
    double deadline = util_now() + timeout;
    if (timeout > 0) sqlite3_progress_handler(store_db(st), 10000, past_deadline, &deadline);
    int xr = spl_run(st, q, count_rows, &rows, &err);
    if (timeout > 0) sqlite3_progress_handler(store_db(st), 0, NULL, NULL);
    r->rows = rows;
    if (xr) {
        r->stage = "execute";
        if (timeout > 0 && util_now() > deadline) {
            free(err);
            err = xasprintf("execution took longer than %g s (--timeout)", timeout);
        }
        r->error = err;
        r->cause = cause_of("execute", err);
    }
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
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    if (s) puts(s);
    free(s);
    json_decref(o);
}

/* ---- running the detections, in this process or in --jobs worker processes ----
 * A worker is a forked child with its own connection to the database (SQLite
 * connections must not cross a fork: the parent has none open then). The
 * workers take detections in order from a shared counter and write one record
 * per detection to a pipe: index, stage, seconds, translate and summary
 * seconds, error and cause. */
typedef struct check_slot {
    check_result r;
    double seconds;
    double translate;  /* spl_compile, summaries included */
    double summaries;  /* building and updating data model summaries */
} check_slot;

static const char *const check_stages[] = {"load", "macro", "parse", "translate", "execute"};

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static void put_str(sbuf *b, const char *s)
{
    uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
    sbuf_addn(b, (const char *)&n, sizeof n);
    if (s) sbuf_addn(b, s, n);
}

/* one record to the parent: index, stage, times, rows, error, cause */
static void send_slot(int fd, uint32_t idx, const check_slot *x)
{
    sbuf b = {0};
    int32_t stage = -1;
    for (int s = 0; s < 5; s++)
        if (x->r.stage && !strcmp(x->r.stage, check_stages[s])) stage = s;
    sbuf_addn(&b, (const char *)&idx, sizeof idx);
    sbuf_addn(&b, (const char *)&stage, sizeof stage);
    sbuf_addn(&b, (const char *)&x->seconds, sizeof x->seconds);
    sbuf_addn(&b, (const char *)&x->translate, sizeof x->translate);
    sbuf_addn(&b, (const char *)&x->summaries, sizeof x->summaries);
    int64_t nrows = x->r.rows;
    sbuf_addn(&b, (const char *)&nrows, sizeof nrows);
    put_str(&b, x->r.error);
    put_str(&b, x->r.cause);
    uint32_t len = (uint32_t)b.len;
    int bad = write_all(fd, &len, sizeof len) || write_all(fd, b.s, b.len);
    sbuf_free(&b);
    if (bad) _exit(3);
}

/* Run detections: with next == NULL all of them in order; else the workers
 * share *next (memory shared across the fork) and each takes the next
 * detection not yet taken, so a worker that drew slow ones does fewer. */
static void run_range(store *st, const spl_macros *m, const spl_opts *so, double timeout, const detection_set *set,
                      size_t *next, check_slot *slots, int fd)
{
    for (size_t i = next ? __atomic_fetch_add(next, 1, __ATOMIC_SEQ_CST) : 0; i < set->n;
         i = next ? __atomic_fetch_add(next, 1, __ATOMIC_SEQ_CST) : i + 1) {
        check_slot *x = &slots[i];
        double c0 = util_now(), s0 = spl_dm_summary_seconds();
        check_one(st, m, so, timeout, set->v[i], &x->r, &x->translate);
        x->seconds = util_now() - c0;
        x->summaries = spl_dm_summary_seconds() - s0;
        if (fd >= 0) send_slot(fd, (uint32_t)i, x);
    }
}

/* summary seconds the workers spent before their first detection */
static double prebuild_seconds;

/* one record out of buf[0..n); returns its length, 0 if incomplete */
static size_t take_record(const char *buf, size_t n, check_slot *slots, size_t nslots)
{
    uint32_t len;
    if (n < sizeof len) return 0;
    memcpy(&len, buf, sizeof len);
    if (n < sizeof len + len) return 0;
    const char *p = buf + sizeof len;
    uint32_t idx;
    int32_t stage;
    memcpy(&idx, p, sizeof idx);
    p += sizeof idx;
    memcpy(&stage, p, sizeof stage);
    p += sizeof stage;
    if (idx == UINT32_MAX) {
        double sum;
        memcpy(&sum, p + 2 * sizeof(double), sizeof sum);
        prebuild_seconds += sum;
    } else if (idx < nslots) {
        check_slot *x = &slots[idx];
        memcpy(&x->seconds, p, sizeof x->seconds);
        memcpy(&x->translate, p + sizeof x->seconds, sizeof x->translate);
        memcpy(&x->summaries, p + 2 * sizeof(double), sizeof x->summaries);
        p += 3 * sizeof(double);
        int64_t nrows;
        memcpy(&nrows, p, sizeof nrows);
        p += sizeof nrows;
        x->r.rows = (long)nrows;
        x->r.stage = stage >= 0 && stage < 5 ? check_stages[stage] : NULL;
        for (int f = 0; f < 2; f++) {
            uint32_t sl;
            memcpy(&sl, p, sizeof sl);
            p += sizeof sl;
            char *v = NULL;
            if (sl != UINT32_MAX) {
                v = xstrndup(p, sl);
                p += sl;
            }
            if (f == 0) x->r.error = v;
            else x->r.cause = v;
        }
    }
    return sizeof len + len;
}

/* Bring the root data sets' summaries up to date before the detections run:
 * the workers share *next and each builds the next data set not yet taken
 * (computing the rows runs in parallel; only storing them takes turns), so
 * that no detection waits on another worker building the one it needs. */
static void prebuild_summaries(store *st, const spl_macros *m, const spl_opts *so, size_t *next)
{
    const dm_registry *reg = so->datamodels;
    if (!reg) return;
    size_t idx = 0, mine = __atomic_fetch_add(next, 1, __ATOMIC_SEQ_CST);
    for (size_t i = 0; i < reg->nmodels; i++)
        for (size_t k = 0; k < reg->models[i].ndatasets; k++) {
            const dm_dataset *ds = &reg->models[i].datasets[k];
            if (ds->parent) continue; /* children: built when a detection asks for one */
            if (idx++ != mine) continue;
            mine = __atomic_fetch_add(next, 1, __ATOMIC_SEQ_CST);
            char *q = xasprintf("| tstats count from datamodel=\"%s\"", ds->path);
            spl_query *cq = NULL;
            spl_error e = {0};
            if (!spl_compile(st, m, q, so, &cq, &e)) {
                char *err = NULL;
                spl_run(st, cq, NULL, NULL, &err);
                free(err);
            }
            spl_query_free(cq);
            spl_error_free(&e);
            free(q);
        }
}

/* Run every detection of set into slots with `jobs` worker processes. 0, or
 * -1 after a message (a worker died: its detections are reported failed). */
static int run_parallel(const char *db_path, const spl_macros *m, const spl_opts *so, double timeout,
                        const detection_set *set, int jobs, check_slot *slots)
{
    /* next[0]: the next detection; next[1]: the next data set to prebuild;
     * next[2]: workers done prebuilding */
    size_t *next = mmap(NULL, 3 * sizeof *next, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (next == MAP_FAILED) {
        fprintf(stderr, "splite check: cannot share memory with the workers: %s\n", strerror(errno));
        return -1;
    }
    next[0] = next[1] = next[2] = 0;
    int *fds = xcalloc((size_t)jobs, sizeof *fds);
    pid_t *pids = xcalloc((size_t)jobs, sizeof *pids);
    int rc = 0;
    fflush(stdout);
    fflush(stderr);
    for (int k = 0; k < jobs; k++) {
        int pfd[2];
        if (pipe(pfd)) { fds[k] = -1; pids[k] = -1; rc = -1; continue; }
        pid_t pid = fork();
        if (pid == 0) {
            close(pfd[0]);
            for (int j = 0; j < k; j++)
                if (fds[j] >= 0) close(fds[j]);
            char *err = NULL;
            store *st = store_open(db_path, &err);
            if (!st) _exit(4);
            store_tune_for_search(st);
            double b0 = spl_dm_summary_seconds();
            prebuild_summaries(st, m, so, next + 1);
            /* wait for the others' prebuilds: a detection started now would
             * compute a summary another worker is still computing */
            __atomic_fetch_add(&next[2], 1, __ATOMIC_SEQ_CST);
            while (__atomic_load_n(&next[2], __ATOMIC_SEQ_CST) < (size_t)jobs) usleep(2000);
            /* a record of its own: index UINT32_MAX, the seconds as summaries */
            check_slot pre = {0};
            pre.summaries = spl_dm_summary_seconds() - b0;
            send_slot(pfd[1], UINT32_MAX, &pre);
            run_range(st, m, so, timeout, set, next, slots, pfd[1]);
            store_close(st);
            close(pfd[1]);
            _exit(0);
        }
        close(pfd[1]);
        fds[k] = pid > 0 ? pfd[0] : -1;
        pids[k] = pid;
        if (pid < 0) { close(pfd[0]); rc = -1; }
    }
    /* read the pipes as records arrive */
    sbuf *bufs = xcalloc((size_t)jobs, sizeof *bufs);
    int open_n = 0;
    for (int k = 0; k < jobs; k++) open_n += fds[k] >= 0;
    struct pollfd *pf = xcalloc((size_t)jobs, sizeof *pf);
    while (open_n > 0) {
        for (int k = 0; k < jobs; k++) {
            pf[k].fd = fds[k];
            pf[k].events = POLLIN;
            pf[k].revents = 0;
        }
        if (poll(pf, (nfds_t)jobs, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int k = 0; k < jobs; k++) {
            if (fds[k] < 0 || !(pf[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char chunk[65536];
            ssize_t got = read(fds[k], chunk, sizeof chunk);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {
                close(fds[k]);
                fds[k] = -1;
                open_n--;
                continue;
            }
            sbuf_addn(&bufs[k], chunk, (size_t)got);
            size_t used = 0, t;
            while ((t = take_record(bufs[k].s + used, bufs[k].len - used, slots, set->n))) used += t;
            if (used) {
                memmove(bufs[k].s, bufs[k].s + used, bufs[k].len - used);
                bufs[k].len -= used;
            }
        }
    }
    for (int k = 0; k < jobs; k++) {
        int status = 0;
        if (pids[k] > 0 && waitpid(pids[k], &status, 0) == pids[k] && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
            fprintf(stderr, "splite check: worker %d stopped abnormally (status %d)\n", k + 1, status);
            rc = -1;
        }
        sbuf_free(&bufs[k]);
    }
    /* detections a dead worker did not report */
    for (size_t i = 0; i < set->n; i++)
        if (!slots[i].r.stage && !slots[i].r.error && slots[i].seconds == 0 && slots[i].translate == 0 && rc) {
            slots[i].r.stage = "execute";
            slots[i].r.error = xstrdup("not run: its worker process stopped");
            slots[i].r.cause = xstrdup("execute: worker process stopped");
        }
    free(pf);
    free(bufs);
    free(fds);
    free(pids);
    munmap(next, 3 * sizeof *next);
    return rc;
}

int cmd_check(cli_env *env, int argc, char **argv)
{
    const char *corpus = NULL, *format = NULL;
    int slowest = 0, jobs = 1;
    double timeout = 60;
    for (int i = 1; i < argc;) {
        int r = cli_common_option(env, argc, argv, &i);
        if (r < 0) return 2;
        if (r) continue;
        const char *a = argv[i];
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
        fprintf(stderr, "splite check: unexpected argument '%s'\nusage: splite check %s\n", a, check_usage);
        return 2;
    }
    if (format && strcmp(format, "table") && strcmp(format, "jsonl")) {
        fprintf(stderr, "splite check: --format is table or jsonl, not '%s'\n", format);
        return 2;
    }
    int jsonl = format && !strcmp(format, "jsonl");
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
    st = store_open(env->db_path, &err);
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
    so.now = util_now();
    so.lookups = &lookups;
    so.datamodels = dms;
    check_causes causes = {0};
    long ok = 0, failed = 0;
    double translate_s = 0, summaries_s = 0, running_s = 0, loaded_s = util_now() - t0;
    long stage_counts[5] = {0};
    static const char *stages[] = {"load", "macro", "parse", "translate", "execute"};
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
    if (jobs > 1 && set.n > 1) {
        store_close(st); /* no connection may cross the fork */
        st = NULL;
        if (run_parallel(env->db_path, &macros, &so, timeout, &set, jobs, slots)) rc = 1;
        summaries_s += prebuild_seconds;
    } else {
        run_range(st, &macros, &so, timeout, &set, NULL, slots, -1);
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
        if (r->stage) {
            failed++;
            causes_add(&causes, r->cause ? r->cause : r->stage);
            for (int k = 0; k < 5; k++)
                if (!strcmp(stages[k], r->stage)) stage_counts[k]++;
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
            if (stage_counts[k]) printf(", %ld at %s", stage_counts[k], stages[k]);
        printf("; %.2f s (loading %.2f s;%s translating %.2f s, data model summaries %.2f s, running %.2f s)\n",
               secs, loaded_s, jobs > 1 ? " summed over the workers:" : "", translate_s, summaries_s, running_s);
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
