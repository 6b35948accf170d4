/* cmd_run.c: `splite run`: run detections over their deployment's window (or
 * --earliest/--latest, or --all-time), store and print the risk events and
 * notables they produce. A detection that fails is reported with its file
 * and does not stop the others, not even when it crashes or hangs: the
 * detections run in a worker process (detect_isolate.h); the exit status is
 * then 1. The detections are compiled first and share one pass over the
 * events (detect_shared.h) unless --no-shared-scan. */
#include "cli.h"
#include "detect_print.h"
#include "detect_isolate.h"
#include "detect_run.h"
#include "detect_shared.h"
#include "risk_store.h"
#include "spl_cli.h"
#include "timemod.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Default detection directory: ./detections if present, else the shipped one. */
char *cmd_default_detections(cli_env *env)
{
    struct stat sb;
    if (stat("detections", &sb) == 0 && S_ISDIR(sb.st_mode)) return xstrdup("detections");
    return cli_home_path(env, "detections");
}

static int run_time_arg(const char *opt, const char *spec, double now, double *out)
{
    char *err = NULL;
    if (timemod_parse(spec, now, out, &err)) {
        fprintf(stderr, "splite run: %s: %s\n", opt, err ? err : "bad time");
        free(err);
        return -1;
    }
    return 0;
}

/* What the worker (detect_isolate.h) runs the detections with. */
typedef struct run_ctx {
    const char *db_path;
    const detection_set *set;
    spl_knowledge *k;
    const detect_run_opts *o;
    int fmt;
    store *st; /* the worker's connection */
    detect_shared *sh; /* the worker's shared scan (NULL: each alone) */
} run_ctx;

static int run_begin(void *ctx)
{
    run_ctx *c = ctx;
    c->st = detect_worker_store(c->db_path);
    return c->st ? 0 : -1;
}

/* the shared scan: every detection left compiled, then one pass */
static void run_prepare(void *ctx, size_t i)
{
    run_ctx *c = ctx;
    if (!c->sh) c->sh = detect_shared_new(c->set->n);
    detect_shared_prepare(c->sh, c->st, &c->k->macros, i, c->set->v[i], c->o);
}

static void run_scan(void *ctx)
{
    run_ctx *c = ctx;
    if (!c->sh) c->sh = detect_shared_new(c->set->n);
    detect_shared_scan(c->sh, c->st, 1);
}

static void run_item(void *ctx, size_t i, iso_report *rep)
{
    run_ctx *c = ctx;
    const detection *d = c->set->v[i];
    detect_run_result r;
    detect_run_prep *p = c->sh ? detect_shared_take(c->sh, c->st, &c->k->macros, i, d, c->o) : NULL;
    if (detect_run_exec(c->st, &c->k->macros, d, c->o, p, &r)) {
        fprintf(stderr, "%s: %s failed (%s): %s\n", d->file, d->name ? d->name : "detection", r.stage,
                r.error ? r.error : "unknown error");
        rep->failed = 1;
        detect_run_result_free(&r);
        return;
    }
    for (size_t k = 0; k < r.events.n; k++) detect_print_risk(stdout, c->fmt, &r.events.v[k]);
    for (size_t k = 0; k < r.nnotables_made; k++) detect_print_notable(stdout, c->fmt, &r.notables[k]);
    rep->v[0] = (int64_t)r.events.n;
    rep->v[1] = (int64_t)r.nnotables_made;
    fprintf(stderr, "%s: %lld rows, %zu risk events (%lld new), %zu notables (%lld new), %.3f s\n",
            d->name ? d->name : d->file, (long long)r.rows, r.events.n, (long long)r.risk_events, r.nnotables_made,
            (long long)r.notables_stored, r.seconds);
    detect_run_result_free(&r);
}

static void run_end(void *ctx)
{
    run_ctx *c = ctx;
    detect_shared_free(c->sh);
    c->sh = NULL;
    store_close(c->st);
    c->st = NULL;
}

/* A detection took its worker down: say so, record it in runs. */
static void run_lost(void *ctx, size_t i, const char *status, const char *why, pid_t pid, double started)
{
    run_ctx *c = ctx;
    const detection *d = c->set->v[i];
    fprintf(stderr, "%s: %s %s: %s; the other detections still run\n", d->file, d->name ? d->name : "detection",
            !strcmp(status, "timeout") ? "timed out" : "crashed", why);
    detect_run_record_lost(c->db_path, d, c->o, status, why, pid, started);
}

