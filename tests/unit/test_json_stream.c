/*
 * test_json_stream.c - json_out_write streams the snapshot as text without building a tree;
 * its text must be, byte for byte, what json-c prints for json_out_snapshot()'s tree (the
 * format the output had before: JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE).
 * Compared on a hand-built snapshot with every kind of record and awkward values (every byte
 * value in strings, NaN rates, extreme integers, nulls), on the recorded fixture trees, and
 * on live snapshots with a delta; and a write error must be reported.
 */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "src/diff.h"
#include "src/json_out.h"
#include "src/sampler.h"
#include "tests/unit/testmain.h"

/* The stream's text (malloc'd). */
static char *streamed(const struct snapshot *s, const struct snapshot_delta *d)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(json_out_write(f, s, d), 0);
	fclose(f);
	return text;
}

/* json-c's text of the tree, with the newline json_out_write adds (malloc'd). */
static char *tree_text(const struct snapshot *s, const struct snapshot_delta *d)
{
	struct json_object *o = json_out_snapshot(s, d);
	const char *t = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t n = strlen(t);
	char *copy = malloc(n + 2);

	CU_ASSERT_FATAL(copy != NULL);
	memcpy(copy, t, n);
	copy[n] = '\n';
	copy[n + 1] = '\0';
	json_object_put(o);
	return copy;
}

/* Both texts agree; on a difference, say where. Returns whether they agreed. */
static bool same_text(const struct snapshot *s, const struct snapshot_delta *d, const char *what)
{
	char *a = streamed(s, d), *b = tree_text(s, d);
	bool same = strcmp(a, b) == 0;

	if (!same) {
		size_t i = 0;

		while (a[i] && a[i] == b[i])
			i++;
		fprintf(stderr, "%s: stream and json-c differ at byte %zu:\n  stream: %.80s\n"
			"  json-c: %.80s\n", what, i, a + (i > 20 ? i - 20 : 0),
			b + (i > 20 ? i - 20 : 0));
	}
	CU_ASSERT_TRUE(same);
	free(a);
	free(b);
	return same;
}

static void *dup_into(struct snapshot *s, const void *src, size_t size)
{
	void *p = snapshot_alloc(s, size);

	memcpy(p, src, size);
	return p;
}

/* Every byte 1..255 in some string of the snapshot. */
static const char *all_bytes(struct snapshot *s, int from, int to)
{
	char buf[256];
	int n = 0;

	for (int c = from; c <= to; c++)
		buf[n++] = (char)c;
	buf[n] = '\0';
	return snapshot_strdup(s, buf);
}

static struct snapshot *build(void)
{
	struct snapshot *s = snapshot_new();
	struct proc_rec *p;
	struct thread_rec *t;
	struct pipe_rec *pp;
	struct usock_rec *u;
	struct msgq_rec *q;
	struct shm_rec *m;
	struct sem_rec *sm;
	struct pmq_rec *pq;
	struct pshm_rec *ps;
	struct psem_rec *pe;
	struct misc_fd_rec *mf;
	struct sig_event *ev;
	struct deadlock_rec *dl;
	struct stall_rec *st;
	static const struct endpoint ends[] = {
		{ 1, 0, FD_MODE_READ }, { 2, 1, FD_MODE_WRITE }, { 3, 2, FD_MODE_RDWR },
		{ 4, 3, FD_MODE_UNKNOWN },
	};

	s->time = 1700000000.123456;
	s->duration = 0.25;
	s->sysroot = snapshot_strdup(s, "/some \"root\"/");

	p = snapshot_add_proc(s);
	p->pid = 1;
	p->ppid = 0;
	p->state = 'S';
	p->comm = all_bytes(s, 1, 127);
	p->cmdline = all_bytes(s, 128, 255);
	p->uid = 0;
	p->nthreads = 3;
	p->start_ticks = UINT64_MAX;
	p->sig_known = true;
	p->sig[SIGSET_PENDING] = ~0ULL;
	p->sig[SIGSET_BLOCKED] = 1ULL << 31 | 1ULL << 32;
	p->sigq_queued = 0;
	p->sigq_limit = INT64_MAX;
	p->waiting.kind = WAIT_PIPE_READ;
	p->waiting.object = snapshot_strdup(s, "pipe:1");
	p->waiting.arg = 5;
	p->wchan = snapshot_strdup(s, "pipe_read");
	p->io_rchar = 0;
	p->io_wchar = INT64_MAX;
	p->original_ppid = 7;
	p->error = snapshot_strdup(s, "status: EACCES \\ \"quoted\"\t/");
	p = snapshot_add_proc(s);	/* everything unknown, a zombie */
	p->pid = 2;
	p->ppid = 1;
	p->state = '?';
	p->comm = "?";
	p->zombie = true;
	p->zombie_since = 1700000000.5;
	p->zombie_seen_alive = true;
	p->waiting.kind = WAIT_OTHER;
	p = snapshot_add_proc(s);	/* a NaN and an infinite double become null */
	p->pid = 3;
	p->comm = "";
	p->zombie = true;
	p->zombie_since = NAN;

