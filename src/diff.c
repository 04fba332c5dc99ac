/*
 * diff.c - snapshot_diff(): rates and events between two sealed snapshots (see diff.h).
 *
 * Rates: one function per kind of object in rate_fns[]; each adds records keyed by object id
 * for objects present in both snapshots. Events: processes by identity (pid + start_ticks),
 * objects by id, attachments by pid membership. Nothing here reads a clock or the system.
 */
#include "config.h"

#include <math.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/diff.h"
#include "src/format.h"

/* ---- delta building ------------------------------------------------------------------------ */

struct delta_rate *snapshot_delta_add_rate(struct snapshot_delta *d, const char *id)
{
	struct delta_rate *r;

	if (d->n_rates == d->cap_rates) {
		d->cap_rates = d->cap_rates ? d->cap_rates * 2 : 16;
		d->rates = xreallocarray(d->rates, d->cap_rates, sizeof(*d->rates));
	}
	r = &d->rates[d->n_rates++];
	memset(r, 0, sizeof(*r));
	r->id = arena_strdup(&d->arena, id);
	r->messages_per_s = NAN;
	r->bytes_per_s = NAN;
	r->fill_bytes_per_s = NAN;
	r->fill_messages_per_s = NAN;
	return r;
}

struct delta_event *snapshot_delta_add_event_ev(struct snapshot_delta *d,
						enum delta_event_kind kind, const char *object,
						pid_t pid, const char *detail, const char *evidence)
{
	struct delta_event *e;

	if (d->n_events == d->cap_events) {
		d->cap_events = d->cap_events ? d->cap_events * 2 : 16;
		d->events = xreallocarray(d->events, d->cap_events, sizeof(*d->events));
	}
	e = &d->events[d->n_events++];
	e->kind = kind;
	e->object = arena_strdup(&d->arena, object ? object : "?");
	e->pid = pid;
	e->detail = arena_strdup(&d->arena, detail);
	e->evidence = arena_strdup(&d->arena, evidence);
	return e;
}

void snapshot_delta_add_event(struct snapshot_delta *d, enum delta_event_kind kind,
			      const char *object, pid_t pid, const char *detail)
{
	snapshot_delta_add_event_ev(d, kind, object, pid, detail, NULL);
}

void snapshot_delta_free(struct snapshot_delta *d)
{
	if (!d)
		return;
	free(d->rates);
	free(d->events);
	arena_fini(&d->arena);
	free(d);
}

static int cmp_rate(const void *a, const void *b)
{
	return strcmp(((const struct delta_rate *)a)->id, ((const struct delta_rate *)b)->id);
}

const struct delta_rate *snapshot_delta_rate(const struct snapshot_delta *d, const char *id)
{
	struct delta_rate key = { .id = id };

	if (!d || !id || !d->n_rates)
		return NULL;
	return bsearch(&key, d->rates, d->n_rates, sizeof(key), cmp_rate);
}

const char *delta_event_kind_name(enum delta_event_kind k)
{
	switch (k) {
	case DEV_PROCESS_EXITED: return "process_exited";
	case DEV_PROCESS_STARTED: return "process_started";
	case DEV_EXEC: return "exec";
	case DEV_OBJECT_REMOVED: return "object_removed";
	case DEV_OBJECT_CREATED: return "object_created";
	case DEV_DETACH: return "detached";
	case DEV_ATTACH: return "attached";
	case DEV_PROCESS_ZOMBIE: return "process_zombie";
	case DEV_KIND_COUNT: break;
	}
	return "unknown";
}

/* ---- rates --------------------------------------------------------------------------------- */

/* Change per second of a counter known in both snapshots; NaN otherwise. */
static double per_s(int64_t before, int64_t after, double dt)
{
	if (before < 0 || after < 0 || !(dt > 0))
		return NAN;
	return (double)(after - before) / dt;
}

