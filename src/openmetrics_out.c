/*
 * openmetrics_out.c - the metrics text of a snapshot (see openmetrics_out.h; every name,
 * label and bound is listed in doc/CONTRACT.md).
 *
 * Families are written one after the other, each with its HELP, TYPE (always gauge) and,
 * for a unit suffix, UNIT line, then its samples. A value that is unknown in the snapshot
 * (SNAP_UNKNOWN) has no sample: absent, never a made-up 0. Objects of each kind are ranked
 * (fullest first, ties by identity, so the choice is stable) and only the first
 * OPENMETRICS_TOP get per-object series; ipctop_objects_not_exported{kind} counts the rest,
 * and the per-kind aggregates (ipctop_objects, ipctop_queued_bytes...) count everything.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "src/format.h"
#include "src/openmetrics_out.h"

/* The `kind` label of the aggregates: the JSON list names of CONTRACT.md. */
enum om_kind {
	OMK_PIPES, OMK_UNIX_SOCKETS, OMK_MSG_QUEUES, OMK_SHM_SEGMENTS, OMK_SEM_SETS,
	OMK_POSIX_MQUEUES, OMK_POSIX_SHM, OMK_POSIX_SEMS, OMK_COUNT
};

static const char *const kind_names[OMK_COUNT] = {
	[OMK_PIPES] = "pipes", [OMK_UNIX_SOCKETS] = "unix_sockets", [OMK_MSG_QUEUES] = "msg_queues",
	[OMK_SHM_SEGMENTS] = "shm_segments", [OMK_SEM_SETS] = "sem_sets",
	[OMK_POSIX_MQUEUES] = "posix_mqueues", [OMK_POSIX_SHM] = "posix_shm",
	[OMK_POSIX_SEMS] = "posix_sems",
};

/* The kinds that have a fill (queued bytes or messages against a limit). */
static const enum om_kind queue_kinds[] = {
	OMK_PIPES, OMK_UNIX_SOCKETS, OMK_MSG_QUEUES, OMK_POSIX_MQUEUES,
};
#define N_QUEUE_KINDS (sizeof(queue_kinds) / sizeof(queue_kinds[0]))

struct om_label {
	const char *name;
	const char *value;	/* NULL or "": the label is left out */
};

/* ---- text ---------------------------------------------------------------------------------- */

/* The length of the valid UTF-8 sequence at p (1-4 bytes), 0 if p starts no valid sequence
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). Reads no further
 * than the first byte that does not fit, so never past the terminating NUL. */
static size_t utf8_seq_len(const unsigned char *p)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;		/* overlong */
	else if (c == 0xed)
		hi = 0x9f;		/* UTF-16 surrogates */
	else if (c == 0xf0)
		lo = 0x90;		/* overlong */
	else if (c == 0xf4)
		hi = 0x8f;		/* above U+10FFFF */
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

