/* detection.c: loading one security_content detection YAML file into a
 * struct detection (named fields plus the whole document as JSON), deriving
 * its ES risk and threat objects from tags.observable or an `rba:` block. */
#include "detection.h"
#include "detect_sigma.h"
#include "detect_yaml.h"
#include "detection_deploy.h"
#include "util.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct dl_ctx {
    detect_yaml_doc *y;
    char *err;
} dl_ctx;

static int dl_fail(dl_ctx *c, const yaml_node_t *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int dl_fail(dl_ctx *c, const yaml_node_t *at, const char *fmt, ...)
{
    if (c->err) return -1;
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    c->err = xasprintf("%s:%d: %s", c->y->name, detect_yaml_line(at), m);
    free(m);
    return -1;
}

/* Optional text value map[key]; a null value leaves *out NULL. */
static int dl_str(dl_ctx *c, yaml_node_t *map, const char *key, const char *path, char **out)
{
    yaml_node_t *n = detect_yaml_get(c->y, map, key);
    *out = NULL;
    if (!n) return 0;
    if (n->type != YAML_SCALAR_NODE) return dl_fail(c, n, "%s: expected a text value", path);
    const char *s = detect_yaml_scalar(n);
    if (s) *out = xstrdup(s);
    return 0;
}

/* Optional integer value; absent or null -> -1. */
static int dl_int(dl_ctx *c, yaml_node_t *map, const char *key, const char *path, int *out)
{
    yaml_node_t *n = detect_yaml_get(c->y, map, key);
    *out = -1;
    if (!n || (n->type == YAML_SCALAR_NODE && !detect_yaml_scalar(n))) return 0;
    const char *s = detect_yaml_scalar(n);
    double v;
    if (!s || !util_is_number(s, strlen(s), &v) || v != floor(v) || v < 0 || v > 1e6)
        return dl_fail(c, n, "%s: expected a whole number, got '%s'", path, s ? s : "(not a scalar)");
    *out = (int)v;
    return 0;
}

static void dl_strlist_add(detect_strlist *l, const char *s)
{
    l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = xstrdup(s);
}

/* Optional list of texts; a single text counts as a one-item list. */
static int dl_strlist(dl_ctx *c, yaml_node_t *map, const char *key, const char *path, detect_strlist *out)
{
    yaml_node_t *n = detect_yaml_get(c->y, map, key);
    memset(out, 0, sizeof *out);
    if (!n) return 0;
    if (n->type == YAML_SCALAR_NODE) {
        if (detect_yaml_scalar(n)) dl_strlist_add(out, detect_yaml_scalar(n));
        return 0;
    }
    if (n->type != YAML_SEQUENCE_NODE) return dl_fail(c, n, "%s: expected a list", path);
    for (size_t i = 0; i < detect_yaml_seq_len(n); i++) {
        yaml_node_t *it = detect_yaml_seq_item(c->y, n, i);
        if (!it || it->type != YAML_SCALAR_NODE) return dl_fail(c, it ? it : n, "%s: list items must be text", path);
        if (detect_yaml_scalar(it)) dl_strlist_add(out, detect_yaml_scalar(it));
    }
    return 0;
}

static void dl_strlist_free(detect_strlist *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int dl_truthy(const char *s)
{
    return s && (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 || strcmp(s, "1") == 0);
}

detect_type detect_type_from_name(const char *s)
{
    static const struct {
        const char *name;
        detect_type t;
    } map[] = {{"TTP", DETECT_TYPE_TTP},
               {"Anomaly", DETECT_TYPE_ANOMALY},
               {"Hunting", DETECT_TYPE_HUNTING},
               {"Correlation", DETECT_TYPE_CORRELATION},
               {"Baseline", DETECT_TYPE_BASELINE}};
    if (!s) return DETECT_TYPE_OTHER;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(s, map[i].name) == 0) return map[i].t;
    return DETECT_TYPE_OTHER;
}

/* ---- risk and threat objects -------------------------------------------- */

/* Observable roles that make the observable a threat object rather than a
 * risk object (contentctl ignores "Attacker" observables for risk events and
 * emits them as threat objects). */
static int dl_is_threat_role(const char *role)
{
    return strcasecmp(role, "Attacker") == 0 || strcasecmp(role, "Known Bad") == 0;
}

/* Observable type -> ES risk_object_type. */
static const char *dl_risk_type(const char *obs_type)
{
    static const char *const system_types[] = {"Hostname", "IP Address", "Endpoint", "MAC Address"};
    static const char *const user_types[] = {"User", "User Name", "Email Address", "Email"};
    if (!obs_type) return "other";
    for (size_t i = 0; i < sizeof system_types / sizeof *system_types; i++)
        if (strcasecmp(obs_type, system_types[i]) == 0) return "system";
    for (size_t i = 0; i < sizeof user_types / sizeof *user_types; i++)
        if (strcasecmp(obs_type, user_types[i]) == 0) return "user";
    return "other";
}

/* Observable type (and field) -> ES threat_object_type (contentctl's names). */
static const char *dl_threat_type(const char *obs_type, const char *field)
{
    static const struct {
        const char *obs, *threat;
    } map[] = {
        {"IP Address", "ip_address"},
        {"Hostname", "domain"},
        {"Endpoint", "system"},
        {"URL String", "url"},
        {"Uniform Resource Locator", "url"},
        {"File Name", "file_name"},
        {"File", "file_name"},
        {"File Hash", "file_hash"},
        {"Email Address", "email_address"},
        {"Email", "email_address"},
        {"Registry Key", "registry_path"},
        {"Registry Value", "registry_value_name"},
    };
    if (obs_type && (strcasecmp(obs_type, "Process") == 0 || strcasecmp(obs_type, "Process Name") == 0)) {
        int parent = field && strncmp(field, "parent_process", 14) == 0;
        int name = strcasecmp(obs_type, "Process Name") == 0 || (field && strstr(field, "_name"));
        return parent ? (name ? "parent_process_name" : "parent_process") : (name ? "process_name" : "process");
    }
    for (size_t i = 0; obs_type && i < sizeof map / sizeof *map; i++)
        if (strcasecmp(obs_type, map[i].obs) == 0) return map[i].threat;
    return "other";
}

static void dl_add_obj(detect_rba_object **v, size_t *n, const char *field, const char *type, int score)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i].field, field) == 0 && strcmp((*v)[i].type, type) == 0) return;
    *v = xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[*n].field = xstrdup(field);
    (*v)[*n].type = xstrdup(type);
    (*v)[*n].score = score;
    (*n)++;
}

