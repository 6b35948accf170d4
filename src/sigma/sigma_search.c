/* sigma_search.c: the search for a file's rules (no correlation): the
 * rules' selections OR'ed, then either result rows (the matching events
 * with _time, host, source, sourcetype, EventCode and the fields the rule
 * names, a field renamed per source shown under the rule's name) or the
 * deprecated aggregation `| count(f) by g > n` (with `timeframe:` a sliding
 * window, as streamstats time_window). */
#include "sigma/sigma_comp.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

long sg_timespan_seconds(const char *s)
{
    if (!s || !isdigit((unsigned char)*s)) return -1;
    char *end;
    long n = strtol(s, &end, 10);
    if (n <= 0 || n > 100000000L) return -1;
    long mul = !strcmp(end, "s") ? 1 : !strcmp(end, "m") ? 60 : !strcmp(end, "h") ? 3600 : !strcmp(end, "d") ? 86400 : !strcmp(end, "w") ? 604800 : -1;
    if (mul < 0) return -1;
    return n * mul;
}

void sg_result_fields(sg_comp *c, sg_crule *const *rules, size_t n, sigma_rule *res, sbuf *out)
{
    for (size_t i = 0; i < n; i++) sg_expr_fields(rules[i]->expr, 0, &res->fields, &res->nfields);
    /* a field some source names differently: show it under the rule's name */
    for (size_t f = 0; f < res->nfields && c->map; f++) {
        sbuf alts = {0};
        size_t nalts = 0;
        const char *name = res->fields[f];
        char **seen = NULL;
        size_t nseen = 0;
        for (size_t i = 0; i < n; i++) {
            const sg_source **srcs = NULL;
            size_t ns = sigma_map_sources(c->map, rules[i]->product, rules[i]->category, rules[i]->service, &srcs);
            for (size_t k = 0; k < ns; k++) {
                const char *to = sigma_map_rename(c->map, srcs[k], name);
                if (!strcmp(to, name)) continue;
                size_t before = nseen;
                sg_strv_add(&seen, &nseen, to);
                if (nseen == before) continue;
                sbuf_add(&alts, ", ");
                if (sg_field_is_plain(to)) sg_spl_field_eval(&alts, to);
                else sbuf_printf(&alts, "(%s)", to);
                nalts++;
            }
        }
        if (nalts) {
            sbuf_add(out, "\n| eval ");
            sg_spl_field_eval(out, name);
            sbuf_add(out, "=coalesce(");
            sg_spl_field_eval(out, name);
            sbuf_printf(out, "%s)", alts.s);
        }
        for (size_t i = 0; i < nseen; i++) free(seen[i]);
        free(seen);
        sbuf_free(&alts);
    }
    sbuf_add(out, "\n| table _time host source sourcetype EventCode");
    for (size_t f = 0; f < res->nfields; f++) {
        const char *name = res->fields[f];
        if (!strcmp(name, "EventCode") || !strcmp(name, "host") || !strcmp(name, "source") || !strcmp(name, "sourcetype") || !strcmp(name, "_time")) continue;
        sbuf_addc(out, ' ');
        if (sg_field_is_plain(name) && !strpbrk(name, "{}"))
            sbuf_add(out, name);
        else
            sg_spl_quote(out, name, strlen(name));
    }
}

static const char *sg_spl_op(const char *op) { return !strcmp(op, "=") ? "==" : op; }

char *sg_plain_search(sg_comp *c, sigma_rule *res)
{
    sbuf s = {0};
    char *base = sg_rules_search(c, c->rules, c->nrules);
    sbuf_add(&s, base);
    free(base);
    const sg_crule *r = c->rules[0];
    if (!r->has_agg) {
        sg_result_fields(c, c->rules, c->nrules, res, &s);
        return sbuf_detach(&s);
    }
    for (size_t i = 1; i < c->nrules; i++)
        if (!c->rules[i]->has_agg)
            sg_diag(&c->diags, SIGMA_WARNING, c->rules[i]->doc->line, "aggregation", "this rule of the collection has no aggregation: the first rule's is used");
    /* count() -> count, count(f) -> distinct values of f (as sigmac did) */
    sbuf fn = {0};
    if (!strcasecmp(r->agg_func, "count")) {
        if (r->agg_field) {
            sbuf_add(&fn, "dc(");
            sg_spl_field_eval(&fn, r->agg_field);
            sbuf_addc(&fn, ')');
        } else {
            sbuf_add(&fn, "count");
        }
    } else {
        if (!r->agg_field) {
            sg_diag(&c->diags, SIGMA_ERROR, r->doc->line, "aggregation", "%s() needs a field", r->agg_func);
            sbuf_free(&fn);
            sbuf_free(&s);
            return NULL;
        }
        sbuf_printf(&fn, "%s(", r->agg_func);
        sg_spl_field_eval(&fn, r->agg_field);
        sbuf_addc(&fn, ')');
    }
    char *by = r->agg_by ? xasprintf(" by %s", r->agg_by) : xstrdup("");
    if (r->timeframe) {
        long secs = sg_timespan_seconds(r->timeframe);
        if (secs < 0) {
            sg_diag(&c->diags, SIGMA_ERROR, r->doc->line, "timeframe", "timeframe '%s' is not a number followed by s, m, h or d", r->timeframe);
            free(by);
            sbuf_free(&fn);
            sbuf_free(&s);
            return NULL;
        }
        sbuf_printf(&s, "\n| sort 0 _time\n| streamstats time_window=%lds %s as sigma_value%s\n| where sigma_value%s%s", secs, fn.s, by, sg_spl_op(r->agg_op), r->agg_value);
        sbuf_printf(&s, "\n| stats min(_time) as first_time max(_time) as _time max(sigma_value) as sigma_value count as sigma_events%s", by);
    } else {
        sbuf_printf(&s, "\n| stats min(_time) as first_time max(_time) as _time %s as sigma_value%s\n| where sigma_value%s%s", fn.s, by, sg_spl_op(r->agg_op), r->agg_value);
    }
    if (r->agg_by) sg_strv_add(&res->fields, &res->nfields, r->agg_by);
    free(by);
    sbuf_free(&fn);
    return sbuf_detach(&s);
}
