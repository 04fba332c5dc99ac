/*
 * demo_pipeline.c - `a | b | c` built the way a shell builds it.
 *
 * pipeline-shell makes two pipes, forks three children that dup2() their ends onto stdin and
 * stdout and close the originals, closes its own copies, and waits. pipeline-a writes ten
 * lines (one per step), pipeline-b upper-cases what it reads, pipeline-c counts lines. When
 * a finishes, end-of-file ripples down the chain, the shell collects all three, and the
 * story repeats. Processes: pipeline-shell (top), pipeline-a, pipeline-b, pipeline-c.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "demos/demo_scenarios.h"

#define ITEMS 10

static ssize_t read_retry(int fd, char *buf, size_t len)
{
	ssize_t n;

	while ((n = read(fd, buf, len)) < 0 && errno == EINTR)
		;
	return n;
}

static bool write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

static void close4(const int *p1, const int *p2)
{
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
}

static void run_a(struct demo_ctx *ctx, const int *p1, const int *p2, const char *id1)
{
	char objs[64], line[32];

	snprintf(objs, sizeof(objs), "%s,pid:%d", id1, (int)getpid());
	dup2(p1[1], STDOUT_FILENO);
	close4(p1, p2);
	demo_caption(ctx, objs, "pipeline-a: dup2() made its stdout (fd 1) the write end of %s, "
		     "then it closed all four original pipe descriptors. It does not know it "
		     "writes into a pipe.", id1);
	for (int k = 1; k <= ITEMS; k++) {
		int len;

		if (!demo_step(ctx))
			_exit(0);
		len = snprintf(line, sizeof(line), "item %d\n", k);
		if (!write_all(STDOUT_FILENO, line, (size_t)len))
			_exit(demo_fail(ctx, "pipeline-a: write: %s", strerror(errno)));
		demo_caption(ctx, objs, "pipeline-a write(1, \"item %d\\n\"): %d bytes into %s.", k,
			     len, id1);
	}
	if (!demo_step(ctx))
		_exit(0);
	demo_caption(ctx, objs, "pipeline-a is done and exits: that closes its stdout, the last "
		     "write end of %s.", id1);
	_exit(0);
}

static void run_b(struct demo_ctx *ctx, const int *p1, const int *p2, const char *id1,
		  const char *id2)
{
	char objs[160], buf[256];

	snprintf(objs, sizeof(objs), "%s,%s,pid:%d", id1, id2, (int)getpid());
	dup2(p1[0], STDIN_FILENO);
	dup2(p2[1], STDOUT_FILENO);
	close4(p1, p2);
	demo_caption(ctx, objs, "pipeline-b: stdin is the read end of %s, stdout the write end "
		     "of %s (dup2 twice), the originals closed. It is a filter: it sleeps in "
		     "read() until a line arrives.", id1, id2);
	for (;;) {
		ssize_t n = read_retry(STDIN_FILENO, buf, sizeof(buf));

		if (n < 0)
			_exit(demo_fail(ctx, "pipeline-b: read: %s", strerror(errno)));
		if (n == 0) {
			demo_caption(ctx, objs, "pipeline-b read() end-of-file from %s and exits, "
				     "which closes the write end of %s: the end-of-file moves on.",
				     id1, id2);
			_exit(0);
		}
		for (ssize_t i = 0; i < n; i++)
			buf[i] = (char)toupper((unsigned char)buf[i]);
		if (!write_all(STDOUT_FILENO, buf, (size_t)n))
			_exit(demo_fail(ctx, "pipeline-b: write: %s", strerror(errno)));
		demo_caption(ctx, objs, "pipeline-b read %zd bytes from %s, upper-cased them and "
			     "wrote them to %s.", n, id1, id2);
	}
}

static void run_c(struct demo_ctx *ctx, const int *p1, const int *p2, const char *id2)
{
	char objs[64], buf[256];
	int lines = 0;

	snprintf(objs, sizeof(objs), "%s,pid:%d", id2, (int)getpid());
	dup2(p2[0], STDIN_FILENO);
	close4(p1, p2);
	demo_caption(ctx, objs, "pipeline-c: stdin is the read end of %s; it counts lines.", id2);
	for (;;) {
		ssize_t n;

		if (!demo_step_scaled(ctx, 1.5))	/* a slow consumer: lines queue up */
			_exit(0);
		n = read_retry(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0)
			_exit(demo_fail(ctx, "pipeline-c: read: %s", strerror(errno)));
		if (n == 0) {
			demo_caption(ctx, objs, "pipeline-c read() end-of-file from %s after %d "
				     "lines: the whole pipeline has drained.", id2, lines);
			_exit(0);
		}
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
		demo_caption(ctx, objs, "pipeline-c read %zd bytes from %s (%d lines so far).", n,
			     id2, lines);
	}
}

