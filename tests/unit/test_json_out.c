/*
 * test_json_out.c - the JSON snapshot of CONTRACT.md schema 1 on a hand-built snapshot: every
 * key and list present, nulls for unknowns, signal names (SIGRTMIN+n, SIG32), object ids,
 * perms/key forms, readers/writers from endpoint modes, rates and events from a delta.
 * The JSON text is parsed back with json-c and compared field by field.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "src/diff.h"
#include "src/format.h"
#include "src/json_out.h"
#include "tests/unit/testmain.h"

static struct endpoint *ends(struct snapshot *s, size_t n, const struct endpoint *src)
{
	struct endpoint *e = snapshot_alloc(s, n * sizeof(*e));

	memcpy(e, src, n * sizeof(*e));
	return e;
}

static int64_t *i64s(struct snapshot *s, size_t n, const int64_t *src)
{
	int64_t *v = snapshot_alloc(s, n * sizeof(*v));

	memcpy(v, src, n * sizeof(*v));
	return v;
}

static pid_t *pids(struct snapshot *s, size_t n, const pid_t *src)
{
	pid_t *v = snapshot_alloc(s, n * sizeof(*v));

	memcpy(v, src, n * sizeof(*v));
	return v;
}

#define BIT(sig) (1ULL << ((sig) - 1))

static struct snapshot *build(void)
{
	struct snapshot *s = snapshot_new();
	struct proc_rec *p;
	struct pipe_rec *pp;
	struct usock_rec *u;
	struct msgq_rec *q;
	struct shm_rec *m;
	struct sem_rec *sm;
	struct pmq_rec *pq;
	struct pshm_rec *ps;
	struct psem_rec *pe;
	struct sig_event *ev;
	struct deadlock_rec *dl;

	s->time = 1700000000.25;
	s->sysroot = snapshot_strdup(s, "/");

	p = snapshot_add_proc(s);
	p->pid = 200;
	p->ppid = 1;
	p->start_ticks = 555;
	p->state = 'S';
	p->comm = snapshot_strdup(s, "server");
	p->cmdline = snapshot_strdup(s, "server --port 1");
	p->uid = 1000;
	p->nthreads = 2;
	p->orphan = true;
	p->sig_known = true;
	p->sig[SIGSET_PENDING] = BIT(SIGUSR1);
	p->sig[SIGSET_SHARED_PENDING] = BIT(SIGRTMIN + 2) | BIT(32);
	p->sig[SIGSET_BLOCKED] = BIT(SIGUSR1) | BIT(33) | BIT(64);
	p->sig[SIGSET_IGNORED] = BIT(SIGPIPE);
	p->sig[SIGSET_CAUGHT] = BIT(SIGINT) | BIT(SIGTERM);
	p->sigq_queued = 3;
	p->sigq_limit = 1000;
	p->waiting.kind = WAIT_MSG_RECV;
	p->waiting.object = snapshot_strdup(s, "msg:7");
	p->waiting.detail = snapshot_strdup(s, "type 3");

	p = snapshot_add_proc(s);	/* everything unknown */
	p->pid = 100;
	p->ppid = 1;
	p->comm = snapshot_strdup(s, "?");
	p->zombie = true;

	pp = snapshot_add_pipe(s);
	pp->kind = PIPE_ANON;
	pp->inode = 4242;
	pp->ends = ends(s, 3, (const struct endpoint[]){
		{ 100, 3, FD_MODE_READ }, { 200, 4, FD_MODE_WRITE }, { 200, 9, FD_MODE_RDWR } });
	pp->n_ends = 3;
	pp->queued_bytes = 17;
	pp->capacity = 65536;

	pp = snapshot_add_pipe(s);
	pp->kind = PIPE_FIFO;
	pp->inode = 99;
	pp->path = snapshot_strdup(s, "/tmp/f");
	pp->fill_error = snapshot_strdup(s, "EPERM");

	u = snapshot_add_usock(s);
	u->inode = 800;
	u->peer_inode = 801;
	u->peer_known = true;
	u->type = SOCK_STREAM;
	u->state = 1;
	u->holders = ends(s, 1, (const struct endpoint[]){ { 200, 5, FD_MODE_RDWR } });
	u->n_holders = 1;
	u->queued_bytes = 0;

	q = snapshot_add_msgq(s);
	q->perm.id = 7;
	q->perm.key = 0x1234;
	q->perm.mode = 0644;
	q->perm.uid = 1000;
	q->messages = 3;
	q->bytes = 300;
	q->last_send_pid = 100;
	q->last_recv_pid = 200;
	/* max_bytes stays SNAP_UNKNOWN */

	m = snapshot_add_shm(s);
	m->perm.id = 65538;
	m->perm.key = 0;
	m->perm.mode = 01600;	/* SHM_DEST shows in the mode word */
	m->size = 4096;
	m->nattch = 2;
	m->creator_pid = 100;
	m->last_pid = 200;
	m->destroy_pending = true;
	m->attached_pids = pids(s, 2, (const pid_t[]){ 100, 200 });
	m->n_attached = 2;

	m = snapshot_add_shm(s);	/* attachers unreadable */
	m->perm.id = 5;
	m->perm.key = -5;
	m->perm.mode = 0600;
	m->size = 8192;
	m->nattch = 1;

	sm = snapshot_add_sem(s);
	sm->perm.id = 3;
	sm->perm.key = 77;
	sm->perm.mode = 0666;
	sm->nsems = 3;
	sm->values = i64s(s, 3, (const int64_t[]){ 1, 0, 5 });
	sm->wait_increase = i64s(s, 3, (const int64_t[]){ 0, 1, 0 });
	sm->wait_zero = i64s(s, 3, (const int64_t[]){ 0, 0, SNAP_UNKNOWN });
	sm->last_pids = NULL;
	sm->error = snapshot_strdup(s, "GETPID: EACCES");

	pq = snapshot_add_pmq(s);
	pq->name = snapshot_strdup(s, "jobs");
	pq->bytes = 40;
	pq->holders = ends(s, 1, (const struct endpoint[]){ { 100, 6, FD_MODE_WRITE } });
	pq->n_holders = 1;

	ps = snapshot_add_pshm(s);
	ps->name = snapshot_strdup(s, "board");
	ps->size = 1024;
	ps->mapped_pids = pids(s, 1, (const pid_t[]){ 200 });
	ps->n_mapped = 1;

	pe = snapshot_add_psem(s);
	pe->name = snapshot_strdup(s, "lock");

	ev = snapshot_add_sigevent(s);
	ev->time = 1700000000.5;
	ev->signo = SIGRTMIN + 2;
	ev->sender_pid = 100;
	ev->sender_comm = snapshot_strdup(s, "client");
	ev->target_pid = 200;
	ev->result = SIGRES_BLOCKED;
	ev = snapshot_add_sigevent(s);
	ev->time = 1700000001.0;
	ev->signo = SIGUSR1;
	ev->target_pid = 200;
	ev->result = SIGRES_DELIVERED;
	ev->inferred = true;

	dl = snapshot_add_deadlock(s);
	dl->pids = pids(s, 2, (const pid_t[]){ 100, 200 });
	dl->n_pids = 2;
	dl->objects = snapshot_alloc(s, 2 * sizeof(*dl->objects));
	dl->objects[0] = snapshot_strdup(s, "pipe:4242");
	dl->objects[1] = snapshot_strdup(s, "sem:3");
	dl->n_objects = 2;

	snapshot_add_error(s, "pid 100 status", "EACCES");
	snapshot_set_source(s, "procs", true, NULL);
	snapshot_set_source(s, "sysv_msg", false, "ENOENT");
	snapshot_seal(s);
	return s;
}

