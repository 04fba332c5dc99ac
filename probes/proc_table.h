/*
 * proc_table.h - the process table probe: one proc_rec per process (not per thread).
 *
 * On the live system the table comes from libproc2 (pid, parents, state, threads, start
 * time, flags from /proc/<pid>/stat), completed from one read of /proc/<pid>/status (real
 * uid, the five signal masks, SigQ) and of /proc/<pid>/cmdline. libproc2 always reads the
 * running system's /proc, so with --sysroot the probe reads <root>/proc/<pid>/stat, status
 * and cmdline itself through the pure parsers of proc_status.h. Both paths give the same
 * records for the same process.
 */
#ifndef IPCTOP_PROC_TABLE_H
#define IPCTOP_PROC_TABLE_H

#include <stddef.h>

#include "probes/probe.h"

/* Largest status text read (Groups: can be long) and cmdline kept (longer ones are cut);
 * shared with the read-ahead of probes/proc_pass.c, which must read exactly as this does. */
#define PROC_TABLE_STATUS_MAX (1024 * 1024)
#define PROC_TABLE_CMDLINE_MAX (128 * 1024)

int proc_table_collect(struct probe_ctx *ctx, void **state);
void proc_table_fini(void *state);

enum proc_table_source {
	PROC_TABLE_AUTO,	/* libproc2 when ctx->live, the own parsers otherwise */
	PROC_TABLE_PARSER,	/* always the own parsers (tests compare the two paths) */
};

/* proc_table_collect with a choice of path. state as for proc_table_collect (one state may
 * serve both paths; free it with proc_table_fini). */
int proc_table_collect_from(struct probe_ctx *ctx, void **state, enum proc_table_source src);

/*
 * Reads the whole file dirfd/path into *buf (grown with realloc up to max bytes, then cut;
 * *cap is its size), NUL-terminated, length in *len. Returns 0 or -errno. The caller frees
 * *buf. Shared by the probes that read /proc text files.
 */
int proc_read_file(int dirfd, const char *path, char **buf, size_t *cap, size_t max, size_t *len);

#endif
