/*
 * fuzz_proc_wait.c - libFuzzer target for the parsers of probes/proc_wait.h: the whole input
 * as /proc/<pid>/syscall, as /proc/<pid>/wchan (into output buffers of several sizes, down to
 * none) and as a thread's status file. Promises checked: a parsed syscall's state and number
 * agree, a wchan symbol is a terminated non-empty string that fits its buffer, and a thread
 * status that parses has its pending and blocked sets.
 */
#include "config.h"

#include <stdint.h>

#include "probes/proc_wait.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t outlens[] = { 0, 1, 2, 8, 64 };
	struct proc_syscall sc;
	struct task_sigstate ts;
	char *buf = fuzz_dup(data, size);

	if (proc_wait_parse_syscall(buf, size, &sc) == 0) {
		FUZZ_CHECK(sc.state == PSC_RUNNING || sc.state == PSC_NOT_IN_SYSCALL ||
			   sc.state == PSC_IN_SYSCALL);
		FUZZ_CHECK(sc.state == PSC_IN_SYSCALL ? sc.nr >= 0 : sc.nr == -1);
	}

	for (size_t i = 0; i < sizeof(outlens) / sizeof(outlens[0]); i++) {
		size_t outlen = outlens[i];
		char *out = fuzz_zeroed(outlen);

		if (proc_wait_parse_wchan(buf, size, out, outlen)) {
			FUZZ_CHECK(outlen > 0 && fuzz_terminated(out, outlen));
			FUZZ_CHECK(outlen == 1 || out[0] != '\0');
		}
		free(out);
	}

	memset(&ts, 0xa5, sizeof(ts));
	if (proc_wait_parse_task_status(buf, size, &ts) == 0)
		FUZZ_CHECK(ts.has_pending && ts.has_blocked);
	FUZZ_CHECK(fuzz_terminated(ts.name, sizeof(ts.name)));
	free(buf);
	return 0;
}
