/*
 * demo_signals.c - dispositions (default, ignore, catch), blocking and pending, and the
 * difference between standard signals (they collapse) and real-time ones (they queue with a
 * value).
 *
 * sig-target ignores SIGUSR2 and catches SIGUSR1 and SIGRTMIN+1 (SA_SIGINFO). Each round
 * it waits in sigsuspend(); sig-sender sends it SIGUSR2 (discarded) and SIGUSR1 (its handler
 * runs, sigsuspend fails with EINTR); shows the default actions on a short-lived sig-victim
 * (SIGSTOP stops it, SIGCONT resumes it, SIGUSR1 or its own alarm()'s SIGALRM kills it);
 * then, while sig-target blocks SIGUSR1 and SIGRTMIN+1, sends SIGUSR1 twice and
 * SIGRTMIN+1 three times with values 1, 2, 3. They stay pending for a few steps; when the
 * target unblocks, one SIGUSR1 and three SIGRTMIN+1 are delivered.
 * Processes: sig-sender (top), sig-target, sig-victim.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "demos/demo_scenarios.h"
#include "src/signames.h"

#define BOARD_TARGET 0		/* board: the target's progress */
#define BOARD_SENDER 1		/* board: the sender's progress */
#define PER_ROUND 10

/* What the target's handlers saw, in delivery order (written only in handlers). */
#define LOG_MAX 64
static volatile sig_atomic_t log_n;
static volatile int log_sig[LOG_MAX];
static volatile int log_val[LOG_MAX];
static volatile int log_code[LOG_MAX];

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	int n = log_n;

	(void)uc;
	if (n < LOG_MAX) {
		log_sig[n] = sig;
		log_val[n] = si->si_code == SI_QUEUE ? si->si_value.sival_int : 0;
		log_code[n] = si->si_code;
		log_n = n + 1;
	}
}

/* Captions every delivery logged since *seen. */
static void report(struct demo_ctx *ctx, const char *objs, int *seen)
{
	char name[32];

	for (; *seen < log_n && *seen < LOG_MAX; (*seen)++) {
		int i = *seen;

		signame(log_sig[i], name, sizeof(name));
		if (log_code[i] == SI_QUEUE)
			demo_caption(ctx, objs, "sig-target: the handler for %s ran (value %d, from "
				     "sigqueue). The kernel built a frame on its stack, ran the "
				     "handler, and rt_sigreturn resumed the interrupted code.", name,
				     log_val[i]);
		else
			demo_caption(ctx, objs, "sig-target: the handler for %s ran. The kernel "
				     "interrupted the process on its way back to user mode, ran the "
				     "handler, and rt_sigreturn resumed it.", name);
	}
}

/* Steps until board[BOARD_SENDER] >= v, reporting deliveries meanwhile. */
static bool target_wait(struct demo_ctx *ctx, const char *objs, int *seen, uint32_t v)
{
	while (demo_board_get(ctx, BOARD_SENDER) < v) {
		report(ctx, objs, seen);
		if (!demo_step_scaled(ctx, 0.2))
			return false;
	}
	report(ctx, objs, seen);
	return true;
}

static void target(struct demo_ctx *ctx)
{
	struct sigaction sa;
	sigset_t set, usr1, waitmask;
	char objs[32];
	int seen = 0, before;

	snprintf(objs, sizeof(objs), "pid:%d", (int)getpid());
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN + 1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sa.sa_mask = set;	/* one handler at a time: they run in delivery order */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGRTMIN + 1, &sa, NULL);
	signal(SIGUSR2, SIG_IGN);
	demo_caption(ctx, objs, "sig-target: sigaction() installs a handler for SIGUSR1 and "
		     "SIGRTMIN+1 (caught), signal(SIGUSR2, SIG_IGN) ignores SIGUSR2; every other "
		     "signal keeps its default action.");
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	for (uint32_t base = 0;; base += PER_ROUND) {
		/* Block SIGUSR1 first, then wait with it unblocked: no signal can slip in between. */
		sigprocmask(SIG_BLOCK, &usr1, &waitmask);
		sigdelset(&waitmask, SIGUSR1);
		demo_caption(ctx, objs, "sig-target waits for a signal in sigsuspend(), which "
			     "unblocks SIGUSR1 and sleeps in one atomic step.");
		demo_board_set(ctx, BOARD_TARGET, base + 1);
		before = log_n;
		while (log_n == before) {
			if (sigsuspend(&waitmask) < 0 && errno == EINTR && log_n == before &&
			    demo_stopping(ctx))
				_exit(0);
		}
		sigprocmask(SIG_UNBLOCK, &usr1, NULL);
		report(ctx, objs, &seen);
		demo_caption(ctx, objs, "sig-target: sigsuspend() returned -1 with errno EINTR: "
			     "a handler interrupted the blocking call. (Calls such as read() are "
			     "restarted instead when the handler was installed with SA_RESTART.)");
		if (!target_wait(ctx, objs, &seen, base + 1))
			_exit(0);
		sigprocmask(SIG_BLOCK, &set, NULL);
		demo_caption(ctx, objs, "sig-target: sigprocmask(SIG_BLOCK, {SIGUSR1, SIGRTMIN+1}). "
			     "Blocked signals are not lost: they wait, pending, until unblocked.");
		demo_board_set(ctx, BOARD_TARGET, base + 2);
		if (!target_wait(ctx, objs, &seen, base + 3) || !demo_steps(ctx, 3))
			_exit(0);
		demo_caption(ctx, objs, "sig-target: sigprocmask(SIG_UNBLOCK): the pending signals "
			     "are delivered now, lowest number first, so the standard SIGUSR1 comes "
			     "before the real-time ones.");
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		report(ctx, objs, &seen);
		demo_caption(ctx, objs, "sig-target: SIGUSR1 was sent twice but delivered once "
			     "(standard signals do not queue); SIGRTMIN+1 three times, each with "
			     "its value (real-time signals queue).");
		demo_board_set(ctx, BOARD_TARGET, base + 4);
	}
}

