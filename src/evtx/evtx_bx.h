/* evtx_bx.h: what the Binary XML renderer (evtx_binxml.c) shares with the
 * per-chunk template cache (evtx_template.c): the rendering state, a
 * template instance's substitution values, and the steps both use. Internal
 * to src/evtx/. */
#ifndef SPLITE_EVTX_BX_H
#define SPLITE_EVTX_BX_H
#include "evtx.h"
#include "xmlscan.h"

#define BX_MAX_ELEMENT_DEPTH 64
#define BX_MAX_TEMPLATE_DEPTH 8
#define BX_MAX_SUBS 4096
/* A rendering longer than this is refused (substitutions used many times
 * over nested templates could otherwise multiply it without end). */
#define BX_MAX_XML (4u << 20)

typedef struct bx_sub {
    uint32_t off; /* chunk-relative */
    uint16_t size;
    uint8_t type;
} bx_sub;

/* The elements of the line being rendered, recorded for evtx_render_sax
 * (evtx_sax.c replays them as the XML scanner's handler calls). A start
 * item ('S') is followed by its attribute items ('A'); an element written
 * <X/> has no end item ('E'). Names point into the compiled templates'
 * text, positions into the line. */
typedef struct evtx_item {
    char kind;
    char plain;   /* A: the value needs no decoding (its fixed text has no
                   * reference or tab, and no value written into it had);
                   * E: the text before it has no reference */
    uint32_t name_len;
    const char *name;
    size_t at;    /* S, E: where the tag starts; A: where the value starts */
    size_t after; /* A: where the value ends; E: the index of its start item */
} evtx_item;

typedef struct evtx_rec {
    evtx_item *items;
    size_t n, cap;
    int ok;   /* 0: something was rendered that is not recorded; scan the line */
    sbuf text, att;
} evtx_rec;

static inline evtx_item *evtx_rec_push(evtx_rec *r, char kind, const char *name, size_t name_len, size_t at)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->items = xrealloc(r->items, r->cap * sizeof *r->items);
    }
    evtx_item *it = &r->items[r->n++];
    it->kind = kind;
    it->name = name;
    it->name_len = (uint32_t)name_len;
    it->at = at;
    it->after = 0;
    it->plain = 0;
    return it;
}

/* The recorded line as the scanner's handler calls: 0 when done, 1 when
 * the line must be scanned instead (handlers may have been called). */
int evtx_sax_replay(evtx_rec *r, const char *line, size_t len, const xmlscan_handlers *h);

typedef struct bx {
    const unsigned char *c;
    size_t n; /* bytes of the chunk available */
    sbuf *out;
    char *why;
    size_t whylen;
    int failed;
    evtx_cache *cache; /* NULL: every template is walked token by token */
    evtx_rec *rec;     /* recording the elements (evtx_render_sax), else NULL */
} bx;

/* What a template is rendered with. */
typedef struct bx_frame {
    const bx_sub *subs;
    uint32_t nsubs;
    int tdepth;
} bx_frame;

int bx_fail(bx *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* pos..pos+len within end, else a failure. */
int bx_need(bx *b, uint32_t pos, uint32_t len, uint32_t end);
/* Substitution idx of frame f written (attr: in an attribute value): 1 when
 * it has a value (even an empty one), 0 when it is NULL or missing, -1 on
 * error. */
int bx_subst(bx *b, const bx_frame *f, uint32_t idx, int attr);
/* An array value s written as one element per item; the start tag is
 * out[start..), the element's name out[name_at..name_at+name_len). The
 * start tag is replaced. When recording, the element's start item is
 * b->rec->items[item0] (its attributes follow). 0, or -1 on error. */
int bx_array_items(bx *b, const bx_sub *s, size_t start, size_t name_at, size_t name_len, size_t item0);

/* The template cache (evtx_template.c). The compiled form of the template
 * definition at chunk offset def (data def_data..def_end), or NULL when it
 * cannot be compiled (the token-by-token walk then renders it, with its
 * error). */
struct tp_prog;
const struct tp_prog *tp_lookup(bx *b, uint32_t def, uint32_t def_data, uint32_t def_end);
/* Render a compiled template with frame f. 0, or -1 on error. */
int tp_run(bx *b, const struct tp_prog *p, const bx_frame *f);
/* The recorder kept with the cache (one per reader). */
evtx_rec *tp_recorder(evtx_cache *cache);
#endif
