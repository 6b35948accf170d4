/* ingest_json.c: the "json" reader: one JSON object per line (parsed with
 * jansson), either a plain object or a Splunk HTTP Event Collector envelope.
 *
 * HEC envelope: an object with the key "event" and otherwise only HEC
 * metadata keys (time, host, source, sourcetype, index, fields).
 *  - event is an object: its members become fields (flattened as below) and
 *    _raw is the event object's JSON text exactly as it appears in the line;
 *  - event is a string: the string is _raw, no fields from it;
 *  - event is another non-null value (number, array, true/false): its JSON
 *    text is _raw; null or "" is rejected (HEC refuses blank events);
 *  - fields: an object of indexed fields; a string/number/bool member is one
 *    value, an array member is a multivalue field under the same name (HEC's
 *    multivalue indexed fields), a nested object is flattened with dots;
 *  - time (epoch seconds, number or numeric string), host, source,
 *    sourcetype, index set the event's metadata and override the command
 *    line (meta_overrides = 1). Without "time" the event has no time of its
 *    own (the driver applies its default); HEC does not look inside "event".
 *
 * Plain object: _raw is the line byte for byte (without a trailing '\r').
 * Fields follow Splunk's KV_MODE=json / spath naming:
 *  - nested objects join keys with dots: {"a":{"b":1}} -> a.b=1;
 *  - arrays append "{}" and give one value per element (multivalue):
 *    {"a":[1,2]} -> a{}=1, a{}=2; {"a":[{"b":1},{"b":2}]} -> a{}.b=1,2;
 *  - strings are their decoded text; numbers keep their text as written
 *    (4688, 1.0, 1e3, 123456789012345678901234: jansson validates the line,
 *    the fields are then read from the line's text, so nothing is reformatted);
 *  - a key repeated in one object gives a multivalue field (both values);
 *  - true/false -> "true"/"false" as spath renders them; null -> "null"
 *    (our choice: spath's rendering of null is not documented, so we keep
 *    the JSON literal, which keeps `a=null` searchable);
 *  - empty objects and arrays give no field.
 * _time comes from the first top-level member of _time, time, timestamp that
 * is an epoch number (or numeric string) or an ISO 8601 string; the member
 * "_time" is not kept as a field (it is the event's time).
 *
 * Empty (blank) lines are skipped silently; a line that is not valid JSON,
 * or not an object, is rejected with jansson's message and column.
 *
 * Speed: most lines are plain objects; jsonscan_plain() reads them in one
 * strict pass and produces the same event. Lines it does not take (HEC,
 * errors, odd cases) go through jansson as described above. */
#include "ingest.h"
#include "jsonscan.h"
#include "reader.h"
#include "reader_util.h"
#include "util.h"

#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Test hook: 1 sends every line through jansson (equivalence tests). */
int json_force_jansson;

typedef struct json_state {
    event ev;
    sbuf path;  /* field name being built while flattening */
    sbuf value; /* decoded string value */
} json_state;

/* ---- time ---- */

/* Epoch seconds or ISO 8601 from a number or string. */
static int json_time_value(json_t *v, int iso_ok, double *out)
{
    if (json_is_number(v)) {
        char buf[64];
        if (json_is_integer(v))
            snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        else
            jsonscan_format_real(json_real_value(v), buf, sizeof buf);
        return reader_time_from_text(buf, strlen(buf), out);
    }
    if (!json_is_string(v)) return -1;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    double d;
    if (!iso_ok && !util_is_number(s, n, &d)) return -1;
    return reader_time_from_text(s, n, out);
}

/* ---- locating the "event" member's text in the line ---- */

static size_t json_skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) i++;
    return i;
}

/* s[i] is '"': index just past the closing quote. */
static size_t json_skip_string(const char *s, size_t n, size_t i)
{
    assert(i < n && s[i] == '"');
    for (i++; i < n && s[i] != '"'; i++)
        if (s[i] == '\\') i++;
    return i < n ? i + 1 : n;
}

