/*
 * test_live_sysv.c - the process and System V probes against real kernel objects.
 *
 * Each test creates its own objects with IPC_PRIVATE and its own children, looks only at
 * those ids and pids (other objects and processes may exist), waits for conditions with a
 * deadline, and removes and reaps everything, then checks the snapshot no longer shows it.
 * SIGINT/SIGTERM, and the end of the suite, remove whatever is left.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probes/collect.h"
#include "probes/probe.h"
#include "probes/proc_table.h"
#include "src/snapshot.h"
#include "tests/unit/testmain.h"

#define DEADLINE_MS 5000

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* ---- what this program created, for cleanup on every exit path ---- */

#define MAX_OBJ 16
static volatile sig_atomic_t n_msg, n_shm, n_sem, n_kids;
static int g_msg[MAX_OBJ], g_shm[MAX_OBJ], g_sem[MAX_OBJ];
static pid_t g_kids[MAX_OBJ];

static void track(int *arr, volatile sig_atomic_t *n, int id)
{
	if (*n < MAX_OBJ)
		arr[(*n)++] = id;
}

/* Async-signal-safe: only system calls. */
static void cleanup_all(void)
{
	for (int i = 0; i < n_kids; i++) {
		if (g_kids[i] > 0) {
			kill(g_kids[i], SIGKILL);
			waitpid(g_kids[i], NULL, 0);
			g_kids[i] = 0;
		}
	}
	for (int i = 0; i < n_msg; i++)
		msgctl(g_msg[i], IPC_RMID, NULL);
	for (int i = 0; i < n_shm; i++)
		shmctl(g_shm[i], IPC_RMID, NULL);
	for (int i = 0; i < n_sem; i++)
		semctl(g_sem[i], 0, IPC_RMID);
	n_kids = n_msg = n_shm = n_sem = 0;
}

static void on_signal(int sig)
{
	cleanup_all();
	_exit(128 + sig);
}

static int suite_init(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return 0;
}

static int suite_clean(void)
{
	cleanup_all();
	return 0;
}

static int new_msg(void)
{
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	if (id >= 0)
		track(g_msg, &n_msg, id);
	return id;
}

static int new_shm(size_t size)
{
	int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);

	if (id >= 0)
		track(g_shm, &n_shm, id);
	return id;
}

static int new_sem(int n)
{
	int id = semget(IPC_PRIVATE, n, IPC_CREAT | 0600);

	if (id >= 0)
		track(g_sem, &n_sem, id);
	return id;
}

/* ---- children ---- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void pause_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

struct kid {
	pid_t pid;
	int ready;	/* read end: the child writes one byte when set up */
	int go;		/* write end: closing it tells the child to exit */
};

typedef void (*kid_fn)(void *arg);

