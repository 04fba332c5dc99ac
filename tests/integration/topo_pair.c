/*
 * topo_pair.c - two processes joined by IPC, for the topology tmux test.
 *
 *   topo_pair chan [-t]   a pipe parent -> child and a socketpair between them; with -t the
 *                         parent writes 1 KiB into the pipe every 50 ms and the child drains it
 *                         every 700 ms, so the fill grows and shrinks between two snapshots:
 *                         the evidence of traffic the map animates without counted rates (a
 *                         pipe read as fast as it is written shows none). Prints "PARENT CHILD".
 *   topo_pair sysv        a System V message queue (the parent sent 3 messages of 64 bytes,
 *                         the child received one) and a segment attached by both. Prints
 *                         "PARENT CHILD MSGID SHMID".
 *
 * Objects are IPC_PRIVATE. Runs until SIGTERM, SIGINT or SIGHUP (or end-of-file on stdin when
 * stdin is a pipe), then removes its objects (one the test removed already is fine), kills and
 * reaps the child and exits 0. The child dies with the parent (PR_SET_PDEATHSIG). Start it with
 * stdin, stdout and stderr on files or /dev/null: a pipe to the test's shell would be one more
 * channel on the map.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int signo)
{
	(void)signo;
	stop = 1;
}

struct msg {
	long type;
	char text[64];
};

static void die(const char *what)
{
	fprintf(stderr, "topo_pair: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The child's side: hold everything, read the pipe when there is traffic. */
static void child_loop(int rd, bool traffic)
{
	char buf[4096];

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		if (traffic) {
			/* drain what came in the last 700 ms (about 14 KiB: far from full) */
			usleep(700000);
			for (;;) {
				ssize_t n = read(rd, buf, sizeof(buf));

				if (n == 0)
					_exit(0);
				if (n < 0 || n < (ssize_t)sizeof(buf))
					break;
			}
		} else {
			pause();
		}
	}
}

int main(int argc, char **argv)
{
	bool sysv = argc > 1 && strcmp(argv[1], "sysv") == 0;
	bool traffic = argc > 2 && strcmp(argv[2], "-t") == 0;
	int p[2] = { -1, -1 }, s[2] = { -1, -1 }, msgid = -1, shmid = -1;
	struct sigaction sa;
	pid_t child;
	char buf[1024];
	struct stat st;
	bool watch_stdin;

	if (argc < 2 || (!sysv && strcmp(argv[1], "chan") != 0)) {
		fprintf(stderr, "usage: topo_pair chan [-t] | sysv\n");
		return 2;
	}
	/* descriptors inherited from the test's environment (make's jobserver pipe, ...) would
	 * be more channels on the map: keep only stdio */
	close_range(3, ~0U, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (sysv) {
		msgid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
		shmid = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		if (msgid < 0 || shmid < 0)
			die("msgget/shmget");
		if (shmat(shmid, NULL, 0) == (void *)-1)
			die("shmat");
	} else if (pipe(p) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, s) < 0) {
		die("pipe/socketpair");
	}
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		if (sysv) {
			struct msg m;

			/* the segment is inherited attached; receive one message */
			if (msgrcv(msgid, &m, sizeof(m.text), 0, 0) < 0)
				_exit(1);
			child_loop(-1, false);
		}
		close(p[1]);
		close(s[0]);
		child_loop(p[0], traffic);
	}
	if (sysv) {
		struct msg m = { .type = 1 };

		memset(m.text, 'm', sizeof(m.text));
		for (int i = 0; i < 3; i++)
			if (msgsnd(msgid, &m, sizeof(m.text), 0) < 0)
				die("msgsnd");
		/* wait until the child has taken its message: 2 left */
		for (int i = 0; i < 400; i++) {
			struct msqid_ds ds;

			if (msgctl(msgid, IPC_STAT, &ds) == 0 && ds.msg_qnum == 2)
				break;
			usleep(10000);
		}
		printf("%d %d %d %d\n", (int)getpid(), (int)child, msgid, shmid);
	} else {
		close(p[0]);
		close(s[1]);
		printf("%d %d\n", (int)getpid(), (int)child);
	}
	fflush(stdout);
	memset(buf, 'x', sizeof(buf));
	watch_stdin = fstat(STDIN_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
	while (!stop) {
		struct pollfd pfd = { .fd = watch_stdin ? STDIN_FILENO : -1, .events = POLLIN };
		int n = poll(&pfd, 1, traffic ? 50 : -1);

		if (n > 0 && (read(STDIN_FILENO, buf, sizeof(buf)) <= 0))
			break;	/* end of file (or error): the test is done */
		if (traffic && write(p[1], buf, sizeof(buf)) < 0 && errno != EINTR)
			break;
	}
	if (msgid >= 0)
		msgctl(msgid, IPC_RMID, NULL);	/* EINVAL: the test removed it already */
	if (shmid >= 0)
		shmctl(shmid, IPC_RMID, NULL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}
