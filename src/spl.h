/* spl.h: the SPL engine's public interface: compile an SPL query (macros
 * expanded, parsed, translated) into one SQL statement with bound
 * parameters over the event store, and run it, handing rows to a callback. */
#ifndef SPLITE_SPL_H
#define SPLITE_SPL_H
#include <stdio.h>
#include <sqlite3.h>
#include "store.h"
#include "spl_macro.h"

/* An error with the position (byte offset into the query text) it refers to;
 * spl_error_format renders "line L, column C" and a caret line. */
typedef struct spl_error {
    char *msg;       /* NULL when no error */
    size_t off;      /* byte offset into text */
    int has_pos;
    char *text;      /* the text the offset refers to (expanded query) */
    int syntax;      /* 1: a lexical or grammar error (not a translation one) */
    int macro;       /* 1: macro expansion failed (unknown macro, bad arguments) */
} spl_error;
/* Forget the message (the text stays). */
void spl_error_clear(spl_error *e);
/* Free everything an error holds (message and text); call when done. */
void spl_error_free(spl_error *e);
/* "error: MSG\n at line L, column C:\n  LINE\n  ^" (caller frees). */
char *spl_error_format(const spl_error *e);

struct dm_registry;
struct spl_lookups;

typedef struct spl_opts {
    const char *earliest, *latest; /* time modifiers from the command line */
    double now;                    /* reference time for relative modifiers */
    /* data models and search-time field aliases (datamodels/, see
     * docs/DATAMODELS.md); NULL: no aliases, and tstats over a data model is
     * an error. Loaded once by the caller, read-only here. */
    const struct dm_registry *datamodels;
    const struct spl_lookups *lookups; /* lookup definitions (spl_lookup.h), or NULL */
    /* 1: tstats and `from datamodel` compute data model rows from the events
     * every time instead of reading (and keeping up to date) the summary
     * tables of data model acceleration (docs/DATAMODELS.md) */
    int no_summaries;
    /* 1: compile for the shared scan (src/multi/): the first search over
     * the events reads only the rows splite_cand(slot) lists, and the query
     * carries the prefilter formula (spl_pf.h) that must hold for them */
    int prefilter;
} spl_opts;

/* One bound parameter of the generated SQL (?1, ?2, ...). */
typedef struct spl_param {
    int is_num;
    double num;
    char *text;
} spl_param;

/* A compiled query. Output columns are result columns 0..ncols-1 of sql. */
typedef struct spl_query {
    char *sql;
    spl_param *params;
    int nparams;
    char **cols;        /* output field names, in order */
    int *col_mv;        /* 1 when the column may hold a multivalue BLOB */
    int ncols;
    int events;         /* 1 when results are events (raw search results) */
    char *expanded;     /* the query after macro expansion */
    char **pre;         /* statements spl_run runs first (same parameters) */
    int npre;
    size_t deep_off;    /* offset in expanded of the command whose SQL nests
                           deepest: where a statement SQLite cannot parse for
                           its nesting is reported */
    /* with spl_opts.prefilter, when the first search has one: what every
     * row it keeps satisfies, and the parameter (1-based) holding the slot
     * whose candidate rows it reads (splite_cand); else NULL / 0 */
    struct spl_pf *pf;
    int pf_param;
    /* with pf: the time range its first search reads (bit 1: _time >=
     * pf_earliest, bit 2: _time < pf_latest; 0: unbounded) */
    int pf_time;
    double pf_earliest, pf_latest;
    char *pf_table;     /* the table the formula's columns are of: "events",
                           or a data model summary "dmsum:..." (tstats) */
    int empty_stays_empty; /* 1: every command gives no results from no rows
                              (so when the shared scan lists none, there are none) */
} spl_query;

/* Compile text. macros may be NULL (no macros known). Returns 0, or -1 with
 * *err filled. */
int spl_compile(store *st, const spl_macros *macros, const char *text,
                const spl_opts *o, spl_query **out, spl_error *err);
void spl_query_free(spl_query *q);

/* Register the SQL functions generated SQL relies on (operators, stats
 * aggregates; also sqlfn_register). Idempotent per connection. */
void spl_register_sql(sqlite3 *db);

/* Run q; fn gets each row (values[i] is the sqlite3_value of column i).
 * Returns 0, or -1 with *errmsg set (caller frees). */
typedef int (*spl_row_fn)(void *ctx, const spl_query *q, sqlite3_stmt *stmt);
int spl_run(store *st, const spl_query *q, spl_row_fn fn, void *ctx, char **errmsg);

/* Seconds this process has spent checking, building and updating data model
 * summaries (part of spl_compile's time; see docs/DATAMODELS.md). */
double spl_dm_summary_seconds(void);

/* Print SQLite's EXPLAIN QUERY PLAN of q (parameters bound), one line per
 * step, indented by depth. Returns 0, or -1 with *errmsg set. */
int spl_explain(store *st, const spl_query *q, FILE *out, char **errmsg);

/* Render a compiled query's SQL with parameters inlined as literals (for
 * `splite sql`; the executed statement always binds). Caller frees. */
char *spl_query_sql_text(const spl_query *q);
#endif
