/* test_datamodel.c: the data model / alias loader (src/datamodel*.c) and the
 * shipped datamodels/ files: every data set the tstats translator needs is
 * there with its key fields, every expression is well formed, lookups and
 * matching behave, bad files are reported with file and line, and (when
 * ../shared is present) every field Splunk's data_sources files list for an
 * XmlWinEventLog source is one splite gives that source's example event a
 * value for, through the XML reader and the alias files, as a search sees it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <strings.h>
#include <unistd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "datamodel.h"
#include "event.h"
#include "ingest.h"
#include "reader.h"
#include "spl.h"
#include "spl_output.h"
#include "store.h"
#include "util.h"

static char *src_dir(void)
{
    const char *s = getenv("SPLITE_SRC");
    return xstrdup(s && *s ? s : ".");
}

static dm_registry *load_shipped(void)
{
    char *dir = src_dir();
    char *path = xasprintf("%s/datamodels", dir);
    char *err = NULL;
    dm_registry *reg = dm_load_dir(path, &err);
    if (!reg) fail_msg("loading %s: %s", path, err);
    free(path);
    free(dir);
    return reg;
}

/* --- the shipped files --- */

typedef struct want_ds {
    const char *spec;
    const char *fields[12];
    int special_table; /* 1: its source reads a splite table */
} want_ds;

static const want_ds wanted[] = {
    {"Endpoint.Processes", {"dest", "user", "parent_process_name", "process_name", "original_file_name",
                            "process", "process_id", "parent_process_id", "process_path", "process_guid",
                            "parent_process", NULL}, 0},
    {"Endpoint.Registry", {"dest", "registry_path", "registry_key_name", "registry_value_name",
                           "registry_value_data", "process_guid", "action", "user", NULL}, 0},
    {"Endpoint.Filesystem", {"dest", "file_path", "file_name", "file_create_time", "process_guid",
                             "process_id", "action", "user", NULL}, 0},
    {"Endpoint.Services", {"dest", "service_name", "service_path", "start_mode", "user", NULL}, 0},
    {"Network_Traffic.All_Traffic", {"src_ip", "dest_ip", "dest_port", "dest", "src", "app", "action",
                                     "process_id", "transport", NULL}, 0},
    {"Network_Resolution.DNS", {"query", "src", "answer", "reply_code", NULL}, 0},
    {"Web.Web", {"url", "http_method", "src", "dest", "status", "http_user_agent", "url_length", NULL}, 0},
    {"Authentication.Authentication", {"user", "src", "dest", "action", "app", "signature", NULL}, 0},
    {"Change.All_Changes", {"user", "action", "object", "object_category", "dest", "result", NULL}, 0},
    {"Risk.All_Risk", {"risk_object", "risk_object_type", "risk_score", "calculated_risk_score",
                       "annotations.mitre_attack.mitre_technique_id", "analyticstories", NULL}, 1},
};

static void test_shipped_datasets(void **state)
{
    (void)state;
    dm_registry *reg = load_shipped();
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        char *err = NULL;
        const dm_dataset *ds = dm_dataset_find(reg, wanted[i].spec, &err);
        if (!ds) fail_msg("%s: %s", wanted[i].spec, err);
        assert_string_equal(ds->path, wanted[i].spec);
        size_t nsrc;
        const dm_source *src = dm_dataset_sources(ds, &nsrc);
        assert_true(nsrc > 0);
        for (size_t f = 0; wanted[i].fields[f]; f++) {
            if (!dm_dataset_has_field(ds, wanted[i].fields[f]))
                fail_msg("%s lacks field %s", wanted[i].spec, wanted[i].fields[f]);
            int mapped = 0;
            for (size_t s = 0; s < nsrc; s++) mapped |= dm_source_expr(&src[s], wanted[i].fields[f]) != NULL;
            const dm_assign **calcs;
            size_t nc = dm_dataset_all_calcs(ds, &calcs);
            for (size_t c = 0; c < nc; c++) mapped |= strcmp(calcs[c]->field, wanted[i].fields[f]) == 0;
            free(calcs);
            if (!mapped) fail_msg("%s: neither a source nor a calculation computes %s", wanted[i].spec,
                                  wanted[i].fields[f]);
        }
        assert_int_equal(src[0].table != NULL, wanted[i].special_table);
    }
    dm_free(reg);
}

static void check_assigns(const dm_assign *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *msg = NULL;
        assert_non_null(a[i].expr);
        assert_true(a[i].expr[0] != 0);
        if (dm_expr_check(a[i].expr, &msg)) fail_msg("%s:%d: %s: %s", a[i].file, a[i].line, a[i].field, msg);
    }
}