void openmetrics_out_label_value(FILE *out, const char *value)
{
	const unsigned char *p = (const unsigned char *)value;

	putc('"', out);
	while (*p) {
		size_t n = utf8_seq_len(p);

		if (n == 0 || p[0] < 0x20 || p[0] == 0x7f || p[0] == '%' ||
		    (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			size_t k = n ? n : 1;

			for (size_t i = 0; i < k; i++)
				fprintf(out, "%%%02X", p[i]);
			p += k;
			continue;
		}
		if (p[0] == '\\' || p[0] == '"')
			putc('\\', out);
		fwrite(p, 1, n, out);
		p += n;
	}
	putc('"', out);
}

/* HELP texts are fixed strings without '\' or newlines (so no escaping in either format). */
static void om_family(FILE *out, const char *name, const char *unit, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	if (unit)
		fprintf(out, "# UNIT %s %s\n", name, unit);
}

static void om_series(FILE *out, const char *name, const struct om_label *l, size_t n)
{
	bool any = false;

	fputs(name, out);
	for (size_t i = 0; i < n; i++) {
		if (!l[i].value || !*l[i].value)
			continue;
		putc(any ? ',' : '{', out);
		any = true;
		fputs(l[i].name, out);
		putc('=', out);
		openmetrics_out_label_value(out, l[i].value);
	}
	if (any)
		putc('}', out);
	putc(' ', out);
}

/* A sample with an integer value; a negative (unknown) value writes nothing. */
static void om_int(FILE *out, const char *name, const struct om_label *l, size_t n, int64_t v)
{
	if (v < 0)
		return;
	om_series(out, name, l, n);
	fprintf(out, "%" PRId64 "\n", v);
}

/* A sample with a value in seconds (microsecond resolution, as the JSON's times). */
static void om_seconds(FILE *out, const char *name, const struct om_label *l, size_t n,
		       double v)
{
	if (!isfinite(v) || v < 0)
		return;
	om_series(out, name, l, n);
	fprintf(out, "%.6f\n", v);
}

/* One sample per kind: {kind="pipes"} ... */
static void om_per_kind(FILE *out, const char *name, enum om_kind k, int64_t v)
{
	struct om_label l = { "kind", kind_names[k] };

	om_int(out, name, &l, 1, v);
}

/* ---- ranking --------------------------------------------------------------------------------- */

/* used / limit, or -1 when either is unknown (ranked after every known fill). */
static double fill_ratio(int64_t used, int64_t limit)
{
	if (used < 0 || limit <= 0)
		return -1;
	return (double)used / (double)limit;
}

static int desc_double(double a, double b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

static int desc_i64(int64_t a, int64_t b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

static int asc_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

/* Pointers to the n records of an array, sorted by cmp, at most OPENMETRICS_TOP kept:
 * *kept says how many (the caller frees the array). */
static const void **rank(const void *base, size_t n, size_t size,
			 int (*cmp)(const void *, const void *), size_t *kept)
{
	const void **v = xreallocarray(NULL, n ? n : 1, sizeof(*v));

	for (size_t i = 0; i < n; i++)
		v[i] = (const char *)base + i * size;
	qsort(v, n, sizeof(*v), cmp);
	*kept = n < OPENMETRICS_TOP ? n : OPENMETRICS_TOP;
	return v;
}

#define REC(type, p) (*(const struct type *const *)(p))

static int cmp_msgq(const void *a, const void *b)
{
	const struct msgq_rec *x = REC(msgq_rec, a), *y = REC(msgq_rec, b);
	int c = desc_double(fill_ratio(x->bytes, x->max_bytes), fill_ratio(y->bytes, y->max_bytes));

	if (!c)
		c = desc_i64(x->bytes, y->bytes);
	return c ? c : (x->perm.id > y->perm.id) - (x->perm.id < y->perm.id);
}

static int cmp_shm(const void *a, const void *b)
{
	const struct shm_rec *x = REC(shm_rec, a), *y = REC(shm_rec, b);
	int c = desc_i64(x->size, y->size);

	return c ? c : (x->perm.id > y->perm.id) - (x->perm.id < y->perm.id);
}

/* The processes waiting on a semaphore set (sum of semncnt and semzcnt), -1 if unknown. */
static int64_t sem_waiters(const struct sem_rec *m)
{
	int64_t sum = 0;

	if (!m->wait_increase || !m->wait_zero || m->nsems < 0)
		return -1;
	for (int i = 0; i < m->nsems; i++) {
		if (m->wait_increase[i] < 0 || m->wait_zero[i] < 0)
			return -1;
		sum += m->wait_increase[i] + m->wait_zero[i];
	}
	return sum;
}

static int cmp_sem(const void *a, const void *b)
{
	const struct sem_rec *x = REC(sem_rec, a), *y = REC(sem_rec, b);
	int c = desc_i64(sem_waiters(x), sem_waiters(y));

	if (!c)
		c = desc_i64(x->nsems, y->nsems);
	return c ? c : (x->perm.id > y->perm.id) - (x->perm.id < y->perm.id);
}

static int cmp_pmq(const void *a, const void *b)
{
	const struct pmq_rec *x = REC(pmq_rec, a), *y = REC(pmq_rec, b);
	int c = desc_double(fill_ratio(x->messages, x->max_messages),
			    fill_ratio(y->messages, y->max_messages));

	if (!c)
		c = desc_i64(x->bytes, y->bytes);
	return c ? c : strcmp(x->name, y->name);
}

static int cmp_pshm(const void *a, const void *b)
{
	const struct pshm_rec *x = REC(pshm_rec, a), *y = REC(pshm_rec, b);
	int c = desc_i64(x->size, y->size);

	return c ? c : strcmp(x->name, y->name);
}

static int cmp_psem(const void *a, const void *b)
{
	const struct psem_rec *x = REC(psem_rec, a), *y = REC(psem_rec, b);
	int c = desc_i64((int64_t)x->n_mapped, (int64_t)y->n_mapped);

	return c ? c : strcmp(x->name, y->name);
}

static int cmp_pipe(const void *a, const void *b)
{
	const struct pipe_rec *x = REC(pipe_rec, a), *y = REC(pipe_rec, b);
	int c = desc_double(fill_ratio(x->queued_bytes, x->capacity),
			    fill_ratio(y->queued_bytes, y->capacity));

	if (!c)
		c = desc_i64(x->queued_bytes, y->queued_bytes);
	if (!c)
		c = (x->kind > y->kind) - (x->kind < y->kind);
	return c ? c : asc_u64(x->inode, y->inode);
}

static int cmp_usock(const void *a, const void *b)
{
	const struct usock_rec *x = REC(usock_rec, a), *y = REC(usock_rec, b);
	int c = desc_i64(x->queued_bytes, y->queued_bytes);

	if (!c)
		c = desc_i64(x->pending_conns, y->pending_conns);
	return c ? c : asc_u64(x->inode, y->inode);
}

/* Longest observed first (earliest since; unknown since last), then by pid. */
static double since_key(double since)
{
	return since > 0 ? since : INFINITY;
}

static int cmp_stall(const void *a, const void *b)
{
	const struct stall_rec *x = REC(stall_rec, a), *y = REC(stall_rec, b);
	int c = -desc_double(since_key(x->since), since_key(y->since));

	return c ? c : (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_deadlock(const void *a, const void *b)
{
	const struct deadlock_rec *x = REC(deadlock_rec, a), *y = REC(deadlock_rec, b);
	int c = -desc_double(since_key(x->since), since_key(y->since));
	pid_t px = x->n_pids ? x->pids[0] : 0, py = y->n_pids ? y->pids[0] : 0;

	return c ? c : (px > py) - (px < py);
}

/* ---- fill of channels (aggregates) ---------------------------------------------------------- */

struct kind_fill {
	int64_t queued;		/* sum of the known queued bytes */
	int64_t full;		/* objects at their limit */
	int64_t unknown;	/* objects whose fill could not be read */
};

static void fill_add(struct kind_fill *f, int64_t queued, int64_t used, int64_t limit)
{
	if (queued >= 0)
		f->queued += queued;
	if (used < 0 || limit < 0)
		f->unknown++;
	else if (limit > 0 && used >= limit)
		f->full++;
}

static void fills(const struct snapshot *s, struct kind_fill f[OMK_COUNT])
{
	memset(f, 0, OMK_COUNT * sizeof(*f));
	for (size_t i = 0; i < s->n_pipes; i++) {
		const struct pipe_rec *p = &s->pipes[i];

		fill_add(&f[OMK_PIPES], p->queued_bytes, p->queued_bytes, p->capacity);
	}
	for (size_t i = 0; i < s->n_usocks; i++) {
		const struct usock_rec *u = &s->usocks[i];

		if (u->queued_bytes >= 0)
			f[OMK_UNIX_SOCKETS].queued += u->queued_bytes;
		else
			f[OMK_UNIX_SOCKETS].unknown++;
		/* a listener's accept queue is full once pending exceeds the backlog (the
		 * kernel's unix_recvq_full); other sockets report no limit */
		if (u->pending_conns >= 0 && u->backlog >= 0 && u->pending_conns > u->backlog)
			f[OMK_UNIX_SOCKETS].full++;
	}
	for (size_t i = 0; i < s->n_msgqs; i++) {
		const struct msgq_rec *q = &s->msgqs[i];

		fill_add(&f[OMK_MSG_QUEUES], q->bytes, q->bytes, q->max_bytes);
	}
	for (size_t i = 0; i < s->n_pmqs; i++) {
		const struct pmq_rec *q = &s->pmqs[i];

		fill_add(&f[OMK_POSIX_MQUEUES], q->bytes, q->messages, q->max_messages);
	}
}

/* ---- families ------------------------------------------------------------------------------- */

static void om_header(FILE *out, const struct snapshot *s)
{
	struct om_label version = { "version", PACKAGE_VERSION };
	int64_t waiting[WAIT_KIND_COUNT] = { 0 };
	int64_t deadlocked = 0;

	om_family(out, "ipctop_build_info", NULL, "The version of ipctop that wrote these metrics; always 1.");
	om_int(out, "ipctop_build_info", &version, 1, 1);
	om_family(out, "ipctop_snapshot_timestamp_seconds", "seconds",
		  "When the snapshot was taken, in seconds since the epoch.");
	om_seconds(out, "ipctop_snapshot_timestamp_seconds", NULL, 0, s->time);
	om_family(out, "ipctop_collect_duration_seconds", "seconds",
		  "How long taking the snapshot took.");
	om_seconds(out, "ipctop_collect_duration_seconds", NULL, 0, s->duration);

	om_family(out, "ipctop_source_up",  NULL,
		  "1 if a probe could read its source, 0 if not (the JSON sources say why).");
	for (size_t i = 0; i < s->n_sources; i++) {
		const struct snap_source *src = &s->sources[i];
		struct om_label l = { "source", src->name };
		bool later = false;

		/* a name given twice (snapshot_set_source replaces, so it should not happen):
		 * its last status, once */
		for (size_t j = i + 1; j < s->n_sources && !later; j++)
			later = strcmp(s->sources[j].name, src->name) == 0;
		if (!later)
			om_int(out, "ipctop_source_up", &l, 1, src->ok ? 1 : 0);
	}
	om_family(out, "ipctop_snapshot_errors", NULL,
		  "Things the snapshot could not read (entries of the JSON errors list).");
	om_int(out, "ipctop_snapshot_errors", NULL, 0, (int64_t)s->n_errors);

	om_family(out, "ipctop_processes", NULL, "Processes in the snapshot.");
	om_int(out, "ipctop_processes", NULL, 0, (int64_t)s->n_procs);
	for (size_t i = 0; i < s->n_procs; i++)
		if ((unsigned)s->procs[i].waiting.kind < WAIT_KIND_COUNT)
			waiting[s->procs[i].waiting.kind]++;
	om_family(out, "ipctop_processes_waiting", NULL,
		  "Processes blocked, by what they wait for (the JSON waiting.kind).");
	for (int k = WAIT_NONE + 1; k < WAIT_KIND_COUNT; k++) {
		struct om_label l = { "kind", wait_kind_name((enum wait_kind)k) };

		om_int(out, "ipctop_processes_waiting", &l, 1, waiting[k]);
	}

	for (size_t i = 0; i < s->n_deadlocks; i++)
		deadlocked += (int64_t)s->deadlocks[i].n_pids;
	om_family(out, "ipctop_deadlocks", NULL,
		  "Cycles of processes each waiting for the next (the JSON deadlocks).");
	om_int(out, "ipctop_deadlocks", NULL, 0, (int64_t)s->n_deadlocks);
	om_family(out, "ipctop_deadlocked_processes", NULL, "Processes in a deadlock cycle.");
	om_int(out, "ipctop_deadlocked_processes", NULL, 0, deadlocked);
	om_family(out, "ipctop_stalled_processes", NULL,
		  "Processes in a stuck wait that is no cycle (the JSON stalls).");
	om_int(out, "ipctop_stalled_processes", NULL, 0, (int64_t)s->n_stalls);
}

/* Seconds between when ipctop first saw a stall or deadlock and this snapshot. */
static double observed(const struct snapshot *s, double since)
{
	return since > 0 && s->time >= since ? s->time - since : NAN;
}

static void om_stuck(FILE *out, const struct snapshot *s)
{
	size_t kept;
	const void **v;

	v = rank(s->stalls, s->n_stalls, sizeof(*s->stalls), cmp_stall, &kept);
	om_family(out, "ipctop_stall_observed_seconds", "seconds",
		  "How long this ipctop has seen the process stalled: a lower bound of how long it "
		  "has been blocked (0 at its first sight; starts again when ipctop restarts).");
	for (size_t i = 0; i < kept; i++) {
		const struct stall_rec *st = v[i];
		const struct proc_rec *p = snapshot_find_proc(s, st->pid);
		char pid[24];
		struct om_label l[] = {
			{ "pid", pid }, { "comm", p ? p->comm : NULL }, { "object", st->object },
		};

		snprintf(pid, sizeof(pid), "%d", (int)st->pid);
		om_seconds(out, "ipctop_stall_observed_seconds", l, 3, observed(s, st->since));
	}
	free(v);

	v = rank(s->deadlocks, s->n_deadlocks, sizeof(*s->deadlocks), cmp_deadlock, &kept);
	om_family(out, "ipctop_deadlock_observed_seconds", "seconds",
		  "How long this ipctop has seen the deadlock cycle: a lower bound of its age "
		  "(0 at its first sight; starts again when ipctop restarts).");
	for (size_t i = 0; i < kept; i++) {
		const struct deadlock_rec *d = v[i];
		char pids[256] = "";
		size_t off = 0;
		struct om_label l = { "pids", pids };

		/* the cycle's pids, comma-separated, cut at a pid boundary when very long */
		for (size_t k = 0; k < d->n_pids; k++) {
			int n = snprintf(pids + off, sizeof(pids) - off, "%s%d", k ? "," : "",
					 (int)d->pids[k]);

			if (n < 0 || (size_t)n >= sizeof(pids) - off) {
				pids[off] = '\0';
				break;
			}
			off += (size_t)n;
		}
		om_seconds(out, "ipctop_deadlock_observed_seconds", &l, 1, observed(s, d->since));
	}
	free(v);
}

static void om_aggregates(FILE *out, const struct snapshot *s)
{
	const size_t counts[OMK_COUNT] = {
		[OMK_PIPES] = s->n_pipes, [OMK_UNIX_SOCKETS] = s->n_usocks,
		[OMK_MSG_QUEUES] = s->n_msgqs, [OMK_SHM_SEGMENTS] = s->n_shms,
		[OMK_SEM_SETS] = s->n_sems, [OMK_POSIX_MQUEUES] = s->n_pmqs,
		[OMK_POSIX_SHM] = s->n_pshms, [OMK_POSIX_SEMS] = s->n_psems,
	};
	struct kind_fill f[OMK_COUNT];

	om_family(out, "ipctop_objects", NULL,
		  "IPC objects of each kind (kind is the JSON list: pipes counts FIFOs too).");
	for (int k = 0; k < OMK_COUNT; k++)
		om_per_kind(out, "ipctop_objects", (enum om_kind)k, (int64_t)counts[k]);
	om_family(out, "ipctop_objects_not_exported", NULL,
		  "Objects of each kind left out of the per-object series (only the fullest are "
		  "exported); the aggregates count them.");
	for (int k = 0; k < OMK_COUNT; k++)
		om_per_kind(out, "ipctop_objects_not_exported", (enum om_kind)k,
			    counts[k] > OPENMETRICS_TOP ? (int64_t)(counts[k] - OPENMETRICS_TOP) : 0);

	fills(s, f);
	om_family(out, "ipctop_queued_bytes", "bytes",
		  "Bytes waiting to be read in all channels of a kind whose fill could be read.");
	for (size_t i = 0; i < N_QUEUE_KINDS; i++)
		om_per_kind(out, "ipctop_queued_bytes", queue_kinds[i], f[queue_kinds[i]].queued);
	om_family(out, "ipctop_objects_full", NULL,
		  "Channels at their limit: pipes at capacity, SysV queues at max bytes, POSIX "
		  "queues at max messages, listening sockets with a full accept queue.");
	for (size_t i = 0; i < N_QUEUE_KINDS; i++)
		om_per_kind(out, "ipctop_objects_full", queue_kinds[i], f[queue_kinds[i]].full);
	om_family(out, "ipctop_objects_fill_unknown", NULL,
		  "Channels whose fill could not be read (the JSON errors say why).");
	for (size_t i = 0; i < N_QUEUE_KINDS; i++)
		om_per_kind(out, "ipctop_objects_fill_unknown", queue_kinds[i],
			    f[queue_kinds[i]].unknown);
}

/* ---- per-object series ------------------------------------------------------------------------ */

/* The labels of one object's series (id, and key for System V objects). */
struct om_labels {
	struct om_label l[2];
	size_t n;
	char id[FMT_ID_MAX];
	char key[16];
};

typedef void (*om_label_fn)(const void *rec, struct om_labels *out);

/* One per-object family: the value is the int64_t at `offset` in the record, or get(rec). */
struct om_object_family {
	const char *name, *unit, *help;
	size_t offset;
	int64_t (*get)(const void *rec);
};

static void sysv_labels(const struct sysv_perm *perm, struct om_labels *o,
			const char *(*idfn)(int, char *, size_t))
{
	snprintf(o->key, sizeof(o->key), "%" PRId32, perm->key);
	o->l[0] = (struct om_label){ "id", idfn(perm->id, o->id, sizeof(o->id)) };
	o->l[1] = (struct om_label){ "key", o->key };
	o->n = 2;
}

static void msgq_labels(const void *rec, struct om_labels *o)
{
	sysv_labels(&((const struct msgq_rec *)rec)->perm, o, fmt_id_msgq);
}

static void shm_labels(const void *rec, struct om_labels *o)
{
	sysv_labels(&((const struct shm_rec *)rec)->perm, o, fmt_id_shm);
}

static void sem_labels(const void *rec, struct om_labels *o)
{
	sysv_labels(&((const struct sem_rec *)rec)->perm, o, fmt_id_sem);
}

static void id_label(struct om_labels *o, const char *id)
{
	o->l[0] = (struct om_label){ "id", id };
	o->n = 1;
}

static void pmq_labels(const void *rec, struct om_labels *o)
{
	id_label(o, fmt_id_pmq(((const struct pmq_rec *)rec)->name, o->id, sizeof(o->id)));
}

static void pshm_labels(const void *rec, struct om_labels *o)
{
	id_label(o, fmt_id_pshm(rec, o->id, sizeof(o->id)));
}

static void psem_labels(const void *rec, struct om_labels *o)
{
	id_label(o, fmt_id_psem(rec, o->id, sizeof(o->id)));
}

static void pipe_labels(const void *rec, struct om_labels *o)
{
	id_label(o, fmt_id_pipe(rec, o->id, sizeof(o->id)));
}

static void usock_labels(const void *rec, struct om_labels *o)
{
	id_label(o, fmt_id_usock(((const struct usock_rec *)rec)->inode, o->id, sizeof(o->id)));
}

static int64_t sem_nsems(const void *rec)
{
	return ((const struct sem_rec *)rec)->nsems;
}

static int64_t sem_waiting(const void *rec)
{
	return sem_waiters(rec);
}

static int64_t pshm_mapped(const void *rec)
{
	return (int64_t)((const struct pshm_rec *)rec)->n_mapped;
}

static int64_t psem_mapped(const void *rec)
{
	return (int64_t)((const struct psem_rec *)rec)->n_mapped;
}

#define FIELD(type, field) offsetof(struct type, field), NULL
#define GETTER(fn) 0, (fn)

static const struct om_object_family msgq_families[] = {
	{ "ipctop_msg_queue_bytes", "bytes", "Bytes queued in a System V message queue.",
	  FIELD(msgq_rec, bytes) },
	{ "ipctop_msg_queue_messages", NULL, "Messages queued in a System V message queue.",
	  FIELD(msgq_rec, messages) },
	{ "ipctop_msg_queue_max_bytes", "bytes",
	  "The most bytes a System V message queue holds (msg_qbytes).",
	  FIELD(msgq_rec, max_bytes) },
};

static const struct om_object_family shm_families[] = {
	{ "ipctop_shm_segment_size_bytes", "bytes", "Size of a System V shared memory segment.",
	  FIELD(shm_rec, size) },
	{ "ipctop_shm_segment_attached_processes", NULL,
	  "Attachments of a System V shared memory segment (nattch).", FIELD(shm_rec, nattch) },
	{ "ipctop_shm_segment_resident_bytes", "bytes",
	  "Resident bytes of a System V shared memory segment.", FIELD(shm_rec, rss) },
};

static const struct om_object_family sem_families[] = {
	{ "ipctop_sem_set_semaphores", NULL, "Semaphores in a System V semaphore set.",
	  GETTER(sem_nsems) },
	{ "ipctop_sem_set_waiting_processes", NULL,
	  "Processes waiting on a System V semaphore set (semncnt plus semzcnt of its "
	  "semaphores).", GETTER(sem_waiting) },
};

static const struct om_object_family pmq_families[] = {
	{ "ipctop_posix_mqueue_bytes", "bytes", "Bytes queued in a POSIX message queue.",
	  FIELD(pmq_rec, bytes) },
	{ "ipctop_posix_mqueue_messages", NULL, "Messages in a POSIX message queue.",
	  FIELD(pmq_rec, messages) },
	{ "ipctop_posix_mqueue_max_messages", NULL,
	  "The most messages a POSIX message queue holds (mq_maxmsg).",
	  FIELD(pmq_rec, max_messages) },
};

static const struct om_object_family pshm_families[] = {
	{ "ipctop_posix_shm_size_bytes", "bytes", "Size of a POSIX shared memory object.",
	  FIELD(pshm_rec, size) },
	{ "ipctop_posix_shm_mapped_processes", NULL,
	  "Processes that map a POSIX shared memory object.", GETTER(pshm_mapped) },
};

static const struct om_object_family psem_families[] = {
	{ "ipctop_posix_sem_value", NULL, "Value of a POSIX named semaphore.",
	  FIELD(psem_rec, value) },
	{ "ipctop_posix_sem_mapped_processes", NULL,
	  "Processes that map a POSIX named semaphore.", GETTER(psem_mapped) },
};

static const struct om_object_family pipe_families[] = {
	{ "ipctop_pipe_queued_bytes", "bytes",
	  "Bytes waiting to be read in a pipe or FIFO (the fullest only).",
	  FIELD(pipe_rec, queued_bytes) },
	{ "ipctop_pipe_capacity_bytes", "bytes",
	  "Capacity of a pipe or FIFO (F_GETPIPE_SZ; the fullest only).",
	  FIELD(pipe_rec, capacity) },
};

static const struct om_object_family usock_families[] = {
	{ "ipctop_unix_socket_queued_bytes", "bytes",
	  "Unread bytes of a Unix socket (the ones with the most only).",
	  FIELD(usock_rec, queued_bytes) },
	{ "ipctop_unix_socket_pending_connections", NULL,
	  "Connections waiting in a listening Unix socket's accept queue.",
	  FIELD(usock_rec, pending_conns) },
	{ "ipctop_unix_socket_backlog_connections", NULL,
	  "The accept queue's limit of a listening Unix socket (listen backlog).",
	  FIELD(usock_rec, backlog) },
};

/* The families of one kind, for its OPENMETRICS_TOP first records in cmp's order. */
static void om_objects(FILE *out, const void *base, size_t n, size_t size,
		       int (*cmp)(const void *, const void *), om_label_fn labels,
		       const struct om_object_family *fam, size_t n_fam)
{
	size_t kept;
	const void **v = rank(base, n, size, cmp, &kept);

	for (size_t f = 0; f < n_fam; f++) {
		om_family(out, fam[f].name, fam[f].unit, fam[f].help);
		for (size_t i = 0; i < kept; i++) {
			struct om_labels l;
			int64_t value;

			if (fam[f].get)
				value = fam[f].get(v[i]);
			else
				memcpy(&value, (const char *)v[i] + fam[f].offset, sizeof(value));
			labels(v[i], &l);
			om_int(out, fam[f].name, l.l, l.n, value);
		}
	}
	free(v);
}

#define OM_OBJECTS(out, s, arr, cmp, labels, fam) \
	om_objects((out), (s)->arr, (s)->n_##arr, sizeof(*(s)->arr), (cmp), (labels), \
		   (fam), sizeof(fam) / sizeof((fam)[0]))

int openmetrics_out_write(FILE *out, const struct snapshot *s)
{
	om_header(out, s);
	om_stuck(out, s);
	om_aggregates(out, s);
	OM_OBJECTS(out, s, msgqs, cmp_msgq, msgq_labels, msgq_families);
	OM_OBJECTS(out, s, shms, cmp_shm, shm_labels, shm_families);
	OM_OBJECTS(out, s, sems, cmp_sem, sem_labels, sem_families);
	OM_OBJECTS(out, s, pmqs, cmp_pmq, pmq_labels, pmq_families);
	OM_OBJECTS(out, s, pshms, cmp_pshm, pshm_labels, pshm_families);
	OM_OBJECTS(out, s, psems, cmp_psem, psem_labels, psem_families);
	OM_OBJECTS(out, s, pipes, cmp_pipe, pipe_labels, pipe_families);
	OM_OBJECTS(out, s, usocks, cmp_usock, usock_labels, usock_families);
	fputs("# EOF\n", out);
	return fflush(out) == EOF || ferror(out) ? -1 : 0;
}
