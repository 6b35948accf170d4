/* test_ingest.c: the ingest driver end to end on files: re-ingest skipped,
 * resume after a crash without duplicates (also while loading what was
 * appended to a file), --update-timestamp, metadata defaults, bad input
 * (missing/empty/unknown file, huge line), the UTF-8 checks. */
#include "testutil.h"
#include "ingest.h"
#include "reader_util.h"
#include "store.h"

#include <sys/wait.h>

static char *make_xml(int n, int with_bad)
{
    sbuf b = {0};
    for (int i = 0; i < n; i++) {
        if (with_bad && i == n / 2) sbuf_add(&b, "<Event><broken>\n");
        sbuf_printf(&b,
                    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>%d</EventID>"
                    "<TimeCreated SystemTime='2024-06-03T09:%02d:%02d.500Z'/><Computer>host-%d</Computer></System>"
                    "<EventData><Data Name='Seq'>%d</Data></EventData></Event>\n",
                    i % 7, (i / 60) % 60, i % 60, i % 3, i);
    }
    return sbuf_detach(&b);
}

static long count(store *st, const char *sql)
{
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL), SQLITE_OK);
    long v = -1;
    if (sqlite3_step(q) == SQLITE_ROW) v = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

static store *open_db(const char *path)
{
    char *err = NULL;
    store *st = store_open(path, &err);
    assert_non_null(st);
    return st;
}

static void test_reingest_skipped_and_force(void **state)
{
    (void)state;
    char *xml = make_xml(50, 1);
    char *file = tu_write_file(".log", xml, strlen(xml));
    char *db = tu_tmp_path(".db");
    store *st = open_db(db);
    ingest_opts o = {.quiet = 1};
    ingest_stats s = {0};
    assert_int_equal(ingest_file(st, file, &o, &s), 0);
    assert_int_equal(s.events, 50);
    assert_int_equal(s.rejected, 1);
    assert_int_equal(count(st, "SELECT count(*) FROM events"), 50);
    assert_int_equal(count(st, "SELECT count(*) FROM raw"), 50);
    assert_int_equal(count(st, "SELECT count(*) FROM events WHERE host = 'host-1'"), 17);
    assert_int_equal(count(st, "SELECT count(*) FROM events WHERE sourcetype = 'XmlWinEventLog' AND \"index\" = 'main'"),
                     50);
    assert_int_equal(count(st, "SELECT rejected FROM files"), 1);
    /* same content again: skipped */
    memset(&s, 0, sizeof s);
    assert_int_equal(ingest_file(st, file, &o, &s), 0);
    assert_int_equal(s.skipped_files, 1);
    assert_int_equal(count(st, "SELECT count(*) FROM events"), 50);
    /* --force loads it again */
    o.force = 1;
    assert_int_equal(ingest_file(st, file, &o, &s), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM events"), 100);
    store_close(st);
    tu_remove_db(db);
    unlink(file);
    free(db), free(file), free(xml);
}

static void test_resume_after_crash(void **state)
{
    (void)state;
    char *xml = make_xml(2500, 0);
    char *file = tu_write_file(".log", xml, strlen(xml));
    char *db = tu_tmp_path(".db");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setenv("SPLITE_TEST_CRASH_AFTER", "1234", 1);
        store *st = open_db(db);
        ingest_opts o = {.quiet = 1, .batch = 500};
        ingest_file(st, file, &o, NULL);
        _exit(0); /* not reached: the crash hook exits with 99 */
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 99);
    store *st = open_db(db);
    /* Only whole batches survived the crash. */
    assert_int_equal(count(st, "SELECT count(*) FROM events"), 1000);
    assert_int_equal(count(st, "SELECT status = 'loading' FROM files"), 1);
    ingest_opts o = {.quiet = 1, .batch = 500};
    ingest_stats s = {0};
    assert_int_equal(ingest_file(st, file, &o, &s), 0);
    assert_int_equal(s.events, 1500);
    assert_int_equal(count(st, "SELECT count(*) FROM events"), 2500);
    assert_int_equal(count(st, "SELECT count(DISTINCT Seq) FROM events"), 2500);
    assert_int_equal(count(st, "SELECT events FROM files"), 2500);
    assert_int_equal(count(st, "SELECT status = 'done' FROM files"), 1);
    store_close(st);
    tu_remove_db(db);
    unlink(file);
    free(db), free(file), free(xml);
}

/* A crashed load resumes only for the same content: a file (at another
 * path) whose loaded part differs is loaded from the start; one whose loaded
 * part is the same continues the load. */
