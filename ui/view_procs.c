/*
 * view_procs.c - the Processes panel: a tree by parent pid, with state, zombie/orphan marks
 * and a signal summary, and the process detail page.
 *
 * The tree: children sorted by pid under their parent; a process whose parent is not in the
 * snapshot (or is hidden) is a root. Kernel threads are hidden unless the user asks (K), as
 * htop does: on a typical machine they outnumber everything else and use no IPC.
 *
 * Cost: linear in the number of processes, however deep the tree (issue 11: a 40,000-deep
 * chain of processes a user can make must not stall root's dashboard). A row's prefix shows
 * at most TREE_LEVELS_SHOWN levels: deeper rows start with "…+N", N the levels left out, so
 * each row costs the same and the panel's memory stays proportional to its rows.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/signames.h"
#include "src/waitgraph.h"
#include "src/waiting.h"
#include "ui/endpoints.h"
#include "ui/page.h"
#include "ui/panel.h"

/* "!USR1 B2 I1 C5": pending signals by name, then how many are blocked, ignored and caught. */
static const char *sig_summary(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	const struct proc_rec *p = rec;
	uint64_t pend;
	char names[FMT_CELL_MAX];
	size_t off = 0;
	const char *tags = "BIC";
	const enum sigset_kind sets[3] = { SIGSET_BLOCKED, SIGSET_IGNORED, SIGSET_CAUGHT };

	(void)f;
	if (!p->sig_known) {
		snprintf(buf, len, "?");
		return buf;
	}
	buf[0] = 0;
	pend = p->sig[SIGSET_PENDING] | p->sig[SIGSET_SHARED_PENDING];
	if (pend)
		off += (size_t)snprintf(buf, len, "!%s", fmt_sigmask(pend, names, sizeof(names)));
	for (int i = 0; i < 3 && off < len; i++) {
		int n = __builtin_popcountll(p->sig[sets[i]]);

		if (n)
			off += (size_t)snprintf(buf + off, len - off, "%s%c%d", off ? " " : "", tags[i], n);
	}
	if (!buf[0])
		snprintf(buf, len, "-");
	return buf;
}

static const struct panel_col cols[] = {
	{ .type = PCOL_FMT, .title = "PID" },
	{ .type = PCOL_FMT, .title = "PPID", .drop = 3 },
	{ .type = PCOL_FMT, .title = "UID", .drop = 4 },
	{ .type = PCOL_FMT, .title = "S" },
	{ .type = PCOL_FMT, .title = "FLG" },
	{ .type = PCOL_FMT, .title = "THR", .drop = 5 },
	{ .type = PCOL_TEXT, .title = "SIGNALS", .width = 14, .drop = 1, .cell = sig_summary },
	{ .type = PCOL_FMT, .title = "PENDING", .drop = 6 },
	{ .type = PCOL_FMT, .title = "BLOCKED", .drop = 6 },
	{ .type = PCOL_FMT, .title = "WAITING", .drop = 2 },
	{ .type = PCOL_FMT, .title = "COMMAND", .tree = true, .min = 28 },
};

/* ---- the tree ---- */

#define TREE_LEVELS_SHOWN 24	/* levels of prefix drawn; deeper rows elide the rest */
#define TREE_PREFIX_MAX (8 * (TREE_LEVELS_SHOWN + 1) + 32)

struct tree {
	const struct snapshot *s;
	size_t *first_child;	/* index + 1 of the first child, 0 none */
	size_t *next_sibling;	/* index + 1 of the next sibling, 0 none */
	bool *shown;
	/* scratch for the walk, sized once for the whole snapshot */
	size_t *stack;
	size_t *depth;
	bool *more;		/* per depth: the ancestor at that depth has a later sibling */
	char *prefix;
};

static bool visible(const struct ui_frame *f, const struct proc_rec *p)
{
	return !p->kthread || f->set->show_kthreads;
}

