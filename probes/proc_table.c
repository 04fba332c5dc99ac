/*
 * proc_table.c - every process of the sysroot as a proc_rec.
 *
 * Sources per process (threads are never listed; ipctop's own pid is left out):
 *   stat     pid ppid pgid sid state threads start-ticks flags(PF_KTHREAD) startstack
 *            live: through libproc2 (its pids_info lives in the probe state between
 *            collections); --sysroot: read and parsed here.
 *   status   real uid, SigPnd ShdPnd SigBlk SigIgn SigCgt, SigQ, Name (comm). libproc2 has
 *            no SigQ item, so both paths read status once and take everything from it.
 *            comm comes from status Name in both paths, unescaped to the real name
 *            (proc_status_name: the kernel writes only '\n' and '\\' escaped there):
 *            libproc2 escapes comm by the caller's locale, which loses bytes. Without
 *            status, stat's comm (raw bytes). Outputs escape what a terminal or JSON
 *            cannot take (src/format.h, src/json_out.c).
 *   cmdline  args joined by spaces; not read for kernel threads and zombies (no memory:
 *            always empty). Read here in both paths: libproc2 reports an empty and an
 *            unreadable cmdline alike as "-".
 * Live, status and cmdline come from the read-ahead of probes/proc_pass.h, which reads them
 * on the other CPUs while libproc2 reads every stat here (outcomes and errors as if read
 * here; what it missed is read here). In a warm collection (probes/proc_cache.h) libproc2 is
 * asked only about processes that may have run since the last one; for the others, stat's
 * fields come from this collection's status and the kept start time.
 * A process gone before anything was read is skipped silently; one gone after part of it
 * was read is skipped with the error "pid N": "exited during scan". A file that cannot be
 * read or parsed leaves its fields unknown, with "pid N <file>" in errors.
 *
 * Orphans (from one snapshot; src/lifecycle.c adds those seen changing parent), not kernel
 * threads: (1) a process in another session than its parent that is not its session's
 * leader: a child starts in its parent's session and leaves it only by setsid(), which makes
 * it the leader, so it was re-parented (a background job that leads its process group, whose
 * shell died, adopted by init or any subreaper); the one exception, a parent that called
 * setsid() after the fork, is rare. (2) A process whose parent is pid 1 (init of the pid
 * namespace /proc belongs to) or a known subreaper and that does not lead its process group.
 * Limits: a process that leads its own session under init or a subreaper (a daemon after
 * setsid(), a postmaster started by pg_ctl) looks exactly like a service init started: it is
 * only flagged when a snapshot saw it change parent (history); subreapers are only recognised
 * by name (a user's "systemd" manager, pid != 1), since /proc does not show
 * PR_SET_CHILD_SUBREAPER.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LIBPROC2
#include <libproc2/pids.h>
#endif

#include "probes/proc_pass.h"
#include "probes/proc_status.h"
#include "probes/proc_table.h"

#define STAT_MAX (64 * 1024)
#define STATUS_MAX PROC_TABLE_STATUS_MAX	/* Groups: can be long */
#define CMDLINE_MAX PROC_TABLE_CMDLINE_MAX	/* longer command lines are cut */

struct pt_state {
#ifdef HAVE_LIBPROC2
	struct pids_info *info;
#endif
	char *buf;
	size_t cap;
	/* Live: the last collection's read-ahead (ctx->pass points to it until the next
	 * collection or proc_table_fini; proc_wait reads it after this probe). */
	struct proc_pass *pass;
};

/* What was read of one process before it becomes a record. */
struct pt_entry {
	pid_t pid;
	bool stat_ok;
	struct proc_stat_fields st;
	struct proc_status_fields ss;
	bool status_ok;			/* read (perhaps with bad fields) */
	const char *cmdline;		/* snapshot arena, NULL unknown */
	const char *error;		/* first reason, snapshot arena */
};

