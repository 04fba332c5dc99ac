/*
 * view_signals.c - the signal matrix: one row per process (and per thread whose signal state
 * differs from its process's), one column per signal, one mark per cell (view_signals.h says
 * which), plus the queued count and limit (SigQ).
 *
 * Columns: the standard signals 1-31 always; 32-64 (glibc's two, then the real-time ones) only
 * when a shown row has something there, or all of them after `a`. A column cursor (< >) picks
 * one signal: its name and every set it is in for the selected row are spelled out under the
 * matrix, since a single mark cannot say everything.
 *
 * Filters: m cycles all / non-default / pending; / (or F4) types a comm filter. Kernel threads
 * follow the K setting, as in the process tree. Selection follows "pid:N" / "tid:N", the
 * column cursor its signal number, across refreshes.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/signames.h"
#include "ui/view_signals.h"
#include "ui/panel.h"
#include "ui/view.h"

/* ---- the pure parts (view_signals.h) ---- */

void view_signals_proc_masks(const struct proc_rec *p, struct sigmasks *m)
{
	memset(m, 0, sizeof(*m));
	m->known = p->sig_known;
	if (!p->sig_known)
		return;
	m->pending = p->sig[SIGSET_PENDING];
	m->shared = p->sig[SIGSET_SHARED_PENDING];
	m->blocked = p->sig[SIGSET_BLOCKED];
	m->ignored = p->sig[SIGSET_IGNORED];
	m->caught = p->sig[SIGSET_CAUGHT];
}

void view_signals_thread_masks(const struct proc_rec *p, const struct thread_rec *t,
			       struct sigmasks *m)
{
	view_signals_proc_masks(p, m);
	m->known = true;	/* the thread's own sets were read, or it would not be listed */
	m->pending = t->pending;
	m->shared = 0;
	m->blocked = t->blocked;
	if (!p->sig_known)	/* dispositions are the process's: unknown with it */
		m->ignored = m->caught = 0;
}

enum sigmark view_signals_mark(const struct sigmasks *m, int signo)
{
	if (!m->known)
		return SIGMARK_UNKNOWN;
	if (sigmask_has(m->shared, signo))
		return SIGMARK_PENDING_SHARED;
	if (sigmask_has(m->pending, signo))
		return SIGMARK_PENDING_THREAD;
	if (sigmask_has(m->blocked, signo))
		return SIGMARK_BLOCKED;
	if (sigmask_has(m->caught, signo))
		return SIGMARK_CAUGHT;
	if (sigmask_has(m->ignored, signo))
		return SIGMARK_IGNORED;
	return SIGMARK_DEFAULT;
}

char view_signals_mark_char(enum sigmark mark)
{
	switch (mark) {
	case SIGMARK_DEFAULT: return '.';
	case SIGMARK_IGNORED: return 'I';
	case SIGMARK_CAUGHT: return 'C';
	case SIGMARK_BLOCKED: return 'B';
	case SIGMARK_PENDING_THREAD: return 'p';
	case SIGMARK_PENDING_SHARED: return 'P';
	case SIGMARK_UNKNOWN: break;
	}
	return '?';
}

const char *view_signals_mark_name(enum sigmark mark)
{
	switch (mark) {
	case SIGMARK_DEFAULT: return "default";
	case SIGMARK_IGNORED: return "ignored";
	case SIGMARK_CAUGHT: return "caught";
	case SIGMARK_BLOCKED: return "blocked";
	case SIGMARK_PENDING_THREAD: return "pending (thread)";
	case SIGMARK_PENDING_SHARED: return "pending (process-wide)";
	case SIGMARK_UNKNOWN: break;
	}
	return "unknown";
}

static bool contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		size_t i;

		for (i = 0; i < n && hay[i]; i++)
			if (tolower((unsigned char)hay[i]) != tolower((unsigned char)needle[i]))
				break;
		if (i == n)
			return true;
	}
	return n == 0;
}

bool view_signals_shown(const struct sigmasks *m, const char *comm, enum sigfilter filter,
			const char *comm_filter)
{
	if (comm_filter && *comm_filter && !contains_nocase(comm ? comm : "", comm_filter))
		return false;
	switch (filter) {
	case SIGFILTER_ALL:
		return true;
	case SIGFILTER_NONDEFAULT:
		return !m->known || (m->pending | m->shared | m->blocked | m->ignored | m->caught) != 0;
	case SIGFILTER_PENDING:
		return m->known && (m->pending | m->shared) != 0;
	case SIGFILTER_COUNT:
		break;
	}
	return true;
}

