#!/usr/bin/env bash
# tests/cli/ingest_identity.sh: a file is loaded once (src/ingest_identity.c):
# a grown file loads only its new lines (one-line and multi-line formats, a
# last line still being written), a file whose loaded part changed is refused
# (--replace and --force), a load that stored nothing is not marked as loaded,
# repeated rejections are capped, bytes that are not UTF-8 keep their event,
# replay goes through the same identity, and stdin is never de-duplicated.
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

# --- changed file: refused, with where; other files still load ---------------
printf 'v=1\nv=2\nthis line has no pair\nv=4\nv=5\n' >"$tmp/c.txt"
ing "$tmp/c.txt" || fail "c.txt: $(cat "$tmp/err")"
printf 'v=1\nv=2\nv=3\nv=4\nv=5\n' >"$tmp/c.txt"
printf 'other=1\n' >"$tmp/other.txt"
ing "$tmp/c.txt" "$tmp/other.txt" && fail "changed file: exit 0"
grep -q "c.txt: not loaded: the file changed since it was loaded (line 3 " "$tmp/err" ||
    fail "changed file: no message naming line 3: $(cat "$tmp/err")"
grep -q -- "--replace" "$tmp/err" || fail "changed file: no hint"
[ "$(q "SELECT count(*) FROM events WHERE v IS NOT NULL")" = 4 ] || fail "changed file was loaded"
[ "$(q "SELECT count(*) FROM events WHERE other = '1'")" = 1 ] || fail "the other file was not loaded"
ing --replace "$tmp/c.txt" || fail "--replace: $(cat "$tmp/err")"
[ "$(q "SELECT group_concat(v) FROM (SELECT v FROM events WHERE v IS NOT NULL ORDER BY rowid)")" = "1,2,3,4,5" ] ||
    fail "--replace: $(q "SELECT group_concat(v) FROM events WHERE v IS NOT NULL")"
"$splite" --db "$db" search 'v=* | stats count' 2>&1 | grep -q '"count":5' || fail "--replace: _raw/search"
ing "$tmp/c.txt" && grep -q "already loaded" "$tmp/err" || fail "after --replace: $(cat "$tmp/err")"
printf 'v=9\n' >"$tmp/c.txt"
ing --force "$tmp/c.txt" || fail "--force: $(cat "$tmp/err")"
[ "$(q "SELECT count(*) FROM events WHERE v IS NOT NULL")" = 6 ] || fail "--force does not load alongside"
# a shorter file
printf 'short=1\n' >"$tmp/t2.txt"
ing "$tmp/t2.txt" || fail "t2"
: >"$tmp/t2.txt"
printf 'w=1\n' >"$tmp/t2.txt"
ing "$tmp/t2.txt" && fail "changed short file: exit 0"
grep -q "line 1 " "$tmp/err" || fail "changed short file: $(cat "$tmp/err")"

# --- a load that stored nothing: non-zero, not marked as loaded ---------------
x1="<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>4688</EventID><TimeCreated SystemTime='2024-01-01T00:00:00Z'/><Computer>pc1</Computer></System></Event>"
for i in $(seq 1 30); do echo "$x1"; done >"$tmp/x.xml"
ing --format json "$tmp/x.xml" && fail "wrong --format: exit 0"
grep -q "no events loaded" "$tmp/err" || fail "wrong --format: no message: $(cat "$tmp/err")"
[ "$(grep -c 'x.xml:[0-9]*:' "$tmp/err")" = 10 ] || fail "rejections not capped at 10: $(grep -c 'x.xml:[0-9]*:' "$tmp/err")"
grep -q "x.xml: 20 more rejected lines not shown" "$tmp/err" || fail "no count of hidden rejections: $(cat "$tmp/err")"
ing "$tmp/x.xml" || fail "corrected run: $(cat "$tmp/err")"
[ "$(q "SELECT count(*) FROM events WHERE EventCode = '4688'")" = 30 ] || fail "corrected run did not load"

# --- invalid UTF-8: the event is kept, the bytes escaped, the line counted ----
printf '{"u": "caf\xe9", "time": 1700000000}\n{"u": "ok"}\n' >"$tmp/u.json"
printf 'name=caf\xe9 n=1\n' >"$tmp/u.kv"
printf "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>1</EventID><Computer>h\xff</Computer></System><EventData><Data Name='Image'>C:\\\\caf\xe9.exe</Data></EventData></Event>\n" >"$tmp/u.xml"
{ printf '%s\r\n' "01/15/2024 04:05:09 PM" "LogName=System" "EventCode=7045"; printf 'Account=caf\xe9\r\n'; } >"$tmp/u.wel"
for f in u.json u.kv u.xml u.wel; do
    ing "$tmp/$f" || fail "$f: $(cat "$tmp/err")"
    grep -q "1 lines with bytes that are not UTF-8" "$tmp/err" || fail "$f: not counted: $(cat "$tmp/err")"
done
[ "$(q "SELECT u FROM events WHERE u LIKE 'caf%'")" = 'caf\xE9' ] || fail "json: $(q "SELECT u FROM events WHERE u LIKE 'caf%'")"
[ "$(q "SELECT name FROM events WHERE n = '1'")" = 'caf\xE9' ] || fail "kv"
[ "$(q "SELECT Computer || ' ' || Image FROM events WHERE EventID = '1'")" = 'h\xFF C:\caf\xE9.exe' ] ||
    fail "xml: $(q "SELECT Computer || ' ' || Image FROM events WHERE EventID = '1'")"
[ "$(q "SELECT Account FROM events WHERE EventCode = '7045'")" = 'caf\xE9' ] || fail "wineventlog"

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

# --- stdin is never de-duplicated (and --help says so) ------------------------
printf 's=1\n' | "$splite" --db "$db" ingest - 2>/dev/null || fail "stdin"
printf 's=1\n' | "$splite" --db "$db" ingest - 2>/dev/null || fail "stdin 2"
[ "$(q "SELECT count(*) FROM events WHERE s = '1'")" = 2 ] || fail "stdin de-duplicated"
"$splite" ingest 2>&1 | grep -q "Standard input is never de-duplicated" || fail "usage does not say stdin is not de-duplicated"

# --- data model summaries stay right when a load is replaced ------------------
export SPLITE_HOME=$root
ds="$root/datasets/attack_techniques/T1505.004/appcmd_install-windows-sysmon.log"
db="$tmp/dm.db"
cp "$ds" "$tmp/sysmon.log"
tst='| tstats count from datamodel=Endpoint.Processes by Processes.process_name'
ing "$tmp/sysmon.log" || fail "sysmon: $(cat "$tmp/err")"
"$splite" --db "$db" search --format csv "$tst" >"$tmp/s1" 2>"$tmp/err" || fail "tstats: $(cat "$tmp/err")"
head -n 5 "$ds" >"$tmp/sysmon.log"
ing --replace "$tmp/sysmon.log" || fail "sysmon --replace: $(cat "$tmp/err")"
"$splite" --db "$db" search --format csv "$tst" >"$tmp/a" 2>&1
"$splite" --db "$db" search --format csv --no-summaries "$tst" >"$tmp/b" 2>&1
cmp -s "$tmp/a" "$tmp/b" || { diff "$tmp/a" "$tmp/b" | head; fail "summary differs from the events after --replace"; }
cmp -s "$tmp/a" "$tmp/s1" && fail "tstats did not change after --replace"
echo "1 passed, 0 failed"
