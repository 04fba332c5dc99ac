#!/bin/sh
# tests/integration/demos.sh - every demo, headless, against ipctop's own JSON.
#
# Each demo runs as `ipctop demo run NAME --speed 4` (under demo_reaper, with a private
# registry directory); the test waits for "ready <pid>", then polls `ipctop --once --json
# --pid <its processes>` (with deadlines) until the snapshot shows what the demo teaches: ends
# linked, depths and semaphore values moving, signals pending then delivered, processes
# waiting on the right object, the deadlocks detected. Then the demo is stopped (SIGTERM,
# SIGINT, --seconds, the control channel) and nothing may be left: processes, System V
# objects, /dev/shm and /dev/mqueue entries, FIFOs and sockets. Demos with objects that
# outlive processes are also killed with SIGKILL, and `ipctop demo cleanup` must remove
# exactly what they left. The CLI's usage errors and the control channel (pause, single
# step, speed, restart - which must recreate the same FIFO path - quit, end of file) too.
. "${top_srcdir:-.}/tests/integration/lib.sh"

require_tool jq jq
. "${top_srcdir:-.}/tests/integration/demos_lib.sh"

SPEED=4

# ---- the command line --------------------------------------------------------------------

"$IPCTOP" demo list >"$DT/list.txt"
check "demo list exits 0" [ $? -eq 0 ]
expected="fork-exec pipe pipeline duplex fifo backpressure msgqueue posix-mq shm-sem posix-shm
signals sigchld unix-socket deadlock"
names=$(cut -f1 "$DT/list.txt" | sort | paste -sd' ' -)
check "demo list names every demo ($names)" \
	[ "$names" = "$(echo $expected | tr ' ' '\n' | sort | paste -sd' ' -)" ]
check "demo list: one 'NAME<TAB>description' per line" \
	sh -c "! grep -vqE '^[a-z-]+	[^	]+\$' '$DT/list.txt'"

