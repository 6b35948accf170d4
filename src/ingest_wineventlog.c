/* ingest_wineventlog.c: the "wineventlog" reader: the classic multi-line
 * Windows event format the Splunk forwarder writes when XML rendering is off.
 *
 *   06/03/2024 09:20:51 AM            <- an event starts at a timestamp line
 *   LogName=Security                  <- Key=Value header lines
 *   EventCode=4688
 *   ComputerName=host.example.local   <- also the event's host
 *                                        (LogName gives source WinEventLog:<LogName>)
 *   Message=A new process has been created.
 *                                     <- Message runs to the end of the event,
 *   Creator Subject:                     blank lines included
 *   	Account Name:		SYSTEM
 *
 * - The timestamp line is %m/%d/%Y %I:%M:%S %p (1- or 2-digit month, day and
 *   hour) in the forwarder's local time: interpreted in the local zone
 *   (tz.h: `--tz ZONE` sets it, else TZ, else UTC).
 * - Header lines are Key=Value with Key of letters, digits and underscores;
 *   each becomes a field (empty values are dropped). Other lines before
 *   Message= are kept in _raw only.
 * - "Message=" starts the message: its value is the rest of the event,
 *   following lines and blank lines included, up to the next timestamp line;
 *   the event's trailing blank lines are trimmed (from _raw too).
 * - _raw is the event's lines joined with "\n" ('\r' line ends dropped).
 * - Lines before the first timestamp line that are not blank are rejected,
 *   and so is an event of more than 16 MiB.
 *
 * Fields from the message body, modelled on the Splunk Add-on for Microsoft
 * Windows (its colon key-value extraction over the message): every message
 * line after the first of the form "<name>:<space or tab>...<value>" gives a
 * field. The name is trimmed and cleaned as Splunk's CLEAN_KEYS does (every
 * character other than a letter, digit or underscore becomes '_', leading
 * underscores and digits are dropped): "\tAccount Name:\t\tSYSTEM" gives
 * Account_Name=SYSTEM. A name found in several sections (Subject, Target,
 * ...) is multivalue, in message order. To keep prose out, we only take names
 * of at most 48 characters that start with a letter, and drop empty values;
 * values lose trailing blanks. No aliasing or renaming (the TA's
 * field aliases belong in the YAML knowledge files). */
#include "ingest.h"
#include "reader.h"
#include "reader_util.h"
#include "tz.h"
#include "util.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WEL_MAX_BODY_KEY 48
/* An event larger than this is rejected (a file that is not really this
 * format would otherwise become one event held in memory). */
#define WEL_MAX_EVENT (16u << 20)

typedef struct wel_state {
    event ev;
    sbuf text;     /* lines of the current event joined with '\n' */
    size_t keep;   /* text length up to the end of its last non-blank line */
    int active;    /* an event is being collected */
    double time;   /* its timestamp */
    int has_time;
    long start_line; /* line number of its timestamp line */
    int too_long;    /* it outgrew WEL_MAX_EVENT */
    sbuf key;      /* cleaned message-body key */
} wel_state;

static int wel_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int wel_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Read 1..max digits at s[*i]; returns the number or -1. */
static int wel_digits(const char *s, size_t n, size_t *i, int min, int max)
{
    int v = 0, k = 0;
    while (*i < n && k < max && wel_is_digit(s[*i])) v = v * 10 + (s[(*i)++] - '0'), k++;
    return k >= min ? v : -1;
}

static int wel_expect(const char *s, size_t n, size_t *i, char c)
{
    if (*i < n && s[*i] == c) {
        (*i)++;
        return 1;
    }
    return 0;
}

/* Is s[0..n) a timestamp line "MM/DD/YYYY HH:MM:SS AM|PM"? If so fill *tm
 * (local broken-down time, tm_isdst = -1) and return 1. */
