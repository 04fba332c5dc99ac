/*
 * waitgraph.c - the wait-for graph, deadlock cycles and stalls (see waitgraph.h).
 *
 * Models: node = a process blocked in IPC (waiting_is_ipc); its out-edges = the live
 * processes that could end its wait. The deadlocked set is the largest set of nodes whose
 * out-edges all stay inside it (computed by repeatedly dropping nodes with an edge to a
 * process outside); Tarjan's algorithm splits it into strongly connected components and each
 * component of two or more processes yields one cycle, walked from its lowest pid along the
 * lowest-pid successor. Invariants: pure function of (cur, prev); every reported cycle is a
 * real cycle of the graph; a process appears in at most one stall.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/futex.h>
#include <sys/syscall.h>

#include "src/format.h"
#include "src/waiting.h"
#include "src/waitgraph.h"

/* ---- unblockers ---------------------------------------------------------------------------- */

struct pidvec {
	pid_t *v;
	size_t n, cap;
};

static void pv_add(struct pidvec *x, pid_t pid)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i] == pid)
			return;
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 8;
		x->v = xreallocarray(x->v, x->cap, sizeof(*x->v));
	}
	x->v[x->n++] = pid;
}

struct ub {
	bool known;		/* the wait has determinable unblockers */
	size_t named;		/* processes the objects name (live or not) */
	struct pidvec live;	/* those that exist and are not zombies */
};

static void add_named(const struct snapshot *s, struct ub *u, pid_t pid)
{
	const struct proc_rec *p;

	if (pid <= 0)
		return;
	u->named++;
	p = snapshot_find_proc(s, pid);
	if (p && !p->zombie)
		pv_add(&u->live, pid);
}

/* "PREFIX<number>" */
static bool id_num(const char *id, const char *prefix, unsigned long long *out)
{
	size_t k = strlen(prefix);
	char *end;

	if (!id || strncmp(id, prefix, k) != 0 || !id[k])
		return false;
	*out = strtoull(id + k, &end, 10);
	return *end == '\0';
}

/* ---- the waits of a process's threads -------------------------------------------------- */

/* The i-th IPC wait of p (0 = the shown one, proc_rec.waiting; then the main thread's and the
 * other threads' when they are other waits), or NULL past the last. */
static const struct proc_wait *ipc_wait_at(const struct proc_rec *p, size_t i)
{
	size_t k = 0;

	if (waiting_is_ipc(p->waiting.kind) && k++ == i)
		return &p->waiting;
	if (waiting_is_ipc(p->main_waiting.kind) && p->main_waiting.tid != p->waiting.tid &&
	    k++ == i)
		return &p->main_waiting;
	for (size_t t = 0; t < p->n_other_threads; t++) {
		const struct proc_wait *w = &p->other_threads[t].waiting;

		if (waiting_is_ipc(w->kind) && w->tid != p->waiting.tid && k++ == i)
			return w;
	}
	return NULL;
}

/* Whether one of p's threads waits in kind on object obj. */
static bool proc_waits_on(const struct proc_rec *p, enum wait_kind kind, const char *obj)
{
	const struct proc_wait *w;

	for (size_t i = 0; (w = ipc_wait_at(p, i)); i++)
		if (w->kind == kind && w->object && strcmp(w->object, obj) == 0)
			return true;
	return false;
}

/*
 * A thread asleep on a futex without a timeout that only the process's own threads can wake:
 * a private futex (FUTEX_PRIVATE_FLAG), or a join (the futex holds the tid of one of its
 * threads, which the kernel clears when that thread ends). Such a thread cannot end another
 * thread's IPC wait until one of them wakes it.
 */
static bool futex_internal(const struct proc_rec *p, bool known, int64_t nr, const uint64_t *a)
{
	int cmd = (int)(a[1] & FUTEX_CMD_MASK);

	if (!known || nr != SYS_futex || a[3] != 0 || (cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET))
		return false;
	if (a[1] & FUTEX_PRIVATE_FLAG)
		return true;
	for (size_t t = 0; t < p->n_other_threads; t++)
		if ((uint64_t)(uint32_t)p->other_threads[t].tid == (a[2] & 0xffffffffu))
			return true;
	return false;
}

/*
 * Whether p is blocked as a whole: a single-threaded process in an IPC wait; a multi-threaded
 * one when every thread was read and each sleeps (S or D) in an IPC wait or in a futex only
 * its own threads can end, at least one in IPC. A thread that runs or sleeps in anything else
 * (a timer, epoll) could end any of the others' waits.
 */
