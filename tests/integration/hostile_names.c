/*
 * hostile_names.c - a test fixture: processes and IPC objects whose names hold bytes that are
 * not UTF-8, control characters (ESC, newline, raw 0x9b, C1 U+009B) and a bidi override
 * (U+202E), plus shared memory and a semaphore that were unlinked while still mapped.
 *
 *   hostile_names DIR
 *
 * BAD below is "\xff\x9b\x1b\xc2\x9b\xe2\x80\xae" (not UTF-8, raw CSI, ESC, C1 CSI, RLO).
 * Builds:
 *   comm      a child whose comm is "nl\nA\\b" (newline and backslash: /proc/PID/status
 *             shows them escaped)
 *   bad       a child (this program again, "--sleep") whose comm is "b" BAD and whose argv[2]
 *             is "arg" BAD
 *   fifo      DIR/"fifo" BAD, held open O_RDWR by this process
 *   sock      a unix socket bound to DIR/"sock" BAD, listening, in this process
 *   mq        POSIX queue "/ipctop-hn-PID-q" BAD, held open by this process
 *   shm       POSIX shm "/ipctop-hn-PID-s" BAD, and twins "...-t\xfe" and "...-t\xfd" (names
 *             that differ only in a byte that is not UTF-8), mapped by this process
 *   sem       named semaphore "/ipctop-hn-PID-m" BAD (value 2), mapped by this process
 *   gone      shm "/ipctop-hn-PID-gone" (4096 bytes) and semaphore "/ipctop-hn-PID-gsem"
 *             (value 3), mapped by this process and the "mapper" child, then unlinked
 * then prints "KEY VALUE" lines (parent, comm, bad, mapper: pids) and "ready", and waits.
 * On SIGTERM, SIGINT or SIGHUP it kills and reaps its children, unlinks what it named and
 * exits 0. Children die with it (PR_SET_PDEATHSIG).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/fixture_signals.h"

#define BAD "\xff\x9b\x1b\xc2\x9b\xe2\x80\xae"

static pid_t children[3];
static char names[8][128];	/* POSIX names to unlink */
static int n_names;
static char paths[2][512];	/* files to remove */

static void die(const char *what)
{
	fprintf(stderr, "hostile_names: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void cleanup(void)
{
	for (size_t i = 0; i < sizeof(children) / sizeof(children[0]); i++)
		if (children[i] > 0) {
			kill(children[i], SIGKILL);
			waitpid(children[i], NULL, 0);
		}
	for (int i = 0; i < n_names; i++) {
		if (names[i][0] == 'q')
			mq_unlink(names[i] + 1);
		else if (names[i][0] == 's')
			shm_unlink(names[i] + 1);
		else
			sem_unlink(names[i] + 1);
	}
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (paths[i][0])
			unlink(paths[i]);
}

/* kind 'q' queue, 's' shm, 'm' semaphore: remembered for cleanup. */
static const char *name(char kind, const char *fmt, const char *suffix)
{
	snprintf(names[n_names], sizeof(names[0]), "%c/ipctop-hn-%d-%s%s", kind, (int)getpid(), fmt,
		 suffix);
	return names[n_names++] + 1;
}

static void *map_shm(const char *n, size_t size)
{
	int fd = shm_open(n, O_RDWR | O_CREAT | O_EXCL, 0600);
	void *mem;

	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		die("shm_open");
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	close(fd);
	memset(mem, 1, size);
	return mem;
}

/* A child that sets its comm and sleeps until its parent dies or it is killed. */
static pid_t sleeper(const char *comm, char *const argv[])
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (argv) {
			execv("/proc/self/exe", argv);
			_exit(127);
		}
		prctl(PR_SET_NAME, comm);
		for (;;)
			pause();
	}
	return pid;
}

int main(int argc, char **argv)
{
	sigset_t unblocked;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *bad_argv[4];
	int fd, sock;
	mqd_t mq;
	sem_t *sem;
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 64 };

	if (argc == 3 && strcmp(argv[1], "--sleep") == 0) {	/* the "bad" child */
		prctl(PR_SET_NAME, "b" BAD);
		for (;;)
			pause();
	}
	if (argc != 2) {
		fprintf(stderr, "usage: hostile_names DIR\n");
		return 2;
	}
	fixture_signals(&unblocked);
	atexit(cleanup);

	children[0] = sleeper("nl\nA\\b", NULL);
	bad_argv[0] = "hostile_names";
	bad_argv[1] = "--sleep";
	bad_argv[2] = "arg" BAD;
	bad_argv[3] = NULL;
	children[1] = sleeper(NULL, bad_argv);

	snprintf(paths[0], sizeof(paths[0]), "%s/fifo" BAD, argv[1]);
	if (mkfifo(paths[0], 0600) < 0 || (fd = open(paths[0], O_RDWR | O_CLOEXEC)) < 0)
		die("fifo");
	snprintf(paths[1], sizeof(paths[1]), "%s/sock" BAD, argv[1]);
	if (strlen(paths[1]) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		die(paths[1]);
	}
	memcpy(sa.sun_path, paths[1], strlen(paths[1]) + 1);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(sock, 4) < 0)
		die("socket");

	mq = mq_open(name('q', "q", BAD), O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	if (mq == (mqd_t)-1)
		die("mq_open");
	map_shm(name('s', "s", BAD), 4096);
	map_shm(name('s', "t", "\xfe"), 4096);
	map_shm(name('s', "t", "\xfd"), 4096);
	sem = sem_open(name('m', "m", BAD), O_CREAT | O_EXCL, 0600, 2);
	if (sem == SEM_FAILED)
		die("sem_open");

	/* unlinked while mapped, here and in the mapper child */
	map_shm(name('s', "gone", ""), 4096);
	sem = sem_open(name('m', "gsem", ""), O_CREAT | O_EXCL, 0600, 3);
	if (sem == SEM_FAILED)
		die("sem_open");
	children[2] = sleeper("mapper", NULL);
	if (shm_unlink(names[n_names - 2] + 1) < 0 || sem_unlink(names[n_names - 1] + 1) < 0)
		die("unlink");
	n_names -= 2;

	printf("parent %d\ncomm %d\nbad %d\nmapper %d\nready\n", (int)getpid(), (int)children[0],
	       (int)children[1], (int)children[2]);
	fflush(stdout);
	while (!fixture_stop)
		sigsuspend(&unblocked);
	return 0;	/* atexit: cleanup */
}
