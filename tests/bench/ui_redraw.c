/*
 * ui_redraw.c - `make bench`: how long the dashboard takes to redraw a 200x60 screen showing
 * a machine with 1,000 IPC objects and processes.
 *
 *   ui_redraw [-n ITERATIONS] [-t TARGET_MS]
 *
 * The terminal is real: a pseudo-terminal of 200x60 (its output drained by a thread), set up
 * by the dashboard's own term_init() in a UTF-8 locale with 256 colours. The snapshot is
 * synthetic and fixed (500 processes, 250 pipes, 100 socket pairs, 60 message queues, 50
 * shared memory segments, 40 semaphore sets = 1,000 objects) with a rate on every pipe and
 * socket, so the map animates. For the panel dashboard and for the topology map (the
 * selection's neighbourhood, as "auto" shows it at this size, and the whole map) it times:
 *   frame   - erase, draw, refresh: what an animation frame costs (only changed cells go out)
 *   full    - the same with every cell sent again (clearok): a full redraw
 *   update  - rebuilding the view from a new snapshot (graph and layout for the map)
 * Prints median, 95th percentile and maximum in milliseconds; exits 1 when a full redraw's
 * median misses the target (default 5 ms).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "src/diff.h"
#include "src/snapshot.h"
#include "ui/term.h"
#include "ui/view.h"

/* 1,000 objects; -D... at compile time tries other sizes */
#ifndef N_PROCS
#define N_PROCS 500
#define N_PIPES 250
#define N_SOCKPAIRS 100
#define N_QUEUES 60
#define N_SHM 50
#define N_SEMS 40
#endif

static int master_fd = -1;
static long long drained;

