/*
 * sysv_shm.h - the System V shared memory probe: one shm_rec per line of
 * /proc/sysvipc/shm, with the attaching processes taken from the maps probe's list (the
 * /SYSV mapping's inode is the shmid), never by attaching.
 */
#ifndef IPCTOP_SYSV_SHM_H
#define IPCTOP_SYSV_SHM_H

#include "probes/probe.h"

int sysv_shm_collect(struct probe_ctx *ctx, void **state);

#endif
