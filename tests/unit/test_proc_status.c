/*
 * test_proc_status.c - the /proc/<pid>/stat, status and cmdline parsers on inline text, and
 * the proc_table probe end to end on recorded fixture trees (--sysroot path).
 *
 * Fixture sysv-basic was recorded from real processes (see its ids file): a parent, two
 * children attaching a segment, one blocked in semop, one with SIGUSR1 blocked and pending,
 * a zombie, an orphan re-parented to pid 1, and kthreadd (pid 2).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "probes/collect.h"
#include "probes/proc_status.h"
#include "src/snapshot.h"
#include "tests/unit/testmain.h"

/* ids of fixture sysv-basic (tests/fixtures/sysv-basic/ids) */
#define FX_MAIN 13158
#define FX_KID_SHM1 13159
#define FX_KID_SHM2 13160
#define FX_KID_SEM 13161
#define FX_KID_SIG 13162
#define FX_ZOMBIE 13163
#define FX_ORPHAN 13165

static const char kthreadd_stat[] =
	"2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 24 0 0 18446744073709551615 0 0 "
	"0 0 0 0 0 2147483647 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

static const char child_stat[] =
	"13160 (record) S 13158 13155 3650 0 -1 4194368 20 0 0 0 0 0 0 0 20 0 1 0 75209 2408448 "
	"112 18446744073709551615 93893871702016 93893871704557 140728037436016 0 0 0 0 0 0 1 0 0 "
	"17 1 0 0 0 0 0 93893871713744 93893871714584 93894096519168 140728037440104 "
	"140728037440145 140728037440145 140728037441513 0\n";

static const char sig_status[] =
	"Name:\trecord\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t13162\nNgid:\t0\nPid:\t13162\n"
	"PPid:\t13158\nTracerPid:\t0\nUid:\t1000\t1001\t1002\t1003\nGid:\t0\t0\t0\t0\n"
	"FDSize:\t256\nGroups:\t \nKthread:\t0\nVmPeak:\t    2344 kB\nThreads:\t1\n"
	"SigQ:\t2/96365\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000200\n"
	"SigBlk:\t0000000000000200\nSigIgn:\t0000000000000800\nSigCgt:\t8000000000000001\n"
	"CapInh:\t0000000000000000\nvoluntary_ctxt_switches:\t1\n";

/* ---- stat ---- */

static void test_stat_real(void)
{
	struct proc_stat_fields f;

	CU_ASSERT_EQUAL(proc_stat_parse(child_stat, strlen(child_stat), &f), 0);
	CU_ASSERT_EQUAL(f.pid, 13160);
	CU_ASSERT_STRING_EQUAL(f.comm, "record");
	CU_ASSERT_EQUAL(f.state, 'S');
	CU_ASSERT_EQUAL(f.ppid, 13158);
	CU_ASSERT_EQUAL(f.pgrp, 13155);
	CU_ASSERT_EQUAL(f.session, 3650);
	CU_ASSERT_EQUAL(f.flags, 4194368UL);
	CU_ASSERT_EQUAL(f.num_threads, 1);
	CU_ASSERT_EQUAL(f.starttime, 75209ULL);
	CU_ASSERT_EQUAL(f.startstack, 140728037436016ULL);	/* (28): the exec evidence */
	CU_ASSERT_FALSE(f.flags & PROC_PF_KTHREAD);

	CU_ASSERT_EQUAL(proc_stat_parse(kthreadd_stat, strlen(kthreadd_stat), &f), 0);
	CU_ASSERT_EQUAL(f.pid, 2);
	CU_ASSERT_STRING_EQUAL(f.comm, "kthreadd");
	CU_ASSERT_EQUAL(f.ppid, 0);
	CU_ASSERT_TRUE(f.flags & PROC_PF_KTHREAD);
	CU_ASSERT_EQUAL(f.starttime, 24ULL);
	CU_ASSERT_EQUAL(f.startstack, 0ULL);
}

/* Fields after (22) are optional: absent or malformed, startstack is unknown (0), the rest
 * still parses. */
