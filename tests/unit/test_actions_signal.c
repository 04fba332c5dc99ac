/*
 * test_actions_signal.c - the dashboard's k through a pidfd (src/actions.h, issue 11), on real
 * processes the test forks and reaps: a signal reaches the process the target was opened
 * for; once it has exited, a send fails with ESRCH. PID reuse made deterministic: in a new
 * pid namespace with its own /proc (root only), the test's namespace init forks a child,
 * opens the target, lets it exit, sets ns_last_pid so the next child gets the same pid, and
 * checks that the send does not reach the new process and that opening with the old start
 * time says ESTALE. Every process made here is reaped here.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "src/actions.h"
#include "tests/unit/testmain.h"

static unsigned long long ticks_of(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	int field = 2;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	p = strrchr(buf, ')');
	for (p = p ? p + 1 : buf; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	return sscanf(p, "%llu", &t) == 1 ? t : 0;
}

static pid_t spawn_sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static void test_target_basic(void)
{
	struct action_target t;
	pid_t a = spawn_sleeper();
	unsigned long long ticks;
	int status;

	CU_ASSERT_TRUE_FATAL(a > 0);
	ticks = ticks_of(a);
	CU_ASSERT_TRUE(ticks > 0);
	CU_ASSERT_EQUAL(action_target_open(&t, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(t.pidfd, -1);
	CU_ASSERT_EQUAL(action_target_signal(&t, SIGTERM), -EBADF);
	/* the wrong start time: another process */
	CU_ASSERT_EQUAL(action_target_open(&t, a, ticks + 1), -ESTALE);
	CU_ASSERT_EQUAL(t.pidfd, -1);
	CU_ASSERT_EQUAL_FATAL(action_target_open(&t, a, ticks), 0);
	CU_ASSERT_EQUAL(action_target_signal(&t, SIGRTMAX + 1), -EINVAL);
	CU_ASSERT_EQUAL(action_target_signal(&t, 0), -EINVAL);
	CU_ASSERT_EQUAL(action_target_signal(&t, SIGTERM), 0);
	CU_ASSERT_EQUAL(waitpid(a, &status, 0), a);
	CU_ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	/* exited and reaped: gone, whatever has that pid now */
	CU_ASSERT_EQUAL(action_target_signal(&t, SIGTERM), -ESRCH);
	action_target_close(&t);
	CU_ASSERT_EQUAL(t.pidfd, -1);
	CU_ASSERT_EQUAL(action_target_open(&t, a, ticks), -ESRCH);
}

/* Bits of the namespace init's exit status: which checks failed. */
enum {
	R_SETUP = 1, R_OPEN = 2, R_SAME_PID = 4, R_NOT_SENT = 8, R_B_ALIVE = 16, R_STALE = 32,
	R_B_SENT = 64,
};

static int set_last_pid(pid_t last)
{
	int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)last), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, buf, (size_t)n) == n;
	close(fd);
	return ok ? 0 : -1;
}

/* Runs as pid 1 of a new pid namespace, with its own /proc. */
static int reuse_in_namespace(void)
{
	struct action_target t;
	struct timespec tick = { 0, 30 * 1000 * 1000 };	/* > 1 clock tick: B starts later */
	unsigned long long ticks_a;
	int result = 0, status;
	pid_t a, b;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return R_SETUP;
	a = spawn_sleeper();
	if (a <= 0)
		return R_SETUP;
	ticks_a = ticks_of(a);
	if (action_target_open(&t, a, ticks_a) != 0)
		result |= R_OPEN;	/* the page opens on A */
	kill(a, SIGKILL);
	waitpid(a, &status, 0);
	nanosleep(&tick, NULL);
	if (set_last_pid(a - 1) < 0)
		return result | R_SETUP;
	b = spawn_sleeper();	/* B gets A's pid */
	if (b <= 0)
		return result | R_SETUP;
	if (b != a)
		result |= R_SAME_PID;
	/* k on the page still open for A: A has exited, B must not get it */
	if (action_target_signal(&t, SIGTERM) != -ESRCH)
		result |= R_NOT_SENT;
	if (waitpid(b, &status, WNOHANG) != 0)
		result |= R_B_ALIVE;
	action_target_close(&t);
	/* a page opened from an old snapshot that still shows A */
	if (action_target_open(&t, b, ticks_a) != -ESTALE)
		result |= R_STALE;
	action_target_close(&t);
	/* and B itself is reachable with its own start time */
	if (action_target_open(&t, b, ticks_of(b)) != 0 || action_target_signal(&t, SIGKILL) != 0)
		result |= R_B_SENT;
	action_target_close(&t);
	kill(b, SIGKILL);
	waitpid(b, &status, 0);
	return result;
}

static void test_target_pid_reuse(void)
{
	pid_t outer;
	int status = 0;

	if (geteuid() != 0) {
		fprintf(stderr, "(pid reuse part needs root for a pid namespace: not run)\n");
		return;
	}
	outer = fork();
	CU_ASSERT_TRUE_FATAL(outer >= 0);
	if (outer == 0) {
		pid_t init;

		if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0)
			_exit(R_SETUP);
		init = fork();
		if (init == 0)
			_exit(reuse_in_namespace());
		if (init < 0 || waitpid(init, &status, 0) != init || !WIFEXITED(status))
			_exit(R_SETUP);
		_exit(WEXITSTATUS(status));
	}
	CU_ASSERT_EQUAL(waitpid(outer, &status, 0), outer);
	CU_ASSERT_TRUE_FATAL(WIFEXITED(status));
	status = WEXITSTATUS(status);
	CU_ASSERT_FALSE(status & R_SETUP);
	CU_ASSERT_FALSE(status & R_OPEN);
	CU_ASSERT_FALSE(status & R_SAME_PID);	/* the pid was reused */
	CU_ASSERT_FALSE(status & R_NOT_SENT);	/* ESRCH: the old target has exited */
	CU_ASSERT_FALSE(status & R_B_ALIVE);	/* and the new process got nothing */
	CU_ASSERT_FALSE(status & R_STALE);
	CU_ASSERT_FALSE(status & R_B_SENT);
}

void test_register(void)
{
	TEST_SUITE("action target (pidfd)", NULL, NULL,
		   "signal through a pidfd, gone after exit", test_target_basic,
		   "pid reused in a pid namespace: never reached", test_target_pid_reuse);
}
