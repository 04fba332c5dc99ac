/*
 * test_throughput.c - the pipe and socket throughput estimates of snapshot_diff() (src/diff.c,
 * rates_pipe / rates_usock) on hand-built snapshots one second apart.
 *
 * W = bytes written, R = read, dq = queue change: W = R + dq. The io counters of a process
 * are split evenly over the channels it can read / write, and each side is an upper bound of
 * W, so the estimate is min(writers' share, readers' share + dq), never below dq or 0.
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

static void test_simple_pipe(void)
{
	struct snapshot *a = snap(1000), *b = snap(1001);
	struct snapshot_delta *d;
	const struct delta_rate *r;

	add_proc(a, 10, 0, 5000);
	add_proc(a, 11, 2000, 0);
	add_pipe(a, 77, simple, 2, 100);
	/* one second: 1000 written, 800 read, the queue grew by 200 */
	add_proc(b, 10, 0, 6000);
	add_proc(b, 11, 2800, 0);
	add_pipe(b, 77, simple, 2, 300);
	r = rate(a, b, &d, "pipe:77");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE(r->estimate);
	CU_ASSERT_DOUBLE_EQUAL(r->bytes_per_s, 1000.0, 1e-9);
	CU_ASSERT_TRUE(r->sent);
	CU_ASSERT_TRUE(r->received);
	CU_ASSERT_TRUE(isnan(r->messages_per_s));
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

static void test_writer_writes_elsewhere_too(void)
{
	struct snapshot *a = snap(1000), *b = snap(1002);
	struct snapshot_delta *d;
	const struct delta_rate *r;

	/* the writer also wrote 9000 bytes to a log file: the reader side bounds it */
	add_proc(a, 10, 0, 0);
	add_proc(a, 11, 0, 0);
	add_pipe(a, 77, simple, 2, 0);
	add_proc(b, 10, 0, 10000);
	add_proc(b, 11, 1000, 0);
	add_pipe(b, 77, simple, 2, 0);
	r = rate(a, b, &d, "pipe:77");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_DOUBLE_EQUAL(r->bytes_per_s, 500.0, 1e-9);	/* 1000 bytes in 2 s */
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

static void test_unknown_and_idle(void)
{
	struct snapshot *a = snap(1000), *b = snap(1001);
	struct snapshot_delta *d;
	const struct delta_rate *r;

	/* the writer is new (another start time): its side is unknown, the reader's + dq count */
	add_proc(a, 10, 0, 0);
	add_proc(a, 11, 0, 0);
	add_pipe(a, 77, simple, 2, 0);
	add_proc(b, 10, 0, 400);
	b->procs[0].start_ticks = 999;
	add_proc(b, 11, 300, 0);
	add_pipe(b, 77, simple, 2, 50);
	/* a second pipe between the same two: it shares the reader's counter */
	add_pipe(a, 78, simple, 2, 0);
	add_pipe(b, 78, simple, 2, 0);
	/* a pipe whose holders have no io at all: NaN */
	add_proc(a, 20, SNAP_UNKNOWN, SNAP_UNKNOWN);
	add_proc(b, 20, SNAP_UNKNOWN, SNAP_UNKNOWN);
	{
		const struct endpoint e[] = { { 20, 1, FD_MODE_WRITE }, { 20, 0, FD_MODE_READ } };

		add_pipe(a, 79, e, 2, 10);
		add_pipe(b, 79, e, 2, 10);
	}
	snapshot_seal(a);
	snapshot_seal(b);
	d = snapshot_diff(a, b);
	r = snapshot_delta_rate(d, "pipe:77");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* reader: 300 bytes over its 2 readable channels (pipes 77, 78) = 150, + dq 50 */
	CU_ASSERT_DOUBLE_EQUAL(r->bytes_per_s, 200.0, 1e-9);
	r = snapshot_delta_rate(d, "pipe:79");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE(isnan(r->bytes_per_s));
	CU_ASSERT_FALSE(r->sent);
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

static void test_split_and_new_pipe(void)
{
	struct snapshot *a = snap(1000), *b = snap(1001);
	struct snapshot_delta *d;
	const struct endpoint e2[] = { { 10, 5, FD_MODE_WRITE }, { 12, 3, FD_MODE_READ } };

	/* writer 10 writes two pipes: its 2000 bytes are split 1000/1000; reader 11 read 1500
	 * (bounds pipe 77 at 1500), reader 12 read 400 (bounds pipe 80 at 400) */
	add_proc(a, 10, 0, 0);
	add_proc(a, 11, 0, 0);
	add_proc(a, 12, 0, 0);
	add_pipe(a, 77, simple, 2, 0);
	add_pipe(a, 80, e2, 2, 0);
	add_proc(b, 10, 0, 2000);
	add_proc(b, 11, 1500, 0);
	add_proc(b, 12, 400, 0);
	add_pipe(b, 77, simple, 2, 0);
	add_pipe(b, 80, e2, 2, 0);
	add_pipe(b, 81, simple, 2, 0);	/* new: no rate */
	snapshot_seal(a);
	snapshot_seal(b);
	d = snapshot_diff(a, b);
	/* writer 10 has 3 writable pipes in cur: 2000 / 3 each */
	CU_ASSERT_DOUBLE_EQUAL(snapshot_delta_rate(d, "pipe:77")->bytes_per_s, 2000.0 / 3, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(snapshot_delta_rate(d, "pipe:80")->bytes_per_s, 400.0, 1e-9);
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

	/* 10 holds socket 100, 11 holds its peer 101; 10 wrote 600, 11 read 500, 100 bytes wait
	 * in 101's queue */
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
	CU_ASSERT_TRUE(ra->estimate);
	CU_ASSERT_DOUBLE_EQUAL(ra->bytes_per_s, 600.0, 1e-9);	/* sent by 100's holder */
	CU_ASSERT_TRUE(ra->sent);
	CU_ASSERT_DOUBLE_EQUAL(rb->bytes_per_s, 0.0, 1e-9);	/* 11 wrote nothing */
	CU_ASSERT_FALSE(rb->sent);
	CU_ASSERT_TRUE(rb->received);
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

void test_register(void)
{
	TEST_SUITE("pipe and socket throughput estimates", NULL, NULL,
		   "one writer, one reader: W = R + dq", test_simple_pipe,
		   "writes elsewhere are bounded by the reader", test_writer_writes_elsewhere_too,
		   "unknown side, idle pipe, no io at all", test_unknown_and_idle,
		   "a writer's io split over its pipes; new pipe", test_split_and_new_pipe,
		   "socketpair: sent by each end", test_socketpair);
}
