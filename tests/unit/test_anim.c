/*
 * test_anim.c - the topology map's motion (ui/anim.c), on a clock the test controls: gauges
 * move smoothly from the old value to the new one over the interval; new nodes appear and
 * vanished ones leave ghosts that fade; a snapshot fed twice changes nothing; signals fly in
 * order, spread over the interval, then land; semaphore tokens taken and returned are
 * reported for a while; packets move faster at higher rates and not at all without one.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "src/snapshot.h"
#include "tests/unit/testmain.h"
#include "ui/anim.h"
#include "ui/topo_layout.h"

static void add_proc(struct snapshot *s, pid_t pid)
{
	struct proc_rec *p = snapshot_add_proc(s);

	p->pid = pid;
	p->ppid = 1;
	p->comm = snapshot_strdup(s, "p");
	p->state = 'S';
}

/* procs 10 and (with_11) 11; queue 5 holding bytes of 1000; sem 7 with value v0; the given
 * signal events (10 -> 11). */
static struct snapshot *scene(double time, bool with_11, int64_t bytes, int64_t v0, int n_sig)
{
	struct snapshot *s = snapshot_new();
	struct msgq_rec *q;
	struct sem_rec *sm;

	s->time = time;
	add_proc(s, 10);
	if (with_11)
		add_proc(s, 11);
	q = snapshot_add_msgq(s);
	q->perm.id = 5;
	q->bytes = bytes;
	q->max_bytes = 1000;
	q->last_send_pid = 10;
	q->last_recv_pid = with_11 ? 11 : 0;
	sm = snapshot_add_sem(s);
	sm->perm.id = 7;
	sm->nsems = 1;
	sm->values = snapshot_alloc(s, sizeof(int64_t));
	sm->values[0] = v0;
	for (int i = 0; i < n_sig; i++) {
		struct sig_event *e = snapshot_add_sigevent(s);

		e->signo = 10 + i;
		e->sender_pid = 10;
		e->target_pid = 11;
		e->time = time;
	}
	snapshot_seal(s);
	return s;
}

static void feed(struct anim *a, struct snapshot *s, double now)
{
	struct topo_graph g;

	topo_graph_build(&g, s, NULL);
	anim_snapshot(a, &g, s, now, 1.0);
	topo_graph_fini(&g);
}

