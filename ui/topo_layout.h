/*
 * topo_layout.h - the topology map's model and layout: processes and IPC objects (nodes),
 * the channels between them (edges), and where each node sits on a grid of slots.
 *
 * Pure: no ncurses, no I/O, no clock, so the unit tests drive it directly.
 *
 * The graph (struct topo_graph) is rebuilt from every snapshot:
 * - nodes: processes that take part in at least one channel (plus one the caller asks for),
 *   every System V and POSIX object, and a "pipe hub" for a pipe or FIFO joining more than
 *   one writer or reader process (a pipe between one writer and one reader is an edge only);
 * - edges: pipe/FIFO writer -> reader, unix socket pairs (two-way, once per pair of
 *   holders), queue sender -> queue -> receiver, processes to the shared memory and
 *   semaphores they map or operate on, and semaphore waiters.
 * Pipes with only one kind of end (no writer or no reader left) and pipes held by a single
 * process link nobody and are only counted.
 *
 * The layout (struct topo_layout) lives across refreshes and keeps each node's slot by its
 * identity (object id): a node seen before never moves; a new node goes to the free slot
 * nearest its already-placed neighbours (a new component to the first roomy free slot, in
 * reading order within `wrap` columns); a vanished node keeps its slot for `linger` more
 * placements (so it can fade out where it was) before the slot is reused. Two nodes never
 * share a slot.
 */
#ifndef IPCTOP_UI_TOPO_LAYOUT_H
#define IPCTOP_UI_TOPO_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "src/arena.h"
#include "src/format.h"
#include "src/snapshot.h"

enum topo_kind {
	TOPO_PROC,		/* struct proc_rec */
	TOPO_PIPE,		/* struct pipe_rec: a hub for a pipe/FIFO with several writers/readers */
	TOPO_MSGQ,		/* struct msgq_rec */
	TOPO_SHM,		/* struct shm_rec */
	TOPO_SEM,		/* struct sem_rec */
	TOPO_PMQ,		/* struct pmq_rec */
	TOPO_PSHM,		/* struct pshm_rec */
	TOPO_PSEM,		/* struct psem_rec */
	TOPO_KIND_COUNT
};

enum topo_edge_kind {
	TEDGE_PIPE,		/* anonymous pipe: data flows from -> to */
	TEDGE_FIFO,		/* named pipe: data flows from -> to */
	TEDGE_SOCKET,		/* unix socket pair: both ways */
	TEDGE_SEND,		/* process -> queue (last sender, blocked sender, POSIX writer) */
	TEDGE_RECV,		/* queue -> process (last receiver, blocked receiver, POSIX reader) */
	TEDGE_ATTACH,		/* process -- shared memory, named semaphore, O_RDWR POSIX queue */
	TEDGE_SEM_OP,		/* process -- semaphore set it was last to operate on */
	TEDGE_SEM_WAIT,		/* process -> semaphore set it is blocked on */
	TEDGE_KIND_COUNT
};

struct topo_node {
	enum topo_kind kind;
	const char *id;		/* object id ("pid:12", "msg:5", "pipe:991"), in the graph's arena */
	const void *rec;	/* the record in the snapshot the graph was built from */
	size_t degree;		/* edges touching it */
	/* Set by topo_graph_select(): */
	bool shown;		/* in the map */
	int dist;		/* hops from the centre; -1 unreachable or no centre */
	/* Set by topo_layout_place() for shown nodes: */
	int col, row;		/* grid slot */
	bool is_new;		/* had no slot before this placement */
};

struct topo_edge {
	enum topo_edge_kind kind;
	size_t from, to;	/* node indexes; directed kinds carry data from -> to */
	const char *obj;	/* the channel: "pipe:991", "unix:40" (from's end), "shm:3" */
	const char *peer_obj;	/* sockets: the to side's end ("unix:41"); NULL otherwise */
};

struct topo_graph {
	const struct snapshot *snap;
	struct topo_node *nodes;
	size_t n_nodes, cap_nodes;
	struct topo_edge *edges;
	size_t n_edges, cap_edges;
	/* adjacency (CSR): the edges of node i are adj[adj_start[i] .. adj_start[i + 1]) */
	size_t *adj_start;
	size_t *adj;
	size_t n_procs, n_objects;	/* nodes of each sort */
	size_t n_unlinked_pipes;	/* pipes and FIFOs that join no two processes */
	struct arena arena;
};

struct topo_build_opts {
	bool all_procs;		/* every process, linked or not (small snapshots, --pid) */
	pid_t keep_pid;		/* this process even when it has no channel (0 none) */
};

/* Builds the graph of s (sealed; must outlive g). opts may be NULL. */
void topo_graph_build(struct topo_graph *g, const struct snapshot *s,
		      const struct topo_build_opts *opts);
void topo_graph_fini(struct topo_graph *g);

/* Index of the node with object id `id`, or SIZE_MAX. */
size_t topo_graph_find(const struct topo_graph *g, const char *id);
/* The node at the other end of edge e from node n. */
static inline size_t topo_edge_other(const struct topo_edge *e, size_t n)
{
	return e->from == n ? e->to : e->from;
}

/* Marks which nodes are shown: center == SIZE_MAX or depth < 0: all of them; otherwise the
 * nodes within depth hops of center (dist set for every reachable node). Returns how many
 * are shown. */
size_t topo_graph_select(struct topo_graph *g, size_t center, int depth);

/* format.h's table for a node kind or an edge's channel (for details and search). */
enum fmt_kind topo_kind_fmt(enum topo_kind k);
enum fmt_kind topo_edge_fmt(enum topo_edge_kind k);
/* Short names: "process", "pipe", "queue", ...; "pipe", "fifo", "socket", "send", ... */
const char *topo_kind_name(enum topo_kind k);
const char *topo_edge_kind_name(enum topo_edge_kind k);

/* ---- layout ---------------------------------------------------------------------------- */

struct topo_layout;

struct topo_layout_opts {
	int wrap;		/* slots per row available to new nodes (at least 1) */
	int linger;		/* placements a vanished node keeps its slot (>= 0) */
};

struct topo_layout *topo_layout_new(void);
void topo_layout_free(struct topo_layout *l);
/* Forgets every slot: the next placement lays the graph out afresh. */
void topo_layout_reset(struct topo_layout *l);

/* Gives every shown node of g a slot (col, row >= 0), keeping the slots of nodes placed
 * before (see the top of this file). Nodes not shown start to linger. */
void topo_layout_place(struct topo_layout *l, struct topo_graph *g,
		       const struct topo_layout_opts *opts);

/* The slot of id in the last placement, lingering ones included; false if it has none. */
bool topo_layout_slot(const struct topo_layout *l, const char *id, int *col, int *row);
/* Slots in use (placed and lingering). */
size_t topo_layout_count(const struct topo_layout *l);

#endif
