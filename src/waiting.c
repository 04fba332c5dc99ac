/*
 * waiting.c - classifies what each blocked process waits on (see waiting.h).
 *
 * Models: a process in state S or D is inside one system call; its number (from
 * <sys/syscall.h>, never hard-coded) says what kind of wait it is, its first argument is
 * usually a descriptor or an IPC id, and the snapshot's channels map (pid, fd) to the object.
 * When the syscall could not be read, the kernel function it sleeps in (wchan) still names
 * the kind, without the object. Invariants: an object id is only given when the snapshot
 * proves it (or it is the IPC id the process passed); inferences are said so in the detail.
 */
#include "config.h"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "src/format.h"
#include "src/signames.h"
#include "src/waiting.h"

/* ---- which system call is which wait ------------------------------------------------------- */

enum sc_class {
	SC_READ, SC_WRITE, SC_RECV, SC_SEND, SC_ACCEPT,
	SC_OPEN, SC_OPENAT, SC_OPENAT2,
	SC_MSGSND, SC_MSGRCV, SC_SEMOP, SC_MQ_SEND, SC_MQ_RECV,
	SC_WAIT4, SC_WAITID,
	SC_PAUSE, SC_SIGSUSPEND, SC_SIGTIMEDWAIT,
	SC_POLL, SC_MULTI,
};

static const struct {
	long nr;
	enum sc_class cls;
} syscalls[] = {
	{ SYS_read, SC_READ },
	{ SYS_readv, SC_READ },
	{ SYS_pread64, SC_READ },
	{ SYS_preadv, SC_READ },
#ifdef SYS_preadv2
	{ SYS_preadv2, SC_READ },
#endif
	{ SYS_write, SC_WRITE },
	{ SYS_writev, SC_WRITE },
	{ SYS_pwrite64, SC_WRITE },
	{ SYS_pwritev, SC_WRITE },
#ifdef SYS_pwritev2
	{ SYS_pwritev2, SC_WRITE },
#endif
	{ SYS_recvfrom, SC_RECV },
	{ SYS_recvmsg, SC_RECV },
	{ SYS_recvmmsg, SC_RECV },
	{ SYS_sendto, SC_SEND },
	{ SYS_sendmsg, SC_SEND },
	{ SYS_sendmmsg, SC_SEND },
#ifdef SYS_accept
	{ SYS_accept, SC_ACCEPT },
#endif
	{ SYS_accept4, SC_ACCEPT },
#ifdef SYS_open
	{ SYS_open, SC_OPEN },
#endif
	{ SYS_openat, SC_OPENAT },
#ifdef SYS_openat2
	{ SYS_openat2, SC_OPENAT2 },
#endif
	{ SYS_msgsnd, SC_MSGSND },
	{ SYS_msgrcv, SC_MSGRCV },
#ifdef SYS_semop
	{ SYS_semop, SC_SEMOP },
#endif
	{ SYS_semtimedop, SC_SEMOP },
	{ SYS_mq_timedsend, SC_MQ_SEND },
	{ SYS_mq_timedreceive, SC_MQ_RECV },
	{ SYS_wait4, SC_WAIT4 },
	{ SYS_waitid, SC_WAITID },
#ifdef SYS_pause
	{ SYS_pause, SC_PAUSE },
#endif
	{ SYS_rt_sigsuspend, SC_SIGSUSPEND },
	{ SYS_rt_sigtimedwait, SC_SIGTIMEDWAIT },
#ifdef SYS_poll
	{ SYS_poll, SC_POLL },
#endif
	{ SYS_ppoll, SC_POLL },
#ifdef SYS_select
	{ SYS_select, SC_MULTI },
#endif
	{ SYS_pselect6, SC_MULTI },
#ifdef SYS_epoll_wait
	{ SYS_epoll_wait, SC_MULTI },
#endif
	{ SYS_epoll_pwait, SC_MULTI },
#ifdef SYS_epoll_pwait2
	{ SYS_epoll_pwait2, SC_MULTI },
#endif
};

static bool sc_lookup(int64_t nr, enum sc_class *cls)
{
	for (size_t i = 0; i < sizeof(syscalls) / sizeof(syscalls[0]); i++)
		if (syscalls[i].nr == nr) {
			*cls = syscalls[i].cls;
			return true;
		}
	return false;
}

/* Kernel functions a task sleeps in, for when the system call is not readable (or says too
 * little). Names differ between kernel versions; both old and new are listed. */
