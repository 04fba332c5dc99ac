/*
 * view_events.c - the event log: signals (time, sender, target, signal, result) and process
 * lifecycle (start, exec, exit, zombie, orphan), oldest at the top, from the history ui.c keeps
 * across snapshots (ui/evlog.h).
 *
 * A line under the title says whether the live signal trace is on and, when it is not, why
 * (the "sig_trace" source's error): then the signal events are inferred from pending masks,
 * each marked "inferred", with no sender. SIGCHLD is hidden by default (c shows it): every
 * child's exit sends one, which buries everything else. m cycles all / signals / processes.
 *
 * Scrolling: the selection follows an entry by its sequence number; while it is on the newest
 * entry (the default) it moves on to each new newest one, like `tail -f`.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/signames.h"
#include "ui/evlog.h"
#include "ui/panel.h"
#include "ui/view.h"

enum ev_show { SHOW_ALL, SHOW_SIGNALS, SHOW_PROCESSES, SHOW_COUNT };

struct evview {
	struct view v;
	uint64_t *seqs;		/* the entries shown, oldest first */
	size_t n, cap;
	size_t total;		/* entries in the log */
	uint64_t dropped;
	uint64_t sel_seq;	/* 0: follow the newest */
	size_t sel, top;
	int page;
	bool show_sigchld;
	enum ev_show show;
	char trace[512];	/* the trace status line */
	bool trace_on;
};

static const char *show_name(enum ev_show s)
{
	switch (s) {
	case SHOW_ALL: return "all";
	case SHOW_SIGNALS: return "signals";
	case SHOW_PROCESSES: return "processes";
	case SHOW_COUNT: break;
	}
	return "?";
}

static bool shown(const struct evview *ev, const struct ui_frame *f, const struct evlog_entry *e)
{
	if (e->kthread && !f->set->show_kthreads)
		return false;
	if (e->kind == EVLOG_SIGNAL) {
		if (ev->show == SHOW_PROCESSES)
			return false;
		return ev->show_sigchld || e->signo != SIGCHLD;
	}
	return ev->show != SHOW_SIGNALS;
}

static void trace_status(struct evview *ev, const struct snapshot *s)
{
	const struct snap_source *src = NULL;

	ev->trace_on = false;
	if (!s) {
		snprintf(ev->trace, sizeof(ev->trace), "waiting for the first snapshot...");
		return;
	}
	src = snapshot_source(s, SRC_SIG_TRACE);
	if (src && src->ok) {
		ev->trace_on = true;
		snprintf(ev->trace, sizeof(ev->trace), "live signal trace on (tracefs): every "
			 "signal with its sender and result");
		return;
	}
	snprintf(ev->trace, sizeof(ev->trace), "live signal trace off: %s. Signal events are "
		 "inferred from pending masks between snapshots (sender unknown; signals that come "
		 "and go between two snapshots are missed)",
		 src ? (src->error ? src->error : "failed") : "no trace source in this snapshot");
}

static void ev_update(struct view *v, const struct ui_frame *f)
{
	struct evview *ev = (struct evview *)v;
	size_t total = evlog_count(f->log);
	bool follow = ev->sel_seq == 0 || (ev->n && ev->sel + 1 == ev->n);
	size_t old_sel = ev->sel;

	trace_status(ev, f->snap);
	ev->total = total;
	ev->dropped = f->log ? f->log->dropped : 0;
	ev->n = 0;
	for (size_t i = 0; i < total; i++) {
		const struct evlog_entry *e = evlog_get(f->log, i);

		if (!shown(ev, f, e))
			continue;
		if (ev->n == ev->cap) {
			ev->cap = ev->cap ? ev->cap * 2 : 256;
			ev->seqs = xreallocarray(ev->seqs, ev->cap, sizeof(*ev->seqs));
		}
		ev->seqs[ev->n++] = e->seq;
	}
	if (!ev->n) {
		ev->sel = ev->top = 0;
		return;
	}
	if (follow) {
		ev->sel = ev->n - 1;
	} else {
		/* the same entry, or the first one after it (it was dropped or filtered out) */
		size_t i = 0;

		while (i < ev->n && ev->seqs[i] < ev->sel_seq)
			i++;
		ev->sel = i < ev->n ? i : (old_sel < ev->n ? old_sel : ev->n - 1);
	}
	ev->sel_seq = ev->seqs[ev->sel];
}

static const char *hms(double t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !localtime_r(&tt, &tm)) {
		snprintf(buf, len, "?");
		return buf;
	}
	snprintf(buf, len, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)((t - (double)tt) * 1000.0));
	return buf;
}

static const char *who(pid_t pid, const char *comm, const char *none, char *buf, size_t len)
{
	if (pid <= 0)
		snprintf(buf, len, "%s", none);
	else
		snprintf(buf, len, "%d %s", (int)pid, comm[0] ? comm : "?");
	return buf;
}

