/*
 * test_throughput.c - pipe and socket rates of snapshot_diff() (src/diff.c, rates_pipe /
 * rates_usock) on hand-built snapshots one second apart, without traffic counters: nothing is
 * estimated. A process's read/write counters (rchar/wchar) never become a channel's
 * throughput, which stays unknown (NaN) with its reason; the fill change (what is queued in
 * both snapshots) is exact and says only that something was written (growth) or read
 * (shrinking).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "src/diff.h"
#include "tests/unit/testmain.h"

static void add_proc(struct snapshot *s, pid_t pid, int64_t rchar, int64_t wchar)
{
	struct proc_rec *p = snapshot_add_proc(s);

	p->pid = pid;
	p->start_ticks = 100;
	p->comm = "t";
	p->io_rchar = rchar;
	p->io_wchar = wchar;
}

static struct endpoint *ends(struct snapshot *s, const struct endpoint *e, size_t n)
{
	struct endpoint *v = snapshot_alloc(s, n * sizeof(*v));

	memcpy(v, e, n * sizeof(*v));
	return v;
}

static void add_pipe(struct snapshot *s, uint64_t ino, const struct endpoint *e, size_t n,
		     int64_t queued)
{
	struct pipe_rec *p = snapshot_add_pipe(s);

	p->kind = PIPE_ANON;
	p->inode = ino;
	p->ends = ends(s, e, n);
	p->n_ends = n;
	p->queued_bytes = queued;
	p->capacity = 65536;
}

static void add_sock(struct snapshot *s, uint64_t ino, uint64_t peer, pid_t pid, int fd,
		     int64_t queued)
{
	struct usock_rec *u = snapshot_add_usock(s);
	struct endpoint e = { pid, fd, FD_MODE_RDWR };

	u->inode = ino;
	u->peer_inode = peer;
	u->peer_known = true;
	u->type = 1;
	u->state = 1;
	u->holders = ends(s, &e, 1);
	u->n_holders = 1;
	u->queued_bytes = queued;
}

static struct snapshot *snap(double t)
{
	struct snapshot *s = snapshot_new();

	s->time = t;
	return s;
}

static const struct delta_rate *rate(struct snapshot *prev, struct snapshot *cur,
				     struct snapshot_delta **d, const char *id)
{
	snapshot_seal(prev);
	snapshot_seal(cur);
	*d = snapshot_diff(prev, cur);
	return snapshot_delta_rate(*d, id);
}

/* Writer 10 writes only to the pipe, reader 11 reads only from it. */
static const struct endpoint simple[] = { { 10, 4, FD_MODE_WRITE }, { 11, 3, FD_MODE_READ } };

/* No counters: unknown with the reason, whatever the processes' io counters did. */
static void uncounted(const struct delta_rate *r)
{
	CU_ASSERT_TRUE(isnan(r->bytes_per_s));
	CU_ASSERT_TRUE(isnan(r->messages_per_s));
	CU_ASSERT_FALSE(r->exact);
	CU_ASSERT_PTR_NOT_NULL(r->why);
}

