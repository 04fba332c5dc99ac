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
#include <time.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "src/actions.h"

#define MQUEUE_MAGIC 0x19800202	/* the mqueue file system (not in linux/magic.h) */

int action_send_signal(pid_t pid, int signo)
{
	if (pid <= 0 || signo < 0 || signo > SIGRTMAX)
		return -EINVAL;
	if (kill(pid, signo) < 0)
		return -errno;
	return 0;
}

/* ---- a process held by a pidfd ---- */

/* Start time (field 22 of /proc/PID/stat, after the comm that may hold any byte); -errno. */
static int start_ticks_of(pid_t pid, unsigned long long *out)
{
	char path[64], buf[1024], *p;
	int fd, field = 2;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ESRCH;
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	for (p++; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	if (field != 22 || sscanf(p, "%llu", out) != 1)
		return -EIO;
	return 0;
}

int action_target_open(struct action_target *t, pid_t pid, unsigned long long start_ticks)
{
	unsigned long long now;
	int fd, rc;

	t->pidfd = -1;
	t->pid = pid;
	t->start_ticks = start_ticks;
	if (pid <= 0)
		return -EINVAL;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return -errno;
	rc = start_ticks_of(pid, &now);
	/* still alive after the read: the time read was this pidfd's process */
	if (rc == 0 && syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) < 0)
		rc = errno == ESRCH ? -ESRCH : 0;
	if (rc == 0 && now != start_ticks)
		rc = -ESTALE;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	t->pidfd = fd;
	return 0;
}

int action_target_signal(const struct action_target *t, int signo)
{
	if (t->pidfd < 0)
		return -EBADF;
	if (signo < 1 || signo > SIGRTMAX)
		return -EINVAL;
	if (syscall(SYS_pidfd_send_signal, t->pidfd, signo, NULL, 0) < 0)
		return -errno;
	return 0;
}

void action_target_close(struct action_target *t)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->pidfd = -1;
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

/* The same object as the user saw? */
static int same_object(const struct ipc_perm *p, int32_t key, uid_t cuid, int64_t seen_ctime,
		       time_t ctime)
{
	return (int32_t)p->__key == key && p->cuid == cuid && (int64_t)ctime == seen_ctime
	       ? 0 : -ESTALE;
}

int action_remove_msgq(int id, int32_t key, uid_t cuid, int64_t ctime)
{
	struct msqid_ds ds;

	if (id < 0)
		return -EINVAL;
	if (msgctl(id, IPC_STAT, &ds) < 0)
		return -errno;
	if (same_object(&ds.msg_perm, key, cuid, ctime, ds.msg_ctime) < 0)
		return -ESTALE;
	return msgctl(id, IPC_RMID, NULL) < 0 ? -errno : 0;
}

int action_remove_shm(int id, int32_t key, uid_t cuid, int64_t ctime)
{
	struct shmid_ds ds;

	if (id < 0)
		return -EINVAL;
	if (shmctl(id, IPC_STAT, &ds) < 0)
		return -errno;
	if (same_object(&ds.shm_perm, key, cuid, ctime, ds.shm_ctime) < 0)
		return -ESTALE;
	return shmctl(id, IPC_RMID, NULL) < 0 ? -errno : 0;
}

int action_remove_sem(int id, int32_t key, uid_t cuid, int64_t ctime)
{
	struct semid_ds ds;

	if (id < 0)
		return -EINVAL;
	if (semctl(id, 0, IPC_STAT, &ds) < 0)
		return -errno;
	if (same_object(&ds.sem_perm, key, cuid, ctime, ds.sem_ctime) < 0)
		return -ESTALE;
	return semctl(id, 0, IPC_RMID) < 0 ? -errno : 0;
}

