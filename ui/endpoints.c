/*
 * endpoints.c - who is at the other end of a channel (see endpoints.h): lists of ends as
 * "pid comm", Unix socket pairs folded into one row, a process's channels and the Channels
 * section of its detail page.
 *
 * Invariants: everything reads the snapshot only; a pair row's identity is its lower inode,
 * whichever of the two sockets it is computed from; a process appears once in a list of
 * ends however many descriptors it has on the channel.
 */
#include "config.h"

#include <math.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/signames.h"
#include "ui/endpoints.h"
#include "ui/page.h"
#include "ui/view.h"

/* ---- lists of ends -------------------------------------------------------------------------- */

/* Ends sorted by pid (as the model keeps them): a process's ends are next to each other. */
static bool by_pid(const struct endpoint *e, size_t n)
{
	for (size_t i = 1; e && i < n; i++)
		if (e[i - 1].pid > e[i].pid)
			return false;
	return true;
}

/* Whether ends[i]'s process already had an end with mode before i: only its run when the
 * ends are sorted (thousands of holders of an inherited pipe stay cheap), else all. */
static bool seen_before(const struct endpoint *e, size_t i, unsigned mode, bool sorted)
{
	for (size_t j = i; j-- > 0;) {
		if (sorted && e[j].pid != e[i].pid)
			return false;
		if (e[j].pid == e[i].pid && (!mode || (e[j].mode & mode)))
			return true;
	}
	return false;
}

static bool end_counts(const struct endpoint *e, size_t i, unsigned mode, pid_t skip,
		       bool sorted)
{
	return (!mode || (e[i].mode & mode)) && (!skip || e[i].pid != skip) &&
	       !seen_before(e, i, mode, sorted);
}

size_t ep_count_procs(const struct endpoint *e, size_t n, unsigned mode, pid_t skip)
{
	bool sorted = by_pid(e, n);
	size_t c = 0;

	for (size_t i = 0; e && i < n; i++)
		c += end_counts(e, i, mode, skip, sorted);
	return c;
}

/* Appends item to buf (a comma before it unless first); false, and nothing written, when
 * it would not leave room for a ",+NNNN" tail. */
static bool list_add(char *buf, size_t len, size_t *off, bool first, const char *item)
{
	size_t need = strlen(item) + (first ? 0 : 1);
	const size_t tail = 7;

	if (*off + need + tail >= len)
		return false;
	*off += (size_t)snprintf(buf + *off, len - *off, "%s%s", first ? "" : ",", item);
	return true;
}

static const char *list_end(char *buf, size_t len, size_t off, size_t shown, size_t total)
{
	if (!len)
		return "";
	if (total == 0)
		snprintf(buf, len, "-");
	else if (shown < total)
		snprintf(buf + off, len - off, "%s+%zu", shown ? "," : "", total - shown);
	return buf;
}

const char *ep_end_list(const struct snapshot *s, const struct endpoint *e, size_t n,
			unsigned mode, pid_t skip, char *buf, size_t len)
{
	size_t off = 0, shown = 0, total = 0;
	bool full = false, sorted = by_pid(e, n);
	char one[64];

	if (!len)
		return "";
	buf[0] = '\0';
	for (size_t i = 0; e && i < n; i++) {
		if (!end_counts(e, i, mode, skip, sorted))
			continue;
		total++;
		if (full)
			continue;
		ui_pid_comm(s, e[i].pid, one, sizeof(one));
		if (list_add(buf, len, &off, shown == 0, one))
			shown++;
		else
			full = true;
	}
	return list_end(buf, len, off, shown, total);
}

const char *ep_pid_list(const struct snapshot *s, const pid_t *pids, size_t n, pid_t skip,
			char *buf, size_t len)
{
	size_t off = 0, shown = 0, total = 0;
	bool full = false;
	char one[64];

	if (!len)
		return "";
	buf[0] = '\0';
	for (size_t i = 0; pids && i < n; i++) {
		bool dup = false;

		for (size_t j = 0; j < i && !dup; j++)
			dup = pids[j] == pids[i];
		if (dup || (skip && pids[i] == skip))
			continue;
		total++;
		if (full)
			continue;
		ui_pid_comm(s, pids[i], one, sizeof(one));
		if (list_add(buf, len, &off, shown == 0, one))
			shown++;
		else
			full = true;
	}
	return list_end(buf, len, off, shown, total);
}

