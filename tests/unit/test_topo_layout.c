/*
 * test_topo_layout.c - the topology graph and its layout (ui/topo_layout.c), pure: which
 * nodes and edges a snapshot gives (pipe directions, socket pairs once, hubs for fan-out,
 * queue senders and receivers, shm attachers, semaphore waiters), the neighbourhood to a
 * depth, and the layout: stable slots across snapshots where nodes come and go, a vanished
 * node's slot kept while it lingers, new nodes next to their neighbours, and never two nodes
 * in one slot.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/snapshot.h"
#include "tests/unit/testmain.h"
#include "ui/topo_layout.h"

/* ---- building snapshots ---- */

static void add_proc(struct snapshot *s, pid_t pid)
{
	struct proc_rec *p = snapshot_add_proc(s);
	char comm[32];

	snprintf(comm, sizeof(comm), "p%d", (int)pid);
	p->pid = pid;
	p->ppid = 1;
	p->comm = snapshot_strdup(s, comm);
	p->state = 'S';
}

/* A pipe with the given ends: pids[i] holds an end of mode modes[i]. */
static void add_pipe(struct snapshot *s, uint64_t inode, const pid_t *pids, const unsigned *modes,
		     size_t n)
{
	struct pipe_rec *p = snapshot_add_pipe(s);

	p->kind = PIPE_ANON;
	p->inode = inode;
	p->ends = snapshot_alloc(s, n * sizeof(*p->ends));
	p->n_ends = n;
	for (size_t i = 0; i < n; i++) {
		p->ends[i].pid = pids[i];
		p->ends[i].fd = 3 + (int)i;
		p->ends[i].mode = modes[i];
	}
}

/* writer -> reader */
static void add_simple_pipe(struct snapshot *s, uint64_t inode, pid_t w, pid_t r)
{
	const pid_t pids[2] = { w < r ? w : r, w < r ? r : w };
	const unsigned modes[2] = { w < r ? FD_MODE_WRITE : FD_MODE_READ,
				    w < r ? FD_MODE_READ : FD_MODE_WRITE };

	add_pipe(s, inode, pids, modes, 2);
}

static void add_sock(struct snapshot *s, uint64_t inode, uint64_t peer, pid_t holder)
{
	struct usock_rec *u = snapshot_add_usock(s);

	u->inode = inode;
	u->peer_inode = peer;
	u->peer_known = true;
	u->type = 1;
	u->holders = snapshot_alloc(s, sizeof(*u->holders));
	u->n_holders = 1;
	u->holders[0].pid = holder;
	u->holders[0].fd = 5;
	u->holders[0].mode = FD_MODE_RDWR;
}

static void add_shm(struct snapshot *s, int id, const pid_t *pids, size_t n)
{
	struct shm_rec *m = snapshot_add_shm(s);

	m->perm.id = id;
	m->size = 4096;
	m->nattch = (int64_t)n;
	m->attached_pids = snapshot_alloc(s, (n ? n : 1) * sizeof(pid_t));
	memcpy(m->attached_pids, pids, n * sizeof(pid_t));
	m->n_attached = n;
}

static size_t find(const struct topo_graph *g, const char *id)
{
	return topo_graph_find(g, id);
}

/* The edge of kind from node a to node b (by id), or NULL. */
static const struct topo_edge *edge(const struct topo_graph *g, enum topo_edge_kind k,
				    const char *a, const char *b)
{
	size_t ia = find(g, a), ib = find(g, b);

	for (size_t i = 0; i < g->n_edges; i++)
		if (g->edges[i].kind == k && g->edges[i].from == ia && g->edges[i].to == ib)
			return &g->edges[i];
	return NULL;
}

/* ---- the graph ---- */