/* Index just past the value starting at s[i]. */
static size_t json_skip_value(const char *s, size_t n, size_t i)
{
    if (i >= n) return n;
    if (s[i] == '"') return json_skip_string(s, n, i);
    if (s[i] == '{' || s[i] == '[') {
        int depth = 0;
        while (i < n) {
            char c = s[i];
            if (c == '"') {
                i = json_skip_string(s, n, i);
                continue;
            }
            if (c == '{' || c == '[') depth++;
            if (c == '}' || c == ']') {
                if (--depth == 0) return i + 1;
            }
            i++;
        }
        return n;
    }
    /* memchr, not strchr: a NUL byte is part of the value, not an end */
    while (i < n && !memchr(",}] \t\r\n", s[i], 7)) i++;
    return i;
}

/* In the text of a valid JSON object, find the span of the value of the
 * last member named key (jansson keeps the last of duplicate keys). */
static int json_member_span(const char *s, size_t n, const char *key, size_t *b, size_t *e)
{
    size_t i = json_skip_ws(s, n, 0), klen = strlen(key);
    int found = 0;
    if (i >= n || s[i] != '{') return -1;
    i++;
    for (;;) {
        i = json_skip_ws(s, n, i);
        if (i >= n || s[i] != '"') break;
        size_t ks = i;
        i = json_skip_string(s, n, i);
        int match;
        if (memchr(s + ks, '\\', i - ks)) {
            json_t *k = json_loadb(s + ks, i - ks, JSON_DECODE_ANY, NULL);
            match = k && json_is_string(k) && json_string_length(k) == klen && !memcmp(json_string_value(k), key, klen);
            json_decref(k);
        } else {
            match = i - ks == klen + 2 && !memcmp(s + ks + 1, key, klen);
        }
        i = json_skip_ws(s, n, i);
        if (i >= n || s[i] != ':') break;
        i = json_skip_ws(s, n, i + 1);
        size_t vs = i;
        i = json_skip_value(s, n, i);
        if (match) *b = vs, *e = i, found = 1;
        i = json_skip_ws(s, n, i);
        if (i >= n || s[i] != ',') break;
        i++;
    }
    return found ? 0 : -1;
}

/* ---- flattening: walk the (validated) text ---- */

/* The decoded text of the JSON string token s[b..e) (quotes included) into
 * out. Without escapes the bytes between the quotes are the value (jansson
 * has checked the UTF-8); with escapes jansson decodes the token. */
static void json_decode_string(const char *s, size_t b, size_t e, sbuf *out)
{
    assert(e >= b + 2 && s[b] == '"' && s[e - 1] == '"');
    if (!memchr(s + b, '\\', e - b)) {
        sbuf_addn(out, s + b + 1, e - b - 2);
        return;
    }
    json_t *v = json_loadb(s + b, e - b, JSON_DECODE_ANY, NULL);
    if (v && json_is_string(v)) sbuf_addn(out, json_string_value(v), json_string_length(v));
    json_decref(v);
}

static void json_path_truncate(sbuf *path, size_t len)
{
    path->len = len;
    if (path->s) path->s[len] = 0;
}

/* Add the fields of the value at s[*i] under the name in *path and move *i
 * past it. arrays_braced: arrays append "{}" (KV_MODE=json naming) or keep
 * the name (HEC "fields"). Numbers and true/false/null keep their text. */
static void json_walk(json_state *st, const char *s, size_t n, size_t *i, int arrays_braced)
{
    sbuf *path = &st->path;
    size_t keep = path->len;
    *i = json_skip_ws(s, n, *i);
    if (*i >= n) return;
    char c = s[*i];
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        if (c == '[' && arrays_braced) sbuf_add(path, "{}");
        size_t inner = path->len;
        (*i)++;
        for (;;) {
            *i = json_skip_ws(s, n, *i);
            if (*i >= n) return;
            if (s[*i] == close) {
                (*i)++;
                break;
            }
            if (s[*i] == ',') {
                (*i)++;
                continue;
            }
            if (c == '{') {
                if (s[*i] != '"') return; /* not reached on valid JSON */
                size_t kb = *i;
                *i = json_skip_string(s, n, *i);
                if (inner) sbuf_addc(path, '.');
                json_decode_string(s, kb, *i, path);
                *i = json_skip_ws(s, n, *i);
                if (*i >= n || s[*i] != ':') return;
                (*i)++;
            }
            size_t before = *i;
            json_walk(st, s, n, i, arrays_braced);
            json_path_truncate(path, inner);
            if (*i == before) break; /* no progress: not valid JSON after all */
        }
        json_path_truncate(path, keep);
        return;
    }
    size_t b = *i;
    *i = json_skip_value(s, n, *i);
    if (!path->len) return;
    if (c == '"') {
        sbuf_reset(&st->value);
        json_decode_string(s, b, *i, &st->value);
        event_add(&st->ev, path->s, path->len, st->value.s ? st->value.s : "", st->value.len);
    } else {
        event_add(&st->ev, path->s, path->len, s + b, *i - b);
    }
}

