/* sigma_correlate.c: Sigma correlation rules (event_count, value_count,
 * temporal, temporal_ordered) over the rules they name in the same file,
 * with group-by, aliases and a SLIDING timespan: each referenced rule's
 * search tags its events (sigma_rule), they are put in time order and
 * `streamstats time_window=` computes the count in the window ending at
 * each event, so N events within the timespan fire however they fall on
 * the clock (Splunk's Sigma backend uses fixed bins instead). One result
 * row per group that meets the condition. */
#include "sigma/sigma_comp.h"
#include <stdlib.h>
#include <string.h>

/* a group-by field in a BY clause of stats/streamstats (search syntax,
 * where single quotes do not quote): plain, else double-quoted */
static void by_field(sbuf *out, const char *f)
{
    if (sg_field_is_plain(f) && !strpbrk(f, "{}[]()=!<>,|'")) sbuf_add(out, f);
    else sg_spl_quote(out, f, strlen(f));
}

static const sg_crule *sg_find_rule(sg_comp *c, const char *ref)
{
    for (size_t i = 0; i < c->nrules; i++) {
        const sg_crule *r = c->rules[i];
        if ((r->name && !strcmp(r->name, ref)) || (r->id && !strcmp(r->id, ref))) return r;
    }
    return NULL;
}

/* "F>=10 AND F<=20" from the condition mapping; NULL (error) if invalid. */
static char *sg_corr_cond(sg_comp *c, const sy_node *cond, const char *var, int *uses_max)
{
    static const char *const ops[][2] = {{"gt", ">"}, {"gte", ">="}, {"lt", "<"}, {"lte", "<="}, {"eq", "=="}, {"neq", "!="}};
    sbuf b = {0};
    *uses_max = 0;
    for (size_t i = 0; i < cond->n; i++) {
        const char *k = sy_key(cond, i)->text;
        if (!strcmp(k, "field")) continue;
        size_t o;
        for (o = 0; o < 6; o++)
            if (!strcmp(k, ops[o][0])) break;
        const sy_node *v = sy_val(cond, i);
        double d;
        if (o == 6 || v->kind != SY_SCALAR || !util_is_number(v->text, v->len, &d)) {
            sg_diag(&c->diags, SIGMA_ERROR, sy_key(cond, i)->line, "correlation", "condition: '%s' is not gt, gte, lt, lte, eq or neq with a number", k);
            sbuf_free(&b);
            return NULL;
        }
        if (o == 2 || o == 3) *uses_max = 1;
        if (b.len) sbuf_add(&b, " AND ");
        sbuf_printf(&b, "%s%s%s", var, ops[o][1], v->text);
    }
    if (!b.len) {
        sg_diag(&c->diags, SIGMA_ERROR, cond->line, "correlation", "condition: no comparison (gt, gte, lt, lte, eq, neq)");
        return NULL;
    }
    return sbuf_detach(&b);
}

static const sy_node *sg_find_corr(sg_comp *c, const char *ref)
{
    for (size_t i = 0; i < c->ndocs; i++) {
        const sy_node *d = c->docs[i];
        if (!sg_is_correlation(d)) continue;
        const char *n = sy_get_str(d, "name"), *id = sy_get_str(d, "id");
        if ((n && !strcmp(n, ref)) || (id && !strcmp(id, ref))) return d;
    }
    return NULL;
}

#define SG_CORR_MAX_DEPTH 8

