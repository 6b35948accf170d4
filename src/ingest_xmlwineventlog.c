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
    sbuf text;                   /* character data of the current element */
    int collecting;
    char elem[128];              /* current leaf element name */
    char data_name[256];         /* Name= of the current <Data> */
    int data_named;
    int saw_event;
    int stop;                    /* the root is not <Event>: give up */
    int in_expat;                /* expat is parsing (else the fast scanner) */
    xmlscan *scan;
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

static const char *xw_attr(const XML_Char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2)
        if (!strcmp(atts[i], name)) return atts[i + 1];
    return NULL;
}

static void xw_add(xw_state *s, const char *name, const char *value, size_t len)
{
    event_add(&s->ev, name, strlen(name), value, len);
}

static void xw_add_attrs(xw_state *s, const XML_Char **atts, const char *const *names, const char *const *fields)
{
    for (int k = 0; names[k]; k++) {
        const char *v = xw_attr(atts, names[k]);
        if (v) xw_add(s, fields[k], v, strlen(v));
    }
}

static void XMLCALL xw_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xw_state *s = ud;
    s->depth++;
    /* Strip a namespace prefix if any. */
    const char *colon = strrchr(name, ':');
    if (colon) name = colon + 1;
    if (s->depth == 1) {
        if (strcmp(name, "Event")) {
            s->stop = 1;
            if (s->in_expat) XML_StopParser(s->p, XML_FALSE);
        } else {
            s->saw_event = 1;
        }
        return;
    }
    if (s->depth == 2) {
        s->section_depth = 2;
        if (!strcmp(name, "System")) {
            s->section = XW_SYSTEM;
        } else if (!strcmp(name, "EventData")) {
            s->section = XW_EVENTDATA;
        } else if (!strcmp(name, "UserData")) {
            s->section = XW_USERDATA;
        } else if (!strcmp(name, "RenderingInfo")) {
            s->section = XW_RENDERING;
        } else {
            s->section = XW_NONE;
        }
        return;
    }
    sbuf_reset(&s->text);
    s->collecting = 1;
    size_t nl = strlen(name);
    if (nl >= sizeof s->elem) nl = sizeof s->elem - 1;
    memcpy(s->elem, name, nl);
    s->elem[nl] = 0;
    switch (s->section) {
    case XW_SYSTEM:
        if (s->depth != 3) break;
        if (!strcmp(name, "Provider")) {
            static const char *const a[] = {"Name", "Guid", "EventSourceName", NULL};
            xw_add_attrs(s, atts, a, a);
        } else if (!strcmp(name, "EventID")) {
            const char *q = xw_attr(atts, "Qualifiers");
            if (q) xw_add(s, "Qualifiers", q, strlen(q));
        } else if (!strcmp(name, "TimeCreated")) {
            const char *t = xw_attr(atts, "SystemTime");
            if (t) {
                xw_add(s, "SystemTime", t, strlen(t));
                double v;
                if (time_parse_iso8601(t, strlen(t), &v) == 0) {
                    s->ev.time = v;
                    s->ev.has_time = 1;
                }
            }
        } else if (!strcmp(name, "Execution")) {
            static const char *const a[] = {"ProcessID", "ThreadID", "ProcessorID", "SessionID", "KernelTime",
                                            "UserTime", "ProcessorTime", NULL};
            xw_add_attrs(s, atts, a, a);
        } else if (!strcmp(name, "Security")) {
            static const char *const a[] = {"UserID", NULL};
            xw_add_attrs(s, atts, a, a);
        } else if (!strcmp(name, "Correlation")) {
            static const char *const a[] = {"ActivityID", "RelatedActivityID", NULL};
            xw_add_attrs(s, atts, a, a);
        }
        break;
    case XW_EVENTDATA:
        if (!strcmp(name, "Data")) {
            const char *n = xw_attr(atts, "Name");
            s->data_named = n && *n;
            if (s->data_named) {
                size_t dl = strlen(n);
                if (dl >= sizeof s->data_name) dl = sizeof s->data_name - 1;
                memcpy(s->data_name, n, dl);
                s->data_name[dl] = 0;
            }
        }
        break;
    case XW_RENDERING:
    case XW_USERDATA:
    case XW_NONE:
        break;
    }
}

