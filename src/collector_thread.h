/*
 * collector_thread.h - collection on its own thread, so the interface never waits for a scan.
 *
 * A worker thread calls sampler_take() every `delay` seconds (measured from the start of one
 * scan to the start of the next) and leaves the newest sealed snapshot in a one-slot mailbox,
 * then makes collector_thread_fd() readable. The UI thread polls that fd and takes the
 * snapshot; a snapshot the UI did not take in time is replaced by the newer one (the UI only
 * ever wants the latest). Snapshots are reference-counted atomically, so handing one across
 * threads needs no copy.
 *
 * The worker also does the per-snapshot work that is not drawing: the --pid filter
 * (src/filter.h) and the delta to the previous snapshot (src/diff.h, rates and events), through
 * the pipeline --once/--batch use too (src/pipeline.h), so the UI thread only ever paints.
 * No ncurses here: the dashboard (ui/ui.c) polls the fd.
 */
#ifndef IPCTOP_COLLECTOR_THREAD_H
#define IPCTOP_COLLECTOR_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "src/diff.h"
#include "src/sampler.h"
#include "src/snapshot.h"

struct collector_thread;

/* Starts the worker; it owns sm from here on (freed by collector_thread_free). pids (copied)
 * limits every snapshot as --pid does; n_pids 0: no filter. The worker blocks every signal,
 * so they reach the UI thread. Returns NULL with *err = -errno if the thread cannot start
 * (sm is then freed too). */
struct collector_thread *collector_thread_new(struct sampler *sm, double delay,
					      const pid_t *pids, size_t n_pids, int *err);
/* Stops the worker (a scan in progress is cancelled: it stops at the next process, see
 * sampler_cancel) and frees everything. */
void collector_thread_free(struct collector_thread *ct);

/* Readable when a new snapshot (or a collection error) is waiting. */
int collector_thread_fd(const struct collector_thread *ct);

/* The newest snapshot not yet taken (the caller owns the reference), or NULL; *delta gets
 * its delta to the snapshot collected before it (NULL for the first; the caller frees it
 * with snapshot_delta_free). *err is set to the last collection error (negative errno, 0
 * none) in either case. Drains the fd. */
struct snapshot *collector_thread_take(struct collector_thread *ct,
				       struct snapshot_delta **delta, int *err);

/* Changes the interval (seconds, clamped to [0.1, 3600]); takes effect at once. */
void collector_thread_set_delay(struct collector_thread *ct, double delay);
double collector_thread_delay(struct collector_thread *ct);
/* Issue 6: replaces the --pid sets: pids as --pid, roots with every descendant of theirs
 * in each snapshot (a demo's conductor); both empty: no filter. Both are copied. restart:
 * the view changed, so a scan under the old sets is dropped (and no delta or events span
 * the change) and the next one starts at once; otherwise the next scan uses the new sets. */
void collector_thread_set_pids(struct collector_thread *ct, const pid_t *pids, size_t n_pids,
			       const pid_t *roots, size_t n_roots, bool restart);
/* Starts the next scan now instead of waiting for the interval. */
void collector_thread_refresh(struct collector_thread *ct);
/* True while a scan is running (for a "collecting" mark). */
bool collector_thread_busy(struct collector_thread *ct);

#endif
