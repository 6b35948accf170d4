/* detection_deploy.c: deployment files (per detection type: schedule and
 * alert actions), resolving each detection's effective deployment, and
 * loading whole directories of detections and deployments. */
#include "cron.h"
#include "detect_dir.h"
#include "detect_sigma.h"
#include "detect_window.h"
#include "detection.h"
#include "detection_deploy.h"
#include "util.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- checking scheduling / alert_action at load time ----------------------- */

static int dp_fail(detect_yaml_doc *y, const yaml_node_t *at, char **err, const char *prefix, const char *what,
                   const char *msg)
{
    if (err) *err = xasprintf("%s:%d: %s%s: %s", y->name, detect_yaml_line(at), prefix, what, msg);
    return -1;
}

/* scheduling may be a mapping or (older files) a list whose first item is one. */
static yaml_node_t *dp_sched_node(detect_yaml_doc *y, yaml_node_t *holder)
{
    yaml_node_t *s = detect_yaml_get(y, holder, "scheduling");
    if (s && s->type == YAML_SEQUENCE_NODE) s = detect_yaml_seq_item(y, s, 0);
    return s;
}

int detection_check_deploy_node(detect_yaml_doc *y, yaml_node_t *holder, const char *prefix, char **err)
{
    yaml_node_t *s = dp_sched_node(y, holder);
    if (s && !(s->type == YAML_SCALAR_NODE && !detect_yaml_scalar(s))) {
        if (s->type != YAML_MAPPING_NODE) return dp_fail(y, s, err, prefix, "scheduling", "expected a mapping");
        yaml_node_t *c = detect_yaml_get(y, s, "cron_schedule");
        if (c) {
            const char *txt = detect_yaml_scalar(c);
            cron_expr ce;
            char *e = NULL;
            if (!txt) return dp_fail(y, c, err, prefix, "scheduling.cron_schedule", "expected a cron schedule");
            if (cron_parse(txt, &ce, &e) < 0) {
                int rc = dp_fail(y, c, err, prefix, "scheduling.cron_schedule", e);
                free(e);
                return rc;
            }
        }
        static const char *const times[2] = {"earliest_time", "latest_time"};
        for (int i = 0; i < 2; i++) {
            yaml_node_t *t = detect_yaml_get(y, s, times[i]);
            const char *txt = detect_yaml_scalar(t);
            double v;
            char *e = NULL;
            if (!txt) continue;
            if (detect_relative_time(txt, 0, &v, &e) < 0) {
                char *what = xasprintf("scheduling.%s", times[i]);
                int rc = dp_fail(y, t, err, prefix, what, e);
                free(what);
                free(e);
                return rc;
            }
        }
    }
    yaml_node_t *aa = detect_yaml_get(y, holder, "alert_action");
    if (aa && !(aa->type == YAML_SCALAR_NODE && !detect_yaml_scalar(aa))) {
        if (aa->type != YAML_MAPPING_NODE) return dp_fail(y, aa, err, prefix, "alert_action", "expected a mapping");
        yaml_node_t *n = detect_yaml_get(y, aa, "notable");
        if (n && n->type == YAML_SEQUENCE_NODE)
            return dp_fail(y, n, err, prefix, "alert_action.notable", "expected a mapping");
        yaml_node_t *nes = n ? detect_yaml_get(y, n, "nes_fields") : NULL;
        if (nes && nes->type == YAML_MAPPING_NODE)
            return dp_fail(y, nes, err, prefix, "alert_action.notable.nes_fields", "expected a list");
    }
    return 0;
}

/* ---- deployments ------------------------------------------------------------ */

