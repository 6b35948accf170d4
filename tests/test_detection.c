/* test_detection.c: loading detection and deployment YAML, resolving the
 * effective schedule and actions, error messages with file and line, the
 * search window from relative time modifiers. The corpus is loaded by
 * test_detection_corpus.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "detect_schedule.h"
#include "detect_window.h"
#include "detection.h"

/* Written for these tests (not taken from the corpus). */
static const char *const sample_detection = "name: Suspicious Service Creation Via Sc\n"
                                            "id: 00000000-1111-2222-3333-444444444444\n"
                                            "version: 2\n"
                                            "type: TTP\n"
                                            "status: production\n"
                                            "description: Finds sc.exe creating a service\n"
                                            "  with a binary path in a temp folder.\n"
                                            "search: '| tstats count from datamodel=Endpoint.Processes where "
                                            "Processes.process_name=sc.exe by Processes.dest Processes.user'\n"
                                            "how_to_implement: Ingest process creation events.\n"
                                            "known_false_positives: Installers.\n"
                                            "custom_key:\n"
                                            "  nested: [1, two, true]\n"
                                            "tags:\n"
                                            "  analytic_story:\n"
                                            "  - Service Abuse\n"
                                            "  confidence: 80\n"
                                            "  impact: 70\n"
                                            "  message: Service created by $user$ on $dest$\n"
                                            "  mitre_attack_id:\n"
                                            "  - T1543.003\n"
                                            "  observable:\n"
                                            "  - name: dest\n"
                                            "    type: Hostname\n"
                                            "    role:\n"
                                            "    - Victim\n"
                                            "  - name: user\n"
                                            "    type: User\n"
                                            "    role: [Victim]\n"
                                            "  - name: parent_process_name\n"
                                            "    type: Process\n"
                                            "    role:\n"
                                            "    - Attacker\n"
                                            "  - name: src_ip\n"
                                            "    type: IP Address\n"
                                            "    role:\n"
                                            "    - Attacker\n"
                                            "  security_domain: endpoint\n"
                                            "tests:\n"
                                            "- name: True Positive Test\n"
                                            "  attack_data:\n"
                                            "  - data: https://example.invalid/sc.log\n"
                                            "    source: XmlWinEventLog:Security\n"
                                            "    sourcetype: XmlWinEventLog\n"
                                            "    update_timestamp: true\n"
                                            "- attack_data:\n"
                                            "  - data: local/second.log\n"
                                            "    source: s2\n"
                                            "    sourcetype: st2\n"
                                            "  name: Second\n";

static const char *const ttp_deployment = "name: Test Default TTP\n"
                                          "id: dep-ttp\n"
                                          "scheduling:\n"
                                          "  cron_schedule: 0 * * * *\n"
                                          "  earliest_time: -70m@m\n"
                                          "  latest_time: -10m@m\n"
                                          "  schedule_window: auto\n"
                                          "alert_action:\n"
                                          "  notable:\n"
                                          "    rule_description: '%description%'\n"
                                          "    rule_title: 'Alert: %name% (%unknown%)'\n"
                                          "    nes_fields:\n"
                                          "    - user \n"
                                          "    - dest\n"
                                          "  rba:\n"
                                          "    enabled: true\n"
                                          "type: TTP\n";

static const char *const anomaly_deployment = "name: Test Default Anomaly\n"
                                              "id: dep-anomaly\n"
                                              "scheduling:\n"
                                              "  cron_schedule: 30 */4 * * *\n"
                                              "  earliest_time: -4h@h\n"
                                              "  latest_time: now\n"
                                              "alert_action:\n"
                                              "  rba:\n"
                                              "    enabled: true\n"
                                              "type: Anomaly\n";

static detection *load_ok(const char *text)
{
    detection *d = NULL;
    char *err = NULL;
    if (detection_load_string(text, strlen(text), "mem.yml", &d, &err) != 0) fail_msg("load: %s", err);
    assert_non_null(d);
    return d;
}

static void expect_load_error(const char *text, const char *want)
{
    detection *d = NULL;
    char *err = NULL;
    assert_int_equal(detection_load_string(text, strlen(text), "bad.yml", &d, &err), -1);
    assert_null(d);
    assert_non_null(err);
    if (!strstr(err, want)) fail_msg("error '%s' lacks '%s'", err, want);
    free(err);
}

