/*
 * textfile.h - `--textfile DIR`: DIR/ipctop.prom for the node exporter's textfile collector,
 * replaced atomically with each snapshot's metrics (src/openmetrics_out.h).
 *
 * Root may run this in a directory other users can write to, so:
 * - DIR is opened once (O_DIRECTORY | O_NOFOLLOW: DIR itself must not be a symlink) and every
 *   later step goes through that descriptor; a directory anyone may write without the sticky
 *   bit is refused (anyone could swap the files in it).
 * - Each write creates a new file DIR/.ipctop.prom.XXXXXX (random; O_CREAT | O_EXCL |
 *   O_NOFOLLOW, mode 0644), writes and fsyncs it, checks the name still is that file, and
 *   renames it over ipctop.prom (then fsyncs DIR). A reader sees the old file or the new one,
 *   never a part. Nothing is ever opened through the name ipctop.prom.
 * - An ipctop.prom that is not a regular file (a symlink, a FIFO, a directory) is refused,
 *   not replaced.
 * - On failure the temporary file is removed.
 */
#ifndef IPCTOP_TEXTFILE_H
#define IPCTOP_TEXTFILE_H

#include <stddef.h>

#include "src/snapshot.h"

#define TEXTFILE_NAME "ipctop.prom"

struct textfile;

/* Opens DIR. NULL on failure, with a one-line reason (naming DIR) in err. The caller frees
 * with textfile_free(). */
struct textfile *textfile_open(const char *dir, char *err, size_t errlen);
void textfile_free(struct textfile *tf);

/* Replaces DIR/ipctop.prom with the metrics of s. 0, or -1 with a one-line reason in err. */
int textfile_write(struct textfile *tf, const struct snapshot *s, char *err, size_t errlen);

#endif
