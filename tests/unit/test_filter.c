/*
 * test_filter.c - `--pid` views on a hand-built snapshot: the selected processes, the objects
 * they use (each kind), the peers at the other ends, and nothing else; the view outlives
 * the original snapshot (it holds a reference).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "src/filter.h"
#include "tests/unit/testmain.h"

/*
 * The machine:
 *   10 --pipe 1000--> 11          20 --pipe 2000--> 21
 *   10 attaches shm 5 with 12     30 alone, waits on msg 8 (sent by 31)
 *   11 last sender on msg 7, 13 last receiver
 *   14 and 15 hold a socketpair 3000/3001; 10 holds 3000 too
 *   sem 9 last_pids {16, 0}; 17 maps pshm "board" (alone); 18 holds pmq "q" with 10
 *   40 waits for child 41 (pid:41)
 *   60 --pipe 6000--> 61; 61 waits on socket 4000 (held by 62, peer 4001 held by 63);
 *   63 waits for child 64
 * errors: "pid 21 fd", "pid 62 fd", "unix:4000 truncated reply", "msg:7 msgctl", "libproc2",
 *   "pmq:q\x20x" (another queue, "q x"), "pmq:q"
 */
static void proc(struct snapshot *s, pid_t pid, const char *comm)
{
	struct proc_rec *p = snapshot_add_proc(s);

	p->pid = pid;
	p->ppid = 1;
	p->comm = snapshot_strdup(s, comm);
}

static struct endpoint *ends(struct snapshot *s, size_t n, const struct endpoint *src)
{
	struct endpoint *e = snapshot_alloc(s, n * sizeof(*e));

	memcpy(e, src, n * sizeof(*e));
	return e;
}

static struct snapshot *build(void)
{
	struct snapshot *s = snapshot_new();
	struct pipe_rec *p;
	struct shm_rec *m;
	struct msgq_rec *q;
	struct usock_rec *u;
	struct sem_rec *sm;
	struct pshm_rec *ps;
	struct pmq_rec *pq;
	struct thread_rec *t;
	struct sig_event *ev;
	struct proc_rec *pr;

	for (pid_t pid = 10; pid <= 21; pid++)
		proc(s, pid, "p");
	proc(s, 30, "waiter");
	proc(s, 31, "sender");
	proc(s, 40, "parent");
	proc(s, 41, "child");
	pr = &s->procs[s->n_procs - 4];	/* 30 */
	pr->waiting.kind = WAIT_MSG_RECV;
	pr->waiting.object = snapshot_strdup(s, "msg:8");
	pr = &s->procs[s->n_procs - 2];	/* 40 */
	pr->waiting.kind = WAIT_CHILD_WAIT;
	pr->waiting.object = snapshot_strdup(s, "pid:41");

	p = snapshot_add_pipe(s);
	p->inode = 1000;
	p->ends = ends(s, 2, (const struct endpoint[]){ { 10, 1, FD_MODE_WRITE }, { 11, 0, FD_MODE_READ } });
	p->n_ends = 2;
	p = snapshot_add_pipe(s);
	p->inode = 2000;
	p->ends = ends(s, 2, (const struct endpoint[]){ { 20, 1, FD_MODE_WRITE }, { 21, 0, FD_MODE_READ } });
	p->n_ends = 2;

	m = snapshot_add_shm(s);
	m->perm.id = 5;
	m->nattch = 2;
	m->attached_pids = snapshot_alloc(s, 2 * sizeof(pid_t));
	m->attached_pids[0] = 10;
	m->attached_pids[1] = 12;
	m->n_attached = 2;

	q = snapshot_add_msgq(s);
	q->perm.id = 7;
	q->last_send_pid = 11;
	q->last_recv_pid = 13;
	q = snapshot_add_msgq(s);
	q->perm.id = 8;
	q->last_send_pid = 31;

	u = snapshot_add_usock(s);
	u->inode = 3000;
	u->peer_inode = 3001;
	u->peer_known = true;
	u->holders = ends(s, 2, (const struct endpoint[]){ { 10, 5, FD_MODE_RDWR }, { 14, 3, FD_MODE_RDWR } });
	u->n_holders = 2;
	u = snapshot_add_usock(s);
	u->inode = 3001;
	u->peer_inode = 3000;
	u->peer_known = true;
	u->holders = ends(s, 1, (const struct endpoint[]){ { 15, 4, FD_MODE_RDWR } });
	u->n_holders = 1;