static int wel_stamp_line(const char *s, size_t n, struct tm *tm)
{
    size_t i = 0;
    int mon = wel_digits(s, n, &i, 1, 2);
    if (mon < 1 || mon > 12 || !wel_expect(s, n, &i, '/')) return 0;
    int day = wel_digits(s, n, &i, 1, 2);
    if (day < 1 || day > 31 || !wel_expect(s, n, &i, '/')) return 0;
    int year = wel_digits(s, n, &i, 4, 4);
    if (year < 0 || i >= n || s[i] != ' ') return 0;
    while (i < n && s[i] == ' ') i++;
    int hour = wel_digits(s, n, &i, 1, 2);
    if (hour < 1 || hour > 12 || !wel_expect(s, n, &i, ':')) return 0;
    int min = wel_digits(s, n, &i, 2, 2);
    if (min < 0 || min > 59 || !wel_expect(s, n, &i, ':')) return 0;
    int sec = wel_digits(s, n, &i, 2, 2);
    if (sec < 0 || sec > 60 || i >= n || s[i] != ' ') return 0;
    while (i < n && s[i] == ' ') i++;
    if (i + 2 > n || (s[i + 1] != 'M' && s[i + 1] != 'm')) return 0;
    int pm;
    if (s[i] == 'A' || s[i] == 'a')
        pm = 0;
    else if (s[i] == 'P' || s[i] == 'p')
        pm = 1;
    else
        return 0;
    i += 2;
    if (!reader_is_blank(s + i, n - i)) return 0;
    memset(tm, 0, sizeof *tm);
    tm->tm_year = year - 1900;
    tm->tm_mon = mon - 1;
    tm->tm_mday = day;
    tm->tm_hour = hour % 12 + (pm ? 12 : 0);
    tm->tm_min = min;
    tm->tm_sec = sec;
    tm->tm_isdst = -1;
    return 1;
}

/* Local time: the source's zone (--tz), else TZ, else UTC (tz.h). */
static double wel_stamp_epoch(struct tm *tm)
{
    return tz_local_epoch(tm);
}

/* A header line Key=Value: sets the key length, or returns 0. */
static int wel_header_key(const char *s, size_t n, size_t *klen)
{
    size_t i = 0;
    if (!n || !(wel_is_alpha(s[0]) || s[0] == '_')) return 0;
    while (i < n && (wel_is_alpha(s[i]) || wel_is_digit(s[i]) || s[i] == '_')) i++;
    if (i >= n || s[i] != '=') return 0;
    *klen = i;
    return 1;
}

static size_t wel_rtrim(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    return n;
}

/* Message body line "<name>:[ \t]+<value>": add the field. */
static void wel_body_field(wel_state *st, const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);
    if (!colon) return;
    size_t kend = (size_t)(colon - s), vs = kend + 1;
    if (vs >= n || (s[vs] != ' ' && s[vs] != '\t')) return;
    while (vs < n && (s[vs] == ' ' || s[vs] == '\t')) vs++;
    size_t vlen = wel_rtrim(s + vs, n - vs);
    if (!vlen) return;
    size_t ks = 0;
    while (ks < kend && (s[ks] == ' ' || s[ks] == '\t')) ks++;
    kend = ks + wel_rtrim(s + ks, kend - ks);
    if (kend == ks || kend - ks > WEL_MAX_BODY_KEY || !wel_is_alpha(s[ks])) return;
    sbuf_reset(&st->key);
    for (size_t i = ks; i < kend; i++) {
        char c = s[i];
        sbuf_addc(&st->key, wel_is_alpha(c) || wel_is_digit(c) || c == '_' ? c : '_');
    }
    event_add(&st->ev, st->key.s, st->key.len, s + vs, vlen);
}

