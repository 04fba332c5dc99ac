#!/bin/sh
# tests/integration/fd_iter.sh - the BPF descriptor iterator (probes/fd_iter.h) sees what the
# walk of /proc/<pid>/fd sees, on real processes.
#
# Fixtures: live_endpoints (a ring of pipes and socketpairs, a pipe holding exactly K bytes, a
# FIFO between unrelated processes, an unlinked FIFO held O_RDWR, a FIFO writer blocked in
# open(), a POSIX queue, an eventfd counting 7, a signalfd, loopback TCP) and fd_iter_fixture
# (pipes at the limits of the kernel-side fill: 1 MiB holding 74 pages, 16 pages exactly, 16
# pages and 1 byte; a socketpair with unread bytes both ways). Checks:
#   - `ipctop --once --json --pid <their pids>` with the iterator (source fd_iter ok) and with
#     IPCTOP_NO_BPF=1 (source fd_iter off) give the same pipes, unix sockets, misc descriptors,
#     queues and process errors for those pids;
#   - both give the exact values the fixtures built (ends, fill, capacity, FIFO paths, counts);
#   - (with strace) only the pipes with more occupied slots than the kernel sums are filled
#     through pidfd_getfd in the BPF run;
#   - `ipctop --batch -n 3 -d 0 --json` uses the iterator in each snapshot and (with strace)
#     loads and attaches it once, reading one pass per snapshot;
#   - in another pid namespace the iterator is off, and says why;
#   - looking disturbed nothing: the blocked FIFO writer is still blocked, fills unchanged;
#   - a FIFO on overlayfs whose lower layer is another file system (a tmpfs), where stat(2)
#     gives another st_dev than the inode's superblock (which the iterator reads), in a private
#     mount namespace (unshare -m; ipctop joins it with nsenter): one O_RDWR holder grew it to
#     1 MiB and wrote 200000 bytes (too many slots for the kernel-side sum: the fill comes from
#     pidfd_getfd, which rejected the duplicate when the devices did not match), a second
#     holder has it O_RDONLY|O_NONBLOCK; both runs give one record for it with its path, both
#     holders, 200000 of 1048576 bytes, and the same pipes. Skipped alone (a counted skip)
#     without unshare, nsenter or overlayfs.
#   - the maps iterator (fd_iter_fixture -m: IPC mappings, one process each): a System V
#     segment attached twice read-write by one process and SHM_RDONLY by another, a segment
#     marked IPC_RMID while two processes are attached, a /dev/shm object mapped MAP_SHARED
#     read-only and read-write and MAP_PRIVATE by a third process (no mapper), one mapped
#     MAP_PRIVATE only, one unlinked while mapped and created again under its name (only the
#     new one's mapper is its mapper), a named semaphore created by one process (glibc maps it
#     under a temporary name, unlinked) and opened by another: `ipctop --once --json` with and
#     without IPCTOP_NO_BPF=1 give the same attached_pids/mapped_pids (sorted) and the exact
#     values; the BPF run reads no /proc/<pid>/maps of those processes (with strace), and the
#     processes /proc refuses (pid 1 in a sandbox) are refused with BPF too (ipctop shows what
#     /proc would); a batch run keeps the values in each snapshot; on SIGINT the
#     fixture reaps its processes and removes every object.
# Skips (77) when the iterator cannot load here (not root, no BTF, built without BPF); fails
# when it does not load as root on a kernel with BTF (the reason is printed).
. "${top_srcdir:-.}/tests/integration/lib.sh"

EP=${top_builddir:-.}/tests/integration/live_endpoints
FX=${top_builddir:-.}/tests/integration/fd_iter_fixture
K=1234
BIG=300001

require_tool jq jq
src=$(env -u IPCTOP_NO_BPF "$IPCTOP" --once --json --pid $$ 2>/dev/null | jq -c '.sources.fd_iter')
if [ "$(printf '%s' "$src" | jq -r '.ok' 2>/dev/null)" != true ]; then
	why=$(printf '%s' "$src" | jq -r '.error // "no fd_iter source in the JSON"' 2>/dev/null ||
	      echo "ipctop --once --json failed")
	# as root on a kernel with BTF, in a build with BPF, the iterator must load: a refusal
	# (the verifier's reason is in why) is a failure, not a skip
	case $why in
	"off (ipctop was built without BPF"*) ;;
	*) if [ "$(id -u)" -eq 0 ] && [ -e /sys/kernel/btf/vmlinux ]; then
		echo "FAIL - root, a kernel with BTF: the BPF descriptor iterator did not load: $why"
		echo "RESULT: 0 passed, 1 failed"
		exit 1
	   fi ;;
	esac
	echo "SKIP: the BPF descriptor iterator does not load here: $why"
	exit 77
fi

TMP=$(mktemp -d)
EP_PID=""
FX_PID=""
OVL_PID=""
on_exit "rm -rf '$TMP'"
# the fixtures: stopped by their pids only; each reaps its children and removes its objects
# (the overlay's: its mount namespace, and with it the mounts, ends with its last process)
on_exit 'exec 7>&- 8>&- 9>&- 2>/dev/null; for p in $EP_PID $FX_PID $OVL_PID; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done'

jqt() { jq -e "$@" >/dev/null 2>&1; }
ep_key() { sed -n "s/^$1=//p" "$TMP/ep.out"; }
fx_key() { sed -n "s/^$1=//p" "$TMP/fx.out"; }

mkfifo "$TMP/ep.in" "$TMP/fx.in"
"$EP" -n 2 -k "$K" <"$TMP/ep.in" >"$TMP/ep.out" 2>"$TMP/ep.err" &
EP_PID=$!
exec 7>"$TMP/ep.in"	# its stdin: closing this is its end-of-file
"$FX" -b "$BIG" <"$TMP/fx.in" >"$TMP/fx.out" 2>"$TMP/fx.err" &
FX_PID=$!
exec 8>"$TMP/fx.in"
if ! wait_for 20 grep -qx ready "$TMP/ep.out" || ! wait_for 20 grep -qx ready "$TMP/fx.out"; then
	fail "fixtures start" "$(cat "$TMP/ep.err" "$TMP/fx.err")"
	finish
