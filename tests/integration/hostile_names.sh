#!/bin/sh
# tests/integration/hostile_names.sh - names with any bytes, end to end (issue 12).
#
# Starts the hostile_names fixture (processes whose comm holds a newline and a backslash, or
# bytes that are not UTF-8, ESC, raw 0x9b, C1 U+009B and U+202E, with such an argv; a FIFO, a
# unix socket, a POSIX queue, shm objects and a semaphore with such names; shm and a semaphore
# unlinked while mapped) and checks:
#   - `--once --json` of the whole machine, whatever it holds, and of `--pid` views, is strict
#     UTF-8 JSON (Python: json.loads(bytes.decode("utf-8", "strict"))), with no raw control,
#     C1 or bidi character in the text;
#   - every name keeps a readable form and its exact bytes (KEY_bytes), comm is the real name;
#   - POSIX ids are unique across the machine, and a process's view found by --pid holds its
#     objects under the same ids; unlinked objects appear by inode with deleted, mappers, and
#     a null value or size with its reason;
#   - a --pid view's errors and references concern what it shows;
#   - the text output shows those characters escaped, none raw.
# Then stops the fixture and checks nothing it named is left.
. "${top_srcdir:-.}/tests/integration/lib.sh"

FIXTURE=${top_builddir:-.}/tests/integration/hostile_names

if ! command -v python3 >/dev/null 2>&1; then
	echo "python3 is missing: install the Debian package python3"
	exit 77
fi

TMP=$(mktemp -d)
FX=""
on_exit "rm -rf '$TMP'"
on_exit '[ -n "$FX" ] && kill -TERM "$FX" 2>/dev/null; [ -n "$FX" ] && wait "$FX" 2>/dev/null'

"$FIXTURE" "$TMP" >"$TMP/out" 2>"$TMP/err" &
FX=$!
if ! wait_for 20 grep -qx ready "$TMP/out"; then
	fail "fixture starts" "$(cat "$TMP/err")"
	finish
fi
ok "fixture starts"
key() { sed -n "s/^$1 //p" "$TMP/out"; }
PARENT=$(key parent)
COMM=$(key comm)
BAD=$(key bad)
MAPPER=$(key mapper)

# strict PYFILE JSONFILE: the file parses as strict UTF-8 JSON and its text shows nothing raw
cat >"$TMP/strict.py" <<'EOF'
import json, sys, unicodedata
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8", "strict")
json.loads(text)
for ch in text[:-1]:
    o = ord(ch)
    if o < 0x20 or 0x7f <= o <= 0x9f or o in (0x61c, 0x200e, 0x200f) or \
       0x2028 <= o <= 0x202e or 0x2066 <= o <= 0x2069:
        sys.exit("raw U+%04X in the JSON text" % o)
EOF
strict() { python3 "$TMP/strict.py" "$1" 2>"$TMP/strict.err"; }

"$IPCTOP" --once --json >"$TMP/all.json" 2>"$TMP/all.err"
check "whole machine: strict UTF-8 JSON" strict "$TMP/all.json"
"$IPCTOP" --once --json --pid "$PARENT,$COMM,$BAD" >"$TMP/pid.json" 2>"$TMP/pid.err"
check "--pid view: strict UTF-8 JSON" strict "$TMP/pid.json"
"$IPCTOP" --once --json --pid "$MAPPER" >"$TMP/mapper.json" 2>"$TMP/mapper.err"
check "--pid of the mapper: strict UTF-8 JSON" strict "$TMP/mapper.json"
[ -s "$TMP/strict.err" ] && cat "$TMP/strict.err"

# The contents: a Python script printing "ok NAME" / "FAIL NAME: why" lines.
cat >"$TMP/check.py" <<'EOF'
import json, os, sys
tmp, parent, comm, bad, mapper = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
BAD = b"\xff\x9b\x1b\xc2\x9b\xe2\x80\xae"
def load(n):
    # strictness is checked above: the contents are checked even when it failed
    return json.loads(open(os.path.join(tmp, n), "rb").read().decode("utf-8", "replace"))
