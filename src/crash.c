/*
 * crash.c - the fatal-signal handler (see crash.h).
 *
 * Invariants: everything the handler reads is written before `term_armed` is set and is
 * never changed while it is; the handler allocates nothing, takes no lock and calls only
 * async-signal-safe functions; it runs once (a second crashing thread only re-raises).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/crash.h"
#include "src/sampler.h"

#define RESTORE_MAX 512
#define ALT_STACK_SIZE (64 * 1024)

static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))

static struct sigaction previous[N_FATAL];
static volatile sig_atomic_t installed;
static volatile sig_atomic_t crashing;

static volatile sig_atomic_t term_armed;
static int term_fd = -1;
static pid_t term_pid;
static char term_restore[RESTORE_MAX];
static size_t term_restore_len;
static struct termios term_modes;

static void restore_terminal(void)
{
	size_t off = 0;

	if (!term_armed || getpid() != term_pid)
		return;
	term_armed = 0;
	while (off < term_restore_len) {
		ssize_t w = write(term_fd, term_restore + off, term_restore_len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	tcsetattr(term_fd, TCSANOW, &term_modes);
}

static void on_fatal(int signo)
{
	int saved = errno;

	if (!crashing) {
		crashing = 1;
		restore_terminal();
		sampler_cleanup_signal_safe();	/* the tracefs instance */
	}
	for (size_t i = 0; i < N_FATAL; i++)
		if (fatal_signals[i] == signo)
			sigaction(signo, &previous[i], NULL);
	/* pending until this handler returns; a fault that is re-executed raises it anew */
	raise(signo);
	errno = saved;
}

void crash_guard_init(void)
{
	static char *alt;
	struct sigaction sa;
	stack_t ss;

	if (installed)
		return;
	alt = malloc(ALT_STACK_SIZE);
	if (alt) {
		ss.ss_sp = alt;
		ss.ss_size = ALT_STACK_SIZE;
		ss.ss_flags = 0;
		if (sigaltstack(&ss, NULL) < 0) {
			free(alt);
			alt = NULL;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sigfillset(&sa.sa_mask);	/* nothing else runs inside the handler */
	sa.sa_flags = alt ? SA_ONSTACK : 0;
	for (size_t i = 0; i < N_FATAL; i++)
		sigaction(fatal_signals[i], &sa, &previous[i]);
	installed = 1;
}

void crash_guard_set_terminal(int fd, const char *restore, size_t len, const struct termios *modes)
{
	term_armed = 0;
	if (len > RESTORE_MAX)
		len = RESTORE_MAX;
	memcpy(term_restore, restore, len);
	term_restore_len = len;
	term_modes = *modes;
	term_fd = fd;
	term_pid = getpid();
	term_armed = 1;
}

void crash_guard_clear_terminal(void)
{
	term_armed = 0;
}
