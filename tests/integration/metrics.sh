#!/bin/bash
# tests/integration/metrics.sh - `--format openmetrics` and `--textfile DIR` (issue 18) on the
# live machine and on a recorded tree:
# - `promtool check metrics` (Debian's prometheus) accepts the output, and the OpenMetrics
#   parser of python3-prometheus-client (strict: # EOF, UNIT suffixes, label syntax) too;
# - the test's own System V queue (msgq_holder: 3 messages of 100 bytes) appears with its
#   id, key, bytes, messages and max bytes (msgctl IPC_STAT's msg_qbytes);
# - the example alert rules pass `promtool check rules` and their unit tests (`promtool test
#   rules`), and every ipctop_ metric they use is one ipctop writes;
# - --textfile: DIR/ipctop.prom is replaced (mode 0644, no temporary left, also after SIGTERM
#   in the middle of a run), and refused as the attacker would set it up: a symlink planted
#   by another user (nobody) as DIR/ipctop.prom in a sticky shared directory (its target
#   stays untouched), DIR itself a symlink, a world-writable directory without the sticky bit.
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99
. "${top_srcdir:-.}/tests/integration/queue_fixture.sh" || exit 99

RULES=${top_srcdir:-.}/contrib/prometheus/ipctop-alerts.yml
RULES_TEST=${top_srcdir:-.}/contrib/prometheus/ipctop-alerts.test.yml
export LSAN_OPTIONS="suppressions=${top_srcdir:-.}/tests/integration/lsan-libproc2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
D=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-metrics.XXXXXX") || exit 99
on_exit "rm -rf '$D'"
chmod 0755 "$D"		# the other user (nobody) must reach $D/shared

if ! command -v promtool >/dev/null; then
	fail "promtool installed" "promtool is missing (Debian package prometheus)"
	finish
fi

# om_parse FILE: the strict OpenMetrics parser accepts FILE (python3-prometheus-client)
om_parse() {
	/usr/bin/python3 - "$1" <<'EOF'
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
with open(sys.argv[1], encoding="utf-8") as f:
    families = list(text_string_to_metric_families(f.read()))
assert families, "no families"
EOF
}
have_om_parser=false
/usr/bin/python3 -c 'import prometheus_client.openmetrics.parser' 2>/dev/null && have_om_parser=true

# The queue: 3 messages of 100 bytes, removed when the test ends.
start_msgq_holder 3 100 || finish
# its key and limit, as the kernel says
key=$(awk -v id="$qid" '$2 == id { print $1 }' /proc/sysvipc/msg)
qbytes=$(cat /proc/sys/kernel/msgmnb)

"$IPCTOP" --once --format openmetrics >"$D/live.prom" 2>"$D/live.err"
check "--once --format openmetrics exits 0" test $? -eq 0
check "the output ends with # EOF" eval "[ \"\$(tail -n 1 '$D/live.prom')\" = '# EOF' ]"
promtool check metrics <"$D/live.prom" >"$D/promtool.out" 2>&1
check "promtool check metrics accepts the live output" test $? -eq 0
[ -s "$D/promtool.out" ] && head -n 20 "$D/promtool.out"
if $have_om_parser; then
	check "the OpenMetrics parser accepts the live output" om_parse "$D/live.prom"
else
	echo "# python3-prometheus-client not installed: strict OpenMetrics parse not checked"
fi

# the test's queue (--pid: the holder is its last sender, so the queue is in its view, and
# no other queue on the machine can push it out of the top 20)
"$IPCTOP" --once --format openmetrics --pid "$holder_pid" >"$D/queue.prom"
labels="{id=\"msg:$qid\",key=\"$key\"}"
check "the queue's bytes: 300" grep -qxF "ipctop_msg_queue_bytes$labels 300" "$D/queue.prom"
check "the queue's messages: 3" grep -qxF "ipctop_msg_queue_messages$labels 3" "$D/queue.prom"
check "the queue's max bytes: msgmnb ($qbytes)" \
	grep -qxF "ipctop_msg_queue_max_bytes$labels $qbytes" "$D/queue.prom"