static void test_resume_checks_loaded_part(void **state)
{
    (void)state;
    char *xml = make_xml(2500, 0);
    char *file = tu_write_file(".log", xml, strlen(xml));
    char *other = xstrdup(xml);
    char *last = NULL;
    for (char *h = strstr(other, "host-"); h; h = strstr(h + 1, "host-")) last = h;
    last[5] = '7'; /* the last event's host: after the crash point */
    char *file_tail = tu_write_file(".log", other, strlen(other));
    strstr(other, "host-")[5] = '7'; /* the first event's: inside the loaded part */
    char *file_head = tu_write_file(".log", other, strlen(other));
    char *db = tu_tmp_path(".db");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setenv("SPLITE_TEST_CRASH_AFTER", "1234", 1);
        store *st = open_db(db);
        ingest_opts o = {.quiet = 1, .batch = 500};
        ingest_file(st, file, &o, NULL);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_int_equal(WEXITSTATUS(status), 99);
    store *st = open_db(db);
    assert_int_equal(count(st, "SELECT count(*) FROM files WHERE status = 'loading'"), 1);
    ingest_opts o = {.quiet = 1, .batch = 500};
    ingest_stats s = {0};
    /* differs before the resume point: a new load of all 2500 */
    assert_int_equal(ingest_file(st, file_head, &o, &s), 0);
    assert_int_equal(s.events, 2500);
    assert_int_equal(count(st, "SELECT count(*) FROM events"), 3500);
    /* same loaded part, different tail: resumes (the loaded part is that file's) */
    memset(&s, 0, sizeof s);
    assert_int_equal(ingest_file(st, file_tail, &o, &s), 0);
    assert_int_equal(s.events, 1500);
    assert_int_equal(count(st, "SELECT count(*) FROM events"), 5000);
    /* the original is now a new load again (its row was taken) */
    memset(&s, 0, sizeof s);
    assert_int_equal(ingest_file(st, file, &o, &s), 0);
    assert_int_equal(s.events, 2500);
    assert_int_equal(count(st, "SELECT count(*) FROM files WHERE status = 'done' AND hash NOT LIKE 'partial:%'"), 3);
    /* and every file is now known by its full hash */
    memset(&s, 0, sizeof s);
    assert_int_equal(ingest_file(st, file_tail, &o, &s), 0);
    assert_int_equal(s.skipped_files, 1);
    store_close(st);
    tu_remove_db(db);
    unlink(file), unlink(file_head), unlink(file_tail);
    free(db), free(file), free(file_head), free(file_tail), free(other), free(xml);
}

/* A bulk load (indexes dropped) that crashes: the next open has the indexes
 * back and the resumed load completes. */