	sm = snapshot_add_sem(s);
	sm->perm.id = 9;
	sm->nsems = 2;
	sm->last_pids = snapshot_alloc(s, 2 * sizeof(int64_t));
	sm->last_pids[0] = 16;
	sm->last_pids[1] = 0;

	ps = snapshot_add_pshm(s);
	ps->name = snapshot_strdup(s, "board");
	ps->mapped_pids = snapshot_alloc(s, sizeof(pid_t));
	ps->mapped_pids[0] = 17;
	ps->n_mapped = 1;

	pq = snapshot_add_pmq(s);
	pq->name = snapshot_strdup(s, "q");
	pq->holders = ends(s, 2, (const struct endpoint[]){ { 10, 7, FD_MODE_READ }, { 18, 3, FD_MODE_WRITE } });
	pq->n_holders = 2;

	t = snapshot_add_thread(s);
	t->tgid = 10;
	t->tid = 99;
	t = snapshot_add_thread(s);
	t->tgid = 20;
	t->tid = 98;

	ev = snapshot_add_sigevent(s);
	ev->sender_pid = 19;
	ev->target_pid = 10;
	ev = snapshot_add_sigevent(s);
	ev->sender_pid = 20;
	ev->target_pid = 21;

	for (pid_t pid = 60; pid <= 64; pid++)
		proc(s, pid, "chain");
	pr = &s->procs[s->n_procs - 4];	/* 61 */
	pr->waiting.kind = WAIT_SOCKET_RECV;
	pr->waiting.object = snapshot_strdup(s, "unix:4000");
	pr = &s->procs[s->n_procs - 2];	/* 63 */
	pr->waiting.kind = WAIT_CHILD_WAIT;
	pr->waiting.object = snapshot_strdup(s, "pid:64");
	p = snapshot_add_pipe(s);
	p->inode = 6000;
	p->ends = ends(s, 2, (const struct endpoint[]){ { 60, 1, FD_MODE_WRITE }, { 61, 0, FD_MODE_READ } });
	p->n_ends = 2;
	u = snapshot_add_usock(s);
	u->inode = 4000;
	u->peer_inode = 4001;
	u->holders = ends(s, 1, (const struct endpoint[]){ { 62, 3, FD_MODE_RDWR } });
	u->n_holders = 1;
	u = snapshot_add_usock(s);
	u->inode = 4001;
	u->peer_inode = 4000;
	u->holders = ends(s, 1, (const struct endpoint[]){ { 63, 3, FD_MODE_RDWR } });
	u->n_holders = 1;

	snapshot_add_error(s, "pid 21 fd", "EACCES");
	snapshot_add_error(s, "pid 62 fd", "EACCES");
	snapshot_add_error(s, "unix:4000", "truncated reply");
	snapshot_add_error(s, "msg:7 msgctl", "EACCES");
	snapshot_add_error(s, "libproc2", "ENOMEM");
	snapshot_add_error(s, "pmq:q\\x20x", "EACCES");
	snapshot_add_error(s, "pmq:q", "EACCES");
	snapshot_set_source(s, "procs", true, NULL);
	snapshot_seal(s);
	return s;
}

static bool has_proc(const struct snapshot *v, pid_t pid)
{
	return snapshot_find_proc(v, pid) != NULL;
}

static void assert_procs(const struct snapshot *v, const pid_t *want, size_t n)
{
	CU_ASSERT_EQUAL(v->n_procs, n);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_TRUE(has_proc(v, want[i]));
		if (!has_proc(v, want[i]))
			fprintf(stderr, "pid %d missing from the view\n", (int)want[i]);
	}
}

static bool has_error(const struct snapshot *v, const char *where)
{
	for (size_t i = 0; i < v->n_errors; i++)
		if (strcmp(v->errors[i].where, where) == 0)
			return true;
	return false;
}

/* Every reference in the view is in it: a peer's wait, and the waits of the processes that
 * brings in; errors follow what is shown. */
