/* detect_schedule.c: due times of a detection's cron schedule (continuous
 * scheduling after the last run, latest due time on a first run) and the
 * search window of a run. */
#include "detect_schedule.h"
#include "cron.h"
#include "detect_window.h"
#include "util.h"

#include <assert.h>
#include <stdlib.h>

static int ds_cron(const detection *d, cron_expr *c, char **err)
{
    char *e = NULL;
    if (cron_parse(d->deploy.cron_schedule, c, &e) < 0) {
        if (err) *err = xasprintf("%s: scheduling.cron_schedule: %s", d->file, e);
        free(e);
        return -1;
    }
    return 0;
}

/* The latest matching minute <= now, searching back in widening steps. */
static int ds_latest(const cron_expr *c, double now, double *out)
{
    static const double lookback[] = {3600, 86400, 31 * 86400.0, 366 * 86400.0, 8 * 366 * 86400.0};
    for (size_t i = 0; i < sizeof lookback / sizeof *lookback; i++) {
        double t = now - lookback[i], next;
        int found = 0;
        while (cron_next(c, t, &next) == 0 && next <= now) {
            *out = next;
            found = 1;
            t = next;
        }
        if (found) return 0;
    }
    return -1;
}

int detect_schedule_due(const detection *d, int has_last, double last, double now, double *out, size_t max, size_t *n,
                        int *more, char **err)
{
    assert(d && n);
    *n = 0;
    if (more) *more = 0;
    if (!d->deploy.cron_schedule) return 0;
    cron_expr c;
    if (ds_cron(d, &c, err) < 0) return -1;
    if (has_last) {
        *n = cron_due(&c, last, now, out, max, more);
        return 0;
    }
    double t;
    if (max > 0 && ds_latest(&c, now, &t) == 0) {
        out[0] = t;
        *n = 1;
    }
    return 0;
}

int detect_run_window(const detection *d, double scheduled, double *earliest, double *latest, char **err)
{
    assert(d && earliest && latest);
    char *e = NULL;
    if (detect_window(d->deploy.earliest_time, d->deploy.latest_time, scheduled, earliest, latest, &e) < 0) {
        if (err) *err = xasprintf("%s: scheduling.%s", d->file, e);
        free(e);
        return -1;
    }
    return 0;
}
