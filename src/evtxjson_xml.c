/* evtxjson_xml.c: evtx_dump's JSON for one event back to the XML Windows
 * renders (EvtRender, as Splunk's XmlWinEventLog input stores it), on one line:
 *
 *   {"Event": {"#attributes": {"xmlns": X}, "System": {"Provider":
 *     {"#attributes": {"Name": "P"}}, "EventID": 11, ...}, "EventData":
 *     {"RuleName": "-", ...}}}
 *   ->  <Event xmlns='X'><System><Provider Name='P'/><EventID>11</EventID>...
 *       </System><EventData><Data Name='RuleName'>-</Data>...</EventData></Event>
 *
 * How the evtx crate writes JSON, and how it is undone here:
 *  - an element is a key; a leaf's text is the value (numbers as JSON
 *    numbers, written back as their digits; true/false as such); an element
 *    with attributes or children is an object, attributes under
 *    "#attributes", its own text under "#text"; an empty element is null
 *    (written <X/>);
 *  - repeated child elements get keys X, X_1, X_2, ...: a key X_<n> whose X
 *    is also a key of the same object is element X;
 *  - in EventData, <Data Name='K'>v</Data> is "K": v (an empty one is ""),
 *    unnamed <Data> elements are "Data": {"#text": v} or {"#text": [v1, v2]}
 *    (written as one <Data> per value), <Binary> stays "Binary"; every other
 *    key of EventData is taken as a named Data;
 *  - an array value is the element repeated once per item;
 *  - with evtx_dump --separate-json-attributes (the record is then
 *    {"Event_attributes": {...}, "Event": {...}}), an element's attributes
 *    are the sibling "X_attributes" instead of "#attributes", and an element
 *    with attributes but no content is that key alone;
 *  - GUID values are written by the crate as 36 upper-case hex digits and
 *    dashes without braces; Windows writes them in braces
 *    ({5770385F-C22A-43E0-BF4C-06F5698FFBD9}, as Sysmon's ProcessGuid or a
 *    Provider Guid appear in Splunk): such a value gets its braces back.
 *  - what the crate cannot give back is not invented: SystemTime keeps the
 *    crate's 6 fraction digits (Windows writes 7 or 9), and an unnamed Data
 *    next to named ones was dropped by the crate.
 * XML text is escaped as Windows does (&amp; &lt; &gt;, and &apos; in
 * attribute values, which are single-quoted); CR, LF (and tab in attribute
 * values) become character references so that the event stays one line and
 * the values read back byte for byte. Characters XML 1.0 does not allow
 * (control characters, \u0000 included, U+FFFE, U+FFFF) are written as the
 * text \xNN per byte, as the XmlWinEventLog reader keeps control characters,
 * so such an event is kept rather than rejected. */
#include "evtxjson_xml.h"
#include "jsonscan.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define EX_MAX_DEPTH 64
#define EX_XMLNS "http://schemas.microsoft.com/win/2004/08/events/event"

typedef struct ex_ctx {
    sbuf *out;
    char *err;
    size_t errlen;
    int separate; /* evtx_dump --separate-json-attributes: "X_attributes" keys */
} ex_ctx;

static int ex_fail(ex_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ex_fail(ex_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (c->errlen) vsnprintf(c->err, c->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* An XML Name (ASCII rules; any non-ASCII byte is allowed). */
static int ex_is_name(const char *s, size_t n)
{
    if (!n) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == ':' || ch >= 0x80 ||
                 (i > 0 && ((ch >= '0' && ch <= '9') || ch == '-' || ch == '.'));
        if (!ok) return 0;
    }
    return 1;
}

/* The crate's GUID text: XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX, upper-case hex. */
static int ex_is_guid(const char *s, size_t n)
{
    if (n != 36) return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (ch != '-') return 0;
        } else if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F'))) {
            return 0;
        }
    }
    return 1;
}

