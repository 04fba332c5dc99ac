/*
 * format.c - the column tables of every kind of record and the value formatters they use
 * (see format.h). Pure functions: a cell depends only on its record, its snapshot and the
 * delta; "?" marks an unknown value, "-" an absent one.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "src/diff.h"
#include "src/format.h"
#include "src/signames.h"

/* ---- small writers -------------------------------------------------------------------------- */

static const char *put(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static const char *put(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!len)
		return "";
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return buf;
}

/* Appends to a list being built in buf; false (and "+N" bookkeeping to the caller) when full. */
struct list_writer {
	char *buf;
	size_t len;
	size_t off;
	size_t shown;
	bool full;
};

static void lw_init(struct list_writer *w, char *buf, size_t len)
{
	w->buf = buf;
	w->len = len;
	w->off = 0;
	w->shown = 0;
	w->full = false;
	if (len)
		buf[0] = '\0';
}

/* Adds item (with a comma before it); keeps room for a "+NNN" tail. */
static bool lw_add(struct list_writer *w, const char *item)
{
	size_t need = strlen(item) + (w->shown ? 1 : 0);
	const size_t tail = 6;

	if (w->full || w->off + need + tail >= w->len) {
		w->full = true;
		return false;
	}
	w->off += (size_t)snprintf(w->buf + w->off, w->len - w->off, "%s%s",
				   w->shown ? "," : "", item);
	w->shown++;
	return true;
}

static const char *lw_finish(struct list_writer *w, size_t total)
{
	if (!w->len)
		return "";
	if (total == 0)
		return put(w->buf, w->len, "-");
	if (w->shown < total && w->off + 2 < w->len)
		snprintf(w->buf + w->off, w->len - w->off, "%s+%zu", w->shown ? "," : "",
			 total - w->shown);
	return w->buf;
}

/* ---- value helpers ---------------------------------------------------------------------- */

const char *fmt_int(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		return put(buf, len, "?");
	return put(buf, len, "%lld", (long long)v);
}

static const char *scaled(double v, const char *unit_suffixes, double base, char *buf,
			  size_t len)
{
	double a = fabs(v);
	int i = 0;

	while (a >= base && unit_suffixes[i + 1]) {
		a /= base;
		v /= base;
		i++;
	}
	if (i == 0)
		return NULL;
	if (a < 9.95)
		return put(buf, len, "%.1f%c", v, unit_suffixes[i]);
	return put(buf, len, "%.0f%c", v, unit_suffixes[i]);
}

const char *fmt_bytes(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		return put(buf, len, "?");
	if (v < 1024)
		return put(buf, len, "%lld", (long long)v);
	return scaled((double)v, " KMGTPE", 1024.0, buf, len);
}

const char *fmt_rate(double per_s, char *buf, size_t len)
{
	double a = fabs(per_s);

	if (isnan(per_s))
		return put(buf, len, "?");
	if (a >= 1000.0)
		return scaled(per_s, " KMGTPE", 1000.0, buf, len);
	if (a == 0.0)
		return put(buf, len, "0");
	if (a < 9.95 && per_s != (double)(long long)per_s)
		return put(buf, len, "%.1f", per_s);
	return put(buf, len, "%.0f", per_s);
}

const char *fmt_perms(unsigned mode, char *buf, size_t len)
{
	return put(buf, len, "%04o", mode & 0777);
}

const char *fmt_key(int32_t key, char *buf, size_t len)
{
	return put(buf, len, "0x%08x", (unsigned)key);
}

const char *fmt_sigmask(uint64_t mask, char *buf, size_t len)
{
	struct list_writer w;
	size_t total = 0;
	char name[32];

	lw_init(&w, buf, len);
	for (int sig = 1; sig <= SIG_MAX; sig++) {
		if (!sigmask_has(mask, sig))
			continue;
		total++;
		signame(sig, name, sizeof(name));
		lw_add(&w, strncmp(name, "SIG", 3) == 0 && name[3] && (name[3] < '0' || name[3] > '9')
			   ? name + 3 : name);
	}
	return lw_finish(&w, total);
}

const char *fmt_age(double s, char *buf, size_t len)
{
	long long t;

	if (isnan(s) || s < 0)
		return put(buf, len, "?");
	if (s < 1.0)
		return put(buf, len, "%dms", (int)(s * 1000.0 + 0.5));
	t = (long long)s;
	if (t < 60)
		return put(buf, len, "%llds", t);
	if (t < 3600)
		return put(buf, len, "%lldm%02llds", t / 60, t % 60);
	if (t < 86400)
		return put(buf, len, "%lldh%02lldm", t / 3600, t % 3600 / 60);
	return put(buf, len, "%lldd%02lldh", t / 86400, t % 86400 / 3600);
}

const char *fmt_pids(const pid_t *pids, size_t n, char *buf, size_t len)
{
	struct list_writer w;
	char item[24];

	lw_init(&w, buf, len);
	for (size_t i = 0; i < n; i++) {
		snprintf(item, sizeof(item), "%d", (int)pids[i]);
		if (!lw_add(&w, item))
			break;
	}
	return lw_finish(&w, n);
}

static const char *fmt_i64_list(const int64_t *v, size_t n, char *buf, size_t len)
{
	struct list_writer w;
	char item[24];

	if (!v)
		return put(buf, len, "?");
	lw_init(&w, buf, len);
	for (size_t i = 0; i < n; i++) {
		fmt_int(v[i], item, sizeof(item));
		if (!lw_add(&w, item))
			break;
	}
	return lw_finish(&w, n);
}

