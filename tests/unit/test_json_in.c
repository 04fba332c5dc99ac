/*
 * test_json_in.c - the JSON importer: a live snapshot (with its delta) printed, imported and
 * printed again gives the same bytes; malformed and hostile input is refused or read as
 * unknown, never a crash.
 *
 * The live round trip runs beside a child this test makes hostile: a comm that is not UTF-8
 * (prctl), a FIFO and a /dev/shm object with such names, an unlinked shm object it still
 * maps, its main thread blocked reading a pipe and a second thread blocked writing a full one.
 * Names that are not UTF-8 must come back as their exact bytes (KEY_bytes), not as U+FFFD, so
 * that ids and views made from the import equal the live ones. A constructed snapshot sets
 * every field the writer writes (stalls with evidence, thread waits, events with evidence,
 * rates, deleted POSIX objects, every record kind).
 */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "src/diff.h"
#include "src/format.h"
#include "src/json_in.h"
#include "src/json_out.h"
#include "src/sampler.h"
#include "src/waiting.h"
#include "tests/unit/live_helpers.h"
#include "tests/unit/testmain.h"

static char *print(const struct snapshot *s, const struct snapshot_delta *d, size_t *len)
{
	char *text = NULL;
	FILE *m = open_memstream(&text, len);

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(json_out_write(m, s, d), 0);
	fclose(m);
	return text;
}

/* Prints s (and d), imports the text, prints the import: the same bytes. Returns the import
 * (the caller unrefs it) and, in *d2_out (may be NULL), its delta. */
static struct snapshot *roundtrip_keep(const struct snapshot *s, const struct snapshot_delta *d,
				       struct snapshot_delta **d2_out)
{
	size_t len, len2;
	char *text = print(s, d, &len), *again, err[256] = "";
	struct snapshot_delta *d2 = NULL;
	struct snapshot *s2 = json_in_snapshot(text, len - 1, &d2, err, sizeof(err));

	if (!s2)
		fprintf(stderr, "import refused: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s2);
	CU_ASSERT_TRUE(s2->sealed);
	CU_ASSERT_EQUAL(d2 == NULL, d == NULL);
	again = print(s2, d2, &len2);
	CU_ASSERT_EQUAL(len, len2);
	CU_ASSERT_TRUE(len == len2 && memcmp(text, again, len) == 0);
	if (len != len2 || memcmp(text, again, len) != 0) {
		size_t i = 0;

		while (i < len && i < len2 && text[i] == again[i])
			i++;
		fprintf(stderr, "differs at %zu:\n  %.200s\n  %.200s\n", i, text + (i > 80 ? i - 80 : 0),
			again + (i > 80 ? i - 80 : 0));
	}
	free(text);
	free(again);
	if (d2_out)
		*d2_out = d2;
	else
		snapshot_delta_free(d2);
	return s2;
}

static void roundtrip(const struct snapshot *s, const struct snapshot_delta *d)
{
	snapshot_unref(roundtrip_keep(s, d, NULL));
}

/* Two live snapshots of this machine, with a queue holding known bytes: the first without a
 * delta, the second with one. */
static void test_roundtrip_live(void)
{
	struct collect_opts co = { .sysroot = "/", .self = 0, .trace_signals = false };
	struct { long type; char text[32]; } msg = { 1, "0123456789" };
	int err = 0, q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	struct sampler *sm = sampler_new(&co, &err);
	struct snapshot *a = NULL, *b = NULL;
	struct snapshot_delta *d;

	CU_ASSERT_FATAL(q >= 0 && sm != NULL);
	CU_ASSERT_EQUAL(msgsnd(q, &msg, 10, 0), 0);
	CU_ASSERT_EQUAL(sampler_take(sm, &a), 0);
	CU_ASSERT_EQUAL(msgsnd(q, &msg, 7, 0), 0);
	CU_ASSERT_EQUAL(sampler_take(sm, &b), 0);
	msgctl(q, IPC_RMID, NULL);
	d = snapshot_diff(a, b);
	roundtrip(a, NULL);
	roundtrip(b, d);
	{
		size_t len;
		char *text = print(b, d, &len), e[128];
		struct snapshot_delta *d2;
		struct snapshot *s2 = json_in_snapshot(text, len - 1, &d2, e, sizeof(e));
		const struct msgq_rec *r = s2 ? snapshot_find_msgq(s2, q) : NULL;

		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		CU_ASSERT_EQUAL(r->bytes, 17);
		CU_ASSERT_EQUAL(r->messages, 2);
		CU_ASSERT_PTR_NOT_NULL(snapshot_find_proc(s2, getpid()));
		free(text);
		snapshot_delta_free(d2);
		snapshot_unref(s2);
	}
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
	sampler_free(sm);
}

/* ---- a hostile child, live ---- */

struct hostile {
	char comm[16];			/* not UTF-8, a control and a bidi character */
	char shm_linked[64];		/* shm_open names */
	char shm_gone[64];
	char dir[64];
	char fifo[128];
	int ready[2];			/* child -> test: the unlinked object's inode */
	int hold[2];			/* the child's main thread reads hold[0] until killed */
};

static int full_pipe[2];

static void *write_full(void *arg)
{
	char c = 'x';

	(void)arg;
	if (write(full_pipe[1], &c, 1) < 0)	/* blocks: the pipe is full */
		perror("write");
	return NULL;
}

static void hostile_child(void *arg)
{
	struct hostile *h = arg;
	char buf[4096] = { 0 }, b;
	int lfd, gfd;
	struct stat st;
	pthread_t t;
	void *m1, *m2;

	prctl(PR_SET_NAME, h->comm);
	close(h->ready[0]);
	close(h->hold[1]);
	lfd = shm_open(h->shm_linked, O_CREAT | O_EXCL | O_RDWR, 0600);
	gfd = shm_open(h->shm_gone, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (lfd < 0 || gfd < 0 || ftruncate(lfd, 4096) < 0 || ftruncate(gfd, 4096) < 0)
		_exit(2);
	m1 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, lfd, 0);
	m2 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, gfd, 0);
	if (m1 == MAP_FAILED || m2 == MAP_FAILED || fstat(gfd, &st) < 0 ||
	    shm_unlink(h->shm_gone) < 0)
		_exit(3);
	if (open(h->fifo, O_RDWR | O_NONBLOCK) < 0 || pipe2(full_pipe, O_NONBLOCK) < 0)
		_exit(4);
	while (write(full_pipe[1], buf, sizeof(buf)) > 0)
		;
	if (fcntl(full_pipe[1], F_SETFL, 0) < 0 || pthread_create(&t, NULL, write_full, NULL))
		_exit(5);
	if (write(h->ready[1], &st.st_ino, sizeof(st.st_ino)) != sizeof(st.st_ino))
		_exit(6);
	while (read(h->hold[0], &b, 1) < 0)	/* blocks: the main thread in pipe_read */
		;
	_exit(0);
}