/* popen()/pclose(): the library does pipe + fork + exec sh + dup2 + wait for you. */
static bool popen_step(struct demo_ctx *ctx)
{
	char objs[32], line[128], why[64];
	FILE *f;
	int st;

	snprintf(objs, sizeof(objs), "pid:%d", (int)getpid());
	f = popen("echo item 1; echo item 2", "r");
	if (!f) {
		demo_fail(ctx, "popen: %s", strerror(errno));
		return false;
	}
	demo_caption(ctx, objs, "popen(\"echo item 1; echo item 2\", \"r\") does the same work "
		     "in one call: pipe(), fork(), and in the child dup2() onto stdout and exec of "
		     "/bin/sh -c. The parent gets the read end as a FILE *.");
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	while (fgetc(f) != EOF)
		;
	st = pclose(f);
	demo_caption(ctx, objs, "pipeline-shell read \"%s\"... from it; pclose() closed the "
		     "pipe and waited for the shell, which %s.", line,
		     st == -1 ? "could not be collected" : demo_describe_status(st, why, sizeof(why)));
	return demo_step(ctx);
}

static bool round_(struct demo_ctx *ctx, bool *first)
{
	int p1[2], p2[2];
	char id1[48], id2[48], objs[128], why[64];
	pid_t kids[3];
	static const char *const names[3] = { "pipeline-a", "pipeline-b", "pipeline-c" };

	if (pipe(p1) < 0 || pipe(p2) < 0) {
		demo_fail(ctx, "pipe: %s", strerror(errno));
		return false;
	}
	demo_fd_id(p1[0], "pipe", id1, sizeof(id1));
	demo_fd_id(p2[0], "pipe", id2, sizeof(id2));
	demo_object(ctx, id1, "pipeline-a | pipeline-b");
	demo_object(ctx, id2, "pipeline-b | pipeline-c");
	snprintf(objs, sizeof(objs), "%s,%s,pid:%d", id1, id2, (int)getpid());
	demo_caption(ctx, objs, "pipeline-shell prepares `a | b | c` as a shell does: pipe() "
		     "twice, %s between a and b, %s between b and c.", id1, id2);
	if (*first) {
		demo_ready(ctx);
		*first = false;
	}
	for (int i = 0; i < 3; i++) {
		if (!demo_step(ctx))
			return false;
		kids[i] = demo_fork(ctx, names[i], 0);
		if (kids[i] < 0) {
			demo_fail(ctx, "fork: %s", strerror(errno));
			return false;
		}
		if (kids[i] == 0) {
			if (i == 0)
				run_a(ctx, p1, p2, id1);
			else if (i == 1)
				run_b(ctx, p1, p2, id1, id2);
			else
				run_c(ctx, p1, p2, id2);
			_exit(0);
		}
		demo_caption(ctx, objs, "pipeline-shell fork()ed %s (PID %d); the child inherits "
			     "all four pipe ends.", names[i], (int)kids[i]);
	}
	close4(p1, p2);
	demo_caption(ctx, objs, "pipeline-shell closes its own copies of all four ends: if it "
		     "kept a write end, b and c would never see end-of-file. Then it waits.");
	for (int i = 0; i < 3; i++) {
		int st;

		if (demo_wait(kids[i], &st, 0) < 0) {
			demo_fail(ctx, "waitpid: %s", strerror(errno));
			return false;
		}
		demo_caption(ctx, objs, "waitpid(): %s (PID %d) %s.", names[i], (int)kids[i],
			     demo_describe_status(st, why, sizeof(why)));
	}
	if (!demo_step(ctx))
		return false;
	return popen_step(ctx);
}

int demo_pipeline_run(struct demo_ctx *ctx)
{
	bool first = true;

	demo_become(ctx, "pipeline-shell");
	for (;;)
		if (!round_(ctx, &first))
			return demo_stopping(ctx) ? 0 : 1;
}
