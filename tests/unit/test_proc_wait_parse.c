/*
 * test_proc_wait_parse.c - the pure parsers of probes/proc_wait.c on recorded and broken text:
 * /proc/<pid>/syscall, /proc/<pid>/wchan and a thread's status file.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "probes/proc_wait.h"
#include "tests/unit/testmain.h"

static int parse(const char *text, struct proc_syscall *sc)
{
	return proc_wait_parse_syscall(text, strlen(text), sc);
}

static void test_syscall_blocked(void)
{
	struct proc_syscall sc;

	/* recorded: sleep(1) blocked in clock_nanosleep (230 on x86_64) */
	CU_ASSERT_EQUAL(parse("230 0x0 0x0 0x7fffc3970750 0x7fffc3970790 0x0 0x0 0x7fffc3970738 "
			      "0x7f1bf2f72503\n", &sc), 0);
	CU_ASSERT_EQUAL(sc.state, PSC_IN_SYSCALL);
	CU_ASSERT_EQUAL(sc.nr, 230);
	CU_ASSERT_EQUAL(sc.args[0], 0);
	CU_ASSERT_EQUAL(sc.args[2], 0x7fffc3970750ULL);
	CU_ASSERT_EQUAL(sc.args[3], 0x7fffc3970790ULL);
	CU_ASSERT_EQUAL(sc.sp, 0x7fffc3970738ULL);
	CU_ASSERT_EQUAL(sc.pc, 0x7f1bf2f72503ULL);

	/* recorded: read(3, buf, 0x20000) */
	CU_ASSERT_EQUAL(parse("0 0x3 0x7f711b455000 0x20000 0x7f711b4e6b60 0xffffffff 0x0 "
			      "0x7ffc44b37688 0x7f711b5cf2ad", &sc), 0);
	CU_ASSERT_EQUAL(sc.nr, 0);
	CU_ASSERT_EQUAL(sc.args[0], 3);
	CU_ASSERT_EQUAL(sc.args[2], 0x20000);
	CU_ASSERT_EQUAL(sc.args[4], 0xffffffffULL);
	CU_ASSERT_EQUAL(sc.args[5], 0);

	/* full 64-bit values */
	CU_ASSERT_EQUAL(parse("7 0xffffffffffffffff 0x1 0x2 0x3 0x4 0x5 0x6 0x7\n", &sc), 0);
	CU_ASSERT_EQUAL(sc.args[0], 0xffffffffffffffffULL);
}

static void test_syscall_states(void)
{
	struct proc_syscall sc;

	CU_ASSERT_EQUAL(parse("running\n", &sc), 0);
	CU_ASSERT_EQUAL(sc.state, PSC_RUNNING);
	CU_ASSERT_EQUAL(sc.nr, -1);
	CU_ASSERT_EQUAL(parse("-1 0x7ffd1234 0x401000\n", &sc), 0);
	CU_ASSERT_EQUAL(sc.state, PSC_NOT_IN_SYSCALL);
	CU_ASSERT_EQUAL(sc.nr, -1);
	CU_ASSERT_EQUAL(sc.sp, 0x7ffd1234ULL);
	CU_ASSERT_EQUAL(sc.pc, 0x401000ULL);
}

static void test_syscall_malformed(void)
{
	struct proc_syscall sc;
	static const char *const bad[] = {
		"",
		"\n",
		"abc\n",
		"running now\n",
		"0 0x3 0x4\n",					/* too few arguments */
		"0 0x1 0x2 0x3 0x4 0x5 0x6 0x7\n",		/* no pc */
		"0 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8 0x9\n",	/* too many */
		"0 0xzz 0x2 0x3 0x4 0x5 0x6 0x7 0x8\n",
		"0 0x1ffffffffffffffff 0x2 0x3 0x4 0x5 0x6 0x7 0x8\n",	/* overflow */
		"-2 0x1 0x2\n",					/* only -1 exists */
		"-1 0x1\n",
		"-1 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8\n",
		"- 0x1 0x2\n",
		"99999999999 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8\n",
		"0x0 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8 junk\n",
		"1x 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i], &sc);

		if (rc != -EBADMSG)
			fprintf(stderr, "accepted malformed syscall line %zu: \"%s\"\n", i, bad[i]);
		CU_ASSERT_EQUAL(rc, -EBADMSG);
	}
	CU_ASSERT_EQUAL(proc_wait_parse_syscall(NULL, 0, &sc), -EBADMSG);
}

static void test_syscall_unterminated(void)
{
	struct proc_syscall sc;
	/* the buffer is not NUL-terminated: only len bytes may be read */
	char buf[] = { '6', '1', ' ', '0', 'x', '1', ' ', '0', 'x', '2', ' ', '0', 'x', '3', ' ',
		       '0', 'x', '4', ' ', '0', 'x', '5', ' ', '0', 'x', '6', ' ', '0', 'x', '7', ' ',
		       '0', 'x', '8', 'Z', 'Z' };

	CU_ASSERT_EQUAL(proc_wait_parse_syscall(buf, sizeof(buf) - 2, &sc), 0);
	CU_ASSERT_EQUAL(sc.nr, 61);
	CU_ASSERT_EQUAL(sc.args[5], 6);
	CU_ASSERT_EQUAL(sc.pc, 8);
	CU_ASSERT_EQUAL(proc_wait_parse_syscall(buf, sizeof(buf), &sc), -EBADMSG);
	CU_ASSERT_EQUAL(proc_wait_parse_syscall(buf, 5, &sc), -EBADMSG);
}

