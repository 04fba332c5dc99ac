/*
 * fuzz_posix_ipc.c - libFuzzer target for the POSIX IPC probe's parsers (probes/posix_ipc.h):
 * the input as the status text of a /dev/mqueue file and as the bytes of a named semaphore's
 * file (at every alignment the read-only mapping could not have, too). Promises checked: a
 * parsed queue size is not negative, and a semaphore value is a 32-bit count.
 */
#include "config.h"

#include <stdint.h>

#include "probes/posix_ipc.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t v = -1;
	char *buf = fuzz_dup(data, size);

	if (posix_ipc_parse_mq_text(buf, size, &v) == 0)
		FUZZ_CHECK(v >= 0);
	if (posix_ipc_sem_value(buf, size, &v) == 0)
		FUZZ_CHECK(v >= 0 && v <= UINT32_MAX);
	free(buf);

	/* an unaligned copy: the parser must not assume the alignment of a mapping */
	buf = malloc(size + 1);
	if (!buf)
		abort();
	if (size)
		memcpy(buf + 1, data, size);
	if (posix_ipc_sem_value(buf + 1, size, &v) == 0)
		FUZZ_CHECK(v >= 0 && v <= UINT32_MAX);
	free(buf);
	return 0;
}
