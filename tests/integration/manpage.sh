# tests/integration/manpage.sh - doc/ipctop.1 renders without warnings and documents what the
# program has: every option of --help, every demo of `demo list`, the version, the schema-1
# keys of the JSON output (and, where ../shared/CONTRACT.md is beside the source tree, every
# key the contract names), and every metric family of --format openmetrics (also in
# doc/CONTRACT.md).
. "${top_srcdir:-.}/tests/integration/lib.sh" || exit 99

MAN="${top_srcdir:-.}/doc/ipctop.1"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ipctop-man.XXXXXX") || exit 99
on_exit "rm -rf '$TMP'"

# documented WORD: the page names WORD (as roff writes it: "-" as "\-")
documented() {
	w=$(printf '%s' "$1" | sed 's/-/\\\\-/g')
	grep -q -- "$w" "$MAN"
}

check "doc/ipctop.1 exists" test -s "$MAN"

if command -v groff >/dev/null 2>&1; then
	groff -ww -z -man "$MAN" >"$TMP/groff" 2>&1
	check "groff -ww -z -man: no warnings" eval "[ ! -s '$TMP/groff' ]"
	[ -s "$TMP/groff" ] && head -n 10 "$TMP/groff"
	LC_ALL=C groff -man -Tascii "$MAN" 2>/dev/null | col -b >"$TMP/text" 2>/dev/null ||
		LC_ALL=C groff -man -Tascii -P-c -P-b -P-u "$MAN" >"$TMP/text" 2>/dev/null
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS DASHBOARD DEMOS "JSON OUTPUT" METRICS "EXIT STATUS" \
		ENVIRONMENT FILES PRIVILEGES EXAMPLES "SEE ALSO"; do
		check "rendered page has the section $s" grep -qx "$s" "$TMP/text"
	done
else
	echo "# groff not installed: rendering not checked"
fi
if command -v lexgrog >/dev/null 2>&1; then
	check "lexgrog reads the NAME line" eval \
		"lexgrog '$MAN' | grep -q 'ipctop - live dashboard'"
fi

# the version in .TH is the program's
ver=$("$IPCTOP" --version | sed -n 's/^ipctop \([^ ]*\).*/\1/p')
check "the page's .TH names ipctop $ver (ipctop --version)" eval \
	"[ -n '$ver' ] && grep -q '^\\.TH IPCTOP 1 [^ ]* \"ipctop $ver\"' '$MAN'"

