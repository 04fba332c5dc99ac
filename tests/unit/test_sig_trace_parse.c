/*
 * test_sig_trace_parse.c - the trace_pipe line parser of probes/sig_trace.c on lines recorded
 * from this kernel's signal tracepoints (with and without record-tgid), other kernels'
 * shapes, and broken lines.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "probes/sig_trace.h"
#include "tests/unit/testmain.h"

static int parse(const char *line, struct sig_trace_line *l)
{
	return sig_trace_parse_line(line, strlen(line), l);
}

static void test_generate_tgid(void)
{
	struct sig_trace_line l;

	/* recorded, options/record-tgid on: bash sends SIGUSR1 to a sleep */
	CU_ASSERT_EQUAL(parse("            bash-9499    (   9499) [000] d..1.   522.950156: "
			      "signal_generate: sig=10 errno=0 code=0 comm=bash pid=9507 grp=1 "
			      "res=0\n", &l), 0);
	CU_ASSERT_EQUAL(l.kind, STL_GENERATE);
	CU_ASSERT_STRING_EQUAL(l.task_comm, "bash");
	CU_ASSERT_EQUAL(l.task_pid, 9499);
	CU_ASSERT_EQUAL(l.task_tgid, 9499);
	CU_ASSERT_EQUAL(l.cpu, 0);
	CU_ASSERT_DOUBLE_EQUAL(l.ts, 522.950156, 1e-9);
	CU_ASSERT_EQUAL(l.sig, 10);
	CU_ASSERT_EQUAL(l.err, 0);
	CU_ASSERT_EQUAL(l.code, 0);
	CU_ASSERT_STRING_EQUAL(l.target_comm, "bash");
	CU_ASSERT_EQUAL(l.target_pid, 9507);
	CU_ASSERT_EQUAL(l.group, 1);
	CU_ASSERT_EQUAL(l.res, SIG_TRACE_RES_DELIVERED);

	/* recorded: SIGCHLD to a parent that already has one pending (res=2) */
	CU_ASSERT_EQUAL(parse("           sleep-9509    (   9509) [000] dN.2.   523.052177: "
			      "signal_generate: sig=17 errno=0 code=1 comm=bash pid=9499 grp=1 res=2",
			      &l), 0);
	CU_ASSERT_STRING_EQUAL(l.task_comm, "sleep");
	CU_ASSERT_EQUAL(l.task_pid, 9509);
	CU_ASSERT_EQUAL(l.sig, 17);
	CU_ASSERT_EQUAL(l.code, 1);
	CU_ASSERT_EQUAL(l.res, SIG_TRACE_RES_ALREADY_PENDING);

	/* unknown tgid */
	CU_ASSERT_EQUAL(parse("          <idle>-0       (-------) [001] d.h2.  1000.000001: "
			      "signal_generate: sig=14 errno=0 code=128 comm=app pid=77 grp=1 res=0",
			      &l), 0);
	CU_ASSERT_STRING_EQUAL(l.task_comm, "<idle>");
	CU_ASSERT_EQUAL(l.task_pid, 0);
	CU_ASSERT_EQUAL(l.task_tgid, 0);
	CU_ASSERT_EQUAL(l.cpu, 1);
	CU_ASSERT_EQUAL(l.code, 128);
}

