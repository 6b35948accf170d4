/* event.h: the in-memory event a reader builds and the store writes: metadata
 * (_time, index, host, source, sourcetype), _raw byte for byte, and named
 * fields in order. A name that occurs more than once is a multivalue field.
 * Strings the reader builds live in the event's arena until event_reset. */
#ifndef SPLITE_EVENT_H
#define SPLITE_EVENT_H
#include <stddef.h>

typedef struct ev_field {
    const char *name;  /* NUL-terminated, in the arena (event_add_ref: neither) */
    size_t name_len;
    const char *value; /* NUL-terminated, in the arena (event_add_ref: neither) */
    size_t value_len;
} ev_field;

typedef struct ev_block ev_block;

typedef struct event {
    double time;        /* epoch seconds, sub-second kept; valid if has_time */
    int has_time;
    /* Metadata set by the reader from the event itself (HEC envelope, the
     * XML Computer, ComputerName=...). NULL means "use the ingest default". */
    const char *index, *host, *source, *sourcetype;
    /* Metadata that overrides the command line (HEC envelope), else 0. */
    int meta_overrides;
    const char *raw;    /* the original text; need not be NUL-terminated */
    size_t raw_len;
    ev_field *fields;
    size_t nfields, cap;
    ev_block *arena;    /* chunked: pointers stay valid until event_reset */
} event;

void event_init(event *ev);
/* Forget fields and metadata; keeps memory for reuse. */
void event_reset(event *ev);
void event_free(event *ev);
/* Copy n bytes into the arena, NUL-terminated. */
char *event_strndup(event *ev, const char *s, size_t n);
/* Add a field; name and value are copied. Empty names are refused (return -1). */
int event_add(event *ev, const char *name, size_t name_len, const char *value, size_t value_len);
int event_add_str(event *ev, const char *name, const char *value);
/* Add a field without copying: name and value must stay valid until the
 * event is reset (e.g. they point into the reader's current line); they need
 * not be NUL-terminated. Empty names are refused (return -1). */
int event_add_ref(event *ev, const char *name, size_t name_len, const char *value, size_t value_len);
/* First value of a field or NULL (NUL-terminated unless added by
 * reference). */
const char *event_get(const event *ev, const char *name);
#endif