const char *ep_fds_of(const struct endpoint *e, size_t n, pid_t pid, unsigned mode,
		      char *buf, size_t len)
{
	size_t off = 0, shown = 0, total = 0;
	char one[24];

	if (!len)
		return "";
	buf[0] = '\0';
	for (size_t i = 0; e && i < n; i++) {
		if (e[i].pid != pid || (mode && !(e[i].mode & mode)))
			continue;
		total++;
		snprintf(one, sizeof(one), "%d", e[i].fd);
		if (shown < 3 && list_add(buf, len, &off, shown == 0, one))
			shown++;
	}
	if (total && shown < total)
		snprintf(buf + off, len - off, "%s+%zu", shown ? "," : "", total - shown);
	return buf;
}

const char *ep_mode_name(unsigned mode)
{
	switch (mode & FD_MODE_RDWR) {
	case FD_MODE_READ: return "read";
	case FD_MODE_WRITE: return "write";
	case FD_MODE_RDWR: return "read+write";
	}
	return "?";
}

/* ---- Unix socket rows ----------------------------------------------------------------------- */

/* The listener whose accept queue holds the client socket inode, or NULL. (sock_diag's
 * UDIAG_SHOW_ICONS names, for each connection waiting in accept(), the client's socket: the
 * server's end, the embryo, has no inode until it is accepted.) */
struct icon_ent {
	uint64_t icon;			/* a client socket waiting in accept() */
	const struct usock_rec *listener;
};

static int cmp_icon(const void *a, const void *b)
{
	const struct icon_ent *x = a, *y = b;

	return x->icon < y->icon ? -1 : x->icon > y->icon;
}

/*
 * The accept-queue index of one snapshot, built once and reused for every row (searching every
 * listener for every socket was quadratic: seconds per refresh at 40,000 sockets). Snapshots are
 * immutable and rows are built on the UI thread only, so one cached index keyed by the
 * snapshot's identity (its address, array and time) is enough.
 */
static struct {
	const struct snapshot *s;
	const struct usock_rec *usocks;
	double time;
	struct icon_ent *v;
	size_t n;
} icon_index;

static void icon_index_build(const struct snapshot *s)
{
	size_t n = 0;

	if (icon_index.s == s && icon_index.usocks == s->usocks && icon_index.time == s->time)
		return;
	free(icon_index.v);
	icon_index.v = NULL;
	icon_index.n = 0;
	for (size_t i = 0; i < s->n_usocks; i++)
		n += s->usocks[i].icons ? s->usocks[i].n_icons : 0;
	if (n) {
		icon_index.v = xcalloc(n, sizeof(*icon_index.v));
		for (size_t i = 0; i < s->n_usocks; i++) {
			const struct usock_rec *l = &s->usocks[i];

			for (size_t k = 0; l->icons && k < l->n_icons; k++) {
				if (l->icons[k] == l->inode)
					continue;
				icon_index.v[icon_index.n].icon = l->icons[k];
				icon_index.v[icon_index.n++].listener = l;
			}
		}
		qsort(icon_index.v, icon_index.n, sizeof(*icon_index.v), cmp_icon);
	}
	icon_index.s = s;
	icon_index.usocks = s->usocks;
	icon_index.time = s->time;
}

/* The listener whose accept queue holds the client socket inode, or NULL. (sock_diag's
 * UDIAG_SHOW_ICONS names, for each connection waiting in accept(), the client's socket: the
 * server's end, the embryo, has no inode until it is accepted.) */
static const struct usock_rec *listener_of(const struct snapshot *s, uint64_t inode)
{
	struct icon_ent key = { .icon = inode }, *hit;

	icon_index_build(s);
	if (!icon_index.n)
		return NULL;
	hit = bsearch(&key, icon_index.v, icon_index.n, sizeof(key), cmp_icon);
	return hit ? hit->listener : NULL;
}

