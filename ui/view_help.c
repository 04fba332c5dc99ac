/*
 * view_help.c - the help page: the screen layout, every key, and what each panel shows
 * (taken from the panels' own help text, so a new panel documents itself). The key list is
 * src/keyhelp.c, shared with --help.
 */
#include "config.h"

#include <stdlib.h>

#include "src/keyhelp.h"
#include "ui/page.h"
#include "ui/ui.h"

struct help {
	struct view v;
	struct page pg;
};


static void build(struct page *pg)
{
	page_section(pg, "Screen");
	page_text(pg, ROLE_NORMAL,
		  "The top line counts processes, zombies, message queues, shared memory "
		  "segments, semaphore sets and errors, and shows the refresh interval. Below it "
		  "the panels are stacked, each with a numbered title bar: the focused one "
		  "(highlighted) takes the spare lines, the others keep a row while there is "
		  "room, else their title bar. The bottom line says what could not be read and "
		  "why, or the keys.");
	page_text(pg, ROLE_NORMAL,
		  "The selection follows the same object (pid, queue id, ...) from one refresh to "
		  "the next. Collection runs on its own thread, so keys work during a slow scan. "
		  "A \"?\" in a cell is a value that could not be read (press e for the reason); "
		  "\"-\" means none.");
	page_text(pg, ROLE_NORMAL, "Needs at least %dx%d; works well from 80x24.", UI_MIN_COLS,
		  UI_MIN_LINES);

	page_section(pg, "Keys");
	for (size_t i = 0; i < n_key_help; i++)
		page_field_role(pg, ROLE_NORMAL, key_help[i].keys, "%s", key_help[i].what);

	page_section(pg, "Panels");
	for (size_t i = 0; ui_panels[i]; i++)
		page_field(pg, fmt_table_get(ui_panels[i]->kind)->title, "%s", ui_panels[i]->help);

	page_section(pg, "Marks");
	page_text(pg, ROLE_NORMAL, "Zombies, orphans, kernel threads, full queues, segments "
		  "waiting to be destroyed and semaphores with waiters are coloured; without colour "
		  "(NO_COLOR set, or a monochrome terminal) they are bold, underlined or dim, and "
		  "the selection is shown in reverse video.");
	page_text(pg, ROLE_NORMAL, "Gauges and tree lines use Unicode when the locale is "
		  "UTF-8, plain ASCII otherwise.");

	page_section(pg, "Topology");
	page_text(pg, ROLE_NORMAL, "Processes are square boxes (pid, command, what they wait "
		  "in); IPC objects rounded boxes: message queues with a depth gauge, shared "
		  "memory, semaphore sets with their values as tokens and their waiters, POSIX "
		  "objects, and a box for a pipe that joins more than two processes. Pipes and "
		  "FIFOs are solid lines with an arrow at the reader and a fill gauge; sockets "
		  "double lines with arrows at both ends; queue, memory and semaphore links dotted "
		  "(a semaphore's waiters in the warning colour, deadlocked channels in red).");
	page_text(pg, ROLE_NORMAL, "Moving dots are data, at a speed that follows the measured "
		  "rate; gauges fill and drain smoothly between snapshots; semaphore tokens flash "
		  "when taken or returned; signals fly from sender to target; new boxes light up "
		  "and vanished ones fade where they were. Boxes keep their places from one refresh "
		  "to the next; newcomers go next to their peers.");
	page_text(pg, ROLE_NORMAL, "Keys on the map: arrows move to the nearest box that way, "
		  "Tab / Shift-Tab go along the selection's links, Enter opens its details, "
		  "Shift-arrows and PgUp/PgDn pan, c or Home centres, a switches between auto, the "
		  "whole map and the selection's neighbourhood (auto: the neighbourhood once the map "
		  "has more boxes than fit twice on the screen), [ and ] change its depth, L lays "
		  "the map out afresh.");

	page_section(pg, "Signals and deadlocks");
	page_text(pg, ROLE_NORMAL, "Matrix marks: P pending for the process, p pending for one "
		  "thread, B blocked, C caught by a handler, I ignored, . default. Threads whose "
		  "masks differ from their process get rows of their own. SIGQ is the number of "
		  "signals queued for the user and the limit.");
	page_text(pg, ROLE_NORMAL, "As root ipctop traces signals live (tracefs): the log "
		  "shows each signal's sender and result. Otherwise the log says why the trace is "
		  "off, and signal events are inferred from pending masks between snapshots, "
		  "marked \"inferred\", without a sender.");
	page_text(pg, ROLE_NORMAL, "A red line under the header means a deadlock: blocked "
		  "processes each waiting for the next, so none can go on. D draws the cycle.");

	page_section(pg, "Demos");
	page_text(pg, ROLE_NORMAL, "A demo is a set of real processes doing real IPC, one step "
		  "at a time. While one runs the dashboard shows only its processes and the "
		  "objects they use (a in the demo menu shows everything), and the demo pane "
		  "(beside the panels on a wide terminal, under them otherwise) shows its state and "
		  "speed, the newest caption - the system call just made and what the kernel did - "
		  "highlighted, and the captions before it. The processes and objects the newest "
		  "caption is about are highlighted in the panels the same way.");
	page_text(pg, ROLE_NORMAL, "Quitting the dashboard, or stopping the demo in the menu, "
		  "ends its processes and removes every object it made; so do SIGINT, SIGTERM and "
		  "SIGHUP, and if ipctop itself is killed the demo notices and cleans up.");

	page_section(pg, "Command line");
	page_field(pg, "-d SECONDS", "time between snapshots (default 1)");
	page_field(pg, "--pid PID,...", "only those processes, the objects they use and the "
		   "processes at the other ends");
	page_field(pg, "--sysroot DIR", "read DIR/proc instead of /proc");
	page_field(pg, "--demo NAME", "start the demo NAME with the dashboard (ipctop demo list "
		   "names them)");
}

static void help_update(struct view *v, const struct ui_frame *f)
{
	(void)v;
	(void)f;
}

static void help_draw(struct view *v, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r)
{
	struct help *h = (struct help *)v;

	(void)f;
	page_draw(&h->pg, w, r, " ipctop help ");
}

static struct ui_cmd help_key(struct view *v, const struct ui_frame *f, int key)
{
	struct help *h = (struct help *)v;
	struct ui_cmd cmd = { .kind = CMD_HANDLED };

	(void)f;
	if (!page_key(&h->pg, key))
		cmd.kind = CMD_UNHANDLED;
	return cmd;
}

static const char *help_hints(const struct view *v)
{
	(void)v;
	return "arrows scroll  Esc back  q quit";
}

static void help_free(struct view *v)
{
	struct help *h = (struct help *)v;

	page_fini(&h->pg);
	free(h);
}

static const struct view_ops help_ops = {
	.name = "help",
	.update = help_update,
	.draw = help_draw,
	.key = help_key,
	.hints = help_hints,
	.free = help_free,
};

struct view *view_help_new(void)
{
	struct help *h = xcalloc(1, sizeof(*h));

	h->v.ops = &help_ops;
	page_init(&h->pg);
	build(&h->pg);
	return &h->v;
}