/* Serializes and parses back: what a script sees. */
/* RFC 8259 with strict UTF-8, as Python's json.loads on bytes.decode("utf-8", "strict"). */
static struct json_object *parse_strict(const char *buf, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, buf, (int)len - 1);	/* without the newline */
	if (!o)
		fprintf(stderr, "not strict JSON: %s\n",
			json_tokener_error_desc(json_tokener_get_error(tok)));
	json_tokener_free(tok);
	return o;
}

static struct json_object *roundtrip(const struct snapshot *s, const struct snapshot_delta *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_object *o;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(json_out_write(f, s, d), 0);
	fclose(f);
	CU_ASSERT_TRUE(len > 0 && buf[len - 1] == '\n');
	CU_ASSERT_PTR_NULL(memchr(buf, '\n', len - 1));	/* one line */
	o = parse_strict(buf, len);
	free(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	return o;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v)) {
		fprintf(stderr, "missing key %s\n", key);
		CU_FAIL("missing key");
	}
	return v;
}

static struct json_object *at(struct json_object *a, size_t i)
{
	CU_ASSERT_FATAL(json_object_is_type(a, json_type_array) && json_object_array_length(a) > i);
	return json_object_array_get_idx(a, i);
}

static int64_t geti(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	CU_ASSERT(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

static const char *gets_(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	CU_ASSERT(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static bool is_null(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) && v == NULL;
}

/* A JSON array of strings equals the expected names, in order. */
static void assert_names(struct json_object *a, const char *const *names, size_t n)
{
	CU_ASSERT_FATAL(json_object_is_type(a, json_type_array));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(a), n);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_array_get_idx(a, i)), names[i]);
}

