/* cron.h: five-field cron expressions (as Splunk's cron_schedule and Vixie
 * cron read them), evaluated in local time (tz.h: TZ, UTC when unset), as
 * Splunk's scheduler reads them in its zone: parse, match a time, find the
 * next run and every run due in an interval. Across a DST change, minutes
 * that do not exist locally never match and those that occur twice match
 * twice. */
#ifndef SPLITE_CRON_H
#define SPLITE_CRON_H
#include <stddef.h>
#include <stdint.h>

typedef struct cron_expr {
    uint64_t minute;   /* bit m set: minute m (0..59) matches */
    uint32_t hour;     /* bit h: hour 0..23 */
    uint32_t mday;     /* bit d: day of month 1..31 */
    uint16_t month;    /* bit m: month 1..12 */
    uint8_t wday;      /* bit w: weekday 0..6, 0 = Sunday (7 folds into 0) */
    /* Vixie rule: when both day fields are restricted (neither begins with
     * '*'), a day matches if EITHER matches; otherwise both must. */
    unsigned dom_star : 1, dow_star : 1;
} cron_expr;

/* Parse "min hour mday month wday" (lists a,b; ranges a-b; a step "/n" after
 * a star or range, "a/n" meaning a-max/n; names JAN..DEC, SUN..SAT in any case) or one of @hourly,
 * @daily, @midnight, @weekly, @monthly, @yearly, @annually.
 * Returns 0, or -1 with *err = "column N: message" (caller frees). */
int cron_parse(const char *text, cron_expr *out, char **err);

/* 1 if the minute containing epoch time t (local time) matches. */
int cron_matches(const cron_expr *c, double t);

/* The first matching minute strictly after `after` (epoch seconds).
 * Returns 0 and sets *out, or -1 if none within ~8 years (e.g. "0 0 30 2 *"). */
int cron_next(const cron_expr *c, double after, double *out);

/* The matching minutes in (a, b], in order: at most max of them are written
 * to out; returns how many were written. *more (if not NULL) is set to 1 when
 * further due times in (a, b] were left out, else 0. */
size_t cron_due(const cron_expr *c, double a, double b, double *out, size_t max,
                int *more);
#endif
