/*
 * snapshot.h - the immutable picture of a machine's processes and IPC at one instant.
 *
 * Probes write a snapshot through the builder functions below; snapshot_seal() then sorts
 * every array by its identity key and the snapshot never changes again. Everyone else
 * (analysis, diff, output, the UI) takes a `const struct snapshot *`.
 *
 * Invariants:
 * - Every string and small array hangs off the snapshot's arena; the last snapshot_unref() releases all.
 * - Every record has a stable identity (pid + start time, inode, SysV id, POSIX name) so that
 *   a later snapshot's record for the same object can be found (snapshot_find_*).
 * - A value that could not be read is SNAP_UNKNOWN (integers) or NULL (strings, arrays), and
 *   the reason is in errors[] (and, for a whole probe, in sources[]). Nothing is invented.
 * - Signal sets are bit masks: signal n is bit n-1 (as in /proc/<pid>/status).
 */
#ifndef IPCTOP_SNAPSHOT_H
#define IPCTOP_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "src/arena.h"

/* An integer that could not be read. All counts, sizes and ids are >= 0 when known. */
#define SNAP_UNKNOWN ((int64_t)-1)

/* ---- processes ------------------------------------------------------------------------ */

enum sigset_kind {
	SIGSET_PENDING,		/* thread pending (SigPnd) */
	SIGSET_SHARED_PENDING,	/* process-wide pending (ShdPnd) */
	SIGSET_BLOCKED,		/* SigBlk */
	SIGSET_IGNORED,		/* SigIgn */
	SIGSET_CAUGHT,		/* SigCgt */
	SIGSET_COUNT
};

enum wait_kind {
	WAIT_NONE,		/* running, or not blocked in anything we recognise as IPC */
	WAIT_PIPE_READ,
	WAIT_PIPE_WRITE,
	WAIT_FIFO_OPEN,
	WAIT_MSG_SEND,
	WAIT_MSG_RECV,
	WAIT_SEM_WAIT,
	WAIT_SOCKET_RECV,
	WAIT_SOCKET_SEND,
	WAIT_SOCKET_ACCEPT,
	WAIT_CHILD_WAIT,
	WAIT_SIGNAL_WAIT,
	WAIT_OTHER,		/* sleeping in something else: detail holds the wchan name */
	WAIT_KIND_COUNT
};

struct proc_wait {
	enum wait_kind kind;
	const char *object;	/* object id ("pipe:123", "msg:5", "pid:77"...) or NULL */
	const char *detail;	/* human detail ("fd 4", "type 3", "semnum 1", wchan) or NULL */
	/* Kind-specific number (src/waiting.c), SNAP_UNKNOWN if not known: sem_wait: the
	 * semaphore number in the set; child_wait without an object: the process group waited
	 * for (0 = any child). */
	int64_t arg;
	/* The thread in this wait: the pid for the main thread, another tid for one of the
	 * process's other threads (proc_rec.other_threads); 0 unknown. */
	pid_t tid;
};

/* One thread of a multi-threaded process other than its main one, read from
 * /proc/<pid>/task/<tid> (probes/proc_wait.c); the process's own wchan, syscall and state are
 * its main thread's. waiting is classified by src/waiting.c like a process's. */
struct thread_wait {
	pid_t tid;
	const char *comm;		/* "?" unknown */
	char state;			/* '?' unknown */
	const char *wchan;		/* NULL unknown or not sleeping */
	bool syscall_known;
	int64_t syscall_nr;		/* -1 not in a system call */
	uint64_t syscall_args[6];
	struct proc_wait waiting;	/* WAIT_NONE unless S or D */
};

struct proc_rec {
	pid_t pid;
	pid_t ppid;
	pid_t pgid;
	pid_t sid;
	unsigned long long start_ticks;	/* with pid: the identity (pid reuse changes it) */
	/* Where the running program's stack starts (/proc/<pid>/stat field 28): exec() builds a
	 * new stack, at a random address under ASLR, so a change is the evidence of an exec
	 * (src/diff.c). 0 unknown (no ptrace access, zombies, kernel threads). */
	unsigned long long stack_start;
	char state;			/* R S D T t Z X I P W K; '?' if unknown */
	const char *comm;		/* never NULL once collected ("?" if unknown) */
	const char *cmdline;		/* args joined by spaces; "" for kernel threads; NULL unknown */
	int64_t uid;			/* real uid, SNAP_UNKNOWN if unknown */
	int nthreads;			/* 0 if unknown */
	bool kthread;			/* kernel thread (child of kthreadd or no mm) */
	bool zombie;
	bool orphan;			/* re-parented to init or a subreaper */
	/* orphan unknown (JSON null): its parent is init or a subreaper and it leads its process
	 * group, which a process init started does too (a daemon); only a parent change seen
	 * across snapshots tells an adopted one (src/lifecycle.c). orphan is false then. */
	bool orphan_unknown;
	/* what it is blocked in could not be read (its syscall file refused: another user's
	 * process without ptrace access); waiting is WAIT_NONE then, and error says why */
	bool wait_unknown;
	pid_t original_ppid;		/* for orphans: the parent an earlier snapshot saw, 0 unknown */
	/* Zombies (src/lifecycle.c): when ipctop first saw it as a zombie (epoch seconds, 0 unknown);
	 * zombie_seen_alive: an earlier snapshot saw it alive, so it died within one interval
	 * before zombie_since (otherwise zombie_since is only a lower bound of its age). */
	double zombie_since;
	bool zombie_seen_alive;

