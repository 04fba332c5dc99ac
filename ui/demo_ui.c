/*
 * demo_ui.c - the dashboard's handle on one running demo and the demo pane (see demo_ui.h).
 *
 * The demo is a child process (demos/demo_session.c runs `ipctop demo run NAME --control 0`);
 * its record stream feeds a demo_log, and the collector's view follows the demo: its
 * conductor as a root (every demo process descends from it, demos/demo.h) plus the pids its
 * `process` records announce, plus the user's own --pid list. Starting, stopping and
 * switching between the demo and everything change the view: the collector drops a scan in
 * progress. Announced pids only join the next scan, at most once a second (a demo at full
 * speed forking in a loop must not keep the collector busy), which loses nothing because
 * the root's descendants are in view already.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demos/demo.h"
#include "demos/demo_session.h"
#include "ui/demo_ui.h"
#include "ui/term.h"

#define STOP_MS 3000		/* per stage of demo_session_stop: 'q', then SIGTERM, then SIGKILL */
#define PIDS_PUSH_EVERY 1.0	/* seconds between pushes of newly announced pids */

struct demo_ui {
	const struct options *opts;
	struct collector_thread *ct;
	struct demo_session s;
	bool running;			/* s is a live session */
	bool active;			/* the pane is shown */
	bool have_log;
	struct demo_log log;
	bool only_demo;			/* the view shows only the demo's processes */
	bool pids_dirty;		/* announced pids not yet pushed */
	double pids_pushed;		/* when they were last pushed (monotonic) */
};

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Pushes the view's pid sets to the collector; restart: the view changed (a demo started
 * or stopped, everything / only the demo), not just more of the demo's pids announced. */
static void sync_sets(struct demo_ui *dm, bool restart)
{
	const struct options *o = dm->opts;
	pid_t *pids, root;
	size_t n = 0;

	dm->pids_dirty = false;
	dm->pids_pushed = mono_now();
	if (!dm->ct)
		return;
	if (!dm->running || !dm->only_demo) {
		collector_thread_set_pids(dm->ct, o->pids, o->n_pids, NULL, 0, restart);
		return;
	}
	pids = xreallocarray(NULL, o->n_pids + dm->log.n_procs + 1, sizeof(*pids));
	for (size_t i = 0; i < o->n_pids; i++)
		pids[n++] = o->pids[i];
	n += demo_log_pids(&dm->log, pids + n, dm->log.n_procs);
	root = dm->s.pid;
	collector_thread_set_pids(dm->ct, pids, n, &root, 1, restart);
	free(pids);
}

struct demo_ui *demo_ui_new(const struct options *opts)
{
	struct demo_ui *dm = xcalloc(1, sizeof(*dm));

	dm->opts = opts;
	dm->only_demo = true;
	dm->s.out_fd = dm->s.ctl_fd = -1;
	return dm;
}

void demo_ui_attach(struct demo_ui *dm, struct collector_thread *ct)
{
	dm->ct = ct;
	if (dm->running)
		sync_sets(dm, true);
}

/* Reaps the session (it has ended or is told to); the log keeps what it said. */
static void end_session(struct demo_ui *dm)
{
	int st;

	if (!dm->running)
		return;
	st = demo_session_stop(&dm->s, STOP_MS);
	dm->running = false;
	if (!dm->log.ended) {	/* no "end" record: say how it went */
		dm->log.ended = true;
		snprintf(dm->log.end_reason, sizeof(dm->log.end_reason), "%s",
			 st == 0 ? "quit" : "exited");
		dm->log.n_hl = 0;
	}
	sync_sets(dm, true);
}

void demo_ui_free(struct demo_ui *dm)
{
	if (!dm)
		return;
	end_session(dm);
	if (dm->have_log)
		demo_log_fini(&dm->log);
	free(dm);
}

