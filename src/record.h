/*
 * record.h - `ipctop record` and `ipctop replay --once/--batch` (issue 17): the sampling loop
 * into a recording file, and a recording back out as the JSON it was.
 */
#ifndef IPCTOP_RECORD_H
#define IPCTOP_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "src/options.h"

struct rec_reader;

/* MODE_RECORD: records until -n snapshots or SIGINT/SIGTERM/SIGHUP; the file then ends
 * with a whole frame. Returns the exit status (0; 1 cannot write or sample; 2 the file
 * exists or cannot be created). */
int record_run(const struct options *opts);

/* MODE_REPLAY with --once/--batch: prints the stored JSON text. Returns the exit status. */
int replay_print(const struct options *opts);

/* Opens FILE ("-": standard input) for replay: a descriptor, or -1 with a message in err.
 * Only regular files, pipes and sockets are read (a FIFO or a device named by another user
 * would block or disturb). */
int replay_open(const char *file, char *err, size_t len);
/* One read of fd into r (block: waits for data; otherwise only if some is there). Returns 1
 * at the end of the data (or once r stopped), 0 if more may come, -1 on a read error (err
 * set). */
int replay_read(struct rec_reader *r, int fd, bool block, char *err, size_t len);

/* The snapshot WHEN names: "#N" (from 0), "HH:MM[:SS]" (local time, on the recording's
 * days), "-5m"/"-30s"/"-1h" (before the last snapshot), "@EPOCH". -1 with a message in err
 * when it names none. */
long replay_resolve(const struct rec_reader *r, const char *when, char *err, size_t len);
/* The same over any n snapshots whose times (non-decreasing) time_at gives. */
typedef double (*when_time_fn)(const void *ctx, size_t i);
long when_resolve(const char *when, size_t n, when_time_fn time_at, const void *ctx, char *err,
		  size_t len);

#endif
