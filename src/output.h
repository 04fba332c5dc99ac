/*
 * output.h - the non-interactive modes: `--once` and `--batch`, as text or JSON.
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
 * its proc/ cannot be read, a snapshot cannot be taken or out cannot be written (a message
 * on stderr says which). */
int output_run(const struct options *opts, FILE *out);

#endif
