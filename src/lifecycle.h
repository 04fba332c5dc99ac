/*
 * lifecycle.h - zombies, orphans and inferred signal events, from two snapshots (an
 * analysis pass).
 *
 * - Zombies: proc_rec.zombie_since = when a zombie was first seen (carried over while the
 *   same process stays a zombie); zombie_seen_alive says whether an earlier snapshot saw it
 *   alive (then it died within one interval before that time; otherwise the time is only a
 *   lower bound of its age). The parent not reaping it is its ppid.
 * - Orphans: a process whose parent changed since the previous snapshot was re-parented (to
 *   init or a subreaper) because its parent died: orphan = true, original_ppid = the parent
 *   the earlier snapshot saw, kept for as long as the process lives.
 * - Signals, when the live trace is off (source COLLECT_SIG_TRACE_SOURCE not ok): a signal
 *   newly pending (thread or process-wide) becomes an inferred sig_event "blocked"; a pending
 *   signal that disappeared becomes "delivered" (or "ignored" when the process now ignores
 *   it, i.e. it was discarded). Senders are unknown (0). Signals that came and went between
 *   two snapshots are invisible this way.
 */
#ifndef IPCTOP_LIFECYCLE_H
#define IPCTOP_LIFECYCLE_H

#include "src/snapshot.h"

/* The analysis pass (src/sampler.c's table). */
void lifecycle_pass(struct snapshot *cur, const struct snapshot *prev);

#endif
