/* evtx_libevtx_equiv.h: libevtx (libyal) as the reference for splite's EVTX
 * decoder (src/evtx/). Given the bytes of an .evtx file, every record
 * libevtx can read is rendered by libevtx (libevtx_record_get_utf8_xml_string)
 * and by ours (evtx_render, records found by walking the chunks, matched by
 * EventRecordID), and the two renderings are compared as canonical trees
 * (evtx_libevtx_tree.h: only the known formatting differences between
 * libevtx and the Windows rendering, and libevtx's known deviations, which
 * are counted, are accepted; the list is in docs/EVTX.md). Header-only, for
 * tests/test_evtx_libevtx.c and tests/fuzz/fuzz_evtx_libevtx.c, which link
 * libevtx; splite itself never does.
 *
 * libevtx runs in a forked child (ee_lib_render) bounded by an alarm: a
 * crash, hang or leak inside libevtx is libevtx's, and is counted
 * (lib_crashed), never reported as ours. */
#ifndef SPLITE_EVTX_LIBEVTX_EQUIV_H
#define SPLITE_EVTX_LIBEVTX_EQUIV_H
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libevtx.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evtx/evtx.h"
#include "evtx_libevtx_tree.h"
#include "util.h"

/* --- records: EventRecordID and its rendering (NULL: not rendered) --- */
typedef struct ee_rec {
    uint64_t id;
    char *xml;
    int recovered; /* libevtx: a record it recovered (not in the chunks' record list) */
} ee_rec;
typedef struct ee_list {
    ee_rec *v;
    size_t n, cap;
} ee_list;

static inline void ee_list_add(ee_list *l, uint64_t id, const char *xml, size_t len, int recovered)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        assert(l->v);
    }
    char *copy = NULL;
    if (xml) {
        copy = malloc(len + 1);
        assert(copy);
        memcpy(copy, xml, len);
        copy[len] = 0;
    }
    l->v[l->n].id = id;
    l->v[l->n].xml = copy;
    l->v[l->n].recovered = recovered;
    l->n++;
}

static inline void ee_list_free(ee_list *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i].xml);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int ee_rec_cmp(const void *a, const void *b)
{
    const ee_rec *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* --- ours: every record of every chunk, rendered by evtx_render --- */

/* Records of the file d[0..len) that our decoder renders, into out (sorted by
 * id). Returns the number of records it found but could not render, or -1
 * when the file header is refused. The chunks are walked as ingest_evtx.c
 * walks them: after the header block, 64 KiB each, the last one maybe cut. */
static inline long ee_ours(const unsigned char *d, size_t len, ee_list *out)
{
    char why[256];
    int bad = 0;
    if (evtx_file_header(d, len, &bad, why, sizeof why)) return -1;
    size_t off = evtx_u16(d + 40);
    if (off < EVTX_HEADER_SIZE) off = EVTX_HEADER_SIZE;
    long failed = 0;
    sbuf xml = {0};
    for (; off < len; off += EVTX_CHUNK_SIZE) {
        size_t n = len - off < EVTX_CHUNK_SIZE ? len - off : EVTX_CHUNK_SIZE;
        const unsigned char *c = d + off;
        if (evtx_chunk_check(c, n, &bad, why, sizeof why) <= 0) continue;
        uint32_t ro = EVTX_CHUNK_HEADER;
        evtx_record rec;
        while (evtx_next_record(c, n, &ro, &rec, why, sizeof why) > 0) {
            sbuf_reset(&xml);
            if (evtx_render(c, n, &rec, &xml, why, sizeof why)) {
                failed++;
                continue;
            }
            ee_list_add(out, rec.id, xml.s, xml.len, 0);
        }
    }
    sbuf_free(&xml);
    if (out->n) qsort(out->v, out->n, sizeof *out->v, ee_rec_cmp);
    return failed;
}

/* --- libevtx, in a forked child --- */

/* In the child: open the file (a memfd, through /proc/self/fd) with libevtx
 * and write each record (the ones it lists and the ones it recovers) to fd
 * w as: u64 id, u8 recovered, u32 length (UINT32_MAX: not rendered), the
 * UTF-8 XML. */
static inline void ee_lib_child(int mfd, int w)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", mfd);
    libevtx_file_t *file = NULL;
    libevtx_error_t *err = NULL;
    if (libevtx_file_initialize(&file, &err) != 1) _exit(3);
    if (libevtx_file_open(file, path, libevtx_get_access_flags_read(), &err) != 1) _exit(4);
    for (unsigned char pass = 0; pass < 2; pass++) {
        int nrec = 0;
        int ok = pass == 0 ? libevtx_file_get_number_of_records(file, &nrec, &err)
                           : libevtx_file_get_number_of_recovered_records(file, &nrec, &err);
        if (ok != 1) {
            libevtx_error_free(&err);
            continue;
        }
        for (int i = 0; i < nrec; i++) {
            libevtx_record_t *rec = NULL;
            ok = pass == 0 ? libevtx_file_get_record_by_index(file, i, &rec, &err)
                           : libevtx_file_get_recovered_record_by_index(file, i, &rec, &err);
            if (ok != 1) {
                libevtx_error_free(&err);
                continue;
            }
            uint64_t id = 0;
            size_t size = 0;
            uint8_t *s = NULL;
            if (libevtx_record_get_identifier(rec, &id, &err) == 1 &&
                libevtx_record_get_utf8_xml_string_size(rec, &size, &err) == 1 && size > 0 &&
                (s = malloc(size)) != NULL && libevtx_record_get_utf8_xml_string(rec, s, size, &err) == 1) {
                uint32_t l = (uint32_t)strnlen((char *)s, size);
                if (write(w, &id, 8) != 8 || write(w, &pass, 1) != 1 || write(w, &l, 4) != 4 ||
                    write(w, s, l) != (ssize_t)l)
                    _exit(5);
            } else {
                uint32_t l = UINT32_MAX;
                if (write(w, &id, 8) != 8 || write(w, &pass, 1) != 1 || write(w, &l, 4) != 4) _exit(5);
            }
            free(s);
            libevtx_error_free(&err);
            libevtx_record_free(&rec, NULL);
        }
    }
    _exit(0);
}

