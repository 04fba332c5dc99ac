/*
 * test_unix_diag_parse.c - the sock_diag reply parsers (probes/unix_diag.c, misc_fds.c).
 *
 * A recorded unix dump reply (tests/fixtures/unix_diag/reply.hex), hand-built replies with
 * every attribute kind, truncated and malformed messages and attributes, NLMSG_ERROR; the
 * inet_diag parser for loopback TCP; and one live dump in which a socketpair made by the test
 * must appear with both ends linked to this process.
 */
#include "config.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probes/collect.h"
#include "probes/misc_fds.h"
#include "probes/unix_diag.h"
#include "src/snapshot.h"
#include "tests/unit/testmain.h"

#define MAX_SOCKS 16

/* What the callback saw. */
struct seen {
	struct unix_diag_sock s[MAX_SOCKS];
	uint64_t icons[MAX_SOCKS][4];
	size_t n;
};

static void collect_cb(const struct unix_diag_sock *u, void *arg)
{
	struct seen *seen = arg;

	if (seen->n >= MAX_SOCKS)
		return;
	seen->s[seen->n] = *u;
	for (size_t i = 0; i < u->n_icons && i < 4; i++)
		seen->icons[seen->n][i] = unix_diag_icon(u, i);
	seen->n++;
}

static const struct unix_diag_sock *find(const struct seen *seen, uint64_t inode)
{
	for (size_t i = 0; i < seen->n; i++)
		if (seen->s[i].inode == inode)
			return &seen->s[i];
	return NULL;
}

/* ---- a recorded reply ----------------------------------------------------------------------- */

static size_t read_hex(const char *path, unsigned char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	unsigned v;
	size_t n = 0;

	if (!f)
		return 0;
	while (n < cap && fscanf(f, "%2x", &v) == 1)
		buf[n++] = (unsigned char)v;
	fclose(f);
	return n;
}

static void test_recorded(void)
{
	unsigned char buf[4096];
	size_t len = read_hex(test_fixture("unix_diag/reply.hex"), buf, sizeof(buf)), bad = 0;
	struct seen seen = { .n = 0 };
	const struct unix_diag_sock *u;

	CU_ASSERT_EQUAL_FATAL(len, 360);
	CU_ASSERT_EQUAL(unix_diag_parse(buf, len, collect_cb, &seen, &bad), 1);	/* DONE */
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL_FATAL(seen.n, 5);

	/* the socketpair: each end's peer is the other; 5 unread bytes on the receiving end */
	u = find(&seen, 301613);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_EQUAL(u->type, SOCK_STREAM);
	CU_ASSERT_EQUAL(u->state, TCP_ESTABLISHED);
	CU_ASSERT_TRUE(u->has_peer);
	CU_ASSERT_EQUAL(u->peer, 301614);
	CU_ASSERT_FALSE(u->has_name);
	CU_ASSERT_TRUE(u->has_rqlen);
	CU_ASSERT_EQUAL(u->rqueue, 0);
	CU_ASSERT_EQUAL(u->wqueue, 768);
	u = find(&seen, 301614);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_EQUAL(u->peer, 301613);
	CU_ASSERT_EQUAL(u->rqueue, 5);
	CU_ASSERT_FALSE(u->truncated);

	/* the listener: abstract name, 1 pending of backlog 4, the pending client's inode */
	u = find(&seen, 301615);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_EQUAL(u->state, TCP_LISTEN);
	CU_ASSERT_TRUE(u->has_name);
	CU_ASSERT_STRING_EQUAL(u->name, "@ipctop-rec");
	CU_ASSERT_FALSE(u->has_peer);
	CU_ASSERT_EQUAL(u->rqueue, 1);
	CU_ASSERT_EQUAL(u->wqueue, 4);
	CU_ASSERT_EQUAL_FATAL(u->n_icons, 1);
	CU_ASSERT_EQUAL(seen.icons[u - seen.s][0], 301616);

	/* the client not yet accepted: a peer without an inode */
	u = find(&seen, 301616);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_TRUE(u->has_peer);
	CU_ASSERT_EQUAL(u->peer, 0);

	/* the datagram socket: path without its terminating NUL */
	u = find(&seen, 301617);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_EQUAL(u->type, SOCK_DGRAM);
	CU_ASSERT_EQUAL(u->state, TCP_CLOSE);
	CU_ASSERT_STRING_EQUAL(u->name, "/tmp/rec/ipctop-rec.sock");

	/* the same bytes cut short in the middle of the third message header: what came before
	 * is delivered, then -EBADMSG */
	seen.n = 0;
	CU_ASSERT_EQUAL(unix_diag_parse(buf, 60 + 60 + 8, collect_cb, &seen, &bad), -EBADMSG);
	CU_ASSERT_EQUAL(seen.n, 2);
	/* one datagram of many: no DONE yet -> 0 */
	seen.n = 0;
	CU_ASSERT_EQUAL(unix_diag_parse(buf, 120, collect_cb, &seen, &bad), 0);
	CU_ASSERT_EQUAL(seen.n, 2);
}

