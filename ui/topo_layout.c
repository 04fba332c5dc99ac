/*
 * topo_layout.c - the topology graph built from a snapshot, and its stable grid layout
 * (see topo_layout.h for what is a node, what is an edge and how slots are kept).
 *
 * Invariants: a graph's strings live in its arena and its rec pointers in its snapshot; the
 * layout owns copies of the ids it remembers; every remembered id has exactly one slot and
 * every slot at most one id.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui/topo_layout.h"

/* Edges one channel may add (holders x holders of a socket pair); the rest are counted. */
#define MAX_PAIRS 64

/* ---- names -------------------------------------------------------------------------------- */

enum fmt_kind topo_kind_fmt(enum topo_kind k)
{
	static const enum fmt_kind map[TOPO_KIND_COUNT] = {
		[TOPO_PROC] = FMT_PROCESSES,	 [TOPO_PIPE] = FMT_PIPES,
		[TOPO_MSGQ] = FMT_MSG_QUEUES,	 [TOPO_SHM] = FMT_SHM_SEGMENTS,
		[TOPO_SEM] = FMT_SEM_SETS,	 [TOPO_PMQ] = FMT_POSIX_MQUEUES,
		[TOPO_PSHM] = FMT_POSIX_SHM,	 [TOPO_PSEM] = FMT_POSIX_SEMS,
	};

	return (unsigned)k < TOPO_KIND_COUNT ? map[k] : FMT_KIND_COUNT;
}

enum fmt_kind topo_edge_fmt(enum topo_edge_kind k)
{
	switch (k) {
	case TEDGE_PIPE:
	case TEDGE_FIFO:
		return FMT_PIPES;
	case TEDGE_SOCKET:
		return FMT_UNIX_SOCKETS;
	default:
		return FMT_KIND_COUNT;	/* the object is a node: its own table */
	}
}

const char *topo_kind_name(enum topo_kind k)
{
	static const char *const names[TOPO_KIND_COUNT] = {
		"process", "pipe", "message queue", "shared memory", "semaphore set",
		"POSIX queue", "POSIX shared memory", "POSIX semaphore",
	};

	return (unsigned)k < TOPO_KIND_COUNT ? names[k] : "?";
}

const char *topo_edge_kind_name(enum topo_edge_kind k)
{
	static const char *const names[TEDGE_KIND_COUNT] = {
		"pipe", "fifo", "socket", "send", "receive", "attach", "semop", "semwait",
	};

	return (unsigned)k < TEDGE_KIND_COUNT ? names[k] : "?";
}

/* ---- building the graph ------------------------------------------------------------------- */

struct builder {
	struct topo_graph *g;
	size_t *proc_node;		/* per snapshot process: node index or SIZE_MAX */
	size_t first_edge;		/* edges of the current channel start here (dedup) */
	size_t pairs;			/* edges the current channel added */
	/* processes blocked on an object: their wait object and kind */
	const struct proc_rec **waiters;
	size_t n_waiters;
};

