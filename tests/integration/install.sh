# tests/integration/install.sh - `make install DESTDIR=...` from the build directory puts the
# program, the man page and the bash completion where configure said; the installed program
# runs (--version, --help), the installed page renders, the installed completion completes;
# `make uninstall` takes everything away again. Never touches the real system: everything
# goes under a fresh temporary DESTDIR.
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

builddir=${top_builddir:-.}
D=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-install.XXXXXX") || exit 99
on_exit "rm -rf '$D'"

# mk ARGS...: make in the build directory, on its own (not as part of the make running us)
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$builddir" --no-print-directory "$@"
}

# where the build installs things, from its Makefile
cat >"$D.mk" <<'EOF'
print-dirs:
	@echo "bindir $(bindir)"
	@echo "man1dir $(man1dir)"
	@echo "bashcompletiondir $(bashcompletiondir)"
	@echo "systemdsystemunitdir $(systemdsystemunitdir)"
	@echo "version $(PACKAGE_VERSION)"
EOF
on_exit "rm -f '$D.mk'"
dirs=$(mk -s -f Makefile -f "$D.mk" print-dirs 2>&1)
dir() { printf '%s\n' "$dirs" | sed -n "s/^$1 //p"; }
bindir=$(dir bindir)
man1dir=$(dir man1dir)
compdir=$(dir bashcompletiondir)
version=$(dir version)
unitdir=$(dir systemdsystemunitdir)
check "the Makefile names bindir, man1dir and the completion dir" \
	eval "[ -n '$bindir' ] && [ -n '$man1dir' ] && [ -n '$compdir' ]"
echo "# bindir=$bindir man1dir=$man1dir completions=$compdir"

mk install DESTDIR="$D/root" >"$D/install.log" 2>&1
rc=$?
check "make install DESTDIR=... succeeds" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -n 20 "$D/install.log"

bin=$D/root$bindir/ipctop
page=$D/root$man1dir/ipctop.1
comp=$D/root$compdir/ipctop
check "bin/ipctop installed and executable" test -x "$bin"
check "man page installed as man1/ipctop.1" test -s "$page"
check "bash completion installed as completions/ipctop" test -s "$comp"
unit=$D/root$unitdir/ipctop-record.service
check "nothing installed outside DESTDIR's tree" eval \
	"[ -z \"\$(find '$D/root' -type f ! -path '$D/root$bindir/*' ! -path '$D/root$man1dir/*' ! -path '$D/root$compdir/*' ! -path '$D/root$unitdir/*')\" ]"
# issue 17: the recording service, installed (not enabled: no link in a .wants directory)
check "systemd unit installed as ipctop-record.service" test -s "$unit"
check "the unit runs the installed ipctop record" grep -q "exec $bindir/ipctop record " "$unit"
check "the unit is not enabled" eval "[ -z \"\$(find '$D/root' -path '*.wants*')\" ]"
if command -v systemd-analyze >/dev/null 2>&1; then
	systemd-analyze verify "$unit" 2>&1 | grep -v "man ipctop(1)" >"$D/verify"
	check "systemd-analyze verify: no complaint about the unit" eval "[ ! -s '$D/verify' ]"
fi

# the installed program runs
out=$("$bin" --version 2>&1)
check "installed ipctop --version says 'ipctop $version'" eval "[ '$out' = 'ipctop $version' ]"
"$bin" --help >"$D/help" 2>&1
check "installed ipctop --help exits 0" test $? -eq 0
check "installed ipctop --help shows the usage" grep -q '^Usage: ipctop' "$D/help"
"$bin" --no-such-option >/dev/null 2>"$D/err"
check "installed ipctop exits 2 on a bad option" test $? -eq 2
"$bin" --once --json --sysroot "${top_srcdir:-.}/tests/fixtures/sysv-basic" >"$D/json" 2>/dev/null
check "installed ipctop --once --json works" eval "jq -e '.schema == 1' '$D/json' >/dev/null"

# the installed page renders
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$page" >"$D/page" 2>"$D/man.err"
	check "man -l renders the installed page" eval "grep -q 'ipctop - live dashboard' '$D/page'"
	check "the rendered page shows the options" grep -q -- '--sysroot' "$D/page"
else
	echo "# man not installed: rendering not checked"
fi

# the installed completion completes for the installed program
if command -v bash >/dev/null 2>&1; then
	got=$(bash -c '. "$1"; COMP_WORDS=("$2" --vers); COMP_CWORD=1; _ipctop; echo "${COMPREPLY[*]}"' \
		sh "$comp" "$bin" 2>&1)
	check "the installed completion completes --vers to --version" eval "[ '$got' = '--version' ]"
fi

mk uninstall DESTDIR="$D/root" >"$D/uninstall.log" 2>&1
check "make uninstall DESTDIR=... succeeds" test $? -eq 0
left=$(find "$D/root" -type f 2>/dev/null)
check "make uninstall leaves no file behind" eval "[ -z '$left' ]"
[ -n "$left" ] && printf '# left: %s\n' $left

finish
