/* sigma_compile.c: Sigma rule file -> SPL (placeholder until the compiler lands). */
#include "sigma/sigma.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

int sigma_map_load_dir(const char *dir, sigma_map **out, char **err)
{
    (void)dir;
    *out = NULL;
    *err = xstrdup("sigma: not implemented yet");
    return -1;
}
void sigma_map_free(sigma_map *m) { (void)m; }
int sigma_compile_text(const char *text, size_t len, const char *name, const sigma_map *map, sigma_rule **out)
{
    (void)text; (void)len; (void)map;
    sigma_rule *r = xcalloc(1, sizeof *r);
    r->file = xstrdup(name);
    *out = r;
    return -1;
}
int sigma_compile_file(const char *path, const sigma_map *map, sigma_rule **out) { return sigma_compile_text("", 0, path, map, out); }
void sigma_rule_free(sigma_rule *r)
{
    if (!r) return;
    free(r->file);
    free(r);
}
int sigma_text_is_sigma(const char *text, size_t len) { (void)text; (void)len; return 0; }
char *sigma_to_spl(const char *text, size_t len, const char *name, const sigma_map *map, char **err)
{
    (void)text; (void)len; (void)map;
    *err = xasprintf("%s: sigma: not implemented yet", name);
    return NULL;
}
