/* sigma_compile.c: a Sigma rule file -> one SPL search. Reads every document
 * (rule collections: action global/reset/repeat merged as the spec says),
 * builds each rule's expression from its condition, checks it (sigma_lint
 * codes in docs/SIGMA.md), and writes the search: per logsource source its
 * selection and the rule with that source's field names, OR'ed; then the
 * deprecated aggregation or a correlation (sigma_correlate.c). */
#include "sigma/sigma_int.h"
#include "sigma/sigma_comp.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

static char *sg_dup(const char *s) { return s ? xstrdup(s) : NULL; }

/* b merged over a (maps recursively, anything else replaced); new tree. */
static sy_node *sg_merge(const sy_node *a, const sy_node *b)
{
    if (!a) return sy_node_copy(b);
    if (!b) return sy_node_copy(a);
    if (a->kind != SY_MAP || b->kind != SY_MAP) return sy_node_copy(b);
    sy_node *m = sy_node_copy(a);
    for (size_t i = 0; i < b->n; i++) {
        const sy_node *k = sy_key(b, i), *v = sy_val(b, i);
        size_t j;
        for (j = 0; j < m->n; j++)
            if (!strcmp(m->items[2 * j]->text, k->text)) break;
        if (j < m->n) {
            sy_node *nv = sg_merge(m->items[2 * j + 1], v);
            sy_node_free(m->items[2 * j + 1]);
            m->items[2 * j + 1] = nv;
        } else {
            m->items = xrealloc(m->items, (2 * m->n + 2) * sizeof *m->items);
            m->items[2 * m->n] = sy_node_copy(k);
            m->items[2 * m->n + 1] = sy_node_copy(v);
            m->n++;
        }
    }
    return m;
}

static const char *sg_logsource_value(sg_diags *d, const sy_node *ls, const char *key)
{
    const sy_node *v = sy_get(ls, key);
    if (!v || v->is_null) return NULL;
    if (v->kind != SY_SCALAR) {
        sg_diag(d, SIGMA_ERROR, v->line, "logsource", "logsource %s must be one value, not a %s", key, v->kind == SY_SEQ ? "list" : "mapping");
        return NULL;
    }
    return v->text;
}

/* Build one rule (a merged document) into r. */
static int sg_rule_build(sg_comp *c, const sy_node *doc, sg_crule *r)
{
    sg_diags *d = &c->diags;
    r->doc = doc;
    r->name = sg_dup(sy_get_str(doc, "name"));
    r->id = sg_dup(sy_get_str(doc, "id"));
    r->title = sg_dup(sy_get_str(doc, "title"));
    const sy_node *ls = sy_get(doc, "logsource");
    if (ls && ls->kind != SY_MAP) {
        sg_diag(d, SIGMA_ERROR, ls->line, "logsource", "logsource must be a mapping");
        return -1;
    }
    if (!ls) {
        sg_diag(d, SIGMA_ERROR, doc->line, "logsource", "the rule has no logsource (required by the specification)");
        return -1;
    }
    r->product = sg_dup(sg_logsource_value(d, ls, "product"));
    r->category = sg_dup(sg_logsource_value(d, ls, "category"));
    r->service = sg_dup(sg_logsource_value(d, ls, "service"));
    const sy_node *det = sy_get(doc, "detection");
    if (!det || det->kind != SY_MAP) {
        sg_diag(d, SIGMA_ERROR, det ? det->line : doc->line, "detection", "the rule has no detection mapping");
        return -1;
    }
    const sy_node *cond = sy_get(det, "condition");
    if (!cond || cond->is_null) {
        sg_diag(d, SIGMA_ERROR, sy_key_line(doc, "detection", det->line), "condition", "the detection has no condition");
        return -1;
    }
    sg_item_ctx ic = {d, c->map};
    sg_cond_ctx cx = {.item = &ic, .detection = det, .line = cond->line};
    cx.used = xcalloc(det->n + 1, 1);
    sg_expr *all = sg_expr_new(SG_E_OR);
    int bad = 0;
    const sy_node *const *conds;
    size_t nconds = sy_items(&cond, &conds);
    if (cond->kind == SY_MAP) {
        sg_diag(d, SIGMA_ERROR, cond->line, "condition", "condition must be a string or a list of strings");
        bad = 1;
        nconds = 0;
    }
    for (size_t i = 0; i < nconds && !bad; i++) {
        if (conds[i]->kind != SY_SCALAR) {
            sg_diag(d, SIGMA_ERROR, conds[i]->line, "condition", "condition must be a string or a list of strings");
            bad = 1;
            break;
        }
        cx.line = conds[i]->line;
        if (cx.has_agg) {
            sg_diag(d, SIGMA_ERROR, cx.line, "condition", "only one condition may aggregate");
            bad = 1;
            break;
        }
        sg_expr *e = sg_cond_parse(&cx, conds[i]->text);
        if (!e) {
            bad = 1;
            break;
        }
        sg_expr_add(all, e);
    }
    if (!bad) {
        for (size_t i = 0; i < det->n; i++) {
            const sy_node *k = sy_key(det, i);
            if (!strcmp(k->text, "condition") || !strcmp(k->text, "timeframe") || cx.used[i]) continue;
            if (sy_val(det, i)->is_null) {
                sg_diag(d, SIGMA_ERROR, k->line, "invalid-detection", "search identifier '%s' has no value", k->text);
                bad = 1;
                continue;
            }
            sg_diag(d, SIGMA_WARNING, k->line, "unused-identifier", "search identifier '%s' is defined but the condition never uses it", k->text);
            /* still check it: an error in an unused identifier is an error */
            sg_expr *e = sg_search_build(&ic, sy_val(det, i));
            if (!e) bad = 1;
            sg_expr_free(e);
        }
    }
    free(cx.used);
    r->agg_func = cx.agg_func;
    r->agg_field = cx.agg_field;
    r->agg_by = cx.agg_by;
    r->agg_op = cx.agg_op;
    r->agg_value = cx.agg_value;
    r->has_agg = cx.has_agg;
    r->timeframe = sg_dup(sy_get_str(det, "timeframe"));
    if (bad) {
        sg_expr_free(all);
        return -1;
    }
    r->expr = all;
    return 0;
}