static void test_gauges(void)
{
	struct anim *a = anim_new();
	struct snapshot *s1 = scene(1, true, 0, 1, 0), *s2 = scene(2, true, 800, 1, 0);
	double mid;

	feed(a, s1, 10.0);
	CU_ASSERT_DOUBLE_EQUAL(anim_gauge(a, "msg:5", 0, 10.5), 0, 1e-9);
	feed(a, s2, 11.0);
	/* from 0 towards 0.8 over the next 0.9 s, smoothly */
	CU_ASSERT_DOUBLE_EQUAL(anim_gauge(a, "msg:5", 0.8, 11.0), 0, 1e-9);
	mid = anim_gauge(a, "msg:5", 0.8, 11.45);
	CU_ASSERT_TRUE(mid > 0.2 && mid < 0.6);
	CU_ASSERT_TRUE(anim_gauge(a, "msg:5", 0.8, 11.2) < mid);
	CU_ASSERT_DOUBLE_EQUAL(anim_gauge(a, "msg:5", 0.8, 12.0), 0.8, 1e-9);
	/* a target that is not the current one, an unknown gauge: shown as is */
	CU_ASSERT_DOUBLE_EQUAL(anim_gauge(a, "msg:5", 0.3, 11.45), 0.3, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(anim_gauge(a, "msg:99", 0.4, 11.45), 0.4, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(anim_gauge(a, "msg:5", -1, 11.45), -1, 1e-9);
	/* the same snapshot again changes nothing */
	feed(a, s2, 11.45);
	CU_ASSERT_DOUBLE_EQUAL(anim_gauge(a, "msg:5", 0.8, 11.45), mid, 1e-9);
	anim_free(a);
	snapshot_unref(s1);
	snapshot_unref(s2);
}

static void test_births_and_ghosts(void)
{
	struct anim *a = anim_new();
	struct snapshot *s1 = scene(1, false, 0, 1, 0), *s2 = scene(2, true, 0, 1, 0);
	struct snapshot *s3 = scene(3, false, 0, 1, 0);
	const struct anim_ghost *gh;
	size_t n;

	feed(a, s1, 10.0);
	CU_ASSERT_DOUBLE_EQUAL(anim_birth(a, "pid:10", 10.0), 1, 1e-9);	/* there from the start */
	feed(a, s2, 11.0);
	CU_ASSERT_DOUBLE_EQUAL(anim_birth(a, "pid:11", 11.0), 0, 1e-9);
	CU_ASSERT_TRUE(anim_birth(a, "pid:11", 11.0 + ANIM_FADE / 2) > 0.4);
	CU_ASSERT_DOUBLE_EQUAL(anim_birth(a, "pid:11", 11.0 + ANIM_FADE), 1, 1e-9);
	gh = anim_ghosts(a, 11.0, &n);
	CU_ASSERT_EQUAL(n, 0);
	feed(a, s3, 12.0);
	gh = anim_ghosts(a, 12.5, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(gh[0].id, "pid:11");
	CU_ASSERT_STRING_EQUAL(gh[0].label, "11 p");
	CU_ASSERT_EQUAL(gh[0].kind, TOPO_PROC);
	gh = anim_ghosts(a, 12.0 + ANIM_FADE + 0.1, &n);
	CU_ASSERT_EQUAL(n, 0);
	anim_free(a);
	snapshot_unref(s1);
	snapshot_unref(s2);
	snapshot_unref(s3);
}

static void test_flights_and_tokens(void)
{
	struct anim *a = anim_new();
	struct snapshot *s1 = scene(1, true, 0, 3, 2), *s2 = scene(2, true, 0, 1, 4);
	struct snapshot *s3 = scene(3, true, 0, 2, 0);
	const struct anim_flight *fl;
	size_t n;
	int64_t from;
	double since;

	feed(a, s1, 10.0);
	fl = anim_flights(a, 10.0, &n);
	CU_ASSERT_EQUAL(n, 0);	/* the first snapshot's events are history */
	feed(a, s2, 11.0);
	fl = anim_flights(a, 11.0, &n);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	CU_ASSERT_EQUAL(fl[0].sender, 10);
	CU_ASSERT_EQUAL(fl[0].target, 11);
	CU_ASSERT_EQUAL(fl[0].signo, 10);
	for (size_t i = 1; i < n; i++)	/* in order, spread over the interval */
		CU_ASSERT_TRUE(fl[i].start > fl[i - 1].start && fl[i].start < 11.0 + 1.0);
	fl = anim_flights(a, 11.0 + 1.0 + ANIM_FLIGHT + 0.01, &n);
	CU_ASSERT_EQUAL(n, 0);

	/* sem 7: 3 -> 1 (two tokens taken), then 1 -> 2 (one returned) */
	CU_ASSERT_TRUE(anim_token_change(a, "sem:7", 0, 11.2, &from, &since));
	CU_ASSERT_EQUAL(from, 3);
	CU_ASSERT_DOUBLE_EQUAL(since, 11.0, 1e-9);
	CU_ASSERT_FALSE(anim_token_change(a, "sem:7", 0, 11.0 + ANIM_TOKEN + 0.01, &from, &since));
	CU_ASSERT_FALSE(anim_token_change(a, "sem:7", 1, 11.2, &from, &since));
	feed(a, s3, 12.0);
	CU_ASSERT_TRUE(anim_token_change(a, "sem:7", 0, 12.1, &from, &since));
	CU_ASSERT_EQUAL(from, 1);
	anim_free(a);
	snapshot_unref(s1);
	snapshot_unref(s2);
	snapshot_unref(s3);
}

static void test_packets(void)
{
	double o1, o2;

	CU_ASSERT_FALSE(anim_packet_offset(0, 5, "pipe:1", 5, &o1));
	CU_ASSERT_FALSE(anim_packet_offset(-3, 5, "pipe:1", 5, &o1));
	CU_ASSERT_FALSE(anim_packet_offset(0.0 / 0.0, 5, "pipe:1", 5, &o1));
	CU_ASSERT_TRUE(anim_packet_speed(10) >= 2);
	CU_ASSERT_TRUE(anim_packet_speed(1e6) > anim_packet_speed(1e3));
	CU_ASSERT_TRUE(anim_packet_speed(1e3) > anim_packet_speed(10));
	CU_ASSERT_TRUE(anim_packet_speed(1e12) <= 24);
	CU_ASSERT_TRUE(anim_packet_offset(1e4, 5.0, "pipe:1", 5, &o1));
	CU_ASSERT_TRUE(o1 >= 0 && o1 < 5);
	/* it moves on with time, by speed * dt cells (modulo the spacing) */
	CU_ASSERT_TRUE(anim_packet_offset(1e4, 5.1, "pipe:1", 5, &o2));
	{
		double moved = o2 - o1 < 0 ? o2 - o1 + 5 : o2 - o1;

		CU_ASSERT_DOUBLE_EQUAL(moved, anim_packet_speed(1e4) * 0.1, 0.01);
	}
}

void test_register(void)
{
	TEST_SUITE("anim", NULL, NULL,
		   "gauges move smoothly between snapshots", test_gauges,
		   "births and fading ghosts", test_births_and_ghosts,
		   "signal flights and semaphore tokens", test_flights_and_tokens,
		   "packets follow the rate", test_packets);
}
