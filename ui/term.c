/*
 * term.c - terminal setup/teardown, colour roles with a monochrome fallback, UTF-8 or ASCII
 * glyphs, and width-aware text output (see term.h for the invariants).
 */
#include "config.h"

#include <langinfo.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <term.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include "src/crash.h"
#include "src/format.h"
#include "ui/term.h"

static SCREEN *screen;
static bool active;		/* between newterm() and endwin() */
static atomic_bool owned;	/* the same, but cleared only once endwin() returned: any thread */
static bool utf8;
static bool colour;
static bool colour256;		/* the 256-colour palette is in use */
static enum term_theme theme = THEME_AUTO;
static attr_t attrs[ROLE_COUNT];

static const char *const eighths_utf8[8] = {
	NULL, "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589",
};

static const struct term_glyphs glyphs_utf8 = {
	.tree_mid = "\u251c\u2500",
	.tree_last = "\u2514\u2500",
	.tree_pipe = "\u2502 ",
	.tree_blank = "  ",
	.bar_full = "\u2588",
	.bar_empty = "\u00b7",
	.bar_eighths = eighths_utf8,
	.hline = "\u2500",
	.arrow = "\u2192",
	.ellipsis = "\u2026",
};

static const struct term_glyphs glyphs_ascii = {
	.tree_mid = "|-",
	.tree_last = "`-",
	.tree_pipe = "| ",
	.tree_blank = "  ",
	.bar_full = "#",
	.bar_empty = ".",
	.bar_eighths = NULL,
	.hline = "-",
	.arrow = "->",
	.ellipsis = "~",
};

/* Role -> monochrome attributes: distinguishable without any colour. */
static const attr_t mono[ROLE_COUNT] = {
	[ROLE_NORMAL] = A_NORMAL,
	[ROLE_HEADER] = A_REVERSE,
	[ROLE_TITLE] = A_BOLD | A_UNDERLINE,
	[ROLE_TITLE_FOCUS] = A_REVERSE | A_BOLD,
	[ROLE_COLHEAD] = A_UNDERLINE,
	[ROLE_SELECTED] = A_REVERSE,
	[ROLE_SELECTED_DIM] = A_BOLD | A_UNDERLINE,
	[ROLE_DIM] = A_DIM,
	[ROLE_ZOMBIE] = A_BOLD,
	[ROLE_ORPHAN] = A_UNDERLINE,
	[ROLE_WARN] = A_BOLD,
	[ROLE_ERROR] = A_BOLD,
	[ROLE_BAR_LOW] = A_NORMAL,
	[ROLE_BAR_MID] = A_NORMAL,
	[ROLE_BAR_HIGH] = A_BOLD,
	[ROLE_BAR_EMPTY] = A_DIM,
	[ROLE_STATUS] = A_REVERSE,
	[ROLE_KEY] = A_BOLD,
	[ROLE_LABEL] = A_BOLD,
	[ROLE_SECTION] = A_BOLD | A_UNDERLINE,
	[ROLE_ALERT] = A_REVERSE | A_BOLD,
	[ROLE_NODE] = A_NORMAL,
	[ROLE_OBJ] = A_BOLD,
	[ROLE_EDGE_PIPE] = A_NORMAL,
	[ROLE_EDGE_SOCKET] = A_BOLD,
	[ROLE_EDGE_LINK] = A_DIM,
	[ROLE_PACKET] = A_BOLD,
	[ROLE_SIGNAL] = A_REVERSE | A_BOLD,
	[ROLE_NEW] = A_BOLD | A_UNDERLINE,
	[ROLE_GONE] = A_DIM,
	[ROLE_DEMO] = A_BOLD | A_ITALIC,
};

