/*
 * waitgraph.h - the wait-for graph: who could end whose wait; deadlocks and stalls.
 *
 * Edges go process -> the object it waits on (proc_rec.waiting, from src/waiting.c) -> the
 * processes that could end that wait:
 *   pipe/FIFO read          the holders of a write end (write: of a read end)
 *   unix socket recv/send   the holders of the peer socket (unknown without a peer)
 *   SysV msg recv/send      the queue's last sender (receiver) and the processes blocked
 *                           sending (receiving) on it
 *   POSIX queue recv/send   the holders with the queue open for writing (reading)
 *   semaphore               the processes that last operated on it (sempid: of the waited
 *                           semaphore when src/waiting.c could tell which, else of the set).
 *                           Other waiters are not edges: a blocked waiter cannot post until
 *                           it is itself woken, so it would only add false cycles.
 *   child wait              the child, or every live child (of the process group) it waits for
 * Other waits (signals, FIFO opens, accept, "other") have no known unblockers.
 *
 * A deadlock is a set of blocked processes every one of whose unblockers is in the set (no
 * one outside can end any of their waits); each strongly connected part of it with two or
 * more processes is reported as one exact cycle (deadlock_rec), starting at its lowest pid.
 * Stalls (stall_rec) are waits that are stuck but are no such cycle: only the process
 * itself could end it (a writer blocked on a pipe whose only reader is itself), a wait on a
 * channel (pipe, socket, queue) whose every unblocker is itself blocked in IPC elsewhere, a
 * wait on a process that is stuck itself (deadlocked or stalled that way), or a semaphore
 * every user of which is gone. since = when the same stall (or cycle) was first
 * seen, carried over from the previous snapshot.
 */
#ifndef IPCTOP_WAITGRAPH_H
#define IPCTOP_WAITGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "src/snapshot.h"

/* The analysis pass (after src/waiting.c's): appends deadlocks and stalls to cur. */
void waitgraph_pass(struct snapshot *cur, const struct snapshot *prev);

/* The live processes that could end p's wait, sorted, p itself included when it is one.
 * Writes up to cap pids into out and returns how many there are. *known (may be NULL) is
 * false when the wait has no determinable unblockers. s must be sorted. For the UI's arrows. */
size_t waitgraph_unblockers(const struct snapshot *s, const struct proc_rec *p, pid_t *out,
			    size_t cap, bool *known);

#endif
