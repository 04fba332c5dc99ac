/*
 * panel.c - the generic scrolling table behind every dashboard panel (see panel.h).
 *
 * Column layout: every column has a width (0 = flexible); when the line is too narrow the
 * shown column with the highest `drop` goes first (the rightmost among equals) until the rest
 * fits; flexible columns then share what is left. Cells come from the format.h table for
 * PCOL_FMT columns, so the dashboard shows exactly what `--once` prints.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/panel.h"
#include "ui/search.h"

#define FLEX_MIN 8
#define MAX_COLS 32

static const struct fmt_column *find_fmt_col(const struct fmt_table *t, const char *title)
{
	for (size_t i = 0; i < t->n_cols; i++)
		if (strcmp(t->cols[i].title, title) == 0)
			return &t->cols[i];
	return NULL;
}

const char *panel_def_check(const struct panel_def *def)
{
	const struct fmt_table *t = fmt_table_get(def->kind);

	if (def->n_cols > MAX_COLS)
		return "too many columns";
	for (size_t i = 0; i < def->n_cols; i++) {
		const struct panel_col *c = &def->cols[i];

		if (c->type == PCOL_FMT && !find_fmt_col(t, c->title))
			return c->title;
		if (c->type == PCOL_TEXT && !c->cell)
			return c->title;
		if (c->type == PCOL_BAR && !c->fraction)
			return c->title;
	}
	return NULL;
}

void panel_init(struct panel *p, const struct panel_def *def)
{
	memset(p, 0, sizeof(*p));
	p->def = def;
	p->table = fmt_table_get(def->kind);
	/* more than MAX_COLS is a bug panel_def_check() reports; never overrun the layout */
	p->n_cols = def->n_cols < MAX_COLS ? def->n_cols : MAX_COLS;
	p->fmt_cols = xcalloc(p->n_cols ? p->n_cols : 1, sizeof(*p->fmt_cols));
	for (size_t i = 0; i < p->n_cols; i++)
		if (def->cols[i].type == PCOL_FMT)
			p->fmt_cols[i] = find_fmt_col(p->table, def->cols[i].title);
	arena_init(&p->arena);
}

void panel_fini(struct panel *p)
{
	free(p->rows);
	free(p->fmt_cols);
	arena_fini(&p->arena);
	memset(p, 0, sizeof(*p));
}

void panel_add_row(struct panel *p, const void *rec, const char *indent)
{
	if (p->n_rows == p->cap_rows) {
		p->cap_rows = p->cap_rows ? p->cap_rows * 2 : 64;
		p->rows = xreallocarray(p->rows, p->cap_rows, sizeof(*p->rows));
	}
	p->rows[p->n_rows].rec = rec;
	p->rows[p->n_rows].indent = indent ? arena_strdup(&p->arena, indent) : NULL;
	p->n_rows++;
}

static const char *row_id(const struct panel *p, size_t i, char *buf, size_t len)
{
	return p->table->id(p->rows[i].rec, buf, len);
}

static void set_sel(struct panel *p, size_t i)
{
	p->sel = i;
	if (i < p->n_rows)
		row_id(p, i, p->sel_id, sizeof(p->sel_id));
}

bool panel_select_id(struct panel *p, const char *id)
{
	char buf[FMT_ID_MAX];

	for (size_t i = 0; i < p->n_rows; i++) {
		if (strcmp(row_id(p, i, buf, sizeof(buf)), id) == 0) {
			p->sel = i;
			if (id != p->sel_id)	/* never snprintf a buffer onto itself */
				snprintf(p->sel_id, sizeof(p->sel_id), "%s", id);
			return true;
		}
	}
	return false;
}

static void measure_fit(struct panel *p, const struct ui_frame *f);

void panel_update(struct panel *p, const struct ui_frame *f)
{
	size_t old_sel = p->sel;
	size_t old_off = p->sel >= p->top ? p->sel - p->top : 0;

	p->n_rows = 0;
	arena_fini(&p->arena);
	arena_init(&p->arena);
	if (f->snap) {
		if (p->def->build) {
			p->def->build(p, f);
		} else {
			size_t n = p->table->count(f->snap);

			for (size_t i = 0; i < n; i++)
				panel_add_row(p, p->table->row(f->snap, i), NULL);
		}
	}
	if (p->filter[0] && f->snap) {	/* F4: keep the rows that match */
		size_t k = 0;

		for (size_t i = 0; i < p->n_rows; i++)
			if (search_match(f->snap, p->def->kind, p->rows[i].rec, p->filter))
				p->rows[k++] = p->rows[i];
		p->n_rows = k;
	}
	if (p->n_rows == 0) {
		p->sel = p->top = 0;
		memset(p->fit, 0, sizeof(p->fit));
		return;	/* keep sel_id: the object may come back */
	}
	if (!p->sel_id[0] || !panel_select_id(p, p->sel_id))
		set_sel(p, old_sel < p->n_rows ? old_sel : p->n_rows - 1);
	/* keep the selection at the same place on screen */
	p->top = p->sel >= old_off ? p->sel - old_off : 0;
	measure_fit(p, f);
}