fi
ok "fixtures start (live_endpoints, fd_iter_fixture)"
PIDS=$(ep_key pids),$(fx_key pids)
PAGE=$(fx_key page)

# still_blocked PID: in open() of a FIFO (wait_for_partner)
still_blocked() { [ "$(cat "/proc/$1/wchan" 2>/dev/null)" = wait_for_partner ]; }
BLOCKED=$(ep_key blocked | cut -d' ' -f1)
check "the FIFO writer is blocked in open() before ipctop looks" still_blocked "$BLOCKED"

# ---- the two runs ------------------------------------------------------------------------
"$IPCTOP" --once --json --pid "$PIDS" >"$TMP/bpf.json" 2>"$TMP/bpf.err"
rc=$?
check "ipctop --once --json exits 0 with the iterator" [ "$rc" -eq 0 ]
IPCTOP_NO_BPF=1 "$IPCTOP" --once --json --pid "$PIDS" >"$TMP/proc.json" 2>"$TMP/proc.err"
rc=$?
check "ipctop --once --json exits 0 with IPCTOP_NO_BPF=1" [ "$rc" -eq 0 ]
check "both snapshots parse" jqt . "$TMP/bpf.json" "$TMP/proc.json"

# (a) which way each run went
check "with the iterator: source fd_iter is ok, no error" \
	jqt '.sources.fd_iter == {ok: true, error: null}' "$TMP/bpf.json"
check "IPCTOP_NO_BPF=1: source fd_iter is off and says IPCTOP_NO_BPF" \
	jqt '.sources.fd_iter.ok == false and (.sources.fd_iter.error | test("off.*IPCTOP_NO_BPF"))' \
	"$TMP/proc.json"
check "both: the descriptor probe ran (source fds ok)" \
	jqt '.sources.fds.ok' "$TMP/bpf.json" "$TMP/proc.json"
check "with the iterator: no malformed record, no failed read" \
	jqt 'all(.errors[]; (.where + " " + .error) | test("BPF") | not)' "$TMP/bpf.json"

# (b) the same snapshot, restricted to the fixtures' processes
view() {
	jq -S --argjson pids "[$PIDS]" '
	  def mine: IN($pids[]);
	  {pipes: ([.pipes[] | select(any((.readers + .writers)[]; .pid | mine))] | sort_by(.id)),
	   unix_sockets: ([.unix_sockets[] | select(any(.holders[]; .pid | mine))] | sort_by(.id)),
	   misc_fds: ([.misc_fds[] | select(.pid | mine)] | sort_by([.kind, .pid, .fd])),
	   posix_mqueues: ([.posix_mqueues[] | select(any(.holders[]; .pid | mine))] | sort_by(.id)),
	   processes: ([.processes[] | select(.pid | mine) | {pid, error}] | sort_by(.pid))}' "$1"
}
view "$TMP/bpf.json" >"$TMP/bpf.view"
view "$TMP/proc.json" >"$TMP/proc.view"
# 2 ring pipes, chat FIFO, K pipe, gone FIFO, live_endpoints' stdin; big, full, over, stdin
check "the fixtures' pipes and FIFOs are all there (10)" \
	jqt '.pipes | length == 10' "$TMP/bpf.view"
check "the fixtures' unix sockets are all there (6: 2 ring socketpairs, 1 with unread bytes)" \
	jqt '.unix_sockets | length == 6' "$TMP/bpf.view"
check "the fixtures' misc descriptors are all there (eventfd, signalfd, 2 TCP)" \
	jqt '.misc_fds | length == 4' "$TMP/bpf.view"
check "every fixture process is in the snapshot, without error" \
	jqt --argjson n "$(echo "$PIDS" | tr , '\n' | wc -l)" \
	'(.processes | length == $n) and all(.processes[]; .error == null)' "$TMP/bpf.view"
if cmp -s "$TMP/bpf.view" "$TMP/proc.view"; then
	ok "pipes, unix sockets, misc fds, queues and process errors equal with and without BPF"
else
	fail "pipes, unix sockets, misc fds, queues and process errors equal with and without BPF" \
		"$(diff "$TMP/proc.view" "$TMP/bpf.view" | head -30)"
fi

