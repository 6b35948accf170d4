/* spl_int.h: internals shared by the SPL engine's modules: tokens and the
 * lexer, the syntax tree built by the Lemon grammar (grammar/spl.y), the
 * translator state (one SQL level per pipeline stage that needs one) and the
 * command table every spl_cmd_*.c file registers in (spl_registry.c). */
#ifndef SPLITE_SPL_INT_H
#define SPLITE_SPL_INT_H
#include <stddef.h>
#include "spl.h"
#include "util.h"
#include "hmap.h"
#include "spl_grammar.h"

/* ---- tokens ---- */
typedef struct spl_token {
    int type;        /* TK_* from the grammar, 0 at end */
    const char *s;   /* into the query text */
    size_t n;
    size_t off;      /* byte offset in the query text */
} spl_token;

enum spl_lex_mode {
    SPL_LEX_SEARCH, /* search terms and command arguments: WORD, STRING, ops */
    SPL_LEX_EVAL    /* eval/where expressions */
};

typedef struct spl_toks {
    spl_token *v;
    int n, cap;
} spl_toks;

/* Tokenize text[0..n) (base = its offset in the whole query). Returns 0, or
 * -1 with err set. */
int spl_lex(const char *text, size_t n, size_t base, int mode, spl_toks *out, spl_error *err);
void spl_toks_free(spl_toks *t);
/* The value of a WORD/STRING token with quotes removed and Splunk's
 * backslash escapes (\\ and \") resolved; other backslashes are kept. */
char *spl_tok_text(const spl_token *t);
/* 1 if token is the word w (case-insensitive when ci). */
int spl_tok_is(const spl_token *t, const char *w, int ci);

/* ---- syntax tree ---- */
enum spl_node_kind {
    SN_AND = 1, SN_OR, SN_NOT, SN_CMP, SN_IN, SN_TERM, SN_SUB, /* search */
    EX_OR, EX_XOR, EX_AND, EX_NOT, EX_EQ, EX_NE, EX_LT, EX_LE, EX_GT, EX_GE,
    EX_LIKE, EX_IN, EX_ADD, EX_SUB, EX_CAT, EX_MUL, EX_DIV, EX_MOD, EX_NEG,
    EX_FIELD, EX_NUM, EX_STR, EX_CALL, NODE_LIST
};

typedef struct spl_node {
    int kind;
    int op;              /* SN_CMP: TK_EQ.. */
    spl_token tok;       /* leaf / field / function name / operator */
    spl_token val;       /* SN_CMP value */
    struct spl_node **kids;
    int nkids, cap;
} spl_node;

typedef struct spl_pctx {
    spl_node **nodes;    /* everything allocated, freed together */
    int nnodes, cap;
    spl_node *result;
    spl_error *err;
    int failed;
    size_t end_off;      /* offset reported for "unexpected end" */
    size_t cur_off;      /* offset of the token being parsed */
} spl_pctx;

