/*
 * ui_screen.h - a curses screen for unit tests of views: newterm("vt100") drawing into
 * /dev/null, read back with mvinnstr(). Shared by every test that paints a view.
 */
#ifndef IPCTOP_UI_SCREEN_H
#define IPCTOP_UI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

/* CUnit suite init/clean: 0 on success. */
int ui_screen_init(void);
int ui_screen_clean(void);

/* The first screen row holding text, or -1. */
int ui_screen_row(const char *text);
bool ui_screen_has(const char *text);
/* Screen row y into line (at most len - 1 columns); returns line. */
const char *ui_screen_line(int y, char *line, size_t len);

#endif
