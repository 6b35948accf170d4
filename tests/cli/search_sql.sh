#!/usr/bin/env bash
# tests/cli/search_sql.sh: `splite search` and `splite sql` end to end: the
# output formats (jsonl, csv, table), --now/--earliest/--latest, --macros,
# the shipped seed macros, error exit codes with line/column/caret, that
# queries of 20,000 terms answer and too deep ones fail with a position, and
# that `sql` prints SQL without running it.
set -u
splite=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/t.db"
cat > "$tmp/ev.json" <<'JSON'
{"time": 1717200000, "host": "web-07", "sourcetype": "IIS:Configuration:Operational", "event": {"EventCode": "29", "OpCode": "Info", "ComputerName": "web-07.example.local", "Message": "module added"}}
{"time": 1717200060, "host": "web-07", "sourcetype": "IIS:Configuration:Operational", "event": {"EventCode": "29", "OpCode": "Info", "ComputerName": "web-07.example.local", "Message": "module added"}}
{"time": 1717200120, "host": "web-08", "sourcetype": "other", "event": {"EventCode": "4", "tags": "x"}, "fields": {"multi": ["a", "b"]}}
JSON
"$splite" --db "$db" ingest --format json "$tmp/ev.json" >/dev/null 2>&1 || fail "ingest failed"

out=$("$splite" --db "$db" search --format jsonl 'EventCode=29 | stats count min(_time) as firstTime by ComputerName')
[ "$out" = '{"ComputerName":"web-07.example.local","count":2,"firstTime":1717200000}' ] || fail "jsonl stats: $out"

out=$("$splite" --db "$db" search --format jsonl 'sourcetype=other | table multi EventCode')
[ "$out" = '{"multi":["a","b"],"EventCode":"4"}' ] || fail "jsonl multivalue: $out"

out=$("$splite" --db "$db" search --format csv 'EventCode=29 | stats count by OpCode')
[ "$out" = "$(printf '"OpCode","count"\n"Info","2"')" ] || fail "csv: $out"

out=$("$splite" --db "$db" search --format table 'EventCode=29 | stats count by OpCode' 2>/dev/null)
echo "$out" | head -1 | grep -q "OpCode  count" || fail "table header: $out"

# event results carry metadata and _raw, newest first
out=$("$splite" --db "$db" search --format jsonl 'EventCode=29 | head 1')
echo "$out" | grep -q '"_time":1717200060,"index":"main","host":"web-07"' || fail "event metadata: $out"
echo "$out" | grep -q '"_raw":' || fail "event _raw: $out"

# time range relative to --now; --earliest alone ends at now (1717200120 is later)
n=$("$splite" --db "$db" search --format jsonl --now 1717200100 --earliest -1m 'EventCode=*' | wc -l)
[ "$n" = 1 ] || fail "--earliest -1m with --now: $n rows"
n=$("$splite" --db "$db" search --format jsonl --now 1717200100 --latest -1m 'EventCode=*' | wc -l)
[ "$n" = 1 ] || fail "--latest -1m with --now: $n rows"

# the shipped seed macros (macros/) are always loaded
out=$("$splite" --db "$db" search --format jsonl '`iis_operational_logs` EventCode=29 | stats count | `security_content_ctime(count)`')
[ -n "$out" ] || fail "shipped macros not loaded"

# --macros adds a directory
mkdir "$tmp/m"
printf 'name: my_macro\ndefinition: EventCode=4\n' > "$tmp/m/my.yml"
out=$("$splite" --db "$db" --macros "$tmp/m" search --format jsonl '`my_macro` | stats count')
[ "$out" = '{"count":1}' ] || fail "--macros: $out"

