/* risk_row.c: the result-row struct the risk and notable builders read,
 * its content key, and $field$ template expansion from a row. */
#include "risk.h"
#include "util.h"

#include <assert.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void risk_row_init(risk_row *r)
{
    memset(r, 0, sizeof *r);
}

void risk_row_free(risk_row *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->names[i]);
        for (size_t j = 0; j < r->nvalues[i]; j++) free(r->values[i][j]);
        free(r->values[i]);
    }
    free(r->names);
    free(r->values);
    free(r->nvalues);
    memset(r, 0, sizeof *r);
}

static void rr_push(risk_row *r, const char *name, char **vals, size_t n)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->names = xrealloc(r->names, r->cap * sizeof *r->names);
        r->values = xrealloc(r->values, r->cap * sizeof *r->values);
        r->nvalues = xrealloc(r->nvalues, r->cap * sizeof *r->nvalues);
    }
    r->names[r->n] = xstrdup(name);
    r->values[r->n] = vals;
    r->nvalues[r->n] = n;
    r->n++;
}

void risk_row_add(risk_row *r, const char *name, const char *const *values, size_t nvalues)
{
    assert(r && name && (values || nvalues == 0));
    char **v = nvalues ? xcalloc(nvalues, sizeof *v) : NULL;
    for (size_t i = 0; i < nvalues; i++) v[i] = xstrdup(values[i] ? values[i] : "");
    rr_push(r, name, v, nvalues);
}

void risk_row_add_text(risk_row *r, const char *name, const char *value)
{
    risk_row_add(r, name, value ? &value : NULL, value ? 1 : 0);
}

int risk_row_add_json(risk_row *r, const char *name, const char *json, size_t len)
{
    json_error_t je;
    json_t *a = json_loadb(json, len, 0, &je);
    if (!json_is_array(a)) {
        json_decref(a);
        return -1;
    }
    size_t n = json_array_size(a), k = 0;
    char **v = n ? xcalloc(n, sizeof *v) : NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_array_get(a, i);
        if (json_is_string(it))
            v[k++] = xstrdup(json_string_value(it));
        else if (json_is_integer(it))
            v[k++] = xasprintf("%lld", (long long)json_integer_value(it));
        else if (json_is_real(it))
            v[k++] = xasprintf("%.17g", json_real_value(it));
        else if (json_is_boolean(it))
            v[k++] = xstrdup(json_is_true(it) ? "true" : "false");
    }
    json_decref(a);
    rr_push(r, name, v, k);
    return 0;
}

const char *const *risk_row_get(const risk_row *r, const char *name, size_t *n)
{
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->names[i], name) == 0) {
            *n = r->nvalues[i];
            return (const char *const *)r->values[i];
        }
    }
    *n = 0;
    return NULL;
}

char *risk_row_key(const risk_row *r)
{
    uint64_t h = UTIL_HASH_INIT;
    for (size_t i = 0; i < r->n; i++) {
        h = util_hash(h, r->names[i], strlen(r->names[i]) + 1);
        uint64_t nv = r->nvalues[i];
        h = util_hash(h, &nv, sizeof nv);
        for (size_t j = 0; j < r->nvalues[i]; j++) h = util_hash(h, r->values[i][j], strlen(r->values[i][j]) + 1);
    }
    return xasprintf("%016llx", (unsigned long long)h);
}

char *risk_expand(const char *tmpl, const risk_row *row)
{
    sbuf b = {0};
    if (!tmpl) return xstrdup("");
    const char *p = tmpl;
    while (*p) {
        if (*p != '$') {
            sbuf_addc(&b, *p++);
            continue;
        }
        if (p[1] == '$') {
            sbuf_addc(&b, '$');
            p += 2;
            continue;
        }
        /* A name runs to the next '$' on the line; it may hold blanks
         * ("$PSWA Host$") only if such a field exists, else the '$' is
         * literal and scanning goes on, so "$dest on $user$" still expands
         * $user$. */
        size_t len = strcspn(p + 1, "$\r\n");
        if (p[1 + len] != '$' || len == 0) {
            sbuf_addc(&b, *p++);
            continue;
        }
        char *name = xstrndup(p + 1, len);
        size_t n;
        const char *const *v = risk_row_get(row, name, &n);
        int present = 0;
        for (size_t i = 0; i < row->n; i++)
            if (strcmp(row->names[i], name) == 0) present = 1;
        int blank = strcspn(name, " \t") < len;
        free(name);
        if (!present && blank) {
            sbuf_addc(&b, *p++);
            continue;
        }
        if (!present) {
            sbuf_addn(&b, p, len + 2); /* unresolved: kept as written */
        } else {
            for (size_t i = 0; i < n; i++) {
                if (i) sbuf_add(&b, ", ");
                sbuf_add(&b, v[i]);
            }
        }
        p += len + 2;
    }
    return b.s ? sbuf_detach(&b) : xstrdup("");
}
