/*
 * view.h - what every screen of the dashboard is made of: frames, views and panel tables.
 *
 * Three layers, each a small table of functions or data, so later work plugs in by adding an
 * entry rather than changing the loop:
 *
 * 1. struct ui_frame: everything a view may read while drawing - the newest sealed snapshot,
 *    the delta to the previous one (rates, events) and the user's settings. Views never read
 *    the kernel; the collector thread builds snapshots and deltas elsewhere.
 *
 * 2. struct view / struct view_ops: a screen (the panel dashboard, a detail page, the help
 *    page; later a topology map, a signal matrix, a demo menu). ui.c keeps a stack of them:
 *    the top one gets the keys and the area between the header and the status line; Esc pops
 *    it. update() runs once per new snapshot (rebuild rows, find the selection again by
 *    identity); draw() only paints; key() returns a ui_cmd telling the loop what to do next.
 *
 * 3. struct panel_def: one table on the dashboard (processes, message queues, ...). It names
 *    a format.h table (rows, object ids, shared cells) and which of its columns to show, plus
 *    UI-only columns (gauges, "pid comm", tree indentation), the row colour, and a detail()
 *    function that fills a page with every field of one record. The dashboard and the detail
 *    view find panels in ui_panels[] (view_dash.c): a new panel is one entry there.
 *
 * Names: ui_* are UI-wide (the panel registry in view_dash.c, helpers in view_util.c);
 * everything else carries its file's prefix (panel_*, page_*, term_*, view_msgq_panel...).
 *
 * Identity: a selection is an object id as format.h builds it ("pid:12", "msg:5", ...),
 * never a row number or a pointer, so it survives refreshes, re-sorting and filtering.
 */
#ifndef IPCTOP_UI_VIEW_H
#define IPCTOP_UI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <curses.h>
#include <sys/types.h>

#include "src/diff.h"
#include "src/format.h"
#include "src/options.h"
#include "src/snapshot.h"
#include "ui/term.h"

struct evlog;
struct page;
struct panel;

/* ---- frames -------------------------------------------------------------------------------- */

/* What the user can change while the dashboard runs. */
struct ui_settings {
	const struct options *opts;
	bool show_kthreads;		/* K: kernel threads in the process tree */
	double delay;			/* seconds between snapshots */
	bool flat;			/* F5: processes as a flat list by pid, not a tree */
	pid_t follow;			/* f: the process kept selected and centred (0 none) */
};

struct ui_frame {
	const struct snapshot *snap;		/* newest sealed snapshot; NULL until the first */
	const struct snapshot_delta *delta;	/* vs. the previous one; NULL for the first */
	const struct ui_settings *set;
	int collect_error;			/* last collection failure (negative errno) or 0 */
	const struct evlog *log;		/* events kept across snapshots (ui/evlog.h); may be NULL */
	double now;				/* animation clock (monotonic seconds); still while paused */
	bool paused;				/* space: the displayed snapshot is frozen */
	/* Issue 6: object ids ("pipe:12", "msg:3", "pid:7") the running demo's newest caption is
	 * about; views mark them (ROLE_DEMO), see ui_highlighted(). NULL / 0: none. */
	const char *const *highlight;
	size_t n_highlight;
};

/* Whether the object id is one the frame highlights (a demo caption names it). */
static inline bool ui_highlighted(const struct ui_frame *f, const char *id)
{
	for (size_t i = 0; f->highlight && i < f->n_highlight; i++)
		if (strcmp(f->highlight[i], id) == 0)
			return true;
	return false;
}

/* The fmt_ctx the shared cells need for this frame. */
static inline struct fmt_ctx ui_frame_fmt(const struct ui_frame *f)
{
	struct fmt_ctx c = { f->snap, f->delta };

	return c;
}

/* The identity of one object (format.h's object id) and which table it belongs to. */
struct ui_obj {
	enum fmt_kind kind;
	char id[FMT_ID_MAX];
};

struct ui_rect {
	int y, x, h, w;
};

/* ---- views --------------------------------------------------------------------------------- */

