/* cmd_test.c: `splite test`: contentctl-style unit tests of detections. For
 * each test of each detection, replay its attack_data into a fresh temporary
 * database (attack_data URLs map to the same path under the datasets root),
 * run the search over all time, and pass when it returns at least one row
 * (a Sigma rule's regression test: at least its match_count) and the risk
 * events / notables it makes are well formed. Prints a summary
 * table; --junit FILE writes JUnit XML. */
#include "cli.h"
#include "detect_check.h"
#include "detect_run.h"
#include "ingest.h"
#include "manifest.h"
#include "spl_cli.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *cmd_default_detections(cli_env *env);

typedef struct test_case {
    char *detection, *test, *file;
    long rows;
    int pass;
    double seconds;
    char *message;
} test_case;

static void xml_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static int write_junit(const char *path, test_case *tc, int n)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return -1;
    }
    int failures = 0;
    double total = 0;
    for (int i = 0; i < n; i++) failures += !tc[i].pass, total += tc[i].seconds;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"splite detections\" "
               "tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n", n, failures, total);
    for (int i = 0; i < n; i++) {
        fputs("  <testcase classname=\"", f);
        xml_escape(f, tc[i].detection);
        fputs("\" name=\"", f);
        xml_escape(f, tc[i].test);
        fprintf(f, "\" time=\"%.3f\">", tc[i].seconds);
        if (!tc[i].pass) {
            fputs("<failure message=\"", f);
            xml_escape(f, tc[i].message);
            fputs("\"/>", f);
        }
        fputs("</testcase>\n", f);
    }
    fputs("</testsuite>\n</testsuites>\n", f);
    fclose(f);
    return 0;
}

/* Replay one test's attack data into st. Returns 0, or -1 with *msg. */
static int test_load(store *st, const detection *d, const detect_test *t, const char *root, char **msg)
{
    for (size_t k = 0; k < t->nattack_data; k++) {
        const detect_attack_data *a = &t->attack_data[k];
        char *file = manifest_resolve(d->file, a->data, root);
        if (access(file, R_OK) != 0) {
            *msg = xasprintf("attack data %s not found (looked for %s)", a->data, file);
            free(file);
            return -1;
        }
        ingest_opts o = {.quiet = 1, .sourcetype = a->sourcetype, .source = a->source,
                         .update_timestamp = a->update_timestamp, .fallback_host = d->id};
        ingest_stats s = {0};
        int rc = ingest_file(st, file, &o, &s);
        if (rc) {
            *msg = xasprintf("attack data %s could not be loaded", file);
            free(file);
            return -1;
        }
        free(file);
    }
    return 0;
}

int cmd_test(cli_env *env, int argc, char **argv)
{
    const char *junit = NULL, *root = NULL;
    char **paths = xcalloc((size_t)argc + 1, sizeof *paths);
    int npaths = 0, rc = 0;
    for (int i = 1; i < argc;) {
        const char *a = argv[i];
        int r = cli_common_option(env, argc, argv, &i);
        if (r < 0) return free(paths), 2;
        if (r) continue;
        if ((!strcmp(a, "--junit") || !strcmp(a, "--datasets")) && i + 1 < argc) {
            if (!strcmp(a, "--junit")) junit = argv[i + 1];
            else root = argv[i + 1];
            i += 2;
        } else if (a[0] == '-' && a[1]) {
            free(paths);
            return cli_usage_error("test", "unknown option '%s'", a);
        } else {
            paths[npaths++] = argv[i++];
        }
    }
    char *def = NULL, *def_root = NULL;
    if (!npaths) paths[npaths++] = def = cmd_default_detections(env);
    if (!root) root = def_root = cli_home_path(env, "datasets");
    char *deploy_dir = cli_home_path(env, "deployments");
    detection_set set;
    if (detect_load_paths(deploy_dir, paths, npaths, &set)) rc = 1;
    free(deploy_dir);
    spl_knowledge k = {0};
    if (spl_cli_load_knowledge(env, &k)) {
        rc = 1;
        goto out;
    }
    test_case *tc = NULL;
    int ntc = 0;
    for (size_t i = 0; i < set.n; i++) {
        detection *d = set.v[i];
        for (size_t j = 0; j < d->ntests; j++) {
            detect_test *t = &d->tests[j];
            tc = xrealloc(tc, (size_t)(ntc + 1) * sizeof *tc);
            test_case *c = &tc[ntc++];
            memset(c, 0, sizeof *c);
            c->detection = d->name ? d->name : d->file;
            c->test = t->name ? t->name : "test";
            c->file = d->file;
            double t0 = util_now();
            char *dbpath = xasprintf("%s/splite-test-%d-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
                                     (int)getpid(), ntc);
            char *err = NULL;
            store *st = NULL;
            long want = t->min_rows > 0 ? t->min_rows : 1;
            if (t->error) {
                c->message = xstrdup(t->error);
            } else if (!(st = store_open(dbpath, &err))) {
                c->message = err;
            } else if (test_load(st, d, t, root, &c->message) == 0) {
                detect_run_opts o = {.all_time = 1, .collect = 1, .datamodels = k.datamodels, .lookups = &k.lookups};
                detect_run_result r;
                if (detect_run_one(st, &k.macros, d, &o, &r)) {
                    c->message = xasprintf("%s failed: %s", r.stage, r.error ? r.error : "");
                } else {
                    c->rows = (long)r.rows;
                    detect_problems pr = {0};
                    detect_check_run(d, (size_t)r.rows, r.events.v, r.events.n, r.nnotables_made, &pr);
                    if (r.rows == 0) c->message = xstrdup("the search returned no results");
                    else if (r.rows < want)
                        c->message = xasprintf("the search returned %lld results, the test expects at least %ld",
                                               (long long)r.rows, want);
                    else if (pr.n) c->message = xstrdup(pr.v[0]);
                    else c->pass = 1;
                    detect_problems_free(&pr);
                }
                detect_run_result_free(&r);
            }
            if (st) store_close(st);
            char *w = xasprintf("%s-wal", dbpath), *s = xasprintf("%s-shm", dbpath);
            unlink(dbpath), unlink(w), unlink(s);
            free(w), free(s), free(dbpath);
            c->seconds = util_now() - t0;
        }
    }
    int passed = 0;
    printf("%-60s %-22s %6s  %-4s %7s\n", "detection", "test", "rows", "", "seconds");
    for (int i = 0; i < ntc; i++) {
        printf("%-60.60s %-22.22s %6ld  %-4s %7.3f\n", tc[i].detection, tc[i].test, tc[i].rows,
               tc[i].pass ? "pass" : "FAIL", tc[i].seconds);
        if (!tc[i].pass) printf("    %s: %s\n", tc[i].file, tc[i].message ? tc[i].message : "failed");
        passed += tc[i].pass;
    }
    printf("%d passed, %d failed\n", passed, ntc - passed);
    if (passed != ntc) rc = 1;
    if (junit && write_junit(junit, tc, ntc)) rc = 1;
    for (int i = 0; i < ntc; i++) free(tc[i].message);
    free(tc);
out:
    spl_knowledge_free(&k);
    detection_set_free(&set);
    free(def);
    free(def_root);
    free(paths);
    return rc;
}
