/* refload.c: bench-refload, the minimal reference loader. It loads the files
 * bench-gen writes into a SQLite table with one column per field (the fixed
 * list in bench_fields.h, plus _time) using one prepared INSERT, N rows per
 * transaction, WAL and synchronous=OFF: the fastest plain way to get these
 * events into SQLite, so the ceiling splite's ingest is measured against.
 *   tsv         pre-split columns: pure insert cost
 *   xml         expat parses each XmlWinEventLog line, then insert
 *   json        jansson parses each JSON line, then insert
 *   parse-xml   expat only (no database)
 *   parse-json  jansson only (no database)
 * Prints one key=value line: mode, events, rejected, bytes, seconds,
 * events_per_s, mb_per_s (MB = 10^6 bytes of input). */
#include "bench_fields.h"

#include <assert.h>
#include <expat.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum mode { M_TSV, M_XML, M_JSON, M_PARSE_XML, M_PARSE_JSON };

/* ---- field name -> column, a small open-addressing table ---- */
#define HSIZE 256
static int htab[HSIZE];

static unsigned hname(const char *s, size_t n)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void htab_init(void)
{
    for (int i = 0; i < HSIZE; i++) htab[i] = -1;
    for (int f = 0; f < BF_COUNT; f++) {
        unsigned h = hname(bench_field_names[f], strlen(bench_field_names[f])) % HSIZE;
        while (htab[h] >= 0) h = (h + 1) % HSIZE;
        htab[h] = f;
    }
}

static int field_of(const char *s, size_t n)
{
    unsigned h = hname(s, n) % HSIZE;
    while (htab[h] >= 0) {
        const char *nm = bench_field_names[htab[h]];
        if (strlen(nm) == n && !memcmp(nm, s, n)) return htab[h];
        h = (h + 1) % HSIZE;
    }
    return -1;
}

/* ---- one parsed row ---- */
typedef struct row {
    double time;
    int has_time;
    int set[BF_COUNT];
    size_t off[BF_COUNT], len[BF_COUNT];
    char *buf;
    size_t blen, bcap;
    /* expat state */
    int cur;      /* field whose text is being collected, or -1 */
    size_t cur_off;
    int in_eventdata;
} row;

static void row_reset(row *r)
{
    memset(r->set, 0, sizeof r->set);
    r->blen = 0;
    r->has_time = 0;
    r->cur = -1;
    r->in_eventdata = 0;
}

static void buf_put(row *r, const char *s, size_t n)
{
    if (r->blen + n + 1 > r->bcap) {
        r->bcap = (r->blen + n + 1) * 2;
        r->buf = realloc(r->buf, r->bcap);
        if (!r->buf) abort();
    }
    memcpy(r->buf + r->blen, s, n);
    r->blen += n;
}

static void row_set(row *r, int f, const char *s, size_t n)
{
    if (f < 0) return;
    r->off[f] = r->blen;
    buf_put(r, s, n);
    r->buf[r->blen++] = 0;
    r->len[f] = n;
    r->set[f] = 1;
}

/* 2024-06-03T09:14:07.1234567Z -> epoch seconds */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (unsigned)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int parse_systime(const char *s, double *out)
{
    int y, mo, d, h, mi, sec;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6) return -1;
    double frac = 0;
    const char *p = s + 19;
    if (*p == '.') {
        double scale = 0.1;
        for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10) frac += (*p - '0') * scale;
    }
    *out = (double)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) + frac;
    return 0;
}

/* ---- expat handlers ---- */
static const char *attr(const XML_Char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2)
        if (!strcmp(atts[i], name)) return atts[i + 1];
    return NULL;
}

static void set_attr(row *r, const XML_Char **atts, const char *name, int f)
{
    const char *v = attr(atts, name);
    if (v) row_set(r, f, v, strlen(v));
}

static void XMLCALL on_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    row *r = ud;
    if (r->in_eventdata) {
        if (!strcmp(el, "Data")) {
            const char *nm = attr(atts, "Name");
            r->cur = nm ? field_of(nm, strlen(nm)) : -1;
            r->cur_off = r->blen;
        }
        return;
    }
    switch (el[0]) {
    case 'P':
        if (!strcmp(el, "Provider")) {
            set_attr(r, atts, "Name", BF_Name);
            set_attr(r, atts, "Guid", BF_Guid);
            return;
        }
        break;
    case 'T':
        if (!strcmp(el, "TimeCreated")) {
            const char *v = attr(atts, "SystemTime");
            if (v) {
                row_set(r, BF_SystemTime, v, strlen(v));
                if (parse_systime(v, &r->time) == 0) r->has_time = 1;
            }
            return;
        }
        break;
    case 'E':
        if (!strcmp(el, "Execution")) {
            set_attr(r, atts, "ProcessID", BF_ProcessID);
            set_attr(r, atts, "ThreadID", BF_ThreadID);
            return;
        }
        if (!strcmp(el, "EventData")) {
            r->in_eventdata = 1;
            return;
        }
        break;
    case 'S':
        if (!strcmp(el, "Security")) {
            set_attr(r, atts, "UserID", BF_UserID);
            return;
        }
        break;
    }
    /* EventID, Version, Level, Task, Opcode, Keywords, EventRecordID, Channel,
     * Computer: text elements named like their field. */
    r->cur = field_of(el, strlen(el));
    r->cur_off = r->blen;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int n)
{
    row *r = ud;
    if (r->cur >= 0) buf_put(r, s, (size_t)n);
}

