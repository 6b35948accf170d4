/* spl_values.h: reading SQLite values the way Splunk sees them: a BLOB is a
 * multivalue (JSON array of strings), numbers and numeric strings are
 * numbers. Shared by the operator functions and the stats aggregates. */
#ifndef SPLITE_SPL_VALUES_H
#define SPLITE_SPL_VALUES_H
#include <sqlite3.h>

/* Call fn(ctx, text, len) for each value of v (none for NULL; each element
 * for a multivalue BLOB; the text form otherwise). Returns the number of
 * values, stops early when fn returns non-zero. */
typedef int (*spl_value_fn)(void *ctx, const char *s, int n);
int spl_values_each(sqlite3_value *v, spl_value_fn fn, void *ctx);
/* Format a number the way Splunk prints it (integral values without ".0").
 * buf must hold 32 bytes. */
const char *spl_num_format(double d, char *buf);
/* Set the SQL result from a list of strings: NULL for none, TEXT for one, a
 * JSON-array BLOB for several. */
void spl_result_mv(sqlite3_context *ctx, char **vals, int n);
#endif