static void test_bulk_crash_keeps_indexes(void **state)
{
    (void)state;
    char *xml = make_xml(2500, 0);
    char *file = tu_write_file(".log", xml, strlen(xml));
    char *db = tu_tmp_path(".db");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setenv("SPLITE_TEST_CRASH_AFTER", "1234", 1);
        setenv("SPLITE_BULK_MIN_BYTES", "0", 1);
        store *st = open_db(db);
        ingest_opts o = {.quiet = 1, .batch = 500};
        ingest_file(st, file, &o, NULL);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_int_equal(WEXITSTATUS(status), 99);
    store *st = open_db(db);
    assert_int_equal(count(st, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'events_%'"), 5);
    setenv("SPLITE_BULK_MIN_BYTES", "0", 1);
    ingest_opts o = {.quiet = 1, .batch = 500};
    assert_int_equal(ingest_file(st, file, &o, NULL), 0);
    unsetenv("SPLITE_BULK_MIN_BYTES");
    assert_int_equal(count(st, "SELECT count(*) FROM events"), 2500);
    assert_int_equal(count(st, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'events_%'"), 5);
    assert_int_equal(count(st, "SELECT count(*) FROM events INDEXED BY events_host WHERE host = 'host-1'"), 833);
    store_close(st);
    tu_remove_db(db);
    unlink(file);
    free(db), free(file), free(xml);
}

static void test_update_timestamp_and_metadata(void **state)
{
    (void)state;
    char *xml = make_xml(10, 0);
    char *file = tu_write_file(".log", xml, strlen(xml));
    char *db = tu_tmp_path(".db");
    store *st = open_db(db);
    setenv("SPLITE_NOW", "2000000000", 1);
    ingest_opts o = {.quiet = 1, .update_timestamp = 1, .index = "attack", .sourcetype = "xmlwineventlog",
                     .source = "XmlWinEventLog:Test", .host = "forced"};
    assert_int_equal(ingest_file(st, file, &o, NULL), 0);
    unsetenv("SPLITE_NOW");
    assert_int_equal(count(st, "SELECT CAST(max(_time) AS INTEGER) FROM events"), 2000000000);
    /* spacing kept: first event 9 s before the last */
    assert_int_equal(count(st, "SELECT CAST(round(max(_time) - min(_time)) AS INTEGER) FROM events"), 9);
    assert_int_equal(count(st, "SELECT count(*) FROM events WHERE \"index\" = 'attack' AND host = 'forced' AND "
                               "source = 'XmlWinEventLog:Test' AND sourcetype = 'xmlwineventlog'"),
                     10);
    store_close(st);
    tu_remove_db(db);
    unlink(file);
    free(db), free(file), free(xml);
}

static void test_bad_files(void **state)
{
    (void)state;
    char *db = tu_tmp_path(".db");
    store *st = open_db(db);
    ingest_opts o = {.quiet = 1};
    assert_int_equal(ingest_file(st, "/nonexistent/file.log", &o, NULL), -1);
    char *empty = tu_write_file(".log", "", 0);
    assert_int_equal(ingest_file(st, empty, &o, NULL), 0);
    char *junk = tu_write_file(".log", "\x01\x02\x03 nothing\n", 13);
    assert_int_equal(ingest_file(st, junk, &o, NULL), -1);
    o.format = "nope";
    assert_int_equal(ingest_file(st, junk, &o, NULL), -1);
    /* a 10 MB line between two good events */
    o.format = NULL;
    char *xml = make_xml(2, 0);
    size_t half = strlen(xml) / 2;
    while (xml[half] != '\n') half++;
    half++;
    sbuf b = {0};
    sbuf_addn(&b, xml, half);
    sbuf_add(&b, "<Event>");
    for (int i = 0; i < 10 * 1024 * 1024 / 8; i++) sbuf_add(&b, "AAAAAAAA");
    sbuf_add(&b, "</Event>\n");
    sbuf_add(&b, xml + half);
    char *big = tu_write_file(".log", b.s, b.len);
    ingest_stats s = {0};
    assert_int_equal(ingest_file(st, big, &o, &s), 0);
    assert_int_equal(s.events, 2);
    assert_int_equal(s.rejected, 1);
    assert_int_equal(count(st, "SELECT count(*) FROM events"), 2);
    store_close(st);
    tu_remove_db(db);
    unlink(empty), unlink(junk), unlink(big);
    free(db), free(empty), free(junk), free(big), free(xml);
    sbuf_free(&b);
}


/* A file loaded, grown, and the load of the new part killed: the re-run
 * continues it; every line is stored once. */
static void test_append_crash_resume(void **state)
{
    (void)state;
    char *xml = make_xml(2500, 0);
    size_t cut = 0;
    for (int i = 0; i < 1000; i++) cut = (size_t)(strchr(xml + cut, '\n') - xml) + 1;
    char *file = tu_write_file(".log", xml, cut);
    char *db = tu_tmp_path(".db");
    store *st = open_db(db);
    ingest_opts o = {.quiet = 1, .batch = 500};
    ingest_stats s = {0};
    assert_int_equal(ingest_file(st, file, &o, &s), 0);
    assert_int_equal(s.events, 1000);
    store_close(st);
    FILE *f = fopen(file, "ab");
    assert_non_null(f);
    assert_int_equal(fwrite(xml + cut, 1, strlen(xml) - cut, f), strlen(xml) - cut);
    fclose(f);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setenv("SPLITE_TEST_CRASH_AFTER", "700", 1);
        store *c = open_db(db);
        ingest_file(c, file, &o, NULL);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_int_equal(WEXITSTATUS(status), 99);
    st = open_db(db);
    assert_int_equal(count(st, "SELECT count(*) FROM events"), 1500);
    memset(&s, 0, sizeof s);
    assert_int_equal(ingest_file(st, file, &o, &s), 0);
    assert_int_equal(s.events, 1000);
    assert_int_equal(count(st, "SELECT count(*) FROM events"), 2500);
    assert_int_equal(count(st, "SELECT count(DISTINCT Seq) FROM events"), 2500);
    assert_int_equal(count(st, "SELECT events FROM files"), 2500);
    memset(&s, 0, sizeof s);
    assert_int_equal(ingest_file(st, file, &o, &s), 0);
    assert_int_equal(s.skipped_files, 1);
    store_close(st);
    tu_remove_db(db);
    unlink(file);
    free(db), free(file), free(xml);
}

static void test_utf8(void **state)
{
    (void)state;
    assert_true(reader_utf8_valid("plain ascii text, long enough for words", 39));
    assert_true(reader_utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14));
    assert_false(reader_utf8_valid("caf\xe9", 4));          /* Latin-1 */
    assert_false(reader_utf8_valid("\xc0\xaf", 2));         /* overlong */
    assert_false(reader_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(reader_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
    assert_false(reader_utf8_valid("\xe2\x82", 2));         /* cut short */
    sbuf b = {0};
    reader_utf8_escape(&b, "a\xff\xc3\xa9\xe2\x82z", 7, 0);
    assert_string_equal(b.s, "a\\xFF\xc3\xa9\\xE2\\x82z");
    sbuf_reset(&b);
    reader_utf8_escape(&b, "\"\xe9\"", 3, 1);
    assert_string_equal(b.s, "\"\\\\xE9\"");
    sbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reingest_skipped_and_force),
        cmocka_unit_test(test_resume_after_crash),
        cmocka_unit_test(test_resume_checks_loaded_part),
        cmocka_unit_test(test_bulk_crash_keeps_indexes),
        cmocka_unit_test(test_update_timestamp_and_metadata),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_append_crash_resume),
        cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