static void sg_crule_free(sg_crule *r)
{
    sg_expr_free(r->expr);
    free(r->name);
    free(r->id);
    free(r->title);
    free(r->product);
    free(r->category);
    free(r->service);
    free(r->agg_func);
    free(r->agg_field);
    free(r->agg_by);
    free(r->agg_op);
    free(r->agg_value);
    free(r->timeframe);
}

/* The search selecting r's events, with that source's field names: appends
 * "(branch) OR (branch)" to out, flags to em, source searches to pre. */
void sg_rule_branches(sg_comp *c, const sg_crule *r, sg_emit *em, sbuf *out, sbuf *pre, int *nopre)
{
    const sg_source **srcs = NULL;
    size_t ns = c->map && (r->product || r->category || r->service) ? sigma_map_sources(c->map, r->product, r->category, r->service, &srcs) : 0;
    if (ns == 0 && c->map && sigma_map_known(c->map, r->product, r->category, r->service)) {
        /* mapped, but no log records it: the rule cannot match */
        sg_expr *no = sg_expr_new(SG_E_FALSE);
        *nopre = 1;
        if (out->len) sbuf_add(out, " OR ");
        sg_emit_expr(em, c->map, NULL, no, out);
        sg_expr_free(no);
        return;
    }
    if (ns == 0) {
        *nopre = 1;
        if (out->len) sbuf_add(out, " OR ");
        sg_emit_expr(em, c->map, NULL, r->expr, out);
        return;
    }
    /* copy: the map's lookup array is reused */
    const sg_source **mine = xcalloc(ns, sizeof *mine);
    memcpy(mine, srcs, ns * sizeof *mine);
    char **texts = xcalloc(ns, sizeof *texts);
    for (size_t i = 0; i < ns; i++) {
        sbuf t = {0};
        sg_emit_expr(em, c->map, mine[i], r->expr, &t);
        texts[i] = sbuf_detach(&t);
    }
    for (size_t i = 0; i < ns; i++) {
        if (!texts[i]) continue;
        if (out->len) sbuf_add(out, " OR ");
        sbuf srcs_or = {0};
        size_t nsame = 0;
        for (size_t j = i; j < ns; j++) {
            if (!texts[j] || strcmp(texts[i], texts[j])) continue;
            if (nsame++) sbuf_add(&srcs_or, " OR ");
            sbuf_printf(&srcs_or, "(%s)", mine[j]->search);
            if (pre->len) sbuf_add(pre, " OR ");
            sbuf_printf(pre, "(%s)", mine[j]->search);
            if (j != i) {
                free(texts[j]);
                texts[j] = NULL;
            }
        }
        if (nsame > 1) sbuf_printf(out, "((%s) %s)", srcs_or.s, texts[i]);
        else sbuf_printf(out, "(%s %s)", srcs_or.s, texts[i]);
        sbuf_free(&srcs_or);
        free(texts[i]);
        texts[i] = NULL;
    }
    free(texts);
    free(mine);
}

