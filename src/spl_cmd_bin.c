/* spl_cmd_bin.c: bin / bucket field span=N[unit] [aligntime=T] [AS name].
 * _time (and any numeric field with a time unit) snaps down to a multiple
 * of the span in epoch seconds (UTC alignment, or from aligntime=: a time
 * modifier, earliest or latest, ignored for spans of whole days); a plain
 * numeric span on another field
 * gives Splunk's "low-high" range text. bins= (automatic spans) is not
 * supported. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_bin(spl_cmd_ctx *c);

/* span text -> seconds (is_time=1) or plain number (is_time=0) */
static int parse_span(const char *s, double *out, int *is_time)
{
    char *end;
    double n = strtod(s, &end);
    if (end == s || n <= 0) return -1;
    if (!*end) { *out = n; *is_time = 0; return 0; }
    static const struct { const char *u; double secs; } units[] = {
        {"s", 1}, {"sec", 1}, {"secs", 1}, {"second", 1}, {"seconds", 1},
        {"m", 60}, {"min", 60}, {"mins", 60}, {"minute", 60}, {"minutes", 60},
        {"h", 3600}, {"hr", 3600}, {"hrs", 3600}, {"hour", 3600}, {"hours", 3600},
        {"d", 86400}, {"day", 86400}, {"days", 86400},
        {"w", 604800}, {"week", 604800}, {"weeks", 604800},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcasecmp(end, units[i].u)) { *out = n * units[i].secs; *is_time = 1; return 0; }
    return -1;
}

int spl_cmd_bin(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *span = NULL, *field = NULL, *as = NULL, *align = NULL;
    size_t align_off = 0;
    int rc = 0;
    for (int i = 0; i < a->n && !rc; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "span", &v)) { free(span); span = v; i += 2; continue; }
        if (spl_arg_option(c, i, "aligntime", &v)) {
            free(align);
            align = v;
            align_off = a->v[i + 2].off;
            i += 2;
            continue;
        }
        if (spl_arg_is_option(c, i)) {
            rc = spl_arg_error(c, &a->v[i], "option '%.*s' is not supported (use span=)", (int)a->v[i].n, a->v[i].s);
            break;
        }
        const spl_token *t = &a->v[i];
        if (spl_tok_is(t, "as", 1) && i + 1 < a->n) { free(as); as = spl_tok_text(&a->v[i + 1]); i++; continue; }
        if ((t->type == TK_WORD || t->type == TK_STRING) && !field) { field = spl_tok_text(t); continue; }
        rc = spl_arg_error(c, t, "unexpected '%.*s'", (int)t->n, t->s);
    }
    if (!rc && !field) rc = spl_arg_error(c, NULL, "expected a field");
    if (!rc && !span) rc = spl_arg_error(c, NULL, "span= is required (automatic bins are not supported)");
    double w = 0;
    int is_time = 0;
    if (!rc && parse_span(span, &w, &is_time)) rc = spl_arg_error(c, NULL, "bad span '%s'", span);
    if (!rc) {
        spl_col *col = spl_tr_col(tr, field);
        if (col) {
            sbuf s = {0};
            char *x = xstrdup(col->sql);
            if (is_time || !strcmp(field, "_time")) {
                /* on local time (spl_bin_time) unless aligntime= gives a
                 * time, which is ignored for spans of whole days */
                double base = 0;
                if (align && fmod(w, 86400) != 0) {
                    double e, l;
                    int m = spl_tr_time_bounds(tr, &e, &l);
                    if (!strcasecmp(align, "earliest")) base = (m & 1) ? e : 0;
                    else if (!strcasecmp(align, "latest")) base = (m & 2) ? l : 0;
                    else if (spl_time_modifier(tr, align, align_off, &base)) rc = -1;
                }
                if (!align || fmod(w, 86400) == 0) {
                    /* local time's buckets (day spans start at local midnight) */
                    sbuf_printf(&s, "spl_bin_time(splop_num(%s), ", x);
                    spl_tr_bind_num(tr, &s, w);
                    sbuf_addc(&s, ')');
                } else {
                    sbuf_printf(&s, "(floor((splop_num(%s) - ", x);
                    spl_tr_bind_num(tr, &s, base);
                    sbuf_add(&s, ") / ");
                    spl_tr_bind_num(tr, &s, w);
                    sbuf_add(&s, ") * ");
                    spl_tr_bind_num(tr, &s, w);
                    sbuf_add(&s, " + ");
                    spl_tr_bind_num(tr, &s, base);
                    sbuf_addc(&s, ')');
                }
            } else {
                sbuf lo = {0};
                sbuf_printf(&lo, "(floor(splop_num(%s) / ", x);
                spl_tr_bind_num(tr, &lo, w);
                sbuf_add(&lo, ") * ");
                spl_tr_bind_num(tr, &lo, w);
                sbuf_addc(&lo, ')');
                sbuf_printf(&s, "CASE WHEN splop_num(%s) IS NULL THEN NULL ELSE splop_str(%s) || '-' || splop_str(%s + ",
                            x, lo.s, lo.s);
                spl_tr_bind_num(tr, &s, w);
                sbuf_add(&s, ") END");
                sbuf_free(&lo);
            }
            if (!rc) spl_tr_set(tr, as ? as : field, s.s, 0);
            sbuf_free(&s);
            free(x);
        }
    }
    free(span);
    free(align);
    free(field);
    free(as);
    return rc;
}
