/*
 * anim.c - the topology map's motion between snapshots (see anim.h).
 *
 * Per snapshot: gauge targets (sorted by id, each with the value it starts from), the node
 * ids and labels of the map (sorted, to find births and deaths next time), semaphore values
 * (to see tokens taken and returned). Between snapshots: ghosts, births, flights and token
 * changes, each dropped once its transition is over.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/format.h"
#include "ui/anim.h"

#define MAX_FLIGHTS 96
#define MAX_GHOSTS 256

struct gauge {
	char *id;
	double from, to;
};

struct memo {
	char *id;
	enum topo_kind kind;
	char *label;
};

struct birth {
	char *id;
	double since;
};

struct token {
	char *id;
	int semnum;
	int64_t from;
	double since;
};

struct semvals {
	char *id;
	int n;
	int64_t *values;	/* NULL when unknown */
};

struct anim {
	bool fed;
	double last_time;		/* time of the snapshot fed last */
	double t0, dur;			/* the current transition */

	struct gauge *gauges;		/* sorted by id */
	size_t n_gauges;
	struct memo *memo;		/* nodes of the last map, sorted by id */
	size_t n_memo;
	struct semvals *sems;		/* sorted by id */
	size_t n_sems;

	struct birth *births;
	size_t n_births, cap_births;
	struct anim_ghost *ghosts;
	size_t n_ghosts, cap_ghosts;
	struct anim_flight *flights;
	size_t n_flights, cap_flights;
	struct token *tokens;
	size_t n_tokens, cap_tokens;
};

#define GROW(arr, n, cap)                                                        \
	do {                                                                     \
		if ((n) == (cap)) {                                              \
			(cap) = (cap) ? (cap) * 2 : 16;                          \
			(arr) = xreallocarray((arr), (cap), sizeof(*(arr)));     \
		}                                                                \
	} while (0)

struct anim *anim_new(void)
{
	return xcalloc(1, sizeof(struct anim));
}

static void free_gauges(struct gauge *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(g[i].id);
	free(g);
}

static void free_memo(struct memo *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].id);
		free(m[i].label);
	}
	free(m);
}

static void free_sems(struct semvals *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].values);
	}
	free(v);
}

void anim_free(struct anim *a)
{
	if (!a)
		return;
	free_gauges(a->gauges, a->n_gauges);
	free_memo(a->memo, a->n_memo);
	free_sems(a->sems, a->n_sems);
	for (size_t i = 0; i < a->n_births; i++)
		free(a->births[i].id);
	free(a->births);
	for (size_t i = 0; i < a->n_ghosts; i++) {
		free(a->ghosts[i].id);
		free(a->ghosts[i].label);
	}
	free(a->ghosts);
	free(a->flights);
	for (size_t i = 0; i < a->n_tokens; i++)
		free(a->tokens[i].id);
	free(a->tokens);
	free(a);
}

/* ---- gauges ---- */

static double ease(double t)
{
	if (!(t > 0))
		return 0;
	if (t >= 1)
		return 1;
	return t * t * (3 - 2 * t);	/* smoothstep: starts and stops gently */
}

static double progress(const struct anim *a, double now)
{
	return a->dur > 0 ? ease((now - a->t0) / a->dur) : 1;
}

static int cmp_gauge(const void *x, const void *y)
{
	return strcmp(((const struct gauge *)x)->id, ((const struct gauge *)y)->id);
}

static const struct gauge *find_gauge(const struct gauge *g, size_t n, const char *id)
{
	struct gauge key = { .id = (char *)id };

	return n ? bsearch(&key, g, n, sizeof(key), cmp_gauge) : NULL;
}

static double frac(int64_t v, int64_t max)
{
	if (v < 0 || max <= 0)
		return -1;
	return v >= max ? 1 : (double)v / (double)max;
}

static void add_gauge(struct gauge **g, size_t *n, size_t *cap, const char *id, double target)
{
	GROW(*g, *n, *cap);
	(*g)[*n].id = xstrdup(id);
	(*g)[*n].from = target;
	(*g)[*n].to = target;
	(*n)++;
}

