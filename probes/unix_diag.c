/*
 * unix_diag.c - every AF_UNIX socket from one NETLINK_SOCK_DIAG dump (sock_diag(7)).
 *
 * Models a Unix socket as a usock_rec: type, state, bound path or abstract name, its peer's
 * inode (socketpair ends and a client with the server's accepted socket point at each other),
 * the bytes waiting to be read, and for listeners the pending connections (their inodes
 * too). Holders (pid, fd) come from the descriptor probe's "socket:[INO]" entries, matched
 * by inode; a socket nobody holds (not yet accepted, or held by a process we could not read)
 * has no holders.
 *
 * What the kernel reports (net/unix/diag.c, UDIAG_SHOW_RQLEN): for a listener rqueue is the
 * number of pending connections and wqueue the backlog; otherwise rqueue is the unread bytes
 * (stream/seqpacket: all queued; datagram: the first queued datagram only) and wqueue the
 * kernel memory of the send queue. UNIX_DIAG_PEER is present only when there is a peer.
 *
 * Netlink answers for the running system only: with --sysroot the probe reports "not live".
 */
#include "config.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "probes/unix_diag.h"

#define RECV_BUF (64 * 1024)

/* ---- the pure reply parser ----------------------------------------------------------------- */

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

uint64_t unix_diag_icon(const struct unix_diag_sock *sock, size_t i)
{
	return i < sock->n_icons ? get_u32(sock->icons + 4 * i) : 0;
}

static void set_name(struct unix_diag_sock *u, const unsigned char *p, size_t n)
{
	size_t o = 0;

	if (n > 0 && p[0] == '\0') {		/* abstract: shown as ss does, '@' for NULs */
		for (size_t i = 0; i < n && o < UNIX_DIAG_NAME_MAX; i++)
			u->name[o++] = p[i] ? (char)p[i] : '@';
	} else {
		for (size_t i = 0; i < n && p[i] && o < UNIX_DIAG_NAME_MAX; i++)
			u->name[o++] = (char)p[i];
	}
	u->name[o] = '\0';
	u->has_name = true;
}

/* Attributes of one message (after the unix_diag_msg). */
static void parse_attrs(struct unix_diag_sock *u, const unsigned char *p, size_t len, size_t *n_bad)
{
	while (len >= NLA_HDRLEN) {
		struct nlattr a;
		size_t plen, step;
		const unsigned char *pl = p + NLA_HDRLEN;

		memcpy(&a, p, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len) {
			u->truncated = true;
			(*n_bad)++;
			return;
		}
		plen = a.nla_len - NLA_HDRLEN;
		switch (a.nla_type & NLA_TYPE_MASK) {
		case UNIX_DIAG_NAME:
			set_name(u, pl, plen);
			break;
		case UNIX_DIAG_PEER:
			if (plen >= 4) {
				u->has_peer = true;
				u->peer = get_u32(pl);
			} else {
				(*n_bad)++;
			}
			break;
		case UNIX_DIAG_RQLEN:
			if (plen >= 8) {
				u->has_rqlen = true;
				u->rqueue = get_u32(pl);
				u->wqueue = get_u32(pl + 4);
			} else {
				(*n_bad)++;
			}
			break;
		case UNIX_DIAG_ICONS:
			if (plen % 4)
				(*n_bad)++;
			u->icons = pl;
			u->n_icons = plen / 4;
			break;
		default:
			break;
		}
		step = NLA_ALIGN(a.nla_len);
		if (step >= len)
			return;
		p += step;
		len -= step;
	}
	if (len)
		(*n_bad)++;	/* a few stray bytes, too short for an attribute header */
}

int unix_diag_parse(const void *buf, size_t len, unix_diag_sock_fn fn, void *arg, size_t *n_bad)
{
	const unsigned char *p = buf;
	size_t bad_dummy = 0;

	if (!n_bad)
		n_bad = &bad_dummy;
	while (len >= NLMSG_HDRLEN) {
		struct nlmsghdr h;
		size_t plen, step;
		const unsigned char *pl = p + NLMSG_HDRLEN;

		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len)
			return -EBADMSG;
		plen = h.nlmsg_len - NLMSG_HDRLEN;
		if (h.nlmsg_type == NLMSG_DONE) {
			int err = 0;

			if (plen >= sizeof(err))
				memcpy(&err, pl, sizeof(err));
			return err < 0 ? err : 1;
		}
		if (h.nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr e;

			if (plen < sizeof(e.error))
				return -EBADMSG;
			memcpy(&e.error, pl, sizeof(e.error));
			if (e.error < 0)
				return e.error;
		} else if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
			struct unix_diag_msg m;
			size_t off = NLMSG_ALIGN(sizeof(m));

			if (plen < sizeof(m)) {
				(*n_bad)++;
			} else {
				struct unix_diag_sock u;

				memset(&u, 0, sizeof(u));
				memcpy(&m, pl, sizeof(m));
				u.inode = m.udiag_ino;
				u.type = m.udiag_type;
				u.state = m.udiag_state;
				if (plen > off)
					parse_attrs(&u, pl + off, plen - off, n_bad);
				fn(&u, arg);
			}
		}
		step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= len)
			return 0;
		p += step;
		len -= step;
	}
	if (len)
		return -EBADMSG;
	return 0;
}

/* ---- netlink ------------------------------------------------------------------------------- */

