#!/bin/sh
# tests/integration/hostile_posix.sh - an unprivileged user shapes the POSIX objects that
# root's ipctop reads (issue 11): /dev/shm and /dev/mqueue are writable by everyone.
#
# Runs in a private mount namespace (unshare -m) with a private tmpfs (mode 1777) on /dev/shm,
# so the attacker's files are the only ones there and nothing leaks onto the machine; the
# attacker is uid/gid 65534 (setpriv), running tests/integration/name_swapper. Root runs
# ipctop --batch -n N -d 0 under strace, which delays the return of every stat of the
# attacker's file by 20 ms (-P PATH -P NAME -e inject=newfstatat:delay_exit=...): the window between
# a check and the use that follows, a few microseconds wide, becomes wide enough that the
# attacker's next step lands in it about every other snapshot, deterministically enough
# (the old code failed every run; a miss in all N snapshots has odds below 2^-N).
#   SIGBUS     sem.trunc is shrunk to 0 bytes and grown back to 32, over and over (the old
#              code mapped the file and read the mapping: a truncation between its fstat and
#              its read raised SIGBUS and killed ipctop). Checked: exit 0, N snapshots, the
#              semaphore listed in each.
#   symlink    sem.swap is in turn a regular file ("AAAA...") and a symlink to a root-only file
#              starting "SECR" (the old code checked the name without following it, then opened
#              it following the link, and showed the secret's first bytes as the value,
#              1380140371). Checked: the value is never 1380140371, and some snapshots say
#              "changed during scan" (a swap was met and refused: the test did look).
#   mqueue     the same swap of a queue's file. This machine has no /dev/mqueue (and the
#              mqueue file system takes no symlinks), so it runs on a --sysroot tree whose
#              dev/mqueue is a directory everyone can write, as a container's can be: the
#              secret starts "QSIZE:777777"; checked: bytes is never 777777, and some
#              snapshots say "changed during scan".
# Needs root, unshare, setpriv and strace; skips (77) otherwise.

if [ "$(id -u)" -ne 0 ]; then
	echo "not root: the attack is on root's ipctop"
	exit 77
fi
for tool in unshare setpriv jq strace; do
	command -v "$tool" >/dev/null 2>&1 || { echo "$tool is missing (util-linux, jq, strace)"; exit 77; }
done
if [ "${IPCTOP_HOSTILE_POSIX_NS:-}" != 1 ]; then
	IPCTOP_HOSTILE_POSIX_NS=1 exec unshare -m --propagation private /bin/sh "$0" "$@"
	echo "unshare -m failed"
	exit 77
fi

. "${top_srcdir:-.}/tests/integration/lib.sh"

N=${HOSTILE_POSIX_SNAPSHOTS:-40}
SWAPPER_BIN=${top_builddir:-.}/tests/integration/name_swapper
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

mount -t tmpfs -o mode=1777,size=1m ipctop-hostile /dev/shm || { echo "cannot mount a private /dev/shm"; exit 77; }

TMP=$(mktemp -d)
on_exit "rm -rf '$TMP'"
chmod 755 "$TMP"
cp "$SWAPPER_BIN" "$TMP/name_swapper"
chmod 755 "$TMP/name_swapper"
printf 'SECRET-ROOT-ONLY-SECRET-ROOT-ONLY\n' >"$TMP/secret"
printf 'QSIZE:777777     NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n' >"$TMP/secret-mq"
chmod 600 "$TMP/secret" "$TMP/secret-mq"