static const struct {
	const char *wchan;
	enum wait_kind kind;
} wchans[] = {
	{ "pipe_read", WAIT_PIPE_READ },
	{ "anon_pipe_read", WAIT_PIPE_READ },
	{ "pipe_wait_readable", WAIT_PIPE_READ },
	{ "pipe_write", WAIT_PIPE_WRITE },
	{ "anon_pipe_write", WAIT_PIPE_WRITE },
	{ "pipe_wait_writable", WAIT_PIPE_WRITE },
	{ "wait_for_partner", WAIT_FIFO_OPEN },
	{ "fifo_open", WAIT_FIFO_OPEN },
	{ "do_msgsnd", WAIT_MSG_SEND },
	{ "do_msgrcv", WAIT_MSG_RECV },
	{ "do_semtimedop", WAIT_SEM_WAIT },
	{ "unix_stream_read_generic", WAIT_SOCKET_RECV },
	{ "unix_stream_data_wait", WAIT_SOCKET_RECV },
	{ "unix_dgram_recvmsg", WAIT_SOCKET_RECV },
	{ "__skb_wait_for_more_packets", WAIT_SOCKET_RECV },
	{ "sk_wait_data", WAIT_SOCKET_RECV },
	{ "unix_wait_for_peer", WAIT_SOCKET_SEND },
	{ "sock_alloc_send_pskb", WAIT_SOCKET_SEND },
	{ "sk_stream_wait_memory", WAIT_SOCKET_SEND },
	{ "inet_csk_accept", WAIT_SOCKET_ACCEPT },
	{ "unix_accept", WAIT_SOCKET_ACCEPT },
	{ "do_wait", WAIT_CHILD_WAIT },
	{ "kernel_wait4", WAIT_CHILD_WAIT },
	{ "sys_pause", WAIT_SIGNAL_WAIT },
	{ "__x64_sys_pause", WAIT_SIGNAL_WAIT },
	{ "sigsuspend", WAIT_SIGNAL_WAIT },
	{ "__x64_sys_rt_sigsuspend", WAIT_SIGNAL_WAIT },
	{ "do_sigtimedwait", WAIT_SIGNAL_WAIT },
};

static enum wait_kind wchan_kind(const char *wchan)
{
	if (!wchan)
		return WAIT_OTHER;
	for (size_t i = 0; i < sizeof(wchans) / sizeof(wchans[0]); i++)
		if (strcmp(wchans[i].wchan, wchan) == 0)
			return wchans[i].kind;
	return WAIT_OTHER;
}

/* ---- (pid, fd) -> channel ------------------------------------------------------------------ */

enum fdref_type { FR_PIPE, FR_USOCK, FR_PMQ, FR_SIGNALFD, FR_EVENTFD };

struct fdref {
	pid_t pid;
	int fd;
	unsigned mode;
	enum fdref_type type;
	size_t idx;		/* into the array of its type */
};

struct fdindex {
	struct fdref *refs;
	size_t n, cap;
};

static void fdindex_add(struct fdindex *x, pid_t pid, int fd, unsigned mode,
			enum fdref_type type, size_t idx)
{
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 64;
		x->refs = xreallocarray(x->refs, x->cap, sizeof(*x->refs));
	}
	x->refs[x->n++] = (struct fdref){ pid, fd, mode, type, idx };
}

static int cmp_fdref(const void *a, const void *b)
{
	const struct fdref *x = a, *y = b;

	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->fd > y->fd) - (x->fd < y->fd);
}

static void fdindex_build(struct fdindex *x, const struct snapshot *s)
{
	for (size_t i = 0; i < s->n_pipes; i++)
		for (size_t j = 0; j < s->pipes[i].n_ends; j++) {
			const struct endpoint *e = &s->pipes[i].ends[j];

			fdindex_add(x, e->pid, e->fd, e->mode, FR_PIPE, i);
		}
	for (size_t i = 0; i < s->n_usocks; i++)
		for (size_t j = 0; j < s->usocks[i].n_holders; j++) {
			const struct endpoint *e = &s->usocks[i].holders[j];

			fdindex_add(x, e->pid, e->fd, e->mode, FR_USOCK, i);
		}
	for (size_t i = 0; i < s->n_pmqs; i++)
		for (size_t j = 0; j < s->pmqs[i].n_holders; j++) {
			const struct endpoint *e = &s->pmqs[i].holders[j];

			fdindex_add(x, e->pid, e->fd, e->mode, FR_PMQ, i);
		}
	for (size_t i = 0; i < s->n_miscfds; i++) {
		const struct misc_fd_rec *m = &s->miscfds[i];

		if (m->kind == MISC_SIGNALFD || m->kind == MISC_EVENTFD)
			fdindex_add(x, m->pid, m->fd, FD_MODE_RDWR,
				    m->kind == MISC_SIGNALFD ? FR_SIGNALFD : FR_EVENTFD, i);
	}
	if (x->n > 1)
		qsort(x->refs, x->n, sizeof(*x->refs), cmp_fdref);
}

