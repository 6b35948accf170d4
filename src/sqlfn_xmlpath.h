/* sqlfn_xmlpath.h: spath's location paths over an XML document
 * (sqlfn_xmlpath.c). */
#ifndef SPLITE_SQLFN_XMLPATH_H
#define SPLITE_SQLFN_XMLPATH_H
#include <stddef.h>

#include "mv.h"

/* Add to out the values path (a.b{N}.c{@attr}) reaches in the XML document
 * doc[0..n). Returns 0, 1 when doc is not XML the scanner reads (nothing
 * added), -1 when path is malformed. */
int sqlfn_xml_path(const char *doc, size_t n, const char *path, mv_list *out);
#endif
