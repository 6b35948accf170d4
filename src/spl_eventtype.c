/* spl_eventtype.c: Splunk's event types and tags in searches. An event
 * type is a name for a search (datamodels/eventtypes/, docs/DATAMODELS.md);
 * `eventtype=NAME` in a search becomes that search's own SQL condition over
 * the event's columns (source, EventCode, ... so indexes apply), nested
 * event types included, and `tag=T` the OR of the event types tagged T and
 * of the field values tagged T. Where a query reads the value of eventtype,
 * tag, tag::eventtype or tag::FIELD (eval, where, stats by, table), the
 * events level gets a multivalue column holding the names whose conditions
 * hold, in sorted order. Fields in event type searches are read as a search
 * sees them: through the add-ons' aliases (spl_alias.c). Nothing here runs
 * for a query that names none of these fields. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "datamodel.h"
#include "spl_int.h"

/* mvappend takes the values in chunks of this many (SQLite's limit on a
 * function's arguments is 127 by default) */
#define ET_CHUNK 60

typedef struct spl_et {
    const dm_registry *reg;
    spl_alias_res *res;
    char **cond;      /* per event type: its SQL condition, or NULL (not yet) */
    char **ftcond;    /* per field tag */
    int depth;        /* event type searches being compiled */
} spl_et;

int spl_et_is_field(const char *name)
{
    return !strcmp(name, "eventtype") || !strcmp(name, "tag") || (!strncmp(name, "tag::", 5) && name[5]);
}

static spl_et *et_ctx(spl_tr *tr)
{
    const dm_registry *reg = tr->opts ? tr->opts->datamodels : NULL;
    if (!reg || (!reg->neventtypes && !reg->nfieldtags)) return NULL;
    if (!tr->et) {
        tr->et = xcalloc(1, sizeof *tr->et);
        tr->et->reg = reg;
        tr->et->res = spl_alias_res_new(tr);
        tr->et->cond = xcalloc(reg->neventtypes + 1, sizeof *tr->et->cond);
        tr->et->ftcond = xcalloc(reg->nfieldtags + 1, sizeof *tr->et->ftcond);
    }
    return tr->et;
}

void spl_et_free(spl_tr *tr)
{
    spl_et *e = tr->et;
    if (!e) return;
    for (size_t i = 0; i < e->reg->neventtypes; i++) free(e->cond[i]);
    for (size_t i = 0; i < e->reg->nfieldtags; i++) free(e->ftcond[i]);
    free(e->cond);
    free(e->ftcond);
    spl_alias_res_free(e->res);
    free(e);
    tr->et = NULL;
}

/* compile search text (from file:line) with its fields resolved through the
 * aliases; eventtype=/tag= inside it recurse through spl_et_search_sql */
static int et_compile(spl_tr *tr, spl_et *e, const char *text, const char *file, int line, char **out)
{
    spl_toks t = {0};
    spl_pctx P = {0};
    spl_error pe = {0};
    P.err = &pe;
    spl_names fields = {0};
    size_t len = strlen(text);
    if (!spl_lex(text, len, 0, SPL_LEX_SEARCH, &t, &pe) && !spl_parse_expr(&P, TK_SEARCH_START, &t, 0, t.n, len))
        spl_search_fields(P.result, &fields);
    spl_pctx_free(&P);
    spl_toks_free(&t);
    spl_error_clear(&pe);
    free(pe.text);
    spl_env env = {0};
    int rc = 0;
    spl_names_add(&fields, "_raw");
    for (int i = 0; i < fields.n && !rc; i++) {
        if (spl_et_is_field(fields.v[i])) continue;
        const char *sql;
        int mv = 0;
        rc = spl_alias_res_field(e->res, fields.v[i], &sql, &mv);
        if (!rc) spl_env_set(&env, fields.v[i], sql, mv);
    }
    spl_names_free(&fields);
    if (!rc) {
        char *where = xasprintf("%s:%d", file, line);
        sbuf b = {0};
        e->depth++;
        rc = spl_dm_compile(tr, text, 1, &env, where, &b, NULL);
        e->depth--;
        free(where);
        if (!rc) *out = sbuf_detach(&b);
        else sbuf_free(&b);
    }
    spl_env_free(&env);
    return rc;
}

