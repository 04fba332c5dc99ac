/*
 * fuzz_proc_cache.c - libFuzzer target for the parsers of probes/proc_cache.h: the whole input
 * as /proc/<pid>/schedstat and as a status text (context switch counts, NSpgid/NSsid).
 * Promises checked: ids that parse are pids (0 .. 2^31-1); a witness made of what parsed is
 * quiescent against itself exactly when the rule says (one thread, not running), and never
 * against a copy with any counter moved.
 */
#include "config.h"

#include <stdint.h>

#include "probes/proc_cache.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct proc_witness w = { .valid = true, .state = 'S', .threads = 1 };
	struct proc_cache_entry prev = { .pid = 1 };
	pid_t pgid = -1, sid = -1;
	bool sched = proc_cache_parse_schedstat(buf, size, &w);
	bool sw = proc_cache_parse_switches(buf, size, &w);

	if (proc_cache_parse_nsids(buf, size, &pgid, &sid))
		FUZZ_CHECK(pgid >= 0 && sid >= 0);
	if (sched || sw) {
		prev.w = w;
		FUZZ_CHECK(proc_cache_quiescent(&prev, &w));
		w.slices++;
		FUZZ_CHECK(!proc_cache_quiescent(&prev, &w));
		w.slices--;
		w.nvcsw++;
		FUZZ_CHECK(!proc_cache_quiescent(&prev, &w));
		prev.w.state = 'R';
		w.nvcsw--;
		FUZZ_CHECK(!proc_cache_quiescent(&prev, &w));
	}
	free(buf);
	return 0;
}
