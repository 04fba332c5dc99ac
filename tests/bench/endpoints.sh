#!/bin/sh
# tests/bench/endpoints.sh - `make bench`: ipctop against lsfd on a load of processes joined
# by pipes and socketpairs (tests/bench/load_fds), in the same run.
#
#   1. 1,000 processes with 10 descriptors each: wall time of `ipctop --once --json` and of
#      `lsfd -J` (and plain `lsfd`), median of BENCH_REPS runs each, interleaved; the ratio.
#      Target: ipctop <= 1/4 of lsfd -J.
#   2. Growth with descriptors: 1,000 processes with 2, 4, 10, 20 and 40 descriptors each;
#      ipctop's median wall time per load, a least-squares line over the total number of
#      descriptors (cost per descriptor, fixed cost, R^2).
# Prints a report; exits 1 when the target is missed. Every load is stopped (its generator
# kills and reaps all it made) before the next starts, and on any exit of this script.
set -u
: "${top_builddir:=.}"
: "${IPCTOP:=$top_builddir/ipctop}"
LOAD=$top_builddir/tests/bench/load_fds
PROCS=${BENCH_PROCS:-1000}
REPS=${BENCH_REPS:-5}

TMP=$(mktemp -d)
LOADPID=""
stop_load() {
	exec 8>&- 2>/dev/null
	if [ -n "$LOADPID" ]; then
		kill -TERM "$LOADPID" 2>/dev/null
		wait "$LOADPID" 2>/dev/null
	fi
	LOADPID=""
	rm -f "$TMP/in"
}
trap 'stop_load; rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in "$IPCTOP" "$LOAD"; do
	[ -x "$tool" ] || { echo "bench: $tool is not built (make all check)" >&2; exit 2; }
done
command -v lsfd >/dev/null 2>&1 || { echo "bench: lsfd is missing (util-linux)" >&2; exit 2; }

# start_load LINKS: PROCS processes holding 2*LINKS descriptors each; waits for "ready"
start_load() {
	mkfifo "$TMP/in"
	"$LOAD" -n "$PROCS" -k "$1" <"$TMP/in" >"$TMP/load.out" 2>&1 &
	LOADPID=$!
	exec 8>"$TMP/in"
	i=0
	until grep -q '^ready' "$TMP/load.out"; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 "$LOADPID" 2>/dev/null; then
			echo "bench: the load did not start: $(cat "$TMP/load.out")" >&2
			exit 2
		fi
		sleep 0.05
	done
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# wall_ms CMD...: one run's wall time in ms (output discarded)
wall_ms() {
	t0=$(now_ms)
	"$@" >/dev/null 2>&1
	t1=$(now_ms)
	echo $((t1 - t0))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

echo "ipctop benchmark: $PROCS processes, $REPS runs per measure (median), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- 1. ipctop vs lsfd at 10 descriptors per process ----
start_load 5
fds=$(ls /proc/[0-9]*/fd 2>/dev/null | grep -c '^[0-9]')
: >"$TMP/ipctop.t"; : >"$TMP/lsfdj.t"; : >"$TMP/lsfd.t"
wall_ms "$IPCTOP" --once --json >/dev/null	# warm the caches once
for r in $(seq "$REPS"); do
	wall_ms "$IPCTOP" --once --json >>"$TMP/ipctop.t"
	wall_ms lsfd -J >>"$TMP/lsfdj.t"
	wall_ms lsfd >>"$TMP/lsfd.t"
done
ti=$(median <"$TMP/ipctop.t"); tj=$(median <"$TMP/lsfdj.t"); tl=$(median <"$TMP/lsfd.t")
stop_load
echo
echo "1. $PROCS processes x 10 descriptors ($fds descriptors on the machine)"
printf '   %-24s %6d ms   (runs: %s)\n' "ipctop --once --json" "$ti" "$(tr '\n' ' ' <"$TMP/ipctop.t")"
printf '   %-24s %6d ms   (runs: %s)\n' "lsfd -J" "$tj" "$(tr '\n' ' ' <"$TMP/lsfdj.t")"
printf '   %-24s %6d ms   (runs: %s)\n' "lsfd" "$tl" "$(tr '\n' ' ' <"$TMP/lsfd.t")"
ratio=$(awk -v a="$ti" -v b="$tj" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }')
met=$(awk -v r="$ratio" 'BEGIN { print ((r + 0 <= 0.25) ? "met" : "MISSED") }')
echo "   ratio ipctop / lsfd -J = $ratio  (target <= 0.25: $met)"

# ---- 2. growth with descriptors ----
echo
echo "2. growth: $PROCS processes, ipctop --once --json"
printf '   %-12s %-12s %s\n' "per process" "descriptors" "ms (median)"
: >"$TMP/growth"
for k in 1 2 5 10 20; do
	start_load "$k"
	total=$((PROCS * 2 * k))
	: >"$TMP/g.t"
	wall_ms "$IPCTOP" --once --json >/dev/null
	for r in $(seq "$REPS"); do
		wall_ms "$IPCTOP" --once --json >>"$TMP/g.t"
	done
	t=$(median <"$TMP/g.t")
	stop_load
	printf '   %-12d %-12d %d\n' $((2 * k)) "$total" "$t"
	echo "$total $t" >>"$TMP/growth"
done
awk '{ n++; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2; syy += $2 * $2 }
     END {
	b = (n * sxy - sx * sy) / (n * sxx - sx * sx); a = (sy - b * sx) / n
	r2 = (n * sxy - sx * sy) ^ 2 / ((n * sxx - sx * sx) * (n * syy - sy * sy))
	printf "   least squares: %.2f us per descriptor + %.0f ms fixed, R^2 = %.4f (1 = linear)\n",
	       b * 1000, a, r2
     }' "$TMP/growth"

[ "$met" = met ]
