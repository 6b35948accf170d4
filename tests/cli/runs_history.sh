#!/usr/bin/env bash
# tests/cli/runs_history.sh: `splite runs`: --all-time runs show "all time"
# (not 1970); a run whose process was killed (kill -9) shows as
# interrupted, not running forever; a scheduled run tried again after that
# is the same row (2 attempts), not a second one.
set -u
splite=$(realpath "$1")
tmp=$(mktemp -d)
pg=
cleanup() { [ -n "$pg" ] && kill -9 -- -"$pg" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v setsid >/dev/null || { echo "skip: setsid not found"; exit 77; }
db="$tmp/t.db"
det=detections/endpoint/windows_iis_components_new_module_added.yml
"$splite" --db "$db" replay datasets/attack_techniques/T1505.004/manifest.yml 2>/dev/null || fail "replay"

# all time
"$splite" --db "$db" run --all-time --now 1800000000 --format jsonl "$det" >/dev/null 2>&1 || fail "run"
"$splite" --db "$db" runs >"$tmp/runs" || fail "runs"
grep -q "all time  *all time  *13 " "$tmp/runs" || fail "--all-time run not shown as all time: $(cat "$tmp/runs")"
grep -q 1970 "$tmp/runs" && fail "1970 shown: $(cat "$tmp/runs")"

# wait until a run of the detection is recorded as running (its process hangs)
wait_running() {
    for _ in $(seq 1 200); do
        [ "$(sqlite3 "$1" "SELECT count(*) FROM runs WHERE status = 'running'" 2>/dev/null)" = 1 ] && return 0
        sleep 0.05
    done
    return 1
}
# runs shows it interrupted (the killed processes may take a moment to go)
interrupted() {
    for _ in $(seq 1 40); do
        "$splite" --db "$1" runs >"$tmp/runs" || fail "runs after kill"
        grep -q "interrupted  *Windows IIS Components New Module Added" "$tmp/runs" && return 0
        sleep 0.05
    done
    return 1
}
# killed with kill -9 (the whole process group: splite and its worker)
SPLITE_TEST_FAULT="hang:$det" setsid "$splite" --db "$tmp/s.db" replay datasets/attack_techniques/T1505.004/manifest.yml >/dev/null 2>&1
SPLITE_TEST_FAULT="hang:$det" setsid "$splite" --db "$tmp/s.db" schedule --now 1717408800 -q "$det" >/dev/null 2>&1 &
pg=$!
wait_running "$tmp/s.db" || fail "the scheduled run was never recorded as running"
kill -9 -- -"$pg"
{ wait "$pg"; } 2>/dev/null
pg=
interrupted "$tmp/s.db" || fail "killed run not interrupted: $(cat "$tmp/runs")"
grep -q "running" "$tmp/runs" && fail "still shown running: $(cat "$tmp/runs")"
[ "$(sqlite3 "$tmp/s.db" "SELECT status FROM runs")" = interrupted ] || fail "not stored as interrupted"
# the next scheduler runs it again: one row, two attempts, success
"$splite" --db "$tmp/s.db" schedule --now 1717408800 -q "$det" || fail "schedule again"
[ "$(sqlite3 "$tmp/s.db" "SELECT count(*) FROM runs")" = 1 ] || fail "retried scheduled run is not one row: $(sqlite3 "$tmp/s.db" 'SELECT * FROM runs')"
[ "$(sqlite3 "$tmp/s.db" "SELECT status || ' ' || attempts FROM runs")" = "success 2" ] || fail "retry: $(sqlite3 "$tmp/s.db" 'SELECT * FROM runs')"
"$splite" --db "$tmp/s.db" runs | grep -q "success  *Windows IIS Components New Module Added (2 attempts)" || fail "attempts not shown"
# a later scheduled time is a row of its own
"$splite" --db "$tmp/s.db" schedule --now 1717412400 -q "$det" || fail "schedule later"
[ "$(sqlite3 "$tmp/s.db" "SELECT count(*) FROM runs")" = 2 ] || fail "the next due run is not a new row"

# `run` killed the same way: interrupted too
SPLITE_TEST_FAULT="hang:$det" setsid "$splite" --db "$tmp/r.db" replay datasets/attack_techniques/T1505.004/manifest.yml >/dev/null 2>&1
SPLITE_TEST_FAULT="hang:$det" setsid "$splite" --db "$tmp/r.db" run --all-time "$det" >/dev/null 2>&1 &
pg=$!
wait_running "$tmp/r.db" || fail "the run was never recorded as running"
kill -9 -- -"$pg"
{ wait "$pg"; } 2>/dev/null
pg=
interrupted "$tmp/r.db" || fail "killed run not interrupted: $(cat "$tmp/runs")"

# a database from before pid/host/attempts: the columns are added, its rows still listed
"$splite" --db "$tmp/o.db" replay datasets/attack_techniques/T1505.004/manifest.yml >/dev/null 2>&1
sqlite3 "$tmp/o.db" "CREATE TABLE runs (id INTEGER PRIMARY KEY, detection TEXT NOT NULL, detection_id TEXT,
  scheduled_time REAL, window_earliest REAL, window_latest REAL, started REAL, rows INTEGER, risk_events INTEGER,
  notables INTEGER, duration REAL, status TEXT NOT NULL, error TEXT);
  INSERT INTO runs VALUES (1, 'Old Run', NULL, 1717408800, 0, 0, 1717408800, 1, 0, 0, 0.5, 'running', NULL);"
"$splite" --db "$tmp/o.db" schedule --now 1717408800 -q "$det" || fail "schedule on an old database"
"$splite" --db "$tmp/o.db" runs >"$tmp/runs" || fail "runs on an old database"
grep -q "running  *Old Run" "$tmp/runs" || fail "old row (no pid: cannot tell) not listed as running: $(cat "$tmp/runs")"
grep -q "success  *Windows IIS Components New Module Added" "$tmp/runs" || fail "new run on the old database: $(cat "$tmp/runs")"
echo "ok"