# (c) the exact values, in both snapshots
pipe_exact() {	# FILE NAME INODE KIND PATH W WFD R RFD QUEUED CAPACITY
	f=$1; n=$2; shift 2
	if jq -e '[.pipes[] | select(.inode == $i)
		   | {kind, path, readers, writers, queued_bytes, capacity, error}]
		  == [{kind: $k, path: (if $path == "" then null else $path end),
		       readers: [{pid: $r, fd: $rfd}], writers: [{pid: $w, fd: $wfd}],
		       queued_bytes: $q, capacity: $c, error: null}]' \
		--argjson i "$1" --arg k "$2" --arg path "$3" --argjson w "$4" --argjson wfd "$5" \
		--argjson r "$6" --argjson rfd "$7" --argjson q "$8" --argjson c "$9" "$f" >/dev/null 2>&1
	then ok "$n"; else
		fail "$n" "got $(jq -c --argjson i "$1" '[.pipes[] | select(.inode == $i)]' "$f")"
	fi
}
for run in bpf proc; do
	f=$TMP/$run.json
	set -- $(ep_key stuff)
	pipe_exact "$f" "$run: K pipe $2/$3 -> $4/$5 holds exactly $K bytes, capacity 65536" \
		"$1" pipe "" "$2" "$3" "$4" "$5" "$K" 65536
	set -- $(fx_key big)
	pipe_exact "$f" "$run: 1 MiB pipe $2/$3 -> $4/$5 holds exactly $BIG bytes (74 slots used), capacity 1048576" \
		"$1" pipe "" "$2" "$3" "$4" "$5" "$BIG" 1048576
	set -- $(fx_key full)
	pipe_exact "$f" "$run: pipe of 16 full pages (the kernel's limit) $2/$3 -> $4/$5: $((16 * PAGE)) of $((16 * PAGE))" \
		"$1" pipe "" "$2" "$3" "$4" "$5" $((16 * PAGE)) $((16 * PAGE))
	set -- $(fx_key over)
	pipe_exact "$f" "$run: 1 MiB pipe with 17 slots used $2/$3 -> $4/$5: $((16 * PAGE + 1)) bytes" \
		"$1" pipe "" "$2" "$3" "$4" "$5" $((16 * PAGE + 1)) 1048576
	FIFO_PATH=$(ep_key fifo_path)
	set -- $(ep_key fifo)
	pipe_exact "$f" "$run: FIFO $FIFO_PATH $2/$3 -> $4/$5 holds 11 bytes" \
		"$1" fifo "$FIFO_PATH" "$2" "$3" "$4" "$5" 11 65536
	set -- $(ep_key gone_fifo)
	check "$run: unlinked FIFO held O_RDWR: path, deleted, $2/$3 reader and writer" \
		jqt --argjson i "$1" --argjson p "$2" --argjson fd "$3" --arg path "$4" \
		'[.pipes[] | select(.inode == $i) | {kind, path, deleted, readers, writers}]
		 == [{kind: "fifo", path: $path, deleted: true, readers: [{pid: $p, fd: $fd}],
		      writers: [{pid: $p, fd: $fd}]}]' "$f"
	set -- $(ep_key ring_pipe | head -n 1)
	pipe_exact "$f" "$run: ring pipe $2/$3 -> $4/$5 empty" "$1" pipe "" "$2" "$3" "$4" "$5" 0 65536
	set -- $(fx_key sock)
	check "$run: socketpair $2/$3 <-> $5/$6 with 7 and 100 unread bytes" \
		jqt --argjson a "$1" --argjson pa "$2" --argjson fa "$3" --argjson b "$4" \
		--argjson pb "$5" --argjson fb "$6" --argjson qa "$7" --argjson qb "$8" \
		'([.unix_sockets[] | select(.inode == $a) | {peer_inode, holders, queued_bytes}]
		  == [{peer_inode: $b, holders: [{pid: $pa, fd: $fa}], queued_bytes: $qa}]) and
		 ([.unix_sockets[] | select(.inode == $b) | {peer_inode, holders, queued_bytes}]
		  == [{peer_inode: $a, holders: [{pid: $pb, fd: $fb}], queued_bytes: $qb}]) and
		 $qa == 7 and $qb == 100' "$f"
	set -- $(ep_key eventfd)
	check "$run: eventfd $1/$2 counts 7" jqt --argjson p "$1" --argjson fd "$2" \
		'[.misc_fds[] | select(.pid == $p and .fd == $fd) | {kind, count}]
		 == [{kind: "eventfd", count: 7}]' "$f"
	set -- $(ep_key signalfd)
	check "$run: signalfd $1/$2 takes SIGUSR1 SIGUSR2" jqt --argjson p "$1" --argjson fd "$2" \
		'[.misc_fds[] | select(.pid == $p and .fd == $fd) | {kind, signals}]
		 == [{kind: "signalfd", signals: ["SIGUSR1", "SIGUSR2"]}]' "$f"
	set -- $(ep_key mq)
	check "$run: POSIX queue $1 held by $2/$3" jqt --arg n "$1" --argjson p "$2" --argjson fd "$3" \
		'[.posix_mqueues[] | select(.name == $n) | .holders] == [[{pid: $p, fd: $fd}]]' "$f"
done

# ---- which pipes were filled through a pidfd (strace) --------------------------------------
# "PID FD" of every pidfd_getfd(pidfd, FD) that ipctop made, its pidfd mapped back to the PID
# given to the pidfd_open that returned it (per thread).
getfds() {
	awk '{
		tid = $1
		if (match($0, /pidfd_open\(([0-9]+), [^)]*\) += ([0-9]+)/)) {
			split(substr($0, RSTART, RLENGTH), a, /[(,=) ]+/)
			pidof[tid, a[4]] = a[2]
		} else if (match($0, /pidfd_getfd\(([0-9]+), ([0-9]+),/)) {
			split(substr($0, RSTART, RLENGTH), a, /[(, ]+/)
			print pidof[tid, a[2]], a[3]
		}
	}' "$1" | sort -u
}
STRACE=""
if command -v strace >/dev/null 2>&1 && strace -f -qq -o /dev/null true 2>/dev/null; then
	STRACE=strace
fi
if [ -n "$STRACE" ]; then
	strace -f -qq -e trace=pidfd_open,pidfd_getfd -o "$TMP/getfd.st" \
		"$IPCTOP" --once --json --pid "$PIDS" >/dev/null 2>&1
	getfds "$TMP/getfd.st" >"$TMP/getfd.txt"
	# ends W WFD R RFD: was one of these two ends duplicated?
	ends() { grep -qx -e "$1 $2" -e "$3 $4" "$TMP/getfd.txt"; }
	no_ends() { ! ends "$@"; }
	check "BPF run: the 1 MiB pipe (74 slots used) was filled through pidfd_getfd" \
		ends $(fx_key big | cut -d' ' -f2-5)
	check "BPF run: the 1 MiB pipe with 17 slots used was filled through pidfd_getfd" \
		ends $(fx_key over | cut -d' ' -f2-5)
	check "BPF run: the pipe of 16 full slots was filled in the kernel (no pidfd_getfd)" \
		no_ends $(fx_key full | cut -d' ' -f2-5)
	check "BPF run: the K pipe was filled in the kernel (no pidfd_getfd)" \
		no_ends $(ep_key stuff | cut -d' ' -f2-5)
	check "BPF run: the FIFO was filled in the kernel (no pidfd_getfd)" \
		no_ends $(ep_key fifo | cut -d' ' -f2-5)
else
	echo "# strace is missing or cannot trace: which fill went through a pidfd is not checked"
fi

