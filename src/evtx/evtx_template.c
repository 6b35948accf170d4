/* evtx_template.c: the per-chunk template cache. A template definition is
 * compiled once per chunk into a short program: its static XML (element
 * and attribute names, fixed text, character and entity references, CDATA)
 * pre-rendered into literal runs, and between them the steps that depend
 * on a record's substitution values (a value written, an optional attribute
 * dropped, an element without content written <X/> or left out, an array
 * written one element per item). Running the program writes exactly what
 * the token-by-token walk of evtx_binxml.c writes for the same record; a
 * definition the compiler cannot take (bad tokens, too deep, too large) is
 * left to that walk, which reports the error. Programs belong to the bytes
 * of one chunk: evtx_cache_reset drops them. */
#include "evtx_bx.h"
#include "xmlscan.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    TP_LIT,       /* write lit[a..a+b) */
    TP_ELEM,      /* an element starts: remember where (a, b: its name in lit) */
    TP_ATTR,      /* an attribute starts (a, b: its name in lit; flag 1: its
                   * fixed text needs no decoding) */
    TP_SUB,       /* substitution idx (flags: TP_F_ATTR, TP_F_OPT) */
    TP_ATTR_END,  /* flag 1: dropped when only optional values, all NULL */
    TP_ATTR_FIXED, /* an attribute without substitutions: its text lit[c..c+d)
                    * (a, b: its name in lit; flag as TP_ATTR's) */
    TP_ARRAY,     /* substitution idx as one element per item when it is an
                   * array (a: name length), then go to op b */
    TP_END_SELF,  /* <X .../> written by the literal before */
    TP_END_EMPTY, /* no content: the '>' becomes "/>" */
    TP_END_CLOSE, /* write lit[a..a+b) ("</X>"); flag 1: left out entirely
                   * when no attribute and no value was written */
    TP_HALT,      /* the end of the program */
};
#define TP_F_ATTR 1
#define TP_F_OPT 2

typedef struct tp_op {
    uint8_t kind;
    uint8_t flag;
    uint16_t idx;
    uint32_t a, b;
    uint32_t c, d; /* TP_ELEM, TP_ATTR_FIXED: static text lit[c..c+d) written with it */
} tp_op;

struct tp_prog {
    tp_op *ops;
    uint32_t nops, cap;
    sbuf lit;
    int recordable; /* every name plain, no reference or CDATA: evtx_render_sax can record it */
    int lit_refs;   /* its fixed text holds a reference (&amp; ...) */
};

/* Bounds of one compiled program and of all programs of a chunk. */
#define TP_MAX_OPS (1u << 16)
#define TP_MAX_CHUNK_BYTES (16u << 20)

typedef struct tp_slot {
    uint32_t def;
    int state;             /* 0 empty, 1 compiled, -1 cannot be compiled */
    struct tp_prog *prog;
} tp_slot;

struct evtx_cache {
    tp_slot *slots;
    uint32_t cap, used;
    size_t bytes; /* held by the programs */
    evtx_rec rec;
};

evtx_rec *tp_recorder(evtx_cache *cache) { return &cache->rec; }

/* ---- compiling ---- */

typedef struct tc {
    const unsigned char *c;
    size_t n;
    struct tp_prog *p;
    size_t pending; /* lit[pending..) is static text not yet in an op */
    int failed;
    unsigned subs;  /* substitution ops so far */
} tc;

static int tc_need(tc *t, uint32_t pos, uint32_t len, uint32_t end)
{
    if (pos > end || len > end - pos) t->failed = 1;
    return t->failed ? -1 : 0;
}

static tp_op *tc_op(tc *t, int kind)
{
    struct tp_prog *p = t->p;
    if (p->nops == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 32;
        p->ops = xrealloc(p->ops, p->cap * sizeof *p->ops);
    }
    tp_op *o = &p->ops[p->nops++];
    memset(o, 0, sizeof *o);
    o->kind = (uint8_t)kind;
    return o;
}

/* The static text written since the last op becomes a TP_LIT (merged with
 * a TP_LIT just before it). */
