/*
 * test_waitgraph.c - the wait-for graph on hand-built snapshots: exact deadlock cycles (pids
 * in order, objects between), stalls, what is not a deadlock, and history (since).
 */
#include "config.h"

#include <linux/futex.h>
#include <string.h>
#include <sys/syscall.h>

#include "src/snapshot.h"
#include "src/waitgraph.h"
#include "tests/unit/testmain.h"

static struct proc_rec *proc(struct snapshot *s, pid_t pid, pid_t ppid, char state,
			     enum wait_kind kind, const char *object)
{
	struct proc_rec *p = snapshot_add_proc(s);

	p->pid = pid;
	p->ppid = ppid;
	p->pgid = ppid;
	p->state = state;
	p->comm = "t";
	p->start_ticks = 1000 + (unsigned long long)pid;
	p->waiting.kind = kind;
	p->waiting.object = object;
	return p;
}

/* A pipe with ends given as pid, fd, mode triples; n = number of ends. */
static void pipe_(struct snapshot *s, uint64_t inode, size_t n, const int *ends)
{
	struct endpoint *e = snapshot_alloc(s, n * sizeof(*e));
	struct pipe_rec *p = snapshot_add_pipe(s);

	for (size_t i = 0; i < n; i++)
		e[i] = (struct endpoint){ ends[3 * i], ends[3 * i + 1], (unsigned)ends[3 * i + 2] };
	p->kind = PIPE_ANON;
	p->inode = inode;
	p->ends = e;
	p->n_ends = n;
}

static void sem_(struct snapshot *s, int id, int nsems, const int64_t *last_pids)
{
	struct sem_rec *r = snapshot_add_sem(s);
	int64_t *lp = snapshot_alloc(s, (size_t)nsems * sizeof(*lp));

	memcpy(lp, last_pids, (size_t)nsems * sizeof(*lp));
	r->perm.id = id;
	r->nsems = nsems;
	r->last_pids = lp;
}

