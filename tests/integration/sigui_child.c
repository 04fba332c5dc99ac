/*
 * sigui_child.c - real processes for the signal dashboard test (tmux_signals.sh).
 *
 *   sigui_child signals    blocks SIGUSR1, SIGWINCH and (in a second thread only) SIGALRM;
 *                          makes SIGUSR1 pending process-wide (kill) and SIGWINCH pending for
 *                          the main thread (raise); catches SIGUSR2 and SIGINT, writing
 *                          "got SIGNO from PID" to stdout for each one it receives.
 *                          Prints "ready PID TID" (TID: the second thread) first.
 *   sigui_child deadlock   forks two children that deadlock through two full pipes: each
 *                          writes into a pipe only the other reads, and reads nothing. This
 *                          process keeps no end of either pipe. Prints "ready PID_A PID_B".
 *
 * Both run until stdin reaches end of file or SIGTERM arrives, then end cleanly: the deadlock
 * mode kills and reaps its two children (they also die with it: PR_SET_PDEATHSIG). Nothing
 * else is ever signalled.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Async-signal-safe: formats "got SIGNO from PID\n" by hand and writes it. */
static void on_caught(int sig, siginfo_t *si, void *uc)
{
	char buf[64], num[24];
	size_t off = 0;
	long v[2] = { sig, si ? (long)si->si_pid : 0 };
	const char *words[2] = { "got ", " from " };
	int saved = errno;

	(void)uc;
	for (int k = 0; k < 2; k++) {
		size_t n = 0;
		long x = v[k];

		memcpy(buf + off, words[k], strlen(words[k]));
		off += strlen(words[k]);
		do {
			num[n++] = (char)('0' + x % 10);
			x /= 10;
		} while (x && n < sizeof(num));
		while (n)
			buf[off++] = num[--n];
	}
	buf[off++] = '\n';
	if (write(STDOUT_FILENO, buf, off) < 0) {
		/* the test stopped reading: nothing to do */
	}
	errno = saved;
}

/* Waits until stdin ends or SIGTERM. */
static void wait_for_end(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	char buf[256];

	while (!stop) {
		int n = poll(&p, 1, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (read(STDIN_FILENO, buf, sizeof(buf)) <= 0)
			break;
	}
}

static void *second_thread(void *arg)
{
	sigset_t more;
	int *ready = arg;

	sigemptyset(&more);
	sigaddset(&more, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &more, NULL);
	__atomic_store_n(ready, (int)gettid(), __ATOMIC_RELEASE);
	for (;;)
		pause();
	return NULL;
}

static int run_signals(void)
{
	struct sigaction sa;
	sigset_t block;
	pthread_t th;
	int tid = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_caught;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_term;
	sa.sa_flags = 0;
	sigaction(SIGTERM, &sa, NULL);

	/* before the thread starts, so it inherits the mask (else it would take SIGUSR1) */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, NULL);
	if (pthread_create(&th, NULL, second_thread, &tid) != 0)
		return 1;
	while (!__atomic_load_n(&tid, __ATOMIC_ACQUIRE))
		sched_yield();
	kill(getpid(), SIGUSR1);	/* process-wide pending (ShdPnd) */
	raise(SIGWINCH);		/* this thread's own pending (SigPnd) */

	printf("ready %d %d\n", (int)getpid(), tid);
	fflush(stdout);
	wait_for_end();
	return 0;	/* exit() ends the second thread too */
}

static pid_t writer(int wfd, int rfd, int close1, int close2)
{
	pid_t pid = fork();
	static char block[4096];

	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close(close1);
	close(close2);
	(void)rfd;		/* kept open and never read: the other side's writes fill it */
	for (;;)
		if (write(wfd, block, sizeof(block)) < 0 && errno != EINTR)
			_exit(1);
}

static int run_deadlock(void)
{
	int ab[2], ba[2];
	pid_t a, b;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	if (pipe(ab) < 0 || pipe(ba) < 0)
		return 1;
	/* a writes ab, holds ba's read end; b writes ba, holds ab's read end */
	a = writer(ab[1], ba[0], ab[0], ba[1]);
	if (a < 0)
		return 1;
	b = writer(ba[1], ab[0], ba[0], ab[1]);
	if (b < 0) {
		kill(a, SIGKILL);
		waitpid(a, NULL, 0);
		return 1;
	}
	close(ab[0]);
	close(ab[1]);
	close(ba[0]);
	close(ba[1]);
	printf("ready %d %d\n", (int)a, (int)b);
	fflush(stdout);
	wait_for_end();
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	waitpid(a, NULL, 0);
	waitpid(b, NULL, 0);
	return 0;
}

int main(int argc, char **argv)
{
	/* descriptors inherited from make/the shell (e.g. make's jobserver pipe) would
	 * show up as this process's channels and link it to unrelated peers */
	close_range(3, ~0U, 0);
	if (argc == 2 && strcmp(argv[1], "signals") == 0)
		return run_signals();
	if (argc == 2 && strcmp(argv[1], "deadlock") == 0)
		return run_deadlock();
	fprintf(stderr, "usage: sigui_child signals|deadlock\n");
	return 2;
}