static void tc_flush(tc *t)
{
    struct tp_prog *p = t->p;
    size_t len = p->lit.len - t->pending;
    if (!len) return;
    tp_op *last = p->nops ? &p->ops[p->nops - 1] : NULL;
    if (last && last->kind == TP_ELEM && !last->d && last->a == t->pending + 1) {
        /* "<Name..." written by the element's own op */
        last->c = (uint32_t)t->pending;
        last->d = (uint32_t)len;
    } else if (last && last->kind == TP_LIT && last->a + last->b == t->pending) last->b += (uint32_t)len;
    else {
        tp_op *o = tc_op(t, TP_LIT);
        o->a = (uint32_t)t->pending;
        o->b = (uint32_t)len;
    }
    t->pending = p->lit.len;
}

static int tc_flushed_op(tc *t, int kind, tp_op **o)
{
    tc_flush(t);
    if (t->p->nops >= TP_MAX_OPS || t->p->lit.len > BX_MAX_XML) {
        t->failed = 1;
        return -1;
    }
    *o = tc_op(t, kind);
    return 0;
}

/* As bx_name_ref: the name written to the literal text. */
static int tc_name_ref(tc *t, uint32_t *pos, uint32_t end)
{
    if (tc_need(t, *pos, 4, end)) return -1;
    uint32_t off = evtx_u32(t->c + *pos);
    *pos += 4;
    if (tc_need(t, off, 8, (uint32_t)t->n)) return -1;
    uint32_t nchars = evtx_u16(t->c + off + 6);
    if (tc_need(t, off + 8, 2 * nchars + 2, (uint32_t)t->n)) return -1;
    evtx_utf16(&t->p->lit, t->c + off + 8, 2 * (size_t)nchars, 0);
    if (off == *pos) *pos += 8 + 2 * nchars + 2;
    return 0;
}

/* The name just written to lit[at..) is one the XML scanner takes as it
 * is; else records using the program are scanned (evtx_render_sax). */
static void tc_check_name(tc *t, size_t at)
{
    if (!xmlscan_plain_name(t->p->lit.s + at, t->p->lit.len - at)) t->p->recordable = 0;
}

/* As bx_values: *seen when there was a value token, *only_opt when every
 * one was an optional substitution. */
static int tc_values(tc *t, uint32_t *pos, uint32_t end, int attr, int *seen, int *only_opt)
{
    sbuf *lit = &t->p->lit;
    for (;;) {
        if (tc_need(t, *pos, 1, end)) return -1;
        unsigned tok = t->c[*pos];
        unsigned k = tok & 0xbf;
        if (k == 0x05) {
            if (tc_need(t, *pos, 4, end)) return -1;
            uint32_t nch = evtx_u16(t->c + *pos + 2);
            if (t->c[*pos + 1] != 0x01 || tc_need(t, *pos + 4, 2 * nch, end)) return t->failed = 1, -1;
            evtx_utf16(lit, t->c + *pos + 4, 2 * (size_t)nch, attr);
            *pos += 4 + 2 * nch;
            *only_opt = 0;
        } else if (tok == 0x0d || tok == 0x0e) {
            if (tc_need(t, *pos, 4, end)) return -1;
            tp_op *o;
            if (tc_flushed_op(t, TP_SUB, &o)) return -1;
            o->idx = evtx_u16(t->c + *pos + 1);
            o->flag = (uint8_t)((attr ? TP_F_ATTR : 0) | (tok == 0x0e ? TP_F_OPT : 0));
            t->subs++;
            *pos += 4;
            if (tok == 0x0d) *only_opt = 0;
        } else if (k == 0x08) {
            if (tc_need(t, *pos, 3, end)) return -1;
            sbuf_printf(lit, "&#%u;", evtx_u16(t->c + *pos + 1));
            *pos += 3;
            *only_opt = 0;
            t->p->recordable = 0;
        } else if (k == 0x09) {
            uint32_t p = *pos + 1;
            evtx_addc(lit, '&');
            if (tc_name_ref(t, &p, end)) return -1;
            evtx_addc(lit, ';');
            *pos = p;
            *only_opt = 0;
            t->p->recordable = 0;
        } else if (k == 0x07) {
            if (tc_need(t, *pos, 3, end)) return -1;
            uint32_t nch = evtx_u16(t->c + *pos + 1);
            if (tc_need(t, *pos + 3, 2 * nch, end)) return -1;
            evtx_add(lit, "<![CDATA[");
            evtx_utf16(lit, t->c + *pos + 3, 2 * (size_t)nch, 0);
            evtx_add(lit, "]]>");
            *pos += 3 + 2 * nch;
            *only_opt = 0;
            t->p->recordable = 0;
        } else {
            return 0;
        }
        *seen = 1;
    }
}