struct hostile_want {
	const struct hostile *h;
	pid_t pid;
	ino_t gone_inode;
};

static bool has_other_wait(const struct proc_rec *p, enum wait_kind kind)
{
	for (size_t i = 0; i < p->n_other_threads; i++)
		if (p->other_threads[i].waiting.kind == kind)
			return true;
	return false;
}

static const struct pshm_rec *find_gone(const struct snapshot *s, ino_t inode)
{
	for (size_t i = 0; i < s->n_pshms; i++)
		if (s->pshms[i].deleted && s->pshms[i].inode == inode)
			return &s->pshms[i];
	return NULL;
}

static const struct pipe_rec *find_fifo(const struct snapshot *s, const char *path)
{
	for (size_t i = 0; i < s->n_pipes; i++)
		if (s->pipes[i].kind == PIPE_FIFO && s->pipes[i].path &&
		    strcmp(s->pipes[i].path, path) == 0)
			return &s->pipes[i];
	return NULL;
}

/* Everything the child made is in s, with its exact bytes. */
static bool hostile_seen(const struct snapshot *s, void *arg)
{
	const struct hostile_want *w = arg;
	const struct proc_rec *p = snapshot_find_proc(s, w->pid);

	return p && strcmp(p->comm, w->h->comm) == 0 &&
	       p->main_waiting.kind == WAIT_PIPE_READ && p->waiting.tid == w->pid &&
	       has_other_wait(p, WAIT_PIPE_WRITE) &&
	       snapshot_find_pshm(s, w->h->shm_linked + 1) && find_gone(s, w->gone_inode) &&
	       find_fifo(s, w->h->fifo);
}

