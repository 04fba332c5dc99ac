#!/bin/bash
# tests/integration/tmux_signals.sh - the signal dashboard end to end in a headless tmux, on
# real processes the test starts itself (tests/integration/sigui_child):
#
# 1. a child that blocks SIGUSR1 (pending process-wide), SIGWINCH (pending for its main
#    thread), has a second thread that also blocks SIGALRM, and catches SIGUSR2 and SIGINT:
#    the signal matrix (s, --pid, filtered by comm with /) shows P, p, C and B in the right
#    columns, the thread's own row, SigQ, and the line that spells out SIGUSR1;
# 2. k on that child: SIGUSR2 confirmed with y arrives (the child writes "got 12 from PID" to
#    its output, PID being ipctop's); then n sends nothing (the next signal to arrive is the
#    SIGINT confirmed after it);
# 3. the event log (l) shows the SIGUSR2 with ipctop as its sender, delivered (when the live
#    trace is on, as root; otherwise it must say why it is off);
# 4. two children deadlocked through two full pipes: the red alert line appears with both
#    pids, D draws the cycle, the process panel says what each waits on.
#
# ipctop runs in a private tmux server (-L); only the PIDs this test started are signalled,
# and the helpers remove their own children. Every wait is a condition with a deadline.
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

CHILD=${top_builddir:-.}/tests/integration/sigui_child
# Under ASan: libproc2's per-thread buffers are not ipctop's leak (see the file). The tmux
# server started below passes this environment on to ipctop.
export LSAN_OPTIONS="suppressions=${top_srcdir:-.}/tests/integration/lsan-libproc2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
D=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-tmuxsig.XXXXXX")
SOCK="ipctop-sig-$$-$RANDOM"
on_exit "rm -rf '$D'"
on_exit "tmux -L '$SOCK' kill-server >/dev/null 2>&1; rm -f '${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK'"

if ! command -v tmux >/dev/null; then
	fail "tmux installed" "tmux is missing (Debian package tmux)"
	finish
fi

cat >"$D/tmux.conf" <<EOF
set -g remain-on-exit on
set -g history-limit 0
EOF

# (the helpers' stdin FIFOs stay this shell's: the tmux server must not inherit them)
T() { tmux -L "$SOCK" -f "$D/tmux.conf" "$@" 7>&- 8>&-; }
screen() { T capture-pane -p -t "$1"; }
screen_has() { screen "$1" | grep -qF -- "$2"; }
screen_match() { screen "$1" | grep -qE -- "$2"; }
pane_fmt() { T display-message -p -t "$1" "$2"; }
pane_is_dead() { [ "$(pane_fmt "$1" '#{pane_dead}')" = 1 ]; }
status_is() {
	T run-shell true	# tmux 3.3a may reap a dead pane's process only at its next SIGCHLD
	[ "$(pane_fmt "$1" '#{pane_dead_status}')" = "$2" ]
}
alive() { [ -e "/proc/$1" ] && ! grep -qE '^[0-9]+ \(.*\) Z' "/proc/$1/stat" 2>/dev/null; }
gone() { ! alive "$1"; }

# start SESSION WIDTH ENV... -- IPCTOP-OPTIONS...: ipctop as the pane's process; sets PANE, IPID.
start() {
	local sess=$1 width=$2 envs="" ; shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs="$envs $1"; shift; done
	shift
	T new-session -d -s "$sess" -x "$width" -y 30 "exec env $envs '$IPCTOP' $*" || return 1
	PANE="$sess:0.0"
	IPID=$(pane_fmt "$PANE" '#{pane_pid}')
	wait_for 15 screen_has "$PANE" "1 Processes"
}

# quit SESSION: q, then the pane must end with status 0 (under ASan: no leak either).
quit() {
	T send-keys -t "$1:0.0" q
	check "$1: q quits" wait_for 10 pane_is_dead "$1:0.0"
	check "$1: exit status 0" wait_for 10 status_is "$1:0.0" 0
}

# mark PANE ROW-REGEX SIGNO: the matrix cell of that signal on the first row matching the
# regex; the column is found from the heading of ones digits, as a reader would find it.
mark() {
	screen "$1" | awk -v re="$2" -v sig="$3" '
		!col && (i = index($0, "1234567890123456789012345678901")) { col = i; next }
		col && $0 ~ re { print substr($0, col + sig - 1, 1); exit }'
}
mark_is() { [ "$(mark "$1" "$2" "$3")" = "$4" ]; }

# ---- the signal child: its stdin is a FIFO this shell holds (closing it ends the child) ----
mkfifo "$D/sc.in"
"$CHILD" signals <"$D/sc.in" >"$D/sc.out" 2>&1 &
sc_pid=$!
on_exit "kill -TERM $sc_pid 2>/dev/null; wait $sc_pid 2>/dev/null"
exec 7>"$D/sc.in"
if ! wait_for 10 grep -q '^ready ' "$D/sc.out"; then
	fail "signal child ready" "$(cat "$D/sc.out")"
	finish
