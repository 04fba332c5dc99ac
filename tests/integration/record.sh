#!/bin/bash
# tests/integration/record.sh - record and replay end to end (issue 17), on objects the test
# makes and removes itself: a System V queue holding 3 messages of 100 bytes (msgq_holder)
# and an anonymous pipe holding 5000 unread bytes (a writer that never gets read).
#
# 1. record writes a file (never over an existing one or through a symlink); replay --once
#    --json --at #N gives the queue's and the pipe's exact values back; `zstd -dc` reads the
#    same text; --batch prints every snapshot.
# 2. record - | replay - (batch and following a stream that is still being written).
# 3. a recording cut in the middle of a frame and one with corrupted bytes replay up to the
#    damage and say where; a newer format version is refused.
# 4. the replay dashboard in tmux: ] [ g space, k refused; record - | replay - as a live
#    dashboard; the live dashboard's [ and back to live.
# Every wait is a condition with a deadline; only PIDs this test started are signalled.
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

HOLDER=${top_builddir:-.}/tests/integration/msgq_holder
export LSAN_OPTIONS="suppressions=${top_srcdir:-.}/tests/integration/lsan-libproc2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
D=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-record.XXXXXX")
SOCK="ipctop-rec-$$-$RANDOM"
on_exit "rm -rf '$D'"
on_exit "tmux -L '$SOCK' kill-server >/dev/null 2>&1; rm -f '${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK'"

for tool in jq zstd tmux perl; do
	if ! command -v $tool >/dev/null; then
		fail "$tool installed" "$tool is missing"
		finish
	fi
done

# ---- fixtures ----
coproc QH { exec "$HOLDER" 3 100; }
holder_pid=$QH_PID
on_exit "kill -TERM $holder_pid 2>/dev/null; wait $holder_pid 2>/dev/null"
qid=""
read -r -t 10 -u "${QH[0]}" qid
if ! [[ $qid =~ ^[0-9]+$ ]]; then
	fail "test queue created" "msgq_holder printed '$qid'"
	finish
fi
ok "test queue created (msg:$qid)"

# the pipe: the writer fills it with 5000 bytes and sleeps; the reader never reads
( printf '%05000d' 0; echo $BASHPID >"$D/w.pid"; exec sleep 600 ) |
	( echo $BASHPID >"$D/r.pid"; exec sleep 600 ) &
pipe_job=$!
wait_for 10 test -s "$D/w.pid" && wait_for 10 test -s "$D/r.pid"
wpid=$(cat "$D/w.pid"); rpid=$(cat "$D/r.pid")
on_exit "kill -TERM $wpid $rpid 2>/dev/null; wait $pipe_job 2>/dev/null"
pino=$(readlink "/proc/$rpid/fd/0" | sed -n 's/^pipe:\[\([0-9]*\)\]$/\1/p')
fill_done() { [ "$(awk '/^pos/ {print $2}' "/proc/$wpid/fdinfo/1" 2>/dev/null)" != "" ] &&
	      ! grep -q "^printf" "/proc/$wpid/comm" && [ "$(cat "/proc/$wpid/comm")" = sleep ]; }
if [ -z "$pino" ] || ! wait_for 10 fill_done; then
	fail "test pipe created" "no pipe inode for reader $rpid"
	finish
fi
ok "test pipe created (pipe:$pino, 5000 bytes queued)"

PIDS="$holder_pid,$rpid"

# ---- 1. record and replay --once/--batch ----
check "record: 5 snapshots" "$IPCTOP" record -d 0.2 -n 5 --pid "$PIDS" "$D/rec" 2>"$D/rec.err"
check "record: says what it wrote" grep -q "recorded 5 snapshots to $D/rec" "$D/rec.err"
cp "$D/rec" "$D/rec.copy"
"$IPCTOP" record -n 1 "$D/rec" 2>"$D/excl.err"; rc=$?
check "record: an existing file is refused (exit 2)" test "$rc" = 2
check "record: ... and left as it was" cmp -s "$D/rec" "$D/rec.copy"
check "record: ... saying so" grep -q "never overwrites" "$D/excl.err"
ln -s "$D/target" "$D/link"
"$IPCTOP" record -n 1 "$D/link" 2>/dev/null; rc=$?
check "record: a symlink is not followed" test "$rc" = 2 -a ! -e "$D/target"

"$IPCTOP" replay "$D/rec" --once --json --at '#3' >"$D/at3.json"; rc=$?
check "replay --at #3: exit 0" test "$rc" = 0
check "replay --at #3: the queue's bytes and messages" \
	test "$(jq -c ".msg_queues[] | select(.sysv_id == $qid) | [.bytes, .messages]" "$D/at3.json")" = "[300,3]"
