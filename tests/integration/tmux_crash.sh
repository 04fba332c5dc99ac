#!/bin/bash
# tests/integration/tmux_crash.sh - a crash gives the terminal back and removes the tracefs
# instance (issue 11).
#
# The dashboard runs in a private tmux server (-L; only that server is ever killed) under a
# wrapper that records the terminal modes (stty -g) before and after. Once it has drawn,
# entered the alternate screen with mouse reporting on and (as root) made its tracefs
# instance, the test sends it SIGSEGV, SIGBUS or SIGABRT (by the PID it started). Checked:
# it died of that signal, the pane is out of the alternate screen, the cursor is shown,
# keypad and mouse reporting are off, the modes (echo, canonical input, ...) are as before,
# and instances/ipctop-PID is gone. The same for a --batch run (the instance only).
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

export LSAN_OPTIONS="suppressions=${top_srcdir:-.}/tests/integration/lsan-libproc2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
D=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-crash.XXXXXX")
SOCK="ipctop-crash-$$-$RANDOM"
on_exit "rm -rf '$D'"
on_exit "tmux -L '$SOCK' kill-server >/dev/null 2>&1; rm -f '${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK'"

if ! command -v tmux >/dev/null; then
	fail "tmux installed" "tmux is missing (Debian package tmux)"
	finish
fi
ulimit -c 0	# no core files from the crashes the test makes

# Under ASan the sanitizer's own SEGV/BUS reporter runs after ipctop's handler (the handler
# re-raises with the disposition it found) and exits 1 instead of dying of the signal.
ASAN=no
nm "$IPCTOP" 2>/dev/null | grep -q __asan_init && ASAN=yes

TRACEFS=
if [ "$(id -u)" -eq 0 ]; then
	for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		[ -d "$d/instances" ] && TRACEFS=$d && break
	done
fi
instance_exists() { [ -n "$TRACEFS" ] && [ -d "$TRACEFS/instances/ipctop-$1" ]; }
instance_gone() { ! instance_exists "$1"; }

cat >"$D/tmux.conf" <<EOF
set -g remain-on-exit on
set -g history-limit 0
EOF
cat >"$D/wrap.sh" <<'EOF'
name=$1; shift
stty -g >"$name.before"
"$@"
rc=$?
stty -g >"$name.after"
echo "ipctop-exit=$rc"
read -r _
exit 0
EOF

T() { tmux -L "$SOCK" -f "$D/tmux.conf" "$@"; }
screen_has() { T capture-pane -p -t "$1" | grep -qF -- "$2"; }
pane_fmt() { T display-message -p -t "$1" "$2"; }
pane_flag_is() { [ "$(pane_fmt "$1" "$2")" = "$3" ]; }
child_of() {
	local kids
	kids=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
	set -- $kids
	[ $# -eq 1 ] && echo "$1"
}
signum() { kill -l "$1"; }

# expected_status SIG: what the wrapper sees
expected_status() {
	local n
	n=$(signum "$1")
	if [ "$ASAN" = yes ] && [ "$1" != ABRT ]; then echo 1; else echo $((128 + n)); fi
}

crash_dashboard() {
	local sig=$1 sess=crash$1 pane="crash$1:0.0" wpid ipid want
	T new-session -d -s "$sess" -x 100 -y 30 \
		"exec /bin/sh '$D/wrap.sh' '$D/$sess' env LC_ALL=C.UTF-8 TERM=xterm-256color '$IPCTOP'" ||
		{ fail "$sig: tmux session"; return; }
	if ! wait_for 20 screen_has "$pane" "1 Processes"; then
		fail "$sig: dashboard drawn"
		return
	fi
	wpid=$(pane_fmt "$pane" '#{pane_pid}')
	ipid=$(child_of "$wpid")
	[ -n "$ipid" ] || { fail "$sig: ipctop's pid"; return; }
	# the state a crash used to leave behind, present before the crash
	check "$sig: alternate screen while running" pane_flag_is "$pane" '#{alternate_on}' 1
	check "$sig: mouse reporting while running" pane_flag_is "$pane" '#{mouse_any_flag}' 1
	check "$sig: cursor hidden while running" pane_flag_is "$pane" '#{cursor_flag}' 0
	traced=no
	if [ -n "$TRACEFS" ] && wait_for 10 instance_exists "$ipid"; then traced=yes; fi

	kill -"$sig" "$ipid"
	want=$(expected_status "$sig")
	check "$sig: ipctop died of the signal (status $want)" \
		wait_for 15 screen_has "$pane" "ipctop-exit=$want"
	check "$sig: alternate screen left" pane_flag_is "$pane" '#{alternate_on}' 0
	check "$sig: mouse reporting off" pane_flag_is "$pane" '#{mouse_any_flag}' 0
	check "$sig: cursor visible" pane_flag_is "$pane" '#{cursor_flag}' 1
	check "$sig: keypad mode off" pane_flag_is "$pane" '#{keypad_cursor_flag}' 0
	check "$sig: terminal modes (echo, icanon, ...) restored" cmp -s "$D/$sess.before" "$D/$sess.after"
	if [ "$traced" = yes ]; then
		if instance_gone "$ipid"; then ok "$sig: tracefs instance ipctop-$ipid removed"
		else
			fail "$sig: tracefs instance ipctop-$ipid removed" "still there"
			rmdir "$TRACEFS/instances/ipctop-$ipid" 2>/dev/null
		fi
	fi
	T send-keys -t "$pane" Enter
}

crash_dashboard SEGV
crash_dashboard BUS
crash_dashboard ABRT

# --batch: the instance is removed on a crash too
if [ -n "$TRACEFS" ]; then
	env --default-signal=INT,TERM "$IPCTOP" --batch -n 0 -d 0.2 --json >/dev/null 2>"$D/batch.err" &
	bpid=$!
	on_exit "kill -KILL $bpid 2>/dev/null; wait $bpid 2>/dev/null"
	if wait_for 20 instance_exists "$bpid"; then
		kill -SEGV "$bpid"
		wait "$bpid"
		st=$?
		want=$(expected_status SEGV)
		if [ "$st" -eq "$want" ]; then ok "batch: died of SIGSEGV ($st)"
		else fail "batch: died of SIGSEGV" "status $st, expected $want"; fi
		if instance_gone "$bpid"; then ok "batch: tracefs instance ipctop-$bpid removed"
		else
			fail "batch: tracefs instance ipctop-$bpid removed" "still there"
			rmdir "$TRACEFS/instances/ipctop-$bpid" 2>/dev/null
		fi
	else
		fail "batch: tracefs instance made" "$(cat "$D/batch.err")"
	fi
fi

finish
