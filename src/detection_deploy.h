/* detection_deploy.h: internal to the detection loaders: checking the
 * scheduling / alert_action blocks of a deployment or detection YAML node. */
#ifndef SPLITE_DETECTION_DEPLOY_H
#define SPLITE_DETECTION_DEPLOY_H
#include "detect_yaml.h"

/* Checks holder.scheduling (cron_schedule parses, earliest/latest_time are
 * valid time modifiers) and holder.alert_action (mappings where expected).
 * prefix names holder in messages ("" or "deployment."). Returns 0, or -1 with
 * *err = "file:line: scheduling.cron_schedule: column N: ...". */
int detection_check_deploy_node(detect_yaml_doc *y, yaml_node_t *holder, const char *prefix, char **err);
#endif
