/* detect_yaml.c: libyaml document loading with line-numbered errors, node
 * lookup helpers and YAML-to-JSON conversion for detection files. */
#include "detect_yaml.h"
#include "util.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int detect_yaml_load(detect_yaml_doc *d, const char *text, size_t len, const char *name, char **err)
{
    assert(d && text && name);
    memset(d, 0, sizeof *d);
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        if (err) *err = xasprintf("%s: cannot initialise the YAML parser", name);
        return -1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &d->doc)) {
        if (err) {
            const char *problem = p.problem ? p.problem : "malformed YAML";
            if (p.context)
                *err = xasprintf("%s:%zu:%zu: YAML syntax error: %s %s (line %zu)", name, p.problem_mark.line + 1,
                                 p.problem_mark.column + 1, problem, p.context, p.context_mark.line + 1);
            else
                *err = xasprintf("%s:%zu:%zu: YAML syntax error: %s", name, p.problem_mark.line + 1,
                                 p.problem_mark.column + 1, problem);
        }
        yaml_parser_delete(&p);
        return -1;
    }
    yaml_parser_delete(&p);
    if (!yaml_document_get_root_node(&d->doc)) {
        yaml_document_delete(&d->doc);
        if (err) *err = xasprintf("%s:1: empty YAML document", name);
        return -1;
    }
    d->name = xstrdup(name);
    return 0;
}

void detect_yaml_free(detect_yaml_doc *d)
{
    if (!d || !d->name) return;
    yaml_document_delete(&d->doc);
    free(d->name);
    d->name = NULL;
}

yaml_node_t *detect_yaml_root(detect_yaml_doc *d)
{
    return yaml_document_get_root_node(&d->doc);
}

int detect_yaml_line(const yaml_node_t *n)
{
    return n ? (int)n->start_mark.line + 1 : 1;
}

yaml_node_t *detect_yaml_get(detect_yaml_doc *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    yaml_node_t *found = NULL;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(&d->doc, pr->key);
        if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(key) &&
            memcmp(k->data.scalar.value, key, k->data.scalar.length) == 0)
            found = yaml_document_get_node(&d->doc, pr->value);
    }
    return found;
}

static int detect_yaml_is_null(const yaml_node_t *n)
{
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
    const char *v = (const char *)n->data.scalar.value;
    return n->data.scalar.length == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
           strcmp(v, "NULL") == 0;
}

const char *detect_yaml_scalar(const yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE || detect_yaml_is_null(n)) return NULL;
    return (const char *)n->data.scalar.value;
}

size_t detect_yaml_seq_len(const yaml_node_t *n)
{
    if (!n || n->type != YAML_SEQUENCE_NODE) return 0;
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

yaml_node_t *detect_yaml_seq_item(detect_yaml_doc *d, yaml_node_t *seq, size_t i)
{
    if (i >= detect_yaml_seq_len(seq)) return NULL;
    return yaml_document_get_node(&d->doc, seq->data.sequence.items.start[i]);
}

static json_t *detect_yaml_scalar_json(const yaml_node_t *n)
{
    const char *v = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return json_stringn(v, len);
    if (detect_yaml_is_null(n)) return json_null();
    if (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 || strcmp(v, "TRUE") == 0) return json_true();
    if (strcmp(v, "false") == 0 || strcmp(v, "False") == 0 || strcmp(v, "FALSE") == 0) return json_false();
    double num;
    if (len && util_is_number(v, len, &num) && (v[0] == '-' || v[0] == '+' || (v[0] >= '0' && v[0] <= '9'))) {
        size_t i = (v[0] == '-' || v[0] == '+') ? 1 : 0;
        int integral = 1;
        for (; i < len; i++)
            if (v[i] < '0' || v[i] > '9') integral = 0;
        /* Leading zeros (dates, ids like 0700) stay strings. */
        int lead0 = (v[0] == '0' && len > 1) || ((v[0] == '-' || v[0] == '+') && len > 2 && v[1] == '0');
        if (integral && !lead0 && len < 19) return json_integer((json_int_t)num);
        if (!integral && !lead0) return json_real(num);
    }
    return json_stringn(v, len);
}

/* *budget bounds the nodes emitted, so alias bombs cannot blow up. */
static json_t *detect_yaml_json_rec(detect_yaml_doc *d, yaml_node_t *n, int depth, long *budget)
{
    if (!n || depth > 64 || --*budget < 0) return json_null();
    switch (n->type) {
    case YAML_SCALAR_NODE: return detect_yaml_scalar_json(n);
    case YAML_SEQUENCE_NODE: {
        json_t *a = json_array();
        for (size_t i = 0; i < detect_yaml_seq_len(n); i++)
            json_array_append_new(a, detect_yaml_json_rec(d, detect_yaml_seq_item(d, n, i), depth + 1, budget));
        return a;
    }
    case YAML_MAPPING_NODE: {
        json_t *o = json_object();
        for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
            yaml_node_t *k = yaml_document_get_node(&d->doc, pr->key);
            if (!k || k->type != YAML_SCALAR_NODE) continue; /* complex keys have no JSON form */
            char *key = xstrndup((const char *)k->data.scalar.value, k->data.scalar.length);
            json_object_set_new(o, key,
                                detect_yaml_json_rec(d, yaml_document_get_node(&d->doc, pr->value), depth + 1, budget));
            free(key);
        }
        return o;
    }
    default: return json_null();
    }
}

json_t *detect_yaml_to_json(detect_yaml_doc *d, yaml_node_t *n)
{
    long budget = 1000000;
    return detect_yaml_json_rec(d, n, 0, &budget);
}

char *detect_yaml_read_file(const char *path, size_t *len, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err) *err = xasprintf("%s: %s", path, strerror(errno));
        return NULL;
    }
    sbuf b = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sbuf_addn(&b, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        sbuf_free(&b);
        if (err) *err = xasprintf("%s: read error", path);
        return NULL;
    }
    *len = b.len;
    return b.s ? sbuf_detach(&b) : xstrdup("");
}
