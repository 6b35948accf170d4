#!/usr/bin/env python3
"""check_t1505_004.py: independent reference evaluation of the nine T1505.004
detections over our datasets, written directly in Python (not an SPL engine).
It parses every dataset line (XML must parse), applies each search's filter
with Splunk semantics (case-insensitive values, '*' matching any characters
including newlines, tstats fillnull_value=null, stats dropping rows whose
by-field is missing) and prints the result rows as YAML. Used to write and
re-check tests/expected/T1505.004.yml. argv[1]: dataset directory."""
import datetime, os, re, sys, yaml
import xml.etree.ElementTree as ET

D = sys.argv[1]
NS = '{http://schemas.microsoft.com/win/2004/08/events/event}'

def xml_events(fn):
    out = []
    for line in open(os.path.join(D, fn), encoding='utf-8'):
        e = ET.fromstring(line)
        f = {}
        sysm = e.find(NS + 'System')
        for c in sysm:
            tag = c.tag[len(NS):]
            if c.text is not None: f[tag] = c.text
            for k, v in c.attrib.items(): f[k] = v   # Provider Name -> Name, Security UserID -> UserID, ...
        f['EventCode'] = f['EventID']
        f['_time'] = f['SystemTime'][:19]
        f['dest'] = f['Computer']
        if 'UserID' in f: f['user_id'] = f['UserID']
        ed = e.find(NS + 'EventData')
        if ed is not None:
            for c in ed:
                if c.tag == NS + 'Data' and 'Name' in c.attrib:
                    f[c.attrib['Name']] = c.text or ''
        out.append(f)
    return out

def classic_events(fn):
    text = open(os.path.join(D, fn)).read()
    evs = re.split(r'\n(?=\d\d/\d\d/\d{4} \d\d:\d\d:\d\d [AP]M\n)', text.strip('\n'))
    out = []
    for ev in evs:
        lines = ev.split('\n')
        f = {'_time': datetime.datetime.strptime(lines[0], '%m/%d/%Y %I:%M:%S %p').strftime('%Y-%m-%dT%H:%M:%S')}
        for i, l in enumerate(lines[1:], 1):
            k, _, v = l.partition('=')
            if k == 'Message':
                f['Message'] = '\n'.join([v] + lines[i + 1:]).rstrip('\n'); break
            f[k] = v
        out.append(f)
    return out

def kv_events(fn, host):
    out = []
    for line in open(os.path.join(D, fn)):
        f = dict(re.findall(r'(\w+)="([^"]*)"', line))
        f['host'] = host
        out.append(f)
    return out

def wc(pattern, value):
    """Splunk wildcard match: case-insensitive, '*' = any run of characters (newlines too)."""
    if value is None: return False
    rx = '.*'.join(re.escape(p) for p in pattern.split('*'))
    return re.fullmatch(rx, value, re.I | re.S) is not None

def any_wc(pats, v): return any(wc(p, v) for p in pats)
def base(p): return p.rsplit('\\', 1)[-1] if p else None

def processes(fn):
    rows = []
    for f in xml_events(fn):
        if f['Channel'] == 'Microsoft-Windows-Sysmon/Operational' and f['EventID'] == '1':
            rows.append(dict(dest=f['Computer'], user=f['User'], parent_process_name=base(f['ParentImage']),
                             process_name=base(f['Image']), original_file_name=f.get('OriginalFileName') or 'unknown',
                             process=f['CommandLine'], process_id=f['ProcessId'], parent_process_id=f['ParentProcessId'], _time=f['_time']))
        elif f['Channel'] == 'Security' and f['EventID'] == '4688':
            rows.append(dict(dest=f['Computer'], user=f['SubjectUserName'], parent_process_name=base(f['ParentProcessName']),
                             process_name=base(f['NewProcessName']), original_file_name='unknown',  # CIM calculated field
                             process=f['CommandLine'], process_id=f['NewProcessId'], parent_process_id=f['ProcessId'], _time=f['_time']))
    return rows

def group(rows, by):
    g = {}
    for r in rows:
        if any(r.get(b) is None for b in by): continue
        k = tuple(r[b] for b in by)
        c, lo, hi = g.get(k, (0, None, None))
        t = r.get('_time')
        g[k] = (c + 1, min(lo, t) if lo and t else (lo or t), max(hi, t) if hi and t else (hi or t))
    out = []
    for k, (c, lo, hi) in g.items():
        row = dict(zip(by, k), count=c)
        if lo: row['firstTime'], row['lastTime'] = lo, hi
        out.append(row)
    return out