static void test_stat_startstack_optional(void)
{
	static const char short_line[] = "5 (sh) S 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42\n";
	static const char cut[] = "5 (sh) S 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42 100 2 3 4 5\n";
	static const char bad[] = "5 (sh) S 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42 100 2 3 4 5 "
				  "0x7ff 0\n";
	static const char ok[] = "5 (sh) S 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42 100 2 3 4 5 "
				 "140737488347136 0\n";
	struct proc_stat_fields f;

	CU_ASSERT_EQUAL(proc_stat_parse(short_line, strlen(short_line), &f), 0);
	CU_ASSERT_EQUAL(f.starttime, 42ULL);
	CU_ASSERT_EQUAL(f.startstack, 0ULL);
	CU_ASSERT_EQUAL(proc_stat_parse(cut, strlen(cut), &f), 0);
	CU_ASSERT_EQUAL(f.startstack, 0ULL);
	CU_ASSERT_EQUAL(proc_stat_parse(bad, strlen(bad), &f), 0);
	CU_ASSERT_EQUAL(f.startstack, 0ULL);
	CU_ASSERT_EQUAL(f.starttime, 42ULL);
	CU_ASSERT_EQUAL(proc_stat_parse(ok, strlen(ok), &f), 0);
	CU_ASSERT_EQUAL(f.startstack, 140737488347136ULL);
}

static void test_stat_comm_parens(void)
{
	static const char line[] = "77 (a) b (c)) Z 1 77 77 0 -1 4227148 0 0 0 0 0 0 0 0 20 0 1 0 "
				   "99 0 0\n";
	static const char longname[] =
		"9 (kworker/u8:0-writeback-and-a-much-longer-name-than-fits-in-the-buffer-for-sure-"
		"really-much-longer-than-eighty-bytes) I "
		"2 0 0 0 -1 69238880 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0\n";
	struct proc_stat_fields f;

	CU_ASSERT_EQUAL(proc_stat_parse(line, strlen(line), &f), 0);
	CU_ASSERT_STRING_EQUAL(f.comm, "a) b (c)");
	CU_ASSERT_EQUAL(f.state, 'Z');
	CU_ASSERT_EQUAL(f.ppid, 1);
	CU_ASSERT_EQUAL(f.starttime, 99ULL);
	/* a long kernel-thread name is cut to fit, the rest still parses */
	CU_ASSERT_EQUAL(proc_stat_parse(longname, strlen(longname), &f), 0);
	CU_ASSERT_EQUAL(strlen(f.comm), PROC_COMM_MAX - 1);
	CU_ASSERT_EQUAL(strncmp(f.comm, "kworker/u8:0-writeback", 22), 0);
	CU_ASSERT_EQUAL(f.state, 'I');
	CU_ASSERT_EQUAL(f.starttime, 5ULL);
}

static void test_stat_malformed(void)
{
	static const char *const bad[] = {
		"",
		"\n",
		"100 (trunc) S 1 100 100 0 -1 4194304 1\n",			/* truncated */
		"100 trunc S 1 100 100 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 5\n", /* no () */
		"100 (x S 1 100 100 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 5\n",	/* no ) */
		"100 (x) S one 100 100 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 5\n", /* word */
		"100 (x) S -1 100 100 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 5\n",  /* negative ppid */
		"100 (x) S 1 100 100 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 "
		"99999999999999999999999\n",					/* huge starttime */
		"100 (x) S 4294967296 100 100 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 5\n", /* huge pid */
		"x100 (x) S 1 100 100 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 5\n", /* bad pid */
		"100 (x) SS 1 100 100 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 5\n", /* bad state */
		"100 (x) S 1 100 100 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0  5\n", /* empty field */
	};
	struct proc_stat_fields f;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = proc_stat_parse(bad[i], strlen(bad[i]), &f);

		if (rc != -EBADMSG)
			fprintf(stderr, "accepted bad stat %zu: %s", i, bad[i]);
		CU_ASSERT_EQUAL(rc, -EBADMSG);
	}
}

/* ---- status ---- */

