/* xmlscan.c: the strict single-line XML scanner (see xmlscan.h). Any input
 * outside the plain subset returns XMLSCAN_UNSUPPORTED and is left to expat,
 * so this file never has to produce an error message itself. */
#include "xmlscan.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define XS_MAX_DEPTH XMLSCAN_MAX_DEPTH
#define XS_MAX_ATTS XMLSCAN_MAX_ATTS

struct xmlscan {
    const unsigned char *name[XS_MAX_DEPTH]; /* open elements, in the document */
    size_t name_len[XS_MAX_DEPTH];
    int depth;
    sbuf att;        /* decoded attribute values that differ from the text */
    size_t att_off[XS_MAX_ATTS];
    xmlscan_att atts[XS_MAX_ATTS];
    sbuf text;       /* decoded character data (only when an entity occurs) */
};

xmlscan *xmlscan_new(void)
{
    return xcalloc(1, sizeof(xmlscan));
}

void xmlscan_free(xmlscan *x)
{
    if (!x) return;
    sbuf_free(&x->att);
    sbuf_free(&x->text);
    free(x);
}

static int xs_name_start(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':';
}

static int xs_space(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/* Append code point cp as UTF-8; 0 if it is not a legal XML 1.0 char. */
static int xs_put_cp(sbuf *b, unsigned long cp)
{
    if (cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
        (cp >= 0x10000 && cp <= 0x10FFFF)) {
        char u[4];
        int n;
        if (cp < 0x80) u[0] = (char)cp, n = 1;
        else if (cp < 0x800) u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
        else if (cp < 0x10000)
            u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[2] = (char)(0x80 | (cp & 0x3F)),
            n = 3;
        else
            u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
            u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
        sbuf_addn(b, u, (size_t)n);
        return 1;
    }
    return 0;
}

/* Validate one UTF-8 sequence at s[0..] (s[0] >= 0x80) within end; returns
 * its length or 0 when invalid or not an XML char (U+FFFE, U+FFFF). */
static size_t xs_utf8(const unsigned char *s, const unsigned char *end)
{
    unsigned char c = s[0];
    size_t n;
    unsigned long cp;
    if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
    else return 0;
    if ((size_t)(end - s) < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    if (cp == 0xFFFE || cp == 0xFFFF) return 0;
    return n;
}

/* Decode an entity or character reference at p (p[0] == '&'); appends to b
 * and returns the position after ';', or NULL if unsupported. */
static const unsigned char *xs_entity(const unsigned char *p, const unsigned char *end, sbuf *b)
{
    const unsigned char *semi = memchr(p, ';', (size_t)(end - p) < 12 ? (size_t)(end - p) : 12);
    if (!semi) return NULL;
    size_t n = (size_t)(semi - p - 1);
    const char *e = (const char *)p + 1;
    if (n >= 2 && e[0] == '#') {
        unsigned long cp = 0;
        size_t i = 1;
        int hex = e[1] == 'x';
        if (hex) i = 2;
        if (i >= n) return NULL;
        for (; i < n; i++) {
            unsigned char c = (unsigned char)e[i];
            int d;
            if (c >= '0' && c <= '9') d = c - '0';
            else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
            else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
            else return NULL;
            cp = cp * (hex ? 16 : 10) + (unsigned long)d;
            if (cp > 0x10FFFF) return NULL;
        }
        if (!xs_put_cp(b, cp)) return NULL;
        return semi + 1;
    }
    static const struct { const char *name; char c; } ents[] = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    for (size_t k = 0; k < sizeof ents / sizeof ents[0]; k++)
        if (strlen(ents[k].name) == n && !memcmp(e, ents[k].name, n)) {
            sbuf_addc(b, ents[k].c);
            return semi + 1;
        }
    return NULL;
}

/* Character data that stands for itself: printable ASCII but '<' (tag),
 * '&' (entity) and ']' (checked for "]]>"). */
static const unsigned char xs_text_tab[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* The same for attribute values: no quotes (either may close the value),
 * '&' or '<'. */
static const unsigned char xs_att_tab[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Skipping plain bytes: with SSE2 (every x86-64) 16 at a time, the signed
 * compare with 0x20 catching both control bytes and bytes >= 0x80, and the
 * first stop found exactly; elsewhere 8 at a time (SWAR), the byte loop
 * finding the exact stop. The table loop does the tail either way. */
#if defined(__SSE2__)
#include <emmintrin.h>

static const unsigned char *xs_skip_text(const unsigned char *p, const unsigned char *end)
{
    const __m128i ctl = _mm_set1_epi8(0x20), lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&'),
                  rb = _mm_set1_epi8(']');
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, ctl), _mm_cmpeq_epi8(v, lt)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, rb)));
        int bits = _mm_movemask_epi8(m);
        if (bits) return p + __builtin_ctz((unsigned)bits);
        p += 16;
    }
    while (p < end && xs_text_tab[*p]) p++;
    return p;
}