/* The import's ids and names equal the live ones, byte for byte. */
static void check_same_ids(const struct snapshot *live, const struct snapshot *imp,
			   const struct hostile_want *w)
{
	const struct proc_rec *p = snapshot_find_proc(imp, w->pid);
	const struct pshm_rec *ml = snapshot_find_pshm(live, w->h->shm_linked + 1);
	const struct pshm_rec *mi = snapshot_find_pshm(imp, w->h->shm_linked + 1);
	const struct pshm_rec *gl = find_gone(live, w->gone_inode), *gi = find_gone(imp, w->gone_inode);
	char a[FMT_ID_MAX], b[FMT_ID_MAX];

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->comm, w->h->comm);
	CU_ASSERT_EQUAL(p->main_waiting.kind, WAIT_PIPE_READ);
	CU_ASSERT_EQUAL(p->waiting.tid, w->pid);
	CU_ASSERT_TRUE(has_other_wait(p, WAIT_PIPE_WRITE));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ml);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mi);
	CU_ASSERT_STRING_EQUAL(fmt_id_pshm(mi, b, sizeof(b)), fmt_id_pshm(ml, a, sizeof(a)));
	CU_ASSERT_PTR_NOT_NULL_FATAL(gl);
	CU_ASSERT_PTR_NOT_NULL_FATAL(gi);
	CU_ASSERT_STRING_EQUAL(gi->name, gl->name);
	CU_ASSERT_STRING_EQUAL(fmt_id_pshm(gi, b, sizeof(b)), fmt_id_pshm(gl, a, sizeof(a)));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "pshm:deleted/"));
	CU_ASSERT_PTR_NOT_NULL(find_fifo(imp, w->h->fifo));
}

static void test_roundtrip_hostile(void)
{
	struct collect_opts co = { .sysroot = "/", .self = 0, .trace_signals = false };
	struct hostile h = { .comm = "jin\xff\x01\xe2\x80\xae" };
	struct hostile_want want = { .h = &h };
	int err = 0;
	struct sampler *sm = sampler_new(&co, &err);
	struct snapshot *a = NULL, *b = NULL, *s2;
	struct snapshot_delta *d;
	char shmpath[96];

	CU_ASSERT_PTR_NOT_NULL_FATAL(sm);
	live_init();
	snprintf(h.shm_linked, sizeof(h.shm_linked), "/ipctop-jin-%d-\xff\x20\\", (int)getpid());
	snprintf(h.shm_gone, sizeof(h.shm_gone), "/ipctop-jin-%d-gone\xfe", (int)getpid());
	snprintf(h.dir, sizeof(h.dir), "/tmp/ipctop-jin-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(h.dir));
	live_track_path(h.dir, true);
	snprintf(h.fifo, sizeof(h.fifo), "%s/fifo\xfe\n\xc3", h.dir);
	CU_ASSERT_EQUAL_FATAL(mkfifo(h.fifo, 0600), 0);
	live_track_path(h.fifo, false);
	snprintf(shmpath, sizeof(shmpath), "/dev/shm%s", h.shm_linked);
	live_track_path(shmpath, false);
	snprintf(shmpath, sizeof(shmpath), "/dev/shm%s", h.shm_gone);
	live_track_path(shmpath, false);
	CU_ASSERT_FATAL(pipe2(h.ready, O_CLOEXEC) == 0 && pipe2(h.hold, O_CLOEXEC) == 0);
	want.pid = live_spawn(hostile_child, &h);
	close(h.ready[1]);
	close(h.hold[0]);
	CU_ASSERT_TRUE(live_read_all(h.ready[0], &want.gone_inode, sizeof(want.gone_inode), 10.0));
	CU_ASSERT_TRUE(live_wait(sm, hostile_seen, NULL, &want, 10.0, &a));
	CU_ASSERT_EQUAL(sampler_take(sm, &b), 0);
	if (a && b && hostile_seen(a, &want) && hostile_seen(b, &want)) {
		d = snapshot_diff(a, b);
		s2 = roundtrip_keep(a, NULL, NULL);
		check_same_ids(a, s2, &want);
		snapshot_unref(s2);
		s2 = roundtrip_keep(b, d, NULL);
		check_same_ids(b, s2, &want);
		snapshot_unref(s2);
		snapshot_delta_free(d);
	}
	live_kill(want.pid);
	close(h.ready[0]);
	close(h.hold[1]);
	shm_unlink(h.shm_linked);
	unlink(h.fifo);
	rmdir(h.dir);
	snapshot_unref(a);
	snapshot_unref(b);
	sampler_free(sm);
}

static void refused(const char *text, const char *why)
{
	char err[256] = "";
	struct snapshot_delta *d = (void *)1;
	struct snapshot *s = json_in_snapshot(text, strlen(text), &d, err, sizeof(err));

	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_PTR_NULL(d);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, why));
	snapshot_unref(s);
}

static void test_refused(void)
{
	refused("", "not JSON");
	refused("{", "not JSON");
	refused("[1,2]", "not an ipctop snapshot");
	refused("{\"time\":1}", "not an ipctop snapshot");
	refused("{\"schema\":1}", "not an ipctop snapshot");
	refused("{\"schema\":\"1\",\"time\":1}", "not an ipctop snapshot");
	refused("{\"schema\":2,\"time\":1}", "newer");
	refused("{\"schema\":1,\"time\":1} x", "not JSON");
	refused("\"just a string\"", "not an ipctop snapshot");
}

