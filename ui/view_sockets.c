/*
 * view_sockets.c - the Unix sockets panel: each connected pair once, as "A <-> B" with the
 * processes holding either end (socketpairs, and a client with the server's accepted
 * socket); listeners with their pending connections against the backlog; clients still in
 * an accept queue; unread bytes, throughput and the path or @abstract name. Plus the socket
 * detail page, which shows both ends of a pair whichever of the two was opened.
 *
 * A pair's row is identified by its lower inode (ui/endpoints.h), so the selection stays
 * on it from one refresh to the next.
 */
#include "config.h"

#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/endpoints.h"
#include "ui/page.h"
#include "ui/panel.h"

static void build(struct panel *p, const struct ui_frame *f)
{
	const struct snapshot *s = f->snap;
	struct ep_sock_row *rows;
	size_t n;

	if (!s->n_usocks)
		return;
	rows = xcalloc(s->n_usocks, sizeof(*rows));
	n = ep_sock_rows(s, rows);
	for (size_t i = 0; i < n; i++)
		panel_add_row(p, rows[i].rec, NULL);
	free(rows);
}

static const char *holders(const struct snapshot *s, const struct usock_rec *u, char *buf,
			   size_t len)
{
	if (!u->n_holders) {
		snprintf(buf, len, "(no process)");
		return buf;
	}
	return ep_end_list(s, u->holders, u->n_holders, 0, 0, buf, len);
}

/* "12 client <-> 15 server", "12 client -> 20 server (accept queue)", "30 server" */
static const char *ends(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	struct ep_sock_row row;
	char a[FMT_CELL_MAX], b[FMT_CELL_MAX];

	ep_sock_row_of(f->snap, rec, &row);
	holders(f->snap, row.a, a, sizeof(a));
	switch (row.link) {
	case EP_SOCK_PAIR:
		snprintf(buf, len, "%s %s %s", a, ep_glyph_both(), holders(f->snap, row.b, b, sizeof(b)));
		break;
	case EP_SOCK_TO:
		snprintf(buf, len, "%s %s %s", a, ep_glyph_right(), holders(f->snap, row.b, b, sizeof(b)));
		break;
	case EP_SOCK_PENDING:
		snprintf(buf, len, "%s %s %s (not accepted yet)", a, ep_glyph_right(),
			 holders(f->snap, row.b, b, sizeof(b)));
		break;
	case EP_SOCK_UNSEEN:
		snprintf(buf, len, "%s %s ? (peer %llu not seen)", a, ep_glyph_both(),
			 (unsigned long long)row.a->peer_inode);
		break;
	case EP_SOCK_ALONE:
		snprintf(buf, len, "%s", a);
		break;
	}
	return buf;
}

/* Bytes waiting to be read: on both ends of a pair. */
static const char *unread(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	struct ep_sock_row row;
	int64_t q;

	ep_sock_row_of(f->snap, rec, &row);
	if (row.a->state == TCP_LISTEN) {
		snprintf(buf, len, "-");
		return buf;
	}
	q = row.a->queued_bytes;
	if (row.link == EP_SOCK_PAIR)
		q = q < 0 || row.b->queued_bytes < 0 ? SNAP_UNKNOWN : q + row.b->queued_bytes;
	return fmt_bytes(q, buf, len);
}

/* A listener's connections waiting in accept() against its backlog: "2/128". */
static const char *pending(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	const struct usock_rec *u = rec;
	char a[32], b[32];

	(void)f;
	if (u->state != TCP_LISTEN)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s/%s", fmt_int(u->pending_conns, a, sizeof(a)),
			 fmt_int(u->backlog, b, sizeof(b)));
	return buf;
}