enum ui_cmd_kind {
	CMD_UNHANDLED,		/* the view did not use the key: the loop's global keys apply */
	CMD_HANDLED,		/* used; redraw */
	CMD_OPEN,		/* push the detail page of cmd.obj */
	CMD_BACK,		/* pop this view */
	CMD_QUIT,
	CMD_HELP,		/* push the help page */
	CMD_ERRORS,		/* push the page of every error and source */
	CMD_SETTINGS,		/* a setting changed: every view updates, then redraw */
	CMD_PUSH,		/* push cmd.view, which the view that asked has made */
};

struct ui_cmd {
	enum ui_cmd_kind kind;
	struct ui_obj obj;	/* CMD_OPEN */
	struct view *view;	/* CMD_PUSH: the loop owns it from here on */
};

struct view;

struct view_ops {
	const char *name;
	/* A new snapshot (or new settings): rebuild and re-find the selection by identity. */
	void (*update)(struct view *v, const struct ui_frame *f);
	/* Paint into r of w. No I/O, no allocation that outlives the call. */
	void (*draw)(struct view *v, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r);
	struct ui_cmd (*key)(struct view *v, const struct ui_frame *f, int key);
	/* Short key hints for the status line ("Enter details  Tab next panel"). */
	const char *(*hints)(const struct view *v);
	void (*free)(struct view *v);
	/* The process the user has selected, for actions (k / F9 sends it a signal); NULL or
	 * false: none. */
	bool (*selected_pid)(const struct view *v, const struct ui_frame *f, pid_t *pid);

	/* Issue 5, each optional (NULL: the view has none). */
	/* The selected object of any kind (x removes a System V or POSIX object). */
	bool (*selected_obj)(const struct view *v, const struct ui_frame *f, struct ui_obj *obj);
	/* F3, /, n, N: select the next row or node matching text (ui/search.h) after the
	 * selection (dir +1) or before it (-1), wrapping; here: the selection itself may match
	 * (while the text is typed). False, and nothing changes, when nothing matches. */
	bool (*search)(struct view *v, const struct ui_frame *f, const char *text, int dir,
		       bool here);
	/* F4: show only what matches text ("" everything) until it is changed. */
	void (*set_filter)(struct view *v, const struct ui_frame *f, const char *text);
	/* A mouse button (bstate, ncurses' bits) at screen cell (y, x) in the view's area. */
	struct ui_cmd (*mouse)(struct view *v, const struct ui_frame *f, int y, int x,
			       mmask_t bstate);
	/* Milliseconds until the view wants another frame though nothing changed (animation),
	 * or -1. Asked of the top view only. */
	int (*frame_ms)(const struct view *v, const struct ui_frame *f);
};

/* Embedded as the first member of each view's own struct. */
struct view {
	const struct view_ops *ops;
};

/* The dashboard of panels (view_dash.c). */
struct view *view_dash_new(void);
/* Every field of one object, following it across refreshes (view_detail.c). */
struct view *view_detail_new(const struct ui_obj *obj);
/* Every error and every source of the current snapshot (view_detail.c). */
struct view *view_errors_new(void);
/* Keys, layout and what each panel shows (view_help.c). */
struct view *view_help_new(void);
/* The topology map (view_topo.c), first selecting sel when not NULL. */
struct view *view_topo_new(const struct ui_obj *sel);
/* Confirms and removes one System V or POSIX object (remove.c); NULL when obj's kind cannot
 * be removed. */
struct view *view_remove_new(const struct ui_obj *obj, const struct ui_frame *f);

/* Signals and blocking (issue 4). The signal matrix: processes x signals (view_signals.c). */
struct view *view_signals_new(void);
/* The event log: signals, fork/exec/exit, zombies, orphans, from f->log (view_events.c). */
struct view *view_events_new(void);
/* Deadlock cycles and stalls (view_deadlock.c). */
struct view *view_deadlock_new(void);
/* Picks a signal and, after a y/N confirmation, sends it to pid (view_kill.c). */
struct view *view_kill_new(pid_t pid, const struct ui_frame *f);
/* The red alert line when f->snap has deadlocks: drawn across width at (y, x); false (and
 * nothing drawn) when there are none (view_deadlock.c). */
