/*
 * search.h - incremental search (F3, /, then n / N) and the text filter (F4) of the views,
 * typed on the bottom line.
 *
 * What matches: search_match() looks, without regard to case, for the text in a record's
 * object id ("pid:1234", "msg:5", "pmq:jobs"), and for processes in the command name and
 * command line, for SysV objects in the key ("0x0000abcd"), for pipes and sockets in the
 * path; names also as the screen shows them (src/names.h: "\x9b" finds a raw 0x9b). The views
 * decide what a match selects (a row, a node).
 *
 * The line editor is modal: while it is open every key goes to search_feed(); Enter keeps
 * the result (the search text is remembered for n / N, a filter stays on its view), Esc
 * gives up (a search leaves the selection where it went, a filter goes back to what it was).
 * A filter persists per view name: a view pushed again gets its filter back.
 */
#ifndef IPCTOP_UI_SEARCH_H
#define IPCTOP_UI_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "ui/view.h"

#define SEARCH_MAX 64
#define SEARCH_VIEWS 8

enum search_mode { SEARCH_OFF, SEARCH_FIND, SEARCH_FILTER };

struct ui_search {
	enum search_mode mode;
	char text[SEARCH_MAX];		/* on the line being typed */
	char before[SEARCH_MAX];	/* a filter's text when the line opened (Esc restores it) */
	char last[SEARCH_MAX];		/* the last search, for n / N */
	bool failed;			/* nothing matches text */
	struct {
		char view[24];
		char text[SEARCH_MAX];
	} filters[SEARCH_VIEWS];	/* the filter of each view, by view name */
	size_t n_filters;
};

/* Whether rec (a record of kind in s) matches text (see the top of this file); an empty
 * text matches everything. */
bool search_match(const struct snapshot *s, enum fmt_kind kind, const void *rec, const char *text);
/* The same for a bare string (case-insensitive substring). */
bool search_text_match(const char *hay, const char *text);

/* Opens the line on the top view: false (nothing opened) when it supports no search / no
 * filter. */
bool search_begin(struct ui_search *st, struct view *top, const struct ui_frame *f,
		  enum search_mode mode);
/* A key while the line is open. */
void search_feed(struct ui_search *st, struct view *top, const struct ui_frame *f, int key);
/* n / N: the last search again, forwards (dir +1) or backwards (-1); false when there is no
 * last search, the view has no search, or nothing matches (st->failed is set then). */
bool search_again(struct ui_search *st, struct view *top, const struct ui_frame *f, int dir);
/* A view was just pushed: give it back its filter, if it had one. */
void search_view_pushed(struct ui_search *st, struct view *v, const struct ui_frame *f);
/* The filter of view name ("" none). */
const char *search_filter_of(const struct ui_search *st, const char *view);

/* Draws the open line on row y (cols wide); false when the line is closed. */
bool search_draw(const struct ui_search *st, WINDOW *w, int y, int cols);

#endif