static const char *rate(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	struct ep_sock_row row;
	char ia[FMT_ID_MAX], ib[FMT_ID_MAX];
	const char *ids[2];

	ep_sock_row_of(f->snap, rec, &row);
	if (row.a->state == TCP_LISTEN) {
		snprintf(buf, len, "-");
		return buf;
	}
	ids[0] = fmt_id_usock(row.a->inode, ia, sizeof(ia));
	ids[1] = row.link == EP_SOCK_PAIR ? fmt_id_usock(row.b->inode, ib, sizeof(ib)) : NULL;
	return ep_rate_text(f, ids, 2, buf, len);
}

static const char *path(const struct ui_frame *f, const void *rec, char *buf, size_t len)
{
	struct ep_sock_row row;
	const char *pth;

	ep_sock_row_of(f->snap, rec, &row);
	pth = ep_sock_row_path(&row);
	snprintf(buf, len, "%s", pth ? pth : "-");
	return buf;
}

/* Dropped first on a narrow screen: the type, the inode, the backlog, the path, the rate;
 * the state, the ends and the unread bytes stay. */
static const struct panel_col cols[] = {
	{ .type = PCOL_FMT, .title = "INODE", .drop = 3 },
	{ .type = PCOL_FMT, .title = "TYPE", .drop = 4 },
	{ .type = PCOL_FMT, .title = "STATE" },
	{ .type = PCOL_TEXT, .title = "ENDS", .width = 0, .min = 24, .cell = ends },
	{ .type = PCOL_TEXT, .title = "UNREAD", .width = 6, .align = ALIGN_RIGHT, .cell = unread },
	{ .type = PCOL_TEXT, .title = "ACCEPTQ", .width = 8, .align = ALIGN_RIGHT, .drop = 2,
	  .cell = pending },
	{ .type = PCOL_TEXT, .title = "B/S", .width = 7, .align = ALIGN_RIGHT, .drop = 1,
	  .cell = rate },
	{ .type = PCOL_TEXT, .title = "PATH", .width = 18, .drop = 2, .cell = path },
};

static enum ui_role row_role(const struct ui_frame *f, const void *rec)
{
	const struct usock_rec *u = rec;
	struct ep_sock_row row;

	if (u->state == TCP_LISTEN)
		return u->backlog > 0 && u->pending_conns >= u->backlog ? ROLE_WARN : ROLE_NORMAL;
	ep_sock_row_of(f->snap, rec, &row);
	if (row.link == EP_SOCK_PENDING)
		return ROLE_WARN;
	if (row.link == EP_SOCK_UNSEEN || !u->n_holders)
		return ROLE_DIM;
	return ROLE_NORMAL;
}

/* One socket of the detail page: its numbers and the processes holding it. */
static void one_end(struct page *pg, const struct ui_frame *f, const char *title,
		    const struct usock_rec *u)
{
	const struct snapshot *s = f->snap;
	char a[64], b[64], id[FMT_ID_MAX], fds[32];
	size_t k = 0;

	fmt_id_usock(u->inode, id, sizeof(id));
	page_section(pg, title);
	page_field(pg, "socket", "%s", id);
	page_field(pg, "type / state", "%s, %s", fmt_socktype(u->type), fmt_sockstate(u->state));
	page_field(pg, "path", "%s", u->path ? u->path : "- (not bound)");
	if (u->state == TCP_LISTEN) {
		page_field(pg, "waiting in accept", "%s of a backlog of %s",
			   fmt_int(u->pending_conns, a, sizeof(a)), fmt_int(u->backlog, b, sizeof(b)));
	} else {
		page_field(pg, "unread", "%s bytes (sent to this end, not read yet)",
			   fmt_int(u->queued_bytes, a, sizeof(a)));
		ep_page_traffic(pg, f, id, false);
	}
	for (size_t i = 0; i < u->n_holders; i++) {
		bool dup = false;

		for (size_t j = 0; j < i && !dup; j++)
			dup = u->holders[j].pid == u->holders[i].pid;
		if (dup)
			continue;
		ep_fds_of(u->holders, u->n_holders, u->holders[i].pid, 0, fds, sizeof(fds));
		page_field(pg, k++ ? "" : "held by", "%s (fd%s %s)",
			   ui_pid_comm(s, u->holders[i].pid, a, sizeof(a)),
			   strchr(fds, ',') ? "s" : "", fds);
	}
	if (!k)
		page_field_role(pg, ROLE_DIM, "held by", "no process that could be read");
}

