/*
 * test_live_signals.c - signals and blocking on real processes, through the sampler (every
 * probe and analysis pass, the signal trace off so events are inferred):
 * pending/blocked/caught/ignored masks, SigQ, per-thread pending, what blocked processes wait
 * on (pipe, FIFO open, semaphore, child), deadlocks through two full pipes and two semaphores
 * taken in opposite order (exact cycles), a zombie and an orphan.
 *
 * Each test creates its own children and objects, waits for conditions with deadlines and
 * removes everything (live_helpers.c), also on SIGINT/SIGTERM.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/actions.h"
#include "src/sampler.h"
#include "src/signames.h"
#include "tests/unit/live_helpers.h"
#include "tests/unit/testmain.h"

#define DEADLINE 10.0

static struct sampler *sm;

static int suite_init(void)
{
	struct collect_opts o = { .sysroot = "/", .self = getpid(), .trace_signals = false };
	int err;

	live_init();
	sm = sampler_new(&o, &err);
	return sm ? 0 : -1;
}

static int suite_clean(void)
{
	live_cleanup();
	sampler_free(sm);
	return 0;
}

static uint64_t bit(int sig)
{
	return 1ULL << (sig - 1);
}

/* ---- child bodies ---------------------------------------------------------------------------- */

struct child_args {
	int ready;		/* write end: the child says it is set up */
	int go;			/* read end: the test says go on */
	int fds[4];
	int sem1, sem2;
	const char *path;
	int sig;
	uid_t uid;
};

static void block(int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static void child_blocker(void *arg)
{
	struct child_args *a = arg;

	block(SIGUSR1);
	block(SIGUSR2);
	raise(SIGUSR2);		/* thread-directed: stays in the thread's own pending set */
	live_write_byte(a->ready, 'r');
	for (;;)
		pause();
}

static void child_rt(void *arg)
{
	struct child_args *a = arg;

	/* SigQ counts per real uid: a uid of its own keeps other processes' signals out */
	if (a->uid && setresuid(a->uid, a->uid, a->uid) < 0)
		_exit(3);
	prctl(PR_SET_PDEATHSIG, SIGKILL);	/* the uid change cleared it */
	block(a->sig);
	live_write_byte(a->ready, 'r');
	for (;;)
		pause();
}

static void on_usr2(int sig)
{
	(void)sig;
}

static void child_catcher(void *arg)
{
	struct child_args *a = arg;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	live_write_byte(a->ready, 'r');
	for (;;)
		pause();
}

static void *thread_blocker(void *arg)
{
	struct child_args *a = arg;
	pid_t tid = (pid_t)syscall(SYS_gettid);

	block(SIGUSR2);
	if (write(a->ready, &tid, sizeof(tid)) != sizeof(tid))
		_exit(4);
	for (;;)
		pause();
	return NULL;
}

static void child_threads(void *arg)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_blocker, arg) != 0)
		_exit(5);
	for (;;)
		pause();
}

/* fds[0]: writes into it until it blocks; fds[1]: keeps open (it should read it, but does
 * not); fds[2], fds[3]: ends it must not hold, closed. */
static void child_pipe_writer(void *arg)
{
	struct child_args *a = arg;
	static char buf[65536];

	close(a->fds[2]);
	close(a->fds[3]);
	live_write_byte(a->ready, 'r');
	for (;;)
		if (write(a->fds[0], buf, sizeof(buf)) < 0 && errno != EINTR)
			_exit(6);
}

static void child_sem(void *arg)
{
	struct child_args *a = arg;
	struct sembuf p = { 0, -1, 0 };

	if (semop(a->sem1, &p, 1) < 0)
		_exit(7);
	live_write_byte(a->ready, 'r');
	if (live_read_byte(a->go, DEADLINE) < 0)
		_exit(8);
	semop(a->sem2, &p, 1);	/* blocks: the other child holds it */
	_exit(0);
}

static void child_fifo_open(void *arg)
{
	struct child_args *a = arg;

	live_write_byte(a->ready, 'r');
	open(a->path, O_RDONLY);	/* blocks: nobody opens it for writing */
	_exit(0);
}