/* The directory and file name of a POSIX object; -EINVAL for a bad name. */
static int posix_path(enum action_posix_kind kind, const char *name, const char **dir,
		      char *file, size_t len)
{
	if (!name || !*name || strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return -EINVAL;
	*dir = kind == ACTION_PMQ ? "/dev/mqueue" : "/dev/shm";
	if (snprintf(file, len, "%s%s", kind == ACTION_PSEM ? "sem." : "", name) >= (int)len)
		return -EINVAL;
	return 0;
}

static void id_of(const struct stat *st, struct action_posix_id *out)
{
	out->dev = st->st_dev;
	out->ino = st->st_ino;
	out->uid = st->st_uid;
	out->gid = st->st_gid;
	out->mode = st->st_mode & 07777;
}

static bool same_posix(const struct stat *st, const struct action_posix_id *want)
{
	return S_ISREG(st->st_mode) && st->st_dev == want->dev && st->st_ino == want->ino &&
	       st->st_uid == want->uid;
}

/* Opens dir and, in it, file with O_PATH | O_NOFOLLOW, and fstats the file. */
static int posix_stat(const char *dir, const char *file, int *dirfd, struct stat *st)
{
	int fd;

	*dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		return -errno;
	fd = openat(*dirfd, file, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, st) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		close(*dirfd);
		*dirfd = -1;
		return -e;
	}
	close(fd);
	return S_ISREG(st->st_mode) ? 0 : -EINVAL;
}

/* /dev/mqueue is the mqueue file system (not mounted, or something else there: the queue is
 * looked up by name through mq_open instead). */
static bool mqueue_mounted(void)
{
	struct statfs sf;

	return statfs("/dev/mqueue", &sf) == 0 && sf.f_type == MQUEUE_MAGIC;
}

/* A queue by name, without /dev/mqueue: opened read-only and non-blocking (no message is
 * taken, nobody is woken), fstat'ed, closed. */
static int mq_stat(const char *name, struct stat *st)
{
	char path[NAME_MAX + 2];
	mqd_t q;
	int rc = 0;

	snprintf(path, sizeof(path), "/%s", name);
	q = mq_open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (q == (mqd_t)-1)
		return -errno;
	if (fstat((int)q, st) < 0)
		rc = -errno;
	mq_close(q);
	return rc;
}

int action_posix_identify(enum action_posix_kind kind, const char *name, struct action_posix_id *out)
{
	char file[NAME_MAX + 1];
	const char *dir;
	struct stat st;
	int dirfd, rc;

	memset(out, 0, sizeof(*out));
	if (posix_path(kind, name, &dir, file, sizeof(file)) < 0)
		return -EINVAL;
	if (kind == ACTION_PMQ && !mqueue_mounted()) {
		rc = mq_stat(name, &st);
		if (rc == 0)
			id_of(&st, out);
		return rc;
	}
	rc = posix_stat(dir, file, &dirfd, &st);
	if (dirfd >= 0)
		close(dirfd);
	if (rc == 0)
		id_of(&st, out);
	return rc;
}

int action_remove_posix(enum action_posix_kind kind, const char *name, const struct action_posix_id *want)
{
	char file[NAME_MAX + 1], slashed[NAME_MAX + 2];
	const char *dir;
	struct stat st;
	int dirfd, rc;

	if (posix_path(kind, name, &dir, file, sizeof(file)) < 0)
		return -EINVAL;
	if (kind == ACTION_PMQ && !mqueue_mounted()) {
		/* the queue's directory is sticky: only its owner (checked here) or root can
		 * unlink or replace the name between this check and mq_unlink */
		rc = mq_stat(name, &st);
		if (rc == 0 && !same_posix(&st, want))
			rc = -ESTALE;
		snprintf(slashed, sizeof(slashed), "/%s", file);
		if (rc == 0 && mq_unlink(slashed) < 0)
			rc = -errno;
		return rc;
	}
	rc = posix_stat(dir, file, &dirfd, &st);
	if (rc == -EINVAL)
		rc = -ESTALE;	/* something else (a link, a FIFO) took the name */
	if (rc == 0 && !same_posix(&st, want))
		rc = -ESTALE;
	/* the name once more, right before the unlink: still that inode */
	if (rc == 0 && fstatat(dirfd, file, &st, AT_SYMLINK_NOFOLLOW) < 0)
		rc = -errno;
	else if (rc == 0 && !same_posix(&st, want))
		rc = -ESTALE;
	if (rc == 0 && unlinkat(dirfd, file, 0) < 0)
		rc = -errno;
	if (dirfd >= 0)
		close(dirfd);
	return rc;
}
