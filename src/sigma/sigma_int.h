/* sigma_int.h: the Sigma compiler's internal types: Sigma strings with
 * wildcards, the leaves a detection item becomes (one field, one way of
 * matching), the boolean expression over them, the per-file compile state,
 * and the modifier table (sigma_modifiers.c). */
#ifndef SPLITE_SIGMA_INT_H
#define SPLITE_SIGMA_INT_H
#include "sigma/sigma.h"
#include "sigma/sigma_yaml.h"
#include "util.h"
#include <stddef.h>

/* A Sigma string: bytes, each literal or a wildcard ('*' any run, '?' one
 * character). w[i] is 0 for a literal byte, '*' or '?' for a wildcard. */
typedef struct sg_str {
    char *s;
    unsigned char *w;
    size_t n;
} sg_str;

void sg_str_from_plain(sg_str *out, const char *s, size_t n);        /* all literal */
void sg_str_from_sigma(sg_str *out, const char *s, size_t n);        /* with the spec's escapes */
void sg_str_free(sg_str *x);
void sg_str_copy(sg_str *out, const sg_str *in);
void sg_str_add(sg_str *x, char c, unsigned char wild);
int sg_str_has(const sg_str *x, unsigned char wild);                /* any wildcard of that kind */
int sg_str_has_literal(const sg_str *x, char c);                    /* a literal c */
/* Regex (PCRE) for the whole string, anchored, wildcards as .* and . */
void sg_str_regex(const sg_str *x, sbuf *out);
/* SPL search value: wildcards '*' kept, no '?' or literal '*'. */
void sg_str_search_value(const sg_str *x, sbuf *out);

/* How a leaf matches its field. */
typedef enum {
    SG_L_STR,      /* case-insensitive (or cased) wildcard string */
    SG_L_RE,       /* regular expression, unanchored */
    SG_L_CIDR,     /* IP inside a CIDR block */
    SG_L_NULL,     /* field absent or empty */
    SG_L_EXISTS,   /* field present (exists: true); exists: false is NOT this */
    SG_L_CMP,      /* numeric lt/lte/gt/gte */
    SG_L_FIELDREF, /* equal to another field's value */
    SG_L_TIMEPART, /* a part of a timestamp equals a number */
} sg_leaf_kind;

typedef struct sg_leaf {
    sg_leaf_kind kind;
    char *field;      /* NULL: a keyword, matched anywhere in the event */
    int line;
    sg_str str;       /* STR */
    int cased;        /* STR: case-sensitive; FIELDREF too */
    int fieldref_mode;/* FIELDREF: 0 equal, 1 contains, 2 startswith, 3 endswith */
    char *text;       /* RE: pattern; CIDR: block; CMP: number; FIELDREF: field; TIMEPART: number */
    char *flags;      /* RE: "ims" subset; CMP: operator "<" "<=" ">" ">="; TIMEPART: part name */
} sg_leaf;

typedef enum { SG_E_AND, SG_E_OR, SG_E_NOT, SG_E_LEAF, SG_E_TRUE, SG_E_FALSE } sg_op;

typedef struct sg_expr {
    sg_op op;
    struct sg_expr **kids;
    size_t n;
    sg_leaf *leaf;
} sg_expr;

sg_expr *sg_expr_new(sg_op op);
void sg_expr_add(sg_expr *e, sg_expr *kid);
void sg_expr_free(sg_expr *e);
sg_expr *sg_expr_leaf(sg_leaf *l);
void sg_leaf_free(sg_leaf *l);
/* Add s to the list v[0..n) unless it is there (a copy). */
void sg_strv_add(char ***v, size_t *n, const char *s);
/* The fields the leaves of e name, in order, once each; with_refs: also
 * the fields fieldref values name. */
void sg_expr_fields(const sg_expr *e, int with_refs, char ***v, size_t *n);

/* A correlation rule's document: its correlation: is a mapping (an older
 * dialect writes a free-text correlation: note in plain rules). */
static inline int sg_is_correlation(const sy_node *doc)
{
    const sy_node *c = sy_get(doc, "correlation");
    return c && c->kind == SY_MAP;
}

