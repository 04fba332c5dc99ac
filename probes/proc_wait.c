/*
 * proc_wait.c - wchan and syscall of sleeping processes; per-thread signal state.
 *
 * Models: for each process in state S or D, the kernel function it sleeps in and the system
 * call (number + raw arguments) it is blocked in; for multi-threaded processes, the threads
 * whose pending/blocked sets differ from the process's. Invariants: nothing is guessed here
 * (classification is src/waiting.c's job); a file that cannot be read leaves the value
 * unknown (wchan NULL, syscall_known false) and the reason is counted into one error.
 * Cost: two small reads per sleeping process; one status read per extra thread and two more
 * per sleeping extra thread, capped.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/proc_pass.h"
#include "probes/proc_wait.h"
#include "src/signames.h"

/* At most this many thread status files per collection, and per process. */
#define THREADS_MAX_TOTAL 4096
#define THREADS_MAX_PER_PROC 512

/* ---- pure parsers ------------------------------------------------------------------------ */

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* One unsigned number: "0x..." hex, or decimal. Advances *pp. */
static bool parse_u64(const char **pp, const char *end, uint64_t *out)
{
	const char *p = skip_blanks(*pp, end);
	uint64_t v = 0;
	int base = 10, digits = 0;

	if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (; p < end; p++) {
		int d;

		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			break;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return false;	/* overflow */
		v = v * (uint64_t)base + (uint64_t)d;
		digits++;
	}
	if (!digits)
		return false;
	if (p < end && *p != ' ' && *p != '\t' && *p != '\n')
		return false;
	*out = v;
	*pp = p;
	return true;
}

static bool at_end(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n'))
		p++;
	return p == end || *p == '\0';
}

int proc_wait_parse_syscall(const char *buf, size_t len, struct proc_syscall *out)
{
	const char *p = buf, *end;
	uint64_t v;
	bool neg = false;

	if (!buf)
		return -EBADMSG;
	end = memchr(buf, '\0', len);
	if (!end)
		end = buf + len;
	memset(out, 0, sizeof(*out));
	out->nr = -1;
	p = skip_blanks(p, end);
	if ((size_t)(end - p) >= 7 && memcmp(p, "running", 7) == 0 && at_end(p + 7, end)) {
		out->state = PSC_RUNNING;
		return 0;
	}
	if (p < end && *p == '-') {
		neg = true;
		p++;
		if (p >= end || !isdigit((unsigned char)*p))
			return -EBADMSG;
	}
	if (!parse_u64(&p, end, &v))
		return -EBADMSG;
	if (neg) {
		/* "-1 SP PC": blocked outside a system call (only -1 is defined) */
		if (v != 1)
			return -EBADMSG;
		out->state = PSC_NOT_IN_SYSCALL;
		if (!parse_u64(&p, end, &out->sp) || !parse_u64(&p, end, &out->pc) || !at_end(p, end))
			return -EBADMSG;
		return 0;
	}
	if (v > INT32_MAX)
		return -EBADMSG;
	out->state = PSC_IN_SYSCALL;
	out->nr = (int64_t)v;
	for (int i = 0; i < 6; i++)
		if (!parse_u64(&p, end, &out->args[i]))
			return -EBADMSG;
	if (!parse_u64(&p, end, &out->sp) || !parse_u64(&p, end, &out->pc) || !at_end(p, end))
		return -EBADMSG;
	return 0;
}

bool proc_wait_parse_wchan(const char *buf, size_t len, char *out, size_t outlen)
{
	const char *end = memchr(buf, '\0', len);
	size_t n = 0;

	if (!end)
		end = buf + len;
	while (end > buf && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	if (end == buf || (end - buf == 1 && buf[0] == '0'))
		return false;
	for (const char *p = buf; p < end; p++) {
		/* kernel symbols: letters, digits, '_' and '.' (e.g. "foo.constprop.0") */
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			return false;
	}
	if (outlen == 0)
		return false;
	n = (size_t)(end - buf);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, buf, n);
	out[n] = '\0';
	return true;
}

