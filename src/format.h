/*
 * format.h - records into text cells: the tables shared by `--once` text output and the
 * dashboard's panels.
 *
 * One fmt_table per kind of record (processes, pipes, queues, ...): a title, the columns,
 * and how to count and fetch rows. A column's cell() is a pure function of (context, record):
 * it writes the cell into the caller's buffer and returns it (or returns a static string).
 * Unknown values print as "?", absent/none as "-". Nothing here allocates, prints or touches
 * ncurses, so the UI paints the same cells the text output prints.
 *
 * Object ids ("pipe:INODE", "msg:ID", "pmq:NAME", ... as CONTRACT.md says; processes
 * "pid:PID") are built here too, so JSON, diff, filter and the UI name objects alike.
 */
#ifndef IPCTOP_FORMAT_H
#define IPCTOP_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "src/names.h"
#include "src/snapshot.h"

struct snapshot_delta;		/* src/diff.h */

/* A buffer this big holds any cell (longer cells are truncated, never overflowed). */
#define FMT_CELL_MAX 256
/* A buffer this big holds any object id. */
#define FMT_ID_MAX 300

/* Every kind of record that has a table. Order = order of the text output. */
enum fmt_kind {
	FMT_PROCESSES,		/* struct proc_rec */
	FMT_THREADS,		/* struct thread_rec */
	FMT_PIPES,		/* struct pipe_rec */
	FMT_UNIX_SOCKETS,	/* struct usock_rec */
	FMT_MSG_QUEUES,		/* struct msgq_rec */
	FMT_SHM_SEGMENTS,	/* struct shm_rec */
	FMT_SEM_SETS,		/* struct sem_rec */
	FMT_POSIX_MQUEUES,	/* struct pmq_rec */
	FMT_POSIX_SHM,		/* struct pshm_rec */
	FMT_POSIX_SEMS,		/* struct psem_rec */
	FMT_MISC_FDS,		/* struct misc_fd_rec */
	FMT_SIGNAL_EVENTS,	/* struct sig_event */
	FMT_DEADLOCKS,		/* struct deadlock_rec */
	FMT_STALLS,		/* struct stall_rec */
	FMT_KIND_COUNT
};

/* What a cell may look at besides its record. Rate columns (MSG/S, B/S) print "-" when
 * delta is NULL (no previous snapshot) and "?" when the rate could not be measured. */
struct fmt_ctx {
	const struct snapshot *snap;		/* the record's snapshot (never NULL) */
	const struct snapshot_delta *delta;	/* rates/events vs. the previous snapshot, or NULL */
};

enum fmt_align { ALIGN_LEFT, ALIGN_RIGHT };

typedef const char *(*fmt_cell_fn)(const struct fmt_ctx *ctx, const void *rec,
				   char *buf, size_t len);

struct fmt_column {
	const char *title;	/* stable: views look columns up by title */
	int width;		/* preferred width in the dashboard; 0 = takes the rest of the line */
	enum fmt_align align;
	int drop;		/* 0 = always shown; on a narrow screen drop the highest first */
	fmt_cell_fn cell;
};

struct fmt_table {
	enum fmt_kind kind;
	const char *name;	/* the JSON list name: "processes", "msg_queues", ... */
	const char *title;	/* "Processes", "Message queues", ... */
	const struct fmt_column *cols;
	size_t n_cols;
	size_t (*count)(const struct snapshot *s);
	const void *(*row)(const struct snapshot *s, size_t i);
	/* The record's identity as an object id (stable across snapshots): what a view keeps to
	 * follow its selection. Always writes something ("pid:12", "msg:3", "pipe:991", ...). */
	const char *(*id)(const void *rec, char *buf, size_t len);
};

/* The table of one kind (never NULL for kind < FMT_KIND_COUNT). */
const struct fmt_table *fmt_table_get(enum fmt_kind kind);

