/*
 * view_deadlock.c - deadlocks and stalls: the red alert line under the header while the
 * snapshot has a deadlock, and the page (D) that draws each cycle and lists every stall with
 * how long it has lasted.
 *
 * A cycle reads pid(comm) -[object verb]-> pid(comm) ... back to the first: deadlock_rec's
 * objects[k] is what pids[k] waits on, and pids[k+1] is the one that could end that wait
 * (src/waitgraph.h); the verb comes from pids[k]'s own wait. Nothing here decides what is a
 * deadlock: the model did, this only draws it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/waitgraph.h"
#include "ui/page.h"
#include "ui/view.h"

#define MAX_UNBLOCKERS 16

static const char *verb(enum wait_kind k)
{
	switch (k) {
	case WAIT_PIPE_READ: return "read";
	case WAIT_PIPE_WRITE: return "write";
	case WAIT_FIFO_OPEN: return "open";
	case WAIT_MSG_SEND: return "send";
	case WAIT_MSG_RECV: return "receive";
	case WAIT_SEM_WAIT: return "wait";
	case WAIT_SOCKET_RECV: return "recv";
	case WAIT_SOCKET_SEND: return "send";
	case WAIT_SOCKET_ACCEPT: return "accept";
	case WAIT_CHILD_WAIT: return "wait";
	case WAIT_SIGNAL_WAIT: return "sigwait";
	default: return NULL;
	}
}

static const char *who(const struct snapshot *s, pid_t pid, char *buf, size_t len)
{
	const struct proc_rec *p = snapshot_find_proc(s, pid);

	snprintf(buf, len, "%d(%s)", (int)pid, p && p->comm ? p->comm : "?");
	return buf;
}

static const char *pid_only(pid_t pid, char *buf, size_t len)
{
	snprintf(buf, len, "%d", (int)pid);
	return buf;
}

/* "1234(a) -[pipe:9 write]-> 1235(b) -[pipe:8 write]-> back to 1234(a)"; without comms
 * when brief is set. */
static const char *cycle_text(const struct snapshot *s, const struct deadlock_rec *d,
			      bool brief, char *buf, size_t len)
{
	const struct term_glyphs *g = term_glyphs();
	const char *dash = term_utf8() ? "\u2014" : "-";
	size_t off = 0;
	char name[80];

	buf[0] = 0;
	for (size_t k = 0; k < d->n_pids && off < len; k++) {
		const struct proc_rec *p = snapshot_find_proc(s, d->pids[k]);
		const char *obj = k < d->n_objects && d->objects[k] ? d->objects[k] : "?";
		const char *vb = p ? verb(p->waiting.kind) : NULL;
		char sem[24] = "";

		if (p && p->waiting.kind == WAIT_SEM_WAIT && p->waiting.arg >= 0)
			snprintf(sem, sizeof(sem), " #%lld", (long long)p->waiting.arg);
		off += (size_t)snprintf(buf + off, len - off, "%s %s[%s%s%s%s]%s ",
					brief ? pid_only(d->pids[k], name, sizeof(name))
					      : who(s, d->pids[k], name, sizeof(name)), dash, obj, sem,
					vb ? " " : "", vb ? vb : "", g->arrow);
	}
	if (off < len && d->n_pids)
		snprintf(buf + off, len - off, "back to %s",
			 brief ? pid_only(d->pids[0], name, sizeof(name))
			       : who(s, d->pids[0], name, sizeof(name)));
	return buf;
}

bool view_deadlock_banner(const struct ui_frame *f, WINDOW *w, int y, int x, int width)
{
	const struct snapshot *s = f->snap;
	attr_t a = term_attr(ROLE_ALERT);
	char cyc[1024], line[1400], age[32], count[32] = "";
	const struct deadlock_rec *d;

	if (!s || !s->n_deadlocks || width <= 0)
		return false;
	d = &s->deadlocks[0];
	if (s->n_deadlocks > 1)
		snprintf(count, sizeof(count), " (1 of %zu)", s->n_deadlocks);
	/* with names when they fit, else pids only (the page has the rest) */
	for (int brief = 0; brief < 2; brief++) {
		cycle_text(s, d, brief, cyc, sizeof(cyc));
		snprintf(line, sizeof(line), " DEADLOCK%s for %s: %s   D: details ", count,
			 d->since > 0 ? fmt_age(s->time - d->since, age, sizeof(age)) : "?", cyc);
		if (term_width(line) <= width)
			break;
	}
	term_fill(w, y, x, width, a);
	term_put(w, y, x, width, line, a, false, false);
	return true;
}

/* ---- the page ---- */

struct dlview {
	struct view v;
	struct page pg;
	size_t n_deadlocks, n_stalls;
};

