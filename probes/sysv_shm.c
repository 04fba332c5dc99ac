/*
 * sysv_shm.c - System V shared memory segments from /proc/sysvipc/shm.
 *
 * Every column of the file is kept; rss and swap (kernel 4.x on) are printed in bytes
 * (ipc/shm.c prints pages * PAGE_SIZE) and stay unknown on kernels without them.
 * perms: the kernel shows SHM_DEST (01000) there once IPC_RMID marked an attached segment;
 * that bit becomes destroy_pending and is cleared from perm.mode, which keeps the other
 * bits as shown (permissions, SHM_LOCKED 02000).
 * attached_pids: the processes with a /SYSV mapping whose inode is the shmid, from the maps
 * probe (sorted, each pid once); NULL when maps were not scanned. nattch is the kernel's
 * count: it includes attachments in processes ipctop cannot see and never ipctop itself,
 * since nothing here attaches. When some processes' maps were unreadable (an unprivileged
 * user) and fewer attachers were found than nattch, the list is kept (those seen) and
 * "shm:ID attached_pids" says it may be incomplete.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "probes/proc_maps.h"
#include "probes/sysv_parse.h"
#include "probes/sysv_shm.h"

enum { C_KEY, C_ID, C_PERMS, C_SIZE, C_CPID, C_LPID, C_NATTCH, C_UID, C_GID, C_CUID, C_CGID,
       C_ATIME, C_DTIME, C_CTIME, C_RSS, C_SWAP, C_COUNT };

#define PIDMAX INT32_MAX
#define IDMAX UINT32_MAX

static const struct sysv_col shm_cols[C_COUNT] = {
	[C_KEY] = { "key", 10, INT32_MIN, INT32_MAX, true },
	[C_ID] = { "shmid", 10, 0, INT32_MAX, true },
	[C_PERMS] = { "perms", 8, 0, 0177777, true },
	[C_SIZE] = { "size", 10, 0, INT64_MAX, false },
	[C_CPID] = { "cpid", 10, 0, PIDMAX, false },
	[C_LPID] = { "lpid", 10, 0, PIDMAX, false },
	[C_NATTCH] = { "nattch", 10, 0, INT64_MAX, false },
	[C_UID] = { "uid", 10, 0, IDMAX, false },
	[C_GID] = { "gid", 10, 0, IDMAX, false },
	[C_CUID] = { "cuid", 10, 0, IDMAX, false },
	[C_CGID] = { "cgid", 10, 0, IDMAX, false },
	[C_ATIME] = { "atime", 10, 0, INT64_MAX, false },
	[C_DTIME] = { "dtime", 10, 0, INT64_MAX, false },
	[C_CTIME] = { "ctime", 10, 0, INT64_MAX, false },
	[C_RSS] = { "rss", 10, 0, INT64_MAX, false },
	[C_SWAP] = { "swap", 10, 0, INT64_MAX, false },
};

/* (shmid, pid) pairs of every /SYSV mapping, sorted. */
struct attach {
	uint64_t shmid;
	pid_t pid;
};

struct shm_scan {
	struct attach *att;
	size_t n_att;
	size_t count;
	bool att_ready;		/* att built (at the first segment: see build_att) */
};