/* Value of "Key:\t..." lines: returns a pointer after the key and blanks, or NULL. */
static const char *status_value(const char *line, const char *eol, const char *key)
{
	size_t k = strlen(key);

	if ((size_t)(eol - line) < k + 1 || memcmp(line, key, k) != 0 || line[k] != ':')
		return NULL;
	return skip_blanks(line + k + 1, eol);
}

static bool mask_from(const char *v, const char *eol, uint64_t *mask)
{
	char tmp[32];
	size_t n = (size_t)(eol - v);

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	return sigmask_parse_hex(tmp, mask);
}

int proc_wait_parse_task_status(const char *buf, size_t len, struct task_sigstate *out)
{
	const char *p = buf, *end = memchr(buf, '\0', len);

	if (!end)
		end = buf + len;
	memset(out, 0, sizeof(*out));
	out->state = '?';
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *v;

		if (!eol)
			eol = end;
		if ((v = status_value(p, eol, "Name"))) {
			proc_status_name(v, (size_t)(eol - v), out->name, sizeof(out->name));
		} else if ((v = status_value(p, eol, "State"))) {
			if (v < eol && isalpha((unsigned char)*v))
				out->state = *v;
		} else if ((v = status_value(p, eol, "Tgid"))) {
			/* digits up to eol only: the buffer need not be NUL-terminated */
			long long t = 0;
			const char *d = v;

			while (d < eol && (*d == ' ' || *d == '\t'))
				d++;
			for (; d < eol && isdigit((unsigned char)*d) && t <= INT32_MAX; d++)
				t = t * 10 + (*d - '0');
			if (d > v && (d == eol || *d == ' ') && t > 0 && t <= INT32_MAX)
				out->tgid = (pid_t)t;
		} else if ((v = status_value(p, eol, "SigPnd"))) {
			if (!mask_from(v, eol, &out->pending))
				return -EBADMSG;
			out->has_pending = true;
		} else if ((v = status_value(p, eol, "ShdPnd"))) {
			if (!mask_from(v, eol, &out->shared_pending))
				return -EBADMSG;
		} else if ((v = status_value(p, eol, "SigBlk"))) {
			if (!mask_from(v, eol, &out->blocked))
				return -EBADMSG;
			out->has_blocked = true;
		}
		p = eol + 1;
	}
	return out->has_pending && out->has_blocked ? 0 : -EBADMSG;
}

/* ---- the probe --------------------------------------------------------------------------- */

/* Reads a small file relative to dirfd into buf (NUL-terminated). Returns the length or
 * -errno. */
