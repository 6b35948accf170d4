/* evtx_file.c: the EVTX container: the file header, chunk headers with
 * their CRC32 checksums, and walking the records of a chunk. */
#include "evtx.h"

#include <stdio.h>
#include <string.h>

/* CRC-32 (IEEE), slicing by 8: eight table lookups per 8 bytes. */
uint32_t evtx_crc32(const unsigned char *p, size_t n)
{
    static uint32_t t[8][256];
    static int ready;
    if (!ready) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[0][i] = c;
        }
        for (int k = 1; k < 8; k++)
            for (int i = 0; i < 256; i++) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
        ready = 1;
    }
    uint32_t c = 0xffffffffu;
    while (n >= 8) {
        uint32_t a = c ^ evtx_u32(p), b = evtx_u32(p + 4);
        c = t[7][a & 0xff] ^ t[6][(a >> 8) & 0xff] ^ t[5][(a >> 16) & 0xff] ^ t[4][a >> 24] ^ t[3][b & 0xff] ^
            t[2][(b >> 8) & 0xff] ^ t[1][(b >> 16) & 0xff] ^ t[0][b >> 24];
        p += 8;
        n -= 8;
    }
    while (n--) c = t[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

int evtx_file_header(const unsigned char *h, size_t n, int *bad_crc, char *why, size_t whylen)
{
    *bad_crc = 0;
    if (n < 8 || memcmp(h, "ElfFile\0", 8) != 0) {
        snprintf(why, whylen, "not an EVTX file (no ElfFile signature)");
        return -1;
    }
    if (n < EVTX_HEADER_SIZE) {
        snprintf(why, whylen, "truncated EVTX file header (%zu of %d bytes)", n, EVTX_HEADER_SIZE);
        return -1;
    }
    if (evtx_crc32(h, 120) != evtx_u32(h + 124)) *bad_crc = 1;
    return 0;
}

/* 1 if c[0..n) is all zero bytes (an unused chunk), 8 bytes at a time. */
static int evtx_all_zero(const unsigned char *c, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, c + i, 8);
        if (w) return 0;
    }
    for (; i < n; i++)
        if (c[i]) return 0;
    return 1;
}

int evtx_chunk_check(const unsigned char *c, size_t n, int *bad, char *why, size_t whylen)
{
    *bad = 0;
    int sig = n >= 8 && memcmp(c, "ElfChnk\0", 8) == 0;
    if (!sig && evtx_all_zero(c, n)) return 0;
    if (n < EVTX_CHUNK_HEADER || !sig) {
        snprintf(why, whylen, n < EVTX_CHUNK_HEADER ? "truncated chunk header" : "no ElfChnk signature");
        return -1;
    }
    /* the header checksum covers bytes 0..120 and 128..512 */
    unsigned char tmp[120 + 384];
    memcpy(tmp, c, 120);
    memcpy(tmp + 120, c + 128, 384);
    uint32_t crc = evtx_crc32(tmp, sizeof tmp);
    if (crc != evtx_u32(c + 124)) {
        *bad = 1;
        snprintf(why, whylen, "chunk header checksum mismatch");
        return 1;
    }
    uint32_t free_off = evtx_u32(c + 48);
    if (free_off >= EVTX_CHUNK_HEADER && free_off <= n &&
        evtx_crc32(c + EVTX_CHUNK_HEADER, free_off - EVTX_CHUNK_HEADER) != evtx_u32(c + 52)) {
        *bad = 2;
        snprintf(why, whylen, "record data checksum mismatch");
    }
    return 1;
}

int evtx_next_record(const unsigned char *c, size_t n, uint32_t *off, evtx_record *r, char *why, size_t whylen)
{
    /* The records end at the free space offset; when that is not sane (a
     * damaged header), at the first place without a record signature. */
    uint32_t end = evtx_u32(c + 48);
    if (end < EVTX_CHUNK_HEADER || end > n) end = (uint32_t)n;
    uint32_t o = *off;
    if (o + 24 > end) return 0;
    if (memcmp(c + o, "**\0\0", 4) != 0) {
        if (end == n && evtx_u32(c + 48) != end) return 0; /* scanning: the end of the records */
        snprintf(why, whylen, "no record signature at offset %u", o);
        return -1;
    }
    uint32_t size = evtx_u32(c + o + 4);
    if (size < 28 || size > end - o) {
        snprintf(why, whylen, "record size %u at offset %u runs past the chunk's records", size, o);
        return -1;
    }
    if (evtx_u32(c + o + size - 4) != size) {
        snprintf(why, whylen, "record size %u at offset %u does not match its copy at the end", size, o);
        return -1;
    }
    r->off = o;
    r->size = size;
    r->id = evtx_u64(c + o + 8);
    *off = o + size;
    return 1;
}
