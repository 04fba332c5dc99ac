/*
 * rec_seek.c - benchmark helper for recordings (tests/bench/record.sh): builds an hour's
 * recording from a real one and times seeks in it.
 *
 *   rec_seek SOURCE OUT [COUNT]
 *
 * Writes OUT (which must not exist) with COUNT snapshots (default 3600) a second apart: the
 * snapshots of SOURCE over and over, each with its "time" moved on so the file reads as one
 * continuous recording. Then opens OUT as `ipctop replay` does and prints, one "key value" a
 * line: bytes, open_ms (read and index the whole file), and seek_ms_median / seek_ms_max (wall)
 * and seek_cpu_ms_median / seek_cpu_ms_max (the thread's CPU time) over 200 seeks to random
 * snapshots (each in a different chunk than the one before, so every seek
 * decodes a chunk from its start), with the text checked against a sequential read.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "src/record.h"
#include "src/recording.h"

static double clock_ms(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

static double cpu_ms(void)
{
	return clock_ms(CLOCK_THREAD_CPUTIME_ID);
}

static struct rec_reader *load(const char *path, double *ms)
{
	char err[256];
	struct rec_reader *r = rec_reader_new();
	double t0 = now_ms();
	int fd = replay_open(path, err, sizeof(err)), rc;

	if (fd < 0) {
		fprintf(stderr, "rec_seek: %s\n", err);
		exit(2);
	}
	while ((rc = replay_read(r, fd, true, err, sizeof(err))) == 0)
		;
	rec_reader_end(r);
	close(fd);
	if (ms)
		*ms = now_ms() - t0;
	if (rc < 0 || rec_reader_problem(r)) {
		fprintf(stderr, "rec_seek: %s: %s\n", path, rc < 0 ? err : rec_reader_problem(r));
		exit(2);
	}
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct rec_reader *src, *r;
	struct rec_header h = { .interval = 1, .hostname = "bench" };
	long count = argc > 3 ? atol(argv[3]) : 3600;
	size_t n;
	int fd, err = 0;
	struct rec_writer *w;
	double t0, c0, open_ms, seeks[200], cpus[200];
	struct stat st;
	char **texts;
	double base;

	if (argc < 3) {
		fprintf(stderr, "usage: rec_seek SOURCE OUT [COUNT]\n");
		return 2;
	}
	src = load(argv[1], NULL);
	n = rec_reader_count(src);
	if (!n) {
		fprintf(stderr, "rec_seek: %s holds no snapshot\n", argv[1]);
		return 2;
	}
	texts = calloc(n, sizeof(*texts));
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *t = rec_reader_get(src, i, &len);

		texts[i] = strndup(t, len);
	}
	base = rec_reader_time(src, 0);
	rec_reader_free(src);

	fd = open(argv[2], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	w = fd >= 0 ? rec_writer_new(fd, &h, 0, &err) : NULL;
	if (!w) {
		perror("rec_seek: cannot create the output");
		return 2;
	}
	for (long i = 0; i < count; i++) {
		const char *t = texts[i % (long)n], *p = strstr(t, "\"time\":");
		double when = base + (double)i;
		char *line;
		size_t len;
		FILE *m = open_memstream(&line, &len);

		/* the same snapshot, its time moved to one second after the one before */
		fprintf(m, "%.*s\"time\":%.6f%s", (int)(p - t), t, when, strchr(p + 7, ','));
		fclose(m);
		if (rec_writer_add(w, line, len, when) < 0) {
			perror("rec_seek: write");
			return 2;
		}
		free(line);
	}
	rec_writer_close(w);
	rec_writer_free(w);
	close(fd);
	stat(argv[2], &st);

	r = load(argv[2], &open_ms);
	srand(17);
	{
		long prev = -1000;

		for (int k = 0; k < 200; k++) {
			long i;
			size_t len;
			const char *t;

			do
				i = rand() % count;
			while (i / REC_CHUNK_SNAPSHOTS == prev / REC_CHUNK_SNAPSHOTS);
			prev = i;
			t0 = now_ms();
			c0 = cpu_ms();
			t = rec_reader_get(r, (size_t)i, &len);
			cpus[k] = cpu_ms() - c0;
			seeks[k] = now_ms() - t0;
			if (!t || !strstr(t, "\"time\":") ||
			    strtod(strstr(t, "\"time\":") + 7, NULL) != base + (double)i) {
				fprintf(stderr, "rec_seek: snapshot #%ld is not the one written\n", i);
				return 1;
			}
		}
	}
	qsort(seeks, 200, sizeof(seeks[0]), cmp_double);
	qsort(cpus, 200, sizeof(cpus[0]), cmp_double);
	printf("snapshots %ld\nbytes %lld\nopen_ms %.1f\nseek_ms_median %.2f\nseek_ms_max %.2f\n"
	       "seek_cpu_ms_median %.2f\nseek_cpu_ms_max %.2f\n",
	       count, (long long)st.st_size, open_ms, seeks[100], seeks[199], cpus[100], cpus[199]);
	rec_reader_free(r);
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	return 0;
}
