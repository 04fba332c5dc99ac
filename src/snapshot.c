/*
 * snapshot.c - building, sealing, searching and freeing snapshots.
 *
 * Records are appended to growable arrays while probes run; snapshot_seal() sorts each array
 * by identity so that lookups are binary searches and two snapshots can be merged in order.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/snapshot.h"

struct snapshot *snapshot_new(void)
{
	struct snapshot *s = xcalloc(1, sizeof(*s));

	arena_init(&s->arena);
	s->refs = 1;
	return s;
}

struct snapshot *snapshot_ref(struct snapshot *s)
{
	if (s)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	return s;
}

void snapshot_unref(struct snapshot *s)
{
	struct snapshot *base;

	if (!s || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	base = s->base;
	free(s->procs);
	free(s->threads);
	free(s->pipes);
	free(s->usocks);
	free(s->pmqs);
	free(s->pshms);
	free(s->psems);
	free(s->miscfds);
	free(s->msgqs);
	free(s->shms);
	free(s->sems);
	free(s->sigevents);
	free(s->deadlocks);
	free(s->stalls);
	free(s->errors);
	free(s->sources);
	arena_fini(&s->arena);
	free(s);
	snapshot_unref(base);	/* a filtered view's records pointed into it */
}

static void *push(const struct snapshot *s, void **items, size_t *n, size_t *cap, size_t size)
{
	unsigned char *p;

	if (s->sealed)
		abort();	/* a sealed snapshot never changes */
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*items = xreallocarray(*items, *cap, size);
	}
	p = (unsigned char *)*items + *n * size;
	memset(p, 0, size);
	(*n)++;
	return p;
}

#define ADD(s, name) push((s), (void **)&(s)->name, &(s)->n_##name, &(s)->cap_##name, \
			  sizeof(*(s)->name))

struct proc_rec *snapshot_add_proc(struct snapshot *s)
{
	struct proc_rec *p = ADD(s, procs);

	p->state = '?';
	p->uid = SNAP_UNKNOWN;
	p->sigq_queued = SNAP_UNKNOWN;
	p->sigq_limit = SNAP_UNKNOWN;
	p->syscall_nr = SNAP_UNKNOWN;
	p->waiting.arg = SNAP_UNKNOWN;
	p->io_rchar = SNAP_UNKNOWN;
	p->io_wchar = SNAP_UNKNOWN;
	return p;
}

struct thread_rec *snapshot_add_thread(struct snapshot *s)
{
	struct thread_rec *t = ADD(s, threads);

	t->state = '?';
	return t;
}

struct pipe_rec *snapshot_add_pipe(struct snapshot *s)
{
	struct pipe_rec *p = ADD(s, pipes);

	p->queued_bytes = SNAP_UNKNOWN;
	p->capacity = SNAP_UNKNOWN;
	return p;
}

struct usock_rec *snapshot_add_usock(struct snapshot *s)
{
	struct usock_rec *u = ADD(s, usocks);

	u->queued_bytes = SNAP_UNKNOWN;
	u->send_queue = SNAP_UNKNOWN;
	u->pending_conns = SNAP_UNKNOWN;
	u->backlog = SNAP_UNKNOWN;
	return u;
}

struct pmq_rec *snapshot_add_pmq(struct snapshot *s)
{
	struct pmq_rec *q = ADD(s, pmqs);

	q->bytes = SNAP_UNKNOWN;
	q->messages = SNAP_UNKNOWN;
	q->max_messages = SNAP_UNKNOWN;
	q->message_size = SNAP_UNKNOWN;
	return q;
}

struct pshm_rec *snapshot_add_pshm(struct snapshot *s)
{
	struct pshm_rec *p = ADD(s, pshms);

	p->size = SNAP_UNKNOWN;
	return p;
}

struct psem_rec *snapshot_add_psem(struct snapshot *s)
{
	struct psem_rec *p = ADD(s, psems);

	p->value = SNAP_UNKNOWN;
	return p;
}

struct misc_fd_rec *snapshot_add_miscfd(struct snapshot *s)
{
	struct misc_fd_rec *m = ADD(s, miscfds);

	m->eventfd_count = SNAP_UNKNOWN;
	return m;
}

struct msgq_rec *snapshot_add_msgq(struct snapshot *s)
{
	struct msgq_rec *q = ADD(s, msgqs);