static void XMLCALL xw_text(void *ud, const XML_Char *txt, int len)
{
    xw_state *s = ud;
    if (s->collecting) sbuf_addn(&s->text, txt, (size_t)len);
}

static void XMLCALL xw_end(void *ud, const XML_Char *name)
{
    xw_state *s = ud;
    const char *colon = strrchr(name, ':');
    if (colon) name = colon + 1;
    const char *txt = s->text.s ? s->text.s : "";
    size_t tlen = s->text.len;
    if (s->depth == 2) {
        s->section = XW_NONE;
    } else if (s->depth >= 3 && s->collecting) {
        switch (s->section) {
        case XW_SYSTEM:
            if (s->depth != 3) break;
            if (!strcmp(name, "EventID")) {
                xw_add(s, "EventCode", txt, tlen);
                xw_add(s, "EventID", txt, tlen);
            } else if (!strcmp(name, "Computer")) {
                xw_add(s, "Computer", txt, tlen);
                s->ev.host = event_strndup(&s->ev, txt, tlen);
            } else if (!strcmp(name, "Version") || !strcmp(name, "Level") || !strcmp(name, "Task") ||
                       !strcmp(name, "Opcode") || !strcmp(name, "Keywords") || !strcmp(name, "EventRecordID") ||
                       !strcmp(name, "Channel")) {
                xw_add(s, name, txt, tlen);
                if (!strcmp(name, "Channel") && tlen) {
                    /* the forwarder's source: XmlWinEventLog:<Channel> (--source
                     * and a manifest's source still win, see ingest_emit) */
                    char *src = xasprintf("XmlWinEventLog:%.*s", (int)tlen, txt);
                    s->ev.source = event_strndup(&s->ev, src, strlen(src));
                    free(src);
                }
            }
            break;
        case XW_EVENTDATA:
            if (!strcmp(name, "Data")) xw_add(s, s->data_named ? s->data_name : "Data", txt, tlen);
            else if (!strcmp(name, "Binary")) xw_add(s, "Binary", txt, tlen);
            else if (s->depth >= 3) xw_add(s, name, txt, tlen);
            break;
        case XW_USERDATA:
            /* Leaf elements only: a wrapper's text is empty. */
            if (s->depth >= 4 && !strcmp(name, s->elem)) xw_add(s, name, txt, tlen);
            break;
        case XW_RENDERING:
            if (!strcmp(name, "Message")) {
                xw_add(s, "Message", txt, tlen);
            } else if (!strcmp(name, "Keyword")) {
                xw_add(s, "Keyword", txt, tlen);
            } else if (s->depth == 3 && strcmp(name, "Keywords")) {
                char f[160];
                snprintf(f, sizeof f, "RenderingInfo_%s", name);
                xw_add(s, f, txt, tlen);
            }
            break;
        case XW_NONE:
            break;
        }
    }
    s->collecting = 0;
    sbuf_reset(&s->text);
    s->depth--;
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
}

static int xw_line(void *state, struct ingest *in, const char *line, size_t len)
{
    xw_state *s = state;
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
        xmlscan_handlers h = {s, xw_start, xw_text, xw_end, &s->stop};
        int r = xmlscan_run(s->scan, line, len, &h);
        if (r == XMLSCAN_OK) goto emit;
        if (r == XMLSCAN_STOPPED) {
            ingest_reject(in, ingest_lineno(in), "not an XmlWinEventLog event (expected <Event ...>)");
            return 0;
        }
    }
    xw_begin(s, in, line);
    s->in_expat = 1;
    XML_ParserReset(s->p, "UTF-8");
    xw_setup(s);
    if (XML_Parse(s->p, line, (int)len, XML_TRUE) != XML_STATUS_OK) {
        if (!s->saw_event)
            ingest_reject(in, ingest_lineno(in), "not an XmlWinEventLog event (expected <Event ...>)");
        else
            ingest_reject(in, ingest_lineno(in), "malformed XML at column %lu: %s",
                          (unsigned long)XML_GetCurrentColumnNumber(s->p) + 1,
                          XML_ErrorString(XML_GetErrorCode(s->p)));
        return 0;
    }
emit:
    s->ev.raw = line;
    s->ev.raw_len = len;
    return ingest_emit(in, &s->ev);
}

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
