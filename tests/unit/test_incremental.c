/*
 * test_incremental.c - an incremental snapshot equals a full one (issue 7).
 *
 * The test makes its own stable processes: four children joined by two pipes (one holding
 * five unread bytes) and a socketpair, one of them also holding a FIFO (from a fresh temporary
 * directory) and an eventfd, two attached to a System V segment (IPC_PRIVATE, marked for
 * removal at once so it dies with them), two mapping a POSIX shared memory object (one
 * shared, one private), each then blocked in read() on its own control pipe. A warm sampler
 * takes snapshots until the collector reports that it took every child from its cache
 * (probes/proc_cache.h); then a fresh sampler takes one snapshot, and the JSON of every record
 * that concerns the children (processes but for the machine-wide SigQ count, pipes, sockets,
 * misc descriptors, the segment, the POSIX object) must be the same text in both. Then the
 * world changes behind the sleeping children's backs or through them, and the warm sampler
 * must see it at its next snapshot:
 *   - the parent bumps the shared eventfd and renames the FIFO while its holder sleeps (the
 *     cached descriptor list must have them read again);
 *   - one child is woken, closes its socketpair end and sleeps again (its counters moved:
 *     it must be read in full, not taken from the cache);
 *   - the pipe's writer writes more and exits while its reader sleeps on (every remaining
 *     end is cached, but the pipe lost an end: its fill must be measured, not kept).
 * Also the pure parts: schedstat and context switch parsers, the quiescence rule.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "probes/collect.h"
#include "probes/proc_cache.h"
#include "src/json_out.h"
#include "src/sampler.h"
#include "tests/unit/live_helpers.h"
#include "tests/unit/testmain.h"

#define N_CHILD 4

/* ---- pure parts ----------------------------------------------------------------------------- */

static void test_parsers(void)
{
	struct proc_witness w = { 0 };
	static const char status[] =
		"Name:\tx\nState:\tS (sleeping)\nThreads:\t1\n"
		"voluntary_ctxt_switches:\t150\nnonvoluntary_ctxt_switches:\t7\n";

	CU_ASSERT_TRUE(proc_cache_parse_schedstat("123456 789 42\n", 14, &w));
	CU_ASSERT_EQUAL(w.run_ns, 123456u);
	CU_ASSERT_EQUAL(w.wait_ns, 789u);
	CU_ASSERT_EQUAL(w.slices, 42u);
	CU_ASSERT_FALSE(proc_cache_parse_schedstat("123456 789\n", 11, &w));
	CU_ASSERT_FALSE(proc_cache_parse_schedstat("1 2 x\n", 6, &w));
	CU_ASSERT_FALSE(proc_cache_parse_schedstat("", 0, &w));
	CU_ASSERT_FALSE(proc_cache_parse_schedstat("99999999999999999999999 1 1", 27, &w));

	CU_ASSERT_TRUE(proc_cache_parse_switches(status, sizeof(status) - 1, &w));
	CU_ASSERT_EQUAL(w.nvcsw, 150u);
	CU_ASSERT_EQUAL(w.nivcsw, 7u);
	CU_ASSERT_FALSE(proc_cache_parse_switches("voluntary_ctxt_switches:\t1\n", 27, &w));
	CU_ASSERT_FALSE(proc_cache_parse_switches("voluntary_ctxt_switches:\tx\n"
						  "nonvoluntary_ctxt_switches:\t1\n", 57, &w));
}

static void test_quiescent_rule(void)
{
	struct proc_cache_entry prev = { .pid = 5, .start_ticks = 9 };
	struct proc_witness cur;

	prev.w = (struct proc_witness){ true, 'S', 1, 10, 2, 5000, 70, 12 };
	cur = prev.w;
	CU_ASSERT_TRUE(proc_cache_quiescent(&prev, &cur));
	CU_ASSERT_FALSE(proc_cache_quiescent(NULL, &cur));
	cur.slices++;			/* switched in */
	CU_ASSERT_FALSE(proc_cache_quiescent(&prev, &cur));
	cur = prev.w;
	cur.nvcsw++;			/* switched out */
	CU_ASSERT_FALSE(proc_cache_quiescent(&prev, &cur));
	cur = prev.w;
	cur.nivcsw++;
	CU_ASSERT_FALSE(proc_cache_quiescent(&prev, &cur));
	cur = prev.w;
	cur.run_ns++;			/* ran across a tick */
	CU_ASSERT_FALSE(proc_cache_quiescent(&prev, &cur));
	cur = prev.w;
	cur.wait_ns++;
	CU_ASSERT_FALSE(proc_cache_quiescent(&prev, &cur));
	cur = prev.w;
	cur.state = 'D';
	CU_ASSERT_FALSE(proc_cache_quiescent(&prev, &cur));
	cur = prev.w;
	cur.threads = 2;		/* threads: their counters are not read */
	CU_ASSERT_FALSE(proc_cache_quiescent(&prev, &cur));
	cur = prev.w;
	cur.valid = false;
	CU_ASSERT_FALSE(proc_cache_quiescent(&prev, &cur));
	prev.w.state = 'R';		/* running: it may have been on a CPU all along */
	cur = prev.w;
	CU_ASSERT_FALSE(proc_cache_quiescent(&prev, &cur));
}

