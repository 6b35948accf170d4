/* rawzip.h: compression of _raw in the store with zstd dictionaries. Events
 * of one sourcetype are alike (XML tags, field names), so a dictionary
 * trained on the first events of a sourcetype compresses each later event
 * 5-10x on its own, keeping random access by rowid. The first events of a
 * sourcetype, before a dictionary exists, are stored as plain text.
 * Dictionaries live in the raw_dicts table; SQL reads _raw through the
 * splite_raw(_raw, dict) function registered on every connection. */
#ifndef SPLITE_RAWZIP_H
#define SPLITE_RAWZIP_H
#include <sqlite3.h>
#include <stddef.h>

typedef struct rawzip rawzip;

rawzip *rawzip_new(sqlite3 *db);
void rawzip_free(rawzip *z);
/* Encode raw[0..len) of an event of sourcetype. On return out and outlen
 * hold what to store and dict_id the dictionary (0 = stored as plain text,
 * out is raw). out is valid until the next call. Returns 0, or -1 on a database
 * error while saving a new dictionary. Must run inside the ingest
 * transaction (a new dictionary is inserted into raw_dicts). */
int rawzip_encode(rawzip *z, const char *sourcetype, const char *raw, size_t len, const void **out, size_t *outlen,
                  sqlite3_int64 *dict_id);
/* Forget in-memory dictionaries (after a rollback, a dictionary inserted in
 * the rolled-back transaction no longer exists); they reload on demand. */
void rawzip_reset(rawzip *z);
/* Register splite_raw(data, dict_id) on db. */
int rawzip_register(sqlite3 *db);
#endif
