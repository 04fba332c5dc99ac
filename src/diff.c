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
		r = snapshot_delta_add_rate(d, fmt_id_msgq(q->perm.id, id, sizeof(id)));
		r->messages_per_s = per_s(p->messages, q->messages, dt);
		r->bytes_per_s = per_s(p->bytes, q->bytes, dt);
		r->sent = q->stime != p->stime || (q->last_send_pid != p->last_send_pid);
		r->received = q->rtime != p->rtime || (q->last_recv_pid != p->last_recv_pid);
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
		r = snapshot_delta_add_rate(d, fmt_id_pmq(q->name, id, sizeof(id)));
		r->messages_per_s = per_s(p->messages, q->messages, dt);
		r->bytes_per_s = per_s(p->bytes, q->bytes, dt);
	}
}

/*
 * Pipe and socket throughput (issue 3), an estimate, flagged as such. Two sources:
 *  - the change of what is queued (known exactly, but only the net of writes minus reads);
 *  - each holder's /proc/<pid>/io rchar/wchar change, split evenly over the channels it can
 *    read / write in cur (a process's counters cover all its reads and writes).
 * Bytes written W, read R and the queue change dq obey W = R + dq. Each io side is an upper
 * bound (the counters include the process's other files), so W = min(writers' share,
 * readers' share + dq), never below dq or 0: traffic is only shown when both ends can account
 * for it. For a socket, W is what its holders sent to the peer (the peer's queue change and
 * readers). send()/recv()/sendmsg() bypass rchar/wchar: such traffic is under-reported.
 * A holder not in both snapshots (or without io) makes its side unknown; nothing known: NaN.
 */
struct io_share {
	bool known;
	double dr, dw;		/* bytes read / written over the interval */
	int nr, nw;		/* channels it can read / write in cur */
};

/* One io_share per cur->procs[i]; NULL if there are no processes. */
static struct io_share *io_shares(const struct snapshot *prev, const struct snapshot *cur)
{
	struct io_share *io;

	if (!cur->n_procs)
		return NULL;
	io = xcalloc(cur->n_procs, sizeof(*io));
	for (size_t i = 0; i < cur->n_procs; i++) {
		const struct proc_rec *c = &cur->procs[i];
		const struct proc_rec *p = snapshot_find_proc(prev, c->pid);

		if (!p || p->start_ticks != c->start_ticks || p->io_rchar < 0 || p->io_wchar < 0 ||
		    c->io_rchar < p->io_rchar || c->io_wchar < p->io_wchar)
			continue;
		io[i].known = true;
		io[i].dr = (double)(c->io_rchar - p->io_rchar);
		io[i].dw = (double)(c->io_wchar - p->io_wchar);
	}
	/* ends are sorted by pid: count each process once per channel */
	for (size_t i = 0; i < cur->n_pipes; i++) {
		const struct pipe_rec *pp = &cur->pipes[i];

		for (size_t k = 0; k < pp->n_ends;) {
			const struct proc_rec *c = snapshot_find_proc(cur, pp->ends[k].pid);
			unsigned mode = 0;
			size_t j = k;

			while (j < pp->n_ends && pp->ends[j].pid == pp->ends[k].pid)
				mode |= pp->ends[j++].mode;
			k = j;
			if (!c)
				continue;
			io[c - cur->procs].nr += (mode & FD_MODE_READ) != 0;
			io[c - cur->procs].nw += (mode & FD_MODE_WRITE) != 0;
		}
	}
	for (size_t i = 0; i < cur->n_usocks; i++) {
		const struct usock_rec *u = &cur->usocks[i];

		for (size_t k = 0; k < u->n_holders; k++) {
			const struct proc_rec *c = snapshot_find_proc(cur, u->holders[k].pid);

			if ((k > 0 && u->holders[k - 1].pid == u->holders[k].pid) || !c)
				continue;
			io[c - cur->procs].nr++;
			io[c - cur->procs].nw++;
		}
	}
	return io;
}

/* The summed share of the ends' processes that have `mode`: bytes, NaN if one is unknown;
 * 0 when no end has that mode. */
static double io_side(const struct snapshot *cur, const struct io_share *io,
		      const struct endpoint *e, size_t n, unsigned mode)
{
	double sum = 0;
	pid_t last = 0;

	for (size_t k = 0; k < n; k++) {
		const struct proc_rec *c;

		if (!(e[k].mode & mode) || e[k].pid == last)
			continue;	/* ends sorted by pid: each process once */
		last = e[k].pid;
		c = io ? snapshot_find_proc(cur, e[k].pid) : NULL;
		if (!c || !io[c - cur->procs].known)
			return NAN;
		sum += mode == FD_MODE_READ ? io[c - cur->procs].dr / io[c - cur->procs].nr
					    : io[c - cur->procs].dw / io[c - cur->procs].nw;
	}
	return sum;
}

static double queue_change(int64_t before, int64_t after)
{
	return before < 0 || after < 0 ? NAN : (double)(after - before);
}

/* W from its two upper bounds (NaN = unknown): the smaller, kept >= dq and >= 0. */
static double combine(double a, double b, double dq)
{
	double w;

	if (isnan(a))
		w = b;
	else if (isnan(b))
		w = a;
	else
		w = a < b ? a : b;
	if (isnan(w))
		return NAN;
	if (!isnan(dq) && w < dq)
		w = dq;
	return w < 0 ? 0 : w;
}

