/* spl_macro.c: loading search macros from YAML files (libyaml) and expanding
 * them in a query: `name` / `name(arg, ...)` in backticks, $arg$
 * substitution, nested macros, cycle detection. Text inside double-quoted
 * strings is left alone. */
#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "spl_macro.h"
#include "util.h"

/* Bounds on expansion: nesting depth (Splunk's limits.conf has
 * max_macro_depth, 100 by default), the size of the expanded text, and the
 * total text expanded and the number of calls (macros calling several
 * others grow exponentially with depth long before they nest 100 deep). */
#define MACRO_MAX_DEPTH 100
#define MACRO_MAX_SIZE (16u << 20)
#define MACRO_MAX_WORK (64u << 20)
#define MACRO_MAX_CALLS 50000

void spl_macros_init(spl_macros *m) { memset(m, 0, sizeof *m); }

static void macro_free(spl_macro *x)
{
    free(x->name);
    for (int i = 0; i < x->nargs; i++) free(x->args[i]);
    free(x->args);
    free(x->definition);
    free(x->file);
}

void spl_macros_free(spl_macros *m)
{
    for (int i = 0; i < m->n; i++) macro_free(&m->v[i]);
    free(m->v);
    memset(m, 0, sizeof *m);
}

const spl_macro *spl_macros_find(const spl_macros *m, const char *key)
{
    for (int i = m->n - 1; i >= 0; i--)
        if (!strcmp(m->v[i].name, key)) return &m->v[i];
    return NULL;
}

static void macros_put(spl_macros *m, spl_macro *x)
{
    for (int i = 0; i < m->n; i++)
        if (!strcmp(m->v[i].name, x->name)) {
            macro_free(&m->v[i]);
            m->v[i] = *x;
            return;
        }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->v = xrealloc(m->v, sizeof *m->v * (size_t)m->cap);
    }
    m->v[m->n++] = *x;
}

/* The lookup key: "name" for no arguments, "name(N)" otherwise, unless the
 * name already carries "(N)". */
static char *macro_key(const char *name, int nargs)
{
    size_t n = strlen(name);
    if (nargs == 0 || (n && name[n - 1] == ')')) return xstrdup(name);
    return xasprintf("%s(%d)", name, nargs);
}

void spl_macros_add(spl_macros *m, const char *name, const char *definition,
                    const char *const *args, int nargs)
{
    spl_macro x = {0};
    x.name = macro_key(name, nargs);
    x.definition = xstrdup(definition);
    x.nargs = nargs;
    x.args = nargs ? xcalloc((size_t)nargs, sizeof *x.args) : NULL;
    for (int i = 0; i < nargs; i++) x.args[i] = xstrdup(args[i]);
    x.file = xstrdup("(built in)");
    macros_put(m, &x);
}

