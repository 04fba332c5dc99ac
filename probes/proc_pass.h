/*
 * proc_pass.h - one parallel walk over the live processes that reads, once per process, the
 * small /proc/<pid> files several probes need, so that the reads spread over the CPUs and
 * overlap with libproc2's own (single-threaded) reading of /proc/<pid>/stat.
 *
 * What one entry holds (each read relative to an O_PATH descriptor of /proc/<pid>, so the pid
 * is looked up once per process, not once per file):
 *   status    always: parsed by proc_status_parse (proc_table's uid, signals, SigQ, Name)
 *   cmdline   unless status says kernel thread or zombie: joined by proc_cmdline_join
 *   wchan     when status says S or D (not kernel threads, not zombies): the raw text, for
 *   syscall   proc_wait, which parses it exactly as if it had read the file itself
 *   schedstat when witnessing (an incremental collector, see proc_cache.h): with status's
 *             context switch counts, the proof that a process has not run since the last
 *             collection; such a quiescent process's cmdline, wchan and syscall are taken
 *             from the cache instead of read (entry.reuse; fds.c and proc_maps.c reuse its
 *             descriptors and mappings the same way)
 * Each read keeps its outcome (0 or -errno), so the consumers report errors exactly as they
 * would have on their own read. A consumer that finds no entry for a pid (a process born
 * after the walk listed /proc) or finds that the entry skipped a file it needs (the state
 * changed between the two reads) reads the file itself: the result is the same data the
 * sequential code would have read, only read earlier.
 *
 * Lifecycle: proc_pass_start() lists <proc> and starts the workers; proc_pass_finish() lends
 * the calling thread to the remaining work and joins them (idempotent); proc_pass_free().
 * Only after finish may entries be looked up. Entries live until proc_pass_free(); those
 * taken from the cache point into it, so the cache must outlive the pass's use.
 */
#ifndef IPCTOP_PROC_PASS_H
#define IPCTOP_PROC_PASS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "probes/proc_cache.h"
#include "probes/proc_status.h"

/* Outcome of one file read: not attempted, or 0 / -errno. */
struct proc_pass_text {
	bool read;		/* attempted */
	int rc;			/* 0 or -errno */
	const char *text;	/* NUL-terminated, the pass's memory; NULL unless rc == 0 */
	size_t len;
};

struct proc_pass_entry {
	pid_t pid;
	bool done;		/* a worker got to this process */
	int status_rc;		/* read: 0 or -errno (-ENOENT/-ESRCH: gone) */
	int status_parse_rc;	/* proc_status_parse's result when status_rc == 0 */
	struct proc_status_fields ss;
	struct proc_pass_text cmdline;	/* joined (NULs -> spaces) */
	struct proc_pass_text wchan;	/* raw */
	struct proc_pass_text syscall;	/* raw */
	struct proc_witness w;		/* quiescence witnesses (valid when witnessing) */
	bool ns_ok;			/* witnessing: NSpgid/NSsid of status, as in stat */
	pid_t nspgid, nssid;
	/* The previous collection's entry of this pid when w proves the process has not run
	 * since (its cmdline/wchan/syscall above came from it where it had them); NULL
	 * otherwise. Consumers must still check the identity: see proc_pass_get(). */
	const struct proc_cache_entry *reuse;
};

struct proc_pass;

/* Starts the walk over the numeric entries of procfd (leaving out pid `self` if non-zero).
 * witness: also read schedstat (for the next collection's cache); cache: the previous
 * collection's (may be NULL; read-only until the pass is freed). cancel (may be NULL): once
 * set, the workers stop at the next process and the entries not read are left empty (the
 * caller must not use them). Returns NULL (nothing started) when <proc> cannot be listed;
 * callers then read alone. */
struct proc_pass *proc_pass_start(int procfd, pid_t self, bool witness, const atomic_bool *cancel,
				  const struct proc_cache *cache);
/* Waits for every process to be done (the caller's thread helps). Safe to call twice. */
void proc_pass_finish(struct proc_pass *pp);
/* The entry of pid after finish, or NULL when the walk did not list it. pp may be NULL. */
const struct proc_pass_entry *proc_pass_find(const struct proc_pass *pp, pid_t pid);
/* As proc_pass_find, for the process with this start time: NULL also when the entry reused a
 * cache entry of another process that had the same pid (the caller then reads alone). */
const struct proc_pass_entry *proc_pass_get(const struct proc_pass *pp, pid_t pid,
					    unsigned long long start_ticks);
/* The cache entry a consumer may reuse for this process (quiescent, same identity), or NULL. */
const struct proc_cache_entry *proc_pass_reuse(const struct proc_pass *pp, pid_t pid,
					       unsigned long long start_ticks);
void proc_pass_free(struct proc_pass *pp);

/* The walk's entries in pid order, after finish (count 0 for NULL). */
size_t proc_pass_count(const struct proc_pass *pp);
const struct proc_pass_entry *proc_pass_at(const struct proc_pass *pp, size_t i);

#endif
