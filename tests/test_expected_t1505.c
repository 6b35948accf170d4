/* test_expected_t1505.c: the nine T1505.004 detections against the rows
 * worked out by hand in tests/expected/T1505.004.yml. For every case: the
 * dataset is loaded alone into a fresh store (with the case's source,
 * sourcetype and host), the detection's search runs over all time with the
 * shipped macros and data models, and the number of rows and every asserted
 * field of every expected row must match a result row. This covers tstats
 * over Endpoint.Processes (Sysmon 1 and Security 4688) and the aliases the
 * other detections need. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include "datamodel.h"
#include "ingest.h"
#include "spl.h"
#include "spl_output.h"
#include "store.h"
#include "util.h"
#include "yamlutil.h"

static spl_macros g_macros;
static dm_registry *g_dm;

static int collect(void *ctx, const spl_query *q, sqlite3_stmt *stmt)
{
    json_array_append_new((json_t *)ctx, spl_row_json(q, stmt));
    return 0;
}

/* text of a JSON value as the expected file writes it */
static char *value_text(json_t *v)
{
    if (json_is_string(v)) return xstrdup(json_string_value(v));
    if (json_is_integer(v)) return xasprintf("%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) return xasprintf("%.15g", json_real_value(v));
    return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

static int row_matches(json_t *row, yaml_document_t *doc, yaml_node_t *fields)
{
    for (yaml_node_pair_t *p = fields->data.mapping.pairs.start; p < fields->data.mapping.pairs.top; p++) {
        const char *k = yamlu_str(yaml_document_get_node(doc, p->key));
        const char *want = yamlu_str(yaml_document_get_node(doc, p->value));
        json_t *v = json_object_get(row, k);
        if (!v || !want) return 0;
        char *got = value_text(v);
        int eq = !strcmp(got, want);
        free(got);
        if (!eq) return 0;
    }
    return 1;
}

static char *detection_search(const char *path)
{
    yaml_document_t d;
    char *err = NULL;
    if (yamlu_load(path, &d, &err)) fail_msg("%s", err);
    const char *s = yamlu_get_str(&d, yaml_document_get_root_node(&d), "search");
    assert_non_null(s);
    char *r = xstrdup(s);
    yaml_document_delete(&d);
    return r;
}

static void run_case(yaml_document_t *doc, yaml_node_t *c, const char *dsdir, const char *search, const char *name)
{
    const char *file = yamlu_get_str(doc, c, "dataset");
    const char *rows = yamlu_get_str(doc, c, "rows");
    assert_non_null(file);
    assert_non_null(rows);
    char db[] = "/tmp/splite-t1505-XXXXXX";
    int fd = mkstemp(db);
    assert_true(fd >= 0);
    close(fd);
    char *err = NULL;
    store *st = store_open(db, &err);
    assert_non_null(st);
    ingest_opts o = {0};
    o.source = yamlu_get_str(doc, c, "source");
    o.sourcetype = yamlu_get_str(doc, c, "sourcetype");
    o.host = yamlu_get_str(doc, c, "host");
    o.fallback_host = "splite-test";
    o.quiet = 1;
    char *path = xasprintf("%s/%s", dsdir, file);
    ingest_stats stt = {0};
    assert_int_equal(ingest_file(st, path, &o, &stt), 0);
    spl_opts so = {0};
    so.now = 1717400000;
    so.datamodels = g_dm;
    spl_query *q = NULL;
    spl_error e = {0};
    if (spl_compile(st, &g_macros, search, &so, &q, &e)) fail_msg("%s / %s: %s", name, file, e.msg);
    free(e.text);
    json_t *got = json_array();
    char *rerr = NULL;
    if (spl_run(st, q, collect, got, &rerr)) fail_msg("%s / %s: %s", name, file, rerr);
    if ((long)json_array_size(got) != atol(rows))
        fail_msg("%s / %s: %zu rows, expected %s", name, file, json_array_size(got), rows);
    yaml_node_t *results = yamlu_get(doc, c, "results");
    for (yaml_node_item_t *it = results ? results->data.sequence.items.start : NULL;
         results && it < results->data.sequence.items.top; it++) {
        yaml_node_t *r = yaml_document_get_node(doc, *it);
        yaml_node_t *fields = yamlu_get(doc, r, "fields");
        assert_non_null(fields);
        int found = 0;
        for (size_t i = 0; i < json_array_size(got) && !found; i++)
            found = row_matches(json_array_get(got, i), doc, fields);
        if (!found) {
            char *dump = json_dumps(got, JSON_INDENT(1));
            fail_msg("%s / %s: expected row (line %ld) not found in:\n%s", name, file, yamlu_line(fields), dump);
        }
    }
    printf("ok: %s / %s (%s rows)\n", name, file, rows);
    json_decref(got);
    spl_query_free(q);
    store_close(st);
    free(path);
    unlink(db);
    char *w = xasprintf("%s-wal", db), *s = xasprintf("%s-shm", db);
    unlink(w);
    unlink(s);
    free(w);
    free(s);
}

static void test_expected_rows(void **state)
{
    (void)state;
    yaml_document_t doc;
    char *err = NULL;
    if (yamlu_load("tests/expected/T1505.004.yml", &doc, &err)) fail_msg("%s", err);
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    const char *dsdir = yamlu_get_str(&doc, root, "dataset_dir");
    assert_non_null(dsdir);
    yaml_node_t *dets = yamlu_get(&doc, root, "detections");
    assert_non_null(dets);
    int ncases = 0;
    for (yaml_node_item_t *it = dets->data.sequence.items.start; it < dets->data.sequence.items.top; it++) {
        yaml_node_t *d = yaml_document_get_node(&doc, *it);
        char *search = detection_search(yamlu_get_str(&doc, d, "detection"));
        yaml_node_t *cases = yamlu_get(&doc, d, "cases");
        for (yaml_node_item_t *ci = cases->data.sequence.items.start; ci < cases->data.sequence.items.top; ci++) {
            run_case(&doc, yaml_document_get_node(&doc, *ci), dsdir, search, yamlu_get_str(&doc, d, "name"));
            ncases++;
        }
        free(search);
    }
    assert_int_equal(ncases, 12);
    yaml_document_delete(&doc);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    spl_macros_init(&g_macros);
    char *err = NULL;
    if (spl_macros_load_dir(&g_macros, "macros", 1, &err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    g_dm = dm_load_dir("datamodels", &err);
    if (!g_dm) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_expected_rows)};
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    spl_macros_free(&g_macros);
    dm_free(g_dm);
    return rc;
}
