/* cmd_sql.c: `splite sql [--plan] [--shared-scan] 'SPL'`: print the SQL a
 * query translates to (macros expanded, parameters shown inline as literals;
 * the statements run before it first) without running it; with --plan, also
 * SQLite's query plan (which indexes it uses); with --shared-scan, the SQL
 * compiled for the shared scan and its prefilter formula (docs/SHARED_SCAN.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "spl_cli.h"
#include "spl_pf.h"
#include "multi/multi.h"

int cmd_sql(cli_env *env, int argc, char **argv)
{
    spl_cli c;
    int plan = 0, shared = 0, k = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--plan")) plan = 1;
        else if (!strcmp(argv[i], "--shared-scan")) shared = 1;
        else argv[k++] = argv[i];
    }
    argc = k;
    int rc = spl_cli_prepare_with(&c, env, argc, argv, shared);
    if (!rc) {
        char *s = spl_query_sql_text(c.q);
        fputs("-- ", stdout);
        for (const char *p = c.q->expanded; *p; p++) {
            putchar(*p);
            if (*p == '\n') fputs("-- ", stdout);
        }
        putchar('\n');
        /* statements run before the query (join's temporary tables,
         * outputlookup's writes), in order, then the query */
        for (int i = 0; i < c.q->npre; i++) {
            spl_query pre = *c.q;
            pre.sql = c.q->pre[i];
            char *ps = spl_query_sql_text(&pre);
            printf("-- runs first:\n%s;\n", ps);
            free(ps);
        }
        printf("%s;\n", s);
        free(s);
        if (c.opts.prefilter) {
            if (c.q->pf) {
                char *f = spl_pf_text(c.q->pf);
                printf("-- shared scan: %s rows where %s (slot parameter ?%d)\n", c.q->pf_table, f, c.q->pf_param);
                free(f);
            } else {
                puts("-- shared scan: no formula (the query reads the events on its own)");
            }
        }
        char *err = NULL;
        if (plan) {
            if (c.q->pf) mx_attach(store_db(c.st)); /* splite_cand, for the plan (it lists nothing) */
            fputs("-- query plan:\n", stdout);
            if (spl_explain(c.st, c.q, stdout, &err)) {
                fprintf(stderr, "splite: %s\n", err);
                free(err);
                rc = 1;
            }
        }
    }
    spl_cli_done(&c);
    return rc;
}
