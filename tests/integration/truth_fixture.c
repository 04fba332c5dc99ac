/*
 * truth_fixture.c - real processes for tests/integration/truth.sh (issue 12: nothing invented,
 * nothing hidden). One mode per argument; each prints "ready" and the pids the test needs on
 * one line, then holds its situation until SIGTERM, when it kills and reaps every process it
 * made and exits 0. Children die with it (PR_SET_PDEATHSIG) where their parent is the fixture.
 *
 *   lifecycle  children Z and E block reading a pipe each; on SIGUSR1 Z exits (a zombie: never
 *              reaped until SIGTERM) and E execs sleep.      ready PARENT Z E
 *   orphan     a subreaper; child A calls setsid() and forks B, which makes its own process
 *              group (setpgid) and sleeps; A exits, so B is re-parented to the fixture, in A's
 *              session. Child A2 forks C, which calls setsid(); on SIGUSR1 A2 exits (C is
 *              re-parented while ipctop watches).              ready FIXTURE B C
 *   thread     a second thread T blocks writing a full pipe read (never) by child R; R blocks
 *              reading another pipe whose only writer is the fixture; the main thread joins T:
 *              a deadlock only visible through T's wait.      ready PID TID R
 *   stall      a child execs cat reading pipe B, whose only writer (the fixture) blocks writing
 *              a full pipe only it can read.                  ready WRITER CAT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t kids[4];
static size_t n_kids;

/* SIGTERM: kill and reap what was made (async-signal-safe calls only), then exit. */
static void on_term(int sig)
{
	(void)sig;
	for (size_t i = 0; i < n_kids; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGKILL);
	for (size_t i = 0; i < n_kids; i++)
		if (kids[i] > 0)
			waitpid(kids[i], NULL, 0);
	_exit(0);
}

static void die(const char *what)
{
	perror(what);
	on_term(0);
}

static void kid(pid_t pid)
{
	if (pid < 0)
		die("fork");
	kids[n_kids++] = pid;
}

