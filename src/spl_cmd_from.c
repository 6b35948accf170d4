/* spl_cmd_from.c: `| from datamodel:Model.Dataset` (or `from lookup:name`,
 * which is inputlookup; a space may replace the colon) and `| datamodel Model
 * Dataset search|flat`: generating commands that return a CIM data set's rows
 * (spl_dm_rows.c), newest first, with tstats names (Processes.process_name)
 * or, for `flat`, the bare field names. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "datamodel.h"
#include "spl_int.h"

int spl_cmd_from(spl_cmd_ctx *c);
int spl_cmd_datamodel(spl_cmd_ctx *c);
int spl_cmd_inputlookup(spl_cmd_ctx *c);

static int dm_rows(spl_cmd_ctx *c, const char *spec, int flat)
{
    spl_tr *tr = c->tr;
    const dm_dataset *ds = spl_dm_find(c, spec, c->args.n ? &c->args.v[0] : NULL);
    if (!ds) return -1;
    const char **all = NULL;
    size_t n = dm_dataset_all_fields(ds, &all);
    spl_names want = {0};
    for (size_t i = 0; i < n; i++) spl_names_add(&want, all[i]);
    free(all);
    int rc = spl_dm_rows(tr, ds, &want, NULL);
    if (!rc && flat)
        for (int i = 0; i < tr->ncols; i++) {
            const char *f = dm_field_from_path(ds, tr->cols[i].name);
            if (f && strcmp(f, tr->cols[i].name)) {
                free(tr->cols[i].name);
                tr->cols[i].name = xstrdup(f);
            }
        }
    tr->time_applied = 1; /* the time range is in the sources' WHEREs */
    spl_names_free(&want);
    return rc;
}

/* | from TYPE:NAME or | from TYPE NAME (Splunk accepts a colon or a space);
 * TYPE datamodel (a data model dataset) or lookup (as inputlookup NAME). */
int spl_cmd_from(spl_cmd_ctx *c)
{
    const spl_toks *a = &c->args;
    if (!a->n || a->v[0].type != TK_WORD)
        return spl_arg_error(c, NULL, "expected `from datamodel:Model.Dataset` or `from lookup:name`");
    char *first = spl_tok_text(&a->v[0]);
    char *colon = strchr(first, ':');
    sbuf spec = {0};
    if (colon) {
        *colon = 0;
        if (colon[1]) sbuf_add(&spec, colon + 1);
    }
    /* the name: the rest of a colon word plus adjacent tokens (quoted
     * parts), or the next token and those adjacent to it */
    size_t end = a->v[0].off + a->v[0].n;
    if (!colon && a->n > 1) end = a->v[1].off;
    int next = 1;
    for (; next < a->n && a->v[next].off == end; next++) {
        char *t = spl_tok_text(&a->v[next]);
        sbuf_add(&spec, t);
        free(t);
        end = a->v[next].off + a->v[next].n;
    }
    int rc;
    if (next < a->n)
        rc = spl_arg_error(c, &a->v[next], "unexpected '%.*s' after the dataset name", (int)a->v[next].n,
                           a->v[next].s);
    else if (!spec.s || !*spec.s)
        rc = spl_arg_error(c, &a->v[0], "expected a dataset name after '%s'", first);
    else if (!strcasecmp(first, "datamodel"))
        rc = dm_rows(c, spec.s, 0);
    else if (!strcasecmp(first, "lookup")) {
        /* inputlookup with the name as its only argument */
        spl_token nt = a->v[0];
        nt.type = TK_WORD;
        nt.s = spec.s;
        nt.n = strlen(spec.s);
        nt.off = colon ? a->v[0].off + (size_t)(colon + 1 - first) : a->v[1].off;
        spl_cmd_ctx sub = *c;
        sub.args.v = &nt;
        sub.args.n = sub.args.cap = 1;
        rc = spl_cmd_inputlookup(&sub);
    } else
        rc = spl_arg_error(c, &a->v[0], "dataset type '%s' is not supported (datamodel and lookup are)", first);
    free(first);
    sbuf_free(&spec);
    return rc;
}

int spl_cmd_datamodel(spl_cmd_ctx *c)
{
    const spl_toks *t = &c->args;
    if (t->n < 2 || t->n > 3)
        return spl_arg_error(c, NULL, "expected: datamodel Model Dataset [search|flat]");
    int flat = 0;
    if (t->n == 3) {
        if (spl_tok_is(&t->v[2], "flat", 1)) flat = 1;
        else if (!spl_tok_is(&t->v[2], "search", 1))
            return spl_arg_error(c, &t->v[2], "only the search and flat modes are supported");
    }
    char *m = spl_tok_text(&t->v[0]), *ds = spl_tok_text(&t->v[1]);
    char *spec = xasprintf("%s.%s", m, ds);
    int rc = dm_rows(c, spec, flat);
    free(spec);
    free(m);
    free(ds);
    return rc;
}