/* Walks the subtree of root depth-first without recursion, adding rows with their prefix. */
static void add_subtree(struct panel *p, const struct tree *t, size_t root)
{
	const struct term_glyphs *g = term_glyphs();
	size_t sp = 0;

	t->stack[sp++] = root;
	t->depth[root] = 0;
	while (sp) {
		size_t i = t->stack[--sp], d = t->depth[i], off = 0, c, start = sp, first;

		if (t->shown[i])
			continue;	/* a cycle in bad data: show each process once */
		t->shown[i] = true;
		t->more[d] = t->next_sibling[i] != 0;
		t->prefix[0] = 0;
		first = 1;
		if (d > TREE_LEVELS_SHOWN) {	/* "…+N": the levels above not drawn */
			first = d - TREE_LEVELS_SHOWN + 1;
			off += (size_t)sprintf(t->prefix, "%s+%zu ", g->ellipsis, first - 1);
		}
		for (size_t k = first; k < d; k++)
			off += (size_t)sprintf(t->prefix + off, "%s",
					       t->more[k] ? g->tree_pipe : g->tree_blank);
		if (d > 0)
			sprintf(t->prefix + off, "%s", t->more[d] ? g->tree_mid : g->tree_last);
		panel_add_row(p, &t->s->procs[i], d > 0 ? t->prefix : NULL);

		/* push the children, then reverse them so the lowest pid comes out first */
		for (c = t->first_child[i]; c; c = t->next_sibling[c - 1]) {
			t->stack[sp++] = c - 1;
			t->depth[c - 1] = d + 1;
		}
		for (size_t a = start, b = sp; a + 1 < b; a++, b--) {
			size_t tmp = t->stack[a];

			t->stack[a] = t->stack[b - 1];
			t->stack[b - 1] = tmp;
		}
	}
}

static void build(struct panel *p, const struct ui_frame *f)
{
	const struct snapshot *s = f->snap;
	size_t n = s->n_procs, *last_child;
	struct tree t = { .s = s };

	if (!n)
		return;
	if (f->set && f->set->flat) {	/* F5: a flat list by pid */
		for (size_t i = 0; i < n; i++)
			if (visible(f, &s->procs[i]))
				panel_add_row(p, &s->procs[i], NULL);
		return;
	}
	t.first_child = xcalloc(n, sizeof(size_t));
	t.next_sibling = xcalloc(n, sizeof(size_t));
	t.shown = xcalloc(n, sizeof(bool));
	t.stack = xcalloc(n + 1, sizeof(size_t));
	t.depth = xcalloc(n, sizeof(size_t));
	t.more = xcalloc(n + 1, sizeof(bool));
	t.prefix = xmalloc(TREE_PREFIX_MAX);	/* a glyph pair is at most 6 bytes per level */
	last_child = xcalloc(n, sizeof(size_t));

	/* procs are sorted by pid, so appending keeps every child list sorted */
	for (size_t i = 0; i < n; i++) {
		const struct proc_rec *pr = &s->procs[i], *parent;
		size_t pi;

		if (!visible(f, pr) || pr->ppid == pr->pid)
			continue;
		parent = pr->ppid > 0 ? snapshot_find_proc(s, pr->ppid) : NULL;
		if (!parent || !visible(f, parent))
			continue;
		pi = (size_t)(parent - s->procs);
		if (last_child[pi])
			t.next_sibling[last_child[pi] - 1] = i + 1;
		else
			t.first_child[pi] = i + 1;
		last_child[pi] = i + 1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct proc_rec *pr = &s->procs[i], *parent;

		if (!visible(f, pr) || t.shown[i])
			continue;
		parent = pr->ppid > 0 && pr->ppid != pr->pid ? snapshot_find_proc(s, pr->ppid) : NULL;
		if (parent && visible(f, parent))
			continue;	/* reached from its parent */
		add_subtree(p, &t, i);
	}
	/* anything left (parent cycles in bad data) as roots */
	for (size_t i = 0; i < n; i++)
		if (visible(f, &s->procs[i]) && !t.shown[i])
			add_subtree(p, &t, i);
	free(last_child);
	free(t.prefix);
	free(t.more);
	free(t.depth);
	free(t.stack);
	free(t.shown);
	free(t.next_sibling);
	free(t.first_child);
}

