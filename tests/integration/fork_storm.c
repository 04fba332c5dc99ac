/*
 * fork_storm.c - load for tests/integration/hostile_forkstorm.sh: forks short-lived children as
 * fast as it can for a bounded time, so that ipctop's scans run while thousands of processes
 * a second appear, turn into zombies and are reaped.
 *
 *   fork_storm SECONDS [MAXKIDS [LIFE_US [NAME]]]
 *
 * The storm names itself NAME (default "hstorm", at most 12 bytes) and each child names itself
 * NAME-k (prctl PR_SET_NAME) right after fork, so a scan may see a child under either name,
 * always with the storm as its parent. A child lives 0 to LIFE_US microseconds (a pseudo-random sleep, default
 * 10000), then _exits; at most MAXKIDS (default 64) are alive or unreaped at once, so the storm
 * never exhausts pids.
 * Prints "ready PID" once running, "count N" (the forks so far) on each SIGUSR1, and
 * "forks N seconds S" on exit. Stops after SECONDS, on
 * SIGTERM/SIGINT, or when its parent dies (PR_SET_PDEATHSIG); children die with it
 * (PR_SET_PDEATHSIG SIGKILL) and every child is reaped before it exits.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop, report;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		report = 1;
	else
		stop = 1;
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void child(pid_t parent, const char *name, unsigned seed, long life_us)
{
	long us = (long)(seed % (unsigned long)(life_us + 1));
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);	/* the storm is already gone */
	prctl(PR_SET_NAME, name, 0, 0, 0);
	nanosleep(&ts, NULL);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	double seconds, t0, end;
	long maxkids = 64, life_us = 10000, alive = 0, forks = 0;
	const char *name = "hstorm";
	char kidname[16];
	unsigned seed = 12345;
	pid_t self = getpid();

	if (argc < 2 || argc > 5 || (seconds = atof(argv[1])) <= 0 ||
	    (argc >= 3 && (maxkids = atol(argv[2])) <= 0) ||
	    (argc >= 4 && (life_us = atol(argv[3])) < 0) ||
	    (argc == 5 && (strlen(name = argv[4]) == 0 || strlen(name) > 12))) {
		fprintf(stderr, "usage: fork_storm SECONDS [MAXKIDS [LIFE_US [NAME]]]\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	snprintf(kidname, sizeof(kidname), "%s-k", name);
	if (getppid() == 1)
		return 1;	/* the test is already gone */

	printf("ready %d\n", (int)self);
	fflush(stdout);
	t0 = now_mono();
	end = t0 + seconds;
	while (!stop && now_mono() < end) {
		pid_t pid;

		if (report) {
			report = 0;
			printf("count %ld\n", forks);
			fflush(stdout);
		}
		/* reap whatever finished; block only at the limit */
		while (alive > 0 && (pid = waitpid(-1, NULL, alive >= maxkids ? 0 : WNOHANG)) > 0)
			alive--;
		if (alive >= maxkids)
			continue;	/* interrupted by a signal */
		seed = seed * 1103515245u + 12345u;
		pid = fork();
		if (pid == 0)
			child(self, kidname, seed >> 8, life_us);
		if (pid < 0) {
			if (errno == EAGAIN || errno == ENOMEM) {
				if (alive > 0 && waitpid(-1, NULL, 0) > 0)
					alive--;
				continue;
			}
			perror("fork_storm: fork");
			break;
		}
		alive++;
		forks++;
	}
	/* children are at most LIFE_US from exiting on their own */
	while (alive > 0) {
		if (waitpid(-1, NULL, 0) > 0)
			alive--;
		else if (errno != EINTR)
			break;
	}
	printf("forks %ld seconds %.3f\n", forks, now_mono() - t0);
	return 0;
}
