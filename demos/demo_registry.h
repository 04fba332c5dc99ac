/*
 * demo_registry.h - what a running demo made, written down so that only its own objects are
 * ever removed, even after the demo was killed with SIGKILL.
 *
 * Each demo has a private directory BASE/ROOTPID (BASE: $IPCTOP_DEMO_DIR, else
 * /run/ipctop-demos for root, else $XDG_RUNTIME_DIR/ipctop-demos, else
 * /tmp/ipctop-demos-UID). It holds the demo's FIFOs, sockets and ftok() key file, and the
 * file "registry", appended one line at a time (O_APPEND, one write per line) by every demo
 * process:
 *
 *   ipctop-demo-registry 1          format header
 *   demo NAME
 *   root PID STARTTICKS             the conductor; STARTTICKS from /proc/PID/stat field 22
 *   start EPOCH                     seconds since the epoch when the demo started
 *   uid UID
 *   proc PID STARTTICKS ROLE        every demo process
 *   sysv-key KIND KEY               written BEFORE msgget/shmget/semget(KEY, IPC_CREAT|IPC_EXCL)
 *   sysv KIND ID KEY                the object was created (KIND msg|shm|sem)
 *   sysv-failed KIND KEY            creating failed (e.g. EEXIST): the key is not ours
 *   posix KIND NAME                 written BEFORE mq_open/shm_open/sem_open (KIND mq|shm|sem,
 *                                   NAME without '/', always "ipctop-demo-ROOTPID-...")
 *
 * Removal checks identity first: a process is killed only if its start time still matches;
 * a SysV object is removed only if its key, creator uid and a change time not older than the
 * demo's start still match; a POSIX name only if it carries this demo's "ipctop-demo-ROOTPID-"
 * prefix; files only inside the private directory. A demo whose root is still alive (same
 * start time) is never touched by cleanup.
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
	int32_t key;
	int id;			/* -1: created (maybe) but the id was never written down */
	bool failed;		/* creation failed: the key belongs to someone else */
};

struct reg_posix {
	enum reg_posix_kind kind;
	char name[256];		/* without the leading '/' (and without "sem.") */
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
	size_t bad_lines;	/* lines that did not parse (ignored) */
};

/* Parses a registry file's text (buf need not be NUL-terminated). Returns 0, or -EINVAL
 * when the header is missing (not a registry); bad lines are counted and skipped. */
int demo_registry_parse(const char *buf, size_t len, struct demo_registry *out);
void demo_registry_fini(struct demo_registry *r);
const char *demo_registry_sysv_kind(enum reg_sysv_kind k);	/* "msg", "shm", "sem" */
const char *demo_registry_posix_kind(enum reg_posix_kind k);	/* "mq", "shm", "sem" */

/* The base directory into buf; with create, makes it (0700) and checks it is a directory
 * owned by us and not a symlink. Returns 0 or -errno. */
int demo_registry_base(char *buf, size_t len, bool create);

/* Appends one line (printf format, newline added) to DIR/registry in a single write.
 * Returns 0 or -errno. Async-signal-unsafe (vsnprintf); used outside handlers only. */
int demo_registry_append(const char *dir, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reads and parses DIR/registry. Returns 0 or -errno (-EINVAL: not a registry). */
int demo_registry_load(const char *dir, struct demo_registry *out);

/* Start time (/proc/PID/stat field 22) and state of a process. Returns 0 or -errno
 * (-ENOENT: no such process). state may be NULL. */
int demo_registry_proc_start(pid_t pid, unsigned long long *start, char *state);
/* A process with that pid and start time exists and is not a zombie. */
bool demo_registry_proc_alive(pid_t pid, unsigned long long start);

struct demo_cleanup_log {
	FILE *out;		/* failures are reported here (NULL: silent) */
	bool verbose;		/* also one line per thing removed */
	unsigned removed;	/* objects and processes removed */
	unsigned failed;	/* could not be removed (the reason was printed to out) */
};

/*
 * Removes what the registry r of directory dir lists: kills its processes (skipping
 * `self`, verified by start time, then waits up to ~2 s for them to die), removes its
 * SysV and POSIX objects (verified as above), then every file in dir and dir itself.
 */
void demo_registry_remove(const char *dir, const struct demo_registry *r, pid_t self,
			  struct demo_cleanup_log *log);

/* The pieces of demo_registry_remove(), for the conductor's restart: kill the listed
 * processes (verified, skipping self), remove the objects, empty the directory (its files,
 * not the directory itself). */
void demo_registry_kill(const struct demo_registry *r, pid_t self, struct demo_cleanup_log *log);
void demo_registry_remove_objects(const struct demo_registry *r, struct demo_cleanup_log *log);
void demo_registry_empty_dir(const char *dir, struct demo_cleanup_log *log);

/* `ipctop demo cleanup`: every demo directory under the base whose root is gone. Returns
 * 0, or -errno when the base directory cannot be read (a missing base is not an error). */
int demo_registry_cleanup_all(struct demo_cleanup_log *log);

#endif