BY_PROC = ['dest', 'user', 'parent_process_name', 'process_name', 'original_file_name', 'process', 'process_id', 'parent_process_id']

def add_new_module(fn):
    rows = [r for r in processes(fn)
            if not any_wc(['msiexec.exe', 'iissetup.exe'], r['parent_process_name'])
            and wc('appcmd.exe', r['process_name'])
            and any_wc(['*install *', '*module *'], r['process']) and wc('*image*', r['process'])]
    return group(rows, BY_PROC)

def gacutil(fn):
    rows = [r for r in processes(fn) if wc('gacutil.exe', r['process_name']) and any_wc(['*-i *', '*/i *'], r['process'])]
    return group(rows, [b for b in BY_PROC if b != 'original_file_name'])

def disable_http(fn):
    rows = [r for r in processes(fn)
            if not any_wc(['msiexec.exe', 'iissetup.exe'], r['parent_process_name'])
            and wc('appcmd.exe', r['process_name'])
            and any_wc(['*set config*', '*httplogging*', '*dontlog:true*'], r['process'])]
    return group(rows, BY_PROC)

def ps_rows(fn, pred):
    rows = [f for f in xml_events(fn)
            if f['Channel'] == 'Microsoft-Windows-PowerShell/Operational' and f['EventCode'] == '4104' and pred(f.get('ScriptBlockText'))]
    return group(rows, ['EventCode', 'ScriptBlockText', 'Computer', 'user_id'])

def gac_ps(fn):
    return ps_rows(fn, lambda t: any_wc(['*system.enterpriseservices.internal.publish*'], t))

def http_ps(fn):
    return ps_rows(fn, lambda t: any_wc(['*get-WebConfigurationProperty*', '*Set-ItemProperty*'], t)
                   and any_wc(['*httpLogging*', '*Logfile.enabled*'], t) and any_wc(['*dontLog*', '*false*'], t))

def wgm_ps(fn):
    return ps_rows(fn, lambda t: any_wc(['*New-WebGlobalModule*', '*Enable-WebGlobalModule*', '*Set-WebGlobalModule*'], t))

def iis29(fn):
    rows = [f for f in classic_events(fn) if f.get('EventCode') == '29']
    out = group(rows, ['OpCode', 'EventCode', 'ComputerName', 'Message'])
    for r in out: r['dest'] = r.pop('ComputerName')
    return out

def app2282(fn):
    rows = [f for f in xml_events(fn) if f['Channel'] == 'Application' and f['EventCode'] == '2282']
    return group(rows, ['EventCode', 'dest', 'Name', 'ModuleDll'])

def webglobal_inventory(fn):
    out = group(kv_events(fn, 'web-01.corp.example'), ['host', 'name', 'image'])
    for r in out: r['dest'] = r.pop('host')
    return out

CASES = [
    ('windows_iis_components_add_new_module', add_new_module, ['appcmd_install-windows-sysmon.log', 'appcmd_install-windows-security.log']),
    ('windows_server_software_component_gacutil_install_to_gac', gacutil, ['gacutil_windows-sysmon.log', 'gacutil_windows-security.log']),
    ('windows_disable_windows_event_logging_disable_http_logging', disable_http, ['disable_http_logging_windows-sysmon.log', 'disable_http_logging_windows-security.log']),
    ('windows_powershell_add_module_to_global_assembly_cache', gac_ps, ['pwsh_publish_powershell.log']),
    ('windows_powershell_disable_http_logging', http_ps, ['4104_disable_http_logging_windows-powershell.log']),
    ('windows_powershell_iis_components_webglobalmodule_usage', wgm_ps, ['4104_windows-powershell.log']),
    ('windows_iis_components_new_module_added', iis29, ['IIS-Configuration-Operational.log']),
    ('windows_iis_components_module_failed_to_load', app2282, ['2282_windows-application.log']),
    ('windows_iis_components_get_webglobalmodule_module_query', webglobal_inventory, ['pwsh_installediismodules.log']),
]

if __name__ == '__main__':
    res = {}
    for name, fn_, files in CASES:
        res[name] = {f: fn_(f) for f in files}
    yaml.safe_dump(res, sys.stdout, sort_keys=False, width=100000, allow_unicode=True)
