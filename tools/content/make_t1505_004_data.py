#!/usr/bin/env python3
"""make_t1505_004_data.py: writes splite's synthetic T1505.004 (IIS module
backdoor) datasets: Sysmon / Security / PowerShell / Application
XmlWinEventLog files, the IIS configuration log (classic, and event 29 as
XmlWinEventLog) and the IIS module inventory. One made-up scenario on web-01.corp.example (attacker account
CORP\\adm.okafor) with an ordinary admin day on web-02.corp.example
(CORP\\l.bauer) as noise. Output directory: argv[1]. Deterministic."""
import datetime as dt, hashlib, os, sys
from xml.sax.saxutils import escape

OUT = sys.argv[1]
DAY = dt.datetime(2024, 6, 3, tzinfo=dt.timezone.utc)
DOM_SID = 'S-1-5-21-3412096781-2518337290-1067245533'

def T(hms):
    h, m, s = hms.split(':')
    sec, _, ms = s.partition('.')
    return DAY.replace(hour=int(h), minute=int(m), second=int(sec), microsecond=int((ms or '0').ljust(3, '0')) * 1000)

def systime(t, digit=0):
    """Windows SystemTime text: 7 fraction digits (microseconds plus one 100ns digit)."""
    return t.strftime('%Y-%m-%dT%H:%M:%S') + '.%06d%dZ' % (t.microsecond, digit % 10)

