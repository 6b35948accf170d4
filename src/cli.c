/* cli.c: options every subcommand accepts and locating the shipped data
 * directories (macros/, datamodels/, ...) wherever splite is run from. */
#include "cli.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cli_common_option(cli_env *env, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    const char *val = NULL;
    int is_db = 0, is_macros = 0, is_lookups = 0;
    if (!strcmp(a, "--db")) is_db = 1;
    else if (!strncmp(a, "--db=", 5)) is_db = 1, val = a + 5;
    else if (!strcmp(a, "--macros")) is_macros = 1;
    else if (!strncmp(a, "--macros=", 9)) is_macros = 1, val = a + 9;
    else if (!strcmp(a, "--lookups")) is_lookups = 1;
    else if (!strncmp(a, "--lookups=", 10)) is_lookups = 1, val = a + 10;
    else return 0;
    if (!val) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "splite: %s needs a value\n", a);
            return -1;
        }
        val = argv[++*i];
    }
    (*i)++;
    if (is_db) env->db_path = val;
    if (is_macros) {
        if (env->n_macro_dirs >= (int)(sizeof env->macro_dirs / sizeof env->macro_dirs[0])) {
            fprintf(stderr, "splite: too many --macros directories\n");
            return -1;
        }
        env->macro_dirs[env->n_macro_dirs++] = val;
    }
    if (is_lookups) {
        if (env->n_lookup_dirs >= (int)(sizeof env->lookup_dirs / sizeof env->lookup_dirs[0])) {
            fprintf(stderr, "splite: too many --lookups directories\n");
            return -1;
        }
        env->lookup_dirs[env->n_lookup_dirs++] = val;
    }
    return 1;
}

char *cli_home_path(const cli_env *env, const char *sub)
{
    const char *home = env && env->home ? env->home : getenv("SPLITE_HOME");
    if (!home || !*home) home = SPLITE_SHARE_DIR;
    return xasprintf("%s/%s", home, sub);
}
