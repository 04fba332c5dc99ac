/*
 * test_actions_remove.c - removing IPC objects (src/actions.c), on real objects the test makes
 * (IPC_PRIVATE, and POSIX names unique to this run): each System V kind is removed and gone;
 * an id whose key or creator no longer match is not touched (-ESTALE); removing twice says
 * the object is gone; POSIX queues, shared memory and semaphores are unlinked, and a bad name
 * is refused. Everything made here is removed here, whatever happens.
 *
 * Reuse (issue 11): a System V id reused by the same creator with the same key (forced with
 * msg_next_id in a private IPC namespace, root only) differs in ctime and is not removed; a
 * POSIX name unlinked and made again (a new inode), or replaced by a symlink, is not removed
 * with the identity taken before; the page's identity comes from O_PATH | O_NOFOLLOW.
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
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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
	struct semid_ds smd;
	int64_t qc, mc, sc;

	CU_ASSERT_TRUE_FATAL(q >= 0 && m >= 0 && s >= 0);
	CU_ASSERT_EQUAL_FATAL(msgctl(q, IPC_STAT, &qd), 0);
	CU_ASSERT_EQUAL_FATAL(shmctl(m, IPC_STAT, &sd), 0);
	CU_ASSERT_EQUAL_FATAL(semctl(s, 0, IPC_STAT, &smd), 0);
	qc = qd.msg_ctime;
	mc = sd.shm_ctime;
	sc = smd.sem_ctime;
	/* another object's identity: refused, nothing removed */
	CU_ASSERT_EQUAL(action_remove_msgq(q, 1234, me, qc), -ESTALE);
	CU_ASSERT_EQUAL(action_remove_shm(m, 0, me + 1, mc), -ESTALE);
	CU_ASSERT_EQUAL(action_remove_sem(s, 99, me, sc), -ESTALE);
	CU_ASSERT_EQUAL(action_remove_msgq(q, 0, me, qc - 1), -ESTALE);	/* made at another time */
	CU_ASSERT_EQUAL(msgctl(q, IPC_STAT, &qd), 0);

	CU_ASSERT_EQUAL(action_remove_msgq(q, 0, me, qc), 0);
	CU_ASSERT_EQUAL(action_remove_shm(m, 0, me, mc), 0);
	CU_ASSERT_EQUAL(action_remove_sem(s, 0, me, sc), 0);
	CU_ASSERT_EQUAL(msgctl(q, IPC_STAT, &qd), -1);
	CU_ASSERT_EQUAL(shmctl(m, IPC_STAT, &sd), -1);	/* not attached: destroyed at once */
	CU_ASSERT_EQUAL(semctl(s, 0, GETVAL), -1);
	/* again: gone */
	CU_ASSERT_TRUE(action_remove_msgq(q, 0, me, qc) < 0);
	CU_ASSERT_TRUE(action_remove_sem(s, 0, me, sc) < 0);
	CU_ASSERT_EQUAL(action_remove_msgq(-1, 0, me, 0), -EINVAL);

	/* cleanup if an assertion above failed */
	msgctl(q, IPC_RMID, NULL);
	shmctl(m, IPC_RMID, NULL);
	semctl(s, 0, IPC_RMID);
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = (ssize_t)strlen(text);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, (size_t)n) == n;
	close(fd);
	return ok ? 0 : -1;
}

/* In a private IPC namespace: queue A (IPC_PRIVATE) seen by the page, removed by its owner;
 * queue B made by the same creator with the same key gets A's id (msg_next_id), a second
 * later. Returns a bit mask of failed checks. */
static int sysv_reuse_in_namespace(void)
{
	struct msqid_ds ds;
	time_t t0;
	int a, b, rc = 0;
	int64_t a_ctime;
	char next[32];

	if (unshare(CLONE_NEWIPC) < 0)
		return 1;
	a = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (a < 0 || msgctl(a, IPC_STAT, &ds) < 0)
		return 1;
	a_ctime = ds.msg_ctime;
	msgctl(a, IPC_RMID, NULL);
	for (t0 = time(NULL); time(NULL) == t0;) {	/* ctime has one-second steps */
		struct timespec ms = { 0, 20 * 1000 * 1000 };

		nanosleep(&ms, NULL);
	}
	snprintf(next, sizeof(next), "%d", a);
	if (write_text("/proc/sys/kernel/msg_next_id", next) < 0)
		return 1;
	b = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (b != a)
		rc |= 2;	/* the id was not reused */
	if (action_remove_msgq(a, 0, geteuid(), a_ctime) != -ESTALE)
		rc |= 4;	/* same id, key and creator: only ctime tells */
	if (msgctl(b, IPC_STAT, &ds) < 0)
		rc |= 8;	/* B must still be there */
	msgctl(b, IPC_RMID, NULL);
	return rc;
}

static void test_sysv_reuse(void)
{
	pid_t pid;
	int status = -1;

	if (geteuid() != 0) {
		test_skip("needs root for a private IPC namespace");
		return;
	}
	pid = fork();
	CU_ASSERT_TRUE_FATAL(pid >= 0);
	if (pid == 0)
		_exit(sysv_reuse_in_namespace());
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT_TRUE(WIFEXITED(status));
	CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
}