static size_t add_node(struct topo_graph *g, enum topo_kind kind, const char *id,
		       const void *rec)
{
	struct topo_node *n;

	if (g->n_nodes == g->cap_nodes) {
		g->cap_nodes = g->cap_nodes ? g->cap_nodes * 2 : 64;
		g->nodes = xreallocarray(g->nodes, g->cap_nodes, sizeof(*g->nodes));
	}
	n = &g->nodes[g->n_nodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->id = arena_strdup(&g->arena, id);
	n->rec = rec;
	n->dist = -1;
	if (kind == TOPO_PROC)
		g->n_procs++;
	else
		g->n_objects++;
	return g->n_nodes++;
}

/* The node of process pid (created on first use), or SIZE_MAX when pid is not in the
 * snapshot. */
static size_t proc_node(struct builder *b, pid_t pid)
{
	const struct snapshot *s = b->g->snap;
	const struct proc_rec *p;
	size_t i;
	char id[FMT_ID_MAX];

	if (pid <= 0 || !(p = snapshot_find_proc(s, pid)))
		return SIZE_MAX;
	i = (size_t)(p - s->procs);
	if (b->proc_node[i] == SIZE_MAX)
		b->proc_node[i] = add_node(b->g, TOPO_PROC, fmt_id_proc(pid, id, sizeof(id)), p);
	return b->proc_node[i];
}

/* Starts a new channel: dedup and the pair cap apply within one channel. */
static void channel_begin(struct builder *b)
{
	b->first_edge = b->g->n_edges;
	b->pairs = 0;
}

static void add_edge(struct builder *b, enum topo_edge_kind kind, size_t from, size_t to,
		     const char *obj, const char *peer)
{
	struct topo_graph *g = b->g;
	struct topo_edge *e;

	if (from == SIZE_MAX || to == SIZE_MAX || from == to)
		return;
	for (size_t i = b->first_edge; i < g->n_edges; i++) {
		const struct topo_edge *o = &g->edges[i];

		if (o->kind == kind && ((o->from == from && o->to == to) ||
					(kind == TEDGE_SOCKET && o->from == to && o->to == from)))
			return;
	}
	if (b->pairs >= MAX_PAIRS)
		return;
	b->pairs++;
	if (g->n_edges == g->cap_edges) {
		g->cap_edges = g->cap_edges ? g->cap_edges * 2 : 64;
		g->edges = xreallocarray(g->edges, g->cap_edges, sizeof(*g->edges));
	}
	e = &g->edges[g->n_edges++];
	e->kind = kind;
	e->from = from;
	e->to = to;
	/* every edge of one channel names the same object: share the copy */
	if (g->n_edges > b->first_edge + 1 && strcmp(g->edges[b->first_edge].obj, obj) == 0) {
		e->obj = g->edges[b->first_edge].obj;
		e->peer_obj = g->edges[b->first_edge].peer_obj;
	} else {
		e->obj = arena_strdup(&g->arena, obj);
		e->peer_obj = peer ? arena_strdup(&g->arena, peer) : NULL;
	}
}

/* Distinct pids of ends whose mode has any bit of mask, known to the snapshot (ends are
 * sorted by pid). Returns how many were written to out (at most cap). */
static size_t end_pids(const struct snapshot *s, const struct endpoint *e, size_t n,
		       unsigned mask, pid_t *out, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < cap; i++) {
		if (!(e[i].mode & mask) || (k && out[k - 1] == e[i].pid))
			continue;
		if (!snapshot_find_proc(s, e[i].pid))
			continue;
		out[k++] = e[i].pid;
	}
	return k;
}

static bool pid_in(const pid_t *v, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == pid)
			return true;
	return false;
}