static void test_comm_with_blanks(void)
{
	struct sig_trace_line l;

	/* recorded (no record-tgid): a comm with a blank and a dash, sending to itself */
	CU_ASSERT_EQUAL(parse("       my-proc x-28028   [001] d..1.  1011.537406: signal_generate: "
			      "sig=36 errno=0 code=0 comm=my-proc x pid=28028 grp=1 res=0", &l), 0);
	CU_ASSERT_STRING_EQUAL(l.task_comm, "my-proc x");
	CU_ASSERT_EQUAL(l.task_pid, 28028);
	CU_ASSERT_EQUAL(l.task_tgid, 0);
	CU_ASSERT_EQUAL(l.sig, 36);
	CU_ASSERT_STRING_EQUAL(l.target_comm, "my-proc x");
	CU_ASSERT_EQUAL(l.target_pid, 28028);

	/* recorded: tmux names its client "tmux: client" */
	CU_ASSERT_EQUAL(parse("    tmux: client-28070   [000] dN.2.  1011.503291: signal_generate: "
			      "sig=17 errno=0 code=1 comm=bash pid=26593 grp=1 res=0", &l), 0);
	CU_ASSERT_STRING_EQUAL(l.task_comm, "tmux: client");
	CU_ASSERT_EQUAL(l.task_pid, 28070);

	/* recorded: ignored signal (res=1) */
	CU_ASSERT_EQUAL(parse("       my-proc x-28028   [001] d..1.  1011.537414: signal_generate: "
			      "sig=12 errno=0 code=0 comm=my-proc x pid=28028 grp=1 res=1", &l), 0);
	CU_ASSERT_EQUAL(l.res, SIG_TRACE_RES_IGNORED);

	/* a target comm containing " pid=" itself: the last one is the field */
	CU_ASSERT_EQUAL(parse("a-1 [000] d..1. 1.5: signal_generate: sig=1 errno=0 code=0 "
			      "comm=x pid=y pid=42 grp=0 res=3", &l), 0);
	CU_ASSERT_STRING_EQUAL(l.target_comm, "x pid=y");
	CU_ASSERT_EQUAL(l.target_pid, 42);
	CU_ASSERT_EQUAL(l.group, 0);
	CU_ASSERT_EQUAL(l.res, SIG_TRACE_RES_OVERFLOW_FAIL);
}

static void test_deliver(void)
{
	struct sig_trace_line l;

	/* recorded: a handler runs (sa_handler is its address) */
	CU_ASSERT_EQUAL(parse("            bash-9508    (   9508) [001] d..1.   523.052683: "
			      "signal_deliver: sig=12 errno=0 code=0 sa_handler=56175fad47c0 "
			      "sa_flags=4000000", &l), 0);
	CU_ASSERT_EQUAL(l.kind, STL_DELIVER);
	CU_ASSERT_EQUAL(l.task_pid, 9508);
	CU_ASSERT_EQUAL(l.task_tgid, 9508);
	CU_ASSERT_EQUAL(l.cpu, 1);
	CU_ASSERT_EQUAL(l.sig, 12);
	CU_ASSERT_EQUAL(l.handler, 0x56175fad47c0ULL);
	CU_ASSERT_EQUAL(l.flags, 0x4000000ULL);

	/* recorded: a fatal SIGUSR1 is delivered as SIGKILL with the default action */
	CU_ASSERT_EQUAL(parse("            bash-9507    (   9507) [000] d..1.   522.951000: "
			      "signal_deliver: sig=9 errno=0 code=0 sa_handler=0 sa_flags=0", &l), 0);
	CU_ASSERT_EQUAL(l.sig, 9);
	CU_ASSERT_EQUAL(l.handler, 0);

	/* no irq-info flags column */
	CU_ASSERT_EQUAL(parse("  worker-12 [003] 77.000100: signal_deliver: sig=15 errno=0 code=0 "
			      "sa_handler=1 sa_flags=0", &l), 0);
	CU_ASSERT_STRING_EQUAL(l.task_comm, "worker");
	CU_ASSERT_EQUAL(l.cpu, 3);
	CU_ASSERT_EQUAL(l.handler, 1);
	CU_ASSERT_DOUBLE_EQUAL(l.ts, 77.0001, 1e-9);
}

static void test_old_kernel_shape(void)
{
	struct sig_trace_line l;

	/* before Linux 3.5 signal_generate had no grp= and res=: no longer taken (ipctop needs
	 * 5.6), because a target comm could then fake the end of a line (see test_join_spoof) */
	CU_ASSERT_EQUAL(parse("  kill-300 [000] d... 10.000001: signal_generate: sig=15 errno=0 "
			      "code=0 comm=sleep pid=301", &l), -EBADMSG);
}

