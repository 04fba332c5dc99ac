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
#include <sys/socket.h>
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

/* Both strings there and equal (a NULL is a failure, not a crash). */
static bool str_is(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
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
	CU_ASSERT_TRUE(str_is(p->comm, w->h->comm));
	CU_ASSERT_EQUAL(p->main_waiting.kind, WAIT_PIPE_READ);
	CU_ASSERT_EQUAL(p->waiting.tid, w->pid);
	CU_ASSERT_TRUE(has_other_wait(p, WAIT_PIPE_WRITE));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ml);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mi);
	CU_ASSERT_TRUE(str_is(fmt_id_pshm(mi, b, sizeof(b)), fmt_id_pshm(ml, a, sizeof(a))));
	CU_ASSERT_PTR_NOT_NULL_FATAL(gl);
	CU_ASSERT_PTR_NOT_NULL_FATAL(gi);
	CU_ASSERT_TRUE(str_is(gi->name, gl->name));
	CU_ASSERT_TRUE(str_is(fmt_id_pshm(gi, b, sizeof(b)), fmt_id_pshm(gl, a, sizeof(a))));
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
	CU_ASSERT_TRUE(b && hostile_seen(b, &want));
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

/* ---- a constructed snapshot: every field the writer writes ---- */

static struct endpoint *ends(struct snapshot *s, size_t n)
{
	struct endpoint *e = snapshot_alloc(s, n * sizeof(*e));

	for (size_t i = 0; i < n; i++)
		e[i] = (struct endpoint){ .pid = 100 + (pid_t)i, .fd = 3 + (int)i,
					  .mode = (unsigned)(i % 4) };
	return e;
}

static pid_t *pids(struct snapshot *s, size_t n)
{
	pid_t *p = snapshot_alloc(s, n * sizeof(*p));

	for (size_t i = 0; i < n; i++)
		p[i] = 100 + (pid_t)i;
	return p;
}

static int64_t *i64s(struct snapshot *s, size_t n, int64_t base)
{
	int64_t *v = snapshot_alloc(s, n * sizeof(*v));

	for (size_t i = 0; i < n; i++)
		v[i] = i == 1 ? SNAP_UNKNOWN : base + (int64_t)i;
	return v;
}

static struct proc_wait wait_of(enum wait_kind kind, const char *object, pid_t tid)
{
	return (struct proc_wait){ .kind = kind, .object = object, .detail = "fd 4\xff", .arg = 2,
				   .tid = tid };
}

/* The names: every kind of hostile byte (not UTF-8, controls, bidi, quote, backslash). */
#define BAD "b\xff\x01\"\\\xe2\x80\xae\n\x7f\xc2\x85z"

static struct snapshot *built_snapshot(void)
{
	struct snapshot *s = snapshot_new();
	struct proc_rec *p;
	struct thread_rec *t;
	struct pipe_rec *pp;
	struct usock_rec *u;
	struct msgq_rec *q;
	struct shm_rec *m;
	struct sem_rec *se;
	struct pmq_rec *pq;
	struct pshm_rec *ps;
	struct psem_rec *sm;
	struct misc_fd_rec *mf;
	struct sig_event *ev;
	struct deadlock_rec *dl;
	struct stall_rec *st;
	const char **objs, **waits;

	s->time = 1700000000.123456;
	s->duration = 0.25;
	s->sysroot = "/srv/root\xfe";
	snapshot_set_source(s, "proc", true, NULL);
	snapshot_set_source(s, "fd_iter", false, "EACCES: the verifier refused \xff");
	snapshot_set_source(s, "maps_iter", true, NULL);
	snapshot_add_error(s, "pid 100 fd " BAD, "EACCES " BAD);

