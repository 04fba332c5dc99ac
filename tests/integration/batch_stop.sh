#!/bin/bash
# tests/integration/batch_stop.sh - a `--batch --json` run stopped by SIGINT, SIGTERM or
# SIGPIPE (issue 11): the output ends on a whole line (every line is JSON), the run dies of the
# signal it got, and its tracefs instance (instances/ipctop-PID, root only) is gone.
#
# SIGINT/SIGTERM arrive while ipctop is blocked writing a snapshot into a full pipe (its
# main thread's wchan is pipe_write): the old code died there, leaving half a line and the
# instance enabled. SIGPIPE: the reader (head -n 1) goes away after the first line.
. "${top_srcdir:-.}/tests/integration/lib.sh"

if ! command -v jq >/dev/null 2>&1; then
	echo "jq is missing: install the Debian package jq"
	exit 77
fi

TMP=$(mktemp -d)
on_exit "rm -rf '$TMP'"

TRACEFS=
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	[ -d "$d/instances" ] && TRACEFS=$d && break
done

instance_exists() { [ -n "$TRACEFS" ] && [ -d "$TRACEFS/instances/ipctop-$1" ]; }
in_pipe_write() { case $(cat "/proc/$1/wchan" 2>/dev/null) in *pipe_write) return 0;; esac; return 1; }
gone() { ! kill -0 "$1" 2>/dev/null; }

# every line of $1 is a JSON object and the file ends with a newline
whole_lines() {
	[ -s "$1" ] && [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] &&
		jq -e 'type == "object"' "$1" >/dev/null 2>&1
}

stop_in_write() {
	sig=$1 code=$2
	fifo=$TMP/out.$sig
	mkfifo "$fifo"
	# a shell's background job starts with SIGINT ignored: give it the default back
	env --default-signal=INT,TERM,HUP "$IPCTOP" --batch -n 0 -d 0 --json >"$fifo" 2>"$TMP/err.$sig" &
	pid=$!
	on_exit "kill -KILL $pid 2>/dev/null; wait $pid 2>/dev/null"
	exec 3<"$fifo"
	# read a little, so a snapshot (far over the 64 KiB pipe) is being written, then stall
	head -c 1000 <&3 >"$TMP/got.$sig"
	if ! wait_for 20 in_pipe_write "$pid"; then
		fail "$sig: ipctop blocked writing into the pipe" "wchan $(cat /proc/$pid/wchan 2>/dev/null)"
		exec 3<&-
		return
	fi
	traced=no
	instance_exists "$pid" && traced=yes
	kill -"$sig" "$pid"
	cat <&3 >>"$TMP/got.$sig" &	# drains until ipctop closes its end
	cpid=$!
	exec 3<&-
	if ! wait_for 20 gone "$pid"; then
		fail "$sig: ipctop stops" "still running 20 s after SIG$sig"
		kill -KILL "$pid"
	fi
	wait "$pid"
	status=$?
	wait "$cpid"
	if whole_lines "$TMP/got.$sig"; then
		ok "$sig: the output ends on a whole JSON line ($(wc -l <"$TMP/got.$sig") lines)"
	else
		fail "$sig: the output ends on a whole JSON line" "last bytes: $(tail -c 40 "$TMP/got.$sig" | od -An -c | tr -s ' ' | tail -2 | tr '\n' ' ')"
	fi
	if [ "$status" -eq "$code" ]; then ok "$sig: dies of the signal ($status)"
	else fail "$sig: dies of the signal" "exit status $status, expected $code"; fi
	if [ "$traced" = yes ]; then
		if instance_exists "$pid"; then
			fail "$sig: the tracefs instance ipctop-$pid is removed" "still there"
			rmdir "$TRACEFS/instances/ipctop-$pid" 2>/dev/null
		else
			ok "$sig: the tracefs instance ipctop-$pid is removed"
		fi
	fi
	[ -s "$TMP/err.$sig" ] && fail "$sig: nothing on stderr" "$(head -3 "$TMP/err.$sig")"
}

stop_in_write INT 130
stop_in_write TERM 143

# SIGPIPE: the reader takes one line and goes away
fifo=$TMP/out.PIPE
mkfifo "$fifo"
"$IPCTOP" --batch -n 0 -d 0.2 --json >"$fifo" 2>"$TMP/err.PIPE" &
pid=$!
on_exit "kill -KILL $pid 2>/dev/null; wait $pid 2>/dev/null"
exec 3<"$fifo"
head -n 1 <&3 >"$TMP/got.PIPE"
# keep the read end open until the instance is there (root), so the test sees it first
traced=no
if [ -n "$TRACEFS" ] && [ "$(id -u)" -eq 0 ] && wait_for 10 instance_exists "$pid"; then
	traced=yes
fi
exec 3<&-
if wait_for 20 gone "$pid"; then
	wait "$pid"
	status=$?
	if [ "$status" -eq 141 ]; then ok "PIPE: dies of SIGPIPE"
	else fail "PIPE: dies of SIGPIPE" "exit status $status"; fi
else
	fail "PIPE: ipctop stops when its reader is gone" "still running after 20 s"
fi
check "PIPE: the line read is whole JSON" whole_lines "$TMP/got.PIPE"
if [ "$traced" = yes ]; then
	if instance_exists "$pid"; then
		fail "PIPE: the tracefs instance ipctop-$pid is removed" "still there"
		rmdir "$TRACEFS/instances/ipctop-$pid" 2>/dev/null
	else
		ok "PIPE: the tracefs instance ipctop-$pid is removed"
	fi
fi
[ -s "$TMP/err.PIPE" ] && fail "PIPE: nothing on stderr" "$(head -3 "$TMP/err.PIPE")"

finish