static void deps_two(deployment_set *set)
{
    memset(set, 0, sizeof *set);
    set->v = calloc(2, sizeof *set->v);
    char *err = NULL;
    assert_int_equal(deployment_load_string(ttp_deployment, strlen(ttp_deployment), "ttp.yml", &set->v[0], &err), 0);
    assert_int_equal(deployment_load_string(anomaly_deployment, strlen(anomaly_deployment), "an.yml", &set->v[1], &err),
                     0);
    set->n = 2;
}

static void test_load_fields(void **state)
{
    (void)state;
    detection *d = load_ok(sample_detection);
    assert_string_equal(d->name, "Suspicious Service Creation Via Sc");
    assert_int_equal(d->type, DETECT_TYPE_TTP);
    assert_string_equal(d->status, "production");
    assert_string_equal(d->description, "Finds sc.exe creating a service with a binary path in a temp folder.");
    assert_non_null(strstr(d->search, "tstats count"));
    assert_string_equal(d->how_to_implement, "Ingest process creation events.");
    assert_int_equal(d->analytic_story.n, 1);
    assert_string_equal(d->analytic_story.v[0], "Service Abuse");
    assert_int_equal(d->mitre_attack_id.n, 1);
    assert_int_equal(d->confidence, 80);
    assert_int_equal(d->impact, 70);
    assert_int_equal(d->risk_score, -1);
    assert_string_equal(d->message, "Service created by $user$ on $dest$");
    assert_string_equal(d->security_domain, "endpoint");
    assert_int_equal(d->nobservables, 4);
    assert_string_equal(d->observables[1].type, "User");
    assert_string_equal(d->observables[1].role.v[0], "Victim");

    /* Victims are risk objects, scored impact x confidence / 100 = 56. */
    assert_int_equal(d->nrisk_objects, 2);
    assert_string_equal(d->risk_objects[0].field, "dest");
    assert_string_equal(d->risk_objects[0].type, "system");
    assert_int_equal(d->risk_objects[0].score, 56);
    assert_string_equal(d->risk_objects[1].type, "user");
    /* Attackers are threat objects. */
    assert_int_equal(d->nthreat_objects, 2);
    assert_string_equal(d->threat_objects[0].field, "parent_process_name");
    assert_string_equal(d->threat_objects[0].type, "parent_process_name");
    assert_string_equal(d->threat_objects[1].type, "ip_address");

    assert_int_equal(d->ntests, 2);
    assert_string_equal(d->tests[0].name, "True Positive Test");
    assert_int_equal(d->tests[0].nattack_data, 1);
    assert_string_equal(d->tests[0].attack_data[0].sourcetype, "XmlWinEventLog");
    assert_int_equal(d->tests[0].attack_data[0].update_timestamp, 1);
    assert_string_equal(d->tests[1].name, "Second");
    assert_int_equal(d->tests[1].attack_data[0].update_timestamp, 0);

    /* Unknown keys are kept in the JSON document, typed. */
    json_t *nested = json_object_get(json_object_get(d->doc, "custom_key"), "nested");
    assert_true(json_is_array(nested));
    assert_int_equal(json_integer_value(json_array_get(nested, 0)), 1);
    assert_string_equal(json_string_value(json_array_get(nested, 1)), "two");
    assert_true(json_is_true(json_array_get(nested, 2)));
    assert_int_equal(json_integer_value(json_object_get(d->doc, "version")), 2);

    char *sn = detection_search_name(d);
    assert_string_equal(sn, "ESCU - Suspicious Service Creation Via Sc - Rule");
    free(sn);
    detection_free(d);
}

