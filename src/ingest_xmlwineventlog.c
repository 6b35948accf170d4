/* ingest_xmlwineventlog.c: the XmlWinEventLog reader. One
 * <Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>...</Event>
 * per line, as Splunk's Windows forwarders write it, parsed with expat.
 * Fields are named as Splunk's Windows and Sysmon add-ons name them:
 *   System:   EventCode and EventID (from EventID), Qualifiers, Version, Level,
 *             Task, Opcode, Keywords, EventRecordID, Channel, Computer,
 *             SystemTime (TimeCreated/@SystemTime, also _time), Name, Guid,
 *             EventSourceName (Provider attributes), ProcessID, ThreadID
 *             (Execution), UserID (Security), ActivityID, RelatedActivityID
 *             (Correlation)
 *   EventData: <Data Name='X'>v</Data> -> X; unnamed <Data> -> Data
 *             (multivalue when repeated); <Binary> -> Binary
 *   (EventData_Xml and System_Props_Xml are not stored: they would double the
 *   database; they are search-time extractions from _raw.)
 *   UserData: every leaf element -> its element name
 *   RenderingInfo: Message (and Level/Task/Opcode/Channel/Provider text as
 *             RenderingInfo_*), Keywords/Keyword values
 * Lines are parsed by the fast scanner in xmlscan.c; a line it does not
 * accept (anything beyond the plain subset, or malformed) is parsed by expat,
 * which gives the same fields or the error. Entities are decoded; host comes
 * from Computer; source defaults to XmlWinEventLog:<Channel> as Splunk's
 * forwarder sets it. */
#include "ingest.h"
#include "ingest_xw.h"
#include "timeparse.h"
#include "util.h"
#include "xmlscan.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

enum xw_section { XW_NONE, XW_SYSTEM, XW_EVENTDATA, XW_USERDATA, XW_RENDERING };

typedef struct xw_state {
    XML_Parser p;
    event ev;
    struct ingest *in;
    const char *line;
    int depth;
    enum xw_section section;
    int section_depth;
    /* character data of the current element: a reference into the line
     * (fast scanner, no entity) or a copy in text */
    sbuf text;
    const char *tref;
    size_t tref_len;
    int collecting;
    char elem[128];              /* current leaf element name */
    size_t elem_len;             /* its full length (elem is cut at 127) */
    const char *data_name;       /* Name= of the current <Data> */
    size_t data_name_len;
    int data_name_stable;        /* data_name points into the line */
    char data_name_buf[256];
    int data_named;
    int saw_event;
    int stop;                    /* the root is not <Event>: give up */
    int in_expat;                /* expat is parsing (else the fast scanner) */
    int expat_ok;                /* expat's last parse was well-formed */
    xmlscan *scan;
    size_t prefix_len[64];       /* namespace prefix length of the open element at each depth */
    xmlscan_att *xatts;          /* expat's attributes, converted */
    int xatts_cap;
    sbuf scratch;
    sbuf ctl;                    /* a line with control characters escaped */
    xmlscan_handlers direct;     /* handed to a reader that renders the line itself */
} xw_state;

/* Tests and the equivalence fuzzer set this to parse every line with expat. */
int xw_force_expat;

static int xw_detect(const char *head, size_t len)
{
    size_t i = 0;
    while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) i++;
    /* UTF-8 byte order mark */
    if (len - i >= 3 && (unsigned char)head[i] == 0xEF && (unsigned char)head[i + 1] == 0xBB) i += 3;
    if (len - i >= 6 && memcmp(head + i, "<Event", 6) == 0) return 90;
    return 0;
}

/* name[0..len) equals the string literal lit */
#define XW_IS(name, len, lit) ((len) == sizeof(lit) - 1 && !memcmp((name), (lit), sizeof(lit) - 1))

static const xmlscan_att *xw_attr(const xmlscan_att *atts, int natt, const char *name, size_t len)
{
    for (int i = 0; i < natt; i++)
        if (atts[i].name_len == len && !memcmp(atts[i].name, name, len)) return &atts[i];
    return NULL;
}

/* Add a field. Only what is not stable (valid until the event is emitted:
 * string literals, the line itself) is copied into the event. */
static void xw_field(xw_state *s, const char *name, size_t nlen, int name_stable, const char *v, size_t vlen,
                     int v_stable)
{
    if (!nlen) return;
    if (!name_stable) name = event_strndup(&s->ev, name, nlen);
    if (!v_stable) v = event_strndup(&s->ev, v, vlen);
    event_add_ref(&s->ev, name, nlen, v, vlen);
}

