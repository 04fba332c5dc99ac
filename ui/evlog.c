/*
 * evlog.c - the bounded event history behind the event log (see evlog.h).
 *
 * A ring of fixed-size entries: pushing into a full ring overwrites the oldest, so memory is
 * bounded by the capacity however long the dashboard runs. Entries of one snapshot are
 * gathered first, ordered by time (stable, so events with equal times keep the order the
 * snapshot and delta gave them), then pushed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/evlog.h"

struct evlog *evlog_new(size_t cap)
{
	struct evlog *log = xcalloc(1, sizeof(*log));

	log->cap = cap ? cap : 1;
	log->ring = xcalloc(log->cap, sizeof(*log->ring));
	log->next_seq = 1;
	return log;
}

void evlog_free(struct evlog *log)
{
	if (!log)
		return;
	free(log->ring);
	free(log);
}

const struct evlog_entry *evlog_push(struct evlog *log, const struct evlog_entry *e)
{
	struct evlog_entry *slot;

	if (log->n == log->cap) {
		slot = &log->ring[log->head];
		log->head = (log->head + 1) % log->cap;
		log->dropped++;
	} else {
		slot = &log->ring[(log->head + log->n) % log->cap];
		log->n++;
	}
	*slot = *e;
	slot->seq = log->next_seq++;
	return slot;
}

size_t evlog_count(const struct evlog *log)
{
	return log ? log->n : 0;
}

const struct evlog_entry *evlog_get(const struct evlog *log, size_t i)
{
	if (!log || i >= log->n)
		return NULL;
	return &log->ring[(log->head + i) % log->cap];
}

bool evlog_find(const struct evlog *log, uint64_t seq, size_t *index)
{
	const struct evlog_entry *first;

	if (!log || !log->n || seq == 0)
		return false;
	/* sequence numbers are consecutive from the oldest kept entry */
	first = evlog_get(log, 0);
	if (seq < first->seq || seq - first->seq >= log->n)
		return false;
	*index = (size_t)(seq - first->seq);
	return true;
}

const char *evlog_kind_name(enum evlog_kind k)
{
	switch (k) {
	case EVLOG_SIGNAL: return "signal";
	case EVLOG_START: return "start";
	case EVLOG_EXEC: return "exec";
	case EVLOG_EXIT: return "exit";
	case EVLOG_ZOMBIE: return "zombie";
	case EVLOG_ORPHAN: return "orphan";
	case EVLOG_KIND_COUNT: break;
	}
	return "?";
}

/* ---- gathering one snapshot's events ---- */

struct batch {
	struct evlog_entry *e;
	size_t n, cap;
};

