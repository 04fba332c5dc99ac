/*
 * sysv_msg.c - System V message queues from /proc/sysvipc/msg.
 *
 * Every column of the file is kept (see sysv_parse.h for how columns are found). On the live
 * system msgctl(IPC_STAT), which never receives or changes anything, adds msg_qbytes, the
 * queue's capacity; refused (EACCES) or gone since the listing (EIDRM/EINVAL), max_bytes
 * stays unknown and "msg:ID msgctl" says why. With --sysroot the objects of the running
 * kernel are not the recorded ones, so no syscall is made and max_bytes is unknown.
 * Values a missing column leaves unknown: counts and times SNAP_UNKNOWN, pids -1,
 * uids and gids (uid_t)-1.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include "probes/sysv_msg.h"
#include "probes/sysv_parse.h"

enum { C_KEY, C_ID, C_PERMS, C_CBYTES, C_QNUM, C_LSPID, C_LRPID, C_UID, C_GID, C_CUID, C_CGID,
       C_STIME, C_RTIME, C_CTIME, C_COUNT };

#define PIDMAX INT32_MAX
#define IDMAX UINT32_MAX

static const struct sysv_col msg_cols[C_COUNT] = {
	[C_KEY] = { "key", 10, INT32_MIN, INT32_MAX, true },
	[C_ID] = { "msqid", 10, 0, INT32_MAX, true },
	[C_PERMS] = { "perms", 8, 0, 0177777, true },
	[C_CBYTES] = { "cbytes", 10, 0, INT64_MAX, false },
	[C_QNUM] = { "qnum", 10, 0, INT64_MAX, false },
	[C_LSPID] = { "lspid", 10, 0, PIDMAX, false },
	[C_LRPID] = { "lrpid", 10, 0, PIDMAX, false },
	[C_UID] = { "uid", 10, 0, IDMAX, false },
	[C_GID] = { "gid", 10, 0, IDMAX, false },
	[C_CUID] = { "cuid", 10, 0, IDMAX, false },
	[C_CGID] = { "cgid", 10, 0, IDMAX, false },
	[C_STIME] = { "stime", 10, 0, INT64_MAX, false },
	[C_RTIME] = { "rtime", 10, 0, INT64_MAX, false },
	[C_CTIME] = { "ctime", 10, 0, INT64_MAX, false },
};

static void msg_row(struct probe_ctx *ctx, const struct sysv_row *row, void *arg)
{
	struct msgq_rec *q = snapshot_add_msgq(ctx->snap);
	struct msqid_ds ds;
	size_t *count = arg;

	(*count)++;
	q->perm.key = (int32_t)row->v[C_KEY];
	q->perm.id = (int)row->v[C_ID];
	q->perm.mode = (unsigned)row->v[C_PERMS];
	q->perm.uid = (uid_t)sysv_get(row, C_UID, -1);
	q->perm.gid = (gid_t)sysv_get(row, C_GID, -1);
	q->perm.cuid = (uid_t)sysv_get(row, C_CUID, -1);
	q->perm.cgid = (gid_t)sysv_get(row, C_CGID, -1);
	q->bytes = sysv_get(row, C_CBYTES, SNAP_UNKNOWN);
	q->messages = sysv_get(row, C_QNUM, SNAP_UNKNOWN);
	q->last_send_pid = (pid_t)sysv_get(row, C_LSPID, -1);
	q->last_recv_pid = (pid_t)sysv_get(row, C_LRPID, -1);
	q->stime = sysv_get(row, C_STIME, SNAP_UNKNOWN);
	q->rtime = sysv_get(row, C_RTIME, SNAP_UNKNOWN);
	q->ctime = sysv_get(row, C_CTIME, SNAP_UNKNOWN);
	if (!ctx->live)
		return;
	if (msgctl(q->perm.id, IPC_STAT, &ds) == 0) {
		q->max_bytes = (int64_t)ds.msg_qbytes;
	} else {
		const char *err = probe_errname(errno);

		snapshot_add_errorf(ctx->snap, err, "msg:%d msgctl", q->perm.id);
		q->error = snapshot_strdup(ctx->snap, err);
	}
}

int sysv_msg_collect(struct probe_ctx *ctx, void **state)
{
	size_t count = 0;
	int rc;

	(void)state;
	rc = sysv_parse_file(ctx, "sysvipc/msg", msg_cols, C_COUNT, msg_row, &count);
	if (rc == 0 && count > 0 && !ctx->live)
		snapshot_add_error(ctx->snap, "sysvipc/msg max_bytes", "unavailable with --sysroot");
	return rc;
}