static bool cycle_is(const struct deadlock_rec *d, size_t n, const pid_t *pids,
		     const char *const *objs)
{
	if (d->n_pids != n || d->n_objects != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (d->pids[i] != pids[i] || !d->objects[i] || strcmp(d->objects[i], objs[i]) != 0)
			return false;
	return true;
}

static const struct stall_rec *stall_of(const struct snapshot *s, pid_t pid)
{
	for (size_t i = 0; i < s->n_stalls; i++)
		if (s->stalls[i].pid == pid)
			return &s->stalls[i];
	return NULL;
}

/* make(t0) passed alone, sealed, then make(t1) passed with it as the previous snapshot: a
 * stall needs to be held over two snapshots. The first is released. */
static struct snapshot *held(struct snapshot *(*make)(double), double t0, double t1)
{
	struct snapshot *prev = make(t0), *cur = make(t1);

	waitgraph_pass(prev, NULL);
	CU_ASSERT_EQUAL(prev->n_stalls, 0);	/* one look is no evidence */
	snapshot_seal(prev);
	waitgraph_pass(cur, prev);
	snapshot_unref(prev);
	return cur;
}

static struct snapshot *two_pipes(bool extra_reader)
{
	struct snapshot *s = snapshot_new();
	static const int p11[] = { 100, 4, FD_MODE_WRITE, 200, 3, FD_MODE_READ, 300, 3, FD_MODE_READ };
	static const int p22[] = { 200, 5, FD_MODE_WRITE, 100, 3, FD_MODE_READ };

	s->time = 1000.0;
	/* added out of pid order on purpose: the pass sees them sorted */
	proc(s, 200, 1, 'S', WAIT_PIPE_WRITE, "pipe:22");
	proc(s, 100, 1, 'S', WAIT_PIPE_WRITE, "pipe:11");
	if (extra_reader)
		proc(s, 300, 1, 'R', WAIT_NONE, NULL);
	pipe_(s, 11, extra_reader ? 3 : 2, p11);
	pipe_(s, 22, 2, p22);
	snapshot_sort(s);
	return s;
}

static void test_pipe_cycle(void)
{
	struct snapshot *s = two_pipes(false);
	static const pid_t pids[] = { 100, 200 };
	static const char *const objs[] = { "pipe:11", "pipe:22" };

	waitgraph_pass(s, NULL);
	CU_ASSERT_EQUAL_FATAL(s->n_deadlocks, 1);
	CU_ASSERT_TRUE(cycle_is(&s->deadlocks[0], 2, pids, objs));
	CU_ASSERT_DOUBLE_EQUAL(s->deadlocks[0].since, 1000.0, 1e-9);
	CU_ASSERT_EQUAL(s->n_stalls, 0);
	snapshot_unref(s);
}

static struct snapshot *two_pipes_extra(double t)
{
	struct snapshot *s = two_pipes(true);

	s->time = t;
	return s;
}

static void test_not_a_deadlock(void)
{
	/* a running third process also reads pipe 11: it can unblock 100, which can then read
	 * pipe 22 and unblock 200: nothing is stuck, even over time */
	struct snapshot *s = held(two_pipes_extra, 999.0, 1000.0);

	CU_ASSERT_EQUAL(s->n_deadlocks, 0);
	CU_ASSERT_EQUAL(s->n_stalls, 0);
	snapshot_unref(s);
}

/* 300 -> pipe:1 -> 500 -> sem:9 -> 400 -> pid:300 (child) -> 300; 600 waits on 500 */
static struct snapshot *three_cycle(double t)
{
	struct snapshot *s = snapshot_new();
	static const int p1[] = { 300, 3, FD_MODE_WRITE, 500, 4, FD_MODE_READ };
	static const int p2[] = { 500, 7, FD_MODE_WRITE, 600, 3, FD_MODE_READ };
	static const int64_t lp[] = { 0, 400 };
	struct proc_rec *p;

	s->time = t;
	proc(s, 600, 1, 'S', WAIT_PIPE_READ, "pipe:2");
	proc(s, 400, 1, 'S', WAIT_CHILD_WAIT, "pid:300");
	p = proc(s, 500, 1, 'D', WAIT_SEM_WAIT, "sem:9");
	p->waiting.arg = 1;
	proc(s, 300, 400, 'S', WAIT_PIPE_WRITE, "pipe:1");
	pipe_(s, 1, 2, p1);
	pipe_(s, 2, 2, p2);
	sem_(s, 9, 2, lp);
	snapshot_sort(s);
	return s;
}

static void test_three_cycle_and_tail(void)
{
	static const pid_t pids[] = { 300, 500, 400 };
	static const char *const objs[] = { "pipe:1", "sem:9", "pid:300" };
	struct snapshot *s = held(three_cycle, 4.0, 5.0);
	const struct stall_rec *st;

	CU_ASSERT_EQUAL_FATAL(s->n_deadlocks, 1);
	CU_ASSERT_TRUE(cycle_is(&s->deadlocks[0], 3, pids, objs));
	CU_ASSERT_EQUAL(s->n_stalls, 1);
	st = stall_of(s, 600);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL(strstr(st->reason, "pid 500"));
	CU_ASSERT_STRING_EQUAL(st->rule, "unblockers_stuck");
	CU_ASSERT_EQUAL_FATAL(st->n_unblockers, 1);
	CU_ASSERT_EQUAL(st->unblockers[0], 500);
	CU_ASSERT_STRING_EQUAL(st->unblocker_waits[0], "sem_wait sem:9");
	CU_ASSERT_DOUBLE_EQUAL(st->since, 4.0, 1e-9);
	snapshot_unref(s);
}

static void test_semaphores_opposite_order(void)
{
	/* 10 holds sem:1 and waits for sem:2; 20 holds sem:2 and waits for sem:1 */
	struct snapshot *s = snapshot_new();
	static const int64_t lp1[] = { 10 }, lp2[] = { 20 };
	static const pid_t pids[] = { 10, 20 };
	static const char *const objs[] = { "sem:2", "sem:1" };

	proc(s, 20, 1, 'S', WAIT_SEM_WAIT, "sem:1");
	proc(s, 10, 1, 'S', WAIT_SEM_WAIT, "sem:2");
	sem_(s, 1, 1, lp1);
	sem_(s, 2, 1, lp2);
	snapshot_sort(s);
	waitgraph_pass(s, NULL);
	CU_ASSERT_EQUAL_FATAL(s->n_deadlocks, 1);
	CU_ASSERT_TRUE(cycle_is(&s->deadlocks[0], 2, pids, objs));
	snapshot_unref(s);
}

static void test_semaphores_one_set(void)
{
	/* one set, semnum unknown (arg SNAP_UNKNOWN): every last pid of the set is an edge */
	struct snapshot *s = snapshot_new();
	static const int64_t lp[] = { 10, 20 };
	static const pid_t pids[] = { 10, 20 };
	static const char *const objs[] = { "sem:3", "sem:3" };

	proc(s, 10, 1, 'S', WAIT_SEM_WAIT, "sem:3");
	proc(s, 20, 1, 'S', WAIT_SEM_WAIT, "sem:3");
	sem_(s, 3, 2, lp);
	snapshot_sort(s);
	waitgraph_pass(s, NULL);
	CU_ASSERT_EQUAL_FATAL(s->n_deadlocks, 1);
	CU_ASSERT_TRUE(cycle_is(&s->deadlocks[0], 2, pids, objs));
	snapshot_unref(s);
}

static void test_child_wait_any(void)
{
	/* parent 100 waits for any child and still holds the write end its child 200 reads */
	struct snapshot *s = snapshot_new();
	static const int p[] = { 100, 4, FD_MODE_WRITE, 200, 3, FD_MODE_READ, 200, 4, FD_MODE_WRITE };
	static const pid_t pids[] = { 100, 200 };
	static const char *const objs[] = { "pid:200", "pipe:7" };
	struct proc_rec *r;

	r = proc(s, 100, 1, 'S', WAIT_CHILD_WAIT, NULL);
	r->waiting.arg = 0;
	proc(s, 200, 100, 'S', WAIT_PIPE_READ, "pipe:7");
	proc(s, 300, 100, 'Z', WAIT_NONE, NULL)->zombie = true;	/* a zombie child ends nothing */
	pipe_(s, 7, 3, p);
	snapshot_sort(s);
	waitgraph_pass(s, NULL);
	CU_ASSERT_EQUAL_FATAL(s->n_deadlocks, 1);
	CU_ASSERT_TRUE(cycle_is(&s->deadlocks[0], 2, pids, objs));
	snapshot_unref(s);
}

static void test_msg_queues(void)
{
	struct snapshot *s = snapshot_new();
	struct msgq_rec *q;
	static const pid_t pids[] = { 100, 200 };
	static const char *const objs[] = { "msg:7", "msg:8" };

	proc(s, 100, 1, 'S', WAIT_MSG_RECV, "msg:7");
	proc(s, 200, 1, 'S', WAIT_MSG_RECV, "msg:8");
	q = snapshot_add_msgq(s);
	q->perm.id = 7;
	q->last_send_pid = 200;
	q = snapshot_add_msgq(s);
	q->perm.id = 8;
	q->last_send_pid = 100;
	q = snapshot_add_msgq(s);
	q->perm.id = 9;		/* never used: its waiter has no known unblocker */
	proc(s, 300, 1, 'S', WAIT_MSG_RECV, "msg:9");
	snapshot_sort(s);
	waitgraph_pass(s, NULL);
	CU_ASSERT_EQUAL_FATAL(s->n_deadlocks, 1);
	CU_ASSERT_TRUE(cycle_is(&s->deadlocks[0], 2, pids, objs));
	CU_ASSERT_PTR_NULL(stall_of(s, 300));
	snapshot_unref(s);
}

static struct snapshot *self_pipe(double t)
{
	struct snapshot *s = snapshot_new();
	static const int p[] = { 100, 3, FD_MODE_READ, 100, 4, FD_MODE_WRITE };

	s->time = t;
	proc(s, 100, 1, 'S', WAIT_PIPE_WRITE, "pipe:5");
	pipe_(s, 5, 2, p);
	snapshot_sort(s);
	return s;
}

static void test_self_stall(void)
{
	struct snapshot *s = held(self_pipe, 20.0, 21.0);
	const struct stall_rec *st;

	CU_ASSERT_EQUAL(s->n_deadlocks, 0);
	CU_ASSERT_EQUAL_FATAL(s->n_stalls, 1);
	st = stall_of(s, 100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_STRING_EQUAL(st->object, "pipe:5");
	CU_ASSERT_STRING_EQUAL(st->rule, "only_itself");
	CU_ASSERT_PTR_NOT_NULL(strstr(st->reason, "blocked writing a pipe whose only reader is itself"));
	CU_ASSERT_DOUBLE_EQUAL(st->since, 20.0, 1e-9);
	snapshot_unref(s);
}

/* The same self pipe in a process with a second thread: a running (or timer-sleeping) thread
 * could read it, so it is no stall; when that thread is itself blocked in IPC (or joins on a
 * private futex) it is. */
static struct snapshot *self_pipe_threads(double t, char other_state, bool other_in_ipc)
{
	struct snapshot *s = self_pipe(t);
	static const int p6[] = { 100, 6, FD_MODE_READ, 100, 7, FD_MODE_WRITE };
	struct proc_rec *p = &s->procs[0];
	struct thread_wait *tw = snapshot_alloc(s, sizeof(*tw));

	memset(tw, 0, sizeof(*tw));
	tw->tid = 101;
	tw->state = other_state;
	tw->comm = "t2";
	tw->waiting.kind = other_in_ipc ? WAIT_PIPE_READ : WAIT_OTHER;
	tw->waiting.object = other_in_ipc ? "pipe:6" : NULL;	/* written only by 100 */
	tw->waiting.tid = 101;
	pipe_(s, 6, 2, p6);
	snapshot_sort(s);
	p = &s->procs[0];
	p->nthreads = 2;
	p->other_threads = tw;
	p->n_other_threads = 1;
	p->other_threads_complete = true;
	p->waiting.tid = 100;	/* 'p' set after the sort above */
	p->main_waiting = p->waiting;
	return s;
}

static struct snapshot *self_pipe_busy_thread(double t)
{
	return self_pipe_threads(t, 'S', false);
}

static struct snapshot *self_pipe_stuck_thread(double t)
{
	return self_pipe_threads(t, 'S', true);
}

static void test_self_pipe_threads(void)
{
	struct snapshot *s = held(self_pipe_busy_thread, 1.0, 2.0);

	CU_ASSERT_EQUAL(s->n_stalls, 0);
	snapshot_unref(s);
	s = held(self_pipe_stuck_thread, 1.0, 2.0);
	CU_ASSERT_EQUAL(s->n_stalls, 1);
	snapshot_unref(s);
}

static struct snapshot *dead_sem(double t)
{
	struct snapshot *s = snapshot_new();
	static const int64_t lp[] = { 99999 };

	s->time = t;
	proc(s, 100, 1, 'S', WAIT_SEM_WAIT, "sem:4");
	sem_(s, 4, 1, lp);
	snapshot_sort(s);
	return s;
}

static void test_dead_semaphore_users(void)
{
	struct snapshot *s = held(dead_sem, 1.0, 2.0);

	CU_ASSERT_EQUAL(s->n_deadlocks, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(stall_of(s, 100));
	CU_ASSERT_PTR_NOT_NULL(strstr(stall_of(s, 100)->reason, "exited"));
	CU_ASSERT_STRING_EQUAL(stall_of(s, 100)->rule, "unblockers_gone");
	snapshot_unref(s);
}

/* 100's main thread sleeps on a futex (op, timeout pointer), its thread 101 writes full pipe
 * 1 read by 200, and 200 reads pipe 2 whose only writer is 100. */
static struct snapshot *thread_join_pipes(uint64_t op, uint64_t timeout)
{
	struct snapshot *s = snapshot_new();
	static const int p1[] = { 100, 4, FD_MODE_WRITE, 200, 3, FD_MODE_READ };
	static const int p2[] = { 100, 5, FD_MODE_WRITE, 200, 4, FD_MODE_READ };
	struct proc_rec *p;
	struct thread_wait *tw;

	proc(s, 100, 1, 'S', WAIT_OTHER, NULL);
	proc(s, 200, 1, 'S', WAIT_PIPE_READ, "pipe:2");
	pipe_(s, 1, 2, p1);
	pipe_(s, 2, 2, p2);
	snapshot_sort(s);
	p = &s->procs[0];
	p->nthreads = 2;
	p->syscall_known = true;
	p->syscall_nr = SYS_futex;
	p->syscall_args[1] = op;
	p->syscall_args[2] = 101;	/* a join waits until the kernel clears 101's tid */
	p->syscall_args[3] = timeout;
	p->main_waiting = p->waiting;
	tw = snapshot_alloc(s, sizeof(*tw));
	memset(tw, 0, sizeof(*tw));
	tw->tid = 101;
	tw->state = 'S';
	tw->comm = "writer";
	tw->waiting.kind = WAIT_PIPE_WRITE;
	tw->waiting.object = "pipe:1";
	tw->waiting.tid = 101;
	p->other_threads = tw;
	p->n_other_threads = 1;
	p->other_threads_complete = true;
	p->waiting = tw->waiting;	/* what src/waiting.c shows for the process */
	return s;
}

/* A deadlock only visible through a thread's wait: the main thread joins the writer (a
 * shared futex holding its tid, no timeout). With a timed futex the main thread may wake
 * and read: no cycle. */
static void test_thread_deadlock(void)
{
	static const pid_t pids[] = { 100, 200 };
	static const char *const objs[] = { "pipe:1", "pipe:2" };
	struct snapshot *s = thread_join_pipes(FUTEX_WAIT_BITSET, 0);

	waitgraph_pass(s, NULL);
	CU_ASSERT_EQUAL_FATAL(s->n_deadlocks, 1);
	CU_ASSERT_TRUE(cycle_is(&s->deadlocks[0], 2, pids, objs));
	snapshot_unref(s);
	s = thread_join_pipes(FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0x7ffd1234);
	waitgraph_pass(s, NULL);
	CU_ASSERT_EQUAL(s->n_deadlocks, 0);
	snapshot_unref(s);
}

static void test_nothing_to_say(void)
{
	/* waits with no known unblockers, running processes, and a reader whose writer runs */
	struct snapshot *s = snapshot_new();
	static const int p[] = { 100, 3, FD_MODE_READ, 200, 4, FD_MODE_WRITE };

	proc(s, 100, 1, 'S', WAIT_PIPE_READ, "pipe:5");
	proc(s, 200, 1, 'R', WAIT_NONE, NULL);
	proc(s, 300, 1, 'S', WAIT_SIGNAL_WAIT, NULL);
	proc(s, 400, 1, 'S', WAIT_OTHER, NULL);
	proc(s, 500, 1, 'S', WAIT_FIFO_OPEN, NULL);
	proc(s, 600, 1, 'S', WAIT_PIPE_READ, "pipe:404");	/* not in the snapshot */
	pipe_(s, 5, 2, p);
	snapshot_sort(s);
	waitgraph_pass(s, NULL);
	CU_ASSERT_EQUAL(s->n_deadlocks, 0);
	CU_ASSERT_EQUAL(s->n_stalls, 0);
	snapshot_unref(s);
}

static void test_since_carried(void)
{
	struct snapshot *prev = two_pipes(false), *cur = two_pipes(false);
	struct snapshot *p2 = snapshot_new(), *c2 = snapshot_new();
	static const int p[] = { 100, 3, FD_MODE_READ, 100, 4, FD_MODE_WRITE };

	waitgraph_pass(prev, NULL);
	prev->deadlocks[0].since = 900.0;
	snapshot_seal(prev);
	cur->time = 1001.0;
	waitgraph_pass(cur, prev);
	CU_ASSERT_EQUAL_FATAL(cur->n_deadlocks, 1);
	CU_ASSERT_DOUBLE_EQUAL(cur->deadlocks[0].since, 900.0, 1e-9);

	p2->time = 10.0;
	proc(p2, 100, 1, 'S', WAIT_PIPE_WRITE, "pipe:5");
	pipe_(p2, 5, 2, p);
	snapshot_sort(p2);
	waitgraph_pass(p2, NULL);
	snapshot_seal(p2);
	c2->time = 15.0;
	proc(c2, 100, 1, 'S', WAIT_PIPE_WRITE, "pipe:5");
	pipe_(c2, 5, 2, p);
	snapshot_sort(c2);
	waitgraph_pass(c2, p2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(stall_of(c2, 100));
	CU_ASSERT_DOUBLE_EQUAL(stall_of(c2, 100)->since, 10.0, 1e-9);
	snapshot_unref(prev);
	snapshot_unref(cur);
	snapshot_unref(p2);
	snapshot_unref(c2);
}

static void test_unblockers_api(void)
{
	struct snapshot *s = two_pipes(true);
	pid_t out[4];
	bool known;

	CU_ASSERT_EQUAL(waitgraph_unblockers(s, snapshot_find_proc(s, 100), out, 4, &known), 2);
	CU_ASSERT_TRUE(known);
	CU_ASSERT_EQUAL(out[0], 200);
	CU_ASSERT_EQUAL(out[1], 300);
	CU_ASSERT_EQUAL(waitgraph_unblockers(s, snapshot_find_proc(s, 100), out, 1, NULL), 2);
	CU_ASSERT_EQUAL(waitgraph_unblockers(s, snapshot_find_proc(s, 300), out, 4, &known), 0);
	CU_ASSERT_FALSE(known);
	snapshot_unref(s);
}

void test_register(void)
{
	TEST_SUITE("wait-for graph", NULL, NULL,
		   "two full pipes: exact cycle", test_pipe_cycle,
		   "another reader: no deadlock, no stall", test_not_a_deadlock,
		   "three-process cycle and a tail", test_three_cycle_and_tail,
		   "two semaphores taken in opposite order", test_semaphores_opposite_order,
		   "one semaphore set, semnum unknown", test_semaphores_one_set,
		   "parent waits for any child", test_child_wait_any,
		   "message queues", test_msg_queues,
		   "writer whose only reader is itself", test_self_stall,
		   "self pipe with a second thread", test_self_pipe_threads,
		   "deadlock through a thread's wait", test_thread_deadlock,
		   "semaphore whose users exited", test_dead_semaphore_users,
		   "nothing to report", test_nothing_to_say,
		   "since carried from the previous snapshot", test_since_carried,
		   "unblockers for the UI", test_unblockers_api);
}