static void test_graph_pipes(void)
{
	struct snapshot *s = snapshot_new();
	struct topo_graph g;
	const pid_t own_pids[3] = { 10, 10, 11 };
	const unsigned own_modes[3] = { FD_MODE_READ, FD_MODE_WRITE, FD_MODE_READ };
	const pid_t fan_pids[3] = { 20, 21, 22 };
	const unsigned fan_modes[3] = { FD_MODE_WRITE, FD_MODE_READ, FD_MODE_READ };
	const pid_t half_pids[1] = { 30 };
	const unsigned half_modes[1] = { FD_MODE_READ };
	const pid_t self_pids[2] = { 31, 31 };
	const unsigned self_modes[2] = { FD_MODE_READ, FD_MODE_WRITE };

	for (pid_t p = 10; p <= 12; p++)
		add_proc(s, p);
	for (pid_t p = 20; p <= 22; p++)
		add_proc(s, p);
	add_proc(s, 30);
	add_proc(s, 31);
	add_proc(s, 40);			/* takes part in nothing */
	add_pipe(s, 500, own_pids, own_modes, 3);	/* 10 kept its read end: still 10 -> 11 */
	add_simple_pipe(s, 501, 12, 11);
	add_pipe(s, 502, fan_pids, fan_modes, 3);	/* one writer, two readers: a hub */
	add_pipe(s, 503, half_pids, half_modes, 1);	/* no writer left */
	add_pipe(s, 504, self_pids, self_modes, 2);	/* a self-pipe */
	snapshot_seal(s);

	topo_graph_build(&g, s, NULL);
	CU_ASSERT_PTR_NOT_NULL(edge(&g, TEDGE_PIPE, "pid:10", "pid:11"));
	CU_ASSERT_PTR_NULL(edge(&g, TEDGE_PIPE, "pid:11", "pid:10"));
	CU_ASSERT_PTR_NOT_NULL(edge(&g, TEDGE_PIPE, "pid:12", "pid:11"));
	CU_ASSERT_STRING_EQUAL(edge(&g, TEDGE_PIPE, "pid:12", "pid:11")->obj, "pipe:501");
	CU_ASSERT_NOT_EQUAL(find(&g, "pipe:502"), SIZE_MAX);
	CU_ASSERT_EQUAL(g.nodes[find(&g, "pipe:502")].kind, TOPO_PIPE);
	CU_ASSERT_PTR_NOT_NULL(edge(&g, TEDGE_PIPE, "pid:20", "pipe:502"));
	CU_ASSERT_PTR_NOT_NULL(edge(&g, TEDGE_PIPE, "pipe:502", "pid:21"));
	CU_ASSERT_PTR_NOT_NULL(edge(&g, TEDGE_PIPE, "pipe:502", "pid:22"));
	CU_ASSERT_EQUAL(find(&g, "pipe:500"), SIZE_MAX);	/* two processes: no hub */
	CU_ASSERT_EQUAL(g.n_unlinked_pipes, 2);
	/* processes without a channel are not on the map */
	CU_ASSERT_EQUAL(find(&g, "pid:30"), SIZE_MAX);
	CU_ASSERT_EQUAL(find(&g, "pid:31"), SIZE_MAX);
	CU_ASSERT_EQUAL(find(&g, "pid:40"), SIZE_MAX);
	CU_ASSERT_EQUAL(g.n_edges, 5);
	CU_ASSERT_EQUAL(g.n_procs, 6);
	CU_ASSERT_EQUAL(g.n_objects, 1);
	CU_ASSERT_EQUAL(g.nodes[find(&g, "pid:11")].degree, 2);
	topo_graph_fini(&g);

	/* unless asked for */
	{
		struct topo_build_opts o = { .keep_pid = 40 };

		topo_graph_build(&g, s, &o);
		CU_ASSERT_NOT_EQUAL(find(&g, "pid:40"), SIZE_MAX);
		CU_ASSERT_EQUAL(find(&g, "pid:30"), SIZE_MAX);
		topo_graph_fini(&g);
		o.all_procs = true;
		topo_graph_build(&g, s, &o);
		CU_ASSERT_EQUAL(g.n_procs, s->n_procs);
		topo_graph_fini(&g);
	}
	snapshot_unref(s);
}

