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
		"ipctop-demo-registry 2\n"
		"demo msgqueue\n"
		"root 4242 123456\n"
		"start 1700000000\n"
		"uid 0\n"
		"proc 4243 123460 msg-owner\n"
		"sysv msg 17 1895883258 0 1700000001\n"
		"sysv sem 18 1929437689 0 1700000001\n"
		"sysv sem 18 1929437689 0 1700000003\n"	/* after SETALL: the new ctime */
		"posix mq ipctop-demo-4242-jobs 23 456 0\n"
		"posix sem ipctop-demo-4242-ready 23 457 0\n"
		"file fifo 2049 99\n";

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
	CU_ASSERT_EQUAL_FATAL(r.n_sysv, 2);
	CU_ASSERT_EQUAL(r.sysv[0].kind, REG_MSG);
	CU_ASSERT_EQUAL(r.sysv[0].id, 17);
	CU_ASSERT_EQUAL(r.sysv[0].key, 1895883258);
	CU_ASSERT_EQUAL(r.sysv[1].kind, REG_SEM);
	CU_ASSERT_EQUAL(r.sysv[1].ctime, 1700000003);
	CU_ASSERT_EQUAL_FATAL(r.n_posix, 2);
	CU_ASSERT_EQUAL(r.posix[0].kind, REG_PMQ);
	CU_ASSERT_EQUAL(r.posix[0].ino, 456ULL);
	CU_ASSERT_STRING_EQUAL(r.posix[1].name, "ipctop-demo-4242-ready");
	CU_ASSERT_EQUAL_FATAL(r.n_files, 1);
	CU_ASSERT_STRING_EQUAL(r.files[0].name, "fifo");
	CU_ASSERT_EQUAL(r.files[0].dev, 2049ULL);
	CU_ASSERT_EQUAL(r.bad_lines, 0);
	demo_registry_fini(&r);
}

static void test_parse_malformed(void)
{
	struct demo_registry r;
	const char *text =
		"ipctop-demo-registry 2\n"
		"root x 1\n"
		"root 12\n"
		"proc 1 2\n"
		"sysv msg 17\n"
		"sysv msg 17 5\n"			/* version 1: no identity */
		"sysv-key msg 5\n"			/* version 1: written before creation */
		"sysv queue 5 5 0 0\n"
		"posix mq ipctop-demo-1-x\n"		/* version 1: no identity */
		"posix mq /etc/passwd 1 2 0\n"		/* not a demo name */
		"posix shm other-program-shm 1 2 0\n"
		"posix sem ipctop-demo-1-../x 1 2 0\n"
		"file ../etc 1 2\n"
		"file registry 1 2\n"
		"file . 1 2\n"
		"frobnicate\n"
		"\n";

	CU_ASSERT_EQUAL_FATAL(parse(text, &r), 0);
	CU_ASSERT_FALSE(r.have_root);
	CU_ASSERT_EQUAL(r.n_procs, 0);
	CU_ASSERT_EQUAL(r.n_sysv, 0);
	CU_ASSERT_EQUAL(r.n_posix, 0);
	CU_ASSERT_EQUAL(r.n_files, 0);
	CU_ASSERT_EQUAL(r.bad_lines, 15);
	demo_registry_fini(&r);

	CU_ASSERT_EQUAL(parse("demo pipe\nroot 1 2\n", &r), -EINVAL);	/* no header */
	demo_registry_fini(&r);
	CU_ASSERT_EQUAL(parse("ipctop-demo-registry 1\n", &r), -EINVAL);	/* old version */
	demo_registry_fini(&r);
	CU_ASSERT_EQUAL(parse("ipctop-demo-registry 3\n", &r), -EINVAL);	/* unknown version */
	demo_registry_fini(&r);
	CU_ASSERT_EQUAL(demo_registry_parse("ipctop-demo-registry 2", 10, &r), -EINVAL);
	demo_registry_fini(&r);
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
	for (int i = 0; i < 500; i++) {
		if (demo_registry_proc_start(child, &zstart, &state) == 0 && state == 'Z')
			break;
		usleep(2000);
	}
	CU_ASSERT_EQUAL(state, 'Z');
	CU_ASSERT_FALSE(demo_registry_proc_alive(child, zstart));
	CU_ASSERT_EQUAL(waitpid(child, &st, 0), child);
	CU_ASSERT_FALSE(demo_registry_proc_alive(child, zstart));
	CU_ASSERT_EQUAL(demo_registry_proc_start(child, &zstart, NULL), -ENOENT);
}

