/*
 * pipeline.c - sample -> filter -> diff (see pipeline.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "src/arena.h"
#include "src/filter.h"
#include "src/pipeline.h"

struct pipeline {
	struct sampler *sm;
	struct snapshot *prev;	/* the last view, for the delta */
	unsigned prev_gen;	/* the sets it was taken under */
};

struct pipeline *pipeline_new(struct sampler *sm)
{
	struct pipeline *p = xcalloc(1, sizeof(*p));

	p->sm = sm;
	return p;
}

void pipeline_free(struct pipeline *p)
{
	if (!p)
		return;
	snapshot_unref(p->prev);
	sampler_free(p->sm);
	free(p);
}

/* The --pid view of s for pids plus roots and their descendants (s is consumed). */
static struct snapshot *filter_sets(struct snapshot *s, const pid_t *pids, size_t n_pids,
				    const pid_t *roots, size_t n_roots)
{
	struct snapshot *f;
	pid_t *all = NULL;
	size_t n = 0;

	if (!n_pids && !n_roots)
		return s;
	if (n_roots) {
		pid_t *desc = NULL;
		size_t n_desc = filter_descendants(s, roots, n_roots, &desc);

		all = xreallocarray(NULL, n_desc + n_pids + 1, sizeof(*all));
		if (n_desc)
			memcpy(all, desc, n_desc * sizeof(*all));
		if (n_pids)
			memcpy(all + n_desc, pids, n_pids * sizeof(*all));
		n = n_desc + n_pids;
		free(desc);
	}
	f = filter_apply(s, all ? all : pids, all ? n : n_pids);
	free(all);
	snapshot_unref(s);
	return f;
}

int pipeline_take(struct pipeline *p, const pid_t *pids, size_t n_pids, const pid_t *roots,
		  size_t n_roots, struct snapshot **view)
{
	struct snapshot *s = NULL;
	int rc = sampler_take(p->sm, &s);

	if (rc < 0)
		return rc;
	*view = filter_sets(s, pids, n_pids, roots, n_roots);
	return 0;
}

struct snapshot_delta *pipeline_diff(struct pipeline *p, struct snapshot *view, unsigned gen)
{
	struct snapshot_delta *d = p->prev && p->prev_gen == gen ? snapshot_diff(p->prev, view) : NULL;

	snapshot_unref(p->prev);
	p->prev = snapshot_ref(view);
	p->prev_gen = gen;
	return d;
}