static bool send_sig(struct demo_ctx *ctx, pid_t pid, int sig, const char *objs,
		     const char *why)
{
	char name[32];

	if (kill(pid, sig) < 0) {
		demo_fail(ctx, "kill(%d, %s): %s", (int)pid, signame(sig, name, sizeof(name)),
			  strerror(errno));
		return false;
	}
	demo_caption(ctx, objs, "sig-sender: kill(%d, %s). %s", (int)pid,
		     signame(sig, name, sizeof(name)), why);
	return true;
}

/* Default actions, on a process that changes none: stop, continue, terminate. Odd rounds
 * terminate it with kill(SIGUSR1), even ones let alarm() do it (SIGALRM from the kernel). */
static bool defaults(struct demo_ctx *ctx, const char *objs0, bool by_alarm)
{
	char objs[128], why[64];
	pid_t v;
	int st;

	v = demo_fork(ctx, "sig-victim", 0);
	if (v < 0) {
		demo_fail(ctx, "fork: %s", strerror(errno));
		return false;
	}
	if (v == 0) {
		if (!demo_steps(ctx, 4))
			_exit(0);
		if (by_alarm) {
			snprintf(objs, sizeof(objs), "pid:%d", (int)getpid());
			demo_caption(ctx, objs, "sig-victim: alarm(1) asks the kernel for SIGALRM in "
				     "one second, then pause() sleeps. A signal can come from a "
				     "timer, not only from another process.");
			alarm(1);
		}
		for (;;)
			pause();
	}
	snprintf(objs, sizeof(objs), "%s,pid:%d", objs0, (int)v);
	demo_caption(ctx, objs, "sig-sender forked sig-victim (PID %d), which keeps every "
		     "signal at its default action and sleeps in pause().", (int)v);
	if (!demo_step(ctx) ||
	    !send_sig(ctx, v, SIGSTOP, objs, "The default action of SIGSTOP is to stop the "
		      "process (state T); SIGSTOP and SIGKILL can be neither caught, ignored nor "
		      "blocked.") ||
	    !demo_steps(ctx, 2) ||
	    !send_sig(ctx, v, SIGCONT, objs, "SIGCONT resumes a stopped process.") ||
	    !demo_step(ctx))
		return false;
	if (!by_alarm &&
	    !send_sig(ctx, v, SIGUSR1, objs, "sig-victim does not catch SIGUSR1, and its "
		      "default action is to terminate the process."))
		return false;
	demo_wait(v, &st, 0);
	demo_caption(ctx, objs, "waitpid(): sig-victim %s (WIFSIGNALED / WTERMSIG).%s",
		     demo_describe_status(st, why, sizeof(why)),
		     by_alarm ? " SIGALRM's default action is to terminate, too." : "");
	return true;
}

int demo_signals_run(struct demo_ctx *ctx)
{
	char objs[64], name[32];
	pid_t t;

	demo_become(ctx, "sig-sender");
	t = demo_fork(ctx, "sig-target", 0);
	if (t < 0)
		return demo_fail(ctx, "fork: %s", strerror(errno));
	if (t == 0) {
		target(ctx);
		_exit(0);
	}
	snprintf(objs, sizeof(objs), "pid:%d,pid:%d", (int)getpid(), (int)t);
	for (uint32_t base = 0, round = 1;; base += PER_ROUND, round++) {
		if (!demo_board_wait(ctx, BOARD_TARGET, base + 1))
			return 0;
		if (base == 0)
			demo_ready(ctx);
		if (!demo_step(ctx) ||
		    !send_sig(ctx, t, SIGUSR2, objs, "sig-target ignores SIGUSR2: the kernel "
			      "discards it at once, and sig-target sleeps on.") ||
		    !demo_step(ctx) ||
		    !send_sig(ctx, t, SIGUSR1, objs, "sig-target catches SIGUSR1: the kernel marks "
			      "it pending and delivers it by running the handler.") ||
		    !demo_step(ctx) || !defaults(ctx, objs, round % 2 == 0))
			return demo_stopping(ctx) ? 0 : 1;
		demo_board_set(ctx, BOARD_SENDER, base + 1);
		if (!demo_board_wait(ctx, BOARD_TARGET, base + 2))
			return 0;
		for (int i = 0; i < 2; i++)
			if (!demo_step(ctx) ||
			    !send_sig(ctx, t, SIGUSR1, objs, i == 0 ?
				      "SIGUSR1 is blocked in sig-target: it stays pending (see its "
				      "pending set)." :
				      "SIGUSR1 is already pending: a standard signal is only a bit, "
				      "so this second one merges with the first."))
				return demo_stopping(ctx) ? 0 : 1;
		for (int v = 1; v <= 3; v++) {
			union sigval sv = { .sival_int = v };

			if (!demo_step(ctx))
				return 0;
			if (sigqueue(t, SIGRTMIN + 1, sv) < 0)
				return demo_fail(ctx, "sigqueue: %s", strerror(errno));
			demo_caption(ctx, objs, "sig-sender: sigqueue(%d, %s, value %d). Real-time "
				     "signals queue: each blocked one waits separately with its "
				     "value (%d queued now).", (int)t,
				     signame(SIGRTMIN + 1, name, sizeof(name)), v, v);
		}
		demo_board_set(ctx, BOARD_SENDER, base + 3);
		if (!demo_board_wait(ctx, BOARD_TARGET, base + 4) || !demo_step(ctx))
			return 0;
	}
}
