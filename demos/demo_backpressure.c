/*
 * demo_backpressure.c - a fast writer and a slow reader: the pipe fills and the writer blocks.
 *
 * fast-writer shrinks the pipe to 16 KiB (F_SETPIPE_SZ) and writes 4 KiB every quarter step;
 * slow-reader reads 1 KiB per step for twelve steps, so the pipe fills and the writer sleeps
 * in write() until a whole page is drained. Then the reader catches up for a few quarter
 * steps, empties the pipe and sleeps in read() until the writer adds more. Repeats.
 * Processes: fast-writer (top), slow-reader.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "demos/demo_scenarios.h"

#define CAPACITY 16384
#define CHUNK 4096

static int queued(int fd)
{
	int n = -1;

	return ioctl(fd, FIONREAD, &n) == 0 ? n : -1;
}

static void reader(struct demo_ctx *ctx, int rfd, const char *id, int cap)
{
	static char buf[CAPACITY];
	char objs[64];

	snprintf(objs, sizeof(objs), "%s,pid:%d", id, (int)getpid());
	for (;;) {
		for (int i = 0; i < 12; i++) {
			ssize_t n;

			if (!demo_step(ctx))
				_exit(0);
			while ((n = read(rfd, buf, 1024)) < 0 && errno == EINTR)
				;
			if (n <= 0)
				_exit(demo_fail(ctx, "slow-reader: read: %s",
						n < 0 ? strerror(errno) : "end-of-file"));
			demo_caption(ctx, objs, "slow-reader read() %zd bytes from %s; %d of %d bytes "
				     "still queued. The writer only wakes once a whole page (4096 "
				     "bytes) is free again.", n, id, queued(rfd), cap);
		}
		demo_caption(ctx, objs, "slow-reader speeds up: it reads as much as it can per "
			     "quarter step.");
		for (int i = 0; i < 8; i++) {
			int q = queued(rfd);
			ssize_t n;

			if (!demo_step_scaled(ctx, 0.25))
				_exit(0);
			if (q == 0)
				demo_caption(ctx, objs, "%s is empty: slow-reader's read() sleeps until "
					     "fast-writer writes again.", id);
			while ((n = read(rfd, buf, sizeof(buf))) < 0 && errno == EINTR)
				;
			if (n <= 0)
				_exit(demo_fail(ctx, "slow-reader: read: %s",
						n < 0 ? strerror(errno) : "end-of-file"));
			demo_caption(ctx, objs, "slow-reader read() %zd bytes at once from %s.", n, id);
		}
	}
}

int demo_backpressure_run(struct demo_ctx *ctx)
{
	static char chunk[CHUNK];
	char id[48], objs[96];
	int fd[2], cap;
	pid_t child;

	demo_become(ctx, "fast-writer");
	if (pipe(fd) < 0)
		return demo_fail(ctx, "pipe: %s", strerror(errno));
	demo_fd_id(fd[0], "pipe", id, sizeof(id));
	demo_object(ctx, id, "fast-writer -> slow-reader");
	cap = fcntl(fd[1], F_SETPIPE_SZ, CAPACITY);
	if (cap < 0)
		cap = fcntl(fd[1], F_GETPIPE_SZ);
	snprintf(objs, sizeof(objs), "%s,pid:%d", id, (int)getpid());
	demo_caption(ctx, objs, "pipe() made %s; fcntl(F_SETPIPE_SZ) set its capacity to %d bytes "
		     "(64 KiB by default) so it fills sooner.", id, cap);
	demo_ready(ctx);
	if (!demo_step(ctx))
		return 0;
	child = demo_fork(ctx, "slow-reader", 0);
	if (child < 0)
		return demo_fail(ctx, "fork: %s", strerror(errno));
	if (child == 0) {
		close(fd[1]);
		reader(ctx, fd[0], id, cap);
		_exit(0);
	}
	close(fd[0]);
	snprintf(objs, sizeof(objs), "%s,pid:%d,pid:%d", id, (int)getpid(), (int)child);
	demo_caption(ctx, objs, "fast-writer forked slow-reader (PID %d) and kept only the write "
		     "end. It writes 4 KiB every quarter step; the reader takes 1 KiB a step.",
		     (int)child);
	memset(chunk, 'x', sizeof(chunk));
	for (;;) {
		int q = queued(fd[1]);
		bool full = q >= 0 && cap - q < CHUNK;
		ssize_t n;

		if (!demo_step_scaled(ctx, 0.25))
			return 0;
		if (full)
			demo_caption(ctx, objs, "write() of %d bytes: %s holds %d of %d bytes, no room "
				     "for %d more, so the kernel puts fast-writer to sleep until "
				     "slow-reader drains a page. (Writes up to PIPE_BUF = %d bytes "
				     "go in whole or not at all.)", CHUNK, id, q, cap, CHUNK, PIPE_BUF);
		while ((n = write(fd[1], chunk, sizeof(chunk))) < 0 && errno == EINTR)
			;
		if (n < 0)
			return demo_fail(ctx, "fast-writer: write: %s", strerror(errno));
		if (full)
			demo_caption(ctx, objs, "fast-writer's write() returned %zd: the reader made "
				     "room and the kernel woke the writer.", n);
		else
			demo_caption(ctx, objs, "fast-writer write() %zd bytes into %s: %d of %d bytes "
				     "queued now.", n, id, queued(fd[1]), cap);
	}
}