PIDS=""
on_exit 'for p in $PIDS; do kill -TERM $p 2>/dev/null; wait $p 2>/dev/null; done'
# start_swapper NAME ARGS...: runs name_swapper as nobody, waits for "ready"
start_swapper() {
	name=$1; shift
	as_nobody "$TMP/name_swapper" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	PIDS="$PIDS $!"
	if wait_for 10 grep -q '^ready' "$TMP/$name.out"; then
		ok "$name: the attacker (uid 65534) is at work"
	else
		fail "$name: the attacker starts" "$(cat "$TMP/$name.err")"
		finish
	fi
}
# slowed PATH ARGS...: ipctop ARGS with every stat of PATH returning 20 ms late (PATH by its
# full name or through a descriptor, and its base name: ipctop's stat relative to the
# directory's descriptor). LeakSanitizer cannot work under ptrace: off for these runs.
slowed() {
	path=$1; shift
	(cd / && env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f --seccomp-bpf -o /dev/null -e trace=newfstatat \
		-e inject=newfstatat:delay_exit=20000 -P "$path" -P "${path##*/}" "$IPCTOP" "$@")
}
# snapshots PATH JQ NAME [IPCTOP ARGS...]: N snapshots of the slowed ipctop, each turned by JQ
# into lines of $TMP/NAME.values at once (a machine with many processes makes big snapshots),
# ipctop's exit status in $TMP/NAME.rc
snapshots() {
	spath=$1 filter=$2 out=$3
	shift 3
	{ slowed "$spath" "$@" --batch -n "$N" -d 0 --json 2>"$TMP/$out.err"; echo $? >"$TMP/$out.rc"; } |
		jq -r "$filter" >"$TMP/$out.values" 2>/dev/null
}
stop_swappers() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	PIDS=""
}

# ---- SIGBUS: a semaphore file shrinking under the reader ----
start_swapper truncate truncate /dev/shm/sem.trunc 32
snapshots /dev/shm/sem.trunc '[.posix_sems[] | select(.name == "trunc")] | length' trunc
rc=$(cat "$TMP/trunc.rc")
check "SIGBUS: --batch -n $N survives a semaphore file truncated meanwhile (exit $rc)" [ "$rc" -eq 0 ]
lines=$(wc -l <"$TMP/trunc.values")
check "SIGBUS: $N snapshots written (got $lines)" [ "$lines" -eq "$N" ]
seen=$(grep -c '^1$' "$TMP/trunc.values")
check "SIGBUS: the semaphore is listed ($seen of $N snapshots)" [ "$seen" -eq "$N" ]
stop_swappers

# (lib.sh's check sets $name: this uses $sc)
# swap_case NAME PATH SECRET REGULAR JQ LEAK [IPCTOP ARGS...]: the name PATH is in turn a regular
# file holding REGULAR and a symlink to SECRET while root's ipctop (slowed at PATH) takes N
# snapshots; JQ turns a snapshot into "VALUE ERROR" lines of the object; VALUE must never be
# LEAK (the secret read), and some ERROR must be "changed during scan" (a swap met, refused).
swap_case() {
	sc=$1 path=$2 secret=$3 regular=$4 filter=$5 leak=$6
	shift 6
	start_swapper "$sc" symlink "$path" "$secret" "$regular"
	snapshots "$path" "$filter" "$sc" "$@"
	rc=$(cat "$TMP/$sc.rc")
	check "$sc: --batch exits 0 (exit $rc)" [ "$rc" -eq 0 ]
	leaks=$(grep -c "^$leak " "$TMP/$sc.values")
	refused=$(grep -c ' changed during scan' "$TMP/$sc.values")
	check "$sc: the root-only file is never shown ($leaks of $N snapshots did)" [ "$leaks" -eq 0 ]
	check "$sc: a swap met is refused as 'changed during scan' ($refused of $N)" [ "$refused" -gt 0 ]
	stop_swappers
}

# ---- a semaphore's name swapped for a symlink to a root-only file ----
swap_case symlink /dev/shm/sem.swap "$TMP/secret" AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
	'.posix_sems[] | select(.name == "swap") | "\(.value) \(.error)"' 1380140371

# ---- a queue's name swapped for a symlink, in a tree everyone can write ----
mkdir -p "$TMP/root/proc" "$TMP/root/dev/mqueue"
chmod 1777 "$TMP/root/dev/mqueue"
swap_case mqueue "$TMP/root/dev/mqueue/swapq" "$TMP/secret-mq" \
	'QSIZE:5          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     ' \
	'.posix_mqueues[] | select(.name == "swapq") | "\(.bytes) \(.error)"' 777777 \
	--sysroot "$TMP/root"

check "nothing left in the private /dev/shm" [ -z "$(ls -A /dev/shm)" ]
finish
