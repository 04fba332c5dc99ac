/*
 * json_out.c - the JSON snapshot (see json_out.h and CONTRACT.md): one builder per kind of
 * record, each emitting every CONTRACT key (null when unknown) plus ipctop's extensions.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "src/diff.h"
#include "src/format.h"
#include "src/json_out.h"
#include "src/signames.h"

/* ---- value helpers --------------------------------------------------------------------------- */

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *jint(int64_t v)
{
	return json_object_new_int64(v);
}

/* SNAP_UNKNOWN (any negative) -> null. */
static struct json_object *jint_known(int64_t v)
{
	return v < 0 ? NULL : json_object_new_int64(v);
}

/* A pid from a /proc/sysvipc column: -1 when the column is missing -> null (0 = none, kept). */
static struct json_object *jpid_known(pid_t pid)
{
	return pid < 0 ? NULL : json_object_new_int64(pid);
}

/* A uid or gid: (uid_t)-1 is no user (chown(2)'s "leave alone"), only seen when a
 * /proc/sysvipc column is missing -> null. */
static struct json_object *jid_known(uid_t id)
{
	return id == (uid_t)-1 ? NULL : json_object_new_int64((int64_t)id);
}

static struct json_object *juint(uint64_t v)
{
	return json_object_new_uint64(v);
}

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *jbool(bool b)
{
	return json_object_new_boolean(b);
}

/* A double written with fixed decimals (json-c's default %.17g prints noise digits); NaN and
 * infinities -> null. */
static struct json_object *jdouble(double v, int decimals)
{
	char buf[64];

	if (!isfinite(v))
		return NULL;
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

/* Seconds since the epoch, 0 = never -> null. */
static struct json_object *jtime_or_null(int64_t t)
{
	return t > 0 ? jint(t) : NULL;
}

static struct json_object *jsigmask(uint64_t mask)
{
	struct json_object *a = json_object_new_array();
	char name[32];

	for (int sig = 1; sig <= SIG_MAX; sig++)
		if (sigmask_has(mask, sig))
			json_object_array_add(a, json_object_new_string(signame(sig, name, sizeof(name))));
	return a;
}

static struct json_object *jpids(const pid_t *pids, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, jint(pids[i]));
	return a;
}

/* An array of known-or-unknown integers; the whole list null when the array is NULL. */
static struct json_object *ji64s(const int64_t *v, size_t n)
{
	struct json_object *a;

	if (!v)
		return NULL;
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, jint_known(v[i]));
	return a;
}

enum ends_select { ENDS_ALL, ENDS_READERS, ENDS_WRITERS, ENDS_UNKNOWN_MODE };

/* [{pid, fd}] of the endpoints selected: an O_RDWR end is both a reader and a writer. */
static struct json_object *jends(const struct endpoint *e, size_t n, enum ends_select sel)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *o;
		bool take = sel == ENDS_ALL ||
			    (sel == ENDS_READERS && (e[i].mode & FD_MODE_READ)) ||
			    (sel == ENDS_WRITERS && (e[i].mode & FD_MODE_WRITE)) ||
			    (sel == ENDS_UNKNOWN_MODE && !(e[i].mode & FD_MODE_RDWR));

		if (!take)
			continue;
		o = json_object_new_object();
		add(o, "pid", jint(e[i].pid));
		add(o, "fd", jint(e[i].fd));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *jrates(const struct snapshot_delta *delta, const char *id)
{
	const struct delta_rate *r;
	struct json_object *o;

	if (!delta || !(r = snapshot_delta_rate(delta, id)))
		return NULL;
	o = json_object_new_object();
	add(o, "messages_per_s", jdouble(r->messages_per_s, 3));
	add(o, "bytes_per_s", jdouble(r->bytes_per_s, 3));
	add(o, "estimate", jbool(r->estimate));
	add(o, "sent", jbool(r->sent));
	add(o, "received", jbool(r->received));
	return o;
}

static struct json_object *jperm_common(struct json_object *o, const struct sysv_perm *p,
					const char *id)
{
	char perms[16];

	add(o, "id", jstr(id));
	add(o, "sysv_id", jint(p->id));
	add(o, "key", jint(p->key));
	add(o, "perms", jstr(fmt_perms(p->mode, perms, sizeof(perms))));
	add(o, "uid", jid_known(p->uid));
	add(o, "gid", jid_known(p->gid));
	add(o, "cuid", jid_known(p->cuid));
	add(o, "cgid", jid_known(p->cgid));
	return o;
}

