#!/bin/bash
# tests/integration/tmux_dashboard.sh - the dashboard end to end in a headless tmux.
#
# The test makes its own System V queue (msgq_holder, 3 messages of 100 bytes), runs ipctop
# in a private tmux server (-L, its own socket; only that server is ever killed) inside a
# small wrapper that records the terminal modes (stty -g) before and after and the exit
# status, then drives it with keys: the queue appears in the Message queues panel, 4 and
# Enter open its details, Esc goes back, ? shows help, a 20x10 window says "too small",
# q quits. Afterwards the pane must be dead with status 0, out of the alternate screen and
# with the terminal modes restored. The same again for SIGTERM (in the C locale with
# NO_COLOR: ASCII glyphs, no colour), SIGHUP and Ctrl-C. Every wait is a condition with a
# deadline; no bare sleeps.
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

HOLDER=${top_builddir:-.}/tests/integration/msgq_holder
# Under ASan: libproc2's per-thread buffers are not ipctop's leak (see the file). The tmux
# server started below passes this environment on to ipctop.
export LSAN_OPTIONS="suppressions=${top_srcdir:-.}/tests/integration/lsan-libproc2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
D=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-tmux.XXXXXX")
SOCK="ipctop-test-$$-$RANDOM"
on_exit "rm -rf '$D'"
# kill-server leaves the socket file behind: remove it too
on_exit "tmux -L '$SOCK' kill-server >/dev/null 2>&1; rm -f '${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK'"

if ! command -v tmux >/dev/null; then
	fail "tmux installed" "tmux is missing (Debian package tmux)"
	finish
fi

# The queue: the holder prints its id, then keeps the queue until its stdin closes or it
# gets SIGTERM (it also gets SIGTERM if this script dies).
coproc QH { exec "$HOLDER" 3 100; }
holder_pid=$QH_PID	# bash unsets QH_PID once the coprocess ends
holder_in=${QH[1]}
on_exit "kill -TERM $holder_pid 2>/dev/null; wait $holder_pid 2>/dev/null"
qid=""
read -r -t 10 -u "${QH[0]}" qid
if ! [[ $qid =~ ^[0-9]+$ ]]; then
	fail "test queue created" "msgq_holder printed '$qid'"
	finish
fi
ok "test queue created (msg:$qid)"

cat >"$D/tmux.conf" <<EOF
set -g remain-on-exit on
set -g history-limit 0
EOF

# wrap.sh NAME COMMAND...: records stty before/after and the exit status under $D/NAME.*
# (Ctrl-C reaches the whole foreground process group: the wrapper only notes it, ipctop gets
# the default disposition back through exec and installs its own handler.)
cat >"$D/wrap.sh" <<'EOF'
name=$1; shift
trap 'echo "wrapper saw SIGINT"' INT
stty -g >"$name.before"
"$@"
rc=$?
stty -g >"$name.after"
echo "ipctop-exit=$rc"
read -r _	# the test looks at the terminal while this shell still owns it, then sends Enter
exit $rc
EOF

T() { tmux -L "$SOCK" -f "$D/tmux.conf" "$@"; }
screen() { T capture-pane -p -t "$1"; }
screen_has() { screen "$1" | grep -qF -- "$2"; }
pane_fmt() { T display-message -p -t "$1" "$2"; }
pane_is_dead() { [ "$(pane_fmt "$1" '#{pane_dead}')" = 1 ]; }
# tmux 3.3a sometimes leaves a dead pane's process unreaped (a zombie, no status) until its
# next SIGCHLD; a short run-shell job gives it one, and its waitpid loop reaps every child.
status_is() {
	T run-shell true
	[ "$(pane_fmt "$1" '#{pane_dead_status}')" = "$2" ]
}

# The Message queues panel (between its title bar and the next panel's) has a row for qid.
queue_row_shown() {
	screen "$1" | awk '/^ 4 Message queues/ {in_panel = 1; next} /^ 5 Shared memory/ {in_panel = 0}
		in_panel' | grep -qE "^ *$qid "
}

# SGR sequences in capture-pane -e output: colours (30-37, 40-47, 256-colour) and reverse.
COLOUR_RE=$'\e''\[([0-9]+;)*(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)(;[0-9]+)*m'
REVERSE_RE=$'\e''\[([0-9]+;)*7(;[0-9]+)*m'
no_colour() { ! T capture-pane -p -e -t "$1" | grep -qE "$COLOUR_RE"; }
has_colour() { T capture-pane -p -e -t "$1" | grep -qE "$COLOUR_RE"; }
has_reverse() { T capture-pane -p -e -t "$1" | grep -qE "$REVERSE_RE"; }

