/*
 * record.c - `ipctop record` (the --batch --json loop into a recording) and the non-interactive
 * side of `ipctop replay`: opening a recording, following a stream, resolving WHEN, printing.
 *
 * The recorded text is exactly what `--batch --json` prints for the same snapshots, so
 * `replay --once --json --at #N` is byte for byte what `--once --json` (or `--batch`) printed
 * then.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "src/arena.h"
#include "src/json_out.h"
#include "src/output.h"
#include "src/record.h"
#include "src/recording.h"

/* ---- record ---- */

static volatile sig_atomic_t record_stop;

static void on_stop(int signo)
{
	(void)signo;
	record_stop = 1;
}

struct record_ctx {
	struct rec_writer *w;
	char *text;
	size_t text_len;
	long n;
};

static int emit_record(void *ctx, const struct options *opts, long i, const struct snapshot *view,
		       const struct snapshot_delta *delta)
{
	struct record_ctx *rc = ctx;
	FILE *mem = open_memstream(&rc->text, &rc->text_len);
	int err;

	(void)opts;
	(void)i;
	if (!mem)
		return -ENOMEM;
	err = json_out_write(mem, view, delta);
	if (fclose(mem) != 0 || err < 0)
		return -ENOMEM;
	err = rec_writer_add(rc->w, rc->text, rc->text_len ? rc->text_len - 1 : 0, view->time);
	free(rc->text);
	rc->text = NULL;
	if (err == 0)
		rc->n++;
	return err;
}

static int open_output(const struct options *opts)
{
	int fd;

	if (strcmp(opts->file, "-") == 0) {
		if (isatty(STDOUT_FILENO)) {
			fprintf(stderr, "ipctop: record -: standard output is a terminal (redirect it "
				"to a file or pipe it to 'ipctop replay -')\n");
			return -1;
		}
		return STDOUT_FILENO;
	}
	/* O_EXCL | O_NOFOLLOW: never overwrite, never follow a link someone planted */
	fd = open(opts->file, (opts->max_size ? O_RDWR : O_WRONLY) | O_CREAT | O_EXCL | O_NOFOLLOW |
		  O_CLOEXEC, 0640);
	if (fd < 0)
		fprintf(stderr, "ipctop: record: cannot create %s: %s%s\n", opts->file,
			strerror(errno), errno == EEXIST ? " (record never overwrites a file)" : "");
	return fd;
}

int record_run(const struct options *opts)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
	struct rec_header h = { .interval = opts->delay };
	struct record_ctx ctx = { 0 };
	struct sigaction sa, old[3], old_pipe;
	char host[256] = "", *pids = NULL;
	size_t pids_len = 0;
	int fd, err = 0, status;

	fd = open_output(opts);
	if (fd < 0)
		return 2;
	if (gethostname(host, sizeof(host) - 1) == 0)
		h.hostname = host;
	if (opts->n_pids) {
		FILE *m = open_memstream(&pids, &pids_len);

		for (size_t i = 0; m && i < opts->n_pids; i++)
			fprintf(m, "%s%d", i ? "," : "", (int)opts->pids[i]);
		if (m)
			fclose(m);
		h.pid_filter = pids;
	}
	ctx.w = rec_writer_new(fd, &h, opts->max_size, &err);
	free(pids);
	if (!ctx.w) {
		fprintf(stderr, "ipctop: record: cannot write %s: %s\n", opts->file, strerror(-err));
		if (fd != STDOUT_FILENO)
			close(fd);
		return 1;
	}
	/* no SA_RESTART: a stop ends the wait for the next snapshot at once */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	record_stop = 0;
	for (int i = 0; i < 3; i++)
		sigaction(stops[i], &sa, &old[i]);
	sa.sa_handler = SIG_IGN;	/* a reader that went away is a write error (EPIPE) */
	sigaction(SIGPIPE, &sa, &old_pipe);

	status = output_loop(opts, opts->iterations, emit_record, &ctx, &record_stop);

	err = rec_writer_close(ctx.w);
	if (err < 0 && err != -EPIPE) {
		fprintf(stderr, "ipctop: record: cannot finish %s: %s\n", opts->file, strerror(-err));
		status = 1;
	}
	for (int i = 0; i < 3; i++)
		sigaction(stops[i], &old[i], NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	if (strcmp(opts->file, "-") != 0)
		fprintf(stderr, "ipctop: recorded %ld snapshots to %s (%llu bytes)\n", ctx.n,
			opts->file, (unsigned long long)rec_writer_size(ctx.w));
	rec_writer_free(ctx.w);
	if (fd != STDOUT_FILENO && close(fd) < 0 && status == 0) {
		fprintf(stderr, "ipctop: record: cannot close %s: %s\n", opts->file, strerror(errno));
		status = 1;
	}
	return status;
}