/* risk_score, else impact x confidence / 100 rounded, else 0. */
static int dl_score(const detection *d)
{
    if (d->risk_score >= 0) return d->risk_score;
    if (d->impact >= 0 && d->confidence >= 0) return (int)lround(d->impact * (double)d->confidence / 100.0);
    return 0;
}

static int dl_observables(dl_ctx *c, detection *d, yaml_node_t *tags)
{
    yaml_node_t *obs = detect_yaml_get(c->y, tags, "observable");
    if (!obs || (obs->type == YAML_SCALAR_NODE && !detect_yaml_scalar(obs))) return 0;
    if (obs->type != YAML_SEQUENCE_NODE) return dl_fail(c, obs, "tags.observable: expected a list");
    size_t n = detect_yaml_seq_len(obs);
    d->observables = xcalloc(n, sizeof *d->observables);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *it = detect_yaml_seq_item(c->y, obs, i);
        if (!it || it->type != YAML_MAPPING_NODE)
            return dl_fail(c, it ? it : obs, "tags.observable: items must be mappings");
        detect_observable *o = &d->observables[d->nobservables++];
        if (dl_str(c, it, "name", "tags.observable.name", &o->name) < 0 ||
            dl_str(c, it, "type", "tags.observable.type", &o->type) < 0 ||
            dl_strlist(c, it, "role", "tags.observable.role", &o->role) < 0)
            return -1;
        if (!o->name) return dl_fail(c, it, "tags.observable: an observable has no name");
    }
    return 0;
}