/* A field named by a string literal. */
#define XW_ADD(s, lit, v, vlen, v_stable) xw_field((s), (lit), sizeof(lit) - 1, 1, (v), (vlen), (v_stable))

static void xw_add_attrs(xw_state *s, const xmlscan_att *atts, int natt, const char *const *names)
{
    for (int k = 0; names[k]; k++) {
        size_t nl = strlen(names[k]);
        const xmlscan_att *a = xw_attr(atts, natt, names[k], nl);
        if (a) xw_field(s, names[k], nl, 1, a->value, a->value_len, a->stable);
    }
}

/* Strip a namespace prefix if any. */
static void xw_local(const char **name, size_t *len)
{
    const char *c = memchr(*name, ':', *len); /* rare: find the last one then */
    if (!c) return;
    for (size_t i = *len; i > 0; i--)
        if ((*name)[i - 1] == ':') {
            *name += i;
            *len -= i;
            return;
        }
}

/* Element start; name and attribute names point into the line when
 * name_stable (the fast scanner), else they are expat's. */
static void xw_on_start(xw_state *s, const char *name, size_t nlen, int name_stable, const xmlscan_att *atts,
                        int natt)
{
    s->depth++;
    size_t full = nlen;
    xw_local(&name, &nlen);
    if (s->depth <= (int)(sizeof s->prefix_len / sizeof s->prefix_len[0])) s->prefix_len[s->depth - 1] = full - nlen;
    if (s->depth == 1) {
        if (!XW_IS(name, nlen, "Event")) {
            s->stop = 1;
            if (s->in_expat) XML_StopParser(s->p, XML_FALSE);
        } else {
            s->saw_event = 1;
        }
        return;
    }
    if (s->depth == 2) {
        s->section_depth = 2;
        if (XW_IS(name, nlen, "System")) {
            s->section = XW_SYSTEM;
        } else if (XW_IS(name, nlen, "EventData")) {
            s->section = XW_EVENTDATA;
        } else if (XW_IS(name, nlen, "UserData")) {
            s->section = XW_USERDATA;
        } else if (XW_IS(name, nlen, "RenderingInfo")) {
            s->section = XW_RENDERING;
        } else {
            s->section = XW_NONE;
        }
        return;
    }
    sbuf_reset(&s->text);
    s->tref = NULL;
    s->tref_len = 0;
    s->collecting = 1;
    (void)name_stable;
    switch (s->section) {
    case XW_SYSTEM:
        if (s->depth != 3) break;
        if (XW_IS(name, nlen, "Provider")) {
            static const char *const a[] = {"Name", "Guid", "EventSourceName", NULL};
            xw_add_attrs(s, atts, natt, a);
        } else if (XW_IS(name, nlen, "EventID")) {
            const xmlscan_att *q = xw_attr(atts, natt, "Qualifiers", 10);
            if (q) XW_ADD(s, "Qualifiers", q->value, q->value_len, q->stable);
        } else if (XW_IS(name, nlen, "TimeCreated")) {
            const xmlscan_att *t = xw_attr(atts, natt, "SystemTime", 10);
            if (t) {
                XW_ADD(s, "SystemTime", t->value, t->value_len, t->stable);
                double v;
                if (time_parse_iso8601(t->value, t->value_len, &v) == 0) {
                    s->ev.time = v;
                    s->ev.has_time = 1;
                }
            }
        } else if (XW_IS(name, nlen, "Execution")) {
            static const char *const a[] = {"ProcessID", "ThreadID", "ProcessorID", "SessionID", "KernelTime",
                                            "UserTime", "ProcessorTime", NULL};
            xw_add_attrs(s, atts, natt, a);
        } else if (XW_IS(name, nlen, "Security")) {
            static const char *const a[] = {"UserID", NULL};
            xw_add_attrs(s, atts, natt, a);
        } else if (XW_IS(name, nlen, "Correlation")) {
            static const char *const a[] = {"ActivityID", "RelatedActivityID", NULL};
            xw_add_attrs(s, atts, natt, a);
        }
        break;
    case XW_EVENTDATA:
        if (XW_IS(name, nlen, "Data")) {
            const xmlscan_att *n = xw_attr(atts, natt, "Name", 4);
            s->data_named = n && n->value_len;
            if (s->data_named) {
                size_t dl = n->value_len;
                if (dl >= sizeof s->data_name_buf) dl = sizeof s->data_name_buf - 1;
                s->data_name_len = dl;
                s->data_name_stable = n->stable;
                if (n->stable) {
                    s->data_name = n->value;
                } else {
                    memcpy(s->data_name_buf, n->value, dl);
                    s->data_name_buf[dl] = 0;
                    s->data_name = s->data_name_buf;
                }
            }
        }
        break;
    case XW_USERDATA: {
        /* only read at this element's end (any child resets it) */
        size_t nl = nlen;
        if (nl >= sizeof s->elem) nl = sizeof s->elem - 1;
        memcpy(s->elem, name, nl);
        s->elem[nl] = 0;
        s->elem_len = nlen;
        break;
    }
    case XW_RENDERING:
    case XW_NONE:
        break;
    }
}

