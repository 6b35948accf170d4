/* evtx_binxml.c: Binary XML of an EVTX record rendered as the one-line XML
 * Windows renders: the record's template instance (its definition inline
 * or earlier in the chunk) is walked token by token with the record's
 * substitution values put in. Optional substitutions whose value is NULL
 * drop their attribute (an empty value is a value), and an element without attributes whose content is only
 * such substitutions is left out (no <Binary> without binary data); an
 * element without content is written <X/>. Nested Binary XML values
 * (UserData) are rendered in place. Recursion is bounded (elements and
 * nested templates), every read is checked against the chunk. With a
 * template cache (evtx_template.c) a template compiled once per chunk
 * replaces the walk; this walk stays the definition of the output and
 * renders what cannot be compiled. */
#include "evtx_bx.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bx_fail(bx *b, const char *fmt, ...)
{
    if (!b->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(b->why, b->whylen, fmt, ap);
        va_end(ap);
    }
    b->failed = 1;
    return -1;
}

int bx_need(bx *b, uint32_t pos, uint32_t len, uint32_t end)
{
    if (pos > end || len > end - pos) return bx_fail(b, "binary XML runs past its end at offset %u", pos);
    return 0;
}

/* A name at chunk offset off: writes it; returns its size in the chunk. */
static int bx_name(bx *b, uint32_t off, uint32_t *size)
{
    if (bx_need(b, off, 8, (uint32_t)b->n)) return -1;
    uint32_t nchars = evtx_u16(b->c + off + 6);
    if (bx_need(b, off + 8, 2 * nchars + 2, (uint32_t)b->n)) return -1;
    evtx_utf16(b->out, b->c + off + 8, 2 * (size_t)nchars, 0);
    *size = 8 + 2 * nchars + 2;
    return 0;
}

/* A name reference at *pos (u32 chunk offset; the name itself follows when
 * it points here). Writes the name and advances *pos. */
static int bx_name_ref(bx *b, uint32_t *pos, uint32_t end)
{
    if (bx_need(b, *pos, 4, end)) return -1;
    uint32_t off = evtx_u32(b->c + *pos);
    *pos += 4;
    uint32_t size;
    if (bx_name(b, off, &size)) return -1;
    if (off == *pos) *pos += size;
    return 0;
}

static int bx_fragment(bx *b, uint32_t pos, uint32_t end, int tdepth, uint32_t *endpos);

int bx_subst(bx *b, const bx_frame *f, uint32_t idx, int attr)
{
    if (idx >= f->nsubs) return 0; /* a substitution the instance does not give: no value */
    const bx_sub *s = &f->subs[idx];
    if (s->type == 0) return 0; /* NULL */
    if (s->size == 0) return 1; /* an empty value, but a value */
    if (b->out->len > BX_MAX_XML) return bx_fail(b, "the event's XML is longer than %u MiB", BX_MAX_XML >> 20);
    if (s->type == 0x21) {
        if (attr && b->rec) b->rec->ok = 0; /* elements inside an attribute value */
        uint32_t e;
        if (bx_fragment(b, s->off, s->off + s->size, f->tdepth + 1, &e)) return -1;
        return 1;
    }
    if (evtx_value(b->out, s->type, b->c + s->off, s->size, attr, b->why, b->whylen)) {
        b->failed = 1;
        return -1;
    }
    return 1;
}

/* Value-like tokens at *pos (attribute values, element text): writes them.
 * *only_opt_empty stays 1 while everything seen was an optional
 * substitution without value. Stops at the first other token. */
