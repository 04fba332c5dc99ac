/*
 * demo_deadlock.c - two deadlocks at once, for ipctop's wait-for graph to find.
 *
 * Pipes: dl-pipe-a writes to pipe A->B and reads B->A; dl-pipe-b the other way round. Both
 * insist on sending a 16 KiB message before reading anything, and each pipe holds 4 KiB
 * (F_SETPIPE_SZ): both sleep in write(), each waiting for the other to read.
 * Semaphores: a set of two binary semaphores; dl-sem-a takes 0 then wants 1, dl-sem-b takes
 * 1 then wants 0 (SEM_UNDO): both sleep in semop(), each holding what the other wants.
 * deadlock-main holds none of the objects. After a dozen steps it breaks both cycles by
 * killing dl-pipe-a and dl-sem-a: SEM_UNDO hands semaphore 0 back so dl-sem-b finishes, and
 * dl-pipe-b's write fails with SIGPIPE, which kills it. Then it all happens again.
 * Processes: deadlock-main (top), dl-pipe-a, dl-pipe-b, dl-sem-a, dl-sem-b.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "demos/demo_scenarios.h"

#define MESSAGE 16384
#define CHUNK 4096

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static void pipe_side(struct demo_ctx *ctx, int out, const char *me, const char *peer,
		      const char *out_id, const char *in_id)
{
	static char chunk[CHUNK];
	char objs[128];
	int sent = 0;

	snprintf(objs, sizeof(objs), "%s,%s,pid:%d", out_id, in_id, (int)getpid());
	memset(chunk, me[8], sizeof(chunk));
	demo_caption(ctx, objs, "%s will send a %d-byte message on %s before it reads anything "
		     "from %s.", me, MESSAGE, out_id, in_id);
	while (sent < MESSAGE) {
		int q = 0;
		ssize_t n;

		if (!demo_step(ctx))
			_exit(0);
		if (ioctl(out, FIONREAD, &q) == 0 && q + CHUNK > fcntl(out, F_GETPIPE_SZ))
			demo_caption(ctx, objs, "%s: write() on %s, which is full. The kernel puts "
				     "%s to sleep until %s reads - but %s is itself asleep writing "
				     "%s, waiting for %s to read. Neither can move: a deadlock.", me,
				     out_id, me, peer, peer, in_id, me);
		while ((n = write(out, chunk, sizeof(chunk))) < 0 && errno == EINTR)
			;
		if (n < 0)
			_exit(demo_fail(ctx, "%s: write: %s", me, strerror(errno)));
		sent += (int)n;
		demo_caption(ctx, objs, "%s wrote %zd bytes to %s (%d of %d sent).", me, n, out_id,
			     sent, MESSAGE);
	}
	_exit(0);	/* not reached while the peer deadlocks too */
}

static bool sem_take(int semid, int n)
{
	struct sembuf op = { (unsigned short)n, -1, SEM_UNDO };

	while (semop(semid, &op, 1) < 0)
		if (errno != EINTR)
			return false;
	return true;
}

static void sem_side(struct demo_ctx *ctx, int semid, const char *sem_id, const char *me,
		     const char *peer, int first, int second, double delay)
{
	char objs[64];
	struct sembuf rel[2] = { { 0, 1, SEM_UNDO }, { 1, 1, SEM_UNDO } };

	snprintf(objs, sizeof(objs), "%s,pid:%d", sem_id, (int)getpid());
	if (!demo_step_scaled(ctx, delay))
		_exit(0);
	if (!sem_take(semid, first))
		_exit(demo_fail(ctx, "%s: semop: %s", me, strerror(errno)));
	demo_caption(ctx, objs, "%s: semop(P(%d), SEM_UNDO) took semaphore %d of %s (now 0).", me,
		     first, first, sem_id);
	if (!demo_steps(ctx, 2))
		_exit(0);
	demo_caption(ctx, objs, "%s: semop(P(%d)) - semaphore %d is 0, held by %s, so the kernel "
		     "puts %s to sleep (semncnt). %s in turn waits for semaphore %d, which %s "
		     "holds: a deadlock.", me, second, second, peer, me, peer, first, me);
	if (!sem_take(semid, second))
		_exit(demo_fail(ctx, "%s: semop: %s", me, strerror(errno)));
	demo_caption(ctx, objs, "%s got semaphore %d at last, finishes its work and releases "
		     "both (V, V).", me, second);
	semop(semid, rel, 2);
	_exit(0);
}