static void xw_on_text(xw_state *s, const char *txt, size_t len, int stable)
{
    if (!s->collecting) return;
    if (stable && !s->tref && !s->text.len) {
        s->tref = txt;
        s->tref_len = len;
        return;
    }
    if (s->tref) {
        sbuf_addn(&s->text, s->tref, s->tref_len);
        s->tref = NULL;
    }
    sbuf_addn(&s->text, txt, len);
}

static void xw_on_end(xw_state *s, const char *name, size_t nlen, int name_stable)
{
    /* the same name as at the start (well-formed): its prefix is known */
    if (s->depth >= 1 && s->depth <= (int)(sizeof s->prefix_len / sizeof s->prefix_len[0])) {
        size_t k = s->prefix_len[s->depth - 1];
        name += k;
        nlen -= k;
    } else {
        xw_local(&name, &nlen);
    }
    int tstable = s->tref != NULL;
    const char *txt = tstable ? s->tref : s->text.s ? s->text.s : "";
    size_t tlen = tstable ? s->tref_len : s->text.len;
    if (s->depth == 2) {
        s->section = XW_NONE;
    } else if (s->depth >= 3 && s->collecting) {
        switch (s->section) {
        case XW_SYSTEM:
            if (s->depth != 3) break;
            if (XW_IS(name, nlen, "EventID")) {
                if (!tstable) {
                    txt = event_strndup(&s->ev, txt, tlen);
                    tstable = 1;
                }
                XW_ADD(s, "EventCode", txt, tlen, tstable);
                XW_ADD(s, "EventID", txt, tlen, tstable);
            } else if (XW_IS(name, nlen, "Computer")) {
                XW_ADD(s, "Computer", txt, tlen, tstable);
                s->ev.host = event_strndup(&s->ev, txt, tlen);
            } else if (XW_IS(name, nlen, "Version") || XW_IS(name, nlen, "Level") || XW_IS(name, nlen, "Task") ||
                       XW_IS(name, nlen, "Opcode") || XW_IS(name, nlen, "Keywords") ||
                       XW_IS(name, nlen, "EventRecordID") || XW_IS(name, nlen, "Channel")) {
                xw_field(s, name, nlen, name_stable, txt, tlen, tstable);
                if (tlen && XW_IS(name, nlen, "Channel")) {
                    /* the forwarder's source: XmlWinEventLog:<Channel> (--source
                     * and a manifest's source still win, see ingest_emit) */
                    sbuf_reset(&s->scratch);
                    sbuf_add(&s->scratch, "XmlWinEventLog:");
                    sbuf_addn(&s->scratch, txt, tlen);
                    /* cut at a NUL as the printf of old did */
                    s->ev.source = event_strndup(&s->ev, s->scratch.s, strlen(s->scratch.s));
                }
            }
            break;
        case XW_EVENTDATA:
            if (XW_IS(name, nlen, "Data")) {
                if (s->data_named)
                    xw_field(s, s->data_name, s->data_name_len, s->data_name_stable, txt, tlen, tstable);
                else
                    XW_ADD(s, "Data", txt, tlen, tstable);
            } else if (XW_IS(name, nlen, "Binary")) {
                XW_ADD(s, "Binary", txt, tlen, tstable);
            } else if (s->depth >= 3) {
                xw_field(s, name, nlen, name_stable, txt, tlen, tstable);
            }
            break;
        case XW_USERDATA:
            /* Leaf elements only: a wrapper's text is empty. */
            if (s->depth >= 4 && s->elem_len < sizeof s->elem && nlen == s->elem_len && !memcmp(name, s->elem, nlen))
                xw_field(s, name, nlen, name_stable, txt, tlen, tstable);
            break;
        case XW_RENDERING:
            if (XW_IS(name, nlen, "Message")) {
                XW_ADD(s, "Message", txt, tlen, tstable);
            } else if (XW_IS(name, nlen, "Keyword")) {
                XW_ADD(s, "Keyword", txt, tlen, tstable);
            } else if (s->depth == 3 && !XW_IS(name, nlen, "Keywords")) {
                char f[160];
                int fl = snprintf(f, sizeof f, "RenderingInfo_%.*s", (int)nlen, name);
                if (fl >= (int)sizeof f) fl = (int)sizeof f - 1;
                xw_field(s, f, (size_t)fl, 0, txt, tlen, tstable);
            }
            break;
        case XW_NONE:
            break;
        }
    }
    s->collecting = 0;
    sbuf_reset(&s->text);
    s->tref = NULL;
    s->depth--;
}