static void build_pipes(struct builder *b)
{
	const struct snapshot *s = b->g->snap;
	size_t cap = 0;
	pid_t *w = NULL, *r = NULL, *u = NULL;
	char id[FMT_ID_MAX];

	for (size_t i = 0; i < s->n_pipes; i++)
		if (s->pipes[i].n_ends > cap)
			cap = s->pipes[i].n_ends;
	if (!cap)
		return;
	w = xcalloc(cap, sizeof(pid_t));
	r = xcalloc(cap, sizeof(pid_t));
	u = xcalloc(2 * cap, sizeof(pid_t));
	for (size_t i = 0; i < s->n_pipes; i++) {
		const struct pipe_rec *p = &s->pipes[i];
		enum topo_edge_kind kind = p->kind == PIPE_FIFO ? TEDGE_FIFO : TEDGE_PIPE;
		size_t nw = end_pids(s, p->ends, p->n_ends, FD_MODE_WRITE, w, cap);
		size_t nr = end_pids(s, p->ends, p->n_ends, FD_MODE_READ, r, cap);
		size_t nu = 0;

		for (size_t k = 0; k < nw; k++)
			u[nu++] = w[k];
		for (size_t k = 0; k < nr; k++)
			if (!pid_in(u, nu, r[k]))
				u[nu++] = r[k];
		if (!nw || !nr || nu < 2) {
			b->g->n_unlinked_pipes++;
			continue;
		}
		fmt_id_pipe(p, id, sizeof(id));
		channel_begin(b);
		if (nu == 2) {
			/* two processes: direct lines (a writer's own read end is not a reader) */
			for (size_t a = 0; a < nw; a++) {
				for (size_t c = 0; c < nr; c++) {
					/* nodes in a fixed order: writer, then reader */
					size_t from = proc_node(b, w[a]), to;

					to = proc_node(b, r[c]);
					if (w[a] != r[c])
						add_edge(b, kind, from, to, id, NULL);
				}
			}
		} else {
			size_t hub = add_node(b->g, TOPO_PIPE, id, p);

			for (size_t a = 0; a < nw; a++)
				add_edge(b, kind, proc_node(b, w[a]), hub, id, NULL);
			for (size_t c = 0; c < nr; c++)
				add_edge(b, kind, hub, proc_node(b, r[c]), id, NULL);
		}
	}
	free(u);
	free(r);
	free(w);
}

static void build_sockets(struct builder *b)
{
	const struct snapshot *s = b->g->snap;
	char id[FMT_ID_MAX], peer[FMT_ID_MAX];

	for (size_t i = 0; i < s->n_usocks; i++) {
		const struct usock_rec *x = &s->usocks[i], *y;
		pid_t *hx, *hy;
		size_t nx, ny;

		if (!x->peer_known || !x->peer_inode || !x->n_holders)
			continue;
		y = snapshot_find_usock(s, x->peer_inode);
		if (!y || !y->n_holders)
			continue;
		/* a mutual pair is drawn once, from its lower inode */
		if (y->peer_known && y->peer_inode == x->inode && x->inode > y->inode)
			continue;
		hx = xcalloc(x->n_holders, sizeof(pid_t));
		hy = xcalloc(y->n_holders, sizeof(pid_t));
		nx = end_pids(s, x->holders, x->n_holders, ~0u, hx, x->n_holders);
		ny = end_pids(s, y->holders, y->n_holders, ~0u, hy, y->n_holders);
		fmt_id_usock(x->inode, id, sizeof(id));
		fmt_id_usock(y->inode, peer, sizeof(peer));
		channel_begin(b);
		for (size_t a = 0; a < nx; a++) {
			for (size_t c = 0; c < ny; c++) {
				size_t from = proc_node(b, hx[a]), to;

				to = proc_node(b, hy[c]);
				add_edge(b, TEDGE_SOCKET, from, to, id, peer);
			}
		}
		free(hy);
		free(hx);
	}
}

/* Edges to the processes blocked on object id: kind_for() maps their wait to an edge kind
 * (or TEDGE_KIND_COUNT to skip). */
static void waiter_edges(struct builder *b, size_t node, const char *id,
			 enum topo_edge_kind (*kind_for)(enum wait_kind))
{
	for (size_t i = 0; i < b->n_waiters; i++) {
		const struct proc_rec *p = b->waiters[i];
		enum topo_edge_kind k;

		if (strcmp(p->waiting.object, id) != 0)
			continue;
		k = kind_for(p->waiting.kind);
		if (k == TEDGE_RECV)
			add_edge(b, k, node, proc_node(b, p->pid), id, NULL);
		else if (k != TEDGE_KIND_COUNT)
			add_edge(b, k, proc_node(b, p->pid), node, id, NULL);
	}
}

static enum topo_edge_kind msg_wait_edge(enum wait_kind k)
{
	return k == WAIT_MSG_SEND ? TEDGE_SEND : k == WAIT_MSG_RECV ? TEDGE_RECV : TEDGE_KIND_COUNT;
}

