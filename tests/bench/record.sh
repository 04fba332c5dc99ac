#!/bin/sh
# tests/bench/record.sh - `make bench`: what recordings cost (issue 17), one table.
#
# For each load size (BENCH_RECORD_SIZES, default "200 4000" processes) the load of scale.sh
# (tests/bench/load_fds: a ring with 5 channels to each neighbour, 8 of each IPC object) with
# traffic (one byte per channel every 250 ms, so rates, fills and counts move), then:
#   ipctop record -d 1 -n 10    ten snapshots: the file against one raw --json snapshot
#   ipctop record -d 1 -n N     N snapshots (BENCH_RECORD_SNAPSHOTS, default 60: one chunk):
#                               bytes per snapshot and MB per hour at a 1 s interval
# and on the 200-process recording an hour's file (tests/bench/rec_seek: 3,600 of its
# snapshots, a second apart), timed: reading and indexing it, 200 seeks to random snapshots,
# and `ipctop replay FILE --once --json --at #N` end to end.
# Targets: ten snapshots <= half of one raw snapshot; a seek in the hour's file < 100 ms (the
# slowest of 200 in CPU time, which a loaded shared machine does not inflate, and the median
# in wall time).
# Exits 1 when a target is missed, 2 when it cannot run.
set -u
: "${top_builddir:=.}"
: "${IPCTOP:=$top_builddir/ipctop}"
LOAD=$top_builddir/tests/bench/load_fds
SEEK=$top_builddir/tests/bench/rec_seek
TIMECMD=$top_builddir/tests/bench/timecmd
SIZES=${BENCH_RECORD_SIZES:-200 4000}
SNAPS=${BENCH_RECORD_SNAPSHOTS:-60}

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

for tool in "$IPCTOP" "$LOAD" "$SEEK" "$TIMECMD"; do
	[ -x "$tool" ] || { echo "bench: $tool is not built (make all check)" >&2; exit 2; }
done

start_load() {
	mkfifo "$TMP/in"
	"$LOAD" -n "$1" -k 5 -f -o 8 -t 250 <"$TMP/in" >"$TMP/load.out" 2>&1 &
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

status=0
verdict() {	# verdict LABEL VALUE LIMIT [<]
	if awk -v v="$2" -v l="$3" -v strict="${4:-}" \
		'BEGIN { exit !(strict == "<" ? v < l : v <= l) }'; then r=PASS; else r=MISS; status=1; fi
	printf '  %-66s %10s (%s %s)  %s\n' "$1" "$2" "${4:-<=}" "$3" "$r"
}

echo "ipctop recording benchmark: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load: scale.sh's ring (5 channels to each neighbour, 8 of each IPC object), one byte per"
echo "      channel every 250 ms; snapshots 1 s apart"
echo
printf '%6s | %10s | %10s %6s | %10s %10s %8s\n' procs raw_bytes 10_snaps ratio \
	"B/snapshot" "(N snaps)" "MB/hour"
: >"$TMP/verdicts"
for n in $SIZES; do
	running=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)
	if [ $((n + running + 64)) -gt "$(cat /proc/sys/kernel/pid_max)" ]; then
		printf '%6d  skipped: pid_max too small\n' "$n"
		continue
	fi
	start_load "$n"
	"$IPCTOP" record -d 1 -n 10 "$TMP/ten.$n" 2>/dev/null || { echo "bench: record failed" >&2; exit 2; }
	"$IPCTOP" record -d 1 -n "$SNAPS" "$TMP/rec.$n" 2>/dev/null || { echo "bench: record failed" >&2; exit 2; }
	stop_load
	raw=$("$IPCTOP" replay "$TMP/ten.$n" --once --json --at '#9' | wc -c)
	ten=$(stat -c %s "$TMP/ten.$n")
	all=$(stat -c %s "$TMP/rec.$n")
	awk -v n="$n" -v raw="$raw" -v ten="$ten" -v all="$all" -v s="$SNAPS" 'BEGIN {
		printf "%6d | %10d | %10d %6.3f | %10.0f %10d %8.1f\n", n, raw, ten, ten / raw,
		       all / s, s, all / s * 3600 / 1e6 }'
	verdict "$n processes: 10 snapshots / one raw JSON snapshot" \
		"$(awk -v a="$ten" -v b="$raw" 'BEGIN { printf "%.3f", a / b }')" 0.5 >>"$TMP/verdicts"
done

if [ -s "$TMP/rec.200" ] || [ -n "$(ls "$TMP"/rec.* 2>/dev/null)" ]; then
	src=$TMP/rec.200
	[ -s "$src" ] || src=$(ls "$TMP"/rec.* | head -1)
	echo
	echo "an hour's recording (3,600 snapshots built from $(basename "$src")'s):"
	"$SEEK" "$src" "$TMP/hour" 3600 >"$TMP/seek" || { echo "bench: rec_seek failed" >&2; exit 2; }
	sed 's/^/  /' "$TMP/seek"
	: >"$TMP/cli"
	for i in 17 1234 2999 3599 600; do
		"$TIMECMD" "$IPCTOP" replay "$TMP/hour" --once --json --at "#$i" 2>/dev/null >>"$TMP/cli"
	done
	cli=$(awk '{ print $2 }' "$TMP/cli" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	echo "  replay --once --json --at #N, whole command (read, index, seek, print): median ${cli} ms"
	# the verdict is on CPU time: on a shared machine, wall time also counts the wait for a core
	verdict "hour's recording: slowest of 200 random seeks, CPU ms" \
		"$(awk '/^seek_cpu_ms_max/ { print $2 }' "$TMP/seek")" 100 "<" >>"$TMP/verdicts"
	verdict "hour's recording: median of 200 random seeks, wall ms" \
		"$(awk '/^seek_ms_median/ { print $2 }' "$TMP/seek")" 100 "<" >>"$TMP/verdicts"
fi
echo
echo "targets:"
cat "$TMP/verdicts"
exit $status
