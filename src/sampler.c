/*
 * sampler.c - one snapshot = every probe (collect.c), then every analysis pass, then seal.
 *
 * Analysis passes compute relationships once, in the model (what a process waits on, the
 * wait-for graph, deadlocks, orphans' original parents); views only read the results.
 * Each pass sees the snapshot sorted (snapshot_find_* work) but not yet sealed, and the
 * previous sealed snapshot (NULL the first time). Passes run in table order.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "probes/collect.h"
#include "src/lifecycle.h"
#include "src/sampler.h"
#include "src/waitgraph.h"
#include "src/waiting.h"

typedef void (*analysis_pass_fn)(struct snapshot *cur, const struct snapshot *prev);

static const analysis_pass_fn passes[] = {
	lifecycle_pass,		/* zombies, orphans, inferred signal events */
	waiting_pass,		/* what each blocked process waits on */
	waitgraph_pass,		/* after waiting: deadlock cycles and stalls */
	NULL,
};

struct sampler {
	struct collector *col;
	struct snapshot *prev;
	bool trace_signals;	/* the signal trace was asked for */
};

struct sampler *sampler_new(const struct collect_opts *opts, int *err)
{
	struct collector *col = collector_new(opts, err);
	struct sampler *sm;

	if (!col)
		return NULL;
	sm = xcalloc(1, sizeof(*sm));
	sm->col = col;
	sm->trace_signals = opts->trace_signals;
	return sm;
}

void sampler_free(struct sampler *sm)
{
	if (!sm)
		return;
	collector_free(sm->col);
	snapshot_unref(sm->prev);
	free(sm);
}

/* Passes that are off by choice, or whose being off loses nothing, are informational, never
 * an error: without the BPF descriptor or mappings iterator the same lists come from
 * /proc/<pid>/fd and maps (probes/collect.h); the signal trace off when it was not asked for
 * (--once). */
static void mark_informational(const struct sampler *sm, struct snapshot *s)
{
	for (size_t i = 0; i < s->n_sources; i++) {
		const struct snap_source *src = &s->sources[i];

		if (!src->ok && (COLLECT_SOURCE_IS_PATH_CHOICE(src->name) ||
				 (!sm->trace_signals &&
				  strcmp(src->name, COLLECT_SIG_TRACE_SOURCE) == 0)))
			snapshot_set_source_state(s, src->name, SOURCE_INFORMATIONAL, src->error);
	}
}

void sampler_cleanup_signal_safe(void)
{
	collector_cleanup_signal_safe();
}

void sampler_cancel(struct sampler *sm)
{
	collector_cancel(sm->col);
}

int sampler_take(struct sampler *sm, struct snapshot **out)
{
	struct snapshot *s = NULL;
	int rc = collector_collect(sm->col, &s);

	if (rc < 0) {
		snapshot_unref(s);
		return rc;
	}
	mark_informational(sm, s);
	snapshot_sort(s);
	for (size_t i = 0; passes[i]; i++)
		passes[i](s, sm->prev);
	snapshot_seal(s);
	snapshot_unref(sm->prev);
	sm->prev = snapshot_ref(s);
	*out = s;
	return 0;
}

const struct collector *sampler_collector(const struct sampler *sm)
{
	return sm->col;
}
