#!/usr/bin/env bash
# tests/cli/t1505_all_files.sh: every file of the T1505.004 manifest replayed
# into one database; each of the nine Splunk detections then returns exactly
# the rows tests/expected/T1505.004.yml lists under all_files_loaded (the
# per-file cases are test_expected_t1505's). Also the event count per file.
set -u
splite=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/t.db"
"$splite" --db "$db" replay datasets/attack_techniques/T1505.004/manifest.yml >"$tmp/replay" 2>&1 || fail "replay: $(cat "$tmp/replay")"
grep -q "replay: 302 events loaded from 18 files (0 already loaded), 0 lines rejected" "$tmp/replay" || fail "replay: $(tail -1 "$tmp/replay")"
# the files added for the Sigma rules, one by one
for f in "IIS-Configuration-Operational-xml.log: 49" "iis_config_change-windows-sysmon.log: 27" "iis_config_change-windows-security.log: 1" \
         "4104_iis_config_change-windows-powershell.log: 3" "w3wp_module_registration-windows-sysmon.log: 7" "w3wp_module_registration-windows-security.log: 7"; do
    grep -q "${f} events loaded, 0 lines rejected" "$tmp/replay" || fail "$f: $(grep "${f%%:*}" "$tmp/replay")"
done

"$splite" --db "$db" check --corpus . --format jsonl >"$tmp/check" 2>"$tmp/err" || fail "check: $(cat "$tmp/err")"
sed -n 's/^    \(windows_[a-z_0-9]*\): \([0-9][0-9]*\)$/\1 \2/p' tests/expected/T1505.004.yml >"$tmp/want"
[ "$(wc -l <"$tmp/want")" = 9 ] || fail "tests/expected/T1505.004.yml: all_files_loaded rows: $(cat "$tmp/want")"
while read -r name rows; do
    line=$(grep "\"file\":\"./detections/endpoint/$name.yml\"" "$tmp/check") || fail "$name: not run"
    echo "$line" | grep -q '"status":"ok"' || fail "$name: $line"
    echo "$line" | grep -Eq "\"rows\":$rows[,}]" || fail "$name: want $rows rows: $line"
done <"$tmp/want"
echo ok
