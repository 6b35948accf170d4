/* store.c: the SQLite event store: schema, the field catalog (case-sensitive
 * field name -> column), and fast inserts with prepared statements cached
 * per set of fields. See store.h for the layout. */
#include "store.h"
#include "hmap.h"
#include "mv.h"
#include "rawblk.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORE_SCHEMA_VERSION 1
/* SQLite's default SQLITE_MAX_COLUMN is 2000; beyond this many dynamic
 * columns, further fields go to the _extra JSON column. */
#define STORE_MAX_COLUMNS 1900
#define STORE_STMT_CACHE 256
#define STORE_FIXED_BINDS 7

typedef struct store_field {
    char *name;
    size_t name_len;
    char *col;   /* column name, NULL when kept in _extra */
    int mv;
} store_field;

typedef struct store_stmt {
    int *sig;    /* field indices bound after the fixed parameters */
    int nsig;
    sqlite3_stmt *stmt;
} store_stmt;

struct store {
    sqlite3 *db;
    int readonly;          /* opened read-only (STORE_READ on a file we cannot write) */
    store_field *fields;
    int nfields, capfields;
    int ncols;             /* dynamic columns in events */
    hmap by_name;          /* field name -> index in fields */
    hmap by_col;           /* lower-cased column name -> 1 */
    hmap stmt_index;       /* signature bytes -> index in stmts */
    store_stmt *stmts;
    int nstmts;
    sqlite3_stmt *cat_ins, *cat_mv;
    rawblk *rb;
    char *err;
    /* scratch for store_insert, indexed by field index */
    unsigned *stamp;
    int *group_of;
    int capscratch;
    unsigned seq;
    int *gfield, *gcount, *gfirst;
    int capgroups;
    /* Field order repeats from event to event: next[k + 1] is the field
     * that followed field k last time (next[0]: the first field), tried
     * before the hash lookup. */
    int *next;
    int capnext;
    sbuf tmp, sig;
};

static const char *const store_reserved[] = {
    "_time", "index", "host", "source", "sourcetype", "_file", "_extra",
    "_raw", "rowid", "oid", "_rowid_", NULL,
};

static const char store_schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value);\n"
    "CREATE TABLE IF NOT EXISTS files(\n"
    "  id INTEGER PRIMARY KEY, path TEXT NOT NULL, hash TEXT NOT NULL, size INTEGER,\n"
    "  status TEXT NOT NULL DEFAULT 'loading', offset INTEGER NOT NULL DEFAULT 0,\n"
    "  line INTEGER NOT NULL DEFAULT 0, events INTEGER NOT NULL DEFAULT 0,\n"
    "  rejected INTEGER NOT NULL DEFAULT 0, \"index\" TEXT, sourcetype TEXT, source TEXT,\n"
    "  host TEXT, reader TEXT, time_shift REAL NOT NULL DEFAULT 0, started REAL, finished REAL,\n"
    "  first_rowid INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE INDEX IF NOT EXISTS files_hash ON files(hash);\n"
    "CREATE TABLE IF NOT EXISTS fields(name TEXT PRIMARY KEY, col TEXT, mv INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE IF NOT EXISTS events(\n"
    "  _time REAL NOT NULL, \"index\" TEXT NOT NULL, host TEXT, source TEXT, sourcetype TEXT,\n"
    "  _file INTEGER, _extra TEXT);\n"
    "CREATE TABLE IF NOT EXISTS raw(rowid INTEGER PRIMARY KEY, blk INTEGER NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS raw_blocks(id INTEGER PRIMARY KEY, data BLOB NOT NULL);\n"
    "DROP INDEX IF EXISTS events_file;\n";

/* The metadata indexes. Created with the schema (so an ingest that dropped
 * them and was interrupted gets them back at the next open). */
