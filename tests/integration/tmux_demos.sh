#!/bin/bash
# tests/integration/tmux_demos.sh - demos in the dashboard (issue 6), end to end in a headless
# tmux with a private server (-L, its own socket; only that server is ever killed).
#
# `ipctop --demo NAME` with an unknown name fails before the terminal is touched. `ipctop
# --demo pipe` shows only the demo's processes (its conductor and their descendants) and
# its pipe, the demo pane with captions naming system calls, and highlights what the newest
# caption names. p pauses: the step number stays put across two refreshes of the collector
# (the header's clock changes with each); o takes one step; p continues. d lists every demo
# `ipctop demo list` prints; Enter on msgqueue stops pipe (its processes go) and starts
# msgqueue, whose queue appears. q exits 0, and then nothing the demos made is left: no
# process, no System V object they named or used, no /dev/shm or /dev/mqueue entry with
# their ipctop-demo-PID- prefix, no registry directory. The same after SIGTERM (143), Ctrl-C
# (130) and SIGKILL of the dashboard (the demo dies with its parent and cleans up). Every
# wait is a condition with a deadline; no bare sleeps.
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

# Under ASan: libproc2's per-thread buffers are not ipctop's leak (see the file). The tmux
# server started below passes this environment on to ipctop.
export LSAN_OPTIONS="suppressions=${top_srcdir:-.}/tests/integration/lsan-libproc2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
D=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-tmuxdemo.XXXXXX")
SOCK="ipctop-demotest-$$-$RANDOM"
# The demos' registries go to a directory of this test's own (demo_registry.h).
export IPCTOP_DEMO_DIR="$D/registry"
on_exit "rm -rf '$D'"
on_exit "tmux -L '$SOCK' kill-server >/dev/null 2>&1; rm -f '${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK'"

if ! command -v tmux >/dev/null; then
	fail "tmux installed" "tmux is missing (Debian package tmux)"
	finish
fi

# ---- an unknown demo: one line on stderr, status 2, nothing started, no terminal needed ----
"$IPCTOP" --demo no-such-demo </dev/null >"$D/unknown.out" 2>"$D/unknown.err"
check "--demo no-such-demo exits 2" [ $? = 2 ]
check "--demo no-such-demo: one line naming it" eval \
	"[ \$(wc -l <'$D/unknown.err') = 1 ] && grep -q \"'no-such-demo'\" '$D/unknown.err'"
check "--demo no-such-demo: nothing on stdout (terminal untouched)" [ ! -s "$D/unknown.out" ]
check "--demo no-such-demo: no demo started" [ ! -e "$IPCTOP_DEMO_DIR" ]

cat >"$D/tmux.conf" <<EOF
set -g remain-on-exit on
set -g history-limit 0
EOF
# wrap.sh COMMAND...: runs ipctop, then prints its exit status and waits for Enter.
cat >"$D/wrap.sh" <<'EOF'
trap 'echo "wrapper saw SIGINT"' INT
"$@"
echo "ipctop-exit=$?"
read -r _
EOF

T() { tmux -L "$SOCK" -f "$D/tmux.conf" "$@"; }
screen() { T capture-pane -p -t "$1"; }
screen_has() { screen "$1" | grep -qF -- "$2"; }
pane_fmt() { T display-message -p -t "$1" "$2"; }
# status_is: see tmux_dashboard.sh (tmux 3.3a may reap a dead pane's process late)
status_is() {
	T run-shell true
	[ "$(pane_fmt "$1" '#{pane_dead_status}')" = "$2" ]
}