static int et_cond(spl_tr *tr, spl_et *e, size_t i, const char **out)
{
    const dm_eventtype *et = &e->reg->eventtypes[i];
    if (!e->cond[i]) {
        /* the loader rejects cycles; this bounds a registry built otherwise */
        if (e->depth > 32) return spl_tr_error(tr, tr->cmd_off, "event type %s: event types nest too deeply", et->name);
        char *c = NULL;
        if (et_compile(tr, e, et->search, et->file, et->line, &c)) return -1;
        e->cond[i] = c;
    }
    *out = e->cond[i];
    return 0;
}

static int ft_cond(spl_tr *tr, spl_et *e, size_t i, const char **out)
{
    const dm_fieldtag *ft = &e->reg->fieldtags[i];
    if (!e->ftcond[i]) {
        sbuf text = {0};
        sbuf_printf(&text, "%s=\"", ft->field);
        for (const char *p = ft->value; *p; p++) {
            if (*p == '"' || *p == '\\') sbuf_addc(&text, '\\');
            sbuf_addc(&text, *p);
        }
        sbuf_addc(&text, '"');
        char *c = NULL;
        int rc = et_compile(tr, e, text.s, ft->file, ft->line, &c);
        sbuf_free(&text);
        if (rc) return -1;
        e->ftcond[i] = c;
    }
    *out = e->ftcond[i];
    return 0;
}

/* what a field reads: 'e' event type names, 't' tags of event types and
 * field values, 'E' tags of event types (tag::eventtype), 'F' tags of the
 * values of one field (tag::FIELD) */
static int et_kind(const char *field, const char **tagfield)
{
    *tagfield = NULL;
    if (!strcmp(field, "eventtype")) return 'e';
    if (!strcmp(field, "tag")) return 't';
    if (!strcmp(field, "tag::eventtype")) return 'E';
    *tagfield = field + 5;
    return 'F';
}

/* The OR of the conditions of the event types / field tags a pattern
 * selects for a field kind; "0" when none. */
static int et_match_sql(spl_tr *tr, spl_et *e, int kind, const char *tagfield, const char *pat, sbuf *out)
{
    const dm_registry *reg = e->reg;
    char **items = NULL;
    int n = 0, rc = 0;
    if (kind != 'F')
        for (size_t i = 0; i < reg->neventtypes && !rc; i++) {
            const dm_eventtype *et = &reg->eventtypes[i];
            if (kind == 'e' ? !dm_wildcard_match(pat, et->name) : !dm_eventtype_has_tag(et, pat)) continue;
            const char *c;
            rc = et_cond(tr, e, i, &c);
            if (rc || !strcmp(c, "0")) continue;
            items = xrealloc(items, sizeof *items * (size_t)(n + 1));
            items[n++] = xasprintf("(%s)", c);
        }
    if (kind == 't' || kind == 'F')
        for (size_t i = 0; i < reg->nfieldtags && !rc; i++) {
            const dm_fieldtag *ft = &reg->fieldtags[i];
            if (kind == 'F' && strcmp(ft->field, tagfield)) continue;
            int hit = 0;
            for (size_t k = 0; k < ft->ntags && !hit; k++) hit = dm_wildcard_match(pat, ft->tags[k]);
            if (!hit) continue;
            const char *c;
            rc = ft_cond(tr, e, i, &c);
            if (rc || !strcmp(c, "0")) continue;
            items = xrealloc(items, sizeof *items * (size_t)(n + 1));
            items[n++] = xasprintf("(%s)", c);
        }
    if (!rc) {
        if (!n) sbuf_add(out, "0");
        else if (n == 1) sbuf_add(out, items[0]);
        else {
            sbuf_addc(out, '(');
            spl_sql_join(out, items, n, "OR");
            sbuf_addc(out, ')');
        }
    }
    spl_sql_items_free(items, n);
    return rc;
}

static void et_make_column(spl_tr *tr, spl_et *e, const char *f);