# errors: exit 1, line/column/caret
"$splite" --db "$db" search 'EventCode=29
| statz count' 2>"$tmp/err" && fail "unknown command exited 0"
grep -q "unknown command 'statz' (line 2, column 3)" "$tmp/err" || fail "error position: $(cat "$tmp/err")"
grep -q '^    \^$' "$tmp/err" || fail "caret line: $(cat "$tmp/err")"
"$splite" --db "$db" search '`nope`' 2>"$tmp/err" && fail "missing macro exited 0"
grep -q "unknown macro 'nope'" "$tmp/err" || fail "missing macro message: $(cat "$tmp/err")"
"$splite" --db "$db" search --format yaml '*' 2>/dev/null && fail "bad --format accepted"
"$splite" --db "$db" search 2>/dev/null && fail "missing query accepted"

# sql prints the SQL with parameters inline and does not run it
out=$("$splite" --db "$db" sql 'EventCode=29 | stats count by host')
echo "$out" | grep -q "^WITH s0 AS (SELECT" || fail "sql output: $out"
echo "$out" | grep -q "'29'" || fail "sql parameters inline: $out"
out=$("$splite" --db "$db" sql "EventCode=\"'); DROP TABLE events; --\"")
echo "$out" | grep -q "'''); DROP TABLE events; --'" || fail "sql quoting: $out"
n=$(sqlite3 "$db" "SELECT count(*) FROM events")
[ "$n" = 3 ] || fail "events changed: $n"

# queries of any size: 20,000 OR terms and 20,000 exclusions in macros
# answer (search, sql) as their short equivalents do
big() { # name, format with %d, separator, count, extra
    { printf "name: %s\ndefinition: '" "$1"
      i=0; while [ $i -lt "$4" ]; do [ $i -gt 0 ] && printf '%s' "$3"; printf "$2" $((i + 100)); i=$((i + 1)); done
      printf "%s'\n" "$5"; } > "$tmp/m/$1.yml"
}
big big_or 'EventCode=%d' ' OR ' 20000 ' OR EventCode=4'
big big_not 'NOT EventCode=%d' ' ' 20000 ' NOT EventCode=4'
out=$("$splite" --db "$db" --macros "$tmp/m" search --format jsonl '`big_or` | stats count')
[ "$out" = '{"count":1}' ] || fail "20,000 OR terms: $out"
out=$("$splite" --db "$db" --macros "$tmp/m" search --format jsonl '`big_not` | stats count')
[ "$out" = '{"count":2}' ] || fail "20,000 NOT terms: $out"
"$splite" --db "$db" --macros "$tmp/m" sql '`big_or` | stats count' > "$tmp/sql" || fail "sql of 20,000 terms failed"
grep -q "json_each" "$tmp/sql" || fail "20,000 terms not one set: $(head -c 300 "$tmp/sql")"
# nesting too deep: exit 1 with the position
q=$(printf 'NOT %.0s' $(seq 1 5000))
"$splite" --db "$db" search "${q}EventCode=4" 2>"$tmp/err" && fail "5,000 NOTs exited 0"
grep -q "nests too deeply.*(line 1, column [0-9]*)" "$tmp/err" || fail "deep NOT message: $(head -c 300 "$tmp/err")"
q=$(printf '(EventCode=%d OR NOT %.0s' $(seq 1 25 | sed 'p'))
"$splite" --db "$db" search "${q}EventCode=4$(printf ')%.0s' $(seq 1 25))" 2>"$tmp/err" && fail "25 nested OR/NOT exited 0"
grep -q "expression nests more than 40 levels deep.*(line 1, column 413)" "$tmp/err" ||
    fail "nested OR/NOT message: $(head -c 300 "$tmp/err")"
printf 'name: loop\ndefinition: x `loop`\n' > "$tmp/m/loop.yml"
"$splite" --db "$db" --macros "$tmp/m" search '`loop`' 2>"$tmp/err" && fail "self-calling macro exited 0"
grep -q "macro calls itself: loop -> loop" "$tmp/err" || fail "self-calling macro: $(cat "$tmp/err")"
echo ok
