/* spl_cmd_unsupported.c: commands splite knows but cannot run, each with
 * the reason, so a query using one fails with a clear message rather than
 * "unknown command": mstats (metrics indexes), apply/fit (Machine Learning
 * Toolkit models), anomalydetection, multikv, outlier, cyberchef (an app's
 * command). */
#include <string.h>
#include "spl_int.h"

int spl_cmd_unsupported(spl_cmd_ctx *c);

static const struct {
    const char *name, *why;
} reasons[] = {
    {"mstats", "splite has no metrics indexes"},
    {"apply", "it runs Machine Learning Toolkit models, which splite does not have"},
    {"fit", "it trains Machine Learning Toolkit models, which splite does not have"},
    {"anomalydetection", "its statistical models are not implemented"},
    {"multikv", "splitting table-formatted events into rows is not implemented"},
    {"outlier", "its outlier removal is not implemented"},
    {"cyberchef", "it comes from the CyberChef app, which splite does not have"},
};

int spl_cmd_unsupported(spl_cmd_ctx *c)
{
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (spl_tok_is(c->name, reasons[i].name, 1))
            return spl_tr_error(c->tr, c->name->off, "command '%s' is not supported: %s", reasons[i].name,
                                reasons[i].why);
    return spl_tr_error(c->tr, c->name->off, "command '%.*s' is not supported", (int)c->name->n, c->name->s);
}