static void test_base_and_append(void)
{
	char base[256], dir[300], path[400], link[400];
	struct demo_registry r;

	CU_ASSERT_EQUAL_FATAL(demo_registry_base(base, sizeof(base), true, NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(base, tmpdir);
	snprintf(dir, sizeof(dir), "%s/append", base);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
	CU_ASSERT_EQUAL(demo_registry_load(dir, &r), -ENOENT);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "demo %s", "pipe"), -ENOENT);	/* never creates */
	CU_ASSERT_EQUAL(demo_registry_create(dir), 0);
	CU_ASSERT_EQUAL(demo_registry_create(dir), -EEXIST);			/* O_EXCL */
	CU_ASSERT_EQUAL(demo_registry_append(dir, "demo %s", "pipe"), 0);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "proc %d %llu %s", 77, 88ULL, "pipe-reader"), 0);
	CU_ASSERT_EQUAL_FATAL(demo_registry_load(dir, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.demo, "pipe");
	CU_ASSERT_EQUAL(r.n_procs, 1);
	demo_registry_fini(&r);
	snprintf(path, sizeof(path), "%s/%s", dir, DEMO_REGISTRY_FILE);
	CU_ASSERT_EQUAL(unlink(path), 0);
	/* a planted symlink is neither created through, appended through, nor read */
	snprintf(link, sizeof(link), "%s/target", dir);
	CU_ASSERT_EQUAL(symlink(link, path), 0);
	CU_ASSERT_EQUAL(demo_registry_create(dir), -EEXIST);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "demo x"), -ELOOP);
	CU_ASSERT_EQUAL(access(link, F_OK), -1);
	CU_ASSERT_EQUAL(demo_registry_load(dir, &r), -ELOOP);
	demo_registry_fini(&r);
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

/* A registry directory under the base for root pid `root` (start `start`). */
static void make_demo_dir(pid_t root, unsigned long long start, char *dir, size_t len)
{
	snprintf(dir, len, "%s/%d", tmpdir, (int)root);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
	CU_ASSERT_EQUAL(demo_registry_create(dir), 0);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "demo test"), 0);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "root %d %llu", (int)root, start), 0);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "start %lld", (long long)time(NULL) - 5), 0);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "uid %u", (unsigned)geteuid()), 0);
}

/* The pid and start time of a process that has exited (reaped). */
static pid_t dead_pid(unsigned long long *start)
{
	pid_t dead = fork();
	char state = 0;
	int st;

	if (dead == 0)
		_exit(0);
	for (int i = 0; dead > 0 && i < 500; i++) {
		if (demo_registry_proc_start(dead, start, &state) == 0 && state == 'Z')
			break;
		usleep(2000);
	}
	if (dead > 0)
		waitpid(dead, &st, 0);
	return dead;
}

static void load(const char *dir, struct demo_registry *r)
{
	CU_ASSERT_EQUAL_FATAL(demo_registry_load(dir, r), 0);
}

static void test_remove_sysv_verified(void)
{
	struct demo_registry r;
	struct demo_cleanup_log log = { NULL, false, 0, 0, 0 };
	unsigned long long start = 0;
	char dir[300];
	struct msqid_ds ds;
	key_t key;
	pid_t dead = dead_pid(&start);
	int id = make_queue(&key, 'Q');

	CU_ASSERT_FATAL(id >= 0 && dead > 0);
	make_demo_dir(dead, start, dir, sizeof(dir));
	CU_ASSERT_EQUAL(demo_registry_note_sysv(dir, REG_MSG, id), 0);
	load(dir, &r);
	CU_ASSERT_EQUAL_FATAL(r.n_sysv, 1);
	CU_ASSERT_EQUAL(r.sysv[0].key, (int32_t)key);
	CU_ASSERT_EQUAL(r.sysv[0].cuid, geteuid());
	/* the queue changed after the registry was written (IPC_SET a second later): the id may
	 * name another object now; left alone, and said so */
	sleep(1);
	CU_ASSERT_EQUAL_FATAL(msgctl(id, IPC_STAT, &ds), 0);
	CU_ASSERT_EQUAL_FATAL(msgctl(id, IPC_SET, &ds), 0);
	demo_registry_remove_objects(&r, &log);
	CU_ASSERT_TRUE(queue_exists(id));
	CU_ASSERT_EQUAL(log.removed, 0);
	CU_ASSERT_EQUAL(log.left, 1);
	demo_registry_fini(&r);
	/* written down again with its new ctime: removed */
	CU_ASSERT_EQUAL(demo_registry_note_sysv(dir, REG_MSG, id), 0);
	load(dir, &r);
	CU_ASSERT_EQUAL(r.n_sysv, 1);
	demo_registry_remove_objects(&r, &log);
	demo_registry_fini(&r);
	CU_ASSERT_FALSE(queue_exists(id));
	CU_ASSERT_EQUAL(log.removed, 1);
	CU_ASSERT_EQUAL(log.failed, 0);
	if (queue_exists(id))
		msgctl(id, IPC_RMID, NULL);
	demo_registry_remove(dir, &(struct demo_registry){ 0 }, 0, &log);
	CU_ASSERT_EQUAL(access(dir, F_OK), -1);
}