static enum topo_edge_kind sem_wait_edge(enum wait_kind k)
{
	return k == WAIT_SEM_WAIT ? TEDGE_SEM_WAIT : TEDGE_KIND_COUNT;
}

static bool is_waiter_on(const struct builder *b, pid_t pid, const char *id)
{
	for (size_t i = 0; i < b->n_waiters; i++)
		if (b->waiters[i]->pid == pid && strcmp(b->waiters[i]->waiting.object, id) == 0)
			return true;
	return false;
}

static void build_sysv(struct builder *b)
{
	const struct snapshot *s = b->g->snap;
	char id[FMT_ID_MAX];

	for (size_t i = 0; i < s->n_msgqs; i++) {
		const struct msgq_rec *q = &s->msgqs[i];
		size_t n = add_node(b->g, TOPO_MSGQ, fmt_id_msgq(q->perm.id, id, sizeof(id)), q);

		channel_begin(b);
		add_edge(b, TEDGE_SEND, proc_node(b, q->last_send_pid), n, id, NULL);
		add_edge(b, TEDGE_RECV, n, proc_node(b, q->last_recv_pid), id, NULL);
		waiter_edges(b, n, id, msg_wait_edge);
	}
	for (size_t i = 0; i < s->n_shms; i++) {
		const struct shm_rec *m = &s->shms[i];
		size_t n = add_node(b->g, TOPO_SHM, fmt_id_shm(m->perm.id, id, sizeof(id)), m);

		channel_begin(b);
		for (size_t k = 0; k < m->n_attached; k++)
			add_edge(b, TEDGE_ATTACH, proc_node(b, m->attached_pids[k]), n, id, NULL);
	}
	for (size_t i = 0; i < s->n_sems; i++) {
		const struct sem_rec *sm = &s->sems[i];
		size_t n = add_node(b->g, TOPO_SEM, fmt_id_sem(sm->perm.id, id, sizeof(id)), sm);

		channel_begin(b);
		waiter_edges(b, n, id, sem_wait_edge);
		for (int k = 0; sm->last_pids && k < sm->nsems; k++) {
			pid_t pid = (pid_t)sm->last_pids[k];

			if (pid > 0 && !is_waiter_on(b, pid, id))
				add_edge(b, TEDGE_SEM_OP, proc_node(b, pid), n, id, NULL);
		}
	}
}

static void build_posix(struct builder *b)
{
	const struct snapshot *s = b->g->snap;
	char id[FMT_ID_MAX];

	for (size_t i = 0; i < s->n_pmqs; i++) {
		const struct pmq_rec *q = &s->pmqs[i];
		size_t n = add_node(b->g, TOPO_PMQ, fmt_id_pmq(q->name, id, sizeof(id)), q);

		channel_begin(b);
		for (size_t k = 0; k < q->n_holders;) {
			pid_t pid = q->holders[k].pid;
			unsigned mode = 0;

			/* holders are sorted by pid: one process's descriptors together */
			for (; k < q->n_holders && q->holders[k].pid == pid; k++)
				mode |= q->holders[k].mode;
			if (mode == FD_MODE_WRITE)
				add_edge(b, TEDGE_SEND, proc_node(b, pid), n, id, NULL);
			else if (mode == FD_MODE_READ)
				add_edge(b, TEDGE_RECV, n, proc_node(b, pid), id, NULL);
			else
				add_edge(b, TEDGE_ATTACH, proc_node(b, pid), n, id, NULL);
		}
	}
	for (size_t i = 0; i < s->n_pshms; i++) {
		const struct pshm_rec *m = &s->pshms[i];
		size_t n = add_node(b->g, TOPO_PSHM, fmt_id_pshm(m, id, sizeof(id)), m);

		channel_begin(b);
		for (size_t k = 0; k < m->n_mapped; k++)
			add_edge(b, TEDGE_ATTACH, proc_node(b, m->mapped_pids[k]), n, id, NULL);
	}
	for (size_t i = 0; i < s->n_psems; i++) {
		const struct psem_rec *m = &s->psems[i];
		size_t n = add_node(b->g, TOPO_PSEM, fmt_id_psem(m, id, sizeof(id)), m);

		channel_begin(b);
		for (size_t k = 0; k < m->n_mapped; k++)
			add_edge(b, TEDGE_ATTACH, proc_node(b, m->mapped_pids[k]), n, id, NULL);
	}
}

