/* cmd_registry.c: the table of subcommands, and the one place their
 * synopsis and options are written: `splite help`, `splite COMMAND --help`
 * and every usage message print these texts (cli_help.c), and
 * tests/cli/help.sh checks them against README.md and the option parsers.
 * Each command lives in its own cmd_*.c. */
#include "cli.h"

#include <stddef.h>

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
int cmd_sigma(cli_env *env, int argc, char **argv);

/* Options of ingest that replay shares (cmd_ingest_option). */
#define CMD_INGEST_OPTIONS                                                                                        \
    "  --index I          index of the events (default: main)\n"                                                   \
    "  --sourcetype ST    sourcetype of the events (default: the reader's, or the manifest's)\n"                   \
    "  --source S         source of the events (default: the file name, or the manifest's)\n"                      \
    "  --host H           host of events that name none\n"                                                         \
    "  --format F         reader: xmlwineventlog, wineventlog, json, kv, evtx or evtxjson (evtx_dump's JSON)\n"          \
    "                     (default: detected from the content)\n"                                                  \
    "  --tz ZONE          time zone of event timestamps that carry none (classic WinEventLog, ISO 8601\n"          \
    "                     without offset): an IANA name (America/New_York), UTC or an offset (+05:30);\n"          \
    "                     default: the local zone ($TZ, UTC when unset)\n"                                          \
    "  --force            load a file again as new, next to its earlier load (also one that changed)\n"          \
    "  --replace          delete the earlier load of a file that changed and load it again\n"                    \
    "  --no-wait          give up, instead of waiting, while another ingest or replay loads into the database\n"  \
    "  -q, --quiet        no per-file messages or summaries\n"

#define CMD_TIME_OPTIONS                                                                                          \
    "  --earliest T       start of the time range, inclusive (a time modifier: -24h, @d, epoch seconds,\n"         \
    "                     12/07/2026:13:50:00 or 2026-12-07T13:50:00; zone-less times are local time)\n"           \
    "  --latest T         end of the time range, exclusive (default: now when there is an earliest, else none)\n" \
    "  --now T            the time relative times count from (default: the clock)\n"

