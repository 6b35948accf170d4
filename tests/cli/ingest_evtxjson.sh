#!/usr/bin/env bash
# tests/cli/ingest_evtxjson.sh: evtx_dump's JSON end to end: detected without
# --format (and forced with --format evtxjson), stored as XmlWinEventLog
# events (sourcetype, source, host, fields, _raw the event's XML), a broken
# record reported by file:line while the others load, a file of nothing but
# broken records failing, and a grown file (an object that was still being
# written included) loading only what is new.
. "$(dirname "$0")/lib/setup.sh"

rec() { # rec ID COMPUTER IMAGE: one pretty-printed record, as evtx_dump writes
    cat <<EOF
{
  "Event": {
    "#attributes": {
      "xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"
    },
    "System": {
      "Provider": {
        "#attributes": {
          "Name": "Microsoft-Windows-Sysmon",
          "Guid": "5770385F-C22A-43E0-BF4C-06F5698FFBD9"
        }
      },
      "EventID": $1,
      "TimeCreated": {
        "#attributes": {
          "SystemTime": "2025-10-24T23:41:0$1.601559Z"
        }
      },
      "Correlation": null,
      "Channel": "Microsoft-Windows-Sysmon/Operational",
      "Computer": "$2"
    },
    "EventData": {
      "RuleName": "-",
      "Image": "$3"
    }
  }
}
EOF
}

{ rec 1 pc1 'C:\\a&b.exe'; rec 2 pc2 'C:\\b.exe'; } >"$tmp/s.json"
ing "$tmp/s.json" || fail "ingest: $(cat "$tmp/err")"
grep -q "2 events loaded, 0 lines rejected.*evtxjson, sourcetype=XmlWinEventLog" "$tmp/err" ||
    fail "summary: $(cat "$tmp/err")"
[ "$(q "SELECT group_concat(sourcetype || '|' || source || '|' || host || '|' || EventCode || '|' || Image, ';')
        FROM (SELECT * FROM events ORDER BY _time)")" = \
  'XmlWinEventLog|XmlWinEventLog:Microsoft-Windows-Sysmon/Operational|pc1|1|C:\a&b.exe;XmlWinEventLog|XmlWinEventLog:Microsoft-Windows-Sysmon/Operational|pc2|2|C:\b.exe' ] ||
    fail "events: $(q "SELECT sourcetype, source, host, EventCode, Image FROM events")"
[ "$(q "SELECT count(*) FROM events WHERE _time BETWEEN 1761349261.6 AND 1761349261.61")" = 1 ] || fail "_time"
"$splite" --db "$db" search 'index=* host=pc1 | table _raw' >"$tmp/out" 2>&1
grep -qF "<Data Name='Image'>C:\\\\a&amp;b.exe</Data>" "$tmp/out" || fail "_raw: $(cat "$tmp/out")"
grep -qF "Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/>" "$tmp/out" || fail "_raw GUID: $(cat "$tmp/out")"

# JSON lines under a name that says nothing, forced
printf '%s\n' '{"Event":{"System":{"EventID":4688,"Computer":"pc3","Channel":"Security"}}}' >"$tmp/l.txt"
ing --format evtxjson "$tmp/l.txt" || fail "--format evtxjson: $(cat "$tmp/err")"
[ "$(q "SELECT source FROM events WHERE host = 'pc3'")" = "XmlWinEventLog:Security" ] || fail "forced format"

# a broken record among good ones: reported at its first line, the rest loads
{ rec 3 pc4 x; printf '{\n  "Event": {"System": {"EventID": 9,}}\n}\n'; rec 4 pc4 y; } >"$tmp/b.json"
ing "$tmp/b.json" || fail "broken record: $(cat "$tmp/err")"
grep -q "b.json:29: invalid JSON at line 30" "$tmp/err" || fail "broken record not reported: $(cat "$tmp/err")"
[ "$(q "SELECT count(*) FROM events WHERE host = 'pc4'")" = 2 ] || fail "records around the broken one"

# nothing but broken records: an error
printf '{"Event": 1}\n{"Event": {"System": {}},\n' >"$tmp/bad.json"
ing --format evtxjson "$tmp/bad.json" && fail "all records rejected but exit 0"
grep -q "bad.json:1: not an evtx_dump event" "$tmp/err" || fail "bad file: $(cat "$tmp/err")"

# a grown file whose last object was still being written
rec 5 pc5 a >"$tmp/g.json"
rec 6 pc5 b | head -n 12 >>"$tmp/g.json"
ing "$tmp/g.json" || fail "partial object: $(cat "$tmp/err")"
grep -q "g.json:29: JSON object not closed at the end" "$tmp/err" || fail "partial object: $(cat "$tmp/err")"
rec 6 pc5 b | tail -n +13 >>"$tmp/g.json"
rec 7 pc5 c >>"$tmp/g.json"
ing "$tmp/g.json" || fail "grown file: $(cat "$tmp/err")"
[ "$(q "SELECT group_concat(EventCode) FROM (SELECT EventCode FROM events WHERE host = 'pc5' ORDER BY _time)")" = "5,6,7" ] ||
    fail "grown file: $(q "SELECT EventCode FROM events WHERE host = 'pc5'")"
echo "1 passed, 0 failed"