usage_case() {
	"$IPCTOP" "$@" >"$DT/usage.out" 2>"$DT/usage.err"
	rc=$?
	lines=$(wc -l <"$DT/usage.err")
	check "ipctop $* -> exit 2, one line on stderr (rc $rc, $lines lines)" \
		[ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$DT/usage.out" ]
}
usage_case demo
usage_case demo frobnicate
usage_case demo run
usage_case demo run no-such-demo
usage_case demo run pipe --speed 0
usage_case demo run pipe --speed fast
usage_case demo run pipe --seconds -1
usage_case demo run pipe --control 99
usage_case demo run pipe pipeline
usage_case demo list extra
check "nothing was started by the usage errors" [ ! -e "$IPCTOP_DEMO_DIR" ] || \
	[ -z "$(ls -A "$IPCTOP_DEMO_DIR")" ]

# ---- fork-exec: ends by --seconds ----------------------------------------------------------

if demo_start fork-exec --speed "$SPEED" --seconds 6; then
	expect "fork-child catches SIGHUP, ignores SIGUSR2, blocks SIGUSR1 before exec" 10 \
		'[.processes[] | {pid, comm, signals}]' \
		'any(.processes[]; .comm == "fork-child" and (.signals.caught | has("SIGHUP"))
		    and (.signals.ignored | has("SIGUSR2")) and (.signals.blocked | has("SIGUSR1")))'
	expect "after exec: same parent, handler reset, ignored and blocked signals kept" 10 \
		'[.processes[] | {pid, ppid, comm, signals}]' \
		'any(.processes[]; .comm == "exec-child" and .ppid == pid("fork-parent")
		    and ((.signals.caught | has("SIGHUP")) | not)
		    and (.signals.ignored | has("SIGUSR2")) and (.signals.blocked | has("SIGUSR1")))'
	expect "fork-parent sleeps in waitpid() (child_wait)" 10 \
		'[.processes[] | {pid, comm, waiting}]' \
		'any(.processes[]; .comm == "fork-parent" and .waiting.kind == "child_wait")'
	same=$(awk -F'\t' '$1 == "process" && $3 == "fork-child" { f[$2] = 1 }
		$1 == "process" && $3 == "exec-child" && f[$2] { n++ } END { print n + 0 }' "$D_OUT")
	check "fork-exec: exec keeps the PID (fork-child and exec-child share it: $same)" [ "$same" -ge 1 ]
	demo_end seconds
fi

# ---- pipe ------------------------------------------------------------------------------------

if demo_start pipe --speed "$SPEED"; then
	expect "ends linked: pipe-writer the only writer, pipe-reader the only reader" 10 '.pipes' \
		'(pids("pipe-reader") | length) == 1 and any(.pipes[]; .kind == "pipe"
		    and ends(.writers) == pids("pipe-writer") and ends(.readers) == pids("pipe-reader"))'
	expect "written bytes wait in the pipe until read" 10 '.pipes' \
		'any(.pipes[]; .kind == "pipe" and ends(.writers) == pids("pipe-writer")
		    and (.queued_bytes // 0) > 0)'
	check "pipe: captions name the pipe and the system calls" \
		grep -q '^caption	[0-9]*	[0-9]*	pipe:[0-9]*,pid:[0-9]*	pipe() created' "$D_OUT"
	demo_stop
fi

# ---- pipeline --------------------------------------------------------------------------------

if demo_start pipeline --speed "$SPEED"; then
	expect "a | b | c: two pipes, one writer and one reader each; the shell holds no end" 10 \
		'[.pipes, [.processes[] | {pid, comm}]]' \
		'(pids("pipeline-a") | length) == 1 and (pids("pipeline-c") | length) == 1
		 and any(.pipes[]; ends(.writers) == pids("pipeline-a") and ends(.readers) == pids("pipeline-b"))
		 and any(.pipes[]; ends(.writers) == pids("pipeline-b") and ends(.readers) == pids("pipeline-c"))'
	expect "pipeline-b sleeps in read() on the a|b pipe (pipe_read)" 10 \
		'[.processes[] | {pid, comm, waiting}]' \
		'. as $s | ($s | pids("pipeline-a")) as $a | any($s.processes[]; .comm == "pipeline-b"
		    and .waiting.kind == "pipe_read" and (.waiting.object as $o
		    | any($s.pipes[]; .id == $o and ends(.writers) == $a)))'
	demo_stop
fi

# ---- duplex: stopped with SIGINT ------------------------------------------------------------

if demo_start duplex --speed "$SPEED"; then
	expect "two pipes in opposite directions between client and server" 10 '.pipes' \
		'pids("duplex-client") as $c | pids("duplex-server") as $v
		 | ($c | length) == 1 and ($v | length) == 1
		 and any(.pipes[]; ends(.writers) == $c and ends(.readers) == $v)
		 and any(.pipes[]; ends(.writers) == $v and ends(.readers) == $c)'
	expect "the client waits for the answer in read() on the response pipe" 10 \
		'[.processes[] | {pid, comm, waiting}]' \
		'. as $s | ($s | pids("duplex-server")) as $v | any($s.processes[];
		    .comm == "duplex-client" and .waiting.kind == "pipe_read" and (.waiting.object as $o
		    | any($s.pipes[]; .id == $o and ends(.writers) == $v)))'
	kill -INT "$D_ROOT"
	demo_end signal
fi

# ---- fifo ------------------------------------------------------------------------------------

if demo_start fifo --speed "$SPEED"; then
	fid=$(demo_object fifo)
	expect "the FIFO ($fid) has a path; writer and reader meet by name only" 10 '.pipes' \
		'(pids("fifo-writer") | length) == 1 and any(.pipes[]; .id == $f and .kind == "fifo"
		    and ((.path // "") | endswith("/fifo")) and ends(.writers) == pids("fifo-writer")
		    and ends(.readers) == pids("fifo-reader"))' --arg f "$fid"
	expect "the first side sleeps in open() until its peer comes (fifo_open)" 12 \
		'[.processes[] | {pid, comm, waiting}]' \
		'any(.processes[]; (.comm == "fifo-writer" or .comm == "fifo-reader")
		    and .waiting.kind == "fifo_open")'
	demo_stop
fi

# ---- backpressure ----------------------------------------------------------------------------

