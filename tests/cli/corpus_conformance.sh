#!/usr/bin/env bash
# tests/cli/corpus_conformance.sh: the security_content corpus through
# `splite check`: at least tests/conformance/baseline.txt detections pass on
# an empty database, and each of them passes again on a database loaded with
# the real datasets (see tests/conformance/README.md). Skips (77) without
# ../shared/corpus/security_content. Each detection may take 600 s (not the
# default 60): under ASan on a loaded machine one wildcard-lookup detection
# takes about a minute.
set -u
splite=$1
corpus=../shared/corpus/security_content
[ -d "$corpus/detections" ] || { echo "skip: $corpus not found"; exit 77; }
baseline=$(tr -dc '0-9' < tests/conformance/baseline.txt)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$splite" check --db :memory: --corpus "$corpus" --format jsonl --timeout 600 > "$tmp/empty.jsonl" 2>"$tmp/err" \
    || fail "check on an empty database exited non-zero: $(cat "$tmp/err")"
total=$(wc -l < "$tmp/empty.jsonl")
[ "$total" -gt 1000 ] || fail "only $total detections reported"
grep '"status": "ok"\|"status":"ok"' "$tmp/empty.jsonl" | sed 's/.*"file": *"\([^"]*\)".*/\1/' | sort > "$tmp/ok_empty"
ok=$(wc -l < "$tmp/ok_empty")
echo "empty database: $ok of $total detections pass (baseline $baseline)"
[ "$ok" -ge "$baseline" ] || fail "$ok detections pass, fewer than the baseline $baseline"

# the same on real rows
manifests=$(find ../shared/datasets/real datasets -name manifest.yml 2>/dev/null | sort)
if [ -n "$manifests" ]; then
    # shellcheck disable=SC2086
    "$splite" --db "$tmp/real.db" replay $manifests > /dev/null 2>"$tmp/err" || fail "replay failed: $(tail -3 "$tmp/err")"
    "$splite" check --db "$tmp/real.db" --corpus "$corpus" --format jsonl --timeout 600 > "$tmp/real.jsonl" 2>"$tmp/err" \
        || fail "check on the loaded database exited non-zero: $(cat "$tmp/err")"
    grep '"status": "ok"\|"status":"ok"' "$tmp/real.jsonl" | sed 's/.*"file": *"\([^"]*\)".*/\1/' | sort > "$tmp/ok_real"
    lost=$(comm -23 "$tmp/ok_empty" "$tmp/ok_real")
    if [ -n "$lost" ]; then
        echo "$lost" | head -20 | while read -r f; do grep -F "\"file\": \"$f\"" "$tmp/real.jsonl" || grep -F "\"file\":\"$f\"" "$tmp/real.jsonl"; done
        fail "detections that pass on an empty database fail on real rows"
    fi
    echo "loaded database: $(wc -l < "$tmp/ok_real") detections pass"
    if [ -d ../shared/datasets/real ]; then
        # detections that find something in the real attack data: no fewer than
        # real_rows_baseline.txt, and among them those that read the System
        # channel through eventtype=wineventlog_system (issue 13)
        hits=$(grep -cE '"rows": ?[1-9]' "$tmp/real.jsonl")
        rows_baseline=$(tr -dc '0-9' < tests/conformance/real_rows_baseline.txt)
        echo "loaded database: $hits detections return rows (baseline $rows_baseline)"
        [ "$hits" -ge "$rows_baseline" ] || fail "$hits detections return rows on the real data, fewer than $rows_baseline"
        for name in "Windows Event Log Cleared" "Windows Event For Service Disabled" \
                    "Malicious Powershell Executed As A Service"; do
            grep -F "\"name\":\"$name\"" "$tmp/real.jsonl" | grep -qE '"rows": ?[1-9]' \
                || fail "$name returns no rows on the real data (System channel events through eventtype=)"
        done
    fi
fi
exit 0
