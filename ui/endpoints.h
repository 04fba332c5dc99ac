/*
 * endpoints.h - who is at the other end of a channel, as the dashboard shows it: the Pipes,
 * Sockets and POSIX panels, the channel detail pages and a process's list of channels.
 *
 * Everything here reads a sealed snapshot and writes text or small structs; nothing draws,
 * so unit tests call it directly. The model already groups descriptors into channels
 * (pipe_rec.ends, usock_rec.holders, ...); this module only decides how to present them:
 * - ends are named "pid comm", each process once (a process's several fds on the same
 *   channel are one end to a reader of the screen);
 * - a connected pair of Unix sockets is one row "A <-> B" (whichever of the two is looked
 *   at), keyed by the lower inode so the row's identity is stable;
 * - a process's channels are every pipe, socket, POSIX object and notable descriptor it
 *   holds, in descriptor order, each with the ends at the other side.
 */
#ifndef IPCTOP_UI_ENDPOINTS_H
#define IPCTOP_UI_ENDPOINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "src/snapshot.h"

struct page;
struct ui_frame;

/* ---- lists of ends -------------------------------------------------------------------------- */

/* "12 cat,15 sh": the distinct processes among ends that have any bit of mode (0: every
 * end), in pid order, leaving out skip (0: none). "-" when there is none; when buf is too
 * small the list ends with ",+N" (N processes more). Returns buf. */
const char *ep_end_list(const struct snapshot *s, const struct endpoint *e, size_t n,
			unsigned mode, pid_t skip, char *buf, size_t len);
/* The same for a list of pids (POSIX mappers); duplicates are shown once. */
const char *ep_pid_list(const struct snapshot *s, const pid_t *pids, size_t n, pid_t skip,
			char *buf, size_t len);
/* How many distinct processes ends with mode (0: all) have, leaving out skip (0: none). */
size_t ep_count_procs(const struct endpoint *e, size_t n, unsigned mode, pid_t skip);
/* "3", "3,5" or "3,5,+2": pid's descriptors among ends with mode (0: all); "" if none. */
const char *ep_fds_of(const struct endpoint *e, size_t n, pid_t pid, unsigned mode,
		      char *buf, size_t len);
/* "read", "write", "read+write" or "?" for an fd_mode. */
const char *ep_mode_name(unsigned mode);

/* ---- Unix socket rows ----------------------------------------------------------------------- */

enum ep_sock_link {
	EP_SOCK_ALONE,		/* no peer: a listener, an unconnected or an unbound socket */
	EP_SOCK_PAIR,		/* a and b are each other's peer: one row for both */
	EP_SOCK_TO,		/* a is connected to b, b not back (a datagram server) */
	EP_SOCK_PENDING,	/* a connected to listener b and waits in its accept queue */
	EP_SOCK_UNSEEN,		/* a has a peer that is not in the snapshot */
};

struct ep_sock_row {
	const struct usock_rec *rec;	/* the row's identity: for a pair the lower inode */
	const struct usock_rec *a;	/* shown first: the client side when only b has a path */
	const struct usock_rec *b;	/* the other end, NULL for ALONE and UNSEEN */
	enum ep_sock_link link;
};

/* The row u belongs to (for a pair the same row whichever of the two u is). */
void ep_sock_row_of(const struct snapshot *s, const struct usock_rec *u, struct ep_sock_row *row);
/* Every row, each connected pair once, in the inode order of their records. rows has room
 * for s->n_usocks entries. Returns how many were written. */
size_t ep_sock_rows(const struct snapshot *s, struct ep_sock_row *rows);
/* The bound path of a row ("@name" abstract): b's for a pair or a listener's client, else
 * a's; NULL when neither is bound. */
const char *ep_sock_row_path(const struct ep_sock_row *row);

/* ---- a process's channels ------------------------------------------------------------------- */

enum ep_chan_kind {
	EP_CHAN_PIPE,		/* struct pipe_rec (anonymous pipe or FIFO) */
	EP_CHAN_USOCK,		/* struct usock_rec */
	EP_CHAN_PMQ,		/* struct pmq_rec (held by descriptor) */
	EP_CHAN_MISC,		/* struct misc_fd_rec (eventfd, signalfd, loopback TCP) */
	EP_CHAN_PSHM,		/* struct pshm_rec (mapped, no descriptor) */
	EP_CHAN_PSEM,		/* struct psem_rec (mapped, no descriptor) */
};

struct ep_chan {
	enum ep_chan_kind kind;
	const void *rec;
	int fd;			/* the process's lowest descriptor on it; -1 for a mapping */
	unsigned mode;		/* enum fd_mode bits of all its descriptors on it */
	size_t n_fds;
};

/* Every channel pid holds: descriptors in fd order, then mappings by name. Writes at most cap
 * into out (out may be NULL with cap 0) and returns how many there are in all. */
size_t ep_proc_channels(const struct snapshot *s, pid_t pid, struct ep_chan *out, size_t cap);

/* The "Channels" section of a process's detail page: each channel (a line naming its object
 * id, so Enter opens it) followed by the processes at the other end ("PID comm (fd N)"
 * lines, so Enter opens them). */
void ep_page_channels(struct page *pg, const struct ui_frame *f, const struct proc_rec *p);

/* ---- shared by the channel views -------------------------------------------------------- */

/* Bytes per second summed over the counted throughput of ids (NULL entries skipped); "-"
 * without a previous snapshot, "?" when one was not counted. */
/* A detail page's traffic lines for channel id: "throughput" (counted, or "?" and why not)
 * and "fill change" (the net change of what is queued, named as such; messages too for
 * queues), or why there is nothing yet. */
void ep_page_traffic(struct page *pg, const struct ui_frame *f, const char *id, bool messages);

const char *ep_rate_text(const struct ui_frame *f, const char *const *ids, size_t n,
			 char *buf, size_t len);
/* "<->" or its UTF-8 arrow; "->" / "<-" likewise. */
const char *ep_glyph_both(void);
const char *ep_glyph_right(void);
const char *ep_glyph_left(void);

#endif
