/* gen_data.c: the tables behind bench-gen (executables, command lines,
 * parents, services, domains) and the seeded construction of hosts, users
 * and the synthesized third-party executables. All names are invented. */
#include "gen_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS "Microsoft Corporation"
#define WIN "Microsoft\xc2\xae Windows\xc2\xae Operating System"
#define V10 "10.0.19041.1 (WinBuild.160101.0800)"

uint64_t gen_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

const gen_parent_def gen_parents[PK_COUNT] = {
    [PK_SERVICES] = {"C:\\Windows\\System32\\services.exe", "C:\\Windows\\system32\\services.exe", UC_SYSTEM},
    [PK_SVCHOST] = {"C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p", UC_SYSTEM},
    [PK_EXPLORER] = {"C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", UC_USER},
    [PK_CMD] = {"C:\\Windows\\System32\\cmd.exe", "\"C:\\Windows\\system32\\cmd.exe\" ", UC_USER},
    [PK_POWERSHELL] = {"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" ", UC_USER},
    [PK_W3WP] = {"C:\\Windows\\System32\\inetsrv\\w3wp.exe", "c:\\windows\\system32\\inetsrv\\w3wp.exe -ap \"DefaultAppPool\" -v \"v4.0\" -l \"webengine4.dll\" -a \\\\.\\pipe\\iisipm5f3c1a2e-7d4b-4c1f-9a0e-2b8d6e4f1c3a -h \"C:\\inetpub\\temp\\apppools\\DefaultAppPool\\DefaultAppPool.config\" -w \"\" -m 0", UC_IIS},
    [PK_WMIPRVSE] = {"C:\\Windows\\System32\\wbem\\WmiPrvSE.exe", "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding", UC_NETSVC},
    [PK_USERINIT] = {"C:\\Windows\\System32\\userinit.exe", "C:\\Windows\\system32\\userinit.exe", UC_USER},
    [PK_SPLUNKD] = {"C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunkd.exe", "\"C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunkd.exe\" service", UC_SYSTEM},
    [PK_CHROME] = {"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" ", UC_USER},
    [PK_TASKSCHED] = {"C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule", UC_SYSTEM},
};

const char *const gen_services[] = {
    "wuauserv", "BITS", "Spooler", "WinRM", "W3SVC", "WAS", "MSSQLSERVER", "SQLSERVERAGENT",
    "Dnscache", "LanmanServer", "LanmanWorkstation", "EventLog", "Schedule", "WinDefend",
    "SplunkForwarder", "Sysmon64", "TermService", "Netlogon", "NTDS", "DFSR", "W32Time",
    "CryptSvc", "gpsvc", "iphlpsvc", "RemoteRegistry", "VSS", "wmiApSrv", "MpsSvc",
};
const int gen_nservices = (int)(sizeof gen_services / sizeof gen_services[0]);

const char *const gen_domains[] = {
    "www.example.com", "login.example.net", "cdn.example.org", "updates.example.com",
    "mail.example.com", "api.example.io", "fs01." GEN_DNS_DOMAIN, "dc01." GEN_DNS_DOMAIN,
    "dc02." GEN_DNS_DOMAIN, "splunk-idx01." GEN_DNS_DOMAIN, "intranet." GEN_DNS_DOMAIN,
    "wiki." GEN_DNS_DOMAIN, "git." GEN_DNS_DOMAIN, "proxy." GEN_DNS_DOMAIN,
    "telemetry.example.net", "static.example.org", "docs.example.com", "time.example.org",
};
const int gen_ndomains = (int)(sizeof gen_domains / sizeof gen_domains[0]);

const char *const gen_docs[] = {
    "Q3_report.xlsx", "budget_2024.xlsx", "meeting notes.docx", "proposal_v2.docx",
    "invoice_1182.pdf", "roadmap.pptx", "onboarding.pdf", "contract draft.docx",
    "sales_forecast.xlsx", "architecture.vsdx", "timesheet.xlsx", "minutes 06-03.docx",
    "inventory.csv", "release_notes.txt", "todo.txt", "presentation_final.pptx",
};
const int gen_ndocs = (int)(sizeof gen_docs / sizeof gen_docs[0]);

#define IMG(path, desc, prod, comp, ver, orig, parent, user, where, weight, ...) \
    {path, desc, prod, comp, ver, orig, {__VA_ARGS__}, parent, user, where, weight, NULL}

static const gen_image builtin_images[] = {
    IMG("C:\\Windows\\System32\\svchost.exe", "Host Process for Windows Services", WIN, MS, V10, "svchost.exe", PK_SERVICES, UC_SYSTEM, W_ANY, 60,
        "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
        "C:\\Windows\\system32\\svchost.exe -k LocalServiceNetworkRestricted -p -s EventLog",
        "C:\\Windows\\System32\\svchost.exe -k NetworkService -p -s Dnscache",
        "C:\\Windows\\system32\\svchost.exe -k UnistackSvcGroup -s CDPUserSvc_%x"),
    IMG("C:\\Windows\\System32\\conhost.exe", "Console Window Host", WIN, MS, V10, "CONHOST.EXE", PK_CMD, UC_USER, W_ANY, 80,
        "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1",
        "\\??\\C:\\Windows\\system32\\conhost.exe 0x4"),
    IMG("C:\\Windows\\System32\\cmd.exe", "Windows Command Processor", WIN, MS, V10, "Cmd.Exe", PK_EXPLORER, UC_USER, W_ANY, 40,
        "\"C:\\Windows\\system32\\cmd.exe\" /c \"C:\\Scripts\\nightly_backup_%n.bat\"",
        "C:\\Windows\\system32\\cmd.exe /c dir \"C:\\Users\\%u\\Documents\" /s /b",
        "C:\\Windows\\system32\\cmd.exe /c echo %x > C:\\Windows\\Temp\\%t",
        "\"C:\\Windows\\system32\\cmd.exe\" "),
    IMG("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "Windows PowerShell", WIN, MS, V10, "PowerShell.EXE", PK_EXPLORER, UC_USER, W_ANY, 25,
        "powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\Scripts\\Get-Inventory%n.ps1",
        "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" ",
        "powershell.exe -NoLogo -NonInteractive -Command \"Get-Service | Where-Object {$_.Status -eq 'Running'} | Export-Csv C:\\Temp\\svc_%n.csv\"",
        "powershell.exe -Command \"Test-NetConnection %d -Port 443\""),
    IMG("C:\\Windows\\explorer.exe", "Windows Explorer", WIN, MS, V10, "EXPLORER.EXE", PK_USERINIT, UC_USER, W_WKS, 3,
        "C:\\Windows\\Explorer.EXE"),
    IMG("C:\\Windows\\System32\\RuntimeBroker.exe", "Runtime Broker", WIN, MS, V10, "RuntimeBroker.exe", PK_SVCHOST, UC_USER, W_WKS, 20,
        "C:\\Windows\\System32\\RuntimeBroker.exe -Embedding"),
    IMG("C:\\Windows\\System32\\SearchProtocolHost.exe", "Microsoft Windows Search Protocol Host", WIN, MS, V10, "SearchProtocolHost.exe", PK_SERVICES, UC_SYSTEM, W_WKS, 25,
        "\"C:\\Windows\\system32\\SearchProtocolHost.exe\" Global\\UsGthrFltPipeMssGthrPipe%n_ Global\\UsGthrCtrlFltPipeMssGthrPipe%n 1 -2147483646 \"Software\\Microsoft\\Windows Search\" \"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)\" \"C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc\" \"DownLevelDaemon\" "),
    IMG("C:\\Windows\\System32\\SearchFilterHost.exe", "Microsoft Windows Search Filter Host", WIN, MS, V10, "SearchFilterHost.exe", PK_SERVICES, UC_SYSTEM, W_WKS, 25,
        "\"C:\\Windows\\system32\\SearchFilterHost.exe\" 0 %n %n %n 8192 %n %n "),
    IMG("C:\\Windows\\System32\\wbem\\WmiPrvSE.exe", "WMI Provider Host", WIN, MS, V10, "Wmiprvse.exe", PK_SVCHOST, UC_NETSVC, W_ANY, 10,
        "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding",
        "C:\\Windows\\system32\\wbem\\wmiprvse.exe -Embedding"),
    IMG("C:\\Windows\\System32\\dllhost.exe", "COM Surrogate", WIN, MS, V10, "dllhost.exe", PK_SVCHOST, UC_USER, W_ANY, 15,
        "C:\\Windows\\system32\\DllHost.exe /Processid:{%G}"),
    IMG("C:\\Windows\\System32\\backgroundTaskHost.exe", "Background Task Host", WIN, MS, V10, "backgroundTaskHost.exe", PK_SVCHOST, UC_USER, W_WKS, 10,
        "\"C:\\Windows\\system32\\backgroundTaskHost.exe\" -ServerName:App.AppXmtcan0h2tfbfy7k9kn8hbxb6dmzz1zh0.mca",
        "\"C:\\Windows\\system32\\backgroundTaskHost.exe\" -ServerName:BackgroundTaskHost.WebAccountProvider"),
    IMG("C:\\Windows\\System32\\taskhostw.exe", "Host Process for Windows Tasks", WIN, MS, V10, "taskhostw.exe", PK_TASKSCHED, UC_USER, W_ANY, 12,
        "taskhostw.exe Install $(Arg0)", "taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly",
        "taskhostw.exe KEYROAMING"),
    IMG("C:\\Windows\\System32\\sc.exe", "Service Control Manager Configuration Tool", WIN, MS, V10, "sc.exe", PK_CMD, UC_ADMIN, W_SRV, 4,
        "sc.exe query %s", "sc.exe qc %s", "sc  queryex %s"),
    IMG("C:\\Windows\\System32\\net.exe", "Net Command", WIN, MS, V10, "net.exe", PK_CMD, UC_USER, W_ANY, 4,
        "net use Z: \\\\fs01\\dept%n /persistent:no", "net  time \\\\dc01 /set /y", "net view \\\\fs01"),
    IMG("C:\\Windows\\System32\\net1.exe", "Net Command", WIN, MS, V10, "net1.exe", PK_CMD, UC_USER, W_ANY, 3,
        "C:\\Windows\\system32\\net1 use Z: \\\\fs01\\dept%n /persistent:no", "C:\\Windows\\system32\\net1  time \\\\dc01 /set /y"),
    IMG("C:\\Windows\\System32\\ipconfig.exe", "IP Configuration Utility", WIN, MS, V10, "ipconfig.exe", PK_CMD, UC_USER, W_ANY, 3,
        "ipconfig /all", "ipconfig /flushdns", "ipconfig  /renew"),
    IMG("C:\\Windows\\System32\\nslookup.exe", "nslookup", WIN, MS, V10, "nslookup.exe", PK_CMD, UC_USER, W_ANY, 2,
        "nslookup %d", "nslookup -type=srv _ldap._tcp." GEN_DNS_DOMAIN),
    IMG("C:\\Windows\\System32\\PING.EXE", "TCP/IP Ping Command", WIN, MS, V10, "ping.exe", PK_CMD, UC_USER, W_ANY, 3,
        "ping -n 1 %i", "ping %d", "ping -n 4 -w 1000 %i"),
    IMG("C:\\Windows\\System32\\tasklist.exe", "Lists the current running tasks", WIN, MS, V10, "tasklist.exe", PK_CMD, UC_USER, W_ANY, 2,
        "tasklist /v", "tasklist /svc /fo csv"),
    IMG("C:\\Windows\\System32\\schtasks.exe", "Task Scheduler Configuration Tool", WIN, MS, V10, "schtasks.exe", PK_CMD, UC_ADMIN, W_ANY, 3,
        "schtasks.exe /query /fo LIST /v", "schtasks  /run /tn \"\\Corp\\Inventory%n\""),
    IMG("C:\\Windows\\System32\\reg.exe", "Registry Console Tool", WIN, MS, V10, "reg.exe", PK_CMD, UC_USER, W_ANY, 3,
        "reg query \"HKLM\\Software\\Corp\\Agent\" /v Version", "reg  query HKCU\\Software\\Microsoft\\Office\\16.0\\Common /s"),
    IMG("C:\\Windows\\System32\\msiexec.exe", "Windows\xc2\xae installer", WIN, MS, "5.0.19041.1 (WinBuild.160101.0800)", "msiexec.exe", PK_SERVICES, UC_SYSTEM, W_ANY, 4,
        "C:\\Windows\\system32\\msiexec.exe /V", "C:\\Windows\\System32\\MsiExec.exe -Embedding %X",
        "msiexec.exe /i \"C:\\Windows\\ccmcache\\%n\\setup.msi\" /qn /norestart"),
    IMG("C:\\Windows\\uus\\AMD64\\MoUsoCoreWorker.exe", "MoUSO Core Worker Process", WIN, MS, V10, "MoUsoCoreWorker.exe", PK_SVCHOST, UC_SYSTEM, W_ANY, 4,
        "C:\\Windows\\uus\\AMD64\\MoUsoCoreWorker.exe -Embedding"),
    IMG("C:\\Windows\\System32\\wuauclt.exe", "Windows Update", WIN, MS, V10, "wuauclt.exe", PK_SVCHOST, UC_SYSTEM, W_ANY, 3,
        "\"C:\\Windows\\system32\\wuauclt.exe\" /UpdateDeploymentProvider UpdateDeploymentProvider.dll /ClassId %g /RunHandlerComServer"),
    IMG("C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24040.4-0\\MpCmdRun.exe", "Microsoft Malware Protection Command Line Utility", "Microsoft\xc2\xae Windows\xc2\xae Operating System", MS, "4.18.24040.4 (WinBuild.160101.0800)", "MpCmdRun.exe", PK_SVCHOST, UC_SYSTEM, W_ANY, 5,
        "\"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24040.4-0\\MpCmdRun.exe\" SignatureUpdate -ScheduleJob -RestrictPrivileges -DailyReboot",
        "\"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24040.4-0\\MpCmdRun.exe\" -wdenable"),
    IMG("C:\\Windows\\System32\\smartscreen.exe", "Windows Defender SmartScreen", WIN, MS, V10, "smartscreen.exe", PK_SVCHOST, UC_USER, W_WKS, 8,
        "C:\\Windows\\System32\\smartscreen.exe -Embedding"),
    IMG("C:\\Windows\\System32\\consent.exe", "Consent UI for administrative applications", WIN, MS, V10, "consent.exe", PK_SVCHOST, UC_SYSTEM, W_WKS, 2,
        "consent.exe %n 288 0000%X"),
    IMG("C:\\Windows\\System32\\gpupdate.exe", "Microsoft\xc2\xae Windows Group Policy Update Utility", WIN, MS, V10, "GPUpdate.exe", PK_CMD, UC_USER, W_ANY, 1,
        "gpupdate /force", "gpupdate  /target:computer"),
    IMG("C:\\Windows\\System32\\wevtutil.exe", "Eventing Command Line Utility", WIN, MS, V10, "wevtutil.exe", PK_CMD, UC_ADMIN, W_SRV, 1,
        "wevtutil.exe qe System /c:5 /rd:true /f:text", "wevtutil  gl Security"),
    IMG("C:\\Windows\\System32\\rundll32.exe", "Windows host process (Rundll32)", WIN, MS, V10, "RUNDLL32.EXE", PK_EXPLORER, UC_USER, W_WKS, 6,
        "C:\\Windows\\system32\\rundll32.exe C:\\Windows\\system32\\inetcpl.cpl,ClearMyTracksByProcess Flags:%n WinX:0 WinY:0 IEFrame:0000000000000000",
        "\"C:\\Windows\\system32\\rundll32.exe\" C:\\Windows\\system32\\shell32.dll,Control_RunDLL C:\\Windows\\system32\\desk.cpl",
        "C:\\Windows\\System32\\rundll32.exe C:\\Windows\\System32\\shell32.dll,SHCreateLocalServerRunDll {%G} -Embedding"),
    IMG("C:\\Windows\\System32\\notepad.exe", "Notepad", WIN, MS, V10, "NOTEPAD.EXE", PK_EXPLORER, UC_USER, W_ANY, 4,
        "\"C:\\Windows\\system32\\NOTEPAD.EXE\" C:\\Users\\%u\\Documents\\%f", "\"C:\\Windows\\system32\\notepad.exe\" "),
    IMG("C:\\Windows\\System32\\mmc.exe", "Microsoft Management Console", WIN, MS, V10, "MMC.EXE", PK_EXPLORER, UC_ADMIN, W_SRV, 2,
        "\"C:\\Windows\\system32\\mmc.exe\" \"C:\\Windows\\system32\\eventvwr.msc\" /s",
        "\"C:\\Windows\\system32\\mmc.exe\" \"C:\\Windows\\system32\\dsa.msc\" ",
        "\"C:\\Windows\\system32\\mmc.exe\" C:\\Windows\\system32\\inetsrv\\iis.msc"),
    IMG("C:\\Windows\\System32\\inetsrv\\w3wp.exe", "IIS Worker Process", "Internet Information Services", MS, V10, "w3wp.exe", PK_SVCHOST, UC_IIS, W_IIS, 3,
        "c:\\windows\\system32\\inetsrv\\w3wp.exe -ap \"DefaultAppPool\" -v \"v4.0\" -l \"webengine4.dll\" -a \\\\.\\pipe\\iisipm%g -h \"C:\\inetpub\\temp\\apppools\\DefaultAppPool\\DefaultAppPool.config\" -w \"\" -m 0",
        "c:\\windows\\system32\\inetsrv\\w3wp.exe -ap \"Intranet\" -v \"v4.0\" -l \"webengine4.dll\" -a \\\\.\\pipe\\iisipm%g -h \"C:\\inetpub\\temp\\apppools\\Intranet\\Intranet.config\" -w \"\" -m 0"),
    IMG("C:\\Windows\\System32\\inetsrv\\appcmd.exe", "Application Server Command Line Admin Tool", "Internet Information Services", MS, V10, "appcmd.exe", PK_CMD, UC_ADMIN, W_IIS, 3,
        "C:\\Windows\\system32\\inetsrv\\appcmd.exe list site", "C:\\Windows\\system32\\inetsrv\\appcmd.exe list apppool /state:Started",
        "C:\\Windows\\system32\\inetsrv\\appcmd.exe list wp", "C:\\Windows\\system32\\inetsrv\\appcmd.exe recycle apppool /apppool.name:Intranet"),
    IMG("C:\\Windows\\System32\\iisreset.exe", "IIS Admin Service Reset Utility", "Internet Information Services", MS, V10, "iisreset.exe", PK_CMD, UC_ADMIN, W_IIS, 1,
        "iisreset /status", "iisreset  /noforce"),
    IMG("C:\\Program Files (x86)\\Microsoft SDKs\\Windows\\v10.0A\\bin\\NETFX 4.8 Tools\\x64\\gacutil.exe", "Microsoft (R) .NET Global Assembly Cache Utility", "Microsoft\xc2\xae .NET Framework", MS, "4.8.3928.0", "gacutil.exe", PK_CMD, UC_ADMIN, W_IIS, 1,
        "gacutil.exe /l System.Web", "gacutil  /l"),
    IMG("C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe", "Visual C# Command Line Compiler", "Microsoft\xc2\xae .NET Framework", MS, "4.8.4084.0 built by: NET48REL1", "csc.exe", PK_W3WP, UC_IIS, W_IIS, 4,
        "\"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe\" /noconfig /fullpaths @\"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\root\\%x\\%x\\%t.cmdline\""),
    IMG("C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\cvtres.exe", "Microsoft\xc2\xae Resource File To COFF Object Conversion Utility", "Microsoft\xc2\xae .NET Framework", MS, "14.10.25028.0 built by: NET48REL1", "CVTRES.EXE", PK_W3WP, UC_IIS, W_IIS, 4,
        "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\cvtres.exe /NOLOGO /READONLY /MACHINE:IX86 \"/OUT:C:\\Windows\\TEMP\\RES%X.tmp\" \"c:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\root\\%x\\%x\\CSC%X.TMP\""),
    IMG("C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe", "SQL Server Windows NT - 64 Bit", "Microsoft SQL Server", MS, "2019.0150.4345.05 ((SQL19_RTM_QFE-CU).230829-2118)", "SQLSERVR.EXE", PK_SERVICES, UC_NETSVC, W_SQL, 1,
        "\"C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe\" -sMSSQLSERVER"),
    IMG("C:\\Program Files\\Microsoft SQL Server\\Client SDK\\ODBC\\170\\Tools\\Binn\\SQLCMD.EXE", "T-SQL execution command line utility", "Microsoft SQL Server", MS, "15.0.2000.5 ((SQLServer).190924-2033)", "sqlcmd.exe", PK_CMD, UC_ADMIN, W_SQL, 3,
        "sqlcmd -S localhost -E -Q \"BACKUP DATABASE [Sales] TO DISK = N'D:\\Backup\\Sales_%n.bak'\"",
        "SQLCMD.EXE -S . -E -i C:\\Scripts\\maintenance_%n.sql"),
    IMG("C:\\Windows\\System32\\ntdsutil.exe", "NT5DS", WIN, MS, V10, "ntdsutil.exe", PK_CMD, UC_ADMIN, W_DC, 1,
        "ntdsutil \"ac in ntds\" \"ifm\" \"create sysvol full D:\\IFM\\%n\" q q"),
    IMG("C:\\Windows\\System32\\dcdiag.exe", "Domain Controller Diagnosis", WIN, MS, V10, "dcdiag.exe", PK_CMD, UC_ADMIN, W_DC, 1,
        "dcdiag /q", "dcdiag  /test:replications"),
    IMG("C:\\Windows\\System32\\repadmin.exe", "Replication Diagnosis Tool", WIN, MS, V10, "repadmin.exe", PK_CMD, UC_ADMIN, W_DC, 1,
        "repadmin /replsummary", "repadmin  /showrepl dc02"),
    IMG("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "Google Chrome", "Google Chrome", "Google LLC", "125.0.6422.142", "chrome.exe", PK_CHROME, UC_USER, W_WKS, 120,
        "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=renderer --lang=en-US --device-scale-factor=1 --num-raster-threads=4 --enable-main-frame-before-activation --renderer-client-id=%n --time-ticks-at-unix-epoch=-1717%n --launch-time-ticks=%n --field-trial-handle=1864,i,%n,%n,262144 --variations-seed-version /prefetch:1",
        "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none --field-trial-handle=1864,i,%n,%n,262144 --variations-seed-version /prefetch:3",
        "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=gpu-process --gpu-preferences=WAAAAAAAAADgAAAMAAAAAAAAAAAAAAAAAABgAAEAAAA4AAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAA --field-trial-handle=1864,i,%n,%n,262144 --variations-seed-version /prefetch:2",
        "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --single-argument https://%d/"),
    IMG("C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", "Microsoft Edge", "Microsoft Edge", MS, "125.0.2535.79", "msedge.exe", PK_EXPLORER, UC_USER, W_ANY, 60,
        "\"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe\" --type=renderer --instant-process --lang=en-US --js-flags=--ms-user-locale= --device-scale-factor=1 --num-raster-threads=4 --renderer-client-id=%n --field-trial-handle=2012,i,%n,%n,262144 --variations-seed-version /prefetch:1",
        "\"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe\" --type=utility --utility-sub-type=storage.mojom.StorageService --lang=en-US --service-sandbox-type=service --field-trial-handle=2012,i,%n,%n,262144 /prefetch:8",
        "\"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe\" --single-argument https://%d/"),
    IMG("C:\\Program Files\\Mozilla Firefox\\firefox.exe", "Firefox", "Firefox", "Mozilla Corporation", "126.0.1", "firefox.exe", PK_EXPLORER, UC_USER, W_WKS, 20,
        "\"C:\\Program Files\\Mozilla Firefox\\firefox.exe\" -contentproc --channel=%n.%n.%n -childID %n -isForBrowser -prefsHandle %n:%n -prefMapHandle %n:%n -parentBuildID 20240529 -appDir \"C:\\Program Files\\Mozilla Firefox\\browser\" - %n tab",
        "\"C:\\Program Files\\Mozilla Firefox\\firefox.exe\" "),
    IMG("C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", "Microsoft Outlook", "Microsoft Outlook", MS, "16.0.17531.20152", "Outlook.exe", PK_EXPLORER, UC_USER, W_WKS, 6,
        "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\" ",
        "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\" /recycle"),
    IMG("C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", "Microsoft Word", "Microsoft Office", MS, "16.0.17531.20152", "WinWord.exe", PK_EXPLORER, UC_USER, W_WKS, 8,
        "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE\" /n \"C:\\Users\\%u\\Documents\\%f\" /o \"\"",
        "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE\" "),
    IMG("C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE", "Microsoft Excel", "Microsoft Office", MS, "16.0.17531.20152", "Excel.exe", PK_EXPLORER, UC_USER, W_WKS, 8,
        "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE\" \"C:\\Users\\%u\\OneDrive - Corp\\%f\"",
        "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE\" "),
    IMG("C:\\Program Files\\Microsoft Office\\root\\Office16\\POWERPNT.EXE", "Microsoft PowerPoint", "Microsoft Office", MS, "16.0.17531.20152", "PowerPnt.exe", PK_EXPLORER, UC_USER, W_WKS, 3,
        "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\POWERPNT.EXE\" \"C:\\Users\\%u\\Documents\\%f\""),
    IMG("C:\\Program Files\\Common Files\\microsoft shared\\ClickToRun\\OfficeClickToRun.exe", "Microsoft Office Click-to-Run (SxS)", "Microsoft Office", MS, "16.0.17531.20152", "OfficeClickToRun.exe", PK_SERVICES, UC_SYSTEM, W_WKS, 3,
        "\"C:\\Program Files\\Common Files\\microsoft shared\\ClickToRun\\OfficeClickToRun.exe\" /service",
        "\"C:\\Program Files\\Common Files\\microsoft shared\\ClickToRun\\OfficeClickToRun.exe\" /frequentupdate SCHEDULEDTASK displaylevel=False"),
    IMG("C:\\Users\\Public\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe", "Microsoft OneDrive", "Microsoft OneDrive", MS, "24.086.0428.0003", "OneDrive.exe", PK_EXPLORER, UC_USER, W_WKS, 5,
        "\"C:\\Users\\Public\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe\" /background",
        "\"C:\\Users\\Public\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe\" /updateInstalled /background"),
    IMG("C:\\Program Files\\WindowsApps\\MSTeams_24124.2315.2911.3357_x64__8wekyb3d8bbwe\\ms-teams.exe", "Microsoft Teams", "Microsoft Teams", MS, "24124.2315.2911.3357", "ms-teams.exe", PK_EXPLORER, UC_USER, W_WKS, 10,
        "\"C:\\Program Files\\WindowsApps\\MSTeams_24124.2315.2911.3357_x64__8wekyb3d8bbwe\\ms-teams.exe\" msteams:system-initiated",
        "\"C:\\Program Files\\WindowsApps\\MSTeams_24124.2315.2911.3357_x64__8wekyb3d8bbwe\\ms-teams.exe\" "),
    IMG("C:\\Program Files\\Microsoft VS Code\\Code.exe", "Visual Studio Code", "Visual Studio Code", MS, "1.89.1", "electron.exe", PK_EXPLORER, UC_USER, W_WKS, 8,
        "\"C:\\Program Files\\Microsoft VS Code\\Code.exe\" --type=renderer --user-data-dir=\"C:\\Users\\%u\\AppData\\Roaming\\Code\" --standard-schemes=vscode-webview,vscode-file --enable-sandbox --app-path=\"C:\\Program Files\\Microsoft VS Code\\resources\\app\" --renderer-client-id=%n --field-trial-handle=%n,i,%n,%n,262144 /prefetch:1",
        "\"C:\\Program Files\\Microsoft VS Code\\Code.exe\" \"C:\\Users\\%u\\src\\project%n\""),
    IMG("C:\\Program Files\\Git\\cmd\\git.exe", "Git for Windows", "Git", "The Git Development Community", "2.45.1.windows.1", "git.exe", PK_CMD, UC_USER, W_WKS, 6,
        "git.exe fetch origin --prune", "\"C:\\Program Files\\Git\\cmd\\git.exe\" status -z -uall", "git.exe log --oneline -n 20",
        "git.exe pull --rebase https://git." GEN_DNS_DOMAIN "/team%n/tools.git"),
    IMG("C:\\Program Files\\Python312\\python.exe", "Python", "Python", "Python Software Foundation", "3.12.3", "python.exe", PK_CMD, UC_USER, W_WKS, 4,
        "python.exe C:\\Users\\%u\\src\\tools\\report_%n.py --out C:\\Users\\%u\\Documents\\%f",
        "\"C:\\Program Files\\Python312\\python.exe\" -m pip list --outdated"),
    IMG("C:\\Program Files\\7-Zip\\7z.exe", "7-Zip Console", "7-Zip", "Igor Pavlov", "23.01", "7z.exe", PK_CMD, UC_USER, W_ANY, 2,
        "\"C:\\Program Files\\7-Zip\\7z.exe\" a -tzip \"C:\\Users\\%u\\Desktop\\archive_%n.zip\" \"C:\\Users\\%u\\Documents\\%f\"",
        "7z.exe x \"C:\\Users\\%u\\Downloads\\logs_%n.zip\" -oC:\\Temp\\logs"),
    IMG("C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunk-winevtlog.exe", "Splunk Windows Event Log Monitor", "splunk Application", "Splunk Inc.", "9.2.1", "splunk-winevtlog.exe", PK_SPLUNKD, UC_SYSTEM, W_ANY, 15,
        "\"C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunk-winevtlog.exe\""),
    IMG("C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunk-powershell.exe", "Splunk PowerShell Modular Input", "splunk Application", "Splunk Inc.", "9.2.1", "splunk-powershell.exe", PK_SPLUNKD, UC_SYSTEM, W_ANY, 6,
        "\"C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunk-powershell.exe\" --ps2"),
    IMG("C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunk-netmon.exe", "Splunk Network Monitor", "splunk Application", "Splunk Inc.", "9.2.1", "splunk-netmon.exe", PK_SPLUNKD, UC_SYSTEM, W_ANY, 6,
        "\"C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunk-netmon.exe\""),
    IMG("C:\\Program Files\\SplunkUniversalForwarder\\bin\\btool.exe", "Splunk btool", "splunk Application", "Splunk Inc.", "9.2.1", "btool.exe", PK_SPLUNKD, UC_SYSTEM, W_ANY, 4,
        "\"C:\\Program Files\\SplunkUniversalForwarder\\bin\\btool.exe\" --no-log server list"),
    IMG("C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunk-MonitorNoHandle.exe", "Splunk MonitorNoHandle", "splunk Application", "Splunk Inc.", "9.2.1", "splunk-MonitorNoHandle.exe", PK_SPLUNKD, UC_SYSTEM, W_ANY, 4,
        "\"C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunk-MonitorNoHandle.exe\""),
    IMG("C:\\Windows\\System32\\WerFault.exe", "Windows Problem Reporting", WIN, MS, V10, "WerFault.exe", PK_SVCHOST, UC_USER, W_ANY, 3,
        "C:\\Windows\\system32\\WerFault.exe -u -p %n -s %n", "C:\\Windows\\system32\\WerFault.exe -pss -s %n -p %n -ip %n"),
    IMG("C:\\Windows\\System32\\sihost.exe", "Shell Infrastructure Host", WIN, MS, V10, "sihost.exe", PK_SVCHOST, UC_USER, W_WKS, 2,
        "sihost.exe"),
    IMG("C:\\Windows\\System32\\ctfmon.exe", "CTF Loader", WIN, MS, V10, "CTFMON.EXE", PK_SVCHOST, UC_USER, W_WKS, 2,
        "\"ctfmon.exe\""),
    IMG("C:\\Windows\\System32\\userinit.exe", "Userinit Logon Application", WIN, MS, V10, "USERINIT.EXE", PK_SERVICES, UC_USER, W_ANY, 1,
        "C:\\Windows\\system32\\userinit.exe"),
    IMG("C:\\Windows\\System32\\LogonUI.exe", "Windows Logon User Interface Host", WIN, MS, V10, "logonui.exe", PK_SERVICES, UC_SYSTEM, W_ANY, 1,
        "\"LogonUI.exe\" /flags:0x2 /state0:0xa3b92855 /state1:0x41c64e6d"),
    IMG("C:\\Windows\\System32\\timeout.exe", "timeout - pauses command processing", WIN, MS, V10, "timeout.exe", PK_CMD, UC_USER, W_ANY, 2,
        "timeout /t %n /nobreak", "timeout  /t 30"),
    IMG("C:\\Windows\\System32\\findstr.exe", "Find String (QGREP) Utility", WIN, MS, V10, "findstr.exe", PK_CMD, UC_USER, W_ANY, 3,
        "findstr /i \"error\" C:\\Logs\\app_%n.log", "findstr  /s /m \"TODO\" *.cs"),
    IMG("C:\\Windows\\System32\\HOSTNAME.EXE", "Hostname APP", WIN, MS, V10, "hostname.exe", PK_CMD, UC_USER, W_ANY, 1,
        "hostname"),
    IMG("C:\\Windows\\System32\\systeminfo.exe", "Displays system information", WIN, MS, V10, "sysinfo.exe", PK_CMD, UC_USER, W_ANY, 1,
        "systeminfo /fo csv"),
    IMG("C:\\Windows\\System32\\Robocopy.exe", "Robust File Copy for Windows", WIN, MS, V10, "robocopy.exe", PK_CMD, UC_ADMIN, W_SRV, 2,
        "robocopy D:\\Data \\\\fs01\\backup\\%h /MIR /R:1 /W:1 /LOG:C:\\Logs\\robocopy_%n.log",
        "Robocopy.exe \"C:\\inetpub\\wwwroot\" \"\\\\fs02\\web\\%h\" /E /XO"),
    IMG("C:\\Windows\\System32\\vssvc.exe", "Microsoft\xc2\xae Volume Shadow Copy Service", WIN, MS, V10, "VSSVC.EXE", PK_SERVICES, UC_SYSTEM, W_SRV, 1,
        "C:\\Windows\\system32\\vssvc.exe"),
    IMG("C:\\Windows\\System32\\wermgr.exe", "Windows Problem Reporting", WIN, MS, V10, "wermgr.exe", PK_TASKSCHED, UC_SYSTEM, W_ANY, 2,
        "C:\\Windows\\system32\\wermgr.exe -upload", "C:\\Windows\\system32\\wermgr.exe -outproc 0 %n"),
    IMG("C:\\Windows\\System32\\CompatTelRunner.exe", "Microsoft Compatibility Telemetry", WIN, MS, V10, "CompatTelRunner.exe", PK_TASKSCHED, UC_SYSTEM, W_ANY, 3,
        "C:\\Windows\\system32\\compattelrunner.exe -m:appraiser.dll -f:DoScheduledTelemetryRun -cv:%x.%n",
        "C:\\Windows\\system32\\CompatTelRunner.exe -m:invagent.dll -f:RunUpdate -cv:%x.%n"),
    IMG("C:\\Windows\\System32\\sppsvc.exe", "Microsoft Software Protection Platform Service", WIN, MS, V10, "sppsvc.exe", PK_SERVICES, UC_NETSVC, W_ANY, 2,
        "C:\\Windows\\system32\\sppsvc.exe"),
    IMG("C:\\Windows\\System32\\TrustedInstaller.exe", "Windows Modules Installer", WIN, MS, V10, "TrustedInstaller.exe", PK_SERVICES, UC_SYSTEM, W_ANY, 1,
        "C:\\Windows\\servicing\\TrustedInstaller.exe"),
    IMG("C:\\Windows\\System32\\audiodg.exe", "Windows Audio Device Graph Isolation", WIN, MS, V10, "AUDIODG.EXE", PK_SVCHOST, UC_LOCALSVC, W_WKS, 3,
        "C:\\Windows\\system32\\AUDIODG.EXE 0x%x"),
    IMG("C:\\Windows\\System32\\fontdrvhost.exe", "Usermode Font Driver Host", WIN, MS, V10, "fontdrvhost.exe", PK_USERINIT, UC_USER, W_ANY, 1,
        "\"fontdrvhost.exe\""),
    IMG("C:\\Windows\\System32\\wsqmcons.exe", "Windows SQM Consolidator", WIN, MS, V10, "wsqmcons.exe", PK_TASKSCHED, UC_SYSTEM, W_ANY, 1,
        "C:\\Windows\\System32\\wsqmcons.exe"),
    IMG("C:\\Windows\\System32\\dsregcmd.exe", "DSREG commandline extension", WIN, MS, V10, "dsregcmd.exe", PK_TASKSCHED, UC_SYSTEM, W_WKS, 1,
        "C:\\Windows\\system32\\dsregcmd.exe $(Arg0) $(Arg1) $(Arg2)"),
    IMG("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell_ise.exe", "Windows PowerShell ISE", WIN, MS, V10, "powershell_ise.EXE", PK_EXPLORER, UC_ADMIN, W_SRV, 1,
        "\"C:\\Windows\\system32\\WindowsPowerShell\\v1.0\\PowerShell_ISE.exe\" C:\\Scripts\\Deploy-Site%n.ps1"),
    IMG("C:\\Windows\\System32\\mstsc.exe", "Remote Desktop Connection", WIN, MS, V10, "mstsc.exe", PK_EXPLORER, UC_USER, W_WKS, 2,
        "\"C:\\Windows\\system32\\mstsc.exe\" /v:%h." GEN_DNS_DOMAIN, "\"C:\\Windows\\system32\\mstsc.exe\" \"C:\\Users\\%u\\Desktop\\jump.rdp\""),
};

/* Vendors and products for the synthesized executables under Program Files. */
static const struct { const char *company, *dir, *product, *exe; } vendors[] = {
    {"Adobe Inc.", "Adobe\\Acrobat DC\\Acrobat", "Adobe Acrobat", "Acrobat"},
    {"Citrix Systems, Inc.", "Citrix\\ICA Client", "Citrix Workspace", "wfica32"},
    {"VMware, Inc.", "VMware\\VMware Tools", "VMware Tools", "vmtoolsd"},
    {"Cisco Systems, Inc.", "Cisco\\Cisco Secure Client", "Cisco Secure Client", "csc_ui"},
    {"Dell Inc.", "Dell\\CommandUpdate", "Dell Command | Update", "dcu-cli"},
    {"HP Inc.", "HP\\HP Support Framework", "HP Support Assistant", "HPSF"},
    {"Intel Corporation", "Intel\\Intel(R) Management Engine Components\\LMS", "Intel(R) Management Engine", "LMS"},
    {"NVIDIA Corporation", "NVIDIA Corporation\\NVIDIA app", "NVIDIA app", "nvcontainer"},
    {"Zoom Video Communications, Inc.", "Zoom\\bin", "Zoom", "Zoom"},
    {"Notepad++ Team", "Notepad++", "Notepad++", "notepad++"},
    {"win.rar GmbH", "WinRAR", "WinRAR", "WinRAR"},
    {"Fortinet Inc", "Fortinet\\FortiClient", "FortiClient", "FortiTray"},
    {"Sophos Limited", "Sophos\\Endpoint Agent", "Sophos Endpoint Agent", "SophosUI"},
    {"CrowdStrike, Inc.", "CrowdStrike", "CrowdStrike Falcon Sensor", "CSFalconContainer"},
    {"Veeam Software Group GmbH", "Veeam\\Endpoint Backup", "Veeam Agent for Microsoft Windows", "Veeam.EndPoint.Tray"},
    {"Tanium Inc.", "Tanium\\Tanium Client", "Tanium Client", "TaniumClient"},
    {"Qualys, Inc.", "Qualys\\QualysAgent", "Qualys Cloud Agent", "QualysAgent"},
    {"Rapid7 LLC", "Rapid7\\Insight Agent", "Rapid7 Insight Agent", "ir_agent"},
    {"JetBrains s.r.o.", "JetBrains\\IntelliJ IDEA 2024.1\\bin", "IntelliJ IDEA", "idea64"},
    {"Oracle Corporation", "Java\\jre-1.8\\bin", "Java(TM) Platform SE 8", "javaw"},
    {"Docker Inc.", "Docker\\Docker", "Docker Desktop", "Docker Desktop"},
    {"Postman, Inc.", "Postman", "Postman", "Postman"},
    {"Dominik Reichl", "KeePass Password Safe 2", "KeePass", "KeePass"},
    {"Simon Tatham", "PuTTY", "PuTTY suite", "putty"},
    {"Martin Prikryl", "WinSCP", "WinSCP", "WinSCP"},
    {"TeamViewer Germany GmbH", "TeamViewer", "TeamViewer", "TeamViewer"},
    {"Slack Technologies, LLC", "Slack", "Slack", "slack"},
    {"Microsoft Corporation", "Microsoft Power BI Desktop\\bin", "Microsoft Power BI Desktop", "PBIDesktop"},
    {"Cisco Webex LLC", "Webex\\Webex\\Applications", "Webex", "ptoneclk"},
    {"Logitech, Inc.", "Logitech\\LogiOptionsPlus", "Logi Options+", "logioptionsplus_agent"},
    {"Realtek Semiconductor", "Realtek\\Audio\\HDA", "Realtek HD Audio", "RtkAudUService64"},
    {"Microsoft Corporation", "Microsoft SQL Server Management Studio 19\\Common7\\IDE", "SQL Server Management Studio", "Ssms"},
    {"Wireshark Foundation", "Wireshark", "Wireshark", "Wireshark"},
    {"The Document Foundation", "LibreOffice\\program", "LibreOffice", "soffice"},
    {"Igor Pavlov", "7-Zip", "7-Zip", "7zFM"},
    {"Microsoft Corporation", "Microsoft Visual Studio\\2022\\Professional\\Common7\\IDE", "Microsoft Visual Studio", "devenv"},
    {"Node.js", "nodejs", "Node.js", "node"},
    {"GitHub, Inc.", "GitHub Desktop", "GitHub Desktop", "GitHubDesktop"},
    {"Greenshot", "Greenshot", "Greenshot", "Greenshot"},
    {"Lenovo", "Lenovo\\Vantage\\Service", "Lenovo Vantage Service", "LenovoVantageService"},
};
static const struct { const char *suffix, *desc, *args; int user; } roles[] = {
    {"", "", "\"%p\" ", UC_USER},
    {"Updater", " Updater", "\"%p\" /silent /checknow", UC_SYSTEM},
    {"Helper", " Helper", "\"%p\" --type=helper --pid=%n", UC_USER},
    {"Service", " Service", "\"%p\" -service", UC_SYSTEM},
    {"Agent", " Agent", "\"%p\" --background --log-level=info", UC_SYSTEM},
    {"Crash", " Crash Reporter", "\"%p\" --database=\"C:\\ProgramData\\crash\\%x\" --monitor-self", UC_USER},
    {"Setup", " Setup", "\"%p\" /S /upgrade /log=\"C:\\Windows\\Temp\\%t\"", UC_SYSTEM},
};

static const char *const first_names[] = {
    "james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda", "william",
    "elizabeth", "david", "barbara", "richard", "susan", "joseph", "jessica", "thomas", "sarah",
    "charles", "karen", "daniel", "nancy", "matthew", "lisa", "anthony", "betty", "mark", "sandra",
    "paul", "ashley", "steven", "kimberly", "andrew", "emily", "kenneth", "donna", "joshua",
    "michelle", "kevin", "carol", "brian", "amanda", "george", "melissa", "timothy", "deborah",
};
static const char *const last_names[] = {
    "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez",
    "martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor",
    "moore", "jackson", "martin", "lee", "perez", "thompson", "white", "harris", "sanchez",
    "clark", "ramirez", "lewis", "robinson", "walker", "young", "allen", "king", "wright", "scott",
    "torres", "nguyen", "hill", "flores", "green", "adams", "nelson", "baker", "hall", "rivera",
};
static const char *const depts[] = {"FIN", "HR", "ENG", "SLS", "MKT", "OPS", "IT", "LEG"};

static void hex_upper(char *out, int n, uint64_t *st)
{
    static const char hx[] = "0123456789ABCDEF";
    uint64_t r = 0;
    for (int i = 0; i < n; i++) {
        if (i % 16 == 0) r = gen_rand(st);
        out[i] = hx[r & 15];
        r >>= 4;
    }
    out[n] = 0;
}

static char *own(gen_world *w, char *s)
{
    if (w->nowned < (int)(sizeof w->owned / sizeof w->owned[0])) w->owned[w->nowned++] = s;
    return s;
}

static char *dupf(gen_world *w, const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (!s) abort();
    snprintf(s, n, "%s%s%s", a, b, c);
    return own(w, s);
}

static void build_images(gen_world *w, uint64_t seed)
{
    int nb = (int)(sizeof builtin_images / sizeof builtin_images[0]);
    int nv = (int)(sizeof vendors / sizeof vendors[0]);
    int nr = (int)(sizeof roles / sizeof roles[0]);
    int want = 300;
    w->images = calloc((size_t)want, sizeof *w->images);
    w->img_cum = calloc((size_t)want, sizeof *w->img_cum);
    if (!w->images || !w->img_cum) abort();
    memcpy(w->images, builtin_images, sizeof builtin_images);
    int n = nb;
    uint64_t st = seed ^ 0x5151;
    /* Vendor x role until 300 executables (each vendor gets its main program
     * first, then updaters, helpers, ...). */
    for (int r = 0; r < nr && n < want; r++) {
        for (int v = 0; v < nv && n < want; v++) {
            size_t el = strlen(vendors[v].exe), sl = strlen(roles[r].suffix);
            if (sl && el >= sl && !strcmp(vendors[v].exe + el - sl, roles[r].suffix)) continue; /* no AgentAgent */
            gen_image *im = &w->images[n++];
            const char *pf = (v % 3 == 0) ? "C:\\Program Files (x86)\\" : "C:\\Program Files\\";
            char *dir = dupf(w, pf, vendors[v].dir, "\\");
            char *path = dupf(w, dir, vendors[v].exe, "");
            path = dupf(w, path, roles[r].suffix, ".exe");
            im->path = path;
            im->desc = dupf(w, vendors[v].product, roles[r].desc, "");
            im->product = vendors[v].product;
            im->company = vendors[v].company;
            char ver[32];
            snprintf(ver, sizeof ver, "%d.%d.%d.%d", (int)(gen_rand(&st) % 30 + 1),
                     (int)(gen_rand(&st) % 12), (int)(gen_rand(&st) % 9000), (int)(gen_rand(&st) % 500));
            im->version = dupf(w, ver, "", "");
            const char *base = strrchr(path, '\\') + 1;
            im->orig = base;
            im->cmds[0] = roles[r].args;
            im->parent = roles[r].user == UC_SYSTEM ? PK_SERVICES : PK_EXPLORER;
            im->user = roles[r].user;
            im->where = roles[r].user == UC_USER ? W_WKS : W_ANY;
            im->weight = (int)(gen_rand(&st) % 4) + (r == 0 ? 2 : 1);
        }
    }
    w->nimages = n;
    /* Fake but stable hashes: a function of the path and the seed. */
    for (int i = 0; i < n; i++) {
        uint64_t hs = seed;
        for (const char *p = w->images[i].path; *p; p++) hs = hs * 131 + (unsigned char)*p;
        char sha1[41], md5[33], sha256[65], imp[33];
        hex_upper(sha1, 40, &hs);
        hex_upper(md5, 32, &hs);
        hex_upper(sha256, 64, &hs);
        hex_upper(imp, 32, &hs);
        size_t len = 200;
        char *h = malloc(len);
        if (!h) abort();
        snprintf(h, len, "SHA1=%s,MD5=%s,SHA256=%s,IMPHASH=%s", sha1, md5, sha256, imp);
        w->images[i].hashes = own(w, h);
    }
}

static void build_users(gen_world *w, uint64_t seed)
{
    uint64_t st = seed ^ 0xabcdef;
    int nf = (int)(sizeof first_names / sizeof first_names[0]);
    int nl = (int)(sizeof last_names / sizeof last_names[0]);
    w->nusers = 0;
    w->nadmins = 0;
    unsigned dom1 = 1000000000u + (unsigned)(gen_rand(&st) % 1000000000u);
    unsigned dom2 = 1000000000u + (unsigned)(gen_rand(&st) % 1000000000u);
    unsigned dom3 = 1000000000u + (unsigned)(gen_rand(&st) % 1000000000u);
    while (w->nusers < 200) {
        gen_user *u = &w->users[w->nusers];
        const char *f = first_names[gen_rand(&st) % (uint64_t)nf];
        const char *l = last_names[gen_rand(&st) % (uint64_t)nl];
        if (w->nusers < 12) snprintf(u->sam, sizeof u->sam, "adm-%c%s", f[0], l);
        else snprintf(u->sam, sizeof u->sam, "%c%s", f[0], l);
        int dup = 0;
        for (int i = 0; i < w->nusers; i++)
            if (!strcmp(w->users[i].sam, u->sam)) dup = 1;
        if (dup) continue;
        snprintf(u->sid, sizeof u->sid, "S-1-5-21-%u-%u-%u-%d", dom1, dom2, dom3, 1104 + w->nusers);
        if (w->nusers < 12) w->admins[w->nadmins++] = w->nusers;
        w->nusers++;
    }
}

static void build_hosts(gen_world *w, uint64_t seed)
{
    uint64_t st = seed ^ 0x1234567;
    static const struct { const char *name; int kind; } servers[] = {
        {"WEB-01", W_IIS}, {"WEB-02", W_IIS}, {"WEB-03", W_IIS}, {"WEB-04", W_IIS},
        {"DC01", W_DC}, {"DC02", W_DC}, {"SQL-01", W_SQL}, {"SQL-02", W_SQL},
        {"EXCH-01", W_IIS}, {"FS01", W_SRV}, {"FS02", W_SRV}, {"APP-01", W_SRV},
        {"APP-02", W_SRV}, {"JUMP-01", W_SRV}, {"PRINT-01", W_SRV},
    };
    int ns = (int)(sizeof servers / sizeof servers[0]);
    w->nhosts = 50;
    w->niis = 0;
    for (int i = 0; i < w->nhosts; i++) {
        gen_host *h = &w->hosts[i];
        memset(h, 0, sizeof *h);
        if (i < ns) {
            snprintf(h->name, sizeof h->name, "%s", servers[i].name);
            h->kind = servers[i].kind;
            h->primary_user = w->admins[gen_rand(&st) % (uint64_t)w->nadmins];
            snprintf(h->ip, sizeof h->ip, "10.10.1.%d", 10 + i);
            if (h->kind == W_IIS && w->niis < 8) w->iis_hosts[w->niis++] = i;
        } else {
            snprintf(h->name, sizeof h->name, "WKS-%s-%03d", depts[i % 8], (int)(gen_rand(&st) % 900 + 100));
            h->kind = W_WKS;
            h->primary_user = 12 + (int)(gen_rand(&st) % (uint64_t)(w->nusers - 12));
            snprintf(h->ip, sizeof h->ip, "10.20.%d.%d", (int)(gen_rand(&st) % 8), (int)(gen_rand(&st) % 250 + 2));
        }
        size_t nl = strlen(h->name);
        memcpy(h->fqdn, h->name, nl);
        snprintf(h->fqdn + nl, sizeof h->fqdn - nl, ".%s", GEN_DNS_DOMAIN);
        snprintf(h->guid8, sizeof h->guid8, "%08x", (unsigned)(gen_rand(&st) & 0xffffffffu));
        h->sysmon_pid = (unsigned)(gen_rand(&st) % 4000 + 500) * 4;
        h->record = 1000 + gen_rand(&st) % 500000;
        h->sec_record = 100000 + gen_rand(&st) % 5000000;
        h->iis_record = 1 + gen_rand(&st) % 2000;
    }
}

void gen_data_init(gen_world *w, uint64_t seed)
{
    memset(w, 0, sizeof *w);
    build_images(w, seed);
    build_users(w, seed);
    build_hosts(w, seed);
    uint64_t cum = 0;
    for (int i = 0; i < w->nimages; i++) {
        cum += (uint64_t)w->images[i].weight;
        w->img_cum[i] = cum;
    }
    w->img_total = cum;
}

void gen_data_free(gen_world *w)
{
    for (int i = 0; i < w->nowned; i++) free(w->owned[i]);
    free(w->images);
    free(w->img_cum);
    memset(w, 0, sizeof *w);
}
