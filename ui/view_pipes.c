/*
 * view_pipes.c - the Pipes & FIFOs panel: for every pipe and FIFO, its writers -> readers as
 * "pid comm" lists, a fill gauge of the bytes queued against the capacity, the throughput
 * (where it was counted, "?" otherwise) and a FIFO's path ("(deleted)" once unlinked); plus the pipe
 * detail page, one line per end, so Enter on an end opens that process.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui/endpoints.h"
#include "ui/page.h"
#include "ui/panel.h"

static double fill(const struct ui_frame *f, const void *rec)
{
	const struct pipe_rec *p = rec;

	(void)f;
	if (p->queued_bytes < 0 || p->capacity <= 0)
		return -1;
	return (double)p->queued_bytes / (double)p->capacity;
}

/* "12 sh -> 15 cat,16 tee" */
static const char *ends(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	const struct pipe_rec *p = rec;
	char w[FMT_CELL_MAX], r[FMT_CELL_MAX];

	snprintf(buf, len, "%s %s %s",
		 ep_end_list(f->snap, p->ends, p->n_ends, FD_MODE_WRITE, 0, w, sizeof(w)),
		 ep_glyph_right(),
		 ep_end_list(f->snap, p->ends, p->n_ends, FD_MODE_READ, 0, r, sizeof(r)));
	return buf;
}

static const char *percent(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	double d = fill(f, rec);

	if (d < 0)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%d%%", (int)(d * 100));
	return buf;
}

static const char *rate(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	char id[FMT_ID_MAX];
	const char *ids[1] = { fmt_id_pipe(rec, id, sizeof(id)) };

	return ep_rate_text(f, ids, 1, buf, len);
}

/* Dropped first on a narrow screen: the kind (the path says FIFO), the capacity, the
 * percentage (the gauge shows it), the inode, the path, the rate; the ends, the gauge and the
 * bytes queued stay down to the minimum width. */
static const struct panel_col cols[] = {
	{ .type = PCOL_FMT, .title = "INODE", .drop = 3 },
	{ .type = PCOL_FMT, .title = "KIND", .drop = 6 },
	{ .type = PCOL_TEXT, .title = "WRITERS -> READERS", .width = 0, .min = 30, .cell = ends },
	{ .type = PCOL_BAR, .title = "FILL", .width = 10, .fraction = fill },
	{ .type = PCOL_FMT, .title = "QUEUED" },
	{ .type = PCOL_FMT, .title = "CAP", .drop = 5 },
	{ .type = PCOL_TEXT, .title = "%", .width = 4, .align = ALIGN_RIGHT, .drop = 4,
	  .cell = percent },
	{ .type = PCOL_TEXT, .title = "B/S", .width = 7, .align = ALIGN_RIGHT, .drop = 1,
	  .cell = rate },
	{ .type = PCOL_FMT, .title = "PATH", .min = 10, .drop = 2 },
};

static enum ui_role row_role(const struct ui_frame *f, const void *rec)
{
	const struct pipe_rec *p = rec;

	if (p->fill_error)
		return ROLE_ERROR;
	if (fill(f, rec) > 0.85)
		return ROLE_WARN;
	/* one side gone: the next write fails with EPIPE, or reads see end-of-file */
	if (!ep_count_procs(p->ends, p->n_ends, FD_MODE_READ, 0) ||
	    !ep_count_procs(p->ends, p->n_ends, FD_MODE_WRITE, 0))
		return ROLE_DIM;
	return ROLE_NORMAL;
}

/* One line per process among the ends with mode: "PID comm (fd N)". */
static void end_section(struct page *pg, const struct snapshot *s, const struct pipe_rec *p,
			unsigned mode, const char *title, const char *label, const char *none)
{
	char head[64], who[64], fds[32];
	size_t n = ep_count_procs(p->ends, p->n_ends, mode, 0), k = 0;

	snprintf(head, sizeof(head), "%s (%zu)", title, n);
	page_section(pg, head);
	for (size_t i = 0; i < p->n_ends; i++) {
		bool dup = false;

		if (!(p->ends[i].mode & mode))
			continue;
		for (size_t j = 0; j < i && !dup; j++)
			dup = p->ends[j].pid == p->ends[i].pid && (p->ends[j].mode & mode);
		if (dup)
			continue;
		ep_fds_of(p->ends, p->n_ends, p->ends[i].pid, mode, fds, sizeof(fds));
		page_field(pg, k++ ? "" : label, "%s (fd%s %s%s)",
			   ui_pid_comm(s, p->ends[i].pid, who, sizeof(who)),
			   strchr(fds, ',') ? "s" : "", fds,
			   p->ends[i].mode == FD_MODE_RDWR ? ", opened read+write" : "");
	}
	if (!n)
		page_field_role(pg, ROLE_WARN, label, "%s", none);
}

