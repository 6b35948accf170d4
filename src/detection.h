/* detection.h: detections in Splunk security_content YAML format and the
 * deployment files that give each detection type its schedule and alert
 * actions. The whole YAML document is kept as a JSON tree (jansson), so keys
 * this struct does not name are preserved. */
#ifndef SPLITE_DETECTION_H
#define SPLITE_DETECTION_H
#include <jansson.h>
#include <stddef.h>

typedef enum {
    DETECT_TYPE_OTHER = 0,
    DETECT_TYPE_TTP,
    DETECT_TYPE_ANOMALY,
    DETECT_TYPE_HUNTING,
    DETECT_TYPE_CORRELATION,
    DETECT_TYPE_BASELINE,
} detect_type;

typedef struct detect_strlist {
    char **v;
    size_t n;
} detect_strlist;

typedef struct detect_observable {
    char *name;          /* result field */
    char *type;          /* "Hostname", "IP Address", "User", "Process", ... */
    detect_strlist role; /* "Victim", "Attacker", ... */
} detect_observable;

/* A risk object or threat object in ES's sense (the _risk parameter of the
 * risk analysis action), derived from tags.observable or an `rba:` block. */
typedef struct detect_rba_object {
    char *field;
    char *type;  /* risk: system | user | other; threat: ip_address, process, ... */
    int score;   /* risk objects only */
} detect_rba_object;

typedef struct detect_attack_data {
    char *data;       /* URL or path of the dataset */
    char *source;
    char *sourcetype;
    int update_timestamp;
} detect_attack_data;

typedef struct detect_test {
    char *name;
    detect_attack_data *attack_data;
    size_t nattack_data;
    long min_rows;  /* the test passes with at least this many rows (0: 1); Sigma's match_count */
    char *error;    /* the test cannot run (e.g. its regression data is missing): why */
} detect_test;

/* Effective schedule and alert actions of a detection. */
typedef struct detect_deploy {
    char *cron_schedule, *earliest_time, *latest_time, *schedule_window;
    int notable;                 /* the notable action is on */
    char *rule_title, *rule_description;
    detect_strlist nes_fields;
    int rba;                     /* the risk action (risk based alerting) is on */
    char *source;                /* which deployment supplied it (name or "detection") */
} detect_deploy;

typedef struct detection {
    char *file;          /* path it was loaded from */
    json_t *doc;         /* the whole YAML document as JSON (owned) */
    char *name, *id, *type_name, *status, *description, *search;
    char *how_to_implement, *known_false_positives;
    detect_type type;
    /* tags */
    detect_strlist analytic_story, mitre_attack_id;
    int confidence, impact, risk_score; /* -1 when absent */
    char *message, *security_domain;
    detect_observable *observables;
    size_t nobservables;
    detect_rba_object *risk_objects, *threat_objects;
    size_t nrisk_objects, nthreat_objects;
    detect_test *tests;
    size_t ntests;
    detect_deploy deploy; /* filled by detection_resolve() */
    int resolved;
    /* where the rule comes from: NULL for security_content YAML, "sigma" for
     * a Sigma rule (detect_sigma.h), with the Sigma-only fields below */
    char *origin;
    char *author;              /* the rule's author (Sigma's DRL requires it on every message) */
    char *level;               /* Sigma level: informational .. critical */
    detect_strlist tactics;    /* ATT&CK tactics from Sigma tags (attack.persistence, ...) */
    detect_strlist warnings;   /* compiler warnings ("file:line: message [code]") */
    int is_correlation;        /* a Sigma correlation: one row per group */
} detection;

typedef struct deployment {
    char *file;
    json_t *doc;
    char *name, *id, *type_name;
    detect_type type;
    char *origin; /* `origin: sigma`: the default for Sigma rules (before any by type) */
} deployment;

typedef struct deployment_set {
    deployment **v;
    size_t n;
} deployment_set;

typedef struct detection_set {
    detection **v;
    size_t n;
    char **errors; /* one message per file that failed, "file:line: message" */
    size_t nerrors;
} detection_set;

/* "TTP" -> DETECT_TYPE_TTP etc. (case-insensitive); unknown -> OTHER. */
detect_type detect_type_from_name(const char *s);

/* Load one detection. `name` is used in messages (usually the path).
 * Returns 0, or -1 with *err = "file:line: message" (caller frees). */
int detection_load_file(const char *path, detection **out, char **err);
int detection_load_string(const char *text, size_t len, const char *name, detection **out, char **err);
void detection_free(detection *d);

/* Load every *.yml / *.yaml under dir (recursively, in name order). Files that
 * fail are recorded in set->errors; the others are in set->v. A detection
 * whose name an earlier file (in path order) already uses is an error and is
 * dropped. Returns the number of failures, or -1 (with set->errors[0]) if dir
 * cannot be read. */
int detection_load_dir(const char *dir, detection_set *set);
void detection_set_free(detection_set *set);

/* Deployment files (the YAML files in security_content/deployments). */
int deployment_load_file(const char *path, deployment **out, char **err);
int deployment_load_string(const char *text, size_t len, const char *name, deployment **out, char **err);
/* Loads every deployment under dir; on the first failure returns -1, *err. */
int deployment_load_dir(const char *dir, deployment_set *set, char **err);
void deployment_free(deployment *d);
void deployment_set_free(deployment_set *set);

/* Fill d->deploy: start from the deployment whose origin matches the
 * detection's (Sigma rules: deployments/splite_default_sigma.yml), else the
 * one whose type matches the detection's type (if any), then apply the detection's own `deployment:`
 * (a deployment name/id, or an inline mapping with scheduling/alert_action),
 * then its top-level `scheduling:` and `alert_action:`. deps may be NULL.
 * Returns 0, or -1 with *err (e.g. a named deployment that does not exist). */
int detection_resolve(detection *d, const deployment_set *deps, char **err);
int detection_set_resolve(detection_set *set, const deployment_set *deps);

/* Free what a detect_deploy holds and zero it. */
void detect_deploy_clear(detect_deploy *p);

/* The saved search name ES gives the detection: "ESCU - <name> - Rule";
 * for a Sigma rule "Sigma - <name> - Rule". */
char *detection_search_name(const detection *d);
#endif
