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

static void pipe_unblockers(const struct snapshot *s, const struct proc_rec *p, struct ub *u)
{
	unsigned long long ino;
	const struct pipe_rec *pr = NULL;
	unsigned need = p->waiting.kind == WAIT_PIPE_READ ? FD_MODE_WRITE : FD_MODE_READ;

	if (id_num(p->waiting.object, "pipe:", &ino))
		pr = snapshot_find_pipe(s, PIPE_ANON, ino);
	else if (id_num(p->waiting.object, "fifo:", &ino))
		pr = snapshot_find_pipe(s, PIPE_FIFO, ino);
	if (!pr)
		return;
	u->known = true;
	for (size_t i = 0; i < pr->n_ends; i++)
		if (pr->ends[i].mode & need)
			add_named(s, u, pr->ends[i].pid);
}

static void socket_unblockers(const struct snapshot *s, const struct proc_rec *p, struct ub *u)
{
	unsigned long long ino;
	const struct usock_rec *us, *peer;

	if (!id_num(p->waiting.object, "unix:", &ino) || !(us = snapshot_find_usock(s, ino)) ||
	    !us->peer_known || !us->peer_inode || !(peer = snapshot_find_usock(s, us->peer_inode)))
		return;
	u->known = true;
	for (size_t i = 0; i < peer->n_holders; i++)
		add_named(s, u, peer->holders[i].pid);
}

static void msg_unblockers(const struct snapshot *s, const struct proc_rec *p, struct ub *u)
{
	bool recv = p->waiting.kind == WAIT_MSG_RECV;
	enum wait_kind other = recv ? WAIT_MSG_SEND : WAIT_MSG_RECV;
	unsigned long long id;
	const char *obj = p->waiting.object;

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

		if (o->waiting.kind == other && o->waiting.object && strcmp(o->waiting.object, obj) == 0)
			add_named(s, u, o->pid);
	}
	/* nobody has used it yet: anyone might, so nothing is known */
	u->known = u->named > 0;
}

static void sem_unblockers(const struct snapshot *s, const struct proc_rec *p, struct ub *u)
{
	unsigned long long id;
	const struct sem_rec *sr;
	int64_t k = p->waiting.arg;

	if (!id_num(p->waiting.object, "sem:", &id) || id > INT32_MAX ||
	    !(sr = snapshot_find_sem(s, (int)id)) || !sr->last_pids)
		return;
	for (int i = 0; i < sr->nsems; i++)
		if (k < 0 || k >= sr->nsems || i == k)
			add_named(s, u, (pid_t)sr->last_pids[i]);
	u->known = u->named > 0;
}

static void child_unblockers(const struct snapshot *s, const struct proc_rec *p, struct ub *u)
{
	unsigned long long pid;

	if (id_num(p->waiting.object, "pid:", &pid) && pid <= INT32_MAX) {
		u->known = true;
		add_named(s, u, (pid_t)pid);
		return;
	}
	if (p->waiting.arg < 0)
		return;
	u->known = true;
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct proc_rec *c = &s->procs[i];

		if (c->ppid == p->pid && (p->waiting.arg == 0 || c->pgid == p->waiting.arg))
			add_named(s, u, c->pid);
	}
}

static void unblockers(const struct snapshot *s, const struct proc_rec *p, struct ub *u)
{
	u->known = false;
	u->named = 0;
	u->live.n = 0;
	switch (p->waiting.kind) {
	case WAIT_PIPE_READ:
	case WAIT_PIPE_WRITE:
		pipe_unblockers(s, p, u);
		break;
	case WAIT_SOCKET_RECV:
	case WAIT_SOCKET_SEND:
		socket_unblockers(s, p, u);
		break;
	case WAIT_MSG_SEND:
	case WAIT_MSG_RECV:
		msg_unblockers(s, p, u);
		break;
	case WAIT_SEM_WAIT:
		sem_unblockers(s, p, u);
		break;
	case WAIT_CHILD_WAIT:
		child_unblockers(s, p, u);
		break;
	default:
		break;
	}
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
	bool blocked;		/* in an IPC wait */
	bool known;
	size_t named;
	size_t *succ;		/* indexes of live unblockers (itself included) */
	size_t n_succ;
	bool self_edge;
	bool in_d;		/* in the deadlocked set */
	/* Tarjan */
	long index, low;
	bool on_stack;
	long comp;
};

struct graph {
	struct snapshot *s;
	const struct snapshot *prev;
	struct node *nodes;
	size_t n;
	long *comp_size;
	size_t n_comps;
};

static void build(struct graph *g)
{
	struct snapshot *s = g->s;
	struct ub u = { 0 };

	for (size_t i = 0; i < g->n; i++) {
		const struct proc_rec *p = &s->procs[i];
		struct node *nd = &g->nodes[i];

		nd->comp = -1;
		nd->index = -1;
		nd->blocked = (p->state == 'S' || p->state == 'D') && waiting_is_ipc(p->waiting.kind);
		if (!nd->blocked)
			continue;
		unblockers(s, p, &u);
		nd->known = u.known;
		nd->named = u.named;
		if (u.live.n) {
			nd->succ = xreallocarray(NULL, u.live.n, sizeof(*nd->succ));
			for (size_t k = 0; k < u.live.n; k++) {
				const struct proc_rec *q = snapshot_find_proc(s, u.live.v[k]);
				size_t qi = (size_t)(q - s->procs);

				if (qi == i)
					nd->self_edge = true;
				nd->succ[nd->n_succ++] = qi;
			}
		}
	}
	free(u.live.v);
}

