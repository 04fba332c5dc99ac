#!/bin/sh
# tests/bench/scale.sh - `make bench`: ipctop at scale (issue 7), one table.
#
# For each load size (BENCH_SCALE_SIZES, default "100 1000 4000" processes) a load from
# tests/bench/load_fds: a ring joined by 5 channels to each neighbour (pipes, socketpairs and
# FIFOs in turn: 10 channel descriptors per process), 8 each of System V queues, segments and
# semaphore sets and POSIX queues, shared memory objects and named semaphores (every process
# attaches one segment, maps one POSIX object and holds one POSIX queue open). On each load,
# interleaved, BENCH_SCALE_REPS runs (default 5; 3 at 4,000) of:
#   floor    tests/bench/floor_fds: readdir of /proc and of every /proc/<pid>/fd, readlink of
#            every descriptor (what any descriptor lister has to pay at least)
#   ipctop   ipctop --once --json (the full snapshot: processes, signals, waits, descriptors,
#            pipe fill, sockets, System V and POSIX objects and their users), as it runs by
#            default (as root: descriptors read by its BPF iterator, probes/fd_iter.h)
#   /proc    the same with IPCTOP_NO_BPF=1 (descriptors walked in /proc/<pid>/fd, as for a
#            user without CAP_BPF), for comparison; the targets are on the default run
#   lsfd -J, lsof -n -P -w, ss -xp, ipcs -a
# and prints the medians of wall time (and ipctop's per process and per descriptor, its peak
# RSS over the runs), the ratios, and PASS/MISS against the targets:
#   at 1,000 and 4,000 processes: ipctop <= 1/4 of lsfd -J, and <= 1.5 x the floor
#   at 4,000 processes: ipctop's peak RSS <= 32 MiB
#   the dashboard idle at BENCH_SCALE_IDLE_PROCS (200) processes with a 1 s refresh: under 2%
#   of a core (ipctop -d 1 in a headless tmux; utime+stime over BENCH_SCALE_IDLE_SECONDS (10)
#   after a 3 s warm-up, so its incremental collection is warm)
# Checks the machine's limits (pid_max, ulimit -u, open files) first and skips a size that
# does not fit. Every load is stopped (its generator kills and reaps all it made and removes
# its objects) before the next starts, and on any exit of this script. Exits 1 when a target
# is missed, 2 when it cannot run.
set -u
: "${top_builddir:=.}"
: "${IPCTOP:=$top_builddir/ipctop}"
LOAD=$top_builddir/tests/bench/load_fds
FLOOR=$top_builddir/tests/bench/floor_fds
TIMECMD=$top_builddir/tests/bench/timecmd
SIZES=${BENCH_SCALE_SIZES:-100 1000 4000}
REPS=${BENCH_SCALE_REPS:-5}
IDLE_PROCS=${BENCH_SCALE_IDLE_PROCS:-200}
IDLE_SECONDS=${BENCH_SCALE_IDLE_SECONDS:-10}
TRAFFIC=${BENCH_SCALE_TRAFFIC:-}
LINKS=5
OBJECTS=8

