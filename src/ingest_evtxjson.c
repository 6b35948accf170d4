/* ingest_evtxjson.c: the "evtxjson" reader: the JSON that evtx_dump (the
 * Rust evtx crate) writes for .evtx files, e.g. SigmaHQ's regression data.
 * Each record is an object {"Event": {...}}; the file holds them
 * pretty-printed and concatenated ("}\n{"), one per line (JSON lines), or as
 * a JSON array; objects may be separated by blanks and commas, and by the
 * "Record N" lines evtx_dump writes by default (without
 * --dont-show-record-number or -o jsonl). --separate-json-attributes output
 * ({"Event_attributes": {...}, "Event": {...}}) is read too.
 *
 * Each object is rebuilt as the XML Windows renders for the event
 * (evtxjson_xml.c) and handed to the XmlWinEventLog reader, so the event is
 * the one an XmlWinEventLog input would give: _raw is that XML, the same
 * fields, source XmlWinEventLog:<Channel>, sourcetype XmlWinEventLog, host
 * from Computer, _time from SystemTime.
 *
 * Streaming: lines are fed one at a time; a scan that knows JSON strings
 * tracks the brace depth and collects one object at a time (at most
 * EJ_MAX_OBJECT bytes), which jansson then parses. An object that is the
 * first on its line (after blanks, commas, brackets) is an event boundary
 * (resume points fall between objects). Errors
 * name the line where the object starts. A broken object that never closes
 * is given up when a line starts with '{' in the first column where its
 * JSON could not continue with '{' (the next record of a pretty-printed
 * file), so one bad record does not swallow the rest of the file. */
#include "evtxjson_xml.h"
#include "ingest.h"
#include "reader.h"
#include "reader_util.h"
#include "util.h"

#include <assert.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* An object larger than this is rejected (a file that is not this format
 * would otherwise be held in memory whole). */
#define EJ_MAX_OBJECT (16u << 20)

typedef struct ej_state {
    void *xw;          /* the XmlWinEventLog reader's state */
    sbuf obj;          /* the object being collected */
    sbuf xml;          /* its XML */
    sbuf quoted;       /* the object with big integers quoted */
    long depth;        /* brace/bracket depth inside the object, 0: between objects */
    int in_str, esc;   /* inside a string (after a backslash) */
    char last;         /* last significant character of the object so far */
    long start_line;   /* where the object starts */
    int too_long;      /* it outgrew EJ_MAX_OBJECT */
    int junk;          /* text between objects on the current line was reported */
    int done_on_line;  /* an object ended on the current line */
} ej_state;

static void *ej_open(void)
{
    ej_state *s = xcalloc(1, sizeof *s);
    s->xw = reader_xmlwineventlog.open();
    return s;
}

static void ej_close(void *state)
{
    ej_state *s = state;
    if (!s) return;
    reader_xmlwineventlog.close(s->xw);
    sbuf_free(&s->obj);
    sbuf_free(&s->xml);
    sbuf_free(&s->quoted);
    free(s);
}

static int ej_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A copy of the JSON text s[0..n) with integers that are values (not keys)
 * written as strings: jansson refuses integers beyond 64 bits, the event
 * wants their digits as they are. Keys stay keys, so what was not JSON
 * stays not JSON. */
