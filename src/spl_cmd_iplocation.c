/* spl_cmd_iplocation.c: iplocation [prefix=P] [allfields=bool] [lang=en]
 * FIELD: the location of the IP address in FIELD (first value of a
 * multivalue) as the fields City, Country, Region, lat, lon (allfields=true
 * adds Continent, MetroCode, Timezone), each named with the prefix. The
 * lookup is the SQL function spl_iplocation (sqlfn_geoip.c) over the GeoIP
 * country database (geoip.h): only Country and Continent are ever known,
 * the other fields are null. Without the database the command is refused
 * at translation, naming the missing file. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "geoip.h"
#include "spl_int.h"

int spl_cmd_iplocation(spl_cmd_ctx *c);

static int parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"true", "t", "1", "yes"}, *const no[] = {"false", "f", "0", "no"};
    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(s, yes[i])) { *out = 1; return 0; }
        if (!strcasecmp(s, no[i])) { *out = 0; return 0; }
    }
    return -1;
}

int spl_cmd_iplocation(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *prefix = xstrdup(""), *field = NULL;
    int allfields = 0, rc = 0;
    for (int i = 0; i < a->n && !rc; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "prefix", &v)) { free(prefix); prefix = v; i += 2; continue; }
        if (spl_arg_option(c, i, "allfields", &v)) {
            if (parse_bool(v, &allfields)) rc = spl_arg_error(c, &a->v[i + 2], "allfields= expects true or false, got '%s'", v);
            free(v);
            i += 2;
            continue;
        }
        if (spl_arg_option(c, i, "lang", &v)) {
            if (strcasecmp(v, "en") && strcasecmp(v, "en-US"))
                rc = spl_arg_error(c, &a->v[i + 2], "lang=%s: the GeoIP database has English names only", v);
            free(v);
            i += 2;
            continue;
        }
        if (spl_arg_is_option(c, i)) {
            rc = spl_arg_error(c, &a->v[i], "unknown option '%.*s' (prefix=, allfields=, lang=)", (int)a->v[i].n,
                               a->v[i].s);
            break;
        }
        const spl_token *t = &a->v[i];
        if ((t->type == TK_WORD || t->type == TK_STRING) && !field) { field = spl_tok_text(t); continue; }
        rc = spl_arg_error(c, t, "unexpected '%.*s' (iplocation takes one IP address field)", (int)t->n, t->s);
    }
    if (!rc && !field) rc = spl_arg_error(c, NULL, "expected the field holding the IP address");
    char *err = NULL;
    if (!rc && geoip_check(&err) != 0) {
        rc = spl_arg_error(c, NULL, "cannot run: %s", err);
        free(err);
    }
    if (!rc) {
        /* Splunk's order; the database knows Country and Continent only */
        static const struct { const char *name; int known, all; } outs[] = {
            {"City", 0, 0},      {"Continent", 1, 1}, {"Country", 1, 0}, {"MetroCode", 0, 1},
            {"Region", 0, 0},    {"Timezone", 0, 1},  {"lat", 0, 0},     {"lon", 0, 0},
        };
        spl_col *col = spl_tr_col(tr, field);
        char *ip = xstrdup(col ? col->sql : "NULL");
        for (size_t k = 0; k < sizeof outs / sizeof outs[0]; k++) {
            if (outs[k].all && !allfields) continue;
            sbuf s = {0};
            if (outs[k].known && col) {
                sbuf_printf(&s, "spl_iplocation(%s, ", ip);
                sbuf_add_sql_string(&s, outs[k].name, strlen(outs[k].name));
                sbuf_addc(&s, ')');
            } else
                sbuf_add(&s, "NULL");
            char *name = xasprintf("%s%s", prefix, outs[k].name);
            spl_tr_set(tr, name, s.s, 0);
            free(name);
            sbuf_free(&s);
        }
        free(ip);
    }
    free(prefix);
    free(field);
    return rc;
}