static void rates_pipe(struct snapshot_delta *d, const struct snapshot *prev,
		       const struct snapshot *cur, double dt)
{
	struct io_share *io;
	char id[FMT_ID_MAX];

	if (!(dt > 0) || !cur->n_pipes)
		return;
	io = io_shares(prev, cur);
	for (size_t i = 0; i < cur->n_pipes; i++) {
		const struct pipe_rec *c = &cur->pipes[i];
		const struct pipe_rec *p = snapshot_find_pipe(prev, c->kind, c->inode);
		double dq, w_io, r_io, w;
		struct delta_rate *r;

		if (!p)
			continue;
		dq = queue_change(p->queued_bytes, c->queued_bytes);
		w_io = io_side(cur, io, c->ends, c->n_ends, FD_MODE_WRITE);
		r_io = io_side(cur, io, c->ends, c->n_ends, FD_MODE_READ);
		w = combine(w_io, isnan(r_io) || isnan(dq) ? NAN : r_io + dq, dq);
		r = snapshot_delta_add_rate(d, fmt_id_pipe(c, id, sizeof(id)));
		r->estimate = true;
		r->bytes_per_s = isnan(w) ? NAN : w / dt;
		r->sent = !isnan(w) && w > 0;
		r->received = !isnan(w) && !isnan(dq) ? w - dq > 0 : !isnan(r_io) && r_io > 0;
	}
	free(io);
}

static void rates_usock(struct snapshot_delta *d, const struct snapshot *prev,
			const struct snapshot *cur, double dt)
{
	struct io_share *io;
	char id[FMT_ID_MAX];

	if (!(dt > 0) || !cur->n_usocks)
		return;
	io = io_shares(prev, cur);
	for (size_t i = 0; i < cur->n_usocks; i++) {
		const struct usock_rec *c = &cur->usocks[i];
		const struct usock_rec *p = snapshot_find_usock(prev, c->inode);
		const struct usock_rec *cy = NULL, *py = NULL;
		double w_io, ry_io = NAN, dqy = NAN, dqx, r_io, w, rd;
		struct delta_rate *r;

		if (!p || c->state == TCP_LISTEN)	/* a listener carries no data */
			continue;
		if (c->peer_known && c->peer_inode) {
			cy = snapshot_find_usock(cur, c->peer_inode);
			py = snapshot_find_usock(prev, c->peer_inode);
		}
		w_io = io_side(cur, io, c->holders, c->n_holders, FD_MODE_WRITE);
		r_io = io_side(cur, io, c->holders, c->n_holders, FD_MODE_READ);
		dqx = queue_change(p->queued_bytes, c->queued_bytes);
		if (cy && py) {
			ry_io = io_side(cur, io, cy->holders, cy->n_holders, FD_MODE_READ);
			dqy = queue_change(py->queued_bytes, cy->queued_bytes);
		}
		/* sent by x = read by its peer + growth of the peer's queue */
		w = combine(w_io, isnan(ry_io) || isnan(dqy) ? NAN : ry_io + dqy, dqy);
		/* read from x: its holders' share (x's own queue growth was not read yet) */
		rd = isnan(r_io) ? NAN : r_io;
		r = snapshot_delta_add_rate(d, fmt_id_usock(c->inode, id, sizeof(id)));
		r->estimate = true;
		r->bytes_per_s = isnan(w) ? NAN : w / dt;
		r->sent = !isnan(w) && w > 0;
		r->received = (!isnan(rd) && rd > 0) || (!isnan(dqx) && dqx > 0);
	}
	free(io);
}

typedef void (*rate_fn)(struct snapshot_delta *d, const struct snapshot *prev,
			const struct snapshot *cur, double dt);

/* One entry per kind of channel that has a rate. Pipes and sockets: the endpoints work adds
 * its throughput estimate here (records with estimate = true). */
static const rate_fn rate_fns[] = {
	rates_msgq,
	rates_pmq,
	rates_pipe,		/* estimates (issue 3) */
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
		if (!snapshot_find_pshm(other, in->pshms[i].name))
			object_event(d, kind, fmt_id_pshm(in->pshms[i].name, id, sizeof(id)), 0, NULL);
	for (size_t i = 0; i < in->n_psems; i++)
		if (!snapshot_find_psem(other, in->psems[i].name))
			object_event(d, kind, fmt_id_psem(in->psems[i].name, id, sizeof(id)), 0, NULL);
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
		const struct pshm_rec *p = snapshot_find_pshm(prev, c->name);

		if (!p)
			continue;
		fmt_id_pshm(c->name, id, sizeof(id));
		if (detach)
			pid_set_events(d, id, p->mapped_pids, p->n_mapped, c->mapped_pids, c->n_mapped, kind);
		else
			pid_set_events(d, id, c->mapped_pids, c->n_mapped, p->mapped_pids, p->n_mapped, kind);
	}
	for (size_t i = 0; i < cur->n_psems; i++) {
		const struct psem_rec *c = &cur->psems[i];
		const struct psem_rec *p = snapshot_find_psem(prev, c->name);

		if (!p)
			continue;
		fmt_id_psem(c->name, id, sizeof(id));
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