static void test_shipped_expressions(void **state)
{
    (void)state;
    dm_registry *reg = load_shipped();
    size_t nexpr = 0;
    for (size_t m = 0; m < reg->nmodels; m++)
        for (size_t d = 0; d < reg->models[m].ndatasets; d++) {
            const dm_dataset *ds = &reg->models[m].datasets[d];
            check_assigns(ds->calcs, ds->ncalcs);
            nexpr += ds->ncalcs;
            for (size_t s = 0; s < ds->nsources; s++) {
                check_assigns(ds->sources[s].fields, ds->sources[s].nfields);
                nexpr += ds->sources[s].nfields;
                assert_true(ds->sources[s].table || ds->sources[s].match.nconds > 0);
            }
        }
    for (size_t i = 0; i < reg->naliases; i++) {
        check_assigns(reg->aliases[i].fields, reg->aliases[i].nfields);
        nexpr += reg->aliases[i].nfields;
    }
    assert_true(nexpr > 200);
    dm_free(reg);
}

/* The sources of Endpoint.Processes the T1505.004 searches rely on. */
static void test_processes_sources(void **state)
{
    (void)state;
    dm_registry *reg = load_shipped();
    char *err = NULL;
    const dm_dataset *ds = dm_dataset_find(reg, "Endpoint.Processes", &err);
    assert_non_null(ds);
    size_t n;
    const dm_source *src = dm_dataset_sources(ds, &n);
    const char *keys[] = {"dest", "user", "parent_process_name", "process_name", "original_file_name",
                          "process", "process_id", "parent_process_id", NULL};
    const char *sources[][2] = {{"XmlWinEventLog:Microsoft-Windows-Sysmon/Operational", "1"},
                                {"XmlWinEventLog:Security", "4688"},
                                {"WinEventLog:Security", "4688"}};
    for (size_t k = 0; k < 3; k++) {
        const dm_source *hit = NULL;
        for (size_t i = 0; i < n; i++)
            if (dm_match_known(&src[i].match, "xmlwineventlog", sources[k][0], sources[k][1]) == DM_YES) hit = &src[i];
        if (!hit) fail_msg("no Endpoint.Processes source for %s EventCode=%s", sources[k][0], sources[k][1]);
        for (size_t f = 0; keys[f]; f++) {
            /* 4688 has no original file name: null, as with Splunk */
            if (k > 0 && strcmp(keys[f], "original_file_name") == 0) {
                assert_null(dm_source_expr(hit, keys[f]));
                continue;
            }
            if (!dm_source_expr(hit, keys[f])) fail_msg("%s lacks %s", hit->name, keys[f]);
        }
        assert_true(strstr(hit->match.spl, "EventCode=") != NULL);
    }
    /* the CIM's calculated fields: 4688 has no original_file_name -> "unknown" */
    const dm_assign **calcs;
    size_t nc = dm_dataset_all_calcs(ds, &calcs);
    int fills_ofn = 0;
    for (size_t i = 0; i < nc; i++)
        if (strcmp(calcs[i]->field, "original_file_name") == 0)
            fills_ofn = strstr(calcs[i]->expr, "\"unknown\"") != NULL;
    free(calcs);
    assert_true(fills_ofn);
    /* Sysmon process name from the image path */
    for (size_t i = 0; i < n; i++)
        if (dm_match_known(&src[i].match, NULL, "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational", "1") == DM_YES)
            assert_string_equal(dm_source_expr(&src[i], "process_name"), "mvindex(split(Image, \"\\\\\"), -1)");
    for (size_t i = 0; i < n; i++)
        if (dm_match_known(&src[i].match, NULL, "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational", "1") == DM_YES)
            assert_string_equal(dm_source_expr(&src[i], "user"), "User");
    dm_free(reg);
}

