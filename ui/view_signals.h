/*
 * view_signals.h - the pure parts of the signal matrix (view_signals.c): which mark one cell
 * shows, and which processes a filter keeps. No curses here, so tests call them directly.
 *
 * One cell is one signal of one process (or of one thread whose signal state differs from its
 * process's). Its mark says the most urgent thing about that signal, in this order: pending
 * process-wide (ShdPnd) 'P', pending for the thread only (SigPnd) 'p', blocked 'B', caught by
 * a handler 'C', ignored 'I', else default '.'; '?' when the masks could not be read. A pending
 * signal is usually also blocked (that is why it waits); the line under the matrix gives every
 * set of the selected row in full.
 */
#ifndef IPCTOP_UI_VIEW_SIGNALS_H
#define IPCTOP_UI_VIEW_SIGNALS_H

#include <stdbool.h>
#include <stdint.h>

#include "src/snapshot.h"

enum sigmark {
	SIGMARK_DEFAULT,
	SIGMARK_IGNORED,
	SIGMARK_CAUGHT,
	SIGMARK_BLOCKED,
	SIGMARK_PENDING_THREAD,
	SIGMARK_PENDING_SHARED,
	SIGMARK_UNKNOWN,
};

/* The five sets of one row (signal n = bit n-1). */
struct sigmasks {
	bool known;
	uint64_t pending;	/* the thread's own (SigPnd) */
	uint64_t shared;	/* process-wide (ShdPnd) */
	uint64_t blocked;
	uint64_t ignored;
	uint64_t caught;
};

/* What the matrix keeps. */
enum sigfilter {
	SIGFILTER_ALL,
	SIGFILTER_NONDEFAULT,	/* anything pending, blocked, ignored or caught */
	SIGFILTER_PENDING,	/* something pending (the process or one of its threads) */
	SIGFILTER_COUNT
};

/* The masks of a process row, and of a thread row (a thread shares its process's
 * dispositions; the process-wide pending set is shown on the process row only). */
void view_signals_proc_masks(const struct proc_rec *p, struct sigmasks *m);
void view_signals_thread_masks(const struct proc_rec *p, const struct thread_rec *t,
			       struct sigmasks *m);

enum sigmark view_signals_mark(const struct sigmasks *m, int signo);
/* 'P', 'p', 'B', 'C', 'I', '.', '?' */
char view_signals_mark_char(enum sigmark mark);
/* "pending (process-wide)", "pending (thread)", "blocked", "caught", "ignored", "default",
 * "unknown" */
const char *view_signals_mark_name(enum sigmark mark);

/* Whether a row with masks m passes the filter. comm_filter: a case-insensitive substring
 * of comm, NULL or "" for any. */
bool view_signals_shown(const struct sigmasks *m, const char *comm, enum sigfilter filter,
			const char *comm_filter);
/* "all", "non-default", "pending" */
const char *view_signals_filter_name(enum sigfilter filter);

#endif
