/*
 * test_live_trace.c - the live signal trace (probes/sig_trace.c) as root: the events it
 * reports for a child equal the signals this test sent it (sender, target, signal, result);
 * the private tracefs instance exists while the sampler lives and is gone after it (also
 * through the signal-safe cleanup); stale instances of dead ipctops are removed at start, live
 * ones are not; SIGCHLD can be filtered out; a newline in the sender's or the target's comm
 * loses neither (issue 11).
 *
 * Exit 77 (skip) only when the kernel has no tracefs or the test is not root (the trace
 * needs root by design).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "probes/collect.h"
#include "src/sampler.h"
#include "tests/unit/live_helpers.h"
#include "tests/unit/testmain.h"

#define DEADLINE 10.0
#define TRACEFS_MAGIC 0x74726163

static char instances[256];	/* <tracefs>/instances, known once the sampler traced */

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void find_instances(void)
{
	struct statfs sf;

	if (statfs("/sys/kernel/tracing", &sf) == 0 && (unsigned long)sf.f_type == TRACEFS_MAGIC)
		snprintf(instances, sizeof(instances), "/sys/kernel/tracing/instances");
	else
		snprintf(instances, sizeof(instances), "/sys/kernel/debug/tracing/instances");
}

static const struct snap_source *source(const struct snapshot *s)
{
	for (size_t i = 0; i < s->n_sources; i++)
		if (strcmp(s->sources[i].name, COLLECT_SIG_TRACE_SOURCE) == 0)
			return &s->sources[i];
	return NULL;
}

static struct sampler *new_sampler(bool no_sigchld)
{
	struct collect_opts o = { .sysroot = "/", .self = getpid(), .trace_signals = true,
				  .trace_no_sigchld = no_sigchld };
	int err;

	return sampler_new(&o, &err);
}

static void on_usr1(int sig)
{
	(void)sig;
}

struct child_args {
	int ready;
};

/* catches SIGUSR1, blocks SIGUSR2, ignores SIGTERM */
static void child_target(void *arg)
{
	struct child_args *a = arg;
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGTERM, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	live_write_byte(a->ready, 'r');
	for (;;)
		pause();
}

static void child_idle(void *arg)
{
	struct child_args *a = arg;

	live_write_byte(a->ready, 'r');
	for (;;)
		pause();
}

static void child_exit(void *arg)
{
	(void)arg;
}

struct seen {
	pid_t target;
	int n_total;		/* events with this target */
	int n_from_us;		/* ... and sent by this test */
	enum sig_result res[65];
	int count[65];
	bool other_sender;
	bool inferred;
	int n_sigchld;
};

static void collect(const struct snapshot *s, void *arg)
{
	struct seen *w = arg;

	for (size_t i = 0; i < s->n_sigevents; i++) {
		const struct sig_event *e = &s->sigevents[i];

		if (e->inferred)
			w->inferred = true;
		if (e->signo == SIGCHLD)
			w->n_sigchld++;
		if (e->target_pid != w->target)
			continue;
		w->n_total++;
		if (e->sender_pid != getpid()) {
			w->other_sender = true;
			fprintf(stderr, "event: sig %d from %d to %d\n", e->signo, (int)e->sender_pid,
				(int)e->target_pid);
			continue;
		}
		w->n_from_us++;
		if (e->signo > 0 && e->signo <= 64) {
			w->count[e->signo]++;
			w->res[e->signo] = e->result;
		}
		CU_ASSERT_PTR_NOT_NULL(e->sender_comm);
		CU_ASSERT_PTR_NOT_NULL(e->target_comm);
		CU_ASSERT_TRUE(e->time > 1e9);
	}
}

static bool all_three(const struct snapshot *s, void *arg)
{
	struct seen *w = arg;

	(void)s;
	return w->count[SIGUSR1] && w->count[SIGUSR2] && w->count[SIGTERM] &&
	       w->res[SIGUSR1] == SIGRES_DELIVERED;
}

static bool traced_ok(const struct snapshot *s, void *arg)
{
	const struct snap_source *src = source(s);

	(void)arg;
	return src && src->ok;
}