const char *view_signals_filter_name(enum sigfilter filter)
{
	switch (filter) {
	case SIGFILTER_ALL: return "all";
	case SIGFILTER_NONDEFAULT: return "non-default";
	case SIGFILTER_PENDING: return "pending";
	case SIGFILTER_COUNT: break;
	}
	return "?";
}

/* ---- the view ---- */

#define FILTER_MAX 64
#define PID_W 7
#define COMM_W 14
#define SIGQ_W 11
#define SEP 0		/* a column entry that is the gap between signals 31 and 32 */

struct sigrow {
	const struct proc_rec *p;
	const struct thread_rec *t;	/* NULL: the process row */
	struct sigmasks m;
};

struct sigview {
	struct view v;
	struct sigrow *rows;
	size_t n_rows, cap_rows;
	size_t n_procs_total;		/* rows the filter could have shown (processes) */
	size_t n_procs_shown;
	char sel_id[FMT_ID_MAX];
	size_t sel, top;
	int page;

	int cols[SIG_MAX + 1];		/* signal numbers (SEP for the gap) in display order */
	size_t n_cols;
	int col_sig;			/* the column cursor's signal */
	size_t col_first;		/* first signal column on screen */
	bool all_cols;

	enum sigfilter filter;
	char comm_filter[FILTER_MAX];
	bool editing;
};

static void row_id(const struct sigrow *r, char *buf, size_t len)
{
	if (r->t)
		snprintf(buf, len, "tid:%d", (int)r->t->tid);
	else
		fmt_id_proc(r->p->pid, buf, len);
}

static void add_row(struct sigview *sv, const struct proc_rec *p, const struct thread_rec *t,
		    const struct sigmasks *m)
{
	if (sv->n_rows == sv->cap_rows) {
		sv->cap_rows = sv->cap_rows ? sv->cap_rows * 2 : 64;
		sv->rows = xreallocarray(sv->rows, sv->cap_rows, sizeof(*sv->rows));
	}
	sv->rows[sv->n_rows].p = p;
	sv->rows[sv->n_rows].t = t;
	sv->rows[sv->n_rows].m = *m;
	sv->n_rows++;
}

static int cmp_thread_ptr(const void *a, const void *b)
{
	const struct thread_rec *x = *(const struct thread_rec *const *)a;
	const struct thread_rec *y = *(const struct thread_rec *const *)b;

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static void build_rows(struct sigview *sv, const struct ui_frame *f)
{
	const struct snapshot *s = f->snap;
	const struct thread_rec **thr;
	size_t ti = 0;

	sv->n_rows = sv->n_procs_total = sv->n_procs_shown = 0;
	if (!s)
		return;
	thr = xcalloc(s->n_threads ? s->n_threads : 1, sizeof(*thr));
	for (size_t i = 0; i < s->n_threads; i++)
		thr[i] = &s->threads[i];
	qsort(thr, s->n_threads, sizeof(*thr), cmp_thread_ptr);
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct proc_rec *p = &s->procs[i];
		size_t t0, t1;
		struct sigmasks m;
		bool show;

		while (ti < s->n_threads && thr[ti]->tgid < p->pid)
			ti++;
		t0 = ti;
		while (ti < s->n_threads && thr[ti]->tgid == p->pid)
			ti++;
		t1 = ti;
		if (p->kthread && !f->set->show_kthreads)
			continue;
		sv->n_procs_total++;
		view_signals_proc_masks(p, &m);
		show = view_signals_shown(&m, p->comm, sv->filter, sv->comm_filter);
		for (size_t k = t0; k < t1 && !show; k++) {
			struct sigmasks tm;

			view_signals_thread_masks(p, thr[k], &tm);
			show = view_signals_shown(&tm, thr[k]->comm, sv->filter, sv->comm_filter);
		}
		if (!show)
			continue;
		sv->n_procs_shown++;
		add_row(sv, p, NULL, &m);
		for (size_t k = t0; k < t1; k++) {
			struct sigmasks tm;

			if (thr[k]->tid == p->pid && thr[k]->pending == m.pending &&
			    thr[k]->blocked == m.blocked)
				continue;	/* the main thread is the process row */
			view_signals_thread_masks(p, thr[k], &tm);
			add_row(sv, p, thr[k], &tm);
		}
	}
	free(thr);
}

