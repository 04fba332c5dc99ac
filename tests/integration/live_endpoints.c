/*
 * live_endpoints.c - a test fixture: real processes joined by every kind of channel ipctop
 * links, with known ends, fill levels and values, for as long as a test needs them.
 *
 *   live_endpoints [-n RING] [-k STUFF_BYTES] [-i]
 *
 * Builds, in this order:
 *   ring      RING child processes (default 4): child i writes pipe i and child i+1 reads it;
 *             socketpair i joins child i (its end a) and child i+1 (end b). Each child
 *             holds exactly those four descriptors besides stdio (stdin/stdout: /dev/null).
 *   fifo      two unrelated children meeting on a FIFO by its path: the writer wrote 11
 *             bytes ("hello fifo\n") the reader never reads; each holds it as fd 3.
 *   stuff     a pipe holding exactly STUFF_BYTES bytes (default 12345), its write end in one
 *             child and its read end (never read) in another.
 *   blocked   a child blocked in open(O_WRONLY) of a FIFO nobody reads: it must stay blocked
 *             while anybody looks (if open() ever returns it exits with status 3).
 *   mq        a POSIX queue (max 8 messages of 128 bytes) holding 3 messages of 10, 20 and
 *             30 bytes, held open by this process.
 *   shm       a POSIX shared memory object of 8192 bytes mapped by this process and one child.
 *   sem       a named semaphore with value 5, mapped by this process only.
 *   gone      a FIFO this process holds open O_RDWR, its name already unlinked.
 *   misc      in this process: an eventfd with count 7, a signalfd for SIGUSR1 and SIGUSR2,
 *             and a TCP connection over 127.0.0.1 (both ends here).
 * then prints lines of key=value (values are space-separated fields, described by the keys)
 * and "ready", and waits. On SIGTERM, SIGINT or SIGHUP, or end-of-file on stdin (unless -i:
 * ignore stdin), it kills and reaps every child, unlinks the queue, the shm object, the
 * semaphore and the FIFOs, removes its directory and exits 0. Children die with it
 * (PR_SET_PDEATHSIG), so even SIGKILL leaves no process behind (only named objects, which
 * carry this process's pid in their names).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/integration/fixture_signals.h"

#define RING_MAX 16
#define CHILD_MAX (RING_MAX + 8)

static pid_t children[CHILD_MAX];
static int n_children;
static pid_t parent_pid;
static char dir[64], fifo_chat[128], fifo_blocked[128];
static char mq_name[64], shm_name[64], sem_name[64];
static bool mq_made, shm_made, sem_made;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static unsigned long long inode_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat");
	return (unsigned long long)st.st_ino;
}

/* In a new child: die with the parent, stdin/stdout to /dev/null, default signals. */
static void child_setup(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent_pid)
		_exit(0);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void child_idle(void)
{
	for (;;)
		pause();
}

/* Forks a child that keeps only the descriptors in keep[] (plus stdio), then idles. */
static pid_t fork_keeping(const int *keep, int n_keep, int max_fd)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		child_setup();
		for (int fd = 3; fd <= max_fd; fd++) {
			bool kept = false;

			for (int k = 0; k < n_keep; k++)
				kept |= keep[k] == fd;
			if (!kept)
				close(fd);
		}
		child_idle();
	}
	children[n_children++] = pid;
	return pid;
}

/* Waits (deadline) until pid sleeps in the kernel function `wchan`. */
static bool wait_wchan(pid_t pid, const char *wchan)
{
	char path[64], buf[128];

	snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pid);
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(path, "r");
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (f) {
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);

			fclose(f);
			buf[n] = '\0';
			if (strcmp(buf, wchan) == 0)
				return true;
		}
		nanosleep(&ts, NULL);
	}
	return false;
}

static void cleanup(void)
{
	for (int i = 0; i < n_children; i++)
		kill(children[i], SIGKILL);
	for (int i = 0; i < n_children; i++)
		while (waitpid(children[i], NULL, 0) < 0 && errno == EINTR)
			;
	n_children = 0;
	if (mq_made)
		mq_unlink(mq_name);
	if (shm_made)
		shm_unlink(shm_name);
	if (sem_made)
		sem_unlink(sem_name);
	if (fifo_chat[0])
		unlink(fifo_chat);
	if (fifo_blocked[0])
		unlink(fifo_blocked);
	if (dir[0])
		rmdir(dir);
}

