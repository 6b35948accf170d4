/* cmd_schedule.c: `splite schedule`, meant to be called every minute from
 * cron: runs every detection whose cron_schedule fell due since its last
 * scheduled run (missed runs caught up oldest first, up to --max-catchup per
 * detection), each over its earliest_time..latest_time relative to the
 * scheduled time, and records the run. An exclusive lock on DB.schedule.lock
 * keeps two overlapping invocations from running the same detection twice;
 * risk events are stored once per detection, window and row however often
 * this is called. */
#include "cli.h"
#include "detect_print.h"
#include "detect_run.h"
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

int cmd_schedule(cli_env *env, int argc, char **argv)
{
    const char *now_s = NULL;
    int max_catchup = 24, wait_lock = 0, quiet = 0;
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
        } else if (!strcmp(a, "--wait")) {
            wait_lock = 1;
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
    store *st = store_open(env->db_path, &err);
    if (!st || spl_cli_load_knowledge(env, &know) || risk_store_init(store_db(st), &err)) {
        if (err) fprintf(stderr, "splite: %s\n", err);
        free(err);
        rc = 1;
        goto out;
    }
    store_tune_for_search(st);
    sqlite3 *db = store_db(st);
    long runs = 0, failed = 0;
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
        for (size_t k = 0; k < n; k++) {
            detect_run_opts o = {.now = due[k], .scheduled = due[k], .datamodels = know.datamodels, .lookups = &know.lookups};
            detect_run_result r;
            int bad = detect_run_one(st, &know.macros, d, &o, &r);
            runs++;
            if (bad) {
                fprintf(stderr, "%s: %s failed (%s): %s\n", d->file, name, r.stage, r.error ? r.error : "");
                failed++;
            } else if (!quiet) {
                fprintf(stderr, "%s @%.0f [%.0f, %.0f): %lld rows, %lld new risk events, %lld new notables\n", name,
                        due[k], r.earliest, r.latest, (long long)r.rows, (long long)r.risk_events,
                        (long long)r.notables_stored);
            }
            detect_run_result_free(&r);
            /* The run happened (even if it failed: it is recorded in runs). */
            if (risk_store_set_last_scheduled(db, name, due[k], util_now(), &err)) {
                fprintf(stderr, "%s: %s\n", d->file, err);
                free(err), err = NULL;
                failed++;
                break;
            }
        }
        if (more && !quiet)
            fprintf(stderr, "%s: more missed runs than --max-catchup %d; the rest run next time\n", name, max_catchup);
    }
    free(due);
    if (!quiet) fprintf(stderr, "schedule: %ld runs, %ld failed\n", runs, failed);
    if (failed) rc = 1;
out:
    spl_knowledge_free(&know);
    store_close(st);
    detection_set_free(&set);
    free(def);
    free(paths);
    flock(lockfd, LOCK_UN);
    close(lockfd);
    free(lockpath);
    return rc;
}