static void test_events_equal_signals_sent(void)
{
	struct sampler *sm = new_sampler(false);
	struct child_args a;
	struct seen w = { 0 };
	struct snapshot *s = NULL;
	int rd[2];

	CU_ASSERT_PTR_NOT_NULL_FATAL(sm);
	CU_ASSERT_FATAL(pipe(rd) == 0);
	a.ready = rd[1];
	w.target = live_spawn(child_target, &a);
	CU_ASSERT_FATAL(live_read_byte(rd[0], DEADLINE) == 'r');
	/* the trace is running before anything is sent */
	CU_ASSERT_TRUE_FATAL(live_wait(sm, traced_ok, collect, &w, DEADLINE, NULL));
	CU_ASSERT_FATAL(kill(w.target, SIGUSR1) == 0);
	CU_ASSERT_FATAL(kill(w.target, SIGUSR2) == 0);
	CU_ASSERT_FATAL(kill(w.target, SIGTERM) == 0);
	CU_ASSERT_TRUE(live_wait(sm, all_three, collect, &w, DEADLINE, &s));
	/* exactly the three signals, once each, from this process */
	CU_ASSERT_EQUAL(w.n_from_us, 3);
	CU_ASSERT_EQUAL(w.n_total, 3);
	CU_ASSERT_FALSE(w.other_sender);
	CU_ASSERT_EQUAL(w.count[SIGUSR1], 1);
	CU_ASSERT_EQUAL(w.count[SIGUSR2], 1);
	CU_ASSERT_EQUAL(w.count[SIGTERM], 1);
	CU_ASSERT_EQUAL(w.res[SIGUSR1], SIGRES_DELIVERED);	/* caught: deliver seen */
	CU_ASSERT_EQUAL(w.res[SIGUSR2], SIGRES_BLOCKED);
	CU_ASSERT_EQUAL(w.res[SIGTERM], SIGRES_IGNORED);
	CU_ASSERT_FALSE(w.inferred);	/* with the trace on nothing is inferred */
	snapshot_unref(s);
	live_kill(w.target);
	close(rd[0]);
	close(rd[1]);
	sampler_free(sm);
}

static void test_instance_lifecycle(void)
{
	struct sampler *sm;
	struct snapshot *s = NULL;
	char mine[300], stale[300], alive[300];
	struct child_args a;
	pid_t dead, live;
	int rd[2];

	/* a stale instance: named after a pid that no longer exists */
	dead = live_spawn(child_exit, NULL);
	CU_ASSERT_FATAL(live_reap(dead, DEADLINE) >= 0);
	/* one of a live process that started before it: must stay */
	CU_ASSERT_FATAL(pipe(rd) == 0);
	a.ready = rd[1];
	live = live_spawn(child_idle, &a);
	CU_ASSERT_FATAL(live_read_byte(rd[0], DEADLINE) == 'r');

	sm = new_sampler(false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sm);
	/* the first collection mounts tracefs if needed; then the instances can be made */
	CU_ASSERT_TRUE_FATAL(live_wait(sm, traced_ok, NULL, NULL, DEADLINE, NULL));
	find_instances();
	snprintf(mine, sizeof(mine), "%s/ipctop-%d", instances, (int)getpid());
	snprintf(stale, sizeof(stale), "%s/ipctop-%d", instances, (int)dead);
	snprintf(alive, sizeof(alive), "%s/ipctop-%d", instances, (int)live);
	CU_ASSERT_TRUE(is_dir(mine));
	/* made while tracefs is surely mounted (an ipctop that mounted it unmounts it when it
	 * leaves the last instance) */
	CU_ASSERT_FATAL(mkdir(stale, 0700) == 0 || errno == EEXIST);
	live_track_path(stale, true);
	CU_ASSERT_FATAL(mkdir(alive, 0700) == 0 || errno == EEXIST);
	live_track_path(alive, true);
	sampler_free(sm);
	CU_ASSERT_FALSE(is_dir(mine));	/* removed on the normal path */

	sm = new_sampler(false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sm);
	CU_ASSERT_TRUE(live_wait(sm, traced_ok, NULL, NULL, DEADLINE, &s));
	snapshot_unref(s);
	CU_ASSERT_FALSE(is_dir(stale));	/* removed at start */
	CU_ASSERT_TRUE(is_dir(alive));	/* its ipctop might be running: kept */
	CU_ASSERT_TRUE(is_dir(mine));
	/* the fatal-signal path: removes the instance at once; the normal teardown after it
	 * has nothing left to do */
	collector_cleanup_signal_safe();
	CU_ASSERT_FALSE(is_dir(mine));
	sampler_free(sm);
	CU_ASSERT_FALSE(is_dir(mine));
	rmdir(alive);
	live_kill(live);
	close(rd[0]);
	close(rd[1]);
}

static bool child_reaped_seen(const struct snapshot *s, void *arg)
{
	struct seen *w = arg;

	(void)s;
	return w->count[SIGUSR1] > 0;
}

