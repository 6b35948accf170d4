/* spl_macro.h: search macros (security_content's macros/NAME.yml format:
 * name, definition, optional arguments) loaded from directories, and their
 * expansion in a query before parsing: `name` and `name(a, b)`, with $arg$
 * substitution, nesting, and "name(N)" lookup for N-argument macros. */
#ifndef SPLITE_SPL_MACRO_H
#define SPLITE_SPL_MACRO_H
#include <stddef.h>

typedef struct spl_macro {
    char *name;        /* lookup key: "name" or "name(N)" */
    char **args;       /* argument names, nargs of them */
    int nargs;
    char *definition;
    char *file;        /* where it was defined */
} spl_macro;

typedef struct spl_macros {
    spl_macro *v;
    int n, cap;
} spl_macros;

void spl_macros_init(spl_macros *m);
void spl_macros_free(spl_macros *m);
/* Load every *.yml in dir (a later definition of a name replaces an earlier
 * one). A missing directory is not an error when optional. Returns 0, or -1
 * with *err set (caller frees) naming the file. */
int spl_macros_load_dir(spl_macros *m, const char *dir, int optional, char **err);
/* Load one YAML file. */
int spl_macros_load_file(spl_macros *m, const char *path, char **err);
/* Add a macro directly (tests). */
void spl_macros_add(spl_macros *m, const char *name, const char *definition,
                    const char *const *args, int nargs);
const spl_macro *spl_macros_find(const spl_macros *m, const char *key);

/* Expand all macros in text. Returns a new string, or NULL with *err (caller
 * frees) and *err_off (byte offset of the offending backtick in text). */
char *spl_macros_expand(const spl_macros *m, const char *text, char **err, size_t *err_off);
#endif
