/*
 * output.c - `--once` / `--batch` (see output.h): sample, filter, diff (src/pipeline.h, as
 * the dashboard's collector thread does), write, sleep until the next deadline.
 *
 * Invariants: a snapshot reaches the output whole or not at all (it is rendered in memory,
 * then written with write(2) to the end, restarting after signals); SIGINT, SIGTERM and
 * SIGHUP only set a flag, looked at between snapshots, so a stopped batch tears down like a
 * finished one (the sampler removes its tracefs instance) and then dies of the signal it
 * got. SIGPIPE is ignored while writing: EPIPE ends the run the same way.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/filter.h"
#include "src/json_out.h"
#include "src/openmetrics_out.h"
#include "src/output.h"
#include "src/pipeline.h"
#include "src/text_out.h"
#include "src/textfile.h"

/* ---- stopping between snapshots ---- */

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define N_STOP (sizeof(stop_signals) / sizeof(stop_signals[0]))
static volatile sig_atomic_t stop_signo;

static void on_stop(int signo)
{
	stop_signo = signo;
}

static void stop_signals_init(struct sigaction *old, struct sigaction *old_pipe)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESTART;	/* reads of /proc and writes go on; the sleep ends */
	for (size_t i = 0; i < N_STOP; i++) {
		sigaction(stop_signals[i], NULL, &old[i]);
		if (old[i].sa_handler != SIG_IGN)	/* nohup, a background job: stays ignored */
			sigaction(stop_signals[i], &sa, NULL);
	}
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, old_pipe);
}

static void stop_signals_fini(const struct sigaction *old, const struct sigaction *old_pipe)
{
	for (size_t i = 0; i < N_STOP; i++)
		sigaction(stop_signals[i], &old[i], NULL);
	sigaction(SIGPIPE, old_pipe, NULL);
}

/* Dies of the signal that stopped the run, as it would have without the handler (the shell
 * sees 128 + signo), now that everything is cleaned up. */
static void die_of_stop_signal(int signo)
{
	sigset_t set;

	signal(signo, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, signo);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(signo);
	_exit(128 + signo);	/* not reached */
}

/* Writes n bytes to fd, restarting after signals and short writes; 0 or -errno. */
static int write_whole(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One snapshot rendered in memory, then written whole. */
static int write_snapshot(FILE *out, const struct options *opts, long i,
			  const struct snapshot *view, const struct snapshot_delta *delta)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int rc;

	if (!mem)
		return -errno;
	if (opts->format == FORMAT_JSON) {
		rc = json_out_write(mem, view, delta);
	} else if (opts->format == FORMAT_OPENMETRICS) {
		rc = openmetrics_out_write(mem, view);
	} else {
		if (i > 0)
			fputs("\n", mem);
		rc = text_out_write(mem, view, delta);
	}
	if (fclose(mem) == EOF || rc < 0) {
		free(buf);
		return -ENOMEM;
	}
	rc = fflush(out) == EOF ? -errno : write_whole(fileno(out), buf, len);
	free(buf);
	return rc;
}

static void timespec_add(struct timespec *t, double seconds)
{
	long long ns = (long long)(seconds * 1e9);

	t->tv_sec += (time_t)(ns / 1000000000LL);
	t->tv_nsec += (long)(ns % 1000000000LL);
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* Sleeps until the absolute monotonic deadline (restarting after signal handlers, unless
 * *stop was set). A deadline already missed (a collection slower than -d) moves to now: the
 * snapshots after a slow one are not fired back to back to catch up. */
static void sleep_until(struct timespec *deadline, volatile sig_atomic_t *stop)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > deadline->tv_sec ||
	    (now.tv_sec == deadline->tv_sec && now.tv_nsec > deadline->tv_nsec)) {
		*deadline = now;
		return;
	}
	while (!(stop && *stop) &&
	       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL) == EINTR)
		;
}

/* --once/--batch's sink: text, JSON or metrics to a FILE, each snapshot whole. A reader that
 * went away (EPIPE) stops the run as a pipeline does. */
