/* detect_dir.h: listing the YAML files under a directory tree (sorted), for
 * loading detections and deployments. */
#ifndef SPLITE_DETECT_DIR_H
#define SPLITE_DETECT_DIR_H
#include <stddef.h>

/* Every regular *.yml / *.yaml file under dir (recursively; names starting
 * with '.' skipped), sorted by path. Returns 0 and a heap array of heap
 * strings, or -1 with *err when dir cannot be read. */
int detect_dir_list(const char *dir, char ***paths, size_t *n, char **err);
void detect_dir_free(char **paths, size_t n);
#endif
