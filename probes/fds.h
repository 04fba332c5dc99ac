/*
 * fds.h - the descriptor probe: every open descriptor of every process, once per process.
 *
 * Fills ctx->fds (sorted by pid, fd) for the channel probes that run after it (pipes,
 * unix_diag, posix_ipc, misc_fds) and the holders' /proc/<pid>/io counters (proc_rec
 * io_rchar/io_wchar) for the throughput estimate. Never opens /proc/<pid>/fd/N: a FIFO
 * reopened that way gains a reader, which can wake a writer blocked in open().
 *
 * The parsers below take a buffer, never a path, so tests feed them recorded and malformed
 * text directly.
 */
#ifndef IPCTOP_FDS_H
#define IPCTOP_FDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probes/collect.h"
#include "probes/probe.h"

/* What one /proc/<pid>/fdinfo/<fd> says. Integers are SNAP_UNKNOWN when the line is absent. */
struct fds_fdinfo {
	int64_t pos;		/* "pos:" decimal */
	int64_t flags;		/* "flags:" octal (O_ACCMODE in the low bits) */
	int64_t mnt_id;		/* "mnt_id:" decimal */
	int64_t ino;		/* "ino:" decimal (kernels >= 5.14) */
	int64_t eventfd_count;	/* "eventfd-count:" hexadecimal */
	bool sigmask_known;
	uint64_t sigmask;	/* "sigmask:" hexadecimal (signalfd) */
};

/* Parses fdinfo text. Returns 0, or -EBADMSG when "flags:" is missing or any known field is
 * malformed (the fields parsed before the bad one stay set). Unknown lines (epoll "tfd:",
 * inotify, ...) are ignored. */
int fds_parse_fdinfo(const char *buf, size_t len, struct fds_fdinfo *out);

/* enum fd_mode from fdinfo flags: O_RDONLY -> READ, O_WRONLY -> WRITE, O_RDWR -> RDWR. */
unsigned fds_mode_from_flags(int64_t flags);

/*
 * Classifies the text of a /proc/<pid>/fd/N link (len bytes, need not be terminated):
 *   "pipe:[INO]" FDT_PIPE, "socket:[INO]" FDT_SOCKET (with *inode), "anon_inode:[eventfd]"
 *   FDT_EVENTFD, "anon_inode:[signalfd]" FDT_SIGNALFD, a path ("/...") FDT_FILE (the caller
 *   tells FIFOs and message queues apart with stat), anything else FDT_OTHER.
 * Returns false (type FDT_OTHER) when a "pipe:[" or "socket:[" link is malformed.
 */
bool fds_classify_link(const char *target, size_t len, enum fd_type *type, uint64_t *inode);

/* The " (deleted)" suffix of an unlinked file's link: its length (10) when present, else 0. */
size_t fds_deleted_suffix(const char *target, size_t len);

/* Parses /proc/<pid>/io text for rchar and wchar. Returns 0 or -EBADMSG (either missing). */
int fds_parse_io(const char *buf, size_t len, int64_t *rchar, int64_t *wchar);

/* The probe: ctx->fds, ctx->fds_scanned, proc_rec io_rchar/io_wchar of channel holders.
 * Also sets the source FDS_ITER_SOURCE: ok when the BPF iterator (probes/fd_iter.h) read the
 * descriptors, else why /proc was walked. */
#define FDS_ITER_SOURCE COLLECT_FD_ITER_SOURCE
int fds_collect(struct probe_ctx *ctx, void **state);

#endif