int deployment_load_string(const char *text, size_t len, const char *name, deployment **out, char **err)
{
    assert(text && name && out);
    *out = NULL;
    detect_yaml_doc y;
    if (detect_yaml_load(&y, text, len, name, err) < 0) return -1;
    yaml_node_t *root = detect_yaml_root(&y);
    if (root->type != YAML_MAPPING_NODE) {
        if (err) *err = xasprintf("%s:%d: a deployment must be a YAML mapping", name, detect_yaml_line(root));
        detect_yaml_free(&y);
        return -1;
    }
    if (detection_check_deploy_node(&y, root, "", err) < 0) {
        detect_yaml_free(&y);
        return -1;
    }
    deployment *d = xcalloc(1, sizeof *d);
    d->file = xstrdup(name);
    d->doc = detect_yaml_to_json(&y, root);
    const char *s;
    if ((s = detect_yaml_scalar(detect_yaml_get(&y, root, "name")))) d->name = xstrdup(s);
    if ((s = detect_yaml_scalar(detect_yaml_get(&y, root, "id")))) d->id = xstrdup(s);
    if ((s = detect_yaml_scalar(detect_yaml_get(&y, root, "type")))) d->type_name = xstrdup(s);
    if ((s = detect_yaml_scalar(detect_yaml_get(&y, root, "origin")))) d->origin = xstrdup(s);
    d->type = detect_type_from_name(d->type_name);
    detect_yaml_free(&y);
    *out = d;
    return 0;
}

int deployment_load_file(const char *path, deployment **out, char **err)
{
    size_t len;
    char *text = detect_yaml_read_file(path, &len, err);
    *out = NULL;
    if (!text) return -1;
    int rc = deployment_load_string(text, len, path, out, err);
    free(text);
    return rc;
}

void deployment_free(deployment *d)
{
    if (!d) return;
    free(d->file);
    json_decref(d->doc);
    free(d->name);
    free(d->id);
    free(d->type_name);
    free(d->origin);
    free(d);
}

int deployment_load_dir(const char *dir, deployment_set *set, char **err)
{
    assert(dir && set);
    memset(set, 0, sizeof *set);
    char **paths;
    size_t n;
    if (detect_dir_list(dir, &paths, &n, err) < 0) return -1;
    set->v = xcalloc(n, sizeof *set->v);
    for (size_t i = 0; i < n; i++) {
        deployment *d;
        if (deployment_load_file(paths[i], &d, err) < 0) {
            detect_dir_free(paths, n);
            deployment_set_free(set);
            return -1;
        }
        set->v[set->n++] = d;
    }
    detect_dir_free(paths, n);
    return 0;
}

void deployment_set_free(deployment_set *set)
{
    if (!set) return;
    for (size_t i = 0; i < set->n; i++) deployment_free(set->v[i]);
    free(set->v);
    memset(set, 0, sizeof *set);
}

/* ---- resolving a detection's effective deployment ------------------------- */

/* Text of a JSON scalar (NULL for null, objects and arrays). */
static char *dp_json_text(json_t *v)
{
    if (json_is_string(v)) return xstrdup(json_string_value(v));
    if (json_is_integer(v)) return xasprintf("%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) return xasprintf("%.17g", json_real_value(v));
    if (json_is_true(v)) return xstrdup("true");
    if (json_is_false(v)) return xstrdup("false");
    return NULL;
}

static void dp_set(char **slot, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return;
    free(*slot);
    *slot = dp_json_text(v);
}

/* An action block: a mapping (on unless enabled: false), or true/false/null. */
static int dp_action_on(json_t *a)
{
    if (json_is_object(a)) {
        json_t *en = json_object_get(a, "enabled");
        return !(json_is_false(en) || (json_is_string(en) && strcasecmp(json_string_value(en), "false") == 0));
    }
    return json_is_true(a);
}

/* Apply holder.scheduling and holder.alert_action over *p, key by key. */
static void dp_apply(detect_deploy *p, json_t *holder)
{
    json_t *s = json_object_get(holder, "scheduling");
    if (json_is_array(s)) s = json_array_get(s, 0);
    if (json_is_object(s)) {
        dp_set(&p->cron_schedule, s, "cron_schedule");
        dp_set(&p->earliest_time, s, "earliest_time");
        dp_set(&p->latest_time, s, "latest_time");
        dp_set(&p->schedule_window, s, "schedule_window");
    }
    json_t *aa = json_object_get(holder, "alert_action");
    if (!json_is_object(aa)) return;
    json_t *n = json_object_get(aa, "notable");
    if (n) {
        p->notable = dp_action_on(n);
        if (json_is_object(n)) {
            dp_set(&p->rule_title, n, "rule_title");
            dp_set(&p->rule_description, n, "rule_description");
            json_t *nes = json_object_get(n, "nes_fields");
            if (nes) {
                for (size_t i = 0; i < p->nes_fields.n; i++) free(p->nes_fields.v[i]);
                free(p->nes_fields.v);
                memset(&p->nes_fields, 0, sizeof p->nes_fields);
                size_t i;
                json_t *it;
                if (json_is_string(nes)) { /* "user,dest" as savedsearches.conf writes it */
                    char *copy = xstrdup(json_string_value(nes)), *save = NULL;
                    for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
                        p->nes_fields.v = xrealloc(p->nes_fields.v, (p->nes_fields.n + 1) * sizeof(char *));
                        p->nes_fields.v[p->nes_fields.n++] = xstrdup(tok);
                    }
                    free(copy);
                }
                json_array_foreach(nes, i, it)
                {
                    char *t = dp_json_text(it);
                    if (!t) continue;
                    /* trim: corpus files have "user " */
                    size_t l = strlen(t);
                    while (l && (t[l - 1] == ' ' || t[l - 1] == '\t')) t[--l] = 0;
                    p->nes_fields.v = xrealloc(p->nes_fields.v, (p->nes_fields.n + 1) * sizeof(char *));
                    p->nes_fields.v[p->nes_fields.n++] = t;
                }
            }
        }
    }
    json_t *r = json_object_get(aa, "rba");
    if (r) p->rba = dp_action_on(r);
}

