/* fault.c: test-only fault injection at a detection's start (see fault.h). */
#include "fault.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fault_match(const char *want, const char *name, const char *file)
{
    if (name && !strcmp(name, want)) return 1;
    size_t n = strlen(want), f = file ? strlen(file) : 0;
    return n && f >= n && !strcmp(file + f - n, want);
}

void fault_point(const char *name, const char *file)
{
    const char *spec = getenv("SPLITE_TEST_FAULT");
    if (!spec || !*spec) return;
    const char *colon = strchr(spec, ':');
    if (!colon || !fault_match(colon + 1, name, file)) return;
    size_t n = (size_t)(colon - spec);
    if (n == 4 && !strncmp(spec, "segv", 4)) {
        volatile int *volatile p = NULL;
        *p = 1;
        raise(SIGSEGV); /* should the write not fault (sanitizers) */
    }
    if (n == 5 && !strncmp(spec, "abort", 5)) abort();
    if (n == 4 && !strncmp(spec, "hang", 4))
        for (;;) pause();
    if (n == 4 && !strncmp(spec, "exit", 4)) _exit(3);
}
