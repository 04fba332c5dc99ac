/*
 * collector_thread.c - the worker thread that runs the pipeline (sample -> filter -> diff,
 * src/pipeline.h) and its one-slot mailbox.
 *
 * Invariants: `slot` holds at most one snapshot reference, guarded by `lock`; the wakeup pipe
 * holds at most a few bytes (non-blocking both ends, a full pipe already means "wake up");
 * the pipeline (and its sampler) is touched only by the worker once the thread runs.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/arena.h"
#include "src/collector_thread.h"
#include "src/pipeline.h"

struct collector_thread {
	struct pipeline *pl;		/* worker only once the thread runs */
	struct sampler *sm;		/* pl's (it frees it): only for sampler_cancel */
	pid_t *pids;			/* guarded by lock (collector_thread_set_pids) */
	size_t n_pids;
	pid_t *roots;			/* the same, with every descendant (a demo's root) */
	size_t n_roots;
	unsigned pids_gen;		/* changes with the sets: a scan under older sets is dropped */

	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* CLOCK_MONOTONIC */
	int wake[2];			/* worker writes [1], UI polls [0] */

	/* guarded by lock */
	struct snapshot *slot;
	struct snapshot_delta *slot_delta;
	int last_err;
	double delay;
	bool stop;
	bool refresh_now;
	bool busy;
};

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct timespec to_timespec(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static void wakeup(struct collector_thread *ct)
{
	char c = 1;

	/* EAGAIN: the pipe is full, the UI will wake anyway */
	while (write(ct->wake[1], &c, 1) < 0 && errno == EINTR)
		;
}

static pid_t *copy_pids(const pid_t *pids, size_t n)
{
	pid_t *c = NULL;

	if (n) {
		c = xreallocarray(NULL, n, sizeof(*pids));
		memcpy(c, pids, n * sizeof(*pids));
	}
	return c;
}

static void *worker(void *arg)
{
	struct collector_thread *ct = arg;

	pthread_mutex_lock(&ct->lock);
	while (!ct->stop) {
		double start = mono_now(), end, deadline;
		struct snapshot *s = NULL;
		struct snapshot_delta *delta = NULL;
		unsigned gen = ct->pids_gen;
		pid_t *pids = copy_pids(ct->pids, ct->n_pids);
		pid_t *roots = copy_pids(ct->roots, ct->n_roots);
		size_t n_pids = ct->n_pids, n_roots = ct->n_roots;
		int rc;

		ct->busy = true;
		ct->refresh_now = false;
		pthread_mutex_unlock(&ct->lock);

		rc = pipeline_take(ct->pl, pids, n_pids, roots, n_roots, &s);
		free(pids);
		free(roots);
		pthread_mutex_lock(&ct->lock);
		if (gen != ct->pids_gen) {	/* taken for sets no longer wanted: again at once */
			ct->busy = false;
			snapshot_unref(s);
			continue;
		}
		pthread_mutex_unlock(&ct->lock);
		if (rc == 0)	/* no delta across a change of sets: what left the view did not exit */
			delta = pipeline_diff(ct->pl, s, gen);

		pthread_mutex_lock(&ct->lock);
		ct->busy = false;
		ct->last_err = rc;
		if (rc == 0) {
			snapshot_unref(ct->slot);
			snapshot_delta_free(ct->slot_delta);
			ct->slot = s;
			ct->slot_delta = delta;
		}
		wakeup(ct);

		/* The next scan starts `delay` after this one started, but never back to back:
		 * a scan slower than the interval still leaves the machine a breather. */
		end = mono_now();
		while (!ct->stop && !ct->refresh_now) {
			struct timespec ts;

			deadline = start + ct->delay;	/* the delay may change while we wait */
			if (deadline < end + 0.05)
				deadline = end + 0.05;
			if (deadline <= mono_now())
				break;
			ts = to_timespec(deadline);
			if (pthread_cond_timedwait(&ct->cond, &ct->lock, &ts) == ETIMEDOUT)
				break;
		}
	}
	pthread_mutex_unlock(&ct->lock);
	return NULL;
}

static double clamp_delay(double d)
{
	if (!(d >= 0.1))
		return 0.1;
	return d > 3600 ? 3600 : d;
}

struct collector_thread *collector_thread_new(struct sampler *sm, double delay,
					      const pid_t *pids, size_t n_pids, int *err)
{
	struct collector_thread *ct = xcalloc(1, sizeof(*ct));
	pthread_condattr_t ca;
	sigset_t all, old;
	int rc;

	ct->pl = pipeline_new(sm);
	ct->sm = sm;
	ct->delay = clamp_delay(delay);
	if (n_pids) {
		ct->pids = xreallocarray(NULL, n_pids, sizeof(*pids));
		memcpy(ct->pids, pids, n_pids * sizeof(*pids));
		ct->n_pids = n_pids;
	}
	if (pipe2(ct->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		*err = -errno;
		pipeline_free(ct->pl);
		free(ct->pids);
		free(ct);
		return NULL;
	}
	pthread_mutex_init(&ct->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ct->cond, &ca);
	pthread_condattr_destroy(&ca);

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&ct->thread, NULL, worker, ct);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		*err = -rc;
		pthread_cond_destroy(&ct->cond);
		pthread_mutex_destroy(&ct->lock);
		close(ct->wake[0]);
		close(ct->wake[1]);
		pipeline_free(ct->pl);
		free(ct->pids);
		free(ct);
		return NULL;
	}
	*err = 0;
	return ct;
}