static void build_adjacency(struct topo_graph *g)
{
	size_t *fill;

	g->adj_start = xcalloc(g->n_nodes + 1, sizeof(size_t));
	g->adj = xcalloc(g->n_edges ? 2 * g->n_edges : 1, sizeof(size_t));
	for (size_t i = 0; i < g->n_edges; i++) {
		g->adj_start[g->edges[i].from + 1]++;
		g->adj_start[g->edges[i].to + 1]++;
	}
	for (size_t i = 0; i < g->n_nodes; i++) {
		g->nodes[i].degree = g->adj_start[i + 1];
		g->adj_start[i + 1] += g->adj_start[i];
	}
	fill = xcalloc(g->n_nodes ? g->n_nodes : 1, sizeof(size_t));
	for (size_t i = 0; i < g->n_edges; i++) {
		size_t a = g->edges[i].from, c = g->edges[i].to;

		g->adj[g->adj_start[a] + fill[a]++] = i;
		g->adj[g->adj_start[c] + fill[c]++] = i;
	}
	free(fill);
}

static bool sysv_waiter(const struct proc_rec *p)
{
	const char *o = p->waiting.object;

	return o && (strncmp(o, "msg:", 4) == 0 || strncmp(o, "sem:", 4) == 0);
}

void topo_graph_build(struct topo_graph *g, const struct snapshot *s,
		      const struct topo_build_opts *opts)
{
	struct builder b = { .g = g };
	size_t n_wait = 0;

	memset(g, 0, sizeof(*g));
	arena_init(&g->arena);
	g->snap = s;
	b.proc_node = xmalloc((s->n_procs ? s->n_procs : 1) * sizeof(size_t));
	/* the processes blocked on a System V queue or semaphore set (not the many blocked in a
	 * pipe: those are edges already) */
	for (size_t i = 0; i < s->n_procs; i++) {
		b.proc_node[i] = SIZE_MAX;
		n_wait += sysv_waiter(&s->procs[i]);
	}
	b.waiters = xcalloc(n_wait ? n_wait : 1, sizeof(*b.waiters));
	for (size_t i = 0; i < s->n_procs; i++)
		if (sysv_waiter(&s->procs[i]))
			b.waiters[b.n_waiters++] = &s->procs[i];

	if (opts && opts->all_procs)
		for (size_t i = 0; i < s->n_procs; i++)
			proc_node(&b, s->procs[i].pid);
	if (opts && opts->keep_pid)
		proc_node(&b, opts->keep_pid);
	build_pipes(&b);
	build_sockets(&b);
	build_sysv(&b);
	build_posix(&b);
	build_adjacency(g);
	free(b.waiters);
	free(b.proc_node);
}

void topo_graph_fini(struct topo_graph *g)
{
	free(g->nodes);
	free(g->edges);
	free(g->adj_start);
	free(g->adj);
	arena_fini(&g->arena);
	memset(g, 0, sizeof(*g));
}

size_t topo_graph_find(const struct topo_graph *g, const char *id)
{
	if (!id)
		return SIZE_MAX;
	for (size_t i = 0; i < g->n_nodes; i++)
		if (strcmp(g->nodes[i].id, id) == 0)
			return i;
	return SIZE_MAX;
}