check "replay --at #3: the pipe's fill" \
	test "$(jq ".pipes[] | select(.inode == $pino) | .queued_bytes" "$D/at3.json")" = 5000
check "replay --at #3: the time is the 4th snapshot's" \
	test "$(jq .time "$D/at3.json")" = "$("$IPCTOP" replay "$D/rec" --batch --json | sed -n 4p | jq .time)"
check "zstd -dc reads the same text (byte for byte)" \
	cmp -s "$D/at3.json" <(zstd -dc "$D/rec" | sed -n 4p)
check "replay --batch: 5 snapshots" test "$("$IPCTOP" replay "$D/rec" --batch --json | wc -l)" = 5
check "replay --batch: each a JSON object with schema 1" \
	test "$("$IPCTOP" replay "$D/rec" --batch --json | jq -s 'map(.schema) | unique | .[0]')" = 1
t2=$(jq .time <("$IPCTOP" replay "$D/rec" --once --json --at '#2'))
check "replay --at @TIME: the snapshot at that time" \
	cmp -s <("$IPCTOP" replay "$D/rec" --once --json --at "@$t2") <("$IPCTOP" replay "$D/rec" --once --json --at '#2')
t4=$(jq .time <("$IPCTOP" replay "$D/rec" --once --json --at '#4'))
hms=$(date -d "@$((${t4%.*} + 1))" +%H:%M:%S)
check "replay --at HH:MM:SS: the last snapshot by then" \
	test "$("$IPCTOP" replay "$D/rec" --once --json --at "$hms" | jq .time)" = "$t4"
"$IPCTOP" replay "$D/rec" --once --json --at '#9' >/dev/null 2>"$D/at9.err"; rc=$?
check "replay --at #9 (no such): exit 1 with a reason" eval "test $rc = 1 && grep -q '#0 to #4' '$D/at9.err'"
check "replay: bad --at is a usage error" eval "! '$IPCTOP' replay '$D/rec' --once --json --at 'soon' >/dev/null 2>&1"

# ---- 2. streams ----
check "record - | replay - --batch: 3 snapshots" \
	test "$("$IPCTOP" record -d 0.2 -n 3 --pid "$PIDS" - | "$IPCTOP" replay - --batch --json | jq -c ".msg_queues[] | select(.sysv_id == $qid) | .bytes" | tr '\n' ' ')" = "300 300 300 "
mkfifo "$D/fifo"
"$IPCTOP" replay - --batch --json <"$D/fifo" >"$D/follow.out" &
rp=$!
"$IPCTOP" record -d 0.2 --pid "$PIDS" - >"$D/fifo" &
wp=$!
on_exit "kill -TERM $wp $rp 2>/dev/null"
lines() { [ "$(wc -l <"$D/follow.out")" -ge "$1" ]; }
check "replay - follows a stream still being written" wait_for 15 lines 3
kill -INT $wp; wait $wp; rc=$?
check "record: SIGINT ends it cleanly (exit 0)" test "$rc" = 0
wait $rp; rc=$?
check "replay - ends with the stream, whole (exit 0)" test "$rc" = 0

# ---- 3. damage ----
size=$(stat -c %s "$D/rec")
# the chunk's index frame follows its data frame: cut inside the data frame, before it
index_at=$(LC_ALL=C grep -obUaP '\x51\x2a\x4d\x18' "$D/rec" | head -1 | cut -d: -f1)
head -c $((index_at - 1)) "$D/rec" >"$D/cut"
"$IPCTOP" replay "$D/cut" --batch --json >"$D/cut.out" 2>"$D/cut.err"; rc=$?
check "cut before the frame's end: every flushed snapshot kept (5)" test "$(wc -l <"$D/cut.out")" = 5
check "cut before the frame's end: exit 1, saying where" \
	eval "test $rc = 1 && grep -q 'truncated at byte $((index_at - 1))' '$D/cut.err'"
# further back, inside a snapshot: those before it, none after
cut=$((index_at - 1)); n=5
while [ "$n" -ge 5 ] && [ "$cut" -gt 64 ]; do
	cut=$((cut - 64))
	head -c $cut "$D/rec" >"$D/cut"
	n=$("$IPCTOP" replay "$D/cut" --batch --json 2>"$D/cut.err" | wc -l)
done
"$IPCTOP" replay "$D/cut" --batch --json >"$D/cut.out" 2>"$D/cut.err"; rc=$?
check "cut inside a snapshot: exit 1" test "$rc" = 1
check "cut inside a snapshot: the ones before it ($n)" test "$n" -ge 1 -a "$n" -lt 5
check "cut inside a snapshot: each one whole JSON, as recorded" \
	cmp -s "$D/cut.out" <("$IPCTOP" replay "$D/rec" --batch --json | head -n "$n")
