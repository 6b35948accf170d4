/* check_workers.c: `splite check [--jobs N]`: the detections run in forked
 * worker processes, each with its own connection to the database (SQLite
 * connections must not cross a fork: the parent has none open then). The
 * workers first bring the root data sets' summaries up to date (each the
 * next data set not yet taken), wait for each other, then take detections
 * in order from a shared counter and send one record per detection to the
 * parent through a pipe: index, stage, seconds, translate and summary
 * seconds, rows, error and cause. The parent puts the outcomes back in
 * detection order, so the report is the one a single process gives.
 * Before each detection a worker says which one it starts: when a worker
 * dies (a crash) or is killed (a detection still running well past
 * --timeout, stuck outside SQLite), that detection fails at `execute` and a
 * new worker takes the remaining ones. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check_run.h"
#include "datamodel.h"
#include "multi/multi.h"
#include "util.h"

const char *const check_stages[5] = {"load", "macro", "parse", "translate", "execute"};

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
    sbuf_addn(&b, (const char *)&x->r.digest, sizeof x->r.digest);
    put_str(&b, x->r.error);
    put_str(&b, x->r.cause);
    uint32_t len = (uint32_t)b.len;
    int bad = write_all(fd, &len, sizeof len) || write_all(fd, b.s, b.len);
    sbuf_free(&b);
    if (bad) _exit(3);
}

/* "detection idx starts now": the parent then knows which detection a
 * worker that dies was running (stage CHECK_STARTED, no times) */
#define CHECK_STARTED 100
/* record indexes that are not detections: the prebuild's summary seconds,
 * "between detections" (a CHECK_STARTED of none), the shared scan's seconds */
#define REC_PREBUILT UINT32_MAX
#define REC_IDLE (UINT32_MAX - 1)
#define REC_SCAN (UINT32_MAX - 2)

static void send_started(int fd, uint32_t idx)
{
    check_slot x = {0};
    sbuf b = {0};
    int32_t stage = CHECK_STARTED;
    sbuf_addn(&b, (const char *)&idx, sizeof idx);
    sbuf_addn(&b, (const char *)&stage, sizeof stage);
    sbuf_addn(&b, (const char *)&x.seconds, sizeof x.seconds);
    sbuf_addn(&b, (const char *)&x.translate, sizeof x.translate);
    sbuf_addn(&b, (const char *)&x.summaries, sizeof x.summaries);
    int64_t nrows = 0;
    sbuf_addn(&b, (const char *)&nrows, sizeof nrows);
    sbuf_addn(&b, (const char *)&nrows, sizeof nrows); /* the digest */
    put_str(&b, NULL);
    put_str(&b, NULL);
    uint32_t len = (uint32_t)b.len;
    int bad = write_all(fd, &len, sizeof len) || write_all(fd, b.s, b.len);
    sbuf_free(&b);
    if (bad) _exit(3);
}

/* The next detection: in order (next == NULL), else the next not yet taken
 * from the shared counter. */
static size_t take(size_t *next, size_t i, int first)
{
    if (next) return __atomic_fetch_add(next, 1, __ATOMIC_SEQ_CST);
    return first ? 0 : i + 1;
}

/* With the shared scan: compile every detection not taken yet (one whose
 * compiling crashed a worker before, dead[i], is left out), one pass over
 * the events, then run each detection taken over its rows. */
