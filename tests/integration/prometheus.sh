#!/bin/bash
# tests/integration/prometheus.sh - ipctop's metrics through the real pipeline an admin sets
# up (issue 18): `ipctop --batch --textfile DIR` -> Debian's prometheus-node-exporter (textfile
# collector only) -> Debian's prometheus server scraping it every second, with the example
# alert rules loaded. Then Prometheus's HTTP API is asked for the depth of a System V queue
# this test made (msgq_holder: 3 messages of 100 bytes): bytes, messages, limit; the node
# exporter must report no textfile error, and the rules must evaluate without error.
#
# Both servers listen on free loopback ports (a taken port is retried with another), keep
# their data in a temporary directory, and are plain processes this test starts and stops
# by PID (no systemd), also on SIGINT/SIGTERM. Every wait polls with a deadline.
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99
. "${top_srcdir:-.}/tests/integration/queue_fixture.sh" || exit 99

RULES=$(cd "${top_srcdir:-.}/contrib/prometheus" && pwd)/ipctop-alerts.yml
export LSAN_OPTIONS="suppressions=${top_srcdir:-.}/tests/integration/lsan-libproc2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
D=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-prometheus.XXXXXX") || exit 99
on_exit "rm -rf '$D'"

for tool in prometheus prometheus-node-exporter promtool curl jq; do
	if ! command -v "$tool" >/dev/null; then
		fail "$tool installed" "missing (Debian packages prometheus, prometheus-node-exporter, curl, jq)"
		finish
	fi
done

# free_port: a loopback TCP port nobody listens on now (the caller retries if it is taken
# before the server binds it)
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 30000))
		if ! ss -Htln "sport = :$p" | grep -q .; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# start_server NAME URL-PATH COMMAND... : starts COMMAND (with @PORT@ replaced by a free
# port) in the background, until URL-PATH on that port answers; sets SERVER_PID and
# SERVER_PORT. Retries on another port when the process dies first (port taken).
start_server() {
	local name=$1 path=$2 try port pid
	shift 2
	for try in 1 2 3 4 5; do
		port=$(free_port) || return 1
		local args=()
		for a in "$@"; do args+=("${a//@PORT@/$port}"); done
		"${args[@]}" >"$D/$name.log" 2>&1 &
		pid=$!
		on_exit "kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null"
		if wait_for 60 eval "curl -fs -o /dev/null 'http://127.0.0.1:$port$path' || ! kill -0 $pid 2>/dev/null"; then
			if kill -0 "$pid" 2>/dev/null; then
				SERVER_PID=$pid
				SERVER_PORT=$port
				return 0
			fi
		fi
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		echo "# $name on port $port did not come up (try $try):"
		tail -n 3 "$D/$name.log"
	done
	return 1
}

# The queue: 3 messages of 100 bytes, removed when the test ends.
start_msgq_holder 3 100 || finish
qbytes=$(cat /proc/sys/kernel/msgmnb)

# ipctop writes the textfile every half second (--pid: the holder's view only, so the queue
# is in the per-object series whatever else the machine holds)
mkdir -m 0755 "$D/textfile"
"$IPCTOP" --batch -d 0.5 --textfile "$D/textfile" --pid "$holder_pid" 2>"$D/ipctop.err" &
ipctop_pid=$!
on_exit "kill -TERM $ipctop_pid 2>/dev/null; wait $ipctop_pid 2>/dev/null"
check "ipctop wrote DIR/ipctop.prom" wait_for 30 test -s "$D/textfile/ipctop.prom"

# the node exporter: the textfile collector and nothing else
if start_server node-exporter /metrics prometheus-node-exporter \
	--web.listen-address=127.0.0.1:@PORT@ --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$D/textfile" \
	--web.disable-exporter-metrics; then
	ok "node exporter up on 127.0.0.1:$SERVER_PORT"
	node_port=$SERVER_PORT
else
	fail "node exporter up" "$(tail -n 5 "$D/node-exporter.log")"
	finish
fi
check "the node exporter serves the queue" eval \
	"curl -fs 'http://127.0.0.1:$node_port/metrics' | grep -q '^ipctop_msg_queue_bytes{id=\"msg:$qid\"'"

# prometheus: scrapes the node exporter every second, evaluates the example rules
mkdir "$D/data"
cat >"$D/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $RULES
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$node_port']
EOF
check "promtool check config accepts the test's configuration" eval \
	"promtool check config '$D/prometheus.yml' >'$D/check-config.out' 2>&1"
if start_server prometheus /-/ready prometheus --config.file="$D/prometheus.yml" \
	--storage.tsdb.path="$D/data" --web.listen-address=127.0.0.1:@PORT@ \
	--web.console.templates="$D/none" --web.console.libraries="$D/none"; then
	ok "prometheus up on 127.0.0.1:$SERVER_PORT"
	prom_port=$SERVER_PORT
else
	fail "prometheus up" "$(tail -n 5 "$D/prometheus.log")"
	finish
fi

# query PROMQL: the first result's value ("" when none)
query() {
	curl -fsG "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" |
		jq -r '.data.result[0].value[1] // empty'
}
# value_is PROMQL VALUE
value_is() { [ "$(query "$1")" = "$2" ]; }

sel="{id=\"msg:$qid\",job=\"node\"}"
check "Prometheus has scraped the queue's bytes: 300" \
	wait_for 90 value_is "ipctop_msg_queue_bytes$sel" 300
check "... its messages: 3" value_is "ipctop_msg_queue_messages$sel" 3
check "... its limit: msgmnb ($qbytes)" value_is "ipctop_msg_queue_max_bytes$sel" "$qbytes"
ratio=$(query "ipctop_msg_queue_bytes$sel / ipctop_msg_queue_max_bytes$sel")
check "... its fill as the alert rule computes it: 300/$qbytes ($ratio)" \
	awk -v v="$ratio" -v q="$qbytes" 'BEGIN { d = v - 300 / q; exit !(v != "" && d < 1e-9 && d > -1e-9) }'
check "the node exporter read the textfile without error" \
	value_is 'node_textfile_scrape_error{job="node"}' 0
check "the scrape is up" value_is 'up{job="node"}' 1
check "ipctop's collection duration is there" eval "[ -n \"\$(query 'ipctop_collect_duration_seconds{job=\"node\"}')\" ]"

# the example rules: loaded, evaluated, healthy
rules_ok() {
	curl -fs "http://127.0.0.1:$prom_port/api/v1/rules" |
		jq -e '[.data.groups[].rules[]] | length == 6 and all(.health == "ok")' >/dev/null
}
check "the example rules evaluate on real data without error" wait_for 30 rules_ok
check "the test's queue (300 of $qbytes bytes) raises no nearly-full alert" eval \
	"[ -z \"\$(query 'ALERTS{alertname=\"IpctopMsgQueueNearlyFull\",id=\"msg:$qid\"}')\" ]"

kill -TERM "$ipctop_pid"
wait "$ipctop_pid"
check "ipctop --batch --textfile ends on SIGTERM" test $? -eq 143
check "ipctop said nothing on stderr" test ! -s "$D/ipctop.err"
[ -s "$D/ipctop.err" ] && head -n 5 "$D/ipctop.err"

finish
