/*
 * diff.h - what changed between two sealed snapshots: rates and events.
 *
 * snapshot_diff() is a pure function of (prev, cur): no clock, no I/O. It returns a delta the
 * caller frees with snapshot_delta_free(); the delta's strings live in its own arena and never
 * point into either snapshot, so it may outlive them.
 *
 * Rates are generic records keyed by object id ("msg:5", "pipe:123", ...), sorted by id, so
 * each kind of channel adds its own rate function to the table in diff.c and every consumer
 * (JSON, text, UI) finds them with snapshot_delta_rate().
 *
 * Events, in this order: processes exited, processes started, exec and zombie; objects
 * removed, objects created; detach, attach. A process's identity is pid + start_ticks: a
 * reused pid is an exit followed by a start. Process events come only from evidence, named
 * in delta_event.evidence: exit = the pid is gone or names another process; start = a pid not
 * there before or naming another process; exec = the program image changed (stack_start
 * moved; a rewritten argv, a renamed thread or a zombie's emptied cmdline are not one);
 * zombie = the state became Z. Views made by --pid (snapshot.base) are compared through their
 * whole snapshots: a process leaving or entering the view has not exited or started.
 */
#ifndef IPCTOP_DIFF_H
#define IPCTOP_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "src/arena.h"
#include "src/snapshot.h"

/*
 * What is known of one channel's traffic over the interval. Nothing here is estimated:
 *  - throughput (bytes_per_s, messages_per_s): what went through the channel, only where it was
 *    counted (exact true); otherwise NaN, and why says why not;
 *  - fill change (fill_bytes_per_s, fill_messages_per_s): the net change of what is queued in
 *    the channel per second (positive: filling, negative: draining), exact where the fill is
 *    known in both snapshots, NaN otherwise. It is not throughput: a channel carrying a steady
 *    stream that is read as fast as it is written shows 0.
 *  - sent / received: evidence that a send / a receive happened in the interval (a queue's
 *    last send or receive time moved, or the fill grew / shrank).
 */
struct delta_rate {
	const char *id;		/* object id, CONTRACT.md form */
	double bytes_per_s;	/* throughput: exact or NaN */
	double messages_per_s;
	bool exact;		/* the throughput was counted */
	const char *why;	/* static: why the throughput is NaN (NULL when exact) */
	double fill_bytes_per_s;	/* net change of what is queued: exact or NaN */
	double fill_messages_per_s;	/* queues only; NaN for the others */
	bool sent;
	bool received;
};

/* Why a channel's throughput is unknown, per kind (JSON "reason", dashboard detail). */
#define DELTA_WHY_NOT_COUNTED \
	"not counted: the kernel keeps no per-channel byte count that ipctop can read"
#define DELTA_WHY_LISTENER "a listening socket carries no data"

enum delta_event_kind {
	DEV_PROCESS_EXITED,
	DEV_PROCESS_STARTED,
	DEV_EXEC,		/* same process, new program image (stack_start changed) */
	DEV_OBJECT_REMOVED,
	DEV_OBJECT_CREATED,
	DEV_DETACH,		/* pid left an object (shm attached_pids, ...) */
	DEV_ATTACH,		/* pid joined an object */
	DEV_PROCESS_ZOMBIE,	/* same process, state now Z: exited, not yet reaped */
	DEV_KIND_COUNT
};

struct delta_event {
	enum delta_event_kind kind;
	const char *object;	/* object id: "shm:5", "pipe:123", "pid:77" for process events */
	pid_t pid;		/* the process concerned (0 for object created/removed) */
	const char *detail;	/* comm, "old -> new" for exec, or NULL */
	const char *evidence;	/* what shows it happened (CONTRACT.md "events"), or NULL */
};

struct snapshot_delta {
	double interval;	/* cur->time - prev->time, seconds */
	struct delta_rate *rates;	/* sorted by id */
	size_t n_rates, cap_rates;
	struct delta_event *events;
	size_t n_events, cap_events;
	struct arena arena;
};

/* Both snapshots sealed (sorted). prev may be NULL: an empty delta (no rates, no events). */
struct snapshot_delta *snapshot_diff(const struct snapshot *prev, const struct snapshot *cur);
void snapshot_delta_free(struct snapshot_delta *d);

/* The rate of one object, or NULL (none measured). d may be NULL. */
const struct delta_rate *snapshot_delta_rate(const struct snapshot_delta *d, const char *id);

/* "process_exited", "process_started", "exec", "process_zombie", "object_removed",
 * "object_created", "detached", "attached". */
const char *delta_event_kind_name(enum delta_event_kind k);

/* Builders, used by the rate functions in diff.c (and tests): a zeroed record, NaN rates.
 * The id/strings are copied into the delta's arena. */
struct delta_rate *snapshot_delta_add_rate(struct snapshot_delta *d, const char *id);
void snapshot_delta_add_event(struct snapshot_delta *d, enum delta_event_kind kind,
			      const char *object, pid_t pid, const char *detail);
/* The same, with its evidence (copied); returns the event (valid until the next add). */
struct delta_event *snapshot_delta_add_event_ev(struct snapshot_delta *d,
						enum delta_event_kind kind, const char *object,
						pid_t pid, const char *detail, const char *evidence);

#endif
