/*
 * shm_mapper.c - one process holding many distinct /dev/shm mappings, as any unprivileged
 * user can make (issue 11), for tests/bench/maps.sh.
 *
 *   shm_mapper DIR N
 *
 * Creates DIR/anchor and maps it, then N files DIR/m.<i> (one page each, never touched, so
 * they cost no memory), maps each once (shared, read-only) and unlinks it: its maps then show
 * N distinct "/dev/shm/m.<i> (deleted)" lines and one "/dev/shm/anchor", which keeps the
 * object list non-empty (ipctop reads the mappings only when there is an object). Prints
 * "ready PID" and waits for SIGTERM, SIGINT or SIGHUP (or its parent's death), then removes
 * DIR/anchor.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

static char anchor[4096];

static void done(int sig)
{
	(void)sig;
	unlink(anchor);
	_exit(0);
}

/* Creates path (one page), maps it shared and read-only; returns 0 or -1. */
static int map_new(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	void *m;

	if (fd < 0)
		return -1;
	if (ftruncate(fd, 4096) < 0) {
		close(fd);
		return -1;
	}
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	return m == MAP_FAILED ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = done };
	sigset_t none;
	long n;

	if (argc != 3 || (n = atol(argv[2])) < 0) {
		fprintf(stderr, "usage: shm_mapper DIR N\n");
		return 2;
	}
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &sa.sa_mask, NULL);	/* until the anchor's name is set */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	snprintf(anchor, sizeof(anchor), "%s/anchor", argv[1]);
	if (map_new(anchor) < 0) {
		perror(anchor);
		return 1;
	}
	sigprocmask(SIG_UNBLOCK, &sa.sa_mask, NULL);
	for (long i = 0; i < n; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/m.%ld", argv[1], i);
		if (map_new(path) < 0) {
			perror(path);
			unlink(path);
			done(0);
		}
		unlink(path);
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	sigemptyset(&none);
	for (;;)
		sigsuspend(&none);
}