	/* a process whose main thread and another thread are in IPC waits */
	p = snapshot_add_proc(s);
	p->pid = 100;
	p->ppid = 1;
	p->pgid = 100;
	p->sid = 99;
	p->start_ticks = 123456789012ULL;
	p->state = 'S';
	p->comm = BAD;
	p->cmdline = "./x " BAD;
	p->uid = 1000;
	p->nthreads = 3;
	p->orphan = true;
	p->original_ppid = 50;
	p->sig_known = true;
	for (int i = 0; i < SIGSET_COUNT; i++)
		p->sig[i] = 1ULL << i | 1ULL << 40;
	p->sigq_queued = 2;
	p->sigq_limit = 63000;
	p->wchan = "pipe_read";
	p->waiting = wait_of(WAIT_PIPE_READ, "pipe:11", 100);
	p->main_waiting = p->waiting;
	p->other_threads = snapshot_alloc(s, 2 * sizeof(*p->other_threads));
	p->other_threads[0] = (struct thread_wait){ .tid = 101, .comm = "w" BAD, .state = 'S',
						    .waiting = wait_of(WAIT_PIPE_WRITE, "pipe:12", 101) };
	p->other_threads[1] = (struct thread_wait){ .tid = 102, .comm = "idle", .state = 'S',
						    .waiting = wait_of(WAIT_OTHER, NULL, 102) };
	p->n_other_threads = 2;
	p->io_rchar = 10;
	p->io_wchar = 20;
	p->error = "EACCES: syscall " BAD;
	/* a process waiting in another thread, its main one not in IPC; a zombie */
	p = snapshot_add_proc(s);
	p->pid = 200;
	p->ppid = 100;
	p->pgid = 200;
	p->sid = 99;
	p->start_ticks = 5;
	p->state = 'S';
	p->comm = "two";
	p->cmdline = "";
	p->uid = 0;
	p->nthreads = 2;
	p->kthread = false;
	p->waiting = wait_of(WAIT_MSG_RECV, "msg:7", 201);
	p->main_waiting = wait_of(WAIT_OTHER, NULL, 200);
	p->other_threads = snapshot_alloc(s, sizeof(*p->other_threads));
	p->other_threads[0] = (struct thread_wait){ .tid = 201, .comm = "rx", .state = 'S',
						    .waiting = p->waiting };
	p->n_other_threads = 1;
	p = snapshot_add_proc(s);
	p->pid = 300;
	p->ppid = 200;
	p->state = 'Z';
	p->comm = "zed";
	p->zombie = true;
	p->zombie_since = 1699999999.5;
	p->zombie_seen_alive = true;

	t = snapshot_add_thread(s);
	t->tgid = 100;
	t->tid = 101;
	t->comm = "w" BAD;
	t->state = 'S';
	t->pending = 1ULL << 9;
	t->blocked = 1ULL << 1;

	pp = snapshot_add_pipe(s);
	pp->kind = PIPE_FIFO;
	pp->inode = 12;
	pp->path = "/tmp/" BAD;
	pp->deleted = true;
	pp->ends = ends(s, 4);
	pp->n_ends = 4;
	pp->queued_bytes = 65536;
	pp->capacity = 65536;
	pp->fill_error = "ENOENT " BAD;
	pp = snapshot_add_pipe(s);
	pp->kind = PIPE_ANON;
	pp->inode = 11;
	pp->ends = ends(s, 2);
	pp->n_ends = 2;
	pp->queued_bytes = 0;
	pp->capacity = 4096;

	u = snapshot_add_usock(s);
	u->inode = 500;
	u->peer_inode = 501;
	u->peer_known = true;
	u->type = SOCK_STREAM;
	u->state = 10;
	u->path = "@" BAD;
	u->holders = ends(s, 2);
	u->n_holders = 2;
	u->queued_bytes = 3;
	u->send_queue = 4;
	u->pending_conns = 1;
	u->backlog = 128;
	u->icons = snapshot_alloc(s, 2 * sizeof(*u->icons));
	u->icons[0] = 502;
	u->icons[1] = 503;
	u->n_icons = 2;

	q = snapshot_add_msgq(s);
	q->perm = (struct sysv_perm){ .key = -5, .id = 7, .mode = 0640, .uid = 1, .gid = 2,
				      .cuid = 3, .cgid = (uid_t)-1 };
	q->bytes = 17;
	q->messages = 2;
	q->last_send_pid = 100;
	q->last_recv_pid = 0;
	q->stime = 1700000000;
	q->rtime = 0;
	q->ctime = 1600000000;
	q->max_bytes = 16384;
	q->error = "EPERM";