# every option --help defines
opts=$("$IPCTOP" --help | sed -n 's/^ \{1,\}\(-[A-Za-z]\), \(--[a-z][a-z-]*\).*/\1 \2/p
	s/^ \{1,\}\(--[a-z][a-z-]*\).*/\1/p')
missing=""
for o in $opts; do documented "$o" || missing="$missing $o"; done
if [ -n "$opts" ] && [ -z "$missing" ]; then ok "every option of --help is documented ($(echo $opts | wc -w))"
else fail "every option of --help is documented" "missing:$missing"; fi

# every demo `demo list` prints (when the launcher is in this build)
names=$("$IPCTOP" demo list 2>/dev/null | cut -f1)
if [ -n "$names" ]; then
	missing=""
	for d in $names; do
		w=$(printf '%s' "$d" | sed 's/-/\\\\-/g')
		grep -q "^\\.B $w\$" "$MAN" || missing="$missing $d"
	done
	if [ -z "$missing" ]; then ok "every demo of 'demo list' is documented ($(echo $names | wc -w))"
	else fail "every demo of 'demo list' is documented" "missing:$missing"; fi
else
	echo "# 'ipctop demo list' gives nothing in this build: demo names not checked"
fi

# the JSON section: every top-level key it documents is in the program's output, and every
# top-level list of the output that schema 1 has is documented
sect=$(sed -n '/^\.SS Schema 1/,/^\.SS /p' "$MAN")
doc_keys=$(printf '%s\n' "$sect" | sed -n '/^\.TP/{n;s/^\.B \([a-z_]*\)$/\1/p}')
json=$("$IPCTOP" --once --json --sysroot "${top_srcdir:-.}/tests/fixtures/sysv-basic" 2>/dev/null)
out_keys=$(printf '%s\n' "$json" | jq -r 'keys[]' 2>/dev/null)
check "ipctop --once --json gives an object" eval "[ -n '$out_keys' ]"
missing=""
for k in $doc_keys; do printf '%s\n' "$out_keys" | grep -qx "$k" || missing="$missing $k"; done
if [ -n "$doc_keys" ] && [ -z "$missing" ]; then
	ok "every top-level key the page documents is in the JSON ($(echo $doc_keys | wc -w))"
else
	fail "every top-level key the page documents is in the JSON" "not in the output:$missing"
fi
check "the page documents schema 1 and the output says schema 1" eval \
	"printf '%s\n' '$json' | jq -e '.schema == 1' >/dev/null"

# the METRICS section and doc/CONTRACT.md name every metric family the program writes
families=$("$IPCTOP" --once --format openmetrics --sysroot "${top_srcdir:-.}/tests/fixtures/sysv-basic" \
	2>/dev/null | sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p')
msect=$(sed -n '/^\.SH METRICS/,/^\.SH /p' "$MAN")
missing=""
for f in $families; do
	printf '%s\n' "$msect" | grep -qw -- "$f" || missing="$missing $f"
	grep -qw -- "$f" "${top_srcdir:-.}/doc/CONTRACT.md" || missing="$missing $f(CONTRACT.md)"
done
if [ -n "$families" ] && [ -z "$missing" ]; then
	ok "every metric family is in METRICS and doc/CONTRACT.md ($(echo $families | wc -w))"
else
	fail "every metric family is in METRICS and doc/CONTRACT.md" "missing:$missing"
fi

# the contract, where it is beside the source tree (a checkout; not in a tarball)
CONTRACT="${top_srcdir:-.}/../shared/CONTRACT.md"
if [ -f "$CONTRACT" ]; then
	block=$(sed -n '/^## The JSON snapshot/,/^- /p' "$CONTRACT" | sed -n '/^```/,/^```/p' | grep -v '^```')
	top=$(printf '%s\n' "$block" | sed -n 's/^\([a-z_][a-z_]*\) .*/\1/p')
	nested=$(printf '%s\n' "$block" | grep -o '[{,] *[a-z_][a-z_]*' | sed 's/^[{,] *//' |
		grep -vx 'int\|null\|string\|bool\|float\|pid\|fd' | sort -u)
	missing=""
	for k in $top $nested; do
		grep -qw -- "$k" "$MAN" || missing="$missing $k"
	done
	if [ -n "$top" ] && [ -z "$missing" ]; then
		ok "every key of CONTRACT.md's schema is in the page ($(echo $top $nested | wc -w))"
	else
		fail "every key of CONTRACT.md's schema is in the page" "missing:$missing"
	fi
	missing=""
	for k in $(printf '%s\n' "$block" | grep -o '"[a-z_]*"' | tr -d '"' | sort -u); do
		grep -q "$k" "$MAN" || missing="$missing $k"
	done
	if [ -z "$missing" ]; then ok "every enumerated value of the schema is in the page"
	else fail "every enumerated value of the schema is in the page" "missing:$missing"; fi
	missing=""
	for k in $(sed -n '/`waiting.kind` is one of/,/\.$/p' "$CONTRACT" | grep -o '`[a-z_]*`' |
		tr -d '`' | grep -vx 'waiting.kind'); do
		documented "$k" || missing="$missing $k"
	done
	if [ -z "$missing" ]; then ok "every waiting.kind of the contract is in the page"
	else fail "every waiting.kind of the contract is in the page" "missing:$missing"; fi
else
	echo "# no ../shared/CONTRACT.md beside the source tree: contract keys not checked"
fi

finish
