#!/bin/bash
# tests/integration/tmux_endpoints.sh - who talks to whom, on the dashboard, in a headless tmux.
#
# live_endpoints -n 2 -k K makes the processes: a ring of two children (c0 writes a pipe c1
# reads, c1 one c0 reads, and two socketpairs join them) and a pipe stuffed with exactly K
# bytes between a writer and a reader child. ipctop --pid runs in a private tmux server
# (-L, its own socket; only that server is ever killed) in the C locale without colour
# (ASCII arrows, the selection in reverse video). The test checks: the Pipes panel shows
# "writer -> reader" with the bytes queued, the fill and a gauge; the Sockets panel shows each
# socketpair once, "c0 <-> c1"; a socket's page shows both ends; c0's page lists its channels
# with the process at the other end; Up picks the peer and Enter opens the peer's page, Esc
# comes back; Enter on a pipe opens its page, Enter on its reader opens that process, Esc
# twice comes back; all nine title bars fit 80x24; q exits 0 and gives the terminal back.
# Then the fixture must still be whole (nothing was disturbed) and remove everything when its
# stdin closes. Every wait is a condition with a deadline; no bare sleeps.
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

FIXTURE=${top_builddir:-.}/tests/integration/live_endpoints
K=12345
# Under ASan: libproc2's per-thread buffers are not ipctop's leak (see the file). The tmux
# server started below passes this environment on to ipctop.
export LSAN_OPTIONS="suppressions=${top_srcdir:-.}/tests/integration/lsan-libproc2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
D=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-tmuxep.XXXXXX")
SOCK="ipctop-ep-$$-$RANDOM"
on_exit "rm -rf '$D'"
on_exit "tmux -L '$SOCK' kill-server >/dev/null 2>&1; rm -f '${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK'"

if ! command -v tmux >/dev/null; then
	fail "tmux installed" "tmux is missing (Debian package tmux)"
	finish
fi

# ---- the processes ----
# (its stderr to a file: inherited by the children, a pipe there would be one more channel)
coproc LE { exec "$FIXTURE" -n 2 -k "$K" 2>"$D/fixture.err"; }
le_pid=$LE_PID	# bash unsets LE_PID once the coprocess ends
le_in=${LE[1]}
le_out=${LE[0]}
on_exit "kill -TERM $le_pid 2>/dev/null; wait $le_pid 2>/dev/null"
declare -A RING_PID
ready=0 P0="" S0="" STUFF="" DIR=""
while read -r -t 20 -u "$le_out" line; do
	case $line in
	ready) ready=1; break ;;
	ring_pid=*) set -- ${line#*=}; RING_PID[$1]=$2 ;;
	ring_pipe=*) [ -z "$P0" ] && P0=${line#*=} ;;	# inode writer wfd reader rfd
	ring_sock=*) [ -z "$S0" ] && S0=${line#*=} ;;	# inode_a pid_a fd_a inode_b pid_b fd_b
	stuff=*) STUFF=${line#*=} ;;			# inode writer wfd reader rfd bytes
	dir=*) DIR=${line#*=} ;;
	esac
done
if [ $ready != 1 ] || [ -z "$P0" ] || [ -z "$S0" ] || [ -z "$STUFF" ]; then
	fail "fixture ready" "live_endpoints did not print its objects: $(cat "$D/fixture.err")"
	finish
fi
ok "fixture ready (pid $le_pid)"
C0=${RING_PID[0]} C1=${RING_PID[1]}
set -- $P0; P0_INO=$1 P0_WFD=$3 P0_RFD=$5
set -- $S0; S0_A=$1 S0_AFD=$3 S0_B=$4 S0_BFD=$6
set -- $STUFF; ST_INO=$1 ST_W=$2 ST_R=$4
PIDS="$C0,$C1,$ST_W,$ST_R"

cat >"$D/tmux.conf" <<EOF
set -g remain-on-exit on
set -g history-limit 0
EOF
# the wrapper: ipctop, then its exit status on the normal screen, then waits for Enter
cat >"$D/wrap.sh" <<'EOF'
"$@"
echo "ipctop-exit=$?"
read -r _
EOF

T() { tmux -L "$SOCK" -f "$D/tmux.conf" "$@"; }
PANE="ep:0.0"
screen() { T capture-pane -p -t "$PANE"; }
screen_has() { screen | grep -qF -- "$1"; }
screen_re() { screen | grep -qE -- "$1"; }
pane_fmt() { T display-message -p -t "$PANE" "$1"; }
# The rows of one dashboard panel: between its title bar and the next one's.
panel_rows() {
	screen | awk -v a="^ $1 " -v b="^ $2 " '$0 ~ a {in_p = 1; next} $0 ~ b {in_p = 0} in_p'
}
panel_has() { panel_rows "$1" "$2" | grep -qE -- "$3"; }
# The keyboard's line on a detail page: the one in reverse video, below the title bar and
# above the status line (which are reverse video too), without its escapes.
REVERSE_RE=$'\e''\[([0-9]+;)*7(;[0-9]+)*m'
selected() {
	T capture-pane -p -e -t "$PANE" | sed '1,2d;$d' | grep -aE "$REVERSE_RE" |
		sed 's/\x1b\[[0-9;]*m//g' | grep -vE '^ [a-z]+:[^ ]* - ' | head -1
}
selected_is_not() { [ "$(selected)" != "$1" ]; }
# pick KEY TEXT: KEY (Up or Down) until the keyboard's line contains TEXT.
pick() {
	local cur
	for _ in $(seq 1 30); do
		cur=$(selected)
		case $cur in *"$2"*) return 0 ;; esac
		T send-keys -t "$PANE" "$1"
		wait_for 3 selected_is_not "$cur"
	done
	return 1
}