/* As bx_element. */
static int tc_element(tc *t, uint32_t *pos, uint32_t end, int depth)
{
    if (depth > BX_MAX_ELEMENT_DEPTH) return t->failed = 1, -1;
    sbuf *lit = &t->p->lit;
    tp_op *o;
    uint32_t p = *pos;
    int has_attrs = t->c[p] & 0x40;
    if (tc_need(t, p, 11, end)) return -1;
    uint32_t name_off = evtx_u32(t->c + p + 7);
    p += 7;
    if (name_off > t->n) {
        p -= 2;
        name_off = evtx_u32(t->c + p);
        if (name_off > t->n) return t->failed = 1, -1;
    }
    if (tc_flushed_op(t, TP_ELEM, &o)) return -1;
    uint32_t elem_op = t->p->nops - 1;
    evtx_addc(lit, '<');
    size_t name_at = lit->len;
    if (tc_name_ref(t, &p, end)) return -1;
    size_t name_len = lit->len - name_at;
    tc_check_name(t, name_at);
    t->p->ops[elem_op].a = (uint32_t)name_at;
    t->p->ops[elem_op].b = (uint32_t)name_len;
    size_t anames[XMLSCAN_MAX_ATTS], nanames = 0; /* for the scanner's checks */
    if (has_attrs) {
        if (tc_need(t, p, 4, end)) return -1;
        p += 4;
        for (;;) {
            if (tc_need(t, p, 1, end)) return -1;
            unsigned a = t->c[p];
            if ((a & 0xbf) != 0x06) break;
            p++;
            if (tc_flushed_op(t, TP_ATTR, &o)) return -1;
            uint32_t attr_op = t->p->nops - 1;
            evtx_addc(lit, ' ');
            size_t aname_at = lit->len;
            if (tc_name_ref(t, &p, end)) return -1;
            tc_check_name(t, aname_at);
            /* more attributes than the scanner takes, or one named twice
             * (an error the scanner leaves to expat): not recordable */
            size_t alen = lit->len - aname_at;
            if (nanames == XMLSCAN_MAX_ATTS) t->p->recordable = 0;
            for (size_t k = 0; k < nanames && t->p->recordable; k++)
                if (lit->s[anames[k] + alen] == '=' && !memcmp(lit->s + anames[k], lit->s + aname_at, alen))
                    t->p->recordable = 0;
            t->p->ops[attr_op].a = (uint32_t)aname_at;
            t->p->ops[attr_op].b = (uint32_t)(lit->len - aname_at);
            evtx_add(lit, "='");
            if (nanames < XMLSCAN_MAX_ATTS) anames[nanames++] = aname_at;
            int seen = 0, only_opt = 1;
            unsigned subs = t->subs;
            size_t value_at = lit->len;
            if (tc_values(t, &p, end, 1, &seen, &only_opt)) return -1;
            if (!memchr(lit->s + value_at, '&', lit->len - value_at) &&
                !memchr(lit->s + value_at, '\t', lit->len - value_at))
                t->p->ops[attr_op].flag = 1; /* its fixed text needs no decoding */
            if (t->subs == subs) {
                /* no substitution: always written, one op with its text */
                assert(attr_op == t->p->nops - 1 && t->pending == aname_at - 1);
                evtx_addc(lit, '\'');
                tp_op *f = &t->p->ops[attr_op];
                f->kind = TP_ATTR_FIXED;
                f->c = (uint32_t)(aname_at - 1);
                f->d = (uint32_t)(lit->len - (aname_at - 1));
                t->pending = lit->len;
            } else {
                if (tc_flushed_op(t, TP_ATTR_END, &o)) return -1;
                o->flag = seen && only_opt;
            }
            if (!(a & 0x40)) break;
        }
    }
    if (tc_need(t, p, 1, end)) return -1;
    unsigned close = t->c[p++];
    if (close == 0x03) {
        evtx_add(lit, "/>");
        *pos = p;
        return tc_flushed_op(t, TP_END_SELF, &o);
    }
    if (close != 0x02) return t->failed = 1, -1;
    evtx_addc(lit, '>');
    uint32_t array_op = UINT32_MAX;
    if (p + 5 <= end && (t->c[p] == 0x0d || t->c[p] == 0x0e) && t->c[p + 4] == 0x04) {
        if (tc_flushed_op(t, TP_ARRAY, &o)) return -1;
        o->idx = evtx_u16(t->c + p + 1);
        o->a = (uint32_t)name_len;
        array_op = t->p->nops - 1;
    }
    int any = 0, only_opt = 1;
    for (;;) {
        if (tc_need(t, p, 1, end)) return -1;
        unsigned k = t->c[p];
        if (k == 0x04) {
            p++;
            break;
        }
        if ((k & 0xbf) == 0x01) {
            if (tc_element(t, &p, end, depth + 1)) return -1;
            any = 1;
            only_opt = 0;
            continue;
        }
        int seen = 0;
        if (tc_values(t, &p, end, 0, &seen, &only_opt)) return -1;
        if (!seen) return t->failed = 1, -1; /* a processing instruction or a bad token */
        any = 1;
    }
    *pos = p;
    if (!any) {
        if (tc_flushed_op(t, TP_END_EMPTY, &o)) return -1;
    } else {
        tc_flush(t);
        size_t at = lit->len;
        char *name = xstrndup(lit->s + name_at, name_len);
        evtx_add(lit, "</");
        evtx_addn(lit, name, name_len);
        evtx_addc(lit, '>');
        free(name);
        t->pending = lit->len; /* the end tag is written by its op, not inline */
        if (tc_flushed_op(t, TP_END_CLOSE, &o)) return -1;
        o->a = (uint32_t)at;
        o->b = (uint32_t)(lit->len - at);
        o->flag = (uint8_t)only_opt;
    }
    if (array_op != UINT32_MAX) t->p->ops[array_op].b = t->p->nops;
    return 0;
}

