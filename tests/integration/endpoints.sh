#!/bin/sh
# tests/integration/endpoints.sh - who talks to whom, end to end, on real processes.
#
# Starts the live_endpoints fixture (a ring of processes joined by pipes and socketpairs, a
# FIFO between two unrelated processes, a pipe stuffed with exactly K bytes, a FIFO writer
# blocked in open(), a POSIX queue, shm object and named semaphore, eventfd, signalfd and a
# loopback TCP connection), runs `ipctop --once --json --pid <its pids>` and checks the JSON
# exactly against what the fixture says it built; checks the blocked writer is still blocked
# after ipctop (and lsfd) looked; compares ipctop's pipe, FIFO and unix-socket endpoints with
# `lsfd -J` on the same processes; stops the fixture and checks nothing is left behind.
. "${top_srcdir:-.}/tests/integration/lib.sh"

FIXTURE=${top_builddir:-.}/tests/integration/live_endpoints
RING=4
K=12345

require_tool jq jq

TMP=$(mktemp -d)
FX=""
on_exit "rm -rf '$TMP'"
# the fixture: stopped by its pid only; it reaps its children and removes its objects
on_exit 'exec 7>&- 2>/dev/null; [ -n "$FX" ] && kill -TERM "$FX" 2>/dev/null; [ -n "$FX" ] && wait "$FX" 2>/dev/null'

jqt() { jq -e "$@" >/dev/null 2>&1; }
# jcheck NAME FILTER [jq args...]: a jq condition on the snapshot
jcheck() {
	n=$1; f=$2; shift 2
	if jq -e "$@" "$f" "$TMP/snap.json" >/dev/null 2>&1; then ok "$n"; else
		fail "$n" "jq: $f"; fi
}
key() { sed -n "s/^$1=//p" "$TMP/out"; }

mkfifo "$TMP/in"
"$FIXTURE" -n "$RING" -k "$K" <"$TMP/in" >"$TMP/out" 2>"$TMP/err" &
FX=$!
exec 7>"$TMP/in"	# its stdin: closing this is its end-of-file

if ! wait_for 20 grep -qx ready "$TMP/out"; then
	fail "fixture starts" "$(cat "$TMP/err")"
	finish
fi
ok "fixture starts"

PIDS=$(key pids)
PARENT=${PIDS%%,*}
set -- $(key blocked)
BLOCKED=$1
BLOCKED_FIFO=$2
FIFO_PATH=$(key fifo_path)

# still_blocked PID: in open() of a FIFO (wait_for_partner), the syscall openat
still_blocked() {
	[ "$(cat "/proc/$1/wchan" 2>/dev/null)" = wait_for_partner ] || return 1
	nr=$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)
	# 257 openat on x86_64, 56 on the generic table (arm64, riscv); 2 open on x86_64
	[ "$nr" = 257 ] || [ "$nr" = 56 ] || [ "$nr" = 2 ]
}
check "the FIFO writer is blocked in open() before ipctop looks" still_blocked "$BLOCKED"

"$IPCTOP" --once --json --pid "$PIDS" >"$TMP/snap.json" 2>"$TMP/ipctop.err"
rc=$?
check "ipctop --once --json --pid exits 0" [ "$rc" -eq 0 ]
check "the JSON parses" jqt . "$TMP/snap.json"
check "the FIFO writer is still blocked after ipctop looked" still_blocked "$BLOCKED"
check "no channel names the blocked FIFO (nobody has it open)" \
	jqt --arg p "$BLOCKED_FIFO" 'all(.pipes[]; .path != $p)' "$TMP/snap.json"

# ---- the ring ----
pipe_exact() {	# NAME INODE KIND PATH W WFD R RFD QUEUED
	jcheck "$1" '[.pipes[] | select(.inode == $i)
		      | {kind, path, readers, writers, queued_bytes, capacity}]
		     == [{kind: $k, path: (if $path == "" then null else $path end),
			  readers: [{pid: $r, fd: $rfd}], writers: [{pid: $w, fd: $wfd}],
			  queued_bytes: $q, capacity: 65536}]' \
		--argjson i "$2" --arg k "$3" --arg path "$4" --argjson w "$5" --argjson wfd "$6" \
		--argjson r "$7" --argjson rfd "$8" --argjson q "$9"
}
for i in $(seq 0 $((RING - 1))); do
	set -- $(key ring_pipe | sed -n "$((i + 1))p")
	pipe_exact "ring pipe $i (inode $1): $2/$3 -> $4/$5, empty, capacity 65536" \
		"$1" pipe "" "$2" "$3" "$4" "$5" 0
	set -- $(key ring_sock | sed -n "$((i + 1))p")
	jcheck "ring socketpair $i: $1 held by $2/$3 <-> $4 held by $5/$6" \
		'([.unix_sockets[] | select(.inode == $a) | {peer_inode, type, state, holders, queued_bytes}]
		  == [{peer_inode: $b, type: "stream", state: "established",
		       holders: [{pid: $pa, fd: $fa}], queued_bytes: 0}]) and
		 ([.unix_sockets[] | select(.inode == $b) | {peer_inode, type, state, holders, queued_bytes}]
		  == [{peer_inode: $a, type: "stream", state: "established",
		       holders: [{pid: $pb, fd: $fb}], queued_bytes: 0}])' \
		--argjson a "$1" --argjson pa "$2" --argjson fa "$3" \
		--argjson b "$4" --argjson pb "$5" --argjson fb "$6"
