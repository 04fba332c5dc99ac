/*
 * sig_trace.h - live signal traffic from the kernel's signal tracepoints (tracefs).
 *
 * The probe owns one private tracefs instance, instances/ipctop-<pid>, with
 * signal/signal_generate and signal/signal_deliver enabled, and drains its trace_pipe
 * (non-blocking) at every collection into snapshot.sigevents: who sent which signal to whom,
 * and what became of it. It mounts tracefs when it is not mounted, removes instances left by
 * an ipctop that died (their pid is gone or was reused) before creating its own, and removes
 * its own in sig_trace_fini() or, from a fatal-signal path, sig_trace_cleanup_signal_safe().
 *
 * When tracing is not possible (not root, no tracefs, --sysroot, not requested), the source
 * "sig_trace" is not ok and its error says why; src/lifecycle.c then infers events from mask
 * changes between snapshots instead.
 *
 * Results: the kernel's TRACE_SIGNAL_* codes (include/trace/events/signal.h: 0 delivered —
 * i.e. queued —, 1 ignored, 2 already pending, 3 overflow_fail, 4 lose_info) and the deliver
 * events decide sig_event.result: a queued signal whose signal_deliver follows is
 * "delivered"; one its target blocks is "blocked" (its later delivery is an event of its
 * own); 1 "ignored", 2 "already_pending", 3 "dropped". A queued signal whose delivery was
 * not read yet is held back one collection (one signal = one event), then "generated".
 * The sender is the task that was running (for signals the kernel raises, e.g. SIGCHLD, the
 * exiting child; 0 for the idle task); both pids are processes (thread ids are mapped).
 */
#ifndef IPCTOP_SIG_TRACE_H
#define IPCTOP_SIG_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "probes/probe.h"

/* The kernel's result codes of signal_generate (enum in include/trace/events/signal.h). */
enum {
	SIG_TRACE_RES_DELIVERED = 0,	/* queued on the target (delivery may still wait) */
	SIG_TRACE_RES_IGNORED = 1,
	SIG_TRACE_RES_ALREADY_PENDING = 2,
	SIG_TRACE_RES_OVERFLOW_FAIL = 3,
	SIG_TRACE_RES_LOSE_INFO = 4,	/* queued without its siginfo */
};

enum sig_trace_kind {
	STL_GENERATE,		/* signal_generate: current task sends sig to pid */
	STL_DELIVER,		/* signal_deliver: current task takes sig */
	STL_LOST,		/* "CPU:N [LOST M EVENTS]" */
};

#define SIG_TRACE_COMM_MAX 32

/* One parsed trace line. */
struct sig_trace_line {
	enum sig_trace_kind kind;
	char task_comm[SIG_TRACE_COMM_MAX];	/* the current task (sender / receiver) */
	pid_t task_pid;				/* its thread id (0: idle/kernel) */
	pid_t task_tgid;			/* its process (record-tgid), 0 if not shown */
	int cpu;
	double ts;				/* trace clock, seconds */
	int sig, err, code;
	/* STL_GENERATE */
	char target_comm[SIG_TRACE_COMM_MAX];
	pid_t target_pid;			/* a thread id */
	int group;				/* -1 if the kernel does not print it */
	int res;				/* SIG_TRACE_RES_*, -1 if not printed */
	/* STL_DELIVER */
	uint64_t handler, flags;		/* sa_handler, sa_flags: 0 SIG_DFL, 1 SIG_IGN, else a handler */
	/* STL_LOST */
	unsigned long lost;
	int lost_cpu;
};

/* Parses one line of trace_pipe (no newline needed). Returns 0 for a signal event or a lost
 * events notice, 1 for a line that is none of those (header comments, blank lines, other
 * events), -EBADMSG for a signal event line that is malformed. */
int sig_trace_parse_line(const char *line, size_t len, struct sig_trace_line *out);

/*
 * A comm may hold any byte but NUL, a newline too, and trace_pipe prints it as it is: one
 * event then arrives as several lines. The joiner puts such lines back together before they
 * are parsed. A comm is at most SIG_TRACE_COMM_LEN bytes, so:
 *   - a line that is no event, no lost-events notice and no comment, and short enough to be
 *     the start of a comm, is kept and put in front of the next event line when the joined
 *     sender comm is still short enough (else it is dropped: it was no event);
 *   - a signal_generate line that does not parse (the target's comm was cut) takes the lines
 *     that follow until it parses with a target comm short enough, or until it cannot any
 *     more (too long, or a line that starts an event of its own): then it is passed on as is
 *     (malformed) and the line is taken afresh.
 * signal_generate must then print grp= and res= (Linux 3.5 and later): a comm cannot fake
 * " pid=N grp=N res=N" (18 bytes at least) to end a cut line early.
 * emit gets every line in order, parsed (rc as sig_trace_parse_line returns).
 */
#define SIG_TRACE_COMM_LEN 15		/* TASK_COMM_LEN - 1 */
#define SIG_TRACE_JOIN_MAX 512

struct sig_trace_joiner {
	char buf[SIG_TRACE_JOIN_MAX];
	size_t len;
	int state;		/* 0 nothing kept, 1 the start of a sender comm, 2 a cut generate */
	unsigned lines;		/* lines joined into buf */
	size_t skip;		/* state 2: bytes of a sender comm's start in front of the line */
};

typedef void (*sig_trace_emit_fn)(void *arg, int rc, const struct sig_trace_line *l);

/* Feeds one line (without its newline). The joiner starts zeroed. */
void sig_trace_join(struct sig_trace_joiner *j, const char *line, size_t len,
		    sig_trace_emit_fn emit, void *arg);

/* The probe. Needs the process table (and proc_wait's threads) to have run. */
int sig_trace_collect(struct probe_ctx *ctx, void **state);
void sig_trace_fini(void *state);

/* Async-signal-safe: closes the trace fds and removes this process's instance. Idempotent. */
void sig_trace_cleanup_signal_safe(void);

#endif
