/* main.c: the splite command line: global options, help and version, then
 * one subcommand from the table in cmd_registry.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static int main_is_help(const char *a)
{
    return !strcmp(a, "-h") || !strcmp(a, "--help");
}

/* `splite help [COMMAND]` */
static int main_help(int argc, char **argv)
{
    if (argc < 2) {
        cli_help(stdout);
        return 0;
    }
    const cli_command *c = cli_find_command(argv[1]);
    if (!c || argc > 2) {
        if (!c) fprintf(stderr, "splite help: unknown command '%s'\n", argv[1]);
        else fprintf(stderr, "splite help: one command expected\n");
        return cli_usage_error(NULL, NULL);
    }
    cli_command_help(stdout, c);
    return 0;
}

int main(int argc, char **argv)
{
    /* Zone-less times are local time, and local time is UTC unless TZ
     * says otherwise (not the machine's zone); see tz.h. */
    setenv("TZ", "UTC", 0);
    tzset();
    cli_untangle_output();
    cli_env env = {0};
    const char *e = getenv("SPLITE_DB");
    env.db_path = (e && *e) ? e : "splite.db";
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (main_is_help(argv[i])) {
            cli_help(stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--version")) {
            printf("splite %s\n", cli_version());
            return 0;
        }
        int r = cli_common_option(&env, argc, argv, &i);
        if (r < 0) return cli_usage_error(NULL, NULL);
        if (r == 0) return cli_usage_error(NULL, "unknown option '%s'", argv[i]);
    }
    if (i >= argc) return cli_usage_error(NULL, "a command is expected");
    if (!strcmp(argv[i], "help")) return main_help(argc - i, argv + i);
    const cli_command *c = cli_find_command(argv[i]);
    if (!c) return cli_usage_error(NULL, "unknown command '%s'", argv[i]);
    /* COMMAND -h/--help anywhere among its arguments: its help, nothing run */
    for (int k = i + 1; k < argc; k++)
        if (main_is_help(argv[k])) {
            cli_command_help(stdout, c);
            return 0;
        }
    return c->fn(&env, argc - i, argv + i);
}
