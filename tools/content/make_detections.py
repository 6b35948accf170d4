#!/usr/bin/env python3
"""make_detections.py: writes splite's own T1505.004 detection, deployment and
macro YAML files. Facts (search strings, scores, observables, messages, test
dataset URLs, macro definitions) are read from a security_content checkout given
as argv[1]; all prose (descriptions, how_to_implement, known_false_positives) is
our own and lives in this file. Output goes to the repository root (argv[2])."""
import os, sys, uuid, yaml

CORPUS, OUT = sys.argv[1], sys.argv[2]
DATE = '2026-11-26'
AUTHOR = 'splite project'

PROSE = {
 'windows_iis_components_add_new_module': dict(
  description='Finds appcmd.exe being used to register a native module with IIS: a command line that '
   'asks appcmd to install a module and names a DLL image. Native modules load into every IIS worker '
   'process and see every request, which makes them a favoured place for web backdoors and '
   'credential skimmers. Runs started by Windows Installer or the IIS setup helper are left out, '
   'because product installs register their modules that way.',
  how_to_implement='Needs process creation telemetry with full command lines (Sysmon event 1, Security '
   'event 4688 with command-line auditing turned on, or an EDR feed) normalised into the Processes '
   'dataset of the Endpoint data model, including parent process name and original file name.',
  known_false_positives='Administrators and deployment tooling that add modules by hand with appcmd '
   'will show up here. Compare the module image path with what the change ticket says and tune the '
   'filter macro for known deployment hosts or accounts.'),
 'windows_server_software_component_gacutil_install_to_gac': dict(
  description='Flags gacutil.exe runs whose command line uses the install switch (/i or -i). Putting an '
   'assembly in the Global Assembly Cache makes it loadable by name from any .NET process on the '
   'machine, which is how managed IIS modules are usually staged before they are registered with the '
   'web server.',
  how_to_implement='Collect process creation events with command lines (Sysmon event 1, Security event '
   '4688 or EDR) and map them to the Endpoint.Processes data model dataset.',
  known_false_positives='gacutil ships with the .NET SDK, so build servers and developer machines may '
   'run it routinely. On production web servers it is rare; exclude known build hosts through the '
   'filter macro.'),
 'windows_iis_components_get_webglobalmodule_module_query': dict(
  description='Hunting search over a scheduled inventory of IIS global modules (the output of '
   'Get-WebGlobalModule collected by a PowerShell scripted input). It lists every module name and '
   'DLL image per server so that an analyst can spot a module that exists on only one host or '
   'loads from an unusual directory.',
  how_to_implement='Deploy a PowerShell scripted input on the IIS servers that runs Get-WebGlobalModule '
   'on a schedule and writes each module as name/image/preCondition key-value pairs with sourcetype '
   'Pwsh:InstalledIISModules.',
  known_false_positives='Every installed module is returned, legitimate ones included; this is an '
   'inventory to review, not an alert.'),
 'windows_disable_windows_event_logging_disable_http_logging': dict(
  description='Looks for appcmd.exe command lines that touch the httpLogging section or change '
   'configuration with "set config", in particular setting dontLog to true. Turning off IIS request '
   'logging removes the access log trail that would otherwise show a web shell or module backdoor '
   'being used. Installer-driven runs (msiexec.exe, iissetup.exe as parent) are excluded.',
  how_to_implement='Requires process creation events with command lines (Sysmon event 1, Security '
   'event 4688 or EDR) mapped to Endpoint.Processes.',
  known_false_positives='The "set config" pattern is broad: ordinary configuration changes made with '
   'appcmd by administrators or scripts also match. Review the command line and filter known '
   'maintenance accounts or parents.'),
 'windows_powershell_add_module_to_global_assembly_cache': dict(
  description='Finds PowerShell script blocks that reference the '
   'System.EnterpriseServices.Internal.Publish class. Its GacInstall method puts an assembly into the '
   'Global Assembly Cache without gacutil being present, a technique seen when attackers stage managed '
   'IIS modules.',
  how_to_implement='Turn on PowerShell script block logging (event 4104 in '
   'Microsoft-Windows-PowerShell/Operational) and forward that channel.',
  known_false_positives='Some installers and in-house deployment scripts use the Publish class to '
   'register assemblies. Confirm the DLL and the account, then filter the known scripts.'),
 'windows_iis_components_new_module_added': dict(
  description='Reports committed IIS configuration changes (event 29 of the IIS configuration '
   'operational log), which include the addition of global and site modules. A module entry that '
   'appears outside a planned change is a strong sign of a native or managed IIS backdoor.',
  how_to_implement='Enable the Microsoft-IIS-Configuration/Operational channel on the web servers and '
   'collect it with sourcetype IIS:Configuration:Operational.',
  known_false_positives='Every committed change is reported, so product updates and administrators '
   'editing the server configuration will appear. Review the configuration path in the message.'),
 'windows_powershell_disable_http_logging': dict(
  description='Finds PowerShell script blocks that read or write IIS logging settings with '
   'Get-WebConfigurationProperty or Set-ItemProperty, name the httpLogging section or the site '
   'logFile.enabled property, and carry a dontLog or false value. Together these describe switching '
   'request logging off, which attackers do to hide use of a web backdoor.',
  how_to_implement='Requires PowerShell script block logging (event 4104) from the IIS servers.',
  known_false_positives='Administrators auditing or tuning logging can produce the same keywords. A '
   'script that only calls Set-WebConfigurationProperty without any of the listed cmdlets is not '
   'caught; pair this search with the IIS configuration log.'),
 'windows_powershell_iis_components_webglobalmodule_usage': dict(
  description='Flags PowerShell script blocks that call New-WebGlobalModule, Enable-WebGlobalModule or '
   'Set-WebGlobalModule, the WebAdministration cmdlets that register or change IIS global modules. '
   'They offer the same result as appcmd.exe without starting a separate process.',
  how_to_implement='Requires PowerShell script block logging (event 4104) from the IIS servers.',
  known_false_positives='Server build scripts and administrators managing modules use these cmdlets. '
   'Check the module image against the expected software and filter approved automation.'),
 'windows_iis_components_module_failed_to_load': dict(
  description='Reports IIS worker process event 2282 in the Application log: a module DLL named in the '
   'configuration could not be loaded, for example because it was built for the wrong processor '
   'architecture. Attackers testing a module backdoor often cause this error before they get it '
   'working, and a failing unknown DLL deserves a look.',
  how_to_implement='Collect the Windows Application event log from the IIS servers (XML rendering).',
  known_false_positives='Broken or half-removed legitimate modules raise the same error until they are '
   'fixed; review and filter them once resolved.'),
}

