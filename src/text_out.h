/*
 * text_out.h - a snapshot as plain-text tables (`ipctop --once`, `--batch` without --json).
 *
 * A header line, then one table per kind in fmt_table order (the CONTRACT kinds always, with
 * their column headers even when empty; threads, other descriptors and stalls only when they
 * have rows), the events since the previous snapshot, then sources and errors: "?" in a
 * cell means unknown, and the errors say why. Cells come from format.h, the same functions
 * the dashboard paints; control characters are shown as '?'.
 */
#ifndef IPCTOP_TEXT_OUT_H
#define IPCTOP_TEXT_OUT_H

#include <stdio.h>

#include "src/format.h"
#include "src/snapshot.h"

struct snapshot_delta;

/* One table: title with the row count, a header row, the rows; widths fit the cells. */
void text_out_table(FILE *out, const struct fmt_table *t, const struct fmt_ctx *ctx);

/* The whole snapshot; delta may be NULL. Returns 0, or -1 on a write error. */
int text_out_write(FILE *out, const struct snapshot *s, const struct snapshot_delta *delta);

#endif
