#!/bin/sh
# tests/fuzz/run.sh - builds the libFuzzer targets tests/fuzz/fuzz_<module>.c with clang and runs
# each for a while on its seed corpus tests/fuzz/corpus/<module>/ (see tests/fuzz/README).
#
#   tests/fuzz/run.sh [-B BUILDDIR] [-o OUTDIR] [-t SECONDS] [-j JOBS] [MODULE...]
#
#   -B BUILDDIR  a configured build directory: its config.h, and its Makefile's source lists
#                and flags (default: $top_builddir, else ./build)
#   -o OUTDIR    objects, binaries, the corpus the fuzzer grows, crash inputs and logs
#                (default: BUILDDIR/tests/fuzz/out); never the source tree's seed corpus
#   -t SECONDS   how long to run each target (default: $IPCTOP_FUZZ_SECONDS, else 10);
#                0 builds without running
#   -j JOBS      parallel compiles (default: the number of CPUs)
#   -L           only list the sources the build compiles into libfuzz.a, then exit
#   MODULE       run only these (sysv_parse, proc_status, ...); default: every fuzz_*.c
#
# The project's probe, model and core sources (the build's probes_libprobes_a_SOURCES,
# src_libmodel_a_SOURCES and src_libcore_a_SOURCES) are compiled once with
# -fsanitize=fuzzer-no-link,address,undefined
# into OUTDIR/libfuzz.a (recompiled only when a source or header changed); each target links
# against it. A target whose module (probes/<module>.c or src/<module>.c) is not in the build
# yet is skipped.
#
# Prints one line per target: "ok - fuzz_M: ..." / "FAIL - fuzz_M: ..." (with the crash input's
# path, its first bytes and the top of the sanitizer report) / "skip - fuzz_M: why". Exit
# status: 0 all ran clean, 1 a target failed to build or crashed, 77 no clang with libFuzzer,
# 99 the build directory is unusable. Reproduce a crash: OUTDIR/bin/fuzz_M CRASH-FILE.
set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
build=${top_builddir:-$srcdir/build}
out=""
secs=${IPCTOP_FUZZ_SECONDS:-10}
jobs=$(nproc 2>/dev/null || echo 2)
list_only=0

while getopts B:o:t:j:L opt; do
	case $opt in
	B) build=$OPTARG ;;
	o) out=$OPTARG ;;
	t) secs=$OPTARG ;;
	j) jobs=$OPTARG ;;
	L) list_only=1 ;;
	*) sed -n '2,13s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

if [ ! -f "$build/config.h" ] || [ ! -f "$build/Makefile" ]; then
	echo "run.sh: $build is not a configured build directory (no config.h/Makefile)" >&2
	exit 99
fi
build=$(cd "$build" && pwd)
out=${out:-$build/tests/fuzz/out}
mkdir -p "$out/obj" "$out/bin" "$out/corpus" "$out/crashes" "$out/logs" || exit 99
out=$(cd "$out" && pwd)

# ---- what the build says: sources, flags, libraries --------------------------------------
# The source lists that make up libfuzz.a (add a variable here if a parser lives elsewhere).
LIB_VARS="probes_libprobes_a_SOURCES src_libmodel_a_SOURCES src_libcore_a_SOURCES"
{
	echo 'fuzz-print-vars:'
	for v in $LIB_VARS; do printf '\t@echo "src $(%s)"\n' "$v"; done
	printf '\t@echo "gen $(nodist_probes_libprobes_a_SOURCES)"\n'
	printf '\t@echo "cflags $(PROC_CFLAGS) $(LIBBPF_CFLAGS) $(JSONC_CFLAGS) $(ZSTD_CFLAGS)"\n'
	printf '\t@echo "libs $(PROC_LIBS) $(LIBBPF_LIBS) $(JSONC_LIBS) $(ZSTD_LIBS) $(LIBS)"\n'
} >"$out/vars.mk"
vars=$(cd "$build" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -s --no-print-directory -f Makefile -f "$out/vars.mk" fuzz-print-vars 2>"$out/logs/vars.log")
if [ $? -ne 0 ] || [ -z "$vars" ]; then
	echo "run.sh: cannot read the source lists from $build/Makefile: $(head -n 3 "$out/logs/vars.log")" >&2
	exit 99
fi
sources=$(printf '%s\n' "$vars" | sed -n 's/^src //p' | tr ' ' '\n' | grep '\.c$')
if [ "$list_only" = 1 ]; then
	printf '%s\n' "$sources"
	exit 0
fi
# Files the build generates (a BPF build's probes/fd_iter.lskel.h): made in BUILDDIR first;
# the .c among them are compiled from there.
genfiles=$(printf '%s\n' "$vars" | sed -n 's/^gen //p' | tr ' ' '\n' | grep '\.[ch]$')
gen=$(printf '%s\n' "$genfiles" | grep '\.c$')
# shellcheck disable=SC2086
if [ -n "$genfiles" ] && ! (cd "$build" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -s --no-print-directory $genfiles) >"$out/logs/gen.log" 2>&1; then
	echo "run.sh: cannot make the generated sources in $build: $(head -n 3 "$out/logs/gen.log")" >&2
	exit 99
fi

# ---- the compiler and its fuzzer runtime -------------------------------------------------
CC=${CLANG:-}
if [ -z "$CC" ]; then
	for c in clang clang-18 clang-17 clang-16 clang-15 clang-14; do
		if command -v "$c" >/dev/null 2>&1; then CC=$c; break; fi
	done
fi
if [ -z "$CC" ]; then
	echo "run.sh: no clang found (Debian: apt-get install clang)" >&2
	exit 77
