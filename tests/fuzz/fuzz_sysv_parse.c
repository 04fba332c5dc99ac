/*
 * fuzz_sysv_parse.c - libFuzzer target for the /proc/sysvipc table parsers
 * (probes/sysv_parse.h): the input is a whole file; its first line is the header, matched
 * against the column sets of the msg, shm and sem probes, and every other line is a data row.
 * Promises checked: a parsed row has only columns the header has, each value within its
 * column's range; the header's positions are inside the header.
 */
#include "config.h"

#include <stdint.h>

#include "probes/sysv_parse.h"
#include "tests/fuzz/fuzz.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The columns of probes/sysv_msg.c, sysv_shm.c and sysv_sem.c (their tables are static). */
static const struct sysv_col msg_cols[] = {
	{ "key", 10, INT32_MIN, INT32_MAX, true }, { "msqid", 10, 0, INT32_MAX, true },
	{ "perms", 8, 0, 0177777, true }, { "cbytes", 10, 0, INT64_MAX, false },
	{ "qnum", 10, 0, INT64_MAX, false }, { "lspid", 10, 0, 4194304, false },
	{ "lrpid", 10, 0, 4194304, false }, { "uid", 10, 0, UINT32_MAX, false },
	{ "gid", 10, 0, UINT32_MAX, false }, { "cuid", 10, 0, UINT32_MAX, false },
	{ "cgid", 10, 0, UINT32_MAX, false }, { "stime", 10, 0, INT64_MAX, false },
	{ "rtime", 10, 0, INT64_MAX, false }, { "ctime", 10, 0, INT64_MAX, false },
};
static const struct sysv_col shm_cols[] = {
	{ "key", 10, INT32_MIN, INT32_MAX, true }, { "shmid", 10, 0, INT32_MAX, true },
	{ "perms", 8, 0, 0177777, true }, { "size", 10, 0, INT64_MAX, false },
	{ "cpid", 10, 0, 4194304, false }, { "lpid", 10, 0, 4194304, false },
	{ "nattch", 10, 0, INT64_MAX, false }, { "uid", 10, 0, UINT32_MAX, false },
	{ "gid", 10, 0, UINT32_MAX, false }, { "cuid", 10, 0, UINT32_MAX, false },
	{ "cgid", 10, 0, UINT32_MAX, false }, { "atime", 10, 0, INT64_MAX, false },
	{ "dtime", 10, 0, INT64_MAX, false }, { "ctime", 10, 0, INT64_MAX, false },
	{ "rss", 10, 0, INT64_MAX, false }, { "swap", 10, 0, INT64_MAX, false },
};
static const struct sysv_col sem_cols[] = {
	{ "key", 10, INT32_MIN, INT32_MAX, true }, { "semid", 10, 0, INT32_MAX, true },
	{ "perms", 8, 0, 0177777, true }, { "nsems", 10, 0, INT32_MAX, false },
	{ "uid", 10, 0, UINT32_MAX, false }, { "gid", 10, 0, UINT32_MAX, false },
	{ "cuid", 10, 0, UINT32_MAX, false }, { "cgid", 10, 0, UINT32_MAX, false },
	{ "otime", 10, 0, INT64_MAX, false }, { "ctime", 10, 0, INT64_MAX, false },
};

struct table {
	const struct sysv_col *cols;
	size_t n;
	struct sysv_header h;
	int have_header;
};

static void check_header(const struct table *t)
{
	FUZZ_CHECK(t->h.n_fields > 0 && t->h.n_fields <= SYSV_MAX_FIELDS);
	for (size_t c = 0; c < t->n; c++) {
		FUZZ_CHECK(t->h.pos[c] >= -1 && t->h.pos[c] < (int)t->h.n_fields);
		FUZZ_CHECK(t->h.pos[c] >= 0 || !t->cols[c].required);
	}
}

static void row(const char *line, size_t len, void *arg)
{
	struct table *t = arg;
	struct sysv_row r;
	struct sysv_header h;

	if (!t->have_header) {
		t->have_header = 1;
		if (sysv_header_parse(line, len, t->cols, t->n, &t->h) != 0)
			t->have_header = -1;
		else
			check_header(t);
		return;
	}
	/* any line may also be read as a header */
	(void)sysv_header_parse(line, len, t->cols, t->n, &h);
	if (t->have_header < 0 || sysv_line_parse(line, len, t->cols, t->n, &t->h, &r) != 0)
		return;
	for (size_t c = 0; c < t->n; c++) {
		int has = (r.have >> c) & 1;

		FUZZ_CHECK(has == (t->h.pos[c] >= 0));
		if (has)
			FUZZ_CHECK(r.v[c] >= t->cols[c].min && r.v[c] <= t->cols[c].max);
		FUZZ_CHECK(sysv_get(&r, (int)c, -12345) == (has ? r.v[c] : -12345));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct table tables[] = {
		{ msg_cols, N(msg_cols), { 0 }, 0 },
		{ shm_cols, N(shm_cols), { 0 }, 0 },
		{ sem_cols, N(sem_cols), { 0 }, 0 },
	};

	for (size_t i = 0; i < N(tables); i++)
		fuzz_lines(data, size, row, &tables[i]);
	return 0;
}
