/*
 * load_fds.c - a benchmark load: N processes in a ring joined by channels, optionally with
 * System V and POSIX objects and traffic.
 *
 *   load_fds [-n PROCS] [-k LINKS] [-f] [-o OBJECTS] [-t MS]
 *
 * Process i and process i-1 are joined by K channels: alternately a pipe and a socketpair, or
 * with -f a pipe, a socketpair and a FIFO in turn (FIFOs live in a fresh directory
 * /tmp/ipctop-load-XXXXXX). Process i holds one end of each channel to its predecessor and
 * one end of each channel to its successor, so every process holds exactly 2*K channel
 * descriptors besides stdio (stdin and stdout are /dev/null).
 * -o OBJECTS: also OBJECTS System V message queues (each holding one message), shared memory
 * segments and semaphore sets, POSIX message queues, shared memory objects and named
 * semaphores; process i attaches segment i % OBJECTS, maps POSIX object i % OBJECTS and holds
 * POSIX queue i % OBJECTS open (one more descriptor). The segments are marked for removal
 * once every process is up, so they vanish with their last attacher.
 * -t MS: traffic: every MS milliseconds each process writes one byte into each channel to its
 * successor and drains what its predecessor sent (without -t every process sleeps in pause()).
 *
 * Prints "ready N processes, D descriptors each" once every process is up, then waits. On
 * SIGTERM, SIGINT or SIGHUP, or end-of-file on stdin, it kills and reaps every process it made
 * (they also die with it: PR_SET_PDEATHSIG), removes every object, FIFO and the directory, and
 * exits 0. Only SIGKILL of this process can leave objects behind (System V queues and
 * semaphore sets, POSIX objects named ipctop-load-PID-*).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINKS_MAX 64
#define OBJECTS_MAX 64

static volatile sig_atomic_t stop;

static void on_signal(int signo)
{
	(void)signo;
	stop = 1;
}

/* What the load made, for the cleanup. */
struct objects {
	int n;
	int msq[OBJECTS_MAX], shm[OBJECTS_MAX], sem[OBJECTS_MAX];
	bool shm_removed;
	char prefix[64];	/* POSIX names: /ipctop-load-PID-{mq,shm,sem}-I */
	char dir[64];		/* FIFO directory, "" if none */
	long n_fifos;
};

/* K channels between two processes: a[] stays with the later process, b[] with the earlier. */
struct link {
	int a[LINKS_MAX], b[LINKS_MAX];
};

static void posix_name(char *buf, size_t len, const struct objects *o, const char *kind, int i)
{
	snprintf(buf, len, "/%s-%s-%d", o->prefix, kind, i);
}

static int make_fifo(struct objects *o, int fds[2])
{
	char path[128];

	snprintf(path, sizeof(path), "%s/fifo-%ld", o->dir, o->n_fifos++);
	if (mkfifo(path, 0600) < 0)
		return -1;
	/* the read end first (non-blocking, so it does not wait for a writer), then the write
	 * end (which then finds its reader); both blocking afterwards */
	fds[0] = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fds[0] < 0)
		return -1;
	fds[1] = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fds[1] < 0)
		return -1;
	fcntl(fds[0], F_SETFL, 0);
	fcntl(fds[1], F_SETFL, 0);
	return 0;
}

