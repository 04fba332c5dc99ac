/*
 * test_waiting.c - classification of blocked processes (src/waiting.c) on hand-built
 * snapshots: system call + arguments + wchan + channels -> kind, object, detail.
 */
#include "config.h"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "src/snapshot.h"
#include "src/waiting.h"
#include "tests/unit/testmain.h"

static struct snapshot *snap;

static int setup(void)
{
	static const struct endpoint p11[] = { { 100, 4, FD_MODE_WRITE }, { 101, 3, FD_MODE_READ } };
	static const struct endpoint p12[] = { { 102, 3, FD_MODE_READ }, { 109, 7, FD_MODE_WRITE } };
	static const struct endpoint u55[] = { { 103, 5, FD_MODE_RDWR } };
	static const struct endpoint u56[] = { { 104, 6, FD_MODE_RDWR } };
	static const struct endpoint q[] = { { 105, 3, FD_MODE_READ } };
	static const int64_t inc[] = { 0, 1, 0 }, zero[] = { 0, 0, 0 };
	static const int64_t inc2[] = { 1, 1 }, zero2[] = { 0, 0 };
	struct pipe_rec *p;
	struct usock_rec *u;
	struct pmq_rec *m;
	struct sem_rec *sr;
	struct misc_fd_rec *mf;

	snap = snapshot_new();
	p = snapshot_add_pipe(snap);
	p->kind = PIPE_ANON;
	p->inode = 11;
	p->ends = (struct endpoint *)p11;
	p->n_ends = 2;
	p = snapshot_add_pipe(snap);
	p->kind = PIPE_FIFO;
	p->inode = 12;
	p->ends = (struct endpoint *)p12;
	p->n_ends = 2;
	u = snapshot_add_usock(snap);
	u->inode = 55;
	u->type = SOCK_STREAM;
	u->state = TCP_ESTABLISHED;
	u->holders = (struct endpoint *)u55;
	u->n_holders = 1;
	u = snapshot_add_usock(snap);
	u->inode = 56;
	u->type = SOCK_STREAM;
	u->state = TCP_LISTEN;
	u->holders = (struct endpoint *)u56;
	u->n_holders = 1;
	m = snapshot_add_pmq(snap);
	m->name = "jobs";
	m->holders = (struct endpoint *)q;
	m->n_holders = 1;
	sr = snapshot_add_sem(snap);
	sr->perm.id = 5;
	sr->nsems = 3;
	sr->wait_increase = (int64_t *)inc;
	sr->wait_zero = (int64_t *)zero;
	sr = snapshot_add_sem(snap);
	sr->perm.id = 6;
	sr->nsems = 2;
	sr->wait_increase = (int64_t *)inc2;
	sr->wait_zero = (int64_t *)zero2;
	mf = snapshot_add_miscfd(snap);
	mf->kind = MISC_SIGNALFD;
	mf->pid = 106;
	mf->fd = 8;
	mf->sigmask = 1ULL << (SIGUSR1 - 1) | 1ULL << (SIGTERM - 1);
	snapshot_sort(snap);
	return 0;
}

static int teardown(void)
{
	snapshot_unref(snap);
	return 0;
}

/* Adds a blocked process, runs the pass over it alone (by index) and returns it. */
static const struct proc_rec *run(pid_t pid, char state, const char *wchan, long nr,
				  uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	struct proc_rec *p = NULL;

	for (size_t i = 0; i < snap->n_procs && !p; i++)
		if (snap->procs[i].pid == pid)
			p = &snap->procs[i];	/* the same process again, blocked differently */
	if (!p)
		p = snapshot_add_proc(snap);
	p->pid = pid;
	p->pgid = 4242;
	p->state = state;
	p->comm = "t";
	p->wchan = wchan;
	p->syscall_known = nr != -2;
	p->syscall_nr = nr == -2 ? SNAP_UNKNOWN : nr;
	p->syscall_args[0] = a0;
	p->syscall_args[1] = a1;
	p->syscall_args[2] = a2;
	p->syscall_args[3] = a3;
	p->syscall_args[4] = a4;
	snapshot_sort(snap);
	waiting_pass(snap, NULL);
	return snapshot_find_proc(snap, pid);
}