if demo_start backpressure --speed "$SPEED"; then
	pid_=$(demo_object pipe)
	expect "the 16 KiB pipe fills and fast-writer sleeps in write() on it (pipe_write)" 10 \
		'[.pipes, [.processes[] | {pid, comm, waiting}]]' \
		'. as $s | any($s.pipes[]; .id == $p and .capacity == 16384 and .queued_bytes >= 12288
		    and ends(.writers) == ($s | pids("fast-writer"))
		    and ends(.readers) == ($s | pids("slow-reader")))
		 and any($s.processes[]; .comm == "fast-writer" and .waiting.kind == "pipe_write"
		    and .waiting.object == $p)' --arg p "$pid_"
	expect_change "the queued bytes move between snapshots" 10 \
		'[.pipes[] | select(.id == $p) | .queued_bytes][0]' --arg p "$pid_"
	demo_stop
fi

# ---- msgqueue --------------------------------------------------------------------------------

if demo_start msgqueue --speed "$SPEED"; then
	# a new queue each round: the checks take any queue the stream announced ($objs)
	expect "the queue has msg_qbytes 256 and msg-sender as last sender" 10 '.msg_queues' \
		'any(ours(.msg_queues)[]; .max_bytes == 256 and .last_send_pid == pid("msg-sender"))'
	expect_change "the queue depth moves between snapshots" 10 \
		'[ours(.msg_queues)[] | .messages] | add'
	expect "the receivers sleep in msgrcv() on it (msg_recv)" 10 \
		'[.processes[] | {pid, comm, waiting}]' \
		'any(.processes[]; .comm == "msg-recv-type1" and .waiting.kind == "msg_recv"
		    and (.waiting.object | IN($objs[])))'
	expect "the queue fills and msg-sender sleeps in msgsnd() on it (msg_send)" 12 \
		'[.msg_queues, [.processes[] | {pid, comm, waiting}]]' \
		'any(.processes[]; .comm == "msg-sender" and .waiting.kind == "msg_send"
		    and (.waiting.object as $q | any(ours($S.msg_queues)[]; .id == $q and .bytes == 256)))'
	demo_stop
fi

# ---- posix-mq --------------------------------------------------------------------------------

if demo_start posix-mq --speed "$SPEED"; then
	n="ipctop-demo-$D_ROOT-jobs"
	expect "the queue $n: 8 x 64 bytes, held by sender and receiver" 10 '.posix_mqueues' \
		'any(.posix_mqueues[]; .name == $n and .max_messages == 8 and .message_size == 64
		    and ends(.holders) == (pids("pmq-sender") + pids("pmq-receiver") | sort))' --arg n "$n"
	expect_change "the number of queued messages moves" 10 \
		'[.posix_mqueues[] | select(.name == $n) | .messages][0]' --arg n "$n"
	demo_stop
fi

# ---- shm-sem ---------------------------------------------------------------------------------

