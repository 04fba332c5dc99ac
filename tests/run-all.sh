#!/bin/sh
# tests/run-all.sh BUILDDIR... - runs `make check` in each build directory, prints every test's
# results (whole logs for failures), then one line "N passed, N failed, N skipped" adding up the
# checks of every test of every directory. Exits non-zero on any failure.
#
# How a test is counted (any test in TESTS, whatever its kind):
#   - its last line "RESULT: P passed, F failed, S skipped" (", S skipped" may be left out and
#     counts 0). CUnit programs print it through tests/unit/testmain.c (a test that cannot run
#     here calls test_skip() and is counted as skipped, not passed); shell tests through
#     tests/integration/lib.sh (ok / fail / skip, then finish). New tests print it too.
#   - without a RESULT line: its TAP-ish lines, "ok - ..." passed, "FAIL - ..." or "not ok ..."
#     failed, "skip - ..." skipped; with none of them, one check by the harness's verdict.
#   - a test that exits 77 (automake's SKIP) without a RESULT line is one skip; a test whose
#     verdict is FAIL or ERROR is at least one failure whatever it printed.
# A skip is only for what this kernel or machine lacks; a missing tool that build.sh installs
# is a failure (lib.sh's require_tool).
#
# It also prints each test's wall time (its log's creation to its .trs) and their sum per
# directory, and the wall time of each `make check` (tests run two at a time: the sum is
# larger than the wall time).
set -u
passed=0
failed=0
skipped=0
status=0

# count_lines LOG: "P F S" from the TAP-ish lines of LOG
count_lines() {
	p=$(grep -c '^ok - ' "$1")
	f=$(grep -c -E '^(FAIL - |not ok )' "$1")
	s=$(grep -c '^skip - ' "$1")
	echo "$p $f $s"
}

for dir in "$@"; do
	echo "=== make check in $dir ==="
	start=$(date +%s)
	make_rc=0
	make -C "$dir" -j"$(nproc)" --no-print-directory check >"$dir/check.out" 2>&1 || make_rc=1
	took=$(( $(date +%s) - start ))
	grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):' "$dir/check.out"
	sum_ms=0
	# only the harness's logs: each test's .log has a .trs beside it (fuzzer logs etc. do not)
	for trs in $(find "$dir/tests" -name '*.trs' | sort); do
		log=${trs%.trs}.log
		res=$(grep -E '^RESULT: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
		verdict=$(sed -n 's/^:test-result: //p' "$trs" 2>/dev/null | head -n 1)
		# wall time: the harness creates the log when the test starts, writes .trs at its end
		ms=$(stat -c '%.3W %.3Y' "$log" "$trs" 2>/dev/null |
			awk 'NR == 1 { b = $1 } NR == 2 { e = $2 } END { if (b > 0 && e >= b) printf "%d", (e - b) * 1000; else print 0 }')
		sum_ms=$((sum_ms + ms))
		echo "--- ${log#"$dir"/} (${verdict:-?}, $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s)"
		if [ "$verdict" = PASS ] || [ "$verdict" = SKIP ]; then
			# CUnit's own run summary, if this is a CUnit program; and every skip's reason
			sed -n '/^Run Summary:/,/^Elapsed time/p' "$log"
			grep -E '^(SKIP: |skip - )' "$log"
		else
			cat "$log"
		fi
		if [ -n "$res" ]; then
			echo "$res"
			p=$(echo "$res" | sed 's/^RESULT: \([0-9]*\) passed.*/\1/')
			f=$(echo "$res" | sed 's/.*passed, \([0-9]*\) failed.*/\1/')
			s=$(echo "$res" | sed -n 's/.*failed, \([0-9]*\) skipped.*/\1/p')
		elif [ "$verdict" = SKIP ]; then
			p=0 f=0 s=1
		else
			set -- $(count_lines "$log")
			p=$1 f=$2 s=$3
			if [ $((p + f + s)) -eq 0 ]; then
				case $verdict in PASS | XFAIL) p=1 ;; *) f=1 ;; esac
			fi
		fi
		s=${s:-0}
		if [ "$verdict" = FAIL ] || [ "$verdict" = ERROR ] || [ "$verdict" = XPASS ]; then
			# a crash after its RESULT line, or an exit status that contradicts it
			[ "$f" -eq 0 ] && f=1
			status=1
		fi
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + s))
	done
	echo "=== $dir: make check took ${took}s; the tests' own times add up to $((sum_ms / 1000))s"
	if [ "$make_rc" -ne 0 ]; then
		status=1
		if ! grep -q '^# FAIL: *[1-9]\|^# ERROR: *[1-9]' "$dir/check.out"; then
			# make itself failed (e.g. a compile error in a test)
			tail -n 30 "$dir/check.out"
			failed=$((failed + 1))
		fi
	fi
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