int spl_et_search_sql(spl_tr *tr, const spl_node *n, const char *field, sbuf *out, int *rc)
{
    assert(n->kind == SN_CMP || n->kind == SN_IN);
    *rc = 0;
    if (!spl_et_is_field(field)) return 0;
    if (n->kind == SN_CMP && n->op != TK_EQ && n->op != TK_NE) return 0;
    spl_et *e = tr->et;
    if (!(e && e->depth > 0)) {
        spl_col *c = spl_tr_find(tr, field);
        if (!tr->is_event_table) return 0;
        e = et_ctx(tr);
        if (!e) return 0;
        if (!c) {
            /* the first search's eventtype=/tag= leave the column unmade
             * (collect_refs) unless the events carry a field of that name */
            sbuf own = {0};
            store_field_sql(tr->st, "e", field, &own);
            if (own.s && strcmp(own.s, "NULL")) et_make_column(tr, e, field);
            sbuf_free(&own);
            if (tr->err->msg) { *rc = -1; return 1; }
            c = spl_tr_find(tr, field);
        }
        /* (an event carrying a field of that name itself: its column, which
         * holds both, compares as any field) */
        if (c && c->etype != 1) return 0;
    }
    const char *tagfield;
    int kind = et_kind(field, &tagfield);
    if (n->kind == SN_IN) {
        if (!n->nkids) { *rc = spl_tr_error(tr, n->tok.off, "IN needs at least one value"); return 1; }
        char **items = xcalloc((size_t)n->nkids, sizeof *items);
        int k = 0;
        for (int i = 0; i < n->nkids && !*rc; i++) {
            char *v = spl_tok_text(&n->kids[i]->tok);
            sbuf one = {0};
            *rc = et_match_sql(tr, e, kind, tagfield, v, &one);
            free(v);
            if (!*rc && strcmp(one.s, "0")) items[k++] = sbuf_detach(&one);
            else sbuf_free(&one);
        }
        if (!*rc) {
            if (!k) sbuf_add(out, "0");
            else {
                sbuf_addc(out, '(');
                spl_sql_join(out, items, k, "OR");
                sbuf_addc(out, ')');
            }
        }
        spl_sql_items_free(items, k);
        if (*rc) *rc = -1;
        return 1;
    }
    char *v = spl_tok_text(&n->val);
    sbuf m = {0};
    *rc = et_match_sql(tr, e, kind, tagfield, v, &m);
    if (!*rc && n->op == TK_NE) {
        /* f!=v: the field exists (some event type / tag applies) and no
         * value is v */
        sbuf any = {0};
        *rc = et_match_sql(tr, e, kind, tagfield, "*", &any);
        if (!*rc) {
            if (!strcmp(any.s, "0")) sbuf_add(out, "0");
            else if (!strcmp(m.s, "0")) sbuf_add(out, any.s);
            else sbuf_printf(out, "(%s AND (%s) IS NOT 1)", any.s, m.s);
        }
        sbuf_free(&any);
    } else if (!*rc) {
        sbuf_add(out, m.s);
    }
    sbuf_free(&m);
    free(v);
    if (*rc) *rc = -1;
    return 1;
}


static int cmp_et(const void *a, const void *b)
{
    return strcmp((*(const dm_eventtype *const *)a)->name, (*(const dm_eventtype *const *)b)->name);
}

/* one "CASE WHEN cond THEN value(s) END" of the column, into the chunks */
typedef struct et_chunks {
    char **v;
    int n;
    sbuf cur;
    int k;
} et_chunks;

static void chunk_add(spl_tr *tr, et_chunks *c, const char *cond, const char *const *vals, size_t nvals)
{
    sbuf_printf(&c->cur, "%sCASE WHEN %s THEN ", c->k ? ", " : "", cond);
    if (nvals > 1) sbuf_add(&c->cur, "spl_mvappend(");
    for (size_t i = 0; i < nvals; i++) {
        if (i) sbuf_add(&c->cur, ", ");
        spl_tr_bind_text(tr, &c->cur, vals[i]);
    }
    sbuf_add(&c->cur, nvals > 1 ? ") END" : " END");
    if (++c->k == ET_CHUNK) {
        c->v = xrealloc(c->v, sizeof *c->v * (size_t)(c->n + 1));
        c->v[c->n++] = sbuf_detach(&c->cur);
        c->k = 0;
    }
}

/* SQL of the multivalue field: spl_mvappend(CASE WHEN cond THEN name END, ...)
 * over the event types in name order (eventtype); for tags, each event
 * type's (field value's) tags, deduplicated and sorted. Every condition
 * appears once. */
