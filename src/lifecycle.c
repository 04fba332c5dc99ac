/*
 * lifecycle.c - zombies' ages, orphans' original parents, inferred signal events
 * (see lifecycle.h).
 *
 * Models: one process across snapshots is (pid, start_ticks); only the same process carries
 * history. Invariants: pure function of (cur, prev); nothing is inferred without prev; an
 * inferred event is always marked inferred and never names a sender.
 */
#include "config.h"

#include <string.h>

#include "src/lifecycle.h"
#include "src/signames.h"

static const struct proc_rec *same_process(const struct snapshot *prev, const struct proc_rec *p)
{
	const struct proc_rec *o = prev ? snapshot_find_proc(prev, p->pid) : NULL;

	return o && o->start_ticks == p->start_ticks ? o : NULL;
}

static void zombie(struct proc_rec *p, const struct proc_rec *old, double now)
{
	if (!p->zombie && p->state == 'Z')
		p->zombie = true;
	if (!p->zombie)
		return;
	if (old && old->zombie) {
		p->zombie_since = old->zombie_since;
		p->zombie_seen_alive = old->zombie_seen_alive;
	} else {
		p->zombie_since = now;
		p->zombie_seen_alive = old != NULL;
	}
}

static void orphan(struct proc_rec *p, const struct proc_rec *old)
{
	if (!old)
		return;
	if (old->ppid > 0 && p->ppid > 0 && p->ppid != old->ppid) {
		/* a parent only changes when the old one died: re-parented */
		p->orphan = true;
		p->orphan_unknown = false;
		p->original_ppid = old->orphan && old->original_ppid ? old->original_ppid : old->ppid;
	} else if (old->orphan && old->original_ppid && p->ppid == old->ppid) {
		p->orphan = true;
		p->orphan_unknown = false;
		if (!p->original_ppid)
			p->original_ppid = old->original_ppid;
	}
}

static bool trace_on(const struct snapshot *s)
{
	const struct snap_source *src = snapshot_source(s, SRC_SIG_TRACE);

	return src && src->ok;
}

static void infer(struct snapshot *s, const struct proc_rec *p, const struct proc_rec *old)
{
	uint64_t now, before, appeared, gone;

	if (!p->sig_known || !old->sig_known)
		return;
	now = p->sig[SIGSET_PENDING] | p->sig[SIGSET_SHARED_PENDING];
	before = old->sig[SIGSET_PENDING] | old->sig[SIGSET_SHARED_PENDING];
	appeared = now & ~before;
	gone = before & ~now;
	for (int sig = 1; sig <= SIG_MAX; sig++) {
		struct sig_event *e;

		if (!sigmask_has(appeared | gone, sig))
			continue;
		e = snapshot_add_sigevent(s);
		e->time = s->time;
		e->signo = sig;
		e->sender_pid = 0;
		e->sender_comm = NULL;
		e->target_pid = p->pid;
		e->target_comm = p->comm;
		e->inferred = true;
		if (sigmask_has(appeared, sig))
			e->result = SIGRES_BLOCKED;
		else
			e->result = sigmask_has(p->sig[SIGSET_IGNORED], sig) ? SIGRES_IGNORED
									  : SIGRES_DELIVERED;
	}
}

void lifecycle_pass(struct snapshot *cur, const struct snapshot *prev)
{
	bool inferring = prev && !trace_on(cur);
	size_t n = cur->n_procs;

	for (size_t i = 0; i < n; i++) {
		struct proc_rec *p = &cur->procs[i];
		const struct proc_rec *old = same_process(prev, p);

		zombie(p, old, cur->time);
		orphan(p, old);
		if (inferring && old && !p->zombie)
			infer(cur, &cur->procs[i], old);
	}
}