	bool sig_known;			/* sig[] valid */
	uint64_t sig[SIGSET_COUNT];
	int64_t sigq_queued;		/* SigQ: queued / limit, SNAP_UNKNOWN if unknown */
	int64_t sigq_limit;

	/* What the process is blocked in (issue: signals and blocking). */
	const char *wchan;		/* kernel function name or NULL */
	bool syscall_known;
	int64_t syscall_nr;		/* -1 running in user space */
	uint64_t syscall_args[6];
	/* The process's wait: its main thread's when that is an IPC wait, else the first other
	 * thread's IPC wait (waiting.tid says which thread), else the main thread's. */
	struct proc_wait waiting;
	/* Multi-threaded processes: every thread but the main one (sorted by tid), NULL for one
	 * thread or when not read; complete: every thread was read (none capped or vanished). */
	struct thread_wait *other_threads;
	size_t n_other_threads;
	bool other_threads_complete;
	/* The main thread's own wait (waiting may be another thread's). */
	struct proc_wait main_waiting;

	/* /proc/<pid>/io, for throughput estimates. */
	int64_t io_rchar;
	int64_t io_wchar;

	const char *error;		/* first reason something about this process is unknown */
};

/* Threads whose signal state differs from their process's (per-thread view). */
struct thread_rec {
	pid_t tgid;
	pid_t tid;
	const char *comm;
	char state;
	uint64_t pending;		/* thread pending */
	uint64_t blocked;
};

/* ---- descriptors and channels ----------------------------------------------------------- */

enum fd_mode {
	FD_MODE_UNKNOWN = 0,
	FD_MODE_READ = 1,
	FD_MODE_WRITE = 2,
	FD_MODE_RDWR = 3,		/* counts as both reader and writer */
};

struct endpoint {
	pid_t pid;
	int fd;
	unsigned mode;			/* enum fd_mode bits */
};

enum pipe_kind { PIPE_ANON, PIPE_FIFO };

struct pipe_rec {
	enum pipe_kind kind;
	uint64_t dev;
	uint64_t inode;			/* identity (with kind) */
	const char *path;		/* FIFO path, NULL for anonymous pipes */
	bool deleted;			/* FIFO path was unlinked */
	struct endpoint *ends;		/* sorted by pid, fd */
	size_t n_ends;
	int64_t queued_bytes;		/* FIONREAD, SNAP_UNKNOWN if unreadable */
	int64_t capacity;		/* F_GETPIPE_SZ */
	const char *fill_error;		/* why queued_bytes/capacity are unknown */
};

struct usock_rec {
	uint64_t inode;			/* identity */
	uint64_t peer_inode;		/* 0 if none or unknown */
	bool peer_known;
	int type;			/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	int state;			/* TCP_* state numbers as sock_diag reports them */
	const char *path;		/* bound path, "@name" for abstract, NULL unbound */
	struct endpoint *holders;
	size_t n_holders;
	int64_t queued_bytes;		/* unread bytes (UDIAG_SHOW_RQLEN rqueue) */
	int64_t send_queue;		/* wqueue as reported (kernel memory for streams) */
	int64_t pending_conns;		/* listeners: connections waiting in accept */
	int64_t backlog;		/* listeners: max backlog */
	uint64_t *icons;		/* listeners: inodes of not-yet-accepted sockets */
	size_t n_icons;
};

struct pmq_rec {
	const char *name;		/* identity, without the leading '/' */
	uint64_t inode;
	int64_t bytes;			/* QSIZE */
	int64_t messages;		/* mq_curmsgs */
	int64_t max_messages;		/* mq_maxmsg */
	int64_t message_size;		/* mq_msgsize */
	struct endpoint *holders;
	size_t n_holders;
	const char *error;
};