static ssize_t read_small(int dirfd, const char *path, char *buf, size_t cap)
{
	int fd = probe_open_file(dirfd, path);
	ssize_t n;

	if (fd < 0)
		return fd;
	do
		n = read(fd, buf, cap - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

/* Up to this many processes refused are each named in errors ("pid N syscall", so a --pid
 * view keeps only its own); more are one line with their count. */
#define DENIED_NAMED_MAX 8

struct wait_counts {
	size_t denied;		/* EACCES/EPERM on syscall */
	pid_t denied_pids[DENIED_NAMED_MAX];	/* the first of them */
	size_t malformed;
	size_t threads_read;
	bool threads_capped;
};

static void note_error(struct probe_ctx *ctx, size_t pi, const char *what, int err)
{
	struct proc_rec *p = &ctx->snap->procs[pi];
	char msg[96];

	if (p->error)
		return;
	snprintf(msg, sizeof(msg), "%s: %s", what, probe_errname(err));
	p->error = snapshot_strdup(ctx->snap, msg);
}

/* <pid>/file into buf as read_small does, or the same outcome from the read-ahead of
 * probes/proc_pass.h when it read that file (ctx->pass, made by proc_table). */
static ssize_t read_pid_small(struct probe_ctx *ctx, const struct proc_pass_text *pre, pid_t pid,
			      const char *file, char *buf, size_t cap)
{
	char path[64];

	if (pre && pre->read) {
		if (pre->rc < 0)
			return pre->rc;
		memcpy(buf, pre->text, pre->len + 1);	/* at most cap - 1 bytes and the NUL */
		return (ssize_t)pre->len;
	}
	snprintf(path, sizeof(path), "%d/%s", (int)pid, file);
	return read_small(ctx->procfd, path, buf, cap);
}

static void read_wait(struct probe_ctx *ctx, size_t pi, struct wait_counts *wc)
{
	struct proc_rec *p = &ctx->snap->procs[pi];
	const struct proc_pass_entry *pre = proc_pass_get(ctx->pass, p->pid, p->start_ticks);
	char buf[512], sym[128];
	struct proc_syscall sc;
	ssize_t n;

	n = read_pid_small(ctx, pre ? &pre->wchan : NULL, p->pid, "wchan", buf, sizeof(buf));
	if (n >= 0 && proc_wait_parse_wchan(buf, (size_t)n, sym, sizeof(sym)))
		p->wchan = snapshot_strdup(ctx->snap, sym);

	n = read_pid_small(ctx, pre ? &pre->syscall : NULL, p->pid, "syscall", buf, sizeof(buf));
	if (n < 0) {
		if ((n == -EACCES || n == -EPERM) && wc->denied++ < DENIED_NAMED_MAX)
			wc->denied_pids[wc->denied - 1] = p->pid;
		if (n != -ENOENT && n != -ESRCH) {	/* exited meanwhile: nothing to say */
			note_error(ctx, pi, "syscall", (int)-n);
			p->wait_unknown = true;
		}
		return;
	}
	if (proc_wait_parse_syscall(buf, (size_t)n, &sc) < 0) {
		wc->malformed++;
		snapshot_add_errorf(ctx->snap, "malformed", "pid %d syscall", (int)p->pid);
		return;
	}
	p->syscall_known = true;
	p->syscall_nr = sc.state == PSC_IN_SYSCALL ? sc.nr : -1;
	memcpy(p->syscall_args, sc.args, sizeof(sc.args));
}

/* wchan and syscall of one sleeping thread, relative to its task directory. */
static void read_thread_wait(struct probe_ctx *ctx, int taskdir, long tid, struct thread_wait *t)
{
	char path[64], buf[512], sym[128];
	struct proc_syscall sc;
	ssize_t n;

	snprintf(path, sizeof(path), "%ld/wchan", tid);
	n = read_small(taskdir, path, buf, sizeof(buf));
	if (n >= 0 && proc_wait_parse_wchan(buf, (size_t)n, sym, sizeof(sym)))
		t->wchan = snapshot_strdup(ctx->snap, sym);
	snprintf(path, sizeof(path), "%ld/syscall", tid);
	n = read_small(taskdir, path, buf, sizeof(buf));
	if (n < 0 || proc_wait_parse_syscall(buf, (size_t)n, &sc) < 0)
		return;		/* gone, denied or malformed: the wait stays unknown */
	t->syscall_known = true;
	t->syscall_nr = sc.state == PSC_IN_SYSCALL ? sc.nr : -1;
	memcpy(t->syscall_args, sc.args, sizeof(sc.args));
}

static int cmp_thread_wait(const void *a, const void *b)
{
	pid_t x = ((const struct thread_wait *)a)->tid, y = ((const struct thread_wait *)b)->tid;

	return (x > y) - (x < y);
}

/*
 * Every thread but the main one: its status (state, name, and the signal sets compared with
 * the process's: a differing one becomes a thread_rec) and, when it sleeps (S or D), its wchan
 * and syscall, kept in proc_rec.other_threads for src/waiting.c.
 */
static void read_threads(struct probe_ctx *ctx, size_t pi, struct wait_counts *wc)
{
	struct proc_rec *p = &ctx->snap->procs[pi];
	pid_t pid = p->pid;
	bool sig_known = p->sig_known;
	uint64_t proc_pending = p->sig[SIGSET_PENDING], proc_blocked = p->sig[SIGSET_BLOCKED];
	char path[64], buf[4096];
	size_t per_proc = 0, n_tw = 0, cap_tw = 0;
	struct thread_wait *tw = NULL;
	bool complete = true;
	struct dirent *de;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "%d/task", (int)pid);
	fd = probe_open_dir(ctx->procfd, path, O_RDONLY);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		struct task_sigstate ts;
		struct thread_wait *t;
		char *e;
		long tid = strtol(de->d_name, &e, 10);
		ssize_t n;

		if (*e || tid <= 0 || tid == pid)
			continue;
		if (wc->threads_read >= THREADS_MAX_TOTAL || per_proc >= THREADS_MAX_PER_PROC) {
			wc->threads_capped = true;
			complete = false;
			break;
		}
		wc->threads_read++;
		per_proc++;
		snprintf(path, sizeof(path), "%ld/status", tid);
		n = read_small(dirfd(d), path, buf, sizeof(buf));
		if (n < 0 || proc_wait_parse_task_status(buf, (size_t)n, &ts) < 0) {
			complete = false;	/* thread gone, or unreadable */
			continue;
		}
		if (n_tw == cap_tw) {
			cap_tw = cap_tw ? cap_tw * 2 : 8;
			tw = xreallocarray(tw, cap_tw, sizeof(*tw));
		}
		t = &tw[n_tw++];
		memset(t, 0, sizeof(*t));
		t->tid = (pid_t)tid;
		t->comm = snapshot_strdup(ctx->snap, ts.name[0] ? ts.name : "?");
		t->state = ts.state;
		t->syscall_nr = -1;
		t->waiting.arg = SNAP_UNKNOWN;
		if (ts.state == 'S' || ts.state == 'D')
			read_thread_wait(ctx, dirfd(d), tid, t);
		if (sig_known && (ts.pending != proc_pending || ts.blocked != proc_blocked)) {
			struct thread_rec *r = snapshot_add_thread(ctx->snap);

			r->tgid = pid;
			r->tid = (pid_t)tid;
			r->comm = t->comm;
			r->state = ts.state;
			r->pending = ts.pending;
			r->blocked = ts.blocked;
		}
	}
	closedir(d);
	/* p may have moved: snapshot_add_thread does not touch procs, but stay safe */
	p = &ctx->snap->procs[pi];
	if (n_tw) {
		qsort(tw, n_tw, sizeof(*tw), cmp_thread_wait);
		p->other_threads = snapshot_alloc(ctx->snap, n_tw * sizeof(*tw));
		memcpy(p->other_threads, tw, n_tw * sizeof(*tw));
		p->n_other_threads = n_tw;
	}
	p->other_threads_complete = complete && p->nthreads > 0 &&
				    n_tw == (size_t)(p->nthreads - 1);
	free(tw);
}

