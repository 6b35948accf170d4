/* test_detect_sigma.c: Sigma rules as detections (detect_sigma.c): what a
 * rule becomes (name, search, level -> risk score, tags -> ATT&CK ids and
 * tactics, risk objects, message with the author, origin), load errors with
 * file and line, unique names for shared titles whatever the order, the
 * Sigma deployment chosen by origin, and the risk events and notables a row
 * makes (search name, rule id/author/origin). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "detect_sigma.h"
#include "detection.h"
#include "risk.h"

static const char *const rule_yaml = "title: Tool $ Started\n"
                                     "id: 11111111-2222-3333-4444-555555555555\n"
                                     "status: test\n"
                                     "description: A tool starts.\n"
                                     "author: Jane Doe\n"
                                     "tags:\n"
                                     "    - attack.execution\n"
                                     "    - attack.defense_evasion\n"
                                     "    - attack.t1059.003\n"
                                     "    - attack.g0016\n"
                                     "    - car.2013-05-002\n"
                                     "logsource: {category: process_creation, product: windows}\n"
                                     "detection:\n"
                                     "    sel: {Image|endswith: '\\tool.exe'}\n"
                                     "    filter: {User|startswith: 'NT AUTHORITY\\'}\n"
                                     "    condition: sel and not filter\n"
                                     "falsepositives: [Admins, Backups]\n"
                                     "level: critical\n";

static detection *load(const char *text, const char *name)
{
    detection *d = NULL;
    char *err = NULL;
    if (detection_load_string(text, strlen(text), name, &d, &err)) fail_msg("%s", err);
    return d;
}

static void test_rule_becomes_detection(void **state)
{
    (void)state;
    detection *d = load(rule_yaml, "rules/tool.yml");
    assert_string_equal(d->origin, "sigma");
    assert_string_equal(d->name, "Tool $ Started");
    assert_string_equal(d->id, "11111111-2222-3333-4444-555555555555");
    assert_string_equal(d->author, "Jane Doe");
    assert_string_equal(d->status, "test");
    assert_string_equal(d->level, "critical");
    assert_int_equal(d->type, DETECT_TYPE_TTP);
    assert_int_equal(d->risk_score, 100);
    assert_string_equal(d->known_false_positives, "Admins; Backups");
    assert_int_equal(d->mitre_attack_id.n, 1);
    assert_string_equal(d->mitre_attack_id.v[0], "T1059.003");
    assert_int_equal(d->tactics.n, 2);
    assert_string_equal(d->tactics.v[0], "Execution");
    assert_string_equal(d->tactics.v[1], "Defense Evasion");
    assert_non_null(strstr(d->search, "tool.exe"));
    /* host -> system, User (named by the rule) -> user, both with the level's score */
    assert_int_equal(d->nrisk_objects, 2);
    assert_string_equal(d->risk_objects[0].field, "host");
    assert_string_equal(d->risk_objects[0].type, "system");
    assert_string_equal(d->risk_objects[1].field, "User");
    assert_string_equal(d->risk_objects[1].type, "user");
    assert_int_equal(d->risk_objects[1].score, 100);
    assert_string_equal(d->message, "Tool $$ Started on $host$ (rule by Jane Doe)");
    char *sn = detection_search_name(d);
    assert_string_equal(sn, "Sigma - Tool $ Started - Rule");
    free(sn);
    detection_free(d);
}

static void test_level_table(void **state)
{
    (void)state;
    assert_int_equal(detect_sigma_level_score("informational"), 10);
    assert_int_equal(detect_sigma_level_score("low"), 25);
    assert_int_equal(detect_sigma_level_score("Medium"), 50);
    assert_int_equal(detect_sigma_level_score("high"), 75);
    assert_int_equal(detect_sigma_level_score("critical"), 100);
    assert_int_equal(detect_sigma_level_score(NULL), 50);
    assert_int_equal(detect_sigma_level_score("severe"), 50);
    /* each level's score falls in ES's band of the same name */
    assert_string_equal(risk_severity(detect_sigma_level_score("informational")), "informational");
    assert_string_equal(risk_severity(detect_sigma_level_score("low")), "low");
    assert_string_equal(risk_severity(detect_sigma_level_score("medium")), "medium");
    assert_string_equal(risk_severity(detect_sigma_level_score("high")), "high");
    assert_string_equal(risk_severity(detect_sigma_level_score("critical")), "critical");
}

static void test_load_errors(void **state)
{
    (void)state;
    static const char bad[] = "title: Bad\n"
                              "logsource: {product: windows}\n"
                              "detection:\n"
                              "    sel: {Image|nosuchmodifier: x}\n"
                              "    condition: sel\n";
    detection *d = NULL;
    char *err = NULL;
    assert_int_equal(detection_load_string(bad, strlen(bad), "bad.yml", &d, &err), -1);
    assert_null(d);
    assert_non_null(err);
    assert_int_equal(strncmp(err, "bad.yml:4: ", 11), 0);
    free(err);
    err = NULL;
    static const char notitle[] = "logsource: {product: windows}\n"
                                  "detection:\n"
                                  "    sel: {Image: x}\n"
                                  "    condition: sel\n";
    assert_int_equal(detection_load_string(notitle, strlen(notitle), "nt.yml", &d, &err), -1);
    assert_non_null(strstr(err, "nt.yml:"));
    free(err);
}