done

# ---- FIFO, stuffed pipe ----
set -- $(key fifo)
pipe_exact "FIFO $FIFO_PATH between unrelated processes: $2/$3 -> $4/$5, 11 bytes queued" \
	"$1" fifo "$FIFO_PATH" "$2" "$3" "$4" "$5" "$6"
set -- $(key stuff)
STUFF_INO=$1
pipe_exact "stuffed pipe: $2/$3 -> $4/$5 holds exactly $6 bytes" \
	"$1" pipe "" "$2" "$3" "$4" "$5" "$6"
check "the fixture holds K=$K bytes" [ "$6" -eq "$K" ]

set -- $(key gone_fifo)
jcheck "unlinked FIFO held O_RDWR: path kept, deleted, $2/$3 both reader and writer" \
	'[.pipes[] | select(.inode == $i and .kind == "fifo") | {path, deleted, readers, writers}]
	 == [{path: $path, deleted: true, readers: [{pid: $p, fd: $fd}], writers: [{pid: $p, fd: $fd}]}]' \
	--argjson i "$1" --argjson p "$2" --argjson fd "$3" --arg path "$4"

# Exactly these channels touch the fixture: the ring, the FIFOs, the stuffed pipe and its own
# stdin (our FIFO, whose writer is this shell's fd 7); 2 sockets per ring link.
jcheck "exactly the fixture's pipes and FIFOs (ring + 2 fifos + stuffed + its stdin)" \
	'[.pipes[] | select(any((.readers + .writers)[]; .pid as $p | $pids | index($p)))] | length
	 == $n' --argjson pids "[$PIDS]" --argjson n $((RING + 4))
jcheck "its stdin FIFO: read by the fixture's fd 0, written by this shell's fd 7" \
	'[.pipes[] | select(.path == $in) | {readers, writers, kind}]
	 == [{readers: [{pid: $p, fd: 0}], writers: [{pid: $sh, fd: 7}], kind: "fifo"}]' \
	--arg in "$TMP/in" --argjson p "$PARENT" --argjson sh "$$"
jcheck "exactly the fixture's unix sockets (2 per ring link)" \
	'[.unix_sockets[] | select(any(.holders[]; .pid as $p | $pids | index($p)))] | length == $n' \
	--argjson pids "[$PIDS]" --argjson n $((2 * RING))

# ---- POSIX objects ----
set -- $(key mq)
jcheck "POSIX queue $1: 3 messages, 60 bytes, limits 8 x 128, held by $2/$3" \
	'[.posix_mqueues[] | select(.name == $n) | {bytes, messages, max_messages, message_size, holders}]
	 == [{bytes: 60, messages: 3, max_messages: 8, message_size: 128, holders: [{pid: $p, fd: $fd}]}]' \
	--arg n "$1" --argjson p "$2" --argjson fd "$3"
MQ=$1
set -- $(key shm)
jcheck "POSIX shm $1: 8192 bytes mapped by $3 and $4" \
	'[.posix_shm[] | select(.name == $n) | {size, mapped_pids}]
	 == [{size: 8192, mapped_pids: ([$a, $b] | sort)}]' \
	--arg n "$1" --argjson a "$3" --argjson b "$4"
SHM=$1
set -- $(key sem)
jcheck "named semaphore $1: value 5, mapped by $3 (under its temporary name)" \
	'[.posix_sems[] | select(.name == $n) | {value, mapped_pids}] == [{value: 5, mapped_pids: [$p]}]' \
	--arg n "$1" --argjson p "$3"
SEM=$1

# ---- eventfd, signalfd, loopback TCP ----
set -- $(key eventfd)
jcheck "eventfd $1/$2 counts 7" \
	'[.misc_fds[] | select(.kind == "eventfd" and .pid == $p and .fd == $fd) | .count] == [7]' \
	--argjson p "$1" --argjson fd "$2"
set -- $(key signalfd)
jcheck "signalfd $1/$2 accepts SIGUSR1 SIGUSR2" \
	'[.misc_fds[] | select(.kind == "signalfd" and .pid == $p and .fd == $fd) | .signals]
	 == [["SIGUSR1", "SIGUSR2"]]' --argjson p "$1" --argjson fd "$2"
set -- $(key tcp)
jcheck "loopback TCP: $1/$2 <-> $1/$4 linked both ways" \
	'([.misc_fds[] | select(.kind == "tcp_loopback" and .pid == $p and .fd == $c)
	   | {inode, peer_inode, peer_pid}] == [{inode: $ci, peer_inode: $si, peer_pid: $p}]) and
	 ([.misc_fds[] | select(.kind == "tcp_loopback" and .pid == $p and .fd == $s)
	   | {inode, peer_inode, peer_pid}] == [{inode: $si, peer_inode: $ci, peer_pid: $p}])' \
	--argjson p "$1" --argjson c "$2" --argjson ci "$3" --argjson s "$4" --argjson si "$5"

