/* cmd_search.c: `splite search [--earliest T] [--latest T] [--now T]
 * [--format table|jsonl|csv] 'SPL'`: run an SPL query over the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "spl_cli.h"
#include "spl_output.h"
#include "util.h"

int cmd_search(cli_env *env, int argc, char **argv)
{
    spl_cli c;
    int rc = spl_cli_prepare(&c, env, argc, argv);
    if (rc) { spl_cli_done(&c); return rc; }
    int fmt = SPL_FMT_JSONL;
    if (c.format) fmt = !strcmp(c.format, "table") ? SPL_FMT_TABLE : !strcmp(c.format, "csv") ? SPL_FMT_CSV : SPL_FMT_JSONL;
    else if (util_isatty(1)) fmt = SPL_FMT_TABLE;
    spl_writer *w = spl_writer_new(stdout, fmt, c.q);
    char *err = NULL;
    if (spl_run(c.st, c.q, spl_writer_row, w, &err)) {
        spl_writer_finish(w);
        fprintf(stderr, "splite: %s\n", err);
        free(err);
        spl_cli_done(&c);
        return 1;
    }
    long n = spl_writer_finish(w);
    if (fmt == SPL_FMT_TABLE) fprintf(stderr, "%ld result%s\n", n, n == 1 ? "" : "s");
    spl_cli_done(&c);
    return 0;
}