/* The definition's data def_data..def_end compiled, or NULL. */
static struct tp_prog *tc_compile(const unsigned char *c, size_t n, uint32_t def_data, uint32_t def_end)
{
    struct tp_prog *p = xcalloc(1, sizeof *p);
    p->recordable = 1;
    tc t = {c, n, p, 0, 0, 0};
    uint32_t q = def_data;
    if (q + 4 <= def_end && c[q] == 0x0f) q += 4;
    while (!t.failed && q < def_end && c[q] != 0x00) {
        if ((c[q] & 0xbf) == 0x01) tc_element(&t, &q, def_end, 0);
        else t.failed = 1;
    }
    tc_flush(&t);
    tp_op *halt;
    if (!t.failed) tc_flushed_op(&t, TP_HALT, &halt);
    p->lit_refs = p->lit.len && memchr(p->lit.s, '&', p->lit.len) != NULL;
    if (t.failed || p->lit.len > BX_MAX_XML) {
        free(p->ops);
        sbuf_free(&p->lit);
        free(p);
        return NULL;
    }
    return p;
}

/* ---- the cache ---- */

evtx_cache *evtx_cache_new(void) { return xcalloc(1, sizeof(evtx_cache)); }

void evtx_cache_reset(evtx_cache *cache)
{
    if (!cache) return;
    for (uint32_t i = 0; i < cache->cap; i++) {
        struct tp_prog *p = cache->slots[i].prog;
        if (p) {
            free(p->ops);
            sbuf_free(&p->lit);
            free(p);
        }
        cache->slots[i] = (tp_slot){0};
    }
    cache->used = 0;
    cache->bytes = 0;
}

