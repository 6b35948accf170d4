/* xmlscan.h: a fast, strict scanner for one small XML document per line (the
 * XmlWinEventLog format), calling SAX-style handlers like expat's. It accepts
 * only a plain subset (elements, attributes, text, the five predefined
 * entities and character references, valid UTF-8) and reports anything else
 * (comments, PIs, CDATA, DOCTYPE, malformed input) as unsupported, so the
 * caller can hand the line to expat, which then decides. For input it
 * accepts, the handlers see the same names, attributes and text as expat's
 * (tests/fuzz compare), but as pointer + length: nothing is NUL-terminated,
 * and what needs no decoding points straight into the document (no copy). */
#ifndef SPLITE_XMLSCAN_H
#define SPLITE_XMLSCAN_H
#include <stddef.h>

typedef struct xmlscan_att {
    const char *name;  /* points into the document */
    size_t name_len;
    const char *value; /* decoded */
    size_t value_len;
    int stable;        /* value points into the document (else into a buffer
                          valid until the next start tag) */
} xmlscan_att;

typedef struct xmlscan_handlers {
    void *ud;
    /* name points into the document; atts[0..natt) in document order. */
    void (*start)(void *ud, const char *name, size_t len, const xmlscan_att *atts, int natt);
    /* All the character data between two tags in one call. stable: txt
     * points into the document, else into a buffer valid until the next
     * text call. */
    void (*text)(void *ud, const char *txt, size_t len, int stable);
    void (*end)(void *ud, const char *name, size_t len);
    int *stop;  /* when *stop becomes non-zero, scanning ends (XMLSCAN_STOPPED) */
} xmlscan_handlers;

enum { XMLSCAN_OK = 0, XMLSCAN_UNSUPPORTED = 1, XMLSCAN_STOPPED = 2 };

typedef struct xmlscan xmlscan;
xmlscan *xmlscan_new(void);
void xmlscan_free(xmlscan *x);
/* Scan doc[0..len). Handlers may already have been called when it returns
 * XMLSCAN_UNSUPPORTED: the caller must discard their effects. Pointers
 * into the document stay valid as long as the caller keeps doc. */
int xmlscan_run(xmlscan *x, const char *doc, size_t len, const xmlscan_handlers *h);
/* 1 if s[0..n) is a name the scanner accepts (else it leaves the document
 * to expat). */
int xmlscan_plain_name(const char *s, size_t n);
/* The scanner's limits: deeper elements or more attributes are left to
 * expat. */
#define XMLSCAN_MAX_DEPTH 64
#define XMLSCAN_MAX_ATTS 32
#endif
