/*
 * fuzz_proc_status.c - libFuzzer target for the /proc/<pid>/stat, status and cmdline parsers
 * (probes/proc_status.h): the whole input is given to each as one file. Promises checked:
 * names are terminated within their arrays, a successful parse has every field it requires,
 * and a joined command line is a string of the returned length with no NUL inside.
 */
#include "config.h"

#include <stdint.h>

#include "probes/proc_status.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_stat_fields st;
	struct proc_status_fields ps;
	char *buf;
	size_t n;

	buf = fuzz_dup(data, size);
	memset(&st, 0xa5, sizeof(st));
	if (proc_stat_parse(buf, size, &st) == 0)
		FUZZ_CHECK(fuzz_terminated(st.comm, sizeof(st.comm)));
	free(buf);

	buf = fuzz_dup(data, size);
	memset(&ps, 0xa5, sizeof(ps));
	if (proc_status_parse(buf, size, &ps) == 0)
		FUZZ_CHECK((ps.have & PSF_REQUIRED) == PSF_REQUIRED);
	if (ps.have & PSF_NAME)
		FUZZ_CHECK(fuzz_terminated(ps.name, sizeof(ps.name)));
	free(buf);

	buf = malloc(size + 1);			/* cmdline: room for the terminating NUL */
	if (!buf)
		abort();
	if (size)
		memcpy(buf, data, size);
	n = proc_cmdline_join(buf, size);
	FUZZ_CHECK(n <= size);
	FUZZ_CHECK(buf[n] == '\0' && strlen(buf) == n);
	free(buf);
	return 0;
}
