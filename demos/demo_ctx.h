/*
 * demo_ctx.h - what a scenario (demos/demo_<name>.c) uses: naming and forking its processes,
 * pacing its steps, narrating them, and creating IPC objects that the registry knows about.
 *
 * Every demo process inherits one anonymous shared mapping (struct demo_shared) from the
 * conductor: the control state (speed, pause, a virtual clock, stop) behind a futex word,
 * a small "board" of counters scenarios use to sequence their processes, and the caption
 * ring. It has no name and no descriptor, so it never shows up among the objects a learner
 * watches; only what the scenario deliberately makes does.
 *
 * Naming: this is the scenarios' vocabulary, so it uses the short demo_ prefix (demo_step,
 * demo_fork, demo_caption) rather than the file stem; it is small and used everywhere.
 *
 * Rules for scenarios: call demo_become() first; fork only with demo_fork(); create System V
 * and POSIX objects only through the demo_* helpers below (they write the registry before
 * the object exists); put FIFOs and sockets under demo_path(); call demo_ready() once the
 * first objects exist; caption every step. Return 0 when demo_step() returns false.
 */
#ifndef IPCTOP_DEMO_CTX_H
#define IPCTOP_DEMO_CTX_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/types.h>

#include "demos/caption.h"
#include "demos/demo.h"
#include "demos/demo_registry.h"

#define DEMO_BOARD_SIZE 16

/*
 * Pacing runs on a virtual clock: vnow = vbase + (CLOCK_MONOTONIC - rbase) while running,
 * vbase while paused. Pausing freezes it; a single step advances vbase by one step, so every
 * process whose step falls due moves once. The conductor is the only writer; ctl_gen is a
 * sequence lock (odd while it writes) and the futex word everyone sleeps on.
 */
struct demo_shared {
	uint32_t ctl_gen;	/* seqlock + futex word: changes (and wakes) on every control change */
	uint32_t paused;
	uint32_t stop;
	int64_t step_ns;	/* length of one step; 0 = full speed */
	int64_t vbase;		/* virtual time (ns) at real time rbase */
	int64_t rbase;		/* CLOCK_MONOTONIC ns */
	uint32_t board[DEMO_BOARD_SIZE];
	struct caption_ring ring;
};

/* The conductor's side of the control block (demo_ctx.c). */
int64_t demo_clock_real(void);
void demo_control_set(struct demo_shared *sh, bool paused, int64_t step_ns, int64_t advance_ns);

struct demo_ctx {
	const struct demo *demo;
	struct demo_shared *sh;
	pid_t root;			/* the conductor */
	char dir[256];			/* the private directory (registry, FIFOs, sockets) */
	char exe[PATH_MAX];		/* ipctop's executable, for re-exec */
};

/* ---- processes ---- */

/* Names the calling process ROLE (comm, max 15 chars), registers it and announces it. */
void demo_become(struct demo_ctx *ctx, const char *role);
/* Announces that process pid now plays role (e.g. after it exec'd); no registry entry. */
void demo_announce(struct demo_ctx *ctx, pid_t pid, const char *role, pid_t ppid);

enum {
	DEMO_FORK_ORPHANABLE = 1,	/* no PR_SET_PDEATHSIG: the child may outlive its parent */
};
/* fork(): in the child, dies with the parent (PR_SET_PDEATHSIG SIGKILL, unless
 * DEMO_FORK_ORPHANABLE), starts with default signal dispositions and an empty mask, and is
 * demo_become(role). Returns like fork(). */
pid_t demo_fork(struct demo_ctx *ctx, const char *role, unsigned flags);
/* Every signal to its default action, an empty signal mask. */
void demo_reset_signals(void);
/* waitpid() that retries on EINTR. */
pid_t demo_wait(pid_t pid, int *status, int flags);
/* "exited with status N" / "was killed by SIGX" into buf. */
const char *demo_describe_status(int status, char *buf, size_t len);

/* ---- pacing ---- */