static const unsigned char *xs_skip_att(const unsigned char *p, const unsigned char *end)
{
    const __m128i ctl = _mm_set1_epi8(0x20), lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&'),
                  sq = _mm_set1_epi8('\''), dq = _mm_set1_epi8('"');
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, ctl), _mm_cmpeq_epi8(v, lt)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, amp),
                                              _mm_or_si128(_mm_cmpeq_epi8(v, sq), _mm_cmpeq_epi8(v, dq))));
        int bits = _mm_movemask_epi8(m);
        if (bits) return p + __builtin_ctz((unsigned)bits);
        p += 16;
    }
    while (p < end && xs_att_tab[*p]) p++;
    return p;
}
#else
#define XS_ONES 0x0101010101010101ULL
#define XS_HIGHS 0x8080808080808080ULL

static inline uint64_t xs_has_byte(uint64_t v, unsigned char c)
{
    uint64_t x = v ^ (XS_ONES * c);
    return (x - XS_ONES) & ~x & XS_HIGHS;
}

static inline uint64_t xs_special(uint64_t v)
{
    return (v & XS_HIGHS) | ((v - XS_ONES * 0x20) & ~v & XS_HIGHS);
}

static const unsigned char *xs_skip_text(const unsigned char *p, const unsigned char *end)
{
    while (end - p >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        if (xs_special(v) | xs_has_byte(v, '<') | xs_has_byte(v, '&') | xs_has_byte(v, ']')) break;
        p += 8;
    }
    while (p < end && xs_text_tab[*p]) p++;
    return p;
}

static const unsigned char *xs_skip_att(const unsigned char *p, const unsigned char *end)
{
    while (end - p >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        if (xs_special(v) | xs_has_byte(v, '<') | xs_has_byte(v, '&') | xs_has_byte(v, '\'') | xs_has_byte(v, '"'))
            break;
        p += 8;
    }
    while (p < end && xs_att_tab[*p]) p++;
    return p;
}
#endif

/* Scan character data up to '<' (or end). Without an entity the text is the
 * document's own bytes (*stable = 1, no copy); else it is decoded into
 * x->text. Returns the position of '<' / end, or NULL if unsupported. */
static const unsigned char *xs_chars(xmlscan *x, const unsigned char *p, const unsigned char *end, const char **out,
                                     size_t *out_len, int *stable)
{
    const unsigned char *start = p;
    for (;;) {
        p = xs_skip_text(p, end);
        if (p >= end || *p == '<') {
            *out = (const char *)start;
            *out_len = (size_t)(p - start);
            *stable = 1;
            return p;
        }
        unsigned char c = *p;
        if (c == '&') break;
        if (c == ']') {
            if (end - p >= 3 && p[1] == ']' && p[2] == '>') return NULL; /* "]]>" is an error */
            p++;
        } else if (c == '\t') {
            p++;
        } else if (c >= 0x80) {
            size_t n = xs_utf8(p, end);
            if (!n) return NULL;
            p += n;
        } else {
            return NULL; /* CR, LF or a control character: leave to expat */
        }
    }
    /* An entity: decode from here on. */
    sbuf_reset(&x->text);
    sbuf_addn(&x->text, (const char *)start, (size_t)(p - start));
    while (p < end && *p != '<') {
        const unsigned char *q = p;
        while (q < end && xs_text_tab[*q]) q++;
        if (q > p) sbuf_addn(&x->text, (const char *)p, (size_t)(q - p));
        p = q;
        if (p >= end || *p == '<') break;
        unsigned char c = *p;
        if (c == '&') {
            p = xs_entity(p, end, &x->text);
            if (!p) return NULL;
        } else if (c == ']') {
            if (end - p >= 3 && p[1] == ']' && p[2] == '>') return NULL; /* "]]>" is an error */
            sbuf_addc(&x->text, ']');
            p++;
        } else if (c == '\t') {
            sbuf_addc(&x->text, '\t');
            p++;
        } else if (c >= 0x80) {
            size_t n = xs_utf8(p, end);
            if (!n) return NULL;
            sbuf_addn(&x->text, (const char *)p, n);
            p += n;
        } else {
            return NULL;
        }
    }
    *out = x->text.s ? x->text.s : "";
    *out_len = x->text.len;
    *stable = 0;
    return p;
}

