/* sigma_rule.c: a compiled rule's metadata (title, id, author, level, tags,
 * falsepositives, regression_tests_path) read from its document, freeing,
 * the file entry points, and telling a Sigma file from a Splunk one. */
#include "sigma/sigma_comp.h"
#include "detect_yaml.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *sg_s(const sy_node *doc, const char *k)
{
    const char *v = sy_get_str(doc, k);
    return v ? xstrdup(v) : NULL;
}

static void sg_list(const sy_node *doc, const char *k, char ***v, size_t *n)
{
    const sy_node *l = sy_get(doc, k);
    *v = NULL;
    *n = 0;
    if (!l) return;
    if (l->kind == SY_SCALAR && !l->is_null) {
        *v = xcalloc(1, sizeof **v);
        (*v)[(*n)++] = xstrdup(l->text);
        return;
    }
    if (l->kind != SY_SEQ) return;
    *v = xcalloc(l->n + 1, sizeof **v);
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i]->kind == SY_SCALAR && !l->items[i]->is_null) (*v)[(*n)++] = xstrdup(l->items[i]->text);
}

void sigma_rule_meta(sigma_rule *r, const sy_node *doc)
{
    if (!doc) return;
    r->title = sg_s(doc, "title");
    r->id = sg_s(doc, "id");
    r->author = sg_s(doc, "author");
    r->status = sg_s(doc, "status");
    r->level = sg_s(doc, "level");
    r->description = sg_s(doc, "description");
    r->date = sg_s(doc, "date");
    r->modified = sg_s(doc, "modified");
    r->regression_tests_path = sg_s(doc, "regression_tests_path");
    sg_list(doc, "tags", &r->tags, &r->ntags);
    sg_list(doc, "falsepositives", &r->falsepositives, &r->nfalsepositives);
    const sy_node *ls = sy_get(doc, "logsource");
    r->product = sg_s(ls, "product");
    r->category = sg_s(ls, "category");
    r->service = sg_s(ls, "service");
}

static void sg_freev(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

void sigma_rule_free(sigma_rule *r)
{
    if (!r) return;
    free(r->file);
    free(r->title);
    free(r->id);
    free(r->author);
    free(r->status);
    free(r->level);
    free(r->description);
    free(r->date);
    free(r->modified);
    sg_freev(r->tags, r->ntags);
    sg_freev(r->falsepositives, r->nfalsepositives);
    free(r->product);
    free(r->category);
    free(r->service);
    free(r->regression_tests_path);
    free(r->spl);
    sg_freev(r->fields, r->nfields);
    for (size_t i = 0; i < r->ndiags; i++) {
        free(r->diags[i].code);
        free(r->diags[i].message);
    }
    free(r->diags);
    free(r);
}

int sigma_compile_file(const char *path, const sigma_map *map, sigma_rule **out)
{
    size_t len = 0;
    char *err = NULL;
    char *text = detect_yaml_read_file(path, &len, &err);
    if (!text) {
        sigma_rule *r = xcalloc(1, sizeof *r);
        r->file = xstrdup(path);
        r->diags = xcalloc(1, sizeof *r->diags);
        r->diags[0] = (sigma_diag){SIGMA_ERROR, 0, xstrdup("io"), err ? err : xstrdup("cannot read the file")};
        r->ndiags = 1;
        *out = r;
        return -1;
    }
    int rc = sigma_compile_text(text, len, path, map, out);
    free(text);
    return rc;
}

int sg_file_is_sigma(const sy_file *yf)
{
    int yes = 0;
    for (size_t i = 0; i < yf->ndocs && !yes; i++) {
        const sy_node *d = yf->docs[i];
        const sy_node *det = sy_get(d, "detection");
        if (sg_is_correlation(d) || (det && det->kind == SY_MAP && sy_get(det, "condition"))) yes = 1;
        if (sy_get_str(d, "action") && !strcmp(sy_get_str(d, "action"), "global")) yes = 1;
    }
    /* a Splunk detection has a search: string */
    for (size_t i = 0; i < yf->ndocs && yes; i++)
        if (sy_get_str(yf->docs[i], "search")) yes = 0;
    return yes;
}

int sigma_text_is_sigma(const char *text, size_t len)
{
    sy_file yf;
    char *err = NULL;
    if (sy_parse(text, len, "-", &yf, &err)) {
        free(err);
        return 0;
    }
    int yes = sg_file_is_sigma(&yf);
    sy_file_free(&yf);
    return yes;
}

char *sigma_to_spl(const char *text, size_t len, const char *name, const sigma_map *map, char **err)
{
    sigma_rule *r = NULL;
    *err = NULL;
    char *spl = NULL;
    if (sigma_compile_text(text, len, name, map, &r) == 0) {
        spl = r->spl;
        r->spl = NULL;
    } else {
        for (size_t i = 0; i < r->ndiags; i++)
            if (r->diags[i].severity == SIGMA_ERROR) {
                *err = xasprintf("%s:%d: %s", name, r->diags[i].line, r->diags[i].message);
                break;
            }
        if (!*err) *err = xasprintf("%s: the file holds no rule", name);
    }
    sigma_rule_free(r);
    return spl;
}
