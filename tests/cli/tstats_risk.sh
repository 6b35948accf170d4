#!/usr/bin/env bash
# tests/cli/tstats_risk.sh: Risk.All_Risk reads the risk table `splite run`
# writes (empty before any run, not an error), and the SQL keeps plain
# indexed columns for filters no alias touches (sourcetype=, source=).
set -u
splite=$1
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SPLITE_HOME=$root TZ=UTC
db="$tmp/t.db"
fail() { echo "FAIL: $*"; exit 1; }
data="$root/datasets/attack_techniques/T1505.004/appcmd_install-windows-sysmon.log"
det="$root/detections/endpoint/windows_iis_components_add_new_module.yml"
[ -f "$data" ] && [ -f "$det" ] || fail "missing $data or $det"

"$splite" --db "$db" ingest --quiet "$data" 2>"$tmp/err" || fail "ingest: $(cat "$tmp/err")"
out=$("$splite" --db "$db" search --format jsonl '| tstats count from datamodel=Risk.All_Risk' 2>&1)
[ "$out" = '{"count":0}' ] || fail "before any run: $out"

"$splite" --db "$db" run --all-time "$det" >/dev/null 2>"$tmp/err" || fail "run: $(cat "$tmp/err")"
out=$("$splite" --db "$db" search --format jsonl '| tstats count sum(All_Risk.risk_score) as score from datamodel=Risk.All_Risk by All_Risk.risk_object_type All_Risk.risk_object' 2>&1)
exp='{"All_Risk.risk_object_type":"system","All_Risk.risk_object":"web-01.corp.example","count":2,"score":128}
{"All_Risk.risk_object_type":"user","All_Risk.risk_object":"CORP\\adm.okafor","count":2,"score":128}'
[ "$out" = "$exp" ] || fail "risk rows: $out"

# plain filters stay plain (indexable) columns; aliased fields become CASE chains
sql=$("$splite" --db "$db" sql 'sourcetype=XmlWinEventLog source="XmlWinEventLog:Security" | stats count by host')
grep -q 'e."sourcetype" = ?\|e."sourcetype" = '"'" <<<"$sql" || fail "sourcetype not a plain column: $sql"
grep -q 'CASE WHEN' <<<"$sql" && fail "unexpected alias CASE in: $sql"
sql=$("$splite" --db "$db" sql 'source="XmlWinEventLog:Security" | stats count by dest')
grep -q 'CASE WHEN' <<<"$sql" || fail "dest is not computed from the aliases: $sql"
echo "ok"