void ep_sock_row_of(const struct snapshot *s, const struct usock_rec *u, struct ep_sock_row *row)
{
	const struct usock_rec *peer, *lo, *hi, *l;

	row->rec = row->a = u;
	row->b = NULL;
	row->link = EP_SOCK_ALONE;
	if ((l = listener_of(s, u->inode)) != NULL) {	/* connected, not accepted yet */
		row->b = l;
		row->link = EP_SOCK_PENDING;
		return;
	}
	if (!u->peer_known || !u->peer_inode)
		return;
	peer = snapshot_find_usock(s, u->peer_inode);
	if (!peer) {
		row->link = EP_SOCK_UNSEEN;
		return;
	}
	if (peer == u || !peer->peer_known || peer->peer_inode != u->inode) {
		row->b = peer;
		row->link = EP_SOCK_TO;
		return;
	}
	lo = u->inode < peer->inode ? u : peer;
	hi = lo == u ? peer : u;
	row->link = EP_SOCK_PAIR;
	row->rec = lo;
	/* client first: the accepted socket of a server shares the listener's path */
	row->a = lo->path && !hi->path ? hi : lo;
	row->b = row->a == lo ? hi : lo;
}

size_t ep_sock_rows(const struct snapshot *s, struct ep_sock_row *rows)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_usocks; i++) {
		struct ep_sock_row row;

		ep_sock_row_of(s, &s->usocks[i], &row);
		if (row.rec == &s->usocks[i])
			rows[n++] = row;
	}
	return n;
}

const char *ep_sock_row_path(const struct ep_sock_row *row)
{
	switch (row->link) {
	case EP_SOCK_PAIR:
	case EP_SOCK_TO:
		return row->b->path ? row->b->path : row->a->path;
	case EP_SOCK_PENDING:
		return row->b->path;
	case EP_SOCK_ALONE:
	case EP_SOCK_UNSEEN:
		break;
	}
	return row->a->path;
}

/* ---- a process's channels ------------------------------------------------------------------- */

struct chan_tmp {
	struct ep_chan c;
	size_t seq;		/* discovery order: ties keep it */
};

static int cmp_chan(const void *x, const void *y)
{
	const struct chan_tmp *a = x, *b = y;

	if ((a->c.fd < 0) != (b->c.fd < 0))
		return a->c.fd < 0 ? 1 : -1;	/* descriptors first, mappings after */
	if (a->c.fd != b->c.fd)
		return a->c.fd < b->c.fd ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

struct chan_list {
	struct chan_tmp *v;
	size_t n, cap;
};

static void chan_push(struct chan_list *l, enum ep_chan_kind kind, const void *rec, int fd,
		      unsigned mode, size_t n_fds)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n].c.kind = kind;
	l->v[l->n].c.rec = rec;
	l->v[l->n].c.fd = fd;
	l->v[l->n].c.mode = mode;
	l->v[l->n].c.n_fds = n_fds;
	l->v[l->n].seq = l->n;
	l->n++;
}

/* pid's descriptors among ends: pushed as one channel when it has any. */
static void chan_ends(struct chan_list *l, enum ep_chan_kind kind, const void *rec,
		      const struct endpoint *e, size_t n, pid_t pid)
{
	int fd = -1;
	unsigned mode = 0;
	size_t k = 0;

	for (size_t i = 0; e && i < n; i++) {
		if (e[i].pid != pid)
			continue;
		if (fd < 0 || e[i].fd < fd)
			fd = e[i].fd;
		mode |= e[i].mode;
		k++;
	}
	if (k)
		chan_push(l, kind, rec, fd, mode, k);
}

