/*
 * history.h - the snapshots the dashboard can go back to ([ ] { } g): the live dashboard's
 * last minutes, kept in memory, or a recording being replayed (issue 17).
 *
 * Both hand out sealed snapshots through the same door as the collector: history_get gives a
 * snapshot reference and its delta, which the UI shows exactly as a live one.
 *
 * Indexes are absolute: the live ring drops its oldest entries (history_first grows), a
 * recording numbers its snapshots from 0 as `replay --at #N` does.
 *
 * Live bound: at most HISTORY_LIVE_SECONDS of snapshots, at most HISTORY_LIVE_MAX of them,
 * and at most HISTORY_LIVE_BYTES of snapshot memory (oldest dropped first).
 */
#ifndef IPCTOP_UI_HISTORY_H
#define IPCTOP_UI_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "src/diff.h"
#include "src/snapshot.h"

#define HISTORY_LIVE_SECONDS 600.0
#define HISTORY_LIVE_MAX 1200
#define HISTORY_LIVE_BYTES ((size_t)256 << 20)

struct history;
struct rec_reader;

struct history *history_new_live(void);
/* Takes ownership of r. */
struct history *history_new_replay(struct rec_reader *r);
void history_free(struct history *h);

/* Live: keeps a reference to s (a snapshot just collected). */
void history_push(struct history *h, struct snapshot *s);

/* [first, end): the snapshots that can be shown. */
size_t history_first(const struct history *h);
size_t history_end(const struct history *h);
double history_time(const struct history *h, size_t i);
/* The recording being replayed, or NULL. */
struct rec_reader *history_reader(struct history *h);

/* Snapshot i (a new reference) and its delta to i-1 (the caller frees it; NULL for the first
 * of a run). NULL with a reason in err when it cannot be had (dropped, damaged). */
struct snapshot *history_get(struct history *h, size_t i, struct snapshot_delta **delta,
			     char *err, size_t len);

/* The snapshot WHEN names (replay_resolve's forms; #N counts from history_first), or -1
 * with a reason in err. */
long history_resolve(const struct history *h, const char *when, char *err, size_t len);

/* Approximate bytes held (live). */
size_t history_bytes(const struct history *h);

#endif