	q->bytes = SNAP_UNKNOWN;
	q->messages = SNAP_UNKNOWN;
	q->max_bytes = SNAP_UNKNOWN;
	return q;
}

struct shm_rec *snapshot_add_shm(struct snapshot *s)
{
	struct shm_rec *m = ADD(s, shms);

	m->size = SNAP_UNKNOWN;
	m->nattch = SNAP_UNKNOWN;
	m->rss = SNAP_UNKNOWN;
	m->swap = SNAP_UNKNOWN;
	return m;
}

struct sem_rec *snapshot_add_sem(struct snapshot *s)
{
	return ADD(s, sems);
}

struct sig_event *snapshot_add_sigevent(struct snapshot *s)
{
	struct sig_event *e = ADD(s, sigevents);

	e->result = SIGRES_UNKNOWN;
	return e;
}

struct deadlock_rec *snapshot_add_deadlock(struct snapshot *s)
{
	return ADD(s, deadlocks);
}

struct stall_rec *snapshot_add_stall(struct snapshot *s)
{
	return ADD(s, stalls);
}

void snapshot_add_error(struct snapshot *s, const char *where, const char *error)
{
	struct snap_error *e = ADD(s, errors);

	e->where = arena_strdup(&s->arena, where ? where : "?");
	e->error = arena_strdup(&s->arena, error ? error : "unknown error");
}

void snapshot_add_errorf(struct snapshot *s, const char *error, const char *where_fmt, ...)
{
	char where[512];
	va_list ap;

	va_start(ap, where_fmt);
	vsnprintf(where, sizeof(where), where_fmt, ap);
	va_end(ap);
	snapshot_add_error(s, where, error);
}

static const char *const source_names[SRC_COUNT] = {
	[SRC_PROC_TABLE] = "proc_table",
	[SRC_PROC_MAPS] = "proc_maps",
	[SRC_SYSV_MSG] = "sysv_msg",
	[SRC_SYSV_SHM] = "sysv_shm",
	[SRC_SYSV_SEM] = "sysv_sem",
	[SRC_PROC_WAIT] = "proc_wait",
	[SRC_SIG_TRACE] = "sig_trace",
	[SRC_FD_ITER] = "fd_iter",
	[SRC_MAPS_ITER] = "maps_iter",
	[SRC_FDS] = "fds",
	[SRC_PIPES] = "pipes",
	[SRC_UNIX_DIAG] = "unix_diag",
	[SRC_POSIX_IPC] = "posix_ipc",
	[SRC_MISC_FDS] = "misc_fds",
};

const char *snap_source_name(enum snap_source_id id)
{
	return (unsigned)id < SRC_COUNT ? source_names[id] : NULL;
}

enum snap_source_id snap_source_id_of(const char *name)
{
	for (size_t i = 0; i < SRC_COUNT; i++)
		if (source_names[i] && name && strcmp(source_names[i], name) == 0)
			return (enum snap_source_id)i;
	return SRC_OTHER;
}

void snapshot_set_source_state(struct snapshot *s, const char *name, enum snap_source_state st,
			       const char *error)
{
	struct snap_source *src = NULL;
	size_t i;

	for (i = 0; i < s->n_sources; i++)
		if (strcmp(s->sources[i].name, name) == 0)
			src = &s->sources[i];
	if (!src) {
		src = ADD(s, sources);
		src->name = arena_strdup(&s->arena, name);
		src->id = snap_source_id_of(name);
	}
	src->state = st;
	src->ok = st == SOURCE_OK;
	src->error = src->ok ? NULL : arena_strdup(&s->arena, error ? error : "unknown error");
}

void snapshot_set_source(struct snapshot *s, const char *name, bool ok, const char *error)
{
	snapshot_set_source_state(s, name, ok ? SOURCE_OK : SOURCE_FAILED, error);
}

const struct snap_source *snapshot_source(const struct snapshot *s, enum snap_source_id id)
{
	const struct snap_source *found = NULL;

	if (id == SRC_OTHER)
		return NULL;
	for (size_t i = 0; i < s->n_sources; i++)
		if (s->sources[i].id == id)
			found = &s->sources[i];
	return found;
}

size_t snapshot_failed_sources(const struct snapshot *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_sources; i++)
		n += s->sources[i].state == SOURCE_FAILED;
	return n;
}

const char *snapshot_strdup(struct snapshot *s, const char *str)
{
	return arena_strdup(&s->arena, str);
}

