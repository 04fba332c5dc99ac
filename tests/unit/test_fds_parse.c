/*
 * test_fds_parse.c - the descriptor probe (probes/fds.c) and the channels built from it.
 *
 * Suites: the fdinfo parser (recorded text and malformed), link classification, /proc/<pid>/io;
 * the whole collection on the recorded tree tests/fixtures/endpoints (copied to a temporary
 * directory where the FIFO git cannot store is created): pipes with their ends, FIFOs, POSIX
 * objects, eventfd/signalfd, and every malformed case as an error with the rest complete;
 * a live scan as an unprivileged user: root's processes are "EACCES", the user's own pipe
 * is complete, fill level included; and (root) the POSIX queue probe on a real mqueue file
 * system mounted in a private mount namespace.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probes/collect.h"
#include "probes/fds.h"
#include "probes/posix_ipc.h"
#include "src/snapshot.h"
#include "tests/unit/testmain.h"

#define PARSE(text, fi) fds_parse_fdinfo((text), strlen(text), (fi))

/* ---- fdinfo --------------------------------------------------------------------------------- */

static void test_fdinfo_pipe_ends(void)
{
	struct fds_fdinfo fi;

	/* recorded: the read and the write end of pipe:[261195] */
	CU_ASSERT_EQUAL(PARSE("pos:\t0\nflags:\t00\nmnt_id:\t16\nino:\t261195\n", &fi), 0);
	CU_ASSERT_EQUAL(fi.flags, 0);
	CU_ASSERT_EQUAL(fi.ino, 261195);
	CU_ASSERT_EQUAL(fi.mnt_id, 16);
	CU_ASSERT_EQUAL(fi.pos, 0);
	CU_ASSERT_EQUAL(fds_mode_from_flags(fi.flags), FD_MODE_READ);
	CU_ASSERT_EQUAL(PARSE("pos:\t0\nflags:\t01\nmnt_id:\t16\nino:\t261195\n", &fi), 0);
	CU_ASSERT_EQUAL(fds_mode_from_flags(fi.flags), FD_MODE_WRITE);
	/* O_RDWR with O_CLOEXEC and O_LARGEFILE */
	CU_ASSERT_EQUAL(PARSE("pos:\t0\nflags:\t02100002\nmnt_id:\t27\nino:\t10969565\n", &fi), 0);
	CU_ASSERT_EQUAL(fi.flags, 02100002);
	CU_ASSERT_EQUAL(fds_mode_from_flags(fi.flags), FD_MODE_RDWR);
	CU_ASSERT_EQUAL(fi.eventfd_count, SNAP_UNKNOWN);
	CU_ASSERT_FALSE(fi.sigmask_known);
	CU_ASSERT_EQUAL(fds_mode_from_flags(SNAP_UNKNOWN), FD_MODE_UNKNOWN);
	CU_ASSERT_EQUAL(fds_mode_from_flags(3), FD_MODE_UNKNOWN);	/* O_ACCMODE 3: not a mode */
}

static void test_fdinfo_eventfd_signalfd(void)
{
	struct fds_fdinfo fi;

	/* recorded (kernel 6.x): the count is hexadecimal, right-aligned in 16 columns */
	CU_ASSERT_EQUAL(PARSE("pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\n"
			      "eventfd-count:                7\neventfd-id: 1\neventfd-semaphore: 0\n",
			      &fi), 0);
	CU_ASSERT_EQUAL(fi.eventfd_count, 7);
	CU_ASSERT_EQUAL(PARSE("flags:\t02\neventfd-count:               1f\n", &fi), 0);
	CU_ASSERT_EQUAL(fi.eventfd_count, 31);
	CU_ASSERT_EQUAL(PARSE("pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\n"
			      "sigmask:\t0000000000000a00\n", &fi), 0);
	CU_ASSERT_TRUE(fi.sigmask_known);
	CU_ASSERT_EQUAL(fi.sigmask, 0xa00);	/* SIGUSR1 (10) and SIGUSR2 (12): bits 9 and 11 */
	/* a socket's extra line and an epoll's tfd lines are ignored */
	CU_ASSERT_EQUAL(PARSE("pos:\t0\nflags:\t02\nmnt_id:\t10\nino:\t261206\nscm_fds: 0\n", &fi), 0);
	CU_ASSERT_EQUAL(PARSE("pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\n"
			      "tfd:        5 events:       19 data:                5  pos:0 ino:3e mnt:f\n",
			      &fi), 0);
	CU_ASSERT_EQUAL(fi.ino, 1038);
}