T new-session -d -s ep -x 160 -y 40 \
	"exec /bin/sh '$D/wrap.sh' env LC_ALL=C NO_COLOR=1 TERM=screen-256color '$IPCTOP' --pid $PIDS"
if ! wait_for 20 screen_has "1 Processes"; then
	fail "dashboard started" "$(screen 2>&1 | head -5)"
	finish
fi
ok "dashboard started (--pid $PIDS)"

# ---- Pipes & FIFOs: writer -> reader, the fill ----
T send-keys -t "$PANE" 2
check "pipes: the stuffed pipe shows writer -> reader" wait_for 10 \
	panel_has 2 3 "^ *$ST_INO .*$ST_W live_endpoints -> $ST_R live_endpoints"
check "pipes: $K bytes queued (12K), 18% of 64K" \
	panel_has 2 3 "^ *$ST_INO .* 12(\.[0-9])?K +64K +18% "
check "pipes: a fill gauge" panel_has 2 3 "^ *$ST_INO .*#+\.{6,}"
check "pipes: the ring pipe c0 -> c1" \
	panel_has 2 3 "^ *$P0_INO .*$C0 live_endpoints -> $C1 live_endpoints"
check "pipes: once there is a second snapshot, B/S of the uncounted pipe is ? (nothing estimated)" \
	wait_for 10 panel_has 2 3 "^ *$ST_INO .* \\? "
check "pipes: no estimate mark (~) anywhere" eval "! panel_rows 2 3 | grep -q '~'"

# ---- Sockets: each pair once ----
T send-keys -t "$PANE" 3
check "sockets: 2 rows for 4 sockets" wait_for 10 screen_has " 3 Unix sockets (2 of 4)"
check "sockets: the socketpair linked, c0 <-> c1" \
	panel_has 3 4 "^ *$S0_A .*established +$C0 live_endpoints <-> $C1 live_endpoints"
check "sockets: its other end has no row of its own" eval "! panel_has 3 4 '^ *$S0_B '"
check "sockets: two pairs" eval "[ \$(panel_rows 3 4 | grep -c ' <-> ') = 2 ]"
T send-keys -t "$PANE" Home Enter
check "sockets: Enter opens the pair" wait_for 5 screen_re "^ unix:[0-9]+ - Unix sockets"
check "sockets: the page shows both ends" eval "screen_has 'A connected pair' && screen_has 'End B'"
check "sockets: both holders" eval "screen_has '$C0 live_endpoints (fd' && screen_has '$C1 live_endpoints (fd'"
T send-keys -t "$PANE" Escape
check "sockets: Esc goes back" wait_for 5 screen_has " 3 Unix sockets"

# ---- c0's page: its channels and who is at the other end ----
T send-keys -t "$PANE" 1 Home
found=0
for _ in $(seq 1 12); do
	T send-keys -t "$PANE" Enter
	wait_for 5 screen_re "^ pid:[0-9]+ - Processes" || break
	if screen_has " pid:$C0 - Processes"; then
		found=1
		break
	fi
	T send-keys -t "$PANE" Escape
	wait_for 5 screen_has " 1 Processes" || break
	T send-keys -t "$PANE" Down
done
if [ $found = 1 ]; then ok "process: c0's page opened"; else fail "process: c0's page opened"; fi
T send-keys -t "$PANE" End
check "process: a Channels section" wait_for 5 screen_has "Channels (4)"
check "process: the pipe it writes" \
	screen_re "^ fd $P0_WFD write +pipe:$P0_INO  anonymous pipe"
check "process: read by c1, with its fd" \
	screen_re "^ +-> read by +$C1 live_endpoints \(fd $P0_RFD\)$"