/* ---- replay: reading ---- */

int replay_open(const char *file, char *err, size_t len)
{
	struct stat st;
	int fd;

	if (strcmp(file, "-") == 0) {
		fd = STDIN_FILENO;
	} else {
		fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			snprintf(err, len, "cannot open %s: %s", file, strerror(errno));
			return -1;
		}
	}
	if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) ||
				     S_ISSOCK(st.st_mode))) {
		snprintf(err, len, "%s: not a regular file, pipe or socket", file);
		if (fd != STDIN_FILENO)
			close(fd);
		return -1;
	}
	if (fd != STDIN_FILENO && S_ISFIFO(st.st_mode)) {
		/* a named FIFO: someone else's channel, not ours to drain */
		snprintf(err, len, "%s: a FIFO (pipe the recording to 'ipctop replay -' instead)", file);
		close(fd);
		return -1;
	}
	if (fd != STDIN_FILENO)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* A regular file in one piece: the reader then indexes complete chunks from their index
 * frames instead of decoding them as they come. */
static int read_file(struct rec_reader *r, int fd, off_t size, char *err, size_t len)
{
	size_t cap = size > 0 ? (size_t)size + 1 : 1 << 16, have = 0;
	char *buf = xmalloc(cap);
	ssize_t n;

	for (;;) {
		if (have == cap)
			buf = xrealloc(buf, cap *= 2);	/* it grew while we read */
		n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	if (n < 0)
		snprintf(err, len, "read error: %s", strerror(errno));
	else
		rec_reader_feed(r, buf, have);
	free(buf);
	return n < 0 ? -1 : 1;
}

int replay_read(struct rec_reader *r, int fd, bool block, char *err, size_t len)
{
	static char buf[1 << 16];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		return read_file(r, fd, st.st_size, err, len);

	if (!block) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 0) <= 0)
			return 0;
	}
	do
		n = read(fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN)
			return 0;
		snprintf(err, len, "read error: %s", strerror(errno));
		return -1;
	}
	if (n == 0 || rec_reader_feed(r, buf, (size_t)n) < 0)
		return 1;	/* the end, or the reader stopped (its problem says why) */
	return 0;
}

/* ---- replay: WHEN ---- */

/* The last snapshot taken at or before t; -1 if t is before the first. */
static long find_time(size_t n, when_time_fn time_at, const void *ctx, double t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (time_at(ctx, mid) > t)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (long)lo - 1;
}