static void ej_quote_numbers(sbuf *o, const char *s, size_t n)
{
    char stack[256];
    int sp = 0, in_str = 0, esc = 0;
    char prev = 0; /* last significant character outside strings */
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (in_str) {
            sbuf_addc(o, ch);
            if (esc) esc = 0;
            else if (ch == '\\') esc = 1;
            else if (ch == '"') in_str = 0, prev = '"';
            continue;
        }
        int value_pos = prev == ':' || prev == '[' || (prev == ',' && sp > 0 && stack[sp - 1] == '[');
        if ((ch == '-' || (ch >= '0' && ch <= '9')) && value_pos) {
            size_t j = i;
            while (j < n && (s[j] == '-' || s[j] == '+' || s[j] == '.' || s[j] == 'e' || s[j] == 'E' ||
                             (s[j] >= '0' && s[j] <= '9')))
                j++;
            sbuf_addc(o, '"');
            sbuf_addn(o, s + i, j - i);
            sbuf_addc(o, '"');
            i = j - 1;
            prev = '0';
            continue;
        }
        sbuf_addc(o, ch);
        if (ej_is_space(ch)) continue;
        if (ch == '"') in_str = 1;
        else if ((ch == '{' || ch == '[') && sp < (int)sizeof stack) stack[sp++] = ch;
        else if ((ch == '}' || ch == ']') && sp > 0) sp--;
        prev = ch;
    }
}

static json_t *ej_parse(ej_state *s, const char *text, size_t n, json_error_t *err)
{
    json_t *root = json_loadb(text, n, JSON_ALLOW_NUL, err);
    if (root || !strstr(err->text, "too big")) return root;
    json_error_t err2;
    sbuf_reset(&s->quoted);
    ej_quote_numbers(&s->quoted, text, n);
    root = json_loadb(s->quoted.s, s->quoted.len, JSON_ALLOW_NUL, &err2);
    return root;
}

/* The object in s->obj is complete: parse, render, emit. */
static int ej_object_done(ej_state *s, struct ingest *in)
{
    if (s->too_long) {
        ingest_reject(in, s->start_line, "JSON object longer than %u MiB; skipped", EJ_MAX_OBJECT >> 20);
        return 0;
    }
    json_error_t err;
    json_t *root = ej_parse(s, s->obj.s, s->obj.len, &err);
    if (!root) {
        ingest_reject(in, s->start_line, "invalid JSON at line %ld column %d: %s",
                      s->start_line + (err.line > 0 ? err.line - 1 : 0), err.column, err.text);
        return 0;
    }
    char why[256];
    sbuf_reset(&s->xml);
    int r = evtxjson_to_xml(root, &s->xml, why, sizeof why);
    json_decref(root);
    if (r != 0) {
        ingest_reject(in, s->start_line, "%s", why);
        return 0;
    }
    return reader_xmlwineventlog.line(s->xw, in, s->xml.s, s->xml.len);
}

static void ej_begin(ej_state *s, struct ingest *in, int at_line_start)
{
    /* Everything before has been emitted: a resume point. */
    if (at_line_start) ingest_boundary(in);
    sbuf_reset(&s->obj);
    s->depth = 0;
    s->in_str = s->esc = 0;
    s->too_long = 0;
    s->last = 0;
    s->start_line = ingest_lineno(in);
}

static void ej_add(ej_state *s, const char *p, size_t n)
{
    if (s->too_long) return;
    if (s->obj.len + n > EJ_MAX_OBJECT) {
        s->too_long = 1;
        sbuf_free(&s->obj);
        return;
    }
    sbuf_addn(&s->obj, p, n);
}

/* "Record 123": the line evtx_dump writes before each record unless told
 * not to (--dont-show-record-number, -o jsonl). Returns its length, or 0. */
static size_t ej_record_line(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    if (n - i < 8 || memcmp(s + i, "Record ", 7) != 0) return 0;
    i += 7;
    size_t d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == d) return 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) i++;
    return i;
}