/* ---- hand-built replies --------------------------------------------------------------------- */

struct nlbuf {
	unsigned char b[2048] __attribute__((aligned(8)));
	size_t len;
};

static size_t msg_begin(struct nlbuf *nb, uint16_t type)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = NLM_F_MULTI, .nlmsg_seq = 1 };
	size_t off = nb->len;

	memcpy(nb->b + off, &h, sizeof(h));
	nb->len += NLMSG_HDRLEN;
	return off;
}

static void msg_end(struct nlbuf *nb, size_t off)
{
	uint32_t len = (uint32_t)(nb->len - off);

	memcpy(nb->b + off, &len, sizeof(len));
	nb->len = off + NLMSG_ALIGN(len);
}

static size_t put_sock(struct nlbuf *nb, int type, int state, uint32_t ino)
{
	size_t off = msg_begin(nb, SOCK_DIAG_BY_FAMILY);
	struct unix_diag_msg m = { .udiag_family = AF_UNIX, .udiag_type = (uint8_t)type,
				   .udiag_state = (uint8_t)state, .udiag_ino = ino };

	memcpy(nb->b + nb->len, &m, sizeof(m));
	nb->len += sizeof(m);
	return off;
}

static void put_attr(struct nlbuf *nb, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };

	memcpy(nb->b + nb->len, &a, sizeof(a));
	memcpy(nb->b + nb->len + NLA_HDRLEN, data, len);
	memset(nb->b + nb->len + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	nb->len += NLA_HDRLEN + NLA_ALIGN(len);
}

static void put_done(struct nlbuf *nb, int err)
{
	size_t off = msg_begin(nb, NLMSG_DONE);

	memcpy(nb->b + nb->len, &err, sizeof(err));
	nb->len += sizeof(err);
	msg_end(nb, off);
}

static void test_hand_built(void)
{
	struct nlbuf nb = { .len = 0 };
	struct seen seen = { .n = 0 };
	uint32_t peer = 77, rq[2] = { 12, 4096 }, icons[3] = { 501, 502, 503 };
	const struct unix_diag_sock *u;
	size_t off, bad = 0;

	/* seqpacket with a path name that fills sun_path (108 bytes, no NUL) */
	{
		char path[108];

		memset(path, 'p', sizeof(path));
		path[0] = '/';
		off = put_sock(&nb, SOCK_SEQPACKET, TCP_ESTABLISHED, 10);
		put_attr(&nb, UNIX_DIAG_NAME, path, sizeof(path));
		put_attr(&nb, UNIX_DIAG_PEER, &peer, sizeof(peer));
		put_attr(&nb, UNIX_DIAG_RQLEN, rq, sizeof(rq));
		put_attr(&nb, 99, "??", 2);	/* unknown attribute: skipped */
		msg_end(&nb, off);
	}
	/* abstract name with an embedded NUL, a listener with three pending connections */
	off = put_sock(&nb, SOCK_STREAM, TCP_LISTEN, 11);
	put_attr(&nb, UNIX_DIAG_NAME, "\0ab\0c", 5);
	put_attr(&nb, UNIX_DIAG_ICONS, icons, sizeof(icons));
	msg_end(&nb, off);
	/* nothing but the header (no attributes): every optional part absent */
	off = put_sock(&nb, SOCK_DGRAM, TCP_CLOSE, 12);
	msg_end(&nb, off);
	put_done(&nb, 0);

	CU_ASSERT_EQUAL(unix_diag_parse(nb.b, nb.len, collect_cb, &seen, &bad), 1);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL_FATAL(seen.n, 3);
	u = find(&seen, 10);
	CU_ASSERT_EQUAL(u->type, SOCK_SEQPACKET);
	CU_ASSERT_EQUAL(strlen(u->name), 108);
	CU_ASSERT_EQUAL(u->peer, 77);
	CU_ASSERT_EQUAL(u->rqueue, 12);
	CU_ASSERT_EQUAL(u->wqueue, 4096);
	u = find(&seen, 11);
	CU_ASSERT_STRING_EQUAL(u->name, "@ab@c");
	CU_ASSERT_EQUAL_FATAL(u->n_icons, 3);
	CU_ASSERT_EQUAL(seen.icons[1][2], 503);
	u = find(&seen, 12);
	CU_ASSERT_FALSE(u->has_name || u->has_peer || u->has_rqlen || u->truncated);
	CU_ASSERT_EQUAL(u->n_icons, 0);
}

