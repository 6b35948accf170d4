/* cmd_sql.c: `splite sql [--plan] 'SPL'`: print the SQL a query translates to
 * (macros expanded, parameters shown inline as literals; the statements run
 * before it first) without running it; with --plan, also SQLite's query plan
 * (which indexes it uses). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "spl_cli.h"

int cmd_sql(cli_env *env, int argc, char **argv)
{
    spl_cli c;
    int plan = 0, k = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--plan")) plan = 1;
        else argv[k++] = argv[i];
    }
    argc = k;
    int rc = spl_cli_prepare(&c, env, argc, argv);
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
        char *err = NULL;
        if (plan) {
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
