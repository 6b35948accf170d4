#!/usr/bin/env bash
# tests/cli/sigma_t1505_data.sh: the ten Sigma rules that seed 001 lists for
# T1505.004 (SigmaHQ's four iis-configuration rules and its IIS module
# registration rule, mdecrevoisier's five windows-iis rules), converted with
# the shipped mappings and searched over the whole T1505.004 manifest: each
# returns the rows the scenario in datasets/README.md holds, and the benign
# look-alikes stay out. Skips (77) without ../shared/corpus/sigma or without
# datamodels/sigma.
set -u
splite=$(realpath "$1")
sig=../shared/corpus/sigma
[ -d "$sig/SigmaHQ/rules/windows" ] && [ -d "$sig/mdecrevoisier/windows-iis" ] || { echo "skip: $sig not found"; exit 77; }
[ -d datamodels/sigma ] || { echo "skip: datamodels/sigma (the Sigma logsource mappings) not found"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/t.db"
"$splite" --db "$db" replay datasets/attack_techniques/T1505.004/manifest.yml >/dev/null 2>&1 || fail "replay"

hq=$sig/SigmaHQ/rules/windows
md=$sig/mdecrevoisier/windows-iis
# rows rule-file
cat >"$tmp/rules" <<EOF
1 $hq/builtin/iis-configuration/win_iis_logging_etw_disabled.yml
4 $hq/builtin/iis-configuration/win_iis_logging_http_disabled.yml
6 $hq/builtin/iis-configuration/win_iis_module_added.yml
2 $hq/builtin/iis-configuration/win_iis_module_removed.yml
6 $hq/process_creation/proc_creation_win_iis_susp_module_registration.yml
1 $md/win-iis-web module loaded (PowerShell).yaml
22 $md/win-iis-web module loaded - appcmd (command).yaml
6 $md/win-iis-web module loaded - gacutil (command).yaml
2 $md/win-iis-web module loaded via GAC manipulation (PowerShell).yaml
21 $md/win-iis-web server configuration file changed (SYSMON).yaml
EOF
i=0
while read -r want rule; do
    i=$((i + 1))
    [ -f "$rule" ] || fail "$rule: not found"
    "$splite" sigma convert "$rule" >"$tmp/spl" 2>"$tmp/err" || fail "convert $rule: $(cat "$tmp/err")"
    "$splite" --db "$db" search --format jsonl "$(cat "$tmp/spl")" >"$tmp/out$i" 2>"$tmp/err" || fail "search $rule: $(cat "$tmp/err")"
    got=$(wc -l <"$tmp/out$i")
    [ "$got" = "$want" ] || fail "$(basename "$rule"): $got rows, want $want: $(cat "$tmp/out$i")"
done <"$tmp/rules"

# ETW: web-01's site loses ETW; web-02's site defaults gaining it do not match
grep -q '"host":"web-01.corp.example".*"OldValue":"File,ETW","NewValue":"File"' "$tmp/out1" || fail "etw: $(cat "$tmp/out1")"
# HTTP logging: the four dontLog=true changes on web-01; web-02's dontLog=false does not match
[ "$(grep -c '"host":"web-01.corp.example".*"NewValue":"true"' "$tmp/out2")" = 4 ] || fail "http: $(cat "$tmp/out2")"
# module added: the intruder's modules and URL Rewrite; not the built-in StaticCompressionModule
# (web-02, IIS setup) nor the element events without a NewValue
for m in SrvCacheHelper WebAuthExt HttpCacheCompat RewriteModule; do
    grep -q "\"NewValue\":\"$m\"" "$tmp/out3" || fail "module added: no $m: $(cat "$tmp/out3")"
done
grep -q 'StaticCompressionModule' "$tmp/out3" && fail "module added: the built-in StaticCompressionModule matched"
grep -q '"NewValue":""' "$tmp/out3" && fail "module added: an empty NewValue matched"
# module removed: HttpLoggingModule taken out of Default Web Site
[ "$(grep -c "modules/remove\[@name='HttpLoggingModule'\]" "$tmp/out4")" = 2 ] || fail "module removed: $(cat "$tmp/out4")"
# registration: only the commands w3wp.exe starts (Sysmon 1 and 4688 of each); not its csc.exe
grep -q 'csc.exe' "$tmp/out5" && fail "registration: w3wp's csc.exe matched"
[ "$(grep -c '"EventCode":"1"' "$tmp/out5")" = 3 ] && [ "$(grep -c '"EventCode":"4688"' "$tmp/out5")" = 3 ] || fail "registration: $(cat "$tmp/out5")"
# applicationHost.config: not the configuration history copies nor the schema file
grep -q 'CFGHISTORY\|rewrite_schema' "$tmp/out10" && fail "applicationHost.config rule matched a look-alike"
echo ok