int proc_wait_collect(struct probe_ctx *ctx, void **state)
{
	struct wait_counts wc = { 0 };

	(void)state;
	for (size_t i = 0; i < ctx->snap->n_procs && !probe_cancelled(ctx); i++) {
		const struct proc_rec *p = &ctx->snap->procs[i];

		if (p->kthread || p->zombie || p->pid == ctx->self)
			continue;
		if (p->state == 'S' || p->state == 'D')
			read_wait(ctx, i, &wc);
		if (p->nthreads > 1)
			read_threads(ctx, i, &wc);
	}
	for (size_t i = 0; wc.denied <= DENIED_NAMED_MAX && i < wc.denied; i++)
		snapshot_add_errorf(ctx->snap, "EACCES (reading what a process is blocked in needs "
				    "ptrace access, e.g. root)", "pid %d syscall",
				    (int)wc.denied_pids[i]);
	if (wc.denied > DENIED_NAMED_MAX)
		snapshot_add_errorf(ctx->snap, "EACCES (reading what a process is blocked in needs "
				    "ptrace access, e.g. root)", "syscall of %zu processes",
				    wc.denied);
	if (wc.threads_capped)
		snapshot_add_errorf(ctx->snap, "not all threads read (cost cap)",
				    "threads (signal state and waits): %d per collection, %d per process",
				    THREADS_MAX_TOTAL, THREADS_MAX_PER_PROC);
	return 0;
}