static void test_fdinfo_malformed(void)
{
	struct fds_fdinfo fi;

	CU_ASSERT_EQUAL(PARSE("", &fi), -EBADMSG);			/* no flags */
	CU_ASSERT_EQUAL(PARSE("pos:\t0\nmnt_id:\t16\n", &fi), -EBADMSG);
	CU_ASSERT_EQUAL(PARSE("flags:\t0x12\n", &fi), -EBADMSG);	/* not octal */
	CU_ASSERT_EQUAL(PARSE("flags:\t09\n", &fi), -EBADMSG);
	CU_ASSERT_EQUAL(PARSE("flags:\t\n", &fi), -EBADMSG);
	CU_ASSERT_EQUAL(PARSE("flags:\t02 x\n", &fi), -EBADMSG);	/* trailing junk */
	CU_ASSERT_EQUAL(PARSE("flags:\t02\nino:\t-5\n", &fi), -EBADMSG);
	CU_ASSERT_EQUAL(PARSE("flags:\t02\nino:\t99999999999999999999999\n", &fi), -EBADMSG);
	CU_ASSERT_EQUAL(PARSE("flags:\t02\neventfd-count: zz\n", &fi), -EBADMSG);
	CU_ASSERT_EQUAL(fi.flags, 2);	/* what came before the bad line stays */
	CU_ASSERT_EQUAL(fi.eventfd_count, SNAP_UNKNOWN);
	CU_ASSERT_EQUAL(PARSE("flags:\t02\nsigmask:\tnothex\n", &fi), -EBADMSG);
	CU_ASSERT_FALSE(fi.sigmask_known);
	/* no final newline, CR-free text cut in the middle of a later line: still fine */
	CU_ASSERT_EQUAL(PARSE("pos:\t7\nflags:\t01", &fi), 0);
	CU_ASSERT_EQUAL(fi.pos, 7);
	CU_ASSERT_EQUAL(fi.flags, 1);
	CU_ASSERT_EQUAL(fds_parse_fdinfo("flags:\t01\nino:\t12", 16, &fi), 0);	/* "ino:\t1" */
	CU_ASSERT_EQUAL(fi.ino, 1);
	CU_ASSERT_EQUAL(fds_parse_fdinfo("flags:\t01\nino:\t12", 15, &fi), -EBADMSG);
}

/* ---- links ---------------------------------------------------------------------------------- */

static enum fd_type classify(const char *t, uint64_t *ino, bool *ok)
{
	enum fd_type type;

	*ok = fds_classify_link(t, strlen(t), &type, ino);
	return type;
}