struct pshm_rec {
	const char *name;		/* identity (file name under /dev/shm); when deleted: the
					 * name its mappers' maps show */
	uint64_t inode;			/* identity when deleted */
	/* Unlinked (shm_unlink) but still mapped: found in maps by inode, never opened. */
	bool deleted;
	int64_t size;
	pid_t *mapped_pids;
	size_t n_mapped;
	const char *error;
};

struct psem_rec {
	const char *name;		/* identity, without the "sem." prefix; when deleted: the
					 * (temporary) name its mappers' maps show */
	uint64_t inode;			/* identity when deleted */
	/* Unlinked (sem_unlink, or glibc's temporary sem.XXXXXX) but still mapped: found in
	 * maps by inode, never opened or mapped (value SNAP_UNKNOWN, error says why). */
	bool deleted;
	int64_t value;
	pid_t *mapped_pids;
	size_t n_mapped;
	const char *error;
};

/* Descriptors that are not channels but tell a story (eventfd, signalfd, loopback TCP). */
enum misc_fd_kind { MISC_EVENTFD, MISC_SIGNALFD, MISC_TCP_LOOPBACK };

struct misc_fd_rec {
	enum misc_fd_kind kind;
	pid_t pid;
	int fd;
	uint64_t inode;
	int64_t eventfd_count;		/* eventfd: current counter */
	uint64_t sigmask;		/* signalfd: the mask it accepts */
	uint64_t peer_inode;		/* loopback TCP: the other end's socket inode */
	pid_t peer_pid;			/* loopback TCP: a holder of the other end, 0 unknown */
	const char *detail;		/* e.g. "127.0.0.1:5000 -> 127.0.0.1:40122" */
};

/* ---- System V IPC ------------------------------------------------------------------------ */

struct sysv_perm {
	int32_t key;			/* 0 = IPC_PRIVATE */
	int id;				/* identity */
	unsigned mode;			/* as the kernel shows it, except SHM_DEST (01000), which is
					 * shm_rec.destroy_pending instead; SHM_LOCKED (02000) stays */
	uid_t uid, gid, cuid, cgid;
};

struct msgq_rec {
	struct sysv_perm perm;
	int64_t bytes;			/* cbytes */
	int64_t messages;		/* qnum */
	pid_t last_send_pid;		/* lspid */
	pid_t last_recv_pid;		/* lrpid */
	int64_t stime, rtime, ctime;	/* seconds since the epoch, 0 = never */
	int64_t max_bytes;		/* msg_qbytes via IPC_STAT, SNAP_UNKNOWN without permission */
	const char *error;
};

struct shm_rec {
	struct sysv_perm perm;
	int64_t size;
	pid_t creator_pid;
	pid_t last_pid;
	int64_t nattch;
	int64_t atime, dtime, ctime;
	int64_t rss;			/* bytes, SNAP_UNKNOWN if not shown */
	int64_t swap;
	bool destroy_pending;		/* SHM_DEST: IPC_RMID done, waits for nattch 0 */
	pid_t *attached_pids;		/* from /proc/<pid>/maps; NULL if no process could be read */
	size_t n_attached;
	const char *error;
};

struct sem_rec {
	struct sysv_perm perm;
	int nsems;
	int64_t otime, ctime;
	int64_t *values;		/* each NULL if semctl was refused; error says why */
	int64_t *wait_increase;		/* semncnt */
	int64_t *wait_zero;		/* semzcnt */
	int64_t *last_pids;		/* sempid */
	const char *error;
};

/* ---- signals, deadlocks, errors ------------------------------------------------------------ */

enum sig_result {
	SIGRES_DELIVERED,
	SIGRES_IGNORED,
	SIGRES_BLOCKED,			/* blocked, now pending */
	SIGRES_ALREADY_PENDING,
	SIGRES_DROPPED,
	SIGRES_GENERATED,		/* generated, delivery not (yet) seen */
	SIGRES_UNKNOWN,
};

struct sig_event {
	double time;			/* seconds since the epoch */
	int signo;
	pid_t sender_pid;		/* 0 if the kernel or unknown */
	const char *sender_comm;
	pid_t target_pid;
	const char *target_comm;
	enum sig_result result;
	bool inferred;			/* from mask changes, not a trace */
};

struct deadlock_rec {
	pid_t *pids;			/* the cycle, in order */
	size_t n_pids;
	const char **objects;		/* object ids between consecutive pids */
	size_t n_objects;
	double since;			/* epoch seconds this cycle was first seen (src/waitgraph.c) */
};