static void test_find(void **state)
{
    (void)state;
    dm_registry *reg = load_shipped();
    char *err = NULL;
    const dm_dataset *ds = dm_dataset_find(reg, "authentication", &err);
    assert_non_null(ds);
    assert_string_equal(ds->path, "Authentication.Authentication");
    ds = dm_dataset_find(reg, "Authentication.Failed_Authentication", &err);
    assert_non_null(ds);
    assert_ptr_equal(dm_dataset_root(ds), dm_dataset_find(reg, "Authentication.Authentication", &err));
    char *c = dm_dataset_constraint(ds);
    assert_non_null(c);
    assert_string_equal(c, "(NOT (action=\"success\" user=\"*$\")) (action=\"failure\" OR result=\"failure\")");
    free(c);
    size_t n;
    assert_non_null(dm_dataset_sources(ds, &n));
    assert_true(n > 0);
    assert_true(dm_dataset_has_field(ds, "user"));
    const char **all;
    size_t nall = dm_dataset_all_fields(ds, &all);
    assert_true(nall > 10);
    assert_string_equal(all[0], "action");
    free(all);
    ds = dm_dataset_find(reg, "Authentication.Authentication.Failed_Authentication", &err);
    assert_non_null(ds);
    assert_null(dm_dataset_constraint(dm_dataset_find(reg, "Endpoint.Processes", &err)));
    ds = dm_dataset_find(reg, "Authentication.Privileged_Authentication.Failed_Privileged_Authentication", &err);
    assert_non_null(ds);
    c = dm_dataset_constraint(ds);
    assert_non_null(strstr(c, "(tag=\"privileged\") (action=\"failure\")"));
    free(c);

    /* tstats field names */
    char *path = dm_field_path(dm_dataset_find(reg, "Endpoint.Processes", &err), "process_name");
    assert_string_equal(path, "Processes.process_name");
    free(path);
    const dm_dataset *am = dm_dataset_find(reg, "Change.Account_Management", &err);
    const dm_dataset *allc = dm_dataset_find(reg, "Change.All_Changes", &err);
    path = dm_field_path(allc, "src_user");
    assert_string_equal(path, "All_Changes.Account_Management.src_user");
    free(path);
    path = dm_field_path(am, "user");
    assert_string_equal(path, "All_Changes.user");
    free(path);
    assert_null(dm_field_path(allc, "no_such_field"));
    assert_string_equal(dm_field_from_path(allc, "All_Changes.Account_Management.src_user"), "src_user");
    assert_string_equal(dm_field_from_path(am, "All_Changes.user"), "user");
    assert_null(dm_field_from_path(allc, "All_Changes.src_user"));
    assert_string_equal(dm_field_from_path(allc, "_time"), "_time");
    const dm_dataset *risk = dm_dataset_find(reg, "Risk.All_Risk", &err);
    assert_string_equal(dm_field_from_path(risk, "All_Risk.annotations.mitre_attack.mitre_technique_id"),
                        "annotations.mitre_attack.mitre_technique_id");
    ds = dm_dataset_find(reg, "Authentication.Failed_Authentication", &err);
    assert_string_equal(dm_field_from_path(ds, "Authentication.user"), "user");

    assert_null(dm_dataset_find(reg, "Endpoint", &err));
    assert_non_null(strstr(err, "root data sets"));
    free(err);
    assert_null(dm_dataset_find(reg, "Endpoint.Nope", &err));
    assert_non_null(strstr(err, "no data set 'Nope'"));
    free(err);
    assert_null(dm_dataset_find(reg, "Nope.Processes", &err));
    assert_non_null(strstr(err, "unknown data model 'Nope'"));
    free(err);
    assert_null(dm_dataset_find(reg, "Authentication.Failed_Authentication.Successful_Authentication", &err));
    free(err);
    dm_free(reg);
}

static const char *kv_get(void *ctx, const char *field)
{
    const char *const *kv = ctx;
    for (; kv[0]; kv += 2)
        if (strcmp(kv[0], field) == 0) return kv[1];
    return NULL;
}

