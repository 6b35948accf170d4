/* fuzz_event.h: what the reader harnesses do with each event a reader
 * gives: read every byte of it a store would read, so that a bad length or
 * pointer shows under ASan. */
#ifndef SPLITE_FUZZ_EVENT_H
#define SPLITE_FUZZ_EVENT_H
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

static inline void fuzz_touch_event(const event *ev)
{
    volatile size_t n = ev->raw_len + ev->nfields;
    for (size_t i = 0; i < ev->nfields; i++) {
        const ev_field *f = &ev->fields[i];
        for (size_t k = 0; k < f->name_len; k++) n += (unsigned char)f->name[k];
        for (size_t k = 0; k < f->value_len; k++) n += (unsigned char)f->value[k];
    }
    for (size_t k = 0; k < ev->raw_len; k++) n += (unsigned char)ev->raw[k];
    (void)n;
}

/* The sink of the readers whose _raw is a rendered <Event ...> element
 * (evtx, evtxjson): one line of it, every byte read. */
static inline int fuzz_event_xml_sink(void *ctx, const event *ev)
{
    (void)ctx;
    if (ev->raw_len < 7 || memcmp(ev->raw, "<Event", 6) != 0 || memchr(ev->raw, '\n', ev->raw_len)) abort();
    fuzz_touch_event(ev);
    return 0;
}
#endif