static bool proc_blocked(const struct proc_rec *p)
{
	bool ipc = false;

	if (p->nthreads <= 1 && !p->n_other_threads)
		return (p->state == 'S' || p->state == 'D') && waiting_is_ipc(p->waiting.kind);
	if (!p->other_threads_complete || (p->state != 'S' && p->state != 'D'))
		return false;
	if (waiting_is_ipc(p->main_waiting.kind))
		ipc = true;
	else if (!futex_internal(p, p->syscall_known, p->syscall_nr, p->syscall_args))
		return false;
	for (size_t t = 0; t < p->n_other_threads; t++) {
		const struct thread_wait *tw = &p->other_threads[t];

		if (tw->state != 'S' && tw->state != 'D')
			return false;
		if (waiting_is_ipc(tw->waiting.kind))
			ipc = true;
		else if (!futex_internal(p, tw->syscall_known, tw->syscall_nr, tw->syscall_args))
			return false;
	}
	return ipc;
}

static void pipe_unblockers(const struct snapshot *s, const struct proc_wait *w, struct ub *u)
{
	unsigned long long ino;
	const struct pipe_rec *pr = NULL;
	unsigned need = w->kind == WAIT_PIPE_READ ? FD_MODE_WRITE : FD_MODE_READ;

	if (id_num(w->object, "pipe:", &ino))
		pr = snapshot_find_pipe(s, PIPE_ANON, ino);
	else if (id_num(w->object, "fifo:", &ino))
		pr = snapshot_find_pipe(s, PIPE_FIFO, ino);
	if (!pr)
		return;
	u->known = true;
	for (size_t i = 0; i < pr->n_ends; i++)
		if (pr->ends[i].mode & need)
			add_named(s, u, pr->ends[i].pid);
}

static void socket_unblockers(const struct snapshot *s, const struct proc_wait *w, struct ub *u)
{
	unsigned long long ino;
	const struct usock_rec *us, *peer;

	if (!id_num(w->object, "unix:", &ino) || !(us = snapshot_find_usock(s, ino)) ||
	    !us->peer_known || !us->peer_inode || !(peer = snapshot_find_usock(s, us->peer_inode)))
		return;
	u->known = true;
	for (size_t i = 0; i < peer->n_holders; i++)
		add_named(s, u, peer->holders[i].pid);
}

static void msg_unblockers(const struct snapshot *s, const struct proc_wait *w, struct ub *u)
{
	bool recv = w->kind == WAIT_MSG_RECV;
	enum wait_kind other = recv ? WAIT_MSG_SEND : WAIT_MSG_RECV;
	unsigned long long id;
	const char *obj = w->object;

	if (obj && strncmp(obj, "pmq:", 4) == 0) {
		char name[FMT_ID_MAX];
		const struct pmq_rec *q = names_unescape_id(obj + 4, name, sizeof(name)) < 0 ? NULL
					  : snapshot_find_pmq(s, name);
		unsigned need = recv ? FD_MODE_WRITE : FD_MODE_READ;

		if (!q)
			return;
		u->known = true;
		for (size_t i = 0; i < q->n_holders; i++)
			if (q->holders[i].mode & need)
				add_named(s, u, q->holders[i].pid);
		return;
	}
	if (!id_num(obj, "msg:", &id) || id > INT32_MAX)
		return;
	{
		const struct msgq_rec *q = snapshot_find_msgq(s, (int)id);

		if (!q)
			return;
		add_named(s, u, recv ? q->last_send_pid : q->last_recv_pid);
	}
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct proc_rec *o = &s->procs[i];

		if (proc_waits_on(o, other, obj))
			add_named(s, u, o->pid);
	}
	/* nobody has used it yet: anyone might, so nothing is known */
	u->known = u->named > 0;
}

static void sem_unblockers(const struct snapshot *s, const struct proc_wait *w, struct ub *u)
{
	unsigned long long id;
	const struct sem_rec *sr;
	int64_t k = w->arg;

	if (!id_num(w->object, "sem:", &id) || id > INT32_MAX ||
	    !(sr = snapshot_find_sem(s, (int)id)) || !sr->last_pids)
		return;
	for (int i = 0; i < sr->nsems; i++)
		if (k < 0 || k >= sr->nsems || i == k)
			add_named(s, u, (pid_t)sr->last_pids[i]);
	u->known = u->named > 0;
}

