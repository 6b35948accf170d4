/* cmd_registry.c: the table of subcommands. Each lives in its own cmd_*.c. */
#include "cli.h"

int cmd_ingest(cli_env *env, int argc, char **argv);
int cmd_replay(cli_env *env, int argc, char **argv);
int cmd_info(cli_env *env, int argc, char **argv);

const cli_command cli_commands[] = {
    {"ingest", cmd_ingest, "[--index I] [--sourcetype ST] [--source S] [--host H] [--format F] [--force] FILE...  load log files"},
    {"replay", cmd_replay, "[--index I] [--update-timestamp] [--datasets DIR] MANIFEST.yml...  load attack_data datasets"},
    {"info", cmd_info, "summarise what the database holds"},
    {0, 0, 0},
};
