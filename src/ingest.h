/* ingest.h: the ingest driver. It reads files line by line (streaming, any
 * line length), feeds the chosen reader, fills in default metadata, batches
 * events into store transactions and records per-file progress so that a
 * crashed or killed ingest resumes without duplicates. */
#ifndef SPLITE_INGEST_H
#define SPLITE_INGEST_H
#include <stdio.h>
#include "event.h"
#include "reader.h"

struct store;

typedef struct ingest_opts {
    const char *index;       /* default "main" */
    const char *sourcetype;  /* NULL: the reader's */
    const char *source;      /* NULL: the file path */
    const char *host;        /* NULL: from event, else fallback_host */
    const char *fallback_host; /* NULL: this machine's host name */
    const char *format;      /* NULL: auto-detect */
    int force;               /* load as new even if this content was loaded */
    int replace;             /* delete the earlier loads of the file, load it again */
    int no_wait;             /* (commands) give up if another ingest holds the database */
    int update_timestamp;    /* shift so the newest event is now */
    int quiet;               /* no per-file summary */
    int batch;               /* events per transaction (default 10000) */
} ingest_opts;

typedef struct ingest_stats {
    long events, rejected, skipped_files, files;
    long utf8_fixed;         /* lines with bytes that are not UTF-8 (escaped) */
    double bytes, seconds;
} ingest_stats;

/* Ingest one file ("-" is stdin). Returns 0 on success (bad lines are counted,
 * not fatal; a file loaded before is skipped or continued where it ended),
 * -1 when the file cannot be read or matches no reader, every line was
 * rejected, the file changed since it was loaded (see ingest_identity.c), or
 * the store fails; an error message has been printed naming the file.
 * events in *total counts committed events only. */
int ingest_file(struct store *st, const char *path, const ingest_opts *o, ingest_stats *total);

/* Feed data[0..len) through reader r and hand every event to sink instead of
 * a store (unit tests, fuzzing). No metadata defaults are applied. Returns
 * the number of rejected lines/events; rejections are reported on stderr
 * unless quiet. */
typedef int (*ingest_sink_fn)(void *ctx, const event *ev);
long ingest_memory(const reader *r, const char *name, const char *data, size_t len,
                   ingest_sink_fn sink, void *ctx, int quiet);

/* --- for readers --- */
/* Store one event. Returns 0, or -1 on a fatal store error. The event may be
 * reset by the reader as soon as this returns. */
int ingest_emit(struct ingest *in, event *ev);
/* Count and report (file:line: message) a line or event that was not loaded;
 * line < 0: "file: message" (binary readers name the place in message). */
void ingest_reject(struct ingest *in, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Report (as ingest_reject does) something that cost no event: a checksum
 * that does not match while every record still reads. Not counted. */
void ingest_warn(struct ingest *in, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Multiline readers: a new event starts at the current line; everything
 * before it has been emitted. */
void ingest_boundary(struct ingest *in);
/* Binary readers (reader.binary): read up to n bytes of the input (hashed,
 * counted). Returns the bytes read (fewer only at the end), or -1 on a read
 * error (reported). */
long ingest_read(struct ingest *in, void *buf, size_t n);
/* Binary readers: the unit read so far (a file header, a chunk) has been
 * handled: a resume point. Returns -1 on a store error. */
int ingest_unit_end(struct ingest *in);
/* Binary readers with a volatile head: bytes p[0..n) at offset off of the
 * unit just read that stay the same while the format writes more into the
 * unit (an EVTX chunk's first record). With them the unit, when it is the
 * last one with events, is recognised in the grown file and read again. */
void ingest_unit_key(struct ingest *in, size_t off, const void *p, size_t n);
/* Binary readers: 1 if the unit just read was loaded by an earlier,
 * interrupted run (its events must not be emitted again). */
int ingest_unit_loaded(const struct ingest *in);
/* Current line number (1-based) and file name, for messages. */
long ingest_lineno(const struct ingest *in);
const char *ingest_filename(const struct ingest *in);
#endif
