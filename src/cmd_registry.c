/* cmd_registry.c: the table of subcommands. Each lives in its own cmd_*.c. */
#include "cli.h"

int cmd_ingest(cli_env *env, int argc, char **argv);
int cmd_replay(cli_env *env, int argc, char **argv);
int cmd_info(cli_env *env, int argc, char **argv);
int cmd_run(cli_env *env, int argc, char **argv);
int cmd_test(cli_env *env, int argc, char **argv);
int cmd_schedule(cli_env *env, int argc, char **argv);
int cmd_runs(cli_env *env, int argc, char **argv);
int cmd_search(cli_env *env, int argc, char **argv);
int cmd_sql(cli_env *env, int argc, char **argv);
int cmd_check(cli_env *env, int argc, char **argv);

const cli_command cli_commands[] = {
    {"ingest", cmd_ingest, "[--index I] [--sourcetype ST] [--source S] [--host H] [--format F] [--force] FILE...  load log files"},
    {"replay", cmd_replay, "[--index I] [--update-timestamp] [--datasets DIR] MANIFEST.yml...  load attack_data datasets"},
    {"info", cmd_info, "summarise what the database holds"},
    {"run", cmd_run, "[--earliest T] [--latest T] [--now T] [--all-time] [--format table|jsonl] [DETECTION.yml|DIR ...]  run detections, emit risk events and notables"},
    {"test", cmd_test, "[--junit FILE] [--datasets DIR] [DETECTION.yml|DIR ...]  test detections on their attack data, as contentctl does"},
    {"schedule", cmd_schedule, "[--now T] [--max-catchup N] [--wait] [DETECTION.yml|DIR ...]  run the detections that fell due (call every minute from cron)"},
    {"runs", cmd_runs, "[--limit N]  recent detection runs and their status"},
    {"search", cmd_search, "[--earliest T] [--latest T] [--now T] [--format table|jsonl|csv] [--no-summaries] 'SPL'  run an SPL search"},
    {"sql", cmd_sql, "[--plan] [--earliest T] [--latest T] [--now T] [--no-summaries] 'SPL'  print the SQL an SPL search translates to (and its query plan)"},
    {"check", cmd_check, "[--corpus DIR] [--lookups DIR] [--format table|jsonl] [--timeout S]  run every detection through the engine, report failures and their causes"},
    {0, 0, 0},
};
