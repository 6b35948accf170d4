/* test_detection_corpus.c: loads every detection and deployment of the
 * security_content corpus in ../shared (relative to the repository root) and
 * resolves each detection's deployment; there must be no failures. Exits 77
 * (skipped) when the corpus is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "detection.h"

/* ../shared relative to the repository root (the test's working directory). */
static const char *corpus_dir(const char *sub, char *buf, size_t n)
{
    snprintf(buf, n, "../shared/corpus/security_content/%s", sub);
    struct stat st;
    return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? buf : NULL;
}

static void test_corpus(void **state)
{
    (void)state;
    char dbuf[512], pbuf[512];
    const char *ddir = corpus_dir("detections", dbuf, sizeof dbuf);
    const char *pdir = corpus_dir("deployments", pbuf, sizeof pbuf);
    deployment_set deps;
    char *err = NULL;
    if (deployment_load_dir(pdir, &deps, &err) != 0) fail_msg("deployments: %s", err);
    assert_true(deps.n >= 4);

    detection_set set;
    int bad = detection_load_dir(ddir, &set);
    for (size_t i = 0; i < set.nerrors && i < 20; i++) print_message("load error: %s\n", set.errors[i]);
    assert_int_equal(bad, 0);
    assert_true(set.n > 1000);
    assert_int_equal(detection_set_resolve(&set, &deps), 0);

    size_t scheduled = 0, notables = 0, rba = 0, with_tests = 0, with_risk = 0;
    for (size_t i = 0; i < set.n; i++) {
        detection *d = set.v[i];
        assert_non_null(d->search);
        if (d->deploy.cron_schedule) scheduled++;
        if (d->deploy.notable) {
            notables++;
            assert_non_null(d->deploy.rule_title);
            assert_null(strchr(d->deploy.rule_title, '%'));
        }
        if (d->deploy.rba) rba++;
        if (d->ntests) with_tests++;
        if (d->nrisk_objects) with_risk++;
        if (d->type == DETECT_TYPE_TTP) assert_true(d->deploy.notable && d->deploy.rba);
    }
    print_message("corpus: %zu detections, %zu scheduled, %zu notable, %zu rba, %zu with tests, %zu with risk objects\n",
                  set.n, scheduled, notables, rba, with_tests, with_risk);
    assert_int_equal(scheduled, set.n);
    detection_set_free(&set);
    deployment_set_free(&deps);
}


int main(void)
{
    char buf[512];
    if (!corpus_dir("detections", buf, sizeof buf) || !corpus_dir("deployments", buf, sizeof buf)) {
        printf("security_content corpus not found under ../shared; skipped\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_corpus)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
