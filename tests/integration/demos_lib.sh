# tests/integration/demos_lib.sh - helpers for demos.sh (sourced after lib.sh).
#
# A demo runs under demo_reaper (a child subreaper: PID 1 may never reap), with its registry
# in a private directory ($IPCTOP_DEMO_DIR) so `demo cleanup` only ever sees this test's
# demos. State of the demo under test: D_NAME, D_OUT (its stdout: the record stream), D_ERR,
# D_JOB (the reaper's pid), D_ROOT (the root pid from "ready"); D_IN: the demo's stdin.

DT=$(mktemp -d)
export IPCTOP_DEMO_DIR="$DT/registry"
REAPER=${top_builddir:-.}/tests/integration/demo_reaper
D_JOB=""
D_RUN=0
on_exit "rm -rf '$DT'"
# a demo still running when the test ends: TERM (it cleans up), then reap the reaper
on_exit '[ -n "$D_JOB" ] && kill -TERM "$D_JOB" 2>/dev/null
	[ -n "$D_JOB" ] && wait "$D_JOB" 2>/dev/null'

# demo_start NAME [ARG]...: `demo run NAME ARG...` in the background; waits for "ready PID".
demo_start() {
	D_NAME=$1
	shift
	D_RUN=$((D_RUN + 1))
	# files of their own, created before the job starts (it might not have opened them yet)
	D_OUT=$DT/$D_RUN-$D_NAME.out
	D_ERR=$DT/$D_RUN-$D_NAME.err
	: >"$D_OUT"
	: >"$D_ERR"
	D_ROOT=""
	# stdin explicitly (an asynchronous command's would be /dev/null), the test's fd 7 closed
	"$REAPER" "$IPCTOP" demo run "$D_NAME" "$@" <"${D_IN:-/dev/null}" >"$D_OUT" 2>"$D_ERR" 7>&- &
	D_JOB=$!
	if wait_for 15 grep -qs '^ready [0-9][0-9]*$' "$D_OUT"; then
		D_ROOT=$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$D_OUT" | head -n 1)
		# (the whole pid: it names the conductor, comm ipctop-demo)
		if [ "$(cat "/proc/$D_ROOT/comm" 2>/dev/null)" = ipctop-demo ]; then
			ok "$D_NAME: prints 'ready <root pid>' once its objects exist"
			return 0
		fi
	fi
	fail "$D_NAME: prints 'ready <root pid>' once its objects exist" \
		"got '$D_ROOT'; $(tail -n 3 "$D_ERR")"
	kill -TERM "$D_JOB" 2>/dev/null
	wait "$D_JOB" 2>/dev/null
	D_JOB=""
	return 1
}

# The root and every process the stream announced that still exists, comma separated.
demo_pids() {
	{ echo "$D_ROOT"; awk -F'\t' '$1 == "process" { print $2 }' "$D_OUT"; } | sort -un |
		while read -r p; do [ -d "/proc/$p" ] && echo "$p"; done | paste -sd, -
}

# The first object id of a kind ("msg", "pipe", ...) the stream announced.
demo_object() {
	awk -F'\t' -v k="$1" '$1 == "object" && index($2, k ":") == 1 { print $2; exit }' "$D_OUT"
}

# Every object id the stream announced so far, as a JSON array.
demo_objects_json() {
	awk -F'\t' '$1 == "object" { print $2 }' "$D_OUT" | jq -R . | jq -sc .
}

job_done() {
	[ ! -d "/proc/$D_JOB" ] || [ "$(cut -d' ' -f3 "/proc/$D_JOB/stat" 2>/dev/null)" = Z ]
}