static enum ui_role row_role(const struct ui_frame *f, const void *rec)
{
	const struct proc_rec *p = rec;

	for (size_t i = 0; f->snap && i < f->snap->n_deadlocks; i++)
		for (size_t k = 0; k < f->snap->deadlocks[i].n_pids; k++)
			if (f->snap->deadlocks[i].pids[k] == p->pid)
				return ROLE_ERROR;	/* deadlocked: red, like the alert */
	if (p->zombie)
		return ROLE_ZOMBIE;
	if (p->orphan)
		return ROLE_ORPHAN;
	if (p->kthread)
		return ROLE_DIM;
	return ROLE_NORMAL;
}

/* ---- the detail page ---- */

static const char *state_name(char st)
{
	switch (st) {
	case 'R': return "running";
	case 'S': return "sleeping";
	case 'D': return "uninterruptible sleep";
	case 'T': return "stopped";
	case 't': return "stopped by a tracer";
	case 'Z': return "zombie (exited, not yet waited for)";
	case 'X': return "dead";
	case 'I': return "idle kernel thread";
	case 'P': return "parked";
	case 'W': return "waking";
	case 'K': return "wakekill";
	}
	return "unknown";
}

static void sigset_field(struct page *pg, const char *label, uint64_t mask)
{
	char buf[1024];

	page_field_role(pg, mask ? ROLE_NORMAL : ROLE_DIM, label, "%s",
			mask ? sigmask_format(mask, buf, sizeof(buf)) : "none");
}

/* What p waits in, who could end it, and whether it is part of a deadlock or a stall. */
static void wait_fields(struct page *pg, const struct snapshot *s, const struct proc_rec *p)
{
	pid_t ub[16];
	char b2[64];
	bool known;
	size_t n;

	if (p->waiting.tid > 0 && p->waiting.tid != p->pid)
		page_field(pg, "thread", "%d (not the main thread, which waits in %s)",
			   (int)p->waiting.tid, p->main_waiting.kind == WAIT_NONE ? "nothing known"
			   : p->main_waiting.detail ? p->main_waiting.detail
			   : wait_kind_name(p->main_waiting.kind));
	page_field(pg, "wait kind", "%s", wait_kind_name(p->waiting.kind));
	page_field(pg, "object", "%s", p->waiting.object ? p->waiting.object : "-");
	page_field(pg, "detail", "%s", p->waiting.detail ? p->waiting.detail : "-");
	n = waitgraph_unblockers(s, p, ub, sizeof(ub) / sizeof(ub[0]), &known);
	if (!known)
		page_field_role(pg, ROLE_DIM, "could be woken by", "? (not determinable for this wait)");
	else if (!n)
		page_field_role(pg, ROLE_WARN, "could be woken by", "no live process");
	else
		ui_page_pids(pg, s, "could be woken by", ub, n < 16 ? n : 16);
	if (n > 16)
		page_field(pg, "", "and %zu more", n - 16);
	for (size_t i = 0; i < s->n_deadlocks; i++)
		for (size_t k = 0; k < s->deadlocks[i].n_pids; k++)
			if (s->deadlocks[i].pids[k] == p->pid)
				page_field_role(pg, ROLE_ZOMBIE, "DEADLOCKED", "yes: waits for %s in "
						"a cycle of %zu processes (D draws it)",
						ui_pid_comm(s, s->deadlocks[i].pids[(k + 1) %
						s->deadlocks[i].n_pids], b2, sizeof(b2)),
						s->deadlocks[i].n_pids);
	for (size_t i = 0; i < s->n_stalls; i++)
		if (s->stalls[i].pid == p->pid)
			page_field_role(pg, ROLE_WARN, "stalled", "%s: %s",
					s->stalls[i].object ? s->stalls[i].object : "-",
					s->stalls[i].reason ? s->stalls[i].reason : "?");
}