static bool has_pid(const pid_t *pids, size_t n, pid_t pid)
{
	for (size_t i = 0; pids && i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

size_t ep_proc_channels(const struct snapshot *s, pid_t pid, struct ep_chan *out, size_t cap)
{
	struct chan_list l = { 0 };
	size_t n;

	for (size_t i = 0; i < s->n_pipes; i++)
		chan_ends(&l, EP_CHAN_PIPE, &s->pipes[i], s->pipes[i].ends, s->pipes[i].n_ends, pid);
	for (size_t i = 0; i < s->n_usocks; i++)
		chan_ends(&l, EP_CHAN_USOCK, &s->usocks[i], s->usocks[i].holders,
			  s->usocks[i].n_holders, pid);
	for (size_t i = 0; i < s->n_pmqs; i++)
		chan_ends(&l, EP_CHAN_PMQ, &s->pmqs[i], s->pmqs[i].holders, s->pmqs[i].n_holders, pid);
	for (size_t i = 0; i < s->n_miscfds; i++)
		if (s->miscfds[i].pid == pid)
			chan_push(&l, EP_CHAN_MISC, &s->miscfds[i], s->miscfds[i].fd, 0, 1);
	for (size_t i = 0; i < s->n_pshms; i++)
		if (has_pid(s->pshms[i].mapped_pids, s->pshms[i].n_mapped, pid))
			chan_push(&l, EP_CHAN_PSHM, &s->pshms[i], -1, 0, 0);
	for (size_t i = 0; i < s->n_psems; i++)
		if (has_pid(s->psems[i].mapped_pids, s->psems[i].n_mapped, pid))
			chan_push(&l, EP_CHAN_PSEM, &s->psems[i], -1, 0, 0);
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), cmp_chan);
	for (size_t i = 0; out && i < l.n && i < cap; i++)
		out[i] = l.v[i].c;
	n = l.n;
	free(l.v);
	return n;
}

/* ---- shared by the channel views -------------------------------------------------------- */

const char *ep_glyph_both(void)
{
	return term_utf8() ? "\u21c4" : "<->";
}

const char *ep_glyph_right(void)
{
	return term_utf8() ? "\u2192" : "->";
}

const char *ep_glyph_left(void)
{
	return term_utf8() ? "\u2190" : "<-";
}

const char *ep_rate_text(const struct ui_frame *f, const char *const *ids, size_t n,
			 char *buf, size_t len)
{
	double sum = 0;
	bool any = false;
	char r[32];

	if (!f->delta) {
		snprintf(buf, len, "-");
		return buf;
	}
	for (size_t i = 0; i < n; i++) {
		const struct delta_rate *rt;

		if (!ids[i])
			continue;
		rt = snapshot_delta_rate(f->delta, ids[i]);
		/* only counted throughput adds up; one uncounted channel makes the sum unknown */
		if (!rt || !rt->exact || isnan(rt->bytes_per_s)) {
			snprintf(buf, len, "?");
			return buf;
		}
		sum += rt->bytes_per_s;
		any = true;
	}
	if (!any) {
		snprintf(buf, len, "?");
		return buf;
	}
	snprintf(buf, len, "%s", fmt_rate(sum, r, sizeof(r)));
	return buf;
}

void ep_page_traffic(struct page *pg, const struct ui_frame *f, const char *id, bool messages)
{
	const struct delta_rate *rt = f->delta ? snapshot_delta_rate(f->delta, id) : NULL;
	char a[32], b[32];

	if (!rt) {
		page_field_role(pg, ROLE_DIM, "throughput", "%s",
				f->delta ? "not measured" : "needs a second snapshot");
		return;
	}
	if (rt->exact && messages)
		page_field(pg, "throughput", "%s msgs/s, %s bytes/s (counted)",
			   fmt_rate(rt->messages_per_s, a, sizeof(a)),
			   fmt_rate(rt->bytes_per_s, b, sizeof(b)));
	else if (rt->exact)
		page_field(pg, "throughput", "%s bytes/s (counted)",
			   fmt_rate(rt->bytes_per_s, a, sizeof(a)));
	else
		page_field_role(pg, ROLE_DIM, "throughput", "? (%s)",
				rt->why ? rt->why : "not counted");
	if (messages && !isnan(rt->fill_messages_per_s))
		page_field(pg, "fill change", "%+.1f msgs/s, %+.0f bytes/s (the net change of what "
			   "is queued, not throughput)", rt->fill_messages_per_s,
			   isnan(rt->fill_bytes_per_s) ? 0.0 : rt->fill_bytes_per_s);
	else if (!isnan(rt->fill_bytes_per_s))
		page_field(pg, "fill change", "%+.0f bytes/s (the net change of what is queued, "
			   "not throughput)", rt->fill_bytes_per_s);
}

/* ---- the Channels section of a process page ------------------------------------------------- */

/* "fd 4 write", "fds 3,5 read+write", "fd 7 socket" */
static const char *chan_label(const struct ep_chan *c, const struct endpoint *e, size_t n,
			      pid_t pid, const char *what, char *buf, size_t len)
{
	char fds[32];

	if (e)
		ep_fds_of(e, n, pid, 0, fds, sizeof(fds));
	else
		snprintf(fds, sizeof(fds), "%d", c->fd);
	snprintf(buf, len, "fd%s %s %s", c->n_fds > 1 ? "s" : "", fds, what);
	return buf;
}