/* A pipe held both ways by one descriptor appears once per mode: any match will do. */
static const struct fdref *fdindex_find(const struct fdindex *x, pid_t pid, int64_t fd)
{
	struct fdref key = { .pid = pid, .fd = (int)fd };

	if (fd < 0 || fd > INT32_MAX || !x->n)
		return NULL;
	return bsearch(&key, x->refs, x->n, sizeof(key), cmp_fdref);
}

/* The one channel descriptor of pid, or NULL if it has none or several. */
static const struct fdref *fdindex_only(const struct fdindex *x, pid_t pid)
{
	const struct fdref *hit = NULL;

	for (size_t i = 0; i < x->n; i++) {
		if (x->refs[i].pid != pid || x->refs[i].type == FR_EVENTFD)
			continue;
		if (hit && hit->fd != x->refs[i].fd)
			return NULL;
		hit = &x->refs[i];
	}
	return hit;
}

/* ---- classification ------------------------------------------------------------------------ */

struct ctx {
	struct snapshot *s;
	const struct fdindex *fds;
};

static const char *ref_id(struct ctx *c, const struct fdref *r)
{
	char buf[FMT_ID_MAX];

	switch (r->type) {
	case FR_PIPE: fmt_id_pipe(&c->s->pipes[r->idx], buf, sizeof(buf)); break;
	case FR_USOCK: fmt_id_usock(c->s->usocks[r->idx].inode, buf, sizeof(buf)); break;
	case FR_PMQ: fmt_id_pmq(c->s->pmqs[r->idx].name, buf, sizeof(buf)); break;
	default: return NULL;
	}
	return snapshot_strdup(c->s, buf);
}

static void set(struct ctx *c, struct proc_rec *p, enum wait_kind kind, const char *object,
		const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));

static void set(struct ctx *c, struct proc_rec *p, enum wait_kind kind, const char *object,
		const char *detail_fmt, ...)
{
	char detail[256];
	va_list ap;

	p->waiting.kind = kind;
	p->waiting.object = object;
	p->waiting.detail = NULL;
	if (detail_fmt) {
		va_start(ap, detail_fmt);
		vsnprintf(detail, sizeof(detail), detail_fmt, ap);
		va_end(ap);
		p->waiting.detail = snapshot_strdup(c->s, detail);
	}
}

/* Sleeping in something that is not IPC (or not recognised): the kernel function says what. */
static void set_other(struct ctx *c, struct proc_rec *p)
{
	enum wait_kind k = wchan_kind(p->wchan);

	if (k != WAIT_OTHER && waiting_is_ipc(k)) {
		set(c, p, k, NULL, "%s (the object is not known)", p->wchan);
		return;
	}
	set(c, p, WAIT_OTHER, NULL, p->wchan ? "%s" : NULL, p->wchan);
}

/* read()/write() and friends on descriptor fd. */
static void on_fd_io(struct ctx *c, struct proc_rec *p, int64_t fd, bool write)
{
	const struct fdref *r = fdindex_find(c->fds, p->pid, fd);
	enum wait_kind wk;

	if (r) {
		switch (r->type) {
		case FR_PIPE:
			set(c, p, write ? WAIT_PIPE_WRITE : WAIT_PIPE_READ, ref_id(c, r), "fd %d", r->fd);
			return;
		case FR_USOCK:
			set(c, p, write ? WAIT_SOCKET_SEND : WAIT_SOCKET_RECV, ref_id(c, r), "fd %d",
			    r->fd);
			return;
		case FR_SIGNALFD:
			if (!write) {
				char names[512];

				sigmask_format(c->s->miscfds[r->idx].sigmask, names, sizeof(names));
				set(c, p, WAIT_SIGNAL_WAIT, NULL, "signalfd fd %d: %s", r->fd,
				    names[0] ? names : "no signals");
				return;
			}
			break;
		default:
			break;
		}
		set_other(c, p);
		return;
	}
	/* not a channel the snapshot knows: the kernel function may still say it is one */
	wk = wchan_kind(p->wchan);
	if ((!write && (wk == WAIT_PIPE_READ || wk == WAIT_SOCKET_RECV)) ||
	    (write && (wk == WAIT_PIPE_WRITE || wk == WAIT_SOCKET_SEND))) {
		set(c, p, wk, NULL, "fd %lld (not in the channel tables)", (long long)fd);
		return;
	}
	set_other(c, p);
}