static void child_waiter(void *arg)
{
	struct child_args *a = arg;	/* sig: 1 = wait for that pid, 0 = for any child */
	pid_t me = getpid(), g = fork();

	if (g < 0)
		_exit(9);
	if (g == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* dies with the waiter */
		if (getppid() != me)
			_exit(1);
		for (;;)
			pause();
	}
	if (write(a->ready, &g, sizeof(g)) != sizeof(g))
		_exit(10);
	waitpid(a->sig ? g : -1, NULL, 0);
	_exit(0);
}

static void child_exit_on_go(void *arg)
{
	struct child_args *a = arg;

	live_write_byte(a->ready, 'r');
	live_read_byte(a->go, DEADLINE);
	_exit(0);
}

/* fds[0]: a pipe read end whose writer is the test: the orphan lives until the test closes
 * it. The middle child forks it, reports its pid, and exits when told. */
static void child_orphan_maker(void *arg)
{
	struct child_args *a = arg;
	pid_t o;
	char c;

	close(a->fds[1]);	/* only the test holds the write end */
	o = fork();
	if (o < 0)
		_exit(11);
	if (o == 0) {
		while (read(a->fds[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	if (write(a->ready, &o, sizeof(o)) != sizeof(o))
		_exit(12);
	live_read_byte(a->go, DEADLINE);
	_exit(0);
}

/* ---- predicates -------------------------------------------------------------------------- */

struct want {
	pid_t pid, pid2, tid;
	uint64_t mask;
	int64_t queued;
	bool queued_at_least;	/* SigQ counts the whole real uid's queued signals: shared */
	enum wait_kind kind;
	const char *object;
	size_t inferred_seen;	/* events of pid seen so far (each) */
	int inferred_sig;
};

static bool proc_seen(const struct snapshot *s, void *arg)
{
	return snapshot_find_proc(s, ((struct want *)arg)->pid) != NULL;
}

static bool pending_shown(const struct snapshot *s, void *arg)
{
	struct want *w = arg;
	const struct proc_rec *p = snapshot_find_proc(s, w->pid);

	return p && p->sig_known && (p->sig[SIGSET_SHARED_PENDING] & w->mask) == w->mask &&
	       w->inferred_seen > 0;
}

static void count_inferred(const struct snapshot *s, void *arg)
{
	struct want *w = arg;

	for (size_t i = 0; i < s->n_sigevents; i++) {
		const struct sig_event *e = &s->sigevents[i];

		if (e->target_pid == w->pid && e->signo == w->inferred_sig && e->inferred &&
		    e->result == SIGRES_BLOCKED && e->sender_pid == 0)
			w->inferred_seen++;
	}
}

static bool pending_shown_only(const struct snapshot *s, void *arg)
{
	struct want *w = arg;
	const struct proc_rec *p = snapshot_find_proc(s, w->pid);

	return p && p->sig_known && (p->sig[SIGSET_SHARED_PENDING] & w->mask) == w->mask;
}

static bool sigq_shown(const struct snapshot *s, void *arg)
{
	struct want *w = arg;
	const struct proc_rec *p = snapshot_find_proc(s, w->pid);

	return p && p->sig_known && (p->sig[SIGSET_SHARED_PENDING] & w->mask) &&
	       (w->queued_at_least ? p->sigq_queued >= w->queued : p->sigq_queued == w->queued);
}

static bool masks_shown(const struct snapshot *s, void *arg)
{
	struct want *w = arg;
	const struct proc_rec *p = snapshot_find_proc(s, w->pid);

	return p && p->sig_known && (p->sig[SIGSET_CAUGHT] & bit(SIGUSR2)) &&
	       (p->sig[SIGSET_IGNORED] & bit(SIGHUP)) && p->waiting.kind == WAIT_SIGNAL_WAIT;
}

static bool thread_shown(const struct snapshot *s, void *arg)
{
	struct want *w = arg;

	for (size_t i = 0; i < s->n_threads; i++) {
		const struct thread_rec *t = &s->threads[i];

		if (t->tgid == w->pid && t->tid == w->tid && (t->pending & bit(SIGUSR2)) &&
		    (t->blocked & bit(SIGUSR2)))
			return true;
	}
	return false;
}

static bool waits_on(const struct snapshot *s, void *arg)
{
	struct want *w = arg;
	const struct proc_rec *p = snapshot_find_proc(s, w->pid);

	return p && p->waiting.kind == w->kind &&
	       (!w->object || (p->waiting.object && strcmp(p->waiting.object, w->object) == 0));
}

struct want_cycle {
	pid_t pids[2];
	const char *objects[2];
};

static bool cycle_shown(const struct snapshot *s, void *arg)
{
	struct want_cycle *w = arg;

	for (size_t i = 0; i < s->n_deadlocks; i++) {
		const struct deadlock_rec *d = &s->deadlocks[i];

		if (d->n_pids == 2 && d->n_objects == 2 && d->pids[0] == w->pids[0] &&
		    d->pids[1] == w->pids[1] && d->objects[0] && d->objects[1] &&
		    strcmp(d->objects[0], w->objects[0]) == 0 &&
		    strcmp(d->objects[1], w->objects[1]) == 0)
			return true;
	}
	return false;
}

static void show_deadlocks(const struct snapshot *s, pid_t a, pid_t b)
{
	const struct proc_rec *pa = snapshot_find_proc(s, a), *pb = snapshot_find_proc(s, b);

	fprintf(stderr, "deadlocks: %zu\n", s->n_deadlocks);
	for (size_t i = 0; i < s->n_deadlocks; i++)
		for (size_t k = 0; k < s->deadlocks[i].n_pids; k++)
			fprintf(stderr, "  %d -> %s\n", (int)s->deadlocks[i].pids[k],
				s->deadlocks[i].objects[k]);
	if (pa)
		fprintf(stderr, "  %d waits %s %s\n", (int)a, wait_kind_name(pa->waiting.kind),
			pa->waiting.object ? pa->waiting.object : "-");
	if (pb)
		fprintf(stderr, "  %d waits %s %s\n", (int)b, wait_kind_name(pb->waiting.kind),
			pb->waiting.object ? pb->waiting.object : "-");
}

/* ---- tests --------------------------------------------------------------------------------- */

static int new_pipe(int fds[2])
{
	return pipe2(fds, O_CLOEXEC);
}

static void test_blocked_signal_pending(void)
{
	int rd[2];
	struct child_args a;
	struct want w = { 0 };
	struct snapshot *s = NULL;
	const struct proc_rec *p;

	CU_ASSERT_FATAL(new_pipe(rd) == 0);
	a.ready = rd[1];
	w.pid = live_spawn(child_blocker, &a);
	close(rd[1]);
	CU_ASSERT_FATAL(live_read_byte(rd[0], DEADLINE) == 'r');
	/* seen once before the signal, so its arrival is a change the sampler can infer */
	CU_ASSERT_TRUE(live_wait(sm, proc_seen, NULL, &w, DEADLINE, NULL));
	CU_ASSERT_FATAL(kill(w.pid, SIGUSR1) == 0);
	w.mask = bit(SIGUSR1);
	w.inferred_sig = SIGUSR1;
	CU_ASSERT_TRUE(live_wait(sm, pending_shown, count_inferred, &w, DEADLINE, &s));
	p = snapshot_find_proc(s, w.pid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_TRUE(p->sig[SIGSET_SHARED_PENDING] & bit(SIGUSR1));
	CU_ASSERT_TRUE(p->sig[SIGSET_BLOCKED] & bit(SIGUSR1));
	CU_ASSERT_TRUE(p->sig[SIGSET_PENDING] & bit(SIGUSR2));	/* raise(): thread pending */
	CU_ASSERT_FALSE(p->sig[SIGSET_SHARED_PENDING] & bit(SIGUSR2));
	CU_ASSERT_EQUAL(w.inferred_seen, 1);
	CU_ASSERT_EQUAL(p->waiting.kind, WAIT_SIGNAL_WAIT);	/* pause() */
	snapshot_unref(s);
	live_kill(w.pid);
	close(rd[0]);
}

static void test_rt_signal_queued(void)
{
	int rd[2];
	struct child_args a = { 0 };
	struct want w = { 0 };
	union sigval v = { .sival_int = 0 };
	struct snapshot *s = NULL;

	CU_ASSERT_FATAL(new_pipe(rd) == 0);
	a.ready = rd[1];
	a.sig = SIGRTMIN + 2;
	a.uid = geteuid() == 0 ? (uid_t)(40000 + getpid() % 20000) : 0;
	w.pid = live_spawn(child_rt, &a);
	close(rd[1]);
	CU_ASSERT_FATAL(live_read_byte(rd[0], DEADLINE) == 'r');
	for (int i = 0; i < 3; i++) {
		v.sival_int = i;
		CU_ASSERT(sigqueue(w.pid, SIGRTMIN + 2, v) == 0);
	}
	w.mask = bit(SIGRTMIN + 2);
	w.queued = 3;
	/* as root the child runs under a uid of its own, so SigQ is exactly its 3; otherwise the
	 * count is the user's, which the user's other processes may add to */
	w.queued_at_least = a.uid == 0;
	CU_ASSERT_TRUE(live_wait(sm, sigq_shown, NULL, &w, DEADLINE, &s));
	if (s && snapshot_find_proc(s, w.pid))
		fprintf(stderr, "SigQ queued %lld / %lld\n",
			(long long)snapshot_find_proc(s, w.pid)->sigq_queued,
			(long long)snapshot_find_proc(s, w.pid)->sigq_limit);
	snapshot_unref(s);
	live_kill(w.pid);
	close(rd[0]);
}

static void test_caught_and_ignored(void)
{
	int rd[2];
	struct child_args a;
	struct want w = { 0 };

	CU_ASSERT_FATAL(new_pipe(rd) == 0);
	a.ready = rd[1];
	w.pid = live_spawn(child_catcher, &a);
	close(rd[1]);
	CU_ASSERT_FATAL(live_read_byte(rd[0], DEADLINE) == 'r');
	CU_ASSERT_TRUE(live_wait(sm, masks_shown, NULL, &w, DEADLINE, NULL));
	live_kill(w.pid);
	close(rd[0]);
}

static void test_thread_pending(void)
{
	int rd[2];
	struct child_args a;
	struct want w = { 0 };

	CU_ASSERT_FATAL(new_pipe(rd) == 0);
	a.ready = rd[1];
	w.pid = live_spawn(child_threads, &a);
	close(rd[1]);
	CU_ASSERT_FATAL(live_read_all(rd[0], &w.tid, sizeof(w.tid), DEADLINE));
	CU_ASSERT_FATAL(syscall(SYS_tgkill, w.pid, w.tid, SIGUSR2) == 0);
	CU_ASSERT_TRUE(live_wait(sm, thread_shown, NULL, &w, DEADLINE, NULL));
	live_kill(w.pid);
	close(rd[0]);
}

static uint64_t inode_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static void test_pipe_deadlock(void)
{
	int q1[2], q2[2], rd[2];
	struct child_args ca = { 0 }, cb = { 0 };
	struct want_cycle wc;
	char o1[64], o2[64];
	pid_t pa, pb;
	struct snapshot *s = NULL;
	bool ok;

	CU_ASSERT_FATAL(pipe(q1) == 0 && pipe(q2) == 0 && new_pipe(rd) == 0);
	snprintf(o1, sizeof(o1), "pipe:%llu", (unsigned long long)inode_of(q1[0]));
	snprintf(o2, sizeof(o2), "pipe:%llu", (unsigned long long)inode_of(q2[0]));
	/* A writes q1 and should read q2; B writes q2 and should read q1; neither reads */
	ca.ready = cb.ready = rd[1];
	ca.fds[0] = q1[1];
	ca.fds[1] = q2[0];
	ca.fds[2] = q1[0];
	ca.fds[3] = q2[1];
	cb.fds[0] = q2[1];
	cb.fds[1] = q1[0];
	cb.fds[2] = q2[0];
	cb.fds[3] = q1[1];
	pa = live_spawn(child_pipe_writer, &ca);
	pb = live_spawn(child_pipe_writer, &cb);
	close(q1[0]);
	close(q1[1]);
	close(q2[0]);
	close(q2[1]);
	close(rd[1]);
	CU_ASSERT_FATAL(live_read_byte(rd[0], DEADLINE) == 'r');
	CU_ASSERT_FATAL(live_read_byte(rd[0], DEADLINE) == 'r');
	close(rd[0]);
	if (pa < pb)
		wc = (struct want_cycle){ { pa, pb }, { o1, o2 } };
	else
		wc = (struct want_cycle){ { pb, pa }, { o2, o1 } };
	ok = live_wait(sm, cycle_shown, NULL, &wc, DEADLINE, &s);
	CU_ASSERT_TRUE(ok);
	if (!ok && s)
		show_deadlocks(s, pa, pb);
	snapshot_unref(s);
	live_kill(pa);
	live_kill(pb);
}

static void test_sem_deadlock(void)
{
	int rd[2], go[2], s1, s2;
	struct child_args a = { 0 }, b = { 0 };
	struct want_cycle wc;
	char o1[32], o2[32];
	pid_t pa, pb;
	struct snapshot *s = NULL;
	struct sembuf v = { 0, 1, 0 };
	bool ok;

	s1 = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	s2 = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	CU_ASSERT_FATAL(s1 >= 0 && s2 >= 0);
	live_track_sem(s1);
	live_track_sem(s2);
	CU_ASSERT_FATAL(semop(s1, &v, 1) == 0 && semop(s2, &v, 1) == 0);	/* both free (1) */
	snprintf(o1, sizeof(o1), "sem:%d", s1);
	snprintf(o2, sizeof(o2), "sem:%d", s2);
	CU_ASSERT_FATAL(new_pipe(rd) == 0 && new_pipe(go) == 0);
	a = (struct child_args){ .ready = rd[1], .go = go[0], .sem1 = s1, .sem2 = s2 };
	b = (struct child_args){ .ready = rd[1], .go = go[0], .sem1 = s2, .sem2 = s1 };
	pa = live_spawn(child_sem, &a);
	CU_ASSERT_FATAL(live_read_byte(rd[0], DEADLINE) == 'r');	/* A holds s1 */
	pb = live_spawn(child_sem, &b);
	CU_ASSERT_FATAL(live_read_byte(rd[0], DEADLINE) == 'r');	/* B holds s2 */
	live_write_byte(go[1], 'g');
	live_write_byte(go[1], 'g');
	/* A waits for s2 (last taken by B), B for s1 (last taken by A) */
	if (pa < pb)
		wc = (struct want_cycle){ { pa, pb }, { o2, o1 } };
	else
		wc = (struct want_cycle){ { pb, pa }, { o1, o2 } };
	ok = live_wait(sm, cycle_shown, NULL, &wc, DEADLINE, &s);
	CU_ASSERT_TRUE(ok);
	if (!ok && s)
		show_deadlocks(s, pa, pb);
	if (ok) {
		const struct proc_rec *p = snapshot_find_proc(s, pa);

		CU_ASSERT_EQUAL(p->waiting.kind, WAIT_SEM_WAIT);
		CU_ASSERT_EQUAL(p->waiting.arg, 0);	/* the set's only semaphore has the waiter */
	}
	snapshot_unref(s);
	live_remove_sem(s1);	/* the children get EIDRM and exit */
	live_remove_sem(s2);
	CU_ASSERT(live_reap(pa, DEADLINE) >= 0);
	CU_ASSERT(live_reap(pb, DEADLINE) >= 0);
	close(rd[0]);
	close(rd[1]);
	close(go[0]);
	close(go[1]);
}

static void test_fifo_open(void)
{
	char dir[] = "/tmp/ipctop-fifo-XXXXXX", path[64];
	int rd[2];
	struct child_args a = { 0 };
	struct want w = { 0 };
	struct snapshot *s = NULL;

	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	live_track_path(dir, true);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CU_ASSERT_FATAL(mkfifo(path, 0600) == 0);
	live_track_path(path, false);
	CU_ASSERT_FATAL(new_pipe(rd) == 0);
	a.ready = rd[1];
	a.path = path;
	w.pid = live_spawn(child_fifo_open, &a);
	close(rd[1]);
	CU_ASSERT_FATAL(live_read_byte(rd[0], DEADLINE) == 'r');
	w.kind = WAIT_FIFO_OPEN;
	CU_ASSERT_TRUE(live_wait(sm, waits_on, NULL, &w, DEADLINE, &s));
	if (s && snapshot_find_proc(s, w.pid)) {
		const struct proc_rec *p = snapshot_find_proc(s, w.pid);

		CU_ASSERT_PTR_NULL(p->waiting.object);
		CU_ASSERT_PTR_NOT_NULL(p->waiting.detail && strstr(p->waiting.detail, "for reading"));
	}
	snapshot_unref(s);
	live_kill(w.pid);
	unlink(path);
	rmdir(dir);
	close(rd[0]);
}

static void check_waiter(int specific)
{
	int rd[2];
	struct child_args a = { 0 };
	struct want w = { 0 };
	char obj[32];
	pid_t g = 0;
	struct snapshot *s = NULL;

	CU_ASSERT_FATAL(new_pipe(rd) == 0);
	a.ready = rd[1];
	a.sig = specific;
	w.pid = live_spawn(child_waiter, &a);
	close(rd[1]);
	CU_ASSERT_FATAL(live_read_all(rd[0], &g, sizeof(g), DEADLINE));
	snprintf(obj, sizeof(obj), "pid:%d", (int)g);
	w.kind = WAIT_CHILD_WAIT;
	w.object = specific ? obj : NULL;
	CU_ASSERT_TRUE(live_wait(sm, waits_on, NULL, &w, DEADLINE, &s));
	if (!specific && s && snapshot_find_proc(s, w.pid)) {
		const struct proc_rec *p = snapshot_find_proc(s, w.pid);

		CU_ASSERT_PTR_NULL(p->waiting.object);
		CU_ASSERT_EQUAL(p->waiting.arg, 0);
	}
	snapshot_unref(s);
	kill(g, SIGKILL);	/* the waiter reaps it and exits */
	CU_ASSERT(live_reap(w.pid, DEADLINE) >= 0);
	close(rd[0]);
}

static void test_parent_in_wait4(void)
{
	check_waiter(1);
	check_waiter(0);
}

static bool alive_seen(const struct snapshot *s, void *arg)
{
	const struct proc_rec *p = snapshot_find_proc(s, ((struct want *)arg)->pid);

	return p && p->state != 'Z';
}

static bool zombie_shown(const struct snapshot *s, void *arg)
{
	const struct proc_rec *p = snapshot_find_proc(s, ((struct want *)arg)->pid);

	return p && p->zombie && p->state == 'Z';
}

static void test_zombie(void)
{
	int rd[2], go[2];
	struct child_args a = { 0 };
	struct want w = { 0 };
	struct snapshot *s1 = NULL, *s2 = NULL;
	double alive_at;

	CU_ASSERT_FATAL(new_pipe(rd) == 0 && new_pipe(go) == 0);
	a.ready = rd[1];
	a.go = go[0];
	w.pid = live_spawn(child_exit_on_go, &a);
	CU_ASSERT_FATAL(live_read_byte(rd[0], DEADLINE) == 'r');
	CU_ASSERT_TRUE(live_wait(sm, alive_seen, NULL, &w, DEADLINE, &s1));
	alive_at = s1 ? s1->time : 0;
	snapshot_unref(s1);
	live_write_byte(go[1], 'g');	/* it exits; the test does not reap it yet */
	CU_ASSERT_TRUE(live_wait(sm, zombie_shown, NULL, &w, DEADLINE, &s1));
	CU_ASSERT_TRUE(live_wait(sm, zombie_shown, NULL, &w, DEADLINE, &s2));
	if (s1 && s2 && snapshot_find_proc(s1, w.pid) && snapshot_find_proc(s2, w.pid)) {
		const struct proc_rec *z1 = snapshot_find_proc(s1, w.pid);
		const struct proc_rec *z2 = snapshot_find_proc(s2, w.pid);

		CU_ASSERT_EQUAL(z1->ppid, getpid());	/* the parent not reaping it */
		CU_ASSERT_TRUE(z1->zombie_since >= alive_at && z1->zombie_since <= s1->time);
		CU_ASSERT_TRUE(z1->zombie_seen_alive);
		CU_ASSERT_DOUBLE_EQUAL(z2->zombie_since, z1->zombie_since, 1e-9);	/* carried */
	}
	snapshot_unref(s1);
	snapshot_unref(s2);
	CU_ASSERT(live_reap(w.pid, DEADLINE) >= 0);
	close(rd[0]);
	close(rd[1]);
	close(go[0]);
	close(go[1]);
}

static bool orphan_shown(const struct snapshot *s, void *arg)
{
	struct want *w = arg;	/* pid: the orphan, pid2: its original parent */
	const struct proc_rec *p = snapshot_find_proc(s, w->pid);

	return p && p->orphan && p->original_ppid == w->pid2 && p->ppid == getpid();
}

static void test_orphan(void)
{
	int rd[2], go[2], life[2];
	struct child_args a = { 0 };
	struct want w = { 0 };
	pid_t mid, o = 0;

	CU_ASSERT_FATAL(new_pipe(rd) == 0 && new_pipe(go) == 0 && new_pipe(life) == 0);
	a.ready = rd[1];
	a.go = go[0];
	a.fds[0] = life[0];
	a.fds[1] = life[1];
	mid = live_spawn(child_orphan_maker, &a);
	close(life[0]);
	CU_ASSERT_FATAL(live_read_all(rd[0], &o, sizeof(o), DEADLINE));
	live_track(o);
	w.pid = o;
	w.pid2 = mid;
	CU_ASSERT_TRUE(live_wait(sm, proc_seen, NULL, &w, DEADLINE, NULL));	/* with its parent */
	live_write_byte(go[1], 'g');
	CU_ASSERT(live_reap(mid, DEADLINE) >= 0);
	/* this test process is a subreaper: the orphan is adopted by it */
	CU_ASSERT_TRUE(live_wait(sm, orphan_shown, NULL, &w, DEADLINE, NULL));
	close(life[1]);		/* the orphan reads end-of-file and exits */
	CU_ASSERT(live_reap(o, DEADLINE) >= 0);
	close(rd[0]);
	close(rd[1]);
	close(go[0]);
	close(go[1]);
}

static void child_eperm(void *arg)
{
	pid_t target = *(pid_t *)arg;

	if (setresuid(65534, 65534, 65534) < 0)
		_exit(2);
	_exit(action_send_signal(target, SIGUSR1) == -EPERM ? 0 : 1);
}

static void test_action_send_signal(void)
{
	int rd[2], list[128];
	struct child_args a = { 0 };
	struct want w = { 0 };
	size_t n;
	int status;

	CU_ASSERT_EQUAL(action_send_signal(0, SIGUSR1), -EINVAL);	/* never a group */
	CU_ASSERT_EQUAL(action_send_signal(-1, SIGUSR1), -EINVAL);	/* never everyone */
	CU_ASSERT_EQUAL(action_send_signal(getpid(), SIGRTMAX + 1), -EINVAL);
	CU_ASSERT_EQUAL(action_send_signal(getpid(), -1), -EINVAL);

	CU_ASSERT_FATAL(new_pipe(rd) == 0);
	a.ready = rd[1];
	a.sig = SIGRTMIN + 3;
	w.pid = live_spawn(child_rt, &a);
	close(rd[1]);
	CU_ASSERT_FATAL(live_read_byte(rd[0], DEADLINE) == 'r');
	CU_ASSERT_EQUAL(action_send_signal(w.pid, 0), 0);
	CU_ASSERT_EQUAL(action_send_signal(w.pid, SIGRTMIN + 3), 0);
	w.mask = bit(SIGRTMIN + 3);
	w.queued = SNAP_UNKNOWN;
	CU_ASSERT_TRUE(live_wait(sm, pending_shown_only, NULL, &w, DEADLINE, NULL));
	live_kill(w.pid);
	CU_ASSERT_EQUAL(action_send_signal(w.pid, SIGUSR1), -ESRCH);	/* reaped: gone */
	close(rd[0]);

	if (geteuid() == 0) {
		pid_t me = getpid(), c = live_spawn(child_eperm, &me);

		status = live_reap(c, DEADLINE);
		CU_ASSERT_TRUE(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}

	n = action_signal_list(list, sizeof(list) / sizeof(list[0]));
	CU_ASSERT_EQUAL(n, (size_t)(31 + SIGRTMAX - SIGRTMIN + 1));
	CU_ASSERT_EQUAL(list[0], 1);
	CU_ASSERT_EQUAL(list[30], 31);
	CU_ASSERT_EQUAL(list[31], SIGRTMIN);
	CU_ASSERT_EQUAL(list[n - 1], SIGRTMAX);
	CU_ASSERT_EQUAL(action_signal_list(list, 2), n);	/* the count, even when cut short */
}

void test_register(void)
{
	TEST_SUITE("live signals and blocking", suite_init, suite_clean,
		   "blocked SIGUSR1 is pending (and inferred)", test_blocked_signal_pending,
		   "real-time signal queued 3 times: SigQ 3", test_rt_signal_queued,
		   "caught and ignored", test_caught_and_ignored,
		   "a thread's own pending signal", test_thread_pending,
		   "deadlock through two full pipes", test_pipe_deadlock,
		   "deadlock through two semaphores", test_sem_deadlock,
		   "blocked FIFO open", test_fifo_open,
		   "parent in wait4", test_parent_in_wait4,
		   "zombie", test_zombie,
		   "orphan", test_orphan,
		   "sending a signal (the dashboard's kill key)", test_action_send_signal);
}
