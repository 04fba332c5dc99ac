/*
 * live_helpers.h - shared by the live signal/blocking tests: children that die with the test,
 * objects removed on every exit path (SIGINT/SIGTERM included), and waiting for a condition
 * on fresh snapshots with a deadline instead of sleeping.
 *
 * Every child is forked through live_spawn() (it gets SIGKILL when the test process dies) and
 * is reaped by live_kill()/live_reap(). SysV ids and paths registered here are removed by
 * live_cleanup(), which the SIGINT/SIGTERM handler also runs (then the trace instance too).
 */
#ifndef IPCTOP_LIVE_HELPERS_H
#define IPCTOP_LIVE_HELPERS_H

#include <stdbool.h>
#include <sys/types.h>

#include "src/sampler.h"
#include "src/snapshot.h"

/* Installs the SIGINT/SIGTERM cleanup and makes this process a child subreaper (orphaned
 * grandchildren come back to it, so it can reap them). */
void live_init(void);
/* Kills and reaps every tracked child, removes tracked SysV ids and paths. */
void live_cleanup(void);

/* Forks; the child runs fn(arg) and _exits 0. Returns the child's pid (tracked). */
pid_t live_spawn(void (*fn)(void *arg), void *arg);
/* SIGKILL + reap (no-op for 0). */
void live_kill(pid_t pid);
/* Reaps pid within timeout seconds; returns its wait status, or -1. */
int live_reap(pid_t pid, double timeout);
/* Tracks a pid the test will reap itself (e.g. an adopted orphan). */
void live_track(pid_t pid);

void live_track_sem(int id);
void live_remove_sem(int id);
void live_track_path(const char *path, bool is_dir);

/* Reads one byte from fd within timeout seconds; the byte or -1. */
int live_read_byte(int fd, double timeout);
/* Reads exactly n bytes within timeout seconds. */
bool live_read_all(int fd, void *buf, size_t n, double timeout);
void live_write_byte(int fd, char c);

/* Takes snapshots (about every 20 ms) until pred is true or timeout seconds have passed.
 * each (may be NULL) sees every snapshot first (to collect events). Returns whether pred
 * came true; *out (may be NULL) gets the last snapshot (the caller unrefs it). */
bool live_wait(struct sampler *sm, bool (*pred)(const struct snapshot *s, void *arg),
	       void (*each)(const struct snapshot *s, void *arg), void *arg, double timeout,
	       struct snapshot **out);

#endif
