#!/usr/bin/env bash
# tests/cli/ingest_rejected.sh: a load that stored nothing (wrong --format) exits
# non-zero and is not marked as loaded, so the corrected run loads the file;
# repeated rejections are shown 10 per kind, then counted.
. "$(dirname "$0")/lib/setup.sh"


# --- a load that stored nothing: non-zero, not marked as loaded ---------------
x1="<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>4688</EventID><TimeCreated SystemTime='2024-01-01T00:00:00Z'/><Computer>pc1</Computer></System></Event>"
for i in $(seq 1 30); do echo "$x1"; done >"$tmp/x.xml"
ing --format json "$tmp/x.xml" && fail "wrong --format: exit 0"
grep -q "no events loaded" "$tmp/err" || fail "wrong --format: no message: $(cat "$tmp/err")"
[ "$(grep -c 'x.xml:[0-9]*:' "$tmp/err")" = 10 ] || fail "rejections not capped at 10: $(grep -c 'x.xml:[0-9]*:' "$tmp/err")"
grep -q "x.xml: 20 more messages not shown" "$tmp/err" || fail "no count of hidden rejections: $(cat "$tmp/err")"
ing "$tmp/x.xml" || fail "corrected run: $(cat "$tmp/err")"
[ "$(q "SELECT count(*) FROM events WHERE EventCode = '4688'")" = 30 ] || fail "corrected run did not load"
echo "1 passed, 0 failed"