/* ---- object ids (CONTRACT.md) ------------------------------------------------------------- */
const char *fmt_id_proc(pid_t pid, char *buf, size_t len);		/* "pid:PID" */
const char *fmt_id_pipe(const struct pipe_rec *p, char *buf, size_t len); /* pipe:/fifo:INODE */
const char *fmt_id_usock(uint64_t inode, char *buf, size_t len);	/* "unix:INODE" */
const char *fmt_id_msgq(int id, char *buf, size_t len);			/* "msg:ID" */
const char *fmt_id_shm(int id, char *buf, size_t len);			/* "shm:ID" */
const char *fmt_id_sem(int id, char *buf, size_t len);			/* "sem:ID" */
/* POSIX objects: NAME in names_escape_id()'s form, so that an id is valid UTF-8, shows no
 * control character and names one object only. An unlinked shm object or semaphore (still
 * mapped, found by inode) is "pshm:deleted/INODE", "psem:deleted/INODE": no name holds '/'. */
const char *fmt_id_pmq(const char *name, char *buf, size_t len);	/* "pmq:NAME" */
const char *fmt_id_pshm(const struct pshm_rec *m, char *buf, size_t len);	/* "pshm:NAME" */
const char *fmt_id_psem(const struct psem_rec *m, char *buf, size_t len);	/* "psem:NAME" */

/* ---- value helpers: each writes into buf and returns buf ---------------------------------- */
/* Bytes, short: "0", "512", "1.5K", "12M", "3.0G" (1024-based); SNAP_UNKNOWN/negative: "?". */
const char *fmt_bytes(int64_t v, char *buf, size_t len);
/* Decimal; SNAP_UNKNOWN (any negative): "?". */
const char *fmt_int(int64_t v, char *buf, size_t len);
/* Permission bits as a 4-digit octal string: "0644" (mode & 0777: flags the kernel keeps in
 * the same word, such as SHM_DEST, are reported separately). */
const char *fmt_perms(unsigned mode, char *buf, size_t len);
/* Signal names without the "SIG" prefix, comma-separated: "USR1,TERM,RTMIN+2"; "-" if empty.
 * Truncated with "+N" (N more signals) when it does not fit. */
const char *fmt_sigmask(uint64_t mask, char *buf, size_t len);
/* A duration: "850ms", "42s", "3m05s", "2h07m", "3d04h"; negative or NaN: "?". */
const char *fmt_age(double seconds, char *buf, size_t len);
/* A rate per second: "0", "12", "3.4", "1.5K" (with suffix per K/M/G); NaN: "?". */
const char *fmt_rate(double per_s, char *buf, size_t len);
/* "12,15,20" ("-" if none); truncated with "+N" when it does not fit. */
const char *fmt_pids(const pid_t *pids, size_t n, char *buf, size_t len);
/* Endpoints as "pid:fd" lists, e.g. "12:3,15:4"; mode_mask selects (FD_MODE_READ etc.;
 * 0 = all). "-" if none. */
const char *fmt_endpoints(const struct endpoint *e, size_t n, unsigned mode_mask,
			  char *buf, size_t len);
/* The SysV key as ipcs shows it: "0x0000abcd"; IPC_PRIVATE: "0x00000000". */
const char *fmt_key(int32_t key, char *buf, size_t len);
/* A process's wait as one line: "pipe_read pipe:123 (fd 4)"; "-" when not waiting. */
const char *fmt_wait(const struct proc_wait *w, char *buf, size_t len);
/* The same for a process's shown wait, naming the thread when it is not the main one
 * ("pipe_write pipe:9 (fd 4, tid 124)"). */
const char *fmt_proc_wait(const struct proc_rec *p, char *buf, size_t len);
/* Flags of a process: "Z" zombie, "O" orphan, "K" kernel thread; "-" if none. */
const char *fmt_proc_flags(const struct proc_rec *p, char *buf, size_t len);
/* "stream" / "dgram" / "seqpacket" / "?" for a SOCK_* number. */
const char *fmt_socktype(int type);
/* "listen", "established", "unconnected", ... for a sock_diag state number; "?" unknown. */
const char *fmt_sockstate(int state);

#endif
