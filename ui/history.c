/*
 * history.c - the dashboard's timeline (see history.h): a ring of snapshot references for
 * the live dashboard, or a recording read through the JSON importer.
 *
 * Invariants (live): ring[(start + k) % cap] holds snapshot first + k for k < count; bytes is
 * the sum of their sizes. Deltas are not kept: snapshot_diff of two neighbours is the same
 * pure function the collector ran.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/arena.h"
#include "src/json_in.h"
#include "src/record.h"
#include "src/recording.h"
#include "ui/history.h"

struct history {
	struct rec_reader *reader;	/* replay; NULL live */
	struct snapshot **ring;		/* live */
	size_t *sizes;
	size_t cap, start, count, first, bytes;
};

struct history *history_new_live(void)
{
	struct history *h = xcalloc(1, sizeof(*h));

	h->cap = HISTORY_LIVE_MAX;
	h->ring = xcalloc(h->cap, sizeof(*h->ring));
	h->sizes = xcalloc(h->cap, sizeof(*h->sizes));
	return h;
}

struct history *history_new_replay(struct rec_reader *r)
{
	struct history *h = xcalloc(1, sizeof(*h));

	h->reader = r;
	return h;
}

static void drop_oldest(struct history *h)
{
	snapshot_unref(h->ring[h->start]);
	h->ring[h->start] = NULL;
	h->bytes -= h->sizes[h->start];
	h->start = (h->start + 1) % h->cap;
	h->count--;
	h->first++;
}

void history_free(struct history *h)
{
	if (!h)
		return;
	while (h->count)
		drop_oldest(h);
	free(h->ring);
	free(h->sizes);
	rec_reader_free(h->reader);
	free(h);
}

/* What a snapshot holds: its arena and record arrays (a filtered view: its base's too). */
static size_t snapshot_bytes(const struct snapshot *s)
{
	size_t n = sizeof(*s);

	for (; s; s = s->base)
		n += s->arena.used + s->cap_procs * sizeof(*s->procs) +
		     s->cap_threads * sizeof(*s->threads) + s->cap_pipes * sizeof(*s->pipes) +
		     s->cap_usocks * sizeof(*s->usocks) + s->cap_pmqs * sizeof(*s->pmqs) +
		     s->cap_pshms * sizeof(*s->pshms) + s->cap_psems * sizeof(*s->psems) +
		     s->cap_miscfds * sizeof(*s->miscfds) + s->cap_msgqs * sizeof(*s->msgqs) +
		     s->cap_shms * sizeof(*s->shms) + s->cap_sems * sizeof(*s->sems) +
		     s->cap_sigevents * sizeof(*s->sigevents) + s->cap_errors * sizeof(*s->errors);
	return n;
}

void history_push(struct history *h, struct snapshot *s)
{
	size_t slot, size = snapshot_bytes(s);

	if (h->reader)
		return;
	while (h->count && (h->count == h->cap || h->bytes + size > HISTORY_LIVE_BYTES ||
			    s->time - h->ring[h->start]->time > HISTORY_LIVE_SECONDS))
		drop_oldest(h);
	slot = (h->start + h->count) % h->cap;
	h->ring[slot] = snapshot_ref(s);
	h->sizes[slot] = size;
	h->bytes += size;
	h->count++;
}

size_t history_first(const struct history *h)
{
	return h->reader ? 0 : h->first;
}

size_t history_end(const struct history *h)
{
	return h->reader ? rec_reader_count(h->reader) : h->first + h->count;
}

static struct snapshot *live_at(const struct history *h, size_t i)
{
	return h->ring[(h->start + (i - h->first)) % h->cap];
}

double history_time(const struct history *h, size_t i)
{
	if (h->reader)
		return rec_reader_time(h->reader, i);
	return i >= h->first && i < h->first + h->count ? live_at(h, i)->time : NAN;
}

struct rec_reader *history_reader(struct history *h)
{
	return h->reader;
}

struct snapshot *history_get(struct history *h, size_t i, struct snapshot_delta **delta,
			     char *err, size_t len)
{
	*delta = NULL;
	if (i < history_first(h) || i >= history_end(h)) {
		snprintf(err, len, "snapshot #%zu is no longer kept", i);
		return NULL;
	}
	if (h->reader) {
		size_t n;
		const char *text = rec_reader_get(h->reader, i, &n);
		char why[256];
		struct snapshot *s;

		if (!text) {
			snprintf(err, len, "%s", rec_reader_problem(h->reader) ?
				 rec_reader_problem(h->reader) : "unreadable");
			return NULL;
		}
		s = json_in_snapshot(text, n, delta, why, sizeof(why));
		if (!s)
			snprintf(err, len, "snapshot #%zu: %s", i, why);
		return s;
	}
	if (i > h->first)
		*delta = snapshot_diff(live_at(h, i - 1), live_at(h, i));
	return snapshot_ref(live_at(h, i));
}

struct time_ctx {
	const struct history *h;
	size_t first;
};

static double time_of(const void *ctx, size_t i)
{
	const struct time_ctx *c = ctx;

	return history_time(c->h, c->first + i);
}

long history_resolve(const struct history *h, const char *when, char *err, size_t len)
{
	struct time_ctx c = { h, history_first(h) };
	long i = when_resolve(when, history_end(h) - c.first, time_of, &c, err, len);

	return i < 0 ? -1 : (long)c.first + i;
}

size_t history_bytes(const struct history *h)
{
	return h->bytes;
}
