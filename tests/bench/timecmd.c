/*
 * timecmd.c - times one command for the benchmark: wall time, CPU time and peak RSS.
 *
 *   timecmd COMMAND [ARG...]
 *
 * Runs COMMAND once with stdout and stdin on /dev/null (stderr kept), waits for it and prints
 * one line "wall_ms W cpu_ms C rss_kib R status S": W from CLOCK_MONOTONIC around fork/wait,
 * C the child's user + system time and R its peak resident set (wait4's rusage: only this
 * child and its own waited-for children), S its exit status (128 + signal if killed).
 * Exits 0 when it could run the command, 2 otherwise.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	double t0, t1;
	int status = 0, code;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: timecmd COMMAND [ARG...]\n");
		return 2;
	}
	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("timecmd: fork");
		return 2;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			if (null > STDERR_FILENO)
				close(null);
		}
		execvp(argv[1], argv + 1);
		perror("timecmd: exec");
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("timecmd: wait4");
			return 2;
		}
	}
	t1 = now_ms();
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("wall_ms %.2f cpu_ms %.2f rss_kib %ld status %d\n", t1 - t0,
	       (double)ru.ru_utime.tv_sec * 1e3 + (double)ru.ru_utime.tv_usec / 1e3 +
	       (double)ru.ru_stime.tv_sec * 1e3 + (double)ru.ru_stime.tv_usec / 1e3,
	       ru.ru_maxrss, code);
	return 0;
}
