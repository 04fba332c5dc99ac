/*
 * unknown.h - the status line's account of what a snapshot could not read, and why.
 *
 * Errors are grouped by what could not be read and the reason, counting processes rather
 * than descriptors: "fds of 12 processes: no permission; 3 processes: exited during scan;
 * dev/mqueue: not mounted (ENOENT)". Collection failures and failed sources come first, then
 * the groups, biggest first. Pure: a function of the snapshot.
 */
#ifndef IPCTOP_UI_UNKNOWN_H
#define IPCTOP_UI_UNKNOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "src/snapshot.h"

/* Writes the line into buf (s may be NULL: only collect_error, a negative errno or 0);
 * false (buf "") when everything was read. */
bool unknown_line(const struct snapshot *s, int collect_error, char *buf, size_t len);

#endif
