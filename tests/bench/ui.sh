#!/bin/sh
# tests/bench/ui.sh - `make bench`: the dashboard's speed.
#
#   1. tests/bench/ui_redraw: a full redraw of a 200x60 screen showing 1,000 objects, for the
#      panels and the topology map (target: well under 5 ms, median).
#   2. Input latency while a slow collection is in progress: ipctop in a headless tmux
#      (100x30), with a load of BENCH_UI_PROCS processes (tests/bench/load_fds, default
#      2,000 with 40 descriptors each) and -d 0.1, so the collector thread is always in the
#      middle of a scan; the time from a key (?, then Esc) to the screen showing its answer,
#      polled every few milliseconds with tmux capture-pane. Target: under 100 ms (the
#      largest of BENCH_UI_KEYS keys, default 30).
# Prints a report; exits 1 when a target is missed, 2 when it cannot run.
set -u
: "${top_builddir:=.}"
: "${IPCTOP:=$top_builddir/ipctop}"
REDRAW=$top_builddir/tests/bench/ui_redraw
LOAD=$top_builddir/tests/bench/load_fds
PROCS=${BENCH_UI_PROCS:-2000}
KEYS=${BENCH_UI_KEYS:-30}
status=0

for tool in "$IPCTOP" "$REDRAW" "$LOAD"; do
	[ -x "$tool" ] || { echo "bench: $tool is not built (make all check)" >&2; exit 2; }
done
command -v tmux >/dev/null 2>&1 || { echo "bench: tmux is missing" >&2; exit 2; }

echo "--- 1. full redraw, 200x60, 1,000 objects"
"$REDRAW" -n 200 -t 5 || status=1

echo "--- 2. input latency during a slow collection"
TMP=$(mktemp -d)
SOCK="ipctop-bench-$$"
LOADPID=""
cleanup() {
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
	exec 8>&- 2>/dev/null
	if [ -n "$LOADPID" ]; then
		kill -TERM "$LOADPID" 2>/dev/null
		wait "$LOADPID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkfifo "$TMP/in"
"$LOAD" -n "$PROCS" -k 20 <"$TMP/in" >"$TMP/load.out" 2>&1 &
LOADPID=$!
exec 8>"$TMP/in"
i=0
until grep -q '^ready' "$TMP/load.out"; do
	i=$((i + 1))
	if [ $i -gt 1200 ] || ! kill -0 "$LOADPID" 2>/dev/null; then
		echo "bench: the load did not start: $(cat "$TMP/load.out")" >&2
		exit 2
	fi
	sleep 0.05
done

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
scan=""
for r in 1 2 3; do
	t0=$(now_ms)
	"$IPCTOP" --once >/dev/null 2>&1
	scan="$scan $(( $(now_ms) - t0 ))"
done
echo "load: $PROCS processes with 40 descriptors each; one full scan (ipctop --once): $scan ms"

T() { tmux -L "$SOCK" "$@"; }
T -f /dev/null new-session -d -s lat -x 100 -y 30 \
	"env XDG_CONFIG_HOME='$TMP/cfg' LC_ALL=C.UTF-8 TERM=screen-256color '$IPCTOP' -d 0.1"
T set-option -t lat remain-on-exit on >/dev/null
has() { T capture-pane -p -t lat:0.0 | grep -qF -- "$1"; }
i=0
until has " procs "; do
	i=$((i + 1))
	[ $i -gt 600 ] && { echo "bench: the dashboard did not start" >&2; exit 2; }
	sleep 0.05
done
busy=0
: >"$TMP/lat"
for k in $(seq "$KEYS"); do
	for key in '?' Escape; do
		want="ipctop help"
		[ "$key" = Escape ] && want="1 Processes"
		T capture-pane -p -t lat:0.0 | head -1 | grep -q '\* ' && busy=$((busy + 1))
		t0=$(date +%s%N)
		T send-keys -t lat:0.0 "$key"
		n=0
		until has "$want"; do
			n=$((n + 1))
			[ $n -gt 2000 ] && break
		done
		echo $(( ($(date +%s%N) - t0) / 1000000 )) >>"$TMP/lat"
	done
	# land the next keys at another moment of the scan
	sleep "0.0$(( (k * 37) % 90 + 10 ))"
done
sort -n "$TMP/lat" | awk -v busy="$busy" -v keys="$((2 * KEYS))" '
	{ v[NR] = $1 }
	END {
		p95 = v[int(NR * 0.95) > 0 ? int(NR * 0.95) : 1]
		printf "keys: %d (a scan was in progress at %d of them); key to screen, ms: median %d, p95 %d, max %d (includes tmux capture polling)\n", keys, busy, v[int((NR + 1) / 2)], p95, v[NR]
		printf "target: every key answered under 100 ms: %s\n", v[NR] < 100 ? "met" : "MISSED"
		exit v[NR] < 100 ? 0 : 1
	}' || status=1
T send-keys -t lat:0.0 q
exit $status