/* Forks a child running fn(arg), then blocking until told to go. Waits for its ready byte. */
static bool spawn(struct kid *k, kid_fn fn, void *arg)
{
	int rp[2], gp[2];
	struct pollfd pfd;
	char c;

	if (pipe2(rp, O_CLOEXEC) < 0 || pipe2(gp, O_CLOEXEC) < 0)
		return false;
	k->pid = fork();
	if (k->pid < 0)
		return false;
	if (k->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* keep only our two pipe ends: an inherited copy of a sibling's "go" end would
		 * keep that sibling from ever seeing EOF */
		if (dup2(rp[1], 100) < 0 || dup2(gp[0], 101) < 0)
			_exit(2);
		close_range(3, 99, 0);
		close_range(102, ~0U, 0);
		rp[1] = 100;
		gp[0] = 101;
		if (fn)
			fn(arg);
		c = 'r';
		if (write(rp[1], &c, 1) != 1)
			_exit(2);
		while (read(gp[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	track(g_kids, &n_kids, k->pid);
	close(rp[1]);
	close(gp[0]);
	k->ready = rp[0];
	k->go = gp[1];
	pfd = (struct pollfd){ .fd = k->ready, .events = POLLIN };
	return poll(&pfd, 1, DEADLINE_MS) == 1 && read(k->ready, &c, 1) == 1;
}

/* Tells the child to exit (or kills it) and reaps it. */
static int finish(struct kid *k, bool kill_it)
{
	int status = -1;

	if (kill_it)
		kill(k->pid, SIGKILL);
	close(k->go);
	close(k->ready);
	waitpid(k->pid, &status, 0);
	for (int i = 0; i < n_kids; i++)
		if (g_kids[i] == k->pid)
			g_kids[i] = 0;
	return status;
}

static char state_of(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static bool wait_state(pid_t pid, char want)
{
	double end = now_ms() + DEADLINE_MS;

	while (state_of(pid) != want && now_ms() < end)
		pause_ms(2);
	return state_of(pid) == want;
}

/* ---- snapshots ---- */

static struct snapshot *live_snapshot(void)
{
	struct collector *c;
	struct snapshot *s = NULL;
	int err = 0;

	c = collector_new(&(struct collect_opts){ .sysroot = "/", .self = getpid() }, &err);
	if (!c)
		return NULL;
	if (collector_collect(c, &s) < 0)
		s = NULL;
	collector_free(c);
	if (s)
		snapshot_sort(s);
	return s;
}

static bool has_error(const struct snapshot *s, const char *where, const char *error)
{
	for (size_t i = 0; i < s->n_errors; i++)
		if (strcmp(s->errors[i].where, where) == 0 && strcmp(s->errors[i].error, error) == 0)
			return true;
	return false;
}

/* p->error set by proc_table (other probes may explain their own unknowns there too) */
static bool own_error(const struct proc_rec *p)
{
	static const char *const files[] = { "stat:", "status:", "cmdline:" };

	for (size_t i = 0; p->error && i < sizeof(files) / sizeof(files[0]); i++)
		if (strncmp(p->error, files[i], strlen(files[i])) == 0)
			return true;
	return false;
}

/* ---- message queue ---- */

static void test_msg_queue(void)
{
	static const size_t sizes[] = { 1, 100, 1000, 3 };
	struct { long type; char text[1000]; } m = { 1, { 0 } };
	struct msqid_ds ds;
	const struct msgq_rec *q;
	struct snapshot *s;
	int id = new_msg();
	size_t total = 0;

	CU_ASSERT_FATAL(id >= 0);
	/* a known capacity, lower than the default so it also works unprivileged */
	CU_ASSERT_FATAL(msgctl(id, IPC_STAT, &ds) == 0);
	ds.msg_qbytes = 8000;
	CU_ASSERT_FATAL(msgctl(id, IPC_SET, &ds) == 0);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		m.type = (long)i + 1;
		CU_ASSERT_FATAL(msgsnd(id, &m, sizes[i], IPC_NOWAIT) == 0);
		total += sizes[i];
	}

	s = live_snapshot();
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	q = snapshot_find_msgq(s, id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_EQUAL(q->perm.key, 0);
	CU_ASSERT_EQUAL(q->perm.mode, 0600u);
	CU_ASSERT_EQUAL(q->perm.uid, getuid());
	CU_ASSERT_EQUAL(q->perm.cuid, getuid());
	CU_ASSERT_EQUAL(q->messages, 4);
	CU_ASSERT_EQUAL(q->bytes, (int64_t)total);
	CU_ASSERT_EQUAL(q->max_bytes, 8000);
	CU_ASSERT_EQUAL(q->last_send_pid, getpid());
	CU_ASSERT_EQUAL(q->last_recv_pid, 0);
	CU_ASSERT_TRUE(q->stime > 0);
	CU_ASSERT_EQUAL(q->rtime, 0);
	CU_ASSERT_PTR_NULL(q->error);
	snapshot_unref(s);

	/* observing took nothing out */
	CU_ASSERT_FATAL(msgctl(id, IPC_STAT, &ds) == 0);
	CU_ASSERT_EQUAL(ds.msg_qnum, 4u);

	CU_ASSERT_EQUAL(msgctl(id, IPC_RMID, NULL), 0);
	s = live_snapshot();
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NULL(snapshot_find_msgq(s, id));
	snapshot_unref(s);
}

/* ---- shared memory attached by two children ---- */

static void attach_kid(void *arg)
{
	char *p = shmat(*(int *)arg, NULL, 0);

	if (p == (void *)-1)
		_exit(3);
	p[0] = 'x';
}

static void test_shm_two_children(void)
{
	struct kid a, b;
	struct shmid_ds ds;
	const struct shm_rec *m;
	struct snapshot *s;
	pid_t lo, hi;
	int id = new_shm(16384);

	CU_ASSERT_FATAL(id >= 0);
	CU_ASSERT_FATAL(spawn(&a, attach_kid, &id));
	CU_ASSERT_FATAL(spawn(&b, attach_kid, &id));
	lo = a.pid < b.pid ? a.pid : b.pid;
	hi = a.pid < b.pid ? b.pid : a.pid;
	CU_ASSERT_FATAL(shmctl(id, IPC_STAT, &ds) == 0);
	CU_ASSERT_EQUAL_FATAL(ds.shm_nattch, 2u);

	s = live_snapshot();
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	m = snapshot_find_shm(s, id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->size, 16384);
	CU_ASSERT_EQUAL(m->nattch, 2);
	CU_ASSERT_EQUAL(m->creator_pid, getpid());
	CU_ASSERT_TRUE(m->last_pid == a.pid || m->last_pid == b.pid);
	CU_ASSERT_EQUAL(m->perm.mode, 0600u);
	CU_ASSERT_FALSE(m->destroy_pending);
	CU_ASSERT_TRUE(m->rss >= 4096);		/* the children touched a page */
	CU_ASSERT_EQUAL(m->swap, 0);
	CU_ASSERT_EQUAL_FATAL(m->n_attached, 2u);
	CU_ASSERT_EQUAL(m->attached_pids[0], lo);
	CU_ASSERT_EQUAL(m->attached_pids[1], hi);
	snapshot_unref(s);

	/* taking the snapshot attached nothing */
	CU_ASSERT_FATAL(shmctl(id, IPC_STAT, &ds) == 0);
	CU_ASSERT_EQUAL(ds.shm_nattch, 2u);

	/* removed while attached: destroy pending, still listed */
	CU_ASSERT_EQUAL(shmctl(id, IPC_RMID, NULL), 0);
	s = live_snapshot();
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	m = snapshot_find_shm(s, id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_TRUE(m->destroy_pending);
	CU_ASSERT_EQUAL(m->perm.mode, 0600u);
	CU_ASSERT_EQUAL(m->nattch, 2);
	snapshot_unref(s);

	CU_ASSERT_EQUAL(finish(&a, false), 0);
	CU_ASSERT_EQUAL(finish(&b, false), 0);
	s = live_snapshot();
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NULL(snapshot_find_shm(s, id));
	CU_ASSERT_PTR_NULL(snapshot_find_proc(s, a.pid));
	CU_ASSERT_PTR_NULL(snapshot_find_proc(s, b.pid));
	snapshot_unref(s);
}

/* ---- a semaphore set with a child blocked in semop ---- */

static void semwait_kid(int id)
{
	struct sembuf op = { .sem_num = 1, .sem_op = -1 };

	if (semop(id, &op, 1) < 0)
		_exit(errno == EIDRM ? 0 : 4);
	_exit(5);	/* nobody ever posts: unreachable */
}

static void test_sem_blocked(void)
{
	unsigned short init[3] = { 2, 0, 7 }, now[3];
	union semun arg = { .array = init };
	const struct sem_rec *e;
	const struct proc_rec *p;
	struct snapshot *s;
	struct kid k;
	double end;
	int id = new_sem(3), status;

	CU_ASSERT_FATAL(id >= 0);
	CU_ASSERT_FATAL(semctl(id, 0, SETALL, arg) == 0);
	/* the child cannot announce that it blocked: wait for GETNCNT instead */
	k.pid = fork();
	CU_ASSERT_FATAL(k.pid >= 0);
	if (k.pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		semwait_kid(id);
	}
	track(g_kids, &n_kids, k.pid);
	end = now_ms() + DEADLINE_MS;
	while (semctl(id, 1, GETNCNT) != 1 && now_ms() < end)
		pause_ms(2);
	CU_ASSERT_EQUAL_FATAL(semctl(id, 1, GETNCNT), 1);
	CU_ASSERT_FATAL(wait_state(k.pid, 'S'));	/* queued, then asleep */

	s = live_snapshot();
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	e = snapshot_find_sem(s, id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->nsems, 3);
	CU_ASSERT_EQUAL(e->perm.mode, 0600u);
	CU_ASSERT_PTR_NULL(e->error);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e->values);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e->wait_increase);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e->wait_zero);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e->last_pids);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(e->values[i], init[i]);
		CU_ASSERT_EQUAL(e->wait_increase[i], i == 1 ? 1 : 0);
		CU_ASSERT_EQUAL(e->wait_zero[i], 0);
		CU_ASSERT_EQUAL(e->last_pids[i], getpid());	/* SETALL sets sempid */
	}
	p = snapshot_find_proc(s, k.pid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->state, 'S');
	CU_ASSERT_EQUAL(p->ppid, getpid());
	snapshot_unref(s);

	/* reading changed no value and woke nobody */
	arg.array = now;
	CU_ASSERT_FATAL(semctl(id, 0, GETALL, arg) == 0);
	CU_ASSERT_EQUAL(memcmp(now, init, sizeof(now)), 0);
	CU_ASSERT_EQUAL(semctl(id, 1, GETNCNT), 1);

	/* removing the set wakes the child with EIDRM; it exits 0 */
	CU_ASSERT_EQUAL(semctl(id, 0, IPC_RMID), 0);
	CU_ASSERT_EQUAL(waitpid(k.pid, &status, 0), k.pid);
	CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	for (int i = 0; i < n_kids; i++)
		if (g_kids[i] == k.pid)
			g_kids[i] = 0;
	s = live_snapshot();
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NULL(snapshot_find_sem(s, id));
	CU_ASSERT_PTR_NULL(snapshot_find_proc(s, k.pid));
	snapshot_unref(s);
}

/* ---- signals: SIGUSR1 blocked and pending ---- */

static void block_usr1(void *arg)
{
	sigset_t set;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGUSR2, SIG_IGN);
}

