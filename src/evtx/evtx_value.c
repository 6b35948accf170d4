/* evtx_value.c: EVTX substitution values rendered as Windows renders them
 * in XML: integers in decimal, HexInt32/64 and SizeT as 0x..., GUIDs lower
 * case in braces, SIDs as S-1-..., FILETIME/SYSTEMTIME with 7 fraction
 * digits, binary as upper-case hex; text escaped for XML. */
#include "evtx.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

void evtx_ansi(sbuf *out, const unsigned char *s, size_t n, int attr)
{
    /* Windows-1252 0x80..0x9f (the five unassigned bytes stay U+0081...) */
    static const uint16_t cp1252[32] = {0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
                                        0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
                                        0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
                                        0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178};
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = s[i];
        if (ch < 0x80) {
            unsigned char u16[2] = {ch, 0};
            if (ch) evtx_utf16(out, u16, 2, attr);
            continue;
        }
        uint32_t u = ch < 0xa0 ? cp1252[ch - 0x80] : ch;
        unsigned char u16[2] = {(unsigned char)(u & 0xff), (unsigned char)(u >> 8)};
        evtx_utf16(out, u16, 2, attr);
    }
}

int evtx_utf16(sbuf *out, const unsigned char *p, size_t nbytes, int attr)
{
    int refs = 0;
    /* written straight into out: at most 6 bytes per UTF-16 unit (&apos;) */
    size_t units = nbytes / 2;
    sbuf_grow(out, 6 * units);
    char *o = out->s + out->len;
    /* printable ASCII written as is (1), or escaped (2): one lookup */
    static const unsigned char plain[128] = {
        ['\t'] = 0, [' '] = 1, ['!'] = 1, ['"'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 2, ['\''] = 2,
        ['('] = 1, [')'] = 1, ['*'] = 1, ['+'] = 1, [','] = 1, ['-'] = 1, ['.'] = 1, ['/'] = 1, ['0'] = 1,
        ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
        [':'] = 1, [';'] = 1, ['<'] = 2, ['='] = 1, ['>'] = 2, ['?'] = 1, ['@'] = 1, ['A'] = 1, ['B'] = 1,
        ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1,
        ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
        ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['['] = 1, ['\\'] = 1, [']'] = 1,
        ['^'] = 1, ['_'] = 1, ['`'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
        ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1,
        ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
        ['y'] = 1, ['z'] = 1, ['{'] = 1, ['|'] = 1, ['}'] = 1, ['~'] = 1, [0x7f] = 1,
    };
    for (size_t i = 0; i < units; i++) {
#ifdef __SSE2__
        /* eight units at a time while they are all plain printable ASCII */
        while (i + 8 <= units) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 2 * i));
            __m128i ok = _mm_and_si128(_mm_cmpgt_epi16(v, _mm_set1_epi16(0x1f)), _mm_cmplt_epi16(v, _mm_set1_epi16(0x80)));
            __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi16(v, _mm_set1_epi16('&')),
                                                        _mm_cmpeq_epi16(v, _mm_set1_epi16('<'))),
                                           _mm_or_si128(_mm_cmpeq_epi16(v, _mm_set1_epi16('>')),
                                                        _mm_cmpeq_epi16(v, _mm_set1_epi16('\''))));
            if (_mm_movemask_epi8(_mm_andnot_si128(special, ok)) != 0xffff) break;
            _mm_storel_epi64((__m128i *)(void *)o, _mm_packus_epi16(v, v));
            o += 8;
            i += 8;
        }
        if (i >= units) break;