/* --- the fast scanner's handlers ------------------------------------------ */

static void xs_start_cb(void *ud, const char *name, size_t len, const xmlscan_att *atts, int natt)
{
    xw_on_start(ud, name, len, 1, atts, natt);
}

static void xs_text_cb(void *ud, const char *txt, size_t len, int stable)
{
    xw_on_text(ud, txt, len, stable);
}

static void xs_end_cb(void *ud, const char *name, size_t len)
{
    xw_on_end(ud, name, len, 1);
}

/* --- expat's handlers: nothing expat hands out outlives the call ---------- */

static void XMLCALL xw_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xw_state *s = ud;
    int n = 0;
    while (atts[2 * n]) n++;
    if (n > s->xatts_cap) {
        s->xatts_cap = n + 16;
        s->xatts = xrealloc(s->xatts, (size_t)s->xatts_cap * sizeof *s->xatts);
    }
    for (int i = 0; i < n; i++) {
        s->xatts[i].name = atts[2 * i];
        s->xatts[i].name_len = strlen(atts[2 * i]);
        s->xatts[i].value = atts[2 * i + 1];
        s->xatts[i].value_len = strlen(atts[2 * i + 1]);
        s->xatts[i].stable = 0;
    }
    xw_on_start(s, name, strlen(name), 0, s->xatts, n);
}

static void XMLCALL xw_text(void *ud, const XML_Char *txt, int len)
{
    xw_on_text(ud, txt, (size_t)len, 0);
}

static void XMLCALL xw_end(void *ud, const XML_Char *name)
{
    xw_on_end(ud, name, strlen(name), 0);
}

static void xw_setup(xw_state *s)
{
    XML_SetUserData(s->p, s);
    XML_SetElementHandler(s->p, xw_start, xw_end);
    XML_SetCharacterDataHandler(s->p, xw_text);
}

static void *xw_open(void)
{
    xw_state *s = xcalloc(1, sizeof *s);
    s->p = XML_ParserCreate("UTF-8");
    s->scan = xmlscan_new();
    event_init(&s->ev);
    xw_setup(s);
    return s;
}

static void xw_begin(xw_state *s, struct ingest *in, const char *line)
{
    event_reset(&s->ev);
    s->in = in;
    s->line = line;
    s->depth = 0;
    s->section = XW_NONE;
    s->collecting = 0;
    s->saw_event = 0;
    s->stop = 0;
    sbuf_reset(&s->text);
    s->tref = NULL;
}

