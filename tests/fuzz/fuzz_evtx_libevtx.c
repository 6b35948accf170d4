/* fuzz_evtx_libevtx.c: libFuzzer harness comparing splite's EVTX decoder
 * (src/evtx/) with libevtx, the reference (tests/evtx_libevtx_equiv.h).
 * Input: .evtx bytes (a file header and chunks, the last one may be cut).
 * The harness first makes the input a file both decoders read as the same
 * records, so that mutated record bytes reach both instead of failing a
 * checksum:
 *   - each chunk is padded to 64 KiB; its records are walked with ours
 *     (evtx_next_record); a chunk ours does not accept whole (no signature,
 *     a record that cannot be found or rendered by evtx_render) is left out;
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
 * build time the harness does nothing. See docs/FUZZING.md. */
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
    free(f);
    return 0;
}
#endif
