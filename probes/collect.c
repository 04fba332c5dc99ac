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
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

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
	atomic_bool cancelled;		/* collector_cancel: stop and stay stopped */
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
	/* from here on every open of every probe resolves inside a tree that is not "/" */
	if (strcmp(c->sysroot, "/") != 0) {
		c->untrusted_root = true;
		__atomic_add_fetch(&untrusted_roots, 1, __ATOMIC_RELAXED);
	}
	c->procfd = probe_open_root_dir(c->rootfd, "proc");
	if (c->procfd < 0) {
		*err = c->procfd;
		if (c->untrusted_root)
			__atomic_sub_fetch(&untrusted_roots, 1, __ATOMIC_RELAXED);
		close(c->rootfd);
		free(c->sysroot);
		free(c);
		return NULL;
	}
	*err = 0;
	if (!c->untrusted_root)
		c->iter = fd_iter_pass_new();
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

void collector_cancel(struct collector *c)
{
	atomic_store(&c->cancelled, true);
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
		.cancel = &c->cancelled,
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
		int rc;

		if (probe_cancelled(&ctx)) {
			/* what the probes did so far is dropped; the BPF pass is waited for by
			 * whichever probe took it, or by the next collection */
			free(ctx.fds);
			free(ctx.maps);
			arena_fini(&ctx.scratch);
			snapshot_unref(s);
			*out = NULL;
			return -ECANCELED;
		}
		rc = probes[i].collect(&ctx, &c->state[i]);

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

/*
 * Path resolution under an untrusted sysroot (see probe.h). The kernel does the walk
 * (openat2): RESOLVE_BENEATH below a directory already opened in the tree, RESOLVE_IN_ROOT
 * from the tree's root, and never a magic link. Returns an fd or -errno (-EXDEV: a link or
 * ".." leads out of the directory). EAGAIN (a rename raced the walk) is retried a few times.
 */
static int open_confined(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {
		/* openat2 refuses O_NOCTTY with O_PATH (EINVAL) */
		.flags = (uint64_t)(flags | O_CLOEXEC | (flags & O_PATH ? 0 : O_NOCTTY)),
		.resolve = resolve | RESOLVE_NO_MAGICLINKS,
	};

	for (int attempt = 0;; attempt++) {
		long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN || attempt >= 8)
			return -errno;
	}
}

static bool untrusted(void)
{
	return __atomic_load_n(&untrusted_roots, __ATOMIC_RELAXED) > 0;
}

/* A file found in an untrusted tree, opened for reading once it is known to be a regular
 * file: resolved as an O_PATH descriptor first and checked with fstat (a FIFO or device is
 * never opened: that could block, or wake a peer blocked in open()), then reopened through
 * that same descriptor (/proc/self/fd: the very inode checked) with O_NONBLOCK, and checked
 * again. */
static int open_regular_confined(int dirfd, const char *path, uint64_t resolve)
{
	char self[40];
	struct stat st, st2;
	int pfd = open_confined(dirfd, path, O_PATH, resolve), fd;

	if (pfd < 0)
		return pfd;
	if (fstat(pfd, &st) < 0) {
		int err = errno;

		close(pfd);
		return -err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(pfd);
		return -EINVAL;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))	/* no /proc here: walk again */
		fd = open_confined(dirfd, path, O_RDONLY | O_NONBLOCK, resolve);
	else if (fd < 0)
		fd = -errno;
	close(pfd);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st2) < 0 || !S_ISREG(st2.st_mode) || st2.st_ino != st.st_ino ||
	    st2.st_dev != st.st_dev) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int probe_open_file(int dirfd, const char *path)
{
	int fd;

	if (untrusted())
		return open_regular_confined(dirfd, path, RESOLVE_BENEATH);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

int probe_open_dir(int dirfd, const char *path, int flags)
{
	int fd;

	flags |= O_DIRECTORY;
	if (untrusted())
		return open_confined(dirfd, path, flags, RESOLVE_BENEATH);
	fd = openat(dirfd, path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int probe_open_root_dir(int rootfd, const char *path)
{
	int fd;

	if (untrusted())
		return open_confined(rootfd, path, O_RDONLY | O_DIRECTORY, RESOLVE_IN_ROOT);
	fd = openat(rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int probe_lstat_in_root(int rootfd, const char *path, struct stat *st)
{
	int fd;

	if (!untrusted())
		return fstatat(rootfd, path, st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
	fd = open_confined(rootfd, path, O_PATH | O_NOFOLLOW, RESOLVE_IN_ROOT);
	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	close(fd);
	return 0;
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
	const char *name = strerrorname_np(err);	/* "ELOOP", "EXDEV", ...: every errno glibc knows */

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}
