#!/bin/sh
# tests/integration/hostile_sysv_race.sh - System V objects removed between ipctop's listing
# and its reading (issue 7, hostile conditions).
#
# sysv_racer creates and removes queues, segments and semaphore sets in a tight loop
# (IPC_PRIVATE, logging every id it makes) while `ipctop --batch -n 40 -d 0 --json` runs.
# Checked: exit 0, a clean stderr, 40 lines of valid JSON; every racer object shown either with
# values it really had (see sysv_racer.c: queue 0 or 1 message of 123 bytes, its capacity
# msgmnb; segment 8192 bytes created by the racer, attached 0 or 1 times by it (2 while the
# kernel is in shmat); semaphores
# 0 0 0 or 7 8 9 with matching last pids, no waiters) or with its unreadable values null and
# the reason (EIDRM/EINVAL) in the record and in errors - never garbage; the race really
# happened (objects seen, some gone before they were read); the racer removes everything.
. "${top_srcdir:-.}/tests/integration/lib.sh"

RACER_BIN=${top_builddir:-.}/tests/integration/sysv_racer

require_tool jq jq
if [ ! -r /proc/sysvipc/msg ]; then
	echo "no /proc/sysvipc: kernel without System V IPC"
	exit 77
fi

TMP=$(mktemp -d)
on_exit "rm -rf '$TMP'"
MSGMNB=$(cat /proc/sys/kernel/msgmnb)

# The racer's own deadline is past ipctop's: it must outlive the run (then it is stopped).
"$RACER_BIN" race 900 0604 "$TMP/ids.log" >"$TMP/racer.out" 2>"$TMP/racer.err" &
RPID=$!
on_exit "kill -TERM $RPID 2>/dev/null; wait $RPID 2>/dev/null"
if wait_for 10 grep -q "^ready $RPID\$" "$TMP/racer.out"; then
	ok "the racer runs (pid $RPID)"
else
	fail "the racer runs" "$(cat "$TMP/racer.out" "$TMP/racer.err")"
	finish
fi

timeout 600 "$IPCTOP" --batch -n 40 -d 0 --json >"$TMP/out.json" 2>"$TMP/err"
rc=$?
check "ipctop --batch exits 0 while objects come and go (got $rc)" [ "$rc" -eq 0 ]
if [ -s "$TMP/err" ]; then
	fail "ipctop writes nothing on stderr" "$(head -c 2000 "$TMP/err")"
else
	ok "ipctop writes nothing on stderr"
fi
check "the racer outlived the run" kill -0 "$RPID"

kill -TERM "$RPID"
wait "$RPID"
check "the racer stopped cleanly on SIGTERM" [ $? -eq 0 ]
echo "# racer: $(cat "$TMP/racer.out" | tail -n 1)"
rounds=$(sed -n 's/^rounds \([0-9]*\) failures.*/\1/p' "$TMP/racer.out")
check "the racer made objects (rounds: ${rounds:-?})" [ "${rounds:-0}" -ge 100 ]

