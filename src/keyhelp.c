/*
 * keyhelp.c - the dashboard's keys (see keyhelp.h). Keep in step with ui/ui.c's bindings and
 * doc/ipctop.1 (tests/integration/manpage.sh compares --help with the man page).
 */
#include "config.h"

#include "src/keyhelp.h"

const struct key_help key_help[] = {
	{ "Up/Down", "move the selection" },
	{ "PgUp/PgDn", "move the selection by a screen" },
	{ "Home/End", "first / last row" },
	{ "Tab, Shift-Tab", "next / previous panel (the focused panel grows)" },
	{ "1-9", "focus the panel with that number" },
	{ "Enter", "details of the selected object: every field and the errors about it" },
	{ "Esc, Backspace, Left", "back" },
	{ "e", "every error and source of the current snapshot" },
	{ "K", "show / hide kernel threads in the process tree" },
	{ "s", "signal matrix: processes x signals; there < > pick a signal, m filters "
	       "(all / non-default / pending), / or F4 filters by command name, a shows every "
	       "signal column" },
	{ "l", "event log: signals and fork / exec / exit / zombie / orphan events; there c "
	       "shows or hides SIGCHLD, m picks what is shown" },
	{ "D", "deadlock cycles and stalls, with how long they have lasted" },
	{ "k, F9", "send a signal to the selected process (process panel, its details, the "
		   "matrix, the log): pick it, then confirm with y" },
	{ "t", "the topology map: processes, IPC objects and the channels between them, "
	       "animated (t again goes back; the help screen's Topology section lists its keys)" },
	{ "/, F3", "search the current view (command, pid, object id, key) as you type; Enter "
		   "keeps the selection, Esc stops" },
	{ "n / N", "next / previous match of the last search" },
	{ "F4", "filter: show only what matches (in every panel, or the map's matches and "
		"their neighbours); kept per view until changed; Esc undoes" },
	{ "F5", "processes as a tree by parent, or a flat list by pid" },
	{ "f", "follow the selected process: kept selected (and centred on the map) from one "
	       "refresh to the next; f again stops" },
	{ "space", "pause: the screen and its animation stand still while collection goes on; "
		   "space again shows the newest. In a replay: play / pause at recorded speed" },
	{ "[ / ]", "one snapshot back / on: the dashboard keeps the last 10 minutes in memory "
		   "(HISTORY in the header; ] past the newest, or space, is live again); in a "
		   "replay, the recording (REPLAY #N). On the map, outside a replay, [ ] set its depth" },
	{ "g", "go to a snapshot: #N (from the first), HH:MM[:SS], -5m (before the newest), "
	       "@EPOCH" },
	{ "x, Delete", "remove the selected System V or POSIX object, like ipcrm: a page says "
		       "what would be lost and whether you may; only y removes it" },
	{ "T", "colour theme: auto, 8 colours, 256 colours, monochrome" },
	{ "S", "save the refresh interval, theme and view (dashboard or topology) to "
	       "$XDG_CONFIG_HOME/ipctop/ipctoprc (~/.config without it); read at start" },
	{ "mouse", "click selects a row or a box; click the selection, or a process or object "
		   "named on a detail page, to open it; click a line on the map to go to its "
		   "other end; the wheel scrolls" },
	{ "on a detail page", "Up/Down pick a process or object the page names (a process's "
			      "channels and the processes at their other ends, a channel's ends), "
			      "Tab / Shift-Tab the next / previous one anywhere, Enter opens it, "
			      "Esc comes back" },
	{ "r", "take a snapshot now" },
	{ "+ / -", "refresh slower / faster" },
	{ "?, h, F1", "this help" },
	{ "d", "the demo menu: every demo and what it shows; Enter starts one; "
	       "there x stops it, r restarts, space pauses, s steps, + / - change its "
	       "speed, f full speed, 1 one step a second, a every process or only the demo's" },
	{ "p", "while a demo runs: pause it, or let it continue" },
	{ "o", "while a demo runs: one step (it pauses first)" },
	{ "{ / }", "a minute back / on in the history or the replay; while a demo runs: the "
		   "demo slower / faster, from 1/8 step a second to full speed" },
	{ "R", "while a demo runs: restart it (its processes and objects are removed first)" },
	{ "q, F10", "quit (Ctrl-C too); a running demo stops and removes what it made" },
};

const size_t n_key_help = sizeof(key_help) / sizeof(key_help[0]);