/* Waits out one step at the current speed, honouring pause and single steps. false: stop. */
bool demo_step(struct demo_ctx *ctx);
/* The same for factor steps (0.25 = a quarter step). */
bool demo_step_scaled(struct demo_ctx *ctx, double factor);
/* n whole steps. */
bool demo_steps(struct demo_ctx *ctx, int n);
bool demo_stopping(const struct demo_ctx *ctx);
/* Current step length in milliseconds (0 at full speed). */
long demo_step_ms(const struct demo_ctx *ctx);

/* The board: counters for sequencing a scenario's processes (reset on restart). */
void demo_board_set(struct demo_ctx *ctx, int idx, uint32_t value);
uint32_t demo_board_get(struct demo_ctx *ctx, int idx);
/* Waits until board[idx] >= value. false: stop. */
bool demo_board_wait(struct demo_ctx *ctx, int idx, uint32_t value);

/* ---- the record stream ---- */

/* One step's caption: objects are comma-separated ids ("pipe:12,pid:34") or NULL. */
void demo_caption(struct demo_ctx *ctx, const char *objects, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A new object (id as in CONTRACT.md) with a short label. */
void demo_object(struct demo_ctx *ctx, const char *id, const char *label);
/* The demo's first objects exist: the conductor prints "ready ROOTPID". */
void demo_ready(struct demo_ctx *ctx);
/* Reports a failure (one line) and returns 1, for `return demo_fail(...)`. */
int demo_fail(struct demo_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "kind:INODE" of an open descriptor (kind "pipe", "fifo", "unix") into buf. */
const char *demo_fd_id(int fd, const char *kind, char *buf, size_t len);

/* ---- objects the registry knows about ---- */

/* DIR/name into buf; returns buf. */
const char *demo_path(const struct demo_ctx *ctx, const char *name, char *buf, size_t len);
/* msgget/shmget/semget(ftok(DIR/ftok, proj...), IPC_CREAT | IPC_EXCL | 0600): only once it
 * was created (exclusively, so it is ours) its identity (id, key, creator, ctime) is written
 * to the registry. On EEXIST (a key collision with
 * someone else's object) the next project id is tried. Returns the id, or -errno; *key gets
 * the key used. */
int demo_msgget(struct demo_ctx *ctx, int proj, key_t *key);
int demo_shmget(struct demo_ctx *ctx, int proj, size_t size, key_t *key);
int demo_semget(struct demo_ctx *ctx, int proj, int nsems, key_t *key);
/* After semctl(SETALL)/msgctl(IPC_SET) on a demo's own SysV object: its new ctime goes to
 * the registry (cleanup removes only an object whose ctime is the last one written). */
void demo_sysv_changed(struct demo_ctx *ctx, enum reg_sysv_kind kind, int id);
/* "/ipctop-demo-ROOTPID-suffix" into buf; returns buf. */
const char *demo_posix_name(struct demo_ctx *ctx, const char *suffix, char *buf, size_t len);
/* After mq_open/shm_open/sem_open(name, O_CREAT | O_EXCL) succeeded: the object's identity
 * (device, inode, owner) goes to the registry. Never call it for a name not made O_EXCL. */
void demo_posix_created(struct demo_ctx *ctx, enum reg_posix_kind kind, const char *name);
/* After the demo made DIR/name exclusively (O_EXCL, mkfifo, bind): its device and inode go
 * to the registry; cleanup removes that file and no other. */
void demo_file_created(struct demo_ctx *ctx, const char *name);

/* ---- the conductor and the re-exec mode (demo_conductor.c, demo_fork_exec.c) ---- */

struct demo_run_opts {
	double speed;		/* <= 0: full */
	double seconds;		/* <= 0: until stopped */
	int control_fd;		/* -1: none */
};
/* `demo run`: the conductor. Returns the exit status. */
int demo_conductor_run(const struct demo *d, const struct demo_run_opts *o);
/* `demo _exec-child MS STATUS`: the program fork-exec's child execs into. */
int demo_fork_exec_child_main(int argc, char **argv);

#endif
