/* evtx_libevtx_tree.h: the comparison of two renderings of one EVTX record,
 * ours (the one-line XML Windows writes) and libevtx's (indented), as
 * canonical trees: expat gives element names, attributes in order and text;
 * whitespace-only text beside child elements is dropped (libevtx indents).
 * Values are equal when they are the same or when libevtx's is its known
 * form of ours's (ee_value_eq, ee_attr_eq: the formatting differences and
 * libevtx's deviations of docs/EVTX.md, each with a comment). Used by
 * evtx_libevtx_equiv.h; needs no libevtx itself. */
#ifndef SPLITE_EVTX_LIBEVTX_TREE_H
#define SPLITE_EVTX_LIBEVTX_TREE_H
#include <assert.h>
#include <ctype.h>
#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* --- canonical trees --- */

/* A token: 'S' element start (name), 'A' attribute (name, value), 'T' text
 * (value), 'E' element end. */
typedef struct ee_tok {
    char kind;
    char *name, *value;
} ee_tok;
typedef struct ee_tree {
    ee_tok *t;
    size_t n, cap;
    sbuf text;           /* character data not yet emitted */
    unsigned char *kids; /* per open element: it has a child element */
    size_t depth, kcap;
} ee_tree;

static inline void ee_tok_add(ee_tree *t, char kind, const char *name, const char *value, size_t vlen)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->t = realloc(t->t, t->cap * sizeof *t->t);
        assert(t->t);
    }
    ee_tok *k = &t->t[t->n++];
    k->kind = kind;
    k->name = name ? strdup(name) : NULL;
    k->value = NULL;
    if (value) {
        k->value = malloc(vlen + 1);
        assert(k->value);
        memcpy(k->value, value, vlen);
        k->value[vlen] = 0;
    }
}

static inline int ee_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') return 0;
    return 1;
}

/* Emit the pending text of the open element: whitespace-only text is
 * dropped in an element that has child elements (libevtx's indentation). */
static inline void ee_flush(ee_tree *t)
{
    int kids = t->depth > 0 && t->kids[t->depth - 1];
    if (t->text.len && !(kids && ee_blank(t->text.s, t->text.len))) ee_tok_add(t, 'T', NULL, t->text.s, t->text.len);
    sbuf_reset(&t->text);
}

static void XMLCALL ee_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    ee_tree *t = ud;
    if (t->depth > 0) {
        t->kids[t->depth - 1] = 1;
        ee_flush(t);
    }
    if (t->depth == t->kcap) {
        t->kcap = t->kcap ? 2 * t->kcap : 16;
        t->kids = realloc(t->kids, t->kcap);
        assert(t->kids);
    }
    t->kids[t->depth++] = 0;
    ee_tok_add(t, 'S', name, NULL, 0);
    for (size_t i = 0; atts[i]; i += 2) ee_tok_add(t, 'A', atts[i], atts[i + 1], strlen(atts[i + 1]));
}

static void XMLCALL ee_end(void *ud, const XML_Char *name)
{
    (void)name;
    ee_tree *t = ud;
    ee_flush(t);
    t->depth--;
    ee_tok_add(t, 'E', NULL, NULL, 0);
}

static void XMLCALL ee_chars(void *ud, const XML_Char *s, int len)
{
    ee_tree *t = ud;
    if (t->depth > 0) sbuf_addn(&t->text, s, (size_t)len);
}

static inline void ee_tree_free(ee_tree *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->t[i].name);
        free(t->t[i].value);
    }
    free(t->t);
    free(t->kids);
    sbuf_free(&t->text);
    memset(t, 0, sizeof *t);
}

/* Names as both decoders copy them from the file may hold characters XML
 * does not allow in names (fuzzed input; Windows writes none): inside tags
 * (outside quoted values) every byte that is not an ASCII name character
 * becomes "_hh_" (its hex), in both renderings alike, so that the trees
 * can still be compared; control characters are dropped (ours drops them
 * from names or writes CR and LF as &#13; &#10;, libevtx writes them raw,
 * so both are dropped). Ours escapes
 * & < > ' " in names, libevtx writes them raw: &amp; is read back as &,
 * and *special is set for the others (libevtx's tags then end or break
 * where the name has them: not comparable). Malloc'd. */