/* %key% -> the detection's top-level text value; unknown keys stay as written. */
static char *dp_expand_percent(const detection *d, const char *tmpl)
{
    if (!tmpl) return NULL;
    sbuf b = {0};
    const char *p = tmpl;
    while (*p) {
        const char *end;
        if (*p == '%' && (end = strchr(p + 1, '%')) != NULL && end > p + 1) {
            char *key = xstrndup(p + 1, (size_t)(end - p - 1));
            const char *val = NULL;
            if (strcmp(key, "name") == 0)
                val = d->name;
            else if (strcmp(key, "description") == 0)
                val = d->description;
            else if (json_is_string(json_object_get(d->doc, key)))
                val = json_string_value(json_object_get(d->doc, key));
            free(key);
            if (val) {
                sbuf_add(&b, val);
                p = end + 1;
                continue;
            }
        }
        sbuf_addc(&b, *p++);
    }
    return sbuf_detach(&b);
}

static const deployment *dp_find(const deployment_set *deps, const char *key, detect_type type)
{
    for (size_t i = 0; deps && i < deps->n; i++) {
        const deployment *x = deps->v[i];
        if (key ? ((x->name && strcasecmp(x->name, key) == 0) || (x->id && strcmp(x->id, key) == 0))
                : (type != DETECT_TYPE_OTHER && x->type == type))
            return x;
    }
    return NULL;
}

int detection_resolve(detection *d, const deployment_set *deps, char **err)
{
    assert(d);
    detect_deploy_clear(&d->deploy);
    detect_deploy *p = &d->deploy;
    json_t *own = json_object_get(d->doc, "deployment");
    const deployment *base = NULL;
    if (json_is_string(own)) {
        base = dp_find(deps, json_string_value(own), DETECT_TYPE_OTHER);
        if (!base) {
            if (err)
                *err = xasprintf("%s: detection '%s' names deployment '%s', which does not exist", d->file, d->name,
                                 json_string_value(own));
            return -1;
        }
    } else if (!json_is_object(own)) {
        for (size_t i = 0; d->origin && deps && i < deps->n && !base; i++)
            if (deps->v[i]->origin && strcasecmp(deps->v[i]->origin, d->origin) == 0) base = deps->v[i];
        if (!base) base = dp_find(deps, NULL, d->type);
    }
    if (base) {
        dp_apply(p, base->doc);
        p->source = xstrdup(base->name ? base->name : base->file);
    }
    if (json_is_object(own)) { /* an inline deployment replaces the type's default */
        dp_apply(p, own);
        p->source = xstrdup("detection");
    }
    if (json_object_get(d->doc, "scheduling") || json_object_get(d->doc, "alert_action")) {
        dp_apply(p, d->doc);
        if (!p->source) p->source = xstrdup("detection");
    }
    char *t = dp_expand_percent(d, p->rule_title);
    free(p->rule_title);
    p->rule_title = t;
    t = dp_expand_percent(d, p->rule_description);
    free(p->rule_description);
    p->rule_description = t;
    d->resolved = 1;
    return 0;
}

