/* fuzz_spl_pf_columns.c: libFuzzer harness for spl_pf_columns (spl_pf.h),
 * the recognizer of the SQL shapes the translator writes for a field: on
 * any text it must not crash, hang or leak, and when it accepts the text
 * (n >= 0) every column it returns must be named in it as e."NAME" (with
 * "" for a quote inside the name). The first byte picks the alias: t, v
 * (ev) or any other (e). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spl_pf.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *alias = data[0] == 't' ? "t" : data[0] == 'v' ? "ev" : "e";
    char *x = xstrndup((const char *)data + 1, size - 1); /* up to a NUL */
    char **cols = NULL;
    int n = spl_pf_columns(x, alias, &cols);
    if (n < 0 && cols) abort(); /* refused: nothing returned */
    if (n == 0 && cols) abort();
    for (int i = 0; i < n; i++) {
        sbuf want = {0};
        sbuf_printf(&want, "%s.\"", alias);
        for (const char *p = cols[i]; *p; p++) {
            sbuf_addc(&want, *p);
            if (*p == '"') sbuf_addc(&want, '"');
        }
        sbuf_addc(&want, '"');
        if (!strstr(x, want.s)) {
            fprintf(stderr, "spl_pf_columns: column '%s' is not named in the input\n", cols[i]);
            abort();
        }
        sbuf_free(&want);
        free(cols[i]);
    }
    free(cols);
    free(x);
    return 0;
}