	m = snapshot_add_shm(s);
	m->perm = (struct sysv_perm){ .key = 0x1234, .id = 8, .mode = 02600, .uid = 1, .gid = 2,
				      .cuid = 3, .cgid = 4 };
	m->size = 4096;
	m->creator_pid = 100;
	m->last_pid = 200;
	m->nattch = 2;
	m->atime = 1;
	m->dtime = 2;
	m->ctime = 3;
	m->rss = 4096;
	m->swap = 0;
	m->destroy_pending = true;
	m->attached_pids = pids(s, 2);
	m->n_attached = 2;
	m = snapshot_add_shm(s);
	m->perm = (struct sysv_perm){ .id = 9, .mode = 0600 };
	m->nattch = 3;			/* attachers unknown: null */
	m->error = "maps unreadable";

	se = snapshot_add_sem(s);
	se->perm = (struct sysv_perm){ .key = 77, .id = 10, .mode = 0666 };
	se->nsems = 3;
	se->otime = 5;
	se->ctime = 6;
	se->values = i64s(s, 3, 1);
	se->wait_increase = i64s(s, 3, 0);
	se->wait_zero = i64s(s, 3, 2);
	se->last_pids = i64s(s, 3, 100);
	se = snapshot_add_sem(s);
	se->perm = (struct sysv_perm){ .id = 11, .mode = 0600 };
	se->nsems = 2;
	se->error = "EACCES";

	pq = snapshot_add_pmq(s);
	pq->name = "q " BAD;
	pq->inode = 600;
	pq->bytes = 8;
	pq->messages = 1;
	pq->max_messages = 10;
	pq->message_size = 8192;
	pq->holders = ends(s, 3);
	pq->n_holders = 3;
	pq->error = "x";

	ps = snapshot_add_pshm(s);
	ps->name = "m " BAD;
	ps->inode = 700;
	ps->size = 8192;
	ps->mapped_pids = pids(s, 1);
	ps->n_mapped = 1;
	ps = snapshot_add_pshm(s);
	ps->name = "gone" BAD " (deleted)";
	ps->inode = 701;
	ps->deleted = true;
	ps->mapped_pids = pids(s, 2);
	ps->n_mapped = 2;
	ps->error = "unlinked: size not read";

	sm = snapshot_add_psem(s);
	sm->name = "s" BAD;
	sm->inode = 800;
	sm->value = 1;
	sm->mapped_pids = pids(s, 1);
	sm->n_mapped = 1;
	sm = snapshot_add_psem(s);
	sm->name = "sem.Xy12ab";
	sm->inode = 801;
	sm->deleted = true;
	sm->mapped_pids = pids(s, 1);
	sm->n_mapped = 1;
	sm->error = "deleted: not mapped";

	mf = snapshot_add_miscfd(s);
	mf->kind = MISC_EVENTFD;
	mf->pid = 100;
	mf->fd = 5;
	mf->inode = 900;
	mf->eventfd_count = 3;
	mf = snapshot_add_miscfd(s);
	mf->kind = MISC_SIGNALFD;
	mf->pid = 100;
	mf->fd = 6;
	mf->inode = 901;
	mf->sigmask = 1ULL << 16;
	mf = snapshot_add_miscfd(s);
	mf->kind = MISC_TCP_LOOPBACK;
	mf->pid = 200;
	mf->fd = 7;
	mf->inode = 902;
	mf->peer_inode = 903;
	mf->peer_pid = 100;
	mf->detail = "127.0.0.1:5000 -> 127.0.0.1:40122";

	ev = snapshot_add_sigevent(s);
	*ev = (struct sig_event){ .time = 1700000000.5, .signo = 10, .sender_pid = 100,
				  .sender_comm = BAD, .target_pid = 200, .target_comm = "two",
				  .result = SIGRES_BLOCKED };
	ev = snapshot_add_sigevent(s);
	*ev = (struct sig_event){ .time = 1700000000.75, .signo = 17, .target_pid = 100,
				  .target_comm = BAD, .result = SIGRES_DELIVERED, .inferred = true };

