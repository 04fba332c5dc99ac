/*
 * json_in.c - the JSON importer (see json_in.h): one reader per kind of record, mirroring
 * json_out.c's builders key for key. Every string is copied into the snapshot's arena; the
 * json-c tree is freed before returning.
 *
 * What the JSON does not carry stays unknown or zero (a pipe's device, a process's syscall
 * arguments and stack start, the threads in no IPC wait); what it carries comes back so that
 * json_out prints the same text again (tests/unit/test_json_in.c checks this on live snapshots
 * with hostile names and on a constructed one with every field set). A name that is not UTF-8
 * comes back as its exact bytes (KEY_bytes), so ids and views made from it equal the live ones.
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "src/format.h"
#include "src/json_in.h"
#include "src/json_out.h"
#include "src/signames.h"
#include "src/waiting.h"

/* ---- values ---- */

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_is_type(o, json_type_object) &&
	       json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static bool is_num(struct json_object *v)
{
	return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

/* An integer in [lo, hi]; dflt when null, missing, not a number or out of range. */
static int64_t g_int(struct json_object *o, const char *key, int64_t lo, int64_t hi, int64_t dflt)
{
	struct json_object *v = get(o, key);
	int64_t x;

	if (!json_object_is_type(v, json_type_int))
		return dflt;
	x = json_object_get_int64(v);
	return x < lo || x > hi ? dflt : x;
}

/* A non-negative count, size or time; SNAP_UNKNOWN otherwise. */
static int64_t g_known(struct json_object *o, const char *key)
{
	return g_int(o, key, 0, INT64_MAX, SNAP_UNKNOWN);
}

static pid_t g_pid(struct json_object *o, const char *key, pid_t dflt)
{
	return (pid_t)g_int(o, key, 0, INT_MAX, dflt);
}

static uint64_t g_u64(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	if (!json_object_is_type(v, json_type_int))
		return 0;
	return json_object_get_uint64(v);
}

static double g_double(struct json_object *o, const char *key, double dflt)
{
	struct json_object *v = get(o, key);

	return is_num(v) ? json_object_get_double(v) : dflt;
}

static bool g_bool(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

static const char *g_cstr(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The exact bytes in hex (a KEY_bytes sibling, CONTRACT.md "Strings"), malloc'd; NULL when
 * hex is not an even run of hex digits or names a NUL byte (no name holds one). */
static char *unhex(const char *hex)
{
	size_t n = strlen(hex);
	char *out;

	if (n % 2)
		return NULL;
	out = xmalloc(n / 2 + 1);
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0 || (hi | lo) == 0) {
			free(out);
			return NULL;
		}
		out[i] = (char)(hi << 4 | lo);
	}
	out[n / 2] = '\0';
	return out;
}

/*
 * A string (malloc'd) or NULL when null, missing or not a string. A name that is not UTF-8 is
 * written with U+FFFD for each such byte and its exact bytes in KEY_bytes: those bytes are
 * the name (so that ids, searches and views made from it equal the live ones).
 */
static char *g_dup(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);
	char bkey[64];
	const char *hex;
	char *exact;

	if (!json_object_is_type(v, json_type_string))
		return NULL;
	snprintf(bkey, sizeof(bkey), "%s_bytes", key);
	hex = g_cstr(o, bkey);
	if (hex && (exact = unhex(hex)) != NULL)
		return exact;
	return xstrdup(json_object_get_string(v));
}

/* g_dup's string in the snapshot's arena. */
static const char *g_str(struct snapshot *s, struct json_object *o, const char *key)
{
	char *v = g_dup(o, key);
	const char *r = v ? snapshot_strdup(s, v) : NULL;

	free(v);
	return r;
}

