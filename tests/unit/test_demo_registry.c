/*
 * test_demo_registry.c - the demo registry: parsing (inline text, malformed lines), process
 * identity by start time, and removal that only touches what is still the demo's own - on
 * real System V and POSIX objects this test creates (keys from a fresh temporary file) and
 * removes again, and in a private registry directory ($IPCTOP_DEMO_DIR).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "demos/demo_registry.h"
#include "tests/unit/testmain.h"

static char tmpdir[64];

static int suite_init(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ipctop-test-registry-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return setenv("IPCTOP_DEMO_DIR", tmpdir, 1);
}

static int suite_clean(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int parse(const char *text, struct demo_registry *r)
{
	return demo_registry_parse(text, strlen(text), r);
}

static void test_parse_full(void)
{
	struct demo_registry r;
	const char *text =
		"ipctop-demo-registry 1\n"
		"demo msgqueue\n"
		"root 4242 123456\n"
		"start 1700000000\n"
		"uid 0\n"
		"proc 4243 123460 msg-owner\n"
		"sysv-key msg 1895883258\n"
		"sysv msg 17 1895883258\n"
		"sysv-key sem 1929437689\n"
		"sysv-key shm 1828774393\n"
		"sysv-failed shm 1828774393\n"
		"posix mq ipctop-demo-4242-jobs\n"
		"posix sem ipctop-demo-4242-ready\n";

	CU_ASSERT_EQUAL_FATAL(parse(text, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.demo, "msgqueue");
	CU_ASSERT_TRUE(r.have_root && r.have_start && r.have_uid);
	CU_ASSERT_EQUAL(r.root, 4242);
	CU_ASSERT_EQUAL(r.root_start, 123456ULL);
	CU_ASSERT_EQUAL(r.start_time, 1700000000);
	CU_ASSERT_EQUAL(r.uid, 0);
	CU_ASSERT_EQUAL_FATAL(r.n_procs, 1);
	CU_ASSERT_EQUAL(r.procs[0].pid, 4243);
	CU_ASSERT_STRING_EQUAL(r.procs[0].role, "msg-owner");
	CU_ASSERT_EQUAL_FATAL(r.n_sysv, 3);
	CU_ASSERT_EQUAL(r.sysv[0].kind, REG_MSG);
	CU_ASSERT_EQUAL(r.sysv[0].id, 17);		/* the pending key got its id */
	CU_ASSERT_FALSE(r.sysv[0].failed);
	CU_ASSERT_EQUAL(r.sysv[1].kind, REG_SEM);
	CU_ASSERT_EQUAL(r.sysv[1].id, -1);		/* killed between key and id */
	CU_ASSERT_EQUAL(r.sysv[2].kind, REG_SHM);
	CU_ASSERT_TRUE(r.sysv[2].failed);		/* EEXIST: someone else's key */
	CU_ASSERT_EQUAL_FATAL(r.n_posix, 2);
	CU_ASSERT_EQUAL(r.posix[0].kind, REG_PMQ);
	CU_ASSERT_STRING_EQUAL(r.posix[1].name, "ipctop-demo-4242-ready");
	CU_ASSERT_EQUAL(r.bad_lines, 0);
	demo_registry_fini(&r);
}

static void test_parse_malformed(void)
{
	struct demo_registry r;
	const char *text =
		"ipctop-demo-registry 1\n"
		"root x 1\n"
		"root 12\n"
		"proc 1 2\n"
		"sysv msg 17\n"
		"sysv-key msg 0\n"		/* IPC_PRIVATE is never registered */
		"sysv-key queue 5\n"
		"posix mq /etc/passwd\n"	/* not a demo name */
		"posix shm other-program-shm\n"
		"posix sem ipctop-demo-1-../x\n"
		"frobnicate\n"
		"\n";

	CU_ASSERT_EQUAL_FATAL(parse(text, &r), 0);
	CU_ASSERT_FALSE(r.have_root);
	CU_ASSERT_EQUAL(r.n_procs, 0);
	CU_ASSERT_EQUAL(r.n_sysv, 0);
	CU_ASSERT_EQUAL(r.n_posix, 0);
	CU_ASSERT_EQUAL(r.bad_lines, 10);
	demo_registry_fini(&r);

	CU_ASSERT_EQUAL(parse("demo pipe\nroot 1 2\n", &r), -EINVAL);	/* no header */
	demo_registry_fini(&r);
	CU_ASSERT_EQUAL(parse("ipctop-demo-registry 2\n", &r), -EINVAL);	/* unknown version */
	demo_registry_fini(&r);
	CU_ASSERT_EQUAL(demo_registry_parse("ipctop-demo-registry 1", 10, &r), -EINVAL);
	demo_registry_fini(&r);
}

