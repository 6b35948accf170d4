/* yamlutil.c: libyaml document helpers (see yamlutil.h). */
#include "yamlutil.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int yamlu_load(const char *path, yaml_document_t *doc, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = xasprintf("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    int ok = yaml_parser_load(&p, doc);
    if (!ok) {
        *err = xasprintf("%s:%lu:%lu: YAML error: %s%s%s", path, (unsigned long)p.problem_mark.line + 1,
                         (unsigned long)p.problem_mark.column + 1, p.problem ? p.problem : "unknown",
                         p.context ? " " : "", p.context ? p.context : "");
    } else if (!yaml_document_get_root_node(doc)) {
        yaml_document_delete(doc);
        *err = xasprintf("%s: empty YAML document", path);
        ok = 0;
    }
    yaml_parser_delete(&p);
    fclose(f);
    return ok ? 0 : -1;
}

yaml_node_t *yamlu_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return yaml_document_get_node(doc, pr->value);
    }
    return NULL;
}

const char *yamlu_str(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

const char *yamlu_get_str(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    return yamlu_str(yamlu_get(doc, map, key));
}

long yamlu_line(yaml_node_t *n)
{
    return n ? (long)n->start_mark.line + 1 : 0;
}