/* The gauges of s: queue depth, pipe fill, POSIX queue messages. */
static void new_gauges(struct anim *a, const struct snapshot *s, double now)
{
	struct gauge *g = NULL;
	size_t n = 0, cap = 0;
	char id[FMT_ID_MAX];
	double p = progress(a, now);

	for (size_t i = 0; i < s->n_msgqs; i++)
		add_gauge(&g, &n, &cap, fmt_id_msgq(s->msgqs[i].perm.id, id, sizeof(id)),
			  frac(s->msgqs[i].bytes, s->msgqs[i].max_bytes));
	for (size_t i = 0; i < s->n_pipes; i++)
		add_gauge(&g, &n, &cap, fmt_id_pipe(&s->pipes[i], id, sizeof(id)),
			  frac(s->pipes[i].queued_bytes, s->pipes[i].capacity));
	for (size_t i = 0; i < s->n_pmqs; i++)
		add_gauge(&g, &n, &cap, fmt_id_pmq(s->pmqs[i].name, id, sizeof(id)),
			  frac(s->pmqs[i].messages, s->pmqs[i].max_messages));
	if (n > 1)
		qsort(g, n, sizeof(*g), cmp_gauge);
	/* each starts from what was on screen at this moment */
	for (size_t i = 0; i < n; i++) {
		const struct gauge *old = find_gauge(a->gauges, a->n_gauges, g[i].id);

		if (old && old->from >= 0 && old->to >= 0 && g[i].to >= 0)
			g[i].from = old->from + (old->to - old->from) * p;
	}
	free_gauges(a->gauges, a->n_gauges);
	a->gauges = g;
	a->n_gauges = n;
}

double anim_gauge(const struct anim *a, const char *id, double target, double now)
{
	const struct gauge *g = find_gauge(a->gauges, a->n_gauges, id);

	if (!g || target < 0 || g->to != target || g->from < 0)
		return target;
	return g->from + (g->to - g->from) * progress(a, now);
}

/* ---- nodes coming and going ---- */

static int cmp_memo(const void *x, const void *y)
{
	return strcmp(((const struct memo *)x)->id, ((const struct memo *)y)->id);
}

static const struct memo *find_memo(const struct memo *m, size_t n, const char *id)
{
	struct memo key = { .id = (char *)id };

	return n ? bsearch(&key, m, n, sizeof(key), cmp_memo) : NULL;
}

static char *node_label(const struct topo_node *n)
{
	char buf[FMT_ID_MAX + 64];

	if (n->kind == TOPO_PROC) {
		const struct proc_rec *p = n->rec;

		snprintf(buf, sizeof(buf), "%d %s", (int)p->pid, p->comm ? p->comm : "?");
		return xstrdup(buf);
	}
	return xstrdup(n->id);
}

static void drop_ghost(struct anim *a, size_t i)
{
	free(a->ghosts[i].id);
	free(a->ghosts[i].label);
	a->ghosts[i] = a->ghosts[--a->n_ghosts];
}

