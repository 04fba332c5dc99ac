/*
 * proc_status.h - pure parsers for the text of /proc/<pid>/stat, /proc/<pid>/status and
 * /proc/<pid>/cmdline.
 *
 * They take a buffer (never a path), so tests feed them recorded and malformed text inline.
 * Nothing here allocates: results go into caller-owned structs. A field that is missing or
 * malformed is reported as such (have/bad bits, -EBADMSG), never guessed.
 */
#ifndef IPCTOP_PROC_STATUS_H
#define IPCTOP_PROC_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "src/snapshot.h"

/* comm is at most 15 bytes for user tasks, but kernel threads (workqueue workers) show up to
 * 64 ("kworker/u8:0-writeback"); longer names are cut. */
#define PROC_COMM_MAX 80

/* PF_KTHREAD from include/linux/sched.h: the task is a kernel thread. */
#define PROC_PF_KTHREAD 0x00200000UL

/* The fields of /proc/<pid>/stat that ipctop uses (proc(5) numbering in comments). */
struct proc_stat_fields {
	pid_t pid;			/* (1) */
	char comm[PROC_COMM_MAX];	/* (2) without the parentheses, raw bytes, cut to fit */
	char state;			/* (3) */
	pid_t ppid;			/* (4) */
	pid_t pgrp;			/* (5) */
	pid_t session;			/* (6) */
	unsigned long flags;		/* (9) PF_* */
	long num_threads;		/* (20) */
	unsigned long long starttime;	/* (22) clock ticks after boot */
	/* (28) startstack: where the running program's stack starts. exec() builds a new one (at
	 * a random place under ASLR), so a change means a new program image. 0 when unknown: the
	 * kernel shows 0 without ptrace access and for zombies, or the field is absent. */
	unsigned long long startstack;
};

/* Parses the single line of /proc/<pid>/stat. comm may hold spaces and ')': it runs from the
 * first '(' to the last ')'. Returns 0, or -EBADMSG if any field up to (22) is missing, not
 * a number or out of range. Fields after (22) are optional (startstack 0 when absent or
 * malformed). */
int proc_stat_parse(const char *buf, size_t len, struct proc_stat_fields *out);

/* Bits of proc_status_fields.have / .bad. */
enum {
	PSF_NAME = 1u << 0,
	PSF_STATE = 1u << 1,
	PSF_TGID = 1u << 2,
	PSF_PID = 1u << 3,
	PSF_PPID = 1u << 4,
	PSF_UID = 1u << 5,
	PSF_THREADS = 1u << 6,
	PSF_SIGQ = 1u << 7,
	PSF_SIGPND = 1u << 8,
	PSF_SHDPND = 1u << 9,
	PSF_SIGBLK = 1u << 10,
	PSF_SIGIGN = 1u << 11,
	PSF_SIGCGT = 1u << 12,
	PSF_KTHREAD = 1u << 13,		/* "Kthread:" exists only on recent kernels */
};
#define PSF_SIGNALS (PSF_SIGPND | PSF_SHDPND | PSF_SIGBLK | PSF_SIGIGN | PSF_SIGCGT)
/* What proc_table needs from status; proc_status_parse fails without these. */
#define PSF_REQUIRED (PSF_UID | PSF_SIGQ | PSF_SIGNALS)

/* The fields of /proc/<pid>/status that ipctop uses. */
struct proc_status_fields {
	unsigned have;			/* PSF_* found and well-formed */
	unsigned bad;			/* PSF_* found but malformed */
	char name[PROC_COMM_MAX];	/* "Name:" unescaped: the real comm (proc_status_name) */
	char state;			/* first letter of "State:" */
	pid_t tgid, pid, ppid;
	uid_t ruid, euid;		/* "Uid:" real and effective */
	long threads;
	int64_t sigq_queued, sigq_limit;	/* "SigQ: queued/limit" */
	uint64_t sig[SIGSET_COUNT];	/* indexed by enum sigset_kind */
	bool kthread;			/* "Kthread: 1" */
};

/* Parses the "Key:\tvalue" lines of /proc/<pid>/status; unknown keys are ignored. Returns 0
 * when every PSF_REQUIRED field was found well-formed, -EBADMSG otherwise (out->have and
 * out->bad then tell which fields are usable). */
int proc_status_parse(const char *buf, size_t len, struct proc_status_fields *out);

/* The value of a "Name:" line [v, v + n) as the real name, into out (outlen bytes, cut to
 * fit, NUL-terminated): the kernel writes a newline in comm as "\\n" and a backslash as
 * "\\\\" there (and nothing else escaped), while /proc/<pid>/comm and stat hold the bytes. */
void proc_status_name(const char *v, size_t n, char *out, size_t outlen);

/* Turns the NUL-separated arguments of /proc/<pid>/cmdline in buf[0..len) into one string,
 * in place: trailing NULs are dropped and inner NULs become spaces. buf must have room for
 * len + 1 bytes (a NUL is written at the returned length). Other bytes are kept as they are
 * (output must escape them). Returns the length of the string. */
size_t proc_cmdline_join(char *buf, size_t len);

#endif
