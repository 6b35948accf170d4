#!/usr/bin/env bash
# tests/cli/run_shared.sh: `splite run` and `splite schedule` with the shared
# scan (the default: every detection compiled first, one pass over the
# events) give exactly what they give with --no-shared-scan (each detection
# alone): the same output, the same runs rows (times and pids aside), the
# same risk events and notables. Over the shipped detections (Splunk and
# Sigma) and the T1505.004 attack data: run over all time and over a window;
# schedule with 10-minute deployments, a first call and a catch-up of five
# windows per detection; and both with one detection made to crash
# (SPLITE_TEST_FAULT): it is recorded crashed in both, the others the same.
set -u
splite=$(realpath "$1")
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC
fail() { echo "FAIL: $*"; exit 1; }
"$splite" --db "$tmp/base.db" replay datasets/attack_techniques/T1505.004/manifest.yml 2>/dev/null || fail "replay"
bad=windows_iis_components_new_module_added.yml

# what must be the same: runs (no times, pids, hosts), risk, notable, schedule state
dump() {
    sqlite3 -separator '|' "$1" "
      SELECT detection, detection_id, scheduled_time, window_earliest, window_latest, rows, risk_events, notables,
             status, error, attempts, scheduled FROM runs ORDER BY id;
      SELECT * FROM risk ORDER BY id;
      SELECT * FROM notable ORDER BY id;
      SELECT detection, last_scheduled FROM schedule_state ORDER BY detection;"
}

# compare NAME: the shared run's $tmp/NAME.s.* against the lone one's $tmp/NAME.a.*
compare() {
    cmp -s "$tmp/$1.s.out" "$tmp/$1.a.out" || fail "$1: outputs differ: $(diff "$tmp/$1.s.out" "$tmp/$1.a.out" | head -5)"
    dump "$tmp/$1.s.db" >"$tmp/$1.s.dump"
    dump "$tmp/$1.a.db" >"$tmp/$1.a.dump"
    cmp -s "$tmp/$1.s.dump" "$tmp/$1.a.dump" || fail "$1: database differs: $(diff "$tmp/$1.s.dump" "$tmp/$1.a.dump" | head -5)"
    [ "$(grep -c . "$tmp/$1.s.dump")" -gt 0 ] || fail "$1: nothing recorded"
    # the shared run did scan (the lone one did not)
    grep -q "^shared scan: .* [1-9][0-9]* slots" "$tmp/$1.s.err" || fail "$1: no shared scan: $(cat "$tmp/$1.s.err")"
    ! grep -q "^shared scan:" "$tmp/$1.a.err" || fail "$1: --no-shared-scan scanned"
}

# one_call NAME DB-TEMPLATE ENV... -- splite ARGS: the call with and without the shared scan
one_call() {
    local name=$1 from=$2
    shift 2
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    for mode in s a; do
        local extra=()
        [ $mode = a ] && extra=(--no-shared-scan)
        [ -f "$tmp/$name.$mode.db" ] || cp "$from" "$tmp/$name.$mode.db"
        env "${envs[@]}" SPLITE_MX_DEBUG=1 "$splite" --db "$tmp/$name.$mode.db" "$@" "${extra[@]}" \
            >"$tmp/$name.$mode.out" 2>"$tmp/$name.$mode.err"
        echo $? >"$tmp/$name.$mode.rc"
    done
    cmp -s "$tmp/$name.s.rc" "$tmp/$name.a.rc" || fail "$name: exit status $(cat "$tmp/$name.s.rc") vs $(cat "$tmp/$name.a.rc")"
}

# run: all time, then a window
one_call all "$tmp/base.db" -- run --all-time --now 1800000000 --format jsonl detections
[ "$(cat "$tmp/all.s.rc")" = 0 ] || fail "run: $(cat "$tmp/all.s.err")"
[ "$(grep -c . "$tmp/all.s.out")" -gt 50 ] || fail "run: too few results: $(tail -1 "$tmp/all.s.err")"
compare all
one_call win "$tmp/base.db" -- run --earliest 1717407300 --latest 1717409000 --now 1800000000 --format jsonl detections
compare win
[ "$(grep -c . "$tmp/win.s.out")" -gt 0 ] && [ "$(grep -c . "$tmp/win.s.out")" -lt "$(grep -c . "$tmp/all.s.out")" ] ||
    fail "window: not a part of the results: $(grep -c . "$tmp/win.s.out")"
# the scan read only the window's events (the _time index), all of them over all time
all_n=$(sqlite3 "$tmp/base.db" "SELECT count(*) FROM events")
win_n=$(sqlite3 "$tmp/base.db" "SELECT count(*) FROM events WHERE _time >= 1717407300 AND _time < 1717409000")
# (the rows scanned count those of data model summaries too, read whole: the same in each call)
scanned() { sed -n 's/^shared scan: \([0-9]* tables*, \)\{0,1\}\([0-9]*\) rows.*/\2/p' "$tmp/$1.s.err"; }
[ -n "$(scanned all)" ] && [ $(($(scanned all) - $(scanned win))) = $((all_n - win_n)) ] ||
    fail "window: $win_n of $all_n events expected: $(grep "^shared" "$tmp/all.s.err" "$tmp/win.s.err")"

