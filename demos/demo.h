/*
 * demo.h - the demo scenarios: real processes doing real IPC, paced step by step and narrated.
 *
 * A demo is one scenario function (demos/demo_<name>.c) that runs in its own process group
 * under a conductor process (the "root", comm "ipctop-demo"): the conductor creates the
 * private registry entry, forks the scenario's top process, relays the caption stream, obeys
 * the control channel and tears everything down. See demo_ctx.h for what scenarios use.
 *
 * ---- `ipctop demo run NAME [--speed X] [--seconds S] [--control FD]`: the output stream ----
 * stdout carries one record per line. The first line is always `status`; every other record
 * type may appear any number of times, in this order of events. Fields are separated by ONE
 * TAB, except the `ready` line, which is "ready PID" with one space (CONTRACT.md); shell
 * `read -r kind rest` with the default IFS splits every record. Fields never hold a tab or a
 * newline. Unknown record types must be ignored (new ones may be added).
 *
 *   status  STATE SPEED          STATE "running"|"paused"; SPEED a number (1 = one step a
 *                                second) or "full" (no pauses). First line, then after every
 *                                control command.
 *   process PID ROLE PPID        a demo process started (its comm is ROLE); also sent again
 *                                when a process changes role (exec).
 *   object  ID LABEL             a demo object was created. ID is a CONTRACT.md object id:
 *                                pipe:INODE fifo:INODE unix:INODE msg:ID shm:ID sem:ID
 *                                pmq:NAME pshm:NAME psem:NAME.
 *   ready PID                    the demo's objects exist; PID is the root (conductor) pid,
 *                                every demo process descends from it. Sent again after a
 *                                restart (same PID).
 *   caption STEP PID OBJECTS TEXT
 *                                one step: STEP counts from 1 (restarts do not reset it); PID
 *                                is the process that made the call; OBJECTS the ids the step is
 *                                about, comma separated (processes as "pid:N"), "-" if none;
 *                                TEXT one or two plain sentences: the system call made and
 *                                what the kernel does in response.
 *   dropped N                    N records were lost because the stream fell behind (only at
 *                                "full" speed); the demo itself is not slowed down.
 *   restart                      the scenario was torn down (processes killed, objects
 *                                removed) and starts again.
 *   error   TEXT                 the demo failed (e.g. "msgget: No space left on device"); it
 *                                stops and the exit status is 1. Also printed on stderr.
 *   end     REASON               the last line: "seconds" (--seconds elapsed), "signal"
 *                                (SIGINT/SIGTERM/SIGHUP), "quit" (control 'q'), "eof" (the
 *                                control channel closed), "output" (stdout closed), "error".
 *
 * ---- the control channel (`--control FD`, usually 0 = stdin) ----
 * One byte per command; newlines, carriage returns and unknown bytes are ignored:
 *   p pause        c continue      ' ' toggle pause      s single step (see below)
 *   + faster       - slower        f full speed          1 normal speed (1 step/s)
 *   r restart      q quit (clean up, exit 0)
 * Pacing runs on a virtual clock that pause freezes; 's' pauses (if running) and moves the
 * clock on by one step, so every demo process whose next step falls due takes it, once;
 * processes woken by those steps (a reader getting data) react at once, as they would.
 * The speed ladder for + and -: 0.125 0.25 0.5 1 2 4 8 16 full. End of file on the channel
 * stops the demo (its controller is gone). Without --control nothing is read from stdin.
 *
 * ---- cleanup guarantee ----
 * The conductor dies with its launcher (PR_SET_PDEATHSIG SIGTERM), every other demo process
 * with its parent (PR_SET_PDEATHSIG SIGKILL); the conductor is a child subreaper so it reaps
 * every descendant. On exit, SIGINT, SIGTERM and SIGHUP it kills the scenario's process group
 * and removes every object its registry lists. After a SIGKILL, `ipctop demo cleanup`
 * removes what a dead demo's registry lists, after checking each object is still the one
 * the demo made (demo_registry.h).
 */
#ifndef IPCTOP_DEMO_H
#define IPCTOP_DEMO_H

#include <stddef.h>

struct demo_ctx;

struct demo {
	const char *name;		/* the `demo run NAME` */
	const char *description;	/* one line for `demo list` and the dashboard menu */
	/* Runs in the scenario's top process (its own process group, stdin/stdout on
	 * /dev/null). Returns 0 when demo_step() said stop, 1 after demo_fail(). */
	int (*run)(struct demo_ctx *ctx);
};

/* Every demo, in menu order (demo_table.c). */
extern const struct demo demo_table[];
extern const size_t demo_count;

/* The demo named name, or NULL. */
const struct demo *demo_find(const char *name);

/* `ipctop demo ARGS...`: argv[0] is the subcommand ("list", "run", "cleanup"). Prints a
 * one-line message naming a bad argument on stderr and returns 2 on bad usage; otherwise
 * returns the exit status (0 ok, 1 the demo failed or cleanup could not remove something). */
int demo_cli_main(int argc, char **argv);

/* Speed ladder helpers shared by the conductor and the dashboard. A speed <= 0 means full. */
double demo_speed_faster(double speed);
double demo_speed_slower(double speed);

#endif