#define NO_SYSCALL (-2L)

static void expect(const struct proc_rec *p, enum wait_kind kind, const char *object,
		   const char *detail_part)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->waiting.kind, kind);
	if (p->waiting.kind != kind)
		fprintf(stderr, "pid %d: kind %s, want %s\n", (int)p->pid,
			wait_kind_name(p->waiting.kind), wait_kind_name(kind));
	if (object) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(p->waiting.object);
		CU_ASSERT_STRING_EQUAL(p->waiting.object, object);
	} else {
		CU_ASSERT_PTR_NULL(p->waiting.object);
	}
	if (detail_part) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(p->waiting.detail);
		if (!strstr(p->waiting.detail, detail_part))
			fprintf(stderr, "pid %d: detail \"%s\" lacks \"%s\"\n", (int)p->pid,
				p->waiting.detail, detail_part);
		CU_ASSERT_PTR_NOT_NULL(strstr(p->waiting.detail, detail_part));
	}
}

static void test_pipes(void)
{
	expect(run(100, 'S', "anon_pipe_write", SYS_write, 4, 0, 65536, 0, 0), WAIT_PIPE_WRITE,
	       "pipe:11", "fd 4");
	expect(run(101, 'S', "anon_pipe_read", SYS_read, 3, 0, 10, 0, 0), WAIT_PIPE_READ,
	       "pipe:11", "fd 3");
	expect(run(102, 'D', "pipe_read", SYS_readv, 3, 0, 1, 0, 0), WAIT_PIPE_READ, "fifo:12",
	       "fd 3");
	/* a descriptor no table knows, but the kernel function says pipe */
	expect(run(107, 'S', "pipe_read", SYS_read, 9, 0, 1, 0, 0), WAIT_PIPE_READ, NULL, "fd 9");
	/* a read on something else (a terminal) */
	expect(run(108, 'S', "wait_woken", SYS_read, 0, 0, 1, 0, 0), WAIT_OTHER, NULL, "wait_woken");
}

static void test_sockets(void)
{
	expect(run(103, 'S', "unix_stream_read_generic", SYS_recvfrom, 5, 0, 0, 0, 0),
	       WAIT_SOCKET_RECV, "unix:55", "fd 5");
	expect(run(103, 'S', "unix_stream_read_generic", SYS_read, 5, 0, 0, 0, 0),
	       WAIT_SOCKET_RECV, "unix:55", NULL);
	expect(run(103, 'S', "sock_alloc_send_pskb", SYS_sendmsg, 5, 0, 0, 0, 0),
	       WAIT_SOCKET_SEND, "unix:55", NULL);
	expect(run(104, 'S', "unix_accept", SYS_accept4, 6, 0, 0, 0, 0), WAIT_SOCKET_ACCEPT,
	       "unix:56", NULL);
	expect(run(110, 'S', "sk_wait_data", SYS_recvfrom, 9, 0, 0, 0, 0), WAIT_SOCKET_RECV, NULL,
	       "not a unix socket");
}

static void test_fifo_open(void)
{
	expect(run(120, 'S', "wait_for_partner", SYS_openat, (uint64_t)AT_FDCWD, 0x7ffd0000,
		   O_RDONLY, 0, 0), WAIT_FIFO_OPEN, NULL, "for reading");
	expect(run(121, 'S', "wait_for_partner", SYS_openat, (uint64_t)AT_FDCWD, 0x7ffd0000,
		   O_WRONLY | O_CLOEXEC, 0, 0), WAIT_FIFO_OPEN, NULL, "for writing");
	CU_ASSERT_PTR_NOT_NULL(strstr(snapshot_find_proc(snap, 121)->waiting.detail, "unknown"));
	/* an open that sleeps elsewhere (a slow file system) is not a FIFO open */
	expect(run(122, 'D', "nfs_wait_bit_killable", SYS_openat, 0, 0, 0, 0, 0), WAIT_OTHER, NULL,
	       "nfs_wait_bit_killable");
}

