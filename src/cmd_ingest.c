/* cmd_ingest.c: `splite ingest`: load log files (or stdin, or the .evtx
 * files below a directory) into the store. */
#include "cli.h"
#include "ingest.h"
#include "ingest_dir.h"
#include "ingest_int.h"
#include "store.h"
#include "tz.h"
#include "util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Options shared by ingest and replay; returns 1 if argv[*i] was one, -1
 * after a message when its value is missing or bad. --tz ZONE makes ZONE
 * the local zone of the process at once (tz_use), so zone-less event
 * timestamps of every file are read in it. */
int cmd_ingest_option(ingest_opts *o, int argc, char **argv, int *i)
{
    static const char *const names[] = {"--index", "--sourcetype", "--source", "--host", "--format", NULL};
    const char **slots[] = {&o->index, &o->sourcetype, &o->source, &o->host, &o->format};
    const char *a = argv[*i];
    for (int k = 0; names[k]; k++) {
        size_t n = strlen(names[k]);
        if (strncmp(a, names[k], n)) continue;
        if (a[n] == '=') {
            *slots[k] = a + n + 1;
        } else if (a[n] == 0) {
            if (*i + 1 >= argc) {
                fprintf(stderr, "splite: %s needs a value\n", a);
                return -1;
            }
            *slots[k] = argv[++*i];
        } else {
            continue;
        }
        (*i)++;
        return 1;
    }
    if (!strcmp(a, "--tz") || !strncmp(a, "--tz=", 5)) {
        const char *zone = a[4] == '=' ? a + 5 : *i + 1 < argc ? argv[++*i] : NULL;
        char *err = NULL;
        int bad = !zone || tz_use(zone, &err);
        if (bad) fprintf(stderr, "splite: --tz: %s\n", err ? err : "needs a value");
        free(err);
        if (bad) return -1;
        (*i)++;
        return 1;
    }
    if (!strcmp(a, "--force")) o->force = 1;
    else if (!strcmp(a, "--replace")) o->replace = 1;
    else if (!strcmp(a, "--no-wait")) o->no_wait = 1;
    else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) o->quiet = 1;
    else return 0;
    (*i)++;
    return 1;
}

/* argv's FILE arguments, each directory replaced by the .evtx files below
 * it (ingest_dir.c); *failed counts directories that could not be read or
 * hold none. Returns the list (owned strings). */
static char **ingest_args(const char *const *args, int nargs, int *nfiles, int *failed)
{
    char **files = xcalloc((size_t)nargs + 1, sizeof *files);
    int n = 0;
    for (int i = 0; i < nargs; i++) {
        struct stat sb;
        if (strcmp(args[i], "-") != 0 && stat(args[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            int added = ingest_dir_expand(args[i], &files, &n);
            if (added < 0) (*failed)++;
            else if (added == 0) {
                fprintf(stderr, "%s: no .evtx file below this directory\n", args[i]);
                (*failed)++;
            }
            continue;
        }
        files = xrealloc(files, sizeof *files * (size_t)(n + 1));
        files[n++] = xstrdup(args[i]);
    }
    *nfiles = n;
    return files;
}

static void free_files(char **files, int n)
{
    for (int i = 0; i < n; i++) free(files[i]);
    free(files);
}

int cmd_ingest(cli_env *env, int argc, char **argv)
{
    ingest_opts o = {0};
    const char **args = calloc((size_t)argc, sizeof *args);
    int nargs = 0;
    for (int i = 1; i < argc;) {
        if (argv[i][0] == '-' && argv[i][1]) {
            int r = cli_common_option(env, argc, argv, &i);
            if (r == 0) r = cmd_ingest_option(&o, argc, argv, &i);
            /* -r: directories are walked anyway; accepted as other tools take it */
            if (r == 0 && ingest_dir_option(argv[i])) r = 1, i++;
            if (r < 0) return free(args), 2;
            if (r == 0) {
                free(args);
                return cli_usage_error("ingest", "unknown option '%s'", argv[i]);
            }
            continue;
        }
        args[nargs++] = argv[i++];
    }
    if (!nargs) {
        free(args);
        return cli_usage_error("ingest", "no FILE given (- is standard input)");
    }
    if (o.force && o.replace) {
        free(args);
        return cli_usage_error("ingest", "--force and --replace exclude each other");
    }
    int failed = 0, nfiles = 0;
    char **files = ingest_args(args, nargs, &nfiles, &failed);
    free(args);
    /* A write past RLIMIT_FSIZE fails (EFBIG, reported) instead of killing us. */
    signal(SIGXFSZ, SIG_IGN);
    store *st = nfiles ? store_open_or_say(env->db_path, STORE_CREATE) : NULL;
    if (!st) {
        free_files(files, nfiles);
        return 1;
    }
    int lock = ingest_lock(env->db_path, o.no_wait, "ingest");
    if (lock < 0) {
        free_files(files, nfiles);
        store_close(st);
        return 1;
    }
    ingest_stats total = {0};
    for (int k = 0; k < nfiles; k++)
        if (ingest_file(st, files[k], &o, &total)) failed++;
    if (nfiles > 1 && !o.quiet)
        fprintf(stderr, "total: %ld events loaded from %ld files (%ld skipped), %ld lines rejected, %.2f s%s\n",
                total.events, total.files, total.skipped_files, total.rejected, total.seconds,
                failed ? "; some files failed" : "");
    store_close(st);
    ingest_unlock(lock);
    free_files(files, nfiles);
    return failed ? 1 : 0;
}