static void detail(struct page *pg, const struct ui_frame *f, const void *rec)
{
	const struct proc_rec *p = rec;
	const struct snapshot *s = f->snap;
	char buf[FMT_CELL_MAX], b2[64];
	size_t n;

	page_section(pg, "Process");
	page_field(pg, "pid", "%d", (int)p->pid);
	page_field(pg, "parent", "%s", ui_pid_comm(s, p->ppid, b2, sizeof(b2)));
	page_field(pg, "process group", "%d", (int)p->pgid);
	page_field(pg, "session", "%d", (int)p->sid);
	page_field_role(pg, p->zombie ? ROLE_ZOMBIE : ROLE_NORMAL, "state", "%c (%s)", p->state,
			state_name(p->state));
	page_field(pg, "command name", "%s", p->comm ? p->comm : "?");
	page_field(pg, "command line", "%s", p->cmdline ? (*p->cmdline ? p->cmdline : "(none: kernel thread)") : "? (unreadable)");
	page_field(pg, "uid", "%s", fmt_int(p->uid, buf, sizeof(buf)));
	page_field(pg, "threads", "%s", p->nthreads > 0 ? fmt_int(p->nthreads, buf, sizeof(buf)) : "?");
	page_field(pg, "start (clock ticks)", "%llu", p->start_ticks);
	if (p->kthread)
		page_field(pg, "kernel thread", "yes");
	if (p->zombie) {
		char age[32];

		page_field_role(pg, ROLE_ZOMBIE, "zombie", "yes: its parent %s has not called wait() "
				"yet", ui_pid_comm(s, p->ppid, b2, sizeof(b2)));
		if (p->zombie_since > 0)
			page_field_role(pg, ROLE_ZOMBIE, "zombie for", "%s%s",
					p->zombie_seen_alive ? "" : "at least ",
					fmt_age(s->time - p->zombie_since, age, sizeof(age)));
	}
	if (p->orphan)
		page_field_role(pg, ROLE_ORPHAN, "orphan", "yes: re-parented to %s%s%s",
				ui_pid_comm(s, p->ppid, b2, sizeof(b2)),
				p->original_ppid ? ", first parent " : "",
				p->original_ppid ? fmt_int(p->original_ppid, buf, sizeof(buf)) : "");

	page_section(pg, "Signals");
	if (p->sig_known) {
		sigset_field(pg, "pending (thread)", p->sig[SIGSET_PENDING]);
		sigset_field(pg, "pending (process)", p->sig[SIGSET_SHARED_PENDING]);
		sigset_field(pg, "blocked", p->sig[SIGSET_BLOCKED]);
		sigset_field(pg, "ignored", p->sig[SIGSET_IGNORED]);
		sigset_field(pg, "caught", p->sig[SIGSET_CAUGHT]);
	} else {
		page_field_role(pg, ROLE_ERROR, "masks", "? (not readable)");
	}
	if (p->sigq_queued >= 0 || p->sigq_limit >= 0) {
		char b3[32];

		page_field(pg, "queued / limit", "%s / %s", fmt_int(p->sigq_queued, buf, sizeof(buf)),
			   fmt_int(p->sigq_limit, b3, sizeof(b3)));
	}

	page_section(pg, "Waiting");
	page_field(pg, "waiting on", "%s", fmt_proc_wait(p, buf, sizeof(buf)));
	if (p->waiting.kind != WAIT_NONE && p->waiting.kind != WAIT_OTHER)
		wait_fields(pg, s, p);
	{
		/* the kernel's view of the thread in the shown wait */
		const char *wchan = p->wchan;
		bool sc_known = p->syscall_known;
		long long nr = (long long)p->syscall_nr;

		for (size_t k = 0; k < p->n_other_threads; k++)
			if (p->other_threads[k].tid == p->waiting.tid) {
				wchan = p->other_threads[k].wchan;
				sc_known = p->other_threads[k].syscall_known;
				nr = (long long)p->other_threads[k].syscall_nr;
			}
		page_field(pg, "kernel function", "%s", wchan ? wchan : "-");
		if (sc_known)
			page_field(pg, "system call", "%lld", nr);
	}
	for (size_t k = 0; k < p->n_other_threads; k++) {
		const struct thread_wait *t = &p->other_threads[k];
		char lbl[32];

		if (!waiting_is_ipc(t->waiting.kind) || t->tid == p->waiting.tid)
			continue;
		snprintf(lbl, sizeof(lbl), "thread %d", (int)t->tid);
		page_field(pg, lbl, "%s", fmt_wait(&t->waiting, buf, sizeof(buf)));
	}

	if (p->io_rchar >= 0 || p->io_wchar >= 0) {
		char b3[32];

		page_section(pg, "I/O");
		page_field(pg, "read / written", "%s / %s", fmt_bytes(p->io_rchar, buf, sizeof(buf)),
			   fmt_bytes(p->io_wchar, b3, sizeof(b3)));
	}

	page_section(pg, "Children");
	n = 0;
	for (size_t i = 0; i < s->n_procs; i++) {
		if (s->procs[i].ppid == p->pid && s->procs[i].pid != p->pid) {
			page_field_role(pg, row_role(f, &s->procs[i]), n ? "" : "children", "%s%s",
					ui_pid_comm(s, s->procs[i].pid, b2, sizeof(b2)),
					s->procs[i].zombie ? " (zombie)" : "");
			n++;
		}
	}
	if (!n)
		page_field_role(pg, ROLE_DIM, "children", "none");

	ep_page_channels(pg, f, p);	/* issue 3: every channel and who is at the other end */

	page_section(pg, "System V IPC");
	n = 0;
	for (size_t i = 0; i < s->n_msgqs; i++) {
		const struct msgq_rec *q = &s->msgqs[i];

		if (q->last_send_pid == p->pid || q->last_recv_pid == p->pid) {
			page_field(pg, "message queue", "msg:%d (last %s%s%s)", q->perm.id,
				   q->last_send_pid == p->pid ? "sender" : "",
				   q->last_send_pid == p->pid && q->last_recv_pid == p->pid ? " and " : "",
				   q->last_recv_pid == p->pid ? "receiver" : "");
			n++;
		}
	}
	for (size_t i = 0; i < s->n_shms; i++) {
		const struct shm_rec *m = &s->shms[i];

		bool att = false;

		for (size_t k = 0; k < m->n_attached && !att; k++)
			att = m->attached_pids[k] == p->pid;
		if (att || m->creator_pid == p->pid || m->last_pid == p->pid) {
			page_field(pg, "shared memory", "shm:%d %s (%s)%s%s", m->perm.id,
				   att ? "attached" : "not attached now",
				   fmt_bytes(m->size, buf, sizeof(buf)),
				   m->creator_pid == p->pid ? ", created it" : "",
				   m->last_pid == p->pid ? ", last to attach or detach" : "");
			n++;
		}
	}
	for (size_t i = 0; i < s->n_sems; i++) {
		const struct sem_rec *sm = &s->sems[i];

		for (int k = 0; sm->last_pids && k < sm->nsems; k++) {
			if (sm->last_pids[k] == p->pid) {
				page_field(pg, "semaphore set", "sem:%d (last to operate on #%d)",
					   sm->perm.id, k);
				n++;
				break;
			}
		}
	}
	if (!n)
		page_field_role(pg, ROLE_DIM, "objects", "none seen");

	if (p->error)
		page_field_role(pg, ROLE_ERROR, "unknown because", "%s", p->error);
}

const struct panel_def view_procs_panel = {
	.kind = FMT_PROCESSES,
	.short_title = "Procs",
	.cols = cols,
	.n_cols = sizeof(cols) / sizeof(cols[0]),
	.build = build,
	.row_role = row_role,
	.detail = detail,
	.empty = "no processes (none readable, or none match --pid)",
	.help = "Processes as a tree by parent pid. S is the state (R running, S sleeping, "
		"D uninterruptible, T stopped, Z zombie). FLG: Z zombie, O orphan (re-parented "
		"to init or a subreaper), K kernel thread. SIGNALS: !NAMES are pending, then "
		"how many signals are blocked (B), ignored (I) and caught by a handler (C). "
		"WAITING: what a sleeping process is blocked in (pipe_read pipe:123 (fd 4), "
		"sem_wait sem:5, ...); red rows are deadlocked. k or F9 sends the selected "
		"process a signal. K shows or hides kernel threads; F5 switches between the "
		"tree and a flat list by pid.",
};
