/*
 * actions.c - sending a signal and removing an IPC object on the user's behalf (see
 * actions.h).
 *
 * Invariants: one process at a time; kill(2) with pid <= 0 would reach a whole process group
 * or every process, which a dashboard key must never do. One object at a time, and a System V
 * id is only removed while it still names the object the user confirmed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "src/actions.h"

int action_send_signal(pid_t pid, int signo)
{
	if (pid <= 0 || signo < 0 || signo > SIGRTMAX)
		return -EINVAL;
	if (kill(pid, signo) < 0)
		return -errno;
	return 0;
}

size_t action_signal_list(int *out, size_t cap)
{
	size_t n = 0;

	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		if (sig > SIGSYS && sig < SIGRTMIN)
			continue;
		if (n < cap)
			out[n] = sig;
		n++;
	}
	return n;
}

/* ---- removing IPC objects ---- */

/* The same object as the user saw? IPC_STAT refused (no read permission) is no answer: the
 * removal itself then decides. */
static int same_object(const struct ipc_perm *p, int32_t key, uid_t cuid)
{
	return (int32_t)p->__key == key && p->cuid == cuid ? 0 : -ESTALE;
}

int action_remove_msgq(int id, int32_t key, uid_t cuid)
{
	struct msqid_ds ds;

	if (id < 0)
		return -EINVAL;
	if (msgctl(id, IPC_STAT, &ds) == 0 && same_object(&ds.msg_perm, key, cuid) < 0)
		return -ESTALE;
	return msgctl(id, IPC_RMID, NULL) < 0 ? -errno : 0;
}

int action_remove_shm(int id, int32_t key, uid_t cuid)
{
	struct shmid_ds ds;

	if (id < 0)
		return -EINVAL;
	if (shmctl(id, IPC_STAT, &ds) == 0 && same_object(&ds.shm_perm, key, cuid) < 0)
		return -ESTALE;
	return shmctl(id, IPC_RMID, NULL) < 0 ? -errno : 0;
}

int action_remove_sem(int id, int32_t key, uid_t cuid)
{
	struct semid_ds ds;

	if (id < 0)
		return -EINVAL;
	if (semctl(id, 0, IPC_STAT, &ds) == 0 && same_object(&ds.sem_perm, key, cuid) < 0)
		return -ESTALE;
	return semctl(id, 0, IPC_RMID) < 0 ? -errno : 0;
}

/* "/name" for the POSIX calls; -EINVAL for an empty name or one with a '/'. */
static int posix_name(const char *name, char *buf, size_t len)
{
	if (!name || !*name || strchr(name, '/') || snprintf(buf, len, "/%s", name) >= (int)len)
		return -EINVAL;
	return 0;
}

int action_remove_pmq(const char *name)
{
	char n[NAME_MAX + 2];

	if (posix_name(name, n, sizeof(n)) < 0)
		return -EINVAL;
	return mq_unlink(n) < 0 ? -errno : 0;
}

int action_remove_pshm(const char *name)
{
	char n[NAME_MAX + 2];

	if (posix_name(name, n, sizeof(n)) < 0)
		return -EINVAL;
	return shm_unlink(n) < 0 ? -errno : 0;
}

int action_remove_psem(const char *name)
{
	char n[NAME_MAX + 2];

	if (posix_name(name, n, sizeof(n)) < 0)
		return -EINVAL;
	return sem_unlink(n) < 0 ? -errno : 0;
}