/* Standard signals always; the rest when in use (or all of them after `a`). */
static void build_cols(struct sigview *sv)
{
	uint64_t used = 0;

	for (size_t i = 0; i < sv->n_rows; i++) {
		const struct sigmasks *m = &sv->rows[i].m;

		used |= m->pending | m->shared | m->blocked | m->ignored | m->caught;
	}
	sv->n_cols = 0;
	for (int sig = 1; sig <= 31; sig++)
		sv->cols[sv->n_cols++] = sig;
	for (int sig = 32; sig <= SIG_MAX; sig++) {
		if (!sv->all_cols && !sigmask_has(used, sig))
			continue;
		if (sv->cols[sv->n_cols - 1] == 31)
			sv->cols[sv->n_cols++] = SEP;
		sv->cols[sv->n_cols++] = sig;
	}
}

static size_t col_index(const struct sigview *sv, int sig)
{
	for (size_t i = 0; i < sv->n_cols; i++)
		if (sv->cols[i] == sig)
			return i;
	return 0;
}

static void select_row(struct sigview *sv, size_t i)
{
	sv->sel = i;
	if (i < sv->n_rows)
		row_id(&sv->rows[i], sv->sel_id, sizeof(sv->sel_id));
}

static void sig_update(struct view *v, const struct ui_frame *f)
{
	struct sigview *sv = (struct sigview *)v;
	size_t old = sv->sel;
	char id[FMT_ID_MAX];
	bool found = false;

	build_rows(sv, f);
	build_cols(sv);
	if (!sv->n_rows) {
		sv->sel = sv->top = 0;
		return;
	}
	for (size_t i = 0; i < sv->n_rows && sv->sel_id[0]; i++) {
		row_id(&sv->rows[i], id, sizeof(id));
		if (strcmp(id, sv->sel_id) == 0) {
			sv->sel = i;
			found = true;
			break;
		}
	}
	if (!found)
		select_row(sv, old < sv->n_rows ? old : sv->n_rows - 1);
	if (sv->cols[col_index(sv, sv->col_sig)] != sv->col_sig)
		sv->col_sig = 1;	/* its column went (not in use any more) */
}

static enum ui_role mark_role(enum sigmark m)
{
	switch (m) {
	case SIGMARK_PENDING_SHARED:
	case SIGMARK_PENDING_THREAD:
		return ROLE_ZOMBIE;
	case SIGMARK_BLOCKED:
		return ROLE_WARN;
	case SIGMARK_CAUGHT:
		return ROLE_KEY;
	case SIGMARK_IGNORED:
		return ROLE_ORPHAN;
	case SIGMARK_DEFAULT:
		return ROLE_DIM;
	case SIGMARK_UNKNOWN:
		break;
	}
	return ROLE_ERROR;
}

struct layout {
	int comm_w;		/* 0: not shown */
	int sigq_w;
	int x_cells;		/* where the signal columns start (relative to r->x) */
	size_t n_vis;		/* signal columns that fit */
};

static void do_layout(struct sigview *sv, const struct ui_rect *r, struct layout *l)
{
	int avail;

	l->comm_w = COMM_W;
	l->sigq_w = SIGQ_W;
	/* narrow: SigQ goes first, then comm shrinks, so the 31 standard signals still fit */
	if (r->w - (PID_W + 1 + COMM_W + 1 + SIGQ_W + 1) < 32)
		l->sigq_w = 0;
	if (r->w - (PID_W + 1 + l->comm_w + 1 + (l->sigq_w ? l->sigq_w + 1 : 0)) < 32)
		l->comm_w = 8;
	l->x_cells = PID_W + 1 + l->comm_w + 1 + (l->sigq_w ? l->sigq_w + 1 : 0);
	avail = r->w - l->x_cells;
	l->n_vis = avail > 0 ? (size_t)avail : 0;
	/* keep the cursor's column on screen */
	{
		size_t ci = col_index(sv, sv->col_sig);

		if (ci < sv->col_first)
			sv->col_first = ci;
		if (l->n_vis && ci >= sv->col_first + l->n_vis)
			sv->col_first = ci - l->n_vis + 1;
		if (sv->col_first + l->n_vis > sv->n_cols)
			sv->col_first = sv->n_cols > l->n_vis ? sv->n_cols - l->n_vis : 0;
	}
}

