#!/usr/bin/env bash
# tests/cli/sigma_test.sh: `splite test` of Sigma rules with SigmaHQ's
# regression_tests_path (a fake SigmaHQ-like tree in tests/sigma_run/sigmahq:
# the repository root is found by walking up from the rule): the data is
# loaded into a fresh database, and the test passes when the rule matches at
# least match_count events; more than it matches fails, saying so; missing
# data fails with the reason; JUnit. (.evtx data is read by the evtx reader:
# tests/cli/sigma_regression.sh runs SigmaHQ's from its .evtx files.)
set -u
splite=$(realpath "$1")
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SPLITE_HOME=$root TZ=UTC
fail() { echo "FAIL: $*"; exit 1; }
tree=tests/sigma_run/sigmahq
rule=$tree/rules/windows/process_creation/proc_creation_win_splite_fixture.yml

"$splite" test --junit "$tmp/j.xml" "$tree/rules" >"$tmp/out" 2>"$tmp/err" || fail "test: $(cat "$tmp/out" "$tmp/err")"
grep -q "^Splite Fixture Tool Started (regression) *Positive Detection Tes *2  pass" "$tmp/out" || fail "table: $(cat "$tmp/out")"
grep -q "^1 passed, 0 failed" "$tmp/out" || fail "totals: $(cat "$tmp/out")"
grep -q 'tests="1" failures="0"' "$tmp/j.xml" || fail "junit: $(cat "$tmp/j.xml")"
grep -q 'classname="Splite Fixture Tool Started (regression)" name="Positive Detection Test"' "$tmp/j.xml" || fail "junit case: $(cat "$tmp/j.xml")"

# the same tree elsewhere, with match_count 3 (the rule matches 2 of the events)
cp -r "$tree" "$tmp/hq"
info=$tmp/hq/regression_data/rules/windows/process_creation/proc_creation_win_splite_fixture/info.yml
sed -i 's/match_count: 2/match_count: 3/' "$info"
"$splite" test "$tmp/hq/rules" >"$tmp/out" 2>&1 && fail "match_count 3 passed"
grep -q "the search returned 2 results, the test expects at least 3" "$tmp/out" || fail "match_count message: $(cat "$tmp/out")"

# missing regression data: the test says so
sed -i 's#path: \(.*\)/events.xml#path: \1/missing.evtx#' "$info"
"$splite" test "$tmp/hq/rules" >"$tmp/out" 2>&1 && fail "missing data passed"
grep -q "regression data .*missing.evtx not found" "$tmp/out" || fail "missing data message: $(cat "$tmp/out")"

# no regression_data above the rule
mkdir -p "$tmp/lone"
cp "$rule" "$tmp/lone/"
"$splite" test "$tmp/lone" >"$tmp/out" 2>&1 && fail "a rule without its tree passed"
grep -q "regression_tests_path regression_data/.*info.yml: no directory above" "$tmp/out" || fail "no tree message: $(cat "$tmp/out")"
echo ok
