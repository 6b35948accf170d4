/* xmlscan.h: a fast, strict scanner for one small XML document per line (the
 * XmlWinEventLog format), calling SAX-style handlers like expat's. It accepts
 * only a plain subset (elements, attributes, text, the five predefined
 * entities and character references, valid UTF-8) and reports anything else
 * (comments, PIs, CDATA, DOCTYPE, malformed input) as unsupported, so the
 * caller can hand the line to expat, which then decides. For input it
 * accepts, the handler calls are the same as expat's (tests/fuzz compare). */
#ifndef SPLITE_XMLSCAN_H
#define SPLITE_XMLSCAN_H
#include <stddef.h>

typedef struct xmlscan_handlers {
    void *ud;
    /* atts: NULL-terminated name, value, name, value, ... (decoded). */
    void (*start)(void *ud, const char *name, const char **atts);
    void (*text)(void *ud, const char *txt, int len);
    void (*end)(void *ud, const char *name);
    int *stop;  /* when *stop becomes non-zero, scanning ends (XMLSCAN_STOPPED) */
} xmlscan_handlers;

enum { XMLSCAN_OK = 0, XMLSCAN_UNSUPPORTED = 1, XMLSCAN_STOPPED = 2 };

typedef struct xmlscan xmlscan;
xmlscan *xmlscan_new(void);
void xmlscan_free(xmlscan *x);
/* Scan doc[0..len). Handlers may already have been called when it returns
 * XMLSCAN_UNSUPPORTED: the caller must discard their effects. */
int xmlscan_run(xmlscan *x, const char *doc, size_t len, const xmlscan_handlers *h);
#endif