/* A wait nothing can end (src/waitgraph.c), with its evidence. */
struct stall_rec {
	pid_t pid;
	pid_t tid;			/* the thread in the wait (the pid for the main one), 0 unknown */
	enum wait_kind kind;
	const char *object;
	const char *reason;		/* the evidence in words */
	/* Evidence. rule: "only_itself" (its only unblocker is itself), "unblockers_stuck"
	 * (every live process that could end it is stuck too), "unblockers_gone" (every process
	 * that could end it has exited). unblockers: the live processes that could end it, each
	 * with its own wait ("pipe_write pipe:11"); named: how many processes the object names
	 * as unblockers, live or not. */
	const char *rule;
	pid_t *unblockers;
	const char **unblocker_waits;
	size_t n_unblockers;
	size_t named;
	double since;			/* epoch seconds of the first snapshot that saw it stuck (the
					 * stall is reported from the second one on), 0 unknown */
};

struct snap_error {
	const char *where;		/* "pid 1234 fd", "/proc/sysvipc/msg line 3" */
	const char *error;		/* "EACCES", "malformed line", "process exited" */
};

/* The passes of a collection, as the model knows them: views and analyses test these, never
 * the probes' names (only the sampler knows probes). The name of each is its key in the
 * JSON "sources" object (snap_source_name); SRC_OTHER is a pass this list does not name yet. */
enum snap_source_id {
	SRC_PROC_TABLE,
	SRC_PROC_MAPS,
	SRC_SYSV_MSG,
	SRC_SYSV_SHM,
	SRC_SYSV_SEM,
	SRC_PROC_WAIT,
	SRC_SIG_TRACE,		/* the live signal trace (tracefs) */
	SRC_FD_ITER,		/* how descriptors were read: the BPF iterator, or /proc/<pid>/fd */
	SRC_MAPS_ITER,		/* how mappings were read: the BPF iterator, or /proc/<pid>/maps */
	SRC_FDS,
	SRC_PIPES,
	SRC_UNIX_DIAG,
	SRC_POSIX_IPC,
	SRC_MISC_FDS,
	SRC_OTHER,
	SRC_COUNT
};

enum snap_source_state {
	SOURCE_OK,
	SOURCE_FAILED,		/* it could not read what it reads: that is unknown (error text) */
	SOURCE_INFORMATIONAL,	/* off by choice or by design, nothing lost (error text says
				 * why): fd_iter off means /proc/<pid>/fd was read instead */
};

struct snap_source {
	const char *name;		/* probe name: snap_source_name(id) unless SRC_OTHER */
	enum snap_source_id id;
	enum snap_source_state state;
	bool ok;			/* state == SOURCE_OK (the JSON's "ok") */
	const char *error;		/* NULL when ok; why it failed or is off */
};

/* "proc_table", "sig_trace", ...; NULL for SRC_OTHER and out of range. */
const char *snap_source_name(enum snap_source_id id);
/* The id of a source name (SRC_OTHER when the list does not name it). */
enum snap_source_id snap_source_id_of(const char *name);

/* ---- the snapshot --------------------------------------------------------------------------- */

#define SNAP_ARRAY(type, name) \
	struct type *name;      \
	size_t n_##name;        \
	size_t cap_##name

struct snapshot {
	double time;			/* seconds since the epoch when collection started */
	double duration;		/* seconds the collection took */
	const char *sysroot;
	pid_t self_pid;			/* ipctop's own pid (left out of processes) */
	bool sealed;
	int refs;			/* atomic; see snapshot_ref() */
	/* A filtered view (src/filter.c) copies records shallowly: their strings and arrays
	 * point into base, which it holds one reference to (released with it). NULL otherwise. */
	struct snapshot *base;

	SNAP_ARRAY(proc_rec, procs);
	SNAP_ARRAY(thread_rec, threads);
	SNAP_ARRAY(pipe_rec, pipes);
	SNAP_ARRAY(usock_rec, usocks);
	SNAP_ARRAY(pmq_rec, pmqs);
	SNAP_ARRAY(pshm_rec, pshms);
	SNAP_ARRAY(psem_rec, psems);
	SNAP_ARRAY(misc_fd_rec, miscfds);
	SNAP_ARRAY(msgq_rec, msgqs);
	SNAP_ARRAY(shm_rec, shms);
	SNAP_ARRAY(sem_rec, sems);
	SNAP_ARRAY(sig_event, sigevents);
	SNAP_ARRAY(deadlock_rec, deadlocks);
	SNAP_ARRAY(stall_rec, stalls);
	SNAP_ARRAY(snap_error, errors);
	SNAP_ARRAY(snap_source, sources);

