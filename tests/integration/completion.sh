# tests/integration/completion.sh - the bash completion (completions/ipctop): sources it in
# bash, fills COMP_WORDS/COMP_CWORD as bash would for a few command lines, calls the function
# and checks COMPREPLY. Asks the ipctop under test (options from --help, demos from
# `demo list`). Runs under bash (re-executes itself when started by sh).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

COMPLETION="${top_srcdir:-.}/completions/ipctop"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-completion.XXXXXX") || exit 99
on_exit "rm -rf '$TMP'"

check "completion script is valid bash" bash -n "$COMPLETION"
# shellcheck source=/dev/null
. "$COMPLETION" || { fail "completion script sources"; finish; }
check "complete -F _ipctop is registered for ipctop" eval \
	"complete -p ipctop | grep -q -- '-F _ipctop'"

# complete WORD... : COMP_WORDS = ipctop-under-test WORD..., the cursor at the end of the last
# word; leaves the candidates in $REPLY_TEXT (one per line, sorted).
complete_words() {
	COMP_WORDS=("$IPCTOP" "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_ipctop
	REPLY_TEXT=$(printf '%s\n' "${COMPREPLY[@]}" | sort)
}
# has WORD: the last completion offered WORD
has() { printf '%s\n' "$REPLY_TEXT" | grep -qxF -- "$1"; }
# only WORD...: the last completion offered exactly these words
only() { [ "$REPLY_TEXT" = "$(printf '%s\n' "$@" | sort)" ]; }

complete_words --on
check "--on completes to --once" only --once

complete_words --
# every long option the program's --help defines is offered
want=$("$IPCTOP" --help | sed -n 's/^ \{1,\}\(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z-]*\).*/\2/p' | sort -u)
missing=""
for o in $want; do has "$o" || missing="$missing $o"; done
if [ -n "$want" ] && [ -z "$missing" ]; then ok "-- offers every long option of --help"
else fail "-- offers every long option of --help" "missing:$missing; got: $REPLY_TEXT"; fi
check "-- offers no demo-run option" eval '! has --speed'

complete_words --once --j
check "--once --j completes to --json" only --json

complete_words -
check "- offers the short options too" eval 'has -n && has -d && has -V'

complete_words ""
check "a bare word offers the subcommands" only demo record replay

# issue 17: record and replay
complete_words record --m
check "record --m completes to --max-size" only --max-size
complete_words replay x --a
check "replay FILE --a completes to --at" only --at
complete_words replay --once --
check "replay -- offers its options only" only --at --batch --json --once
: >"$TMP/rec-file.ipctop"
complete_words record --pid 1 -n 5 --max-size 1M "$TMP/rec-f"
check "record ... FILE completes a file name" only "$TMP/rec-file.ipctop"
complete_words replay x --at ""
check "--at offers nothing" only

complete_words demo ""
check "demo offers list run cleanup" only cleanup list run
complete_words --pid 1 demo r
check "demo r after options completes to run" only run
complete_words demo list ""
check "nothing after demo list" only

# demo names come from `ipctop demo list` at completion time
names=$("$IPCTOP" demo list 2>/dev/null | cut -f1 | sort)
complete_words demo run ""
if [ -n "$names" ]; then
	check "demo run offers every name of demo list" eval '[ "$REPLY_TEXT" = "$names" ]'
	first=$(printf '%s\n' "$names" | head -n 1)
	complete_words demo run "$(printf '%s' "$first" | cut -c1-2)"
	check "demo run prefix narrows to matching names" has "$first"
	complete_words --demo ""
	check "--demo offers the demo names" eval '[ "$REPLY_TEXT" = "$names" ]'
else
	check "demo run offers nothing while demo list fails" only
fi
# the names are asked for at completion time, from the program being completed: a stand-in
# program whose `demo list` prints two demos
cat >"$TMP/fakeipctop" <<'EOF'
#!/bin/sh
[ "$1 $2" = "demo list" ] && printf 'alpha\tthe first\nbeta-two\tthe second\n'
EOF
chmod +x "$TMP/fakeipctop"
saved=$IPCTOP
IPCTOP=$TMP/fakeipctop
complete_words demo run ""
check "demo run asks the program's demo list" only alpha beta-two
complete_words demo run b
check "demo run b completes to beta-two" only beta-two
complete_words --demo a
check "--demo a completes to alpha" only alpha
IPCTOP=$saved

complete_words demo run somedemo --sp
check "demo run NAME --sp completes to --speed" only --speed
complete_words demo run somedemo --speed f
check "--speed f completes to full" only full
complete_words demo run somedemo --seconds ""
check "--seconds offers nothing" only

# --pid: running process ids, also after a comma and after =
sleep 30 &
kid=$!
on_exit "kill $kid 2>/dev/null; wait $kid 2>/dev/null"
complete_words --pid "$kid"
check "--pid PID offers that running pid" has "$kid"
complete_words --pid ""
check "--pid offers only numbers" eval '! printf "%s\n" "$REPLY_TEXT" | grep -qv "^[0-9][0-9]*$"'
check "--pid offers pid 1" has 1
complete_words --pid "1,$kid"
check "--pid 1,PID completes the item after the comma" has "1,$kid"
complete_words --pid = "$kid"
check "--pid=PID completes too" has "$kid"
kill "$kid" 2>/dev/null
wait "$kid" 2>/dev/null
complete_words --pid "$kid"
check "an exited pid is no longer offered" eval '! has "$kid"'

# --sysroot: directories only
mkdir -p "$TMP/root/proc" "$TMP/root/other dir"
: >"$TMP/root/afile"
complete_words --sysroot "$TMP/root/"
check "--sysroot offers directories, not files" only "$TMP/root/other dir" "$TMP/root/proc"
complete_words --once --sysroot = "$TMP/root/p"
check "--sysroot=DIR completes too" only "$TMP/root/proc"
complete_words -n ""
check "-n takes a number: nothing offered" only

# --format: the formats; --textfile: directories (issue 18)
complete_words --once --format ""
check "--format offers text json openmetrics" only json openmetrics text
complete_words --once --format o
check "--format o completes to openmetrics" only openmetrics
complete_words --batch --format = j
check "--format=j completes to json" only json
complete_words --batch --textfile "$TMP/root/"
check "--textfile offers directories, not files" only "$TMP/root/other dir" "$TMP/root/proc"
complete_words --batch --textfile "$TMP/root/proc" ""
check "after --textfile DIR, words are the subcommand again" only demo record replay
complete_words --batch --format openmetrics ""
check "after --format FMT, a bare word offers the subcommand" only demo record replay

# without a runnable program the fixed option list is used
saved=$IPCTOP
IPCTOP=$TMP/no-such-dir/ipctop
if ! command -v ipctop >/dev/null 2>&1; then
	complete_words --sys
	check "without the program, the fixed list still has --sysroot" only --sysroot
fi
IPCTOP=$saved

finish
