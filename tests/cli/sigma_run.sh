#!/usr/bin/env bash
# tests/cli/sigma_run.sh: Sigma rules run as detections: a directory mixing
# Sigma and Splunk files loads; `run` of a Sigma rule over a small
# XmlWinEventLog dataset makes risk events (score from level, host and user
# risk objects) and notables that carry the rule's title, id and author;
# rules sharing a title get unique names; older databases get the new risk
# and notable columns in place; Risk.All_Risk still reads the risk table; a
# rule that does not compile is a load error naming file and line.
set -u
splite=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SPLITE_HOME=$PWD TZ=UTC
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/t.db"
fix=tests/sigma_run
"$splite" --db "$db" ingest --quiet "$fix/events.xml" 2>"$tmp/err" || fail "ingest: $(cat "$tmp/err")"

# one directory: two Sigma rules (one title) and a Splunk detection
mkdir "$tmp/mixed"
cp "$fix"/rules/*.yml detections/endpoint/windows_iis_components_add_new_module.yml "$tmp/mixed/"
"$splite" --db "$db" run --all-time --format jsonl "$tmp/mixed" >"$tmp/out" 2>"$tmp/err" || fail "run: $(cat "$tmp/err")"
grep -q "run: 3 detections, 0 failed" "$tmp/err" || fail "totals: $(cat "$tmp/err")"
tool='Splite Fixture Tool Started (0b5c8e3a-6f1d-4c2e-9a7b-3d4e5f6a7b8c)'
grep -q "^$tool: 2 rows, 4 risk events" "$tmp/err" || fail "the tool rule (named with its id): $(cat "$tmp/err")"
grep -q "^Splite Fixture Tool Started (splite_fixture_whoami): 1 rows" "$tmp/err" ||
    fail "the rule without id is named after its file: $(cat "$tmp/err")"

# risk events: host -> system, User -> user, level high -> 75, author in the message
q() { sqlite3 -separator '|' "$db" "$1"; }
got=$(q "SELECT risk_object_type, risk_object, risk_score, rule_id, rule_author, rule_origin FROM risk
         WHERE search_name = 'Sigma - $tool - Rule' ORDER BY _time, risk_object_type")
exp='system|web-09.corp.example|75|0b5c8e3a-6f1d-4c2e-9a7b-3d4e5f6a7b8c|splite project|sigma
user|CORP\adm.fixture|75|0b5c8e3a-6f1d-4c2e-9a7b-3d4e5f6a7b8c|splite project|sigma
system|web-10.corp.example|75|0b5c8e3a-6f1d-4c2e-9a7b-3d4e5f6a7b8c|splite project|sigma
user|CORP\svc.fixture|75|0b5c8e3a-6f1d-4c2e-9a7b-3d4e5f6a7b8c|splite project|sigma'
[ "$got" = "$exp" ] || fail "risk rows: $got"
msg=$(q "SELECT DISTINCT risk_message FROM risk WHERE risk_object = 'web-09.corp.example' AND rule_origin = 'sigma' AND risk_score = 75")
[ "$msg" = "Splite Fixture Tool Started on web-09.corp.example (rule by splite project)" ] || fail "risk message: $msg"
[ "$(q "SELECT annotations_mitre_attack FROM risk WHERE risk_score = 25")" = '["T1059.003"]' ] && fail "the whoami rule has no tags"
[ "$(q "SELECT DISTINCT CAST(annotations_mitre_attack AS TEXT) FROM risk WHERE risk_score = 75")" = '["T1059.003"]' ] ||
    fail "ATT&CK from tags: $(q 'SELECT annotations_mitre_attack FROM risk')"
# level low -> 25, no user field in its results -> host only
[ "$(q "SELECT count(*), min(risk_object_type), max(risk_score) FROM risk WHERE search_name LIKE 'Sigma - % (splite_fixture_whoami) - Rule'")" = "1|system|25" ] ||
    fail "whoami rule: $(q 'SELECT * FROM risk WHERE risk_score = 25')"
# notables: one per matching event, with title, id and author
got=$(q "SELECT rule_title, severity, rule_id, rule_author, rule_origin, rule_description FROM notable WHERE rule_origin = 'sigma' AND severity = 'high'" | sort -u)
[ "$got" = "$tool|high|0b5c8e3a-6f1d-4c2e-9a7b-3d4e5f6a7b8c|splite project|sigma|A process named splitefix.exe starts (fixture for splite's tests). (rule by splite project)" ] ||
    fail "notable: $got"
[ "$(q "SELECT count(*) FROM notable WHERE rule_origin = 'sigma'")" = 3 ] || fail "notables: $(q 'SELECT count(*) FROM notable')"
grep -q '"record":"notable".*"rule_id":"0b5c8e3a-6f1d-4c2e-9a7b-3d4e5f6a7b8c","rule_author":"splite project","rule_origin":"sigma"' "$tmp/out" ||
    fail "jsonl notable lacks the rule: $(grep notable "$tmp/out" | head -1)"

# the Splunk detection: its id and author are recorded too, origin splunk
"$splite" --db "$db" replay datasets/attack_techniques/T1505.004/manifest.yml >/dev/null 2>&1 || fail "replay"
"$splite" --db "$db" run --all-time "$tmp/mixed/windows_iis_components_add_new_module.yml" >/dev/null 2>"$tmp/err" || fail "run splunk: $(cat "$tmp/err")"
[ "$(q "SELECT DISTINCT rule_origin, rule_id, rule_author IS NOT NULL FROM risk WHERE search_name LIKE 'ESCU - %'")" = "splunk|$(sed -n 's/^id: //p' "$tmp/mixed/windows_iis_components_add_new_module.yml")|1" ] ||
    fail "splunk rule columns: $(q "SELECT DISTINCT rule_origin, rule_id, rule_author FROM risk WHERE search_name LIKE 'ESCU - %'")"

# Risk.All_Risk reads both
out=$("$splite" --db "$db" search --format jsonl '| tstats count from datamodel=Risk.All_Risk where All_Risk.search_name="Sigma - *" by All_Risk.risk_object_type' 2>&1)
[ "$out" = '{"All_Risk.risk_object_type":"system","count":3}
{"All_Risk.risk_object_type":"user","count":2}' ] || fail "tstats Risk: $out"

# a database made before the rule columns gets them in place; nothing stored is lost
sqlite3 "$db" 'ALTER TABLE risk DROP COLUMN rule_origin; ALTER TABLE risk DROP COLUMN rule_author; ALTER TABLE risk DROP COLUMN rule_id;
               ALTER TABLE notable DROP COLUMN rule_origin; ALTER TABLE notable DROP COLUMN rule_author; ALTER TABLE notable DROP COLUMN rule_id' ||
    fail "could not make an old database"
cnt="SELECT count(*) FROM risk WHERE search_name = 'Sigma - $tool - Rule'"
before=$(q "$cnt")
"$splite" --db "$db" run --all-time "$fix/rules" >/dev/null 2>"$tmp/err" || fail "run on an old database: $(cat "$tmp/err")"
after=$(q "$cnt"); [ "$after" = "$before" ] || fail "risk events duplicated or lost on upgrade: $before -> $after: $(cat "$tmp/err")"
[ "$(q "SELECT count(*) FROM pragma_table_info('notable') WHERE name IN ('rule_id', 'rule_author', 'rule_origin')")" = 3 ] ||
    fail "notable columns not added"

# a rule that does not compile: a load error with file and line, the others still run
cat > "$tmp/mixed/broken.yml" <<'YML'
title: Broken Rule
logsource:
    product: windows
detection:
    selection:
        Image|nosuchmodifier: x
    condition: selection
YML
"$splite" --db "$db" run --all-time "$tmp/mixed" >/dev/null 2>"$tmp/err" && fail "a broken rule did not fail the run"
grep -q "^splite: $tmp/mixed/broken.yml:[0-9]*: .*nosuchmodifier" "$tmp/err" || fail "load error: $(cat "$tmp/err")"
grep -q "run: 3 detections, 0 failed" "$tmp/err" || fail "the others did not run: $(cat "$tmp/err")"
echo ok
