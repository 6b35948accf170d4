#!/usr/bin/env bash
# tests/cli/check_shared.sh: `splite check` with the shared scan (the
# default) and without it (--no-shared-scan), with --jobs 1 and 2, gives the
# same jsonl line (status, rows, digest of the rows) for every detection of
# a library: the shipped detections (Splunk and Sigma) and rules written
# here (wildcards, IN, NOT, aliases, later searches after eval/rename/where,
# stats, subsearches, tstats, a field no event has, a NUL inside a value,
# Sigma contains/endswith and regular expressions) over the T1505.004 attack
# data. The scan is used
# (SPLITE_MX_DEBUG names its slots). A detection made to crash at execute
# (SPLITE_TEST_FAULT) fails alone; the others report the same results.
set -u
splite=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/t.db"
"$splite" --db "$db" replay datasets/attack_techniques/T1505.004/manifest.yml 2>/dev/null || fail "replay"
# a NUL inside a value (the kv reader keeps it; LIKE reads up to it)
printf 'nul_field=abc\000xyz123 k=1\nnul_field=xyz\000abc k=2\n' >"$tmp/nul.kv"
"$splite" --db "$db" ingest --format kv "$tmp/nul.kv" 2>/dev/null || fail "ingest nul.kv"

lib="$tmp/lib/detections"
mkdir -p "$lib"
cp detections/*/*.yml "$lib/"
n=0
spl() { # name search
    n=$((n + 1))
    cat > "$lib/own_$n.yml" <<YML
name: Own $n $1
id: 00000000-0000-0000-0000-$(printf '%012d' $n)
type: Hunting
search: '$2'
YML
}
spl appcmd 'index=main source="*Sysmon*" EventCode=1 Image="*\\appcmd.exe" CommandLine IN ("*install*", "*add*") | stats count by host Image'
spl or_fields 'index=main (CommandLine="*gacutil*" OR ScriptBlockText="*Publish*") | table _time host CommandLine ScriptBlockText'
spl later_search 'index=main EventCode=4688 | eval cmd=lower(CommandLine) | where like(cmd, "%module%") | search NewProcessName=*appcmd* | table _time cmd'
spl not_code 'index=main sourcetype=XmlWinEventLog NOT EventCode=4688 Image=* | stats count by EventCode'
spl aliases 'index=main process_name=appcmd.exe process=*module* | stats count by process'
spl rename 'index=main | rename CommandLine AS c | search c="*install module*" | table _time c'
spl no_field 'index=main NoSuchField=* | stats count'
spl head 'index=main Image="*powershell*" | head 3 | table _time Image'
spl subsearch 'index=main EventCode=1 [search index=main EventCode=4688 CommandLine=*appcmd* | fields host] | stats count by host'
spl tstats '| tstats count from datamodel=Endpoint.Processes where Processes.process_name IN (gacutil.exe, appcmd.exe) by Processes.process_name Processes.process'
spl dedup 'index=main EventCode IN (1, 4688) CommandLine=*/name:* | dedup host | table host CommandLine'
spl mixed_case 'index=MAIN commandline=*INSTALL* | stats count by host'
spl nul_inside 'index=main nul_field="*abc" | stats count by k'
cat > "$lib/own_sigma_contains.yml" <<'YML'
title: Own Sigma contains
id: 5c0c5d7e-0000-4000-8000-000000000001
status: test
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith:
      - '\appcmd.exe'
      - '\gacutil.exe'
    CommandLine|contains:
      - 'install'
      - '/i '
  filter:
    ParentImage|endswith: '\msiexec.exe'
  condition: selection and not filter
level: medium
YML
cat > "$lib/own_sigma_regex.yml" <<'YML'
title: Own Sigma regex
id: 5c0c5d7e-0000-4000-8000-000000000002
status: test
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    CommandLine|re: '(?i)module\s+/name:'
    Image|contains: 'inetsrv'
  condition: selection
level: medium
YML
ndet=$(ls "$lib" | wc -l)

run() { # output-file args...
    local out=$1
    shift
    "$splite" --db "$db" check --corpus "$tmp/lib" --format jsonl "$@" >"$out" 2>"$out.err" ||
        fail "check $*: exit $?: $(cat "$out.err")"
    [ "$(wc -l <"$out")" = "$ndet" ] || fail "check $*: $(wc -l <"$out") lines for $ndet detections: $(cat "$out")"
}
run "$tmp/alone1" --no-shared-scan --jobs 1
run "$tmp/alone2" --no-shared-scan --jobs 2
SPLITE_MX_DEBUG=1 run "$tmp/shared1" --jobs 1
SPLITE_MX_DEBUG=1 run "$tmp/shared2" --jobs 2
for f in alone2 shared1 shared2; do
    diff "$tmp/alone1" "$tmp/$f" >"$tmp/diff" || fail "$f differs from --no-shared-scan --jobs 1: $(cat "$tmp/diff")"
done
# the library is not trivial: most run, several find something
ok=$(grep -c '"status":"ok"' "$tmp/alone1")
[ "$ok" -ge $((ndet - 1)) ] || fail "only $ok of $ndet detections ok: $(grep -v '"status":"ok"' "$tmp/alone1")"
found=$(grep -c '"rows":[1-9]' "$tmp/alone1")
[ "$found" -ge 8 ] || fail "only $found detections give rows: $(cat "$tmp/alone1")"
grep -q '"name":"Own 7 no_field","status":"ok".*"rows":1' "$tmp/alone1" || fail "no_field: $(grep no_field "$tmp/alone1")"
# the shared scan answered them (slots, rows listed), in each worker
grep -q 'shared scan: .* rows, [1-9][0-9]* slots' "$tmp/shared1.err" || fail "no shared scan: $(cat "$tmp/shared1.err")"
grep -q 'shared scan: .* rows, [1-9][0-9]* slots' "$tmp/shared2.err" || fail "no shared scan (--jobs 2): $(cat "$tmp/shared2.err")"
grep -q 'shared scan: ' "$tmp/alone1.err" && fail "--no-shared-scan scanned: $(cat "$tmp/alone1.err")"

# a detection that crashes at execute fails alone, the others as before
bad=own_5.yml
for j in 1 2; do
    SPLITE_TEST_FAULT="segv:$bad" "$splite" --db "$db" check --corpus "$tmp/lib" --format jsonl --jobs $j \
        >"$tmp/fault$j" 2>"$tmp/fault$j.err"
    [ "$(wc -l <"$tmp/fault$j")" = "$ndet" ] || fail "fault --jobs $j: $(cat "$tmp/fault$j" "$tmp/fault$j.err")"
    grep "$bad" "$tmp/fault$j" | grep -q '"status":"failed","stage":"execute"' ||
        fail "fault --jobs $j: $bad not failed at execute: $(grep "$bad" "$tmp/fault$j")"
    diff <(grep -v "$bad" "$tmp/alone1") <(grep -v "$bad" "$tmp/fault$j") >"$tmp/diff" ||
        fail "fault --jobs $j: the others differ: $(cat "$tmp/diff")"
done
exit 0