if demo_start shm-sem --speed 8; then
	expect "the segment is attached by producer and consumer (nattch 2)" 10 '.shm_segments' \
		'any(ours(.shm_segments)[]; .nattch == 2 and (.attached_pids | sort)
		    == (pids("shm-producer") + pids("shm-consumer") | sort))'
	expect_change "the semaphore values move" 10 '[ours(.sem_sets)[] | .values]'
	expect "a process sleeps in semop() (semncnt > 0, sem_wait on the set)" 12 \
		'[.sem_sets, [.processes[] | {pid, comm, waiting}]]' \
		'any(.processes[]; (.comm == "shm-producer" or .comm == "shm-consumer")
		    and .waiting.kind == "sem_wait" and (.waiting.object as $s
		    | any(ours($S.sem_sets)[]; .id == $s and ((.wait_increase // []) | add) > 0)))'
	expect "at the end the owner waits for full = 0 (semzcnt > 0)" 20 \
		'[.sem_sets, [.processes[] | {pid, comm, waiting}]]' \
		'any(ours(.sem_sets)[]; (.wait_zero // [])[1] == 1) and any(.processes[];
		    .comm == "shm-owner" and .waiting.kind == "sem_wait")'
	expect "IPC_RMID while attached: the segment is marked, nattch 1" 10 '.shm_segments' \
		'any(ours(.shm_segments)[]; .destroy_pending == true and .nattch == 1)'
	demo_stop
fi

# ---- posix-shm -------------------------------------------------------------------------------

if demo_start posix-shm --speed "$SPEED"; then
	b="ipctop-demo-$D_ROOT-board"
	r="ipctop-demo-$D_ROOT-ready"
	expect "$b and the named semaphores are mapped by writer and reader" 10 \
		'[.posix_shm, .posix_sems]' \
		'(pids("pshm-writer") + pids("pshm-reader") | sort) as $w
		 | any(.posix_shm[]; .name == $b and (.mapped_pids | sort) == $w)
		 and any(.posix_sems[]; .name == $r and (.mapped_pids | sort) == $w)' \
		--arg b "$b" --arg r "$r"
	expect_change "the value of $r moves" 10 \
		'[.posix_sems[] | select(.name == $r) | .value][0]' --arg r "$r"
	demo_stop
fi

# ---- signals ---------------------------------------------------------------------------------

if demo_start signals --speed "$SPEED"; then
	expect "sig-target ignores SIGUSR2 and catches SIGUSR1 and SIGRTMIN+1" 10 \
		'[.processes[] | {pid, comm, signals}]' \
		'any(.processes[]; .comm == "sig-target" and (.signals.ignored | has("SIGUSR2"))
		    and (.signals.caught | has("SIGUSR1")) and (.signals.caught | has("SIGRTMIN+1")))'
	expect "sig-target sleeps in sigsuspend() (signal_wait)" 10 \
		'[.processes[] | {pid, comm, waiting}]' \
		'any(.processes[]; .comm == "sig-target" and .waiting.kind == "signal_wait")'
	expect "sig-victim is stopped by SIGSTOP (state T)" 12 '[.processes[] | {pid, comm, state}]' \
		'any(.processes[]; .comm == "sig-victim" and (.state == "T" or .state == "t"))'
	expect "blocked SIGUSR1 and SIGRTMIN+1 are pending in sig-target" 15 \
		'[.processes[] | {pid, comm, signals}]' \
		'any(.processes[]; .comm == "sig-target" and (.signals.blocked | has("SIGUSR1"))
		    and (.signals.blocked | has("SIGRTMIN+1")) and (sigs | has("SIGUSR1"))
		    and (sigs | has("SIGRTMIN+1")))'
	expect "after SIG_UNBLOCK they are delivered: nothing pending, nothing blocked" 10 \
		'[.processes[] | {pid, comm, signals}]' \
		'any(.processes[]; .comm == "sig-target" and ((sigs | has("SIGUSR1")) | not)
		    and ((sigs | has("SIGRTMIN+1")) | not) and ((.signals.blocked | has("SIGUSR1")) | not))'
	check "signals: the target's handlers report the delivery order" \
		grep -q 'handler for SIGRTMIN+1 ran (value 3' "$D_OUT"
	demo_stop
fi

# ---- sigchld ---------------------------------------------------------------------------------

if demo_start sigchld --speed 2; then
	expect "sigchld-child is a zombie of sigchld-parent until waited for" 15 \
		'[.processes[] | {pid, ppid, comm, state, zombie}]' \
		'any(.processes[]; .comm == "sigchld-child" and .state == "Z" and .zombie == true
		    and .ppid == pid("sigchld-parent"))'
	# the orphan: watch it from before its parent exits (history tells re-parenting apart)
	if wait_for 15 grep -q '	sigchld-orphan	' "$D_OUT"; then
		op=$(awk -F'\t' '$1 == "process" && $3 == "sigchld-orphan" { p = $2 } END { print p }' "$D_OUT")
		"$IPCTOP" --batch -n 10 -d 0.3 --json --pid "$op" >"$DT/batch.json" 2>/dev/null
		check "sigchld-orphan ($op) is re-parented to the root $D_ROOT and marked orphan" \
			sh -c 'jq -e -s --argjson op "$1" --argjson root "$2" "any(.[].processes[];
			    .pid == \$op and .ppid == \$root and .orphan == true)" "$3" >/dev/null' \
			_ "$op" "$D_ROOT" "$DT/batch.json"
	else
		fail "sigchld: an orphan appears" "no sigchld-orphan announced"
	fi
	demo_stop
