/*
 * view_posix.c - the POSIX IPC panels: message queues (messages against the limit, bytes,
 * the processes holding them open), shared memory objects (size, the processes mapping
 * them) and named semaphores (value, the processes mapping them); plus their detail pages,
 * one line per process so Enter opens it.
 *
 * Three panels rather than one table: each is a table of one kind of record, so selection,
 * search, removal (x) and the detail page work as for every other panel. They sit last in
 * the dashboard; when the screen is short they shrink to their title bars, which still show
 * how many objects there are.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui/endpoints.h"
#include "ui/page.h"
#include "ui/panel.h"

/* ---- message queues ---- */

static double pmq_depth(const struct ui_frame *f, const void *rec)
{
	const struct pmq_rec *q = rec;

	(void)f;
	if (q->messages < 0 || q->max_messages <= 0)
		return -1;
	return (double)q->messages / (double)q->max_messages;
}

static const char *pmq_holders(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	const struct pmq_rec *q = rec;

	return ep_end_list(f->snap, q->holders, q->n_holders, 0, 0, buf, len);
}

static const struct panel_col pmq_cols[] = {
	{ .type = PCOL_FMT, .title = "NAME", .width = 20 },
	{ .type = PCOL_FMT, .title = "MSGS" },
	{ .type = PCOL_FMT, .title = "MAX", .drop = 3 },
	{ .type = PCOL_BAR, .title = "DEPTH", .width = 8, .drop = 5, .fraction = pmq_depth },
	{ .type = PCOL_FMT, .title = "BYTES" },
	{ .type = PCOL_FMT, .title = "MSGSIZE", .drop = 4 },
	{ .type = PCOL_FMT, .title = "MSG/S", .drop = 2 },
	{ .type = PCOL_TEXT, .title = "HOLDERS", .width = 0, .min = 14, .drop = 1,
	  .cell = pmq_holders },
};

static enum ui_role pmq_role(const struct ui_frame *f, const void *rec)
{
	const struct pmq_rec *q = rec;

	if (q->error)
		return ROLE_ERROR;
	return pmq_depth(f, rec) >= 1 ? ROLE_WARN : ROLE_NORMAL;
}

/* One "PID comm (fd N)" line per process among ends. */
static void holder_lines(struct page *pg, const struct snapshot *s, const char *label,
			 const struct endpoint *e, size_t n)
{
	char who[64], fds[32];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		for (size_t j = 0; j < i && !dup; j++)
			dup = e[j].pid == e[i].pid;
		if (dup)
			continue;
		ep_fds_of(e, n, e[i].pid, 0, fds, sizeof(fds));
		page_field(pg, k++ ? "" : label, "%s (fd%s %s)", ui_pid_comm(s, e[i].pid, who, sizeof(who)),
			   strchr(fds, ',') ? "s" : "", fds);
	}
	if (!k)
		page_field_role(pg, ROLE_DIM, label, "no process has it open (it stays until "
				"mq_unlink)");
}

static void pmq_detail(struct page *pg, const struct ui_frame *f, const void *rec)
{
	const struct pmq_rec *q = rec;
	char a[64], b[64], id[FMT_ID_MAX];
	double d = pmq_depth(f, rec);

	fmt_id_pmq(q->name, id, sizeof(id));
	page_section(pg, "POSIX message queue");
	page_field(pg, "name", "/%s", q->name ? q->name : "?");
	page_field(pg, "inode", "%llu", (unsigned long long)q->inode);

	page_section(pg, "Contents");
	page_field(pg, "messages", "%s of at most %s", fmt_int(q->messages, a, sizeof(a)),
		   fmt_int(q->max_messages, b, sizeof(b)));
	if (d >= 0)
		page_field_role(pg, d >= 1 ? ROLE_WARN : ROLE_NORMAL, "full", "%.0f%% (mq_send "
				"blocks when it is full; mq_receive takes the highest priority first)",
				d * 100);
	page_field(pg, "bytes queued", "%s", fmt_int(q->bytes, a, sizeof(a)));
	page_field(pg, "message size limit", "%s bytes", fmt_int(q->message_size, a, sizeof(a)));
	ep_page_traffic(pg, f, id, true);

	page_section(pg, "Open in");
	holder_lines(pg, f->snap, "held by", q->holders, q->n_holders);
	if (q->error)
		page_field_role(pg, ROLE_ERROR, "unknown because", "%s", q->error);
}

const struct panel_def view_pmq_panel = {
	.kind = FMT_POSIX_MQUEUES,
	.short_title = "POSIX mq",
	.cols = pmq_cols,
	.n_cols = sizeof(pmq_cols) / sizeof(pmq_cols[0]),
	.row_role = pmq_role,
	.detail = pmq_detail,
	.empty = "no POSIX message queues",
	.help = "POSIX message queues (mq_open, /dev/mqueue). MSGS against MAX (the DEPTH "
		"gauge; mq_send blocks when it is full), BYTES queued, MSGSIZE the largest "
		"message allowed, MSG/S the throughput where it was counted, \"?\" where it "
		"was not (the detail shows the fill change). HOLDERS are the processes "
		"with the queue open. Read without receiving anything (mq_getattr).",
};

