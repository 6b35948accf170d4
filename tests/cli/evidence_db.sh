#!/usr/bin/env bash
# tests/cli/evidence_db.sh: databases given as evidence. The commands that
# only read (search, sql, info, runs, check) refuse a database that does not
# exist (and create nothing); run and schedule too. A database the user
# cannot write (another user's file, mode 0444, in a directory the user
# cannot write; tested as user nobody, skipped without setpriv) is
# searchable: info, runs, search with tstats over a data model (summaries
# computed, not stored) and check work, and nothing is written; the commands
# that write (ingest, replay, run, schedule) say it is read-only and fail.
set -u
splite=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
det=detections/endpoint/windows_iis_components_new_module_added.yml

# a mistyped --db: a clear error, non-zero, no file created
missing="$tmp/typo.db"
for cmd in "info" "runs" "search index=*" "sql index=*" "check" "run --all-time $det" "schedule $det"; do
    # shellcheck disable=SC2086
    "$splite" --db "$missing" $cmd >/dev/null 2>"$tmp/err" && fail "$cmd on a missing database exited 0"
    grep -q "no database at $missing" "$tmp/err" || fail "$cmd: unclear error: $(cat "$tmp/err")"
    [ -e "$missing" ] && fail "$cmd created $missing"
done
SPLITE_DB="$missing" "$splite" search 'index=*' >/dev/null 2>&1 && fail "\$SPLITE_DB missing accepted"
[ -e "$missing" ] && fail "search created \$SPLITE_DB"
# a directory is not a database
"$splite" --db "$tmp" info >/dev/null 2>"$tmp/err" && fail "a directory accepted"
grep -q "is a directory" "$tmp/err" || fail "directory: $(cat "$tmp/err")"
# :memory: is an empty database
out=$("$splite" --db :memory: search --format csv '| makeresults | eval x=1 | table x') || fail ":memory: search"
[ "$(echo $out | tr -d '"')" = "x 1" ] || fail ":memory: search gave $out"

# read-only: as an unprivileged user (root can write anything)
command -v setpriv >/dev/null || { echo "skip: read-only part needs setpriv"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "skip: read-only part needs the user nobody"; exit 77; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_nobody true 2>/dev/null || { echo "skip: cannot switch to user nobody"; exit 77; }
chmod 755 "$tmp"
mkdir "$tmp/bin" "$tmp/ev"
cp "$splite" "$tmp/bin/splite"
chmod 755 "$tmp/bin" "$tmp/bin/splite"
home=$(pwd)
as_nobody test -r "$home/macros" -a -x "$home/datamodels" || { echo "skip: $home not readable by nobody"; exit 77; }
db="$tmp/ev/evidence.db"
"$splite" --db "$db" replay datasets/attack_techniques/T1505.004/manifest.yml >/dev/null 2>&1 || fail "replay"
"$splite" --db "$db" run --all-time --now 1800000000 "$det" >/dev/null 2>&1 || fail "run"
q='| tstats count from datamodel=Endpoint.Processes by Processes.process_name | sort - count | head 1'
"$splite" --db "$db" search --format csv --no-summaries "$q" >"$tmp/expect" 2>&1 || fail "search as root: $(cat "$tmp/expect")"
# a run left running by a process that is gone (shown interrupted, not stored: read-only)
true & deadpid=$!; wait
sqlite3 "$db" "INSERT INTO runs (detection, scheduled_time, window_earliest, window_latest, started, status, pid, host)
  VALUES ('Killed One', 1717408800, 0, 0, strftime('%s', 'now'), 'running', $deadpid, '$(uname -n)')"
# a copy whose summaries were built while it was writable
db2="$tmp/ev/summarised.db"
cp "$db" "$db2"
"$splite" --db "$db2" search --format csv "$q" >/dev/null 2>&1 || fail "search building the summary"
chmod 444 "$db" "$db2"
chmod 555 "$tmp/ev"
sum=$(sha256sum "$db" "$db2")
listing=$(ls "$tmp/ev" | tr '\n' ' ')
ro() { as_nobody env SPLITE_HOME="$home" "$tmp/bin/splite" --db "$db" "$@"; }
ro info >"$tmp/out" 2>&1 || fail "info on a read-only database: $(cat "$tmp/out")"
grep -q "^events: 302" "$tmp/out" || fail "info: $(cat "$tmp/out")"
ro search --format csv "$q" >"$tmp/out" 2>&1 || fail "tstats on a read-only database: $(cat "$tmp/out")"
cmp -s "$tmp/out" "$tmp/expect" || fail "tstats: $(cat "$tmp/out") instead of $(cat "$tmp/expect")"
# no summary stored: computed with the query (live), none stored
ro sql "$q" | grep -q 'dmsum:' && fail "a summary table used where none was built"
# a current summary stored before: used
(as_nobody env SPLITE_HOME="$home" "$tmp/bin/splite" --db "$db2" search --format csv "$q") >"$tmp/out" 2>&1 || fail "tstats on summarised: $(cat "$tmp/out")"
cmp -s "$tmp/out" "$tmp/expect" || fail "tstats over the stored summary: $(cat "$tmp/out")"
as_nobody env SPLITE_HOME="$home" "$tmp/bin/splite" --db "$db2" sql "$q" | grep -q 'dmsum:' || fail "the stored summary is not used"
ro search --format jsonl 'index=* | stats count' | grep -q '"count":302' || fail "search count"
ro sql 'index=* | stats count' >/dev/null 2>&1 || fail "sql"
ro runs >"$tmp/out" 2>&1 || fail "runs: $(cat "$tmp/out")"
grep -q "success  *Windows IIS Components New Module Added" "$tmp/out" || fail "runs: $(cat "$tmp/out")"
grep -q "interrupted  *Killed One" "$tmp/out" || fail "runs: a gone process's run not shown interrupted: $(cat "$tmp/out")"
mkdir -p "$tmp/lib/detections" && cp "$det" "$tmp/lib/detections/" && chmod -R a+rX "$tmp/lib"
ro check --corpus "$tmp/lib" >"$tmp/out" 2>&1 || fail "check: $(cat "$tmp/out")"
grep -q "1 detections: 1 ok" "$tmp/out" || fail "check: $(cat "$tmp/out")"
for cmd in "ingest /etc/hostname" "replay datasets/attack_techniques/T1505.004/manifest.yml" "run --all-time $det" "schedule $det"; do
    # shellcheck disable=SC2086
    (cd "$home" && ro $cmd) >/dev/null 2>"$tmp/err" && fail "$cmd on a read-only database exited 0"
    grep -q "database $db is read-only" "$tmp/err" || fail "$cmd: unclear error: $(cat "$tmp/err")"
done
[ "$(sha256sum "$db" "$db2")" = "$sum" ] || fail "a read-only database changed"
[ "$(ls "$tmp/ev" | tr '\n' ' ')" = "$listing" ] || fail "files created next to them: $(ls "$tmp/ev")"
echo "ok"
