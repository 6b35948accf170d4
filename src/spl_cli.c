/* spl_cli.c: option parsing, macro loading and query compilation shared by
 * the search and sql subcommands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include "datamodel.h"
#include "spl_cli.h"
#include "spl_int.h"
#include "timemod.h"
#include "util.h"

int spl_cli_load_datamodels(cli_env *env, dm_registry **out)
{
    *out = NULL;
    char *dir = cli_home_path(env, "datamodels");
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        free(dir);
        return 0;
    }
    char *err = NULL;
    *out = dm_load_dir(dir, &err);
    free(dir);
    if (*out && spl_et_check(*out, &err)) { /* event type searches parse */
        dm_free(*out);
        *out = NULL;
    }
    if (!*out) {
        fprintf(stderr, "splite: %s\n", err ? err : "cannot load the data models");
        free(err);
        return -1;
    }
    return 0;
}

int spl_cli_load_macros(cli_env *env, spl_macros *m)
{
    char *err = NULL;
    char *dir = cli_home_path(env, "macros");
    int rc = spl_macros_load_dir(m, dir, 1, &err);
    free(dir);
    for (int i = 0; !rc && i < env->n_macro_dirs; i++)
        rc = spl_macros_load_dir(m, env->macro_dirs[i], 0, &err);
    if (rc) {
        fprintf(stderr, "splite: %s\n", err);
        free(err);
        return -1;
    }
    return 0;
}

int spl_cli_load_lookups(cli_env *env, spl_lookups *l)
{
    char *err = NULL;
    char *dir = cli_home_path(env, "lookups");
    int rc = spl_lookups_load_dir(l, dir, 1, &err);
    free(dir);
    for (int i = 0; !rc && i < env->n_lookup_dirs; i++) rc = spl_lookups_load_dir(l, env->lookup_dirs[i], 0, &err);
    if (rc) {
        fprintf(stderr, "splite: %s\n", err);
        free(err);
        return -1;
    }
    return 0;
}

static int opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (!strncmp(a, name, n) && a[n] == '=') { *val = a + n + 1; (*i)++; return 1; }
    if (strcmp(a, name)) return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "splite: %s needs a value\n", name);
        return -1;
    }
    *val = argv[*i + 1];
    *i += 2;
    return 1;
}

int spl_cli_prepare(spl_cli *c, cli_env *env, int argc, char **argv)
{
    return spl_cli_prepare_with(c, env, argc, argv, 0);
}

int spl_cli_prepare_with(spl_cli *c, cli_env *env, int argc, char **argv, int prefilter)
{
    memset(c, 0, sizeof *c);
    c->opts.prefilter = prefilter;
    spl_macros_init(&c->k.macros);
    spl_lookups_init(&c->k.lookups);
    const char *now = NULL;
    for (int i = 1; i < argc;) {
        int r = cli_common_option(env, argc, argv, &i);
        if (r < 0) return 2;
        if (r) continue;
        const char *v = NULL;
        if ((r = opt_value(argc, argv, &i, "--earliest", &v))) { if (r < 0) return 2; c->opts.earliest = v; continue; }
        if ((r = opt_value(argc, argv, &i, "--latest", &v))) { if (r < 0) return 2; c->opts.latest = v; continue; }
        if ((r = opt_value(argc, argv, &i, "--now", &v))) { if (r < 0) return 2; now = v; continue; }
        if (strcmp(argv[0], "sql") && (r = opt_value(argc, argv, &i, "--format", &v))) { if (r < 0) return 2; c->format = v; continue; }
        if (!strcmp(argv[i], "--no-summaries")) { c->opts.no_summaries = 1; i++; continue; }
        if (argv[i][0] == '-' && argv[i][1] && !c->query) return cli_usage_error(argv[0], "unknown option '%s'", argv[i]);
        if (c->query) {
            fprintf(stderr, "splite: one query expected (quote it); extra argument '%s'\n", argv[i]);
            return 2;
        }
        c->query = argv[i++];
    }
    if (!c->query) return cli_usage_error(argv[0], "no 'SPL' query given");
    if (c->format && strcmp(c->format, "table") && strcmp(c->format, "jsonl") && strcmp(c->format, "csv")) {
        fprintf(stderr, "splite: --format must be table, jsonl or csv, not '%s'\n", c->format);
        return 2;
    }
    c->opts.now = util_now();
    if (now) { /* a time modifier, as --now of run and schedule */
        char *err = NULL;
        if (timemod_parse(now, c->opts.now, &c->opts.now, &err)) {
            fprintf(stderr, "splite %s: --now: %s\n", argv[0], err);
            free(err);
            return 2;
        }
    }
    if (spl_cli_load_knowledge(env, &c->k)) return 1;
    c->opts.datamodels = c->k.datamodels;
    c->opts.lookups = &c->k.lookups;
    c->st = store_open_or_say(env->db_path, STORE_READ);
    if (!c->st) return 1;
    store_tune_for_search(c->st);
    spl_error e = {0};
    if (spl_compile(c->st, &c->k.macros, c->query, &c->opts, &c->q, &e)) {
        char *m = spl_error_format(&e);
        fprintf(stderr, "splite: %s\n", m);
        free(m);
        spl_error_free(&e);
        return 1;
    }
    free(e.text);
    return 0;
}

void spl_cli_done(spl_cli *c)
{
    spl_query_free(c->q);
    if (c->st) store_close(c->st);
    spl_knowledge_free(&c->k);
}

int spl_cli_load_knowledge(cli_env *env, spl_knowledge *k)
{
    spl_macros_init(&k->macros);
    spl_lookups_init(&k->lookups);
    k->datamodels = NULL;
    if (spl_cli_load_macros(env, &k->macros) || spl_cli_load_datamodels(env, &k->datamodels) ||
        spl_cli_load_lookups(env, &k->lookups))
        return 1;
    return 0;
}

void spl_knowledge_free(spl_knowledge *k)
{
    spl_macros_free(&k->macros);
    dm_free(k->datamodels);
    k->datamodels = NULL;
    spl_lookups_free(&k->lookups);
}
