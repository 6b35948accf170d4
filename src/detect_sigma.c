/* detect_sigma.c: a compiled Sigma rule as a struct detection (search, risk
 * score from level, risk objects, ATT&CK annotations from tags, author,
 * SigmaHQ regression tests), the process-wide mappings it is compiled
 * with, and unique names for rules that share a title. */
#include "detect_sigma.h"
#include "cli.h"
#include "detect_yaml.h"
#include "detection_deploy.h"
#include "sigma/sigma.h"
#include "util.h"

#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Does a line of text start with key (a top-level plain key)? */
static int ds_line_starts(const char *text, size_t len, const char *key)
{
    size_t k = strlen(key);
    for (size_t i = 0; i + k <= len;) {
        if (memcmp(text + i, key, k) == 0) return 1;
        const char *nl = memchr(text + i, '\n', len - i);
        if (!nl) break;
        i = (size_t)(nl - text) + 1;
    }
    return 0;
}

/* ---- the mappings, loaded once per process ----------------------------------- */

static int ds_map_state; /* 0: not tried, 1: loaded (or none shipped), -1: failed */
static sigma_map *ds_map;
static char *ds_map_err;

char *detect_sigma_map_dir(void)
{
    char *d = cli_home_path(NULL, "datamodels/sigma");
    struct stat st;
    if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) {
        free(d);
        return NULL;
    }
    return d;
}

static void ds_map_release(void)
{
    sigma_map_free(ds_map);
    free(ds_map_err);
    ds_map = NULL;
    ds_map_err = NULL;
}

/* The mappings, or NULL when none are shipped; -1 with *err when they do
 * not load. */
static int ds_map_get(const sigma_map **out, char **err)
{
    if (!ds_map_state) {
        char *dir = detect_sigma_map_dir();
        ds_map_state = 1;
        if (dir && sigma_map_load_dir(dir, &ds_map, &ds_map_err) < 0) {
            ds_map_state = -1;
            ds_map = NULL;
        }
        free(dir);
        atexit(ds_map_release);
    }
    *out = ds_map;
    if (ds_map_state < 0) {
        if (err) *err = xasprintf("%s (the Sigma mappings)", ds_map_err ? ds_map_err : "cannot load");
        return -1;
    }
    return 0;
}

/* ---- metadata ---------------------------------------------------------------- */

int detect_sigma_level_score(const char *level)
{
    static const struct {
        const char *level;
        int score;
    } table[] = {{"informational", 10}, {"low", 25}, {"medium", 50}, {"high", 75}, {"critical", 100}};
    for (size_t i = 0; level && i < sizeof table / sizeof *table; i++)
        if (strcasecmp(level, table[i].level) == 0) return table[i].score;
    return 50;
}

static void ds_add(detect_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0) return;
    l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = xstrdup(s);
}

/* attack.t1505.004 -> T1505.004 (technique); attack.defense-evasion ->
 * "Defense Evasion" (tactic); groups, software and other tags are skipped. */
static void ds_tags(detection *d, const sigma_rule *r)
{
    static const char *const tactics[] = {
        "reconnaissance", "resource-development", "initial-access", "execution",
        "persistence", "privilege-escalation", "defense-evasion", "credential-access",
        "discovery", "lateral-movement", "collection", "command-and-control",
        "exfiltration", "impact"};
    for (size_t i = 0; i < r->ntags; i++) {
        const char *t = r->tags[i];
        if (strncasecmp(t, "attack.", 7) != 0) continue;
        t += 7;
        if ((t[0] == 't' || t[0] == 'T') && isdigit((unsigned char)t[1])) {
            char *id = xstrdup(t);
            id[0] = 'T';
            ds_add(&d->mitre_attack_id, id);
            free(id);
            continue;
        }
        char *norm = xstrdup(t);
        for (char *p = norm; *p; p++) *p = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
        for (size_t k = 0; k < sizeof tactics / sizeof *tactics; k++) {
            if (strcmp(norm, tactics[k]) != 0) continue;
            sbuf b = {0};
            int up = 1;
            for (const char *p = tactics[k]; *p; p++) {
                if (*p == '-') {
                    sbuf_addc(&b, ' ');
                    up = 1;
                    continue;
                }
                sbuf_addc(&b, up ? (char)toupper((unsigned char)*p) : *p);
                up = 0;
            }
            char *name = sbuf_detach(&b);
            ds_add(&d->tactics, name);
            free(name);
        }
        free(norm);
    }
}

