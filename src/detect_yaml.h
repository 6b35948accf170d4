/* detect_yaml.h: loading a YAML file (libyaml's document API) for the
 * detection loaders: node lookup with line numbers for error messages, and
 * conversion of any node to a JSON tree (jansson) that keeps every key. */
#ifndef SPLITE_DETECT_YAML_H
#define SPLITE_DETECT_YAML_H
#include <jansson.h>
#include <stddef.h>
#include <yaml.h>

typedef struct detect_yaml_doc {
    yaml_document_t doc;
    char *name; /* file name for messages */
} detect_yaml_doc;

/* Parse text as one YAML document. Returns 0, or -1 with
 * *err = "name:line:column: YAML syntax error: ..." (also for an empty
 * document). */
int detect_yaml_load(detect_yaml_doc *d, const char *text, size_t len, const char *name, char **err);
void detect_yaml_free(detect_yaml_doc *d);

yaml_node_t *detect_yaml_root(detect_yaml_doc *d);
/* 1-based line of a node (for messages). */
int detect_yaml_line(const yaml_node_t *n);
/* Value of key in a mapping node (the last one if the key repeats), or NULL
 * if n is not a mapping or has no such key. */
yaml_node_t *detect_yaml_get(detect_yaml_doc *d, yaml_node_t *map, const char *key);
/* Text of a scalar node, NULL for other nodes and for YAML null (~, null, empty plain). */
const char *detect_yaml_scalar(const yaml_node_t *n);
/* Number of items of a sequence node and the i-th item (NULL if out of range). */
size_t detect_yaml_seq_len(const yaml_node_t *n);
yaml_node_t *detect_yaml_seq_item(detect_yaml_doc *d, yaml_node_t *seq, size_t i);

/* JSON for a node: mappings -> objects, sequences -> arrays, quoted scalars
 * -> strings, plain scalars -> null / true / false / integer / real / string
 * (YAML 1.2 core schema). Aliases are followed (depth-limited). */
json_t *detect_yaml_to_json(detect_yaml_doc *d, yaml_node_t *n);
/* Whole file into a fresh NUL-terminated buffer; NULL with *err
 * ("path: reason") on failure. */
char *detect_yaml_read_file(const char *path, size_t *len, char **err);
#endif