static void test_risk_score_and_rba_block(void **state)
{
    (void)state;
    detection *d = load_ok("name: X\nsearch: '| makeresults'\ntype: Anomaly\n"
                           "tags:\n  risk_score: 42\n  impact: 10\n  confidence: 10\n"
                           "  observable:\n  - name: host\n    type: Endpoint\n    role: Victim\n");
    assert_int_equal(d->nrisk_objects, 1);
    assert_int_equal(d->risk_objects[0].score, 42);
    assert_string_equal(d->risk_objects[0].type, "system");
    detection_free(d);

    d = load_ok("name: Y\nsearch: '| makeresults'\ntype: TTP\n"
                "rba:\n  message: Bad thing on $dest$\n"
                "  risk_objects:\n  - field: dest\n    type: system\n    score: 64\n"
                "  - field: user\n    type: user\n    score: 20\n"
                "  threat_objects:\n  - field: process\n    type: process\n");
    assert_string_equal(d->message, "Bad thing on $dest$");
    assert_int_equal(d->nrisk_objects, 2);
    assert_int_equal(d->risk_objects[0].score, 64);
    assert_int_equal(d->risk_objects[1].score, 20);
    assert_int_equal(d->nthreat_objects, 1);
    assert_string_equal(d->threat_objects[0].type, "process");
    detection_free(d);
}

static void test_load_errors(void **state)
{
    (void)state;
    expect_load_error("name: X\ntype: TTP\n", "bad.yml:1: detection 'X' has no search");
    expect_load_error("name: X\nsearch: ''\n", "bad.yml:2: detection 'X' has no search");
    expect_load_error("search: x\n", "has no name");
    expect_load_error("name: X\nsearch: x\ntags:\n  a: [1, 2\n  b: 3\n", "bad.yml:5:");
    expect_load_error("name: X\nsearch: x\ntags:\n  a: [1, 2\n  b: 3\n", "YAML syntax error");
    expect_load_error("name: X\n  search: x\n", "bad.yml:2:");
    expect_load_error("", "empty YAML document");
    expect_load_error("- a\n- b\n", "must be a YAML mapping");
    expect_load_error("name: X\nsearch: x\ntags:\n  confidence: high\n",
                      "bad.yml:4: tags.confidence: expected a whole number");
    expect_load_error("name: X\nsearch: x\ntags:\n  observable: 3\n", "bad.yml:4: tags.observable: expected a list");
    expect_load_error("name: X\nsearch: x\nscheduling:\n  cron_schedule: 61 * * * *\n",
                      "bad.yml:4: scheduling.cron_schedule: column 1: minute 61 out of range");
    expect_load_error("name: X\nsearch: x\ndeployment:\n  scheduling:\n    latest_time: -10x\n",
                      "bad.yml:5: deployment.scheduling.latest_time: bad time modifier \"-10x\"");
    expect_load_error("name: X\nsearch: x\ntests:\n- name: t\n  attack_data: 5\n",
                      "bad.yml:5: tests.attack_data: expected a list");

    detection *d = NULL;
    char *err = NULL;
    assert_int_equal(detection_load_file("/nonexistent/x.yml", &d, &err), -1);
    assert_non_null(strstr(err, "/nonexistent/x.yml: No such file"));
    free(err);
}

