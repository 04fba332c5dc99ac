#!/bin/sh
# tests/run-all.sh BUILDDIR... - runs `make check` in each build directory, prints every
# test's CUnit run summary (whole logs for failures), then one line "N passed, N failed"
# adding up every test of every program. Exits non-zero on any failure.
set -u
passed=0
failed=0
status=0
for dir in "$@"; do
	echo "=== make check in $dir ==="
	make -C "$dir" -j"$(nproc)" --no-print-directory check >"$dir/check.out" 2>&1 || status=1
	grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):' "$dir/check.out"
	# only the harness's logs: each test's .log has a .trs beside it (fuzzer logs etc. do not)
	for trs in $(find "$dir/tests" -name '*.trs' | sort); do
		log=${trs%.trs}.log
		res=$(grep -E '^RESULT: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
		verdict=$(sed -n 's/^:test-result: //p' "$trs" 2>/dev/null | head -n 1)
		echo "--- ${log#"$dir"/} (${verdict:-?})"
		if [ "$verdict" = PASS ] || [ "$verdict" = SKIP ]; then
			# CUnit's own run summary, if this is a CUnit program
			sed -n '/^Run Summary:/,/^Elapsed time/p' "$log"
		else
			cat "$log"
		fi
		if [ -n "$res" ]; then
			echo "$res"
			p=$(echo "$res" | sed 's/RESULT: \([0-9]*\) passed.*/\1/')
			f=$(echo "$res" | sed 's/.*passed, \([0-9]*\) failed.*/\1/')
			passed=$((passed + p))
			failed=$((failed + f))
		fi
		# a program that crashed before its RESULT line counts as one failed test
		if [ "$verdict" = FAIL ] || [ "$verdict" = ERROR ]; then
			[ -z "$res" ] && failed=$((failed + 1))
			status=1
		fi
	done
	if [ "$status" -ne 0 ] && ! grep -q '^# FAIL: *[1-9]\|^# ERROR: *[1-9]' "$dir/check.out"; then
		# make itself failed (e.g. a compile error in a test)
		tail -n 30 "$dir/check.out"
	fi
done
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