static int et_value_sql(spl_tr *tr, spl_et *e, const char *field, sbuf *out)
{
    const char *tagfield;
    int kind = et_kind(field, &tagfield);
    const dm_registry *reg = e->reg;
    et_chunks ch = {0};
    int rc = 0;
    if (kind != 'F') {
        const dm_eventtype **ets = xcalloc(reg->neventtypes + 1, sizeof *ets);
        for (size_t i = 0; i < reg->neventtypes; i++) ets[i] = &reg->eventtypes[i];
        qsort(ets, reg->neventtypes, sizeof *ets, cmp_et);
        for (size_t i = 0; i < reg->neventtypes && !rc; i++) {
            const dm_eventtype *et = ets[i];
            if (kind != 'e' && !et->ntags) continue;
            const char *c;
            rc = et_cond(tr, e, (size_t)(et - reg->eventtypes), &c);
            if (rc || !strcmp(c, "0")) continue;
            if (kind == 'e') chunk_add(tr, &ch, c, &et->name, 1);
            else chunk_add(tr, &ch, c, et->tags, et->ntags);
        }
        free(ets);
    }
    if (kind == 't' || kind == 'F')
        for (size_t i = 0; i < reg->nfieldtags && !rc; i++) {
            const dm_fieldtag *ft = &reg->fieldtags[i];
            if (kind == 'F' && strcmp(ft->field, tagfield)) continue;
            const char *c;
            rc = ft_cond(tr, e, i, &c);
            if (rc || !strcmp(c, "0")) continue;
            chunk_add(tr, &ch, c, ft->tags, ft->ntags);
        }
    if (ch.k) {
        ch.v = xrealloc(ch.v, sizeof *ch.v * (size_t)(ch.n + 1));
        ch.v[ch.n++] = sbuf_detach(&ch.cur);
    }
    sbuf_free(&ch.cur);
    if (!rc) {
        if (!ch.n) sbuf_add(out, "NULL");
        else {
            /* event type names are distinct and in order already */
            if (kind != 'e') sbuf_add(out, "spl_mvsort(spl_mvdedup(");
            if (ch.n == 1) sbuf_printf(out, "spl_mvappend(%s)", ch.v[0]);
            else {
                sbuf_add(out, "spl_mvappend(");
                for (int i = 0; i < ch.n; i++) sbuf_printf(out, "%sspl_mvappend(%s)", i ? ", " : "", ch.v[i]);
                sbuf_addc(out, ')');
            }
            if (kind != 'e') sbuf_add(out, "))");
        }
    }
    for (int i = 0; i < ch.n; i++) free(ch.v[i]);
    free(ch.v);
    return rc;
}

int spl_et_check(const dm_registry *reg, char **err)
{
    for (size_t i = 0; i < reg->neventtypes; i++) {
        const dm_eventtype *et = &reg->eventtypes[i];
        size_t len = strlen(et->search);
        spl_toks t = {0};
        spl_pctx P = {0};
        spl_error pe = {0};
        P.err = &pe;
        int rc = spl_lex(et->search, len, 0, SPL_LEX_SEARCH, &t, &pe);
        if (!rc) rc = spl_parse_expr(&P, TK_SEARCH_START, &t, 0, t.n, len);
        if (rc)
            *err = xasprintf("%s:%d: event type %s: %s (in `%s`)", et->file, et->line, et->name,
                             pe.msg ? pe.msg : "not a search", et->search);
        spl_pctx_free(&P);
        spl_toks_free(&t);
        spl_error_clear(&pe);
        free(pe.text);
        if (rc) return -1;
    }
    return 0;
}

char *spl_et_tag_sql(spl_tr *tr, const char *field, int *mv)
{
    spl_et *e = et_ctx(tr);
    if (!e) return NULL;
    sbuf b = {0};
    if (et_value_sql(tr, e, field, &b)) { sbuf_free(&b); return NULL; }
    *mv = 1;
    return sbuf_detach(&b);
}

/* the computed column of field (eventtype, tag, tag::X) at the events
 * level: the event's own values of that name first, then the computed ones */
static void et_make_column(spl_tr *tr, spl_et *e, const char *f)
{
    sbuf b = {0}, own = {0};
    store_field_sql(tr->st, "e", f, &own);
    int has_own = own.s && strcmp(own.s, "NULL");
    if (!et_value_sql(tr, e, f, &b)) {
        if (has_own) {
            char *both = xasprintf("spl_mvappend(%s, %s)", own.s, b.s);
            spl_tr_set(tr, f, both, 1);
            free(both);
        } else {
            spl_tr_set(tr, f, b.s, 1);
        }
        spl_col *c = spl_tr_find(tr, f);
        if (c) c->etype = has_own ? 2 : 1;
    }
    sbuf_free(&b);
    sbuf_free(&own);
}

void spl_et_apply(spl_tr *tr)
{
    if (tr->err->msg) return;
    for (int i = 0; i < tr->nrefs && !tr->err->msg; i++) {
        const char *f = tr->refs[i];
        if (!spl_et_is_field(f) || strchr(f, '*')) continue;
        spl_et *e = et_ctx(tr);
        if (!e) return;
        et_make_column(tr, e, f);
    }
}
