/*
 * probe.h - what every probe sees while one snapshot is being collected.
 *
 * A probe reads one kernel source relative to the sysroot (openat on rootfd/procfd), writes
 * records into ctx->snap, records its failures as data (snapshot_add_error) and returns 0 or
 * -errno when the source as a whole could not be read (the collector then marks the source
 * failed). Probes never print, never exit, never include ncurses.
 *
 * Probes run in the order of the table in collect.c; later probes may use what earlier ones
 * left in the scratch tables below (the descriptor list, the shared mappings), which live
 * only for one collection.
 */
#ifndef IPCTOP_PROBE_H
#define IPCTOP_PROBE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "src/arena.h"
#include "src/snapshot.h"

/* One open descriptor of one process (threads share the table: read once per process). */
enum fd_type {
	FDT_OTHER,
	FDT_PIPE,		/* anonymous pipe: "pipe:[INO]" */
	FDT_FIFO,		/* S_ISFIFO on a path */
	FDT_SOCKET,		/* "socket:[INO]" */
	FDT_MQUEUE,		/* on the mqueue file system */
	FDT_EVENTFD,
	FDT_SIGNALFD,
	FDT_FILE,
};

struct fd_entry {
	pid_t pid;
	int fd;
	unsigned mode;		/* enum fd_mode, from fdinfo flags */
	enum fd_type type;
	uint64_t dev;
	uint64_t inode;
	const char *target;	/* readlink text (scratch arena); live only where it matters
				 * (FIFOs, queues, anonymous inodes), NULL otherwise */
	/* From fdinfo, for the misc_fds probe (probes/fds.c reads each fdinfo once): */
	int64_t eventfd_count;	/* eventfd: "eventfd-count"; SNAP_UNKNOWN otherwise */
	uint64_t sigmask;	/* signalfd: "sigmask" (signal n = bit n-1), if sigmask_known */
	/* Incremental collection (probes/proc_cache.h): set when this entry was taken from
	 * the cache (its process has not run since): the fill its pipe had then, which
	 * pipes.c may keep; NULL otherwise. */
	const struct proc_cache_fill *fill;
	/* Pipes and FIFOs read through the BPF iterator (probes/fd_iter.h): the ring's fill as
	 * the kernel had it during the pass (if fill_known), which pipes.c takes instead of
	 * reading it again. */
	int64_t fill_queued, fill_capacity;
	/* FIFOs and queues from the BPF iterator: the device of the inode's superblock (what the
	 * ends of one object share before stat(2) names a FIFO's device, which overlayfs and
	 * btrfs report differently), 0 otherwise; iter_pending: dev and target are still to be
	 * taken from another end of the same object (fds.c reads them once per object). */
	uint64_t iter_dev;
	bool sigmask_known;
	bool fill_known;
	bool iter_pending;
};

/* One shared mapping from /proc/<pid>/maps that names an IPC object (SysV or /dev/shm). */
struct map_entry {
	pid_t pid;
	uint64_t dev;		/* makedev(major, minor) of the maps line */
	uint64_t inode;		/* for /SYSV mappings: the shmid */
	const char *path;	/* scratch arena */
	bool deleted;
};

struct collector;
struct collect_opts;
struct proc_pass;
struct proc_cache;
struct proc_cache_fill;
struct fd_iter_pass;

struct probe_ctx {
	struct snapshot *snap;
	const struct collect_opts *opts;	/* the collector's options (probes/collect.h) */
	int rootfd;		/* O_DIRECTORY of the sysroot */
	int procfd;		/* O_DIRECTORY of <sysroot>/proc */
	bool live;		/* sysroot is "/": syscalls (semctl, pidfd, netlink) see the same objects */
	pid_t self;		/* ipctop's own pid */

	struct arena scratch;	/* freed after each collection */
	struct fd_entry *fds;	/* filled by the descriptor probe, sorted by (pid, fd) */
	size_t n_fds, cap_fds;
	struct map_entry *maps;	/* filled by the maps probe */
	size_t n_maps, cap_maps;
	bool maps_scanned;	/* the maps probe ran (attached lists are meaningful) */
	bool maps_deferred;	/* the maps scan waits for proc_maps_ensure() (proc_maps.h) */
	/* Processes whose maps could not be read (exited ones not counted) and the errno of
	 * the first: lists built from the maps (shm attachers) may miss those processes. */
	size_t maps_unreadable;
	int maps_unreadable_err;
	bool fds_scanned;
	/* Per-process read-ahead of status, cmdline, wchan and syscall (probes/proc_pass.h),
	 * made by proc_table on the live system and used by proc_table and proc_wait; NULL when
	 * there is none (sysroot, or a probe run alone): each then reads its files itself. */
	const struct proc_pass *pass;
	/* Live, in a collector: this collection's BPF passes (probes/fd_iter.h), which fds and
	 * proc_maps take when they loaded; NULL otherwise. */
	struct fd_iter_pass *iter;
	/* Incremental collection (probes/proc_cache.h): witness: read what proves a process
	 * has not run (set from the collector's second collection on); cache: what the last
	 * collection kept, reused for such processes (NULL: nothing to reuse). */
	bool witness;
	const struct proc_cache *cache;
	/* Set (by another thread, collector_cancel) when the collection is no longer wanted:
	 * the per-process loops stop at the next process and the snapshot is thrown away.
	 * NULL: never. Read with probe_cancelled(). */
	const atomic_bool *cancel;
};

/* The collection was cancelled (see probe_ctx.cancel). */
static inline bool probe_cancelled(const struct probe_ctx *ctx)
{
	return ctx->cancel && atomic_load_explicit(ctx->cancel, memory_order_relaxed);
}

struct probe {
	const char *name;
	/* state: the probe's own persistent data between collections (starts NULL). */
	int (*collect)(struct probe_ctx *ctx, void **state);
	void (*fini)(void *state);	/* may be NULL */
};

/* Scratch helpers. */
struct fd_entry *probe_add_fd(struct probe_ctx *ctx);
struct map_entry *probe_add_map(struct probe_ctx *ctx);

/*
 * Opening what a probe reads. On the live system ("/") these are plain openat/fstatat calls.
 * While any collector reads a --sysroot tree (which anyone may have shaped: links out of it,
 * FIFOs, devices, names swapped between two calls), every path resolves inside the tree, by
 * the kernel (openat2 with RESOLVE_NO_MAGICLINKS): below dirfd (RESOLVE_BENEATH: a link or
 * ".." that leaves it fails with -EXDEV, recorded as that file's error) or, for the _root_
 * calls, from the tree's root (RESOLVE_IN_ROOT: an absolute link means the tree's own path,
 * as in a chroot). Each returns an fd (O_CLOEXEC) or -errno.
 */
/* A regular file for reading (O_NONBLOCK). Under a sysroot it is checked on its descriptor
 * before it is opened for reading, so a FIFO or device is never opened: -EINVAL. */
int probe_open_file(int dirfd, const char *path);
/* A directory below dirfd; flags: O_RDONLY or O_PATH (O_DIRECTORY is added). */
int probe_open_dir(int dirfd, const char *path, int flags);
/* A directory of the tree from its root ("proc", "dev/shm"). */
int probe_open_root_dir(int rootfd, const char *path);
/* lstat of a path from the tree's root (a recorded link's target). Returns 0 or -errno. */
struct stat;
int probe_lstat_in_root(int rootfd, const char *path, struct stat *st);

/* Error text for an errno value, as data: its name, "EACCES", "ELOOP", ... ("E<n>" only for
 * a number the C library has no name for). */
const char *probe_errname(int err);

#endif