void collector_thread_free(struct collector_thread *ct)
{
	if (!ct)
		return;
	pthread_mutex_lock(&ct->lock);
	ct->stop = true;
	pthread_cond_signal(&ct->cond);
	pthread_mutex_unlock(&ct->lock);
	/* a scan in progress stops at the next process instead of going over all of them */
	sampler_cancel(ct->sm);
	pthread_join(ct->thread, NULL);

	snapshot_unref(ct->slot);
	snapshot_delta_free(ct->slot_delta);
	pipeline_free(ct->pl);
	free(ct->roots);
	pthread_cond_destroy(&ct->cond);
	pthread_mutex_destroy(&ct->lock);
	close(ct->wake[0]);
	close(ct->wake[1]);
	free(ct->pids);
	free(ct);
}

int collector_thread_fd(const struct collector_thread *ct)
{
	return ct->wake[0];
}

struct snapshot *collector_thread_take(struct collector_thread *ct,
				       struct snapshot_delta **delta, int *err)
{
	struct snapshot *s;
	char buf[64];

	while (read(ct->wake[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&ct->lock);
	s = ct->slot;
	*delta = ct->slot_delta;
	ct->slot = NULL;
	ct->slot_delta = NULL;
	*err = ct->last_err;
	pthread_mutex_unlock(&ct->lock);
	return s;
}

void collector_thread_set_delay(struct collector_thread *ct, double delay)
{
	pthread_mutex_lock(&ct->lock);
	ct->delay = clamp_delay(delay);
	pthread_cond_signal(&ct->cond);
	pthread_mutex_unlock(&ct->lock);
}

double collector_thread_delay(struct collector_thread *ct)
{
	double d;

	pthread_mutex_lock(&ct->lock);
	d = ct->delay;
	pthread_mutex_unlock(&ct->lock);
	return d;
}

void collector_thread_refresh(struct collector_thread *ct)
{
	pthread_mutex_lock(&ct->lock);
	ct->refresh_now = true;
	pthread_cond_signal(&ct->cond);
	pthread_mutex_unlock(&ct->lock);
}

bool collector_thread_busy(struct collector_thread *ct)
{
	bool b;

	pthread_mutex_lock(&ct->lock);
	b = ct->busy;
	pthread_mutex_unlock(&ct->lock);
	return b;
}

void collector_thread_set_pids(struct collector_thread *ct, const pid_t *pids, size_t n_pids,
			       const pid_t *roots, size_t n_roots, bool restart)
{
	pid_t *p = copy_pids(pids, n_pids), *r = copy_pids(roots, n_roots);

	pthread_mutex_lock(&ct->lock);
	free(ct->pids);
	free(ct->roots);
	ct->pids = p;
	ct->n_pids = n_pids;
	ct->roots = r;
	ct->n_roots = n_roots;
	if (restart) {
		ct->pids_gen++;
		ct->refresh_now = true;
		pthread_cond_signal(&ct->cond);
	}
	pthread_mutex_unlock(&ct->lock);
}