# Children of a process (every thread's), and all its descendants.
children() {
	local c
	c=$(cat /proc/"$1"/task/*/children 2>/dev/null)
	echo $c	# unquoted: the kernel's list ends with a blank
}
descendants() {
	local p
	for p in $(children "$1"); do
		echo "$p"
		descendants "$p"
	done
}
starttime() { awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$1/stat" 2>/dev/null; }
# "pid starttime" of each descendant of $1, added to $D/seen (the processes a demo made).
note_pids() {
	local p
	for p in $(descendants "$1"); do
		echo "$p $(starttime "$p")"
	done >>"$D/seen"
}
# A process noted in $D/seen still exists (same pid, same start time, not a zombie).
alive() {
	local st
	[ -r "/proc/$1/stat" ] || return 1
	st=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null)
	[ "$st" != Z ] && [ "$(starttime "$1")" = "$2" ]
}
none_alive() {
	local p s
	while read -r p s; do
		[ -n "$p" ] && alive "$p" "$s" && { echo "pid $p still alive" >&2; return 1; }
	done <"$D/seen"
	return 0
}

# start SESSION OPTION...: ipctop under the wrapper in a new 100x30 session; sets PANE, IPID
# (ipctop) and CPID (the demo's conductor: ipctop's child, comm ipctop-demo).
start() {
	local sess=$1 wpid; shift
	T new-session -d -s "$sess" -x 100 -y 30 \
		"exec /bin/bash '$D/wrap.sh' env LC_ALL=C.UTF-8 TERM=screen-256color '$IPCTOP' $*" || return 1
	PANE="$sess:0.0"
	wait_for 20 screen_has "$PANE" " Demo " || return 1
	wpid=$(pane_fmt "$PANE" '#{pane_pid}')
	IPID=$(children "$wpid")
	[ -n "$IPID" ] && wait_for 20 conductor_named
}
# CPID: ipctop's child, once it is the conductor (it names itself after exec).
conductor_named() {
	CPID=$(children "$IPID")
	[ -n "$CPID" ] && [ "$(cat "/proc/$CPID/comm" 2>/dev/null)" = ipctop-demo ]
}

# The demo pane's title: "Demo NAME: STATE, SPEED, step N, ...".
title() { screen "$PANE" | grep -m1 -oE '^ Demo [a-z-]+: [a-z]+[^|]*' ; }
step() { title | sed -n 's/.*, step \([0-9][0-9]*\).*/\1/p'; }
# The header's clock (HH:MM:SS of the shown snapshot): it changes with every refresh.
clock() { screen "$PANE" | head -n 1 | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2} *$'; }
clock_differs() { [ "$(clock)" != "$1" ]; }
# wait_refreshes N: N new snapshots shown.
wait_refreshes() {
	local i c
	for i in $(seq 1 "$1"); do
		c=$(clock)
		wait_for 10 clock_differs "$c" || return 1
	done
}
# The pids in the Processes panel (between its title and the next panel's).
panel_pids() {
	screen "$PANE" | awk '/^ 1 Processes/ { p = 1; next } /^ 2 / { p = 0 } p && $1 ~ /^[0-9]+$/ { print $1 }'
}
# Every pid the Processes panel shows is the conductor or one of its descendants, and the
# conductor and at least one scenario process are shown.
only_demo_shown() {
	local mine shown p n=0
	mine=" $CPID $(descendants "$CPID" | tr '\n' ' ') "
	shown=$(panel_pids)
	[ -n "$shown" ] || return 1
	for p in $shown; do
		case "$mine" in *" $p "*) n=$((n + 1)) ;; *) return 1 ;; esac
	done
	echo "$shown" | grep -qx "$CPID" && [ "$n" -ge 2 ]
}
# A caption line of the pane (#N role pid: text) names a system call: "name(".
caption_has_syscall() {
	screen "$PANE" | grep -qE '^ #[0-9]+ [a-z0-9-]+ [0-9]+: .*[a-z_]+\('
}
# The newest caption's process: its row in the Processes panel has the highlight colour
# (ROLE_DEMO, 256 colours: background 222), and no unrelated row has it.
caller_highlighted() {
	local raw plain pid row
	raw=$(T capture-pane -p -e -t "$PANE")
	plain=$(printf '%s\n' "$raw" | sed 's/\x1b\[[0-9;]*m//g')
	pid=$(printf '%s\n' "$plain" | grep -m1 -oE '^ #[0-9]+ [a-z0-9-]+ [0-9]+:' | grep -oE '[0-9]+:$' | tr -d :)
	[ -n "$pid" ] && [ "$pid" != "$CPID" ] || return 1
	row=$(printf '%s\n' "$plain" | grep -nE "^ +$pid +[0-9]+ " | head -n 1 | cut -d: -f1)
	[ -n "$row" ] && printf '%s\n' "$raw" | sed -n "${row}p" | grep -q '48;5;222'
}
# Object ids the captions named so far (kept in $D/ids for the leftovers check).
note_ids() {
	screen "$PANE" | grep -E '^ #[0-9]+ ' |
		grep -oE '\b(msg|shm|sem|pmq|pshm|psem):[A-Za-z0-9_.-]+' >>"$D/ids"
}

