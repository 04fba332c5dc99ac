/*
 * sysv_parse.h - reading the tables of /proc/sysvipc/{msg,shm,sem} by their header.
 *
 * Each file is a header line of column names and one line per object, numbers separated by
 * blanks (keys in decimal, perms in octal). Kernels add columns (shm's rss and swap came in
 * 4.x), so a probe names the columns it wants and the header says where each one is: an
 * unknown extra column is skipped, a missing optional one leaves its value unknown. A line
 * with more or fewer fields than the header, a word where a number belongs or a number out
 * of its column's range is malformed: it is reported and the other lines still count.
 *
 * The parsing functions are pure (a buffer in, values out); sysv_parse_file() adds the
 * reading and the error bookkeeping shared by the three probes.
 */
#ifndef IPCTOP_SYSV_PARSE_H
#define IPCTOP_SYSV_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probes/probe.h"

#define SYSV_MAX_COLS 32	/* wanted columns per table */
#define SYSV_MAX_FIELDS 64	/* columns a header may have */

struct sysv_col {
	const char *name;	/* as in the header: "key", "msqid", "perms", ... */
	int base;		/* 10, or 8 for perms */
	int64_t min, max;	/* accepted range */
	bool required;		/* the table is unusable without it */
};

struct sysv_header {
	size_t n_fields;		/* names in the header line */
	int pos[SYSV_MAX_COLS];		/* field index of each wanted column, -1 if absent */
};

struct sysv_row {
	int64_t v[SYSV_MAX_COLS];	/* value of each wanted column */
	uint32_t have;			/* bit i: column i was in the file */
};

/* Matches a header line against want[0..n_want). Returns 0; -EBADMSG if the line holds no
 * names, too many, or lacks a required column. */
int sysv_header_parse(const char *line, size_t len, const struct sysv_col *want, size_t n_want,
		      struct sysv_header *h);

/* Parses one data line. Returns 0, or -EBADMSG if the line's field count differs from the
 * header's or a wanted field is not a number within its column's range. */
int sysv_line_parse(const char *line, size_t len, const struct sysv_col *want, size_t n_want,
		    const struct sysv_header *h, struct sysv_row *row);

/* Called for each well-formed row. */
typedef void (*sysv_row_fn)(struct probe_ctx *ctx, const struct sysv_row *row, void *arg);

/*
 * Reads <proc>/<relpath> ("sysvipc/msg") and calls fn for every well-formed data line.
 * Errors recorded: "<relpath>" when the file cannot be read or its header is unusable (and
 * then returns -errno / -EBADMSG), "<relpath>" "no column NAME" once per missing optional
 * column, "<relpath> line N" "malformed" for each bad line (N counts from 1, the header being
 * line 1). Returns 0 otherwise.
 */
int sysv_parse_file(struct probe_ctx *ctx, const char *relpath, const struct sysv_col *want,
		    size_t n_want, sysv_row_fn fn, void *arg);

/* A row's value as the given type, or dflt when the column was absent. */
static inline int64_t sysv_get(const struct sysv_row *r, int col, int64_t dflt)
{
	return (r->have >> col) & 1 ? r->v[col] : dflt;
}

#endif
