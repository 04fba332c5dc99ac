#!/bin/bash
# tests/integration/tmux_names.sh - hostile names on the dashboard, in a headless tmux
# (issue 12).
#
# Starts the hostile_names fixture (a process whose comm and argv hold bytes that are not
# UTF-8, ESC, raw 0x9b, C1 U+009B and U+202E; one whose comm holds a newline and a backslash;
# a semaphore and shm objects with such names) and runs `ipctop --pid` on them in a private
# tmux server, in a UTF-8 locale: the screen must show those characters escaped ("\xNN", as
# the text output does), the newline too, and a search for the escaped form must find the
# process. Every wait is a condition with a deadline.
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

FIXTURE=${top_builddir:-.}/tests/integration/hostile_names
export LSAN_OPTIONS="suppressions=${top_srcdir:-.}/tests/integration/lsan-libproc2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
if ! command -v tmux >/dev/null; then
	echo "tmux is missing (Debian package tmux)"
	exit 77
fi

D=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-tmux.XXXXXX")
SOCK="ipctop-names-$$-$RANDOM"
FX=""
on_exit "rm -rf '$D'"
on_exit "tmux -L '$SOCK' kill-server >/dev/null 2>&1; rm -f '${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK'"
on_exit '[ -n "$FX" ] && kill -TERM "$FX" 2>/dev/null; [ -n "$FX" ] && wait "$FX" 2>/dev/null'

"$FIXTURE" "$D" >"$D/out" 2>"$D/err" &
FX=$!
if ! wait_for 20 grep -qx ready "$D/out"; then
	fail "fixture starts" "$(cat "$D/err")"
	finish
fi
ok "fixture starts"
key() { sed -n "s/^$1 //p" "$D/out"; }
PIDS="$(key parent),$(key comm),$(key bad)"

T() { tmux -L "$SOCK" -f /dev/null "$@"; }
screen() { T capture-pane -p -t names:0.0; }
screen_has() { screen | grep -qF -- "$1"; }

T new-session -d -s names -x 160 -y 40 \
	"exec env LC_ALL=C.UTF-8 TERM=screen-256color '$IPCTOP' --pid '$PIDS'"
check "dashboard started" wait_for 15 screen_has "1 Processes"
# the bad process's comm or command line, escaped byte by byte
check "non-UTF-8, ESC, C1 and U+202E shown escaped" \
	wait_for 10 screen_has '\xff\x9b\x1b\xc2\x9b\xe2\x80\xae'
check "a newline in comm shown escaped" wait_for 10 screen_has 'nl\x0aA\b'
# nothing raw: tmux would have acted on ESC or CSI; the bidi override would be a character
check "no raw U+202E on the screen" eval "! screen | grep -q $'\u202e'"

# search for the escaped form: the processes panel selects the bad process (its row is
# reversed) and Enter opens its detail page, whose title names its pid
T send-keys -t names:0.0 / 'x1b\xc2' Enter
T send-keys -t names:0.0 Enter
check "a search for the escaped text selects the process (Enter opens its page)" \
	wait_for 10 eval "screen | grep -qE '^ pid:$(key bad) '"
screen >"${NAMES_SCREEN:-$D/screen.txt}"
T send-keys -t names:0.0 q
finish
