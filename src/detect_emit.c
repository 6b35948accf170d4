/* detect_emit.c: per-row alert actions of a detection run (risk analysis
 * and notable), stored through risk_store. */
#include "detect_emit.h"

#include <assert.h>

int detect_emit_row(sqlite3 *db, const detection *d, const risk_run *run, const risk_row *row, double run_time,
                    detect_emit_stats *st, char **err)
{
    assert(db && d && run && row && st);
    assert(d->resolved);
    st->rows++;
    int rc = 0, ins;
    if (d->deploy.rba) {
        risk_event_list l = {0};
        risk_events_for_row(d, row, run_time, &l);
        for (size_t i = 0; rc == 0 && i < l.n; i++) {
            rc = risk_store_insert_risk(db, run, &l.v[i], &ins, err);
            if (rc == 0) st->risk_events += ins;
        }
        risk_event_list_free(&l);
    }
    if (rc == 0 && d->deploy.notable) {
        notable_event n;
        risk_notable_for_row(d, row, run_time, &n);
        rc = risk_store_insert_notable(db, run, &n, &ins, err);
        if (rc == 0) st->notables += ins;
        notable_event_free(&n);
    }
    return rc;
}
