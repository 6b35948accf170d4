/* detect_window.c: a scheduled detection's search window from its
 * earliest_time / latest_time time modifiers (timemod.c), evaluated at the
 * scheduled time in local time; see detect_window.h. */
#include "detect_window.h"
#include "timemod.h"
#include "util.h"

#include <assert.h>
#include <stdlib.h>

int detect_relative_time(const char *spec, double now, double *out, char **err)
{
    assert(spec && out);
    char *e = NULL;
    int rc = timemod_parse(spec, now, out, &e);
    if (err) *err = e;
    else free(e);
    return rc;
}

int detect_window(const char *earliest, const char *latest, double scheduled, double *earliest_out, double *latest_out,
                  char **err)
{
    assert(earliest_out && latest_out);
    *earliest_out = 0;
    *latest_out = scheduled;
    char *e = NULL;
    if (earliest && *earliest && detect_relative_time(earliest, scheduled, earliest_out, &e) < 0) {
        if (err) *err = xasprintf("earliest_time: %s", e);
        free(e);
        return -1;
    }
    if (latest && *latest && detect_relative_time(latest, scheduled, latest_out, &e) < 0) {
        if (err) *err = xasprintf("latest_time: %s", e);
        free(e);
        return -1;
    }
    return 0;
}
