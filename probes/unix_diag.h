/*
 * unix_diag.h - the Unix socket probe: every AF_UNIX socket of the network namespace, from
 * one NETLINK_SOCK_DIAG dump, linked to its peer and to the processes holding it.
 *
 * The reply parser is a pure function over a buffer (tests feed it recorded and hand-built
 * replies, truncated ones included); the netlink dump helper is shared with misc_fds.c
 * (loopback TCP through inet_diag).
 */
#ifndef IPCTOP_UNIX_DIAG_H
#define IPCTOP_UNIX_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probes/probe.h"

/* The longest name shown: sun_path is 108 bytes; '@' for an abstract name's leading NUL. */
#define UNIX_DIAG_NAME_MAX 112

/* One socket of a reply, as the parser hands it to its callback. */
struct unix_diag_sock {
	uint64_t inode;
	int type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	int state;		/* TCP_ESTABLISHED, TCP_LISTEN, TCP_CLOSE, ... */
	bool has_name;
	char name[UNIX_DIAG_NAME_MAX + 1];	/* path, or "@name" (abstract; inner NULs as '@') */
	bool has_peer;
	uint64_t peer;
	bool has_rqlen;
	uint32_t rqueue;	/* listener: pending connections; else unread bytes */
	uint32_t wqueue;	/* listener: backlog; else kernel memory in the send queue */
	const unsigned char *icons;	/* UNIX_DIAG_ICONS payload: n_icons u32 inodes (unaligned) */
	size_t n_icons;
	bool truncated;		/* an attribute ran past its message: later ones are missing */
};

typedef void (*unix_diag_sock_fn)(const struct unix_diag_sock *sock, void *arg);

/* Inode i of sock->icons. */
uint64_t unix_diag_icon(const struct unix_diag_sock *sock, size_t i);

/*
 * Parses one datagram of a sock_diag dump reply (any number of netlink messages) and calls fn
 * for each SOCK_DIAG_BY_FAMILY message. Returns 0 (more datagrams to come), 1 (NLMSG_DONE
 * seen), -errno from an NLMSG_ERROR, or -EBADMSG when a message header is cut short (the rest
 * of the buffer is skipped). *n_bad (may be NULL) counts messages and attributes that were
 * malformed but skipped. Pure: no I/O, no allocation.
 */
int unix_diag_parse(const void *buf, size_t len, unix_diag_sock_fn fn, void *arg, size_t *n_bad);

/*
 * Sends one NETLINK_SOCK_DIAG dump request (req: the family's request struct, after the
 * nlmsghdr this function adds) and passes each reply datagram to on_reply until it returns
 * non-zero: 1 = done, <0 = error (returned). Returns 0 or -errno.
 */
typedef int (*unix_diag_reply_fn)(const void *buf, size_t len, void *arg);
int unix_diag_dump(const void *req, size_t req_len, unix_diag_reply_fn on_reply, void *arg);

int unix_diag_collect(struct probe_ctx *ctx, void **state);

#endif
