/*
 * collect.c - runs the probes in order over one sysroot and assembles an unsealed snapshot.
 *
 * The table below is the whole list of kernel sources ipctop reads. Each probe's outcome is
 * recorded in snapshot.sources; a probe's failure never stops the others.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probes/collect.h"
#include "probes/probe.h"
#include "probes/proc_cache.h"
#include "probes/proc_pass.h"
#include "probes/proc_maps.h"
#include "probes/proc_table.h"
#include "probes/sysv_msg.h"
#include "probes/sysv_sem.h"
#include "probes/sysv_shm.h"
#include "probes/proc_wait.h"
#include "probes/sig_trace.h"
#include "probes/fd_iter.h"
#include "probes/fds.h"
#include "probes/pipes.h"
#include "probes/unix_diag.h"
#include "probes/posix_ipc.h"
#include "probes/misc_fds.h"

static const struct probe probes[] = {
	{ "proc_table", proc_table_collect, proc_table_fini },
	/* deferred: scanned when sysv_shm or posix_ipc first needs it (proc_maps_ensure) */
	{ PROC_MAPS_SOURCE, proc_maps_defer, proc_maps_fini },	/* reads proc_table's procs */
	{ "sysv_msg", sysv_msg_collect, NULL },
	{ "sysv_shm", sysv_shm_collect, NULL },			/* uses proc_maps' list */
	{ "sysv_sem", sysv_sem_collect, NULL },
	/* after the process table: they read the procs it added */
	{ "proc_wait", proc_wait_collect, NULL },
	{ COLLECT_SIG_TRACE_SOURCE, sig_trace_collect, sig_trace_fini },
	/* descriptors, then the channels built from them (issue 3) */
	{ "fds", fds_collect, NULL },			/* reads proc_table's procs */
	{ "pipes", pipes_collect, NULL },		/* the rest use the fds' list */
	{ "unix_diag", unix_diag_collect, NULL },
	{ "posix_ipc", posix_ipc_collect, NULL },	/* also proc_maps' list */
	{ "misc_fds", misc_fds_collect, NULL },
	{ NULL, NULL, NULL },
};

#define N_PROBES (sizeof(probes) / sizeof(probes[0]) - 1)

struct collector {
	struct collect_opts opts;
	char *sysroot;
	int rootfd;
	int procfd;
	bool untrusted_root;		/* not "/": counted in untrusted_roots */
	void *state[N_PROBES + 1];
	/* incremental collection (probes/proc_cache.h): what the last collection kept */
	struct proc_cache *cache;
	unsigned long collections;
	pid_t *reused;		/* sorted: the last collection's processes taken from cache */
	struct fd_iter_pass *iter;	/* live: the BPF iterators (probes/fd_iter.h) */
	size_t n_reused;
	size_t n_procs;
};

static double now_epoch(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* How many collectors read a tree other than "/" right now (see probe_open_file). */
static int untrusted_roots;

struct collector *collector_new(const struct collect_opts *opts, int *err)
{
	struct collector *c = xcalloc(1, sizeof(*c));

	c->opts = *opts;
	c->sysroot = xstrdup(opts->sysroot && *opts->sysroot ? opts->sysroot : "/");
	c->opts.sysroot = c->sysroot;
	c->rootfd = open(c->sysroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->rootfd < 0) {
		*err = -errno;
		free(c->sysroot);
		free(c);
		return NULL;
	}
	c->procfd = openat(c->rootfd, "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->procfd < 0) {
		*err = -errno;
		close(c->rootfd);
		free(c->sysroot);
		free(c);
		return NULL;
	}
	*err = 0;
	if (strcmp(c->sysroot, "/") != 0) {
		c->untrusted_root = true;
		__atomic_add_fetch(&untrusted_roots, 1, __ATOMIC_RELAXED);
	} else {
		c->iter = fd_iter_pass_new();
	}
	return c;
}

void collector_free(struct collector *c)
{
	if (!c)
		return;
	if (c->untrusted_root)
		__atomic_sub_fetch(&untrusted_roots, 1, __ATOMIC_RELAXED);
	for (size_t i = 0; i < N_PROBES; i++)
		if (probes[i].fini && c->state[i])
			probes[i].fini(c->state[i]);
	proc_cache_free(c->cache);
	fd_iter_pass_free(c->iter);
	free(c->reused);
	close(c->procfd);
	close(c->rootfd);
	free(c->sysroot);
	free(c);
}

static bool source_failed(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->n_sources; i++)
		if (strcmp(s->sources[i].name, name) == 0)
			return !s->sources[i].ok && s->sources[i].error;
	return false;
}