	struct arena arena;
};

/* Lifecycle: snapshot_new() returns one reference; the last snapshot_unref() frees it
 * (NULL is a no-op). References may be taken and dropped from any thread. */
struct snapshot *snapshot_new(void);
struct snapshot *snapshot_ref(struct snapshot *s);
void snapshot_unref(struct snapshot *s);

/*
 * Builder: each returns a zeroed record appended to its array, with every SNAP_UNKNOWN-able
 * integer already set to SNAP_UNKNOWN. Pointers stay valid only until the next add of the
 * same kind; keep indexes, not pointers, while building. Calling these after seal aborts.
 */
struct proc_rec *snapshot_add_proc(struct snapshot *s);
struct thread_rec *snapshot_add_thread(struct snapshot *s);
struct pipe_rec *snapshot_add_pipe(struct snapshot *s);
struct usock_rec *snapshot_add_usock(struct snapshot *s);
struct pmq_rec *snapshot_add_pmq(struct snapshot *s);
struct pshm_rec *snapshot_add_pshm(struct snapshot *s);
struct psem_rec *snapshot_add_psem(struct snapshot *s);
struct misc_fd_rec *snapshot_add_miscfd(struct snapshot *s);
struct msgq_rec *snapshot_add_msgq(struct snapshot *s);
struct shm_rec *snapshot_add_shm(struct snapshot *s);
struct sem_rec *snapshot_add_sem(struct snapshot *s);
struct sig_event *snapshot_add_sigevent(struct snapshot *s);
struct deadlock_rec *snapshot_add_deadlock(struct snapshot *s);
struct stall_rec *snapshot_add_stall(struct snapshot *s);

/* Errors are data: record where and why, then carry on. Strings are copied. */
void snapshot_add_error(struct snapshot *s, const char *where, const char *error);
void snapshot_add_errorf(struct snapshot *s, const char *error, const char *where_fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Sets (or replaces) the status of one probe: ok, or failed with error. */
void snapshot_set_source(struct snapshot *s, const char *name, bool ok, const char *error);
/* The same with any state (SOURCE_INFORMATIONAL: off, nothing lost; error says why). */
void snapshot_set_source_state(struct snapshot *s, const char *name, enum snap_source_state st,
			       const char *error);
/* The status of one source in s, or NULL when s has none for it. */
const struct snap_source *snapshot_source(const struct snapshot *s, enum snap_source_id id);
/* Sources that failed (SOURCE_FAILED: something is unknown because of them). */
size_t snapshot_failed_sources(const struct snapshot *s);

/* Arena helpers for the snapshot's own strings and arrays. */
const char *snapshot_strdup(struct snapshot *s, const char *str);
void *snapshot_alloc(struct snapshot *s, size_t size);

/* Sorts every array by identity, so snapshot_find_* work; records may still be changed and
 * derived arrays (deadlocks, stalls, errors) appended. The sampler sorts before analysis. */
void snapshot_sort(struct snapshot *s);
/* Sorts and freezes the snapshot: nothing may change it afterwards. */
void snapshot_seal(struct snapshot *s);

/* Lookups on a sorted or sealed snapshot (binary search); NULL when absent. */
const struct proc_rec *snapshot_find_proc(const struct snapshot *s, pid_t pid);
const struct pipe_rec *snapshot_find_pipe(const struct snapshot *s, enum pipe_kind kind,
					  uint64_t inode);
const struct usock_rec *snapshot_find_usock(const struct snapshot *s, uint64_t inode);
const struct msgq_rec *snapshot_find_msgq(const struct snapshot *s, int id);
const struct shm_rec *snapshot_find_shm(const struct snapshot *s, int id);
const struct sem_rec *snapshot_find_sem(const struct snapshot *s, int id);
const struct pmq_rec *snapshot_find_pmq(const struct snapshot *s, const char *name);
/* By name: linked objects only. */
const struct pshm_rec *snapshot_find_pshm(const struct snapshot *s, const char *name);
const struct psem_rec *snapshot_find_psem(const struct snapshot *s, const char *name);
/* The record with rec's identity (name, or inode when deleted) in s. */
const struct pshm_rec *snapshot_find_pshm_same(const struct snapshot *s, const struct pshm_rec *rec);
const struct psem_rec *snapshot_find_psem_same(const struct snapshot *s, const struct psem_rec *rec);

/* Names used in output and in object ids. */
const char *wait_kind_name(enum wait_kind k);	/* "pipe_read" ... as in CONTRACT.md */
const char *sig_result_name(enum sig_result r);	/* "delivered", "ignored", ... */

#endif