static inline char *ee_names_ascii(const char *xml, int *special)
{
    sbuf o = {0};
    int in_tag = 0;
    char quote = 0;
    for (const char *p = xml; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!in_tag) {
            if (c == '<') in_tag = 1;
            sbuf_addc(&o, (char)c);
        } else if (quote) {
            if (c == (unsigned char)quote) quote = 0;
            sbuf_addc(&o, (char)c);
        } else if (c == '"' || c == '\'') {
            quote = (char)c;
            sbuf_addc(&o, (char)c);
        } else if (c == '>') {
            in_tag = 0;
            sbuf_addc(&o, (char)c);
        } else if (isalnum(c) || strchr("_.:-/= ", c)) {
            sbuf_addc(&o, (char)c);
        } else if (c < 0x20) {
            /* control characters: ours drops them from names as from text,
             * libevtx writes them raw */
        } else if (c == '&' && p[1] == '#' && isdigit((unsigned char)p[2]) && strtol(p + 2, NULL, 10) < 0x20 &&
                   strchr(p, ';')) {
            /* ours's &#13; &#10; in a name: libevtx's raw CR, LF, dropped above */
            p = strchr(p, ';');
        } else if (c == '&') {
            /* ours escapes & < > ' " in names as in text, libevtx not */
            static const char *const ent[] = {"&amp;", "&lt;", "&gt;", "&apos;", "&quot;"};
            static const char chr[] = "&<>'\"";
            int k = 0;
            while (k < 5 && strncmp(p, ent[k], strlen(ent[k])) != 0) k++;
            sbuf_printf(&o, "_%02x_", (unsigned char)(k < 5 ? chr[k] : '&'));
            if (k < 5) p += strlen(ent[k]) - 1;
            if (k > 0 && k < 5) *special = 1;
        } else {
            sbuf_printf(&o, "_%02x_", c);
        }
    }
    if (!o.s) sbuf_addn(&o, "", 0);
    return sbuf_detach(&o);
}

/* Parse xml into t. 0, or -1 if it is not well-formed XML. Names are made
 * ASCII first (ee_names_ascii). With drop_controls (libevtx's), the control
 * characters XML 1.0 forbids (all below 0x20 but tab, LF and CR) are
 * removed and U+FFFE, U+FFFF become U+FFFD: libevtx writes them raw, which
 * makes its XML not well-formed; Windows drops the controls, and ours
 * writes U+FFFD for the two non-characters. */
static inline int ee_parse(const char *xml, ee_tree *t, int drop_controls, int *special)
{
    memset(t, 0, sizeof *t);
    char *clean = NULL;
    if (drop_controls) {
        /* U+FFFE and U+FFFF, which XML does not allow either: libevtx writes
         * them raw, ours U+FFFD */
        char *nc = strdup(xml);
        assert(nc);
        for (char *q = nc; (q = strstr(q, "\xef\xbf")) != NULL; q += 3)
            if (q[2] == '\xbe' || q[2] == '\xbf') q[2] = '\xbd';
        clean = ee_names_ascii(nc, special);
        free(nc);
    } else {
        clean = ee_names_ascii(xml, special);
    }
    if (drop_controls) {
        size_t k = 0;
        for (size_t i = 0; clean[i]; i++)
            if ((unsigned char)clean[i] >= 0x20 || clean[i] == '\t' || clean[i] == '\n' || clean[i] == '\r')
                clean[k++] = clean[i];
        clean[k] = 0;
    }
    XML_Parser p = XML_ParserCreate("UTF-8");
    assert(p);
    XML_SetUserData(p, t);
    XML_SetElementHandler(p, ee_start, ee_end);
    XML_SetCharacterDataHandler(p, ee_chars);
    int ok = XML_Parse(p, clean, (int)strlen(clean), 1) == XML_STATUS_OK;
    XML_ParserFree(p);
    free(clean);
    return ok ? 0 : -1;
}

/* --- the known formatting differences (docs/EVTX.md) --- */

