/*
 * demo_log.c - the dashboard's record of a running demo, fed one stream record at a time
 * (see demo_log.h). The history is a ring of fixed-size entries, so a long-running demo
 * costs the same memory as a short one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/arena.h"
#include "ui/demo_log.h"

void demo_log_init(struct demo_log *l, const char *name)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name ? name : "");
	l->speed = 1;
	l->hist = xcalloc(DEMO_LOG_HISTORY, sizeof(*l->hist));
}

void demo_log_fini(struct demo_log *l)
{
	free(l->hist);
	free(l->procs);
	memset(l, 0, sizeof(*l));
}

/* ---- processes ---- */

static size_t proc_slot(const struct demo_log *l, pid_t pid, bool *found)
{
	size_t lo = 0, hi = l->n_procs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < l->n_procs && l->procs[lo].pid == pid;
	return lo;
}

/* Adds or updates a process; true when the pid is new. */
static bool proc_put(struct demo_log *l, pid_t pid, pid_t ppid, const char *role)
{
	bool found;
	size_t i = proc_slot(l, pid, &found);

	if (!found) {
		if (l->n_procs == l->cap_procs) {
			l->cap_procs = l->cap_procs ? l->cap_procs * 2 : 16;
			l->procs = xreallocarray(l->procs, l->cap_procs, sizeof(*l->procs));
		}
		memmove(&l->procs[i + 1], &l->procs[i], (l->n_procs - i) * sizeof(*l->procs));
		l->n_procs++;
		l->procs[i].pid = pid;
	}
	l->procs[i].ppid = ppid;
	snprintf(l->procs[i].role, sizeof(l->procs[i].role), "%s", role ? role : "");
	return !found;
}

const char *demo_log_role(const struct demo_log *l, pid_t pid)
{
	bool found;
	size_t i = proc_slot(l, pid, &found);

	return found ? l->procs[i].role : NULL;
}

size_t demo_log_pids(const struct demo_log *l, pid_t *out, size_t max)
{
	size_t n = l->n_procs < max ? l->n_procs : max;

	for (size_t i = 0; i < n; i++)
		out[i] = l->procs[i].pid;
	return n;
}

/* ---- history and highlight ---- */

static struct demo_log_entry *hist_push(struct demo_log *l)
{
	struct demo_log_entry *e = &l->hist[l->head];

	l->head = (l->head + 1) % DEMO_LOG_HISTORY;
	if (l->n_hist < DEMO_LOG_HISTORY)
		l->n_hist++;
	memset(e, 0, sizeof(*e));
	return e;
}

const struct demo_log_entry *demo_log_entry(const struct demo_log *l, size_t i)
{
	if (i >= l->n_hist)
		return NULL;
	return &l->hist[(l->head + DEMO_LOG_HISTORY - 1 - i) % DEMO_LOG_HISTORY];
}

const struct demo_log_entry *demo_log_latest(const struct demo_log *l)
{
	for (size_t i = 0; i < l->n_hist; i++) {
		const struct demo_log_entry *e = demo_log_entry(l, i);

		if (e->kind == DEMO_ENTRY_CAPTION)
			return e;
	}
	return NULL;
}

size_t demo_log_split_ids(char *list, const char **ids, size_t max)
{
	size_t n = 0;
	char *p = list;

	while (p && *p && n < max) {
		char *comma = strchr(p, ','), *end;

		if (comma)
			*comma = '\0';
		while (*p == ' ')
			p++;
		end = p + strlen(p);
		while (end > p && end[-1] == ' ')
			*--end = '\0';
		if (*p)
			ids[n++] = p;
		p = comma ? comma + 1 : NULL;
	}
	return n;
}

static bool has_id(const char *const *ids, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return false;
}

