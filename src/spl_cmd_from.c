/* spl_cmd_from.c: `| from datamodel:Model.Dataset` (or `from datamodel
 * Model.Dataset`) and `| datamodel Model Dataset search|flat`: generating commands that return a CIM data set's rows
 * (spl_dm_rows.c), newest first, with tstats names (Processes.process_name)
 * or, for `flat`, the bare field names. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "datamodel.h"
#include "spl_int.h"

int spl_cmd_from(spl_cmd_ctx *c);
int spl_cmd_datamodel(spl_cmd_ctx *c);

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
    int rc = spl_dm_rows(tr, ds, &want);
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

int spl_cmd_from(spl_cmd_ctx *c)
{
    /* `from datamodel:M.D` or, as Splunk also accepts, `from datamodel M.D` */
    sbuf spec = {0};
    for (int i = 0; i < c->args.n; i++) {
        char *s = spl_tok_text(&c->args.v[i]);
        sbuf_add(&spec, s);
        if (i == 0 && c->args.n > 1 && !strcasecmp(s, "datamodel")) sbuf_addc(&spec, ':');
        free(s);
    }
    int rc;
    if (!spec.s || strncasecmp(spec.s, "datamodel:", 10) || !spec.s[10])
        rc = spl_arg_error(c, NULL, "only `from datamodel:Model.Dataset` is supported");
    else
        rc = dm_rows(c, spec.s + 10, 0);
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

