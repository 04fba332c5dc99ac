#!/bin/sh
# tests/integration/bpf_programs.sh - every BPF program ipctop carries loads on this kernel.
# As root on a kernel with BTF (/sys/kernel/btf/vmlinux), in a build with BPF, each program
# must pass the verifier, loaded on its own as ipctop loads it: a refusal FAILS this test and
# prints the verifier's reason. Also checks that a refusal is reported truly: without the
# capabilities (setpriv, as nobody) the reason names them, and never claims a verifier's; a
# program every verifier refuses (refused.bpf.c) is reported with the verifier's own reason.
# Skips (77) only where loading cannot be expected: not root, no BTF, built without BPF.
. "${top_srcdir:-.}/tests/integration/lib.sh"

PROGS=${top_builddir:-.}/tests/integration/bpf_programs

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: not root: BPF programs need CAP_BPF and CAP_PERFMON"
	exit 77
fi
if [ ! -e /sys/kernel/btf/vmlinux ]; then
	echo "SKIP: this kernel has no BTF (/sys/kernel/btf/vmlinux): the programs cannot relocate"
	exit 77
fi
out=$(env -u IPCTOP_NO_BPF "$PROGS")
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
if [ $rc -eq 2 ]; then
	echo "SKIP: built without BPF"
	exit 77
fi
check "every BPF program loads, each on its own (exit 0)" [ $rc -eq 0 ]
check "the descriptor iterator loads" sh -c 'printf "%s\n" "$1" | grep -qx "fd_iter ok"' - "$out"
check "the mappings iterator loads" sh -c 'printf "%s\n" "$1" | grep -qx "maps_iter ok"' - "$out"

# a refusal says why truly: as nobody, without capabilities, it is the missing capability
if command -v setpriv >/dev/null 2>&1; then
	nob=$(env -u IPCTOP_NO_BPF setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all --bounding-set=-all "$PROGS" 2>&1)
	printf '%s\n' "$nob" | sed 's/^/# nobody: /'
	check "as nobody: each program refused, naming CAP_BPF and CAP_PERFMON, no verifier blamed" \
		sh -c 'printf "%s\n" "$1" | grep -c "refused: E[A-Z]*: loading the BPF .* needs CAP_BPF and CAP_PERFMON" |
			grep -qx 2 && ! printf "%s\n" "$1" | grep -q verifier' - "$nob"
fi
# a program every verifier refuses: the reason is the verifier's own line, not a capability
ref=$(env -u IPCTOP_NO_BPF "$PROGS" --refused)
printf '%s\n' "$ref" | sed 's/^/# /'
check "a program the verifier refuses: reported with the verifier's reason (R2 !read_ok)" \
	sh -c 'printf "%s\n" "$1" | grep -qx "refused refused: EACCES: the verifier refused the test program: R2 !read_ok"' - "$ref"
IPCTOP_NO_BPF=1 "$PROGS" >"${TMPDIR:-/tmp}/bpf_programs.$$" 2>&1
off_rc=$?
check "IPCTOP_NO_BPF=1: nothing loaded, each says off (IPCTOP_NO_BPF is set)" \
	sh -c '[ "$1" -eq 1 ] && [ "$(grep -c "refused: off (IPCTOP_NO_BPF is set)" "$2")" -eq 2 ]' - \
	"$off_rc" "${TMPDIR:-/tmp}/bpf_programs.$$"
rm -f "${TMPDIR:-/tmp}/bpf_programs.$$"
finish
