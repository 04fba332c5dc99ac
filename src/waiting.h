/*
 * waiting.h - what each blocked process waits on (an analysis pass).
 *
 * From the raw facts the probes left in a proc_rec (state, wchan, the system call number and
 * its arguments) and the channels of the same snapshot (which pipe, socket or POSIX queue
 * holds descriptor (pid, fd)), waiting_pass() fills proc_rec.waiting for every process in
 * state S or D with one of CONTRACT.md's kinds, the object id it waits on (or NULL when it
 * cannot be known) and a short human detail. Nothing is guessed silently: a detail says when
 * something is unknown and why (e.g. a FIFO path is only a pointer into the process).
 * The other threads of a multi-threaded process (proc_rec.other_threads) are classified the
 * same way from their own wchan and syscall, with the process's descriptors; the process's
 * waiting is its main thread's IPC wait, else its first other thread's (waiting.tid), else
 * the main thread's (also kept in main_waiting).
 */
#ifndef IPCTOP_WAITING_H
#define IPCTOP_WAITING_H

#include "src/snapshot.h"

/* The analysis pass (src/sampler.c's table). prev is not used. */
void waiting_pass(struct snapshot *cur, const struct snapshot *prev);

/* Whether a kind is a wait on something another process could end (an IPC object, a child,
 * a signal): every kind but WAIT_NONE and WAIT_OTHER. */
static inline int waiting_is_ipc(enum wait_kind k)
{
	return k != WAIT_NONE && k != WAIT_OTHER && k < WAIT_KIND_COUNT;
}

#endif
