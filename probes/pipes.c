/*
 * pipes.c - anonymous pipes and FIFOs: one pipe_rec per (kind, dev, inode) of ctx->fds.
 *
 * Models a pipe as the set of its ends (every descriptor of every process on it, sorted by
 * pid and fd; an O_RDWR end is both reader and writer) plus its fill: bytes queued
 * (FIONREAD) and capacity (F_GETPIPE_SZ). Anonymous pipes all live on the one pipefs, so
 * their dev is 0 and the inode alone identifies them; a FIFO's dev is its file system's.
 *
 * The fill is read on a pidfd_getfd duplicate of one holder's descriptor, checked to still be
 * the same object (fstat), used for two queries and closed at once. Never open() of a FIFO
 * or of /proc/<pid>/fd/N (that would add a reader and could wake a writer blocked in open);
 * never read(); never F_SETFL (the flags are shared with the owner). If one holder refuses
 * (EPERM without ptrace access) the next holder's process is tried. Without any: queued and
 * capacity stay unknown and the reason is in fill_error and errors ("pipe:INO fill").
 * With --sysroot nothing can be asked: "not live". Many pipes are filled by two threads, each
 * on its own half of the records, taken in the order of their first holder (one pidfd per
 * process). In a warm collection a pipe whose every end belongs to a process that has not
 * run since the last collection keeps the fill read then (probes/proc_cache.h says why).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef HAVE_SYS_PIDFD_H
#include <sys/pidfd.h>
#endif

#include "probes/fds.h"
#include "probes/pipes.h"
#include "probes/proc_cache.h"

/* Holders (distinct processes) tried per pipe before giving up. */
#define FILL_TRIES 3
/* From this many pipes on, two threads fill them. */
#define FILL_PARALLEL_MIN 256

