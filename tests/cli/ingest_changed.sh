#!/usr/bin/env bash
# tests/cli/ingest_changed.sh: a file whose loaded part changed is refused, saying where
# and what to do; other files still load; --replace deletes the earlier load
# (and data model summaries stay right), --force loads it alongside.
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
echo "1 passed, 0 failed"