static void test_match(void **state)
{
    (void)state;
    assert_true(dm_wildcard_match("*WinEventLog:Security", "XmlWinEventLog:Security"));
    assert_true(dm_wildcard_match("*WinEventLog:Security", "wineventlog:security"));
    assert_false(dm_wildcard_match("*WinEventLog:Security", "XmlWinEventLog:Security2"));
    assert_true(dm_wildcard_match("a*b*c", "aXXbYYc"));
    assert_true(dm_wildcard_match("*", ""));
    assert_false(dm_wildcard_match("a*b", "aXXc"));
    assert_true(dm_wildcard_match("ms:iis:*", "MS:IIS:auto"));

    /* two matches: disjoint, or one implying the other (alias chain pruning) */
    const char *v_sec[] = {"*WinEventLog:Security"}, *v_xsec[] = {"XmlWinEventLog:Security"},
               *v_any[] = {"*WinEventLog:*"}, *v_sys[] = {"*WinEventLog:System"}, *v_4624[] = {"4624", "4625"},
               *v_4688[] = {"4688"}, *v_win[] = {"*:Security"};
    dm_cond c_sec = {"source", v_sec, 1}, c_xsec = {"source", v_xsec, 1}, c_any = {"source", v_any, 1},
            c_sys = {"source", v_sys, 1}, c_win = {"source", v_win, 1};
    dm_cond c_sec4624[] = {{"source", v_sec, 1}, {"EventCode", v_4624, 2}}, c_4688 = {"EventCode", v_4688, 1};
    dm_match m_sec = {&c_sec, 1, ""}, m_xsec = {&c_xsec, 1, ""}, m_any = {&c_any, 1, ""}, m_sys = {&c_sys, 1, ""},
             m_sec4624 = {c_sec4624, 2, ""}, m_4688 = {&c_4688, 1, ""}, m_all = {NULL, 0, ""}, m_win = {&c_win, 1, ""};
    assert_true(dm_match_disjoint(&m_sec, &m_sys));
    assert_false(dm_match_disjoint(&m_sec, &m_xsec));
    assert_false(dm_match_disjoint(&m_sec, &m_win)); /* "*:Security" ends "*WinEventLog:Security" */
    assert_false(dm_match_disjoint(&m_any, &m_sys)); /* not told apart: may overlap */
    assert_true(dm_match_disjoint(&m_sec4624, &m_4688));
    assert_false(dm_match_disjoint(&m_sec4624, &m_all));
    assert_true(dm_match_implies(&m_xsec, &m_sec));
    assert_true(dm_match_implies(&m_sec, &m_win));
    assert_false(dm_match_implies(&m_win, &m_sec));
    assert_true(dm_match_implies(&m_sec4624, &m_sec));
    assert_false(dm_match_implies(&m_sec, &m_sec4624));
    assert_true(dm_match_implies(&m_sec, &m_all));
    assert_false(dm_match_implies(&m_all, &m_sec));

    dm_registry *reg = load_shipped();
    /* PowerShell 4104: user_id and Computer must be available for
     * `powershell EventCode=4104 | stats ... by Computer user_id`. */
    const dm_alias_set *sets[64];
    size_t n = dm_aliases_for(reg, "xmlwineventlog", "XmlWinEventLog:Microsoft-Windows-PowerShell/Operational",
                              "4104", sets, 64);
    assert_true(n > 0 && n <= 64);
    int has_user_id = 0, has_dest = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < sets[i]->nfields; j++) {
            has_user_id |= strcmp(sets[i]->fields[j].field, "user_id") == 0;
            has_dest |= strcmp(sets[i]->fields[j].field, "dest") == 0;
            /* nothing Sysmon- or Security-specific */
            assert_null(strstr(sets[i]->match.spl, "Sysmon"));
            assert_null(strstr(sets[i]->match.spl, ":Security"));
        }
    assert_true(has_user_id && has_dest);

    /* Unknown EventCode keeps the per-event sets (MAYBE) */
    size_t n_any = dm_aliases_for(reg, NULL, "XmlWinEventLog:Security", NULL, NULL, 0);
    size_t n_4688 = dm_aliases_for(reg, NULL, "XmlWinEventLog:Security", "4688", NULL, 0);
    assert_true(n_any > n_4688);

    /* definitions of process_name, ordered; with before= limiting */
    const dm_assign *defs[32];
    const dm_alias_set *dsets[32];
    size_t nd = dm_alias_defs(reg, "process_name", UINT_MAX, defs, dsets, 32);
    assert_true(nd >= 3 && nd <= 32);
    for (size_t i = 1; i < nd; i++) assert_true(defs[i - 1]->seq < defs[i]->seq);
    assert_int_equal(dm_alias_defs(reg, "process_name", defs[0]->seq, NULL, NULL, 0), 0);
    assert_int_equal(dm_alias_defs(reg, "process_name", defs[0]->seq + 1, NULL, NULL, 0), 1);

    /* plans: Sysmon 1 known -> one unconditional definition */
    dm_alias_def *plan = NULL;
    size_t np = dm_alias_plan(reg, "signature", UINT_MAX, "xmlwineventlog",
                              "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational", "1", &plan);
    assert_int_equal(np, 1);
    assert_int_equal(plan[0].known, DM_YES);
    assert_string_equal(plan[0].set->name, "sysmon_common");
    free(plan);
    np = dm_alias_plan(reg, "signature", UINT_MAX, NULL, NULL, NULL, &plan);
    assert_true(np >= 3);
    for (size_t i = 0; i < np; i++) assert_int_equal(plan[i].known, DM_MAYBE);
    for (size_t i = 1; i < np; i++) assert_true(plan[i - 1].assign->seq > plan[i].assign->seq);
    free(plan);
    /* Computer: coalesce(Computer, ComputerName) reads the extracted Computer */
    np = dm_alias_plan(reg, "Computer", UINT_MAX, NULL, "XmlWinEventLog:Security", "4688", &plan);
    assert_int_equal(np, 1);
    dm_alias_def *inner = NULL;
    assert_int_equal(dm_alias_plan(reg, "Computer", plan[0].assign->seq, NULL, "XmlWinEventLog:Security", "4688",
                                   &inner), 0);
    assert_null(inner);
    free(plan);
    assert_int_equal(dm_alias_plan(reg, "NoSuchField", UINT_MAX, NULL, NULL, NULL, &plan), 0);
    assert_null(plan);

    /* dm_match_test on a concrete event */
    const char *ev[] = {"source", "XmlWinEventLog:Application", "EventCode", "2282", NULL};
    int found = 0;
    for (size_t i = 0; i < reg->naliases; i++)
        if (dm_match_test(&reg->aliases[i].match, kv_get, (void *)ev))
            for (size_t j = 0; j < reg->aliases[i].nfields; j++)
                found |= strcmp(reg->aliases[i].fields[j].field, "ModuleDll") == 0;
    assert_true(found);
    dm_free(reg);
}

