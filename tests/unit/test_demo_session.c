/*
 * test_demo_session.c - the dashboard's handle on a demo (demos/demo_session.h), end to end:
 * start the real `ipctop demo run` ($IPCTOP) with a control pipe, read its records, pause and
 * continue it, stop it, and check it left its registry directory behind it (none).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "demos/demo_session.h"
#include "tests/unit/testmain.h"

static char exe[4096];
static char regdir[64];

struct seen {
	int status, ready, captions, processes, objects, paused, running, end;
	bool status_first;
	int records;
	pid_t root;
};

static void on_record(void *arg, const struct caption_rec *r)
{
	struct seen *s = arg;

	if (s->records++ == 0)
		s->status_first = r->kind == CAPTION_STATUS;
	switch (r->kind) {
	case CAPTION_STATUS:
		s->status++;
		if (r->paused)
			s->paused++;
		else
			s->running++;
		break;
	case CAPTION_READY: s->ready++; s->root = r->pid; break;
	case CAPTION_CAPTION: s->captions++; break;
	case CAPTION_PROCESS: s->processes++; break;
	case CAPTION_OBJECT: s->objects++; break;
	case CAPTION_END: s->end++; break;
	default: break;
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads records until *counter >= want or the deadline (seconds); false on timeout. */
static bool read_until(struct demo_session *ds, struct seen *s, const int *counter, int want,
		       double seconds)
{
	double end = now() + seconds;

	while (*counter < want) {
		struct pollfd p = { ds->out_fd, POLLIN, 0 };

		if (now() > end)
			return false;
		poll(&p, 1, 50);
		if (demo_session_read(ds, on_record, s) < 0)
			return *counter >= want;
	}
	return true;
}

static int suite_init(void)
{
	const char *e = getenv("IPCTOP");
	const char *b = getenv("top_builddir");

	snprintf(exe, sizeof(exe), "%s", e && *e ? e : b && *b ? b : ".");
	if (!(e && *e))
		strncat(exe, "/ipctop", sizeof(exe) - strlen(exe) - 1);
	snprintf(regdir, sizeof(regdir), "/tmp/ipctop-test-session-XXXXXX");
	if (!mkdtemp(regdir))
		return -1;
	signal(SIGPIPE, SIG_DFL);	/* demo_session_send must not need it ignored */
	return setenv("IPCTOP_DEMO_DIR", regdir, 1);
}

static int suite_clean(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", regdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_run_pause_stop(void)
{
	struct demo_session ds;
	struct seen s = { 0 };
	char dir[128];
	int st;

	CU_ASSERT_EQUAL_FATAL(access(exe, X_OK), 0);
	CU_ASSERT_EQUAL_FATAL(demo_session_start(&ds, exe, "pipe", 8), 0);
	CU_ASSERT_TRUE(read_until(&ds, &s, &s.ready, 1, 10));
	CU_ASSERT_TRUE(s.status_first);
	CU_ASSERT_EQUAL(s.root, ds.pid);	/* the conductor is the root */
	CU_ASSERT_EQUAL(ds.root, ds.pid);
	CU_ASSERT_TRUE(s.objects >= 1 && s.processes >= 1);
	CU_ASSERT_TRUE(read_until(&ds, &s, &s.captions, 3, 10));

	CU_ASSERT_EQUAL(demo_session_send(&ds, 'p'), 0);
	CU_ASSERT_TRUE(read_until(&ds, &s, &s.paused, 1, 5));
	CU_ASSERT_EQUAL(demo_session_send(&ds, 'c'), 0);
	CU_ASSERT_TRUE(read_until(&ds, &s, &s.running, 2, 5));

	snprintf(dir, sizeof(dir), "%s/%d", regdir, (int)ds.pid);
	CU_ASSERT_EQUAL(access(dir, F_OK), 0);	/* the running demo's registry */
	st = demo_session_stop(&ds, 5000);
	CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CU_ASSERT_EQUAL(access(dir, F_OK), -1);	/* removed with everything it listed */
	CU_ASSERT_EQUAL(ds.pid, 0);
	CU_ASSERT_EQUAL(demo_session_send(&ds, 'p'), -EPIPE);
	CU_ASSERT_EQUAL(demo_session_stop(&ds, 100), st);	/* twice is fine */
}

static void test_control_eof_stops(void)
{
	struct demo_session ds;
	struct seen s = { 0 };
	pid_t pid;
	int st = 0;

	CU_ASSERT_EQUAL_FATAL(demo_session_start(&ds, exe, "fork-exec", 0), 0);	/* full speed */
	CU_ASSERT_TRUE(read_until(&ds, &s, &s.ready, 1, 10));
	close(ds.ctl_fd);	/* the controller goes away: the demo must stop by itself */
	ds.ctl_fd = -1;
	CU_ASSERT_TRUE(read_until(&ds, &s, &s.end, 1, 10));
	pid = ds.pid;
	for (int i = 0; i < 500 && waitpid(pid, &st, WNOHANG) == 0; i++)
		usleep(10000);
	CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ds.pid = 0;
	demo_session_stop(&ds, 100);
}

static void test_bad_name(void)
{
	struct demo_session ds;
	struct seen s = { 0 };
	int st;

	CU_ASSERT_EQUAL_FATAL(demo_session_start(&ds, exe, "no-such-demo", 1), 0);
	CU_ASSERT_FALSE(read_until(&ds, &s, &s.ready, 1, 3));
	CU_ASSERT_TRUE(ds.ended);
	st = demo_session_stop(&ds, 2000);
	CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 2);
}

void test_register(void)
{
	TEST_SUITE("demo_session", suite_init, suite_clean,
		   "start, read, pause, continue, stop", test_run_pause_stop,
		   "closing the control channel stops the demo", test_control_eof_stops,
		   "a bad demo name ends the stream", test_bad_name);
}