spl_node *spl_node_bin(spl_pctx *P, int kind, spl_node *a, spl_node *b);
spl_node *spl_node_un(spl_pctx *P, int kind, const spl_token *t, spl_node *a);
spl_node *spl_node_leaf(spl_pctx *P, int kind, const spl_token *t);
spl_node *spl_node_cmp(spl_pctx *P, const spl_token *f, int op, const spl_token *v);
spl_node *spl_node_in(spl_pctx *P, const spl_token *f, spl_node *list);
spl_node *spl_node_inexpr(spl_pctx *P, spl_node *e, spl_node *list);
spl_node *spl_node_call(spl_pctx *P, const spl_token *name, spl_node *args);
spl_node *spl_node_list(spl_pctx *P, spl_node *list, spl_node *item);
void spl_pctx_syntax_error(spl_pctx *P, const spl_token *t);
void spl_pctx_error_at(spl_pctx *P, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void spl_pctx_free(spl_pctx *P);
/* Deepest nesting of a parsed expression (chains of AND, OR, + and . are
 * one level): deeper ones are an error at the first node too deep. */
#define SPL_MAX_NEST 40
/* Deepest nesting of subsearches ([search ... [search ...]]). */
#define SPL_MAX_SUBSEARCH_DEPTH 100
/* Commands in one pipeline (real detections use fewer than 60). */
#define SPL_MAX_COMMANDS 1000
/* SQL levels (CTEs: stats, sort, head, dedup, streamstats... add one each)
 * of a whole query, subsearches included. SQLite recurses once per level
 * when it resolves names (a stack overflow at about 28,000), refuses
 * expression trees deeper than 1000 (about 250 levels of dedup, 400 of
 * streamstats) and joins of more than 64 tables or 200 FROM terms (about
 * 60 to 200 levels of mvexpand). */
#define SPL_MAX_LEVELS 150
/* Fields (columns) of one level: SQLite's default column limit is 2000,
 * order and helper columns take some. */
#define SPL_MAX_FIELDS 1900
/* Values bound to one statement: SQLite takes at most 250,000 (?250000). */
#define SPL_MAX_PARAMS 200000
/* SQL one AND/OR of search terms may translate to: a bound on memory (a
 * bare term reads _raw with a subquery: 2 MB of query text became 92 MB of
 * SQL and 800 MB of memory). */
#define SPL_MAX_SEARCH_SQL (32 << 20)
/* Parse tokens toks[from..to) as a search (TK_SEARCH_START) or eval
 * (TK_EVAL_START) expression. NULL result with no error = empty search. */
int spl_parse_expr(spl_pctx *P, int start, const spl_toks *toks, int from, int to, size_t end_off);

/* Lemon's interface (build/grammar/spl_grammar.c). */
void *spl_lemonAlloc(void *(*)(size_t));
void spl_lemonFree(void *, void (*)(void *));
void spl_lemon(void *, int, spl_token, spl_pctx *);

typedef struct spl_cmd_ctx spl_cmd_ctx;

/* ---- translator state ---- */
typedef struct spl_col {
    char *name;   /* field name, case-sensitive */
    char *sql;    /* SQL expression for it at the current level */
    int mv;       /* may hold a multivalue BLOB */
    const char *depth_of; /* the sql whose parenthesis depth is in depth */
    int depth;
    int weak;     /* a search-time alias: a later xmlkv/spath extraction of
                     the same name takes precedence over it */
    int etype;    /* eventtype/tag/tag::X computed from the event types
                     (spl_eventtype.c): 1: a search on it at the events level
                     becomes the event types' conditions; 2: the same with the
                     event's own field of that name (compared as a column) */
} spl_col;

typedef struct spl_ord {
    char *sql;
    int desc;
} spl_ord;

/* A field whose content holds more fields, extracted on demand (spath
 * without a path, fromjson, xmlkv): names the query uses that no column
 * has are read from it. */
typedef struct spl_dyn {
    char *src;    /* field name */
    int xml;      /* 1: <name>value</name> (xmlkv); 0: JSON path (spath);
                     2: key/value pairs (extract); 3: top-level JSON
                     keys (fromjson) */
    char *pairdelim, *kvdelim; /* xml == 2: delimiter characters;
                                  xml == 3: pairdelim is the prefix */
} spl_dyn;

typedef struct spl_tr {
    store *st;
    const spl_opts *opts;
    spl_error *err;
    const char *text;         /* the expanded query */
    sbuf ctes;                /* "sK AS (...), ..." */
    int nlevels;
    /* current level */
    char *from;               /* FROM clause */
    spl_col *cols;
    int ncols, capcols;
    spl_ord *ord;
    int nord;
    char **wh;                /* WHERE conjuncts of this level, each "(...)" */
    int nwh, capwh;
    int wh_depth;             /* deepest parenthesis nesting among wh */
    sbuf where;               /* wh joined (spl_tr_where_sql) */
    int events;               /* rows are still events */
    int is_event_table;       /* from is the events table (alias e) */
    int has_rows;             /* a first stage exists */
    /* parameters */
    spl_param *params;
    int nparams, capparams;
    /* names referenced anywhere in the pipeline (for pruning columns) */
    char **refs;
    int nrefs, caprefs;
    hmap refs_ix;             /* the names of refs (zeroed = empty) */
    int project;              /* some command keeps only named fields */
    double now;
    double earliest, latest;  /* from options and the first search */
    int has_earliest, has_latest;
    /* the range the options gave (Splunk's time range picker): what a
     * subsearch starts from, since the query's own earliest=/latest= do not
     * apply to its subsearches */
    double pick_earliest, pick_latest;
    int has_pick_earliest, has_pick_latest;
    /* statements run before the query, in order, with its parameters
     * (outputlookup writes its table this way) */
    char **pre;
    int npre;
    const spl_macros *macros; /* the query's macros (map expands its search with them) */
    int time_applied;         /* the time range is in a WHERE already */
    spl_dyn *dyn;             /* on-demand field sources of this level */
    int ndyn;
    int in_dyn;
    int subpipe;              /* appendpipe: commands run on the parent's rows */
    /* data models / aliases (spl_dm.c, spl_alias.c) */
    const spl_toks *first_search; /* the query's leading search, if any (alias pins) */
    size_t cmd_off;               /* offset of the command being translated */
    /* a condition the events (or data model rows) level starts with
     * (borrowed): map's copy i reads no events when its input has fewer
     * than i results; an outer join's subsearch none when there are no
     * results to join to */
    const char *events_guard;
    const char *sub_events_guard; /* handed to the next subsearch's events_guard */
    /* the command whose SQL nests deepest (parentheses), blamed when
     * SQLite finds the statement too deep to parse */
    int deep_max;
    size_t deep_off;
    int sub_depth;                /* subsearches this one is nested in */
    struct spl_et *et;            /* event type conditions (spl_eventtype.c) */
    /* spl_opts.prefilter: the formula of the searches over the events
     * level (the first, and later ones while every command before them is
     * row-local), and the slot parameter; pf_closed once a command that is
     * not row-local ran */
    struct spl_pf *pf;
    int pf_param;
    int pf_closed;
    /* the time range put in the events level's WHERE (bit 1: e._time >=
     * ev_earliest, bit 2: e._time < ev_latest): the rows the shared scan
     * must read for this query lie in it (spl_query.pf_time) */
    double ev_earliest, ev_latest;
    int ev_time;
    char *pf_table;               /* the table pf reads: NULL = events */
    /* eval X=if(C, 1, 0) on the events level: what X=1 implies (C's
     * formula), valid while X's SQL is still sql (spl_search_pf) */
    struct spl_pf_hint {
        char *name, *sql;
        struct spl_pf *pf;
    } *pf_hints;
    int npf_hints;
    int empty_stays_empty;        /* no rows in, no results (spl_query) */
} spl_tr;

/* Translate the subsearch text[start..end) (or, with subpipe, the
 * pipeline of appendpipe over the parent's current rows) into child, which
 * shares the parent's parameter numbering and CTE names; its result is the
 * CTE child->from with columns child->cols (sql "sK.cI"). The child's CTEs
 * are appended to the parent's. Free with spl_tr_sub_free. */
int spl_tr_subsearch(spl_tr *parent, size_t start, size_t end, int subpipe, spl_tr *child);
void spl_tr_sub_free(spl_tr *child);
/* Append the results of the search text[start..end) (compiled as a
 * subsearch) after the current results, as `append [...]` does. */
int spl_tr_append_search(spl_tr *tr, size_t start, size_t end);
/* 1 if the arguments hold append=true (inputlookup append=t: allowed after
 * the first command). */
int spl_args_append_true(const spl_toks *args);
/* The command's arguments with each top-level [ ... ] replaced by one
 * SUBSEARCH token covering it (for the search grammar); free with
 * spl_toks_free. */
int spl_fold_subsearches(spl_cmd_ctx *c, spl_toks *out);

/* Add a parameter; returns its number for "?N". */
int spl_tr_param_text(spl_tr *tr, const char *s);
int spl_tr_param_num(spl_tr *tr, double d);
/* Append "?N" for a new text / number parameter to out. */
void spl_tr_bind_text(spl_tr *tr, sbuf *out, const char *s);
void spl_tr_bind_num(spl_tr *tr, sbuf *out, double d);
/* Find a field at the current level (NULL if absent). A name no column has
 * is looked up in the level's on-demand sources (spl_tr_add_dyn) and added
 * as a column when one applies. Adding may move the column array: do not
 * keep a spl_col pointer across another lookup (its sql string is safe). */
spl_col *spl_tr_col(spl_tr *tr, const char *name);
/* The column only, no on-demand extraction. */
spl_col *spl_tr_find(spl_tr *tr, const char *name);
/* Register an on-demand source (spath/fromjson/xmlkv); cleared when a new
 * level replaces the fields (stats, table...). */
void spl_tr_add_dyn(spl_tr *tr, const char *src, int xml);
void spl_tr_clear_dyn(spl_tr *tr);
/* Register key/value pairs in src (extract pairdelim= kvdelim=) as an
 * on-demand source: pairs split at any pairdelim character, key and value
 * at the first kvdelim character. */
void spl_tr_add_kv_dyn(spl_tr *tr, const char *src, const char *pairdelim, const char *kvdelim);
/* fromjson: names that start with prefix read the top-level key after it */
void spl_tr_add_json_dyn(spl_tr *tr, const char *src, const char *prefix);
/* Set (add or replace) a field; sql is copied. */
void spl_tr_set(spl_tr *tr, const char *name, const char *sql, int mv);
void spl_tr_remove(spl_tr *tr, const char *name);
/* Add a WHERE conjunct at the current level. */
void spl_tr_where(spl_tr *tr, const char *cond);
/* The level's WHERE conjuncts joined with AND (a balanced, partly opaque
 * tree when many: spl_sql_join), or NULL when there are none; valid until
 * the next spl_tr_where. */
const char *spl_tr_where_sql(spl_tr *tr);
/* Forget the level's WHERE conjuncts. */
void spl_tr_where_reset(spl_tr *tr);
/* Materialize the current level as a CTE: columns, order columns, WHERE,
 * and optional extra select items (name AS ...), ORDER BY + LIMIT when limit
 * >= 0. extra: SQL select items appended (may be NULL). */
void spl_tr_flush(spl_tr *tr, long limit, const char *extra);
/* Name of the next CTE ("sN"), for commands that build their own. */
char *spl_tr_next_cte(spl_tr *tr);
/* The ORDER BY list of the current level ("" when none). */
void spl_tr_order_sql(spl_tr *tr, sbuf *out, int reverse);
/* Error at token / offset; always returns -1. */
int spl_tr_error(spl_tr *tr, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Record a referenced name (for column pruning). */
void spl_tr_ref(spl_tr *tr, const char *name);
/* 1 if name matches the wildcard pattern pat ('*' any run), case-sensitive. */
int spl_wild_match(const char *pat, const char *name);

/* Join items[0..n) (n >= 1) with op ("AND", "OR", "||") into out: flat up
 * to SPL_SQL_FANOUT items, else a balanced tree of flat groups (depth
 * log n, for SQLite's parser and expression depth limits); one item is
 * written as it is (spl_sqltree.c). */
#define SPL_SQL_FANOUT 32
void spl_sql_join(sbuf *out, char *const *items, int n, const char *op);
/* Free n malloc'd strings and their array. */
void spl_sql_items_free(char **items, int n);
/* Arguments per splop_add call (SQLite allows 127) and nested calls at
 * most for one long a+b+c... sum. */
#define SPL_ADD_ARGS 100
#define SPL_ADD_MAX_CALLS 20
/* Equality tests on one field among the kids of an AND/OR node, when more
 * than SPL_SQL_FANOUT, as one set membership condition each, appended to
 * items[*nitems] (room for n->nkids); kids folded in get grouped[i] = 1
 * (spl_search_set.c). */
int spl_search_sets(spl_tr *tr, const spl_node *n, unsigned char *grouped, char **items, int *nitems);
/* Prepare sql and bind params (spl_run.c); with more than SPL_ANON_PARAMS
 * parameters, ?N become anonymous ?s bound in order of appearance, which
 * SQLite prepares in linear time. Returns an SQLite code (message in
 * sqlite3_errmsg(db)). */
#define SPL_ANON_PARAMS 200
int spl_prepare(sqlite3 *db, const char *sql, const spl_param *params, int nparams, sqlite3_stmt **out);
/* sql with each parameter ?N (1 <= N <= nparams, outside string literals
 * and quoted names) replaced by what fn appends to out for index N-1; when
 * fn returns 0 the ?N is kept as it is. Caller frees. (spl_run.c) */
typedef int (*spl_param_fn)(void *ctx, sbuf *out, int index);
char *spl_sql_map_params(const char *sql, int nparams, spl_param_fn fn, void *ctx);
/* Search expression -> SQL condition at the current level. */
int spl_search_sql(spl_tr *tr, const spl_node *n, sbuf *out, int first_stage);
/* TERM(x) / CASE(x): v (taken over) without the directive; *cs set for CASE */
char *spl_search_directive(char *v, int *cs);
/* 1 if a comparison's value (or an IN value) is a map token's marker */
int spl_search_holds_map_marker(const spl_node *n);
/* The prefilter formula (spl_pf.h) of a search expression over the events
 * table (alias e) at the current level: a necessary condition of the SQL
 * spl_search_sql made of n. Call after spl_search_sql succeeded. */
struct spl_pf *spl_search_pf(spl_tr *tr, const spl_node *n);
/* The same over another table (alias): field gives each field's SQL there,
 * "NULL" when it has none (the comparison never holds), NULL when unknown
 * (the comparison is not used). */
typedef const char *(*spl_pf_field_fn)(void *ctx, const char *name);
/* what name=value implies when name's SQL is sql (a copy), or NULL */
typedef struct spl_pf *(*spl_pf_hint_fn)(void *ctx, const char *name, const char *sql, const char *value);
struct spl_pf *spl_search_pf_with(const spl_node *n, const char *alias, spl_pf_field_fn field, spl_pf_hint_fn hint,
                                  void *ctx);
/* Compiling for the shared scan: 1 when a row-local filter may still add a
 * formula (the events level of the query itself, only row-local commands so
 * far); spl_tr_pf_add ANDs f (taken over) into the query's formula, adding
 * the candidate list to the level's WHERE the first time (spl_cmd_search.c). */
int spl_tr_pf_open(spl_tr *tr);
void spl_tr_pf_add(spl_tr *tr, struct spl_pf *f);
/* match(x, re) as a formula: a regex atom on the columns x is made of (or
 * _raw), true when x has another form */
struct spl_pf *spl_match_pf(spl_tr *tr, const char *x, const char *re);
/* eval: remember what name=1 implies when expr is if(C, 1, 0) (sql: the SQL
 * name now has); compiling for the shared scan only */
void spl_eval_pf_hint(spl_tr *tr, const char *name, const spl_node *expr, const char *sql);
/* Eval expression -> SQL value. *mv set when the result may be multivalue. */
int spl_expr_sql(spl_tr *tr, const spl_node *n, sbuf *out, int *mv);
/* Whether an eval expression's value is a boolean (a comparison, AND, OR,
 * XOR, NOT, LIKE, IN, or like(), match(), cidrmatch(), in(), isnull(),
 * isnotnull(), isnum(), isint(), isstr(), isbool(), searchmatch(), true(),
 * false()): Splunk refuses to assign one to a field. */
int spl_expr_is_bool(const spl_node *n);
/* Splunk numeric-vs-lexicographic sort key list for a value. */
void spl_sort_key(sbuf *out, const char *sql, int desc);
/* Order helpers: add one order expression (front or back); add the four
 * sort-key expressions of a value at position *pos (advanced). */
void spl_tr_add_ord(spl_tr *tr, const char *sql, int desc, int front);
/* spl_tr_add_ord of the current level's column col (tr->from.col), at the end */
void spl_tr_add_ord_col(spl_tr *tr, const char *col, int desc);
void spl_tr_add_sort_ord(spl_tr *tr, const char *sql, int desc, int *pos);
void spl_tr_clear_ord(spl_tr *tr);
/* Add a statement run before the query (spl_query.pre), with the query's
 * parameters; sql is taken over (freed with the query). */
void spl_tr_add_pre(spl_tr *tr, char *sql);
/* Flush the level when a field's SQL nests too deeply for SQLite. */
void spl_tr_limit_depth(spl_tr *tr);
/* Remember the command at off if its level's SQL nests deepest so far. */
void spl_tr_note_depth(spl_tr *tr, size_t off);
void spl_tr_clear_cols(spl_tr *tr);
/* Start a new level from a CTE the caller built: its columns c0..c<n-1> are
 * the fields names[0..n). Order is left to the caller. */
void spl_tr_new_level(spl_tr *tr, const char *cte_sql, char **names, int *mv, int n);
/* Parse a search/eval expression of a command's arguments. */
int spl_cmd_parse_search(spl_cmd_ctx *c, int from, int to, spl_pctx *P);
int spl_cmd_lex_eval(spl_cmd_ctx *c, spl_toks *out);
/* Glob with captures: match name against pat ('*' captures), and build
 * repl with the captures substituted for its '*'s. NULL if no match. */
char *spl_wild_rename(const char *pat, const char *repl, const char *name);
/* Parse a time modifier relative to now (uses timemod_parse). */
int spl_time_modifier(spl_tr *tr, const char *spec, size_t off, double *out);

/* ---- data models and search-time aliases (spl_dm.c, spl_alias.c) ---- */
/* A name -> SQL map to compile data model / alias expressions in, instead
 * of the current level's fields. */
typedef struct spl_env {
    spl_col *v;
    int n, cap;
} spl_env;
void spl_env_set(spl_env *e, const char *name, const char *sql, int mv);
const spl_col *spl_env_get(const spl_env *e, const char *name);
void spl_env_free(spl_env *e);
/* Compile SPL eval text (search=0) or search text (search=1) written in a
 * YAML file (where: "file:line" for messages) with field names resolved in
 * env (unknown names are null). Errors are reported at tr->cmd_off. */
int spl_dm_compile(spl_tr *tr, const char *text, int search, const spl_env *env, const char *where,
                   sbuf *out, int *mv);
/* A constraint (dm_match) as an SQL condition over env, with LIKE only (case-
 * insensitive, '*' wildcards): no COLLATE, which SQLite would let leak into
 * a CASE value holding the condition. */
struct dm_match;
void spl_dm_match_sql(spl_tr *tr, const struct dm_match *m, const spl_env *env, sbuf *out);
/* A set of names (insertion order, no repeats). */
typedef struct spl_names {
    char **v;
    int n;
} spl_names;
int spl_names_has(const spl_names *s, const char *x);
void spl_names_add(spl_names *s, const char *x);
void spl_names_add_cb(void *ctx, const char *name); /* ctx: spl_names * */
void spl_names_free(spl_names *s);
/* The field names a search expression compares (field=v, field IN (...)). */
void spl_search_fields(const spl_node *n, spl_names *out);
/* The data set named spec ("Model.Dataset", "Model"), or NULL after an error
 * at tok naming the command. */
struct dm_dataset;
const struct dm_dataset *spl_dm_find(spl_cmd_ctx *c, const char *spec, const spl_token *tok);
/* Start a level holding ds's rows (spl_dm_rows.c) with the base fields and
 * the CIM fields in fields (bare names: process_name), named as tstats names
 * them (Processes.process_name), in event order. The time range goes into
 * the sources' WHEREs (the caller sets tr->time_applied). */
int spl_dm_rows(spl_tr *tr, const struct dm_dataset *ds, const spl_names *fields, const spl_node *where);
/* The same, always computed from the events (no summary). */
int spl_dm_rows_live(spl_tr *tr, const struct dm_dataset *ds, const spl_names *fields);
/* The level of every field of ds plus the events rowid (column SPL_DM_RID),
 * keeping rows whose rowid is above parameter ?*wm and at most ?*hi (numbers
 * the caller rebinds): what a summary stores (spl_dm_summary.c). 1 when ds
 * cannot be summarised (a source reads a splite table), 0, or -1 after an
 * error. */
#define SPL_DM_RID "\x01rid"
int spl_dm_rows_all(spl_tr *tr, const struct dm_dataset *ds, int *wm, int *hi);
/* Data model acceleration (spl_dm_summary.c): start the level of ds's rows
 * from its summary table, built or brought up to date first, with the base
 * fields and those of fields (bare CIM names, as spl_dm_rows); where (the
 * tstats where clause, or NULL) names the fields to index. Returns 0, or 1
 * when no summary applies (disabled, a table source, a read-only database:
 * the caller computes the rows live), or -1 after an error. */
int spl_dm_summary_rows(spl_tr *tr, const struct dm_dataset *ds, const spl_names *fields, const spl_node *where);
/* " AND t >= ?earliest AND t < ?latest" for the query's time range. */
void spl_dm_time_where(spl_tr *tr, const char *t, sbuf *out);
/* Free a translator's state (not the store, options or error). */
void spl_tr_free(spl_tr *tr);
/* Replace the referenced fields of the events level (spl_tr_ensure_events)
 * by their alias chains (docs/DATAMODELS.md); no-op without data models. */
void spl_alias_apply(spl_tr *tr);

/* Fields as an ordinary search sees them on any event (alias chains without
 * pins), for compiling event type searches: the SQL lives until free. */
typedef struct spl_alias_res spl_alias_res;
spl_alias_res *spl_alias_res_new(spl_tr *tr);
int spl_alias_res_field(spl_alias_res *r, const char *field, const char **sql, int *mv);
void spl_alias_res_free(spl_alias_res *r);

/* Event types and tags (spl_eventtype.c, docs/DATAMODELS.md). */
/* 1 if name is eventtype, tag or tag::X. */
int spl_et_is_field(const char *name);
/* At the events level: the referenced eventtype/tag/tag::X fields become
 * multivalue columns computed from the event types (no-op without any). */
void spl_et_apply(spl_tr *tr);
/* A search comparison (SN_CMP, SN_IN) on such a field, when it reads the
 * event types (the events level or inside an event type's search): the OR
 * of the matching event types' conditions. 1 when handled (out written, or
 * -1 after an error), 0 when the caller translates it as usual. */
int spl_et_search_sql(spl_tr *tr, const spl_node *n, const char *field, sbuf *out, int *rc);
/* Every event type's search is SPL search text (no pipes, balanced):
 * 0, or -1 with *err = "file:line: event type N: ..." (caller frees). */
struct dm_registry;
int spl_et_check(const struct dm_registry *reg, char **err);
/* The tag field of an event (for data model rows): SQL or NULL (malloc'd). */
char *spl_et_tag_sql(spl_tr *tr, const char *field, int *mv);
void spl_et_free(spl_tr *tr);

/* The prefix of the marker words map puts where its $tokens$ were; a
 * comparison holding one is never folded away (its parameter carries the
 * token). */
#define SPL_MAP_MARKER "splmapQ"

/* ---- commands ---- */
struct spl_cmd_ctx {
    spl_tr *tr;
    const spl_token *name;     /* the command word */
    spl_toks args;             /* arguments, lexed in search mode */
    const char *argtext;       /* raw argument text */
    size_t argoff, arglen;     /* its offset/length in the query */
    int first;                 /* first command of the pipeline */
};

enum {
    SPL_CMD_GENERATING = 1, /* makes the first stage (tstats, makeresults) */
    SPL_CMD_PROJECTS = 2    /* output holds only fields it names */
};

typedef struct spl_command {
    const char *name;
    int flags;
    int (*translate)(spl_cmd_ctx *c);
} spl_command;

const spl_command *spl_command_find(const char *name, size_t n);
/* Ensure the first stage exists (an implicit `search *` over events). */
void spl_tr_ensure_events(spl_tr *tr);
/* Add the time range (--earliest/--latest, earliest=/latest= of the first
 * search) as WHERE conjuncts on _time at the current level, once. The
 * compiler calls it after the first command; a generating command that
 * aggregates (tstats) calls it itself before aggregating. */
int spl_tr_apply_time_range(spl_tr *tr);
/* The time range in force: sets *e / *l and returns a bit mask (1: a lower
 * bound, 2: an upper bound). An earliest without a latest ends at now, as
 * Splunk's time modifiers document; a query's earliest= without latest=
 * also replaces --latest with now (the search's modifiers override the
 * time range picker); earliest=0 without latest is all time, future
 * events included. */
int spl_tr_time_bounds(const spl_tr *tr, double *e, double *l);

/* Writing a generating command (tstats, makeresults):
 *  - register it in spl_registry.c with SPL_CMD_GENERATING;
 *  - either start from the events table (spl_tr_ensure_events: every
 *    catalog field is a column -- when the pipeline projects, only fields
 *    named in the query, so first call spl_tr_ref for every event field the
 *    command maps from; spl_tr_set adds e.g. "Processes.dest" as
 *    the SQL of the field it maps to; spl_tr_where adds constraints; a
 *    search expression parsed with spl_cmd_parse_search is translated by
 *    spl_search_sql), or build a CTE and call spl_tr_new_level;
 *  - call spl_tr_apply_time_range before aggregating;
 *  - aggregate by calling spl_cmd_stats with a spl_cmd_ctx whose args are
 *    the aggregation tokens followed by the BY tokens (tokens are plain
 *    structs pointing into the query text, so a new spl_toks can be built
 *    from slices of c->args). */

/* helpers for command argument parsing */
int spl_arg_error(spl_cmd_ctx *c, const spl_token *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* option "name=value" at args[i]: returns 1 and sets *val (malloc'd). */
int spl_arg_option(spl_cmd_ctx *c, int i, const char *name, char **val);
/* 1 if args[i] is a name=value option at all */
int spl_arg_is_option(spl_cmd_ctx *c, int i);
#endif