static void collect_name(void *ctx, const char *name)
{
    sbuf *b = ctx;
    sbuf_add(b, name);
    sbuf_addc(b, ',');
}

static void test_expr(void **state)
{
    (void)state;
    char *msg = NULL;
    assert_int_equal(dm_expr_check("mvindex(split(Image, \"\\\\\"), -1)", &msg), 0);
    assert_int_equal(dm_expr_check("'a.b' . \"x\" . c", &msg), 0);
    assert_int_equal(dm_expr_check("true(x)", &msg), -1);
    assert_non_null(strstr(msg, "unsupported function true()"));
    free(msg);
    assert_int_equal(dm_expr_check("if(a, b", &msg), -1);
    free(msg);
    assert_int_equal(dm_expr_check("a)", &msg), -1);
    free(msg);
    assert_int_equal(dm_expr_check("\"abc", &msg), -1);
    free(msg);
    assert_int_equal(dm_expr_check("  ", &msg), -1);
    free(msg);
    sbuf b = {0};
    dm_expr_fields("coalesce(if(TargetUserName == \"-\", null(), TargetUserName), 'annotations.x', x AND NOT y)",
                   collect_name, &b);
    assert_string_equal(b.s, "TargetUserName,TargetUserName,annotations.x,x,y,");
    sbuf_reset(&b);
    dm_expr_fields("case(match(TargetObject, \"(?i)^(HKLM|HKEY_LOCAL_MACHINE)(\\\\\\\\|$)\"), \"HKEY_LOCAL_MACHINE\")",
                   collect_name, &b);
    assert_string_equal(b.s, "TargetObject,");
    sbuf_free(&b);
}

/* Loading text that is wrong in one way; the message must name the line. */
static void expect_error(const char *yaml, const char *want)
{
    dm_registry *reg = dm_new();
    char *err = NULL;
    int rc = dm_add_text(reg, "bad.yml", yaml, strlen(yaml), &err);
    if (rc == 0) rc = dm_resolve(reg, &err);
    if (rc == 0) fail_msg("no error for: %s", yaml);
    if (!strstr(err, want)) fail_msg("error '%s' lacks '%s'", err, want);
    free(err);
    dm_free(reg);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("datamodel: X\ndatasets:\n  - name: A\n    feilds: [a]\n", "bad.yml:4: unknown key 'feilds'");
    expect_error("datamodel: X\ndatasets:\n  - name: A\n    fields: [a]\n    sources:\n"
                 "      - match: {source: s}\n        fields: {a: 'true()'}\n",
                 "bad.yml:7: expression for a: unsupported function true()");
    expect_error("datamodel: X\ndatasets:\n  - name: A\n    fields: [a]\n    sources:\n"
                 "      - match: {source: s}\n        fields: {b: c}\n",
                 "bad.yml:7: b is not a field of X.A");
    expect_error("datamodel: X\ndatasets:\n  - name: A\n    parent: B\n", "bad.yml:3: data set A: parent B");
    expect_error("datamodel: X\ndatasets:\n  - name: A\n    fields: [a]\n    sources:\n      - fields: {a: b}\n",
                 "bad.yml:6: a source needs exactly one of match: or table:");
    expect_error("aliases:\n  - match: {}\n    fields:\n      a: 'if(b'\n", "bad.yml:4: expression for a: 1 unclosed '('");
    expect_error("aliases:\n  - fields: {a: b}\n", "bad.yml:2: an alias entry needs match:");
    expect_error("aliases:\n  - match: {}\n    fields: {a: b, a: c}\n", "field a is given twice");
    expect_error("aliases: [\n", "bad.yml:2:1: YAML error");
    expect_error("foo: 1\n", "either datamodel:");
    expect_error("", "empty file");
    expect_error("datamodel: X\ndatasets:\n  - name: A\n    fields: [a]\n    calculated: {b: a}\n",
                 "bad.yml:5: calculated field b is not a field of X.A");
    expect_error("aliases:\n  - match: {}\n    fields: {a: b}\n    fields: {c: d}\n", "bad.yml:4: key 'fields' is given twice");
    expect_error("datamodel: X\ndatasets:\n  - name: A\n  - name: a\n", "bad.yml:4: data set a is defined twice");
    expect_error("datamodel: X\ndatasets:\n  - name: A\n    parent: B\n  - name: B\n    parent: A\n", "cycle");
    expect_error("datamodel: X\ndatasets:\n  - name: A\n    fields: [a]\n  - name: B\n    parent: A\n    sources:\n"
                 "      - match: {}\n        fields: {a: b}\n", "a child data set takes its parent's sources");
}