/* Role -> colours (-1: the terminal's default) plus extra attributes. */
static const struct {
	short fg, bg;
	attr_t extra;
} colours[ROLE_COUNT] = {
	[ROLE_NORMAL] = { -1, -1, A_NORMAL },
	[ROLE_HEADER] = { COLOR_WHITE, COLOR_BLUE, A_BOLD },
	[ROLE_TITLE] = { COLOR_BLACK, COLOR_WHITE, A_NORMAL },
	[ROLE_TITLE_FOCUS] = { COLOR_BLACK, COLOR_CYAN, A_BOLD },
	[ROLE_COLHEAD] = { COLOR_GREEN, -1, A_BOLD },
	[ROLE_SELECTED] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL },
	[ROLE_SELECTED_DIM] = { COLOR_CYAN, -1, A_BOLD | A_UNDERLINE },
	[ROLE_DIM] = { -1, -1, A_DIM },
	[ROLE_ZOMBIE] = { COLOR_RED, -1, A_BOLD },
	[ROLE_ORPHAN] = { COLOR_MAGENTA, -1, A_NORMAL },
	[ROLE_WARN] = { COLOR_YELLOW, -1, A_BOLD },
	[ROLE_ERROR] = { COLOR_RED, -1, A_NORMAL },
	[ROLE_BAR_LOW] = { COLOR_GREEN, -1, A_NORMAL },
	[ROLE_BAR_MID] = { COLOR_YELLOW, -1, A_NORMAL },
	[ROLE_BAR_HIGH] = { COLOR_RED, -1, A_BOLD },
	[ROLE_BAR_EMPTY] = { -1, -1, A_DIM },
	[ROLE_STATUS] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL },
	[ROLE_KEY] = { COLOR_CYAN, -1, A_BOLD },
	[ROLE_LABEL] = { COLOR_CYAN, -1, A_NORMAL },
	[ROLE_SECTION] = { COLOR_YELLOW, -1, A_BOLD },
	[ROLE_ALERT] = { COLOR_WHITE, COLOR_RED, A_BOLD },
	[ROLE_NODE] = { -1, -1, A_NORMAL },
	[ROLE_OBJ] = { COLOR_CYAN, -1, A_NORMAL },
	[ROLE_EDGE_PIPE] = { COLOR_GREEN, -1, A_NORMAL },
	[ROLE_EDGE_SOCKET] = { COLOR_MAGENTA, -1, A_NORMAL },
	[ROLE_EDGE_LINK] = { COLOR_YELLOW, -1, A_NORMAL },
	[ROLE_PACKET] = { COLOR_WHITE, -1, A_BOLD },
	[ROLE_SIGNAL] = { COLOR_RED, -1, A_BOLD },
	[ROLE_NEW] = { COLOR_GREEN, -1, A_BOLD },
	[ROLE_GONE] = { -1, -1, A_DIM },
	[ROLE_DEMO] = { COLOR_BLACK, COLOR_YELLOW, A_NORMAL },
};

/* The 256-colour theme: the same meanings, softer backgrounds and more distinct hues. */
static const struct {
	short fg, bg;
	attr_t extra;
} colours256[ROLE_COUNT] = {
	[ROLE_NORMAL] = { -1, -1, A_NORMAL },
	[ROLE_HEADER] = { 255, 24, A_BOLD },
	[ROLE_TITLE] = { 235, 250, A_NORMAL },
	[ROLE_TITLE_FOCUS] = { 16, 80, A_BOLD },
	[ROLE_COLHEAD] = { 114, -1, A_BOLD },
	[ROLE_SELECTED] = { 16, 74, A_NORMAL },
	[ROLE_SELECTED_DIM] = { 74, -1, A_BOLD | A_UNDERLINE },
	[ROLE_DIM] = { 244, -1, A_NORMAL },
	[ROLE_ZOMBIE] = { 196, -1, A_BOLD },
	[ROLE_ORPHAN] = { 177, -1, A_NORMAL },
	[ROLE_WARN] = { 214, -1, A_BOLD },
	[ROLE_ERROR] = { 203, -1, A_NORMAL },
	[ROLE_BAR_LOW] = { 71, -1, A_NORMAL },
	[ROLE_BAR_MID] = { 178, -1, A_NORMAL },
	[ROLE_BAR_HIGH] = { 160, -1, A_BOLD },
	[ROLE_BAR_EMPTY] = { 239, -1, A_NORMAL },
	[ROLE_STATUS] = { 255, 24, A_NORMAL },
	[ROLE_KEY] = { 81, -1, A_BOLD },
	[ROLE_LABEL] = { 110, -1, A_NORMAL },
	[ROLE_SECTION] = { 179, -1, A_BOLD },
	[ROLE_ALERT] = { 231, 160, A_BOLD },
	[ROLE_NODE] = { 252, -1, A_NORMAL },
	[ROLE_OBJ] = { 116, -1, A_NORMAL },
	[ROLE_EDGE_PIPE] = { 78, -1, A_NORMAL },
	[ROLE_EDGE_SOCKET] = { 141, -1, A_NORMAL },
	[ROLE_EDGE_LINK] = { 180, -1, A_NORMAL },
	[ROLE_PACKET] = { 226, -1, A_BOLD },
	[ROLE_SIGNAL] = { 197, -1, A_BOLD },
	[ROLE_NEW] = { 120, -1, A_BOLD },
	[ROLE_GONE] = { 240, -1, A_NORMAL },
	[ROLE_DEMO] = { 16, 222, A_NORMAL },
};

static bool want_colour(void)
{
	const char *nc = getenv("NO_COLOR");

	return !(nc && *nc) && has_colors();
}