/* The cells of one entry: event, signal, from, to, result/detail. */
struct ev_cells {
	char time[32], what[16], sig[24], from[64], to[64], detail[EVLOG_DETAIL_MAX + 64];
	enum ui_role role;
};

static const char *result_text(enum sig_result r)
{
	switch (r) {
	case SIGRES_BLOCKED: return "blocked, now pending";
	case SIGRES_ALREADY_PENDING: return "already pending (merged)";
	default: return sig_result_name(r);
	}
}

static void cells(const struct evlog_entry *e, struct ev_cells *c)
{
	hms(e->time, c->time, sizeof(c->time));
	snprintf(c->what, sizeof(c->what), "%s", evlog_kind_name(e->kind));
	snprintf(c->sig, sizeof(c->sig), "-");
	snprintf(c->from, sizeof(c->from), "-");
	who(e->pid, e->comm, "?", c->to, sizeof(c->to));
	c->detail[0] = 0;
	c->role = ROLE_NORMAL;
	switch (e->kind) {
	case EVLOG_SIGNAL:
		signame(e->signo, c->sig, sizeof(c->sig));
		if (e->inferred)
			snprintf(c->from, sizeof(c->from), "unknown");
		else
			who(e->other, e->other_comm, e->other_comm[0] ? e->other_comm : "kernel",
			    c->from, sizeof(c->from));
		snprintf(c->detail, sizeof(c->detail), "%s%s", result_text(e->result),
			 e->inferred ? "  [inferred]" : "");
		if (e->result == SIGRES_DROPPED || e->result == SIGRES_BLOCKED ||
		    e->result == SIGRES_ALREADY_PENDING)
			c->role = ROLE_WARN;
		if (e->inferred)
			snprintf(c->what, sizeof(c->what), "signal?");
		break;
	case EVLOG_START:
		snprintf(c->what, sizeof(c->what), "fork");
		who(e->other, e->other_comm, "?", c->from, sizeof(c->from));
		snprintf(c->detail, sizeof(c->detail), "new process");
		break;
	case EVLOG_EXEC:
		snprintf(c->detail, sizeof(c->detail), "%s", e->detail[0] ? e->detail : "new program");
		break;
	case EVLOG_EXIT:
		c->role = ROLE_DIM;
		who(e->other, e->other_comm, "-", c->from, sizeof(c->from));	/* its parent */
		snprintf(c->detail, sizeof(c->detail), "exited, gone");
		break;
	case EVLOG_ZOMBIE:
		c->role = ROLE_ZOMBIE;
		who(e->other, e->other_comm, "?", c->from, sizeof(c->from));	/* its parent */
		snprintf(c->detail, sizeof(c->detail), "exited; its parent has not waited for it");
		break;
	case EVLOG_ORPHAN:
		c->role = ROLE_ORPHAN;
		who(e->other, e->other_comm, "?", c->from, sizeof(c->from));
		snprintf(c->detail, sizeof(c->detail), "re-parented%s%s", e->detail[0] ? "; " : "",
			 e->detail);
		break;
	case EVLOG_KIND_COUNT:
		break;
	}
}

/* Column widths: time, event, signal, from, to; the detail takes the rest. Below 100
 * columns the signal, sender and target columns narrow so the result keeps some room. */
static void put_line(WINDOW *w, int y, const struct ui_rect *r, const char *const text[6], attr_t a)
{
	static const int wide[5] = { 12, 7, 11, 20, 20 }, narrow[5] = { 12, 7, 9, 15, 15 };
	const int *widths = r->w >= 100 ? wide : narrow;
	int x = r->x;

	term_fill(w, y, r->x, r->w, a);
	for (int i = 0; i < 6 && x < r->x + r->w; i++) {
		int cw = i < 5 ? widths[i] : r->x + r->w - x;

		if (cw > r->x + r->w - x)
			cw = r->x + r->w - x;
		term_put(w, y, x, cw, text[i], a, true, false);
		x += cw + 1;
	}
}