static char *sg_corr_build(sg_comp *c, const sy_node *doc, sigma_rule *res, int depth)
{
    const sy_node *corr = sy_get(doc, "correlation");
    if (depth > SG_CORR_MAX_DEPTH) {
        sg_diag(&c->diags, SIGMA_ERROR, doc->line, "correlation", "correlations chained more than %d deep (or in a cycle)", SG_CORR_MAX_DEPTH);
        return NULL;
    }
    if (!corr || corr->kind != SY_MAP) {
        sg_diag(&c->diags, SIGMA_ERROR, doc->line, "correlation", "correlation must be a mapping");
        return NULL;
    }
    const char *type = sy_get_str(corr, "type");
    int t = !type ? -1 : !strcmp(type, "event_count") ? 0 : !strcmp(type, "value_count") ? 1 : !strcmp(type, "temporal") ? 2 : !strcmp(type, "temporal_ordered") ? 3 : -1;
    if (t < 0) {
        sg_diag(&c->diags, SIGMA_ERROR, corr->line, "correlation", "type must be event_count, value_count, temporal or temporal_ordered%s%s", type ? ", not " : "", type ? type : "");
        return NULL;
    }
    const sy_node *rules = sy_get(corr, "rules");
    const sy_node *const *refs;
    size_t nrefs = sy_items(&rules, &refs);
    if (!nrefs) {
        sg_diag(&c->diags, SIGMA_ERROR, corr->line, "correlation", "rules: names no rule");
        return NULL;
    }
    const sg_crule **rs = xcalloc(nrefs, sizeof *rs);
    const sy_node **cs = xcalloc(nrefs, sizeof *cs); /* a chained correlation */
    for (size_t i = 0; i < nrefs; i++) {
        if (refs[i]->kind == SY_SCALAR && !sg_find_rule(c, refs[i]->text) && (cs[i] = sg_find_corr(c, refs[i]->text))) continue;
        if (refs[i]->kind != SY_SCALAR || !(rs[i] = sg_find_rule(c, refs[i]->text))) {
            sg_diag(&c->diags, SIGMA_ERROR, refs[i]->line, "correlation", "rules: '%s' is not the name or id of a rule or correlation in this file", refs[i]->kind == SY_SCALAR ? refs[i]->text : "?");
            free(rs);
            free(cs);
            return NULL;
        }
    }
    const char *ts = sy_get_str(corr, "timespan") ? sy_get_str(corr, "timespan") : sy_get_str(corr, "timeframe");
    long secs = sg_timespan_seconds(ts);
    if (secs < 0) {
        if (ts)
            sg_diag(&c->diags, SIGMA_ERROR, sy_get(corr, "timespan") ? sy_get(corr, "timespan")->line : sy_get(corr, "timeframe")->line, "correlation",
                    "timespan '%s' is not a number followed by s, m, h or d", ts);
        else
            sg_diag(&c->diags, SIGMA_ERROR, sy_key_line(doc, "correlation", corr->line), "correlation", "the correlation has no timespan");
        free(rs);
        free(cs);
        return NULL;
    }
    /* every field name the correlation gives */
    const sy_node *names[2] = {sy_get(corr, "group-by"), sy_get(sy_get(corr, "condition"), "field")};
    for (int g = 0; g < 2; g++) {
        const sy_node *const *it;
        size_t cnt = sy_items(&names[g], &it);
        for (size_t i = 0; i < cnt; i++)
            if (it[i]->kind != SY_SCALAR || !sg_field_name_ok(it[i]->text)) {
                sg_diag(&c->diags, SIGMA_ERROR, it[i]->line, "invalid-field", "not a field name SPL can carry");
                free(rs);
        free(cs);
                return NULL;
            }
    }
    const sy_node *al = sy_get(corr, "aliases");
    for (size_t a = 0; al && al->kind == SY_MAP && a < al->n; a++) {
        const sy_node *m = sy_val(al, a);
        int ok = sg_field_name_ok(sy_key(al, a)->text) && m->kind == SY_MAP;
        for (size_t i = 0; ok && i < m->n; i++) ok = sy_val(m, i)->kind == SY_SCALAR && sg_field_name_ok(sy_val(m, i)->text);
        if (!ok) {
            sg_diag(&c->diags, SIGMA_ERROR, sy_key(al, a)->line, "invalid-field", "aliases: each alias maps rule names to field names");
            free(rs);
        free(cs);
            return NULL;
        }
    }
    /* group-by */
    sbuf by = {0};
    const sy_node *gb = sy_get(corr, "group-by");
    if (gb && gb->kind == SY_SEQ) {
        for (size_t i = 0; i < gb->n; i++)
            if (gb->items[i]->kind == SY_SCALAR) {
                sbuf_add(&by, i ? ", " : " by ");
                by_field(&by, gb->items[i]->text);
                if (res) {
                    res->fields = xrealloc(res->fields, (res->nfields + 1) * sizeof *res->fields);
                    res->fields[res->nfields++] = xstrdup(gb->items[i]->text);
                }
            }
    } else if (gb && gb->kind == SY_SCALAR) {
        sbuf_add(&by, " by ");
        by_field(&by, gb->text);
    }
    /* the condition */
    const sy_node *cond = sy_get(corr, "condition");
    const char *var = t == 0 ? "event_count" : t == 1 ? "value_count" : t == 2 ? "rule_count" : "sigma_ordered";
    char *where = NULL;
    int uses_max = 0;
    const char *vfield = NULL;
    if (t == 1) {
        vfield = cond && cond->kind == SY_MAP ? sy_get_str(cond, "field") : NULL;
        if (!vfield) {
            sg_diag(&c->diags, SIGMA_ERROR, cond ? sy_key_line(corr, "condition", cond->line) : sy_key_line(doc, "correlation", corr->line), "correlation", "value_count needs condition: field:");
            free(rs);
        free(cs);
            sbuf_free(&by);
            return NULL;
        }
    }
    if (t == 3) {
        where = xstrdup("sigma_ordered==1");
    } else if (cond && cond->kind == SY_MAP) {
        where = sg_corr_cond(c, cond, var, &uses_max);
    } else if (!cond && t == 2) {
        where = xasprintf("rule_count>=%zu", nrefs);
    } else {
        sg_diag(&c->diags, SIGMA_ERROR, cond ? sy_key_line(corr, "condition", cond->line) : sy_key_line(doc, "correlation", corr->line), "correlation",
                cond ? "condition: must be a mapping (gte: N, ...)" : "the correlation has no condition");
    }
    if (!where) {
        free(rs);
        free(cs);
        sbuf_free(&by);
        return NULL;
    }
    /* the events of every rule, tagged */
    const sy_node *aliases = sy_get(corr, "aliases");
    sbuf s = {0};
    for (size_t i = 0; i < nrefs; i++) {
        sg_crule *r = (sg_crule *)rs[i];
        char *q = r ? sg_rules_search(c, &r, 1) : sg_corr_build(c, cs[i], NULL, depth + 1);
        if (!q) {
            free(cs);
            free(rs);
            free(where);
            sbuf_free(&by);
            sbuf_free(&s);
            return NULL;
        }
        sbuf one_rule = {0};
        sbuf_add(&one_rule, q);
        free(q);
        const char *tag = refs[i]->text;
        sbuf_add(&one_rule, "\n| eval sigma_rule=");
        sg_spl_quote(&one_rule, tag, strlen(tag));
        for (size_t a = 0; aliases && aliases->kind == SY_MAP && a < aliases->n; a++) {
            const char *to = sy_get_str(sy_val(aliases, a), tag);
            if (!to) continue;
            sbuf_add(&one_rule, ", ");
            sg_spl_field_eval(&one_rule, sy_key(aliases, a)->text);
            sbuf_addc(&one_rule, '=');
            sg_spl_field_eval(&one_rule, to);
        }
        if (i == 0) sbuf_add(&s, one_rule.s);
        else sbuf_printf(&s, "\n| append [%s]", one_rule.s);
        sbuf_free(&one_rule);
    }
    sbuf_add(&s, "\n| sort 0 _time");
    switch (t) {
    case 0:
        sbuf_printf(&s, "\n| streamstats time_window=%lds count as event_count%s", secs, by.s ? by.s : "");
        break;
    case 1:
        sbuf_printf(&s, "\n| streamstats time_window=%lds dc(", secs);
        sg_spl_field_eval(&s, vfield);
        sbuf_printf(&s, ") as value_count%s", by.s ? by.s : "");
        break;
    case 2:
        sbuf_printf(&s, "\n| streamstats time_window=%lds dc(sigma_rule) as rule_count%s", secs, by.s ? by.s : "");
        break;
    case 3: {
        /* in order within the timespan, exactly, however many events: the
         * latest possible start of the chain a..i is carried from each
         * rule's events to the next rule's (a list() of the window would
         * stop at 100 values, as Splunk's does) */
        for (size_t i = 0; i < nrefs; i++) {
            sbuf_printf(&s, "\n| eval sigma_s%zu=if(sigma_rule==", i + 1);
            sg_spl_quote(&s, refs[i]->text, strlen(refs[i]->text));
            if (i == 0) sbuf_add(&s, ", _time, null())");
            else sbuf_printf(&s, ", sigma_c%zu, null())", i);
            if (i + 1 < nrefs) sbuf_printf(&s, "\n| streamstats time_window=%lds max(sigma_s%zu) as sigma_c%zu%s", secs, i + 1, i + 1, by.s ? by.s : "");
        }
        sbuf_printf(&s, "\n| eval sigma_ordered=if(isnotnull(sigma_s%zu) AND _time-sigma_s%zu<%ld, 1, 0)", nrefs, nrefs, secs);
        break;
    }
    }
    if (uses_max) {
        /* lt/lte: the group's busiest window must stay under the bound */
        sbuf_printf(&s, "\n| stats min(_time) as first_time max(_time) as _time max(%s) as %s values(sigma_rule) as sigma_rules%s\n| where %s", var, var, by.s ? by.s : "", where);
    } else if (depth > 0) {
        /* a part of a chain: every event at which the condition holds is
         * one firing, at its own time, for the next correlation's window */
        sbuf_printf(&s, "\n| where %s", where);
    } else {
        sbuf_printf(&s, "\n| where %s\n| stats min(_time) as first_time max(_time) as _time max(%s) as %s values(sigma_rule) as sigma_rules%s", where, var, var, by.s ? by.s : "");
    }
    free(where);
    free(rs);
        free(cs);
    sbuf_free(&by);
    return sbuf_detach(&s);
}