static int emit_stream(void *ctx, const struct options *opts, long i, const struct snapshot *view,
		       const struct snapshot_delta *delta)
{
	int rc = write_snapshot(ctx, opts, i, view, delta);

	if (rc == -EPIPE) {
		stop_signo = SIGPIPE;
		return 0;
	}
	return rc;
}

/* --textfile's sink: DIR/ipctop.prom replaced atomically (its own message on failure). */
static int emit_textfile(void *ctx, const struct options *opts, long i,
			 const struct snapshot *view, const struct snapshot_delta *delta)
{
	char msg[512];
	int rc;

	(void)opts;
	(void)i;
	(void)delta;
	rc = textfile_write(ctx, view, msg, sizeof(msg));
	if (rc < 0)
		fprintf(stderr, "ipctop: %s\n", msg);
	return rc < 0 ? OUTPUT_EMIT_REPORTED : 0;
}

int output_run(const struct options *opts, FILE *out)
{
	struct sigaction old[N_STOP], old_pipe;
	struct textfile *tf = NULL;
	int status;

	if (opts->textfile) {
		char msg[512];

		tf = textfile_open(opts->textfile, msg, sizeof(msg));
		if (!tf) {
			fprintf(stderr, "ipctop: %s\n", msg);
			return 2;
		}
	}
	stop_signo = 0;
	stop_signals_init(old, &old_pipe);
	status = output_loop(opts, opts->mode == MODE_ONCE ? 1 : opts->iterations,
			     tf ? emit_textfile : emit_stream, tf ? (void *)tf : (void *)out,
			     &stop_signo);
	/* output_loop freed the sampler: its tracefs instance is gone */
	textfile_free(tf);
	stop_signals_fini(old, &old_pipe);
	if (stop_signo)
		die_of_stop_signal(stop_signo);
	return status;
}

int output_loop(const struct options *opts, long n, output_emit_fn emit, void *ctx,
		volatile sig_atomic_t *stop)
{
	pid_t self = getpid();
	struct collect_opts copts = {
		.sysroot = opts->sysroot,
		/* ipctop leaves itself out unless --pid names it */
		.self = opts->n_pids && filter_has_pid(opts->pids, opts->n_pids, self) ? 0 : self,
		/* a trace only has something to say between snapshots: not --once */
		.trace_signals = opts->mode != MODE_ONCE,
	};
	struct pipeline *pl;
	struct sampler *sm;
	struct timespec deadline;
	int err = 0, status = 0;

	sm = sampler_new(&copts, &err);
	if (!sm) {
		fprintf(stderr, "ipctop: cannot read %s%sproc: %s\n", opts->sysroot,
			opts->sysroot[strlen(opts->sysroot) - 1] == '/' ? "" : "/", strerror(-err));
		return 1;
	}
	pl = pipeline_new(sm);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	for (long i = 0; n == 0 || i < n; i++) {
		struct snapshot *view = NULL;
		struct snapshot_delta *delta;
		int rc;

		if (i > 0) {
			timespec_add(&deadline, opts->delay);
			sleep_until(&deadline, stop);
		}
		if (stop && *stop)
			break;
		rc = pipeline_take(pl, opts->pids, opts->n_pids, NULL, 0, &view);
		if (rc < 0) {
			fprintf(stderr, "ipctop: cannot take a snapshot of %s: %s\n", opts->sysroot,
				strerror(-rc));
			status = 1;
			break;
		}
		delta = pipeline_diff(pl, view, 0);
		rc = emit(ctx, opts, i, view, delta);
		snapshot_delta_free(delta);
		snapshot_unref(view);
		if (rc < 0) {
			if (stop && *stop)
				break;	/* EINTR from a write the stop interrupted */
			if (rc != OUTPUT_EMIT_REPORTED)
				fprintf(stderr, "ipctop: cannot write the output: %s\n",
					strerror(rc < -1 ? -rc : errno));
			status = 1;
			break;
		}
	}
	pipeline_free(pl);	/* and the sampler: removes the tracefs instance */
	return status;
}