fi
read -r _ pid sc_tid <"$D/sc.out"
check "signal child ready (pid $sc_pid, thread $sc_tid)" [ "$pid" = "$sc_pid" ]

# ---- 1. the matrix (C locale: ASCII, one byte per column) ----
if start sig 100 LC_ALL=C TERM=screen-256color -- --pid "$sc_pid"; then
	ok "sig: dashboard started"
	T send-keys -t "$PANE" s
	check "sig: s opens the signal matrix" wait_for 5 screen_has "$PANE" "Signal matrix"
	T send-keys -t "$PANE" / s i g u i Enter
	check "sig: the comm filter keeps only the child" \
		wait_for 5 screen_has "$PANE" "(1 of "
	check "sig: comm filter shown" screen_has "$PANE" 'comm: "sigui"'
	row="^ +$sc_pid sigui_child "
	trow="^ +$sc_tid .-sigui_child"
	check "sig: child's row" wait_for 10 screen_match "$PANE" "$row"
	check "sig: SIGUSR1 pending process-wide: P" mark_is "$PANE" "$row" 10 P
	check "sig: SIGWINCH pending for the thread: p" mark_is "$PANE" "$row" 28 p
	check "sig: SIGUSR2 caught: C" mark_is "$PANE" "$row" 12 C
	check "sig: SIGINT caught: C" mark_is "$PANE" "$row" 2 C
	check "sig: SIGTERM caught (it ends the child cleanly): C" mark_is "$PANE" "$row" 15 C
	check "sig: SIGPROF default: ." mark_is "$PANE" "$row" 27 .
	check "sig: SIGALRM not blocked in the main thread" mark_is "$PANE" "$row" 14 .
	check "sig: the second thread has its own row" screen_match "$PANE" "$trow"
	check "sig: the thread blocks SIGALRM: B" mark_is "$PANE" "$trow" 14 B
	check "sig: the thread blocks SIGUSR1: B" mark_is "$PANE" "$trow" 10 B
	# SigQ counts every signal queued for the user (root: other processes' too): >= our 2
	sigq() { screen "$PANE" | grep -E "$row" | awk '{print $3}'; }
	check "sig: SigQ shows queued/limit, at least the child's 2" \
		eval "[[ \$(sigq) =~ ^([0-9]+)/[0-9]+\$ ]] && [ \${BASH_REMATCH[1]} -ge 2 ]"
	check "sig: the SIGUSR1 column spelled out" screen_has "$PANE" \
		"SIGUSR1 (10) in pid $sc_pid sigui_child: pending (process-wide), blocked"

	# ---- 2. k: SIGUSR2 confirmed arrives; n sends nothing ----
	T send-keys -t "$PANE" k
	check "kill: k opens the picker" wait_for 5 screen_has "$PANE" \
		"Send a signal to pid $sc_pid (sigui_child)"
	T send-keys -t "$PANE" Up Up Up Enter	# SIGTERM is preselected: three up is SIGUSR2
	check "kill: asks first" wait_for 5 screen_has "$PANE" \
		"Send SIGUSR2 (12) to pid $sc_pid (sigui_child)? y/N"
	check "kill: nothing sent before y" [ "$(grep -c '^got' "$D/sc.out")" = 0 ]
	T send-keys -t "$PANE" y
	check "kill: says sent" wait_for 5 screen_has "$PANE" "Sent SIGUSR2 (12) to pid $sc_pid"
	check "kill: the child got SIGUSR2 from ipctop" \
		wait_for 10 grep -qx "got 12 from $IPID" "$D/sc.out"
	T send-keys -t "$PANE" Enter
	check "kill: asks again" wait_for 5 screen_has "$PANE" "Send SIGUSR2 (12)"
	T send-keys -t "$PANE" n
	check "kill: n says not sent" wait_for 5 screen_has "$PANE" "Not sent."
	T send-keys -t "$PANE" Home Down Enter
	check "kill: SIGINT picked" wait_for 5 screen_has "$PANE" "Send SIGINT (2) to pid $sc_pid"
	T send-keys -t "$PANE" y
	check "kill: SIGINT arrives" wait_for 10 grep -qx "got 2 from $IPID" "$D/sc.out"
	# signals from one sender arrive in order: a SIGUSR2 sent by the n would be line 2
	check "kill: n sent nothing (SIGINT is the second signal to arrive)" \
		eval "[ \"\$(grep '^got' '$D/sc.out' | sed -n 2p)\" = 'got 2 from $IPID' ]"
	check "kill: exactly two signals arrived" [ "$(grep -c '^got' "$D/sc.out")" = 2 ]
	check "kill: the child is alive (caught, not killed)" alive "$sc_pid"
	T send-keys -t "$PANE" Escape
	check "kill: Esc back to the matrix" wait_for 5 screen_has "$PANE" "Signal matrix"

	# ---- 3. the event log ----
	T send-keys -t "$PANE" l
	check "log: l opens the event log" wait_for 5 screen_has "$PANE" "Event log"
	if screen_has "$PANE" "live signal trace on"; then
		check "log: the SIGUSR2 with its sender and result" wait_for 10 screen_match "$PANE" \
			"SIGUSR2 +$IPID ipctop +$sc_pid sigui_child +delivered"
		# The SIGINT was sent just before l: its trace lines are read by the next
		# collection (one refresh later, or two when its delivery line came after the
		# read: sig_trace holds an undelivered signal back one collection), so the log can
		# show the older SIGUSR2 before it. Wait for it as for the SIGUSR2.
		check "log: the SIGINT too" wait_for 10 screen_match "$PANE" \
			"SIGINT +$IPID ipctop +$sc_pid sigui_child +delivered"
		check "log: traced events are not labelled inferred" \
			eval "! screen '$PANE' | grep -E 'SIGUSR2 .*$sc_pid' | grep -q inferred"
	else
		[ "$(id -u)" = 0 ] && fail "log: live trace on as root" \
			"$(screen "$PANE" | sed -n 3p)"
		check "log: says why the live trace is off" screen_has "$PANE" \
			"live signal trace off: "
	fi
	T send-keys -t "$PANE" c
	check "log: c shows SIGCHLD" wait_for 5 screen_has "$PANE" "SIGCHLD: shown"
	quit sig