static void proc_lines(struct page *pg, const struct snapshot *s, pid_t pid, pid_t next)
{
	const struct proc_rec *p = snapshot_find_proc(s, pid);
	char label[80], wait[FMT_CELL_MAX], nb[80], list[512];
	pid_t ub[MAX_UNBLOCKERS];
	size_t n, off = 0;
	bool known;

	who(s, pid, label, sizeof(label));
	if (!p) {
		page_field_role(pg, ROLE_ERROR, label, "not in the snapshot");
		return;
	}
	page_field_role(pg, ROLE_ZOMBIE, label, "%s", fmt_proc_wait(p, wait, sizeof(wait)));
	n = waitgraph_unblockers(s, p, ub, MAX_UNBLOCKERS, &known);
	list[0] = 0;
	for (size_t i = 0; i < n && i < MAX_UNBLOCKERS && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "",
					who(s, ub[i], nb, sizeof(nb)));
	if (n > MAX_UNBLOCKERS && off < sizeof(list))
		snprintf(list + off, sizeof(list) - off, " and %zu more", n - MAX_UNBLOCKERS);
	page_field(pg, "", "could be woken only by %s, blocked itself; next in the cycle: %s",
		   known && n ? list : "?", who(s, next, nb, sizeof(nb)));
}

static void dl_update(struct view *v, const struct ui_frame *f)
{
	struct dlview *dv = (struct dlview *)v;
	const struct snapshot *s = f->snap;
	struct page *pg = &dv->pg;
	char buf[1024], age[32], name[80];

	page_clear(pg);
	if (!s) {
		page_text(pg, ROLE_DIM, "waiting for the first snapshot...");
		return;
	}
	dv->n_deadlocks = s->n_deadlocks;
	dv->n_stalls = s->n_stalls;
	page_section(pg, "Deadlocks");
	if (!s->n_deadlocks)
		page_text(pg, ROLE_DIM, "none in the current snapshot");
	for (size_t i = 0; i < s->n_deadlocks; i++) {
		const struct deadlock_rec *d = &s->deadlocks[i];

		page_text(pg, ROLE_ERROR, "Deadlock %zu: %zu processes, for %s", i + 1, d->n_pids,
			  d->since > 0 ? fmt_age(s->time - d->since, age, sizeof(age)) : "?");
		page_text(pg, ROLE_NORMAL, "%s", cycle_text(s, d, false, buf, sizeof(buf)));
		for (size_t k = 0; k < d->n_pids; k++)
			proc_lines(pg, s, d->pids[k], d->pids[(k + 1) % d->n_pids]);
		page_blank(pg);
	}
	page_text(pg, ROLE_DIM, "A deadlock is a cycle of blocked processes in which each waits "
		  "for the next and nothing outside the cycle can end any of the waits: they stay "
		  "blocked until one of them is killed (k on its row in the process list).");

	page_section(pg, "Stalls");
	if (!s->n_stalls)
		page_text(pg, ROLE_DIM, "none in the current snapshot");
	for (size_t i = 0; i < s->n_stalls; i++) {
		const struct stall_rec *st = &s->stalls[i];

		page_field_role(pg, ROLE_WARN, who(s, st->pid, name, sizeof(name)),
				"%s %s, for %s: %s", st->kind != WAIT_NONE ? wait_kind_name(st->kind) : "-",
				st->object ? st->object : "-",
				st->since > 0 ? fmt_age(s->time - st->since, age, sizeof(age)) : "?",
				st->reason ? st->reason : "?");
		/* the evidence: which thread, which rule, and each unblocker's own wait */
		if (st->tid > 0 && st->tid != st->pid)
			page_field(pg, "", "the wait is thread %d's", (int)st->tid);
		page_field(pg, "", "evidence: %s; %zu process%s named as unblockers, %zu alive",
			   st->rule ? st->rule : "?", st->named, st->named == 1 ? "" : "es",
			   st->n_unblockers);
		for (size_t k = 0; k < st->n_unblockers; k++)
			if (st->unblockers[k] != st->pid)
				page_field(pg, "", "  %s is stuck in %s",
					   who(s, st->unblockers[k], name, sizeof(name)),
					   st->unblocker_waits ? st->unblocker_waits[k] : "?");
	}
	page_text(pg, ROLE_DIM, "A stall is a wait nothing can end, seen in two snapshots in a row: "
		  "its only unblocker is itself, or everyone who could end it is stuck too, or gone. "
		  "A producer that writes now and then is no stall.");
}

static void dl_draw(struct view *v, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r)
{
	struct dlview *dv = (struct dlview *)v;
	char title[128];

	(void)f;
	snprintf(title, sizeof(title), " Deadlocks (%zu) and stalls (%zu) ", dv->n_deadlocks,
		 dv->n_stalls);
	page_draw(&dv->pg, w, r, title);
}

static struct ui_cmd dl_key(struct view *v, const struct ui_frame *f, int key)
{
	struct dlview *dv = (struct dlview *)v;
	struct ui_cmd cmd = { .kind = CMD_HANDLED };

	(void)f;
	if (!page_key(&dv->pg, key))
		cmd.kind = CMD_UNHANDLED;
	return cmd;
}

static const char *dl_hints(const struct view *v)
{
	(void)v;
	return "arrows scroll  Esc back  ? help  q quit";
}

static void dl_free(struct view *v)
{
	struct dlview *dv = (struct dlview *)v;

	page_fini(&dv->pg);
	free(dv);
}

static const struct view_ops dl_ops = {
	.name = "deadlocks",
	.update = dl_update,
	.draw = dl_draw,
	.key = dl_key,
	.hints = dl_hints,
	.free = dl_free,
};

struct view *view_deadlock_new(void)
{
	struct dlview *dv = xcalloc(1, sizeof(*dv));

	dv->v.ops = &dl_ops;
	page_init(&dv->pg);
	return &dv->v;
}