/* One "PID comm (fd N)" line per process among ends with mode, leaving out skip; the first
 * line carries label. Returns how many lines. */
static size_t end_lines(struct page *pg, const struct snapshot *s, const char *label,
			const struct endpoint *e, size_t n, unsigned mode, pid_t skip,
			enum ui_role role)
{
	char who[64], fds[32];
	bool sorted = by_pid(e, n);
	size_t k = 0;

	for (size_t i = 0; e && i < n; i++) {
		if (!end_counts(e, i, mode, skip, sorted))
			continue;
		ep_fds_of(e, n, e[i].pid, mode, fds, sizeof(fds));
		page_field_role(pg, role, k ? "" : label, "%s (fd%s %s)",
				ui_pid_comm(s, e[i].pid, who, sizeof(who)),
				strchr(fds, ',') ? "s" : "", fds);
		k++;
	}
	return k;
}

static void pid_lines(struct page *pg, const struct snapshot *s, const char *label,
		      const pid_t *pids, size_t n, pid_t skip)
{
	char who[64];
	size_t k = 0;

	for (size_t i = 0; pids && i < n; i++) {
		bool dup = false;

		for (size_t j = 0; j < i && !dup; j++)
			dup = pids[j] == pids[i];
		if (dup || pids[i] == skip)
			continue;
		page_field(pg, k++ ? "" : label, "%s", ui_pid_comm(s, pids[i], who, sizeof(who)));
	}
}

static void page_pipe(struct page *pg, const struct snapshot *s, const struct ep_chan *c,
		      pid_t pid)
{
	const struct pipe_rec *p = c->rec;
	char label[64], id[FMT_ID_MAX], what[FMT_CELL_MAX], q[32], cap[32], lb[48];
	size_t others;

	if (p->kind == PIPE_FIFO)
		snprintf(what, sizeof(what), "FIFO %s%s", p->path ? p->path : "(path unknown)",
			 p->deleted ? " (deleted)" : "");
	else
		snprintf(what, sizeof(what), "anonymous pipe");
	if (p->queued_bytes >= 0 && p->capacity > 0)
		snprintf(q, sizeof(q), "%s of %s queued", fmt_bytes(p->queued_bytes, lb, sizeof(lb)),
			 fmt_bytes(p->capacity, cap, sizeof(cap)));
	else
		snprintf(q, sizeof(q), "fill unknown");
	page_field(pg, chan_label(c, p->ends, p->n_ends, pid, ep_mode_name(c->mode), label,
				  sizeof(label)),
		   "%s  %s, %s", fmt_id_pipe(p, id, sizeof(id)), what, q);
	if (c->mode & FD_MODE_WRITE) {
		snprintf(lb, sizeof(lb), "  %s read by", ep_glyph_right());
		others = end_lines(pg, s, lb, p->ends, p->n_ends, FD_MODE_READ, pid, ROLE_NORMAL);
		if (!others && (c->mode & FD_MODE_READ))
			page_field_role(pg, ROLE_DIM, lb, "only this process");
		else if (!others)
			page_field_role(pg, ROLE_WARN, lb, "nobody: a write fails with EPIPE "
					"(SIGPIPE)");
	}
	if (c->mode & FD_MODE_READ) {
		snprintf(lb, sizeof(lb), "  %s written by", ep_glyph_left());
		others = end_lines(pg, s, lb, p->ends, p->n_ends, FD_MODE_WRITE, pid, ROLE_NORMAL);
		if (!others && (c->mode & FD_MODE_WRITE))
			page_field_role(pg, ROLE_DIM, lb, "only this process");
		else if (!others)
			page_field_role(pg, ROLE_WARN, lb, "nobody: a read sees end-of-file once "
					"it is empty");
	}
}

