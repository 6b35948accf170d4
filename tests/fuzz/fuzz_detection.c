/* fuzz_detection.c: libFuzzer harness for the detection side: arbitrary
 * bytes as a cron schedule, a time modifier and a detection YAML file (then
 * resolved, and turned into risk events and a notable from a row that has
 * every observable field) must never crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cron.h"
#include "detect_window.h"
#include "detection.h"
#include "risk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;

    cron_expr c;
    char *err = NULL;
    if (cron_parse(text, &c, &err) == 0) {
        double t, due[8];
        int more;
        cron_next(&c, 1.7e9, &t);
        cron_due(&c, 1.7e9, 1.7e9 + 7 * 86400, due, 8, &more);
    }
    free(err);
    err = NULL;

    double t;
    detect_relative_time(text, 1.7e9, &t, &err);
    free(err);
    err = NULL;

    detection *d = NULL;
    if (detection_load_string(text, size, "fuzz.yml", &d, &err) == 0) {
        if (detection_resolve(d, NULL, &err) == 0) {
            risk_row row;
            risk_row_init(&row);
            for (size_t i = 0; i < d->nobservables; i++) risk_row_add_text(&row, d->observables[i].name, "v");
            risk_event_list l = {0};
            risk_events_for_row(d, &row, 1, &l);
            risk_event_list_free(&l);
            notable_event n;
            risk_notable_for_row(d, &row, 1, &n);
            notable_event_free(&n);
            risk_row_free(&row);
        }
        detection_free(d);
    }
    free(err);
    free(text);
    return 0;
}