static void test_resolve(void **state)
{
    (void)state;
    deployment_set deps;
    deps_two(&deps);
    assert_string_equal(deps.v[0]->name, "Test Default TTP");
    assert_int_equal(deps.v[0]->type, DETECT_TYPE_TTP);

    detection *d = load_ok(sample_detection);
    char *err = NULL;
    assert_int_equal(detection_resolve(d, &deps, &err), 0);
    assert_string_equal(d->deploy.cron_schedule, "0 * * * *");
    assert_string_equal(d->deploy.earliest_time, "-70m@m");
    assert_string_equal(d->deploy.latest_time, "-10m@m");
    assert_string_equal(d->deploy.schedule_window, "auto");
    assert_true(d->deploy.notable);
    assert_true(d->deploy.rba);
    assert_string_equal(d->deploy.rule_title, "Alert: Suspicious Service Creation Via Sc (%unknown%)");
    assert_string_equal(d->deploy.rule_description, d->description);
    assert_int_equal(d->deploy.nes_fields.n, 2);
    assert_string_equal(d->deploy.nes_fields.v[0], "user");
    assert_string_equal(d->deploy.source, "Test Default TTP");
    detection_free(d);

    /* Anomaly: rba only, no notable. */
    d = load_ok("name: A\nsearch: x\ntype: Anomaly\n");
    assert_int_equal(detection_resolve(d, &deps, &err), 0);
    assert_false(d->deploy.notable);
    assert_true(d->deploy.rba);
    assert_string_equal(d->deploy.cron_schedule, "30 */4 * * *");
    detection_free(d);

    /* Hunting: no deployment given here -> nothing scheduled. */
    d = load_ok("name: H\nsearch: x\ntype: Hunting\n");
    assert_int_equal(detection_resolve(d, &deps, &err), 0);
    assert_null(d->deploy.cron_schedule);
    assert_false(d->deploy.notable || d->deploy.rba);
    detection_free(d);

    /* Top-level scheduling / alert_action override key by key. */
    d = load_ok("name: O\nsearch: x\ntype: TTP\nscheduling:\n  cron_schedule: 15 2 * * *\n"
                "alert_action:\n  notable: false\n");
    assert_int_equal(detection_resolve(d, &deps, &err), 0);
    assert_string_equal(d->deploy.cron_schedule, "15 2 * * *");
    assert_string_equal(d->deploy.earliest_time, "-70m@m");
    assert_false(d->deploy.notable);
    assert_true(d->deploy.rba);
    detection_free(d);

    /* deployment: a name picks another deployment; inline replaces. */
    d = load_ok("name: N\nsearch: x\ntype: TTP\ndeployment: Test Default Anomaly\n");
    assert_int_equal(detection_resolve(d, &deps, &err), 0);
    assert_string_equal(d->deploy.cron_schedule, "30 */4 * * *");
    assert_false(d->deploy.notable);
    detection_free(d);

    d = load_ok("name: I\nsearch: x\ntype: TTP\ndeployment:\n  scheduling:\n    cron_schedule: '*/5 * * * *'\n"
                "  alert_action:\n    notable:\n      rule_title: $dest$ %name%\n");
    assert_int_equal(detection_resolve(d, &deps, &err), 0);
    assert_string_equal(d->deploy.cron_schedule, "*/5 * * * *");
    assert_null(d->deploy.earliest_time);
    assert_true(d->deploy.notable);
    assert_false(d->deploy.rba);
    assert_string_equal(d->deploy.rule_title, "$dest$ I");
    assert_string_equal(d->deploy.source, "detection");
    detection_free(d);

    d = load_ok("name: M\nsearch: x\ntype: TTP\ndeployment: Nope\n");
    assert_int_equal(detection_resolve(d, &deps, &err), -1);
    assert_non_null(strstr(err, "names deployment 'Nope', which does not exist"));
    free(err);
    detection_free(d);
    deployment_set_free(&deps);
}

static double utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return (double)timegm(&tm);
}

static void rel_is(const char *spec, double now, double want)
{
    double got;
    char *err = NULL;
    if (detect_relative_time(spec, now, &got, &err) != 0) fail_msg("%s: %s", spec, err);
    if (got != want) fail_msg("%s: got %.0f want %.0f", spec, got, want);
}

