/* test_datamodel_engine.c: every expression of the shipped data model and
 * alias files must compile in splite's own SPL engine. Runs the built splite
 * (SPLITE_BIN) as `splite search '| makeresults | eval f=expr ...'` per group
 * of expressions, on a new, empty database in memory; skipped (77) when the
 * binary is not given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "datamodel.h"
#include "util.h"

static const char *bin;
static char db_path[64];

/* Run splite search with spl; 0 when it exits 0. stderr of failures is kept
 * in *errout (caller frees). */
static int run_search(const char *spl, char **errout)
{
    char errfile[] = "/tmp/splite-dm-err-XXXXXX";
    int efd = mkstemp(errfile);
    assert_true(efd >= 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, 1);
        dup2(efd, 2);
        execl(bin, bin, "--db", db_path, "search", spl, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    if (errout) {
        sbuf b = {0};
        char buf[512];
        ssize_t n;
        lseek(efd, 0, SEEK_SET);
        while ((n = read(efd, buf, sizeof buf)) > 0) sbuf_addn(&b, buf, (size_t)n);
        *errout = sbuf_detach(&b);
    }
    close(efd);
    unlink(errfile);
    return rc;
}

static void add_eval(sbuf *q, const dm_assign *a)
{
    int plain = 1;
    for (const char *p = a->field; *p; p++)
        if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            plain = 0;
    if (plain) sbuf_printf(q, " | eval %s=%s", a->field, a->expr);
    else sbuf_printf(q, " | eval '%s'=%s", a->field, a->expr);
}

static int bad;

/* One search for the group; on failure, one per expression to name it. */
static void check_group(const dm_assign *a, size_t n)
{
    if (n == 0) return;
    sbuf q = {0};
    sbuf_add(&q, "| makeresults");
    for (size_t i = 0; i < n; i++) add_eval(&q, &a[i]);
    int rc = run_search(q.s, NULL);
    sbuf_free(&q);
    if (rc == 0) return;
    for (size_t i = 0; i < n; i++) {
        sbuf one = {0};
        sbuf_add(&one, "| makeresults");
        add_eval(&one, &a[i]);
        char *err = NULL;
        if (run_search(one.s, &err) != 0) {
            printf("%s:%d: %s: the SPL engine rejects: %s\n%s\n", a[i].file, a[i].line, a[i].field, a[i].expr,
                   err ? err : "");
            bad++;
        }
        free(err);
        sbuf_free(&one);
    }
}

static void test_engine_accepts_expressions(void **state)
{
    (void)state;
    const char *src = getenv("SPLITE_SRC");
    char *dir = xasprintf("%s/datamodels", src && *src ? src : ".");
    char *err = NULL;
    dm_registry *reg = dm_load_dir(dir, &err);
    if (!reg) fail_msg("%s", err);
    free(dir);
    for (size_t m = 0; m < reg->nmodels; m++)
        for (size_t d = 0; d < reg->models[m].ndatasets; d++) {
            const dm_dataset *ds = &reg->models[m].datasets[d];
            check_group(ds->calcs, ds->ncalcs);
            for (size_t s = 0; s < ds->nsources; s++) check_group(ds->sources[s].fields, ds->sources[s].nfields);
        }
    for (size_t i = 0; i < reg->naliases; i++) check_group(reg->aliases[i].fields, reg->aliases[i].nfields);
    dm_free(reg);
    assert_int_equal(bad, 0);
}

int main(void)
{
    bin = getenv("SPLITE_BIN");
    if (!bin || access(bin, X_OK) != 0) {
        printf("SKIP: SPLITE_BIN is not set or not executable\n");
        return 77;
    }
    /* no events are needed: a new, empty database in memory */
    snprintf(db_path, sizeof db_path, ":memory:");
    char *perr = NULL;
    if (run_search("| makeresults | eval x=1", &perr) != 0) {
        printf("FAIL: %s search '| makeresults | eval x=1' failed: %s\n", bin, perr);
        free(perr);
        return 1;
    }
    free(perr);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_accepts_expressions),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    return rc;
}
