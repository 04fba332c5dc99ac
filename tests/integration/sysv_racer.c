/*
 * sysv_racer.c - System V objects for the hostile-conditions tests (IPC_PRIVATE only).
 *
 *   sysv_racer hold MODE LOG
 *       Creates one of each kind with permission bits MODE (octal): a message queue holding
 *       one 123-byte message, a 8192-byte segment it keeps attached, a set of 3 semaphores
 *       with values 7 8 9. Prints "ready PID msg ID shm ID sem ID", then waits.
 *   sysv_racer race SECONDS MODE LOG
 *       For SECONDS, creates and removes objects in a tight loop: each round a queue (then
 *       one 123-byte message into it), a segment (attached, marked IPC_RMID while attached,
 *       then detached) and a 3-semaphore set (then SETALL 7 8 9); up to 64 queues and sets stay
 *       alive, the oldest removed first. Prints "ready PID" when running and "rounds N" when
 *       done.
 *
 * Every id created is appended to LOG as "msg ID", "shm ID" or "sem ID" (one a line, written
 * at once, so a test can tell its objects from others). Stops on SIGTERM/SIGINT/SIGHUP or when
 * its parent dies (PR_SET_PDEATHSIG), and in every case removes everything it created before
 * exiting 0. Values a reader may see for these objects: a queue with 0 or 1 message (bytes
 * 0 or 123), last sender 0 or this process; a segment of 8192 bytes created by this process,
 * attached 0 or 1 times; semaphores 0 0 0 (just created) or 7 8 9, no waiters.
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
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#define RING 64
#define MSG_BYTES 123
#define SHM_BYTES 8192
#define NSEMS 3

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Live ids of one kind, oldest first. */
struct ring {
	int id[RING];
	int n;
};

static FILE *logf_;

static void log_id(const char *kind, int id)
{
	fprintf(logf_, "%s %d\n", kind, id);
	fflush(logf_);
}

static void rm_msg(int id) { msgctl(id, IPC_RMID, NULL); }
static void rm_shm(int id) { shmctl(id, IPC_RMID, NULL); }
static void rm_sem(int id) { semctl(id, 0, IPC_RMID); }

static void ring_push(struct ring *r, int id, void (*rm)(int))
{
	if (r->n == RING) {
		rm(r->id[0]);
		memmove(r->id, r->id + 1, (RING - 1) * sizeof(int));
		r->n--;
	}
	r->id[r->n++] = id;
}

static void ring_clear(struct ring *r, void (*rm)(int))
{
	for (int i = 0; i < r->n; i++)
		rm(r->id[i]);
	r->n = 0;
}

static int make_msg(int mode)
{
	struct {
		long mtype;
		char text[MSG_BYTES];
	} m = { .mtype = 1 };
	int id = msgget(IPC_PRIVATE, IPC_CREAT | mode);

	if (id < 0)
		return -1;
	log_id("msg", id);
	memset(m.text, 'x', sizeof(m.text));
	msgsnd(id, &m, sizeof(m.text), IPC_NOWAIT);
	return id;
}

/* Creates a segment and attaches it: *addr the mapping. */
static int make_shm(int mode, void **addr)
{
	int id = shmget(IPC_PRIVATE, SHM_BYTES, IPC_CREAT | mode);

	if (id < 0)
		return -1;
	log_id("shm", id);
	*addr = shmat(id, NULL, SHM_RDONLY);
	return id;
}

static int make_sem(int mode)
{
	unsigned short vals[NSEMS] = { 7, 8, 9 };
	union semun arg = { .array = vals };
	int id = semget(IPC_PRIVATE, NSEMS, IPC_CREAT | mode);

	if (id < 0)
		return -1;
	log_id("sem", id);
	semctl(id, 0, SETALL, arg);
	return id;
}

static int hold(int mode)
{
	void *addr = (void *)-1;
	int msg = make_msg(mode), shm = make_shm(mode, &addr), sem = make_sem(mode);
	sigset_t none, stops;

	/* blocked until sigsuspend, so a signal between the test of stop and the wait is not lost */
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGHUP);
	sigprocmask(SIG_BLOCK, &stops, NULL);

	if (msg < 0 || shm < 0 || sem < 0 || addr == (void *)-1) {
		perror("sysv_racer: create");
		stop = 1;
	} else {
		printf("ready %d msg %d shm %d sem %d\n", (int)getpid(), msg, shm, sem);
		fflush(stdout);
	}
	sigemptyset(&none);
	while (!stop)
		sigsuspend(&none);
	if (addr != (void *)-1)
		shmdt(addr);
	if (msg >= 0)
		rm_msg(msg);
	if (shm >= 0)
		rm_shm(shm);
	if (sem >= 0)
		rm_sem(sem);
	return msg < 0 || shm < 0 || sem < 0;
}

static int race(double seconds, int mode)
{
	struct ring msgs = { .n = 0 }, sems = { .n = 0 };
	double end = now_mono() + seconds;
	long rounds = 0;
	int failures = 0;

	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	while (!stop && now_mono() < end) {
		void *addr = (void *)-1;
		int id;

		id = make_msg(mode);
		if (id >= 0)
			ring_push(&msgs, id, rm_msg);
		else
			failures++;
		/* a segment lives one round: removed while attached (destroy pending), then
		 * detached, which destroys it */
		id = make_shm(mode, &addr);
		if (id >= 0) {
			rm_shm(id);
			if (addr != (void *)-1)
				shmdt(addr);
		} else {
			failures++;
		}
		id = make_sem(mode);
		if (id >= 0)
			ring_push(&sems, id, rm_sem);
		else
			failures++;
		rounds++;
		if (failures > 1000)
			break;	/* limits reached: say so below */
	}
	ring_clear(&msgs, rm_msg);
	ring_clear(&sems, rm_sem);
	printf("rounds %ld failures %d\n", rounds, failures);
	return failures > 1000;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "hold") == 0 ? argc != 4 : argc != 5) ||
	    (strcmp(argv[1], "hold") && strcmp(argv[1], "race"))) {
		fprintf(stderr, "usage: sysv_racer hold MODE LOG | race SECONDS MODE LOG\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		return 1;	/* the test is already gone */
	logf_ = fopen(argv[argc - 1], "a");
	if (!logf_) {
		perror(argv[argc - 1]);
		return 1;
	}
	if (strcmp(argv[1], "hold") == 0)
		rc = hold((int)strtol(argv[2], NULL, 8) & 0777);
	else
		rc = race(atof(argv[2]), (int)strtol(argv[3], NULL, 8) & 0777);
	fclose(logf_);
	return rc;
}