static bool round_(struct demo_ctx *ctx, int semid, const char *sem_id, bool *first)
{
	int ab[2], ba[2];
	char ab_id[48], ba_id[48], objs[192], why[64];
	pid_t kids[4];
	static const char *const names[4] = { "dl-pipe-a", "dl-pipe-b", "dl-sem-a", "dl-sem-b" };

	if (pipe(ab) < 0 || pipe(ba) < 0) {
		demo_fail(ctx, "pipe: %s", strerror(errno));
		return false;
	}
	fcntl(ab[1], F_SETPIPE_SZ, CHUNK);
	fcntl(ba[1], F_SETPIPE_SZ, CHUNK);
	demo_fd_id(ab[0], "pipe", ab_id, sizeof(ab_id));
	demo_fd_id(ba[0], "pipe", ba_id, sizeof(ba_id));
	demo_object(ctx, ab_id, "dl-pipe-a -> dl-pipe-b");
	demo_object(ctx, ba_id, "dl-pipe-b -> dl-pipe-a");
	snprintf(objs, sizeof(objs), "%s,%s,%s,pid:%d", ab_id, ba_id, sem_id, (int)getpid());
	demo_caption(ctx, objs, "deadlock-main made two pipes of %d bytes each, %s (a to b) and "
		     "%s (b to a), and uses the semaphore set %s (two semaphores, both 1).", CHUNK,
		     ab_id, ba_id, sem_id);
	if (*first) {
		demo_ready(ctx);
		*first = false;
	}
	for (int i = 0; i < 4; i++) {
		kids[i] = demo_fork(ctx, names[i], 0);
		if (kids[i] < 0) {
			demo_fail(ctx, "fork: %s", strerror(errno));
			return false;
		}
		if (kids[i] == 0) {
			if (i >= 2) {
				close(ab[0]);
				close(ab[1]);
				close(ba[0]);
				close(ba[1]);
			}
			if (i == 0) {
				close(ab[0]);
				close(ba[1]);
				pipe_side(ctx, ab[1], "dl-pipe-a", "dl-pipe-b", ab_id, ba_id);
			} else if (i == 1) {
				close(ba[0]);
				close(ab[1]);
				pipe_side(ctx, ba[1], "dl-pipe-b", "dl-pipe-a", ba_id, ab_id);
			} else if (i == 2) {
				sem_side(ctx, semid, sem_id, "dl-sem-a", "dl-sem-b", 0, 1, 1.0);
			} else {
				sem_side(ctx, semid, sem_id, "dl-sem-b", "dl-sem-a", 1, 0, 1.5);
			}
			_exit(0);
		}
	}
	close(ab[0]);
	close(ab[1]);
	close(ba[0]);
	close(ba[1]);
	demo_caption(ctx, objs, "deadlock-main forked four processes and closed its own pipe ends: "
		     "it holds nothing the others wait for.");
	if (!demo_steps(ctx, 6))
		return false;
	demo_caption(ctx, objs, "Two cycles now: dl-pipe-a waits for dl-pipe-b, which waits for "
		     "dl-pipe-a; dl-sem-a waits for semaphore 1, held by dl-sem-b, which waits for "
		     "semaphore 0, held by dl-sem-a. The kernel will not break them; ipctop's "
		     "wait-for graph shows both.");
	if (!demo_steps(ctx, 10))
		return false;
	kill(kids[2], SIGKILL);
	demo_caption(ctx, objs, "deadlock-main breaks the semaphore cycle: kill(dl-sem-a, SIGKILL). "
		     "SEM_UNDO gives semaphore 0 back as dl-sem-a dies, so dl-sem-b gets it.");
	if (!demo_step(ctx))
		return false;
	kill(kids[0], SIGKILL);
	demo_caption(ctx, objs, "deadlock-main breaks the pipe cycle: kill(dl-pipe-a, SIGKILL) "
		     "closes its ends, so dl-pipe-b's write to %s, which has no reader left, "
		     "raises SIGPIPE and kills it.", ba_id);
	for (int i = 0; i < 4; i++) {
		int st;

		if (demo_wait(kids[i], &st, 0) < 0) {
			demo_fail(ctx, "waitpid: %s", strerror(errno));
			return false;
		}
		demo_caption(ctx, objs, "waitpid(): %s (PID %d) %s.", names[i], (int)kids[i],
			     demo_describe_status(st, why, sizeof(why)));
	}
	return demo_steps(ctx, 2);
}

int demo_deadlock_run(struct demo_ctx *ctx)
{
	unsigned short init[2] = { 1, 1 };
	union semun arg = { .array = init };
	char sem_id[32], objs[64];
	bool first = true;
	key_t key;
	int semid;

	demo_become(ctx, "deadlock-main");
	semid = demo_semget(ctx, 'd', 2, &key);
	if (semid < 0)
		return demo_fail(ctx, "semget: %s", strerror(-semid));
	snprintf(sem_id, sizeof(sem_id), "sem:%d", semid);
	demo_object(ctx, sem_id, "two binary semaphores");
	if (semctl(semid, 0, SETALL, arg) < 0)
		return demo_fail(ctx, "semctl SETALL: %s", strerror(errno));
	demo_sysv_changed(ctx, REG_SEM, semid);
	snprintf(objs, sizeof(objs), "%s,pid:%d", sem_id, (int)getpid());
	demo_caption(ctx, objs, "semget() made %s, two semaphores, and semctl(SETALL) set both to "
		     "1: each is a lock.", sem_id);
	for (;;)
		if (!round_(ctx, semid, sem_id, &first))
			return demo_stopping(ctx) ? 0 : 1;
}
