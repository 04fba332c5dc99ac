/*
 * demo_ui.h - the dashboard's side of a running demo (issue 6): it starts and steers
 * `ipctop demo run NAME --control 0` through demos/demo_session.h, keeps what the record
 * stream says in a demo_log, narrows the collector's view to the demo's processes (its
 * conductor and every descendant, plus the processes it announces), and draws the demo
 * pane: the demo's state and speed, the newest caption highlighted and a short history.
 * The demo menu (view_demo_new) lists every demo and has the controls.
 *
 * Invariants: at most one demo runs; start and stop happen on the main thread (the demo's
 * conductor dies with the thread that forked it); a stopped demo has been reaped and has
 * removed what it made (demo_session_stop). After a demo ends the pane keeps its last state
 * until the menu closes it or starts another. Nothing here reads /proc or makes IPC calls.
 */
#ifndef IPCTOP_UI_DEMO_UI_H
#define IPCTOP_UI_DEMO_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "src/options.h"
#include "src/collector_thread.h"
#include "ui/demo_log.h"
#include "ui/view.h"

struct demo_ui;

/* The controller for the dashboard with options opts (its --pid set is kept whenever no
 * demo narrows the view). ct may be NULL until demo_ui_attach. */
struct demo_ui *demo_ui_new(const struct options *opts);
/* Stops a running demo (waiting for its cleanup) and frees everything. NULL: no-op. */
void demo_ui_free(struct demo_ui *dm);
/* The collector whose pid sets follow the demo (set at once). */
void demo_ui_attach(struct demo_ui *dm, struct collector_thread *ct);

/* Starts demo name (stopping a running one first). Returns 0, or -errno / -EINVAL (no such
 * demo) with a one-line reason in err. */
int demo_ui_start(struct demo_ui *dm, const char *name, char *err, size_t len);
/* Stops the running demo and closes the pane. */
void demo_ui_stop(struct demo_ui *dm);
/* Sends one control byte (demos/demo.h). Returns 0 or -errno (-ESRCH: no demo runs). */
int demo_ui_control(struct demo_ui *dm, char cmd);

/* The record stream's fd to poll, -1 when no demo runs. */
int demo_ui_fd(const struct demo_ui *dm);
/* Reads what the demo wrote; true when the screen should be redrawn. Reaps a demo that
 * ended by itself. */
bool demo_ui_read(struct demo_ui *dm);

/* A demo runs. */
bool demo_ui_running(const struct demo_ui *dm);
/* The pane is shown (a demo runs, or one ended and was not closed). */
bool demo_ui_active(const struct demo_ui *dm);
/* The log of the current (or last) demo; NULL before the first. */
const struct demo_log *demo_ui_log(const struct demo_ui *dm);
/* Whether the view shows only the demo's processes (the default) or everything. */
bool demo_ui_only_demo(const struct demo_ui *dm);
void demo_ui_set_only_demo(struct demo_ui *dm, bool only);

/* The newest caption's ids for ui_frame.highlight (n 0 when no demo runs). */
const char *const *demo_ui_highlight(const struct demo_ui *dm, size_t *n);

/* The dashboard's own demo keys (p, o, {, }, R: see view_help.c), when the top view did not
 * use the key. True when the key was one; msg gets a line for the status line ("" none). */
bool demo_ui_key(struct demo_ui *dm, int key, char *msg, size_t len);

/* Splits the view area: false (r untouched) when no pane is shown; otherwise r shrinks and
 * pane gets the pane's place (a column on the right on wide screens, else a strip at the
 * bottom; compact: a 4-line strip, under the demo menu). */
bool demo_ui_layout(const struct demo_ui *dm, struct ui_rect *r, struct ui_rect *pane,
		    bool compact);
/* Draws the pane into r; focused: the demo menu is open. */
void demo_ui_draw(const struct demo_ui *dm, WINDOW *w, const struct ui_rect *r, bool focused);
/* The same for a log (running: the demo still runs; only_demo: the view shows only its
 * processes), for tests. */
void demo_ui_draw_log(const struct demo_log *l, bool running, bool only_demo, WINDOW *w,
		      const struct ui_rect *r, bool focused);

/* The demo menu: every demo with its description, Enter starts one; the controls. */
struct view *view_demo_new(struct demo_ui *dm);

#endif
