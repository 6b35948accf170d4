/* sigma_comp.h: the state of compiling one rule file, shared by
 * sigma_compile.c (documents, rules), sigma_search.c (a rule's search and
 * the deprecated aggregation) and sigma_correlate.c (correlation rules). */
#ifndef SPLITE_SIGMA_COMP_H
#define SPLITE_SIGMA_COMP_H
#include "sigma/sigma_int.h"

/* One compiled (non-correlation) rule of the file. */
typedef struct sg_crule {
    const sy_node *doc; /* the merged document */
    char *name, *id, *title;
    char *product, *category, *service;
    sg_expr *expr;
    int has_agg;
    char *agg_func, *agg_field, *agg_by, *agg_op, *agg_value;
    char *timeframe;
} sg_crule;

typedef struct sg_comp {
    const sigma_map *map;
    const char *name;
    sg_diags diags;
    sy_node **docs; /* merged documents, in order */
    size_t ndocs;
    sg_crule **rules;
    size_t nrules;
    size_t ncorr;
} sg_comp;

void sg_rule_branches(sg_comp *c, const sg_crule *r, sg_emit *em, sbuf *out, sbuf *pre, int *nopre);
char *sg_rules_search(sg_comp *c, sg_crule *const *rules, size_t n);
/* The whole search for the file's rules (no correlation); fills res->fields. */
char *sg_plain_search(sg_comp *c, sigma_rule *res);
/* The correlation the file's detection is: the last one no other names
 * (NULL when they name each other in a cycle); *ntop how many such. */
const sy_node *sg_correlation_top(sg_comp *c, size_t *ntop);
/* The search for that correlation (top and ntop: sg_correlation_top's). */
char *sg_correlation(sg_comp *c, const sy_node *top, size_t ntop, sigma_rule *res);
/* Title, id, author, level, tags, ... of res from a merged document. */
void sigma_rule_meta(sigma_rule *res, const sy_node *doc);
/* Does a parsed file look like Sigma (a detection with a condition, a
 * correlation, a collection's global document; no Splunk search:)? */
int sg_file_is_sigma(const sy_file *yf);
/* Sigma timespan (30s, 5m, 1h, 2d) -> seconds, -1 if invalid. */
long sg_timespan_seconds(const char *s);
/* "| eval F=coalesce(F, renamed...)" and "| table ..." for result rows. */
void sg_result_fields(sg_comp *c, sg_crule *const *rules, size_t n, sigma_rule *res, sbuf *out);
#endif