static void draw_title(struct sigview *sv, WINDOW *w, const struct ui_rect *r)
{
	attr_t a = term_attr(ROLE_TITLE_FOCUS);
	char left[256], right[64] = "", comm[FILTER_MAX + 8];

	if (sv->editing)
		snprintf(comm, sizeof(comm), "\"%s_\"", sv->comm_filter);
	else if (sv->comm_filter[0])
		snprintf(comm, sizeof(comm), "\"%s\"", sv->comm_filter);
	else
		snprintf(comm, sizeof(comm), "any");
	snprintf(left, sizeof(left), " Signal matrix (%zu of %zu processes)  filter: %s  comm: %s ",
		 sv->n_procs_shown, sv->n_procs_total, view_signals_filter_name(sv->filter), comm);
	if (sv->n_rows)
		snprintf(right, sizeof(right), " %zu/%zu ", sv->sel + 1, sv->n_rows);
	term_fill(w, r->y, r->x, r->w, a);
	{
		int lw = term_put(w, r->y, r->x, r->w, left, a, false, false);
		int rw = term_width(right);

		if (rw && lw + rw <= r->w)
			term_put(w, r->y, r->x + r->w - rw, rw, right, a, false, false);
	}
}

static void draw_headings(struct sigview *sv, WINDOW *w, const struct ui_rect *r,
			  const struct layout *l)
{
	attr_t a = term_attr(ROLE_COLHEAD);
	int y = r->y + 1, x = r->x;

	term_fill(w, y, r->x, r->w, a);
	term_fill(w, y + 1, r->x, r->w, a);
	term_put(w, y + 1, x, PID_W, "PID", a, true, true);
	x += PID_W + 1;
	term_put(w, y + 1, x, l->comm_w, "COMM", a, true, false);
	x += l->comm_w + 1;
	if (l->sigq_w) {
		term_put(w, y, x, l->sigq_w, "SIGQ", a, true, true);
		term_put(w, y + 1, x, l->sigq_w, "qd/limit", a, true, true);
		x += l->sigq_w + 1;
	}
	/* the signal numbers, written downwards: tens, then ones */
	for (size_t i = 0; i < l->n_vis && sv->col_first + i < sv->n_cols; i++) {
		int sig = sv->cols[sv->col_first + i];
		char tens[2] = { ' ', 0 }, ones[2] = { '|', 0 };
		attr_t ca = sig && sig == sv->col_sig ? term_attr(ROLE_SELECTED) : a;

		if (sig) {
			tens[0] = sig >= 10 ? (char)('0' + sig / 10) : ' ';
			ones[0] = (char)('0' + sig % 10);
		}
		term_put(w, y, x + (int)i, 1, tens, ca, false, false);
		term_put(w, y + 1, x + (int)i, 1, ones, ca, false, false);
	}
}

static void draw_row(struct sigview *sv, WINDOW *w, int y, const struct ui_rect *r,
		     const struct layout *l, size_t ri, bool selected)
{
	const struct sigrow *row = &sv->rows[ri];
	const struct term_glyphs *g = term_glyphs();
	attr_t base = term_attr(selected ? ROLE_SELECTED : ROLE_NORMAL);
	char buf[FMT_CELL_MAX], b2[32];
	int x = r->x;

	term_fill(w, y, r->x, r->w, base);
	snprintf(buf, sizeof(buf), "%d", (int)(row->t ? row->t->tid : row->p->pid));
	term_put(w, y, x, PID_W, buf, base, true, true);
	x += PID_W + 1;
	if (row->t)
		snprintf(buf, sizeof(buf), "%s%s", g->tree_last, row->t->comm ? row->t->comm : "?");
	else
		snprintf(buf, sizeof(buf), "%s", row->p->comm ? row->p->comm : "?");
	term_put(w, y, x, l->comm_w, buf, base, true, false);
	x += l->comm_w + 1;
	if (l->sigq_w) {
		if (row->t)
			snprintf(buf, sizeof(buf), " ");
		else if (row->p->sigq_queued < 0 && row->p->sigq_limit < 0)
			snprintf(buf, sizeof(buf), "?");
		else
			snprintf(buf, sizeof(buf), "%s/%s", fmt_int(row->p->sigq_queued, b2, 16),
				 fmt_int(row->p->sigq_limit, b2 + 16, 16));
		term_put(w, y, x, l->sigq_w, buf, base, true, true);
		x += l->sigq_w + 1;
	}
	for (size_t i = 0; i < l->n_vis && sv->col_first + i < sv->n_cols; i++) {
		int sig = sv->cols[sv->col_first + i];
		char cell[2] = { ' ', 0 };
		attr_t ca = base;

		if (sig) {
			enum sigmark m = view_signals_mark(&row->m, sig);

			cell[0] = view_signals_mark_char(m);
			if (!selected)
				ca = term_attr(mark_role(m));
		}
		term_put(w, y, x + (int)i, 1, cell, ca, false, false);
	}
}