def main():
    det_dir = os.path.join(OUT, 'detections', 'endpoint')
    os.makedirs(det_dir, exist_ok=True)
    for base, prose in PROSE.items():
        src = yaml.safe_load(open(os.path.join(CORPUS, 'detections', 'endpoint', base + '.yml')))
        t = src['tags']
        tags = {
            'analytic_story': t['analytic_story'],
            'asset_type': t['asset_type'],
            'confidence': t['confidence'],
            'impact': t['impact'],
            'message': t['message'],
            'mitre_attack_id': t['mitre_attack_id'],
            'observable': t['observable'],
            'product': t['product'],
            'required_fields': t['required_fields'],
            'risk_score': t['risk_score'],
            'security_domain': t['security_domain'],
        }
        tests = []
        for tc in src['tests']:
            tests.append({'name': tc['name'], 'attack_data': [
                {'data': a['data'].strip(), 'source': a['source'], 'sourcetype': a['sourcetype'],
                 'update_timestamp': a.get('update_timestamp', True)} for a in tc['attack_data']]})
        path = os.path.join(det_dir, base + '.yml')
        old_id = None
        if os.path.exists(path):   # keep our id stable across regenerations
            old_id = yaml.safe_load(open(path)).get('id')
        doc = {
            'name': src['name'],
            'id': old_id or str(uuid.uuid4()),
            'version': 1,
            'date': DATE,
            'author': AUTHOR,
            'status': 'production',
            'type': src['type'],
            'description': prose['description'],
            'data_source': src['data_source'],
            'search': src['search'],
            'how_to_implement': prose['how_to_implement'],
            'known_false_positives': prose['known_false_positives'],
            'references': src['references'],
            'tags': tags,
            'tests': tests,
        }
        assert doc['id'] != src['id']
        with open(path, 'w') as f:
            yaml.safe_dump(doc, f, sort_keys=False, width=100000, allow_unicode=True)

if __name__ == '__main__':
    main()