void collector_cleanup_signal_safe(void)
{
	sig_trace_cleanup_signal_safe();
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Which processes this collection took from the cache (collector_stats/_reused). */
static void note_reused(struct collector *c, const struct probe_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;

	c->n_reused = 0;
	c->n_procs = s->n_procs;
	c->reused = xreallocarray(c->reused, s->n_procs + 1, sizeof(*c->reused));
	for (size_t i = 0; ctx->pass && i < s->n_procs; i++)
		if (proc_pass_reuse(ctx->pass, s->procs[i].pid, s->procs[i].start_ticks))
			c->reused[c->n_reused++] = s->procs[i].pid;
	if (c->n_reused > 1)
		qsort(c->reused, c->n_reused, sizeof(*c->reused), cmp_pid);
}

void collector_stats(const struct collector *c, struct collect_stats *out)
{
	out->processes = c->n_procs;
	out->reused = c->n_reused;
	out->cached = proc_cache_size(c->cache);
}

bool collector_reused(const struct collector *c, pid_t pid)
{
	return c->n_reused && bsearch(&pid, c->reused, c->n_reused, sizeof(pid), cmp_pid);
}

int collector_collect(struct collector *c, struct snapshot **out)
{
	struct snapshot *s = snapshot_new();
	struct probe_ctx ctx = {
		.snap = s,
		.rootfd = c->rootfd,
		.procfd = c->procfd,
		.live = strcmp(c->sysroot, "/") == 0,
		.self = c->opts.self,
		.opts = &c->opts,
	};
	double t0 = now_mono();

	s->time = now_epoch();
	s->sysroot = snapshot_strdup(s, c->sysroot);
	s->self_pid = c->opts.self;
	arena_init(&ctx.scratch);

	/* Incremental collection, live only: from the second collection on, read what proves
	 * a process has not run (so --once pays nothing) and keep the results for the next;
	 * from the third on, reuse them (probes/proc_cache.h). */
	if (ctx.live && c->collections++ > 0) {
		if (!c->cache)
			c->cache = proc_cache_new();
		ctx.witness = true;
		ctx.cache = c->cache;
	}

	/* the BPF passes (descriptors, IPC mappings) begin at once, on a thread of their own,
	 * while proc_table reads the processes; fds and proc_maps wait for them. They read
	 * every process: when most did not run since the last collection (as it found), it is
	 * cheaper to keep what that one read of them and ask /proc about the others. */
	if (c->iter) {
		bool warm = ctx.witness && c->n_procs > 0 && c->n_reused * 2 > c->n_procs;

		fd_iter_pass_start(c->iter, !warm);
		ctx.iter = c->iter;
	}
	for (size_t i = 0; i < N_PROBES; i++) {
		int rc = probes[i].collect(&ctx, &c->state[i]);

		/* a failed probe may have set its source with a fuller reason: keep that */
		if (rc == 0 || !source_failed(s, probes[i].name))
			snapshot_set_source(s, probes[i].name, rc == 0,
					    rc == 0 ? NULL : probe_errname(-rc));
	}

	note_reused(c, &ctx);
	if (ctx.witness)
		proc_cache_update(c->cache, &ctx);
	free(ctx.fds);
	free(ctx.maps);
	arena_fini(&ctx.scratch);
	s->duration = now_mono() - t0;
	*out = s;
	return 0;
}

int probe_open_file(int dirfd, const char *path)
{
	int fd;

	if (__atomic_load_n(&untrusted_roots, __ATOMIC_RELAXED) > 0) {
		struct stat st;

		if (fstatat(dirfd, path, &st, 0) < 0)
			return -errno;
		if (!S_ISREG(st.st_mode))
			return -EINVAL;
	}
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

struct fd_entry *probe_add_fd(struct probe_ctx *ctx)
{
	if (ctx->n_fds == ctx->cap_fds) {
		ctx->cap_fds = ctx->cap_fds ? ctx->cap_fds * 2 : 256;
		ctx->fds = xreallocarray(ctx->fds, ctx->cap_fds, sizeof(*ctx->fds));
	}
	memset(&ctx->fds[ctx->n_fds], 0, sizeof(*ctx->fds));
	return &ctx->fds[ctx->n_fds++];
}

struct map_entry *probe_add_map(struct probe_ctx *ctx)
{
	if (ctx->n_maps == ctx->cap_maps) {
		ctx->cap_maps = ctx->cap_maps ? ctx->cap_maps * 2 : 64;
		ctx->maps = xreallocarray(ctx->maps, ctx->cap_maps, sizeof(*ctx->maps));
	}
	memset(&ctx->maps[ctx->n_maps], 0, sizeof(*ctx->maps));
	return &ctx->maps[ctx->n_maps++];
}

const char *probe_errname(int err)
{
	static __thread char buf[16];

	switch (err) {
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINVAL: return "EINVAL";
	case EIDRM: return "EIDRM";
	case ENOMEM: return "ENOMEM";
	case ENOSYS: return "ENOSYS";
	case EBADF: return "EBADF";
	case EIO: return "EIO";
	case ENOTDIR: return "ENOTDIR";
	case ENODEV: return "ENODEV";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ERANGE: return "ERANGE";
	case EBADMSG: return "EBADMSG";
	case EAGAIN: return "EAGAIN";
	}
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}