static void run_shared(store *st, const spl_macros *m, const spl_opts *so, double timeout, const detection_set *set,
                       size_t *next, const unsigned char *dead, check_slot *slots, int fd, double *scan_s)
{
    size_t from = next ? __atomic_load_n(next, __ATOMIC_SEQ_CST) : 0;
    spl_query **q = xcalloc(set->n + 1, sizeof *q);
    int *slot = xcalloc(set->n + 1, sizeof *slot);
    mx *scan = mx_new();
    /* a database much larger than the page cache (256 MB, store_tune_for_search)
     * is read through it again by every detection that scans, without
     * gain: the pass reads every page once and each detection then few, so
     * there a cache of 64 MB keeps the memory down */
    sqlite3_stmt *ps = NULL;
    if (sqlite3_prepare_v2(store_db(st), "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size", -1,
                           &ps, NULL) == SQLITE_OK &&
        sqlite3_step(ps) == SQLITE_ROW && sqlite3_column_int64(ps, 0) > (sqlite3_int64)384 << 20)
        sqlite3_exec(store_db(st), "PRAGMA cache_size=-65536", NULL, NULL, NULL);
    sqlite3_finalize(ps);
    for (size_t i = from; i < set->n; i++) {
        if (dead && dead[i]) continue;
        check_slot *x = &slots[i];
        if (fd >= 0) send_started(fd, (uint32_t)i);
        double s0 = spl_dm_summary_seconds();
        x->translate = 0;
        check_compile(st, m, so, set->v[i], &x->r, &q[i], &x->translate);
        x->summaries = spl_dm_summary_seconds() - s0;
        slot[i] = q[i] ? mx_add(scan, q[i]) : -1;
    }
    if (fd >= 0) send_started(fd, REC_IDLE);
    char *err = NULL;
    int failed = mx_scan(scan, st, &err);
    mx_attach(store_db(st));
    mx_install(scan);
    *scan_s = mx_get_stats(scan)->seconds;
    if (fd >= 0) {
        check_slot rec = {.seconds = *scan_s};
        send_slot(fd, REC_SCAN, &rec);
    }
    for (size_t i = take(next, 0, 1); i < set->n; i = take(next, i, 0)) {
        check_slot *x = &slots[i];
        if (dead && dead[i]) continue;
        if (q[i] && failed) {
            x->r.stage = "execute";
            x->r.error = xstrdup(err);
            x->r.cause = xstrdup("execute: the shared scan failed");
        } else if (q[i]) {
            if (fd >= 0) send_started(fd, (uint32_t)i);
            double c0 = util_now();
            mx_how how = mx_how_to_run(scan, slot[i]);
            if (how == MX_ALONE) {
                /* most rows listed: looking each up costs more than its
                 * own plan (a scan, an index); compiled again without */
                spl_opts alone = *so;
                alone.prefilter = 0;
                spl_query *a = NULL;
                check_result ar;
                double t = 0;
                check_compile(st, m, &alone, set->v[i], &ar, &a, &t);
                if (a) {
                    spl_query_free(q[i]);
                    q[i] = a;
                }
                free(ar.error);
                free(ar.cause);
            }
            check_exec(st, timeout, set->v[i], q[i], how == MX_NOTHING, &x->r);
            x->seconds = x->translate + (util_now() - c0);
        } else {
            x->seconds = x->translate; /* failed before execute: x->r says where */
        }
        if (fd >= 0) send_slot(fd, (uint32_t)i, x);
    }
    mx_install(NULL);
    for (size_t i = 0; i < set->n; i++) spl_query_free(q[i]);
    free(q);
    free(slot);
    mx_free(scan);
    free(err);
}

/* Run detections: with next == NULL all of them in order; else the workers
 * share *next (memory shared across the fork) and each takes the next
 * detection not yet taken, so a worker that drew slow ones does fewer. */
static void run_range(store *st, const spl_macros *m, const spl_opts *so, double timeout, const detection_set *set,
                      size_t *next, const unsigned char *dead, check_slot *slots, int fd, double *scan_s)
{
    if (so->prefilter) {
        run_shared(st, m, so, timeout, set, next, dead, slots, fd, scan_s);
        return;
    }
    for (size_t i = next ? __atomic_fetch_add(next, 1, __ATOMIC_SEQ_CST) : 0; i < set->n;
         i = next ? __atomic_fetch_add(next, 1, __ATOMIC_SEQ_CST) : i + 1) {
        check_slot *x = &slots[i];
        if (fd >= 0) send_started(fd, (uint32_t)i);
        double c0 = util_now(), s0 = spl_dm_summary_seconds();
        check_one(st, m, so, timeout, set->v[i], &x->r, &x->translate);
        x->seconds = util_now() - c0;
        x->summaries = spl_dm_summary_seconds() - s0;
        if (fd >= 0) send_slot(fd, (uint32_t)i, x);
    }
}

/* What the parent knows of a worker. */
typedef struct check_worker {
    pid_t pid;
    int fd;           /* its pipe, -1 once closed */
    long cur;         /* the detection it runs, -1 between detections */
    double started;   /* when it started it */
    int prebuilt;     /* it is past the prebuild (sent its record) */
    int killed;       /* killed by the parent: past the hard timeout */
    sbuf buf;
} check_worker;