static void test_lost_and_other_lines(void)
{
	struct sig_trace_line l;

	CU_ASSERT_EQUAL(parse("CPU:1 [LOST 42 EVENTS]\n", &l), 0);
	CU_ASSERT_EQUAL(l.kind, STL_LOST);
	CU_ASSERT_EQUAL(l.lost, 42);
	CU_ASSERT_EQUAL(l.lost_cpu, 1);
	/* not signal events: ignored, not errors */
	CU_ASSERT_EQUAL(parse("# tracer: nop", &l), 1);
	CU_ASSERT_EQUAL(parse("#           TASK-PID       TGID    CPU#  |||||  TIMESTAMP  FUNCTION",
			      &l), 1);
	CU_ASSERT_EQUAL(parse("", &l), 1);
	CU_ASSERT_EQUAL(parse("   \n", &l), 1);
	CU_ASSERT_EQUAL(parse("  bash-1 [000] d..1. 5.0: sched_switch: prev_comm=bash", &l), 1);
	CU_ASSERT_EQUAL(parse("CPU:x [LOST y EVENTS]", &l), 1);
	CU_ASSERT_EQUAL(sig_trace_parse_line(NULL, 0, &l), 1);
}

static void test_malformed(void)
{
	struct sig_trace_line l;
	static const char *const bad[] = {
		/* no timestamp */
		"bash-1 [000] d..1. : signal_generate: sig=10 errno=0 code=0 comm=x pid=2 grp=1 res=0",
		/* no [cpu] */
		"bash-1 d..1. 5.0: signal_generate: sig=10 errno=0 code=0 comm=x pid=2 grp=1 res=0",
		/* no pid after the task name */
		"bash [000] d..1. 5.0: signal_generate: sig=10 errno=0 code=0 comm=x pid=2 grp=1 res=0",
		/* garbage tgid */
		"bash-1 (  x1) [000] d..1. 5.0: signal_generate: sig=10 errno=0 code=0 comm=x pid=2 "
		"grp=1 res=0",
		/* field missing / out of order / not a number */
		"bash-1 [000] d..1. 5.0: signal_generate: errno=0 sig=10 code=0 comm=x pid=2 grp=1 res=0",
		"bash-1 [000] d..1. 5.0: signal_generate: sig=ten errno=0 code=0 comm=x pid=2 grp=1 res=0",
		"bash-1 [000] d..1. 5.0: signal_generate: sig=10 errno=0 code=0 comm=x grp=1 res=0",
		"bash-1 [000] d..1. 5.0: signal_generate: sig=10 errno=0 code=0 comm=x pid=2 grp=1",
		"bash-1 [000] d..1. 5.0: signal_generate: sig=10 errno=0 code=0 comm=x pid=2 grp=1 res=0 x",
		"bash-1 [000] d..1. 5.0: signal_generate: sig=10 errno=0 code=0 comm=x pid=-2 grp=1 res=0",
		/* signal out of range */
		"bash-1 [000] d..1. 5.0: signal_generate: sig=0 errno=0 code=0 comm=x pid=2 grp=1 res=0",
		"bash-1 [000] d..1. 5.0: signal_generate: sig=65 errno=0 code=0 comm=x pid=2 grp=1 res=0",
		/* deliver: bad hex, missing flags */
		"bash-1 [000] d..1. 5.0: signal_deliver: sig=10 errno=0 code=0 sa_handler=xyz sa_flags=0",
		"bash-1 [000] d..1. 5.0: signal_deliver: sig=10 errno=0 code=0 sa_handler=0",
		"bash-1 [000] d..1. 5.0: signal_deliver: sig=10 errno=0 code=0 sa_handler=12345678901234567"
		" sa_flags=0",
		/* truncated line */
		"bash-1 [000] d..1. 5.0: signal_generate: sig=10 errno=0 code=0 comm=",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i], &l);

		if (rc != -EBADMSG)
			fprintf(stderr, "line %zu: got %d for \"%s\"\n", i, rc, bad[i]);
		CU_ASSERT_EQUAL(rc, -EBADMSG);
	}
}

static void test_unterminated(void)
{
	struct sig_trace_line l;
	const char text[] = "x-5 [000] d..1. 2.0: signal_generate: sig=2 errno=0 code=0 comm=y "
			    "pid=6 grp=1 res=0GARBAGE";
	size_t len = strlen(text) - strlen("GARBAGE");

	CU_ASSERT_EQUAL(sig_trace_parse_line(text, len, &l), 0);
	CU_ASSERT_EQUAL(l.res, 0);
	CU_ASSERT_EQUAL(l.target_pid, 6);
	CU_ASSERT_EQUAL(sig_trace_parse_line(text, strlen(text), &l), -EBADMSG);
}

