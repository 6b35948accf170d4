#!/usr/bin/env bash
# tests/cli/evtx_damaged.sh: damaged .evtx files (made from a real one of
# ../shared/datasets/real; skipped without it): a truncated file keeps the
# records before the cut, a bad file header checksum or a damaged chunk or
# record is reported as "chunk N record M: reason" and the rest loads, a
# file without an EVTX header is an error naming it, random byte flips never
# crash or hang, loading the same file again loads nothing, and replay
# takes a manifest naming a .evtx.
. "$(dirname "$0")/lib/setup.sh"
src="$root/../shared/datasets/real/hayabusa-sample-evtx/evtx/DeepBlueCLI/many-events-application.evtx"
[ -f "$src" ] || { echo "../shared/datasets/real not present: skipped"; exit 77; }
# chunk 0 holds records 1..125, chunk 1 126..222; 2216 records in all
count() { q "SELECT count(*) FROM events"; }
flip() { # flip FILE OFFSET BYTE
    printf "\\x$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
fresh() { rm -f "$db"; cp "$src" "$tmp/$1.evtx"; }

# the whole file, then again: nothing loaded twice
fresh all
ing "$tmp/all.evtx" || fail "whole file: $(cat "$tmp/err")"
grep -q "2216 events loaded, 0 records rejected.*(evtx, sourcetype=XmlWinEventLog)" "$tmp/err" || fail "summary: $(cat "$tmp/err")"
ing "$tmp/all.evtx" || fail "again: $(cat "$tmp/err")"
grep -q "already loaded" "$tmp/err" || fail "second load: $(cat "$tmp/err")"
[ "$(count)" = 2216 ] || fail "loaded twice: $(count)"
# the same path with its first record changed (another log): refused, saying
# why; --replace loads it again without duplicates
flip "$tmp/all.evtx" $((4096 + 512 + 30)) ff
ing "$tmp/all.evtx" && fail "a changed .evtx loaded"
grep -q "all.evtx: not loaded: the file changed since it was loaded (it is not that log grown" "$tmp/err" || fail "changed: $(cat "$tmp/err")"
ing --replace "$tmp/all.evtx" || fail "replace: $(cat "$tmp/err")"
[ "$(count)" = 2216 ] || fail "replace: $(count) events"
# detected whatever its name
rm -f "$db"; cp "$src" "$tmp/noname.dat"
ing "$tmp/noname.dat" && [ "$(count)" = 2216 ] || fail "detection by signature: $(cat "$tmp/err")"

# replay: a manifest naming a .evtx
rm -f "$db"; cp "$src" "$tmp/r.evtx"
printf 'name: r\ndatasets:\n- name: r\n  path: r.evtx\n  sourcetype: XmlWinEventLog\n  source: XmlWinEventLog:Application\n' >"$tmp/m.yml"
"$splite" --db "$db" replay "$tmp/m.yml" 2>"$tmp/err" || fail "replay: $(cat "$tmp/err")"
[ "$(q "SELECT count(*) FROM events WHERE source = 'XmlWinEventLog:Application'")" = 2216 ] || fail "replay: $(cat "$tmp/err")"

# truncated in the middle of chunk 1: chunk 0 whole, then what chunk 1 holds whole
fresh trunc
truncate -s $((4096 + 65536 + 30000)) "$tmp/trunc.evtx"
ing "$tmp/trunc.evtx" || fail "truncated: $(cat "$tmp/err")"
grep -q "trunc.evtx: chunk 1: truncated (30000 of 65536 bytes)" "$tmp/err" || fail "truncation not reported: $(cat "$tmp/err")"
n=$(count)
[ "$n" -gt 125 ] && [ "$n" -lt 222 ] || fail "truncated file gave $n events"
[ "$(q "SELECT count(*) FROM events WHERE CAST(EventRecordID AS INTEGER) <= 125")" = 125 ] || fail "chunk 0 not whole"

# a file header whose checksum does not match: reported, everything loads
fresh hdr
flip "$tmp/hdr.evtx" 24 ff
ing "$tmp/hdr.evtx" || fail "header checksum: $(cat "$tmp/err")"
grep -q "hdr.evtx: file header checksum mismatch" "$tmp/err" || fail "header checksum not reported: $(cat "$tmp/err")"
grep -q "hdr.evtx: 2216 events loaded, 0 records rejected" "$tmp/err" || fail "a checksum warning counted as a rejection: $(cat "$tmp/err")"
[ "$(count)" = 2216 ] || fail "bad header checksum: $(count) events"

# not an EVTX file at all (signature gone), forced: an error naming it
fresh nosig
flip "$tmp/nosig.evtx" 0 58
ing --format evtx "$tmp/nosig.evtx" && fail "a file without EVTX header loaded"
grep -q "nosig.evtx: cannot read: not an EVTX file" "$tmp/err" || fail "no header: $(cat "$tmp/err")"
# ... and a truncated header
head -c 1000 "$src" >"$tmp/short.evtx"
rm -f "$db"
ing "$tmp/short.evtx" && fail "a 1000-byte file loaded"
grep -q "short.evtx: cannot read: truncated EVTX file header" "$tmp/err" || fail "short header: $(cat "$tmp/err")"

# chunk 1 without its signature: skipped, the others load
fresh chunk
flip "$tmp/chunk.evtx" $((4096 + 65536)) 58
ing "$tmp/chunk.evtx" || fail "bad chunk: $(cat "$tmp/err")"
grep -q "chunk.evtx: chunk 1: no ElfChnk signature; skipped" "$tmp/err" || fail "bad chunk not reported: $(cat "$tmp/err")"
[ "$(count)" = $((2216 - 97)) ] || fail "bad chunk: $(count) events"

# a chunk header byte changed: checksum reported, its records still load
fresh chdr
flip "$tmp/chdr.evtx" $((4096 + 65536 + 60)) 7f
ing "$tmp/chdr.evtx" || fail "chunk checksum: $(cat "$tmp/err")"
grep -q "chdr.evtx: chunk 1: chunk header checksum mismatch" "$tmp/err" || fail "chunk checksum: $(cat "$tmp/err")"
[ "$(count)" = 2216 ] || fail "chunk checksum: $(count) events"

# the first record of chunk 2 with a broken Binary XML token: that record is
# reported and skipped, every other record loads
fresh rec
r=$((4096 + 2 * 65536 + 512))
flip "$tmp/rec.evtx" $((r + 24)) ee
ing "$tmp/rec.evtx" || fail "bad record: $(cat "$tmp/err")"
grep -q "rec.evtx: chunk 2 record 223: unexpected token 0xee" "$tmp/err" || fail "bad record: $(cat "$tmp/err")"
[ "$(count)" = 2215 ] || fail "bad record: $(count) events"

# random flips: never a crash or a hang (each load bounded in time)
fresh rnd
seed=1
for i in $(seq 1 40); do
    cp "$src" "$tmp/rnd.evtx"
    for k in 1 2 3 4 5 6 7 8; do
        seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
        off=$(( seed % (4096 + 21 * 65536) ))
        flip "$tmp/rnd.evtx" "$off" "$(printf %02x $(( (seed >> 8) % 256 )))"
    done
    rm -f "$db"
    timeout 60 "$splite" --db "$db" ingest "$tmp/rnd.evtx" >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" -le 1 ] || fail "random flips (round $i): exit $rc: $(tail -3 "$tmp/err")"
done
echo "damaged .evtx files: ok"
