/*
 * proc_cache.c - the per-process results one collection keeps for the next (see
 * proc_cache.h for what is kept and why reusing it is valid).
 *
 * The cache is an array of entries sorted by pid, with every string and array in one arena.
 * It is only read while a collection runs (by the read-ahead of proc_pass.c, fds.c and
 * proc_maps.c, possibly from several threads) and replaced as a whole afterwards by
 * proc_cache_update(), which copies what it keeps (this collection may itself point into the
 * old entries) before it frees the old arena.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "probes/proc_cache.h"
#include "probes/proc_pass.h"
#include "probes/proc_wait.h"
#include "src/arena.h"

struct proc_cache {
	struct proc_cache_entry *e;	/* sorted by pid */
	size_t n;
	struct arena arena;
};

struct proc_cache *proc_cache_new(void)
{
	struct proc_cache *c = xcalloc(1, sizeof(*c));

	arena_init(&c->arena);
	return c;
}

void proc_cache_free(struct proc_cache *c)
{
	if (!c)
		return;
	free(c->e);
	arena_fini(&c->arena);
	free(c);
}

size_t proc_cache_size(const struct proc_cache *c)
{
	return c ? c->n : 0;
}

const struct proc_cache_entry *proc_cache_find(const struct proc_cache *c, pid_t pid)
{
	size_t lo = 0, hi;

	if (!c)
		return NULL;
	hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->e[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n && c->e[lo].pid == pid ? &c->e[lo] : NULL;
}

bool proc_cache_quiescent(const struct proc_cache_entry *prev, const struct proc_witness *w)
{
	const struct proc_witness *p;

	if (!prev || !w || !w->valid)
		return false;
	p = &prev->w;
	return p->valid && p->threads == 1 && w->threads == 1 && p->state != 'R' &&
	       w->state == p->state && p->nvcsw == w->nvcsw && p->nivcsw == w->nivcsw &&
	       p->run_ns == w->run_ns && p->wait_ns == w->wait_ns && p->slices == w->slices;
}

/* ---- parsers ---------------------------------------------------------------------------- */

/* A decimal number at *p (blanks before it skipped) up to a blank, newline or end. */
static bool dec(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s >= end || *s < '0' || *s > '9')
		return false;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (s < end && *s != ' ' && *s != '\t' && *s != '\n')
		return false;
	*out = v;
	*p = s;
	return true;
}

bool proc_cache_parse_schedstat(const char *buf, size_t len, struct proc_witness *w)
{
	const char *p = buf, *end = buf + len;

	return dec(&p, end, &w->run_ns) && dec(&p, end, &w->wait_ns) && dec(&p, end, &w->slices);
}

/* The value of "\nKEY:" in a status text. */
static bool status_u64(const char *buf, size_t len, const char *key, uint64_t *out)
{
	size_t k = strlen(key);
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		if ((size_t)(eol - p) > k && memcmp(p, key, k) == 0 && p[k] == ':') {
			const char *v = p + k + 1;

			return dec(&v, eol, out);
		}
		p = nl ? nl + 1 : end;
	}
	return false;
}

bool proc_cache_parse_nsids(const char *buf, size_t len, pid_t *pgid, pid_t *sid)
{
	uint64_t g, s;

	if (!status_u64(buf, len, "NSpgid", &g) || !status_u64(buf, len, "NSsid", &s) ||
	    g > 0x7fffffff || s > 0x7fffffff)
		return false;
	*pgid = (pid_t)g;
	*sid = (pid_t)s;
	return true;
}

bool proc_cache_parse_switches(const char *buf, size_t len, struct proc_witness *w)
{
	/* the last lines of status: look from near the end first */
	size_t tail = len > 256 ? len - 256 : 0;

	while (tail > 0 && buf[tail - 1] != '\n')
		tail--;
	if (status_u64(buf + tail, len - tail, "voluntary_ctxt_switches", &w->nvcsw) &&
	    status_u64(buf + tail, len - tail, "nonvoluntary_ctxt_switches", &w->nivcsw))
		return true;
	return status_u64(buf, len, "voluntary_ctxt_switches", &w->nvcsw) &&
	       status_u64(buf, len, "nonvoluntary_ctxt_switches", &w->nivcsw);
}