TMP=$(mktemp -d)
LOADPID=""
SESSION="ipctop-bench-$$"
stop_load() {
	exec 8>&- 2>/dev/null
	if [ -n "$LOADPID" ]; then
		kill -TERM "$LOADPID" 2>/dev/null
		wait "$LOADPID" 2>/dev/null
	fi
	LOADPID=""
	rm -f "$TMP/in"
}
cleanup() {
	tmux kill-session -t "$SESSION" 2>/dev/null
	stop_load
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in "$IPCTOP" "$LOAD" "$FLOOR" "$TIMECMD"; do
	[ -x "$tool" ] || { echo "bench: $tool is not built (make all check)" >&2; exit 2; }
done
missing=""
for tool in lsfd lsof ss ipcs tmux; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
[ -z "$missing" ] || { echo "bench: missing:$missing (util-linux, lsof, iproute2, tmux)" >&2; exit 2; }

# start_load PROCS: waits for "ready"
start_load() {
	mkfifo "$TMP/in"
	# shellcheck disable=SC2086
	"$LOAD" -n "$1" -k "$LINKS" -f -o "$OBJECTS" ${TRAFFIC:+-t "$TRAFFIC"} <"$TMP/in" \
		>"$TMP/load.out" 2>&1 &
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
}

# run NAME CMD...: one timed run appended to $TMP/NAME (wall_ms cpu_ms rss_kib status)
run() {
	name=$1; shift
	"$TIMECMD" "$@" 2>/dev/null >>"$TMP/$name"
}
# median FILE FIELD (1-based among wall cpu rss)
median() {
	awk -v f="$2" '{ print $(2 * f) }' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
maxof() { awk -v f="$2" '{ v = $(2 * f); if (v > m) m = v } END { print m + 0 }' "$1"; }

ncpu=$(nproc)
pid_max=$(cat /proc/sys/kernel/pid_max)
uproc=$(awk '/^Max processes/ { print $3 }' /proc/self/limits)
nofile=$(ulimit -n)
echo "ipctop scale benchmark: $ncpu CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
	"pid_max $pid_max, ulimit -u $uproc, ulimit -n $nofile"
echo "load: a ring of N processes, $LINKS channels to each neighbour (pipe, socketpair, FIFO in turn)," \
	"$OBJECTS each of SysV queues/segments/semaphore sets and POSIX queues/shm/semaphores;"
if [ -n "$TRAFFIC" ]; then traffic="one byte per channel every $TRAFFIC ms"
else traffic="no traffic (every process sleeps)"; fi
echo "      each process: $((2 * LINKS)) channel descriptors + 1 POSIX queue, 1 SysV and 1 POSIX" \
	"mapping; $traffic."
echo "median wall ms of $REPS runs (3 at >= 4,000), interleaved; x: ipctop's wall time / the tool's"
echo "ipctop reads descriptors with: $("$IPCTOP" --once --json 2>/dev/null | jq -r '.sources.fd_iter |
	if .ok then "its BPF iterator" else "a /proc walk (" + (.error // "unknown") + ")" end')"
echo "/proc: ipctop with IPCTOP_NO_BPF=1, wall ms and x the floor"
echo

status=0
results=""
printf '%6s %6s | %6s | %7s %7s %6s %6s %6s | %13s | %13s %13s %13s %13s\n' \
	procs fds floor ipctop us/proc us/fd RSS_MB CPU_ms "/proc" "lsfd -J" "lsof" "ss -xp" \
	"ipcs -a"
for n in $SIZES; do
	case $n in *[!0-9]* | '') continue ;; esac	# "-": no sizes (the idle test only)
	running=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)
	need=$((n + running + 64))
	files=$(awk '{ print $1 }' /proc/sys/fs/file-nr)
	file_max=$(awk '{ print $3 }' /proc/sys/fs/file-nr)
	if [ "$need" -gt "$pid_max" ] || { [ "$uproc" != unlimited ] && [ "$need" -gt "$uproc" ]; } ||
		[ $((files + n * (2 * LINKS + 8))) -gt "$file_max" ]; then
		printf '%6d  skipped: needs %d processes and %d open files (pid_max %s, ulimit -u %s,' \
			"$n" "$need" $((n * (2 * LINKS + 8))) "$pid_max" "$uproc"
		printf ' %s of %s files open)\n' "$files" "$file_max"
		continue
	fi
	reps=$REPS
	[ "$n" -ge 4000 ] && [ "$reps" -gt 3 ] && reps=3
	start_load "$n"
	for f in floor ipctop procwalk lsfd lsof ss ipcs; do : >"$TMP/$f"; done
	"$IPCTOP" --once --json >/dev/null 2>&1	# warm the kernel's caches once, for everyone
	fds=$("$FLOOR" | awk '{ print $4 }')
	for r in $(seq "$reps"); do
		run floor "$FLOOR" -q
		run ipctop "$IPCTOP" --once --json
		run procwalk env IPCTOP_NO_BPF=1 "$IPCTOP" --once --json
		run lsfd lsfd -J
		run lsof lsof -n -P -w
		run ss ss -xp
		run ipcs ipcs -a
	done
	stop_load
	tf=$(median "$TMP/floor" 1); ti=$(median "$TMP/ipctop" 1); tl=$(median "$TMP/lsfd" 1)
	to=$(median "$TMP/lsof" 1); ts=$(median "$TMP/ss" 1); tc=$(median "$TMP/ipcs" 1)
	tp=$(median "$TMP/procwalk" 1)
	rss=$(maxof "$TMP/ipctop" 3)
	cpu=$(median "$TMP/ipctop" 2)
	bad=$(awk '$8 != 0' "$TMP/ipctop" | wc -l)
	[ "$bad" -eq 0 ] || { echo "bench: ipctop failed in $bad runs" >&2; status=1; }
	awk -v n="$n" -v fds="$fds" -v tf="$tf" -v ti="$ti" -v tl="$tl" -v to="$to" -v ts="$ts" \
		-v tc="$tc" -v rss="$rss" -v cpu="$cpu" -v tp="$tp" '
		function tool(t) { return sprintf("%7.1f %5.2fx", t, t > 0 ? ti / t : 0) }
		BEGIN {
		printf "%6d %6d | %6.1f | %7.1f %7.1f %6.2f %6.1f %6.0f | %7.1f %4.2fx | %s %s %s %s\n",
		       n, fds, tf, ti, ti * 1000 / (n > 0 ? n : 1), ti * 1000 / (fds > 0 ? fds : 1),
		       rss / 1024, cpu, tp, (tf > 0 ? tp / tf : 0), tool(tl), tool(to), tool(ts),
		       tool(tc) }'

	results="$results$n $ti $tl $tf $rss
"
done

echo
echo "targets:"
verdict() {	# verdict LABEL VALUE LIMIT [<]: passes when value <= limit (or < limit)
	if awk -v v="$2" -v l="$3" -v strict="${4:-}" \
		'BEGIN { exit !(strict == "<" ? v < l : v <= l) }'; then r=PASS; else r=MISS; status=1; fi
	printf '  %-66s %8s (%s %s)  %s\n' "$1" "$2" "${4:-<=}" "$3" "$r"
}
printf '%s' "$results" | while read -r n ti tl tf rss; do
	[ -n "$n" ] || continue
	if [ "$n" -eq 1000 ] || [ "$n" -eq 4000 ]; then
		verdict "$n processes: ipctop / lsfd -J wall time" \
			"$(awk -v a="$ti" -v b="$tl" 'BEGIN { printf "%.3f", a / b }')" 0.25
		verdict "$n processes: ipctop / floor wall time" \
			"$(awk -v a="$ti" -v b="$tf" 'BEGIN { printf "%.2f", a / b }')" 1.5
	fi
	if [ "$n" -eq 4000 ]; then
		verdict "$n processes: ipctop peak RSS, MiB" \
			"$(awk -v r="$rss" 'BEGIN { printf "%.1f", r / 1024 }')" 32
	fi
done >"$TMP/verdicts"
cat "$TMP/verdicts"
grep -q MISS "$TMP/verdicts" && status=1

# ---- the dashboard idle ----
start_load "$IDLE_PROCS"
tmux kill-session -t "$SESSION" 2>/dev/null
tmux new-session -d -s "$SESSION" -x 160 -y 50 "exec $IPCTOP -d 1"
pane=$(tmux list-panes -t "$SESSION" -F '#{pane_pid}' 2>/dev/null)
sleep 3		# the first snapshots: the incremental cache fills
if [ -z "$pane" ] || [ ! -r "/proc/$pane/stat" ]; then
	echo "bench: the dashboard did not start" >&2
	status=1
else
	hz=$(getconf CLK_TCK)
	# utime + stime of the whole process (fields 14 and 15; comm has no spaces here)
	t0=$(awk '{ print $14 + $15 }' "/proc/$pane/stat"); s0=$(date +%s%N)
	sleep "$IDLE_SECONDS"
	t1=$(awk '{ print $14 + $15 }' "/proc/$pane/stat"); s1=$(date +%s%N)
	procs=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)
	pct=$(awk -v t="$((t1 - t0))" -v hz="$hz" -v ns="$((s1 - s0))" \
		'BEGIN { printf "%.2f", 100 * (t / hz) / (ns / 1e9) }')
	verdict "dashboard idle, $IDLE_PROCS-process load ($procs on the machine), -d 1: % of a core" \
		"$pct" 2 "<"
fi
tmux kill-session -t "$SESSION" 2>/dev/null
stop_load
exit $status