static int bx_values(bx *b, const bx_frame *f, uint32_t *pos, uint32_t end, int attr, int *seen, int *only_opt_empty)
{
    for (;;) {
        if (bx_need(b, *pos, 1, end)) return -1;
        unsigned tok = b->c[*pos];
        unsigned t = tok & 0xbf;
        if (t == 0x05) {
            if (bx_need(b, *pos, 4, end)) return -1;
            unsigned vt = b->c[*pos + 1];
            uint32_t nch = evtx_u16(b->c + *pos + 2);
            if (vt != 0x01) return bx_fail(b, "value token of type 0x%02x at offset %u", vt, *pos);
            if (bx_need(b, *pos + 4, 2 * nch, end)) return -1;
            evtx_utf16(b->out, b->c + *pos + 4, 2 * (size_t)nch, attr);
            *pos += 4 + 2 * nch;
            *only_opt_empty = 0;
        } else if (tok == 0x0d || tok == 0x0e) {
            if (bx_need(b, *pos, 4, end)) return -1;
            uint32_t idx = evtx_u16(b->c + *pos + 1);
            *pos += 4;
            int w = bx_subst(b, f, idx, attr);
            if (w < 0) return -1;
            if (tok == 0x0d || w) *only_opt_empty = 0;
        } else if (t == 0x08) {
            if (bx_need(b, *pos, 3, end)) return -1;
            sbuf_printf(b->out, "&#%u;", evtx_u16(b->c + *pos + 1));
            *pos += 3;
            *only_opt_empty = 0;
        } else if (t == 0x09) {
            uint32_t p = *pos + 1;
            evtx_addc(b->out, '&');
            if (bx_name_ref(b, &p, end)) return -1;
            evtx_addc(b->out, ';');
            *pos = p;
            *only_opt_empty = 0;
        } else if (t == 0x07) {
            if (bx_need(b, *pos, 3, end)) return -1;
            uint32_t nch = evtx_u16(b->c + *pos + 1);
            if (bx_need(b, *pos + 3, 2 * nch, end)) return -1;
            evtx_add(b->out, "<![CDATA[");
            evtx_utf16(b->out, b->c + *pos + 3, 2 * (size_t)nch, 0);
            evtx_add(b->out, "]]>");
            *pos += 3 + 2 * nch;
            *only_opt_empty = 0;
        } else {
            return 0;
        }
        *seen = 1;
    }
}

/* An element whose content is one substitution with an array value is
 * written once per item (as Windows renders the string arrays of classic
 * events: <Data>a</Data><Data>b</Data>). The start tag is out[start..).
 * 1 if done so, 0 if the content is something else, -1 on error. */
static int bx_array_element(bx *b, const bx_frame *f, uint32_t p, uint32_t end, size_t start, size_t name_at,
                            size_t name_len)
{
    if (p + 5 > end || (b->c[p] != 0x0d && b->c[p] != 0x0e) || b->c[p + 4] != 0x04) return 0;
    uint32_t idx = evtx_u16(b->c + p + 1);
    if (idx >= f->nsubs || !(f->subs[idx].type & 0x80)) return 0;
    return bx_array_items(b, &f->subs[idx], start, name_at, name_len, 0) ? -1 : 1;
}

int bx_array_items(bx *b, const bx_sub *s, size_t start, size_t name_at, size_t name_len, size_t item0)
{
    unsigned t = s->type & 0x7f;
    size_t tag_len = b->out->len - start;
    char *tag = xstrndup(b->out->s + start, tag_len);
    char *name = xstrndup(b->out->s + name_at, name_len);
    b->out->len = start;
    /* recording: the start tag's items, copied for each item's element */
    evtx_rec *rec = b->rec && b->rec->ok ? b->rec : NULL;
    evtx_item *tag_items = NULL;
    size_t ntag_items = 0;
    if (rec) {
        assert(item0 < rec->n && rec->items[item0].kind == 'S');
        ntag_items = rec->n - item0;
        tag_items = xmalloc(ntag_items * sizeof *tag_items);
        memcpy(tag_items, rec->items + item0, ntag_items * sizeof *tag_items);
        rec->n = item0;
    }
    const unsigned char *v = b->c + s->off;
    size_t n = s->size, i = 0; /* an empty array: no element */
    int rc = 0;
    while (i < n && !rc) {
        size_t item;
        if (t == 0x01) {
            size_t j = i;
            while (j + 1 < n && evtx_u16(v + j)) j += 2;
            item = j - i;
        } else {
            /* fixed-size items (SizeT arrays: 64-bit) */
            static const unsigned char sizes[0x16] = {0, 0, 0, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 4, 0, 16, 8, 8, 16, 0, 4, 8};
            item = t < sizeof sizes ? sizes[t] : 0;
            if (!item || item > n - i) {
                rc = bx_fail(b, "array of value type 0x%02x with %zu bytes", t, n);
                break;
            }
        }
        size_t at = b->out->len, item_start = rec ? rec->n : 0;
        evtx_addn(b->out, tag, tag_len);
        for (size_t k = 0; k < ntag_items; k++) {
            const evtx_item *c = &tag_items[k];
            evtx_item *it = evtx_rec_push(rec, c->kind, c->name, c->name_len, c->at - start + at);
            it->after = c->after ? c->after - start + at : 0;
        }
        if (item && evtx_value(b->out, t, v + i, item, 0, b->why, b->whylen)) {
            b->failed = 1;
            rc = -1;
        }
        if (rec) evtx_rec_push(rec, 'E', tag_items[0].name, tag_items[0].name_len, b->out->len)->after = item_start;
        evtx_add(b->out, "</");
        evtx_add(b->out, name);
        evtx_addc(b->out, '>');
        i += item + (t == 0x01 ? 2 : 0);
    }
    if (!rc) b->out->s[b->out->len] = 0;
    free(tag_items);
    free(tag);
    free(name);
    return rc;
}

