#!/usr/bin/env bash
# tests/cli/time_zones.sh: one rule for times without a zone. On the command
# line (--earliest/--latest/--now of search, sql, run, schedule) ISO 8601
# without offset and %m/%d/%Y:%H:%M:%S are both local time ($TZ), offsets
# and Z are respected, --now takes a time modifier everywhere, DST edges
# included; cron schedules run in local time; `ingest --tz ZONE` (and
# replay's) reads zone-less event timestamps (classic WinEventLog, kv, JSON)
# in ZONE, by default in local time; a bad zone is refused with exit 2; bin
# and timechart buckets are counted on local time (day spans from local
# midnight).
# GNU date is the reference for the expected epochs.
set -u
splite=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for z in America/New_York Asia/Kolkata; do
    [ -f "/usr/share/zoneinfo/$z" ] || { echo "SKIP: no time zone database (/usr/share/zoneinfo/$z; install tzdata)"; exit 77; }
done
db="$tmp/t.db"
epoch() { TZ=$1 date -d "$2" +%s; } # zone, time
# the lower bound of the time range in the SQL of `sql`
earliest() { # zone, options...
    local z=$1
    shift
    TZ=$z "$splite" --db :memory: sql "$@" 'index=main' | grep -o '_time >= [0-9.]*' | head -1 | awk '{print $3}'
}

ny=America/New_York
want=$(epoch $ny '2026-12-07 13:50:00')
[ "$(earliest $ny --earliest 2026-12-07T13:50:00)" = "$want" ] || fail "ISO without zone is not local time"
[ "$(earliest $ny --earliest '2026-12-07 13:50:00')" = "$want" ] || fail "ISO with a space is not local time"
[ "$(earliest $ny --earliest 12/07/2026:13:50:00)" = "$want" ] || fail "%m/%d/%Y:%H:%M:%S is not local time"
[ "$(earliest UTC --earliest 2026-12-07T13:50:00)" = "$(epoch UTC '2026-12-07 13:50:00')" ] || fail "ISO in UTC"
[ "$(earliest $ny --earliest 2026-12-07T13:50:00Z)" = "$(epoch UTC '2026-12-07 13:50:00')" ] || fail "Z is not UTC"
[ "$(earliest $ny --earliest 2026-12-07T13:50:00+01:00)" = "$(epoch UTC '2026-12-07 12:50:00')" ] || fail "+01:00"
# either side of the spring-forward change (02:00 EST -> 03:00 EDT)
[ "$(earliest $ny --earliest 2026-03-08T01:59:59)" = "$(epoch UTC '2026-03-08 06:59:59')" ] || fail "before DST"
[ "$(earliest $ny --earliest 2026-03-08T03:00:00)" = "$(epoch UTC '2026-03-08 07:00:00')" ] || fail "after DST"
[ "$(earliest $ny --earliest 03/08/2026:03:00:00)" = "$(epoch UTC '2026-03-08 07:00:00')" ] || fail "after DST (%m/%d/%Y)"
# --now takes a time modifier (not only epoch seconds); @d snaps to local midnight
[ "$(earliest $ny --now 12/07/2026:13:50:00 --earliest -1h@h)" = "$(epoch $ny '2026-12-07 12:00:00')" ] || fail "--now as a time"
[ "$(earliest $ny --now 2026-12-07T02:00:00Z --earliest @d)" = "$(epoch $ny '2026-12-06 00:00:00')" ] || fail "@d local"
[ "$(earliest $ny --now 2026-03-09T12:00:00 --earliest -1d@d)" = "$(epoch $ny '2026-03-08 00:00:00')" ] || fail "-1d@d over DST"
TZ=$ny "$splite" --db :memory: search --now 13/45/2026 'index=main' >/dev/null 2>"$tmp/e"
[ $? = 2 ] && grep -q 'now.*13/45/2026' "$tmp/e" || fail "a bad --now: $(cat "$tmp/e")"

# cron in local time: hourly at :00 in Kolkata (+05:30) is :30 UTC; the
# first scheduled run is the latest due time, its window -70m@m..-10m@m
det=detections/endpoint/windows_iis_components_new_module_added.yml
printf "a=1\n" | "$splite" --db "$tmp/s.db" ingest -q - || fail "create s.db"
TZ=Asia/Kolkata "$splite" --db "$tmp/s.db" schedule -q --now 2024-06-03T10:00:00Z "$det" || fail "schedule"
got=$(sqlite3 "$tmp/s.db" 'SELECT CAST(scheduled_time AS INT) || " " || CAST(window_earliest AS INT) FROM runs')
[ "$got" = "$(epoch UTC '2024-06-03 09:30') $(epoch UTC '2024-06-03 08:20')" ] || fail "cron in Kolkata time: $got"

