/*
 * fd_iter_fixture.c - a test fixture for tests/integration/fd_iter.sh: the channels whose fill
 * the BPF descriptor iterator (probes/fd_iter.bpf.c) reads at its limits, which
 * live_endpoints (the rest of that test's fixture) does not build.
 *
 *   fd_iter_fixture [-b BIG_BYTES] [-f FIFO]
 *
 * Each channel's ends are held by two children of their own (reader, writer), which never
 * read or write after setup:
 *   big    a pipe grown to 1 MiB (F_SETPIPE_SZ) holding BIG_BYTES (default 300001: 74 pages,
 *          far more occupied slots than the kernel side sums, so the fill must come from
 *          the pidfd path)
 *   full   a pipe of the default size holding exactly 16 pages: as many slots as the kernel
 *          side sums (FD_ITER_PIPE_SLOTS)
 *   over   a pipe grown to 1 MiB holding 16 pages and 1 byte: one slot more than that
 *   sock   a stream socketpair: end a sent 100 bytes nobody read at b, b sent 7 unread at a
 * With -f, only this instead (fd_iter.sh puts it on an overlay whose lower layer is on another
 * file system, where stat(2) gives another st_dev than the inode's superblock):
 *   fifo   the existing FIFO at path FIFO, opened O_RDWR by one child, grown to 1 MiB and
 *          holding BIG_BYTES, and opened O_RDONLY|O_NONBLOCK by a second child
 * then prints key=value lines (the fields are described where they are printed) and "ready",
 * and waits. On SIGTERM, SIGINT or SIGHUP, or end-of-file on stdin, it kills and reaps its
 * children and exits 0 (1 if a child ended early). The children die with it
 * (PR_SET_PDEATHSIG), so even SIGKILL leaves no process behind. Nothing here is named.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CHILDREN 8
#define MIB (1024 * 1024)

static volatile sig_atomic_t stop;
static pid_t children[MAX_CHILDREN];
static int n_children;

static void on_signal(int signo)
{
	(void)signo;
	stop = 1;
}

/* SIGCHLD only interrupts the wait: the main loop looks which child ended */
static void on_child(int signo)
{
	(void)signo;
}

static void reap_all(void)
{
	for (int i = 0; i < n_children; i++)
		kill(children[i], SIGKILL);
	for (int i = 0; i < n_children; i++)
		while (waitpid(children[i], NULL, 0) < 0 && errno == EINTR)
			;
	n_children = 0;
}

static void die(const char *what)
{
	perror(what);
	reap_all();
	exit(1);
}

static unsigned long long inode_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat");
	return (unsigned long long)st.st_ino;
}

/* A child holding only fd `keep` (and /dev/null as stdio) until it is killed. */
static pid_t hold(int keep, int max_fd)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0)
		die("fork");
	if (pid > 0) {
		children[n_children++] = pid;
		return pid;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	{
		int null = open("/dev/null", O_RDWR);

		if (null < 0)
			_exit(2);
		dup2(null, 0);
		dup2(null, 1);
		if (null > 2 && null != keep)
			close(null);
	}
	for (int fd = 3; fd <= max_fd; fd++)
		if (fd != keep)
			close(fd);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	{
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
	}
	for (;;)
		pause();
}

static void write_all(int fd, size_t n)
{
	static const char pattern[] = "ipctop fd_iter fixture ";
	char buf[4096];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = pattern[i % (sizeof(pattern) - 1)];
	while (n > 0) {
		ssize_t w = write(fd, buf, n < sizeof(buf) ? n : sizeof(buf));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write");
		n -= (size_t)w;
	}
}

/* A pipe of `size` bytes (0: the default) holding `bytes`, each end held by a child; prints
 * "KEY=inode writer_pid writer_fd reader_pid reader_fd queued capacity". */
static void pipe_channel(const char *key, int size, size_t bytes, int *max_fd)
{
	int p[2], cap, queued = -1;

	if (pipe(p) < 0)
		die("pipe");
	*max_fd = p[1] > *max_fd ? p[1] : *max_fd;
	if (size && fcntl(p[1], F_SETPIPE_SZ, size) < 0)
		die("F_SETPIPE_SZ");
	cap = fcntl(p[1], F_GETPIPE_SZ);
	if (cap < 0 || (size_t)cap < bytes)
		die("F_GETPIPE_SZ");
	/* never blocks: the pipe has room for all of it */
	if (fcntl(p[1], F_SETFL, O_NONBLOCK) < 0)
		die("O_NONBLOCK");
	write_all(p[1], bytes);
	if (fcntl(p[1], F_SETFL, 0) < 0 || ioctl(p[0], FIONREAD, &queued) < 0 ||
	    (size_t)queued != bytes)
		die("FIONREAD");
	{
		pid_t w = hold(p[1], *max_fd), r = hold(p[0], *max_fd);

		printf("%s=%llu %d %d %d %d %d %d\n", key, inode_of(p[0]), (int)w, p[1], (int)r,
		       p[0], queued, cap);
	}
	close(p[0]);
	close(p[1]);
}

/* The FIFO at `path`: one child holds it O_RDWR, grown to 1 MiB and holding `bytes`, another
 * O_RDONLY|O_NONBLOCK; prints "fifo=inode major:minor rdwr_pid rdwr_fd rdonly_pid rdonly_fd
 * queued capacity", the device as stat(2) gives it. */
