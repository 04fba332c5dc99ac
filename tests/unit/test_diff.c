/*
 * test_diff.c - snapshot_diff() on hand-built snapshots: queue rates, object created/removed,
 * shm attach/detach, process start/exit (pid reuse = exit + start), exec.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "src/diff.h"
#include "tests/unit/testmain.h"

static void add_proc(struct snapshot *s, pid_t pid, unsigned long long start, const char *comm,
		     const char *cmdline)
{
	struct proc_rec *p = snapshot_add_proc(s);

	p->pid = pid;
	p->ppid = 1;
	p->start_ticks = start;
	p->comm = snapshot_strdup(s, comm);
	p->cmdline = snapshot_strdup(s, cmdline);
}

static void add_msgq(struct snapshot *s, int id, int32_t key, int64_t msgs, int64_t bytes,
		     int64_t stime)
{
	struct msgq_rec *q = snapshot_add_msgq(s);

	q->perm.id = id;
	q->perm.key = key;
	q->messages = msgs;
	q->bytes = bytes;
	q->stime = stime;
}

static void add_shm(struct snapshot *s, int id, const pid_t *att, size_t n)
{
	struct shm_rec *m = snapshot_add_shm(s);

	m->perm.id = id;
	m->nattch = (int64_t)n;
	if (att) {
		m->attached_pids = snapshot_alloc(s, (n ? n : 1) * sizeof(pid_t));
		memcpy(m->attached_pids, att, n * sizeof(pid_t));
	}
	m->n_attached = att ? n : 0;
}

/* Index of the first event of kind on object (and pid, if pid != 0), or -1. */
static int find_event(const struct snapshot_delta *d, enum delta_event_kind kind,
		      const char *object, pid_t pid)
{
	for (size_t i = 0; i < d->n_events; i++)
		if (d->events[i].kind == kind && strcmp(d->events[i].object, object) == 0 &&
		    (!pid || d->events[i].pid == pid))
			return (int)i;
	return -1;
}

static size_t count_kind(const struct snapshot_delta *d, enum delta_event_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n_events; i++)
		n += d->events[i].kind == kind;
	return n;
}

static void test_first_snapshot(void)
{
	struct snapshot *s = snapshot_new();
	struct snapshot_delta *d;

	add_msgq(s, 1, 5, 1, 10, 0);
	snapshot_seal(s);
	d = snapshot_diff(NULL, s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->n_rates, 0);
	CU_ASSERT_EQUAL(d->n_events, 0);
	CU_ASSERT_PTR_NULL(snapshot_delta_rate(d, "msg:1"));
	snapshot_delta_free(d);
	snapshot_unref(s);
}