/* ---- records ------------------------------------------------------------------------------- */

static struct json_object *j_proc(const struct proc_rec *p)
{
	struct json_object *o = json_object_new_object();
	struct json_object *sig = NULL, *w = NULL, *sigq;
	char state[2] = { p->state, '\0' };

	add(o, "pid", jint(p->pid));
	add(o, "ppid", jint(p->ppid));
	add(o, "state", p->state && p->state != '?' ? jstr(state) : NULL);
	add(o, "comm", jstr(p->comm));
	add(o, "uid", jint_known(p->uid));
	add(o, "zombie", jbool(p->zombie));
	add(o, "orphan", jbool(p->orphan));
	if (p->sig_known) {
		sig = json_object_new_object();
		add(sig, "pending", jsigmask(p->sig[SIGSET_PENDING]));
		add(sig, "shared_pending", jsigmask(p->sig[SIGSET_SHARED_PENDING]));
		add(sig, "blocked", jsigmask(p->sig[SIGSET_BLOCKED]));
		add(sig, "ignored", jsigmask(p->sig[SIGSET_IGNORED]));
		add(sig, "caught", jsigmask(p->sig[SIGSET_CAUGHT]));
	}
	add(o, "signals", sig);
	if (p->waiting.kind != WAIT_NONE) {
		w = json_object_new_object();
		add(w, "kind", jstr(wait_kind_name(p->waiting.kind)));
		add(w, "object", jstr(p->waiting.object));
		add(w, "detail", jstr(p->waiting.detail));
		add(w, "arg", jint_known(p->waiting.arg));	/* extension */
	}
	add(o, "waiting", w);
	/* extensions */
	add(o, "pgid", jint(p->pgid));
	add(o, "sid", jint(p->sid));
	add(o, "start_ticks", juint(p->start_ticks));
	add(o, "cmdline", jstr(p->cmdline));
	add(o, "threads", p->nthreads > 0 ? jint(p->nthreads) : NULL);
	add(o, "kthread", jbool(p->kthread));
	add(o, "original_ppid", p->original_ppid > 0 ? jint(p->original_ppid) : NULL);
	add(o, "zombie_since", p->zombie && p->zombie_since > 0 ? jdouble(p->zombie_since, 6) : NULL);
	add(o, "zombie_seen_alive", jbool(p->zombie_seen_alive));
	sigq = json_object_new_object();
	add(sigq, "queued", jint_known(p->sigq_queued));
	add(sigq, "limit", jint_known(p->sigq_limit));
	add(o, "sigq", sigq);
	add(o, "wchan", jstr(p->wchan));
	add(o, "io_rchar", jint_known(p->io_rchar));
	add(o, "io_wchar", jint_known(p->io_wchar));
	add(o, "error", jstr(p->error));
	return o;
}

static struct json_object *j_thread(const struct thread_rec *t)
{
	struct json_object *o = json_object_new_object();
	char state[2] = { t->state, '\0' };

	add(o, "tgid", jint(t->tgid));
	add(o, "tid", jint(t->tid));
	add(o, "comm", jstr(t->comm));
	add(o, "state", t->state && t->state != '?' ? jstr(state) : NULL);
	add(o, "pending", jsigmask(t->pending));
	add(o, "blocked", jsigmask(t->blocked));
	return o;
}

static struct json_object *j_pipe(const struct pipe_rec *p, const struct snapshot_delta *d)
{
	struct json_object *o = json_object_new_object();
	char id[FMT_ID_MAX];

	fmt_id_pipe(p, id, sizeof(id));
	add(o, "id", jstr(id));
	add(o, "inode", juint(p->inode));
	add(o, "kind", jstr(p->kind == PIPE_FIFO ? "fifo" : "pipe"));
	add(o, "path", jstr(p->path));
	add(o, "readers", jends(p->ends, p->n_ends, ENDS_READERS));
	add(o, "writers", jends(p->ends, p->n_ends, ENDS_WRITERS));
	add(o, "queued_bytes", jint_known(p->queued_bytes));
	add(o, "capacity", jint_known(p->capacity));
	/* extensions */
	add(o, "deleted", jbool(p->deleted));
	add(o, "unknown_mode_ends", jends(p->ends, p->n_ends, ENDS_UNKNOWN_MODE));
	add(o, "rates", jrates(d, id));
	add(o, "error", jstr(p->fill_error));
	return o;
}