static void child_unblockers(const struct snapshot *s, const struct proc_rec *p,
			     const struct proc_wait *w, struct ub *u)
{
	unsigned long long pid;

	if (id_num(w->object, "pid:", &pid) && pid <= INT32_MAX) {
		u->known = true;
		add_named(s, u, (pid_t)pid);
		return;
	}
	if (w->arg < 0)
		return;
	u->known = true;
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct proc_rec *c = &s->procs[i];

		if (c->ppid == p->pid && (w->arg == 0 || c->pgid == w->arg))
			add_named(s, u, c->pid);
	}
}

/* Adds the processes that could end wait w of p (one of its threads' waits) to u. */
static void wait_unblockers(const struct snapshot *s, const struct proc_rec *p,
			    const struct proc_wait *w, struct ub *u)
{
	switch (w->kind) {
	case WAIT_PIPE_READ:
	case WAIT_PIPE_WRITE:
		pipe_unblockers(s, w, u);
		break;
	case WAIT_SOCKET_RECV:
	case WAIT_SOCKET_SEND:
		socket_unblockers(s, w, u);
		break;
	case WAIT_MSG_SEND:
	case WAIT_MSG_RECV:
		msg_unblockers(s, w, u);
		break;
	case WAIT_SEM_WAIT:
		sem_unblockers(s, w, u);
		break;
	case WAIT_CHILD_WAIT:
		child_unblockers(s, p, w, u);
		break;
	default:
		break;
	}
}

static void ub_reset(struct ub *u)
{
	u->known = false;
	u->named = 0;
	u->live.n = 0;
}

