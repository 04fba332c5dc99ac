#!/bin/sh
# tests/integration/hostile_sysroot.sh - a --sysroot tree shaped by someone else (issue 11):
# every open under a sysroot resolves inside it, and nothing in it can make root's ipctop hang.
#
# The tree is a copy of tests/fixtures/sysv-basic, then:
#   escape     proc/13159/cmdline -> an absolute link to a root-only file outside the tree,
#              proc/13160/cmdline -> the same through "../../../..", proc/13162 -> a process
#              directory outside the tree (its cmdline "OUTSIDE-TREE"), dev/shm -> a directory
#              outside the tree holding sem.leak (the old code followed all of them: the secret
#              was printed as a command line, the outside process and semaphore were listed).
#              Checked, in --once --json and in the text tables: neither the secret nor
#              OUTSIDE-TREE appears, no semaphore "leak"; 13159 and 13160 are still listed,
#              with their cmdline's error EXDEV ("pid N cmdline"), and 13162 is an error.
#              Also proc/13161/cmdline -> itself: its error is named ELOOP (it was "E40").
#   FIFO swap  uid 65534 owns proc/13159 and turns its status into a FIFO and back, over and
#              over (tests/integration/name_swapper), while root runs --batch -n N -d 0 under
#              strace, which delays each stat of that file by 20 ms so the swap lands between
#              ipctop's check and its open about every other snapshot (the old code checked
#              the path, then opened it blocking: it hung on the FIFO for good). Run in a pid
#              namespace of its own (unshare -p --kill-child) under a timeout, so a hung
#              ipctop is killed with it. Checked: exit 0 well within the timeout, N snapshots,
#              13159 listed in each, and some with an error for its status (the FIFO was met
#              and refused, never opened).
# Needs root (setpriv, unshare -p) and strace; skips (77) otherwise.
. "${top_srcdir:-.}/tests/integration/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "not root: cannot switch to an unprivileged user"
	exit 77
fi
for tool in setpriv unshare strace jq timeout; do
	command -v "$tool" >/dev/null 2>&1 || { echo "$tool is missing (util-linux, strace, jq, coreutils)"; exit 77; }
done

N=${HOSTILE_SYSROOT_SNAPSHOTS:-30}
jqok() { jq -e "$@" >/dev/null 2>&1; }
FIXTURE=${top_srcdir:-.}/tests/fixtures/sysv-basic
SWAPPER_BIN=${top_builddir:-.}/tests/integration/name_swapper

TMP=$(mktemp -d)
on_exit "rm -rf '$TMP'"
chmod 755 "$TMP"
cp "$SWAPPER_BIN" "$TMP/name_swapper"
chmod 755 "$TMP/name_swapper"
printf 'TOPSECRET-of-root\0--and-more\0' >"$TMP/secret"
chmod 600 "$TMP/secret"

# ---- links out of the tree ----
T=$TMP/escape
cp -a "$FIXTURE" "$T"
rm "$T/proc/13159/cmdline" "$T/proc/13160/cmdline"
ln -s "$TMP/secret" "$T/proc/13159/cmdline"
ln -s "../../../../../../../../../../../..$TMP/secret" "$T/proc/13160/cmdline"
mkdir "$TMP/outside"
mv "$T/proc/13162" "$TMP/outside/13162"
printf 'OUTSIDE-TREE\0' >"$TMP/outside/13162/cmdline"
ln -s "$TMP/outside/13162" "$T/proc/13162"
rm "$T/proc/13161/cmdline"
ln -s cmdline "$T/proc/13161/cmdline"
mkdir -p "$TMP/hostshm" "$T/dev"
printf 'SECRET-ROOT-ONLY-SECRET-ROOT-ONLY' >"$TMP/hostshm/sem.leak"
ln -s "$TMP/hostshm" "$T/dev/shm"

"$IPCTOP" --sysroot "$T" --once --json >"$TMP/escape.json" 2>"$TMP/escape.err"
rc=$?
check "escape: --once --json exits 0 (exit $rc)" [ "$rc" -eq 0 ]
"$IPCTOP" --sysroot "$T" --once >"$TMP/escape.txt" 2>>"$TMP/escape.err"
rc=$?
check "escape: --once exits 0 (exit $rc)" [ "$rc" -eq 0 ]
if grep -q -a 'TOPSECRET' "$TMP/escape.json" "$TMP/escape.txt"; then
	fail "escape: the root-only file outside the tree is never shown" "$(grep -a TOPSECRET "$TMP/escape.json" "$TMP/escape.txt" | head -c 300)"
