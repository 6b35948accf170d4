#!/usr/bin/env bash
# tests/cli/ingest_utf8.sh: bytes that are not UTF-8 do not drop their event: it is
# kept with them escaped as \\xNN (as Splunk does) and the line is counted, in
# every reader (json, kv, xmlwineventlog with its expat fallback, wineventlog).
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


# --- invalid UTF-8: the event is kept, the bytes escaped, the line counted ----
printf '{"u": "caf\xe9", "time": 1700000000}\n{"u": "ok"}\n' >"$tmp/u.json"
printf 'name=caf\xe9 n=1\n' >"$tmp/u.kv"
printf "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>1</EventID><Computer>h\xff</Computer></System><EventData><Data Name='Image'>C:\\\\caf\xe9.exe</Data></EventData></Event>\n" >"$tmp/u.xml"
{ printf '%s\r\n' "01/15/2024 04:05:09 PM" "LogName=System" "EventCode=7045"; printf 'Account=caf\xe9\r\n'; } >"$tmp/u.wel"
# a comment sends the line to expat (the fast path's fallback)
printf "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><!-- c --><System><EventID>2</EventID><Computer>x\xc0\xaf</Computer></System></Event>\n" >"$tmp/u2.xml"
for f in u.json u.kv u.xml u2.xml u.wel; do
    ing "$tmp/$f" || fail "$f: $(cat "$tmp/err")"
    grep -q "1 lines with bytes that are not UTF-8" "$tmp/err" || fail "$f: not counted: $(cat "$tmp/err")"
done
[ "$(q "SELECT u FROM events WHERE u LIKE 'caf%'")" = 'caf\xE9' ] || fail "json: $(q "SELECT u FROM events WHERE u LIKE 'caf%'")"
[ "$(q "SELECT name FROM events WHERE n = '1'")" = 'caf\xE9' ] || fail "kv"
[ "$(q "SELECT Computer || ' ' || Image FROM events WHERE EventID = '1'")" = 'h\xFF C:\caf\xE9.exe' ] ||
    fail "xml: $(q "SELECT Computer || ' ' || Image FROM events WHERE EventID = '1'")"
[ "$(q "SELECT Account FROM events WHERE EventCode = '7045'")" = 'caf\xE9' ] || fail "wineventlog"
[ "$(q "SELECT Computer FROM events WHERE EventID = '2'")" = 'x\xC0\xAF' ] ||
    fail "xml via expat: $(q "SELECT Computer FROM events WHERE EventID = '2'")"
echo "1 passed, 0 failed"
