/* cmd_schedule.c: `splite schedule`, meant to be called every minute from
 * cron: runs every detection whose cron_schedule fell due since its last
 * scheduled run (missed runs caught up oldest first, up to --max-catchup per
 * detection), each over its earliest_time..latest_time relative to the
 * scheduled time, and records the run. An exclusive lock on DB.schedule.lock
 * keeps two overlapping invocations from running the same detection twice;
 * risk events are stored once per detection, window and row however often
 * this is called. The runs happen in a worker process (detect_isolate.h): a
 * run that crashes or passes --timeout is recorded as such and the others
 * still run. The due runs are compiled first and share one pass over the
 * events (detect_shared.h) unless --no-shared-scan. */
#include "cli.h"
#include "detect_isolate.h"
#include "detect_print.h"
#include "detect_run.h"
#include "detect_shared.h"
#include "detect_schedule.h"
#include "risk_store.h"
#include "spl_cli.h"
#include "timemod.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

char *cmd_default_detections(cli_env *env);

/* One due run: a detection and its scheduled time. */
typedef struct sched_item {
    size_t det;
    double due;
} sched_item;

/* What the worker (detect_isolate.h) runs the due runs with. */
typedef struct sched_ctx {
    const char *db_path;
    const detection_set *set;
    const sched_item *items;
    spl_knowledge *know;
    int quiet;
    size_t nitems;
    store *st; /* the worker's connection */
    detect_shared *sh; /* the worker's shared scan (NULL: each alone) */
} sched_ctx;

static int sched_begin(void *ctx)
{
    sched_ctx *c = ctx;
    c->st = detect_worker_store(c->db_path);
    return c->st ? 0 : -1;
}

static detect_run_opts sched_opts(const sched_ctx *c, double due)
{
    return (detect_run_opts){.now = due, .scheduled = due, .datamodels = c->know->datamodels,
                             .lookups = &c->know->lookups};
}

/* the shared scan: every due run left compiled (each over its window),
 * then one pass */
static void sched_prepare(void *ctx, size_t i)
{
    sched_ctx *c = ctx;
    if (!c->sh) c->sh = detect_shared_new(c->nitems);
    detect_run_opts o = sched_opts(c, c->items[i].due);
    detect_shared_prepare(c->sh, c->st, &c->know->macros, i, c->set->v[c->items[i].det], &o);
}

static void sched_scan(void *ctx)
{
    sched_ctx *c = ctx;
    if (!c->sh) c->sh = detect_shared_new(c->nitems);
    detect_shared_scan(c->sh, c->st, 1);
}

static void sched_item_run(void *ctx, size_t i, iso_report *rep)
{
    sched_ctx *c = ctx;
    const detection *d = c->set->v[c->items[i].det];
    const char *name = d->name ? d->name : d->file;
    double due = c->items[i].due;
    detect_run_opts o = sched_opts(c, due);
    detect_run_result r;
    detect_run_prep *p = c->sh ? detect_shared_take(c->sh, c->st, &c->know->macros, i, d, &o) : NULL;
    if (detect_run_exec(c->st, &c->know->macros, d, &o, p, &r)) {
        fprintf(stderr, "%s: %s failed (%s): %s\n", d->file, name, r.stage, r.error ? r.error : "");
        rep->failed = 1;
    } else if (!c->quiet) {
        fprintf(stderr, "%s @%.0f [%.0f, %.0f): %lld rows, %lld new risk events, %lld new notables\n", name, due,
                r.earliest, r.latest, (long long)r.rows, (long long)r.risk_events, (long long)r.notables_stored);
    }
    detect_run_result_free(&r);
    /* The run happened (even if it failed: it is recorded in runs). */
    char *err = NULL;
    if (risk_store_set_last_scheduled(store_db(c->st), name, due, util_now(), &err)) {
        fprintf(stderr, "%s: %s\n", d->file, err);
        free(err);
        rep->failed = 1;
    }
}

