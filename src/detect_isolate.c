/* detect_isolate.c: detections in a worker process the parent restarts
 * after a crash or a timeout (see detect_isolate.h). The worker sends two
 * fixed-size records per item through a pipe: "started i" before, "done i"
 * with its report after; an item started and never done is the one that
 * took the worker down. */
#include "detect_isolate.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { ISO_STARTED = 1, ISO_DONE = 2, ISO_PREPARING = 3, ISO_BEGIN_FAILED = 4, ISO_SCANNING = 5 };

/* what the parent knows the worker is doing */
enum { PH_IDLE, PH_ITEM, PH_PREPARE, PH_SCAN };

typedef struct iso_rec {
    uint32_t kind;
    uint32_t idx;
    iso_report rep;
} iso_rec;

static void iso_send(int fd, const iso_rec *r)
{
    /* smaller than PIPE_BUF: written whole */
    const char *p = (const char *)r;
    size_t n = sizeof *r;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) _exit(ISO_BEGIN_FAILED + 1);
        p += w;
        n -= (size_t)w;
    }
}

static void iso_worker(size_t from, size_t n, const iso_ops *ops, void *ctx, int fd, const unsigned char *alone,
                       int prepare)
{
    signal(SIGPIPE, SIG_DFL);
    if (ops->begin && ops->begin(ctx)) {
        fflush(stdout);
        fflush(stderr);
        _exit(ISO_BEGIN_FAILED);
    }
    if (prepare) {
        for (size_t i = from; i < n; i++) {
            if (alone[i]) continue;
            iso_rec r = {.kind = ISO_PREPARING, .idx = (uint32_t)i};
            iso_send(fd, &r);
            ops->prepare(ctx, i);
        }
        iso_rec r = {.kind = ISO_SCANNING, .idx = (uint32_t)from};
        iso_send(fd, &r);
        if (ops->scan) ops->scan(ctx);
        fflush(stderr);
    }
    for (size_t i = from; i < n; i++) {
        iso_rec r = {.kind = ISO_STARTED, .idx = (uint32_t)i};
        iso_send(fd, &r);
        r.kind = ISO_DONE;
        ops->item(ctx, i, &r.rep);
        /* what it printed reaches the output before the next item can crash */
        fflush(stdout);
        fflush(stderr);
        iso_send(fd, &r);
    }
    if (ops->end) ops->end(ctx);
    fflush(stdout);
    fflush(stderr);
    _exit(0);
}

void iso_describe(int status, char *buf, size_t n)
{
    if (WIFSIGNALED(status))
        snprintf(buf, n, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else if (WIFEXITED(status))
        snprintf(buf, n, "the process exited with status %d", WEXITSTATUS(status));
    else
        snprintf(buf, n, "the process stopped (status %d)", status);
}

int iso_run(size_t n, const iso_ops *ops, void *ctx, double timeout, iso_report *reports)
{
    memset(reports, 0, n * sizeof *reports);
    size_t next = 0;
    int lost = 0;
    unsigned char *alone = xcalloc(n + 1, 1); /* its preparing took a worker down */
    int prepare = ops->prepare != NULL;
    while (next < n) {
        int pfd[2];
        fflush(stdout);
        fflush(stderr);
        if (pipe(pfd)) {
            fprintf(stderr, "splite: cannot start a worker process: %s\n", strerror(errno));
            goto not_run;
        }
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "splite: cannot start a worker process: %s\n", strerror(errno));
            close(pfd[0]);
            close(pfd[1]);
            goto not_run;
        }
        if (pid == 0) {
            close(pfd[0]);
            iso_worker(next, n, ops, ctx, pfd[1], alone, prepare);
        }
        close(pfd[1]);
        /* watch it: records as they come, the clock of the current item */
        long cur = -1;
        int phase = PH_IDLE;
        double started = 0;
        int timed_out = 0;
        char buf[sizeof(iso_rec)];
        size_t have = 0;
        for (;;) {
            struct pollfd pf = {.fd = pfd[0], .events = POLLIN};
            int wait_ms = -1;
            if (timeout > 0 && phase != PH_IDLE) {
                double left = started + timeout - util_now();
                wait_ms = left <= 0 ? 0 : (int)(left * 1000) + 1;
            }
            int pr = poll(&pf, 1, wait_ms);
            if (pr < 0 && errno == EINTR) continue;
            if (pr == 0) {
                if (phase != PH_IDLE && timeout > 0 && util_now() - started >= timeout) {
                    kill(pid, SIGKILL);
                    timed_out = 1;
                }
                continue;
            }
            ssize_t got = read(pfd[0], buf + have, sizeof buf - have);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) break;
            have += (size_t)got;
            if (have < sizeof buf) continue;
            have = 0;
            iso_rec r;
            memcpy(&r, buf, sizeof r);
            if (r.idx >= n) continue;
            if (r.kind == ISO_STARTED || r.kind == ISO_PREPARING || r.kind == ISO_SCANNING) {
                cur = (long)r.idx;
                phase = r.kind == ISO_STARTED ? PH_ITEM : r.kind == ISO_PREPARING ? PH_PREPARE : PH_SCAN;
                started = util_now();
            } else if (r.kind == ISO_DONE) {
                reports[r.idx] = r.rep;
                reports[r.idx].lost = 0;
                cur = -1;
                phase = PH_IDLE;
                next = r.idx + 1;
            }
        }
        close(pfd[0]);
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        if (phase == PH_PREPARE || phase == PH_SCAN) {
            /* lost before any item of its ran: the next worker runs that
             * item alone (PH_PREPARE), or every item without the shared
             * scan (PH_SCAN); an item that fails alone too is lost then */
            char why[160];
            if (timed_out) snprintf(why, sizeof why, "ran longer than %g s (--timeout): killed", timeout);
            else iso_describe(status, why, sizeof why);
            if (phase == PH_PREPARE) {
                alone[cur] = 1;
                fprintf(stderr, "splite: the worker process stopped compiling a detection for the shared scan (%s); "
                        "that one is compiled alone at its turn\n", why);
            } else {
                prepare = 0;
                fprintf(stderr, "splite: the worker process stopped in the shared scan (%s); the detections left "
                        "run without it\n", why);
            }
            continue;
        }
        if (cur >= 0) {
            char why[160];
            if (timed_out) snprintf(why, sizeof why, "ran longer than %g s (--timeout): killed", timeout);
            else iso_describe(status, why, sizeof why);
            reports[cur].failed = 1;
            reports[cur].lost = 1;
            lost++;
            next = (size_t)cur + 1;
            if (!timed_out && WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE) {
                /* the output was closed (`splite run | head`): not the
                 * detection's fault, and every next one would meet it too;
                 * its run is left to show as interrupted */
                fprintf(stderr, "splite: the output was closed; the remaining detections were not run\n");
                goto not_run;
            }
            if (ops->lost) ops->lost(ctx, (size_t)cur, timed_out ? "timeout" : "crashed", why, pid, started);
            continue;
        }
        if (next < n) {
            /* it died between items, or could not begin */
            if (!(WIFEXITED(status) && WEXITSTATUS(status) == ISO_BEGIN_FAILED)) {
                char why[160];
                iso_describe(status, why, sizeof why);
                fprintf(stderr, "splite: the worker process stopped: %s\n", why);
            }
            goto not_run;
        }
    }
    free(alone);
    return lost;
not_run:
    for (; next < n; next++) reports[next].failed = 1;
    free(alone);
    return -1;
}
