/*
 * output.c - `--once` / `--batch` (see output.h): sample, filter, diff (src/pipeline.h, as
 * the dashboard's collector thread does), write, sleep until the next deadline.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/filter.h"
#include "src/json_out.h"
#include "src/output.h"
#include "src/pipeline.h"
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
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL) == EINTR)
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
	struct pipeline *pl;
	struct sampler *sm;
	struct timespec deadline;
	int err = 0, status = 0;
	long n = opts->mode == MODE_BATCH ? opts->iterations : 1;

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
			sleep_until(&deadline);
		}
		rc = pipeline_take(pl, opts->pids, opts->n_pids, NULL, 0, &view);
		if (rc < 0) {
			fprintf(stderr, "ipctop: cannot take a snapshot of %s: %s\n", opts->sysroot,
				strerror(-rc));
			status = 1;
			break;
		}
		delta = pipeline_diff(pl, view, 0);
		if (opts->json)
			rc = json_out_write(out, view, delta);
		else {
			if (i > 0)
				fputs("\n", out);
			rc = text_out_write(out, view, delta);
		}
		snapshot_delta_free(delta);
		snapshot_unref(view);
		if (rc < 0) {
			fprintf(stderr, "ipctop: cannot write the output: %s\n", strerror(errno));
			status = 1;
			break;
		}
	}
	pipeline_free(pl);
	return status;
}