/* Every set the cursor's signal is in, for the selected row. */
static void describe_cell(const struct sigrow *row, int sig, char *buf, size_t len)
{
	const struct sigmasks *m = &row->m;
	const char *comm = row->t ? row->t->comm : row->p->comm;
	char name[32];
	size_t off;

	signame(sig, name, sizeof(name));
	off = (size_t)snprintf(buf, len, "%s (%d) in %s %d %s: ", name, sig,
			       row->t ? "thread" : "pid", (int)(row->t ? row->t->tid : row->p->pid),
			       comm ? comm : "?");
	if (off >= len)
		return;
	if (!m->known) {
		snprintf(buf + off, len - off, "unknown (masks not readable)");
		return;
	}
	{
		const char *names[5] = { "pending (process-wide)", "pending (thread)", "blocked",
					  "caught", "ignored" };
		uint64_t sets[5] = { m->shared, m->pending, m->blocked, m->caught, m->ignored };
		int n = 0;

		for (int k = 0; k < 5 && off < len; k++) {
			if (!sigmask_has(sets[k], sig))
				continue;
			off += (size_t)snprintf(buf + off, len - off, "%s%s", n ? ", " : "", names[k]);
			n++;
		}
		if (!n && off < len)
			snprintf(buf + off, len - off, "default disposition, not blocked");
	}
}

/* The full sets of the selected row. */
static void describe_row(const struct sigrow *row, char *buf, size_t len)
{
	const struct sigmasks *m = &row->m;
	char a[FMT_CELL_MAX], b[FMT_CELL_MAX], c[FMT_CELL_MAX], d[FMT_CELL_MAX], e[FMT_CELL_MAX];

	if (!m->known) {
		snprintf(buf, len, "signal masks unknown%s%s", row->p->error ? ": " : "",
			 row->p->error ? row->p->error : "");
		return;
	}
	snprintf(buf, len, "pending %s%s%s  blocked %s  caught %s  ignored %s",
		 fmt_sigmask(m->shared | m->pending, a, sizeof(a)),
		 m->pending && !row->t ? " thread " : "",
		 m->pending && !row->t ? fmt_sigmask(m->pending, e, sizeof(e)) : "",
		 fmt_sigmask(m->blocked, b, sizeof(b)), fmt_sigmask(m->caught, c, sizeof(c)),
		 fmt_sigmask(m->ignored, d, sizeof(d)));
}

static void sig_draw(struct view *v, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r)
{
	struct sigview *sv = (struct sigview *)v;
	struct layout l;
	int vis, extra;
	char buf[1024];

	if (r->h < 1 || r->w < 1)
		return;
	do_layout(sv, r, &l);
	draw_title(sv, w, r);
	if (r->h < 4)
		return;
	draw_headings(sv, w, r, &l);
	extra = r->h >= 10 ? 3 : r->h >= 7 ? 1 : 0;	/* cell, sets, legend lines at the bottom */
	vis = r->h - 3 - extra;
	sv->page = vis;
	if (!sv->n_rows) {
		term_put(w, r->y + 3, r->x + 1, r->w - 1,
			 !f->snap ? "waiting for the first snapshot..."
				  : sv->n_procs_total ? "no process matches the filter (m, /)"
						      : "no processes",
			 term_attr(ROLE_DIM), false, false);
	} else {
		if (sv->sel < sv->top)
			sv->top = sv->sel;
		if (vis > 0 && sv->sel >= sv->top + (size_t)vis)
			sv->top = sv->sel - (size_t)vis + 1;
		if (vis > 0 && sv->top + (size_t)vis > sv->n_rows)
			sv->top = sv->n_rows > (size_t)vis ? sv->n_rows - (size_t)vis : 0;
		for (int i = 0; i < vis && sv->top + (size_t)i < sv->n_rows; i++)
			draw_row(sv, w, r->y + 3 + i, r, &l, sv->top + (size_t)i,
				 sv->top + (size_t)i == sv->sel);
	}
	if (extra >= 3 && sv->n_rows) {
		describe_cell(&sv->rows[sv->sel], sv->col_sig, buf, sizeof(buf));
		term_put(w, r->y + r->h - 3, r->x + 1, r->w - 1, buf, term_attr(ROLE_NORMAL), false, false);
		describe_row(&sv->rows[sv->sel], buf, sizeof(buf));
		term_put(w, r->y + r->h - 2, r->x + 1, r->w - 1, buf, term_attr(ROLE_DIM), false, false);
	}
	if (extra >= 1)
		term_put(w, r->y + r->h - 1, r->x + 1, r->w - 1,
			 "P pending (process)  p pending (thread)  B blocked  C caught  I ignored  "
			 ". default  ? unknown", term_attr(ROLE_DIM), false, false);
}

