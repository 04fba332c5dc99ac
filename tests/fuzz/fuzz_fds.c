/*
 * fuzz_fds.c - libFuzzer target for the descriptor probe's parsers (probes/fds.h): the whole
 * input as /proc/<pid>/fdinfo/<fd> text and as /proc/<pid>/io text, and the whole input and
 * each of its lines as the text of a /proc/<pid>/fd/<fd> link. Promises checked: a parsed
 * fdinfo has its flags, a refused link is classified "other", a link's " (deleted)" suffix
 * is either 10 bytes long and inside the link or absent, and an fd mode is an enum fd_mode.
 */
#include "config.h"

#include <stdint.h>

#include "probes/fds.h"
#include "tests/fuzz/fuzz.h"

static void link_text(const char *t, size_t len, void *arg)
{
	enum fd_type type;
	uint64_t inode;
	size_t del;

	(void)arg;
	if (!fds_classify_link(t, len, &type, &inode))
		FUZZ_CHECK(type == FDT_OTHER);
	else if (type == FDT_PIPE || type == FDT_SOCKET)
		FUZZ_CHECK(len > 8);
	del = fds_deleted_suffix(t, len);
	FUZZ_CHECK(del == 0 || (del == 10 && del < len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fds_fdinfo fi;
	int64_t rchar = -7, wchar = -7;
	char *buf = fuzz_dup(data, size);

	if (fds_parse_fdinfo(buf, size, &fi) == 0) {
		unsigned mode = fds_mode_from_flags(fi.flags);

		FUZZ_CHECK(fi.flags != SNAP_UNKNOWN && fi.flags >= 0);
		FUZZ_CHECK(mode <= FD_MODE_RDWR);
	}
	if (fds_parse_io(buf, size, &rchar, &wchar) == 0)
		FUZZ_CHECK(rchar >= 0 && wchar >= 0);
	link_text(buf, size, NULL);
	free(buf);
	fuzz_lines(data, size, link_text, NULL);
	return 0;
}
