/* spl_cli.h: what `splite search` and `splite sql` share: their options
 * (--earliest, --latest, --now, --format), loading the macro directories
 * (the shipped macros/ and every --macros DIR) and compiling the query with
 * errors printed with line, column and caret. Usage errors print the
 * command's usage line from cmd_registry.c. */
#ifndef SPLITE_SPL_CLI_H
#define SPLITE_SPL_CLI_H
#include "cli.h"
#include "spl.h"
#include "spl_lookup.h"

/* What searches need besides the store, loaded once per command from the
 * shipped tree and the options: macros, data models with their aliases,
 * lookup definitions. */
typedef struct spl_knowledge {
    spl_macros macros;
    struct dm_registry *datamodels; /* NULL when the home has no datamodels/ */
    spl_lookups lookups;
} spl_knowledge;

typedef struct spl_cli {
    spl_opts opts;
    const char *format;   /* NULL: table on a terminal, else jsonl */
    const char *query;
    store *st;
    spl_knowledge k;
    spl_query *q;
} spl_cli;

/* Parse argv, open the store, load macros, compile. Returns 0, or the exit
 * status to return (a message has been printed). */
int spl_cli_prepare(spl_cli *c, cli_env *env, int argc, char **argv);
/* The same, compiled for the shared scan when prefilter (spl_opts.prefilter). */
int spl_cli_prepare_with(spl_cli *c, cli_env *env, int argc, char **argv, int prefilter);
void spl_cli_done(spl_cli *c);
/* Load the shipped macros/ and env->macro_dirs into m. */
int spl_cli_load_macros(cli_env *env, spl_macros *m);
/* Load the home's datamodels/ into *out (NULL when the directory does not
 * exist). Returns 0, or -1 after printing the error (file and line). */
int spl_cli_load_datamodels(cli_env *env, struct dm_registry **out);
/* Load the shipped lookups/ and env->lookup_dirs into l (later ones win). */
int spl_cli_load_lookups(cli_env *env, spl_lookups *l);
/* Macros, data models and lookups together. k is always initialised (free it
 * with spl_knowledge_free even on failure). Returns 0, or 1 after printing
 * the error. */
int spl_cli_load_knowledge(cli_env *env, spl_knowledge *k);
void spl_knowledge_free(spl_knowledge *k);
#endif