#endif
        uint32_t u = evtx_u16(p + 2 * i);
        if (u < 0x80 && plain[u] == 1) {
            *o++ = (char)u;
            continue;
        }
        if (u >= 0x20 && u < 0x80) {
            if (u == '&') memcpy(o, "&amp;", 5), o += 5, refs = 1;
            else if (u == '<') memcpy(o, "&lt;", 4), o += 4, refs = 1;
            else if (u == '>') memcpy(o, "&gt;", 4), o += 4, refs = 1;
            else if (u == '\'' && attr) memcpy(o, "&apos;", 6), o += 6, refs = 1;
            else *o++ = (char)u;
            continue;
        }
        if (u == 0) break;
        if (u < 0x20) {
            if (u == '\r') memcpy(o, "&#13;", 5), o += 5, refs = 1;
            else if (u == '\n') memcpy(o, "&#10;", 5), o += 5, refs = 1;
            else if (u == '\t') *o++ = '\t', refs = 1; /* (attribute values: a space to XML) */
            /* other control characters are dropped */
            continue;
        }
        if (u >= 0xd800 && u < 0xdc00 && i + 1 < units) {
            uint32_t lo = evtx_u16(p + 2 * i + 2);
            if (lo >= 0xdc00 && lo < 0xe000) {
                u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                i++;
            } else {
                u = 0xfffd;
            }
        } else if (u >= 0xd800 && u < 0xe000) {
            u = 0xfffd;
        } else if (u >= 0xfffe) {
            u = 0xfffd; /* not characters XML allows */
        }
        if (u < 0x800) {
            *o++ = (char)(0xc0 | u >> 6);
            *o++ = (char)(0x80 | (u & 0x3f));
        } else if (u < 0x10000) {
            *o++ = (char)(0xe0 | u >> 12);
            *o++ = (char)(0x80 | ((u >> 6) & 0x3f));
            *o++ = (char)(0x80 | (u & 0x3f));
        } else {
            /* two units in, four bytes out */
            *o++ = (char)(0xf0 | u >> 18);
            *o++ = (char)(0x80 | ((u >> 12) & 0x3f));
            *o++ = (char)(0x80 | ((u >> 6) & 0x3f));
            *o++ = (char)(0x80 | (u & 0x3f));
        }
    }
    out->len = (size_t)(o - out->s);
    out->s[out->len] = 0;
    return refs;
}

/* Decimal digits of v (a minus sign first when neg). */
static void evtx_dec(sbuf *out, uint64_t v, int neg)
{
    char buf[24];
    int i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (neg) buf[--i] = '-';
    evtx_addn(out, buf + i, sizeof buf - (size_t)i);
}

static void evtx_sdec(sbuf *out, int64_t v)
{
    evtx_dec(out, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0);
}

/* v in lower-case hex, at least width digits (0: as many as needed). */
static void evtx_hex(sbuf *out, uint64_t v, int width)
{
    static const char digits[] = "0123456789abcdef";
    char buf[16];
    int i = sizeof buf;
    do {
        buf[--i] = digits[v & 15];
        v >>= 4;
    } while (v || (int)sizeof buf - i < width);
    evtx_addn(out, buf + i, sizeof buf - (size_t)i);
}

