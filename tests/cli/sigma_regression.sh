#!/usr/bin/env bash
# tests/cli/sigma_regression.sh: SigmaHQ's regression tests of the rules of
# ../shared/corpus/sigma/SigmaHQ/rules/windows (each rule's info.yml: its
# events as .evtx and .json, match_count) through `splite test`. Reports how
# many pass and fails when fewer pass than tests/sigma_run/regression_baseline.txt
# says (the number that passed when it was last raised). Skips without ../shared.
set -u
splite=$(realpath "$1")
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SPLITE_HOME=$root TZ=UTC
fail() { echo "FAIL: $*"; exit 1; }
rules=$root/../shared/corpus/sigma/SigmaHQ/rules/windows
if [ ! -d "$rules" ]; then
    echo "skip: $rules is absent (SigmaHQ's regression tests need ../shared)"
    exit 77
fi
baseline=$(grep -v '^#' tests/sigma_run/regression_baseline.txt | tr -d ' \n')
grep -rl '^regression_tests_path:' "$rules" | sort > "$tmp/files"
[ -s "$tmp/files" ] || fail "no rule with regression_tests_path under $rules"
xargs -d '\n' "$splite" test --junit "$tmp/j.xml" < "$tmp/files" >"$tmp/out" 2>"$tmp/err"
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/out") || fail "no summary: $(tail -5 "$tmp/out" "$tmp/err")"
passed=${summary%% passed*}
failed=${summary#*, }; failed=${failed%% failed}
echo "SigmaHQ regression tests: $passed of $((passed + failed)) pass (baseline $baseline)"
[ "$passed" -ge "$baseline" ] || fail "fewer pass than the baseline: $(grep -A1 FAIL "$tmp/out" | head -20)"
echo ok
