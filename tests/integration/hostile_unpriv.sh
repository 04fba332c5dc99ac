#!/bin/sh
# tests/integration/hostile_unpriv.sh - ipctop run by an unprivileged user (nobody) on a machine
# where root holds IPC objects (issue 7, hostile conditions): a clear partial view with reasons.
#
# As root, sysv_racer holds a queue (one message), an attached segment and a semaphore set,
# all mode 0600. Then `ipctop --once --json` and `ipctop --once` run as uid/gid 65534 (setpriv,
# or runuser -u nobody). Checked: exit 0 and a clean stderr; every line valid JSON; every
# probe's source present (as in root's own run); processes of other users still listed (the
# holder, uid 0); the root-only values null with an EACCES error naming each object
# ("msg:ID msgctl", "sem:ID semctl"), the segment's attachers marked possibly incomplete
# ("shm:ID attached_pids"), the columns /proc/sysvipc shows to everyone still there; the
# holder's descriptors an error "pid N fd": "EACCES"; the text tables listing the objects and
# the same reasons. Needs root (to become nobody); skips (77) otherwise.
. "${top_srcdir:-.}/tests/integration/lib.sh"

HOLDER_BIN=${top_builddir:-.}/tests/integration/sysv_racer

require_tool jq jq
if [ "$(id -u)" -ne 0 ]; then
	echo "not root: cannot switch to an unprivileged user"
	exit 77
fi
NOBODY_UID=65534
NOBODY_GID=65534
if command -v setpriv >/dev/null 2>&1; then
	as_nobody() { setpriv --reuid=$NOBODY_UID --regid=$NOBODY_GID --clear-groups "$@"; }
elif command -v runuser >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
	NOBODY_UID=$(id -u nobody)
	as_nobody() { runuser -u nobody -- "$@"; }
else
	echo "neither setpriv nor runuser: install the Debian package util-linux"
	exit 77
fi

# A directory nobody can enter, holding a copy of the program (the build tree may not be).
TMP=$(mktemp -d)
on_exit "rm -rf '$TMP'"
chmod 755 "$TMP"
cp "$IPCTOP" "$TMP/ipctop"
chmod 755 "$TMP/ipctop"
mkdir "$TMP/out"
chmod 700 "$TMP/out"

# ---- root's objects, mode 0600 ----
"$HOLDER_BIN" hold 0600 "$TMP/out/ids.log" >"$TMP/out/holder.out" 2>"$TMP/out/holder.err" &
HPID=$!
on_exit "kill -TERM $HPID 2>/dev/null; wait $HPID 2>/dev/null"
if wait_for 10 grep -q '^ready ' "$TMP/out/holder.out"; then
	ok "root holds a queue, a segment and a semaphore set (mode 0600)"
else
	fail "root holds a queue, a segment and a semaphore set" "$(cat "$TMP/out/holder.err")"
	finish
fi
set -- $(cat "$TMP/out/holder.out")
MSQ=$4 SHM=$6 SEM=$8
[ "$3" = msg ] && [ "$5" = shm ] && [ "$7" = sem ] && [ "$2" = "$HPID" ] || { fail "holder's ids" "$(cat "$TMP/out/holder.out")"; finish; }

# ---- the same snapshot as root, for the list of sources ----
"$IPCTOP" --once --json >"$TMP/out/root.json" 2>"$TMP/out/root.err"
check "as root: exit 0" [ $? -eq 0 ]

# ---- as nobody: JSON ----
as_nobody "$TMP/ipctop" --once --json >"$TMP/out/nobody.json" 2>"$TMP/out/nobody.err"
rc=$?
check "as nobody: --once --json exits 0 (got $rc)" [ "$rc" -eq 0 ]
if [ -s "$TMP/out/nobody.err" ]; then
	fail "as nobody: nothing on stderr" "$(head -c 2000 "$TMP/out/nobody.err")"
else
	ok "as nobody: nothing on stderr"
fi
if [ "$(wc -l <"$TMP/out/nobody.json")" -eq 1 ] && jq -e 'type == "object"' "$TMP/out/nobody.json" >/dev/null 2>&1; then
	ok "as nobody: one line of valid JSON"
else
	fail "as nobody: one line of valid JSON" "$(head -c 500 "$TMP/out/nobody.json")"
	finish
fi
J="$TMP/out/nobody.json"
jqt() { jq -e "$@" "$J" >/dev/null 2>&1; }

missing=$(jq -r --slurpfile r "$TMP/out/root.json" '($r[0].sources | keys) - (.sources | keys) | join(" ")' "$J")
check "as nobody: every source present (missing: ${missing:-none})" [ -z "$missing" ]
for src in proc_table sysv_msg sysv_shm sysv_sem; do
	check "as nobody: source $src ok" jqt ".sources.$src.ok == true and .sources.$src.error == null"
done
n_root=$(jq '.processes | length' "$TMP/out/root.json")
n_nobody=$(jq '.processes | length' "$J")
echo "# processes: $n_root as root, $n_nobody as nobody"
check "as nobody: processes still listed ($n_nobody of $n_root)" [ "$n_nobody" -ge $((n_root / 2)) ]
check "as nobody: root's holder listed with uid 0" \
	jqt --argjson p "$HPID" '[.processes[] | select(.pid == $p and .uid == 0 and .state != null
				 and .comm != null)] | length == 1'

