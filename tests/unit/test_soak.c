/*
 * test_soak.c - memory stays flat across thousands of refreshes (issue 7, hostile conditions).
 *
 * The sampler samples only what the test owns: the soak runs in a child that is the first
 * process of its own pid, IPC, network and mount namespaces (its own /proc, /dev/shm and
 * /dev/mqueue), so every snapshot holds the test's processes and objects and nothing of the
 * rest of the machine (other tests and helpers coming and going do not change what it
 * measures). The parent asserts on what the child reports through a pipe. Needs root (to
 * create the namespaces); skipped otherwise. In another pid namespace the BPF descriptor
 * iterator is off (it would see the whole machine), so the soak covers the /proc path.
 *
 * The sampler runs for SOAK_SNAPSHOTS snapshots (3000; 500 under AddressSanitizer, enough for
 * its leak check; $IPCTOP_SOAK_SNAPSHOTS overrides) with a few objects of its own
 * around: a pipe with a child blocked reading it, a queue holding messages, an attached
 * segment, a semaphore set; every 100 snapshots a queue is replaced and a short-lived child
 * is forked and reaped, so the diffs see objects and processes come and go. Each pair of
 * snapshots is diffed; every 50th snapshot is also written as JSON and as text.
 *
 * Memory: every 10th snapshot after a warm-up, free heap is handed back (malloc_trim) and the
 * resident set size read (/proc/self/statm). The lowest RSS of the last 500 snapshots may
 * exceed the lowest of the 500 after the warm-up by at most SOAK_RSS_BOUND_KIB: a leak raises
 * that floor for good. Under AddressSanitizer the bound does not apply (its quarantine keeps
 * freed memory on purpose); its leak check at the child's exit does the job there (the
 * child's exit status is checked). Every object is removed and every child reaped on every
 * exit, SIGINT/SIGTERM included: the parent kills the namespace's first process, which takes
 * every process of the namespace with it, and the IPC namespace's objects go with its last
 * process. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/diff.h"
#include "src/json_out.h"
#include "src/sampler.h"
#include "src/text_out.h"
#include "tests/unit/testmain.h"

#if defined(__SANITIZE_ADDRESS__)
#define SOAK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOAK_ASAN 1
#endif
#endif
#ifndef SOAK_ASAN
#define SOAK_ASAN 0
#endif

#define SOAK_SNAPSHOTS (SOAK_ASAN ? 500 : 3000)
#define SOAK_WARMUP 500
#define SOAK_WINDOW 500
#define SOAK_RSS_BOUND_KIB 2048

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* Everything the test owns, for the cleanup (async-signal-safe: only syscalls). */
static volatile int msq = -1, churn_msq = -1, shmid = -1, semid = -1;
static volatile pid_t reader = 0;
static int pfd[2] = { -1, -1 };
static void *shmaddr = (void *)-1;

static void remove_objects(void)
{
	if (msq >= 0)
		msgctl(msq, IPC_RMID, NULL);
	if (churn_msq >= 0)
		msgctl(churn_msq, IPC_RMID, NULL);
	if (shmid >= 0)
		shmctl(shmid, IPC_RMID, NULL);
	if (semid >= 0)
		semctl(semid, 0, IPC_RMID);
	msq = churn_msq = shmid = semid = -1;
	if (reader > 0) {
		kill(reader, SIGKILL);
		waitpid(reader, NULL, 0);
		reader = 0;
	}
}

static void on_signal(int sig)
{
	remove_objects();
	signal(sig, SIG_DFL);
	raise(sig);
}