const char *fmt_endpoints(const struct endpoint *e, size_t n, unsigned mode_mask,
			  char *buf, size_t len)
{
	struct list_writer w;
	size_t total = 0;
	char item[40];

	lw_init(&w, buf, len);
	for (size_t i = 0; i < n; i++) {
		if (mode_mask && !(e[i].mode & mode_mask))
			continue;
		total++;
		snprintf(item, sizeof(item), "%d:%d", (int)e[i].pid, e[i].fd);
		lw_add(&w, item);
	}
	return lw_finish(&w, total);
}

const char *fmt_wait(const struct proc_wait *wt, char *buf, size_t len)
{
	if (wt->kind == WAIT_NONE)
		return put(buf, len, "-");
	return put(buf, len, "%s%s%s%s%s%s", wait_kind_name(wt->kind),
		   wt->object ? " " : "", wt->object ? wt->object : "",
		   wt->detail ? " (" : "", wt->detail ? wt->detail : "", wt->detail ? ")" : "");
}

const char *fmt_proc_wait(const struct proc_rec *p, char *buf, size_t len)
{
	const struct proc_wait *wt = &p->waiting;

	if (wt->kind == WAIT_NONE && p->wait_unknown)
		return put(buf, len, "?");	/* unreadable, not "not waiting" (p->error says why) */
	if (wt->kind == WAIT_NONE || wt->tid <= 0 || wt->tid == p->pid)
		return fmt_wait(wt, buf, len);
	/* another thread's wait: say which */
	return put(buf, len, "%s%s%s (%s%stid %d)", wait_kind_name(wt->kind),
		   wt->object ? " " : "", wt->object ? wt->object : "",
		   wt->detail ? wt->detail : "", wt->detail ? ", " : "", (int)wt->tid);
}

const char *fmt_proc_flags(const struct proc_rec *p, char *buf, size_t len)
{
	return put(buf, len, "%s%s%s%s", p->zombie ? "Z" : "",
		   p->orphan ? "O" : p->orphan_unknown ? "O?" : "", p->kthread ? "K" : "",
		   p->zombie || p->orphan || p->orphan_unknown || p->kthread ? "" : "-");
}

const char *fmt_socktype(int type)
{
	switch (type) {
	case SOCK_STREAM: return "stream";
	case SOCK_DGRAM: return "dgram";
	case SOCK_SEQPACKET: return "seqpacket";
	}
	return "?";
}

const char *fmt_sockstate(int state)
{
	/* unix_diag reports TCP_* numbers (include/net/tcp_states.h) */
	static const char *const names[] = {
		[1] = "established", [2] = "connecting", [3] = "syn_recv", [4] = "fin_wait1",
		[5] = "fin_wait2", [6] = "time_wait", [7] = "unconnected", [8] = "close_wait",
		[9] = "last_ack", [10] = "listen", [11] = "closing",
	};

	if (state > 0 && (size_t)state < sizeof(names) / sizeof(names[0]) && names[state])
		return names[state];
	return "?";
}

/* ---- object ids ------------------------------------------------------------------------- */

const char *fmt_id_proc(pid_t pid, char *buf, size_t len)
{
	return put(buf, len, "pid:%d", (int)pid);
}

const char *fmt_id_pipe(const struct pipe_rec *p, char *buf, size_t len)
{
	return put(buf, len, "%s:%llu", p->kind == PIPE_FIFO ? "fifo" : "pipe",
		   (unsigned long long)p->inode);
}

const char *fmt_id_usock(uint64_t inode, char *buf, size_t len)
{
	return put(buf, len, "unix:%llu", (unsigned long long)inode);
}

const char *fmt_id_msgq(int id, char *buf, size_t len)
{
	return put(buf, len, "msg:%d", id);
}

const char *fmt_id_shm(int id, char *buf, size_t len)
{
	return put(buf, len, "shm:%d", id);
}

const char *fmt_id_sem(int id, char *buf, size_t len)
{
	return put(buf, len, "sem:%d", id);
}

/* "PREFIX" + the escaped name, never cut inside an escape. */
static const char *id_named(const char *prefix, const char *name, char *buf, size_t len)
{
	size_t n;

	put(buf, len, "%s", prefix);
	n = strlen(buf);
	if (n + 1 < len)
		names_escape_id(name ? name : "?", buf + n, len - n);
	return buf;
}

const char *fmt_id_pmq(const char *name, char *buf, size_t len)
{
	return id_named("pmq:", name, buf, len);
}

const char *fmt_id_pshm(const struct pshm_rec *m, char *buf, size_t len)
{
	if (m->deleted)
		return put(buf, len, "pshm:deleted/%llu", (unsigned long long)m->inode);
	return id_named("pshm:", m->name, buf, len);
}

const char *fmt_id_psem(const struct psem_rec *m, char *buf, size_t len)
{
	if (m->deleted)
		return put(buf, len, "psem:deleted/%llu", (unsigned long long)m->inode);
	return id_named("psem:", m->name, buf, len);
}

/* ---- cells ------------------------------------------------------------------------------- */

#define CELL(name, type) \
	static const char *name(const struct fmt_ctx *ctx, const void *rec_, char *buf, size_t len); \
	static const char *name(const struct fmt_ctx *ctx, const void *rec_, char *buf, size_t len)