static void page_usock(struct page *pg, const struct snapshot *s, const struct ep_chan *c,
		       pid_t pid)
{
	const struct usock_rec *u = c->rec, *other;
	struct ep_sock_row row;
	char label[64], id[FMT_ID_MAX], extra[FMT_CELL_MAX], b1[32], b2[32], lb[48];

	if (u->state == TCP_LISTEN)
		snprintf(extra, sizeof(extra), "listening on %s, %s of %s waiting to be accepted",
			 u->path ? u->path : "(unbound)", fmt_int(u->pending_conns, b1, sizeof(b1)),
			 fmt_int(u->backlog, b2, sizeof(b2)));
	else
		snprintf(extra, sizeof(extra), "%s, %s unread%s%s", fmt_sockstate(u->state),
			 fmt_bytes(u->queued_bytes, b1, sizeof(b1)), u->path ? ", " : "",
			 u->path ? u->path : "");
	page_field(pg, chan_label(c, u->holders, u->n_holders, pid, "socket", label, sizeof(label)),
		   "%s  %s, %s", fmt_id_usock(u->inode, id, sizeof(id)), fmt_socktype(u->type),
		   extra);
	ep_sock_row_of(s, u, &row);
	switch (row.link) {
	case EP_SOCK_PAIR:
		other = row.a == u ? row.b : row.a;
		snprintf(lb, sizeof(lb), "  %s peer", ep_glyph_both());
		if (!end_lines(pg, s, lb, other->holders, other->n_holders, 0, 0, ROLE_NORMAL))
			page_field_role(pg, ROLE_DIM, lb, "%s, held by no process that could be "
					"read", fmt_id_usock(other->inode, id, sizeof(id)));
		break;
	case EP_SOCK_TO:
		snprintf(lb, sizeof(lb), "  %s sends to", ep_glyph_right());
		if (!end_lines(pg, s, lb, row.b->holders, row.b->n_holders, 0, 0, ROLE_NORMAL))
			page_field_role(pg, ROLE_DIM, lb, "%s", fmt_id_usock(row.b->inode, id,
									     sizeof(id)));
		break;
	case EP_SOCK_PENDING:
		snprintf(lb, sizeof(lb), "  %s not yet accepted by", ep_glyph_right());
		if (!end_lines(pg, s, lb, row.b->holders, row.b->n_holders, 0, 0, ROLE_WARN))
			page_field_role(pg, ROLE_WARN, lb, "%s", fmt_id_usock(row.b->inode, id,
									      sizeof(id)));
		break;
	case EP_SOCK_UNSEEN:
		snprintf(lb, sizeof(lb), "  %s peer", ep_glyph_both());
		page_field_role(pg, ROLE_DIM, lb, "socket inode %llu, not in this snapshot",
				(unsigned long long)u->peer_inode);
		break;
	case EP_SOCK_ALONE:
		if (u->state == TCP_LISTEN) {
			size_t k = 0;

			snprintf(lb, sizeof(lb), "  %s waiting client", ep_glyph_left());
			for (size_t i = 0; i < s->n_usocks; i++) {
				struct ep_sock_row r2;

				ep_sock_row_of(s, &s->usocks[i], &r2);
				if (r2.link == EP_SOCK_PENDING && r2.b == u && r2.rec == &s->usocks[i])
					k += end_lines(pg, s, k ? "" : lb, r2.a->holders,
						       r2.a->n_holders, 0, 0, ROLE_WARN);
			}
		} else {
			page_field_role(pg, ROLE_DIM, "  peer", "none (not connected)");
		}
		break;
	}
	end_lines(pg, s, "  also held by", u->holders, u->n_holders, 0, pid, ROLE_NORMAL);
}