const sy_node *sg_correlation_top(sg_comp *c, size_t *ntop)
{
    /* the detection is the correlation no other correlation names (the
     * last such one); others in the file run only as its parts */
    const sy_node *top = NULL;
    *ntop = 0;
    for (size_t i = 0; i < c->ndocs; i++) {
        const sy_node *d = c->docs[i];
        if (!sg_is_correlation(d)) continue;
        const char *n = sy_get_str(d, "name"), *id = sy_get_str(d, "id");
        int named = 0;
        for (size_t j = 0; j < c->ndocs && !named; j++) {
            const sy_node *rules = sy_get(sy_get(c->docs[j], "correlation"), "rules");
            const sy_node *const *refs;
            size_t nr = sy_items(&rules, &refs);
            for (size_t k = 0; k < nr; k++)
                if (refs[k]->kind == SY_SCALAR && ((n && !strcmp(refs[k]->text, n)) || (id && !strcmp(refs[k]->text, id)))) named = 1;
        }
        if (!named) {
            top = d;
            (*ntop)++;
        }
    }
    return top;
}

char *sg_correlation(sg_comp *c, const sy_node *top, size_t ntop, sigma_rule *res)
{
    if (!top) {
        sg_diag(&c->diags, SIGMA_ERROR, 0, "correlation", "the correlations name each other in a cycle");
        return NULL;
    }
    if (ntop > 1) sg_diag(&c->diags, SIGMA_WARNING, top->line, "correlation", "the file holds %zu correlations that no other names: only the last is run", ntop);
    return sg_corr_build(c, top, res, 0);
}
