#!/bin/bash
# tests/integration/tmux_quit_prompt.sh - quitting is prompt while a large snapshot is
# being collected and processed (issue 11: q used to wait up to ~10 s for the collector
# thread to finish its pass over every process).
#
# load_fds makes QUIT_PROMPT_N sleeping processes (5,000 by default; no traffic), each holding
# channels to its neighbours. The dashboard runs in a private tmux server (-L) with a short
# refresh (-d 0.1), so a collection over all of them is always under way. Once it has drawn
# a second snapshot, q - and, in a second dashboard, SIGTERM to ipctop's pid - must give the
# pane back (ipctop exited with its status, the terminal restored) within QUIT_PROMPT_MS
# (3,000 ms by default).
# Not a discriminating test at this size on a fast machine: on the 2-core development machine
# the old join waited 1.5-2.3 s at 5,000 processes (a pass takes about 2.5 s), within the
# limit; with the pass cancelled the pane came back in 0.3-0.4 s when q arrived mid-pass, and
# in 1.0-1.7 s when it arrived just as a snapshot came (the UI thread then still builds that
# frame before it reads the key: not solved yet). Lower QUIT_PROMPT_MS to compare by hand.
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

LOAD=${top_builddir:-.}/tests/bench/load_fds
N=${QUIT_PROMPT_N:-5000}
LIMIT_MS=${QUIT_PROMPT_MS:-3000}
export LSAN_OPTIONS="suppressions=${top_srcdir:-.}/tests/integration/lsan-libproc2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
D=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-quit.XXXXXX")
SOCK="ipctop-quit-$$-$RANDOM"
on_exit "rm -rf '$D'"
on_exit "tmux -L '$SOCK' kill-server >/dev/null 2>&1; rm -f '${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK'"

if ! command -v tmux >/dev/null; then
	fail "tmux installed" "tmux is missing (Debian package tmux)"
	finish
fi

mkfifo "$D/release"
"$LOAD" -n "$N" -k 1 <"$D/release" >"$D/load.out" 2>"$D/load.err" &
LPID=$!
exec 8>"$D/release"
on_exit "exec 8>&-; kill -TERM $LPID 2>/dev/null; wait $LPID 2>/dev/null"
load_ready() { grep -q '^ready ' "$D/load.out"; }
if ! wait_for 300 load_ready; then
	fail "$N sleeping processes started" "$(cat "$D/load.err")"
	finish
fi
ok "$N sleeping processes started"

cat >"$D/tmux.conf" <<EOF
set -g remain-on-exit on
set -g history-limit 0
EOF
cat >"$D/wrap.sh" <<'EOF'
name=$1; shift
stty -g >"$name.before"
exec 3<&0
"$@" <&3 3<&- &
echo $! >"$name.pid"
wait $!
rc=$?
stty -g >"$name.after"
echo "ipctop-exit=$rc"
read -r _
exit 0
EOF
T() { tmux -L "$SOCK" -f "$D/tmux.conf" "$@" 8>&-; }
screen() { T capture-pane -p -t "$1"; }
screen_has() { screen "$1" | grep -qF -- "$2"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# run_case NAME HOW: start a dashboard, wait for a frame with all processes, let a collection
# start, then stop it (HOW: q or TERM) and time the pane's return.
run_case() {
	local cn=$1 how=$2 pane=$1:0.0 t0 t1 want
	T new-session -d -s "$cn" -x 120 -y 40 \
		"exec /bin/bash '$D/wrap.sh' '$D/$cn' env LC_ALL=C.UTF-8 TERM=screen-256color '$IPCTOP' -d 0.1"
	if ! wait_for 120 screen_has "$pane" "Processes"; then
		fail "$cn: dashboard drew a frame" "$(screen "$pane" | head -5)"
		return
	fi
	# once a second snapshot was drawn (-d 0.1: collections run back to back, one is under
	# way whenever q arrives)
	screen "$pane" >"$D/$cn.screen"
	changed() { ! screen "$pane" | cmp -s - "$D/$cn.screen"; }
	wait_for 60 changed
	t0=$(now_ms)
	if [ "$how" = q ]; then
		T send-keys -t "$pane" q
		want=0
	else
		kill -TERM "$(cat "$D/$cn.pid")"
		want=143
	fi
	if wait_for 30 screen_has "$pane" "ipctop-exit="; then
		t1=$(now_ms)
		check "$cn: the pane came back within $LIMIT_MS ms ($((t1 - t0)) ms)" \
			[ $((t1 - t0)) -le "$LIMIT_MS" ]
		check "$cn: ipctop exited with status $want ($(screen "$pane" | grep -o 'ipctop-exit=[0-9]*'))" \
			screen_has "$pane" "ipctop-exit=$want"
		check "$cn: terminal modes restored" cmp -s "$D/$cn.before" "$D/$cn.after"
	else
		fail "$cn: ipctop exited" "still running after 30 s"
	fi
	T send-keys -t "$pane" Enter
}

run_case quitq q
run_case quitterm TERM
# the tracefs instance of each dashboard is gone (it removes it on the way out)
if [ -d /sys/kernel/tracing/instances ]; then
	left=""
	for n in quitq quitterm; do
		p=$(cat "$D/$n.pid" 2>/dev/null)
		[ -n "$p" ] && [ -e "/sys/kernel/tracing/instances/ipctop-$p" ] && left="$left ipctop-$p"
	done
	check "no tracefs instance left${left:+:$left}" [ -z "$left" ]
fi

exec 8>&-
kill -TERM "$LPID" 2>/dev/null
wait "$LPID"
check "the load exited cleanly" [ $? -eq 0 ]
finish
