/* risk.c: risk events and notable events for one detection result row, as
 * ES's risk analysis and notable alert actions produce them. */
#include "risk.h"
#include "util.h"

#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *rk_json_list(const detect_strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++) json_array_append_new(a, json_string(l->v[i]));
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

static char *rk_dump(json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(v);
    return s;
}

static double rk_time(const risk_row *row, double run_time)
{
    size_t n;
    const char *const *v = risk_row_get(row, "_time", &n);
    double t;
    if (n >= 1 && util_is_number(v[0], strlen(v[0]), &t)) return t;
    return run_time;
}

int risk_detection_score(const detection *d)
{
    int best = -1;
    for (size_t i = 0; i < d->nrisk_objects; i++)
        if (d->risk_objects[i].score > best) best = d->risk_objects[i].score;
    if (best >= 0) return best;
    if (d->risk_score >= 0) return d->risk_score;
    if (d->impact >= 0 && d->confidence >= 0) return (int)lround(d->impact * (double)d->confidence / 100.0);
    return 0;
}

const char *risk_severity(int score)
{
    if (score <= 20) return "informational";
    if (score <= 40) return "low";
    if (score <= 60) return "medium";
    if (score <= 80) return "high";
    return "critical";
}

static char *rk_search_name(const detection *d)
{
    return detection_search_name(d);
}

static char *rk_dup(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static const char *rk_origin(const detection *d)
{
    return d->origin ? d->origin : "splunk";
}

size_t risk_events_for_row(const detection *d, const risk_row *row, double run_time, risk_event_list *out)
{
    assert(d && row && out);
    /* Threat objects are shared by every risk event of the row. */
    json_t *tobj = json_array(), *ttype = json_array();
    for (size_t i = 0; i < d->nthreat_objects; i++) {
        size_t n;
        const char *const *v = risk_row_get(row, d->threat_objects[i].field, &n);
        for (size_t j = 0; j < n; j++) {
            if (!*v[j]) continue;
            json_array_append_new(tobj, json_string(v[j]));
            json_array_append_new(ttype, json_string(d->threat_objects[i].type));
        }
    }
    char *threat_object = rk_dump(tobj), *threat_type = rk_dump(ttype);
    double t = rk_time(row, run_time);
    size_t added = 0;
    char *message = NULL, *key = NULL;
    for (size_t i = 0; i < d->nrisk_objects; i++) {
        const detect_rba_object *ro = &d->risk_objects[i];
        size_t n;
        const char *const *v = risk_row_get(row, ro->field, &n);
        for (size_t j = 0; j < n; j++) {
            if (!*v[j]) continue; /* an empty value is no risk object */
            int dup = 0;
            for (size_t k = 0; k < j; k++)
                if (strcmp(v[k], v[j]) == 0) dup = 1;
            if (dup) continue;
            if (!message) {
                message = risk_expand(d->message ? d->message : d->name, row);
                key = risk_row_key(row);
            }
            out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
            risk_event *e = &out->v[out->n++];
            memset(e, 0, sizeof *e);
            e->time = t;
            e->search_name = rk_search_name(d);
            e->risk_object = xstrdup(v[j]);
            e->risk_object_type = xstrdup(ro->type);
            e->risk_object_field = xstrdup(ro->field);
            e->risk_score = ro->score;
            e->risk_message = xstrdup(message);
            e->confidence = d->confidence;
            e->impact = d->impact;
            e->mitre_attack = rk_json_list(&d->mitre_attack_id);
            e->analyticstories = rk_json_list(&d->analytic_story);
            e->threat_object = xstrdup(threat_object);
            e->threat_object_type = xstrdup(threat_type);
            e->row_key = xstrdup(key);
            e->rule_id = rk_dup(d->id);
            e->rule_author = rk_dup(d->author);
            e->rule_origin = xstrdup(rk_origin(d));
            added++;
        }
    }
    free(message);
    free(key);
    free(threat_object);
    free(threat_type);
    return added;
}

static void risk_event_clear(risk_event *e)
{
    free(e->search_name);
    free(e->risk_object);
    free(e->risk_object_type);
    free(e->risk_object_field);
    free(e->risk_message);
    free(e->mitre_attack);
    free(e->analyticstories);
    free(e->threat_object);
    free(e->threat_object_type);
    free(e->row_key);
    free(e->rule_id);
    free(e->rule_author);
    free(e->rule_origin);
}

void risk_event_list_free(risk_event_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) risk_event_clear(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* A column as JSON: null, a string, or an array for a multivalue. */
static json_t *rk_value_json(const char *const *v, size_t n)
{
    if (n == 0) return json_null();
    if (n == 1) return json_string(v[0]);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, json_string(v[i]));
    return a;
}

void risk_notable_for_row(const detection *d, const risk_row *row, double run_time, notable_event *out)
{
    assert(d && row && out);
    memset(out, 0, sizeof *out);
    out->time = rk_time(row, run_time);
    out->search_name = rk_search_name(d);
    out->rule_name = xstrdup(d->name);
    out->rule_title = risk_expand(d->deploy.rule_title ? d->deploy.rule_title : d->name, row);
    out->rule_description = risk_expand(d->deploy.rule_description ? d->deploy.rule_description : d->description, row);
    if (d->origin && d->author && *d->author && !strstr(out->rule_description, d->author)) {
        /* a Sigma rule's author on every message built from a match (Detection Rule License) */
        char *t = xasprintf("%s%s(rule by %s)", out->rule_description, *out->rule_description ? " " : "", d->author);
        free(out->rule_description);
        out->rule_description = t;
    }
    out->security_domain = xstrdup(d->security_domain ? d->security_domain : "threat");
    out->risk_score = risk_detection_score(d);
    out->severity = xstrdup(risk_severity(out->risk_score));
    json_t *nes = json_object();
    for (size_t i = 0; i < d->deploy.nes_fields.n; i++) {
        size_t n;
        const char *const *v = risk_row_get(row, d->deploy.nes_fields.v[i], &n);
        if (n) json_object_set_new(nes, d->deploy.nes_fields.v[i], rk_value_json(v, n));
    }
    out->nes_fields = rk_dump(nes);
    out->mitre_attack = rk_json_list(&d->mitre_attack_id);
    out->analyticstories = rk_json_list(&d->analytic_story);
    json_t *res = json_object();
    for (size_t i = 0; i < row->n; i++)
        json_object_set_new(res, row->names[i], rk_value_json((const char *const *)row->values[i], row->nvalues[i]));
    out->result = rk_dump(res);
    out->row_key = risk_row_key(row);
    out->rule_id = rk_dup(d->id);
    out->rule_author = rk_dup(d->author);
    out->rule_origin = xstrdup(rk_origin(d));
}

void notable_event_free(notable_event *n)
{
    if (!n) return;
    free(n->search_name);
    free(n->rule_name);
    free(n->rule_title);
    free(n->rule_description);
    free(n->security_domain);
    free(n->severity);
    free(n->nes_fields);
    free(n->mitre_attack);
    free(n->analyticstories);
    free(n->result);
    free(n->row_key);
    free(n->rule_id);
    free(n->rule_author);
    free(n->rule_origin);
    memset(n, 0, sizeof *n);
}
