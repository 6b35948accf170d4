/* check_workers.c: `splite check --jobs N`: the detections run in forked
 * worker processes, each with its own connection to the database (SQLite
 * connections must not cross a fork: the parent has none open then). The
 * workers first bring the root data sets' summaries up to date (each the
 * next data set not yet taken), wait for each other, then take detections
 * in order from a shared counter and send one record per detection to the
 * parent through a pipe: index, stage, seconds, translate and summary
 * seconds, rows, error and cause. The parent puts the outcomes back in
 * detection order, so the report is the one a single process gives. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check_run.h"
#include "datamodel.h"
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
void check_run_range(store *st, const spl_macros *m, const spl_opts *so, double timeout, const detection_set *set,
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

/* one record out of buf[0..n); returns its length, 0 if incomplete */
static size_t take_record(const char *buf, size_t n, check_slot *slots, size_t nslots, double *prebuilt)
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
        *prebuilt += sum;
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
int check_run_parallel(const char *db_path, const spl_macros *m, const spl_opts *so, double timeout,
                       const detection_set *set, int jobs, check_slot *slots, double *prebuilt)
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
            store *st = store_open_mode(db_path, STORE_READ, &err);
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
            check_run_range(st, m, so, timeout, set, next, slots, pfd[1]);
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
            while ((t = take_record(bufs[k].s + used, bufs[k].len - used, slots, set->n, prebuilt))) used += t;
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