# a detection with its own earliest=/latest= (they win over the window): the scan covers them
mkdir -p "$tmp/lib"
cp -r detections "$tmp/lib/"
cat >"$tmp/lib/detections/endpoint/own_time.yml" <<'YML'
name: Own Time Range
id: 0b6d2c4e-1f3a-4d5b-9c8e-7a6f5e4d3c2b
version: 1
date: '2026-12-08'
author: splite tests
type: TTP
status: production
description: IIS configuration changes over a time range of its own.
data_source: []
search: '`iis_operational_logs` EventCode=29 earliest=1717400000 latest=1717420000 | stats count by ComputerName | rename ComputerName AS dest'
how_to_implement: A test.
known_false_positives: None.
references: []
rba:
  message: IIS changes on $dest$
  risk_objects:
  - field: dest
    type: system
    score: 10
  threat_objects: []
tags:
  analytic_story: [Test]
  asset_type: Endpoint
  mitre_attack_id: [T1505.004]
  product: [Splunk Enterprise]
  security_domain: endpoint
YML
one_call own "$tmp/base.db" -- run --earliest 1717407300 --latest 1717407400 --now 1800000000 --format jsonl "$tmp/lib/detections"
[ "$(cat "$tmp/own.s.rc")" = 0 ] || fail "own time range: $(cat "$tmp/own.s.err")"
compare own
[ "$(sqlite3 "$tmp/own.s.db" "SELECT rows FROM runs WHERE detection = 'Own Time Range'")" -gt 0 ] ||
    fail "own time range: no rows: $(grep "Own Time" "$tmp/own.s.err")"
own_n=$(sqlite3 "$tmp/base.db" "SELECT count(*) FROM events WHERE _time >= 1717400000 AND _time < 1717420000")
[ $(($(scanned own) - $(scanned win))) = $((own_n - win_n)) ] ||
    fail "own time range: $own_n events expected: $(grep "^shared" "$tmp/win.s.err" "$tmp/own.s.err")"

# run with a crashing detection: lost in both, the others the same
one_call crash "$tmp/base.db" SPLITE_TEST_FAULT="segv:$bad" -- run --all-time --now 1800000000 --format jsonl detections
[ "$(cat "$tmp/crash.s.rc")" = 1 ] || fail "crash: exit status $(cat "$tmp/crash.s.rc")"
grep -q "detections/endpoint/$bad: .* crashed: " "$tmp/crash.s.err" || fail "crash: not named: $(cat "$tmp/crash.s.err")"
compare crash
[ "$(sqlite3 "$tmp/crash.s.db" "SELECT count(*) FROM runs WHERE status = 'crashed'")" = 1 ] || fail "crash: not recorded"
# the replacement worker compiled and scanned again for the detections left
[ "$(grep -c "^shared scan:" "$tmp/crash.s.err")" = 2 ] || fail "crash: $(grep -c "^shared scan:" "$tmp/crash.s.err") scans"

# schedule: every deployment every 10 minutes over the last 10 minutes
mkdir -p "$tmp/home/deployments"
for d in datamodels macros lookups; do ln -s "$root/$d" "$tmp/home/$d"; done
for f in deployments/*.yml; do
    sed -e 's#^  cron_schedule: .*#  cron_schedule: "*/10 * * * *"#' -e 's#^  earliest_time: .*#  earliest_time: -10m@m#' \
        -e 's#^  latest_time: .*#  latest_time: now#' "$f" >"$tmp/home/deployments/$(basename "$f")"
done
export SPLITE_HOME=$tmp/home
# 2024-06-03 09:40Z: the first run of each (09:30..09:40)
one_call sched "$tmp/base.db" -- schedule --now 1717407600 detections
[ "$(cat "$tmp/sched.s.rc")" = 0 ] || fail "schedule: $(cat "$tmp/sched.s.err")"
compare sched
# 10:30Z: five runs each (09:50 ... 10:30), each over its own window, in one call
one_call sched "$tmp/base.db" -- schedule --now 1717410600 detections
compare sched
ndet=$(ls detections/*/*.yml | wc -l)
[ "$(sqlite3 "$tmp/sched.s.db" "SELECT count(*) FROM runs")" = $((ndet * 6)) ] || fail "schedule: not six runs each"
[ "$(sqlite3 "$tmp/sched.s.db" "SELECT count(DISTINCT window_earliest) FROM runs")" = 6 ] || fail "schedule: windows"
[ "$(sqlite3 "$tmp/sched.s.db" "SELECT count(DISTINCT window_earliest) FROM runs WHERE rows > 0")" -gt 2 ] ||
    fail "schedule: results in too few windows"
# and with a crashing detection: each of its runs crashes, the others run
one_call schedcrash "$tmp/base.db" SPLITE_TEST_FAULT="segv:$bad" -- schedule --now 1717407600 detections
one_call schedcrash "$tmp/base.db" SPLITE_TEST_FAULT="segv:$bad" -- schedule --now 1717410600 detections
[ "$(cat "$tmp/schedcrash.s.rc")" = 1 ] || fail "schedule crash: exit status $(cat "$tmp/schedcrash.s.rc")"
compare schedcrash
[ "$(sqlite3 "$tmp/schedcrash.s.db" "SELECT count(*) FROM runs WHERE status = 'crashed'")" = 6 ] ||
    fail "schedule crash: $(sqlite3 "$tmp/schedcrash.s.db" "SELECT count(*) FROM runs WHERE status = 'crashed'") crashed"
[ "$(sqlite3 "$tmp/schedcrash.s.db" "SELECT count(*) FROM runs WHERE status = 'success'")" = $(((ndet - 1) * 6)) ] ||
    fail "schedule crash: the others"
echo "ok"