static void test_links(void)
{
	uint64_t ino;
	bool ok;

	CU_ASSERT_EQUAL(classify("pipe:[261195]", &ino, &ok), FDT_PIPE);
	CU_ASSERT_TRUE(ok);
	CU_ASSERT_EQUAL(ino, 261195);
	CU_ASSERT_EQUAL(classify("socket:[4026531993]", &ino, &ok), FDT_SOCKET);
	CU_ASSERT_EQUAL(ino, 4026531993ULL);
	CU_ASSERT_EQUAL(classify("anon_inode:[eventfd]", &ino, &ok), FDT_EVENTFD);
	CU_ASSERT_EQUAL(ino, 0);
	CU_ASSERT_EQUAL(classify("anon_inode:[signalfd]", &ino, &ok), FDT_SIGNALFD);
	CU_ASSERT_EQUAL(classify("anon_inode:[eventpoll]", &ino, &ok), FDT_OTHER);
	CU_ASSERT_TRUE(ok);
	CU_ASSERT_EQUAL(classify("anon_inode:[eventfd]x", &ino, &ok), FDT_OTHER);
	CU_ASSERT_EQUAL(classify("/tmp/x.fifo", &ino, &ok), FDT_FILE);
	CU_ASSERT_EQUAL(classify("/ipctop-ep-1", &ino, &ok), FDT_FILE);	/* stat tells mqueue */
	CU_ASSERT_EQUAL(classify("net:[4026531840]", &ino, &ok), FDT_OTHER);
	CU_ASSERT_EQUAL(classify("", &ino, &ok), FDT_OTHER);

	/* malformed */
	CU_ASSERT_EQUAL(classify("pipe:[12ab]", &ino, &ok), FDT_OTHER);
	CU_ASSERT_FALSE(ok);
	CU_ASSERT_EQUAL(ino, 0);
	classify("pipe:[]", &ino, &ok);
	CU_ASSERT_FALSE(ok);
	classify("pipe:[123", &ino, &ok);
	CU_ASSERT_FALSE(ok);
	classify("pipe:[-5]", &ino, &ok);
	CU_ASSERT_FALSE(ok);
	classify("pipe:[0]", &ino, &ok);
	CU_ASSERT_FALSE(ok);
	classify("socket:[99999999999999999999999]", &ino, &ok);
	CU_ASSERT_FALSE(ok);
	classify("pipe:[12] ", &ino, &ok);
	CU_ASSERT_FALSE(ok);
	/* a length shorter than the text: only len bytes count */
	CU_ASSERT_TRUE(fds_classify_link("pipe:[77]junk", 9, &(enum fd_type){ 0 }, &ino));
	CU_ASSERT_EQUAL(ino, 77);

	CU_ASSERT_EQUAL(fds_deleted_suffix("/tmp/a.fifo (deleted)", 21), 10);
	CU_ASSERT_EQUAL(fds_deleted_suffix("/tmp/a.fifo", 11), 0);
	CU_ASSERT_EQUAL(fds_deleted_suffix(" (deleted)", 10), 0);	/* nothing before it */
}

static void test_io(void)
{
	int64_t r = -1, w = -1;
	const char *rec = "rchar: 3997\nwchar: 13207\nsyscr: 13\nsyscw: 28\nread_bytes: 0\n"
			  "write_bytes: 4096\ncancelled_write_bytes: 0\n";

	CU_ASSERT_EQUAL(fds_parse_io(rec, strlen(rec), &r, &w), 0);
	CU_ASSERT_EQUAL(r, 3997);
	CU_ASSERT_EQUAL(w, 13207);
	CU_ASSERT_EQUAL(fds_parse_io("rchar: 12x\nwchar: 5\n", 20, &r, &w), -EBADMSG);
	CU_ASSERT_EQUAL(fds_parse_io("rchar: 1\n", 9, &r, &w), -EBADMSG);
	CU_ASSERT_EQUAL(fds_parse_io("", 0, &r, &w), -EBADMSG);
}

/* ---- the recorded tree ---------------------------------------------------------------------- */

static char tree[64];
static struct snapshot *fsnap;

static int remove_tree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
	return system(cmd) == 0 ? 0 : 1;
}

static int fixture_init(void)
{
	char cmd[4096 + 128];
	const char *src = test_fixture("endpoints");
	struct collect_opts o = { 0 };
	struct collector *c;
	int err;

	snprintf(tree, sizeof(tree), "/tmp/ipctop-fdtest.XXXXXX");
	if (!mkdtemp(tree))
		return 1;
	/* CUnit skips the cleanup of a suite whose init failed: remove the copy here then */
	snprintf(cmd, sizeof(cmd), "cp -a '%s/proc' '%s/dev' '%s/' && mkdir -p '%s/tmp/ipctop-ep.kSMnYs'",
		 src, src, tree, tree);
	if (system(cmd) != 0)
		return remove_tree(), 1;
	snprintf(cmd, sizeof(cmd), "%s/tmp/ipctop-ep.kSMnYs/chat.fifo", tree);
	if (mkfifo(cmd, 0600) < 0)
		return remove_tree(), 1;
	o.sysroot = tree;
	c = collector_new(&o, &err);
	if (!c || collector_collect(c, &fsnap) < 0) {
		collector_free(c);
		return remove_tree(), 1;
	}
	collector_free(c);
	snapshot_sort(fsnap);
	return 0;
}