#define REC(type) const struct type *r = rec_; (void)ctx

static const char *yes_dash(bool b)
{
	return b ? "yes" : "-";
}

static const struct delta_rate *rate_of(const struct fmt_ctx *ctx, const char *id)
{
	return ctx->delta ? snapshot_delta_rate(ctx->delta, id) : NULL;
}

/* The throughput, only where it was counted: "?" when it was not (the reason is in the JSON
 * and the detail page); "-" when there is no previous snapshot to measure against. */
static const char *rate_cell(const struct fmt_ctx *ctx, const char *id, bool bytes,
			     char *buf, size_t len)
{
	const struct delta_rate *rt;

	if (!ctx->delta)
		return put(buf, len, "-");
	rt = rate_of(ctx, id);
	if (!rt || !rt->exact)
		return put(buf, len, "?");
	return fmt_rate(bytes ? rt->bytes_per_s : rt->messages_per_s, buf, len);
}

static const char *percent(int64_t part, int64_t whole, char *buf, size_t len)
{
	if (part < 0 || whole <= 0)
		return put(buf, len, "?");
	return put(buf, len, "%lld%%", (long long)(part * 100 / whole));
}

/* processes */
CELL(proc_pid, proc_rec) { REC(proc_rec); return put(buf, len, "%d", (int)r->pid); }
CELL(proc_ppid, proc_rec) { REC(proc_rec); return put(buf, len, "%d", (int)r->ppid); }
CELL(proc_uid, proc_rec) { REC(proc_rec); return fmt_int(r->uid, buf, len); }
CELL(proc_state, proc_rec) { REC(proc_rec); return put(buf, len, "%c", r->state ? r->state : '?'); }
CELL(proc_flags, proc_rec) { REC(proc_rec); return fmt_proc_flags(r, buf, len); }
CELL(proc_threads, proc_rec)
{
	REC(proc_rec);
	return r->nthreads > 0 ? put(buf, len, "%d", r->nthreads) : put(buf, len, "?");
}
CELL(proc_pending, proc_rec)
{
	REC(proc_rec);
	if (!r->sig_known)
		return put(buf, len, "?");
	return fmt_sigmask(r->sig[SIGSET_PENDING] | r->sig[SIGSET_SHARED_PENDING], buf, len);
}
CELL(proc_blocked, proc_rec)
{
	REC(proc_rec);
	return r->sig_known ? fmt_sigmask(r->sig[SIGSET_BLOCKED], buf, len) : put(buf, len, "?");
}
CELL(proc_waiting, proc_rec) { REC(proc_rec); return fmt_proc_wait(r, buf, len); }
/* Does comm name the program of the command line (its first word's base name)? The kernel
 * cuts comm to 15 bytes, so a prefix is enough. */
static bool comm_matches_argv0(const char *comm, const char *cmdline)
{
	const char *end = strchr(cmdline, ' '), *base = cmdline, *p;
	size_t n = strlen(comm);

	if (!end)
		end = cmdline + strlen(cmdline);
	for (p = cmdline; p < end; p++)
		if (*p == '/')
			base = p + 1;
	return n == 0 || ((size_t)(end - base) >= n && strncmp(base, comm, n) == 0);
}

CELL(proc_command, proc_rec)
{
	REC(proc_rec);
	if (r->cmdline && *r->cmdline) {
		/* a fork that renamed itself (prctl PR_SET_NAME: the demos' "pipe-writer") keeps its
		 * parent's command line: show the name it chose first, as {name} */
		if (r->comm && !comm_matches_argv0(r->comm, r->cmdline))
			return put(buf, len, "{%s} %s", r->comm, r->cmdline);
		return put(buf, len, "%s", r->cmdline);
	}
	return put(buf, len, "[%s]", r->comm ? r->comm : "?");
}

static const struct fmt_column proc_cols[] = {
	{ "PID", 7, ALIGN_RIGHT, 0, proc_pid },
	{ "PPID", 7, ALIGN_RIGHT, 2, proc_ppid },
	{ "UID", 5, ALIGN_RIGHT, 3, proc_uid },
	{ "S", 1, ALIGN_LEFT, 0, proc_state },
	{ "FLG", 3, ALIGN_LEFT, 1, proc_flags },
	{ "THR", 4, ALIGN_RIGHT, 4, proc_threads },
	{ "PENDING", 12, ALIGN_LEFT, 2, proc_pending },
	{ "BLOCKED", 12, ALIGN_LEFT, 3, proc_blocked },
	{ "WAITING", 22, ALIGN_LEFT, 1, proc_waiting },
	{ "COMMAND", 0, ALIGN_LEFT, 0, proc_command },
};

/* threads */
CELL(thr_tgid, thread_rec) { REC(thread_rec); return put(buf, len, "%d", (int)r->tgid); }
CELL(thr_tid, thread_rec) { REC(thread_rec); return put(buf, len, "%d", (int)r->tid); }
CELL(thr_state, thread_rec) { REC(thread_rec); return put(buf, len, "%c", r->state ? r->state : '?'); }
CELL(thr_pending, thread_rec) { REC(thread_rec); return fmt_sigmask(r->pending, buf, len); }
CELL(thr_blocked, thread_rec) { REC(thread_rec); return fmt_sigmask(r->blocked, buf, len); }
CELL(thr_comm, thread_rec) { REC(thread_rec); return put(buf, len, "%s", r->comm ? r->comm : "?"); }