static void test_msgq_rates(void)
{
	struct snapshot *a = snapshot_new(), *b = snapshot_new();
	struct snapshot_delta *d;
	const struct delta_rate *r;

	a->time = 100.0;
	b->time = 104.0;
	add_msgq(a, 1, 5, 10, 1000, 50);
	add_msgq(a, 2, 6, 4, 400, 50);
	add_msgq(a, 3, 7, SNAP_UNKNOWN, 0, 50);
	add_msgq(b, 1, 5, 2, 200, 50);		/* drained 8 msgs / 800 bytes in 4 s */
	add_msgq(b, 2, 6, 8, 1200, 103);	/* filled 4 msgs / 800 bytes, sent */
	add_msgq(b, 3, 7, 3, 0, 50);		/* messages unknown before */
	add_msgq(b, 4, 8, 1, 1, 103);		/* new: no rate */
	snapshot_seal(a);
	snapshot_seal(b);
	d = snapshot_diff(a, b);
	CU_ASSERT_DOUBLE_EQUAL(d->interval, 4.0, 1e-9);
	CU_ASSERT_EQUAL(d->n_rates, 3);
	r = snapshot_delta_rate(d, "msg:1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* no counters: the throughput is unknown, with its reason, never the fill change */
	CU_ASSERT_TRUE(isnan(r->messages_per_s));
	CU_ASSERT_TRUE(isnan(r->bytes_per_s));
	CU_ASSERT_FALSE(r->exact);
	CU_ASSERT_PTR_NOT_NULL(r->why);
	/* the fill change is exact, named as such */
	CU_ASSERT_DOUBLE_EQUAL(r->fill_messages_per_s, -2.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r->fill_bytes_per_s, -200.0, 1e-9);
	CU_ASSERT_FALSE(r->sent);
	CU_ASSERT_TRUE(r->received);	/* it drained: something was received */
	r = snapshot_delta_rate(d, "msg:2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE(isnan(r->messages_per_s));
	CU_ASSERT_TRUE(isnan(r->bytes_per_s));
	CU_ASSERT_DOUBLE_EQUAL(r->fill_messages_per_s, 1.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r->fill_bytes_per_s, 200.0, 1e-9);
	CU_ASSERT_TRUE(r->sent);
	CU_ASSERT_FALSE(r->exact);
	r = snapshot_delta_rate(d, "msg:3");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE(isnan(r->fill_messages_per_s));
	CU_ASSERT_DOUBLE_EQUAL(r->fill_bytes_per_s, 0.0, 1e-9);
	CU_ASSERT_TRUE(isnan(r->bytes_per_s));
	CU_ASSERT_PTR_NULL(snapshot_delta_rate(d, "msg:4"));
	CU_ASSERT_TRUE(find_event(d, DEV_OBJECT_CREATED, "msg:4", 0) >= 0);
	snapshot_delta_free(d);

	/* zero interval: rates unknown, not infinite */
	b->time = a->time;
	d = snapshot_diff(a, b);
	r = snapshot_delta_rate(d, "msg:2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE(isnan(r->fill_messages_per_s));
	CU_ASSERT_TRUE(isnan(r->messages_per_s));
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

static void test_objects(void)
{
	struct snapshot *a = snapshot_new(), *b = snapshot_new();
	struct snapshot_delta *d;
	struct pipe_rec *p;
	struct pmq_rec *q;
	struct sem_rec *sm;

	p = snapshot_add_pipe(a);
	p->inode = 10;
	p = snapshot_add_pipe(a);
	p->inode = 11;
	p->kind = PIPE_FIFO;
	p = snapshot_add_pipe(b);
	p->inode = 11;
	p->kind = PIPE_FIFO;
	p = snapshot_add_pipe(b);
	p->inode = 12;
	q = snapshot_add_pmq(b);
	q->name = snapshot_strdup(b, "jobs");
	sm = snapshot_add_sem(a);
	sm->perm.id = 9;
	sm->perm.key = 1;
	sm = snapshot_add_sem(b);	/* same id, other key: a new set */
	sm->perm.id = 9;
	sm->perm.key = 2;
	snapshot_add_usock(a)->inode = 500;
	snapshot_seal(a);
	snapshot_seal(b);
	d = snapshot_diff(a, b);
	CU_ASSERT_TRUE(find_event(d, DEV_OBJECT_REMOVED, "pipe:10", 0) >= 0);
	CU_ASSERT_TRUE(find_event(d, DEV_OBJECT_CREATED, "pipe:12", 0) >= 0);
	CU_ASSERT_EQUAL(find_event(d, DEV_OBJECT_CREATED, "fifo:11", 0), -1);
	CU_ASSERT_EQUAL(find_event(d, DEV_OBJECT_REMOVED, "fifo:11", 0), -1);
	CU_ASSERT_TRUE(find_event(d, DEV_OBJECT_CREATED, "pmq:jobs", 0) >= 0);
	CU_ASSERT_TRUE(find_event(d, DEV_OBJECT_REMOVED, "unix:500", 0) >= 0);
	CU_ASSERT_TRUE(find_event(d, DEV_OBJECT_REMOVED, "sem:9", 0) >= 0);
	CU_ASSERT_TRUE(find_event(d, DEV_OBJECT_CREATED, "sem:9", 0) >= 0);
	CU_ASSERT_EQUAL(count_kind(d, DEV_OBJECT_CREATED), 3);
	CU_ASSERT_EQUAL(count_kind(d, DEV_OBJECT_REMOVED), 3);
	/* removals come before creations */
	CU_ASSERT_TRUE(find_event(d, DEV_OBJECT_REMOVED, "sem:9", 0) <
		       find_event(d, DEV_OBJECT_CREATED, "sem:9", 0));
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

static void test_attach_detach(void)
{
	struct snapshot *a = snapshot_new(), *b = snapshot_new();
	struct snapshot_delta *d;

	add_shm(a, 1, (const pid_t[]){ 10, 11 }, 2);
	add_shm(b, 1, (const pid_t[]){ 11, 12, 13 }, 3);
	add_shm(a, 2, NULL, 0);			/* nattch 0: known to be empty */
	add_shm(b, 2, (const pid_t[]){ 20 }, 1);
	add_shm(a, 3, (const pid_t[]){ 30 }, 1);
	add_shm(b, 3, NULL, 1);			/* attachers unknown now: no events */
	b->shms[b->n_shms - 1].nattch = 1;
	snapshot_seal(a);
	snapshot_seal(b);
	d = snapshot_diff(a, b);
	CU_ASSERT_TRUE(find_event(d, DEV_DETACH, "shm:1", 10) >= 0);
	CU_ASSERT_TRUE(find_event(d, DEV_ATTACH, "shm:1", 12) >= 0);
	CU_ASSERT_TRUE(find_event(d, DEV_ATTACH, "shm:1", 13) >= 0);
	CU_ASSERT_EQUAL(find_event(d, DEV_ATTACH, "shm:1", 11), -1);
	CU_ASSERT_EQUAL(find_event(d, DEV_DETACH, "shm:1", 11), -1);
	CU_ASSERT_TRUE(find_event(d, DEV_ATTACH, "shm:2", 20) >= 0);
	CU_ASSERT_EQUAL(find_event(d, DEV_DETACH, "shm:3", 30), -1);
	CU_ASSERT_EQUAL(count_kind(d, DEV_ATTACH), 3);
	CU_ASSERT_EQUAL(count_kind(d, DEV_DETACH), 1);
	CU_ASSERT_EQUAL(count_kind(d, DEV_OBJECT_CREATED) + count_kind(d, DEV_OBJECT_REMOVED), 0);
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

/* The record just added to s. */
static struct proc_rec *last_proc(struct snapshot *s)
{
	return &s->procs[s->n_procs - 1];
}

static void test_processes(void)
{
	struct snapshot *a = snapshot_new(), *b = snapshot_new();
	struct snapshot_delta *d;
	int ex, st;

	add_proc(a, 10, 100, "sh", "sh -c x");		/* stays */
	last_proc(a)->stack_start = 0x7ffd0000;
	add_proc(a, 11, 110, "old", "old");		/* exits */
	add_proc(a, 12, 120, "a", "a");			/* pid reused */
	add_proc(a, 13, 130, "bash", "bash");		/* execs */
	last_proc(a)->stack_start = 0x7ffc1000;
	add_proc(a, 14, 140, "worker", "worker --x");	/* rewrites its argv: no exec */
	last_proc(a)->stack_start = 0x7ffc2000;
	add_proc(a, 17, 170, "sleep", "sleep 1");	/* turns zombie: cmdline reads empty */
	last_proc(a)->stack_start = 0x7ffc3000;
	last_proc(a)->state = 'S';
	add_proc(a, 18, 180, "py", "python3 x");	/* renames its thread: no exec */
	last_proc(a)->stack_start = 0x7ffc4000;
	add_proc(a, 19, 190, "sh", "sh");		/* stack unknown (no access): no exec */
	add_proc(b, 10, 100, "sh", "sh -c x");
	last_proc(b)->stack_start = 0x7ffd0000;
	add_proc(b, 12, 999, "b", "b");
	add_proc(b, 13, 130, "sleep", "sleep 5");
	last_proc(b)->stack_start = 0x7ffe5000;
	add_proc(b, 14, 140, "worker", "worker --y");
	last_proc(b)->stack_start = 0x7ffc2000;
	add_proc(b, 15, 150, "new", "new");		/* starts */
	add_proc(b, 17, 170, "sleep", "");
	last_proc(b)->zombie = true;
	last_proc(b)->state = 'Z';
	add_proc(b, 18, 180, "worker-1", "python3 x");
	last_proc(b)->stack_start = 0x7ffc4000;
	add_proc(b, 19, 190, "ls", "ls");
	add_proc(a, 16, 160, "kworker/0:1-events", "");	/* a kernel thread renames itself */
	a->procs[a->n_procs - 1].kthread = true;
	add_proc(b, 16, 160, "kworker/0:1-mm_percpu_wq", "");
	b->procs[b->n_procs - 1].kthread = true;
	snapshot_seal(a);
	snapshot_seal(b);
	d = snapshot_diff(a, b);
	CU_ASSERT_TRUE(find_event(d, DEV_PROCESS_EXITED, "pid:11", 11) >= 0);
	CU_ASSERT_TRUE(find_event(d, DEV_PROCESS_STARTED, "pid:15", 15) >= 0);
	ex = find_event(d, DEV_PROCESS_EXITED, "pid:12", 12);
	st = find_event(d, DEV_PROCESS_STARTED, "pid:12", 12);
	CU_ASSERT_TRUE(ex >= 0 && st > ex);
	if (ex >= 0) {
		CU_ASSERT_STRING_EQUAL(d->events[ex].detail, "a");
		CU_ASSERT_STRING_EQUAL(d->events[ex].evidence, "pid reused: another start time");
	}
	if (st >= 0)
		CU_ASSERT_STRING_EQUAL(d->events[st].detail, "b");
	st = find_event(d, DEV_PROCESS_STARTED, "pid:15", 15);
	if (st >= 0)
		CU_ASSERT_STRING_EQUAL(d->events[st].evidence, "new pid");
	st = find_event(d, DEV_EXEC, "pid:13", 13);
	CU_ASSERT_TRUE_FATAL(st >= 0);
	CU_ASSERT_STRING_EQUAL(d->events[st].detail, "bash -> sleep");
	CU_ASSERT_STRING_EQUAL(d->events[st].evidence,
			       "new program image: stack start 0x7ffc1000 -> 0x7ffe5000");
	st = find_event(d, DEV_PROCESS_ZOMBIE, "pid:17", 17);
	CU_ASSERT_TRUE_FATAL(st >= 0);
	CU_ASSERT_STRING_EQUAL(d->events[st].evidence, "state S -> Z");
	CU_ASSERT_EQUAL(count_kind(d, DEV_PROCESS_EXITED), 2);
	CU_ASSERT_EQUAL(count_kind(d, DEV_PROCESS_STARTED), 2);
	CU_ASSERT_EQUAL(count_kind(d, DEV_PROCESS_ZOMBIE), 1);
	CU_ASSERT_EQUAL(count_kind(d, DEV_EXEC), 1);	/* not 14, 17, 18, 19, 10, 16 */
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

/* A --pid view: a process leaving or entering the view did not exit or start. */
static void test_processes_views(void)
{
	struct snapshot *a = snapshot_new(), *b = snapshot_new();
	struct snapshot *va = snapshot_new(), *vb = snapshot_new();
	struct snapshot_delta *d;

	add_proc(a, 20, 200, "parent", "parent");
	add_proc(a, 21, 210, "child", "child");
	add_proc(b, 20, 200, "parent", "parent");
	add_proc(b, 21, 210, "child", "");
	last_proc(b)->zombie = true;
	last_proc(b)->state = 'Z';
	add_proc(b, 22, 220, "other", "other");
	snapshot_seal(a);
	snapshot_seal(b);
	/* the earlier view holds only 20; the later only 21 and 22 */
	va->base = snapshot_ref(a);
	*snapshot_add_proc(va) = a->procs[0];
	vb->base = snapshot_ref(b);
	*snapshot_add_proc(vb) = b->procs[1];
	*snapshot_add_proc(vb) = b->procs[2];
	snapshot_seal(va);
	snapshot_seal(vb);
	d = snapshot_diff(va, vb);
	CU_ASSERT_EQUAL(count_kind(d, DEV_PROCESS_EXITED), 0);	/* 20 only left the view */
	CU_ASSERT_EQUAL(count_kind(d, DEV_PROCESS_STARTED), 1);	/* 22 is new */
	CU_ASSERT_TRUE(find_event(d, DEV_PROCESS_STARTED, "pid:22", 22) >= 0);
	CU_ASSERT_TRUE(find_event(d, DEV_PROCESS_ZOMBIE, "pid:21", 21) >= 0);
	CU_ASSERT_EQUAL(count_kind(d, DEV_EXEC), 0);
	snapshot_delta_free(d);
	snapshot_unref(va);
	snapshot_unref(vb);
	snapshot_unref(a);
	snapshot_unref(b);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(delta_event_kind_name(DEV_PROCESS_EXITED), "process_exited");
	CU_ASSERT_STRING_EQUAL(delta_event_kind_name(DEV_PROCESS_STARTED), "process_started");
	CU_ASSERT_STRING_EQUAL(delta_event_kind_name(DEV_EXEC), "exec");
	CU_ASSERT_STRING_EQUAL(delta_event_kind_name(DEV_PROCESS_ZOMBIE), "process_zombie");
	CU_ASSERT_STRING_EQUAL(delta_event_kind_name(DEV_OBJECT_CREATED), "object_created");
	CU_ASSERT_STRING_EQUAL(delta_event_kind_name(DEV_OBJECT_REMOVED), "object_removed");
	CU_ASSERT_STRING_EQUAL(delta_event_kind_name(DEV_ATTACH), "attached");
	CU_ASSERT_STRING_EQUAL(delta_event_kind_name(DEV_DETACH), "detached");
}

void test_register(void)
{
	TEST_SUITE("diff", NULL, NULL,
		   "first snapshot: empty delta", test_first_snapshot,
		   "msg queue rates", test_msgq_rates,
		   "objects created and removed", test_objects,
		   "shm attach and detach", test_attach_detach,
		   "process start, exit, reuse, exec, zombie: by evidence", test_processes,
		   "--pid views: leaving the view is no exit", test_processes_views,
		   "event kind names", test_names);
}