static void say(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%s=", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int main(int argc, char **argv)
{
	int ring = 4, stuff = 12345, opt;
	bool ignore_stdin = false;
	int pipes[RING_MAX][2], socks[RING_MAX][2];
	pid_t ring_pids[RING_MAX];
	sigset_t unblocked;
	int max_fd = 0, status = 0;

	while ((opt = getopt(argc, argv, "n:k:i")) != -1) {
		switch (opt) {
		case 'n': ring = atoi(optarg); break;
		case 'k': stuff = atoi(optarg); break;
		case 'i': ignore_stdin = true; break;
		default:
			fprintf(stderr, "usage: live_endpoints [-n RING] [-k STUFF_BYTES] [-i]\n");
			return 2;
		}
	}
	if (ring < 2 || ring > RING_MAX || stuff < 1 || stuff > 65536) {
		fprintf(stderr, "live_endpoints: RING 2..%d, STUFF_BYTES 1..65536\n", RING_MAX);
		return 2;
	}
	parent_pid = getpid();
	setvbuf(stdout, NULL, _IOLBF, 0);	/* nothing buffered is copied into a child */
	/* nothing inherited from whoever started us may show up in the children */
	for (int fd = 3; fd < 1024; fd++)
		close(fd);

	fixture_signals(&unblocked);	/* blocked but while waiting: fixture_signals.h */

	snprintf(dir, sizeof(dir), "/tmp/ipctop-ep.XXXXXX");
	if (!mkdtemp(dir)) {
		dir[0] = '\0';
		die("mkdtemp");
	}

	/* ---- ring ---- */
	for (int i = 0; i < ring; i++) {
		if (pipe(pipes[i]) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, socks[i]) < 0)
			die("pipe/socketpair");
		for (int k = 0; k < 2; k++) {
			max_fd = pipes[i][k] > max_fd ? pipes[i][k] : max_fd;
			max_fd = socks[i][k] > max_fd ? socks[i][k] : max_fd;
		}
	}
	say("ring_n", "%d", ring);
	for (int i = 0; i < ring; i++) {
		int prev = (i + ring - 1) % ring;
		int keep[4] = { pipes[i][1], pipes[prev][0], socks[i][0], socks[prev][1] };

		ring_pids[i] = fork_keeping(keep, 4, max_fd);
	}
	for (int i = 0; i < ring; i++) {
		int next = (i + 1) % ring;

		say("ring_pid", "%d %d", i, (int)ring_pids[i]);
		/* inode writer_pid writer_fd reader_pid reader_fd */
		say("ring_pipe", "%llu %d %d %d %d", inode_of(pipes[i][0]), (int)ring_pids[i],
		    pipes[i][1], (int)ring_pids[next], pipes[i][0]);
		/* inode_a pid_a fd_a inode_b pid_b fd_b */
		say("ring_sock", "%llu %d %d %llu %d %d", inode_of(socks[i][0]), (int)ring_pids[i],
		    socks[i][0], inode_of(socks[i][1]), (int)ring_pids[next], socks[i][1]);
	}
	for (int i = 0; i < ring; i++) {
		close(pipes[i][0]);
		close(pipes[i][1]);
		close(socks[i][0]);
		close(socks[i][1]);
	}

	/* ---- a FIFO between two unrelated processes (each opens it by path, as fd 3) ---- */
	snprintf(fifo_chat, sizeof(fifo_chat), "%s/chat.fifo", dir);
	snprintf(fifo_blocked, sizeof(fifo_blocked), "%s/blocked.fifo", dir);
	if (mkfifo(fifo_chat, 0600) < 0 || mkfifo(fifo_blocked, 0600) < 0)
		die("mkfifo");
	{
		pid_t rd, wr;
		int gate[2];
		char c;
		struct stat st;

		if (pipe(gate) < 0)
			die("pipe");
		rd = fork();
		if (rd < 0)
			die("fork");
		if (rd == 0) {
			child_setup();
			for (int fd = 3; fd < 1024; fd++)
				close(fd);
			if (open(fifo_chat, O_RDONLY) != 3)
				_exit(3);
			child_idle();
		}
		children[n_children++] = rd;
		wr = fork();
		if (wr < 0)
			die("fork");
		if (wr == 0) {
			child_setup();
			close(gate[0]);
			for (int fd = 3; fd < 1024; fd++)
				if (fd != gate[1])
					close(fd);
			if (open(fifo_chat, O_WRONLY) != 3 || write(3, "hello fifo\n", 11) != 11)
				_exit(3);
			close(gate[1]);	/* tells the parent the bytes are in */
			child_idle();
		}
		children[n_children++] = wr;
		close(gate[1]);
		if (read(gate[0], &c, 1) != 0)
			die("fifo writer");
		close(gate[0]);
		if (stat(fifo_chat, &st) < 0)
			die("stat");
		say("fifo_path", "%s", fifo_chat);
		/* inode writer_pid writer_fd reader_pid reader_fd queued */
		say("fifo", "%llu %d 3 %d 3 11", (unsigned long long)st.st_ino, (int)wr, (int)rd);
	}

	/* ---- a pipe stuffed with exactly `stuff` bytes ---- */
	{
		int p[2];
		char *buf = calloc(1, (size_t)stuff);
		pid_t wr, rd;

		if (!buf || pipe(p) < 0)
			die("stuff pipe");
		memset(buf, 'k', (size_t)stuff);
		if (write(p[1], buf, (size_t)stuff) != stuff)
			die("stuff write");
		free(buf);
		wr = fork_keeping(&p[1], 1, p[0] > p[1] ? p[0] : p[1]);
		rd = fork_keeping(&p[0], 1, p[0] > p[1] ? p[0] : p[1]);
		say("stuff", "%llu %d %d %d %d %d", inode_of(p[0]), (int)wr, p[1], (int)rd, p[0], stuff);
		close(p[0]);
		close(p[1]);
	}

	/* ---- a FIFO writer blocked in open() ---- */
	{
		pid_t b = fork();

		if (b < 0)
			die("fork");
		if (b == 0) {
			child_setup();
			for (int fd = 3; fd < 1024; fd++)
				close(fd);
			open(fifo_blocked, O_WRONLY);
			_exit(3);	/* open() returned: somebody opened the FIFO for reading */
		}
		children[n_children++] = b;
		if (!wait_wchan(b, "wait_for_partner"))
			die("blocked writer never blocked");
		say("blocked", "%d %s", (int)b, fifo_blocked);
	}

	/* ---- POSIX message queue with 3 messages ---- */
	{
		struct mq_attr attr = { .mq_maxmsg = 8, .mq_msgsize = 128 };
		char msg[128];
		mqd_t q;

		snprintf(mq_name, sizeof(mq_name), "/ipctop-ep-%d", (int)parent_pid);
		q = mq_open(mq_name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &attr);
		if (q == (mqd_t)-1)
			die("mq_open");
		mq_made = true;
		memset(msg, 'm', sizeof(msg));
		if (mq_send(q, msg, 10, 1) < 0 || mq_send(q, msg, 20, 2) < 0 || mq_send(q, msg, 30, 3) < 0)
			die("mq_send");
		/* name holder_pid holder_fd messages bytes max_messages message_size */
		say("mq", "%s %d %d 3 60 8 128", mq_name + 1, (int)parent_pid, (int)q);
	}

	/* ---- POSIX shared memory mapped here and in one child ---- */
	{
		int fd;
		void *mem;
		pid_t c;

		snprintf(shm_name, sizeof(shm_name), "/ipctop-ep-%d-shm", (int)parent_pid);
		fd = shm_open(shm_name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
		if (fd < 0)
			die("shm_open");
		shm_made = true;
		if (ftruncate(fd, 8192) < 0)
			die("ftruncate");
		mem = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (mem == MAP_FAILED)
			die("mmap");
		close(fd);
		memcpy(mem, "shared", 7);
		c = fork_keeping(NULL, 0, 1023);	/* inherits the mapping, no descriptor */
		/* name size pid pid */
		say("shm", "%s 8192 %d %d", shm_name + 1, (int)parent_pid, (int)c);
	}

	/* ---- named semaphore, value 5, mapped here ---- */
	{
		sem_t *s;

		snprintf(sem_name, sizeof(sem_name), "/ipctop-ep-%d-sem", (int)parent_pid);
		s = sem_open(sem_name, O_CREAT | O_EXCL, 0600, 5);
		if (s == SEM_FAILED)
			die("sem_open");
		sem_made = true;
		/* name value pid */
		say("sem", "%s 5 %d", sem_name + 1, (int)parent_pid);
	}

	/* ---- a FIFO held open O_RDWR (reader and writer at once) whose name was unlinked ---- */
	{
		char gone[160];
		int fd;

		snprintf(gone, sizeof(gone), "%s/gone.fifo", dir);
		if (mkfifo(gone, 0600) < 0)
			die("mkfifo");
		fd = open(gone, O_RDWR | O_CLOEXEC);	/* O_RDWR: no wait for a partner */
		if (fd < 0 || unlink(gone) < 0)
			die("gone fifo");
		/* inode pid fd path */
		say("gone_fifo", "%llu %d %d %s", inode_of(fd), (int)parent_pid, fd, gone);
	}

	/* ---- eventfd, signalfd, loopback TCP ---- */
	{
		int efd = eventfd(7, EFD_CLOEXEC), sfd, lfd, cfd, afd;
		sigset_t mask;
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t alen = sizeof(a);
		struct sockaddr_in ca;
		socklen_t calen = sizeof(ca);

		sigemptyset(&mask);
		sigaddset(&mask, SIGUSR1);
		sigaddset(&mask, SIGUSR2);
		sigprocmask(SIG_BLOCK, &mask, NULL);
		sfd = signalfd(-1, &mask, SFD_CLOEXEC);
		if (efd < 0 || sfd < 0)
			die("eventfd/signalfd");
		lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (lfd < 0 || cfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
		    listen(lfd, 1) < 0 || getsockname(lfd, (struct sockaddr *)&a, &alen) < 0 ||
		    connect(cfd, (struct sockaddr *)&a, sizeof(a)) < 0)
			die("tcp");
		afd = accept4(lfd, (struct sockaddr *)&ca, &calen, SOCK_CLOEXEC);
		if (afd < 0)
			die("accept");
		close(lfd);
		say("eventfd", "%d %d 7", (int)parent_pid, efd);
		say("signalfd", "%d %d SIGUSR1 SIGUSR2", (int)parent_pid, sfd);
		/* pid client_fd client_inode server_fd server_inode */
		say("tcp", "%d %d %llu %d %llu", (int)parent_pid, cfd, inode_of(cfd), afd, inode_of(afd));
	}

	{
		char pids[CHILD_MAX * 12 + 16];
		size_t o = 0;

		o += (size_t)snprintf(pids + o, sizeof(pids) - o, "%d", (int)parent_pid);
		for (int i = 0; i < n_children; i++)
			o += (size_t)snprintf(pids + o, sizeof(pids) - o, ",%d", (int)children[i]);
		say("pids", "%s", pids);
		say("dir", "%s", dir);
	}
	puts("ready");
	fflush(stdout);

	while (!fixture_stop) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		int n = ppoll(ignore_stdin ? NULL : &pfd, ignore_stdin ? 0 : 1, NULL, &unblocked);
		sigset_t pending;

		/* ppoll delivers a signal only when it interrupts it: not when stdin was ready */
		sigpending(&pending);
		if (sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT) ||
		    sigismember(&pending, SIGHUP))
			break;
		if (sigismember(&pending, SIGCHLD))
			fixture_child_ended = 1;

		if (n > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))) {
			char buf[256];
			ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));

			if (r <= 0)
				break;	/* end-of-file (or an unreadable stdin) */
		}
		if (fixture_child_ended) {
			/* a broken fixture must not pass for a good one: say which, exit 1 */
			for (int i = 0; i < n_children; i++) {
				int st;

				if (waitpid(children[i], &st, WNOHANG) == children[i]) {
					fprintf(stderr, "live_endpoints: child %d ended (status %d)\n",
						(int)children[i], st);
					children[i] = children[--n_children];
					i--;
					status = 1;
				}
			}
			fixture_child_ended = 0;
			if (status)
				break;
		}
	}
	cleanup();
	return status;
}
