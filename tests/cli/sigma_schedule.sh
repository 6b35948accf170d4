#!/usr/bin/env bash
# tests/cli/sigma_schedule.sh: `splite schedule` runs a Sigma rule (which has
# no schedule) with deployments/splite_default_sigma.yml (hourly, window
# -70m@m..-10m@m, risk and notable actions), in one call with a Splunk
# detection; a rule's own `deployment:` block overrides it as for Splunk
# detections; a user's deployments directory (SPLITE_HOME) replaces it.
set -u
splite=$(realpath "$1")
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SPLITE_HOME=$root TZ=UTC
fail() { echo "FAIL: $*"; exit 1; }
db="$tmp/t.db"
rule=tests/sigma_run/rules/splite_fixture_tool.yml
splunk=detections/endpoint/windows_iis_components_add_new_module.yml
"$splite" --db "$db" ingest --quiet tests/sigma_run/events.xml 2>"$tmp/err" || fail "ingest: $(cat "$tmp/err")"
q() { sqlite3 -separator '|' "$db" "$1"; }

# 2026-12-01T11:00Z: the 09:50..10:50 window holds both splitefix.exe starts
"$splite" --db "$db" schedule --now 1796122800 -q "$rule" "$splunk" 2>"$tmp/err" || fail "schedule: $(cat "$tmp/err")"
got=$(q "SELECT detection, CAST(scheduled_time AS INT), CAST(window_earliest AS INT), CAST(window_latest AS INT), rows, risk_events, notables, status
         FROM runs WHERE detection LIKE 'Splite%'")
[ "$got" = "Splite Fixture Tool Started|1796122800|1796118600|1796122200|2|4|2|success" ] || fail "sigma run: $got"
[ "$(q "SELECT count(*) FROM runs")" = 2 ] || fail "the Splunk detection did not run in the same call"
[ "$(q "SELECT count(*) FROM notable WHERE search_name = 'Sigma - Splite Fixture Tool Started - Rule' AND rule_author = 'splite project'")" = 2 ] ||
    fail "notables: $(q 'SELECT search_name, rule_author FROM notable')"
# 20 minutes later: not due (hourly)
"$splite" --db "$db" schedule --now 1796124000 -q "$rule" 2>/dev/null || fail "schedule 2"
[ "$(q "SELECT count(*) FROM runs WHERE detection LIKE 'Splite%'")" = 1 ] || fail "ran before it was due"

# the rule's own deployment block (as a Splunk detection's): every 20 minutes, 20-minute window
cp "$rule" "$tmp/own.yml"
cat >> "$tmp/own.yml" <<'YML'
deployment:
    scheduling:
        cron_schedule: '*/20 * * * *'
        earliest_time: -20m@m
        latest_time: now
YML
rm -f "$tmp/o.db"
"$splite" --db "$tmp/o.db" ingest --quiet tests/sigma_run/events.xml 2>/dev/null
"$splite" --db "$tmp/o.db" schedule --now 1796121600 -q "$tmp/own.yml" 2>"$tmp/err" || fail "own deployment: $(cat "$tmp/err")"   # 10:40Z
got=$(sqlite3 -separator '|' "$tmp/o.db" "SELECT CAST(window_earliest AS INT), CAST(window_latest AS INT), rows FROM runs")
[ "$got" = "1796120400|1796121600|1" ] || fail "own deployment window 10:20..10:40: $got"

# a bad cron in the rule's deployment: a load error with file and line
sed 's#\*/20 \* \* \* \*#61 * * * *#' "$tmp/own.yml" > "$tmp/bad.yml"
"$splite" --db "$tmp/o.db" schedule --now 1796121600 -q "$tmp/bad.yml" 2>"$tmp/err" && fail "bad cron accepted"
grep -q "bad.yml:[0-9]*: deployment.scheduling.cron_schedule" "$tmp/err" || fail "bad cron message: $(cat "$tmp/err")"

# SPLITE_HOME with its own deployments: its Sigma default (every 30 minutes) is used
mkdir -p "$tmp/home"
for d in datamodels macros lookups; do ln -s "$root/$d" "$tmp/home/$d"; done
mkdir "$tmp/home/deployments"
sed -e 's#^  cron_schedule: .*#  cron_schedule: "*/30 * * * *"#' -e 's#^  earliest_time: .*#  earliest_time: -30m@m#' -e 's#^  latest_time: .*#  latest_time: now#' \
    deployments/splite_default_sigma.yml > "$tmp/home/deployments/sigma.yml"
rm -f "$tmp/h.db"
"$splite" --db "$tmp/h.db" ingest --quiet tests/sigma_run/events.xml 2>/dev/null
SPLITE_HOME=$tmp/home "$splite" --db "$tmp/h.db" schedule --now 1796121000 -q "$rule" 2>"$tmp/err" || fail "home deployment: $(cat "$tmp/err")"  # 10:30Z
got=$(sqlite3 -separator '|' "$tmp/h.db" "SELECT CAST(window_earliest AS INT), CAST(window_latest AS INT), rows FROM runs")
[ "$got" = "1796119200|1796121000|1" ] || fail "SPLITE_HOME deployment window 10:00..10:30: $got"
echo ok