static void test_graph_sockets_and_sysv(void)
{
	struct snapshot *s = snapshot_new();
	struct topo_graph g;
	const struct topo_edge *e;
	const pid_t att[2] = { 11, 12 };
	struct msgq_rec *q;
	struct sem_rec *sm;
	struct proc_rec *waiter;

	for (pid_t p = 10; p <= 13; p++)
		add_proc(s, p);
	waiter = &s->procs[2];	/* pid 12, blocked on sem:7 */
	waiter->waiting.kind = WAIT_SEM_WAIT;
	waiter->waiting.object = snapshot_strdup(s, "sem:7");
	add_sock(s, 100, 101, 10);
	add_sock(s, 101, 100, 11);
	add_sock(s, 102, 0, 13);	/* unconnected */
	q = snapshot_add_msgq(s);
	q->perm.id = 5;
	q->last_send_pid = 10;
	q->last_recv_pid = 13;
	add_shm(s, 3, att, 2);
	sm = snapshot_add_sem(s);
	sm->perm.id = 7;
	sm->nsems = 2;
	sm->last_pids = snapshot_alloc(s, 2 * sizeof(int64_t));
	sm->last_pids[0] = 10;
	sm->last_pids[1] = 12;		/* also its waiter: one edge, the wait */
	snapshot_seal(s);

	topo_graph_build(&g, s, NULL);
	e = edge(&g, TEDGE_SOCKET, "pid:10", "pid:11");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(e->obj, "unix:100");
	CU_ASSERT_STRING_EQUAL(e->peer_obj, "unix:101");
	CU_ASSERT_PTR_NULL(edge(&g, TEDGE_SOCKET, "pid:11", "pid:10"));	/* a pair, once */
	CU_ASSERT_PTR_NOT_NULL(edge(&g, TEDGE_SEND, "pid:10", "msg:5"));
	CU_ASSERT_PTR_NOT_NULL(edge(&g, TEDGE_RECV, "msg:5", "pid:13"));
	CU_ASSERT_PTR_NOT_NULL(edge(&g, TEDGE_ATTACH, "pid:11", "shm:3"));
	CU_ASSERT_PTR_NOT_NULL(edge(&g, TEDGE_ATTACH, "pid:12", "shm:3"));
	CU_ASSERT_PTR_NOT_NULL(edge(&g, TEDGE_SEM_WAIT, "pid:12", "sem:7"));
	CU_ASSERT_PTR_NOT_NULL(edge(&g, TEDGE_SEM_OP, "pid:10", "sem:7"));
	CU_ASSERT_PTR_NULL(edge(&g, TEDGE_SEM_OP, "pid:12", "sem:7"));
	CU_ASSERT_EQUAL(g.n_edges, 7);
	CU_ASSERT_EQUAL(g.n_objects, 3);
	CU_ASSERT_EQUAL(g.nodes[find(&g, "shm:3")].kind, TOPO_SHM);
	CU_ASSERT_PTR_EQUAL(g.nodes[find(&g, "msg:5")].rec, q);
	topo_graph_fini(&g);
	snapshot_unref(s);
}

/* ---- the neighbourhood ---- */

static void test_neighbourhood_depth(void)
{
	struct snapshot *s = snapshot_new();
	struct topo_graph g;
	const pid_t att[2] = { 5, 6 };
	size_t c;

	for (pid_t p = 1; p <= 6; p++)
		add_proc(s, p);
	add_proc(s, 9);
	add_simple_pipe(s, 1001, 1, 2);
	add_simple_pipe(s, 1002, 2, 3);
	add_simple_pipe(s, 1003, 3, 4);
	add_simple_pipe(s, 1004, 4, 5);
	add_shm(s, 8, att, 2);		/* 5 -- shm:8 -- 6 */
	add_simple_pipe(s, 1005, 9, 9 + 0);	/* 9 alone: self */
	snapshot_seal(s);
	topo_graph_build(&g, s, NULL);

	c = find(&g, "pid:3");
	CU_ASSERT_EQUAL(topo_graph_select(&g, c, 1), 3);
	CU_ASSERT_TRUE(g.nodes[find(&g, "pid:2")].shown);
	CU_ASSERT_TRUE(g.nodes[find(&g, "pid:4")].shown);
	CU_ASSERT_FALSE(g.nodes[find(&g, "pid:1")].shown);
	CU_ASSERT_FALSE(g.nodes[find(&g, "pid:5")].shown);
	CU_ASSERT_EQUAL(g.nodes[find(&g, "pid:1")].dist, 2);

	CU_ASSERT_EQUAL(topo_graph_select(&g, c, 2), 5);
	CU_ASSERT_TRUE(g.nodes[find(&g, "pid:1")].shown);
	CU_ASSERT_TRUE(g.nodes[find(&g, "pid:5")].shown);
	CU_ASSERT_FALSE(g.nodes[find(&g, "shm:8")].shown);

	/* an object is a hop: 6 is two hops from 5 */
	c = find(&g, "pid:5");
	topo_graph_select(&g, c, 1);
	CU_ASSERT_TRUE(g.nodes[find(&g, "shm:8")].shown);
	CU_ASSERT_FALSE(g.nodes[find(&g, "pid:6")].shown);
	CU_ASSERT_EQUAL(g.nodes[find(&g, "pid:6")].dist, 2);

	/* depth 0: the centre alone; no centre: everything */
	CU_ASSERT_EQUAL(topo_graph_select(&g, c, 0), 1);
	CU_ASSERT_EQUAL(topo_graph_select(&g, SIZE_MAX, 2), g.n_nodes);
	CU_ASSERT_EQUAL(topo_graph_select(&g, c, -1), g.n_nodes);
	topo_graph_fini(&g);
	snapshot_unref(s);
}

