/*
 * demo_reaper.c - `demo_reaper COMMAND [ARG]...`: runs COMMAND as a child subreaper would,
 * for tests/integration/demos.sh.
 *
 * When a test kills a demo's root with SIGKILL, the demo's other processes die (parent-death
 * signal) and are re-parented to the nearest subreaper, or to PID 1 - which, on some
 * machines (containers, micro-VMs), never reaps, leaving zombies that look like leftovers.
 * This helper is that subreaper: it reaps every descendant and exits only when none is left,
 * with COMMAND's own exit status (128 + N if a signal N killed it). SIGINT/SIGTERM/SIGHUP it
 * receives are passed on to COMMAND. It dies with the test (PR_SET_PDEATHSIG SIGTERM, passed
 * on the same way).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t pending_sig;

static void on_sig(int sig)
{
	pending_sig = sig;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	pid_t parent = getppid(), child;
	int status = 0;
	static const int fwd[] = { SIGINT, SIGTERM, SIGHUP };

	if (argc < 2) {
		fprintf(stderr, "usage: demo_reaper COMMAND [ARG]...\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		perror("demo_reaper: PR_SET_CHILD_SUBREAPER");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;	/* no SA_RESTART: wait() returns EINTR so we can forward */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaction(fwd[i], &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() != parent)
		pending_sig = SIGTERM;

	child = fork();
	if (child < 0) {
		perror("demo_reaper: fork");
		return 2;
	}
	if (child == 0) {
		sa.sa_handler = SIG_DFL;
		for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
			sigaction(fwd[i], &sa, NULL);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "demo_reaper: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	for (;;) {
		int st;
		pid_t w;

		if (pending_sig && child > 0) {
			kill(child, pending_sig);
			pending_sig = 0;
		}
		w = wait(&st);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;		/* ECHILD: every descendant is gone */
		}
		if (w == child) {
			status = WIFEXITED(st) ? WEXITSTATUS(st) :
				 WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
			child = 0;
		}
	}
	return status;
}
