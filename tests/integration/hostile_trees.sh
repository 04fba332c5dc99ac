#!/bin/sh
# tests/integration/hostile_trees.sh - ipctop on garbage and truncated /proc trees (issue 7,
# hostile conditions).
#
# For each seed 1..N (default 300; HOSTILE_TREES_VARIANTS overrides), tree_mangler copies one of
# the recorded trees under tests/fixtures/ (taken in turn) into a temporary directory and
# corrupts it (truncations, garbage bytes, deleted files, files that are directories, dangling
# and looping symlinks, /dev/zero, huge numbers, binary junk, long lines...; see
# tree_mangler.c), then `ipctop --once --json --sysroot DIR` runs on it. Checked for every
# variant: it ends within 20 s with status 0 or 1 and no sanitizer report; status 0 means one
# line holding one JSON object with every CONTRACT list, a non-empty errors list of
# {where, error} strings; status 1 means nothing on stdout and one line on stderr. When the
# mangler says a file ipctop must read was destroyed ("EXPECT error WHERE"), an error's where
# must start with WHERE ("pid 123 status", "sysvipc/msg"). Reproduce a failure with
#   tree_mangler tests/fixtures/TREE /tmp/x SEED && ipctop --once --json --sysroot /tmp/x
# (the failing seed and tree are printed). The whole run stops making variants after
# HOSTILE_TREES_SECONDS (default 300) and then needs at least 100 of them done.
. "${top_srcdir:-.}/tests/integration/lib.sh"

MANGLER=${top_builddir:-.}/tests/integration/tree_mangler
FIXTURES=${top_srcdir:-.}/tests/fixtures
VARIANTS=${HOSTILE_TREES_VARIANTS:-300}
BUDGET=${HOSTILE_TREES_SECONDS:-300}

require_tool jq jq

TMP=$(mktemp -d)
on_exit "chmod -R u+rwX '$TMP' 2>/dev/null; rm -rf '$TMP'"

# A sanitizer report must not pass for ipctop's own status 1.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:exitcode=87:print_stacktrace=1"
export ASAN_OPTIONS UBSAN_OPTIONS