static inline int ee_is_hex(const char *s, size_t n, int upper)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]) && !(upper ? (s[i] >= 'A' && s[i] <= 'F') : (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return n > 0;
}

/* Known libevtx deviations (bugs of libevtx, not formatting choices): the
 * comparison accepts them and counts them (ee_stats.lib_deviations), so
 * that they are seen. docs/EVTX.md has the list and the evidence. */
enum {
    EE_DEV_SIGNED = 1,      /* negative integers as sign and magnitude without the sign bit */
    EE_DEV_LF_DROPPED = 2,  /* a value that is one LF rendered as no value */
    EE_DEV_EMPTY_ARRAY = 4, /* an empty array rendered as one empty element */
    /* Not libevtx's: an element with attributes whose content is only an
     * optional substitution (0x0e) with a NULL value: ours keeps it,
     * <Data Name='x'></Data> (ARCHITECTURE.md: no real record says what
     * Windows writes); libevtx leaves it out, as MS-EVEN6 3.1.4.7.2 says
     * (docs/EVTX.md). */
    EE_OURS_OPTIONAL = 8,
    EE_DEV_SURROGATE = 16,  /* an unpaired high surrogate takes the next UTF-16 unit with it */
    EE_DEV_BAD_TIME = 32,   /* a date out of range written as hex words in parentheses */
    EE_DEV_NAME_END = 64,   /* a name's end (its NUL) taken as one more character */
};
#define EE_NKINDS 7

/* s is "-" and decimal digits: its magnitude in *m. */
static inline int ee_negative(const char *s, uint64_t *m)
{
    if (s[0] != '-' || !s[1] || strlen(s) > 21) return 0;
    uint64_t v = 0;
    for (const char *p = s + 1; *p; p++) {
        if (!isdigit((unsigned char)*p)) return 0;
        if (v > (UINT64_MAX - 9) / 10) return 0;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *m = v;
    return 1;
}

/* s is a whole number as strtod reads it (not inf or nan). */
static inline int ee_number(const char *s, double *v)
{
    char *end;
    if (!*s || isspace((unsigned char)*s) || strpbrk(s, "nNiIxX")) return 0;
    *v = strtod(s, &end);
    return *end == 0;
}

/* 1 when ours (the Windows form) and lib (libevtx's) are the same value,
 * up to libevtx's formatting; EE_DEV_* bits for a known libevtx deviation
 * are set in *dev. */
static inline int ee_value_eq(const char *ours, const char *lib, unsigned *dev)
{
    if (strcmp(ours, lib) == 0) return 1;
    size_t lo = strlen(ours), ll = strlen(lib);
    /* FILETIME (SystemTime and FileTime values): libevtx writes 9 fraction
     * digits, "2013-10-23T16:22:39.973500000Z"; Windows writes the 7 that a
     * FILETIME holds (100 ns), "2013-10-23T16:22:39.9735000Z". */
    if (ll == 30 && lo == 28 && lib[19] == '.' && lib[29] == 'Z' && lib[27] == '0' && lib[28] == '0' &&
        memcmp(ours, lib, 27) == 0 && ours[27] == 'Z')
        return 1;
    /* SYSTEMTIME values: libevtx writes the 3 digits of milliseconds a
     * SYSTEMTIME holds, "2021-06-13T06:19:28.351Z"; ours 7 digits like a
     * FILETIME, "2021-06-13T06:19:28.3510000Z". */
    if (ll == 24 && lo == 28 && lib[19] == '.' && lib[23] == 'Z' && memcmp(ours, lib, 23) == 0 &&
        strcmp(ours + 23, "0000Z") == 0)
        return 1;
    /* GUIDs: libevtx writes upper-case hex, "{54849625-5478-4994-A5BA-3E3B0328C30D}";
     * Windows lower case. */
    if (ll == 38 && lo == 38 && lib[0] == '{' && lib[37] == '}') {
        int same = 1;
        for (size_t i = 0; i < 38 && same; i++)
            same = ours[i] == (char)tolower((unsigned char)lib[i]) && (lib[i] < 'a' || lib[i] > 'f');
        if (same) return 1;
    }
    /* HexInt32/HexInt64: libevtx pads to 8 or 16 digits, "0x00000000000003e7";
     * Windows writes no leading zeros, "0x3e7". */
    if ((ll == 10 || ll == 18) && lo >= 3 && lo < ll && memcmp(lib, "0x", 2) == 0 && memcmp(ours, "0x", 2) == 0 &&
        ee_is_hex(lib + 2, ll - 2, 0)) {
        size_t z = 2;
        while (z + 1 < ll && lib[z] == '0') z++;
        if (strcmp(ours + 2, lib + z) == 0) return 1;
    }
    /* SizeT: libevtx writes it in decimal, "16"; ours in hex as HexInt64,
     * "0x10" (ARCHITECTURE.md; how Windows writes SizeT is not checked on
     * a real file). */
    if (lo >= 3 && memcmp(ours, "0x", 2) == 0 && ee_is_hex(ours + 2, lo - 2, 0) && ll >= 1 && ll <= 20 &&
        strspn(lib, "0123456789") == ll) {
        char hex[32];
        snprintf(hex, sizeof hex, "0x%llx", strtoull(lib, NULL, 10));
        if (strcmp(hex, ours) == 0) return 1;
    }
    /* Real32/Real64: libevtx writes C's %e with a 3-digit exponent (as
     * Microsoft's C library does), "3.199234e+003"; ours the shortest
     * decimal that reads back, "3199.234". Ours printed with %.6e must give
     * libevtx's digits and exponent. */
    double dl, dour;
    const char *el = strchr(lib, 'e');
    if (el && ee_number(lib, &dl) && ee_number(ours, &dour)) {
        char e6[64];
        snprintf(e6, sizeof e6, "%.6e", dour);
        const char *eo = strchr(e6, 'e');
        if (eo && eo - e6 == el - lib && memcmp(e6, lib, (size_t)(el - lib)) == 0 && atoi(eo + 1) == atoi(el + 1))
            return 1;
    }
    /* Line ends: libevtx writes a CR inside a value raw, and an XML parser
     * reads a raw CR LF (or lone CR) as LF (XML 1.0, 2.11 End-of-Line
     * Handling); Windows writes the CR as &#13;, which stays a CR. So ours
     * with its CRs read as XML reads raw ones must be libevtx's value. */
    if (strchr(ours, '\r')) {
        char *eol = malloc(lo + 1);
        assert(eol);
        size_t k = 0;
        for (size_t i = 0; i < lo; i++) {
            if (ours[i] == '\r') {
                eol[k++] = '\n';
                if (ours[i + 1] == '\n') i++;
            } else {
                eol[k++] = ours[i];
            }
        }
        eol[k] = 0;
        int same = strcmp(eol, lib) == 0;
        free(eol);
        if (same) return 1;
    }
    /* Deviation: a SYSTEMTIME whose fields are out of range (month 3840):
     * libevtx writes "(0x0400 0x03c0 ...)", eight hex words, each a quarter
     * of the field it read; ours writes the fields as a date anyway,
     * "4096-3840-13T06:19:28.3510000Z". Windows never writes such values. */
    if (ll > 2 && lib[0] == '(' && lib[ll - 1] == ')' && strncmp(lib + 1, "0x", 2) == 0 && lo > 20 &&
        ours[lo - 1] == 'Z' && strchr(ours, 'T')) {
        *dev |= EE_DEV_BAD_TIME;
        return 1;
    }
    /* Deviation: a high surrogate not followed by a low one: ours (as
     * Windows' text, converted to UTF-8) has U+FFFD for it and goes on
     * with the next UTF-16 unit; libevtx takes the next unit into its
     * U+FFFD, and so may even read past the NUL that ends the string. The
     * values must agree up to that U+FFFD; what follows is not compared. */
    const char *fo = strstr(ours, "\xef\xbf\xbd"), *fl = strstr(lib, "\xef\xbf\xbd");
    if (fo && fl && fo - ours == fl - lib && memcmp(ours, lib, (size_t)(fo - ours)) == 0) {
        *dev |= EE_DEV_SURROGATE;
        return 1;
    }
    /* Deviation: libevtx writes a negative Int8/16/32/64 as "-" and the
     * value with its sign bit cleared: -5 as an Int32 is "-2147483643"
     * (2^31 - 5); Windows writes "-5". */
    uint64_t mo, ml;
    if (ee_negative(ours, &mo) && ee_negative(lib, &ml)) {
        for (int bits = 8; bits <= 64; bits *= 2) {
            uint64_t half = (uint64_t)1 << (bits - 1);
            if (mo <= half && ml == half - mo) {
                *dev |= EE_DEV_SIGNED;
                return 1;
            }
        }
    }
    return 0;
}

/* Attribute values: libevtx writes CR, LF and tab raw, and an XML parser
 * reads each of them (CR LF as one) in an attribute as a space (XML 1.0,
 * 3.3.3 Attribute-Value Normalization); ours writes CR and LF as &#13;
 * and &#10;, which stay. So ours with them read as raw ones must be
 * libevtx's value. */
static inline int ee_attr_eq(const char *ours, const char *lib, unsigned *dev)
{
    if (ee_value_eq(ours, lib, dev)) return 1;
    if (!strpbrk(ours, "\r\n\t")) return 0;
    char *sp = strdup(ours);
    assert(sp);
    size_t k = 0;
    for (size_t i = 0; ours[i]; i++) {
        if (ours[i] == '\r' && ours[i + 1] == '\n') i++;
        sp[k++] = strchr("\r\n\t", ours[i]) ? ' ' : ours[i];
    }
    sp[k] = 0;
    int same = ee_value_eq(sp, lib, dev);
    free(sp);
    return same;
}

/* s for a message: control characters as \r \n \t \xNN, cut to fit. */
static inline void ee_show(char *out, size_t n, const char *s)
{
    size_t o = 0;
    for (; *s && o + 8 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\r') o += (size_t)snprintf(out + o, n - o, "\\r");
        else if (c == '\n') o += (size_t)snprintf(out + o, n - o, "\\n");
        else if (c == '\t') o += (size_t)snprintf(out + o, n - o, "\\t");
        else if (c < 0x20) o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
        else out[o++] = (char)c;
    }
    if (*s && o + 4 <= n) out[o++] = '.', out[o++] = '.', out[o++] = '.';
    out[o] = 0;
}

/* Names: a name is counted UTF-16 followed by a NUL. Deviation: when
 * that NUL is something else, libevtx takes it as one more character of
 * the name (EE_DEV_NAME_END); ours (and Windows) go by the count. */
static inline int ee_name_eq(const char *ours, const char *lib, unsigned *dev)
{
    /* EE_DEV_SURROGATE in a name (U+FFFD as ee_names_ascii writes it) */
    const char *fo = strstr(ours, "_ef__bf__bd_"), *fl = strstr(lib, "_ef__bf__bd_");
    if (fo && fl && fo - ours == fl - lib && memcmp(ours, lib, (size_t)(fo - ours)) == 0) {
        *dev |= EE_DEV_SURROGATE;
        return 1;
    }
    size_t lo = strlen(ours), ll = strlen(lib);
    if (ll <= lo || memcmp(ours, lib, lo) != 0) return 0;
    /* one more character: an ASCII name character, or one to four bytes
     * as ee_names_ascii writes them ("_hh_") */
    const char *x = lib + lo;
    size_t groups = 0;
    while (strlen(x) >= 4 && x[0] == '_' && x[3] == '_' && ee_is_hex(x + 1, 2, 0)) x += 4, groups++;
    if (!(ll - lo == 1 || (*x == 0 && groups >= 1 && groups <= 4))) return 0;
    *dev |= EE_DEV_NAME_END;
    return 1;
}

/* The start tags at a->t[i] and b->t[j] have the same name and the same
 * attributes (values as ee_value_eq takes them). */
static inline int ee_same_start(const ee_tree *a, size_t i, const ee_tree *b, size_t j)
{
    unsigned dev = 0;
    if (a->t[i].kind != 'S' || b->t[j].kind != 'S' || !(strcmp(a->t[i].name, b->t[j].name) == 0 ||
                                                          ee_name_eq(a->t[i].name, b->t[j].name, &dev)))
        return 0;
    for (i++, j++; i < a->n && j < b->n && a->t[i].kind == 'A' && b->t[j].kind == 'A'; i++, j++)
        if (!(strcmp(a->t[i].name, b->t[j].name) == 0 || ee_name_eq(a->t[i].name, b->t[j].name, &dev)) ||
            !ee_attr_eq(a->t[i].value, b->t[j].value, &dev))
            return 0;
    return (i == a->n || a->t[i].kind != 'A') && (j == b->n || b->t[j].kind != 'A');
}

/* Compare two renderings. 0 when equal (EE_DEV_* bits set in *dev for
 * known libevtx deviations); else 1 (or -1 when ours is not well-formed
 * XML) with where[] naming the first difference. Not comparable as trees:
 * 2 when neither is well-formed XML, 3 when libevtx's is not, or does not
 * hold a name as ours escapes it (libevtx's problem: it writes names raw). */
static inline int ee_same(const char *ours, const char *lib, unsigned *dev, char *where, size_t wlen)
{
    ee_tree a, b;
    int special = 0, lspecial = 0;
    int ra = ee_parse(ours, &a, 0, &special), rb = ee_parse(lib, &b, 1, &lspecial);
    int r = 0;
    if (special && !ra) {
        snprintf(where, wlen, "ours has a name with < > ' or \", which libevtx writes raw");
        r = 3;
    } else if (ra && rb) {
        snprintf(where, wlen, "neither rendering is well-formed XML");
        r = 2;
    } else if (ra) {
        snprintf(where, wlen, "ours is not well-formed XML");
        r = -1;
    } else if (rb) {
        snprintf(where, wlen, "libevtx's is not well-formed XML");
        r = 3;
    }
    const char *path[64];
    size_t depth = 0, i = 0, j = 0;
    while (r == 0 && i < a.n && j < b.n) {
        ee_tok *x = &a.t[i], *y = &b.t[j];
        const char *el = depth ? path[depth - 1] : "(top)";
        /* Deviation: a value that is one LF, which libevtx renders as none
         * (the same value with anything else, even a second LF, it keeps). */
        if (x->kind == 'T' && y->kind == 'E' && strcmp(x->value, "\n") == 0) {
            *dev |= EE_DEV_LF_DROPPED;
            i++;
            continue;
        }
        /* Deviation: an array substitution without items, which Windows
         * renders as no element and libevtx as one empty element (no
         * attributes, no content) where ours has none. */
        if (y->kind == 'S' && j + 2 < b.n && b.t[j + 1].kind == 'E' &&
            ((x->kind == 'E' && b.t[j + 2].kind == 'E') ||
             (x->kind == 'S' && !ee_same_start(&a, i, &b, j) && ee_same_start(&a, i, &b, j + 2)))) {
            *dev |= EE_DEV_EMPTY_ARRAY;
            j += 2;
            continue;
        }
        /* Ours keeps <X a='..'></X> (attributes, no content) where libevtx
         * has no such element (EE_OURS_OPTIONAL). */
        if (x->kind == 'S') {
            size_t k = i + 1;
            while (k < a.n && a.t[k].kind == 'A') k++;
            /* ... and what follows it in ours is what libevtx has here */
            if (k > i + 1 && k + 1 < a.n && a.t[k].kind == 'E' && !ee_same_start(&a, i, &b, j) &&
                ((a.t[k + 1].kind == 'S' && ee_same_start(&a, k + 1, &b, j)) ||
                 (a.t[k + 1].kind == 'E' && y->kind == 'E'))) {
                *dev |= EE_OURS_OPTIONAL;
                i = k + 1;
                continue;
            }
        }
        if (x->kind != y->kind)
            snprintf(where, wlen, "in <%s>: ours has %c %s, libevtx %c %s", el, x->kind,
                     x->name ? x->name : x->value ? x->value : "", y->kind, y->name ? y->name : y->value ? y->value : ""),
                r = 1;
        else if (x->name && strcmp(x->name, y->name) && !ee_name_eq(x->name, y->name, dev))
            snprintf(where, wlen, "in <%s>: ours names %s, libevtx %s", el, x->name, y->name), r = 1;
        else if (x->value && !(x->kind == 'A' ? ee_attr_eq(x->value, y->value, dev) : ee_value_eq(x->value, y->value, dev))) {
            char vx[160], vy[160];
            ee_show(vx, sizeof vx, x->value);
            ee_show(vy, sizeof vy, y->value);
            snprintf(where, wlen, "in <%s>%s%s: ours '%s', libevtx '%s'", el, x->name ? " @" : "",
                     x->name ? x->name : "", vx, vy), r = 1;
        }
        if (x->kind == 'S' && depth < 64) path[depth++] = x->name;
        if (x->kind == 'E' && depth) depth--;
        i++;
        j++;
    }
    if (r == 0 && (i != a.n || j != b.n))
        snprintf(where, wlen, "ours has %zu tokens, libevtx %zu (%zu and %zu alike)", a.n, b.n, i, j), r = 1;
    ee_tree_free(&a);
    ee_tree_free(&b);
    return r;
}

#endif
