#!/usr/bin/env bash
# tests/cli/check.sh: `splite check` on a small library: ok detections, one
# failure per stage (macro, parse, translate), the causes summary, the jsonl
# format, corpus lookups and macros, implicit <name>_filter macros, and the
# exit status (non-zero only for the project's own detections).
set -u
splite=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$tmp/c/detections/endpoint" "$tmp/c/macros" "$tmp/c/lookups"
det() { # file name search
    cat > "$tmp/c/detections/endpoint/$1.yml" <<YML
name: $2
id: 00000000-0000-0000-0000-00000000000$3
type: Hunting
search: '$4'
YML
}
det a "Good One" 1 'index=main user=* | stats count by user | `good_one_filter`'
det b "Uses Lookup" 2 '`my_events` | lookup colors color OUTPUT code | table color code'
det c "Missing Macro" 3 'index=main | `nosuch_macro`'
det d "Bad Syntax" 4 'index=main | where (a=1'
det e "Unknown Command" 5 'index=main | frobnicate x'
det f "Unknown Command Again" 6 'index=main | frobnicate y'
cat > "$tmp/c/macros/my_events.yml" <<'YML'
name: my_events
definition: index=main sourcetype=test
YML
printf 'color,code\nred,1\n' > "$tmp/c/lookups/colors.csv"
printf 'name: colors\nfilename: colors.csv\n' > "$tmp/c/lookups/colors.yml"

"$splite" check --db :memory: --corpus "$tmp/c" > "$tmp/out" 2>"$tmp/err" || fail "--corpus run exited non-zero: $(cat "$tmp/err")"
grep -q '^ok .*a.yml' "$tmp/out" || fail "a.yml not ok: $(cat "$tmp/out")"
grep -q '^ok .*b.yml' "$tmp/out" || fail "b.yml (lookup) not ok: $(cat "$tmp/out")"
grep -q 'FAIL  macro .*c.yml.*nosuch_macro' "$tmp/out" || fail "c.yml not a macro failure: $(cat "$tmp/out")"
grep -q 'FAIL  parse .*d.yml' "$tmp/out" || fail "d.yml not a parse failure: $(cat "$tmp/out")"
grep -q 'FAIL  translate .*e.yml.*frobnicate' "$tmp/out" || fail "e.yml not a translate failure: $(cat "$tmp/out")"
grep -q '6 detections: 2 ok' "$tmp/out" || fail "totals: $(cat "$tmp/out")"
grep -A1 'failure causes' "$tmp/out" | grep -q "2  unknown command 'frobnicate'" || fail "causes not aggregated, most frequent first: $(cat "$tmp/out")"

"$splite" check --db :memory: --corpus "$tmp/c" --format jsonl > "$tmp/j" 2>/dev/null || fail "jsonl run exited non-zero"
[ "$(wc -l < "$tmp/j")" = 6 ] || fail "jsonl: expected 6 lines: $(cat "$tmp/j")"
grep -q '"name":"Missing Macro","status":"failed","stage":"macro"' "$tmp/j" || fail "jsonl fields: $(cat "$tmp/j")"
grep -q '"name":"Good One","status":"ok"' "$tmp/j" || fail "jsonl ok: $(cat "$tmp/j")"

# the project's own library (./detections) fails -> exit 1; --lookups adds a directory
mkdir -p "$tmp/own/detections" "$tmp/own/lk"
cp "$tmp/c/lookups/colors.csv" "$tmp/own/lk/"
cp "$tmp/c/detections/endpoint/a.yml" "$tmp/own/detections/"
(cd "$tmp/own" && "$splite" check --db :memory: > "$tmp/out" 2>&1) || fail "own library all ok but exit non-zero: $(cat "$tmp/out")"
det g "Needs Lookup" 7 'index=main | lookup colors.csv color'
cp "$tmp/c/detections/endpoint/g.yml" "$tmp/own/detections/"
(cd "$tmp/own" && "$splite" check --db :memory: > "$tmp/out" 2>&1) && fail "a failing own detection exited 0"
grep -q "unknown lookup 'colors.csv'" "$tmp/out" || fail "no unknown lookup cause: $(cat "$tmp/out")"
(cd "$tmp/own" && "$splite" check --db :memory: --lookups lk > "$tmp/out" 2>&1) || fail "--lookups not used: $(cat "$tmp/out")"
"$splite" check --format xml > /dev/null 2>&1 && fail "bad --format accepted"
# --timeout interrupts a long execution (a large cross join of generated rows)
det h "Slow One" 8 '| makeresults count=3000 | eval k=1 | join max=0 k [| makeresults count=3000 | eval k=1 | eval j=random()] | stats count'
mkdir -p "$tmp/slow/detections"; cp "$tmp/c/detections/endpoint/h.yml" "$tmp/slow/detections/"
"$splite" check --db :memory: --corpus "$tmp/slow" --timeout 0.2 > "$tmp/out" 2>&1
grep -q "FAIL  execute .*took longer than 0.2 s" "$tmp/out" || fail "no timeout: $(cat "$tmp/out")"
# --jobs: worker processes give the same report, in the same order
"$splite" check --db :memory: --corpus "$tmp/c" > "$tmp/j1" 2>&1
"$splite" check --db :memory: --corpus "$tmp/c" --jobs 3 > "$tmp/j3" 2>&1
diff <(grep -v '^[0-9]* detections' "$tmp/j1") <(grep -v '^[0-9]* detections' "$tmp/j3") > /dev/null ||
    fail "--jobs 3 report differs: $(diff "$tmp/j1" "$tmp/j3")"
grep -q '^[0-9]* detections' "$tmp/j3" || fail "--jobs 3: no totals: $(cat "$tmp/j3")"
"$splite" check --db :memory: --corpus "$tmp/c" --jobs x > /dev/null 2>&1 && fail "bad --jobs accepted"
exit 0
