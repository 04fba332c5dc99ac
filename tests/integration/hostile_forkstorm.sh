#!/bin/sh
# tests/integration/hostile_forkstorm.sh - ipctop scanning while processes are forked and
# reaped as fast as the machine allows (issue 7, hostile conditions).
#
# fork_storm (a test program) forks short-lived children for a bounded time; meanwhile
# `ipctop --batch -n 50 -d 0 --json` runs. Checked: the storm forked at least 100 children
# during the run (counted, never timed: speed is for benchmarks); exit 0 and a clean stderr (no sanitizer
# report), 50 lines each a valid JSON object; the storm listed in every snapshot with the same
# identity; every record of the storm's children consistent (the child's name only under the
# storm as parent, in the storm's group and session, started after it, with its command line
# or none, never flagged orphan) - fields from two processes never mixed; processes that
# vanished mid-scan recorded as errors ("pid N": "exited during scan"), never also listed.
# The storm is stopped by its PID on every exit; its children die with it.
. "${top_srcdir:-.}/tests/integration/lib.sh"

STORM_BIN=${top_builddir:-.}/tests/integration/fork_storm

require_tool jq jq

TMP=$(mktemp -d)
on_exit "rm -rf '$TMP'"

# A name of our own, so a storm of a concurrent run of this test is never mistaken for ours.
NAME="hs$$"
NAME=$(printf '%.12s' "$NAME")
KID="$NAME-k"

# ---- start the storm: at most 64 children alive, each living 0-20 ms; its own deadline is
# past ipctop's, so it outlives the run (and is then stopped) ----
"$STORM_BIN" 900 64 20000 "$NAME" >"$TMP/storm.out" 2>"$TMP/storm.err" &
SPID=$!
on_exit "kill -TERM $SPID 2>/dev/null; wait $SPID 2>/dev/null"
if wait_for 10 grep -q '^ready ' "$TMP/storm.out" &&
   [ "$(sed -n 's/^ready //p' "$TMP/storm.out")" = "$SPID" ]; then
	ok "the fork storm runs (pid $SPID)"
else
	fail "the fork storm runs" "$(cat "$TMP/storm.out" "$TMP/storm.err")"
	finish
fi

# fork_storm_count: the storm's forks so far (it prints "count N" on SIGUSR1)
fork_storm_count() {
	before=$(grep -c '^count ' "$TMP/storm.out")
	kill -USR1 "$SPID" 2>/dev/null || return 1
	wait_for 10 sh -c "[ \$(grep -c '^count ' '$TMP/storm.out') -gt $before ]" || return 1
	sed -n 's/^count //p' "$TMP/storm.out" | tail -n 1
}
forks_before=$(fork_storm_count)

# ---- 50 snapshots back to back while it runs (bounded: 600 s, for a slow sanitizer build on a
# busy machine) ----
timeout 600 "$IPCTOP" --batch -n 50 -d 0 --json >"$TMP/out.json" 2>"$TMP/err"
rc=$?
check "ipctop --batch exits 0 under the storm (got $rc)" [ "$rc" -eq 0 ]
if [ -s "$TMP/err" ]; then
	fail "ipctop writes nothing on stderr" "$(head -c 2000 "$TMP/err")"
else
	ok "ipctop writes nothing on stderr"
fi
check "the storm outlived the run" kill -0 "$SPID"
forks_after=$(fork_storm_count)

# ---- the scans ran under churn: the storm forked (counted, not timed) at least 2 processes
# per snapshot while ipctop ran; how fast it forks is the machine's business ----
forks=$(( ${forks_after:-0} - ${forks_before:-0} ))
echo "# storm: $forks forks during the 50 snapshots (${forks_before:-?} before, ${forks_after:-?} after)"
if [ -n "$forks_before" ] && [ -n "$forks_after" ] && [ "$forks" -ge 100 ]; then
	ok "the storm forked at least 100 processes during the scans (got $forks)"
else
	fail "the storm forked at least 100 processes during the scans" "$(cat "$TMP/storm.out")"
fi

# ---- stop the storm ----
kill -TERM "$SPID"
wait "$SPID"
src=$?
check "the storm stopped cleanly on SIGTERM" [ "$src" -eq 0 ]
echo "# storm: $(grep '^forks ' "$TMP/storm.out")"
# its children died with it: none left under its name
if ps -eo comm= | grep -qx -- "$KID"; then
	fail "no child of the storm is left" "$(ps -eo pid,ppid,stat,comm | grep -- "$KID" | head)"