int cmd_run(cli_env *env, int argc, char **argv)
{
    const char *earliest = NULL, *latest = NULL, *now_s = NULL, *format = NULL, *timeout_s = NULL;
    int all_time = 0, shared = 1;
    char **paths = xcalloc((size_t)argc + 1, sizeof *paths);
    int npaths = 0, rc = 0;
    for (int i = 1; i < argc;) {
        const char *a = argv[i];
        int r = cli_common_option(env, argc, argv, &i);
        if (r < 0) return free(paths), 2;
        if (r) continue;
        const char **slot = !strcmp(a, "--earliest") ? &earliest
                            : !strcmp(a, "--latest") ? &latest
                            : !strcmp(a, "--now")    ? &now_s
                            : !strcmp(a, "--format") ? &format
                            : !strcmp(a, "--timeout") ? &timeout_s
                                                     : NULL;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "splite run: %s needs a value\n", a);
                return free(paths), 2;
            }
            *slot = argv[i + 1];
            i += 2;
        } else if (!strcmp(a, "--all-time")) {
            all_time = 1;
            i++;
        } else if (!strcmp(a, "--no-shared-scan")) {
            shared = 0;
            i++;
        } else if (a[0] == '-' && a[1]) {
            free(paths);
            return cli_usage_error("run", "unknown option '%s'", a);
        } else {
            paths[npaths++] = argv[i++];
        }
    }
    int fmt = format ? (!strcmp(format, "jsonl") ? DETECT_FMT_JSONL : DETECT_FMT_TABLE)
                     : (util_isatty(1) ? DETECT_FMT_TABLE : DETECT_FMT_JSONL);
    if (format && strcmp(format, "jsonl") && strcmp(format, "table")) {
        fprintf(stderr, "splite run: --format is table or jsonl\n");
        return free(paths), 2;
    }
    double timeout = DETECT_RUN_TIMEOUT;
    if (timeout_s && (!util_is_number(timeout_s, strlen(timeout_s), &timeout) || timeout < 0)) {
        fprintf(stderr, "splite run: --timeout must be a number of seconds (0: none)\n");
        return free(paths), 2;
    }
    double now = util_now();
    if (now_s && run_time_arg("--now", now_s, now, &now)) return free(paths), 2;
    detect_run_opts o = {.all_time = all_time, .now = now, .collect = 1};
    if (earliest || latest) {
        o.has_window = 1;
        o.earliest = 0;
        o.latest = now;
        if (earliest && run_time_arg("--earliest", earliest, now, &o.earliest)) return free(paths), 2;
        if (latest && run_time_arg("--latest", latest, now, &o.latest)) return free(paths), 2;
    }
    char *def = NULL;
    if (!npaths) paths[npaths++] = def = cmd_default_detections(env);
    char *deploy_dir = cli_home_path(env, "deployments");
    detection_set set;
    int load_failed = detect_load_paths(deploy_dir, paths, npaths, &set);
    free(deploy_dir);
    if (load_failed) rc = 1;

    char *err = NULL;
    spl_knowledge k = {0};
    /* the database must open (and runs left 'running' by a killed process
     * are marked interrupted) before the workers start; closed again: no
     * connection may cross the fork */
    store *st = store_open_mode(env->db_path, STORE_WRITE, &err);
    if (!st || risk_store_init(store_db(st), &err) || risk_store_reap(store_db(st), &err) < 0) {
        fprintf(stderr, "splite: %s\n", err);
        free(err);
        store_close(st);
        rc = 1;
        goto out;
    }
    store_close(st);
    if (spl_cli_load_knowledge(env, &k)) {
        rc = 1;
        goto out;
    }
    o.datamodels = k.datamodels;
    o.lookups = &k.lookups;
    run_ctx c = {.db_path = env->db_path, .set = &set, .k = &k, .o = &o, .fmt = fmt};
    iso_report *rep = xcalloc(set.n + 1, sizeof *rep);
    static const iso_ops alone_ops = {run_begin, run_item, run_end, run_lost, NULL, NULL};
    static const iso_ops shared_ops = {run_begin, run_item, run_end, run_lost, run_prepare, run_scan};
    if (iso_run(set.n, shared ? &shared_ops : &alone_ops, &c, timeout, rep) < 0) rc = 1;
    long total_risk = 0, total_notable = 0, failed = 0;
    for (size_t i = 0; i < set.n; i++) {
        failed += rep[i].failed;
        total_risk += (long)rep[i].v[0];
        total_notable += (long)rep[i].v[1];
    }
    free(rep);
    fprintf(stderr, "run: %zu detections, %ld failed, %ld risk events, %ld notables\n", set.n, failed, total_risk,
            total_notable);
    if (failed) rc = 1;
out:
    spl_knowledge_free(&k);
    detection_set_free(&set);
    free(def);
    free(paths);
    return rc;
}
