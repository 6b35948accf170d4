#!/usr/bin/env bash
# tests/cli/lookups.sh: lookups across queries through the CLI: --lookups
# DIR, outputlookup writing a table into the database that later lookup and
# inputlookup queries read (the CSV file untouched), append=true, and a
# written wildcard lookup.
set -u
splite=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/t.db"
mkdir -p "$tmp/lk"
printf 'user,role\nbob,admin\n' > "$tmp/lk/roles.csv"
printf 'name: roles\nfilename: roles.csv\n' > "$tmp/lk/roles.yml"
printf 'name: pats\nfilename: pats.csv\nmatch_type: WILDCARD(p)\ncase_sensitive_match: false\n' > "$tmp/lk/pats.yml"
printf 'p,v\n' > "$tmp/lk/pats.csv"
printf '{"_time": 2, "user": "bob", "proc": "C:\\\\Temp\\\\x.exe"}\n{"_time": 1, "user": "amy", "proc": "notepad.exe"}\n' > "$tmp/ev.json"
"$splite" --db "$db" ingest --sourcetype test "$tmp/ev.json" > /dev/null 2>&1 || fail "ingest"
s() { "$splite" --db "$db" --lookups "$tmp/lk" search --format jsonl "$1" 2>&1; }

out=$(s '| inputlookup roles') ; echo "$out" | grep -q '"role":"admin"\|"role": "admin"' || fail "inputlookup from --lookups: $out"
out=$(s 'sourcetype=test | lookup roles user OUTPUT role | table user role')
echo "$out" | grep -q 'admin' || fail "lookup: $out"
# overwrite the lookup with results: later queries see the new rows
s '| makeresults | eval user="amy", role="auditor" | table user role | outputlookup roles' > /dev/null || fail "outputlookup"
out=$(s '| inputlookup roles')
echo "$out" | grep -q 'auditor' || fail "written rows not read: $out"
echo "$out" | grep -q 'admin' && fail "outputlookup did not replace the rows: $out"
grep -q admin "$tmp/lk/roles.csv" || fail "the CSV file was modified"
s '| makeresults | eval user="bob", role="admin" | table user role | outputlookup append=true roles' > /dev/null || fail "append"
n=$(s '| inputlookup roles' | grep -c role)
[ "$n" = 2 ] || fail "append: expected 2 rows, got $n"
out=$(s 'sourcetype=test | lookup roles user OUTPUT role | table user role')
echo "$out" | grep -q 'auditor' || fail "lookup of written table: $out"
# a written wildcard lookup gets its pattern column
s '| makeresults | eval p="*\\temp\\*", v="tmp" | table p v | outputlookup pats' > /dev/null || fail "outputlookup wildcard"
out=$(s 'sourcetype=test | lookup pats p AS proc OUTPUT v | table proc v')
echo "$out" | grep -q '"v":"tmp"\|"v": "tmp"' || fail "wildcard on written table: $out"
# a new lookup by file name
s '| makeresults | eval a=1 | table a | outputlookup new_one.csv' > /dev/null || fail "outputlookup new"
s '| inputlookup new_one.csv' | grep -q '"a"' || fail "inputlookup of a written csv name"
exit 0
