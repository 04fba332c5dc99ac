/*
 * collect_opts.h - what one collection is asked to do: which tree to read, which process to
 * leave out, whether to trace signals. The sampler (src/sampler.h) takes these and hands
 * them to the probes (probes/collect.h); nothing else needs to know the probes.
 */
#ifndef IPCTOP_COLLECT_OPTS_H
#define IPCTOP_COLLECT_OPTS_H

#include <stdbool.h>
#include <sys/types.h>

struct collect_opts {
	const char *sysroot;	/* "/" for the live system */
	pid_t self;		/* leave this pid out of processes (0: include everything) */
	bool trace_signals;	/* try the tracefs signal trace (root only) */
	bool trace_no_sigchld;	/* leave SIGCHLD out of the signal trace (kernel-side filter) */
};

#endif
