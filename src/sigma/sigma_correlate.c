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

static void sg_regex_quote(sbuf *b, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\^$.|?*+()[]{}", *s)) sbuf_addc(b, '\\');
        sbuf_addc(b, *s);
    }
}

char *sg_correlation(sg_comp *c, const sy_node *doc, sigma_rule *res)
{
    const sy_node *corr = sy_get(doc, "correlation");
    if (c->ncorr > 1) sg_diag(&c->diags, SIGMA_WARNING, doc->line, "correlation", "the file holds %zu correlations: only the first is run", c->ncorr);
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
    const sy_node *one[1] = {rules};
    const sy_node *const *refs = rules && rules->kind == SY_SEQ ? (const sy_node *const *)rules->items : one;
    size_t nrefs = !rules ? 0 : rules->kind == SY_SEQ ? rules->n : 1;
    if (!nrefs) {
        sg_diag(&c->diags, SIGMA_ERROR, corr->line, "correlation", "rules: names no rule");
        return NULL;
    }
    const sg_crule **rs = xcalloc(nrefs, sizeof *rs);
    for (size_t i = 0; i < nrefs; i++) {
        if (refs[i]->kind != SY_SCALAR || !(rs[i] = sg_find_rule(c, refs[i]->text))) {
            sg_diag(&c->diags, SIGMA_ERROR, refs[i]->line, "correlation", "rules: '%s' is not the name or id of a rule in this file", refs[i]->kind == SY_SCALAR ? refs[i]->text : "?");
            free(rs);
            return NULL;
        }
    }
    long secs = sg_timespan_seconds(sy_get_str(corr, "timespan") ? sy_get_str(corr, "timespan") : sy_get_str(corr, "timeframe"));
    if (secs < 0) {
        sg_diag(&c->diags, SIGMA_ERROR, corr->line, "correlation", "timespan must be a number followed by s, m, h or d");
        free(rs);
        return NULL;
    }
    /* group-by */
    sbuf by = {0};
    const sy_node *gb = sy_get(corr, "group-by");
    if (gb && gb->kind == SY_SEQ) {
        for (size_t i = 0; i < gb->n; i++)
            if (gb->items[i]->kind == SY_SCALAR) {
                sbuf_add(&by, i ? ", " : " by ");
                sg_spl_field_eval(&by, gb->items[i]->text);
                res->fields = xrealloc(res->fields, (res->nfields + 1) * sizeof *res->fields);
                res->fields[res->nfields++] = xstrdup(gb->items[i]->text);
            }
    } else if (gb && gb->kind == SY_SCALAR) {
        sbuf_add(&by, " by ");
        sg_spl_field_eval(&by, gb->text);
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
            sg_diag(&c->diags, SIGMA_ERROR, cond ? cond->line : corr->line, "correlation", "value_count needs condition: field:");
            free(rs);
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
        sg_diag(&c->diags, SIGMA_ERROR, corr->line, "correlation", "condition: must be a mapping (gte: N, ...)");
    }
    if (!where) {
        free(rs);
        sbuf_free(&by);
        return NULL;
    }
    /* the events of every rule, tagged */
    const sy_node *aliases = sy_get(corr, "aliases");
    sbuf s = {0};
    for (size_t i = 0; i < nrefs; i++) {
        sg_crule *r = (sg_crule *)rs[i];
        char *q = sg_rules_search(c, &r, 1);
        sbuf one_rule = {0};
        sbuf_add(&one_rule, q);
        free(q);
        const char *tag = r->name ? r->name : r->id ? r->id : "rule";
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
        sbuf re = {0};
        sbuf_add(&re, "(^|,)");
        for (size_t i = 0; i < nrefs; i++) {
            const char *tag = rs[i]->name ? rs[i]->name : rs[i]->id;
            if (i) sbuf_add(&re, ",(.*,)?");
            sg_regex_quote(&re, tag);
        }
        sbuf_add(&re, "(,|$)");
        sbuf_printf(&s, "\n| streamstats time_window=%lds list(sigma_rule) as sigma_sequence%s", secs, by.s ? by.s : "");
        sbuf_add(&s, "\n| eval sigma_ordered=if(match(mvjoin(sigma_sequence, \",\"), ");
        sg_spl_quote(&s, re.s, re.len);
        sbuf_add(&s, "), 1, 0)");
        sbuf_free(&re);
        break;
    }
    }
    if (uses_max) {
        /* lt/lte: the group's busiest window must stay under the bound */
        sbuf_printf(&s, "\n| stats min(_time) as first_time max(_time) as _time max(%s) as %s values(sigma_rule) as sigma_rules%s\n| where %s", var, var, by.s ? by.s : "", where);
    } else {
        sbuf_printf(&s, "\n| where %s\n| stats min(_time) as first_time max(_time) as _time max(%s) as %s values(sigma_rule) as sigma_rules%s", where, var, var, by.s ? by.s : "");
    }
    free(where);
    free(rs);
    sbuf_free(&by);
    return sbuf_detach(&s);
}
