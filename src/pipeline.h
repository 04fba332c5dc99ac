/*
 * pipeline.h - the way from the machine to what is shown: sample -> filter -> diff.
 *
 * One pipeline owns a sampler and the last view it produced. pipeline_take() takes a sealed
 * snapshot and limits it to the --pid sets (pids, plus roots with every descendant of theirs
 * in that snapshot); pipeline_diff() gives the delta of a view to the previous one and makes
 * it the previous. Shared by the dashboard's collector thread (src/collector_thread.h, which
 * may drop a view taken under sets no longer wanted between the two) and --once/--batch
 * (src/output.c). Not thread-safe: one thread uses a pipeline.
 */
#ifndef IPCTOP_PIPELINE_H
#define IPCTOP_PIPELINE_H

#include <stddef.h>
#include <sys/types.h>

#include "src/diff.h"
#include "src/sampler.h"
#include "src/snapshot.h"

struct pipeline;

/* Takes ownership of sm (freed by pipeline_free). */
struct pipeline *pipeline_new(struct sampler *sm);
void pipeline_free(struct pipeline *p);

/* A new view: a sealed snapshot limited to pids plus roots and their descendants (all of it
 * when both are empty); the caller owns the reference. Returns 0, or sampler_take's -errno. */
int pipeline_take(struct pipeline *p, const pid_t *pids, size_t n_pids, const pid_t *roots,
		  size_t n_roots, struct snapshot **view);

/* The delta of view to the previous view (NULL for the first, and when the sets changed
 * since: gen differs from the previous view's, so what left the view is not said to have
 * exited); view becomes the previous (the pipeline takes its own reference). The caller
 * frees the delta with snapshot_delta_free. */
struct snapshot_delta *pipeline_diff(struct pipeline *p, struct snapshot *view, unsigned gen);

#endif