/* ---- lines split by a newline in a comm (sig_trace_join) ---- */

struct joined {
	int rc[16];
	struct sig_trace_line l[16];
	size_t n;
};

static void collect_joined(void *arg, int rc, const struct sig_trace_line *l)
{
	struct joined *o = arg;

	if (o->n < 16) {
		o->rc[o->n] = rc;
		o->l[o->n] = *l;
	}
	o->n++;
}

/* Feeds text as trace_pipe gives it (split at every newline) through a fresh joiner. */
static void join_text(const char *text, struct joined *o)
{
	struct sig_trace_joiner j;
	const char *p = text;

	memset(&j, 0, sizeof(j));
	memset(o, 0, sizeof(*o));
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		sig_trace_join(&j, p, n, collect_joined, o);
		p += n + (nl ? 1 : 0);
	}
}

#define GEN_PREFIX "            kill-700     [001] d..1.   10.000001: signal_generate: "

static void test_join_target_comm(void)
{
	struct joined o;

	/* the target called itself "a\nb": the sender is still known */
	join_text(GEN_PREFIX "sig=10 errno=0 code=0 comm=a\nb pid=701 grp=1 res=0\n", &o);
	CU_ASSERT_EQUAL_FATAL(o.n, 1u);
	CU_ASSERT_EQUAL(o.rc[0], 0);
	CU_ASSERT_EQUAL(o.l[0].task_pid, 700);
	CU_ASSERT_STRING_EQUAL(o.l[0].task_comm, "kill");
	CU_ASSERT_EQUAL(o.l[0].target_pid, 701);
	CU_ASSERT_STRING_EQUAL(o.l[0].target_comm, "a\nb");
	CU_ASSERT_EQUAL(o.l[0].sig, 10);

	/* a comm of newlines only, and one ending in a newline, then a normal line */
	join_text(GEN_PREFIX "sig=10 errno=0 code=0 comm=\n\n\n pid=702 grp=1 res=0\n"
		  GEN_PREFIX "sig=12 errno=0 code=0 comm=x\n pid=703 grp=1 res=0\n"
		  GEN_PREFIX "sig=15 errno=0 code=0 comm=plain pid=704 grp=1 res=0\n", &o);
	CU_ASSERT_EQUAL_FATAL(o.n, 3u);
	CU_ASSERT_EQUAL(o.rc[0], 0);
	CU_ASSERT_EQUAL(o.l[0].target_pid, 702);
	CU_ASSERT_STRING_EQUAL(o.l[0].target_comm, "\n\n\n");
	CU_ASSERT_EQUAL(o.rc[1], 0);
	CU_ASSERT_EQUAL(o.l[1].target_pid, 703);
	CU_ASSERT_STRING_EQUAL(o.l[1].target_comm, "x\n");
	CU_ASSERT_EQUAL(o.rc[2], 0);
	CU_ASSERT_EQUAL(o.l[2].target_pid, 704);
	CU_ASSERT_EQUAL(o.l[2].sig, 15);
}

static void test_join_sender_comm(void)
{
	struct joined o;

	/* the sender called itself "ev\nil" (printed right-aligned in 16 columns) */
	join_text("           ev\nil-800     [000] d..1.   11.5: signal_generate: sig=2 errno=0 "
		  "code=0 comm=t pid=801 grp=1 res=0\n"
		  "           ev\nil-800     [000] d..1.   11.6: signal_deliver: sig=2 errno=0 code=0 "
		  "sa_handler=0 sa_flags=0\n", &o);
	CU_ASSERT_EQUAL_FATAL(o.n, 2u);
	CU_ASSERT_EQUAL(o.rc[0], 0);
	CU_ASSERT_EQUAL(o.l[0].task_pid, 800);
	CU_ASSERT_STRING_EQUAL(o.l[0].task_comm, "ev\nil");
	CU_ASSERT_EQUAL(o.l[0].target_pid, 801);
	CU_ASSERT_EQUAL(o.rc[1], 0);
	CU_ASSERT_EQUAL(o.l[1].kind, STL_DELIVER);
	CU_ASSERT_STRING_EQUAL(o.l[1].task_comm, "ev\nil");

	/* both comms split, and a lost-events notice right after */
	join_text("x\ny\n  z-900 [001] d..1. 12.0: signal_generate: sig=10 errno=0 code=0 comm=p\nq\n"
		  "r pid=901 grp=1 res=0\nCPU:1 [LOST 3 EVENTS]\n", &o);
	CU_ASSERT_EQUAL_FATAL(o.n, 2u);
	CU_ASSERT_EQUAL(o.rc[0], 0);
	CU_ASSERT_STRING_EQUAL(o.l[0].task_comm, "x\ny\n  z");
	CU_ASSERT_EQUAL(o.l[0].task_pid, 900);
	CU_ASSERT_STRING_EQUAL(o.l[0].target_comm, "p\nq\nr");
	CU_ASSERT_EQUAL(o.l[0].target_pid, 901);
	CU_ASSERT_EQUAL(o.rc[1], 0);
	CU_ASSERT_EQUAL(o.l[1].kind, STL_LOST);
	CU_ASSERT_EQUAL(o.l[1].lost, 3u);
}

