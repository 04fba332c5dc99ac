#!/bin/sh
# tests/integration/truth.sh - nothing invented, nothing hidden (issue 12), on real processes.
#
#   lifecycle  a zombie made while ipctop watches is one process_zombie event (not an exec, and
#              under --pid of its parent no exit while it is still there); a real exec is one
#              exec event with its evidence.
#   orphans    a re-parented process-group leader (under a subreaper) is flagged from one
#              snapshot; a session leader re-parented while ipctop watches is flagged too.
#   threads    a second thread blocked writing a full pipe is the process's wait (with its tid)
#              and in thread_waits; the deadlock through it is found; a real Python
#              multiprocessing.Queue feeder thread is seen blocked writing its pipe.
#   stalls     a working pipeline with a sleepy writer is no stall; a cat whose only writer is
#              blocked for good is one (from the second snapshot on), with its evidence.
# Every process is started here (truth_fixture, sh, cat, python3) and stopped by its pid.
. "${top_srcdir:-.}/tests/integration/lib.sh"

FIXTURE=${top_builddir:-.}/tests/integration/truth_fixture
export LSAN_OPTIONS="suppressions=${top_srcdir:-.}/tests/integration/lsan-libproc2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

if ! command -v jq >/dev/null 2>&1; then
	echo "jq is missing: install the Debian package jq"
	exit 77
fi

TMP=$(mktemp -d)
on_exit "rm -rf '$TMP'"

# stop PID: SIGTERM and reap (our own background jobs only)
stop() { [ -n "$1" ] && kill -TERM "$1" 2>/dev/null; [ -n "$1" ] && wait "$1" 2>/dev/null; return 0; }

# start MODE: the fixture in the background; sets FX and READY (the pids it printed)
start() {
	"$FIXTURE" "$1" >"$TMP/$1.out" 2>"$TMP/$1.err" &
	FX=$!
	on_exit "stop $FX"
	if ! wait_for 20 grep -q '^ready' "$TMP/$1.out"; then
		fail "fixture $1 starts" "$(cat "$TMP/$1.err")"
		READY=""
		return 1
	fi
	READY=$(sed -n 's/^ready //p' "$TMP/$1.out")
}

# jf [args] FILTER FILE: a jq condition on one JSON file, quietly
jf() { jq -e "$@" >/dev/null 2>&1; }
lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
# more_lines FILE N: FILE has at least N complete lines
more_lines() { [ "$(lines "$1")" -ge "$2" ]; }
# jl FILE FILTER [args]: FILTER true on some line (snapshot) of FILE (complete lines only)
jl() {
	f=$1; shift
	head -n "$(lines "$f")" "$f" | jq -e -s "$@" >/dev/null 2>&1
}
# jcount FILE FILTER [args]: the number FILTER (over the array of snapshots) gives
jcount() {
	f=$1; shift
	head -n "$(lines "$f")" "$f" | jq -s "$@" 2>/dev/null
}

