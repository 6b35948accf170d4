#!/usr/bin/env bash
# tests/cli/ingest_diskfull.sh: a write error (the file size limit, as a full
# disk gives) stops the load with a non-zero exit; the summary counts only
# the events committed (what the database holds), and a re-run after space
# is freed loads the rest without loss or duplicates.
set -u
splite=$1
command -v sqlite3 >/dev/null || { echo "sqlite3 not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/d.db"
awk 'BEGIN { for (i = 1; i <= 30000; i++) printf "seq=%d user=u%d pad=%s\n", i, i % 17, "xxxxxxxxxxxxxxxxxxxxxxxx" }' \
    >"$tmp/big.txt"
# a limit that lets the first batch (10,000 events) in, not all three
(ulimit -f 3000 && exec "$splite" --db "$db" ingest "$tmp/big.txt") 2>"$tmp/err"
rc=$?
[ "$rc" -ne 0 ] || fail "a failed write exited 0: $(cat "$tmp/err")"
[ "$rc" -lt 128 ] || fail "killed by a signal ($rc): SIGXFSZ not ignored"
held=$(sqlite3 "$db" "SELECT count(*) FROM events")
[ "$held" -lt 30000 ] || fail "the limit did not stop the load ($held events)"
grep -q "load failed after $held events were stored" "$tmp/err" ||
    fail "the summary does not count what was committed ($held): $(cat "$tmp/err")"
grep -q "events loaded" "$tmp/err" && fail "a failed load claims events loaded: $(cat "$tmp/err")"
"$splite" --db "$db" ingest "$tmp/big.txt" 2>"$tmp/err" || fail "re-run failed: $(cat "$tmp/err")"
[ "$(sqlite3 "$db" "SELECT count(*), count(DISTINCT seq) FROM events")" = "30000|30000" ] ||
    fail "after the re-run: $(sqlite3 "$db" "SELECT count(*), count(DISTINCT seq) FROM events")"
echo "1 passed, 0 failed (limit stopped the load at $held events)"