	dl = snapshot_add_deadlock(s);
	dl->pids = pids(s, 2);
	dl->n_pids = 2;
	objs = snapshot_alloc(s, 2 * sizeof(*objs));
	objs[0] = "pipe:11";
	objs[1] = "pipe:12";
	dl->objects = objs;
	dl->n_objects = 2;
	dl->since = 1699999990.25;

	st = snapshot_add_stall(s);
	st->pid = 200;
	st->tid = 201;
	st->kind = WAIT_MSG_RECV;
	st->object = "msg:7";
	st->reason = "every process that could end it is stuck: " BAD;
	st->rule = "unblockers_stuck";
	st->unblockers = pids(s, 2);
	waits = snapshot_alloc(s, 2 * sizeof(*waits));
	waits[0] = "pipe_read pipe:11";
	waits[1] = NULL;
	st->unblocker_waits = waits;
	st->n_unblockers = 2;
	st->named = 3;
	st->since = 1699999980.125;
	st = snapshot_add_stall(s);
	st->pid = 300;
	st->kind = WAIT_NONE;
	st->reason = "r";
	st->rule = "unblockers_gone";
	snapshot_seal(s);
	return s;
}

static struct snapshot_delta *built_delta(void)
{
	struct snapshot_delta *d = snapshot_diff(NULL, NULL);
	struct delta_rate *r;

	d->interval = 1.5;
	r = snapshot_delta_add_rate(d, "fifo:12");
	r->exact = false;
	r->why = DELTA_WHY_NOT_COUNTED;
	r->fill_bytes_per_s = 1024.5;
	r->sent = true;
	r = snapshot_delta_add_rate(d, "msg:7");
	r->exact = true;
	r->bytes_per_s = 17;
	r->messages_per_s = 2;
	r->fill_bytes_per_s = -3;
	r->fill_messages_per_s = 0.5;
	r->received = true;
	r = snapshot_delta_add_rate(d, "unix:500");
	r->why = DELTA_WHY_LISTENER;
	snapshot_delta_add_event_ev(d, DEV_PROCESS_EXITED, "pid:400", 400, BAD, "pid gone");
	snapshot_delta_add_event_ev(d, DEV_PROCESS_STARTED, "pid:300", 300, "zed", "new pid");
	snapshot_delta_add_event_ev(d, DEV_EXEC, "pid:100", 100, "a -> " BAD,
				    "new program image: stack start 0x1 -> 0x2");
	snapshot_delta_add_event_ev(d, DEV_PROCESS_ZOMBIE, "pid:300", 300, "zed", "state S -> Z");
	snapshot_delta_add_event_ev(d, DEV_OBJECT_REMOVED, "pshm:deleted/701", 0, NULL,
				    "not in this snapshot");
	snapshot_delta_add_event_ev(d, DEV_OBJECT_CREATED, "msg:7", 0, "key 0xfffffffb",
				    "not in the previous snapshot");
	snapshot_delta_add_event_ev(d, DEV_DETACH, "shm:8", 200, NULL, NULL);
	snapshot_delta_add_event_ev(d, DEV_ATTACH, "pshm:m\\x20b\\xff", 100, NULL,
				    "pid newly in the object's users");
	return d;
}

