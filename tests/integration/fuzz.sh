# tests/integration/fuzz.sh - a short libFuzzer run of every parser target (tests/fuzz/):
# checks that every buffer parser declared by a probe of this build has a target with seeds,
# then builds the targets with clang and runs each for IPCTOP_FUZZ_SECONDS (default 8).
# A crash fails the test; its input is kept under $top_builddir/tests/fuzz/out/crashes/.
# Exits 77 (skip) when clang or its libFuzzer runtime is missing.
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
RUN="$srcdir/tests/fuzz/run.sh"
secs=${IPCTOP_FUZZ_SECONDS:-8}

# ---- every parser of the probes in this build has a target with seeds ---------------------
sources=$(sh "$RUN" -B "$builddir" -L) || { fail "run.sh -L lists the build's sources"; finish; }
missing=""
nparsers=0
for c in $(printf '%s\n' "$sources" | grep '^probes/.*\.c$'); do
	h=$srcdir/${c%.c}.h
	[ -f "$h" ] || continue
	# declarations "TYPE NAME(const char|void *ARG, size_t ..." whose NAME says parse
	for fn in $(sed -n 's/^[a-z].*[ *]\([a-z0-9_]*parse[a-z0-9_]*\)(const \(char\|void\|unsigned char\|uint8_t\) \*[a-z_]*, size_t.*/\1/p' "$h"); do
		nparsers=$((nparsers + 1))
		grep -qw "$fn" "$srcdir"/tests/fuzz/fuzz_*.c 2>/dev/null || missing="$missing $fn ($h)"
	done
done
if [ "$nparsers" -gt 0 ] && [ -z "$missing" ]; then
	ok "each of the $nparsers buffer parsers of the probes is called by a fuzz target"
else
	fail "every buffer parser of the probes has a fuzz target" "none for:$missing"
fi
nomissing=""
for t in "$srcdir"/tests/fuzz/fuzz_*.c; do
	m=$(basename "$t" .c)
	m=${m#fuzz_}
	[ -n "$(ls "$srcdir/tests/fuzz/corpus/$m" 2>/dev/null)" ] || nomissing="$nomissing $m"
done
if [ -z "$nomissing" ]; then ok "every fuzz target has a seed corpus"
else fail "every fuzz target has a seed corpus" "none in tests/fuzz/corpus/ for:$nomissing"; fi

# ---- build and run -------------------------------------------------------------------------
out=$(mktemp "${TMPDIR:-/tmp}/ipctop-fuzz.XXXXXX") || exit 99
on_exit "rm -f '$out'"
start=$(date +%s)
# at the lowest priority: `make -j check` runs timing-sensitive tests beside this one
nice -n 19 sh "$RUN" -B "$builddir" -t "$secs" >"$out" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
if [ "$rc" -eq 77 ]; then
	cat "$out"
	if [ "$T_FAILED" -eq 0 ]; then
		echo "SKIP: $(tail -n 1 "$out")"
		run_cleanups
		exit 77
	fi
	fail "fuzz targets built" "$(tail -n 1 "$out")"
	finish
fi
[ "$rc" -eq 99 ] && fail "run.sh could use the build directory" "$(tail -n 3 "$out")"

# one result per target line of run.sh; its other lines (crash details, skips) as they come
n=0
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }"; n=$((n + 1)) ;;
	"FAIL - "*) fail "${line#FAIL - }"; n=$((n + 1)) ;;
	*) printf '%s\n' "$line" ;;
	esac
done <"$out"
[ "$n" -gt 0 ] || fail "run.sh reported on the fuzz targets" "exit status $rc, no result lines"
[ "$rc" -eq 0 ] || [ "$T_FAILED" -gt 0 ] || fail "run.sh exit status" "$rc"
echo "# fuzzing took ${took}s (${secs}s per target)"
finish
