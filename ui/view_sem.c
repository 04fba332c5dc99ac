/*
 * view_sem.c - the System V semaphore sets panel: every value and the waiters for an
 * increase and for zero; plus the set detail page, one line per semaphore.
 */
#include "config.h"

#include <stdio.h>

#include "ui/page.h"
#include "ui/panel.h"

static const struct panel_col cols[] = {
	{ .type = PCOL_FMT, .title = "ID", .width = 10 },	/* SysV ids grow past 6 digits */
	{ .type = PCOL_FMT, .title = "KEY", .drop = 4 },
	{ .type = PCOL_FMT, .title = "PERMS", .drop = 6 },
	{ .type = PCOL_FMT, .title = "UID", .drop = 6 },
	{ .type = PCOL_FMT, .title = "NSEMS", .drop = 2 },
	{ .type = PCOL_FMT, .title = "VALUES", .fit = true },	/* one value per semaphore */
	{ .type = PCOL_FMT, .title = "WAIT+", .fit = true },
	{ .type = PCOL_FMT, .title = "WAIT0", .drop = 1, .fit = true },
	{ .type = PCOL_FMT, .title = "LASTPIDS", .drop = 3 },
};

static bool has_waiters(const struct sem_rec *sm)
{
	for (int i = 0; i < sm->nsems; i++)
		if ((sm->wait_increase && sm->wait_increase[i] > 0) ||
		    (sm->wait_zero && sm->wait_zero[i] > 0))
			return true;
	return false;
}

static enum ui_role row_role(const struct ui_frame *f, const void *rec)
{
	const struct sem_rec *sm = rec;

	(void)f;
	if (sm->error)
		return ROLE_ERROR;
	return has_waiters(sm) ? ROLE_WARN : ROLE_NORMAL;
}

static const char *val(const int64_t *arr, int i, char *buf, size_t len)
{
	return arr ? fmt_int(arr[i], buf, len) : "?";
}

static void detail(struct page *pg, const struct ui_frame *f, const void *rec)
{
	const struct sem_rec *sm = rec;
	const struct snapshot *s = f->snap;
	char a[32], b[32], c[32], d[64], label[32];

	page_section(pg, "System V semaphore set");
	page_field(pg, "id", "%d", sm->perm.id);
	ui_page_sysv_perm(pg, &sm->perm);
	page_field(pg, "semaphores", "%d", sm->nsems);
	page_field(pg, "last operation", "%s", ui_time(sm->otime, s->time, d, sizeof(d)));
	page_field(pg, "last change", "%s", ui_time(sm->ctime, s->time, d, sizeof(d)));

	page_section(pg, "Semaphores");
	if (!sm->values)
		page_field_role(pg, ROLE_ERROR, "values", "? %s", sm->error ? sm->error : "(not readable)");
	for (int i = 0; i < sm->nsems; i++) {
		bool waiting = (sm->wait_increase && sm->wait_increase[i] > 0) ||
			       (sm->wait_zero && sm->wait_zero[i] > 0);
		pid_t lp = sm->last_pids && sm->last_pids[i] >= 0 ? (pid_t)sm->last_pids[i] : 0;

		snprintf(label, sizeof(label), "#%d", i);
		page_field_role(pg, waiting ? ROLE_WARN : ROLE_NORMAL, label,
				"value %s   waiting for increase %s, for zero %s   last %s",
				val(sm->values, i, a, sizeof(a)), val(sm->wait_increase, i, b, sizeof(b)),
				val(sm->wait_zero, i, c, sizeof(c)),
				sm->last_pids ? ui_pid_comm(s, lp, d, sizeof(d)) : "?");
	}
	if (sm->error)
		page_field_role(pg, ROLE_ERROR, "unknown because", "%s", sm->error);
}

const struct panel_def view_sem_panel = {
	.kind = FMT_SEM_SETS,
	.short_title = "Sems",
	.cols = cols,
	.n_cols = sizeof(cols) / sizeof(cols[0]),
	.row_role = row_role,
	.detail = detail,
	.empty = "no System V semaphore sets",
	.help = "System V semaphore sets (semget). VALUES lists every semaphore's value; "
		"WAIT+ how many processes wait for each to increase (blocked in a P operation), "
		"WAIT0 how many wait for it to reach zero; LASTPIDS the last process to operate "
		"on each. A set with waiters is highlighted.",
};