/* The unblockers of p's shown wait (proc_rec.waiting). */
static void unblockers(const struct snapshot *s, const struct proc_rec *p, struct ub *u)
{
	ub_reset(u);
	wait_unblockers(s, p, &p->waiting, u);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

size_t waitgraph_unblockers(const struct snapshot *s, const struct proc_rec *p, pid_t *out,
			    size_t cap, bool *known)
{
	struct ub u = { 0 };
	size_t n;

	if (known)
		*known = false;
	if (!p || !waiting_is_ipc(p->waiting.kind))
		return 0;
	unblockers(s, p, &u);
	if (known)
		*known = u.known;
	if (u.live.n > 1)
		qsort(u.live.v, u.live.n, sizeof(pid_t), cmp_pid);
	n = u.live.n;
	for (size_t i = 0; i < n && i < cap; i++)
		out[i] = u.live.v[i];
	free(u.live.v);
	return n;
}

/* ---- the pass ------------------------------------------------------------------------------ */

struct node {
	bool blocked;		/* blocked as a whole in IPC (proc_blocked) */
	bool known;		/* every one of its IPC waits has determinable unblockers */
	size_t named;
	size_t *succ;		/* indexes of live unblockers (itself included) */
	const char **succ_obj;	/* per succ: the object of the wait it could end (NULL: a child) */
	size_t n_succ;
	bool self_edge;
	bool in_d;		/* stuck: in the largest set no one outside can unblock */
	/* Tarjan */
	long index, low;
	bool on_stack;
	long comp;
};

struct graph {
	const struct snapshot *rs;	/* read from */
	struct snapshot *s;		/* written to (NULL for the previous snapshot's graph) */
	const struct snapshot *prev;
	struct node *nodes;
	size_t n;
	long *comp_size;
	size_t n_comps;
};

static void build(struct graph *g)
{
	const struct snapshot *s = g->rs;
	struct ub u = { 0 };

	for (size_t i = 0; i < g->n; i++) {
		const struct proc_rec *p = &s->procs[i];
		struct node *nd = &g->nodes[i];
		const struct proc_wait *w;

		nd->comp = -1;
		nd->index = -1;
		nd->blocked = proc_blocked(p);
		if (!nd->blocked)
			continue;
		/* the union of what could end any of its threads' waits: waking one thread is
		 * enough for the process to act again */
		nd->known = true;
		for (size_t k = 0; (w = ipc_wait_at(p, k)); k++) {
			ub_reset(&u);
			wait_unblockers(s, p, w, &u);
			nd->known = nd->known && u.known;
			nd->named += u.named;
			for (size_t j = 0; j < u.live.n; j++) {
				const struct proc_rec *q = snapshot_find_proc(s, u.live.v[j]);
				size_t qi = (size_t)(q - s->procs), m;

				for (m = 0; m < nd->n_succ && nd->succ[m] != qi; m++)
					;
				if (m < nd->n_succ)
					continue;
				nd->succ = xreallocarray(nd->succ, nd->n_succ + 1, sizeof(*nd->succ));
				nd->succ_obj = xreallocarray(nd->succ_obj, nd->n_succ + 1,
							     sizeof(*nd->succ_obj));
				if (qi == i)
					nd->self_edge = true;
				nd->succ_obj[nd->n_succ] = w->object;
				nd->succ[nd->n_succ++] = qi;
			}
		}
	}
	free(u.live.v);
}

/* The largest set of blocked processes whose every live unblocker is in the set; a process
 * whose named unblockers have all exited (none live) is in it too. */
static void deadlocked_set(struct graph *g)
{
	bool changed = true;

	for (size_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];

		g->nodes[i].in_d = nd->blocked && nd->known && (nd->n_succ > 0 || nd->named > 0);
	}
	while (changed) {
		changed = false;
		for (size_t i = 0; i < g->n; i++) {
			struct node *nd = &g->nodes[i];

			if (!nd->in_d)
				continue;
			for (size_t k = 0; k < nd->n_succ; k++)
				if (!g->nodes[nd->succ[k]].in_d) {
					nd->in_d = false;
					changed = true;
					break;
				}
		}
	}
}
/* Tarjan's strongly connected components over the deadlocked set (iterative). */
static void components(struct graph *g)
{
	struct frame {
		size_t v, next;
	} *call = xreallocarray(NULL, g->n ? g->n : 1, sizeof(*call));
	size_t *stack = xreallocarray(NULL, g->n ? g->n : 1, sizeof(*stack));
	size_t sp = 0, depth;
	long counter = 0;

	g->comp_size = xcalloc(g->n ? g->n : 1, sizeof(*g->comp_size));
	for (size_t root = 0; root < g->n; root++) {
		if (!g->nodes[root].in_d || g->nodes[root].index >= 0)
			continue;
		depth = 0;
		call[depth++] = (struct frame){ root, 0 };
		g->nodes[root].index = g->nodes[root].low = counter++;
		stack[sp++] = root;
		g->nodes[root].on_stack = true;
		while (depth) {
			struct frame *f = &call[depth - 1];
			struct node *v = &g->nodes[f->v];

			if (f->next < v->n_succ) {
				size_t w = v->succ[f->next++];
				struct node *nw = &g->nodes[w];

				if (w == f->v || !nw->in_d)
					continue;
				if (nw->index < 0) {
					nw->index = nw->low = counter++;
					stack[sp++] = w;
					nw->on_stack = true;
					call[depth++] = (struct frame){ w, 0 };
				} else if (nw->on_stack && nw->index < v->low) {
					v->low = nw->index;
				}
				continue;
			}
			if (v->low == v->index) {
				size_t w;

				do {
					w = stack[--sp];
					g->nodes[w].on_stack = false;
					g->nodes[w].comp = (long)g->n_comps;
					g->comp_size[g->n_comps]++;
				} while (w != f->v);
				g->n_comps++;
			}
			depth--;
			if (depth) {
				struct node *parent = &g->nodes[call[depth - 1].v];

				if (v->low < parent->low)
					parent->low = v->low;
			}
		}
	}
	free(call);
	free(stack);
}

static const char *edge_object(struct graph *g, size_t from, size_t to)
{
	const struct node *nd = &g->nodes[from];
	char id[FMT_ID_MAX];

	for (size_t k = 0; k < nd->n_succ; k++)
		if (nd->succ[k] == to && nd->succ_obj[k])
			return nd->succ_obj[k];
	/* a wait for any child: the edge is that child */
	return snapshot_strdup(g->s, fmt_id_proc(g->s->procs[to].pid, id, sizeof(id)));
}

static double deadlock_since(const struct graph *g, const pid_t *pids, size_t n)
{
	if (g->prev) {
		for (size_t i = 0; i < g->prev->n_deadlocks; i++) {
			const struct deadlock_rec *d = &g->prev->deadlocks[i];

			if (d->n_pids == n && memcmp(d->pids, pids, n * sizeof(pid_t)) == 0 &&
			    d->since > 0)
				return d->since;
		}
	}
	return g->s->time;
}

