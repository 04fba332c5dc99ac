/*
 * name_swapper.c - what a hostile user does to a name that root's ipctop is about to read,
 * for tests/integration/hostile_posix.sh and hostile_sysroot.sh (issue 11).
 *
 *   name_swapper truncate PATH SIZE       creates PATH (SIZE bytes of zeros), then shrinks it
 *                                         to 0 and grows it back to SIZE, over and over
 *   name_swapper symlink PATH TARGET TEXT PATH is in turn a regular file holding TEXT and a
 *                                         symlink to TARGET (each placed by an atomic rename)
 *   name_swapper fifo PATH TEXT           PATH is in turn a regular file holding TEXT and a
 *                                         FIFO (nobody ever opens it)
 *
 * Each state is held for about 100 us. Prints "ready" once PATH exists, then swaps until SIGTERM, SIGINT or SIGHUP (or its parent
 * dies), and removes PATH and its temporary names before it exits. The swaps run as fast as
 * they can, so that a reader slowed down between its check and its use (the tests delay it
 * with strace) meets the other state about half the time.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static char tmp_reg[4096], tmp_other[4096];

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	perror(what);
	unlink(tmp_reg);
	unlink(tmp_other);
	exit(1);
}

/* A regular file holding text at tmp_reg, renamed onto path. */
static void place_regular(const char *path, const char *text)
{
	int fd = open(tmp_reg, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	size_t len = strlen(text);

	if (fd < 0)
		die("create");
	if (write(fd, text, len) != (ssize_t)len)
		die("write");
	close(fd);
	if (rename(tmp_reg, path) < 0)
		die("rename");
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const char *mode = argc > 2 ? argv[1] : "", *path = argc > 2 ? argv[2] : "";
	struct timespec hold = { 0, 100000 };
	bool ready = false;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		return 1;
	snprintf(tmp_reg, sizeof(tmp_reg), "%s.swap-reg", path);
	snprintf(tmp_other, sizeof(tmp_other), "%s.swap-other", path);

	if (strcmp(mode, "truncate") == 0 && argc == 4) {
		off_t size = atol(argv[3]);
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

		if (fd < 0 || ftruncate(fd, size) < 0)
			die(path);
		puts("ready");
		fflush(stdout);
		while (!stop) {	/* each size held for 100 us: about half the time empty */
			if (ftruncate(fd, 0) < 0)
				die("ftruncate");
			nanosleep(&hold, NULL);
			if (ftruncate(fd, size) < 0)
				die("ftruncate");
			nanosleep(&hold, NULL);
		}
		close(fd);
		unlink(path);
		return 0;
	}
	if (strcmp(mode, "symlink") == 0 && argc == 5) {
		while (!stop) {
			place_regular(path, argv[4]);
			if (!ready) {
				puts("ready");
				fflush(stdout);
				ready = true;
			}
			nanosleep(&hold, NULL);
			if (symlink(argv[3], tmp_other) < 0 || rename(tmp_other, path) < 0)
				die("symlink");
			nanosleep(&hold, NULL);
		}
	} else if (strcmp(mode, "fifo") == 0 && argc == 4) {
		while (!stop) {
			place_regular(path, argv[3]);
			if (!ready) {
				puts("ready");
				fflush(stdout);
				ready = true;
			}
			nanosleep(&hold, NULL);
			if (mkfifo(tmp_other, 0644) < 0 || rename(tmp_other, path) < 0)
				die("mkfifo");
			nanosleep(&hold, NULL);
		}
	} else {
		fprintf(stderr, "usage: name_swapper truncate PATH SIZE | symlink PATH TARGET TEXT | "
				"fifo PATH TEXT\n");
		return 2;
	}
	unlink(path);
	unlink(tmp_reg);
	unlink(tmp_other);
	return 0;
}
