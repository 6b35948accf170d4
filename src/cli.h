/* cli.h: what every subcommand (cmd_*.c) gets from main: the database path,
 * extra macro directories and where the shipped data files (macros/,
 * datamodels/, detections/, deployments/, datasets/) live. */
#ifndef SPLITE_CLI_H
#define SPLITE_CLI_H

typedef struct cli_env {
    const char *db_path;        /* --db, $SPLITE_DB, else ./splite.db */
    const char *macro_dirs[16]; /* --macros DIR (repeatable), in order */
    int n_macro_dirs;
    const char *lookup_dirs[16]; /* --lookups DIR (repeatable), in order */
    int n_lookup_dirs;
    const char *home;           /* the project tree: $SPLITE_HOME, else the
                                   source tree splite was built from */
} cli_env;

typedef int (*cli_fn)(cli_env *env, int argc, char **argv);

typedef struct cli_command {
    const char *name;
    cli_fn fn;
    const char *usage; /* one line */
} cli_command;

/* The subcommand table (cmd_registry.c), terminated by a NULL name. */
extern const cli_command cli_commands[];

/* Parse an option shared by all subcommands (--db PATH, --macros DIR, --lookups DIR) at
 * argv[*i]; returns 1 and advances *i when it was one, 0 otherwise, -1 when
 * its value is missing. */
int cli_common_option(cli_env *env, int argc, char **argv, int *i);
/* Path of a shipped data directory ("macros", "datamodels", ...). Caller frees. */
char *cli_home_path(const cli_env *env, const char *sub);
#endif
