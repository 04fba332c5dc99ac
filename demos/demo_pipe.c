/*
 * demo_pipe.c - parent -> child through an anonymous pipe.
 *
 * Act 1: pipe(), fork() (the child inherits both ends), each side closes the end it does not
 * use, the parent writes a line per step while the child reads every other step (so bytes
 * queue up and two writes come out as one read), the parent closes its end and the child
 * reads end-of-file. Act 2: a child reads once and goes away; the parent's next write gets
 * SIGPIPE (caught here, so the demo survives to show EPIPE). Then the whole story repeats.
 * Processes: pipe-writer (the scenario's top), pipe-reader.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "demos/demo_scenarios.h"

static volatile sig_atomic_t got_sigpipe;

static void on_sigpipe(int sig)
{
	(void)sig;
	got_sigpipe = 1;
}

/* Quotes bytes for a caption: newlines as "\n", at most ~60 characters. */
static const char *quote(const char *data, size_t n, char *buf, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < len && i < 60; i++) {
		if (data[i] == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else {
			buf[o++] = (data[i] >= ' ' && data[i] < 0x7f) ? data[i] : '.';
		}
	}
	buf[o] = '\0';
	return buf;
}

static int count_lines(const char *data, size_t n)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += data[i] == '\n';
	return c;
}

/* The reader of act 1: reads every other step until end-of-file. */
static void reader_eof(struct demo_ctx *ctx, int rfd, const char *id)
{
	char buf[256], q[160], objs[64];

	snprintf(objs, sizeof(objs), "%s,pid:%d", id, (int)getpid());
	if (lseek(rfd, 0, SEEK_SET) < 0 && errno == ESPIPE)
		demo_caption(ctx, objs, "lseek() on %s fails with ESPIPE: a pipe has no file "
			     "position. Bytes come out once, in the order they went in.", id);
	for (;;) {
		int queued = 0;
		ssize_t n;

		if (!demo_step_scaled(ctx, 2.0))
			_exit(0);
		if (ioctl(rfd, FIONREAD, &queued) == 0 && queued == 0)
			demo_caption(ctx, objs, "read() on %s finds it empty: the kernel puts "
				     "pipe-reader to sleep until a writer adds data or the last "
				     "write end closes.", id);
		do
			n = read(rfd, buf, sizeof(buf));
		while (n < 0 && errno == EINTR);
		if (n < 0)
			_exit(demo_fail(ctx, "pipe-reader: read: %s", strerror(errno)));
		if (n == 0) {
			demo_caption(ctx, objs, "read() returned 0: end-of-file. Every write end of %s "
				     "is closed, so no data can ever come again; pipe-reader exits.",
				     id);
			_exit(0);
		}
		demo_caption(ctx, objs, "read() returned %zd bytes \"%s\": the kernel copied them "
			     "out of %s, and they are gone from it.%s", n,
			     quote(buf, (size_t)n, q, sizeof(q)), id,
			     count_lines(buf, (size_t)n) > 1 ?
			     " Two writes came out as one read: a pipe carries bytes, not messages, "
			     "so the two sides must agree where a message ends (here: at \\n)." : "");
	}
}

static bool act_eof(struct demo_ctx *ctx, bool *first)
{
	int fd[2];
	char id[48], objs[96], msg[32];
	pid_t me = getpid(), child;
	int st;

	if (pipe(fd) < 0) {
		demo_fail(ctx, "pipe: %s", strerror(errno));
		return false;
	}
	demo_fd_id(fd[0], "pipe", id, sizeof(id));
	demo_object(ctx, id, "pipe-writer -> pipe-reader");
	snprintf(objs, sizeof(objs), "%s,pid:%d", id, (int)me);
	demo_caption(ctx, objs, "pipe() created %s: a buffer inside the kernel with a read end "
		     "(fd %d) and a write end (fd %d). For now pipe-writer (PID %d) holds both.",
		     id, fd[0], fd[1], (int)me);
	if (*first) {
		demo_ready(ctx);
		*first = false;
	}
	if (!demo_step(ctx))
		return false;

	child = demo_fork(ctx, "pipe-reader", 0);
	if (child < 0) {
		demo_fail(ctx, "fork: %s", strerror(errno));
		return false;
	}
	if (child == 0) {
		snprintf(objs, sizeof(objs), "%s,pid:%d", id, (int)getpid());
		demo_caption(ctx, objs, "fork() returned 0 here in pipe-reader (PID %d). It inherited "
			     "both ends of %s: the same open file descriptions as its parent's.",
			     (int)getpid(), id);
		if (!demo_step(ctx))
			_exit(0);
		close(fd[1]);
		demo_caption(ctx, objs, "pipe-reader closes its copy of the write end (fd %d): it "
			     "only reads. Had it kept it, it would never see end-of-file.", fd[1]);
		reader_eof(ctx, fd[0], id);
		_exit(0);
	}
	snprintf(objs, sizeof(objs), "%s,pid:%d,pid:%d", id, (int)me, (int)child);
	demo_caption(ctx, objs, "fork() returned %d here in pipe-writer: one call, two returns "
		     "(0 in the child, the child's PID in the parent).", (int)child);
	if (!demo_step(ctx))
		return false;
	close(fd[0]);
	demo_caption(ctx, objs, "pipe-writer closes its copy of the read end (fd %d): it only "
		     "writes. Now %s has one writer (PID %d) and one reader (PID %d).", fd[0], id,
		     (int)me, (int)child);
	for (int k = 1; k <= 8; k++) {
		int len;

		if (!demo_step(ctx))
			return false;
		len = snprintf(msg, sizeof(msg), "message %d\n", k);
		if (write(fd[1], msg, (size_t)len) != len) {
			demo_fail(ctx, "pipe-writer: write: %s", strerror(errno));
			return false;
		}
		demo_caption(ctx, objs, "write() copied %d bytes into %s and returned at once; the "
			     "kernel wakes pipe-reader if it sleeps in read(). Writes of at most "
			     "PIPE_BUF (%d) bytes are never split.", len, id, PIPE_BUF);
	}
	if (!demo_step(ctx))
		return false;
	close(fd[1]);
	demo_caption(ctx, objs, "pipe-writer closes the last write end of %s. Once the reader has "
		     "drained what is left, read() returns 0: end-of-file.", id);
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	demo_caption(ctx, objs, "waitpid() collected pipe-reader (PID %d), which exited with "
		     "status %d; with both ends closed, the kernel freed %s.", (int)child,
		     WIFEXITED(st) ? WEXITSTATUS(st) : -1, id);
	return demo_step(ctx);
}