check "cut inside a snapshot: says where it stopped" grep -q "truncated at byte $cut" "$D/cut.err"
cp "$D/rec" "$D/bad"
printf '\xde\xad\xbe\xef\xde\xad\xbe\xef' | dd of="$D/bad" bs=1 seek=$((size / 2)) conv=notrunc status=none
"$IPCTOP" replay "$D/bad" --batch --json >"$D/bad.out" 2>"$D/bad.err"; rc=$?
check "corrupted recording: exit 1" test "$rc" = 1
check "corrupted recording: says where it stopped" grep -q "damaged at byte" "$D/bad.err"
check "corrupted recording: fewer snapshots, each whole JSON" \
	eval "[ \$(wc -l <'$D/bad.out') -lt 5 ] && ! grep -qv '^{\"schema\":1,' '$D/bad.out'"
perl -0777 -pe 's/"version":1,/"version":7,/' "$D/rec" >"$D/newer"
"$IPCTOP" replay "$D/newer" --batch --json >"$D/newer.out" 2>"$D/newer.err"; rc=$?
check "newer format: refused (exit 1, nothing printed)" test "$rc" = 1 -a ! -s "$D/newer.out"
check "newer format: says so" grep -q "version 7 is newer than this ipctop reads" "$D/newer.err"
check "not a recording: refused" eval "! echo '{}' | '$IPCTOP' replay - --batch --json 2>&1 | grep -q schema"

# ---- 4. the dashboard ----
cat >"$D/tmux.conf" <<EOF2
set -g remain-on-exit on
set -g history-limit 0
EOF2
T() { tmux -L "$SOCK" -f "$D/tmux.conf" "$@"; }
screen() { T capture-pane -p -t "$1"; }
screen_has() { screen "$1" | grep -qF -- "$2"; }
dead_ok() { T run-shell true; [ "$(T display-message -p -t "$1" '#{pane_dead}:#{pane_dead_status}')" = "1:0" ]; }
queue_row() { screen "$1" | grep -qE "^ *$qid +0x00000000 .* 300 "; }

T new-session -d -s replay -x 140 -y 40 "exec '$IPCTOP' replay '$D/rec'"
P=replay:0.0
check "replay dashboard: opens at #0" wait_for 15 screen_has $P "REPLAY #0/4"
check "replay dashboard: the queue with its 300 bytes" wait_for 5 queue_row $P
T send-keys -t $P ']'
check "replay dashboard: ] steps to #1" wait_for 5 screen_has $P "REPLAY #1/4"
T send-keys -t $P '['
check "replay dashboard: [ steps back to #0" wait_for 5 screen_has $P "REPLAY #0/4"
T send-keys -t $P g '#3' Enter
check "replay dashboard: g #3" wait_for 5 screen_has $P "REPLAY #3/4"
T send-keys -t $P k
check "replay dashboard: k is off and says so" wait_for 5 screen_has $P "sending a signal is off"
T send-keys -t $P ' '
check "replay dashboard: space plays to the end" wait_for 10 screen_has $P "End of the recording"
check "replay dashboard: ... at the last snapshot" screen_has $P "REPLAY #4/4"
T send-keys -t $P q
check "replay dashboard: q quits (status 0)" wait_for 10 dead_ok $P

T new-session -d -s stream -x 140 -y 40 \
	"'$IPCTOP' record -d 0.2 --pid '$PIDS' - 2>/dev/null | '$IPCTOP' replay -; echo replay-exit=\$?; sleep 600"
P=stream:0.0
at_least() { screen $P | grep -qE "REPLAY #([3-9]|[1-9][0-9]+)/"; }
check "record - | replay -: a live dashboard of the stream" wait_for 20 at_least
check "record - | replay -: the queue" wait_for 5 queue_row $P
T send-keys -t $P q
check "record - | replay -: q quits (status 0)" wait_for 10 screen_has $P "replay-exit=0"
T kill-session -t stream

T new-session -d -s live -x 140 -y 40 "exec '$IPCTOP' -d 0.2 --pid '$PIDS'"
P=live:0.0
check "live: dashboard up" wait_for 15 queue_row $P
# [ goes back once a second snapshot is kept (before that it says the oldest is shown)
back() { T send-keys -t $P '['; screen_has $P "HISTORY"; }
check "live: [ shows the history" wait_for 20 back
T send-keys -t $P ' '
check "live: space is live again" wait_for 5 screen_has $P "every 0.2s"
T send-keys -t $P q
check "live: q quits (status 0)" wait_for 10 dead_ok $P

finish
