/*
 * actions.h - the few things ipctop does to the system, only ever on the user's confirmed
 * request from the dashboard (observing never disturbs: see ../shared/CONCEPTS.md).
 *
 * Errors are returned, never hidden or printed: the caller shows strerror(-rc).
 */
#ifndef IPCTOP_ACTIONS_H
#define IPCTOP_ACTIONS_H

#include <stddef.h>
#include <sys/types.h>

/* Sends signal signo (any of 1..SIGRTMAX, real-time ones included; 0 only checks that the
 * process exists and may be signalled) to the one process pid. Returns 0 or -errno: -EINVAL for
 * pid <= 0 (never a process group or "every process") or a signal number out of range,
 * -ESRCH, -EPERM as kill(2) says. */
int action_send_signal(pid_t pid, int signo);

/* The signal numbers to offer in a picker, in order, as `kill -l` lists them: 1..31 and
 * SIGRTMIN..SIGRTMAX (32 and 33 are the C library's own, though action_send_signal takes
 * them too). Writes up to cap numbers and returns how many there are. */
size_t action_signal_list(int *out, size_t cap);

#endif