static void test_references_and_errors(void)
{
	struct snapshot *s = build();
	struct snapshot *v = filter_apply(s, (const pid_t[]){ 60 }, 1);

	assert_procs(v, (const pid_t[]){ 60, 61, 62, 63, 64 }, 5);
	CU_ASSERT_PTR_NOT_NULL(snapshot_find_pipe(v, PIPE_ANON, 6000));
	CU_ASSERT_PTR_NOT_NULL(snapshot_find_usock(v, 4000));
	CU_ASSERT_PTR_NOT_NULL(snapshot_find_usock(v, 4001));
	CU_ASSERT_EQUAL(v->n_usocks, 2);
	CU_ASSERT_EQUAL(v->n_errors, 3);
	CU_ASSERT_TRUE(has_error(v, "pid 62 fd"));
	CU_ASSERT_TRUE(has_error(v, "unix:4000"));
	CU_ASSERT_TRUE(has_error(v, "libproc2"));
	for (size_t i = 0; i < v->n_procs; i++) {	/* no dangling reference */
		const char *o = v->procs[i].waiting.object;

		if (o && strncmp(o, "unix:", 5) == 0)
			CU_ASSERT_PTR_NOT_NULL(snapshot_find_usock(v, strtoull(o + 5, NULL, 10)));
		if (o && strncmp(o, "pid:", 4) == 0)
			CU_ASSERT_PTR_NOT_NULL(snapshot_find_proc(v, atoi(o + 4)));
	}
	snapshot_unref(v);
	snapshot_unref(s);
}

static void test_process_and_peers(void)
{
	struct snapshot *s = build();
	struct snapshot *v = filter_apply(s, (const pid_t[]){ 10 }, 1);

	snapshot_unref(s);	/* the view keeps what it points into */
	CU_ASSERT_TRUE(v->sealed);
	/* 10; pipe peer 11; shm peer 12; socket 3000 co-holder 14 and its peer socket's 15;
	 * pmq peer 18; signal sender 19 */
	assert_procs(v, (const pid_t[]){ 10, 11, 12, 14, 15, 18, 19 }, 7);
	CU_ASSERT_EQUAL(v->n_pipes, 1);
	CU_ASSERT_PTR_NOT_NULL(snapshot_find_pipe(v, PIPE_ANON, 1000));
	CU_ASSERT_EQUAL(v->n_shms, 1);
	CU_ASSERT_EQUAL(v->n_usocks, 2);
	CU_ASSERT_EQUAL(v->n_pmqs, 1);
	CU_ASSERT_EQUAL(v->n_msgqs, 0);	/* msg 7 belongs to 11 and 13: 11 is a peer, not selected */
	CU_ASSERT_EQUAL(v->n_sems, 0);
	CU_ASSERT_EQUAL(v->n_pshms, 0);
	CU_ASSERT_EQUAL(v->n_threads, 1);
	CU_ASSERT_EQUAL(v->n_sigevents, 1);
	/* errors about what the view shows (pmq:q, not "q x"), and those about no object */
	CU_ASSERT_EQUAL(v->n_errors, 2);
	CU_ASSERT_TRUE(has_error(v, "pmq:q"));
	CU_ASSERT_TRUE(has_error(v, "libproc2"));
	CU_ASSERT_EQUAL(v->n_sources, 1);
	/* strings of the shallow copies still readable after the original's unref */
	CU_ASSERT_STRING_EQUAL(snapshot_find_proc(v, 10)->comm, "p");
	CU_ASSERT_EQUAL(snapshot_find_shm(v, 5)->attached_pids[1], 12);
	snapshot_unref(v);
}

static void test_sysv_last_pids(void)
{
	struct snapshot *s = build();
	struct snapshot *v = filter_apply(s, (const pid_t[]){ 11 }, 1);

	/* 11: reads pipe 1000 (peer 10), last sender on msg 7 (peer 13) */
	assert_procs(v, (const pid_t[]){ 10, 11, 13 }, 3);
	CU_ASSERT_EQUAL(v->n_msgqs, 1);
	CU_ASSERT_PTR_NOT_NULL(snapshot_find_msgq(v, 7));
	CU_ASSERT_EQUAL(v->n_pipes, 1);
	CU_ASSERT_EQUAL(v->n_shms, 0);
	snapshot_unref(v);

	v = filter_apply(s, (const pid_t[]){ 16 }, 1);
	assert_procs(v, (const pid_t[]){ 16 }, 1);
	CU_ASSERT_EQUAL(v->n_sems, 1);
	snapshot_unref(v);

	v = filter_apply(s, (const pid_t[]){ 17 }, 1);
	assert_procs(v, (const pid_t[]){ 17 }, 1);
	CU_ASSERT_EQUAL(v->n_pshms, 1);
	snapshot_unref(v);
	snapshot_unref(s);
}

static void test_waiting(void)
{
	struct snapshot *s = build();
	struct snapshot *v = filter_apply(s, (const pid_t[]){ 30, 40 }, 2);

	/* 30 waits on msg 8 (kept, its sender 31 a peer); 40 waits for child 41 */
	assert_procs(v, (const pid_t[]){ 30, 31, 40, 41 }, 4);
	CU_ASSERT_EQUAL(v->n_msgqs, 1);
	CU_ASSERT_PTR_NOT_NULL(snapshot_find_msgq(v, 8));
	snapshot_unref(v);
	snapshot_unref(s);
}

