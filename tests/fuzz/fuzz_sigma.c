/* fuzz_sigma.c: libFuzzer harness for the Sigma compiler: arbitrary bytes as
 * a rule file must never crash, leak or hang, and whenever a rule compiles,
 * the SPL it gives must compile too (SPL the compiler writes that splite
 * cannot parse is a compiler bug: abort). Corpus: tests/fuzz/corpus/fuzz_sigma. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sigma/sigma.h"
#include "spl.h"
#include "store.h"
#include "util.h"

static store *st;
static spl_macros macros;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!st) {
        char *err = NULL;
        st = store_open(":memory:", &err);
        if (!st) {
            fprintf(stderr, "store_open: %s\n", err);
            abort();
        }
        spl_macros_init(&macros);
        spl_register_sql(store_db(st));
    }
    sigma_rule *r = NULL;
    if (sigma_compile_text((const char *)data, size, "fuzz.yml", NULL, &r) == 0) {
        spl_opts o = {0};
        o.now = 1717243200;
        spl_query *q = NULL;
        spl_error e = {0};
        if (spl_compile(st, &macros, r->spl, &o, &q, &e) != 0) {
            char *m = spl_error_format(&e);
            /* SQLite's or splite's size limits are clean errors */
            if (!strstr(m, "too many") && !strstr(m, "too large") && !strstr(m, "too deep") && !strstr(m, "nested") && !strstr(m, "more than")) {
                fprintf(stderr, "rule compiled to SPL that does not compile:\n%.4000s\nerror: %s\n", r->spl, m);
                abort();
            }
            free(m);
        } else {
            spl_query_free(q);
        }
        spl_error_free(&e);
    }
    sigma_rule_free(r);
    return 0;
}