static void ex_escape(sbuf *o, const char *s, size_t n, int attr)
{
    size_t run = 0; /* start of the bytes not yet copied */
    char hex[16];
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
            /* not an XML 1.0 character: written as \xNN, as the
             * XmlWinEventLog reader keeps control characters */
            snprintf(hex, sizeof hex, "\\x%02X", ch);
            rep = hex;
        } else if (ch == 0xEF && n - i >= 3 && (unsigned char)s[i + 1] == 0xBF &&
                   ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF)) {
            /* U+FFFE, U+FFFF: not XML characters either */
            snprintf(hex, sizeof hex, "\\xEF\\xBF\\x%02X", (unsigned char)s[i + 2]);
            sbuf_addn(o, s + run, i - run);
            sbuf_add(o, hex);
            i += 2;
            run = i + 1;
            continue;
        }
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '\r': rep = "&#13;"; break;
        case '\n': rep = "&#10;"; break;
        case '\'': rep = attr ? "&apos;" : NULL; break;
        case '\t': rep = attr ? "&#9;" : NULL; break;
        default: break;
        }
        if (!rep) continue;
        sbuf_addn(o, s + run, i - run);
        sbuf_add(o, rep);
        run = i + 1;
    }
    sbuf_addn(o, s + run, n - run);
}

/* The text of a scalar (escaped); -1 for an object or array. */
static int ex_scalar(ex_ctx *c, json_t *v, int attr)
{
    char buf[64];
    switch (json_typeof(v)) {
    case JSON_STRING: {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        if (ex_is_guid(s, n)) {
            sbuf_addc(c->out, '{');
            sbuf_addn(c->out, s, n);
            sbuf_addc(c->out, '}');
        } else {
            ex_escape(c->out, s, n, attr);
        }
        return 0;
    }
    case JSON_INTEGER:
        sbuf_printf(c->out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return 0;
    case JSON_REAL:
        jsonscan_format_real(json_real_value(v), buf, sizeof buf);
        sbuf_add(c->out, buf);
        return 0;
    case JSON_TRUE:
        sbuf_add(c->out, "true");
        return 0;
    case JSON_FALSE:
        sbuf_add(c->out, "false");
        return 0;
    case JSON_NULL:
        return 0;
    default:
        return -1;
    }
}

/* name='value' (value a scalar). */
static int ex_attr(ex_ctx *c, const char *name, size_t nlen, json_t *v)
{
    if (!ex_is_name(name, nlen)) return ex_fail(c, "attribute name \"%.*s\" is not an XML name", (int)nlen, name);
    sbuf_addc(c->out, ' ');
    sbuf_addn(c->out, name, nlen);
    sbuf_add(c->out, "='");
    if (ex_scalar(c, v, 1) != 0)
        return ex_fail(c, "attribute \"%.*s\" is an object or array, not a value", (int)nlen, name);
    sbuf_addc(c->out, '\'');
    return 0;
}

/* An extra attribute the JSON holds outside "#attributes": a named Data's
 * Name, the default xmlns of <Event>. */
typedef struct ex_extra {
    const char *name;
    const char *value;
    size_t value_len;
} ex_extra;

static int ex_value(ex_ctx *c, const char *name, size_t nlen, json_t *v, int depth, const ex_extra *extra,
                    int data, json_t *attrs);

static int ex_is_meta_key(const char *k)
{
    return !strcmp(k, "#attributes") || !strcmp(k, "#text");
}

/* Separate mode: the member "<k[0..klen)>_attributes" of obj, or NULL. */
static json_t *ex_sep_attrs(const ex_ctx *c, json_t *obj, const char *k, size_t klen)
{
    char key[256];
    if (!c->separate || klen + 12 > sizeof key) return NULL;
    memcpy(key, k, klen);
    memcpy(key + klen, "_attributes", 12);
    return json_object_get(obj, key);
}

/* Separate mode: the length of X when k is "X_attributes", else 0. */
static size_t ex_attr_key_base(const ex_ctx *c, const char *k, size_t klen)
{
    if (!c->separate || klen <= 11 || strcmp(k + klen - 11, "_attributes") != 0) return 0;
    return klen - 11;
}

/* The element name of the key k[0..klen) of object obj: X_<n> is X when X
 * is a key too (or, in separate mode, X_attributes is). */
static size_t ex_key_name(const ex_ctx *c, json_t *obj, const char *k, size_t klen)
{
    size_t i = klen;
    while (i > 0 && k[i - 1] >= '0' && k[i - 1] <= '9') i--;
    if (i == klen || i < 2 || k[i - 1] != '_') return klen;
    char base[256];
    if (i - 1 >= sizeof base) return klen;
    memcpy(base, k, i - 1);
    base[i - 1] = 0;
    return json_object_get(obj, base) || ex_sep_attrs(c, obj, base, i - 1) ? i - 1 : klen;
}

/* The child elements of obj (element name parent). */
static int ex_children(ex_ctx *c, const char *parent, size_t plen, json_t *obj, int depth)
{
    int event_data = plen == 9 && !memcmp(parent, "EventData", 9);
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        if (ex_is_meta_key(k)) continue;
        size_t klen = strlen(k), eklen = klen;
        json_t *val = v, *attrs;
        size_t ab = ex_attr_key_base(c, k, klen);
        if (ab) {
            /* "X_attributes": rendered with X, or an element X without content */
            char base[256];
            if (ab < sizeof base) {
                memcpy(base, k, ab);
                base[ab] = 0;
                if (json_object_get(obj, base)) continue;
            }
            attrs = v;
            val = NULL;
            eklen = ab;
        } else {
            attrs = ex_sep_attrs(c, obj, k, klen);
        }
        if (event_data && strcmp(k, "Binary") != 0 && !ab) {
            if (!strcmp(k, "Data")) {
                if (ex_value(c, "Data", 4, v, depth + 1, NULL, 1, attrs)) return -1;
            } else {
                ex_extra name = {"Name", k, klen};
                if (ex_value(c, "Data", 4, v, depth + 1, &name, 1, NULL)) return -1;
            }
            continue;
        }
        size_t nlen = ex_key_name(c, obj, k, eklen);
        if (!ex_is_name(k, nlen)) return ex_fail(c, "key \"%s\" is not an XML element name", k);
        if (ex_value(c, k, nlen, val, depth + 1, NULL, 0, attrs)) return -1;
    }
    return 0;
}