static void XMLCALL on_end(void *ud, const XML_Char *el)
{
    row *r = ud;
    (void)el;
    if (r->cur >= 0) {
        int f = r->cur;
        r->off[f] = r->cur_off;
        r->len[f] = r->blen - r->cur_off;
        buf_put(r, "", 0);
        r->buf[r->blen++] = 0;
        r->set[f] = 1;
    }
    r->cur = -1;
}

/* ---- main ---- */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exec_sql(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "bench-refload: %s: %s\n", sql, err ? err : "?");
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench-refload --mode tsv|xml|json|parse-xml|parse-json [--raw] [--batch N] DB FILE\n"
                    "  --raw      also store each input line in a raw(_raw) table, as splite does\n"
                    "  --batch N  rows per transaction (default 10000)\n"
                    "  DB is removed and created afresh; parse-* modes do not open it.\n");
}

int main(int argc, char **argv)
{
    int mode = -1, with_raw = 0;
    long batch = 10000;
    const char *dbpath = NULL, *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mode") && i + 1 < argc) {
            const char *m = argv[++i];
            mode = !strcmp(m, "tsv") ? M_TSV : !strcmp(m, "xml") ? M_XML : !strcmp(m, "json") ? M_JSON
                 : !strcmp(m, "parse-xml") ? M_PARSE_XML : !strcmp(m, "parse-json") ? M_PARSE_JSON : -2;
        } else if (!strcmp(argv[i], "--raw")) with_raw = 1;
        else if (!strcmp(argv[i], "--batch") && i + 1 < argc) batch = atol(argv[++i]);
        else if (argv[i][0] == '-' && argv[i][1]) {
            usage();
            return 2;
        } else if (!dbpath) dbpath = argv[i];
        else if (!path) path = argv[i];
        else {
            usage();
            return 2;
        }
    }
    if (mode < 0 || !dbpath || !path || batch < 1) {
        usage();
        return 2;
    }
    static const char *const mode_names[] = {"tsv", "xml", "json", "parse-xml", "parse-json"};
    int insert = mode == M_TSV || mode == M_XML || mode == M_JSON;
    int xml = mode == M_XML || mode == M_PARSE_XML;
    htab_init();

    FILE *in = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!in) {
        perror(path);
        return 1;
    }
    static char iobuf[1 << 20];
    setvbuf(in, iobuf, _IOFBF, sizeof iobuf);

    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL, *ins_raw = NULL;
    if (insert) {
        char *tmp = malloc(strlen(dbpath) + 8);
        if (!tmp) abort();
        unlink(dbpath);
        sprintf(tmp, "%s-wal", dbpath);
        unlink(tmp);
        sprintf(tmp, "%s-shm", dbpath);
        unlink(tmp);
        free(tmp);
    }
    double t0 = now();
    if (insert) {
        if (sqlite3_open(dbpath, &db) != SQLITE_OK) {
            fprintf(stderr, "bench-refload: %s: %s\n", dbpath, sqlite3_errmsg(db));
            return 1;
        }
        if (exec_sql(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;")) return 1;
        char create[4096] = "CREATE TABLE events(_time REAL";
        char ins_sql[4096] = "INSERT INTO events VALUES(?";
        for (int f = 0; f < BF_COUNT; f++) {
            /* SQLite column names ignore case, field names do not (the
             * System ProcessID and the EventData ProcessId): suffix clashes. */
            int clash = 0;
            for (int e = 0; e < f; e++) clash |= !strcasecmp(bench_field_names[e], bench_field_names[f]);
            char col[96];
            snprintf(col, sizeof col, ", \"%s%s\"", bench_field_names[f], clash ? "_2" : "");
            strcat(create, col);
            strcat(ins_sql, ",?");
        }
        strcat(create, ")");
        strcat(ins_sql, ")");
        if (exec_sql(db, create)) return 1;
        if (with_raw && exec_sql(db, "CREATE TABLE raw(rowid INTEGER PRIMARY KEY, _raw TEXT)")) return 1;
        if (sqlite3_prepare_v2(db, ins_sql, -1, &ins, NULL) != SQLITE_OK ||
            (with_raw && sqlite3_prepare_v2(db, "INSERT INTO raw(rowid, _raw) VALUES(?, ?)", -1, &ins_raw, NULL) != SQLITE_OK)) {
            fprintf(stderr, "bench-refload: prepare: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        if (exec_sql(db, "BEGIN")) return 1;
    }

    XML_Parser xp = xml ? XML_ParserCreate("UTF-8") : NULL;
    row r;
    memset(&r, 0, sizeof r);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long long events = 0, rejected = 0, lineno = 0, in_batch = 0;
    double bytes = 0;
    const char *cols[BF_COUNT];
    while ((n = getline(&line, &cap, in)) > 0) {
        lineno++;
        bytes += (double)n;
        if (line[n - 1] == '\n') line[--n] = 0;
        if (n && line[n - 1] == '\r') line[--n] = 0;
        if (n == 0) continue;
        json_t *obj = NULL;
        row_reset(&r);
        if (mode == M_TSV) {
            if (lineno == 1 && !strncmp(line, "_time\t", 6)) continue; /* header */
            char *p = line, *tab = strchr(p, '\t');
            if (!tab) {
                rejected++;
                continue;
            }
            *tab = 0;
            r.time = strtod(p, NULL);
            r.has_time = 1;
            p = tab + 1;
            int f = 0;
            for (; f < BF_COUNT && p; f++) {
                tab = strchr(p, '\t');
                if (tab) *tab = 0;
                cols[f] = (p[0] == '\\' && p[1] == 'N' && !p[2]) ? NULL : p;
                p = tab ? tab + 1 : NULL;
            }
            if (f != BF_COUNT) {
                if (rejected++ < 5) fprintf(stderr, "%s:%lld: %d columns, expected %d\n", path, lineno, f + 1, BF_COUNT + 1);
                continue;
            }
        } else if (xml) {
            XML_ParserReset(xp, "UTF-8");
            XML_SetUserData(xp, &r);
            XML_SetElementHandler(xp, on_start, on_end);
            XML_SetCharacterDataHandler(xp, on_text);
            if (XML_Parse(xp, line, (int)n, 1) != XML_STATUS_OK) {
                if (rejected++ < 5)
                    fprintf(stderr, "%s:%lld: column %lu: %s\n", path, lineno, (unsigned long)XML_GetCurrentColumnNumber(xp),
                            XML_ErrorString(XML_GetErrorCode(xp)));
                continue;
            }
        } else {
            json_error_t err;
            obj = json_loadb(line, (size_t)n, 0, &err);
            if (!obj || !json_is_object(obj)) {
                if (rejected++ < 5) fprintf(stderr, "%s:%lld: column %d: %s\n", path, lineno, err.column, err.text);
                json_decref(obj);
                continue;
            }
            const char *key;
            json_t *v;
            memset(cols, 0, sizeof cols);
            json_object_foreach(obj, key, v) {
                if (key[0] == '_' && !strcmp(key, "_time")) {
                    if (json_is_number(v)) r.time = json_number_value(v), r.has_time = 1;
                    continue;
                }
                int f = field_of(key, strlen(key));
                if (f >= 0 && json_is_string(v)) cols[f] = json_string_value(v);
            }
        }
        if (xml)
            for (int f = 0; f < BF_COUNT; f++) cols[f] = r.set[f] ? r.buf + r.off[f] : NULL;
        events++;
        if (insert) {
            if (r.has_time) sqlite3_bind_double(ins, 1, r.time);
            else sqlite3_bind_null(ins, 1);
            for (int f = 0; f < BF_COUNT; f++) {
                if (cols[f]) sqlite3_bind_text(ins, f + 2, cols[f], -1, SQLITE_STATIC);
                else sqlite3_bind_null(ins, f + 2);
            }
            if (sqlite3_step(ins) != SQLITE_DONE) {
                fprintf(stderr, "bench-refload: insert: %s\n", sqlite3_errmsg(db));
                return 1;
            }
            sqlite3_reset(ins);
            if (ins_raw) {
                sqlite3_bind_int64(ins_raw, 1, sqlite3_last_insert_rowid(db));
                sqlite3_bind_text(ins_raw, 2, line, (int)n, SQLITE_STATIC);
                if (sqlite3_step(ins_raw) != SQLITE_DONE) {
                    fprintf(stderr, "bench-refload: insert raw: %s\n", sqlite3_errmsg(db));
                    return 1;
                }
                sqlite3_reset(ins_raw);
            }
            if (++in_batch >= batch) {
                if (exec_sql(db, "COMMIT") || exec_sql(db, "BEGIN")) return 1;
                in_batch = 0;
            }
        }
        json_decref(obj);
    }
    if (ferror(in)) {
        perror(path);
        return 1;
    }
    if (insert) {
        if (exec_sql(db, "COMMIT")) return 1;
        sqlite3_finalize(ins);
        sqlite3_finalize(ins_raw);
        if (sqlite3_close(db) != SQLITE_OK) {
            fprintf(stderr, "bench-refload: close failed\n");
            return 1;
        }
    }
    double secs = now() - t0;
    if (xp) XML_ParserFree(xp);
    free(line);
    free(r.buf);
    if (in != stdin) fclose(in);
    assert(secs >= 0);
    printf("mode=%s%s events=%lld rejected=%lld bytes=%.0f seconds=%.3f events_per_s=%.0f mb_per_s=%.1f\n",
           mode_names[mode], with_raw && insert ? "+raw" : "", events, rejected, bytes, secs,
           secs > 0 ? (double)events / secs : 0, secs > 0 ? bytes / 1e6 / secs : 0);
    return rejected && !events ? 1 : 0;
}
