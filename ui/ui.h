/*
 * ui.h - the interactive dashboard: the one entry point main() calls for MODE_DASHBOARD.
 *
 * ui_run() owns the terminal from start to end: it sets the locale, starts the collector
 * thread, runs the poll() loop over the keyboard, a signal self-pipe and the collector's
 * wakeup, and restores the terminal on every way out (q, F10, SIGINT, SIGTERM, SIGHUP,
 * out of memory). Options must already be parsed (nothing here prints usage).
 */
#ifndef IPCTOP_UI_H
#define IPCTOP_UI_H

#include "src/options.h"

/* Below this size the dashboard only says "terminal too small". */
#define UI_MIN_COLS 60
#define UI_MIN_LINES 15

/* Returns the process exit status: 0 after a normal quit, 1 when the snapshot could not be
 * taken at all (sysroot unreadable) or the terminal could not be set up, 128+signo after a
 * terminating signal (SIGINT/SIGTERM/SIGHUP), with the terminal already restored. */
int ui_run(const struct options *opts);

#endif
