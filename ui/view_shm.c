/*
 * view_shm.c - the System V shared memory panel: size, attach count, the attached processes
 * (by pid and name) and "destroy pending" (IPC_RMID done, waiting for the last detach); plus
 * the segment detail page.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui/page.h"
#include "ui/panel.h"

/* "1234 writer,1240 reader" - the format.h cell says "?" or "-" when the list is unknown or
 * empty, and the same words are kept here. */
static const char *attached(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	const struct shm_rec *m = rec;
	size_t off = 0;
	char one[64];

	if (!m->attached_pids && m->nattch != 0) {
		snprintf(buf, len, "?");
		return buf;
	}
	if (m->n_attached == 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	buf[0] = 0;
	for (size_t i = 0; i < m->n_attached && off + 1 < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				 ui_pid_comm(f->snap, m->attached_pids[i], one, sizeof(one)));

		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

static const struct panel_col cols[] = {
	{ .type = PCOL_FMT, .title = "ID", .width = 10 },	/* SysV ids grow past 6 digits */
	{ .type = PCOL_FMT, .title = "KEY", .drop = 4 },
	{ .type = PCOL_FMT, .title = "PERMS", .drop = 6 },
	{ .type = PCOL_FMT, .title = "UID", .drop = 6 },
	{ .type = PCOL_FMT, .title = "SIZE" },
	{ .type = PCOL_FMT, .title = "NATTCH" },
	{ .type = PCOL_FMT, .title = "CPID", .drop = 3 },
	{ .type = PCOL_FMT, .title = "LPID", .drop = 3 },
	{ .type = PCOL_FMT, .title = "RSS", .drop = 5 },
	{ .type = PCOL_FMT, .title = "DEST" },
	{ .type = PCOL_TEXT, .title = "ATTACHED", .width = 0, .min = 14, .cell = attached },
};

static enum ui_role row_role(const struct ui_frame *f, const void *rec)
{
	const struct shm_rec *m = rec;

	(void)f;
	if (m->error)
		return ROLE_ERROR;
	return m->destroy_pending ? ROLE_WARN : ROLE_NORMAL;
}

static void detail(struct page *pg, const struct ui_frame *f, const void *rec)
{
	const struct shm_rec *m = rec;
	const struct snapshot *s = f->snap;
	char a[64], b[64];

	page_section(pg, "System V shared memory segment");
	page_field(pg, "id", "%d", m->perm.id);
	ui_page_sysv_perm(pg, &m->perm);
	page_field(pg, "size", "%s (%s bytes)", fmt_bytes(m->size, a, sizeof(a)),
		   fmt_int(m->size, b, sizeof(b)));
	page_field(pg, "resident / swapped", "%s / %s", fmt_bytes(m->rss, a, sizeof(a)),
		   fmt_bytes(m->swap, b, sizeof(b)));
	if (m->destroy_pending)
		page_field_role(pg, ROLE_WARN, "destroy pending",
				"yes: removed (IPC_RMID), freed when the last process detaches");
	else
		page_field(pg, "destroy pending", "no");

	page_section(pg, "Processes");
	page_field(pg, "attach count", "%s", fmt_int(m->nattch, a, sizeof(a)));
	if (!m->attached_pids && m->nattch != 0)
		page_field_role(pg, ROLE_ERROR, "attached", "? (no process's mappings could be read)");
	else
		ui_page_pids(pg, s, "attached", m->attached_pids, m->n_attached);
	page_field(pg, "creator", "%s", ui_pid_comm(s, m->creator_pid, a, sizeof(a)));
	page_field(pg, "last attach/detach", "%s", ui_pid_comm(s, m->last_pid, a, sizeof(a)));
	page_field(pg, "last attach", "%s", ui_time(m->atime, s->time, b, sizeof(b)));
	page_field(pg, "last detach", "%s", ui_time(m->dtime, s->time, b, sizeof(b)));
	page_field(pg, "last change", "%s", ui_time(m->ctime, s->time, b, sizeof(b)));
	if (m->error)
		page_field_role(pg, ROLE_ERROR, "unknown because", "%s", m->error);
}

const struct panel_def view_shm_panel = {
	.kind = FMT_SHM_SEGMENTS,
	.short_title = "Shm",
	.cols = cols,
	.n_cols = sizeof(cols) / sizeof(cols[0]),
	.row_role = row_role,
	.detail = detail,
	.empty = "no System V shared memory segments",
	.help = "System V shared memory segments (shmget). NATTCH counts attachments; "
		"ATTACHED names the processes that map the segment (read from their memory maps "
		"without attaching). DEST yes: the segment was removed and is destroyed when the "
		"last process detaches.",
};
