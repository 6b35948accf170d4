/* fuzz_evtx_libevtx.c: libFuzzer harness comparing splite's EVTX decoder
 * (src/evtx/) with libevtx, the reference (tests/evtx_libevtx_equiv.h).
 * Input: .evtx bytes (a file header and chunks, the last one may be cut).
 * The harness first makes the input a file both decoders read as the same
 * records, so that mutated record bytes reach both instead of failing a
 * checksum:
 *   - each chunk is padded to 64 KiB; its records are walked with ours
 *     (evtx_next_record); a chunk ours does not accept whole (no signature,
 *     a record that cannot be found or rendered by evtx_render) is left out,
 *     and so is one with a value whose size does not fit its type (an Int8
 *     of 8 bytes: ours reads the type's size, libevtx the value's);
 *   - the kept chunks get their header fields (free space and last record
 *     offsets, first and last record numbers) and both checksums set from
 *     what ours found; the file header gets the chunk count and checksum.
 * Then every record that both decoders render must give equal canonical
 * trees (up to the documented formatting differences and known libevtx
 * deviations); else the harness prints both renderings and aborts.
 * libevtx runs in a forked child with an alarm: its crashes and hangs are
 * not ours and are only counted. Not checked here: records libevtx cannot
 * render, records only one side finds, and inputs ours refuses (the reader
 * harness fuzz_reader_evtx covers ours on any input). Without libevtx at
 * build time the harness does nothing. SPLITE_FUZZ_VERBOSE=1 prints what
 * was compared for each input. See docs/FUZZING.md. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef SPLITE_HAVE_LIBEVTX
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int said;
    if (!said++) fprintf(stderr, "fuzz_evtx_libevtx: built without libevtx: nothing compared\n");
    (void)data;
    (void)size;
    return 0;
}
#else
#include "../evtx_libevtx_equiv.h"

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); } /* little-endian hosts (x86-64) */
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static void put16(unsigned char *p, uint16_t v) { memcpy(p, &v, 2); }

/* The size a value of type t has (0: any). */
static uint32_t type_size(unsigned t) { return (uint32_t)evtx_fixed_size(t & 0x7f); }

/* The template instance at c[p..end) has values whose sizes fit their
 * types (a multiple of it for arrays), nested Binary XML values too. Ours
 * reads a fixed-size type's own size, libevtx the value's whole size:
 * records that are not so are not compared (Windows writes none). */
static int values_fit(const unsigned char *c, uint32_t p, uint32_t end, int depth)
{
    if (depth > 8 || p + 10 > end || c[p] != 0x0f || c[p + 4] != 0x0c) return 1; /* not an instance: no values */
    p += 10;
    if (p + 4 > end) return 1;
    uint32_t def = evtx_u32(c + p);
    p += 4;
    if (def == p) {
        if (p + 24 > end) return 1;
        uint32_t tsize = evtx_u32(c + p + 20);
        if (tsize > end - p - 24) return 1;
        p += 24 + tsize;
    }
    if (p + 4 > end) return 1;
    uint32_t n = evtx_u32(c + p);
    p += 4;
    if (n > (end - p) / 4) return 1;
    uint32_t v = p + 4 * n;
    for (uint32_t i = 0; i < n && v <= end; i++) {
        uint32_t size = evtx_u16(c + p + 4 * i);
        unsigned t = c[p + 4 * i + 2];
        uint32_t want = type_size(t);
        if (want && size && (t & 0x80 ? size % want != 0 : size != want)) return 0;
        if ((t & 0x7f) == 0x21 && size <= end - v && !values_fit(c, v, v + size, depth + 1)) return 0;
        v += size;
    }
    return 1;
}

/* Make chunk c (EVTX_CHUNK_SIZE bytes) consistent with what ours reads in
 * it. 1 when ours accepts it whole (then *first, *last are its record ids),
 * else 0. */
