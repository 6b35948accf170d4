/* test_store.c: the event store: schema, case-sensitive field catalog,
 * multivalue storage, metadata columns, hostile field names and values. */
#include "testutil.h"
#include "store.h"

static store *open_tmp(char **path)
{
    *path = tu_tmp_path(".db");
    char *err = NULL;
    store *st = store_open(*path, &err);
    assert_non_null(st);
    return st;
}

static void add_event(store *st, event *ev)
{
    ev->index = "main";
    ev->host = "h1";
    ev->source = "src";
    ev->sourcetype = "st";
    ev->has_time = 1;
    ev->time = 1717406047.25;
    ev->raw = "raw text";
    ev->raw_len = 8;
    assert_int_equal(store_begin(st), 0);
    assert_true(store_insert(st, ev, 0) > 0);
    assert_int_equal(store_commit(st), 0);
}

static char *query1(store *st, const char *sql)
{
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL), SQLITE_OK);
    char *out = NULL;
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
        out = xstrdup((const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    return out;
}

static char *field_value(store *st, const char *name)
{
    sbuf b = {0};
    sbuf_add(&b, "SELECT ");
    store_field_sql(st, "e", name, &b);
    sbuf_add(&b, " FROM events e ORDER BY rowid DESC LIMIT 1");
    char *v = query1(st, b.s);
    sbuf_free(&b);
    return v;
}

static void test_case_sensitive_fields(void **state)
{
    (void)state;
    char *path;
    store *st = open_tmp(&path);
    event ev;
    event_init(&ev);
    event_add_str(&ev, "Image", "upper");
    event_add_str(&ev, "image", "lower");
    event_add_str(&ev, "IMAGE", "shout");
    add_event(st, &ev);
    char *a = field_value(st, "Image"), *b = field_value(st, "image"), *c = field_value(st, "IMAGE");
    assert_string_equal(a, "upper");
    assert_string_equal(b, "lower");
    assert_string_equal(c, "shout");
    free(a), free(b), free(c);
    /* unknown field reads as NULL */
    sbuf s = {0};
    assert_int_equal(store_field_sql(st, "e", "nope", &s), 0);
    assert_string_equal(s.s, "NULL");
    sbuf_free(&s);
    /* the catalog survives reopening */
    store_close(st);
    char *err = NULL;
    st = store_open(path, &err);
    assert_non_null(st);
    a = field_value(st, "image");
    assert_string_equal(a, "lower");
    free(a);
    event_free(&ev);
    store_close(st);
    tu_remove_db(path);
    free(path);
}

static void test_multivalue_and_metadata(void **state)
{
    (void)state;
    char *path;
    store *st = open_tmp(&path);
    event ev;
    event_init(&ev);
    event_add_str(&ev, "Data", "one");
    event_add_str(&ev, "x", "single");
    event_add_str(&ev, "Data", "two \"quoted\"");
    add_event(st, &ev);
    assert_true(store_field_is_mv(st, "Data"));
    assert_false(store_field_is_mv(st, "x"));
    char *t = query1(st, "SELECT typeof(Data) FROM events");
    assert_string_equal(t, "blob");
    free(t);
    t = query1(st, "SELECT group_concat(value, '|') FROM events, json_each(CAST(Data AS TEXT))");
    assert_string_equal(t, "one|two \"quoted\"");
    free(t);
    t = field_value(st, "_raw");
    assert_string_equal(t, "raw text");
    free(t);
    t = field_value(st, "host");
    assert_string_equal(t, "h1");
    free(t);
    event_free(&ev);
    store_close(st);
    tu_remove_db(path);
    free(path);
}

static void test_hostile_names_and_values(void **state)
{
    (void)state;
    char *path;
    store *st = open_tmp(&path);
    event ev;
    event_init(&ev);
    event_add_str(&ev, "a\"b", "x'); DROP TABLE events; --");
    event_add_str(&ev, "index", "shadowed");      /* a field named like metadata */
    event_add_str(&ev, "'); DROP TABLE raw; --", "v");
    event_add(&ev, "nul", 3, "a\0b", 3);
    add_event(st, &ev);
    char *v = field_value(st, "a\"b");
    assert_string_equal(v, "x'); DROP TABLE events; --");
    free(v);
    v = field_value(st, "index");
    assert_string_equal(v, "main"); /* metadata wins */
    free(v);
    v = field_value(st, "'); DROP TABLE raw; --");
    assert_string_equal(v, "v");
    free(v);
    v = query1(st, "SELECT count(*) FROM raw");
    assert_string_equal(v, "1");
    free(v);
    v = query1(st, "SELECT length(CAST(nul AS BLOB)) FROM events");
    assert_string_equal(v, "3");
    free(v);
    event_free(&ev);
    store_close(st);
    tu_remove_db(path);
    free(path);
}

static void test_metadata_indexes_used(void **state)
{
    (void)state;
    char *path;
    store *st = open_tmp(&path);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(store_db(st),
                                        "EXPLAIN QUERY PLAN SELECT * FROM events WHERE sourcetype = ?1 COLLATE NOCASE",
                                        -1, &q, NULL),
                     SQLITE_OK);
    sbuf b = {0};
    while (sqlite3_step(q) == SQLITE_ROW) sbuf_add(&b, (const char *)sqlite3_column_text(q, 3));
    sqlite3_finalize(q);
    assert_non_null(strstr(b.s, "events_sourcetype"));
    sbuf_free(&b);
    store_close(st);
    tu_remove_db(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_sensitive_fields),
        cmocka_unit_test(test_multivalue_and_metadata),
        cmocka_unit_test(test_hostile_names_and_values),
        cmocka_unit_test(test_metadata_indexes_used),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