/* one record out of buf[0..n); returns its length, 0 if incomplete */
static size_t take_record(const char *buf, size_t n, check_slot *slots, size_t nslots, double *prebuilt,
                          double *scan_s, check_worker *w)
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
    if (idx == REC_SCAN) {
        double secs;
        memcpy(&secs, p, sizeof secs);
        *scan_s += secs;
    } else if (idx == REC_PREBUILT) {
        double sum;
        memcpy(&sum, p + 2 * sizeof(double), sizeof sum);
        *prebuilt += sum;
        w->prebuilt = 1;
    } else if (stage == CHECK_STARTED) {
        w->cur = idx < nslots ? (long)idx : -1;
        w->started = util_now();
    } else if (idx < nslots) {
        w->cur = -1;
        check_slot *x = &slots[idx];
        memcpy(&x->seconds, p, sizeof x->seconds);
        memcpy(&x->translate, p + sizeof x->seconds, sizeof x->translate);
        memcpy(&x->summaries, p + 2 * sizeof(double), sizeof x->summaries);
        p += 3 * sizeof(double);
        int64_t nrows;
        memcpy(&nrows, p, sizeof nrows);
        p += sizeof nrows;
        x->r.rows = (long)nrows;
        memcpy(&x->r.digest, p, sizeof x->r.digest);
        p += sizeof x->r.digest;
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

/* The worker body: its own connection, the prebuild (unless it replaces a
 * worker that died: the others are past it), then detections from the
 * shared counter. */
static void worker_main(const char *db_path, const spl_macros *m, const spl_opts *so, double timeout,
                        const detection_set *set, size_t *next, check_slot *slots, int fd, int jobs, int replacement)
{
    char *err = NULL;
    store *st = store_open_mode(db_path, STORE_READ, &err);
    if (!st) {
        fprintf(stderr, "splite check: %s\n", err);
        _exit(4);
    }
    store_tune_for_search(st);
    if (!replacement) {
        double b0 = spl_dm_summary_seconds();
        /* one worker builds them as its detections ask; nothing can be
         * built in a read-only database */
        if (jobs > 1 && !store_readonly(st)) prebuild_summaries(st, m, so, next + 1);
        /* wait for the others' prebuilds: a detection started now would
         * compute a summary another worker is still computing */
        __atomic_fetch_add(&next[2], 1, __ATOMIC_SEQ_CST);
        while (__atomic_load_n(&next[2], __ATOMIC_SEQ_CST) < (size_t)jobs) usleep(2000);
        /* a record of its own: index REC_PREBUILT, the seconds as summaries */
        check_slot pre = {0};
        pre.summaries = spl_dm_summary_seconds() - b0;
        send_slot(fd, REC_PREBUILT, &pre);
    }
    double scan_s = 0;
    run_range(st, m, so, timeout, set, next, (const unsigned char *)(next + 3), slots, fd, &scan_s);
    store_close(st);
    close(fd);
    _exit(0);
}

/* Start worker k (closing the other workers' pipes in the child). 0 or -1. */
static int spawn(check_worker *w, int jobs, int k, const char *db_path, const spl_macros *m, const spl_opts *so,
                 double timeout, const detection_set *set, size_t *next, check_slot *slots, int replacement)
{
    int pfd[2];
    w[k].fd = -1;
    w[k].pid = -1;
    w[k].cur = -1;
    w[k].killed = 0;
    w[k].prebuilt = replacement;
    if (pipe(pfd)) return -1;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        for (int j = 0; j < jobs; j++)
            if (j != k && w[j].fd >= 0) close(w[j].fd);
        worker_main(db_path, m, so, timeout, set, next, slots, pfd[1], jobs, replacement);
    }
    close(pfd[1]);
    if (pid < 0) {
        close(pfd[0]);
        return -1;
    }
    w[k].fd = pfd[0];
    w[k].pid = pid;
    return 0;
}

/* A worker's pipe closed: reap it; when it died running a detection, that
 * detection failed (crash or hard timeout) and a new worker takes over. */
static int worker_ended(check_worker *w, int jobs, int k, const char *db_path, const spl_macros *m,
                        const spl_opts *so, double timeout, const detection_set *set, size_t *next, check_slot *slots,
                        int *respawns)
{
    int status = 0, rc = 0;
    close(w[k].fd);
    w[k].fd = -1;
    while (waitpid(w[k].pid, &status, 0) < 0 && errno == EINTR) {}
    int clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (clean && w[k].cur < 0) return 0;
    char why[160];
    if (WIFSIGNALED(status))
        snprintf(why, sizeof why, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(why, sizeof why, "exit status %d", WIFEXITED(status) ? WEXITSTATUS(status) : status);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 4) return -1; /* the database does not open: said so */
    rc = -1;
    if (!w[k].prebuilt) __atomic_fetch_add(&next[2], 1, __ATOMIC_SEQ_CST); /* do not keep the others waiting */
    if (w[k].cur >= 0) {
        /* the shared scan's workers compile every detection first: none compiles this one again */
        ((unsigned char *)(next + 3))[w[k].cur] = 1;
        check_slot *x = &slots[w[k].cur];
        const detection *d = set->v[w[k].cur];
        x->seconds = util_now() - w[k].started;
        x->r.stage = "execute";
        free(x->r.error);
        free(x->r.cause);
        if (w[k].killed) {
            x->r.error = xasprintf("still running %.1f s after --timeout %g s: its process was killed",
                                   x->seconds - timeout, timeout);
            x->r.cause = xstrdup("execute: the process was killed (timeout)");
        } else {
            x->r.error = xasprintf("the process running it crashed (%s)", why);
            x->r.cause = xstrdup("execute: the process crashed");
        }
        fprintf(stderr, "splite check: %s: %s; the other detections still run\n", d->file, x->r.error);
    } else {
        fprintf(stderr, "splite check: worker %d stopped abnormally (%s)\n", k + 1, why);
    }
    /* detections left: a new worker (at most one per detection) */
    if (__atomic_load_n(&next[0], __ATOMIC_SEQ_CST) < set->n && (*respawns)++ < (int)set->n &&
        spawn(w, jobs, k, db_path, m, so, timeout, set, next, slots, 1))
        fprintf(stderr, "splite check: cannot start a worker process: %s\n", strerror(errno));
    return rc;
}