const cli_command cli_commands[] = {
    {"ingest", cmd_ingest, "[--index I] [--sourcetype ST] [--source S] [--host H] [--format F] [--tz ZONE] [--force|--replace] [--no-wait] [-q] [-r] FILE|DIR...",
     "load log files (- is standard input)",
     CMD_INGEST_OPTIONS
     "  -r, --recursive    accepted for other tools' habits: a DIR is always walked\n"
     "  FILE...            log files, each loaded once: one loaded before is skipped, a grown one continued\n"
     "                     where it stopped, one whose loaded part changed refused (see --force, --replace);\n"
     "                     - is standard input, which is never de-duplicated: every run loads all of it\n"
     "  DIR...             every .evtx file below the directory (any depth, in path order; links not followed)\n"},
    {"replay", cmd_replay,
     "[--index I] [--sourcetype ST] [--source S] [--host H] [--format F] [--tz ZONE] [--force|--replace] [--no-wait] [-q] [--update-timestamp] "
     "[--datasets DIR] MANIFEST.yml...",
     "load attack_data datasets listed in manifests",
     CMD_INGEST_OPTIONS
     "  --update-timestamp shift each file's events so that the newest is now\n"
     "  --datasets DIR     where /datasets/... paths are (default: the manifest's enclosing datasets/)\n"},
    {"info", cmd_info, "", "summarise what the database holds", ""},
    {"search", cmd_search, "[--earliest T] [--latest T] [--now T] [--format table|jsonl|csv] [--no-summaries] 'SPL'",
     "run an SPL search",
     CMD_TIME_OPTIONS
     "  --format F         table, jsonl or csv (default: table on a terminal, else jsonl)\n"
     "  --no-summaries     compute tstats over data models from the events, not the summaries\n"},
    {"sql", cmd_sql, "[--plan] [--earliest T] [--latest T] [--now T] [--no-summaries] [--shared-scan] 'SPL'",
     "print the SQL an SPL search translates to, macros expanded",
     "  --plan             also print SQLite's query plan (the indexes it uses)\n" CMD_TIME_OPTIONS
     "  --no-summaries     translate tstats over data models to read the events, not the summaries\n"
     "  --shared-scan      the SQL as compiled for the shared scan, and its prefilter formula\n"},
    {"run", cmd_run, "[--earliest T] [--latest T] [--now T] [--all-time] [--format table|jsonl] [--timeout S] [--no-shared-scan] [DETECTION.yml|DIR ...]",
     "run detections, store and print their risk events and notables",
     "  --earliest T       start of the window (default: each detection's deployment window)\n"
     "  --latest T         end of the window (times as for search)\n"
     "  --now T            the time the window is relative to (default: the clock)\n"
     "  --all-time         search all time\n"
     "  --format F         table or jsonl (default: table on a terminal, else jsonl)\n"
     "  --timeout S        seconds a detection may run before it is stopped and failed (default: 600; 0: none)\n"
     "  --no-shared-scan   run each detection over the events on its own (no shared scan)\n"},
    {"schedule", cmd_schedule, "[--now T] [--max-catchup N] [--timeout S] [--wait] [-q] [--no-shared-scan] [DETECTION.yml|DIR ...]",
     "run the detections whose cron schedule fell due (call it every minute from cron)",
     "  --now T            the current time (default: the clock)\n"
     "  --max-catchup N    at most N missed runs per detection and call (default: 24)\n"
     "  --timeout S        seconds a detection may run before it is stopped and failed (default: 600; 0: none)\n"
     "  --wait             wait for another scheduler on the same database instead of returning\n"
     "  -q, --quiet        print only failures\n"
     "  --no-shared-scan   run each due run over the events on its own (no shared scan)\n"},
    {"runs", cmd_runs, "[--limit N]", "recent detection runs and their status",
     "  --limit N          how many runs (default: 20)\n"},
    {"test", cmd_test, "[--junit FILE] [--datasets DIR] [DETECTION.yml|DIR ...]",
     "test detections on their attack data, as contentctl does (Sigma rules: SigmaHQ's regression data)",
     "  --junit FILE       also write the results as JUnit XML\n"
     "  --datasets DIR     where attack_data files are (default: the shipped datasets/)\n"},
    {"check", cmd_check, "[--corpus DIR] [--format table|jsonl] [--timeout S] [--slowest N] [--jobs N] [--now T] [--no-shared-scan]",
     "run every detection through the engine, report failures and their causes",
     "  --corpus DIR       a security_content checkout, or a directory of Sigma/Splunk rules\n"
     "                     (default: the shipped detections)\n"
     "  --format F         table or jsonl (default: table)\n"
     "  --timeout S        seconds each detection may run (default: 60; 0: no limit)\n"
     "  --slowest N        also list the N slowest detections\n"
     "  --jobs N           worker processes (default: 1; 0: one per CPU)\n"
     "  --now T            the time relative times count from (default: the clock)\n"
     "  --no-shared-scan   run each detection over the events on its own (no shared scan)\n"},
    {"sigma", cmd_sigma, "convert|lint [--mappings DIR|--no-mappings] RULE.yml|DIR...",
     "print the SPL Sigma rules compile to (convert), or check them (lint)",
     "  convert            print each rule's SPL (paste it into Splunk, or give it to splite sql)\n"
     "  lint               print every error and warning; exit 1 when a rule has an error\n"
     "  --mappings DIR     logsource and field mappings (default: the shipped datamodels/sigma/)\n"
     "  --no-mappings      no logsource conditions and no field renames\n"},
    {NULL, NULL, NULL, NULL, NULL},
};