/* A sanitizer runtime, if linked, reports a crash through this callback
 * (libFuzzer writes its reproducer there): the child turns it off. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

/* libevtx's renderings of the records of d[0..len), into out (sorted by id;
 * xml NULL for a record libevtx lists but cannot render). 0, or -1 when
 * libevtx crashed, hung (more than timeout seconds), or could not open the
 * file (what is set to a reason; out then holds what came before). */
static inline int ee_lib_render(const unsigned char *d, size_t len, unsigned timeout, ee_list *out,
                                const char **what)
{
    *what = NULL;
    int mfd = memfd_create("evtx", 0);
    if (mfd < 0) {
        *what = "memfd_create failed";
        return -1;
    }
    for (size_t done = 0; done < len;) {
        ssize_t k = write(mfd, d + done, len - done);
        if (k <= 0) {
            close(mfd);
            *what = "write to memfd failed";
            return -1;
        }
        done += (size_t)k;
    }
    int p[2];
    if (pipe(p)) {
        close(mfd);
        *what = "pipe failed";
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(NULL);
        int nul = open("/dev/null", O_WRONLY);
        if (nul >= 0) dup2(nul, 2);
        static const int sigs[] = {SIGALRM, SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
        for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) signal(sigs[i], SIG_DFL);
        alarm(timeout);
        ee_lib_child(mfd, p[1]);
    }
    close(p[1]);
    close(mfd);
    if (pid < 0) {
        close(p[0]);
        *what = "fork failed";
        return -1;
    }
    sbuf got = {0};
    char buf[65536];
    for (;;) {
        ssize_t k = read(p[0], buf, sizeof buf);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        sbuf_addn(&got, buf, (size_t)k);
    }
    close(p[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    for (size_t at = 0; at + 13 <= got.len;) {
        uint64_t id;
        uint32_t l;
        memcpy(&id, got.s + at, 8);
        int recovered = got.s[at + 8] != 0;
        memcpy(&l, got.s + at + 9, 4);
        at += 13;
        if (l == UINT32_MAX) {
            ee_list_add(out, id, NULL, 0, recovered);
            continue;
        }
        if (l > got.len - at) break;
        ee_list_add(out, id, got.s + at, l, recovered);
        at += l;
    }
    sbuf_free(&got);
    if (out->n) qsort(out->v, out->n, sizeof *out->v, ee_rec_cmp);
    if (WIFSIGNALED(status)) {
        *what = WTERMSIG(status) == SIGALRM ? "libevtx hung (timeout)" : "libevtx crashed";
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        *what = WIFEXITED(status) && WEXITSTATUS(status) == 4 ? "libevtx cannot open the file" : "libevtx failed";
        return -1;
    }
    return 0;
}

/* --- one file --- */
typedef struct ee_stats {
    long lib_records;        /* records libevtx listed (not the recovered ones) */
    long lib_failed;         /* ... that it could not render */
    long compared;           /* listed records rendered by both */
    long equal;              /* ... and equal */
    long differ;             /* ... and not */
    long ours_missing;       /* listed and rendered by libevtx, not found or not rendered by ours */
    long lib_deviations[EE_NKINDS]; /* equal records with a known deviation, by EE_DEV_ / EE_OURS_ bit */
    long recovered;          /* records libevtx recovered (from chunk slack or damage) and rendered */
    long recovered_equal;    /* ... equal to a record of ours */
    long both_not_xml;       /* listed records neither rendering of which is well-formed XML */
    long lib_not_xml;        /* ... only libevtx's rendering of which is not well-formed */
    long ours_failed;        /* records ours found but could not render */
    long ours_refused;       /* files whose header ours refused */
    long lib_crashed;        /* files on which libevtx crashed, hung or failed */
} ee_stats;

/* Called for each difference: the record, both renderings (ours NULL when
 * ours has no rendering of it), where they differ. */
typedef void (*ee_report_fn)(void *ctx, uint64_t id, const char *ours, const char *lib, const char *where);

/* Compare every record libevtx renders from d[0..len) with ours; adds to
 * *st. Returns the number of differences (differ + ours_missing).
 * Records libevtx lists are matched with ours by EventRecordID (the record
 * header's), any of ours with that id may be the equal one (a file copied
 * while it was written can hold one twice). Records libevtx recovers from
 * chunk slack (stale copies left by earlier use of a chunk, which ours
 * does not read, and which may share an id with a live record) are
 * counted and compared when ours has an equal record, never reported. */
static inline long ee_compare_file(const unsigned char *d, size_t len, unsigned timeout, ee_stats *st,
                                   ee_report_fn report, void *ctx)
{
    ee_list ours = {0}, lib = {0};
    long of = ee_ours(d, len, &ours);
    if (of < 0) st->ours_refused++;
    else st->ours_failed += of;
    const char *what = NULL;
    if (ee_lib_render(d, len, timeout, &lib, &what)) st->lib_crashed++;
    long bad = 0;
    size_t j = 0;
    for (size_t i = 0; i < lib.n; i++) {
        ee_rec *l = &lib.v[i];
        if (l->recovered && !l->xml) continue;
        if (l->recovered) st->recovered++;
        else st->lib_records++;
        if (!l->xml) {
            st->lib_failed++;
            continue;
        }
        while (j < ours.n && ours.v[j].id < l->id) j++;
        char where[512] = "", first[512] = "";
        int r = 1;
        unsigned dev = 0;
        for (size_t k = j; k < ours.n && ours.v[k].id == l->id && r; k++) {
            dev = 0;
            int rk = ee_same(ours.v[k].xml, l->xml, &dev, where, sizeof where);
            if (k == j || rk == 0) r = rk;
            if (k == j) memcpy(first, where, sizeof first);
        }
        if (l->recovered) {
            if (r == 0) st->recovered_equal++;
            continue;
        }
        if (r == 2 || r == 3) {
            if (r == 2) st->both_not_xml++;
            else st->lib_not_xml++;
            continue;
        }
        if (j == ours.n || ours.v[j].id != l->id) {
            st->ours_missing++;
            bad++;
            if (report) report(ctx, l->id, NULL, l->xml, "libevtx renders it, ours has no such record");
            continue;
        }
        st->compared++;
        if (r == 0) {
            st->equal++;
            for (int b = 0; b < EE_NKINDS; b++)
                if (dev & (1u << b)) st->lib_deviations[b]++;
        } else {
            st->differ++;
            bad++;
            if (report) report(ctx, l->id, ours.v[j].xml, l->xml, first);
        }
    }
    ee_list_free(&ours);
    ee_list_free(&lib);
    return bad;
}
#endif
