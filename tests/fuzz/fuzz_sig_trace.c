/*
 * fuzz_sig_trace.c - libFuzzer target for the trace_pipe line parser (probes/sig_trace.h):
 * every line of the input, as trace_pipe delivers them. Promises checked: the return value is
 * one of 0, 1 and -EBADMSG; an event names a signal in range and a known kind; the comm
 * fields are terminated strings.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_lines(data, size, one_line, NULL);
	return 0;
}