static void detail(struct page *pg, const struct ui_frame *f, const void *rec)
{
	const struct usock_rec *u = rec;
	const struct snapshot *s = f->snap;
	struct ep_sock_row row;
	char t[128];

	ep_sock_row_of(s, u, &row);
	switch (row.link) {
	case EP_SOCK_PAIR:
		page_section(pg, "A connected pair");
		page_text(pg, ROLE_DIM, "Two sockets, each the other's peer: what one end sends, "
			  "the other reads (both ways). Enter on a process opens it.");
		one_end(pg, f, "End A", row.a);
		one_end(pg, f, "End B", row.b);
		break;
	case EP_SOCK_TO:
		one_end(pg, f, "Socket", row.a);
		snprintf(t, sizeof(t), "%s connected to (it is not connected back)", ep_glyph_right());
		one_end(pg, f, t, row.b);
		break;
	case EP_SOCK_PENDING:
		one_end(pg, f, "Client", row.a);
		snprintf(t, sizeof(t), "%s waits in the accept queue of", ep_glyph_right());
		one_end(pg, f, t, row.b);
		break;
	case EP_SOCK_UNSEEN:
		one_end(pg, f, "Socket", u);
		page_field_role(pg, ROLE_DIM, "peer", "socket inode %llu, not in this snapshot",
				(unsigned long long)u->peer_inode);
		break;
	case EP_SOCK_ALONE:
		one_end(pg, f, u->state == TCP_LISTEN ? "Listening socket" : "Socket", u);
		if (u->state == TCP_LISTEN) {
			size_t k = 0;

			page_section(pg, "Clients not accepted yet");
			for (size_t i = 0; i < s->n_usocks; i++) {
				struct ep_sock_row r2;
				char who[FMT_CELL_MAX], id[FMT_ID_MAX];

				ep_sock_row_of(s, &s->usocks[i], &r2);
				if (r2.link != EP_SOCK_PENDING || r2.b != u || r2.rec != &s->usocks[i])
					continue;
				page_field_role(pg, ROLE_WARN, k++ ? "" : "client", "%s held by %s",
						fmt_id_usock(r2.a->inode, id, sizeof(id)),
						holders(s, r2.a, who, sizeof(who)));
			}
			if (!k)
				page_field_role(pg, ROLE_DIM, "client", "none seen");
		} else if (u->peer_known) {
			page_field_role(pg, ROLE_DIM, "peer", "none (not connected)");
		} else {
			page_field_role(pg, ROLE_ERROR, "peer", "? (the kernel's reply was cut short)");
		}
		break;
	}
}

const struct panel_def view_sockets_panel = {
	.kind = FMT_UNIX_SOCKETS,
	.short_title = "Sockets",
	.cols = cols,
	.n_cols = sizeof(cols) / sizeof(cols[0]),
	.build = build,
	.row_role = row_role,
	.detail = detail,
	.empty = "no Unix sockets",
	.help = "Unix domain sockets. A connected pair (a socketpair, or a client with the "
		"socket the server accepted for it) is one row, ENDS \"A <-> B\" naming the "
		"processes holding each end; a client connected to a socket that is not connected "
		"back (a datagram server) shows \"A -> B\"; a client whose connection was not "
		"accepted yet is highlighted. A listening socket shows its holders, and ACCEPTQ "
		"the connections waiting in accept() against the backlog. UNREAD is the bytes "
		"sent but not read yet (both ends of a pair), B/S the throughput where it was "
		"counted (\"?\": not counted), PATH the bound name (@ for the abstract namespace). The title "
		"counts rows and sockets: \"(3 of 5)\" is three rows for five sockets.",
};