void *snapshot_alloc(struct snapshot *s, size_t size)
{
	return arena_alloc(&s->arena, size);
}

/* ---- sealing: sort by identity ---- */

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b))

static int cmp_proc(const void *a, const void *b)
{
	return CMP(((const struct proc_rec *)a)->pid, ((const struct proc_rec *)b)->pid);
}

static int cmp_thread(const void *a, const void *b)
{
	const struct thread_rec *x = a, *y = b;

	return x->tgid != y->tgid ? CMP(x->tgid, y->tgid) : CMP(x->tid, y->tid);
}

static int cmp_pipe(const void *a, const void *b)
{
	const struct pipe_rec *x = a, *y = b;

	return x->inode != y->inode ? CMP(x->inode, y->inode) : CMP(x->kind, y->kind);
}

static int cmp_usock(const void *a, const void *b)
{
	return CMP(((const struct usock_rec *)a)->inode, ((const struct usock_rec *)b)->inode);
}

static int cmp_pmq(const void *a, const void *b)
{
	return strcmp(((const struct pmq_rec *)a)->name, ((const struct pmq_rec *)b)->name);
}

/* POSIX shm objects and semaphores: linked ones by name, then unlinked ones by inode. */
static int cmp_posix(const char *na, bool da, uint64_t ia, const char *nb, bool db, uint64_t ib)
{
	if (da != db)
		return da ? 1 : -1;
	return da ? CMP(ia, ib) : strcmp(na, nb);
}

static int cmp_pshm(const void *a, const void *b)
{
	const struct pshm_rec *x = a, *y = b;

	return cmp_posix(x->name, x->deleted, x->inode, y->name, y->deleted, y->inode);
}

static int cmp_psem(const void *a, const void *b)
{
	const struct psem_rec *x = a, *y = b;

	return cmp_posix(x->name, x->deleted, x->inode, y->name, y->deleted, y->inode);
}

static int cmp_miscfd(const void *a, const void *b)
{
	const struct misc_fd_rec *x = a, *y = b;

	return x->pid != y->pid ? CMP(x->pid, y->pid) : CMP(x->fd, y->fd);
}

static int cmp_msgq(const void *a, const void *b)
{
	return CMP(((const struct msgq_rec *)a)->perm.id, ((const struct msgq_rec *)b)->perm.id);
}

static int cmp_shm(const void *a, const void *b)
{
	return CMP(((const struct shm_rec *)a)->perm.id, ((const struct shm_rec *)b)->perm.id);
}

static int cmp_sem(const void *a, const void *b)
{
	return CMP(((const struct sem_rec *)a)->perm.id, ((const struct sem_rec *)b)->perm.id);
}

static int cmp_sigevent(const void *a, const void *b)
{
	return CMP(((const struct sig_event *)a)->time, ((const struct sig_event *)b)->time);
}

#define SORT(arr, n, cmp) do { if ((n) > 1) qsort((arr), (n), sizeof(*(arr)), (cmp)); } while (0)

void snapshot_sort(struct snapshot *s)
{
	SORT(s->procs, s->n_procs, cmp_proc);
	SORT(s->threads, s->n_threads, cmp_thread);
	SORT(s->pipes, s->n_pipes, cmp_pipe);
	SORT(s->usocks, s->n_usocks, cmp_usock);
	SORT(s->pmqs, s->n_pmqs, cmp_pmq);
	SORT(s->pshms, s->n_pshms, cmp_pshm);
	SORT(s->psems, s->n_psems, cmp_psem);
	SORT(s->miscfds, s->n_miscfds, cmp_miscfd);
	SORT(s->msgqs, s->n_msgqs, cmp_msgq);
	SORT(s->shms, s->n_shms, cmp_shm);
	SORT(s->sems, s->n_sems, cmp_sem);
	/* events keep arrival order among equal times: qsort is not stable, so only sort if needed */
	for (size_t i = 1; i < s->n_sigevents; i++) {
		if (s->sigevents[i].time < s->sigevents[i - 1].time) {
			SORT(s->sigevents, s->n_sigevents, cmp_sigevent);
			break;
		}
	}
}

void snapshot_seal(struct snapshot *s)
{
	snapshot_sort(s);
	s->sealed = true;
}

/* ---- lookups ---- */

const struct proc_rec *snapshot_find_proc(const struct snapshot *s, pid_t pid)
{
	struct proc_rec key = { .pid = pid };

	return s->n_procs ? bsearch(&key, s->procs, s->n_procs, sizeof(key), cmp_proc) : NULL;
}