check "the queue in the aggregate" grep -qxF 'ipctop_queued_bytes{kind="msg_queues"} 300' "$D/queue.prom"
check "promtool check metrics accepts the --pid output" eval "promtool check metrics <'$D/queue.prom'"

# a recorded tree (no live sources): still valid, sources down say so
"$IPCTOP" --once --format openmetrics --sysroot "${top_srcdir:-.}/tests/fixtures/sysv-basic" \
	>"$D/fixture.prom" 2>/dev/null
check "promtool check metrics accepts a recorded tree's output" \
	eval "promtool check metrics <'$D/fixture.prom'"
$have_om_parser && check "the OpenMetrics parser accepts a recorded tree's output" \
	om_parse "$D/fixture.prom"

# --batch: one text per snapshot, each ending with # EOF
"$IPCTOP" --batch -n 2 -d 0 --format openmetrics --pid "$holder_pid" >"$D/batch.prom"
check "--batch -n 2: two texts" eval "[ \$(grep -c '^# EOF\$' '$D/batch.prom') -eq 2 ]"

# the alert rules
check "promtool check rules accepts the example rules" eval "promtool check rules '$RULES' >'$D/rules.out' 2>&1"
check "the rules' unit tests pass (promtool test rules)" \
	eval "promtool test rules '$RULES_TEST' >'$D/rules-test.out' 2>&1"
grep -q FAILED "$D/rules-test.out" && cat "$D/rules-test.out"
missing=""
for m in $(grep -o 'ipctop_[a-z_]*' "$RULES" | sort -u); do
	grep -q "^# TYPE $m gauge\$" "$D/live.prom" || missing="$missing $m"
done
if [ -z "$missing" ]; then ok "every metric the rules use is one ipctop writes"
else fail "every metric the rules use is one ipctop writes" "not written:$missing"; fi

# --textfile: replaced atomically, readable by the collector, nothing left behind
mkdir -m 0755 "$D/tf"
"$IPCTOP" --batch -n 3 -d 0 --textfile "$D/tf" --pid "$holder_pid" >"$D/tf.out" 2>&1
check "--textfile: exit 0" test $? -eq 0
check "--textfile: nothing on stdout" test ! -s "$D/tf.out"
check "--textfile: DIR/ipctop.prom written" grep -qxF "ipctop_msg_queue_bytes$labels 300" "$D/tf/ipctop.prom"
check "--textfile: mode 0644" eval "[ \"\$(stat -c %a '$D/tf/ipctop.prom')\" = 644 ]"
check "--textfile: only ipctop.prom in DIR" eval "[ \"\$(ls -A '$D/tf')\" = ipctop.prom ]"
check "promtool check metrics accepts the textfile" eval "promtool check metrics <'$D/tf/ipctop.prom'"

# SIGTERM in the middle of a run: ends between two files, dies of SIGTERM, leaves no temporary
"$IPCTOP" --batch -d 0 --textfile "$D/tf" --pid "$holder_pid" 2>"$D/term.err" &
ipctop_pid=$!
on_exit "kill -KILL $ipctop_pid 2>/dev/null"
first=$(stat -c %Y.%i "$D/tf/ipctop.prom")
# replaced at least once by this run (a new inode each time)
wait_for 20 eval "[ \"\$(stat -c %Y.%i '$D/tf/ipctop.prom')\" != '$first' ]"
kill -TERM "$ipctop_pid"
wait "$ipctop_pid"
rc=$?
check "--textfile --batch: SIGTERM ends it as SIGTERM (status 143)" test "$rc" -eq 143
check "--textfile after SIGTERM: only ipctop.prom in DIR" eval "[ \"\$(ls -A '$D/tf')\" = ipctop.prom ]"
check "--textfile after SIGTERM: the file is whole" eval "[ \"\$(tail -n 1 '$D/tf/ipctop.prom')\" = '# EOF' ]"

