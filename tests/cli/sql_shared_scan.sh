#!/usr/bin/env bash
# tests/cli/sql_shared_scan.sh: `splite sql --shared-scan` shows the SQL
# compiled for the shared scan (the first search reads the rows splite_cand
# lists, by rowid) and its prefilter formula; a query without a formula says
# so; --plan shows the rowid lookups driven by the list.
set -u
splite=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export SPLITE_DB="$tmp/t.db"
printf '<Event><System><EventID>1</EventID><Computer>h1</Computer></System><EventData><Data Name="Image">C:\\Windows\\cmd.exe</Data><Data Name="CommandLine">cmd /c whoami</Data></EventData></Event>\n' >"$tmp/e.log"
"$splite" ingest -q --sourcetype XmlWinEventLog "$tmp/e.log" || fail "ingest"
out=$("$splite" sql --shared-scan --plan 'EventID=1 Image="*\\cmd.exe" CommandLine="*whoami*" | stats count by Computer') || fail "sql exit status"
grep -q 'splite_cand(' <<<"$out" || fail "no splite_cand in the SQL: $out"
grep -q 'NOT INDEXED' <<<"$out" || fail "no NOT INDEXED: $out"
grep -q '^-- shared scan: events rows where ((EventID="1" OR EventCode="1") AND Image~"\\cmd.exe\$" AND CommandLine~"whoami")' <<<"$out" ||
    fail "formula: $(grep '^-- shared scan' <<<"$out")"
grep -q 'USING INTEGER PRIMARY KEY' <<<"$out" || fail "plan: $out"
out=$("$splite" sql --shared-scan 'NOT EventID=1') || fail "sql exit status (no formula)"
grep -q '^-- shared scan: no formula' <<<"$out" || fail "no formula: $out"
grep -q 'splite_cand' <<<"$out" && fail "splite_cand without a formula"
out=$("$splite" sql 'EventID=1 Image="*\\cmd.exe"')
grep -q 'splite_cand\|shared scan' <<<"$out" && fail "plain sql mentions the shared scan"

# eval X=if(match(F, "re"), 1, 0) | search X=1: a regex atom on F's column
# (Sigma's regex modifiers compile to this), and on _raw
out=$("$splite" sql --shared-scan 'EventID=1 | eval m=if(match(CommandLine, "(?i)who.mi"), 1, 0) | search m=1') || fail "sql (regex)"
grep -q '^-- shared scan: events rows where ((EventID="1" OR EventCode="1") AND CommandLine=~/(?i)who.mi/)' <<<"$out" ||
    fail "regex formula: $(grep '^-- shared scan' <<<"$out")"
out=$("$splite" sql --shared-scan 'EventID=1 | eval m=if(match(_raw, "whoami|net1"), 1, 0) | search m=1') || fail "sql (_raw)"
grep -q '_raw=~/whoami|net1/' <<<"$out" || fail "_raw regex formula: $(grep '^-- shared scan' <<<"$out")"
# | regex field="re" on the events level: a regex atom; != is not one
out=$("$splite" sql --shared-scan 'EventID=1 | regex CommandLine="who.mi"') || fail "sql (regex command)"
grep -q 'CommandLine=~/who.mi/' <<<"$out" || fail "regex command formula: $(grep '^-- shared scan' <<<"$out")"
out=$("$splite" sql --shared-scan 'EventID=1 | regex CommandLine!="who.mi"')
grep -q '=~' <<<"$out" && fail "regex != gave an atom: $(grep '^-- shared scan' <<<"$out")"
out=$("$splite" sql --shared-scan 'EventID=1 | stats count by CommandLine | regex CommandLine="who.mi"')
grep -q '=~' <<<"$out" && fail "regex after stats gave an atom: $(grep '^-- shared scan' <<<"$out")"
# X reassigned in between: no hint
out=$("$splite" sql --shared-scan 'EventID=1 | eval m=if(match(CommandLine, "who"), 1, 0) | eval m=1 | search m=1')
grep -q '=~' <<<"$out" && fail "a stale hint was used: $(grep '^-- shared scan' <<<"$out")"

# the same results with and without the shared scan, regexes included (a
# value that is not ASCII goes to PCRE2: Unicode case folding)
mkdir -p "$tmp/lib"
n=0
for q in 'EventID=1 | eval m=if(match(CommandLine, "(?i)WHOAMI"), 1, 0) | search m=1 | table Computer CommandLine' \
         'EventID=1 | eval m=if(match(CommandLine, "(?i)kelvin"), 1, 0) | search m=1 | table CommandLine' \
         'EventID=1 | eval m=if(match(_raw, "cmd\\.exe"), 1, 0) | search m=1 | stats count by Computer' \
         'EventID=1 Image="*\\cmd.exe" | stats count by Computer' \
         'EventID=1 | eval m=if(match(CommandLine, "^nomatch$"), 1, 0) | search m=1 | stats count by Computer' \
         'EventID=1 | regex CommandLine="(?i)KELVIN" | table CommandLine'; do
    n=$((n + 1))
    q=${q//\'/\'\'}
    printf "name: t%d\nid: 00000000-0000-0000-0000-00000000000%d\nsearch: '%s'\n" "$n" "$n" "$q" >"$tmp/lib/t$n.yml"
done
printf '<Event><System><EventID>1</EventID><Computer>h2</Computer></System><EventData><Data Name="Image">C:\\x\\cmd.exe</Data><Data Name="CommandLine">\xe2\x84\xaaELVIN whoami</Data></EventData></Event>\n' >"$tmp/e2.log"
"$splite" ingest -q --sourcetype XmlWinEventLog "$tmp/e2.log" || fail "ingest 2"
"$splite" check --corpus "$tmp/lib" --format jsonl --now 1700000000 >"$tmp/a" 2>/dev/null
"$splite" check --corpus "$tmp/lib" --format jsonl --now 1700000000 --no-shared-scan >"$tmp/b" 2>/dev/null
[ "$(grep -c '"status":"ok"' "$tmp/a")" = 6 ] || fail "check: $(cat "$tmp/a")"
cmp -s "$tmp/a" "$tmp/b" || fail "results differ with the shared scan: $(diff "$tmp/a" "$tmp/b")"
grep -q '"rows":0' "$tmp/a" || fail "no empty result among the cases"
[ "$(grep -c '"rows":[1-9]' "$tmp/a")" -ge 5 ] || fail "too few cases with rows: $(cat "$tmp/a")"
echo ok
