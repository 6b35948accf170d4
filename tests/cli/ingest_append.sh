#!/usr/bin/env bash
# tests/cli/ingest_append.sh: a file that grew since it was loaded loads only its new
# lines (src/ingest_identity.c): one-line and multi-line formats, a last line
# still being written (neither loaded twice nor half), a copy of a loaded
# file, and replay of a grown dataset.
set -u
splite=$1
root=$PWD
command -v sqlite3 >/dev/null || { echo "sqlite3 not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export TZ=UTC
db="$tmp/t.db"
q() { sqlite3 "$db" "$1"; }
ing() { "$splite" --db "$db" ingest "$@" 2>"$tmp/err"; }

x1="<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>4688</EventID><TimeCreated SystemTime='2024-01-01T00:00:00Z'/><Computer>pc1</Computer></System></Event>"

# --- appended file: 1,000 lines, grown to 2,000: 2,000 events -----------------
for i in $(seq 1 1000); do echo "{\"seq\": $i, \"time\": $((1700000000 + i))}"; done >"$tmp/a.json"
ing "$tmp/a.json" || fail "first load: $(cat "$tmp/err")"
for i in $(seq 1001 2000); do echo "{\"seq\": $i, \"time\": $((1700000000 + i))}"; done >>"$tmp/a.json"
ing "$tmp/a.json" || fail "second load: $(cat "$tmp/err")"
grep -q "a.json: 1000 events loaded" "$tmp/err" || fail "grown file: not 1000 new events: $(cat "$tmp/err")"
[ "$(q "SELECT count(*), count(DISTINCT seq) FROM events")" = "2000|2000" ] ||
    fail "grown file: $(q "SELECT count(*), count(DISTINCT seq) FROM events") events, want 2000"
ing "$tmp/a.json" || fail "third load"
grep -q "already loaded" "$tmp/err" || fail "unchanged file not skipped: $(cat "$tmp/err")"
[ "$(q "SELECT count(*) FROM events")" = 2000 ] || fail "unchanged file loaded again"
# a copy under another name is the same content
cp "$tmp/a.json" "$tmp/copy.json"
ing "$tmp/copy.json" && grep -q "already loaded" "$tmp/err" || fail "copy of a loaded file: $(cat "$tmp/err")"

# --- a last line still being written is neither loaded twice nor half --------
printf 'k=1\nk=2\nk=3 first half' >"$tmp/w.txt"
ing "$tmp/w.txt" || fail "partial last line: $(cat "$tmp/err")"
printf ' second half\nk=4\n' >>"$tmp/w.txt"
ing "$tmp/w.txt" || fail "completed last line: $(cat "$tmp/err")"
[ "$(q "SELECT group_concat(k) FROM (SELECT k FROM events WHERE k IS NOT NULL ORDER BY rowid)")" = "1,2,3,4" ] ||
    fail "partial last line: $(q "SELECT group_concat(k) FROM events WHERE k IS NOT NULL")"
"$splite" --db "$db" search 'k=3 | table _raw' >"$tmp/out" 2>&1
grep -q '"k=3 first half second half"' "$tmp/out" || fail "last line not whole: $(cat "$tmp/out")"

# --- multi-line format: the last event may get more lines ---------------------
ev() { printf '%s\r\n' "01/15/2024 04:0$1:09 PM" "LogName=System" "EventCode=700$1" "ComputerName=srv-a" "Message=msg $1"; }
{ ev 1; ev 2; } >"$tmp/classic.log"
ing "$tmp/classic.log" || fail "classic: $(cat "$tmp/err")"
printf '%s\r\n' "Extra=more of event 2" >>"$tmp/classic.log"
ev 3 >>"$tmp/classic.log"
ing "$tmp/classic.log" || fail "classic grown: $(cat "$tmp/err")"
[ "$(q "SELECT count(*) FROM events WHERE sourcetype = 'WinEventLog'")" = 3 ] ||
    fail "classic grown: $(q "SELECT count(*) FROM events WHERE sourcetype = 'WinEventLog'") events, want 3"
"$splite" --db "$db" search 'EventCode=7002 | table _raw' >"$tmp/out" 2>&1
grep -q 'Extra=more of event 2' "$tmp/out" || fail "the last event's new line was lost: $(cat "$tmp/out")"
# event 1 shared its _raw block with the old event 2, which was deleted
"$splite" --db "$db" search 'EventCode=7001 | table _raw' >"$tmp/out" 2>&1
grep -q 'Message=msg 1' "$tmp/out" || fail "the _raw of the event before the tail was lost: $(cat "$tmp/out")"

# --- replay goes through the same identity ------------------------------------
mkdir -p "$tmp/datasets/r"
echo "$x1" | sed 's/4688/4689/' >"$tmp/datasets/r/r.log"
cat >"$tmp/datasets/r/manifest.yml" <<'YML'
id: 11111111-2222-3333-4444-555555555555
datasets:
- name: r
  path: /datasets/r/r.log
  sourcetype: XmlWinEventLog
  source: XmlWinEventLog:Security
YML
"$splite" --db "$db" replay "$tmp/datasets/r/manifest.yml" 2>"$tmp/err" || fail "replay: $(cat "$tmp/err")"
echo "$x1" | sed 's/4688/4689/' >>"$tmp/datasets/r/r.log"
"$splite" --db "$db" replay "$tmp/datasets/r/manifest.yml" 2>"$tmp/err" || fail "replay 2: $(cat "$tmp/err")"
[ "$(q "SELECT count(*) FROM events WHERE EventCode = '4689'")" = 2 ] ||
    fail "replay of a grown dataset: $(q "SELECT count(*) FROM events WHERE EventCode = '4689'") events, want 2"
sed -i 's/pc1/pc2/' "$tmp/datasets/r/r.log"
"$splite" --db "$db" replay "$tmp/datasets/r/manifest.yml" 2>"$tmp/err" && fail "replay of a changed dataset: exit 0"
grep -q "r.log: not loaded: the file changed" "$tmp/err" || fail "replay changed: $(cat "$tmp/err")"
echo "1 passed, 0 failed"
