/* sqlfn_hash.c: spl_md5, spl_sha1 and spl_sha256: hex digests of a value's
 * text (eval md5()/sha1()/sha256()). None of the project's libraries offers
 * these, so the three classic algorithms are here; checked against the
 * published test vectors in tests/test_sqlfn.c. Not for security use. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "sqlfn_internal.h"
#include "util.h"

static uint32_t rol(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static uint32_t ror(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

/* Pad msg the MD4-family way into a heap buffer of whole 64-byte blocks:
 * 0x80, zeros, then the bit length (little- or big-endian). */
static unsigned char *hash_pad(const unsigned char *msg, size_t n, int big_endian, size_t *out_len)
{
    size_t total = ((n + 8) / 64 + 1) * 64;
    unsigned char *b = xcalloc(total, 1);
    if (n) memcpy(b, msg, n);
    b[n] = 0x80;
    uint64_t bits = (uint64_t)n * 8;
    for (int i = 0; i < 8; i++) {
        unsigned char byte = (unsigned char)(bits >> (8 * i));
        if (big_endian)
            b[total - 1 - i] = byte;
        else
            b[total - 8 + i] = byte;
    }
    *out_len = total;
    return b;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void hash_md5(const unsigned char *msg, size_t n, unsigned char out[16])
{
    static const int r[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                              5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                              4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                              6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
    uint32_t k[64];
    for (int i = 0; i < 64; i++) k[i] = (uint32_t)floor(fabs(sin(i + 1.0)) * 4294967296.0);
    uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    size_t len;
    unsigned char *b = hash_pad(msg, n, 0, &len);
    for (size_t off = 0; off < len; off += 64) {
        uint32_t w[16];
        for (int i = 0; i < 16; i++) w[i] = le32(b + off + 4 * i);
        uint32_t a = h[0], bb = h[1], c = h[2], d = h[3];
        for (int i = 0; i < 64; i++) {
            uint32_t f;
            int g;
            if (i < 16) f = (bb & c) | (~bb & d), g = i;
            else if (i < 32) f = (d & bb) | (~d & c), g = (5 * i + 1) % 16;
            else if (i < 48) f = bb ^ c ^ d, g = (3 * i + 5) % 16;
            else f = c ^ (bb | ~d), g = (7 * i) % 16;
            uint32_t t = d;
            d = c;
            c = bb;
            bb = bb + rol(a + f + k[i] + w[g], r[i]);
            a = t;
        }
        h[0] += a, h[1] += bb, h[2] += c, h[3] += d;
    }
    free(b);
    for (int i = 0; i < 16; i++) out[i] = (unsigned char)(h[i / 4] >> (8 * (i % 4)));
}

static void hash_sha1(const unsigned char *msg, size_t n, unsigned char out[20])
{
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    size_t len;
    unsigned char *b = hash_pad(msg, n, 1, &len);
    for (size_t off = 0; off < len; off += 64) {
        uint32_t w[80];
        for (int i = 0; i < 16; i++) w[i] = be32(b + off + 4 * i);
        for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        uint32_t a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4];
        for (int i = 0; i < 80; i++) {
            uint32_t f, k;
            if (i < 20) f = (bb & c) | (~bb & d), k = 0x5A827999;
            else if (i < 40) f = bb ^ c ^ d, k = 0x6ED9EBA1;
            else if (i < 60) f = (bb & c) | (bb & d) | (c & d), k = 0x8F1BBCDC;
            else f = bb ^ c ^ d, k = 0xCA62C1D6;
            uint32_t t = rol(a, 5) + f + e + k + w[i];
            e = d;
            d = c;
            c = rol(bb, 30);
            bb = a;
            a = t;
        }
        h[0] += a, h[1] += bb, h[2] += c, h[3] += d, h[4] += e;
    }
    free(b);
    for (int i = 0; i < 20; i++) out[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static void hash_sha256(const unsigned char *msg, size_t n, unsigned char out[32])
{
    static const uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    size_t len;
    unsigned char *b = hash_pad(msg, n, 1, &len);
    for (size_t off = 0; off < len; off += 64) {
        uint32_t w[64];
        for (int i = 0; i < 16; i++) w[i] = be32(b + off + 4 * i);
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t v[8];
        memcpy(v, h, sizeof v);
        for (int i = 0; i < 64; i++) {
            uint32_t S1 = ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25);
            uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
            uint32_t t1 = v[7] + S1 + ch + k[i] + w[i];
            uint32_t S0 = ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22);
            uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            uint32_t t2 = S0 + maj;
            memmove(v + 1, v, 7 * sizeof v[0]);
            v[4] += t1;
            v[0] = t1 + t2;
        }
        for (int i = 0; i < 8; i++) h[i] += v[i];
    }
    free(b);
    for (int i = 0; i < 32; i++) out[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static void hash_fn(sqlite3_context *ctx, sqlite3_value *v, int which)
{
    size_t n;
    char *s = mv_first(v, &n);
    if (!s) {
        sqlite3_result_null(ctx);
        return;
    }
    unsigned char d[32];
    size_t dl = which == 0 ? 16 : which == 1 ? 20 : 32;
    if (which == 0) hash_md5((unsigned char *)s, n, d);
    else if (which == 1) hash_sha1((unsigned char *)s, n, d);
    else hash_sha256((unsigned char *)s, n, d);
    char hex[65];
    for (size_t i = 0; i < dl; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
    sqlite3_result_text(ctx, hex, (int)(2 * dl), SQLITE_TRANSIENT);
    free(s);
}

/* spl_md5(x) / spl_sha1(x) / spl_sha256(x): lowercase hex digest of the
 * (first) value's bytes; NULL for NULL. */
static void fn_md5(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    hash_fn(ctx, argv[0], 0);
}

static void fn_sha1(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    hash_fn(ctx, argv[0], 1);
}

static void fn_sha256(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    hash_fn(ctx, argv[0], 2);
}

static const sqlfn_def sqlfn_hash_defs[] = {
    {"spl_md5", 1, fn_md5, 1, 0},
    {"spl_sha1", 1, fn_sha1, 1, 0},
    {"spl_sha256", 1, fn_sha256, 1, 0},
    {NULL, 0, NULL, 0, 0},
};

int sqlfn_register_hash(sqlite3 *db)
{
    return sqlfn_register_table(db, sqlfn_hash_defs);
}