static void test_relative_time(void **state)
{
    (void)state;
    double now = utc(2024, 5, 15, 13, 47, 21); /* a Wednesday */
    rel_is("now", now, now);
    rel_is("0", now, 0);
    rel_is("1700000000", now, 1700000000);
    rel_is("-70m@m", now, utc(2024, 5, 15, 12, 37, 0));
    rel_is("-10m@m", now, utc(2024, 5, 15, 13, 37, 0));
    rel_is("-24h", now, now - 86400);
    rel_is("@d", now, utc(2024, 5, 15, 0, 0, 0));
    rel_is("-1d@d+8h", now, utc(2024, 5, 14, 8, 0, 0));
    rel_is("-1450m@m", now, utc(2024, 5, 14, 13, 37, 0));
    rel_is("@w0", now, utc(2024, 5, 12, 0, 0, 0));
    rel_is("@w", now, utc(2024, 5, 12, 0, 0, 0));
    rel_is("@w1", now, utc(2024, 5, 13, 0, 0, 0));
    rel_is("@w3", now, utc(2024, 5, 15, 0, 0, 0));
    rel_is("@mon", now, utc(2024, 5, 1, 0, 0, 0));
    rel_is("-1mon@mon", now, utc(2024, 4, 1, 0, 0, 0));
    rel_is("@q", now, utc(2024, 4, 1, 0, 0, 0));
    rel_is("-1y@y", now, utc(2023, 1, 1, 0, 0, 0));
    rel_is("+2hours", now, now + 7200);
    rel_is("-h", now, now - 3600);
    rel_is("-30s", now, now - 30);
    rel_is("-1mon", utc(2024, 3, 31, 0, 0, 0), utc(2024, 2, 29, 0, 0, 0));

    double got;
    char *err = NULL;
    assert_int_equal(detect_relative_time("-70x@m", now, &got, &err), -1);
    assert_non_null(strstr(err, "position 4"));
    free(err);
    assert_int_equal(detect_relative_time("yesterday", now, &got, &err), -1);
    assert_non_null(strstr(err, "position 1"));
    free(err);
    assert_int_equal(detect_relative_time("@", now, &got, &err), -1);
    free(err);

    double e, l;
    assert_int_equal(detect_window("-70m@m", "-10m@m", utc(2024, 5, 15, 14, 0, 0), &e, &l, &err), 0);
    assert_true(e == utc(2024, 5, 15, 12, 50, 0));
    assert_true(l == utc(2024, 5, 15, 13, 50, 0));
    assert_int_equal(detect_window(NULL, "", 1000, &e, &l, &err), 0);
    assert_true(e == 0 && l == 1000);
    assert_int_equal(detect_window("-1q", "bogus", 1000, &e, &l, &err), -1);
    assert_non_null(strstr(err, "latest_time: bad time modifier \"bogus\""));
    free(err);
}