static void new_nodes(struct anim *a, const struct topo_graph *g, double now, bool first)
{
	struct memo *m = xcalloc(g->n_nodes ? g->n_nodes : 1, sizeof(*m));
	size_t n = g->n_nodes;

	for (size_t i = 0; i < n; i++) {
		m[i].id = xstrdup(g->nodes[i].id);
		m[i].kind = g->nodes[i].kind;
		m[i].label = node_label(&g->nodes[i]);
	}
	if (n > 1)
		qsort(m, n, sizeof(*m), cmp_memo);
	if (!first) {
		for (size_t i = 0; i < n; i++) {
			if (find_memo(a->memo, a->n_memo, m[i].id))
				continue;
			GROW(a->births, a->n_births, a->cap_births);
			a->births[a->n_births].id = xstrdup(m[i].id);
			a->births[a->n_births++].since = now;
			/* back before its ghost faded: no ghost */
			for (size_t k = 0; k < a->n_ghosts; k++)
				if (strcmp(a->ghosts[k].id, m[i].id) == 0) {
					drop_ghost(a, k);
					break;
				}
		}
		for (size_t i = 0; i < a->n_memo; i++) {
			if (find_memo(m, n, a->memo[i].id) || a->n_ghosts >= MAX_GHOSTS)
				continue;
			GROW(a->ghosts, a->n_ghosts, a->cap_ghosts);
			a->ghosts[a->n_ghosts].id = xstrdup(a->memo[i].id);
			a->ghosts[a->n_ghosts].kind = a->memo[i].kind;
			a->ghosts[a->n_ghosts].label = xstrdup(a->memo[i].label);
			a->ghosts[a->n_ghosts++].since = now;
		}
	}
	free_memo(a->memo, a->n_memo);
	a->memo = m;
	a->n_memo = n;
}

double anim_birth(const struct anim *a, const char *id, double now)
{
	for (size_t i = 0; i < a->n_births; i++)
		if (strcmp(a->births[i].id, id) == 0) {
			double t = (now - a->births[i].since) / ANIM_FADE;

			return t < 0 ? 0 : t > 1 ? 1 : t;
		}
	return 1;
}

const struct anim_ghost *anim_ghosts(struct anim *a, double now, size_t *n)
{
	for (size_t i = 0; i < a->n_ghosts;) {
		if (now - a->ghosts[i].since > ANIM_FADE || now < a->ghosts[i].since)
			drop_ghost(a, i);
		else
			i++;
	}
	*n = a->n_ghosts;
	return a->ghosts;
}

static void prune_births(struct anim *a, double now)
{
	for (size_t i = 0; i < a->n_births;) {
		if (now - a->births[i].since > ANIM_FADE || now < a->births[i].since) {
			free(a->births[i].id);
			a->births[i] = a->births[--a->n_births];
		} else {
			i++;
		}
	}
}

/* ---- signals ---- */

static void new_flights(struct anim *a, const struct snapshot *s, double now, double interval)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_sigevents; i++)
		n += !s->sigevents[i].inferred;
	for (size_t i = 0, k = 0; i < s->n_sigevents && a->n_flights < MAX_FLIGHTS; i++) {
		const struct sig_event *e = &s->sigevents[i];
		struct anim_flight *f;

		if (e->inferred || e->target_pid <= 0)
			continue;
		GROW(a->flights, a->n_flights, a->cap_flights);
		f = &a->flights[a->n_flights++];
		f->sender = e->sender_pid;
		f->target = e->target_pid;
		f->signo = e->signo;
		/* spread a burst over most of the interval, in the order they happened */
		f->start = now + (n > 1 ? (double)k * (interval * 0.8) / (double)n : 0);
		k++;
	}
}

const struct anim_flight *anim_flights(struct anim *a, double now, size_t *n)
{
	size_t k = 0;

	for (size_t i = 0; i < a->n_flights; i++)
		if (a->flights[i].start + ANIM_FLIGHT >= now)
			a->flights[k++] = a->flights[i];
	a->n_flights = k;
	*n = k;
	return a->flights;
}

/* ---- semaphore tokens ---- */

static int cmp_sem(const void *x, const void *y)
{
	return strcmp(((const struct semvals *)x)->id, ((const struct semvals *)y)->id);
}

static void set_token(struct anim *a, const char *id, int semnum, int64_t from, double now)
{
	for (size_t i = 0; i < a->n_tokens; i++)
		if (a->tokens[i].semnum == semnum && strcmp(a->tokens[i].id, id) == 0) {
			a->tokens[i].from = from;
			a->tokens[i].since = now;
			return;
		}
	GROW(a->tokens, a->n_tokens, a->cap_tokens);
	a->tokens[a->n_tokens].id = xstrdup(id);
	a->tokens[a->n_tokens].semnum = semnum;
	a->tokens[a->n_tokens].from = from;
	a->tokens[a->n_tokens++].since = now;
}