static struct json_object *j_usock(const struct usock_rec *u, const struct snapshot_delta *d)
{
	struct json_object *o = json_object_new_object();
	struct json_object *icons = json_object_new_array();
	char id[FMT_ID_MAX];
	const char *type = fmt_socktype(u->type), *state = fmt_sockstate(u->state);

	fmt_id_usock(u->inode, id, sizeof(id));
	add(o, "id", jstr(id));
	add(o, "inode", juint(u->inode));
	add(o, "peer_inode", u->peer_known && u->peer_inode ? juint(u->peer_inode) : NULL);
	add(o, "type", strcmp(type, "?") ? jstr(type) : NULL);
	add(o, "state", strcmp(state, "?") ? jstr(state) : NULL);
	add(o, "path", jstr(u->path));
	add(o, "holders", jends(u->holders, u->n_holders, ENDS_ALL));
	add(o, "queued_bytes", jint_known(u->queued_bytes));
	/* extensions */
	add(o, "peer_known", jbool(u->peer_known));
	add(o, "send_queue", jint_known(u->send_queue));
	add(o, "pending_connections", jint_known(u->pending_conns));
	add(o, "backlog", jint_known(u->backlog));
	for (size_t i = 0; i < u->n_icons; i++)
		json_object_array_add(icons, juint(u->icons[i]));
	add(o, "pending_inodes", icons);
	add(o, "rates", jrates(d, id));
	return o;
}

static struct json_object *j_msgq(const struct msgq_rec *q, const struct snapshot_delta *d)
{
	struct json_object *o = json_object_new_object();
	char id[FMT_ID_MAX];

	jperm_common(o, &q->perm, fmt_id_msgq(q->perm.id, id, sizeof(id)));
	add(o, "messages", jint_known(q->messages));
	add(o, "bytes", jint_known(q->bytes));
	add(o, "max_bytes", jint_known(q->max_bytes));
	add(o, "last_send_pid", jpid_known(q->last_send_pid));
	add(o, "last_recv_pid", jpid_known(q->last_recv_pid));
	/* extensions */
	add(o, "stime", jtime_or_null(q->stime));
	add(o, "rtime", jtime_or_null(q->rtime));
	add(o, "ctime", jtime_or_null(q->ctime));
	add(o, "rates", jrates(d, id));
	add(o, "error", jstr(q->error));
	return o;
}

static struct json_object *j_shm(const struct shm_rec *m)
{
	struct json_object *o = json_object_new_object();
	char id[FMT_ID_MAX];

	jperm_common(o, &m->perm, fmt_id_shm(m->perm.id, id, sizeof(id)));
	add(o, "size", jint_known(m->size));
	add(o, "nattch", jint_known(m->nattch));
	add(o, "creator_pid", jpid_known(m->creator_pid));
	add(o, "last_pid", jpid_known(m->last_pid));
	/* Unknown only when the attachers could not be read while some exist. */
	add(o, "attached_pids", m->attached_pids || m->n_attached || m->nattch == 0
					? jpids(m->attached_pids, m->n_attached) : NULL);
	add(o, "rss", jint_known(m->rss));
	add(o, "destroy_pending", jbool(m->destroy_pending));
	/* extensions */
	add(o, "swap", jint_known(m->swap));
	add(o, "atime", jtime_or_null(m->atime));
	add(o, "dtime", jtime_or_null(m->dtime));
	add(o, "ctime", jtime_or_null(m->ctime));
	add(o, "error", jstr(m->error));
	return o;
}

static struct json_object *j_sem(const struct sem_rec *m)
{
	struct json_object *o = json_object_new_object();
	char id[FMT_ID_MAX];
	size_t n = m->nsems > 0 ? (size_t)m->nsems : 0;

	jperm_common(o, &m->perm, fmt_id_sem(m->perm.id, id, sizeof(id)));
	add(o, "nsems", jint_known(m->nsems));	/* -1: no nsems column */
	add(o, "values", ji64s(m->values, n));
	add(o, "wait_increase", ji64s(m->wait_increase, n));
	add(o, "wait_zero", ji64s(m->wait_zero, n));
	add(o, "last_pids", ji64s(m->last_pids, n));
	/* extensions */
	add(o, "otime", jtime_or_null(m->otime));
	add(o, "ctime", jtime_or_null(m->ctime));
	add(o, "error", jstr(m->error));
	return o;
}

