#!/usr/bin/env bash
# tests/cli/evtx_grown.sh: a live .evtx loaded, then loaded again after the
# log wrote more: Windows rewrites the file header and the last chunk in
# place and fills chunks that were zeros (the file's size need not change).
# The earlier state is made from a real file of ../shared/datasets/real
# (skipped without it): its first 20 chunks, the 20th holding only its first
# 30 records, zeros after, the original size. Loading the full file then
# loads the 20th chunk again and the chunks after it: every record once.
# The same file again loads nothing; another log at the same path is refused.
. "$(dirname "$0")/lib/setup.sh"
src="$root/../shared/datasets/real/hayabusa-sample-evtx/evtx/DeepBlueCLI/smb-password-guessing-security.evtx"
[ -f "$src" ] || { echo "../shared/datasets/real not present: skipped"; exit 77; }
count() { q "SELECT count(*) FROM events"; }
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
put_u32() { # put_u32 FILE OFFSET VALUE (little-endian)
    local v=$3
    printf "\\x$(printf %02x $((v & 255)))\\x$(printf %02x $(((v >> 8) & 255)))\\x$(printf %02x $(((v >> 16) & 255)))\\x$(printf %02x $(((v >> 24) & 255)))" |
        dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

size=$(stat -c %s "$src")
c=$((4096 + 19 * 65536)) # chunk 19
early="$tmp/early.evtx"
head -c $((c + 65536)) "$src" >"$early"
off=512
for ((i = 0; i < 30; i++)); do off=$((off + $(u32 "$src" $((c + off + 4))))); done
dd if=/dev/zero of="$early" bs=1 seek=$((c + off)) count=$((65536 - off)) conv=notrunc status=none
put_u32 "$early" $((c + 48)) "$off" # the chunk's free space starts after record 30
put_u32 "$early" 24 12345           # the header's next record id, as a live header would differ
truncate -s "$size" "$early"

live="$tmp/Security.evtx"
cp "$early" "$live"
ing "$live" || fail "early state: $(cat "$tmp/err")"
n1=$(count)
[ "$n1" -gt 2000 ] && [ "$n1" -lt 3561 ] || fail "early state gave $n1 events"
ing "$live" && grep -q "already loaded" "$tmp/err" || fail "early state again: $(cat "$tmp/err")"

# the log wrote more: the 20th chunk is read again, then the rest
cp "$src" "$live"
ing "$live" || fail "grown: $(cat "$tmp/err")"
grep -q "Security.evtx: loaded before and grown since (chunk 19 was written to): loading again from it" "$tmp/err" ||
    fail "grown not recognised: $(cat "$tmp/err")"
[ "$(count)" = 3561 ] || fail "grown: $(count) events, want 3561"
[ "$(q "SELECT count(DISTINCT EventRecordID) FROM events")" = 3561 ] || fail "a record loaded twice"
[ "$(q "SELECT count(*) FROM files")" = 1 ] || fail "a second load: $(q "SELECT id, path, status FROM files")"
ing "$live" && grep -q "already loaded" "$tmp/err" || fail "grown file again: $(cat "$tmp/err")"
[ "$(count)" = 3561 ] || fail "loaded twice: $(count)"

# a copy of the grown log under another name is that log, loaded already
cp "$src" "$tmp/copy.evtx"
ing "$tmp/copy.evtx" && grep -q "already loaded" "$tmp/err" || fail "copy: $(cat "$tmp/err")"

# another log at the same path (its first chunk differs): refused
other="$root/../shared/datasets/real/hayabusa-sample-evtx/evtx/DeepBlueCLI/many-events-application.evtx"
cp "$other" "$live"
ing "$live" && fail "another log at the same path loaded"
grep -q "Security.evtx: not loaded: the file changed since it was loaded (it is not that log grown" "$tmp/err" ||
    fail "other log: $(cat "$tmp/err")"
[ "$(count)" = 3561 ] || fail "other log: $(count)"
echo "ok: $n1 events, then 3561 after growth, no record twice"