static void test_schedule_due(void **state)
{
    (void)state;
    deployment_set deps;
    deps_two(&deps);
    char *err = NULL;
    detection *d = load_ok(sample_detection); /* TTP: hourly, -70m@m .. -10m@m */
    assert_int_equal(detection_resolve(d, &deps, &err), 0);
    double out[8];
    size_t n;
    int more;
    double now = utc(2024, 5, 15, 13, 47, 21);
    /* First run: only the latest due time. */
    assert_int_equal(detect_schedule_due(d, 0, 0, now, out, 8, &n, &more, &err), 0);
    assert_int_equal(n, 1);
    assert_true(out[0] == utc(2024, 5, 15, 13, 0, 0));
    /* After a last run at 10:00: 11:00, 12:00, 13:00. */
    assert_int_equal(detect_schedule_due(d, 1, utc(2024, 5, 15, 10, 0, 0), now, out, 8, &n, &more, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(more, 0);
    assert_true(out[2] == utc(2024, 5, 15, 13, 0, 0));
    assert_int_equal(detect_schedule_due(d, 1, utc(2024, 5, 15, 10, 0, 0), now, out, 2, &n, &more, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(more, 1);
    /* Nothing due again at the same time. */
    assert_int_equal(detect_schedule_due(d, 1, out[1], out[1], out, 8, &n, &more, &err), 0);
    assert_int_equal(n, 0);

    double e, l;
    assert_int_equal(detect_run_window(d, utc(2024, 5, 15, 13, 0, 0), &e, &l, &err), 0);
    assert_true(e == utc(2024, 5, 15, 11, 50, 0));
    assert_true(l == utc(2024, 5, 15, 12, 50, 0));
    detection_free(d);

    /* No schedule: nothing due. */
    d = load_ok("name: H\nsearch: x\ntype: Hunting\n");
    assert_int_equal(detection_resolve(d, &deps, &err), 0);
    assert_int_equal(detect_schedule_due(d, 0, 0, now, out, 8, &n, &more, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(detect_run_window(d, 5000, &e, &l, &err), 0);
    assert_true(e == 0 && l == 5000);
    detection_free(d);

    /* A yearly schedule still finds its latest due time on a first run. */
    d = load_ok("name: Y\nsearch: x\nscheduling:\n  cron_schedule: 0 0 1 1 *\n");
    assert_int_equal(detection_resolve(d, NULL, &err), 0);
    assert_int_equal(detect_schedule_due(d, 0, 0, now, out, 8, &n, &more, &err), 0);
    assert_int_equal(n, 1);
    assert_true(out[0] == utc(2024, 1, 1, 0, 0, 0));
    detection_free(d);
    deployment_set_free(&deps);
}

static void test_load_dir_errors(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/detect_test_XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/sub", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/sub/good.yml", dir);
    FILE *f = fopen(path, "w");
    fputs("name: G\nsearch: '| makeresults'\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/bad.yaml", dir);
    f = fopen(path, "w");
    fputs("name: B\nsearch: [unclosed\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    f = fopen(path, "w");
    fputs("ignored\n", f);
    fclose(f);

    snprintf(path, sizeof path, "%s/sub/z_again.yml", dir);
    f = fopen(path, "w");
    fputs("name: G\nsearch: '| makeresults count=2'\n", f);
    fclose(f);

    snprintf(path, sizeof path, "%s/sub/z_third.yml", dir);
    f = fopen(path, "w");
    fputs("name: G\nsearch: '| makeresults count=3'\n", f);
    fclose(f);

    detection_set set;
    assert_int_equal(detection_load_dir(dir, &set), 3);
    assert_int_equal(set.n, 1);
    assert_string_equal(set.v[0]->name, "G");
    assert_non_null(strstr(set.v[0]->file, "good.yml"));
    assert_non_null(strstr(set.errors[0], "bad.yaml:3:"));
    assert_non_null(strstr(set.errors[1], "z_again.yml:1: detection name 'G' is already used by"));
    assert_non_null(strstr(set.errors[2], "z_third.yml:1: detection name 'G' is already used by"));
    assert_non_null(strstr(set.errors[2], "good.yml"));
    detection_set_free(&set);

    assert_int_equal(detection_load_dir("/nonexistent-dir", &set), -1);
    assert_non_null(strstr(set.errors[0], "/nonexistent-dir"));
    detection_set_free(&set);

    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
}

/* Every prefix of a valid file loads or fails cleanly (no crash, no leak). */
static void test_prefixes(void **state)
{
    (void)state;
    size_t len = strlen(sample_detection), ok = 0;
    for (size_t n = 0; n <= len; n++) {
        detection *d = NULL;
        char *err = NULL;
        if (detection_load_string(sample_detection, n, "p.yml", &d, &err) == 0) {
            ok++;
            detection_free(d);
        } else {
            assert_non_null(err);
            assert_true(strncmp(err, "p.yml:", 6) == 0);
            free(err);
        }
    }
    assert_true(ok > 0);
}

/* The project's own detections/ and deployments/ (repository root = the
 * test's working directory) load and resolve without errors. */
static void test_project_content(void **state)
{
    (void)state;
    struct stat st;
    if (stat("detections", &st) != 0 || stat("deployments", &st) != 0) {
        print_message("no detections/ or deployments/ in the working directory; skipped\n");
        skip();
    }
    deployment_set deps;
    char *err = NULL;
    if (deployment_load_dir("deployments", &deps, &err) != 0) fail_msg("%s", err);
    detection_set set;
    int bad = detection_load_dir("detections", &set);
    for (size_t i = 0; i < set.nerrors; i++) print_message("%s\n", set.errors[i]);
    assert_int_equal(bad, 0);
    assert_int_equal(detection_set_resolve(&set, &deps), 0);
    for (size_t i = 0; i < set.n; i++) {
        assert_non_null(set.v[i]->deploy.cron_schedule);
        assert_true(set.v[i]->nrisk_objects > 0 || set.v[i]->type == DETECT_TYPE_HUNTING);
    }
    detection_set_free(&set);
    deployment_set_free(&deps);
}

int main(void)
{
    /* Windows are computed in UTC (the general time-modifier parser, when it
     * replaces the interim one, uses the local zone). */
    setenv("TZ", "UTC0", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_fields),     cmocka_unit_test(test_risk_score_and_rba_block),
        cmocka_unit_test(test_load_errors),     cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_relative_time),   cmocka_unit_test(test_load_dir_errors),
        cmocka_unit_test(test_schedule_due),    cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_project_content),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