static void on_socket(struct ctx *c, struct proc_rec *p, enum wait_kind kind, int64_t fd)
{
	const struct fdref *r = fdindex_find(c->fds, p->pid, fd);

	if (r && r->type == FR_USOCK)
		set(c, p, kind, ref_id(c, r), "fd %d", r->fd);
	else
		set(c, p, kind, NULL, "fd %lld (not a unix socket)", (long long)fd);
}

static void on_open(struct ctx *c, struct proc_rec *p, int64_t flags, bool flags_known)
{
	const char *dir;

	if (wchan_kind(p->wchan) != WAIT_FIFO_OPEN) {
		set_other(c, p);
		return;
	}
	dir = !flags_known ? "" : (flags & O_ACCMODE) == O_RDONLY ? " for reading (no writer yet)"
		: (flags & O_ACCMODE) == O_WRONLY ? " for writing (no reader yet)" : "";
	set(c, p, WAIT_FIFO_OPEN, NULL,
	    "open of a FIFO%s; which one is unknown: its path is a pointer into the process", dir);
}

static void on_msgrcv(struct ctx *c, struct proc_rec *p)
{
	char id[FMT_ID_MAX];
	long long type = (long long)(long)p->syscall_args[3];
	long flags = (long)p->syscall_args[4];

	fmt_id_msgq((int)p->syscall_args[0], id, sizeof(id));
	if (type == 0)
		set(c, p, WAIT_MSG_RECV, snapshot_strdup(c->s, id), "any type");
	else if (type < 0)
		set(c, p, WAIT_MSG_RECV, snapshot_strdup(c->s, id), "lowest type <= %lld", -type);
#ifdef MSG_EXCEPT
	else if (flags & MSG_EXCEPT)
		set(c, p, WAIT_MSG_RECV, snapshot_strdup(c->s, id), "any type but %lld", type);
#endif
	else
		set(c, p, WAIT_MSG_RECV, snapshot_strdup(c->s, id), "type %lld", type);
	(void)flags;
}

static void on_semop(struct ctx *c, struct proc_rec *p)
{
	int semid = (int)p->syscall_args[0];
	unsigned long long nsops = p->syscall_args[2];
	const struct sem_rec *sr = snapshot_find_sem(c->s, semid);
	char id[FMT_ID_MAX];
	const char *obj;
	int hit = -1, n = 0;
	bool unknown = !sr || !sr->wait_increase || !sr->wait_zero;

	obj = snapshot_strdup(c->s, fmt_id_sem(semid, id, sizeof(id)));
	/* which semaphore: the operations are a pointer into the process, but the kernel's
	 * waiter counts name it when exactly one semaphore of the set has waiters */
	for (int k = 0; !unknown && k < sr->nsems; k++) {
		if (sr->wait_increase[k] < 0 || sr->wait_zero[k] < 0)
			unknown = true;
		else if (sr->wait_increase[k] > 0 || sr->wait_zero[k] > 0) {
			hit = k;
			n++;
		}
	}
	if (!unknown && n == 1) {
		bool inc = sr->wait_increase[hit] > 0, zero = sr->wait_zero[hit] > 0;

		set(c, p, WAIT_SEM_WAIT, obj, "semnum %d (waits for %s)", hit,
		    inc && zero ? "an increase or zero" : inc ? "an increase" : "zero");
		p->waiting.arg = hit;
		return;
	}
	set(c, p, WAIT_SEM_WAIT, obj, "semnum unknown (%llu operation%s; %s)", nsops,
	    nsops == 1 ? "" : "s",
	    unknown ? "waiter counts not readable" : "several semaphores have waiters");
}

static void on_mq(struct ctx *c, struct proc_rec *p, enum wait_kind kind)
{
	const struct fdref *r = fdindex_find(c->fds, p->pid, (int64_t)p->syscall_args[0]);

	if (r && r->type == FR_PMQ)
		set(c, p, kind, ref_id(c, r), "fd %d", r->fd);
	else
		set(c, p, kind, NULL, "queue descriptor %lld (not in the queue table)",
		    (long long)p->syscall_args[0]);
}

