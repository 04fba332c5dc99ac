/*
 * sysv_sem.h - the System V semaphore probe: one sem_rec per line of /proc/sysvipc/sem,
 * with each semaphore's value, waiter counts and last pid from semctl on the live system.
 */
#ifndef IPCTOP_SYSV_SEM_H
#define IPCTOP_SYSV_SEM_H

#include "probes/probe.h"

int sysv_sem_collect(struct probe_ctx *ctx, void **state);

#endif