static const struct fmt_column thread_cols[] = {
	{ "TGID", 7, ALIGN_RIGHT, 0, thr_tgid },
	{ "TID", 7, ALIGN_RIGHT, 0, thr_tid },
	{ "S", 1, ALIGN_LEFT, 0, thr_state },
	{ "PENDING", 14, ALIGN_LEFT, 0, thr_pending },
	{ "BLOCKED", 14, ALIGN_LEFT, 1, thr_blocked },
	{ "COMM", 0, ALIGN_LEFT, 0, thr_comm },
};

/* pipes */
CELL(pipe_inode, pipe_rec) { REC(pipe_rec); return put(buf, len, "%llu", (unsigned long long)r->inode); }
CELL(pipe_kind, pipe_rec) { REC(pipe_rec); return put(buf, len, "%s", r->kind == PIPE_FIFO ? "fifo" : "pipe"); }
CELL(pipe_writers, pipe_rec) { REC(pipe_rec); return fmt_endpoints(r->ends, r->n_ends, FD_MODE_WRITE, buf, len); }
CELL(pipe_readers, pipe_rec) { REC(pipe_rec); return fmt_endpoints(r->ends, r->n_ends, FD_MODE_READ, buf, len); }
CELL(pipe_queued, pipe_rec) { REC(pipe_rec); return fmt_bytes(r->queued_bytes, buf, len); }
CELL(pipe_capacity, pipe_rec) { REC(pipe_rec); return fmt_bytes(r->capacity, buf, len); }
CELL(pipe_fill, pipe_rec) { REC(pipe_rec); return percent(r->queued_bytes, r->capacity, buf, len); }
CELL(pipe_rate, pipe_rec)
{
	char id[FMT_ID_MAX];

	REC(pipe_rec);
	return rate_cell(ctx, fmt_id_pipe(r, id, sizeof(id)), true, buf, len);
}
CELL(pipe_path, pipe_rec)
{
	REC(pipe_rec);
	if (!r->path)
		return put(buf, len, "-");
	return put(buf, len, "%s%s", r->path, r->deleted ? " (deleted)" : "");
}

static const struct fmt_column pipe_cols[] = {
	{ "INODE", 9, ALIGN_RIGHT, 0, pipe_inode },
	{ "KIND", 4, ALIGN_LEFT, 2, pipe_kind },
	{ "WRITERS", 14, ALIGN_LEFT, 0, pipe_writers },
	{ "READERS", 14, ALIGN_LEFT, 0, pipe_readers },
	{ "QUEUED", 6, ALIGN_RIGHT, 0, pipe_queued },
	{ "CAP", 5, ALIGN_RIGHT, 3, pipe_capacity },
	{ "FILL", 4, ALIGN_RIGHT, 1, pipe_fill },
	{ "B/S", 6, ALIGN_RIGHT, 1, pipe_rate },
	{ "PATH", 0, ALIGN_LEFT, 2, pipe_path },
};

/* unix sockets */
CELL(us_inode, usock_rec) { REC(usock_rec); return put(buf, len, "%llu", (unsigned long long)r->inode); }
CELL(us_type, usock_rec) { REC(usock_rec); return put(buf, len, "%s", fmt_socktype(r->type)); }
CELL(us_state, usock_rec) { REC(usock_rec); return put(buf, len, "%s", fmt_sockstate(r->state)); }
CELL(us_peer, usock_rec)
{
	REC(usock_rec);
	if (!r->peer_known)
		return put(buf, len, "?");
	if (!r->peer_inode)
		return put(buf, len, "-");
	return put(buf, len, "%llu", (unsigned long long)r->peer_inode);
}
CELL(us_holders, usock_rec) { REC(usock_rec); return fmt_endpoints(r->holders, r->n_holders, 0, buf, len); }
CELL(us_recvq, usock_rec) { REC(usock_rec); return fmt_bytes(r->queued_bytes, buf, len); }
CELL(us_rate, usock_rec)
{
	char id[FMT_ID_MAX];

	REC(usock_rec);
	return rate_cell(ctx, fmt_id_usock(r->inode, id, sizeof(id)), true, buf, len);
}
CELL(us_path, usock_rec) { REC(usock_rec); return put(buf, len, "%s", r->path ? r->path : "-"); }

static const struct fmt_column usock_cols[] = {
	{ "INODE", 9, ALIGN_RIGHT, 0, us_inode },
	{ "TYPE", 9, ALIGN_LEFT, 2, us_type },
	{ "STATE", 11, ALIGN_LEFT, 1, us_state },
	{ "PEER", 9, ALIGN_RIGHT, 0, us_peer },
	{ "HOLDERS", 14, ALIGN_LEFT, 0, us_holders },
	{ "RECVQ", 6, ALIGN_RIGHT, 1, us_recvq },
	{ "B/S", 6, ALIGN_RIGHT, 2, us_rate },
	{ "PATH", 0, ALIGN_LEFT, 1, us_path },
};

