/*
 * filter.c - `--pid`: the selected processes, every object they use and the peers at the
 * other ends (see filter.h for the rules). The view is a new sealed snapshot of shallow
 * record copies whose pointers stay valid through its reference on the original (base).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/filter.h"
#include "src/format.h"

/* A set of pids: append, then sort + dedup for lookups. */
struct pidset {
	pid_t *v;
	size_t n, cap;
};

static void pidset_add(struct pidset *ps, pid_t pid)
{
	if (pid <= 0)
		return;
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 32;
		ps->v = xreallocarray(ps->v, ps->cap, sizeof(*ps->v));
	}
	ps->v[ps->n++] = pid;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static void pidset_seal(struct pidset *ps)
{
	size_t out = 0;

	if (ps->n > 1)
		qsort(ps->v, ps->n, sizeof(*ps->v), cmp_pid);
	for (size_t i = 0; i < ps->n; i++)
		if (out == 0 || ps->v[out - 1] != ps->v[i])
			ps->v[out++] = ps->v[i];
	ps->n = out;
}

static bool pidset_has(const struct pidset *ps, pid_t pid)
{
	return ps->n && bsearch(&pid, ps->v, ps->n, sizeof(pid), cmp_pid);
}

size_t filter_missing_pids(const char *sysroot, const pid_t *pids, size_t n, char *out,
			   size_t size)
{
	int rootfd = open(sysroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t missing = 0, used = 0;

	if (size)
		out[0] = '\0';
	if (rootfd < 0)
		return 0;	/* said when the collector cannot open it */
	for (size_t i = 0; i < n; i++) {
		char path[32];
		struct stat st;
		int w;

		snprintf(path, sizeof(path), "proc/%d", (int)pids[i]);
		if (fstatat(rootfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
			continue;
		missing++;
		w = used < size ? snprintf(out + used, size - used, "%s%d", used ? "," : "",
					   (int)pids[i]) : 0;
		if (w > 0)
			used += (size_t)w;
	}
	close(rootfd);
	return missing;
}

bool filter_has_pid(const pid_t *pids, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* What the selected processes wait on: object ids to keep. */
struct idlist {
	const char **v;
	size_t n;
};

static bool idlist_has(const struct idlist *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], id) == 0)
			return true;
	return false;
}

static bool ends_use(const struct endpoint *e, size_t n, const struct pidset *sel)
{
	for (size_t i = 0; i < n; i++)
		if (pidset_has(sel, e[i].pid))
			return true;
	return false;
}

static void ends_peers(const struct endpoint *e, size_t n, struct pidset *peers)
{
	for (size_t i = 0; i < n; i++)
		pidset_add(peers, e[i].pid);
}

static bool pids_use(const pid_t *p, size_t n, const struct pidset *sel)
{
	for (size_t i = 0; i < n; i++)
		if (pidset_has(sel, p[i]))
			return true;
	return false;
}

static void pids_peers(const pid_t *p, size_t n, struct pidset *peers)
{
	for (size_t i = 0; i < n; i++)
		pidset_add(peers, p[i]);
}

/* Keep flags per record of each kind. */
struct keep {
	bool *pipes, *usocks, *msgqs, *shms, *sems, *pmqs, *pshms, *psems, *miscfds;
	bool *sigevents, *deadlocks;
};

static void decide_objects(const struct snapshot *s, const struct pidset *sel,
			   const struct idlist *waits, struct pidset *peers, struct keep *k)
{
	char id[FMT_ID_MAX];

	for (size_t i = 0; i < s->n_pipes; i++) {
		const struct pipe_rec *p = &s->pipes[i];

		k->pipes[i] = ends_use(p->ends, p->n_ends, sel) ||
			      idlist_has(waits, fmt_id_pipe(p, id, sizeof(id)));
		if (k->pipes[i])
			ends_peers(p->ends, p->n_ends, peers);
	}
	for (size_t i = 0; i < s->n_usocks; i++) {
		const struct usock_rec *u = &s->usocks[i];

		if (ends_use(u->holders, u->n_holders, sel) ||
		    idlist_has(waits, fmt_id_usock(u->inode, id, sizeof(id))))
			k->usocks[i] = true;
	}
	/* The other end of a kept socket is kept too: its holders are the peers. */
	for (size_t i = 0; i < s->n_usocks; i++) {
		const struct usock_rec *u = &s->usocks[i];
		const struct usock_rec *peer;

		if (!k->usocks[i] || !u->peer_inode)
			continue;
		peer = snapshot_find_usock(s, u->peer_inode);
		if (peer)
			k->usocks[peer - s->usocks] = true;
	}
	for (size_t i = 0; i < s->n_usocks; i++)
		if (k->usocks[i])
			ends_peers(s->usocks[i].holders, s->usocks[i].n_holders, peers);

	for (size_t i = 0; i < s->n_msgqs; i++) {
		const struct msgq_rec *q = &s->msgqs[i];

		k->msgqs[i] = pidset_has(sel, q->last_send_pid) || pidset_has(sel, q->last_recv_pid) ||
			      idlist_has(waits, fmt_id_msgq(q->perm.id, id, sizeof(id)));
		if (k->msgqs[i]) {
			pidset_add(peers, q->last_send_pid);
			pidset_add(peers, q->last_recv_pid);
		}
	}
	for (size_t i = 0; i < s->n_shms; i++) {
		const struct shm_rec *m = &s->shms[i];

		k->shms[i] = pids_use(m->attached_pids, m->n_attached, sel) ||
			     idlist_has(waits, fmt_id_shm(m->perm.id, id, sizeof(id)));
		if (k->shms[i])
			pids_peers(m->attached_pids, m->n_attached, peers);
	}
	for (size_t i = 0; i < s->n_sems; i++) {
		const struct sem_rec *m = &s->sems[i];
		bool use = idlist_has(waits, fmt_id_sem(m->perm.id, id, sizeof(id)));

		for (int j = 0; m->last_pids && j < m->nsems && !use; j++)
			use = m->last_pids[j] > 0 && pidset_has(sel, (pid_t)m->last_pids[j]);
		k->sems[i] = use;
		for (int j = 0; use && m->last_pids && j < m->nsems; j++)
			if (m->last_pids[j] > 0)
				pidset_add(peers, (pid_t)m->last_pids[j]);
	}
	for (size_t i = 0; i < s->n_pmqs; i++) {
		const struct pmq_rec *q = &s->pmqs[i];

		k->pmqs[i] = ends_use(q->holders, q->n_holders, sel) ||
			     idlist_has(waits, fmt_id_pmq(q->name, id, sizeof(id)));
		if (k->pmqs[i])
			ends_peers(q->holders, q->n_holders, peers);
	}
	for (size_t i = 0; i < s->n_pshms; i++) {
		const struct pshm_rec *m = &s->pshms[i];

		k->pshms[i] = pids_use(m->mapped_pids, m->n_mapped, sel);
		if (k->pshms[i])
			pids_peers(m->mapped_pids, m->n_mapped, peers);
	}
	for (size_t i = 0; i < s->n_psems; i++) {
		const struct psem_rec *m = &s->psems[i];

		k->psems[i] = pids_use(m->mapped_pids, m->n_mapped, sel) ||
			      idlist_has(waits, fmt_id_psem(m, id, sizeof(id)));
		if (k->psems[i])
			pids_peers(m->mapped_pids, m->n_mapped, peers);
	}
	for (size_t i = 0; i < s->n_miscfds; i++) {
		const struct misc_fd_rec *m = &s->miscfds[i];

		k->miscfds[i] = pidset_has(sel, m->pid) || pidset_has(sel, m->peer_pid);
		if (k->miscfds[i]) {
			pidset_add(peers, m->pid);
			pidset_add(peers, m->peer_pid);
		}
	}
	for (size_t i = 0; i < s->n_sigevents; i++) {
		const struct sig_event *e = &s->sigevents[i];

		k->sigevents[i] = pidset_has(sel, e->sender_pid) || pidset_has(sel, e->target_pid);
		if (k->sigevents[i]) {
			pidset_add(peers, e->sender_pid);
			pidset_add(peers, e->target_pid);
		}
	}
	for (size_t i = 0; i < s->n_deadlocks; i++) {
		const struct deadlock_rec *d = &s->deadlocks[i];

		k->deadlocks[i] = pids_use(d->pids, d->n_pids, sel);
		if (k->deadlocks[i])
			pids_peers(d->pids, d->n_pids, peers);
	}
}

/* Keeps the object whose id is id (a reference from a kept process's wait) with the
 * processes at its ends, which go to peers. False when it was kept already or is not there. */
static bool keep_referenced(const struct snapshot *s, struct keep *k, const char *id,
			    struct pidset *peers)
{
	char buf[FMT_ID_MAX];

#define KEEP_IF(arr, idfn, flags, add_pids)                                    \
	for (size_t i = 0; i < s->n_##arr; i++) {                              \
		const void *rec_ = &s->arr[i];                                  \
		if (strcmp(idfn, id) != 0)                                      \
			continue;                                               \
		if (flags[i])                                                   \
			return false;                                           \
		flags[i] = true;                                                \
		add_pids;                                                       \
		(void)rec_;                                                     \
		return true;                                                    \
	}
	KEEP_IF(pipes, fmt_id_pipe(&s->pipes[i], buf, sizeof(buf)), k->pipes,
		ends_peers(s->pipes[i].ends, s->pipes[i].n_ends, peers))
	KEEP_IF(usocks, fmt_id_usock(s->usocks[i].inode, buf, sizeof(buf)), k->usocks, {
		const struct usock_rec *peer = s->usocks[i].peer_inode
					       ? snapshot_find_usock(s, s->usocks[i].peer_inode) : NULL;

		ends_peers(s->usocks[i].holders, s->usocks[i].n_holders, peers);
		if (peer && !k->usocks[peer - s->usocks]) {
			k->usocks[peer - s->usocks] = true;
			ends_peers(peer->holders, peer->n_holders, peers);
		}
	})
	KEEP_IF(msgqs, fmt_id_msgq(s->msgqs[i].perm.id, buf, sizeof(buf)), k->msgqs, {
		pidset_add(peers, s->msgqs[i].last_send_pid);
		pidset_add(peers, s->msgqs[i].last_recv_pid);
	})
	KEEP_IF(shms, fmt_id_shm(s->shms[i].perm.id, buf, sizeof(buf)), k->shms,
		pids_peers(s->shms[i].attached_pids, s->shms[i].n_attached, peers))
	KEEP_IF(sems, fmt_id_sem(s->sems[i].perm.id, buf, sizeof(buf)), k->sems, {
		for (int j = 0; s->sems[i].last_pids && j < s->sems[i].nsems; j++)
			if (s->sems[i].last_pids[j] > 0)
				pidset_add(peers, (pid_t)s->sems[i].last_pids[j]);
	})
	KEEP_IF(pmqs, fmt_id_pmq(s->pmqs[i].name, buf, sizeof(buf)), k->pmqs,
		ends_peers(s->pmqs[i].holders, s->pmqs[i].n_holders, peers))
	KEEP_IF(pshms, fmt_id_pshm(&s->pshms[i], buf, sizeof(buf)), k->pshms,
		pids_peers(s->pshms[i].mapped_pids, s->pshms[i].n_mapped, peers))
	KEEP_IF(psems, fmt_id_psem(&s->psems[i], buf, sizeof(buf)), k->psems,
		pids_peers(s->psems[i].mapped_pids, s->psems[i].n_mapped, peers))
#undef KEEP_IF
	return false;
}

/*
 * Every reference in the view points into it: what a kept process waits on is kept, with the
 * processes at its ends, whose waits are followed in turn (a chain of waits, never the whole
 * machine: only wait references are followed). *procs: sorted, the processes kept so far;
 * grows.
 */
static void keep_wait_chains(const struct snapshot *s, struct keep *k, struct pidset *procs)
{
	bool grew = true;

	while (grew) {
		struct pidset more = { 0 };

		grew = false;
		for (size_t i = 0; i < s->n_procs; i++) {
			const struct proc_rec *p = &s->procs[i];
			const char *obj = p->waiting.object;

			if (!obj || !pidset_has(procs, p->pid))
				continue;
			if (strncmp(obj, "pid:", 4) == 0)
				pidset_add(&more, (pid_t)atoi(obj + 4));
			else
				keep_referenced(s, k, obj, &more);
		}
		for (size_t i = 0; i < more.n; i++) {
			if (!pidset_has(procs, more.v[i])) {
				pidset_add(procs, more.v[i]);
				grew = true;
			}
		}
		pidset_seal(procs);
		free(more.v);
	}
}

/* The ids of what the view keeps, sorted, for the error filter (strings in v's arena). */
struct idset {
	const char **v;
	size_t n, cap;
};

static void idset_add(struct snapshot *v, struct idset *ids, const char *id)
{
	if (ids->n == ids->cap) {
		ids->cap = ids->cap ? ids->cap * 2 : 32;
		ids->v = xreallocarray(ids->v, ids->cap, sizeof(*ids->v));
	}
	ids->v[ids->n++] = snapshot_strdup(v, id);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Whether an error concerns the view: "pid N ..." a kept process; "KIND:ID ..." (an object id,
 * one word) a kept object; anything else (a source, a whole table: "dev/mqueue", "libproc2")
 * concerns every view.
 */
static bool error_in_view(const char *where, const struct pidset *procs, const struct idset *ids)
{
	static const char *const kinds[] = {
		"pipe:", "fifo:", "unix:", "msg:", "shm:", "sem:", "pmq:", "pshm:", "psem:",
	};
	char word[FMT_ID_MAX];
	size_t n = strcspn(where, " ");
	char *end;
	long pid;

	if (strncmp(where, "pid ", 4) == 0) {
		pid = strtol(where + 4, &end, 10);
		if (end != where + 4 && (*end == ' ' || !*end))
			return pid > 0 && pidset_has(procs, (pid_t)pid);
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const char *key = word;

		if (strncmp(where, kinds[i], strlen(kinds[i])) != 0)
			continue;
		if (n >= sizeof(word))
			return false;
		memcpy(word, where, n);
		word[n] = '\0';
		return ids->n && bsearch(&key, ids->v, ids->n, sizeof(*ids->v), cmp_str);
	}
	return true;
}

#define COPY_KEPT(view, s, arr, adder, keep)                  \
	for (size_t i_ = 0; i_ < (s)->n_##arr; i_++)          \
		if (keep[i_])                                  \
			*adder(view) = (s)->arr[i_]

struct snapshot *filter_apply(struct snapshot *s, const pid_t *pids, size_t n)
{
	struct snapshot *v = snapshot_new();
	struct pidset sel = { 0 }, peers = { 0 };
	struct idlist waits = { 0 };
	struct idset ids = { 0 };
	struct keep k;
	size_t total;
	bool *flags;

	v->time = s->time;
	v->duration = s->duration;
	v->sysroot = s->sysroot;
	v->self_pid = s->self_pid;
	v->base = snapshot_ref(s);

	for (size_t i = 0; i < n; i++)
		pidset_add(&sel, pids[i]);
	pidset_seal(&sel);

	/* What the selected processes' threads wait on (object ids; "pid:N" names a child). */
	{
		size_t cap = sel.n + 1;

		for (size_t i = 0; i < sel.n; i++) {
			const struct proc_rec *p = snapshot_find_proc(s, sel.v[i]);

			cap += p ? p->n_other_threads + 1 : 0;
		}
		waits.v = xcalloc(cap, sizeof(*waits.v));
	}
	for (size_t i = 0; i < sel.n; i++) {
		const struct proc_rec *p = snapshot_find_proc(s, sel.v[i]);

		for (size_t t = 0; p && t <= p->n_other_threads + 1; t++) {
			const char *obj = t == 0 ? p->waiting.object
				: t == 1 ? p->main_waiting.object
				: p->other_threads[t - 2].waiting.object;

			if (!obj || idlist_has(&waits, obj))
				continue;
			waits.v[waits.n++] = obj;
			if (strncmp(obj, "pid:", 4) == 0)
				pidset_add(&peers, (pid_t)atoi(obj + 4));
		}
	}

	total = s->n_pipes + s->n_usocks + s->n_msgqs + s->n_shms + s->n_sems + s->n_pmqs +
		s->n_pshms + s->n_psems + s->n_miscfds + s->n_sigevents + s->n_deadlocks;
	flags = xcalloc(total + 1, sizeof(*flags));
	k.pipes = flags;
	k.usocks = k.pipes + s->n_pipes;
	k.msgqs = k.usocks + s->n_usocks;
	k.shms = k.msgqs + s->n_msgqs;
	k.sems = k.shms + s->n_shms;
	k.pmqs = k.sems + s->n_sems;
	k.pshms = k.pmqs + s->n_pmqs;
	k.psems = k.pshms + s->n_pshms;
	k.miscfds = k.psems + s->n_psems;
	k.sigevents = k.miscfds + s->n_miscfds;
	k.deadlocks = k.sigevents + s->n_sigevents;
	decide_objects(s, &sel, &waits, &peers, &k);

	for (size_t i = 0; i < sel.n; i++)
		pidset_add(&peers, sel.v[i]);
	pidset_seal(&peers);
	keep_wait_chains(s, &k, &peers);	/* now: every process to keep */

	for (size_t i = 0; i < s->n_procs; i++)
		if (pidset_has(&peers, s->procs[i].pid))
			*snapshot_add_proc(v) = s->procs[i];
	for (size_t i = 0; i < s->n_threads; i++)
		if (pidset_has(&peers, s->threads[i].tgid))
			*snapshot_add_thread(v) = s->threads[i];
	COPY_KEPT(v, s, pipes, snapshot_add_pipe, k.pipes);
	COPY_KEPT(v, s, usocks, snapshot_add_usock, k.usocks);
	COPY_KEPT(v, s, msgqs, snapshot_add_msgq, k.msgqs);
	COPY_KEPT(v, s, shms, snapshot_add_shm, k.shms);
	COPY_KEPT(v, s, sems, snapshot_add_sem, k.sems);
	COPY_KEPT(v, s, pmqs, snapshot_add_pmq, k.pmqs);
	COPY_KEPT(v, s, pshms, snapshot_add_pshm, k.pshms);
	COPY_KEPT(v, s, psems, snapshot_add_psem, k.psems);
	COPY_KEPT(v, s, miscfds, snapshot_add_miscfd, k.miscfds);
	COPY_KEPT(v, s, sigevents, snapshot_add_sigevent, k.sigevents);
	COPY_KEPT(v, s, deadlocks, snapshot_add_deadlock, k.deadlocks);
	for (size_t i = 0; i < s->n_stalls; i++)
		if (pidset_has(&peers, s->stalls[i].pid))
			*snapshot_add_stall(v) = s->stalls[i];
	{
		char id[FMT_ID_MAX];
		const struct fmt_table *t;

		for (int kind = 0; kind < FMT_KIND_COUNT; kind++) {
			t = fmt_table_get((enum fmt_kind)kind);
			if (kind == FMT_PROCESSES || kind == FMT_THREADS)
				continue;
			for (size_t i = 0; i < t->count(v); i++)
				idset_add(v, &ids, t->id(t->row(v, i), id, sizeof(id)));
		}
		if (ids.n > 1)
			qsort(ids.v, ids.n, sizeof(*ids.v), cmp_str);
	}
	for (size_t i = 0; i < s->n_errors; i++)
		if (error_in_view(s->errors[i].where, &peers, &ids))
			snapshot_add_error(v, s->errors[i].where, s->errors[i].error);
	for (size_t i = 0; i < s->n_sources; i++)
		snapshot_set_source_state(v, s->sources[i].name, s->sources[i].state,
					  s->sources[i].error);

	free(flags);
	free(ids.v);
	free(waits.v);
	free(sel.v);
	free(peers.v);
	snapshot_seal(v);
	return v;
}

size_t filter_descendants(const struct snapshot *s, const pid_t *roots, size_t n_roots,
			  pid_t **out)
{
	struct pidset set = { 0 };
	bool grew = true;

	for (size_t i = 0; i < n_roots; i++)
		pidset_add(&set, roots[i]);
	pidset_seal(&set);
	/* one pass per generation: a child is added once its parent is in */
	while (grew && set.n) {
		size_t before = set.n;
		struct pidset known = set;	/* the sorted part; additions follow it */

		for (size_t i = 0; i < s->n_procs; i++) {
			known.v = set.v;	/* pidset_add may move the array */
			if (pidset_has(&known, s->procs[i].ppid) &&
			    !pidset_has(&known, s->procs[i].pid))
				pidset_add(&set, s->procs[i].pid);
		}
		if (set.n != before)
			pidset_seal(&set);
		grew = set.n != before;
	}
	*out = set.n ? set.v : NULL;
	if (!set.n)
		free(set.v);
	return set.n;
}