else
	ok "escape: the root-only file outside the tree is never shown"
fi
if grep -q -a 'OUTSIDE-TREE' "$TMP/escape.json" "$TMP/escape.txt"; then
	fail "escape: a process directory outside the tree is not read" "$(grep -a OUTSIDE-TREE "$TMP/escape.txt" | head -c 300)"
else
	ok "escape: a process directory outside the tree is not read"
fi
check "escape: dev/shm leading out of the tree is not listed" \
	jqok '[.posix_sems[] | select(.name == "leak")] | length == 0' "$TMP/escape.json"
for pid in 13159 13160; do
	check "escape: $pid is listed, its cmdline an error EXDEV" \
		jqok --argjson p "$pid" '([.processes[] | select(.pid == $p)] | length == 1) and
			([.errors[] | select(.where == "pid \($p) cmdline" and .error == "EXDEV")] | length == 1)' \
		"$TMP/escape.json"
done
check "escape: 13162 (outside) is an error, not a process" \
	jqok '([.processes[] | select(.pid == 13162)] | length == 0) and
		([.errors[] | select(.where == "pid 13162" and .error == "EXDEV")] | length == 1)' "$TMP/escape.json"
check "a link to itself: ELOOP by its name (was E40)" \
	jqok '[.errors[] | select(.where == "pid 13161 cmdline" and .error == "ELOOP")] | length == 1' "$TMP/escape.json"
check "escape: the other processes are read as before" \
	jqok '[.processes[] | select(.pid == 13158 or .pid == 13161 or .pid == 13163)] | length == 3' "$TMP/escape.json"

# ---- a file of the tree turned into a FIFO between check and open ----
T=$TMP/fifo
cp -a "$FIXTURE" "$T"
cp "$T/proc/13159/status" "$TMP/status.txt"
chown -R 65534:65534 "$T/proc/13159"
setpriv --reuid=65534 --regid=65534 --clear-groups "$TMP/name_swapper" fifo "$T/proc/13159/status" \
	"$(cat "$TMP/status.txt")" >"$TMP/swapper.out" 2>"$TMP/swapper.err" &
SWAPPER=$!
on_exit "kill -TERM $SWAPPER 2>/dev/null; wait $SWAPPER 2>/dev/null"
if wait_for 10 grep -q '^ready' "$TMP/swapper.out"; then
	ok "FIFO swap: the attacker (uid 65534) is at work"
else
	fail "FIFO swap: the attacker starts" "$(cat "$TMP/swapper.err")"
	finish
fi
start=$(date +%s)
# (LeakSanitizer cannot work under ptrace: off under strace; the escape runs above check leaks)
(cd / && timeout -s TERM 60 unshare -p -f --kill-child \
	env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	strace -f --seccomp-bpf -o /dev/null -e trace=newfstatat -e inject=newfstatat:delay_exit=20000 \
	-P "$T/proc/13159/status" -P status \
	"$IPCTOP" --sysroot "$T" --batch -n "$N" -d 0 --json) >"$TMP/fifo.json" 2>"$TMP/fifo.err"
rc=$?
took=$(( $(date +%s) - start ))
kill -TERM "$SWAPPER" 2>/dev/null
wait "$SWAPPER" 2>/dev/null
check "FIFO swap: --batch -n $N finishes (exit $rc after $took s; 124: hung until the timeout)" [ "$rc" -eq 0 ]
lines=$(wc -l <"$TMP/fifo.json")
check "FIFO swap: $N snapshots written (got $lines)" [ "$lines" -eq "$N" ]
listed=$(jq -c '.processes[] | select(.pid == 13159) | .pid' "$TMP/fifo.json" 2>/dev/null | wc -l)
check "FIFO swap: 13159 listed in every snapshot ($listed of $N)" [ "$listed" -eq "$N" ]
met=$(jq -c '.errors[] | select(.where == "pid 13159 status")' "$TMP/fifo.json" 2>/dev/null | wc -l)
check "FIFO swap: the FIFO was met and refused as that file's error ($met of $N snapshots)" [ "$met" -gt 0 ]
check "the attacker removed its names" [ ! -e "$T/proc/13159/status" ]
finish
