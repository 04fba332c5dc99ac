/*
 * keyhelp.h - every dashboard key and what it does: one table read by the help screen
 * (ui/view_help.c) and by --help (src/options.c), so the two never drift apart.
 */
#ifndef IPCTOP_KEYHELP_H
#define IPCTOP_KEYHELP_H

#include <stddef.h>

struct key_help {
	const char *keys;
	const char *what;
};

extern const struct key_help key_help[];
extern const size_t n_key_help;

#endif