static void test_truncated_attrs(void)
{
	struct nlbuf nb = { .len = 0 };
	struct seen seen = { .n = 0 };
	uint32_t peer = 5;
	size_t off, bad = 0;
	struct nlattr a;

	/* PEER comes first; then a NAME attribute claiming more bytes than the message has */
	off = put_sock(&nb, SOCK_STREAM, TCP_ESTABLISHED, 20);
	put_attr(&nb, UNIX_DIAG_PEER, &peer, sizeof(peer));
	put_attr(&nb, UNIX_DIAG_NAME, "/x", 2);
	memcpy(&a, nb.b + nb.len - NLA_HDRLEN - 4, sizeof(a));
	a.nla_len = 200;
	memcpy(nb.b + nb.len - NLA_HDRLEN - 4, &a, sizeof(a));
	msg_end(&nb, off);
	/* an attribute with a length below its own header */
	off = put_sock(&nb, SOCK_STREAM, TCP_ESTABLISHED, 21);
	a.nla_len = 2;
	a.nla_type = UNIX_DIAG_PEER;
	memcpy(nb.b + nb.len, &a, sizeof(a));
	nb.len += 4;
	msg_end(&nb, off);
	/* attributes too short for their type: PEER of 2 bytes, RQLEN of 4 */
	off = put_sock(&nb, SOCK_STREAM, TCP_ESTABLISHED, 22);
	put_attr(&nb, UNIX_DIAG_PEER, "ab", 2);
	put_attr(&nb, UNIX_DIAG_RQLEN, "abcd", 4);
	msg_end(&nb, off);
	/* a message too short for unix_diag_msg: skipped, counted */
	off = msg_begin(&nb, SOCK_DIAG_BY_FAMILY);
	memcpy(nb.b + nb.len, "\1\1\1\0", 4);
	nb.len += 4;
	msg_end(&nb, off);

	CU_ASSERT_EQUAL(unix_diag_parse(nb.b, nb.len, collect_cb, &seen, &bad), 0);
	CU_ASSERT_EQUAL_FATAL(seen.n, 3);
	CU_ASSERT_TRUE(seen.s[0].truncated);
	CU_ASSERT_TRUE(seen.s[0].has_peer);	/* what came before the bad attribute is kept */
	CU_ASSERT_EQUAL(seen.s[0].peer, 5);
	CU_ASSERT_FALSE(seen.s[0].has_name);
	CU_ASSERT_TRUE(seen.s[1].truncated);
	CU_ASSERT_FALSE(seen.s[1].has_peer);
	CU_ASSERT_FALSE(seen.s[2].truncated);
	CU_ASSERT_FALSE(seen.s[2].has_peer);
	CU_ASSERT_FALSE(seen.s[2].has_rqlen);
	CU_ASSERT_EQUAL(bad, 5);	/* 2 cut attributes, 2 short payloads, 1 short message */

	/* a message whose length runs past the buffer */
	CU_ASSERT_EQUAL(unix_diag_parse(nb.b, nb.len - 1, collect_cb, &seen, &bad), -EBADMSG);
	/* a header shorter than nlmsghdr, and stray bytes after a complete message */
	CU_ASSERT_EQUAL(unix_diag_parse(nb.b, 8, collect_cb, &seen, NULL), -EBADMSG);
	{
		struct nlbuf one = { .len = 0 };

		off = put_sock(&one, SOCK_STREAM, TCP_CLOSE, 30);
		msg_end(&one, off);
		CU_ASSERT_EQUAL(unix_diag_parse(one.b, one.len + 3, collect_cb, &seen, NULL), -EBADMSG);
	}
}

static void test_errors(void)
{
	struct nlbuf nb = { .len = 0 };
	struct seen seen = { .n = 0 };
	size_t off = msg_begin(&nb, NLMSG_ERROR);
	struct nlmsgerr e = { .error = -EPERM };

	memcpy(nb.b + nb.len, &e, sizeof(e));
	nb.len += sizeof(e);
	msg_end(&nb, off);
	CU_ASSERT_EQUAL(unix_diag_parse(nb.b, nb.len, collect_cb, &seen, NULL), -EPERM);

	/* an ACK (error 0) is not an error */
	nb.len = 0;
	off = msg_begin(&nb, NLMSG_ERROR);
	e.error = 0;
	memcpy(nb.b + nb.len, &e, sizeof(e));
	nb.len += sizeof(e);
	msg_end(&nb, off);
	put_done(&nb, 0);
	CU_ASSERT_EQUAL(unix_diag_parse(nb.b, nb.len, collect_cb, &seen, NULL), 1);

	/* a dump that ends with an error in NLMSG_DONE */
	nb.len = 0;
	put_done(&nb, -ENOBUFS);
	CU_ASSERT_EQUAL(unix_diag_parse(nb.b, nb.len, collect_cb, &seen, NULL), -ENOBUFS);
	CU_ASSERT_EQUAL(seen.n, 0);
}