# ---- System V: root-only values null, each with its reason ----
check "queue: listed with the columns everyone sees" \
	jqt --argjson id "$MSQ" '[.msg_queues[] | select(.sysv_id == $id and .perms == "0600" and
				 .uid == 0 and .messages == 1 and .bytes == 123 and .last_send_pid != null)] | length == 1'
check "queue: max_bytes null, error EACCES" \
	jqt --argjson id "$MSQ" '.msg_queues[] | select(.sysv_id == $id) | .max_bytes == null and .error == "EACCES"'
check "queue: errors name it (msg:$MSQ msgctl: EACCES)" \
	jqt --arg w "msg:$MSQ msgctl" '[.errors[] | select(.where == $w and .error == "EACCES")] | length == 1'
check "semaphores: listed, values/waiters/last pids null, error EACCES" \
	jqt --argjson id "$SEM" '[.sem_sets[] | select(.sysv_id == $id and .nsems == 3 and .values == null and
				 .wait_increase == null and .wait_zero == null and .last_pids == null and
				 .error == "EACCES")] | length == 1'
check "semaphores: errors name them (sem:$SEM semctl: EACCES)" \
	jqt --arg w "sem:$SEM semctl" '[.errors[] | select(.where == $w and .error == "EACCES")] | length == 1'
check "segment: listed with size, nattch and creator" \
	jqt --argjson id "$SHM" --argjson p "$HPID" '[.shm_segments[] | select(.sysv_id == $id and
				 .size == 8192 and .nattch == 1 and .creator_pid == $p)] | length == 1'
check "segment: the attacher (root) is not claimed seen, and the list says why" \
	jqt --argjson id "$SHM" --argjson p "$HPID" '.shm_segments[] | select(.sysv_id == $id) |
				 (.attached_pids | index($p)) == null and (.error | startswith("EACCES"))'
check "segment: errors name it (shm:$SHM attached_pids)" \
	jqt --arg w "shm:$SHM attached_pids" '[.errors[] | select(.where == $w and (.error | startswith("EACCES")))] | length == 1'
check "as root: the same segment's attacher is known" \
	jqt --argjson id "$SHM" --argjson p "$HPID" --slurpfile r "$TMP/out/root.json" \
	'$r[0].shm_segments[] | select(.sysv_id == $id) | .attached_pids == [$p] and .error == null'

# ---- descriptors of other users' processes: errors, not silence ----
if jqt '.sources | has("fds")'; then
	check "fds: the holder's descriptors are an error (pid $HPID fd: EACCES)" \
		jqt --arg w "pid $HPID fd" '[.errors[] | select(.where == $w and .error == "EACCES")] | length == 1'
else
	fail "fds: the holder's descriptors are an error" "no fds probe in this build"
fi
check "every error has a place and a reason" \
	jqt '[.errors[] | select((.where | type) != "string" or (.error | type) != "string" or
				 .where == "" or .error == "")] | length == 0'

# ---- as nobody: the text tables ----
as_nobody "$TMP/ipctop" --once >"$TMP/out/nobody.txt" 2>"$TMP/out/nobody.txt.err"
rc=$?
check "as nobody: --once (text) exits 0 (got $rc)" [ "$rc" -eq 0 ]
if [ -s "$TMP/out/nobody.txt.err" ]; then
	fail "as nobody: text, nothing on stderr" "$(head -c 2000 "$TMP/out/nobody.txt.err")"
else
	ok "as nobody: text, nothing on stderr"
fi
check "as nobody: text lists the queue, the segment and the set" \
	sh -c "grep -q '^ *$MSQ ' '$TMP/out/nobody.txt' && grep -q '^ *$SHM ' '$TMP/out/nobody.txt' &&
	       grep -q '^ *$SEM ' '$TMP/out/nobody.txt'"
check "as nobody: text gives the reasons" \
	sh -c "grep -q 'msg:$MSQ msgctl: EACCES' '$TMP/out/nobody.txt' &&
	       grep -q 'sem:$SEM semctl: EACCES' '$TMP/out/nobody.txt'"

# what root's holder is blocked in cannot be read by nobody: the text says "?" (unknown), not
# "-" (not waiting), and the JSON leaves waiting null with the reason in the record's error
check "nobody: an unreadable wait is '?' in the text, not '-'" \
	awk -v p="$HPID" '$1 == p { for (i = 2; i <= NF; i++) if ($i == "?") f = 1 } END { exit !f }' \
	"$TMP/out/nobody.txt"
check "nobody: the JSON says why (syscall: EACCES)" \
	jq -e --argjson p "$HPID" 'any(.processes[]; .pid == $p and .waiting == null and
		(.error // "" | startswith("syscall: EACCES")))' "$TMP/out/nobody.json"

# ---- the holder removes everything ----
kill -TERM "$HPID"
wait "$HPID"
check "the holder exits 0 after removing its objects" [ $? -eq 0 ]
left=""
has_id() { awk -v id="$2" 'NR > 1 && $2 == id { found = 1 } END { exit !found }' "/proc/sysvipc/$1"; }
has_id msg "$MSQ" && left="$left msg:$MSQ"
has_id shm "$SHM" && left="$left shm:$SHM"
has_id sem "$SEM" && left="$left sem:$SEM"
check "nothing left behind${left:+ ($left)}" [ -z "$left" ]

finish