/* The element at *pos (an OpenStartElement token). */
static int bx_element(bx *b, const bx_frame *f, uint32_t *pos, uint32_t end, int depth)
{
    if (depth > BX_MAX_ELEMENT_DEPTH) return bx_fail(b, "elements nested deeper than %d", BX_MAX_ELEMENT_DEPTH);
    if (b->out->len > BX_MAX_XML) return bx_fail(b, "the event's XML is longer than %u MiB", BX_MAX_XML >> 20);
    if (b->rec) b->rec->ok = 0; /* this walk does not record */
    size_t start = b->out->len;
    uint32_t p = *pos;
    unsigned tok = b->c[p];
    int has_attrs = tok & 0x40;
    /* token, dependency id (u16), data size (u32), name offset (u32) */
    if (bx_need(b, p, 11, end)) return -1;
    uint32_t name_off = evtx_u32(b->c + p + 7);
    p += 7;
    if (name_off > b->n) {
        /* without the dependency id (Binary XML inside a substitution) */
        p -= 2;
        name_off = evtx_u32(b->c + p);
        if (name_off > b->n) return bx_fail(b, "element name offset %u out of range", name_off);
    }
    evtx_addc(b->out, '<');
    size_t name_at = b->out->len;
    if (bx_name_ref(b, &p, end)) return -1;
    size_t name_len = b->out->len - name_at;
    int nattrs = 0;
    if (has_attrs) {
        if (bx_need(b, p, 4, end)) return -1;
        p += 4;
        for (;;) {
            if (bx_need(b, p, 1, end)) return -1;
            unsigned a = b->c[p];
            if ((a & 0xbf) != 0x06) break;
            p++;
            size_t astart = b->out->len;
            evtx_addc(b->out, ' ');
            if (bx_name_ref(b, &p, end)) return -1;
            evtx_add(b->out, "='");
            int seen = 0, empty = 1;
            if (bx_values(b, f, &p, end, 1, &seen, &empty)) return -1;
            if (seen && empty) b->out->len = astart; /* optional attribute without value */
            else {
                evtx_addc(b->out, '\'');
                nattrs++;
            }
            if (!(a & 0x40)) break;
        }
    }
    if (bx_need(b, p, 1, end)) return -1;
    unsigned close = b->c[p++];
    if (close == 0x03) {
        evtx_add(b->out, "/>");
        *pos = p;
        return 0;
    }
    if (close != 0x02) return bx_fail(b, "unexpected token 0x%02x in a start tag at offset %u", close, p - 1);
    evtx_addc(b->out, '>');
    int arr = bx_array_element(b, f, p, end, start, name_at, name_len);
    if (arr < 0) return -1;
    if (arr) {
        *pos = p + 5;
        return 0;
    }
    int any = 0, only_opt_empty = 1;
    for (;;) {
        if (bx_need(b, p, 1, end)) return -1;
        unsigned t = b->c[p];
        if (t == 0x04) {
            p++;
            break;
        }
        if ((t & 0xbf) == 0x01) {
            if (bx_element(b, f, &p, end, depth + 1)) return -1;
            any = 1;
            only_opt_empty = 0;
            continue;
        }
        int seen = 0;
        if (bx_values(b, f, &p, end, 0, &seen, &only_opt_empty)) return -1;
        if (seen) {
            any = 1;
            continue;
        }
        if ((t & 0xbf) == 0x0a || (t & 0xbf) == 0x0b)
            return bx_fail(b, "processing instructions are not supported (offset %u)", p);
        return bx_fail(b, "unexpected token 0x%02x in element content at offset %u", t, p);
    }
    *pos = p;
    if (!any) {
        /* <X></X> as Windows writes an element without content: <X/> */
        b->out->len--;
        evtx_add(b->out, "/>");
        return 0;
    }
    if (only_opt_empty && nattrs == 0) {
        b->out->len = start; /* only optional substitutions without value: no element */
        b->out->s[start] = 0;
        return 0;
    }
    /* the end tag copies the name from out itself: room first, so that
     * appending does not move it */
    sbuf_grow(b->out, name_len + 3);
    evtx_add(b->out, "</");
    evtx_addn(b->out, b->out->s + name_at, name_len);
    evtx_addc(b->out, '>');
    return 0;
}