/* ---- the live fixture ------------------------------------------------------------------------ */

struct child_args {
	int idx;
	int ctl;		/* read end of its control pipe */
	int ack;		/* write end of the shared acknowledgement pipe */
	int keep[4];		/* its share of the channels (-1: unused slot) */
	int drop;		/* a descriptor to close when told to (-1: none) */
	int writer;		/* a pipe to write 3 bytes into before exiting when told to */
	int shmid;		/* attach it (-1: no) */
	const char *pshm;	/* map it (NULL: no) */
	bool pshm_private;
};

static void child_main(void *arg)
{
	struct child_args *a = arg;
	char c;

	/* keep only this child's own descriptors (fork gave it all of the parent's) */
	for (int fd = 3; fd < 1024; fd++) {
		bool keep = fd == a->ctl || fd == a->ack;

		for (int k = 0; k < 4; k++)
			keep |= fd == a->keep[k];
		if (!keep)
			close(fd);
	}
	if (a->shmid >= 0 && shmat(a->shmid, NULL, SHM_RDONLY) == (void *)-1)
		_exit(3);
	if (a->pshm) {
		int fd = open(a->pshm, O_RDWR | O_CLOEXEC);

		if (fd < 0 || mmap(NULL, 4096, PROT_READ, a->pshm_private ? MAP_PRIVATE : MAP_SHARED,
				   fd, 0) == MAP_FAILED)
			_exit(4);
		close(fd);
	}
	if (write(a->ack, "r", 1) != 1)
		_exit(5);
	for (;;) {
		ssize_t n = read(a->ctl, &c, 1);

		if (n <= 0)
			_exit(0);
		if (c == 'x' && a->drop >= 0) {
			close(a->drop);
			a->drop = -1;
		}
		if (c == 'q') {
			if (write(a->writer, "bye", 3) != 3)
				_exit(6);
			_exit(0);
		}
		if (write(a->ack, "k", 1) != 1)
			_exit(5);
	}
}

struct fixture {
	pid_t pid[N_CHILD];
	int ctl[N_CHILD];	/* write ends */
	int ack;		/* read end */
	int efd;
	int shmid;
	char dir[64], fifo[96], fifo2[96], pshm[64], pshm_path[96];
	bool ok;
};

static struct fixture fx;

