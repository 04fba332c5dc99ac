#!/bin/sh
# tests/integration/demo_cleanup_attacks.sh - `ipctop demo cleanup` as root beside a hostile
# (or just unlucky) user, each attack as it happened (issue 11):
#
# 1. PID reuse: root's posix-shm demo is killed with SIGKILL and its names vanish; the pid of
#    its conductor is then handed (ns_last_pid, in a private pid namespace) to uid 65534's own
#    posix-shm demo, which makes the very same names "ipctop-demo-PID-*". Root's cleanup must
#    leave that user's live objects and processes alone (they are not the ones root's registry
#    wrote down: another inode and owner, another start time) and say so.
# 2. A shared IPCTOP_DEMO_DIR (mode 1777) with unrelated files in numeric folders: cleanup
#    refuses it with a clear message and deletes nothing.
# 3. A base of root's own holding a numeric folder that no demo wrote: left, and reported.
#
# Everything runs in `unshare --pid --fork --mount-proc --ipc --mount` with private tmpfs on
# /dev/shm and a private mqueue: no other test's or user's object is ever in reach.
. "${top_srcdir:-.}/tests/integration/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "needs root (a pid namespace, ns_last_pid, setpriv to uid 65534)"
	exit 77
fi
for t in unshare setpriv; do
	command -v "$t" >/dev/null 2>&1 || { echo "$t is missing (util-linux)"; exit 77; }
done
IPCTOP=$(realpath "$IPCTOP")

if [ "$1" != "--inside" ]; then
	if ! unshare --pid --fork --mount-proc --ipc --mount true 2>/dev/null; then
		echo "cannot make private pid/ipc/mount namespaces here"
		exit 77
	fi
	run_cleanups	# exec drops this shell's EXIT trap: its config directory goes now
	exec unshare --pid --fork --mount-proc --ipc --mount --propagation private \
		env IPCTOP="$IPCTOP" top_srcdir="${top_srcdir:-.}" sh "$0" --inside
fi

mount -t tmpfs -o mode=1777 none /dev/shm || { echo "cannot mount a private /dev/shm"; exit 77; }
mount -t mqueue none /dev/mqueue 2>/dev/null || true
DT=$(mktemp -d /tmp/ipctop-cleanup-attacks.XXXXXX)
chmod 711 "$DT"
on_exit 'rm -rf "$DT"'
ROOTREG=$DT/root
NOBODYREG=$DT/nobody
mkdir -m 700 "$ROOTREG" "$NOBODYREG"
chown 65534:65534 "$NOBODYREG"

# ---- 1. PID reuse ------------------------------------------------------------------------

