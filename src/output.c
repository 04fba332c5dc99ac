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
#include "src/output.h"
#include "src/sampler.h"
#include "src/text_out.h"

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

/* Sleeps until the absolute monotonic deadline (restarting after signal handlers, unless *stop was set). A
 * deadline already missed (a collection slower than -d) moves to now: the snapshots after
 * a slow one are not fired back to back to catch up. */
static void sleep_until(struct timespec *deadline, volatile sig_atomic_t *stop)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > deadline->tv_sec ||
	    (now.tv_sec == deadline->tv_sec && now.tv_nsec > deadline->tv_nsec)) {
		*deadline = now;
		return;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL) == EINTR &&
	       !(stop && *stop))
		;
}

/* --once/--batch's sink: text or JSON to a FILE. */
static int emit_stream(void *ctx, const struct options *opts, long i, const struct snapshot *view,
		       const struct snapshot_delta *delta)
{
	FILE *out = ctx;

	if (opts->json)
		return json_out_write(out, view, delta);
	if (i > 0)
		fputs("\n", out);
	return text_out_write(out, view, delta);
}

int output_run(const struct options *opts, FILE *out)
{
	return output_loop(opts, opts->mode == MODE_ONCE ? 1 : opts->iterations, emit_stream, out,
			   NULL);
}

int output_loop(const struct options *opts, long n, output_emit_fn emit, void *ctx,
		volatile sig_atomic_t *stop)
{
	pid_t self = getpid();
	struct collect_opts copts = {
		.sysroot = opts->sysroot,
		/* ipctop leaves itself out unless --pid names it */
		.self = opts->n_pids && filter_has_pid(opts->pids, opts->n_pids, self) ? 0 : self,
		/* a trace only has something to say between snapshots: batch mode, not --once */
		.trace_signals = opts->mode != MODE_ONCE,
	};
	struct snapshot *prev = NULL;
	struct sampler *sm;
	struct timespec deadline;
	int err = 0, status = 0;

	sm = sampler_new(&copts, &err);
	if (!sm) {
		fprintf(stderr, "ipctop: cannot read %s%sproc: %s\n", opts->sysroot,
			opts->sysroot[strlen(opts->sysroot) - 1] == '/' ? "" : "/", strerror(-err));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	for (long i = 0; n == 0 || i < n; i++) {
		struct snapshot *snap = NULL, *view;
		struct snapshot_delta *delta;
		int rc;

		if (i > 0) {
			timespec_add(&deadline, opts->delay);
			sleep_until(&deadline, stop);
		}
		if (stop && *stop)
			break;
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
		rc = emit(ctx, opts, i, view, delta);
		snapshot_delta_free(delta);
		snapshot_unref(prev);
		prev = view;
		if (rc < 0) {
			if (stop && *stop)
				break;	/* EINTR from a write the stop interrupted */
			fprintf(stderr, "ipctop: cannot write the output: %s\n",
				strerror(rc < -1 ? -rc : errno));
			status = 1;
			break;
		}
	}
	snapshot_unref(prev);
	sampler_free(sm);
	return status;
}
