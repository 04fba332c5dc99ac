/*
 * test_recording.c - the recording format: what the writer wrote the reader gives back byte
 * for byte, in any order and fed in any pieces; truncated, corrupted, foreign and newer
 * files stop where they must and say why; the size cap drops the oldest chunks.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/record.h"
#include "src/recording.h"
#include "tests/unit/testmain.h"

#define N 150

static char *line(int i, size_t *len)
{
	static char buf[4096];
	int n = snprintf(buf, sizeof(buf), "{\"schema\":1,\"time\":%d.500000,\"n\":%d,\"pad\":\"", 1000 + i, i);

	for (int k = 0; k < 200; k++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%d,", (k * 7 + i / 3) % 1000);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "\"}");
	*len = (size_t)n;
	return buf;
}

/* A recording of `count` lines in memory (*len bytes; the caller frees it). */
static unsigned char *record(int count, size_t *len)
{
	int fd = memfd_create("rec", 0);
	struct rec_header h = { .interval = 1, .hostname = "test" };
	int err = 0;
	struct rec_writer *w = rec_writer_new(fd, &h, 0, &err);
	unsigned char *buf;
	struct stat st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	for (int i = 0; i < count; i++) {
		size_t l;
		const char *t = line(i, &l);

		CU_ASSERT_EQUAL(rec_writer_add(w, t, l, 1000 + i + 0.5), 0);
	}
	CU_ASSERT_EQUAL(rec_writer_close(w), 0);
	rec_writer_free(w);
	fstat(fd, &st);
	*len = (size_t)st.st_size;
	buf = malloc(*len);
	CU_ASSERT_EQUAL(pread(fd, buf, *len, 0), (ssize_t)*len);
	close(fd);
	return buf;
}

static struct rec_reader *read_all(const unsigned char *b, size_t len, size_t piece)
{
	struct rec_reader *r = rec_reader_new();

	for (size_t off = 0; off < len; off += piece)
		rec_reader_feed(r, b + off, len - off < piece ? len - off : piece);
	rec_reader_end(r);
	return r;
}

static bool same(struct rec_reader *r, size_t i)
{
	size_t l, gl;
	const char *want = line((int)i, &l);
	char copy[4096];
	const char *got;

	memcpy(copy, want, l);
	got = rec_reader_get(r, i, &gl);
	return got && gl == l && memcmp(got, copy, l) == 0;
}

