/*
 * test_waitgraph.c - the wait-for graph on hand-built snapshots: exact deadlock cycles (pids
 * in order, objects between), stalls, what is not a deadlock, and history (since).
 */
#include "config.h"

#include <string.h>

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

static void test_not_a_deadlock(void)
{
	/* a running third process also reads pipe 11: it can unblock 100, so no cycle is stuck;
	 * 200 is stalled: its only reader (100) is blocked elsewhere */
	struct snapshot *s = two_pipes(true);
	const struct stall_rec *st;

	waitgraph_pass(s, NULL);
	CU_ASSERT_EQUAL(s->n_deadlocks, 0);
	CU_ASSERT_EQUAL(s->n_stalls, 1);
	st = stall_of(s, 200);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_STRING_EQUAL(st->object, "pipe:22");
	CU_ASSERT_PTR_NOT_NULL(strstr(st->reason, "100 pipe_write pipe:11"));
	CU_ASSERT_PTR_NULL(stall_of(s, 100));
	snapshot_unref(s);
}

static void test_three_cycle_and_tail(void)
{
	/* 300 -> pipe:1 -> 500 -> sem:9 -> 400 -> pid:300 (child) -> 300; 600 waits on 500 */
	struct snapshot *s = snapshot_new();
	static const int p1[] = { 300, 3, FD_MODE_WRITE, 500, 4, FD_MODE_READ };
	static const int p2[] = { 500, 7, FD_MODE_WRITE, 600, 3, FD_MODE_READ };
	static const int64_t lp[] = { 0, 400 };
	static const pid_t pids[] = { 300, 500, 400 };
	static const char *const objs[] = { "pipe:1", "sem:9", "pid:300" };
	struct proc_rec *p;

	s->time = 5.0;
	proc(s, 600, 1, 'S', WAIT_PIPE_READ, "pipe:2");
	proc(s, 400, 1, 'S', WAIT_CHILD_WAIT, "pid:300");
	p = proc(s, 500, 1, 'D', WAIT_SEM_WAIT, "sem:9");
	p->waiting.arg = 1;
	proc(s, 300, 400, 'S', WAIT_PIPE_WRITE, "pipe:1");
	pipe_(s, 1, 2, p1);
	pipe_(s, 2, 2, p2);
	sem_(s, 9, 2, lp);
	snapshot_sort(s);
	waitgraph_pass(s, NULL);
	CU_ASSERT_EQUAL_FATAL(s->n_deadlocks, 1);
	CU_ASSERT_TRUE(cycle_is(&s->deadlocks[0], 3, pids, objs));
	CU_ASSERT_EQUAL(s->n_stalls, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(stall_of(s, 600));
	CU_ASSERT_PTR_NOT_NULL(strstr(stall_of(s, 600)->reason, "pid 500"));
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

static void test_self_stall(void)
{
	struct snapshot *s = snapshot_new();
	static const int p[] = { 100, 3, FD_MODE_READ, 100, 4, FD_MODE_WRITE };
	const struct stall_rec *st;

	s->time = 20.0;
	proc(s, 100, 1, 'S', WAIT_PIPE_WRITE, "pipe:5");
	pipe_(s, 5, 2, p);
	snapshot_sort(s);
	waitgraph_pass(s, NULL);
	CU_ASSERT_EQUAL(s->n_deadlocks, 0);
	CU_ASSERT_EQUAL_FATAL(s->n_stalls, 1);
	st = stall_of(s, 100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_STRING_EQUAL(st->object, "pipe:5");
	CU_ASSERT_STRING_EQUAL(st->reason, "blocked writing a pipe whose only reader is itself");
	CU_ASSERT_DOUBLE_EQUAL(st->since, 20.0, 1e-9);
	snapshot_unref(s);
}

static void test_dead_semaphore_users(void)
{
	struct snapshot *s = snapshot_new();
	static const int64_t lp[] = { 99999 };

	proc(s, 100, 1, 'S', WAIT_SEM_WAIT, "sem:4");
	sem_(s, 4, 1, lp);
	snapshot_sort(s);
	waitgraph_pass(s, NULL);
	CU_ASSERT_EQUAL(s->n_deadlocks, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(stall_of(s, 100));
	CU_ASSERT_PTR_NOT_NULL(strstr(stall_of(s, 100)->reason, "exited"));
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
		   "another reader: no deadlock, a stall", test_not_a_deadlock,
		   "three-process cycle and a tail", test_three_cycle_and_tail,
		   "two semaphores taken in opposite order", test_semaphores_opposite_order,
		   "one semaphore set, semnum unknown", test_semaphores_one_set,
		   "parent waits for any child", test_child_wait_any,
		   "message queues", test_msg_queues,
		   "writer whose only reader is itself", test_self_stall,
		   "semaphore whose users exited", test_dead_semaphore_users,
		   "nothing to report", test_nothing_to_say,
		   "since carried from the previous snapshot", test_since_carried,
		   "unblockers for the UI", test_unblockers_api);
}