static const char store_index_sql[] =
    "CREATE INDEX IF NOT EXISTS events_time ON events(_time);\n"
    "CREATE INDEX IF NOT EXISTS events_index ON events(\"index\" COLLATE NOCASE, _time);\n"
    "CREATE INDEX IF NOT EXISTS events_sourcetype ON events(sourcetype COLLATE NOCASE, _time);\n"
    "CREATE INDEX IF NOT EXISTS events_source ON events(source COLLATE NOCASE, _time);\n"
    "CREATE INDEX IF NOT EXISTS events_host ON events(host COLLATE NOCASE, _time);\n";

static const char store_drop_index_sql[] =
    "DROP INDEX IF EXISTS events_time; DROP INDEX IF EXISTS events_index;\n"
    "DROP INDEX IF EXISTS events_sourcetype; DROP INDEX IF EXISTS events_source;\n"
    "DROP INDEX IF EXISTS events_host;\n";

/* SQLite's NOCASE, 8 bytes at a time where the two strings agree: the
 * metadata indexes sort by it, and sorting mostly compares long equal
 * values (the same source on every event). It must order exactly as the
 * built-in one (other tools read these indexes): sqlite3StrNICmp over the
 * shorter length (ASCII letters folded, stopping at a NUL in the left
 * string), then the lengths. */
static int store_nocase(void *unused, int n1, const void *k1, int n2, const void *k2)
{
    (void)unused;
    const unsigned char *a = k1, *b = k2;
    if (!a) return b ? -1 : n1 - n2;
    if (!b) return 1;
    int n = n1 < n2 ? n1 : n2, i = 0;
    while (i + 8 <= n) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        /* equal words without a NUL byte compare equal */
        if (x != y || ((x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL)) break;
        i += 8;
    }
    for (; i < n; i++) {
        int ca = a[i], cb = b[i];
        if (ca == cb && ca) continue;
        if (cb >= 'A' && cb <= 'Z') cb += 'a' - 'A';
        if (ca == 0) {
            if (cb) return -cb;
            return n1 - n2;
        }
        if (ca >= 'A' && ca <= 'Z') ca += 'a' - 'A';
        if (ca != cb) return ca - cb;
    }
    return n1 - n2;
}

static void store_set_err(store *st, const char *what)
{
    free(st->err);
    st->err = xasprintf("%s: %s", what, sqlite3_errmsg(st->db));
}

const char *store_errmsg(store *st)
{
    return st->err ? st->err : "no error";
}

sqlite3 *store_db(store *st)
{
    return st->db;
}

static int store_exec(store *st, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        free(st->err);
        st->err = xasprintf("%s", msg ? msg : "unknown SQLite error");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static void store_lower(sbuf *b, const char *s)
{
    sbuf_reset(b);
    for (; *s; s++) sbuf_addc(b, (char)tolower((unsigned char)*s));
}

static int store_add_field_mem(store *st, const char *name, const char *col, int mv)
{
    if (st->nfields == st->capfields) {
        st->capfields = st->capfields ? st->capfields * 2 : 64;
        st->fields = xrealloc(st->fields, (size_t)st->capfields * sizeof *st->fields);
    }
    int idx = st->nfields++;
    st->fields[idx].name = xstrdup(name);
    st->fields[idx].name_len = strlen(name);
    st->fields[idx].col = col ? xstrdup(col) : NULL;
    st->fields[idx].mv = mv;
    hmap_put(&st->by_name, name, strlen(name), idx);
    if (col) {
        store_lower(&st->tmp, col);
        hmap_put(&st->by_col, st->tmp.s, st->tmp.len, 1);
        st->ncols++;
    }
    return idx;
}

static void store_clear_catalog(store *st)
{
    if (st->next) memset(st->next, 0xff, (size_t)st->capnext * sizeof *st->next);
    for (int i = 0; i < st->nfields; i++) {
        free(st->fields[i].name);
        free(st->fields[i].col);
    }
    st->nfields = 0;
    st->ncols = 0;
    hmap_free(&st->by_name);
    hmap_free(&st->by_col);
    for (int i = 0; store_reserved[i]; i++)
        hmap_put(&st->by_col, store_reserved[i], strlen(store_reserved[i]), 1);
}

int store_reload_catalog(store *st)
{
    store_clear_catalog(st);
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(st->db, "SELECT name, col, mv FROM fields ORDER BY rowid", -1, &q, NULL) != SQLITE_OK) {
        store_set_err(st, "reading the field catalog");
        return -1;
    }
    while (sqlite3_step(q) == SQLITE_ROW)
        store_add_field_mem(st, (const char *)sqlite3_column_text(q, 0),
                            (const char *)sqlite3_column_text(q, 1), sqlite3_column_int(q, 2));
    sqlite3_finalize(q);
    return 0;
}