/* Flatten the members of the object text s[0..n), leaving out a top-level
 * member named skip. */
static void json_walk_members(json_state *st, const char *s, size_t n, const char *skip, int arrays_braced)
{
    size_t i = json_skip_ws(s, n, 0);
    if (i >= n || s[i] != '{') return;
    i++;
    for (;;) {
        i = json_skip_ws(s, n, i);
        if (i >= n || s[i] != '"') break;
        size_t kb = i;
        i = json_skip_string(s, n, i);
        sbuf_reset(&st->path);
        json_decode_string(s, kb, i, &st->path);
        i = json_skip_ws(s, n, i);
        if (i >= n || s[i] != ':') break;
        i++;
        if (skip && st->path.len == strlen(skip) && !memcmp(st->path.s, skip, st->path.len))
            i = json_skip_value(s, n, json_skip_ws(s, n, i));
        else
            json_walk(st, s, n, &i, arrays_braced);
        i = json_skip_ws(s, n, i);
        if (i >= n || s[i] != ',') break;
        i++;
    }
    sbuf_reset(&st->path);
}

/* ---- the two shapes ---- */

static const char *const json_hec_keys[] = {"event", "time", "host", "source", "sourcetype", "index", "fields", NULL};

static int json_is_hec(json_t *root)
{
    if (!json_object_get(root, "event")) return 0;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        int known = 0;
        for (int i = 0; json_hec_keys[i] && !known; i++) known = !strcmp(key, json_hec_keys[i]);
        if (!known) return 0;
    }
    return 1;
}

/* Fill ev from a HEC envelope. Returns NULL or a reason for rejecting it. */
static const char *json_hec_event(json_state *st, json_t *root, const char *line, size_t len)
{
    event *ev = &st->ev;
    static const char *const meta[] = {"host", "source", "sourcetype", "index"};
    const char **slots[] = {&ev->host, &ev->source, &ev->sourcetype, &ev->index};
    for (int i = 0; i < 4; i++) {
        json_t *v = json_object_get(root, meta[i]);
        if (!v) continue;
        if (!json_is_string(v) || !json_string_length(v)) return "HEC metadata host/source/sourcetype/index must be a non-empty string";
        *slots[i] = event_strndup(ev, json_string_value(v), json_string_length(v));
    }
    json_t *t = json_object_get(root, "time");
    if (t) {
        if (json_time_value(t, 0, &ev->time) != 0) return "HEC \"time\" is not epoch seconds";
        ev->has_time = 1;
    }
    ev->meta_overrides = 1;

    json_t *e = json_object_get(root, "event");
    if (json_is_null(e) || (json_is_string(e) && !json_string_length(e))) return "HEC \"event\" is empty";
    if (json_is_string(e)) {
        ev->raw = event_strndup(ev, json_string_value(e), json_string_length(e));
        ev->raw_len = json_string_length(e);
    } else {
        size_t b, en;
        if (json_member_span(line, len, "event", &b, &en) != 0) return "cannot locate \"event\" in the line";
        ev->raw = line + b;
        ev->raw_len = en - b;
        if (json_is_object(e)) json_walk_members(st, ev->raw, ev->raw_len, "_time", 1);
    }
    json_t *f = json_object_get(root, "fields");
    if (f) {
        size_t b, en;
        if (!json_is_object(f)) return "HEC \"fields\" must be an object";
        if (json_member_span(line, len, "fields", &b, &en) != 0) return "cannot locate \"fields\" in the line";
        json_walk_members(st, line + b, en - b, NULL, 0);
    }
    return NULL;
}

