#!/usr/bin/env bash
# tests/cli/help.sh: the command line agrees with itself and with README.md:
# `splite --version`, `splite help [COMMAND]`, `splite COMMAND -h|--help`
# (exit 0); the README synopsis block is the synopsis `splite help` prints,
# line for line; each command's options section lists exactly the options of
# its synopsis and of its option parser (the option strings in its source),
# every listed option is accepted, and an unknown one prints the same usage
# line with exit status 2.
set -u
splite=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export SPLITE_DB="$tmp/t.db"

v=$("$splite" --version) || fail "--version exit status"
echo "$v" | grep -Eq '^splite [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version prints '$v'"

"$splite" help >"$tmp/help" || fail "splite help exit status"
"$splite" --help >"$tmp/help2" || fail "splite --help exit status"
"$splite" -h >"$tmp/help3" || fail "splite -h exit status"
cmp -s "$tmp/help" "$tmp/help2" && cmp -s "$tmp/help" "$tmp/help3" || fail "help, --help and -h differ"
"$splite" >/dev/null 2>&1; [ $? = 2 ] || fail "no command: exit 2 expected"
"$splite" nosuchcommand >/dev/null 2>&1; [ $? = 2 ] || fail "unknown command: exit 2 expected"
"$splite" help nosuchcommand >/dev/null 2>&1; [ $? = 2 ] || fail "help of an unknown command: exit 2 expected"

# README's synopsis block (after "## Use"; comments after '#' dropped) is
# the synopsis of `splite help`
awk '/^## Use/ {u=1} u && /^```/ {n++; next} u && n == 1' README.md | grep '^splite' |
    sed -E 's/[[:space:]]+#.*$//; s/[[:space:]]+$//' >"$tmp/readme_syn"
sed -n '/^usage:/,/^$/p' "$tmp/help" | grep '^  splite' | sed 's/^  //' >"$tmp/help_syn"
[ -s "$tmp/help_syn" ] || fail "no synopsis in splite help"
diff "$tmp/readme_syn" "$tmp/help_syn" >"$tmp/d" || fail "README synopsis and splite help differ:
$(cat "$tmp/d")"

# the commands: from the synopsis lines of `splite help`
cmds=$(grep -E '^splite [a-z]+( |$)' "$tmp/help_syn" | awk '{print $2}' | grep -v '^help$')
[ "$(echo "$cmds" | wc -w)" -ge 10 ] || fail "too few commands in splite help: $cmds"

# the option strings an option parser compares arguments with
src_options() {
    grep -oh '"-\(-[a-z][a-z-]*\|[a-z]\)[="]' "$@" | tr -d '"=' | sort -u
}
sources() {
    case $1 in
    ingest) echo src/cmd_ingest.c src/ingest_dir.c ;;
    replay) echo src/cmd_replay.c src/cmd_ingest.c ;;
    search) echo src/cmd_search.c src/spl_cli.c ;;
    sql) echo src/cmd_sql.c src/spl_cli.c ;;
    *) echo "src/cmd_$1.c" ;;
    esac
}
# a value an option accepts, to show it is parsed
value_of() {
    case $1 in
    --index) echo main ;; --sourcetype | --source | --host) echo x ;;
    --format) case $2 in ingest | replay) echo kv ;; *) echo jsonl ;; esac ;;
    --tz) echo UTC ;; --earliest) echo -1d@d ;; --latest | --now) echo now ;;
    --max-catchup | --limit | --timeout | --slowest | --jobs) echo 1 ;;
    --junit) echo "$tmp/junit.xml" ;; --datasets | --corpus | --mappings) echo "$tmp/empty" ;;
    esac
}
# arguments that make the command end quickly once its options are parsed
rest_of() {
    case $1 in
    ingest) echo "$tmp/missing.log" ;; replay) echo "$tmp/missing.yml" ;;
    search | sql) echo 'index=nothing' ;; run | schedule | test) echo "$tmp/empty" ;;
    check) echo "--corpus $tmp/empty" ;; sigma) echo "lint $tmp/empty" ;;
    esac
}
mkdir -p "$tmp/empty/detections"

for c in $cmds; do
    "$splite" "$c" --help >"$tmp/h1" 2>"$tmp/e1" || fail "$c --help exit status"
    [ ! -s "$tmp/e1" ] || fail "$c --help wrote to stderr"
    "$splite" "$c" -h >"$tmp/h2" || fail "$c -h exit status"
    "$splite" help "$c" >"$tmp/h3" || fail "help $c exit status"
    cmp -s "$tmp/h1" "$tmp/h2" && cmp -s "$tmp/h1" "$tmp/h3" || fail "$c: --help, -h and help $c differ"
    syn=$(grep -E "^splite $c( |\$)" "$tmp/help_syn")
    [ "$(head -1 "$tmp/h1")" = "usage: $syn" ] || fail "$c --help usage line differs from splite help: $(head -1 "$tmp/h1")"
    # options: the synopsis, the options section and the parser agree
    echo "$syn" | grep -o '[[|]-[-a-z]*' | tr -d '[|' | sort -u >"$tmp/o_syn"
    sed -n '/^options:/,/^$/p' "$tmp/h1" | grep -oE '^  (-[a-z], )?--[a-z-]+' | tr -d ' ' | tr ',' '\n' | sort -u >"$tmp/o_help"
    # the synopsis shows -q for "-q, --quiet", -r for "-r, --recursive"
    sed 's/^--quiet$/-q/; s/^--recursive$/-r/' "$tmp/o_help" | sort -u >"$tmp/o_help_short"
    diff "$tmp/o_syn" "$tmp/o_help_short" >"$tmp/d" || fail "$c: synopsis and options section differ:
$(cat "$tmp/d")"
    # shellcheck disable=SC2046
    src_options $(sources "$c") >"$tmp/o_src"
    # sql shares the parser of search but refuses --format (it prints SQL)
    [ "$c" = sql ] && sed -i '/^--format$/d' "$tmp/o_src"
    diff "$tmp/o_help" "$tmp/o_src" >"$tmp/d" || fail "$c: --help and the option parser differ (< help, > parser):
$(cat "$tmp/d")"
    # every option listed is accepted
    for o in $(cat "$tmp/o_help"); do
        val=$(value_of "$o" "$c")
        # shellcheck disable=SC2046
        (cd "$tmp" && "$splite" "$c" "$o" ${val:+"$val"} $(rest_of "$c")) >/dev/null 2>"$tmp/e" </dev/null
        rc=$?
        if [ $rc = 2 ] || grep -Eq 'unknown option|unexpected argument|usage:' "$tmp/e"; then
            fail "$c $o ${val:-}: refused (exit $rc): $(cat "$tmp/e")"
        fi
    done
    # an unknown option: the same usage line, exit 2
    "$splite" "$c" --no-such-option $(rest_of "$c") >/dev/null 2>"$tmp/e" </dev/null
    [ $? = 2 ] || fail "$c --no-such-option: exit 2 expected"
    grep -qxF "usage: $syn" "$tmp/e" || fail "$c --no-such-option: usage line differs: $(cat "$tmp/e")"
done
[ "$c" ] || fail "no command tested"
echo "ok: $(echo $cmds | wc -w) commands"