/* Wrong types, unknown keys and kinds, hostile strings: read as unknown, never a crash. */
static void test_wrong_types(void)
{
	static const char text[] =
		"{\"schema\":1,\"time\":5.5,\"future_key\":{\"x\":[1,2]},\"sources\":[1],"
		"\"errors\":[1,{\"where\":\"w\"},{\"where\":\"pid 1\",\"error\":\"EACCES\"}],"
		"\"processes\":[1,\"x\",null,{\"pid\":\"a\",\"comm\":5,\"signals\":[],"
		"\"waiting\":{\"kind\":\"bogus\"},\"threads\":-4,\"uid\":-7},"
		"{\"pid\":42,\"comm\":\"a\\u0000b\\n\\u001b[2J\",\"state\":\"SS\",\"signals\":"
		"{\"pending\":[\"SIGBOGUS\",7,\"SIGINT\"]},\"new\":true}],"
		"\"pipes\":{},\"unix_sockets\":[{\"holders\":[{\"pid\":1},{\"pid\":2,\"fd\":-1},"
		"{\"pid\":3,\"fd\":4}],\"type\":\"raw\",\"pending_inodes\":[\"x\",5]}],"
		"\"sem_sets\":[{\"sysv_id\":3,\"nsems\":3,\"values\":[1],\"wait_zero\":\"x\"},"
		"{\"sysv_id\":4,\"nsems\":99999999}],"
		"\"shm_segments\":[{\"sysv_id\":1,\"attached_pids\":[0,-1,\"x\",5]}],"
		"\"misc_fds\":[{\"kind\":\"timerfd\"}],\"signal_events\":[{\"signal\":\"SIGNOPE\"},"
		"{\"signal\":\"SIGUSR1\",\"result\":\"weird\"}],\"deadlocks\":[{\"objects\":[1,\"pipe:1\"]}],"
		"\"events\":[{\"kind\":\"nope\"},{\"kind\":\"process_started\",\"pid\":42}],"
		"\"interval\":1.0}";
	char err[256] = "";
	struct snapshot_delta *d = NULL;
	struct snapshot *s = json_in_snapshot(text, strlen(text), &d, err, sizeof(err));
	const struct proc_rec *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_DOUBLE_EQUAL(s->time, 5.5, 1e-9);
	CU_ASSERT_EQUAL(s->n_errors, 1);
	CU_ASSERT_EQUAL(s->n_procs, 2);
	p = snapshot_find_proc(s, 42);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->comm, "a");	/* up to the NUL */
	CU_ASSERT_EQUAL(p->state, '?');
	CU_ASSERT_TRUE(p->sig_known);
	CU_ASSERT_EQUAL(p->sig[SIGSET_PENDING], 1ULL << 1);
	p = snapshot_find_proc(s, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->comm, "?");
	CU_ASSERT_EQUAL(p->uid, SNAP_UNKNOWN);
	CU_ASSERT_EQUAL(p->waiting.kind, WAIT_OTHER);
	CU_ASSERT_EQUAL(s->n_pipes, 0);
	CU_ASSERT_EQUAL_FATAL(s->n_usocks, 1);
	CU_ASSERT_EQUAL(s->usocks[0].n_holders, 1);
	CU_ASSERT_EQUAL(s->usocks[0].n_icons, 1);
	CU_ASSERT_EQUAL(s->usocks[0].type, 0);
	CU_ASSERT_EQUAL_FATAL(s->n_sems, 2);
	CU_ASSERT_EQUAL(s->sems[0].values[0], 1);
	CU_ASSERT_EQUAL(s->sems[0].values[2], SNAP_UNKNOWN);
	CU_ASSERT_PTR_NULL(s->sems[0].wait_zero);
	CU_ASSERT_EQUAL(s->sems[1].nsems, -1);
	CU_ASSERT_EQUAL(s->shms[0].n_attached, 1);
	CU_ASSERT_EQUAL(s->n_miscfds, 0);
	CU_ASSERT_EQUAL(s->n_sigevents, 1);
	CU_ASSERT_EQUAL(s->sigevents[0].result, SIGRES_UNKNOWN);
	CU_ASSERT_EQUAL(s->deadlocks[0].n_objects, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->n_events, 1);
	snapshot_delta_free(d);
	snapshot_unref(s);
}

void test_register(void)
{
	TEST_SUITE("json_in", NULL, NULL,
		   "live snapshot round trip", test_roundtrip_live,
		   "hostile live round trip", test_roundtrip_hostile,
		   "refused text", test_refused,
		   "wrong types and unknown keys", test_wrong_types);
}