static void test_signal_pending(void)
{
	const struct proc_rec *p;
	struct snapshot *s;
	struct kid k;

	CU_ASSERT_FATAL(spawn(&k, block_usr1, NULL));
	CU_ASSERT_FATAL(kill(k.pid, SIGUSR1) == 0);	/* process-directed: ShdPnd */
	s = live_snapshot();
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	p = snapshot_find_proc(s, k.pid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_TRUE(p->sig_known);
	CU_ASSERT_EQUAL(p->sig[SIGSET_SHARED_PENDING], 1ULL << (SIGUSR1 - 1));
	CU_ASSERT_EQUAL(p->sig[SIGSET_PENDING], 0u);
	CU_ASSERT_TRUE(p->sig[SIGSET_BLOCKED] & (1ULL << (SIGUSR1 - 1)));
	CU_ASSERT_TRUE(p->sig[SIGSET_IGNORED] & (1ULL << (SIGUSR2 - 1)));
	CU_ASSERT_EQUAL(p->ppid, getpid());
	CU_ASSERT_EQUAL(p->uid, getuid());
	CU_ASSERT_TRUE(p->sigq_queued >= 1);
	CU_ASSERT_TRUE(p->sigq_limit > 0);
	CU_ASSERT_FALSE(p->zombie);
	CU_ASSERT_FALSE(p->orphan);
	CU_ASSERT_FALSE(own_error(p));
	/* ipctop's own process is left out */
	CU_ASSERT_PTR_NULL(snapshot_find_proc(s, getpid()));
	snapshot_unref(s);
	finish(&k, true);
}

/* ---- libproc2 and the own parsers agree ---- */

static struct snapshot *table_only(enum proc_table_source src)
{
	struct probe_ctx ctx = { 0 };
	void *st = NULL;
	int rc;

	ctx.snap = snapshot_new();
	ctx.rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ctx.procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ctx.live = true;
	ctx.self = getpid();
	arena_init(&ctx.scratch);
	rc = proc_table_collect_from(&ctx, &st, src);
	CU_ASSERT_EQUAL(rc, 0);
	proc_table_fini(st);
	arena_fini(&ctx.scratch);
	close(ctx.procfd);
	close(ctx.rootfd);
	snapshot_sort(ctx.snap);
	return ctx.snap;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void compare_rec(const struct snapshot *a, const struct snapshot *b, pid_t pid,
			bool check_state)
{
	const struct proc_rec *x = snapshot_find_proc(a, pid), *y = snapshot_find_proc(b, pid);

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	CU_ASSERT_EQUAL(x->ppid, y->ppid);
	CU_ASSERT_EQUAL(x->pgid, y->pgid);
	CU_ASSERT_EQUAL(x->sid, y->sid);
	CU_ASSERT_EQUAL(x->start_ticks, y->start_ticks);
	if (check_state)
		CU_ASSERT_EQUAL(x->state, y->state);
	CU_ASSERT_TRUE(same_str(x->comm, y->comm));
	CU_ASSERT_TRUE(same_str(x->cmdline, y->cmdline));
	CU_ASSERT_EQUAL(x->uid, y->uid);
	CU_ASSERT_EQUAL(x->nthreads, y->nthreads);
	CU_ASSERT_EQUAL(x->kthread, y->kthread);
	CU_ASSERT_EQUAL(x->zombie, y->zombie);
	CU_ASSERT_EQUAL(x->orphan, y->orphan);
	CU_ASSERT_EQUAL(x->sig_known, y->sig_known);
	CU_ASSERT_EQUAL(memcmp(x->sig, y->sig, sizeof(x->sig)), 0);
	/* SigQ's queued count is per user, machine-wide: other processes move it */
	CU_ASSERT_EQUAL(x->sigq_limit, y->sigq_limit);
	CU_ASSERT_TRUE(x->sigq_queued >= 0 && y->sigq_queued >= 0);
	CU_ASSERT_TRUE(same_str(x->error, y->error));
}

static void test_paths_agree(void)
{
	struct kid sig;
	pid_t sleeper, zombie, stopped;
	struct snapshot *a, *b;
	const struct proc_rec *p;
	int status;

	CU_ASSERT_FATAL(spawn(&sig, block_usr1, NULL));
	CU_ASSERT_FATAL(kill(sig.pid, SIGUSR1) == 0);
	sleeper = fork();
	CU_ASSERT_FATAL(sleeper >= 0);
	if (sleeper == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl("/bin/sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	track(g_kids, &n_kids, sleeper);
	zombie = fork();
	CU_ASSERT_FATAL(zombie >= 0);
	if (zombie == 0)
		_exit(7);
	track(g_kids, &n_kids, zombie);
	stopped = fork();
	CU_ASSERT_FATAL(stopped >= 0);
	if (stopped == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	track(g_kids, &n_kids, stopped);
	CU_ASSERT_FATAL(kill(stopped, SIGSTOP) == 0);
	CU_ASSERT_FATAL(wait_state(zombie, 'Z'));
	CU_ASSERT_FATAL(wait_state(stopped, 'T'));
	/* the sleeper has exec'd once its comm says so */
	{
		double end = now_ms() + DEADLINE_MS;
		char path[64], comm[32] = "";

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)sleeper);
		while (strcmp(comm, "sleep\n") != 0 && now_ms() < end) {
			FILE *f = fopen(path, "r");

			if (f) {
				if (!fgets(comm, sizeof(comm), f))
					comm[0] = '\0';
				fclose(f);
			}
			if (strcmp(comm, "sleep\n") != 0)
				pause_ms(2);
		}
		CU_ASSERT_STRING_EQUAL_FATAL(comm, "sleep\n");
	}

	/* asleep, so that both reads see the same state */
	CU_ASSERT_FATAL(wait_state(sig.pid, 'S'));
	CU_ASSERT_FATAL(wait_state(sleeper, 'S'));

	a = table_only(PROC_TABLE_AUTO);
	b = table_only(PROC_TABLE_PARSER);
	compare_rec(a, b, sig.pid, true);
	compare_rec(a, b, sleeper, true);
	compare_rec(a, b, zombie, true);
	compare_rec(a, b, stopped, true);
	/* kthreadd, where this pid namespace shows it; it may wake between the two reads */
	p = snapshot_find_proc(b, 2);
	if (p && p->kthread)
		compare_rec(a, b, 2, false);

	p = snapshot_find_proc(a, sleeper);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->comm, "sleep");
	CU_ASSERT_STRING_EQUAL(p->cmdline, "sleep 60");
	p = snapshot_find_proc(a, zombie);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_TRUE(p->zombie);
	CU_ASSERT_STRING_EQUAL(p->cmdline, "");
	p = snapshot_find_proc(b, stopped);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->state, 'T');
	p = snapshot_find_proc(a, 2);
	if (p && p->kthread)
		CU_ASSERT_STRING_EQUAL(p->cmdline, "");
	CU_ASSERT_PTR_NULL(snapshot_find_proc(a, getpid()));
	CU_ASSERT_PTR_NULL(snapshot_find_proc(b, getpid()));
	snapshot_unref(a);
	snapshot_unref(b);

	finish(&sig, true);
	kill(sleeper, SIGKILL);
	kill(stopped, SIGKILL);
	waitpid(sleeper, &status, 0);
	waitpid(zombie, &status, 0);
	CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 7);
	waitpid(stopped, &status, 0);
	for (int i = 0; i < n_kids; i++)
		if (g_kids[i] == sleeper || g_kids[i] == zombie || g_kids[i] == stopped)
			g_kids[i] = 0;
}