static void set_highlight(struct demo_log *l, const char *objects, pid_t pid)
{
	size_t n;

	snprintf(l->hl_buf, sizeof(l->hl_buf), "%s", objects);
	n = demo_log_split_ids(l->hl_buf, l->hl, DEMO_LOG_HIGHLIGHT);
	/* duplicates out, keeping the first of each */
	l->n_hl = 0;
	for (size_t i = 0; i < n; i++)
		if (!has_id(l->hl, l->n_hl, l->hl[i]))
			l->hl[l->n_hl++] = l->hl[i];
	l->hl_pid[0] = '\0';
	if (pid > 0) {
		snprintf(l->hl_pid, sizeof(l->hl_pid), "pid:%d", (int)pid);
		if (has_id(l->hl, l->n_hl, l->hl_pid))
			l->hl_pid[0] = '\0';
		else if (l->n_hl < DEMO_LOG_HIGHLIGHT)
			l->hl[l->n_hl++] = l->hl_pid;
	}
}

const char *const *demo_log_highlight(const struct demo_log *l, size_t *n)
{
	*n = l->n_hl;
	return l->hl;
}

bool demo_log_highlighted(const struct demo_log *l, const char *id)
{
	return has_id(l->hl, l->n_hl, id);
}

/* ---- records ---- */

unsigned demo_log_feed(struct demo_log *l, const struct caption_rec *rec)
{
	struct demo_log_entry *e;
	const char *role;

	switch (rec->kind) {
	case CAPTION_STATUS:
		l->have_status = true;
		l->paused = rec->paused;
		l->speed = rec->speed;
		return DEMO_LOG_CHANGED;
	case CAPTION_PROCESS:
		return DEMO_LOG_CHANGED |
		       (proc_put(l, rec->pid, rec->ppid, rec->role) ? DEMO_LOG_PIDS : 0);
	case CAPTION_OBJECT:
		l->n_objects++;
		return DEMO_LOG_CHANGED;
	case CAPTION_READY:
		l->root = rec->pid;
		l->ready = true;
		return DEMO_LOG_CHANGED;
	case CAPTION_CAPTION:
		e = hist_push(l);
		e->kind = DEMO_ENTRY_CAPTION;
		e->step = rec->step;
		e->pid = rec->pid;
		role = demo_log_role(l, rec->pid);
		snprintf(e->role, sizeof(e->role), "%s", role ? role : "");
		snprintf(e->objects, sizeof(e->objects), "%s", rec->objects);
		snprintf(e->text, sizeof(e->text), "%s", rec->text);
		if (rec->step > l->last_step)
			l->last_step = rec->step;
		set_highlight(l, rec->objects, rec->pid);
		return DEMO_LOG_CHANGED;
	case CAPTION_DROPPED:
		l->dropped += rec->count;
		return DEMO_LOG_CHANGED;
	case CAPTION_RESTART:
		/* the old processes and objects are gone; new ones announce themselves */
		e = hist_push(l);
		e->kind = DEMO_ENTRY_RESTART;
		snprintf(e->text, sizeof(e->text), "restart: the demo's processes were killed and "
			 "its objects removed; the scenario starts again");
		l->restarts++;
		l->ready = false;
		l->n_objects = 0;
		l->n_procs = 0;
		l->n_hl = 0;
		return DEMO_LOG_CHANGED | DEMO_LOG_PIDS;
	case CAPTION_ERROR:
		snprintf(l->error, sizeof(l->error), "%s", rec->text);
		return DEMO_LOG_CHANGED;
	case CAPTION_END:
		l->ended = true;
		snprintf(l->end_reason, sizeof(l->end_reason), "%s", rec->text);
		l->n_hl = 0;
		return DEMO_LOG_CHANGED | DEMO_LOG_ENDED;
	case CAPTION_UNKNOWN:
		break;
	}
	return 0;
}

const char *demo_log_state(const struct demo_log *l)
{
	if (l->ended)
		return l->error[0] || strcmp(l->end_reason, "error") == 0 ? "failed" : "ended";
	if (!l->have_status)
		return "starting";
	return l->paused ? "paused" : "running";
}

const char *demo_log_speed(double speed, char *buf, size_t len)
{
	if (speed <= 0)
		snprintf(buf, len, "full speed");
	else
		snprintf(buf, len, "%g step%s/s", speed, speed == 1 ? "" : "s");
	return buf;
}
