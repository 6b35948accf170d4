/* fuzz_eventtypes.c: libFuzzer harness for the event type loader
 * (src/datamodel_eventtype.c): the input is read once as a whole YAML file
 * and once as the search text of an event type that a second one names;
 * either must load or fail with a message, never crash, hang or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "datamodel.h"
#include "util.h"

static void load(const char *text, size_t len)
{
    dm_registry *reg = dm_new();
    char *err = NULL;
    if (dm_add_text(reg, "fuzz.yml", text, len, &err) || dm_resolve(reg, &err)) free(err);
    dm_free(reg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load((const char *)data, size);
    /* the input as a search: single-quoted YAML, line breaks and NULs as spaces */
    sbuf b = {0};
    sbuf_add(&b, "eventtypes:\n  - name: f\n    tags: [t]\n    search: '");
    for (size_t i = 0; i < size; i++) {
        char c = (char)data[i];
        if (c == '\'') sbuf_add(&b, "''");
        else if (c == '\n' || c == '\r' || c == '\0') sbuf_addc(&b, ' ');
        else sbuf_addc(&b, c);
    }
    sbuf_add(&b, "'\n  - name: g\n    search: 'eventtype=f OR tag=t'\n");
    load(b.s, b.len);
    sbuf_free(&b);
    return 0;
}
