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

#include <stdio.h>

#include "src/options.h"

/* opts->mode is MODE_ONCE or MODE_BATCH. Returns the exit status: 0; 1 when the sysroot or
 * its proc/ cannot be read, a snapshot cannot be taken or out (or the textfile) cannot be
 * written; 2 when the --textfile directory cannot be used (a message on stderr says which).
 * With --textfile, SIGINT/SIGTERM/SIGHUP end the run after the file being written, and
 * ipctop then dies of that signal. */
int output_run(const struct options *opts, FILE *out);

#endif
