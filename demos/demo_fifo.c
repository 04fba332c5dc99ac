/*
 * demo_fifo.c - a named pipe (FIFO) joins two processes that share no descriptor.
 *
 * fifo-parent makes the FIFO with mkfifo() in the demo's private directory and never opens
 * it. Each round it starts one side first - the writer in odd rounds, the reader in even ones
 * - which blocks in open() until the other side arrives a few steps later. Then the writer
 * sends six lines, closes, and the reader sees end-of-file. Processes: fifo-parent (top),
 * fifo-writer, fifo-reader.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "demos/demo_scenarios.h"

static int open_retry(const char *path, int flags)
{
	int fd;

	while ((fd = open(path, flags | O_CLOEXEC)) < 0 && errno == EINTR)
		;
	return fd;
}

static void writer(struct demo_ctx *ctx, const char *path, const char *id, bool first)
{
	char objs[64], line[32];
	int fd;

	snprintf(objs, sizeof(objs), "%s,pid:%d", id, (int)getpid());
	if (first)
		demo_caption(ctx, objs, "fifo-writer: open(\"%s\", O_WRONLY) blocks: no process has "
			     "the FIFO open for reading, and the kernel makes a writer wait for a "
			     "reader.", path);
	else
		demo_caption(ctx, objs, "fifo-writer opens \"%s\" for writing. It shares no "
			     "descriptor with fifo-reader, only the name.", path);
	fd = open_retry(path, O_WRONLY);
	if (fd < 0)
		_exit(demo_fail(ctx, "fifo-writer: open %s: %s", path, strerror(errno)));
	demo_caption(ctx, objs, "fifo-writer's open() returned fd %d: both ends are open now, so "
		     "both opens completed together.", fd);
	for (int k = 1; k <= 6; k++) {
		int len;

		if (!demo_step(ctx))
			_exit(0);
		len = snprintf(line, sizeof(line), "line %d\n", k);
		if (write(fd, line, (size_t)len) != len)
			_exit(demo_fail(ctx, "fifo-writer: write: %s", strerror(errno)));
		demo_caption(ctx, objs, "fifo-writer write() %d bytes to %s: the data goes into the "
			     "kernel's pipe buffer, never to the file on disk.", len, id);
	}
	if (!demo_step(ctx))
		_exit(0);
	close(fd);
	demo_caption(ctx, objs, "fifo-writer closes its end and exits.");
	_exit(0);
}

static void reader(struct demo_ctx *ctx, const char *path, const char *id, bool first)
{
	char objs[64], buf[128];
	int fd;

	snprintf(objs, sizeof(objs), "%s,pid:%d", id, (int)getpid());
	if (first)
		demo_caption(ctx, objs, "fifo-reader: open(\"%s\", O_RDONLY) blocks: no process has "
			     "the FIFO open for writing yet, and the kernel makes a reader wait "
			     "for a writer.", path);
	else
		demo_caption(ctx, objs, "fifo-reader opens \"%s\" for reading. It shares no "
			     "descriptor with fifo-writer, only the name.", path);
	fd = open_retry(path, O_RDONLY);
	if (fd < 0)
		_exit(demo_fail(ctx, "fifo-reader: open %s: %s", path, strerror(errno)));
	demo_caption(ctx, objs, "fifo-reader's open() returned fd %d.", fd);
	for (;;) {
		ssize_t n;

		if (!demo_step_scaled(ctx, 1.5))
			_exit(0);
		while ((n = read(fd, buf, sizeof(buf))) < 0 && errno == EINTR)
			;
		if (n < 0)
			_exit(demo_fail(ctx, "fifo-reader: read: %s", strerror(errno)));
		if (n == 0) {
			demo_caption(ctx, objs, "fifo-reader read() returned 0: end-of-file, the "
				     "writer closed %s. The FIFO's name stays in the file system "
				     "for the next pair.", id);
			_exit(0);
		}
		demo_caption(ctx, objs, "fifo-reader read() %zd bytes from %s, in the order they "
			     "were written.", n, id);
	}
}

int demo_fifo_run(struct demo_ctx *ctx)
{
	char path[PATH_MAX], id[48], objs[96], why[64];
	struct stat st;

	demo_become(ctx, "fifo-parent");
	demo_path(ctx, "fifo", path, sizeof(path));
	if (mkfifo(path, 0600) < 0 || stat(path, &st) < 0)
		return demo_fail(ctx, "mkfifo %s: %s", path, strerror(errno));
	demo_file_created(ctx, "fifo");
	snprintf(id, sizeof(id), "fifo:%llu", (unsigned long long)st.st_ino);
	demo_object(ctx, id, path);
	snprintf(objs, sizeof(objs), "%s,pid:%d", id, (int)getpid());
	demo_caption(ctx, objs, "mkfifo(\"%s\") made a named pipe: a file of type p that any "
		     "process may open by name. Its data will live only in kernel memory.", path);
	demo_ready(ctx);
	for (int round = 1;; round++) {
		bool writer_first = round % 2 == 1;
		pid_t kids[2];
		int status;

		for (int i = 0; i < 2; i++) {
			bool is_writer = (i == 0) == writer_first;

			if (!demo_steps(ctx, i == 0 ? 1 : 3))
				return 0;
			kids[i] = demo_fork(ctx, is_writer ? "fifo-writer" : "fifo-reader", 0);
			if (kids[i] < 0)
				return demo_fail(ctx, "fork: %s", strerror(errno));
			if (kids[i] == 0) {
				if (is_writer)
					writer(ctx, path, id, i == 0);
				else
					reader(ctx, path, id, i == 0);
			}
		}
		for (int i = 0; i < 2; i++) {
			demo_wait(kids[i], &status, 0);
			demo_caption(ctx, objs, "waitpid(): PID %d %s.", (int)kids[i],
				     demo_describe_status(status, why, sizeof(why)));
		}
		if (!demo_step(ctx))
			return 0;
	}
}
