/*
 * test_proc_wait.c - the proc_wait probe and the waiting pass through the sampler on a
 * recorded /proc tree (tests/fixtures/blocked): sleep in nanosleep, cat opening a FIFO with no
 * writer, bash in wait4(-1), a python3 whose worker thread blocks SIGUSR1 and has one pending
 * (tgkill), cat reading a pipe; plus a copy with a malformed syscall file (99999) and one
 * whose wchan is hidden ("0", 99998). Also: the signal trace is off with --sysroot.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/syscall.h>

#include "probes/collect.h"
#include "src/sampler.h"
#include "tests/unit/testmain.h"

static struct snapshot *snap;

static int setup(void)
{
	struct collect_opts o = { .sysroot = test_fixture("blocked"), .trace_signals = true };
	struct sampler *sm;
	int err;

	sm = sampler_new(&o, &err);
	if (!sm || sampler_take(sm, &snap) < 0)
		return -1;
	sampler_free(sm);
	return 0;
}

static int teardown(void)
{
	snapshot_unref(snap);
	return 0;
}

static const struct proc_rec *proc(pid_t pid)
{
	const struct proc_rec *p = snapshot_find_proc(snap, pid);

	CU_ASSERT_PTR_NOT_NULL(p);
	return p;
}

static void test_sleep(void)
{
	const struct proc_rec *p = proc(30279);

	if (!p)
		return;
	CU_ASSERT_STRING_EQUAL(p->wchan, "hrtimer_nanosleep");
	CU_ASSERT_TRUE(p->syscall_known);
	CU_ASSERT_EQUAL(p->syscall_nr, SYS_clock_nanosleep);
	CU_ASSERT_EQUAL(p->syscall_args[2], 0x7ffd3d12ced0ULL);
	CU_ASSERT_EQUAL(p->waiting.kind, WAIT_OTHER);
	CU_ASSERT_STRING_EQUAL(p->waiting.detail, "hrtimer_nanosleep");
}

static void test_fifo_open(void)
{
	const struct proc_rec *p = proc(30281);

	if (!p)
		return;
	CU_ASSERT_STRING_EQUAL(p->wchan, "wait_for_partner");
	CU_ASSERT_EQUAL(p->syscall_nr, SYS_openat);
	CU_ASSERT_EQUAL(p->waiting.kind, WAIT_FIFO_OPEN);
	CU_ASSERT_PTR_NULL(p->waiting.object);
	CU_ASSERT_PTR_NOT_NULL(p->waiting.detail && strstr(p->waiting.detail, "for reading"));
}

static void test_wait_any_child(void)
{
	const struct proc_rec *p = proc(30282);

	if (!p)
		return;
	CU_ASSERT_EQUAL(p->syscall_nr, SYS_wait4);
	CU_ASSERT_EQUAL(p->waiting.kind, WAIT_CHILD_WAIT);
	CU_ASSERT_PTR_NULL(p->waiting.object);
	CU_ASSERT_EQUAL(p->waiting.arg, 0);
	CU_ASSERT_STRING_EQUAL(p->waiting.detail, "any child");
}

static void test_thread_signal_state(void)
{
	const struct proc_rec *p = proc(30283);
	const struct thread_rec *t = NULL;

	if (!p)
		return;
	CU_ASSERT_EQUAL(p->nthreads, 2);
	CU_ASSERT_EQUAL(p->waiting.kind, WAIT_OTHER);	/* the main thread joins: a futex */
	CU_ASSERT_STRING_EQUAL(p->wchan, "futex_do_wait");
	for (size_t i = 0; i < snap->n_threads; i++)
		if (snap->threads[i].tgid == 30283)
			t = &snap->threads[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->tid, 30394);
	CU_ASSERT_STRING_EQUAL(t->comm, "python3");
	CU_ASSERT_EQUAL(t->state, 'S');
	CU_ASSERT_EQUAL(t->pending, 1ULL << (SIGUSR1 - 1));
	CU_ASSERT_EQUAL(t->blocked, 1ULL << (SIGUSR1 - 1));
	/* the main thread is the process: never listed as a differing thread */
	for (size_t i = 0; i < snap->n_threads; i++)
		CU_ASSERT_NOT_EQUAL(snap->threads[i].tid, snap->threads[i].tgid);
}

static void test_pipe_reader(void)
{
	const struct proc_rec *p = proc(30286);

	if (!p)
		return;
	CU_ASSERT_EQUAL(p->syscall_nr, SYS_read);
	CU_ASSERT_EQUAL(p->syscall_args[0], 0);
	CU_ASSERT_EQUAL(p->waiting.kind, WAIT_PIPE_READ);
	CU_ASSERT_PTR_NOT_NULL(p->waiting.detail && strstr(p->waiting.detail, "fd 0"));
}

static void test_malformed_and_hidden(void)
{
	const struct proc_rec *p = proc(99999), *q = proc(99998);
	bool found = false;

	if (p) {
		CU_ASSERT_FALSE(p->syscall_known);
		CU_ASSERT_STRING_EQUAL(p->wchan, "hrtimer_nanosleep");
		CU_ASSERT_EQUAL(p->waiting.kind, WAIT_OTHER);	/* from wchan alone */
	}
	for (size_t i = 0; i < snap->n_errors; i++)
		if (strcmp(snap->errors[i].where, "pid 99999 syscall") == 0 &&
		    strcmp(snap->errors[i].error, "malformed") == 0)
			found = true;
	CU_ASSERT_TRUE(found);
	if (q) {
		CU_ASSERT_PTR_NULL(q->wchan);	/* "0": hidden, not a symbol */
		CU_ASSERT_TRUE(q->syscall_known);
		/* a read on fd 0 with no channel known and no wchan: just "other" */
		CU_ASSERT_EQUAL(q->waiting.kind, WAIT_OTHER);
		CU_ASSERT_PTR_NULL(q->waiting.detail);
	}
}

static void test_trace_off_with_sysroot(void)
{
	const struct snap_source *src = NULL;

	for (size_t i = 0; i < snap->n_sources; i++)
		if (strcmp(snap->sources[i].name, COLLECT_SIG_TRACE_SOURCE) == 0)
			src = &snap->sources[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	CU_ASSERT_FALSE(src->ok);
	CU_ASSERT_STRING_EQUAL(src->error, "not the live system (--sysroot)");
	CU_ASSERT_EQUAL(snap->n_sigevents, 0);
}

void test_register(void)
{
	TEST_SUITE("proc_wait on a recorded tree", setup, teardown,
		   "sleep: other (hrtimer_nanosleep)", test_sleep,
		   "cat opening a FIFO: fifo_open", test_fifo_open,
		   "bash in wait4(-1): child_wait", test_wait_any_child,
		   "a thread's own pending and blocked signals", test_thread_signal_state,
		   "cat reading a pipe: pipe_read", test_pipe_reader,
		   "malformed syscall, hidden wchan", test_malformed_and_hidden,
		   "no signal trace with --sysroot", test_trace_off_with_sysroot);
}