# Nothing any demo of this test made is left: processes, System V objects (named in its
# captions, or last used by its processes), POSIX names, registry directories.
nothing_left() {
	local id kind n bad=""
	none_alive || bad="$bad processes"
	sort -u "$D/ids" 2>/dev/null >"$D/ids.u"
	while IFS=: read -r kind n; do
		case $kind in
		msg|shm|sem)
			awk -v id="$n" 'NR > 1 && $2 == id { f = 1 } END { exit !f }' "/proc/sysvipc/$kind" &&
				bad="$bad $kind:$n" ;;
		esac
	done <"$D/ids.u"
	while read -r p _; do
		awk -v p="$p" 'NR > 1 && ($6 == p || $7 == p) { f = 1 } END { exit !f }' /proc/sysvipc/msg &&
			bad="$bad msg-used-by-$p"
		awk -v p="$p" 'NR > 1 && ($5 == p || $6 == p) { f = 1 } END { exit !f }' /proc/sysvipc/shm &&
			bad="$bad shm-made-by-$p"
	done <"$D/seen"
	for c in $(cat "$D/conductors"); do
		ls /dev/shm /dev/mqueue 2>/dev/null | grep -q "ipctop-demo-$c-" && bad="$bad posix-$c"
		[ -e "$IPCTOP_DEMO_DIR/$c" ] && bad="$bad registry-$c"
	done
	[ -z "$bad" ] || { echo "left:$bad" >&2; return 1; }
}
# The demo menu's demo names, in screen order.
menu_names() {
	screen "$PANE" | awk '/^ Demos \(/ { m = 1; next } /^ Enter start/ { m = 0 }
		m && NF >= 2 && $0 ~ /^ (.|→) [a-z]/ { sub(/^ (.|→) /, ""); print $1 }'
}
# A queue a caption named (msg:ID) is in the Message queues panel and in the kernel.
queue_shown() {
	local id
	note_ids
	id=$(screen "$PANE" | grep -E '^ #[0-9]+ ' | grep -m1 -oE 'msg:[0-9]+' | cut -d: -f2)
	[ -n "$id" ] && screen "$PANE" | awk '/^ 4 Message queues/ { m = 1; next } /^ 5 / { m = 0 } m' |
		grep -qE "^ *$id " && awk -v id="$id" 'NR > 1 && $2 == id { f = 1 } END { exit !f }' /proc/sysvipc/msg
}
step_after() { local s; s=$(step); [ -n "$s" ] && [ "$s" -gt "$1" ]; }

: >"$D/seen"
: >"$D/ids"
: >"$D/conductors"