# ---- lifecycle ----------------------------------------------------------------------------
if start lifecycle; then
	set -- $READY
	P=$1 Z=$2 E=$3
	"$IPCTOP" --batch -n 0 -d 0.2 --json --pid "$P" >"$TMP/life_pid.jsonl" 2>"$TMP/life_pid.err" &
	W1=$!
	on_exit "stop $W1"
	"$IPCTOP" --batch -n 0 -d 0.2 --json >"$TMP/life_all.jsonl" 2>"$TMP/life_all.err" &
	W2=$!
	on_exit "stop $W2"
	wait_for 20 more_lines "$TMP/life_pid.jsonl" 2 && wait_for 20 more_lines "$TMP/life_all.jsonl" 2
	kill -USR1 "$P"
	zombie_seen() { jl "$1" 'any(.[]; any(.processes[]; .pid == $z and .zombie))' --argjson z "$Z"; }
	exec_seen() { jl "$1" 'any(.[]; any(.processes[]; .pid == $e and .comm == "sleep"))' --argjson e "$E"; }
	wait_for 20 zombie_seen "$TMP/life_all.jsonl"
	wait_for 20 exec_seen "$TMP/life_all.jsonl"
	# two more snapshots after both, so a late invented event would show
	n1=$(lines "$TMP/life_all.jsonl")
	n2=$(lines "$TMP/life_pid.jsonl")
	wait_for 20 more_lines "$TMP/life_all.jsonl" $((n1 + 2))
	wait_for 20 more_lines "$TMP/life_pid.jsonl" $((n2 + 2))
	stop "$W1"
	stop "$W2"
	W1="" W2=""
	for v in all pid; do
		f=$TMP/life_$v.jsonl
		n=$(jcount "$f" '[.[].events[] | select(.pid == $z)] | map(.kind) | join(",")' --argjson z "$Z")
		if [ "$v" = pid ]; then
			# the zombie closed its pipe: it may leave the parent's view, but it has not
			# exited (nor started again when seen once more)
			case $n in '""'|'"process_zombie"') ok "lifecycle (pid): no exit or start for the zombie" ;;
			*) fail "lifecycle (pid): no exit or start for the zombie" "events of $Z: $n" ;; esac
		else
			check "lifecycle ($v): the zombie was seen" zombie_seen "$f"
			if [ "$n" = '"process_zombie"' ]; then ok "lifecycle ($v): the zombie is one process_zombie event"
			else fail "lifecycle ($v): the zombie is one process_zombie event" "events of $Z: $n"; fi
			check "lifecycle ($v): its evidence is the state" \
				jl "$f" 'any(.[].events[]; .pid == $z and .kind == "process_zombie" and
					(.evidence | test("-> Z$")))' --argjson z "$Z"
		fi
		n=$(jcount "$f" '[.[].events[] | select(.pid == $e)] | map(.kind) | join(",")' --argjson e "$E")
		if [ "$n" = '"exec"' ]; then ok "lifecycle ($v): the exec is one exec event"
		else fail "lifecycle ($v): the exec is one exec event" "events of $E: $n"; fi
		check "lifecycle ($v): the exec's evidence and detail" \
			jl "$f" 'any(.[].events[]; .pid == $e and .kind == "exec" and
				(.evidence | startswith("new program image")) and (.detail | endswith("-> sleep")))' \
			--argjson e "$E"
		n=$(jcount "$f" '[.[].events[] | select(.pid == $p)] | length' --argjson p "$P")
		if [ "$n" = 0 ]; then ok "lifecycle ($v): no event for the parent"
		else fail "lifecycle ($v): no event for the parent" "$n events"; fi
	done
	stop "$FX"
fi

# ---- orphans ------------------------------------------------------------------------------
if start orphan; then
	set -- $READY
	S=$1 B=$2 C=$3
	"$IPCTOP" --once --json --pid "$B" >"$TMP/orphan.json" 2>"$TMP/orphan.err"
	check "orphans: a re-parented group leader is flagged from one snapshot" \
		jf --argjson b "$B" --argjson s "$S" \
		'any(.processes[]; .pid == $b and .ppid == $s and .pgid == $b and .orphan)' "$TMP/orphan.json"
	check "orphans: its subreaper is not" \
		jf --argjson s "$S" 'any(.processes[]; .pid == $s and (.orphan | not))' "$TMP/orphan.json"
	"$IPCTOP" --batch -n 0 -d 0.2 --json --pid "$C" >"$TMP/orphan.jsonl" 2>"$TMP/orphan.err" &
	W3=$!
	on_exit "stop $W3"
	wait_for 20 more_lines "$TMP/orphan.jsonl" 2
	check "orphans: a session leader under its living parent is not flagged" \
		jl "$TMP/orphan.jsonl" 'any(.[]; any(.processes[]; .pid == $c and .ppid != $s and .orphan == false))' \
		--argjson c "$C" --argjson s "$S"
	kill -USR1 "$S"
	readopted() { jl "$TMP/orphan.jsonl" 'any(.[]; any(.processes[]; .pid == $c and .ppid == $s))' \
		--argjson c "$C" --argjson s "$S"; }
	wait_for 20 readopted
	check "orphans: a session leader re-parented while watched is flagged" \
		jl "$TMP/orphan.jsonl" 'any(.[]; any(.processes[]; .pid == $c and .ppid == $s and .orphan and
			.original_ppid != null))' --argjson c "$C" --argjson s "$S"
	stop "$W3"
	W3=""
	stop "$FX"
