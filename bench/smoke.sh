#!/usr/bin/env bash
# bench/smoke.sh: functional check of the bench tools (no timings): bench-gen
# is deterministic for a seed, every format parses, the reference loader
# stores every event, and the injected attacks are where bench-gen says.
# Usage: bench/smoke.sh BENCH-GEN BENCH-REFLOAD
set -euo pipefail
GEN=$1 REF=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "bench smoke: $*" >&2; exit 1; }

for f in xml json tsv wineventlog; do
    "$GEN" --format $f --events 3000 --seed 42 --inject-attacks 4 >"$T/a.$f" 2>"$T/exp.$f"
    "$GEN" --format $f --events 3000 --seed 42 --inject-attacks 4 >"$T/b.$f" 2>/dev/null
    cmp -s "$T/a.$f" "$T/b.$f" || fail "$f output differs between two runs with the same seed"
done
"$GEN" --format xml --events 3000 --seed 43 >"$T/c.xml" 2>/dev/null
cmp -s "$T/a.xml" "$T/c.xml" && fail "different seeds gave the same output"
[ "$(wc -l <"$T/a.xml")" = 3000 ] || fail "xml: expected 3000 lines"
[ "$(wc -l <"$T/a.json")" = 3000 ] || fail "json: expected 3000 lines"
[ "$(grep -c '^LogName=Security$' "$T/a.wineventlog")" = 3000 ] || fail "wineventlog: expected 3000 4688 events"
[ "$(grep -c '^EventCode=29$' "$T/a.wineventlog")" = 8 ] || fail "wineventlog: expected 8 IIS 29 events"
grep -q '^expected appcmd_install_module=4 ' "$T/exp.xml" || fail "expected counts missing on stderr"

for m in tsv:tsv xml:xml json:json parse-xml:xml parse-json:json; do
    out=$("$REF" --mode "${m%%:*}" "$T/r.db" "$T/a.${m#*:}")
    [[ $out == *" events=3000 rejected=0 "* ]] || fail "refload ${m%%:*}: $out"
done
if command -v sqlite3 >/dev/null; then
    "$REF" --mode xml "$T/r.db" "$T/a.xml" >/dev/null
    n=$(sqlite3 "$T/r.db" "SELECT count(*) FROM events WHERE Image LIKE '%\\appcmd.exe' AND CommandLine LIKE '%install module%'")
    [ "$n" = 4 ] || fail "appcmd install module: $n rows, expected 4"
    n=$(sqlite3 "$T/r.db" "SELECT count(*) FROM events WHERE Image LIKE '%\\gacutil.exe' AND CommandLine LIKE '%/i %'")
    [ "$n" = 4 ] || fail "gacutil /i: $n rows, expected 4"
    n=$(sqlite3 "$T/r.db" "SELECT count(*) FROM events WHERE Image LIKE '%\\appcmd.exe' AND CommandLine LIKE '%httplogging%'")
    [ "$n" = 4 ] || fail "httplogging: $n rows, expected 4"
fi
echo "bench smoke: ok"
