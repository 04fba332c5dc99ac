/*
 * page.h - a scrollable page of labelled lines: the body of detail, error and help views.
 *
 * A page is rebuilt from scratch whenever its content changes (page_clear, then page_*
 * appends); the scroll position survives the rebuild. Long values wrap at draw time, so a
 * page reads well at any width. Strings are copied into the page's arena.
 */
#ifndef IPCTOP_UI_PAGE_H
#define IPCTOP_UI_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "src/arena.h"
#include "ui/term.h"
#include "ui/view.h"

#define PAGE_SHOWN_MAX 512

struct page_line {
	enum ui_role role;
	const char *label;	/* NULL: a text line across the whole width */
	const char *text;
};

struct page {
	struct arena arena;
	struct page_line *lines;
	size_t n_lines, cap_lines;
	int top;		/* first screen row shown (after wrapping) */
	int rows;		/* screen rows of the content at the last draw */
	int page;		/* rows visible at the last draw */
	/* which line each screen row showed at the last draw (mouse clicks on links) */
	int drawn_y;		/* screen row of the first content row */
	size_t shown_line[PAGE_SHOWN_MAX];
	int n_shown;
	/* The keyboard's line (a link on a detail page): 1 + its index, 0 none; drawn as the
	 * selection. reveal: scroll it into view at the next draw. page_clear() drops it. */
	size_t cursor;
	bool reveal;
};

void page_init(struct page *pg);
void page_fini(struct page *pg);
/* Drops every line (the scroll position stays). */
void page_clear(struct page *pg);

/* A heading line. */
void page_section(struct page *pg, const char *title);
/* "label  value" */
void page_field(struct page *pg, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void page_field_role(struct page *pg, enum ui_role role, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A line of text (wrapped). */
void page_text(struct page *pg, enum ui_role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void page_blank(struct page *pg);

/* Draws the page into r: one title line, then the lines from `top`. */
void page_draw(struct page *pg, WINDOW *w, const struct ui_rect *r, const char *title);
/* Arrows, PgUp/PgDn, Home/End scroll; true when the key was one of them. */
bool page_key(struct page *pg, int key);
/* The line drawn on screen row y at the last draw, or NULL. */
const struct page_line *page_line_at(const struct page *pg, int y);
/* Whether line i was on screen (at least one of its rows) at the last draw. */
bool page_line_shown(const struct page *pg, size_t i);
/* Makes line i the keyboard's line (SIZE_MAX: none); reveal scrolls it into view. */
void page_set_cursor(struct page *pg, size_t i, bool reveal);

#endif