static void test_join_spoof(void)
{
	struct joined o;

	/* a target comm that tries to end the cut line early as a signal to pid 1 */
	join_text(GEN_PREFIX "sig=9 errno=0 code=0 comm=a pid=1\nzz pid=950 grp=1 res=0\n", &o);
	CU_ASSERT_EQUAL_FATAL(o.n, 1u);
	CU_ASSERT_EQUAL(o.rc[0], 0);
	CU_ASSERT_EQUAL(o.l[0].target_pid, 950);
	CU_ASSERT_STRING_EQUAL(o.l[0].target_comm, "a pid=1\nzz");

	/* a truly cut line followed by a whole event: the cut one is malformed, the next kept */
	join_text(GEN_PREFIX "sig=9 errno=0 code=0 comm=abc\n"
		  GEN_PREFIX "sig=15 errno=0 code=0 comm=d pid=960 grp=1 res=0\n", &o);
	CU_ASSERT_EQUAL_FATAL(o.n, 2u);
	CU_ASSERT_EQUAL(o.rc[0], -EBADMSG);
	CU_ASSERT_EQUAL(o.rc[1], 0);
	CU_ASSERT_EQUAL(o.l[1].target_pid, 960);
	CU_ASSERT_EQUAL(o.l[1].sig, 15);

	/* lines that cannot be part of a comm are passed on as they are */
	join_text("# tracer: nop\nthis line is far too long to be the start of a comm\n"
		  GEN_PREFIX "sig=15 errno=0 code=0 comm=d pid=961 grp=1 res=0\n", &o);
	CU_ASSERT_EQUAL_FATAL(o.n, 3u);
	CU_ASSERT_EQUAL(o.rc[0], 1);
	CU_ASSERT_EQUAL(o.rc[1], 1);
	CU_ASSERT_EQUAL(o.rc[2], 0);
	CU_ASSERT_STRING_EQUAL(o.l[2].task_comm, "kill");

	/* a long run of fragments never grows without bound: given up, then a whole event */
	join_text(GEN_PREFIX "sig=9 errno=0 code=0 comm=a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n"
		  "n\no\np\nq\nr\n"
		  GEN_PREFIX "sig=15 errno=0 code=0 comm=d pid=962 grp=1 res=0\n", &o);
	CU_ASSERT(o.n >= 2);
	CU_ASSERT_EQUAL(o.rc[0], -EBADMSG);
	CU_ASSERT_EQUAL(o.l[o.n - 1].target_pid, 962);
}

void test_register(void)
{
	TEST_SUITE("signal trace lines", NULL, NULL,
		   "signal_generate with record-tgid", test_generate_tgid,
		   "comm with blanks and dashes", test_comm_with_blanks,
		   "signal_deliver", test_deliver,
		   "pre-3.5 signal_generate", test_old_kernel_shape,
		   "lost events and other lines", test_lost_and_other_lines,
		   "malformed lines", test_malformed,
		   "unterminated buffer", test_unterminated,
		   "join: a newline in the target's comm", test_join_target_comm,
		   "join: a newline in the sender's comm", test_join_sender_comm,
		   "join: comms that try to fake or flood", test_join_spoof);
}
