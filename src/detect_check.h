/* detect_check.h: contentctl-style checks of what a detection test run
 * produced (for `splite test`): results exist, risk events and notables were
 * made when the deployment asks for them, and risk events carry the
 * detection's score, stories, ATT&CK ids, search name and a message with no
 * unreplaced $token$ (a token the results did not provide). */
#ifndef SPLITE_DETECT_CHECK_H
#define SPLITE_DETECT_CHECK_H
#include <stddef.h>

#include "detection.h"
#include "risk.h"

typedef struct detect_problems {
    char **v; /* one sentence each */
    size_t n;
} detect_problems;

/* Check one test run: nrows result rows, the risk events and the number of
 * notables produced from them. Appends problems to *out; returns how many
 * were found (0 = the test passes). */
size_t detect_check_run(const detection *d, size_t nrows, const risk_event *events, size_t nevents,
                        size_t nnotables, detect_problems *out);
void detect_problems_free(detect_problems *p);
#endif