static void ev_draw(struct view *v, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r)
{
	struct evview *ev = (struct evview *)v;
	attr_t ta = term_attr(ROLE_TITLE_FOCUS);
	static const char *const heads[6] = { "TIME", "EVENT", "SIGNAL", "FROM", "TO",
					      "RESULT / DETAIL" };
	char left[256], right[64] = "";
	int y = r->y, vis, foot;

	(void)f;
	if (r->h < 1)
		return;
	snprintf(left, sizeof(left), " Event log (%zu of %zu)  show: %s  SIGCHLD: %s ", ev->n,
		 ev->total, show_name(ev->show), ev->show_sigchld ? "shown" : "hidden");
	if (ev->n)
		snprintf(right, sizeof(right), " %zu/%zu ", ev->sel + 1, ev->n);
	term_fill(w, y, r->x, r->w, ta);
	if (term_put(w, y, r->x, r->w, left, ta, false, false) + term_width(right) <= r->w)
		term_put(w, y, r->x + r->w - term_width(right), term_width(right), right, ta, false,
			 false);
	if (r->h < 3)
		return;
	term_put(w, y + 1, r->x + 1, r->w - 1, ev->trace,
		 term_attr(ev->trace_on ? ROLE_DIM : ROLE_WARN), true, false);
	put_line(w, y + 2, r, heads, term_attr(ROLE_COLHEAD));
	foot = ev->dropped && r->h >= 6 ? 1 : 0;
	vis = r->h - 3 - foot;
	ev->page = vis;
	if (!ev->n) {
		if (vis > 0)
			term_put(w, y + 3, r->x + 1, r->w - 1,
				 ev->total ? "no event matches (c shows SIGCHLD, m what is shown)"
					   : "no events yet: signals, forks, execs, exits, zombies and "
					     "orphans appear here as they happen",
				 term_attr(ROLE_DIM), false, false);
	} else {
		if (ev->sel < ev->top)
			ev->top = ev->sel;
		if (vis > 0 && ev->sel >= ev->top + (size_t)vis)
			ev->top = ev->sel - (size_t)vis + 1;
		if (vis > 0 && ev->top + (size_t)vis > ev->n)
			ev->top = ev->n > (size_t)vis ? ev->n - (size_t)vis : 0;
		for (int i = 0; i < vis && ev->top + (size_t)i < ev->n; i++) {
			size_t k = ev->top + (size_t)i, idx;
			const struct evlog_entry *e;
			struct ev_cells c;
			const char *text[6];

			if (!evlog_find(f->log, ev->seqs[k], &idx))
				continue;	/* cannot happen: rows are rebuilt with the log */
			e = evlog_get(f->log, idx);
			cells(e, &c);
			text[0] = c.time;
			text[1] = c.what;
			text[2] = c.sig;
			text[3] = c.from;
			text[4] = c.to;
			text[5] = c.detail;
			put_line(w, y + 3 + i, r, text,
				 term_attr(k == ev->sel ? ROLE_SELECTED : c.role));
		}
	}
	if (foot) {
		char buf[128];

		snprintf(buf, sizeof(buf), "%llu older events dropped (the log keeps the last %d)",
			 (unsigned long long)ev->dropped, EVLOG_CAP);
		term_put(w, r->y + r->h - 1, r->x + 1, r->w - 1, buf, term_attr(ROLE_DIM), false,
			 false);
	}
}

static const struct evlog_entry *selected(const struct evview *ev, const struct ui_frame *f)
{
	size_t idx;

	if (!ev->n || !evlog_find(f->log, ev->seqs[ev->sel], &idx))
		return NULL;
	return evlog_get(f->log, idx);
}

static struct ui_cmd ev_key(struct view *v, const struct ui_frame *f, int key)
{
	struct evview *ev = (struct evview *)v;
	struct ui_cmd cmd = { .kind = CMD_HANDLED };
	size_t n = ev->n, page = ev->page > 1 ? (size_t)ev->page - 1 : 1, sel = ev->sel;
	const struct evlog_entry *e;

	switch (key) {
	case 'c':
		ev->show_sigchld = !ev->show_sigchld;
		ev_update(v, f);
		return cmd;
	case 'm':
		ev->show = (enum ev_show)((ev->show + 1) % SHOW_COUNT);
		ev_update(v, f);
		return cmd;
	case '\r':
	case '\n':
	case KEY_ENTER:
		e = selected(ev, f);
		if (e && e->pid > 0) {
			cmd.kind = CMD_OPEN;
			cmd.obj.kind = FMT_PROCESSES;
			fmt_id_proc(e->pid, cmd.obj.id, sizeof(cmd.obj.id));
		}
		return cmd;
	default:
		if (!panel_move_sel(key, n, page, &sel)) {
			cmd.kind = CMD_UNHANDLED;
			return cmd;
		}
		break;
	}
	if (n) {
		ev->sel = sel;
		ev->sel_seq = ev->seqs[sel];
	}
	return cmd;
}

/* The target of the selected event, while that process is still in the snapshot. */
static bool ev_selected_pid(const struct view *v, const struct ui_frame *f, pid_t *pid)
{
	const struct evlog_entry *e = selected((const struct evview *)v, f);

	if (!e || e->pid <= 0 || !f->snap || !snapshot_find_proc(f->snap, e->pid))
		return false;
	*pid = e->pid;
	return true;
}

static const char *ev_hints(const struct view *v)
{
	(void)v;
	return "c SIGCHLD  m show  Enter target's details  k signal target  Esc back";
}

static void ev_free(struct view *v)
{
	struct evview *ev = (struct evview *)v;

	free(ev->seqs);
	free(ev);
}

static const struct view_ops ev_ops = {
	.name = "events",
	.update = ev_update,
	.draw = ev_draw,
	.key = ev_key,
	.hints = ev_hints,
	.free = ev_free,
	.selected_pid = ev_selected_pid,
};

struct view *view_events_new(void)
{
	struct evview *ev = xcalloc(1, sizeof(*ev));

	ev->v.ops = &ev_ops;
	return &ev->v;
}
