/*
 * demo_duplex.c - request/response between two processes over two pipes.
 *
 * A pipe carries data one way, so two-way talk needs two: requests (client -> server) and
 * responses (server -> client). Each request is one line ("6*7\n"); the server computes and
 * answers with one line. The client sends eight requests, one per step, waiting in read()
 * for each answer; then it closes the request pipe, the server reads end-of-file and exits.
 * Processes: duplex-client (top), duplex-server.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "demos/demo_scenarios.h"

/* Reads one line (up to '\n') a byte at a time, so nothing after it is consumed.
 * Returns its length without the newline, 0 at end-of-file, -1 on error. */
static ssize_t read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n + 1 < len) {
		char c;
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		if (c == '\n') {
			buf[n] = '\0';
			return (ssize_t)n ? (ssize_t)n : 1;
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

static void server(struct demo_ctx *ctx, int rfd, int wfd, const char *req, const char *resp)
{
	char objs[128], line[64], out[64];

	snprintf(objs, sizeof(objs), "%s,%s,pid:%d", req, resp, (int)getpid());
	demo_caption(ctx, objs, "duplex-server closes the ends it does not use: it keeps the "
		     "read end of %s and the write end of %s.", req, resp);
	for (;;) {
		long a = 0, b = 0;
		int len;
		ssize_t n = read_line(rfd, line, sizeof(line));

		if (n < 0)
			_exit(demo_fail(ctx, "duplex-server: read: %s", strerror(errno)));
		if (n == 0) {
			demo_caption(ctx, objs, "duplex-server read() end-of-file on %s: the client "
				     "closed it, so the server exits.", req);
			_exit(0);
		}
		if (sscanf(line, "%ld*%ld", &a, &b) != 2)
			a = b = 0;
		if (!demo_step_scaled(ctx, 0.5))	/* "thinking" */
			_exit(0);
		len = snprintf(out, sizeof(out), "%ld\n", a * b);
		if (write(wfd, out, (size_t)len) != len)
			_exit(demo_fail(ctx, "duplex-server: write: %s", strerror(errno)));
		demo_caption(ctx, objs, "duplex-server read the request \"%s\" from %s and wrote "
			     "the answer \"%ld\" to %s.", line, req, a * b, resp);
	}
}

static bool round_(struct demo_ctx *ctx, bool *first)
{
	int rq[2], rs[2];
	char req[48], resp[48], objs[128], line[64], why[64];
	pid_t child;
	int st;

	if (pipe(rq) < 0 || pipe(rs) < 0) {
		demo_fail(ctx, "pipe: %s", strerror(errno));
		return false;
	}
	demo_fd_id(rq[0], "pipe", req, sizeof(req));
	demo_fd_id(rs[0], "pipe", resp, sizeof(resp));
	demo_object(ctx, req, "requests: duplex-client -> duplex-server");
	demo_object(ctx, resp, "responses: duplex-server -> duplex-client");
	snprintf(objs, sizeof(objs), "%s,%s,pid:%d", req, resp, (int)getpid());
	demo_caption(ctx, objs, "A pipe carries data one way only, so two-way talk takes two: "
		     "pipe() made %s for requests and %s for responses.", req, resp);
	if (*first) {
		demo_ready(ctx);
		*first = false;
	}
	if (!demo_step(ctx))
		return false;
	child = demo_fork(ctx, "duplex-server", 0);
	if (child < 0) {
		demo_fail(ctx, "fork: %s", strerror(errno));
		return false;
	}
	if (child == 0) {
		close(rq[1]);
		close(rs[0]);
		server(ctx, rq[0], rs[1], req, resp);
		_exit(0);
	}
	close(rq[0]);
	close(rs[1]);
	demo_caption(ctx, objs, "duplex-client forked duplex-server (PID %d) and closed its "
		     "unused ends: it writes %s and reads %s.", (int)child, req, resp);
	for (int k = 1; k <= 8; k++) {
		int len;
		ssize_t n;

		if (!demo_step(ctx))
			return false;
		len = snprintf(line, sizeof(line), "%d*%d\n", k, k + 1);
		if (write(rq[1], line, (size_t)len) != len) {
			demo_fail(ctx, "duplex-client: write: %s", strerror(errno));
			return false;
		}
		line[len - 1] = '\0';
		demo_caption(ctx, objs, "duplex-client wrote the request \"%s\" (one line: the two "
			     "sides agree a message ends at \\n) to %s, then sleeps in read() on %s "
			     "until the answer comes.", line, req, resp);
		n = read_line(rs[0], line, sizeof(line));
		if (n <= 0) {
			demo_fail(ctx, "duplex-client: read: %s",
				  n < 0 ? strerror(errno) : "unexpected end-of-file");
			return false;
		}
		demo_caption(ctx, objs, "duplex-client read the answer \"%s\" from %s.", line, resp);
	}
	if (!demo_step(ctx))
		return false;
	close(rq[1]);
	demo_caption(ctx, objs, "duplex-client closes %s: no more requests.", req);
	demo_wait(child, &st, 0);
	close(rs[0]);
	demo_caption(ctx, objs, "waitpid(): duplex-server (PID %d) %s.", (int)child,
		     demo_describe_status(st, why, sizeof(why)));
	return demo_step(ctx);
}

int demo_duplex_run(struct demo_ctx *ctx)
{
	bool first = true;

	demo_become(ctx, "duplex-client");
	for (;;)
		if (!round_(ctx, &first))
			return demo_stopping(ctx) ? 0 : 1;
}