static void test_top_level(void)
{
	static const char *const lists[] = {
		"errors", "processes", "pipes", "unix_sockets", "msg_queues", "shm_segments",
		"sem_sets", "posix_mqueues", "posix_shm", "posix_sems", "signal_events", "deadlocks",
	};
	struct snapshot *empty = snapshot_new();
	struct json_object *o, *src;

	snapshot_seal(empty);
	o = roundtrip(empty, NULL);
	CU_ASSERT_EQUAL(geti(o, "schema"), 1);
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct json_object *a = get(o, lists[i]);

		CU_ASSERT(json_object_is_type(a, json_type_array) && json_object_array_length(a) == 0);
	}
	CU_ASSERT(json_object_is_type(get(o, "sources"), json_type_object));
	json_object_put(o);
	snapshot_unref(empty);

	{
		struct snapshot *s = build();

		o = roundtrip(s, NULL);
		CU_ASSERT(json_object_is_type(get(o, "time"), json_type_double));
		CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(o, "time")), 1700000000.25, 1e-6);
		src = get(get(o, "sources"), "procs");
		CU_ASSERT_TRUE(json_object_get_boolean(get(src, "ok")));
		CU_ASSERT_TRUE(is_null(src, "error"));
		src = get(get(o, "sources"), "sysv_msg");
		CU_ASSERT_FALSE(json_object_get_boolean(get(src, "ok")));
		CU_ASSERT_STRING_EQUAL(gets_(src, "error"), "ENOENT");
		CU_ASSERT_STRING_EQUAL(gets_(at(get(o, "errors"), 0), "where"), "pid 100 status");
		CU_ASSERT_STRING_EQUAL(gets_(at(get(o, "errors"), 0), "error"), "EACCES");
		CU_ASSERT_EQUAL(json_object_array_length(get(o, "events")), 0);
		json_object_put(o);
		snapshot_unref(s);
	}
}

static void test_processes(void)
{
	struct snapshot *s = build();
	struct json_object *o = roundtrip(s, NULL);
	struct json_object *procs = get(o, "processes"), *p, *sig, *w;

	CU_ASSERT_EQUAL_FATAL(json_object_array_length(procs), 2);
	p = at(procs, 0);	/* sorted by pid: 100 first, all unknown */
	CU_ASSERT_EQUAL(geti(p, "pid"), 100);
	CU_ASSERT_TRUE(is_null(p, "uid"));
	CU_ASSERT_TRUE(is_null(p, "state"));
	CU_ASSERT_TRUE(is_null(p, "signals"));
	CU_ASSERT_TRUE(is_null(p, "waiting"));
	CU_ASSERT_TRUE(is_null(p, "cmdline"));
	CU_ASSERT_TRUE(is_null(p, "threads"));
	CU_ASSERT_TRUE(json_object_get_boolean(get(p, "zombie")));
	CU_ASSERT_TRUE(is_null(p, "zombie_since"));
	CU_ASSERT_FALSE(json_object_get_boolean(get(p, "orphan")));

	p = at(procs, 1);
	CU_ASSERT_EQUAL(geti(p, "pid"), 200);
	CU_ASSERT_EQUAL(geti(p, "ppid"), 1);
	CU_ASSERT_STRING_EQUAL(gets_(p, "state"), "S");
	CU_ASSERT_STRING_EQUAL(gets_(p, "comm"), "server");
	CU_ASSERT_STRING_EQUAL(gets_(p, "cmdline"), "server --port 1");
	CU_ASSERT_EQUAL(geti(p, "uid"), 1000);
	CU_ASSERT_EQUAL(geti(p, "threads"), 2);
	CU_ASSERT_TRUE(json_object_get_boolean(get(p, "orphan")));
	CU_ASSERT_EQUAL(geti(get(p, "sigq"), "queued"), 3);
	CU_ASSERT_EQUAL(geti(get(p, "sigq"), "limit"), 1000);
	sig = get(p, "signals");
	assert_names(get(sig, "pending"), (const char *const[]){ "SIGUSR1" }, 1);
	assert_names(get(sig, "shared_pending"), (const char *const[]){ "SIG32", "SIGRTMIN+2" }, 2);
	assert_names(get(sig, "blocked"),
		     (const char *const[]){ "SIGUSR1", "SIG33", "SIGRTMIN+30" }, 3);
	assert_names(get(sig, "ignored"), (const char *const[]){ "SIGPIPE" }, 1);
	assert_names(get(sig, "caught"), (const char *const[]){ "SIGINT", "SIGTERM" }, 2);
	w = get(p, "waiting");
	CU_ASSERT_STRING_EQUAL(gets_(w, "kind"), "msg_recv");
	CU_ASSERT_STRING_EQUAL(gets_(w, "object"), "msg:7");
	CU_ASSERT_STRING_EQUAL(gets_(w, "detail"), "type 3");
	CU_ASSERT_TRUE(is_null(w, "arg"));
	json_object_put(o);
	snapshot_unref(s);
}

