/* store.h: the SQLite event store.
 *
 * Layout (see docs/ARCHITECTURE.md):
 *   events(rowid, _time REAL, "index", host, source, sourcetype, _file,
 *          then one TEXT column per extracted field, added as fields appear)
 *   raw(rowid = events.rowid, blk)         where the original text is: block
 *   raw_blocks(id, data)                   blk of zstd-compressed events (see
 *                                          rawblk.h); read _raw byte for byte
 *                                          as splite_raw(blk, rowid)
 *   fields(name PRIMARY KEY, col, mv)      catalog: case-sensitive field name
 *                                          -> column; mv=1 once a multivalue
 *                                          value was stored
 *   files(...)                             one row per ingested file: content
 *                                          hash, progress, status
 * A multivalue value is stored as a BLOB holding a JSON array of strings, so
 * typeof(col)='blob' tells it from a single value. Field names are
 * case-sensitive; SQLite column names are not, so the catalog maps e.g.
 * "image" to column "image~2" when "Image" exists. */
#ifndef SPLITE_STORE_H
#define SPLITE_STORE_H
#include <sqlite3.h>
#include "event.h"
#include "util.h"

typedef struct store store;

/* Open (creating if needed) the database at path, read-write. On error
 * returns NULL and sets *err to a message the caller frees. Same as
 * store_open_mode(path, STORE_CREATE, err). */
store *store_open(const char *path, char **err);

/* How a command opens the database (":memory:" is always a new, empty one):
 *  STORE_CREATE  read-write, created when missing (ingest, replay, test);
 *  STORE_WRITE   read-write, must exist (run, schedule);
 *  STORE_READ    must exist; read-write when the file and its directory can
 *                be written (data model summaries are then stored), else
 *                read-only (SQLite URI mode=ro, or immutable=1 when even that
 *                cannot read it, e.g. a WAL database on read-only media)
 *                (search, sql, info, runs, check).
 * A missing file is "no database at PATH ..."; a read-only one with
 * STORE_CREATE or STORE_WRITE is "database PATH is read-only ...". */
enum { STORE_CREATE, STORE_WRITE, STORE_READ };
store *store_open_mode(const char *path, int mode, char **err);
/* 1 when the store was opened read-only (nothing may be written). */
int store_readonly(store *st);
void store_close(store *st);
sqlite3 *store_db(store *st);

/* Bulk loading: drop the metadata indexes and build them again at the end
 * (sorting once is cheaper than updating them per row). Inside a
 * transaction. If the load dies in between, store_open recreates them. */
int store_drop_indexes(store *st);
int store_create_indexes(store *st);
/* The number of events, roughly (the highest rowid); cheap. */
sqlite3_int64 store_approx_events(store *st);

int store_begin(store *st);
int store_commit(store *st);
void store_rollback(store *st);

/* Insert one event (metadata already resolved: index/host/source/sourcetype
 * non-NULL, has_time set). Returns the new rowid, or -1 (message in
 * store_errmsg). Must be inside store_begin/commit. */
sqlite3_int64 store_insert(store *st, const event *ev, sqlite3_int64 file_id);
const char *store_errmsg(store *st);

/* Append to out the SQL expression that reads field `name` of the events row
 * aliased `alias` (e.g. "e"): a quoted column, the metadata column, a
 * subquery on raw for _raw, or NULL when the field is unknown. Returns 1 if
 * the field exists, 0 if the NULL literal was appended. */
int store_field_sql(store *st, const char *alias, const char *name, sbuf *out);
/* 1 if the field ever held a multivalue value. */
int store_field_is_mv(store *st, const char *name);
/* Call fn for every known field name (metadata and extracted), in catalog
 * order. */
void store_each_field(store *st, void (*fn)(void *ctx, const char *name), void *ctx);
/* Settings for a process that runs searches rather than loading: a larger
 * page cache. */
void store_tune_for_search(store *st);
/* Reload the catalog from the database (after another process wrote). */
int store_reload_catalog(store *st);
#endif