/* The largest set whose members' unblockers are all members. */
static void deadlocked_set(struct graph *g)
{
	bool changed = true;

	for (size_t i = 0; i < g->n; i++)
		g->nodes[i].in_d = g->nodes[i].blocked && g->nodes[i].known && g->nodes[i].n_succ > 0;
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
	const struct proc_rec *p = &g->s->procs[from];
	char id[FMT_ID_MAX];

	if (p->waiting.object)
		return p->waiting.object;
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

static void add_stall(struct graph *g, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_stall(struct graph *g, size_t i, const char *fmt, ...)
{
	const struct proc_rec *p = &g->s->procs[i];
	double since = g->s->time;
	char reason[512];
	struct stall_rec *st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (g->prev) {
		const struct proc_rec *old = snapshot_find_proc(g->prev, p->pid);

		for (size_t k = 0; old && old->start_ticks == p->start_ticks &&
		     k < g->prev->n_stalls; k++) {
			const struct stall_rec *o = &g->prev->stalls[k];

			if (o->pid == p->pid && o->since > 0 &&
			    ((!o->object && !p->waiting.object) ||
			     (o->object && p->waiting.object && strcmp(o->object, p->waiting.object) == 0))) {
				since = o->since;
				break;
			}
		}
	}
	st = snapshot_add_stall(g->s);
	st->pid = p->pid;
	st->object = p->waiting.object;
	st->reason = snapshot_strdup(g->s, reason);
	st->since = since;
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

/* Waits on a channel (data to come or room to free), as opposed to waiting for a child,
 * whose children being busy elsewhere is no stall. */
static bool is_channel(enum wait_kind k)
{
	switch (k) {
	case WAIT_PIPE_READ:
	case WAIT_PIPE_WRITE:
	case WAIT_SOCKET_RECV:
	case WAIT_SOCKET_SEND:
	case WAIT_MSG_SEND:
	case WAIT_MSG_RECV:
		return true;
	default:
		return false;
	}
}

static void stalls(struct graph *g)
{
	const struct snapshot *s = g->s;

	for (size_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];
		const struct proc_rec *p = &s->procs[i];

		if (!nd->blocked)
			continue;
		if (nd->in_d) {
			if (nd->comp >= 0 && g->comp_size[nd->comp] >= 2)
				continue;	/* on a reported cycle */
			if (nd->n_succ == 1 && nd->self_edge) {
				add_stall(g, i, "%s", self_reason(p->waiting.kind));
				continue;
			}
			for (size_t k = 0; k < nd->n_succ; k++)
				if (nd->succ[k] != i) {
					add_stall(g, i, "waits on pid %d, which is stuck itself",
						  (int)s->procs[nd->succ[k]].pid);
					break;
				}
			continue;
		}
		if (nd->known && nd->n_succ == 0 && nd->named > 0 &&
		    p->waiting.kind == WAIT_SEM_WAIT) {
			add_stall(g, i, "every process that operated on the semaphore has exited");
			continue;
		}
		if (nd->known && nd->n_succ > 0 && is_channel(p->waiting.kind)) {
			char list[384] = "";
			size_t others = 0, used = 0, listed = 0;
			bool all_blocked = true;

			for (size_t k = 0; k < nd->n_succ && all_blocked; k++) {
				size_t w = nd->succ[k];
				const struct proc_rec *q = &s->procs[w];

				if (w == i)
					continue;
				others++;
				if (!g->nodes[w].blocked) {
					all_blocked = false;
					break;
				}
				if (listed < 4 && used < sizeof(list)) {
					int r = snprintf(list + used, sizeof(list) - used, "%s%d %s%s%s",
							 listed ? "; " : "", (int)q->pid,
							 wait_kind_name(q->waiting.kind),
							 q->waiting.object ? " " : "",
							 q->waiting.object ? q->waiting.object : "");

					if (r > 0)
						used += (size_t)r;
					listed++;
				}
			}
			if (all_blocked && others > 0)
				add_stall(g, i, "every process that could end this wait is blocked "
					  "elsewhere: %s%s", list, others > listed ? "; ..." : "");
		}
	}
}

void waitgraph_pass(struct snapshot *cur, const struct snapshot *prev)
{
	struct graph g = { .s = cur, .prev = prev, .n = cur->n_procs };

	if (!g.n)
		return;
	g.nodes = xcalloc(g.n, sizeof(*g.nodes));
	build(&g);
	deadlocked_set(&g);
	components(&g);
	deadlocks(&g);
	stalls(&g);
	for (size_t i = 0; i < g.n; i++)
		free(g.nodes[i].succ);
	free(g.nodes);
	free(g.comp_size);
}