static const char *scalar(yaml_document_t *d, yaml_node_t *n)
{
    (void)d;
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int spl_macros_load_file(spl_macros *m, const char *path, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = xasprintf("%s: cannot open", path);
        return -1;
    }
    yaml_parser_t p;
    yaml_document_t d;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    int rc = -1;
    if (!yaml_parser_load(&p, &d)) {
        *err = xasprintf("%s:%lu: YAML error: %s", path, (unsigned long)p.problem_mark.line + 1,
                         p.problem ? p.problem : "?");
        yaml_parser_delete(&p);
        fclose(f);
        return -1;
    }
    yaml_node_t *root = yaml_document_get_root_node(&d);
    const char *name = NULL, *def = NULL;
    yaml_node_t *args = NULL;
    if (!root || root->type != YAML_MAPPING_NODE) {
        *err = xasprintf("%s: not a YAML mapping", path);
        goto out;
    }
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
        const char *k = scalar(&d, yaml_document_get_node(&d, pr->key));
        yaml_node_t *v = yaml_document_get_node(&d, pr->value);
        if (!k) continue;
        if (!strcmp(k, "name")) name = scalar(&d, v);
        else if (!strcmp(k, "definition")) def = scalar(&d, v);
        else if (!strcmp(k, "arguments")) args = v;
    }
    if (!name || !*name) {
        *err = xasprintf("%s: macro has no name", path);
        goto out;
    }
    if (!def) def = "";
    spl_macro x = {0};
    if (args && args->type == YAML_SEQUENCE_NODE) {
        int na = (int)(args->data.sequence.items.top - args->data.sequence.items.start);
        x.args = na ? xcalloc((size_t)na, sizeof *x.args) : NULL;
        for (int i = 0; i < na; i++) {
            const char *a = scalar(&d, yaml_document_get_node(&d, args->data.sequence.items.start[i]));
            if (!a) {
                *err = xasprintf("%s: argument %d of macro %s is not a name", path, i + 1, name);
                for (int j = 0; j < x.nargs; j++) free(x.args[j]);
                free(x.args);
                goto out;
            }
            x.args[x.nargs++] = xstrdup(a);
        }
    } else if (args && scalar(&d, args) && *scalar(&d, args)) {
        /* "arguments: a, b" as one string */
        char *s = xstrdup(scalar(&d, args)), *save = NULL;
        for (char *t = strtok_r(s, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
            x.args = xrealloc(x.args, sizeof *x.args * (size_t)(x.nargs + 1));
            x.args[x.nargs++] = xstrdup(t);
        }
        free(s);
    }
    x.name = macro_key(name, x.nargs);
    x.definition = xstrdup(def);
    x.file = xstrdup(path);
    macros_put(m, &x);
    rc = 0;
out:
    yaml_document_delete(&d);
    yaml_parser_delete(&p);
    fclose(f);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int spl_macros_load_dir(spl_macros *m, const char *dir, int optional, char **err)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (optional) return 0;
        *err = xasprintf("%s: cannot open macro directory", dir);
        return -1;
    }
    char **names = NULL;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 4 && (!strcmp(e->d_name + l - 4, ".yml") || (l > 5 && !strcmp(e->d_name + l - 5, ".yaml")))) {
            names = xrealloc(names, sizeof *names * (size_t)(n + 1));
            names[n++] = xstrdup(e->d_name);
        }
    }
    closedir(d);
    if (n) qsort(names, (size_t)n, sizeof *names, cmp_str);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (!rc) {
            char *p = xasprintf("%s/%s", dir, names[i]);
            rc = spl_macros_load_file(m, p, err);
            free(p);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

/* ---- expansion ---- */

typedef struct expander {
    const spl_macros *m;
    const char *stack[MACRO_MAX_DEPTH];
    int depth;
    char *err;
    size_t work;    /* bytes of definitions expanded so far */
    int calls;      /* macro calls expanded so far */
} expander;

/* "a -> b -> c": the macros being expanded, outermost first */
static char *chain(const expander *x, const char *last)
{
    sbuf c = {0};
    for (int d = 0; d < x->depth; d++) sbuf_printf(&c, "%s -> ", x->stack[d]);
    sbuf_add(&c, last);
    return sbuf_detach(&c);
}

/* an error when the expansion grows past its bounds */
static int too_big(expander *x, size_t out_len, size_t def_len, const char *name)
{
    const char *what = NULL;
    size_t lim = 0;
    if (out_len > MACRO_MAX_SIZE || def_len > MACRO_MAX_SIZE) {
        what = "is larger than";
        lim = MACRO_MAX_SIZE;
    } else if (x->work > MACRO_MAX_WORK) {
        what = "goes through more than";
        lim = MACRO_MAX_WORK;
    }
    if (!what) return 0;
    char *c = chain(x, name);
    x->err = xasprintf("macro expansion %s %zu MiB%s (in macro chain %s)", what, (size_t)(lim >> 20),
                       lim == MACRO_MAX_WORK ? " of definitions" : "", c);
    free(c);
    return 1;
}

static int expand_into(expander *x, const char *s, size_t n, sbuf *out, size_t *err_rel);

/* Split "a, b(c,d), "e,f"" at top-level commas; trimmed copies. */
static int split_args(const char *s, size_t n, char ***out)
{
    int na = 0, depth = 0;
    char **v = NULL;
    size_t start = 0;
    int inq = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? s[i] : ',';
        if (i < n && inq) {
            if (c == '\\' && i + 1 < n) { i++; continue; }
            if (c == '"') inq = 0;
            continue;
        }
        if (c == '"') { inq = 1; continue; }
        if (c == '(') depth++;
        else if (c == ')') depth--;
        else if (c == ',' && depth <= 0) {
            size_t a = start, b = i;
            while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n' || s[a] == '\r')) a++;
            while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\n' || s[b - 1] == '\r')) b--;
            v = xrealloc(v, sizeof *v * (size_t)(na + 1));
            v[na++] = xstrndup(s + a, b - a);
            start = i + 1;
        }
    }
    *out = v;
    return na;
}

