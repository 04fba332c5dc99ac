/*
 * output.h - the non-interactive modes: `--once` and `--batch`, as text, JSON or metrics
 * (`--format`), on stdout or, with `--textfile DIR`, into DIR/ipctop.prom (src/textfile.h).
 *
 * Takes snapshots through the sampler (never touching the terminal), applies `--pid`,
 * diffs each snapshot against the previous one (rates, events) and writes it to out.
 * Batch snapshots are SECONDS apart on a monotonic deadline (no drift), flushed one by one.
 */
#ifndef IPCTOP_OUTPUT_H
#define IPCTOP_OUTPUT_H

#include <signal.h>
#include <stdio.h>

#include "src/options.h"

/* opts->mode is MODE_ONCE or MODE_BATCH. Returns the exit status: 0; 1 when the sysroot or
 * its proc/ cannot be read, a snapshot cannot be taken or out (or the textfile) cannot be
 * written; 2 when the --textfile directory cannot be used (a message on stderr says which).
 * SIGINT/SIGTERM/SIGHUP end the run between snapshots (each is written whole), the tracefs
 * instance is removed, and ipctop then dies of that signal. */
int output_run(const struct options *opts, FILE *out);

struct snapshot;
struct snapshot_delta;
/* Writes snapshot i (from 0) with its delta to the previous one (NULL for the first); 0, or
 * < 0 on a write error (-1: errno says why; OUTPUT_EMIT_REPORTED: the sink said why on stderr
 * itself; else -errno). */
#define OUTPUT_EMIT_REPORTED (-4096)
typedef int (*output_emit_fn)(void *ctx, const struct options *opts, long i,
			      const struct snapshot *view, const struct snapshot_delta *delta);
/* The sampling loop behind output_run and `record`: n snapshots (0: until *stop is set; stop
 * may be NULL), opts->delay apart, each filtered by --pid and handed to emit. A signal that
 * sets *stop ends the wait at once. Returns the exit status as output_run. */
int output_loop(const struct options *opts, long n, output_emit_fn emit, void *ctx,
		volatile sig_atomic_t *stop);

#endif