static int make_link(struct link *l, int k, bool fifos, struct objects *o)
{
	for (int j = 0; j < k; j++) {
		int fds[2], kind = j % (fifos ? 3 : 2), rc;

		if (kind == 0)
			rc = pipe2(fds, O_CLOEXEC);
		else if (kind == 1)
			rc = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
		else
			rc = make_fifo(o, fds);
		if (rc)
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

static int make_objects(struct objects *o, int n)
{
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	struct {
		long type;
		char text[16];
	} msg = { 1, "load" };

	o->n = n;
	for (int i = 0; i < n; i++)
		o->msq[i] = o->shm[i] = o->sem[i] = -1;
	for (int i = 0; i < n; i++) {
		char name[128];
		sem_t *s;
		int fd;

		o->msq[i] = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
		o->shm[i] = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		o->sem[i] = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
		if (o->msq[i] < 0 || o->shm[i] < 0 || o->sem[i] < 0 ||
		    msgsnd(o->msq[i], &msg, sizeof(msg.text), IPC_NOWAIT) < 0)
			return -1;
		posix_name(name, sizeof(name), o, "mq", i);
		fd = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &attr);
		if (fd < 0)
			return -1;
		close(fd);
		posix_name(name, sizeof(name), o, "shm", i);
		fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
		if (fd < 0 || ftruncate(fd, 4096) < 0)
			return -1;
		close(fd);
		posix_name(name, sizeof(name), o, "sem", i);
		s = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
		if (s == SEM_FAILED)
			return -1;
		sem_close(s);
	}
	return 0;
}

static void remove_objects(struct objects *o)
{
	char name[128];

	for (int i = 0; i < o->n; i++) {
		if (o->msq[i] >= 0)
			msgctl(o->msq[i], IPC_RMID, NULL);
		if (o->shm[i] >= 0 && !o->shm_removed)
			shmctl(o->shm[i], IPC_RMID, NULL);
		if (o->sem[i] >= 0)
			semctl(o->sem[i], 0, IPC_RMID);
		posix_name(name, sizeof(name), o, "mq", i);
		mq_unlink(name);
		posix_name(name, sizeof(name), o, "shm", i);
		shm_unlink(name);
		posix_name(name, sizeof(name), o, "sem", i);
		sem_unlink(name);
	}
	if (o->dir[0]) {
		for (long i = 0; i < o->n_fifos; i++) {
			snprintf(name, sizeof(name), "%s/fifo-%ld", o->dir, i);
			unlink(name);
		}
		rmdir(o->dir);
	}
}

/* What process i gets of the objects: its segment attached, its POSIX object mapped, its
 * POSIX queue open (returned, -1 without objects). Done in the parent before the fork (the
 * child inherits them) and undone after it. */
struct share {
	void *shm, *pshm;
	int mq;
};

static int share_get(const struct objects *o, int i, struct share *sh)
{
	char name[128];
	int fd;

	sh->shm = sh->pshm = NULL;
	sh->mq = -1;
	if (!o->n)
		return 0;
	i %= o->n;
	sh->shm = shmat(o->shm[i], NULL, SHM_RDONLY);
	if (sh->shm == (void *)-1)
		return -1;
	posix_name(name, sizeof(name), o, "shm", i);
	fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	sh->pshm = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (sh->pshm == MAP_FAILED)
		return -1;
	posix_name(name, sizeof(name), o, "mq", i);
	sh->mq = mq_open(name, O_RDWR | O_CLOEXEC);
	return sh->mq < 0 ? -1 : 0;
}

static void share_put(struct share *sh)
{
	if (sh->shm && sh->shm != (void *)-1)
		shmdt(sh->shm);
	if (sh->pshm && sh->pshm != MAP_FAILED)
		munmap(sh->pshm, 4096);
	if (sh->mq >= 0)
		close(sh->mq);
}

/* Traffic: one byte into each channel to the successor every ms, drain the predecessor's. */
static void traffic(int k, int ms)
{
	struct pollfd pfd[LINKS_MAX];
	char buf[4096];
	struct timespec next, now;

	for (int j = 0; j < k; j++) {
		pfd[j].fd = 3 + j;	/* from the predecessor */
		pfd[j].events = POLLIN;
		fcntl(3 + k + j, F_SETFL, O_NONBLOCK);	/* to the successor: never block */
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		long wait;

		clock_gettime(CLOCK_MONOTONIC, &now);
		wait = (next.tv_sec - now.tv_sec) * 1000 + (next.tv_nsec - now.tv_nsec) / 1000000;
		if (wait <= 0) {
			for (int j = 0; j < k; j++)
				(void)!write(3 + k + j, "x", 1);
			next.tv_nsec += (long)ms * 1000000;
			next.tv_sec += next.tv_nsec / 1000000000;
			next.tv_nsec %= 1000000000;
			continue;
		}
		if (poll(pfd, (nfds_t)k, (int)wait) > 0)
			for (int j = 0; j < k; j++)
				if (pfd[j].revents & POLLIN)
					(void)!read(pfd[j].fd, buf, sizeof(buf));
	}
}

/* The child: keep from->a (channels to the predecessor) as descriptors 3 .. 3+K-1, to->b (to
 * the successor) as 3+K .. 3+2K-1, its POSIX queue (if any) as 3+2K; close everything else;
 * then sleep, or make traffic. */
static void child(const struct link *from, const struct link *to, int k, int mq, pid_t parent,
		  int ms)
{
	int keep[2 * LINKS_MAX + 1], null, top = 3 + 2 * k + (mq >= 0);
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	for (int j = 0; j < k; j++) {
		keep[j] = fcntl(from->a[j], F_DUPFD, top);
		keep[k + j] = fcntl(to->b[j], F_DUPFD, top);
	}
	keep[2 * k] = mq >= 0 ? fcntl(mq, F_DUPFD, top) : -1;
	for (int j = 0; j < 2 * k + (mq >= 0); j++)
		if (keep[j] < 0 || dup2(keep[j], 3 + j) < 0)
			_exit(1);
	closefrom(top);
	null = open("/dev/null", O_RDWR);
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	close(null);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (ms > 0)
		traffic(k, ms);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	int n = 1000, k = 5, n_obj = 0, ms = 0, opt;
	bool fifos = false;
	pid_t *pids, self = getpid();
	struct link *first, *cur, *next;
	struct objects obj = { 0 };
	struct sigaction sa;
	sigset_t block, unblocked;
	struct rlimit rl;
	int made = 0, status = 0;

	while ((opt = getopt(argc, argv, "n:k:fo:t:")) != -1) {
		switch (opt) {
		case 'n': n = atoi(optarg); break;
		case 'k': k = atoi(optarg); break;
		case 'f': fifos = true; break;
		case 'o': n_obj = atoi(optarg); break;
		case 't': ms = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: load_fds [-n PROCS] [-k LINKS] [-f] [-o OBJECTS] [-t MS]\n");
			return 2;
		}
	}
	if (n < 2 || n > 100000 || k < 1 || k > LINKS_MAX || n_obj < 0 || n_obj > OBJECTS_MAX ||
	    ms < 0) {
		fprintf(stderr, "load_fds: PROCS 2..100000, LINKS 1..%d, OBJECTS 0..%d, MS >= 0\n",
			LINKS_MAX, OBJECTS_MAX);
		return 2;
	}
	/* the parent holds at most three links at a time, plus stdio and one queue */
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

	snprintf(obj.prefix, sizeof(obj.prefix), "ipctop-load-%d", (int)self);
	if (fifos) {
		snprintf(obj.dir, sizeof(obj.dir), "/tmp/ipctop-load-XXXXXX");
		if (!mkdtemp(obj.dir)) {
			obj.dir[0] = '\0';
			perror("load_fds: mkdtemp");
			return 1;
		}
	}
	pids = calloc((size_t)n, sizeof(*pids));
	first = calloc(1, sizeof(*first));
	cur = calloc(1, sizeof(*cur));
	next = calloc(1, sizeof(*next));
	if (!pids || !first || !cur || !next) {
		perror("load_fds");
		remove_objects(&obj);
		return 1;
	}
	if ((n_obj && make_objects(&obj, n_obj) < 0) || make_link(first, k, fifos, &obj) < 0) {
		perror("load_fds: objects");
		status = 1;
	}
	/* process i: from = link i (made with process i-1, or the ring's closing link for 0),
	 * to = link i+1 */
	*cur = *first;
	for (int i = 0; i < n && !stop && !status; i++) {
		struct share sh;
		pid_t pid;

		if (i == n - 1)
			*next = *first;		/* the ring closes on process 0 */
		else if (make_link(next, k, fifos, &obj) < 0) {
			perror("load_fds: pipe/socketpair/FIFO");
			status = 1;
			break;
		}
		if (share_get(&obj, i, &sh) < 0) {
			perror("load_fds: attaching objects");
			share_put(&sh);
			status = 1;
			break;
		}
		pid = fork();
		if (pid < 0) {
			perror("load_fds: fork");
			share_put(&sh);
			status = 1;
			break;
		}
		if (pid == 0)
			child(cur, next, k, sh.mq, self, ms);
		share_put(&sh);
		pids[made++] = pid;
		/* cur's a ends now belong to process i (its b ends to i-1, or, for link 0, to the
		 * last process: kept until then) */
		close_link(cur, k, true, i > 0);
		if (i == n - 1)
			close_link(first, k, false, true);
		*cur = *next;
	}
	if (!status && !stop) {
		/* every attach is inherited by now: the segments go with their last attacher */
		for (int i = 0; i < obj.n; i++)
			shmctl(obj.shm[i], IPC_RMID, NULL);
		obj.shm_removed = true;
		printf("ready %d processes, %d descriptors each\n", made,
		       2 * k + (obj.n ? 1 : 0));
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
	remove_objects(&obj);
	free(pids);
	free(first);
	free(cur);
	free(next);
	return status;
}
