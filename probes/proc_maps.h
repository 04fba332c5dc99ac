/*
 * proc_maps.h - the shared-mapping probe: which processes map which IPC objects.
 *
 * Reads /proc/<pid>/maps once per process (kernel threads and zombies have no memory and are
 * skipped) and keeps, in ctx->maps, one map_entry per process and object for every mapping
 * of a System V segment ("/SYSV<key hex> (deleted)", the inode column is the shmid) and of
 * a file under /dev/shm/ (POSIX shared memory and named semaphores "sem.NAME"). Never
 * attaches anything: nattch does not move because of ipctop.
 */
#ifndef IPCTOP_PROC_MAPS_H
#define IPCTOP_PROC_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probes/probe.h"

/* One parsed line of /proc/<pid>/maps. path points into the parsed line (not terminated),
 * without the " (deleted)" suffix; path_len 0 for anonymous mappings. */
struct proc_maps_line {
	uint64_t start, end;
	char perms[5];
	uint64_t offset;
	unsigned major, minor;
	uint64_t inode;
	const char *path;
	size_t path_len;
	bool deleted;
};

/* Parses one line (without or with its '\n'): "start-end perms offset maj:min inode  path".
 * Returns 0 or -EBADMSG. Pure: no I/O, no allocation. */
int proc_maps_parse_line(const char *line, size_t len, struct proc_maps_line *out);

/* true if a mapping with this path names an IPC object ipctop follows (/SYSV..., /dev/shm/...). */
bool proc_maps_is_ipc_path(const char *path, size_t len);

/* The source name under which the maps scan reports. */
#define PROC_MAPS_SOURCE "proc_maps"

/* Scans every process's maps now (ctx->maps_scanned true on success). */
int proc_maps_collect(struct probe_ctx *ctx, void **state);
/* The collector's table entry: marks the scan as wanted-if-needed (ctx->maps_deferred). */
int proc_maps_defer(struct probe_ctx *ctx, void **state);
/* A probe that needs the maps calls this first: runs a deferred scan once (a failure is
 * recorded as the PROC_MAPS_SOURCE source); does nothing when the scan already ran or was
 * never asked for (a probe run alone, as before). */
void proc_maps_ensure(struct probe_ctx *ctx);
void proc_maps_fini(void *state);

#endif