/* "search ..." for a set of rules (OR), flags evaluated after a prefilter. */
char *sg_rules_search(sg_comp *c, sg_crule *const *rules, size_t n)
{
    sg_emit em = {0};
    sbuf out = {0}, pre = {0}, s = {0};
    int nopre = 0;
    char **seen = NULL;
    size_t nseen = 0;
    for (size_t i = 0; i < n; i++) {
        /* a collection or a category list may give the same branch twice */
        sbuf one = {0}, onepre = {0};
        sg_rule_branches(c, rules[i], &em, &one, &onepre, &nopre);
        size_t k;
        for (k = 0; k < nseen; k++)
            if (!strcmp(seen[k], one.s)) break;
        if (k == nseen) {
            seen = xrealloc(seen, (nseen + 1) * sizeof *seen);
            seen[nseen++] = xstrdup(one.s);
            if (out.len) sbuf_add(&out, " OR ");
            sbuf_add(&out, one.s);
            if (onepre.len) {
                if (pre.len) sbuf_add(&pre, " OR ");
                sbuf_add(&pre, onepre.s);
            }
        }
        sbuf_free(&one);
        sbuf_free(&onepre);
    }
    for (size_t k = 0; k < nseen; k++) free(seen[k]);
    free(seen);
    if (em.nflags) {
        sbuf_printf(&s, "search %s\n%s\n| search %s", nopre || !pre.len ? "*" : pre.s, em.flags.s, out.s);
    } else {
        sbuf_printf(&s, "search %s", out.s);
    }
    sg_emit_free(&em);
    sbuf_free(&out);
    sbuf_free(&pre);
    return sbuf_detach(&s);
}

/* Warn about fields no source of the rule's logsource carries. */
static void sg_check_fields(sg_comp *c, const sg_crule *r)
{
    if (!c->map) return;
    const sg_source **srcs = NULL;
    size_t ns = sigma_map_sources(c->map, r->product, r->category, r->service, &srcs);
    if (!ns && sigma_map_known(c->map, r->product, r->category, r->service)) {
        sg_diag(&c->diags, SIGMA_WARNING, r->doc->line, "no-source", "no Windows log records logsource product=%s category=%s service=%s (datamodels/sigma/): the rule matches nothing",
                r->product ? r->product : "-", r->category ? r->category : "-", r->service ? r->service : "-");
        return;
    }
    if (!ns) {
        if (r->product || r->category || r->service)
            sg_diag(&c->diags, SIGMA_WARNING, r->doc->line, "unknown-logsource", "no mapping for logsource product=%s category=%s service=%s (datamodels/sigma/): the rule's own conditions select the events",
                    r->product ? r->product : "-", r->category ? r->category : "-", r->service ? r->service : "-");
        return;
    }
    char **fields = NULL;
    size_t nf = 0;
    sg_expr_fields(r->expr, 1, &fields, &nf);
    for (size_t i = 0; i < nf; i++) {
        sbuf missing = {0};
        size_t nmiss = 0;
        for (size_t k = 0; k < ns; k++) {
            const char *mapped = sigma_map_rename(c->map, srcs[k], fields[i]);
            if (!sg_field_is_plain(mapped) && strcmp(mapped, fields[i])) continue; /* an expression */
            if (!sigma_map_source_has(c->map, srcs[k], mapped)) {
                if (nmiss++) sbuf_add(&missing, ", ");
                sbuf_add(&missing, srcs[k]->name);
            }
        }
        if (nmiss)
            sg_diag(&c->diags, SIGMA_WARNING, r->doc->line, nmiss == ns ? "unknown-field" : "field-not-in-source",
                    "field '%s' is not carried by %s%s", fields[i], nmiss == ns ? "any source of this logsource: " : "source ", missing.s);
        sbuf_free(&missing);
        free(fields[i]);
    }
    free(fields);
}