static void move_col(struct sigview *sv, int dir)
{
	size_t ci = col_index(sv, sv->col_sig);

	do {
		if (dir < 0 && ci > 0)
			ci--;
		else if (dir > 0 && ci + 1 < sv->n_cols)
			ci++;
		else
			break;
	} while (sv->cols[ci] == SEP);
	if (sv->cols[ci] != SEP)
		sv->col_sig = sv->cols[ci];
}

static bool filter_key(struct sigview *sv, const struct ui_frame *f, int key)
{
	size_t n = strlen(sv->comm_filter);

	switch (key) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		sv->editing = false;
		return true;
	case 27:
		sv->editing = false;
		sv->comm_filter[0] = 0;
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (n)
			sv->comm_filter[n - 1] = 0;
		break;
	default:
		if (key >= 32 && key < 127 && n + 1 < sizeof(sv->comm_filter)) {
			sv->comm_filter[n] = (char)key;
			sv->comm_filter[n + 1] = 0;
		} else {
			return true;	/* swallowed: typing never reaches the global keys */
		}
	}
	sig_update(&sv->v, f);
	return true;
}

static struct ui_cmd sig_key(struct view *v, const struct ui_frame *f, int key)
{
	struct sigview *sv = (struct sigview *)v;
	struct ui_cmd cmd = { .kind = CMD_HANDLED };
	size_t n = sv->n_rows, page = sv->page > 1 ? (size_t)sv->page - 1 : 1, sel = sv->sel;

	if (sv->editing) {
		filter_key(sv, f, key);
		return cmd;
	}
	switch (key) {
	case '<':
	case ',':
		move_col(sv, -1);
		return cmd;
	case '>':
	case '.':
		move_col(sv, +1);
		return cmd;
	case 'm':
		sv->filter = (enum sigfilter)((sv->filter + 1) % SIGFILTER_COUNT);
		sig_update(v, f);
		return cmd;
	case 'a':
		sv->all_cols = !sv->all_cols;
		sig_update(v, f);
		return cmd;
	case '/':
	case KEY_F(4):
		sv->editing = true;
		return cmd;
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (!n)
			return cmd;
		cmd.kind = CMD_OPEN;
		cmd.obj.kind = FMT_PROCESSES;
		fmt_id_proc(sv->rows[sv->sel].p->pid, cmd.obj.id, sizeof(cmd.obj.id));
		return cmd;
	default:
		if (!panel_move_sel(key, n, page, &sel)) {
			cmd.kind = CMD_UNHANDLED;
			return cmd;
		}
		break;
	}
	if (n)
		select_row(sv, sel);
	return cmd;
}

static bool sig_selected_pid(const struct view *v, const struct ui_frame *f, pid_t *pid)
{
	const struct sigview *sv = (const struct sigview *)v;

	(void)f;
	if (!sv->n_rows || sv->editing)
		return false;
	*pid = sv->rows[sv->sel].p->pid;	/* a thread row: its process (kill(2) takes tgids) */
	return true;
}

static const char *sig_hints(const struct view *v)
{
	const struct sigview *sv = (const struct sigview *)v;

	if (sv->editing)
		return "type a comm filter  Enter keep  Esc clear";
	return "< > signal  m filter  / comm  a all columns  k send signal  Enter details  Esc back";
}

static void sig_free(struct view *v)
{
	struct sigview *sv = (struct sigview *)v;

	free(sv->rows);
	free(sv);
}

static const struct view_ops sig_ops = {
	.name = "signals",
	.update = sig_update,
	.draw = sig_draw,
	.key = sig_key,
	.hints = sig_hints,
	.free = sig_free,
	.selected_pid = sig_selected_pid,
};

struct view *view_signals_new(void)
{
	struct sigview *sv = xcalloc(1, sizeof(*sv));

	sv->v.ops = &sig_ops;
	sv->col_sig = 10;	/* SIGUSR1: the signal people experiment with first */
	return &sv->v;
}
