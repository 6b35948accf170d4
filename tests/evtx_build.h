/* evtx_build.h: test helper that writes small EVTX files by hand: a file
 * header and one chunk whose records use a template (defined inline by the
 * first record, referenced by the next) with substitutions of many value
 * types. Used by test_reader_evtx.c (and to write the fuzz seeds). */
#ifndef SPLITE_EVTX_BUILD_H
#define SPLITE_EVTX_BUILD_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evtx/evtx.h"

typedef struct eb {
    unsigned char *c; /* the chunk, EVTX_CHUNK_SIZE bytes */
    uint32_t pos;
} eb;

static inline void eb_u8(eb *b, unsigned v) { b->c[b->pos++] = (unsigned char)v; }
static inline void eb_u16(eb *b, unsigned v) { eb_u8(b, v & 0xff); eb_u8(b, (v >> 8) & 0xff); }
static inline void eb_u32(eb *b, uint32_t v) { eb_u16(b, v & 0xffff); eb_u16(b, v >> 16); }
static inline void eb_u64(eb *b, uint64_t v) { eb_u32(b, (uint32_t)v); eb_u32(b, (uint32_t)(v >> 32)); }
static inline void eb_mem(eb *b, const void *p, size_t n) { if (n) memcpy(b->c + b->pos, p, n); b->pos += (uint32_t)n; }
static inline void eb_utf16(eb *b, const char *s) { while (*s) eb_u16(b, (unsigned char)*s++); }

/* A name reference with the name inline after it. */
static inline void eb_name(eb *b, const char *name)
{
    eb_u32(b, b->pos + 4);
    eb_u32(b, 0);
    eb_u16(b, 0);
    eb_u16(b, (unsigned)strlen(name));
    eb_utf16(b, name);
    eb_u16(b, 0);
}
static inline void eb_open(eb *b, const char *name, int attrs)
{
    eb_u8(b, attrs ? 0x41 : 0x01);
    eb_u16(b, 0xffff);
    eb_u32(b, 0);
    eb_name(b, name);
    if (attrs) eb_u32(b, 0);
}
static inline void eb_attr(eb *b, const char *name, int more) { eb_u8(b, more ? 0x46 : 0x06); eb_name(b, name); }
static inline void eb_text(eb *b, const char *s) { eb_u8(b, 0x05); eb_u8(b, 0x01); eb_u16(b, (unsigned)strlen(s)); eb_utf16(b, s); }
static inline void eb_sub(eb *b, int optional, unsigned idx, unsigned type)
{
    eb_u8(b, optional ? 0x0e : 0x0d);
    eb_u16(b, idx);
    eb_u8(b, type);
}
/* <name>%idx</name> */
static inline void eb_elem_sub(eb *b, const char *name, int optional, unsigned idx, unsigned type)
{
    eb_open(b, name, 0);
    eb_u8(b, 0x02);
    eb_sub(b, optional, idx, type);
    eb_u8(b, 0x04);
}
/* <Data Name='name'>%idx</Data> */
static inline void eb_data(eb *b, const char *name, int optional, unsigned idx, unsigned type)
{
    eb_open(b, "Data", 1);
    eb_attr(b, "Name", 0);
    eb_text(b, name);
    eb_u8(b, 0x02);
    eb_sub(b, optional, idx, type);
    eb_u8(b, 0x04);
}

/* The template: an Event with System, EventData (named Data of many types,
 * an optional one without value, an array as repeated <Data>) and an
 * optional <Binary>. */