static void test_status_real(void)
{
	struct proc_status_fields f;

	CU_ASSERT_EQUAL(proc_status_parse(sig_status, strlen(sig_status), &f), 0);
	CU_ASSERT_EQUAL(f.bad, 0u);
	CU_ASSERT_STRING_EQUAL(f.name, "record");
	CU_ASSERT_EQUAL(f.state, 'S');
	CU_ASSERT_EQUAL(f.tgid, 13162);
	CU_ASSERT_EQUAL(f.pid, 13162);
	CU_ASSERT_EQUAL(f.ppid, 13158);
	CU_ASSERT_EQUAL(f.ruid, 1000u);
	CU_ASSERT_EQUAL(f.euid, 1001u);
	CU_ASSERT_EQUAL(f.threads, 1);
	CU_ASSERT_EQUAL(f.sigq_queued, 2);
	CU_ASSERT_EQUAL(f.sigq_limit, 96365);
	CU_ASSERT_EQUAL(f.sig[SIGSET_PENDING], 0u);
	CU_ASSERT_EQUAL(f.sig[SIGSET_SHARED_PENDING], 1u << (SIGUSR1 - 1));
	CU_ASSERT_EQUAL(f.sig[SIGSET_BLOCKED], 1u << (SIGUSR1 - 1));
	CU_ASSERT_EQUAL(f.sig[SIGSET_IGNORED], 1u << (SIGUSR2 - 1));
	CU_ASSERT_EQUAL(f.sig[SIGSET_CAUGHT], 0x8000000000000001ULL);	/* SIGHUP and signal 64 */
	CU_ASSERT_TRUE(f.have & PSF_KTHREAD);
	CU_ASSERT_FALSE(f.kthread);
}

static void test_status_malformed(void)
{
	struct proc_status_fields f;
	char buf[4096];
	const char *t;
	char *p;

	/* empty */
	CU_ASSERT_EQUAL(proc_status_parse("", 0, &f), -EBADMSG);
	CU_ASSERT_EQUAL(f.have, 0u);
	CU_ASSERT_EQUAL(f.sigq_queued, SNAP_UNKNOWN);

	/* no SigQ line: the rest is still usable */
	snprintf(buf, sizeof(buf), "%s", sig_status);
	p = strstr(buf, "SigQ:");
	memmove(p, strchr(p, '\n') + 1, strlen(strchr(p, '\n') + 1) + 1);
	CU_ASSERT_EQUAL(proc_status_parse(buf, strlen(buf), &f), -EBADMSG);
	CU_ASSERT_FALSE(f.have & PSF_SIGQ);
	CU_ASSERT_TRUE((f.have & PSF_SIGNALS) == PSF_SIGNALS);
	CU_ASSERT_EQUAL(f.sigq_queued, SNAP_UNKNOWN);

	/* a mask with a non-hex digit, and one with too few digits */
	snprintf(buf, sizeof(buf), "%s", sig_status);
	memcpy(strstr(buf, "SigBlk:\t") + 8, "zz", 2);
	CU_ASSERT_EQUAL(proc_status_parse(buf, strlen(buf), &f), -EBADMSG);
	CU_ASSERT_TRUE(f.bad & PSF_SIGBLK);
	CU_ASSERT_FALSE(f.have & PSF_SIGBLK);
	CU_ASSERT_TRUE(f.have & PSF_SIGIGN);
	t = "SigQ:\t0/1\nUid:\t0\t0\t0\t0\nSigPnd:\t00\n";
	CU_ASSERT_EQUAL(proc_status_parse(t, strlen(t), &f), -EBADMSG);
	CU_ASSERT_TRUE(f.bad & PSF_SIGPND);

	/* Uid out of range; SigQ without a limit; Threads a word */
	t = "Uid:\t99999999999\t0\t0\t0\nSigQ:\t3\nThreads:\tmany\n";
	CU_ASSERT_EQUAL(proc_status_parse(t, strlen(t), &f), -EBADMSG);
	CU_ASSERT_TRUE(f.bad & PSF_UID);
	CU_ASSERT_TRUE(f.bad & PSF_SIGQ);
	CU_ASSERT_TRUE(f.bad & PSF_THREADS);

	/* file cut inside its last line: "Threads:\t1" could have been 13 */
	snprintf(buf, sizeof(buf), "%s", sig_status);
	p = strstr(buf, "Threads:\t1") + 10;
	*p = '\0';
	CU_ASSERT_EQUAL(proc_status_parse(buf, strlen(buf), &f), -EBADMSG);
	CU_ASSERT_TRUE(f.bad & PSF_THREADS);
	CU_ASSERT_FALSE(f.have & PSF_THREADS);
	CU_ASSERT_TRUE(f.have & PSF_UID);
}

