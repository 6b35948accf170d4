/* cli.h: what every subcommand (cmd_*.c) gets from main: the database path,
 * extra macro directories and where the shipped data files (macros/,
 * datamodels/, detections/, deployments/, datasets/) live. */
#ifndef SPLITE_CLI_H
#define SPLITE_CLI_H
#include <stdio.h>

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
    const char *synopsis; /* its arguments, one line: "[--limit N]" */
    const char *summary;  /* what it does, one line */
    const char *options;  /* one "  --opt ARG   meaning\n" line per option
                             (continuation lines indented further), or "" */
} cli_command;

/* The subcommand table (cmd_registry.c), terminated by a NULL name. */
extern const cli_command cli_commands[];

/* cli_help.c: help and usage texts, all made from cli_commands. */
/* The version (CMakeLists.txt's project VERSION). */
const char *cli_version(void);
/* The command called name, or NULL. */
const cli_command *cli_find_command(const char *name);
/* `splite help`: the version, every command's synopsis and summary, the
 * global options and the time rule. */
void cli_help(FILE *f);
/* `splite COMMAND --help`: its synopsis, summary and every option. */
void cli_command_help(FILE *f, const cli_command *c);
/* A usage error of command name (NULL: splite itself): prints
 * "splite NAME: <message>", the usage line and where the help is to stderr;
 * returns 2, the exit status for usage errors. fmt may be NULL. */
int cli_usage_error(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* If stdout and stderr are the same file, make stdout line-buffered so that
 * messages on stderr fall between whole result lines. */
void cli_untangle_output(void);

/* Parse an option shared by all subcommands (--db PATH, --macros DIR, --lookups DIR) at
 * argv[*i]; returns 1 and advances *i when it was one, 0 otherwise, -1 when
 * its value is missing. */
int cli_common_option(cli_env *env, int argc, char **argv, int *i);
/* Path of a shipped data directory ("macros", "datamodels", ...). Caller frees. */
char *cli_home_path(const cli_env *env, const char *sub);
#endif