int demo_ui_start(struct demo_ui *dm, const char *name, char *err, size_t len)
{
	const struct demo *d = demo_find(name);
	int rc;

	if (!d) {
		snprintf(err, len, "'%s': no such demo (see 'ipctop demo list')", name);
		return -EINVAL;
	}
	demo_ui_stop(dm);
	if (dm->have_log)
		demo_log_fini(&dm->log);
	demo_log_init(&dm->log, d->name);
	dm->have_log = true;
	rc = demo_session_start(&dm->s, NULL, d->name, 1.0);
	if (rc < 0) {
		snprintf(err, len, "cannot start demo %s: %s", d->name, strerror(-rc));
		dm->log.ended = true;
		snprintf(dm->log.end_reason, sizeof(dm->log.end_reason), "error");
		snprintf(dm->log.error, sizeof(dm->log.error), "cannot start: %s", strerror(-rc));
		dm->active = true;
		return rc;
	}
	dm->running = true;
	dm->active = true;
	sync_sets(dm, true);
	return 0;
}

void demo_ui_stop(struct demo_ui *dm)
{
	end_session(dm);
	dm->active = false;
}

int demo_ui_control(struct demo_ui *dm, char cmd)
{
	if (!dm->running)
		return -ESRCH;
	return demo_session_send(&dm->s, cmd);
}

int demo_ui_fd(const struct demo_ui *dm)
{
	return dm->running ? dm->s.out_fd : -1;
}

struct feed {
	struct demo_ui *dm;
	unsigned bits;
};

static void on_record(void *arg, const struct caption_rec *rec)
{
	struct feed *fd = arg;

	fd->bits |= demo_log_feed(&fd->dm->log, rec);
}

bool demo_ui_read(struct demo_ui *dm)
{
	struct feed fd = { dm, 0 };
	int rc;

	if (!dm->running)
		return false;
	rc = demo_session_read(&dm->s, on_record, &fd);
	if (fd.bits & DEMO_LOG_PIDS)
		dm->pids_dirty = true;
	if (rc == -EPIPE) {	/* the demo ended (its "end" record came first, if it could) */
		end_session(dm);
		return true;
	}
	if (dm->pids_dirty && mono_now() - dm->pids_pushed >= PIDS_PUSH_EVERY)
		sync_sets(dm, false);
	return fd.bits != 0;
}

bool demo_ui_running(const struct demo_ui *dm)
{
	return dm->running;
}

bool demo_ui_active(const struct demo_ui *dm)
{
	return dm->active;
}

const struct demo_log *demo_ui_log(const struct demo_ui *dm)
{
	return dm->have_log ? &dm->log : NULL;
}

bool demo_ui_only_demo(const struct demo_ui *dm)
{
	return dm->only_demo;
}

void demo_ui_set_only_demo(struct demo_ui *dm, bool only)
{
	dm->only_demo = only;
	if (dm->running)
		sync_sets(dm, true);
}

const char *const *demo_ui_highlight(const struct demo_ui *dm, size_t *n)
{
	if (!dm || !dm->running || !dm->have_log) {
		*n = 0;
		return NULL;
	}
	return demo_log_highlight(&dm->log, n);
}

bool demo_ui_key(struct demo_ui *dm, int key, char *msg, size_t len)
{
	char sp[32];
	int rc = 0;

	msg[0] = '\0';
	switch (key) {
	case 'p':
	case 'o':
	case '{':
	case '}':
	case 'R':
		break;
	default:
		return false;
	}
	if (!dm->running) {
		snprintf(msg, len, "No demo is running: d opens the demo menu");
		return true;
	}
	switch (key) {
	case 'p':
		rc = demo_ui_control(dm, dm->log.paused ? 'c' : 'p');
		snprintf(msg, len, "%s", dm->log.paused ? "Demo continues" :
			 "Demo paused: o takes one step, p continues");
		break;
	case 'o':
		rc = demo_ui_control(dm, 's');
		snprintf(msg, len, "Demo: one step (paused; p continues)");
		break;
	case '}':
		rc = demo_ui_control(dm, '+');
		snprintf(msg, len, "Demo faster: %s",
			 demo_log_speed(demo_speed_faster(dm->log.speed), sp, sizeof(sp)));
		break;
	case '{':
		rc = demo_ui_control(dm, '-');
		snprintf(msg, len, "Demo slower: %s",
			 demo_log_speed(demo_speed_slower(dm->log.speed), sp, sizeof(sp)));
		break;
	case 'R':
		rc = demo_ui_control(dm, 'r');
		snprintf(msg, len, "Demo %s restarts: its processes and objects are removed first",
			 dm->log.name);
		break;
	}
	if (rc < 0)
		snprintf(msg, len, "The demo does not answer: %s", strerror(-rc));
	return true;
}