/* Waits (at most 5 s) until the exited, unreaped child is a zombie, and reads its start time.
 * Returns 0, or -1 at the deadline. */
static int wait_zombie(pid_t child, unsigned long long *start)
{
	struct timespec now, end;
	char state = 0;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += 5;
	for (;;) {
		if (demo_registry_proc_start(child, start, &state) == 0 && state == 'Z')
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			return -1;
		usleep(1000);
	}
}

static void test_proc_identity(void)
{
	unsigned long long start, zstart;
	char state;
	pid_t child;
	int st;

	CU_ASSERT_EQUAL_FATAL(demo_registry_proc_start(getpid(), &start, &state), 0);
	CU_ASSERT_EQUAL(state, 'R');
	CU_ASSERT_TRUE(demo_registry_proc_alive(getpid(), start));
	CU_ASSERT_FALSE(demo_registry_proc_alive(getpid(), start + 1));	/* same pid, another process */

	child = fork();
	CU_ASSERT_FATAL(child >= 0);
	if (child == 0)
		_exit(0);
	/* the zombie still has a start time, but is not alive */
	CU_ASSERT_EQUAL(wait_zombie(child, &zstart), 0);
	CU_ASSERT_FALSE(demo_registry_proc_alive(child, zstart));
	CU_ASSERT_EQUAL(waitpid(child, &st, 0), child);
	CU_ASSERT_FALSE(demo_registry_proc_alive(child, zstart));
	CU_ASSERT_EQUAL(demo_registry_proc_start(child, &zstart, NULL), -ENOENT);
}

static void test_base_and_append(void)
{
	char base[256], dir[300], path[400];
	struct demo_registry r;

	CU_ASSERT_EQUAL_FATAL(demo_registry_base(base, sizeof(base), true), 0);
	CU_ASSERT_STRING_EQUAL(base, tmpdir);
	snprintf(dir, sizeof(dir), "%s/append", base);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
	CU_ASSERT_EQUAL(demo_registry_load(dir, &r), -ENOENT);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "ipctop-demo-registry 1"), 0);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "demo %s", "pipe"), 0);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "proc %d %llu %s", 77, 88ULL, "pipe-reader"), 0);
	CU_ASSERT_EQUAL_FATAL(demo_registry_load(dir, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.demo, "pipe");
	CU_ASSERT_EQUAL(r.n_procs, 1);
	demo_registry_fini(&r);
	snprintf(path, sizeof(path), "%s/%s", dir, DEMO_REGISTRY_FILE);
	CU_ASSERT_EQUAL(unlink(path), 0);
	CU_ASSERT_EQUAL(rmdir(dir), 0);
}