int proc_read_file(int dirfd, const char *path, char **buf, size_t *cap, size_t max, size_t *len)
{
	size_t n = 0;
	int fd = probe_open_file(dirfd, path);

	if (fd < 0)
		return fd;
	if (!*buf || *cap < 4096) {
		*cap = 4096;
		*buf = xrealloc(*buf, *cap);
	}
	for (;;) {
		ssize_t r;

		if (n + 1 >= *cap) {
			if (*cap >= max + 1)
				break;	/* cut at max */
			*cap = *cap * 2 > max + 1 ? max + 1 : *cap * 2;
			*buf = xrealloc(*buf, *cap);
		}
		r = read(fd, *buf + n, *cap - 1 - n);
		if (r < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			close(fd);
			return -err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	(*buf)[n] = '\0';
	*len = n;
	return 0;
}

static bool gone(int err)
{
	return err == -ENOENT || err == -ESRCH;
}

/* Reads <pid>/<file> relative to procfd, or <file> relative to piddir when piddir >= 0. */
static int read_pid_file(struct probe_ctx *ctx, struct pt_state *st, int piddir, pid_t pid,
			 const char *file, size_t max, size_t *len)
{
	char path[64];

	if (piddir >= 0)
		return proc_read_file(piddir, file, &st->buf, &st->cap, max, len);
	snprintf(path, sizeof(path), "%d/%s", (int)pid, file);
	return proc_read_file(ctx->procfd, path, &st->buf, &st->cap, max, len);
}

static void note(struct probe_ctx *ctx, struct pt_entry *e, const char *file, const char *err)
{
	snapshot_add_errorf(ctx->snap, err, "pid %d %s", (int)e->pid, file);
	if (!e->error)
		e->error = arena_printf(&ctx->snap->arena, "%s: %s", file, err);
}

/* Reads status and cmdline. Returns false when the process has gone (already noted).
 * pre: the read-ahead's entry for this pid (probes/proc_pass.h) or NULL; its outcomes are
 * used exactly as if the files had been read here, and a file it did not read is read here. */
static bool read_status_cmdline(struct probe_ctx *ctx, struct pt_state *st, int piddir,
				struct pt_entry *e, const struct proc_pass_entry *pre)
{
	size_t len;
	int rc;
	bool kthread, zombie;

	if (pre) {
		rc = pre->status_rc;
		if (rc == 0)
			e->ss = pre->ss;
	} else {
		rc = read_pid_file(ctx, st, piddir, e->pid, "status", STATUS_MAX, &len);
	}
	if (gone(rc)) {
		snapshot_add_errorf(ctx->snap, "exited during scan", "pid %d", (int)e->pid);
		return false;
	}
	if (rc < 0) {
		note(ctx, e, "status", probe_errname(-rc));
	} else {
		e->status_ok = true;
		if ((pre ? pre->status_parse_rc : proc_status_parse(st->buf, len, &e->ss)) < 0 ||
		    e->ss.bad)
			note(ctx, e, "status", "malformed");
	}

	kthread = (e->stat_ok && (e->st.flags & PROC_PF_KTHREAD)) ||
		  ((e->ss.have & PSF_KTHREAD) && e->ss.kthread);
	zombie = e->stat_ok ? e->st.state == 'Z' : (e->ss.have & PSF_STATE) && e->ss.state == 'Z';
	if (kthread || zombie) {
		e->cmdline = "";
		return true;
	}
	if (pre && pre->cmdline.read)
		rc = pre->cmdline.rc;
	else
		rc = read_pid_file(ctx, st, piddir, e->pid, "cmdline", CMDLINE_MAX, &len);
	if (gone(rc)) {
		snapshot_add_errorf(ctx->snap, "exited during scan", "pid %d", (int)e->pid);
		return false;
	}
	if (rc < 0) {
		note(ctx, e, "cmdline", probe_errname(-rc));
		return true;
	}
	if (pre && pre->cmdline.read) {
		e->cmdline = arena_strndup(&ctx->snap->arena, pre->cmdline.text, pre->cmdline.len);
		return true;
	}
	len = proc_cmdline_join(st->buf, len);
	e->cmdline = arena_strndup(&ctx->snap->arena, st->buf, len);
	return true;
}

/*
 * A task that has finished exiting (released, about to vanish from /proc) reads ppid 0 in stat
 * and status. On the live system a user process other than init with ppid 0 is either that or a
 * process that entered this pid namespace from outside (setns, `docker exec`): tell them apart
 * by reading its stat again, which fails once the task is gone, or names a new process.
 */
static bool exited_meanwhile(struct probe_ctx *ctx, struct pt_state *st, const struct pt_entry *e)
{
	pid_t ppid = e->stat_ok ? e->st.ppid : (e->ss.have & PSF_PPID) ? e->ss.ppid : -1;
	bool kthread = (e->stat_ok && (e->st.flags & PROC_PF_KTHREAD)) ||
		       ((e->ss.have & PSF_KTHREAD) && e->ss.kthread);
	struct proc_stat_fields again;
	size_t len;
	int rc;

	if (!ctx->live || ppid != 0 || e->pid <= 2 || kthread)
		return false;
	rc = read_pid_file(ctx, st, -1, e->pid, "stat", STAT_MAX, &len);
	if (rc < 0)
		return gone(rc);
	if (proc_stat_parse(st->buf, len, &again) < 0)
		return false;
	return again.ppid != 0 || (e->stat_ok && again.starttime != e->st.starttime);
}

static void emit(struct probe_ctx *ctx, struct pt_state *st, const struct pt_entry *e)
{
	struct snapshot *s = ctx->snap;
	struct proc_rec *r;
	const struct proc_status_fields *ss = &e->ss;

	if (exited_meanwhile(ctx, st, e)) {
		snapshot_add_errorf(s, "exited during scan", "pid %d", (int)e->pid);
		return;
	}
	r = snapshot_add_proc(s);

	r->pid = e->pid;
	if (e->stat_ok) {
		r->ppid = e->st.ppid;
		r->pgid = e->st.pgrp;
		r->sid = e->st.session;
		r->start_ticks = e->st.starttime;
		r->stack_start = r->state == 'Z' ? 0 : e->st.startstack;
		r->state = e->st.state;
		r->nthreads = (int)e->st.num_threads;
		r->kthread = (e->st.flags & PROC_PF_KTHREAD) != 0;
	} else {
		if (ss->have & PSF_PPID)
			r->ppid = ss->ppid;
		if (ss->have & PSF_STATE)
			r->state = ss->state;
		if (ss->have & PSF_THREADS)
			r->nthreads = (int)ss->threads;
	}
	if ((ss->have & PSF_KTHREAD) && ss->kthread)
		r->kthread = true;
	if (ss->have & PSF_NAME)
		r->comm = snapshot_strdup(s, ss->name);
	else if (e->stat_ok)
		r->comm = snapshot_strdup(s, e->st.comm);	/* raw bytes, as the real name */
	else
		r->comm = "?";
	r->cmdline = r->kthread ? "" : e->cmdline;
	r->zombie = r->state == 'Z';
	if (ss->have & PSF_UID)
		r->uid = ss->ruid;
	if ((ss->have & PSF_SIGNALS) == PSF_SIGNALS) {
		r->sig_known = true;
		memcpy(r->sig, ss->sig, sizeof(r->sig));
	}
	if (ss->have & PSF_SIGQ) {
		r->sigq_queued = ss->sigq_queued;
		r->sigq_limit = ss->sigq_limit;
	}
	r->error = e->error;
}

/* ---- the own-parser path (any sysroot) ---- */

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static void scan_one_parsed(struct probe_ctx *ctx, struct pt_state *st, pid_t pid)
{
	struct pt_entry e = { .pid = pid };
	char name[16];
	size_t len;
	int piddir, rc;

	snprintf(name, sizeof(name), "%d", (int)pid);
	piddir = probe_open_dir(ctx->procfd, name, O_RDONLY);
	if (piddir < 0) {
		if (!gone(piddir))
			snapshot_add_errorf(ctx->snap, probe_errname(-piddir), "pid %d", (int)pid);
		return;
	}
	rc = proc_read_file(piddir, "stat", &st->buf, &st->cap, STAT_MAX, &len);
	if (gone(rc)) {
		close(piddir);
		return;		/* gone before anything was read */
	}
	if (rc < 0) {
		note(ctx, &e, "stat", probe_errname(-rc));
	} else if (proc_stat_parse(st->buf, len, &e.st) < 0 || e.st.pid != pid) {
		note(ctx, &e, "stat", "malformed");
	} else {
		e.stat_ok = true;
	}
	if (read_status_cmdline(ctx, st, piddir, &e, NULL))
		emit(ctx, st, &e);
	close(piddir);
}

static int scan_parsed(struct probe_ctx *ctx, struct pt_state *st)
{
	int dfd = probe_open_dir(ctx->procfd, ".", O_RDONLY);
	struct dirent *de;
	DIR *d;

	if (dfd < 0)
		return dfd;
	d = fdopendir(dfd);
	if (!d) {
		int err = errno;

		close(dfd);
		return -err;
	}
	while ((de = readdir(d)) != NULL) {
		long pid;

		if (!all_digits(de->d_name) || strlen(de->d_name) > 10)
			continue;
		pid = strtol(de->d_name, NULL, 10);
		if (pid <= 0 || pid > 0x7fffffffL || (ctx->self && pid == ctx->self))
			continue;
		scan_one_parsed(ctx, st, (pid_t)pid);
	}
	closedir(d);
	return 0;
}

/* ---- the libproc2 path (live) ---- */

#ifdef HAVE_LIBPROC2
/* Our own item list; positions in it are ours, never libproc2's enum values. */
enum { I_PID, I_PPID, I_PGRP, I_SID, I_STATE, I_NLWP, I_START, I_FLAGS, I_CMD, I_STACK, I_COUNT };
static enum pids_item pt_items[I_COUNT] = {
	[I_PID] = PIDS_ID_PID,
	[I_PPID] = PIDS_ID_PPID,
	[I_PGRP] = PIDS_ID_PGRP,
	[I_SID] = PIDS_ID_SESSION,
	[I_STATE] = PIDS_STATE,
	[I_NLWP] = PIDS_NLWP,
	[I_START] = PIDS_TICS_BEGAN,
	[I_FLAGS] = PIDS_FLAGS,
	[I_CMD] = PIDS_CMD,
	[I_STACK] = PIDS_ADDR_STACK_START,
};
/* PIDS_VAL takes 4 arguments in procps-ng 4.0.2 and 3 later: read the union directly. */
#define PT_VAL(stack, i, type) ((stack)->head[(i)].result.type)

/* One process as libproc2 read it. */
static void emit_stack(struct probe_ctx *ctx, struct pt_state *st, struct pids_stack *stk)
{
	struct pt_entry e = { 0 };
	const char *cmd = PT_VAL(stk, I_CMD, str);

	e.pid = PT_VAL(stk, I_PID, s_int);
	if (e.pid <= 0 || (ctx->self && e.pid == ctx->self))
		return;
	e.stat_ok = true;
	e.st.pid = e.pid;
	e.st.ppid = PT_VAL(stk, I_PPID, s_int);
	e.st.pgrp = PT_VAL(stk, I_PGRP, s_int);
	e.st.session = PT_VAL(stk, I_SID, s_int);
	e.st.state = (char)PT_VAL(stk, I_STATE, s_ch);
	e.st.num_threads = PT_VAL(stk, I_NLWP, s_int);
	e.st.starttime = PT_VAL(stk, I_START, ull_int);
	e.st.flags = PT_VAL(stk, I_FLAGS, ul_int);
	e.st.startstack = PT_VAL(stk, I_STACK, ul_int);
	snprintf(e.st.comm, sizeof(e.st.comm), "%s", cmd ? cmd : "?");
	if (read_status_cmdline(ctx, st, -1, &e,
				proc_pass_get(st->pass, e.pid, e.st.starttime)))
		emit(ctx, st, &e);
}

/* Incremental collection (probes/proc_cache.h): the stat fields of a process that has not
 * run since the last collection, from this collection's status (parent, group and session
 * as stat shows them, state, threads) and the cache (start time, kernel thread or not).
 * False when the read-ahead cannot vouch for it. */
static bool stat_from_pass(const struct proc_pass_entry *pe, struct proc_stat_fields *out)
{
	const unsigned need = PSF_PPID | PSF_STATE | PSF_THREADS;

	if (!pe->reuse || pe->status_rc != 0 || !pe->ns_ok || (pe->ss.have & need) != need)
		return false;
	memset(out, 0, sizeof(*out));
	out->pid = pe->pid;
	out->ppid = pe->ss.ppid;
	out->pgrp = pe->nspgid;
	out->session = pe->nssid;
	out->state = pe->ss.state;
	out->num_threads = pe->ss.threads;
	out->starttime = pe->reuse->start_ticks;
	out->flags = pe->reuse->kthread ? PROC_PF_KTHREAD : 0;
	out->startstack = pe->reuse->stack_start;	/* it has not run: no exec */
	snprintf(out->comm, sizeof(out->comm), "%s", (pe->ss.have & PSF_NAME) ? pe->ss.name : "?");
	return true;
}

/* A warm collection: libproc2 reads stat only for the processes the read-ahead could not
 * vouch for (select takes at most FILL_ID_MAX = 255 pids a call). A process the read-ahead
 * did not list (born since) is left for the next collection. */
static int scan_warm(struct probe_ctx *ctx, struct pt_state *st)
{
	size_t n = proc_pass_count(st->pass), n_want = 0;
	unsigned *want = xcalloc(n + 1, sizeof(*want));

	for (size_t i = 0; i < n; i++) {
		const struct proc_pass_entry *pe = proc_pass_at(st->pass, i);
		struct pt_entry e = { .pid = pe->pid };

		if (!pe->done || !stat_from_pass(pe, &e.st)) {
			want[n_want++] = (unsigned)pe->pid;
			continue;
		}
		e.stat_ok = true;
		if (read_status_cmdline(ctx, st, -1, &e, pe))
			emit(ctx, st, &e);
	}
	for (size_t off = 0; off < n_want; off += 255) {
		int cnt = (int)(n_want - off < 255 ? n_want - off : 255);
		struct pids_fetch *f;

		errno = 0;
		f = procps_pids_select(st->info, want + off, cnt, PIDS_SELECT_PID);
		if (!f) {
			/* read these ones ourselves: the same data, more slowly */
			int err = errno ? errno : EIO;

			snapshot_add_error(ctx->snap, "libproc2", probe_errname(err));
			for (size_t i = off; i < n_want; i++)
				scan_one_parsed(ctx, st, (pid_t)want[i]);
			break;
		}
		for (int i = 0; i < f->counts->total; i++)
			emit_stack(ctx, st, f->stacks[i]);
	}
	free(want);
	return 0;
}

static int scan_libproc2(struct probe_ctx *ctx, struct pt_state *st)
{
	struct pids_fetch *f;
	int rc;

	if (!st->info) {
		rc = procps_pids_new(&st->info, pt_items, I_COUNT);
		if (rc < 0) {
			st->info = NULL;
			return rc;
		}
	}
	/* the read-ahead of status/cmdline/wchan/syscall runs on other CPUs while libproc2
	 * reads every stat here; this thread then helps it finish */
	proc_pass_free(st->pass);
	st->pass = proc_pass_start(ctx->procfd, ctx->self, ctx->witness, ctx->cancel, ctx->cache);
	if (st->pass && ctx->cache) {
		proc_pass_finish(st->pass);
		if (probe_cancelled(ctx))
			return -ECANCELED;	/* entries left unread: never used */
		ctx->pass = st->pass;
		return scan_warm(ctx, st);
	}
	errno = 0;
	f = procps_pids_reap(st->info, PIDS_FETCH_TASKS_ONLY);
	rc = f ? 0 : errno ? -errno : -EIO;
	proc_pass_finish(st->pass);
	if (probe_cancelled(ctx))
		return -ECANCELED;	/* entries left unread: never used */
	ctx->pass = st->pass;
	if (!f)
		return rc;
	for (int i = 0; i < f->counts->total; i++)
		emit_stack(ctx, st, f->stacks[i]);
	return 0;
}
#endif

/* ---- orphans ---- */

struct pid_ix {
	pid_t pid;
	size_t idx;
};

static int cmp_pid_ix(const void *a, const void *b)
{
	const struct pid_ix *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static bool known_subreaper(const struct proc_rec *p)
{
	/* `systemd --user` sets PR_SET_CHILD_SUBREAPER; pid 1 is covered by ppid == 1 anyway */
	return p->pid != 1 && p->comm && strcmp(p->comm, "systemd") == 0;
}

static void mark_orphans(struct snapshot *s, size_t first)
{
	size_t n = s->n_procs - first;
	struct pid_ix *ix;

	if (n == 0)
		return;
	ix = xreallocarray(NULL, n, sizeof(*ix));
	for (size_t i = 0; i < n; i++) {
		ix[i].pid = s->procs[first + i].pid;
		ix[i].idx = first + i;
	}
	qsort(ix, n, sizeof(*ix), cmp_pid_ix);
	for (size_t i = first; i < s->n_procs; i++) {
		struct proc_rec *r = &s->procs[i];
		struct pid_ix key = { .pid = r->ppid };
		const struct pid_ix *par;
		const struct proc_rec *parent;

		if (r->kthread || r->ppid <= 0)
			continue;
		par = bsearch(&key, ix, n, sizeof(*ix), cmp_pid_ix);
		parent = par ? &s->procs[par->idx] : NULL;
		/* a child starts in its parent's session and leaves it only by setsid(), which
		 * makes it the leader (sid == pid): in another session than a parent it did not
		 * found, it was re-parented (whether it leads its group or not) */
		if (parent && r->sid > 0 && r->sid != r->pid && parent->sid != r->sid) {
			r->orphan = true;
			continue;
		}
		if (r->pgid == r->pid) {
			/* a group leader under init: adopted (a postmaster pg_ctl started), or
			 * started there (a service)? Nothing in /proc tells: unknown */
			r->orphan_unknown = r->ppid == 1 || (parent && known_subreaper(parent));
			continue;
		}
		r->orphan = r->ppid == 1 || (parent && known_subreaper(parent));
	}
	free(ix);
}

/* ---- probe entry points ---- */

int proc_table_collect_from(struct probe_ctx *ctx, void **state, enum proc_table_source src)
{
	struct pt_state *st = *state;
	size_t first = ctx->snap->n_procs;
	int rc;

	if (!st)
		*state = st = xcalloc(1, sizeof(*st));
#ifdef HAVE_LIBPROC2
	if (ctx->live && src == PROC_TABLE_AUTO) {
		rc = scan_libproc2(ctx, st);
		if (rc < 0) {
			/* fall back to reading /proc ourselves: the same data, more slowly */
			snapshot_add_error(ctx->snap, "libproc2", probe_errname(-rc));
			rc = scan_parsed(ctx, st);
		}
	} else {
		rc = scan_parsed(ctx, st);
	}
#else
	(void)src;
	rc = scan_parsed(ctx, st);
#endif
	mark_orphans(ctx->snap, first);
	return rc;
}

int proc_table_collect(struct probe_ctx *ctx, void **state)
{
	return proc_table_collect_from(ctx, state, PROC_TABLE_AUTO);
}

void proc_table_fini(void *state)
{
	struct pt_state *st = state;

	if (!st)
		return;
#ifdef HAVE_LIBPROC2
	if (st->info)
		procps_pids_unref(&st->info);
#endif
	proc_pass_free(st->pass);
	free(st->buf);
	free(st);
}