else
	fail "sig: dashboard started" "$(screen sig:0.0 2>&1 | head -5)"
fi

# ---- 4. a deadlock through two full pipes ----
mkfifo "$D/dl.in"
"$CHILD" deadlock <"$D/dl.in" >"$D/dl.out" 2>&1 &
dl_pid=$!
on_exit "kill -TERM $dl_pid 2>/dev/null; wait $dl_pid 2>/dev/null"
exec 8>"$D/dl.in"
if ! wait_for 10 grep -q '^ready ' "$D/dl.out"; then
	fail "deadlock children ready" "$(cat "$D/dl.out")"
	finish
fi
read -r _ pa pb <"$D/dl.out"
ok "deadlock children ready ($pa, $pb)"

# a red background: SGR 41 / 101, or tmux's 256-colour form of it (48;5;1, 9, 88, 124, 160, 196)
ALERT_RE=$'\e''\[([0-9]+;)*(41|101|48;5;(1|9|88|124|160|196))(;[0-9]+)*m'
if start dl 120 LC_ALL=C TERM=screen-256color -- --pid "$pa,$pb"; then
	ok "dl: dashboard started"
	check "dl: the deadlock alert appears" wait_for 15 eval \
		"screen '$PANE' | sed -n 2p | grep -q '^ DEADLOCK for '"
	alert() { screen "$PANE" | sed -n 2p | grep -qE -- "$1"; }
	check "dl: the alert names $pa" alert " $pa[( ]"
	check "dl: the alert names $pb" alert " $pb[( ]"
	check "dl: the alert draws the cycle back to the first" \
		alert " -\[pipe:[0-9]+ write\]-> .* -\[pipe:[0-9]+ write\]-> back to ($pa|$pb)"
	red() { T capture-pane -p -e -t "$PANE" | sed -n 2p | grep -qE "$ALERT_RE"; }
	if wait_for 5 red; then
		ok "dl: the alert is red"
	else
		fail "dl: the alert is red" "$(T capture-pane -p -e -t "$PANE" | sed -n 2p | cat -v)"
	fi
	check "dl: the process panel shows the waits" \
		screen_match "$PANE" "^ +$pa .*pipe_write pipe:[0-9]+"
	T send-keys -t "$PANE" D
	check "dl: D opens the deadlock page" wait_for 5 screen_has "$PANE" "Deadlocks (1) and stalls"
	check "dl: the page counts 2 processes" screen_has "$PANE" "Deadlock 1: 2 processes"
	check "dl: the page draws the cycle" screen_match "$PANE" \
		"^ ($pa|$pb)\(sigui_child\) -\[pipe:[0-9]+ write\]-> ($pa|$pb)\(sigui_child\) -\[pipe:[0-9]+ write\]-> back to"
	check "dl: the page lists $pa" screen_match "$PANE" "^ $pa\(sigui_child\) +pipe_write pipe:"
	check "dl: the page lists $pb" screen_match "$PANE" "^ $pb\(sigui_child\) +pipe_write pipe:"
	T send-keys -t "$PANE" '?'
	check "dl: help lists the signal keys" wait_for 5 screen_has "$PANE" "k, F9"
	quit dl
else
	fail "dl: dashboard started" "$(screen dl:0.0 2>&1 | head -5)"
fi

# ---- the helpers end on end of file, removing their children ----
exec 8>&-
if wait_for 10 gone "$dl_pid"; then
	wait "$dl_pid"
	check "deadlock helper exited 0" [ $? = 0 ]
else
	fail "deadlock helper saw end of file"
fi
check "deadlocked child $pa removed" wait_for 5 gone "$pa"
check "deadlocked child $pb removed" wait_for 5 gone "$pb"
exec 7>&-
if wait_for 10 gone "$sc_pid"; then
	wait "$sc_pid"
	check "signal child exited 0" [ $? = 0 ]
else
	fail "signal child saw end of file"
fi

finish