static struct evlog_entry *batch_add(struct batch *b, enum evlog_kind kind, double time)
{
	struct evlog_entry *e;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->e = xreallocarray(b->e, b->cap, sizeof(*b->e));
	}
	e = &b->e[b->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->time = time;
	e->result = SIGRES_UNKNOWN;
	return e;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* The process pid of s, when s has it. */
static const struct proc_rec *proc_of(const struct snapshot *s, pid_t pid)
{
	return s && pid > 0 ? snapshot_find_proc(s, pid) : NULL;
}

static void set_other(struct evlog_entry *e, const struct snapshot *s, pid_t pid)
{
	const struct proc_rec *p = proc_of(s, pid);

	e->other = pid;
	copy_str(e->other_comm, sizeof(e->other_comm), p ? p->comm : NULL);
}

static void add_signals(struct batch *b, const struct snapshot *cur)
{
	for (size_t i = 0; i < cur->n_sigevents; i++) {
		const struct sig_event *se = &cur->sigevents[i];
		const struct proc_rec *t = proc_of(cur, se->target_pid);
		struct evlog_entry *e = batch_add(b, EVLOG_SIGNAL, se->time > 0 ? se->time : cur->time);

		e->pid = se->target_pid;
		copy_str(e->comm, sizeof(e->comm), se->target_comm ? se->target_comm
								   : t ? t->comm : NULL);
		e->other = se->sender_pid;
		copy_str(e->other_comm, sizeof(e->other_comm), se->sender_comm);
		e->signo = se->signo;
		e->result = se->result;
		e->inferred = se->inferred;
		e->kthread = t && t->kthread;
	}
}

static void add_delta(struct batch *b, const struct snapshot *prev, const struct snapshot *cur,
		      const struct snapshot_delta *delta)
{
	for (size_t i = 0; delta && i < delta->n_events; i++) {
		const struct delta_event *de = &delta->events[i];
		const struct proc_rec *p;
		struct evlog_entry *e;

		switch (de->kind) {
		case DEV_PROCESS_STARTED:
			p = proc_of(cur, de->pid);
			e = batch_add(b, EVLOG_START, cur->time);
			e->pid = de->pid;
			copy_str(e->comm, sizeof(e->comm), de->detail);
			if (p)
				set_other(e, cur, p->ppid);
			e->kthread = p && p->kthread;
			break;
		case DEV_EXEC:
			p = proc_of(cur, de->pid);
			e = batch_add(b, EVLOG_EXEC, cur->time);
			e->pid = de->pid;
			copy_str(e->comm, sizeof(e->comm), p ? p->comm : NULL);
			copy_str(e->detail, sizeof(e->detail), de->detail);
			e->kthread = p && p->kthread;
			break;
		case DEV_PROCESS_EXITED:
			p = proc_of(prev, de->pid);
			e = batch_add(b, EVLOG_EXIT, cur->time);
			e->pid = de->pid;
			copy_str(e->comm, sizeof(e->comm), de->detail);
			if (p)
				set_other(e, prev, p->ppid);
			e->kthread = p && p->kthread;
			break;
		default:
			break;	/* object events belong to the channels' panels */
		}
	}
}

/* Zombies and orphans that appeared since prev (one event each, when they appear). */
static void add_lifecycle(struct batch *b, const struct snapshot *prev, const struct snapshot *cur)
{
	char tmp[EVLOG_COMM_MAX];

	if (!prev)
		return;
	for (size_t i = 0; i < cur->n_procs; i++) {
		const struct proc_rec *p = &cur->procs[i];
		const struct proc_rec *old = proc_of(prev, p->pid);
		struct evlog_entry *e;

		if (old && old->start_ticks != p->start_ticks)
			old = NULL;	/* a reused pid: another process */
		if (p->zombie && !(old && old->zombie)) {
			e = batch_add(b, EVLOG_ZOMBIE, cur->time);
			e->pid = p->pid;
			copy_str(e->comm, sizeof(e->comm), p->comm);
			set_other(e, cur, p->ppid);
			e->kthread = p->kthread;
		}
		if (p->orphan && old && !old->orphan) {
			const struct proc_rec *first = proc_of(prev, p->original_ppid);

			e = batch_add(b, EVLOG_ORPHAN, cur->time);
			e->pid = p->pid;
			copy_str(e->comm, sizeof(e->comm), p->comm);
			set_other(e, cur, p->ppid);
			e->kthread = p->kthread;
			if (p->original_ppid > 0) {
				copy_str(tmp, sizeof(tmp), first ? first->comm : "?");
				snprintf(e->detail, sizeof(e->detail), "first parent %d %s exited",
					 (int)p->original_ppid, tmp);
			}
		}
	}
}

static int cmp_time(const void *a, const void *b)
{
	const struct evlog_entry *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	/* stable: the gathering order (kept in seq while batching) */
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void evlog_add(struct evlog *log, const struct snapshot *prev, const struct snapshot *cur,
	       const struct snapshot_delta *delta)
{
	struct batch b = { 0 };

	if (!log || !cur)
		return;
	add_signals(&b, cur);
	if (prev) {
		add_delta(&b, prev, cur, delta);
		add_lifecycle(&b, prev, cur);
	}
	if (!b.n)
		return;
	for (size_t i = 0; i < b.n; i++)
		b.e[i].seq = i;
	qsort(b.e, b.n, sizeof(*b.e), cmp_time);
	for (size_t i = 0; i < b.n; i++)
		evlog_push(log, &b.e[i]);
	free(b.e);
}