/* <name attrs, without the closing '>'. */
static int ex_open(ex_ctx *c, const char *name, size_t nlen, json_t *attrs, const ex_extra *extra)
{
    sbuf_addc(c->out, '<');
    sbuf_addn(c->out, name, nlen);
    if (extra) {
        if (!ex_is_name(extra->name, strlen(extra->name))) return -1;
        sbuf_addc(c->out, ' ');
        sbuf_add(c->out, extra->name);
        sbuf_add(c->out, "='");
        ex_escape(c->out, extra->value, extra->value_len, 1);
        sbuf_addc(c->out, '\'');
    }
    if (!attrs || json_is_null(attrs)) return 0;
    if (!json_is_object(attrs)) return ex_fail(c, "\"#attributes\" of <%.*s> is not an object", (int)nlen, name);
    const char *k;
    json_t *v;
    json_object_foreach(attrs, k, v) {
        if (extra && !strcmp(k, extra->name)) continue;
        if (ex_attr(c, k, strlen(k), v)) return -1;
    }
    return 0;
}

/* The end of an element without content: <X/>, or <Data ...></Data>. */
static void ex_empty(ex_ctx *c, const char *name, size_t nlen, int data)
{
    if (!data) {
        sbuf_add(c->out, "/>");
        return;
    }
    sbuf_add(c->out, "></");
    sbuf_addn(c->out, name, nlen);
    sbuf_addc(c->out, '>');
}

static void ex_close(ex_ctx *c, const char *name, size_t nlen)
{
    sbuf_add(c->out, "</");
    sbuf_addn(c->out, name, nlen);
    sbuf_addc(c->out, '>');
}

