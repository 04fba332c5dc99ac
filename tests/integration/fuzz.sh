# tests/integration/fuzz.sh - the fuzz targets' corpora replayed (tests/fuzz/): checks that every
# buffer parser declared by a probe of this build has a target with seeds, then runs each
# target once on every seed through tests/fuzz/replay_<module> (built by `make check` with the
# build's compiler and flags: under ASan/UBSan in a sanitizer build). Deterministic and quick;
# timed fuzzing with libFuzzer, which grows the corpus, is `make fuzz` (tests/fuzz/run.sh).
# A broken promise or a sanitizer error on a seed fails the test.
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
RUN="$srcdir/tests/fuzz/run.sh"

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

# ---- replay every corpus ------------------------------------------------------------------
OUT=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-replay.XXXXXX") || exit 99
on_exit "rm -rf '$OUT'"
for t in "$srcdir"/tests/fuzz/fuzz_*.c; do
	m=$(basename "$t" .c)
	m=${m#fuzz_}
	bin=$builddir/tests/fuzz/replay_$m
	if [ ! -x "$bin" ]; then
		fail "fuzz_$m: its seeds replay" "no $bin: add replay_$m to tests/Makemodule.am (see tests/fuzz/README)"
		continue
	fi
	log=$OUT/replay_$m.out
	if "$bin" "$srcdir/tests/fuzz/corpus/$m" >"$log" 2>&1; then
		ok "fuzz_$m: $(grep '^replayed ' "$log" | sed 's| from .*||')"
	else
		fail "fuzz_$m: its seeds replay" "exit status $?, last input and report:"
		grep -v '^replayed ' "$log" | tail -n 20 | sed 's/^/#   /'
	fi
done
finish
