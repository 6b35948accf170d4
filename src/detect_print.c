/* detect_print.c: risk events and notables as table lines or JSON lines
 * (keys as Splunk ES names them in its risk and notable indexes). */
#include "detect_print.h"
#include "util.h"

#include <jansson.h>
#include <stdlib.h>
#include <time.h>

static void dp_time(char *buf, size_t n, double t)
{
    time_t s = (time_t)t;
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A JSON array text as a JSON value (or a string if it does not parse). */
static json_t *dp_json(const char *text)
{
    if (!text) return json_null();
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    return v ? v : json_string(text);
}

static void dp_emit(FILE *f, json_t *o)
{
    char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    if (s) fprintf(f, "%s\n", s);
    free(s);
    json_decref(o);
}

/* The rule's id, author and origin (splunk | sigma); null when unknown. */
static void dp_rule(json_t *o, const char *id, const char *author, const char *origin)
{
    json_object_set_new(o, "rule_id", id ? json_string(id) : json_null());
    json_object_set_new(o, "rule_author", author ? json_string(author) : json_null());
    json_object_set_new(o, "rule_origin", origin ? json_string(origin) : json_null());
}

void detect_print_risk(FILE *f, int fmt, const risk_event *e)
{
    if (fmt == DETECT_FMT_TABLE) {
        char t[32];
        dp_time(t, sizeof t, e->time);
        fprintf(f, "risk     %s  %-28s %-6s %3d  %s\n", t, e->risk_object ? e->risk_object : "",
                e->risk_object_type ? e->risk_object_type : "", e->risk_score, e->risk_message ? e->risk_message : "");
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "record", json_string("risk"));
    json_object_set_new(o, "_time", json_real(e->time));
    json_object_set_new(o, "search_name", json_string(e->search_name ? e->search_name : ""));
    json_object_set_new(o, "risk_object", json_string(e->risk_object ? e->risk_object : ""));
    json_object_set_new(o, "risk_object_type", json_string(e->risk_object_type ? e->risk_object_type : ""));
    json_object_set_new(o, "risk_object_field", json_string(e->risk_object_field ? e->risk_object_field : ""));
    json_object_set_new(o, "risk_score", json_integer(e->risk_score));
    json_object_set_new(o, "risk_message", json_string(e->risk_message ? e->risk_message : ""));
    json_object_set_new(o, "confidence", e->confidence >= 0 ? json_integer(e->confidence) : json_null());
    json_object_set_new(o, "impact", e->impact >= 0 ? json_integer(e->impact) : json_null());
    json_object_set_new(o, "annotations.mitre_attack", dp_json(e->mitre_attack));
    json_object_set_new(o, "analyticstories", dp_json(e->analyticstories));
    json_object_set_new(o, "threat_object", dp_json(e->threat_object));
    json_object_set_new(o, "threat_object_type", dp_json(e->threat_object_type));
    dp_rule(o, e->rule_id, e->rule_author, e->rule_origin);
    dp_emit(f, o);
}

void detect_print_notable(FILE *f, int fmt, const notable_event *n)
{
    if (fmt == DETECT_FMT_TABLE) {
        char t[32];
        dp_time(t, sizeof t, n->time);
        fprintf(f, "notable  %s  %-13s %s\n", t, n->severity ? n->severity : "", n->rule_title ? n->rule_title : "");
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "record", json_string("notable"));
    json_object_set_new(o, "_time", json_real(n->time));
    json_object_set_new(o, "search_name", json_string(n->search_name ? n->search_name : ""));
    json_object_set_new(o, "rule_name", json_string(n->rule_name ? n->rule_name : ""));
    json_object_set_new(o, "rule_title", json_string(n->rule_title ? n->rule_title : ""));
    json_object_set_new(o, "rule_description", json_string(n->rule_description ? n->rule_description : ""));
    json_object_set_new(o, "security_domain", json_string(n->security_domain ? n->security_domain : ""));
    json_object_set_new(o, "severity", json_string(n->severity ? n->severity : ""));
    json_object_set_new(o, "risk_score", json_integer(n->risk_score));
    json_object_set_new(o, "nes_fields", dp_json(n->nes_fields));
    json_object_set_new(o, "annotations.mitre_attack", dp_json(n->mitre_attack));
    json_object_set_new(o, "analyticstories", dp_json(n->analyticstories));
    json_object_set_new(o, "result", dp_json(n->result));
    dp_rule(o, n->rule_id, n->rule_author, n->rule_origin);
    dp_emit(f, o);
}
