/* reader_registry.c: the table of input formats and format detection. */
#include <string.h>
#include "reader.h"

const reader *const reader_table[] = {
    &reader_xmlwineventlog,
    &reader_wineventlog,
    &reader_json,
    &reader_kv,
    &reader_evtxjson,
    &reader_evtx,
    NULL,
};

const reader *reader_find(const char *name)
{
    for (int i = 0; reader_table[i]; i++)
        if (!strcasecmp(reader_table[i]->name, name)) return reader_table[i];
    return NULL;
}

static const reader *reader_best(const char *head, size_t len, int binary_only)
{
    const reader *best = NULL;
    int best_score = 0;
    for (int i = 0; reader_table[i]; i++) {
        if (binary_only && !reader_table[i]->binary) continue;
        int s = reader_table[i]->detect(head, len);
        if (s > best_score) best_score = s, best = reader_table[i];
    }
    return best;
}

const reader *reader_detect(const char *head, size_t len) { return reader_best(head, len, 0); }

const reader *reader_detect_binary(const char *head, size_t len) { return reader_best(head, len, 1); }