static void test_cmdline_join(void)
{
	char a[] = "sleep\0" "100\0";
	char b[] = "nginx: worker process\0\0\0\0\0";
	char c[] = "no-trailing-nul";
	char d[] = "";
	char e[] = "a\0\0b\0";

	CU_ASSERT_EQUAL(proc_cmdline_join(a, sizeof(a) - 1), 9u);
	CU_ASSERT_STRING_EQUAL(a, "sleep 100");
	CU_ASSERT_EQUAL(proc_cmdline_join(b, sizeof(b) - 1), 21u);
	CU_ASSERT_STRING_EQUAL(b, "nginx: worker process");
	CU_ASSERT_EQUAL(proc_cmdline_join(c, sizeof(c) - 1), 15u);
	CU_ASSERT_STRING_EQUAL(c, "no-trailing-nul");
	CU_ASSERT_EQUAL(proc_cmdline_join(d, 0), 0u);
	CU_ASSERT_STRING_EQUAL(d, "");
	CU_ASSERT_EQUAL(proc_cmdline_join(e, sizeof(e) - 1), 4u);	/* an empty argument */
	CU_ASSERT_STRING_EQUAL(e, "a  b");
}

/* ---- the probe on fixture trees ---- */

/* p->error set by proc_table (other probes may explain their own unknowns there too) */
static bool own_error(const struct proc_rec *p)
{
	static const char *const files[] = { "stat:", "status:", "cmdline:" };

	for (size_t i = 0; p->error && i < sizeof(files) / sizeof(files[0]); i++)
		if (strncmp(p->error, files[i], strlen(files[i])) == 0)
			return true;
	return false;
}

static struct snapshot *collect_fixture(const char *scenario)
{
	struct collector *c;
	struct snapshot *s = NULL;
	int err = 0;

	c = collector_new(&(struct collect_opts){ .sysroot = test_fixture(scenario) }, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(collector_collect(c, &s), 0);
	collector_free(c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	snapshot_sort(s);
	return s;
}

static bool has_error(const struct snapshot *s, const char *where, const char *error)
{
	for (size_t i = 0; i < s->n_errors; i++)
		if (strcmp(s->errors[i].where, where) == 0 && strcmp(s->errors[i].error, error) == 0)
			return true;
	return false;
}

/* errors whose where is "pid N" or "pid N stat|status|cmdline" (this probe's) */
static size_t count_proc_errors(const struct snapshot *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_errors; i++) {
		const char *w = s->errors[i].where, *sp;

		if (strncmp(w, "pid ", 4) != 0)
			continue;
		sp = strchr(w + 4, ' ');
		if (!sp || !strcmp(sp, " stat") || !strcmp(sp, " status") || !strcmp(sp, " cmdline"))
			n++;
	}
	return n;
}

static bool source_ok(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->n_sources; i++)
		if (strcmp(s->sources[i].name, name) == 0)
			return s->sources[i].ok;
	return false;
}

