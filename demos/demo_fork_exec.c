/*
 * demo_fork_exec.c - fork returns twice, exec replaces the program, wait collects the status.
 *
 * fork-parent forks fork-child; the child sets up signal dispositions (a SIGHUP handler,
 * SIGUSR2 ignored, SIGUSR1 blocked) and execs ipctop itself in the internal `demo
 * _exec-child` mode (renamed exec-child): same PID, new program, the handler reset to default
 * while the ignored and blocked signals survive, as the parent then reads from
 * /proc/PID/status. The parent waits for the exit status, then shows system() doing fork +
 * exec + wait in one call and vfork() suspending the parent until its child execs. The
 * arguments and environment passed to execve() are shown as the one-way channel they are.
 * Processes: fork-parent (top), fork-child -> exec-child.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "demos/demo_scenarios.h"
#include "src/signames.h"

#define EXEC_STATUS 7

static void on_sighup(int sig)
{
	(void)sig;
}

/* Reads a small /proc file into buf, followed by two NULs (so NUL-separated lists end
 * with an empty string); false if it cannot. */
static bool read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, len - 2);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	buf[n + 1] = '\0';
	return true;
}

/* One signal mask line ("SigCgt:\t0000...") of /proc/PID/status, formatted as names. */
static const char *status_mask(const char *status, const char *key, char *buf, size_t len)
{
	const char *p = strstr(status, key);
	char hex[17];
	uint64_t mask;

	snprintf(buf, len, "?");
	if (!p)
		return buf;
	p += strlen(key);
	while (*p == ':' || *p == '\t' || *p == ' ')
		p++;
	snprintf(hex, sizeof(hex), "%.16s", p);
	if (!sigmask_parse_hex(hex, &mask))
		return buf;
	sigmask_format(mask, buf, len);
	if (!*buf)
		snprintf(buf, len, "none");
	return buf;
}

static void child_main(struct demo_ctx *ctx)
{
	struct sigaction sa;
	sigset_t block;
	char objs[32], ms[32], status[8];
	long step_ms;

	snprintf(objs, sizeof(objs), "pid:%d", (int)getpid());
	demo_caption(ctx, objs, "fork() returned 0 here: this is the child, PID %d, and its "
		     "parent is PID %d. It has a copy of the parent's memory and shares its open "
		     "files.", (int)getpid(), (int)getppid());
	if (!demo_step(ctx))
		_exit(0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sighup;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGUSR2, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	demo_caption(ctx, objs, "fork-child catches SIGHUP with a handler (sigaction), ignores "
		     "SIGUSR2 (SIG_IGN) and blocks SIGUSR1 (sigprocmask): see its caught, ignored "
		     "and blocked signal sets.");
	if (!demo_steps(ctx, 2))
		_exit(0);
	step_ms = demo_step_ms(ctx);
	snprintf(ms, sizeof(ms), "%ld", step_ms > 0 ? 3 * step_ms : 0);
	snprintf(status, sizeof(status), "%d", EXEC_STATUS);
	setenv("IPCTOP_DEMO_NOTE", "hello-from-fork-child", 1);
	demo_caption(ctx, objs, "execve(\"%s\", argv, envp): the kernel replaces fork-child's "
		     "program with a new one (ipctop in its exec-child mode). Same PID %d, new code "
		     "and memory. A handler cannot survive (its code is gone), so SIGHUP resets to "
		     "default; the ignored SIGUSR2 and the blocked SIGUSR1 are kept.", ctx->exe,
		     (int)getpid());
	execl(ctx->exe, "ipctop", "demo", "_exec-child", ms, status, (char *)NULL);
	_exit(demo_fail(ctx, "execve %s: %s", ctx->exe, strerror(errno)));
}

/* Waits until the child's comm is "exec-child" (its exec is done), at most ~4 steps. */
static bool wait_exec(struct demo_ctx *ctx, pid_t child)
{
	char path[64], comm[32];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)child);
	for (int i = 0; i < 40; i++) {
		if (read_small(path, comm, sizeof(comm)) && strncmp(comm, "exec-child", 10) == 0)
			return true;
		if (!demo_step_scaled(ctx, 0.1))
			return false;
	}
	return true;
}