static int sys_pidfd_open(pid_t pid)
{
#ifdef HAVE_PIDFD_OPEN
	return pidfd_open(pid, 0);
#elif defined(SYS_pidfd_open)
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

static int sys_pidfd_getfd(int pidfd, int fd)
{
#ifdef HAVE_PIDFD_GETFD
	return pidfd_getfd(pidfd, fd, 0);
#elif defined(SYS_pidfd_getfd)
	return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
#else
	(void)pidfd;
	(void)fd;
	errno = ENOSYS;
	return -1;
#endif
}

/* A pidfd for pid, keeping the last one open: a process's pipes tend to come in runs. */
struct pidfd_cache {
	pid_t pid;
	int pidfd;		/* -errno when opening failed */
};

static int cached_pidfd(struct pidfd_cache *c, pid_t pid)
{
	if (c->pid != pid) {
		if (c->pidfd >= 0)
			close(c->pidfd);
		c->pid = pid;
		c->pidfd = sys_pidfd_open(pid);
		if (c->pidfd < 0)
			c->pidfd = -errno;
	}
	return c->pidfd;
}

static int getfd_with(int pidfd, int fd)
{
	int dup;

	if (pidfd < 0)
		return pidfd;
	dup = sys_pidfd_getfd(pidfd, fd);
	return dup < 0 ? -errno : dup;
}

int pipes_getfd(pid_t pid, int fd)
{
	int pidfd = sys_pidfd_open(pid), dup;

	if (pidfd < 0)
		return -errno;
	dup = getfd_with(pidfd, fd);
	close(pidfd);
	return dup;
}

/* Fill of one pipe from one duplicate. Returns 0, or -errno / -ESTALE (another object). */
static int fill_from(int dup, const struct pipe_rec *p, int64_t *queued, int64_t *cap)
{
	struct stat st;
	int n = 0, sz;

	if (fstat(dup, &st) < 0)
		return -errno;
	if (!S_ISFIFO(st.st_mode) || st.st_ino != p->inode ||
	    (p->kind == PIPE_FIFO && st.st_dev != p->dev))
		return -ESTALE;		/* the number now names something else */
	if (ioctl(dup, FIONREAD, &n) < 0)
		return -errno;
	sz = fcntl(dup, F_GETPIPE_SZ);
	if (sz < 0)
		return -errno;
	*queued = n;
	*cap = sz;
	return 0;
}

static const char *fill_reason(int err)
{
	switch (err) {
	case ESRCH:
	case EBADF:
	case ESTALE:
		return "closed during scan";
	}
	return probe_errname(err);
}

/* Fills one pipe's queued/capacity. Returns 0, or the errno to report (a permission error is
 * preferred over a vanished holder). Touches only this record: safe on a worker thread. */
static int fill(struct pidfd_cache *cache, struct pipe_rec *p)
{
	pid_t tried[FILL_TRIES];
	int n_tried = 0, first_err = 0;

	for (size_t i = 0; i < p->n_ends && n_tried < FILL_TRIES; i++) {
		const struct endpoint *e = &p->ends[i];
		bool seen = false;
		int dup, rc;

		for (int j = 0; j < n_tried; j++)
			seen |= tried[j] == e->pid;
		if (seen)
			continue;
		tried[n_tried++] = e->pid;
		dup = getfd_with(cached_pidfd(cache, e->pid), e->fd);
		if (dup < 0) {
			rc = dup;
		} else {
			rc = fill_from(dup, p, &p->queued_bytes, &p->capacity);
			close(dup);
		}
		if (rc == 0)
			return 0;
		if (!first_err || first_err == -ESRCH || first_err == -EBADF || first_err == -ESTALE)
			first_err = rc;
	}
	p->queued_bytes = SNAP_UNKNOWN;
	p->capacity = SNAP_UNKNOWN;
	return -first_err;
}

/* A slice of the snapshot's pipes to fill: pipes[order[0 .. n)]; err[i] is pipe i's result;
 * kept[i]: filled already. */
struct fill_job {
	struct pipe_rec *pipes;
	const size_t *order;
	int *err;
	size_t n;
	const bool *kept;
};

static void *fill_worker(void *arg)
{
	struct fill_job *job = arg;
	struct pidfd_cache cache = { .pid = 0, .pidfd = -EBADF };

	for (size_t k = 0; k < job->n; k++) {
		size_t i = job->order[k];

		job->err[i] = job->kept[i] ? 0 : fill(&cache, &job->pipes[i]);
	}
	if (cache.pidfd >= 0)
		close(cache.pidfd);
	return NULL;
}

/* Fill order: by the first holder's pid, so that consecutive fills go through the same
 * process (one pidfd_open per process instead of nearly one per pipe). */
static int cmp_first_holder(const void *a, const void *b, void *arg)
{
	const struct pipe_rec *pipes = arg;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	const struct pipe_rec *x = &pipes[ia], *y = &pipes[ib];
	pid_t px = x->n_ends ? x->ends[0].pid : 0, py = y->n_ends ? y->ends[0].pid : 0;

	if (px != py)
		return px < py ? -1 : 1;
	return (ia > ib) - (ia < ib);
}

/* Fills pipes [first, s->n_pipes) but those kept[i - first] (filled already): two halves in
 * parallel when there are many (the records do not move: nothing is added meanwhile), then
 * the failures become errors, in order. */
static void fill_all(struct probe_ctx *ctx, size_t first, const bool *kept)
{
	struct snapshot *s = ctx->snap;
	size_t n = s->n_pipes - first, half = n >= FILL_PARALLEL_MIN ? n / 2 : 0;
	int *err = xcalloc(n + 1, sizeof(*err));
	size_t *order = xcalloc(n + 1, sizeof(*order));
	struct fill_job jobs[2] = {
		{ s->pipes + first, order, err, half, kept },
		{ s->pipes + first, order + half, err, n - half, kept },
	};
	pthread_t t;
	bool threaded;

	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), cmp_first_holder, s->pipes + first);
	threaded = half > 0 && pthread_create(&t, NULL, fill_worker, &jobs[0]) == 0;

	if (half > 0 && !threaded)
		fill_worker(&jobs[0]);
	fill_worker(&jobs[1]);
	if (threaded)
		pthread_join(t, NULL);
	for (size_t i = 0; i < n; i++) {
		struct pipe_rec *p = &s->pipes[first + i];

		if (!err[i])
			continue;
		p->fill_error = snapshot_strdup(s, fill_reason(err[i]));
		snapshot_add_errorf(s, p->fill_error, "%s:%llu fill",
				    p->kind == PIPE_FIFO ? "fifo" : "pipe", (unsigned long long)p->inode);
	}
	free(order);
	free(err);
}