static void test_fixture_basic(void)
{
	struct snapshot *s = collect_fixture("sysv-basic");
	const struct proc_rec *p;

	CU_ASSERT_TRUE(source_ok(s, "proc_table"));
	CU_ASSERT_EQUAL(count_proc_errors(s), 0u);
	CU_ASSERT_EQUAL(s->n_procs, 8u);

	p = snapshot_find_proc(s, FX_MAIN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->ppid, 13155);
	CU_ASSERT_EQUAL(p->pgid, 13155);
	CU_ASSERT_EQUAL(p->sid, 3650);
	CU_ASSERT_EQUAL(p->state, 'S');
	CU_ASSERT_STRING_EQUAL(p->comm, "record");
	CU_ASSERT_STRING_EQUAL(p->cmdline, "/tmp/p1/record tests/fixtures/sysv-basic");
	CU_ASSERT_EQUAL(p->uid, 0);
	CU_ASSERT_EQUAL(p->nthreads, 1);
	CU_ASSERT_EQUAL(p->start_ticks, 75209ULL);
	CU_ASSERT_FALSE(p->kthread);
	CU_ASSERT_FALSE(p->zombie);
	CU_ASSERT_FALSE(p->orphan);
	CU_ASSERT_TRUE(p->sig_known);
	CU_ASSERT_EQUAL(p->sig[SIGSET_BLOCKED], 1u << (SIGCHLD - 1));
	CU_ASSERT_EQUAL(p->sig[SIGSET_IGNORED], (1u << (SIGINT - 1)) | (1u << (SIGQUIT - 1)));
	CU_ASSERT_EQUAL(p->sigq_queued, 2);
	CU_ASSERT_EQUAL(p->sigq_limit, 96365);
	CU_ASSERT_FALSE(own_error(p));

	p = snapshot_find_proc(s, FX_KID_SIG);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->ppid, FX_MAIN);
	CU_ASSERT_TRUE(p->sig_known);
	CU_ASSERT_EQUAL(p->sig[SIGSET_PENDING], 0u);
	CU_ASSERT_EQUAL(p->sig[SIGSET_SHARED_PENDING], 1u << (SIGUSR1 - 1));
	CU_ASSERT_EQUAL(p->sig[SIGSET_BLOCKED], 1u << (SIGUSR1 - 1));
	CU_ASSERT_EQUAL(p->sig[SIGSET_IGNORED], 1u << (SIGUSR2 - 1));
	CU_ASSERT_EQUAL(p->sig[SIGSET_CAUGHT], 0u);

	p = snapshot_find_proc(s, FX_ZOMBIE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_TRUE(p->zombie);
	CU_ASSERT_EQUAL(p->state, 'Z');
	CU_ASSERT_STRING_EQUAL(p->cmdline, "");
	CU_ASSERT_FALSE(p->orphan);

	p = snapshot_find_proc(s, FX_ORPHAN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->ppid, 1);
	CU_ASSERT_EQUAL(p->pgid, 13155);
	CU_ASSERT_TRUE(p->orphan);

	p = snapshot_find_proc(s, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_TRUE(p->kthread);
	CU_ASSERT_STRING_EQUAL(p->comm, "kthreadd");
	CU_ASSERT_STRING_EQUAL(p->cmdline, "");
	CU_ASSERT_FALSE(p->orphan);
	CU_ASSERT_EQUAL(p->sig[SIGSET_IGNORED], ~0ULL);

	for (pid_t k = FX_KID_SHM1; k <= FX_KID_SIG; k++) {
		p = snapshot_find_proc(s, k);
		CU_ASSERT_PTR_NOT_NULL(p);
		if (p) {
			CU_ASSERT_EQUAL(p->ppid, FX_MAIN);
			CU_ASSERT_FALSE(p->orphan);
			CU_ASSERT_STRING_EQUAL(p->cmdline, "/tmp/p1/record tests/fixtures/sysv-basic");
		}
	}
	snapshot_unref(s);
}

static void test_fixture_malformed(void)
{
	struct snapshot *s = collect_fixture("sysv-malformed");
	const struct proc_rec *p;

	CU_ASSERT_TRUE(source_ok(s, "proc_table"));
	/* 100 101 103 104 105 106 107; 102 lost its status: gone mid-scan */
	CU_ASSERT_EQUAL(s->n_procs, 7u);
	CU_ASSERT_PTR_NULL(snapshot_find_proc(s, 102));
	CU_ASSERT_TRUE(has_error(s, "pid 102", "exited during scan"));

	/* truncated stat: what status tells is kept, the rest unknown */
	p = snapshot_find_proc(s, 100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_TRUE(has_error(s, "pid 100 stat", "malformed"));
	CU_ASSERT_EQUAL(p->ppid, 13158);
	CU_ASSERT_EQUAL(p->state, 'S');
	CU_ASSERT_EQUAL(p->start_ticks, 0ULL);
	CU_ASSERT_STRING_EQUAL(p->cmdline, "a b");
	CU_ASSERT_STRING_EQUAL(p->error, "stat: malformed");

	/* a bad mask: signals unknown, uid still known */
	p = snapshot_find_proc(s, 101);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_TRUE(has_error(s, "pid 101 status", "malformed"));
	CU_ASSERT_FALSE(p->sig_known);
	CU_ASSERT_EQUAL(p->uid, 0);
	CU_ASSERT_EQUAL(p->sigq_limit, 96365);
	CU_ASSERT_STRING_EQUAL(p->cmdline, "/bin/x -y");

	p = snapshot_find_proc(s, 103);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->comm, "we) (ird");
	CU_ASSERT_STRING_EQUAL(p->cmdline, "worker: idle");
	CU_ASSERT_EQUAL(p->start_ticks, 75209ULL);
	CU_ASSERT_FALSE(own_error(p));

	p = snapshot_find_proc(s, 104);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->uid, SNAP_UNKNOWN);
	CU_ASSERT_TRUE(p->sig_known);
	CU_ASSERT_TRUE(has_error(s, "pid 104 status", "malformed"));

	CU_ASSERT_TRUE(has_error(s, "pid 106 stat", "malformed"));	/* says pid 999 */

	p = snapshot_find_proc(s, 107);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_FALSE(p->sig_known);			/* SigCgt cut */
	CU_ASSERT_EQUAL(p->uid, 0);
	CU_ASSERT_TRUE(has_error(s, "pid 107 status", "malformed"));

	/* exactly these, nothing else from this probe */
	CU_ASSERT_EQUAL(count_proc_errors(s), 6u);
	snapshot_unref(s);
}