static void fifo_channel(const char *path, size_t bytes, int *max_fd)
{
	int rw = open(path, O_RDWR | O_NONBLOCK), ro, cap, queued = -1;
	struct stat st;
	pid_t a, b;

	if (rw < 0)
		die("open FIFO O_RDWR");
	*max_fd = rw > *max_fd ? rw : *max_fd;
	if (fstat(rw, &st) < 0 || !S_ISFIFO(st.st_mode))
		die("not a FIFO");
	if (fcntl(rw, F_SETPIPE_SZ, MIB) < 0)
		die("F_SETPIPE_SZ");
	cap = fcntl(rw, F_GETPIPE_SZ);
	if (cap < 0 || (size_t)cap < bytes)
		die("F_GETPIPE_SZ");
	write_all(rw, bytes);	/* O_NONBLOCK: never blocks, there is room for all of it */
	if (fcntl(rw, F_SETFL, 0) < 0 || ioctl(rw, FIONREAD, &queued) < 0 ||
	    (size_t)queued != bytes)
		die("FIONREAD");
	a = hold(rw, *max_fd);
	ro = open(path, O_RDONLY | O_NONBLOCK);
	if (ro < 0)
		die("open FIFO O_RDONLY");
	*max_fd = ro > *max_fd ? ro : *max_fd;
	b = hold(ro, *max_fd);
	printf("fifo=%llu %u:%u %d %d %d %d %d %d\n", (unsigned long long)st.st_ino,
	       major(st.st_dev), minor(st.st_dev), (int)a, rw, (int)b, ro, queued, cap);
	close(rw);
	close(ro);
}

/* A stream socketpair, end a held by one child and b by another, with unread bytes both
 * ways; prints "sock=inode_a pid_a fd_a inode_b pid_b fd_b unread_at_a unread_at_b". */
static void sock_channel(int *max_fd)
{
	int s[2], qa = -1, qb = -1;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) < 0)
		die("socketpair");
	*max_fd = s[1] > *max_fd ? s[1] : *max_fd;
	write_all(s[0], 100);	/* waits at b */
	write_all(s[1], 7);	/* waits at a */
	if (ioctl(s[0], FIONREAD, &qa) < 0 || ioctl(s[1], FIONREAD, &qb) < 0 || qa != 7 ||
	    qb != 100)
		die("socket FIONREAD");
	{
		pid_t a = hold(s[0], *max_fd), b = hold(s[1], *max_fd);

		printf("sock=%llu %d %d %llu %d %d %d %d\n", inode_of(s[0]), (int)a, s[0],
		       inode_of(s[1]), (int)b, s[1], qa, qb);
	}
	close(s[0]);
	close(s[1]);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t big = 300001;
	const char *fifo = NULL;
	int opt, max_fd = 2, status = 0;
	struct sigaction sa;
	sigset_t block, unblocked;

	while ((opt = getopt(argc, argv, "b:f:")) != -1) {
		if (opt == 'b') {
			big = strtoul(optarg, NULL, 10);
		} else if (opt == 'f') {
			fifo = optarg;
		} else {
			fprintf(stderr, "usage: fd_iter_fixture [-b BIG_BYTES] [-f FIFO]\n");
			return 2;
		}
	}
	if (page <= 0 || big < 1 || big > MIB) {
		fprintf(stderr, "fd_iter_fixture: BIG_BYTES 1..%d\n", MIB);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);	/* nothing buffered is copied into a child */
	for (int fd = 3; fd < 1024; fd++)	/* nothing inherited shows up in the children */
		close(fd);

	/* signals: blocked except while waiting in ppoll, so no setup is interrupted */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGTERM);
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGHUP);
	sigdelset(&unblocked, SIGCHLD);
	prctl(PR_SET_PDEATHSIG, SIGTERM);

	printf("page=%ld\n", page);
	if (fifo) {
		fifo_channel(fifo, big, &max_fd);
	} else {
		pipe_channel("big", MIB, big, &max_fd);
		pipe_channel("full", 0, (size_t)(16 * page), &max_fd);
		pipe_channel("over", MIB, (size_t)(16 * page + 1), &max_fd);
		sock_channel(&max_fd);
	}
	printf("pids=%d", (int)getpid());
	for (int i = 0; i < n_children; i++)
		printf(",%d", (int)children[i]);
	printf("\nready\n");
	fflush(stdout);

	while (!stop) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		int n = ppoll(&pfd, 1, NULL, &unblocked);

		if (n > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))) {
			char buf[256];
			ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));

			if (r <= 0)
				break;	/* end-of-file (or an unreadable stdin) */
		}
		/* a child that ended early: a broken fixture must not pass for a good one */
		for (int i = 0; i < n_children; i++) {
			int st;

			if (waitpid(children[i], &st, WNOHANG) == children[i]) {
				fprintf(stderr, "fd_iter_fixture: child %d ended (status %d)\n",
					(int)children[i], st);
				children[i] = children[--n_children];
				i--;
				status = 1;
			}
		}
		if (status)
			break;
	}
	reap_all();
	return status;
}