size_t topo_graph_select(struct topo_graph *g, size_t center, int depth)
{
	size_t *queue, head = 0, tail = 0, shown = 0;

	for (size_t i = 0; i < g->n_nodes; i++) {
		g->nodes[i].dist = -1;
		g->nodes[i].shown = center >= g->n_nodes || depth < 0;
	}
	if (center >= g->n_nodes || depth < 0)
		return g->n_nodes;
	queue = xcalloc(g->n_nodes, sizeof(size_t));
	g->nodes[center].dist = 0;
	queue[tail++] = center;
	while (head < tail) {
		size_t n = queue[head++];
		int d = g->nodes[n].dist;

		if (d <= depth) {
			g->nodes[n].shown = true;
			shown++;
		}
		for (size_t k = g->adj_start[n]; k < g->adj_start[n + 1]; k++) {
			size_t o = topo_edge_other(&g->edges[g->adj[k]], n);

			if (g->nodes[o].dist < 0) {
				g->nodes[o].dist = d + 1;
				queue[tail++] = o;
			}
		}
	}
	free(queue);
	return shown;
}

/* ---- the layout --------------------------------------------------------------------------- */

struct slot {
	char *id;
	int col, row;
	int missing;		/* placements since it was last shown */
	bool seen;		/* shown in the current placement */
};

struct topo_layout {
	struct slot *slots;
	size_t n, cap;
	/* rebuilt per placement: open addressing, sizes powers of two */
	size_t *by_id;		/* slot index + 1, 0 empty */
	size_t id_cap;
	uint64_t *occ;		/* packed (col,row), OCC_EMPTY empty */
	size_t occ_cap, occ_n;
	int scan_roomy, scan_free;	/* reading-order positions already known taken */
};

#define OCC_EMPTY UINT64_MAX

static uint64_t pack(int col, int row)
{
	return ((uint64_t)(uint32_t)col << 32) | (uint32_t)row;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t pow2_above(size_t n)
{
	size_t c = 16;

	while (c < n * 2 + 2)
		c *= 2;
	return c;
}

static void occ_add(struct topo_layout *l, int col, int row)
{
	uint64_t k = pack(col, row);
	size_t m = l->occ_cap - 1, i = (size_t)mix(k) & m;

	while (l->occ[i] != OCC_EMPTY && l->occ[i] != k)
		i = (i + 1) & m;
	if (l->occ[i] == OCC_EMPTY)
		l->occ_n++;
	l->occ[i] = k;
}

static bool occ_has(const struct topo_layout *l, int col, int row)
{
	uint64_t k = pack(col, row);
	size_t m = l->occ_cap - 1, i = (size_t)mix(k) & m;

	while (l->occ[i] != OCC_EMPTY) {
		if (l->occ[i] == k)
			return true;
		i = (i + 1) & m;
	}
	return false;
}

static void id_index(struct topo_layout *l, size_t extra)
{
	size_t cap = pow2_above(l->n + extra);

	free(l->by_id);
	l->id_cap = cap;
	l->by_id = xcalloc(cap, sizeof(size_t));
	for (size_t s = 0; s < l->n; s++) {
		size_t i = (size_t)hash_str(l->slots[s].id) & (cap - 1);

		while (l->by_id[i])
			i = (i + 1) & (cap - 1);
		l->by_id[i] = s + 1;
	}
}

static struct slot *id_find(const struct topo_layout *l, const char *id)
{
	size_t i;

	if (!l->by_id)
		return NULL;
	for (i = (size_t)hash_str(id) & (l->id_cap - 1); l->by_id[i]; i = (i + 1) & (l->id_cap - 1))
		if (strcmp(l->slots[l->by_id[i] - 1].id, id) == 0)
			return &l->slots[l->by_id[i] - 1];
	return NULL;
}

struct topo_layout *topo_layout_new(void)
{
	return xcalloc(1, sizeof(struct topo_layout));
}

void topo_layout_reset(struct topo_layout *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->slots[i].id);
	l->n = 0;
	free(l->by_id);
	l->by_id = NULL;
	l->id_cap = 0;
}