static void dl_objects_from_observables(detection *d)
{
    int score = dl_score(d);
    for (size_t i = 0; i < d->nobservables; i++) {
        detect_observable *o = &d->observables[i];
        int threat = 0;
        for (size_t r = 0; r < o->role.n; r++)
            if (dl_is_threat_role(o->role.v[r])) threat = 1;
        if (threat)
            dl_add_obj(&d->threat_objects, &d->nthreat_objects, o->name, dl_threat_type(o->type, o->name), 0);
        else
            dl_add_obj(&d->risk_objects, &d->nrisk_objects, o->name, dl_risk_type(o->type), score);
    }
}

/* The newer contentctl shape: rba: {message, risk_objects, threat_objects}. */
static int dl_rba(dl_ctx *c, detection *d, yaml_node_t *rba)
{
    if (rba->type != YAML_MAPPING_NODE) return dl_fail(c, rba, "rba: expected a mapping");
    if (!d->message && dl_str(c, rba, "message", "rba.message", &d->message) < 0) return -1;
    static const char *const lists[2] = {"risk_objects", "threat_objects"};
    for (int k = 0; k < 2; k++) {
        yaml_node_t *l = detect_yaml_get(c->y, rba, lists[k]);
        if (!l || (l->type == YAML_SCALAR_NODE && !detect_yaml_scalar(l))) continue;
        if (l->type != YAML_SEQUENCE_NODE) return dl_fail(c, l, "rba.%s: expected a list", lists[k]);
        for (size_t i = 0; i < detect_yaml_seq_len(l); i++) {
            yaml_node_t *it = detect_yaml_seq_item(c->y, l, i);
            char *field = NULL, *type = NULL;
            int score = -1;
            if (!it || it->type != YAML_MAPPING_NODE)
                return dl_fail(c, it ? it : l, "rba.%s: items must be mappings", lists[k]);
            if (dl_str(c, it, "field", "rba.field", &field) < 0 || dl_str(c, it, "type", "rba.type", &type) < 0 ||
                (k == 0 && dl_int(c, it, "score", "rba.score", &score) < 0)) {
                free(field);
                free(type);
                return -1;
            }
            if (!field) {
                free(type);
                return dl_fail(c, it, "rba.%s: an item has no field", lists[k]);
            }
            if (k == 0)
                dl_add_obj(&d->risk_objects, &d->nrisk_objects, field, type ? type : "other",
                           score >= 0 ? score : dl_score(d));
            else
                dl_add_obj(&d->threat_objects, &d->nthreat_objects, field, type ? type : "other", 0);
            free(field);
            free(type);
        }
    }
    return 0;
}

static int dl_tests(dl_ctx *c, detection *d, yaml_node_t *tests)
{
    if (tests->type == YAML_SCALAR_NODE && !detect_yaml_scalar(tests)) return 0;
    if (tests->type != YAML_SEQUENCE_NODE) return dl_fail(c, tests, "tests: expected a list");
    size_t n = detect_yaml_seq_len(tests);
    d->tests = xcalloc(n, sizeof *d->tests);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *t = detect_yaml_seq_item(c->y, tests, i);
        if (!t || t->type != YAML_MAPPING_NODE) return dl_fail(c, t ? t : tests, "tests: items must be mappings");
        detect_test *dt = &d->tests[d->ntests++];
        if (dl_str(c, t, "name", "tests.name", &dt->name) < 0) return -1;
        yaml_node_t *ad = detect_yaml_get(c->y, t, "attack_data");
        if (!ad || (ad->type == YAML_SCALAR_NODE && !detect_yaml_scalar(ad))) continue;
        if (ad->type != YAML_SEQUENCE_NODE) return dl_fail(c, ad, "tests.attack_data: expected a list");
        size_t m = detect_yaml_seq_len(ad);
        dt->attack_data = xcalloc(m, sizeof *dt->attack_data);
        for (size_t j = 0; j < m; j++) {
            yaml_node_t *a = detect_yaml_seq_item(c->y, ad, j);
            if (!a || a->type != YAML_MAPPING_NODE)
                return dl_fail(c, a ? a : ad, "tests.attack_data: items must be mappings");
            detect_attack_data *x = &dt->attack_data[dt->nattack_data++];
            char *upd = NULL;
            if (dl_str(c, a, "data", "tests.attack_data.data", &x->data) < 0 ||
                dl_str(c, a, "source", "tests.attack_data.source", &x->source) < 0 ||
                dl_str(c, a, "sourcetype", "tests.attack_data.sourcetype", &x->sourcetype) < 0 ||
                dl_str(c, a, "update_timestamp", "tests.attack_data.update_timestamp", &upd) < 0)
                return -1;
            x->update_timestamp = dl_truthy(upd);
            free(upd);
        }
    }
    return 0;
}

