#!/bin/sh
# tests/integration/rates.sh - nothing invented in `rates` (issue 12), on real processes:
#   - an idle pipe held by a process doing heavy I/O elsewhere (dd copying /dev/zero to
#     /dev/null, its stdout the pipe): throughput null with its reason, exact false, fill
#     change 0, no send or receive seen (its rchar/wchar moved by megabytes);
#   - a pipe a shell loop writes 256 bytes into every 50 ms that nobody reads until it is
#     full: throughput null with the reason, the fill change exact and positive, a send seen;
#   - an idle System V queue holding 3 messages (msgq_holder): throughput null with the reason,
#     fill change 0 messages and 0 bytes;
#   - a batch's first snapshot has no rates (null) and the second has them;
#   - with IPCTOP_NO_BPF=1 the same.
. "${top_srcdir:-.}/tests/integration/lib.sh"

HOLDER=${top_builddir:-.}/tests/integration/msgq_holder

if ! command -v jq >/dev/null 2>&1; then
	echo "SKIP: jq is missing: install the Debian package jq"
	exit 77
fi
TMP=$(mktemp -d)
P_IDLE="" P_SINK="" P_FILL="" P_SINK2="" P_Q=""
on_exit "rm -rf '$TMP'"
on_exit 'exec 8>&- 2>/dev/null; for p in $P_IDLE $P_SINK $P_FILL $P_SINK2 $P_Q; do kill -TERM "$p" 2>/dev/null; done; wait 2>/dev/null'
jqt() { jq -e "$@" >/dev/null 2>&1; }

# the idle pipe: dd's descriptor 3 (dd reopens its stdout for of=), read by nobody (sleep holds
# the read end and never reads)
sh -c 'echo $$ >"$1"; exec dd if=/dev/zero of=/dev/null bs=65536 3>&1 >/dev/null 2>&1' - \
	"$TMP/dd.pid" | sleep 600 >/dev/null 2>&1 &
P_SINK=$!
wait_for 5 test -s "$TMP/dd.pid"
P_IDLE=$(cat "$TMP/dd.pid")
IDLE_INO=$(stat -L -c %i "/proc/$P_IDLE/fd/3")

# the filling pipe: 256 bytes every 50 ms (full after about 13 s), never read (sleep holds the
# read end)
sh -c 'echo $$ >"$1"; exec sh -c "while :; do head -c 256 /dev/zero; sleep 0.05; done"' - \
	"$TMP/fill.pid" 2>/dev/null | sleep 600 >/dev/null 2>&1 &
P_SINK2=$!
wait_for 5 test -s "$TMP/fill.pid"
P_FILL=$(cat "$TMP/fill.pid")
FILL_INO=$(stat -L -c %i "/proc/$P_FILL/fd/1")

# an idle System V queue with 3 messages of 100 bytes
mkfifo "$TMP/q.in"
"$HOLDER" 3 100 <"$TMP/q.in" >"$TMP/q.out" 2>/dev/null &
P_Q=$!
exec 8>"$TMP/q.in"
wait_for 5 test -s "$TMP/q.out"
QID=$(head -1 "$TMP/q.out")

check "fixtures up (dd $P_IDLE, pipe $IDLE_INO; writer $P_FILL, pipe $FILL_INO; queue $QID)" \
	[ -n "$IDLE_INO" ] && [ -n "$FILL_INO" ] && [ -n "$QID" ]

for mode in default nobpf; do
	if [ $mode = nobpf ]; then env=IPCTOP_NO_BPF=1; else env=IPCTOP_UNUSED=1; fi
	out=$TMP/$mode.json
	env $env "$IPCTOP" --batch -n 2 -d 1 --json --pid "$P_IDLE,$P_SINK,$P_FILL,$P_SINK2,$P_Q" >"$out"
	check "$mode: two snapshots" jqt -s 'length == 2' "$out"
	check "$mode: the first snapshot has no rates" \
		jqt -s '[.[0].pipes[].rates, .[0].msg_queues[].rates] | all(. == null)' "$out"
	check "$mode: idle pipe of a busy process: throughput null with a reason, fill change 0, nothing seen" \
		jqt -s --argjson i "$IDLE_INO" '.[1].pipes[] | select(.inode == $i) | .rates |
			.bytes_per_s == null and .messages_per_s == null and .exact == false and
			(.reason | type == "string" and length > 0) and
			.fill_change_bytes_per_s == 0 and .sent == false and .received == false' "$out"
	check "$mode: the busy process's own counters did move (what was apportioned before)" \
		jqt -s --argjson p "$P_IDLE" '[.[].processes[] | select(.pid == $p) | .io_wchar] |
			length == 2 and .[1] - .[0] > 1000000' "$out"
	check "$mode: filling pipe: throughput null, the fill change exact and positive, a send seen" \
		jqt -s --argjson i "$FILL_INO" '.[1].pipes[] | select(.inode == $i) | .rates |
			.bytes_per_s == null and .exact == false and .fill_change_bytes_per_s > 0 and
			.sent == true' "$out"
	check "$mode: idle queue: throughput null with the reason, fill change 0 and 0" \
		jqt -s --argjson q "$QID" '.[1].msg_queues[] | select(.sysv_id == $q) | .rates |
			.bytes_per_s == null and .messages_per_s == null and .exact == false and
			(.reason | length > 0) and .fill_change_bytes_per_s == 0 and
			.fill_change_messages_per_s == 0 and .sent == false and .received == false' "$out"
done
finish
