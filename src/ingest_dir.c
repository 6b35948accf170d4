/* ingest_dir.c: the .evtx files below a directory given to `ingest`, in a
 * stable order (a triage collection loads the same way every time). */
#define _XOPEN_SOURCE 700
#include "ingest_dir.h"

#include <assert.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* nftw has no user pointer: the walk in progress */
static struct {
    char **v;
    int n, cap;
    int failed;
} walk;

static int is_evtx(const char *path)
{
    size_t n = strlen(path);
    return n > 5 && strcasecmp(path + n - 5, ".evtx") == 0;
}

static int visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (type == FTW_DNR) {
        fprintf(stderr, "%s: cannot read the directory\n", path);
        walk.failed = 1;
    } else if (type == FTW_F && is_evtx(path)) {
        if (walk.n == walk.cap) {
            walk.cap = walk.cap ? walk.cap * 2 : 16;
            walk.v = xrealloc(walk.v, sizeof *walk.v * (size_t)walk.cap);
        }
        walk.v[walk.n++] = xstrdup(path);
    }
    return 0;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int ingest_dir_expand(const char *dir, char ***files, int *n)
{
    assert(dir && files && n);
    memset(&walk, 0, sizeof walk);
    int rc = nftw(dir, visit, 32, FTW_PHYS);
    if (rc != 0) fprintf(stderr, "%s: cannot walk the directory: %s\n", dir, strerror(errno));
    if (walk.n > 1) qsort(walk.v, (size_t)walk.n, sizeof *walk.v, by_path);
    *files = xrealloc(*files, sizeof **files * (size_t)(*n + walk.n + 1));
    for (int i = 0; i < walk.n; i++) (*files)[(*n)++] = walk.v[i];
    int added = walk.n;
    free(walk.v);
    int failed = rc != 0 || walk.failed;
    memset(&walk, 0, sizeof walk);
    return failed ? -1 : added;
}

int ingest_dir_option(const char *a)
{
    return !strcmp(a, "-r") || !strcmp(a, "--recursive");
}
