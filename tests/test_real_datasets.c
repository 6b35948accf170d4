/* test_real_datasets.c: ingest every file of ../shared/datasets/real (real
 * Windows logs converted from EVTX) and check nothing is lost: events equal
 * lines, and a sample event's fields are right. Skipped where ../shared is
 * absent (a user's clone). */
#include "testutil.h"
#include "ingest.h"
#include "manifest.h"
#include "store.h"

#include <ftw.h>

static store *g_st;
static long g_lines, g_files;

static long count_lines(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    long n = 0;
    int c, last = '\n';
    while ((c = getc(f)) != EOF) {
        if (c == '\n') n++;
        last = c;
    }
    if (last != '\n') n++;
    fclose(f);
    return n;
}

static int visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    size_t n = strlen(path);
    if (type != FTW_F || n < 4 || strcmp(path + n - 4, ".log")) return 0;
    ingest_opts o = {.quiet = 1};
    ingest_stats s = {0};
    assert_int_equal(ingest_file(g_st, path, &o, &s), 0);
    long lines = count_lines(path);
    if (s.events != lines || s.rejected) fprintf(stderr, "%s: %ld events, %ld lines, %ld rejected\n", path, s.events, lines, s.rejected);
    assert_int_equal(s.events, lines);
    assert_int_equal(s.rejected, 0);
    g_lines += lines;
    g_files++;
    return 0;
}

static char *q1(const char *sql)
{
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(store_db(g_st), sql, -1, &q, NULL), SQLITE_OK);
    char *v = NULL;
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0)) v = xstrdup((const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    return v;
}

static void test_all_real_files(void **state)
{
    (void)state;
    const char *shared = tu_shared();
    if (!shared) {
        printf("SKIP: ../shared/datasets/real not present (a user's clone has no ../shared)\n");
        skip();
    }
    char *root = xasprintf("%s/datasets/real", shared);
    char *db = tu_tmp_path(".db");
    char *err = NULL;
    g_st = store_open(db, &err);
    assert_non_null(g_st);
    assert_int_equal(nftw(root, visit, 16, FTW_PHYS), 0);
    printf("loaded %ld files, %ld events\n", g_files, g_lines);
    assert_true(g_files >= 30);
    sbuf b = {0};
    sbuf_printf(&b, "%ld", g_lines);
    char *n = q1("SELECT count(*) FROM events");
    assert_string_equal(n, b.s);
    free(n);
    sbuf_free(&b);

    /* A known Sysmon EID 1 event of the UACME sample (record 622). */
    sbuf sql = {0};
    const char *fields[] = {"EventCode", "Computer", "Image", "OriginalFileName", "User", "ProcessId", "UserID",
                            "Channel", NULL};
    const char *expect[] = {"1", "DESKTOP-NTSSLJD",
                            "C:\\Users\\den\\Source\\Repos\\UACME\\Source\\Akagi\\output\\x64\\Release\\Akagi64.exe",
                            "Akagi.exe", "DESKTOP-NTSSLJD\\den", "8712", "S-1-5-18",
                            "Microsoft-Windows-Sysmon/Operational"};
    for (int i = 0; fields[i]; i++) {
        sbuf_reset(&sql);
        sbuf_add(&sql, "SELECT ");
        store_field_sql(g_st, "e", fields[i], &sql);
        sbuf_add(&sql, " FROM events e WHERE ");
        store_field_sql(g_st, "e", "EventRecordID", &sql);
        sbuf_add(&sql, " = '622' AND ");
        store_field_sql(g_st, "e", "Computer", &sql);
        sbuf_add(&sql, " = 'DESKTOP-NTSSLJD'");
        char *v = q1(sql.s);
        assert_non_null(v);
        assert_string_equal(v, expect[i]);
        free(v);
    }
    char *h = q1("SELECT host FROM events WHERE host = 'DESKTOP-NTSSLJD' LIMIT 1");
    assert_non_null(h);
    free(h);
    sbuf_free(&sql);
    store_close(g_st);
    tu_remove_db(db);
    free(db);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_real_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