static int dl_detection(dl_ctx *c, detection *d)
{
    yaml_node_t *root = detect_yaml_root(c->y);
    if (root->type != YAML_MAPPING_NODE) return dl_fail(c, root, "a detection must be a YAML mapping");
    if (dl_str(c, root, "name", "name", &d->name) < 0 || dl_str(c, root, "id", "id", &d->id) < 0 ||
        dl_str(c, root, "type", "type", &d->type_name) < 0 || dl_str(c, root, "status", "status", &d->status) < 0 ||
        dl_str(c, root, "description", "description", &d->description) < 0 ||
        dl_str(c, root, "search", "search", &d->search) < 0 ||
        dl_str(c, root, "how_to_implement", "how_to_implement", &d->how_to_implement) < 0 ||
        dl_str(c, root, "known_false_positives", "known_false_positives", &d->known_false_positives) < 0 ||
        dl_str(c, root, "author", "author", &d->author) < 0)
        return -1;
    if (!d->name) return dl_fail(c, root, "the detection has no name");
    if (!d->search || !*d->search)
        return dl_fail(c, detect_yaml_get(c->y, root, "search") ? detect_yaml_get(c->y, root, "search") : root,
                       "detection '%s' has no search", d->name);
    d->type = detect_type_from_name(d->type_name);
    if (detection_check_deploy_node(c->y, root, "", &c->err) < 0) return -1;
    yaml_node_t *dep = detect_yaml_get(c->y, root, "deployment");
    if (dep && dep->type == YAML_MAPPING_NODE && detection_check_deploy_node(c->y, dep, "deployment.", &c->err) < 0)
        return -1;
    if (dep && dep->type == YAML_SEQUENCE_NODE) return dl_fail(c, dep, "deployment: expected a name or a mapping");

    d->confidence = d->impact = d->risk_score = -1;
    yaml_node_t *tags = detect_yaml_get(c->y, root, "tags");
    if (tags && !(tags->type == YAML_SCALAR_NODE && !detect_yaml_scalar(tags))) {
        if (tags->type != YAML_MAPPING_NODE) return dl_fail(c, tags, "tags: expected a mapping");
        if (dl_strlist(c, tags, "analytic_story", "tags.analytic_story", &d->analytic_story) < 0 ||
            dl_strlist(c, tags, "mitre_attack_id", "tags.mitre_attack_id", &d->mitre_attack_id) < 0 ||
            dl_int(c, tags, "confidence", "tags.confidence", &d->confidence) < 0 ||
            dl_int(c, tags, "impact", "tags.impact", &d->impact) < 0 ||
            dl_int(c, tags, "risk_score", "tags.risk_score", &d->risk_score) < 0 ||
            dl_str(c, tags, "message", "tags.message", &d->message) < 0 ||
            dl_str(c, tags, "security_domain", "tags.security_domain", &d->security_domain) < 0 ||
            dl_observables(c, d, tags) < 0)
            return -1;
    }
    yaml_node_t *rba = detect_yaml_get(c->y, root, "rba");
    if (rba && !(rba->type == YAML_SCALAR_NODE && !detect_yaml_scalar(rba))) {
        if (dl_rba(c, d, rba) < 0) return -1;
    } else {
        dl_objects_from_observables(d);
    }
    yaml_node_t *tests = detect_yaml_get(c->y, root, "tests");
    if (tests && dl_tests(c, d, tests) < 0) return -1;
    return 0;
}

