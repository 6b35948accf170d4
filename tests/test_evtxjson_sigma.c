/* test_evtxjson_sigma.c: every evtx_dump .json of SigmaHQ's regression data
 * (../shared/corpus/sigma/SigmaHQ/regression_data) through the evtxjson
 * reader, checked against the JSON read independently (jansson, one object
 * after another): as many events as objects, each with the format detected,
 * sourcetype XmlWinEventLog, host = Computer, source =
 * XmlWinEventLog:<Channel>, _time = SystemTime, EventCode = EventID, and
 * every EventData (and UserData leaf) value of the JSON as a field of the
 * same name and value (GUIDs in braces, as Windows writes them). Skipped
 * where ../shared is absent. */
#include "testutil.h"
#include "ingest.h"
#include "reader.h"

#include <ftw.h>
#include <jansson.h>
#include <math.h>
#include <time.h>

static long g_files, g_events, g_values;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    sbuf b = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sbuf_addn(&b, buf, n);
    fclose(f);
    *len = b.len;
    return b.s ? sbuf_detach(&b) : xstrdup("");
}

/* The text of a JSON scalar as the event should hold it. */
static char *expected_text(json_t *v)
{
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        int guid = n == 36;
        for (size_t i = 0; guid && i < n; i++) {
            int dash = i == 8 || i == 13 || i == 18 || i == 23;
            guid = dash ? s[i] == '-' : (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F');
        }
        return guid ? xasprintf("{%s}", s) : xstrndup(s, n);
    }
    if (json_is_integer(v)) return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    if (json_is_true(v)) return xstrdup("true");
    if (json_is_false(v)) return xstrdup("false");
    if (json_is_null(v)) return xstrdup("");
    return NULL;
}

/* Some value of field name equals want. */
static int has_value(const tu_event *e, const char *name, const char *want)
{
    for (int i = 0; i < e->nfields; i++)
        if (!strcmp(e->names[i], name) && !strcmp(e->values[i], want)) return 1;
    return 0;
}

static void check_value(const char *path, const tu_event *e, const char *name, json_t *v)
{
    char *want = expected_text(v);
    if (!want) return; /* objects: their leaves are checked by the caller */
    if (!has_value(e, name, want)) fprintf(stderr, "%s: field %s: want \"%s\", have \"%s\"\n", path, name, want,
                                           tu_get(e, name) ? tu_get(e, name) : "(none)");
    assert_true(has_value(e, name, want));
    g_values++;
    free(want);
}

/* UserData: every leaf element is a field named by its element. */
static void check_leaves(const char *path, const tu_event *e, json_t *obj)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        if (k[0] == '#') continue;
        if (json_is_object(v))
            check_leaves(path, e, v);
        else
            check_value(path, e, k, v);
    }
}

static double systemtime(const char *s)
{
    struct tm tm = {0};
    int us = 0;
    assert_int_equal(sscanf(s, "%d-%d-%dT%d:%d:%d.%6dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                            &tm.tm_min, &tm.tm_sec, &us),
                     7);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (double)timegm(&tm) + us / 1e6;
}

static void check_event(const char *path, const tu_event *e, json_t *root)
{
    json_t *ev = json_object_get(root, "Event");
    json_t *sys = json_object_get(ev, "System");
    assert_non_null(sys);
    assert_string_equal(e->host, json_string_value(json_object_get(sys, "Computer")));
    char *src = xasprintf("XmlWinEventLog:%s", json_string_value(json_object_get(sys, "Channel")));
    assert_string_equal(e->source, src);
    free(src);
    json_t *id = json_object_get(sys, "EventID");
    if (json_is_object(id)) id = json_object_get(id, "#text");
    check_value(path, e, "EventCode", id);
    const char *st = json_string_value(
        json_object_get(json_object_get(json_object_get(sys, "TimeCreated"), "#attributes"), "SystemTime"));
    assert_non_null(st);
    assert_true(e->has_time);
    assert_true(fabs(e->time - systemtime(st)) < 1e-5);
    json_t *data = json_object_get(ev, "EventData");
    if (json_is_object(data)) {
        const char *k;
        json_t *v;
        json_object_foreach(data, k, v) {
            if (k[0] == '#') continue;
            if (!strcmp(k, "Data") && json_is_object(v)) {
                json_t *t = json_object_get(v, "#text");
                size_t i;
                json_t *item;
                if (json_is_array(t)) json_array_foreach(t, i, item) check_value(path, e, "Data", item);
                else check_value(path, e, "Data", t);
                continue;
            }
            check_value(path, e, k, v);
        }
    }
    json_t *user = json_object_get(ev, "UserData");
    if (json_is_object(user)) check_leaves(path, e, user);
}

static int visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    size_t pl = strlen(path);
    if (type != FTW_F || pl < 5 || strcmp(path + pl - 5, ".json") != 0) return 0;
    size_t len;
    char *text = slurp(path, &len);
    const reader *r = reader_detect(text, len < 65536 ? len : 65536);
    if (!r || r != &reader_evtxjson) fprintf(stderr, "%s: detected as %s\n", path, r ? r->name : "nothing");
    assert_ptr_equal(r, &reader_evtxjson);
    assert_string_equal(r->sourcetype, "XmlWinEventLog");
    tu_events c = {0};
    assert_int_equal(ingest_memory(r, path, text, len, tu_sink, &c, 0), 0);
    /* the objects, read one after another */
    size_t off = 0;
    int k = 0;
    for (;;) {
        while (off < len && strchr(" \t\r\n", text[off])) off++;
        if (off >= len) break;
        json_error_t err;
        json_t *root = json_loadb(text + off, len - off, JSON_DISABLE_EOF_CHECK, &err);
        assert_non_null(root);
        assert_true(k < c.n);
        check_event(path, &c.ev[k], root);
        json_decref(root);
        off += err.position;
        k++;
    }
    assert_int_equal(k, c.n);
    g_events += c.n;
    g_files++;
    tu_events_free(&c);
    free(text);
    return 0;
}

static void test_sigma_regression_json(void **state)
{
    (void)state;
    const char *shared = tu_shared();
    char *root = shared ? xasprintf("%s/corpus/sigma/SigmaHQ/regression_data", shared) : NULL;
    struct stat sb;
    if (!root || stat(root, &sb) != 0) {
        printf("SKIP: ../shared/corpus/sigma/SigmaHQ/regression_data not present (a user's clone has no ../shared)\n");
        free(root);
        skip();
    }
    assert_int_equal(nftw(root, visit, 16, FTW_PHYS), 0);
    printf("%ld files, %ld events, %ld values checked\n", g_files, g_events, g_values);
    assert_true(g_files >= 100);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigma_regression_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