static void test_channels(void)
{
	struct snapshot *s = build();
	struct json_object *o = roundtrip(s, NULL);
	struct json_object *p, *r, *wr, *u;

	p = at(get(o, "pipes"), 0);	/* sorted by inode: the FIFO 99 first */
	CU_ASSERT_STRING_EQUAL(gets_(p, "id"), "fifo:99");
	CU_ASSERT_STRING_EQUAL(gets_(p, "kind"), "fifo");
	CU_ASSERT_STRING_EQUAL(gets_(p, "path"), "/tmp/f");
	CU_ASSERT_TRUE(is_null(p, "queued_bytes"));
	CU_ASSERT_TRUE(is_null(p, "capacity"));
	CU_ASSERT_EQUAL(json_object_array_length(get(p, "readers")), 0);
	CU_ASSERT_STRING_EQUAL(gets_(p, "error"), "EPERM");

	p = at(get(o, "pipes"), 1);
	CU_ASSERT_STRING_EQUAL(gets_(p, "id"), "pipe:4242");
	CU_ASSERT_EQUAL(geti(p, "inode"), 4242);
	CU_ASSERT_TRUE(is_null(p, "path"));
	CU_ASSERT_EQUAL(geti(p, "queued_bytes"), 17);
	CU_ASSERT_EQUAL(geti(p, "capacity"), 65536);
	r = get(p, "readers");
	wr = get(p, "writers");
	/* O_RDWR (200:9) in both lists */
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(r), 2);
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(wr), 2);
	CU_ASSERT_EQUAL(geti(at(r, 0), "pid"), 100);
	CU_ASSERT_EQUAL(geti(at(r, 0), "fd"), 3);
	CU_ASSERT_EQUAL(geti(at(r, 1), "pid"), 200);
	CU_ASSERT_EQUAL(geti(at(r, 1), "fd"), 9);
	CU_ASSERT_EQUAL(geti(at(wr, 0), "fd"), 4);
	CU_ASSERT_EQUAL(geti(at(wr, 1), "fd"), 9);
	CU_ASSERT_TRUE(is_null(p, "rates"));

	u = at(get(o, "unix_sockets"), 0);
	CU_ASSERT_STRING_EQUAL(gets_(u, "id"), "unix:800");
	CU_ASSERT_EQUAL(geti(u, "peer_inode"), 801);
	CU_ASSERT_STRING_EQUAL(gets_(u, "type"), "stream");
	CU_ASSERT_STRING_EQUAL(gets_(u, "state"), "established");
	CU_ASSERT_TRUE(is_null(u, "path"));
	CU_ASSERT_EQUAL(geti(at(get(u, "holders"), 0), "fd"), 5);
	CU_ASSERT_EQUAL(geti(u, "queued_bytes"), 0);

	p = at(get(o, "posix_mqueues"), 0);
	CU_ASSERT_STRING_EQUAL(gets_(p, "name"), "jobs");
	CU_ASSERT_STRING_EQUAL(gets_(p, "id"), "pmq:jobs");
	CU_ASSERT_EQUAL(geti(p, "bytes"), 40);
	CU_ASSERT_TRUE(is_null(p, "messages"));
	CU_ASSERT_TRUE(is_null(p, "max_messages"));
	CU_ASSERT_TRUE(is_null(p, "message_size"));
	CU_ASSERT_EQUAL(geti(at(get(p, "holders"), 0), "pid"), 100);

	p = at(get(o, "posix_shm"), 0);
	CU_ASSERT_STRING_EQUAL(gets_(p, "name"), "board");
	CU_ASSERT_STRING_EQUAL(gets_(p, "id"), "pshm:board");
	CU_ASSERT_EQUAL(geti(p, "size"), 1024);
	CU_ASSERT_EQUAL(json_object_get_int(at(get(p, "mapped_pids"), 0)), 200);

	p = at(get(o, "posix_sems"), 0);
	CU_ASSERT_STRING_EQUAL(gets_(p, "id"), "psem:lock");
	CU_ASSERT_TRUE(is_null(p, "value"));
	CU_ASSERT_EQUAL(json_object_array_length(get(p, "mapped_pids")), 0);
	json_object_put(o);
	snapshot_unref(s);
}