	t = snapshot_add_thread(s);
	t->tgid = 1;
	t->tid = 10;
	t->comm = snapshot_strdup(s, "worker\n");
	t->state = 'R';
	t->pending = 1ULL << 63;

	pp = snapshot_add_pipe(s);
	pp->kind = PIPE_ANON;
	pp->inode = UINT64_MAX;
	pp->ends = dup_into(s, ends, sizeof(ends));
	pp->n_ends = 4;
	pp->queued_bytes = 4096;
	pp->capacity = 65536;
	pp = snapshot_add_pipe(s);
	pp->kind = PIPE_FIFO;
	pp->inode = 77;
	pp->path = snapshot_strdup(s, "/tmp/a fifo/\x7f\x1f");
	pp->deleted = true;
	pp->fill_error = "EPERM";

	u = snapshot_add_usock(s);
	u->inode = 500;
	u->peer_inode = 501;
	u->peer_known = true;
	u->type = SOCK_SEQPACKET;
	u->state = 10;
	u->path = snapshot_strdup(s, "@abstract\x01name");
	u->holders = dup_into(s, ends, sizeof(ends));
	u->n_holders = 2;
	u->pending_conns = 3;
	u->backlog = 128;
	u->icons = dup_into(s, (const uint64_t[]){ 9, UINT64_MAX }, 2 * sizeof(uint64_t));
	u->n_icons = 2;
	u = snapshot_add_usock(s);	/* unknown type and state */
	u->inode = 502;
	u->type = 99;
	u->state = 99;

	q = snapshot_add_msgq(s);
	q->perm.id = 7;
	q->perm.key = INT32_MIN;
	q->perm.mode = 0644;
	q->perm.uid = (uid_t)-1;
	q->messages = 3;
	q->bytes = 300;
	q->stime = 1700000000;
	q->last_send_pid = -1;
	q->error = "msgctl: EACCES";

	m = snapshot_add_shm(s);
	m->perm.id = 65538;
	m->perm.mode = 02600;
	m->size = INT64_MAX;
	m->nattch = 2;
	m->attached_pids = dup_into(s, (const pid_t[]){ 1, 2 }, 2 * sizeof(pid_t));
	m->n_attached = 2;
	m->destroy_pending = true;
	m = snapshot_add_shm(s);	/* attachers unknown */
	m->perm.id = 5;
	m->nattch = 1;

	sm = snapshot_add_sem(s);
	sm->perm.id = 3;
	sm->nsems = 2;
	sm->values = dup_into(s, (const int64_t[]){ 1, SNAP_UNKNOWN }, 2 * sizeof(int64_t));
	sm->wait_zero = dup_into(s, (const int64_t[]){ 0, 32767 }, 2 * sizeof(int64_t));
	sm = snapshot_add_sem(s);
	sm->perm.id = 4;
	sm->nsems = -1;

	pq = snapshot_add_pmq(s);
	pq->name = snapshot_strdup(s, "q\"1");
	pq->bytes = 10;
	pq->holders = dup_into(s, ends, sizeof(ends));
	pq->n_holders = 1;
	ps = snapshot_add_pshm(s);
	ps->name = snapshot_strdup(s, "board");
	ps->size = 0;
	ps->mapped_pids = dup_into(s, (const pid_t[]){ 2 }, sizeof(pid_t));
	ps->n_mapped = 1;
	pe = snapshot_add_psem(s);
	pe->name = snapshot_strdup(s, "lock");
	pe->value = 1;
	pe->error = "short file (not a sem_t)";

	mf = snapshot_add_miscfd(s);
	mf->kind = MISC_EVENTFD;
	mf->pid = 1;
	mf->fd = 9;
	mf->inode = 12;
	mf->eventfd_count = 0;
	mf = snapshot_add_miscfd(s);
	mf->kind = MISC_SIGNALFD;
	mf->pid = 1;
	mf->fd = 10;
	mf->sigmask = (1ULL << (SIGUSR1 - 1)) | (1ULL << 35);
	mf = snapshot_add_miscfd(s);
	mf->kind = MISC_TCP_LOOPBACK;
	mf->pid = 2;
	mf->fd = 4;
	mf->peer_inode = 88;
	mf->peer_pid = 1;
	mf->detail = snapshot_strdup(s, "127.0.0.1:5000 -> 127.0.0.1:40122");