static int ds_has_field(const sigma_rule *r, const char *f)
{
    for (size_t i = 0; i < r->nfields; i++)
        if (strcmp(r->fields[i], f) == 0) return 1;
    return 0;
}

static void ds_risk_object(detection *d, const char *field, const char *type, int score)
{
    d->risk_objects = xrealloc(d->risk_objects, (d->nrisk_objects + 1) * sizeof *d->risk_objects);
    d->risk_objects[d->nrisk_objects].field = xstrdup(field);
    d->risk_objects[d->nrisk_objects].type = xstrdup(type);
    d->risk_objects[d->nrisk_objects].score = score;
    d->nrisk_objects++;
}

/* host (every event row has it; a correlation only when it groups by it),
 * else Computer, -> system; the user fields the results carry -> user. */
static void ds_risk_objects(detection *d, const sigma_rule *r)
{
    int score = d->risk_score;
    if (!r->is_correlation || ds_has_field(r, "host"))
        ds_risk_object(d, "host", "system", score);
    else if (ds_has_field(r, "Computer"))
        ds_risk_object(d, "Computer", "system", score);
    static const char *const users[] = {"User", "SubjectUserName", "TargetUserName"};
    for (size_t i = 0; i < sizeof users / sizeof *users; i++)
        if (ds_has_field(r, users[i])) ds_risk_object(d, users[i], "user", score);
}

/* `$` is the template marker of risk messages: a literal one is "$$". */
static void ds_add_literal(sbuf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '$') sbuf_addc(b, '$');
        sbuf_addc(b, *s);
    }
}

/* "<title> on $host$ (rule by <author>)": the Detection Rule License wants
 * the author on every message built from a match. */
static char *ds_message(const detection *d, const sigma_rule *r)
{
    sbuf b = {0};
    ds_add_literal(&b, r->title ? r->title : d->name);
    if (d->nrisk_objects && strcmp(d->risk_objects[0].type, "system") == 0) {
        sbuf_add(&b, " on $");
        sbuf_add(&b, d->risk_objects[0].field);
        sbuf_add(&b, "$");
    }
    if (r->author && *r->author) {
        sbuf_add(&b, " (rule by ");
        ds_add_literal(&b, r->author);
        sbuf_add(&b, ")");
    }
    return sbuf_detach(&b);
}

/* ---- SigmaHQ regression tests ---------------------------------------------- */

/* The directory holding rel's first component (regression_data), walking
 * up from the rule file's directory; NULL when there is none. */
static char *ds_repo_root(const char *rule_file, const char *rel)
{
    char *abs = realpath(rule_file, NULL);
    char *dir = abs ? abs : xstrdup(rule_file);
    size_t first = strcspn(rel, "/");
    char *top = xstrndup(rel, first);
    char *found = NULL;
    for (int depth = 0; depth < 64 && !found; depth++) {
        char *slash = strrchr(dir, '/');
        if (!slash) {
            /* a relative path's last step: the current directory */
            struct stat st;
            if (stat(top, &st) == 0 && S_ISDIR(st.st_mode)) found = xstrdup(".");
            break;
        }
        *slash = 0;
        const char *here = *dir ? dir : "/";
        char *cand = xasprintf("%s/%s", *dir ? dir : "", top);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISDIR(st.st_mode)) found = xstrdup(here);
        free(cand);
        if (!*dir) break;
    }
    free(top);
    free(dir);
    return found;
}

static detect_test *ds_new_test(detection *d, const char *name)
{
    d->tests = xrealloc(d->tests, (d->ntests + 1) * sizeof *d->tests);
    detect_test *t = &d->tests[d->ntests++];
    memset(t, 0, sizeof *t);
    t->name = xstrdup(name ? name : "regression test");
    return t;
}

/* The data file of a test (an .evtx, read by the evtx reader, or any file
 * a reader recognises), relative to root. NULL with *why. */
static char *ds_test_data(const char *root, const char *path, char **why)
{
    char *full = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", root, path);
    if (access(full, R_OK) != 0) {
        *why = xasprintf("regression data %s not found", full);
        free(full);
        return NULL;
    }
    return full;
}

/* Read info.yml's regression_tests_info into d->tests; what cannot be read
 * becomes a test that fails with the reason (the rule still loads). */
