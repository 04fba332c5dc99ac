/*
 * demo_registry.h - what a running demo made, written down so that only its own objects are
 * ever removed, even after the demo was killed with SIGKILL.
 *
 * Each demo has a private directory BASE/ROOTPID (BASE: $IPCTOP_DEMO_DIR, else
 * /run/ipctop-demos for root, else $XDG_RUNTIME_DIR/ipctop-demos, else
 * /tmp/ipctop-demos-UID). BASE must be the user's alone: a directory (not a symlink) owned by
 * the effective uid that nobody else may write; a shared or foreign BASE is refused. The
 * demo directory holds the demo's FIFOs, sockets and ftok() key file, and the file
 * "registry", created O_EXCL|O_NOFOLLOW by the conductor and then appended one line at a
 * time (O_APPEND|O_NOFOLLOW, one write per line) by every demo process:
 *
 *   ipctop-demo-registry 2          format header
 *   demo NAME
 *   root PID STARTTICKS             the conductor; STARTTICKS from /proc/PID/stat field 22
 *   start EPOCH                     seconds since the epoch when the demo started
 *   uid UID
 *   proc PID STARTTICKS ROLE        every demo process
 *   sysv KIND ID KEY CUID CTIME     written AFTER msgget/shmget/semget(KEY, IPC_CREAT|IPC_EXCL)
 *                                   succeeded (KIND msg|shm|sem); written again with the new
 *                                   CTIME after the demo's own IPC_SET/SETALL
 *   posix KIND NAME DEV INO UID     written AFTER mq_open/shm_open/sem_open(O_CREAT|O_EXCL)
 *                                   succeeded (KIND mq|shm|sem, NAME without '/', always
 *                                   "ipctop-demo-ROOTPID-...")
 *   file NAME DEV INO               a file the demo made in its directory (O_EXCL, mkfifo, bind)
 *
 * Nothing is written down before it was created exclusively, so nothing listed can be
 * someone else's object that existed before. Removal re-checks each identity right before
 * acting (src/actions.c): a process is signalled through a pidfd whose start time matches; a
 * SysV object only while id, key, creator and ctime match; a POSIX name and a file only
 * while device, inode (and owner) match, never through a symlink. No other file is ever
 * deleted: the directory goes only if nothing else is left in it. A demo whose root is still
 * alive (same start time) is never touched by cleanup.
 */
#ifndef IPCTOP_DEMO_REGISTRY_H
#define IPCTOP_DEMO_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define DEMO_REGISTRY_FILE "registry"
#define DEMO_POSIX_PREFIX "ipctop-demo-"

enum reg_sysv_kind { REG_MSG, REG_SHM, REG_SEM };
enum reg_posix_kind { REG_PMQ, REG_PSHM, REG_PSEM };

struct reg_proc {
	pid_t pid;
	unsigned long long start;
	char role[16];
};

struct reg_sysv {
	enum reg_sysv_kind kind;
	int id;
	int32_t key;
	uid_t cuid;
	int64_t ctime;		/* the last one the demo wrote down */
};

struct reg_posix {
	enum reg_posix_kind kind;
	char name[256];		/* without the leading '/' (and without "sem.") */
	unsigned long long dev, ino;
	uid_t uid;
};

struct reg_file {
	char name[64];		/* a plain name inside the demo directory */
	unsigned long long dev, ino;
};

struct demo_registry {
	char demo[32];
	pid_t root;
	unsigned long long root_start;
	int64_t start_time;	/* seconds since the epoch */
	uid_t uid;
	bool have_header, have_root, have_start, have_uid;
	struct reg_proc *procs;
	size_t n_procs;
	struct reg_sysv *sysv;
	size_t n_sysv;
	struct reg_posix *posix;
	size_t n_posix;
	struct reg_file *files;
	size_t n_files;
	size_t bad_lines;	/* lines that did not parse (ignored) */
};

/* Parses a registry file's text (buf need not be NUL-terminated). Returns 0, or -EINVAL
 * when the header is missing (not a registry); bad lines are counted and skipped. */