static void child_setup(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static void wait_signal(sigset_t *set, int *sig)
{
	while (sigwait(set, sig) != 0)
		;
}

static int lifecycle(void)
{
	int pz[2], pe[2], sig;
	sigset_t set;
	pid_t z, e;
	char c;

	if (pipe(pz) < 0 || pipe(pe) < 0)
		die("pipe");
	kid(z = fork());
	if (z == 0) {
		child_setup();
		close(pz[1]);
		close(pe[0]);
		close(pe[1]);
		while (read(pz[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);	/* EOF: become a zombie */
	}
	kid(e = fork());
	if (e == 0) {
		child_setup();
		close(pe[1]);
		close(pz[0]);
		close(pz[1]);	/* else Z would never read EOF */
		while (read(pe[0], &c, 1) < 0 && errno == EINTR)
			;
		execlp("sleep", "sleep", "1000", (char *)NULL);
		_exit(127);
	}
	close(pz[0]);
	close(pe[0]);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("ready %d %d %d\n", (int)getpid(), (int)z, (int)e);
	fflush(stdout);
	for (;;) {
		wait_signal(&set, &sig);
		if (sig == SIGTERM)
			on_term(0);
		close(pz[1]);		/* Z reads EOF and exits */
		if (write(pe[1], "x", 1) < 0)	/* E execs */
			die("write");
	}
}

static int orphan(void)
{
	int pb[2], sig;
	sigset_t set;
	pid_t a, a2, b = 0, cpid = 0;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("PR_SET_CHILD_SUBREAPER");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (pipe(pb) < 0)
		die("pipe");
	a = fork();
	if (a < 0)
		die("fork");
	if (a == 0) {
		pid_t bb;

		setsid();
		bb = fork();
		if (bb == 0) {
			setpgid(0, 0);
			if (write(pb[1], &(pid_t){ getpid() }, sizeof(pid_t)) < 0)
				_exit(1);
			for (;;)
				pause();
		}
		_exit(bb < 0);
	}
	waitpid(a, NULL, 0);
	if (read(pb[0], &b, sizeof(b)) != (ssize_t)sizeof(b))
		die("read");
	kid(b);			/* now the fixture's child: re-parented */
	a2 = fork();
	if (a2 < 0)
		die("fork");
	if (a2 == 0) {
		pid_t cc = fork();

		if (cc == 0) {
			setsid();
			sigprocmask(SIG_UNBLOCK, &set, NULL);
			for (;;)
				pause();
		}
		if (write(pb[1], &cc, sizeof(cc)) < 0)
			_exit(1);
		wait_signal(&set, &sig);	/* SIGUSR1 (forwarded) or SIGTERM: exit */
		if (sig == SIGTERM && cc > 0)
			kill(cc, SIGKILL);
		_exit(0);
	}
	kid(a2);
	if (read(pb[0], &cpid, sizeof(cpid)) != (ssize_t)sizeof(cpid))
		die("read");
	kid(cpid);
	printf("ready %d %d %d\n", (int)getpid(), (int)b, (int)cpid);
	fflush(stdout);
	for (;;) {
		wait_signal(&set, &sig);
		if (sig == SIGTERM)
			on_term(0);
		kill(a2, SIGUSR1);
		waitpid(a2, NULL, 0);
		kids[1] = 0;
	}
}

struct writer {
	int fd;
	pid_t tid;
	pthread_mutex_t lock;
	pthread_cond_t started;
};

static void *fill(void *arg)
{
	struct writer *w = arg;
	static char buf[1 << 16];

	pthread_mutex_lock(&w->lock);
	w->tid = (pid_t)syscall(SYS_gettid);
	pthread_cond_signal(&w->started);
	pthread_mutex_unlock(&w->lock);
	for (;;)
		if (write(w->fd, buf, sizeof(buf)) < 0 && errno != EINTR)
			break;
	return NULL;
}

static int thread_mode(void)
{
	int p1[2], p2[2];
	struct writer w = { .lock = PTHREAD_MUTEX_INITIALIZER, .started = PTHREAD_COND_INITIALIZER };
	struct sigaction sa = { .sa_handler = on_term };
	pthread_t t;
	pid_t r;
	char c;

	if (pipe(p1) < 0 || pipe(p2) < 0)
		die("pipe");
	kid(r = fork());
	if (r == 0) {
		child_setup();
		close(p1[1]);
		close(p2[1]);
		/* holds p1's read end and never reads it; waits for the fixture to write p2 */
		while (read(p2[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(p1[0]);
	close(p2[0]);
	sigaction(SIGTERM, &sa, NULL);
	w.fd = p1[1];
	pthread_mutex_lock(&w.lock);
	if (pthread_create(&t, NULL, fill, &w) != 0)
		die("pthread_create");
	while (!w.tid)
		pthread_cond_wait(&w.started, &w.lock);
	pthread_mutex_unlock(&w.lock);
	printf("ready %d %d %d\n", (int)getpid(), (int)w.tid, (int)r);
	fflush(stdout);
	pthread_join(t, NULL);	/* the main thread waits for T only */
	on_term(0);
	return 0;
}

static int stall(void)
{
	int b[2], self[2];
	struct sigaction sa = { .sa_handler = on_term };
	static char buf[1 << 16];
	pid_t cat;

	if (pipe(b) < 0 || pipe(self) < 0)
		die("pipe");
	kid(cat = fork());
	if (cat == 0) {
		int null = open("/dev/null", O_WRONLY);

		child_setup();
		dup2(b[0], 0);
		if (null >= 0)
			dup2(null, 1);
		close(b[0]);
		close(b[1]);
		close(self[0]);
		close(self[1]);
		execlp("cat", "cat", (char *)NULL);
		_exit(127);
	}
	close(b[0]);
	sigaction(SIGTERM, &sa, NULL);
	printf("ready %d %d\n", (int)getpid(), (int)cat);
	fflush(stdout);
	/* blocks for good once self is full: only this process could read it */
	for (;;)
		if (write(self[1], buf, sizeof(buf)) < 0 && errno != EINTR)
			break;
	on_term(0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "lifecycle") == 0)
		return lifecycle();
	if (argc == 2 && strcmp(argv[1], "orphan") == 0)
		return orphan();
	if (argc == 2 && strcmp(argv[1], "thread") == 0)
		return thread_mode();
	if (argc == 2 && strcmp(argv[1], "stall") == 0)
		return stall();
	fprintf(stderr, "usage: truth_fixture lifecycle|orphan|thread|stall\n");
	return 2;
}
