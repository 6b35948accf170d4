/* detect_dir.c: recursive, sorted listing of the YAML files in a directory
 * tree (detections/, deployments/). */
#include "detect_dir.h"
#include "util.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct dd_list {
    char **v;
    size_t n, cap;
} dd_list;

static int dd_is_yaml(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && strcmp(name + n - 4, ".yml") == 0) || (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}

static int dd_walk(const char *dir, dd_list *l, int depth, char **err)
{
    if (depth > 32) return 0; /* symlink loops */
    DIR *d = opendir(dir);
    if (!d) {
        if (err) *err = xasprintf("%s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char *path = xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                rc = dd_walk(path, l, depth + 1, err);
            } else if (S_ISREG(st.st_mode) && dd_is_yaml(e->d_name)) {
                if (l->n == l->cap) {
                    l->cap = l->cap ? 2 * l->cap : 64;
                    l->v = xrealloc(l->v, l->cap * sizeof *l->v);
                }
                l->v[l->n++] = path;
                path = NULL;
            }
        }
        free(path);
    }
    closedir(d);
    return rc;
}

static int dd_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int detect_dir_list(const char *dir, char ***paths, size_t *n, char **err)
{
    assert(dir && paths && n);
    dd_list l = {0};
    size_t len = strlen(dir);
    char *root = xstrdup(dir);
    while (len > 1 && root[len - 1] == '/') root[--len] = 0;
    int rc = dd_walk(root, &l, 0, err);
    free(root);
    if (rc < 0) {
        detect_dir_free(l.v, l.n);
        return -1;
    }
    if (l.n) qsort(l.v, l.n, sizeof *l.v, dd_cmp);
    *paths = l.v;
    *n = l.n;
    return 0;
}

void detect_dir_free(char **paths, size_t n)
{
    for (size_t i = 0; i < n; i++) free(paths[i]);
    free(paths);
}
