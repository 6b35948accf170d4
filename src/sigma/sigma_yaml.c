/* sigma_yaml.c: libyaml's event stream -> sy_node trees, one per document,
 * keeping scalars as written and recording duplicate keys (sigma_yaml.h). */
#include "sigma/sigma_yaml.h"
#include "util.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define SY_MAX_DEPTH 64

typedef struct sy_reader {
    yaml_parser_t p;
    const char *name;
    sy_file *f;
    char *err;
} sy_reader;

static sy_node *sy_new(sy_kind k, int line)
{
    sy_node *n = xcalloc(1, sizeof *n);
    n->kind = k;
    n->line = line;
    return n;
}

void sy_node_free(sy_node *n)
{
    if (!n) return;
    for (size_t i = 0; i < (n->kind == SY_MAP ? 2 * n->n : n->n); i++) sy_node_free(n->items[i]);
    free(n->items);
    free(n->text);
    free(n);
}

sy_node *sy_node_copy(const sy_node *n)
{
    if (!n) return NULL;
    sy_node *c = sy_new(n->kind, n->line);
    c->is_null = n->is_null;
    c->quoted = n->quoted;
    c->len = n->len;
    if (n->text) {
        c->text = xmalloc(n->len + 1);
        memcpy(c->text, n->text, n->len + 1);
    }
    size_t m = n->kind == SY_MAP ? 2 * n->n : n->n;
    c->n = n->n;
    if (m) {
        c->items = xcalloc(m, sizeof *c->items);
        for (size_t i = 0; i < m; i++) c->items[i] = sy_node_copy(n->items[i]);
    }
    return c;
}

static void sy_push(sy_node *parent, sy_node *child)
{
    size_t m = parent->kind == SY_MAP ? 2 * parent->n : parent->n;
    parent->items = xrealloc(parent->items, (m + 1) * sizeof *parent->items);
    parent->items[m] = child;
}

static int sy_fail(sy_reader *r, int line, const char *msg)
{
    if (!r->err) r->err = xasprintf("%s:%d: %s", r->name, line, msg);
    return -1;
}

/* libyaml's error, at the line of the problem; one found at the end of the
 * input (an unclosed quote) at the line where the construct began. */
static int sy_parse_fail(sy_reader *r)
{
    const yaml_parser_t *p = &r->p;
    /* at the end of the input, name where the unfinished construct began */
    int at_end = p->problem && strstr(p->problem, "end of stream");
    int line = (int)(p->context && at_end ? p->context_mark.line : p->problem_mark.line) + 1;
    char *m = p->context ? xasprintf("%s %s", p->context, p->problem ? p->problem : "") : xstrdup(p->problem ? p->problem : "YAML syntax error");
    int rc = sy_fail(r, line, m);
    free(m);
    return rc;
}

static int sy_is_null_plain(const char *s, size_t n)
{
    return n == 0 || (n == 1 && s[0] == '~') || (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4)));
}

static int sy_read_node(sy_reader *r, yaml_event_t *ev, sy_node **out, int depth);

/* Read events up to the end of the collection started by `start`. */
static int sy_read_collection(sy_reader *r, sy_node *n, int depth)
{
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&r->p, &ev)) return sy_parse_fail(r);
        if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        sy_node *child = NULL;
        int rc = sy_read_node(r, &ev, &child, depth + 1);
        yaml_event_delete(&ev);
        if (rc) return -1;
        if (n->kind == SY_SEQ) {
            sy_push(n, child);
            n->n++;
            continue;
        }
        /* a mapping: child is a key, then its value */
        if (child->kind != SY_SCALAR) {
            int line = child->line;
            sy_node_free(child);
            return sy_fail(r, line, "a mapping key must be a scalar");
        }
        yaml_event_t vev;
        if (!yaml_parser_parse(&r->p, &vev)) {
            sy_node_free(child);
            return sy_parse_fail(r);
        }
        sy_node *val = NULL;
        rc = sy_read_node(r, &vev, &val, depth + 1);
        yaml_event_delete(&vev);
        if (rc) {
            sy_node_free(child);
            return -1;
        }
        size_t i;
        for (i = 0; i < n->n; i++) {
            const sy_node *k = n->items[2 * i];
            if (k->len == child->len && !memcmp(k->text, child->text, k->len)) break;
        }
        if (i < n->n) { /* duplicate: the later value wins, as in PyYAML */
            r->f->dups = xrealloc(r->f->dups, (r->f->ndups + 1) * sizeof *r->f->dups);
            r->f->dups[r->f->ndups++] = (sy_dup){child->line, n->items[2 * i]->line, xstrdup(child->text)};
            sy_node_free(n->items[2 * i + 1]);
            n->items[2 * i + 1] = val;
            n->items[2 * i]->line = child->line;
            sy_node_free(child);
            continue;
        }
        sy_push(n, child);
        n->items = xrealloc(n->items, (2 * n->n + 2) * sizeof *n->items);
        n->items[2 * n->n + 1] = val;
        n->n++;
    }
}

