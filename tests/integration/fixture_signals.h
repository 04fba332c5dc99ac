/*
 * fixture_signals.h - the signal discipline the live test fixtures share (live_endpoints,
 * fd_iter_fixture): SIGTERM, SIGINT and SIGHUP ask the fixture to stop (it then removes its
 * objects and reaps its children), SIGCHLD says a child ended; all four stay blocked except
 * while the fixture waits (ppoll with the mask fixture_signals gives), so no setup step is
 * interrupted; SIGPIPE is ignored, and the fixture gets SIGTERM when its parent dies.
 */
#ifndef IPCTOP_FIXTURE_SIGNALS_H
#define IPCTOP_FIXTURE_SIGNALS_H

#include <signal.h>

extern volatile sig_atomic_t fixture_stop, fixture_child_ended;

/* Installs the handlers and blocks the four signals; *unblocked: the mask to wait with. */
void fixture_signals(sigset_t *unblocked);

#endif
