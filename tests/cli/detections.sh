#!/usr/bin/env bash
# tests/cli/detections.sh: splite run / schedule / runs / test end to end on
# the shipped T1505.004 data: deterministic risk events and notables with
# --now, idempotency, cron catch-up, the scheduler lock, JUnit output.
set -u
splite=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/t.db"
det=detections/endpoint/windows_iis_components_new_module_added.yml
"$splite" --db "$db" replay datasets/attack_techniques/T1505.004/manifest.yml 2>/dev/null || fail "replay"

# run over all time, deterministic with --now
"$splite" --db "$db" run --all-time --now 1800000000 --format jsonl "$det" >"$tmp/run1" 2>"$tmp/err1" || fail "run: $(cat "$tmp/err1")"
nrisk=$(grep -c '"record":"risk"' "$tmp/run1")
nnot=$(grep -c '"record":"notable"' "$tmp/run1")
[ "$nrisk" = 13 ] || fail "expected 13 risk events, got $nrisk"
[ "$nnot" = 13 ] || fail "expected 13 notables, got $nnot"
grep -q '"risk_object":"web-02.corp.example","risk_object_type":"system"' "$tmp/run1" || fail "risk object"
grep -q '"risk_score":48' "$tmp/run1" || fail "risk score"
grep -q '"risk_message":"A new IIS Module has been loaded and should be reviewed on web-01.corp.example."' "$tmp/run1" || fail "risk message templating"
grep -q '"_time":1800000000' "$tmp/run1" || fail "risk _time = --now"
grep -q '"rule_title":"Windows IIS Components New Module Added"' "$tmp/run1" || fail "notable title"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM risk')" = 13 ] || fail "risk table"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM notable')" = 13 ] || fail "notable table"
# the same output again (deterministic), nothing stored twice
"$splite" --db "$db" run --all-time --now 1800000000 --format jsonl "$det" >"$tmp/run2" 2>/dev/null || fail "run again"
cmp -s "$tmp/run1" "$tmp/run2" || fail "run output not deterministic"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM risk')" = 13 ] || fail "risk events stored twice"

# a window that holds nothing: no risk events
"$splite" --db "$db" run --earliest 0 --latest 1000 --now 1800000000 --format jsonl "$det" >"$tmp/run3" 2>/dev/null || fail "run window"
[ ! -s "$tmp/run3" ] || fail "events outside the window"

# schedule: first call runs the latest due time; three hours later, three catch-up runs
db2="$tmp/s.db"
"$splite" --db "$db2" replay datasets/attack_techniques/T1505.004/manifest.yml 2>/dev/null
"$splite" --db "$db2" schedule --now 1717408800 -q "$det" || fail "schedule 1"   # 2024-06-03T10:00Z
[ "$(sqlite3 "$db2" 'SELECT count(*) FROM runs')" = 1 ] || fail "first schedule should run once"
w=$(sqlite3 "$db2" 'SELECT CAST(window_earliest AS INT) || "-" || CAST(window_latest AS INT) FROM runs')
[ "$w" = "1717404600-1717408200" ] || fail "window -70m@m..-10m@m of 10:00 is 08:50..09:50, got $w"
"$splite" --db "$db2" schedule --now 1717419600 -q "$det" || fail "schedule 2"   # 13:00Z
[ "$(sqlite3 "$db2" 'SELECT count(*) FROM runs')" = 4 ] || fail "catch-up should add 3 runs"
"$splite" --db "$db2" schedule --now 1717419600 -q "$det" || fail "schedule 3"
[ "$(sqlite3 "$db2" 'SELECT count(*) FROM runs')" = 4 ] || fail "same minute twice ran again"
# the 09:50..10:50 window holds the module additions after 09:50
n=$(sqlite3 "$db2" "SELECT rows FROM runs WHERE CAST(scheduled_time AS INT) = 1717412400")
[ "$n" -gt 0 ] || fail "11:00 run found nothing"
"$splite" --db "$db2" runs >"$tmp/runs" || fail "runs"
grep -q "Windows IIS Components New Module Added" "$tmp/runs" || fail "runs listing"

# the lock: while another scheduler holds it, nothing runs
exec 9>"$db2.schedule.lock"
flock 9
"$splite" --db "$db2" schedule --now 1717430400 "$det" 2>"$tmp/lockerr" || fail "locked schedule should exit 0"
grep -q "another scheduler" "$tmp/lockerr" || fail "no lock notice"
[ "$(sqlite3 "$db2" 'SELECT count(*) FROM runs')" = 4 ] || fail "ran despite the lock"
flock -u 9

# a broken detection is reported with its file and makes the exit non-zero, others still run
mkdir -p "$tmp/dets"
cp "$det" "$tmp/dets/good.yml"
sed 's/^search: .*/search: "`no_such_macro` | stats count"/; s/^name: .*/name: Broken Detection/' "$det" > "$tmp/dets/bad.yml"
"$splite" --db "$db" run --all-time --now 1800000000 --format jsonl "$tmp/dets" >"$tmp/run4" 2>"$tmp/err4" && fail "bad detection exited 0"
grep -q "bad.yml" "$tmp/err4" || fail "bad detection not named"
[ "$(grep -c '"record":"risk"' "$tmp/run4")" = 13 ] || fail "good detection did not run"

# splite test on a detection that needs no data model, with JUnit output
"$splite" test --junit "$tmp/j.xml" "$det" >"$tmp/test" || fail "splite test: $(cat "$tmp/test")"
grep -q "1 passed, 0 failed" "$tmp/test" || fail "test summary"
grep -q '<testcase classname="Windows IIS Components New Module Added"' "$tmp/j.xml" || fail "junit"
# every shipped detection passes its own test
"$splite" test --junit "$tmp/all.xml" detections >"$tmp/testall" || fail "splite test detections: $(cat "$tmp/testall")"
grep -q "9 passed, 0 failed" "$tmp/testall" || fail "not all nine shipped detections pass: $(cat "$tmp/testall")"
# and the tstats ones find their rows through splite run on the shipped data
"$splite" --db "$db" run --all-time --now 1800000000 --format jsonl \
  detections/endpoint/windows_server_software_component_gacutil_install_to_gac.yml >"$tmp/gac" 2>/dev/null || fail "run gacutil"
grep -q '"risk_object":"web-01.corp.example"' "$tmp/gac" || fail "gacutil risk event: $(head -3 "$tmp/gac")"
echo "1 passed, 0 failed"