static struct json_object *j_pmq(const struct pmq_rec *q, const struct snapshot_delta *d)
{
	struct json_object *o = json_object_new_object();
	char id[FMT_ID_MAX];

	fmt_id_pmq(q->name, id, sizeof(id));
	add(o, "name", jstr(q->name));
	add(o, "bytes", jint_known(q->bytes));
	add(o, "messages", jint_known(q->messages));
	add(o, "max_messages", jint_known(q->max_messages));
	add(o, "message_size", jint_known(q->message_size));
	add(o, "holders", jends(q->holders, q->n_holders, ENDS_ALL));
	/* extensions */
	add(o, "id", jstr(id));
	add(o, "inode", juint(q->inode));
	add(o, "rates", jrates(d, id));
	add(o, "error", jstr(q->error));
	return o;
}

static struct json_object *j_pshm(const struct pshm_rec *m)
{
	struct json_object *o = json_object_new_object();
	char id[FMT_ID_MAX];

	add(o, "name", jstr(m->name));
	add(o, "size", jint_known(m->size));
	add(o, "mapped_pids", jpids(m->mapped_pids, m->n_mapped));
	add(o, "id", jstr(fmt_id_pshm(m->name, id, sizeof(id))));
	add(o, "inode", juint(m->inode));
	add(o, "error", jstr(m->error));
	return o;
}

static struct json_object *j_psem(const struct psem_rec *m)
{
	struct json_object *o = json_object_new_object();
	char id[FMT_ID_MAX];

	add(o, "name", jstr(m->name));
	add(o, "value", jint_known(m->value));
	add(o, "mapped_pids", jpids(m->mapped_pids, m->n_mapped));
	add(o, "id", jstr(fmt_id_psem(m->name, id, sizeof(id))));
	add(o, "inode", juint(m->inode));
	add(o, "error", jstr(m->error));
	return o;
}

static struct json_object *j_miscfd(const struct misc_fd_rec *m)
{
	struct json_object *o = json_object_new_object();
	static const char *const kinds[] = {
		[MISC_EVENTFD] = "eventfd", [MISC_SIGNALFD] = "signalfd",
		[MISC_TCP_LOOPBACK] = "tcp_loopback",
	};

	add(o, "kind", jstr((unsigned)m->kind < 3 ? kinds[m->kind] : NULL));
	add(o, "pid", jint(m->pid));
	add(o, "fd", jint(m->fd));
	add(o, "inode", juint(m->inode));
	add(o, "count", m->kind == MISC_EVENTFD ? jint_known(m->eventfd_count) : NULL);
	add(o, "signals", m->kind == MISC_SIGNALFD ? jsigmask(m->sigmask) : NULL);
	add(o, "peer_inode", m->peer_inode ? juint(m->peer_inode) : NULL);
	add(o, "peer_pid", m->peer_pid ? jint(m->peer_pid) : NULL);
	add(o, "detail", jstr(m->detail));
	return o;
}

static struct json_object *j_sigevent(const struct sig_event *e)
{
	struct json_object *o = json_object_new_object();
	char name[32];

	add(o, "time", jdouble(e->time, 6));
	add(o, "signal", jstr(signame(e->signo, name, sizeof(name))));
	add(o, "sender_pid", e->sender_pid ? jint(e->sender_pid) : NULL);
	add(o, "sender_comm", jstr(e->sender_comm));
	add(o, "target_pid", jint(e->target_pid));
	add(o, "result", jstr(sig_result_name(e->result)));
	/* extensions */
	add(o, "target_comm", jstr(e->target_comm));
	add(o, "inferred", jbool(e->inferred));
	return o;
}

static struct json_object *j_deadlock(const struct deadlock_rec *d)
{
	struct json_object *o = json_object_new_object();
	struct json_object *objs = json_object_new_array();

	add(o, "pids", jpids(d->pids, d->n_pids));
	for (size_t i = 0; i < d->n_objects; i++)
		json_object_array_add(objs, jstr(d->objects[i]));
	add(o, "objects", objs);
	add(o, "since", d->since > 0 ? jdouble(d->since, 6) : NULL);	/* extension */
	return o;
}

static struct json_object *j_stall(const struct stall_rec *st)
{
	struct json_object *o = json_object_new_object();