static int cmp_pipe_fd(const void *a, const void *b)
{
	const struct fd_entry *x = *(const struct fd_entry *const *)a;
	const struct fd_entry *y = *(const struct fd_entry *const *)b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

int pipes_collect(struct probe_ctx *ctx, void **state)
{
	struct snapshot *s = ctx->snap;
	const struct fd_entry **v;
	size_t n = 0, first = s->n_pipes;
	bool *kept;

	(void)state;
	if (!ctx->fds_scanned) {
		snapshot_set_source(s, "pipes", false, "no descriptor scan");
		return -ENODEV;
	}
	v = xcalloc(ctx->n_fds + 1, sizeof(*v));
	for (size_t i = 0; i < ctx->n_fds; i++)
		if ((ctx->fds[i].type == FDT_PIPE || ctx->fds[i].type == FDT_FIFO) && ctx->fds[i].inode)
			v[n++] = &ctx->fds[i];
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_pipe_fd);
	if (!ctx->live && n)
		snapshot_add_error(s, "pipes fill", "not live");
	kept = xcalloc(n + 1, sizeof(*kept));

	for (size_t i = 0; i < n;) {
		size_t j = i;
		struct pipe_rec *p;
		struct endpoint *ends;

		while (j < n && v[j]->type == v[i]->type && v[j]->dev == v[i]->dev &&
		       v[j]->inode == v[i]->inode)
			j++;
		ends = snapshot_alloc(s, (j - i) * sizeof(*ends));
		for (size_t k = i; k < j; k++) {
			ends[k - i].pid = v[k]->pid;
			ends[k - i].fd = v[k]->fd;
			ends[k - i].mode = v[k]->mode;
		}
		p = snapshot_add_pipe(s);
		p->kind = v[i]->type == FDT_FIFO ? PIPE_FIFO : PIPE_ANON;
		p->dev = p->kind == PIPE_FIFO ? v[i]->dev : 0;
		p->inode = v[i]->inode;
		p->ends = ends;
		p->n_ends = j - i;
		if (p->kind == PIPE_FIFO && v[i]->target) {
			size_t len = strlen(v[i]->target);
			size_t del = fds_deleted_suffix(v[i]->target, len);

			p->deleted = del > 0;
			p->path = arena_strndup(&s->arena, v[i]->target, len - del);
		}
		if (!ctx->live)
			p->fill_error = "not live";
		/* Read in the kernel by the BPF iterator (probes/fd_iter.h) during the descriptor
		 * pass: the fill then, as FIONREAD and F_GETPIPE_SZ would have said it. */
		for (size_t k = i; ctx->live && k < j; k++) {
			if (v[k]->fill_known) {
				p->queued_bytes = v[k]->fill_queued;
				p->capacity = v[k]->fill_capacity;
				kept[s->n_pipes - 1 - first] = true;
				break;
			}
		}
		/* Incremental collection (probes/proc_cache.h): every end taken from the cache
		 * (its holder has not run since the last collection) and as many ends as then:
		 * nothing can have moved data through the pipe, keep the fill read then. */
		if (ctx->live && !kept[s->n_pipes - 1 - first] && v[i]->fill &&
		    v[i]->fill->n_ends == j - i) {
			bool all = true;

			for (size_t k = i; k < j; k++)
				all &= v[k]->fill != NULL;
			if (all) {
				p->queued_bytes = v[i]->fill->queued;
				p->capacity = v[i]->fill->capacity;
				kept[s->n_pipes - 1 - first] = true;
			}
		}
		i = j;
	}
	if (ctx->live)
		fill_all(ctx, first, kept);
	free(kept);
	free(v);
	return 0;
}
