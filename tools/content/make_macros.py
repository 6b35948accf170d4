#!/usr/bin/env python3
"""make_macros.py: writes deployments/*.yml and macros/*.yml for splite.
Definitions and scheduling values are facts taken from security_content
(argv[1]); descriptions are our own. Output root is argv[2]."""
import os, sys, uuid, yaml

CORPUS, OUT = sys.argv[1], sys.argv[2]
DATE = '2026-11-26'
AUTHOR = 'splite project'

MACROS = {
 'iis_operational_logs': 'Selects events from the IIS configuration operational channel. Point it at the index or sourcetype your site uses.',
 'powershell': 'Selects PowerShell Operational channel events, whether collected as classic or XML-rendered event log. Adjust to your index and source names.',
 'wineventlog_application': 'Selects Windows Application log events, classic (through the eventtype) or XML-rendered. Adjust to your index and source names.',
 'iis_get_webglobalmodule': 'Selects the scheduled IIS global-module inventory written by the PowerShell scripted input. Adjust to your sourcetype.',
 'security_content_summariesonly': 'Common tstats options: whether to use only accelerated summaries, whether old summaries may be used, and what to fill into missing by-fields. Each value comes from its own small macro.',
 'summariesonly_config': 'Value for the summariesonly option of security_content_summariesonly (false = also search unsummarised data).',
 'oldsummaries_config': 'Value for the allow_old_summaries option of security_content_summariesonly.',
 'fillnull_config': 'Value written into empty by-fields of tstats through security_content_summariesonly, so rows are kept rather than dropped.',
 'security_content_ctime': 'Turns the epoch value in the given field into a readable timestamp (year-month-day T hour:minute:second).',
}
# Not in the corpus macros folder; it comes from the CIM app. Definition as Splunk ships it.
EXTRA = {
 'drop_dm_object_name': ({'arguments': ['object'],
                          'definition': 'rename $object$.* AS *'},
   'Strips the data model object prefix (for example "Processes.") from every field name after a tstats search.'),
}

def write(path, doc):
    with open(path, 'w') as f:
        yaml.safe_dump(doc, f, sort_keys=False, width=100000, allow_unicode=True)

def main():
    mdir = os.path.join(OUT, 'macros'); os.makedirs(mdir, exist_ok=True)
    for name, desc in MACROS.items():
        src = yaml.safe_load(open(os.path.join(CORPUS, 'macros', name + '.yml')))
        doc = {}
        if 'arguments' in src:
            doc['arguments'] = src['arguments']
        doc['definition'] = src['definition']
        doc['description'] = desc
        doc['name'] = name
        write(os.path.join(mdir, name + '.yml'), doc)
    for name, (facts, desc) in EXTRA.items():
        doc = dict(facts); doc['description'] = desc; doc['name'] = name
        write(os.path.join(mdir, name + '.yml'), doc)
    for fn in sorted(os.listdir(os.path.join(OUT, 'detections', 'endpoint'))):
        name = fn[:-4] + '_filter'
        write(os.path.join(mdir, name + '.yml'), {
            'definition': 'search *',
            'description': 'Empty by default: edit it to drop known-good results of ' + fn[:-4] +
                           ' without touching the detection itself.',
            'name': name})

    ddir = os.path.join(OUT, 'deployments'); os.makedirs(ddir, exist_ok=True)
    text = {
     'ttp': ('splite default deployment TTP', 'Hourly schedule for TTP detections: each result becomes a risk event and a notable.'),
     'anomaly': ('splite default deployment Anomaly', 'Hourly schedule for Anomaly detections: results feed risk-based alerting only, no notable.'),
     'hunting': ('splite default deployment Hunting', 'Hourly schedule for Hunting searches: results are kept for analysts, no risk event or notable.'),
     'correlation': ('splite default deployment Correlation', 'Hourly schedule for Correlation searches: each result becomes a notable.'),
     'baseline': ('splite default deployment Baseline', 'Daily schedule for Baseline searches that build lookups and summaries; no alerting.'),
    }
    for key, (name, desc) in text.items():
        src = yaml.safe_load(open(os.path.join(CORPUS, 'deployments', 'escu_default_configuration_%s.yml' % key)))
        path = os.path.join(ddir, 'splite_default_%s.yml' % key)
        old_id = yaml.safe_load(open(path)).get('id') if os.path.exists(path) else None
        doc = {'name': name, 'id': old_id or str(uuid.uuid4()), 'date': DATE, 'author': AUTHOR,
               'description': desc, 'scheduling': src['scheduling']}
        if 'alert_action' in src:
            doc['alert_action'] = src['alert_action']
        doc['type'] = src['type']
        write(path, doc)

if __name__ == '__main__':
    main()
