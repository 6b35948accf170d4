/* spl_output.h: rendering search results: one JSON object per row (keys in
 * output order, multivalues as arrays, numbers as numbers, nulls left out),
 * CSV, and an aligned text table for terminals. */
#ifndef SPLITE_SPL_OUTPUT_H
#define SPLITE_SPL_OUTPUT_H
#include <stdio.h>
#include <jansson.h>
#include "spl.h"

enum spl_format { SPL_FMT_TABLE, SPL_FMT_JSONL, SPL_FMT_CSV };

/* The current row of stmt as a JSON object (caller decrefs). */
json_t *spl_row_json(const spl_query *q, sqlite3_stmt *stmt);

typedef struct spl_writer spl_writer;
spl_writer *spl_writer_new(FILE *out, int format, const spl_query *q);
/* Row callback for spl_run (ctx = the writer). */
int spl_writer_row(void *ctx, const spl_query *q, sqlite3_stmt *stmt);
/* Flush (tables are printed at the end) and free. Returns rows written. */
long spl_writer_finish(spl_writer *w);
#endif