# Filters see the snapshot as "." and, anywhere inside, as $S (what pids() and pid() read);
# ours($kind): the objects of that list the demo announced.
JQ_DEFS='. as $S |
def has($x): any(.[]?; . == $x);
def pids($c): [$S.processes[] | select(.comm == $c) | .pid];
def pid($c): pids($c)[0];
def ends(l): [l[]?.pid] | unique;
def sigs: (.signals.pending // []) + (.signals.shared_pending // []);
def ours(l): [l[]? | select(.id | IN($objs[]))];
'

# snap: one `--once --json --pid <the demo's processes>` into $DT/snap.json.
snap() {
	"$IPCTOP" --once --json --pid "$(demo_pids)" >"$DT/snap.json" 2>"$DT/snap.err"
}

# jq_snap [jq options] FILTER: jq on the last snapshot with $root (the root pid) and $objs
# (every object id announced so far) bound, and the helpers defined.
jq_snap() {
	jq --argjson root "$D_ROOT" --argjson objs "$(demo_objects_json)" "$@" "$DT/snap.json"
}

# snap_true FILTER [jq args]: a fresh snapshot satisfies FILTER.
snap_true() {
	f=$1
	shift
	snap || return 1
	jq_snap -e "$@" "$JQ_DEFS $f" >/dev/null 2>"$DT/jq.err"
	jq_rc=$?
	# 0 true, 1 false/null; anything else is a broken filter: say so, stop polling
	if [ "$jq_rc" -gt 1 ]; then
		echo "# jq filter error (exit $jq_rc): $(head -c 300 "$DT/jq.err")"
		BROKEN_FILTER=1
		return 0
	fi
	return "$jq_rc"
}

# expect NAME DEADLINE SHOW FILTER [jq args]: FILTER holds in some snapshot within DEADLINE
# seconds; on failure prints SHOW (a jq expression) of the last snapshot.
expect() {
	e_name=$1 e_deadline=$2 e_show=$3 e_filter=$4
	shift 4
	BROKEN_FILTER=""
	if wait_for "$e_deadline" snap_true "$e_filter" "$@" && [ -z "$BROKEN_FILTER" ]; then
		ok "$D_NAME: $e_name"
	else
		fail "$D_NAME: $e_name" "never true in ${e_deadline}s; last snapshot: $(jq_snap -c \
			"$@" "$JQ_DEFS $e_show" 2>&1 | head -c 1500)"
	fi
}

# snap_value EXPR [jq args]: EXPR of a fresh snapshot, printed compactly ("null" if none).
snap_value() {
	v=$1
	shift
	snap && jq_snap -c "$@" "$JQ_DEFS $v" 2>/dev/null
}

value_changed() {
	cur=$(snap_value "$@")
	[ -n "$cur" ] && [ "$cur" != null ] && [ "$cur" != "$first" ]
}

# expect_change NAME DEADLINE EXPR [jq args]: EXPR (not null) takes two different values in
# two snapshots within DEADLINE seconds.
expect_change() {
	c_name=$1 c_deadline=$2
	shift 2
	first=""
	cur=""
	if wait_for "$c_deadline" first_value "$@" && wait_for "$c_deadline" value_changed "$@"; then
		ok "$D_NAME: $c_name ($first -> $cur)"
	else
		fail "$D_NAME: $c_name" "first value '${first:-none}', last '${cur:-none}'"
	fi
}

first_value() {
	first=$(snap_value "$@")
	[ -n "$first" ] && [ "$first" != null ]
}

# mq_listing: the names in the mqueue file system (/dev/mqueue, or a private mount).
mq_listing() {
	if grep -q ' /dev/mqueue mqueue ' /proc/mounts 2>/dev/null; then
		ls /dev/mqueue
	elif [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null 2>&1; then
		unshare -m sh -c 'mount --make-rprivate / && mount -t tmpfs none /mnt &&
			mkdir /mnt/mq && mount -t mqueue none /mnt/mq && ls /mnt/mq'
	else
		return 1
	fi
}

# leftovers: prints what the demo D_ROOT left behind (nothing when clean).
leftovers() {
	awk -F'\t' '$1 == "process" { print $2, $3 }' "$D_OUT" | sort -u |
		while read -r p role; do
			[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$role" ] && echo "process $p ($role)"
		done
	[ "$(cat "/proc/$D_ROOT/comm" 2>/dev/null)" = ipctop-demo ] && echo "root process $D_ROOT"
	awk -F'\t' '$1 == "object" { print $2 }' "$D_OUT" | sort -u | while IFS=: read -r kind id; do
		case $kind in
		msg | shm | sem)
			awk -v id="$id" 'NR > 1 && $2 == id { found = 1 } END { exit !found }' \
				"/proc/sysvipc/$kind" && echo "$kind:$id"
			;;
		esac
	done
	for f in /dev/shm/ipctop-demo-"$D_ROOT"-* /dev/shm/sem.ipctop-demo-"$D_ROOT"-*; do
		[ -e "$f" ] && echo "$f"
	done
	if mq_listing >"$DT/mq.txt" 2>/dev/null; then
		grep "^ipctop-demo-$D_ROOT-" "$DT/mq.txt" | sed 's|^|/dev/mqueue/|'
	fi
	[ -e "$IPCTOP_DEMO_DIR/$D_ROOT" ] && echo "directory $IPCTOP_DEMO_DIR/$D_ROOT (FIFOs, sockets)"
	return 0
}

# demo_end REASON: the demo ends (by itself or after the caller's signal) within 15 s with
# status 0, its last line is "end REASON", stderr is empty, and nothing is left.
demo_end() {
	reason=$1
	if wait_for 15 job_done; then
		wait "$D_JOB"
		rc=$?
		D_JOB=""
		check "$D_NAME: exits 0" [ "$rc" -eq 0 ]
	else
		fail "$D_NAME: exits 0" "still running after 15 s"
		kill -TERM "$D_JOB" 2>/dev/null
		wait "$D_JOB"
		D_JOB=""
	fi
	last=$(tail -n 1 "$D_OUT")
	check "$D_NAME: the last record is 'end	$reason' (got '$last')" [ "$last" = "end	$reason" ]
	check "$D_NAME: nothing on stderr ($(head -c 300 "$D_ERR"))" [ ! -s "$D_ERR" ]
	left=$(leftovers)
	check "$D_NAME: nothing is left${left:+: $(echo "$left" | paste -sd, -)}" [ -z "$left" ]
}

# demo_stop: SIGTERM to the root, then demo_end signal.
demo_stop() {
	kill -TERM "$D_ROOT"
	demo_end signal
}