bool panel_search(struct panel *p, const struct ui_frame *f, const char *text, int dir, bool here)
{
	size_t n = p->n_rows;

	if (!n || !f->snap)
		return false;
	for (size_t k = here ? 0 : 1; k < n + (here ? 0 : 1); k++) {
		size_t i = dir >= 0 ? (p->sel + k) % n : (p->sel + n - k % n) % n;

		if (search_match(f->snap, p->def->kind, p->rows[i].rec, text)) {
			set_sel(p, i);
			return true;
		}
	}
	return false;
}

bool panel_click(struct panel *p, const struct ui_rect *r, int y)
{
	size_t row;

	if (y < r->y + 2 || y >= r->y + r->h)
		return false;
	row = p->top + (size_t)(y - r->y - 2);
	if (row >= p->n_rows)
		return false;
	set_sel(p, row);
	return true;
}

const void *panel_selected(const struct panel *p)
{
	return p->n_rows ? p->rows[p->sel].rec : NULL;
}

bool panel_selected_obj(const struct panel *p, struct ui_obj *obj)
{
	if (!p->n_rows)
		return false;
	obj->kind = p->def->kind;
	row_id(p, p->sel, obj->id, sizeof(obj->id));
	return true;
}

int panel_wanted_height(const struct panel *p)
{
	return 2 + (p->n_rows ? (int)p->n_rows : 1);
}

bool panel_move_sel(int key, size_t n, size_t page, size_t *selp)
{
	size_t sel = *selp;

	switch (key) {
	case KEY_UP:
		sel = sel > 0 ? sel - 1 : 0;
		break;
	case KEY_DOWN:
		sel = sel + 1 < n ? sel + 1 : sel;
		break;
	case KEY_PPAGE:
		sel = sel > page ? sel - page : 0;
		break;
	case KEY_NPAGE:
		sel = sel + page < n ? sel + page : (n ? n - 1 : 0);
		break;
	case KEY_HOME:
		sel = 0;
		break;
	case KEY_END:
		sel = n ? n - 1 : 0;
		break;
	default:
		return false;
	}
	*selp = sel;
	return true;
}

bool panel_key(struct panel *p, int key)
{
	size_t n = p->n_rows, page = p->page > 1 ? (size_t)p->page - 1 : 1, sel = p->sel;

	if (!panel_move_sel(key, n, page, &sel))
		return false;
	if (n)
		set_sel(p, sel);
	return true;
}

/* ---- drawing ---- */

static int col_width(const struct panel *p, size_t i)
{
	int w = p->fmt_cols[i] && p->def->cols[i].width == 0 ? p->fmt_cols[i]->width
							     : p->def->cols[i].width;

	if (w && p->def->cols[i].fit && p->fit[i] > w)
		w = p->fit[i] < PANEL_FIT_MAX ? p->fit[i] : PANEL_FIT_MAX;
	return w;
}

/* A cell of row rec in column i (buf has FMT_CELL_MAX bytes). */
static const char *cell_text(const struct panel *p, const struct ui_frame *f, size_t i,
			     const void *rec, char *buf)
{
	const struct panel_col *c = &p->def->cols[i];

	if (p->fmt_cols[i]) {
		struct fmt_ctx ctx = ui_frame_fmt(f);

		return p->fmt_cols[i]->cell(&ctx, rec, buf, FMT_CELL_MAX);
	}
	return c->cell ? c->cell(f, rec, buf, FMT_CELL_MAX) : "";
}