fi
# a session leader adopted by init before ipctop looked (as a postmaster that pg_ctl started):
# /proc cannot tell it from a service init started, so orphan is null (unknown), never false
LONE=$(sh -c 'setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $!')
on_exit "kill $LONE 2>/dev/null"
adopted() { [ "$(awk '{print $4}' "/proc/$LONE/stat" 2>/dev/null)" = 1 ]; }
if wait_for 10 adopted; then
	"$IPCTOP" --once --json --pid "$LONE" >"$TMP/lone.json" 2>"$TMP/lone.err"
	check "orphans: a session leader under init, adopted before ipctop looked: orphan null" \
		jf --argjson l "$LONE" 'any(.processes[]; .pid == $l and .ppid == 1 and .orphan == null)' \
		"$TMP/lone.json"
	"$IPCTOP" --once --pid "$LONE" >"$TMP/lone.txt" 2>&1
	check "orphans: the text output marks it O? (perhaps)" grep -q "O?" "$TMP/lone.txt"
else
	skip "orphans: a session leader under init" "it was adopted by a subreaper, not pid 1"
fi
kill "$LONE" 2>/dev/null

# ---- threads ------------------------------------------------------------------------------
if start thread; then
	set -- $READY
	P=$1 T=$2 R=$3
	snap_thread() { "$IPCTOP" --once --json --pid "$P" >"$TMP/thread.json" 2>"$TMP/thread.err" &&
		jf --argjson p "$P" 'any(.processes[]; .pid == $p and .waiting.kind == "pipe_write")' \
		"$TMP/thread.json" >/dev/null 2>&1; }
	if wait_for 20 snap_thread; then ok "threads: a second thread's full-pipe write is the process's wait"
	else fail "threads: a second thread's full-pipe write is the process's wait" \
		"$(jq -c --argjson p "$P" '.processes[] | select(.pid == $p) | .waiting' "$TMP/thread.json")"; fi
	check "threads: the wait names the thread and the pipe R reads" \
		jf --argjson p "$P" --argjson t "$T" --argjson r "$R" '
		(.processes[] | select(.pid == $p) | .waiting) as $w |
		$w.tid == $t and any(.pipes[]; .id == $w.object and any(.readers[]; .pid == $r))' \
		"$TMP/thread.json"
	check "threads: thread_waits lists it (tid, not the main thread)" \
		jf --argjson p "$P" --argjson t "$T" '
		any(.processes[] | select(.pid == $p) | .thread_waits[];
			.tid == $t and (.main | not) and .waiting.kind == "pipe_write")' "$TMP/thread.json"
	check "threads: the deadlock through the thread's wait is found" \
		jf --argjson p "$P" --argjson r "$R" '
		any(.deadlocks[]; (.pids | sort) == ([$p, $r] | sort))' "$TMP/thread.json"
	"$IPCTOP" --once --pid "$P" >"$TMP/thread.txt" 2>&1
	check "threads: the text output names the thread" grep -q "tid $T" "$TMP/thread.txt"
	stop "$FX"
fi

if command -v python3 >/dev/null 2>&1; then
	cat >"$TMP/mpq.py" <<'EOF'
import multiprocessing, os, sys, time
if __name__ == "__main__":
    q = multiprocessing.Queue()
    q.put(b"x" * (1 << 20))   # more than the pipe holds: the feeder thread blocks writing
    print("ready", os.getpid(), flush=True)
    time.sleep(60)
EOF
	python3 "$TMP/mpq.py" >"$TMP/mpq.out" 2>"$TMP/mpq.err" &
	PY=$!
	on_exit "stop $PY"
	if wait_for 20 grep -q '^ready' "$TMP/mpq.out"; then
		snap_py() { "$IPCTOP" --once --json --pid "$PY" >"$TMP/py.json" 2>/dev/null &&
			jf --argjson p "$PY" 'any(.processes[]; .pid == $p and
				any(.thread_waits[]; .tid != $p and .waiting.kind == "pipe_write"))' \
			"$TMP/py.json" >/dev/null 2>&1; }
		if wait_for 20 snap_py; then
			ok "threads: Python multiprocessing.Queue's feeder thread is seen in pipe_write"
		else
			fail "threads: Python multiprocessing.Queue's feeder thread is seen in pipe_write" \
				"$(jq -c --argjson p "$PY" '.processes[] | select(.pid == $p) | [.waiting, .thread_waits]' "$TMP/py.json")"
		fi
		check "threads: and it is the Python process's wait, with the feeder's tid" \
			jf --argjson p "$PY" 'any(.processes[]; .pid == $p and .waiting.kind == "pipe_write" and
				.waiting.tid != $p)' "$TMP/py.json"
	else
		fail "python3 multiprocessing writer starts" "$(cat "$TMP/mpq.err")"
	fi
	stop "$PY"
	PY=""
