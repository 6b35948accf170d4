/* main.c: the splite command line: global options, then one subcommand from
 * the table in cmd_registry.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void main_usage(FILE *f)
{
    fputs("usage: splite [--db PATH] [--macros DIR] COMMAND [ARGS]\n\ncommands:\n", f);
    for (const cli_command *c = cli_commands; c->name; c++)
        fprintf(f, "  %-10s %s\n", c->name, c->usage);
    fputs("\nThe database is --db PATH, else $SPLITE_DB, else ./splite.db.\n", f);
}

int main(int argc, char **argv)
{
    /* Times are UTC unless TZ says otherwise (not the machine's zone). */
    setenv("TZ", "UTC", 0);
    tzset();
    cli_env env = {0};
    const char *e = getenv("SPLITE_DB");
    env.db_path = (e && *e) ? e : "splite.db";
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            main_usage(stdout);
            return 0;
        }
        int r = cli_common_option(&env, argc, argv, &i);
        if (r < 0) return 2;
        if (r == 0) {
            fprintf(stderr, "splite: unknown option '%s'\n", argv[i]);
            main_usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        main_usage(stderr);
        return 2;
    }
    for (const cli_command *c = cli_commands; c->name; c++)
        if (!strcmp(c->name, argv[i])) return c->fn(&env, argc - i, argv + i);
    fprintf(stderr, "splite: unknown command '%s'\n", argv[i]);
    main_usage(stderr);
    return 2;
}