static void setup_roles(void)
{
	colour = theme != THEME_MONO && want_colour() && start_color() == OK;
	colour256 = colour && theme != THEME_8 && COLORS >= 256;
	if (colour) {
		bool defaults = use_default_colors() == OK;

		for (int r = 0; r < ROLE_COUNT; r++) {
			short fg = colour256 ? colours256[r].fg : colours[r].fg;
			short bg = colour256 ? colours256[r].bg : colours[r].bg;

			if (!defaults) {
				fg = fg < 0 ? COLOR_WHITE : fg;
				bg = bg < 0 ? COLOR_BLACK : bg;
			}
			if (r + 1 >= COLOR_PAIRS || init_pair((short)(r + 1), fg, bg) != OK) {
				colour = false;
				break;
			}
			attrs[r] = COLOR_PAIR(r + 1) | (colour256 ? colours256[r].extra : colours[r].extra);
		}
	}
	if (!colour) {
		colour256 = false;
		memcpy(attrs, mono, sizeof(attrs));
	}
}

void term_set_theme(enum term_theme t)
{
	theme = t;
	if (active)
		setup_roles();
}

enum term_theme term_theme(void)
{
	return theme;
}

const char *term_palette(void)
{
	return !colour ? "monochrome" : colour256 ? "256 colours" : "8 colours";
}

/* Appends terminfo capability cap (when the terminal has it) to buf. */
static size_t add_cap(char *buf, size_t off, size_t cap, const char *name)
{
	const char *s = tigetstr(name);
	size_t n;

	if (!s || s == (const char *)-1)
		return off;
	n = strlen(s);
	if (off + n >= cap)
		return off;
	memcpy(buf + off, s, n);
	return off + n;
}

/* What a crash writes to leave the dashboard's modes (src/crash.h): mouse reporting off,
 * keypad back to normal, attributes reset, the cursor shown, the alternate screen left. */
static void arm_crash_restore(const struct termios *modes)
{
	static const char mouse_off[] = "\033[?1006l\033[?1003l\033[?1002l\033[?1000l";
	char buf[512];
	size_t off = 0;
	const char *kmous = tigetstr("kmous");

	if (kmous && kmous != (const char *)-1) {	/* ncurses reports the mouse xterm's way */
		memcpy(buf, mouse_off, sizeof(mouse_off) - 1);
		off = sizeof(mouse_off) - 1;
	}
	off = add_cap(buf, off, sizeof(buf), "rmkx");
	off = add_cap(buf, off, sizeof(buf), "sgr0");
	off = add_cap(buf, off, sizeof(buf), "cnorm");
	off = add_cap(buf, off, sizeof(buf), "rmcup");
	crash_guard_set_terminal(STDOUT_FILENO, buf, off, modes);
}

bool term_init(char *errbuf, size_t len)
{
	struct termios modes;
	bool have_modes;
	const char *cs = nl_langinfo(CODESET);

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(errbuf, len, "the dashboard needs a terminal (use --once or --batch)");
		return false;
	}
	utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	have_modes = tcgetattr(STDOUT_FILENO, &modes) == 0;	/* the shell's, for a crash */
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		snprintf(errbuf, len, "cannot use terminal type \"%s\"",
			 getenv("TERM") ? getenv("TERM") : "(unset)");
		return false;
	}
	active = true;
	owned = true;
	set_term(screen);
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* clicks select and follow links, the wheel scrolls; no click timing: a press is a click */
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	curs_set(0);
	setup_roles();
	fflush(stdout);
	if (have_modes)
		arm_crash_restore(&modes);
	return true;
}

void term_fini(void)
{
	if (!active)
		return;
	crash_guard_clear_terminal();
	active = false;
	curs_set(1);
	endwin();
	fflush(stdout);
	owned = false;
}

bool term_active(void)
{
	return owned;
}

void term_release(void)
{
	if (screen && !active) {
		delscreen(screen);
		screen = NULL;
	}
}

bool term_utf8(void)
{
	return utf8;
}

bool term_colour(void)
{
	return colour;
}

attr_t term_attr(enum ui_role role)
{
	return (unsigned)role < ROLE_COUNT ? attrs[role] : A_NORMAL;
}

const struct term_glyphs *term_glyphs(void)
{
	return utf8 ? &glyphs_utf8 : &glyphs_ascii;
}

/* One character of a string as the screen shows it: up to 16 wide characters ("\\xNN" per
 * byte when it is escaped) and their width. */
struct shown_char {
	wchar_t wc[16];
	int n;
	int width;
};

/* Next character of s as shown (src/format.h's names_char decides what is escaped: control and
 * bidirectional characters, bytes that are not UTF-8; so is a character this locale cannot
 * print). Returns the bytes consumed (0 at the end). */