/* A rate record for a channel whose throughput is not counted (why), with its fill change. */
static struct delta_rate *uncounted(struct snapshot_delta *d, const char *id, const char *why)
{
	struct delta_rate *r = snapshot_delta_add_rate(d, id);

	r->why = why;
	return r;
}

static void rates_msgq(struct snapshot_delta *d, const struct snapshot *prev,
		       const struct snapshot *cur, double dt)
{
	char id[FMT_ID_MAX];

	for (size_t i = 0; i < cur->n_msgqs; i++) {
		const struct msgq_rec *q = &cur->msgqs[i];
		const struct msgq_rec *p = snapshot_find_msgq(prev, q->perm.id);
		struct delta_rate *r;

		if (!p || p->perm.key != q->perm.key)
			continue;	/* new queue (or the id was reused): nothing to compare */
		r = uncounted(d, fmt_id_msgq(q->perm.id, id, sizeof(id)), DELTA_WHY_NOT_COUNTED);
		r->fill_messages_per_s = per_s(p->messages, q->messages, dt);
		r->fill_bytes_per_s = per_s(p->bytes, q->bytes, dt);
		/* the kernel's own record of the last send and receive moved */
		r->sent = q->stime != p->stime || q->last_send_pid != p->last_send_pid ||
			  r->fill_messages_per_s > 0;
		r->received = q->rtime != p->rtime || q->last_recv_pid != p->last_recv_pid ||
			      r->fill_messages_per_s < 0;
	}
}

static void rates_pmq(struct snapshot_delta *d, const struct snapshot *prev,
		      const struct snapshot *cur, double dt)
{
	char id[FMT_ID_MAX];

	for (size_t i = 0; i < cur->n_pmqs; i++) {
		const struct pmq_rec *q = &cur->pmqs[i];
		const struct pmq_rec *p = snapshot_find_pmq(prev, q->name);
		struct delta_rate *r;

		if (!p || p->inode != q->inode)
			continue;
		r = uncounted(d, fmt_id_pmq(q->name, id, sizeof(id)), DELTA_WHY_NOT_COUNTED);
		r->fill_messages_per_s = per_s(p->messages, q->messages, dt);
		r->fill_bytes_per_s = per_s(p->bytes, q->bytes, dt);
		r->sent = r->fill_messages_per_s > 0;
		r->received = r->fill_messages_per_s < 0;
	}
}

/*
 * Pipes and sockets: the kernel keeps no count of the bytes that went through one, so without
 * counters the throughput is unknown (NaN, with the reason). What is known exactly is the fill
 * change: the bytes queued in the pipe, or unread at the socket, in both snapshots. A growing
 * fill proves that something was written, a shrinking one that something was read.
 */
static void rates_pipe(struct snapshot_delta *d, const struct snapshot *prev,
		       const struct snapshot *cur, double dt)
{
	char id[FMT_ID_MAX];

	for (size_t i = 0; i < cur->n_pipes; i++) {
		const struct pipe_rec *c = &cur->pipes[i];
		const struct pipe_rec *p = snapshot_find_pipe(prev, c->kind, c->inode);
		struct delta_rate *r;

		if (!p)
			continue;
		r = uncounted(d, fmt_id_pipe(c, id, sizeof(id)), DELTA_WHY_NOT_COUNTED);
		r->fill_bytes_per_s = per_s(p->queued_bytes, c->queued_bytes, dt);
		r->sent = r->fill_bytes_per_s > 0;
		r->received = r->fill_bytes_per_s < 0;
	}
}