/* A template instance at *pos (token 0x0c). */
static int bx_template(bx *b, uint32_t *pos, uint32_t end, int tdepth)
{
    if (tdepth > BX_MAX_TEMPLATE_DEPTH) return bx_fail(b, "templates nested deeper than %d", BX_MAX_TEMPLATE_DEPTH);
    uint32_t p = *pos;
    if (bx_need(b, p, 10, end)) return -1;
    uint32_t def = evtx_u32(b->c + p + 6);
    p += 10;
    if (bx_need(b, def, 24, (uint32_t)b->n)) return -1;
    uint32_t def_size = evtx_u32(b->c + def + 20);
    uint32_t def_data = def + 24;
    if (bx_need(b, def_data, def_size, (uint32_t)b->n)) return -1;
    if (def == p) p = def_data + def_size; /* the definition is inline */
    if (bx_need(b, p, 4, end)) return -1;
    uint32_t nsubs = evtx_u32(b->c + p);
    p += 4;
    if (nsubs > BX_MAX_SUBS || bx_need(b, p, 4 * nsubs, end))
        return bx_fail(b, "bad substitution count %u at offset %u", nsubs, p - 4);
    bx_sub subs_local[64];
    bx_sub *subs = nsubs <= 64 ? subs_local : xmalloc(nsubs * sizeof *subs);
    uint32_t v = p + 4 * nsubs;
    for (uint32_t i = 0; i < nsubs; i++) {
        subs[i].size = evtx_u16(b->c + p + 4 * i);
        subs[i].type = b->c[p + 4 * i + 2];
        subs[i].off = v;
        v += subs[i].size;
    }
    int rc = 0;
    if (v > end) rc = bx_fail(b, "substitution values run past the record (offset %u)", v);
    const struct tp_prog *prog = NULL;
    if (!rc && b->cache) prog = tp_lookup(b, def, def_data, def_data + def_size);
    if (!rc && prog) {
        bx_frame f = {subs, nsubs, tdepth};
        rc = tp_run(b, prog, &f);
    } else if (!rc) {
        bx_frame f = {subs, nsubs, tdepth};
        uint32_t q = def_data, dend = def_data + def_size;
        /* fragment header, then the root element, then EOF */
        if (q + 4 <= dend && b->c[q] == 0x0f) q += 4;
        while (!rc && q < dend && b->c[q] != 0x00) {
            if ((b->c[q] & 0xbf) == 0x01) rc = bx_element(b, &f, &q, dend, 0);
            else rc = bx_fail(b, "unexpected token 0x%02x in a template at offset %u", b->c[q], q);
        }
    }
    if (subs != subs_local) free(subs);
    *pos = v;
    return rc;
}

/* A Binary XML fragment pos..end: a fragment header, then a template
 * instance or elements, up to EOF. */
static int bx_fragment(bx *b, uint32_t pos, uint32_t end, int tdepth, uint32_t *endpos)
{
    if (tdepth > BX_MAX_TEMPLATE_DEPTH) return bx_fail(b, "Binary XML nested deeper than %d", BX_MAX_TEMPLATE_DEPTH);
    bx_frame none = {NULL, 0, tdepth};
    while (pos < end) {
        unsigned t = b->c[pos];
        if (t == 0x00) {
            pos++;
            break;
        }
        if (t == 0x0f) {
            if (bx_need(b, pos, 4, end)) return -1;
            pos += 4;
        } else if (t == 0x0c) {
            if (bx_template(b, &pos, end, tdepth)) return -1;
        } else if ((t & 0xbf) == 0x01) {
            if (bx_element(b, &none, &pos, end, 0)) return -1;
        } else {
            return bx_fail(b, "unexpected token 0x%02x at offset %u", t, pos);
        }
    }
    *endpos = pos;
    return 0;
}


static int bx_render(bx *b, const evtx_record *r)
{
    uint32_t end;
    assert(r->off + r->size <= b->n);
    size_t before = b->out->len;
    if (bx_fragment(b, r->off + 24, r->off + r->size - 4, 0, &end)) return -1;
    if (b->out->len == before) {
        snprintf(b->why, b->whylen, "the record renders no XML");
        return -1;
    }
    return 0;
}

int evtx_render(const unsigned char *c, size_t n, const evtx_record *r, sbuf *out, char *why, size_t whylen)
{
    bx b = {c, n, out, why, whylen, 0, NULL, NULL};
    return bx_render(&b, r);
}

int evtx_render_sax(evtx_cache *cache, const unsigned char *c, size_t n, const evtx_record *r, sbuf *out,
                    const xmlscan_handlers *h, char *why, size_t whylen)
{
    assert(cache && out->len == 0);
    evtx_rec *rec = tp_recorder(cache);
    rec->n = 0;
    rec->ok = 1;
    bx b = {c, n, out, why, whylen, 0, cache, rec};
    if (bx_render(&b, r)) return -1;
    if (!rec->ok) return 1;
    return evtx_sax_replay(rec, out->s, out->len, h);
}