fi

# ---- stalls -------------------------------------------------------------------------------
# A working pipeline: the writer sleeps between lines in a child that does not hold the pipe
# (so the writer itself sits in wait4), cat reads.
sh -c 'echo $$ >"$1"; trap "exit 0" TERM; while :; do echo line; sleep 0.2 >/dev/null; done' \
	sh "$TMP/writer.pid" | cat >/dev/null &
CAT=$!
on_exit "stop $CAT"
wait_for 20 test -s "$TMP/writer.pid"
WR=$(cat "$TMP/writer.pid")
on_exit "kill -TERM $WR 2>/dev/null"
"$IPCTOP" --batch -n 10 -d 0.3 --json --pid "$CAT" >"$TMP/pipeline.jsonl" 2>"$TMP/pipeline.err"
check "stalls: the working pipeline's writer was seen waiting for its child" \
	jl "$TMP/pipeline.jsonl" 'any(.[]; any(.processes[]; .pid == $w and .waiting.kind == "child_wait"))' \
	--argjson w "$WR"
check "stalls: a working pipeline is no stall" \
	jl "$TMP/pipeline.jsonl" 'all(.[]; (.stalls | length) == 0 and (.deadlocks | length) == 0)'
kill -TERM "$WR" 2>/dev/null
wait "$CAT" 2>/dev/null
CAT=""

if start stall; then
	set -- $READY
	W=$1 CT=$2
	"$IPCTOP" --batch -n 0 -d 0.3 --json --pid "$W,$CT" >"$TMP/stall.jsonl" 2>"$TMP/stall.err" &
	W4=$!
	on_exit "stop $W4"
	stalled() { jl "$TMP/stall.jsonl" 'any(.[]; any(.stalls[]; .pid == $c))' --argjson c "$CT"; }
	wait_for 20 stalled
	stop "$W4"
	W4=""
	check "stalls: one look is no evidence (the first snapshot has none)" \
		jl "$TMP/stall.jsonl" '(.[0].stalls | length) == 0'
	check "stalls: cat behind a writer blocked for good is stalled, with the evidence" \
		jl "$TMP/stall.jsonl" 'any(.[].stalls[]; .pid == $c and .wait_kind == "pipe_read" and
			.evidence.rule == "unblockers_stuck" and
			(.evidence.unblockers | map(.pid)) == [$w] and
			(.evidence.unblockers[0].waiting | startswith("pipe_write ")) and
			.evidence.stuck_since != null and .since < (now + 1))' \
		--argjson c "$CT" --argjson w "$W"
	check "stalls: the writer is stalled: only itself could read its pipe" \
		jl "$TMP/stall.jsonl" 'any(.[].stalls[]; .pid == $w and .evidence.rule == "only_itself" and
			.wait_kind == "pipe_write")' --argjson w "$W"
	"$IPCTOP" --batch -n 2 -d 0.2 --pid "$W,$CT" >"$TMP/stall.txt" 2>&1
	check "stalls: the text output says why" grep -q "stuck itself: pid $W pipe_write" "$TMP/stall.txt"
	if command -v tmux >/dev/null 2>&1; then
		SOCK="ipctop-truth-$$"
		on_exit "tmux -L '$SOCK' kill-server >/dev/null 2>&1"
		tmux -L "$SOCK" -f /dev/null new-session -d -x 160 -y 50 \
			"env XDG_CONFIG_HOME='$TMP/cfg' TERM=screen '$IPCTOP' --pid '$W,$CT' -d 0.3"
		pane_has() { tmux -L "$SOCK" capture-pane -p 2>/dev/null | grep -qF -- "$1"; }
		wait_for 15 pane_has Processes
		tmux -L "$SOCK" send-keys D
		check "stalls: the D page shows the evidence" wait_for 15 pane_has "evidence: unblockers_stuck"
		check "stalls: the D page names the stuck writer's wait" wait_for 5 pane_has "is stuck in pipe_write"
		tmux -L "$SOCK" send-keys q
		tmux -L "$SOCK" kill-server >/dev/null 2>&1
	fi
	stop "$FX"
fi

finish