static void rates_usock(struct snapshot_delta *d, const struct snapshot *prev,
			const struct snapshot *cur, double dt)
{
	char id[FMT_ID_MAX];

	for (size_t i = 0; i < cur->n_usocks; i++) {
		const struct usock_rec *c = &cur->usocks[i];
		const struct usock_rec *p = snapshot_find_usock(prev, c->inode);
		struct delta_rate *r;

		if (!p)
			continue;
		fmt_id_usock(c->inode, id, sizeof(id));
		if (c->state == TCP_LISTEN) {
			uncounted(d, id, DELTA_WHY_LISTENER);
			continue;
		}
		r = uncounted(d, id, DELTA_WHY_NOT_COUNTED);
		/* what was sent to this end and not read yet: shrinking means it was read; growth
		 * at the peer means this end sent */
		r->fill_bytes_per_s = per_s(p->queued_bytes, c->queued_bytes, dt);
		r->received = r->fill_bytes_per_s < 0;
		if (c->peer_known && c->peer_inode) {
			const struct usock_rec *cy = snapshot_find_usock(cur, c->peer_inode);
			const struct usock_rec *py = snapshot_find_usock(prev, c->peer_inode);

			r->sent = cy && py && per_s(py->queued_bytes, cy->queued_bytes, dt) > 0;
		}
	}
}

typedef void (*rate_fn)(struct snapshot_delta *d, const struct snapshot *prev,
			const struct snapshot *cur, double dt);

/* One entry per kind of channel that has a rate. */
static const rate_fn rate_fns[] = {
	rates_msgq,
	rates_pmq,
	rates_pipe,
	rates_usock,
};

/* ---- process events ---------------------------------------------------------------------- */

/* A --pid view's records are a subset of its base: whether a process exists is asked of the
 * whole snapshot, so leaving or entering the view is not an exit or a start. */
static const struct snapshot *whole(const struct snapshot *s)
{
	return s->base ? s->base : s;
}

/* "old -> new" for an exec: the comm when it changed, else the command lines when both are
 * known, else the comm alone. */
static char *exec_detail(struct snapshot_delta *d, const struct proc_rec *p,
			 const struct proc_rec *c)
{
	if (p->comm && c->comm && strcmp(p->comm, c->comm) != 0)
		return arena_printf(&d->arena, "%s -> %s", p->comm, c->comm);
	if (p->cmdline && c->cmdline)
		return arena_printf(&d->arena, "%s -> %s", p->cmdline, c->cmdline);
	return arena_printf(&d->arena, "%s", c->comm ? c->comm : "?");
}

static void proc_events(struct snapshot_delta *d, const struct snapshot *prev,
			const struct snapshot *cur)
{
	const struct snapshot *prev_all = whole(prev), *cur_all = whole(cur);
	char id[FMT_ID_MAX], ev[96];

	/* Exits first (so a reused pid reads exit, then start), then starts, execs, zombies. */
	for (size_t i = 0; i < prev->n_procs; i++) {
		const struct proc_rec *p = &prev->procs[i];
		const struct proc_rec *c = snapshot_find_proc(cur_all, p->pid);

		if (c && c->start_ticks == p->start_ticks)
			continue;	/* still there (perhaps out of a --pid view) */
		snapshot_delta_add_event_ev(d, DEV_PROCESS_EXITED, fmt_id_proc(p->pid, id, sizeof(id)),
					    p->pid, p->comm,
					    c ? "pid reused: another start time" : "pid gone");
	}
	for (size_t j = 0; j < cur->n_procs; j++) {
		const struct proc_rec *c = &cur->procs[j];
		const struct proc_rec *p = snapshot_find_proc(prev_all, c->pid);

		fmt_id_proc(c->pid, id, sizeof(id));
		if (!p || p->start_ticks != c->start_ticks) {
			snapshot_delta_add_event_ev(d, DEV_PROCESS_STARTED, id, c->pid, c->comm,
						    p ? "pid reused: another start time" : "new pid");
		} else if (c->zombie && !p->zombie) {
			snprintf(ev, sizeof(ev), "state %c -> Z", p->state ? p->state : '?');
			snapshot_delta_add_event_ev(d, DEV_PROCESS_ZOMBIE, id, c->pid, c->comm, ev);
		} else if (!c->zombie && !p->zombie && !c->kthread && !p->kthread &&
			   p->stack_start && c->stack_start && p->stack_start != c->stack_start) {
			snprintf(ev, sizeof(ev), "new program image: stack start 0x%llx -> 0x%llx",
				 p->stack_start, c->stack_start);
			snapshot_delta_add_event_ev(d, DEV_EXEC, id, c->pid, exec_detail(d, p, c), ev);
		}
	}
}