static void ds_regression_tests(detection *d, const char *rel)
{
    char *root = ds_repo_root(d->file, rel);
    if (!root) {
        detect_test *t = ds_new_test(d, "regression test");
        t->error = xasprintf("regression_tests_path %s: no directory above %s holds it", rel, d->file);
        return;
    }
    char *info = xasprintf("%s/%s", root, rel);
    char *err = NULL;
    size_t len;
    char *text = detect_yaml_read_file(info, &len, &err);
    detect_yaml_doc y;
    if (!text || detect_yaml_load(&y, text, len, info, &err) < 0) {
        detect_test *t = ds_new_test(d, "regression test");
        t->error = err ? err : xasprintf("%s: cannot be read", info);
        free(text);
        free(info);
        free(root);
        return;
    }
    yaml_node_t *list = detect_yaml_get(&y, detect_yaml_root(&y), "regression_tests_info");
    size_t n = list && list->type == YAML_SEQUENCE_NODE ? detect_yaml_seq_len(list) : 0;
    if (n == 0) {
        detect_test *t = ds_new_test(d, "regression test");
        t->error = xasprintf("%s: no regression_tests_info list", info);
    }
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *it = detect_yaml_seq_item(&y, list, i);
        const char *name = detect_yaml_scalar(detect_yaml_get(&y, it, "name"));
        const char *path = detect_yaml_scalar(detect_yaml_get(&y, it, "path"));
        const char *count = detect_yaml_scalar(detect_yaml_get(&y, it, "match_count"));
        detect_test *t = ds_new_test(d, name);
        double c = 1;
        if (count && (!util_is_number(count, strlen(count), &c) || c < 0 || c > 1e9)) {
            t->error = xasprintf("%s:%d: match_count: expected a whole number, got '%s'", info,
                                 detect_yaml_line(detect_yaml_get(&y, it, "match_count")), count);
            continue;
        }
        t->min_rows = (long)c;
        if (!path) {
            t->error = xasprintf("%s:%d: the test has no path", info, detect_yaml_line(it));
            continue;
        }
        char *why = NULL;
        char *data = ds_test_data(root, path, &why);
        if (!data) {
            t->error = why;
            continue;
        }
        t->attack_data = xcalloc(1, sizeof *t->attack_data);
        t->attack_data[0].data = data;
        t->nattack_data = 1;
    }
    detect_yaml_free(&y);
    free(text);
    free(info);
    free(root);
}

/* ---- the detection --------------------------------------------------------- */

static char *ds_diag_text(const char *name, const sigma_diag *g)
{
    return xasprintf("%s:%d: %s%s [%s]", name, g->line > 0 ? g->line : 1,
                     g->severity == SIGMA_WARNING ? "warning: " : "", g->message ? g->message : "error",
                     g->code ? g->code : "sigma");
}

/* The first document as JSON (keeps custom keys such as `deployment:`,
 * which select or override the deployment as for Splunk detections); an
 * empty object when libyaml does not read it. Checks scheduling and
 * alert_action as for any detection. */
static int ds_doc(detection *d, const char *text, size_t len, const char *name, char **err)
{
    detect_yaml_doc y;
    char *e = NULL;
    if (detect_yaml_load(&y, text, len, name, &e) < 0) {
        free(e);
        d->doc = json_object();
        return 0;
    }
    yaml_node_t *root = detect_yaml_root(&y);
    int rc = 0;
    if (root->type == YAML_MAPPING_NODE) {
        rc = detection_check_deploy_node(&y, root, "", err);
        yaml_node_t *dep = detect_yaml_get(&y, root, "deployment");
        if (!rc && dep && dep->type == YAML_MAPPING_NODE)
            rc = detection_check_deploy_node(&y, dep, "deployment.", err);
        d->doc = detect_yaml_to_json(&y, root);
    } else {
        d->doc = json_object();
    }
    detect_yaml_free(&y);
    return rc;
}

