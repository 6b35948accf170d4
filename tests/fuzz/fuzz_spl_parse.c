/* fuzz_spl_parse.c: libFuzzer harness for the SPL front end: macro
 * expansion, lexing, parsing and translation of arbitrary query text, and of
 * deep and long queries built from the input by spl_fuzz_gen.c (an input
 * starting with byte 0xF0..0xFA picks a generator). Any query that compiles
 * is run as splite runs it (spl_run: the statements that fill a join's or
 * outputlookup's tables first, then the query) over one event, bounded by a
 * progress handler; SQL that SQLite cannot prepare is a translation bug
 * (abort), unless SQLite names one of its limits (a clean error).
 * SPLITE_FUZZ_SPL_GEN_OFF in the environment turns generators off: "all",
 * or kind numbers ("6 7"); their inputs are then plain text (tools/fuzz does
 * that for known, not yet fixed findings).
 * Corpus: tests/fuzz/corpus/fuzz_spl_parse. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "spl.h"
#include "spl_fuzz_gen.h"
#include "store.h"
#include "util.h"

static store *st;
static spl_macros macros;
static unsigned gen_off; /* bit k: generator kind k is off */
static int verbose; /* SPLITE_FUZZ_VERBOSE=1: print each query's start and outcome */

/* stop statements that run too long (makeresults count=9999999 ...) */
static int progress(void *ctx)
{
    (void)ctx;
    return 1;
}

static void init(void)
{
    const char *off = getenv("SPLITE_FUZZ_SPL_GEN_OFF");
    if (off && strstr(off, "all")) gen_off = ~0u;
    for (const char *p = off; p && *p; p++)
        if (*p >= '0' && *p <= '9' && (p == off || p[-1] < '0' || p[-1] > '9')) {
            int k = atoi(p);
            if (k >= 0 && k < SPL_GEN_NKINDS) gen_off |= 1u << k;
        }
    verbose = getenv("SPLITE_FUZZ_VERBOSE") != NULL;
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
    spl_gen_macros(&macros);
    spl_register_sql(store_db(st));
    sqlite3_progress_handler(store_db(st), 200000, progress, NULL);
}

/* SQLite refusing SQL for its own limits (parser stack, expression depth,
 * columns, variables, length): a clean error, not a crash */
static int limit_error(const char *msg)
{
    return strstr(msg, "stack overflow") || strstr(msg, "too large") || strstr(msg, "too many");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!st) init();
    int kind = size ? data[0] - SPL_GEN_MAGIC : -1;
    char *q = kind >= 0 && kind < SPL_GEN_NKINDS && (gen_off >> kind & 1) ? NULL : spl_gen_query(data, size, &macros);
    if (!q) q = xstrndup((const char *)data, size);
    spl_opts o = {0};
    o.now = 1717243200;
    spl_query *r = NULL;
    spl_error e = {0};
    if (verbose) fprintf(stderr, "query (%zu bytes): %.200s\n", strlen(q), q);
    if (spl_compile(st, &macros, q, &o, &r, &e) == 0) {
        /* run it as splite does: spl_run prepares each statement only once
         * the ones before it ran (a join reads the table its pre-statement
         * made); a statement the progress handler stops is fine */
        char *rerr = NULL;
        if (spl_run(st, r, NULL, NULL, &rerr)) {
            if (verbose) fprintf(stderr, "run: %s\n", rerr);
            if (!strncmp(rerr, "cannot prepare", 14) && !limit_error(rerr)) {
                fprintf(stderr, "query: %.4000s\nsql: %.4000s\nerror: %s\n", q, r->sql, rerr);
                abort();
            }
            free(rerr);
        }
        char *t = spl_query_sql_text(r);
        free(t);
        spl_query_free(r);
    } else {
        char *m = spl_error_format(&e);
        if (verbose) fprintf(stderr, "compile: %.300s\n", m);
        free(m);
    }
    spl_error_free(&e);
    free(q);
    return 0;
}
