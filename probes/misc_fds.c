/*
 * misc_fds.c - descriptors that are not channels but tell a story: eventfd counters,
 * signalfd masks, and TCP connections between two local processes over loopback.
 *
 * Models one misc_fd_rec per (pid, fd):
 *   eventfd   the counter, from the fdinfo the descriptor probe already read
 *             ("eventfd-count", hexadecimal);
 *   signalfd  the signals it accepts (fdinfo "sigmask");
 *   TCP       an established connection whose both addresses are loopback (127.0.0.0/8,
 *             ::1, ::ffff:127.0.0.0/104) and whose other end is in the same dump: the peer's
 *             socket inode and a process holding it. One inet_diag dump per address family
 *             (live only; with --sysroot the loopback part is "not live").
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "probes/misc_fds.h"
#include "probes/unix_diag.h"

struct tcp_conn {
	unsigned char src[16], dst[16];	/* IPv4 as v4-mapped IPv6 */
	uint16_t sport, dport;		/* host order */
	uint64_t inode;
};

struct tcp_list {
	struct tcp_conn *v;
	size_t n, cap;
};

static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* The address as IPv6 (IPv4 mapped); false unless it is loopback. */
static bool loopback_addr(int family, const uint32_t *a, unsigned char out[16])
{
	static const unsigned char lo6[16] = { [15] = 1 };

	if (family == AF_INET) {
		memcpy(out, v4mapped, 12);
		memcpy(out + 12, a, 4);
	} else {
		memcpy(out, a, 16);
	}
	if (memcmp(out, lo6, 16) == 0)
		return true;
	return memcmp(out, v4mapped, 12) == 0 && out[12] == 127;
}

void misc_fds_parse_inet(const void *buf, size_t len, misc_fds_tcp_fn fn, void *arg, int *status)
{
	const unsigned char *p = buf;

	*status = 0;
	while (len >= NLMSG_HDRLEN) {
		struct nlmsghdr h;
		size_t plen, step;

		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len) {
			*status = -EBADMSG;
			return;
		}
		plen = h.nlmsg_len - NLMSG_HDRLEN;
		if (h.nlmsg_type == NLMSG_DONE) {
			*status = 1;
			return;
		}
		if (h.nlmsg_type == NLMSG_ERROR) {
			int err = 0;

			if (plen >= sizeof(err))
				memcpy(&err, p + NLMSG_HDRLEN, sizeof(err));
			if (err < 0) {
				*status = err;
				return;
			}
		} else if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY && plen >= sizeof(struct inet_diag_msg)) {
			struct inet_diag_msg m;

			memcpy(&m, p + NLMSG_HDRLEN, sizeof(m));
			fn(&m, arg);
		}
		step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= len)
			return;
		p += step;
		len -= step;
	}
}

static void on_tcp(const struct inet_diag_msg *m, void *arg)
{
	struct tcp_list *l = arg;
	struct tcp_conn c;

	if (m->idiag_state != TCP_ESTABLISHED || !m->idiag_inode)
		return;
	if (!loopback_addr(m->idiag_family, m->id.idiag_src, c.src) ||
	    !loopback_addr(m->idiag_family, m->id.idiag_dst, c.dst))
		return;
	c.sport = ntohs(m->id.idiag_sport);
	c.dport = ntohs(m->id.idiag_dport);
	c.inode = m->idiag_inode;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = c;
}

static int on_inet_reply(const void *buf, size_t len, void *arg)
{
	int status;

	misc_fds_parse_inet(buf, len, on_tcp, arg, &status);
	return status;
}

static int cmp_conn(const void *a, const void *b)
{
	const struct tcp_conn *x = a, *y = b;
	int c = memcmp(x->src, y->src, 16);

	if (c)
		return c;
	if (x->sport != y->sport)
		return x->sport < y->sport ? -1 : 1;
	if ((c = memcmp(x->dst, y->dst, 16)))
		return c;
	return (x->dport > y->dport) - (x->dport < y->dport);
}

struct sock_fd {
	uint64_t inode;
	pid_t pid;
	int fd;
};

static int cmp_sock_fd(const void *a, const void *b)
{
	const struct sock_fd *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

static size_t first_fd(const struct sock_fd *v, size_t n, uint64_t inode)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void fmt_endpoint(const unsigned char a[16], uint16_t port, char *out, size_t size)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (memcmp(a, v4mapped, 12) == 0) {
		inet_ntop(AF_INET, a + 12, ip, sizeof(ip));
		snprintf(out, size, "%s:%u", ip, port);
	} else {
		inet_ntop(AF_INET6, a, ip, sizeof(ip));
		snprintf(out, size, "[%s]:%u", ip, port);
	}
}

