/*
 * view_msgq.c - the System V message queues panel: a depth gauge of queued bytes against the
 * queue's limit (msg_qbytes), message count, rates from the snapshot delta, and the last
 * sender and receiver by pid and name; plus the queue detail page.
 */
#include "config.h"

#include <stdio.h>

#include "ui/endpoints.h"
#include "ui/page.h"
#include "ui/panel.h"

static double depth(const struct ui_frame *f, const void *rec)
{
	const struct msgq_rec *q = rec;

	(void)f;
	if (q->bytes < 0 || q->max_bytes <= 0)
		return -1;
	return (double)q->bytes / (double)q->max_bytes;
}

static const char *sender(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	return ui_pid_comm(f->snap, ((const struct msgq_rec *)rec)->last_send_pid, buf, len);
}

static const char *receiver(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	return ui_pid_comm(f->snap, ((const struct msgq_rec *)rec)->last_recv_pid, buf, len);
}

/* Dropped first on a narrow screen: ownership, then the limit and percentage (the gauge
 * shows them), then the receiver and the message rate; the last sender and the byte rate
 * stay down to the minimum width. */
static const struct panel_col cols[] = {
	{ .type = PCOL_FMT, .title = "ID", .width = 10 },	/* SysV ids grow past 6 digits */
	{ .type = PCOL_FMT, .title = "KEY", .drop = 6 },
	{ .type = PCOL_FMT, .title = "PERMS", .drop = 7 },
	{ .type = PCOL_FMT, .title = "UID", .drop = 7 },
	{ .type = PCOL_FMT, .title = "MSGS" },
	{ .type = PCOL_FMT, .title = "BYTES" },
	{ .type = PCOL_FMT, .title = "MAX", .drop = 5 },
	{ .type = PCOL_BAR, .title = "DEPTH", .width = 0, .fraction = depth },
	{ .type = PCOL_FMT, .title = "FILL", .drop = 5 },
	{ .type = PCOL_FMT, .title = "MSG/S", .drop = 3 },
	{ .type = PCOL_FMT, .title = "B/S", .drop = 2 },
	{ .type = PCOL_TEXT, .title = "SENDER", .width = 0, .min = 13, .drop = 1, .cell = sender },
	{ .type = PCOL_TEXT, .title = "RECEIVER", .width = 0, .min = 13, .drop = 4,
	  .cell = receiver },
};

static enum ui_role row_role(const struct ui_frame *f, const void *rec)
{
	double d = depth(f, rec);

	if (((const struct msgq_rec *)rec)->error)
		return ROLE_ERROR;
	return d > 0.85 ? ROLE_WARN : ROLE_NORMAL;
}

static void detail(struct page *pg, const struct ui_frame *f, const void *rec)
{
	const struct msgq_rec *q = rec;
	const struct snapshot *s = f->snap;
	char a[64], b[64], id[FMT_ID_MAX];
	const struct delta_rate *rt;
	double d = depth(f, rec);

	page_section(pg, "System V message queue");
	page_field(pg, "id", "%d", q->perm.id);
	ui_page_sysv_perm(pg, &q->perm);

	page_section(pg, "Contents");
	page_field(pg, "messages", "%s", fmt_int(q->messages, a, sizeof(a)));
	page_field(pg, "bytes queued", "%s", fmt_int(q->bytes, a, sizeof(a)));
	if (q->max_bytes >= 0)
		page_field(pg, "limit (msg_qbytes)", "%lld bytes", (long long)q->max_bytes);
	else
		page_field_role(pg, ROLE_ERROR, "limit (msg_qbytes)", "? %s",
				q->error ? q->error : "(not readable)");
	if (d >= 0)
		page_field(pg, "full", "%.1f%% (a sender blocks when the next message would "
			   "not fit)", d * 100);

	page_section(pg, "Traffic");
	page_field(pg, "last sender", "%s", ui_pid_comm(s, q->last_send_pid, a, sizeof(a)));
	page_field(pg, "last send", "%s", ui_time(q->stime, s->time, b, sizeof(b)));
	page_field(pg, "last receiver", "%s", ui_pid_comm(s, q->last_recv_pid, a, sizeof(a)));
	page_field(pg, "last receive", "%s", ui_time(q->rtime, s->time, b, sizeof(b)));
	page_field(pg, "last change", "%s", ui_time(q->ctime, s->time, b, sizeof(b)));
	fmt_id_msgq(q->perm.id, id, sizeof(id));
	ep_page_traffic(pg, f, id, true);
	rt = f->delta ? snapshot_delta_rate(f->delta, id) : NULL;
	if (rt && (rt->sent || rt->received))
		page_field(pg, "seen", "%s%s%s", rt->sent ? "sends" : "",
			   rt->sent && rt->received ? " and " : "", rt->received ? "receives" : "");
	if (q->error)
		page_field_role(pg, ROLE_ERROR, "unknown because", "%s", q->error);
}

const struct panel_def view_msgq_panel = {
	.kind = FMT_MSG_QUEUES,
	.short_title = "Queues",
	.cols = cols,
	.n_cols = sizeof(cols) / sizeof(cols[0]),
	.row_role = row_role,
	.detail = detail,
	.empty = "no System V message queues",
	.help = "System V message queues (msgget). DEPTH is a gauge of the bytes queued "
		"against the queue's limit (msg_qbytes; a sender blocks when it is full), FILL "
		"the same in percent. MSG/S and B/S are the throughput where it was counted, "
		"\"?\" where it was not (the detail shows the fill change: the net change of what is "
		"queued per second, positive filling, negative draining). SENDER and RECEIVER are the last "
		"processes to send and receive.",
};
