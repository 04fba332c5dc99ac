/*
 * anim.h - what moves on the topology map between two snapshots: gauges that fill and drain,
 * semaphore tokens taken and returned, signals flying from sender to target, nodes that
 * appear and fade, and packets travelling along channels at a speed following their rate.
 *
 * Pure state and arithmetic on a clock the caller passes in (seconds; the UI's frame clock,
 * which stands still while paused): no ncurses, no I/O, no clock of its own. view_topo.c
 * feeds it each new snapshot (anim_snapshot) and asks it, frame by frame, where things are.
 *
 * Invariants: everything anim keeps is its own copy (ids, labels), so it may outlive the
 * snapshots it saw; a snapshot fed twice (same time) changes nothing.
 */
#ifndef IPCTOP_UI_ANIM_H
#define IPCTOP_UI_ANIM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "src/snapshot.h"
#include "ui/topo_layout.h"

/* How long transitions take, in seconds. */
#define ANIM_FADE 1.5		/* a node appearing or fading away */
#define ANIM_FLIGHT 0.9		/* a signal crossing from sender to target */
#define ANIM_TOKEN 0.8		/* a semaphore token taken or returned */

struct anim;

/* A node that was on the map and is gone: drawn fading where it was. */
struct anim_ghost {
	char *id;
	enum topo_kind kind;
	char *label;		/* what its box said ("1234 comm", "msg:5") */
	double since;		/* when it vanished */
};

/* A signal on its way: from sender's node to target's. */
struct anim_flight {
	pid_t sender, target;	/* sender 0: the kernel or unknown (starts at the target) */
	int signo;
	double start;		/* staggered over the interval so a burst reads as a stream */
};

struct anim *anim_new(void);
void anim_free(struct anim *a);

/*
 * A new snapshot (graph g built from it) is displayed from time now; interval is the time
 * to the next one (transitions are spread over it). Records births and deaths of nodes
 * (none for the first snapshot), new gauge targets, semaphore value changes and the
 * snapshot's signal events. Does nothing when s is the snapshot fed last (same time).
 */
void anim_snapshot(struct anim *a, const struct topo_graph *g, const struct snapshot *s,
		   double now, double interval);

/* The displayed fill (0..1) of gauge id at now, moving towards target (its value in the
 * current snapshot; < 0 unknown, returned as is). */
double anim_gauge(const struct anim *a, const char *id, double target, double now);

/* 0..1: how far node id has appeared at now (1 when it is fully in, or was on the map
 * from the first snapshot). */
double anim_birth(const struct anim *a, const char *id, double now);

/* The ghosts still fading at now (older ones are dropped). */
const struct anim_ghost *anim_ghosts(struct anim *a, double now, size_t *n);

/* The flights in the air at now: *n of them (finished ones are dropped). */
const struct anim_flight *anim_flights(struct anim *a, double now, size_t *n);

/* Semaphore semnum of set id changed from *from to its current value at *since; false when
 * it has not changed within ANIM_TOKEN of now. */
bool anim_token_change(const struct anim *a, const char *id, int semnum, double now,
		       int64_t *from, double *since);

/*
 * Packets on a channel moving rate bytes/s (NaN or <= 0: nothing moves): the position of
 * the first packet, in cells along the path, in [0, spacing). The speed grows with the
 * logarithm of the rate (2 to 24 cells/s); seed spreads channels apart.
 */
bool anim_packet_offset(double rate, double now, const char *seed, int spacing, double *offset);

/* Cells per second a packet moves at rate (0 when nothing moves). */
double anim_packet_speed(double rate);

#endif
