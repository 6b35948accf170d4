/* detect_print.h: printing risk events and notables (`splite run`,
 * `splite schedule`) as a table or as JSON lines. */
#ifndef SPLITE_DETECT_PRINT_H
#define SPLITE_DETECT_PRINT_H
#include <stdio.h>
#include "risk.h"

enum { DETECT_FMT_TABLE, DETECT_FMT_JSONL };
void detect_print_risk(FILE *f, int fmt, const risk_event *e);
void detect_print_notable(FILE *f, int fmt, const notable_event *n);
#endif