/* A queue keyed from a fresh file; returns its id (and key). */
static int make_queue(key_t *key, int proj)
{
	char path[300];
	int fd;

	snprintf(path, sizeof(path), "%s/ftok", tmpdir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	*key = ftok(path, proj);
	return msgget(*key, IPC_CREAT | IPC_EXCL | 0600);
}

static bool queue_exists(int id)
{
	struct msqid_ds ds;

	return msgctl(id, IPC_STAT, &ds) == 0;
}

static void test_remove_sysv_verified(void)
{
	struct demo_registry r;
	struct demo_cleanup_log log = { NULL, false, 0, 0 };
	char text[512];
	key_t key;
	int id = make_queue(&key, 'Q');

	CU_ASSERT_FATAL(id >= 0);
	/* the wrong key for that id: not ours any more, left alone */
	snprintf(text, sizeof(text), "ipctop-demo-registry 1\nstart %lld\nuid %u\nsysv msg %d %d\n",
		 (long long)time(NULL) - 5, (unsigned)geteuid(), id, (int)key + 1);
	CU_ASSERT_EQUAL_FATAL(parse(text, &r), 0);
	demo_registry_remove_objects(&r, &log);
	demo_registry_fini(&r);
	CU_ASSERT_TRUE(queue_exists(id));
	/* created before the demo started: not the demo's */
	snprintf(text, sizeof(text), "ipctop-demo-registry 1\nstart %lld\nuid %u\nsysv msg %d %d\n",
		 (long long)time(NULL) + 100, (unsigned)geteuid(), id, (int)key);
	CU_ASSERT_EQUAL_FATAL(parse(text, &r), 0);
	demo_registry_remove_objects(&r, &log);
	demo_registry_fini(&r);
	CU_ASSERT_TRUE(queue_exists(id));
	/* a creation that failed: the key is someone else's */
	snprintf(text, sizeof(text), "ipctop-demo-registry 1\nsysv-key msg %d\nsysv-failed msg %d\n",
		 (int)key, (int)key);
	CU_ASSERT_EQUAL_FATAL(parse(text, &r), 0);
	demo_registry_remove_objects(&r, &log);
	demo_registry_fini(&r);
	CU_ASSERT_TRUE(queue_exists(id));
	CU_ASSERT_EQUAL(log.removed, 0);
	/* only the key was written (killed before the id): found by key, verified, removed */
	snprintf(text, sizeof(text), "ipctop-demo-registry 1\nstart %lld\nuid %u\nsysv-key msg %d\n",
		 (long long)time(NULL) - 5, (unsigned)geteuid(), (int)key);
	CU_ASSERT_EQUAL_FATAL(parse(text, &r), 0);
	demo_registry_remove_objects(&r, &log);
	demo_registry_fini(&r);
	CU_ASSERT_FALSE(queue_exists(id));
	CU_ASSERT_EQUAL(log.removed, 1);
	CU_ASSERT_EQUAL(log.failed, 0);
	if (queue_exists(id))
		msgctl(id, IPC_RMID, NULL);
}

static void test_remove_posix_by_prefix(void)
{
	struct demo_registry r;
	struct demo_cleanup_log log = { NULL, false, 0, 0 };
	char ours[64], theirs[64], text[512];
	int fd1, fd2;

	/* 2^22 + getpid(): a root pid no process has (pid_max is at most 2^22) */
	snprintf(ours, sizeof(ours), "/ipctop-demo-%d-x", (int)(4194304 + getpid()));
	snprintf(theirs, sizeof(theirs), "/ipctop-demo-%d-x", (int)(4194305 + getpid()));
	fd1 = shm_open(ours, O_CREAT | O_EXCL | O_RDWR, 0600);
	fd2 = shm_open(theirs, O_CREAT | O_EXCL | O_RDWR, 0600);
	CU_ASSERT_FATAL(fd1 >= 0 && fd2 >= 0);
	close(fd1);
	close(fd2);
	/* the registry of root R lists both names: only the one with R's prefix goes */
	snprintf(text, sizeof(text), "ipctop-demo-registry 1\nroot %d 1\nposix shm %s\nposix shm %s\n",
		 (int)(4194304 + getpid()), ours + 1, theirs + 1);
	CU_ASSERT_EQUAL_FATAL(parse(text, &r), 0);
	demo_registry_remove_objects(&r, &log);
	demo_registry_fini(&r);
	CU_ASSERT_EQUAL(shm_unlink(ours), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_EQUAL(shm_unlink(theirs), 0);
	CU_ASSERT_EQUAL(log.removed, 1);
}

/* A registry directory under the base for root pid `root` (start `start`). */
static void make_demo_dir(pid_t root, unsigned long long start, char *dir, size_t len)
{
	snprintf(dir, len, "%s/%d", tmpdir, (int)root);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "ipctop-demo-registry 1"), 0);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "demo test"), 0);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "root %d %llu", (int)root, start), 0);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "start %lld", (long long)time(NULL) - 5), 0);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "uid %u", (unsigned)geteuid()), 0);
}