/* ---- the pane ---- */

bool demo_ui_layout(const struct demo_ui *dm, struct ui_rect *r, struct ui_rect *pane,
		    bool compact)
{
	int h, w;

	if (!dm || !dm->active || r->h < 8)
		return false;
	if (compact) {	/* under the menu: the state and the newest caption */
		*pane = (struct ui_rect){ r->y + r->h - 4, r->x, 4, r->w };
		r->h -= 4;
		return true;
	}
	if (r->w >= 140) {	/* wide: a column beside the panels */
		w = r->w / 3;
		w = w < 44 ? 44 : w > 72 ? 72 : w;
		*pane = (struct ui_rect){ r->y, r->x + r->w - w, r->h, w };
		r->w -= w + 1;
		return true;
	}
	h = r->h / 3;
	h = h < 4 ? 4 : h > 10 ? 10 : h;
	if (r->h - h < 5)
		h = r->h - 5;
	*pane = (struct ui_rect){ r->y + r->h - h, r->x, h, r->w };
	r->h -= h;
	return true;
}

/* Writes text from (y, x) wrapped at word boundaries in width columns, at most max_lines
 * lines; continuation lines start indent columns in. Returns the lines used. */
static int put_wrapped(WINDOW *w, int y, int x, int width, int indent, const char *text,
		       attr_t a, int max_lines)
{
	int lines = 0;

	while (*text && lines < max_lines) {
		int avail = width - (lines ? indent : 0);
		size_t n;

		if (avail < 1)
			break;
		n = term_fit(text, avail, NULL);
		if (text[n] && lines + 1 < max_lines) {	/* break at the last space that fits */
			size_t sp = n;

			while (sp > 0 && text[sp] != ' ')
				sp--;
			if (sp > 0)
				n = sp;
		}
		if (text[n] && lines + 1 == max_lines) {
			term_put(w, y + lines, x + (lines ? indent : 0), avail, text, a, false, false);
			return lines + 1;	/* the last line: the rest, with an ellipsis */
		}
		{
			char buf[CAPTION_LINE_MAX + 64];

			snprintf(buf, sizeof(buf), "%.*s", (int)n, text);
			term_put(w, y + lines, x + (lines ? indent : 0), avail, buf, a, false, false);
		}
		text += n;
		while (*text == ' ')
			text++;
		lines++;
	}
	return lines;
}

/* "#12 pipe-writer 1234: " */
static const char *entry_head(const struct demo_log_entry *e, char *buf, size_t len)
{
	if (e->kind == DEMO_ENTRY_RESTART)
		snprintf(buf, len, "--- ");
	else if (e->role[0])
		snprintf(buf, len, "#%llu %s %d: ", (unsigned long long)e->step, e->role, (int)e->pid);
	else
		snprintf(buf, len, "#%llu pid %d: ", (unsigned long long)e->step, (int)e->pid);
	return buf;
}

/* The pane's keys, the longest form that fits in width ("" none). */
static const char *pane_keys(bool running, int width)
{
	static const char *const run[] = { " d menu  p pause  o step  { } speed  R restart ",
					   " d menu  p pause  o step ", " d menu " };
	static const char *const ended[] = { " d menu: another demo, or x there to close this ",
					     " d menu " };
	const char *const *forms = running ? run : ended;
	size_t n = running ? 3 : 2;

	for (size_t i = 0; i < n; i++)
		if (term_width(forms[i]) <= width)
			return forms[i];
	return "";
}

