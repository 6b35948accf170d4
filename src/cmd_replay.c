/* cmd_replay.c: `splite replay`: load the datasets an attack_data manifest
 * lists, optionally moving their timestamps to now. */
#include "cli.h"
#include "ingest.h"
#include "ingest_int.h"
#include "manifest.h"
#include "store.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_ingest_option(ingest_opts *o, int argc, char **argv, int *i);

/* Replay one manifest; returns the number of datasets that failed. */
int replay_manifest(store *st, const char *path, const ingest_opts *base, const char *datasets_root,
                    ingest_stats *total)
{
    manifest m;
    char *err = NULL;
    if (manifest_load(path, &m, &err)) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 1;
    }
    char *root = datasets_root ? NULL : manifest_default_root(path);
    int failed = 0;
    for (int i = 0; i < m.n; i++) {
        manifest_dataset *d = &m.datasets[i];
        char *file = manifest_resolve(path, d->path, datasets_root ? datasets_root : root);
        ingest_opts o = *base;
        if (!o.sourcetype) o.sourcetype = d->sourcetype;
        if (!o.source) o.source = d->source;
        o.fallback_host = d->host ? d->host : m.id;
        FILE *probe = fopen(file, "rb");
        if (!probe) {
            fprintf(stderr, "%s:%ld: dataset '%s': file %s not found\n", path, d->line, d->name ? d->name : d->path,
                    file);
            failed++;
        } else {
            fclose(probe);
            if (ingest_file(st, file, &o, total)) failed++;
        }
        free(file);
    }
    free(root);
    manifest_free(&m);
    return failed;
}

int cmd_replay(cli_env *env, int argc, char **argv)
{
    ingest_opts o = {0};
    const char *root = NULL;
    int nman = 0, failed = 0;
    char **mans = calloc((size_t)argc, sizeof *mans);
    for (int i = 1; i < argc;) {
        if (argv[i][0] == '-' && argv[i][1]) {
            int r = cli_common_option(env, argc, argv, &i);
            if (r == 0) r = cmd_ingest_option(&o, argc, argv, &i);
            if (r == 0 && !strcmp(argv[i], "--update-timestamp")) o.update_timestamp = 1, i++, r = 1;
            if (r == 0 && !strcmp(argv[i], "--datasets") && i + 1 < argc) root = argv[i + 1], i += 2, r = 1;
            if (r == 0 && !strncmp(argv[i], "--datasets=", 11)) root = argv[i] + 11, i++, r = 1;
            if (r <= 0) {
                free(mans);
                return r == 0 ? cli_usage_error("replay", "unknown option '%s'", argv[i]) : 2;
            }
            continue;
        }
        mans[nman++] = argv[i++];
    }
    if (!nman) {
        free(mans);
        return cli_usage_error("replay", "no MANIFEST.yml given");
    }
    signal(SIGXFSZ, SIG_IGN); /* see cmd_ingest */
    char *err = NULL;
    store *st = store_open(env->db_path, &err);
    if (!st) {
        fprintf(stderr, "splite: %s\n", err);
        free(err);
        free(mans);
        return 1;
    }
    int lock = ingest_lock(env->db_path, o.no_wait, "replay");
    if (lock < 0) {
        free(mans);
        store_close(st);
        return 1;
    }
    ingest_stats total = {0};
    for (int k = 0; k < nman; k++) failed += replay_manifest(st, mans[k], &o, root, &total);
    fprintf(stderr, "replay: %ld events loaded from %ld files (%ld already loaded), %ld lines rejected, %.2f s%s\n",
            total.events, total.files, total.skipped_files, total.rejected, total.seconds,
            failed ? "; some datasets failed" : "");
    store_close(st);
    ingest_unlock(lock);
    free(mans);
    return failed ? 1 : 0;
}
