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
#include "risk.h"

/* ../shared relative to the repository root (the test's working directory). */
static const char *corpus_dir(const char *sub, char *buf, size_t n)
{
    snprintf(buf, n, "../shared/corpus/security_content/%s", sub);
    struct stat st;
    return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? buf : NULL;
}

/* A row holding a value for every observable and every $token$ of the
 * message, title and description (corpus messages with a typo such as an
 * unclosed "$dest" keep it, as ES would). */
static void synth_row(const detection *d, risk_row *r)
{
    risk_row_init(r);
    for (size_t i = 0; i < d->nobservables; i++) {
        size_t n;
        if (!risk_row_get(r, d->observables[i].name, &n)) {
            char *v = malloc(strlen(d->observables[i].name) + 3);
            sprintf(v, "v_%s", d->observables[i].name);
            risk_row_add_text(r, d->observables[i].name, v);
            free(v);
        }
    }
    const char *tmpls[3] = {d->message, d->deploy.rule_title, d->deploy.rule_description};
    for (int t = 0; t < 3; t++) {
        for (const char *p = tmpls[t]; p && (p = strchr(p, '$')) != NULL;) {
            size_t len = strcspn(p + 1, "$ \t\r\n");
            if (p[1 + len] != '$' || len == 0) {
                p++;
                continue;
            }
            char *name = strndup(p + 1, len);
            size_t n;
            if (!risk_row_get(r, name, &n)) risk_row_add_text(r, name, "x");
            free(name);
            p += len + 2;
        }
    }
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

    size_t risk_events = 0, scheduled = 0, notables = 0, rba = 0, with_tests = 0, with_risk = 0;
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

        /* Every risk object of a full row yields one risk event, and no
         * token is left unexpanded. */
        risk_row r;
        synth_row(d, &r);
        risk_event_list l = {0};
        size_t made = risk_events_for_row(d, &r, 1000, &l);
        if (made != d->nrisk_objects)
            fail_msg("%s: %zu risk events for %zu risk objects", d->file, made, d->nrisk_objects);
        for (size_t k = 0; k < l.n; k++) {
            for (size_t o = 0; o < d->nobservables; o++) {
                char tok[512];
                snprintf(tok, sizeof tok, "$%s$", d->observables[o].name);
                if (strstr(l.v[k].risk_message, tok)) {
                    print_message("%s: %s left in '%s'\n", d->file, tok, l.v[k].risk_message);
                    fail();
                }
            }
            assert_true(l.v[k].risk_score > 0);
        }
        risk_events += l.n;
        risk_event_list_free(&l);
        if (d->deploy.notable) {
            notable_event ne;
            risk_notable_for_row(d, &r, 1000, &ne);
            assert_non_null(strstr(ne.rule_title, d->name));
            notable_event_free(&ne);
        }
        risk_row_free(&r);
    }
    print_message("corpus: %zu risk events from synthetic rows\n", risk_events);
    print_message(
        "corpus: %zu detections, %zu scheduled, %zu notable, %zu rba, %zu with tests, %zu with risk objects\n", set.n,
        scheduled, notables, rba, with_tests, with_risk);
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