# ---- the batch path reuses the loaded iterator ---------------------------------------------
set -- $(ep_key stuff)
KINO=$1
set -- $(fx_key big)
BIGINO=$1
batch_checks() {	# FILE LABEL
	check "$2: 3 snapshots" [ "$(jq -s length "$1" 2>/dev/null)" = 3 ]
	check "$2: fd_iter ok in each snapshot" \
		jqt -s 'length == 3 and all(.[]; .sources.fd_iter == {ok: true, error: null})' "$1"
	check "$2: the K pipe holds $K bytes in each snapshot" jqt -s --argjson i "$KINO" --argjson k "$K" \
		'length == 3 and all(.[]; [.pipes[] | select(.inode == $i) | [.queued_bytes, .capacity]]
		 == [[$k, 65536]])' "$1"
	check "$2: the 1 MiB pipe holds $BIG bytes in each snapshot" jqt -s --argjson i "$BIGINO" \
		--argjson k "$BIG" 'length == 3 and all(.[]; [.pipes[] | select(.inode == $i)
		 | [.queued_bytes, .capacity]] == [[$k, 1048576]])' "$1"
}
"$IPCTOP" --batch -n 3 -d 0 --json --pid "$PIDS" >"$TMP/batch.json" 2>"$TMP/batch.err"
check "ipctop --batch -n 3 -d 0 --json exits 0" [ $? -eq 0 ]
batch_checks "$TMP/batch.json" "batch"
if [ -n "$STRACE" ]; then
	bpf_count() { grep -c "bpf($1," "$2"; }
	strace -f -qq -e trace=bpf -o "$TMP/once.st" "$IPCTOP" --once --json --pid "$PIDS" >/dev/null 2>&1
	strace -f -qq -e trace=bpf -o "$TMP/batch.st" \
		"$IPCTOP" --batch -n 3 -d 0 --json --pid "$PIDS" >"$TMP/batch2.json" 2>/dev/null
	batch_checks "$TMP/batch2.json" "batch under strace"
	once_links=$(bpf_count BPF_LINK_CREATE "$TMP/once.st")
	once_passes=$(bpf_count BPF_ITER_CREATE "$TMP/once.st")
	check "batch: the iterators are attached once, as in one --once run ($once_links BPF_LINK_CREATE)" \
		test "$once_links" -gt 0 -a "$(bpf_count BPF_LINK_CREATE "$TMP/batch.st")" = "$once_links"
	check "batch: loaded once, as many BPF_PROG_LOAD as one --once run ($(bpf_count BPF_PROG_LOAD "$TMP/once.st"))" \
		[ "$(bpf_count BPF_PROG_LOAD "$TMP/batch.st")" = "$(bpf_count BPF_PROG_LOAD "$TMP/once.st")" ]
	check "batch: one pass per snapshot (3 x the $once_passes BPF_ITER_CREATE of one --once run)" \
		test "$once_passes" -gt 0 -a "$(bpf_count BPF_ITER_CREATE "$TMP/batch.st")" = "$((3 * once_passes))"
fi

# ---- another pid namespace: the iterator's pids are not its /proc's --------------------------
if command -v unshare >/dev/null 2>&1 && unshare -p -f -m --mount-proc true 2>/dev/null; then
	unshare -p -f -m --mount-proc "$IPCTOP" --once --json >"$TMP/ns.json" 2>"$TMP/ns.err"
	check "in a new pid namespace: fd_iter off, saying why (another pid namespace)" \
		jqt '.sources.fd_iter.ok == false and (.sources.fd_iter.error | test("pid namespace"))' \
		"$TMP/ns.json"
	check "in a new pid namespace: the descriptor probe still ran through /proc" \
		jqt '.sources.fds.ok' "$TMP/ns.json"
else
	echo "# unshare -p cannot run here: the pid namespace guard is not checked"
fi

# ---- looking disturbed nothing ---------------------------------------------------------------
check "the FIFO writer is still blocked after every look" still_blocked "$BLOCKED"

# ---- stop: end-of-file on their stdin; they reap everything ----------------------------------
exec 7>&- 8>&-
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" = Z ]; }
both_gone() { gone "$EP_PID" && gone "$FX_PID"; }
check "the fixtures stop on end-of-file" wait_for 10 both_gone
wait "$EP_PID"
rc1=$?
wait "$FX_PID"
rc2=$?
EP_PID=""
FX_PID=""
check "live_endpoints exits 0 (no child ended early)" [ "$rc1" -eq 0 ]
check "fd_iter_fixture exits 0 (no child ended early)" [ "$rc2" -eq 0 ]
left=""
for p in $(echo "$PIDS" | tr , ' '); do
	kill -0 "$p" 2>/dev/null && left="$left $p"
done
check "no fixture process is left${left:+ (left:$left)}" [ -z "$left" ]

# ---- a FIFO on overlayfs, the lower layer on another file system ------------------------------
# Absolute paths: nsenter -m starts ipctop at the namespace's root directory.
abspath() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
OVL=$TMP/ovl
OVL_FIFO=$OVL/merged/fifo
OVL_BYTES=200000
ovl_key() { sed -n "s/^$1=//p" "$TMP/ovl.out"; }
ovl_unmounted() { ! grep -q " $OVL/" /proc/self/mountinfo; }
# Mounts a tmpfs as the lower layer, a FIFO in it, the overlay on upper/work under $OVL, then
# becomes the fixture; 77 when a mount is refused (no overlayfs, no tmpfs).
ovl_script='d=$1; shift
mount -t tmpfs -o size=4m,mode=0755 ipctop-test-lower "$d/lower" || exit 77
mkfifo "$d/lower/fifo" || exit 1
mount -t overlay ipctop-test-ovl \
	-o "lowerdir=$d/lower,upperdir=$d/upper,workdir=$d/work" "$d/merged" || exit 77
exec "$@"'
ovl_skip=""
if ! command -v unshare >/dev/null 2>&1 || ! unshare -m --propagation private true 2>/dev/null; then
	ovl_skip="unshare -m cannot run here"
elif ! command -v nsenter >/dev/null 2>&1; then
	ovl_skip="nsenter is missing (util-linux)"
elif ! grep -qw overlay /proc/filesystems && ! modprobe -q overlay 2>/dev/null; then
	ovl_skip="no overlayfs in this kernel"
