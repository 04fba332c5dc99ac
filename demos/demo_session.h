/*
 * demo_session.h - the dashboard's handle on a running demo: `ipctop demo run NAME --control 0`
 * started as a child with a control pipe on its stdin and its record stream (demo.h) on a
 * pipe from its stdout. Nothing here draws or touches /proc: the UI feeds the records it gets
 * to its views and sends one-byte commands.
 *
 * Start it from the main thread: the demo's conductor uses PR_SET_PDEATHSIG, which fires when
 * the *thread* that forked it exits. The session owns both descriptors (close-on-exec).
 */
#ifndef IPCTOP_DEMO_SESSION_H
#define IPCTOP_DEMO_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "demos/caption.h"

struct demo_session {
	pid_t pid;		/* the conductor (the demo's root), 0 when not running */
	pid_t root;		/* from the "ready" record, 0 before it */
	int out_fd;		/* read end of the record stream, non-blocking; poll() it */
	int ctl_fd;		/* write end of the control channel */
	bool ended;		/* the stream reached end-of-file */
	int status;		/* the conductor's wait status once reaped, -1 before */
	size_t len;
	char buf[2 * CAPTION_LINE_MAX];	/* a partial line */
};

/* Starts exe (NULL: this very program, through /proc/self/exe) as `demo run name --speed X --control 0` (speed <= 0:
 * full), stderr to /dev/null. Returns 0 or -errno. */
int demo_session_start(struct demo_session *s, const char *exe, const char *name, double speed);

typedef void (*demo_record_fn)(void *arg, const struct caption_rec *rec);

/* Reads what is available now and calls fn for every complete, well-formed record (in
 * order). Returns 0, or -EPIPE once the stream has ended (the demo exited or is exiting). */
int demo_session_read(struct demo_session *s, demo_record_fn fn, void *arg);

/* Sends one control byte (demo.h: p c space s + - f 1 r q). Never raises SIGPIPE.
 * Returns 0 or -errno (-EPIPE: the demo is gone). */
int demo_session_send(struct demo_session *s, char cmd);

/* Stops the demo: 'q', then SIGTERM after timeout_ms, then SIGKILL; reaps it and closes the
 * descriptors. The demo removes its own objects on 'q' and SIGTERM. Returns the wait status
 * (or -errno). Safe to call twice. */
int demo_session_stop(struct demo_session *s, int timeout_ms);

#endif