static void test_unique_names(void **state)
{
    (void)state;
    static const char noid[] = "title: Same\n"
                               "logsource: {product: windows}\n"
                               "detection: {sel: {Image: y}, condition: sel}\n";
    static const char withid[] = "title: Same\n"
                                 "id: 99999999-0000-0000-0000-000000000009\n"
                                 "logsource: {product: windows}\n"
                                 "detection: {sel: {Image: x}, condition: sel}\n";
    static const char other[] = "title: Other\n"
                                "logsource: {product: windows}\n"
                                "detection: {sel: {Image: z}, condition: sel}\n";
    for (int order = 0; order < 2; order++) {
        detection *v[3];
        v[order ? 1 : 0] = load(noid, "dir/older rule.yaml");
        v[order ? 0 : 1] = load(withid, "dir/b.yml");
        v[2] = load(other, "dir/c.yml");
        detect_sigma_unique_names(v, 3);
        const detection *a = v[order ? 1 : 0], *b = v[order ? 0 : 1];
        assert_string_equal(a->name, "Same (older rule)");
        assert_string_equal(b->name, "Same (99999999-0000-0000-0000-000000000009)");
        assert_string_equal(v[2]->name, "Other");
        for (int i = 0; i < 3; i++) detection_free(v[i]);
    }
}

static void test_deployment_and_events(void **state)
{
    (void)state;
    static const char sigma_dep[] = "name: sigma default\norigin: sigma\n"
                                    "scheduling: {cron_schedule: '0 * * * *', earliest_time: -70m@m, latest_time: -10m@m}\n"
                                    "alert_action: {notable: {rule_title: '%name%'}, rba: {enabled: true}}\n";
    static const char ttp_dep[] = "name: ttp default\ntype: TTP\n"
                                  "scheduling: {cron_schedule: '*/5 * * * *', earliest_time: -5m, latest_time: now}\n"
                                  "alert_action: {rba: {enabled: true}}\n";
    deployment_set deps = {0};
    deps.v = calloc(2, sizeof *deps.v);
    char *err = NULL;
    /* the TTP one first: origin wins over type */
    assert_int_equal(deployment_load_string(ttp_dep, strlen(ttp_dep), "ttp.yml", &deps.v[0], &err), 0);
    assert_int_equal(deployment_load_string(sigma_dep, strlen(sigma_dep), "sigma.yml", &deps.v[1], &err), 0);
    deps.n = 2;
    detection *d = load(rule_yaml, "rules/tool.yml");
    assert_int_equal(detection_resolve(d, &deps, &err), 0);
    assert_string_equal(d->deploy.source, "sigma default");
    assert_string_equal(d->deploy.cron_schedule, "0 * * * *");
    assert_true(d->deploy.notable && d->deploy.rba);

    risk_row row;
    risk_row_init(&row);
    risk_row_add_text(&row, "_time", "1700000000");
    risk_row_add_text(&row, "host", "ws-1");
    risk_row_add_text(&row, "Image", "C:\\tool.exe");
    risk_row_add_text(&row, "User", "CORP\\bob");
    risk_event_list l = {0};
    assert_int_equal(risk_events_for_row(d, &row, 0, &l), 2);
    for (size_t i = 0; i < l.n; i++) {
        assert_string_equal(l.v[i].search_name, "Sigma - Tool $ Started - Rule");
        assert_string_equal(l.v[i].risk_message, "Tool $ Started on ws-1 (rule by Jane Doe)");
        assert_string_equal(l.v[i].rule_id, "11111111-2222-3333-4444-555555555555");
        assert_string_equal(l.v[i].rule_author, "Jane Doe");
        assert_string_equal(l.v[i].rule_origin, "sigma");
        assert_int_equal(l.v[i].risk_score, 100);
    }
    assert_string_equal(l.v[1].risk_object, "CORP\\bob");
    risk_event_list_free(&l);
    notable_event n;
    risk_notable_for_row(d, &row, 0, &n);
    assert_string_equal(n.rule_title, "Tool $ Started");
    assert_string_equal(n.severity, "critical");
    assert_string_equal(n.rule_author, "Jane Doe");
    assert_string_equal(n.rule_origin, "sigma");
    assert_string_equal(n.rule_description, "A tool starts. (rule by Jane Doe)");
    notable_event_free(&n);
    risk_row_free(&row);
    detection_free(d);
    deployment_set_free(&deps);
}

/* A correlation's rows are its groups: risk objects only from the group-by fields. */
static void test_correlation_risk_objects(void **state)
{
    (void)state;
    static const char corr[] = "title: Base\n"
                               "name: base\n"
                               "logsource: {product: windows}\n"
                               "detection: {sel: {Image: x}, condition: sel}\n"
                               "---\n"
                               "title: Many\n"
                               "id: 22222222-0000-0000-0000-000000000002\n"
                               "correlation: {type: event_count, rules: [base], group-by: [Computer, TargetUserName],\n"
                               "              timespan: 1h, condition: {gte: 3}}\n"
                               "level: medium\n";
    detection *d = load(corr, "corr.yml");
    assert_true(d->is_correlation);
    assert_string_equal(d->name, "Many");
    assert_int_equal(d->nrisk_objects, 2);
    assert_string_equal(d->risk_objects[0].field, "Computer");
    assert_string_equal(d->risk_objects[0].type, "system");
    assert_string_equal(d->risk_objects[1].field, "TargetUserName");
    assert_string_equal(d->risk_objects[1].type, "user");
    assert_int_equal(d->risk_objects[1].score, 50);
    assert_string_equal(d->message, "Many on $Computer$");
    detection_free(d);
}

int main(void)
{
    /* no shipped mappings: the compiled SPL names fields as the rule does */
    setenv("SPLITE_HOME", "/nonexistent-splite-home", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_becomes_detection), cmocka_unit_test(test_level_table),
        cmocka_unit_test(test_load_errors),            cmocka_unit_test(test_unique_names),
        cmocka_unit_test(test_deployment_and_events), cmocka_unit_test(test_correlation_risk_objects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
