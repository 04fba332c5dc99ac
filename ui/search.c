/*
 * search.c - the search and filter line and what a record's text is (see search.h).
 *
 * Invariants: st->mode is SEARCH_OFF whenever the line is not on screen; a view's filter is
 * only ever set through its set_filter op and recorded in st->filters under its name.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "src/names.h"
#include "ui/search.h"
#include "ui/term.h"

bool search_text_match(const char *hay, const char *text)
{
	return !text || !*text || (hay && strcasestr(hay, text));
}

/* A name matches as it is and as the screen shows it (names_escape: "\\x9b" finds a 0x9b). */
static bool name_match(const char *name, const char *text)
{
	char shown[8192];

	return search_text_match(name, text) ||
	       (name && search_text_match(names_escape(name, shown, sizeof(shown)), text));
}

bool search_match(const struct snapshot *s, enum fmt_kind kind, const void *rec, const char *text)
{
	char buf[FMT_ID_MAX];
	const struct fmt_table *t;

	(void)s;
	if (!text || !*text)
		return true;
	if ((unsigned)kind >= FMT_KIND_COUNT || !rec)
		return false;
	t = fmt_table_get(kind);
	if (search_text_match(t->id(rec, buf, sizeof(buf)), text))
		return true;
	switch (kind) {
	case FMT_PROCESSES: {
		const struct proc_rec *p = rec;

		return name_match(p->comm, text) || name_match(p->cmdline, text);
	}
	case FMT_PIPES:
		return name_match(((const struct pipe_rec *)rec)->path, text);
	case FMT_UNIX_SOCKETS:
		return name_match(((const struct usock_rec *)rec)->path, text);
	case FMT_MSG_QUEUES:
		return search_text_match(fmt_key(((const struct msgq_rec *)rec)->perm.key, buf,
						 sizeof(buf)), text);
	case FMT_SHM_SEGMENTS:
		return search_text_match(fmt_key(((const struct shm_rec *)rec)->perm.key, buf,
						 sizeof(buf)), text);
	case FMT_SEM_SETS:
		return search_text_match(fmt_key(((const struct sem_rec *)rec)->perm.key, buf,
						 sizeof(buf)), text);
	default:
		return false;
	}
}

/* ---- per-view filters ---- */

const char *search_filter_of(const struct ui_search *st, const char *view)
{
	for (size_t i = 0; i < st->n_filters; i++)
		if (strcmp(st->filters[i].view, view) == 0)
			return st->filters[i].text;
	return "";
}

static void remember_filter(struct ui_search *st, const char *view, const char *text)
{
	size_t i;

	for (i = 0; i < st->n_filters; i++)
		if (strcmp(st->filters[i].view, view) == 0)
			break;
	if (i == st->n_filters) {
		if (st->n_filters == SEARCH_VIEWS)
			return;	/* more views with filters than there are views today */
		st->n_filters++;
		snprintf(st->filters[i].view, sizeof(st->filters[i].view), "%s", view);
	}
	snprintf(st->filters[i].text, sizeof(st->filters[i].text), "%s", text);
}

static void apply_filter(struct ui_search *st, struct view *top, const struct ui_frame *f,
			 const char *text)
{
	top->ops->set_filter(top, f, text);
	remember_filter(st, top->ops->name, text);
}

void search_view_pushed(struct ui_search *st, struct view *v, const struct ui_frame *f)
{
	const char *text = search_filter_of(st, v->ops->name);

	if (*text && v->ops->set_filter)
		v->ops->set_filter(v, f, text);
}

/* ---- the line ---- */

bool search_begin(struct ui_search *st, struct view *top, const struct ui_frame *f,
		  enum search_mode mode)
{
	(void)f;
	if ((mode == SEARCH_FIND && !top->ops->search) ||
	    (mode == SEARCH_FILTER && !top->ops->set_filter) || mode == SEARCH_OFF)
		return false;
	st->mode = mode;
	st->failed = false;
	if (mode == SEARCH_FILTER) {
		snprintf(st->before, sizeof(st->before), "%s", search_filter_of(st, top->ops->name));
		snprintf(st->text, sizeof(st->text), "%s", st->before);
	} else {
		st->text[0] = 0;
	}
	return true;
}

static void changed(struct ui_search *st, struct view *top, const struct ui_frame *f)
{
	if (st->mode == SEARCH_FILTER) {
		apply_filter(st, top, f, st->text);	/* live: the rows follow the typing */
		st->failed = false;
	} else {
		st->failed = st->text[0] && !top->ops->search(top, f, st->text, +1, true);
	}
}

void search_feed(struct ui_search *st, struct view *top, const struct ui_frame *f, int key)
{
	size_t n = strlen(st->text);

	switch (key) {
	case 27:	/* Esc: give up */
		if (st->mode == SEARCH_FILTER)
			apply_filter(st, top, f, st->before);
		st->mode = SEARCH_OFF;
		return;
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (st->mode == SEARCH_FIND && st->text[0])
			snprintf(st->last, sizeof(st->last), "%s", st->text);
		st->mode = SEARCH_OFF;
		return;
	case KEY_F(3):	/* F3 again while typing: the next match */
		if (st->mode == SEARCH_FIND && st->text[0])
			st->failed = !top->ops->search(top, f, st->text, +1, false);
		return;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (!n)
			return;
		/* drop the whole last UTF-8 character */
		while (n > 0 && ((unsigned char)st->text[n - 1] & 0xC0) == 0x80)
			n--;
		st->text[n ? n - 1 : 0] = 0;
		changed(st, top, f);
		return;
	case 21:	/* Ctrl-U: clear */
		st->text[0] = 0;
		changed(st, top, f);
		return;
	}
	if (key >= 32 && key < 256 && key != 127 && n + 1 < sizeof(st->text)) {
		st->text[n] = (char)key;
		st->text[n + 1] = 0;
		changed(st, top, f);
	}
}

bool search_again(struct ui_search *st, struct view *top, const struct ui_frame *f, int dir)
{
	if (!st->last[0] || !top->ops->search)
		return false;
	st->failed = !top->ops->search(top, f, st->last, dir, false);
	return !st->failed;
}

bool search_draw(const struct ui_search *st, WINDOW *w, int y, int cols)
{
	char line[SEARCH_MAX + 96];
	attr_t a = term_attr(ROLE_STATUS);
	int x;

	if (st->mode == SEARCH_OFF)
		return false;
	snprintf(line, sizeof(line), " %s: %s", st->mode == SEARCH_FIND ? "Search" : "Filter",
		 st->text);
	term_fill(w, y, 0, cols, a);
	x = term_put(w, y, 0, cols, line, a, false, false);
	/* the cursor: a reverse space after the text */
	if (x < cols)
		term_put(w, y, x, 1, " ", a ^ A_REVERSE, false, false);
	if (st->failed && x + 14 < cols)
		term_put(w, y, x + 2, cols - x - 2, "(no match)", a | term_attr(ROLE_ERROR), false, false);
	{
		const char *help = st->mode == SEARCH_FIND ? "Enter keep  Esc stop  F3 next "
							   : "Enter keep  Esc undo ";
		int hw = term_width(help);

		if (x + 14 + hw < cols)
			term_put(w, y, cols - hw, hw, help, a, false, false);
	}
	return true;
}