static void test_sysv(void)
{
	struct snapshot *s = build();
	struct json_object *o = roundtrip(s, NULL);
	struct json_object *q, *m, *sm, *v;

	q = at(get(o, "msg_queues"), 0);
	CU_ASSERT_STRING_EQUAL(gets_(q, "id"), "msg:7");
	CU_ASSERT_EQUAL(geti(q, "key"), 0x1234);
	CU_ASSERT_STRING_EQUAL(gets_(q, "perms"), "0644");
	CU_ASSERT_EQUAL(geti(q, "uid"), 1000);
	CU_ASSERT_EQUAL(geti(q, "messages"), 3);
	CU_ASSERT_EQUAL(geti(q, "bytes"), 300);
	CU_ASSERT_TRUE(is_null(q, "max_bytes"));
	CU_ASSERT_EQUAL(geti(q, "last_send_pid"), 100);
	CU_ASSERT_EQUAL(geti(q, "last_recv_pid"), 200);
	CU_ASSERT_TRUE(is_null(q, "rates"));	/* no previous snapshot */

	m = at(get(o, "shm_segments"), 0);	/* id 5 */
	CU_ASSERT_STRING_EQUAL(gets_(m, "id"), "shm:5");
	CU_ASSERT_EQUAL(geti(m, "key"), -5);
	CU_ASSERT_TRUE(is_null(m, "attached_pids"));
	CU_ASSERT_TRUE(is_null(m, "rss"));
	m = at(get(o, "shm_segments"), 1);
	CU_ASSERT_STRING_EQUAL(gets_(m, "id"), "shm:65538");
	CU_ASSERT_EQUAL(geti(m, "key"), 0);
	CU_ASSERT_STRING_EQUAL(gets_(m, "perms"), "0600");
	CU_ASSERT_EQUAL(geti(m, "size"), 4096);
	CU_ASSERT_EQUAL(geti(m, "nattch"), 2);
	CU_ASSERT_EQUAL(geti(m, "creator_pid"), 100);
	CU_ASSERT_EQUAL(geti(m, "last_pid"), 200);
	CU_ASSERT_TRUE(json_object_get_boolean(get(m, "destroy_pending")));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(get(m, "attached_pids")), 2);
	CU_ASSERT_EQUAL(json_object_get_int(at(get(m, "attached_pids"), 1)), 200);

	sm = at(get(o, "sem_sets"), 0);
	CU_ASSERT_STRING_EQUAL(gets_(sm, "id"), "sem:3");
	CU_ASSERT_EQUAL(geti(sm, "nsems"), 3);
	v = get(sm, "values");
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(v), 3);
	CU_ASSERT_EQUAL(json_object_get_int(at(v, 2)), 5);
	CU_ASSERT_EQUAL(json_object_get_int(at(get(sm, "wait_increase"), 1)), 1);
	CU_ASSERT_PTR_NULL(at(get(sm, "wait_zero"), 2));	/* one unknown element */
	CU_ASSERT_TRUE(is_null(sm, "last_pids"));
	CU_ASSERT_STRING_EQUAL(gets_(sm, "error"), "GETPID: EACCES");
	json_object_put(o);
	snapshot_unref(s);
}