void topo_layout_free(struct topo_layout *l)
{
	if (!l)
		return;
	topo_layout_reset(l);
	free(l->slots);
	free(l->occ);
	free(l);
}

size_t topo_layout_count(const struct topo_layout *l)
{
	return l->n;
}

bool topo_layout_slot(const struct topo_layout *l, const char *id, int *col, int *row)
{
	const struct slot *s = id_find(l, id);

	if (!s)
		return false;
	*col = s->col;
	*row = s->row;
	return true;
}

static void remember(struct topo_layout *l, const char *id, int col, int row)
{
	struct slot *s;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->slots = xreallocarray(l->slots, l->cap, sizeof(*l->slots));
	}
	s = &l->slots[l->n++];
	s->id = xstrdup(id);
	s->col = col;
	s->row = row;
	s->missing = 0;
	s->seen = true;
	occ_add(l, col, row);
}

/* The free slot nearest (tc, tr): rings of growing Chebyshev radius; within a ring the
 * smallest squared distance, then the same row, then right/below first. Columns stay in
 * [0, max(wrap, tc + 1)), rows >= 0. */
static void nearest_free(const struct topo_layout *l, int tc, int tr, int wrap, int *col,
			 int *row)
{
	int max_col = wrap > tc + 1 ? wrap : tc + 1;

	if (tc < 0)
		tc = 0;
	if (tr < 0)
		tr = 0;
	for (int r = 0;; r++) {
		long best = -1;
		int bc = 0, br = 0;

		for (int dr = -r; dr <= r; dr++) {
			for (int dc = -r; dc <= r; dc++) {
				int c = tc + dc, w = tr + dr;
				long cost;

				if ((dr > -r && dr < r && dc > -r && dc < r) || c < 0 || c >= max_col ||
				    w < 0 || occ_has(l, c, w))
					continue;
				/* squared distance, then same row, then right/below */
				cost = ((long)dc * dc + (long)dr * dr) * 16 + (dr != 0) * 4 +
				       (dc < 0) * 2 + (dr < 0);
				if (best < 0 || cost < best) {
					best = cost;
					bc = c;
					br = w;
				}
			}
		}
		if (best >= 0) {
			*col = bc;
			*row = br;
			return;
		}
	}
}

/* A slot for the first node of a new component: the first free slot in reading order whose
 * four neighbours are free too (room for its own neighbours, and a gap to other
 * components); a node without edges takes the first free slot. Occupancy only grows during a placement, so each scan resumes where the
 * previous one stopped. */
static void start_slot(struct topo_layout *l, bool alone, int wrap, int *col, int *row)
{
	int *pos = alone ? &l->scan_free : &l->scan_roomy;

	for (;; (*pos)++) {
		int r = *pos / wrap, c = *pos % wrap;
		bool ok = !occ_has(l, c, r);

		/* roomy: nothing left, right, above or below (corners may touch) */
		if (ok && !alone)
			ok = !occ_has(l, c - 1, r) && !occ_has(l, c + 1, r) && !occ_has(l, c, r - 1) &&
			     !occ_has(l, c, r + 1);
		if (ok) {
			*col = c;
			*row = r;
			return;
		}
	}
}

static void place_one(struct topo_layout *l, struct topo_graph *g, size_t n, bool *placed,
		      int wrap)
{
	long sc = 0, sr = 0, k = 0;
	int col, row;

	for (size_t a = g->adj_start[n]; a < g->adj_start[n + 1]; a++) {
		size_t o = topo_edge_other(&g->edges[g->adj[a]], n);

		if (g->nodes[o].shown && placed[o]) {
			sc += g->nodes[o].col;
			sr += g->nodes[o].row;
			k++;
		}
	}
	if (k)
		nearest_free(l, (int)((sc + k / 2) / k), (int)((sr + k / 2) / k), wrap, &col, &row);
	else
		start_slot(l, g->nodes[n].degree == 0, wrap, &col, &row);
	g->nodes[n].col = col;
	g->nodes[n].row = row;
	g->nodes[n].is_new = true;
	placed[n] = true;
	remember(l, g->nodes[n].id, col, row);
}

