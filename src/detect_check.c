/* detect_check.c: pass/fail checks of a detection test run, following the
 * validations contentctl applies to the risk events and notables ES made. */
#include "detect_check.h"
#include "util.h"

#include <assert.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void dc_add(detect_problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void dc_add(detect_problems *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
    p->v[p->n++] = xvasprintf(fmt, ap);
    va_end(ap);
}

void detect_problems_free(detect_problems *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n; i++) free(p->v[i]);
    free(p->v);
    p->v = NULL;
    p->n = 0;
}

/* 1 if the JSON array text holds the same strings as l, in any order. */
static int dc_same_set(const char *json, const detect_strlist *l)
{
    json_error_t je;
    json_t *a = json ? json_loads(json, 0, &je) : NULL;
    int same = json_is_array(a) && json_array_size(a) == l->n;
    for (size_t i = 0; same && i < l->n; i++) {
        int found = 0;
        size_t k;
        json_t *it;
        json_array_foreach(a, k, it)
        {
            if (json_is_string(it) && strcmp(json_string_value(it), l->v[i]) == 0) found = 1;
        }
        same = found;
    }
    json_decref(a);
    return same;
}

/* The first "$name$" with a non-blank name in s (contentctl's \$\S+\$), or NULL. */
static char *dc_unreplaced(const char *s)
{
    for (const char *p = strchr(s, '$'); p; p = strchr(p + 1, '$')) {
        size_t n = 0;
        while (p[1 + n] && p[1 + n] != '$' && p[1 + n] != ' ' && p[1 + n] != '\t' && p[1 + n] != '\n' &&
               p[1 + n] != '\r')
            n++;
        if (n > 0 && p[1 + n] == '$') return xstrndup(p, n + 2);
    }
    return NULL;
}

static int dc_expected_score(const detection *d, const risk_event *e)
{
    for (size_t i = 0; i < d->nrisk_objects; i++)
        if (strcmp(d->risk_objects[i].field, e->risk_object_field ? e->risk_object_field : "") == 0)
            return d->risk_objects[i].score;
    return -1;
}

size_t detect_check_run(const detection *d, size_t nrows, const risk_event *events, size_t nevents, size_t nnotables,
                        detect_problems *out)
{
    assert(d && out && (events || nevents == 0));
    size_t before = out->n;
    if (nrows == 0) {
        dc_add(out, "the search returned no results");
        return out->n - before;
    }
    if (d->deploy.rba && d->nrisk_objects && nevents == 0)
        dc_add(out, "no risk event was made: no result has a value in any risk object field");
    if (d->deploy.notable && nnotables == 0) dc_add(out, "no notable was made");
    char *want_name = detection_search_name(d);
    for (size_t i = 0; i < nevents; i++) {
        const risk_event *e = &events[i];
        int want = dc_expected_score(d, e);
        if (want >= 0 && e->risk_score != want)
            dc_add(out, "risk event for %s has risk_score %d, the detection says %d", e->risk_object, e->risk_score,
                   want);
        if (!e->search_name || strcmp(e->search_name, want_name) != 0)
            dc_add(out, "risk event search_name '%s' is not '%s'", e->search_name ? e->search_name : "", want_name);
        if (!dc_same_set(e->analyticstories, &d->analytic_story))
            dc_add(out, "risk event analyticstories %s differ from the detection's", e->analyticstories);
        if (!dc_same_set(e->mitre_attack, &d->mitre_attack_id))
            dc_add(out, "risk event annotations.mitre_attack %s differ from the detection's", e->mitre_attack);
        char *tok = e->risk_message ? dc_unreplaced(e->risk_message) : NULL;
        if (tok) {
            dc_add(out, "risk message has unreplaced %s (the results lack that field): %s", tok, e->risk_message);
            free(tok);
        }
        /* the Detection Rule License: a Sigma rule's author on every message built from a match */
        if (d->author && d->origin &&
            (!e->rule_author || strcmp(e->rule_author, d->author) != 0 || !e->risk_message ||
             !strstr(e->risk_message, d->author)))
            dc_add(out, "risk event for %s does not carry the rule's author '%s'", e->risk_object, d->author);
    }
    free(want_name);
    return out->n - before;
}