	add(o, "pid", jint(st->pid));
	add(o, "object", jstr(st->object));
	add(o, "reason", jstr(st->reason));
	add(o, "since", st->since > 0 ? jdouble(st->since, 6) : NULL);
	return o;
}

static struct json_object *j_event(const struct delta_event *e)
{
	struct json_object *o = json_object_new_object();

	add(o, "kind", jstr(delta_event_kind_name(e->kind)));
	add(o, "object", jstr(e->object));
	add(o, "pid", e->pid ? jint(e->pid) : NULL);
	add(o, "detail", jstr(e->detail));
	return o;
}

/* ---- the snapshot ----------------------------------------------------------------------------- */

#define LIST(o, key, s, arr, fn, ...)                                            \
	do {                                                                     \
		struct json_object *a_ = json_object_new_array();                \
		for (size_t i_ = 0; i_ < (s)->n_##arr; i_++)                     \
			json_object_array_add(a_, fn(&(s)->arr[i_], ##__VA_ARGS__)); \
		add((o), (key), a_);                                             \
	} while (0)

struct json_object *json_out_snapshot(const struct snapshot *s, const struct snapshot_delta *delta)
{
	struct json_object *o = json_object_new_object();
	struct json_object *sources = json_object_new_object();
	struct json_object *errors = json_object_new_array();
	struct json_object *events = json_object_new_array();

	add(o, "schema", jint(JSON_OUT_SCHEMA));
	add(o, "time", jdouble(s->time, 6));
	for (size_t i = 0; i < s->n_sources; i++) {
		struct json_object *src = json_object_new_object();

		add(src, "ok", jbool(s->sources[i].ok));
		add(src, "error", jstr(s->sources[i].error));
		add(sources, s->sources[i].name, src);
	}
	add(o, "sources", sources);
	for (size_t i = 0; i < s->n_errors; i++) {
		struct json_object *e = json_object_new_object();

		add(e, "where", jstr(s->errors[i].where));
		add(e, "error", jstr(s->errors[i].error));
		json_object_array_add(errors, e);
	}
	add(o, "errors", errors);

	LIST(o, "processes", s, procs, j_proc);
	LIST(o, "pipes", s, pipes, j_pipe, delta);
	LIST(o, "unix_sockets", s, usocks, j_usock, delta);
	LIST(o, "msg_queues", s, msgqs, j_msgq, delta);
	LIST(o, "shm_segments", s, shms, j_shm);
	LIST(o, "sem_sets", s, sems, j_sem);
	LIST(o, "posix_mqueues", s, pmqs, j_pmq, delta);
	LIST(o, "posix_shm", s, pshms, j_pshm);
	LIST(o, "posix_sems", s, psems, j_psem);
	/*
	 * CONTRACT.md: signal_events is "empty unless tracing", so it holds only traced events;
	 * events inferred from mask changes (trace off) go to the extension list
	 * inferred_signal_events, each marked "inferred": true.
	 */
	{
		struct json_object *traced = json_object_new_array();
		struct json_object *inferred = json_object_new_array();

		for (size_t i = 0; i < s->n_sigevents; i++)
			json_object_array_add(s->sigevents[i].inferred ? inferred : traced,
					      j_sigevent(&s->sigevents[i]));
		add(o, "signal_events", traced);
		add(o, "inferred_signal_events", inferred);
	}
	LIST(o, "deadlocks", s, deadlocks, j_deadlock);

	/* extensions */
	add(o, "duration", jdouble(s->duration, 6));
	add(o, "sysroot", jstr(s->sysroot));
	LIST(o, "threads", s, threads, j_thread);
	LIST(o, "misc_fds", s, miscfds, j_miscfd);
	LIST(o, "stalls", s, stalls, j_stall);
	for (size_t i = 0; delta && i < delta->n_events; i++)
		json_object_array_add(events, j_event(&delta->events[i]));
	add(o, "events", events);
	add(o, "interval", delta && delta->interval > 0 ? jdouble(delta->interval, 6) : NULL);
	return o;
}

int json_out_write(FILE *out, const struct snapshot *s, const struct snapshot_delta *delta)
{
	struct json_object *o = json_out_snapshot(s, delta);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE);
	int rc = 0;

	if (fputs(text, out) == EOF || fputc('\n', out) == EOF || fflush(out) == EOF)
		rc = -1;
	json_object_put(o);
	return rc;
}
