/*
 * demo_log.h - what the dashboard knows about the demo it runs, built from the demo's record
 * stream (demos/demo.h) and nothing else: its state and speed, its processes and objects, a
 * short history of its captions, and the object ids the newest caption is about (which the
 * panels highlight). Pure data: no terminal, no kernel, so unit tests feed it records.
 *
 * Invariants: the history holds the newest DEMO_LOG_HISTORY entries, newest first through
 * demo_log_entry(); the highlight ids always belong to the newest caption (none after a
 * restart until the next caption); pids[] is sorted and without duplicates.
 */
#ifndef IPCTOP_UI_DEMO_LOG_H
#define IPCTOP_UI_DEMO_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "demos/caption.h"

#define DEMO_LOG_HISTORY 32	/* captions (and restart marks) kept */
#define DEMO_LOG_HIGHLIGHT 16	/* ids highlighted at most (the caller's pid included) */
#define DEMO_LOG_ROLE_MAX 16	/* a role is a comm: 15 characters */

enum demo_log_entry_kind {
	DEMO_ENTRY_CAPTION,
	DEMO_ENTRY_RESTART,	/* the scenario was torn down and started again */
};

struct demo_log_entry {
	enum demo_log_entry_kind kind;
	uint64_t step;		/* caption: its step number */
	pid_t pid;		/* caption: the process that made the call */
	char role[DEMO_LOG_ROLE_MAX];	/* that process's role when the caption came, "" unknown */
	char objects[CAPTION_LINE_MAX];	/* comma-separated ids, "" none */
	char text[CAPTION_LINE_MAX];
};

struct demo_log_proc {
	pid_t pid;
	pid_t ppid;
	char role[DEMO_LOG_ROLE_MAX];
};

/* What one record changed (demo_log_feed's result, bits). */
enum {
	DEMO_LOG_CHANGED = 1,	/* anything to redraw */
	DEMO_LOG_PIDS = 2,	/* the set of the demo's pids changed (the view filter follows it) */
	DEMO_LOG_ENDED = 4,	/* the demo said it ended ("end") */
};

struct demo_log {
	char name[32];
	bool have_status;	/* a status record came: paused/speed are the demo's */
	bool paused;
	double speed;		/* steps per second; <= 0: full speed */
	pid_t root;		/* the conductor, from "ready" (0 before) */
	bool ready;		/* since the last (re)start */
	unsigned restarts;
	uint64_t last_step;	/* newest caption's step, 0 none yet */
	uint64_t dropped;	/* records the demo lost (full speed) */
	bool ended;
	char end_reason[32];	/* "quit", "signal", "error", ... */
	char error[CAPTION_LINE_MAX];	/* the last "error" record, "" none */

	struct demo_log_proc *procs;	/* sorted by pid */
	size_t n_procs, cap_procs;
	size_t n_objects;		/* "object" records since the last (re)start */

	struct demo_log_entry *hist;	/* ring of DEMO_LOG_HISTORY */
	size_t n_hist;			/* entries kept (<= DEMO_LOG_HISTORY) */
	size_t head;			/* where the next entry goes */

	char hl_buf[CAPTION_LINE_MAX + 32];	/* the newest caption's ids, split in place */
	const char *hl[DEMO_LOG_HIGHLIGHT];
	size_t n_hl;
	char hl_pid[32];			/* "pid:N" of the caller */
};

void demo_log_init(struct demo_log *l, const char *name);
void demo_log_fini(struct demo_log *l);

/* Takes one parsed record; returns DEMO_LOG_* bits. The record's strings are copied. */
unsigned demo_log_feed(struct demo_log *l, const struct caption_rec *rec);

/* The i-th newest history entry (0: the newest), NULL past the end. */
const struct demo_log_entry *demo_log_entry(const struct demo_log *l, size_t i);
/* The newest caption (not a restart mark), NULL before the first. */
const struct demo_log_entry *demo_log_latest(const struct demo_log *l);

/* The role a process announced, NULL if it never did. */
const char *demo_log_role(const struct demo_log *l, pid_t pid);
/* The pids of every process the demo announced, sorted (for the view filter). */
size_t demo_log_pids(const struct demo_log *l, pid_t *out, size_t max);

/* The ids the newest caption is about, its caller's "pid:N" included, no duplicates;
 * valid until the next feed. */
const char *const *demo_log_highlight(const struct demo_log *l, size_t *n);
/* Whether id is one of them. */
bool demo_log_highlighted(const struct demo_log *l, const char *id);

/* Splits a comma-separated id list in place into at most max ids (empty items skipped,
 * surrounding spaces dropped); returns the count. */
size_t demo_log_split_ids(char *list, const char **ids, size_t max);

/* "running", "paused", "starting" (no status yet), "ended" / "failed" (after "end"). */
const char *demo_log_state(const struct demo_log *l);
/* "1 step/s", "0.5 steps/s", "full speed" into buf. */
const char *demo_log_speed(double speed, char *buf, size_t len);

#endif
