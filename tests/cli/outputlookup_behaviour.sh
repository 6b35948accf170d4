#!/usr/bin/env bash
# tests/cli/outputlookup_behaviour.sh: outputlookup behaviours the Search
# Reference documents, across queries: max= bounds the rows written, results
# with no rows replace the lookup with an empty one (override_if_empty=true,
# the default), append=true adds the rows, internal fields other than _time
# are not written, override_if_empty=false keeps the lookup when there are
# no results.
# docs/SPL.md "Documented behaviour, command by command" (its part "Commands mvexpand … iplocation") lists them.
set -u
splite=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/t.db"
mkdir -p "$tmp/lk"
printf 'user,role\nbob,admin\n' > "$tmp/lk/roles.csv"
printf 'name: roles\nfilename: roles.csv\n' > "$tmp/lk/roles.yml"
printf '{"_time": 3, "user": "eve"}\n{"_time": 2, "user": "bob"}\n{"_time": 1, "user": "amy"}\n' > "$tmp/ev.json"
"$splite" --db "$db" ingest --sourcetype test "$tmp/ev.json" > /dev/null 2>&1 || fail "ingest"
s() { "$splite" --db "$db" --lookups "$tmp/lk" search --format jsonl "$1" 2>&1; }

# max=N writes the first N results
s 'sourcetype=test | eval role="r" | table user role | outputlookup max=2 roles' > /dev/null || fail "outputlookup max"
n=$(s '| inputlookup roles' | grep -c '"role"')
[ "$n" = 2 ] || fail "max=2: expected 2 rows, got $n"
s '| inputlookup roles' | grep -q amy && fail "max=2 wrote the third result"
# append=true adds to what is there
s 'sourcetype=test user=amy | eval role="r" | table user role | outputlookup append=true roles' > /dev/null || fail "append"
n=$(s '| inputlookup roles' | grep -c '"role"')
[ "$n" = 3 ] || fail "append: expected 3 rows, got $n"
# internal fields are not written (_time is)
s 'sourcetype=test user=eve | eval _hidden="x" | table _time user _hidden | outputlookup roles' > /dev/null || fail "internal"
out=$(s '| inputlookup roles')
echo "$out" | grep -q '_hidden' && fail "an internal field was written: $out"
echo "$out" | grep -q '"_time"' || fail "_time was not written: $out"
# override_if_empty=false: no results leave the lookup as it is ...
s 'sourcetype=test user=nobody | table user role | outputlookup override_if_empty=false roles' > /dev/null || fail "keep"
n=$(s '| inputlookup roles | stats count' | grep -o '"count":[ ]*"*[0-9]*' | grep -o '[0-9]*$')
[ "$n" = 1 ] || fail "override_if_empty=false, no results: expected the 1 row kept, got $n"
# ... and results replace its rows
s 'sourcetype=test user!=eve | eval role="x" | table user role | outputlookup override_if_empty=false roles' > /dev/null || fail "keep 2"
out=$(s '| inputlookup roles')
n=$(echo "$out" | grep -c '"role"')
[ "$n" = 2 ] || fail "override_if_empty=false with results: expected 2 rows, got $n: $out"
echo "$out" | grep -q eve && fail "override_if_empty=false kept an old row: $out"
# no results: the lookup is replaced by an empty one (override_if_empty=true)
s 'sourcetype=test user=nobody | table user role | outputlookup roles' > /dev/null || fail "empty"
n=$(s '| inputlookup roles | stats count' | grep -o '"count":[ ]*"*[0-9]*' | grep -o '[0-9]*$')
[ "$n" = 0 ] || fail "empty results: expected an empty lookup, got $n rows"
exit 0