static int fixture_clean(void)
{
	snapshot_unref(fsnap);
	return remove_tree();
}

static bool has_error(const struct snapshot *s, const char *where, const char *error)
{
	for (size_t i = 0; i < s->n_errors; i++)
		if (strcmp(s->errors[i].where, where) == 0 && strcmp(s->errors[i].error, error) == 0)
			return true;
	return false;
}

static bool end_is(const struct endpoint *e, pid_t pid, int fd, unsigned mode)
{
	return e->pid == pid && e->fd == fd && e->mode == mode;
}

static void test_fixture_ring(void)
{
	/* ring_pipe lines of fixture.out: inode writer_pid writer_fd reader_pid reader_fd */
	static const int ring[4][5] = {
		{ 261195, 14404, 4, 14405, 3 }, { 261198, 14405, 8, 14407, 7 },
		{ 261201, 14407, 12, 14408, 11 }, { 261204, 14408, 16, 14404, 15 },
	};

	for (int i = 0; i < 4; i++) {
		const struct pipe_rec *p = snapshot_find_pipe(fsnap, PIPE_ANON, (uint64_t)ring[i][0]);
		size_t w, r;

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_EQUAL(p->dev, 0);
		CU_ASSERT_PTR_NULL(p->path);
		/* not live: no fill, and why */
		CU_ASSERT_EQUAL(p->queued_bytes, SNAP_UNKNOWN);
		CU_ASSERT_EQUAL(p->capacity, SNAP_UNKNOWN);
		CU_ASSERT_STRING_EQUAL(p->fill_error, "not live");
		/* ends sorted by pid: 90001's malformed-flags end joins pipe 0 with mode unknown */
		CU_ASSERT_EQUAL(p->n_ends, i == 0 ? 3 : 2);
		w = ring[i][1] < ring[i][3] ? 0 : 1;
		r = 1 - w;
		CU_ASSERT_TRUE(end_is(&p->ends[w], ring[i][1], ring[i][2], FD_MODE_WRITE));
		CU_ASSERT_TRUE(end_is(&p->ends[r], ring[i][3], ring[i][4], FD_MODE_READ));
		if (i == 0)
			CU_ASSERT_TRUE(end_is(&p->ends[2], 90001, 3, FD_MODE_UNKNOWN));
	}
	CU_ASSERT_TRUE(has_error(fsnap, "pipes fill", "not live"));
}

static void test_fixture_stuff_and_fifo(void)
{
	const struct pipe_rec *p = snapshot_find_pipe(fsnap, PIPE_ANON, 261208);
	char path[128];
	struct stat st;

	/* stuff=261208 14411 4 14412 3, plus the O_RDWR end added in 90001 */
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL_FATAL(p->n_ends, 3);
	CU_ASSERT_TRUE(end_is(&p->ends[0], 14411, 4, FD_MODE_WRITE));
	CU_ASSERT_TRUE(end_is(&p->ends[1], 14412, 3, FD_MODE_READ));
	CU_ASSERT_TRUE(end_is(&p->ends[2], 90001, 8, FD_MODE_RDWR));

	/* fifo=10969565 writer 14410 fd 3, reader 14409 fd 3; the recorded inode is its identity */
	snprintf(path, sizeof(path), "%s/tmp/ipctop-ep.kSMnYs/chat.fifo", tree);
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	p = snapshot_find_pipe(fsnap, PIPE_FIFO, 10969565);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->dev, (uint64_t)st.st_dev);
	CU_ASSERT_STRING_EQUAL(p->path, "/tmp/ipctop-ep.kSMnYs/chat.fifo");
	CU_ASSERT_FALSE(p->deleted);
	CU_ASSERT_EQUAL_FATAL(p->n_ends, 2);
	CU_ASSERT_TRUE(end_is(&p->ends[0], 14409, 3, FD_MODE_READ));
	CU_ASSERT_TRUE(end_is(&p->ends[1], 14410, 3, FD_MODE_WRITE));
	CU_ASSERT_EQUAL(fsnap->n_pipes, 6);	/* 4 ring + stuff + fifo: nothing invented */
}