static void test_events_deadlocks(void)
{
	struct snapshot *s = build();
	struct json_object *o = roundtrip(s, NULL);
	struct json_object *e, *d;

	e = at(get(o, "signal_events"), 0);
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(e, "time")), 1700000000.5, 1e-6);
	CU_ASSERT_STRING_EQUAL(gets_(e, "signal"), "SIGRTMIN+2");
	CU_ASSERT_EQUAL(geti(e, "sender_pid"), 100);
	CU_ASSERT_STRING_EQUAL(gets_(e, "sender_comm"), "client");
	CU_ASSERT_EQUAL(geti(e, "target_pid"), 200);
	CU_ASSERT_STRING_EQUAL(gets_(e, "result"), "blocked");
	/* inferred events never enter signal_events (CONTRACT: empty unless tracing) */
	CU_ASSERT_EQUAL(json_object_array_length(get(o, "signal_events")), 1);
	e = at(get(o, "inferred_signal_events"), 0);
	CU_ASSERT_STRING_EQUAL(gets_(e, "signal"), "SIGUSR1");
	CU_ASSERT_TRUE(json_object_get_boolean(get(e, "inferred")));
	CU_ASSERT_TRUE(is_null(e, "sender_pid"));

	d = at(get(o, "deadlocks"), 0);
	CU_ASSERT_EQUAL(json_object_get_int(at(get(d, "pids"), 0)), 100);
	CU_ASSERT_EQUAL(json_object_get_int(at(get(d, "pids"), 1)), 200);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(get(d, "objects"), 0)), "pipe:4242");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(at(get(d, "objects"), 1)), "sem:3");
	json_object_put(o);
	snapshot_unref(s);
}

static void test_rates_and_events(void)
{
	struct snapshot *a = build(), *b = snapshot_new();
	struct snapshot_delta *d;
	struct json_object *o, *q, *r, *ev;
	struct msgq_rec *mq;

	b->time = a->time + 2.0;
	mq = snapshot_add_msgq(b);
	mq->perm = a->msgqs[0].perm;
	mq->messages = 7;	/* +4 messages, +800 bytes in 2 s */
	mq->bytes = 1100;
	snapshot_seal(b);
	d = snapshot_diff(a, b);
	o = roundtrip(b, d);
	q = at(get(o, "msg_queues"), 0);
	r = get(q, "rates");
	CU_ASSERT_FATAL(json_object_is_type(r, json_type_object));
	/* not counted: throughput null with its reason, the fill change exact and named so */
	CU_ASSERT_TRUE(json_object_is_type(get(r, "messages_per_s"), json_type_null));
	CU_ASSERT_TRUE(json_object_is_type(get(r, "bytes_per_s"), json_type_null));
	CU_ASSERT_TRUE(json_object_is_type(get(r, "reason"), json_type_string));
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(r, "fill_change_messages_per_s")), 2.0,
			       1e-9);
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(r, "fill_change_bytes_per_s")), 400.0,
			       1e-9);
	ev = get(o, "events");
	CU_ASSERT(json_object_array_length(ev) > 0);
	CU_ASSERT_STRING_EQUAL(gets_(at(ev, 0), "kind"), "process_exited");
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(o, "interval")), 2.0, 1e-9);
	json_object_put(o);
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

static void test_escaping(void)
{
	struct snapshot *s = snapshot_new();
	struct proc_rec *p = snapshot_add_proc(s);
	struct json_object *o;

	p->pid = 1;
	p->comm = snapshot_strdup(s, "a\"b\\c/d\n\x01");
	snapshot_seal(s);
	o = roundtrip(s, NULL);
	CU_ASSERT_STRING_EQUAL(gets_(at(get(o, "processes"), 0), "comm"), "a\"b\\c/d\n\x01");
	json_object_put(o);
	snapshot_unref(s);
}

/* Names with any bytes (issue 12): the document stays strict UTF-8; a name that is not UTF-8
 * reads with U+FFFD and has its exact bytes in KEY_bytes (hex); control, C1 and bidi
 * characters are \u escapes, so the text has none raw; POSIX ids escape the bytes. */