def utctime(t):
    return t.strftime('%Y-%m-%d %H:%M:%S') + '.%03d' % (t.microsecond // 1000)

def x(s):
    return escape(s).replace('\r', '&#13;').replace('\n', '&#10;')

def xa(s):
    return escape(s, {"'": '&apos;'})

def data(name, value):
    return "<Data Name='%s'>%s</Data>" % (name, x(value))

def h(s, n):
    return hashlib.sha256((s + str(n)).encode()).hexdigest().upper()

# ---------------------------------------------------------------- hosts, users
HOSTS = {
    'web-01': dict(fqdn='web-01.corp.example', machine='WEB-01$', mguid='9b2e64a1', sysmon=(2484, 3312), boot='1200'),
    'web-02': dict(fqdn='web-02.corp.example', machine='WEB-02$', mguid='5d07c3f8', sysmon=(2392, 2808), boot='0b00'),
}
USERS = {
    'okafor': dict(name='CORP\\adm.okafor', sid=DOM_SID + '-1108', logon=0x5a3f21, logon_t='09:35:40', session='2', integ='High', elev='%%1937', label='S-1-16-12288'),
    'bauer1': dict(name='CORP\\l.bauer', sid=DOM_SID + '-1121', logon=0x4c2d8e, logon_t='09:12:05', session='3', integ='High', elev='%%1937', label='S-1-16-12288'),
    'bauer2': dict(name='CORP\\l.bauer', sid=DOM_SID + '-1121', logon=0x3b91a7, logon_t='09:10:48', session='2', integ='High', elev='%%1937', label='S-1-16-12288'),
    'system': dict(name='NT AUTHORITY\\SYSTEM', sid='S-1-5-18', logon=0x3e7, logon_t='06:01:48.000', session='0', integ='System', elev='%%1936', label='S-1-16-16384'),
    'defpool': dict(name='IIS APPPOOL\\DefaultAppPool', sid='S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415', logon=0x7b3c40, logon_t='10:03:40', session='0', integ='High', elev='%%1936', label='S-1-16-12288'),
    'legacypool': dict(name='IIS APPPOOL\\LegacyApps', sid='S-1-5-82-2718396107-1306578416-2239416790-3086217522-1429770943', logon=0x6e21f0, logon_t='09:42:30', session='0', integ='High', elev='%%1936', label='S-1-16-12288'),
}

INETSRV = 'C:\\Windows\\System32\\inetsrv\\'
APPCMD = INETSRV + 'appcmd.exe'
GACUTIL = 'C:\\Program Files (x86)\\Microsoft SDKs\\Windows\\v10.0A\\bin\\NETFX 4.8 Tools\\x64\\gacutil.exe'
CMD = 'C:\\Windows\\System32\\cmd.exe'
PWSH = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe'
MSIEXEC = 'C:\\Windows\\System32\\msiexec.exe'
CSC = 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe'
WINVER = '10.0.20348.1 (WinBuild.160101.0800)'
MSOS = 'Microsoft\u00ae Windows\u00ae Operating System'
IMAGES = {
    CMD: (WINVER, 'Windows Command Processor', MSOS, 'Cmd.Exe'),
    PWSH: (WINVER, 'Windows PowerShell', MSOS, 'PowerShell.EXE'),
    APPCMD: (WINVER, 'Application Server Command Line Admin Tool', 'Internet Information Services', 'appcmd.exe'),
    GACUTIL: ('4.8.3928.0 built by: NET48REL1', 'Microsoft (R) .NET Global Assembly Cache Utility', 'Microsoft\u00ae .NET Framework', 'gacutil.exe'),
    MSIEXEC: ('5.0.20348.1 (WinBuild.160101.0800)', 'Windows\u00ae installer', 'Windows Installer - Unicode', 'msiexec.exe'),
    'C:\\Windows\\System32\\whoami.exe': (WINVER, 'whoami - displays logged on user information', MSOS, 'whoami.exe'),
    'C:\\Windows\\System32\\tasklist.exe': (WINVER, 'Lists the current running tasks', MSOS, 'tasklist.exe'),
    'C:\\Windows\\SysWOW64\\inetsrv\\w3wp.exe': (WINVER, 'IIS Worker Process', 'Internet Information Services', 'w3wp.exe'),
    INETSRV + 'w3wp.exe': (WINVER, 'IIS Worker Process', 'Internet Information Services', 'w3wp.exe'),
    CSC: ('4.8.4161.0 built by: NET48REL1', 'Visual C# Command Line Compiler', 'Microsoft\u00ae .NET Framework', 'csc.exe'),
}

class Proc:
    n = 0
    def __init__(self, host, t, pid, image, cmd, user, parent, cwd, tags, emit=True):
        Proc.n += 1
        self.host, self.t, self.pid, self.image, self.cmd = host, T(t), pid, image, cmd
        self.user, self.parent, self.cwd, self.tags, self.emit = USERS[user], parent, cwd, set(tags), emit
        hs = HOSTS[host]
        secs = int(self.t.timestamp())
        self.guid = '{%s-%04x-%04x-%04x-00000000%s}' % (hs['mguid'], secs & 0xffff, secs >> 16, (0x1a0 + Proc.n * 7) & 0xffff, hs['boot'])
        self.uid = user

def stub(host, t, pid, image, cmd, user):
    return Proc(host, t, pid, image, cmd, user, None, 'C:\\Windows\\system32\\', [], emit=False)

def logon_guid(host, user):
    u = USERS[user]
    if u['logon_t'] is None:
        return '{%s-0000-0000-e703-000000000000}' % HOSTS[host]['mguid']
    secs = int(T(u['logon_t']).timestamp())
    le = u['logon'].to_bytes(8, 'little').hex()
    return '{%s-%04x-%04x-%s-%s}' % (HOSTS[host]['mguid'], secs & 0xffff, secs >> 16, le[:4], le[4:])

# ---------------------------------------------------------------- scenario
# tags: appcmd = appcmd_install-*, gac = gacutil_*, http = disable_http_logging_*
W1, W2 = 'web-01', 'web-02'
explorer_ok = stub(W1, '09:35:44.210', 4412, 'C:\\Windows\\explorer.exe', 'C:\\Windows\\Explorer.EXE', 'okafor')
explorer_lb1 = stub(W1, '09:12:09.870', 5120, 'C:\\Windows\\explorer.exe', 'C:\\Windows\\Explorer.EXE', 'bauer1')
svc_iis = stub(W1, '06:02:11.402', 1876, 'C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\system32\\svchost.exe -k iissvcs', 'system')
services2 = stub(W2, '06:01:52.118', 672, 'C:\\Windows\\System32\\services.exe', 'C:\\Windows\\system32\\services.exe', 'system')
explorer_lb2 = stub(W2, '09:10:52.335', 3940, 'C:\\Windows\\explorer.exe', 'C:\\Windows\\Explorer.EXE', 'bauer2')
iissetup2 = stub(W2, '09:33:14.020', 3620, INETSRV + 'iissetup.exe', INETSRV + 'iissetup.exe /install ConfigurationValidationModule', 'system')

P = []
def proc(*a, **k):
    p = Proc(*a, **k); P.append(p); return p

HOME_OK = 'C:\\Users\\adm.okafor\\'
# web-02: URL Rewrite installed by Windows Installer (SYSTEM)
msi2 = proc(W2, '09:31:04.210', 3012, MSIEXEC, 'C:\\Windows\\system32\\msiexec.exe /V', 'system', services2, 'C:\\Windows\\system32\\', ['appcmd', 'http'])
msi2c = proc(W2, '09:31:38.775', 3488, MSIEXEC, 'C:\\Windows\\System32\\MsiExec.exe -Embedding 8A4C71D0E2B3F56A19C0D4E7B28F3A61 E Global\\MSI0000', 'system', msi2, 'C:\\Windows\\system32\\', ['appcmd', 'http'])
proc(W2, '09:31:40.120', 3540, APPCMD, '"C:\\Windows\\system32\\inetsrv\\appcmd.exe" install module /name:RewriteModule /image:%SystemRoot%\\system32\\inetsrv\\rewrite.dll', 'system', msi2c, 'C:\\Windows\\system32\\', ['appcmd'])
proc(W2, '09:31:41.530', 3552, APPCMD, '"C:\\Windows\\system32\\inetsrv\\appcmd.exe" set config -section:system.webServer/modules /+"[name=\'RewriteModule\']" /commit:apphost', 'system', msi2c, 'C:\\Windows\\system32\\', ['http'])
proc(W2, '09:33:15.902', 3644, APPCMD, 'C:\\Windows\\System32\\inetsrv\\appcmd.exe install module /name:ConfigurationValidationModule /image:%windir%\\System32\\inetsrv\\validcfg.dll', 'system', iissetup2, 'C:\\Windows\\system32\\', ['appcmd'])
proc(W2, '09:33:16.448', 3660, APPCMD, 'C:\\Windows\\System32\\inetsrv\\appcmd.exe set config -section:system.webServer/httpLogging /dontLog:false /commit:apphost', 'system', iissetup2, 'C:\\Windows\\system32\\', ['http'])
# web-01: the web admin looks around
cmd_lb1 = proc(W1, '09:36:20.114', 6012, CMD, '"C:\\Windows\\system32\\cmd.exe" ', 'bauer1', explorer_lb1, 'C:\\Users\\l.bauer\\', ['appcmd', 'http'])
proc(W1, '09:36:31.552', 6044, APPCMD, 'appcmd  list site', 'bauer1', cmd_lb1, INETSRV, ['appcmd', 'http'])
proc(W1, '09:36:44.020', 6080, APPCMD, 'appcmd  list modules', 'bauer1', cmd_lb1, INETSRV, ['appcmd'])
proc(W1, '09:37:02.331', 6104, APPCMD, 'appcmd  recycle apppool /apppool.name:DefaultAppPool', 'bauer1', cmd_lb1, INETSRV, ['http'])
# web-01: the intruder
cmd_ok = proc(W1, '09:38:02.410', 6120, CMD, '"C:\\Windows\\system32\\cmd.exe" ', 'okafor', explorer_ok, HOME_OK, ['appcmd', 'gac', 'http'])
proc(W1, '09:38:30.902', 6388, 'C:\\Windows\\System32\\whoami.exe', 'whoami  /all', 'okafor', cmd_ok, HOME_OK, ['appcmd'])
proc(W1, '09:39:12.075', 6412, 'C:\\Windows\\System32\\tasklist.exe', 'tasklist  /svc /fi "imagename eq w3wp.exe"', 'okafor', cmd_ok, HOME_OK, ['appcmd'])
A1 = proc(W1, '09:41:52.638', 6504, APPCMD, 'C:\\Windows\\System32\\inetsrv\\appcmd.exe install module /name:SrvCacheHelper /image:C:\\ProgramData\\Microsoft\\Crypto\\srvcache.dll', 'okafor', cmd_ok, HOME_OK, ['appcmd'])
w3wp = proc(W1, '09:42:30.415', 7012, 'C:\\Windows\\SysWOW64\\inetsrv\\w3wp.exe', 'c:\\windows\\syswow64\\inetsrv\\w3wp.exe -ap "LegacyApps" -v "v4.0" -l "webengine4.dll" -a \\\\.\\pipe\\iisipm6f3a0d52-2b7e-4c1e-9a43-5d0c1be27a11 -h "C:\\inetpub\\temp\\apppools\\LegacyApps\\LegacyApps.config" -w "" -m 0 -t 20 -ta 0', 'legacypool', svc_iis, 'C:\\Windows\\system32\\', ['appcmd'])
proc(W1, '09:45:10.207', 6620, APPCMD, 'C:\\Windows\\System32\\inetsrv\\appcmd.exe uninstall module SrvCacheHelper', 'okafor', cmd_ok, HOME_OK, ['appcmd'])
ps_ok = proc(W1, '09:46:12.880', 7344, PWSH, 'powershell  -ep bypass', 'okafor', cmd_ok, HOME_OK, ['appcmd', 'gac'])
G1 = proc(W1, '09:47:03.129', 7560, GACUTIL, '"' + GACUTIL + '" /i C:\\Users\\Public\\Libraries\\WebAuthExt.dll', 'okafor', ps_ok, 'C:\\Users\\Public\\Libraries\\', ['gac'])
proc(W1, '09:47:20.644', 7588, GACUTIL, '"' + GACUTIL + '" /l WebAuthExt', 'okafor', ps_ok, 'C:\\Users\\Public\\Libraries\\', ['gac'])
G2 = proc(W1, '09:48:15.317', 7652, GACUTIL, '"' + GACUTIL + '" -i C:\\Users\\Public\\Libraries\\WebAuthExt.dll -f', 'okafor', cmd_ok, HOME_OK, ['gac'])
proc(W1, '09:51:30.488', 7810, APPCMD, 'C:\\Windows\\System32\\inetsrv\\appcmd.exe add module /name:WebAuthExt /type:"WebAuthExt.AuthModule, WebAuthExt, Version=1.0.0.0, Culture=neutral, PublicKeyToken=8f2a61c07d9e43b5" /app.name:"Default Web Site/"', 'okafor', cmd_ok, HOME_OK, ['appcmd'])
H1 = proc(W1, '09:52:40.050', 7902, APPCMD, 'C:\\Windows\\System32\\inetsrv\\appcmd.exe list config /section:system.webServer/httpLogging', 'okafor', cmd_ok, HOME_OK, ['http'])
H2 = proc(W1, '09:53:20.771', 7966, APPCMD, 'C:\\Windows\\System32\\inetsrv\\appcmd.exe set config /section:httplogging /dontLog:true', 'okafor', cmd_ok, HOME_OK, ['http'])
H3 = proc(W1, '09:53:45.306', 8010, APPCMD, 'C:\\Windows\\System32\\inetsrv\\appcmd.exe set config "Default Web Site" /section:httplogging /dontLog:true /commit:apphost', 'okafor', cmd_ok, HOME_OK, ['http'])
A2 = proc(W1, '10:06:18.932', 8544, APPCMD, '"C:\\Windows\\system32\\inetsrv\\appcmd.exe" Install Module /Name:HttpCacheCompat /Image:C:\\Windows\\System32\\inetsrv\\cachecompat.dll /preCondition:bitness64', 'okafor', ps_ok, HOME_OK, ['appcmd'])
proc(W1, '10:07:02.113', 8602, APPCMD, 'appcmd  list config /section:system.webServer/globalModules', 'bauer1', cmd_lb1, INETSRV, ['appcmd'])
# web-02: routine work by the web admin
cmd_lb2 = proc(W2, '09:44:05.318', 4100, CMD, '"C:\\Windows\\system32\\cmd.exe" ', 'bauer2', explorer_lb2, 'C:\\Users\\l.bauer\\', ['gac', 'http'])
proc(W2, '09:44:09.811', 4188, GACUTIL, 'gacutil  /l System.Web', 'bauer2', cmd_lb2, 'C:\\Users\\l.bauer\\', ['gac'])
proc(W2, '09:49:00.505', 4260, GACUTIL, 'gacutil  /il C:\\Deploy\\assemblies.txt', 'bauer2', cmd_lb2, 'C:\\Users\\l.bauer\\', ['gac'])
proc(W2, '09:49:30.722', 4304, GACUTIL, 'gacutil  /u Contoso.Reporting', 'bauer2', cmd_lb2, 'C:\\Users\\l.bauer\\', ['gac'])
proc(W2, '09:49:50.040', 4352, MSIEXEC, 'msiexec  /i C:\\Deploy\\ContosoAgent-3.2.1-x64.msi /qn /l*v C:\\Deploy\\agent.log', 'bauer2', cmd_lb2, 'C:\\Users\\l.bauer\\', ['gac'])
ps_lb2 = proc(W2, '10:00:58.300', 4520, PWSH, 'powershell', 'bauer2', cmd_lb2, 'C:\\Users\\l.bauer\\', ['http'])
H4 = proc(W2, '10:01:12.417', 4588, APPCMD, '"C:\\Windows\\system32\\inetsrv\\appcmd.exe" set config /section:staticContent /+"[fileExtension=\'.webp\',mimeType=\'image/webp\']"', 'bauer2', ps_lb2, 'C:\\Users\\l.bauer\\', ['http', 'appcmd'])
proc(W2, '10:08:40.119', 4702, APPCMD, 'appcmd  list apppool /state:Started', 'bauer2', cmd_lb2, INETSRV, ['appcmd', 'http'])
# web-01: the intruder removes the inherited HTTP logging module from the site (09:57)
H5 = proc(W1, '09:57:05.214', 8120, APPCMD, 'C:\\Windows\\System32\\inetsrv\\appcmd.exe delete module HttpLoggingModule /app.name:"Default Web Site/" /commit:apphost', 'okafor', cmd_ok, HOME_OK, ['cfg'])
# web-01: after the 10:02 recycle the 64-bit DefaultAppPool worker loads SrvCacheHelper; the
# backdoor runs commands as the pool identity to register more modules (they fail: the pool
# identity cannot write applicationHost.config or the GAC, so no IIS-Configuration 29 follows)
W3D = 'C:\\Windows\\Temp\\WebAuthExt.Session.dll'
w3wp_def = proc(W1, '10:03:40.288', 8266, INETSRV + 'w3wp.exe', 'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "DefaultAppPool" -v "v4.0" -l "webengine4.dll" -a \\\\.\\pipe\\iisipmc2d81b7e-6f04-4a9e-b3c5-0e7d2a91f6c8 -h "C:\\inetpub\\temp\\apppools\\DefaultAppPool\\DefaultAppPool.config" -w "" -m 0 -t 20 -ta 0', 'defpool', svc_iis, 'C:\\Windows\\system32\\', ['reg'])
proc(W1, '10:03:58.640', 8302, CSC, '"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe" /noconfig /fullpaths @"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\root\\4f2c8a1e\\9b3d7e02\\ydqk0n3x.cmdline"', 'defpool', w3wp_def, 'C:\\Windows\\system32\\inetsrv\\', ['reg'])
cmd_w3 = proc(W1, '10:04:12.075', 8340, CMD, 'cmd.exe /c cd /d C:\\Windows\\System32\\inetsrv & appcmd.exe add module /name:SessionStateHelper /type:WebAuthExt.SessionModule,WebAuthExt', 'defpool', w3wp_def, 'C:\\Windows\\system32\\inetsrv\\', ['reg'])
proc(W1, '10:04:12.391', 8352, APPCMD, 'appcmd.exe  add module /name:SessionStateHelper /type:WebAuthExt.SessionModule,WebAuthExt', 'defpool', cmd_w3, INETSRV, ['reg'])
ps_w3 = proc(W1, '10:04:45.902', 8388, PWSH, 'powershell.exe -nop -w hidden -c "[System.Reflection.Assembly]::LoadWithPartialName(\'System.EnterpriseServices\'); (New-Object System.EnterpriseServices.Internal.Publish).GacInstall(\'' + W3D + '\')"', 'defpool', w3wp_def, 'C:\\Windows\\system32\\inetsrv\\', ['reg'])
cmd_w3b = proc(W1, '10:05:10.517', 8430, CMD, 'cmd.exe /c ""' + GACUTIL + '" /I ' + W3D + '"', 'defpool', w3wp_def, 'C:\\Windows\\system32\\inetsrv\\', ['reg'])
proc(W1, '10:05:10.830', 8444, GACUTIL, '"' + GACUTIL + '" /I ' + W3D, 'defpool', cmd_w3b, 'C:\\Windows\\system32\\inetsrv\\', ['reg'])

# Other Sysmon events (not process creation): (host, time, eid, proc, extra, tags)
SYSMON_OTHER = [
    (W1, '09:41:20.503', 11, cmd_ok, {'TargetFilename': 'C:\\ProgramData\\Microsoft\\Crypto\\srvcache.dll'}, ['appcmd']),
    (W1, '09:41:53.101', 5, A1, {}, ['appcmd']),
    (W1, '09:46:31.772', 11, ps_ok, {'TargetFilename': 'C:\\Users\\Public\\Libraries\\WebAuthExt.dll'}, ['gac']),
    (W1, '09:47:03.988', 11, G1, {'TargetFilename': 'C:\\Windows\\Microsoft.NET\\assembly\\GAC_MSIL\\WebAuthExt\\v4.0_1.0.0.0__8f2a61c07d9e43b5\\WebAuthExt.dll'}, ['gac']),
    (W1, '09:53:21.240', 5, H2, {}, ['http']),
    (W1, '10:05:47.311', 11, ps_ok, {'TargetFilename': 'C:\\Windows\\System32\\inetsrv\\cachecompat.dll'}, ['appcmd']),
]
# Sysmon 11 on IIS configuration files (iis_config_change-windows-sysmon.log): every commit
# rewrites applicationHost.config (the process that commits is the Image); look-alikes: the
# configuration history copies (svchost -k iissvcs) and a schema file an installer drops.
APPHOST = INETSRV + 'config\\applicationHost.config'
APPHOST_BORN = {W1: '2023-11-14 08:12:31.402', W2: '2023-11-14 08:40:07.955'}
svc_iis2 = stub(W2, '06:01:58.774', 1904, 'C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\system32\\svchost.exe -k iissvcs', 'system')
BY_PID = {p.pid: p for p in P}
BY_PID.update({3620: iissetup2, 1876: svc_iis, 1904: svc_iis2})
def commit_file(host, t, pid, path=APPHOST, born=None):
    SYSMON_OTHER.append((host, t, 11, BY_PID[pid], {'TargetFilename': path, 'CreationUtcTime': born or APPHOST_BORN[host]}, ['cfg']))
for host, t, pid in [(W2, '09:31:40.912', 3540), (W2, '09:31:42.007', 3552), (W2, '09:33:16.301', 3644), (W2, '09:33:16.955', 3660),
                     (W2, '09:33:18.420', 3620), (W2, '10:01:13.188', 4588), (W2, '10:01:51.036', 4520),
                     (W1, '09:41:53.040', 6504), (W1, '09:45:10.866', 6620), (W1, '09:50:01.113', 7344), (W1, '09:50:26.054', 7344),
                     (W1, '09:51:31.102', 7810), (W1, '09:53:21.195', 7966), (W1, '09:53:45.880', 8010), (W1, '09:54:31.240', 7344),
                     (W1, '09:55:10.812', 7344), (W1, '09:55:49.390', 7344), (W1, '09:56:31.015', 7344), (W1, '09:57:05.873', 8120),
                     (W1, '10:02:30.144', 7344), (W1, '10:06:19.377', 8544)]:
    commit_file(host, t, pid)
commit_file(W2, '09:31:39.204', 3488, INETSRV + 'config\\schema\\rewrite_schema.xml', '2024-06-03 09:31:39.204')
commit_file(W2, '09:34:01.337', 1904, 'C:\\inetpub\\history\\CFGHISTORY_0000000003\\applicationHost.config', '2024-06-03 09:34:01.337')
commit_file(W1, '09:43:54.610', 1876, 'C:\\inetpub\\history\\CFGHISTORY_0000000005\\applicationHost.config', '2024-06-03 09:43:54.610')
commit_file(W1, '09:51:54.622', 1876, 'C:\\inetpub\\history\\CFGHISTORY_0000000006\\applicationHost.config', '2024-06-03 09:51:54.622')
commit_file(W1, '09:57:54.608', 1876, 'C:\\inetpub\\history\\CFGHISTORY_0000000007\\applicationHost.config', '2024-06-03 09:57:54.608')

# ---------------------------------------------------------------- renderers
rec = {}
def next_rec(host, chan, start):
    k = (host, chan)
    rec[k] = rec.get(k, start - 1) + 1
    return rec[k]

def sysmon_hdr(host, eid, ver, task, t, recid):
    hs = HOSTS[host]
    return ("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/>"
            "<EventID>%d</EventID><Version>%d</Version><Level>4</Level><Task>%d</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords>"
            "<TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Correlation/><Execution ProcessID='%d' ThreadID='%d'/>"
            "<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>%s</Computer><Security UserID='S-1-5-18'/></System>"
            % (eid, ver, task, systime(t), recid, hs['sysmon'][0], hs['sysmon'][1], hs['fqdn']))

def sysmon1(p, recid):
    meta = IMAGES[p.image]
    par = p.parent
    hashes = 'SHA1=%s,MD5=%s,SHA256=%s,IMPHASH=%s' % (h(p.image, 1)[:40], h(p.image, 2)[:32], h(p.image, 3), h(p.image, 4)[:32])
    d = [('RuleName', '-'), ('UtcTime', utctime(p.t)), ('ProcessGuid', p.guid), ('ProcessId', str(p.pid)), ('Image', p.image),
         ('FileVersion', meta[0]), ('Description', meta[1]), ('Product', meta[2]), ('Company', 'Microsoft Corporation'),
         ('OriginalFileName', meta[3]), ('CommandLine', p.cmd), ('CurrentDirectory', p.cwd), ('User', p.user['name']),
         ('LogonGuid', logon_guid(p.host, p.uid)), ('LogonId', hex(p.user['logon'])), ('TerminalSessionId', p.user['session']),
         ('IntegrityLevel', p.user['integ']), ('Hashes', hashes), ('ParentProcessGuid', par.guid), ('ParentProcessId', str(par.pid)),
         ('ParentImage', par.image), ('ParentCommandLine', par.cmd), ('ParentUser', par.user['name'])]
    delay = dt.timedelta(microseconds=(p.pid * 37) % 41000 + 2500)
    return (sysmon_hdr(p.host, 1, 5, 1, p.t + delay, recid) + '<EventData>' + ''.join(data(k, v) for k, v in d) + '</EventData></Event>')

def sysmon_other(host, t, eid, p, extra, recid):
    t = T(t)
    if eid == 5:
        d = [('RuleName', '-'), ('UtcTime', utctime(t)), ('ProcessGuid', p.guid), ('ProcessId', str(p.pid)), ('Image', p.image), ('User', p.user['name'])]
        ver = 3
    else:
        d = [('RuleName', '-'), ('UtcTime', utctime(t)), ('ProcessGuid', p.guid), ('ProcessId', str(p.pid)), ('Image', p.image),
             ('TargetFilename', extra['TargetFilename']), ('CreationUtcTime', extra.get('CreationUtcTime', utctime(t))), ('User', p.user['name'])]
        ver = 2
    return sysmon_hdr(host, eid, ver, eid, t + dt.timedelta(microseconds=4120), recid) + '<EventData>' + ''.join(data(k, v) for k, v in d) + '</EventData></Event>'

def sec_hdr(host, eid, ver, task, t, recid):
    return ("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/>"
            "<EventID>%d</EventID><Version>%d</Version><Level>0</Level><Task>%d</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords>"
            "<TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Correlation/><Execution ProcessID='4' ThreadID='%d'/>"
            "<Channel>Security</Channel><Computer>%s</Computer><Security/></System>"
            % (eid, ver, task, systime(t, 4), recid, 7716 if host == W1 else 5312, HOSTS[host]['fqdn']))

def sec4688(p, recid):
    u = p.user
    if p.uid in ('legacypool', 'defpool') and p.parent.uid == 'system':   # a worker: created by WAS (SYSTEM) with the pool identity's token
        subj = USERS['system']; subj_name = HOSTS[p.host]['machine']; dom = 'CORP'
        target = (u['sid'], u['name'].split('\\')[1], 'IIS APPPOOL', hex(u['logon']))
    else:
        subj = u
        if p.uid == 'system':
            subj_name, dom = HOSTS[p.host]['machine'], 'CORP'
        else:
            dom, subj_name = u['name'].split('\\')
        target = ('S-1-0-0', '-', '-', '0x0')
    d = [('SubjectUserSid', subj['sid']), ('SubjectUserName', subj_name), ('SubjectDomainName', dom), ('SubjectLogonId', hex(subj['logon'])),
         ('NewProcessId', hex(p.pid)), ('NewProcessName', p.image), ('TokenElevationType', u['elev']), ('ProcessId', hex(p.parent.pid)),
         ('CommandLine', p.cmd), ('TargetUserSid', target[0]), ('TargetUserName', target[1]), ('TargetDomainName', target[2]),
         ('TargetLogonId', target[3]), ('ParentProcessName', p.parent.image), ('MandatoryLabel', u['label'])]
    return sec_hdr(p.host, 4688, 2, 13312, p.t + dt.timedelta(microseconds=(p.pid * 13) % 900 + 150), recid) + '<EventData>' + ''.join(data(k, v) for k, v in d) + '</EventData></Event>'

def sec4689(p, t, recid):
    u = p.user
    dom, name = u['name'].split('\\')
    d = [('SubjectUserSid', u['sid']), ('SubjectUserName', name), ('SubjectDomainName', dom), ('SubjectLogonId', hex(u['logon'])),
         ('Status', '0x0'), ('ProcessId', hex(p.pid)), ('ProcessName', p.image)]
    return sec_hdr(p.host, 4689, 0, 13313, T(t), recid) + '<EventData>' + ''.join(data(k, v) for k, v in d) + '</EventData></Event>'

SEC_EXITS = [(A1, '09:41:53.099', ['appcmd']), (G1, '09:47:03.990', ['gac']), (G2, '09:48:15.802', ['gac']),
             (H2, '09:53:21.238', ['http']), (H3, '09:53:45.911', ['http']), (A2, '10:06:19.420', ['appcmd'])]

def write_lines(name, items):
    items.sort(key=lambda it: it[0])
    with open(os.path.join(OUT, name), 'w', encoding='utf-8', newline='\n') as f:
        for _, line in items:
            f.write(line + '\n')

def build_process_files():
    # record ids are assigned over the whole host channel in time order
    sysmon_all = [(p.t, 'p', p) for p in P] + [(T(o[1]), 'o', o) for o in SYSMON_OTHER]
    sysmon_all.sort(key=lambda e: e[0])
    sm_lines = []
    for t, kind, obj in sysmon_all:
        if kind == 'p':
            r = next_rec(obj.host, 'sysmon', 48211 if obj.host == W1 else 30577)
            sm_lines.append((t, obj.tags, sysmon1(obj, r)))
        else:
            host, tt, eid, p, extra, tags = obj
            r = next_rec(host, 'sysmon', 0)
            sm_lines.append((t, set(tags), sysmon_other(host, tt, eid, p, extra, r)))
    sec_all = [(p.t, 'p', p) for p in P] + [(T(e[1]), 'x', e) for e in SEC_EXITS]
    sec_all.sort(key=lambda e: e[0])
    sec_lines = []
    for t, kind, obj in sec_all:
        if kind == 'p':
            r = next_rec(obj.host, 'security', 1840332 if obj.host == W1 else 977104)
            sec_lines.append((t, obj.tags, sec4688(obj, r)))
        else:
            p, tt, tags = obj
            r = next_rec(p.host, 'security', 0)
            sec_lines.append((t, set(tags), sec4689(p, tt, r)))
    for tag, stem in (('appcmd', 'appcmd_install'), ('gac', 'gacutil'), ('http', 'disable_http_logging'),
                      ('cfg', 'iis_config_change'), ('reg', 'w3wp_module_registration')):
        sep = '_' if tag in ('gac', 'http') else '-'
        write_lines(stem + sep + 'windows-sysmon.log',
                    [(t, l) for t, tags, l in sm_lines if tag in tags])
        write_lines(stem + sep + 'windows-security.log',
                    [(t, l) for t, tags, l in sec_lines if tag in tags])

# ---------------------------------------------------------------- PowerShell
PS_SESS = {W1: (ps_ok, 7412, 'okafor'), W2: (ps_lb2, 4604, 'bauer2'), 'w3': (ps_w3, 8412, 'defpool')}
NL = '\r\n'
PS = [  # host, time, eid, level, text/None, tags, path
    (W1, '09:46:13.402', 40961, 4, None, ['pub']),
    (W1, '09:46:14.870', 40962, 4, None, ['pub']),
    (W1, '09:46:22.118', 4104, 5, 'Set-Location C:\\Users\\Public\\Libraries', ['pub']),
    (W1, '09:46:40.512', 4104, 3, NL.join(['[void][System.Reflection.Assembly]::LoadWithPartialName("System.EnterpriseServices")',
                                           '$publish = New-Object System.EnterpriseServices.Internal.Publish',
                                           '$publish.GacInstall("C:\\Users\\Public\\Libraries\\WebAuthExt.dll")']), ['pub']),
    (W1, '09:46:40.530', 4103, 4, 'New-Object System.EnterpriseServices.Internal.Publish', ['pub']),
    (W1, '09:47:01.660', 4104, 5, '& "' + GACUTIL + '" /i C:\\Users\\Public\\Libraries\\WebAuthExt.dll', ['pub']),
    (W1, '09:49:40.210', 4104, 5, 'Get-WebGlobalModule | Select-Object name, image', ['wgm']),
    (W1, '09:49:58.004', 4104, 5, 'Import-Module WebAdministration', ['wgm']),
    (W1, '09:50:00.377', 4104, 5, "New-WebGlobalModule -Name SrvCacheHelper -Image 'C:\\ProgramData\\Microsoft\\Crypto\\srvcache.dll' -Precondition 'bitness64'", ['wgm']),
    (W1, '09:50:25.118', 4104, 5, 'Enable-WebGlobalModule -Name SrvCacheHelper', ['wgm']),
    (W1, '09:50:31.902', 4104, 5, 'Enable-WebGlobalModule -Name SrvCacheHelper', ['wgm']),
    (W1, '09:54:30.640', 4104, 5, NL.join(['Import-Module WebAdministration',
                                           "Get-WebConfigurationProperty -PSPath 'MACHINE/WEBROOT/APPHOST' -Filter 'system.webServer/httpLogging' -Name dontLog",
                                           "Set-WebConfigurationProperty -PSPath 'MACHINE/WEBROOT/APPHOST' -Filter 'system.webServer/httpLogging' -Name dontLog -Value $true"]), ['http']),
    (W1, '09:55:10.227', 4104, 5, "Set-WebConfigurationProperty -PSPath 'MACHINE/WEBROOT/APPHOST/Default Web Site' -Filter system.webServer/httpLogging -Name dontLog -Value True", ['http']),
    (W1, '09:55:48.815', 4104, 5, "Set-ItemProperty 'IIS:\\Sites\\Default Web Site' -Name logFile.enabled -Value $false", ['http']),
    (W1, '09:58:02.091', 4104, 5, "(neW-obJect SYSTEM.EnterpriseServices.Internal.Publish).GacInstall('C:\\ProgramData\\Microsoft\\Crypto\\WebAuthExt.Helpers.dll')", ['pub']),
    (W1, '10:02:29.550', 4104, 5, "Set-WebGlobalModule -Name SrvCacheHelper -Image 'C:\\Windows\\System32\\inetsrv\\srvcache.dll'", ['wgm']),
    (W1, '10:06:18.700', 4104, 5, '& "C:\\Windows\\system32\\inetsrv\\appcmd.exe" Install Module /Name:HttpCacheCompat /Image:C:\\Windows\\System32\\inetsrv\\cachecompat.dll /preCondition:bitness64', ['wgm']),
    (W2, '10:00:59.702', 40961, 4, None, ['http', 'wgm']),
    (W2, '10:01:00.915', 40962, 4, None, ['http', 'wgm']),
    (W2, '10:01:05.330', 4104, 5, "Get-WebConfigurationProperty -PSPath 'MACHINE/WEBROOT/APPHOST' -Filter 'system.applicationHost/sites/siteDefaults/logFile' -Name directory", ['http']),
    (W2, '10:01:12.100', 4104, 5, '& "C:\\Windows\\system32\\inetsrv\\appcmd.exe" set config /section:staticContent /+"[fileExtension=\'.webp\',mimeType=\'image/webp\']"', ['http']),
    (W2, '10:01:40.611', 4104, 5, 'Get-WebConfiguration -Filter system.webServer/httpLogging | Select-Object dontLog, selectiveLogging', ['http']),
    (W2, '10:02:02.450', 4104, 5, "Set-ItemProperty -Path 'HKLM:\\SOFTWARE\\Contoso\\Agent' -Name Verbose -Value $false", ['http']),
    (W2, '10:03:10.220', 4104, 5, NL.join(['Add-Type -AssemblyName System.EnterpriseServices',
                                           '$reg = New-Object System.EnterpriseServices.RegistrationHelper',
                                           "$reg.InstallAssembly('C:\\Deploy\\Contoso.Reporting.dll', [ref]$null, [ref]$null, [System.EnterpriseServices.InstallationFlags]::FindOrCreateTargetApplication)"]), ['pub']),
    (W2, '10:03:40.008', 4104, 5, 'Publish-Module -Name Contoso.IISTools -Repository InternalGallery -NuGetApiKey $key', ['pub']),
    (W2, '10:04:11.990', 4104, 5, 'Get-WebGlobalModule -Name RewriteModule', ['wgm']),
    (W2, '10:04:30.300', 4104, 5, 'Get-Command -Noun WebGlobalModule', ['wgm']),
    (W2, '10:05:02.640', 4104, 5, "Get-ChildItem C:\\Windows\\Microsoft.NET\\assembly\\GAC_MSIL | Where-Object Name -like 'Contoso*'", ['pub']),
    # 4104_iis_config_change-windows-powershell.log: ETW logging switched off for the site (attack),
    # ETW added to the site defaults (benign), the backdoor's GAC install from w3wp (attack)
    (W1, '09:56:30.418', 4104, 5, "Set-WebConfigurationProperty -PSPath 'MACHINE/WEBROOT/APPHOST' -Filter \"system.applicationHost/sites/site[@name='Default Web Site']/logFile\" -Name logTargetW3C -Value 'File'", ['cfg']),
    (W2, '10:01:50.502', 4104, 5, "Set-WebConfigurationProperty -PSPath 'MACHINE/WEBROOT/APPHOST' -Filter 'system.applicationHost/sites/siteDefaults/logFile' -Name logTargetW3C -Value 'File,ETW'", ['cfg']),
    (W1, '10:04:46.377', 4104, 3, "[System.Reflection.Assembly]::LoadWithPartialName('System.EnterpriseServices'); (New-Object System.EnterpriseServices.Internal.Publish).GacInstall('C:\\Windows\\Temp\\WebAuthExt.Session.dll')", ['cfg'], 'w3'),
]

def guidish(seed):
    s = hashlib.md5(seed.encode()).hexdigest()
    return '%s-%s-%s-%s-%s' % (s[:8], s[8:12], '4' + s[13:16], '8' + s[17:20], s[20:32])

def ps_event(host, t, eid, level, text, recid, sess=None):
    proc_, tid, uid = PS_SESS[sess or host]
    u = USERS[uid]
    task, opcode = {4104: (2, 15), 4103: (106, 20), 40961: (4, 1), 40962: (4, 2)}[eid]
    ver = 1 if eid in (4103, 4104) else 0
    act = guidish(host + str(proc_.pid))
    hdr = ("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-PowerShell' Guid='{a0c1853b-5c40-4b15-8766-3cf1c58f985a}'/>"
           "<EventID>%d</EventID><Version>%d</Version><Level>%d</Level><Task>%d</Task><Opcode>%d</Opcode><Keywords>0x0</Keywords>"
           "<TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Correlation ActivityID='{%s}'/><Execution ProcessID='%d' ThreadID='%d'/>"
           "<Channel>Microsoft-Windows-PowerShell/Operational</Channel><Computer>%s</Computer><Security UserID='%s'/></System>"
           % (eid, ver, level, task, opcode, systime(T(t), 7), recid, act, proc_.pid, tid, HOSTS[host]['fqdn'], u['sid']))
    if eid == 4104:
        ed = data('MessageNumber', '1') + data('MessageTotal', '1') + data('ScriptBlockText', text) + \
             data('ScriptBlockId', guidish(host + t + text)) + data('Path', '')
    elif eid == 4103:
        ctx = NL.join(['        Severity = Informational', '        Host Name = ConsoleHost', '        Host Version = 5.1.20348.2400',
                       '        Host ID = %s' % guidish(host + 'hostid'), '        Host Application = ' + proc_.cmd,
                       '        Engine Version = 5.1.20348.2400', '        Runspace ID = %s' % guidish(host + 'rs'),
                       '        Pipeline ID = 7', '        Command Name = New-Object', '        Command Type = Cmdlet',
                       '        Script Name = ', '        Command Path = ', '        Sequence Number = 19',
                       '        User = ' + u['name'], '        Connected User = ', '        Shell ID = Microsoft.PowerShell', ''])
        payload = 'CommandInvocation(New-Object): "New-Object"' + NL + \
                  'ParameterBinding(New-Object): name="TypeName"; value="System.EnterpriseServices.Internal.Publish"' + NL
        ed = data('ContextInfo', ctx) + data('UserData', '') + data('Payload', payload)
    else:
        return hdr + '<EventData></EventData></Event>'
    return hdr + '<EventData>' + ed + '</EventData></Event>'

def build_ps_files():
    items = sorted(PS, key=lambda e: T(e[1]))
    out = {'pub': [], 'http': [], 'wgm': [], 'cfg': []}
    for e in items:
        host, t, eid, level, text, tags = e[:6]
        r = next_rec(host, 'ps', 20417 if host == W1 else 8830)
        line = ps_event(host, t, eid, level, text, r, e[6] if len(e) > 6 else None)
        for tag in tags:
            out[tag].append((T(t), line))
    write_lines('pwsh_publish_powershell.log', out['pub'])
    write_lines('4104_disable_http_logging_windows-powershell.log', out['http'])
    write_lines('4104_windows-powershell.log', out['wgm'])
    write_lines('4104_iis_config_change-windows-powershell.log', out['cfg'])

# ---------------------------------------------------------------- Application
def app_manifest(host, t, recid, prov, guid, src, eid, qual, level, task, data_xml):
    return ("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='%s' Guid='%s' EventSourceName='%s'/>"
            "<EventID Qualifiers='%d'>%d</EventID><Version>0</Version><Level>%d</Level><Task>%d</Task><Opcode>0</Opcode><Keywords>0x80000000000000</Keywords>"
            "<TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Correlation/><Execution ProcessID='0' ThreadID='0'/>"
            "<Channel>Application</Channel><Computer>%s</Computer><Security/></System><EventData>%s</EventData></Event>"
            % (prov, guid, src, qual, eid, level, task, systime(T(t)), recid, HOSTS[host]['fqdn'], data_xml))

def app_classic(host, t, recid, prov, eid, qual, level, task, datas, binary=None, user=None):
    sec = "<Security UserID='%s'/>" % user if user else '<Security/>'
    ed = ''.join('<Data>%s</Data>' % x(d) for d in datas) + ('<Binary>%s</Binary>' % binary if binary else '')
    return ("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='%s'/>"
            "<EventID Qualifiers='%d'>%d</EventID><Level>%d</Level><Task>%d</Task><Keywords>0x80000000000000</Keywords>"
            "<TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Channel>Application</Channel><Computer>%s</Computer>%s</System>"
            "<EventData>%s</EventData></Event>" % (prov, qual, eid, level, task, systime(T(t)), recid, HOSTS[host]['fqdn'], sec, ed))

W3 = ('Microsoft-Windows-IIS-W3SVC-WP', '{670080d9-742a-4187-8d16-41143d1290bd}', 'W3SVC-WP')
SPP = ('Microsoft-Windows-Security-SPP', '{e23b33b0-c8c9-472c-a5f9-f2bdfea0f156}', 'Software Protection Platform Service')

def e2282(host, t, recid, dll, arch):
    return app_manifest(host, t, recid, *W3, 2282, 49152, 2, 0,
                        data('ModuleDll', dll) + data('ProcessorArchitecture', arch) + '<Binary>C1000000</Binary>')

def spp(host, t, recid, when):
    return app_manifest(host, t, recid, *SPP, 16384, 16384, 4, 0, '<Data>%s</Data><Data>RulesEngine</Data>' % when)

def hexs(s):
    return s.encode('ascii').hex().upper()

def build_app():
    ev = []  # (host, time, builder(recid))
    ev.append((W1, '09:30:02.117', lambda r: spp(W1, '09:30:02.117', r, '2124-05-10T09:30:02Z')))
    ev.append((W1, '09:35:46.530', lambda r: app_classic(W1, '09:35:46.530', r, 'Desktop Window Manager', 9027, 16384, 4, 0, [], None)))
    ev.append((W1, '09:40:00.884', lambda r: spp(W1, '09:40:00.884', r, '2124-05-10T09:40:00Z')))
    ev.append((W1, '09:41:10.342', lambda r: app_classic(W1, '09:41:10.342', r, 'VSS', 8224, 0, 4, 0, [], hexs('- Code: SECSWRTC00000580- Call: SECSWRTC00000533- PID:  00003104- TID:  00003288'))))
    ev.append((W1, '09:42:31.204', lambda r: e2282(W1, '09:42:31.204', r, 'C:\\ProgramData\\Microsoft\\Crypto\\srvcache.dll', 'x86')))
    ev.append((W1, '09:43:02.877', lambda r: e2282(W1, '09:43:02.877', r, 'C:\\ProgramData\\Microsoft\\Crypto\\srvcache.dll', 'x86')))
    ev.append((W1, '09:44:15.530', lambda r: e2282(W1, '09:44:15.530', r, 'C:\\ProgramData\\Microsoft\\Crypto\\srvcache.dll', 'x86')))
    ev.append((W1, '10:07:45.612', lambda r: app_1000(W1, '10:07:45.612', r)))
    ev.append((W2, '09:31:05.118', lambda r: app_classic(W2, '09:31:05.118', r, 'MsiInstaller', 1040, 0, 4, 0, ['C:\\Deploy\\rewrite_amd64_en-US.msi', '2760', '(NULL)', '(NULL)', '(NULL)', '(NULL)', ''], None, 'S-1-5-18')))
    ev.append((W2, '09:31:44.671', lambda r: app_classic(W2, '09:31:44.671', r, 'MsiInstaller', 11707, 0, 4, 0, ['Product: IIS URL Rewrite Module 2 -- Installation completed successfully.', '(NULL)', '(NULL)', '(NULL)', '(NULL)', '(NULL)', ''], hexs('{9BCA2118-F753-4A1E-BCF3-5A820729965C}'), 'S-1-5-18')))
    ev.append((W2, '09:31:44.702', lambda r: app_classic(W2, '09:31:44.702', r, 'MsiInstaller', 1033, 0, 4, 0, ['IIS URL Rewrite Module 2', '7.2.1993', '1033', '0', 'Microsoft Corporation', '(NULL)', ''], hexs('{9BCA2118-F753-4A1E-BCF3-5A820729965C}'), 'S-1-5-18')))
    ev.append((W2, '09:40:01.226', lambda r: spp(W2, '09:40:01.226', r, '2124-05-10T09:40:01Z')))
    ev.append((W2, '09:52:14.660', lambda r: e2282(W2, '09:52:14.660', r, 'C:\\Program Files\\Contoso\\Agent\\ctsoiis64.dll', 'x86')))
    ev.append((W2, '10:02:05.318', lambda r: app_classic(W2, '10:02:05.318', r, 'ASP.NET 4.0.30319.0', 1309, 32768, 3, 3,
        ['3005', 'An unhandled exception has occurred.', '6/3/2024 10:02:05 AM', '6/3/2024 10:02:05 AM', '4f6be1c0a2a34b1fae6d1c7e2f0b9a11', '41', '1', '0',
         '/LM/W3SVC/1/ROOT/reports-1-133618237257003315', 'Full', '/reports', 'C:\\inetpub\\reports\\', 'WEB-02', '', '4920', 'w3wp.exe', 'IIS APPPOOL\\Reports',
         'NullReferenceException', 'Object reference not set to an instance of an object.', 'https://web-02.corp.example:443/reports/summary.aspx', '/reports/summary.aspx', '10.20.8.44', '', 'False', '', 'IIS APPPOOL\\Reports', '9', 'IIS APPPOOL\\Reports', 'False', ''], None)))
    ev.sort(key=lambda e: T(e[1]))
    lines = []
    for host, t, b in ev:
        lines.append((T(t), b(next_rec(host, 'app', 2279 if host == W1 else 10410))))
    write_lines('2282_windows-application.log', lines)

def app_1000(host, t, recid):
    d = [('AppName', 'w3wp.exe'), ('AppVersion', '10.0.20348.1'), ('AppTimeStamp', '6a2f0d41'), ('ModuleName', 'cachecompat.dll'),
         ('ModuleVersion', '1.0.0.0'), ('ModuleTimeStamp', '65f1c2a9'), ('ExceptionCode', 'c0000005'), ('FaultingOffset', '0x0000000000012b4c'),
         ('ProcessId', '0x1f30'), ('ProcessCreationTime', '0x1dab59a0d4f7c21'), ('AppPath', 'c:\\windows\\system32\\inetsrv\\w3wp.exe'),
         ('ModulePath', 'C:\\Windows\\System32\\inetsrv\\cachecompat.dll'), ('IntegratorReportId', 'b6e0f3a4-5c21-4d8e-9b7a-2f4c1d0e8a93'),
         ('PackageFullName', ''), ('PackageRelativeAppId', '')]
    return ("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Application Error' Guid='{a0e9b465-b939-57d7-b27d-95d8e925ff57}'/>"
            "<EventID>1000</EventID><Version>0</Version><Level>2</Level><Task>100</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords>"
            "<TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Correlation/><Execution ProcessID='8004' ThreadID='8110'/>"
            "<Channel>Application</Channel><Computer>%s</Computer><Security/></System><EventData>%s</EventData></Event>"
            % (systime(T(t)), recid, HOSTS[host]['fqdn'], ''.join(data(k, v) for k, v in d)))

# ---------------------------------------------------------------- IIS configuration (classic)
def msg29(path, at='MACHINE/WEBROOT/APPHOST'):
    return "Changes to '%s' at '%s' have successfully been committed." % (path, at)
GM = "/system.webServer/globalModules/add[@name='%s']"
MOD = "/system.webServer/modules/add[@name='%s']"
APPHOST_FILE = "Parsing config file '\\\\?\\C:\\Windows\\system32\\inetsrv\\config\\applicationHost.config'."
IIS = [  # host, time, eventcode, user, message
    (W2, '09:31:40', 13, 'system', APPHOST_FILE),
    (W2, '09:31:41', 29, 'system', msg29(GM % 'RewriteModule')),
    (W2, '09:31:42', 29, 'system', msg29(MOD % 'RewriteModule')),
    (W2, '09:33:16', 29, 'system', msg29(GM % 'ConfigurationValidationModule')),
    (W2, '09:33:17', 3, 'system', "A cache node for 'MACHINE/WEBROOT/APPHOST' has been added to cache."),
    (W1, '09:36:32', 13, 'bauer1', APPHOST_FILE),
    (W1, '09:41:53', 29, 'okafor', msg29(GM % 'SrvCacheHelper')),
    (W1, '09:41:53', 29, 'okafor', msg29(MOD % 'SrvCacheHelper')),
    (W1, '09:45:11', 7, 'okafor', "Configuration cache is handling change notification for 'MACHINE/WEBROOT/APPHOST'."),
    (W1, '09:50:01', 29, 'okafor', msg29(GM % 'SrvCacheHelper')),
    (W1, '09:50:26', 29, 'okafor', msg29(MOD % 'SrvCacheHelper')),
    (W1, '09:50:32', 13, 'okafor', APPHOST_FILE),
    (W1, '09:51:31', 29, 'okafor', msg29(MOD % 'WebAuthExt')),
    (W1, '09:52:41', 3, 'okafor', "A cache node for 'MACHINE/WEBROOT/APPHOST' has been added to cache."),
    (W1, '09:53:21', 29, 'okafor', msg29('/system.webServer/httpLogging/@dontLog')),
    (W1, '09:53:46', 29, 'okafor', msg29('/system.webServer/httpLogging/@dontLog', 'MACHINE/WEBROOT/APPHOST/Default Web Site')),
    (W1, '09:54:31', 29, 'okafor', msg29('/system.webServer/httpLogging/@dontLog')),
    (W1, '09:55:11', 29, 'okafor', msg29('/system.webServer/httpLogging/@dontLog', 'MACHINE/WEBROOT/APPHOST/Default Web Site')),
    (W1, '09:55:49', 29, 'okafor', msg29("/system.applicationHost/sites/site[@name='Default Web Site']/logFile/@enabled")),
    (W2, '10:01:13', 29, 'bauer2', msg29("/system.webServer/staticContent/mimeMap[@fileExtension='.webp']")),
    (W1, '10:02:30', 29, 'okafor', msg29((GM % 'SrvCacheHelper') + '/@image')),
    (W1, '10:06:19', 29, 'okafor', msg29(GM % 'HttpCacheCompat')),
    (W1, '10:06:19', 29, 'okafor', msg29(MOD % 'HttpCacheCompat')),
    (W2, '10:08:41', 7, 'bauer2', "Configuration cache is handling change notification for 'MACHINE/WEBROOT/APPHOST'."),
]

def build_iis():
    out = []
    for host, t, code, uid, msg in IIS:
        u = USERS[uid]
        r = next_rec(host, 'iis', 22 if host == W1 else 21)
        if uid == 'system':
            who = ['User=SYSTEM', 'Sid=S-1-5-18', 'SidType=1']
        else:
            who = ['User=NOT_TRANSLATED', 'Sid=' + u['sid'], 'SidType=0']
        lines = [T(t).strftime('%m/%d/%Y %I:%M:%S %p'), 'LogName=Microsoft-IIS-Configuration/Operational', 'EventCode=%d' % code,
                 'EventType=4', 'ComputerName=' + HOSTS[host]['fqdn']] + who + [
                 'SourceName=Microsoft-Windows-IIS-Configuration', 'Type=Information', 'RecordNumber=%d' % r, 'Keywords=None',
                 'TaskCategory=None', 'OpCode=Info', 'Message=' + msg]
        out.append('\n'.join(lines))
    with open(os.path.join(OUT, 'IIS-Configuration-Operational.log'), 'w', newline='\n') as f:
        f.write('\n\n'.join(out) + '\n')

# ---------------------------------------------------------------- IIS configuration (XML)
# The same channel collected with XML rendering and a whitelist of EventCode 29: one event per
# changed element or attribute. EventData as Windows writes it: PhysicalPath, ConfigPath,
# EffectiveLocationPath, Configuration, EditOperationType, OldValue, NewValue. The process and
# user that committed the change are Execution/@ProcessID and Security/@UserID.
# EditOperationType: 0 attribute set, 1 element added, 2 element deleted (a guess; see datasets/README.md).
APPHOST_PHYS = '\\\\?\\' + APPHOST
ROOT = 'MACHINE/WEBROOT/APPHOST'
DWS = ROOT + '/Default Web Site'
GMS = "/system.webServer/globalModules/add[@name='%s']"
MODS = "/system.webServer/modules/add[@name='%s']"
IISX = []  # host, time, pid, uid, ConfigPath, EffectiveLocationPath, Configuration, op, old, new
def cfg_set(host, t, pid, uid, path, old, new, at=ROOT, loc=''):
    IISX.append((host, t, pid, uid, at, loc, path, 0, old, new))
def cfg_add(host, t, pid, uid, elem, attrs, at=ROOT, loc=''):
    IISX.append((host, t, pid, uid, at, loc, elem, 1, '', ''))
    for a, v in attrs:
        IISX.append((host, t, pid, uid, at, loc, elem + '/@' + a, 0, '', v))
def cfg_del(host, t, pid, uid, elem, at=ROOT, loc=''):
    IISX.append((host, t, pid, uid, at, loc, elem, 2, '', ''))
REWRITE = '%SystemRoot%\\system32\\inetsrv\\rewrite.dll'
# web-02: URL Rewrite (msiexec's appcmd), the IIS setup helper, the admin
cfg_add(W2, '09:31:40.905', 3540, 'system', GMS % 'RewriteModule', [('name', 'RewriteModule'), ('image', REWRITE)])
cfg_add(W2, '09:31:41.998', 3552, 'system', MODS % 'RewriteModule', [('name', 'RewriteModule')])
cfg_add(W2, '09:33:16.294', 3644, 'system', GMS % 'ConfigurationValidationModule', [('name', 'ConfigurationValidationModule'), ('image', '%windir%\\System32\\inetsrv\\validcfg.dll')])
cfg_set(W2, '09:33:16.950', 3660, 'system', '/system.webServer/httpLogging/@dontLog', 'false', 'false')
cfg_add(W2, '09:33:18.411', 3620, 'system', GMS % 'StaticCompressionModule', [('name', 'StaticCompressionModule'), ('image', '%windir%\\System32\\inetsrv\\compstat.dll')])
cfg_add(W2, '09:33:18.415', 3620, 'system', MODS % 'StaticCompressionModule', [('name', 'StaticCompressionModule')])
cfg_add(W2, '10:01:13.180', 4588, 'bauer2', "/system.webServer/staticContent/mimeMap[@fileExtension='.webp']", [('fileExtension', '.webp'), ('mimeType', 'image/webp')])
cfg_set(W2, '10:01:51.030', 4520, 'bauer2', '/system.applicationHost/sites/siteDefaults/logFile/@logTargetW3C', 'File', 'File,ETW')
# web-01: the intruder
SRV = 'C:\\ProgramData\\Microsoft\\Crypto\\srvcache.dll'
cfg_add(W1, '09:41:53.033', 6504, 'okafor', GMS % 'SrvCacheHelper', [('name', 'SrvCacheHelper'), ('image', SRV)])
cfg_add(W1, '09:41:53.036', 6504, 'okafor', MODS % 'SrvCacheHelper', [('name', 'SrvCacheHelper')])
cfg_del(W1, '09:45:10.860', 6620, 'okafor', MODS % 'SrvCacheHelper')
cfg_del(W1, '09:45:10.862', 6620, 'okafor', GMS % 'SrvCacheHelper')
cfg_add(W1, '09:50:01.105', 7344, 'okafor', GMS % 'SrvCacheHelper', [('name', 'SrvCacheHelper'), ('image', SRV), ('preCondition', 'bitness64')])
cfg_add(W1, '09:50:26.047', 7344, 'okafor', MODS % 'SrvCacheHelper', [('name', 'SrvCacheHelper')])
cfg_add(W1, '09:51:31.095', 7810, 'okafor', MODS % 'WebAuthExt', [('name', 'WebAuthExt'), ('type', 'WebAuthExt.AuthModule, WebAuthExt, Version=1.0.0.0, Culture=neutral, PublicKeyToken=8f2a61c07d9e43b5')], loc='Default Web Site')
cfg_set(W1, '09:53:21.188', 7966, 'okafor', '/system.webServer/httpLogging/@dontLog', 'false', 'true')
cfg_set(W1, '09:53:45.873', 8010, 'okafor', '/system.webServer/httpLogging/@dontLog', 'false', 'true', at=DWS, loc='Default Web Site')
cfg_set(W1, '09:54:31.233', 7344, 'okafor', '/system.webServer/httpLogging/@dontLog', 'true', 'true')
cfg_set(W1, '09:55:10.805', 7344, 'okafor', '/system.webServer/httpLogging/@dontLog', 'true', 'true', at=DWS, loc='Default Web Site')
cfg_set(W1, '09:55:49.383', 7344, 'okafor', "/system.applicationHost/sites/site[@name='Default Web Site']/logFile/@enabled", 'true', 'false')
cfg_set(W1, '09:56:31.008', 7344, 'okafor', "/system.applicationHost/sites/site[@name='Default Web Site']/logFile/@logTargetW3C", 'File,ETW', 'File')
cfg_add(W1, '09:57:05.866', 8120, 'okafor', "/system.webServer/modules/remove[@name='HttpLoggingModule']", [('name', 'HttpLoggingModule')], at=DWS, loc='Default Web Site')
cfg_set(W1, '10:02:30.137', 7344, 'okafor', (GMS % 'SrvCacheHelper') + '/@image', SRV, 'C:\\Windows\\System32\\inetsrv\\srvcache.dll')
cfg_add(W1, '10:06:19.369', 8544, 'okafor', GMS % 'HttpCacheCompat', [('name', 'HttpCacheCompat'), ('image', 'C:\\Windows\\System32\\inetsrv\\cachecompat.dll'), ('preCondition', 'bitness64')])
cfg_add(W1, '10:06:19.372', 8544, 'okafor', MODS % 'HttpCacheCompat', [('name', 'HttpCacheCompat')])

def build_iis_xml():
    lines = []
    seq = {}
    for host, t, pid, uid, at, loc, conf, op, old, new in IISX:
        k = (host, t)
        seq[k] = seq.get(k, -1) + 1
        when = T(t) + dt.timedelta(microseconds=210 * seq[k] + 37)
        r = next_rec(host, 'iisxml', 211 if host == W1 else 164)
        tid = (pid * 7 + 1300) % 9000 + 100
        ed = (data('PhysicalPath', APPHOST_PHYS) + data('ConfigPath', at) + data('EffectiveLocationPath', loc) +
              data('Configuration', conf) + data('EditOperationType', str(op)) + data('OldValue', old) + data('NewValue', new))
        lines.append((when, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-IIS-Configuration' Guid='{dc0b8e51-4863-407a-bc3c-1b479b2978ac}'/>"
            "<EventID>29</EventID><Version>0</Version><Level>4</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x4000000000000000</Keywords>"
            "<TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Correlation/><Execution ProcessID='%d' ThreadID='%d'/>"
            "<Channel>Microsoft-IIS-Configuration/Operational</Channel><Computer>%s</Computer><Security UserID='%s'/></System><EventData>%s</EventData></Event>"
            % (systime(when, 3), r, pid, tid, HOSTS[host]['fqdn'], USERS[uid]['sid'], ed)))
    write_lines('IIS-Configuration-Operational-xml.log', lines)

# ---------------------------------------------------------------- module inventory
DEFAULT_MODULES = [
    ('UriCacheModule', '%windir%\\System32\\inetsrv\\cachuri.dll', ''), ('FileCacheModule', '%windir%\\System32\\inetsrv\\cachfile.dll', ''),
    ('TokenCacheModule', '%windir%\\System32\\inetsrv\\cachtokn.dll', ''), ('HttpCacheModule', '%windir%\\System32\\inetsrv\\cachhttp.dll', ''),
    ('StaticCompressionModule', '%windir%\\System32\\inetsrv\\compstat.dll', ''), ('DefaultDocumentModule', '%windir%\\System32\\inetsrv\\defdoc.dll', ''),
    ('DirectoryListingModule', '%windir%\\System32\\inetsrv\\dirlist.dll', ''), ('ProtocolSupportModule', '%windir%\\System32\\inetsrv\\protsup.dll', ''),
    ('HttpRedirectionModule', '%windir%\\System32\\inetsrv\\redirect.dll', ''), ('StaticFileModule', '%windir%\\System32\\inetsrv\\static.dll', ''),
    ('AnonymousAuthenticationModule', '%windir%\\System32\\inetsrv\\authanon.dll', ''), ('CustomErrorModule', '%windir%\\System32\\inetsrv\\custerr.dll', ''),
    ('HttpLoggingModule', '%windir%\\System32\\inetsrv\\loghttp.dll', ''), ('RequestFilteringModule', '%windir%\\System32\\inetsrv\\modrqflt.dll', ''),
    ('IsapiFilterModule', '%windir%\\System32\\inetsrv\\filter.dll', ''), ('IsapiModule', '%windir%\\System32\\inetsrv\\isapi.dll', ''),
    ('ConfigurationValidationModule', '%windir%\\System32\\inetsrv\\validcfg.dll', ''),
    ('ManagedEngineV4.0_32bit', '%windir%\\Microsoft.NET\\Framework\\v4.0.30319\\webengine4.dll', 'integratedMode,runtimeVersionv4.0,bitness32'),
    ('ManagedEngineV4.0_64bit', '%windir%\\Microsoft.NET\\Framework64\\v4.0.30319\\webengine4.dll', 'integratedMode,runtimeVersionv4.0,bitness64'),
]
NEW_MODULES = [('SrvCacheHelper', 'C:\\Windows\\System32\\inetsrv\\srvcache.dll', 'bitness64'),
               ('HttpCacheCompat', 'C:\\Windows\\System32\\inetsrv\\cachecompat.dll', 'bitness64')]

def build_inventory():
    with open(os.path.join(OUT, 'pwsh_installediismodules.log'), 'w', newline='\n') as f:
        for snap in (DEFAULT_MODULES, DEFAULT_MODULES + NEW_MODULES):
            for n, img, pre in snap:
                f.write('name="%s" image="%s" preCondition="%s" Schema="Microsoft.IIs.PowerShell.Framework.ConfigurationElementSchema"\n' % (n, img, pre))

if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    build_process_files(); build_ps_files(); build_app(); build_iis(); build_iis_xml(); build_inventory()