fi
if [ -z "$ovl_skip" ]; then
	mkdir "$OVL" "$OVL/lower" "$OVL/upper" "$OVL/work" "$OVL/merged"
	mkfifo "$TMP/ovl.in"
	unshare -m --propagation private sh -c "$ovl_script" sh "$OVL" \
		"$(abspath "$FX")" -f "$OVL_FIFO" -b "$OVL_BYTES" \
		<"$TMP/ovl.in" >"$TMP/ovl.out" 2>"$TMP/ovl.err" &
	OVL_PID=$!
	exec 9>"$TMP/ovl.in"
	ovl_started() { grep -qx ready "$TMP/ovl.out" || ! kill -0 "$OVL_PID" 2>/dev/null; }
	wait_for 20 ovl_started
	if ! grep -qx ready "$TMP/ovl.out"; then
		exec 9>&-
		kill -TERM "$OVL_PID" 2>/dev/null
		wait "$OVL_PID"
		rc=$?
		OVL_PID=""
		if [ "$rc" -eq 77 ]; then
			ovl_skip="mounting the tmpfs or the overlay was refused: $(tr '\n' ' ' <"$TMP/ovl.err")"
		else
			fail "overlay fixture starts" "exit $rc: $(cat "$TMP/ovl.err")"
		fi
	fi
fi
if [ -n "$ovl_skip" ]; then
	skip "the FIFO on overlayfs" "$ovl_skip"
elif [ -n "$OVL_PID" ]; then
	ok "overlay fixture starts (FIFO $OVL_FIFO in its own mount namespace)"
	check "nothing is mounted in the test's own mount namespace" ovl_unmounted
	OVL_NS=$(readlink "/proc/$OVL_PID/ns/mnt")
	OVL_PIDS=$(ovl_key pids)
	# fifo=INODE MAJ:MIN RW_PID RW_FD RO_PID RO_FD QUEUED CAPACITY (the device as stat(2) says)
	set -- $(ovl_key fifo)
	OVL_INO=$1 OVL_DEV=$2 RW_PID=$3 RW_FD=$4 RO_PID=$5 RO_FD=$6
	check "overlay fixture: $OVL_BYTES bytes queued of 1048576" [ "$7 $8" = "$OVL_BYTES 1048576" ]
	# the case this guards: stat(2)'s device is not the overlay superblock's (what BPF reads)
	SB_DEV=$(awk -v mp="$OVL/merged" '$5 == mp { print $3 }' "/proc/$OVL_PID/mountinfo")
	echo "# the FIFO's st_dev is $OVL_DEV, the overlay superblock's $SB_DEV"
	[ "$OVL_DEV" != "$SB_DEV" ] ||
		echo "# (equal here: this kernel cannot show the device mismatch this part guards)"
	OVL_IPCTOP=$(abspath "$IPCTOP")
	in_ovl() { nsenter -t "$OVL_PID" -m "$@" 9>&-; }
	in_ovl "$OVL_IPCTOP" --once --json --pid "$OVL_PIDS" >"$TMP/ovl-bpf.json" 2>"$TMP/ovl-bpf.err"
	check "overlay: ipctop --once --json exits 0 with the iterator" [ $? -eq 0 ]
	IPCTOP_NO_BPF=1 in_ovl "$OVL_IPCTOP" --once --json --pid "$OVL_PIDS" \
		>"$TMP/ovl-proc.json" 2>"$TMP/ovl-proc.err"
	check "overlay: ipctop --once --json exits 0 with IPCTOP_NO_BPF=1" [ $? -eq 0 ]
	check "overlay: the iterator was used, and not with IPCTOP_NO_BPF=1" \
		jqt -n --slurpfile b "$TMP/ovl-bpf.json" --slurpfile p "$TMP/ovl-proc.json" \
		'$b[0].sources.fd_iter.ok == true and $p[0].sources.fd_iter.ok == false'
	for run in bpf proc; do
		f=$TMP/ovl-$run.json
		if jq -e --argjson i "$OVL_INO" --arg path "$OVL_FIFO" --argjson rw "$RW_PID" \
			--argjson rwfd "$RW_FD" --argjson ro "$RO_PID" --argjson rofd "$RO_FD" \
			--argjson q "$OVL_BYTES" '[.pipes[] | select(.kind == "fifo" and .inode == $i)
			  | {path, deleted, readers, writers, queued_bytes, capacity, error}]
			 == [{path: $path, deleted: false,
			      readers: [{pid: $rw, fd: $rwfd}, {pid: $ro, fd: $rofd}],
			      writers: [{pid: $rw, fd: $rwfd}],
			      queued_bytes: $q, capacity: 1048576, error: null}]' "$f" >/dev/null 2>&1
		then
			ok "overlay $run: one record for FIFO $OVL_FIFO, both holders, $OVL_BYTES of 1048576 bytes"
		else
			fail "overlay $run: one record for FIFO $OVL_FIFO, both holders, $OVL_BYTES of 1048576 bytes" \
				"got $(jq -c --argjson i "$OVL_INO" '[.pipes[] | select(.inode == $i)]' "$f")"
		fi
		check "overlay $run: no error names the FIFO's holders" \
			jqt --argjson rw "$RW_PID" --argjson ro "$RO_PID" \
			'all(.errors[]; .where | test("pid (\($rw)|\($ro)) ") | not)' "$f"
	done
	ovl_pipes() {
		jq -S --argjson pids "[$OVL_PIDS]" '[.pipes[]
		  | select(any((.readers + .writers)[]; .pid | IN($pids[])))] | sort_by(.id)' "$1"
	}
	ovl_pipes "$TMP/ovl-bpf.json" >"$TMP/ovl-bpf.view"
	ovl_pipes "$TMP/ovl-proc.json" >"$TMP/ovl-proc.view"
	if cmp -s "$TMP/ovl-bpf.view" "$TMP/ovl-proc.view"; then
		ok "overlay: the pipes of the fixture's processes equal with and without BPF"
	else
		fail "overlay: the pipes of the fixture's processes equal with and without BPF" \
			"$(diff "$TMP/ovl-proc.view" "$TMP/ovl-bpf.view" | head -30)"
	fi
	if [ -n "$STRACE" ]; then
		in_ovl strace -f -qq -e trace=pidfd_open,pidfd_getfd -o "$TMP/ovl-getfd.st" \
			"$OVL_IPCTOP" --once --json --pid "$OVL_PIDS" >"$TMP/ovl-st.json" 2>/dev/null
		getfds "$TMP/ovl-getfd.st" >"$TMP/getfd.txt"
		check "overlay BPF run: the FIFO was filled through pidfd_getfd (the path that failed)" \
			ends "$RW_PID" "$RW_FD" "$RO_PID" "$RO_FD"
		check "overlay BPF run under strace: $OVL_BYTES bytes" \
			jqt --argjson i "$OVL_INO" --argjson q "$OVL_BYTES" \
			'.sources.fd_iter.ok and [.pipes[] | select(.inode == $i) | .queued_bytes] == [$q]' \
			"$TMP/ovl-st.json"
	fi
	exec 9>&-
	ovl_gone() { gone "$OVL_PID"; }
	check "overlay fixture stops on end-of-file" wait_for 10 ovl_gone
	wait "$OVL_PID"
	check "overlay fixture exits 0 (no child ended early)" [ $? -eq 0 ]
	OVL_PID=""
	left=""
	for p in $(echo "$OVL_PIDS" | tr , ' '); do
		kill -0 "$p" 2>/dev/null && left="$left $p"
	done
	check "no overlay fixture process is left${left:+ (left:$left)}" [ -z "$left" ]
	# its mount namespace (and so the tmpfs and the overlay) is gone with its last process
	ns_unused() {
		for l in /proc/[0-9]*/ns/mnt; do
			[ "$(readlink "$l" 2>/dev/null)" = "$OVL_NS" ] && return 1
		done
		return 0
	}
	check "the overlay's mount namespace is gone, and its mounts with it" wait_for 10 ns_unused
	check "nothing was mounted in the test's own mount namespace" ovl_unmounted