static int fixture_up(void)
{
	int p01[2], p12[2], sp23[2], ackp[2], fifo_fd;
	struct child_args args[N_CHILD];

	memset(&fx, 0, sizeof(fx));
	live_init();
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/ipctop-inc-XXXXXX");
	if (!mkdtemp(fx.dir))
		return 1;
	live_track_path(fx.dir, true);
	snprintf(fx.fifo, sizeof(fx.fifo), "%s/fifo", fx.dir);
	snprintf(fx.fifo2, sizeof(fx.fifo2), "%s/renamed", fx.dir);
	live_track_path(fx.fifo, false);
	live_track_path(fx.fifo2, false);
	if (mkfifo(fx.fifo, 0600) < 0)
		return 1;
	snprintf(fx.pshm, sizeof(fx.pshm), "ipctop-inc-%d", (int)getpid());
	snprintf(fx.pshm_path, sizeof(fx.pshm_path), "/dev/shm/%s", fx.pshm);
	live_track_path(fx.pshm_path, false);
	{
		int fd = open(fx.pshm_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

		if (fd < 0 || ftruncate(fd, 4096) < 0)
			return 1;
		close(fd);
	}
	fx.shmid = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	if (fx.shmid < 0)
		return 1;
	if (pipe2(p01, O_CLOEXEC) || pipe2(p12, O_CLOEXEC) || socketpair(AF_UNIX, SOCK_STREAM, 0, sp23) ||
	    pipe2(ackp, O_CLOEXEC))
		return 1;
	fx.efd = eventfd(3, EFD_CLOEXEC);
	fifo_fd = open(fx.fifo, O_RDWR | O_CLOEXEC);	/* O_RDWR: no waiting for a peer */
	if (fx.efd < 0 || fifo_fd < 0)
		return 1;
	(void)write(p01[1], "hello", 5);	/* a pipe with bytes in it */
	fx.ack = ackp[0];
	for (int i = 0; i < N_CHILD; i++) {
		int ctl[2];

		if (pipe2(ctl, O_CLOEXEC))
			return 1;
		args[i] = (struct child_args){ .idx = i, .ctl = ctl[0], .ack = ackp[1], .drop = -1,
					       .writer = -1, .shmid = -1, .keep = { -1, -1, -1, -1 } };
		fx.ctl[i] = ctl[1];
		switch (i) {
		case 0:		/* writer of p01, SysV, the shared POSIX mapping */
			args[i].keep[0] = p01[1];
			args[i].writer = p01[1];
			args[i].shmid = fx.shmid;
			args[i].pshm = fx.pshm_path;
			break;
		case 1:		/* reader of p01, writer of p12, SysV, the private mapping */
			args[i].keep[0] = p01[0];
			args[i].keep[1] = p12[1];
			args[i].shmid = fx.shmid;
			args[i].pshm = fx.pshm_path;
			args[i].pshm_private = true;
			break;
		case 2:		/* reader of p12, one end of the socketpair, the FIFO, the eventfd
				 * (which keep its descriptors out of the cache) */
			args[i].keep[0] = p12[0];
			args[i].keep[1] = sp23[0];
			args[i].keep[2] = fifo_fd;
			args[i].keep[3] = fx.efd;
			break;
		case 3:		/* the other end: drops it when told */
			args[i].keep[0] = sp23[1];
			args[i].drop = sp23[1];
			break;
		}
		fx.pid[i] = live_spawn(child_main, &args[i]);
		close(ctl[0]);
	}
	/* the parent keeps the eventfd (to bump it) and the control pipes; the children keep
	 * their inherited copies of everything else: close ours */
	close(p01[0]);
	close(p01[1]);
	close(p12[0]);
	close(p12[1]);
	close(sp23[0]);
	close(sp23[1]);
	close(fifo_fd);
	close(ackp[1]);
	for (int i = 0; i < N_CHILD; i++)
		if (live_read_byte(fx.ack, 10) != 'r')
			return 1;
	shmctl(fx.shmid, IPC_RMID, NULL);	/* gone with its last attacher */
	fx.ok = true;
	return 0;
}

static int fixture_down(void)
{
	for (int i = 0; i < N_CHILD; i++)
		if (fx.ctl[i] > 0)
			close(fx.ctl[i]);
	if (fx.ack > 0)
		close(fx.ack);
	if (fx.efd > 0)
		close(fx.efd);
	live_cleanup();
	return 0;
}

/* ---- comparing ------------------------------------------------------------------------------- */

static bool ours(pid_t pid)
{
	for (int i = 0; i < N_CHILD; i++)
		if (fx.pid[i] == pid)
			return true;
	return false;
}

static bool any_ours(struct json_object *list)
{
	size_t n = list ? json_object_array_length(list) : 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(list, i), *pid;

		if (json_object_object_get_ex(e, "pid", &pid) && ours((pid_t)json_object_get_int(pid)))
			return true;
		if (json_object_is_type(e, json_type_int) && ours((pid_t)json_object_get_int(e)))
			return true;
	}
	return false;
}