static void test_sigchld_filter(void)
{
	struct sampler *sm = new_sampler(true);
	struct seen w = { 0 };
	struct child_args a;
	pid_t c;
	int rd[2];

	CU_ASSERT_PTR_NOT_NULL_FATAL(sm);
	CU_ASSERT_TRUE_FATAL(live_wait(sm, traced_ok, collect, &w, DEADLINE, NULL));
	/* a child exits (SIGCHLD to this test), then a marker signal shows the trace has
	 * caught up */
	c = live_spawn(child_exit, NULL);
	CU_ASSERT(live_reap(c, DEADLINE) >= 0);
	CU_ASSERT_FATAL(pipe(rd) == 0);
	a.ready = rd[1];
	w.target = live_spawn(child_idle, &a);
	CU_ASSERT_FATAL(live_read_byte(rd[0], DEADLINE) == 'r');
	signal(SIGUSR1, SIG_DFL);
	CU_ASSERT_FATAL(kill(w.target, SIGUSR1) == 0);	/* kills it: delivered as SIGKILL */
	CU_ASSERT_TRUE(live_wait(sm, child_reaped_seen, collect, &w, DEADLINE, NULL));
	CU_ASSERT_EQUAL(w.res[SIGUSR1], SIGRES_DELIVERED);
	CU_ASSERT_EQUAL(w.n_sigchld, 0);
	CU_ASSERT(live_reap(w.target, DEADLINE) >= 0);
	close(rd[0]);
	close(rd[1]);
	sampler_free(sm);
}

/* issue 11: comms holding a newline split trace lines; the sender must not be lost */
static void child_named(void *arg)
{
	struct child_args *a = arg;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	prctl(PR_SET_NAME, "a\nb", 0, 0, 0);
	live_write_byte(a->ready, 'r');
	for (;;)
		pause();
}

struct named_seen {
	pid_t target;
	int from_us, others;
	char sender_comm[32], target_comm[32];
};

static void collect_named(const struct snapshot *s, void *arg)
{
	struct named_seen *w = arg;

	for (size_t i = 0; i < s->n_sigevents; i++) {
		const struct sig_event *e = &s->sigevents[i];

		if (e->target_pid != w->target || e->signo != SIGUSR1)
			continue;
		if (e->sender_pid != getpid()) {
			w->others++;
			continue;
		}
		w->from_us++;
		snprintf(w->sender_comm, sizeof(w->sender_comm), "%s",
			 e->sender_comm ? e->sender_comm : "(null)");
		snprintf(w->target_comm, sizeof(w->target_comm), "%s",
			 e->target_comm ? e->target_comm : "(null)");
	}
}

static bool named_seen_one(const struct snapshot *s, void *arg)
{
	(void)s;
	return ((struct named_seen *)arg)->from_us > 0;
}

static void test_newline_in_comms(void)
{
	struct sampler *sm = new_sampler(false);
	struct child_args a;
	struct named_seen w = { 0 };
	char own[17] = "";
	int rd[2];

	CU_ASSERT_PTR_NOT_NULL_FATAL(sm);
	CU_ASSERT_FATAL(pipe(rd) == 0);
	a.ready = rd[1];
	w.target = live_spawn(child_named, &a);
	CU_ASSERT_FATAL(live_read_byte(rd[0], DEADLINE) == 'r');
	CU_ASSERT_TRUE_FATAL(live_wait(sm, traced_ok, NULL, NULL, DEADLINE, NULL));
	prctl(PR_GET_NAME, own, 0, 0, 0);
	/* the sender's comm is split too; kept until the event is read (trace_pipe names the
	 * sender by the kernel's pid-to-comm cache when it prints the line) */
	prctl(PR_SET_NAME, "s\nnd", 0, 0, 0);
	CU_ASSERT_FATAL(kill(w.target, SIGUSR1) == 0);
	CU_ASSERT_TRUE(live_wait(sm, named_seen_one, collect_named, &w, DEADLINE, NULL));
	prctl(PR_SET_NAME, own, 0, 0, 0);
	CU_ASSERT_EQUAL(w.from_us, 1);
	CU_ASSERT_EQUAL(w.others, 0);
	CU_ASSERT_STRING_EQUAL(w.sender_comm, "s\nnd");
	CU_ASSERT_STRING_EQUAL(w.target_comm, "a\nb");
	live_kill(w.target);
	close(rd[0]);
	close(rd[1]);
	sampler_free(sm);
}

static int suite_init(void)
{
	live_init();
	return 0;
}

static int suite_clean(void)
{
	live_cleanup();
	return 0;
}

void test_register(void)
{
	char fs[8192];
	FILE *f = fopen("/proc/filesystems", "r");
	size_t n = f ? fread(fs, 1, sizeof(fs) - 1, f) : 0;

	if (f)
		fclose(f);
	fs[n] = '\0';
	if (!strstr(fs, "\ttracefs\n")) {
		printf("SKIP: the kernel has no tracefs\n");
		exit(77);
	}
	if (geteuid() != 0) {
		printf("SKIP: tracing signals needs root\n");
		exit(77);
	}
	TEST_SUITE("live signal trace", suite_init, suite_clean,
		   "events equal the signals sent", test_events_equal_signals_sent,
		   "instance: created, removed, stale ones cleaned", test_instance_lifecycle,
		   "SIGCHLD filtered out", test_sigchld_filter,
		   "a newline in the sender's and the target's comm", test_newline_in_comms);
}