# SIGTERM while it sleeps between snapshots (-d 60): it ends at once, not a minute later
rm -f "$D/tf/ipctop.prom"
"$IPCTOP" --batch -d 60 --textfile "$D/tf" --pid "$holder_pid" 2>"$D/sleep.err" &
sleeper=$!
on_exit "kill -KILL $sleeper 2>/dev/null"
check "--textfile -d 60: the first file is there" wait_for 20 test -s "$D/tf/ipctop.prom"
kill -TERM "$sleeper"
check "--textfile -d 60: SIGTERM during the sleep ends it within 5 seconds" \
	wait_for 5 eval "! kill -0 $sleeper 2>/dev/null"
wait "$sleeper"
check "--textfile -d 60: died of SIGTERM (143)" test $? -eq 143

# the attacker: another user plants a symlink as ipctop.prom in a shared sticky directory
# (needs root: the test plays both users, root running ipctop and nobody attacking)
if [ "$(id -u)" -ne 0 ]; then
	skip "attacks by another user on --textfile" "needs root to play the attacker (uid 65534)"
else
	mkdir -m 1777 "$D/shared"
	echo "precious" >"$D/precious"
	chmod 0644 "$D/precious"
	setpriv --reuid=nobody --regid=nogroup --clear-groups ln -s "$D/precious" "$D/shared/ipctop.prom"
	check "nobody planted a symlink" test -L "$D/shared/ipctop.prom"
	"$IPCTOP" --once --textfile "$D/shared" 2>"$D/sym.err"
	rc=$?
	check "a planted symlink: refused with status 1" test "$rc" -eq 1
	check "a planted symlink: the message says so" grep -q "ipctop.prom: is a symlink" "$D/sym.err"
	check "a planted symlink: still the attacker's link, not replaced" test -L "$D/shared/ipctop.prom"
	check "a planted symlink: its target untouched" eval "[ \"\$(cat '$D/precious')\" = precious ]"
	check "a planted symlink: no temporary left" eval "[ \"\$(ls -A '$D/shared')\" = ipctop.prom ]"
	# a FIFO planted instead: never opened (the run would hang), refused
	rm -f "$D/shared/ipctop.prom"
	setpriv --reuid=nobody --regid=nogroup --clear-groups mkfifo "$D/shared/ipctop.prom"
	check "nobody planted a FIFO" test -p "$D/shared/ipctop.prom"
	timeout 20 "$IPCTOP" --once --textfile "$D/shared" 2>"$D/fifo.err"
	check "a planted FIFO: refused with status 1 (not opened)" test $? -eq 1
	# in the sticky directory, an ipctop.prom another user owns is replaced (root may), by root's
	rm -f "$D/shared/ipctop.prom"
	setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c "echo 'evil 1' >'$D/shared/ipctop.prom'"
	check "nobody wrote ipctop.prom" eval "[ \"\$(stat -c %U '$D/shared/ipctop.prom')\" = nobody ]"
	"$IPCTOP" --once --textfile "$D/shared" 2>"$D/own.err"
	check "a file another user owns: replaced" eval "[ \"\$(stat -c %u '$D/shared/ipctop.prom')\" = 0 ] && ! grep -q evil '$D/shared/ipctop.prom'"

fi

# DIR a symlink; DIR world-writable without the sticky bit; DIR missing: bad usage (2)
ln -s "$D/tf" "$D/tf-link"
"$IPCTOP" --once --textfile "$D/tf-link" 2>"$D/link.err"
check "DIR a symlink: refused with status 2" test $? -eq 2
check "DIR a symlink: the message says so" grep -q "is a symlink" "$D/link.err"
mkdir "$D/open" && chmod 0777 "$D/open"
"$IPCTOP" --once --textfile "$D/open" 2>"$D/open.err"
check "DIR world-writable without the sticky bit: refused with status 2" test $? -eq 2
check "DIR world-writable: nothing written" eval "[ -z \"\$(ls -A '$D/open')\" ]"
"$IPCTOP" --once --textfile "$D/missing" 2>"$D/missing.err"
rc=$?
check "DIR missing: status 2, a message naming it" eval "[ $rc -eq 2 ] && grep -q \"'$D/missing'\" '$D/missing.err'"

finish
