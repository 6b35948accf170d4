/* ingest_kv.c: the "kv" reader: one event per line of key=value pairs, as
 * written by scripted inputs such as the InstalledIISModules PowerShell input:
 *
 *   name="ExampleModule" image="%windir%\System32\inetsrv\example.dll" n=3
 *
 * Rules (close to Splunk's automatic key-value extraction, restricted to
 * whitespace-separated pairs):
 *  - a pair is a whitespace-separated token KEY=VALUE; KEY is letters, digits
 *    and underscores and starts with a letter or underscore;
 *  - VALUE is either "double quoted" (runs to the next unescaped quote; \" is
 *    a quote, every other backslash is literal, so Windows paths survive) or
 *    unquoted (runs to the next whitespace, must not be empty); a quote that
 *    is never closed makes the value an ordinary unquoted token;
 *  - tokens that are not pairs are skipped; a key seen twice is multivalue;
 *  - _raw is the line (without a trailing '\r'); _time comes from the first
 *    of the fields _time, time, timestamp that holds epoch seconds or an ISO
 *    8601 time (a _time pair is used for the time only, not kept as a field);
 *  - blank lines are skipped, a line without any pair is rejected. */
#include "ingest.h"
#include "reader.h"
#include "reader_util.h"
#include "util.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

typedef struct kv_state {
    event ev;
    sbuf value; /* unescaped quoted value */
} kv_state;

static int kv_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int kv_is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* One parsed pair; value points into the line or into st->value. */
typedef struct kv_pair {
    const char *key, *value;
    size_t key_len, value_len;
} kv_pair;

/* Parse the token starting at line[*pos] (not whitespace). Returns 1 and
 * fills *p if it is a pair, 0 if not; *pos is moved past the token. */
static int kv_next_pair(sbuf *buf, const char *line, size_t len, size_t *pos, kv_pair *p)
{
    size_t i = *pos, ks = i;
    assert(i < len && !kv_is_space(line[i]));
    while (i < len && kv_is_key_char(line[i])) i++;
    int key_ok = i > ks && !(line[ks] >= '0' && line[ks] <= '9') && i < len && line[i] == '=';
    if (!key_ok) {
        while (i < len && !kv_is_space(line[i])) i++;
        *pos = i;
        return 0;
    }
    p->key = line + ks;
    p->key_len = i - ks;
    i++; /* '=' */
    if (i < len && line[i] == '"') {
        size_t j = i + 1;
        while (j < len && line[j] != '"') j += (line[j] == '\\' && j + 1 < len && line[j + 1] == '"') ? 2 : 1;
        if (j < len) {
            sbuf_reset(buf);
            for (size_t k = i + 1; k < j; k++) {
                if (line[k] == '\\' && k + 1 < j && line[k + 1] == '"') k++;
                sbuf_addc(buf, line[k]);
            }
            p->value = buf->s ? buf->s : "";
            p->value_len = buf->len;
            *pos = j + 1;
            return 1;
        }
        /* Unterminated quote: fall through to an unquoted value. */
    }
    size_t vs = i;
    while (i < len && !kv_is_space(line[i])) i++;
    *pos = i;
    if (i == vs) return 0;
    p->value = line + vs;
    p->value_len = i - vs;
    return 1;
}

static int kv_key_is(const kv_pair *p, const char *name)
{
    return p->key_len == strlen(name) && !memcmp(p->key, name, p->key_len);
}

static void *kv_open(void)
{
    kv_state *st = xcalloc(1, sizeof *st);
    event_init(&st->ev);
    return st;
}

static int kv_line(void *state, struct ingest *in, const char *line, size_t len)
{
    kv_state *st = state;
    event *ev = &st->ev;
    len = reader_chomp_cr(line, len);
    if (ingest_lineno(in) == 1) reader_skip_bom(&line, &len);
    if (reader_is_blank(line, len)) return 0;

    event_reset(ev);
    int pairs = 0, time_rank = 4; /* rank of the field the time came from */
    size_t pos = 0;
    while (pos < len) {
        while (pos < len && kv_is_space(line[pos])) pos++;
        if (pos >= len) break;
        kv_pair p;
        if (!kv_next_pair(&st->value, line, len, &pos, &p)) continue;
        pairs++;
        int rank = kv_key_is(&p, "_time") ? 1 : kv_key_is(&p, "time") ? 2 : kv_key_is(&p, "timestamp") ? 3 : 4;
        double t;
        if (rank < time_rank && reader_time_from_text(p.value, p.value_len, &t) == 0) {
            ev->time = t;
            ev->has_time = 1;
            time_rank = rank;
        }
        if (rank != 1) event_add(ev, p.key, p.key_len, p.value, p.value_len);
    }
    if (!pairs) {
        ingest_reject(in, ingest_lineno(in), "no key=value pair in this line");
        return 0;
    }
    ev->raw = line;
    ev->raw_len = len;
    int rc = ingest_emit(in, ev);
    event_reset(ev);
    return rc;
}

static int kv_finish(void *state, struct ingest *in)
{
    (void)state;
    (void)in;
    return 0;
}

static void kv_close(void *state)
{
    kv_state *st = state;
    if (!st) return;
    event_free(&st->ev);
    sbuf_free(&st->value);
    free(st);
}

/* Count pairs without building an event. */
static int kv_line_has_pair(const char *line, size_t len)
{
    sbuf tmp = {0};
    size_t pos = 0;
    int found = 0;
    while (pos < len && !found) {
        while (pos < len && kv_is_space(line[pos])) pos++;
        if (pos >= len) break;
        kv_pair p;
        found = kv_next_pair(&tmp, line, len, &pos, &p);
    }
    sbuf_free(&tmp);
    return found;
}

/* Lower than every specific format: key=value pairs also occur in the
 * header lines of classic WinEventLog and inside XML attributes. */
static int kv_detect(const char *head, size_t len)
{
    reader_skip_bom(&head, &len);
    size_t pos = 0, n;
    const char *line;
    int complete, lines = 0, with_pairs = 0;
    while (lines < 50 && reader_head_line(head, len, &pos, &line, &n, &complete)) {
        if (reader_is_blank(line, n)) continue;
        if (!complete && lines) break; /* possibly cut short */
        lines++;
        if (line[0] == '<' || line[0] == '{') return 0;
        with_pairs += kv_line_has_pair(line, n);
    }
    if (!lines || !with_pairs) return 0;
    if (with_pairs == lines) return 30;
    return with_pairs * 2 >= lines ? 20 : 5;
}

const reader reader_kv = {
    .name = "kv",
    .sourcetype = "kv",
    .detect = kv_detect,
    .open = kv_open,
    .line = kv_line,
    .finish = kv_finish,
    .close = kv_close,
    .multiline = 0,
};
