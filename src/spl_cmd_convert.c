/* spl_cmd_convert.c: convert [timeformat=FMT] fn(field) [AS name] ...:
 * ctime (epoch -> text, default format %m/%d/%Y %H:%M:%S), mktime (text ->
 * epoch), dur2sec ([D+]HH:MM:SS -> seconds), mstime ([MM:]SS.SSS ->
 * seconds), memk (N[k|m|g] -> kilobytes), num, auto, none, rmcomma,
 * rmunit. Wildcard fields allowed. Values
 * a function cannot convert are left as they are (num() drops them). */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_convert(spl_cmd_ctx *c);

static int conv_sql(spl_tr *tr, const char *fn, const char *x, const char *fmt, sbuf *out)
{
    if (!strcasecmp(fn, "ctime")) {
        sbuf_printf(out, "CASE WHEN splop_num(%s) IS NULL THEN %s ELSE spl_strftime(splop_num(%s), ", x, x, x);
        spl_tr_bind_text(tr, out, fmt);
        sbuf_add(out, ") END");
    } else if (!strcasecmp(fn, "mktime")) {
        sbuf_add(out, "coalesce(spl_strptime(");
        sbuf_printf(out, "%s, ", x);
        spl_tr_bind_text(tr, out, fmt);
        sbuf_printf(out, "), %s)", x);
    } else if (!strcasecmp(fn, "num")) {
        sbuf_printf(out, "splop_num(%s)", x);
    } else if (!strcasecmp(fn, "auto")) {
        sbuf_printf(out, "coalesce(splop_num(%s), %s)", x, x);
    } else if (!strcasecmp(fn, "none")) {
        sbuf_add(out, x);
    } else if (!strcasecmp(fn, "rmcomma")) {
        sbuf_printf(out, "coalesce(splop_num(replace(%s, ',', '')), %s)", x, x);
    } else if (!strcasecmp(fn, "rmunit")) {
        sbuf_printf(out, "coalesce(splop_num(spl_rex(%s, '^\\s*([-+]?[0-9.]+)', '1')), %s)", x, x);
    } else if (!strcasecmp(fn, "dur2sec")) {
        /* [D+]HH:MM:SS -> seconds */
        static const char P[] = "'^ *(?:([0-9]+)[+])?([0-9]+):([0-9]+):([0-9]+(?:[.][0-9]+)?) *$'";
        sbuf_printf(out,
                    "CASE WHEN spl_rex(%s, %s, '2') IS NULL THEN %s ELSE coalesce(spl_rex(%s, %s, '1'), 0) * 86400"
                    " + spl_rex(%s, %s, '2') * 3600 + spl_rex(%s, %s, '3') * 60 + spl_rex(%s, %s, '4') END",
                    x, P, x, x, P, x, P, x, P, x, P);
    } else if (!strcasecmp(fn, "mstime")) {
        /* [MM:]SS.SSS -> seconds */
        static const char P[] = "'^ *(?:([0-9]+):)?([0-9]+(?:[.][0-9]+)?) *$'";
        sbuf_printf(out,
                    "CASE WHEN spl_rex(%s, %s, '2') IS NULL THEN %s ELSE coalesce(spl_rex(%s, %s, '1'), 0) * 60"
                    " + spl_rex(%s, %s, '2') END",
                    x, P, x, x, P, x, P);
    } else if (!strcasecmp(fn, "memk")) {
        /* N[k|m|g] -> kilobytes (k when no letter) */
        static const char P[] = "'^ *([0-9]*[.]?[0-9]+) *([kKmMgG]?) *$'";
        sbuf_printf(out,
                    "CASE WHEN spl_rex(%s, %s, '1') IS NULL THEN %s ELSE spl_rex(%s, %s, '1') * CASE "
                    "lower(spl_rex(%s, %s, '2')) WHEN 'm' THEN 1024 WHEN 'g' THEN 1048576 ELSE 1 END END",
                    x, P, x, x, P, x, P);
    } else {
        return -1;
    }
    return 0;
}

int spl_cmd_convert(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *fmt = xstrdup("%m/%d/%Y %H:%M:%S");
    int rc = 0, nconv = 0;
    for (int i = 0; i < a->n && !rc;) {
        char *v = NULL;
        if (spl_arg_option(c, i, "timeformat", &v)) { free(fmt); fmt = v; i += 3; continue; }
        if (spl_arg_is_option(c, i)) { rc = spl_arg_error(c, &a->v[i], "unknown option '%.*s'", (int)a->v[i].n, a->v[i].s); break; }
        const spl_token *t = &a->v[i];
        if (t->type == TK_COMMA) { i++; continue; }
        if (t->type != TK_WORD || i + 3 >= a->n || a->v[i + 1].type != TK_LP ||
            (a->v[i + 2].type != TK_WORD && a->v[i + 2].type != TK_STRING) || a->v[i + 3].type != TK_RP) {
            rc = spl_arg_error(c, t, "expected a conversion such as ctime(field), got '%.*s'", (int)t->n, t->s);
            break;
        }
        char *fn = xstrndup(t->s, t->n);
        char *field = spl_tok_text(&a->v[i + 2]);
        char *as = NULL;
        i += 4;
        if (i + 1 < a->n && spl_tok_is(&a->v[i], "as", 1)) {
            as = spl_tok_text(&a->v[i + 1]);
            i += 2;
        }
        static const char *known[] = {"ctime", "mktime", "num", "auto", "none", "rmcomma", "rmunit", "dur2sec", "mstime", "memk", NULL};
        int ok = 0;
        for (int k = 0; known[k]; k++) ok |= !strcasecmp(known[k], fn);
        if (!ok) {
            rc = spl_arg_error(c, t, "unknown conversion function '%s'", fn);
        } else if (strchr(field, '*')) {
            if (as) rc = spl_arg_error(c, t, "AS cannot rename a wildcard conversion");
            for (int k = 0; !rc && k < tr->ncols; k++)
                if (spl_wild_match(field, tr->cols[k].name)) {
                    sbuf s = {0};
                    conv_sql(tr, fn, tr->cols[k].sql, fmt, &s);
                    spl_tr_set(tr, tr->cols[k].name, s.s, 0);
                    sbuf_free(&s);
                }
        } else {
            spl_col *col = spl_tr_col(tr, field);
            if (col) {
                sbuf s = {0};
                conv_sql(tr, fn, col->sql, fmt, &s);
                spl_tr_set(tr, as ? as : field, s.s, 0);
                sbuf_free(&s);
            }
        }
        free(fn);
        free(field);
        free(as);
        nconv++;
    }
    if (!rc && !nconv) rc = spl_arg_error(c, NULL, "expected a conversion such as ctime(field)");
    free(fmt);
    return rc;
}
