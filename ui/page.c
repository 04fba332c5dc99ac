/*
 * page.c - scrollable pages of labelled, wrapped lines (see page.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/page.h"

#define LABEL_MAX 22

void page_init(struct page *pg)
{
	memset(pg, 0, sizeof(*pg));
	arena_init(&pg->arena);
}

void page_fini(struct page *pg)
{
	free(pg->lines);
	arena_fini(&pg->arena);
	memset(pg, 0, sizeof(*pg));
}

void page_clear(struct page *pg)
{
	pg->n_lines = 0;
	pg->cursor = 0;
	pg->reveal = false;
	arena_fini(&pg->arena);
	arena_init(&pg->arena);
}

static void add(struct page *pg, enum ui_role role, const char *label, const char *text)
{
	struct page_line *l;

	if (pg->n_lines == pg->cap_lines) {
		pg->cap_lines = pg->cap_lines ? pg->cap_lines * 2 : 64;
		pg->lines = xreallocarray(pg->lines, pg->cap_lines, sizeof(*pg->lines));
	}
	l = &pg->lines[pg->n_lines++];
	l->role = role;
	l->label = label ? arena_strdup(&pg->arena, label) : NULL;
	l->text = arena_strdup(&pg->arena, text ? text : "");
}

static void vadd(struct page *pg, enum ui_role role, const char *label, const char *fmt,
		 va_list ap) __attribute__((format(printf, 4, 0)));

static void vadd(struct page *pg, enum ui_role role, const char *label, const char *fmt,
		 va_list ap)
{
	char buf[4096];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	add(pg, role, label, buf);
}

void page_section(struct page *pg, const char *title)
{
	if (pg->n_lines)
		add(pg, ROLE_NORMAL, NULL, "");
	add(pg, ROLE_SECTION, NULL, title);
}

void page_field(struct page *pg, const char *label, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(pg, ROLE_NORMAL, label, fmt, ap);
	va_end(ap);
}

void page_field_role(struct page *pg, enum ui_role role, const char *label, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(pg, role, label, fmt, ap);
	va_end(ap);
}

void page_text(struct page *pg, enum ui_role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(pg, role, NULL, fmt, ap);
	va_end(ap);
}

void page_blank(struct page *pg)
{
	add(pg, ROLE_NORMAL, NULL, "");
}

/* Length in bytes of the next wrapped piece of s for width columns: break after the last
 * space or comma that fits, or hard at the width. */
static size_t wrap_piece(const char *s, int width)
{
	size_t fit = term_fit(s, width > 0 ? width : 1, NULL);

	if (fit == 0)
		return strlen(s) ? 1 : 0;	/* one character wider than the line */
	if (s[fit] == '\0')
		return fit;
	for (size_t i = fit; i > fit / 2; i--)
		if (s[i - 1] == ' ' || s[i - 1] == ',')
			return i;
	return fit;
}