/* Places the new nodes reachable from the queue, breadth first. */
static void place_bfs(struct topo_layout *l, struct topo_graph *g, size_t *queue, size_t head,
		      size_t tail, bool *placed, bool *queued, int wrap)
{
	while (head < tail) {
		size_t n = queue[head++];

		place_one(l, g, n, placed, wrap);
		for (size_t a = g->adj_start[n]; a < g->adj_start[n + 1]; a++) {
			size_t o = topo_edge_other(&g->edges[g->adj[a]], n);

			if (g->nodes[o].shown && !placed[o] && !queued[o]) {
				queued[o] = true;
				queue[tail++] = o;
			}
		}
	}
}

void topo_layout_place(struct topo_layout *l, struct topo_graph *g,
		       const struct topo_layout_opts *opts)
{
	int wrap = opts && opts->wrap > 0 ? opts->wrap : 1;
	int linger = opts && opts->linger > 0 ? opts->linger : 0;
	size_t n = g->n_nodes, kept = 0, tail = 0;
	bool *placed = xcalloc(n ? n : 1, sizeof(bool));
	bool *queued = xcalloc(n ? n : 1, sizeof(bool));
	size_t *queue = xcalloc(n ? n : 1, sizeof(size_t));

	/* 1. nodes seen before keep their slots */
	id_index(l, 0);
	for (size_t i = 0; i < l->n; i++)
		l->slots[i].seen = false;
	for (size_t i = 0; i < n; i++) {
		struct slot *s;

		g->nodes[i].is_new = false;
		if (!g->nodes[i].shown || !(s = id_find(l, g->nodes[i].id)) || s->seen)
			continue;
		s->seen = true;
		s->missing = 0;
		g->nodes[i].col = s->col;
		g->nodes[i].row = s->row;
		placed[i] = true;
	}
	/* 2. the others linger a while, then give their slot up */
	for (size_t i = 0; i < l->n; i++) {
		struct slot *s = &l->slots[i];

		if (!s->seen && ++s->missing > linger) {
			free(s->id);
			continue;
		}
		l->slots[kept++] = *s;
	}
	l->n = kept;
	free(l->occ);
	l->occ_cap = pow2_above(l->n + n);
	l->occ = xmalloc(l->occ_cap * sizeof(uint64_t));
	l->occ_n = 0;
	for (size_t i = 0; i < l->occ_cap; i++)
		l->occ[i] = OCC_EMPTY;
	for (size_t i = 0; i < l->n; i++)
		occ_add(l, l->slots[i].col, l->slots[i].row);
	l->scan_roomy = l->scan_free = 0;

	/* 3. new nodes next to placed neighbours first, breadth first from them */
	for (size_t i = 0; i < n; i++) {
		if (!g->nodes[i].shown || placed[i])
			continue;
		for (size_t a = g->adj_start[i]; a < g->adj_start[i + 1]; a++) {
			size_t o = topo_edge_other(&g->edges[g->adj[a]], i);

			if (g->nodes[o].shown && placed[o]) {
				queued[i] = true;
				queue[tail++] = i;
				break;
			}
		}
	}
	place_bfs(l, g, queue, 0, tail, placed, queued, wrap);

	/* 4. new components: from their best connected node (lowest index among equals) */
	for (;;) {
		size_t root = SIZE_MAX;

		for (size_t i = 0; i < n; i++)
			if (g->nodes[i].shown && !placed[i] &&
			    (root == SIZE_MAX || g->nodes[i].degree > g->nodes[root].degree))
				root = i;
		if (root == SIZE_MAX)
			break;
		queued[root] = true;
		queue[0] = root;
		place_bfs(l, g, queue, 0, 1, placed, queued, wrap);
	}
	id_index(l, 0);
	free(queue);
	free(queued);
	free(placed);
}