int unix_diag_dump(const void *req, size_t req_len, unix_diag_reply_fn on_reply, void *arg)
{
	struct sockaddr_nl nladdr = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 5 };
	struct nlmsghdr nlh = {
		.nlmsg_len = (uint32_t)(NLMSG_HDRLEN + req_len),
		.nlmsg_type = SOCK_DIAG_BY_FAMILY,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nlmsg_seq = 1,
	};
	struct iovec iov[2] = {
		{ .iov_base = &nlh, .iov_len = NLMSG_HDRLEN },
		{ .iov_base = (void *)req, .iov_len = req_len },
	};
	struct msghdr msg = {
		.msg_name = &nladdr, .msg_namelen = sizeof(nladdr), .msg_iov = iov, .msg_iovlen = 2,
	};
	unsigned char *buf;
	int fd, rc = 0;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendmsg(fd, &msg, 0) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	buf = xmalloc(RECV_BUF);
	for (;;) {
		struct iovec riov = { .iov_base = buf, .iov_len = RECV_BUF };
		struct sockaddr_nl from;
		struct msghdr rmsg = {
			.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &riov, .msg_iovlen = 1,
		};
		ssize_t n = recvmsg(fd, &rmsg, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (rmsg.msg_flags & MSG_TRUNC) {
			rc = -EMSGSIZE;
			break;
		}
		if (n == 0 || from.nl_pid != 0)
			continue;	/* not from the kernel */
		rc = on_reply(buf, (size_t)n, arg);
		if (rc != 0)
			break;
	}
	free(buf);
	close(fd);
	return rc < 0 ? rc : 0;
}

/* ---- the probe ----------------------------------------------------------------------------- */

/* Socket descriptors sorted by inode, for holders. */
struct sock_ref {
	uint64_t inode;
	pid_t pid;
	int fd;
};

struct ud_run {
	struct probe_ctx *ctx;
	struct sock_ref *refs;
	size_t n_refs;
	size_t n_bad;
};

static int cmp_ref(const void *a, const void *b)
{
	const struct sock_ref *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

/* First index with refs[i].inode >= inode. */
static size_t lower_bound(const struct sock_ref *refs, size_t n, uint64_t inode)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (refs[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void on_sock(const struct unix_diag_sock *u, void *arg)
{
	struct ud_run *run = arg;
	struct snapshot *s = run->ctx->snap;
	size_t lo = lower_bound(run->refs, run->n_refs, u->inode), hi = lo;
	struct endpoint *holders = NULL;
	uint64_t *icons = NULL;
	struct usock_rec *r;

	while (hi < run->n_refs && run->refs[hi].inode == u->inode)
		hi++;
	if (hi > lo) {
		holders = snapshot_alloc(s, (hi - lo) * sizeof(*holders));
		for (size_t i = lo; i < hi; i++) {
			holders[i - lo].pid = run->refs[i].pid;
			holders[i - lo].fd = run->refs[i].fd;
			holders[i - lo].mode = FD_MODE_RDWR;
		}
	}
	if (u->n_icons) {
		icons = snapshot_alloc(s, u->n_icons * sizeof(*icons));
		for (size_t i = 0; i < u->n_icons; i++)
			icons[i] = unix_diag_icon(u, i);
	}

	r = snapshot_add_usock(s);
	r->inode = u->inode;
	r->type = u->type;
	r->state = u->state;
	r->path = u->has_name ? snapshot_strdup(s, u->name) : NULL;
	/* PEER was asked for: its absence means no peer, unless the message was cut short */
	r->peer_known = u->has_peer || !u->truncated;
	r->peer_inode = u->has_peer ? u->peer : 0;
	r->holders = holders;
	r->n_holders = hi - lo;
	r->icons = icons;
	r->n_icons = u->n_icons;
	if (u->has_rqlen) {
		if (u->state == TCP_LISTEN) {
			r->pending_conns = u->rqueue;
			r->backlog = u->wqueue;
			r->queued_bytes = 0;	/* a listener queues connections, never data */
		} else {
			r->queued_bytes = u->rqueue;
			r->send_queue = u->wqueue;
		}
	}
	if (u->truncated)
		snapshot_add_errorf(s, "truncated reply", "unix:%llu", (unsigned long long)u->inode);
}

static int on_reply(const void *buf, size_t len, void *arg)
{
	struct ud_run *run = arg;

	return unix_diag_parse(buf, len, on_sock, run, &run->n_bad);
}

int unix_diag_collect(struct probe_ctx *ctx, void **state)
{
	struct unix_diag_req req = {
		.sdiag_family = AF_UNIX,
		.udiag_states = ~0U,
		.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_ICONS,
	};
	struct ud_run run = { .ctx = ctx };
	int rc;

	(void)state;
	if (!ctx->live) {
		snapshot_set_source(ctx->snap, "unix_diag", false,
				    "not live (netlink answers for the running system only)");
		return -EOPNOTSUPP;
	}
	if (!ctx->fds_scanned)
		snapshot_add_error(ctx->snap, "unix sockets holders", "no descriptor scan");
	run.refs = xcalloc(ctx->n_fds + 1, sizeof(*run.refs));
	for (size_t i = 0; i < ctx->n_fds; i++) {
		const struct fd_entry *e = &ctx->fds[i];

		if (e->type == FDT_SOCKET && e->inode)
			run.refs[run.n_refs++] = (struct sock_ref){ e->inode, e->pid, e->fd };
	}
	if (run.n_refs > 1)
		qsort(run.refs, run.n_refs, sizeof(*run.refs), cmp_ref);
	rc = unix_diag_dump(&req, sizeof(req), on_reply, &run);
	free(run.refs);
	if (run.n_bad)
		snapshot_add_errorf(ctx->snap, "malformed reply", "unix_diag: %zu messages or attributes",
				    run.n_bad);
	return rc;
}