static void test_sysv(void)
{
	const struct proc_rec *p;

	expect(run(130, 'S', "do_msgrcv", SYS_msgrcv, 7, 0x1000, 64, 3, 0), WAIT_MSG_RECV, "msg:7",
	       "type 3");
	expect(run(131, 'S', "do_msgrcv", SYS_msgrcv, 7, 0x1000, 64, (uint64_t)-5LL, 0),
	       WAIT_MSG_RECV, "msg:7", "lowest type <= 5");
	expect(run(132, 'S', "do_msgrcv", SYS_msgrcv, 8, 0x1000, 64, 0, 0), WAIT_MSG_RECV, "msg:8",
	       "any type");
	expect(run(133, 'S', "do_msgsnd", SYS_msgsnd, 9, 0x1000, 100, 0, 0), WAIT_MSG_SEND, "msg:9",
	       "100 bytes");
	p = run(134, 'S', "do_semtimedop", SYS_semtimedop, 5, 0x1000, 1, 0, 0);
	expect(p, WAIT_SEM_WAIT, "sem:5", "semnum 1 (waits for an increase)");
	CU_ASSERT_EQUAL(p->waiting.arg, 1);
	p = run(135, 'S', "do_semtimedop", SYS_semtimedop, 6, 0x1000, 2, 0, 0);
	expect(p, WAIT_SEM_WAIT, "sem:6", "semnum unknown");
	CU_ASSERT_EQUAL(p->waiting.arg, SNAP_UNKNOWN);
	/* a set the snapshot does not have (no permission): the id still names it */
	p = run(136, 'S', "do_semtimedop", SYS_semtimedop, 77, 0x1000, 1, 0, 0);
	expect(p, WAIT_SEM_WAIT, "sem:77", "not readable");
}

static void test_posix_queue(void)
{
	expect(run(105, 'S', "do_mq_timedreceive", SYS_mq_timedreceive, 3, 0, 0, 0, 0),
	       WAIT_MSG_RECV, "pmq:jobs", "fd 3");
}

static void test_children(void)
{
	const struct proc_rec *p;

	expect(run(140, 'S', "do_wait", SYS_wait4, 1234, 0, 0, 0, 0), WAIT_CHILD_WAIT, "pid:1234",
	       "pid 1234");
	p = run(141, 'S', "do_wait", SYS_wait4, (uint64_t)-1LL, 0, 0, 0, 0);
	expect(p, WAIT_CHILD_WAIT, NULL, "any child");
	CU_ASSERT_EQUAL(p->waiting.arg, 0);
	/* the kernel prints pid_t -1 as a 32-bit value too */
	p = run(142, 'S', "do_wait", SYS_wait4, 0xffffffffULL, 0, 0, 0, 0);
	expect(p, WAIT_CHILD_WAIT, NULL, "any child");
	p = run(143, 'S', "do_wait", SYS_wait4, 0, 0, 0, 0, 0);
	expect(p, WAIT_CHILD_WAIT, NULL, "group 4242");
	CU_ASSERT_EQUAL(p->waiting.arg, 4242);
	expect(run(144, 'S', "do_wait", SYS_waitid, P_PID, 77, 0, 0, 0), WAIT_CHILD_WAIT, "pid:77",
	       NULL);
	expect(run(145, 'S', "do_wait", SYS_waitid, P_ALL, 0, 0, 0, 0), WAIT_CHILD_WAIT, NULL,
	       "any child");
}