/* ---- the layout ---- */

/* No two shown nodes share a slot, and every slot is on the grid. */
static bool no_overlap(const struct topo_graph *g)
{
	for (size_t i = 0; i < g->n_nodes; i++) {
		if (!g->nodes[i].shown)
			continue;
		if (g->nodes[i].col < 0 || g->nodes[i].row < 0)
			return false;
		for (size_t k = i + 1; k < g->n_nodes; k++)
			if (g->nodes[k].shown && g->nodes[k].col == g->nodes[i].col &&
			    g->nodes[k].row == g->nodes[i].row) {
				printf("overlap: %s and %s at %d,%d\n", g->nodes[i].id,
				       g->nodes[k].id, g->nodes[i].col, g->nodes[i].row);
				return false;
			}
	}
	return true;
}

static int chebyshev(const struct topo_node *a, const struct topo_node *b)
{
	int dc = abs(a->col - b->col), dr = abs(a->row - b->row);

	return dc > dr ? dc : dr;
}

/* A: 10 -> 11 -> 12, 13 -> 11, shm:1 attached by 11 and 14. */
static struct snapshot *scene(bool with_12, bool with_16)
{
	struct snapshot *s = snapshot_new();
	const pid_t att[2] = { 11, 14 };

	for (pid_t p = 10; p <= 16; p++)
		if ((p != 12 || with_12) && (p != 16 || with_16) && p != 15)
			add_proc(s, p);
	add_simple_pipe(s, 700, 10, 11);
	if (with_12)
		add_simple_pipe(s, 701, 11, 12);
	add_simple_pipe(s, 702, 13, 11);
	if (with_16)
		add_simple_pipe(s, 703, 16, 14);
	add_shm(s, 1, att, 2);
	snapshot_seal(s);
	return s;
}

