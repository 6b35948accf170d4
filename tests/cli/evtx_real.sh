#!/usr/bin/env bash
# tests/cli/evtx_real.sh: every .evtx under ../shared/datasets/real/*/evtx/
# loads as exactly the events splite loads from the .log conversions beside
# it (the manifests' origin says which .log came from which .evtx; one .evtx
# may give several, one per channel): all fields, _time, host, source,
# sourcetype and _raw, compared as sorted JSON lines. Skips without
# ../shared.
. "$(dirname "$0")/lib/setup.sh"
real="$root/../shared/datasets/real"
ls "$real"/*/manifest.yml >/dev/null 2>&1 || { echo "../shared/datasets/real not present: skipped"; exit 77; }

n=0
for man in "$real"/*/manifest.yml; do
    top=$(dirname "$man")
    # origin -> the .log paths converted from it
    awk '/^- name:/ {p=""} /^  path:/ {p=$2} /^  origin:/ {sub(/^  origin: /, ""); print $0 "\t" p}' "$man" |
        tr -d "'" | sort >"$tmp/pairs"
    cut -f1 "$tmp/pairs" | uniq >"$tmp/origins"
    while IFS= read -r origin; do
        evtx="$top/evtx/$origin"
        [ -f "$evtx" ] || continue
        rm -f "$tmp/e.db" "$tmp/l.db"
        "$splite" --db "$tmp/e.db" ingest --quiet "$evtx" 2>"$tmp/err" || fail "$origin: $(cat "$tmp/err")"
        [ -s "$tmp/err" ] && fail "$origin: messages: $(cat "$tmp/err")"
        awk -F'\t' -v o="$origin" '$1 == o {print $2}' "$tmp/pairs" | while IFS= read -r log; do
            "$splite" --db "$tmp/l.db" ingest --quiet "$top/$log" 2>>"$tmp/err" || fail "$log: $(cat "$tmp/err")"
        done
        "$splite" --db "$tmp/e.db" search --format jsonl 'index=*' | sort >"$tmp/e.out"
        "$splite" --db "$tmp/l.db" search --format jsonl 'index=*' | sort >"$tmp/l.out"
        [ -s "$tmp/l.out" ] || fail "$origin: nothing loaded from its .log files"
        if ! cmp -s "$tmp/e.out" "$tmp/l.out"; then
            diff "$tmp/e.out" "$tmp/l.out" | head -6 | cut -c1-1500
            fail "$origin: the events from the .evtx differ from those of its .log files"
        fi
        n=$((n + 1))
    done <"$tmp/origins"
done
[ "$n" -gt 0 ] || fail "no .evtx found beside the manifests"
echo "$n .evtx files load as their .log conversions"