# The ipctop process: the wrapper shell's child.
child_of() {
	local kids
	kids=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
	set -- $kids
	[ $# -eq 1 ] && echo "$1"
}

# start SESSION 'ENV...' [OPTION...]: a new session running ipctop (with the options) under
# the wrapper; sets PANE and IPID. (Variables here avoid `name`: lib.sh's check() uses it.)
start() {
	local sess=$1 envs=$2 wpid; shift 2
	T new-session -d -s "$sess" -x 100 -y 30 \
		"exec /bin/sh '$D/wrap.sh' '$D/$sess' env $envs '$IPCTOP' $*" || return 1
	PANE="$sess:0.0"
	wait_for 15 screen_has "$PANE" "1 Processes" || return 1
	# the dashboard is drawn, so the wrapper's only child is ipctop (env exec'd it)
	wpid=$(pane_fmt "$PANE" '#{pane_pid}')
	IPID=$(child_of "$wpid")
	[ -n "$IPID" ]
}

# ended_clean SESSION STATUS: ipctop exited with STATUS and gave the terminal back: the
# wrapper runs again (its line is on the normal screen), the alternate screen is off, the
# cursor is visible and the terminal modes are what they were before ipctop started. Then
# the wrapper ends and the pane is dead with the same status.
ended_clean() {
	local sess=$1 want=$2 pane="$1:0.0"
	check "$sess: ipctop exited, wrapper saw status $want" \
		wait_for 10 screen_has "$pane" "ipctop-exit=$want"
	check "$sess: alternate screen left" [ "$(pane_fmt "$pane" '#{alternate_on}')" = 0 ]
	check "$sess: cursor visible again" [ "$(pane_fmt "$pane" '#{cursor_flag}')" = 1 ]
	check "$sess: keypad mode off" [ "$(pane_fmt "$pane" '#{keypad_cursor_flag}')" = 0 ]
	check "$sess: terminal modes restored" cmp -s "$D/$sess.before" "$D/$sess.after"
	T send-keys -t "$pane" Enter
	check "$sess: pane dead" wait_for 10 pane_is_dead "$pane"
	# pane_dead comes with the end of the pty; the status once tmux has reaped the process
	check "$sess: exit status $want" wait_for 10 status_is "$pane" "$want"
}

# ---- 1. keys, the whole machine, in a UTF-8 locale with colours ----
# Other tests may be creating queues at the same time: the test selects its own queue by
# walking the panel (Enter shows which one is selected), after which the focused panel keeps
# the selected row on screen.
if start keys "LC_ALL=C.UTF-8 TERM=screen-256color"; then
	ok "keys: dashboard started"
	check "keys: header counts" wait_for 10 screen_has "$PANE" " queues "
	check "keys: colours on a colour terminal" has_colour "$PANE"
	check "keys: alternate screen while running" [ "$(pane_fmt "$PANE" '#{alternate_on}')" = 1 ]
	check "keys: keypad mode while running" [ "$(pane_fmt "$PANE" '#{keypad_cursor_flag}')" = 1 ]
	check "keys: cursor hidden while running" [ "$(pane_fmt "$PANE" '#{cursor_flag}')" = 0 ]
	check "keys: UTF-8 tree or gauge glyphs" wait_for 5 eval "screen '$PANE' | grep -qE '├─|└─|·'"

	# 4 to the queues panel; Enter on the selected queue until it is ours, Down to the
	# next one (back to Home from the last row, "n/n" in the title bar).
	T send-keys -t "$PANE" 4 Home
	found=0
	for _ in $(seq 1 200); do
		T send-keys -t "$PANE" Enter
		wait_for 5 eval "screen '$PANE' | grep -qE '^ msg:[0-9]+ - Message queues'" || break
		if screen_has "$PANE" " msg:$qid - Message queues"; then
			found=1
			break
		fi
		T send-keys -t "$PANE" Escape
		wait_for 5 screen_has "$PANE" "4 Message queues" || break
		if screen "$PANE" | grep -E '^ 4 Message queues' | grep -qE ' ([0-9]+)/\1 *$'; then
			T send-keys -t "$PANE" Home
		else
			T send-keys -t "$PANE" Down
		fi
	done
	if [ $found = 1 ]; then ok "keys: Tab + Enter open msg:$qid"; else fail "keys: Tab + Enter open msg:$qid"; fi
	check "keys: details show the message count" eval "screen '$PANE' | grep -qE '^ messages +3\$'"
	check "keys: details show the bytes queued" eval "screen '$PANE' | grep -qE '^ bytes queued +300\$'"
	check "keys: details show the last sender" screen_has "$PANE" "$holder_pid msgq_holder"
	check "keys: details list errors about the object" screen_has "$PANE" "Errors about this object"

	T send-keys -t "$PANE" Escape
	check "keys: Esc goes back to the panels" wait_for 5 screen_has "$PANE" "4 Message queues"
	check "keys: msg:$qid selected in the Message queues panel" wait_for 5 queue_row_shown "$PANE"

	T send-keys -t "$PANE" '?'
	check "keys: ? shows help" wait_for 5 screen_has "$PANE" "ipctop help"
	check "keys: help lists the keys" screen_has "$PANE" "Tab, Shift-Tab"
	T send-keys -t "$PANE" BSpace
	check "keys: Backspace leaves help" wait_for 5 screen_has "$PANE" "4 Message queues"

	T resize-window -t "keys" -x 20 -y 10
	check "keys: 20x10 says terminal too small" wait_for 5 screen_has "$PANE" "too small"
	check "keys: too small names the minimum" screen_has "$PANE" "(need 60x15)"
	T resize-window -t "keys" -x 100 -y 30
	check "keys: resize back shows the panels" wait_for 5 queue_row_shown "$PANE"
	T resize-window -t "keys" -x 80 -y 24
	check "keys: 80x24 shows every panel's title bar" wait_for 5 eval "screen '$PANE' | grep -c \
		-e '^ 1 Processes' -e '^ 2 Pipes and FIFOs' -e '^ 3 Unix sockets' \
		-e '^ 4 Message queues' -e '^ 5 Shared memory' -e '^ 6 Semaphores' \
		-e '^ 7 POSIX message queues' -e '^ 8 POSIX shared memory' -e '^ 9 POSIX semaphores' \
		| grep -qx 9"
	check "keys: 80x24 still shows the queue" queue_row_shown "$PANE"

	T send-keys -t "$PANE" q
	ended_clean keys 0
else
	fail "keys: dashboard started" "$(screen keys:0.0 2>&1 | head -5)"
fi

# ---- 2. SIGTERM, --pid of the queue's owner, in the C locale without colour ----
if start term "LC_ALL=C NO_COLOR=1 TERM=screen-256color" --pid "$holder_pid"; then
	ok "term: dashboard started"
	check "term: --pid shows the owner's queue" wait_for 10 queue_row_shown "$PANE"
	check "term: --pid shows the owner" eval "screen '$PANE' | grep -qE '^ +$holder_pid +[0-9]+ '"
	check "term: --pid marked in the header" screen_has "$PANE" "--pid"
	check "term: ASCII only in the C locale" eval "! screen '$PANE' | LC_ALL=C grep -q '[^ -~]'"
	check "term: ASCII gauge" eval "screen '$PANE' | grep -qE '^ *$qid .*[#.]{8}'"
	check "term: no colour with NO_COLOR" no_colour "$PANE"
	check "term: selection still visible (reverse video)" has_reverse "$PANE"
	kill -TERM "$IPID"
	ended_clean term 143
else
	fail "term: dashboard started" "$(screen term:0.0 2>&1 | head -5)"
fi

# ---- 3. SIGHUP ----
if start hup "LC_ALL=C.UTF-8"; then
	ok "hup: dashboard started"
	kill -HUP "$IPID"
	ended_clean hup 129
else
	fail "hup: dashboard started" "$(screen hup:0.0 2>&1 | head -5)"
fi

# ---- 4. Ctrl-C ----
if start int "LC_ALL=C.UTF-8"; then
	ok "int: dashboard started"
	T send-keys -t "$PANE" C-c
	ended_clean int 130
else
	fail "int: dashboard started" "$(screen int:0.0 2>&1 | head -5)"
fi

# ---- the queue goes away with its holder (stdin closed: end of file) ----
exited() { [ ! -e "/proc/$1" ] || grep -qE '^[0-9]+ \(.*\) Z' "/proc/$1/stat" 2>/dev/null; }
eval "exec $holder_in>&-"
if wait_for 10 exited "$holder_pid"; then
	wait "$holder_pid"
	check "holder removed its queue and exited 0" [ $? = 0 ]
else
	fail "holder saw end of file on stdin"
	kill -TERM "$holder_pid"
	wait "$holder_pid"
fi
check "queue msg:$qid is gone" eval "! awk 'NR > 1 {print \$2}' /proc/sysvipc/msg | grep -qx '$qid'"

finish