/* Per-file diagnostics (also the lint output). */
typedef struct sg_diags {
    sigma_diag *v;
    size_t n;
    int errors;
    const char *name;
} sg_diags;
void sg_diag(sg_diags *d, sigma_severity sev, int line, const char *code, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Modifier table (sigma_modifiers.c). A value goes through the modifiers in
 * the order written; each kind of modifier is one entry. */
typedef enum {
    SG_MK_TRANSFORM, /* string -> string(s): wide, base64, windash, ... */
    SG_MK_PLACE,     /* where in the value: contains, startswith, endswith */
    SG_MK_KIND,      /* what kind of leaf: re, cidr, lt.., fieldref, exists, time parts */
    SG_MK_FLAG,      /* all, cased, neq, i, m, s, expand */
} sg_mod_kind;

typedef struct sg_modifier {
    const char *name;
    sg_mod_kind kind;
} sg_modifier;
const sg_modifier *sg_modifier_find(const char *name);

/* Value transformations (sigma_transform.c). */
int sg_transform_utf16(const char *mod, const sg_str *in, sg_str *out);
int sg_transform_base64(int offset, const sg_str *in, sg_str *outs, size_t *nout, char **why); /* outs: room for 3 */
int sg_transform_windash(const sg_str *in, sg_str **outs, size_t *nout, char **why);

/* Placeholders for |expand (datamodels/sigma/placeholders.yml). */
typedef struct sg_placeholders sg_placeholders;

/* One detection item (field|mods: values) -> expression; NULL on error
 * (reported in d). */
typedef struct sg_item_ctx {
    sg_diags *d;
    const sigma_map *map;
} sg_item_ctx;
sg_expr *sg_item_build(sg_item_ctx *cx, const char *key, const sy_node *val, int line);
/* A search identifier's definition (map, list of maps, keyword list). */
sg_expr *sg_search_build(sg_item_ctx *cx, const sy_node *def);

/* Condition: parse text against the detection's identifiers; NULL on error. */
typedef struct sg_cond_ctx {
    sg_item_ctx *item;
    const sy_node *detection;  /* the detection mapping */
    int line;
    char *used;                /* per identifier index: referenced */
    /* deprecated aggregation (| count(f) by g > n) */
    int has_agg;
    char *agg_func, *agg_field, *agg_by, *agg_op, *agg_value;
} sg_cond_ctx;
sg_expr *sg_cond_parse(sg_cond_ctx *cx, const char *text);

/* Logsource lookup (sigma_map.c). */
typedef struct sg_source {
    const char *name, *search;
    const char *const *from, *const *to; /* field renames */
    size_t nrenames;
    const char *const *has;              /* NULL: unknown */
    size_t nhas;
} sg_source;
/* Sources for a logsource (product/category/service may be NULL). Returns
 * the number found (0: unknown logsource), *out points into the map. */
size_t sigma_map_sources(const sigma_map *m, const char *product, const char *category, const char *service, const sg_source ***out);
/* 1 if an entry matches the logsource, even one with no sources (a
 * logsource no Windows log records, e.g. file_rename). */
int sigma_map_known(const sigma_map *m, const char *product, const char *category, const char *service);
/* Global renames/common fields of the file a source came from. */
const char *sigma_map_rename(const sigma_map *m, const sg_source *s, const char *field);
int sigma_map_source_has(const sigma_map *m, const sg_source *s, const char *field);
const char *sigma_map_placeholder(const sigma_map *m, const char *name, size_t *nvalues, const char *const **values);

/* SPL emission (sigma_emit.c). */
typedef struct sg_emit {
    sbuf flags;        /* "| eval ..." for leaves search cannot express */
    char **flag_exprs; /* dedup */
    size_t nflags;
} sg_emit;
/* Append the SPL search for expression e over source src (NULL: no mapping). */
void sg_emit_expr(sg_emit *em, const sigma_map *map, const sg_source *src, const sg_expr *e, sbuf *out);
void sg_emit_free(sg_emit *em);
/* Append s as an SPL double-quoted string. */
void sg_spl_quote(sbuf *out, const char *s, size_t n);
/* Append a field name as SPL eval wants it ('quoted' unless plain). */
void sg_spl_field_eval(sbuf *out, const char *f);
int sg_field_is_plain(const char *f);
/* A field name SPL can carry at all (no backtick, quote, backslash or
 * control character): others reject the rule. */
int sg_field_name_ok(const char *f);
#endif