static void test_spl_text(void **state)
{
    (void)state;
    dm_registry *reg = dm_new();
    char *err = NULL;
    const char *ok = "datamodel: X\ndatasets:\n  - name: X\n    fields: [a]\n    sources:\n"
                     "      - match: {source: [s1, 's2\"'], EventCode: [1, 2]}\n        fields: {a: b}\n";
    assert_int_equal(dm_add_text(reg, "ok.yml", ok, strlen(ok), &err), 0);
    assert_int_equal(dm_resolve(reg, &err), 0);
    const dm_dataset *ds = dm_dataset_find(reg, "X", &err);
    assert_non_null(ds);
    assert_string_equal(ds->sources[0].match.spl,
                        "(source=\"s1\" OR source=\"s2\\\"\") (EventCode=\"1\" OR EventCode=\"2\")");
    assert_int_equal(ds->sources[0].match.nconds, 2);
    assert_string_equal(ds->sources[0].match.conds[1].values[1], "2");
    dm_free(reg);
}

/* Does the event (names ",a,b,") have a field the expression reads? */
typedef struct reads_ctx {
    const sbuf *names;
    int reads, found;
} reads_ctx;

static void reads_one(void *ctx, const char *name)
{
    reads_ctx *r = ctx;
    r->reads++;
    char *pat = xasprintf(",%s,", name);
    if (r->names->s && strstr(r->names->s, pat)) r->found = 1;
    free(pat);
}

static int names_sink(void *ctx, const event *ev)
{
    sbuf *b = ctx;
    if (!b->len) sbuf_addc(b, ',');
    for (size_t i = 0; i < ev->nfields; i++) {
        sbuf_add(b, ev->fields[i].name);
        sbuf_addc(b, ',');
    }
    sbuf_add(b, "source,sourcetype,host,_time,_raw,");
    return 0;
}

/* A classic (non-XML) 4688 event as the forwarder writes it, values made
 * up: the Endpoint.Processes source must find its fields under the names the
 * classic reader gives (New_Process_Name, Account_Name, ...). */
static void test_classic_4688_names(void **state)
{
    (void)state;
    static const char ev_text[] =
        "11/26/2026 04:20:51 AM\n"
        "LogName=Security\n"
        "EventCode=4688\n"
        "EventType=0\n"
        "ComputerName=ws-17.example.test\n"
        "SourceName=Microsoft Windows security auditing.\n"
        "Type=Information\n"
        "RecordNumber=4242\n"
        "Keywords=Audit Success\n"
        "TaskCategory=Process Creation\n"
        "OpCode=Info\n"
        "Message=A new process has been created.\n"
        "\n"
        "Creator Subject:\n"
        "\tSecurity ID:\t\tS-1-5-21-1-2-3-1001\n"
        "\tAccount Name:\t\tpat\n"
        "\tAccount Domain:\t\tEXAMPLE\n"
        "\tLogon ID:\t\t0x1F2E3\n"
        "\n"
        "Target Subject:\n"
        "\tSecurity ID:\t\tS-1-0-0\n"
        "\tAccount Name:\t\t-\n"
        "\tAccount Domain:\t\t-\n"
        "\tLogon ID:\t\t0x0\n"
        "\n"
        "Process Information:\n"
        "\tNew Process ID:\t\t0x1a2c\n"
        "\tNew Process Name:\tC:\\Windows\\System32\\whoami.exe\n"
        "\tToken Elevation Type:\t%%1936\n"
        "\tMandatory Label:\t\tS-1-16-8192\n"
        "\tCreator Process ID:\t0x77c\n"
        "\tCreator Process Name:\tC:\\Windows\\System32\\cmd.exe\n"
        "\tProcess Command Line:\twhoami /all\n";
    sbuf names = {0};
    long rej = ingest_memory(&reader_wineventlog, "classic-4688", ev_text, strlen(ev_text), names_sink, &names, 0);
    assert_int_equal(rej, 0);
    assert_non_null(names.s);
    assert_non_null(strstr(names.s, ",New_Process_Name,"));

    dm_registry *reg = load_shipped();
    char *err = NULL;
    const dm_dataset *ds = dm_dataset_find(reg, "Endpoint.Processes", &err);
    assert_non_null(ds);
    size_t n;
    const dm_source *src = dm_dataset_sources(ds, &n), *hit = NULL;
    for (size_t i = 0; i < n; i++)
        if (dm_match_known(&src[i].match, "WinEventLog", "WinEventLog:Security", "4688") == DM_YES) hit = &src[i];
    assert_non_null(hit);
    const char *keys[] = {"dest", "user", "user_id", "parent_process_name", "parent_process_path", "process_name",
                          "process_path", "process", "process_id", "parent_process_id", "process_integrity_level",
                          NULL};
    for (size_t k = 0; keys[k]; k++) {
        const char *e = dm_source_expr(hit, keys[k]);
        assert_non_null(e);
        reads_ctx r = {&names, 0, 0};
        dm_expr_fields(e, reads_one, &r);
        if (r.reads && !r.found) fail_msg("classic 4688: %s = %s reads no field the event has", keys[k], e);
    }
    dm_free(reg);
    sbuf_free(&names);
}