else
	ok "no child of the storm is left"
fi

# ---- every line a JSON object ----
lines=$(wc -l <"$TMP/out.json" | tr -d ' ')
check "50 lines of output (got $lines)" [ "$lines" -eq 50 ]
bad=$(jq -R -r 'try (fromjson | if type == "object" then empty else "not an object" end)
		catch "invalid JSON"' <"$TMP/out.json" | head -n 3)
if [ -z "$bad" ] && [ "$lines" -gt 0 ]; then ok "every line is valid JSON"; else fail "every line is valid JSON" "$bad"; fi
if [ -n "$bad" ]; then finish; fi

# ---- consistency of every record of the storm and its children ----
# One violation per line, with the snapshot's index; nothing printed means consistent.
jq -r -s --argjson spid "$SPID" --argjson shell "$$" --arg name "$NAME" --arg kid "$KID" '
	. as $snaps
	| ($snaps | map(.processes[] | select(.pid == $spid)) | first) as $st
	| if $st == null then "storm never listed" else
	  (range(0; $snaps | length) as $i | $snaps[$i] as $s
	   | ([$s.processes[] | select(.pid == $spid)] | first) as $me
	   | ($s.errors | map(select(.error == "exited during scan") | .where
			      | ltrimstr("pid ") | tonumber)) as $gone
	   | (if $me == null then "\($i): storm \($spid) missing"
	      elif $me.comm != $name or $me.ppid != $shell or $me.start_ticks != $st.start_ticks
		   or $me.zombie or $me.orphan then "\($i): storm record changed: \($me | tojson)"
	      else empty end),
	     ($s.processes[]
	      | select(.comm == $kid or .ppid == $spid or (.comm == $name and .pid != $spid))
	      | . as $p
	      | if .ppid != $spid then "\($i): \(.comm) \(.pid) has ppid \(.ppid)"
		elif (.comm != $kid and .comm != $name) then "\($i): child \(.pid) named \(.comm)"
		elif .pgid != $st.pgid or .sid != $st.sid then "\($i): child \(.pid) group/session \(.pgid)/\(.sid)"
		elif .start_ticks < $st.start_ticks then "\($i): child \(.pid) started before the storm"
		elif .uid != $st.uid then "\($i): child \(.pid) uid \(.uid)"
		elif (.cmdline != null and .cmdline != "" and .cmdline != $st.cmdline) then
			"\($i): child \(.pid) cmdline \(.cmdline)"
		elif .orphan or .original_ppid != null then "\($i): child \(.pid) flagged orphan"
		elif (.zombie != (.state == "Z")) then "\($i): child \(.pid) zombie \(.zombie) state \(.state)"
		elif ($gone | index($p.pid)) != null then "\($i): child \(.pid) listed and exited during scan"
		else empty end),
	     ($s.errors[] | select((.where | type) != "string" or (.error | type) != "string"
				   or .where == "" or .error == "")
	      | "\($i): bad error entry \(tojson)"),
	     (if ($s.sources.proc_table.ok | not) then "\($i): proc_table failed" else empty end))
	  end' "$TMP/out.json" >"$TMP/violations"
if [ -s "$TMP/violations" ]; then
	fail "storm records are consistent in every snapshot" "$(head -n 10 "$TMP/violations")"
else
	ok "storm records are consistent in every snapshot"
fi

# the scans did see the storm's children (else the check above proves nothing)
seen=$(jq -s --argjson spid "$SPID" '[.[].processes[] | select(.ppid == $spid) | .pid] | unique | length' "$TMP/out.json")
echo "# distinct children of the storm listed: $seen"
check "the scans listed at least 20 children of the storm (got $seen)" [ "$seen" -ge 20 ]

# vanished processes are recorded as data
gone=$(jq -s '[.[].errors[] | select(.error == "exited during scan" and (.where | test("^pid [0-9]+$")))] | length' "$TMP/out.json")
echo "# 'exited during scan' errors: $gone"
# Whether a child exits in the middle of being read is up to the scheduler (a faster scan hits
# it less): when it happens it must be recorded as above, but its absence is no failure. The
# recording itself is tested deterministically on fixture trees (tests/unit/test_proc_status).
[ "$gone" -ge 1 ] || echo "# note: no child exited mid-read this run"

finish