static size_t arr_len(struct json_object *a)
{
	return json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static struct json_object *arr_obj(struct json_object *a, size_t i)
{
	struct json_object *v = json_object_array_get_idx(a, i);

	return json_object_is_type(v, json_type_object) ? v : NULL;
}

static uint64_t g_sigmask(struct json_object *o, const char *key)
{
	struct json_object *a = get(o, key);
	uint64_t mask = 0;

	for (size_t i = 0; i < arr_len(a); i++) {
		struct json_object *v = json_object_array_get_idx(a, i);
		int sig = json_object_is_type(v, json_type_string) ?
			  signame_parse(json_object_get_string(v)) : -1;

		if (sig >= 1 && sig <= SIG_MAX)
			mask |= 1ULL << (sig - 1);
	}
	return mask;
}

/* [pid, ...]: the array in the arena and its length; NULL when null or missing. */
static pid_t *g_pids(struct snapshot *s, struct json_object *o, const char *key, size_t *n)
{
	struct json_object *a = get(o, key);
	size_t len = arr_len(a), k = 0;
	pid_t *p;

	*n = 0;
	if (!json_object_is_type(a, json_type_array))
		return NULL;
	p = snapshot_alloc(s, (len ? len : 1) * sizeof(*p));
	for (size_t i = 0; i < len; i++) {
		struct json_object *v = json_object_array_get_idx(a, i);

		if (json_object_is_type(v, json_type_int) && json_object_get_int64(v) > 0 &&
		    json_object_get_int64(v) <= INT_MAX)
			p[k++] = (pid_t)json_object_get_int64(v);
	}
	*n = k;
	return p;
}

/* [n or null, ...] of exactly n values, null -> SNAP_UNKNOWN; NULL when the list is null. */
static int64_t *g_i64s(struct snapshot *s, struct json_object *o, const char *key, size_t n)
{
	struct json_object *a = get(o, key);
	int64_t *v;

	if (!json_object_is_type(a, json_type_array))
		return NULL;
	v = snapshot_alloc(s, (n ? n : 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		struct json_object *x = json_object_array_get_idx(a, i);

		v[i] = json_object_is_type(x, json_type_int) && json_object_get_int64(x) >= 0 ?
		       json_object_get_int64(x) : SNAP_UNKNOWN;
	}
	return v;
}

/* Index of name in a names function's range, or dflt. */
#define NAME_INDEX(fn, count, str, dflt)                                          \
	({                                                                        \
		int r_ = (dflt);                                                  \
		for (int i_ = 0; (str) && i_ < (count); i_++)                     \
			if (strcmp(fn(i_), (str)) == 0) {                         \
				r_ = i_;                                          \
				break;                                            \
			}                                                         \
		r_;                                                               \
	})

/* ---- endpoints ---- */

static int cmp_end(const void *a, const void *b)
{
	const struct endpoint *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

/* readers/writers/unknown_mode_ends (or holders) merged by (pid, fd) with their modes, sorted
 * by (pid, fd) as the sampler sorts them (an O_RDWR end is in both lists). */
static struct endpoint *g_ends(struct snapshot *s, struct json_object *o, size_t *n,
			       const char *const keys[], const unsigned modes[], size_t nkeys)
{
	size_t total = 0, k = 0;
	struct endpoint *e;

	for (size_t j = 0; j < nkeys; j++)
		total += arr_len(get(o, keys[j]));
	*n = 0;
	if (!total)
		return NULL;
	e = snapshot_alloc(s, total * sizeof(*e));
	for (size_t j = 0; j < nkeys; j++) {
		struct json_object *a = get(o, keys[j]);

		for (size_t i = 0; i < arr_len(a); i++) {
			struct json_object *x = arr_obj(a, i);
			pid_t pid = g_pid(x, "pid", -1);
			int fd = (int)g_int(x, "fd", 0, INT_MAX, -1);
			size_t m;

			if (!x || pid < 0 || fd < 0)
				continue;
			for (m = 0; m < k && !(e[m].pid == pid && e[m].fd == fd); m++)
				;
			if (m == k)
				e[k++] = (struct endpoint){ .pid = pid, .fd = fd };
			e[m].mode |= modes[j];
		}
	}
	if (k > 1)
		qsort(e, k, sizeof(*e), cmp_end);
	*n = k;
	return e;
}

static struct endpoint *g_holders(struct snapshot *s, struct json_object *o, size_t *n)
{
	static const char *const keys[] = { "holders" };
	static const unsigned modes[] = { FD_MODE_UNKNOWN };

	return g_ends(s, o, n, keys, modes, 1);
}

/* ---- records ---- */

static char g_state(struct json_object *o)
{
	const char *st = g_cstr(o, "state");

	return st && st[0] && !st[1] ? st[0] : '?';
}

static const char *wait_name(int k)
{
	return wait_kind_name((enum wait_kind)k);
}

/* A wait object (j_wait); null or missing: WAIT_NONE. */
static void r_wait(struct snapshot *s, struct json_object *w, struct proc_wait *pw)
{
	*pw = (struct proc_wait){ .kind = WAIT_NONE, .arg = SNAP_UNKNOWN };
	if (!json_object_is_type(w, json_type_object))
		return;
	pw->kind = (enum wait_kind)NAME_INDEX(wait_name, WAIT_KIND_COUNT, g_cstr(w, "kind"),
					      WAIT_OTHER);
	pw->object = g_str(s, w, "object");
	pw->detail = g_str(s, w, "detail");
	pw->arg = g_known(w, "arg");
	pw->tid = g_pid(w, "tid", 0);
}

static int cmp_thread(const void *a, const void *b)
{
	const struct thread_wait *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

/*
 * thread_waits: the main thread's entry is its own wait; the others are the threads in an IPC
 * wait (the JSON holds no other thread, so other_threads_complete stays false). Without a main
 * entry the main thread is in no IPC wait: its wait is the process's when that is its own,
 * otherwise not known.
 */
static void r_thread_waits(struct snapshot *s, struct proc_rec *p, struct json_object *a)
{
	bool main_seen = false;

	if (arr_len(a))
		p->other_threads = snapshot_alloc(s, arr_len(a) * sizeof(*p->other_threads));
	for (size_t i = 0; i < arr_len(a); i++) {
		struct json_object *o = arr_obj(a, i);
		struct thread_wait *t;
		const char *comm;

		if (!o)
			continue;
		if (g_bool(o, "main")) {
			if (!main_seen)
				r_wait(s, get(o, "waiting"), &p->main_waiting);
			main_seen = true;
			continue;
		}
		t = &p->other_threads[p->n_other_threads++];
		*t = (struct thread_wait){ .state = '?', .syscall_nr = SNAP_UNKNOWN };
		t->tid = g_pid(o, "tid", 0);
		comm = g_str(s, o, "comm");
		t->comm = comm ? comm : "?";
		r_wait(s, get(o, "waiting"), &t->waiting);
	}
	if (p->n_other_threads > 1)	/* sorted by tid, as the sampler reads them */
		qsort(p->other_threads, p->n_other_threads, sizeof(*p->other_threads), cmp_thread);
	if (!main_seen) {
		if (p->waiting.tid == p->pid || p->waiting.tid == 0)
			p->main_waiting = p->waiting;
		else
			p->main_waiting = (struct proc_wait){ .kind = WAIT_NONE, .arg = SNAP_UNKNOWN };
	}
}

static void r_proc(struct snapshot *s, struct json_object *o)
{
	static const char *const sets[SIGSET_COUNT] = { "pending", "shared_pending", "blocked",
							"ignored", "caught" };
	struct proc_rec *p = snapshot_add_proc(s);
	struct json_object *sig = get(o, "signals"), *w = get(o, "waiting"), *q = get(o, "sigq");
	const char *comm;

	p->pid = g_pid(o, "pid", 0);
	p->ppid = g_pid(o, "ppid", 0);
	p->state = g_state(o);
	comm = g_str(s, o, "comm");
	p->comm = comm ? comm : "?";
	p->uid = g_known(o, "uid");
	p->zombie = g_bool(o, "zombie");
	p->orphan = g_bool(o, "orphan");
	p->orphan_unknown = json_object_is_type(get(o, "orphan"), json_type_null) &&
			    json_object_object_get_ex(o, "orphan", NULL);
	if (json_object_is_type(sig, json_type_object)) {
		p->sig_known = true;
		for (int i = 0; i < SIGSET_COUNT; i++)
			p->sig[i] = g_sigmask(sig, sets[i]);
	}
	r_wait(s, w, &p->waiting);
	p->pgid = g_pid(o, "pgid", 0);
	p->sid = g_pid(o, "sid", 0);
	p->start_ticks = g_u64(o, "start_ticks");
	p->cmdline = g_str(s, o, "cmdline");
	p->nthreads = (int)g_int(o, "threads", 1, INT_MAX, 0);
	p->kthread = g_bool(o, "kthread");
	p->original_ppid = g_pid(o, "original_ppid", 0);
	p->zombie_since = g_double(o, "zombie_since", 0);
	p->zombie_seen_alive = g_bool(o, "zombie_seen_alive");
	p->sigq_queued = g_known(q, "queued");
	p->sigq_limit = g_known(q, "limit");
	p->wchan = g_str(s, o, "wchan");
	r_thread_waits(s, p, get(o, "thread_waits"));
	p->syscall_nr = SNAP_UNKNOWN;
	p->io_rchar = g_known(o, "io_rchar");
	p->io_wchar = g_known(o, "io_wchar");
	p->error = g_str(s, o, "error");
	/* proc_wait's record of an unreadable wait ("syscall: EACCES"): unknown, not "none" */
	p->wait_unknown = p->waiting.kind == WAIT_NONE && p->error &&
			  strncmp(p->error, "syscall: ", 9) == 0;
}

static void r_thread(struct snapshot *s, struct json_object *o)
{
	struct thread_rec *t = snapshot_add_thread(s);

	t->tgid = g_pid(o, "tgid", 0);
	t->tid = g_pid(o, "tid", 0);
	t->comm = g_str(s, o, "comm");
	t->state = g_state(o);
	t->pending = g_sigmask(o, "pending");
	t->blocked = g_sigmask(o, "blocked");
}

static void r_pipe(struct snapshot *s, struct json_object *o)
{
	static const char *const keys[] = { "readers", "writers", "unknown_mode_ends" };
	static const unsigned modes[] = { FD_MODE_READ, FD_MODE_WRITE, FD_MODE_UNKNOWN };
	struct pipe_rec *p = snapshot_add_pipe(s);
	const char *kind = g_cstr(o, "kind");

	p->kind = kind && strcmp(kind, "fifo") == 0 ? PIPE_FIFO : PIPE_ANON;
	p->inode = g_u64(o, "inode");
	p->path = g_str(s, o, "path");
	p->ends = g_ends(s, o, &p->n_ends, keys, modes, 3);
	p->queued_bytes = g_known(o, "queued_bytes");
	p->capacity = g_known(o, "capacity");
	p->deleted = g_bool(o, "deleted");
	p->fill_error = g_str(s, o, "error");
}

static int sock_type(const char *name)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };

	for (size_t i = 0; name && i < 3; i++)
		if (strcmp(fmt_socktype(types[i]), name) == 0)
			return types[i];
	return 0;
}

static int sock_state(const char *name)
{
	for (int i = 1; name && i < 16; i++)
		if (strcmp(fmt_sockstate(i), name) == 0)
			return i;
	return 0;
}

static void r_usock(struct snapshot *s, struct json_object *o)
{
	struct usock_rec *u = snapshot_add_usock(s);
	struct json_object *icons = get(o, "pending_inodes");

	u->inode = g_u64(o, "inode");
	u->peer_inode = g_u64(o, "peer_inode");
	u->peer_known = g_bool(o, "peer_known");
	u->type = sock_type(g_cstr(o, "type"));
	u->state = sock_state(g_cstr(o, "state"));
	u->path = g_str(s, o, "path");
	u->holders = g_holders(s, o, &u->n_holders);
	u->queued_bytes = g_known(o, "queued_bytes");
	u->send_queue = g_known(o, "send_queue");
	u->pending_conns = g_known(o, "pending_connections");
	u->backlog = g_known(o, "backlog");
	if (arr_len(icons)) {
		u->icons = snapshot_alloc(s, arr_len(icons) * sizeof(*u->icons));
		for (size_t i = 0; i < arr_len(icons); i++) {
			struct json_object *v = json_object_array_get_idx(icons, i);

			if (json_object_is_type(v, json_type_int))
				u->icons[u->n_icons++] = json_object_get_uint64(v);
		}
	}
}

static uid_t g_id(struct json_object *o, const char *key)
{
	return (uid_t)g_int(o, key, 0, UINT_MAX - 1, (int64_t)(uid_t)-1);
}

static void r_perm(struct json_object *o, struct sysv_perm *p)
{
	const char *perms = g_cstr(o, "perms");

	p->id = (int)g_int(o, "sysv_id", 0, INT_MAX, -1);
	p->key = (int32_t)g_int(o, "key", INT32_MIN, INT32_MAX, 0);
	p->mode = perms ? (unsigned)strtoul(perms, NULL, 8) & 0777 : 0;
	p->uid = g_id(o, "uid");
	p->gid = g_id(o, "gid");
	p->cuid = g_id(o, "cuid");
	p->cgid = g_id(o, "cgid");
}

static int64_t g_time(struct json_object *o, const char *key)
{
	return g_int(o, key, 1, INT64_MAX, 0);
}

static void r_msgq(struct snapshot *s, struct json_object *o)
{
	struct msgq_rec *q = snapshot_add_msgq(s);

	r_perm(o, &q->perm);
	q->messages = g_known(o, "messages");
	q->bytes = g_known(o, "bytes");
	q->max_bytes = g_known(o, "max_bytes");
	q->last_send_pid = g_pid(o, "last_send_pid", -1);
	q->last_recv_pid = g_pid(o, "last_recv_pid", -1);
	q->stime = g_time(o, "stime");
	q->rtime = g_time(o, "rtime");
	q->ctime = g_time(o, "ctime");
	q->error = g_str(s, o, "error");
}

static void r_shm(struct snapshot *s, struct json_object *o)
{
	struct shm_rec *m = snapshot_add_shm(s);

	r_perm(o, &m->perm);
	m->size = g_known(o, "size");
	m->nattch = g_known(o, "nattch");
	m->creator_pid = g_pid(o, "creator_pid", -1);
	m->last_pid = g_pid(o, "last_pid", -1);
	m->attached_pids = g_pids(s, o, "attached_pids", &m->n_attached);
	m->rss = g_known(o, "rss");
	m->destroy_pending = g_bool(o, "destroy_pending");
	m->swap = g_known(o, "swap");
	m->atime = g_time(o, "atime");
	m->dtime = g_time(o, "dtime");
	m->ctime = g_time(o, "ctime");
	m->error = g_str(s, o, "error");
}

static void r_sem(struct snapshot *s, struct json_object *o)
{
	struct sem_rec *m = snapshot_add_sem(s);
	size_t n;

	r_perm(o, &m->perm);
	m->nsems = (int)g_int(o, "nsems", 0, 65536, -1);
	n = m->nsems > 0 ? (size_t)m->nsems : 0;
	m->values = g_i64s(s, o, "values", n);
	m->wait_increase = g_i64s(s, o, "wait_increase", n);
	m->wait_zero = g_i64s(s, o, "wait_zero", n);
	m->last_pids = g_i64s(s, o, "last_pids", n);
	m->otime = g_time(o, "otime");
	m->ctime = g_time(o, "ctime");
	m->error = g_str(s, o, "error");
}

static void r_pmq(struct snapshot *s, struct json_object *o)
{
	struct pmq_rec *q = snapshot_add_pmq(s);
	const char *name = g_str(s, o, "name");

	q->name = name ? name : "";
	q->bytes = g_known(o, "bytes");
	q->messages = g_known(o, "messages");
	q->max_messages = g_known(o, "max_messages");
	q->message_size = g_known(o, "message_size");
	q->holders = g_holders(s, o, &q->n_holders);
	q->inode = g_u64(o, "inode");
	q->error = g_str(s, o, "error");
}

static void r_pshm(struct snapshot *s, struct json_object *o)
{
	struct pshm_rec *m = snapshot_add_pshm(s);
	const char *name = g_str(s, o, "name");

	m->name = name ? name : "";
	m->size = g_known(o, "size");
	m->mapped_pids = g_pids(s, o, "mapped_pids", &m->n_mapped);
	m->inode = g_u64(o, "inode");
	m->deleted = g_bool(o, "deleted");
	m->error = g_str(s, o, "error");
}

static void r_psem(struct snapshot *s, struct json_object *o)
{
	struct psem_rec *m = snapshot_add_psem(s);
	const char *name = g_str(s, o, "name");

	m->name = name ? name : "";
	m->value = g_known(o, "value");
	m->mapped_pids = g_pids(s, o, "mapped_pids", &m->n_mapped);
	m->inode = g_u64(o, "inode");
	m->deleted = g_bool(o, "deleted");
	m->error = g_str(s, o, "error");
}

static void r_miscfd(struct snapshot *s, struct json_object *o)
{
	static const char *const kinds[] = { [MISC_EVENTFD] = "eventfd",
					     [MISC_SIGNALFD] = "signalfd",
					     [MISC_TCP_LOOPBACK] = "tcp_loopback" };
	const char *kind = g_cstr(o, "kind");
	struct misc_fd_rec *m;
	int k = -1;

	for (int i = 0; kind && i < 3; i++)
		if (strcmp(kinds[i], kind) == 0)
			k = i;
	if (k < 0)
		return;		/* a kind this ipctop does not know */
	m = snapshot_add_miscfd(s);
	m->kind = (enum misc_fd_kind)k;
	m->pid = g_pid(o, "pid", 0);
	m->fd = (int)g_int(o, "fd", 0, INT_MAX, -1);
	m->inode = g_u64(o, "inode");
	m->eventfd_count = g_known(o, "count");
	m->sigmask = g_sigmask(o, "signals");
	m->peer_inode = g_u64(o, "peer_inode");
	m->peer_pid = g_pid(o, "peer_pid", 0);
	m->detail = g_str(s, o, "detail");
}

static const char *result_name(int r)
{
	return sig_result_name((enum sig_result)r);
}

static void r_sigevent(struct snapshot *s, struct json_object *o, bool inferred)
{
	const char *sig = g_cstr(o, "signal");
	int signo = sig ? signame_parse(sig) : -1;
	struct sig_event *e;

	if (signo < 1 || signo > SIG_MAX)
		return;
	e = snapshot_add_sigevent(s);
	e->time = g_double(o, "time", 0);
	e->signo = signo;
	e->sender_pid = g_pid(o, "sender_pid", 0);
	e->sender_comm = g_str(s, o, "sender_comm");
	e->target_pid = g_pid(o, "target_pid", 0);
	e->target_comm = g_str(s, o, "target_comm");
	e->result = (enum sig_result)NAME_INDEX(result_name, SIGRES_UNKNOWN + 1, g_cstr(o, "result"),
						SIGRES_UNKNOWN);
	e->inferred = inferred;
}

static void r_deadlock(struct snapshot *s, struct json_object *o)
{
	struct deadlock_rec *d = snapshot_add_deadlock(s);
	struct json_object *objs = get(o, "objects");

	d->pids = g_pids(s, o, "pids", &d->n_pids);
	if (arr_len(objs)) {
		d->objects = snapshot_alloc(s, arr_len(objs) * sizeof(*d->objects));
		for (size_t i = 0; i < arr_len(objs); i++) {
			struct json_object *v = json_object_array_get_idx(objs, i);

			if (json_object_is_type(v, json_type_string))
				d->objects[d->n_objects++] = snapshot_strdup(s, json_object_get_string(v));
		}
	}
	d->since = g_double(o, "since", 0);
}

static void r_stall(struct snapshot *s, struct json_object *o)
{
	struct stall_rec *st = snapshot_add_stall(s);
	struct json_object *ev = get(o, "evidence"), *ub = get(ev, "unblockers");
	const char *kind = g_cstr(o, "wait_kind");

	st->pid = g_pid(o, "pid", 0);
	st->tid = g_pid(o, "tid", 0);
	st->kind = kind ? (enum wait_kind)NAME_INDEX(wait_name, WAIT_KIND_COUNT, kind, WAIT_OTHER)
			: WAIT_NONE;
	st->object = g_str(s, o, "object");
	st->reason = g_str(s, o, "reason");
	st->since = g_double(o, "since", 0);
	st->rule = g_str(s, ev, "rule");
	if (arr_len(ub)) {
		st->unblockers = snapshot_alloc(s, arr_len(ub) * sizeof(*st->unblockers));
		st->unblocker_waits = snapshot_alloc(s, arr_len(ub) * sizeof(*st->unblocker_waits));
		for (size_t i = 0; i < arr_len(ub); i++) {
			struct json_object *u = arr_obj(ub, i);

			if (!u)
				continue;
			st->unblockers[st->n_unblockers] = g_pid(u, "pid", 0);
			st->unblocker_waits[st->n_unblockers++] = g_str(s, u, "waiting");
		}
	}
	st->named = (size_t)g_int(ev, "named", 0, INT_MAX, 0);
}

/* ---- the snapshot and its delta ---- */

static const char *event_name(int k)
{
	return delta_event_kind_name((enum delta_event_kind)k);
}

static int cmp_rate(const void *a, const void *b)
{
	return strcmp(((const struct delta_rate *)a)->id, ((const struct delta_rate *)b)->id);
}

/* A rate's reason as the static text diff.c gives it (NULL when exact or not one of them). */
static const char *rate_why(const char *reason)
{
	static const char *const known[] = { DELTA_WHY_NOT_COUNTED, DELTA_WHY_LISTENER };

	for (size_t i = 0; reason && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(reason, known[i]) == 0)
			return known[i];
	return NULL;
}

/* The rates of one list's records into d. */
static void rates_of(struct snapshot_delta *d, struct json_object *list)
{
	for (size_t i = 0; i < arr_len(list); i++) {
		struct json_object *o = arr_obj(list, i), *r = get(o, "rates");
		const char *id = g_cstr(o, "id");
		struct delta_rate *dr;

		if (!id || !json_object_is_type(r, json_type_object))
			continue;
		dr = snapshot_delta_add_rate(d, id);
		dr->messages_per_s = g_double(r, "messages_per_s", NAN);
		dr->bytes_per_s = g_double(r, "bytes_per_s", NAN);
		dr->exact = g_bool(r, "exact");
		dr->why = rate_why(g_cstr(r, "reason"));
		dr->fill_bytes_per_s = g_double(r, "fill_change_bytes_per_s", NAN);
		dr->fill_messages_per_s = g_double(r, "fill_change_messages_per_s", NAN);
		dr->sent = g_bool(r, "sent");
		dr->received = g_bool(r, "received");
	}
}

static struct snapshot_delta *read_delta(struct json_object *root)
{
	static const char *const lists[] = { "pipes", "unix_sockets", "msg_queues", "posix_mqueues" };
	struct json_object *ev = get(root, "events");
	struct snapshot_delta *d;

	if (!is_num(get(root, "interval")))
		return NULL;	/* the first snapshot of its run: no delta */
	d = snapshot_diff(NULL, NULL);
	d->interval = g_double(root, "interval", 0);
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		rates_of(d, get(root, lists[i]));
	if (d->n_rates > 1)
		qsort(d->rates, d->n_rates, sizeof(*d->rates), cmp_rate);
	for (size_t i = 0; i < arr_len(ev); i++) {
		struct json_object *o = arr_obj(ev, i);
		int k = NAME_INDEX(event_name, DEV_KIND_COUNT, g_cstr(o, "kind"), -1);

		char *object, *detail, *evidence;

		if (k < 0)
			continue;
		object = g_dup(o, "object");
		detail = g_dup(o, "detail");
		evidence = g_dup(o, "evidence");
		snapshot_delta_add_event_ev(d, (enum delta_event_kind)k, object, g_pid(o, "pid", 0),
					    detail, evidence);
		free(object);
		free(detail);
		free(evidence);
	}
	return d;
}

#define EACH(root, key, fn, ...)                                                  \
	do {                                                                      \
		struct json_object *a_ = get((root), (key));                      \
		for (size_t i_ = 0; i_ < arr_len(a_); i_++)                       \
			if (arr_obj(a_, i_))                                      \
				fn(s, arr_obj(a_, i_), ##__VA_ARGS__);            \
	} while (0)

struct snapshot *json_in_snapshot(const char *text, size_t len, struct snapshot_delta **delta,
				  char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root, *sources;
	struct snapshot *s;
	int64_t schema;

	*delta = NULL;
	if (len > INT_MAX) {
		snprintf(err, errlen, "snapshot text too long (%zu bytes)", len);
		json_tokener_free(tok);
		return NULL;
	}
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root || json_tokener_get_parse_end(tok) != len) {
		snprintf(err, errlen, "not JSON: %s at offset %zu",
			 root ? "text after the object" : json_tokener_error_desc(json_tokener_get_error(tok)),
			 json_tokener_get_parse_end(tok));
		json_object_put(root);
		json_tokener_free(tok);
		return NULL;
	}
	json_tokener_free(tok);
	schema = g_int(root, "schema", 0, INT_MAX, 0);
	if (!json_object_is_type(root, json_type_object) || schema < 1 ||
	    !is_num(get(root, "time"))) {
		snprintf(err, errlen, "not an ipctop snapshot (no schema or time)");
		json_object_put(root);
		return NULL;
	}
	if (schema > JSON_OUT_SCHEMA) {
		snprintf(err, errlen, "snapshot schema %lld is newer than this ipctop reads (%d)",
			 (long long)schema, JSON_OUT_SCHEMA);
		json_object_put(root);
		return NULL;
	}
	s = snapshot_new();
	s->time = g_double(root, "time", 0);
	s->duration = g_double(root, "duration", 0);
	s->sysroot = g_str(s, root, "sysroot");
	sources = get(root, "sources");
	if (json_object_is_type(sources, json_type_object)) {
		json_object_object_foreach(sources, name, v) {
			char *why = g_dup(v, "error");

			snapshot_set_source(s, name, g_bool(v, "ok"), why);
			free(why);
		}
	}
	{
		struct json_object *errs = get(root, "errors");

		for (size_t i = 0; i < arr_len(errs); i++) {
			struct json_object *o = arr_obj(errs, i);
			char *where = g_dup(o, "where"), *what = g_dup(o, "error");

			if (where && what)
				snapshot_add_error(s, where, what);
			free(where);
			free(what);
		}
	}
	EACH(root, "processes", r_proc);
	EACH(root, "threads", r_thread);
	EACH(root, "pipes", r_pipe);
	EACH(root, "unix_sockets", r_usock);
	EACH(root, "msg_queues", r_msgq);
	EACH(root, "shm_segments", r_shm);
	EACH(root, "sem_sets", r_sem);
	EACH(root, "posix_mqueues", r_pmq);
	EACH(root, "posix_shm", r_pshm);
	EACH(root, "posix_sems", r_psem);
	EACH(root, "misc_fds", r_miscfd);
	EACH(root, "signal_events", r_sigevent, false);
	EACH(root, "inferred_signal_events", r_sigevent, true);
	EACH(root, "deadlocks", r_deadlock);
	EACH(root, "stalls", r_stall);
	*delta = read_delta(root);
	json_object_put(root);
	snapshot_seal(s);
	return s;
}