static void on_child(struct ctx *c, struct proc_rec *p, long long pid, long long pgrp)
{
	char id[FMT_ID_MAX];

	if (pid > 0) {
		set(c, p, WAIT_CHILD_WAIT, snapshot_strdup(c->s, fmt_id_proc((pid_t)pid, id, sizeof(id))),
		    "pid %lld", pid);
		return;
	}
	if (pgrp == 0) {
		set(c, p, WAIT_CHILD_WAIT, NULL, "any child");
		p->waiting.arg = 0;
	} else if (pgrp > 0) {
		set(c, p, WAIT_CHILD_WAIT, NULL, "any child in process group %lld", pgrp);
		p->waiting.arg = pgrp;
	} else {
		set(c, p, WAIT_CHILD_WAIT, NULL, "a child (which one is not known)");
	}
}

static void on_wait4(struct ctx *c, struct proc_rec *p)
{
	long long pid = (int)p->syscall_args[0];	/* pid_t: the low 32 bits, signed */

	if (pid > 0)
		on_child(c, p, pid, 0);
	else if (pid == -1)
		on_child(c, p, 0, 0);
	else if (pid == 0)
		on_child(c, p, 0, p->pgid > 0 ? p->pgid : -1);
	else
		on_child(c, p, 0, -pid);
}

static void on_waitid(struct ctx *c, struct proc_rec *p)
{
	long long idtype = (int)p->syscall_args[0], id = (int)p->syscall_args[1];

	if (idtype == P_PID && id > 0)
		on_child(c, p, id, 0);
	else if (idtype == P_ALL)
		on_child(c, p, 0, 0);
	else if (idtype == P_PGID)
		on_child(c, p, 0, id > 0 ? id : p->pgid > 0 ? p->pgid : -1);
	else
		on_child(c, p, 0, -1);	/* a pidfd: which child is not known */
}

static void on_sigsuspend(struct ctx *c, struct proc_rec *p)
{
	char names[512];

	if (!p->sig_known) {
		set(c, p, WAIT_SIGNAL_WAIT, NULL, "sigsuspend");
		return;
	}
	/* during sigsuspend the blocked set is the temporary mask it was given */
	sigmask_format(p->sig[SIGSET_CAUGHT] & ~p->sig[SIGSET_BLOCKED], names, sizeof(names));
	set(c, p, WAIT_SIGNAL_WAIT, NULL, "sigsuspend: any unblocked signal%s%s%s",
	    names[0] ? " (handlers: " : "", names, names[0] ? ")" : "");
}

/* poll on one descriptor, when the process has exactly one channel descriptor. */
static void on_poll(struct ctx *c, struct proc_rec *p)
{
	const struct fdref *r;

	if (p->syscall_args[1] != 1 || !(r = fdindex_only(c->fds, p->pid))) {
		set_other(c, p);
		return;
	}
	switch (r->type) {
	case FR_PIPE:
		set(c, p, r->mode == FD_MODE_WRITE ? WAIT_PIPE_WRITE : WAIT_PIPE_READ, ref_id(c, r),
		    "poll on 1 fd; fd %d is its only IPC descriptor", r->fd);
		return;
	case FR_USOCK:
		set(c, p, c->s->usocks[r->idx].state == TCP_LISTEN ? WAIT_SOCKET_ACCEPT
		    : WAIT_SOCKET_RECV, ref_id(c, r),
		    "poll on 1 fd; fd %d is its only IPC descriptor", r->fd);
		return;
	case FR_PMQ:
		set(c, p, WAIT_MSG_RECV, ref_id(c, r),
		    "poll on 1 fd; fd %d is its only IPC descriptor", r->fd);
		return;
	case FR_SIGNALFD:
		set(c, p, WAIT_SIGNAL_WAIT, NULL, "poll on 1 fd; fd %d, a signalfd, is its only "
		    "IPC descriptor", r->fd);
		return;
	default:
		set_other(c, p);
	}
}

