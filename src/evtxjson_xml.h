/* evtxjson_xml.h: one event of evtx_dump's JSON (omerbenamram's evtx crate:
 * {"Event": {"#attributes": {...}, "System": {...}, "EventData": {...}}})
 * rendered back to the XML text Windows gives for it, as one line, so that
 * the XmlWinEventLog reader parses it into the same event (see
 * evtxjson_xml.c for the rules). */
#ifndef SPLITE_EVTXJSON_XML_H
#define SPLITE_EVTXJSON_XML_H
#include <jansson.h>
#include <stddef.h>

#include "util.h"

/* Append the XML of the event root (the whole parsed JSON object) to out.
 * Returns 0, or -1 with a reason in err (the object is not an evtx_dump
 * event, or holds something XML cannot carry). */
int evtxjson_to_xml(json_t *root, sbuf *out, char *err, size_t errlen);
#endif