static void sched_end(void *ctx)
{
    sched_ctx *c = ctx;
    detect_shared_free(c->sh);
    c->sh = NULL;
    store_close(c->st);
    c->st = NULL;
}

/* A run took its worker down: say so, record it, and count it as run (a
 * detection that crashes every time is not retried every minute). */
static void sched_lost(void *ctx, size_t i, const char *status, const char *why, pid_t pid, double started)
{
    sched_ctx *c = ctx;
    const detection *d = c->set->v[c->items[i].det];
    const char *name = d->name ? d->name : d->file;
    double due = c->items[i].due;
    fprintf(stderr, "%s: %s @%.0f %s: %s; the other detections still run\n", d->file, name, due,
            !strcmp(status, "timeout") ? "timed out" : "crashed", why);
    detect_run_opts o = sched_opts(c, due);
    detect_run_record_lost(c->db_path, d, &o, status, why, pid, started);
    char *err = NULL;
    store *st = store_open_mode(c->db_path, STORE_WRITE, &err);
    if (!st || risk_store_set_last_scheduled(store_db(st), name, due, util_now(), &err)) {
        fprintf(stderr, "%s: %s\n", d->file, err ? err : "cannot save the schedule state");
        free(err);
    }
    store_close(st);
}

int cmd_schedule(cli_env *env, int argc, char **argv)
{
    const char *now_s = NULL;
    double timeout = DETECT_RUN_TIMEOUT;
    int max_catchup = 24, wait_lock = 0, quiet = 0, shared = 1;
    char **paths = xcalloc((size_t)argc + 1, sizeof *paths);
    int npaths = 0, rc = 0;
    for (int i = 1; i < argc;) {
        const char *a = argv[i];
        int r = cli_common_option(env, argc, argv, &i);
        if (r < 0) return free(paths), 2;
        if (r) continue;
        if (!strcmp(a, "--now") && i + 1 < argc) {
            now_s = argv[i + 1];
            i += 2;
        } else if (!strcmp(a, "--max-catchup") && i + 1 < argc) {
            max_catchup = atoi(argv[i + 1]);
            if (max_catchup < 1) max_catchup = 1;
            i += 2;
        } else if (!strcmp(a, "--timeout") && i + 1 < argc) {
            if (!util_is_number(argv[i + 1], strlen(argv[i + 1]), &timeout) || timeout < 0) {
                fprintf(stderr, "splite schedule: --timeout must be a number of seconds (0: none)\n");
                return free(paths), 2;
            }
            i += 2;
        } else if (!strcmp(a, "--wait")) {
            wait_lock = 1;
            i++;
        } else if (!strcmp(a, "--no-shared-scan")) {
            shared = 0;
            i++;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
            i++;
        } else if (a[0] == '-' && a[1]) {
            free(paths);
            return cli_usage_error("schedule", "unknown option '%s'", a);
        } else {
            paths[npaths++] = argv[i++];
        }
    }
    double now = util_now();
    if (now_s) {
        char *err = NULL;
        if (timemod_parse(now_s, now, &now, &err)) {
            fprintf(stderr, "splite schedule: --now: %s\n", err ? err : "bad time");
            free(err);
            return free(paths), 2;
        }
    }
    /* the database first (missing, read-only: say so rather than fail to
     * create the lock file next to it) */
    char *oerr = NULL;
    store *chk = store_open_mode(env->db_path, STORE_WRITE, &oerr);
    if (!chk) {
        fprintf(stderr, "splite: %s\n", oerr);
        free(oerr);
        free(paths);
        return 1;
    }
    store_close(chk);
    /* One scheduler at a time per database. */
    char *lockpath = xasprintf("%s.schedule.lock", env->db_path);
    int lockfd = open(lockpath, O_RDWR | O_CREAT, 0644);
    if (lockfd < 0 || flock(lockfd, wait_lock ? LOCK_EX : LOCK_EX | LOCK_NB) != 0) {
        if (lockfd >= 0 && errno == EWOULDBLOCK) {
            fprintf(stderr, "splite schedule: another scheduler holds %s; nothing run\n", lockpath);
            rc = 0;
        } else {
            fprintf(stderr, "splite schedule: cannot lock %s: %s\n", lockpath, strerror(errno));
            rc = 1;
        }
        if (lockfd >= 0) close(lockfd);
        free(lockpath);
        free(paths);
        return rc;
    }
    char *def = NULL;
    if (!npaths) paths[npaths++] = def = cmd_default_detections(env);
    char *deploy_dir = cli_home_path(env, "deployments");
    detection_set set;
    if (detect_load_paths(deploy_dir, paths, npaths, &set)) rc = 1;
    free(deploy_dir);
    char *err = NULL;
    spl_knowledge know = {0};
    sched_item *items = NULL;
    size_t nitems = 0;
    long failed = 0;
    /* plan the due runs with a connection closed again before the workers
     * start (none may cross the fork); runs left 'running' by a killed
     * scheduler are marked interrupted (they run again below: same row) */
    store *st = store_open_mode(env->db_path, STORE_WRITE, &err);
    if (!st || risk_store_init(store_db(st), &err) || risk_store_reap(store_db(st), &err) < 0) {
        if (err) fprintf(stderr, "splite: %s\n", err);
        free(err);
        store_close(st);
        rc = 1;
        goto out;
    }
    sqlite3 *db = store_db(st);
    double *due = xcalloc((size_t)max_catchup, sizeof *due);
    for (size_t i = 0; i < set.n; i++) {
        detection *d = set.v[i];
        const char *name = d->name ? d->name : d->file;
        double last = 0;
        int has = risk_store_last_scheduled(db, name, &last, &err);
        if (has < 0) {
            fprintf(stderr, "%s: %s\n", d->file, err);
            free(err), err = NULL;
            failed++;
            continue;
        }
        size_t n = 0;
        int more = 0;
        if (detect_schedule_due(d, has == 0, last, now, due, (size_t)max_catchup, &n, &more, &err)) {
            fprintf(stderr, "%s: %s\n", d->file, err);
            free(err), err = NULL;
            failed++;
            continue;
        }
        items = xrealloc(items, (nitems + n + 1) * sizeof *items);
        for (size_t k = 0; k < n; k++) items[nitems++] = (sched_item){.det = i, .due = due[k]};
        if (more && !quiet)
            fprintf(stderr, "%s: more missed runs than --max-catchup %d; the rest run next time\n", name, max_catchup);
    }
    free(due);
    store_close(st);
    if (spl_cli_load_knowledge(env, &know)) {
        rc = 1;
        goto out;
    }
    sched_ctx c = {.db_path = env->db_path, .set = &set, .items = items, .know = &know, .quiet = quiet,
                   .nitems = nitems};
    iso_report *rep = xcalloc(nitems + 1, sizeof *rep);
    static const iso_ops alone_ops = {sched_begin, sched_item_run, sched_end, sched_lost, NULL, NULL};
    static const iso_ops shared_ops = {sched_begin, sched_item_run, sched_end, sched_lost, sched_prepare, sched_scan};
    if (iso_run(nitems, shared ? &shared_ops : &alone_ops, &c, timeout, rep) < 0) rc = 1;
    for (size_t i = 0; i < nitems; i++) failed += rep[i].failed;
    free(rep);
    if (!quiet) fprintf(stderr, "schedule: %zu runs, %ld failed\n", nitems, failed);
    if (failed) rc = 1;
out:
    free(items);
    spl_knowledge_free(&know);
    detection_set_free(&set);
    free(def);
    free(paths);
    flock(lockfd, LOCK_UN);
    close(lockfd);
    free(lockpath);
    return rc;
}
