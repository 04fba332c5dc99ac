/*
 * fixture_signals.c - the live test fixtures' signal discipline (fixture_signals.h).
 */
#include "config.h"

#include <string.h>
#include <sys/prctl.h>

#include "tests/integration/fixture_signals.h"

volatile sig_atomic_t fixture_stop, fixture_child_ended;

static void on_signal(int signo)
{
	(void)signo;
	fixture_stop = 1;
}

static void on_child(int signo)
{
	(void)signo;
	fixture_child_ended = 1;
}

void fixture_signals(sigset_t *unblocked)
{
	static const int stops[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaction(stops[i], &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaddset(&block, stops[i]);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, unblocked);
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigdelset(unblocked, stops[i]);
	sigdelset(unblocked, SIGCHLD);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}