static void test_posix_reuse(void)
{
	struct action_posix_id id, id2;
	char name[64], slash[80], path[128], other[128];
	struct stat st;
	int fd;

	snprintf(name, sizeof(name), "ipctop-test-reuse-%d", (int)getpid());
	snprintf(slash, sizeof(slash), "/%s", name);
	snprintf(path, sizeof(path), "/dev/shm/%s", name);
	fd = shm_open(slash, O_CREAT | O_EXCL | O_RDWR, 0640);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(action_posix_identify(ACTION_PSHM, name, &id), 0);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(id.ino, st.st_ino);
	CU_ASSERT_EQUAL(id.uid, geteuid());
	CU_ASSERT_EQUAL(id.mode, 0640);

	/* the name made again: a new inode, not removed with the old identity */
	shm_unlink(slash);
	fd = shm_open(slash, O_CREAT | O_EXCL | O_RDWR, 0600);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL(action_remove_posix(ACTION_PSHM, name, &id), -ESTALE);
	CU_ASSERT_EQUAL(access(path, F_OK), 0);
	CU_ASSERT_EQUAL(action_posix_identify(ACTION_PSHM, name, &id2), 0);
	CU_ASSERT_EQUAL(action_remove_posix(ACTION_PSHM, name, &id2), 0);
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	CU_ASSERT_EQUAL(action_remove_posix(ACTION_PSHM, name, &id2), -ENOENT);

	/* the name replaced by a symlink to the object: never followed, not removed */
	snprintf(other, sizeof(other), "/dev/shm/%s-target", name);
	fd = open(other, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL(action_posix_identify(ACTION_PSHM, strrchr(other, '/') + 1, &id), 0);
	CU_ASSERT_EQUAL(symlink(other, path), 0);
	CU_ASSERT_EQUAL(action_posix_identify(ACTION_PSHM, name, &id2), -EINVAL);
	CU_ASSERT_EQUAL(action_remove_posix(ACTION_PSHM, name, &id), -ESTALE);
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	CU_ASSERT_EQUAL(access(other, F_OK), 0);
	unlink(path);
	unlink(other);
	CU_ASSERT_EQUAL(action_posix_identify(ACTION_PSHM, "a/b", &id), -EINVAL);
	CU_ASSERT_EQUAL(action_posix_identify(ACTION_PSHM, "..", &id), -EINVAL);
}

static void test_posix_mq(void)
{
	struct action_posix_id id;
	char name[64], slash[80];
	mqd_t mq;

	snprintf(name, sizeof(name), "ipctop-test-rm-%d", (int)getpid());
	snprintf(slash, sizeof(slash), "/%s", name);
	mq = access("/dev/mqueue", F_OK) == 0 ? mq_open(slash, O_CREAT | O_RDWR, 0600, NULL)
					       : (mqd_t)-1;
	if (mq == (mqd_t)-1) {
		test_skip("POSIX queues unavailable or /dev/mqueue not mounted: %s", strerror(errno));
		return;
	}
	mq_close(mq);
	CU_ASSERT_EQUAL(action_posix_identify(ACTION_PMQ, name, &id), 0);
	CU_ASSERT_EQUAL(action_remove_posix(ACTION_PMQ, name, &id), 0);
	CU_ASSERT_EQUAL(mq_open(slash, O_RDONLY), (mqd_t)-1);
	CU_ASSERT_EQUAL(action_remove_posix(ACTION_PMQ, name, &id), -ENOENT);
	mq_unlink(slash);
}

static void test_posix(void)
{
	struct action_posix_id id;
	char name[64], slash[80];
	int fd;
	sem_t *sem;

	snprintf(name, sizeof(name), "ipctop-test-rm-%d", (int)getpid());
	snprintf(slash, sizeof(slash), "/%s", name);

	fd = shm_open(slash, O_CREAT | O_RDWR, 0600);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL(action_posix_identify(ACTION_PSHM, name, &id), 0);
	CU_ASSERT_EQUAL(action_remove_posix(ACTION_PSHM, name, &id), 0);
	CU_ASSERT_EQUAL(shm_open(slash, O_RDONLY, 0), -1);
	CU_ASSERT_EQUAL(action_remove_posix(ACTION_PSHM, name, &id), -ENOENT);
	shm_unlink(slash);

	sem = sem_open(slash, O_CREAT, 0600, 1);
	CU_ASSERT_TRUE_FATAL(sem != SEM_FAILED);
	sem_close(sem);
	CU_ASSERT_EQUAL(action_posix_identify(ACTION_PSEM, name, &id), 0);
	CU_ASSERT_EQUAL(action_remove_posix(ACTION_PSEM, name, &id), 0);
	CU_ASSERT_EQUAL(sem_open(slash, 0), SEM_FAILED);
	CU_ASSERT_EQUAL(action_remove_posix(ACTION_PSEM, name, &id), -ENOENT);
	sem_unlink(slash);

	/* names that are not one object's */
	CU_ASSERT_EQUAL(action_remove_posix(ACTION_PSHM, "", &id), -EINVAL);
	CU_ASSERT_EQUAL(action_remove_posix(ACTION_PSHM, "a/b", &id), -EINVAL);
	CU_ASSERT_EQUAL(action_remove_posix(ACTION_PSEM, NULL, &id), -EINVAL);
}

void test_register(void)
{
	TEST_SUITE("actions_remove", NULL, NULL,
		   "System V: removed, stale ids refused", test_sysv,
		   "POSIX queue: unlinked", test_posix_mq,
		   "POSIX shm, semaphore: unlinked, bad names refused", test_posix,
		   "System V id reused by the same creator and key: not removed", test_sysv_reuse,
		   "POSIX name made again or a symlink: not removed", test_posix_reuse);
}
