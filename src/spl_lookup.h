/* spl_lookup.h: lookup definitions and their tables. A lookup directory
 * holds security_content-style definitions (NAME.yml: name, filename of a
 * CSV next to it, or collection + fields_list for a KV store collection;
 * match_type "WILDCARD(f), ..." , case_sensitive_match, min_matches,
 * max_matches, default_match) and bare CSV files (usable by file name).
 * A lookup's table is loaded into SQLite on first use as the TEMP table
 * "lookup:NAME" (every value TEXT; empty cells NULL; a wildcard field also
 * gets a pattern column "NAME#pat" in LIKE or GLOB syntax). */
#ifndef SPLITE_SPL_LOOKUP_H
#define SPLITE_SPL_LOOKUP_H
#include <sqlite3.h>

typedef struct spl_lookup_def {
    char *name;           /* definition name ("x", or "x.csv" for a bare file) */
    char *path;           /* CSV file; NULL for a collection or a model */
    char *collection;     /* KV store collection (an empty table), or NULL */
    char **fields;        /* fields_list of a collection */
    int nfields;
    char **wild;          /* WILDCARD(field) match types */
    int nwild;
    char **cidr;          /* CIDR(field) match types: values are IPv4/IPv6 ranges */
    int ncidr;
    int case_sensitive;   /* case_sensitive_match (default true) */
    int min_matches;      /* default 0 */
    int max_matches;      /* default 1000 */
    char *default_match;  /* NULL when none */
    char *file;           /* the definition file */
    char *external;       /* a computed lookup splite implements ("shannon"), or NULL */
} spl_lookup_def;

typedef struct spl_lookups {
    spl_lookup_def *v;
    int n, cap;
} spl_lookups;

void spl_lookups_init(spl_lookups *l);
void spl_lookups_free(spl_lookups *l);
/* Read every *.yml definition and *.csv file of dir (a later definition of
 * a name replaces an earlier one). A missing directory is not an error when
 * optional. Returns 0, or -1 with *err (caller frees) naming the file. */
int spl_lookups_load_dir(spl_lookups *l, const char *dir, int optional, char **err);
/* By definition name, else by file name ("x.csv"), else name + ".csv". */
const spl_lookup_def *spl_lookups_find(const spl_lookups *l, const char *name);
/* 1 if field is matched with wildcards in d. */
int spl_lookup_is_wild(const spl_lookup_def *d, const char *field);
/* 1 if field holds CIDR ranges (match_type CIDR(field)) in d. */
int spl_lookup_is_cidr(const spl_lookup_def *d, const char *field);

/* A table outputlookup wrote into the database (main."lookup:NAME")
 * replaces the definition's file: lookups read it from then on. */
int spl_lookup_in_db(sqlite3 *db, const char *name);
/* d by name (spl_lookups_find), else, when the database holds a written
 * table of that name, *tmp filled with defaults for it (case-sensitive, no
 * wildcards; caller frees tmp->name). NULL when neither exists. */
const spl_lookup_def *spl_lookup_resolve(sqlite3 *db, const spl_lookups *l, const char *name, spl_lookup_def *tmp);

/* Make sure d's table exists on db (load the CSV the first time). Returns 0
 * and the table's columns (*cols, *ncols; caller frees with
 * spl_lookup_cols_free), or -1 with *err. The SQL name of the table is
 * spl_lookup_table_sql(db, d) (caller frees). */
int spl_lookup_table(sqlite3 *db, const spl_lookup_def *d, char ***cols, int *ncols, char **err);
void spl_lookup_cols_free(char **cols, int ncols);
char *spl_lookup_table_sql(sqlite3 *db, const spl_lookup_def *d);
/* The SQL expression turning a '*' wildcard value x into d's pattern
 * column value (LIKE or GLOB syntax, see spl_lookup.h). */
char *spl_lookup_pattern_sql(const spl_lookup_def *d, const char *x);
/* Ensure an index on column col of d's table (for exact matches). */
void spl_lookup_index(sqlite3 *db, const spl_lookup_def *d, const char *col);

/* How a lookup field matches (spl_lookup_match.c). */
enum { SPL_LOOKUP_EXACT = 0, SPL_LOOKUP_WILD = 1, SPL_LOOKUP_CIDR = 2 };
/* Register the SQL function spl_lookup_match(name, outcol, max_matches,
 * nocase, col1, kind1, value1, ...): outcol over the rows of the TEMP
 * table of lookup name that match the values (see spl_lookup_match.c). */
int spl_lookup_match_register(sqlite3 *db);

/* Computed ("external") lookups: `external: shannon` is URL Toolbox's
 * ut_shannon_lookup (word -> ut_shannon, the Shannon entropy of the word in
 * bits per byte), the SQL function spl_shannon(x). Registers
 * spl_lookup_match too. */
void spl_lookup_register(sqlite3 *db);
#endif
