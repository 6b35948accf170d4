/* spl_cmd_util.c: helpers the command files share: parsing a command's
 * arguments as a search or eval expression, and wildcard renaming with
 * captures (rename Processes.* AS *). */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_parse_search(spl_cmd_ctx *c, int from, int to, spl_pctx *P)
{
    P->err = c->tr->err;
    return spl_parse_expr(P, TK_SEARCH_START, &c->args, from, to, c->argoff + c->arglen);
}

int spl_cmd_lex_eval(spl_cmd_ctx *c, spl_toks *out)
{
    return spl_lex(c->argtext, c->arglen, c->argoff, SPL_LEX_EVAL, out, c->tr->err);
}

static int cap_match(const char *p, const char *s, const char **caps, size_t *lens, int ncap)
{
    if (!*p) return !*s;
    if (*p == '*') {
        for (size_t k = 0;; k++) {
            caps[ncap] = s;
            lens[ncap] = k;
            if (cap_match(p + 1, s + k, caps, lens, ncap + 1)) return 1;
            if (!s[k]) return 0;
        }
    }
    if (*p != *s) return 0;
    return cap_match(p + 1, s + 1, caps, lens, ncap);
}

char *spl_wild_rename(const char *pat, const char *repl, const char *name)
{
    const char *caps[32];
    size_t lens[32];
    int nstar = 0;
    for (const char *p = pat; *p; p++) nstar += *p == '*';
    if (nstar > 32) return NULL;
    if (!cap_match(pat, name, caps, lens, 0)) return NULL;
    sbuf b = {0};
    int k = 0;
    for (const char *r = repl; *r; r++) {
        if (*r == '*' && k < nstar) { sbuf_addn(&b, caps[k], lens[k]); k++; }
        else sbuf_addc(&b, *r);
    }
    if (!b.s) sbuf_add(&b, "");
    return sbuf_detach(&b);
}