static void page_misc(struct page *pg, const struct snapshot *s, const struct ep_chan *c)
{
	const struct misc_fd_rec *m = c->rec;
	char label[64], b[FMT_CELL_MAX], who[64], lb[48];
	size_t k = 0;

	switch (m->kind) {
	case MISC_EVENTFD:
		page_field(pg, chan_label(c, NULL, 0, m->pid, "eventfd", label, sizeof(label)),
			   "counter %s", fmt_int(m->eventfd_count, b, sizeof(b)));
		break;
	case MISC_SIGNALFD:
		page_field(pg, chan_label(c, NULL, 0, m->pid, "signalfd", label, sizeof(label)),
			   "reads signals %s", fmt_sigmask(m->sigmask, b, sizeof(b)));
		break;
	case MISC_TCP_LOOPBACK:
		page_field(pg, chan_label(c, NULL, 0, m->pid, "tcp", label, sizeof(label)),
			   "loopback %s", m->detail ? m->detail : "?");
		snprintf(lb, sizeof(lb), "  %s peer", ep_glyph_both());
		for (size_t i = 0; m->peer_inode && i < s->n_miscfds; i++) {
			const struct misc_fd_rec *o = &s->miscfds[i];

			if (o->kind == MISC_TCP_LOOPBACK && o->inode == m->peer_inode) {
				page_field(pg, k++ ? "" : lb, "%s (fd %d)",
					   ui_pid_comm(s, o->pid, who, sizeof(who)), o->fd);
			}
		}
		if (!k && m->peer_pid > 0)
			page_field(pg, lb, "%s", ui_pid_comm(s, m->peer_pid, who, sizeof(who)));
		else if (!k)
			page_field_role(pg, ROLE_DIM, lb, "not seen");
		return;
	}
	/* the same eventfd or signalfd shared with other processes (inherited) */
	for (size_t i = 0; m->inode && i < s->n_miscfds; i++) {
		const struct misc_fd_rec *o = &s->miscfds[i];

		if (o->kind == m->kind && o->inode == m->inode && o->pid != m->pid)
			page_field(pg, k++ ? "" : "  also held by", "%s (fd %d)",
				   ui_pid_comm(s, o->pid, who, sizeof(who)), o->fd);
	}
}

void ep_page_channels(struct page *pg, const struct ui_frame *f, const struct proc_rec *p)
{
	const struct snapshot *s = f->snap;
	size_t n = ep_proc_channels(s, p->pid, NULL, 0);
	struct ep_chan *ch = n ? xcalloc(n, sizeof(*ch)) : NULL;
	char title[64], label[64], id[FMT_ID_MAX], b1[32], b2[32], b3[32];

	if (n)
		ep_proc_channels(s, p->pid, ch, n);
	snprintf(title, sizeof(title), "Channels (%zu)", n);
	page_section(pg, title);
	if (!n) {
		page_field_role(pg, ROLE_DIM, "channels", "none seen: no pipes, sockets or POSIX "
				"objects%s", p->error ? " (some of it could not be read)" : "");
		return;
	}
	page_text(pg, ROLE_DIM, "Enter on a channel opens it, on a process at the other end "
		  "that process; Esc comes back.");
	for (size_t i = 0; i < n; i++) {
		const struct ep_chan *c = &ch[i];

		switch (c->kind) {
		case EP_CHAN_PIPE:
			page_pipe(pg, s, c, p->pid);
			break;
		case EP_CHAN_USOCK:
			page_usock(pg, s, c, p->pid);
			break;
		case EP_CHAN_PMQ: {
			const struct pmq_rec *q = c->rec;

			page_field(pg, chan_label(c, q->holders, q->n_holders, p->pid, "mqueue",
						  label, sizeof(label)),
				   "%s  %s of %s messages, %s bytes",
				   fmt_id_pmq(q->name, id, sizeof(id)),
				   fmt_int(q->messages, b1, sizeof(b1)),
				   fmt_int(q->max_messages, b2, sizeof(b2)),
				   fmt_int(q->bytes, b3, sizeof(b3)));
			end_lines(pg, s, "  also open in", q->holders, q->n_holders, 0, p->pid,
				  ROLE_NORMAL);
			break;
		}
		case EP_CHAN_MISC:
			page_misc(pg, s, c);
			break;
		case EP_CHAN_PSHM: {
			const struct pshm_rec *m = c->rec;

			page_field(pg, "mapped", "%s  POSIX shared memory, %s",
				   fmt_id_pshm(m, id, sizeof(id)),
				   fmt_bytes(m->size, b1, sizeof(b1)));
			pid_lines(pg, s, "  also mapped by", m->mapped_pids, m->n_mapped, p->pid);
			break;
		}
		case EP_CHAN_PSEM: {
			const struct psem_rec *m = c->rec;

			page_field(pg, "mapped", "%s  POSIX semaphore, value %s",
				   fmt_id_psem(m, id, sizeof(id)),
				   fmt_int(m->value, b1, sizeof(b1)));
			pid_lines(pg, s, "  also mapped by", m->mapped_pids, m->n_mapped, p->pid);
			break;
		}
		}
	}
	free(ch);
}
