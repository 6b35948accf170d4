# tests/cli/lib/setup.sh: the start every ingest CLI test shares (sourced, not a
# test itself): $splite from the first argument, $root the source tree, a
# temporary directory $tmp removed on exit, fail(), TZ=UTC, a database path
# $db with q() (sqlite3 on it) and ing() (splite ingest into it, stderr kept
# in $tmp/err). sqlite3 is needed to look inside the database.
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
