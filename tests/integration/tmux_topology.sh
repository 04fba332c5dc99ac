#!/bin/bash
# tests/integration/tmux_topology.sh - the topology map and the issue 5 keys, end to end in a
# headless tmux, on processes this test connected itself (tests/integration/topo_pair):
#   chan: a parent writing into a pipe to its child (traffic every 50 ms) and a socketpair;
#   sysv: a message queue (3 sent by the parent, 1 received by the child) and a segment
#         attached by both.
# ipctop runs with --pid on those four processes in a private tmux server (-L, its own
# socket; only that server is ever killed), with XDG_CONFIG_HOME in a temporary directory.
# Checked: the map shows the four boxes, the two objects and all six links (pipe arrow,
# socket double line, data moving); search, Enter, Esc, follow, pause, modes, filter, a mouse
# click; removing the queue (refused with n, done with y, and gone from /proc/sysvipc/msg);
# settings saved, reloaded at the next start (opens on the map, refresh kept) and a malformed
# file falling back to the defaults; a resize storm (still responsive); 20x10 "too small";
# LANG=C + TERM=vt100 + NO_COLOR: ASCII only, no colour. Every wait has a deadline.
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

PAIR=${top_builddir:-.}/tests/integration/topo_pair
export LSAN_OPTIONS="suppressions=${top_srcdir:-.}/tests/integration/lsan-libproc2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
D=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-topo.XXXXXX")
SOCK="ipctop-topo-$$-$RANDOM"
on_exit "rm -rf '$D'"
on_exit "tmux -L '$SOCK' kill-server >/dev/null 2>&1; rm -f '${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK'"

if ! command -v tmux >/dev/null; then
	fail "tmux installed" "tmux is missing (Debian package tmux)"
	finish
fi

# ---- the processes: each helper runs until SIGTERM. Their stdio are files: a pipe to this
# shell would be one more channel (and this shell one more process) on the map. ----
"$PAIR" chan -t </dev/null >"$D/chan.out" 2>"$D/chan.err" &
ch_pid=$!
on_exit "kill -TERM $ch_pid 2>/dev/null; wait $ch_pid 2>/dev/null"
"$PAIR" sysv </dev/null >"$D/sysv.out" 2>"$D/sysv.err" &
sv_pid=$!
on_exit "kill -TERM $sv_pid 2>/dev/null; wait $sv_pid 2>/dev/null"
wait_for 10 eval "[ -s '$D/chan.out' ] && [ -s '$D/sysv.out' ]"
read -r P1 C1 <"$D/chan.out"
read -r P2 C2 MSG SHM <"$D/sysv.out"
if ! [[ $P1 =~ ^[0-9]+$ && $C1 =~ ^[0-9]+$ && $P2 =~ ^[0-9]+$ && $MSG =~ ^[0-9]+$ ]]; then
	fail "test processes started" "chan: '$P1 $C1', sysv: '$P2 $C2 $MSG $SHM' $(cat "$D"/*.err)"
	finish
fi
ok "test processes started (pipe+socket $P1->$C1, msg:$MSG shm:$SHM $P2/$C2)"
PIDS="$P1,$C1,$P2,$C2"

cat >"$D/tmux.conf" <<EOF
set -g remain-on-exit on
set -g history-limit 0
EOF
# wrap.sh NAME COMMAND...: runs the command, then prints its exit status and waits for Enter
cat >"$D/wrap.sh" <<'EOF'
name=$1; shift
"$@"
echo "ipctop-exit=$?"
read -r _
EOF