fi

# ---- the maps iterator: IPC mappings, with and without BPF -----------------------------------
# fd_iter_fixture -m: its objects are named after $MPFX (removed here too if it cannot), its
# segments' ids are printed as "shmid=ID" as soon as they exist.
MPFX=ipctop-fditer-$$
MX_PID=""
mx_key() { sed -n "s/^$1=//p" "$TMP/mx.out"; }
mx_leftovers() {	# removes what a fixture killed before its cleanup left
	rm -f "/dev/shm/$MPFX-"* "/dev/shm/sem.$MPFX-"* 2>/dev/null
	for id in $(sed -n 's/^shmid=//p' "$TMP/mx.out" 2>/dev/null); do
		ipcrm -m "$id" 2>/dev/null
	done
}
on_exit 'if [ -n "$MX_PID" ]; then exec 6>&- 2>/dev/null; kill -TERM "$MX_PID" 2>/dev/null; wait "$MX_PID" 2>/dev/null; mx_leftovers; fi'
mkfifo "$TMP/mx.in"
"$FX" -m "$MPFX" <"$TMP/mx.in" >"$TMP/mx.out" 2>"$TMP/mx.err" &
MX_PID=$!
exec 6>"$TMP/mx.in"
mx_started() { grep -qx ready "$TMP/mx.out" || ! kill -0 "$MX_PID" 2>/dev/null; }
wait_for 20 mx_started
if ! grep -qx ready "$TMP/mx.out"; then
	fail "maps fixture starts" "$(cat "$TMP/mx.err")"
	finish
fi
ok "maps fixture starts (fd_iter_fixture -m $MPFX)"
MX_PIDS=$(mx_key pids)
set -- $(mx_key shm_rorw); SHM_RORW=$1 SHM_RW=$2 SHM_RO=$3
set -- $(mx_key shm_rmid); SHM_RMID=$1 RMID_A=$2 RMID_B=$3
set -- $(mx_key pshm_rorw); PSHM_RORW=$1 PSHM_RORW_INO=$2 PSHM_RO=$3 PSHM_RW=$4 PSHM_PRIV=$5
set -- $(mx_key pshm_priv); PSHM_ONLYPRIV=$1 PSHM_ONLYPRIV_INO=$2
set -- $(mx_key pshm_gone); PSHM_GONE=$1 PSHM_GONE_OLD_INO=$2 PSHM_GONE_INO=$3 PSHM_OLD=$4 PSHM_NEW=$5
set -- $(mx_key psem); PSEM=$1 PSEM_INO=$2 SEM_A=$3 SEM_B=$4 SEM_VALUE=$5
mx_made() {
	[ -n "$PSEM_INO" ] && [ "$SEM_VALUE" = 3 ] && [ "$PSHM_GONE_OLD_INO" != "$PSHM_GONE_INO" ] &&
		[ "$(echo "$MX_PIDS" | tr , '\n' | wc -l)" = 12 ]
}
check "the maps fixture made what it says (a new inode under the unlinked name, 11 mappers)" mx_made

ls /proc | grep -x '[0-9]*' | sort >"$TMP/mx-before.pids"
"$IPCTOP" --once --json >"$TMP/mx-bpf.json" 2>"$TMP/mx-bpf.err"
check "maps: ipctop --once --json exits 0 with the iterator" [ $? -eq 0 ]
IPCTOP_NO_BPF=1 "$IPCTOP" --once --json >"$TMP/mx-proc.json" 2>"$TMP/mx-proc.err"
check "maps: ipctop --once --json exits 0 with IPCTOP_NO_BPF=1" [ $? -eq 0 ]
check "maps: the iterator was used, and not with IPCTOP_NO_BPF=1" \
	jqt -n --slurpfile b "$TMP/mx-bpf.json" --slurpfile p "$TMP/mx-proc.json" \
	'$b[0].sources.fd_iter.ok == true and $p[0].sources.fd_iter.ok == false and
	 $b[0].sources.proc_maps.ok and $p[0].sources.proc_maps.ok'
check "maps: the mappings came from the BPF mappings iterator (source maps_iter ok), not with IPCTOP_NO_BPF=1" \
	jqt -n --slurpfile b "$TMP/mx-bpf.json" --slurpfile p "$TMP/mx-proc.json" \
	'$b[0].sources.maps_iter == {ok: true, error: null} and $p[0].sources.maps_iter.ok == false and
	 ($p[0].sources.maps_iter.error | test("off.*IPCTOP_NO_BPF"))'