static bool act_sigpipe(struct demo_ctx *ctx)
{
	int fd[2];
	char id[48], objs[96], buf[64];
	pid_t me = getpid(), child;
	struct sigaction sa;
	int st;

	if (pipe(fd) < 0) {
		demo_fail(ctx, "pipe: %s", strerror(errno));
		return false;
	}
	demo_fd_id(fd[0], "pipe", id, sizeof(id));
	demo_object(ctx, id, "pipe-writer -> pipe-reader (reader leaves)");
	snprintf(objs, sizeof(objs), "%s,pid:%d", id, (int)me);
	demo_caption(ctx, objs, "A new pipe, %s, for the other ending: this time the reader goes "
		     "away first.", id);
	child = demo_fork(ctx, "pipe-reader", 0);
	if (child < 0) {
		demo_fail(ctx, "fork: %s", strerror(errno));
		return false;
	}
	if (child == 0) {
		ssize_t n;

		snprintf(objs, sizeof(objs), "%s,pid:%d", id, (int)getpid());
		close(fd[1]);
		do
			n = read(fd[0], buf, sizeof(buf));
		while (n < 0 && errno == EINTR);
		demo_caption(ctx, objs, "pipe-reader read() %zd bytes, and has had enough.", n);
		if (!demo_step(ctx))
			_exit(0);
		close(fd[0]);
		demo_caption(ctx, objs, "pipe-reader closes its read end and exits: %s has no "
			     "reader left.", id);
		_exit(0);
	}
	close(fd[0]);
	snprintf(objs, sizeof(objs), "%s,pid:%d,pid:%d", id, (int)me, (int)child);
	if (!demo_step(ctx))
		return false;
	if (write(fd[1], "hello\n", 6) != 6) {
		demo_fail(ctx, "pipe-writer: write: %s", strerror(errno));
		return false;
	}
	demo_caption(ctx, objs, "write() copied 6 bytes into %s for pipe-reader (PID %d).", id,
		     (int)child);
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	demo_caption(ctx, objs, "waitpid(): pipe-reader (PID %d) has exited.", (int)child);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	got_sigpipe = 0;
	demo_caption(ctx, objs, "sigaction(SIGPIPE): pipe-writer catches SIGPIPE for a moment; "
		     "SIGPIPE's default action would terminate it.");
	if (!demo_step(ctx))
		return false;
	if (write(fd[1], "anyone?\n", 8) < 0 && errno == EPIPE)
		demo_caption(ctx, objs, "write() to %s with no reader left: the kernel sent SIGPIPE "
			     "to pipe-writer (%s) and the call failed with EPIPE. Without the "
			     "handler, SIGPIPE would have killed it, as in `yes | head`.", id,
			     got_sigpipe ? "its handler ran" : "handler not run?");
	else
		demo_caption(ctx, objs, "write() to %s unexpectedly did not fail with EPIPE.", id);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);
	close(fd[1]);
	return demo_step(ctx);
}

int demo_pipe_run(struct demo_ctx *ctx)
{
	bool first = true;

	demo_become(ctx, "pipe-writer");
	for (;;) {
		if (!act_eof(ctx, &first) || !act_sigpipe(ctx))
			return demo_stopping(ctx) ? 0 : 1;
	}
}
