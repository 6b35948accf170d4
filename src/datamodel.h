/* datamodel.h: the CIM data models and the per-source search-time fields
 * ("aliases": Splunk's FIELDALIAS/EVAL- of the add-ons), loaded from the YAML
 * files under datamodels/ (format: docs/DATAMODELS.md).
 *
 * Everything a registry holds is read-only after loading and lives until
 * dm_free(). Expressions are SPL eval text; the loader checks their shape
 * (balanced parentheses and quotes, supported functions only) but compiling
 * them is the SPL translator's job.
 *
 * Alias semantics, for the translator: alias sets apply in load order (files
 * sorted by path, entries in file order, fields in entry order); every field
 * assignment has a sequence number `seq` in that order. A field F read by a
 * search is the value of the last assignment to F whose set matches the
 * event, else the extracted field F; an assignment of kind alias or asnew
 * falls back to (or keeps) the value F had before it (dm_alias_kind). Inside the expression of assignment k,
 * a field reference sees assignments with seq < k only (so
 * `Computer: coalesce(Computer, ComputerName)` reads the extracted Computer).
 *
 * Data model semantics, for `tstats ... from datamodel=M.D`: every source of
 * the root data set selects events (match) or reads a table (table) and
 * computes the CIM fields from the extracted fields only (never aliases;
 * unlisted fields are null); the calculated fields of the root, then of each
 * child down to D, are applied in order over the CIM fields (like `| eval`);
 * rows must then satisfy the constraints of every data set from the root to
 * D (dm_dataset_constraint). */
#ifndef SPLITE_DATAMODEL_H
#define SPLITE_DATAMODEL_H
#include <stddef.h>

/* One condition of a constraint: field matches any of values (Splunk
 * search semantics: case-insensitive, '*' is a wildcard). */
typedef struct dm_cond {
    const char *field;
    const char **values;
    size_t nvalues;
} dm_cond;

/* A constraint: all conds hold (AND). No conds = every event. `spl` is the
 * same as SPL search text (e.g. `source="*WinEventLog:Security"
 * (EventCode="4624" OR EventCode="4625")`), "" when there are no conds. */
typedef struct dm_match {
    dm_cond *conds;
    size_t nconds;
    const char *spl;
} dm_match;

/* field = SPL eval expression, with where it was written. */
typedef struct dm_assign {
    const char *field;
    const char *expr;
    const char *file;
    int line;
    unsigned seq; /* alias assignments: global order; data model fields: 0 */
} dm_assign;

/* Where a data set's events come from and how its fields are computed. */
typedef struct dm_source {
    const char *name;
    dm_match match;      /* events selected (ignored when table is set) */
    const char *table;   /* special source: a splite table (e.g. "risk")
                            whose columns are read instead of events */
    dm_assign *fields;   /* CIM field -> expression; unlisted fields: null.
                            Fields of the data set, its ancestors or its
                            descendants (children select rows, the root's
                            sources compute every column). */
    size_t nfields;
    const char *file;
    int line;
} dm_source;

struct dm_model;

typedef struct dm_dataset {
    const char *name;              /* "Processes" */
    const char *path;              /* "Endpoint.Processes" */
    const struct dm_model *model;
    const char *parent_name;       /* as written, NULL for a root data set */
    const struct dm_dataset *parent; /* NULL for a root data set */
    const char *constraint;        /* SPL over CIM fields, or NULL (children) */
    const char **tags;
    size_t ntags;
    const char **fields;           /* own fields (inherited ones not repeated) */
    size_t nfields;
    dm_source *sources;            /* root data sets only; children inherit */
    size_t nsources;
    dm_assign *calcs;              /* `calculated:` CIM field -> expression over
                                      the data set's fields, applied in order
                                      after the source's fields (the CIM's
                                      "unknown" fill-ins and derived fields) */
    size_t ncalcs;
    const char *file;
    int line;
} dm_dataset;

typedef struct dm_model {
    const char *name;
    dm_dataset *datasets;
    size_t ndatasets;
    const char *file;
} dm_model;

/* How an alias entry's fields combine with the value the field already has
 * (Splunk's precedence): EVAL- replaces it, even with null; FIELDALIAS
 * `a AS x` replaces it only when the expression has a value; `a ASNEW x`
 * (and a lookup's OUTPUTNEW) only sets a field that has none. */
