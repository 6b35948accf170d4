/* risk.h: turning one detection result row into what Splunk Enterprise
 * Security's alert actions write: risk events (risk analysis action, one per
 * risk object value) and notable events (notable action), with $field$
 * templating of messages and titles. Storage is in risk_store.h. */
#ifndef SPLITE_RISK_H
#define SPLITE_RISK_H
#include <stddef.h>

#include "detection.h"

/* One result row: column names and values. A value is a list of strings:
 * 0 items = null, 1 = single value, more = multivalue. */
typedef struct risk_row {
    size_t n, cap;
    char **names;
    char ***values;
    size_t *nvalues;
} risk_row;

void risk_row_init(risk_row *r);
void risk_row_free(risk_row *r);
/* Append a column (values copied). */
void risk_row_add(risk_row *r, const char *name, const char *const *values, size_t nvalues);
/* Append a single-valued column; value NULL = null. */
void risk_row_add_text(risk_row *r, const char *name, const char *value);
/* Append a multivalue column given as a JSON array of strings/numbers (the
 * store's multivalue BLOB). Returns 0, or -1 (nothing added) if it is not. */
int risk_row_add_json(risk_row *r, const char *name, const char *json, size_t len);
/* Values of a column (NULL and *n = 0 if absent). */
const char *const *risk_row_get(const risk_row *r, const char *name, size_t *n);
/* Stable key of a row's content (16 hex digits): the same row in the same
 * window is the same key, which makes storing idempotent. Caller frees. */
char *risk_row_key(const risk_row *r);

/* Expand $field$ tokens from the row: a multivalue value becomes its values
 * joined by ", "; a field absent from the row leaves the token as written
 * (as ES leaves unresolved tokens); "$$" is a literal '$'. A name may contain
 * blanks only when such a field exists ("$PSWA Host$"); otherwise that '$' is
 * literal, so a typo like "$dest on $user$" still expands $user$. */
char *risk_expand(const char *tmpl, const risk_row *row);

typedef struct risk_event {
    double time;              /* the row's _time if numeric, else the run time */
    char *search_name;        /* "ESCU - <name> - Rule" ("Sigma - <name> - Rule") */
    char *risk_object;
    char *risk_object_type;   /* system | user | other (or the rba: type) */
    char *risk_object_field;  /* the result field it came from */
    int risk_score;
    char *risk_message;
    int confidence, impact;   /* -1 when the detection has none */
    char *mitre_attack;       /* JSON array text (annotations.mitre_attack) */
    char *analyticstories;    /* JSON array text */
    char *threat_object;      /* JSON array text of threat object values */
    char *threat_object_type; /* JSON array text, parallel to threat_object */
    char *row_key;
    char *rule_id, *rule_author; /* the detection's id and author (NULL when unknown) */
    char *rule_origin;           /* "splunk" or "sigma" */
} risk_event;

typedef struct risk_event_list {
    risk_event *v;
    size_t n;
} risk_event_list;

/* Append to out one risk event per (risk object, non-empty distinct value)
 * of the row. run_time is used when the row has no numeric _time. Returns
 * how many were added. */
size_t risk_events_for_row(const detection *d, const risk_row *row, double run_time, risk_event_list *out);
void risk_event_list_free(risk_event_list *l);

typedef struct notable_event {
    double time;
    char *search_name, *rule_name, *rule_title, *rule_description;
    char *security_domain;  /* tags.security_domain, default "threat" */
    char *severity;         /* informational | low | medium | high | critical */
    int risk_score;
    char *nes_fields;       /* JSON object: nes field -> value or array */
    char *mitre_attack;     /* JSON array text */
    char *analyticstories;  /* JSON array text */
    char *result;           /* the whole row as a JSON object */
    char *row_key;
    char *rule_id, *rule_author, *rule_origin; /* as in risk_event */
} notable_event;

/* ES severity for a risk score: 0-20 informational, 21-40 low, 41-60
 * medium, 61-80 high, above 80 critical (contentctl's bands). */
const char *risk_severity(int score);
/* The detection's risk score: the highest of its risk objects' scores, else
 * tags.risk_score, else impact x confidence / 100, else 0. */
int risk_detection_score(const detection *d);

/* Fill *out with the notable for this row (whether the detection's
 * deployment has the notable action is the caller's decision: d->deploy.notable). */
void risk_notable_for_row(const detection *d, const risk_row *row, double run_time, notable_event *out);
void notable_event_free(notable_event *n);
#endif