every, view, mview = load("all.json"), load("pid.json"), load("mapper.json")
def check(name, cond, why=""):
    print(("ok - " if cond else "FAIL - ") + name + ("" if cond else ": " + str(why)))
def exact(o, key):
    """the exact bytes of a string key: KEY_bytes when present, else the string"""
    if o.get(key + "_bytes") is not None:
        return bytes.fromhex(o[key + "_bytes"])
    return None if o.get(key) is None else o[key].encode("utf-8")
procs = {p["pid"]: p for p in view["processes"]}

# comm: the real name (newline, backslash), not status's escaped "nl\nA\\b"
p = procs.get(comm)
check("comm with newline and backslash is the real name", p and p["comm"] == "nl\nA\\b", p and p["comm"])
p = procs.get(bad)
check("comm not UTF-8: exact bytes in comm_bytes", p and exact(p, "comm") == b"b" + BAD,
      p and p.get("comm_bytes"))
check("comm not UTF-8: readable form with U+FFFD", p and p["comm"].startswith("b\ufffd\ufffd\x1b\x9b\u202e"),
      p and ascii(p["comm"]))
check("argv not UTF-8: exact bytes in cmdline_bytes", p and BAD in (exact(p, "cmdline") or b""),
      p and p.get("cmdline_bytes"))
check("valid names have no _bytes key", all("comm_bytes" not in q for q in view["processes"] if q["pid"] == comm))

fifo = [x for x in view["pipes"] if (exact(x, "path") or b"").endswith(b"/fifo" + BAD)]
check("FIFO path: exact bytes", len(fifo) == 1, [x.get("path") for x in view["pipes"]])
sock = [x for x in view["unix_sockets"] if (exact(x, "path") or b"").endswith(b"/sock" + BAD)]
check("socket path: exact bytes", len(sock) == 1, [x.get("path") for x in view["unix_sockets"]])

tag = ("ipctop-hn-%d-" % parent).encode()
def mine(lst):
    return {exact(x, "name"): x for x in lst if (exact(x, "name") or b"").startswith(tag)}
mq, shm, sem = mine(view["posix_mqueues"]), mine(view["posix_shm"]), mine(view["posix_sems"])
check("POSIX queue name: exact bytes", tag + b"q" + BAD in mq, list(mq))
check("POSIX shm name: exact bytes", tag + b"s" + BAD in shm, list(shm))
check("semaphore name: exact bytes", tag + b"m" + BAD in sem, list(sem))
tw = [shm.get(tag + b"t\xfe"), shm.get(tag + b"t\xfd")]
check("names differing in a non-UTF-8 byte: two objects, two ids",
      all(tw) and tw[0]["id"] != tw[1]["id"] and tw[0]["name"] == tw[1]["name"], tw)
for lst, kind in ((mq, "pmq"), (shm, "pshm"), (sem, "psem")):
    for n, x in lst.items():
        ok = x["id"].startswith(kind + ":") and all(0x20 < ord(c) < 0x7f or ord(c) > 0xa0 for c in x["id"])
        check("%s id %s is one printable word" % (kind, ascii(x["id"])), ok)
# ids unique over the whole machine, whatever it holds
for lst in ("posix_mqueues", "posix_shm", "posix_sems", "pipes", "unix_sockets"):
    ids = [x["id"] for x in every[lst]]
    check("ids unique across the machine: " + lst, len(ids) == len(set(ids)),
          [i for i in ids if ids.count(i) > 1][:5])
# the same ids in the whole machine and in the view
for lst in ("posix_mqueues", "posix_shm", "posix_sems"):
    all_ids = {x["id"] for x in every[lst]}
    check("view ids are machine ids: " + lst, all(x["id"] in all_ids for x in view[lst]))

# unlinked while mapped: by inode, deleted, both mappers, nothing read
gone = [x for x in mview["posix_shm"] if x.get("deleted") and x["name"] == (tag + b"gone").decode()]
check("unlinked shm listed (deleted, by inode)", len(gone) == 1 and gone[0]["id"] == "pshm:deleted/%d" % gone[0]["inode"], mview["posix_shm"])
if gone:
    check("unlinked shm: both mappers", {parent, mapper} <= set(gone[0]["mapped_pids"]), gone[0]["mapped_pids"])
    check("unlinked shm: size null with its reason", gone[0]["size"] is None and gone[0]["error"], gone[0])