typedef enum dm_alias_kind { DM_KIND_EVAL = 0, DM_KIND_ALIAS, DM_KIND_ASNEW } dm_alias_kind;

typedef struct dm_alias_set {
    const char *name;
    dm_alias_kind kind;
    dm_match match;
    dm_assign *fields;
    size_t nfields;
    const char *file;
    int line;
} dm_alias_set;

/* An event type (Splunk's eventtypes.conf stanza): events matching the SPL
 * search text carry `name` in their multivalue field eventtype, and its tags
 * in tag and tag::eventtype. The search may use eventtype=/tag= itself
 * (nesting; cycles are rejected by dm_resolve). */
typedef struct dm_eventtype {
    const char *name;
    const char *search;
    const char **tags;
    size_t ntags;
    const char *file;
    int line;
} dm_eventtype;

/* A tag on a field value (tags.conf `[field=value]`): events whose field
 * equals value (case-insensitively) carry the tags in tag and tag::field. */
typedef struct dm_fieldtag {
    const char *field;
    const char *value;
    const char **tags;
    size_t ntags;
    const char *file;
    int line;
} dm_fieldtag;

typedef struct dm_registry {
    dm_eventtype *eventtypes;
    size_t neventtypes;
    dm_fieldtag *fieldtags;
    size_t nfieldtags;
    dm_model *models;
    size_t nmodels;
    dm_alias_set *aliases;
    size_t naliases;
    unsigned nseq;           /* alias assignments so far (next seq) */
    struct dm_pool *pool;    /* owns every string */
    int resolved;
} dm_registry;

/* --- loading --- */
dm_registry *dm_new(void);
void dm_free(dm_registry *reg);
/* Load every *.yml / *.yaml under dir (recursively, sorted by path), then
 * dm_resolve. NULL on error with *err = "file:line: message" (caller frees). */
dm_registry *dm_load_dir(const char *dir, char **err);
/* Add one file, or YAML text (name is used in messages). 0 or -1 + *err. */
int dm_add_file(dm_registry *reg, const char *path, char **err);
int dm_add_text(dm_registry *reg, const char *name, const char *text, size_t len, char **err);
/* Link parents and check the whole: parents exist, source fields are fields
 * of their data set, children have no sources. 0 or -1 + *err. */
int dm_resolve(dm_registry *reg, char **err);

/* --- data models --- */
const dm_model *dm_model_find(const dm_registry *reg, const char *name);
/* "Model.Dataset", "Model.Parent.Child" or "Model" (its only root data set,
 * or the root named like the model). Names compare case-insensitively.
 * NULL with *err set (caller frees) when unknown or ambiguous. */
const dm_dataset *dm_dataset_find(const dm_registry *reg, const char *spec, char **err);
const dm_dataset *dm_dataset_root(const dm_dataset *ds);
/* 1 if name is a field of ds or of one of its ancestors. */
int dm_dataset_has_field(const dm_dataset *ds, const char *name);
/* All fields of ds, the root's first; *out is malloc'd (caller frees the
 * array, not the strings). Returns the count. */
size_t dm_dataset_all_fields(const dm_dataset *ds, const char ***out);
/* The sources of ds (its root's). */
const dm_source *dm_dataset_sources(const dm_dataset *ds, size_t *n);
/* The constraints of ds and its ancestors as one SPL search text, e.g.
 * `(action="failure")`; NULL when none. Caller frees. */
char *dm_dataset_constraint(const dm_dataset *ds);
/* The name tstats gives field in queries on ds's tree: the path of data
 * set names from the root down to the data set that declares it, then the
 * field: "Processes.process_name", "All_Changes.Account_Management.src_user".
 * NULL when no data set of the tree declares it. Caller frees. */
char *dm_field_path(const dm_dataset *ds, const char *field);
/* The reverse: the CIM field a tstats name such as "Processes.process_name"
 * denotes in ds's tree (a string the registry owns), or NULL. The base fields
 * _time, host, source, sourcetype are accepted bare. */
const char *dm_field_from_path(const dm_dataset *ds, const char *dotted);
/* The calculated fields that apply to ds: its ancestors' first, then its
 * own, in order. *out is malloc'd (caller frees the array). Returns the count. */