/* ------------------------------------------------------------------ */
/* Coverage of Splunk's data_sources field lists (needs ../shared).    */

/* A data_sources file: what we need of it. */
typedef struct dsrc {
    char *name, *source, *sourcetype, *example;
    char **fields;
    size_t nfields;
} dsrc;

static char *ymap_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key), *v = yaml_document_get_node(doc, p->value);
        if (k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, key) == 0 && v->type == YAML_SCALAR_NODE)
            return xstrdup((char *)v->data.scalar.value);
    }
    return NULL;
}

static int dsrc_load(const char *path, dsrc *d)
{
    memset(d, 0, sizeof *d);
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    yaml_parser_t p;
    yaml_document_t doc;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    int ok = yaml_parser_load(&p, &doc);
    fclose(f);
    if (!ok) {
        yaml_parser_delete(&p);
        return -1;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    d->name = ymap_get(&doc, root, "name");
    d->source = ymap_get(&doc, root, "source");
    d->sourcetype = ymap_get(&doc, root, "sourcetype");
    d->example = ymap_get(&doc, root, "example_log");
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(&doc, pr->key), *v = yaml_document_get_node(&doc, pr->value);
        if (strcmp((char *)k->data.scalar.value, "fields") != 0 || v->type != YAML_SEQUENCE_NODE) continue;
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
            yaml_node_t *n = yaml_document_get_node(&doc, *it);
            d->fields = xrealloc(d->fields, (d->nfields + 1) * sizeof *d->fields);
            d->fields[d->nfields++] = xstrdup((char *)n->data.scalar.value);
        }
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&p);
    return 0;
}

static void dsrc_free(dsrc *d)
{
    free(d->name);
    free(d->source);
    free(d->sourcetype);
    free(d->example);
    for (size_t i = 0; i < d->nfields; i++) free(d->fields[i]);
    free(d->fields);
}

/* Names Splunk indexes or computes for every event with no Windows meaning
 * (left out of the measure): positions of the timestamp, date_* and punct
 * (00_global.yml gives them anyway), index and server. */
static int splunk_internal(const char *f)
{
    static const char *const names[] = {"timestartpos", "timeendpos", "punct", "linecount", "splunk_server",
                                        "index", NULL};
    for (size_t i = 0; names[i]; i++)
        if (strcmp(names[i], f) == 0) return 1;
    return strncmp(f, "date_", 5) == 0;
}

/* spl_run callback: the row as JSON (nulls left out). */
static int cov_row(void *ctx, const spl_query *q, sqlite3_stmt *stmt)
{
    json_t **row = ctx;
    if (*row) json_decref(*row);
    *row = spl_row_json(q, stmt);
    return 0;
}

/* The example event of d through the XmlWinEventLog reader into a new store
 * (source and sourcetype as the file gives them), then `* | table NAMES` run
 * through splite's search path with the shipped aliases: the row, or NULL
 * when the reader made no event of it (the example does not parse). */
static int cov_count(void *ctx, const event *ev)
{
    (void)ev;
    ++*(long *)ctx;
    return 0;
}

