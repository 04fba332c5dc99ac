/*
 * posix_ipc.h - the POSIX IPC probe: message queues (/dev/mqueue), shared memory objects and
 * named semaphores (/dev/shm), with the processes holding or mapping them.
 *
 * Everything is read relative to the sysroot (openat on ctx->rootfd). Nothing is received,
 * posted or unlinked: a queue's file is read (its text is a status line, not a message) and
 * mq_getattr() asked on it; a semaphore's value is read from a read-only mapping.
 */
#ifndef IPCTOP_POSIX_IPC_H
#define IPCTOP_POSIX_IPC_H

#include <stddef.h>
#include <stdint.h>

#include "probes/probe.h"

/* "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d": the bytes queued. Returns 0 or
 * -EBADMSG. Pure. */
int posix_ipc_parse_mq_text(const char *buf, size_t len, int64_t *qsize);

/*
 * The value of a glibc named semaphore from the first len bytes of its file (a sem_t).
 * Layout relied on (glibc >= 2.21, nptl/internaltypes.h "struct new_sem"):
 *   64-bit targets (__HAVE_64B_ATOMICS): uint64_t data; value = low 32 bits of data (native
 *     byte order), waiters = high 32 bits; then int private, int pad.
 *   32-bit targets: unsigned int value, shifted left by 1 (bit 0 = "has waiters"); int
 *     private; int pad; unsigned int nwaiters.
 * Returns 0, or -EBADMSG if len is too short.
 */
int posix_ipc_sem_value(const void *mem, size_t len, int64_t *value);

int posix_ipc_collect(struct probe_ctx *ctx, void **state);

#endif