/* C0 control characters XML 1.0 does not allow (tab, LF and CR it does) */
static int xw_is_control(unsigned char c)
{
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

static int xw_has_control(const char *line, size_t len)
{
    for (size_t k = 0; k < len; k++)
        if (xw_is_control((unsigned char)line[k])) return 1;
    return 0;
}

/* Parse line with expat; 1 when it is well-formed (s->expat_ok). */
static int xw_expat(xw_state *s, struct ingest *in, const char *line, size_t len)
{
    xw_begin(s, in, line);
    s->in_expat = 1;
    XML_ParserReset(s->p, "UTF-8");
    xw_setup(s);
    s->expat_ok = XML_Parse(s->p, line, (int)len, XML_TRUE) == XML_STATUS_OK;
    return s->expat_ok;
}

/* Parse line into s->ev: 1 with the event ready (*linep, *lenp then the text
 * that is its _raw), 0 when the line is blank or rejected (reported). */
static int xw_parse_line(xw_state *s, struct ingest *in, const char **linep, size_t *lenp)
{
    const char *line = *linep;
    size_t len = *lenp;
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
    if (i == len) return 0; /* blank line */
    if (len > (size_t)0x7fffffff) {
        ingest_reject(in, ingest_lineno(in), "event too large");
        return 0;
    }
    /* The fast scanner first; anything it does not accept goes to expat. */
    if (!xw_force_expat) {
        xw_begin(s, in, line);
        s->in_expat = 0;
        xmlscan_handlers h = {s, xs_start_cb, xs_text_cb, xs_end_cb, &s->stop};
        int r = xmlscan_run(s->scan, line, len, &h);
        if (r == XMLSCAN_OK) return 1;
        if (r == XMLSCAN_STOPPED) {
            ingest_reject(in, ingest_lineno(in), "not an XmlWinEventLog event (expected <Event ...>)");
            return 0;
        }
    }
    if (!xw_expat(s, in, line, len) && xw_has_control(line, len)) {
        /* Control characters are valid UTF-8 but not XML 1.0: keep the
         * event with them escaped as \xNN (as bytes that are not UTF-8 are),
         * rather than rejecting the line. */
        sbuf_reset(&s->ctl);
        for (size_t k = 0; k < len; k++) {
            unsigned char c = (unsigned char)line[k];
            if (xw_is_control(c)) sbuf_printf(&s->ctl, "\\x%02X", c);
            else sbuf_addc(&s->ctl, (char)c);
        }
        if (xw_expat(s, in, s->ctl.s, s->ctl.len)) {
            *linep = s->ctl.s;
            *lenp = s->ctl.len;
            return 1;
        }
        xw_expat(s, in, line, len); /* the error of the line as it was */
    }
    if (!s->expat_ok) {
        if (!s->saw_event)
            ingest_reject(in, ingest_lineno(in), "not an XmlWinEventLog event (expected <Event ...>)");
        else
            ingest_reject(in, ingest_lineno(in), "malformed XML at column %lu: %s",
                          (unsigned long)XML_GetCurrentColumnNumber(s->p) + 1,
                          XML_ErrorString(XML_GetErrorCode(s->p)));
        return 0;
    }
    return 1;
}

static int xw_line(void *state, struct ingest *in, const char *line, size_t len)
{
    xw_state *s = state;
    if (!xw_parse_line(s, in, &line, &len)) return 0;
    s->ev.raw = line;
    s->ev.raw_len = len;
    return ingest_emit(in, &s->ev);
}

/* --- driven by a reader that renders the line itself (ingest_xw.h) -------- */

const xmlscan_handlers *xw_direct_begin(void *state, struct ingest *in)
{
    xw_state *s = state;
    xw_begin(s, in, NULL);
    s->in_expat = 0;
    s->direct = (xmlscan_handlers){s, xs_start_cb, xs_text_cb, xs_end_cb, &s->stop};
    return &s->direct;
}

int xw_direct_emit(void *state, struct ingest *in, const char *line, size_t len)
{
    xw_state *s = state;
    s->ev.raw = line;
    s->ev.raw_len = len;
    return ingest_emit(in, &s->ev);
}

const event *xw_parse(void *state, struct ingest *in, const char *line, size_t len)
{
    xw_state *s = state;
    if (!xw_parse_line(s, in, &line, &len)) return NULL;
    s->ev.raw = line;
    s->ev.raw_len = len;
    return &s->ev;
}

const event *xw_event(void *state) { return &((xw_state *)state)->ev; }

static int xw_finish(void *state, struct ingest *in)
{
    (void)state;
    (void)in;
    return 0;
}

static void xw_close(void *state)
{
    xw_state *s = state;
    if (!s) return;
    XML_ParserFree(s->p);
    xmlscan_free(s->scan);
    event_free(&s->ev);
    sbuf_free(&s->text);
    sbuf_free(&s->scratch);
    sbuf_free(&s->ctl);
    free(s->xatts);
    free(s);
}

const reader reader_xmlwineventlog = {
    .name = "xmlwineventlog",
    .sourcetype = "XmlWinEventLog",
    .detect = xw_detect,
    .open = xw_open,
    .line = xw_line,
    .finish = xw_finish,
    .close = xw_close,
    .multiline = 0,
};
