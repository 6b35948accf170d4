#!/usr/bin/env bash
# tests/cli/ingest_formats.sh: the classic WinEventLog, JSON (plain and HEC)
# and key=value readers end to end: format auto-detection, default
# sourcetypes, host from ComputerName, HEC metadata overriding --host and
# --sourcetype, multivalue fields, and rejected lines reported by file:line.
set -u
splite=$1
command -v sqlite3 >/dev/null || { echo "sqlite3 not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/t.db"
q() { sqlite3 "$db" "$1"; }

printf '%s\r\n' \
  "01/15/2024 04:05:09 PM" "LogName=System" "EventCode=7045" "ComputerName=srv-a" \
  "Message=A service was installed in the system." "" "Service Name:  demo" "" \
  "01/15/2024 04:06:00 PM" "LogName=System" "EventCode=7036" "ComputerName=srv-b" "Message=State changed." > "$tmp/classic.log"
cat > "$tmp/events.json" <<'EOF_JSON'
{"time": 1705334709, "host": "hec-host", "sourcetype": "app:hec", "event": {"user": "ann", "ids": [1, 2]}}
{"user": "bob", "time": "2024-01-15T16:05:09Z", "nested": {"level": 3}}
{"broken": 
EOF_JSON
printf '%s\n' 'name="ModA" image="C:\mods\a.dll"' 'nothing to see' 'name="ModB" image="C:\mods\b.dll"' > "$tmp/modules.txt"

"$splite" --db "$db" ingest --quiet "$tmp/classic.log" "$tmp/events.json" "$tmp/modules.txt" 2>"$tmp/err" \
  || fail "ingest exited non-zero: $(cat "$tmp/err")"
grep -q "events.json:3:" "$tmp/err" || fail "bad JSON line not reported: $(cat "$tmp/err")"
grep -q "modules.txt:2:" "$tmp/err" || fail "line without pairs not reported: $(cat "$tmp/err")"

[ "$(q "SELECT count(*) FROM events WHERE sourcetype='WinEventLog'")" = 2 ] || fail "classic events"
[ "$(q "SELECT group_concat(host) FROM (SELECT host FROM events WHERE sourcetype='WinEventLog' ORDER BY _time)")" = "srv-a,srv-b" ] \
  || fail "host from ComputerName"
[ "$(q "SELECT count(*) FROM events WHERE sourcetype='_json'")" = 1 ] || fail "plain JSON event"
[ "$(q "SELECT count(*) FROM events WHERE sourcetype='app:hec' AND host='hec-host' AND _time=1705334709")" = 1 ] \
  || fail "HEC metadata"
[ "$(q "SELECT count(*) FROM events WHERE sourcetype='kv'")" = 2 ] || fail "kv events"
[ "$(q "SELECT mv FROM fields WHERE name='ids{}'")" = 1 ] || fail "ids{} not multivalue"
[ "$(q "SELECT count(*) FROM fields WHERE name IN ('Service_Name','nested.level','image','EventCode')")" = 4 ] \
  || fail "expected fields missing: $(q "SELECT group_concat(name) FROM fields")"

# --host overrides ComputerName, but not a HEC envelope's host.
db="$tmp/t2.db"
"$splite" --db "$db" ingest --quiet --host cli-host "$tmp/classic.log" "$tmp/events.json" 2>/dev/null
[ "$(q "SELECT count(*) FROM events WHERE host='cli-host'")" = 3 ] || fail "--host"
[ "$(q "SELECT count(*) FROM events WHERE host='hec-host'")" = 1 ] || fail "HEC host overridden by --host"
echo "1 passed, 0 failed"