void page_draw(struct page *pg, WINDOW *w, const struct ui_rect *r, const char *title)
{
	int label_w = 0, row = 0, vis = r->h - 1, text_x, text_w, cur_first = -1, cur_last = -1;
	char pos[48];

	if (r->h < 1 || r->w < 1)
		return;
	for (size_t i = 0; i < pg->n_lines; i++) {
		if (pg->lines[i].label) {
			int lw = term_width(pg->lines[i].label);

			if (lw > label_w)
				label_w = lw;
		}
	}
	if (label_w > LABEL_MAX)
		label_w = LABEL_MAX;
	if (label_w > r->w / 3)
		label_w = r->w / 3;
	text_x = r->x + 1 + (label_w ? label_w + 2 : 0);
	text_w = r->x + r->w - text_x;
	if (text_w < 8) {
		text_x = r->x + 1;
		text_w = r->w - 1;
	}

	pg->drawn_y = r->y + 1;
	pg->n_shown = 0;
	/* content rows, first pass to know how many there are (for clamping and the title) */
	for (int pass = 0; pass < 2; pass++) {
		row = 0;
		for (size_t i = 0; i < pg->n_lines; i++) {
			const struct page_line *l = &pg->lines[i];
			const char *s = l->text;
			int x = l->label ? text_x : r->x + 1, width = l->label ? text_w : r->w - 1;
			bool first = true, sel = pg->cursor == i + 1;
			attr_t la = term_attr(sel ? ROLE_SELECTED : ROLE_LABEL);
			attr_t ta = term_attr(sel ? ROLE_SELECTED : l->role);

			if (sel)
				cur_first = row;
			do {
				size_t n = wrap_piece(s, width);
				int y = row - pg->top;

				if (pass == 1 && y >= 0 && y < vis) {
					char piece[4096];

					if (y < PAGE_SHOWN_MAX) {
						pg->shown_line[y] = i;
						if (y >= pg->n_shown)
							pg->n_shown = y + 1;
					}
					snprintf(piece, sizeof(piece), "%.*s", (int)n, s);
					if (sel)
						term_fill(w, r->y + 1 + y, r->x, r->w, ta);
					if (first && l->label)
						term_put(w, r->y + 1 + y, r->x + 1, label_w, l->label,
							 la, false, false);
					term_put(w, r->y + 1 + y, x, width, piece, ta, false, false);
				}
				s += n;
				while (*s == ' ')
					s++;
				row++;
				first = false;
			} while (*s);
			if (sel)
				cur_last = row - 1;
		}
		if (pass == 0) {
			pg->rows = row;
			pg->page = vis > 0 ? vis : 1;
			if (pg->reveal && cur_first >= 0) {	/* the keyboard's line comes into view */
				if (cur_last >= pg->top + pg->page)
					pg->top = cur_last - pg->page + 1;
				if (cur_first < pg->top)
					pg->top = cur_first;
			}
			pg->reveal = false;
			if (pg->top > row - pg->page)
				pg->top = row - pg->page;
			if (pg->top < 0)
				pg->top = 0;
		}
	}

	term_fill(w, r->y, r->x, r->w, term_attr(ROLE_TITLE_FOCUS));
	term_put(w, r->y, r->x, r->w, title, term_attr(ROLE_TITLE_FOCUS), false, false);
	if (pg->rows > pg->page) {
		snprintf(pos, sizeof(pos), " %d-%d/%d ", pg->top + 1,
			 pg->top + pg->page < pg->rows ? pg->top + pg->page : pg->rows, pg->rows);
		if (term_width(title) + term_width(pos) < r->w)
			term_put(w, r->y, r->x + r->w - term_width(pos), term_width(pos), pos,
				 term_attr(ROLE_TITLE_FOCUS), false, false);
	}
}

const struct page_line *page_line_at(const struct page *pg, int y)
{
	int k = y - pg->drawn_y;

	if (k < 0 || k >= pg->n_shown || pg->shown_line[k] >= pg->n_lines)
		return NULL;
	return &pg->lines[pg->shown_line[k]];
}

bool page_line_shown(const struct page *pg, size_t i)
{
	for (int k = 0; k < pg->n_shown && k < PAGE_SHOWN_MAX; k++)
		if (pg->shown_line[k] == i)
			return true;
	return false;
}

void page_set_cursor(struct page *pg, size_t i, bool reveal)
{
	pg->cursor = i < pg->n_lines ? i + 1 : 0;
	pg->reveal = reveal && pg->cursor;
}

bool page_key(struct page *pg, int key)
{
	int step = pg->page > 1 ? pg->page - 1 : 1;

	switch (key) {
	case KEY_UP:
		pg->top--;
		break;
	case KEY_DOWN:
		pg->top++;
		break;
	case KEY_PPAGE:
		pg->top -= step;
		break;
	case KEY_NPAGE:
		pg->top += step;
		break;
	case KEY_HOME:
		pg->top = 0;
		break;
	case KEY_END:
		pg->top = pg->rows;
		break;
	default:
		return false;
	}
	if (pg->top > pg->rows - pg->page)
		pg->top = pg->rows - pg->page;
	if (pg->top < 0)
		pg->top = 0;
	return true;
}