/* SysV common columns */
#define PERM_CELLS(pfx, type) \
	CELL(pfx##_id, type) { REC(type); return put(buf, len, "%d", r->perm.id); } \
	CELL(pfx##_key, type) { REC(type); return fmt_key(r->perm.key, buf, len); } \
	CELL(pfx##_perms, type) { REC(type); return fmt_perms(r->perm.mode, buf, len); } \
	CELL(pfx##_uid, type) { REC(type); return r->perm.uid == (uid_t)-1 ? put(buf, len, "?") : put(buf, len, "%u", (unsigned)r->perm.uid); }

PERM_CELLS(mq, msgq_rec)
PERM_CELLS(shm, shm_rec)
PERM_CELLS(sem, sem_rec)

/* SysV pids: 0 none yet ("-"), -1 unknown (a missing /proc/sysvipc column: "?"). */
static const char *sysv_pid(pid_t pid, char *buf, size_t len)
{
	if (pid < 0)
		return put(buf, len, "?");
	return pid ? put(buf, len, "%d", (int)pid) : put(buf, len, "-");
}

/* msg queues */
CELL(mq_msgs, msgq_rec) { REC(msgq_rec); return fmt_int(r->messages, buf, len); }
CELL(mq_bytes, msgq_rec) { REC(msgq_rec); return fmt_bytes(r->bytes, buf, len); }
CELL(mq_max, msgq_rec) { REC(msgq_rec); return fmt_bytes(r->max_bytes, buf, len); }
CELL(mq_fill, msgq_rec) { REC(msgq_rec); return percent(r->bytes, r->max_bytes, buf, len); }
CELL(mq_lspid, msgq_rec) { REC(msgq_rec); return sysv_pid(r->last_send_pid, buf, len); }
CELL(mq_lrpid, msgq_rec) { REC(msgq_rec); return sysv_pid(r->last_recv_pid, buf, len); }
CELL(mq_msgrate, msgq_rec)
{
	char id[FMT_ID_MAX];

	REC(msgq_rec);
	return rate_cell(ctx, fmt_id_msgq(r->perm.id, id, sizeof(id)), false, buf, len);
}
CELL(mq_byterate, msgq_rec)
{
	char id[FMT_ID_MAX];

	REC(msgq_rec);
	return rate_cell(ctx, fmt_id_msgq(r->perm.id, id, sizeof(id)), true, buf, len);
}

static const struct fmt_column msgq_cols[] = {
	{ "ID", 6, ALIGN_RIGHT, 0, mq_id },
	{ "KEY", 10, ALIGN_LEFT, 2, mq_key },
	{ "PERMS", 5, ALIGN_LEFT, 3, mq_perms },
	{ "UID", 5, ALIGN_RIGHT, 3, mq_uid },
	{ "MSGS", 5, ALIGN_RIGHT, 0, mq_msgs },
	{ "BYTES", 6, ALIGN_RIGHT, 0, mq_bytes },
	{ "MAX", 6, ALIGN_RIGHT, 2, mq_max },
	{ "FILL", 4, ALIGN_RIGHT, 1, mq_fill },
	{ "LSPID", 7, ALIGN_RIGHT, 0, mq_lspid },
	{ "LRPID", 7, ALIGN_RIGHT, 0, mq_lrpid },
	{ "MSG/S", 6, ALIGN_RIGHT, 1, mq_msgrate },
	{ "B/S", 6, ALIGN_RIGHT, 1, mq_byterate },
};

/* shm segments */
CELL(shm_size, shm_rec) { REC(shm_rec); return fmt_bytes(r->size, buf, len); }
CELL(shm_nattch, shm_rec) { REC(shm_rec); return fmt_int(r->nattch, buf, len); }
CELL(shm_cpid, shm_rec) { REC(shm_rec); return r->creator_pid < 0 ? put(buf, len, "?") : put(buf, len, "%d", (int)r->creator_pid); }
CELL(shm_lpid, shm_rec) { REC(shm_rec); return sysv_pid(r->last_pid, buf, len); }
CELL(shm_rss, shm_rec) { REC(shm_rec); return fmt_bytes(r->rss, buf, len); }
CELL(shm_dest, shm_rec) { REC(shm_rec); return put(buf, len, "%s", yes_dash(r->destroy_pending)); }
CELL(shm_attached, shm_rec)
{
	REC(shm_rec);
	if (!r->attached_pids && r->n_attached == 0 && r->nattch != 0)
		return put(buf, len, "?");
	return fmt_pids(r->attached_pids, r->n_attached, buf, len);
}

static const struct fmt_column shm_cols[] = {
	{ "ID", 6, ALIGN_RIGHT, 0, shm_id },
	{ "KEY", 10, ALIGN_LEFT, 2, shm_key },
	{ "PERMS", 5, ALIGN_LEFT, 3, shm_perms },
	{ "UID", 5, ALIGN_RIGHT, 3, shm_uid },
	{ "SIZE", 6, ALIGN_RIGHT, 0, shm_size },
	{ "NATTCH", 6, ALIGN_RIGHT, 0, shm_nattch },
	{ "CPID", 7, ALIGN_RIGHT, 2, shm_cpid },
	{ "LPID", 7, ALIGN_RIGHT, 2, shm_lpid },
	{ "RSS", 6, ALIGN_RIGHT, 3, shm_rss },
	{ "DEST", 4, ALIGN_LEFT, 1, shm_dest },
	{ "ATTACHED", 0, ALIGN_LEFT, 0, shm_attached },
};

/* sem sets */
CELL(sem_nsems, sem_rec) { REC(sem_rec); return fmt_int(r->nsems, buf, len); }
CELL(sem_values, sem_rec) { REC(sem_rec); return fmt_i64_list(r->values, (size_t)r->nsems, buf, len); }
CELL(sem_ncnt, sem_rec) { REC(sem_rec); return fmt_i64_list(r->wait_increase, (size_t)r->nsems, buf, len); }
CELL(sem_zcnt, sem_rec) { REC(sem_rec); return fmt_i64_list(r->wait_zero, (size_t)r->nsems, buf, len); }
CELL(sem_lpids, sem_rec) { REC(sem_rec); return fmt_i64_list(r->last_pids, (size_t)r->nsems, buf, len); }

static const struct fmt_column sem_cols[] = {
	{ "ID", 6, ALIGN_RIGHT, 0, sem_id },
	{ "KEY", 10, ALIGN_LEFT, 2, sem_key },
	{ "PERMS", 5, ALIGN_LEFT, 3, sem_perms },
	{ "UID", 5, ALIGN_RIGHT, 3, sem_uid },
	{ "NSEMS", 5, ALIGN_RIGHT, 1, sem_nsems },
	{ "VALUES", 16, ALIGN_LEFT, 0, sem_values },
	{ "WAIT+", 10, ALIGN_LEFT, 0, sem_ncnt },
	{ "WAIT0", 10, ALIGN_LEFT, 1, sem_zcnt },
	{ "LASTPIDS", 0, ALIGN_LEFT, 2, sem_lpids },
};

/* POSIX message queues */
/* A POSIX name as its id writes it (names_escape_id), after a '/'; " (deleted)" when the
 * object was unlinked. */
static const char *posix_name(const char *name, bool deleted, char *buf, size_t len)
{
	char esc[FMT_CELL_MAX];

	return put(buf, len, "/%s%s", names_escape_id(name ? name : "?", esc, sizeof(esc)),
		   deleted ? " (deleted)" : "");
}

CELL(pmq_name, pmq_rec) { REC(pmq_rec); return posix_name(r->name, false, buf, len); }
CELL(pmq_msgs, pmq_rec) { REC(pmq_rec); return fmt_int(r->messages, buf, len); }
CELL(pmq_max, pmq_rec) { REC(pmq_rec); return fmt_int(r->max_messages, buf, len); }
CELL(pmq_msgsize, pmq_rec) { REC(pmq_rec); return fmt_bytes(r->message_size, buf, len); }
CELL(pmq_bytes, pmq_rec) { REC(pmq_rec); return fmt_bytes(r->bytes, buf, len); }
CELL(pmq_rate, pmq_rec)
{
	char id[FMT_ID_MAX];

	REC(pmq_rec);
	return rate_cell(ctx, fmt_id_pmq(r->name, id, sizeof(id)), false, buf, len);
}
CELL(pmq_holders, pmq_rec) { REC(pmq_rec); return fmt_endpoints(r->holders, r->n_holders, 0, buf, len); }

static const struct fmt_column pmq_cols[] = {
	{ "NAME", 16, ALIGN_LEFT, 0, pmq_name },
	{ "MSGS", 5, ALIGN_RIGHT, 0, pmq_msgs },
	{ "MAX", 5, ALIGN_RIGHT, 2, pmq_max },
	{ "MSGSIZE", 7, ALIGN_RIGHT, 3, pmq_msgsize },
	{ "BYTES", 6, ALIGN_RIGHT, 0, pmq_bytes },
	{ "MSG/S", 6, ALIGN_RIGHT, 1, pmq_rate },
	{ "HOLDERS", 0, ALIGN_LEFT, 0, pmq_holders },
};

/* POSIX shared memory */
CELL(pshm_name, pshm_rec) { REC(pshm_rec); return posix_name(r->name, r->deleted, buf, len); }
CELL(pshm_size, pshm_rec) { REC(pshm_rec); return fmt_bytes(r->size, buf, len); }
CELL(pshm_mapped, pshm_rec) { REC(pshm_rec); return fmt_pids(r->mapped_pids, r->n_mapped, buf, len); }

static const struct fmt_column pshm_cols[] = {
	{ "NAME", 20, ALIGN_LEFT, 0, pshm_name },
	{ "SIZE", 6, ALIGN_RIGHT, 0, pshm_size },
	{ "MAPPED", 0, ALIGN_LEFT, 0, pshm_mapped },
};

/* POSIX named semaphores */
CELL(psem_name, psem_rec) { REC(psem_rec); return posix_name(r->name, r->deleted, buf, len); }
CELL(psem_value, psem_rec) { REC(psem_rec); return fmt_int(r->value, buf, len); }
CELL(psem_mapped, psem_rec) { REC(psem_rec); return fmt_pids(r->mapped_pids, r->n_mapped, buf, len); }

static const struct fmt_column psem_cols[] = {
	{ "NAME", 20, ALIGN_LEFT, 0, psem_name },
	{ "VALUE", 5, ALIGN_RIGHT, 0, psem_value },
	{ "MAPPED", 0, ALIGN_LEFT, 0, psem_mapped },
};

/* other descriptors */
CELL(misc_pid, misc_fd_rec) { REC(misc_fd_rec); return put(buf, len, "%d", (int)r->pid); }
CELL(misc_fd, misc_fd_rec) { REC(misc_fd_rec); return put(buf, len, "%d", r->fd); }
CELL(misc_kind, misc_fd_rec)
{
	REC(misc_fd_rec);
	switch (r->kind) {
	case MISC_EVENTFD: return put(buf, len, "eventfd");
	case MISC_SIGNALFD: return put(buf, len, "signalfd");
	case MISC_TCP_LOOPBACK: return put(buf, len, "tcp");
	}
	return put(buf, len, "?");
}
CELL(misc_detail, misc_fd_rec)
{
	char tmp[FMT_CELL_MAX];

	REC(misc_fd_rec);
	switch (r->kind) {
	case MISC_EVENTFD:
		return put(buf, len, "count %s", fmt_int(r->eventfd_count, tmp, sizeof(tmp)));
	case MISC_SIGNALFD:
		return put(buf, len, "mask %s", fmt_sigmask(r->sigmask, tmp, sizeof(tmp)));
	case MISC_TCP_LOOPBACK:
		if (r->peer_pid)
			return put(buf, len, "%s (peer pid %d)", r->detail ? r->detail : "?",
				   (int)r->peer_pid);
		break;
	}
	return put(buf, len, "%s", r->detail ? r->detail : "-");
}

static const struct fmt_column misc_cols[] = {
	{ "PID", 7, ALIGN_RIGHT, 0, misc_pid },
	{ "FD", 4, ALIGN_RIGHT, 0, misc_fd },
	{ "KIND", 8, ALIGN_LEFT, 0, misc_kind },
	{ "DETAIL", 0, ALIGN_LEFT, 0, misc_detail },
};

/* signal events */
CELL(sev_time, sig_event)
{
	struct tm tm;
	time_t t;

	REC(sig_event);
	t = (time_t)r->time;
	if (r->time <= 0 || !localtime_r(&t, &tm))
		return put(buf, len, "?");
	return put(buf, len, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
		   (int)((r->time - (double)t) * 1000.0));
}
CELL(sev_signal, sig_event) { REC(sig_event); return signame(r->signo, buf, len); }
CELL(sev_sender, sig_event)
{
	REC(sig_event);
	if (!r->sender_pid)
		return put(buf, len, "%s", r->sender_comm ? r->sender_comm : "kernel");
	return put(buf, len, "%d %s", (int)r->sender_pid, r->sender_comm ? r->sender_comm : "?");
}
CELL(sev_target, sig_event)
{
	REC(sig_event);
	return put(buf, len, "%d %s", (int)r->target_pid, r->target_comm ? r->target_comm : "?");
}
CELL(sev_result, sig_event)
{
	REC(sig_event);
	return put(buf, len, "%s%s", sig_result_name(r->result), r->inferred ? " (inferred)" : "");
}

static const struct fmt_column sigevent_cols[] = {
	{ "TIME", 12, ALIGN_LEFT, 1, sev_time },
	{ "SIGNAL", 11, ALIGN_LEFT, 0, sev_signal },
	{ "SENDER", 18, ALIGN_LEFT, 0, sev_sender },
	{ "TARGET", 18, ALIGN_LEFT, 0, sev_target },
	{ "RESULT", 0, ALIGN_LEFT, 0, sev_result },
};

/* deadlocks */
CELL(dl_pids, deadlock_rec)
{
	struct list_writer w;
	char item[24];

	REC(deadlock_rec);
	lw_init(&w, buf, len);
	for (size_t i = 0; i < r->n_pids; i++) {
		snprintf(item, sizeof(item), "%d", (int)r->pids[i]);
		if (!lw_add(&w, item))
			break;
	}
	return lw_finish(&w, r->n_pids);
}
CELL(dl_objects, deadlock_rec)
{
	struct list_writer w;

	REC(deadlock_rec);
	lw_init(&w, buf, len);
	for (size_t i = 0; i < r->n_objects; i++)
		if (!lw_add(&w, r->objects[i] ? r->objects[i] : "?"))
			break;
	return lw_finish(&w, r->n_objects);
}

static const struct fmt_column deadlock_cols[] = {
	{ "PIDS", 24, ALIGN_LEFT, 0, dl_pids },
	{ "OBJECTS", 0, ALIGN_LEFT, 0, dl_objects },
};

/* stalls */
CELL(st_pid, stall_rec) { REC(stall_rec); return put(buf, len, "%d", (int)r->pid); }
CELL(st_object, stall_rec) { REC(stall_rec); return put(buf, len, "%s", r->object ? r->object : "-"); }
CELL(st_for, stall_rec)
{
	REC(stall_rec);
	if (r->since <= 0)
		return put(buf, len, "?");
	return fmt_age(ctx->snap->time - r->since, buf, len);
}
CELL(st_reason, stall_rec) { REC(stall_rec); return put(buf, len, "%s", r->reason ? r->reason : "-"); }

static const struct fmt_column stall_cols[] = {
	{ "PID", 7, ALIGN_RIGHT, 0, st_pid },
	{ "OBJECT", 16, ALIGN_LEFT, 0, st_object },
	{ "FOR", 6, ALIGN_RIGHT, 1, st_for },
	{ "REASON", 0, ALIGN_LEFT, 0, st_reason },
};

/* ---- ids, counts and rows ----------------------------------------------------------------- */

static const char *id_proc(const void *rec, char *buf, size_t len)
{
	return fmt_id_proc(((const struct proc_rec *)rec)->pid, buf, len);
}

static const char *id_thread(const void *rec, char *buf, size_t len)
{
	const struct thread_rec *t = rec;

	return put(buf, len, "tid:%d", (int)t->tid);
}

static const char *id_pipe(const void *rec, char *buf, size_t len)
{
	return fmt_id_pipe(rec, buf, len);
}

static const char *id_usock(const void *rec, char *buf, size_t len)
{
	return fmt_id_usock(((const struct usock_rec *)rec)->inode, buf, len);
}

static const char *id_msgq(const void *rec, char *buf, size_t len)
{
	return fmt_id_msgq(((const struct msgq_rec *)rec)->perm.id, buf, len);
}

static const char *id_shm(const void *rec, char *buf, size_t len)
{
	return fmt_id_shm(((const struct shm_rec *)rec)->perm.id, buf, len);
}

static const char *id_sem(const void *rec, char *buf, size_t len)
{
	return fmt_id_sem(((const struct sem_rec *)rec)->perm.id, buf, len);
}

static const char *id_pmq(const void *rec, char *buf, size_t len)
{
	return fmt_id_pmq(((const struct pmq_rec *)rec)->name, buf, len);
}

static const char *id_pshm(const void *rec, char *buf, size_t len)
{
	return fmt_id_pshm(rec, buf, len);
}

static const char *id_psem(const void *rec, char *buf, size_t len)
{
	return fmt_id_psem(rec, buf, len);
}

static const char *id_misc(const void *rec, char *buf, size_t len)
{
	const struct misc_fd_rec *m = rec;

	return put(buf, len, "fd:%d:%d", (int)m->pid, m->fd);
}

static const char *id_sigevent(const void *rec, char *buf, size_t len)
{
	const struct sig_event *e = rec;

	return put(buf, len, "sig:%.6f:%d:%d:%d", e->time, (int)e->sender_pid,
		   (int)e->target_pid, e->signo);
}

static const char *id_deadlock(const void *rec, char *buf, size_t len)
{
	const struct deadlock_rec *d = rec;
	struct list_writer w;
	char item[24];

	lw_init(&w, buf, len);
	lw_add(&w, "deadlock");
	for (size_t i = 0; i < d->n_pids; i++) {
		snprintf(item, sizeof(item), "%d", (int)d->pids[i]);
		if (!lw_add(&w, item))
			break;
	}
	return lw_finish(&w, d->n_pids + 1);
}

static const char *id_stall(const void *rec, char *buf, size_t len)
{
	const struct stall_rec *st = rec;

	return put(buf, len, "stall:%d:%s", (int)st->pid, st->object ? st->object : "-");
}

#define ROWS(name, arr)                                                                 \
	static size_t count_##name(const struct snapshot *s) { return s->n_##arr; }     \
	static const void *row_##name(const struct snapshot *s, size_t i)               \
	{                                                                               \
		return i < s->n_##arr ? (const void *)&s->arr[i] : NULL;                \
	}

ROWS(proc, procs)
ROWS(thread, threads)
ROWS(pipe, pipes)
ROWS(usock, usocks)
ROWS(msgq, msgqs)
ROWS(shm, shms)
ROWS(sem, sems)
ROWS(pmq, pmqs)
ROWS(pshm, pshms)
ROWS(psem, psems)
ROWS(misc, miscfds)
ROWS(sigevent, sigevents)
ROWS(deadlock, deadlocks)
ROWS(stall, stalls)

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TABLE(k, jname, ttl, cols, nm) \
	[k] = { k, jname, ttl, cols, N(cols), count_##nm, row_##nm, id_##nm }

static const struct fmt_table tables[FMT_KIND_COUNT] = {
	TABLE(FMT_PROCESSES, "processes", "Processes", proc_cols, proc),
	TABLE(FMT_THREADS, "threads", "Threads", thread_cols, thread),
	TABLE(FMT_PIPES, "pipes", "Pipes and FIFOs", pipe_cols, pipe),
	TABLE(FMT_UNIX_SOCKETS, "unix_sockets", "Unix sockets", usock_cols, usock),
	TABLE(FMT_MSG_QUEUES, "msg_queues", "Message queues", msgq_cols, msgq),
	TABLE(FMT_SHM_SEGMENTS, "shm_segments", "Shared memory", shm_cols, shm),
	TABLE(FMT_SEM_SETS, "sem_sets", "Semaphores", sem_cols, sem),
	TABLE(FMT_POSIX_MQUEUES, "posix_mqueues", "POSIX message queues", pmq_cols, pmq),
	TABLE(FMT_POSIX_SHM, "posix_shm", "POSIX shared memory", pshm_cols, pshm),
	TABLE(FMT_POSIX_SEMS, "posix_sems", "POSIX semaphores", psem_cols, psem),
	TABLE(FMT_MISC_FDS, "misc_fds", "Other descriptors", misc_cols, misc),
	TABLE(FMT_SIGNAL_EVENTS, "signal_events", "Signal events", sigevent_cols, sigevent),
	TABLE(FMT_DEADLOCKS, "deadlocks", "Deadlocks", deadlock_cols, deadlock),
	TABLE(FMT_STALLS, "stalls", "Stalls", stall_cols, stall),
};

const struct fmt_table *fmt_table_get(enum fmt_kind kind)
{
	return (unsigned)kind < FMT_KIND_COUNT ? &tables[kind] : &tables[FMT_PROCESSES];
}