static void json_plain_event(json_state *st, json_t *root, const char *line, size_t len)
{
    event *ev = &st->ev;
    static const char *const time_keys[] = {"_time", "time", "timestamp"};
    for (int i = 0; i < 3 && !ev->has_time; i++) {
        json_t *v = json_object_get(root, time_keys[i]);
        if (v && json_time_value(v, 1, &ev->time) == 0) ev->has_time = 1;
    }
    json_walk_members(st, line, len, "_time", 1);
    ev->raw = line;
    ev->raw_len = len;
}

/* ---- reader ---- */

static json_t *json_parse_line(const char *line, size_t len, json_error_t *err)
{
    json_t *root = json_loadb(line, len, 0, err);
    /* Integers beyond long long: read everything as reals instead. */
    if (!root && strstr(err->text, "too big"))
        root = json_loadb(line, len, JSON_DECODE_INT_AS_REAL, err);
    return root;
}

static void *json_open(void)
{
    json_state *st = xcalloc(1, sizeof *st);
    event_init(&st->ev);
    return st;
}

static int json_line(void *state, struct ingest *in, const char *line, size_t len)
{
    json_state *st = state;
    len = reader_chomp_cr(line, len);
    if (ingest_lineno(in) == 1) reader_skip_bom(&line, &len);
    if (reader_is_blank(line, len)) return 0;

    event_reset(&st->ev);
    if (!json_force_jansson) {
        int r = jsonscan_plain(&st->ev, &st->path, &st->value, line, len);
        if (r == JSONSCAN_OK) {
            int rc = ingest_emit(in, &st->ev);
            event_reset(&st->ev);
            return rc;
        }
        event_reset(&st->ev);
        sbuf_reset(&st->path);
    }

    json_error_t err;
    json_t *root = json_parse_line(line, len, &err);
    if (!root) {
        ingest_reject(in, ingest_lineno(in), "invalid JSON at column %d: %s", err.column, err.text);
        return 0;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        ingest_reject(in, ingest_lineno(in), "JSON value is not an object");
        return 0;
    }
    event_reset(&st->ev);
    const char *why = NULL;
    if (json_is_hec(root))
        why = json_hec_event(st, root, line, len);
    else
        json_plain_event(st, root, line, len);
    json_decref(root);
    int rc = 0;
    if (why)
        ingest_reject(in, ingest_lineno(in), "%s", why);
    else
        rc = ingest_emit(in, &st->ev);
    event_reset(&st->ev);
    return rc;
}

static int json_finish(void *state, struct ingest *in)
{
    (void)state;
    (void)in;
    return 0;
}

static void json_close(void *state)
{
    json_state *st = state;
    if (!st) return;
    event_free(&st->ev);
    sbuf_free(&st->path);
    sbuf_free(&st->value);
    free(st);
}

/* The first lines of the head must start with '{' and most of them must
 * parse as objects (a bad line among good ones is rejected at ingest). A
 * last line cut short by the end of the head is not counted. */
static int json_detect(const char *head, size_t len)
{
    reader_skip_bom(&head, &len);
    size_t pos = 0, n;
    const char *line;
    int complete, good = 0, bad = 0, cut_first = 0;
    while (good + bad < 5 && reader_head_line(head, len, &pos, &line, &n, &complete)) {
        if (reader_is_blank(line, n)) continue;
        size_t i = 0;
        while (i < n && (line[i] == ' ' || line[i] == '\t')) i++;
        if (i >= n || line[i] != '{') return 0;
        json_t *root = json_loadb(line, n, JSON_DECODE_INT_AS_REAL, NULL);
        int ok = root && json_is_object(root);
        json_decref(root);
        if (ok)
            good++;
        else if (complete)
            bad++;
        else if (!good && !bad)
            cut_first = 1; /* one long line, cut by the head */
    }
    if (good && !bad) return 90;
    if (good > bad) return 70;
    return cut_first ? 40 : 0;
}

const reader reader_json = {
    .name = "json",
    .sourcetype = "_json",
    .detect = json_detect,
    .open = json_open,
    .line = json_line,
    .finish = json_finish,
    .close = json_close,
    .multiline = 0,
    .escape_json = 1,
};