fi

# ---- unix-socket -----------------------------------------------------------------------------

if demo_start unix-socket --speed "$SPEED"; then
	expect "the server listens on stream.sock and has a datagram socket @ipctop-demo-ROOT-dgram" 10 \
		'.unix_sockets' \
		'pids("sock-server") as $s | any(.unix_sockets[]; .type == "stream"
		    and ((.path // "") | endswith("/stream.sock")) and .state == "listen"
		    and ends(.holders) == $s)
		 and any(.unix_sockets[]; .type == "dgram" and .path == "@ipctop-demo-\($root)-dgram"
		    and ends(.holders) == $s)'
	expect "every client's stream socket is connected to one the server holds" 12 \
		'.unix_sockets' \
		'. as $x | ($x | pids("sock-server")) as $s
		 | [$x.unix_sockets[] | select(ends(.holders) == $s) | .inode] as $srv
		 | [$x.processes[] | select(.comm | startswith("sock-client-")) | .pid] as $cl
		 | ($cl | length) == 3 and all($cl[]; . as $c | any($x.unix_sockets[];
		    .type == "stream" and ends(.holders) == [$c] and (.peer_inode as $p | $srv | has($p))))'
	expect "the socketpair: two seqpacket sockets, peers of each other" 10 '.unix_sockets' \
		'any(.unix_sockets[]; .type == "seqpacket" and ends(.holders) == pids("sock-pair-peer")
		    and (.peer_inode as $p | any($S.unix_sockets[]; .inode == $p
		    and ends(.holders) == pids("sock-server"))))'
	demo_stop
fi

# ---- deadlock --------------------------------------------------------------------------------

if demo_start deadlock --speed "$SPEED"; then
	sem=$(demo_object sem)
	expect "ipctop detects the pipe deadlock (dl-pipe-a <-> dl-pipe-b)" 12 '.deadlocks' \
		'(pids("dl-pipe-a") + pids("dl-pipe-b") | sort) as $p | ($p | length) == 2
		 and any(.deadlocks[]; (.pids | sort) == $p
		    and all(.objects[]; startswith("pipe:")))'
	expect "ipctop detects the semaphore deadlock on $sem (dl-sem-a <-> dl-sem-b)" 12 '.deadlocks' \
		'(pids("dl-sem-a") + pids("dl-sem-b") | sort) as $p | ($p | length) == 2
		 and any(.deadlocks[]; (.pids | sort) == $p and (.objects | has($s)))' --arg s "$sem"
	demo_stop
fi

# ---- the control channel ------------------------------------------------------------------------

mkfifo "$DT/ctl"
exec 7<>"$DT/ctl"	# read-write: opening never blocks, and the demo sees EOF only when we close
D_IN=$DT/ctl
if demo_start shm-sem --speed 8 --control 0; then
	captions() { grep -c '^caption' "$D_OUT"; }
	printf p >&7
	check "control: 'p' pauses (status paused 8)" \
		wait_for 5 grep -q '^status	paused	8$' "$D_OUT"
	before=$(captions)
	# the property under test is that nothing happens while paused: give it a step's time
	sleep 0.5
	check "control: no step while paused ($before -> $(captions) captions)" \
		[ "$(captions)" -le "$((before + 2))" ]
	before=$(captions)
	printf s >&7
	more() { [ "$(captions)" -gt "$before" ]; }
	check "control: 's' makes one step happen" wait_for 5 more
	printf '1+' >&7
	check "control: '1' then '+' set the speed to 2" wait_for 5 grep -q '^status	paused	2$' "$D_OUT"
	printf 'cr' >&7
	check "control: 'c' continues" wait_for 5 grep -q '^status	running	2$' "$D_OUT"
	check "control: 'r' restarts (a second 'ready' follows 'restart')" \
		wait_for 10 sh -c "grep -q '^restart\$' '$D_OUT' && [ \$(grep -c '^ready ' '$D_OUT') -ge 2 ]"
	printf q >&7
	demo_end quit
