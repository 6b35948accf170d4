/* sigma_yaml.h: a Sigma rule file read strictly into a small tree: every
 * document, scalars kept as written (0x17, 0755, true stay text; only plain
 * null/~/empty is null), lines for messages, duplicate keys reported. */
#ifndef SPLITE_SIGMA_YAML_H
#define SPLITE_SIGMA_YAML_H
#include <stddef.h>

typedef enum { SY_SCALAR, SY_SEQ, SY_MAP } sy_kind;

typedef struct sy_node {
    sy_kind kind;
    int line;
    char *text;      /* scalar: its text (NUL-terminated; may contain NUL: see len) */
    size_t len;
    int is_null;     /* plain null, Null, NULL, ~ or nothing */
    int quoted;      /* scalar was quoted or a block scalar */
    struct sy_node **items; /* seq: n items; map: n pairs, key at 2i, value at 2i+1 */
    size_t n;
} sy_node;

/* A duplicate key found while reading: the later value wins (as in PyYAML,
 * which pySigma uses); lint reports it. */
typedef struct sy_dup {
    int line, first_line;
    char *key;
} sy_dup;

typedef struct sy_file {
    sy_node **docs;
    size_t ndocs;
    sy_dup *dups;
    size_t ndups;
} sy_file;

/* Parse text. Returns 0, or -1 with *err = "name:line: message". */
int sy_parse(const char *text, size_t len, const char *name, sy_file *out, char **err);
void sy_file_free(sy_file *f);
void sy_node_free(sy_node *n);
sy_node *sy_node_copy(const sy_node *n);

/* Mapping lookup (exact key), NULL when absent or not a mapping. */
sy_node *sy_get(const sy_node *map, const char *key);
/* The items of *n as a list: a sequence's items, or *n itself as a list of
 * one (n points at the caller's node pointer); 0 when *n is NULL. */
size_t sy_items(const sy_node *const *n, const sy_node *const **items);
/* Line of key in map, or fallback when absent. */
int sy_key_line(const sy_node *map, const char *key, int fallback);
/* Scalar text of map[key] when it is a non-null scalar, else NULL. */
const char *sy_get_str(const sy_node *map, const char *key);
static inline const sy_node *sy_key(const sy_node *map, size_t i) { return map->items[2 * i]; }
static inline const sy_node *sy_val(const sy_node *map, size_t i) { return map->items[2 * i + 1]; }
#endif