static int sy_read_node(sy_reader *r, yaml_event_t *ev, sy_node **out, int depth)
{
    int line = (int)ev->start_mark.line + 1;
    *out = NULL;
    if (depth > SY_MAX_DEPTH) return sy_fail(r, line, "YAML nested too deeply");
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        sy_node *n = sy_new(SY_SCALAR, line);
        n->len = ev->data.scalar.length;
        n->text = xmalloc(n->len + 1);
        memcpy(n->text, ev->data.scalar.value, n->len);
        n->text[n->len] = 0;
        n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        n->is_null = !n->quoted && !ev->data.scalar.tag && sy_is_null_plain(n->text, n->len);
        *out = n;
        return 0;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        sy_node *n = sy_new(ev->type == YAML_SEQUENCE_START_EVENT ? SY_SEQ : SY_MAP, line);
        *out = n;
        if (sy_read_collection(r, n, depth)) {
            sy_node_free(n);
            *out = NULL;
            return -1;
        }
        return 0;
    }
    case YAML_ALIAS_EVENT:
        return sy_fail(r, line, "YAML aliases (*name) are not supported in Sigma rules");
    default:
        return sy_fail(r, line, "unexpected YAML event");
    }
}

int sy_parse(const char *text, size_t len, const char *name, sy_file *out, char **err)
{
    sy_reader r = {.name = name, .f = out};
    memset(out, 0, sizeof *out);
    *err = NULL;
    if (!yaml_parser_initialize(&r.p)) {
        *err = xasprintf("%s: cannot initialise the YAML parser", name);
        return -1;
    }
    yaml_parser_set_input_string(&r.p, (const unsigned char *)text, len);
    int rc = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&r.p, &ev)) {
            rc = sy_parse_fail(&r);
            break;
        }
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (t == YAML_DOCUMENT_START_EVENT) {
            yaml_event_delete(&ev);
            yaml_event_t body;
            if (!yaml_parser_parse(&r.p, &body)) {
                rc = sy_parse_fail(&r);
                break;
            }
            sy_node *doc = NULL;
            if (body.type == YAML_DOCUMENT_END_EVENT) { /* an empty document */
                yaml_event_delete(&body);
                continue;
            }
            rc = sy_read_node(&r, &body, &doc, 0);
            yaml_event_delete(&body);
            if (rc) break;
            out->docs = xrealloc(out->docs, (out->ndocs + 1) * sizeof *out->docs);
            out->docs[out->ndocs++] = doc;
            continue;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&r.p);
    if (rc) {
        *err = r.err;
        sy_file_free(out);
        return -1;
    }
    return 0;
}

void sy_file_free(sy_file *f)
{
    for (size_t i = 0; i < f->ndocs; i++) sy_node_free(f->docs[i]);
    free(f->docs);
    for (size_t i = 0; i < f->ndups; i++) free(f->dups[i].key);
    free(f->dups);
    memset(f, 0, sizeof *f);
}

sy_node *sy_get(const sy_node *map, const char *key)
{
    if (!map || map->kind != SY_MAP) return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i < map->n; i++) {
        const sy_node *k = map->items[2 * i];
        if (k->len == kl && !memcmp(k->text, key, kl)) return map->items[2 * i + 1];
    }
    return NULL;
}

const char *sy_get_str(const sy_node *map, const char *key)
{
    const sy_node *v = sy_get(map, key);
    return v && v->kind == SY_SCALAR && !v->is_null ? v->text : NULL;
}

int sy_key_line(const sy_node *map, const char *key, int fallback)
{
    if (!map || map->kind != SY_MAP) return fallback;
    size_t kl = strlen(key);
    for (size_t i = 0; i < map->n; i++) {
        const sy_node *k = map->items[2 * i];
        if (k->len == kl && !memcmp(k->text, key, kl)) return k->line;
    }
    return fallback;
}

size_t sy_items(const sy_node *const *n, const sy_node *const **items)
{
    if (!*n) {
        *items = NULL;
        return 0;
    }
    if ((*n)->kind == SY_SEQ) {
        *items = (const sy_node *const *)(*n)->items;
        return (*n)->n;
    }
    *items = n;
    return 1;
}
