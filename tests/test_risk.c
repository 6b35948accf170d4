/* test_risk.c: risk events and notables from result rows ($field$
 * templating, multivalue and empty observables, threat objects, severity)
 * and their idempotent storage in SQLite, plus run and schedule state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "detect_check.h"
#include "detect_emit.h"
#include "detection.h"
#include "risk.h"
#include "risk_store.h"

static const char *const det_yaml = "name: Remote Tool Launched\n"
                                    "id: aaaaaaaa-0000-0000-0000-000000000001\n"
                                    "type: TTP\n"
                                    "description: A remote administration tool ran.\n"
                                    "search: '| makeresults'\n"
                                    "tags:\n"
                                    "  analytic_story: [Lateral Movement, Insider Threat]\n"
                                    "  confidence: 70\n"
                                    "  impact: 90\n"
                                    "  risk_score: 63\n"
                                    "  message: Tool $process_name$ ran on $dest$ as $user$ ($missing$) for $$5\n"
                                    "  mitre_attack_id: [T1021, T1219]\n"
                                    "  security_domain: endpoint\n"
                                    "  observable:\n"
                                    "  - name: dest\n"
                                    "    type: Hostname\n"
                                    "    role: [Victim]\n"
                                    "  - name: user\n"
                                    "    type: User\n"
                                    "    role: [Victim]\n"
                                    "  - name: process_name\n"
                                    "    type: Process\n"
                                    "    role: [Attacker]\n"
                                    "  - name: src_ip\n"
                                    "    type: IP Address\n"
                                    "    role: [Attacker]\n"
                                    "scheduling:\n"
                                    "  cron_schedule: 0 * * * *\n"
                                    "alert_action:\n"
                                    "  notable:\n"
                                    "    rule_title: '%name% on $dest$'\n"
                                    "    rule_description: '%description% User: $user$'\n"
                                    "    nes_fields: [user, dest, nothere]\n"
                                    "  rba:\n"
                                    "    enabled: true\n";

static detection *load_det(void)
{
    detection *d = NULL;
    char *err = NULL;
    if (detection_load_string(det_yaml, strlen(det_yaml), "t.yml", &d, &err) != 0) fail_msg("%s", err);
    if (detection_resolve(d, NULL, &err) != 0) fail_msg("%s", err);
    return d;
}

static void make_row(risk_row *r)
{
    risk_row_init(r);
    risk_row_add_text(r, "_time", "1700000000.5");
    static const char *const dests[] = {"host1", "host2", "", "host1"};
    risk_row_add(r, "dest", dests, 4);
    risk_row_add_text(r, "user", "");
    assert_int_equal(risk_row_add_json(r, "process_name", "[\"psexec.exe\",\"cmd.exe\"]", 24), 0);
    risk_row_add_text(r, "src_ip", "10.0.0.9");
    risk_row_add_text(r, "count", "3");
}

static void test_row_and_expand(void **state)
{
    (void)state;
    risk_row r;
    make_row(&r);
    size_t n;
    const char *const *v = risk_row_get(&r, "process_name", &n);
    assert_int_equal(n, 2);
    assert_string_equal(v[1], "cmd.exe");
    assert_null(risk_row_get(&r, "nope", &n));
    assert_int_equal(n, 0);
    assert_int_equal(risk_row_add_json(&r, "bad", "not json", 8), -1);
    assert_int_equal(risk_row_add_json(&r, "num", "[1, 2.5, true]", 14), 0);
    v = risk_row_get(&r, "num", &n);
    assert_int_equal(n, 3);
    assert_string_equal(v[0], "1");
    assert_string_equal(v[2], "true");

    char *s = risk_expand("on $src_ip$: $process_name$, $user$|$nope$|$ x|a$$b|$", &r);
    assert_string_equal(s, "on 10.0.0.9: psexec.exe, cmd.exe, |$nope$|$ x|a$b|$");
    free(s);
    risk_row_add_text(&r, "PSWA Host", "gw01");
    s = risk_expand("$dest on $src_ip$; $PSWA Host$ $a b$ $ 5$", &r);
    assert_string_equal(s, "$dest on 10.0.0.9; gw01 $a b$ $ 5$");
    free(s);

    char *k1 = risk_row_key(&r);
    risk_row r2;
    make_row(&r2);
    risk_row_add_json(&r2, "num", "[1, 2.5, true]", 14);
    risk_row_add_text(&r2, "PSWA Host", "gw01");
    char *k2 = risk_row_key(&r2);
    assert_string_equal(k1, k2);
    risk_row_add_text(&r2, "extra", "x");
    char *k3 = risk_row_key(&r2);
    assert_string_not_equal(k1, k3);
    assert_int_equal(strlen(k1), 16);
    free(k1);
    free(k2);
    free(k3);
    risk_row_free(&r);
    risk_row_free(&r2);
}

static void test_risk_events(void **state)
{
    (void)state;
    detection *d = load_det();
    risk_row r;
    make_row(&r);
    risk_event_list l = {0};
    /* dest has host1, host2 (the empty value and the repeat are dropped);
     * user is empty: no event for it. */
    assert_int_equal(risk_events_for_row(d, &r, 5.0, &l), 2);
    assert_int_equal(l.n, 2);
    risk_event *e = &l.v[0];
    assert_true(e->time == 1700000000.5);
    assert_string_equal(e->search_name, "ESCU - Remote Tool Launched - Rule");
    assert_string_equal(e->risk_object, "host1");
    assert_string_equal(e->risk_object_type, "system");
    assert_string_equal(e->risk_object_field, "dest");
    assert_int_equal(e->risk_score, 63);
    assert_string_equal(e->risk_message,
                        "Tool psexec.exe, cmd.exe ran on host1, host2, , host1 as  ($missing$) for $5");
    assert_int_equal(e->confidence, 70);
    assert_int_equal(e->impact, 90);
    assert_string_equal(e->mitre_attack, "[\"T1021\",\"T1219\"]");
    assert_string_equal(e->analyticstories, "[\"Lateral Movement\",\"Insider Threat\"]");
    assert_string_equal(e->threat_object, "[\"psexec.exe\",\"cmd.exe\",\"10.0.0.9\"]");
    assert_string_equal(e->threat_object_type, "[\"process_name\",\"process_name\",\"ip_address\"]");
    assert_string_equal(l.v[1].risk_object, "host2");

    /* No _time: the run time is used; a user value makes a user event. */
    risk_row r2;
    risk_row_init(&r2);
    risk_row_add_text(&r2, "user", "alice");
    risk_row_add_text(&r2, "_time", "not a number");
    assert_int_equal(risk_events_for_row(d, &r2, 42.0, &l), 1);
    assert_true(l.v[2].time == 42.0);
    assert_string_equal(l.v[2].risk_object_type, "user");
    assert_string_equal(l.v[2].threat_object, "[]");
    risk_event_list_free(&l);

    /* A row without any observable field: nothing. */
    risk_row r3;
    risk_row_init(&r3);
    risk_row_add_text(&r3, "count", "1");
    assert_int_equal(risk_events_for_row(d, &r3, 1, &l), 0);
    assert_int_equal(l.n, 0);
    risk_row_free(&r);
    risk_row_free(&r2);
    risk_row_free(&r3);
    detection_free(d);
}

