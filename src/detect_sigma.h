/* detect_sigma.h: Sigma rules as detections. A YAML file that
 * the compiler recognises as Sigma is compiled (src/sigma/) with the
 * shipped logsource/field mappings (datamodels/sigma/, loaded once per
 * process) and becomes a struct detection: its search is the compiled SPL,
 * its risk score comes from `level`, its risk objects from the host and
 * user fields its results carry, its ATT&CK ids and tactics from `tags`,
 * its tests from SigmaHQ's `regression_tests_path`. docs/SIGMA.md
 * ("Running") and docs/DETECTIONS.md describe the choices. */
#ifndef SPLITE_DETECT_SIGMA_H
#define SPLITE_DETECT_SIGMA_H
#include <stddef.h>

#include "detection.h"

/* Compile a Sigma rule file into a detection (origin "sigma"). Returns 0;
 * 1 (nothing set) when the text is not a Sigma rule file (a Splunk
 * detection, or not YAML: the caller's loader says why); or -1 with *err =
 * "file:line: message" (the first error of the compiler, or the mappings'
 * load error). The file is parsed once, by the compiler. */
int detect_sigma_load(const char *text, size_t len, const char *name, detection **out, char **err);

/* Risk score for a Sigma level: informational 10, low 25, medium 50, high
 * 75, critical 100; anything else (or none) 50. */
int detect_sigma_level_score(const char *level);

/* Sigma titles are not unique: when detections of v share a name, each of
 * them that is a Sigma rule is renamed "<title> (<id>)", or, without an id,
 * "<title> (<file name without directory and extension>)". Which rules
 * collide decides, not their order. */
void detect_sigma_unique_names(detection **v, size_t n);

/* The directory of the mappings this process uses (caller frees), or NULL
 * when none is shipped. */
char *detect_sigma_map_dir(void);
#endif