/* v as exactly width decimal digits. */
static void evtx_fixed_dec(char *to, uint64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        to[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void evtx_filetime(sbuf *out, uint64_t ft)
{
    /* 100 ns ticks since 1601-01-01 */
    uint64_t secs = ft / 10000000u, frac = ft % 10000000u;
    int64_t unix_s = (int64_t)secs - INT64_C(11644473600);
    int64_t days = unix_s >= 0 ? unix_s / 86400 : (unix_s - 86399) / 86400;
    int64_t rem = unix_s - days * 86400;
    /* civil from days (Howard Hinnant) */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) y++;
    if (y > 9999) { /* FILETIME reaches year 60056 */
        sbuf_printf(out, "%" PRId64 "-%02" PRId64 "-%02" PRId64 "T%02" PRId64 ":%02" PRId64 ":%02" PRId64 ".%07" PRIu64 "Z",
                    y, m, d, rem / 3600, rem / 60 % 60, rem % 60, frac);
        return;
    }
    char buf[28];
    evtx_fixed_dec(buf, (uint64_t)y, 4);
    buf[4] = '-';
    evtx_fixed_dec(buf + 5, (uint64_t)m, 2);
    buf[7] = '-';
    evtx_fixed_dec(buf + 8, (uint64_t)d, 2);
    buf[10] = 'T';
    evtx_fixed_dec(buf + 11, (uint64_t)(rem / 3600), 2);
    buf[13] = ':';
    evtx_fixed_dec(buf + 14, (uint64_t)(rem / 60 % 60), 2);
    buf[16] = ':';
    evtx_fixed_dec(buf + 17, (uint64_t)(rem % 60), 2);
    buf[19] = '.';
    evtx_fixed_dec(buf + 20, frac, 7);
    buf[27] = 'Z';
    evtx_addn(out, buf, sizeof buf);
}

static void evtx_guid(sbuf *out, const unsigned char *p)
{
    evtx_addc(out, '{');
    evtx_hex(out, evtx_u32(p), 8);
    evtx_addc(out, '-');
    evtx_hex(out, evtx_u16(p + 4), 4);
    evtx_addc(out, '-');
    evtx_hex(out, evtx_u16(p + 6), 4);
    evtx_addc(out, '-');
    evtx_hex(out, (uint64_t)p[8] << 8 | p[9], 4);
    evtx_addc(out, '-');
    uint64_t node = 0;
    for (int i = 10; i < 16; i++) node = node << 8 | p[i];
    evtx_hex(out, node, 12);
    evtx_addc(out, '}');
}

/* A SID p[0..n); its length, or 0 if it does not fit. */
static size_t evtx_sid(sbuf *out, const unsigned char *p, size_t n)
{
    if (n < 8) return 0;
    unsigned count = p[1];
    if (8 + 4 * (size_t)count > n) return 0;
    uint64_t auth = 0;
    for (int i = 2; i < 8; i++) auth = auth << 8 | p[i];
    evtx_add(out, "S-");
    evtx_dec(out, p[0], 0);
    evtx_addc(out, '-');
    evtx_dec(out, auth, 0);
    for (unsigned i = 0; i < count; i++) {
        evtx_addc(out, '-');
        evtx_dec(out, evtx_u32(p + 8 + 4 * i), 0);
    }
    return 8 + 4 * (size_t)count;
}

/* A real number in the fewest digits that read back as the same value
 * (as a float when single), e.g. 3199.234. */
static void evtx_real(sbuf *out, double v, int max_digits, int single)
{
    char buf[64];
    for (int d = 1; d <= max_digits; d++) {
        snprintf(buf, sizeof buf, "%.*g", d, v);
        double back = strtod(buf, NULL);
        if (single ? (float)back == (float)v : back == v) break;
    }
    evtx_add(out, buf);
}

size_t evtx_fixed_size(unsigned t)
{
    switch (t) {
    case 0x03: case 0x04: return 1;
    case 0x05: case 0x06: return 2;
    case 0x07: case 0x08: case 0x0b: case 0x0d: case 0x14: return 4;
    case 0x09: case 0x0a: case 0x0c: case 0x11: case 0x15: return 8;
    case 0x0f: case 0x12: return 16;
    default: return 0;
    }
}

/* One fixed-size value of type t at p (evtx_fixed_size(t) bytes, or n for SizeT). */
static void evtx_scalar(sbuf *out, unsigned t, const unsigned char *p, size_t n)
{
    switch (t) {
    case 0x03: evtx_sdec(out, (int8_t)p[0]); break;
    case 0x04: evtx_dec(out, p[0], 0); break;
    case 0x05: evtx_sdec(out, (int16_t)evtx_u16(p)); break;
    case 0x06: evtx_dec(out, evtx_u16(p), 0); break;
    case 0x07: evtx_sdec(out, (int32_t)evtx_u32(p)); break;
    case 0x08: evtx_dec(out, evtx_u32(p), 0); break;
    case 0x09: evtx_sdec(out, (int64_t)evtx_u64(p)); break;
    case 0x0a: evtx_dec(out, evtx_u64(p), 0); break;
    case 0x0b: {
        float f;
        uint32_t u = evtx_u32(p);
        memcpy(&f, &u, 4);
        evtx_real(out, f, 9, 1);
        break;
    }
    case 0x0c: {
        double f;
        uint64_t u = evtx_u64(p);
        memcpy(&f, &u, 8);
        evtx_real(out, f, 17, 0);
        break;
    }
    case 0x0d: evtx_add(out, evtx_u32(p) ? "true" : "false"); break;
    case 0x0f: evtx_guid(out, p); break;
    case 0x10:
        evtx_add(out, "0x");
        evtx_hex(out, n >= 8 ? evtx_u64(p) : evtx_u32(p), 0);
        break;
    case 0x11: evtx_filetime(out, evtx_u64(p)); break;
    case 0x12:
        sbuf_printf(out, "%04u-%02u-%02uT%02u:%02u:%02u.%03u0000Z", evtx_u16(p), evtx_u16(p + 2), evtx_u16(p + 6),
                    evtx_u16(p + 8), evtx_u16(p + 10), evtx_u16(p + 12), evtx_u16(p + 14));
        break;
    case 0x14:
        evtx_add(out, "0x");
        evtx_hex(out, evtx_u32(p), 0);
        break;
    case 0x15:
        evtx_add(out, "0x");
        evtx_hex(out, evtx_u64(p), 0);
        break;
    default: break;
    }
}

int evtx_value(sbuf *out, unsigned type, const unsigned char *p, size_t n, int attr, char *why, size_t whylen)
{
    unsigned t = type & 0x7f;
    if (type & 0x80) {
        /* arrays: strings are NUL-separated, fixed-size values packed;
         * items are written separated by ", " */
        if (t == 0x01) {
            size_t i = 0, first = 1;
            while (i + 1 < n) {
                size_t j = i;
                while (j + 1 < n && evtx_u16(p + j)) j += 2;
                if (!first) evtx_add(out, ", ");
                first = 0;
                evtx_utf16(out, p + i, j - i, attr);
                i = j + 2;
            }
            return 0;
        }
        size_t sz = t == 0x10 ? 8 : evtx_fixed_size(t);
        if (!sz || n % sz) {
            snprintf(why, whylen, "array of value type 0x%02x with %zu bytes", t, n);
            return -1;
        }
        for (size_t i = 0; i < n; i += sz) {
            if (i) evtx_add(out, ", ");
            evtx_scalar(out, t, p + i, sz);
        }
        return 0;
    }
    switch (t) {
    case 0x01: evtx_utf16(out, p, n, attr); return 0;
    case 0x02: {
        size_t k = 0;
        while (k < n && p[k]) k++;
        evtx_ansi(out, p, k, attr);
        return 0;
    }
    case 0x0e: {
        static const char hex[] = "0123456789ABCDEF";
        sbuf_grow(out, 2 * n);
        char *o = out->s + out->len;
        for (size_t i = 0; i < n; i++) {
            *o++ = hex[p[i] >> 4];
            *o++ = hex[p[i] & 15];
        }
        out->len += 2 * n;
        out->s[out->len] = 0;
        return 0;
    }
    case 0x10:
        if (n != 4 && n != 8) break;
        evtx_scalar(out, t, p, n);
        return 0;
    case 0x13:
        if (!evtx_sid(out, p, n)) break;
        return 0;
    default: {
        size_t sz = evtx_fixed_size(t);
        if (!sz) {
            snprintf(why, whylen, "unknown value type 0x%02x", t);
            return -1;
        }
        if (n < sz) break;
        evtx_scalar(out, t, p, n);
        return 0;
    }
    }
    snprintf(why, whylen, "value of type 0x%02x has a bad size (%zu bytes)", t, n);
    return -1;
}