static void test_fixture_posix_misc(void)
{
	const struct pmq_rec *q = snapshot_find_pmq(fsnap, "ipctop-ep-14402");
	const struct pshm_rec *m = snapshot_find_pshm(fsnap, "ipctop-ep-14402-shm");
	const struct psem_rec *sem = snapshot_find_psem(fsnap, "ipctop-ep-14402-sem");
	const struct proc_rec *pr;
	bool efd = false, sfd = false, bad_efd = false;

	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_EQUAL(fsnap->n_pmqs, 1);	/* held and listed: one queue, not two */
	CU_ASSERT_EQUAL(q->bytes, 60);
	CU_ASSERT_EQUAL(q->messages, SNAP_UNKNOWN);	/* mq_getattr: live only */
	CU_ASSERT_STRING_EQUAL(q->error, "not live");
	CU_ASSERT_EQUAL_FATAL(q->n_holders, 1);
	CU_ASSERT_EQUAL(q->holders[0].pid, 14402);
	CU_ASSERT_EQUAL(q->holders[0].fd, 3);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->size, 8192);
	CU_ASSERT_EQUAL_FATAL(m->n_mapped, 2);
	CU_ASSERT_EQUAL(m->mapped_pids[0], 14402);
	CU_ASSERT_EQUAL(m->mapped_pids[1], 14414);

	CU_ASSERT_PTR_NOT_NULL_FATAL(sem);
	CU_ASSERT_EQUAL(sem->value, 5);
	CU_ASSERT_PTR_NULL(sem->error);

	for (size_t i = 0; i < fsnap->n_miscfds; i++) {
		const struct misc_fd_rec *x = &fsnap->miscfds[i];

		if (x->kind == MISC_EVENTFD && x->pid == 14402 && x->fd == 4)
			efd = x->eventfd_count == 7;
		if (x->kind == MISC_SIGNALFD && x->pid == 14402 && x->fd == 5)
			sfd = x->sigmask == 0xa00;
		if (x->kind == MISC_EVENTFD && x->pid == 90001 && x->fd == 7)
			bad_efd = x->eventfd_count == SNAP_UNKNOWN;
	}
	CU_ASSERT_TRUE(efd);
	CU_ASSERT_TRUE(sfd);
	CU_ASSERT_TRUE(bad_efd);
	CU_ASSERT_TRUE(has_error(fsnap, "tcp loopback", "not live"));

	pr = snapshot_find_proc(fsnap, 14402);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pr);
	CU_ASSERT_EQUAL(pr->io_rchar, 3997);
	CU_ASSERT_EQUAL(pr->io_wchar, 13207);
	pr = snapshot_find_proc(fsnap, 14413);	/* holds no channel: io not read */
	CU_ASSERT_PTR_NOT_NULL_FATAL(pr);
	CU_ASSERT_EQUAL(pr->io_rchar, SNAP_UNKNOWN);
}

static void test_fixture_errors(void)
{
	const struct proc_rec *p;

	CU_ASSERT_TRUE(has_error(fsnap, "pid 90001 fdinfo 3", "malformed fdinfo"));
	CU_ASSERT_TRUE(has_error(fsnap, "pid 90001 fd 4", "malformed link"));
	CU_ASSERT_TRUE(has_error(fsnap, "pid 90001 fd 6", "changed during scan"));
	CU_ASSERT_TRUE(has_error(fsnap, "pid 90001 fdinfo 7", "malformed fdinfo"));
	CU_ASSERT_TRUE(has_error(fsnap, "pid 90001 io", "malformed io"));
	CU_ASSERT_TRUE(has_error(fsnap, "pid 90002 fd", "ENOENT"));
	CU_ASSERT_TRUE(has_error(fsnap, "pid 90003 fd", "ENOTDIR"));
	p = snapshot_find_proc(fsnap, 90003);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->error, "fd: ENOTDIR");
	/* fd 6 named another object: it is in no pipe */
	CU_ASSERT_EQUAL(snapshot_find_pipe(fsnap, PIPE_ANON, 261201)->n_ends, 2);
	/* the rest is complete: every source but the live-only ones ran */
	for (size_t i = 0; i < fsnap->n_sources; i++) {
		const struct snap_source *src = &fsnap->sources[i];

		if (!strcmp(src->name, "fds") || !strcmp(src->name, "pipes") ||
		    !strcmp(src->name, "posix_ipc") || !strcmp(src->name, "misc_fds"))
			CU_ASSERT_TRUE(src->ok);
		if (!strcmp(src->name, "unix_diag")) {
			CU_ASSERT_FALSE(src->ok);
			CU_ASSERT_PTR_NOT_NULL(strstr(src->error, "not live"));
		}
	}
	CU_ASSERT_EQUAL(fsnap->n_usocks, 0);
}