static void collect_tcp(struct probe_ctx *ctx)
{
	struct snapshot *s = ctx->snap;
	struct tcp_list l = { 0 };
	struct sock_fd *socks;
	size_t n_socks = 0;
	int families[2] = { AF_INET, AF_INET6 };

	for (int f = 0; f < 2; f++) {
		struct inet_diag_req_v2 req = {
			.sdiag_family = (uint8_t)families[f],
			.sdiag_protocol = IPPROTO_TCP,
			.idiag_states = 1u << TCP_ESTABLISHED,
		};
		int rc = unix_diag_dump(&req, sizeof(req), on_inet_reply, &l);

		if (rc < 0 && !(families[f] == AF_INET6 && rc == -EAFNOSUPPORT))
			snapshot_add_errorf(s, probe_errname(-rc), "inet_diag %s",
					    families[f] == AF_INET ? "tcp" : "tcp6");
	}
	if (!l.n) {
		free(l.v);
		return;
	}
	qsort(l.v, l.n, sizeof(*l.v), cmp_conn);

	socks = xcalloc(ctx->n_fds + 1, sizeof(*socks));
	for (size_t i = 0; i < ctx->n_fds; i++)
		if (ctx->fds[i].type == FDT_SOCKET)
			socks[n_socks++] = (struct sock_fd){ ctx->fds[i].inode, ctx->fds[i].pid,
							     ctx->fds[i].fd };
	if (n_socks > 1)
		qsort(socks, n_socks, sizeof(*socks), cmp_sock_fd);

	for (size_t i = 0; i < l.n; i++) {
		const struct tcp_conn *c = &l.v[i];
		struct tcp_conn key;
		const struct tcp_conn *peer;
		size_t k = first_fd(socks, n_socks, c->inode), pk;
		pid_t peer_pid = 0;
		char a[64], b[64];
		const char *detail;

		if (k >= n_socks || socks[k].inode != c->inode)
			continue;	/* nobody we could read holds it */
		memcpy(key.src, c->dst, 16);
		memcpy(key.dst, c->src, 16);
		key.sport = c->dport;
		key.dport = c->sport;
		peer = bsearch(&key, l.v, l.n, sizeof(key), cmp_conn);
		if (!peer)
			continue;	/* the other end is not on this machine's loopback */
		pk = first_fd(socks, n_socks, peer->inode);
		if (pk < n_socks && socks[pk].inode == peer->inode)
			peer_pid = socks[pk].pid;
		fmt_endpoint(c->src, c->sport, a, sizeof(a));
		fmt_endpoint(c->dst, c->dport, b, sizeof(b));
		detail = arena_printf(&s->arena, "%s -> %s", a, b);
		for (; k < n_socks && socks[k].inode == c->inode; k++) {
			struct misc_fd_rec *m = snapshot_add_miscfd(s);

			m->kind = MISC_TCP_LOOPBACK;
			m->pid = socks[k].pid;
			m->fd = socks[k].fd;
			m->inode = c->inode;
			m->peer_inode = peer->inode;
			m->peer_pid = peer_pid;
			m->detail = detail;
		}
	}
	free(socks);
	free(l.v);
}

int misc_fds_collect(struct probe_ctx *ctx, void **state)
{
	struct snapshot *s = ctx->snap;

	(void)state;
	if (!ctx->fds_scanned) {
		snapshot_set_source(s, "misc_fds", false, "no descriptor scan");
		return -ENODEV;
	}
	for (size_t i = 0; i < ctx->n_fds; i++) {
		const struct fd_entry *e = &ctx->fds[i];
		struct misc_fd_rec *m;

		if (e->type != FDT_EVENTFD && e->type != FDT_SIGNALFD)
			continue;
		m = snapshot_add_miscfd(s);
		m->kind = e->type == FDT_EVENTFD ? MISC_EVENTFD : MISC_SIGNALFD;
		m->pid = e->pid;
		m->fd = e->fd;
		m->inode = e->inode;
		m->eventfd_count = e->type == FDT_EVENTFD ? e->eventfd_count : SNAP_UNKNOWN;
		m->sigmask = e->sigmask;
		if (e->type == FDT_SIGNALFD && !e->sigmask_known)
			snapshot_add_errorf(s, "sigmask unknown", "pid %d fd %d", (int)e->pid, e->fd);
	}
	if (ctx->live)
		collect_tcp(ctx);
	else
		snapshot_add_error(s, "tcp loopback", "not live");
	return 0;
}
