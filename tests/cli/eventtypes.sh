#!/usr/bin/env bash
# tests/cli/eventtypes.sh: event types end to end (datamodels/eventtypes/,
# docs/DATAMODELS.md "Event types"): `eventtype=wineventlog_system` finds the
# System channel and its SQL uses the index on source; a wrong event type
# file (unknown key, a cycle, an undefined event type, bad quoting) stops
# splite with the file and line and a non-zero exit.
set -u
splite=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/t.db"
cat > "$tmp/sys.xml" <<'XML'
<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Eventlog'/><EventID>104</EventID><TimeCreated SystemTime='2024-06-01T10:00:00.000Z'/><EventRecordID>7</EventRecordID><Channel>System</Channel><Computer>ws-1.corp</Computer></System><UserData><LogFileCleared><Channel>System</Channel></LogFileCleared></UserData></Event>
<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4624</EventID><TimeCreated SystemTime='2024-06-01T10:01:00.000Z'/><EventRecordID>8</EventRecordID><Channel>Security</Channel><Computer>dc-1.corp</Computer></System><EventData><Data Name='TargetUserName'>alice</Data><Data Name='LogonType'>8</Data></EventData></Event>
XML
"$splite" --db "$db" ingest --format xmlwineventlog "$tmp/sys.xml" >/dev/null 2>&1 || fail "ingest failed"

out=$("$splite" --db "$db" search --format jsonl 'eventtype=wineventlog_system EventCode=104 | stats count by dest')
[ "$out" = '{"dest":"ws-1.corp","count":1}' ] || fail "eventtype=wineventlog_system: $out"

out=$("$splite" --db "$db" search --format jsonl 'tag=cleartext | table TargetUserName')
[ "$out" = '{"TargetUserName":"alice"}' ] || fail "tag on a field value: $out"

plan=$("$splite" --db "$db" sql --plan 'eventtype=wineventlog_system EventCode=104')
echo "$plan" | grep -q "USING INDEX events_source" || fail "eventtype= does not use the source index: $plan"

# every shipped event type's search compiles and runs
out=$("$splite" --db "$db" search --format jsonl 'eventtype=* | stats dc(eventtype) as n')
[ "$out" = '{"n":8}' ] || fail "eventtype=*: $out"

# a query without eventtype/tag has no trace of the event types
sql=$("$splite" --db "$db" sql 'EventCode=104 | stats count by dest')
echo "$sql" | grep -q "wineventlog" && fail "event types in a query that names none: $sql"

# load errors: a home whose datamodels/ holds a bad event type file
home="$tmp/home"
mkdir -p "$home/datamodels"
for d in macros lookups; do ln -s "$src/$d" "$home/$d"; done
for f in "$src"/datamodels/*; do ln -s "$f" "$home/datamodels/$(basename "$f")"; done
rm "$home/datamodels/eventtypes"
mkdir "$home/datamodels/eventtypes"
cp "$src"/datamodels/eventtypes/*.yml "$home/datamodels/eventtypes/"

bad() { # FILE-TEXT EXPECTED-MESSAGE
    printf '%s' "$1" > "$home/datamodels/eventtypes/zz_bad.yml"
    local out rc
    out=$(SPLITE_HOME="$home" "$splite" --db "$db" search 'eventtype=wineventlog_system | stats count' 2>&1)
    rc=$?
    [ $rc -ne 0 ] || fail "no error exit for: $1"
    echo "$out" | grep -qF "$2" || fail "error '$out' lacks '$2'"
}
bad 'eventtypes:
  - name: x
    serch: EventCode=1
' 'zz_bad.yml:3: unknown key '"'"'serch'"'"' in an event type'
bad 'eventtypes:
  - name: loop_a
    search: eventtype=loop_b
  - name: loop_b
    search: EventCode=1 OR eventtype=loop_a
' 'refers to itself'
bad 'eventtypes:
  - name: via_tag
    search: tag=selfish
    tags: [selfish]
' 'zz_bad.yml:2: event type via_tag refers to itself'
bad 'eventtypes:
  - name: dangling
    search: eventtype=no_such_type
' 'zz_bad.yml:2: event type dangling: its search names event type no_such_type, which is not defined'
bad 'eventtypes:
  - name: unclosed
    search: (EventCode=1 OR source="x
' 'zz_bad.yml:2: event type unclosed: search: a quoted string is not closed'
bad 'eventtypes:
  - name: wineventlog_SYSTEM
    search: EventCode=1
' 'event type wineventlog_SYSTEM is defined twice'
bad 'fieldtags:
  - {field: Logon_Type, value: "8"}
' 'zz_bad.yml:2: a field tag needs tags:'
bad 'eventtypes:
  - name: spaced
    search: EventCode=1
    tags: [two words]
' 'zz_bad.yml:4: tag '"'"'two words'"'"''
bad 'eventtypes:
  - name: piped
    search: EventCode=1 | stats count
' 'zz_bad.yml:2: event type piped: unexpected'
rm "$home/datamodels/eventtypes/zz_bad.yml"
out=$(SPLITE_HOME="$home" "$splite" --db "$db" search --format jsonl 'eventtype=wineventlog_system | stats count')
[ "$out" = '{"count":1}' ] || fail "home copy: $out"
echo "ok"