# ---- everything the racer made is gone ----
left=$(awk 'FNR == NR { want[$1 " " $2] = 1; next }
	    FNR > 1 { k = FILENAME; sub(".*/", "", k); if ((k " " $2) in want) print k ":" $2 }' \
	"$TMP/ids.log" /proc/sysvipc/msg /proc/sysvipc/shm /proc/sysvipc/sem | head -n 5)
check "nothing the racer made is left${left:+ ($left)}" [ -z "$left" ]

# ---- every line a JSON object ----
lines=$(wc -l <"$TMP/out.json" | tr -d ' ')
check "40 lines of output (got $lines)" [ "$lines" -eq 40 ]
bad=$(jq -R -r 'try (fromjson | if type == "object" then empty else "not an object" end)
		catch "invalid JSON"' <"$TMP/out.json" | head -n 3)
if [ -z "$bad" ] && [ "$lines" -gt 0 ]; then ok "every line is valid JSON"; else fail "every line is valid JSON" "$bad"; fi
if [ -n "$bad" ]; then finish; fi

# ---- the racer's objects: true values, or null with the reason ----
# ids.log -> {"msg:ID": true, ...}
jq -R -s 'split("\n") | map(select(length > 0) | split(" ") | "\(.[0]):\(.[1])") |
	  map({key: ., value: true}) | from_entries' "$TMP/ids.log" >"$TMP/ids.json"
jq -r -s --slurpfile ids "$TMP/ids.json" --argjson racer "$RPID" --argjson mnb "$MSGMNB" \
	--argjson uid "$(id -u)" '
	def gone: . == "EIDRM" or . == "EINVAL";
	def reason($s; $w; $e): if any($s.errors[]; .where == $w and .error == $e) then empty
				else "no error \($w): \($e)" end;
	def common: (if .key != 0 or .perms != "0604" or .uid != $uid or .cuid != $uid
		     then "owner/key/perms \(.key) \(.perms) \(.uid) \(.cuid)" else empty end);
	$ids[0] as $mine
	| range(0; length) as $i | .[$i] as $s
	| (($s.msg_queues[] | select($mine[.id]) | . as $q
	    | (common,
	       (if .messages != 0 and .messages != 1 then "messages \(.messages)" else empty end),
	       (if .bytes != 123 * .messages then "bytes \(.bytes) for \(.messages) messages" else empty end),
	       (if .last_recv_pid != 0 then "last_recv_pid \(.last_recv_pid)" else empty end),
	       (if .last_send_pid != 0 and .last_send_pid != $racer then "last_send_pid \(.last_send_pid)" else empty end),
	       (if .max_bytes == null then
		  (if (.error | gone) then reason($s; "\(.id) msgctl"; .error)
		   else "max_bytes null, error \(.error)" end)
		elif .max_bytes != $mnb or .error != null then "max_bytes \(.max_bytes) error \(.error)"
		else empty end))
	    | "\($i) \($q.id): \(.)"),
	   ($s.shm_segments[] | select($mine[.id]) | . as $m
	    | (common,
	       (if .size != 8192 then "size \(.size)" else empty end),
	       (if .creator_pid != $racer then "creator_pid \(.creator_pid)" else empty end),
	       (if .last_pid != 0 and .last_pid != $racer then "last_pid \(.last_pid)" else empty end),
	       # shmat(2) counts an attach in progress twice for a moment (do_shmat)
	       (if .nattch != 0 and .nattch != 1 and .nattch != 2 then "nattch \(.nattch)" else empty end),
	       (if .attached_pids != null and (.attached_pids - [$racer] | length) > 0
		then "attached_pids \(.attached_pids)" else empty end))
	    | "\($i) \($m.id): \(.)"),
	   ($s.sem_sets[] | select($mine[.id]) | . as $m
	    | (common,
	       (if .nsems != 3 then "nsems \(.nsems)" else empty end),
	       (if .values == null then
		  (if (.error | gone) then reason($s; "\(.id) semctl"; .error)
		   else "values null, error \(.error)" end),
		  (if .wait_increase != null or .wait_zero != null or .last_pids != null
		   then "values null but waiters/pids shown" else empty end)
		elif .values == [0, 0, 0] then
		  (if .last_pids != [0, 0, 0] then "values 0 0 0 with last_pids \(.last_pids)" else empty end)
		elif .values == [7, 8, 9] then
		  (if .last_pids != [$racer, $racer, $racer] then "values 7 8 9 with last_pids \(.last_pids)" else empty end)
		else "values \(.values)" end),
	       (if .values != null and (.wait_increase != [0, 0, 0] or .wait_zero != [0, 0, 0])
		then "waiters \(.wait_increase) \(.wait_zero)" else empty end),
	       (if .values != null and .error != null then "values and error \(.error)" else empty end))
	    | "\($i) \($m.id): \(.)"))
	' "$TMP/out.json" >"$TMP/violations" 2>"$TMP/jq.err"
if [ -s "$TMP/jq.err" ]; then
	fail "racer objects checked" "$(head -c 500 "$TMP/jq.err")"
elif [ -s "$TMP/violations" ]; then
	fail "racer objects show true values or null with a reason" "$(head -n 10 "$TMP/violations")"
else
	ok "racer objects show true values or null with a reason"
fi

# ---- the race really happened ----
seen=$(jq -s --slurpfile ids "$TMP/ids.json" '[.[] | (.msg_queues + .shm_segments + .sem_sets)[] |
	  select($ids[0][.id]) | .id] | unique | length' "$TMP/out.json")
gone=$(jq -s --slurpfile ids "$TMP/ids.json" '[.[] | (.msg_queues + .sem_sets)[] |
	  select($ids[0][.id] and (.error == "EIDRM" or .error == "EINVAL"))] | length' "$TMP/out.json")
echo "# racer objects listed: $seen; listed but gone before they were read: $gone"
check "the snapshots listed racer objects (got $seen)" [ "$seen" -ge 20 ]
# Hitting the window between listing and reading depends on the scheduler: when it is hit the
# object must carry EIDRM/EINVAL (checked above), but a run that never hits it is no failure.
[ "$gone" -ge 1 ] || echo "# note: no object was removed between listing and reading this run"

finish
