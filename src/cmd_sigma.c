/* cmd_sigma.c: `splite sigma convert|lint [--mappings DIR|--no-mappings]
 * RULE.yml|DIR...`: print the SPL each Sigma rule compiles to (which a
 * Splunk user can paste into Splunk, and `splite sql` can translate), or
 * check rules and print every error and warning (exit 1 on errors). */
#include "cli.h"
#include "detect_dir.h"
#include "detect_sigma.h"
#include "sigma/sigma.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void sigma_print_diags(FILE *f, const sigma_rule *r, int errors_only, int *ne, int *nw)
{
    for (size_t i = 0; i < r->ndiags; i++) {
        const sigma_diag *d = &r->diags[i];
        if (d->severity == SIGMA_ERROR) (*ne)++;
        else (*nw)++;
        if (errors_only && d->severity != SIGMA_ERROR) continue;
        if (d->line) fprintf(f, "%s:%d: %s: %s [%s]\n", r->file, d->line, d->severity == SIGMA_ERROR ? "error" : "warning", d->message, d->code);
        else fprintf(f, "%s: %s: %s [%s]\n", r->file, d->severity == SIGMA_ERROR ? "error" : "warning", d->message, d->code);
    }
}

/* Every rule file named: files as given, directories: their YAML files. */
/* from_dir[i]: paths[i] was found in a directory (YAML there that is not
 * Sigma, such as a Splunk detection or a mapping file, is skipped). */
static int sigma_collect(int argc, char **argv, char ***paths, char **from_dir, size_t *n)
{
    for (int i = 0; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st)) {
            fprintf(stderr, "splite sigma: %s: no such file or directory\n", argv[i]);
            return -1;
        }
        if (S_ISDIR(st.st_mode)) {
            char **v = NULL, *err = NULL;
            size_t m = 0;
            if (detect_dir_list(argv[i], &v, &m, &err)) {
                fprintf(stderr, "splite sigma: %s\n", err);
                free(err);
                return -1;
            }
            *paths = xrealloc(*paths, (*n + m + 1) * sizeof **paths);
            *from_dir = xrealloc(*from_dir, *n + m + 1);
            for (size_t k = 0; k < m; k++) {
                (*from_dir)[*n] = 1;
                (*paths)[(*n)++] = v[k];
            }
            free(v);
        } else {
            *paths = xrealloc(*paths, (*n + 1) * sizeof **paths);
            *from_dir = xrealloc(*from_dir, *n + 1);
            (*from_dir)[*n] = 0;
            (*paths)[(*n)++] = xstrdup(argv[i]);
        }
    }
    return 0;
}

static int sigma_cli_load_map(const char *dir, int none, sigma_map **map)
{
    *map = NULL;
    if (none) return 0;
    char *d = dir ? xstrdup(dir) : detect_sigma_map_dir();
    if (!d) return 0; /* nothing shipped: no mappings */
    char *err = NULL;
    int rc = sigma_map_load_dir(d, map, &err);
    if (rc) {
        fprintf(stderr, "splite: %s\n", err);
        free(err);
    }
    free(d);
    return rc;
}

int cmd_sigma(cli_env *env, int argc, char **argv)
{
    (void)env; /* the mappings are found as detections find them (detect_sigma_map_dir) */
    argc--, argv++; /* the command's own name */
    const char *mapdir = NULL, *verb = NULL;
    int nomap = 0, k = 0;
    char **files = xcalloc((size_t)argc + 1, sizeof *files);
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--mappings")) {
            if (i + 1 >= argc) {
                free(files);
                return cli_usage_error("sigma", "--mappings needs a directory");
            }
            mapdir = argv[++i];
        } else if (!strcmp(argv[i], "--no-mappings")) {
            nomap = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            free(files);
            return cli_usage_error("sigma", "unknown option '%s'", argv[i]);
        } else if (!verb) {
            verb = argv[i];
        } else {
            files[k++] = argv[i];
        }
    }
    int convert = verb && !strcmp(verb, "convert"), lint = verb && !strcmp(verb, "lint");
    if (!convert && !lint) {
        free(files);
        return verb ? cli_usage_error("sigma", "unknown action '%s' (convert or lint)", verb) : cli_usage_error("sigma", "expected convert or lint");
    }
    if (!k) {
        free(files);
        return cli_usage_error("sigma", "expected a rule file or directory");
    }
    sigma_map *map = NULL;
    if (sigma_cli_load_map(mapdir, nomap, &map)) {
        free(files);
        return 1;
    }
    char **paths = NULL, *from_dir = NULL;
    size_t n = 0, nskipped = 0;
    int rc = 0;
    if (sigma_collect(k, files, &paths, &from_dir, &n)) rc = 1;
    int ne = 0, nw = 0, nbad = 0;
    /* compile every file first: how many are rule files decides the output */
    sigma_rule **rules = xcalloc(n + 1, sizeof *rules);
    for (size_t i = 0; i < n && !rc; i++) {
        sigma_compile_file(paths[i], map, &rules[i]);
        if (from_dir[i] && rules[i]->is_sigma == 0) { /* other YAML in a directory */
            nskipped++;
            sigma_rule_free(rules[i]);
            rules[i] = NULL;
        }
    }
    int many = n - nskipped > 1;
    for (size_t i = 0; i < n && !rc; i++) {
        sigma_rule *r = rules[i];
        if (!r) continue;
        int bad = r->spl == NULL;
        nbad += bad;
        if (convert) {
            sigma_print_diags(stderr, r, 0, &ne, &nw);
            if (!bad) {
                if (many) printf("# %s: %s\n", r->file, r->title ? r->title : "(no title)");
                printf("%s\n", r->spl);
                if (many) putchar('\n');
            }
        } else {
            sigma_print_diags(stdout, r, 0, &ne, &nw);
        }
        sigma_rule_free(r);
    }
    free(rules);
    size_t nrules = n - nskipped; /* the counts are of rule files */
    if (lint && !rc) printf("%zu file%s: %d error%s, %d warning%s\n", nrules, nrules == 1 ? "" : "s", ne, ne == 1 ? "" : "s", nw, nw == 1 ? "" : "s");
    if (convert && nrules > 1 && !rc) fprintf(stderr, "%zu files: %zu converted, %d rejected\n", nrules, nrules - (size_t)nbad, nbad);
    for (size_t i = 0; i < n; i++) free(paths[i]);
    free(paths);
    free(from_dir);
    free(files);
    sigma_map_free(map);
    if (rc) return rc;
    return nbad || ne ? 1 : 0;
}