static void test_cleanup_all(void)
{
	struct demo_cleanup_log log = { NULL, false, 0, 0 };
	char live_dir[300], dead_dir[300], fifo[400];
	unsigned long long self_start, dead_start = 0;
	key_t key, live_key;
	pid_t dead;
	int id, live_id, st;

	/* a dead demo: a child that exited (its pid and start time, then reaped) */
	dead = fork();
	CU_ASSERT_FATAL(dead >= 0);
	if (dead == 0)
		_exit(0);
	CU_ASSERT_EQUAL(wait_zombie(dead, &dead_start), 0);
	waitpid(dead, &st, 0);
	make_demo_dir(dead, dead_start, dead_dir, sizeof(dead_dir));
	id = make_queue(&key, 'C');
	CU_ASSERT_FATAL(id >= 0);
	CU_ASSERT_EQUAL(demo_registry_append(dead_dir, "sysv msg %d %d", id, (int)key), 0);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dead_dir);
	CU_ASSERT_EQUAL(mkfifo(fifo, 0600), 0);

	/* a running demo: ourselves, with a queue of its own that must not be touched */
	CU_ASSERT_EQUAL_FATAL(demo_registry_proc_start(getpid(), &self_start, NULL), 0);
	make_demo_dir(getpid(), self_start, live_dir, sizeof(live_dir));
	live_id = make_queue(&live_key, 'L');
	CU_ASSERT_FATAL(live_id >= 0);
	CU_ASSERT_EQUAL(demo_registry_append(live_dir, "sysv msg %d %d", live_id, (int)live_key), 0);

	CU_ASSERT_EQUAL(demo_registry_cleanup_all(&log), 0);
	CU_ASSERT_FALSE(queue_exists(id));
	CU_ASSERT_TRUE(queue_exists(live_id));
	msgctl(live_id, IPC_RMID, NULL);
	CU_ASSERT_EQUAL(access(dead_dir, F_OK), -1);	/* FIFO and directory gone */
	CU_ASSERT_EQUAL(access(live_dir, F_OK), 0);
	CU_ASSERT_EQUAL(log.failed, 0);
	if (queue_exists(id))
		msgctl(id, IPC_RMID, NULL);
	{
		char path[400];

		snprintf(path, sizeof(path), "%s/%s", live_dir, DEMO_REGISTRY_FILE);
		unlink(path);
		rmdir(live_dir);
	}
}

/* A sleeping child; its start time in *start. */
static pid_t sleeper(unsigned long long *start)
{
	pid_t p = fork();

	if (p == 0) {
		for (;;)
			pause();
	}
	if (p > 0 && demo_registry_proc_start(p, start, NULL) < 0)
		*start = 0;
	return p;
}

static void test_cleanup_kills_verified_processes(void)
{
	struct demo_cleanup_log log = { NULL, false, 0, 0 };
	unsigned long long s1 = 0, s2 = 0, dead_start = 0;
	char dir[300];
	pid_t dead, p1, p2;
	int st;

	dead = fork();
	CU_ASSERT_FATAL(dead >= 0);
	if (dead == 0)
		_exit(0);
	CU_ASSERT_EQUAL(wait_zombie(dead, &dead_start), 0);
	waitpid(dead, &st, 0);
	p1 = sleeper(&s1);
	p2 = sleeper(&s2);
	CU_ASSERT_FATAL(p1 > 0 && p2 > 0 && s1 && s2);
	make_demo_dir(dead, dead_start, dir, sizeof(dir));
	/* p1 is the demo's; p2's pid is listed with another start time: a reused pid */
	CU_ASSERT_EQUAL(demo_registry_append(dir, "proc %d %llu left-behind", (int)p1, s1), 0);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "proc %d %llu reused-pid", (int)p2, s2 + 1), 0);
	CU_ASSERT_EQUAL(demo_registry_cleanup_all(&log), 0);
	CU_ASSERT_EQUAL(waitpid(p1, &st, WNOHANG), p1);	/* killed... */
	CU_ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CU_ASSERT_EQUAL(waitpid(p2, &st, WNOHANG), 0);	/* ...and p2 untouched */
	CU_ASSERT_EQUAL(access(dir, F_OK), -1);
	kill(p2, SIGKILL);
	waitpid(p2, &st, 0);
}

void test_register(void)
{
	TEST_SUITE("demo_registry", suite_init, suite_clean,
		   "parse a full registry", test_parse_full,
		   "count and skip malformed lines", test_parse_malformed,
		   "process identity by start time", test_proc_identity,
		   "base directory and appends", test_base_and_append,
		   "SysV removal checks key, time and failures", test_remove_sysv_verified,
		   "POSIX removal needs the demo's own prefix", test_remove_posix_by_prefix,
		   "cleanup removes dead demos only", test_cleanup_all,
		   "cleanup kills only processes it can verify", test_cleanup_kills_verified_processes);
}