/* Add a merged document. A logsource category, service or product given
 * as a list (not standard Sigma: older rules do it) becomes one document per
 * value, OR'ed, with a warning. A free-text correlation: (an older
 * dialect's note) in a plain rule is noted and left alone. */
static void sg_add_doc(sg_comp *c, sy_node *doc)
{
    static const char *const keys[] = {"category", "service", "product"};
    sy_node *ls = sy_get(doc, "logsource");
    const sy_node *note = sy_get(doc, "correlation");
    if (note && note->kind == SY_SCALAR && sy_get(doc, "detection"))
        sg_diag(&c->diags, SIGMA_WARNING, note->line, "correlation-note", "correlation: is free text here, not a correlation rule: the rule runs as a plain rule");
    for (int k = 0; k < 3; k++) {
        sy_node *v = sy_get(ls, keys[k]);
        if (!v || v->kind != SY_SEQ || v->n == 0) continue;
        int ok = 1;
        for (size_t i = 0; i < v->n; i++) ok &= v->items[i]->kind == SY_SCALAR;
        if (!ok) break;
        sg_diag(&c->diags, SIGMA_WARNING, v->line, "logsource-list", "logsource %s is a list (not standard Sigma): the rule runs once per value, OR'ed", keys[k]);
        for (size_t i = 0; i < v->n; i++) {
            sy_node *d = sy_node_copy(doc);
            sy_node *dls = sy_get(d, "logsource");
            for (size_t j = 0; j < dls->n; j++)
                if (!strcmp(dls->items[2 * j]->text, keys[k])) {
                    sy_node_free(dls->items[2 * j + 1]);
                    dls->items[2 * j + 1] = sy_node_copy(v->items[i]);
                }
            sg_add_doc(c, d); /* another key may be a list too */
        }
        sy_node_free(doc);
        return;
    }
    c->docs = xrealloc(c->docs, (c->ndocs + 1) * sizeof *c->docs);
    c->docs[c->ndocs++] = doc;
}

/* A collection whose global document's condition names identifiers that
 * only the rule documents define (seed 004: the global defines selection1,
 * its condition says selection, which each rule document defines as its
 * EventID): legal, but rarely what the author meant. */
static void sg_check_global_condition(sg_diags *d, const sy_node *global, const sy_node *merged)
{
    const sy_node *gdet = sy_get(global, "detection");
    const sy_node *cond = sy_get(gdet, "condition");
    if (!cond || cond->kind != SY_SCALAR) return;
    const char *p = cond->text;
    while (*p) {
        while (*p && !(isalnum((unsigned char)*p) || *p == '_')) p++;
        const char *w = p;
        while (*p && (isalnum((unsigned char)*p) || *p == '_' || *p == '*')) p++;
        size_t n = (size_t)(p - w);
        if (!n) continue;
        char *word = xstrndup(w, n);
        if (strcasecmp(word, "and") && strcasecmp(word, "or") && strcasecmp(word, "not") && strcasecmp(word, "of") && strcasecmp(word, "them") &&
            strcasecmp(word, "all") && strcasecmp(word, "any") && strcmp(word, "1") && !strchr(word, '*') && !sy_get(gdet, word) &&
            sy_get(sy_get(merged, "detection"), word)) {
            int dup = 0;
            for (size_t i = 0; i < d->n; i++)
                if (!strcmp(d->v[i].code, "global-condition") && strstr(d->v[i].message, word)) dup = 1;
            if (!dup)
                sg_diag(d, SIGMA_WARNING, cond->line, "global-condition",
                        "the global document's condition names '%s', which the global document does not define: each rule document's own '%s' is used", word, word);
        }
        free(word);
    }
}

