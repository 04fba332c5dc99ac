/*
 * panel.h - a generic scrolling table of one kind of record, driven by a panel_def.
 *
 * A panel holds rows (pointers into the current snapshot plus an optional tree indentation),
 * the selected object's id and the scroll position. panel_update() rebuilds the rows from a
 * new frame and finds the selection again by id; if that object is gone, the row that took
 * its place is selected. Rows live until the next panel_update(), so the frame's snapshot must
 * outlive them (ui.c swaps snapshots only between updates).
 */
#ifndef IPCTOP_UI_PANEL_H
#define IPCTOP_UI_PANEL_H

#include <stdbool.h>
#include <stddef.h>

#include "src/arena.h"
#include "ui/view.h"

struct panel_row {
	const void *rec;
	const char *indent;	/* tree prefix (arena) or NULL */
};

struct panel {
	const struct panel_def *def;
	const struct fmt_table *table;
	size_t n_cols;				/* columns of def used (at most 32) */
	const struct fmt_column **fmt_cols;	/* per def column: the format.h column or NULL */

	struct arena arena;			/* indent strings of the current rows */
	struct panel_row *rows;
	size_t n_rows, cap_rows;

	char sel_id[FMT_ID_MAX];		/* "" = nothing selected yet */
	size_t sel;				/* row index of sel_id (valid when n_rows > 0) */
	size_t top;				/* first row shown */
	int page;				/* data rows shown at the last draw */
	char filter[64];			/* F4: only rows matching it (ui/search.h); "" all */
	int fit[32];				/* per column with .fit: its widest cell now */
};

/* How wide a .fit column may grow. */
#define PANEL_FIT_MAX 40

void panel_init(struct panel *p, const struct panel_def *def);
void panel_fini(struct panel *p);

/* For build(): appends a row showing rec (a record of the panel's kind in f->snap). indent
 * is copied. */
void panel_add_row(struct panel *p, const void *rec, const char *indent);

void panel_update(struct panel *p, const struct ui_frame *f);
/* Draws title bar, column headings and rows into r (r->h >= 1). focused: the selection is
 * highlighted as the keyboard's; number: the panel's key ("1".."9") in the title, 0 none. */
void panel_draw(struct panel *p, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r,
		bool focused, int number);
/* Arrows, PgUp/PgDn, Home/End. Returns true when the key moved the selection. */
/* Moves a selection among n rows for Up/Down, PgUp/PgDn (page rows), Home/End; false (and
 * *sel unchanged) for any other key. Shared by every list view. */
bool panel_move_sel(int key, size_t n, size_t page, size_t *sel);
bool panel_key(struct panel *p, int key);

/* The selected record (NULL when empty) and its identity. */
const void *panel_selected(const struct panel *p);
bool panel_selected_obj(const struct panel *p, struct ui_obj *obj);
/* Selects the row whose id is id, if present; returns whether it was. */
bool panel_select_id(struct panel *p, const char *id);
/* Search (ui/search.h): selects the next row matching text after the selection (dir +1) or
 * before it (-1), wrapping; here: the selected row itself may match. False: no match. */
bool panel_search(struct panel *p, const struct ui_frame *f, const char *text, int dir, bool here);
/* A click on screen line y of a panel drawn in r: selects the row there; false if none. */
bool panel_click(struct panel *p, const struct ui_rect *r, int y);

/* NULL when every column of def can be shown (format.h titles exist, callbacks set),
 * otherwise the offending column title. */
const char *panel_def_check(const struct panel_def *def);

/* Lines the panel would like (title + headings + rows, at least one row line). */
int panel_wanted_height(const struct panel *p);

#endif
