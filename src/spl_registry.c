/* spl_registry.c: the table of SPL commands. Each lives in its own
 * spl_cmd_<name>.c; a generating command (tstats) registers with
 * SPL_CMD_GENERATING and builds the first stage itself. */
#include <string.h>
#include <strings.h>
#include "spl_int.h"

int spl_cmd_search(spl_cmd_ctx *c);
int spl_cmd_where(spl_cmd_ctx *c);
int spl_cmd_eval(spl_cmd_ctx *c);
int spl_cmd_stats(spl_cmd_ctx *c);
int spl_cmd_eventstats(spl_cmd_ctx *c);
int spl_cmd_rename(spl_cmd_ctx *c);
int spl_cmd_table(spl_cmd_ctx *c);
int spl_cmd_fields(spl_cmd_ctx *c);
int spl_cmd_head(spl_cmd_ctx *c);
int spl_cmd_tail(spl_cmd_ctx *c);
int spl_cmd_sort(spl_cmd_ctx *c);
int spl_cmd_dedup(spl_cmd_ctx *c);
int spl_cmd_fillnull(spl_cmd_ctx *c);
int spl_cmd_convert(spl_cmd_ctx *c);
int spl_cmd_bin(spl_cmd_ctx *c);
int spl_cmd_rex(spl_cmd_ctx *c);
int spl_cmd_regex(spl_cmd_ctx *c);
int spl_cmd_makeresults(spl_cmd_ctx *c);
int spl_cmd_mvexpand(spl_cmd_ctx *c);
int spl_cmd_makemv(spl_cmd_ctx *c);
int spl_cmd_spath(spl_cmd_ctx *c);
int spl_cmd_replace(spl_cmd_ctx *c);
int spl_cmd_top(spl_cmd_ctx *c);
int spl_cmd_rare(spl_cmd_ctx *c);
int spl_cmd_streamstats(spl_cmd_ctx *c);
int spl_cmd_fromjson(spl_cmd_ctx *c);
int spl_cmd_xmlkv(spl_cmd_ctx *c);
int spl_cmd_extract(spl_cmd_ctx *c);
int spl_cmd_foreach(spl_cmd_ctx *c);
int spl_cmd_join(spl_cmd_ctx *c);
int spl_cmd_append(spl_cmd_ctx *c);
int spl_cmd_appendpipe(spl_cmd_ctx *c);
int spl_cmd_tstats(spl_cmd_ctx *c);
int spl_cmd_from(spl_cmd_ctx *c);
int spl_cmd_datamodel(spl_cmd_ctx *c);

int spl_cmd_lookup(spl_cmd_ctx *c);
int spl_cmd_inputlookup(spl_cmd_ctx *c);
int spl_cmd_outputlookup(spl_cmd_ctx *c);
int spl_cmd_addtotals(spl_cmd_ctx *c);
int spl_cmd_transaction(spl_cmd_ctx *c);
int spl_cmd_unsupported(spl_cmd_ctx *c);
int spl_cmd_iplocation(spl_cmd_ctx *c);
int spl_cmd_map(spl_cmd_ctx *c);
int spl_cmd_timechart(spl_cmd_ctx *c);
static const spl_command commands[] = {
    {"search", 0, spl_cmd_search},
    {"where", 0, spl_cmd_where},
    {"eval", 0, spl_cmd_eval},
    {"stats", SPL_CMD_PROJECTS, spl_cmd_stats},
    {"eventstats", 0, spl_cmd_eventstats},
    {"rename", 0, spl_cmd_rename},
    {"table", SPL_CMD_PROJECTS, spl_cmd_table},
    {"fields", 0, spl_cmd_fields},
    {"head", 0, spl_cmd_head},
    {"tail", 0, spl_cmd_tail},
    {"sort", 0, spl_cmd_sort},
    {"dedup", 0, spl_cmd_dedup},
    {"fillnull", 0, spl_cmd_fillnull},
    {"convert", 0, spl_cmd_convert},
    {"bin", 0, spl_cmd_bin},
    {"bucket", 0, spl_cmd_bin},
    {"rex", 0, spl_cmd_rex},
    {"regex", 0, spl_cmd_regex},
    {"makeresults", SPL_CMD_GENERATING, spl_cmd_makeresults},
    {"mvexpand", 0, spl_cmd_mvexpand},
    {"makemv", 0, spl_cmd_makemv},
    {"spath", 0, spl_cmd_spath},
    {"replace", 0, spl_cmd_replace},
    {"top", SPL_CMD_PROJECTS, spl_cmd_top},
    {"rare", SPL_CMD_PROJECTS, spl_cmd_rare},
    {"streamstats", 0, spl_cmd_streamstats},
    {"fromjson", 0, spl_cmd_fromjson},
    {"xmlkv", 0, spl_cmd_xmlkv},
    {"extract", 0, spl_cmd_extract},
    {"kv", 0, spl_cmd_extract},
    {"foreach", 0, spl_cmd_foreach},
    {"join", 0, spl_cmd_join},
    {"append", 0, spl_cmd_append},
    {"appendpipe", 0, spl_cmd_appendpipe},
    {"tstats", SPL_CMD_GENERATING | SPL_CMD_PROJECTS, spl_cmd_tstats},
    {"from", SPL_CMD_GENERATING, spl_cmd_from},
    {"datamodel", SPL_CMD_GENERATING, spl_cmd_datamodel},
    {"lookup", 0, spl_cmd_lookup},
    {"inputlookup", SPL_CMD_GENERATING, spl_cmd_inputlookup},
    {"outputlookup", 0, spl_cmd_outputlookup},
    {"addtotals", 0, spl_cmd_addtotals},
    {"transaction", 0, spl_cmd_transaction},
    {"map", 0, spl_cmd_map},
    {"timechart", SPL_CMD_PROJECTS, spl_cmd_timechart},
    {"iplocation", 0, spl_cmd_iplocation},
    {"mstats", SPL_CMD_GENERATING, spl_cmd_unsupported},
    {"apply", 0, spl_cmd_unsupported},
    {"fit", 0, spl_cmd_unsupported},
    {"anomalydetection", 0, spl_cmd_unsupported},
    {"multikv", 0, spl_cmd_unsupported},
    {"outlier", 0, spl_cmd_unsupported},
    {"cyberchef", 0, spl_cmd_unsupported},
    {NULL, 0, NULL},
};

const spl_command *spl_command_find(const char *name, size_t n)
{
    for (const spl_command *c = commands; c->name; c++)
        if (strlen(c->name) == n && !strncasecmp(c->name, name, n)) return c;
    return NULL;
}
