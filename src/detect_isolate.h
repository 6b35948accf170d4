/* detect_isolate.h: running detections so that one that crashes, aborts or
 * hangs cannot stop the others (`splite run`, `splite schedule`). Items (a
 * detection, or one scheduled run of one) run in order in a worker process;
 * the parent only watches. When the worker dies in the middle of an item,
 * or an item runs past the timeout (the worker is then killed), the parent
 * reports that item as lost and starts a new worker for the rest (unless it
 * died of SIGPIPE: the output is gone, the rest are not run). SQLite
 * connections never cross the fork: the worker opens its own (begin), the
 * parent has none open while a worker runs. With ops->prepare, a worker
 * first prepares every item left, then scans, then runs them; the timeout
 * applies to each of those steps too. */
#ifndef SPLITE_DETECT_ISOLATE_H
#define SPLITE_DETECT_ISOLATE_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What a worker sends back for one item. */
typedef struct iso_report {
    int failed;        /* the item failed (it printed why) */
    int lost;          /* set by the parent: the worker died or was killed */
    int64_t v[3];      /* counters of the caller's choosing */
} iso_report;

typedef struct iso_ops {
    /* in the worker, once: open the database...; 0, or -1 after a message */
    int (*begin)(void *ctx);
    /* in the worker: run item i, fill *rep (zeroed before); print freely */
    void (*item)(void *ctx, size_t i, iso_report *rep);
    /* in the worker, after the last item */
    void (*end)(void *ctx);
    /* in the parent: item i stopped abnormally. status is "crashed" or
     * "timeout", why says how ("killed by signal 11 (Segmentation fault)"),
     * pid is the worker's, started when the item started. */
    void (*lost)(void *ctx, size_t i, const char *status, const char *why, pid_t pid, double started);
    /* optional (the shared scan, detect_shared.h), in the worker before the
     * items: prepare (compile) each item left, but those whose preparing
     * took a worker down before (they run alone at their turn), then scan
     * once. A worker lost scanning leaves the items to the next worker
     * without preparing or scanning. */
    void (*prepare)(void *ctx, size_t i);
    void (*scan)(void *ctx);
} iso_ops;

/* Run items 0..n-1 as described above; reports[i] gets item i's outcome.
 * timeout > 0: seconds an item may run before its worker is killed.
 * Returns the number of items lost, or -1 after a message when a worker
 * could not start (begin failed, fork failed): the items not run are
 * reported failed. */
int iso_run(size_t n, const iso_ops *ops, void *ctx, double timeout, iso_report *reports);

/* "killed by signal 11 (Segmentation fault)" / "exit status 3" for a
 * waitpid status, into buf. */
void iso_describe(int status, char *buf, size_t n);
#endif