/* ---- object events ------------------------------------------------------------------------ */

/* Created / removed: the object's identity is in one snapshot only; attached / detached: the
 * pid is in one snapshot's list of users only. */
static const char *object_evidence(enum delta_event_kind kind)
{
	switch (kind) {
	case DEV_OBJECT_CREATED: return "not in the previous snapshot";
	case DEV_OBJECT_REMOVED: return "not in this snapshot";
	case DEV_ATTACH: return "pid newly in the object's users";
	case DEV_DETACH: return "pid no longer in the object's users";
	default: return NULL;
	}
}

static void object_event(struct snapshot_delta *d, enum delta_event_kind kind, const char *id,
			 pid_t pid, const char *detail)
{
	snapshot_delta_add_event_ev(d, kind, id, pid, detail, object_evidence(kind));
}

static void object_event_pid(struct snapshot_delta *d, enum delta_event_kind kind, const char *id,
			     pid_t pid)
{
	object_event(d, kind, id, pid, NULL);
}

/* Present in `in` but not in `other` (by each kind's identity): `kind` events. */
static void object_events(struct snapshot_delta *d, const struct snapshot *in,
			  const struct snapshot *other, enum delta_event_kind kind)
{
	char id[FMT_ID_MAX];

	for (size_t i = 0; i < in->n_pipes; i++)
		if (!snapshot_find_pipe(other, in->pipes[i].kind, in->pipes[i].inode))
			object_event(d, kind, fmt_id_pipe(&in->pipes[i], id, sizeof(id)), 0, NULL);
	for (size_t i = 0; i < in->n_usocks; i++)
		if (!snapshot_find_usock(other, in->usocks[i].inode))
			object_event(d, kind, fmt_id_usock(in->usocks[i].inode, id, sizeof(id)), 0, NULL);
	for (size_t i = 0; i < in->n_msgqs; i++) {
		const struct msgq_rec *o = snapshot_find_msgq(other, in->msgqs[i].perm.id);

		if (!o || o->perm.key != in->msgqs[i].perm.key)
			object_event(d, kind, fmt_id_msgq(in->msgqs[i].perm.id, id, sizeof(id)), 0, NULL);
	}
	for (size_t i = 0; i < in->n_shms; i++) {
		const struct shm_rec *o = snapshot_find_shm(other, in->shms[i].perm.id);

		if (!o || o->perm.key != in->shms[i].perm.key)
			object_event(d, kind, fmt_id_shm(in->shms[i].perm.id, id, sizeof(id)), 0, NULL);
	}
	for (size_t i = 0; i < in->n_sems; i++) {
		const struct sem_rec *o = snapshot_find_sem(other, in->sems[i].perm.id);

		if (!o || o->perm.key != in->sems[i].perm.key)
			object_event(d, kind, fmt_id_sem(in->sems[i].perm.id, id, sizeof(id)), 0, NULL);
	}
	for (size_t i = 0; i < in->n_pmqs; i++)
		if (!snapshot_find_pmq(other, in->pmqs[i].name))
			object_event(d, kind, fmt_id_pmq(in->pmqs[i].name, id, sizeof(id)), 0, NULL);
	for (size_t i = 0; i < in->n_pshms; i++)
		if (!snapshot_find_pshm_same(other, &in->pshms[i]))
			object_event(d, kind, fmt_id_pshm(&in->pshms[i], id, sizeof(id)), 0, NULL);
	for (size_t i = 0; i < in->n_psems; i++)
		if (!snapshot_find_psem_same(other, &in->psems[i]))
			object_event(d, kind, fmt_id_psem(&in->psems[i], id, sizeof(id)), 0, NULL);
}

/* ---- attach / detach ------------------------------------------------------------------------ */

