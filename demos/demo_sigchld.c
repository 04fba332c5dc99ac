/*
 * demo_sigchld.c - zombies and orphans.
 *
 * Act 1: sigchld-parent forks sigchld-child and polls it with waitid(WNOHANG | WNOWAIT),
 * which looks without collecting. The child exits; SIGCHLD arrives; the parent deliberately
 * waits three steps, during which the child is a zombie (state Z), then collects it.
 * Act 2: sigchld-middle forks sigchld-orphan and exits without waiting; the kernel re-parents
 * the orphan to the nearest child subreaper - the demo's root process (ipctop-demo), which
 * reaps it later; without a subreaper it would be init (PID 1).
 * Processes: sigchld-parent (top), sigchld-child, sigchld-middle, sigchld-orphan.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "demos/demo_scenarios.h"

static volatile sig_atomic_t sigchld_count;

static void on_sigchld(int sig)
{
	(void)sig;
	sigchld_count++;
}

static bool zombie_act(struct demo_ctx *ctx, int round)
{
	char objs[64], why[64];
	pid_t me = getpid(), child;
	int st, before = sigchld_count;
	bool exited = false;

	child = demo_fork(ctx, "sigchld-child", 0);
	if (child < 0) {
		demo_fail(ctx, "fork: %s", strerror(errno));
		return false;
	}
	if (child == 0) {
		snprintf(objs, sizeof(objs), "pid:%d,pid:%d", (int)getpid(), (int)getppid());
		if (!demo_steps(ctx, 2))
			_exit(0);
		demo_caption(ctx, objs, "sigchld-child calls exit(%d). The kernel frees its memory "
			     "and descriptors but keeps its PID and exit status until the parent "
			     "collects them, and sends the parent SIGCHLD.", round % 100);
		_exit(round % 100);
	}
	snprintf(objs, sizeof(objs), "pid:%d,pid:%d", (int)me, (int)child);
	demo_caption(ctx, objs, "sigchld-parent forked sigchld-child (PID %d).", (int)child);
	while (!exited) {
		siginfo_t si;

		if (!demo_step(ctx))
			return false;
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)child, &si, WEXITED | WNOHANG | WNOWAIT) < 0 &&
		    errno != EINTR) {
			demo_fail(ctx, "waitid: %s", strerror(errno));
			return false;
		}
		exited = si.si_pid == child;
		if (!exited)
			demo_caption(ctx, objs, "waitid(%d, WNOHANG | WNOWAIT) found nothing: the "
				     "child is still running, and WNOHANG means the parent does "
				     "not wait for it.", (int)child);
	}
	demo_caption(ctx, objs, "SIGCHLD arrived (%d this act): sigchld-child has exited. "
		     "sigchld-parent does not collect it yet, so the child is a zombie (state Z): "
		     "only a PID and an exit status.", sigchld_count - before);
	if (!demo_steps(ctx, 3))
		return false;
	if (demo_wait(child, &st, 0) < 0) {
		demo_fail(ctx, "waitpid: %s", strerror(errno));
		return false;
	}
	demo_caption(ctx, objs, "waitpid(%d) collected it: the child %s, and the zombie is "
		     "gone.", (int)child, demo_describe_status(st, why, sizeof(why)));
	return demo_step(ctx);
}

static void orphan(struct demo_ctx *ctx, pid_t first_parent)
{
	char objs[64];
	pid_t p;

	snprintf(objs, sizeof(objs), "pid:%d,pid:%d", (int)getpid(), (int)first_parent);
	/* No parent-death signal yet: it must survive its parent. Bounded life anyway. */
	for (int i = 0; i < 40 && (p = getppid()) == first_parent; i++)
		if (!demo_step_scaled(ctx, 0.25))
			_exit(0);
	p = getppid();
	if (p != ctx->root)
		_exit(0);	/* the demo itself is gone (no subreaper adopted us) */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != ctx->root)
		_exit(0);
	snprintf(objs, sizeof(objs), "pid:%d,pid:%d", (int)getpid(), (int)p);
	demo_caption(ctx, objs, "sigchld-orphan's parent exited first, so it is an orphan: the "
		     "kernel re-parented it to PID %d, the nearest child subreaper (the demo's "
		     "root, ipctop-demo; without one it would be init, PID 1).", (int)p);
	if (!demo_steps(ctx, 4))
		_exit(0);
	demo_caption(ctx, objs, "sigchld-orphan exits; its new parent, PID %d, collects its "
		     "status, so it never lingers as a zombie.", (int)p);
	_exit(0);
}

static bool orphan_act(struct demo_ctx *ctx)
{
	char objs[64], why[64];
	pid_t middle;
	int st;

	middle = demo_fork(ctx, "sigchld-middle", 0);
	if (middle < 0) {
		demo_fail(ctx, "fork: %s", strerror(errno));
		return false;
	}
	if (middle == 0) {
		pid_t o = demo_fork(ctx, "sigchld-orphan", DEMO_FORK_ORPHANABLE);

		if (o < 0)
			_exit(demo_fail(ctx, "fork: %s", strerror(errno)));
		if (o == 0)
			orphan(ctx, getppid());
		snprintf(objs, sizeof(objs), "pid:%d,pid:%d", (int)getpid(), (int)o);
		demo_caption(ctx, objs, "sigchld-middle forked sigchld-orphan (PID %d) and will "
			     "exit without waiting for it.", (int)o);
		if (!demo_steps(ctx, 2))
			_exit(0);
		demo_caption(ctx, objs, "sigchld-middle exits while its child still runs.");
		_exit(0);
	}
	snprintf(objs, sizeof(objs), "pid:%d,pid:%d", (int)getpid(), (int)middle);
	if (demo_wait(middle, &st, 0) < 0) {
		demo_fail(ctx, "waitpid: %s", strerror(errno));
		return false;
	}
	demo_caption(ctx, objs, "sigchld-parent collected sigchld-middle (PID %d), which %s.",
		     (int)middle, demo_describe_status(st, why, sizeof(why)));
	return demo_steps(ctx, 6);
}

int demo_sigchld_run(struct demo_ctx *ctx)
{
	struct sigaction sa;
	char objs[32];

	demo_become(ctx, "sigchld-parent");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	snprintf(objs, sizeof(objs), "pid:%d", (int)getpid());
	demo_caption(ctx, objs, "sigchld-parent catches SIGCHLD (sigaction), the signal the "
		     "kernel sends a parent when a child stops or exits.");
	demo_ready(ctx);
	for (int round = 1;; round++)
		if (!zombie_act(ctx, round) || !orphan_act(ctx))
			return demo_stopping(ctx) ? 0 : 1;
}