static void test_simple_pipe(void)
{
	struct snapshot *a = snap(1000), *b = snap(1001);
	struct snapshot_delta *d;
	const struct delta_rate *r;

	add_proc(a, 10, 0, 5000);
	add_proc(a, 11, 2000, 0);
	add_pipe(a, 77, simple, 2, 100);
	/* one second: the writer's wchar moved 1000, the reader's rchar 800, the queue grew 200 */
	add_proc(b, 10, 0, 6000);
	add_proc(b, 11, 2800, 0);
	add_pipe(b, 77, simple, 2, 300);
	r = rate(a, b, &d, "pipe:77");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	uncounted(r);
	CU_ASSERT_DOUBLE_EQUAL(r->fill_bytes_per_s, 200.0, 1e-9);	/* exact, not throughput */
	CU_ASSERT_TRUE(isnan(r->fill_messages_per_s));
	CU_ASSERT_TRUE(r->sent);	/* it grew: something was written */
	CU_ASSERT_FALSE(r->received);
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

/* The case of issue 12: a process doing file I/O holds an idle self-pipe. Its io counters move
 * by megabytes; the pipe carried nothing and shows nothing. */
static void test_idle_pipe_of_busy_process(void)
{
	const struct endpoint self[] = { { 10, 4, FD_MODE_WRITE }, { 10, 3, FD_MODE_READ } };
	struct snapshot *a = snap(1000), *b = snap(1001);
	struct snapshot_delta *d;
	const struct delta_rate *r;

	add_proc(a, 10, 0, 0);
	add_pipe(a, 77, self, 2, 0);
	add_proc(b, 10, 5000000, 5000000);
	add_pipe(b, 77, self, 2, 0);
	r = rate(a, b, &d, "pipe:77");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	uncounted(r);
	CU_ASSERT_DOUBLE_EQUAL(r->fill_bytes_per_s, 0.0, 1e-9);
	CU_ASSERT_FALSE(r->sent);
	CU_ASSERT_FALSE(r->received);
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

static void test_unknown_fill_and_new_pipe(void)
{
	struct snapshot *a = snap(1000), *b = snap(1001);
	struct snapshot_delta *d;
	const struct delta_rate *r;

	add_proc(a, 10, 0, 0);
	add_proc(a, 11, 0, 0);
	add_pipe(a, 77, simple, 2, SNAP_UNKNOWN);
	add_proc(b, 10, 0, 400);
	add_proc(b, 11, 300, 0);
	add_pipe(b, 77, simple, 2, 50);
	add_pipe(b, 81, simple, 2, 0);	/* new: no rate */
	r = rate(a, b, &d, "pipe:77");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	uncounted(r);
	CU_ASSERT_TRUE(isnan(r->fill_bytes_per_s));	/* the fill was unknown before */
	CU_ASSERT_FALSE(r->sent);
	CU_ASSERT_FALSE(r->received);
	CU_ASSERT_PTR_NULL(snapshot_delta_rate(d, "pipe:81"));
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

static void test_socketpair(void)
{
	struct snapshot *a = snap(1000), *b = snap(1001);
	struct snapshot_delta *d;
	const struct delta_rate *ra, *rb;

	/* 10 holds socket 100, 11 holds its peer 101; 100 bytes more wait in 101's queue */
	add_proc(a, 10, 0, 0);
	add_proc(a, 11, 0, 0);
	add_sock(a, 100, 101, 10, 3, 0);
	add_sock(a, 101, 100, 11, 3, 0);
	add_proc(b, 10, 0, 600);
	add_proc(b, 11, 500, 0);
	add_sock(b, 100, 101, 10, 3, 0);
	add_sock(b, 101, 100, 11, 3, 100);
	snapshot_seal(a);
	snapshot_seal(b);
	d = snapshot_diff(a, b);
	ra = snapshot_delta_rate(d, "unix:100");
	rb = snapshot_delta_rate(d, "unix:101");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ra);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rb);
	uncounted(ra);
	uncounted(rb);
	CU_ASSERT_TRUE(ra->sent);	/* its peer's unread bytes grew */
	CU_ASSERT_DOUBLE_EQUAL(ra->fill_bytes_per_s, 0.0, 1e-9);
	CU_ASSERT_FALSE(rb->sent);
	CU_ASSERT_DOUBLE_EQUAL(rb->fill_bytes_per_s, 100.0, 1e-9);
	CU_ASSERT_FALSE(rb->received);	/* its unread bytes grew: nothing shows a read */
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

void test_register(void)
{
	TEST_SUITE("pipe and socket rates without counters", NULL, NULL,
		   "one writer, one reader: unknown throughput, exact fill change", test_simple_pipe,
		   "an idle pipe of a process doing file I/O: nothing", test_idle_pipe_of_busy_process,
		   "unknown fill, new pipe", test_unknown_fill_and_new_pipe,
		   "socketpair: unknown throughput, sends seen at the peer", test_socketpair);
}