static void report_cycle(struct graph *g, long comp, size_t start)
{
	size_t *path = xreallocarray(NULL, g->n, sizeof(*path));
	long *pos = xreallocarray(NULL, g->n, sizeof(*pos));
	size_t len = 0, cur = start, first, n, rot = 0;
	struct deadlock_rec *d;
	pid_t *pids;
	const char **objs;

	for (size_t i = 0; i < g->n; i++)
		pos[i] = -1;
	while (pos[cur] < 0) {
		const struct node *nd = &g->nodes[cur];
		size_t next = SIZE_MAX;

		pos[cur] = (long)len;
		path[len++] = cur;
		for (size_t k = 0; k < nd->n_succ; k++) {
			size_t w = nd->succ[k];

			if (w != cur && g->nodes[w].comp == comp && (next == SIZE_MAX || w < next))
				next = w;
		}
		if (next == SIZE_MAX)
			goto out;	/* cannot happen in a component of two or more */
		cur = next;
	}
	first = (size_t)pos[cur];
	n = len - first;
	for (size_t k = 1; k < n; k++)	/* procs are sorted by pid: lowest index = lowest pid */
		if (path[first + k] < path[first + rot])
			rot = k;
	pids = snapshot_alloc(g->s, n * sizeof(*pids));
	objs = snapshot_alloc(g->s, n * sizeof(*objs));
	for (size_t k = 0; k < n; k++) {
		size_t a = path[first + (rot + k) % n], b = path[first + (rot + k + 1) % n];

		pids[k] = g->s->procs[a].pid;
		objs[k] = edge_object(g, a, b);
	}
	d = snapshot_add_deadlock(g->s);
	d->pids = pids;
	d->n_pids = n;
	d->objects = objs;
	d->n_objects = n;
	d->since = deadlock_since(g, pids, n);
out:
	free(path);
	free(pos);
}

static void deadlocks(struct graph *g)
{
	bool *done = xcalloc(g->n_comps ? g->n_comps : 1, sizeof(*done));

	/* in pid order, so cycles come out ordered by their lowest pid */
	for (size_t i = 0; i < g->n; i++) {
		long c = g->nodes[i].comp;

		if (c < 0 || done[c] || g->comp_size[c] < 2)
			continue;
		done[c] = true;
		report_cycle(g, c, i);
	}
	free(done);
}

/* Stuck in the previous snapshot too, in the same wait: the index of p there, or -1. */
static long stuck_before(const struct graph *g, const struct graph *pg, const struct proc_rec *p)
{
	const struct proc_rec *old;
	size_t oi;

	if (!pg || !(old = snapshot_find_proc(pg->rs, p->pid)) || old->start_ticks != p->start_ticks)
		return -1;
	oi = (size_t)(old - pg->rs->procs);
	if (!pg->nodes[oi].in_d || old->waiting.kind != p->waiting.kind ||
	    old->waiting.tid != p->waiting.tid ||
	    (!old->waiting.object) != (!p->waiting.object) ||
	    (old->waiting.object && strcmp(old->waiting.object, p->waiting.object) != 0))
		return -1;
	(void)g;
	return (long)oi;
}

static const char *self_reason(enum wait_kind k)
{
	switch (k) {
	case WAIT_PIPE_WRITE: return "blocked writing a pipe whose only reader is itself";
	case WAIT_PIPE_READ: return "blocked reading a pipe whose only writer is itself";
	case WAIT_SOCKET_RECV:
	case WAIT_SOCKET_SEND: return "the other end of its socket is held only by itself";
	case WAIT_MSG_SEND:
	case WAIT_MSG_RECV: return "only itself uses the queue";
	case WAIT_SEM_WAIT: return "only itself has operated on the semaphore";
	default: return "only itself could end this wait";
	}
}

/* "pipe_write pipe:11" for q's shown wait, in s's arena. */
static const char *wait_summary(struct snapshot *s, const struct proc_rec *q)
{
	char buf[FMT_ID_MAX + 64];

	snprintf(buf, sizeof(buf), "%s%s%s", wait_kind_name(q->waiting.kind),
		 q->waiting.object ? " " : "", q->waiting.object ? q->waiting.object : "");
	return snapshot_strdup(s, buf);
}

