/* sqlfn.h: the SPL evaluation functions SQLite cannot do itself, registered
 * as SQL functions named spl_<name> (spl_match, spl_strftime, spl_mvindex,
 * ...) on a connection. The list and their semantics are in
 * docs/SPL-FUNCTIONS.md. */
#ifndef SPLITE_SQLFN_H
#define SPLITE_SQLFN_H
#include <sqlite3.h>

/* Register every spl_* function on db. Call once per connection. Returns
 * SQLITE_OK or the first error code from sqlite3_create_function_v2. */
int sqlfn_register(sqlite3 *db);

/* Check a PCRE2 pattern as the spl_* regex functions compile it (UTF-8,
 * invalid UTF-8 subjects allowed). Returns 0 if it compiles; else -1 with
 * *err a heap message with the PCRE2 text and the offset in the pattern,
 * and *erroffset (if non-NULL) that offset. When names is non-NULL and the
 * pattern compiles, *names gets a heap NULL-terminated array of the named
 * capture groups in group-number order (free with sqlfn_free_names). */
int sqlfn_regex_check(const char *pattern, char ***names, char **err, size_t *erroffset);
void sqlfn_free_names(char **names);
#endif
