/*
 * collect.h - the one entry point through which src/ uses the probes.
 *
 * A collector keeps state between collections (library handles, parsed caches, a trace
 * instance); collector_collect() runs every probe once and returns an unsealed snapshot.
 */
#ifndef IPCTOP_COLLECT_H
#define IPCTOP_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "src/collect_opts.h"
#include "src/snapshot.h"

/* struct collect_opts: src/collect_opts.h (the sampler's callers fill it in) */

/* The source name under which the signal trace reports (the model's SRC_SIG_TRACE). */
#define COLLECT_SIG_TRACE_SOURCE "sig_trace"
/* The source saying how descriptors were read: ok for the BPF iterator (probes/fd_iter.h),
 * otherwise why /proc/<pid>/fd was walked (the model's SRC_FD_ITER). Off loses nothing (the
 * lists are the same): the sampler marks it SOURCE_INFORMATIONAL, never an error. */
#define COLLECT_FD_ITER_SOURCE "fd_iter"
/* The same for mappings: ok when the BPF mappings iterator gave them, otherwise why
 * /proc/<pid>/maps was read (present once the maps were scanned: only when a System V segment
 * or a /dev/shm file needed its mappers). */
#define COLLECT_MAPS_ITER_SOURCE "maps_iter"
/* A source that only says which way the same data was read (never an error or an unknown). */
#define COLLECT_SOURCE_IS_PATH_CHOICE(name) \
	(strcmp((name), COLLECT_FD_ITER_SOURCE) == 0 || strcmp((name), COLLECT_MAPS_ITER_SOURCE) == 0)

struct collector;

/* Returns NULL and sets *err (negative errno) if the sysroot or its proc/ cannot be opened. */
struct collector *collector_new(const struct collect_opts *opts, int *err);
void collector_free(struct collector *c);

/* Runs every probe. *out is a new, unsealed snapshot the caller owns. Returns 0, or -errno
 * when nothing could be collected at all (no proc/); -ECANCELED (and no snapshot) once
 * collector_cancel() was called. */
int collector_collect(struct collector *c, struct snapshot **out);
/* Thread-safe, for the owner that is about to free c while another thread collects: a
 * collection in progress stops at the next process (or probe) and returns -ECANCELED, and so
 * does every later one. collector_free() is still needed (after that thread is done). */
void collector_cancel(struct collector *c);

/* What the last collection reused from the one before (incremental collection,
 * probes/proc_cache.h), for tests and the benchmark. */
struct collect_stats {
	size_t processes;	/* in the last snapshot */
	size_t reused;		/* of those, taken from the cache (they had not run since) */
	size_t cached;		/* kept for the next collection */
};
void collector_stats(const struct collector *c, struct collect_stats *out);
/* Whether the last collection took pid's per-process results from the cache. */
bool collector_reused(const struct collector *c, pid_t pid);

/* Async-signal-safe: releases what must not outlive the process even when it dies abnormally
 * (the signal trace's tracefs instance). For a fatal-signal handler or the out-of-memory
 * hook; the normal path is collector_free(). */
void collector_cleanup_signal_safe(void);

#endif