int sigma_compile_text(const char *text, size_t len, const char *name, const sigma_map *map, sigma_rule **out)
{
    sigma_rule *res = xcalloc(1, sizeof *res);
    *out = res;
    res->file = xstrdup(name);
    sg_comp c = {.map = map, .name = name};
    c.diags.name = name;
    sy_file yf;
    char *err = NULL;
    if (sy_parse(text, len, name, &yf, &err)) {
        res->is_sigma = -1;
        /* err is "name:line: message" */
        const char *p = strncmp(err, name, strlen(name)) ? NULL : err + strlen(name) + 1;
        int line = p ? atoi(p) : 0;
        const char *msg = p ? strchr(p, ':') : NULL;
        sg_diag(&c.diags, SIGMA_ERROR, line, "yaml", "%s", msg ? msg + 2 : err);
        free(err);
        goto done;
    }
    res->is_sigma = sg_file_is_sigma(&yf);
    for (size_t i = 0; i < yf.ndups; i++)
        sg_diag(&c.diags, SIGMA_WARNING, yf.dups[i].line, "duplicate-key", "key '%s' is given twice (lines %d and %d): the later value wins, the earlier is ignored",
                yf.dups[i].key, yf.dups[i].first_line, yf.dups[i].line);
    if (!yf.ndocs) {
        sg_diag(&c.diags, SIGMA_ERROR, 1, "yaml", "the file holds no YAML document");
        goto done;
    }
    /* documents -> rules and correlations */
    sy_node *global = NULL, *prev = NULL;
    for (size_t i = 0; i < yf.ndocs; i++) {
        const sy_node *doc = yf.docs[i];
        if (doc->kind != SY_MAP) {
            sg_diag(&c.diags, SIGMA_ERROR, doc->line, "yaml", "a Sigma document must be a mapping");
            continue;
        }
        const char *action = sy_get_str(doc, "action");
        if (action) {
            if (!strcmp(action, "global")) {
                sy_node_free(global);
                global = sy_node_copy(doc);
                continue;
            }
            if (!strcmp(action, "reset")) {
                sy_node_free(global);
                global = NULL;
                continue;
            }
            if (strcmp(action, "repeat")) {
                sg_diag(&c.diags, SIGMA_ERROR, doc->line, "collection", "unknown action '%s' (global, reset or repeat)", action);
                continue;
            }
            if (!prev) {
                sg_diag(&c.diags, SIGMA_ERROR, doc->line, "collection", "action: repeat with no document before it");
                continue;
            }
        }
        sy_node *merged;
        if (action) { /* repeat: the previous rule with this document over it */
            merged = sg_merge(prev, doc);
        } else {
            merged = sg_merge(global, doc);
        }
        sy_node_free(prev);
        prev = sy_node_copy(merged);
        if (global) sg_check_global_condition(&c.diags, global, merged);
        sg_add_doc(&c, merged);
    }
    sy_node_free(global);
    sy_node_free(prev);
    for (size_t i = 0; i < c.ndocs; i++) {
        const sy_node *doc = c.docs[i];
        if (sg_is_correlation(doc)) {
            c.ncorr++;
            continue;
        }
        sg_crule r = {0};
        if (sg_rule_build(&c, doc, &r)) {
            sg_crule_free(&r);
            continue;
        }
        sg_check_fields(&c, &r);
        c.rules = xrealloc(c.rules, (c.nrules + 1) * sizeof *c.rules);
        c.rules[c.nrules] = xcalloc(1, sizeof **c.rules);
        *c.rules[c.nrules++] = r;
    }
    if (c.diags.errors) goto done;
    /* the metadata: of the correlation if there is one, else the first rule */
    const sy_node *meta = NULL;
    size_t ntop = 0;
    if (c.ncorr) meta = sg_correlation_top(&c, &ntop);
    if (!meta && c.ndocs) meta = c.docs[0];
    sigma_rule_meta(res, meta);
    if (c.ncorr) {
        res->is_correlation = 1;
        res->spl = sg_correlation(&c, ntop ? meta : NULL, ntop, res);
    } else if (c.nrules) {
        res->spl = sg_plain_search(&c, res);
    }
done:
    sy_file_free(&yf);
    for (size_t i = 0; i < c.nrules; i++) {
        sg_crule_free(c.rules[i]);
        free(c.rules[i]);
    }
    free(c.rules);
    for (size_t i = 0; i < c.ndocs; i++) sy_node_free(c.docs[i]);
    free(c.docs);
    if (c.diags.errors && res->spl) {
        free(res->spl);
        res->spl = NULL;
    }
    res->diags = c.diags.v;
    res->ndiags = c.diags.n;
    return res->spl ? 0 : -1;
}
