/*
 * settings.h - the dashboard's saved settings: refresh interval, colour theme, the view it
 * opens with. A text file of `key = value` lines ('#' starts a comment):
 *
 *     refresh = 1          seconds between snapshots, 0.1 to 3600
 *     theme = auto         auto, 8, 256 or mono
 *     view = dashboard     dashboard or topology
 *
 * kept in $XDG_CONFIG_HOME/ipctop/ipctoprc, or ~/.config/ipctop/ipctoprc without
 * XDG_CONFIG_HOME. Loaded at start; saved only when the user asks (S).
 *
 * A malformed file is not half-applied: every setting keeps its default and the message
 * names the file's line and what is wrong with it. A missing file is not an error.
 */
#ifndef IPCTOP_UI_SETTINGS_H
#define IPCTOP_UI_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/term.h"

enum settings_view { SETTINGS_VIEW_DASHBOARD, SETTINGS_VIEW_TOPOLOGY };

struct settings {
	double refresh;			/* seconds between snapshots */
	enum term_theme theme;
	enum settings_view view;	/* the view the dashboard opens with */
};

#define SETTINGS_REFRESH_MIN 0.1
#define SETTINGS_REFRESH_MAX 3600.0

void settings_defaults(struct settings *s);

/* Parses a whole file's text. 0, or -EINVAL with *s at its defaults and err saying
 * "line N: ..." */
int settings_parse(struct settings *s, const char *text, char *err, size_t len);
/* The file's text for s, with a comment per key. Returns the length (as snprintf). */
int settings_format(const struct settings *s, char *buf, size_t len);

/* The file's path; false (buf "") when neither XDG_CONFIG_HOME nor HOME is set. */
bool settings_path(char *buf, size_t len);
/* Reads path into s: 0 (also when the file does not exist: defaults), or -errno (err says
 * why, "line 2: ... (in PATH)"; s is at its defaults). */
int settings_load(struct settings *s, const char *path, char *err, size_t len);
/* Writes s to path, creating its directory (mode 0700) if needed; replaces the file in one
 * rename, from a fresh temporary (O_EXCL | O_NOFOLLOW) beside it, fsynced. Refuses (-EPERM)
 * a directory that is not the user's or that others may write, and a target that is a
 * symlink (-ELOOP), not a regular file or not the user's (-EPERM). 0, or -errno with err
 * saying what and where. */
int settings_save(const struct settings *s, const char *path, char *err, size_t len);

/* "auto", "8", "256", "mono"; "dashboard", "topology". */
const char *settings_theme_name(enum term_theme t);
const char *settings_view_name(enum settings_view v);

#endif