static size_t next_char(const char *s, mbstate_t *st, struct shown_char *out)
{
	static const char hex[] = "0123456789abcdef";
	bool unsafe;
	size_t n = names_char(s, &unsafe), m;
	wchar_t wc;
	int w = -1;

	if (!n)
		return 0;
	if (!unsafe) {
		memset(st, 0, sizeof(*st));
		m = mbrtowc(&wc, s, n, st);
		if (m == n && iswprint((wint_t)wc) && (w = wcwidth(wc)) >= 0) {
			out->wc[0] = wc;
			out->n = 1;
			out->width = w;
			return n;
		}
	}
	out->n = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out->wc[out->n++] = L'\\';
		out->wc[out->n++] = L'x';
		out->wc[out->n++] = (wchar_t)hex[c >> 4];
		out->wc[out->n++] = (wchar_t)hex[c & 15];
	}
	out->width = out->n;
	return n;
}

int term_width(const char *s)
{
	mbstate_t st;
	struct shown_char c;
	int total = 0;
	size_t n;

	memset(&st, 0, sizeof(st));
	while ((n = next_char(s, &st, &c)) > 0) {
		total += c.width;
		s += n;
	}
	return total;
}

size_t term_fit(const char *s, int width, int *used)
{
	mbstate_t st;
	struct shown_char c;
	int total = 0;
	size_t n, off = 0;

	memset(&st, 0, sizeof(st));
	while ((n = next_char(s + off, &st, &c)) > 0 && total + c.width <= width) {
		total += c.width;
		off += n;
	}
	if (used)
		*used = total;
	return off;
}

void term_fill(WINDOW *w, int y, int x, int width, attr_t a)
{
	if (width <= 0)
		return;
	wattrset(w, a);
	mvwhline(w, y, x, ' ', width);
	wattrset(w, A_NORMAL);
}

#define PUT_MAX 1024

int term_put(WINDOW *w, int y, int x, int width, const char *s, attr_t a, bool pad, bool right)
{
	wchar_t out[PUT_MAX + 1];
	size_t n_out = 0, n;
	int used = 0, full;
	mbstate_t st;
	struct shown_char c;
	const char *p;

	if (width <= 0)
		return 0;
	if (width > PUT_MAX)
		width = PUT_MAX;
	if (!s)
		s = "";
	full = term_width(s);
	memset(&st, 0, sizeof(st));
	for (p = s; (n = next_char(p, &st, &c)) > 0; p += n) {
		/* keep one column for the ellipsis when the whole string will not fit */
		int limit = full > width ? width - 1 : width;

		if (used + c.width > limit || n_out + (size_t)c.n > PUT_MAX)
			break;	/* (zero-width characters take room in out[] too) */
		if (c.width == 0 && n_out == 0)
			continue;	/* a combining mark with nothing to combine with */
		for (int i = 0; i < c.n; i++)
			out[n_out++] = c.wc[i];
		used += c.width;
	}
	out[n_out] = 0;
	if (right && pad && used < width && full <= width) {
		term_fill(w, y, x, width - used, a);
		x += width - used;
		pad = false;
	}
	wattrset(w, a);
	mvwaddnwstr(w, y, x, out, (int)n_out);
	if (full > width) {
		waddstr(w, term_glyphs()->ellipsis);
		used++;
	}
	wattrset(w, A_NORMAL);
	if (pad && used < width)
		term_fill(w, y, x + used, width - used, a);
	return pad ? width : used;
}

void term_bar(WINDOW *w, int y, int x, int width, double fraction)
{
	const struct term_glyphs *g = term_glyphs();
	enum ui_role role;
	int eighths, full, part, i;

	if (width <= 0)
		return;
	wmove(w, y, x);
	if (!(fraction >= 0)) {	/* unknown (also NaN) */
		wattrset(w, term_attr(ROLE_ERROR));
		for (i = 0; i < width; i++)
			waddch(w, '?');
		wattrset(w, A_NORMAL);
		return;
	}
	if (fraction > 1)
		fraction = 1;
	role = fraction > 0.85 ? ROLE_BAR_HIGH : fraction >= 0.5 ? ROLE_BAR_MID : ROLE_BAR_LOW;
	eighths = (int)(fraction * width * 8 + 0.5);
	if (eighths == 0 && fraction > 0)
		eighths = 1;	/* anything queued shows */
	full = eighths / 8;
	part = eighths % 8;
	if (!g->bar_eighths && part) {	/* ASCII: round a partial cell up */
		full++;
		part = 0;
	}
	if (full > width)
		full = width;
	wattrset(w, term_attr(role));
	for (i = 0; i < full; i++)
		waddstr(w, g->bar_full);
	if (part && full < width) {
		waddstr(w, g->bar_eighths[part]);
		full++;
	}
	wattrset(w, term_attr(ROLE_BAR_EMPTY));
	for (i = full; i < width; i++)
		waddstr(w, g->bar_empty);
	wattrset(w, A_NORMAL);
}
