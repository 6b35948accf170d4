/* evtx_file.c: the EVTX container: the file header, chunk headers with
 * their CRC32 checksums, and walking the records of a chunk. */
#include "evtx.h"

#include <stdio.h>
#include <string.h>

/* CRC-32 (IEEE), slicing by 8: eight table lookups per 8 bytes. The
 * reference for the carry-less multiplication below. c is the running
 * value (0xffffffff at the start, inverted at the end). */
static uint32_t evtx_crc32_slice(uint32_t c, const unsigned char *p, size_t n)
{
    static uint32_t t[8][256];
    static int ready;
    if (!ready) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t v = i;
            for (int k = 0; k < 8; k++) v = v & 1 ? 0xedb88320u ^ (v >> 1) : v >> 1;
            t[0][i] = v;
        }
        for (int k = 1; k < 8; k++)
            for (int i = 0; i < 256; i++) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
        ready = 1;
    }
    while (n >= 8) {
        uint32_t a = c ^ evtx_u32(p), b = evtx_u32(p + 4);
        c = t[7][a & 0xff] ^ t[6][(a >> 8) & 0xff] ^ t[5][(a >> 16) & 0xff] ^ t[4][a >> 24] ^ t[3][b & 0xff] ^
            t[2][(b >> 8) & 0xff] ^ t[1][(b >> 16) & 0xff] ^ t[0][b >> 24];
        p += 8;
        n -= 8;
    }
    while (n--) c = t[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return c;
}

uint32_t evtx_crc32_reference(const unsigned char *p, size_t n) { return evtx_crc32_slice(0xffffffffu, p, n) ^ 0xffffffffu; }

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* The same by folding with carry-less multiplication (Intel's "Fast CRC
 * Computation for Generic Polynomials Using PCLMULQDQ"): 64 bytes folded
 * per round, then 16, then Barrett reduction to 32 bits. n >= 64 and a
 * multiple of 16. The constants are x^(k) mod P for the reflected
 * polynomial (fold distances 512+64/512, 128+64/128, 64, and mu, P). */
__attribute__((target("pclmul,sse4.1"))) static uint32_t evtx_crc32_clmul(uint32_t c, const unsigned char *p,
                                                                          size_t n)
{
    const __m128i k1k2 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
    const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
    const __m128i k5 = _mm_set_epi64x(0, 0x0163cd6124);
    const __m128i poly = _mm_set_epi64x(0x01f7011641, 0x01db710641);
    const __m128i mask32 = _mm_setr_epi32(-1, 0, -1, 0);
    __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i x2 = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(const void *)(p + 32));
    __m128i x4 = _mm_loadu_si128((const __m128i *)(const void *)(p + 48));
    x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)c));
    p += 64;
    n -= 64;
    while (n >= 64) {
        __m128i a1 = _mm_clmulepi64_si128(x1, k1k2, 0x00), a2 = _mm_clmulepi64_si128(x2, k1k2, 0x00);
        __m128i a3 = _mm_clmulepi64_si128(x3, k1k2, 0x00), a4 = _mm_clmulepi64_si128(x4, k1k2, 0x00);
        x1 = _mm_clmulepi64_si128(x1, k1k2, 0x11);
        x2 = _mm_clmulepi64_si128(x2, k1k2, 0x11);
        x3 = _mm_clmulepi64_si128(x3, k1k2, 0x11);
        x4 = _mm_clmulepi64_si128(x4, k1k2, 0x11);
        x1 = _mm_xor_si128(_mm_xor_si128(x1, a1), _mm_loadu_si128((const __m128i *)(const void *)p));
        x2 = _mm_xor_si128(_mm_xor_si128(x2, a2), _mm_loadu_si128((const __m128i *)(const void *)(p + 16)));
        x3 = _mm_xor_si128(_mm_xor_si128(x3, a3), _mm_loadu_si128((const __m128i *)(const void *)(p + 32)));
        x4 = _mm_xor_si128(_mm_xor_si128(x4, a4), _mm_loadu_si128((const __m128i *)(const void *)(p + 48)));
        p += 64;
        n -= 64;
    }
    /* four lanes into one */
    __m128i a = _mm_clmulepi64_si128(x1, k3k4, 0x00);
    x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11), a), x2);
    a = _mm_clmulepi64_si128(x1, k3k4, 0x00);
    x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11), a), x3);
    a = _mm_clmulepi64_si128(x1, k3k4, 0x00);
    x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11), a), x4);
    while (n >= 16) {
        a = _mm_clmulepi64_si128(x1, k3k4, 0x00);
        x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11), a),
                           _mm_loadu_si128((const __m128i *)(const void *)p));
        p += 16;
        n -= 16;
    }
    /* 128 bits to 64, then to 32 */
    x2 = _mm_clmulepi64_si128(x1, k3k4, 0x10);
    x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), x2);
    x2 = _mm_srli_si128(x1, 4);
    x1 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x1, mask32), k5, 0x00), x2);
    /* Barrett reduction */
    x2 = _mm_clmulepi64_si128(_mm_and_si128(x1, mask32), poly, 0x10);
    x2 = _mm_clmulepi64_si128(_mm_and_si128(x2, mask32), poly, 0x00);
    x1 = _mm_xor_si128(x1, x2);
    return (uint32_t)_mm_extract_epi32(x1, 1);
}
#endif

uint32_t evtx_crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
#if defined(__x86_64__) && defined(__GNUC__)
    static int clmul = -1;
    if (clmul < 0) clmul = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
    if (clmul && n >= 64) {
        size_t k = n & ~(size_t)15;
        c = evtx_crc32_clmul(c, p, k);
        p += k;
        n -= k;
    }
#endif
    return evtx_crc32_slice(c, p, n) ^ 0xffffffffu;
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
