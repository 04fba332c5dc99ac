/*
 * sampler.h - takes sealed snapshots: collect (probes) -> analyse (src/) -> seal.
 *
 * The sampler remembers the previous snapshot so that analyses that need history (an orphan's
 * original parent, how long a process has been stalled) can use it.
 *
 * It is the one part of src/ and ui/ that knows the probes: it turns their source names into
 * the model's typed status (src/snapshot.h: enum snap_source_id, enum snap_source_state),
 * which is all that views and analyses test.
 */
#ifndef IPCTOP_SAMPLER_H
#define IPCTOP_SAMPLER_H

#include "src/collect_opts.h"
#include "src/snapshot.h"

struct sampler;
struct collector;	/* probes/collect.h: for tests and benchmarks only */

/* NULL and *err < 0 (negative errno) when the sysroot cannot be read at all. */
struct sampler *sampler_new(const struct collect_opts *opts, int *err);
void sampler_free(struct sampler *sm);
/* From a fatal-signal handler: removes what the probes leave in the kernel (the tracefs
 * instance) with async-signal-safe calls only; nothing else may run after it. */
void sampler_cleanup_signal_safe(void);
/* Thread-safe: a sampler_take() running on another thread stops at the next process and
 * returns -ECANCELED, as does every later one (collector_cancel); for teardown. */
void sampler_cancel(struct sampler *sm);

/* A new sealed snapshot; the caller owns one reference. Returns 0 or -errno. */
int sampler_take(struct sampler *sm, struct snapshot **out);

/* The collector underneath (for collector_stats(): what the last snapshot reused). */
const struct collector *sampler_collector(const struct sampler *sm);

#endif