static int fix_chunk(unsigned char *c, uint64_t *first, uint64_t *last, sbuf *xml)
{
    char why[256];
    if (memcmp(c, "ElfChnk\0", 8) != 0) return 0;
    uint32_t end = evtx_u32(c + 48);
    if (end < EVTX_CHUNK_HEADER || end > EVTX_CHUNK_SIZE) put32(c + 48, EVTX_CHUNK_SIZE);
    uint32_t off = EVTX_CHUNK_HEADER, last_off = 0;
    evtx_record r;
    int got, n = 0;
    while ((got = evtx_next_record(c, EVTX_CHUNK_SIZE, &off, &r, why, sizeof why)) > 0) {
        sbuf_reset(xml);
        if (evtx_render(c, EVTX_CHUNK_SIZE, &r, xml, why, sizeof why)) return 0;
        if (!values_fit(c, r.off + 24, r.off + r.size, 0)) return 0;
        if (n++ == 0) *first = r.id;
        *last = r.id;
        last_off = r.off;
    }
    if (got < 0 || n == 0) return 0;
    put64(c + 8, *first);
    put64(c + 16, *last);
    put64(c + 24, *first);
    put64(c + 32, *last);
    put32(c + 40, 128);
    put32(c + 44, last_off);
    put32(c + 48, off);
    put32(c + 52, evtx_crc32(c + EVTX_CHUNK_HEADER, off - EVTX_CHUNK_HEADER));
    unsigned char tmp[120 + 384];
    memcpy(tmp, c, 120);
    memcpy(tmp + 120, c + 128, 384);
    put32(c + 124, evtx_crc32(tmp, sizeof tmp));
    /* what ours reads must not have changed */
    int bad = 0;
    return evtx_chunk_check(c, EVTX_CHUNK_SIZE, &bad, why, sizeof why) == 1 && bad == 0;
}

static void report(void *ctx, uint64_t id, const char *ours, const char *lib, const char *where)
{
    (void)ctx;
    if (!ours) return; /* only records both render are compared */
    fprintf(stderr, "fuzz_evtx_libevtx: record %llu: ours and libevtx differ: %s\n--- ours:\n%s\n--- libevtx:\n%s\n",
            (unsigned long long)id, where, ours, lib);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < EVTX_HEADER_SIZE + EVTX_CHUNK_HEADER || memcmp(data, "ElfFile\0", 8) != 0) return 0;
    size_t nchunks = (size - EVTX_HEADER_SIZE + EVTX_CHUNK_SIZE - 1) / EVTX_CHUNK_SIZE;
    if (nchunks > 4) nchunks = 4;
    unsigned char *f = calloc(1, EVTX_HEADER_SIZE + nchunks * EVTX_CHUNK_SIZE);
    assert(f);
    memcpy(f, data, EVTX_HEADER_SIZE);
    size_t kept = 0;
    uint64_t next = 1;
    sbuf xml = {0};
    for (size_t k = 0; k < nchunks; k++) {
        size_t at = EVTX_HEADER_SIZE + k * EVTX_CHUNK_SIZE;
        size_t n = size - at < EVTX_CHUNK_SIZE ? size - at : EVTX_CHUNK_SIZE;
        unsigned char *c = f + EVTX_HEADER_SIZE + kept * EVTX_CHUNK_SIZE;
        memset(c, 0, EVTX_CHUNK_SIZE);
        memcpy(c, data + at, n);
        uint64_t first = 0, last = 0;
        if (!fix_chunk(c, &first, &last, &xml)) continue;
        kept++;
        if (last + 1 > next) next = last + 1;
    }
    sbuf_free(&xml);
    if (kept == 0) {
        free(f);
        return 0;
    }
    put64(f + 8, 0);
    put64(f + 16, kept - 1);
    put64(f + 24, next);
    put32(f + 32, 128);
    put16(f + 36, 1);
    put16(f + 38, 3);
    put16(f + 40, EVTX_HEADER_SIZE);
    put16(f + 42, (uint16_t)kept);
    put32(f + 120, 0);
    put32(f + 124, evtx_crc32(f, 120));
    ee_stats st = {0};
    ee_compare_file(f, EVTX_HEADER_SIZE + kept * EVTX_CHUNK_SIZE, 10, &st, report, NULL);
    const char *v = getenv("SPLITE_FUZZ_VERBOSE");
    if (v && *v == '1')
        fprintf(stderr, "fuzz_evtx_libevtx: %zu chunks kept; libevtx listed %ld, rendered %ld; compared %ld, equal %ld; "
                "not XML: both %ld, libevtx's %ld; libevtx failed %ld\n", kept, st.lib_records,
                st.lib_records - st.lib_failed, st.compared, st.equal, st.both_not_xml, st.lib_not_xml, st.lib_crashed);
    free(f);
    return 0;
}
#endif