void evtx_cache_free(evtx_cache *cache)
{
    if (!cache) return;
    evtx_cache_reset(cache);
    free(cache->rec.items);
    sbuf_free(&cache->rec.text);
    sbuf_free(&cache->rec.att);
    free(cache->slots);
    free(cache);
}

static tp_slot *tp_find(evtx_cache *cache, uint32_t def)
{
    uint32_t mask = cache->cap - 1, i = (def * 2654435761u) & mask;
    while (cache->slots[i].state && cache->slots[i].def != def) i = (i + 1) & mask;
    return &cache->slots[i];
}

static void tp_grow(evtx_cache *cache)
{
    uint32_t old_cap = cache->cap;
    tp_slot *old = cache->slots;
    cache->cap = old_cap ? 2 * old_cap : 64;
    cache->slots = xcalloc(cache->cap, sizeof *cache->slots);
    for (uint32_t i = 0; i < old_cap; i++)
        if (old[i].state) *tp_find(cache, old[i].def) = old[i];
    free(old);
}

const struct tp_prog *tp_lookup(bx *b, uint32_t def, uint32_t def_data, uint32_t def_end)
{
    evtx_cache *cache = b->cache;
    assert(cache);
    if (cache->cap) {
        tp_slot *s = tp_find(cache, def);
        if (s->state) return s->state > 0 ? s->prog : NULL;
    }
    if (cache->bytes > TP_MAX_CHUNK_BYTES) return NULL; /* enough for one chunk: the walk renders the rest */
    if (2 * (cache->used + 1) > cache->cap) tp_grow(cache);
    struct tp_prog *p = tc_compile(b->c, b->n, def_data, def_end);
    tp_slot *s = tp_find(cache, def);
    s->def = def;
    s->state = p ? 1 : -1;
    s->prog = p;
    cache->used++;
    if (p) cache->bytes += p->cap * sizeof *p->ops + p->lit.cap;
    return p;
}

/* ---- running ---- */

typedef struct tp_el {
    size_t start;    /* where the element starts in out */
    size_t item0;    /* its start item when recording */
    unsigned nattrs; /* attributes written */
    int empty;       /* no value written in its content yet */
    int refs;        /* its content may hold a reference */
} tp_el;