int detection_set_resolve(detection_set *set, const deployment_set *deps)
{
    assert(set);
    int bad = 0;
    for (size_t i = 0; i < set->n; i++) {
        char *e = NULL;
        if (detection_resolve(set->v[i], deps, &e) < 0) {
            set->errors = xrealloc(set->errors, (set->nerrors + 1) * sizeof *set->errors);
            set->errors[set->nerrors++] = e;
            bad++;
        }
    }
    return bad;
}

/* ---- directories of detections ---------------------------------------------- */

static int dp_by_name(const void *a, const void *b)
{
    const detection *x = *(detection *const *)a, *y = *(detection *const *)b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->file, y->file);
}

/* Names identify detections (search_name, schedule_state): a repeat is an
 * error, reported on the later file, which is dropped. Sigma rules that
 * share a title are first told apart by their id (detect_sigma.h). */
static void dp_drop_duplicates(detection_set *set)
{
    if (set->n < 2) return;
    detect_sigma_unique_names(set->v, set->n);
    detection **sorted = xmalloc(set->n * sizeof *sorted);
    memcpy(sorted, set->v, set->n * sizeof *sorted);
    qsort(sorted, set->n, sizeof *sorted, dp_by_name);
    detection **drop = xmalloc(set->n * sizeof *drop);
    size_t ndrop = 0;
    size_t first = 0; /* start of the current run of equal names */
    for (size_t i = 1; i < set->n; i++) {
        if (strcmp(sorted[i]->name, sorted[first]->name) != 0) {
            first = i;
            continue;
        }
        set->errors = xrealloc(set->errors, (set->nerrors + 1) * sizeof *set->errors);
        set->errors[set->nerrors++] = xasprintf("%s:1: detection name '%s' is already used by %s", sorted[i]->file,
                                                sorted[i]->name, sorted[first]->file);
        drop[ndrop++] = sorted[i];
    }
    size_t k = 0;
    for (size_t i = 0; i < set->n; i++) {
        int dropped = 0;
        for (size_t j = 0; j < ndrop && !dropped; j++) dropped = set->v[i] == drop[j];
        if (dropped)
            detection_free(set->v[i]);
        else
            set->v[k++] = set->v[i];
    }
    set->n = k;
    free(drop);
    free(sorted);
}

int detection_load_dir(const char *dir, detection_set *set)
{
    assert(dir && set);
    memset(set, 0, sizeof *set);
    char **paths;
    size_t n;
    char *err = NULL;
    if (detect_dir_list(dir, &paths, &n, &err) < 0) {
        set->errors = xcalloc(1, sizeof *set->errors);
        set->errors[set->nerrors++] = err;
        return -1;
    }
    set->v = xcalloc(n, sizeof *set->v);
    for (size_t i = 0; i < n; i++) {
        detection *d;
        if (detection_load_file(paths[i], &d, &err) < 0) {
            set->errors = xrealloc(set->errors, (set->nerrors + 1) * sizeof *set->errors);
            set->errors[set->nerrors++] = err;
            err = NULL;
            continue;
        }
        set->v[set->n++] = d;
    }
    detect_dir_free(paths, n);
    dp_drop_duplicates(set);
    return (int)set->nerrors;
}

void detection_set_free(detection_set *set)
{
    if (!set) return;
    for (size_t i = 0; i < set->n; i++) detection_free(set->v[i]);
    free(set->v);
    for (size_t i = 0; i < set->nerrors; i++) free(set->errors[i]);
    free(set->errors);
    memset(set, 0, sizeof *set);
}
