#!/usr/bin/env bash
# tests/cli/sql_shared_scan.sh: `splite sql --shared-scan` shows the SQL
# compiled for the shared scan (the first search reads the rows splite_cand
# lists, by rowid) and its prefilter formula; a query without a formula says
# so; --plan shows the rowid lookups driven by the list.
set -u
splite=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export SPLITE_DB="$tmp/t.db"
printf '<Event><System><EventID>1</EventID><Computer>h1</Computer></System><EventData><Data Name="Image">C:\\Windows\\cmd.exe</Data><Data Name="CommandLine">cmd /c whoami</Data></EventData></Event>\n' >"$tmp/e.log"
"$splite" ingest -q --sourcetype XmlWinEventLog "$tmp/e.log" || fail "ingest"
out=$("$splite" sql --shared-scan --plan 'EventID=1 Image="*\\cmd.exe" CommandLine="*whoami*" | stats count by Computer') || fail "sql exit status"
grep -q 'splite_cand(' <<<"$out" || fail "no splite_cand in the SQL: $out"
grep -q 'NOT INDEXED' <<<"$out" || fail "no NOT INDEXED: $out"
grep -q '^-- shared scan: events rows where ((EventID="1" OR EventCode="1") AND Image~"\\cmd.exe\$" AND CommandLine~"whoami")' <<<"$out" ||
    fail "formula: $(grep '^-- shared scan' <<<"$out")"
grep -q 'USING INTEGER PRIMARY KEY' <<<"$out" || fail "plan: $out"
out=$("$splite" sql --shared-scan 'NOT EventID=1') || fail "sql exit status (no formula)"
grep -q '^-- shared scan: no formula' <<<"$out" || fail "no formula: $out"
grep -q 'splite_cand' <<<"$out" && fail "splite_cand without a formula"
out=$("$splite" sql 'EventID=1 Image="*\\cmd.exe"')
grep -q 'splite_cand\|shared scan' <<<"$out" && fail "plain sql mentions the shared scan"
echo ok