static bool pid_in(const pid_t *pids, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Pids in `a` but not in `b`: `kind` events on object id. */
static void pid_set_events(struct snapshot_delta *d, const char *id, const pid_t *a, size_t na,
			   const pid_t *b, size_t nb, enum delta_event_kind kind)
{
	for (size_t i = 0; i < na; i++)
		if (!pid_in(b, nb, a[i]) && !pid_in(a, i, a[i]))
			object_event_pid(d, kind, id, a[i]);
}

/* A shm segment's attacher list is known when it was read, or trivially when nattch is 0. */
static bool shm_attached_known(const struct shm_rec *m)
{
	return m->attached_pids || m->n_attached || m->nattch == 0;
}

static void attach_events(struct snapshot_delta *d, const struct snapshot *prev,
			  const struct snapshot *cur, enum delta_event_kind kind)
{
	char id[FMT_ID_MAX];
	/* DEV_DETACH: in prev, not in cur. DEV_ATTACH: in cur, not in prev. */
	bool detach = kind == DEV_DETACH;

	for (size_t i = 0; i < cur->n_shms; i++) {
		const struct shm_rec *c = &cur->shms[i];
		const struct shm_rec *p = snapshot_find_shm(prev, c->perm.id);

		if (!p || p->perm.key != c->perm.key || !shm_attached_known(p) || !shm_attached_known(c))
			continue;
		fmt_id_shm(c->perm.id, id, sizeof(id));
		if (detach)
			pid_set_events(d, id, p->attached_pids, p->n_attached, c->attached_pids,
				       c->n_attached, kind);
		else
			pid_set_events(d, id, c->attached_pids, c->n_attached, p->attached_pids,
				       p->n_attached, kind);
	}
	for (size_t i = 0; i < cur->n_pshms; i++) {
		const struct pshm_rec *c = &cur->pshms[i];
		const struct pshm_rec *p = snapshot_find_pshm_same(prev, c);

		if (!p)
			continue;
		fmt_id_pshm(c, id, sizeof(id));
		if (detach)
			pid_set_events(d, id, p->mapped_pids, p->n_mapped, c->mapped_pids, c->n_mapped, kind);
		else
			pid_set_events(d, id, c->mapped_pids, c->n_mapped, p->mapped_pids, p->n_mapped, kind);
	}
	for (size_t i = 0; i < cur->n_psems; i++) {
		const struct psem_rec *c = &cur->psems[i];
		const struct psem_rec *p = snapshot_find_psem_same(prev, c);

		if (!p)
			continue;
		fmt_id_psem(c, id, sizeof(id));
		if (detach)
			pid_set_events(d, id, p->mapped_pids, p->n_mapped, c->mapped_pids, c->n_mapped, kind);
		else
			pid_set_events(d, id, c->mapped_pids, c->n_mapped, p->mapped_pids, p->n_mapped, kind);
	}
}

/* ---- the diff --------------------------------------------------------------------------------- */

struct snapshot_delta *snapshot_diff(const struct snapshot *prev, const struct snapshot *cur)
{
	struct snapshot_delta *d = xcalloc(1, sizeof(*d));

	arena_init(&d->arena);
	if (!prev || !cur)
		return d;
	d->interval = cur->time - prev->time;
	for (size_t i = 0; i < sizeof(rate_fns) / sizeof(rate_fns[0]); i++)
		rate_fns[i](d, prev, cur, d->interval);
	if (d->n_rates > 1)
		qsort(d->rates, d->n_rates, sizeof(*d->rates), cmp_rate);

	proc_events(d, prev, cur);
	/* against the other side's whole snapshot: leaving a --pid view is no removal */
	object_events(d, prev, whole(cur), DEV_OBJECT_REMOVED);
	object_events(d, cur, whole(prev), DEV_OBJECT_CREATED);
	attach_events(d, prev, cur, DEV_DETACH);
	attach_events(d, prev, cur, DEV_ATTACH);
	return d;
}
