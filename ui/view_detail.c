/*
 * view_detail.c - full-screen pages about one object (every field, and every snapshot error
 * that names it) and about the snapshot itself (every error, every source).
 *
 * A detail page follows its object by id across refreshes. When the object disappears the
 * last content stays on screen, marked as gone, until the user goes back.
 *
 * Lines that name a process ("PID comm ...") or an object ("pipe:12", "unix:7", "msg:3")
 * are links: a click opens them, and so does Enter on the keyboard's line, which Up/Down move
 * over the links on screen (scrolling when there is none further) and Tab / Shift-Tab over
 * all of them. Opening pushes a new page; Esc pops it and this page is as it was left.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/page.h"
#include "ui/panel.h"

struct detail {
	struct view v;
	struct ui_obj obj;	/* kind FMT_KIND_COUNT: the errors page */
	struct page pg;
	bool gone;
	bool seen;		/* the object was found at least once */
	size_t n_errors;
	/* The keyboard's line (a process or object named on the page; Enter opens it), kept by
	 * its text and then its link across rebuilds; valid while pg.cursor != 0. */
	char cur_text[512];
	struct ui_obj cur_obj;
};

static bool line_link(const struct snapshot *s, const struct page_line *l, struct ui_obj *obj);

static void errors_about(struct page *pg, const struct snapshot *s, const char *id)
{
	size_t n = 0;

	page_section(pg, "Errors about this object");
	for (size_t i = 0; i < s->n_errors; i++) {
		if (ui_error_about(s->errors[i].where, id)) {
			page_field_role(pg, ROLE_ERROR, s->errors[i].where, "%s", s->errors[i].error);
			n++;
		}
	}
	if (!n)
		page_text(pg, ROLE_DIM, "none");
}

/* ---- the keyboard's line: Up/Down pick a process or object named on the page ---- */

static void line_key(const struct page_line *l, char *buf, size_t len)
{
	snprintf(buf, len, "%s\t%s", l->label ? l->label : "", l->text);
}

/* The object line i links to, other than the page's own; false when none. */
static bool line_obj(const struct detail *d, const struct snapshot *s, size_t i,
		     struct ui_obj *obj)
{
	return s && i < d->pg.n_lines && line_link(s, &d->pg.lines[i], obj) &&
	       !(obj->kind == d->obj.kind && strcmp(obj->id, d->obj.id) == 0);
}

static void cursor_set(struct detail *d, size_t i, const struct ui_obj *obj, bool reveal)
{
	page_set_cursor(&d->pg, i, reveal);
	line_key(&d->pg.lines[i], d->cur_text, sizeof(d->cur_text));
	d->cur_obj = *obj;
}

/* After a rebuild: the same line (same text), else the first line with the same link. */
static void cursor_refind(struct detail *d, const struct snapshot *s)
{
	char key[sizeof(d->cur_text)];
	struct ui_obj o;

	if (!d->cur_text[0])
		return;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < d->pg.n_lines; i++) {
			if (!line_obj(d, s, i, &o))
				continue;
			line_key(&d->pg.lines[i], key, sizeof(key));
			if (pass == 0 ? strcmp(key, d->cur_text) == 0
				      : o.kind == d->cur_obj.kind && strcmp(o.id, d->cur_obj.id) == 0) {
				page_set_cursor(&d->pg, i, false);
				return;
			}
		}
	}
}

/* Up/Down (dir -1/+1): the previous/next linked line that is on screen, as a browser's
 * text mode does; false when there is none (the page scrolls instead). wrap (Tab): the
 * next/previous linked line anywhere, scrolled into view. */
static bool cursor_move(struct detail *d, const struct snapshot *s, int dir, bool wrap)
{
	long n = (long)d->pg.n_lines, cur = (long)d->pg.cursor - 1, i;
	struct ui_obj o;

	if (cur >= 0 && !wrap && !page_line_shown(&d->pg, (size_t)cur))
		cur = -1;	/* scrolled away: start again from what is on screen */
	i = cur < 0 ? (dir > 0 ? 0 : n - 1) : cur + dir;
	for (long k = 0; k < n; k++, i += dir) {
		if (i < 0 || i >= n) {
			if (!wrap)
				return false;
			i = i < 0 ? n - 1 : 0;
		}
		if ((wrap || page_line_shown(&d->pg, (size_t)i)) && line_obj(d, s, (size_t)i, &o)) {
			cursor_set(d, (size_t)i, &o, true);
			return true;
		}
	}
	return false;
}