long when_resolve(const char *when, size_t n, when_time_fn time_at, const void *ctx, char *err,
		  size_t len)
{
	char *end;
	double t;

	if (n == 0) {
		snprintf(err, len, "the recording holds no snapshot");
		return -1;
	}
	if (when[0] == '#') {
		unsigned long long i;

		errno = 0;
		i = strtoull(when + 1, &end, 10);
		if (!when[1] || *end || errno || when[1] == '-') {
			snprintf(err, len, "'%s': expected #N, N a snapshot number from 0", when);
			return -1;
		}
		if (i >= n) {
			snprintf(err, len, "'%s': the recording holds #0 to #%zu", when, n - 1);
			return -1;
		}
		return (long)i;
	}
	if (when[0] == '-' || when[0] == '@') {
		double v = strtod(when + 1, &end), mul = 1;

		if (end == when + 1 || !isfinite(v) || v < 0 ||
		    (*end && (end[1] || !strchr("smh", *end)))) {
			snprintf(err, len, "'%s': expected -Ns, -Nm, -Nh or @EPOCH", when);
			return -1;
		}
		if (when[0] == '@') {
			if (*end) {
				snprintf(err, len, "'%s': expected @EPOCH in seconds", when);
				return -1;
			}
			t = v;
		} else {
			mul = *end == 'm' ? 60 : *end == 'h' ? 3600 : 1;
			t = time_at(ctx, n - 1) - v * mul;
		}
	} else {
		int hh, mm, ss = 0, used = 0;
		time_t first = (time_t)time_at(ctx, 0);
		struct tm tm;

		if ((sscanf(when, "%2d:%2d:%2d%n", &hh, &mm, &ss, &used) != 3 &&
		     sscanf(when, "%2d:%2d%n", &hh, &mm, &used) != 2) || when[used] ||
		    hh > 23 || mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0) {
			snprintf(err, len, "'%s': expected #N, HH:MM[:SS], -5m or @EPOCH", when);
			return -1;
		}
		localtime_r(&first, &tm);
		tm.tm_hour = hh;
		tm.tm_min = mm;
		tm.tm_sec = ss;
		tm.tm_isdst = -1;
		t = (double)mktime(&tm);
		if (t < time_at(ctx, 0) - 1)	/* past midnight: the next day */
			t += 86400;
	}
	{
		long i = find_time(n, time_at, ctx, t + 1e-6);

		if (i < 0) {
			snprintf(err, len, "'%s': before the recording starts", when);
			return -1;
		}
		return i;
	}
}

static double reader_time(const void *r, size_t i)
{
	return rec_reader_time(r, i);
}

long replay_resolve(const struct rec_reader *r, const char *when, char *err, size_t len)
{
	return when_resolve(when, rec_reader_count(r), reader_time, r, err, len);
}

/* ---- replay --once / --batch ---- */

int replay_print(const struct options *opts)
{
	struct rec_reader *r = rec_reader_new();
	char err[512] = "";
	bool stream = strcmp(opts->file, "-") == 0;
	int fd = replay_open(opts->file, err, sizeof(err)), status = 0, rc;
	size_t printed = 0;

	if (fd < 0) {
		fprintf(stderr, "ipctop: replay: %s\n", err);
		rec_reader_free(r);
		return 1;
	}
	do {
		rc = replay_read(r, fd, true, err, sizeof(err));
		if (rc == 1)
			rec_reader_end(r);
		if (rec_reader_refused(r))
			break;
		/* --batch on a stream prints each snapshot as it comes */
		while (opts->replay_out == REPLAY_BATCH && (stream || rc != 0) &&
		       printed < rec_reader_count(r)) {
			size_t len;
			const char *text = rec_reader_get(r, printed, &len);

			if (!text)
				break;
			if (fwrite(text, 1, len, stdout) != len || putchar('\n') == EOF ||
			    fflush(stdout) == EOF) {
				fprintf(stderr, "ipctop: replay: cannot write the output: %s\n",
					strerror(errno));
				status = 1;
				rc = 1;
				break;
			}
			printed++;
		}
	} while (rc == 0);
	if (rc < 0) {
		fprintf(stderr, "ipctop: replay: %s: %s\n", opts->file, err);
		status = 1;
	}
	if (rec_reader_refused(r)) {
		fprintf(stderr, "ipctop: replay: %s: %s\n", opts->file, rec_reader_problem(r));
		status = 1;
	} else if (status == 0 && opts->replay_out == REPLAY_ONCE) {
		long i = opts->at ? replay_resolve(r, opts->at, err, sizeof(err)) :
			 (long)rec_reader_count(r) - 1;
		size_t len;
		const char *text;

		if (!opts->at && i < 0)
			snprintf(err, sizeof(err), "the recording holds no snapshot");
		text = i >= 0 ? rec_reader_get(r, (size_t)i, &len) : NULL;
		if (text) {
			fwrite(text, 1, len, stdout);
			putchar('\n');
		} else {
			if (i < 0)	/* a damage is said below */
				fprintf(stderr, "ipctop: replay: %s: %s\n", opts->file, err);
			status = 1;
		}
	}
	if (!rec_reader_refused(r) && rec_reader_problem(r)) {
		/* what was read is out; say where it stopped */
		fprintf(stderr, "ipctop: replay: %s: %s\n", opts->file, rec_reader_problem(r));
		status = 1;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	rec_reader_free(r);
	return status;
}
