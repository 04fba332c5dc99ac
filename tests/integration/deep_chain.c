/*
 * deep_chain.c - a test fixture: a chain of N processes, each the child of the one before
 * (issue 11: a deep process tree). Usage: deep_chain N. Prints "ready TOP DEEPEST" once the
 * deepest process runs, then every process waits for its standard input to reach EOF (the
 * test closes it, or dies), reaps its child and exits: the whole chain unwinds from the
 * bottom and every process is reaped by its parent. Each also dies with its parent
 * (PR_SET_PDEATHSIG), so nothing outlives a killed chain.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Blocks until stdin is at EOF (or unreadable). */
static void wait_release(void)
{
	char c;
	ssize_t n;

	while ((n = read(STDIN_FILENO, &c, 1)) != 0)
		if (n < 0 && errno != EINTR)
			break;
}

int main(int argc, char **argv)
{
	long n = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
	pid_t top = getpid(), child = -1;
	long level;

	if (n < 1 || n > 1000000) {
		fprintf(stderr, "usage: deep_chain N (1..1000000)\n");
		return 2;
	}
	for (level = 1; level < n; level++) {
		pid_t parent = getpid();

		child = fork();
		if (child < 0) {
			fprintf(stderr, "deep_chain: fork at depth %ld: %m\n", level);
			break;	/* this one becomes the deepest: the test sees the depth reached */
		}
		if (child > 0)
			break;	/* the parent waits below */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);	/* the parent died before the line above */
	}
	if (child <= 0 || level == n) {	/* the deepest */
		printf("ready %d %d %ld\n", (int)top, (int)getpid(), level);
		fflush(stdout);
		child = -1;
	}
	fclose(stdout);
	wait_release();
	if (child > 0)
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
	return 0;
}
