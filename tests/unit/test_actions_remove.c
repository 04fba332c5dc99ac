/*
 * test_actions_remove.c - removing IPC objects (src/actions.c), on real objects the test makes
 * (IPC_PRIVATE, and POSIX names unique to this run): each System V kind is removed and gone;
 * an id whose key or creator no longer match is not touched (-ESTALE); removing twice says
 * the object is gone; POSIX queues, shared memory and semaphores are unlinked, and a bad name
 * is refused. Everything made here is removed here, whatever happens.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "src/actions.h"
#include "tests/unit/testmain.h"

static void test_sysv(void)
{
	int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	int m = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	int s = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	uid_t me = geteuid();
	struct msqid_ds qd;
	struct shmid_ds sd;

	CU_ASSERT_TRUE_FATAL(q >= 0 && m >= 0 && s >= 0);
	/* another object's identity: refused, nothing removed */
	CU_ASSERT_EQUAL(action_remove_msgq(q, 1234, me), -ESTALE);
	CU_ASSERT_EQUAL(action_remove_shm(m, 0, me + 1), -ESTALE);
	CU_ASSERT_EQUAL(action_remove_sem(s, 99, me), -ESTALE);
	CU_ASSERT_EQUAL(msgctl(q, IPC_STAT, &qd), 0);

	CU_ASSERT_EQUAL(action_remove_msgq(q, 0, me), 0);
	CU_ASSERT_EQUAL(action_remove_shm(m, 0, me), 0);
	CU_ASSERT_EQUAL(action_remove_sem(s, 0, me), 0);
	CU_ASSERT_EQUAL(msgctl(q, IPC_STAT, &qd), -1);
	CU_ASSERT_EQUAL(shmctl(m, IPC_STAT, &sd), -1);	/* not attached: destroyed at once */
	CU_ASSERT_EQUAL(semctl(s, 0, GETVAL), -1);
	/* again: gone */
	CU_ASSERT_TRUE(action_remove_msgq(q, 0, me) < 0);
	CU_ASSERT_TRUE(action_remove_sem(s, 0, me) < 0);
	CU_ASSERT_EQUAL(action_remove_msgq(-1, 0, me), -EINVAL);

	/* cleanup if an assertion above failed */
	msgctl(q, IPC_RMID, NULL);
	shmctl(m, IPC_RMID, NULL);
	semctl(s, 0, IPC_RMID);
}

static void test_posix_mq(void)
{
	char name[64], slash[80];
	mqd_t mq;

	snprintf(name, sizeof(name), "ipctop-test-rm-%d", (int)getpid());
	snprintf(slash, sizeof(slash), "/%s", name);

	mq = mq_open(slash, O_CREAT | O_RDWR, 0600, NULL);
	if (mq == (mqd_t)-1) {
		test_skip("POSIX queues unavailable: %s", strerror(errno));
		return;
	}
	mq_close(mq);
	CU_ASSERT_EQUAL(action_remove_pmq(name), 0);
	CU_ASSERT_EQUAL(mq_open(slash, O_RDONLY), (mqd_t)-1);
	CU_ASSERT_EQUAL(action_remove_pmq(name), -ENOENT);
	mq_unlink(slash);
}

static void test_posix(void)
{
	char name[64], slash[80];
	int fd;
	sem_t *sem;

	snprintf(name, sizeof(name), "ipctop-test-rm-%d", (int)getpid());
	snprintf(slash, sizeof(slash), "/%s", name);

	fd = shm_open(slash, O_CREAT | O_RDWR, 0600);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL(action_remove_pshm(name), 0);
	CU_ASSERT_EQUAL(shm_open(slash, O_RDONLY, 0), -1);
	CU_ASSERT_EQUAL(action_remove_pshm(name), -ENOENT);
	shm_unlink(slash);

	sem = sem_open(slash, O_CREAT, 0600, 1);
	CU_ASSERT_TRUE_FATAL(sem != SEM_FAILED);
	sem_close(sem);
	CU_ASSERT_EQUAL(action_remove_psem(name), 0);
	CU_ASSERT_EQUAL(sem_open(slash, 0), SEM_FAILED);
	CU_ASSERT_EQUAL(action_remove_psem(name), -ENOENT);
	sem_unlink(slash);

	/* names that are not one object's */
	CU_ASSERT_EQUAL(action_remove_pshm(""), -EINVAL);
	CU_ASSERT_EQUAL(action_remove_pshm("a/b"), -EINVAL);
	CU_ASSERT_EQUAL(action_remove_psem(NULL), -EINVAL);
}

void test_register(void)
{
	TEST_SUITE("actions_remove", NULL, NULL,
		   "System V: removed, stale ids refused", test_sysv,
		   "POSIX queue: unlinked", test_posix_mq,
		   "POSIX shm, semaphore: unlinked, bad names refused", test_posix);
}
