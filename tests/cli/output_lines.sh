#!/usr/bin/env bash
# tests/cli/output_lines.sh: with stdout and stderr sent to one file (or one
# pipe), messages on stderr are never spliced into a result line: `search`
# prints a header, thousands of table rows and then "N results" on stderr; `ingest`
# writes a line per file on stderr. Every line must come out whole.
set -u
splite=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/t.db"
n=3000
awk -v n=$n 'BEGIN { for (i = 1; i <= n; i++) printf "time=%d EventCode=%d user=someone_%d\n", 1700000000 + i, i, i }' >"$tmp/a.kv"
"$splite" --db "$db" ingest -q "$tmp/a.kv" || fail "ingest"

check_lines() { # file what
    [ "$(grep -c '' "$1")" = $((n + 3)) ] || fail "$2: $(grep -c '' "$1") lines, $((n + 3)) expected"
    [ "$(grep -cxE '[0-9-]+ [0-9:]+ +[0-9]+ +someone_[0-9]+ *' "$1")" = $n ] || fail "$2: torn result lines:
$(grep -vxE '[0-9-]+ [0-9:]+ +[0-9]+ +someone_[0-9]+ *' "$1" | head -5)"
    grep -qx "$n results" "$1" || fail "$2: the summary line is not whole"
}
"$splite" --db "$db" search --format table '* | table _time EventCode user' >"$tmp/out" 2>&1 || fail "search"
check_lines "$tmp/out" "search > file 2>&1"
"$splite" --db "$db" search --format table '* | table _time EventCode user' 2>&1 | cat >"$tmp/out2"
check_lines "$tmp/out2" "search 2>&1 | cat"

# several files: per-file lines (stderr) and the total, each whole
for k in 1 2 3; do
    awk -v k=$k 'BEGIN { for (i = 1; i <= 500; i++) printf "time=%d EventCode=%d file=%d\n", 1700100000 + i, i, k }' >"$tmp/f$k.kv"
done
"$splite" --db "$db" ingest "$tmp/f1.kv" "$tmp/f2.kv" "$tmp/f3.kv" >"$tmp/ing" 2>&1 || fail "ingest of 3 files"
[ "$(grep -c 'events loaded' "$tmp/ing")" = 4 ] || fail "ingest messages: $(cat "$tmp/ing")"
echo ok
