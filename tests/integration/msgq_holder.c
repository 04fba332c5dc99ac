/*
 * msgq_holder.c - a test fixture: owns one System V message queue for as long as a test
 * needs it.
 *
 *   msgq_holder [COUNT SIZE]
 *
 * Creates a private queue (IPC_PRIVATE, mode 0600), puts COUNT messages of SIZE bytes in it
 * (type 1; default none), prints the queue id and a newline on stdout, then waits until its
 * stdin reaches end-of-file or it gets SIGTERM, SIGINT or SIGHUP (also sent when its parent
 * dies), and removes the queue before exiting. Exit status 0 when the queue was removed.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int signo)
{
	(void)signo;
	stop = 1;
}

int main(int argc, char **argv)
{
	long count = argc > 2 ? strtol(argv[1], NULL, 10) : 0;
	long size = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
	struct sigaction sa;
	struct {
		long mtype;
		char mtext[8192];
	} msg;
	char buf[256];
	int id, status = 0;

	/* descriptors inherited from make/the shell (e.g. make's jobserver pipe) would
	 * show up as this process's channels and link it to unrelated peers */
	close_range(3, ~0U, 0);

	if (count < 0 || size < 0 || (size_t)size > sizeof(msg.mtext)) {
		fprintf(stderr, "usage: msgq_holder [COUNT SIZE<=%zu]\n", sizeof(msg.mtext));
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: read() returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);

	id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (id < 0) {
		perror("msgget");
		return 1;
	}
	msg.mtype = 1;
	memset(msg.mtext, 'x', sizeof(msg.mtext));
	for (long i = 0; i < count && !stop; i++) {
		if (msgsnd(id, &msg, (size_t)size, IPC_NOWAIT) < 0) {
			perror("msgsnd");
			status = 1;
			break;
		}
	}
	if (status == 0) {
		printf("%d\n", id);
		fflush(stdout);
		while (!stop) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

			if (n == 0 || (n < 0 && errno != EINTR))
				break;
		}
	}
	if (msgctl(id, IPC_RMID, NULL) < 0) {
		perror("msgctl IPC_RMID");
		return 1;
	}
	return status;
}