names_of() { echo "/dev/shm/ipctop-demo-$1-board /dev/shm/sem.ipctop-demo-$1-ready /dev/shm/sem.ipctop-demo-$1-free"; }
all_exist() { for f in $(names_of "$1"); do [ -f "$f" ] || return 1; done; }
none_exist() { for f in $(names_of "$1"); do [ ! -e "$f" ] || return 1; done; }
owned_by() { for f in $(names_of "$1"); do [ "$(stat -c %u "$f" 2>/dev/null)" = "$2" ] || return 1; done; }
demo_procs() { grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2>/dev/null | wc -l; }
gone() { [ ! -d "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
no_children_of() { [ "$(demo_procs "$1")" -eq 0 ]; }

IPCTOP_DEMO_DIR=$ROOTREG "$IPCTOP" demo run posix-shm --speed 4 >"$DT/root.out" 2>&1 </dev/null &
P=$!
on_exit "kill -KILL $P 2>/dev/null"
check "root's demo (pid $P) made its names" wait_for 15 all_exist "$P"
# the names go into the registry right after they were made
check "root's registry lists them" wait_for 5 sh -c "[ \$(grep -c '^posix ' '$ROOTREG/$P/registry') -ge 3 ]"
kill -KILL "$P"
wait "$P" 2>/dev/null
check "root's demo processes die with their conductor" wait_for 10 no_children_of "$P"
# the names vanish (an admin's `x`, say), the folder stays
rm -f $(names_of "$P")

# uid 65534 gets pid P (the next pid after ns_last_pid) for its own demo
echo $((P - 1)) >/proc/sys/kernel/ns_last_pid
setpriv --reuid=65534 --regid=65534 --clear-groups \
	env IPCTOP_DEMO_DIR="$NOBODYREG" "$IPCTOP" demo run posix-shm --speed 4 \
	>"$DT/nobody.out" 2>&1 </dev/null &
Q=$!
on_exit "kill -KILL $Q 2>/dev/null"
if [ "$Q" != "$P" ]; then
	fail "uid 65534's demo got pid $P again" "it got $Q (a fork between)"
else
	ok "uid 65534's demo got pid $P again"
	check "uid 65534's demo made the same names" wait_for 15 owned_by "$P" 65534
	kids=$(demo_procs "$P")
	IPCTOP_DEMO_DIR=$ROOTREG "$IPCTOP" demo cleanup >"$DT/cleanup1.out" 2>&1
	rc=$?
	sed "s/^/# /" "$DT/cleanup1.out"
	check "root's cleanup exits 0 ($(tail -n 1 "$DT/cleanup1.out"))" [ "$rc" -eq 0 ]
	check "uid 65534's live objects are still there" all_exist "$P"
	check "uid 65534's conductor was not killed" [ -d "/proc/$P" ]
	check "uid 65534's demo processes were not killed ($kids before)" [ "$(demo_procs "$P")" -eq "$kids" ]
	check "the cleanup says what it left and why" grep -q "^left psem:ipctop-demo-$P-ready: the name belongs to another object" "$DT/cleanup1.out"
	check "root's registry folder is gone" [ ! -e "$ROOTREG/$P" ]
	kill -TERM "$Q"
	wait "$Q" 2>/dev/null
	check "uid 65534's demo removed its own names when stopped" none_exist "$P"
fi

# ---- 2. a shared IPCTOP_DEMO_DIR ---------------------------------------------------------

SHARED=$DT/shared
mkdir -m 1777 "$SHARED"
mkdir -m 700 "$SHARED/99999999" "$SHARED/4"
echo "data" >"$SHARED/99999999/thesis.tex"
echo "data" >"$SHARED/4/results.csv"
IPCTOP_DEMO_DIR=$SHARED "$IPCTOP" demo cleanup >"$DT/cleanup2.out" 2>"$DT/cleanup2.err"
rc=$?
check "a shared IPCTOP_DEMO_DIR is refused (exit $rc)" [ "$rc" -eq 1 ]
check "with a clear message ($(cat "$DT/cleanup2.err"))" \
	grep -q "writable by others.*refusing" "$DT/cleanup2.err"
check "no file in its numeric folders was deleted" \
	[ -f "$SHARED/99999999/thesis.tex" ] && [ -f "$SHARED/4/results.csv" ]
ln -s "$ROOTREG" "$DT/link"
IPCTOP_DEMO_DIR=$DT/link "$IPCTOP" demo cleanup >/dev/null 2>"$DT/cleanup3.err"
check "a symlinked IPCTOP_DEMO_DIR is refused ($(cat "$DT/cleanup3.err"))" \
	grep -q "symbolic link" "$DT/cleanup3.err"
IPCTOP_DEMO_DIR=$SHARED "$IPCTOP" demo run pipe --seconds 1 >/dev/null 2>"$DT/run.err"
check "demo run refuses it too ($(head -n 1 "$DT/run.err"))" grep -q "writable by others" "$DT/run.err"

# ---- 3. a numeric folder no demo wrote, in a base of root's own ----------------------------

chmod 700 "$SHARED"
IPCTOP_DEMO_DIR=$SHARED "$IPCTOP" demo cleanup >"$DT/cleanup4.out" 2>&1
rc=$?
check "an own base with foreign folders: exit 0 ($(tail -n 1 "$DT/cleanup4.out"))" [ "$rc" -eq 0 ]
check "their files stay" [ -f "$SHARED/99999999/thesis.tex" ] && [ -f "$SHARED/4/results.csv" ]
check "the report says 0 removed, 2 left" grep -q "^demo cleanup: 0 removed, 2 left" "$DT/cleanup4.out"
check "and why" grep -q "^left $SHARED/99999999/: no registry" "$DT/cleanup4.out"

finish
