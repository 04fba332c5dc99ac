/*
 * view_topo.c - the topology map: processes as boxes, IPC objects as boxes of their own, and
 * the channels between them as lines, with data, signals and changes animated.
 *
 * Drawing: pipes and FIFOs are solid lines with an arrowhead at the reader; sockets double
 * lines with arrowheads at both ends; queues, shared memory and semaphores dotted links (an
 * arrow where data flows: sender -> queue -> receiver; a semaphore's waiters in the warning
 * colour). A queue's box has its depth gauge, a pipe line a small fill gauge at its middle,
 * a semaphore set its values as tokens and its waiters. Packets travel along a line at a
 * speed following the channel's measured rate; gauges move smoothly between snapshots;
 * tokens taken or returned flash; signals fly from sender to target; new boxes light up and
 * vanished ones fade where they were (ui/anim.h). Lines are drawn first and boxes over them.
 *
 * The graph and its stable layout come from ui/topo_layout.h (pure). This file keeps the
 * selection by object id, the viewport (canvas cell at the area's top-left corner) and the
 * mode: the whole map, or the selection's neighbourhood to a depth; "auto" switches to the
 * neighbourhood when the map has more nodes than fit twice on the screen.
 *
 * Invariant: every pointer into a snapshot (graph nodes' records) is replaced in update()
 * before ui.c releases that snapshot; draw() only paints and clips to its area.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "src/signames.h"
#include "ui/anim.h"
#include "ui/search.h"
#include "ui/topo_layout.h"
#include "ui/view.h"

/* Geometry of the grid (canvas cells): a box and the gaps lines and packets run in. */
#define BOX_W 18
#define BOX_H 4
#define SLOT_W 26
#define SLOT_H 6
#define MARGIN_X 2
#define MARGIN_Y 1
#define PATH_MAX_CELLS 4096
#define PACKET_SPACING 5
#define FRAME_MS 50		/* 20 frames per second while something moves */
#define DEPTH_MAX 8

enum topo_mode { MODE_AUTO, MODE_ALL, MODE_NEAR, MODE_COUNT };

struct topo {
	struct view v;
	struct topo_graph g;
	bool have_graph;
	struct topo_layout *layout;
	struct anim *anim;

	char sel[FMT_ID_MAX];		/* selected node's id ("" none yet) */
	int sel_col, sel_row;		/* its slot: where to look when it vanishes */
	enum topo_mode mode;
	int depth;
	bool near;			/* the neighbourhood is what is shown */
	size_t n_shown;
	char filter[SEARCH_MAX];
	char note[200];			/* a one-off remark in the title line */

	int ox, oy;			/* viewport: canvas cell at the map's top-left */
	bool centre;			/* centre on the selection at the next draw */
	struct ui_rect map;		/* the map's screen rectangle at the last draw */
	int wrap;			/* slots per row for new nodes */
	size_t tab_link;		/* which link of the selection Tab went along last */
	int auto_depth;			/* the depth auto shows (depth, or less on a big map) */
	bool moving;			/* something was animated at the last draw */
	const char **deadlock_objs;	/* object ids in deadlock cycles (snapshot strings) */
	size_t n_deadlock_objs;
};

/* ---- glyphs ---- */

struct tglyphs {
	const char *line[3][2];		/* [pipe, socket, link][horizontal, vertical] */
	const char *turn[3][4];		/* [style][right+down, left+down, right+up, left+up] */
	const char *corner[2][4];	/* [process, object][tl, tr, bl, br] */
	const char *bh, *bv;
	const char *arrow[4];		/* E W S N */
	const char *packet, *token, *token_gone, *signal, *follow;
};

static const struct tglyphs tg_utf8 = {
	.line = { { "\u2500", "\u2502" }, { "\u2550", "\u2551" }, { "\u2504", "\u2506" } },
	.turn = { { "\u250c", "\u2510", "\u2514", "\u2518" },
		  { "\u2554", "\u2557", "\u255a", "\u255d" },
		  { "\u250c", "\u2510", "\u2514", "\u2518" } },
	.corner = { { "\u250c", "\u2510", "\u2514", "\u2518" },
		    { "\u256d", "\u256e", "\u2570", "\u256f" } },
	.bh = "\u2500", .bv = "\u2502",
	.arrow = { "\u2192", "\u2190", "\u2193", "\u2191" },
	.packet = "\u25cf", .token = "\u25cf", .token_gone = "\u25cb", .signal = "\u21af",
	.follow = "\u25ce",
};

static const struct tglyphs tg_ascii = {
	.line = { { "-", "|" }, { "=", "|" }, { ".", ":" } },
	.turn = { { "+", "+", "+", "+" }, { "+", "+", "+", "+" }, { "+", "+", "+", "+" } },
	.corner = { { "+", "+", "+", "+" }, { "+", "+", "+", "+" } },
	.bh = "-", .bv = "|",
	.arrow = { ">", "<", "v", "^" },
	.packet = "o", .token = "o", .token_gone = ".", .signal = "!", .follow = "*",
};

static const struct tglyphs *glyphs(void)
{
	return term_utf8() ? &tg_utf8 : &tg_ascii;
}

/* ---- the canvas: map cells to screen cells, clipped to the map rectangle ---- */

struct canvas {
	WINDOW *w;
	struct ui_rect r;
	int ox, oy;
};

static bool cv_in(const struct canvas *c, int X, int Y)
{
	int x = X - c->ox, y = Y - c->oy;

	return x >= 0 && y >= 0 && x < c->r.w && y < c->r.h;
}

/* A glyph (one UTF-8 character) as a wide character, decoded once: a map repaints
 * thousands of cells per frame, and curses would decode the bytes at every one. */
static wchar_t glyph_wc(const char *glyph)
{
	static struct {
		const char *s;
		wchar_t wc;
	} cache[64];
	static size_t n;
	mbstate_t st;
	wchar_t wc;

	for (size_t i = 0; i < n; i++)
		if (cache[i].s == glyph)
			return cache[i].wc;
	memset(&st, 0, sizeof(st));
	if (mbrtowc(&wc, glyph, strlen(glyph), &st) > 4 || !wc)
		wc = L'?';
	if (n < sizeof(cache) / sizeof(cache[0])) {
		cache[n].s = glyph;
		cache[n++].wc = wc;
	}
	return wc;
}

static void cv_put(const struct canvas *c, int X, int Y, const char *glyph, attr_t a)
{
	wchar_t wcs[2] = { 0, 0 };
	cchar_t cc;

	if (!cv_in(c, X, Y))
		return;
	wcs[0] = glyph_wc(glyph);
	setcchar(&cc, wcs, a & ~A_COLOR, (short)PAIR_NUMBER(a), NULL);
	mvwadd_wch(c->w, c->r.y + Y - c->oy, c->r.x + X - c->ox, &cc);
}

/* Blanks n cells from canvas (X, Y) rightwards, clipped. */
static void cv_blank(const struct canvas *c, int X, int Y, int n)
{
	int x = X - c->ox, y = Y - c->oy;

	if (y < 0 || y >= c->r.h)
		return;
	if (x < 0) {
		n += x;
		x = 0;
	}
	if (x + n > c->r.w)
		n = c->r.w - x;
	if (n > 0) {
		wattrset(c->w, A_NORMAL);
		mvwhline(c->w, c->r.y + y, c->r.x + x, ' ', n);
	}
}

