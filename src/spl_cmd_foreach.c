/* spl_cmd_foreach.c: foreach [mode=multifield] [fieldstr=S] [matchstr=S]
 * [matchseg1=S ...] wc-field ... [template]: for every current field whose
 * name matches one of the wildcard patterns (in field order; names starting
 * with '_' only when the pattern does), the template - a pipeline of
 * streaming commands, usually one eval - is translated with <<FIELD>>
 * replaced by the field name, <<MATCHSTR>> by the part the wildcards
 * matched and <<MATCHSEG1>>, <<MATCHSEG2>>... by each wildcard's part.
 * The field set is known when the query is translated, so this is a
 * translation-time expansion. mode=multivalue and mode=json_array are not
 * supported. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "spl_int.h"

int spl_cmd_foreach(spl_cmd_ctx *c);

#define FE_MAXSEG 8

/* glob match with captures of each '*' */
static int cap_match(const char *p, const char *s, const char **caps, size_t *lens, int k)
{
    if (!*p) return !*s;
    if (*p == '*') {
        if (k >= FE_MAXSEG) return 0;
        for (size_t n = 0;; n++) {
            caps[k] = s;
            lens[k] = n;
            if (cap_match(p + 1, s + n, caps, lens, k + 1)) return 1;
            if (!s[n]) return 0;
        }
    }
    if (*p != *s) return 0;
    return cap_match(p + 1, s + 1, caps, lens, k);
}

static void replace_all(sbuf *out, const char *text, const char *const *keys, const char *const *vals, int n)
{
    for (const char *t = text; *t;) {
        int hit = 0;
        for (int k = 0; k < n && !hit; k++) {
            size_t kl = strlen(keys[k]);
            if (!strncmp(t, keys[k], kl)) {
                sbuf_add(out, vals[k]);
                t += kl;
                hit = 1;
            }
        }
        if (!hit) sbuf_addc(out, *t++);
    }
}

/* end of the command starting at s[i]: next '|' outside quotes/brackets */
static size_t seg_end(const char *s, size_t i, size_t n)
{
    int depth = 0;
    while (i < n) {
        char ch = s[i];
        if (ch == '"' || ch == '\'') {
            i++;
            while (i < n && s[i] != ch) i += (s[i] == '\\' && i + 1 < n) ? 2 : 1;
            if (i < n) i++;
            continue;
        }
        if (ch == '[') depth++;
        else if (ch == ']' && depth) depth--;
        else if (ch == '|' && !depth) return i;
        i++;
    }
    return n;
}

/* translate pipeline text (no generating commands) at the current level */
static int run_template(spl_cmd_ctx *c, const char *text)
{
    spl_tr *tr = c->tr;
    size_t n = strlen(text), i = 0;
    int rc = 0;
    while (!rc && i < n) {
        while (i < n && strchr(" \t\r\n|", text[i])) i++;
        if (i >= n) break;
        size_t w = i;
        while (w < n && !strchr(" \t\r\n|\"'[]()=", text[w])) w++;
        if (w == i) return spl_tr_error(tr, 0, "expected a command name");
        spl_token name = {TK_WORD, text + i, w - i, i};
        const spl_command *cmd = spl_command_find(name.s, name.n);
        if (!cmd) return spl_tr_error(tr, 0, "unknown command '%.*s'", (int)name.n, name.s);
        if (cmd->flags & SPL_CMD_GENERATING)
            return spl_tr_error(tr, 0, "command '%s' cannot be used in a foreach template", cmd->name);
        int evl = spl_tok_is(&name, "eval", 1) || spl_tok_is(&name, "where", 1);
        size_t e = seg_end(text, w, n);
        spl_cmd_ctx sc = {0};
        sc.tr = tr;
        sc.name = &name;
        sc.argtext = text + w;
        sc.argoff = w;
        sc.arglen = e - w;
        if (!evl && spl_lex(text + w, e - w, w, SPL_LEX_SEARCH, &sc.args, tr->err)) return -1;
        rc = cmd->translate(&sc);
        spl_toks_free(&sc.args);
        i = e;
    }
    return rc;
}

