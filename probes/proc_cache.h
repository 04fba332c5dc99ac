/*
 * proc_cache.h - what one collection keeps for the next (incremental collection, issue 7).
 *
 * Most of what ipctop reads about a process can only change while that process runs: its
 * command line (exec, or it rewrites its own argv), the kernel function and system call it
 * sleeps in (wchan, syscall), its descriptor table, its I/O counters and its mappings. So a
 * process that has provably not run since the last collection needs none of those files read
 * again. What is kept per process, and the proof required to use it:
 *
 *   identity  pid + start_ticks (checked by the consumers against this collection's stat
 *             where they have it: a reused pid is a different process and is read in full)
 *   witness   from /proc/<pid>/status, read every time anyway: State, Threads,
 *             voluntary_ctxt_switches, nonvoluntary_ctxt_switches; and /proc/<pid>/schedstat
 *             (ns on CPU, ns waiting, times switched in). The process is *quiescent* when it
 *             has one thread in both collections, was not R (on or wanting a CPU) in either,
 *             and all five counters are unchanged: it was never switched in (the third
 *             schedstat field counts arrivals on a CPU), never switched out (the two status
 *             counters; a switch-out also adds to the first field, so a task caught on its
 *             way to sleep at one collection cannot look unchanged at the next), and did not
 *             sit on a CPU across a scheduler tick (the first field again). Only a task that
 *             stayed on its CPU for the whole interval without a tick (nohz_full CPUs) while
 *             showing S or D at both reads could pass unseen.
 *   kept      cmdline, the raw wchan and syscall texts, the descriptor list with io
 *             rchar/wchar, and the IPC mappings, each only when it was read without any
 *             error for that process in that collection. Kernel threads are kept for their
 *             witness and start time only.
 *
 * Why each kept value is valid for a quiescent process, and the limits:
 *   wchan, syscall, io   the task's own kernel state and counters: exact, with one catch
 *                        found by the test: wchan also reads "0" for a task that sleeps but
 *                        is still queued (delayed dequeue, Linux 6.12+), which ends without
 *                        the task running; so wait texts are only kept when wchan named a
 *                        function and syscall was not "running" (the task was fully asleep).
 *   descriptors          the table changes only through its own system calls, or those of a
 *                        task sharing it (threads: excluded by Threads 1; clone(CLONE_FILES)
 *                        without CLONE_THREAD is not detectable and not handled); each entry
 *                        keeps its object and mode. What others can change while the holder
 *                        sleeps is read again by fds.c: a FIFO's or queue's path (rename,
 *                        unlink: one readlink), an eventfd's counter and a signalfd's mask
 *                        (fdinfo).
 *   pipe fill            data moves through a pipe only by its holders' system calls, so a
 *                        pipe whose every end is kept (all its holders quiescent) and that
 *                        had exactly as many ends then holds what it held (pipes.c keeps the
 *                        fill; any other pipe is measured). Not detected: a process that
 *                        opened /proc/<pid>/fd/N or used pidfd_getfd on an end, moved data
 *                        and closed it between two collections (it needs ptrace rights over
 *                        a holder), and the kernel posting into a notification pipe.
 *   cmdline, mappings    the task's own memory and address space; a debugger writing into it
 *                        (ptrace, process_vm_writev, /proc/<pid>/mem) or a vfork child sharing
 *                        it is not detected.
 *   stat                 of a quiescent process only the start time and flags (kept) are
 *                        not also in status: proc_table takes parent, group, session
 *                        (NSpgid, NSsid), state and threads from this collection's status
 *                        and asks libproc2 only for the other processes. Such a process's
 *                        identity then rests on its witness: a new process with the same
 *                        pid would have to match five counters, three of them nanosecond
 *                        and switch counts, to be mistaken for it.
 * Everything else (status, the channels' fill levels that may have moved, sockets, System V
 * and POSIX objects) is read in every collection. The first collection of a collector reads no
 * schedstat and keeps nothing, so --once pays nothing for this; the second keeps what the
 * third may reuse. Only on the live system (a --sysroot tree has no scheduler).
 * tests/unit/test_incremental.c shows that a warm collector's snapshot equals a fresh one.
 */
#ifndef IPCTOP_PROC_CACHE_H
#define IPCTOP_PROC_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "probes/probe.h"

/* The quiescence witnesses of one process at one collection. */
struct proc_witness {
	bool valid;		/* every field below was read */
	char state;
	long threads;
	uint64_t nvcsw, nivcsw;
	uint64_t run_ns, wait_ns, slices;
};

/* The fill of the pipe or FIFO a kept descriptor is on, as that collection read it. */
struct proc_cache_fill {
	bool valid;		/* read without error */
	int64_t queued, capacity;
	size_t n_ends;		/* the descriptors on it then, in every process */
};

struct proc_cache_entry {
	pid_t pid;
	unsigned long long start_ticks;
	bool kthread;			/* kept for its stat fields only (nothing else) */
	unsigned long long stack_start;	/* proc_rec.stack_start: a quiescent process did not exec */
	struct proc_witness w;
	bool have_cmdline;
	const char *cmdline;		/* joined, as proc_rec.cmdline */
	bool have_wait;			/* the raw texts of wchan and syscall */
	const char *wchan, *syscall;
	size_t wchan_len, syscall_len;
	bool have_fds;			/* fds[] (pid, fd, type, dev, inode, mode...), io */
	struct fd_entry *fds;		/* sorted by fd */
	struct proc_cache_fill *fills;	/* per fds[i]: its pipe's fill (pipes and FIFOs) */
	size_t n_fds;
	int64_t io_rchar, io_wchar;
	bool have_maps;
	struct map_entry *maps;
	size_t n_maps;
};

struct proc_cache;

struct proc_cache *proc_cache_new(void);
void proc_cache_free(struct proc_cache *c);

/* The entry of pid, or NULL. c may be NULL. */
const struct proc_cache_entry *proc_cache_find(const struct proc_cache *c, pid_t pid);

/* True when w proves that the process of prev has not run since prev was taken. */
bool proc_cache_quiescent(const struct proc_cache_entry *prev, const struct proc_witness *w);

/* Parses the text of /proc/<pid>/schedstat into w (run_ns, wait_ns, slices). */
bool proc_cache_parse_schedstat(const char *buf, size_t len, struct proc_witness *w);
/* Parses voluntary_ctxt_switches / nonvoluntary_ctxt_switches from a status text. */
bool proc_cache_parse_switches(const char *buf, size_t len, struct proc_witness *w);
/* Parses the first values of NSpgid and NSsid (the ids in /proc's pid namespace, as stat
 * shows them) from a status text. */
bool proc_cache_parse_nsids(const char *buf, size_t len, pid_t *pgid, pid_t *sid);

/*
 * Replaces the cache's contents with what the collection in ctx found: for each process of
 * ctx->snap with a valid witness (from ctx->pass) and no error recorded for it, its cmdline,
 * wait texts, descriptors (when clean) and mappings (when scanned). Call after every probe
 * ran, before the scratch tables are freed.
 */
void proc_cache_update(struct proc_cache *c, const struct probe_ctx *ctx);

/* For statistics and tests: entries kept, and how many of the last collection's processes
 * reused an entry. */
size_t proc_cache_size(const struct proc_cache *c);

#endif
