/*
 * term.h - the terminal: setup and teardown, colour roles, glyphs and width-aware text.
 *
 * Everything that depends on what the terminal can do lives here, so views only name a role
 * ("selected row", "zombie", "bar fill") and a glyph ("tree branch"), never a colour number
 * or a byte sequence.
 *
 * Invariants:
 * - term_fini() is idempotent and safe at any point after term_init() started, including
 *   from xalloc_fatal_hook on the UI thread; it restores the terminal (endwin) exactly once.
 *   Only the UI thread calls into curses (another thread's out-of-memory hook asks it to).
 * - Colours are used only when the terminal has them and NO_COLOR is unset or empty;
 *   otherwise every role maps to a monochrome attribute (bold, reverse, underline, dim) that
 *   keeps it distinguishable.
 * - Glyphs are UTF-8 box drawing and block characters only when the locale's codeset is
 *   UTF-8; otherwise plain ASCII ('|', '-', '#').
 */
#ifndef IPCTOP_UI_TERM_H
#define IPCTOP_UI_TERM_H

#include <stdbool.h>

#include <curses.h>

/* What a piece of screen means; term_attr() turns it into attributes. */
enum ui_role {
	ROLE_NORMAL,
	ROLE_HEADER,		/* the top line */
	ROLE_TITLE,		/* an unfocused panel's title bar */
	ROLE_TITLE_FOCUS,	/* the focused panel's title bar */
	ROLE_COLHEAD,		/* column headings */
	ROLE_SELECTED,		/* the selected row of the focused panel */
	ROLE_SELECTED_DIM,	/* the selected row of an unfocused panel */
	ROLE_DIM,		/* secondary text: kernel threads, "-" */
	ROLE_ZOMBIE,
	ROLE_ORPHAN,
	ROLE_WARN,		/* destroy pending, waiters, pending signals */
	ROLE_ERROR,		/* unknown values and their reasons */
	ROLE_BAR_LOW,		/* gauge fill below 50% */
	ROLE_BAR_MID,		/* 50-85% */
	ROLE_BAR_HIGH,		/* above 85% */
	ROLE_BAR_EMPTY,
	ROLE_STATUS,		/* the bottom line */
	ROLE_KEY,		/* key names in help and hints */
	ROLE_LABEL,		/* field names in detail pages */
	ROLE_SECTION,		/* section headings in detail and help pages */
	ROLE_ALERT,		/* a banner that must not be missed (a deadlock): white on red */
	ROLE_NODE,		/* topology: a process's box */
	ROLE_OBJ,		/* topology: an IPC object's box */
	ROLE_EDGE_PIPE,		/* topology: pipe and FIFO lines */
	ROLE_EDGE_SOCKET,	/* topology: socket lines */
	ROLE_EDGE_LINK,		/* topology: queue, shared memory and semaphore links */
	ROLE_PACKET,		/* topology: data travelling along a line */
	ROLE_SIGNAL,		/* topology: a signal in flight */
	ROLE_NEW,		/* topology: a node that just appeared */
	ROLE_GONE,		/* topology: a node fading away */
	ROLE_DEMO,		/* issue 6: what the newest demo caption is about, and that caption */
	ROLE_COUNT
};

/* Colour themes (ui/settings.h saves the choice). Auto: 256 colours when the terminal has
 * them, else 8. Mono, NO_COLOR or a terminal without colours: attributes only. */
enum term_theme { THEME_AUTO, THEME_8, THEME_256, THEME_MONO };

struct term_glyphs {
	const char *tree_mid;	/* "├─" a child with siblings below */
	const char *tree_last;	/* "└─" the last child */
	const char *tree_pipe;	/* "│ " an ancestor with siblings below */
	const char *tree_blank;	/* "  " */
	const char *bar_full;	/* one full gauge cell */
	const char *bar_empty;	/* one empty gauge cell */
	const char *const *bar_eighths;	/* [1..7]: partial cells, NULL when unavailable */
	const char *hline;	/* title bar filler */
	const char *arrow;	/* "→" */
	const char *ellipsis;	/* "…" marks truncated text */
};

/* Sets up curses on the controlling terminal. Returns false (terminal untouched or already
 * restored, message in errbuf) when the terminal cannot be used. */
bool term_init(char *errbuf, size_t len);
/* Restores the terminal; idempotent, async-signal-unsafe but fine from the fatal hook. */
void term_fini(void);
/* Whether curses owns the terminal (between term_init and term_fini). The one call any
 * thread may make: the out-of-memory hook of another thread waits on it (ui/ui.c). */
bool term_active(void);
/* After term_fini(): frees what curses still holds for the screen. */
void term_release(void);

bool term_utf8(void);
bool term_colour(void);
/* Chooses the theme; takes effect at once when the terminal is set up, else at term_init. */
void term_set_theme(enum term_theme t);
enum term_theme term_theme(void);
/* The palette in use: "256 colours", "8 colours" or "monochrome". */
const char *term_palette(void);
attr_t term_attr(enum ui_role role);
const struct term_glyphs *term_glyphs(void);

/* Display width of a UTF-8 string (invalid or non-printable bytes count as one '?'). */
int term_width(const char *s);

/* Bytes of the longest prefix of s that fits in width columns (never splits a character);
 * *used gets its width when used is not NULL. */
size_t term_fit(const char *s, int width, int *used);

/*
 * Writes s at (y, x) in at most width columns with attributes a, never splitting a wide
 * character; when it does not fit, the last column shows the ellipsis glyph. pad: fill the
 * rest of width with spaces. Right-aligned when right is set. Returns the columns used.
 */
int term_put(WINDOW *w, int y, int x, int width, const char *s, attr_t a, bool pad, bool right);

/* Fills width columns from (y, x) with spaces in attributes a. */
void term_fill(WINDOW *w, int y, int x, int width, attr_t a);

/* A gauge of width cells for fraction (0..1; < 0 means unknown: drawn as '?' cells). */
void term_bar(WINDOW *w, int y, int x, int width, double fraction);

#endif