/* ---- shared memory ---- */

static const char *pshm_mappers(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	const struct pshm_rec *m = rec;

	return ep_pid_list(f->snap, m->mapped_pids, m->n_mapped, 0, buf, len);
}

static const struct panel_col pshm_cols[] = {
	{ .type = PCOL_FMT, .title = "NAME", .width = 24 },
	{ .type = PCOL_FMT, .title = "SIZE" },
	{ .type = PCOL_TEXT, .title = "MAPPED BY", .width = 0, .min = 14, .cell = pshm_mappers },
};

static enum ui_role pshm_role(const struct ui_frame *f, const void *rec)
{
	(void)f;
	return ((const struct pshm_rec *)rec)->error ? ROLE_ERROR : ROLE_NORMAL;
}

static void pshm_detail(struct page *pg, const struct ui_frame *f, const void *rec)
{
	const struct pshm_rec *m = rec;
	char a[32], b[32];

	page_section(pg, "POSIX shared memory");
	page_field(pg, "name", "/%s (/dev/shm/%s)", m->name ? m->name : "?", m->name ? m->name : "?");
	page_field(pg, "inode", "%llu", (unsigned long long)m->inode);
	page_field(pg, "size", "%s (%s bytes)", fmt_bytes(m->size, a, sizeof(a)),
		   fmt_int(m->size, b, sizeof(b)));
	page_section(pg, "Mapped by");
	if (m->n_mapped)
		ui_page_pids(pg, f->snap, "process", m->mapped_pids, m->n_mapped);
	else
		page_field_role(pg, ROLE_DIM, "process", "none (it stays until shm_unlink)");
	if (m->error)
		page_field_role(pg, ROLE_ERROR, "unknown because", "%s", m->error);
}

const struct panel_def view_pshm_panel = {
	.kind = FMT_POSIX_SHM,
	.short_title = "POSIX shm",
	.cols = pshm_cols,
	.n_cols = sizeof(pshm_cols) / sizeof(pshm_cols[0]),
	.row_role = pshm_role,
	.detail = pshm_detail,
	.empty = "no POSIX shared memory objects",
	.help = "POSIX shared memory objects (shm_open, /dev/shm): the SIZE and the processes "
		"that have them mapped (matched by inode in their memory maps). Nothing tells a "
		"reader that new data arrived: a semaphore usually goes with them.",
};

/* ---- named semaphores ---- */

static const char *psem_mappers(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	const struct psem_rec *m = rec;

	return ep_pid_list(f->snap, m->mapped_pids, m->n_mapped, 0, buf, len);
}

static const struct panel_col psem_cols[] = {
	{ .type = PCOL_FMT, .title = "NAME", .width = 24 },
	{ .type = PCOL_FMT, .title = "VALUE", .fit = true },	/* up to SEM_VALUE_MAX, 2147483647 */
	{ .type = PCOL_TEXT, .title = "MAPPED BY", .width = 0, .min = 14, .cell = psem_mappers },
};

static enum ui_role psem_role(const struct ui_frame *f, const void *rec)
{
	(void)f;
	return ((const struct psem_rec *)rec)->error ? ROLE_ERROR : ROLE_NORMAL;
}

static void psem_detail(struct page *pg, const struct ui_frame *f, const void *rec)
{
	const struct psem_rec *m = rec;

	page_section(pg, "POSIX named semaphore");
	page_field(pg, "name", "/%s (/dev/shm/sem.%s)", m->name ? m->name : "?",
		   m->name ? m->name : "?");
	page_field(pg, "inode", "%llu", (unsigned long long)m->inode);
	if (m->value >= 0)
		page_field(pg, "value", "%lld%s", (long long)m->value,
			   m->value == 0 ? " (sem_wait blocks until someone posts)" : "");
	else
		page_field_role(pg, ROLE_ERROR, "value", "? %s", m->error ? m->error : "");
	page_section(pg, "Mapped by");
	if (m->n_mapped)
		ui_page_pids(pg, f->snap, "process", m->mapped_pids, m->n_mapped);
	else
		page_field_role(pg, ROLE_DIM, "process", "none (it stays until sem_unlink)");
	if (m->error)
		page_field_role(pg, ROLE_ERROR, "unknown because", "%s", m->error);
}

const struct panel_def view_psem_panel = {
	.kind = FMT_POSIX_SEMS,
	.short_title = "POSIX sem",
	.cols = psem_cols,
	.n_cols = sizeof(psem_cols) / sizeof(psem_cols[0]),
	.row_role = psem_role,
	.detail = psem_detail,
	.empty = "no POSIX named semaphores",
	.help = "POSIX named semaphores (sem_open, /dev/shm/sem.NAME): the VALUE (read from a "
		"read-only mapping; 0 means sem_wait blocks) and the processes that have them "
		"mapped.",
};
