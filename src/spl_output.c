/* spl_output.c: search result output as JSON lines, CSV or a text table. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "spl_output.h"
#include "spl_values.h"
#include "util.h"

static json_t *value_json(sqlite3_value *v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: return json_integer((json_int_t)sqlite3_value_int64(v));
    case SQLITE_FLOAT: {
        double d = sqlite3_value_double(v);
        if (isnan(d) || isinf(d)) return json_null();
        if (d == floor(d) && fabs(d) < 9e15) return json_integer((json_int_t)d);
        return json_real(d);
    }
    case SQLITE_TEXT:
        return json_stringn((const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
    case SQLITE_BLOB: {
        json_error_t e;
        json_t *a = json_loadb(sqlite3_value_blob(v), (size_t)sqlite3_value_bytes(v), 0, &e);
        if (a && json_is_array(a)) return a;
        json_decref(a);
        return json_stringn(sqlite3_value_blob(v), (size_t)sqlite3_value_bytes(v));
    }
    default: return NULL;
    }
}

json_t *spl_row_json(const spl_query *q, sqlite3_stmt *stmt)
{
    json_t *o = json_object();
    for (int i = 0; i < q->ncols; i++) {
        json_t *v = value_json(sqlite3_column_value(stmt, i));
        if (!v) continue;
        json_object_set_new(o, q->cols[i], v);
    }
    return o;
}

/* text form of a cell */
static char *cell_text(const spl_query *q, sqlite3_stmt *stmt, int i, int pretty_time)
{
    sqlite3_value *v = sqlite3_column_value(stmt, i);
    char nb[64];
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL: return xstrdup("");
    case SQLITE_INTEGER:
    case SQLITE_FLOAT: {
        double d = sqlite3_value_double(v);
        if (pretty_time && !strcmp(q->cols[i], "_time")) {
            time_t t = (time_t)floor(d);
            struct tm tm;
            localtime_r(&t, &tm);
            strftime(nb, sizeof nb, "%Y-%m-%d %H:%M:%S", &tm);
            return xstrdup(nb);
        }
        if (sqlite3_value_type(v) == SQLITE_INTEGER) {
            snprintf(nb, sizeof nb, "%lld", (long long)sqlite3_value_int64(v));
            return xstrdup(nb);
        }
        /* 15 significant digits, as Splunk shows computed numbers */
        if (d == floor(d) && fabs(d) < 1e15) snprintf(nb, sizeof nb, "%.0f", d);
        else snprintf(nb, sizeof nb, "%.15g", d);
        return xstrdup(nb);
    }
    case SQLITE_BLOB: {
        json_t *a = value_json(v);
        sbuf b = {0};
        if (json_is_array(a)) {
            size_t k;
            json_t *x;
            json_array_foreach(a, k, x) {
                if (k) sbuf_addc(&b, '\n');
                if (json_is_string(x)) sbuf_add(&b, json_string_value(x));
            }
        }
        json_decref(a);
        return b.s ? sbuf_detach(&b) : xstrdup("");
    }
    default:
        return xstrndup((const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
    }
}

struct spl_writer {
    FILE *out;
    int format;
    const spl_query *q;
    long rows;
    char ***cells; /* table: buffered */
    int ncap;
};

spl_writer *spl_writer_new(FILE *out, int format, const spl_query *q)
{
    spl_writer *w = xcalloc(1, sizeof *w);
    w->out = out;
    w->format = format;
    w->q = q;
    if (format == SPL_FMT_CSV) {
        for (int i = 0; i < q->ncols; i++) {
            if (i) fputc(',', out);
            const char *s = q->cols[i];
            fputc('"', out);
            for (; *s; s++) { if (*s == '"') fputc('"', out); fputc(*s, out); }
            fputc('"', out);
        }
        fputc('\n', out);
    }
    return w;
}

int spl_writer_row(void *ctx, const spl_query *q, sqlite3_stmt *stmt)
{
    spl_writer *w = ctx;
    w->rows++;
    if (w->format == SPL_FMT_JSONL) {
        json_t *o = spl_row_json(q, stmt);
        char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
        json_decref(o);
        if (s) { fputs(s, w->out); fputc('\n', w->out); free(s); }
        return 0;
    }
    if (w->format == SPL_FMT_CSV) {
        for (int i = 0; i < q->ncols; i++) {
            if (i) fputc(',', w->out);
            char *t = cell_text(q, stmt, i, 0);
            if (*t || sqlite3_column_type(stmt, i) != SQLITE_NULL) {
                fputc('"', w->out);
                for (char *p = t; *p; p++) { if (*p == '"') fputc('"', w->out); fputc(*p, w->out); }
                fputc('"', w->out);
            }
            free(t);
        }
        fputc('\n', w->out);
        return 0;
    }
    if (w->rows > w->ncap) {
        w->ncap = w->ncap ? w->ncap * 2 : 64;
        w->cells = xrealloc(w->cells, sizeof *w->cells * (size_t)w->ncap);
    }
    char **row = xcalloc((size_t)q->ncols + 1, sizeof *row);
    for (int i = 0; i < q->ncols; i++) row[i] = cell_text(q, stmt, i, 1);
    w->cells[w->rows - 1] = row;
    return 0;
}

/* display width of the first line of s (UTF-8 code points) */
static int width(const char *s, int *lines)
{
    int wmax = 0, wcur = 0;
    *lines = 1;
    for (; *s; s++) {
        if (*s == '\n') { (*lines)++; if (wcur > wmax) wmax = wcur; wcur = 0; continue; }
        if (((unsigned char)*s & 0xC0) != 0x80) wcur++;
    }
    return wcur > wmax ? wcur : wmax;
}

long spl_writer_finish(spl_writer *w)
{
    long rows = w->rows;
    if (w->format == SPL_FMT_TABLE && w->q->ncols) {
        const spl_query *q = w->q;
        int n = q->ncols;
        int *wd = xcalloc((size_t)n, sizeof *wd);
        char *show = xcalloc((size_t)n, 1);
        for (int i = 0; i < n; i++) {
            int l;
            wd[i] = width(q->cols[i], &l);
            /* event results: only fields some row has */
            show[i] = !q->events;
            for (long r = 0; r < rows; r++) {
                int x = width(w->cells[r][i], &l);
                if (x > wd[i]) wd[i] = x;
                if (*w->cells[r][i]) show[i] = 1;
            }
            if (!strcmp(q->cols[i], "_raw") && wd[i] > 120) wd[i] = 120;
        }
        for (int i = 0, k = 0; i < n; i++) {
            if (!show[i]) continue;
            int l;
            fprintf(w->out, "%s%-*s", k++ ? "  " : "", wd[i], q->cols[i]);
            (void)width(q->cols[i], &l);
        }
        fputc('\n', w->out);
        for (int i = 0, k = 0; i < n; i++) {
            if (!show[i]) continue;
            fprintf(w->out, "%s", k++ ? "  " : "");
            for (int j = 0; j < wd[i]; j++) fputc('-', w->out);
        }
        fputc('\n', w->out);
        for (long r = 0; r < rows; r++) {
            for (int i = 0, k = 0; i < n; i++) {
                if (!show[i]) continue;
                /* one line per row: newlines shown as spaces */
                char *t = w->cells[r][i];
                for (char *p = t; *p; p++) if (*p == '\n' || *p == '\r' || *p == '\t') *p = ' ';
                int l;
                int x = width(t, &l);
                fprintf(w->out, "%s%s", k++ ? "  " : "", t);
                if (i != n - 1) for (int j = x; j < wd[i]; j++) fputc(' ', w->out);
            }
            fputc('\n', w->out);
        }
        free(wd);
        free(show);
    }
    for (long r = 0; w->cells && r < rows; r++) {
        for (int i = 0; i < w->q->ncols; i++) free(w->cells[r][i]);
        free(w->cells[r]);
    }
    free(w->cells);
    free(w);
    return rows;
}
