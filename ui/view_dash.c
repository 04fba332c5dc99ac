/*
 * view_dash.c - the dashboard: every panel of ui_panels[] stacked top to bottom, one focused.
 *
 * Layout (the same at every size above the minimum): every panel always keeps its title bar
 * (with its count), so all of them stay in view and reachable (Tab / Shift-Tab / 1-9). The
 * focused panel gets its headings and a row, and two fifths of the lines are kept back for
 * it; the other panels with rows get their headings and one row while the lines last, in
 * screen order, and the rest stay a title bar. Then, as lines allow, those get a small share
 * of the spare lines (up to what they need), the focused one takes what it needs of the
 * rest, and anything still left goes to panels that can use it - those with rows first,
 * then empty ones (headings and "no ..." line) - then to the last panel (blank lines at the
 * bottom). On a tall terminal every panel shows all of its rows.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "ui/panel.h"

const struct panel_def *const ui_panels[] = {
	&view_procs_panel,
	&view_pipes_panel,
	&view_sockets_panel,
	&view_msgq_panel,
	&view_shm_panel,
	&view_sem_panel,
	&view_pmq_panel,
	&view_pshm_panel,
	&view_psem_panel,
	NULL,
};

#define MAX_PANELS 16
#define PANEL_MIN_H 3	/* title, headings, one row */

const struct panel_def *ui_panel_for_kind(enum fmt_kind kind)
{
	for (size_t i = 0; ui_panels[i]; i++)
		if (ui_panels[i]->kind == kind)
			return ui_panels[i];
	return NULL;
}

struct dash {
	struct view v;
	size_t n;
	size_t focus;
	struct panel panels[MAX_PANELS];
	struct ui_rect rects[MAX_PANELS];	/* where each panel was drawn (mouse) */
};

static void dash_update(struct view *v, const struct ui_frame *f)
{
	struct dash *d = (struct dash *)v;

	for (size_t i = 0; i < d->n; i++) {
		panel_update(&d->panels[i], f);
		if (f->set && f->set->follow && d->panels[i].def->kind == FMT_PROCESSES) {
			char id[FMT_ID_MAX];	/* f: the followed process stays selected */

			panel_select_id(&d->panels[i], fmt_id_proc(f->set->follow, id, sizeof(id)));
		}
	}
}

/* Splits H lines between the panels (see the top of the file). */
static void split_heights(const struct dash *d, int H, int *h)
{
	int n = (int)d->n, f = (int)d->focus, rem, share, reserve, g, want[MAX_PANELS];
	bool grew;

	if (H < n) {	/* not even a title bar each: only the focused panel */
		for (int i = 0; i < n; i++)
			h[i] = i == f ? H : 0;
		return;
	}
	for (int i = 0; i < n; i++) {
		h[i] = 1;
		want[i] = panel_wanted_height(&d->panels[i]) - 1;
	}
	rem = H - n;
	g = want[f] < PANEL_MIN_H - 1 ? want[f] : PANEL_MIN_H - 1;
	g = g < rem ? g : rem;
	h[f] += g;
	want[f] -= g;
	rem -= g;
	reserve = H * 2 / 5 - h[f];
	reserve = reserve < want[f] ? reserve : want[f];
	reserve = reserve < 0 ? 0 : reserve;
	for (int i = 0; i < n; i++) {	/* the others with rows: headings and one row */
		if (i == f || d->panels[i].n_rows == 0 || want[i] < PANEL_MIN_H - 1 ||
		    rem - reserve < PANEL_MIN_H - 1)
			continue;
		h[i] += PANEL_MIN_H - 1;
		want[i] -= PANEL_MIN_H - 1;
		rem -= PANEL_MIN_H - 1;
	}
	share = rem / (2 * n);
	for (int i = 0; i < n; i++) {
		if (i == f || h[i] < PANEL_MIN_H)
			continue;
		g = want[i] < share ? want[i] : share;
		h[i] += g;
		want[i] -= g;
		rem -= g;
	}
	g = want[f] < rem ? want[f] : rem;
	h[f] += g;
	want[f] -= g;
	rem -= g;
	for (int pass = 0; pass < 2; pass++) {	/* panels with rows first, then empty ones */
		do {
			grew = false;
			for (int i = 0; i < n && rem > 0; i++) {
				/* a title bar alone grows by headings and a row at once */
				int step = h[i] < PANEL_MIN_H ? PANEL_MIN_H - h[i] : 1;

				if ((d->panels[i].n_rows == 0) != (pass == 1) || want[i] < step ||
				    rem < step)
					continue;
				h[i] += step;
				want[i] -= step;
				rem -= step;
				grew = true;
			}
		} while (grew && rem > 0);
	}
	/* nobody needs more: the blank lines go to the bottom (to the focused panel when the
	 * last one is only a title bar, which must not show headings without rows) */
	h[h[n - 1] >= PANEL_MIN_H ? n - 1 : f] += rem;
}