static void classify(struct ctx *c, struct proc_rec *p)
{
	const uint64_t *a = p->syscall_args;
	enum sc_class cls;
	char id[FMT_ID_MAX];

	if (!p->syscall_known) {
		/* the syscall was not readable: the kernel function still names the kind */
		enum wait_kind k = wchan_kind(p->wchan);

		if (waiting_is_ipc(k))
			set(c, p, k, NULL, "%s (the system call is not readable)", p->wchan);
		else
			set(c, p, WAIT_OTHER, NULL, p->wchan ? "%s" : NULL, p->wchan);
		return;
	}
	if (p->syscall_nr < 0) {
		set_other(c, p);	/* blocked outside a system call (e.g. a page fault) */
		return;
	}
	if (!sc_lookup(p->syscall_nr, &cls)) {
		set_other(c, p);
		return;
	}
	switch (cls) {
	case SC_READ: on_fd_io(c, p, (int64_t)a[0], false); break;
	case SC_WRITE: on_fd_io(c, p, (int64_t)a[0], true); break;
	case SC_RECV: on_socket(c, p, WAIT_SOCKET_RECV, (int64_t)a[0]); break;
	case SC_SEND: on_socket(c, p, WAIT_SOCKET_SEND, (int64_t)a[0]); break;
	case SC_ACCEPT: on_socket(c, p, WAIT_SOCKET_ACCEPT, (int64_t)a[0]); break;
	case SC_OPEN: on_open(c, p, (int64_t)a[1], true); break;
	case SC_OPENAT: on_open(c, p, (int64_t)a[2], true); break;
	case SC_OPENAT2: on_open(c, p, 0, false); break;
	case SC_MSGSND:
		set(c, p, WAIT_MSG_SEND,
		    snapshot_strdup(c->s, fmt_id_msgq((int)a[0], id, sizeof(id))),
		    "%llu bytes", (unsigned long long)a[2]);
		break;
	case SC_MSGRCV: on_msgrcv(c, p); break;
	case SC_SEMOP: on_semop(c, p); break;
	case SC_MQ_SEND: on_mq(c, p, WAIT_MSG_SEND); break;
	case SC_MQ_RECV: on_mq(c, p, WAIT_MSG_RECV); break;
	case SC_WAIT4: on_wait4(c, p); break;
	case SC_WAITID: on_waitid(c, p); break;
	case SC_PAUSE: set(c, p, WAIT_SIGNAL_WAIT, NULL, "pause: any signal"); break;
	case SC_SIGSUSPEND: on_sigsuspend(c, p); break;
	case SC_SIGTIMEDWAIT:
		set(c, p, WAIT_SIGNAL_WAIT, NULL,
		    "sigtimedwait: which signals is unknown (the set is a pointer into the process)");
		break;
	case SC_POLL: on_poll(c, p); break;
	case SC_MULTI: set_other(c, p); break;
	}
}

static void clear_wait(struct proc_wait *w)
{
	w->kind = WAIT_NONE;
	w->object = NULL;
	w->detail = NULL;
	w->arg = SNAP_UNKNOWN;
	w->tid = 0;
}

/* One other thread's wait: classified as its process's would be, from the thread's own
 * wchan and syscall (descriptors and the rest are the process's, shared by its threads). */
static void classify_thread(struct ctx *c, const struct proc_rec *p, struct thread_wait *t)
{
	struct proc_rec as_thread = *p;

	clear_wait(&t->waiting);
	if ((t->state != 'S' && t->state != 'D') || (!t->syscall_known && !t->wchan))
		return;
	as_thread.state = t->state;
	as_thread.wchan = t->wchan;
	as_thread.syscall_known = t->syscall_known;
	as_thread.syscall_nr = t->syscall_nr;
	memcpy(as_thread.syscall_args, t->syscall_args, sizeof(t->syscall_args));
	clear_wait(&as_thread.waiting);
	classify(c, &as_thread);
	t->waiting = as_thread.waiting;
	t->waiting.tid = t->tid;
}

void waiting_pass(struct snapshot *cur, const struct snapshot *prev)
{
	struct fdindex fds = { 0 };
	struct ctx c = { .s = cur, .fds = &fds };

	(void)prev;
	fdindex_build(&fds, cur);
	for (size_t i = 0; i < cur->n_procs; i++) {
		struct proc_rec *p = &cur->procs[i];

		clear_wait(&p->waiting);
		if (p->kthread)
			continue;
		if ((p->state == 'S' || p->state == 'D') && (p->syscall_known || p->wchan)) {
			classify(&c, p);	/* else nothing read: unknown, not "other" */
			p->waiting.tid = p->pid;
		}
		p->main_waiting = p->waiting;
		for (size_t k = 0; k < p->n_other_threads; k++) {
			struct thread_wait *t = &p->other_threads[k];

			classify_thread(&c, p, t);
			if (!waiting_is_ipc(p->waiting.kind) && waiting_is_ipc(t->waiting.kind))
				p->waiting = t->waiting;	/* the process shows its threads' IPC */
		}
	}
	free(fds.refs);
}