/* ---- inet_diag (loopback TCP) ----------------------------------------------------------------- */

struct tcp_seen {
	int n;
	uint32_t inode[4];
	uint16_t sport[4];
};

static void tcp_cb(const struct inet_diag_msg *m, void *arg)
{
	struct tcp_seen *t = arg;

	if (t->n < 4) {
		t->inode[t->n] = m->idiag_inode;
		t->sport[t->n] = ntohs(m->id.idiag_sport);
		t->n++;
	}
}

static void test_inet(void)
{
	struct nlbuf nb = { .len = 0 };
	struct tcp_seen t = { 0 };
	struct inet_diag_msg m = { .idiag_family = AF_INET, .idiag_state = TCP_ESTABLISHED };
	size_t off = msg_begin(&nb, SOCK_DIAG_BY_FAMILY);
	int status;

	m.id.idiag_sport = htons(5000);
	m.id.idiag_dport = htons(40122);
	m.id.idiag_src[0] = htonl(0x7f000001);
	m.id.idiag_dst[0] = htonl(0x7f000001);
	m.idiag_inode = 4242;
	memcpy(nb.b + nb.len, &m, sizeof(m));
	nb.len += sizeof(m);
	msg_end(&nb, off);
	put_done(&nb, 0);
	misc_fds_parse_inet(nb.b, nb.len, tcp_cb, &t, &status);
	CU_ASSERT_EQUAL(status, 1);
	CU_ASSERT_EQUAL_FATAL(t.n, 1);
	CU_ASSERT_EQUAL(t.inode[0], 4242);
	CU_ASSERT_EQUAL(t.sport[0], 5000);
	misc_fds_parse_inet(nb.b, 20, tcp_cb, &t, &status);	/* cut inside the first message */
	CU_ASSERT_EQUAL(status, -EBADMSG);
}

/* ---- live ----------------------------------------------------------------------------------- */

static void test_live_pair(void)
{
	int sp[2];
	struct stat a, b;
	struct collect_opts o = { .sysroot = "/" };
	struct collector *c;
	struct snapshot *s = NULL;
	const struct usock_rec *ua, *ub;
	int err;

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0);
	CU_ASSERT_EQUAL(write(sp[0], "0123456", 7), 7);
	fstat(sp[0], &a);
	fstat(sp[1], &b);
	c = collector_new(&o, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(collector_collect(c, &s), 0);
	collector_free(c);
	snapshot_sort(s);
	ua = snapshot_find_usock(s, a.st_ino);
	ub = snapshot_find_usock(s, b.st_ino);
	CU_ASSERT_PTR_NOT_NULL(ua);
	CU_ASSERT_PTR_NOT_NULL(ub);
	if (ua && ub) {
		CU_ASSERT_TRUE(ua->peer_known && ua->peer_inode == b.st_ino);
		CU_ASSERT_TRUE(ub->peer_known && ub->peer_inode == a.st_ino);
		CU_ASSERT_EQUAL(ub->queued_bytes, 7);
		CU_ASSERT_EQUAL(ua->queued_bytes, 0);
		CU_ASSERT_EQUAL_FATAL(ua->n_holders, 1);
		CU_ASSERT_EQUAL(ua->holders[0].pid, getpid());
		CU_ASSERT_EQUAL(ua->holders[0].fd, sp[0]);
		CU_ASSERT_EQUAL_FATAL(ub->n_holders, 1);
		CU_ASSERT_EQUAL(ub->holders[0].fd, sp[1]);
	}
	snapshot_unref(s);
	close(sp[0]);
	close(sp[1]);
}

void test_register(void)
{
	TEST_SUITE("unix_diag reply parser", NULL, NULL,
		   "recorded reply: pair, listener, client, dgram", test_recorded,
		   "hand-built: every attribute", test_hand_built,
		   "truncated and short attributes and messages", test_truncated_attrs,
		   "NLMSG_ERROR and DONE errors", test_errors);
	TEST_SUITE("inet_diag reply parser", NULL, NULL, "loopback message", test_inet);
	TEST_SUITE("live", NULL, NULL, "a socketpair of this process, linked", test_live_pair);
}
