/*
 * proc_wait.h - what a sleeping process is blocked in, and threads whose signal state differs
 * from their process's.
 *
 * For every process the process table left in state S or D (not kernel threads, not stopped
 * ones: a stopped process waits for SIGCONT, which its state already says), the probe reads
 * /proc/<pid>/wchan (the kernel function it sleeps in) and /proc/<pid>/syscall (the system
 * call number and its six raw arguments) into proc_rec.wchan / syscall_*. Classifying that
 * into proc_rec.waiting is an analysis pass (src/waiting.c), which also sees the channels.
 *
 * For processes with more than one thread it reads /proc/<pid>/task/<tid>/status of every
 * other thread: a thread_rec for each one whose pending or blocked set differs from the
 * process's (which are the main thread's), and a thread_wait in proc_rec.other_threads for
 * each, with the wchan and syscall of those that sleep (S or D), so that a wait in any thread
 * is seen (a Python multiprocessing.Queue's feeder thread blocked writing its pipe). Cost:
 * one status read per extra thread, two more per sleeping one; capped per collection. Both files need ptrace-level access for other users' processes:
 * unreadable values stay unknown and one summary error says how many and why.
 *
 * The parsers below take a buffer, never a path, so tests feed them recorded and broken text.
 */
#ifndef IPCTOP_PROC_WAIT_H
#define IPCTOP_PROC_WAIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "probes/probe.h"

enum proc_syscall_state {
	PSC_RUNNING,		/* "running": on a CPU, nothing to report */
	PSC_NOT_IN_SYSCALL,	/* "-1 SP PC": blocked, but not inside a system call */
	PSC_IN_SYSCALL,		/* "NR A1..A6 SP PC" */
};

struct proc_syscall {
	enum proc_syscall_state state;
	int64_t nr;		/* -1 unless PSC_IN_SYSCALL */
	uint64_t args[6];
	uint64_t sp, pc;
};

/* Parses the text of /proc/<pid>/syscall. Returns 0, or -EBADMSG when malformed (out is then
 * unspecified). len bytes of buf are read; buf need not be NUL-terminated. */
int proc_wait_parse_syscall(const char *buf, size_t len, struct proc_syscall *out);

/* Parses /proc/<pid>/wchan: a kernel symbol, or "0"/empty when the kernel hides it or the
 * task is running. Copies the symbol into out and returns true; false when there is none or
 * the text is not a symbol. */
bool proc_wait_parse_wchan(const char *buf, size_t len, char *out, size_t outlen);

/* The signal-related fields of one task's /proc/.../status. */
struct task_sigstate {
	char name[64];		/* Name: (comm) */
	char state;		/* State: letter, '?' if absent */
	pid_t tgid;		/* Tgid:, 0 if absent */
	uint64_t pending;	/* SigPnd: the thread's own pending set */
	uint64_t shared_pending;/* ShdPnd: */
	uint64_t blocked;	/* SigBlk: */
	bool has_pending, has_blocked;
};

/* Parses a status file. Returns 0 when at least SigPnd and SigBlk were found and well
 * formed, -EBADMSG otherwise. */
int proc_wait_parse_task_status(const char *buf, size_t len, struct task_sigstate *out);

/* The probe (collect.c's table): needs the process table to have run first. */
int proc_wait_collect(struct probe_ctx *ctx, void **state);

#endif