static json_t *cov_table(const dsrc *d, const dm_registry *reg, const char *tmp)
{
    long n = 0;
    (void)ingest_memory(&reader_xmlwineventlog, d->name, d->example, strlen(d->example), cov_count, &n, 1);
    if (n != 1) return NULL;
    FILE *f = fopen(tmp, "wb");
    assert_non_null(f);
    fputs(d->example, f);
    fputc('\n', f);
    fclose(f);
    char *err = NULL;
    store *st = store_open(":memory:", &err);
    if (!st) fail_msg("store_open: %s", err);
    ingest_opts o = {0};
    o.format = "xmlwineventlog";
    o.quiet = 1;
    o.source = d->source;
    o.sourcetype = "XmlWinEventLog";
    ingest_stats stt = {0};
    if (ingest_file(st, tmp, &o, &stt) || stt.events != 1) {
        store_close(st);
        return NULL;
    }
    store_reload_catalog(st);
    sbuf q = {0};
    sbuf_add(&q, "* | table");
    for (size_t i = 0; i < d->nfields; i++) sbuf_printf(&q, " \"%s\"", d->fields[i]);
    spl_opts so = {0};
    so.now = 1717243200;
    so.datamodels = reg;
    spl_query *cq = NULL;
    spl_error e = {0};
    if (spl_compile(st, NULL, q.s, &so, &cq, &e)) fail_msg("%s: %s", d->name, spl_error_format(&e));
    json_t *row = NULL;
    char *rerr = NULL;
    if (spl_run(st, cq, cov_row, &row, &rerr)) fail_msg("%s: %s", d->name, rerr);
    spl_query_free(cq);
    spl_error_free(&e);
    sbuf_free(&q);
    store_close(st);
    if (!row) fail_msg("%s: the example was stored but the search found no event", d->name);
    return row;
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ci_prefix(const char *s, const char *p)
{
    return s && strncasecmp(s, p, strlen(p)) == 0;
}

/* Over every XmlWinEventLog data source (sourcetype xmlwineventlog, source
 * XmlWinEventLog:CHANNEL) of security_content whose example
 * event the reader parses: each field name the file lists (the fields
 * Splunk's add-ons give that event) must be one splite gives the example a
 * value for (an empty string counts as a value, null does not), through the
 * reader and the alias files, as a search sees it. Prints per source the
 * names missing and the total; fails below 100%. */
static void test_data_sources_coverage(void **state)
{
    (void)state;
    char *dir = src_dir();
    char *base = xasprintf("%s/../shared/corpus/security_content/data_sources", dir);
    free(dir);
    struct stat st;
    if (stat(base, &st) != 0) {
        printf("SKIP: %s is absent, add-on field coverage not measured\n", base);
        free(base);
        skip();
    }
    DIR *dd = opendir(base);
    assert_non_null(dd);
    char **files = NULL;
    size_t nfiles = 0;
    for (struct dirent *de; (de = readdir(dd));) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".yml") != 0) continue;
        files = xrealloc(files, (nfiles + 1) * sizeof *files);
        files[nfiles++] = xstrdup(de->d_name);
    }
    closedir(dd);
    qsort(files, nfiles, sizeof *files, cmp_strp);
    dm_registry *reg = load_shipped();
    char tmp[] = "/tmp/splite-dscov-XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    close(fd);
    size_t sources = 0, unparsed = 0, wanted_n = 0, have_n = 0;
    for (size_t i = 0; i < nfiles; i++) {
        char *path = xasprintf("%s/%s", base, files[i]);
        dsrc d;
        if (dsrc_load(path, &d)) fail_msg("cannot read %s", path);
        free(path);
        int xml = d.sourcetype && strcasecmp(d.sourcetype, "xmlwineventlog") == 0 &&
                  ci_prefix(d.source, "XmlWinEventLog:");
        if (!xml || !d.name || !d.source || !d.example || d.example[0] != '<') {
            dsrc_free(&d);
            continue;
        }
        json_t *row = cov_table(&d, reg, tmp);
        if (!row) {
            printf("%-52s example does not parse: not measured\n", files[i]);
            unparsed++;
            dsrc_free(&d);
            continue;
        }
        sources++;
        sbuf missing = {0};
        size_t want = 0, have = 0;
        for (size_t f = 0; f < d.nfields; f++) {
            const char *fn = d.fields[f];
            if (splunk_internal(fn)) continue;
            want++;
            if (json_object_get(row, fn)) have++;
            else sbuf_printf(&missing, " %s", fn);
        }
        printf("%-52s %3zu/%-3zu missing:%s\n", files[i], have, want, missing.s ? missing.s : " none");
        wanted_n += want;
        have_n += have;
        sbuf_free(&missing);
        json_decref(row);
        dsrc_free(&d);
    }
    unlink(tmp);
    printf("add-on field names given: %zu of %zu (%.1f%%) over %zu XmlWinEventLog sources"
           " (%zu examples do not parse)\n",
           have_n, wanted_n, wanted_n ? 100.0 * (double)have_n / (double)wanted_n : 0.0, sources, unparsed);
    for (size_t i = 0; i < nfiles; i++) free(files[i]);
    free(files);
    dm_free(reg);
    if (sources == 0) fail_msg("no XmlWinEventLog data source with an example that parses under %s", base);
    if (have_n != wanted_n) fail_msg("add-on field names given: %zu of %zu, below 100%%", have_n, wanted_n);
    free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_datasets),
        cmocka_unit_test(test_shipped_expressions),
        cmocka_unit_test(test_processes_sources),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_expr),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_spl_text),
        cmocka_unit_test(test_classic_4688_names),
        cmocka_unit_test(test_data_sources_coverage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
