/*
 * misc_fds.h - the probe for descriptors that are not channels: eventfd counters, signalfd
 * masks, and loopback TCP connections between two local processes (misc_fd_rec).
 *
 * Runs after the descriptor probe (probes/fds.c), whose fdinfo reads it reuses.
 */
#ifndef IPCTOP_MISC_FDS_H
#define IPCTOP_MISC_FDS_H

#include <stddef.h>

#include <linux/inet_diag.h>

#include "probes/probe.h"

typedef void (*misc_fds_tcp_fn)(const struct inet_diag_msg *msg, void *arg);

/* Parses one datagram of an inet_diag dump reply, calling fn for each socket message.
 * *status: 0 more to come, 1 NLMSG_DONE, -errno from NLMSG_ERROR, -EBADMSG cut short. Pure. */
void misc_fds_parse_inet(const void *buf, size_t len, misc_fds_tcp_fn fn, void *arg, int *status);

int misc_fds_collect(struct probe_ctx *ctx, void **state);

#endif