int detection_load_string(const char *text, size_t len, const char *name, detection **out, char **err)
{
    assert(text && name && out);
    *out = NULL;
    int sigma = detect_sigma_load(text, len, name, out, err);
    if (sigma <= 0) return sigma; /* a Sigma rule, loaded or refused */
    detect_yaml_doc y;
    if (detect_yaml_load(&y, text, len, name, err) < 0) return -1;
    dl_ctx c = {&y, NULL};
    detection *d = xcalloc(1, sizeof *d);
    d->file = xstrdup(name);
    if (dl_detection(&c, d) < 0) {
        if (err)
            *err = c.err;
        else
            free(c.err);
        detection_free(d);
        detect_yaml_free(&y);
        return -1;
    }
    d->doc = detect_yaml_to_json(&y, detect_yaml_root(&y));
    detect_yaml_free(&y);
    *out = d;
    return 0;
}

int detection_load_file(const char *path, detection **out, char **err)
{
    size_t len;
    char *text = detect_yaml_read_file(path, &len, err);
    *out = NULL;
    if (!text) return -1;
    int rc = detection_load_string(text, len, path, out, err);
    free(text);
    return rc;
}

static void dl_deploy_free(detect_deploy *p)
{
    free(p->cron_schedule);
    free(p->earliest_time);
    free(p->latest_time);
    free(p->schedule_window);
    free(p->rule_title);
    free(p->rule_description);
    free(p->source);
    dl_strlist_free(&p->nes_fields);
    memset(p, 0, sizeof *p);
}

void detect_deploy_clear(detect_deploy *p)
{
    dl_deploy_free(p);
}

void detection_free(detection *d)
{
    if (!d) return;
    free(d->file);
    json_decref(d->doc);
    free(d->name);
    free(d->id);
    free(d->type_name);
    free(d->status);
    free(d->description);
    free(d->search);
    free(d->how_to_implement);
    free(d->known_false_positives);
    dl_strlist_free(&d->analytic_story);
    dl_strlist_free(&d->mitre_attack_id);
    free(d->message);
    free(d->security_domain);
    for (size_t i = 0; i < d->nobservables; i++) {
        free(d->observables[i].name);
        free(d->observables[i].type);
        dl_strlist_free(&d->observables[i].role);
    }
    free(d->observables);
    for (size_t i = 0; i < d->nrisk_objects; i++) {
        free(d->risk_objects[i].field);
        free(d->risk_objects[i].type);
    }
    free(d->risk_objects);
    for (size_t i = 0; i < d->nthreat_objects; i++) {
        free(d->threat_objects[i].field);
        free(d->threat_objects[i].type);
    }
    free(d->threat_objects);
    for (size_t i = 0; i < d->ntests; i++) {
        free(d->tests[i].name);
        for (size_t j = 0; j < d->tests[i].nattack_data; j++) {
            free(d->tests[i].attack_data[j].data);
            free(d->tests[i].attack_data[j].source);
            free(d->tests[i].attack_data[j].sourcetype);
        }
        free(d->tests[i].attack_data);
        free(d->tests[i].error);
    }
    free(d->tests);
    dl_deploy_free(&d->deploy);
    free(d->origin);
    free(d->author);
    free(d->level);
    dl_strlist_free(&d->tactics);
    dl_strlist_free(&d->warnings);
    free(d);
}

char *detection_search_name(const detection *d)
{
    assert(d && d->name);
    if (d->origin && strcmp(d->origin, "sigma") == 0) return xasprintf("Sigma - %s - Rule", d->name);
    return xasprintf("ESCU - %s - Rule", d->name);
}