/* The attack: the demo's name was removed, then another user made the same name (the same
 * root pid again after PID reuse). Cleanup must leave that object alone. */
static void test_remove_posix_by_identity(void)
{
	struct demo_registry r;
	struct demo_cleanup_log log = { NULL, false, 0, 0, 0 };
	unsigned long long start = 0;
	char ours[64], reused[64], dir[300];
	pid_t dead = dead_pid(&start);
	int fd;

	CU_ASSERT_FATAL(dead > 0);
	make_demo_dir(dead, start, dir, sizeof(dir));
	snprintf(ours, sizeof(ours), "/ipctop-demo-%d-x", (int)dead);
	snprintf(reused, sizeof(reused), "/ipctop-demo-%d-y", (int)dead);
	shm_unlink(ours);
	shm_unlink(reused);
	fd = shm_open(ours, O_CREAT | O_EXCL | O_RDWR, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	fd = shm_open(reused, O_CREAT | O_EXCL | O_RDWR, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL(demo_registry_note_posix(dir, REG_PSHM, ours), 0);
	CU_ASSERT_EQUAL(demo_registry_note_posix(dir, REG_PSHM, reused), 0);
	/* reused: gone, then made again by uid 65534 (same name, another inode and owner) */
	CU_ASSERT_EQUAL(shm_unlink(reused), 0);
	fd = shm_open(reused, O_CREAT | O_EXCL | O_RDWR, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	if (geteuid() == 0)
		CU_ASSERT_EQUAL(fchown(fd, 65534, 65534), 0);
	close(fd);
	load(dir, &r);
	demo_registry_remove_objects(&r, &log);
	demo_registry_fini(&r);
	CU_ASSERT_EQUAL(shm_unlink(ours), -1);		/* ours went */
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_EQUAL(shm_unlink(reused), 0);		/* the other one stayed */
	CU_ASSERT_EQUAL(log.removed, 1);
	CU_ASSERT_EQUAL(log.left, 1);
	demo_registry_remove(dir, &(struct demo_registry){ 0 }, 0, &log);
}

static void test_cleanup_all(void)
{
	struct demo_cleanup_log log = { NULL, false, 0, 0, 0 };
	char live_dir[300], dead_dir[300], fifo[400], ftokf[400];
	unsigned long long self_start, dead_start = 0;
	key_t key, live_key;
	pid_t dead = dead_pid(&dead_start);
	int id, live_id;

	CU_ASSERT_FATAL(dead > 0);
	make_demo_dir(dead, dead_start, dead_dir, sizeof(dead_dir));
	id = make_queue(&key, 'C');
	CU_ASSERT_FATAL(id >= 0);
	CU_ASSERT_EQUAL(demo_registry_note_sysv(dead_dir, REG_MSG, id), 0);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dead_dir);
	CU_ASSERT_EQUAL(mkfifo(fifo, 0600), 0);
	CU_ASSERT_EQUAL(demo_registry_note_file(dead_dir, "fifo"), 0);

	/* a running demo: ourselves, with a queue of its own that must not be touched */
	CU_ASSERT_EQUAL_FATAL(demo_registry_proc_start(getpid(), &self_start, NULL), 0);
	make_demo_dir(getpid(), self_start, live_dir, sizeof(live_dir));
	live_id = make_queue(&live_key, 'L');
	CU_ASSERT_FATAL(live_id >= 0);
	CU_ASSERT_EQUAL(demo_registry_note_sysv(live_dir, REG_MSG, live_id), 0);

	CU_ASSERT_EQUAL(demo_registry_cleanup_all(&log, NULL, 0), 0);
	CU_ASSERT_FALSE(queue_exists(id));
	CU_ASSERT_TRUE(queue_exists(live_id));
	msgctl(live_id, IPC_RMID, NULL);
	CU_ASSERT_EQUAL(access(dead_dir, F_OK), -1);	/* FIFO and directory gone */
	CU_ASSERT_EQUAL(access(live_dir, F_OK), 0);
	CU_ASSERT_EQUAL(log.removed, 4);		/* queue, FIFO, registry, directory */
	CU_ASSERT_EQUAL(log.left, 1);			/* the running demo */
	CU_ASSERT_EQUAL(log.failed, 0);
	if (queue_exists(id))
		msgctl(id, IPC_RMID, NULL);
	demo_registry_remove(live_dir, &(struct demo_registry){ 0 }, 0, &log);
	snprintf(ftokf, sizeof(ftokf), "%s/ftok", tmpdir);
	unlink(ftokf);
}

/* The attack: IPCTOP_DEMO_DIR names a shared directory with unrelated files in numeric
 * folders. Cleanup refuses the shared base; in a base of the user's own, a numeric folder
 * without a registry, and any file a registry did not list, is left alone and reported. */
static void test_cleanup_foreign_files(void)
{
	struct demo_cleanup_log log = { NULL, false, 0, 0, 0 };
	char dir[300], other[300], path[400], why[160] = "";
	unsigned long long start = 0;
	pid_t dead = dead_pid(&start);
	int fd;

	CU_ASSERT_FATAL(dead > 0);
	/* a folder "1" with someone's file, no registry */
	snprintf(other, sizeof(other), "%s/1", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(other, 0700), 0);
	snprintf(path, sizeof(path), "%s/1/thesis.tex", tmpdir);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	/* a dead demo's folder with an unlisted file beside its listed FIFO */
	make_demo_dir(dead, start, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);

	/* shared (world-writable) base: refused, nothing touched */
	CU_ASSERT_EQUAL(chmod(tmpdir, 01777), 0);
	CU_ASSERT_EQUAL(demo_registry_cleanup_all(&log, why, sizeof(why)), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "writable by others"));
	CU_ASSERT_EQUAL(chmod(tmpdir, 0700), 0);
	CU_ASSERT_EQUAL(log.removed + log.left + log.failed, 0);
	/* a base that is a symlink: refused too */
	{
		char ln[128];

		snprintf(ln, sizeof(ln), "%s.link", tmpdir);
		CU_ASSERT_EQUAL_FATAL(symlink(tmpdir, ln), 0);
		setenv("IPCTOP_DEMO_DIR", ln, 1);
		CU_ASSERT_EQUAL(demo_registry_cleanup_all(&log, why, sizeof(why)), -EPERM);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "symbolic link"));
		setenv("IPCTOP_DEMO_DIR", tmpdir, 1);
		unlink(ln);
	}

	CU_ASSERT_EQUAL(demo_registry_cleanup_all(&log, NULL, 0), 0);
	snprintf(path, sizeof(path), "%s/1/thesis.tex", tmpdir);
	CU_ASSERT_EQUAL(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	CU_ASSERT_EQUAL(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, DEMO_REGISTRY_FILE);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);	/* its own registry went */
	CU_ASSERT_EQUAL(log.removed, 1);
	CU_ASSERT_EQUAL(log.left, 2);			/* folder 1; the demo's folder, not empty */
	CU_ASSERT_EQUAL(log.failed, 0);
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	unlink(path);
	rmdir(dir);
	snprintf(path, sizeof(path), "%s/1/thesis.tex", tmpdir);
	unlink(path);
	rmdir(other);
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
	struct demo_cleanup_log log = { NULL, false, 0, 0, 0 };
	unsigned long long s1 = 0, s2 = 0, dead_start = 0;
	char dir[300];
	pid_t dead = dead_pid(&dead_start), p1, p2;
	int st;

	CU_ASSERT_FATAL(dead > 0);
	p1 = sleeper(&s1);
	p2 = sleeper(&s2);
	CU_ASSERT_FATAL(p1 > 0 && p2 > 0 && s1 && s2);
	make_demo_dir(dead, dead_start, dir, sizeof(dir));
	/* p1 is the demo's; p2's pid is listed with another start time: a reused pid */
	CU_ASSERT_EQUAL(demo_registry_append(dir, "proc %d %llu left-behind", (int)p1, s1), 0);
	CU_ASSERT_EQUAL(demo_registry_append(dir, "proc %d %llu reused-pid", (int)p2, s2 + 1), 0);
	CU_ASSERT_EQUAL(demo_registry_cleanup_all(&log, NULL, 0), 0);
	CU_ASSERT_EQUAL(waitpid(p1, &st, WNOHANG), p1);	/* killed... */
	CU_ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CU_ASSERT_EQUAL(waitpid(p2, &st, WNOHANG), 0);	/* ...and p2 untouched */
	CU_ASSERT_EQUAL(log.left, 1);
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
		   "base directory, O_EXCL registry, no symlinks", test_base_and_append,
		   "SysV removal re-checks id, key, creator, ctime", test_remove_sysv_verified,
		   "POSIX removal re-checks inode and owner", test_remove_posix_by_identity,
		   "cleanup removes dead demos only", test_cleanup_all,
		   "shared base refused, unlisted files kept", test_cleanup_foreign_files,
		   "cleanup kills only processes it can verify", test_cleanup_kills_verified_processes);
}