	ev = snapshot_add_sigevent(s);
	ev->time = 1700000000.000001;
	ev->signo = SIGRTMIN + 2;
	ev->target_pid = 1;
	ev->result = SIGRES_DROPPED;
	ev = snapshot_add_sigevent(s);
	ev->time = 1700000001.0;
	ev->signo = 33;
	ev->sender_pid = 2;
	ev->sender_comm = snapshot_strdup(s, "kill");
	ev->target_pid = 1;
	ev->inferred = true;

	dl = snapshot_add_deadlock(s);
	dl->pids = dup_into(s, (const pid_t[]){ 1, 2 }, 2 * sizeof(pid_t));
	dl->n_pids = 2;
	dl->objects = snapshot_alloc(s, 2 * sizeof(*dl->objects));
	dl->objects[0] = "pipe:1";
	dl->objects[1] = NULL;
	dl->n_objects = 2;
	dl->since = 1700000000.5;
	st = snapshot_add_stall(s);
	st->pid = 2;
	st->reason = "no writer";

	snapshot_add_error(s, "pid 1 status", "EACCES");
	snapshot_add_error(s, "\x01\x02", "\"\\");
	snapshot_set_source(s, "proc_table", true, NULL);
	snapshot_set_source(s, "sysv \"msg\"", false, "ENOENT");
	snapshot_set_source(s, "proc_table", false, "replaced");	/* same key: replaced */
	snapshot_seal(s);
	return s;
}

static void test_hand_built(void)
{
	struct snapshot *s = build();
	struct snapshot_delta *d = snapshot_diff(NULL, s);
	struct delta_rate *r = snapshot_delta_add_rate(d, "pipe:18446744073709551615");

	same_text(s, NULL, "hand-built");
	/* rates: one measured, one NaN (null), events with and without pid */
	r->messages_per_s = NAN;
	r->bytes_per_s = 1234.5678;
	r->exact = true;
	r->fill_bytes_per_s = -12.5;
	r = snapshot_delta_add_rate(d, "unix:500");
	r->messages_per_s = INFINITY;
	r->bytes_per_s = -0.0004;
	r->why = "not counted: \"why\"";
	snapshot_delta_add_event(d, DEV_PROCESS_STARTED, "pid:1", 1, "comm \"x\"");
	snapshot_delta_add_event(d, DEV_ATTACH, "shm:5", 0, NULL);
	d->interval = 1.5;
	same_text(s, d, "hand-built with delta");
	snapshot_delta_free(d);
	snapshot_unref(s);
}

static void test_empty(void)
{
	struct snapshot *s = snapshot_new();

	snapshot_seal(s);
	same_text(s, NULL, "empty snapshot");
	snapshot_unref(s);
}

/* Every recorded tree, through the whole sampler (analysis passes included). */
static void test_fixtures(void)
{
	static const char *const trees[] = {
		"blocked", "endpoints", "sysv-basic", "sysv-columns", "sysv-empty",
		"sysv-headeronly", "sysv-malformed", "sysv-nosysvipc",
	};

	for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
		struct collect_opts o = { .sysroot = test_fixture(trees[i]) };
		struct sampler *sm;
		struct snapshot *s = NULL;
		int err = 0;

		o.sysroot = strdup(o.sysroot);
		sm = sampler_new(&o, &err);
		CU_ASSERT_PTR_NOT_NULL(sm);
		if (sm && sampler_take(sm, &s) == 0) {
			same_text(s, NULL, trees[i]);
			snapshot_unref(s);
		}
		sampler_free(sm);
		free((char *)o.sysroot);
	}
}

/* This machine, twice, with the delta between (rates and events). */
static void test_live(void)
{
	struct collect_opts o = { .sysroot = "/", .self = getpid() };
	struct snapshot *a = NULL, *b = NULL;
	struct snapshot_delta *d;
	int err = 0;
	struct sampler *sm = sampler_new(&o, &err);

	CU_ASSERT_FATAL(sm != NULL);
	CU_ASSERT_EQUAL_FATAL(sampler_take(sm, &a), 0);
	CU_ASSERT_EQUAL_FATAL(sampler_take(sm, &b), 0);
	d = snapshot_diff(a, b);
	same_text(a, NULL, "live");
	same_text(b, d, "live with delta");
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
	sampler_free(sm);
}

/* A full device: the write error is reported, not lost in a buffer. */
static void test_write_error(void)
{
	struct snapshot *s = build();
	FILE *f = fopen("/dev/full", "w");

	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(json_out_write(f, s, NULL), -1);
	fclose(f);
	snapshot_unref(s);
}

void test_register(void)
{
	TEST_SUITE("json_stream", NULL, NULL,
		   "hand-built snapshot: stream text = json-c text", test_hand_built,
		   "empty snapshot", test_empty,
		   "fixture trees through the sampler", test_fixtures,
		   "live snapshots and a delta", test_live,
		   "a write error is reported", test_write_error);
}