static void dash_draw(struct view *v, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r)
{
	struct dash *d = (struct dash *)v;
	int h[MAX_PANELS], y = r->y;

	split_heights(d, r->h, h);
	for (size_t i = 0; i < d->n; i++) {
		struct ui_rect pr = { y, r->x, h[i], r->w };

		d->rects[i] = pr;
		if (h[i] > 0)
			panel_draw(&d->panels[i], f, w, &pr, i == d->focus, (int)i + 1);
		y += h[i];
	}
}

static struct ui_cmd dash_key(struct view *v, const struct ui_frame *f, int key)
{
	struct dash *d = (struct dash *)v;
	struct ui_cmd cmd = { .kind = CMD_HANDLED };

	(void)f;
	switch (key) {
	case '\t':
		d->focus = (d->focus + 1) % d->n;
		return cmd;
	case KEY_BTAB:
		d->focus = (d->focus + d->n - 1) % d->n;
		return cmd;
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (panel_selected_obj(&d->panels[d->focus], &cmd.obj))
			cmd.kind = CMD_OPEN;
		return cmd;
	}
	if (key >= '1' && key <= '9' && (size_t)(key - '1') < d->n) {
		d->focus = (size_t)(key - '1');
		return cmd;
	}
	if (panel_key(&d->panels[d->focus], key))
		return cmd;
	cmd.kind = CMD_UNHANDLED;
	return cmd;
}

/* k / F9: the selected process, while the process panel has the focus. */
static bool dash_selected_pid(const struct view *v, const struct ui_frame *f, pid_t *pid)
{
	const struct dash *d = (const struct dash *)v;
	const struct panel *p = &d->panels[d->focus];
	const struct proc_rec *rec;

	(void)f;
	if (p->def->kind != FMT_PROCESSES || !(rec = panel_selected(p)))
		return false;
	*pid = rec->pid;
	return true;
}

/* Issue 5: x removes the selected object; t opens the map on it. */
static bool dash_selected_obj(const struct view *v, const struct ui_frame *f, struct ui_obj *obj)
{
	const struct dash *d = (const struct dash *)v;

	(void)f;
	return panel_selected_obj(&d->panels[d->focus], obj);
}

/* Search the focused panel first, then the others in screen order (focus follows). */
static bool dash_search(struct view *v, const struct ui_frame *f, const char *text, int dir,
			bool here)
{
	struct dash *d = (struct dash *)v;

	for (size_t k = 0; k < d->n; k++) {
		size_t i = (d->focus + (dir >= 0 ? k : d->n - k)) % d->n;

		if (panel_search(&d->panels[i], f, text, dir, here || k > 0)) {
			d->focus = i;
			return true;
		}
	}
	return false;
}

/* F4: one filter for every panel of the dashboard. */
static void dash_set_filter(struct view *v, const struct ui_frame *f, const char *text)
{
	struct dash *d = (struct dash *)v;

	for (size_t i = 0; i < d->n; i++) {
		snprintf(d->panels[i].filter, sizeof(d->panels[i].filter), "%s", text);
		panel_update(&d->panels[i], f);
	}
}

/* A click focuses the panel under it and selects the row; on the selected row: details. */
static struct ui_cmd dash_mouse(struct view *v, const struct ui_frame *f, int y, int x,
				mmask_t bstate)
{
	struct dash *d = (struct dash *)v;
	struct ui_cmd cmd = { .kind = CMD_HANDLED };

	(void)f;
	(void)x;
	if (!(bstate & BUTTON1_PRESSED))
		return cmd;
	for (size_t i = 0; i < d->n; i++) {
		struct panel *p = &d->panels[i];
		size_t before = p->sel;

		if (d->rects[i].h <= 0 || y < d->rects[i].y || y >= d->rects[i].y + d->rects[i].h)
			continue;
		if (panel_click(p, &d->rects[i], y) && d->focus == i && p->sel == before &&
		    panel_selected_obj(p, &cmd.obj))
			cmd.kind = CMD_OPEN;
		d->focus = i;
		break;
	}
	return cmd;
}

static const char *dash_hints(const struct view *v)
{
	(void)v;
	return "Tab panel  Enter details  t map  / search  F4 filter  s signals  l log  k signal  "
	       "d demos  ? help  q quit";
}

static void dash_free(struct view *v)
{
	struct dash *d = (struct dash *)v;

	for (size_t i = 0; i < d->n; i++)
		panel_fini(&d->panels[i]);
	free(d);
}

static const struct view_ops dash_ops = {
	.name = "dashboard",
	.update = dash_update,
	.draw = dash_draw,
	.key = dash_key,
	.hints = dash_hints,
	.free = dash_free,
	.selected_pid = dash_selected_pid,
	.selected_obj = dash_selected_obj,
	.search = dash_search,
	.set_filter = dash_set_filter,
	.mouse = dash_mouse,
};

struct view *view_dash_new(void)
{
	struct dash *d = xcalloc(1, sizeof(*d));

	d->v.ops = &dash_ops;
	for (size_t i = 0; ui_panels[i] && i < MAX_PANELS; i++)
		panel_init(&d->panels[d->n++], ui_panels[i]);
	return &d->v;
}