static void test_wchan(void)
{
	char out[64];

	CU_ASSERT_TRUE(proc_wait_parse_wchan("pipe_read", 9, out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "pipe_read");
	CU_ASSERT_TRUE(proc_wait_parse_wchan("do_wait\n", 8, out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "do_wait");
	CU_ASSERT_TRUE(proc_wait_parse_wchan("anon_pipe_read.constprop.0", 26, out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "anon_pipe_read.constprop.0");
	/* hidden or running */
	CU_ASSERT_FALSE(proc_wait_parse_wchan("0", 1, out, sizeof(out)));
	CU_ASSERT_FALSE(proc_wait_parse_wchan("", 0, out, sizeof(out)));
	/* not a symbol */
	CU_ASSERT_FALSE(proc_wait_parse_wchan("foo bar", 7, out, sizeof(out)));
	CU_ASSERT_FALSE(proc_wait_parse_wchan("0xffffffff81000000+", 19, out, sizeof(out)));
	/* truncated into a small buffer, never overflowed */
	CU_ASSERT_TRUE(proc_wait_parse_wchan("hrtimer_nanosleep", 17, out, 8));
	CU_ASSERT_STRING_EQUAL(out, "hrtimer");
}

/* recorded from a python3 worker thread (/proc/<pid>/task/<tid>/status), trimmed */
static const char thread_status[] =
	"Name:\tpython3\n"
	"Umask:\t0022\n"
	"State:\tS (sleeping)\n"
	"Tgid:\t25116\n"
	"Ngid:\t0\n"
	"Pid:\t25158\n"
	"PPid:\t25114\n"
	"TracerPid:\t0\n"
	"Uid:\t0\t0\t0\t0\n"
	"Threads:\t2\n"
	"SigQ:\t4/96365\n"
	"SigPnd:\t0000000000000200\n"
	"ShdPnd:\t0000000000000000\n"
	"SigBlk:\t0000000200000800\n"
	"SigIgn:\t0000000001001000\n"
	"SigCgt:\t0000000100000002\n"
	"CapInh:\t0000000000000000\n"
	"voluntary_ctxt_switches:\t1\n";

static void test_task_status(void)
{
	struct task_sigstate ts;

	CU_ASSERT_EQUAL(proc_wait_parse_task_status(thread_status, sizeof(thread_status) - 1, &ts), 0);
	CU_ASSERT_STRING_EQUAL(ts.name, "python3");
	CU_ASSERT_EQUAL(ts.state, 'S');
	CU_ASSERT_EQUAL(ts.tgid, 25116);
	CU_ASSERT_EQUAL(ts.pending, 0x200ULL);		/* SIGUSR1 (10) */
	CU_ASSERT_EQUAL(ts.blocked, 0x200000800ULL);	/* SIGUSR2 (bit 11) and 34 (bit 33) */
	CU_ASSERT_EQUAL(ts.shared_pending, 0);
}

static void test_task_status_malformed(void)
{
	struct task_sigstate ts;
	static const char no_blk[] = "Name:\tx\nSigPnd:\t0000000000000000\n";
	static const char bad_hex[] = "Name:\tx\nSigPnd:\t00000000000000zz\nSigBlk:\t0\n";
	static const char too_long[] = "SigPnd:\t00000000000000000\nSigBlk:\t0000000000000000\n";
	static const char ok_min[] = "SigBlk:\t0000000000000001\nSigPnd:\t0000000000000000";

	CU_ASSERT_EQUAL(proc_wait_parse_task_status(no_blk, sizeof(no_blk) - 1, &ts), -EBADMSG);
	CU_ASSERT_EQUAL(proc_wait_parse_task_status(bad_hex, sizeof(bad_hex) - 1, &ts), -EBADMSG);
	CU_ASSERT_EQUAL(proc_wait_parse_task_status(too_long, sizeof(too_long) - 1, &ts), -EBADMSG);
	CU_ASSERT_EQUAL(proc_wait_parse_task_status("", 0, &ts), -EBADMSG);
	CU_ASSERT_EQUAL(proc_wait_parse_task_status(ok_min, sizeof(ok_min) - 1, &ts), 0);
	CU_ASSERT_EQUAL(ts.blocked, 1);
	CU_ASSERT_EQUAL(ts.state, '?');
	CU_ASSERT_STRING_EQUAL(ts.name, "");
}

void test_register(void)
{
	TEST_SUITE("proc_wait parsers", NULL, NULL,
		   "syscall line of a blocked task", test_syscall_blocked,
		   "running / not in a syscall", test_syscall_states,
		   "malformed syscall lines", test_syscall_malformed,
		   "unterminated buffer", test_syscall_unterminated,
		   "wchan", test_wchan,
		   "thread status", test_task_status,
		   "malformed thread status", test_task_status_malformed);
}
