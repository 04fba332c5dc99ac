/*
 * actions.c - sending a signal on the user's behalf (see actions.h).
 *
 * Invariant: one process at a time; kill(2) with pid <= 0 would reach a whole process group
 * or every process, which a dashboard key must never do.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>

#include "src/actions.h"

int action_send_signal(pid_t pid, int signo)
{
	if (pid <= 0 || signo < 0 || signo > SIGRTMAX)
		return -EINVAL;
	if (kill(pid, signo) < 0)
		return -errno;
	return 0;
}

size_t action_signal_list(int *out, size_t cap)
{
	size_t n = 0;

	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		if (sig > SIGSYS && sig < SIGRTMIN)
			continue;
		if (n < cap)
			out[n] = sig;
		n++;
	}
	return n;
}
