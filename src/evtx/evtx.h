/* evtx.h: a decoder for the Windows EVTX binary event log format: the file
 * header, the 64 KiB chunks and their records (evtx_file.c), and the Binary
 * XML of a record rendered as the one-line XML text Windows renders for the
 * event (evtx_binxml.c, values in evtx_value.c). Everything works on one
 * chunk in memory at a time; every offset and length read from the file is
 * bounds-checked against the chunk. */
#ifndef SPLITE_EVTX_H
#define SPLITE_EVTX_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "util.h"

#define EVTX_HEADER_SIZE 4096
#define EVTX_CHUNK_SIZE 65536
#define EVTX_CHUNK_HEADER 512

/* Little-endian reads (the caller has bounds-checked p). */
static inline uint16_t evtx_u16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t evtx_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t evtx_u64(const unsigned char *p) { return evtx_u32(p) | (uint64_t)evtx_u32(p + 4) << 32; }

/* CRC-32 (IEEE) of p[0..n): with carry-less multiplication where the CPU
 * has it, else (and as the reference tests compare with) table-driven. */
uint32_t evtx_crc32(const unsigned char *p, size_t n);
uint32_t evtx_crc32_reference(const unsigned char *p, size_t n);

/* Appending to the rendered line, inline: the common case (room left) costs
 * no call; otherwise sbuf_grow. Same results as sbuf_addn/sbuf_add/sbuf_addc. */
/* n bytes copied without a call for short n (the usual names and
 * values): two overlapping fixed-size copies, never past either end. */
static inline void evtx_copy(char *d, const char *s, size_t n)
{
    if (n >= 16 && n <= 32) {
        memcpy(d, s, 16);
        memcpy(d + n - 16, s + n - 16, 16);
    } else if (n > 32) {
        memcpy(d, s, n);
    } else if (n >= 8) {
        memcpy(d, s, 8);
        memcpy(d + n - 8, s + n - 8, 8);
    } else if (n >= 4) {
        memcpy(d, s, 4);
        memcpy(d + n - 4, s + n - 4, 4);
    } else if (n) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

static inline void evtx_addn(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) sbuf_grow(b, n);
    evtx_copy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}
static inline void evtx_add(sbuf *b, const char *s) { evtx_addn(b, s, strlen(s)); }
static inline void evtx_addc(sbuf *b, char c)
{
    if (b->len + 2 > b->cap) sbuf_grow(b, 1);
    b->s[b->len++] = c;
    b->s[b->len] = 0;
}

/* The file header h[0..n): 0 if it is an EVTX header, -1 if not (why set).
 * A header whose checksum does not match is still accepted (*bad_crc = 1):
 * the chunks describe themselves. */
int evtx_file_header(const unsigned char *h, size_t n, int *bad_crc, char *why, size_t whylen);

/* A chunk c[0..n) (n < EVTX_CHUNK_SIZE for a truncated last chunk).
 * Returns 1 for a chunk whose records can be read, 0 for an unused (all
 * zero) chunk, -1 for one that cannot (why set). Checksum mismatches are
 * reported in *bad (1: header, 2: records; why set) but the chunk is read. */
int evtx_chunk_check(const unsigned char *c, size_t n, int *bad, char *why, size_t whylen);

/* Records of a chunk, in order. */
typedef struct evtx_record {
    uint32_t off, size;   /* chunk-relative offset and size of the record */
    uint64_t id;          /* EventRecordID */
} evtx_record;
/* The record at *off of chunk c[0..n): 1 with r set and *off advanced, 0 at
 * the end of the records, -1 for a record that cannot be read (why set; the
 * rest of the chunk cannot be found either). */
int evtx_next_record(const unsigned char *c, size_t n, uint32_t *off, evtx_record *r, char *why, size_t whylen);

/* Render record r of chunk c[0..n) into out (appended): one line of XML.
 * 0, or -1 with why set (out then holds a partial rendering). */
int evtx_render(const unsigned char *c, size_t n, const evtx_record *r, sbuf *out, char *why, size_t whylen);

/* Templates compiled once per chunk (evtx_template.c): the static XML of a
 * template (names, attributes, fixed text) rendered once, so a record only
 * writes its substitution values. evtx_cache_reset before each chunk: what
 * is cached belongs to the chunk's bytes. */
typedef struct evtx_cache evtx_cache;
evtx_cache *evtx_cache_new(void);
void evtx_cache_reset(evtx_cache *cache);
void evtx_cache_free(evtx_cache *cache);

/* Render as evtx_render does (byte for byte, with the cache's templates)
 * into out (empty), then call h's handlers for
 * the line exactly as xmlscan_run would scanning it, without scanning it:
 * the elements are recorded while they are written. 0 when done; 1 when the
 * line is rendered but must be scanned instead (something the recording
 * does not cover; the handlers may have been called); -1 on error (why). */
struct xmlscan_handlers;
int evtx_render_sax(evtx_cache *cache, const unsigned char *c, size_t n, const evtx_record *r, sbuf *out,
                    const struct xmlscan_handlers *h, char *why, size_t whylen);

/* --- for evtx_binxml.c: values (evtx_value.c) --- */
/* UTF-16LE p[0..nbytes) as UTF-8 with XML escaping as Windows renders
 * it: & < > escaped, CR/LF as &#13;/&#10;, ' as &apos; in attributes,
 * other control characters dropped; unpaired surrogates and U+FFFE/U+FFFF
 * (not XML characters) become U+FFFD. Stops at a NUL. Returns 1 if it
 * wrote a reference (&amp; ...) or a tab, else 0. */
int evtx_utf16(sbuf *out, const unsigned char *p, size_t nbytes, int attr);
/* An ANSI string (Windows-1252) s[0..n) as evtx_utf16 writes text. */
void evtx_ansi(sbuf *out, const unsigned char *s, size_t n, int attr);
/* A substitution value of type type (not BinXml, not null) in p[0..n) as
 * text (escaped). -1 for a value that cannot be rendered (why set). */
int evtx_value(sbuf *out, unsigned type, const unsigned char *p, size_t n, int attr, char *why, size_t whylen);
/* The size of one value of type t (without the array flag) when it has a
 * fixed size, else 0 (strings, binary, SIDs, SizeT, Binary XML). */
size_t evtx_fixed_size(unsigned t);
/* FILETIME as YYYY-MM-DDTHH:MM:SS.fffffffZ. */
void evtx_filetime(sbuf *out, uint64_t ft);
#endif