# ---- looking changed nothing: a second look sees the same fill, the writer still blocked ----
"$IPCTOP" --once --json --pid "$PIDS" >"$TMP/snap2.json" 2>/dev/null
check "a second look: the stuffed pipe still holds $K bytes, the FIFO 11" \
	jqt --argjson i "$STUFF_INO" --arg f "$FIFO_PATH" --argjson k "$K" \
	'([.pipes[] | select(.inode == $i) | .queued_bytes] == [$k]) and
	 ([.pipes[] | select(.path == $f) | .queued_bytes] == [11])' "$TMP/snap2.json"

# ---- against lsfd: the same endpoints (pid fd inode mode) for pipes, FIFOs, unix sockets ----
if command -v lsfd >/dev/null 2>&1; then
	lsfd -J -p "$(echo "$PIDS" | tr , ' ')" -o PID,FD,TYPE,INODE,MODE,NAME >"$TMP/lsfd.json" 2>"$TMP/lsfd.err"
	jq -r '.lsfd[] | select(.fd != null)
	       | select(.type == "FIFO" or (.type == "SOCK" and (.name | startswith("UNIX"))))
	       | "\(.pid) \(.fd) \(.inode) \(.mode | gsub("-"; ""))"' "$TMP/lsfd.json" | sort >"$TMP/lsfd.txt"
	jq -r --argjson pids "[$PIDS]" '
	  ([.pipes[] | .inode as $i
	    | ((.readers[] | {pid, fd, inode: $i, m: "r"}), (.writers[] | {pid, fd, inode: $i, m: "w"}))]
	   | group_by([.pid, .fd])
	   | map({pid: .[0].pid, fd: .[0].fd, inode: .[0].inode, m: (map(.m) | sort | join(""))})[]),
	  (.unix_sockets[] | .inode as $i | .holders[] | {pid, fd, inode: $i, m: "rw"})
	  | select(.pid as $p | $pids | index($p)) | "\(.pid) \(.fd) \(.inode) \(.m)"' \
	  "$TMP/snap.json" | sort >"$TMP/ipctop.txt"
	check "lsfd lists the fixture's pipes, FIFOs and unix sockets" [ -s "$TMP/lsfd.txt" ]
	if cmp -s "$TMP/lsfd.txt" "$TMP/ipctop.txt"; then
		ok "ipctop's pipe/FIFO/unix endpoints equal lsfd's ($(wc -l <"$TMP/lsfd.txt") descriptors)"
	else
		fail "ipctop's pipe/FIFO/unix endpoints equal lsfd's" \
			"$(diff "$TMP/lsfd.txt" "$TMP/ipctop.txt" | head -20)"
	fi
	check "the FIFO writer is still blocked after lsfd looked" still_blocked "$BLOCKED"
else
	fail "lsfd is available" "install the Debian package util-linux (2.38+)"
fi

# ---- stop: end-of-file on its stdin; it reaps everything and removes its objects ----
DIR=$(key dir)
exec 7>&-
gone() { ! kill -0 "$FX" 2>/dev/null || [ "$(cut -d' ' -f3 "/proc/$FX/stat" 2>/dev/null)" = Z ]; }
check "the fixture stops on end-of-file" wait_for 10 gone
wait "$FX"
rc=$?
FX=""
check "the fixture exits 0 (no child died early)" [ "$rc" -eq 0 ]
left=""
for p in $(echo "$PIDS" | tr , ' '); do
	kill -0 "$p" 2>/dev/null && left="$left $p"
done
check "no fixture process is left${left:+ (left:$left)}" [ -z "$left" ]
check "its /dev/shm objects are gone" \
	sh -c "[ ! -e '/dev/shm/$SHM' ] && [ ! -e '/dev/shm/sem.$SEM' ]"
check "its directory and FIFOs are gone" [ ! -e "$DIR" ]
# the queue: /dev/mqueue if mounted, else a private mount of the mqueue file system
mq_listing() {
	if [ -d /dev/mqueue ] && ls /dev/mqueue >/dev/null 2>&1 && grep -q ' /dev/mqueue mqueue ' /proc/mounts; then
		ls /dev/mqueue
	elif [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null 2>&1; then
		unshare -m sh -c 'mount --make-rprivate / && mount -t tmpfs none /mnt &&
			mkdir /mnt/mq && mount -t mqueue none /mnt/mq && ls /mnt/mq'
	else
		return 1
	fi
}
if mq_listing >"$TMP/mq.txt" 2>/dev/null; then
	check "its POSIX queue is gone" sh -c "! grep -qx '$MQ' '$TMP/mq.txt'"
else
	skip "its POSIX queue is gone" "cannot list the mqueue file system"
fi
finish
