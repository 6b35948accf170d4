/* yamlutil.h: loading a YAML file into a libyaml document and reading
 * mappings, sequences and scalars from it, with error messages that name the
 * file and line. */
#ifndef SPLITE_YAMLUTIL_H
#define SPLITE_YAMLUTIL_H
#include <yaml.h>

/* Load path into doc. On error returns -1 and sets *err ("file:line: ..."). */
int yamlu_load(const char *path, yaml_document_t *doc, char **err);
/* Value node of key in a mapping node, or NULL. */
yaml_node_t *yamlu_get(yaml_document_t *doc, yaml_node_t *map, const char *key);
/* Scalar text of a node (NULL if not a scalar). */
const char *yamlu_str(yaml_node_t *n);
/* Scalar text of map[key], or NULL. */
const char *yamlu_get_str(yaml_document_t *doc, yaml_node_t *map, const char *key);
/* 1-based line of a node. */
long yamlu_line(yaml_node_t *n);
#endif
