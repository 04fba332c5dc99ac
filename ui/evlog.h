/*
 * evlog.h - the history behind the event log: signal events and process lifecycle events
 * (started, exec, exited, became a zombie, orphaned) gathered from each new snapshot and kept
 * across snapshots in a bounded ring, the oldest dropped first.
 *
 * Invariants:
 * - An entry copies everything it shows (names, details), so it outlives the snapshots and
 *   the delta it came from.
 * - Every entry gets a sequence number that is never reused: views follow their selection
 *   by it, as they follow objects by id.
 * - Entries of one snapshot are added in time order. Signal events carry their own time (the
 *   trace's, or the snapshot's when inferred); lifecycle events are seen at the first snapshot
 *   after they happened and carry that snapshot's time.
 * - Pure: no curses, no I/O. ui.c feeds it; views only read it.
 */
#ifndef IPCTOP_UI_EVLOG_H
#define IPCTOP_UI_EVLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "src/diff.h"
#include "src/snapshot.h"

/* Entries the dashboard keeps. */
#define EVLOG_CAP 5000

enum evlog_kind {
	EVLOG_SIGNAL,		/* a sig_event of the snapshot */
	EVLOG_START,		/* a new process (fork/clone): other = its parent */
	EVLOG_EXEC,		/* same process, new program: detail "old -> new" */
	EVLOG_EXIT,		/* gone: other = the parent it had */
	EVLOG_ZOMBIE,		/* exited, not yet waited for: other = the parent not reaping it */
	EVLOG_ORPHAN,		/* re-parented: other = the adopter, detail names the first parent */
	EVLOG_KIND_COUNT
};

#define EVLOG_COMM_MAX 32
#define EVLOG_DETAIL_MAX 160

struct evlog_entry {
	uint64_t seq;			/* identity, increasing from 1 */
	double time;			/* epoch seconds */
	enum evlog_kind kind;
	pid_t pid;			/* the target / the process concerned */
	char comm[EVLOG_COMM_MAX];	/* "" unknown */
	pid_t other;			/* sender / parent / adopter; 0 = kernel or unknown */
	char other_comm[EVLOG_COMM_MAX];
	int signo;			/* EVLOG_SIGNAL */
	enum sig_result result;		/* EVLOG_SIGNAL */
	bool inferred;			/* EVLOG_SIGNAL: from pending masks, not the trace */
	bool kthread;			/* the process is a kernel thread */
	char detail[EVLOG_DETAIL_MAX];	/* "" none */
};

struct evlog {
	struct evlog_entry *ring;
	size_t cap;
	size_t head;		/* index of the oldest entry */
	size_t n;
	uint64_t next_seq;
	uint64_t dropped;	/* entries pushed out by the bound since the start */
};

/* cap >= 1 entries (0 is taken as 1). Free with evlog_free (NULL is a no-op). */
struct evlog *evlog_new(size_t cap);
void evlog_free(struct evlog *log);

/* Adds the events of cur: its signal events, and the lifecycle events of delta (the diff to
 * the snapshot before it) plus zombies and orphans that appeared since prev (the snapshot
 * the log saw before cur; NULL for the first, which adds no lifecycle events). delta may be
 * NULL. log may be NULL (no-op). */
void evlog_add(struct evlog *log, const struct snapshot *prev, const struct snapshot *cur,
	       const struct snapshot_delta *delta);

/* Appends a copy of e, giving it the next sequence number (e->seq is ignored); drops the
 * oldest entry when full. Returns the stored entry (valid until the next push). */
const struct evlog_entry *evlog_push(struct evlog *log, const struct evlog_entry *e);

size_t evlog_count(const struct evlog *log);		/* 0 for NULL */
/* The i-th entry, 0 = the oldest kept; NULL when out of range. */
const struct evlog_entry *evlog_get(const struct evlog *log, size_t i);
/* Where the entry with sequence number seq is now; false when it was dropped or never was. */
bool evlog_find(const struct evlog *log, uint64_t seq, size_t *index);

/* "signal", "start", "exec", "exit", "zombie", "orphan". */
const char *evlog_kind_name(enum evlog_kind k);

#endif