/* Run every detection of set into slots with `jobs` worker processes. 0, or
 * -1 after a message (a worker died: its detection is reported failed, a new
 * worker runs the rest). */
int check_run_parallel(const char *db_path, const spl_macros *m, const spl_opts *so, double timeout,
                       const detection_set *set, int jobs, check_slot *slots, double *prebuilt, double *scan_s)
{
    /* next[0]: the next detection; next[1]: the next data set to prebuild;
     * next[2]: workers done prebuilding; then one byte per detection: 1
     * when it crashed its worker (the shared scan's workers skip it) */
    size_t maplen = 3 * sizeof(size_t) + set->n + 1;
    size_t *next = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (next == MAP_FAILED) {
        fprintf(stderr, "splite check: cannot share memory with the workers: %s\n", strerror(errno));
        return -1;
    }
    memset(next, 0, maplen);
    check_worker *w = xcalloc((size_t)jobs, sizeof *w);
    for (int k = 0; k < jobs; k++) w[k].fd = -1;
    int rc = 0, respawns = 0;
    for (int k = 0; k < jobs; k++)
        if (spawn(w, jobs, k, db_path, m, so, timeout, set, next, slots, 0)) {
            rc = -1;
            __atomic_fetch_add(&next[2], 1, __ATOMIC_SEQ_CST);
        }
    /* a detection still running this long after --timeout (which SQLite
     * enforces) is stuck outside SQLite: its worker is killed */
    double hard = timeout > 0 ? timeout * 1.5 + 2 : 0;
    struct pollfd *pf = xcalloc((size_t)jobs, sizeof *pf);
    for (;;) {
        int open_n = 0, wait_ms = -1;
        double now = util_now();
        for (int k = 0; k < jobs; k++) {
            pf[k].fd = w[k].fd;
            pf[k].events = POLLIN;
            pf[k].revents = 0;
            if (w[k].fd < 0) continue;
            open_n++;
            if (hard > 0 && w[k].cur >= 0 && !w[k].killed) {
                double left = w[k].started + hard - now;
                int ms = left <= 0 ? 0 : (int)(left * 1000) + 1;
                if (wait_ms < 0 || ms < wait_ms) wait_ms = ms;
            }
        }
        if (!open_n) break;
        int pr = poll(pf, (nfds_t)jobs, wait_ms);
        if (pr < 0) {
            if (errno == EINTR) continue;
            break;
        }
        now = util_now();
        for (int k = 0; k < jobs; k++)
            if (hard > 0 && w[k].fd >= 0 && w[k].cur >= 0 && !w[k].killed && now - w[k].started >= hard) {
                kill(w[k].pid, SIGKILL);
                w[k].killed = 1;
            }
        for (int k = 0; k < jobs; k++) {
            if (w[k].fd < 0 || !(pf[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char chunk[65536];
            ssize_t got = read(w[k].fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {
                sbuf_reset(&w[k].buf);
                if (worker_ended(w, jobs, k, db_path, m, so, timeout, set, next, slots, &respawns)) rc = -1;
                continue;
            }
            sbuf_addn(&w[k].buf, chunk, (size_t)got);
            size_t used = 0, t;
            while ((t = take_record(w[k].buf.s + used, w[k].buf.len - used, slots, set->n, prebuilt, scan_s, &w[k])))
                used += t;
            if (used) {
                memmove(w[k].buf.s, w[k].buf.s + used, w[k].buf.len - used);
                w[k].buf.len -= used;
            }
        }
    }
    for (int k = 0; k < jobs; k++) sbuf_free(&w[k].buf);
    /* detections no worker reported (none could start) */
    for (size_t i = 0; i < set->n; i++)
        if (!slots[i].r.stage && !slots[i].r.error && slots[i].seconds == 0 && slots[i].translate == 0 && rc) {
            slots[i].r.stage = "execute";
            slots[i].r.error = xstrdup("not run: its worker process stopped");
            slots[i].r.cause = xstrdup("execute: worker process stopped");
        }
    free(pf);
    free(w);
    munmap(next, maplen);
    return rc;
}