static int cmp_attach(const void *a, const void *b)
{
	const struct attach *x = a, *y = b;

	if (x->shmid != y->shmid)
		return x->shmid < y->shmid ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The (shmid, pid) index of the maps. Built at the first segment: the collector defers the
 * maps scan until someone needs it (proc_maps_ensure), so a machine without segments never
 * reads any process's maps for them. */
static void build_att(struct probe_ctx *ctx, struct shm_scan *sc)
{
	sc->att_ready = true;
	proc_maps_ensure(ctx);
	if (!ctx->maps_scanned || !ctx->n_maps)
		return;
	sc->att = xreallocarray(NULL, ctx->n_maps, sizeof(*sc->att));
	for (size_t i = 0; i < ctx->n_maps; i++) {
		const struct map_entry *e = &ctx->maps[i];

		if (e->path && strncmp(e->path, "/SYSV", 5) == 0) {
			sc->att[sc->n_att].shmid = e->inode;
			sc->att[sc->n_att].pid = e->pid;
			sc->n_att++;
		}
	}
	if (sc->n_att > 1)
		qsort(sc->att, sc->n_att, sizeof(*sc->att), cmp_attach);
}

static void shm_row(struct probe_ctx *ctx, const struct sysv_row *row, void *arg)
{
	struct shm_scan *sc = arg;
	struct shm_rec *m;
	unsigned mode = (unsigned)row->v[C_PERMS];

	if (!sc->att_ready)
		build_att(ctx, sc);
	m = snapshot_add_shm(ctx->snap);

	sc->count++;
	m->perm.key = (int32_t)row->v[C_KEY];
	m->perm.id = (int)row->v[C_ID];
	m->destroy_pending = (mode & SHM_DEST) != 0;
	m->perm.mode = mode & ~(unsigned)SHM_DEST;
	m->perm.uid = (uid_t)sysv_get(row, C_UID, -1);
	m->perm.gid = (gid_t)sysv_get(row, C_GID, -1);
	m->perm.cuid = (uid_t)sysv_get(row, C_CUID, -1);
	m->perm.cgid = (gid_t)sysv_get(row, C_CGID, -1);
	m->size = sysv_get(row, C_SIZE, SNAP_UNKNOWN);
	m->creator_pid = (pid_t)sysv_get(row, C_CPID, -1);
	m->last_pid = (pid_t)sysv_get(row, C_LPID, -1);
	m->nattch = sysv_get(row, C_NATTCH, SNAP_UNKNOWN);
	m->atime = sysv_get(row, C_ATIME, SNAP_UNKNOWN);
	m->dtime = sysv_get(row, C_DTIME, SNAP_UNKNOWN);
	m->ctime = sysv_get(row, C_CTIME, SNAP_UNKNOWN);
	m->rss = sysv_get(row, C_RSS, SNAP_UNKNOWN);
	m->swap = sysv_get(row, C_SWAP, SNAP_UNKNOWN);

	if (!ctx->maps_scanned)
		return;
	{
		struct attach key = { .shmid = (uint64_t)m->perm.id, .pid = INT32_MIN };
		size_t lo = 0, hi = sc->n_att, n = 0;
		pid_t *pids;

		/* first pair with this shmid */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (cmp_attach(&sc->att[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < sc->n_att && sc->att[i].shmid == key.shmid; i++)
			n++;
		/* never NULL once maps were scanned: an empty list is known to be empty */
		pids = snapshot_alloc(ctx->snap, (n ? n : 1) * sizeof(*pids));
		m->n_attached = 0;
		for (size_t i = lo; i < lo + n; i++)
			if (m->n_attached == 0 || pids[m->n_attached - 1] != sc->att[i].pid)
				pids[m->n_attached++] = sc->att[i].pid;
		m->attached_pids = pids;
		if (ctx->maps_unreadable && m->nattch > (int64_t)m->n_attached) {
			const char *why = arena_printf(&ctx->snap->arena,
				"%s (maps of %zu process%s unreadable): attachers may be missing",
				probe_errname(ctx->maps_unreadable_err), ctx->maps_unreadable,
				ctx->maps_unreadable == 1 ? "" : "es");

			snapshot_add_errorf(ctx->snap, why, "shm:%d attached_pids", m->perm.id);
			m->error = why;
		}
	}
}

int sysv_shm_collect(struct probe_ctx *ctx, void **state)
{
	struct shm_scan sc = { 0 };
	int rc;

	(void)state;
	rc = sysv_parse_file(ctx, "sysvipc/shm", shm_cols, C_COUNT, shm_row, &sc);
	if (rc == 0 && sc.count > 0 && !ctx->maps_scanned)
		snapshot_add_error(ctx->snap, "sysvipc/shm attached_pids", "process maps not read");
	free(sc.att);
	return rc;
}