static int expand_call(expander *x, const char *body, size_t n, sbuf *out)
{
    /* body: name or name(args) */
    size_t i = 0;
    while (i < n && body[i] != '(') i++;
    size_t nl = i;
    while (nl > 0 && (body[nl - 1] == ' ' || body[nl - 1] == '\t')) nl--;
    size_t ns = 0;
    while (ns < nl && (body[ns] == ' ' || body[ns] == '\t')) ns++;
    char *name = xstrndup(body + ns, nl - ns);
    char **args = NULL;
    int na = 0;
    if (i < n) {
        size_t close = n;
        while (close > i && body[close - 1] != ')') close--;
        if (close <= i) {
            x->err = xasprintf("macro `%.*s`: missing ')'", (int)n, body);
            free(name);
            return -1;
        }
        na = split_args(body + i + 1, close - 1 - (i + 1), &args);
        if (na == 1 && !*args[0]) { free(args[0]); na = 0; }
    }
    char *key = na ? xasprintf("%s(%d)", name, na) : xstrdup(name);
    const spl_macro *mac = spl_macros_find(x->m, key);
    int rc = -1;
    if (!*name) {
        x->err = xstrdup("empty macro name in backticks");
        goto done;
    }
    if (!mac) {
        x->err = na ? xasprintf("unknown macro '%s' (looked up as '%s')", name, key)
                    : xasprintf("unknown macro '%s'", name);
        goto done;
    }
    for (int d = 0; d < x->depth; d++)
        if (!strcmp(x->stack[d], mac->name)) {
            sbuf cyc = {0};
            for (int e = d; e < x->depth; e++) sbuf_printf(&cyc, "%s -> ", x->stack[e]);
            sbuf_add(&cyc, mac->name);
            x->err = xasprintf(d == x->depth - 1 ? "macro calls itself: %s" : "macro cycle: %s", cyc.s);
            sbuf_free(&cyc);
            goto done;
        }
    if (x->depth >= MACRO_MAX_DEPTH) {
        char *c = chain(x, mac->name);
        x->err = xasprintf("macros nest more than %d deep (in macro chain %s)", MACRO_MAX_DEPTH, c);
        free(c);
        goto done;
    }
    if (++x->calls > MACRO_MAX_CALLS) {
        char *c = chain(x, mac->name);
        x->err = xasprintf("more than %d macro calls (in macro chain %s)", MACRO_MAX_CALLS, c);
        free(c);
        goto done;
    }
    x->work += strlen(mac->definition) + n + 1;
    if (too_big(x, out->len, 0, mac->name)) goto done;
    /* substitute $arg$ */
    sbuf def = {0};
    const char *d = mac->definition;
    for (size_t k = 0; d[k];) {
        if (d[k] == '$') {
            int hit = 0;
            for (int a = 0; a < mac->nargs && a < na; a++) {
                size_t al = strlen(mac->args[a]);
                if (!strncmp(d + k + 1, mac->args[a], al) && d[k + 1 + al] == '$') {
                    /* a quoted simple name glued to more text ("Processes".*)
                     * is one search token in Splunk: its quotes only group */
                    const char *v = args[a];
                    size_t vl = strlen(v);
                    char next = d[k + 2 + al];
                    int glued = next && next != ' ' && next != '\t' && next != '\n' && next != '"' && next != '|';
                    int simple = vl >= 2 && v[0] == '"' && v[vl - 1] == '"';
                    for (size_t z = 1; simple && z + 1 < vl; z++)
                        if (!(isalnum((unsigned char)v[z]) || v[z] == '_' || v[z] == '.' || v[z] == '-')) simple = 0;
                    if (glued && simple) sbuf_addn(&def, v + 1, vl - 2);
                    else sbuf_add(&def, v);
                    x->work += vl;
                    if (too_big(x, out->len, def.len, mac->name)) {
                        sbuf_free(&def);
                        goto done;
                    }
                    k += al + 2;
                    hit = 1;
                    break;
                }
            }
            if (hit) continue;
        }
        sbuf_addc(&def, d[k++]);
    }
    x->stack[x->depth++] = mac->name;
    size_t rel = 0;
    rc = expand_into(x, def.s ? def.s : "", def.len, out, &rel);
    x->depth--;
    if (!rc && too_big(x, out->len, 0, mac->name)) rc = -1;
    if (rc && x->err && !strstr(x->err, " (in macro ")) {
        char *e = xasprintf("%s (in macro '%s')", x->err, mac->name);
        free(x->err);
        x->err = e;
    }
    sbuf_free(&def);
done:
    for (int a = 0; a < na; a++) free(args[a]);
    free(args);
    free(key);
    free(name);
    return rc;
}