static int ex_has_children(json_t *obj)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        if (!ex_is_meta_key(k)) return 1;
    }
    return 0;
}

/* An element given as an object: attributes, "#text" and children. */
static int ex_object(ex_ctx *c, const char *name, size_t nlen, json_t *obj, int depth, const ex_extra *extra,
                     int data, json_t *attrs)
{
    if (!attrs) attrs = json_object_get(obj, "#attributes");
    json_t *text = json_object_get(obj, "#text");
    int kids = ex_has_children(obj);
    size_t ntext = 1;
    if (json_is_array(text)) {
        ntext = json_array_size(text);
        if (!ntext) text = NULL, ntext = 1;
    }
    /* "#text": [a, b] is the element repeated (unnamed Data); children, if
     * any, go into the first. */
    for (size_t t = 0; t < ntext; t++) {
        json_t *tv = json_is_array(text) ? json_array_get(text, t) : text;
        if (ex_open(c, name, nlen, attrs, extra)) return -1;
        int has_text = tv && !json_is_null(tv);
        if (!has_text && !(kids && t == 0)) {
            ex_empty(c, name, nlen, data);
            continue;
        }
        sbuf_addc(c->out, '>');
        if (has_text && ex_scalar(c, tv, 0) != 0)
            return ex_fail(c, "\"#text\" of <%.*s> is not a value", (int)nlen, name);
        if (kids && t == 0 && ex_children(c, name, nlen, obj, depth)) return -1;
        ex_close(c, name, nlen);
    }
    return 0;
}

/* Element(s) name for the JSON value v (NULL: an element without content);
 * attrs: its attributes given outside v (separate mode), else NULL. */
static int ex_value(ex_ctx *c, const char *name, size_t nlen, json_t *v, int depth, const ex_extra *extra,
                    int data, json_t *attrs)
{
    if (depth > EX_MAX_DEPTH) return ex_fail(c, "elements nested deeper than %d", EX_MAX_DEPTH);
    if (!v) {
        if (ex_open(c, name, nlen, attrs, extra)) return -1;
        ex_empty(c, name, nlen, data);
        return 0;
    }
    switch (json_typeof(v)) {
    case JSON_ARRAY: {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            if (json_is_array(item)) return ex_fail(c, "array in an array under \"%.*s\"", (int)nlen, name);
            if (ex_value(c, name, nlen, item, depth, extra, data, attrs)) return -1;
        }
        return 0;
    }
    case JSON_OBJECT:
        return ex_object(c, name, nlen, v, depth, extra, data, attrs);
    case JSON_NULL:
        if (ex_open(c, name, nlen, attrs, extra)) return -1;
        ex_empty(c, name, nlen, data);
        return 0;
    default:
        if (ex_open(c, name, nlen, attrs, extra)) return -1;
        sbuf_addc(c->out, '>');
        ex_scalar(c, v, 0);
        ex_close(c, name, nlen);
        return 0;
    }
}

int evtxjson_to_xml(json_t *root, sbuf *out, char *err, size_t errlen)
{
    ex_ctx c = {out, err, errlen, 0};
    assert(out);
    json_t *ev = json_is_object(root) ? json_object_get(root, "Event") : NULL;
    if (!json_is_object(ev)) return ex_fail(&c, "not an evtx_dump event: expected {\"Event\": {...}}");
    json_t *attrs = json_object_get(root, "Event_attributes");
    c.separate = json_is_object(attrs);
    if (!c.separate) attrs = json_object_get(ev, "#attributes");
    /* Windows' <Event> always carries the event namespace. */
    ex_extra xmlns = {"xmlns", EX_XMLNS, sizeof EX_XMLNS - 1};
    int has_ns = json_is_object(attrs) && json_object_get(attrs, "xmlns");
    return ex_object(&c, "Event", 5, ev, 1, has_ns ? NULL : &xmlns, 0, attrs);
}