# event timestamps without a zone
printf '12/07/2026 01:50:00 PM\nLogName=Security\nEventCode=4688\nComputerName=h1\nMessage=A process.\n' >"$tmp/wel.log"
printf 'time=2026-07-01T13:50:00 EventCode=2\ntime=2026-07-01T13:50:00Z EventCode=3\n' >"$tmp/e.kv"
printf '{"timestamp": "2026-07-01T13:50:00.5", "EventCode": "4"}\n' >"$tmp/e.json"
times() { "$splite" --db "$1" search --format csv '* | sort EventCode | table EventCode _time' | tail -n +2 | tr -d '"' | tr '\n' ' '; }
expect() { # zone of the zone-less stamps
    echo "2,$(epoch "$1" '2026-07-01 13:50:00') 3,$(epoch UTC '2026-07-01 13:50:00') 4,$(epoch "$1" '2026-07-01 13:50:00').5 4688,$(epoch "$1" '2026-12-07 13:50:00') "
}
TZ=UTC "$splite" --db "$tmp/a.db" ingest -q --tz $ny "$tmp/wel.log" "$tmp/e.kv" "$tmp/e.json" || fail "ingest --tz"
[ "$(times "$tmp/a.db")" = "$(expect $ny)" ] || fail "ingest --tz $ny: $(times "$tmp/a.db")"
TZ=$ny "$splite" --db "$tmp/b.db" ingest -q "$tmp/wel.log" "$tmp/e.kv" "$tmp/e.json" || fail "ingest in TZ"
[ "$(times "$tmp/b.db")" = "$(expect $ny)" ] || fail "ingest, local default: $(times "$tmp/b.db")"
TZ=$ny "$splite" --db "$tmp/c.db" ingest -q --tz=+05:30 "$tmp/wel.log" "$tmp/e.kv" "$tmp/e.json" || fail "ingest --tz=+05:30"
[ "$(times "$tmp/c.db")" = "$(expect Asia/Kolkata)" ] || fail "ingest --tz=+05:30: $(times "$tmp/c.db")"
TZ=$ny "$splite" --db "$tmp/d.db" ingest -q --tz UTC "$tmp/wel.log" "$tmp/e.kv" "$tmp/e.json" || fail "ingest --tz UTC"
[ "$(times "$tmp/d.db")" = "$(expect UTC)" ] || fail "ingest --tz UTC: $(times "$tmp/d.db")"
# replay takes --tz too
mkdir -p "$tmp/m"
cp "$tmp/wel.log" "$tmp/m/"
printf 'name: t\nid: x\ndatasets:\n- name: wel\n  path: wel.log\n  sourcetype: WinEventLog\n  source: WinEventLog:Security\n' >"$tmp/m/manifest.yml"
"$splite" --db "$tmp/r.db" replay -q --tz Asia/Kolkata "$tmp/m/manifest.yml" 2>/dev/null || fail "replay --tz"
[ "$(times "$tmp/r.db")" = "4688,$(epoch Asia/Kolkata '2026-12-07 13:50:00') " ] || fail "replay --tz: $(times "$tmp/r.db")"
# bad zones: exit 2, the zone named, nothing loaded
for z in Mars/Olympus_Mons +25:00 ../etc/passwd ''; do
    "$splite" --db "$tmp/x.db" ingest --tz "$z" "$tmp/wel.log" 2>"$tmp/e"
    [ $? = 2 ] && grep -q -- "--tz" "$tmp/e" || fail "--tz '$z' accepted: $(cat "$tmp/e")"
done
[ ! -e "$tmp/x.db" ] || [ "$(sqlite3 "$tmp/x.db" 'SELECT count(*) FROM events' 2>/dev/null || echo 0)" = 0 ] || fail "a bad --tz loaded events"

# bin and timechart count their buckets on local time: day spans start at
# local midnight, across the DST change of 2026-03-08 in New York too; hour
# spans in a half-hour zone start on the local hour
printf '%s\n' '{"_time": "2026-03-07T03:30:00Z"}' '{"_time": "2026-03-08T12:00:00Z"}' '{"_time": "2026-03-10T04:30:00Z"}' > "$tmp/bins.json"
"$splite" --db "$tmp/bins.db" ingest -q --format json "$tmp/bins.json" || fail "ingest bins.json"
days() { TZ=$1 "$splite" --db "$tmp/bins.db" search "* | $2 | eval d=strftime(_time, \"%Y-%m-%d %H:%M %z\") | table d" | tr -d '{}"' | sed 's/^d://' | tr '\n' ','; }
want='2026-03-06 00:00 -0500,2026-03-08 00:00 -0500,2026-03-10 00:00 -0400,'
[ "$(days $ny 'bin _time span=1d | dedup _time | sort _time')" = "$want" ] || fail "bin span=1d in New York: $(days $ny 'bin _time span=1d | dedup _time | sort _time')"
want='2026-03-06 00:00 -0500,2026-03-07 00:00 -0500,2026-03-08 00:00 -0500,2026-03-09 00:00 -0400,2026-03-10 00:00 -0400,'
[ "$(days $ny 'timechart span=1d count')" = "$want" ] || fail "timechart span=1d in New York: $(days $ny 'timechart span=1d count')"
want='2026-03-07 09:00 +0530,2026-03-08 17:00 +0530,2026-03-10 10:00 +0530,'
[ "$(days Asia/Kolkata 'bin _time span=1h | sort _time')" = "$want" ] || fail "bin span=1h in Kolkata: $(days Asia/Kolkata 'bin _time span=1h | sort _time')"
want='2026-03-07 00:00 +0000,2026-03-08 00:00 +0000,2026-03-10 00:00 +0000,'
[ "$(days UTC 'bin _time span=1d | sort _time')" = "$want" ] || fail "bin span=1d in UTC: $(days UTC 'bin _time span=1d | sort _time')"
echo ok
