/* multi_cache.c: compiled matchers kept between runs. Compiling the
 * Hyperscan databases of a whole library (thousands of literals, hundreds of
 * regexes in prefilter mode) takes most of a second; the same library is
 * checked, run and scheduled again and again. A database is saved
 * (hs_serialize_database) under $SPLITE_CACHE_DIR, else
 * $XDG_CACHE_HOME/splite/matchers, else ~/.cache/splite/matchers, in a file
 * named by a hash of what it was compiled from; the file also holds that
 * whole description (Hyperscan's version, mode, every pattern with its flags
 * and id), compared byte for byte when loading, so a hash collision can only
 * cost a compile, and a hash of the database bytes, checked before they are
 * handed to Hyperscan. SPLITE_CACHE_DIR set to the empty string: no cache. Any
 * failure (no home, a full disk, a damaged file) just means compiling. The
 * directory keeps the MX_CACHE_FILES most recently used files. */
#include <dirent.h>
#include <errno.h>
#include <hs.h>
#include <utime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "multi_int.h"
#include "util.h"

/* the directory, or NULL when there is none; caller frees */
static char *cache_dir(void)
{
    const char *d = getenv("SPLITE_CACHE_DIR");
    if (d) return *d ? xstrdup(d) : NULL;
    const char *x = getenv("XDG_CACHE_HOME");
    if (x && *x == '/') return xasprintf("%s/splite/matchers", x);
    const char *h = getenv("HOME");
    if (h && *h == '/') return xasprintf("%s/.cache/splite/matchers", h);
    return NULL;
}

#define MX_CACHE_FILES 32

/* keep the newest MX_CACHE_FILES *.hs files of dir */
static void evict(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct ent { char *path; time_t t; } *v = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 4 || strcmp(e->d_name + l - 3, ".hs")) continue;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st)) { free(p); continue; }
        v = xrealloc(v, sizeof *v * (n + 1));
        v[n].path = p;
        v[n++].t = st.st_mtime;
    }
    closedir(d);
    while (n > MX_CACHE_FILES) { /* drop the oldest */
        size_t o = 0;
        for (size_t i = 1; i < n; i++)
            if (v[i].t < v[o].t) o = i;
        unlink(v[o].path);
        free(v[o].path);
        v[o] = v[--n];
    }
    for (size_t i = 0; i < n; i++) free(v[i].path);
    free(v);
}

static int mkdirs(char *p)
{
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        int rc = mkdir(p, 0700);
        *s = '/';
        if (rc && errno != EEXIST) return -1;
    }
    return mkdir(p, 0700) && errno != EEXIST ? -1 : 0;
}

void mx_key_add(sbuf *key, const char *s, size_t n, unsigned flags, unsigned id)
{
    uint32_t h[3] = {(uint32_t)n, flags, id};
    sbuf_addn(key, (const char *)h, sizeof h);
    sbuf_addn(key, s, n);
}

static char *path_of(const char *dir, const sbuf *key)
{
    uint64_t a = util_hash(UTIL_HASH_INIT, key->s, key->len);
    uint64_t b = util_hash(0x9e3779b97f4a7c15ull, key->s, key->len);
    return xasprintf("%s/%016llx%016llx.hs", dir, (unsigned long long)a, (unsigned long long)b);
}

hs_database_t *mx_cache_load(const sbuf *key)
{
    char *dir = cache_dir();
    if (!dir || !key->len) { free(dir); return NULL; }
    char *path = path_of(dir, key);
    free(dir);
    FILE *f = fopen(path, "rb");
    if (f) utime(path, NULL); /* recently used */
    free(path);
    if (!f) return NULL;
    hs_database_t *db = NULL;
    uint64_t klen = 0, dlen = 0, dhash = 0;
    char *k = NULL, *d = NULL;
    if (fread(&klen, sizeof klen, 1, f) == 1 && klen == key->len && (k = malloc(klen ? klen : 1)) &&
        fread(k, 1, klen, f) == klen && !memcmp(k, key->s, klen) && fread(&dlen, sizeof dlen, 1, f) == 1 &&
        fread(&dhash, sizeof dhash, 1, f) == 1 && dlen > 0 && dlen < ((uint64_t)1 << 32) && (d = malloc(dlen)) &&
        fread(d, 1, dlen, f) == dlen && util_hash(UTIL_HASH_INIT, d, dlen) == dhash &&
        hs_deserialize_database(d, (size_t)dlen, &db) != HS_SUCCESS)
        db = NULL;
    free(k);
    free(d);
    fclose(f);
    return db;
}

void mx_cache_save(const sbuf *key, const hs_database_t *db)
{
    char *dir = cache_dir();
    if (!dir || !key->len || !db) { free(dir); return; }
    char *bytes = NULL;
    size_t n = 0;
    if (mkdirs(dir) || hs_serialize_database(db, &bytes, &n) != HS_SUCCESS) {
        free(dir);
        return;
    }
    char *path = path_of(dir, key);
    char *tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    uint64_t klen = key->len, dlen = n, dhash = util_hash(UTIL_HASH_INIT, bytes, n);
    int ok = f && fwrite(&klen, sizeof klen, 1, f) == 1 && fwrite(key->s, 1, key->len, f) == key->len &&
             fwrite(&dlen, sizeof dlen, 1, f) == 1 && fwrite(&dhash, sizeof dhash, 1, f) == 1 &&
             fwrite(bytes, 1, n, f) == n;
    if (f && fclose(f)) ok = 0;
    if (ok) ok = rename(tmp, path) == 0; /* whole or not at all */
    if (!ok) unlink(tmp);
    else evict(dir);
    free(bytes);
    free(tmp);
    free(path);
    free(dir);
}