static inline void eb_template_body(eb *b)
{
    eb_u8(b, 0x0f); eb_u8(b, 1); eb_u8(b, 1); eb_u8(b, 0);
    eb_open(b, "Event", 1);
    eb_attr(b, "xmlns", 0);
    eb_text(b, "http://schemas.microsoft.com/win/2004/08/events/event");
    eb_u8(b, 0x02);
    eb_open(b, "System", 0);
    eb_u8(b, 0x02);
    eb_open(b, "Provider", 1);
    eb_attr(b, "Name", 1);
    eb_sub(b, 1, 0, 0x01);
    eb_attr(b, "Guid", 0);
    eb_sub(b, 1, 1, 0x0f);
    eb_u8(b, 0x03);
    eb_elem_sub(b, "EventID", 0, 2, 0x06);
    eb_open(b, "TimeCreated", 1);
    eb_attr(b, "SystemTime", 0);
    eb_sub(b, 1, 3, 0x11);
    eb_u8(b, 0x03);
    eb_elem_sub(b, "EventRecordID", 1, 4, 0x0a);
    eb_open(b, "Correlation", 1);
    eb_attr(b, "ActivityID", 0);
    eb_sub(b, 1, 5, 0x0f);
    eb_u8(b, 0x03);
    eb_elem_sub(b, "Channel", 0, 6, 0x01);
    eb_elem_sub(b, "Computer", 0, 7, 0x01);
    eb_open(b, "Security", 1);
    eb_attr(b, "UserID", 0);
    eb_sub(b, 1, 8, 0x13);
    eb_u8(b, 0x03);
    eb_u8(b, 0x04); /* System */
    eb_open(b, "EventData", 0);
    eb_u8(b, 0x02);
    eb_data(b, "LogonId", 0, 9, 0x15);
    eb_data(b, "CommandLine", 0, 10, 0x01);
    eb_data(b, "Empty", 1, 11, 0x01);
    eb_data(b, "Count", 0, 12, 0x07);
    eb_data(b, "When", 0, 13, 0x12);
    eb_elem_sub(b, "Data", 0, 14, 0x81);
    eb_elem_sub(b, "Binary", 1, 15, 0x0e);
    eb_u8(b, 0x04); /* EventData */
    eb_u8(b, 0x04); /* Event */
    eb_u8(b, 0x00);
}

/* Fill in the sizes the builder leaves 0 in the Binary XML c[start..end):
 * each element's data size (after the size field, through its end token)
 * and attribute list size (up to the token closing the start tag), as
 * Windows writes them. Our decoder does not need them; libevtx reads
 * elements by them (tests/evtx_libevtx_equiv.h). Knows only the tokens the
 * builder writes, names inline. */
static inline void eb_fix_sizes(unsigned char *c, uint32_t start, uint32_t end)
{
    uint32_t el[32], at[32]; /* open elements: offsets of their size fields */
    int depth = 0;
    uint32_t p = start;
    while (p < end) {
        unsigned t = c[p];
        switch (t & 0xbf) {
        case 0x0f: p += 4; break;
        case 0x01:
            el[depth] = p + 3;
            p += 11;
            p += 8 + 2 * (uint32_t)evtx_u16(c + p + 6) + 2; /* the name */
            at[depth] = 0;
            if (t & 0x40) at[depth] = p, p += 4;
            depth++;
            break;
        case 0x06: p += 5; p += 8 + 2 * (uint32_t)evtx_u16(c + p + 6) + 2; break;
        case 0x05: p += 4 + 2 * (uint32_t)evtx_u16(c + p + 2); break;
        case 0x0d: case 0x0e: p += 4; break;
        case 0x02: case 0x03: case 0x04: {
            uint32_t v;
            if (t != 0x04 && depth > 0 && at[depth - 1]) {
                v = p - (at[depth - 1] + 4);
                memcpy(c + at[depth - 1], &v, 4);
            }
            p++;
            if (t != 0x02 && depth > 0) {
                depth--;
                v = p - (el[depth] + 4);
                memcpy(c + el[depth], &v, 4);
            }
            break;
        }
        default: return; /* 0x00: the end */
        }
    }
}

/* One substitution value. */
typedef struct eb_val {
    unsigned type;
    const void *p;
    unsigned size;
} eb_val;

/* A record: the template instance (definition inline when def == 0, else
 * referenced at def), then the values. Returns the template's offset. */
