/* cli_help.c: `splite help`, `splite COMMAND --help`, usage messages and
 * --version, all printed from the command table (cmd_registry.c), so that
 * they cannot disagree; and keeping stdout and stderr from tearing each
 * other's lines when they share a file. */
#include "cli.h"

#include <assert.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SPLITE_VERSION
#define SPLITE_VERSION "unknown"
#endif

static const char cli_global_synopsis[] = "[--db PATH] [--macros DIR] [--lookups DIR] COMMAND [OPTIONS] [ARGS]";

static const char cli_global_options[] =
    "  --db PATH          the database (default: $SPLITE_DB, else ./splite.db)\n"
    "  --macros DIR       also read macro definitions from DIR (repeatable)\n"
    "  --lookups DIR      also read lookup definitions and files from DIR (repeatable)\n"
    "  -h, --help         this help; COMMAND --help: that command's options\n";

static const char cli_time_rule[] =
    "Times: --earliest, --latest and --now take Splunk time modifiers (-24h, -1d@d, now, epoch\n"
    "seconds, 12/07/2026:13:50:00) or ISO 8601 (2026-12-07T13:50:00, 2026-12-07T13:50:00Z,\n"
    "...+01:00). A time without a zone is local time: $TZ, else UTC. Snapping (@d, @w1) and cron\n"
    "schedules use local time too. Event timestamps without a zone are read in the --tz ZONE\n"
    "of ingest/replay, else in local time.\n";

const char *cli_version(void)
{
    return SPLITE_VERSION;
}

const cli_command *cli_find_command(const char *name)
{
    for (const cli_command *c = cli_commands; c->name; c++)
        if (!strcmp(c->name, name)) return c;
    return NULL;
}

static void cli_synopsis_line(FILE *f, const cli_command *c)
{
    fprintf(f, "splite %s%s%s\n", c->name, *c->synopsis ? " " : "", c->synopsis);
}

void cli_help(FILE *f)
{
    fprintf(f, "splite %s: Splunk-style SPL searches and detections over event logs in one SQLite file.\n\n",
            SPLITE_VERSION);
    fprintf(f, "usage:\n  splite %s\n  splite help [COMMAND]\n  splite --version\n", cli_global_synopsis);
    for (const cli_command *c = cli_commands; c->name; c++) {
        fputs("  ", f);
        cli_synopsis_line(f, c);
    }
    fputs("\ncommands:\n", f);
    for (const cli_command *c = cli_commands; c->name; c++) fprintf(f, "  %-10s %s\n", c->name, c->summary);
    fputs("\nglobal options (also accepted after COMMAND):\n", f);
    fputs(cli_global_options, f);
    fputs("\n", f);
    fputs(cli_time_rule, f);
}

void cli_command_help(FILE *f, const cli_command *c)
{
    assert(c);
    fputs("usage: ", f);
    cli_synopsis_line(f, c);
    fprintf(f, "\n%s.\n", c->summary);
    if (*c->options) fprintf(f, "\noptions:\n%s", c->options);
    fprintf(f, "\nglobal options:\n%s", cli_global_options);
}

int cli_usage_error(const char *name, const char *fmt, ...)
{
    fflush(stdout);
    const cli_command *c = name ? cli_find_command(name) : NULL;
    if (fmt) {
        fprintf(stderr, "splite%s%s: ", c ? " " : "", c ? c->name : "");
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    if (c) {
        fputs("usage: ", stderr);
        cli_synopsis_line(stderr, c);
        fprintf(stderr, "(splite %s --help lists the options)\n", c->name);
    } else {
        fprintf(stderr, "usage: splite %s\n(splite help lists the commands)\n", cli_global_synopsis);
    }
    return 2;
}

void cli_untangle_output(void)
{
    struct stat o, e;
    if (fstat(STDOUT_FILENO, &o) || fstat(STDERR_FILENO, &e)) return;
    /* not for /dev/null (nothing to tear) or a terminal (line-buffered already) */
    if (S_ISCHR(o.st_mode)) return;
    if (o.st_dev == e.st_dev && o.st_ino == e.st_ino) setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
}
