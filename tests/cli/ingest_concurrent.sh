#!/usr/bin/env bash
# tests/cli/ingest_concurrent.sh: two ingests of the same file at once load it
# once (the writer's lock, src/ingest_lock.c): 4 tries of 2 concurrent
# ingests of a 30,000-line file give exactly 30,000 events each time; a
# second ingest waits for the first, or with --no-wait gives up, saying so;
# processes creating one new database at once all succeed.
. "$(dirname "$0")/lib/setup.sh"
# Sysmon-like XML events of about 1 KB (a load takes long enough for the
# second process to start during it)
awk 'BEGIN {
    pad = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -NoProfile -ExecutionPolicy Bypass -Command";
    for (i = 1; i <= 30000; i++)
        printf "<Event xmlns=\x27http://schemas.microsoft.com/win/2004/08/events/event\x27><System><Provider Name=\x27Microsoft-Windows-Sysmon\x27/><EventID>1</EventID><TimeCreated SystemTime=\x272024-06-03T09:%02d:%02d.%03dZ\x27/><Computer>host-%d</Computer></System><EventData><Data Name=\x27Seq\x27>%d</Data><Data Name=\x27CommandLine\x27>%s %d %s %s</Data><Data Name=\x27User\x27>CORP\\u%d</Data></EventData></Event>\n", (i / 60) % 60, i % 60, i % 1000, i % 5, i, pad, i, pad, pad, i % 17
}' >"$tmp/big.txt"
for try in 1 2 3 4; do
    db="$tmp/c$try.db"
    "$splite" --db "$db" ingest "$tmp/big.txt" 2>"$tmp/e1" &
    p1=$!
    "$splite" --db "$db" ingest "$tmp/big.txt" 2>"$tmp/e2" &
    p2=$!
    wait $p1 || fail "try $try: first ingest failed: $(cat "$tmp/e1")"
    wait $p2 || fail "try $try: second ingest failed: $(cat "$tmp/e2")"
    n=$(sqlite3 "$db" "SELECT count(*) FROM events")
    [ "$n" = 30000 ] || fail "try $try: $n events, want 30000"
    cat "$tmp/e1" "$tmp/e2" | grep -q "already loaded" || fail "try $try: neither run skipped the file"
done
# four processes creating one new database at once: each opens it (SQLite
# answers BUSY at once while another switches it to WAL; store.c retries)
printf 'a=1\n' >"$tmp/small.txt"
for round in $(seq 1 10); do
    db="$tmp/new$round.db"
    pids=()
    for k in 1 2 3 4; do
        "$splite" --db "$db" ingest -q "$tmp/small.txt" 2>"$tmp/n$k" &
        pids+=($!)
    done
    for k in 1 2 3 4; do wait "${pids[$((k - 1))]}" || fail "round $round: ingest $k failed: $(cat "$tmp/n$k")"; done
    [ "$(sqlite3 "$db" "SELECT count(*) FROM events")" = 1 ] || fail "round $round: not one event"
done
# --no-wait while another holds the lock: refuses, non-zero, nothing loaded
db="$tmp/n.db"
command -v flock >/dev/null || { echo "flock not installed: --no-wait part skipped"; echo "1 passed, 0 failed"; exit 0; }
flock "$db.ingest.lock" sleep 3 &
holder=$!
sleep 0.5
"$splite" --db "$db" ingest --no-wait "$tmp/big.txt" 2>"$tmp/e" && fail "--no-wait: exit 0 while locked"
grep -q "another ingest or replay is loading" "$tmp/e" || fail "--no-wait: no message: $(cat "$tmp/e")"
# without --no-wait: waits (saying so) and then loads
"$splite" --db "$db" ingest "$tmp/big.txt" 2>"$tmp/e" || fail "waiting ingest failed: $(cat "$tmp/e")"
grep -q "waiting for it to finish" "$tmp/e" || fail "no waiting message: $(cat "$tmp/e")"
wait $holder
[ "$(sqlite3 "$db" "SELECT count(*) FROM events")" = 30000 ] || fail "waiting ingest did not load"
echo "1 passed, 0 failed"