static void test_roundtrip_built(void)
{
	struct snapshot *s = built_snapshot(), *s2;
	struct snapshot_delta *d = built_delta(), *d2 = NULL;
	const struct proc_rec *p;
	const struct pmq_rec *q;
	char a[FMT_ID_MAX], b[FMT_ID_MAX];

	roundtrip(s, NULL);
	s2 = roundtrip_keep(s, d, &d2);
	p = snapshot_find_proc(s2, 100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_TRUE(str_is(p->comm, BAD));
	CU_ASSERT_TRUE(str_is(p->cmdline, "./x " BAD));
	CU_ASSERT_EQUAL(p->n_other_threads, 1);	/* only the IPC waits are written */
	CU_ASSERT_TRUE(p->n_other_threads && str_is(p->other_threads[0].comm, "w" BAD));
	p = snapshot_find_proc(s2, 200);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->waiting.tid, 201);
	CU_ASSERT_FALSE(waiting_is_ipc(p->main_waiting.kind));
	q = snapshot_find_pmq(s2, "q " BAD);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_TRUE(str_is(fmt_id_pmq(q->name, b, sizeof(b)),
			       fmt_id_pmq(s->pmqs[0].name, a, sizeof(a))));
	CU_ASSERT_PTR_NOT_NULL(snapshot_find_pshm_same(s2, &s->pshms[0]));
	CU_ASSERT_PTR_NOT_NULL(snapshot_find_pshm_same(s2, &s->pshms[1]));
	CU_ASSERT_TRUE(s2->n_errors && str_is(s2->errors[0].where, "pid 100 fd " BAD));
	CU_ASSERT_TRUE(str_is(s2->sysroot, "/srv/root\xfe"));
	CU_ASSERT_EQUAL_FATAL(s2->n_stalls, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d2);
	CU_ASSERT_EQUAL(d2->n_events, d->n_events);
	CU_ASSERT_TRUE(d2->n_events && str_is(d2->events[0].detail, BAD));
	CU_ASSERT_EQUAL(d2->n_rates, 3);
	snapshot_delta_free(d2);
	snapshot_unref(s2);
	snapshot_delta_free(d);
	snapshot_unref(s);
}

/* KEY_bytes that are not hex, name a NUL byte or come without their string: the string wins
 * (or nothing), never a crash or a cut name. */
static void test_bad_bytes(void)
{
	static const char text[] =
		"{\"schema\":1,\"time\":1,\"processes\":["
		"{\"pid\":1,\"comm\":\"a\\ufffd\",\"comm_bytes\":\"61f\"},"
		"{\"pid\":2,\"comm\":\"b\\ufffd\",\"comm_bytes\":\"6200ff\"},"
		"{\"pid\":3,\"comm\":\"c\\ufffd\",\"comm_bytes\":\"zz\"},"
		"{\"pid\":4,\"comm\":\"d\\ufffd\",\"comm_bytes\":\"64FF\"},"
		"{\"pid\":5,\"comm\":\"e\\ufffd\",\"comm_bytes\":5},"
		"{\"pid\":6,\"comm_bytes\":\"66ff\"},"
		"{\"pid\":7,\"comm\":\"g\\ufffd\",\"comm_bytes\":\"67ff\"}],"
		"\"events\":[{\"kind\":\"exec\",\"object\":\"pid:7\",\"detail\":\"?\","
		"\"detail_bytes\":\"61ff\",\"evidence\":7}],\"interval\":1}";
	static const char *const want[] = { "a\xef\xbf\xbd", "b\xef\xbf\xbd", "c\xef\xbf\xbd",
					    "d\xef\xbf\xbd", "e\xef\xbf\xbd", "?", "g\xff" };
	char err[256] = "";
	struct snapshot_delta *d = NULL;
	struct snapshot *s = json_in_snapshot(text, strlen(text), &d, err, sizeof(err));

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (pid_t pid = 1; pid <= 7; pid++) {
		const struct proc_rec *p = snapshot_find_proc(s, pid);

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_TRUE(str_is(p->comm, want[pid - 1]));
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL_FATAL(d->n_events, 1);
	CU_ASSERT_TRUE(str_is(d->events[0].detail, "a\xff"));
	CU_ASSERT_PTR_NULL(d->events[0].evidence);
	snapshot_delta_free(d);
	snapshot_unref(s);
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

/* The hostile child and its names are removed even when an assertion ends a test early. */
static int suite_init(void)
{
	live_init();
	return 0;
}

static int suite_cleanup(void)
{
	live_cleanup();
	return 0;
}

void test_register(void)
{
	TEST_SUITE("json_in", suite_init, suite_cleanup,
		   "live snapshot round trip", test_roundtrip_live,
		   "hostile live round trip", test_roundtrip_hostile,
		   "constructed snapshot, every field", test_roundtrip_built,
		   "KEY_bytes that are not the bytes", test_bad_bytes,
		   "refused text", test_refused,
		   "wrong types and unknown keys", test_wrong_types);
}
