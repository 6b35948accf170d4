/* spl_fuzz_gen.c: the deep and long SPL query generators of fuzz_spl_parse
 * (see spl_fuzz_gen.h for the input layout). Small inputs expand to queries
 * of tens of thousands of terms or nesting thousands deep: the shapes that
 * overflowed the stack of the recursive translation, SQLite's parser stack,
 * or expanded macros without bound. */
#include "spl_fuzz_gen.h"
#include <stdio.h>
#include <string.h>
#include "util.h"

/* longest macro chain defined (SPL_GEN_MACRO_CHAIN links beyond it wrap) */
#define GEN_CHAIN_MAX 2000
#define GEN_FAN_LEVELS 64

void spl_gen_macros(spl_macros *m)
{
    char name[32], def[64];
    for (int i = 0; i < GEN_CHAIN_MAX; i++) {
        snprintf(name, sizeof name, "chain%d", i);
        if (i + 1 < GEN_CHAIN_MAX) snprintf(def, sizeof def, "`chain%d`", i + 1);
        else snprintf(def, sizeof def, "x=1");
        spl_macros_add(m, name, def, NULL, 0);
    }
    for (int i = 0; i < GEN_FAN_LEVELS; i++) {
        snprintf(name, sizeof name, "fan%d", i);
        if (i + 1 < GEN_FAN_LEVELS) snprintf(def, sizeof def, "(`fan%d` OR `fan%d`)", i + 1, i + 1);
        else snprintf(def, sizeof def, "x=%d", i);
        spl_macros_add(m, name, def, NULL, 0);
    }
    const char *a[] = {"x"};
    spl_macros_add(m, "wrap", "($x$)", a, 1);
    spl_macros_add(m, "ping", "a=1 `pong`", NULL, 0);
    spl_macros_add(m, "pong", "b=1 `ping`", NULL, 0);
}

/* one part of the input: bytes up to the next NUL */
typedef struct { const char *s; size_t n; } gen_part;

static const char *next_part(const char *p, const char *end, gen_part *out, const char *dflt)
{
    const char *z = p < end ? memchr(p, 0, (size_t)(end - p)) : NULL;
    size_t n = p < end ? (size_t)((z ? z : end) - p) : 0;
    if (n) { out->s = p; out->n = n; }
    else { out->s = dflt; out->n = strlen(dflt); }
    return z ? z + 1 : end;
}

/* t with every '#' replaced by i */
static void add_term(sbuf *b, gen_part t, unsigned i)
{
    for (size_t k = 0; k < t.n; k++) {
        if (t.s[k] == '#') sbuf_printf(b, "%u", i);
        else sbuf_addc(b, t.s[k]);
    }
}

static void add_join(sbuf *b, gen_part t, unsigned n, const char *sep)
{
    for (unsigned i = 0; i < n; i++) {
        if (i) sbuf_add(b, sep);
        add_term(b, t, i);
    }
}

char *spl_gen_query(const uint8_t *data, size_t size, spl_macros *m)
{
    if (size < 3 || data[0] < SPL_GEN_MAGIC || data[0] >= SPL_GEN_MAGIC + SPL_GEN_NKINDS) return NULL;
    int kind = data[0] - SPL_GEN_MAGIC;
    unsigned n = (unsigned)data[1] | (unsigned)data[2] << 8;
    const char *p = (const char *)data + 3, *end = (const char *)data + size;
    gen_part a, t, c;
    sbuf b = {0};
    static const char *seps[] = {" AND ", " OR ", " ", " NOT "};
    switch (kind) {
    case SPL_GEN_JOIN_AND:
    case SPL_GEN_JOIN_OR:
    case SPL_GEN_JOIN_SPACE:
    case SPL_GEN_JOIN_NOT:
        p = next_part(p, end, &a, "search ");
        p = next_part(p, end, &t, kind == SPL_GEN_JOIN_NOT ? "(user=u# EventCode=#)" : "EventCode=#");
        next_part(p, end, &c, "");
        sbuf_addn(&b, a.s, a.n);
        if (kind == SPL_GEN_JOIN_NOT) sbuf_add(&b, "NOT ");
        add_join(&b, t, n, seps[kind]);
        sbuf_addn(&b, c.s, c.n);
        break;
    case SPL_GEN_IN_LIST:
        p = next_part(p, end, &a, "search user IN (");
        p = next_part(p, end, &t, "\"v#\"");
        next_part(p, end, &c, ") | stats count by user");
        sbuf_addn(&b, a.s, a.n);
        add_join(&b, t, n, ", ");
        sbuf_addn(&b, c.s, c.n);
        break;
    case SPL_GEN_EVAL_SUM:
        p = next_part(p, end, &a, "| makeresults | eval x=");
        p = next_part(p, end, &t, "#");
        next_part(p, end, &c, " | table x");
        sbuf_addn(&b, a.s, a.n);
        add_join(&b, t, n, "+");
        sbuf_addn(&b, c.s, c.n);
        break;
    case SPL_GEN_PIPELINE:
        p = next_part(p, end, &a, "| makeresults ");
        p = next_part(p, end, &t, "eval f#=#");
        next_part(p, end, &c, "");
        sbuf_addn(&b, a.s, a.n);
        for (unsigned i = 0; i < n; i++) {
            sbuf_add(&b, "| ");
            add_term(&b, t, i);
            sbuf_addc(&b, ' ');
        }
        sbuf_addn(&b, c.s, c.n);
        break;
    case SPL_GEN_NEST:
        p = next_part(p, end, &a, "search (");
        p = next_part(p, end, &t, "x=1");
        next_part(p, end, &c, ")");
        for (unsigned i = 0; i < n; i++) sbuf_addn(&b, a.s, a.n);
        add_term(&b, t, n);
        for (unsigned i = 0; i < n; i++) sbuf_addn(&b, c.s, c.n);
        break;
    case SPL_GEN_MACRO_BODY: {
        p = next_part(p, end, &a, "search ");
        p = next_part(p, end, &t, "EventCode=#");
        next_part(p, end, &c, "");
        sbuf body = {0};
        add_join(&body, t, n, " OR ");
        spl_macros_add(m, "gen", body.s ? body.s : "", NULL, 0);
        sbuf_free(&body);
        sbuf_addn(&b, a.s, a.n);
        sbuf_add(&b, "`gen`");
        sbuf_addn(&b, c.s, c.n);
        break;
    }
    case SPL_GEN_MACRO_CHAIN:
        p = next_part(p, end, &a, "search ");
        next_part(p, end, &c, "");
        sbuf_addn(&b, a.s, a.n);
        sbuf_printf(&b, "`chain%u`", GEN_CHAIN_MAX - 1 - n % GEN_CHAIN_MAX);
        sbuf_addn(&b, c.s, c.n);
        break;
    case SPL_GEN_MACRO_FAN:
        p = next_part(p, end, &a, "search ");
        next_part(p, end, &c, "");
        sbuf_addn(&b, a.s, a.n);
        sbuf_printf(&b, "`fan%u`", GEN_FAN_LEVELS - 1 - n % GEN_FAN_LEVELS);
        sbuf_addn(&b, c.s, c.n);
        break;
    }
    return sbuf_detach(&b);
}