const struct pipe_rec *snapshot_find_pipe(const struct snapshot *s, enum pipe_kind kind,
					  uint64_t inode)
{
	struct pipe_rec key = { .kind = kind, .inode = inode };

	return s->n_pipes ? bsearch(&key, s->pipes, s->n_pipes, sizeof(key), cmp_pipe) : NULL;
}

const struct usock_rec *snapshot_find_usock(const struct snapshot *s, uint64_t inode)
{
	struct usock_rec key = { .inode = inode };

	return s->n_usocks ? bsearch(&key, s->usocks, s->n_usocks, sizeof(key), cmp_usock) : NULL;
}

const struct msgq_rec *snapshot_find_msgq(const struct snapshot *s, int id)
{
	struct msgq_rec key = { .perm.id = id };

	return s->n_msgqs ? bsearch(&key, s->msgqs, s->n_msgqs, sizeof(key), cmp_msgq) : NULL;
}

const struct shm_rec *snapshot_find_shm(const struct snapshot *s, int id)
{
	struct shm_rec key = { .perm.id = id };

	return s->n_shms ? bsearch(&key, s->shms, s->n_shms, sizeof(key), cmp_shm) : NULL;
}

const struct sem_rec *snapshot_find_sem(const struct snapshot *s, int id)
{
	struct sem_rec key = { .perm.id = id };

	return s->n_sems ? bsearch(&key, s->sems, s->n_sems, sizeof(key), cmp_sem) : NULL;
}

const struct pmq_rec *snapshot_find_pmq(const struct snapshot *s, const char *name)
{
	struct pmq_rec key = { .name = name };

	return s->n_pmqs ? bsearch(&key, s->pmqs, s->n_pmqs, sizeof(key), cmp_pmq) : NULL;
}

const struct pshm_rec *snapshot_find_pshm(const struct snapshot *s, const char *name)
{
	struct pshm_rec key = { .name = name };

	return s->n_pshms ? bsearch(&key, s->pshms, s->n_pshms, sizeof(key), cmp_pshm) : NULL;
}

const struct psem_rec *snapshot_find_psem(const struct snapshot *s, const char *name)
{
	struct psem_rec key = { .name = name };

	return s->n_psems ? bsearch(&key, s->psems, s->n_psems, sizeof(key), cmp_psem) : NULL;
}

const struct pshm_rec *snapshot_find_pshm_same(const struct snapshot *s, const struct pshm_rec *rec)
{
	return s->n_pshms ? bsearch(rec, s->pshms, s->n_pshms, sizeof(*rec), cmp_pshm) : NULL;
}

const struct psem_rec *snapshot_find_psem_same(const struct snapshot *s, const struct psem_rec *rec)
{
	return s->n_psems ? bsearch(rec, s->psems, s->n_psems, sizeof(*rec), cmp_psem) : NULL;
}

const char *wait_kind_name(enum wait_kind k)
{
	static const char *const names[WAIT_KIND_COUNT] = {
		[WAIT_NONE] = "none",
		[WAIT_PIPE_READ] = "pipe_read",
		[WAIT_PIPE_WRITE] = "pipe_write",
		[WAIT_FIFO_OPEN] = "fifo_open",
		[WAIT_MSG_SEND] = "msg_send",
		[WAIT_MSG_RECV] = "msg_recv",
		[WAIT_SEM_WAIT] = "sem_wait",
		[WAIT_SOCKET_RECV] = "socket_recv",
		[WAIT_SOCKET_SEND] = "socket_send",
		[WAIT_SOCKET_ACCEPT] = "socket_accept",
		[WAIT_CHILD_WAIT] = "child_wait",
		[WAIT_SIGNAL_WAIT] = "signal_wait",
		[WAIT_OTHER] = "other",
	};

	return (unsigned)k < WAIT_KIND_COUNT ? names[k] : "other";
}

const char *sig_result_name(enum sig_result r)
{
	switch (r) {
	case SIGRES_DELIVERED: return "delivered";
	case SIGRES_IGNORED: return "ignored";
	case SIGRES_BLOCKED: return "blocked";
	case SIGRES_ALREADY_PENDING: return "already_pending";
	case SIGRES_DROPPED: return "dropped";
	case SIGRES_GENERATED: return "generated";
	case SIGRES_UNKNOWN: break;
	}
	return "unknown";
}