static bool round_(struct demo_ctx *ctx)
{
	pid_t me = getpid(), child;
	static char environ_buf[65536];
	char objs[64], path[64], status[4096], cgt[256], ign[256], blk[256];
	int st, rc;

	snprintf(objs, sizeof(objs), "pid:%d", (int)me);
	demo_caption(ctx, objs, "fork(): the kernel copies fork-parent (PID %d) - its memory, "
		     "open descriptors and signal dispositions - into a new process.", (int)me);
	child = demo_fork(ctx, "fork-child", 0);
	if (child < 0) {
		demo_fail(ctx, "fork: %s", strerror(errno));
		return false;
	}
	if (child == 0)
		child_main(ctx);
	snprintf(objs, sizeof(objs), "pid:%d,pid:%d", (int)me, (int)child);
	demo_caption(ctx, objs, "fork() returned %d here in fork-parent: the same call returned "
		     "twice, 0 in the child and the child's PID in the parent.", (int)child);
	if (!demo_steps(ctx, 3) || !wait_exec(ctx, child))
		return false;
	demo_announce(ctx, child, "exec-child", me);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)child);
	if (read_small(path, status, sizeof(status)))
		demo_caption(ctx, objs, "/proc/%d/status after exec: caught %s, ignored %s, blocked "
			     "%s. The program and its name changed; the PID and parent did not.",
			     (int)child, status_mask(status, "SigCgt", cgt, sizeof(cgt)),
			     status_mask(status, "SigIgn", ign, sizeof(ign)),
			     status_mask(status, "SigBlk", blk, sizeof(blk)));
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)child);
	if (read_small(path, environ_buf, sizeof(environ_buf))) {
		char args[256];
		const char *note = NULL;
		size_t n = 0;

		/* environ is NUL-separated; the buffer ends with a NUL read_small added */
		for (const char *p = environ_buf; *p; p += strlen(p) + 1)
			if (strncmp(p, "IPCTOP_DEMO_NOTE=", 17) == 0)
				note = p;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)child);
		if (read_small(path, args, sizeof(args)))
			for (n = 0; n + 1 < sizeof(args) && (args[n] || args[n + 1]); n++)
				if (!args[n])
					args[n] = ' ';
		demo_caption(ctx, objs, "The arguments (\"%s\") and the environment (%s) went "
			     "along with execve(): the simplest channel, one way only, from parent "
			     "to child, at start.", n ? args : "?", note ? note : "?");
	}
	if (!demo_step(ctx))
		return false;
	demo_caption(ctx, objs, "waitpid(%d) puts fork-parent to sleep until its child exits.",
		     (int)child);
	while ((rc = waitpid(child, &st, 0)) < 0 && errno == EINTR)
		;
	if (rc < 0) {
		demo_fail(ctx, "waitpid: %s", strerror(errno));
		return false;
	}
	if (WIFEXITED(st))
		demo_caption(ctx, objs, "waitpid() returned %d: exec-child called exit(%d), and "
			     "WEXITSTATUS gives the parent that status. Collected, the child's "
			     "process entry is freed.", (int)child, WEXITSTATUS(st));
	else
		demo_caption(ctx, objs, "waitpid() returned %d: exec-child was killed by signal "
			     "%d.", (int)child, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	if (!demo_step(ctx))
		return false;
	snprintf(objs, sizeof(objs), "pid:%d", (int)me);
	demo_caption(ctx, objs, "system(\"exit 3\") does all of it in one call: fork, exec "
		     "/bin/sh -c 'exit 3', and waitpid.");
	rc = system("exit 3");
	demo_caption(ctx, objs, "system() returned after the shell exited with status %d.",
		     rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1);
	if (!demo_step(ctx))
		return false;
	demo_caption(ctx, objs, "vfork(): like fork(), but the child borrows fork-parent's memory "
		     "instead of copying it, and the parent is suspended until the child calls "
		     "execve() or _exit() - made for fork-then-exec.");
	child = vfork();
	if (child == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (child < 0) {
		demo_fail(ctx, "vfork: %s", strerror(errno));
		return false;
	}
	demo_wait(child, &st, 0);
	demo_caption(ctx, objs, "vfork() returned %d in fork-parent once the child had exec'd "
		     "/bin/true; waitpid(): it exited with status %d.", (int)child,
		     WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return demo_step(ctx);
}

int demo_fork_exec_run(struct demo_ctx *ctx)
{
	demo_become(ctx, "fork-parent");
	demo_ready(ctx);	/* nothing to create first: processes are the objects here */
	for (;;)
		if (!round_(ctx))
			return demo_stopping(ctx) ? 0 : 1;
}

int demo_fork_exec_child_main(int argc, char **argv)
{
	struct timespec ts;
	long ms;

	if (argc != 3)
		return 2;
	ms = strtol(argv[1], NULL, 10);
	prctl(PR_SET_NAME, "exec-child", 0, 0, 0);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return (int)strtol(argv[2], NULL, 10);
}