static void test_fixture_empty(void)
{
	struct snapshot *s = collect_fixture("sysv-empty");
	const struct proc_rec *p = snapshot_find_proc(s, 200);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->state, '?');
	CU_ASSERT_STRING_EQUAL(p->comm, "?");
	CU_ASSERT_EQUAL(p->uid, SNAP_UNKNOWN);
	CU_ASSERT_FALSE(p->sig_known);
	CU_ASSERT_EQUAL(p->sigq_queued, SNAP_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(p->cmdline, "");
	CU_ASSERT_TRUE(has_error(s, "pid 200 stat", "malformed"));
	CU_ASSERT_TRUE(has_error(s, "pid 200 status", "malformed"));
	snapshot_unref(s);
}

/* Name: as fs/proc/array.c writes it (only '\n' and '\\' escaped) back to the real comm;
 * other bytes (ESC, 0x9b, U+202E) are kept as they are. */
static void test_status_name(void)
{
	static const struct {
		const char *line, *name;
	} cases[] = {
		{ "nl\\nA\\\\b", "nl\nA\\b" },
		{ "\\\\n", "\\n" },			/* an escaped backslash, then 'n' */
		{ "a\\x", "a\\x" },			/* not an escape the kernel writes */
		{ "end\\", "end\\" },
		{ "\x1b\x9b\xe2\x80\xae", "\x1b\x9b\xe2\x80\xae" },
	};
	char out[PROC_COMM_MAX], small[4];
	struct proc_status_fields f;
	static const char status[] = "Name:\tq\\n\\\\x\nUid:\t0\t0\t0\t0\n";

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		proc_status_name(cases[i].line, strlen(cases[i].line), out, sizeof(out));
		CU_ASSERT_STRING_EQUAL(out, cases[i].name);
	}
	proc_status_name("abcdef", 6, small, sizeof(small));
	CU_ASSERT_STRING_EQUAL(small, "abc");
	proc_status_parse(status, strlen(status), &f);
	CU_ASSERT_TRUE(f.have & PSF_NAME);
	CU_ASSERT_STRING_EQUAL(f.name, "q\n\\x");
}

void test_register(void)
{
	TEST_SUITE("proc_status", NULL, NULL,
		   "status: Name unescaped to the real comm", test_status_name,
		   "stat: recorded lines", test_stat_real,
		   "stat: startstack optional", test_stat_startstack_optional,
		   "stat: comm with spaces and parentheses", test_stat_comm_parens,
		   "stat: malformed", test_stat_malformed,
		   "status: recorded text", test_status_real,
		   "status: malformed and missing fields", test_status_malformed,
		   "cmdline: join", test_cmdline_join,
		   "proc_table on fixture sysv-basic", test_fixture_basic,
		   "proc_table on fixture sysv-malformed", test_fixture_malformed,
		   "proc_table on fixture sysv-empty", test_fixture_empty);
}
