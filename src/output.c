/*
 * output.c - `--once` / `--batch` (see output.h): sample, filter, diff, write, sleep until
 * the next deadline.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/diff.h"
#include "src/filter.h"
#include "src/json_out.h"
#include "src/openmetrics_out.h"
#include "src/output.h"
#include "src/sampler.h"
#include "src/text_out.h"
#include "src/textfile.h"

/* --textfile: SIGINT/SIGTERM/SIGHUP end the run between two files, never inside one (no
 * half-written temporary left behind); 0 = none came. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int signo)
{
	stop_signal = signo;
}

static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	/* the probes' system calls go on; clock_nanosleep returns EINTR all the same
	 * (never restarted after a handler, signal(7)), so the sleep ends at once */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* After the run: die of the signal that stopped it, as without the handler. */
static void reraise_stop_signal(void)
{
	if (!stop_signal)
		return;
	signal(stop_signal, SIG_DFL);
	raise(stop_signal);
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

/* Sleeps until the absolute monotonic deadline (restarting after signal handlers). A
 * deadline already missed (a collection slower than -d) moves to now: the snapshots after
 * a slow one are not fired back to back to catch up. */
static void sleep_until(struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > deadline->tv_sec ||
	    (now.tv_sec == deadline->tv_sec && now.tv_nsec > deadline->tv_nsec)) {
		*deadline = now;
		return;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL) == EINTR &&
	       !stop_signal)
		;
}

int output_run(const struct options *opts, FILE *out)
{
	pid_t self = getpid();
	struct collect_opts copts = {
		.sysroot = opts->sysroot,
		/* ipctop leaves itself out unless --pid names it */
		.self = opts->n_pids && filter_has_pid(opts->pids, opts->n_pids, self) ? 0 : self,
		/* a trace only has something to say between snapshots: batch mode, not --once */
		.trace_signals = opts->mode == MODE_BATCH,
	};
	struct snapshot *prev = NULL;
	struct textfile *tf = NULL;
	struct sampler *sm;
	struct timespec deadline;
	int err = 0, status = 0;
	long n = opts->mode == MODE_BATCH ? opts->iterations : 1;

	if (opts->textfile) {
		char msg[512];

		tf = textfile_open(opts->textfile, msg, sizeof(msg));
		if (!tf) {
			fprintf(stderr, "ipctop: %s\n", msg);
			return 2;
		}
		catch_stop_signals();
	}
	sm = sampler_new(&copts, &err);
	if (!sm) {
		textfile_free(tf);
		fprintf(stderr, "ipctop: cannot read %s%sproc: %s\n", opts->sysroot,
			opts->sysroot[strlen(opts->sysroot) - 1] == '/' ? "" : "/", strerror(-err));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	for (long i = 0; (n == 0 || i < n) && !stop_signal; i++) {
		struct snapshot *snap = NULL, *view;
		struct snapshot_delta *delta;
		int rc;

		if (i > 0) {
			timespec_add(&deadline, opts->delay);
			sleep_until(&deadline);
			if (stop_signal)
				break;
		}
		rc = sampler_take(sm, &snap);
		if (rc < 0) {
			fprintf(stderr, "ipctop: cannot take a snapshot of %s: %s\n", opts->sysroot,
				strerror(-rc));
			status = 1;
			break;
		}
		if (opts->n_pids) {
			view = filter_apply(snap, opts->pids, opts->n_pids);
			snapshot_unref(snap);
		} else {
			view = snap;
		}
		delta = prev ? snapshot_diff(prev, view) : NULL;
		if (tf) {
			char msg[512];

			rc = textfile_write(tf, view, msg, sizeof(msg));
			if (rc < 0)
				fprintf(stderr, "ipctop: %s\n", msg);
		} else if (opts->format == FORMAT_JSON) {
			rc = json_out_write(out, view, delta);
		} else if (opts->format == FORMAT_OPENMETRICS) {
			rc = openmetrics_out_write(out, view);
		} else {
			if (i > 0)
				fputs("\n", out);
			rc = text_out_write(out, view, delta);
		}
		snapshot_delta_free(delta);
		snapshot_unref(prev);
		prev = view;
		if (rc < 0) {
			if (!tf)
				fprintf(stderr, "ipctop: cannot write the output: %s\n", strerror(errno));
			status = 1;
			break;
		}
	}
	snapshot_unref(prev);
	sampler_free(sm);
	textfile_free(tf);
	reraise_stop_signal();
	return status;
}
