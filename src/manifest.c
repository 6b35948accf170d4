/* manifest.c: reading attack_data manifests and resolving dataset paths. */
#include "manifest.h"
#include "util.h"
#include "yamlutil.h"

#include <stdlib.h>
#include <string.h>

static char *mf_dup(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

int manifest_load(const char *path, manifest *m, char **err)
{
    memset(m, 0, sizeof *m);
    yaml_document_t doc;
    if (yamlu_load(path, &doc, err)) return -1;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    int rc = -1;
    if (root->type != YAML_MAPPING_NODE) {
        *err = xasprintf("%s:%ld: a manifest is a mapping with a 'datasets' list", path, yamlu_line(root));
        goto out;
    }
    m->file = xstrdup(path);
    m->id = mf_dup(yamlu_get_str(&doc, root, "id"));
    yaml_node_t *list = yamlu_get(&doc, root, "datasets");
    if (!list || list->type != YAML_SEQUENCE_NODE) {
        *err = xasprintf("%s:%ld: no 'datasets' list", path, yamlu_line(list ? list : root));
        goto out;
    }
    size_t cap = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    m->datasets = xcalloc(cap ? cap : 1, sizeof *m->datasets);
    for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
        yaml_node_t *d = yaml_document_get_node(&doc, *it);
        const char *p = yamlu_get_str(&doc, d, "path");
        if (!p) p = yamlu_get_str(&doc, d, "data");
        if (!p) {
            *err = xasprintf("%s:%ld: dataset entry without 'path'", path, yamlu_line(d));
            goto out;
        }
        manifest_dataset *ds = &m->datasets[m->n++];
        ds->path = xstrdup(p);
        ds->name = mf_dup(yamlu_get_str(&doc, d, "name"));
        ds->sourcetype = mf_dup(yamlu_get_str(&doc, d, "sourcetype"));
        ds->source = mf_dup(yamlu_get_str(&doc, d, "source"));
        ds->host = mf_dup(yamlu_get_str(&doc, d, "host"));
        ds->line = yamlu_line(d);
    }
    rc = 0;
out:
    yaml_document_delete(&doc);
    if (rc) manifest_free(m);
    return rc;
}

void manifest_free(manifest *m)
{
    for (int i = 0; i < m->n; i++) {
        free(m->datasets[i].name);
        free(m->datasets[i].path);
        free(m->datasets[i].sourcetype);
        free(m->datasets[i].source);
        free(m->datasets[i].host);
    }
    free(m->datasets);
    free(m->file);
    free(m->id);
    memset(m, 0, sizeof *m);
}

char *manifest_default_root(const char *manifest_file)
{
    char *dir = xstrdup(manifest_file);
    for (;;) {
        char *slash = strrchr(dir, '/');
        if (!slash) break;
        *slash = 0;
        const char *base = strrchr(dir, '/');
        base = base ? base + 1 : dir;
        if (!strcmp(base, "datasets")) return dir;
    }
    free(dir);
    return NULL;
}

char *manifest_resolve(const char *manifest_file, const char *path, const char *datasets_root)
{
    const char *rest = NULL;
    if (!strncmp(path, "http://", 7) || !strncmp(path, "https://", 8)) {
        const char *d = strstr(path, "/datasets/");
        if (d) rest = d + strlen("/datasets/");
        else return xstrdup(path);
    } else if (!strncmp(path, "/datasets/", 10)) {
        rest = path + 10;
    }
    if (rest) return xasprintf("%s/%s", datasets_root ? datasets_root : "datasets", rest);
    if (path[0] == '/') return xstrdup(path);
    const char *slash = strrchr(manifest_file, '/');
    if (!slash) return xstrdup(path);
    return xasprintf("%.*s/%s", (int)(slash - manifest_file), manifest_file, path);
}