check "maps: with the iterator, no error reading or checking the mappings pass" \
	jqt 'all(.errors[]; .where != "bpf maps" and (.error | test("BPF") | not))' "$TMP/mx-bpf.json"

# the fixture's objects, their users sorted (the errors apart: see below)
mx_view() {
	jq -S --argjson rorw "$SHM_RORW" --argjson rmid "$SHM_RMID" \
		--arg a "$PSHM_RORW" --arg p "$PSHM_ONLYPRIV" --arg g "$PSHM_GONE" --arg sem "$PSEM" '
	  def srt: if . == null then null else sort end;
	  {shm: ([.shm_segments[] | select(.sysv_id == $rorw or .sysv_id == $rmid)
		  | {sysv_id, nattch, destroy_pending, attached_pids: (.attached_pids | srt)}]
		 | sort_by(.sysv_id)),
	   posix_shm: ([.posix_shm[] | select(.name == $a or .name == $p or .name == $g)
			| {name, inode, size, deleted: (.deleted // false),
			   mapped_pids: (.mapped_pids | srt)}] | sort_by(.name, .inode)),
	   posix_sems: ([.posix_sems[] | select(.name == $sem)
			 | {name, inode, value, mapped_pids: (.mapped_pids | srt)}])}' "$1"
}
mx_view "$TMP/mx-bpf.json" >"$TMP/mx-bpf.view"
mx_view "$TMP/mx-proc.json" >"$TMP/mx-proc.view"
if cmp -s "$TMP/mx-bpf.view" "$TMP/mx-proc.view"; then
	ok "maps: attached_pids and mapped_pids of the fixture's objects equal with and without BPF"
else
	fail "maps: attached_pids and mapped_pids of the fixture's objects equal with and without BPF" \
		"$(diff "$TMP/mx-proc.view" "$TMP/mx-bpf.view" | head -30)"
fi
# exact values, in both runs
mx_exact() {	# RUN NAME JQ-FILTER (on the view; must give true)
	if jq -e --argjson rorw "$SHM_RORW" --argjson rmid "$SHM_RMID" \
		--argjson rw "$SHM_RW" --argjson ro "$SHM_RO" --argjson da "$RMID_A" --argjson db "$RMID_B" \
		--arg a "$PSHM_RORW" --argjson ai "$PSHM_RORW_INO" --argjson pro "$PSHM_RO" \
		--argjson prw "$PSHM_RW" --argjson priv "$PSHM_PRIV" \
		--arg p "$PSHM_ONLYPRIV" --argjson pi "$PSHM_ONLYPRIV_INO" \
		--arg g "$PSHM_GONE" --argjson gi "$PSHM_GONE_INO" --argjson gnew "$PSHM_NEW" \
		--arg sem "$PSEM" --argjson si "$PSEM_INO" --argjson sa "$SEM_A" --argjson sb "$SEM_B" \
		--argjson sv "$SEM_VALUE" "$3" "$TMP/mx-$1.view" >/dev/null 2>&1
	then ok "$1: $2"; else fail "$1: $2" "got $(jq -c . "$TMP/mx-$1.view")"; fi
}
for run in bpf proc; do
	mx_exact $run "segment $SHM_RORW: attached by $SHM_RW (twice, rw) and $SHM_RO (SHM_RDONLY), nattch 3" \
		'[.shm[] | select(.sysv_id == $rorw)] == [{sysv_id: $rorw, nattch: 3,
		  destroy_pending: false, attached_pids: ([$rw, $ro] | sort)}]'
	mx_exact $run "segment $SHM_RMID: IPC_RMID pending, still attached by $RMID_A and $RMID_B" \
		'[.shm[] | select(.sysv_id == $rmid)] == [{sysv_id: $rmid, nattch: 2,
		  destroy_pending: true, attached_pids: ([$da, $db] | sort)}]'
	mx_exact $run "$PSHM_RORW: mapped by $PSHM_RO (read-only) and $PSHM_RW (read-write), not by $PSHM_PRIV (MAP_PRIVATE)" \
		'[.posix_shm[] | select(.name == $a)] == [{name: $a, inode: $ai, size: 4096, deleted: false,
		  mapped_pids: ([$pro, $prw] | sort)}] and all(.posix_shm[].mapped_pids[]; . != $priv)'
	mx_exact $run "$PSHM_ONLYPRIV: mapped MAP_PRIVATE only: no mapper" \
		'[.posix_shm[] | select(.name == $p)] == [{name: $p, inode: $pi, size: 4096, deleted: false, mapped_pids: []}]'
	mx_exact $run "$PSHM_GONE: the new object's mapper $PSHM_NEW only (the unlinked one's is not)" \
		'[.posix_shm[] | select(.name == $g and (.deleted | not))] == [{name: $g, inode: $gi, size: 4096, deleted: false, mapped_pids: [$gnew]}]'
	mx_exact $run "$PSHM_GONE: the unlinked one listed apart, deleted, by its own inode and mapper" \
		'[.posix_shm[] | select(.name == $g and .deleted)] | length == 1 and .[0].inode != $gi
		  and .[0].size == null and (.[0].mapped_pids | length == 1 and .[0] != $gnew)'
	mx_exact $run "semaphore $PSEM: value $SEM_VALUE, mapped by its creator $SEM_A (temporary name) and $SEM_B" \
		'.posix_sems == [{name: $sem, inode: $si, value: $sv, mapped_pids: ([$sa, $sb] | sort)}]'
	check "$run: no error (malformed, unreadable) about the fixture's processes' maps" \
		jqt --argjson pids "[$MX_PIDS]" \
		'[.errors[] | .where | capture("^pid (?<p>[0-9]+) maps$")? | .p | tonumber
		  | select(IN($pids[]))] == []' "$TMP/mx-$run.json"
	# no error on the segments but the known one: with unreadable maps somewhere, nattch 3 of
	# 2 processes may be short (the other has nattch 2 of 2: never)
	check "$run: the fixture's segments have no error, or only 'maps ... unreadable' for $SHM_RORW" \
		jqt --argjson a "$SHM_RORW" --argjson b "$SHM_RMID" \
		'[.shm_segments[] | select(.sysv_id == $a or .sysv_id == $b)] | sort_by(.sysv_id)
		 | (.[0].error == null or (.[0].error | test("unreadable"))) and .[1].error == null
		   and length == 2' "$TMP/mx-$run.json"
