/*
 * crash.h - what ipctop undoes when a fatal signal (SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL)
 * ends it: the terminal's modes (echo, canonical input, alternate screen, mouse reporting,
 * hidden cursor) and this process's tracefs instance (instances/ipctop-PID).
 *
 * The handler makes only async-signal-safe calls (write, tcsetattr, close, rmdir, sigaction,
 * raise) on state prepared beforehand, then re-raises the signal with the disposition that
 * was there before (the default, or a sanitizer's reporter), so the process still dies of it.
 * It runs on an alternate stack, so a stack overflow in the main thread is handled too.
 */
#ifndef IPCTOP_CRASH_H
#define IPCTOP_CRASH_H

#include <stddef.h>
#include <termios.h>

/* Installs the handler (idempotent). */
void crash_guard_init(void);

/* From now on a crash writes restore (len bytes: the escape strings that leave the
 * alternate screen, stop mouse reporting, show the cursor, ...) to fd and sets fd's modes
 * back to *modes. Copies both; restore longer than 512 bytes is cut. Only this process
 * (not a forked child) restores the terminal. */
void crash_guard_set_terminal(int fd, const char *restore, size_t len, const struct termios *modes);
/* The terminal is restored normally: a crash no longer touches it. */
void crash_guard_clear_terminal(void);

#endif
