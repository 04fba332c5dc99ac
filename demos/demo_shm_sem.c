/*
 * demo_shm_sem.c - a bounded buffer in System V shared memory, guarded by three semaphores.
 *
 * shm-owner creates a segment holding a ring of 4 slots and a set of three semaphores:
 * empty (free slots, starts at 4), full (filled slots, starts at 0) and mutex (1). For the
 * first 12 items shm-producer is slow and shm-consumer fast, so the consumer sleeps in
 * P(full); for the next 12 it is the other way round: the buffer fills and the producer
 * sleeps in P(empty). When the producer is done, the owner marks the segment for removal
 * (IPC_RMID) while the consumer is still attached - it lives until the last detach - and
 * waits for full to reach zero (semzcnt) while the consumer drains the buffer. The
 * semaphore set goes too, and the story repeats with new objects.
 * Processes: shm-owner (top), shm-producer, shm-consumer.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "demos/demo_scenarios.h"

#define SLOTS 4
#define ITEMS 24
enum { SEM_EMPTY, SEM_FULL, SEM_MUTEX };

struct ring {
	int in, out;
	char slot[SLOTS][48];
};

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static int semval(int semid, int n)
{
	return semctl(semid, n, GETVAL);
}

static bool sem_op(struct demo_ctx *ctx, int semid, int n, int delta)
{
	struct sembuf op = { (unsigned short)n, (short)delta, n == SEM_MUTEX ? SEM_UNDO : 0 };

	while (semop(semid, &op, 1) < 0) {
		if (errno != EINTR) {
			demo_fail(ctx, "semop: %s", strerror(errno));
			return false;
		}
	}
	return true;
}

/* Speed of each side per phase: fast = half a step per item, slow = one and a half. */
static double pace(bool producer, int item)
{
	bool first_half = item <= ITEMS / 2;

	return producer == first_half ? 1.5 : 0.5;
}

static void producer(struct demo_ctx *ctx, int shmid, int semid, const char *ids)
{
	char objs[128];
	struct ring *r = shmat(shmid, NULL, 0);

	snprintf(objs, sizeof(objs), "%s,pid:%d", ids, (int)getpid());
	if (r == (void *)-1)
		_exit(demo_fail(ctx, "shm-producer: shmat: %s", strerror(errno)));
	demo_caption(ctx, objs, "shm-producer: shmat() mapped the segment into its address "
		     "space; nattch counts it. From now on it writes the ring directly, with no "
		     "system call.");
	for (int k = 1; k <= ITEMS; k++) {
		int slot;

		if (!demo_step_scaled(ctx, pace(true, k)))
			_exit(0);
		if (semval(semid, SEM_EMPTY) == 0)
			demo_caption(ctx, objs, "shm-producer: P(empty) with empty = 0 - every slot "
				     "is full, so semop() puts it to sleep; the kernel counts it in "
				     "semncnt until the consumer frees a slot.");
		if (!sem_op(ctx, semid, SEM_EMPTY, -1) || !sem_op(ctx, semid, SEM_MUTEX, -1))
			_exit(1);
		slot = r->in;
		snprintf(r->slot[slot], sizeof(r->slot[slot]), "item %d", k);
		r->in = (r->in + 1) % SLOTS;
		if (!sem_op(ctx, semid, SEM_MUTEX, 1) || !sem_op(ctx, semid, SEM_FULL, 1))
			_exit(1);
		demo_caption(ctx, objs, "shm-producer: P(empty), P(mutex), wrote \"item %d\" into "
			     "slot %d, V(mutex), V(full). Now empty = %d, full = %d.", k, slot,
			     semval(semid, SEM_EMPTY), semval(semid, SEM_FULL));
	}
	shmdt(r);
	demo_caption(ctx, objs, "shm-producer is done: shmdt() detaches the segment and it exits.");
	_exit(0);
}

static void consumer(struct demo_ctx *ctx, int shmid, int semid, const char *ids)
{
	char objs[128], item[48];
	struct ring *r = shmat(shmid, NULL, 0);

	snprintf(objs, sizeof(objs), "%s,pid:%d", ids, (int)getpid());
	if (r == (void *)-1)
		_exit(demo_fail(ctx, "shm-consumer: shmat: %s", strerror(errno)));
	demo_caption(ctx, objs, "shm-consumer: shmat() attached the same segment: both "
		     "processes now see the same physical memory.");
	for (int k = 1; k <= ITEMS; k++) {
		int slot;

		if (!demo_step_scaled(ctx, pace(false, k)))
			_exit(0);
		if (semval(semid, SEM_FULL) == 0)
			demo_caption(ctx, objs, "shm-consumer: P(full) with full = 0 - the buffer is "
				     "empty, so semop() puts it to sleep until the producer fills a "
				     "slot. (Shared memory itself never says that data arrived.)");
		if (!sem_op(ctx, semid, SEM_FULL, -1) || !sem_op(ctx, semid, SEM_MUTEX, -1))
			_exit(1);
		slot = r->out;
		snprintf(item, sizeof(item), "%s", r->slot[slot]);
		r->out = (r->out + 1) % SLOTS;
		if (!sem_op(ctx, semid, SEM_MUTEX, 1) || !sem_op(ctx, semid, SEM_EMPTY, 1))
			_exit(1);
		demo_caption(ctx, objs, "shm-consumer: P(full), P(mutex), took \"%s\" from slot %d, "
			     "V(mutex), V(empty). Now empty = %d, full = %d.", item, slot,
			     semval(semid, SEM_EMPTY), semval(semid, SEM_FULL));
	}
	if (!demo_step(ctx))
		_exit(0);
	shmdt(r);
	demo_caption(ctx, objs, "shm-consumer: shmdt(). It was the last process attached.");
	_exit(0);
}