static void detail(struct page *pg, const struct ui_frame *f, const void *rec)
{
	const struct pipe_rec *p = rec;
	const struct snapshot *s = f->snap;
	char a[64], id[FMT_ID_MAX];
	double d = fill(f, rec);
	size_t k = 0;

	fmt_id_pipe(p, id, sizeof(id));
	page_section(pg, p->kind == PIPE_FIFO ? "FIFO (named pipe)" : "Anonymous pipe");
	page_field(pg, "id", "%s", id);
	if (p->kind == PIPE_FIFO) {
		page_field(pg, "path", "%s", p->path ? p->path : "? (not known)");
		if (p->deleted)
			page_field_role(pg, ROLE_WARN, "deleted", "yes: the name was unlinked; the "
					"FIFO lives on while it is open");
	} else {
		page_field_role(pg, ROLE_DIM, "made by", "pipe(): it reaches other processes only "
				"through fork (inherited descriptors)");
	}
	page_field(pg, "device / inode", "%llu / %llu", (unsigned long long)p->dev,
		   (unsigned long long)p->inode);

	page_section(pg, "Contents");
	if (p->queued_bytes >= 0)
		page_field(pg, "queued", "%s (%lld bytes)", fmt_bytes(p->queued_bytes, a, sizeof(a)),
			   (long long)p->queued_bytes);
	else
		page_field_role(pg, ROLE_ERROR, "queued", "? %s", p->fill_error ? p->fill_error : "");
	if (p->capacity >= 0)
		page_field(pg, "capacity", "%s (%lld bytes)", fmt_bytes(p->capacity, a, sizeof(a)),
			   (long long)p->capacity);
	else
		page_field_role(pg, ROLE_ERROR, "capacity", "? %s", p->fill_error ? p->fill_error : "");
	if (d >= 0)
		page_field_role(pg, d > 0.85 ? ROLE_WARN : ROLE_NORMAL, "full", "%.1f%% (a write "
				"blocks when it does not fit; a read blocks while it is empty)", d * 100);
	ep_page_traffic(pg, f, id, false);

	end_section(pg, s, p, FD_MODE_WRITE, "Writers", "writer",
		    "nobody: readers see end-of-file once it is empty");
	end_section(pg, s, p, FD_MODE_READ, "Readers", "reader",
		    "nobody: the next write fails with EPIPE (SIGPIPE)");

	/* who sleeps on it: readers of an empty pipe, writers of a full one, FIFO openers */
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct proc_rec *pr = &s->procs[i];

		if (!pr->waiting.object || strcmp(pr->waiting.object, id) != 0)
			continue;
		if (!k++)
			page_section(pg, "Blocked on it");
		page_field_role(pg, ROLE_WARN, k == 1 ? "blocked" : "", "%s (%s)",
				ui_pid_comm(s, pr->pid, a, sizeof(a)), wait_kind_name(pr->waiting.kind));
	}
	if (p->fill_error)
		page_field_role(pg, ROLE_ERROR, "unknown because", "%s", p->fill_error);
}

const struct panel_def view_pipes_panel = {
	.kind = FMT_PIPES,
	.short_title = "Pipes",
	.cols = cols,
	.n_cols = sizeof(cols) / sizeof(cols[0]),
	.row_role = row_role,
	.detail = detail,
	.empty = "no pipes or FIFOs",
	.help = "Anonymous pipes and FIFOs (named pipes), one row each: the processes "
		"holding the write end -> those holding the read end (\"pid comm\"; an end "
		"opened read+write is on both sides). FILL is a gauge of the bytes queued against "
		"the capacity (64K by default; a writer blocks when it is full), QUEUED and CAP "
		"the same in bytes. B/S is the throughput where it was counted, \"?\" where it "
		"was not (the detail says why, and shows the fill change: the net change of what is "
		"queued). PATH is a FIFO's name, \"(deleted)\" once "
		"unlinked. Dim rows have lost their readers or writers.",
};
