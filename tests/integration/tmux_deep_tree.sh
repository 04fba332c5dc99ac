#!/bin/bash
# tests/integration/tmux_deep_tree.sh - the dashboard with a real deep chain of processes
# (issue 11: a 40,000-deep tree used to draw no frame in 50 s at 790 MB).
#
# deep_chain makes a chain of DEEP_CHAIN_N processes (1,000 by default: the machine's pid
# space and fork rate are shared; raise it by hand), each the child of the one before. The
# dashboard runs in a private tmux server (-L); once it has drawn, / finds the deepest
# process, whose row shows the elided prefix ("…+N"), and q must give the terminal back within
# 10 s (ipctop then exits with status 0). Then the chain is released (its stdin closed) and
# every process of it is reaped (deep_chain exits 0). The unit test (test_ui) covers 40,000
# levels; this one shows the real path: probes, model and screen.
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

CHAIN=${top_builddir:-.}/tests/integration/deep_chain
N=${DEEP_CHAIN_N:-1000}
export LSAN_OPTIONS="suppressions=${top_srcdir:-.}/tests/integration/lsan-libproc2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
D=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-deep.XXXXXX")
SOCK="ipctop-deep-$$-$RANDOM"
on_exit "rm -rf '$D'"
on_exit "tmux -L '$SOCK' kill-server >/dev/null 2>&1; rm -f '${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK'"

if ! command -v tmux >/dev/null; then
	fail "tmux installed" "tmux is missing (Debian package tmux)"
	finish
fi

# the chain: stdin from a FIFO this script holds open; closing it releases the chain
mkfifo "$D/release"
# (under ASan every link's exit runs a leak scan: the fixture's, not ipctop's, so it is off
# there, else 1,000 exits one after the other outlast the deadline on a busy machine)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	"$CHAIN" "$N" <"$D/release" >"$D/chain.out" 2>"$D/chain.err" &
CPID=$!
exec 8>"$D/release"
# whatever happens: release the chain, then kill its top (each dies with its parent)
on_exit "exec 8>&-; kill -KILL $CPID 2>/dev/null; wait $CPID 2>/dev/null"
chain_ready() { grep -q '^ready ' "$D/chain.out"; }
if ! wait_for 300 chain_ready; then
	fail "deep chain of $N processes started" "$(cat "$D/chain.err")"
	finish
fi
read -r _ top deepest depth <"$D/chain.out"
if [ "$depth" = "$N" ]; then ok "deep chain of $N processes (top $top, deepest $deepest)"
else fail "deep chain of $N processes" "reached depth $depth: $(cat "$D/chain.err")"; fi

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
T() { tmux -L "$SOCK" -f "$D/tmux.conf" "$@" 8>&-; }	# the server must not hold the chain's stdin
screen() { T capture-pane -p -t "$1"; }
screen_has() { screen "$1" | grep -qF -- "$2"; }
pane_fmt() { T display-message -p -t "$1" "$2"; }
deepest_row_elided() { screen "$1" | grep -E "^ *$deepest " | grep -qE '…\+[0-9]+ '; }

PANE=deep:0.0
T new-session -d -s deep -x 120 -y 40 \
	"exec /bin/sh '$D/wrap.sh' '$D/deep' env LC_ALL=C.UTF-8 TERM=screen-256color '$IPCTOP'"
if wait_for 60 screen_has "$PANE" "1 Processes"; then
	ok "dashboard drew a frame with the deep tree"
	# / finds the pid (also as part of other numbers: n goes on to the next match)
	T send-keys -t "$PANE" / "$deepest" Enter
	found=no
	for _ in $(seq 1 40); do
		if wait_for 3 deepest_row_elided "$PANE"; then found=yes; break; fi
		T send-keys -t "$PANE" n
	done
	if [ $found = yes ]; then ok "the deepest process's row shows the elided prefix (…+N)"
	else fail "the deepest process's row shows the elided prefix (…+N)" "$(screen "$PANE" | grep -E "^ *$deepest " | head -2)"; fi
	# (no Escape first: Escape and q sent together read as Alt-q)
	T send-keys -t "$PANE" q
	alt_off() { [ "$(pane_fmt "$PANE" '#{alternate_on}')" = 0 ]; }
	check "q answered within 10 s (the terminal given back)" wait_for 10 alt_off
	# then the collector thread is joined, which may finish a scan first on a busy machine
	check "ipctop exited with status 0" wait_for 60 screen_has "$PANE" "ipctop-exit=0"
	check "terminal modes restored" cmp -s "$D/deep.before" "$D/deep.after"
	T send-keys -t "$PANE" Enter
else
	fail "dashboard drew a frame with the deep tree" "$(screen "$PANE" | head -5)"
fi

# release the chain: it unwinds and reaps itself
exec 8>&-
gone() {	# exited: no process, or a zombie waiting for this shell
	local st
	st=$(awk '{print $3}' "/proc/$CPID/stat" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}
if wait_for 120 gone; then
	wait "$CPID"
	check "the chain unwound and reaped every process" [ $? -eq 0 ]
else
	fail "the chain unwound" "top $CPID still running"
fi
finish
