/* detect_emit.h: what a detection run does with each result row: risk
 * events when its deployment has the risk (rba) action, a notable when it has
 * the notable action, stored idempotently (risk_store.h). */
#ifndef SPLITE_DETECT_EMIT_H
#define SPLITE_DETECT_EMIT_H
#include <sqlite3.h>
#include <stdint.h>

#include "detection.h"
#include "risk.h"
#include "risk_store.h"

typedef struct detect_emit_stats {
    int64_t rows;         /* rows seen */
    int64_t risk_events;  /* risk events newly stored */
    int64_t notables;     /* notables newly stored */
} detect_emit_stats;

/* Emit and store what one row produces. d must be resolved
 * (detection_resolve). run_time is the event time for rows without _time
 * (use the scheduled time, or the window's latest time). Adds to *st.
 * Returns 0, or -1 with *err. */
int detect_emit_row(sqlite3 *db, const detection *d, const risk_run *run, const risk_row *row, double run_time,
                    detect_emit_stats *st, char **err);
#endif