static int ej_line(void *state, struct ingest *in, const char *line, size_t len)
{
    ej_state *s = state;
    len = reader_chomp_cr(line, len);
    if (ingest_lineno(in) == 1) reader_skip_bom(&line, &len);
    s->junk = s->done_on_line = 0;
    size_t i = 0;
    if (s->depth == 0 && ej_record_line(line, len) == len) return 0;
    if (s->depth > 0) {
        /* A string does not run over a line end in JSON. */
        s->in_str = s->esc = 0;
        int can_continue = s->last && strchr("{[,:", s->last);
        if (len && line[0] == '{' && !can_continue) {
            ingest_reject(in, s->start_line, "JSON object not closed before line %ld", ingest_lineno(in));
            s->depth = 0;
        } else {
            ej_add(s, "\n", 1);
        }
    }
    while (i < len) {
        if (s->depth == 0) {
            char ch = line[i];
            if (ej_is_space(ch) || ch == ',' || ch == '[' || ch == ']') {
                i++;
                continue;
            }
            if (ch != '{') {
                if (!s->junk)
                    ingest_reject(in, ingest_lineno(in), "expected a JSON object {\"Event\": ...} at column %zu",
                                  i + 1);
                s->junk = 1;
                /* skip to the next '{' on this line */
                const char *b = memchr(line + i, '{', len - i);
                if (!b) break;
                i = (size_t)(b - line);
            }
            /* Only blanks, commas and brackets before it on this line: reading
             * again from the line's start gives this object first. */
            ej_begin(s, in, !s->junk && !s->done_on_line);
        }
        /* Inside an object: scan to its end or the end of the line. */
        size_t b = i;
        for (; i < len; i++) {
            char ch = line[i];
            if (s->in_str) {
                if (s->esc) s->esc = 0;
                else if (ch == '\\') s->esc = 1;
                else if (ch == '"') s->in_str = 0, s->last = '"';
                continue;
            }
            if (ej_is_space(ch)) continue;
            s->last = ch;
            if (ch == '"') {
                s->in_str = 1;
            } else if (ch == '{' || ch == '[') {
                s->depth++;
            } else if (ch == '}' || ch == ']') {
                if (--s->depth == 0) {
                    i++;
                    break;
                }
            }
        }
        ej_add(s, line + b, i - b);
        if (s->depth == 0) {
            s->done_on_line = 1;
            if (ej_object_done(s, in) < 0) return -1;
            sbuf_reset(&s->obj);
        }
    }
    return 0;
}

static int ej_finish(void *state, struct ingest *in)
{
    ej_state *s = state;
    if (s->depth > 0) {
        ingest_reject(in, s->start_line, "JSON object not closed at the end of the input");
        s->depth = 0;
    }
    return 0;
}

/* The head starts (after blanks, a BOM, a "Record N" line, an optional '[')
 * with {"Event": { or {"Event_attributes": {. */
static int ej_detect(const char *head, size_t len)
{
    reader_skip_bom(&head, &len);
    size_t i = 0;
    while (i < len && ej_is_space(head[i])) i++;
    /* evtx_dump's "Record N" line before the first record */
    size_t r = ej_record_line(head + i, len - i);
    if (r && i + r < len && head[i + r] == '\n') {
        i += r;
        while (i < len && ej_is_space(head[i])) i++;
    }
    if (i < len && head[i] == '[') {
        i++;
        while (i < len && ej_is_space(head[i])) i++;
    }
    if (i >= len || head[i] != '{') return 0;
    i++;
    while (i < len && ej_is_space(head[i])) i++;
    /* {"Event": {, or {"Event_attributes": { (--separate-json-attributes) */
    if (len - i < 7 || memcmp(head + i, "\"Event", 6) != 0) return 0;
    i += 6;
    if (len - i >= 11 && !memcmp(head + i, "_attributes", 11)) i += 11;
    if (i >= len || head[i] != '"') return 0;
    i++;
    while (i < len && ej_is_space(head[i])) i++;
    if (i >= len || head[i] != ':') return 0;
    i++;
    while (i < len && ej_is_space(head[i])) i++;
    return i < len && head[i] == '{' ? 95 : 0;
}

const reader reader_evtxjson = {
    .name = "evtxjson",
    .sourcetype = "XmlWinEventLog",
    .detect = ej_detect,
    .open = ej_open,
    .line = ej_line,
    .finish = ej_finish,
    .close = ej_close,
    .multiline = 1,
    .escape_json = 1,
};
