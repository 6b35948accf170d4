#!/usr/bin/env bash
# tests/cli/tstats_real.sh: the data models on real Windows logs. Loads
# ../shared/datasets/real (XmlWinEventLog files with their manifests; skipped
# when absent) and checks that tstats over Endpoint.Processes / Registry /
# Filesystem, Network_Traffic, Network_Resolution.DNS and Authentication
# selects exactly the events of the sources the data models name (counted with
# plain searches), that the key CIM fields are filled for them (no "unknown"),
# and that one real Sysmon process event maps field by field.
set -u
splite=$1
root=$PWD
real="$root/../shared/datasets/real"
[ -d "$real" ] || { echo "../shared/datasets/real not found: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SPLITE_HOME=$root TZ=UTC
db="$tmp/real.db"
fail() { echo "FAIL: $*"; exit 1; }
s() { "$splite" --db "$db" search --format csv "$1" 2>"$tmp/err" | tail -n +2 | tr -d "\"" || fail "search failed: $1: $(cat "$tmp/err")"; }
count() { local v; v=$(s "$1"); [ -n "$v" ] || fail "no count for: $1 ($(cat "$tmp/err"))"; echo "$v"; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"; echo "ok: $3 ($1)"; }

"$splite" --db "$db" replay "$real"/*/manifest.yml >/dev/null 2>"$tmp/err" || fail "replay: $(cat "$tmp/err")"

sys='source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"'
sec='source="XmlWinEventLog:Security"'

# which events each data set takes
n=$(count "$sys EventCode=1 | stats count"); m=$(count "$sec EventCode=4688 | stats count")
expect_eq "$(count '| tstats count from datamodel=Endpoint.Processes')" "$((n + m))" "Endpoint.Processes = Sysmon 1 + Security 4688"
expect_eq "$(count '| tstats count from datamodel=Endpoint.Registry')" "$(count "$sys EventCode IN (12, 13, 14) | stats count")" "Endpoint.Registry = Sysmon 12/13/14"
expect_eq "$(count '| tstats count from datamodel=Endpoint.Filesystem')" "$(count "$sys EventCode IN (11, 23, 26) | stats count")" "Endpoint.Filesystem = Sysmon 11/23/26"
expect_eq "$(count '| tstats count from datamodel=Network_Traffic.All_Traffic')" "$(count "$sys EventCode=3 | stats count")" "Network_Traffic = Sysmon 3"
expect_eq "$(count '| tstats count from datamodel=Network_Resolution')" "$(count "$sys EventCode=22 | stats count")" "Network_Resolution.DNS = Sysmon 22"
a=$(count "$sec EventCode IN (4624, 4625) | stats count"); c=$(count "$sec EventCode=4624 TargetUserName=\"*\$\" | stats count")
expect_eq "$(count '| tstats count from datamodel=Authentication')" "$((a - c))" "Authentication = 4624/4625 without computer-account successes"
expect_eq "$(count '| tstats count from datamodel=Authentication.Failed_Authentication')" "$(count "$sec EventCode=4625 | stats count")" "Failed_Authentication = 4625"

# key fields are filled
expect_eq "$(count '| tstats count from datamodel=Endpoint.Processes where Processes.process_name=unknown OR Processes.dest=unknown OR Processes.process=unknown OR Processes.process_path=unknown')" 0 "Processes: process_name, dest, process, process_path filled"
expect_eq "$(count '| tstats count from datamodel=Endpoint.Registry where Registry.registry_path=unknown OR Registry.action=unknown OR Registry.dest=unknown OR Registry.process_name=unknown')" 0 "Registry: registry_path, action, dest, process_name filled"
expect_eq "$(count '| tstats count from datamodel=Endpoint.Filesystem where Filesystem.file_name=unknown OR Filesystem.file_path=unknown OR Filesystem.dest=unknown')" 0 "Filesystem: file_name, file_path, dest filled"
expect_eq "$(count '| tstats count from datamodel=Network_Traffic.All_Traffic where All_Traffic.dest_ip=unknown OR All_Traffic.dest_port=0 OR All_Traffic.src=unknown OR All_Traffic.transport=unknown')" 0 "Network_Traffic: dest_ip, dest_port, src, transport filled"
expect_eq "$(count '| tstats count from datamodel=Network_Resolution.DNS where DNS.query=unknown')" 0 "DNS: query filled"
expect_eq "$(count '| tstats count from datamodel=Authentication where Authentication.user=unknown OR Authentication.dest=unknown OR Authentication.action=unknown')" 0 "Authentication: user, dest, action filled"

# one Sysmon process creation, field by field: the plain event against tstats
row=$(s "$sys EventCode=1 | head 1 | eval name=mvindex(split(Image, \"\\\\\"), -1) | table Computer ProcessId name ParentProcessId")
[ -n "$row" ] || fail "no Sysmon 1 event in the real data"
IFS=, read -r comp pid name ppid <<<"$row"
got=$(s "| tstats count from datamodel=Endpoint.Processes where Processes.dest=\"$comp\" Processes.process_id=$pid by Processes.process_name Processes.parent_process_id | fields Processes.process_name Processes.parent_process_id")
expect_eq "$(head -1 <<<"$got")" "$name,$ppid" "Sysmon 1 on $comp pid $pid: process_name and parent_process_id"
echo "all real-data checks passed"