fi
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	>"$out/probe.c"
if ! "$CC" -fsanitize=fuzzer,address,undefined "$out/probe.c" -o "$out/probe" \
	>"$out/logs/probe.log" 2>&1; then
	echo "run.sh: $CC cannot link -fsanitize=fuzzer,address,undefined (Debian: the" \
		"libclang-rt-dev package of that clang version): $(head -n 3 "$out/logs/probe.log")" >&2
	exit 77
fi
pcflags=$(printf '%s\n' "$vars" | sed -n 's/^cflags //p')
libs=$(printf '%s\n' "$vars" | sed -n 's/^libs //p')

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CFLAGS="-g -O1 $SAN -I$srcdir -I$build $pcflags"
LIBFLAGS="-fsanitize=fuzzer-no-link $CFLAGS"

# ---- libfuzz.a: the project's sources, compiled when they (or a header they use) changed --
# A change of compiler or flags starts over.
stamp="$CC $LIBFLAGS"
if [ "$(cat "$out/obj/flags" 2>/dev/null)" != "$stamp" ]; then
	rm -f "$out/obj/"*.o "$out/obj/"*.d
	printf '%s\n' "$stamp" >"$out/obj/flags"
fi

# stale OBJ DEP: the object is missing or older than a file its dependency list names
stale() {
	[ -f "$1" ] && [ -f "$2" ] || return 0
	for f in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$2"); do
		[ "$f" -nt "$1" ] && return 0
	done
	return 1
}

objs=""
running=0
for s in $sources $gen; do
	src=$srcdir/$s
	[ -f "$src" ] || src=$build/$s
	o=$out/obj/$(printf '%s' "$s" | tr '/' '_').o
	objs="$objs $o"
	stale "$o" "${o%.o}.d" || continue
	rm -f "$o"
	# shellcheck disable=SC2086
	"$CC" $LIBFLAGS -MMD -MF "${o%.o}.d" -c "$src" -o "$o" >"${o%.o}.log" 2>&1 &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then wait; running=0; fi
done
wait
broken=""
for o in $objs; do
	[ -f "$o" ] || broken="$broken $(basename "${o%.o}")"
done
if [ -n "$broken" ]; then
	for b in $broken; do
		echo "FAIL - build: $CC cannot compile $b:"
		sed 's/^/#   /' "$out/obj/$b.log" | head -n 20
	done
	exit 1
fi
rm -f "$out/libfuzz.a"
# shellcheck disable=SC2086
ar rcs "$out/libfuzz.a" $objs || exit 99

# ---- the targets -------------------------------------------------------------------------
if [ $# -gt 0 ]; then
	modules=$*
else
	modules=$(cd "$here" && ls fuzz_*.c 2>/dev/null | sed 's/^fuzz_\(.*\)\.c$/\1/')
fi
if [ -z "$modules" ]; then
	echo "FAIL - no fuzz targets in $here"
	exit 1
fi

status=0
for m in $modules; do
	t=fuzz_$m
	if [ ! -f "$here/$t.c" ]; then
		echo "FAIL - $t: no $here/$t.c"
		status=1
		continue
	fi
	if ! printf '%s\n' "$sources" | grep -qx "probes/$m.c\|src/$m.c"; then
		echo "skip - $t: probes/$m.c (or src/$m.c) is not in this build yet"
		continue
	fi
	bin=$out/bin/$t
	# shellcheck disable=SC2086
	if ! "$CC" -fsanitize=fuzzer $CFLAGS "$here/$t.c" "$out/libfuzz.a" $libs -o "$bin" \
		>"$out/logs/$t.build.log" 2>&1; then
		echo "FAIL - $t: does not build:"
		sed 's/^/#   /' "$out/logs/$t.build.log" | head -n 20
		status=1
		continue
	fi
	[ "$secs" = 0 ] && { echo "ok - $t: built ($bin)"; continue; }

	work=$out/corpus/$m
	crashes=$out/crashes/$m
	mkdir -p "$work" "$crashes"
	seeds=$here/corpus/$m
	set -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$crashes/"
	[ -f "$here/$m.dict" ] && set -- "$@" -dict="$here/$m.dict"
	set -- "$@" "$work"
	[ -d "$seeds" ] && set -- "$@" "$seeds"
	log=$out/logs/$t.log
	start=$(date +%s)
	UBSAN_OPTIONS=print_stacktrace=1 "$bin" "$@" >"$log" 2>&1
	rc=$?
	took=$(( $(date +%s) - start ))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "ok - $t: ${runs:-?} runs in ${took}s, ${cov:-no coverage line}, corpus $(ls "$work" | wc -l) files"
		continue
	fi
	status=1
	input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	echo "FAIL - $t: exit status $rc after ${runs:-?} runs; input kept: ${input:-none (see $log)}"
	if [ -n "$input" ] && [ -f "$input" ]; then
		echo "#   input ($(wc -c <"$input") bytes), first bytes:"
		od -A d -c "$input" | head -n 8 | sed 's/^/#     /'
	fi
	echo "#   report (whole log: $log):"
	# the error, and the stack frames with a source line (the project's, libc's)
	grep -E 'ERROR: |runtime error|broken promise|^ *#[0-9]+ .* in .*\.[ch]:[0-9]+|SUMMARY' "$log" |
		grep -v 'libFuzzer: deadly signal' | sed 's/ (BuildId: [0-9a-f]*)//' | head -n 16 |
		sed 's/^/#     /'
	echo "#   reproduce: $bin $input"
done
exit $status
