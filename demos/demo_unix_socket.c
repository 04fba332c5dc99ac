/*
 * demo_unix_socket.c - a Unix-domain socket server with three stream clients, and datagrams.
 *
 * sock-server binds a stream socket (stream.sock, in the demo's private directory) and a
 * datagram socket (the abstract name @ipctop-demo-ROOT-dgram) and listens. First it hands one
 * end of a socketpair(SOCK_SEQPACKET) to sock-pair-peer, which sends records. Three clients
 * connect one step apart; each connection waits in the listener's backlog for a step before
 * the server accept()s it, and gets its own socket. Every client sends a line per step and
 * reads the reply; every third line it also sends two datagrams, which the server receives
 * as two separate messages. After eight lines a client closes and exits; when all have gone,
 * a new round starts.
 * Processes: sock-server (top), sock-pair-peer, sock-client-1..3.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "demos/demo_scenarios.h"

#define CLIENTS 3
#define LINES 8

static int make_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		return -ENAMETOOLONG;
	strcpy(a->sun_path, path);
	return 0;
}

/* An abstract address (sun_path starts with a NUL): no file, gone with the last socket. */
static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	size_t n = strlen(name);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (n > sizeof(a->sun_path) - 1)
		n = sizeof(a->sun_path) - 1;
	memcpy(a->sun_path + 1, name, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static void client(struct demo_ctx *ctx, int n, const char *spath, const char *dname)
{
	struct sockaddr_un sa, da;
	char id[48], objs[96], line[64], reply[128];
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int d = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	socklen_t dlen = abstract_addr(&da, dname);

	if (s < 0 || d < 0 || make_addr(&sa, spath) < 0)
		_exit(demo_fail(ctx, "sock-client-%d: socket: %s", n, strerror(errno)));
	while (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		if (errno != EINTR)
			_exit(demo_fail(ctx, "sock-client-%d: connect: %s", n, strerror(errno)));
	demo_fd_id(s, "unix", id, sizeof(id));
	snprintf(objs, sizeof(objs), "%s,pid:%d", id, (int)getpid());
	demo_caption(ctx, objs, "sock-client-%d: socket() + connect(\"%s\") returned at once: "
		     "the connection (%s) waits in sock-server's backlog until it calls accept().",
		     n, spath, id);
	for (int k = 1; k <= LINES; k++) {
		int len;
		ssize_t got;

		if (!demo_step_scaled(ctx, 1.0 + 0.3 * n))
			_exit(0);
		len = snprintf(line, sizeof(line), "hello %d from client %d\n", k, n);
		if (write(s, line, (size_t)len) != len)
			_exit(demo_fail(ctx, "sock-client-%d: write: %s", n, strerror(errno)));
		while ((got = read(s, reply, sizeof(reply) - 1)) < 0 && errno == EINTR)
			;
		if (got <= 0)
			_exit(demo_fail(ctx, "sock-client-%d: read: %s", n,
					got < 0 ? strerror(errno) : "server closed"));
		reply[got] = '\0';
		demo_caption(ctx, objs, "sock-client-%d wrote %d bytes on its stream socket %s and "
			     "read %zd bytes of reply: a stream is two-way and reliable, in order.", n,
			     len, id, got);
		if (k % 3 == 0) {
			for (int j = 0; j < 2; j++) {
				len = snprintf(line, sizeof(line), "ping %c from client %d", 'a' + j, n);
				sendto(d, line, (size_t)len, 0, (struct sockaddr *)&da, dlen);
			}
			demo_caption(ctx, objs, "sock-client-%d: two sendto(\"@%s\") calls, back to "
				     "back: two datagrams, no connection needed.", n, dname);
		}
	}
	close(s);
	demo_caption(ctx, objs, "sock-client-%d closes its socket and exits.", n);
	_exit(0);
}

/* The other end of a socketpair(SOCK_SEQPACKET): connected from birth, records kept whole. */
static void pair_peer(struct demo_ctx *ctx, int fd, const char *id)
{
	char objs[96], rec[64], reply[128];

	snprintf(objs, sizeof(objs), "%s,pid:%d", id, (int)getpid());
	for (int k = 1; k <= LINES; k++) {
		ssize_t got[2];
		int len;

		if (!demo_step_scaled(ctx, 1.7))
			_exit(0);
		for (int j = 0; j < 2; j++) {
			len = snprintf(rec, sizeof(rec), "record %d%c", k, 'a' + j);
			if (write(fd, rec, (size_t)len) != len)
				_exit(demo_fail(ctx, "sock-pair-peer: write: %s", strerror(errno)));
		}
		for (int j = 0; j < 2; j++)
			while ((got[j] = read(fd, reply, sizeof(reply))) < 0 && errno == EINTR)
				;
		demo_caption(ctx, objs, "sock-pair-peer wrote two records back to back on %s and "
			     "read two replies (%zd and %zd bytes): SOCK_SEQPACKET is connected and "
			     "ordered like a stream, but keeps each record whole.", id, got[0], got[1]);
	}
	_exit(0);
}

struct conn {
	int fd;
	char id[48];
};

int demo_unix_socket_run(struct demo_ctx *ctx)
{
	struct sockaddr_un sa, da;
	char spath[PATH_MAX], dname[64], lid[48], did[48], objs[160], buf[256];
	struct conn conns[CLIENTS * 2 + 2];
	size_t n_conns = 0;
	int ls, ds, started = 0, alive = 0;
	socklen_t dlen;

	demo_become(ctx, "sock-server");
	demo_path(ctx, "stream.sock", spath, sizeof(spath));
	snprintf(dname, sizeof(dname), DEMO_POSIX_PREFIX "%d-dgram", (int)ctx->root);
	dlen = abstract_addr(&da, dname);
	ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ds = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ls < 0 || ds < 0)
		return demo_fail(ctx, "socket: %s", strerror(errno));
	if (make_addr(&sa, spath) < 0)
		return demo_fail(ctx, "socket path too long: %s", spath);
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return demo_fail(ctx, "bind %s: %s", spath, strerror(errno));
	demo_file_created(ctx, "stream.sock");	/* bind made it: EADDRINUSE otherwise */
	if (listen(ls, 8) < 0 || bind(ds, (struct sockaddr *)&da, dlen) < 0)
		return demo_fail(ctx, "listen/bind: %s", strerror(errno));
	demo_fd_id(ls, "unix", lid, sizeof(lid));
	demo_fd_id(ds, "unix", did, sizeof(did));
	demo_object(ctx, lid, "listening stream socket");
	demo_object(ctx, did, "datagram socket");
	snprintf(objs, sizeof(objs), "%s,%s,pid:%d", lid, did, (int)getpid());
	demo_caption(ctx, objs, "sock-server: socket(AF_UNIX, SOCK_STREAM), bind(\"%s\"), "
		     "listen(): %s accepts connections (over AF_INET the same calls reach other "
		     "machines). A second socket, %s, is bound to the abstract name \"@%s\" for "
		     "datagrams: no file, the name goes with the socket.", spath, lid, did, dname);
	demo_ready(ctx);
	for (;;) {
		struct pollfd p[2 + CLIENTS * 2];
		size_t np = 0, n_polled;
		int st;
		pid_t w;

		/* a socketpair peer, then a new client every step until three are running */
		if (started <= CLIENTS) {
			static const char *const names[] = { "sock-pair-peer", "sock-client-1",
							     "sock-client-2", "sock-client-3" };
			int pair[2] = { -1, -1 };
			pid_t kid;

			if (!demo_step(ctx))
				return 0;
			if (started == 0 && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
						       pair) < 0)
				return demo_fail(ctx, "socketpair: %s", strerror(errno));
			kid = demo_fork(ctx, names[started], 0);
			if (kid < 0)
				return demo_fail(ctx, "fork: %s", strerror(errno));
			if (kid == 0) {
				close(ls);
				close(ds);
				for (size_t i = 0; i < n_conns; i++)
					close(conns[i].fd);
				if (started == 0) {
					char pid_[48];

					close(pair[0]);
					pair_peer(ctx, pair[1], demo_fd_id(pair[1], "unix", pid_,
									   sizeof(pid_)));
				}
				client(ctx, started, spath, dname);
			}
			if (started == 0) {
				char peer_id[48];

				demo_fd_id(pair[1], "unix", peer_id, sizeof(peer_id));
				close(pair[1]);
				conns[n_conns].fd = pair[0];
				demo_fd_id(pair[0], "unix", conns[n_conns].id, sizeof(conns[n_conns].id));
				demo_caption(ctx, objs, "sock-server: socketpair(AF_UNIX, SOCK_SEQPACKET) "
					     "made two sockets already connected to each other, %s and "
					     "%s - no name, no listen, no accept - and fork() gave one "
					     "to sock-pair-peer (PID %d).", conns[n_conns].id, peer_id,
					     (int)kid);
				n_conns++;
			}
			started++;
			alive++;
		}
		while ((w = demo_wait(-1, &st, WNOHANG)) > 0)
			alive--;
		if (started > CLIENTS && alive == 0) {
			demo_caption(ctx, objs, "Every client has gone; a new round starts with new ones.");
			started = 0;
			if (!demo_step(ctx))
				return 0;
			continue;
		}
		p[np++] = (struct pollfd){ ls, POLLIN, 0 };
		p[np++] = (struct pollfd){ ds, POLLIN, 0 };
		for (size_t i = 0; i < n_conns; i++)
			p[np++] = (struct pollfd){ conns[i].fd, POLLIN, 0 };
		n_polled = n_conns;
		if (poll(p, np, started <= CLIENTS ? 0 : 200) < 0) {
			if (errno == EINTR)
				continue;
			return demo_fail(ctx, "poll: %s", strerror(errno));
		}
		if (p[0].revents & POLLIN) {
			int c;

			demo_caption(ctx, objs, "sock-server: poll() says a connection is waiting in "
				     "the backlog of %s; it will accept() it next step.", lid);
			if (!demo_step(ctx))
				return 0;
			while ((c = accept4(ls, NULL, NULL, SOCK_CLOEXEC)) < 0 && errno == EINTR)
				;
			if (c < 0)
				return demo_fail(ctx, "accept: %s", strerror(errno));
			if (n_conns < sizeof(conns) / sizeof(conns[0])) {
				conns[n_conns].fd = c;
				demo_fd_id(c, "unix", conns[n_conns].id, sizeof(conns[n_conns].id));
				demo_caption(ctx, objs, "sock-server: accept() returned a new socket, "
					     "%s, connected to the client's; %s keeps listening.",
					     conns[n_conns].id, lid);
				n_conns++;
			} else {
				close(c);
			}
		}
		if (p[1].revents & POLLIN) {
			ssize_t got = recv(ds, buf, sizeof(buf) - 1, 0);

			if (got >= 0) {
				buf[got] = '\0';
				demo_caption(ctx, objs, "sock-server: recv() on %s returned one whole "
					     "datagram, \"%s\" (%zd bytes): datagram sockets keep "
					     "message boundaries.", did, buf, got);
			}
		}
		for (size_t i = 0; i < n_polled; i++) {
			struct conn *cn = &conns[i];
			ssize_t got;

			if (!(p[2 + i].revents & (POLLIN | POLLHUP)))
				continue;
			while ((got = read(cn->fd, buf, sizeof(buf) - 1)) < 0 && errno == EINTR)
				;
			if (got <= 0) {
				demo_caption(ctx, objs, "sock-server: read() on %s returned 0: the "
					     "client closed its end. close() frees the socket.", cn->id);
				close(cn->fd);
				cn->fd = -1;
				continue;
			}
			buf[got] = '\0';
			{
				char reply[300];
				int len = snprintf(reply, sizeof(reply), "ok: %s", buf);

				if (write(cn->fd, reply, (size_t)len) < 0)
					return demo_fail(ctx, "write: %s", strerror(errno));
			}
			demo_caption(ctx, objs, "sock-server read %zd bytes on %s and wrote the reply "
				     "back on the same socket.", got, cn->id);
		}
		for (size_t i = 0; i < n_conns;) {
			if (conns[i].fd < 0)
				conns[i] = conns[--n_conns];
			else
				i++;
		}
	}
}
