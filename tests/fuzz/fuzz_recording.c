/*
 * fuzz_recording.c - libFuzzer target for the recording reader (src/recording.h) and the
 * JSON importer behind it (src/json_in.h).
 *
 * The input is a recording file; its first byte also chooses the piece size it is fed in (a
 * stream arrives in pieces, a file at once). Every snapshot the reader says it has is fetched
 * in a scrambled order and imported. Promises checked: the count never grows after rec_reader_end,
 * a fetched text has the length it says and no newline, a failed fetch leaves a problem
 * and shrinks the count to it, an imported snapshot is sealed. A second pass feeds the input to
 * json_in_snapshot directly, as one snapshot's text.
 */
#include "config.h"

#include <stdint.h>

#include "src/json_in.h"
#include "src/recording.h"
#include "tests/fuzz/fuzz.h"

static void import(const char *text, size_t len)
{
	char err[256];
	struct snapshot_delta *d = NULL;
	struct snapshot *s = json_in_snapshot(text, len, &d, err, sizeof(err));

	if (s)
		FUZZ_CHECK(s->sealed);
	else
		FUZZ_CHECK(d == NULL && fuzz_terminated(err, sizeof(err)) && err[0]);
	snapshot_delta_free(d);
	snapshot_unref(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec_reader *r = rec_reader_new();
	size_t piece = size ? (size_t)data[0] * 7 + 1 : 1, n;
	char *copy = fuzz_dup(data, size);

	for (size_t off = 0; off < size; off += piece)
		rec_reader_feed(r, copy + off, size - off < piece ? size - off : piece);
	rec_reader_end(r);
	n = rec_reader_count(r);
	if (rec_reader_refused(r))
		FUZZ_CHECK(n == 0 && rec_reader_problem(r));
	for (size_t k = 0; k < n && k < 64; k++) {
		size_t i = (k * 37 + size) % n, len = 0;
		const char *t = rec_reader_get(r, i, &len);

		if (!t) {
			FUZZ_CHECK(rec_reader_problem(r) && rec_reader_count(r) == i);
			break;
		}
		FUZZ_CHECK(strlen(t) <= len && !memchr(t, '\n', len));
		import(t, len);
		FUZZ_CHECK(rec_reader_count(r) <= n);
		n = rec_reader_count(r);
	}
	rec_reader_free(r);
	import(copy, size);
	free(copy);
	return 0;
}
