/*
 * filter.h - `--pid`: a view of a snapshot limited to some processes, the objects they use
 * and the peers at the other ends of those objects.
 *
 * Selected processes: the pids asked for (those that exist). Objects they use: shm segments
 * they attach, msg queues whose last sender/receiver they are, sem sets whose last_pids name
 * them, pipes/sockets/POSIX queues they hold, POSIX shm/sems they map, the object they wait on.
 * Peers: every other process named by those objects (holders, attachers, last pids), and a
 * child a selected process waits for. Objects are kept whole (all their endpoints), so a
 * kept object's every pid is a kept process.
 *
 * Every reference stays inside the view: what a kept process waits on is kept too, with the
 * processes at its ends, whose waits are followed the same way (chains of waits only).
 * Errors concern what the view shows: "pid N ..." a kept process, "KIND:ID ..." a kept
 * object; errors about no one object (a source, a whole table) and sources are kept.
 *
 * The result is a new sealed snapshot whose records are shallow copies: strings and arrays
 * point into the original, which the view holds a reference to (snapshot.base), so the caller
 * may unref the original at once.
 */
#ifndef IPCTOP_FILTER_H
#define IPCTOP_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "src/snapshot.h"

/* A new sealed snapshot (one reference, the caller's). s must be sealed. n == 0 keeps
 * nothing but errors and sources. */
struct snapshot *filter_apply(struct snapshot *s, const pid_t *pids, size_t n);

/* `--pid` names that are no process of sysroot (no <sysroot>/proc/PID): writes them to out
 * as "PID[,PID...]" (cut to size) and returns how many; 0 when all exist. */
size_t filter_missing_pids(const char *sysroot, const pid_t *pids, size_t n, char *out,
			   size_t size);

/* Whether a process record names one of the pids (helper for views). */
bool filter_has_pid(const pid_t *pids, size_t n, pid_t pid);

/* Issue 6 (a demo's processes): roots and every process of s descending from one of them
 * (by ppid; s sorted or sealed), sorted, without duplicates, in a new array (*out, the
 * caller frees it; NULL when the count is 0). Roots not in s are kept. Returns the count. */
size_t filter_descendants(const struct snapshot *s, const pid_t *roots, size_t n_roots,
			  pid_t **out);

#endif