static void test_notable(void **state)
{
    (void)state;
    detection *d = load_det();
    assert_true(d->deploy.notable);
    risk_row r;
    make_row(&r);
    notable_event n;
    risk_notable_for_row(d, &r, 7.0, &n);
    assert_true(n.time == 1700000000.5);
    assert_string_equal(n.rule_name, "Remote Tool Launched");
    assert_string_equal(n.rule_title, "Remote Tool Launched on host1, host2, , host1");
    assert_string_equal(n.rule_description, "A remote administration tool ran. User: ");
    assert_string_equal(n.security_domain, "endpoint");
    assert_int_equal(n.risk_score, 63);
    assert_string_equal(n.severity, "high");
    assert_string_equal(n.nes_fields, "{\"user\":\"\",\"dest\":[\"host1\",\"host2\",\"\",\"host1\"]}");
    assert_non_null(strstr(n.result, "\"src_ip\":\"10.0.0.9\""));
    assert_non_null(strstr(n.result, "\"process_name\":[\"psexec.exe\",\"cmd.exe\"]"));
    assert_string_equal(n.mitre_attack, "[\"T1021\",\"T1219\"]");
    notable_event_free(&n);
    risk_row_free(&r);
    detection_free(d);

    assert_string_equal(risk_severity(0), "informational");
    assert_string_equal(risk_severity(20), "informational");
    assert_string_equal(risk_severity(21), "low");
    assert_string_equal(risk_severity(60), "medium");
    assert_string_equal(risk_severity(61), "high");
    assert_string_equal(risk_severity(81), "critical");
    assert_string_equal(risk_severity(250), "critical");
}

