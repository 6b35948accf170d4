/* fuzz_spl_parse.c: libFuzzer harness for the SPL front end: macro
 * expansion, lexing, parsing and translation of arbitrary query text. Any
 * query that compiles must give SQL that SQLite prepares (a translation bug
 * otherwise: abort; SQLite's limits on absurdly deep input excepted). It is
 * then run over one event, bounded by a progress handler.
 * Seeds: tests/fuzz/seeds/spl. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "spl.h"
#include "store.h"
#include "util.h"

static store *st;
static spl_macros macros;

/* stop statements that run too long (makeresults count=9999999 ...) */
static int progress(void *ctx)
{
    (void)ctx;
    return 1;
}

static void init(void)
{
    char *err = NULL;
    st = store_open(":memory:", &err);
    if (!st) { fprintf(stderr, "store_open: %s\n", err); abort(); }
    /* a few fields in the catalog */
    event ev;
    event_init(&ev);
    ev.index = "main"; ev.host = "h"; ev.source = "s"; ev.sourcetype = "st";
    ev.raw = "raw"; ev.raw_len = 3; ev.time = 1; ev.has_time = 1;
    event_add_str(&ev, "EventCode", "29");
    event_add_str(&ev, "user", "a");
    event_add_str(&ev, "user", "b");
    event_add_str(&ev, "Processes.dest", "d");
    store_begin(st);
    store_insert(st, &ev, 0);
    store_commit(st);
    event_free(&ev);
    spl_macros_init(&macros);
    const char *a1[] = {"field"};
    spl_macros_add(&macros, "ctime", "convert ctime($field$)", a1, 1);
    spl_macros_add(&macros, "st", "sourcetype=st", NULL, 0);
    spl_macros_add(&macros, "loop", "`loop`", NULL, 0);
    spl_register_sql(store_db(st));
    sqlite3_progress_handler(store_db(st), 200000, progress, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!st) init();
    if (size > 4096) return 0;
    char *q = xstrndup((const char *)data, size);
    spl_opts o = {0};
    o.now = 1717243200;
    spl_query *r = NULL;
    spl_error e = {0};
    if (spl_compile(st, &macros, q, &o, &r, &e) == 0) {
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(store_db(st), r->sql, -1, &s, NULL) != SQLITE_OK &&
            !strstr(sqlite3_errmsg(store_db(st)), "stack overflow") &&
            !strstr(sqlite3_errmsg(store_db(st)), "too large") &&
            !strstr(sqlite3_errmsg(store_db(st)), "too many")) {
            fprintf(stderr, "query: %s\nsql: %s\nerror: %s\n", q, r->sql, sqlite3_errmsg(store_db(st)));
            abort();
        }
        sqlite3_finalize(s);
        /* run it too (bounded), to exercise the SQL functions */
        char *rerr = NULL;
        if (spl_run(st, r, NULL, NULL, &rerr)) free(rerr);
        char *t = spl_query_sql_text(r);
        free(t);
        spl_query_free(r);
    } else {
        char *m = spl_error_format(&e);
        free(m);
    }
    spl_error_free(&e);
    free(q);
    return 0;
}
