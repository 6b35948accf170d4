#!/usr/bin/env bash
# tests/cli/dm_summary.sh: data model acceleration (src/spl_dm_summary.c).
# tstats reads a summary table that must always give the rows computing them
# from the events gives (--no-summaries): after the first build, after more
# events are loaded (incremental update), after the data model definition
# changes (rebuild), and on a read-only database (computed live). Uses the
# shipped T1505.004 dataset.
set -u
splite=$1
root=$PWD
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
export SPLITE_HOME=$root TZ=UTC
db="$tmp/s.db"
ds="$root/datasets/attack_techniques/T1505.004"
fail() { echo "FAIL: $*"; exit 1; }
q() { "$splite" --db "$db" search --format csv "$@" 2>"$tmp/err" || fail "search failed: $*: $(cat "$tmp/err")"; }
same() { # query, label: summary and live rows must be equal
    q "$1" >"$tmp/a"
    q --no-summaries "$1" >"$tmp/b"
    cmp -s "$tmp/a" "$tmp/b" || { diff "$tmp/a" "$tmp/b" | head; fail "$2: summary and live rows differ"; }
    [ "$(wc -l <"$tmp/a")" -gt 1 ] || fail "$2: no rows"
    echo "ok: $2 ($(($(wc -l <"$tmp/a") - 1)) rows)"
}
sumrows() { sqlite3 "$db" "SELECT count(*) FROM \"dmsum:Endpoint.Processes\""; }
command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed: skipped"; exit 77; }

procs='| tstats count values(Processes.process) as process from datamodel=Endpoint.Processes by Processes.dest Processes.process_name Processes.original_file_name'
where='| tstats count from datamodel=Endpoint.Processes where Processes.process_name IN (appcmd.exe, gacutil.exe) Processes.process="*install*" by Processes.user Processes.parent_process_name'

"$splite" --db "$db" ingest -q "$ds/appcmd_install-windows-sysmon.log" || fail "ingest"
same "$procs" "first build (Sysmon)"
n1=$(sumrows)
[ "$n1" -gt 0 ] || fail "no summary rows after the first tstats"
same "$where" "where clause on indexed fields"
sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='dmsum:Endpoint.Processes'" | grep -q '#f' ||
    fail "no index made for the where clause's fields"

# more events: rows are added, not rebuilt (the first rows keep their rowids)
first=$(sqlite3 "$db" "SELECT min(rowid) FROM \"dmsum:Endpoint.Processes\"")
"$splite" --db "$db" ingest -q "$ds/gacutil_windows-sysmon.log" "$ds/appcmd_install-windows-security.log" || fail "ingest 2"
same "$procs" "after more events (incremental)"
n2=$(sumrows)
[ "$n2" -gt "$n1" ] || fail "summary not brought up to date ($n1 -> $n2 rows)"
[ "$(sqlite3 "$db" "SELECT min(rowid) FROM \"dmsum:Endpoint.Processes\"")" = "$first" ] ||
    echo "note: summary rebuilt rather than extended (new fields changed its statement)"
[ "$(sqlite3 "$db" "SELECT rowid_hi FROM dm_summaries WHERE dataset='Endpoint.Processes'")" = \
  "$(sqlite3 "$db" "SELECT max(rowid) FROM events")" ] || fail "watermark is not the last event"
same "$where" "where clause after the update"

# the same events again: nothing to add
"$splite" --db "$db" ingest -q --force "$ds/gacutil_windows-sysmon.log" || fail "ingest 3"
same "$procs" "after a forced reload"

# a changed data model definition rebuilds the summary
mkdir -p "$tmp/home"
cp -r "$root/macros" "$root/lookups" "$tmp/home/" 2>/dev/null
cp -r "$root/datamodels" "$tmp/home/"
f=$(grep -l "process_name" "$tmp/home/datamodels"/*.yml | head -1)
h1=$(sqlite3 "$db" "SELECT hash FROM dm_summaries WHERE dataset='Endpoint.Processes'")
printf '\n' >>"$f"
SPLITE_HOME=$tmp/home same "$procs" "unchanged definition, other home"
[ "$(sqlite3 "$db" "SELECT hash FROM dm_summaries WHERE dataset='Endpoint.Processes'")" = "$h1" ] ||
    fail "a blank line changed the summary's hash"
sed -i '0,/"Microsoft Windows"/s//"Windows (changed)"/' "$f"
grep -q 'Windows (changed)' "$f" || fail "could not edit $f"
SPLITE_HOME=$tmp/home q '| tstats count from datamodel=Endpoint.Processes by Processes.os' >"$tmp/os"
grep -q 'Windows (changed)' "$tmp/os" || fail "a changed definition kept the old summary: $(cat "$tmp/os")"
[ "$(sqlite3 "$db" "SELECT hash FROM dm_summaries WHERE dataset='Endpoint.Processes'")" != "$h1" ] ||
    fail "a changed definition kept the old hash"
echo "ok: changed definition rebuilt the summary"
same "$procs" "back to the shipped definition"

# events deleted behind splite's back (it only appends): the summary is rebuilt
sqlite3 "$db" "DELETE FROM events WHERE rowid > (SELECT max(rowid) - 3 FROM events)"
same "$procs" "after events were deleted"
[ "$(sqlite3 "$db" "SELECT rowid_hi FROM dm_summaries WHERE dataset='Endpoint.Processes'")" = \
  "$(sqlite3 "$db" "SELECT max(rowid) FROM events")" ] || fail "summary not rebuilt after a deletion"

# two processes needing the same summary at once: both get the rows computed
# from the events, one summary is stored
db2="$tmp/c.db"
"$splite" --db "$db2" ingest -q "$ds/appcmd_install-windows-sysmon.log" "$ds/gacutil_windows-sysmon.log" || fail "ingest c"
"$splite" --db "$db2" search --format csv --no-summaries "$procs" >"$tmp/live" 2>&1 || fail "live: $(cat "$tmp/live")"
for k in 1 2 3; do "$splite" --db "$db2" search --format csv "$procs" >"$tmp/par$k" 2>&1 & done
wait
for k in 1 2 3; do cmp -s "$tmp/live" "$tmp/par$k" || fail "concurrent search $k differs: $(diff "$tmp/live" "$tmp/par$k" | head -5)"; done
[ "$(sqlite3 "$db2" "SELECT count(*) FROM dm_summaries WHERE dataset='Endpoint.Processes'")" = 1 ] || fail "no single summary after concurrent builds"
echo "ok: three concurrent searches, one summary"

# read-only database: computed live, same rows
chmod a-w "$db" "$tmp"
if [ ! -w "$db" ]; then
    same "$procs" "read-only database"
fi
echo "all summary checks passed"
