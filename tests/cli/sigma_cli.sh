#!/usr/bin/env bash
# tests/cli/sigma_cli.sh: `splite sigma convert` and `splite sigma lint`:
# the SPL printed for a shipped rule (with the 4688 branch renamed), which
# splite sql then translates; lint's findings with file, line and code for
# the seeds' problems (a duplicate key and which value won; a collection's
# global condition naming identifiers only its documents define, and the
# unused one); exit status 1 on errors and 0 on warnings only; a directory
# mixing Sigma rules and other YAML; bad arguments.
set -u
splite=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

rule=detections/sigma/win_iis_web_module_loaded_gacutil.yml
spl=$("$splite" sigma convert "$rule" 2>"$tmp/err") || fail "convert exit status: $(cat "$tmp/err")"
echo "$spl" | grep -q 'EventCode=1) (Image="\*\\\\gacutil.exe"' || fail "no Sysmon branch with Image: $spl"
echo "$spl" | grep -q 'EventCode=4688) (NewProcessName="\*\\\\gacutil.exe"' || fail "no 4688 branch with NewProcessName: $spl"
grep -q "duplicate-key" "$tmp/err" || fail "convert does not warn about the duplicate key: $(cat "$tmp/err")"
"$splite" --db :memory: sql "$spl" >"$tmp/sql" 2>&1 || fail "splite sql refuses the converted SPL: $(cat "$tmp/sql")"
grep -q "SELECT" "$tmp/sql" || fail "no SQL"

# lint: the duplicate key, with both lines and the winner; warnings only: exit 0
"$splite" sigma lint "$rule" >"$tmp/lint" 2>&1 || fail "lint of a rule with warnings only exits non-zero"
grep -Eq "^$rule:[0-9]+: warning: key 'CommandLine\|contains' is given twice \(lines [0-9]+ and [0-9]+\): the later value wins.*\[duplicate-key\]" "$tmp/lint" \
    || fail "duplicate key not reported: $(cat "$tmp/lint")"

# a collection as seed 004 writes it: the global condition names `selection`,
# which only the rule documents define; the global's selection1 is unused
cat > "$tmp/collection.yml" <<'Y'
action: global
title: module install
detection:
    selection1:
        CommandLine: '*\APPCMD.EXE install module /name:*'
    condition: selection
---
logsource: {product: windows, service: sysmon}
detection:
    selection:
        EventID: 1
---
logsource: {product: windows, service: security}
detection:
    selection:
        EventID: 4688
Y
"$splite" sigma lint "$tmp/collection.yml" >"$tmp/lint" 2>&1 || fail "lint exit status on warnings"
grep -q "collection.yml:6: warning: .*names 'selection'.*\[global-condition\]" "$tmp/lint" || fail "global condition not reported: $(cat "$tmp/lint")"
grep -q "collection.yml:4: warning: search identifier 'selection1' is defined but the condition never uses it \[unused-identifier\]" "$tmp/lint" \
    || fail "unused identifier not reported: $(cat "$tmp/lint")"
grep -q "1 file: 0 errors, 2 warnings" "$tmp/lint" || fail "summary: $(tail -1 "$tmp/lint")"

# an error: exit 1, the line named; convert prints nothing for it
printf 'title: t\nlogsource: {product: windows}\ndetection:\n  sel: {A: 1}\n  condition: selection\n' > "$tmp/bad.yml"
"$splite" sigma lint "$tmp/bad.yml" >"$tmp/lint" 2>&1 && fail "lint of a broken rule exits 0"
grep -q "bad.yml:5: error: condition names 'selection'.*\[undefined-identifier\]" "$tmp/lint" || fail "undefined identifier: $(cat "$tmp/lint")"
out=$("$splite" sigma convert "$tmp/bad.yml" 2>/dev/null) && fail "convert of a broken rule exits 0"
[ -z "$out" ] || fail "convert printed SPL for a broken rule"

# a directory: Sigma rules are converted, other YAML (a Splunk detection) skipped
mkdir "$tmp/dir"
cp "$rule" "$tmp/collection.yml" "$tmp/dir/"
printf 'name: x\nsearch: index=main\ntype: TTP\n' > "$tmp/dir/splunk.yml"
"$splite" sigma convert "$tmp/dir" >"$tmp/out" 2>"$tmp/err" || fail "convert of a directory: $(cat "$tmp/err")"
[ "$(grep -c '^# ' "$tmp/out")" = 2 ] || fail "expected 2 converted rules: $(grep '^# ' "$tmp/out")"
grep -q "2 files: 2 converted, 0 rejected" "$tmp/err" || fail "summary: $(cat "$tmp/err")"

# --no-mappings: no logsource selection, names as written
"$splite" sigma convert --no-mappings "$rule" 2>/dev/null | head -1 | grep -q '^search (NewProcessName="\*\\\\gacutil.exe" CommandLine="\*.dll\*")$' \
    || fail "--no-mappings: $("$splite" sigma convert --no-mappings "$rule" 2>/dev/null | head -1)"

# bad arguments
"$splite" sigma >/dev/null 2>&1; [ $? = 2 ] || fail "no action: exit 2 expected"
"$splite" sigma frobnicate x >/dev/null 2>&1; [ $? = 2 ] || fail "unknown action: exit 2 expected"
"$splite" sigma convert "$tmp/missing.yml" >/dev/null 2>"$tmp/err"; [ $? = 1 ] || fail "missing file: exit 1 expected"
grep -q "missing.yml: no such file" "$tmp/err" || fail "missing file message: $(cat "$tmp/err")"
"$splite" sigma convert --mappings "$tmp/nodir" "$rule" >/dev/null 2>"$tmp/err"; [ $? = 1 ] || fail "missing mappings dir: exit 1 expected"
echo ok