/* Scan an attribute value after its opening quote q up to the closing quote.
 * Without '&' or a tab (normalised to a space) the value is the document's
 * bytes (no copy); else it is decoded into x->att at *off. Returns the
 * position of the closing quote, or NULL if unsupported. */
static const unsigned char *xs_att_value(xmlscan *x, const unsigned char *p, const unsigned char *end, unsigned char q,
                                         xmlscan_att *a, size_t *off)
{
    const unsigned char *start = p;
    for (;;) {
        p = xs_skip_att(p, end);
        if (p >= end) return NULL;
        unsigned char c = *p;
        if (c == q) {
            a->value = (const char *)start;
            a->value_len = (size_t)(p - start);
            a->stable = 1;
            return p;
        }
        if (c == '"' || c == '\'') {
            p++; /* the other quote */
        } else if (c >= 0x80) {
            size_t n = xs_utf8(p, end);
            if (!n) return NULL;
            p += n;
        } else if (c == '&' || c == '\t') {
            break;
        } else {
            return NULL; /* '<' or a control character */
        }
    }
    *off = x->att.len;
    sbuf_addn(&x->att, (const char *)start, (size_t)(p - start));
    while (p < end && *p != q) {
        const unsigned char *r = p;
        while (r < end && xs_att_tab[*r]) r++;
        if (r > p) {
            sbuf_addn(&x->att, (const char *)p, (size_t)(r - p));
            p = r;
            continue;
        }
        unsigned char c = *p;
        if (c == '&') {
            p = xs_entity(p, end, &x->att);
            if (!p) return NULL;
        } else if (c == '\t') {
            sbuf_addc(&x->att, ' '); /* attribute value normalisation */
            p++;
        } else if (c == '"' || c == '\'') {
            sbuf_addc(&x->att, (char)c);
            p++;
        } else if (c >= 0x80) {
            size_t n = xs_utf8(p, end);
            if (!n) return NULL;
            sbuf_addn(&x->att, (const char *)p, n);
            p += n;
        } else {
            return NULL; /* '<' or a control character */
        }
    }
    if (p >= end) return NULL;
    a->value = NULL; /* set once all attributes are decoded (x->att may move) */
    a->value_len = x->att.len - *off;
    a->stable = 0;
    return p;
}

