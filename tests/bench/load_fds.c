/*
 * load_fds.c - a benchmark load: N processes in a ring, each holding 2*K descriptors.
 *
 *   load_fds [-n PROCS] [-k LINKS]
 *
 * Process i and process i-1 are joined by K channels (alternately a pipe and a socketpair):
 * process i holds one end of each channel to its predecessor and one end of each channel to
 * its successor, so every process holds exactly 2*K descriptors besides stdio (stdin and
 * stdout are /dev/null). Prints "ready" once every process is up, then waits. On SIGTERM,
 * SIGINT or SIGHUP, or end-of-file on stdin, it kills and reaps every process it made (they
 * also die with it: PR_SET_PDEATHSIG) and exits 0. Nothing else is created.
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
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINKS_MAX 64

static volatile sig_atomic_t stop;

static void on_signal(int signo)
{
	(void)signo;
	stop = 1;
}

/* K channels between two processes: a[] stays with the later process, b[] with the earlier. */
struct link {
	int a[LINKS_MAX], b[LINKS_MAX];
};

static int make_link(struct link *l, int k)
{
	for (int j = 0; j < k; j++) {
		int fds[2];

		if (j % 2 == 0 ? pipe2(fds, O_CLOEXEC) : socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds))
			return -1;
		l->b[j] = fds[1];	/* the earlier process writes */
		l->a[j] = fds[0];	/* the later one reads */
	}
	return 0;
}

static void close_link(const struct link *l, int k, bool a, bool b)
{
	for (int j = 0; j < k; j++) {
		if (a)
			close(l->a[j]);
		if (b)
			close(l->b[j]);
	}
}

/* The child: keep from->a (channels to the predecessor) and to->b (to the successor) as
 * descriptors 3 .. 3+2K-1, close everything else, wait to be killed. */
static void child(const struct link *from, const struct link *to, int k, pid_t parent)
{
	int keep[2 * LINKS_MAX], null;
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	for (int j = 0; j < k; j++) {
		keep[j] = fcntl(from->a[j], F_DUPFD, 3 + 2 * k);
		keep[k + j] = fcntl(to->b[j], F_DUPFD, 3 + 2 * k);
	}
	for (int j = 0; j < 2 * k; j++)
		if (keep[j] < 0 || dup2(keep[j], 3 + j) < 0)
			_exit(1);
	closefrom(3 + 2 * k);
	null = open("/dev/null", O_RDWR);
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	close(null);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	int n = 1000, k = 5, opt;
	pid_t *pids, self = getpid();
	struct link *first, *cur, *next;
	struct sigaction sa;
	sigset_t block, unblocked;
	struct rlimit rl;
	int made = 0, status = 0;

	while ((opt = getopt(argc, argv, "n:k:")) != -1) {
		switch (opt) {
		case 'n': n = atoi(optarg); break;
		case 'k': k = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: load_fds [-n PROCS] [-k LINKS]\n");
			return 2;
		}
	}
	if (n < 2 || n > 100000 || k < 1 || k > LINKS_MAX) {
		fprintf(stderr, "load_fds: PROCS 2..100000, LINKS 1..%d\n", LINKS_MAX);
		return 2;
	}
	/* the parent holds at most three links at a time, plus stdio */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)(6 * k + 16)) {
		fprintf(stderr, "load_fds: RLIMIT_NOFILE too low for %d links\n", k);
		return 1;
	}
	closefrom(3);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGTERM);
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGHUP);
	prctl(PR_SET_PDEATHSIG, SIGTERM);

	pids = calloc((size_t)n, sizeof(*pids));
	first = calloc(1, sizeof(*first));
	cur = calloc(1, sizeof(*cur));
	next = calloc(1, sizeof(*next));
	if (!pids || !first || !cur || !next || make_link(first, k) < 0) {
		perror("load_fds");
		return 1;
	}
	/* process i: from = link i (made with process i-1, or the ring's closing link for 0),
	 * to = link i+1 */
	*cur = *first;
	for (int i = 0; i < n && !stop; i++) {
		pid_t pid;

		if (i == n - 1)
			*next = *first;		/* the ring closes on process 0 */
		else if (make_link(next, k) < 0) {
			perror("load_fds: pipe/socketpair");
			status = 1;
			break;
		}
		pid = fork();
		if (pid < 0) {
			perror("load_fds: fork");
			status = 1;
			break;
		}
		if (pid == 0)
			child(cur, next, k, self);
		pids[made++] = pid;
		/* cur's a ends now belong to process i (its b ends to i-1, or, for link 0, to the
		 * last process: kept until then) */
		close_link(cur, k, true, i > 0);
		if (i == n - 1)
			close_link(first, k, false, true);
		*cur = *next;
	}
	if (!status && !stop) {
		printf("ready %d processes, %d descriptors each\n", made, 2 * k);
		fflush(stdout);
	}
	while (!stop && !status) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		char buf[64];

		sigset_t pending;

		if (ppoll(&pfd, 1, NULL, &unblocked) > 0 && read(STDIN_FILENO, buf, sizeof(buf)) <= 0)
			break;
		/* ppoll delivers a signal only when it interrupts it: not when stdin was ready */
		sigpending(&pending);
		if (sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT) ||
		    sigismember(&pending, SIGHUP))
			break;
	}
	for (int i = 0; i < made; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < made; i++)
		while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	free(pids);
	free(first);
	free(cur);
	free(next);
	return status;
}