/* ---- update -------------------------------------------------------------------------------- */

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static bool in_sorted(const pid_t *v, size_t n, pid_t pid)
{
	return n && bsearch(&pid, v, n, sizeof(*v), cmp_pid) != NULL;
}

/* The pids some error of this collection names ("pid N ..."), sorted. */
static pid_t *error_pids(const struct snapshot *s, size_t *n)
{
	pid_t *v = xcalloc(s->n_errors + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < s->n_errors; i++) {
		const char *w = s->errors[i].where;
		char *end;
		long pid;

		if (!w || strncmp(w, "pid ", 4) != 0)
			continue;
		pid = strtol(w + 4, &end, 10);
		if (end != w + 4 && pid > 0 && pid <= 0x7fffffffL && (*end == ' ' || !*end))
			v[(*n)++] = (pid_t)pid;
	}
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_pid);
	return v;
}

/* ctx->fds is sorted by (pid, fd): the first entry of pid. */
static size_t fds_lower(const struct probe_ctx *ctx, pid_t pid)
{
	size_t lo = 0, hi = ctx->n_fds;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ctx->fds[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The wait texts are kept only when they describe a task that was fully asleep: wchan names
 * a kernel function and syscall is not "running". wchan reads "0" not only while the task runs
 * but also while it sleeps yet is still queued (the scheduler's delayed dequeue), a state that
 * ends without the task running: such a reading must not outlive its collection. */
static bool wait_keepable(const struct proc_pass_entry *pe)
{
	char sym[128];
	struct proc_syscall sc;

	return pe->wchan.read && pe->syscall.read && pe->wchan.rc == 0 && pe->syscall.rc == 0 &&
	       proc_wait_parse_wchan(pe->wchan.text, pe->wchan.len, sym, sizeof(sym)) &&
	       proc_wait_parse_syscall(pe->syscall.text, pe->syscall.len, &sc) == 0 &&
	       sc.state != PSC_RUNNING;
}

struct map_ix {
	pid_t pid;
	size_t i;
};

static int cmp_map_ix(const void *a, const void *b)
{
	const struct map_ix *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static void keep_fds(struct proc_cache_entry *ce, struct arena *a, const struct probe_ctx *ctx,
		     const struct proc_rec *p)
{
	size_t lo = fds_lower(ctx, p->pid), hi = lo;

	while (hi < ctx->n_fds && ctx->fds[hi].pid == p->pid)
		hi++;
	ce->fds = hi > lo ? arena_memdup(a, &ctx->fds[lo], (hi - lo) * sizeof(*ce->fds)) : NULL;
	for (size_t i = 0; i < hi - lo; i++) {
		ce->fds[i].target = arena_strdup(a, ctx->fds[lo + i].target);
		ce->fds[i].fill = NULL;
	}
	ce->fills = hi > lo ? arena_alloc(a, (hi - lo) * sizeof(*ce->fills)) : NULL;
	ce->n_fds = hi - lo;
	ce->io_rchar = p->io_rchar;
	ce->io_wchar = p->io_wchar;
	ce->have_fds = true;
}

/* The maps of pid (mix: ctx->maps' indexes sorted by pid, then position). */
static void keep_maps(struct proc_cache_entry *ce, struct arena *a, const struct probe_ctx *ctx,
		      const struct map_ix *mix, size_t n_mix, pid_t pid)
{
	struct map_ix key = { pid, 0 };
	size_t lo = 0, hi = n_mix, cnt = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_map_ix(&mix[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + cnt < n_mix && mix[lo + cnt].pid == pid)
		cnt++;
	ce->maps = cnt ? arena_alloc(a, cnt * sizeof(*ce->maps)) : NULL;
	for (size_t k = 0; k < cnt; k++) {
		ce->maps[k] = ctx->maps[mix[lo + k].i];
		ce->maps[k].path = arena_strdup(a, ce->maps[k].path);
	}
	ce->n_maps = cnt;
	ce->have_maps = true;
}

static int cmp_entry_pid(const void *key, const void *elem)
{
	pid_t pid = *(const pid_t *)key;
	const struct proc_cache_entry *e = elem;

	return (pid > e->pid) - (pid < e->pid);
}

/* Each kept pipe or FIFO descriptor gets its pipe's fill (e: sorted by pid, fds by fd). */
static void keep_fills(struct proc_cache_entry *e, size_t n, const struct snapshot *s)
{
	for (size_t i = 0; i < s->n_pipes; i++) {
		const struct pipe_rec *p = &s->pipes[i];
		struct proc_cache_fill f = {
			.valid = !p->fill_error && p->queued_bytes >= 0 && p->capacity >= 0,
			.queued = p->queued_bytes,
			.capacity = p->capacity,
			.n_ends = p->n_ends,
		};

		for (size_t k = 0; k < p->n_ends; k++) {
			struct proc_cache_entry *ce = bsearch(&p->ends[k].pid, e, n, sizeof(*e),
							      cmp_entry_pid);
			size_t lo = 0, hi;

			if (!ce || !ce->have_fds)
				continue;
			hi = ce->n_fds;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (ce->fds[mid].fd < p->ends[k].fd)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < ce->n_fds && ce->fds[lo].fd == p->ends[k].fd)
				ce->fills[lo] = f;
		}
	}
}

void proc_cache_update(struct proc_cache *c, const struct probe_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;
	struct proc_cache_entry *e;
	struct map_ix *mix = NULL;
	struct arena a;
	size_t n = 0, n_bad, n_mix = 0;
	pid_t *bad;

	if (!ctx->pass) {
		/* nothing was witnessed: keep nothing (a stale cache must not outlive a gap) */
		free(c->e);
		arena_fini(&c->arena);
		arena_init(&c->arena);
		c->e = NULL;
		c->n = 0;
		return;
	}
	arena_init(&a);
	bad = error_pids(s, &n_bad);
	if (ctx->maps_scanned && ctx->n_maps) {
		mix = xcalloc(ctx->n_maps, sizeof(*mix));
		for (size_t i = 0; i < ctx->n_maps; i++)
			mix[n_mix++] = (struct map_ix){ ctx->maps[i].pid, i };
		qsort(mix, n_mix, sizeof(*mix), cmp_map_ix);
	}
	e = xcalloc(s->n_procs + 1, sizeof(*e));
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct proc_rec *p = &s->procs[i];
		const struct proc_pass_entry *pe = proc_pass_get(ctx->pass, p->pid, p->start_ticks);
		struct proc_cache_entry *ce;

		if (!pe || !pe->w.valid || p->zombie || p->error || in_sorted(bad, n_bad, p->pid))
			continue;
		ce = &e[n++];
		ce->pid = p->pid;
		ce->start_ticks = p->start_ticks;
		ce->kthread = p->kthread;
		ce->stack_start = p->stack_start;
		ce->w = pe->w;
		if (p->kthread)
			continue;	/* no cmdline, descriptors or memory to keep */
		if (p->cmdline) {
			ce->have_cmdline = true;
			ce->cmdline = arena_strdup(&a, p->cmdline);
		}
		if (wait_keepable(pe)) {
			ce->have_wait = true;
			ce->wchan = arena_strndup(&a, pe->wchan.text, pe->wchan.len);
			ce->wchan_len = pe->wchan.len;
			ce->syscall = arena_strndup(&a, pe->syscall.text, pe->syscall.len);
			ce->syscall_len = pe->syscall.len;
		}
		if (ctx->fds_scanned)
			keep_fds(ce, &a, ctx, p);
		if (ctx->maps_scanned)
			keep_maps(ce, &a, ctx, mix, n_mix, p->pid);
	}
	free(mix);
	free(bad);
	if (n > 1) {
		/* the snapshot is not sorted yet (the sampler sorts after collecting) */
		struct proc_cache_entry *sorted = xcalloc(n, sizeof(*sorted));
		struct map_ix *order = xcalloc(n, sizeof(*order));

		for (size_t i = 0; i < n; i++)
			order[i] = (struct map_ix){ e[i].pid, i };
		qsort(order, n, sizeof(*order), cmp_map_ix);
		for (size_t i = 0; i < n; i++)
			sorted[i] = e[order[i].i];
		free(order);
		free(e);
		e = sorted;
	}
	keep_fills(e, n, s);
	free(c->e);
	arena_fini(&c->arena);
	c->e = e;
	c->n = n;
	c->arena = a;
}
