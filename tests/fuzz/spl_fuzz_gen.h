/* spl_fuzz_gen.h: turns a few fuzz bytes into a deep or long SPL query (and
 * macro definitions) for fuzz_spl_parse: thousands of AND/OR terms, IN lists,
 * eval sums, long pipelines, nesting hundreds or thousands deep, macro bodies,
 * chains and fan-out. */
#ifndef SPLITE_SPL_FUZZ_GEN_H
#define SPLITE_SPL_FUZZ_GEN_H
#include <stddef.h>
#include <stdint.h>
#include "spl_macro.h"

/* Input layout of a generator input: byte 0 is SPL_GEN_MAGIC + kind (kinds
 * below), bytes 1-2 a count n (little endian, 0..65535), then up to three
 * parts separated by NUL bytes (their use depends on the kind; empty parts
 * take the kind's defaults). In a term, every '#' becomes the term's number. */
#define SPL_GEN_MAGIC 0xF0
enum {
    SPL_GEN_JOIN_AND,   /* P T0 AND T1 AND ... Tn-1 S   (default P "search ") */
    SPL_GEN_JOIN_OR,    /* ... OR ... */
    SPL_GEN_JOIN_SPACE, /* implicit AND */
    SPL_GEN_JOIN_NOT,   /* P NOT T0 NOT T1 ... S: filter macro exclusions */
    SPL_GEN_IN_LIST,    /* P field IN (T0, T1, ...) S */
    SPL_GEN_EVAL_SUM,   /* | makeresults | eval x=T0+T1+... */
    SPL_GEN_PIPELINE,   /* | makeresults | T0 | T1 | ... */
    SPL_GEN_NEST,       /* P A^n M B^n: parentheses, NOT, subsearches, calls */
    SPL_GEN_MACRO_BODY, /* macro `gen` = T0 OR T1 ...; query P `gen` S */
    SPL_GEN_MACRO_CHAIN,/* `chain0` -> `chain1` -> ... (n links, then x=1) */
    SPL_GEN_MACRO_FAN,  /* `fan0` = `fan1` OR `fan1`: 2^(64-k) terms */
    SPL_GEN_NKINDS
};
/* Macros the generators refer to (chains, fan-out, recursion); call once. */
void spl_gen_macros(spl_macros *m);
/* The query for data (malloc'd), or NULL when data is not a generator
 * input (plain query text). May (re)define macro `gen` in m. */
char *spl_gen_query(const uint8_t *data, size_t size, spl_macros *m);
#endif