static void new_tokens(struct anim *a, const struct snapshot *s, double now)
{
	struct semvals *v = xcalloc(s->n_sems ? s->n_sems : 1, sizeof(*v));
	char id[FMT_ID_MAX];

	for (size_t i = 0; i < a->n_tokens;) {
		if (now - a->tokens[i].since > ANIM_TOKEN || now < a->tokens[i].since) {
			free(a->tokens[i].id);
			a->tokens[i] = a->tokens[--a->n_tokens];
		} else {
			i++;
		}
	}
	for (size_t i = 0; i < s->n_sems; i++) {
		const struct sem_rec *sm = &s->sems[i];

		v[i].id = xstrdup(fmt_id_sem(sm->perm.id, id, sizeof(id)));
		v[i].n = sm->nsems;
		if (sm->values && sm->nsems > 0) {
			v[i].values = xcalloc((size_t)sm->nsems, sizeof(int64_t));
			memcpy(v[i].values, sm->values, (size_t)sm->nsems * sizeof(int64_t));
		}
	}
	if (s->n_sems > 1)
		qsort(v, s->n_sems, sizeof(*v), cmp_sem);
	for (size_t i = 0; i < s->n_sems; i++) {
		struct semvals key = { .id = v[i].id };
		const struct semvals *old = a->n_sems ? bsearch(&key, a->sems, a->n_sems,
								sizeof(key), cmp_sem) : NULL;

		if (!old || !old->values || !v[i].values || old->n != v[i].n)
			continue;
		for (int k = 0; k < v[i].n; k++)
			if (old->values[k] != v[i].values[k])
				set_token(a, v[i].id, k, old->values[k], now);
	}
	free_sems(a->sems, a->n_sems);
	a->sems = v;
	a->n_sems = s->n_sems;
}

bool anim_token_change(const struct anim *a, const char *id, int semnum, double now,
		       int64_t *from, double *since)
{
	for (size_t i = 0; i < a->n_tokens; i++) {
		const struct token *t = &a->tokens[i];

		if (t->semnum == semnum && strcmp(t->id, id) == 0 && now >= t->since &&
		    now - t->since <= ANIM_TOKEN) {
			*from = t->from;
			*since = t->since;
			return true;
		}
	}
	return false;
}

/* ---- snapshots ---- */

void anim_snapshot(struct anim *a, const struct topo_graph *g, const struct snapshot *s,
		   double now, double interval)
{
	bool first = !a->fed;

	if (a->fed && s->time == a->last_time)
		return;
	if (!(interval > 0))
		interval = 1;
	new_gauges(a, s, now);
	new_nodes(a, g, now, first);
	prune_births(a, now);
	if (!first)
		new_flights(a, s, now, interval);
	new_tokens(a, s, now);
	a->t0 = now;
	a->dur = interval < 1 ? interval * 0.9 : 0.9;
	a->fed = true;
	a->last_time = s->time;
}

/* ---- packets ---- */

double anim_packet_speed(double rate)
{
	double r, v;
	int decades = 0;

	if (!(rate > 0))
		return 0;
	/* about 2 + 4 * log10(1 + rate / 64), without libm: whole decades, then linear */
	for (r = 1 + rate / 64; r >= 10 && decades < 10; r /= 10)
		decades++;
	v = 2 + 4 * (decades + (r - 1) / 9);
	return v > 24 ? 24 : v;
}

bool anim_packet_offset(double rate, double now, const char *seed, int spacing, double *offset)
{
	double v = anim_packet_speed(rate);
	unsigned h = 2166136261u;
	long long milli, period;

	if (v <= 0 || spacing <= 0 || !(now >= 0) || now > 1e12)
		return false;
	for (const char *p = seed ? seed : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	/* in thousandths of a cell, so no fmod is needed */
	period = (long long)spacing * 1000;
	milli = ((long long)(now * v * 1000) + (long long)(h % 997) * 1000) % period;
	*offset = (double)milli / 1000;
	return true;
}