/* Name characters of the plain subset, as a table (hot loop). */
static const unsigned char xs_name_tab[256] = {
    ['-'] = 1, ['.'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, [':'] = 1, ['_'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
    ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

static const unsigned char *xs_name(const unsigned char *p, const unsigned char *end)
{
    if (p >= end || !xs_name_start(*p)) return NULL;
    while (p < end && xs_name_tab[*p]) p++;
    return p;
}

int xmlscan_plain_name(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    return n > 0 && xs_name(p, p + n) == p + n;
}

int xmlscan_run(xmlscan *x, const char *doc, size_t len, const xmlscan_handlers *h)
{
    const unsigned char *p = (const unsigned char *)doc, *end = p + len;
    x->depth = 0;
    int seen_root = 0;
    while (p < end) {
        if (*p != '<') {
            if (x->depth == 0) {
                /* only blanks outside the root */
                if (!xs_space(*p)) return XMLSCAN_UNSUPPORTED;
                p++;
                continue;
            }
            const char *txt;
            size_t tlen;
            int stable;
            p = xs_chars(x, p, end, &txt, &tlen, &stable);
            if (!p) return XMLSCAN_UNSUPPORTED;
            if (tlen && h->text) h->text(h->ud, txt, tlen, stable);
            continue;
        }
        p++;
        if (p < end && *p == '/') {
            /* end tag */
            if (x->depth == 0) return XMLSCAN_UNSUPPORTED;
            /* the name must be the open element's: compare, then make sure
             * it does not go on */
            const unsigned char *n0 = p + 1;
            const unsigned char *open = x->name[x->depth - 1];
            size_t olen = x->name_len[x->depth - 1];
            if ((size_t)(end - n0) < olen || memcmp(open, n0, olen)) return XMLSCAN_UNSUPPORTED;
            p = n0 + olen;
            if (p < end && xs_name_tab[*p]) return XMLSCAN_UNSUPPORTED;
            while (p < end && xs_space(*p)) p++;
            if (p >= end || *p != '>') return XMLSCAN_UNSUPPORTED;
            p++;
            if (h->end) h->end(h->ud, (const char *)open, olen);
            x->depth--;
            if (h->stop && *h->stop) return XMLSCAN_STOPPED;
            continue;
        }
        /* start tag */
        if (x->depth == 0 && seen_root) return XMLSCAN_UNSUPPORTED;
        const unsigned char *n0 = p, *n1 = xs_name(p, end);
        if (!n1 || x->depth >= XS_MAX_DEPTH) return XMLSCAN_UNSUPPORTED;
        p = n1;
        sbuf_reset(&x->att);
        int natt = 0, ndecoded = 0;
        int empty = 0;
        for (;;) {
            int sp = 0;
            while (p < end && xs_space(*p)) p++, sp = 1;
            if (p >= end) return XMLSCAN_UNSUPPORTED;
            if (*p == '>') {
                p++;
                break;
            }
            if (*p == '/') {
                if (end - p < 2 || p[1] != '>') return XMLSCAN_UNSUPPORTED;
                p += 2;
                empty = 1;
                break;
            }
            if (!sp || natt >= XS_MAX_ATTS) return XMLSCAN_UNSUPPORTED;
            const unsigned char *a0 = p, *a1 = xs_name(p, end);
            if (!a1) return XMLSCAN_UNSUPPORTED;
            p = a1;
            while (p < end && xs_space(*p)) p++;
            if (p >= end || *p != '=') return XMLSCAN_UNSUPPORTED;
            p++;
            while (p < end && xs_space(*p)) p++;
            if (p >= end || (*p != '\'' && *p != '"')) return XMLSCAN_UNSUPPORTED;
            unsigned char q = *p++;
            xmlscan_att *a = &x->atts[natt];
            a->name = (const char *)a0;
            a->name_len = (size_t)(a1 - a0);
            /* duplicate attribute names are an error */
            for (int k = 0; k < natt; k++)
                if (x->atts[k].name_len == a->name_len && !memcmp(x->atts[k].name, a0, a->name_len))
                    return XMLSCAN_UNSUPPORTED;
            p = xs_att_value(x, p, end, q, a, &x->att_off[natt]);
            if (!p) return XMLSCAN_UNSUPPORTED;
            p++;
            if (!a->stable) ndecoded++;
            natt++;
        }
        if (ndecoded)
            for (int k = 0; k < natt; k++)
                if (!x->atts[k].stable) x->atts[k].value = x->att.s + x->att_off[k];
        x->name[x->depth] = n0;
        x->name_len[x->depth] = (size_t)(n1 - n0);
        x->depth++;
        seen_root = 1;
        if (h->start) h->start(h->ud, (const char *)n0, (size_t)(n1 - n0), x->atts, natt);
        if (h->stop && *h->stop) return XMLSCAN_STOPPED;
        if (empty) {
            if (h->end) h->end(h->ud, (const char *)n0, (size_t)(n1 - n0));
            x->depth--;
            if (h->stop && *h->stop) return XMLSCAN_STOPPED;
        }
    }
    if (x->depth != 0 || !seen_root) return XMLSCAN_UNSUPPORTED;
    return XMLSCAN_OK;
}