int detect_sigma_load(const char *text, size_t len, const char *name, detection **out, char **err)
{
    assert(text && name && out);
    *out = NULL;
    /* a Splunk detection has a top-level search: (the compiler would say
     * "not Sigma" too): spare it the compile */
    if (ds_line_starts(text, len, "search:")) return 1;
    const sigma_map *map = NULL;
    char *merr = NULL;
    if (ds_map_get(&map, &merr) < 0) {
        int sigma = sigma_text_is_sigma(text, len);
        if (sigma && err) *err = xasprintf("%s:1: %s", name, merr);
        free(merr);
        return sigma ? -1 : 1;
    }
    sigma_rule *r = NULL;
    int rc = sigma_compile_text(text, len, name, map, &r);
    if (r->is_sigma <= 0) { /* not YAML, or YAML of another kind: not ours */
        sigma_rule_free(r);
        return 1;
    }
    if (rc < 0 || !r->spl) {
        const sigma_diag *first = NULL;
        for (size_t i = 0; i < r->ndiags && !first; i++)
            if (r->diags[i].severity == SIGMA_ERROR) first = &r->diags[i];
        if (err)
            *err = first ? xasprintf("%s:%d: %s", name, first->line > 0 ? first->line : 1, first->message)
                         : xasprintf("%s:1: the Sigma rule does not compile", name);
        sigma_rule_free(r);
        return -1;
    }
    if (!r->title || !*r->title) {
        if (err) *err = xasprintf("%s:1: the Sigma rule has no title", name);
        sigma_rule_free(r);
        return -1;
    }
    detection *d = xcalloc(1, sizeof *d);
    d->file = xstrdup(name);
    if (ds_doc(d, text, len, name, err) < 0) {
        detection_free(d);
        sigma_rule_free(r);
        return -1;
    }
    d->origin = xstrdup("sigma");
    d->name = xstrdup(r->title);
    d->id = r->id ? xstrdup(r->id) : NULL;
    d->type_name = xstrdup("TTP");
    d->type = DETECT_TYPE_TTP;
    d->status = r->status ? xstrdup(r->status) : NULL;
    d->description = r->description ? xstrdup(r->description) : NULL;
    d->search = xstrdup(r->spl);
    d->author = r->author ? xstrdup(r->author) : NULL;
    d->level = r->level ? xstrdup(r->level) : NULL;
    d->is_correlation = r->is_correlation;
    if (r->nfalsepositives) {
        sbuf b = {0};
        for (size_t i = 0; i < r->nfalsepositives; i++) {
            if (i) sbuf_add(&b, "; ");
            sbuf_add(&b, r->falsepositives[i]);
        }
        d->known_false_positives = sbuf_detach(&b);
    }
    ds_tags(d, r);
    d->confidence = d->impact = -1;
    d->risk_score = detect_sigma_level_score(r->level);
    d->security_domain = xstrdup("endpoint");
    ds_risk_objects(d, r);
    d->message = ds_message(d, r);
    for (size_t i = 0; i < r->ndiags; i++)
        if (r->diags[i].severity == SIGMA_WARNING) {
            char *w = ds_diag_text(name, &r->diags[i]);
            ds_add(&d->warnings, w);
            free(w);
        }
    if (r->regression_tests_path && *r->regression_tests_path) ds_regression_tests(d, r->regression_tests_path);
    sigma_rule_free(r);
    *out = d;
    return 0;
}

/* ---- unique names ------------------------------------------------------------- */

static int ds_by_name(const void *a, const void *b)
{
    const detection *x = *(detection *const *)a, *y = *(detection *const *)b;
    return strcmp(x->name, y->name);
}

void detect_sigma_unique_names(detection **v, size_t n)
{
    if (n < 2) return;
    detection **sorted = xmalloc(n * sizeof *sorted);
    memcpy(sorted, v, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, ds_by_name);
    size_t first = 0;
    for (size_t i = 1; i <= n; i++) {
        if (i < n && strcmp(sorted[i]->name, sorted[first]->name) == 0) continue;
        if (i - first > 1) /* sorted[first .. i) share a name */
            for (size_t k = first; k < i; k++) {
                detection *d = sorted[k];
                if (!d->origin || strcmp(d->origin, "sigma") != 0) continue;
                char *nn;
                if (d->id && *d->id) {
                    nn = xasprintf("%s (%s)", d->name, d->id);
                } else { /* no id (older dialects): the file's name without directory and extension */
                    const char *base = strrchr(d->file, '/') ? strrchr(d->file, '/') + 1 : d->file;
                    const char *dot = strrchr(base, '.');
                    nn = xasprintf("%s (%.*s)", d->name, (int)(dot && dot > base ? dot - base : (long)strlen(base)),
                                   base);
                }
                free(d->name);
                d->name = nn;
            }
        first = i;
    }
    free(sorted);
}