bool view_deadlock_banner(const struct ui_frame *f, WINDOW *w, int y, int x, int width);

/* ---- panels -------------------------------------------------------------------------------- */

enum panel_col_type {
	PCOL_FMT,		/* a column of the panel's format.h table, found by title */
	PCOL_TEXT,		/* cell() below */
	PCOL_BAR,		/* a gauge: fraction() below, with cell() as its label if set */
};

struct panel_col {
	enum panel_col_type type;
	const char *title;	/* PCOL_FMT: the format.h column's title; else the heading */
	int width;		/* columns, 0 = share the rest of the line; for PCOL_FMT
				 * 0 = the format.h column's width, > 0 overrides it */
	int min;		/* a shared (width 0) column's minimum; 0 = 8 */
	enum fmt_align align;	/* PCOL_TEXT */
	int drop;		/* 0 always shown; when narrow the highest is dropped first */
	bool tree;		/* prefix the cell with the row's tree indentation */
	/* Numbers shown whole: the column widens to its widest cell (up to PANEL_FIT_MAX), and a
	 * list that still does not fit is cut between items ("1,2,+3"), never inside a number. */
	bool fit;
	const char *(*cell)(const struct ui_frame *f, const void *rec, char *buf, size_t len);
	double (*fraction)(const struct ui_frame *f, const void *rec);	/* 0..1, < 0 unknown */
};

struct panel_def {
	enum fmt_kind kind;		/* the format.h table: rows, ids, shared cells, title */
	const char *short_title;	/* for narrow title bars ("Queues") */
	const struct panel_col *cols;
	size_t n_cols;
	/* Adds the rows in display order (panel_add_row); NULL: every table row in order. */
	void (*build)(struct panel *p, const struct ui_frame *f);
	/* Row colour; NULL: ROLE_NORMAL. */
	enum ui_role (*row_role)(const struct ui_frame *f, const void *rec);
	/* Every field of rec, for the detail page. */
	void (*detail)(struct page *pg, const struct ui_frame *f, const void *rec);
	/* Shown when the table is empty ("no System V message queues"). */
	const char *empty;
	/* A paragraph for the help page: what the panel shows and what its marks mean. */
	const char *help;
};

/* The dashboard's panels, in screen order, NULL-terminated (view_dash.c). */
extern const struct panel_def *const ui_panels[];
/* The panel showing records of kind, or NULL. */
const struct panel_def *ui_panel_for_kind(enum fmt_kind kind);

extern const struct panel_def view_procs_panel;
extern const struct panel_def view_msgq_panel;
extern const struct panel_def view_shm_panel;
extern const struct panel_def view_sem_panel;
/* Issue 3: who talks to whom (view_pipes.c, view_sockets.c, view_posix.c). */
extern const struct panel_def view_pipes_panel;
extern const struct panel_def view_sockets_panel;
extern const struct panel_def view_pmq_panel;
extern const struct panel_def view_pshm_panel;
extern const struct panel_def view_psem_panel;

/* ---- helpers shared by views (view_util.c) ---------------------------------------------- */

/* The record of kind whose object id is id in s, or NULL (linear; for one lookup per frame). */
const void *ui_find_record(const struct snapshot *s, enum fmt_kind kind, const char *id);
/* "1234 comm" for a pid of s ("1234 ?" when the process is not in s; "-" for pid 0). */
const char *ui_pid_comm(const struct snapshot *s, pid_t pid, char *buf, size_t len);
/* Whether a snapshot error's `where` names the object id (as "msg:5" or "msg 5", or
 * "pid 12" for "pid:12"). */
bool ui_error_about(const char *where, const char *id);
/* An epoch time for a detail page: "14:03:12 (2m05s ago)", "never" for 0, "?" unknown. */
const char *ui_time(int64_t t, double now, char *buf, size_t len);
/* The key, permission and owner fields every System V object has. */
void ui_page_sysv_perm(struct page *pg, const struct sysv_perm *perm);
/* "pid comm" lines for a list of pids under label. */
void ui_page_pids(struct page *pg, const struct snapshot *s, const char *label,
		  const pid_t *pids, size_t n);

#endif