static inline uint32_t eb_record(eb *b, uint64_t id, uint64_t filetime, uint32_t def, const eb_val *v, unsigned nv)
{
    uint32_t start = b->pos;
    eb_mem(b, "**\0\0", 4);
    eb_u32(b, 0); /* size, set below */
    eb_u64(b, id);
    eb_u64(b, filetime);
    eb_u8(b, 0x0f); eb_u8(b, 1); eb_u8(b, 1); eb_u8(b, 0);
    eb_u8(b, 0x0c);
    eb_u8(b, 1);
    eb_u32(b, 0x1234);
    if (def == 0) {
        def = b->pos + 4;
        eb_u32(b, def);
        eb_u32(b, 0);
        static const unsigned char guid[16] = {0x34, 0x12};
        eb_mem(b, guid, 16);
        uint32_t size_at = b->pos;
        eb_u32(b, 0);
        uint32_t body = b->pos;
        eb_template_body(b);
        eb_fix_sizes(b->c, body, b->pos);
        uint32_t save = b->pos;
        b->pos = size_at;
        eb_u32(b, save - body);
        b->pos = save;
    } else {
        eb_u32(b, def);
    }
    eb_u32(b, nv);
    for (unsigned i = 0; i < nv; i++) {
        eb_u16(b, v[i].size);
        eb_u8(b, v[i].type);
        eb_u8(b, 0);
    }
    for (unsigned i = 0; i < nv; i++) eb_mem(b, v[i].p, v[i].size);
    eb_u8(b, 0x00);
    uint32_t size = b->pos - start + 4;
    eb_u32(b, size);
    uint32_t save = b->pos;
    b->pos = start + 4;
    eb_u32(b, size);
    b->pos = save;
    return def;
}

/* UTF-16LE of an ASCII string (with its NUL when nul), in a static buffer
 * slot k. */
static inline const unsigned char *eb_w(int k, const char *s, int nul, unsigned *size)
{
    static unsigned char buf[8][512];
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        buf[k][2 * i] = (unsigned char)s[i];
        buf[k][2 * i + 1] = 0;
    }
    buf[k][2 * n] = buf[k][2 * n + 1] = 0;
    *size = (unsigned)(2 * n + (nul ? 2 : 0));
    return buf[k];
}

/* Finish the chunk (records first..last, free space at b->pos) and write
 * the file: header + chunk (the chunk cut after its records when short).
 * Returns a malloc'd buffer of *len bytes. */
static inline unsigned char *eb_file(eb *b, uint64_t first, uint64_t last, int short_chunk, size_t *len)
{
    unsigned char *c = b->c;
    memcpy(c, "ElfChnk\0", 8);
    for (int i = 0; i < 2; i++) {
        memcpy(c + 8 + 16 * i, &first, 8); /* little-endian hosts only: fine for tests */
        memcpy(c + 16 + 16 * i, &last, 8);
    }
    uint32_t v = 128;
    memcpy(c + 40, &v, 4);
    /* the offset of the last record (libevtx reads records up to it) */
    uint32_t lastrec = EVTX_CHUNK_HEADER;
    for (uint32_t p = EVTX_CHUNK_HEADER; p + 8 <= b->pos && memcmp(c + p, "**\0\0", 4) == 0 && evtx_u32(c + p + 4);
         p += evtx_u32(c + p + 4))
        lastrec = p;
    memcpy(c + 44, &lastrec, 4);
    memcpy(c + 48, &b->pos, 4);
    uint32_t crc = evtx_crc32(c + EVTX_CHUNK_HEADER, b->pos - EVTX_CHUNK_HEADER);
    memcpy(c + 52, &crc, 4);
    unsigned char tmp[504];
    memcpy(tmp, c, 120);
    memcpy(tmp + 120, c + 128, 384);
    crc = evtx_crc32(tmp, sizeof tmp);
    memcpy(c + 124, &crc, 4);
    size_t clen = short_chunk ? b->pos : EVTX_CHUNK_SIZE;
    unsigned char *f = calloc(1, EVTX_HEADER_SIZE + clen);
    memcpy(f, "ElfFile\0", 8);
    uint64_t one = 1;
    memcpy(f + 24, &one, 8);
    v = 128;
    memcpy(f + 32, &v, 4);
    uint16_t s16 = 1;
    memcpy(f + 36, &s16, 2);
    s16 = 3;
    memcpy(f + 38, &s16, 2);
    s16 = 4096;
    memcpy(f + 40, &s16, 2);
    s16 = 1;
    memcpy(f + 42, &s16, 2);
    crc = evtx_crc32(f, 120);
    memcpy(f + 124, &crc, 4);
    memcpy(f + EVTX_HEADER_SIZE, c, clen);
    *len = EVTX_HEADER_SIZE + clen;
    return f;
}
#endif