/* The widest cell of each .fit column over the rows. */
static void measure_fit(struct panel *p, const struct ui_frame *f)
{
	char buf[FMT_CELL_MAX];

	for (size_t i = 0; i < p->n_cols && i < sizeof(p->fit) / sizeof(p->fit[0]); i++) {
		p->fit[i] = 0;
		if (!p->def->cols[i].fit || p->def->cols[i].type == PCOL_BAR)
			continue;
		for (size_t r = 0; r < p->n_rows; r++) {
			int w = term_width(cell_text(p, f, i, p->rows[r].rec, buf));

			if (w > p->fit[i])
				p->fit[i] = w;
		}
	}
}

/* A list of numbers ("2147483647,2147483547,0") cut between items to fit width columns, with
 * "+N" for the N items left out; NULL when text is not such a list or fits already. */
static const char *fit_list(const char *text, int width, char *buf, size_t len)
{
	size_t n = strlen(text), items = 1, keep = 0, cut = 0;

	if ((int)n <= width || strspn(text, "0123456789?-:,") != n || !strchr(text, ','))
		return NULL;
	for (size_t i = 0; i < n; i++)
		items += text[i] == ',';
	/* the longest prefix of whole items that leaves room for ",+N" */
	for (size_t i = 0, k = 0; i <= n; i++) {
		if (i < n && text[i] != ',')
			continue;
		k++;
		if (k < items) {
			char tail[24];
			int tl = snprintf(tail, sizeof(tail), ",+%zu", items - k);

			if ((int)i + tl <= width) {
				keep = k;
				cut = i;
			}
		}
	}
	if (!keep)
		snprintf(buf, len, "+%zu", items);
	else
		snprintf(buf, len, "%.*s,+%zu", (int)cut, text, items - keep);
	return buf;
}

static int col_min(const struct panel *p, size_t i)
{
	return p->def->cols[i].min > 0 ? p->def->cols[i].min : FLEX_MIN;
}

/* Fills widths[i] (0 = not shown) for a line of W columns. */
static void layout(const struct panel *p, int W, int *widths)
{
	size_t n = p->n_cols;
	bool shown[MAX_COLS];
	int total, n_flex, extra;

	for (size_t i = 0; i < n; i++)
		shown[i] = p->fmt_cols[i] || p->def->cols[i].type != PCOL_FMT;
	for (;;) {
		int n_shown = 0, worst = -1;

		total = 0;
		n_flex = 0;
		for (size_t i = 0; i < n; i++) {
			int cw = col_width(p, i);

			if (!shown[i])
				continue;
			n_shown++;
			total += cw ? cw : col_min(p, i);
			n_flex += cw == 0;
			if (p->def->cols[i].drop > 0 &&
			    (worst < 0 || p->def->cols[i].drop >= p->def->cols[worst].drop))
				worst = (int)i;
		}
		total += n_shown > 0 ? n_shown - 1 : 0;
		if (total <= W || worst < 0)
			break;
		shown[worst] = false;
	}
	extra = W > total ? W - total : 0;
	for (size_t i = 0; i < n; i++) {
		int cw = col_width(p, i);

		if (!shown[i]) {
			widths[i] = 0;
		} else if (cw) {
			widths[i] = cw;
		} else {
			int share = n_flex ? extra / n_flex : 0;

			extra -= share;
			n_flex--;
			widths[i] = col_min(p, i) + share + (n_flex == 0 ? extra : 0);
		}
	}
}

static const char *col_title(const struct panel *p, size_t i)
{
	return p->fmt_cols[i] ? p->fmt_cols[i]->title : p->def->cols[i].title;
}

static bool col_right(const struct panel *p, size_t i)
{
	if (p->fmt_cols[i])
		return p->fmt_cols[i]->align == ALIGN_RIGHT;
	return p->def->cols[i].align == ALIGN_RIGHT;
}

static void draw_title(const struct panel *p, const struct ui_frame *f, WINDOW *w,
		       const struct ui_rect *r, bool focused, int number)
{
	attr_t a = term_attr(focused ? ROLE_TITLE_FOCUS : ROLE_TITLE);
	size_t total = f->snap ? p->table->count(f->snap) : 0;
	char left[256], right[64], count[160];
	int lw, rw;

	right[0] = 0;
	if (p->n_rows)
		snprintf(right, sizeof(right), " %zu/%zu ", p->sel + 1, p->n_rows);
	rw = term_width(right);
	/* "(25 of 84)" when the panel shows fewer rows than the snapshot has */
	if (total != p->n_rows)
		snprintf(count, sizeof(count), "(%zu of %zu)", p->n_rows, total);
	else
		snprintf(count, sizeof(count), "(%zu)", p->n_rows);
	if (p->filter[0]) {	/* "(3 of 84, filter "bash")" */
		size_t l = strlen(count);

		snprintf(count + (l ? l - 1 : 0), sizeof(count) - (l ? l - 1 : 0), ", filter \"%s\")",
			 p->filter);
	}
	snprintf(left, sizeof(left), " %.0d%s%s %s ", number, number ? " " : "", p->table->title,
		 count);
	if (term_width(left) + rw > r->w && p->def->short_title)
		snprintf(left, sizeof(left), " %.0d%s%s %s ", number, number ? " " : "",
			 p->def->short_title, count);
	term_fill(w, r->y, r->x, r->w, a);
	lw = term_put(w, r->y, r->x, r->w, left, a, false, false);
	if (lw + rw <= r->w)
		term_put(w, r->y, r->x + r->w - rw, rw, right, a, false, false);
}

