/* ingest_int.h: what the ingest driver (ingest.c) shares with its file
 * identity code (ingest_identity.c, the "fishbucket"): the streaming content
 * hash, the line reader, the per-line hashes, and the lookup of an earlier
 * load of a file. Not for readers (they use ingest.h). */
#ifndef SPLITE_INGEST_INT_H
#define SPLITE_INGEST_INT_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>
#include "util.h"

struct store;

/* util_hash over a stream of chunks: the same value as over the whole
 * content at once (whole 8-byte words, then the tail). */
typedef struct ingest_hash {
    uint64_t h;
    unsigned char carry[8];
    size_t ncarry;
} ingest_hash;

static inline void ingest_hash_init(ingest_hash *s)
{
    s->h = UTIL_HASH_INIT;
    s->ncarry = 0;
}

static inline void ingest_hash_feed(ingest_hash *s, const char *p, size_t n)
{
    if (s->ncarry) {
        size_t k = 8 - s->ncarry;
        if (k > n) k = n;
        memcpy(s->carry + s->ncarry, p, k);
        s->ncarry += k;
        p += k;
        n -= k;
        if (s->ncarry < 8) return;
        s->h = util_hash(s->h, s->carry, 8);
        s->ncarry = 0;
    }
    size_t w = n & ~(size_t)7;
    if (w) s->h = util_hash(s->h, p, w);
    if (n > w) memcpy(s->carry, p + w, n - w);
    s->ncarry = n - w;
}

static inline uint64_t ingest_hash_value(const ingest_hash *s)
{
    return util_hash(s->h, s->carry, s->ncarry);
}

/* Bytes p[0..n) found at file offset off, those before vol hashed as zeros:
 * a header the format rewrites in place as the file grows (reader.h,
 * volatile_head) is not part of the file's identity. */
static inline void ingest_hash_feed_at(ingest_hash *s, const char *p, size_t n, long long off, long long vol)
{
    static const char zeros[512];
    while (n && off < vol) {
        size_t z = (size_t)(vol - off);
        if (z > n) z = n;
        if (z > sizeof zeros) z = sizeof zeros;
        ingest_hash_feed(s, zeros, z);
        p += z;
        n -= z;
        off += (long long)z;
    }
    ingest_hash_feed(s, p, n);
}

/* Bytes at the start of a file that identify it (Splunk's initCrcLength). */
#define INGEST_HEAD_ID 256

/* A file (or stdin) read line by line; every byte consumed is hashed. */
typedef struct ingest_lines {
    FILE *f;
    char *buf;
    size_t len, pos;
    int eof;
    sbuf line;
    const char *head; /* bytes already read for detection, served first */
    size_t head_len, head_pos;
    ingest_hash hl;      /* hash of every byte consumed so far */
    ingest_hash hl_prev; /* ... before the line last returned */
    int unterminated;    /* the line last returned ended at EOF without '\n' */
} ingest_lines;

/* Next line into line/len (without the LF or CR LF). Returns 1 for a line,
 * 0 at end, 2 for a line longer than INGEST_MAX_LINE (skipped; len is its
 * length), -1 on read error. consumed = bytes including the line end.
 * L->buf must hold INGEST_BUF bytes. */
#define INGEST_MAX_LINE (4 * 1024 * 1024)
#define INGEST_BUF (1024 * 1024)
int ingest_next_line(ingest_lines *L, const char **line, size_t *len, size_t *consumed);

/* The hash recorded per line (to tell where a changed file differs); r as
 * ingest_next_line returned (line is not set for an over-long line). */
static inline uint32_t ingest_line_hash(int r, const char *line, size_t len, size_t consumed)
{
    return (uint32_t)util_hash(UTIL_HASH_INIT ^ (uint64_t)consumed, r == 1 ? line : "", r == 1 ? len : 0);
}

/* --- the files table (ingest_identity.c) --- */

/* Add what the identity model needs to an older database (columns head,
 * tail_off, tail_line, tail_rowid of files; table file_lines). Idempotent;
 * inside or outside a transaction. 0 or -1. */
int ingest_schema(struct store *st);

typedef enum {
    INGEST_NEW,     /* never loaded: load from the start */
    INGEST_SAME,    /* loaded completely, and the file has not grown */
    INGEST_RESUME,  /* an interrupted load of this content: continue it */
    INGEST_APPEND,  /* loaded, and the file has grown since: load what is new */
    INGEST_CHANGED, /* this path was loaded, but the bytes loaded differ now */
} ingest_match_kind;

typedef struct ingest_match {
    ingest_match_kind kind;
    sqlite3_int64 id;        /* the earlier load (all but NEW) */
    long long off;           /* RESUME/APPEND: continue at this byte ... */
    long line;               /* ... which starts line line + 1 */
    sqlite3_int64 del_from;  /* APPEND: the earlier load's events from this rowid on
                                came from an event that may have been incomplete
                                (its last one); they are loaded again. 0: none */
    long long loaded;        /* CHANGED: bytes the earlier load read */
    long loaded_lines;
    char head[17];           /* hash of the first INGEST_HEAD_ID bytes */
} ingest_match;

/* Which earlier load (if any) the regular file at path (size bytes) is,
 * its first volatile_head bytes hashed as zeros (the reader's). Reads the
 * file. A load with a tail hash (a binary file's last chunk with events)
 * also matches a file whose bytes before the tail are the same: the tail
 * was rewritten in place, it is loaded again. 0, or -1 (message printed). */
int ingest_match_file(struct store *st, const char *path, long long size, long long volatile_head, ingest_match *m);
/* Where the file differs from the earlier load m (CHANGED): a sentence, malloc'd. */
char *ingest_describe_change(struct store *st, const char *path, const ingest_match *m);
/* Delete the events (with their _raw) of load id from rowid from_rowid on
 * (0: all of them, and the load itself), keeping data model summaries
 * right. Inside the caller's transaction. Returns the number of events
 * deleted, or -1. */
long ingest_delete_load(struct store *st, sqlite3_int64 id, sqlite3_int64 from_rowid);
/* The ids of the earlier loads of path (same path), n set; malloc'd. */
sqlite3_int64 *ingest_loads_of_path(struct store *st, const char *path, int *n);
/* Record line hashes first_line.. of load id (n of them). 0 or -1. */
int ingest_put_line_hashes(struct store *st, sqlite3_int64 id, long first_line, const uint32_t *h, size_t n);
/* Forget line hashes of load id after line (a tail loaded again). 0 or -1. */
int ingest_cut_line_hashes(struct store *st, sqlite3_int64 id, long line);

/* --- the writer's claim on a database (ingest_lock.c) --- */
/* Take the ingest lock of the database at db_path (a lock file next to it):
 * waits for another ingest/replay to finish (saying so), or with no_wait
 * gives up. Returns the lock's fd (>= 0), or -1 with a message printed. */
int ingest_lock(const char *db_path, int no_wait, const char *cmd);
void ingest_unlock(int fd);
#endif