static int expand_into(expander *x, const char *s, size_t n, sbuf *out, size_t *err_rel)
{
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '\\' && i + 1 < n) {
            sbuf_addn(out, s + i, 2);
            i += 2;
            continue;
        }
        if (c == '`' && i + 2 < n && s[i + 1] == '`' && s[i + 2] == '`') {
            /* ```comment``` : dropped (a space keeps tokens apart) */
            size_t j = i + 3;
            while (j + 2 < n && !(s[j] == '`' && s[j + 1] == '`' && s[j + 2] == '`')) j++;
            if (j + 2 >= n) {
                x->err = xstrdup("unterminated comment (missing closing ```)");
                *err_rel = i;
                return -1;
            }
            sbuf_addc(out, ' ');
            i = j + 3;
            continue;
        }
        if (c == '"') {
            size_t j = i + 1;
            while (j < n && s[j] != '"') j += (s[j] == '\\' && j + 1 < n) ? 2 : 1;
            if (j < n) j++;
            if (j > n) j = n;
            sbuf_addn(out, s + i, j - i);
            i = j;
            continue;
        }
        if (c == '`') {
            size_t j = i + 1;
            while (j < n && s[j] != '`') j++;
            if (j >= n) {
                x->err = xstrdup("unterminated macro (missing closing backtick)");
                *err_rel = i;
                return -1;
            }
            if (expand_call(x, s + i + 1, j - i - 1, out)) {
                *err_rel = i;
                return -1;
            }
            i = j + 1;
            continue;
        }
        sbuf_addc(out, c);
        i++;
    }
    return 0;
}

char *spl_macros_expand(const spl_macros *m, const char *text, char **err, size_t *err_off)
{
    static const spl_macros none;
    expander x = {0};
    x.m = m ? m : &none;
    sbuf out = {0};
    size_t rel = 0;
    if (expand_into(&x, text, strlen(text), &out, &rel)) {
        sbuf_free(&out);
        *err = x.err ? x.err : xstrdup("macro expansion failed");
        *err_off = rel;
        return NULL;
    }
    return sbuf_detach(&out);
}