static void draw_row(struct panel *p, const struct ui_frame *f, WINDOW *w, int y,
		     const struct ui_rect *r, const int *widths, size_t ri, attr_t row_attr)
{
	const struct panel_row *row = &p->rows[ri];
	int x = r->x;

	for (size_t i = 0; i < p->n_cols && x < r->x + r->w; i++) {
		const struct panel_col *c = &p->def->cols[i];
		char buf[FMT_CELL_MAX], full[FMT_CELL_MAX * 2];
		int cw = widths[i] < r->x + r->w - x ? widths[i] : r->x + r->w - x;
		const char *text = "", *cut;

		if (!widths[i])
			continue;
		if (c->type == PCOL_BAR) {
			term_bar(w, y, x, cw, c->fraction(f, row->rec));
			x += widths[i] + 1;
			continue;
		}
		text = cell_text(p, f, i, row->rec, buf);
		if (c->fit && (cut = fit_list(text, cw, full, sizeof(full))))
			text = cut;
		if (c->tree && row->indent) {
			snprintf(full, sizeof(full), "%s%s", row->indent, text);
			text = full;
		}
		term_put(w, y, x, cw, text, row_attr, true, col_right(p, i));
		x += widths[i] + 1;
	}
}

void panel_draw(struct panel *p, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r,
		bool focused, int number)
{
	int widths[MAX_COLS];
	int vis, x;

	if (r->h < 1 || r->w < 1)
		return;
	draw_title(p, f, w, r, focused, number);
	if (r->h < 2)
		return;
	layout(p, r->w, widths);
	term_fill(w, r->y + 1, r->x, r->w, term_attr(ROLE_COLHEAD));
	x = r->x;
	for (size_t i = 0; i < p->n_cols; i++) {
		if (!widths[i])
			continue;
		if (x < r->x + r->w)
			term_put(w, r->y + 1, x, r->x + r->w - x < widths[i] ? r->x + r->w - x : widths[i],
				 col_title(p, i), term_attr(ROLE_COLHEAD), true, col_right(p, i));
		x += widths[i] + 1;
	}

	vis = r->h - 2;
	p->page = vis;
	if (vis <= 0)
		return;
	if (p->n_rows == 0) {
		term_put(w, r->y + 2, r->x + 1, r->w - 1,
			 f->snap ? p->def->empty : "waiting for the first snapshot...",
			 term_attr(ROLE_DIM), false, false);
		return;
	}
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + (size_t)vis)
		p->top = p->sel - (size_t)vis + 1;
	if (p->top + (size_t)vis > p->n_rows)
		p->top = p->n_rows > (size_t)vis ? p->n_rows - (size_t)vis : 0;

	for (int i = 0; i < vis && p->top + (size_t)i < p->n_rows; i++) {
		size_t ri = p->top + (size_t)i;
		bool selected = ri == p->sel;
		enum ui_role role = ROLE_NORMAL;
		attr_t a;

		if (selected) {
			role = focused ? ROLE_SELECTED : ROLE_SELECTED_DIM;
		} else if (f->n_highlight) {	/* issue 6: a demo caption is about this row */
			char id[FMT_ID_MAX];

			if (ui_highlighted(f, row_id(p, ri, id, sizeof(id))))
				role = ROLE_DEMO;
			else if (p->def->row_role)
				role = p->def->row_role(f, p->rows[ri].rec);
		} else if (p->def->row_role)
			role = p->def->row_role(f, p->rows[ri].rec);
		a = term_attr(role);
		term_fill(w, r->y + 2 + i, r->x, r->w, a);
		draw_row(p, f, w, r->y + 2 + i, r, widths, ri, a);
	}
}