static void *drain(void *arg)
{
	char buf[65536];
	ssize_t n;

	(void)arg;
	while ((n = read(master_fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			drained += n;
	return NULL;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static unsigned rnd_state = 20261121;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static struct endpoint *ends(struct snapshot *s, pid_t a, unsigned ma, pid_t b, unsigned mb)
{
	struct endpoint *e = snapshot_alloc(s, 2 * sizeof(*e));

	e[0] = (struct endpoint){ a < b ? a : b, 3, a < b ? ma : mb };
	e[1] = (struct endpoint){ a < b ? b : a, 4, a < b ? mb : ma };
	return e;
}

/* The synthetic machine: a few hundred processes in small neighbourhoods of channels. */
static struct snapshot *machine(double time)
{
	struct snapshot *s = snapshot_new();
	static const enum wait_kind waits[] = { WAIT_NONE, WAIT_PIPE_READ, WAIT_MSG_RECV, WAIT_SEM_WAIT };

	rnd_state = 20261121;	/* the same machine every time; only the time differs */
	s->time = time;
	for (int i = 0; i < N_PROCS; i++) {
		struct proc_rec *p = snapshot_add_proc(s);
		char comm[32];

		snprintf(comm, sizeof(comm), "worker-%d", i);
		p->pid = 1000 + i;
		p->ppid = i < 10 ? 1 : 1000 + i / 10;
		p->comm = snapshot_strdup(s, comm);
		p->cmdline = p->comm;
		p->state = 'S';
		p->uid = 1000;
		p->nthreads = 1;
		p->sig_known = true;
		p->waiting.kind = waits[i % 4];
	}
	for (int i = 0; i < N_PIPES; i++) {
		struct pipe_rec *p = snapshot_add_pipe(s);
		int a = (int)rnd(N_PROCS), b = (a + 1 + (int)rnd(8)) % N_PROCS;

		p->kind = i % 10 ? PIPE_ANON : PIPE_FIFO;
		p->inode = 500000 + (uint64_t)i;
		p->ends = ends(s, 1000 + a, FD_MODE_WRITE, 1000 + b, FD_MODE_READ);
		p->n_ends = 2;
		p->queued_bytes = rnd(65536);
		p->capacity = 65536;
	}
	for (int i = 0; i < N_SOCKPAIRS; i++) {
		int a = (int)rnd(N_PROCS), b = (a + 1 + (int)rnd(8)) % N_PROCS;

		for (int k = 0; k < 2; k++) {
			struct usock_rec *u = snapshot_add_usock(s);

			u->inode = 600000 + (uint64_t)(2 * i + k);
			u->peer_inode = 600000 + (uint64_t)(2 * i + 1 - k);
			u->peer_known = true;
			u->type = 1;
			u->holders = snapshot_alloc(s, sizeof(*u->holders));
			u->holders[0] = (struct endpoint){ 1000 + (k ? b : a), 5, FD_MODE_RDWR };
			u->n_holders = 1;
			u->queued_bytes = 0;
		}
	}
	for (int i = 0; i < N_QUEUES; i++) {
		struct msgq_rec *q = snapshot_add_msgq(s);

		q->perm.id = 100 + i;
		q->messages = rnd(50);
		q->bytes = q->messages * 100;
		q->max_bytes = 16384;
		q->last_send_pid = 1000 + (pid_t)rnd(N_PROCS);
		q->last_recv_pid = 1000 + (pid_t)rnd(N_PROCS);
	}
	for (int i = 0; i < N_SHM; i++) {
		struct shm_rec *m = snapshot_add_shm(s);
		size_t n = 2 + rnd(3);

		m->perm.id = 200 + i;
		m->size = 1 << 20;
		m->nattch = (int64_t)n;
		m->attached_pids = snapshot_alloc(s, n * sizeof(pid_t));
		for (size_t k = 0; k < n; k++)
			m->attached_pids[k] = 1000 + (pid_t)rnd(N_PROCS);
		m->n_attached = n;
	}
	for (int i = 0; i < N_SEMS; i++) {
		struct sem_rec *sm = snapshot_add_sem(s);

		sm->perm.id = 300 + i;
		sm->nsems = 2;
		sm->values = snapshot_alloc(s, 2 * sizeof(int64_t));
		sm->wait_increase = snapshot_alloc(s, 2 * sizeof(int64_t));
		sm->wait_zero = snapshot_alloc(s, 2 * sizeof(int64_t));
		sm->last_pids = snapshot_alloc(s, 2 * sizeof(int64_t));
		for (int k = 0; k < 2; k++) {
			sm->values[k] = rnd(4);
			sm->last_pids[k] = 1000 + rnd(N_PROCS);
		}
	}
	snapshot_seal(s);
	return s;
}

static int cmp_rate(const void *a, const void *b)
{
	return strcmp(((const struct delta_rate *)a)->id, ((const struct delta_rate *)b)->id);
}

/* Every pipe and socket moving data (so the map has packets in flight). */
static struct snapshot_delta *rates(const struct snapshot *prev, const struct snapshot *cur)
{
	struct snapshot_delta *d = snapshot_diff(prev, cur);
	char id[FMT_ID_MAX];

	for (size_t i = 0; i < cur->n_pipes; i++)
		snapshot_delta_add_rate(d, fmt_id_pipe(&cur->pipes[i], id, sizeof(id)))->bytes_per_s = 5e4;
	for (size_t i = 0; i < cur->n_usocks; i++)
		snapshot_delta_add_rate(d, fmt_id_usock(cur->usocks[i].inode, id, sizeof(id)))->bytes_per_s = 2e3;
	qsort(d->rates, d->n_rates, sizeof(*d->rates), cmp_rate);
	return d;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stats {
	double median, p95, max;
};

static struct stats stats_of(double *v, int n)
{
	struct stats st;

	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	st.median = v[n / 2];
	st.p95 = v[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1];
	st.max = v[n - 1];
	return st;
}

struct result {
	const char *what;
	struct stats frame, full, update;
	long long bytes_full;
};

/* Times one view: update from a new snapshot, frames, full redraws. */
static void measure(struct view *v, struct ui_frame *f, const struct snapshot *alt, int iters,
		    struct result *r)
{
	struct ui_rect area = { 1, 0, LINES - 2, COLS };
	double *t = calloc((size_t)iters, sizeof(double));
	const struct snapshot *snaps[2] = { f->snap, alt };
	long long before;

	for (int i = 0; i < iters; i++) {	/* update: alternate two snapshots */
		struct ui_frame g = *f;
		double t0;

		g.snap = snaps[i % 2];
		t0 = now_ms();
		v->ops->update(v, &g);
		t[i] = now_ms() - t0;
	}
	v->ops->update(v, f);
	r->update = stats_of(t, iters);
	for (int pass = 0; pass < 2; pass++) {
		before = drained;
		for (int i = 0; i < iters; i++) {
			double t0 = now_ms();

			f->now += 0.05;	/* the animation clock moves on, as at 20 frames per second */
			erase();
			term_fill(stdscr, 0, 0, COLS, term_attr(ROLE_HEADER));
			v->ops->draw(v, f, stdscr, &area);
			term_fill(stdscr, LINES - 1, 0, COLS, term_attr(ROLE_STATUS));
			if (pass == 1)
				clearok(curscr, TRUE);
			refresh();
			t[i] = now_ms() - t0;
		}
		if (pass == 0)
			r->frame = stats_of(t, iters);
		else
			r->full = stats_of(t, iters);
	}
	r->bytes_full = (drained - before) / iters;
	free(t);
}

int main(int argc, char **argv)
{
	int iters = 200, slave, out, opt;
	double target = 5.0;
	struct winsize ws = { .ws_row = 60, .ws_col = 200 };
	pthread_t th;
	char err[256];
	struct snapshot *a, *b;
	struct snapshot_delta *d;
	struct ui_settings set = { .delay = 1 };
	struct ui_frame f;
	struct result res[4];
	int n_res = 0, rc = 0;
	size_t objects;

	while ((opt = getopt(argc, argv, "n:t:")) != -1) {
		if (opt == 'n')
			iters = atoi(optarg);
		else if (opt == 't')
			target = atof(optarg);
		else
			return 2;
	}
	if (iters < 10)
		iters = 10;
	if (openpty(&master_fd, &slave, NULL, NULL, &ws) < 0) {
		perror("ui_redraw: openpty");
		return 2;
	}
	pthread_create(&th, NULL, drain, NULL);
	out = dup(STDOUT_FILENO);
	dup2(slave, STDIN_FILENO);
	dup2(slave, STDOUT_FILENO);
	setenv("TERM", "xterm-256color", 1);
	unsetenv("NO_COLOR");
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "");
	if (!term_init(err, sizeof(err))) {
		dprintf(out, "ui_redraw: %s\n", err);
		return 2;
	}

	a = machine(1000);
	b = machine(1001);
	d = rates(a, b);
	objects = b->n_procs + b->n_pipes + b->n_usocks / 2 + b->n_msgqs + b->n_shms + b->n_sems;
	f = (struct ui_frame){ .snap = b, .delta = d, .set = &set, .now = 100 };

	{
		struct view *v = view_dash_new();

		res[n_res].what = "dashboard (panels)";
		measure(v, &f, a, iters, &res[n_res++]);
		v->ops->free(v);
	}
	{
		struct view *v = view_topo_new(NULL);

		res[n_res].what = "topology, neighbourhood (auto)";
		v->ops->update(v, &f);
		measure(v, &f, a, iters, &res[n_res++]);
		v->ops->key(v, &f, 'a');	/* auto -> the whole map */
		res[n_res].what = "topology, whole map";
		measure(v, &f, a, iters, &res[n_res++]);
		v->ops->free(v);
	}
	term_fini();
	term_release();
	/* every descriptor of the slave closed: the drain thread sees the end */
	dup2(out, STDOUT_FILENO);
	{
		int null = open("/dev/null", O_RDONLY);

		dup2(null, STDIN_FILENO);
		close(null);
	}
	close(slave);
	pthread_join(th, NULL);
	close(master_fd);

	printf("ui_redraw: %dx%d terminal (pty, %s, UTF-8), %zu objects (%zu processes, %zu pipes, "
	       "%zu socket pairs, %zu queues, %zu segments, %zu semaphore sets), %d iterations\n",
	       (int)ws.ws_col, (int)ws.ws_row, "256 colours", objects, b->n_procs, b->n_pipes,
	       b->n_usocks / 2, b->n_msgqs, b->n_shms, b->n_sems, iters);
	printf("%-32s %28s %28s %28s %10s\n", "view", "frame ms (median/p95/max)",
	       "full redraw ms (med/p95/max)", "update ms (med/p95/max)", "bytes/full");
	for (int i = 0; i < n_res; i++) {
		printf("%-32s %12.3f %6.3f %8.3f %12.3f %6.3f %8.3f %12.3f %6.3f %8.3f %10lld\n",
		       res[i].what, res[i].frame.median, res[i].frame.p95, res[i].frame.max,
		       res[i].full.median, res[i].full.p95, res[i].full.max, res[i].update.median,
		       res[i].update.p95, res[i].update.max, res[i].bytes_full);
		if (res[i].full.median > target)
			rc = 1;
	}
	printf("target: a full redraw under %.1f ms (median): %s\n", target, rc ? "MISSED" : "met");
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
	return rc;
}