trees=""
for d in "$FIXTURES"/*/; do
	[ -d "$d/proc" ] && trees="$trees $(basename "$d")"
done
set -- $trees
n_trees=$#
if [ "$n_trees" -eq 0 ]; then
	fail "fixture trees found under $FIXTURES"
	finish
fi
echo "# trees: $trees"

# The CONTRACT shape of one snapshot; prints what is wrong, nothing if it is right.
SHAPE='
	def lists: ["errors", "processes", "pipes", "unix_sockets", "msg_queues", "shm_segments",
		    "sem_sets", "posix_mqueues", "posix_shm", "posix_sems", "signal_events", "deadlocks"];
	if type != "object" then "not an object"
	elif .schema != 1 then "schema \(.schema)"
	elif (.sources | type) != "object" then "sources not an object"
	else
		(lists[] as $k | select((.[$k] | type) != "array") | "\($k) not a list"),
		(if (.errors | length) == 0 then "errors empty" else empty end),
		(.errors[] | select((.where | type) != "string" or (.error | type) != "string"
				    or .where == "" or .error == "") | "bad error \(tojson)"),
		(.processes[] | select((.pid | type) != "number" or (.comm | type) != "string")
		 | "bad process \(tojson | .[0:200])")
	end'

# Each unmangled tree gives a well-formed snapshot.
for t in $trees; do
	"$IPCTOP" --once --json --sysroot "$FIXTURES/$t" >"$TMP/base.json" 2>"$TMP/base.err"
	rc=$?
	shape=$(jq -r "$SHAPE" "$TMP/base.json" 2>&1 | head -n 3)
	if [ "$rc" -ne 0 ] || [ -n "$shape" ]; then
		fail "unmangled tree $t" "status $rc: $(head -c 300 "$TMP/base.err") $shape"
	fi
done

start=$(date +%s)
done_n=0 bad=0 expected=0 exits1=0
i=1
while [ "$i" -le "$VARIANTS" ]; do
	if [ $(( $(date +%s) - start )) -ge "$BUDGET" ]; then
		echo "# time budget of ${BUDGET}s reached after $done_n variants"
		break
	fi
	k=$(( (i - 1) % n_trees + 1 ))
	eval "tree=\${$k}"
	dir="$TMP/v$i"
	why=""
	if ! "$MANGLER" "$FIXTURES/$tree" "$dir" "$i" >"$TMP/mut" 2>"$TMP/mut.err"; then
		why="tree_mangler failed: $(cat "$TMP/mut.err")"
	else
		timeout 20 "$IPCTOP" --once --json --sysroot "$dir" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		if grep -Eq 'Sanitizer|runtime error|AddressSanitizer|LeakSanitizer' "$TMP/err"; then
			why="sanitizer report (status $rc): $(head -c 1500 "$TMP/err")"
		elif [ "$rc" -eq 124 ]; then
			why="did not finish within 20 s"
		elif [ "$rc" -eq 1 ]; then
			exits1=$((exits1 + 1))
			if [ -s "$TMP/out" ]; then
				why="status 1 with output on stdout"
			elif [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
				why="status 1 without a one-line message: $(head -c 300 "$TMP/err")"
			fi
		elif [ "$rc" -ne 0 ]; then
			why="status $rc: $(head -c 1500 "$TMP/err")"
		elif [ "$(wc -l <"$TMP/out")" -ne 1 ]; then
			why="$(wc -l <"$TMP/out") lines of output"
		else
			shape=$(jq -r "$SHAPE" "$TMP/out" 2>&1 | head -n 3)
			if [ -n "$shape" ]; then
				why="bad JSON: $shape"
			elif grep -q '^EXPECT error ' "$TMP/mut"; then
				expected=$((expected + 1))
				missing=$(sed -n 's/^EXPECT error //p' "$TMP/mut" | while read -r w; do
					jq -e --arg w "$w" 'any(.errors[]; .where | startswith($w))' \
						"$TMP/out" >/dev/null || printf '%s; ' "$w"
				done)
				[ -n "$missing" ] && why="no error names the destroyed $missing"
			fi
		fi
	fi
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		fail "seed $i (tree $tree)" "$why; corruptions: $(grep MUTATION "$TMP/mut" | tr '\n' ';')"
	fi
	chmod -R u+rwX "$dir" 2>/dev/null
	rm -rf "$dir"
	done_n=$((done_n + 1))
	i=$((i + 1))
done

echo "# $done_n variants in $(( $(date +%s) - start )) s: $bad bad, $expected with a destroyed file, $exits1 exited 1"
check "at least 100 variants ran (got $done_n)" [ "$done_n" -ge 100 ]
check "ipctop survived every variant" [ "$bad" -eq 0 ]
check "some variants destroyed a file that must give an error (got $expected)" [ "$expected" -ge 5 ]

# A FIFO planted where a /proc file should be: ipctop must not open it (that would hang, and
# could wake a peer blocked in open()): it is reported as an error and the rest is read.
F="$TMP/fifo-tree"
cp -r "$top_srcdir/tests/fixtures/sysv-basic" "$F"
chmod -R u+w "$F"
rm -f "$F/proc/sysvipc/msg" "$F/proc/13158/status"
mkfifo "$F/proc/sysvipc/msg" "$F/proc/13158/status"
timeout 20 "$IPCTOP" --once --json --sysroot "$F" >"$TMP/fifo.json" 2>"$TMP/fifo.err"
rc=$?
check "a FIFO in the tree does not block ipctop (exit $rc)" [ "$rc" -eq 0 ]
check "the planted FIFOs are reported as errors" jq -e '
	([.errors[] | select(.where == "sysvipc/msg")] | length >= 1) and
	([.errors[] | select(.where | test("^pid 13158"))] | length >= 1) and
	(.shm_segments | length >= 1)' "$TMP/fifo.json"

finish
