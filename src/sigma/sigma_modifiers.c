/* sigma_modifiers.c: the table of Sigma value modifiers (the specification's
 * modifiers appendix, v2.1), one entry per modifier with its kind. What each
 * does is in sigma_item.c (placement, flags, leaf kinds) and
 * sigma_transform.c (value transformations). */
#include "sigma/sigma_int.h"
#include <string.h>

static const sg_modifier sg_modifiers[] = {
    /* where the value must appear */
    {"contains", SG_MK_PLACE},
    {"startswith", SG_MK_PLACE},
    {"endswith", SG_MK_PLACE},
    /* value transformations, applied in the order written */
    {"base64", SG_MK_TRANSFORM},
    {"base64offset", SG_MK_TRANSFORM},
    {"wide", SG_MK_TRANSFORM},
    {"utf16le", SG_MK_TRANSFORM},
    {"utf16be", SG_MK_TRANSFORM},
    {"utf16", SG_MK_TRANSFORM},
    {"windash", SG_MK_TRANSFORM},
    /* what kind of comparison */
    {"re", SG_MK_KIND},
    {"cidr", SG_MK_KIND},
    {"exists", SG_MK_KIND},
    {"lt", SG_MK_KIND},
    {"lte", SG_MK_KIND},
    {"gt", SG_MK_KIND},
    {"gte", SG_MK_KIND},
    {"fieldref", SG_MK_KIND},
    {"minute", SG_MK_KIND},
    {"hour", SG_MK_KIND},
    {"day", SG_MK_KIND},
    {"week", SG_MK_KIND},
    {"month", SG_MK_KIND},
    {"year", SG_MK_KIND},
    /* flags */
    {"all", SG_MK_FLAG},
    {"cased", SG_MK_FLAG},
    {"neq", SG_MK_FLAG},
    {"expand", SG_MK_FLAG},
    {"i", SG_MK_FLAG},
    {"ignorecase", SG_MK_FLAG},
    {"m", SG_MK_FLAG},
    {"multiline", SG_MK_FLAG},
    {"s", SG_MK_FLAG},
    {"dotall", SG_MK_FLAG},
};

const sg_modifier *sg_modifier_find(const char *name)
{
    for (size_t i = 0; i < sizeof sg_modifiers / sizeof sg_modifiers[0]; i++)
        if (!strcmp(sg_modifiers[i].name, name)) return &sg_modifiers[i];
    return NULL;
}
