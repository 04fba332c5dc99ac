/*
 * signames.c - signal names and masks (see signames.h for the naming rules).
 */
#include "config.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/signames.h"

/* Standard names by number, as `kill -l` prints them on Linux x86_64. */
static const char *const std_names[32] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
	[SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
	[SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU",
	[SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU", [SIGXFSZ] = "SIGXFSZ",
	[SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
	[SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR", [SIGSYS] = "SIGSYS",
};

const char *signame(int signo, char *buf, size_t len)
{
	if (signo > 0 && signo < 32 && std_names[signo])
		snprintf(buf, len, "%s", std_names[signo]);
	else if (signo >= SIGRTMIN && signo <= SIG_MAX)
		snprintf(buf, len, "SIGRTMIN+%d", signo - SIGRTMIN);
	else
		snprintf(buf, len, "SIG%d", signo);
	return buf;
}

static int parse_small_int(const char *s)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < 0 || v > SIG_MAX)
		return -1;
	return (int)v;
}

int signame_parse(const char *name)
{
	const char *n = name;
	int v;

	if (!name || !*name)
		return -1;
	v = parse_small_int(name);
	if (v >= 0)
		return v >= 1 ? v : -1;
	if (strncasecmp(n, "SIG", 3) == 0)
		n += 3;
	for (int i = 1; i < 32; i++)
		if (std_names[i] && strcasecmp(n, std_names[i] + 3) == 0)
			return i;
	if (strcasecmp(n, "IOT") == 0)
		return SIGABRT;
	if (strcasecmp(n, "POLL") == 0)
		return SIGIO;
	if (strncasecmp(n, "RTMIN", 5) == 0) {
		if (!n[5])
			return SIGRTMIN;
		if (n[5] == '+' && (v = parse_small_int(n + 6)) >= 0 && SIGRTMIN + v <= SIG_MAX)
			return SIGRTMIN + v;
		return -1;
	}
	if (strncasecmp(n, "RTMAX", 5) == 0) {
		if (!n[5])
			return SIGRTMAX;
		if (n[5] == '-' && (v = parse_small_int(n + 6)) >= 0 && SIGRTMAX - v >= SIGRTMIN)
			return SIGRTMAX - v;
		return -1;
	}
	if (isdigit((unsigned char)*n) && (v = parse_small_int(n)) >= 1)
		return v;	/* "SIG32" */
	return -1;
}

bool sigmask_parse_hex(const char *hex, uint64_t *mask)
{
	uint64_t m = 0;
	int digits = 0;

	if (!hex)
		return false;
	while (*hex == ' ' || *hex == '\t')
		hex++;
	for (; isxdigit((unsigned char)*hex); hex++) {
		int d = isdigit((unsigned char)*hex) ? *hex - '0' : (tolower((unsigned char)*hex) - 'a' + 10);

		if (++digits > 16)
			return false;
		m = (m << 4) | (uint64_t)d;
	}
	while (*hex == ' ' || *hex == '\t' || *hex == '\n')
		hex++;
	if (digits == 0 || *hex)
		return false;
	*mask = m;
	return true;
}

const char *sigmask_format(uint64_t mask, char *buf, size_t len)
{
	size_t off = 0;
	char name[24];

	if (len)
		buf[0] = '\0';
	for (int sig = 1; sig <= SIG_MAX; sig++) {
		int n;

		if (!sigmask_has(mask, sig))
			continue;
		n = snprintf(buf + off, len > off ? len - off : 0, "%s%s", off ? "," : "",
			     signame(sig, name, sizeof(name)));
		if (n < 0 || off + (size_t)n >= len)
			break;
		off += (size_t)n;
	}
	return buf;
}