static bool round_(struct demo_ctx *ctx, bool *first)
{
	unsigned short init[3] = { SLOTS, 0, 1 };
	union semun arg = { .array = init };
	char shm_id[32], sem_id[32], ids[64], objs[96], why[64];
	key_t key1, key2;
	pid_t kids[2];
	int shmid, semid, alive;
	bool marked = false;

	shmid = demo_shmget(ctx, 'm', sizeof(struct ring), &key1);
	if (shmid < 0) {
		demo_fail(ctx, "shmget: %s", strerror(-shmid));
		return false;
	}
	semid = demo_semget(ctx, 's', 3, &key2);
	if (semid < 0) {
		demo_fail(ctx, "semget: %s", strerror(-semid));
		return false;
	}
	snprintf(shm_id, sizeof(shm_id), "shm:%d", shmid);
	snprintf(sem_id, sizeof(sem_id), "sem:%d", semid);
	demo_object(ctx, shm_id, "ring buffer of 4 slots");
	demo_object(ctx, sem_id, "semaphores: empty, full, mutex");
	snprintf(ids, sizeof(ids), "%s,%s", shm_id, sem_id);
	snprintf(objs, sizeof(objs), "%s,pid:%d", ids, (int)getpid());
	demo_caption(ctx, objs, "shmget() created %s (%zu bytes, a ring of %d slots) and semget() "
		     "the set %s of three semaphores.", shm_id, sizeof(struct ring), SLOTS, sem_id);
	if (semctl(semid, 0, SETALL, arg) < 0) {
		demo_fail(ctx, "semctl SETALL: %s", strerror(errno));
		return false;
	}
	demo_sysv_changed(ctx, REG_SEM, semid);
	demo_caption(ctx, objs, "semctl(SETALL): empty = %d (free slots), full = 0 (filled "
		     "slots), mutex = 1 (one process at a time in the ring).", SLOTS);
	if (*first) {
		demo_ready(ctx);
		*first = false;
	}
	for (int i = 0; i < 2; i++) {
		if (!demo_step(ctx))
			return false;
		kids[i] = demo_fork(ctx, i == 0 ? "shm-producer" : "shm-consumer", 0);
		if (kids[i] < 0) {
			demo_fail(ctx, "fork: %s", strerror(errno));
			return false;
		}
		if (kids[i] == 0) {
			if (i == 0)
				producer(ctx, shmid, semid, ids);
			else
				consumer(ctx, shmid, semid, ids);
		}
	}
	do {
		if (!demo_step(ctx))
			return false;
		alive = 0;
		for (int i = 0; i < 2; i++) {
			int st;

			if (kids[i] > 0 && demo_wait(kids[i], &st, WNOHANG) == kids[i]) {
				demo_caption(ctx, objs, "waitpid(): PID %d %s.", (int)kids[i],
					     demo_describe_status(st, why, sizeof(why)));
				kids[i] = -1;
			}
			alive += kids[i] > 0;
		}
		if (kids[0] < 0 && !marked) {
			struct shmid_ds ds;
			struct sembuf zero = { SEM_FULL, 0, 0 };

			marked = true;
			if (shmctl(shmid, IPC_RMID, NULL) < 0) {
				demo_fail(ctx, "shmctl IPC_RMID: %s", strerror(errno));
				return false;
			}
			demo_caption(ctx, objs, "shmctl(%s, IPC_RMID) only marks the segment: its key "
				     "becomes private, but it stays while anyone is attached "
				     "(nattch = %ld now). The last shmdt() destroys it.", shm_id,
				     shmctl(shmid, IPC_STAT, &ds) == 0 ? (long)ds.shm_nattch : -1L);
			if (!demo_step(ctx))
				return false;
			demo_caption(ctx, objs, "shm-owner: semop(full, 0) waits until full is zero - "
				     "until the consumer has emptied the buffer. The kernel counts it "
				     "in semzcnt (waiting for zero) while it sleeps; full = %d now.",
				     semval(semid, SEM_FULL));
			while (semop(semid, &zero, 1) < 0) {
				if (errno != EINTR) {
					demo_fail(ctx, "semop: %s", strerror(errno));
					return false;
				}
			}
			demo_caption(ctx, objs, "shm-owner's wait-for-zero returned: the buffer is "
				     "empty.");
		}
	} while (alive > 0);
	if (semctl(semid, 0, IPC_RMID) < 0) {
		demo_fail(ctx, "semctl IPC_RMID: %s", strerror(errno));
		return false;
	}
	demo_caption(ctx, objs, "semctl(%s, IPC_RMID) removes the semaphore set at once; the "
		     "segment went with the last detach.", sem_id);
	return demo_step(ctx);
}

int demo_shm_sem_run(struct demo_ctx *ctx)
{
	bool first = true;

	demo_become(ctx, "shm-owner");
	for (;;)
		if (!round_(ctx, &first))
			return demo_stopping(ctx) ? 0 : 1;
}
