/* datamodel_int.h: what the YAML readers of datamodels/ share inside the
 * loader (datamodel_load.c reads data models and aliases,
 * datamodel_eventtype.c event types and field-value tags): the document
 * being read, error reporting with file and line, strings owned by the
 * registry. Not for use outside the loader. */
#ifndef SPLITE_DATAMODEL_INT_H
#define SPLITE_DATAMODEL_INT_H
#include <yaml.h>

#include "datamodel.h"

typedef struct dm_loader {
    dm_registry *reg;
    const char *file; /* pooled */
    yaml_document_t *doc;
    char *err;
} dm_loader;

/* Iterate a mapping: key text and value node. */
#define DM_EACH_PAIR(ld, map, K, V)                                                                  \
    for (yaml_node_pair_t *dm_pair_ = (map)->data.mapping.pairs.start;                                   \
         dm_pair_ < (map)->data.mapping.pairs.top && !(ld)->err; dm_pair_++)                              \
        for (yaml_node_t *K = dm_node(ld, dm_pair_->key), *V = dm_node(ld, dm_pair_->value); K; K = NULL)

/* Keep s (malloc'd) until dm_free; returns it. */
const char *dm_pool_add(dm_registry *reg, char *s);
/* Set ld->err to "file:line: message" (first error wins); returns -1. */
int dm_fail(dm_loader *ld, const yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int dm_line(const yaml_node_t *n);
yaml_node_t *dm_node(dm_loader *ld, int idx);
const char *dm_scalar(const yaml_node_t *n);
/* A non-empty scalar string, pooled; NULL (error set) otherwise. */
const char *dm_string(dm_loader *ld, yaml_node_t *n, const char *what);
/* A scalar or a sequence of scalars, as a malloc'd array of pooled strings. */
int dm_string_list(dm_loader *ld, yaml_node_t *n, const char *what, const char ***out, size_t *nout);
/* Mapping keys are strings, each given once. */
int dm_check_keys(dm_loader *ld, yaml_node_t *map);
/* Parse a file whose top level holds eventtypes: and/or fieldtags:. */
int dm_parse_eventtypes(dm_loader *ld, yaml_node_t *root);
#endif