static void detail_update(struct view *v, const struct ui_frame *f)
{
	struct detail *d = (struct detail *)v;
	const struct panel_def *def = ui_panel_for_kind(d->obj.kind);
	const void *rec;

	if (!f->snap) {
		page_clear(&d->pg);
		page_text(&d->pg, ROLE_DIM, "waiting for the first snapshot...");
		return;
	}
	rec = ui_find_record(f->snap, d->obj.kind, d->obj.id);
	if (!rec || !def) {
		d->gone = true;
		if (!d->seen) {
			page_clear(&d->pg);
			page_text(&d->pg, ROLE_WARN, "%s is not in the current snapshot.", d->obj.id);
		}
		return;
	}
	d->gone = false;
	d->seen = true;
	page_clear(&d->pg);
	def->detail(&d->pg, f, rec);
	errors_about(&d->pg, f->snap, d->obj.id);
	cursor_refind(d, f->snap);
}

static void detail_draw(struct view *v, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r)
{
	struct detail *d = (struct detail *)v;
	const struct panel_def *def = ui_panel_for_kind(d->obj.kind);
	char title[FMT_ID_MAX + 128];

	(void)f;
	snprintf(title, sizeof(title), " %s - %s%s ", d->obj.id,
		 def ? fmt_table_get(def->kind)->title : "?",
		 d->gone ? " - GONE (no longer in the snapshot)" : "");
	page_draw(&d->pg, w, r, title);
}

static struct ui_cmd detail_key(struct view *v, const struct ui_frame *f, int key)
{
	struct detail *d = (struct detail *)v;
	struct ui_cmd cmd = { .kind = CMD_HANDLED };

	switch (key) {
	case KEY_UP:
	case KEY_DOWN:
		if (cursor_move(d, f->snap, key == KEY_DOWN ? 1 : -1, false))
			return cmd;
		break;
	case '\t':
	case KEY_BTAB:
		cursor_move(d, f->snap, key == '\t' ? 1 : -1, true);
		return cmd;
	case '\r':
	case '\n':
	case KEY_ENTER:	/* open the keyboard's line: a process, a channel, an object */
		if (d->pg.cursor && line_obj(d, f->snap, d->pg.cursor - 1, &cmd.obj))
			cmd.kind = CMD_OPEN;
		return cmd;
	}
	if (!page_key(&d->pg, key))
		cmd.kind = CMD_UNHANDLED;
	return cmd;
}

/* k / F9 on a process's page: that process, while it is in the snapshot. */
static bool detail_selected_pid(const struct view *v, const struct ui_frame *f, pid_t *pid)
{
	const struct detail *d = (const struct detail *)v;
	const struct proc_rec *p;

	if (d->obj.kind != FMT_PROCESSES || d->gone ||
	    !(p = ui_find_record(f->snap, FMT_PROCESSES, d->obj.id)))
		return false;
	*pid = p->pid;
	return true;
}

/* x / t on an object's page: that object. */
static bool detail_selected_obj(const struct view *v, const struct ui_frame *f, struct ui_obj *obj)
{
	const struct detail *d = (const struct detail *)v;

	(void)f;
	if (d->gone)
		return false;
	*obj = d->obj;
	return true;
}

/* The object a detail line points to (issue 5: a click follows it): an object id in its
 * text ("shm:3", "pipe:12", "pmq:jobs"), or a process written "PID comm". */
static bool line_link(const struct snapshot *s, const struct page_line *l, struct ui_obj *obj)
{
	static const struct {
		const char *prefix;
		enum fmt_kind kind;
		bool name;	/* POSIX: a name, not a number */
	} kinds[] = {
		{ "pid:", FMT_PROCESSES, false }, { "msg:", FMT_MSG_QUEUES, false },
		{ "shm:", FMT_SHM_SEGMENTS, false }, { "sem:", FMT_SEM_SETS, false },
		{ "pipe:", FMT_PIPES, false }, { "fifo:", FMT_PIPES, false },
		{ "unix:", FMT_UNIX_SOCKETS, false }, { "pmq:", FMT_POSIX_MQUEUES, true },
		{ "pshm:", FMT_POSIX_SHM, true }, { "psem:", FMT_POSIX_SEMS, true },
	};
	const char *t = l->text;
	const struct proc_rec *p;
	char *end;
	long pid;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t pl = strlen(kinds[k].prefix);

		for (const char *q = strstr(t, kinds[k].prefix); q; q = strstr(q + 1, kinds[k].prefix)) {
			size_t n = pl;

			if (q > t && (isalnum((unsigned char)q[-1]) || q[-1] == '_'))
				continue;
			while (q[n] && (kinds[k].name ? !strchr(" ,;()", q[n]) : isdigit((unsigned char)q[n])))
				n++;
			if (n == pl || n >= sizeof(obj->id))
				continue;
			snprintf(obj->id, sizeof(obj->id), "%.*s", (int)n, q);
			obj->kind = kinds[k].kind;
			if (ui_panel_for_kind(obj->kind) && ui_find_record(s, obj->kind, obj->id))
				return true;
		}
	}
	pid = strtol(t, &end, 10);
	if (end != t && pid > 0 && *end == ' ' && (p = snapshot_find_proc(s, (pid_t)pid)) && p->comm &&
	    strncmp(end + 1, p->comm, strlen(p->comm)) == 0) {
		obj->kind = FMT_PROCESSES;
		fmt_id_proc((pid_t)pid, obj->id, sizeof(obj->id));
		return true;
	}
	return false;
}