fi
# a restart recreates the same names (the FIFO's path) after removing the old ones
if demo_start fifo --speed 8 --control 0; then
	check "control: fifo opens its FIFO" wait_for 10 grep -q 'fifo-.*open() returned' "$D_OUT"
	printf r >&7
	check "control: fifo restarts and is ready again" \
		wait_for 10 sh -c "[ \$(grep -c '^ready ' '$D_OUT') -ge 2 ]"
	check "control: after the restart the FIFO is opened again" \
		wait_for 10 sh -c "sed '1,/^restart\$/d' '$D_OUT' | grep -q 'fifo-.*open() returned'"
	printf q >&7
	demo_end quit
fi
if demo_start pipe --speed "$SPEED" --control 0; then
	exec 7>&-
	demo_end eof
fi
D_IN=/dev/null

# ---- SIGKILL, then `demo cleanup` -------------------------------------------------------------

# kill_cleanup NAME CONDITION: once CONDITION (a jq filter) holds, SIGKILL the root; the
# processes must die by themselves, the objects stay until `ipctop demo cleanup`, which
# removes them (and nothing else).
kill_cleanup() {
	k_name=$1 k_cond=$2
	demo_start "$k_name" --speed "$SPEED" || return
	expect "(before SIGKILL) its objects exist" 10 '.' "$k_cond"
	kill -KILL "$D_ROOT"
	if wait_for 15 job_done; then
		wait "$D_JOB"
		ok "$k_name: after SIGKILL of the root every demo process dies (parent-death signal)"
	else
		fail "$k_name: after SIGKILL of the root every demo process dies (parent-death signal)" \
			"still running: $(leftovers | paste -sd, -)"
		kill -TERM "$D_JOB"
		wait "$D_JOB"
	fi
	D_JOB=""
	left=$(leftovers)
	check "$k_name: objects outlive the SIGKILL ($(echo "${left:-nothing?}" | paste -sd, -))" \
		[ -n "$left" ]
	"$IPCTOP" demo cleanup >"$DT/cleanup.out" 2>&1
	check "$k_name: demo cleanup exits 0 ($(tail -n 1 "$DT/cleanup.out"))" [ $? -eq 0 ]
	left=$(leftovers)
	check "$k_name: nothing is left after demo cleanup${left:+: $(echo "$left" | paste -sd, -)}" \
		[ -z "$left" ]
}

kill_cleanup msgqueue 'any(.msg_queues[]; .messages > 0)'
kill_cleanup shm-sem '(.sem_sets | length) >= 1 and (.shm_segments | length) >= 1'
kill_cleanup posix-shm '(.posix_shm | length) >= 1 and (.posix_sems | length) >= 2'
kill_cleanup posix-mq '(.posix_mqueues | length) >= 1'
kill_cleanup fifo 'any(.pipes[]; .kind == "fifo")'
kill_cleanup unix-socket 'any(.unix_sockets[]; .state == "listen")'

# cleanup never touches a running demo, nor objects that are not a demo's
if demo_start msgqueue --speed "$SPEED"; then
	q=$(demo_object msg)
	other=$(ipcmk -Q 2>/dev/null | sed -n 's/.*: *//p')
	on_exit "[ -n '$other' ] && ipcrm -q '$other' 2>/dev/null"
	"$IPCTOP" demo cleanup >"$DT/cleanup.out" 2>&1
	check "demo cleanup leaves a running demo alone ($q still there)" \
		awk -v id="${q#msg:}" 'NR > 1 && $2 == id { f = 1 } END { exit !f }' /proc/sysvipc/msg
	check "demo cleanup leaves the running demo's processes alone" [ -d "/proc/$D_ROOT" ]
	if [ -n "$other" ]; then
		check "demo cleanup leaves other programs' queues alone (msg:$other)" \
			awk -v id="$other" 'NR > 1 && $2 == id { f = 1 } END { exit !f }' /proc/sysvipc/msg
		ipcrm -q "$other"
	fi
	demo_stop
fi

finish
