/*
 * fuzz_proc_maps.c - libFuzzer target for the /proc/<pid>/maps line parser
 * (probes/proc_maps.h): every line of the input, without and with its newline. Promises
 * checked: the path lies inside the line and has no newline, perms is terminated after its
 * four bytes, and the IPC-path test looks only at the path it is given.
 */
#include "config.h"

#include <stdint.h>

#include "probes/proc_maps.h"
#include "tests/fuzz/fuzz.h"

static void check(const char *line, size_t len)
{
	struct proc_maps_line m;

	if (proc_maps_parse_line(line, len, &m) != 0)
		return;
	FUZZ_CHECK(m.perms[4] == '\0');	/* the four bytes are copied as they are */
	if (m.path_len) {
		FUZZ_CHECK(m.path >= line && m.path + m.path_len <= line + len);
		FUZZ_CHECK(memchr(m.path, '\n', m.path_len) == NULL);
		/* on an exact-size copy, so a look past the path is caught */
		char *path = fuzz_dup(m.path, m.path_len);

		(void)proc_maps_is_ipc_path(path, m.path_len);
		free(path);
	}
}

static void one_line(const char *line, size_t len, void *arg)
{
	char *nl;

	(void)arg;
	check(line, len);
	nl = malloc(len + 1);
	if (!nl)
		abort();
	memcpy(nl, line, len);
	nl[len] = '\n';
	check(nl, len + 1);
	free(nl);
	(void)proc_maps_is_ipc_path(line, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_lines(data, size, one_line, NULL);
	return 0;
}