/* ---- live, unprivileged --------------------------------------------------------------------- */

/* Runs in a child as an unprivileged user. Returns a bit set of failed checks (0 = all ok). */
static int unprivileged_scan(pid_t root_pid)
{
	int p[2], bad = 0;
	pid_t g;
	struct stat st;
	struct collect_opts o = { .sysroot = "/" };
	struct collector *c;
	struct snapshot *s = NULL;
	const struct pipe_rec *pr;
	char where[64];
	int err;

	if (pipe(p) < 0)
		return 1 << 0;
	g = fork();
	if (g < 0)
		return 1 << 0;
	if (g == 0) {
		close(p[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	close(p[0]);
	if (write(p[1], "abc", 3) != 3 || fstat(p[1], &st) < 0)
		bad |= 1 << 0;
	c = collector_new(&o, &err);
	if (!c || collector_collect(c, &s) < 0)
		bad |= 1 << 1;
	collector_free(c);
	if (s) {
		snapshot_sort(s);
		snprintf(where, sizeof(where), "pid %d fd", (int)root_pid);
		if (!has_error(s, where, "EACCES"))
			bad |= 1 << 2;	/* root's process: unreadable, said once */
		pr = snapshot_find_pipe(s, PIPE_ANON, st.st_ino);
		if (!pr || pr->n_ends != 2)
			bad |= 1 << 3;
		else if (!end_is(&pr->ends[getpid() < g ? 0 : 1], getpid(), p[1], FD_MODE_WRITE) ||
			 !end_is(&pr->ends[getpid() < g ? 1 : 0], g, p[0], FD_MODE_READ))
			bad |= 1 << 4;
		else if (pr->queued_bytes != 3 || pr->capacity != 65536)
			bad |= 1 << 5;	/* pidfd_getfd on our own processes works unprivileged */
		snapshot_unref(s);
	}
	kill(g, SIGKILL);
	waitpid(g, NULL, 0);
	return bad;
}

static void test_unprivileged(void)
{
	pid_t me = getpid(), c;
	int status;

	if (geteuid() != 0) {
		/* already unprivileged: pid 1 belongs to root */
		CU_ASSERT_EQUAL(unprivileged_scan(1), 0);
		return;
	}
	fflush(stdout);
	c = fork();
	CU_ASSERT_FATAL(c >= 0);
	if (c == 0) {
		int bad;

		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(100);
		prctl(PR_SET_DUMPABLE, 1);	/* changing uid cleared it: our /proc is ours again */
		bad = unprivileged_scan(me);
		_exit(bad);
	}
	CU_ASSERT_EQUAL(waitpid(c, &status, 0), c);
	CU_ASSERT_TRUE(WIFEXITED(status));
	if (WIFEXITED(status) && WEXITSTATUS(status))
		fprintf(stderr, "unprivileged scan: failed checks 0x%x\n", WEXITSTATUS(status));
	CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
}

/* ---- live, /dev/mqueue mounted ---------------------------------------------------------------- */

/* In a child with a private mount namespace: an mqueue file system mounted on
 * <tmp>/dev/mqueue, the POSIX probe run live with that as its root. Returns failed-check bits. */
static int mqueue_dir_scan(void)
{
	char root[64], dev[80], mqdir[96], name[64];
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	struct probe_ctx ctx = { .live = true };
	const struct pmq_rec *q;
	mqd_t mq;
	int bad = 0;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 1 << 0;
	snprintf(root, sizeof(root), "/tmp/ipctop-mqtest.XXXXXX");
	if (!mkdtemp(root))
		return 1 << 0;
	snprintf(dev, sizeof(dev), "%s/dev", root);
	snprintf(mqdir, sizeof(mqdir), "%s/dev/mqueue", root);
	if (mkdir(dev, 0755) < 0 || mkdir(mqdir, 0755) < 0 ||
	    mount("none", mqdir, "mqueue", 0, NULL) < 0) {
		bad = 1 << 0;
		goto out;
	}
	snprintf(name, sizeof(name), "/ipctop-mqtest-%d", (int)getpid());
	mq = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &attr);
	if (mq == (mqd_t)-1) {
		bad = 1 << 1;
		goto out;
	}
	if (mq_send(mq, "hello", 5, 0) < 0 || mq_send(mq, "goodbye", 7, 1) < 0)
		bad |= 1 << 1;

	ctx.snap = snapshot_new();
	ctx.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ctx.procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	arena_init(&ctx.scratch);
	if (fds_collect(&ctx, NULL) < 0 || posix_ipc_collect(&ctx, NULL) < 0)
		bad |= 1 << 2;
	snapshot_sort(ctx.snap);
	q = snapshot_find_pmq(ctx.snap, name + 1);
	if (!q)
		bad |= 1 << 3;
	else if (q->bytes != 12 || q->messages != 2 || q->max_messages != 4 ||
		 q->message_size != 64 || q->error)
		bad |= 1 << 4;	/* read from the directory's file and mq_getattr */
	else if (q->n_holders != 1 || q->holders[0].pid != getpid() || q->holders[0].fd != (int)mq)
		bad |= 1 << 5;
	free(ctx.fds);
	free(ctx.maps);
	arena_fini(&ctx.scratch);
	snapshot_unref(ctx.snap);
	close(ctx.rootfd);
	close(ctx.procfd);
	/* nothing received: both messages still there */
	{
		struct mq_attr now;

		if (mq_getattr(mq, &now) < 0 || now.mq_curmsgs != 2)
			bad |= 1 << 6;
	}
	mq_close(mq);
	mq_unlink(name);
	umount(mqdir);
out:
	rmdir(mqdir);
	rmdir(dev);
	rmdir(root);
	return bad;
}

static void test_mqueue_dir(void)
{
	pid_t c;
	int status;

	if (geteuid() != 0) {
		test_skip("mounting an mqueue file system needs root");
		return;
	}
	fflush(stdout);
	c = fork();
	CU_ASSERT_FATAL(c >= 0);
	if (c == 0)
		_exit(mqueue_dir_scan());
	CU_ASSERT_EQUAL(waitpid(c, &status, 0), c);
	CU_ASSERT_TRUE(WIFEXITED(status));
	if (WIFEXITED(status) && WEXITSTATUS(status))
		fprintf(stderr, "mqueue directory scan: failed checks 0x%x\n", WEXITSTATUS(status));
	CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
}

void test_register(void)
{
	TEST_SUITE("fdinfo", NULL, NULL,
		   "pipe ends and access modes", test_fdinfo_pipe_ends,
		   "eventfd count and signalfd mask", test_fdinfo_eventfd_signalfd,
		   "malformed fdinfo", test_fdinfo_malformed);
	TEST_SUITE("links and io", NULL, NULL,
		   "readlink classification", test_links,
		   "/proc/<pid>/io", test_io);
	TEST_SUITE("recorded tree (tests/fixtures/endpoints)", fixture_init, fixture_clean,
		   "ring pipes: ends, modes, not live", test_fixture_ring,
		   "stuffed pipe with an O_RDWR end, FIFO", test_fixture_stuff_and_fifo,
		   "POSIX objects, eventfd, signalfd, io", test_fixture_posix_misc,
		   "malformed cases are errors, the rest complete", test_fixture_errors);
	TEST_SUITE("live", NULL, NULL,
		   "unprivileged: EACCES for root's processes, own pipe complete", test_unprivileged,
		   "queues listed from a mounted /dev/mqueue, nothing received", test_mqueue_dir);
}
