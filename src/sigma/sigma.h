/* sigma.h: Sigma rules (the Sigma specification v2.1) compiled to SPL.
 *
 * A rule file (one or more YAML documents: a rule, a rule collection with
 * action: global/reset/repeat, or a correlation rule with the rules it
 * names) is read strictly (sigma_yaml.c), checked (sigma_lint.c), and
 * compiled to one SPL search (sigma_compile.c), which then goes through the
 * same macro/parse/translate path as any Splunk detection. Which events a
 * logsource means, and what a Sigma field is called in each of those
 * sources, comes from data files (datamodels/sigma/ (*.yml), sigma_map.c).
 * docs/SIGMA.md says what is supported and what splite decides where the
 * specification is silent. */
#ifndef SPLITE_SIGMA_H
#define SPLITE_SIGMA_H
#include <stddef.h>

/* Logsource and field mappings (datamodels/sigma/ (*.yml)), loaded once. */
typedef struct sigma_map sigma_map;

/* Load every YAML file under dir. Returns 0, or -1 with *err ("file:line:
 * message", caller frees). */
int sigma_map_load_dir(const char *dir, sigma_map **out, char **err);
/* Load another directory's files into m (later files add logsources and
 * placeholders; e.g. tests' own placeholders). */
int sigma_map_add_dir(sigma_map *m, const char *dir, char **err);
void sigma_map_free(sigma_map *m);

/* One diagnostic about a rule: errors reject it, warnings do not. */
typedef enum { SIGMA_WARNING, SIGMA_ERROR } sigma_severity;
typedef struct sigma_diag {
    sigma_severity severity;
    int line;       /* 1-based line in the file, 0 when none applies */
    char *code;     /* short stable name: "duplicate-key", "undefined-identifier", ... */
    char *message;
} sigma_diag;

/* A compiled rule file. */
typedef struct sigma_rule {
    char *file;
    char *title, *id, *author, *status, *level, *description, *date, *modified;
    char **tags;                 /* as written: attack.t1505.004, ... */
    size_t ntags;
    char **falsepositives;
    size_t nfalsepositives;
    char *product, *category, *service; /* the logsource */
    char *regression_tests_path;  /* SigmaHQ: path of info.yml, relative to the repository */
    int is_sigma;                 /* 1: YAML that looks like Sigma (sigma_text_is_sigma); 0: other
                                     YAML (a Splunk detection, a mapping file); -1: not YAML */
    int is_correlation;           /* a correlation rule: results are groups */
    char *spl;                    /* the search; NULL when the rule was rejected */
    char **fields;                /* fields the rule names (for result tables) */
    size_t nfields;
    sigma_diag *diags;
    size_t ndiags;
} sigma_rule;

/* Compile the rule file `text` (name used in messages, usually its path).
 * map may be NULL (no logsource conditions: every event is a candidate).
 * Returns 0 with *out (whose spl is set) or -1 with *out holding the errors
 * (spl NULL); *out is always set and must be freed. */
int sigma_compile_text(const char *text, size_t len, const char *name, const sigma_map *map, sigma_rule **out);
int sigma_compile_file(const char *path, const sigma_map *map, sigma_rule **out);
void sigma_rule_free(sigma_rule *r);

/* Does this YAML text look like a Sigma rule file (a detection: mapping with
 * a condition, or a correlation: mapping), rather than a Splunk detection? */
int sigma_text_is_sigma(const char *text, size_t len);

/* Convenience for tests: compile and return the SPL (caller frees), or NULL
 * with *err = the first error ("name:line: message"). */
char *sigma_to_spl(const char *text, size_t len, const char *name, const sigma_map *map, char **err);
#endif