size_t dm_dataset_all_calcs(const dm_dataset *ds, const dm_assign ***out);
/* Expression of a CIM field for a source, or NULL (the field is null there). */
const char *dm_source_expr(const dm_source *src, const char *field);

/* --- matching --- */
typedef enum { DM_NO = 0, DM_YES = 1, DM_MAYBE = 2 } dm_tri;
/* Splunk wildcard match: '*' any run, case-insensitive. 1 or 0. */
int dm_wildcard_match(const char *pattern, const char *s);
/* Does a constraint hold for an event? get(ctx, field) returns the event's
 * value or NULL (absent: the condition fails). */
typedef const char *(*dm_getter)(void *ctx, const char *field);
int dm_match_test(const dm_match *m, dm_getter get, void *ctx);
/* What can be said from sourcetype, source and EventCode alone (NULL =
 * unknown): DM_NO if one contradicts, DM_YES if every condition is on those
 * and holds, DM_MAYBE otherwise. */
dm_tri dm_match_known(const dm_match *m, const char *sourcetype, const char *source,
                      const char *eventcode);

/* 1 if no event can satisfy both a and b: some field both test has no
 * value (or pattern) in common. 0 when they may overlap. */
int dm_match_disjoint(const dm_match *a, const dm_match *b);
/* 1 if every event that satisfies a satisfies b (as far as the patterns'
 * shapes tell; 0 when not known). */
int dm_match_implies(const dm_match *a, const dm_match *b);

/* --- aliases --- */
/* The alias sets that may apply to events with this sourcetype/source/
 * EventCode (NULL = unknown), in order: those dm_match_known does not rule
 * out. Writes up to max pointers to out; returns the total count. */
size_t dm_aliases_for(const dm_registry *reg, const char *sourcetype, const char *source,
                      const char *eventcode, const dm_alias_set **out, size_t max);
/* The assignments to field with seq < before (UINT_MAX: all), in order,
 * with their sets. Returns the total count; writes up to max entries. */
size_t dm_alias_defs(const dm_registry *reg, const char *field, unsigned before,
                     const dm_assign **defs, const dm_alias_set **sets, size_t max);

/* One step of computing an alias field (see dm_alias_plan). */
typedef struct dm_alias_def {
    const dm_alias_set *set;
    const dm_assign *assign;
    dm_tri known; /* DM_YES: applies to every event in scope; DM_MAYBE: test set->match */
} dm_alias_def;
/* How to compute field for events with this sourcetype/source/EventCode
 * (NULL = unknown), seeing assignments with seq < before (UINT_MAX: all):
 * the definitions to try, last-written first, without those ruled out and
 * ending at the first DM_YES one (which shadows the rest). Value = first
 * entry whose set matches; if none does (only when the last entry is
 * DM_MAYBE), the extracted field. Returns the count (0: just the extracted
 * field); *out is malloc'd (NULL when 0), caller frees. */
size_t dm_alias_plan(const dm_registry *reg, const char *field, unsigned before, const char *sourcetype,
                     const char *source, const char *eventcode, dm_alias_def **out);

/* --- event types and tags (datamodel_eventtype.c) --- */
/* The event type named name (case-insensitive), or NULL. */
const dm_eventtype *dm_eventtype_find(const dm_registry *reg, const char *name);
/* 1 if the event type carries a tag matching pattern (wildcards, case-insensitive). */
int dm_eventtype_has_tag(const dm_eventtype *et, const char *pattern);
/* Check the event types as a whole: searches reference only known event
 * types or tags without a cycle. 0, or -1 with *err = "file:line: ...". */
int dm_eventtypes_resolve(const dm_registry *reg, char **err);

/* --- expressions --- */
/* Check an SPL eval expression's shape: balanced parentheses, closed
 * quotes, only supported functions. 0, or -1 with *msg (caller frees). */
int dm_expr_check(const char *expr, char **msg);
/* Call fn for every field the expression reads (bare identifiers that are
 * not functions or keywords, and 'quoted' names), in order, repeats
 * included. name is NUL-terminated and only valid during the call. */
void dm_expr_fields(const char *expr, void (*fn)(void *ctx, const char *name), void *ctx);
/* 1 if name is an eval function the SPL engine supports. */
int dm_expr_function_known(const char *name);
#endif