/* WAL mode, the schema and its version, in one write transaction. Two
 * processes opening a new database at once can find each other's locks
 * where SQLite does not wait (switching to WAL, or a read lock to upgrade
 * while the other holds the write lock: SQLITE_BUSY at once, to avoid a
 * deadlock); the one that gets BUSY rolls back and tries again, for about as
 * long as the busy timeout. */
static int store_init_schema(store *st)
{
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO meta VALUES('schema_version', %d)", STORE_SCHEMA_VERSION);
    for (int attempt = 0;; attempt++) {
        if (!store_exec(st, "PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                            "PRAGMA cache_size=-262144;") &&
            !store_exec(st, "BEGIN IMMEDIATE") && !store_exec(st, store_schema) && !store_exec(st, store_index_sql) &&
            !store_exec(st, sql) && !store_exec(st, "COMMIT"))
            return 0;
        int busy = (sqlite3_errcode(st->db) & 0xff) == SQLITE_BUSY;
        if (!sqlite3_get_autocommit(st->db)) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        if (!busy || attempt >= 600) return -1;
        usleep(50000); /* 600 x 50 ms: 30 s, the busy timeout */
    }
}

/* Settings and functions every connection gets. */
static void store_setup(store *st)
{
    sqlite3_busy_timeout(st->db, 30000);
    sqlite3_create_collation_v2(st->db, "NOCASE", SQLITE_UTF8, NULL, store_nocase, NULL);
    sqlite3_extended_result_codes(st->db, 1);
}

/* 1 when this process can write path, its directory (SQLite creates the
 * journal, -wal and -shm files next to it) and the -wal/-shm files there. */
static int store_can_write(const char *path)
{
    /* not there yet: another process may create it before we look again,
     * so this is decided by the directory alone */
    if (access(path, W_OK) != 0 && errno != ENOENT) return 0;
    const char *slash = strrchr(path, '/');
    char *dir = slash ? (slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path))) : xstrdup(".");
    int ok = access(dir, W_OK | X_OK) == 0;
    free(dir);
    static const char *const side[] = {"-wal", "-shm"};
    for (int i = 0; ok && i < 2; i++) {
        char *p = xasprintf("%s%s", path, side[i]);
        if (access(p, F_OK) == 0 && access(p, W_OK) != 0) ok = 0;
        free(p);
    }
    return ok;
}

/* "file:PATH?query" with the characters a URI reserves percent-encoded. */
static char *store_uri(const char *path, const char *query)
{
    sbuf b = {0};
    sbuf_add(&b, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (isalnum(*p) || strchr("/-._~", *p)) sbuf_addc(&b, (char)*p);
        else sbuf_printf(&b, "%%%02X", *p);
    }
    sbuf_printf(&b, "?%s", query);
    return sbuf_detach(&b);
}

/* Open path read-only: mode=ro, else immutable=1 (a WAL database whose -shm
 * cannot be created: read-only media; SQLite then reads the database file
 * alone, so a -wal file left next to it is not seen). NULL and *err when it
 * cannot be read or is not a splite database. */
