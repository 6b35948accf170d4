/* spl.y: Lemon grammar for the two expression languages inside SPL commands:
 * the search language (field=value, terms, AND/OR/NOT, IN; OR binds tighter
 * than AND as in Splunk's search command) and the eval/where language
 * (arithmetic, concatenation, comparison, boolean, function calls). The
 * lexer (spl_lex.c) feeds a leading SEARCH_START or EVAL_START token to pick
 * the language. Actions call the small builders of spl_ast.c. */
%name spl_lemon
%token_prefix TK_
%extra_argument {spl_pctx *P}
%token_type {spl_token}
%default_type {spl_node *}
%include {
#include <assert.h>
#include <stdlib.h>
#include "spl_int.h"
}
%syntax_error {
    spl_pctx_syntax_error(P, &TOKEN);
}
%parse_failure {
    spl_pctx_syntax_error(P, NULL);
}
%stack_overflow {
    spl_pctx_error_at(P, P->cur_off, "expression nests too deeply (too many open parentheses or NOTs)");
}
%stack_size 200

/* Tokens the command-argument lexer also produces. */
%token PIPE LBRACKET RBRACKET SUBSEARCH.

%left OR XOR.
%left AND.
%right NOT.
%nonassoc EQ NE LT LE GT GE LIKE IN.
%left PLUS MINUS DOT.
%left STAR SLASH PERCENT.
%right UMINUS.

input ::= SEARCH_START sexpr(A).  { P->result = A; }
input ::= EVAL_START expr(A).     { P->result = A; }

/* ---- search language: AND (explicit or implicit) < OR < NOT ---- */
sexpr(A) ::= .              { A = NULL; }
sexpr(A) ::= sand(B).       { A = B; }
sand(A) ::= sand(B) sor(C).     { A = spl_node_bin(P, SN_AND, B, C); }
sand(A) ::= sand(B) AND sor(C). { A = spl_node_bin(P, SN_AND, B, C); }
sand(A) ::= sor(B).             { A = B; }
sor(A) ::= sor(B) OR snot(C).   { A = spl_node_bin(P, SN_OR, B, C); }
sor(A) ::= snot(B).             { A = B; }
snot(A) ::= NOT(T) snot(B).     { A = spl_node_un(P, SN_NOT, &T, B); }
snot(A) ::= satom(B).           { A = B; }
satom(A) ::= LP sand(B) RP.     { A = B; }
satom(A) ::= sword(W).          { A = spl_node_leaf(P, SN_TERM, &W); }
satom(A) ::= SUBSEARCH(T).      { A = spl_node_leaf(P, SN_SUB, &T); }
satom(A) ::= sword(F) scmp(O) sword(V). { A = spl_node_cmp(P, &F, O, &V); }
satom(A) ::= sword(F) IN LP slist(L) RP. { A = spl_node_in(P, &F, L); }
%type scmp {int}
scmp(O) ::= EQ. { O = TK_EQ; }
scmp(O) ::= NE. { O = TK_NE; }
scmp(O) ::= LT. { O = TK_LT; }
scmp(O) ::= LE. { O = TK_LE; }
scmp(O) ::= GT. { O = TK_GT; }
scmp(O) ::= GE. { O = TK_GE; }
%type sword {spl_token}
sword(A) ::= WORD(T).   { A = T; }
sword(A) ::= STRING(T). { A = T; }
/* IN values are separated by commas and/or spaces; empty items (a leading,
 * doubled or trailing comma) are skipped, as Splunk accepts them. */
slist(A) ::= sword(W).                { A = spl_node_list(P, NULL, spl_node_leaf(P, SN_TERM, &W)); }
slist(A) ::= COMMA.                   { A = spl_node_list(P, NULL, NULL); }
slist(A) ::= slist(L) COMMA.          { A = L; }
slist(A) ::= slist(L) sword(W).       { A = spl_node_list(P, L, spl_node_leaf(P, SN_TERM, &W)); }

/* ---- eval language ---- */
expr(A) ::= expr(B) OR expr(C).   { A = spl_node_bin(P, EX_OR, B, C); }
expr(A) ::= expr(B) XOR expr(C).  { A = spl_node_bin(P, EX_XOR, B, C); }
expr(A) ::= expr(B) AND expr(C).  { A = spl_node_bin(P, EX_AND, B, C); }
expr(A) ::= NOT(T) expr(B).       { A = spl_node_un(P, EX_NOT, &T, B); }
expr(A) ::= expr(B) EQ expr(C).   { A = spl_node_bin(P, EX_EQ, B, C); }
expr(A) ::= expr(B) NE expr(C).   { A = spl_node_bin(P, EX_NE, B, C); }
expr(A) ::= expr(B) LT expr(C).   { A = spl_node_bin(P, EX_LT, B, C); }
expr(A) ::= expr(B) LE expr(C).   { A = spl_node_bin(P, EX_LE, B, C); }
expr(A) ::= expr(B) GT expr(C).   { A = spl_node_bin(P, EX_GT, B, C); }
expr(A) ::= expr(B) GE expr(C).   { A = spl_node_bin(P, EX_GE, B, C); }
expr(A) ::= expr(B) LIKE expr(C). { A = spl_node_bin(P, EX_LIKE, B, C); }
expr(A) ::= expr(B) IN LP args(L) RP. { A = spl_node_inexpr(P, B, L); }
expr(A) ::= expr(B) PLUS expr(C).    { A = spl_node_bin(P, EX_ADD, B, C); }
expr(A) ::= expr(B) MINUS expr(C).   { A = spl_node_bin(P, EX_SUB, B, C); }
expr(A) ::= expr(B) DOT expr(C).     { A = spl_node_bin(P, EX_CAT, B, C); }
expr(A) ::= expr(B) STAR expr(C).    { A = spl_node_bin(P, EX_MUL, B, C); }
expr(A) ::= expr(B) SLASH expr(C).   { A = spl_node_bin(P, EX_DIV, B, C); }
expr(A) ::= expr(B) PERCENT expr(C). { A = spl_node_bin(P, EX_MOD, B, C); }
expr(A) ::= MINUS(T) expr(B). [UMINUS] { A = spl_node_un(P, EX_NEG, &T, B); }
expr(A) ::= PLUS expr(B). [UMINUS]     { A = B; }
expr(A) ::= LP expr(B) RP.           { A = B; }
expr(A) ::= IDENT(T).                { A = spl_node_leaf(P, EX_FIELD, &T); }
expr(A) ::= QIDENT(T).               { A = spl_node_leaf(P, EX_FIELD, &T); }
expr(A) ::= NUMBER(T).               { A = spl_node_leaf(P, EX_NUM, &T); }
expr(A) ::= STRING(T).               { A = spl_node_leaf(P, EX_STR, &T); }
expr(A) ::= IDENT(T) LP args(L) RP.  { A = spl_node_call(P, &T, L); }
expr(A) ::= LIKE(T) LP args(L) RP.   { A = spl_node_call(P, &T, L); }
expr(A) ::= IN(T) LP args(L) RP.     { A = spl_node_call(P, &T, L); }
args(A) ::= .                    { A = spl_node_list(P, NULL, NULL); }
args(A) ::= arglist(B).          { A = B; }
arglist(A) ::= expr(B).                  { A = spl_node_list(P, NULL, B); }
arglist(A) ::= arglist(L) COMMA expr(B). { A = spl_node_list(P, L, B); }