static void test_several_and_absent(void)
{
	struct snapshot *s = build();
	struct snapshot *v = filter_apply(s, (const pid_t[]){ 20, 9999 }, 2);

	assert_procs(v, (const pid_t[]){ 20, 21 }, 2);
	CU_ASSERT_TRUE(has_error(v, "pid 21 fd"));
	CU_ASSERT_FALSE(has_error(v, "pid 62 fd"));
	CU_ASSERT_EQUAL(v->n_pipes, 1);
	CU_ASSERT_PTR_NOT_NULL(snapshot_find_pipe(v, PIPE_ANON, 2000));
	CU_ASSERT_EQUAL(v->n_threads, 1);
	CU_ASSERT_EQUAL(v->n_sigevents, 1);
	snapshot_unref(v);

	v = filter_apply(s, (const pid_t[]){ 9999 }, 1);
	CU_ASSERT_EQUAL(v->n_procs, 0);
	CU_ASSERT_EQUAL(v->n_pipes + v->n_usocks + v->n_msgqs + v->n_shms + v->n_sems, 0);
	CU_ASSERT_EQUAL(v->n_errors, 1);	/* only the one about no object */
	CU_ASSERT_TRUE(has_error(v, "libproc2"));
	snapshot_unref(v);
	snapshot_unref(s);
}

static void test_has_pid(void)
{
	const pid_t p[] = { 3, 1, 2 };

	CU_ASSERT_TRUE(filter_has_pid(p, 3, 2));
	CU_ASSERT_FALSE(filter_has_pid(p, 3, 4));
	CU_ASSERT_FALSE(filter_has_pid(NULL, 0, 1));
}

/* Typed source status: ids from names, the three states, and a --pid view keeps them. */
static void test_source_states(void)
{
	struct snapshot *s = snapshot_new(), *v;
	const struct snap_source *src;
	pid_t pid = 1;

	snapshot_add_proc(s)->pid = 1;
	snapshot_set_source(s, "proc_table", true, NULL);
	snapshot_set_source(s, "sig_trace", false, "EACCES");
	snapshot_set_source_state(s, "fd_iter", SOURCE_INFORMATIONAL, "off (not live: --sysroot)");
	snapshot_set_source(s, "a_new_pass", false, "ENOENT");
	snapshot_sort(s);
	snapshot_seal(s);
	CU_ASSERT_EQUAL(snap_source_id_of("sig_trace"), SRC_SIG_TRACE);
	CU_ASSERT_EQUAL(snap_source_id_of("a_new_pass"), SRC_OTHER);
	CU_ASSERT_STRING_EQUAL(snap_source_name(SRC_FD_ITER), "fd_iter");
	CU_ASSERT_PTR_NULL(snap_source_name(SRC_OTHER));
	/* failed: the trace and the unknown pass; fd_iter off is not an error */
	CU_ASSERT_EQUAL(snapshot_failed_sources(s), 2);
	v = filter_apply(s, &pid, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	src = snapshot_source(v, SRC_FD_ITER);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	CU_ASSERT_EQUAL(src->state, SOURCE_INFORMATIONAL);
	CU_ASSERT_FALSE(src->ok);
	CU_ASSERT_STRING_EQUAL(src->error, "off (not live: --sysroot)");
	src = snapshot_source(v, SRC_SIG_TRACE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	CU_ASSERT_EQUAL(src->state, SOURCE_FAILED);
	src = snapshot_source(v, SRC_PROC_TABLE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	CU_ASSERT_TRUE(src->ok && src->state == SOURCE_OK && !src->error);
	CU_ASSERT_PTR_NULL(snapshot_source(v, SRC_OTHER));
	CU_ASSERT_EQUAL(snapshot_failed_sources(v), 2);
	snapshot_unref(v);
	snapshot_unref(s);
}

void test_register(void)
{
	TEST_SUITE("filter", NULL, NULL,
		   "a process, its objects and peers", test_process_and_peers,
		   "SysV last pids and POSIX mappings", test_sysv_last_pids,
		   "waited-on objects and children", test_waiting,
		   "several pids, absent pids", test_several_and_absent,
		   "filter_has_pid", test_has_pid,
		   "references and errors stay inside the view", test_references_and_errors,
		   "typed source status kept by the view", test_source_states);
}
