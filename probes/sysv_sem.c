/*
 * sysv_sem.c - System V semaphore sets from /proc/sysvipc/sem.
 *
 * Every column of the file is kept. On the live system each set is then read with semctl,
 * which only looks: IPC_STAT (to check the set still has the listed number of semaphores
 * before GETALL writes that many values), GETALL for the values, and per semaphore GETNCNT
 * (processes waiting for an increase), GETZCNT (waiting for zero) and GETPID (last pid to
 * operate on it). Refused (EACCES), or removed since the listing (EIDRM/EINVAL), the
 * arrays stay NULL and "sem:ID semctl" says why. With --sysroot no syscall is made.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include "probes/sysv_parse.h"
#include "probes/sysv_sem.h"

enum { C_KEY, C_ID, C_PERMS, C_NSEMS, C_UID, C_GID, C_CUID, C_CGID, C_OTIME, C_CTIME, C_COUNT };

#define IDMAX UINT32_MAX

static const struct sysv_col sem_cols[C_COUNT] = {
	[C_KEY] = { "key", 10, INT32_MIN, INT32_MAX, true },
	[C_ID] = { "semid", 10, 0, INT32_MAX, true },
	[C_PERMS] = { "perms", 8, 0, 0177777, true },
	[C_NSEMS] = { "nsems", 10, 0, INT32_MAX, false },
	[C_UID] = { "uid", 10, 0, IDMAX, false },
	[C_GID] = { "gid", 10, 0, IDMAX, false },
	[C_CUID] = { "cuid", 10, 0, IDMAX, false },
	[C_CGID] = { "cgid", 10, 0, IDMAX, false },
	[C_OTIME] = { "otime", 10, 0, INT64_MAX, false },
	[C_CTIME] = { "ctime", 10, 0, INT64_MAX, false },
};

/* The caller defines it (sem(2)). */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static void sem_fail(struct probe_ctx *ctx, struct sem_rec *r, const char *err)
{
	snapshot_add_errorf(ctx->snap, err, "sem:%d semctl", r->perm.id);
	if (!r->error)
		r->error = snapshot_strdup(ctx->snap, err);
}

/* Fills values, wait_increase, wait_zero and last_pids, or leaves them all NULL. */
static void sem_read(struct probe_ctx *ctx, struct sem_rec *r)
{
	struct semid_ds ds;
	union semun arg = { .buf = &ds };
	int id = r->perm.id, n = r->nsems;
	unsigned short *vals;
	int64_t *v, *ninc, *nzero, *lpid;

	if (semctl(id, 0, IPC_STAT, arg) < 0) {
		sem_fail(ctx, r, probe_errname(errno));
		return;
	}
	if (n < 0)
		r->nsems = n = (int)ds.sem_nsems;	/* no nsems column: the kernel's word */
	if ((int)ds.sem_nsems != n || n <= 0) {
		sem_fail(ctx, r, "changed while reading");
		return;
	}
	vals = xreallocarray(NULL, (size_t)n, sizeof(*vals));
	arg.array = vals;
	if (semctl(id, 0, GETALL, arg) < 0) {
		sem_fail(ctx, r, probe_errname(errno));
		free(vals);
		return;
	}
	v = snapshot_alloc(ctx->snap, (size_t)n * sizeof(*v));
	ninc = snapshot_alloc(ctx->snap, (size_t)n * sizeof(*ninc));
	nzero = snapshot_alloc(ctx->snap, (size_t)n * sizeof(*nzero));
	lpid = snapshot_alloc(ctx->snap, (size_t)n * sizeof(*lpid));
	for (int i = 0; i < n; i++) {
		int a = semctl(id, i, GETNCNT), b, c;

		b = a < 0 ? -1 : semctl(id, i, GETZCNT);
		c = b < 0 ? -1 : semctl(id, i, GETPID);
		if (a < 0 || b < 0 || c < 0) {
			sem_fail(ctx, r, probe_errname(errno));
			free(vals);
			return;
		}
		v[i] = vals[i];
		ninc[i] = a;
		nzero[i] = b;
		lpid[i] = c;
	}
	free(vals);
	r->values = v;
	r->wait_increase = ninc;
	r->wait_zero = nzero;
	r->last_pids = lpid;
}

static void sem_row(struct probe_ctx *ctx, const struct sysv_row *row, void *arg)
{
	struct sem_rec *r = snapshot_add_sem(ctx->snap);
	size_t *count = arg;

	(*count)++;
	r->perm.key = (int32_t)row->v[C_KEY];
	r->perm.id = (int)row->v[C_ID];
	r->perm.mode = (unsigned)row->v[C_PERMS];
	r->perm.uid = (uid_t)sysv_get(row, C_UID, -1);
	r->perm.gid = (gid_t)sysv_get(row, C_GID, -1);
	r->perm.cuid = (uid_t)sysv_get(row, C_CUID, -1);
	r->perm.cgid = (gid_t)sysv_get(row, C_CGID, -1);
	r->nsems = (int)sysv_get(row, C_NSEMS, -1);
	r->otime = sysv_get(row, C_OTIME, SNAP_UNKNOWN);
	r->ctime = sysv_get(row, C_CTIME, SNAP_UNKNOWN);
	if (ctx->live)
		sem_read(ctx, r);
}

int sysv_sem_collect(struct probe_ctx *ctx, void **state)
{
	size_t count = 0;
	int rc;

	(void)state;
	rc = sysv_parse_file(ctx, "sysvipc/sem", sem_cols, C_COUNT, sem_row, &count);
	if (rc == 0 && count > 0 && !ctx->live)
		snapshot_add_error(ctx->snap, "sysvipc/sem values", "unavailable with --sysroot");
	return rc;
}