/* Text at canvas (X, Y) in at most width columns, clipped on both sides. */
static void cv_text(const struct canvas *c, int X, int Y, int width, const char *s, attr_t a)
{
	int y = Y - c->oy, x = X - c->ox, used;

	if (y < 0 || y >= c->r.h || width <= 0 || x >= c->r.w)
		return;
	if (x < 0) {	/* skip the columns left of the map */
		s += term_fit(s, -x, &used);
		width += x;
		x = 0;
		if (width <= 0 || !*s)
			return;
	}
	if (width > c->r.w - x)
		width = c->r.w - x;
	term_put(c->w, c->r.y + y, c->r.x + x, width, s, a, false, false);
}

/* ---- geometry ---- */

static int node_x(const struct topo_node *n)
{
	return MARGIN_X + n->col * SLOT_W;
}

static int node_y(const struct topo_node *n)
{
	return MARGIN_Y + n->row * SLOT_H;
}

static bool in_box(int X, int Y, int bx, int by)
{
	return X >= bx && X < bx + BOX_W && Y >= by && Y < by + BOX_H;
}

struct cell {
	int x, y;
};

/* Which of the parallel lanes of a channel a line takes: spreads lines that would share
 * cells (a pipe and a socket between the same two processes, lines along one gap). */
static unsigned lane_of(const char *obj, size_t from, size_t to)
{
	unsigned h = 2166136261u;

	for (const char *p = obj ? obj : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h ^= (unsigned)from * 2654435761u ^ (unsigned)to * 40503u;
	return h ^ (h >> 15);
}

/* Appends the cells from p (exclusive) to q (inclusive), one axis at a time. */
static size_t segment(struct cell *out, size_t n, size_t cap, struct cell p, struct cell q)
{
	while ((p.x != q.x || p.y != q.y) && n < cap) {
		if (p.x != q.x)
			p.x += q.x > p.x ? 1 : -1;
		else
			p.y += q.y > p.y ? 1 : -1;
		out[n++] = p;
	}
	return n;
}

/*
 * The cells of the line from box a to box b, through the gaps only: boxes sit on a grid,
 * the gaps between rows and columns are channels. Next to each other: straight across the
 * gap. Otherwise: out of a into the row channel on b's side, along it to the column channel
 * beside b, along that to b's row, and into b's side (same row: back up into b's bottom;
 * same column: along the column channel on the right). lane picks the row of a channel and
 * the position in a gap, so parallel lines keep apart. Returns the cells (at most cap).
 */
static size_t edge_path(const struct topo_node *a, const struct topo_node *b, unsigned lane,
			struct cell *out, size_t cap)
{
	int ax = node_x(a), ay = node_y(a), bx = node_x(b), by = node_y(b);
	int dc = b->col - a->col, dr = b->row - a->row;
	int l2 = (int)(lane & 1), lv = 1 + (int)((lane >> 1) % (SLOT_W - BOX_W - 2));
	int lx = 3 + 3 * (int)((lane >> 5) % 5);	/* 3..15 along a box's bottom or top */
	struct cell pts[6];
	int np = 0;
	size_t n;

	if (dr == 0 && abs(dc) == 1) {
		int y = ay + 1 + l2;

		pts[np++] = (struct cell){ dc > 0 ? ax + BOX_W : ax - 1, y };
		pts[np++] = (struct cell){ dc > 0 ? bx - 1 : bx + BOX_W, y };
	} else if (dc == 0 && abs(dr) == 1) {
		pts[np++] = (struct cell){ ax + lx, dr > 0 ? ay + BOX_H : ay - 1 };
		pts[np++] = (struct cell){ ax + lx, dr > 0 ? by - 1 : by + BOX_H };
	} else if (dc == 0) {
		int xc = ax + BOX_W + lv, ya = ay + 1 + l2, yb = by + 1 + l2;

		pts[np++] = (struct cell){ ax + BOX_W, ya };
		pts[np++] = (struct cell){ xc, ya };
		pts[np++] = (struct cell){ xc, yb };
		pts[np++] = (struct cell){ bx + BOX_W, yb };
	} else {
		bool down = dr >= 0;
		/* same row: along the second row of the gap below, so both ends turn up */
		int xa = ax + lx, yc = dr == 0 ? ay + BOX_H + 1 : down ? ay + BOX_H + l2 : ay - 1 - l2;

		pts[np++] = (struct cell){ xa, down ? ay + BOX_H : ay - 1 };
		pts[np++] = (struct cell){ xa, yc };
		if (dr == 0) {
			int xb = bx + lx;

			pts[np++] = (struct cell){ xb, yc };
			pts[np++] = (struct cell){ xb, by + BOX_H };
		} else {
			int xc = dc > 0 ? bx - (SLOT_W - BOX_W) + lv : bx + BOX_W + lv, yb = by + 1 + l2;

			pts[np++] = (struct cell){ xc, yc };
			pts[np++] = (struct cell){ xc, yb };
			pts[np++] = (struct cell){ dc > 0 ? bx - 1 : bx + BOX_W, yb };
		}
	}
	if (!cap)
		return 0;
	out[0] = pts[0];
	n = 1;
	for (int i = 1; i < np; i++)
		n = segment(out, n, cap, pts[i - 1], pts[i]);
	return n;
}

/* Direction index (tglyphs.arrow) of a one-cell step. */
static int dir_of(int dx, int dy)
{
	if (dy == 0)
		return dx >= 0 ? 0 : 1;
	return dy > 0 ? 2 : 3;
}

/* ---- what the records say ---- */

static int line_set(enum topo_edge_kind k)
{
	switch (k) {
	case TEDGE_PIPE:
	case TEDGE_FIFO:
		return 0;
	case TEDGE_SOCKET:
		return 1;
	default:
		return 2;
	}
}

static bool deadlocked_obj(const struct topo *t, const char *obj)
{
	for (size_t i = 0; i < t->n_deadlock_objs; i++)
		if (t->deadlock_objs[i] && strcmp(t->deadlock_objs[i], obj) == 0)
			return true;
	return false;
}

static bool deadlocked_pid(const struct snapshot *s, pid_t pid)
{
	for (size_t i = 0; i < s->n_deadlocks; i++)
		for (size_t k = 0; k < s->deadlocks[i].n_pids; k++)
			if (s->deadlocks[i].pids[k] == pid)
				return true;
	return false;
}

static enum ui_role edge_role(const struct topo *t, const struct topo_edge *e)
{
	if (deadlocked_obj(t, e->obj))
		return ROLE_ERROR;
	switch (e->kind) {
	case TEDGE_PIPE:
	case TEDGE_FIFO:
		return ROLE_EDGE_PIPE;
	case TEDGE_SOCKET:
		return ROLE_EDGE_SOCKET;
	case TEDGE_SEM_WAIT:
		return ROLE_WARN;
	default:
		return ROLE_EDGE_LINK;
	}
}

/* Packets move on an edge only when bytes moved: at the counted throughput when there is
 * one, and gently (EVIDENCE_SPEED) when only evidence says something went through in the
 * interval (a queue's last send or receive moved, a fill grew or shrank). An idle channel, or
 * one whose traffic is unknown, shows none. */
#define EVIDENCE_SPEED 256.0

/* The speed (bytes/s) to show moving along e from `from` to `to` (forward) or back; 0 when
 * nothing is known to have moved. */
static double edge_rate(const struct ui_frame *f, const struct topo_edge *e, bool forward)
{
	const struct delta_rate *rt;
	bool moved;

	if (!f->delta)
		return 0;
	switch (e->kind) {
	case TEDGE_PIPE:
	case TEDGE_FIFO:
		if (!forward || !(rt = snapshot_delta_rate(f->delta, e->obj)))
			return 0;
		moved = rt->sent || rt->received;
		break;
	case TEDGE_SOCKET:
		/* what this end sent: its own record's, or (backwards) its peer's */
		rt = snapshot_delta_rate(f->delta, forward ? e->obj : e->peer_obj);
		if (!rt)
			return 0;
		moved = rt->sent;
		break;
	case TEDGE_SEND:
	case TEDGE_RECV:
		if (!forward || !(rt = snapshot_delta_rate(f->delta, e->obj)))
			return 0;
		moved = e->kind == TEDGE_SEND ? rt->sent : rt->received;
		break;
	default:
		return 0;
	}
	if (rt->exact)
		return rt->bytes_per_s > 0 ? rt->bytes_per_s : 0;
	return moved ? EVIDENCE_SPEED : 0;
}

static double gauge_of(const struct topo_node *n)
{
	switch (n->kind) {
	case TOPO_MSGQ: {
		const struct msgq_rec *q = n->rec;

		return q->bytes < 0 || q->max_bytes <= 0 ? -1
		       : q->bytes >= q->max_bytes ? 1 : (double)q->bytes / (double)q->max_bytes;
	}
	case TOPO_PIPE: {
		const struct pipe_rec *p = n->rec;

		return p->queued_bytes < 0 || p->capacity <= 0 ? -1
		       : p->queued_bytes >= p->capacity ? 1
		       : (double)p->queued_bytes / (double)p->capacity;
	}
	case TOPO_PMQ: {
		const struct pmq_rec *q = n->rec;

		return q->messages < 0 || q->max_messages <= 0 ? -1
		       : q->messages >= q->max_messages ? 1
		       : (double)q->messages / (double)q->max_messages;
	}
	default:
		return -1;
	}
}

/* ---- selection and layout ---- */

static size_t sel_index(const struct topo *t)
{
	return t->sel[0] ? topo_graph_find(&t->g, t->sel) : SIZE_MAX;
}

static void select_node(struct topo *t, size_t i)
{
	if (i >= t->g.n_nodes)
		return;
	snprintf(t->sel, sizeof(t->sel), "%s", t->g.nodes[i].id);
	t->sel_col = t->g.nodes[i].col;
	t->sel_row = t->g.nodes[i].row;
}

/* The best connected process (the map's natural centre), else any node. */
static size_t default_node(const struct topo_graph *g)
{
	size_t best = SIZE_MAX;

	for (size_t i = 0; i < g->n_nodes; i++) {
		if (best == SIZE_MAX || (g->nodes[i].kind == TOPO_PROC &&
					 (g->nodes[best].kind != TOPO_PROC ||
					  g->nodes[i].degree > g->nodes[best].degree)))
			best = i;
	}
	return best;
}

/* The selection vanished: the node now nearest its old slot (by the last layout). */
static size_t nearest_to_old(const struct topo *t)
{
	size_t best = SIZE_MAX;
	long bd = 0;

	for (size_t i = 0; i < t->g.n_nodes; i++) {
		int c, r;
		long d;

		if (!topo_layout_slot(t->layout, t->g.nodes[i].id, &c, &r))
			continue;
		d = (long)(c - t->sel_col) * (c - t->sel_col) + (long)(r - t->sel_row) * (r - t->sel_row);
		if (best == SIZE_MAX || d < bd) {
			best = i;
			bd = d;
		}
	}
	return best;
}

static int visible_slots(const struct topo *t)
{
	int cols = t->map.w > 0 ? t->map.w / SLOT_W : 3, rows = t->map.h > 0 ? t->map.h / SLOT_H : 3;

	return (cols > 1 ? cols : 1) * (rows > 1 ? rows : 1);
}

/* Which nodes are shown (filter, neighbourhood), then their slots. */
static void relayout(struct topo *t, const struct ui_frame *f)
{
	struct topo_graph *g = &t->g;
	struct topo_layout_opts lo = { .wrap = t->wrap > 0 ? t->wrap : 3, .linger = 1 };
	size_t c = sel_index(t);

	if (!t->have_graph)
		return;
	if (c == SIZE_MAX) {
		c = t->sel[0] ? nearest_to_old(t) : SIZE_MAX;
		if (c == SIZE_MAX)
			c = default_node(g);
		select_node(t, c);
	}
	t->near = t->mode == MODE_NEAR ||
		  (t->mode == MODE_AUTO && g->n_nodes > (size_t)(2 * visible_slots(t)));
	if (t->filter[0]) {
		/* the matches and their direct neighbours */
		bool *match = xcalloc(g->n_nodes ? g->n_nodes : 1, sizeof(bool));

		for (size_t i = 0; i < g->n_nodes; i++)
			match[i] = search_match(f->snap, topo_kind_fmt(g->nodes[i].kind), g->nodes[i].rec,
						t->filter);
		for (size_t i = 0; i < g->n_nodes; i++) {
			g->nodes[i].shown = match[i];
			for (size_t a = g->adj_start[i]; !match[i] && a < g->adj_start[i + 1]; a++)
				if (match[topo_edge_other(&g->edges[g->adj[a]], i)])
					g->nodes[i].shown = true;
		}
		free(match);
		t->near = false;
	} else if (t->near && t->mode == MODE_AUTO) {
		/* auto: the chosen depth, or less while that is more than fits four times */
		int d = t->depth;

		while (topo_graph_select(g, c, d) > (size_t)(4 * visible_slots(t)) && d > 1)
			d--;
		t->auto_depth = d;
	} else {
		topo_graph_select(g, t->near ? c : SIZE_MAX, t->depth);
		t->auto_depth = t->depth;
	}
	t->n_shown = 0;
	for (size_t i = 0; i < g->n_nodes; i++)
		t->n_shown += g->nodes[i].shown;
	topo_layout_place(t->layout, g, &lo);
	c = sel_index(t);
	if (c != SIZE_MAX) {
		t->sel_col = g->nodes[c].col;
		t->sel_row = g->nodes[c].row;
	}
}

static void topo_update(struct view *v, const struct ui_frame *f)
{
	struct topo *t = (struct topo *)v;
	const struct snapshot *s = f->snap;

	if (!s)
		return;
	if (!t->have_graph || t->g.snap != s) {
		struct topo_build_opts bo = {
			.all_procs = f->set && f->set->opts && f->set->opts->n_pids > 0,
			.keep_pid = f->set ? f->set->follow : 0,
		};
		size_t n = 0;

		if (!bo.keep_pid && strncmp(t->sel, "pid:", 4) == 0)
			bo.keep_pid = (pid_t)atoi(t->sel + 4);
		if (t->have_graph)
			topo_graph_fini(&t->g);
		topo_graph_build(&t->g, s, &bo);
		t->have_graph = true;
		for (size_t i = 0; i < s->n_deadlocks; i++)
			n += s->deadlocks[i].n_objects;
		free(t->deadlock_objs);
		t->deadlock_objs = xcalloc(n ? n : 1, sizeof(char *));
		t->n_deadlock_objs = 0;
		for (size_t i = 0; i < s->n_deadlocks; i++)
			for (size_t k = 0; k < s->deadlocks[i].n_objects; k++)
				t->deadlock_objs[t->n_deadlock_objs++] = s->deadlocks[i].objects[k];
		anim_snapshot(t->anim, &t->g, s, f->now, f->set ? f->set->delay : 1);
	}
	if (f->set && f->set->follow) {
		char id[FMT_ID_MAX];
		size_t i = topo_graph_find(&t->g, fmt_id_proc(f->set->follow, id, sizeof(id)));

		if (i != SIZE_MAX) {
			select_node(t, i);
			t->centre = true;
		}
	}
	relayout(t, f);
}

/* ---- drawing ---- */

/* The lane of e: lines between the same two boxes take neighbouring lanes (the k-th such
 * line is k lanes on), all others a lane of their own by hash. */
static unsigned edge_lane(const struct topo *t, const struct topo_edge *e)
{
	const struct topo_graph *g = &t->g;
	size_t lo = e->from < e->to ? e->from : e->to, hi = e->from < e->to ? e->to : e->from;
	unsigned k = 0;

	for (size_t a = g->adj_start[lo]; a < g->adj_start[lo + 1]; a++) {
		const struct topo_edge *o = &g->edges[g->adj[a]];

		if (o == e)
			break;
		k += topo_edge_other(o, lo) == hi;
	}
	return lane_of(NULL, lo, hi) + k * 0x23u;
}

static size_t path_of(const struct topo *t, const struct topo_edge *e, struct cell *path)
{
	return edge_path(&t->g.nodes[e->from], &t->g.nodes[e->to], edge_lane(t, e), path,
			 PATH_MAX_CELLS);
}

/* The line's glyphs: straight runs, turns where it bends, arrowheads where data arrives. */
static void draw_line(const struct topo *t, const struct canvas *c, const struct topo_edge *e,
		      bool touches_sel, struct cell *path)
{
	const struct tglyphs *G = glyphs();
	size_t n = path_of(t, e, path);
	int set = line_set(e->kind);
	attr_t at = term_attr(edge_role(t, e)) | (touches_sel ? A_BOLD : 0);
	bool fwd_arrow = e->kind != TEDGE_ATTACH && e->kind != TEDGE_SEM_OP;
	bool back_arrow = e->kind == TEDGE_SOCKET;

	for (size_t i = 0; i < n; i++) {
		/* the sides of this cell the line leaves through: towards the previous cell (or,
		 * for the first, the box behind it) and the next (or the box ahead) */
		int inx = i > 0 ? path[i - 1].x - path[i].x : (n > 1 ? path[i].x - path[i + 1].x : 0);
		int iny = i > 0 ? path[i - 1].y - path[i].y : (n > 1 ? path[i].y - path[i + 1].y : 0);
		int outx = i + 1 < n ? path[i + 1].x - path[i].x : -inx;
		int outy = i + 1 < n ? path[i + 1].y - path[i].y : -iny;
		const char *gl;

		if (iny == 0 && outy == 0) {
			gl = G->line[set][0];
		} else if (inx == 0 && outx == 0) {
			gl = G->line[set][1];
		} else {
			bool right = inx > 0 || outx > 0, down = iny > 0 || outy > 0;

			gl = G->turn[set][(right ? 0 : 1) + (down ? 0 : 2)];
		}
		cv_put(c, path[i].x, path[i].y, gl, at);
	}
	if (fwd_arrow && n >= 2)
		cv_put(c, path[n - 1].x, path[n - 1].y,
		       G->arrow[dir_of(path[n - 1].x - path[n - 2].x, path[n - 1].y - path[n - 2].y)], at);
	if (back_arrow && n >= 2)
		cv_put(c, path[0].x, path[0].y,
		       G->arrow[dir_of(path[0].x - path[1].x, path[0].y - path[1].y)], at);
}

/* The pipe record of "pipe:INODE" / "fifo:INODE". */
static const struct pipe_rec *pipe_of(const struct snapshot *s, const char *id)
{
	bool fifo = strncmp(id, "fifo:", 5) == 0;

	if (!fifo && strncmp(id, "pipe:", 5) != 0)
		return NULL;
	return snapshot_find_pipe(s, fifo ? PIPE_FIFO : PIPE_ANON, strtoull(id + 5, NULL, 10));
}

/* What moves on a line, drawn over every line: packets at the channel's rate (sockets both
 * ways), and a direct pipe's fill gauge on a straight stretch of it. */
static void draw_traffic(struct topo *t, const struct canvas *c, const struct ui_frame *f,
			 const struct topo_edge *e, struct cell *path)
{
	const struct tglyphs *G = glyphs();
	size_t n = path_of(t, e, path);
	double off;

	for (int dir = 0; dir < 2 && n; dir++) {
		double rate = edge_rate(f, e, dir == 0);

		if (!anim_packet_offset(rate, f->now, dir ? (e->peer_obj ? e->peer_obj : e->obj) : e->obj,
					PACKET_SPACING, &off))
			continue;
		for (double p = off; p < (double)n - 1; p += PACKET_SPACING) {
			size_t i = (size_t)p;

			if (dir)
				i = n - 1 - i;
			cv_put(c, path[i].x, path[i].y, G->packet, term_attr(ROLE_PACKET));
		}
		t->moving = true;
	}
	if ((e->kind == TEDGE_PIPE || e->kind == TEDGE_FIFO) && n >= 7 &&
	    t->g.nodes[e->from].kind != TOPO_PIPE && t->g.nodes[e->to].kind != TOPO_PIPE) {
		const struct pipe_rec *p = pipe_of(t->g.snap, e->obj);

		/* the first straight horizontal stretch of 6 cells: the gauge in its middle 4 */
		for (size_t i = 0; p && p->queued_bytes >= 0 && p->capacity > 0 && i + 5 < n; i++) {
			int x0 = path[i + 1].x < path[i + 4].x ? path[i + 1].x : path[i + 4].x;
			double fr, shown;
			bool straight = true;

			for (size_t k = 1; k <= 5 && straight; k++)
				straight = path[i + k].y == path[i].y &&
					   abs(path[i + k].x - path[i].x) == (int)k;
			if (!straight)
				continue;
			if (cv_in(c, x0, path[i].y) && cv_in(c, x0 + 3, path[i].y)) {
				fr = (double)p->queued_bytes / (double)p->capacity;
				fr = fr > 1 ? 1 : fr;
				shown = anim_gauge(t->anim, e->obj, fr, f->now);
				if (shown != fr)
					t->moving = true;
				term_bar(c->w, c->r.y + path[i].y - c->oy, c->r.x + x0 - c->ox, 4, shown);
			}
			break;
		}
	}
}

/* Semaphore values as tokens ("●●● ●"), the ones taken or returned in the last moments
 * marked; numbers when they do not fit. */
static void draw_tokens(const struct topo *t, const struct canvas *c, const struct ui_frame *f,
			const char *id, const int64_t *values, int nsems, int X, int Y, int width)
{
	const struct tglyphs *G = glyphs();
	int x = X;

	if (!values) {
		cv_text(c, X, Y, width, "values ?", term_attr(ROLE_ERROR));
		return;
	}
	for (int k = 0; k < nsems && x < X + width; k++) {
		int64_t v = values[k], from = v;
		double since = 0;
		bool changed = anim_token_change(t->anim, id, k, f->now, &from, &since);
		int64_t shown = v > from ? v : from;

		if (k > 0)
			x++;
		if (shown < 0 || shown > 5 || x + (int)shown > X + width) {
			char num[24];

			snprintf(num, sizeof(num), "%lld", (long long)v);
			cv_text(c, x, Y, X + width - x, num,
				term_attr(changed ? (v < from ? ROLE_WARN : ROLE_NEW) : ROLE_NORMAL));
			x += term_width(num);
			continue;
		}
		for (int64_t i = 0; i < shown; i++, x++) {
			bool taken = changed && i >= v;		/* was there, taken */
			bool returned = changed && i >= from;	/* just came back */

			cv_put(c, x, Y, taken ? G->token_gone : G->token,
			       term_attr(taken ? ROLE_WARN : returned ? ROLE_NEW : ROLE_BAR_LOW));
		}
		if (shown == 0) {
			cv_put(c, x, Y, G->token_gone, term_attr(ROLE_DIM));
			x++;
		}
		if (changed)
			((struct topo *)t)->moving = true;
	}
}

static void box_frame(const struct canvas *c, int X, int Y, bool object, attr_t a)
{
	const struct tglyphs *G = glyphs();
	int o = object ? 1 : 0;

	cv_put(c, X, Y, G->corner[o][0], a);
	cv_put(c, X + BOX_W - 1, Y, G->corner[o][1], a);
	cv_put(c, X, Y + BOX_H - 1, G->corner[o][2], a);
	cv_put(c, X + BOX_W - 1, Y + BOX_H - 1, G->corner[o][3], a);
	for (int x = X + 1; x < X + BOX_W - 1; x++) {
		cv_put(c, x, Y, G->bh, a);
		cv_put(c, x, Y + BOX_H - 1, G->bh, a);
	}
	for (int y = Y + 1; y < Y + BOX_H - 1; y++) {
		cv_put(c, X, y, G->bv, a);
		cv_put(c, X + BOX_W - 1, y, G->bv, a);
		cv_blank(c, X + 1, y, BOX_W - 2);	/* lines run under boxes */
	}
}

static const char *short_wait(const struct proc_rec *p)
{
	switch (p->waiting.kind) {
	case WAIT_NONE:
		return p->state == 'R' ? "running" : p->state == 'S' ? "sleeping" :
		       p->state == 'T' ? "stopped" : p->state == 'D' ? "disk sleep" : "";
	case WAIT_OTHER:
		return p->wchan ? p->wchan : "sleeping";
	default:
		return wait_kind_name(p->waiting.kind);
	}
}

static void draw_node(struct topo *t, const struct canvas *c, const struct ui_frame *f, size_t i)
{
	const struct tglyphs *G = glyphs();
	const struct topo_node *n = &t->g.nodes[i];
	const struct snapshot *s = t->g.snap;
	int X = node_x(n), Y = node_y(n), iw = BOX_W - 2;
	bool selected = strcmp(n->id, t->sel) == 0;
	double born = anim_birth(t->anim, n->id, f->now);
	enum ui_role frame_role = n->kind == TOPO_PROC ? ROLE_NODE : ROLE_OBJ;
	enum ui_role l2_role = ROLE_DIM;
	char title[FMT_ID_MAX + 8], l1[FMT_CELL_MAX], l2[FMT_CELL_MAX], a[32], b[32];

	if (X + BOX_W <= c->ox || X >= c->ox + c->r.w || Y + BOX_H <= c->oy || Y >= c->oy + c->r.h)
		return;
	l1[0] = l2[0] = 0;
	switch (n->kind) {
	case TOPO_PROC: {
		const struct proc_rec *p = n->rec;
		bool followed = f->set && f->set->follow == p->pid;

		snprintf(title, sizeof(title), "%s%d", followed ? G->follow : "", (int)p->pid);
		snprintf(l1, sizeof(l1), "%s", p->comm ? p->comm : "?");
		snprintf(l2, sizeof(l2), "%c %s", p->state, p->zombie ? "zombie" : short_wait(p));
		if (deadlocked_pid(s, p->pid)) {
			frame_role = ROLE_ERROR;
			l2_role = ROLE_ERROR;
			snprintf(l2, sizeof(l2), "%c DEADLOCK", p->state);
		} else if (p->zombie) {
			frame_role = ROLE_ZOMBIE;
			l2_role = ROLE_ZOMBIE;
		} else if (p->waiting.kind != WAIT_NONE && p->waiting.kind != WAIT_OTHER) {
			l2_role = ROLE_WARN;
		}
		break;
	}
	case TOPO_PIPE: {
		const struct pipe_rec *p = n->rec;
		int nw = 0, nr = 0;

		for (size_t k = 0; k < t->g.adj_start[i + 1] - t->g.adj_start[i]; k++) {
			const struct topo_edge *e = &t->g.edges[t->g.adj[t->g.adj_start[i] + k]];

			nw += e->to == i;
			nr += e->from == i;
		}
		snprintf(title, sizeof(title), "%s", n->id);
		snprintf(l1, sizeof(l1), "%dw %s %dr  %sB", nw, G->arrow[0], nr,
			 fmt_bytes(p->queued_bytes, a, sizeof(a)));
		break;
	}
	case TOPO_MSGQ: {
		const struct msgq_rec *q = n->rec;

		snprintf(title, sizeof(title), "%s", n->id);
		snprintf(l1, sizeof(l1), "%s msg %sB", fmt_int(q->messages, a, sizeof(a)),
			 fmt_bytes(q->bytes, b, sizeof(b)));
		break;
	}
	case TOPO_SHM: {
		const struct shm_rec *m = n->rec;

		snprintf(title, sizeof(title), "%s", n->id);
		snprintf(l1, sizeof(l1), "%sB%s", fmt_bytes(m->size, a, sizeof(a)),
			 m->destroy_pending ? " DEST" : "");
		snprintf(l2, sizeof(l2), "%s attached", fmt_int(m->nattch, b, sizeof(b)));
		if (m->destroy_pending)
			l2_role = ROLE_WARN;
		break;
	}
	case TOPO_SEM: {
		const struct sem_rec *sm = n->rec;
		int64_t waiting = 0;
		bool known = sm->wait_increase && sm->wait_zero;

		snprintf(title, sizeof(title), "%s", n->id);
		for (int k = 0; known && k < sm->nsems; k++)
			waiting += sm->wait_increase[k] + sm->wait_zero[k];
		if (!known)
			snprintf(l2, sizeof(l2), "waiters ?");
		else if (waiting)
			snprintf(l2, sizeof(l2), "%lld waiting", (long long)waiting);
		else
			snprintf(l2, sizeof(l2), "no waiters");
		l2_role = !known ? ROLE_ERROR : waiting ? ROLE_WARN : ROLE_DIM;
		break;
	}
	case TOPO_PMQ: {
		const struct pmq_rec *q = n->rec;

		snprintf(title, sizeof(title), "%s", n->id);
		snprintf(l1, sizeof(l1), "%s/%s msg", fmt_int(q->messages, a, sizeof(a)),
			 fmt_int(q->max_messages, b, sizeof(b)));
		break;
	}
	case TOPO_PSHM: {
		const struct pshm_rec *m = n->rec;

		snprintf(title, sizeof(title), "%s", n->id);
		snprintf(l1, sizeof(l1), "%sB", fmt_bytes(m->size, a, sizeof(a)));
		snprintf(l2, sizeof(l2), "%zu mapped", m->n_mapped);
		break;
	}
	case TOPO_PSEM: {
		const struct psem_rec *m = n->rec;

		snprintf(title, sizeof(title), "%s", n->id);
		snprintf(l2, sizeof(l2), "%zu mapped", m->n_mapped);
		break;
	}
	default:
		snprintf(title, sizeof(title), "%s", n->id);
	}

	if (born < 1) {
		frame_role = ROLE_NEW;
		t->moving = true;
	}
	/* the running demo's current caption names this node */
	if (frame_role != ROLE_ERROR && ui_highlighted(f, n->id))
		frame_role = ROLE_DEMO;
	box_frame(c, X, Y, n->kind != TOPO_PROC, term_attr(selected ? ROLE_SELECTED : frame_role));
	{
		char tt[FMT_ID_MAX + 12];

		snprintf(tt, sizeof(tt), " %s ", title);
		cv_text(c, X + 1, Y, iw, tt, term_attr(selected ? ROLE_SELECTED : ROLE_LABEL));
	}
	if (l1[0])
		cv_text(c, X + 1, Y + 1, iw, l1, term_attr(ROLE_NORMAL) | (selected ? A_BOLD : 0));
	if (n->kind == TOPO_SEM) {
		const struct sem_rec *sm = n->rec;

		draw_tokens(t, c, f, n->id, sm->values, sm->nsems, X + 1, Y + 1, iw);
	} else if (n->kind == TOPO_PSEM) {
		const struct psem_rec *m = n->rec;

		if (m->value >= 0)
			draw_tokens(t, c, f, n->id, &m->value, 1, X + 1, Y + 1, iw);
		else
			cv_text(c, X + 1, Y + 1, iw, "value ?", term_attr(ROLE_ERROR));
	}
	if (n->kind == TOPO_MSGQ || n->kind == TOPO_PIPE || n->kind == TOPO_PMQ) {
		double target = gauge_of(n), shown = anim_gauge(t->anim, n->id, target, f->now);
		int gx = X + 1 - c->ox, gy = Y + 2 - c->oy;

		if (shown != target)
			t->moving = true;
		if (gy >= 0 && gy < c->r.h && gx >= 0 && gx + iw <= c->r.w)
			term_bar(c->w, c->r.y + gy, c->r.x + gx, iw, shown);
	} else if (l2[0]) {
		cv_text(c, X + 1, Y + 2, iw, l2, term_attr(l2_role));
	}
}

static void draw_ghosts(struct topo *t, const struct canvas *c, const struct ui_frame *f)
{
	size_t n;
	const struct anim_ghost *gh = anim_ghosts(t->anim, f->now, &n);

	for (size_t i = 0; i < n; i++) {
		int col, row, X, Y;
		bool taken = false;

		if (!topo_layout_slot(t->layout, gh[i].id, &col, &row))
			continue;
		/* the slot went to someone else already: no ghost over it */
		for (size_t k = 0; k < t->g.n_nodes && !taken; k++)
			taken = t->g.nodes[k].shown && t->g.nodes[k].col == col && t->g.nodes[k].row == row;
		if (taken)
			continue;
		X = MARGIN_X + col * SLOT_W;
		Y = MARGIN_Y + row * SLOT_H;
		box_frame(c, X, Y, gh[i].kind != TOPO_PROC, term_attr(ROLE_GONE));
		cv_text(c, X + 1, Y + 1, BOX_W - 2, gh[i].label, term_attr(ROLE_GONE));
		cv_text(c, X + 1, Y + 2, BOX_W - 2, "gone", term_attr(ROLE_GONE));
		t->moving = true;
	}
}

/* "USR1" for SIGUSR1: the map has little room. */
static const char *sig_short(int signo, char *buf, size_t len)
{
	char name[32];

	signame(signo, name, sizeof(name));
	snprintf(buf, len, "%s", strncmp(name, "SIG", 3) == 0 ? name + 3 : name);
	return buf;
}

static void draw_flights(struct topo *t, const struct canvas *c, const struct ui_frame *f,
			 struct cell *path)
{
	const struct tglyphs *G = glyphs();
	size_t n;
	const struct anim_flight *fl = anim_flights(t->anim, f->now, &n);

	for (size_t i = 0; i < n; i++) {
		char id[FMT_ID_MAX], name[32], label[48];
		size_t to = topo_graph_find(&t->g, fmt_id_proc(fl[i].target, id, sizeof(id)));
		size_t from = fl[i].sender > 0 ?
			      topo_graph_find(&t->g, fmt_id_proc(fl[i].sender, id, sizeof(id))) : SIZE_MAX;
		double p = (f->now - fl[i].start) / ANIM_FLIGHT;
		size_t len, k;

		if (p < 0)
			continue;	/* not yet: a burst is spread over the interval */
		t->moving = true;
		if (to == SIZE_MAX || !t->g.nodes[to].shown)
			continue;
		if (from == SIZE_MAX || !t->g.nodes[from].shown || from == to) {
			/* from the kernel, or from outside the map: it lands on the target's top */
			const struct topo_node *tn = &t->g.nodes[to];

			snprintf(label, sizeof(label), "%s%s", G->signal,
				 sig_short(fl[i].signo, name, sizeof(name)));
			cv_text(c, node_x(tn) + BOX_W - 8, node_y(tn) - 1 + (p > 0.5), 8, label,
				term_attr(ROLE_SIGNAL));
			continue;
		}
		len = edge_path(&t->g.nodes[from], &t->g.nodes[to], 0, path, PATH_MAX_CELLS);
		if (!len)
			continue;
		k = (size_t)(p * (double)(len - 1));
		if (k >= len)
			k = len - 1;
		snprintf(label, sizeof(label), "%s%s", G->signal,
			 sig_short(fl[i].signo, name, sizeof(name)));
		cv_text(c, path[k].x, path[k].y, 8, label, term_attr(ROLE_SIGNAL));
	}
}

/* Keeps the selection on screen: centred when asked (or following), otherwise moved as
 * little as needed; a map that fits is shown from its top-left corner. */
/* Keeps ox within what the map spans: no blank margin beyond its edges, unless the map is
 * smaller than the screen (then it starts at its first column). */
static int clamp_axis(int o, int lo, int hi, int margin, int view)
{
	if (hi - lo + 2 * margin <= view)
		return lo - margin;
	if (o < lo - margin)
		return lo - margin;
	if (o > hi + margin - view)
		return hi + margin - view;
	return o;
}

static void place_viewport(struct topo *t, const struct ui_frame *f)
{
	size_t c = sel_index(t);
	int minx = 0, miny = 0, maxx = 0, maxy = 0;
	bool any = false;

	(void)f;
	for (size_t i = 0; i < t->g.n_nodes; i++) {
		const struct topo_node *n = &t->g.nodes[i];

		if (!n->shown)
			continue;
		if (!any || node_x(n) < minx)
			minx = node_x(n);
		if (!any || node_y(n) < miny)
			miny = node_y(n);
		if (!any || node_x(n) + BOX_W > maxx)
			maxx = node_x(n) + BOX_W;
		if (!any || node_y(n) + BOX_H > maxy)
			maxy = node_y(n) + BOX_H;
		any = true;
	}
	if (!any)
		return;
	if (c != SIZE_MAX && t->g.nodes[c].shown) {
		int X = node_x(&t->g.nodes[c]), Y = node_y(&t->g.nodes[c]);

		if (t->centre) {
			t->ox = X + BOX_W / 2 - t->map.w / 2;
			t->oy = Y + BOX_H / 2 - t->map.h / 2;
		} else {	/* move as little as needed to keep the selection on screen */
			if (X - MARGIN_X < t->ox)
				t->ox = X - MARGIN_X;
			if (X + BOX_W + MARGIN_X > t->ox + t->map.w)
				t->ox = X + BOX_W + MARGIN_X - t->map.w;
			if (Y - MARGIN_Y < t->oy)
				t->oy = Y - MARGIN_Y;
			if (Y + BOX_H + MARGIN_Y > t->oy + t->map.h)
				t->oy = Y + BOX_H + MARGIN_Y - t->map.h;
		}
	}
	t->centre = false;
	t->ox = clamp_axis(t->ox, minx, maxx, MARGIN_X, t->map.w);
	t->oy = clamp_axis(t->oy, miny, maxy, MARGIN_Y, t->map.h);
}

static void draw_title(struct topo *t, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r)
{
	attr_t a = term_attr(ROLE_TITLE_FOCUS);
	char left[512], right[128], mode[160];
	size_t c = sel_index(t);
	const char *mname[MODE_COUNT] = { "auto", "all", "near" };

	if (t->filter[0])
		snprintf(mode, sizeof(mode), "filter \"%s\" and neighbours", t->filter);
	else if (t->near && c != SIZE_MAX)
		snprintf(mode, sizeof(mode), "within %d of %s (%s)", t->auto_depth, t->g.nodes[c].id,
			 mname[t->mode]);
	else
		snprintf(mode, sizeof(mode), "whole map (%s)", mname[t->mode]);
	snprintf(left, sizeof(left), " Topology  %zu processes  %zu objects  %zu links  %zu shown  %s%s%s",
		 t->g.n_procs, t->g.n_objects, t->g.n_edges, t->n_shown, mode,
		 f->paused ? "  PAUSED" : "", t->note[0] ? "  " : "");
	if (t->note[0]) {
		size_t l = strlen(left);

		snprintf(left + l, sizeof(left) - l, "%s", t->note);
	}
	snprintf(right, sizeof(right), " a mode  [ ] depth ");
	term_fill(w, r->y, r->x, r->w, a);
	{
		int lw = term_put(w, r->y, r->x, r->w, left, a, false, false);
		int rw = term_width(right);

		if (lw + rw < r->w)
			term_put(w, r->y, r->x + r->w - rw, rw, right, a, false, false);
	}
}

static void topo_draw(struct view *v, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r)
{
	struct topo *t = (struct topo *)v;
	struct canvas c;
	struct cell *path;
	size_t sel, *vis, n_vis = 0;

	if (r->h < 1 || r->w < 1)
		return;
	t->moving = false;
	t->map = (struct ui_rect){ r->y + 1, r->x, r->h - 1, r->w };
	t->wrap = (r->w - MARGIN_X) / SLOT_W > 1 ? (r->w - MARGIN_X) / SLOT_W : 1;
	draw_title(t, f, w, r);
	if (!f->snap || !t->have_graph) {
		if (r->h > 1)
			term_put(w, r->y + 1, r->x + 1, r->w - 1, "waiting for the first snapshot...",
				 term_attr(ROLE_DIM), false, false);
		return;
	}
	if (r->h < 2)
		return;
	if (!t->g.n_nodes) {
		term_put(w, r->y + 1, r->x + 1, r->w - 1, "no process uses any IPC channel, and there "
			 "are no IPC objects", term_attr(ROLE_DIM), false, false);
		return;
	}
	place_viewport(t, f);
	c.w = w;
	c.r = t->map;
	c.ox = t->ox;
	c.oy = t->oy;
	path = xmalloc(PATH_MAX_CELLS * sizeof(*path));
	vis = xmalloc((t->g.n_edges ? t->g.n_edges : 1) * sizeof(*vis));
	sel = sel_index(t);
	/* the lines that can reach the screen (their boxes' span, plus the gaps they run in) */
	for (size_t i = 0; i < t->g.n_edges; i++) {
		const struct topo_edge *e = &t->g.edges[i];
		const struct topo_node *a = &t->g.nodes[e->from], *b = &t->g.nodes[e->to];
		int x0 = node_x(a) < node_x(b) ? node_x(a) : node_x(b);
		int x1 = (node_x(a) > node_x(b) ? node_x(a) : node_x(b)) + BOX_W;
		int y0 = node_y(a) < node_y(b) ? node_y(a) : node_y(b);
		int y1 = (node_y(a) > node_y(b) ? node_y(a) : node_y(b)) + BOX_H;

		if (a->shown && b->shown && x1 + SLOT_W > c.ox && x0 - SLOT_W < c.ox + c.r.w &&
		    y1 + SLOT_H > c.oy && y0 - SLOT_H < c.oy + c.r.h)
			vis[n_vis++] = i;
	}
	/* links first, then sockets, then pipes: where lines cross, data channels win */
	for (int set = 2; set >= 0; set--)
		for (size_t k = 0; k < n_vis; k++)
			if (line_set(t->g.edges[vis[k]].kind) == set)
				draw_line(t, &c, &t->g.edges[vis[k]],
					  t->g.edges[vis[k]].from == sel || t->g.edges[vis[k]].to == sel, path);
	for (size_t k = 0; k < n_vis; k++)
		draw_traffic(t, &c, f, &t->g.edges[vis[k]], path);
	free(vis);
	draw_ghosts(t, &c, f);
	for (size_t i = 0; i < t->g.n_nodes; i++)
		if (t->g.nodes[i].shown)
			draw_node(t, &c, f, i);
	draw_flights(t, &c, f, path);
	free(path);
}

/* ---- keys ---- */

/* The nearest shown node in a direction from the selection (arrows). */
static size_t neighbour_in(const struct topo *t, int dc, int dr)
{
	size_t c = sel_index(t), best = SIZE_MAX;
	long bd = 0;

	if (c == SIZE_MAX)
		return default_node(&t->g);
	for (size_t i = 0; i < t->g.n_nodes; i++) {
		const struct topo_node *n = &t->g.nodes[i];
		int x = n->col - t->g.nodes[c].col, y = n->row - t->g.nodes[c].row;
		long along = dc ? (long)x * dc : (long)y * dr, across = dc ? labs(y) : labs(x), d;

		if (!n->shown || i == c || along <= 0 || across > along * 2)
			continue;
		d = along * along + 4 * across * across;
		if (best == SIZE_MAX || d < bd) {
			best = i;
			bd = d;
		}
	}
	return best;
}

/* Tab: the node at the other end of the selection's next (dir +1) or previous link. */
static size_t next_link(struct topo *t, int dir)
{
	size_t c = sel_index(t), n, start;

	if (c == SIZE_MAX)
		return SIZE_MAX;
	n = t->g.adj_start[c + 1] - t->g.adj_start[c];
	if (!n)
		return SIZE_MAX;
	start = t->tab_link % n;
	for (size_t k = 1; k <= n; k++) {
		size_t j = dir > 0 ? (start + k) % n : (start + n - k % n) % n;
		size_t o = topo_edge_other(&t->g.edges[t->g.adj[t->g.adj_start[c] + j]], c);

		if (t->g.nodes[o].shown) {
			/* from the new node, Tab continues from the link just used */
			size_t no = t->g.adj_start[o + 1] - t->g.adj_start[o];

			t->tab_link = 0;
			for (size_t q = 0; q < no; q++)
				if (topo_edge_other(&t->g.edges[t->g.adj[t->g.adj_start[o] + q]], o) == c)
					t->tab_link = q;
			return o;
		}
	}
	return SIZE_MAX;
}

static bool open_cmd(const struct topo *t, struct ui_cmd *cmd)
{
	size_t c = sel_index(t);

	if (c == SIZE_MAX)
		return false;
	cmd->kind = CMD_OPEN;
	cmd->obj.kind = topo_kind_fmt(t->g.nodes[c].kind);
	snprintf(cmd->obj.id, sizeof(cmd->obj.id), "%s", t->g.nodes[c].id);
	return true;
}

static void moved(struct topo *t, const struct ui_frame *f, size_t i)
{
	if (i == SIZE_MAX)
		return;
	select_node(t, i);
	t->note[0] = 0;
	if (t->near)
		relayout(t, f);	/* the neighbourhood follows the selection */
}

static struct ui_cmd topo_key(struct view *v, const struct ui_frame *f, int key)
{
	struct topo *t = (struct topo *)v;
	struct ui_cmd cmd = { .kind = CMD_HANDLED };
	int pan_x = t->map.w > 8 ? t->map.w / 4 : 2, pan_y = t->map.h > 4 ? t->map.h / 2 : 1;

	if (!t->have_graph) {
		cmd.kind = CMD_UNHANDLED;
		return cmd;
	}
	switch (key) {
	case KEY_UP:
		moved(t, f, neighbour_in(t, 0, -1));
		break;
	case KEY_DOWN:
		moved(t, f, neighbour_in(t, 0, 1));
		break;
	case KEY_RIGHT:
		moved(t, f, neighbour_in(t, 1, 0));
		break;
	case KEY_LEFT:
		/* nothing to the left: Left goes back, as elsewhere */
		if (neighbour_in(t, -1, 0) == SIZE_MAX)
			cmd.kind = CMD_UNHANDLED;
		else
			moved(t, f, neighbour_in(t, -1, 0));
		break;
	case '\t':
		moved(t, f, next_link(t, +1));
		break;
	case KEY_BTAB:
		moved(t, f, next_link(t, -1));
		break;
	case KEY_SLEFT:
		t->ox -= pan_x;
		break;
	case KEY_SRIGHT:
		t->ox += pan_x;
		break;
	case KEY_SR:
	case KEY_PPAGE:
		t->oy -= key == KEY_SR ? SLOT_H : pan_y;
		break;
	case KEY_SF:
	case KEY_NPAGE:
		t->oy += key == KEY_SF ? SLOT_H : pan_y;
		break;
	case KEY_HOME:
	case 'c':
		t->centre = true;
		break;
	case 'a':
		t->mode = (enum topo_mode)((t->mode + 1) % MODE_COUNT);
		t->centre = true;
		relayout(t, f);
		break;
	case '[':
	case ']':
		t->depth += key == ']' ? 1 : -1;
		t->depth = t->depth < 1 ? 1 : t->depth > DEPTH_MAX ? DEPTH_MAX : t->depth;
		if (!t->near && !t->filter[0])
			snprintf(t->note, sizeof(t->note), "(depth %d applies to the neighbourhood: a)",
				 t->depth);
		relayout(t, f);
		break;
	case 'L':
		topo_layout_reset(t->layout);
		t->centre = true;
		relayout(t, f);
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (open_cmd(t, &cmd) && cmd.obj.kind != FMT_PROCESSES && !ui_panel_for_kind(cmd.obj.kind)) {
			snprintf(t->note, sizeof(t->note), "(no detail page for %s yet)",
				 topo_kind_name(t->g.nodes[sel_index(t)].kind));
			cmd.kind = CMD_HANDLED;
		}
		break;
	default:
		cmd.kind = CMD_UNHANDLED;
	}
	return cmd;
}

/* ---- mouse, search, filter, selection ---- */

static struct ui_cmd topo_mouse(struct view *v, const struct ui_frame *f, int y, int x,
				mmask_t bstate)
{
	struct topo *t = (struct topo *)v;
	struct ui_cmd cmd = { .kind = CMD_HANDLED };
	int X, Y;
	size_t c = sel_index(t), hit = SIZE_MAX;
	struct cell *path;

	if (!(bstate & BUTTON1_PRESSED) || !t->have_graph || y < t->map.y || y >= t->map.y + t->map.h ||
	    x < t->map.x || x >= t->map.x + t->map.w)
		return cmd;
	X = x - t->map.x + t->ox;
	Y = y - t->map.y + t->oy;
	for (size_t i = 0; i < t->g.n_nodes; i++)
		if (t->g.nodes[i].shown && in_box(X, Y, node_x(&t->g.nodes[i]), node_y(&t->g.nodes[i])))
			hit = i;
	if (hit != SIZE_MAX) {
		if (hit == c) {	/* a click on the selected box opens it */
			if (!open_cmd(t, &cmd) ||
			    (cmd.obj.kind != FMT_PROCESSES && !ui_panel_for_kind(cmd.obj.kind)))
				cmd.kind = CMD_HANDLED;
			return cmd;
		}
		moved(t, f, hit);
		return cmd;
	}
	/* a line: follow it to the end away from the selection (or the nearer end) */
	path = xmalloc(PATH_MAX_CELLS * sizeof(*path));
	for (size_t i = 0; i < t->g.n_edges && hit == SIZE_MAX; i++) {
		const struct topo_edge *e = &t->g.edges[i];
		size_t n;

		if (!t->g.nodes[e->from].shown || !t->g.nodes[e->to].shown)
			continue;
		n = path_of(t, e, path);
		for (size_t k = 0; k < n; k++) {
			if (path[k].x != X || path[k].y != Y)
				continue;
			if (e->from == c || e->to == c)
				hit = topo_edge_other(e, c);
			else
				hit = k < n / 2 ? e->from : e->to;
			break;
		}
	}
	free(path);
	moved(t, f, hit);
	return cmd;
}

static bool topo_search(struct view *v, const struct ui_frame *f, const char *text, int dir,
			bool here)
{
	struct topo *t = (struct topo *)v;
	size_t n = t->g.n_nodes, c = sel_index(t);

	if (!t->have_graph || !n)
		return false;
	if (c == SIZE_MAX)
		c = 0;
	for (size_t k = here ? 0 : 1; k <= n; k++) {
		size_t i = dir >= 0 ? (c + k) % n : (c + n - k % n) % n;
		const struct topo_node *nd = &t->g.nodes[i];

		if (k == n && !here)
			break;
		if (search_match(f->snap, topo_kind_fmt(nd->kind), nd->rec, text)) {
			select_node(t, i);
			t->centre = true;
			if (!nd->shown || t->near)
				relayout(t, f);
			return true;
		}
	}
	return false;
}

static void topo_set_filter(struct view *v, const struct ui_frame *f, const char *text)
{
	struct topo *t = (struct topo *)v;

	snprintf(t->filter, sizeof(t->filter), "%s", text);
	t->centre = true;
	relayout(t, f);
}

static bool topo_selected_obj(const struct view *v, const struct ui_frame *f, struct ui_obj *obj)
{
	const struct topo *t = (const struct topo *)v;
	size_t c = sel_index(t);

	(void)f;
	if (c == SIZE_MAX)
		return false;
	obj->kind = topo_kind_fmt(t->g.nodes[c].kind);
	snprintf(obj->id, sizeof(obj->id), "%s", t->g.nodes[c].id);
	return true;
}

static bool topo_selected_pid(const struct view *v, const struct ui_frame *f, pid_t *pid)
{
	const struct topo *t = (const struct topo *)v;
	size_t c = sel_index(t);

	(void)f;
	if (c == SIZE_MAX || t->g.nodes[c].kind != TOPO_PROC)
		return false;
	*pid = ((const struct proc_rec *)t->g.nodes[c].rec)->pid;
	return true;
}

static int topo_frame_ms(const struct view *v, const struct ui_frame *f)
{
	const struct topo *t = (const struct topo *)v;

	return f->paused || !t->moving ? -1 : FRAME_MS;
}

static const char *topo_hints(const struct view *v)
{
	(void)v;
	return "arrows move  Tab next link  Enter details  Shift-arrows/PgUp/PgDn pan  "
	       "a mode  [ ] depth  c centre  f follow  space pause  / search  F4 filter";
}

static void topo_free(struct view *v)
{
	struct topo *t = (struct topo *)v;

	if (t->have_graph)
		topo_graph_fini(&t->g);
	topo_layout_free(t->layout);
	anim_free(t->anim);
	free(t->deadlock_objs);
	free(t);
}

static const struct view_ops topo_ops = {
	.name = "topology",
	.update = topo_update,
	.draw = topo_draw,
	.key = topo_key,
	.hints = topo_hints,
	.free = topo_free,
	.selected_pid = topo_selected_pid,
	.selected_obj = topo_selected_obj,
	.search = topo_search,
	.set_filter = topo_set_filter,
	.mouse = topo_mouse,
	.frame_ms = topo_frame_ms,
};

struct view *view_topo_new(const struct ui_obj *sel)
{
	struct topo *t = xcalloc(1, sizeof(*t));

	t->v.ops = &topo_ops;
	t->layout = topo_layout_new();
	t->anim = anim_new();
	t->depth = 2;
	t->mode = MODE_AUTO;
	t->centre = true;
	t->wrap = COLS > SLOT_W ? (COLS - MARGIN_X) / SLOT_W : 1;
	t->map.w = COLS;
	t->map.h = LINES > 3 ? LINES - 3 : 1;
	if (sel && sel->id[0])
		snprintf(t->sel, sizeof(t->sel), "%s", sel->id);
	return &t->v;
}
