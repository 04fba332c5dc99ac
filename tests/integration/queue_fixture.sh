# tests/integration/queue_fixture.sh - (bash, after lib.sh) a System V queue the test owns.
#
# start_msgq_holder COUNT SIZE: starts msgq_holder as a coprocess with COUNT messages of SIZE
# bytes, sets holder_pid and qid, and registers its stop (SIGTERM: it removes the queue) with
# on_exit. Reports "test queue created" (ok or fail); returns 1 when no queue came.
start_msgq_holder() {
	coproc QH { exec "${top_builddir:-.}/tests/integration/msgq_holder" "$1" "$2"; }
	holder_pid=$QH_PID	# bash unsets QH_PID once the coprocess ends
	on_exit "kill -TERM $holder_pid 2>/dev/null; wait $holder_pid 2>/dev/null"
	qid=""
	read -r -t 10 -u "${QH[0]}" qid
	if ! [[ $qid =~ ^[0-9]+$ ]]; then
		fail "test queue created" "msgq_holder printed '$qid'"
		return 1
	fi
	ok "test queue created (msg:$qid)"
}