static void test_hostile_names(void)
{
	struct snapshot *s = snapshot_new();
	struct proc_rec *p = snapshot_add_proc(s);
	struct pshm_rec *m;
	struct psem_rec *sm;
	struct pipe_rec *pp;
	struct json_object *o, *j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	p->pid = 1;
	p->comm = snapshot_strdup(s, "ev\xff\x9b" "il");
	p->cmdline = snapshot_strdup(s, "x \xc2\x9b\xe2\x80\xae\x1b\x7f \xe4\xb8\xad");
	pp = snapshot_add_pipe(s);
	pp->kind = PIPE_FIFO;
	pp->inode = 5;
	pp->path = snapshot_strdup(s, "/tmp/f\x80");
	m = snapshot_add_pshm(s);
	m->name = snapshot_strdup(s, "n\xfe");
	m = snapshot_add_pshm(s);
	m->name = snapshot_strdup(s, "n\xfd");
	m = snapshot_add_pshm(s);
	m->name = snapshot_strdup(s, "gone");
	m->inode = 77;
	m->deleted = true;
	sm = snapshot_add_psem(s);
	sm->name = snapshot_strdup(s, "s\\x");
	snapshot_add_error(s, "pshm:n\xfe mapped_pids", "EACCES");
	snapshot_seal(s);

	f = open_memstream(&buf, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(json_out_write(f, s, NULL), 0);
	fclose(f);
	CU_ASSERT_TRUE(names_utf8_valid(buf));
	for (size_t i = 0; i < len; i++) {	/* nothing a terminal would act on */
		bool unsafe;
		size_t n = names_char(buf + i, &unsafe);

		CU_ASSERT_FALSE(unsafe && buf[i] != '\n');
		i += n ? n - 1 : 0;
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\\u009b\\u202e\\u001b\\u007f \xe4\xb8\xad"));
	o = parse_strict(buf, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	free(buf);

	j = at(get(o, "processes"), 0);
	CU_ASSERT_STRING_EQUAL(gets_(j, "comm"), "ev\xef\xbf\xbd\xef\xbf\xbd" "il");
	CU_ASSERT_STRING_EQUAL(gets_(j, "comm_bytes"), "6576ff9b696c");
	CU_ASSERT_STRING_EQUAL(gets_(j, "cmdline"), "x \xc2\x9b\xe2\x80\xae\x1b\x7f \xe4\xb8\xad");
	CU_ASSERT_FALSE(json_object_object_get_ex(j, "cmdline_bytes", NULL));	/* valid UTF-8 */
	j = at(get(o, "pipes"), 0);
	CU_ASSERT_STRING_EQUAL(gets_(j, "path_bytes"), "2f746d702f6680");
	j = get(o, "posix_shm");
	CU_ASSERT_EQUAL(json_object_array_length(j), 3);
	CU_ASSERT_STRING_EQUAL(gets_(at(j, 0), "id"), "pshm:n\\xfd");	/* unique ids */
	CU_ASSERT_STRING_EQUAL(gets_(at(j, 0), "name_bytes"), "6efd");
	CU_ASSERT_STRING_EQUAL(gets_(at(j, 1), "id"), "pshm:n\\xfe");
	CU_ASSERT_STRING_EQUAL(gets_(at(j, 1), "name"), "n\xef\xbf\xbd");
	CU_ASSERT_STRING_EQUAL(gets_(at(j, 2), "id"), "pshm:deleted/77");
	CU_ASSERT_TRUE(json_object_get_boolean(get(at(j, 2), "deleted")));
	CU_ASSERT_FALSE(json_object_get_boolean(get(at(j, 1), "deleted")));
	j = at(get(o, "posix_sems"), 0);
	CU_ASSERT_STRING_EQUAL(gets_(j, "id"), "psem:s\\\\x");
	CU_ASSERT_STRING_EQUAL(gets_(j, "name"), "s\\x");
	j = at(get(o, "errors"), 0);
	CU_ASSERT_STRING_EQUAL(gets_(j, "where_bytes"), "7073686d3a6efe206d61707065645f70696473");
	json_object_put(o);
	snapshot_unref(s);
}

/* A /proc/sysvipc table without its pid or uid columns leaves pids -1 and uids/gids
 * (uid_t)-1 (probes/sysv_msg.c, sysv_shm.c, sysv_sem.c): unknown, so null, never -1 or
 * 4294967295; pid 0 (no process yet) and uid 0 stay numbers. */
static void test_sysv_unknown_ids(void)
{
	struct snapshot *s = snapshot_new();
	struct msgq_rec *q = snapshot_add_msgq(s);
	struct shm_rec *m;
	struct sem_rec *sm;
	struct json_object *o, *j;

	q->perm.id = 1;
	q->perm.uid = (uid_t)-1;
	q->perm.gid = (gid_t)-1;
	q->perm.cuid = (uid_t)-1;
	q->perm.cgid = (gid_t)-1;
	q->last_send_pid = -1;
	q->last_recv_pid = -1;
	q = snapshot_add_msgq(s);	/* known: pid 0 = never, uid/gid 0 = root */
	q->perm.id = 2;
	q->last_send_pid = 0;
	q->last_recv_pid = 42;
	m = snapshot_add_shm(s);
	m->perm.id = 3;
	m->perm.uid = (uid_t)-1;
	m->perm.gid = 7;
	m->perm.cuid = (uid_t)-1;
	m->perm.cgid = (gid_t)-1;
	m->creator_pid = -1;
	m->last_pid = -1;
	sm = snapshot_add_sem(s);
	sm->perm.id = 4;
	sm->perm.uid = (uid_t)-1;
	sm->perm.gid = (gid_t)-1;
	sm->perm.cuid = 1000;
	sm->perm.cgid = (gid_t)-1;
	sm->nsems = 1;
	sm = snapshot_add_sem(s);	/* no nsems column and no semctl (--sysroot) */
	sm->perm.id = 5;
	sm->nsems = -1;
	snapshot_seal(s);
	o = roundtrip(s, NULL);

	j = at(get(o, "msg_queues"), 0);
	CU_ASSERT_EQUAL(geti(j, "sysv_id"), 1);
	CU_ASSERT_TRUE(is_null(j, "uid"));
	CU_ASSERT_TRUE(is_null(j, "gid"));
	CU_ASSERT_TRUE(is_null(j, "cuid"));
	CU_ASSERT_TRUE(is_null(j, "cgid"));
	CU_ASSERT_TRUE(is_null(j, "last_send_pid"));
	CU_ASSERT_TRUE(is_null(j, "last_recv_pid"));
	j = at(get(o, "msg_queues"), 1);
	CU_ASSERT_EQUAL(geti(j, "uid"), 0);
	CU_ASSERT_EQUAL(geti(j, "cgid"), 0);
	CU_ASSERT_EQUAL(geti(j, "last_send_pid"), 0);
	CU_ASSERT_EQUAL(geti(j, "last_recv_pid"), 42);
	j = at(get(o, "shm_segments"), 0);
	CU_ASSERT_TRUE(is_null(j, "uid"));
	CU_ASSERT_EQUAL(geti(j, "gid"), 7);
	CU_ASSERT_TRUE(is_null(j, "cuid"));
	CU_ASSERT_TRUE(is_null(j, "cgid"));
	CU_ASSERT_TRUE(is_null(j, "creator_pid"));
	CU_ASSERT_TRUE(is_null(j, "last_pid"));
	j = at(get(o, "sem_sets"), 0);
	CU_ASSERT_TRUE(is_null(j, "uid"));
	CU_ASSERT_TRUE(is_null(j, "gid"));
	CU_ASSERT_EQUAL(geti(j, "cuid"), 1000);
	CU_ASSERT_TRUE(is_null(j, "cgid"));
	CU_ASSERT_EQUAL(geti(j, "nsems"), 1);
	j = at(get(o, "sem_sets"), 1);
	CU_ASSERT_TRUE(is_null(j, "nsems"));
	CU_ASSERT_TRUE(is_null(j, "values"));
	json_object_put(o);
	snapshot_unref(s);
}

void test_register(void)
{
	TEST_SUITE("json_out", NULL, NULL,
		   "top level: schema, lists, sources, errors", test_top_level,
		   "processes: signals, nulls, waiting", test_processes,
		   "pipes, sockets, POSIX objects", test_channels,
		   "System V objects", test_sysv,
		   "signal events and deadlocks", test_events_deadlocks,
		   "rates and events from a delta", test_rates_and_events,
		   "string escaping", test_escaping,
		   "names with any bytes: strict UTF-8, exact bytes, unique ids", test_hostile_names,
		   "System V unknown pids, uids and nsems are null", test_sysv_unknown_ids);
}