static long rss_kib(void)
{
	char buf[128];
	long size = 0, resident = -1;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%ld %ld", &size, &resident) != 2)
		return -1;
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int new_queue(void)
{
	struct {
		long mtype;
		char text[100];
	} m = { .mtype = 1 };
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	if (id >= 0) {
		memset(m.text, 'q', sizeof(m.text));
		msgsnd(id, &m, sizeof(m.text), IPC_NOWAIT);
		msgsnd(id, &m, sizeof(m.text) / 2, IPC_NOWAIT);
	}
	return id;
}

static int teardown(void);

static int setup_objects(void)
{
	struct sigaction sa;
	unsigned short vals[2] = { 1, 0 };
	union semun arg = { .array = vals };
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (pipe(pfd) < 0)
		return -1;
	msq = new_queue();
	churn_msq = new_queue();
	shmid = shmget(IPC_PRIVATE, 65536, IPC_CREAT | 0600);
	semid = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	if (msq < 0 || churn_msq < 0 || shmid < 0 || semid < 0)
		return -1;
	shmaddr = shmat(shmid, NULL, 0);
	if (shmaddr == (void *)-1 || semctl(semid, 0, SETALL, arg) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char c;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(1);
		close(pfd[1]);
		while (read(pfd[0], &c, 1) < 0 && errno == EINTR)
			;	/* blocked in pipe_read until the test ends */
		_exit(0);
	}
	reader = pid;
	close(pfd[0]);
	pfd[0] = -1;
	return 0;
}

static int teardown(void)
{
	if (shmaddr != (void *)-1)
		shmdt(shmaddr);
	shmaddr = (void *)-1;
	remove_objects();
	if (pfd[1] >= 0)
		close(pfd[1]);
	pfd[1] = -1;
	return 0;
}

/* A child that lives only long enough to be reaped: a process_started/exited pair. */
static void short_child(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* Writes s as JSON and text to memory; returns 0, or -1 if either failed or wrote nothing. */
static int write_outputs(const struct snapshot *s, const struct snapshot_delta *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int bad;

	if (!f)
		return -1;
	bad = json_out_write(f, s, d) != 0;
	bad |= text_out_write(f, s, d) != 0;
	fclose(f);
	bad |= len == 0;
	free(buf);
	return bad ? -1 : 0;
}

/* What the soak child reports to the parent. */
struct soak_result {
	int setup_failed;	/* errno of the namespace or object setup, 0 if it went well */
	long n;
	long first_min, last_min, peak;
	size_t first_procs, last_procs;
	int bad_takes, missing, bad_outputs;
};

/* The soak itself, in the namespaces' first process: fills r. */
static void soak_run(struct soak_result *r)
{
	struct collect_opts opts = { .sysroot = "/", .self = getpid() };
	const char *env = getenv("IPCTOP_SOAK_SNAPSHOTS");
	long n = env ? atol(env) : SOAK_SNAPSHOTS;
	struct snapshot *prev = NULL;
	struct sampler *sm;
	int err = 0;

	r->first_min = r->last_min = r->peak = -1;
	if (!SOAK_ASAN && n < SOAK_WARMUP + 2 * SOAK_WINDOW)
		n = SOAK_WARMUP + 2 * SOAK_WINDOW;
	r->n = n;
	sm = sampler_new(&opts, &err);
	if (!sm) {
		r->setup_failed = err ? -err : EINVAL;
		return;
	}
	for (long i = 0; i < n; i++) {
		struct snapshot *s = NULL;
		struct snapshot_delta *d = NULL;

		if (i % 100 == 99) {
			int old = churn_msq;

			churn_msq = new_queue();
			if (old >= 0)
				msgctl(old, IPC_RMID, NULL);
			short_child();
		}
		if (sampler_take(sm, &s) < 0 || !s) {
			r->bad_takes++;
			continue;
		}
		if (i % 500 == 0 && (!snapshot_find_msgq(s, msq) || !snapshot_find_shm(s, shmid) ||
				     !snapshot_find_sem(s, semid) || !snapshot_find_proc(s, reader)))
			r->missing++;
		if (prev)
			d = snapshot_diff(prev, s);
		if (i % 50 == 0 && write_outputs(s, d) < 0)
			r->bad_outputs++;
		snapshot_delta_free(d);
		snapshot_unref(prev);
		prev = s;
		if (i >= SOAK_WARMUP && i % 10 == 0) {
			long rss;

			malloc_trim(0);
			rss = rss_kib();
			if (rss > r->peak)
				r->peak = rss;
			if (i < SOAK_WARMUP + SOAK_WINDOW && (r->first_min < 0 || rss < r->first_min)) {
				r->first_min = rss;
				r->first_procs = s->n_procs;
			}
			if (i >= n - SOAK_WINDOW && (r->last_min < 0 || rss < r->last_min)) {
				r->last_min = rss;
				r->last_procs = s->n_procs;
			}
		}
		if (i == 0 || i == 100 || (i > 0 && i % 1000 == 0)) {
			printf("\n  soak: %ld snapshots, %zu processes, RSS %ld KiB ", i, s->n_procs,
			       rss_kib());
			fflush(stdout);
		}
	}
	snapshot_unref(prev);
	sampler_free(sm);
}

/* Makes this process see only its namespaces: mounts private, then its own /proc, /dev/shm
 * and (if the directory exists) /dev/mqueue. Returns 0, or an errno. */
static int own_mounts(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
	    mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		return errno;
	if (access("/dev/mqueue", F_OK) == 0 &&
	    mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return errno;
	return 0;
}

static int write_all(int fd, const void *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p = (const char *)p + w;
		n -= (size_t)w;
	}
	return 0;
}

/* The child: new namespaces, then their first process runs the soak and writes its result
 * to fd. Never returns. */
static void soak_child(int fd)
{
	struct soak_result r = { 0 };
	pid_t init;
	int status;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET) < 0) {
		r.setup_failed = errno;
		write_all(fd, &r, sizeof(r));
		_exit(0);
	}
	init = fork();
	if (init < 0) {
		r.setup_failed = errno;
		write_all(fd, &r, sizeof(r));
		_exit(0);
	}
	if (init == 0) {
		int e;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		e = own_mounts();
		if (!e)
			e = setup_objects() < 0 ? (errno ? errno : EINVAL) : 0;
		r.setup_failed = e;
		if (!e)
			soak_run(&r);
		teardown();
		fflush(stdout);
		write_all(fd, &r, sizeof(r));
		exit(0);	/* exit(): LeakSanitizer checks the soak's process here */
	}
	/* the intermediate: waits for the namespaces' first process, passes on its status */
	while (waitpid(init, &status, 0) < 0 && errno == EINTR)
		;
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static volatile pid_t soak_pid = 0;

static void on_parent_signal(int sig)
{
	if (soak_pid > 0)
		kill(soak_pid, SIGKILL);	/* PDEATHSIG takes the namespace with it */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void test_soak(void)
{
	struct soak_result r = { 0 };
	struct sigaction sa;
	int fds[2], status = -1;
	size_t got = 0;
	pid_t pid;

	if (geteuid() != 0) {
		test_skip("creating pid, IPC, network and mount namespaces needs root");
		return;
	}
	CU_ASSERT_FATAL(pipe(fds) == 0);
	fflush(stdout);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_parent_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		soak_child(fds[1]);
	}
	soak_pid = pid;
	close(fds[1]);
	while (got < sizeof(r)) {
		ssize_t n = read(fds[0], (char *)&r + got, sizeof(r) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	soak_pid = 0;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	CU_ASSERT_EQUAL_FATAL(got, sizeof(r));
	CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);	/* LeakSanitizer too */
	if (r.setup_failed)
		printf("\n  soak: setting up its namespaces and objects failed: %s ",
		       strerror(r.setup_failed));
	CU_ASSERT_EQUAL_FATAL(r.setup_failed, 0);
	if (!SOAK_ASAN)
		printf("\n  soak: %ld snapshots; lowest RSS after warm-up %ld KiB (%zu processes), at "
		       "the end %ld KiB (%zu processes); bound +%d KiB; peak %ld KiB ", r.n,
		       r.first_min, r.first_procs, r.last_min, r.last_procs, SOAK_RSS_BOUND_KIB, r.peak);
	else
		printf("\n  soak: %ld snapshots (no RSS bound under AddressSanitizer: its leak check "
		       "at the soak process's exit applies) ", r.n);
	CU_ASSERT_EQUAL(r.bad_takes, 0);
	CU_ASSERT_EQUAL(r.bad_outputs, 0);
	CU_ASSERT_EQUAL(r.missing, 0);	/* the test's own objects were seen */
	/* only the test's own processes: the same few at both ends */
	CU_ASSERT_EQUAL(r.last_procs, r.first_procs);
	CU_ASSERT(r.last_procs <= 3);
	if (!SOAK_ASAN) {
		CU_ASSERT(r.first_min > 0 && r.last_min > 0);
		CU_ASSERT(r.last_min - r.first_min <= SOAK_RSS_BOUND_KIB);
	}
}

void test_register(void)
{
	TEST_SUITE("soak", NULL, NULL,
		   "memory stable across thousands of snapshots", test_soak);
}
