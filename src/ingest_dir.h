/* ingest_dir.h: directories on the `ingest` command line stand for the
 * Windows event log files (.evtx) below them (a triage collection). */
#ifndef SPLITE_INGEST_DIR_H
#define SPLITE_INGEST_DIR_H

/* Append to *files (n of them, realloc'd) the paths of the regular files
 * named *.evtx (any case) below directory dir, in byte order of their paths;
 * symbolic links are not followed. Returns how many were added, or -1 with
 * a message on stderr naming dir (the list keeps what was added). */
int ingest_dir_expand(const char *dir, char ***files, int *n);

/* 1 if a is -r or --recursive (`ingest` only: replay reads manifests) */
int ingest_dir_option(const char *a);

#endif
