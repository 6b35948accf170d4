/* cmd_sql.c: `splite sql 'SPL'`: print the SQL a query translates to (macros
 * expanded, parameters shown inline as literals) without running it. */
#include <stdio.h>
#include <stdlib.h>
#include "spl_cli.h"

int cmd_sql(cli_env *env, int argc, char **argv)
{
    spl_cli c;
    int rc = spl_cli_prepare(&c, env, argc, argv, "[--earliest T] [--latest T] [--now T] 'SPL'");
    if (!rc) {
        char *s = spl_query_sql_text(c.q);
        fputs("-- ", stdout);
        for (const char *p = c.q->expanded; *p; p++) {
            putchar(*p);
            if (*p == '\n') fputs("-- ", stdout);
        }
        printf("\n%s;\n", s);
        free(s);
    }
    spl_cli_done(&c);
    return rc;
}
