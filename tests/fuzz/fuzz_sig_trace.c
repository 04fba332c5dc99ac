/*
 * fuzz_sig_trace.c - libFuzzer target for the trace_pipe line parser (probes/sig_trace.h):
 * every line of the input, as trace_pipe delivers them. Promises checked: the return value is
 * one of 0, 1 and -EBADMSG; an event names a signal in range and a known kind; the comm
 * fields are terminated strings. The same lines also go through the joiner of lines split by
 * a newline in a comm (sig_trace_join), whose events keep the same promises.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include "probes/sig_trace.h"
#include "src/signames.h"
#include "tests/fuzz/fuzz.h"

static void one_line(const char *line, size_t len, void *arg)
{
	struct sig_trace_line t;
	int rc;

	(void)arg;
	memset(&t, 0xa5, sizeof(t));
	rc = sig_trace_parse_line(line, len, &t);
	FUZZ_CHECK(rc == 0 || rc == 1 || rc == -EBADMSG);
	FUZZ_CHECK(fuzz_terminated(t.task_comm, sizeof(t.task_comm)));
	FUZZ_CHECK(fuzz_terminated(t.target_comm, sizeof(t.target_comm)));
	if (rc != 0)
		return;
	FUZZ_CHECK(t.kind == STL_GENERATE || t.kind == STL_DELIVER || t.kind == STL_LOST);
	if (t.kind != STL_LOST)
		FUZZ_CHECK(t.sig >= 1 && t.sig <= SIG_MAX);
}

static void joined(void *arg, int rc, const struct sig_trace_line *t)
{
	(void)arg;
	FUZZ_CHECK(rc == 0 || rc == 1 || rc == -EBADMSG);
	if (rc != 0)
		return;
	FUZZ_CHECK(fuzz_terminated(t->task_comm, sizeof(t->task_comm)));
	FUZZ_CHECK(fuzz_terminated(t->target_comm, sizeof(t->target_comm)));
	FUZZ_CHECK(t->kind == STL_GENERATE || t->kind == STL_DELIVER || t->kind == STL_LOST);
	if (t->kind != STL_LOST)
		FUZZ_CHECK(t->sig >= 1 && t->sig <= SIG_MAX);
}

static void join_line(const char *line, size_t len, void *arg)
{
	sig_trace_join(arg, line, len, joined, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sig_trace_joiner j;

	fuzz_lines(data, size, one_line, NULL);
	memset(&j, 0, sizeof(j));
	fuzz_lines(data, size, join_line, &j);
	return 0;
}
