/* reader.h: the interface every input format implements, and the registry
 * (reader_registry.c) that lists them. A reader is fed the input one line at a
 * time (without its line end) and calls ingest_emit() for each event. */
#ifndef SPLITE_READER_H
#define SPLITE_READER_H
#include <stddef.h>

struct ingest;

typedef struct reader {
    const char *name;        /* --format name, e.g. "xmlwineventlog" */
    const char *sourcetype;  /* default sourcetype when none is given */
    /* How sure (0 = not this format .. 100 = certain) the reader is that a file
     * whose first bytes are head[0..len) is its format. */
    int (*detect)(const char *head, size_t len);
    void *(*open)(void);
    /* One line of input. Bad lines are reported with ingest_reject() and the
     * reader carries on; return -1 only for a fatal error (store failure). */
    int (*line)(void *state, struct ingest *in, const char *line, size_t len);
    /* End of input: emit whatever is pending. */
    int (*finish)(void *state, struct ingest *in);
    void (*close)(void *state);
    /* 0: every event ends with its line, the driver marks resume points itself.
     * 1: events span lines; the reader calls ingest_boundary() when a new
     *    event starts (before emitting the previous one is fine). */
    int multiline;
    /* Bytes that are not UTF-8 reach the reader escaped as \xNN (as Splunk
     * shows them); 1: as \\xNN, so that inside a JSON string the line stays
     * JSON and the value reads \xNN. */
    int escape_json;
    /* Binary formats (evtx): instead of line/multiline, the reader pulls the
     * file's bytes itself with ingest_read() and marks the end of each unit
     * it has emitted (a resume point) with ingest_unit_end(). NULL for the
     * line readers. */
    int (*binary)(void *state, struct ingest *in);
    /* Binary formats whose file header is rewritten in place as the file
     * grows (evtx: 4096): those leading bytes are not part of the file's
     * identity, and the last unit with events is a tail read again when the
     * file has changed after it. 0 for the others. */
    long long volatile_head;
} reader;

extern const reader *const reader_table[];
const reader *reader_find(const char *name);
/* Best reader for a file that starts with head[0..len), or NULL. */
const reader *reader_detect(const char *head, size_t len);
/* The same among the binary readers only, on the file's raw bytes (they
 * read bytes, not UTF-8 text). */
const reader *reader_detect_binary(const char *head, size_t len);

/* The readers (one file each: ingest_<name>.c). */
extern const reader reader_xmlwineventlog;
extern const reader reader_wineventlog;
extern const reader reader_json;
extern const reader reader_kv;
extern const reader reader_evtxjson;
extern const reader reader_evtx;
#endif