static const char *strkey(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

/* The text of every record that concerns our children, in snapshot order. */
static char *ours_text(const struct snapshot *s)
{
	struct json_object *o = json_out_snapshot(s, NULL), *out = json_object_new_array(), *v;
	static const char *const lists[] = {
		"processes", "pipes", "unix_sockets", "misc_fds", "shm_segments", "posix_shm",
	};
	char idbuf[32];
	char *text;

	snprintf(idbuf, sizeof(idbuf), "shm:%d", fx.shmid);
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		struct json_object *list;
		size_t n;

		if (!json_object_object_get_ex(o, lists[l], &list))
			continue;
		n = json_object_array_length(list);
		for (size_t i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(list, i), *f;
			bool take = false;

			if (json_object_object_get_ex(e, "pid", &f) && l != 1)
				take = ours((pid_t)json_object_get_int(f));
			if (json_object_object_get_ex(e, "readers", &f))
				take = any_ours(f) ||
				       (json_object_object_get_ex(e, "writers", &v) && any_ours(v));
			if (json_object_object_get_ex(e, "holders", &f))
				take = any_ours(f);
			if (strcmp(lists[l], "shm_segments") == 0)
				take = strcmp(strkey(e, "id"), idbuf) == 0;
			if (strcmp(lists[l], "posix_shm") == 0)
				take = strcmp(strkey(e, "name"), fx.pshm) == 0;
			if (!take)
				continue;
			if (strcmp(lists[l], "processes") == 0)
				json_object_object_del(e, "sigq");	/* SigQ: the user's, machine-wide */
			json_object_array_add(out, json_object_get(e));
		}
	}
	text = strdup(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(out);
	json_object_put(o);
	return text;
}

/* The child is fully asleep: off the CPU and off the run queue, so /proc/<pid>/wchan names
 * the function it sleeps in (it reads "0" while the task runs, and for a short while after it
 * went to sleep while the scheduler delays its dequeue). Any snapshot taken before that may
 * catch it in transition, warm or fresh alike. */
static bool asleep(pid_t pid)
{
	char path[64], buf[128];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && !(n == 1 && buf[0] == '0');
}

static bool all_asleep(double timeout)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };

	for (double waited = 0; waited < timeout; waited += 0.005) {
		bool all = true;

		for (int i = 0; i < N_CHILD; i++)
			all &= fx.pid[i] == 0 || asleep(fx.pid[i]);
		if (all)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

static bool all_reused(const struct sampler *sm)
{
	for (int i = 0; i < N_CHILD; i++)
		if (fx.pid[i] && !collector_reused(sampler_collector(sm), fx.pid[i]))
			return false;
	return true;
}

/* Takes warm snapshots until every child was taken from the cache (or 10 s). *out: the last. */
static bool warm_until_reused(struct sampler *sm, struct snapshot **out)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	for (int i = 0; i < 500; i++) {
		struct snapshot *s = NULL;

		if (sampler_take(sm, &s) < 0)
			return false;
		if (all_reused(sm)) {
			*out = s;
			return true;
		}
		snapshot_unref(s);
		nanosleep(&ts, NULL);
	}
	return false;
}

static char *fresh_text(void)
{
	struct collect_opts o = { .sysroot = "/", .self = getpid() };
	struct snapshot *s = NULL;
	int err = 0;
	struct sampler *sm = sampler_new(&o, &err);
	char *text = NULL;

	CU_ASSERT_FATAL(sm != NULL);
	if (sampler_take(sm, &s) == 0) {
		struct collect_stats st;

		collector_stats(sampler_collector(sm), &st);
		CU_ASSERT_EQUAL(st.reused, 0);	/* a first collection reads everything */
		text = ours_text(s);
	}
	snapshot_unref(s);
	sampler_free(sm);
	return text;
}

/* The number in "(maps of N processes unreadable)" (an unprivileged run) counts the whole
 * machine's processes whose maps were refused, which other users' processes change between
 * two collections: compared as "N". Rewrites text in place. */
static void machine_counts_out(char *text)
{
	static const char tag[] = "maps of ";
	char *p = text;

	while (p && (p = strstr(p, tag))) {
		char *d = p + sizeof(tag) - 1, *e = d;

		while (*e >= '0' && *e <= '9')
			e++;
		if (e > d && strncmp(e, " process", 8) == 0) {
			*d = 'N';
			memmove(d + 1, e, strlen(e) + 1);
		}
		p = d;
	}
}

static bool same(char *warm, char *fresh, const char *what)
{
	bool eq;

	if (warm)
		machine_counts_out(warm);
	if (fresh)
		machine_counts_out(fresh);
	eq = warm && fresh && strcmp(warm, fresh) == 0;

	if (!eq)
		fprintf(stderr, "%s: warm and fresh differ\n  warm:  %s\n  fresh: %s\n", what,
			warm ? warm : "(none)", fresh ? fresh : "(none)");
	return eq;
}

