/* rawblk.h: _raw stored in compressed blocks. Events are appended to a
 * pending block; when it holds RAWBLK_TARGET bytes (or the transaction
 * commits) it is compressed with zstd as one frame into raw_blocks, and each
 * event gets a row raw(rowid, blk). Compressing ~64 KiB of similar events at
 * once is cheap per event and compresses XML events 5-10x; reading one _raw
 * decompresses its block once (the last block is cached, so scans in rowid
 * order decompress each block once). SQL reads _raw through
 * splite_raw(blk, rowid), registered on every connection. */
#ifndef SPLITE_RAWBLK_H
#define SPLITE_RAWBLK_H
#include <sqlite3.h>
#include <stddef.h>

typedef struct rawblk rawblk;

rawblk *rawblk_new(sqlite3 *db);
void rawblk_free(rawblk *b);
/* Queue the raw text of event rowid; may flush. Returns 0 or -1 (database
 * error; message from sqlite3_errmsg). */
int rawblk_add(rawblk *b, sqlite3_int64 rowid, const char *raw, size_t len);
/* Write the pending block (call before COMMIT). */
int rawblk_flush(rawblk *b);
/* Drop the pending block (after ROLLBACK). */
void rawblk_discard(rawblk *b);
/* Register splite_raw(blk, rowid) on db. */
int rawblk_register(sqlite3 *db);
#endif
