#!/usr/bin/env bash
# tests/cli/ingest_dir.sh: a directory given to `ingest` (with or without
# -r) stands for the .evtx files below it, at any depth, in path order, any
# case of the extension, symbolic links not followed; other files are left
# alone; a directory with none, or one that cannot be read, is an error naming
# it (exit 1) while the other arguments still load; loading the same folder
# again loads nothing twice. The files here are XmlWinEventLog text named
# .evtx: the reader is chosen from the content, so this tests the walk only.
set -u
splite=$1
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/t.db"
ev() { # ev RECORDID: one Security 4624 event line
    printf "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4624</EventID><TimeCreated SystemTime='2024-01-01T00:00:0%sZ'/><EventRecordID>%s</EventRecordID><Channel>Security</Channel><Computer>ws-1</Computer></System><EventData><Data Name='TargetUserName'>u%s</Data></EventData></Event>\n" "$1" "$1" "$1"
}
mkdir -p "$tmp/triage/b/deep" "$tmp/triage/a" "$tmp/empty/sub" "$tmp/elsewhere"
ev 1 > "$tmp/triage/b/deep/Security.evtx"
ev 2 > "$tmp/triage/a/Security.EVTX"
ev 3 > "$tmp/triage/a/notes.log"          # not .evtx: left alone
ev 4 > "$tmp/elsewhere/Other.evtx"
ln -s "$tmp/elsewhere" "$tmp/triage/link"  # a link to a directory: not followed
ln -s "$tmp/elsewhere/Other.evtx" "$tmp/triage/link.evtx"  # a link to a file: not followed either

"$splite" --db "$db" ingest -r "$tmp/triage" > "$tmp/out" 2>&1 || fail "ingest -r DIR: $(cat "$tmp/out")"
got=$(grep -o "$tmp/triage/[^:]*" "$tmp/out" | sed "s|$tmp/||" | tr '\n' ' ')
[ "$got" = "triage/a/Security.EVTX triage/b/deep/Security.evtx " ] || fail "files loaded, in order: '$got'"
n=$("$splite" --db "$db" search 'index=* | stats count' 2>&1)
[ "$n" = '{"count":2}' ] || fail "2 events expected: $n"

# the same folder again (without -r): nothing loaded twice
"$splite" --db "$db" ingest "$tmp/triage" > "$tmp/out" 2>&1 || fail "second ingest: $(cat "$tmp/out")"
n=$("$splite" --db "$db" search 'index=* | stats count' 2>&1)
[ "$n" = '{"count":2}' ] || fail "loaded twice: $n"

# a directory without .evtx files is an error naming it; the rest still loads
"$splite" --db "$db" ingest "$tmp/empty" "$tmp/elsewhere/Other.evtx" > "$tmp/out" 2>&1
[ $? = 1 ] || fail "a directory without .evtx files: exit 1 expected"
grep -q "$tmp/empty: no .evtx file below this directory" "$tmp/out" || fail "message: $(cat "$tmp/out")"
n=$("$splite" --db "$db" search 'index=* | stats count' 2>&1)
[ "$n" = '{"count":3}' ] || fail "the file after the empty directory was not loaded: $n"

# an unreadable directory below (not as root: root reads everything)
if [ "$(id -u)" != 0 ]; then
    mkdir -p "$tmp/locked/x" && ev 5 > "$tmp/locked/x/S.evtx" && chmod 000 "$tmp/locked/x"
    "$splite" --db "$db" ingest "$tmp/locked" > "$tmp/out" 2>&1
    [ $? = 1 ] || fail "an unreadable directory: exit 1 expected"
    grep -q "$tmp/locked/x: cannot read the directory" "$tmp/out" || fail "message: $(cat "$tmp/out")"
fi
echo ok