static int count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void test_store(void **state)
{
    (void)state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    char *err = NULL;
    assert_int_equal(risk_store_init(db, &err), 0);
    assert_int_equal(risk_store_init(db, &err), 0); /* idempotent */

    detection *d = load_det();
    risk_row r;
    make_row(&r);
    int64_t run_id;
    assert_int_equal(risk_store_run_begin(db, d->name, d->id, 3600, 0, 0, 3000, 3601, 1, &run_id, &err), 0);
    assert_true(run_id > 0);
    risk_run run = {run_id, 0, 3000};

    risk_event_list l = {0};
    risk_events_for_row(d, &r, 3600, &l);
    notable_event n;
    risk_notable_for_row(d, &r, 3600, &n);
    int ins, total = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < l.n; i++) {
            assert_int_equal(risk_store_insert_risk(db, &run, &l.v[i], &ins, &err), 0);
            total += ins;
        }
        assert_int_equal(risk_store_insert_notable(db, &run, &n, &ins, &err), 0);
        total += ins;
    }
    assert_int_equal(total, 3); /* the second pass changed nothing */
    assert_int_equal(count(db, "SELECT count(*) FROM risk"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM notable"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM risk WHERE typeof(threat_object) = 'blob' "
                               "AND json_array_length(threat_object) = 3"),
                     2);
    assert_int_equal(count(db, "SELECT count(*) FROM notable WHERE severity = 'high' AND status = 'new' "
                               "AND json_extract(nes_fields, '$.dest[1]') = 'host2'"),
                     1);

    /* A different window stores again. */
    risk_run run2 = {run_id, 3000, 6000};
    assert_int_equal(risk_store_insert_risk(db, &run2, &l.v[0], &ins, &err), 0);
    assert_int_equal(ins, 1);

    assert_int_equal(risk_store_run_end(db, run_id, 1, 2, 1, 0.25, "success", NULL, &err), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM runs WHERE status = 'success' AND rows = 1 AND risk_events = 2 "
                               "AND notables = 1 AND error IS NULL AND scheduled_time = 3600"),
                     1);

    double t;
    assert_int_equal(risk_store_last_scheduled(db, d->name, &t, &err), 1);
    assert_int_equal(risk_store_set_last_scheduled(db, d->name, 3600, 3700, &err), 0);
    assert_int_equal(risk_store_set_last_scheduled(db, d->name, 7200, 7300, &err), 0);
    assert_int_equal(risk_store_last_scheduled(db, d->name, &t, &err), 0);
    assert_true(t == 7200);

    /* A value with quotes goes in bound, unchanged. */
    risk_row q;
    risk_row_init(&q);
    risk_row_add_text(&q, "dest", "x'); DROP TABLE risk; --");
    risk_event_list l2 = {0};
    risk_events_for_row(d, &q, 1, &l2);
    assert_int_equal(risk_store_insert_risk(db, &run, &l2.v[0], &ins, &err), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM risk WHERE risk_object = 'x''); DROP TABLE risk; --'"), 1);

    /* Errors are reported, not hidden. */
    assert_int_equal(sqlite3_exec(db, "DROP TABLE notable", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(risk_store_insert_notable(db, &run, &n, &ins, &err), -1);
    assert_non_null(strstr(err, "no such table"));
    free(err);

    risk_event_list_free(&l2);
    risk_row_free(&q);
    risk_event_list_free(&l);
    notable_event_free(&n);
    risk_row_free(&r);
    detection_free(d);
    sqlite3_close(db);
}

static void test_emit(void **state)
{
    (void)state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    char *err = NULL;
    assert_int_equal(risk_store_init(db, &err), 0);
    detection *d = load_det();
    risk_row r;
    make_row(&r);
    risk_run run = {0, 100, 200};
    detect_emit_stats st = {0};
    assert_int_equal(detect_emit_row(db, d, &run, &r, 200, &st, &err), 0);
    assert_int_equal(detect_emit_row(db, d, &run, &r, 200, &st, &err), 0); /* rerun: nothing new */
    assert_int_equal(st.rows, 2);
    assert_int_equal(st.risk_events, 2);
    assert_int_equal(st.notables, 1);

    /* Without the actions nothing is stored. */
    d->deploy.rba = d->deploy.notable = 0;
    detect_emit_stats st2 = {0};
    risk_run run2 = {0, 200, 300};
    assert_int_equal(detect_emit_row(db, d, &run2, &r, 300, &st2, &err), 0);
    assert_int_equal(st2.rows, 1);
    assert_int_equal(st2.risk_events + st2.notables, 0);
    assert_int_equal(count(db, "SELECT count(*) FROM risk"), 2);
    risk_row_free(&r);
    detection_free(d);
    sqlite3_close(db);
}

static void test_check(void **state)
{
    (void)state;
    detection *d = load_det();
    detect_problems p = {0};
    assert_int_equal(detect_check_run(d, 0, NULL, 0, 0, &p), 1);
    assert_non_null(strstr(p.v[0], "no results"));
    detect_problems_free(&p);

    /* The sample message names $missing$, which the row lacks. */
    risk_row r;
    make_row(&r);
    risk_event_list l = {0};
    risk_events_for_row(d, &r, 1, &l);
    assert_int_equal(detect_check_run(d, 1, l.v, l.n, 1, &p), 2);
    assert_non_null(strstr(p.v[0], "unreplaced $missing$"));
    detect_problems_free(&p);

    risk_row_add_text(&r, "missing", "now here");
    risk_event_list_free(&l);
    risk_events_for_row(d, &r, 1, &l);
    assert_int_equal(detect_check_run(d, 1, l.v, l.n, 1, &p), 0);

    /* No notable, no risk events, a tampered score and story list. */
    assert_int_equal(detect_check_run(d, 3, NULL, 0, 0, &p), 2);
    detect_problems_free(&p);
    l.v[0].risk_score = 1;
    free(l.v[0].analyticstories);
    l.v[0].analyticstories = strdup("[\"Insider Threat\"]");
    assert_int_equal(detect_check_run(d, 1, l.v, 1, 1, &p), 2);
    assert_non_null(strstr(p.v[0], "risk_score 1, the detection says 63"));
    detect_problems_free(&p);
    risk_event_list_free(&l);
    risk_row_free(&r);
    detection_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_row_and_expand), cmocka_unit_test(test_risk_events), cmocka_unit_test(test_notable),
        cmocka_unit_test(test_store),          cmocka_unit_test(test_emit),        cmocka_unit_test(test_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