static void test_roundtrip(void)
{
	size_t len;
	unsigned char *b = record(N, &len);
	struct rec_reader *r = read_all(b, len, len);
	static const size_t order[] = { 149, 0, 61, 60, 59, 1, 120, 119, 148, 2, 3, 4 };
	char err[256];

	CU_ASSERT_EQUAL_FATAL(rec_reader_count(r), N);
	CU_ASSERT_PTR_NULL(rec_reader_problem(r));
	CU_ASSERT_STRING_EQUAL(rec_reader_hostname(r), "test");
	CU_ASSERT_DOUBLE_EQUAL(rec_reader_interval(r), 1, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(rec_reader_time(r, 77), 1077.5, 1e-6);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		CU_ASSERT_TRUE(same(r, order[i]));
	for (size_t i = 0; i < N; i++)
		CU_ASSERT_TRUE(same(r, i));
	CU_ASSERT_EQUAL(replay_resolve(r, "@1077.5", err, sizeof(err)), 77);
	CU_ASSERT_EQUAL(replay_resolve(r, "@1077.9", err, sizeof(err)), 77);
	CU_ASSERT_EQUAL(replay_resolve(r, "@999", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "before the recording starts"));
	CU_ASSERT_EQUAL(replay_resolve(r, "@5000", err, sizeof(err)), N - 1);
	CU_ASSERT_EQUAL(replay_resolve(r, "#77", err, sizeof(err)), 77);
	CU_ASSERT_EQUAL(replay_resolve(r, "#150", err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(replay_resolve(r, "-10s", err, sizeof(err)), 139);
	CU_ASSERT_EQUAL(replay_resolve(r, "-1m", err, sizeof(err)), 89);
	CU_ASSERT_EQUAL(replay_resolve(r, "#x", err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(replay_resolve(r, "25:00", err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(replay_resolve(r, "-5q", err, sizeof(err)), -1);
	rec_reader_free(r);
	/* a stream in small pieces: the same, decoded as it comes */
	r = read_all(b, len, 7);
	CU_ASSERT_EQUAL(rec_reader_count(r), N);
	CU_ASSERT_PTR_NULL(rec_reader_problem(r));
	CU_ASSERT_TRUE(same(r, 100));
	rec_reader_free(r);
	free(b);
}

/* Every cut keeps what came before it and says it is truncated (unless it falls between
 * frames). */
static void test_truncated(void)
{
	size_t len;
	unsigned char *b = record(N, &len);

	for (size_t cut = 0; cut < len; cut += len / 97 + 1) {
		struct rec_reader *r = read_all(b, cut, 4096);
		size_t n = rec_reader_count(r);

		CU_ASSERT_TRUE(n <= N);
		if (n > 0) {
			CU_ASSERT_TRUE(same(r, n - 1));
			CU_ASSERT_TRUE(same(r, 0));
		}
		if (cut < len && n < N && !rec_reader_problem(r))
			CU_FAIL("a cut recording says nothing");
		rec_reader_free(r);
	}
	free(b);
}

static size_t nth_magic(const unsigned char *b, size_t len, int nth)
{
	for (size_t i = 0; i + 4 <= len; i++)
		if (b[i] == 0x28 && b[i + 1] == 0xB5 && b[i + 2] == 0x2F && b[i + 3] == 0xFD && --nth == 0)
			return i;
	return 0;
}

static void test_corrupted(void)
{
	size_t len, at, n = 0;
	unsigned char *b = record(N, &len);
	struct rec_reader *r;

	at = nth_magic(b, len, 2);
	CU_ASSERT_FATAL(at > 0);
	b[at + 300] ^= 0x5a;
	r = read_all(b, len, len);
	while (n < rec_reader_count(r) && same(r, n))
		n++;
	CU_ASSERT_TRUE(n >= 60 && n < N);	/* the first chunk is whole */
	CU_ASSERT_EQUAL(rec_reader_count(r), n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rec_reader_problem(r));
	CU_ASSERT_PTR_NOT_NULL(strstr(rec_reader_problem(r), "damaged at byte"));
	rec_reader_free(r);
	/* garbage between frames */
	free(b);
	b = record(N, &len);
	at = nth_magic(b, len, 2);
	b[at] = 'X';
	r = read_all(b, len, 1000);
	CU_ASSERT_EQUAL(rec_reader_count(r), 60);
	CU_ASSERT_PTR_NOT_NULL(strstr(rec_reader_problem(r), "not a frame"));
	rec_reader_free(r);
	free(b);
}

static void test_refused(void)
{
	static const unsigned char newer[] = "\x50\x2a\x4d\x18\x2d\0\0\0IPCH{\"format\":\"ipctop-recording\",\"version\":2}";
	static const unsigned char other[] = "\x50\x2a\x4d\x18\x06\0\0\0IPCH{}";
	static const char text[] = "{\"schema\":1,\"time\":1}\n";
	struct rec_reader *r;

	r = read_all(newer, 8 + 0x2d, 100);
	CU_ASSERT_TRUE(rec_reader_refused(r));
	CU_ASSERT_PTR_NOT_NULL(strstr(rec_reader_problem(r), "newer"));
	rec_reader_free(r);
	r = read_all(other, 14, 100);
	CU_ASSERT_TRUE(rec_reader_refused(r));
	rec_reader_free(r);
	r = read_all((const unsigned char *)text, strlen(text), 100);
	CU_ASSERT_TRUE(rec_reader_refused(r));
	CU_ASSERT_EQUAL(rec_reader_count(r), 0);
	rec_reader_free(r);
	r = read_all(NULL, 0, 1);
	CU_ASSERT_TRUE(rec_reader_refused(r));
	rec_reader_free(r);
}

static void test_max_size(void)
{
	char path[] = "/tmp/ipctop-rec-XXXXXX";
	int fd = mkstemp(path);
	struct rec_header h = { .interval = 1 };
	int err = 0;
	struct rec_writer *w = rec_writer_new(fd, &h, 30000, &err);
	unsigned char *b;
	struct stat st;
	struct rec_reader *r;
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	unlink(path);
	for (int i = 0; i < 600; i++) {
		size_t l;
		const char *t = line(i, &l);

		CU_ASSERT_EQUAL(rec_writer_add(w, t, l, 1000 + i + 0.5), 0);
	}
	CU_ASSERT_EQUAL(rec_writer_close(w), 0);
	rec_writer_free(w);
	fstat(fd, &st);
	CU_ASSERT_TRUE(st.st_size <= 30000);
	b = malloc((size_t)st.st_size);
	CU_ASSERT_EQUAL(pread(fd, b, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	r = read_all(b, (size_t)st.st_size, 4096);
	n = rec_reader_count(r);
	CU_ASSERT_PTR_NULL(rec_reader_problem(r));
	CU_ASSERT_TRUE(n > 0 && n < 600);
	CU_ASSERT_DOUBLE_EQUAL(rec_reader_time(r, n - 1), 1599.5, 1e-6);	/* the newest kept */
	if (n > 0) {
		size_t gl;
		const char *got = rec_reader_get(r, 0, &gl);
		int first = (int)(rec_reader_time(r, 0) - 1000);
		size_t l;
		char *want = line(first, &l);

		CU_ASSERT_TRUE(got && gl == l && memcmp(got, want, l) == 0);
	}
	rec_reader_free(r);
	free(b);
}

void test_register(void)
{
	TEST_SUITE("recording", NULL, NULL,
		   "round trip, any order, any pieces", test_roundtrip,
		   "truncated anywhere", test_truncated,
		   "corrupted", test_corrupted,
		   "refused files", test_refused,
		   "size cap drops the oldest", test_max_size);
}