/* The title line; keys: the keys go on its right when they fit. */
static void draw_title(const struct demo_log *l, bool running, bool only_demo, WINDOW *w,
		       const struct ui_rect *r, bool focused, bool keys)
{
	attr_t a = term_attr(focused ? ROLE_TITLE_FOCUS : ROLE_TITLE);
	char left[256], sp[32], extra[96] = "";
	const char *right;
	int lw;

	if (l->ended)
		snprintf(left, sizeof(left), " Demo %s: %s (%s)", l->name, demo_log_state(l),
			 l->end_reason);
	else
		snprintf(left, sizeof(left), " Demo %s: %s, %s", l->name, demo_log_state(l),
			 demo_log_speed(l->speed, sp, sizeof(sp)));
	if (l->last_step) {
		size_t k = strlen(left);

		snprintf(left + k, sizeof(left) - k, ", step %llu", (unsigned long long)l->last_step);
	}
	if (l->dropped)
		snprintf(extra, sizeof(extra), ", %llu records dropped", (unsigned long long)l->dropped);
	{
		size_t k = strlen(left);

		snprintf(left + k, sizeof(left) - k, "%s%s ", extra,
			 running && only_demo ? ", only its processes shown" : "");
	}
	term_fill(w, r->y, r->x, r->w, a);
	lw = term_put(w, r->y, r->x, r->w, left, a, false, false);
	right = keys ? pane_keys(running, r->w - lw) : "";
	if (*right)
		term_put(w, r->y, r->x + r->w - term_width(right), term_width(right), right, a, false,
			 false);
}

void demo_ui_draw(const struct demo_ui *dm, WINDOW *w, const struct ui_rect *r, bool focused)
{
	if (dm->have_log)
		demo_ui_draw_log(&dm->log, dm->running, dm->only_demo, w, r, focused);
}

void demo_ui_draw_log(const struct demo_log *l, bool running, bool only_demo, WINDOW *w,
		      const struct ui_rect *r, bool focused)
{
	int y, end = r->y + r->h;
	bool tall = r->h >= 16;	/* a column: keys on a line of their own, history wrapped */
	char head[64];

	if (r->h < 1 || r->w < 10)
		return;
	for (int i = 0; i < r->h; i++)
		term_fill(w, r->y + i, r->x, r->w, term_attr(ROLE_NORMAL));
	draw_title(l, running, only_demo, w, r, focused, !tall);
	if (tall) {
		end--;
		term_put(w, end, r->x, r->w, pane_keys(running, r->w), term_attr(ROLE_KEY), false,
			 false);
	}
	y = r->y + 1;
	if (l->error[0] && y < end) {
		char line[CAPTION_LINE_MAX + 16];

		snprintf(line, sizeof(line), "error: %s", l->error);
		y += put_wrapped(w, y, r->x + 1, r->w - 2, 2, line, term_attr(ROLE_ERROR),
				 end - y > 2 ? 2 : end - y);
	}
	if (l->n_hist == 0 && y < end) {
		term_put(w, y, r->x + 1, r->w - 2, l->ended ? "no captions" :
			 "waiting for the demo's first step...", term_attr(ROLE_DIM), false, false);
		return;
	}
	/* the newest entry in full (wrapped), highlighted; then one line per older entry */
	for (size_t i = 0; i < l->n_hist && y < end; i++) {
		const struct demo_log_entry *e = demo_log_entry(l, i);
		attr_t ha, ta;
		int hw, room;

		entry_head(e, head, sizeof(head));
		hw = term_width(head);
		if (i == 0) {
			ha = term_attr(e->kind == DEMO_ENTRY_RESTART ? ROLE_WARN : ROLE_DEMO);
			ta = term_attr(ROLE_NORMAL) | A_BOLD;
			/* the newest may take every line but one kept for history */
			room = end - y - (end - y >= 4 ? 1 : 0);
		} else {
			ha = term_attr(e->kind == DEMO_ENTRY_RESTART ? ROLE_WARN : ROLE_DIM);
			ta = term_attr(e->kind == DEMO_ENTRY_RESTART ? ROLE_WARN : ROLE_NORMAL);
			room = tall && end - y >= 2 ? 2 : 1;
		}
		term_put(w, y, r->x + 1, r->w - 2, head, ha, false, false);
		if (hw + 1 >= r->w - 2) {
			y++;
			continue;
		}
		if (room == 1) {
			term_put(w, y, r->x + 1 + hw, r->w - 2 - hw, e->text, ta, false, false);
			y++;
		} else {
			/* continuation lines are indented under the text, or by 2 when narrow */
			int indent = hw < (r->w - 2) / 3 ? hw : 2;
			char full[CAPTION_LINE_MAX + 64];
			int n;

			snprintf(full, sizeof(full), "%*s%s", hw, "", e->text);
			n = put_wrapped(w, y, r->x + 1, r->w - 2, indent, full, ta, room);
			term_put(w, y, r->x + 1, r->w - 2, head, ha, false, false);	/* over the blanks */
			y += n;
		}
	}
}