check "process: the socketpair" screen_re "^ fd $S0_AFD socket +unix:$S0_A  stream, established"
check "process: its peer c1, with its fd" \
	screen_re "^ +<-> peer +$C1 live_endpoints \(fd $S0_BFD\)$"

# Up picks the last process named (a peer on c1's side); Enter opens it, Esc comes back.
check "process: Up picks the peer" pick Up "$C1 live_endpoints (fd"
T send-keys -t "$PANE" Enter
check "process: Enter opens the peer's page" wait_for 5 screen_has " pid:$C1 - Processes"
T send-keys -t "$PANE" End
check "process: the peer lists c0 at the other end" \
	wait_for 5 screen_re "^ +-> read by +$C0 live_endpoints \(fd [0-9]+\)$"
T send-keys -t "$PANE" Escape
check "process: Esc comes back to c0" wait_for 5 screen_has " pid:$C0 - Processes"
check "process: with the peer still picked" eval "selected | grep -qF '$C1 live_endpoints (fd'"

# Enter on the channel opens it; Enter on its reader opens that process; Esc, Esc back.
check "process: Up picks the pipe" pick Up "pipe:$P0_INO"
T send-keys -t "$PANE" Enter
check "pipe: Enter opens the pipe's page" wait_for 5 screen_has " pipe:$P0_INO - Pipes and FIFOs"
check "pipe: its writer" screen_re "^ writer +$C0 live_endpoints \(fd $P0_WFD\)$"
check "pipe: its reader" screen_re "^ reader +$C1 live_endpoints \(fd $P0_RFD\)$"
check "pipe: Down picks the reader" pick Down "$C1 live_endpoints (fd $P0_RFD)"
T send-keys -t "$PANE" Enter
check "pipe: Enter opens the reader's page" wait_for 5 screen_has " pid:$C1 - Processes"
T send-keys -t "$PANE" Escape
check "pipe: Esc comes back to the pipe" wait_for 5 screen_has " pipe:$P0_INO - Pipes and FIFOs"
T send-keys -t "$PANE" Escape
check "pipe: Esc again comes back to c0" wait_for 5 screen_has " pid:$C0 - Processes"
T send-keys -t "$PANE" Escape
check "Esc back to the dashboard" wait_for 5 screen_has " 1 Processes"

# ---- 80x24: every panel reachable ----
T resize-window -t ep -x 80 -y 24
check "80x24: all nine title bars" wait_for 5 eval "screen | grep -c \
	-e '^ 1 Processes' -e '^ 2 Pipes and FIFOs' -e '^ 3 Unix sockets' \
	-e '^ 4 Message queues' -e '^ 5 Shared memory' -e '^ 6 Semaphores' \
	-e '^ 7 POSIX message queues' -e '^ 8 POSIX shared memory' -e '^ 9 POSIX semaphores' \
	| grep -qx 9"
T send-keys -t "$PANE" 2
check "80x24: 2 expands the pipes, the stuffed one on screen" \
	wait_for 5 panel_has 2 3 "^ *$ST_INO .*$ST_W live_endpoints"
check "80x24: headings and all three pipes" eval "[ \$(panel_rows 2 3 | wc -l) -ge 4 ]"

# ---- q exits clean ----
T send-keys -t "$PANE" q
check "q: ipctop exited 0" wait_for 15 screen_has "ipctop-exit=0"
check "q: alternate screen left" [ "$(pane_fmt '#{alternate_on}')" = 0 ]
check "q: cursor visible again" [ "$(pane_fmt '#{cursor_flag}')" = 1 ]
T send-keys -t "$PANE" Enter

# ---- the fixture was not disturbed, and removes everything ----
alive() { kill -0 "$1" 2>/dev/null && ! grep -qE '^[0-9]+ \(.*\) Z' "/proc/$1/stat" 2>/dev/null; }
check "fixture and its children still alive" eval "alive $le_pid && alive $C0 && alive $C1 && \
	alive $ST_W && alive $ST_R"
exited() { [ ! -e "/proc/$1" ] || grep -qE '^[0-9]+ \(.*\) Z' "/proc/$1/stat" 2>/dev/null; }
eval "exec $le_in>&-"
if wait_for 15 exited "$le_pid"; then
	wait "$le_pid"
	check "fixture removed everything and exited 0" [ $? = 0 ]
else
	fail "fixture saw end of file on stdin"
	kill -TERM "$le_pid"
	wait "$le_pid"
fi
check "its directory is gone" [ ! -e "$DIR" ]
check "its children are gone" eval "exited $C0 && exited $C1 && exited $ST_W && exited $ST_R"

finish
