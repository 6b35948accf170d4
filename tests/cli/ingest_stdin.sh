#!/usr/bin/env bash
# tests/cli/ingest_stdin.sh: standard input is never de-duplicated: the same input
# piped twice loads twice, and the usage says so.
set -u
splite=$1
root=$PWD
command -v sqlite3 >/dev/null || { echo "sqlite3 not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export TZ=UTC
db="$tmp/t.db"
q() { sqlite3 "$db" "$1"; }
ing() { "$splite" --db "$db" ingest "$@" 2>"$tmp/err"; }


# --- stdin is never de-duplicated (and --help says so) ------------------------
printf 's=1\n' | "$splite" --db "$db" ingest - 2>/dev/null || fail "stdin"
printf 's=1\n' | "$splite" --db "$db" ingest - 2>/dev/null || fail "stdin 2"
[ "$(q "SELECT count(*) FROM events WHERE s = '1'")" = 2 ] || fail "stdin de-duplicated"
"$splite" ingest --help 2>&1 | grep -q "standard input, which is never de-duplicated" || fail "usage does not say stdin is not de-duplicated"
echo "1 passed, 0 failed"
