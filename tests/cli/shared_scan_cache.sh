#!/usr/bin/env bash
# tests/cli/shared_scan_cache.sh: the shared scan keeps its compiled matchers
# in SPLITE_CACHE_DIR (src/multi/multi_cache.c): a check writes them, the next
# one uses them, and the results are the same with the cache, without it
# (SPLITE_CACHE_DIR=""), and with every cached file damaged (compiled again).
set -u
splite=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export SPLITE_DB="$tmp/t.db"
for i in 1 2 3; do
    printf '<Event><System><EventID>1</EventID><Computer>h%d</Computer></System><EventData><Data Name="Image">C:\\x\\tool%d.exe</Data><Data Name="CommandLine">tool%d -enc abc whoami</Data></EventData></Event>\n' "$i" "$i" "$i"
done >"$tmp/e.log"
"$splite" ingest -q --sourcetype XmlWinEventLog "$tmp/e.log" || fail "ingest"
mkdir -p "$tmp/lib"
n=0
for q in 'EventID=1 Image="*\\tool1.exe" | table Computer' \
         'EventID=1 CommandLine="* -enc *" | stats count by Computer' \
         'EventID=1 | eval m=if(match(CommandLine, "who[a-z]mi"), 1, 0) | search m=1 | table Computer'; do
    n=$((n + 1))
    printf "name: t%d\nid: 00000000-0000-0000-0000-00000000000%d\nsearch: '%s'\n" "$n" "$n" "$q" >"$tmp/lib/t$n.yml"
done
run() { "$splite" check --corpus "$tmp/lib" --format jsonl --now 1700000000 2>/dev/null; }
SPLITE_CACHE_DIR= run >"$tmp/none" || fail "check without a cache"
[ "$(grep -c '"rows":[1-9]' "$tmp/none")" = 3 ] || fail "expected rows from the 3 rules: $(cat "$tmp/none")"
export SPLITE_CACHE_DIR="$tmp/cache"
run >"$tmp/first" || fail "first check"
ls "$tmp/cache"/*.hs >/dev/null 2>&1 || fail "no matcher cached in $tmp/cache"
run >"$tmp/second" || fail "second check"
cmp -s "$tmp/none" "$tmp/first" && cmp -s "$tmp/none" "$tmp/second" || fail "results differ with the cache"
for f in "$tmp/cache"/*.hs; do printf 'garbage' | dd of="$f" bs=1 seek=20 conv=notrunc 2>/dev/null; done
run >"$tmp/third" || fail "check with damaged cache files"
cmp -s "$tmp/none" "$tmp/third" || fail "results differ with damaged cache files"
for f in "$tmp/cache"/*.hs; do rm -f "$f"; done
run >/dev/null || fail "check rebuilding the cache"
for f in "$tmp/cache"/*.hs; do
    sz=$(stat -c %s "$f")
    printf '\377\377\377\377' | dd of="$f" bs=1 seek=$((sz - 100)) conv=notrunc 2>/dev/null
done
run >"$tmp/fifth" || fail "check with damaged databases"
cmp -s "$tmp/none" "$tmp/fifth" || fail "results differ with damaged databases"
for f in "$tmp/cache"/*.hs; do : >"$f"; done
run >"$tmp/fourth" || fail "check with empty cache files"
cmp -s "$tmp/none" "$tmp/fourth" || fail "results differ with empty cache files"
echo ok