# ---- 1. --demo pipe: its processes, its pipe, captions, highlight; pause, step, continue ----
if start pipe --demo pipe; then
	ok "pipe: dashboard started with the demo (conductor $CPID)"
	echo "$CPID" >>"$D/conductors"
	check "pipe: the pane names the demo" eval "title | grep -q '^ Demo pipe: '"
	check "pipe: a caption names a system call" wait_for 15 caption_has_syscall
	check "pipe: only the demo's processes are shown" wait_for 15 only_demo_shown
	note_pids "$CPID"
	inode=$(screen "$PANE" | grep -m1 -oE 'pipe:[0-9]+' | cut -d: -f2)
	check "pipe: its pipe (pipe:$inode) is in the Pipes panel" wait_for 10 eval \
		"screen '$PANE' | grep -qE '^ +$inode pipe '"
	check "pipe: the newest caption's process is highlighted" wait_for 15 caller_highlighted

	T send-keys -t "$PANE" p
	check "pipe: p pauses the demo" wait_for 10 eval "title | grep -q '^ Demo pipe: paused'"
	# a step already under way may still finish: wait one refresh, then watch two more
	wait_refreshes 1
	s0=$(step)
	if wait_refreshes 2; then
		s1=$(step)
		check "pipe: paused, the step stays at $s0 across two refreshes" \
			eval "[ -n '$s0' ] && [ '$s0' = '$s1' ]"
	else
		fail "pipe: two refreshes while paused" "the header's clock did not move"
	fi
	note_pids "$CPID"
	note_ids

	T send-keys -t "$PANE" o
	if [ -n "$s0" ] && wait_for 10 step_after "$s0"; then
		s2=$(step)
		# one step of the demo's clock: the process due takes it (one caption), and a
		# process it wakes reacts at once (demo.h), so a few captions at most
		check "pipe: o advances one step (step $s0 -> $s2)" [ "$s2" -le $((s0 + 4)) ]
		wait_refreshes 2
		check "pipe: after the step it stays paused at $s2" eval \
			"[ \"\$(step)\" = '$s2' ] && title | grep -q '^ Demo pipe: paused'"
	else
		fail "pipe: o advances one step" "step stayed at $s0"
	fi
	T send-keys -t "$PANE" p
	check "pipe: p lets it continue" wait_for 10 eval "title | grep -q '^ Demo pipe: running'"
	s3=$(step)
	check "pipe: running again, captions advance" wait_for 15 step_after "$s3"
	note_pids "$CPID"
	note_ids

	# ---- the menu: every demo of `demo list`, then msgqueue from it ----
	T send-keys -t "$PANE" d
	check "menu: d opens the demo menu" wait_for 10 screen_has "$PANE" "Demos ($("$IPCTOP" demo list | wc -l))"
	"$IPCTOP" demo list | cut -f1 >"$D/list.names"
	menu_names >"$D/menu.names"
	check "menu: lists every demo of 'ipctop demo list', in order" cmp -s "$D/list.names" "$D/menu.names"
	missing=""
	while IFS=$'\t' read -r name desc; do
		screen "$PANE" | grep -qF -- " $name " || missing="$missing $name"
		screen "$PANE" | grep -qF -- "${desc:0:40}" || missing="$missing $name(description)"
	done < <("$IPCTOP" demo list)
	check "menu: every name and description shown${missing:+ (missing:$missing)}" [ -z "$missing" ]
	check "menu: marks pipe as running" eval "screen '$PANE' | grep -qE '^ → pipe '"

	idx=$(grep -nx msgqueue "$D/list.names" | cut -d: -f1)
	T send-keys -t "$PANE" Home
	for _ in $(seq 2 "$idx"); do T send-keys -t "$PANE" Down; done
	old=$CPID
	T send-keys -t "$PANE" Enter
	check "menu: Enter starts msgqueue" wait_for 20 eval "title | grep -q '^ Demo msgqueue: '"
	wait_for 20 conductor_named
	echo "$CPID" >>"$D/conductors"
	check "menu: the pipe demo is gone (conductor $old and its processes)" eval \
		"[ '$CPID' != '$old' ] && none_alive"
	check "menu: its registry directory is gone" [ ! -e "$IPCTOP_DEMO_DIR/$old" ]
	note_pids "$CPID"
	check "menu: msgqueue's queue appears in the Message queues panel" wait_for 20 queue_shown
	check "menu: only msgqueue's processes are shown" wait_for 15 only_demo_shown
	note_pids "$CPID"
	note_ids

	T send-keys -t "$PANE" q
	check "q: ipctop exits 0" wait_for 20 screen_has "$PANE" "ipctop-exit=0"
	check "q: nothing the demos made is left" wait_for 10 nothing_left
	T send-keys -t "$PANE" Enter
	check "q: pane dead with status 0" wait_for 10 status_is "$PANE" 0
else
	fail "pipe: dashboard started with the demo" "$(screen pipe:0.0 2>&1 | head -5)"
fi

# ---- 2. SIGTERM, Ctrl-C and SIGKILL of the dashboard stop the demo ----
# stop_test SESSION SIGNAL STATUS: --demo msgqueue until its queue shows, then the signal.
stop_test() {
	local sess=$1 sig=$2 want=$3
	if ! start "$sess" --demo msgqueue; then
		fail "$sess: dashboard started with the demo" "$(screen "$sess:0.0" 2>&1 | head -5)"
		return
	fi
	echo "$CPID" >>"$D/conductors"
	check "$sess: msgqueue's queue appears" wait_for 20 queue_shown
	note_pids "$CPID"
	note_ids
	case $sig in
	INT) T send-keys -t "$PANE" C-c ;;
	*) kill -"$sig" "$IPID" ;;
	esac
	check "$sess: ipctop exits with $want" wait_for 20 screen_has "$PANE" "ipctop-exit=$want"
	check "$sess: nothing the demo made is left" wait_for 15 nothing_left
	T send-keys -t "$PANE" Enter
}
stop_test term TERM 143
stop_test int INT 130
stop_test kill KILL 137

finish