static store *store_open_ro(store *st, const char *path, char **err)
{
    static const char *const modes[] = {"mode=ro", "immutable=1"};
    int rc = SQLITE_ERROR, immutable = 0;
    for (int m = 0; m < 2; m++) {
        immutable = m == 1;
        if (st->db) sqlite3_close(st->db);
        st->db = NULL;
        char *uri = store_uri(path, modes[m]);
        rc = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
        free(uri);
        if (rc == SQLITE_OK) rc = sqlite3_exec(st->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
        if (rc == SQLITE_OK) break;
    }
    if (rc != SQLITE_OK) {
        *err = xasprintf("cannot read database %s: %s", path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
        store_close(st);
        return NULL;
    }
    st->readonly = 1;
    store_setup(st);
    /* said once per command (forked workers inherit the flag) */
    static int warned;
    char *wal = xasprintf("%s-wal", path);
    struct stat sb;
    if (immutable && !warned && stat(wal, &sb) == 0 && sb.st_size > 0 && (warned = 1))
        fprintf(stderr, "splite: warning: %s is not read (a read-only directory without %s-shm): the database's "
                        "last writes may be missing\n", wal, path);
    free(wal);
    sqlite3_stmt *q = NULL;
    int ok = sqlite3_prepare_v2(st->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'", -1,
                                &q, NULL) == SQLITE_OK &&
             sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    if (!ok) {
        *err = xasprintf("%s is not a splite database (it has no events table)", path);
        store_close(st);
        return NULL;
    }
    if (store_exec(st, "PRAGMA cache_size=-262144") || store_reload_catalog(st) || rawblk_register(st->db)) {
        *err = xasprintf("cannot read database %s: %s", path, store_errmsg(st));
        store_close(st);
        return NULL;
    }
    return st;
}

store *store_open(const char *path, char **err)
{
    return store_open_mode(path, STORE_CREATE, err);
}

store *store_open_mode(const char *path, int mode, char **err)
{
    assert(path && (mode == STORE_CREATE || mode == STORE_WRITE || mode == STORE_READ));
    int mem = !*path || !strcmp(path, ":memory:");
    if (mode != STORE_CREATE && !mem) {
        struct stat sb;
        if (stat(path, &sb) != 0) {
            if (errno == ENOENT)
                *err = xasprintf("no database at %s (check --db or $SPLITE_DB; `splite ingest` or `splite replay` "
                                 "creates one)", path);
            else
                *err = xasprintf("cannot open database %s: %s", path, strerror(errno));
            return NULL;
        }
        if (S_ISDIR(sb.st_mode)) {
            *err = xasprintf("%s is a directory, not a database", path);
            return NULL;
        }
    }
    store *st = xcalloc(1, sizeof *st);
    hmap_init(&st->by_name);
    hmap_init(&st->by_col);
    hmap_init(&st->stmt_index);
    int writable = mem || store_can_write(path);
    if (!writable && mode == STORE_READ) return store_open_ro(st, path, err);
    if (!writable && access(path, F_OK) == 0) {
        *err = xasprintf("database %s is read-only (the file or its directory cannot be written); this command "
                         "writes to it", path);
        store_close(st);
        return NULL;
    }
    /* A store is used by one thread: no per-call mutexes (NOMUTEX). */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (mode == STORE_CREATE ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        *err = xasprintf("cannot open database %s: %s", path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
        store_close(st);
        return NULL;
    }
    if (sqlite3_db_readonly(st->db, "main") == 1) {
        /* SQLite fell back to read-only (permissions access() did not see) */
        if (mode == STORE_READ) {
            sqlite3_close(st->db);
            st->db = NULL;
            return store_open_ro(st, path, err);
        }
        *err = xasprintf("database %s is read-only; this command writes to it", path);
        store_close(st);
        return NULL;
    }
    store_setup(st);
    if (store_init_schema(st)) {
        *err = xasprintf("cannot initialise database %s: %s", path, store_errmsg(st));
        store_close(st);
        return NULL;
    }
    if (store_reload_catalog(st) || rawblk_register(st->db)) {
        *err = xasprintf("cannot initialise database %s: %s", path, store_errmsg(st));
        store_close(st);
        return NULL;
    }
    st->rb = rawblk_new(st->db);
    return st;
}

store *store_open_or_say(const char *path, int mode)
{
    char *err = NULL;
    store *st = store_open_mode(path, mode, &err);
    if (!st) {
        fprintf(stderr, "splite: %s\n", err);
        free(err);
    }
    return st;
}

int store_readonly(store *st)
{
    return st->readonly;
}

static void store_drop_stmts(store *st)
{
    for (int i = 0; i < st->nstmts; i++) {
        sqlite3_finalize(st->stmts[i].stmt);
        free(st->stmts[i].sig);
    }
    free(st->stmts);
    st->stmts = NULL;
    st->nstmts = 0;
    hmap_free(&st->stmt_index);
}

void store_close(store *st)
{
    if (!st) return;
    store_drop_stmts(st);
    sqlite3_finalize(st->cat_ins);
    sqlite3_finalize(st->cat_mv);
    rawblk_free(st->rb);
    if (st->db && sqlite3_close(st->db) != SQLITE_OK) {
        /* A statement someone forgot would keep the connection open. */
        assert(!"store_close: unfinalized statements");
        sqlite3_close_v2(st->db);
    }
    store_clear_catalog(st);
    hmap_free(&st->by_col);
    free(st->fields);
    free(st->stamp);
    free(st->group_of);
    free(st->gfield);
    free(st->gcount);
    free(st->gfirst);
    free(st->next);
    sbuf_free(&st->tmp);
    sbuf_free(&st->sig);
    free(st->err);
    free(st);
}

int store_drop_indexes(store *st)
{
    return store_exec(st, store_drop_index_sql);
}

int store_create_indexes(store *st)
{
    return store_exec(st, store_index_sql);
}

sqlite3_int64 store_approx_events(store *st)
{
    sqlite3_stmt *q;
    sqlite3_int64 n = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(rowid), 0) FROM events", -1, &q, NULL) == SQLITE_OK) {
        if (sqlite3_step(q) == SQLITE_ROW) n = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    return n;
}

int store_begin(store *st)
{
    return store_exec(st, "BEGIN IMMEDIATE");
}

int store_commit(store *st)
{
    if (st->rb && rawblk_flush(st->rb)) {
        store_set_err(st, "writing a _raw block");
        return -1;
    }
    return store_exec(st, "COMMIT");
}

void store_rollback(store *st)
{
    if (!sqlite3_get_autocommit(st->db)) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    if (st->rb) rawblk_discard(st->rb);
}

/* Choose a column name for a new field: the name itself unless it collides
 * (case-insensitively) with an existing or reserved column, then name~N. */
static char *store_pick_column(store *st, const char *name)
{
    size_t n = strlen(name);
    int plain = n > 0 && n <= 64;
    for (size_t i = 0; plain && i < n; i++)
        if ((unsigned char)name[i] < 0x20) plain = 0;
    const char *base = plain ? name : "field";
    for (int k = plain ? 1 : 2;; k++) {
        char *cand = k == 1 ? xstrdup(base) : xasprintf("%s~%d", base, k);
        store_lower(&st->tmp, cand);
        if (!hmap_get(&st->by_col, st->tmp.s, st->tmp.len)) return cand;
        free(cand);
    }
}

/* Index of field `name`, creating its column (or _extra entry) if new. */
static int store_field_index(store *st, const char *name, size_t len)
{
    long *v = hmap_get(&st->by_name, name, len);
    if (v) return (int)*v;
    char *nm = xstrndup(name, len); /* event names need not be NUL-terminated */
    char *col = st->ncols < STORE_MAX_COLUMNS ? store_pick_column(st, nm) : NULL;
    free(nm);
    if (col) {
        sbuf sql = {0};
        sbuf_add(&sql, "ALTER TABLE events ADD COLUMN ");
        sbuf_add_sql_ident(&sql, col);
        sbuf_add(&sql, " TEXT");
        int rc = store_exec(st, sql.s);
        sbuf_free(&sql);
        if (rc) {
            /* Another process may have added fields: reload and look again. */
            free(col);
            if (store_reload_catalog(st)) return -1;
            v = hmap_get(&st->by_name, name, len);
            if (v) return (int)*v;
            return -1;
        }
    }
    if (!st->cat_ins &&
        sqlite3_prepare_v2(st->db, "INSERT INTO fields(name, col, mv) VALUES(?1, ?2, 0)", -1, &st->cat_ins, NULL)) {
        free(col);
        store_set_err(st, "preparing the catalog insert");
        return -1;
    }
    sqlite3_bind_text(st->cat_ins, 1, name, (int)len, SQLITE_STATIC);
    if (col) sqlite3_bind_text(st->cat_ins, 2, col, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st->cat_ins, 2);
    int rc = sqlite3_step(st->cat_ins);
    sqlite3_reset(st->cat_ins);
    if (rc != SQLITE_DONE) {
        free(col);
        store_set_err(st, "adding to the field catalog");
        return -1;
    }
    nm = xstrndup(name, len);
    int idx = store_add_field_mem(st, nm, col, 0);
    free(nm);
    free(col);
    return idx;
}

static void store_scratch(store *st)
{
    if (st->capscratch < st->nfields) {
        int cap = st->nfields * 2 + 64;
        st->stamp = xrealloc(st->stamp, (size_t)cap * sizeof *st->stamp);
        st->group_of = xrealloc(st->group_of, (size_t)cap * sizeof *st->group_of);
        memset(st->stamp + st->capscratch, 0, (size_t)(cap - st->capscratch) * sizeof *st->stamp);
        st->capscratch = cap;
    }
}

static sqlite3_stmt *store_insert_stmt(store *st, const int *sig, int nsig)
{
    long *v = hmap_get(&st->stmt_index, (const char *)sig, (size_t)nsig * sizeof *sig);
    if (v) return st->stmts[*v].stmt;
    if (st->nstmts >= STORE_STMT_CACHE) store_drop_stmts(st);
    sbuf sql = {0};
    sbuf_add(&sql, "INSERT INTO events(_time, \"index\", host, source, sourcetype, _file, _extra");
    for (int i = 0; i < nsig; i++) {
        sbuf_add(&sql, ", ");
        sbuf_add_sql_ident(&sql, st->fields[sig[i]].col);
    }
    sbuf_add(&sql, ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7");
    for (int i = 0; i < nsig; i++) sbuf_printf(&sql, ", ?%d", i + STORE_FIXED_BINDS + 1);
    sbuf_addc(&sql, ')');
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v3(st->db, sql.s, (int)sql.len, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
    sbuf_free(&sql);
    if (rc != SQLITE_OK) {
        store_set_err(st, "preparing an insert");
        return NULL;
    }
    st->stmts = xrealloc(st->stmts, (size_t)(st->nstmts + 1) * sizeof *st->stmts);
    st->stmts[st->nstmts].sig = xmalloc((size_t)(nsig ? nsig : 1) * sizeof *sig);
    if (nsig) memcpy(st->stmts[st->nstmts].sig, sig, (size_t)nsig * sizeof *sig);
    st->stmts[st->nstmts].nsig = nsig;
    st->stmts[st->nstmts].stmt = stmt;
    hmap_put(&st->stmt_index, (const char *)sig, (size_t)nsig * sizeof *sig, st->nstmts);
    st->nstmts++;
    return stmt;
}

static void store_mv_json(sbuf *b, const event *ev, int fi, const int *field_idx)
{
    sbuf_addc(b, '[');
    int first = 1;
    for (size_t i = 0; i < ev->nfields; i++) {
        if (field_idx[i] != fi) continue;
        if (!first) sbuf_addc(b, ',');
        first = 0;
        mv_json_string(b, ev->fields[i].value, ev->fields[i].value_len);
    }
    sbuf_addc(b, ']');
}

static int store_mark_mv(store *st, int fi)
{
    if (st->fields[fi].mv) return 0;
    if (!st->cat_mv &&
        sqlite3_prepare_v2(st->db, "UPDATE fields SET mv = 1 WHERE name = ?1", -1, &st->cat_mv, NULL)) {
        store_set_err(st, "preparing the catalog update");
        return -1;
    }
    sqlite3_bind_text(st->cat_mv, 1, st->fields[fi].name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st->cat_mv);
    sqlite3_reset(st->cat_mv);
    if (rc != SQLITE_DONE) {
        store_set_err(st, "updating the field catalog");
        return -1;
    }
    st->fields[fi].mv = 1;
    return 0;
}

sqlite3_int64 store_insert(store *st, const event *ev, sqlite3_int64 file_id)
{
    assert(ev->index && ev->has_time);
    size_t n = ev->nfields;
    int stack_idx[256];
    int *field_idx = n <= 256 ? stack_idx : xmalloc(n * sizeof *field_idx);
    sqlite3_int64 rowid = -1;
    sbuf mvbuf = {0}, extra = {0};

    /* 1. field index of every field, and groups of repeated names */
    int prev = -1;
    for (size_t i = 0; i < n; i++) {
        const ev_field *f = &ev->fields[i];
        int fi = prev + 1 < st->capnext ? st->next[prev + 1] : -1;
        if (fi < 0 || fi >= st->nfields || st->fields[fi].name_len != f->name_len ||
            memcmp(st->fields[fi].name, f->name, f->name_len)) {
            fi = store_field_index(st, f->name, f->name_len);
            if (fi < 0) goto out;
            if (st->capnext < st->nfields + 1) {
                int cap = st->nfields * 2 + 64;
                st->next = xrealloc(st->next, (size_t)cap * sizeof *st->next);
                memset(st->next + st->capnext, 0xff, (size_t)(cap - st->capnext) * sizeof *st->next);
                st->capnext = cap;
            }
            st->next[prev + 1] = fi;
        }
        field_idx[i] = fi;
        prev = fi;
    }
    store_scratch(st);
    if (st->capgroups < (int)n + 1) {
        st->capgroups = (int)n + 16;
        st->gfield = xrealloc(st->gfield, (size_t)st->capgroups * sizeof *st->gfield);
        st->gcount = xrealloc(st->gcount, (size_t)st->capgroups * sizeof *st->gcount);
        st->gfirst = xrealloc(st->gfirst, (size_t)st->capgroups * sizeof *st->gfirst);
    }
    if (++st->seq == 0) {
        memset(st->stamp, 0, (size_t)st->capscratch * sizeof *st->stamp);
        st->seq = 1;
    }
    int ngroups = 0;
    for (size_t i = 0; i < n; i++) {
        int fi = field_idx[i];
        if (st->stamp[fi] == st->seq) {
            st->gcount[st->group_of[fi]]++;
            continue;
        }
        st->stamp[fi] = st->seq;
        st->group_of[fi] = ngroups;
        st->gfield[ngroups] = fi;
        st->gcount[ngroups] = 1;
        st->gfirst[ngroups] = (int)i;
        ngroups++;
    }

    /* 2. signature: grouped fields that have columns, in first-seen order */
    sbuf_reset(&st->sig);
    sbuf_grow(&st->sig, (size_t)ngroups * sizeof(int));
    int nsig = 0;
    for (int g = 0; g < ngroups; g++) {
        int fi = st->gfield[g];
        if (st->gcount[g] > 1 && store_mark_mv(st, fi)) goto out;
        if (!st->fields[fi].col) {
            sbuf_addc(&extra, extra.len ? ',' : '{');
            mv_json_string(&extra, st->fields[fi].name, strlen(st->fields[fi].name));
            sbuf_addc(&extra, ':');
            if (st->gcount[g] > 1) store_mv_json(&extra, ev, fi, field_idx);
            else mv_json_string(&extra, ev->fields[st->gfirst[g]].value, ev->fields[st->gfirst[g]].value_len);
            continue;
        }
        memcpy(st->sig.s + st->sig.len, &fi, sizeof fi); /* room made above */
        st->sig.len += sizeof fi;
        nsig++;
    }
    if (extra.len) sbuf_addc(&extra, '}');
    sqlite3_stmt *stmt = store_insert_stmt(st, (const int *)st->sig.s, nsig);
    if (!stmt) goto out;

    /* 3. bind and insert */
    sqlite3_bind_double(stmt, 1, ev->time);
    sqlite3_bind_text(stmt, 2, ev->index, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, ev->host, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, ev->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 5, ev->sourcetype, -1, SQLITE_STATIC);
    if (file_id > 0) sqlite3_bind_int64(stmt, 6, file_id);
    else sqlite3_bind_null(stmt, 6);
    if (extra.len) sqlite3_bind_text(stmt, 7, extra.s, (int)extra.len, SQLITE_STATIC);
    else sqlite3_bind_null(stmt, 7);
    int p = STORE_FIXED_BINDS + 1;
    for (int g = 0; g < ngroups; g++) {
        int fi = st->gfield[g];
        if (!st->fields[fi].col) continue;
        if (st->gcount[g] > 1) {
            /* Several buffers may be live at once: copy into the blob. */
            sbuf_reset(&mvbuf);
            store_mv_json(&mvbuf, ev, fi, field_idx);
            sqlite3_bind_blob(stmt, p++, mvbuf.s, (int)mvbuf.len, SQLITE_TRANSIENT);
        } else {
            const ev_field *f = &ev->fields[st->gfirst[g]];
            sqlite3_bind_text(stmt, p++, f->value, (int)f->value_len, SQLITE_STATIC);
        }
    }
    int rc = sqlite3_step(stmt);
    /* No clear_bindings: every parameter is bound again for each row. */
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        store_set_err(st, "inserting an event");
        goto out;
    }
    rowid = sqlite3_last_insert_rowid(st->db);
    if (rawblk_add(st->rb, rowid, ev->raw ? ev->raw : "", ev->raw ? ev->raw_len : 0)) {
        store_set_err(st, "writing a _raw block");
        rowid = -1;
    }
out:
    if (field_idx != stack_idx) free(field_idx);
    sbuf_free(&mvbuf);
    sbuf_free(&extra);
    return rowid;
}

static int store_is_meta(const char *name)
{
    return !strcmp(name, "_time") || !strcmp(name, "index") || !strcmp(name, "host") ||
           !strcmp(name, "source") || !strcmp(name, "sourcetype");
}

int store_field_sql(store *st, const char *alias, const char *name, sbuf *out)
{
    const char *dot = (alias && *alias) ? "." : "";
    if (!alias) alias = "";
    if (store_is_meta(name)) {
        sbuf_printf(out, "%s%s", alias, dot);
        sbuf_add_sql_ident(out, name);
        return 1;
    }
    if (!strcmp(name, "_raw")) {
        sbuf_printf(out, "(SELECT splite_raw(r.blk, r.rowid) FROM raw r WHERE r.rowid = %s%srowid)", alias, dot);
        return 1;
    }
    long *v = hmap_get(&st->by_name, name, strlen(name));
    if (!v) {
        sbuf_add(out, "NULL");
        return 0;
    }
    const store_field *f = &st->fields[*v];
    if (f->col) {
        sbuf_printf(out, "%s%s", alias, dot);
        sbuf_add_sql_ident(out, f->col);
    } else {
        sbuf tmp = {0};
        sbuf_add(&tmp, "$.");
        mv_json_string(&tmp, name, strlen(name));
        sbuf_printf(out, "json_extract(%s%s_extra, ", alias, dot);
        sbuf_add_sql_string(out, tmp.s, tmp.len);
        sbuf_addc(out, ')');
        sbuf_free(&tmp);
    }
    return 1;
}

int store_field_is_mv(store *st, const char *name)
{
    long *v = hmap_get(&st->by_name, name, strlen(name));
    return v ? st->fields[*v].mv : 0;
}

void store_each_field(store *st, void (*fn)(void *ctx, const char *name), void *ctx)
{
    static const char *const meta[] = {"_time", "index", "host", "source", "sourcetype", "_raw", NULL};
    for (int i = 0; meta[i]; i++) fn(ctx, meta[i]);
    for (int i = 0; i < st->nfields; i++)
        if (!store_is_meta(st->fields[i].name) && strcmp(st->fields[i].name, "_raw")) fn(ctx, st->fields[i].name);
}

void store_tune_for_search(store *st)
{
    /* searches scan the same pages again and again (one detection after
     * another): a page cache of up to 256 MB instead of 16 saves re-reading
     * them from the file (it grows only as pages are read) */
    store_exec(st, "PRAGMA cache_size=-262144");
}
