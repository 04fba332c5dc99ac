/*
 * actions.h - the few things ipctop does to the system, only ever on the user's confirmed
 * request from the dashboard (observing never disturbs: see ../shared/CONCEPTS.md).
 *
 * Errors are returned, never hidden or printed: the caller shows strerror(-rc).
 */
#ifndef IPCTOP_ACTIONS_H
#define IPCTOP_ACTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Sends signal signo (any of 1..SIGRTMAX, real-time ones included; 0 only checks that the
 * process exists and may be signalled) to the one process pid. Returns 0 or -errno: -EINVAL for
 * pid <= 0 (never a process group or "every process") or a signal number out of range,
 * -ESRCH, -EPERM as kill(2) says. */
int action_send_signal(pid_t pid, int signo);

/*
 * A process to signal, held by a pidfd taken when the user picked it, so that a pid reused
 * by another process later can never be reached (the dashboard's k).
 */
struct action_target {
	int pidfd;		/* -1: none */
	pid_t pid;
	unsigned long long start_ticks;
};

/* Opens pid with a pidfd and checks that it is still the process that started at
 * start_ticks (clock ticks after boot, as /proc/PID/stat field 22 says) - the start time is
 * read after the pidfd is taken, and the pidfd still names a live process afterwards, so
 * the time read is that process's. 0; -ESRCH it is gone; -ESTALE the pid belongs to another
 * process now; -EINVAL pid <= 0; other -errno (pidfd_open). t->pidfd is -1 on failure. */
int action_target_open(struct action_target *t, pid_t pid, unsigned long long start_ticks);
/* Sends signo (1..SIGRTMAX) through the pidfd (pidfd_send_signal): 0; -ESRCH when that
 * process has exited (even if its pid is in use again); -EPERM; -EBADF without a pidfd. */
int action_target_signal(const struct action_target *t, int signo);
void action_target_close(struct action_target *t);

/* The signal numbers to offer in a picker, in order, as `kill -l` lists them: 1..31 and
 * SIGRTMIN..SIGRTMAX (32 and 33 are the C library's own, though action_send_signal takes
 * them too). Writes up to cap numbers and returns how many there are. */
size_t action_signal_list(int *out, size_t cap);

/*
 * Removing an IPC object (the dashboard's x, after a confirmation that says what is lost).
 * Each returns 0 or -errno as the system call reports it (-EPERM, -EACCES, -EINVAL or
 * -EIDRM when the object is already gone, ...), or -ESTALE when the id or name no longer
 * names the object the user confirmed: then nothing is removed.
 *
 * System V (IPC_RMID): id is the object the user saw, with its key, creator uid and ctime
 * (seconds, as the snapshot has them). IPC_STAT is read right before IPC_RMID: a different
 * key, creator or ctime means the id names another object (ids are reused, also by the same
 * creator with the same key): -ESTALE; an object that cannot be checked (IPC_STAT refused)
 * is not removed either (-EACCES). A queue's messages are discarded and blocked senders and
 * receivers get EIDRM; a segment is only marked and goes when the last process detaches; a
 * semaphore set's waiters get EIDRM.
 */
int action_remove_msgq(int id, int32_t key, uid_t cuid, int64_t ctime);
int action_remove_shm(int id, int32_t key, uid_t cuid, int64_t ctime);
int action_remove_sem(int id, int32_t key, uid_t cuid, int64_t ctime);

/*
 * POSIX objects are files: /dev/mqueue/NAME, /dev/shm/NAME, /dev/shm/sem.NAME (NAME without
 * the leading '/'; -EINVAL for an empty name or one with a '/'). Their identity is taken
 * when the page opens and checked again right before the unlink: the name opened with
 * O_PATH | O_NOFOLLOW (never following a link, never opening a FIFO), fstat'ed, and the
 * name looked up again (no symlink) just before unlinkat - same device, inode and owner, a
 * regular file. A queue, when /dev/mqueue is not the mqueue file system, is checked through
 * mq_open(O_RDONLY | O_NONBLOCK) and fstat instead (its directory is sticky). The name goes at
 * once, the object when the last process closes or unmaps it.
 */
enum action_posix_kind { ACTION_PMQ, ACTION_PSHM, ACTION_PSEM };

struct action_posix_id {
	dev_t dev;
	ino_t ino;
	uid_t uid;
	gid_t gid;
	mode_t mode;		/* permission bits */
};

/* The object name names now: 0; -ENOENT; -EINVAL when it is not a regular file (a link,
 * a FIFO, a directory planted under that name). */
int action_posix_identify(enum action_posix_kind kind, const char *name, struct action_posix_id *out);
/* Unlinks name only while it still is want. */
int action_remove_posix(enum action_posix_kind kind, const char *name, const struct action_posix_id *want);

#endif