gsem = [x for x in mview["posix_sems"] if x.get("deleted") and x["id"] == "psem:deleted/%d" % x["inode"]
        and {parent, mapper} <= set(x["mapped_pids"])]
check("unlinked semaphore listed (deleted, both mappers)", len(gsem) == 1, mview["posix_sems"])
if gsem:
    check("unlinked semaphore: value null with its reason", gsem[0]["value"] is None and gsem[0]["error"], gsem[0])
    check("its reason is in errors", any(e["where"].startswith(gsem[0]["id"]) for e in mview["errors"]))
linked = [x for x in every["posix_sems"] if x.get("deleted") and (tag + b"m") in (exact(x, "name") or b"")]
check("a linked semaphore is not listed again as unlinked", not linked, linked)

# --pid views: errors and references about what the view shows
for name, v in (("parent", view), ("mapper", mview)):
    shown = {p["pid"] for p in v["processes"]}
    ids = set()
    for lst in ("pipes", "unix_sockets", "msg_queues", "shm_segments", "sem_sets",
                "posix_mqueues", "posix_shm", "posix_sems"):
        ids |= {x["id"] for x in v[lst]}
    bad_err = []
    for e in v["errors"]:
        w = e["where"]
        if w.startswith("pid "):
            n = w[4:].split(" ")[0]
            if n.isdigit() and int(n) not in shown:
                bad_err.append(w)
        elif w.split(" ")[0].split(":")[0] in ("pipe", "fifo", "unix", "msg", "shm", "sem", "pmq", "pshm", "psem") \
                and ":" in w.split(" ")[0] and w.split(" ")[0] not in ids:
            bad_err.append(w)
    check("--pid %s: errors concern what it shows" % name, not bad_err, bad_err[:5])
    dangling = []
    for p in v["processes"]:
        o = (p.get("waiting") or {}).get("object")
        if o and o.startswith("pid:"):
            if int(o[4:]) not in shown:
                dangling.append(o)
        elif o and o not in ids:
            dangling.append(o)
    for d in v["deadlocks"]:
        dangling += [o for o in d["objects"] if o and not o.startswith("pid:") and o not in ids]
    check("--pid %s: every referenced object is in the view" % name, not dangling, dangling)
EOF
python3 "$TMP/check.py" "$TMP" "$PARENT" "$COMM" "$BAD" "$MAPPER" >"$TMP/check.out" 2>&1
cat "$TMP/check.out"
T_PASSED=$((T_PASSED + $(grep -c '^ok - ' "$TMP/check.out")))
T_FAILED=$((T_FAILED + $(grep -c '^FAIL - ' "$TMP/check.out")))
grep -q '^Traceback' "$TMP/check.out" && fail "checker ran" "python raised"

# The text output: escaped, nothing raw.
"$IPCTOP" --once --pid "$PARENT,$COMM,$BAD" >"$TMP/text.out" 2>&1
cat >"$TMP/text.py" <<'EOF'
import sys
raw = open(sys.argv[1], "rb").read()
for b in (b"\x1b", b"\x9b", b"\xc2\x9b", b"\xe2\x80\xae", b"\xff"):
    if b in raw:
        sys.exit("raw %r in the text output" % b)
need = rb"\xff\x9b\x1b\xc2\x9b\xe2\x80\xae"
if need not in raw:
    sys.exit("the escaped form is missing")
if b"nl\\x0aA\\b" not in raw:
    sys.exit("the comm with a newline is not shown escaped")
EOF
check "text output: control, C1 and bidi characters escaped" python3 "$TMP/text.py" "$TMP/text.out"

# Stop the fixture: nothing it named is left.
kill -TERM "$FX"
wait "$FX"
check "fixture exits 0" test $? -eq 0
FX=""
left() { ls /dev/shm /dev/mqueue 2>/dev/null | grep -a "ipctop-hn-$PARENT-"; }
check "fixture left nothing in /dev/shm or /dev/mqueue" test -z "$(left)"
finish
