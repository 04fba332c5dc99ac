/*
 * ui_screen.c - the virtual curses screen that view unit tests paint into (see ui_screen.h).
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/ui_screen.h"

static SCREEN *scr;
static FILE *out, *in;

int ui_screen_init(void)
{
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	if (!out || !in)
		return -1;
	scr = newterm("vt100", out, in);
	return scr ? 0 : -1;
}

int ui_screen_clean(void)
{
	if (scr) {
		endwin();
		delscreen(scr);
		scr = NULL;
	}
	if (out)
		fclose(out);
	if (in)
		fclose(in);
	out = in = NULL;
	return 0;
}

const char *ui_screen_line(int y, char *line, size_t len)
{
	mvinnstr(y, 0, line, COLS < (int)len ? COLS : (int)len - 1);
	return line;
}

int ui_screen_row(const char *text)
{
	char line[512];

	for (int y = 0; y < LINES; y++)
		if (strstr(ui_screen_line(y, line, sizeof(line)), text))
			return y;
	return -1;
}

bool ui_screen_has(const char *text)
{
	return ui_screen_row(text) >= 0;
}