T() { tmux -L "$SOCK" -f "$D/tmux.conf" "$@"; }
screen() { T capture-pane -p -t "$1"; }
screen_has() { screen "$1" | grep -qF -- "$2"; }
screen_lacks() { ! screen_has "$1" "$2"; }
pane_fmt() { T display-message -p -t "$1" "$2"; }
child_of() {
	local kids
	kids=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
	set -- $kids
	[ $# -eq 1 ] && echo "$1"
}
COLOUR_RE=$'\e''\[([0-9]+;)*(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)(;[0-9]+)*m'

# start SESSION 'ENV...' [OPTION...]: ipctop under the wrapper in a 100x30 window; sets PANE
# and IPID once the dashboard (or the map) is drawn.
start() {
	local sess=$1 envs=$2 wpid; shift 2
	T new-session -d -s "$sess" -x 100 -y 30 \
		"exec /bin/sh '$D/wrap.sh' '$D/$sess' env XDG_CONFIG_HOME='$D/cfg' $envs '$IPCTOP' $*" || return 1
	PANE="$sess:0.0"
	wait_for 15 eval "screen '$PANE' | grep -qE '1 Processes|Topology'" || return 1
	wpid=$(pane_fmt "$PANE" '#{pane_pid}')
	IPID=$(child_of "$wpid")
	[ -n "$IPID" ]
}

# quit SESSION: q, then the exit status must be 0
quit() {
	T send-keys -t "$1:0.0" q
	check "$1: q exits with status 0" wait_for 10 screen_has "$1:0.0" "ipctop-exit=0"
	T send-keys -t "$1:0.0" Enter
}

# map_rows: the map part of the screen (below the map's title line, above the status line)
map_rows() { screen "$PANE" | sed -n '/ Topology /,$p' | sed '1d;$d'; }
count_glyph() { map_rows | grep -o -- "$1" | wc -l; }

# click ROW COL: a left press and release at screen cell ROW, COL (0-based; X10 encoding)
click() {
	local b x y
	b=$(printf "\\$(printf '%03o' 32)")
	x=$(printf "\\$(printf '%03o' $((33 + $2)))")
	y=$(printf "\\$(printf '%03o' $((33 + $1)))")
	T send-keys -t "$PANE" -l $'\e[M'"$b$x$y"
	b=$(printf "\\$(printf '%03o' 35)")
	T send-keys -t "$PANE" -l $'\e[M'"$b$x$y"
}

# ---- 1. the map of the test's own processes, UTF-8 and 256 colours ----
if start map "LC_ALL=C.UTF-8 TERM=screen-256color" --pid "$PIDS" -d 0.5; then
	ok "map: dashboard started"
	T send-keys -t "$PANE" t
	check "map: t opens the topology" wait_for 10 screen_has "$PANE" " Topology "
	check "map: 4 processes, 2 objects, 6 links" \
		wait_for 10 screen_has "$PANE" "4 processes  2 objects  6 links"
	for p in $P1 $C1 $P2 $C2; do
		check "map: box of process $p" screen_has "$PANE" "┌ $p "
	done
	check "map: the processes' command" screen_has "$PANE" "│topo_pair"
	check "map: box of the queue" screen_has "$PANE" "╭ msg:$MSG "
	check "map: the queue's depth: 2 messages, 128 bytes" screen_has "$PANE" "2 msg 128B"
	check "map: box of the segment, attached twice" screen_has "$PANE" "2 attached"
	check "map: box of the segment" screen_has "$PANE" "╭ shm:$SHM "
	check "map: the socket's double line" eval "map_rows | grep -qE '═|║'"
	check "map: arrowheads (pipe 1, socket 2, queue 2)" \
		eval "[ \$(count_glyph '[→←↑↓]') -ge 5 ]"
	check "map: dotted links (queue, segment)" eval "map_rows | grep -qE '┄|┆'"
	check "map: data moving along the pipe" wait_for 10 eval "map_rows | grep -q '●'"
	check "map: colours" eval "T capture-pane -p -e -t '$PANE' | grep -qE \"\$COLOUR_RE\""

	# search, Enter, Esc
	T send-keys -t "$PANE" / && T send-keys -t "$PANE" -l "$C1" && T send-keys -t "$PANE" Enter
	T send-keys -t "$PANE" Enter
	check "keys: / finds the child, Enter opens it" \
		wait_for 5 screen_has "$PANE" " pid:$C1 - Processes"
	T send-keys -t "$PANE" Escape
	check "keys: Esc goes back to the map" wait_for 5 screen_has "$PANE" " Topology "
	# follow, pause
	T send-keys -t "$PANE" f
	check "keys: f follows the selected process" wait_for 5 screen_has "$PANE" "Following $C1"
	check "keys: the followed box is marked" wait_for 5 screen_has "$PANE" "┌ ◎$C1 "
	T send-keys -t "$PANE" f
	check "keys: f again stops" wait_for 5 screen_has "$PANE" "No longer following $C1"
	T send-keys -t "$PANE" Space
	check "keys: space pauses" wait_for 5 screen_has "$PANE" "PAUSED"
	T send-keys -t "$PANE" Space
	check "keys: space resumes" wait_for 5 screen_lacks "$PANE" "PAUSED"
	# modes
	T send-keys -t "$PANE" a
	check "keys: a: the whole map" wait_for 5 screen_has "$PANE" "whole map (all)"
	T send-keys -t "$PANE" a
	check "keys: a: the neighbourhood" wait_for 5 screen_has "$PANE" "within 2 of pid:$C1 (near)"
	check "keys: the neighbourhood leaves out the queue's processes" screen_lacks "$PANE" "┌ $P2 "
	T send-keys -t "$PANE" a
	check "keys: a: auto again" wait_for 5 screen_has "$PANE" "(auto)"
	# filter
	T send-keys -t "$PANE" F4 && T send-keys -t "$PANE" -l "msg:" && T send-keys -t "$PANE" Enter
	check "keys: F4 filters the map" wait_for 5 screen_has "$PANE" "filter \"msg:\" and neighbours"
	check "keys: the filter keeps the queue and its processes" \
		eval "screen_has '$PANE' '╭ msg:$MSG ' && screen_has '$PANE' '┌ $P2 '"
	check "keys: the filter drops the others" \
		eval "screen_lacks '$PANE' '╭ shm:$SHM ' && screen_lacks '$PANE' '┌ $P1 '"
	T send-keys -t "$PANE" F4 C-u Enter
	check "keys: an empty filter shows everything again" wait_for 5 screen_has "$PANE" "┌ $P1 "
	# the mouse: a click on the parent's box selects it; Enter opens it
	row=$(screen "$PANE" | grep -n "┌ $P1 " | head -1 | cut -d: -f1)
	col=$(screen "$PANE" | grep "┌ $P1 " | head -1 | sed "s/┌ $P1 .*//" | wc -m)
	if [ -n "$row" ]; then
		click "$row" "$col"
		T send-keys -t "$PANE" Enter
		check "mouse: a click selects a box" wait_for 5 screen_has "$PANE" " pid:$P1 - Processes"
		T send-keys -t "$PANE" Escape
		wait_for 5 screen_has "$PANE" " Topology "
	else
		fail "mouse: a click selects a box" "no box of $P1 on screen"
	fi
	# removing the queue: refused with n, done with y
	T send-keys -t "$PANE" / && T send-keys -t "$PANE" -l "msg:$MSG" && T send-keys -t "$PANE" Enter
	T send-keys -t "$PANE" x
	check "remove: x asks first" wait_for 5 screen_has "$PANE" "Remove msg:$MSG"
	check "remove: it says what is lost" screen_has "$PANE" "2 messages, 128 bytes: discarded"
	check "remove: it says who may" screen_has "$PANE" "may remove it"
	T send-keys -t "$PANE" n
	check "remove: n keeps it" wait_for 5 screen_has "$PANE" " Topology "
	check "remove: the queue is still there" grep -qE "^ *[0-9-]+ +$MSG " /proc/sysvipc/msg
	T send-keys -t "$PANE" x
	wait_for 5 screen_has "$PANE" "Remove msg:$MSG"
	T send-keys -t "$PANE" y
	check "remove: y removes it" wait_for 5 screen_has "$PANE" "Removed msg:$MSG."
	check "remove: the queue is gone from the kernel" \
		eval "! grep -qE '^ *[0-9-]+ +$MSG ' /proc/sysvipc/msg"
	T send-keys -t "$PANE" Escape
	check "remove: the map loses the queue" wait_for 10 screen_lacks "$PANE" "╭ msg:$MSG "
	check "remove: 4 links left" wait_for 10 screen_has "$PANE" "4 processes  1 objects  4 links"

	# settings: 8 colours, refresh 1s, saved; the file says so
	T send-keys -t "$PANE" T
	check "settings: T changes the theme" wait_for 5 screen_has "$PANE" "Theme 8: 8 colours"
	T send-keys -t "$PANE" + +
	check "settings: + refreshes slower" \
		wait_for 5 eval "screen '$PANE' | head -1 | grep -qE ' (every )?2s'"
	T send-keys -t "$PANE" S
	check "settings: S saves them" wait_for 5 screen_has "$PANE" "Saved to $D/cfg/ipctop/ipctoprc"
	check "settings: file has the refresh" grep -qx "refresh = 2" "$D/cfg/ipctop/ipctoprc"
	check "settings: file has the theme" grep -qx "theme = 8" "$D/cfg/ipctop/ipctoprc"
	check "settings: file has the view" grep -qx "view = topology" "$D/cfg/ipctop/ipctoprc"
	quit map
else
	fail "map: dashboard started" "$(screen map:0.0 2>&1 | head -5)"
fi

# ---- 2. the settings are read at the next start; a malformed file gives the defaults ----
if start again "LC_ALL=C.UTF-8 TERM=screen-256color" --pid "$PIDS"; then
	check "settings: the next start opens on the map" wait_for 5 screen_has "$PANE" " Topology "
	check "settings: with the saved refresh" \
		wait_for 5 eval "screen '$PANE' | head -1 | grep -qE ' (every )?2s'"
	T send-keys -t "$PANE" Escape
	check "settings: Esc goes to the dashboard under the map" \
		wait_for 5 screen_has "$PANE" "1 Processes"
	quit again
else
	fail "settings: the next start" "$(screen again:0.0 2>&1 | head -5)"
fi
printf 'refresh = fast\n' >"$D/cfg/ipctop/ipctoprc"
if start bad "LC_ALL=C.UTF-8 TERM=screen-256color" --pid "$PIDS" -d 0.5; then
	check "settings: a malformed file is reported" wait_for 5 screen_has "$PANE" "line 1: refresh"
	check "settings: ... and the defaults are used" screen_has "$PANE" "defaults used"
	check "settings: the defaults open the dashboard" screen_has "$PANE" "1 Processes"
	check "settings: -d wins over the file" \
		wait_for 10 eval "screen '$PANE' | head -1 | grep -qE ' (every )?0\.5s'"
	quit bad
else
	fail "settings: malformed file" "$(screen bad:0.0 2>&1 | head -5)"
fi

# ---- 3. a resize storm on the map, then still responsive; 20x10 is too small ----
if start storm "LC_ALL=C.UTF-8 TERM=screen-256color" --pid "$PIDS" -d 0.25; then
	T send-keys -t "$PANE" t
	wait_for 5 screen_has "$PANE" " Topology "
	sizes="20x10 200x60 61x15 80x24 45x12 130x40 60x15 100x30 33x44 150x8"
	for i in $(seq 1 8); do
		for s in $sizes; do
			T resize-window -t storm -x "${s%x*}" -y "${s#*x}"
		done
	done
	check "storm: ipctop survived the resize storm" kill -0 "$IPID"
	T resize-window -t storm -x 20 -y 10
	check "storm: 20x10 says too small" wait_for 5 screen_has "$PANE" "too small"
	T resize-window -t storm -x 100 -y 30
	check "storm: the map comes back" wait_for 5 screen_has "$PANE" " Topology "
	T send-keys -t "$PANE" '?'
	check "storm: still responsive (? shows help)" wait_for 5 screen_has "$PANE" "ipctop help"
	T send-keys -t "$PANE" Escape
	quit storm
else
	fail "storm: started" "$(screen storm:0.0 2>&1 | head -5)"
fi

# ---- 4. the dashboard: F5, search, a link followed with the mouse, filter, a click on a row ----
if start dash "LC_ALL=C.UTF-8 TERM=screen-256color" --pid "$PIDS" -d 0.5; then
	wait_for 10 screen_has "$PANE" " procs "
	T send-keys -t "$PANE" F5
	check "dash: F5 makes a flat list" wait_for 5 screen_has "$PANE" "Processes: a flat list by pid"
	T send-keys -t "$PANE" F5
	check "dash: F5 again the tree" wait_for 5 screen_has "$PANE" "Processes: a tree by parent"
	T send-keys -t "$PANE" / && T send-keys -t "$PANE" -l "$P2" && T send-keys -t "$PANE" Enter
	T send-keys -t "$PANE" Enter
	check "dash: the search selected the process" wait_for 5 screen_has "$PANE" " pid:$P2 - Processes"
	T send-keys -t "$PANE" End	# the System V objects are at the end of the page
	wait_for 5 screen_has "$PANE" "shm:$SHM attached"
	row=$(screen "$PANE" | grep -n "shm:$SHM attached" | head -1 | cut -d: -f1)
	if [ -n "$row" ]; then
		click "$((row - 1))" 30
		check "dash: a click on a detail line opens the object" \
			wait_for 5 screen_has "$PANE" " shm:$SHM - Shared memory"
		T send-keys -t "$PANE" Escape
	else
		fail "dash: a click on a detail line opens the object" "no line names shm:$SHM"
	fi
	T send-keys -t "$PANE" Escape
	wait_for 5 screen_has "$PANE" "1 Processes"
	T send-keys -t "$PANE" F4 && T send-keys -t "$PANE" -l "$C2" && T send-keys -t "$PANE" Enter
	check "dash: F4 filters every panel" \
		wait_for 5 screen_has "$PANE" "Processes (1 of 4, filter \"$C2\")"
	T send-keys -t "$PANE" F4 C-u Enter
	check "dash: an empty filter shows all rows again" wait_for 5 screen_has "$PANE" "Processes (4)"
	row=$(screen "$PANE" | grep -nE "^ +$P1 " | head -1 | cut -d: -f1)
	if [ -n "$row" ]; then
		click "$((row - 1))" 3
		T send-keys -t "$PANE" Enter
		check "dash: a click selects a row" wait_for 5 screen_has "$PANE" " pid:$P1 - Processes"
		T send-keys -t "$PANE" Escape
	else
		fail "dash: a click selects a row" "no row of $P1"
	fi
	quit dash
else
	fail "dash: started" "$(screen dash:0.0 2>&1 | head -5)"
fi

# ---- 5. LANG=C, TERM=vt100, NO_COLOR: ASCII and no colour ----
if start ascii "LANG=C LC_ALL=C TERM=vt100 NO_COLOR=1" --pid "$PIDS"; then
	T send-keys -t "$PANE" t
	check "ascii: the map" wait_for 10 screen_has "$PANE" " Topology "
	check "ascii: boxes in ASCII" wait_for 5 screen_has "$PANE" "+ $P1 "
	check "ascii: no byte outside ASCII" eval "! screen '$PANE' | LC_ALL=C grep -q '[^ -~]'"
	check "ascii: arrowheads in ASCII" eval "map_rows | grep -qE '[<>^v]'"
	check "ascii: no colour" eval "! T capture-pane -p -e -t '$PANE' | grep -qE \"\$COLOUR_RE\""
	quit ascii
else
	fail "ascii: started" "$(screen ascii:0.0 2>&1 | head -5)"
fi

# ---- the helpers end on SIGTERM; nothing of theirs is left ----
kill -TERM "$ch_pid" "$sv_pid"
wait "$ch_pid"
check "chan helper exited 0" [ $? = 0 ]
wait "$sv_pid"
check "sysv helper exited 0" [ $? = 0 ]
check "segment shm:$SHM is gone" eval "! grep -qE '^ *[0-9-]+ +$SHM ' /proc/sysvipc/shm"
check "no process of the test is left" eval "! kill -0 $C1 2>/dev/null && ! kill -0 $C2 2>/dev/null"

finish