static void test_signals(void)
{
	struct proc_rec *p;

	expect(run(150, 'S', "sys_pause", SYS_pause, 0, 0, 0, 0, 0), WAIT_SIGNAL_WAIT, NULL, "pause");
	p = (struct proc_rec *)run(151, 'S', "sigsuspend", SYS_rt_sigsuspend, 0x1000, 8, 0, 0, 0);
	p->sig_known = true;
	p->sig[SIGSET_CAUGHT] = 1ULL << (SIGUSR1 - 1) | 1ULL << (SIGUSR2 - 1);
	p->sig[SIGSET_BLOCKED] = 1ULL << (SIGUSR2 - 1);
	waiting_pass(snap, NULL);
	expect(snapshot_find_proc(snap, 151), WAIT_SIGNAL_WAIT, NULL, "handlers: SIGUSR1)");
	expect(run(152, 'S', "do_sigtimedwait", SYS_rt_sigtimedwait, 0x1000, 0, 0, 8, 0),
	       WAIT_SIGNAL_WAIT, NULL, "sigtimedwait");
	expect(run(106, 'S', "signalfd_dequeue", SYS_read, 8, 0, 128, 0, 0), WAIT_SIGNAL_WAIT,
	       NULL, "signalfd fd 8: SIGUSR1,SIGTERM");
}

static void test_poll_single_fd(void)
{
	/* 101 holds one channel descriptor (pipe 11's read end): poll on 1 fd is that */
	expect(run(101, 'S', "do_sys_poll", SYS_poll, 0x1000, 1, (uint64_t)-1LL, 0, 0),
	       WAIT_PIPE_READ, "pipe:11", "only IPC descriptor");
	/* several fds: just the kernel function */
	expect(run(101, 'S', "do_sys_poll", SYS_poll, 0x1000, 2, (uint64_t)-1LL, 0, 0), WAIT_OTHER,
	       NULL, "do_sys_poll");
	expect(run(104, 'S', "do_sys_poll", SYS_ppoll, 0x1000, 1, 0, 0, 0), WAIT_SOCKET_ACCEPT,
	       "unix:56", NULL);
}

static void test_unreadable_and_not_blocked(void)
{
	const struct proc_rec *p;

	/* the system call was not readable: wchan alone names the kind */
	expect(run(160, 'S', "anon_pipe_write", NO_SYSCALL, 0, 0, 0, 0, 0), WAIT_PIPE_WRITE, NULL,
	       "not readable");
	expect(run(161, 'S', "do_msgrcv", NO_SYSCALL, 0, 0, 0, 0, 0), WAIT_MSG_RECV, NULL, NULL);
	expect(run(162, 'S', "ep_poll", NO_SYSCALL, 0, 0, 0, 0, 0), WAIT_OTHER, NULL, "ep_poll");
	/* nothing readable at all: unknown, not "other" */
	expect(run(163, 'S', NULL, NO_SYSCALL, 0, 0, 0, 0, 0), WAIT_NONE, NULL, NULL);
	/* running and stopped processes wait on nothing */
	p = run(164, 'R', "anon_pipe_read", SYS_read, 3, 0, 0, 0, 0);
	expect(p, WAIT_NONE, NULL, NULL);
	expect(run(165, 'T', "do_signal_stop", SYS_read, 3, 0, 0, 0, 0), WAIT_NONE, NULL, NULL);
	/* blocked outside a system call */
	expect(run(166, 'D', "folio_wait_bit_common", -1, 0, 0, 0, 0, 0), WAIT_OTHER, NULL,
	       "folio_wait_bit_common");
}

void test_register(void)
{
	TEST_SUITE("waiting classification", setup, teardown,
		   "pipes and FIFOs", test_pipes,
		   "unix sockets", test_sockets,
		   "FIFO open without a partner", test_fifo_open,
		   "System V queues and semaphores", test_sysv,
		   "POSIX queue", test_posix_queue,
		   "children", test_children,
		   "signals", test_signals,
		   "poll on a single descriptor", test_poll_single_fd,
		   "unreadable syscall, running, stopped", test_unreadable_and_not_blocked);
}
