/*
 * pipes.h - the pipe probe: anonymous pipes and FIFOs as channels with their ends and fill.
 *
 * Groups the descriptor probe's FDT_PIPE / FDT_FIFO entries by (kind, dev, inode) into one
 * pipe_rec each, ends sorted by (pid, fd). The fill level (FIONREAD, F_GETPIPE_SZ) is read
 * on a duplicate of one holder's descriptor (pidfd_getfd), closed at once: the duplicate
 * shares the holder's open file description, so reader/writer counts never change and no
 * data is read.
 */
#ifndef IPCTOP_PIPES_H
#define IPCTOP_PIPES_H

#include <sys/types.h>

#include "probes/probe.h"

int pipes_collect(struct probe_ctx *ctx, void **state);

/*
 * A duplicate of descriptor fd of process pid in this process (pidfd_open + pidfd_getfd),
 * close-on-exec. Returns the new descriptor, or -errno (EPERM without ptrace access, ESRCH
 * gone, EBADF closed). The caller closes it at once and never changes its file status flags
 * (they are shared with the owner). Shared with posix_ipc.c.
 */
int pipes_getfd(pid_t pid, int fd);

#endif