/* ---- an unprivileged observer: refused semctl/msgctl are data ---- */

static void test_unprivileged(void)
{
	int msg = new_msg(), sem = new_sem(2), status = -1;
	pid_t pid;

	CU_ASSERT_FATAL(msg >= 0 && sem >= 0);
	if (getuid() != 0) {
		/* the objects are the caller's own: nothing would be refused */
		test_skip("not root: the objects are the caller's own, nothing would be refused");
		return;
	}
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		struct snapshot *s;
		const struct sem_rec *e;
		const struct msgq_rec *q;
		char where[64];
		int bad = 0;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(90);
		s = live_snapshot();
		if (!s)
			_exit(91);
		e = snapshot_find_sem(s, sem);
		q = snapshot_find_msgq(s, msg);
		bad |= !e << 0;
		bad |= !q << 1;
		if (e) {
			snprintf(where, sizeof(where), "sem:%d semctl", sem);
			bad |= (e->values || e->wait_increase || e->wait_zero || e->last_pids) << 2;
			bad |= !has_error(s, where, "EACCES") << 3;
			bad |= (e->nsems != 2) << 4;
		}
		if (q) {
			snprintf(where, sizeof(where), "msg:%d msgctl", msg);
			bad |= (q->max_bytes != SNAP_UNKNOWN) << 5;
			bad |= !has_error(s, where, "EACCES") << 6;
			bad |= (q->messages != 0) << 7;
		}
		snapshot_unref(s);
		_exit(bad);
	}
	track(g_kids, &n_kids, pid);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "unprivileged observer: status %#x\n", status);
	CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	for (int i = 0; i < n_kids; i++)
		if (g_kids[i] == pid)
			g_kids[i] = 0;
	CU_ASSERT_EQUAL(msgctl(msg, IPC_RMID, NULL), 0);
	CU_ASSERT_EQUAL(semctl(sem, 0, IPC_RMID), 0);
}

void test_register(void)
{
	TEST_SUITE("live_sysv", suite_init, suite_clean,
		   "message queue: N messages of known sizes", test_msg_queue,
		   "segment attached by two children", test_shm_two_children,
		   "semaphore set with a child blocked in semop", test_sem_blocked,
		   "SIGUSR1 blocked and pending", test_signal_pending,
		   "libproc2 and own parsers give the same records", test_paths_agree,
		   "refused semctl/msgctl for an unprivileged observer", test_unprivileged);
}