static void add_stall(struct graph *g, size_t i, const char *rule, double since)
{
	const struct proc_rec *p = &g->s->procs[i];
	const struct node *nd = &g->nodes[i];
	struct stall_rec *st;
	char reason[512], when[32];
	size_t used = 0, n_others = 0;
	pid_t *ub;
	const char **ubw;

	ub = snapshot_alloc(g->s, (nd->n_succ ? nd->n_succ : 1) * sizeof(*ub));
	ubw = snapshot_alloc(g->s, (nd->n_succ ? nd->n_succ : 1) * sizeof(*ubw));
	for (size_t k = 0; k < nd->n_succ; k++) {
		const struct proc_rec *q = &g->s->procs[nd->succ[k]];

		ub[k] = q->pid;
		ubw[k] = wait_summary(g->s, q);
	}
	snprintf(when, sizeof(when), "%.0f s", g->s->time - since);
	if (strcmp(rule, "only_itself") == 0) {
		used = (size_t)snprintf(reason, sizeof(reason), "%s", self_reason(p->waiting.kind));
	} else if (strcmp(rule, "unblockers_gone") == 0) {
		used = (size_t)snprintf(reason, sizeof(reason), "%s",
					p->waiting.kind == WAIT_SEM_WAIT
					? "every process that operated on the semaphore has exited"
					: "every process that could end this wait has exited");
	} else {
		used = (size_t)snprintf(reason, sizeof(reason),
					"every process that could end this wait is stuck itself:");
		for (size_t k = 0; k < nd->n_succ && used < sizeof(reason); k++) {
			if (nd->succ[k] == i)
				continue;
			if (n_others++ == 4) {
				used += (size_t)snprintf(reason + used, sizeof(reason) - used, " ...");
				break;
			}
			used += (size_t)snprintf(reason + used, sizeof(reason) - used, "%s pid %d %s",
						 n_others > 1 ? ";" : "", (int)ub[k], ubw[k]);
		}
	}
	if (used < sizeof(reason))
		snprintf(reason + used, sizeof(reason) - used,
			 " (held: stuck in every snapshot for %s)", when);
	st = snapshot_add_stall(g->s);
	st->pid = p->pid;
	st->tid = p->waiting.tid;
	st->kind = p->waiting.kind;
	st->object = p->waiting.object;
	st->reason = snapshot_strdup(g->s, reason);
	st->rule = rule;
	st->unblockers = ub;
	st->unblocker_waits = ubw;
	st->n_unblockers = nd->n_succ;
	st->named = nd->named;
	st->since = since;
}

/*
 * A stall: a stuck process (in the deadlocked set) that is on no reported cycle, and was
 * already stuck in the same wait in the previous snapshot (held over time: one look is no
 * evidence that a wait will not end the next moment). since = the first snapshot that saw
 * it stuck: carried from the previous stall, else the previous snapshot's time.
 */
static void stalls(struct graph *g, const struct graph *pg)
{
	const struct snapshot *s = g->s;

	for (size_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];
		const struct proc_rec *p = &s->procs[i];
		double since;
		long oi;

		if (!nd->in_d || (nd->comp >= 0 && g->comp_size[nd->comp] >= 2))
			continue;	/* not stuck, or on a reported cycle */
		if ((oi = stuck_before(g, pg, p)) < 0)
			continue;	/* not (yet) held over time */
		since = pg->rs->time;
		for (size_t k = 0; k < pg->rs->n_stalls; k++) {
			const struct stall_rec *o = &pg->rs->stalls[k];

			if (o->pid == p->pid && o->since > 0) {
				since = o->since;
				break;
			}
		}
		if (nd->n_succ == 0)
			add_stall(g, i, "unblockers_gone", since);
		else if (nd->n_succ == 1 && nd->self_edge)
			add_stall(g, i, "only_itself", since);
		else
			add_stall(g, i, "unblockers_stuck", since);
	}
}

static void graph_free(struct graph *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->nodes[i].succ);
		free(g->nodes[i].succ_obj);
	}
	free(g->nodes);
	free(g->comp_size);
}

void waitgraph_pass(struct snapshot *cur, const struct snapshot *prev)
{
	struct graph g = { .rs = cur, .s = cur, .prev = prev, .n = cur->n_procs };
	struct graph pg = { .rs = prev, .n = prev ? prev->n_procs : 0 };

	if (!g.n)
		return;
	g.nodes = xcalloc(g.n, sizeof(*g.nodes));
	build(&g);
	deadlocked_set(&g);
	components(&g);
	deadlocks(&g);
	if (pg.n) {
		/* who was stuck then: the same pure computation on the previous snapshot */
		pg.nodes = xcalloc(pg.n, sizeof(*pg.nodes));
		build(&pg);
		deadlocked_set(&pg);
	}
	stalls(&g, pg.n ? &pg : NULL);
	graph_free(&pg);
	graph_free(&g);
}