done
# A process whose maps /proc refuses (pid 1 in a sandbox: ptrace rules) is refused with BPF
# too: ipctop shows what /proc would (probes/fd_iter.h, fd_iter_proc_refuses), so both runs
# name the same unreadable processes, in every run.
refused_pids() {
	jq -r '.errors[] | select(.where | test("^pid [0-9]+ (maps|fd)$"))
	       | select(.error | test("EACCES|EPERM")) | .where' "$1" | sort
}
refused_pids "$TMP/mx-proc.json" >"$TMP/mx-refused-proc"
awk '{ print $2 }' "$TMP/mx-refused-proc" | sort -u >"$TMP/mx-refused"
comm -12 "$TMP/mx-refused" "$TMP/mx-before.pids" >"$TMP/mx-refused-old"
if [ -s "$TMP/mx-refused-old" ]; then
	refused_in_both=0
	for i in 1 2 3 4 5 6 7 8; do
		"$IPCTOP" --once --json >"$TMP/mx-bpf-$i.json" 2>/dev/null
		refused_pids "$TMP/mx-bpf-$i.json" | awk '{ print $2 }' | sort -u |
			comm -12 - "$TMP/mx-refused-old" | cmp -s - "$TMP/mx-refused-old" &&
			refused_in_both=$((refused_in_both + 1))
	done
	check "8 BPF runs: the processes /proc refuses ($(paste -sd' ' "$TMP/mx-refused-old")) are refused in each ($refused_in_both of 8)" \
		[ "$refused_in_both" = 8 ]
else
	echo "# /proc refuses no process here: nothing to compare"
fi
check "IPCTOP_NO_BPF=1: the only errors naming the fixture's objects are unreadable maps" \
	jqt --arg pfx "$MPFX" \
	'all(.errors[] | select(.where | test($pfx)); .error | test("unreadable"))' "$TMP/mx-proc.json"

if [ -n "$STRACE" ]; then
	# "PID" of every PID/maps file opened (openat on the /proc descriptor, or a full path)
	maps_opened() { sed -n 's/.*open[a-z]*([^"]*"\(\/proc\/\)\{0,1\}\([0-9]*\)\/maps".*/\2/p' "$1" | sort -u; }
	strace -f -qq -e trace=open,openat -o "$TMP/mx-bpf.st" "$IPCTOP" --once --json >"$TMP/mx-bpf-st.json" 2>/dev/null
	IPCTOP_NO_BPF=1 strace -f -qq -e trace=open,openat -o "$TMP/mx-proc.st" \
		"$IPCTOP" --once --json >/dev/null 2>&1
	maps_opened "$TMP/mx-bpf.st" >"$TMP/mx-bpf.opened"
	maps_opened "$TMP/mx-proc.st" >"$TMP/mx-proc.opened"
	echo "$MX_PIDS" | tr , '\n' | sort >"$TMP/mx.pids"
	check "BPF run: no /proc/<pid>/maps of the fixture's processes is opened" \
		[ -z "$(comm -12 "$TMP/mx.pids" "$TMP/mx-bpf.opened")" ]
	check "IPCTOP_NO_BPF=1 run: every fixture process's /proc/<pid>/maps is opened" \
		[ -z "$(comm -23 "$TMP/mx.pids" "$TMP/mx-proc.opened")" ]
	mx_view "$TMP/mx-bpf-st.json" >"$TMP/mx-bpf-st.view"
	check "BPF run under strace: the same view" cmp -s "$TMP/mx-bpf-st.view" "$TMP/mx-bpf.view"
fi

# a batch: the pass's memory is given back and read again in each snapshot
"$IPCTOP" --batch -n 3 -d 0 --json >"$TMP/mx-batch.json" 2>/dev/null
check "maps batch: 3 snapshots, fd_iter ok in each" \
	jqt -s 'length == 3 and all(.[]; .sources.fd_iter.ok)' "$TMP/mx-batch.json"
jq -c . "$TMP/mx-batch.json" | {
	i=0 same=0
	while IFS= read -r snap; do
		i=$((i + 1))
		printf '%s\n' "$snap" >"$TMP/mx-snap.json"
		mx_view "$TMP/mx-snap.json" | cmp -s - "$TMP/mx-proc.view" && same=$((same + 1))
	done
	echo "$same" >"$TMP/mx-batch.same"
}
check "maps batch: each snapshot gives the same users of the fixture's objects" \
	[ "$(cat "$TMP/mx-batch.same")" = 3 ]

# ---- stop with SIGINT: processes reaped, every object removed --------------------------------
kill -INT "$MX_PID"
mx_gone() { gone "$MX_PID"; }
check "maps fixture stops on SIGINT" wait_for 10 mx_gone
wait "$MX_PID"
check "maps fixture exits 0 (no child ended early)" [ $? -eq 0 ]
MX_PID=""
exec 6>&-
left=""
for p in $(echo "$MX_PIDS" | tr , ' '); do
	kill -0 "$p" 2>/dev/null && left="$left $p"
done
check "no maps fixture process is left${left:+ (left:$left)}" [ -z "$left" ]
shm_left() { awk -v a="$SHM_RORW" -v b="$SHM_RMID" '$2 == a || $2 == b { f = 1 } END { exit !f }' /proc/sysvipc/shm; }
no_shm_left() { ! shm_left; }
check "both segments are gone ($SHM_RORW, $SHM_RMID)" wait_for 10 no_shm_left
check "no /dev/shm object of the fixture is left" \
	[ -z "$(ls /dev/shm | grep -e "^$MPFX-" -e "^sem.$MPFX-")" ]
finish