static void test_layout_stable(void)
{
	struct topo_layout *l = topo_layout_new();
	struct topo_layout_opts o = { .wrap = 4, .linger = 1 };
	struct snapshot *a = scene(true, false), *b = scene(false, true);
	struct topo_graph ga, gb, gc;
	int col12, row12, c, r;

	topo_graph_build(&ga, a, NULL);
	topo_graph_select(&ga, SIZE_MAX, -1);
	topo_layout_place(l, &ga, &o);
	CU_ASSERT_TRUE(no_overlap(&ga));
	CU_ASSERT_EQUAL(topo_layout_count(l), ga.n_nodes);
	for (size_t i = 0; i < ga.n_nodes; i++) {
		CU_ASSERT_TRUE(ga.nodes[i].is_new);
		CU_ASSERT_TRUE(ga.nodes[i].col < 4);	/* new nodes stay within wrap */
	}
	/* neighbours end up next to each other */
	CU_ASSERT_EQUAL(chebyshev(&ga.nodes[find(&ga, "pid:10")], &ga.nodes[find(&ga, "pid:11")]), 1);
	CU_ASSERT_EQUAL(chebyshev(&ga.nodes[find(&ga, "pid:12")], &ga.nodes[find(&ga, "pid:11")]), 1);
	CU_ASSERT_TRUE(topo_layout_slot(l, "pid:12", &col12, &row12));

	/* B: 12 gone, 16 new (piped to 14): nobody else moves */
	topo_graph_build(&gb, b, NULL);
	topo_graph_select(&gb, SIZE_MAX, -1);
	topo_layout_place(l, &gb, &o);
	CU_ASSERT_TRUE(no_overlap(&gb));
	for (size_t i = 0; i < gb.n_nodes; i++) {
		size_t k = find(&ga, gb.nodes[i].id);

		if (k == SIZE_MAX) {
			CU_ASSERT_STRING_EQUAL(gb.nodes[i].id, "pid:16");
			CU_ASSERT_TRUE(gb.nodes[i].is_new);
			continue;
		}
		CU_ASSERT_FALSE(gb.nodes[i].is_new);
		CU_ASSERT_EQUAL(gb.nodes[i].col, ga.nodes[k].col);
		CU_ASSERT_EQUAL(gb.nodes[i].row, ga.nodes[k].row);
	}
	/* the newcomer sits next to its neighbour, not on the lingering slot of 12 */
	{
		const struct topo_node *n16 = &gb.nodes[find(&gb, "pid:16")];

		CU_ASSERT_EQUAL(chebyshev(n16, &gb.nodes[find(&gb, "pid:14")]), 1);
		CU_ASSERT_FALSE(n16->col == col12 && n16->row == row12);
	}
	CU_ASSERT_TRUE(topo_layout_slot(l, "pid:12", &c, &r));	/* lingering, for its fade */
	CU_ASSERT_EQUAL(c, col12);
	CU_ASSERT_EQUAL(r, row12);
	CU_ASSERT_EQUAL(topo_layout_count(l), gb.n_nodes + 1);

	/* once more without 12: its slot is given up */
	topo_graph_build(&gc, b, NULL);
	topo_graph_select(&gc, SIZE_MAX, -1);
	topo_layout_place(l, &gc, &o);
	CU_ASSERT_FALSE(topo_layout_slot(l, "pid:12", &c, &r));
	CU_ASSERT_EQUAL(topo_layout_count(l), gc.n_nodes);
	for (size_t i = 0; i < gc.n_nodes; i++) {
		CU_ASSERT_FALSE(gc.nodes[i].is_new);
		CU_ASSERT_EQUAL(gc.nodes[i].col, gb.nodes[i].col);
		CU_ASSERT_EQUAL(gc.nodes[i].row, gb.nodes[i].row);
	}

	/* 12 comes back: a new slot, still nobody moves */
	topo_graph_fini(&ga);
	topo_graph_build(&ga, a, NULL);
	topo_graph_select(&ga, SIZE_MAX, -1);
	topo_layout_place(l, &ga, &o);
	CU_ASSERT_TRUE(no_overlap(&ga));
	CU_ASSERT_TRUE(ga.nodes[find(&ga, "pid:12")].is_new);
	CU_ASSERT_EQUAL(ga.nodes[find(&ga, "pid:10")].col, gc.nodes[find(&gc, "pid:10")].col);
	CU_ASSERT_EQUAL(ga.nodes[find(&ga, "pid:10")].row, gc.nodes[find(&gc, "pid:10")].row);
	CU_ASSERT_TRUE(topo_layout_slot(l, "pid:16", &c, &r));	/* 16 lingers now */

	/* reset: laid out afresh */
	topo_layout_reset(l);
	CU_ASSERT_EQUAL(topo_layout_count(l), 0);
	topo_layout_place(l, &ga, &o);
	for (size_t i = 0; i < ga.n_nodes; i++)
		CU_ASSERT_TRUE(ga.nodes[i].is_new);

	topo_graph_fini(&ga);
	topo_graph_fini(&gb);
	topo_graph_fini(&gc);
	snapshot_unref(a);
	snapshot_unref(b);
	topo_layout_free(l);
}