int spl_cmd_foreach(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    int first = -1, rc = 0;
    for (int i = 0; i < a->n; i++)
        if (a->v[i].type == TK_LBRACKET) { first = i; break; }
    if (first < 0 || a->v[a->n - 1].type != TK_RBRACKET)
        return spl_arg_error(c, NULL, "expected fields then a template in [ ]");
    char *fieldstr = xstrdup("<<FIELD>>"), *matchstr = xstrdup("<<MATCHSTR>>");
    char *segname[FE_MAXSEG] = {0};
    char **pats = NULL;
    int npats = 0;
    for (int i = 0; i < first && !rc; i++) {
        const spl_token *t = &a->v[i];
        char *v = NULL;
        if (t->type == TK_COMMA) continue;
        if (spl_arg_option(c, i, "mode", &v)) {
            if (strcasecmp(v, "multifield")) rc = spl_arg_error(c, &a->v[i + 2], "only mode=multifield is supported");
            free(v);
            i += 2;
            continue;
        }
        if (spl_arg_option(c, i, "fieldstr", &v)) { free(fieldstr); fieldstr = v; i += 2; continue; }
        if (spl_arg_option(c, i, "matchstr", &v)) { free(matchstr); matchstr = v; i += 2; continue; }
        if (spl_arg_is_option(c, i) && t->n == 9 && !strncasecmp(t->s, "matchseg", 8) && t->s[8] >= '1' &&
            t->s[8] <= '8') {
            int k = t->s[8] - '1';
            free(segname[k]);
            segname[k] = spl_tok_text(&a->v[i + 2]);
            i += 2;
            continue;
        }
        if (spl_arg_is_option(c, i)) {
            rc = spl_arg_error(c, t, "unknown option '%.*s'", (int)t->n, t->s);
            break;
        }
        if (t->type == TK_WORD || t->type == TK_STRING) {
            pats = xrealloc(pats, sizeof *pats * (size_t)(npats + 1));
            pats[npats++] = spl_tok_text(t);
            continue;
        }
        rc = spl_arg_error(c, t, "unexpected '%.*s'", (int)t->n, t->s);
    }
    if (!rc && !npats) rc = spl_arg_error(c, &a->v[first], "expected a field or wildcard before the template");
    if (rc) goto out;
    size_t from = a->v[first].off + 1, to = a->v[a->n - 1].off;
    char *tmpl = xstrndup(c->argtext + (from - c->argoff), to > from ? to - from : 0);
    /* the matching fields, fixed before the template adds any */
    int nnames = 0;
    char **names = xcalloc((size_t)tr->ncols + 1, sizeof *names);
    int *pat_of = xcalloc((size_t)tr->ncols + 1, sizeof *pat_of);
    for (int i = 0; i < tr->ncols; i++) {
        const char *nm = tr->cols[i].name;
        for (int p = 0; p < npats; p++) {
            const char *caps[FE_MAXSEG];
            size_t lens[FE_MAXSEG];
            if (nm[0] == '_' && pats[p][0] != '_') continue;
            if (cap_match(pats[p], nm, caps, lens, 0)) {
                pat_of[nnames] = p;
                names[nnames++] = xstrdup(nm);
                break;
            }
        }
    }
    const char *saved = tr->text;
    for (int k = 0; k < nnames && !rc; k++) {
        const char *caps[FE_MAXSEG];
        size_t lens[FE_MAXSEG];
        int nseg = 0;
        for (const char *p = pats[pat_of[k]]; *p; p++) nseg += *p == '*';
        cap_match(pats[pat_of[k]], names[k], caps, lens, 0);
        sbuf ms = {0};
        char *segs[FE_MAXSEG];
        for (int s = 0; s < nseg && s < FE_MAXSEG; s++) {
            sbuf_addn(&ms, caps[s], lens[s]);
            segs[s] = xstrndup(caps[s], lens[s]);
        }
        if (!ms.s) sbuf_add(&ms, "");
        const char *keys[2 + FE_MAXSEG], *vals[2 + FE_MAXSEG];
        char *segkeys[FE_MAXSEG];
        int nk = 0;
        keys[nk] = fieldstr, vals[nk++] = names[k];
        keys[nk] = matchstr, vals[nk++] = ms.s;
        for (int s = 0; s < nseg && s < FE_MAXSEG; s++) {
            segkeys[s] = segname[s] ? xstrdup(segname[s]) : xasprintf("<<MATCHSEG%d>>", s + 1);
            keys[nk] = segkeys[s], vals[nk++] = segs[s];
        }
        sbuf body = {0};
        replace_all(&body, tmpl, keys, vals, nk);
        if (!body.s) sbuf_add(&body, "");
        /* the template's offsets refer to its own text while it runs */
        tr->text = body.s;
        rc = run_template(c, body.s);
        tr->text = saved;
        if (rc && tr->err->msg) {
            char *m = xasprintf("foreach (field '%s'): %s", names[k], tr->err->msg);
            free(tr->err->msg);
            tr->err->msg = m;
            tr->err->off = a->v[first].off;
        }
        sbuf_free(&body);
        sbuf_free(&ms);
        for (int s = 0; s < nseg && s < FE_MAXSEG; s++) { free(segs[s]); free(segkeys[s]); }
    }
    for (int k = 0; k < nnames; k++) free(names[k]);
    free(names);
    free(pat_of);
    free(tmpl);
out:
    for (int p = 0; p < npats; p++) free(pats[p]);
    free(pats);
    free(fieldstr);
    free(matchstr);
    for (int s = 0; s < FE_MAXSEG; s++) free(segname[s]);
    return rc;
}
