# tests/integration/lib.sh - shared helpers for live and tmux tests (sourced, POSIX sh + bash).
#
# Each test script: sources this file, calls `check NAME COMMAND...` or `ok NAME`/`fail NAME WHY`
# (or `skip NAME WHY`, only when the kernel or machine lacks what the check needs) for each
# test, and ends with `finish`, which prints "RESULT: P passed, F failed, S skipped" and exits
# non-zero on any failure. A tool that build.sh installs is required (`require_tool`): its
# absence is a failure, never a skip. Cleanup functions registered with `on_exit` run on every exit,
# including SIGINT/SIGTERM. Processes are only ever killed by the PID the test started.

: "${IPCTOP:=${top_builddir:-.}/ipctop}"

# A private, empty settings directory: a user's saved ~/.config/ipctop/ipctoprc (say,
# "view = topology") must not change what a test sees. Tests that test settings set their own.
T_CONFIG_HOME=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-test-config.XXXXXX")
XDG_CONFIG_HOME=$T_CONFIG_HOME
export XDG_CONFIG_HOME
T_PASSED=0
T_FAILED=0
T_SKIPPED=0
T_CLEANUPS=""

ok()   { T_PASSED=$((T_PASSED + 1)); echo "ok - $1"; }
fail() { T_FAILED=$((T_FAILED + 1)); echo "FAIL - $1${2:+: $2}"; }
skip() { T_SKIPPED=$((T_SKIPPED + 1)); echo "skip - $1${2:+: $2}"; }
check() {
	name=$1; shift
	if "$@"; then ok "$name"; else fail "$name" "command failed: $*"; fi
}

on_exit() { T_CLEANUPS="$1; $T_CLEANUPS"; }
on_exit 'rm -rf "$T_CONFIG_HOME"'
run_cleanups() {
	c=$T_CLEANUPS; T_CLEANUPS=""
	eval "$c" 2>/dev/null || true
}
trap 'run_cleanups' EXIT
trap 'run_cleanups; exit 130' INT
trap 'run_cleanups; exit 143' TERM

# wait_for DEADLINE_SECONDS COMMAND... : polls COMMAND every 50 ms until it succeeds.
wait_for() {
	deadline=$1; shift
	end=$(( $(date +%s%N) / 1000000 + deadline * 1000 ))
	while :; do
		if "$@"; then return 0; fi
		[ $(( $(date +%s%N) / 1000000 )) -ge "$end" ] && return 1
		sleep 0.05
	done
}

finish() {
	run_cleanups
	echo "RESULT: $T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
	[ "$T_FAILED" -eq 0 ]
	exit $?
}

# require_tool COMMAND PACKAGE: a tool build.sh installs (jq, tmux, ...) is part of the test
# environment; without it the test fails (one failure saying what to install) and ends.
require_tool() {
	command -v "$1" >/dev/null 2>&1 && return 0
	fail "$1 installed" "$1 is missing: install the Debian package $2 (./build.sh installs it)"
	finish
}