/* Only the shown nodes are placed: a neighbourhood, then a wider one that keeps it. */
static void test_layout_neighbourhood(void)
{
	struct topo_layout *l = topo_layout_new();
	struct topo_layout_opts o = { .wrap = 6, .linger = 0 };
	struct snapshot *s = snapshot_new();
	struct topo_graph g;
	int c3, r3;

	for (pid_t p = 1; p <= 8; p++)
		add_proc(s, p);
	for (pid_t p = 1; p < 8; p++)
		add_simple_pipe(s, 2000 + (uint64_t)p, p, p + 1);
	snapshot_seal(s);
	topo_graph_build(&g, s, NULL);
	topo_graph_select(&g, find(&g, "pid:4"), 1);
	topo_layout_place(l, &g, &o);
	CU_ASSERT_EQUAL(topo_layout_count(l), 3);
	CU_ASSERT_TRUE(no_overlap(&g));
	CU_ASSERT_TRUE(topo_layout_slot(l, "pid:3", &c3, &r3));
	CU_ASSERT_FALSE(topo_layout_slot(l, "pid:1", &c3, &r3));
	topo_layout_slot(l, "pid:3", &c3, &r3);

	topo_graph_select(&g, find(&g, "pid:4"), 3);
	topo_layout_place(l, &g, &o);
	CU_ASSERT_EQUAL(topo_layout_count(l), 7);
	CU_ASSERT_TRUE(no_overlap(&g));
	CU_ASSERT_EQUAL(g.nodes[find(&g, "pid:3")].col, c3);
	CU_ASSERT_EQUAL(g.nodes[find(&g, "pid:3")].row, r3);
	CU_ASSERT_FALSE(g.nodes[find(&g, "pid:3")].is_new);
	CU_ASSERT_TRUE(g.nodes[find(&g, "pid:1")].is_new);

	/* back to depth 1 with no lingering: the others' slots are freed at once */
	topo_graph_select(&g, find(&g, "pid:4"), 1);
	topo_layout_place(l, &g, &o);
	CU_ASSERT_EQUAL(topo_layout_count(l), 3);
	topo_graph_fini(&g);
	snapshot_unref(s);
	topo_layout_free(l);
}

/* Random graphs, changed at random over many placements: never an overlap, and a node that
 * stays keeps its slot. */
static void test_layout_no_overlap(void)
{
	struct topo_layout *l = topo_layout_new();
	struct topo_layout_opts o = { .wrap = 7, .linger = 1 };
	unsigned seed = 12345;
	bool alive[200];
	int prev_col[200], prev_row[200];
	bool prev_placed[200];
	bool ok_overlap = true, ok_stable = true;

#define RND() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
	for (int i = 0; i < 200; i++) {
		alive[i] = RND() % 3 != 0;
		prev_placed[i] = false;
	}
	for (int round = 0; round < 12; round++) {
		struct snapshot *s = snapshot_new();
		struct topo_graph g;

		for (int i = 0; i < 200; i++)
			if (alive[i])
				add_proc(s, 100 + i);
		for (int k = 0; k < 150; k++) {
			int a = (int)(RND() % 200), b = (int)((a + 1 + RND() % 6) % 200);

			if (alive[a] && alive[b])
				add_simple_pipe(s, 10000 + (uint64_t)round * 1000 + (uint64_t)k,
						100 + a, 100 + b);
		}
		snapshot_seal(s);
		topo_graph_build(&g, s, NULL);
		topo_graph_select(&g, SIZE_MAX, -1);
		topo_layout_place(l, &g, &o);
		ok_overlap = ok_overlap && no_overlap(&g);
		for (size_t i = 0; i < g.n_nodes; i++) {
			int p = atoi(g.nodes[i].id + 4) - 100;

			if (prev_placed[p] && !g.nodes[i].is_new &&
			    (g.nodes[i].col != prev_col[p] || g.nodes[i].row != prev_row[p]))
				ok_stable = false;
			if (prev_placed[p] && g.nodes[i].is_new)
				ok_stable = false;	/* it was there last time: it keeps its slot */
		}
		for (int i = 0; i < 200; i++)
			prev_placed[i] = false;
		for (size_t i = 0; i < g.n_nodes; i++) {
			int p = atoi(g.nodes[i].id + 4) - 100;

			prev_placed[p] = true;
			prev_col[p] = g.nodes[i].col;
			prev_row[p] = g.nodes[i].row;
		}
		topo_graph_fini(&g);
		snapshot_unref(s);
		for (int i = 0; i < 200; i++)	/* about 5% come and go */
			if (RND() % 20 == 0)
				alive[i] = !alive[i];
	}
#undef RND
	CU_ASSERT_TRUE(ok_overlap);
	CU_ASSERT_TRUE(ok_stable);
	topo_layout_free(l);
}

void test_register(void)
{
	TEST_SUITE("topo_graph", NULL, NULL,
		   "pipes: directions, hubs, unlinked", test_graph_pipes,
		   "sockets once per pair, queues, shm, semaphores", test_graph_sockets_and_sysv,
		   "neighbourhood to a depth", test_neighbourhood_depth);
	TEST_SUITE("topo_layout", NULL, NULL,
		   "stable across snapshots, lingering slots", test_layout_stable,
		   "neighbourhood placed, widened, narrowed", test_layout_neighbourhood,
		   "random changes: no overlap, no move", test_layout_no_overlap);
}