static void test_warm_equals_fresh(void)
{
	struct collect_opts o = { .sysroot = "/", .self = getpid() };
	struct snapshot *s = NULL;
	struct sampler *sm;
	struct collect_stats st;
	char *warm, *fresh;
	int err = 0;
	uint64_t one = 1;

	CU_ASSERT_FATAL(fx.ok);
	CU_ASSERT_FATAL(all_asleep(10));
	sm = sampler_new(&o, &err);
	CU_ASSERT_FATAL(sm != NULL);

	/* 1. every child reused, and the records equal a fresh collector's */
	CU_ASSERT_FATAL(warm_until_reused(sm, &s));
	collector_stats(sampler_collector(sm), &st);
	CU_ASSERT_TRUE(st.reused >= N_CHILD && st.cached >= N_CHILD);
	warm = ours_text(s);
	fresh = fresh_text();
	CU_ASSERT_TRUE(same(warm, fresh, "quiescent"));
	/* and they say what the fixture made (the comparison is not of two empty lists) */
	CU_ASSERT_PTR_NOT_NULL(strstr(warm, "\"queued_bytes\":5"));
	CU_ASSERT_PTR_NOT_NULL(strstr(warm, fx.fifo));
	CU_ASSERT_PTR_NOT_NULL(strstr(warm, "\"count\":3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(warm, "\"kind\":\"pipe_read\""));
	free(warm);
	free(fresh);
	snapshot_unref(s);

	/* 2. changed behind the sleepers' backs: the eventfd's counter, the FIFO's name */
	CU_ASSERT_EQUAL(write(fx.efd, &one, sizeof(one)), (ssize_t)sizeof(one));
	CU_ASSERT_EQUAL(rename(fx.fifo, fx.fifo2), 0);
	CU_ASSERT_FATAL(warm_until_reused(sm, &s));
	warm = ours_text(s);
	fresh = fresh_text();
	CU_ASSERT_TRUE(same(warm, fresh, "eventfd bumped, FIFO renamed"));
	CU_ASSERT_PTR_NOT_NULL(strstr(warm, "\"count\":4"));
	CU_ASSERT_PTR_NOT_NULL(strstr(warm, fx.fifo2));
	free(warm);
	free(fresh);
	snapshot_unref(s);

	/* 3. a child runs: drops its socket end and sleeps again. The next warm snapshot must
	 * read it in full (not reuse it) and show the change. */
	live_write_byte(fx.ctl[3], 'x');
	CU_ASSERT_EQUAL(live_read_byte(fx.ack, 10), 'k');
	CU_ASSERT_FATAL(all_asleep(10));
	CU_ASSERT_EQUAL_FATAL(sampler_take(sm, &s), 0);
	CU_ASSERT_FALSE(collector_reused(sampler_collector(sm), fx.pid[3]));
	warm = ours_text(s);
	snapshot_unref(s);
	fresh = fresh_text();
	CU_ASSERT_TRUE(same(warm, fresh, "after a child ran"));
	free(warm);
	free(fresh);
	/* ... and once it sleeps on, it is reused again, still equal */
	CU_ASSERT_FATAL(warm_until_reused(sm, &s));
	warm = ours_text(s);
	fresh = fresh_text();
	CU_ASSERT_TRUE(same(warm, fresh, "quiescent again"));
	free(warm);
	free(fresh);
	snapshot_unref(s);

	/* 4. a writer puts 3 more bytes into the pipe and exits while the reader sleeps on:
	 * every remaining end is a reused process, but the pipe lost an end, so its fill must
	 * be measured again (8 bytes), not kept (5) */
	live_write_byte(fx.ctl[0], 'q');
	CU_ASSERT_NOT_EQUAL(live_reap(fx.pid[0], 10), -1);
	fx.pid[0] = 0;
	CU_ASSERT_FATAL(all_asleep(10));
	CU_ASSERT_FATAL(warm_until_reused(sm, &s));
	warm = ours_text(s);
	fresh = fresh_text();
	CU_ASSERT_TRUE(same(warm, fresh, "a writer wrote and exited"));
	CU_ASSERT_PTR_NOT_NULL(strstr(warm, "\"queued_bytes\":8"));
	CU_ASSERT_PTR_NULL(strstr(warm, "\"queued_bytes\":5"));
	free(warm);
	free(fresh);
	snapshot_unref(s);
	sampler_free(sm);
}

void test_register(void)
{
	TEST_SUITE("proc_cache", NULL, NULL,
		   "schedstat and context switch parsers", test_parsers,
		   "the quiescence rule", test_quiescent_rule);
	TEST_SUITE("incremental", fixture_up, fixture_down,
		   "a warm collector's snapshot equals a fresh one", test_warm_equals_fresh);
}