int demo_registry_parse(const char *buf, size_t len, struct demo_registry *out);
void demo_registry_fini(struct demo_registry *r);
const char *demo_registry_sysv_kind(enum reg_sysv_kind k);	/* "msg", "shm", "sem" */
const char *demo_registry_posix_kind(enum reg_posix_kind k);	/* "mq", "shm", "sem" */

/* The base directory into buf; with create, makes it (0700). Checks that it is the user's
 * alone (see demo_registry_own_dir). Returns 0 or -errno (-EPERM: shared or foreign, the
 * reason in why, if why is not NULL). */
int demo_registry_base(char *buf, size_t len, bool create, char *why, size_t why_len);
/* 0 when path is a directory, not a symlink, owned by the effective uid and writable by
 * nobody else; -ENOENT; -EPERM with the reason in why (may be NULL). */
int demo_registry_own_dir(const char *path, char *why, size_t why_len);

/* Starts DIR/registry (O_CREAT|O_EXCL|O_NOFOLLOW, 0600) with its header line. */
int demo_registry_create(const char *dir);
/* Appends one line (printf format, newline added) to the existing DIR/registry in a single
 * write (O_APPEND|O_NOFOLLOW, never creating it). Returns 0 or -errno.
 * Async-signal-unsafe (vsnprintf); used outside handlers only. */
int demo_registry_append(const char *dir, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Writes down the identity of what was just created exclusively: a SysV object (IPC_STAT
 * now), a POSIX object (its file, never followed), a file in dir (lstat). 0 or -errno. */
int demo_registry_note_sysv(const char *dir, enum reg_sysv_kind kind, int id);
int demo_registry_note_posix(const char *dir, enum reg_posix_kind kind, const char *name);
int demo_registry_note_file(const char *dir, const char *name);

/* Reads and parses DIR/registry. Returns 0 or -errno (-EINVAL: not a registry). */
int demo_registry_load(const char *dir, struct demo_registry *out);

/* Start time (/proc/PID/stat field 22) and state of a process. Returns 0 or -errno
 * (-ENOENT: no such process). state may be NULL. */
int demo_registry_proc_start(pid_t pid, unsigned long long *start, char *state);
/* A process with that pid and start time exists and is not a zombie. */
bool demo_registry_proc_alive(pid_t pid, unsigned long long start);

struct demo_cleanup_log {
	FILE *out;		/* failures are reported here (NULL: silent) */
	bool verbose;		/* also one line per thing removed or left */
	unsigned removed;	/* objects, files and processes removed */
	unsigned left;		/* left alone on purpose (not the demo's any more, running, ...) */
	unsigned failed;	/* could not be removed (the reason was printed to out) */
};

/*
 * Removes what the registry r of directory dir lists: kills its processes (skipping
 * `self`, verified by start time, then waits up to ~2 s for them to die), removes its
 * SysV and POSIX objects and its files (verified as above), the registry, and dir if it is
 * then empty.
 */
void demo_registry_remove(const char *dir, const struct demo_registry *r, pid_t self,
			  struct demo_cleanup_log *log);

/* The pieces of demo_registry_remove(), for the conductor's restart: kill the listed
 * processes (verified, skipping self), remove the objects, remove the listed files and the
 * registry (not the directory itself). */
void demo_registry_kill(const struct demo_registry *r, pid_t self, struct demo_cleanup_log *log);
void demo_registry_remove_objects(const struct demo_registry *r, struct demo_cleanup_log *log);
void demo_registry_remove_files(const char *dir, const struct demo_registry *r,
				struct demo_cleanup_log *log);

/* `ipctop demo cleanup`: every demo directory under the base whose root is gone. Returns
 * 0, or -errno when the base directory cannot be read (a missing base is not an error);
 * -EPERM when it is shared or foreign, the reason in why. */
int demo_registry_cleanup_all(struct demo_cleanup_log *log, char *why, size_t why_len);

#endif