/* Build the event from st->text[0..keep) and emit it. */
static int wel_flush(wel_state *st, struct ingest *in)
{
    event *ev = &st->ev;
    if (!st->active) return 0;
    st->active = 0;
    if (st->too_long) {
        ingest_reject(in, st->start_line, "event longer than %u MiB; skipped", WEL_MAX_EVENT >> 20);
        return 0;
    }
    event_reset(ev);
    const char *t = st->text.s;
    size_t n = st->keep;
    assert(t && n <= st->text.len);
    ev->raw = t;
    ev->raw_len = n;
    ev->time = st->time;
    ev->has_time = st->has_time;

    const char *nl = memchr(t, '\n', n);
    size_t pos = nl ? (size_t)(nl - t) + 1 : n; /* skip the timestamp line */
    while (pos < n) {
        const char *line = t + pos;
        const char *e = memchr(line, '\n', n - pos);
        size_t len = e ? (size_t)(e - line) : n - pos;
        size_t next = pos + len + (e ? 1 : 0);
        size_t klen;
        if (wel_header_key(line, len, &klen)) {
            const char *v = line + klen + 1;
            if (klen == 7 && !memcmp(line, "Message", 7)) {
                /* The message is the rest of the event. */
                size_t vlen = n - (pos + klen + 1);
                if (vlen) event_add(ev, "Message", 7, v, vlen);
                const char *body_nl = memchr(v, '\n', vlen);
                size_t bp = body_nl ? (size_t)(body_nl - t) + 1 : n;
                while (bp < n) {
                    const char *bl = t + bp;
                    const char *be = memchr(bl, '\n', n - bp);
                    size_t blen = be ? (size_t)(be - bl) : n - bp;
                    wel_body_field(st, bl, blen);
                    bp += blen + 1;
                }
                break;
            }
            size_t vlen = wel_rtrim(v, len - klen - 1);
            if (vlen) {
                event_add(ev, line, klen, v, vlen);
                if (klen == 12 && !memcmp(line, "ComputerName", 12))
                    ev->host = event_strndup(ev, v, vlen);
                if (klen == 7 && !memcmp(line, "LogName", 7)) {
                    /* the forwarder's source: WinEventLog:<LogName> (--source
                     * and a manifest's source still win, see ingest_emit) */
                    char *src = xasprintf("WinEventLog:%.*s", (int)vlen, v);
                    ev->source = event_strndup(ev, src, strlen(src));
                    free(src);
                }
            }
        }
        pos = next;
    }
    int rc = ingest_emit(in, ev);
    event_reset(ev);
    return rc;
}

static void *wel_open(void)
{
    wel_state *st = xcalloc(1, sizeof *st);
    event_init(&st->ev);
    return st;
}

static int wel_line(void *state, struct ingest *in, const char *line, size_t len)
{
    wel_state *st = state;
    len = reader_chomp_cr(line, len);
    if (ingest_lineno(in) == 1) reader_skip_bom(&line, &len);
    struct tm tm;
    if (wel_stamp_line(line, len, &tm)) {
        /* A new event: emit the previous one, then mark the boundary (the
         * driver may commit there: everything before this line is stored). */
        if (wel_flush(st, in) != 0) return -1;
        ingest_boundary(in);
        sbuf_reset(&st->text);
        sbuf_addn(&st->text, line, wel_rtrim(line, len));
        st->keep = st->text.len;
        st->time = wel_stamp_epoch(&tm);
        st->has_time = 1;
        st->active = 1;
        st->too_long = 0;
        st->start_line = ingest_lineno(in);
        return 0;
    }
    if (!st->active) {
        if (!reader_is_blank(line, len))
            ingest_reject(in, ingest_lineno(in),
                          "not in a WinEventLog event: expected a timestamp line like "
                          "\"06/03/2024 09:14:07 AM\" first");
        return 0;
    }
    if (st->too_long) return 0;
    if (st->text.len + 1 + len > WEL_MAX_EVENT) {
        st->too_long = 1;
        return 0;
    }
    sbuf_addc(&st->text, '\n');
    sbuf_addn(&st->text, line, len);
    if (!reader_is_blank(line, len)) st->keep = st->text.len;
    return 0;
}

static int wel_finish(void *state, struct ingest *in)
{
    return wel_flush(state, in);
}

static void wel_close(void *state)
{
    wel_state *st = state;
    if (!st) return;
    event_free(&st->ev);
    sbuf_free(&st->text);
    sbuf_free(&st->key);
    free(st);
}

/* The first non-blank line is a timestamp line and the next non-blank line
 * a Key=Value header. */
static int wel_detect(const char *head, size_t len)
{
    reader_skip_bom(&head, &len);
    size_t pos = 0, n, klen;
    const char *line;
    int complete, seen_stamp = 0;
    struct tm tm;
    while (reader_head_line(head, len, &pos, &line, &n, &complete)) {
        if (reader_is_blank(line, n)) continue;
        if (!seen_stamp) {
            if (!complete || !wel_stamp_line(line, n, &tm)) return 0;
            seen_stamp = 1;
            continue;
        }
        return wel_header_key(line, n, &klen) ? 90 : 0;
    }
    return seen_stamp ? 50 : 0;
}

const reader reader_wineventlog = {
    .name = "wineventlog",
    .sourcetype = "WinEventLog",
    .detect = wel_detect,
    .open = wel_open,
    .line = wel_line,
    .finish = wel_finish,
    .close = wel_close,
    .multiline = 1,
};
