/* manifest.h: attack_data dataset manifests (a YAML file with a `datasets:`
 * list of name, path, sourcetype, source) and mapping their paths and
 * attack_data URLs to files under a local datasets root. */
#ifndef SPLITE_MANIFEST_H
#define SPLITE_MANIFEST_H

typedef struct manifest_dataset {
    char *name, *path, *sourcetype, *source;
    char *host;      /* optional (not in attack_data's format): default host */
    long line;       /* line of the entry in the manifest */
} manifest_dataset;

typedef struct manifest {
    char *file;
    char *id;        /* used as the default host, as attack_data's replay does */
    manifest_dataset *datasets;
    int n;
} manifest;

/* Load; on error returns -1 with *err set ("file:line: ..."). */
int manifest_load(const char *path, manifest *m, char **err);
void manifest_free(manifest *m);
/* Resolve a dataset path: "/datasets/..." and attack_data URLs
 * (".../attack_data/<branch>/datasets/...") under datasets_root, other
 * relative paths against the manifest's directory. Caller frees. */
char *manifest_resolve(const char *manifest_file, const char *path, const char *datasets_root);
/* Default datasets root for a manifest: the nearest ancestor directory named
 * "datasets", else NULL. Caller frees. */
char *manifest_default_root(const char *manifest_file);
#endif
