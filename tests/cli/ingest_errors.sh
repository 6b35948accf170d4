#!/usr/bin/env bash
# tests/cli/ingest_errors.sh: exit codes and messages of ingest/replay on bad
# input: a missing file, a manifest naming a missing dataset, a bad manifest.
set -u
splite=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/t.db"
"$splite" --db "$db" ingest "$tmp/missing.log" 2>"$tmp/err" && fail "missing file exited 0"
grep -q "missing.log: cannot open" "$tmp/err" || fail "no message naming the missing file: $(cat "$tmp/err")"
mkdir -p "$tmp/datasets/x"
printf '%s\n' "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>4688</EventID><TimeCreated SystemTime='2024-01-01T00:00:00Z'/><Computer>pc1</Computer></System></Event>" > "$tmp/datasets/x/a.log"
cat > "$tmp/datasets/x/manifest.yml" <<'YML'
id: 11111111-2222-3333-4444-555555555555
datasets:
- name: good
  path: /datasets/x/a.log
  sourcetype: XmlWinEventLog
  source: XmlWinEventLog:Security
- name: gone
  path: /datasets/x/nothere.log
  sourcetype: XmlWinEventLog
YML
"$splite" --db "$db" replay "$tmp/datasets/x/manifest.yml" 2>"$tmp/err" && fail "manifest with a missing path exited 0"
grep -q "manifest.yml:7: dataset 'gone'" "$tmp/err" || fail "no message naming manifest line: $(cat "$tmp/err")"
n=$(sqlite3 "$db" "SELECT count(*) FROM events WHERE source='XmlWinEventLog:Security'")
[ "$n" = 1 ] || fail "good dataset not loaded ($n)"
printf 'datasets: [unclosed\n' > "$tmp/bad.yml"
"$splite" --db "$db" replay "$tmp/bad.yml" 2>"$tmp/err" && fail "bad manifest exited 0"
grep -q "bad.yml:" "$tmp/err" || fail "no message naming the bad manifest"
"$splite" --db "$db" info >/dev/null || fail "info failed"
echo "1 passed, 0 failed"