int tp_run(bx *b, const struct tp_prog *p, const bx_frame *f)
{
    tp_el st[BX_MAX_ELEMENT_DEPTH + 2];
    int top = -1;
    size_t astart = 0, aitem = 0;
    int aempty = 0;
    sbuf *out = b->out;
    const char *lit = p->lit.s;
    if (b->rec && !p->recordable) b->rec->ok = 0;
    evtx_rec *rec = b->rec && b->rec->ok ? b->rec : NULL; /* (a nested template may still clear ok) */
    /* threaded dispatch: each op jumps to the next one's code */
    static void *const go[] = {
        [TP_LIT] = &&op_lit,         [TP_ELEM] = &&op_elem,           [TP_ATTR] = &&op_attr,
        [TP_SUB] = &&op_sub,         [TP_ATTR_END] = &&op_attr_end,   [TP_ATTR_FIXED] = &&op_attr_fixed,
        [TP_ARRAY] = &&op_array,     [TP_END_SELF] = &&op_end_self,   [TP_END_EMPTY] = &&op_end_empty,
        [TP_END_CLOSE] = &&op_end_close, [TP_HALT] = &&op_halt,
    };
    const tp_op *o = p->ops;
    assert(p->nops > 0 && p->ops[p->nops - 1].kind == TP_HALT);
#define TP_NEXT() goto *go[(++o)->kind]
    goto *go[o->kind];
op_lit:
    evtx_addn(out, lit + o->a, o->b);
    TP_NEXT();
op_elem:
    if (out->len > BX_MAX_XML) return bx_fail(b, "the event's XML is longer than %u MiB", BX_MAX_XML >> 20);
    assert(top + 1 < (int)(sizeof st / sizeof *st));
    st[++top] = (tp_el){out->len, rec ? rec->n : 0, 0, 1, p->lit_refs};
    if (rec) evtx_rec_push(rec, 'S', lit + o->a, o->b, out->len);
    if (o->d) evtx_addn(out, lit + o->c, o->d);
    TP_NEXT();
op_attr_fixed:
    assert(top >= 0);
    if (rec) {
        evtx_item *it = evtx_rec_push(rec, 'A', lit + o->a, o->b, out->len + o->b + 3);
        it->after = out->len + o->d - 1; /* before the closing quote */
        it->plain = (char)o->flag;
    }
    evtx_addn(out, lit + o->c, o->d);
    st[top].nattrs++;
    TP_NEXT();
op_attr:
    astart = out->len;
    aempty = 1;
    if (rec) {
        aitem = rec->n;
        evtx_rec_push(rec, 'A', lit + o->a, o->b, astart + o->b + 3)->plain = (char)o->flag; /* after " name='" */
    }
    TP_NEXT();
op_sub: {
    assert(top >= 0);
    int w;
    const bx_sub *v = o->idx < f->nsubs ? &f->subs[o->idx] : NULL;
    int refs;
    if (v && v->type == 0x01 && v->size && out->len <= BX_MAX_XML) {
        /* a string, the usual value: what bx_subst does for it, inline */
        refs = evtx_utf16(out, b->c + v->off, v->size, o->flag & TP_F_ATTR);
        w = 1;
    } else {
        w = bx_subst(b, f, o->idx, o->flag & TP_F_ATTR);
        if (w < 0) return -1;
        /* other text may hold references or tabs; numbers, GUIDs, SIDs,
         * times do not */
        refs = w && v && (v->type == 0x01 || v->type == 0x02 || v->type >= 0x21);
    }
    if (refs) {
        if (!(o->flag & TP_F_ATTR)) st[top].refs = 1;
        else if (rec) rec->items[aitem].plain = 0;
    }
    if (w || !(o->flag & TP_F_OPT)) {
        if (o->flag & TP_F_ATTR) aempty = 0;
        else st[top].empty = 0;
    }
    TP_NEXT();
}
op_attr_end:
    assert(top >= 0);
    if (o->flag && aempty) {
        out->len = astart;
        out->s[astart] = 0;
        if (rec) rec->n = aitem;
    } else {
        if (rec) rec->items[aitem].after = out->len;
        evtx_addc(out, '\'');
        st[top].nattrs++;
    }
    TP_NEXT();
op_array:
    assert(top >= 0);
    if (o->idx < f->nsubs && (f->subs[o->idx].type & 0x80)) {
        if (bx_array_items(b, &f->subs[o->idx], st[top].start, st[top].start + 1, o->a, st[top].item0)) return -1;
        top--;
        assert(&p->ops[o->b] > o && o->b < p->nops);
        o = &p->ops[o->b];
        goto *go[o->kind];
    }
    TP_NEXT();
op_end_self:
    assert(top >= 0);
    top--;
    TP_NEXT();
op_end_empty:
    assert(top >= 0 && out->len > 0);
    out->len--;
    evtx_add(out, "/>");
    top--;
    TP_NEXT();
op_end_close:
    assert(top >= 0);
    if (o->flag && st[top].empty && st[top].nattrs == 0) {
        out->len = st[top].start;
        out->s[out->len] = 0;
        if (rec) rec->n = st[top].item0;
    } else {
        if (rec) {
            evtx_item *it = evtx_rec_push(rec, 'E', lit + o->a + 2, o->b - 3, out->len);
            it->after = st[top].item0;
            it->plain = (char)!st[top].refs;
        }
        evtx_addn(out, lit + o->a, o->b);
    }
    top--;
    TP_NEXT();
op_halt:
#undef TP_NEXT
    assert(top == -1);
    return 0;
}
