/*
 * sysv_msg.h - the System V message queue probe: one msgq_rec per line of
 * /proc/sysvipc/msg, with msg_qbytes from msgctl(IPC_STAT) on the live system.
 */
#ifndef IPCTOP_SYSV_MSG_H
#define IPCTOP_SYSV_MSG_H

#include "probes/probe.h"

int sysv_msg_collect(struct probe_ctx *ctx, void **state);

#endif