static struct ui_cmd detail_mouse(struct view *v, const struct ui_frame *f, int y, int x,
				  mmask_t bstate)
{
	struct detail *d = (struct detail *)v;
	struct ui_cmd cmd = { .kind = CMD_HANDLED };
	const struct page_line *l = page_line_at(&d->pg, y);

	(void)x;
	if ((bstate & BUTTON1_PRESSED) && l && f->snap && line_link(f->snap, l, &cmd.obj) &&
	    strcmp(cmd.obj.id, d->obj.id) != 0)
		cmd.kind = CMD_OPEN;
	return cmd;
}

static const char *detail_hints(const struct view *v)
{
	(void)v;
	return "Up/Down pick a process or object  Enter open it  Esc back  ? help  q quit";
}

static void detail_free(struct view *v)
{
	struct detail *d = (struct detail *)v;

	page_fini(&d->pg);
	free(d);
}

static const struct view_ops detail_ops = {
	.name = "detail",
	.update = detail_update,
	.draw = detail_draw,
	.key = detail_key,
	.hints = detail_hints,
	.free = detail_free,
	.selected_pid = detail_selected_pid,
	.selected_obj = detail_selected_obj,
	.mouse = detail_mouse,
};

struct view *view_detail_new(const struct ui_obj *obj)
{
	struct detail *d = xcalloc(1, sizeof(*d));

	d->v.ops = &detail_ops;
	d->obj = *obj;
	page_init(&d->pg);
	return &d->v;
}

/* ---- the errors page ---- */

static void errors_update(struct view *v, const struct ui_frame *f)
{
	struct detail *d = (struct detail *)v;
	const struct snapshot *s = f->snap;

	page_clear(&d->pg);
	if (f->collect_error)
		page_field_role(&d->pg, ROLE_ERROR, "collection", "failed: %s (showing the last "
				"good snapshot)", strerror(-f->collect_error));
	if (!s) {
		page_text(&d->pg, ROLE_DIM, "waiting for the first snapshot...");
		return;
	}
	d->n_errors = s->n_errors;
	page_section(&d->pg, "Sources");
	for (size_t i = 0; i < s->n_sources; i++) {
		const struct snap_source *src = &s->sources[i];

		enum ui_role role = src->state == SOURCE_FAILED ? ROLE_ERROR :
				    src->state == SOURCE_INFORMATIONAL ? ROLE_DIM : ROLE_NORMAL;

		page_field_role(&d->pg, role, src->name, "%s%s",
				src->ok ? "ok" : src->state == SOURCE_INFORMATIONAL ? "off: " : "failed: ",
				src->ok ? "" : src->error);
	}
	if (!s->n_sources)
		page_text(&d->pg, ROLE_DIM, "none");
	page_section(&d->pg, "Errors (what is unknown, and why)");
	for (size_t i = 0; i < s->n_errors; i++)
		page_field_role(&d->pg, ROLE_ERROR, s->errors[i].where, "%s", s->errors[i].error);
	if (!s->n_errors)
		page_text(&d->pg, ROLE_DIM, "none: everything in this snapshot was read");
}

static void errors_draw(struct view *v, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r)
{
	struct detail *d = (struct detail *)v;
	char title[96];

	(void)f;
	snprintf(title, sizeof(title), " Errors and sources (%zu errors) ", d->n_errors);
	page_draw(&d->pg, w, r, title);
}

static const struct view_ops errors_ops = {
	.name = "errors",
	.update = errors_update,
	.draw = errors_draw,
	.key = detail_key,
	.hints = detail_hints,
	.free = detail_free,
};

struct view *view_errors_new(void)
{
	struct detail *d = xcalloc(1, sizeof(*d));

	d->v.ops = &errors_ops;
	d->obj.kind = FMT_KIND_COUNT;
	page_init(&d->pg);
	return &d->v;
}
