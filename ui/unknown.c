/*
 * unknown.c - what is unknown and why, summarised for the status line (see unknown.h).
 *
 * A snapshot error's `where` names a process ("pid 1234 fd 5", "pid 1234 maps", "pid 99")
 * or something else ("dev/mqueue", "shm:5 attached_pids"); its `error` is an errno name,
 * often with an explanation ("EACCES (needs ptrace access)"), or plain words ("exited during
 * scan"). Grouping key: (what was read, the reason); for processes the group counts distinct
 * pids, so 40 unreadable descriptors of one process count as one process.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/arena.h"
#include "ui/unknown.h"

#define MAX_GROUPS 16

struct group {
	char what[40];		/* "fd", "maps", "" (the process itself), or a whole where */
	char reason[120];
	bool procs;		/* what is a part of processes; count distinct pids */
	size_t count;
	size_t first;		/* index of the first error (keeps snapshot order among equals) */
};

/* "EACCES (why)" -> "no permission (why)"; "ESRCH" -> "exited during scan"; words stay. */
static void reason_of(const char *error, bool proc, char *buf, size_t len)
{
	static const struct {
		const char *code, *words;
	} codes[] = {
		{ "EACCES", "no permission" },
		{ "EPERM", "not permitted" },
		{ "ESRCH", "exited during scan" },
		{ "ENOENT", NULL },	/* a process: it exited; anything else: not there */
		{ "EINVAL", "invalid" },
		{ "ENOMEM", "out of memory" },
		{ "EIO", "I/O error" },
	};
	size_t n = 0;

	if (!error)
		error = "?";
	while (error[n] && (isupper((unsigned char)error[n]) || isdigit((unsigned char)error[n])))
		n++;
	if (n >= 3 && error[0] == 'E' && (error[n] == 0 || error[n] == ' ')) {
		for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
			const char *w = codes[i].words;

			if (strlen(codes[i].code) != n || strncmp(error, codes[i].code, n) != 0)
				continue;
			if (!w)
				w = proc ? "exited during scan" : "not there";
			snprintf(buf, len, "%s%s", w, error + n);
			return;
		}
	}
	snprintf(buf, len, "%s", error);
}

/* Splits where into the process it is about (-1 none) and what of it. */
static long parse_where(const char *where, char *what, size_t len)
{
	char *end;
	long pid;

	if (!where)
		where = "?";
	if (strncmp(where, "pid ", 4) == 0) {
		pid = strtol(where + 4, &end, 10);
		if (end != where + 4 && pid > 0 && (*end == 0 || *end == ' ')) {
			size_t n;

			while (*end == ' ')
				end++;
			n = strcspn(end, " ");	/* "fd 5" -> "fd" */
			snprintf(what, len, "%.*s", (int)n, end);
			return pid;
		}
	}
	snprintf(what, len, "%s", where);
	return -1;
}

static const char *what_noun(const char *what)
{
	static const struct {
		const char *what, *noun;
	} nouns[] = {
		{ "fd", "fds" }, { "fdinfo", "fdinfo" }, { "maps", "maps" }, { "io", "I/O counters" },
		{ "syscall", "syscalls" }, { "status", "status" }, { "stat", "stat" },
		{ "wchan", "wait channels" }, { "cmdline", "command lines" },
	};

	for (size_t i = 0; i < sizeof(nouns) / sizeof(nouns[0]); i++)
		if (strcmp(what, nouns[i].what) == 0)
			return nouns[i].noun;
	return what;
}

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static size_t add(char *buf, size_t len, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t add(char *buf, size_t len, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (off >= len)
		return off;
	va_start(ap, fmt);
	n = vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return off;
	return off + (size_t)n >= len ? len - 1 : off + (size_t)n;
}

struct hit {
	size_t group;
	long pid;
};

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

bool unknown_line(const struct snapshot *s, int collect_error, char *buf, size_t len)
{
	struct group g[MAX_GROUPS];
	struct hit *hits;
	size_t n_groups = 0, n_hits = 0, other = 0, off = 0;

	if (!len)
		return false;
	buf[0] = 0;
	if (collect_error)
		off = add(buf, len, off, "collection failed: %s; ", strerror(-collect_error));
	for (size_t i = 0; s && i < s->n_sources; i++)
		if (s->sources[i].state == SOURCE_FAILED)
			off = add(buf, len, off, "%s off: %s; ", s->sources[i].name,
				  s->sources[i].error ? s->sources[i].error : "?");
	hits = xcalloc(s && s->n_errors ? s->n_errors : 1, sizeof(*hits));
	for (size_t i = 0; s && i < s->n_errors; i++) {
		char what[sizeof(g[0].what)], reason[sizeof(g[0].reason)];
		long pid = parse_where(s->errors[i].where, what, sizeof(what));
		size_t k;

		reason_of(s->errors[i].error, pid > 0, reason, sizeof(reason));
		for (k = 0; k < n_groups; k++)
			if (g[k].procs == (pid > 0) && strcmp(g[k].what, what) == 0 &&
			    strcmp(g[k].reason, reason) == 0)
				break;
		if (k == n_groups) {
			if (n_groups == MAX_GROUPS) {
				other++;
				continue;
			}
			memset(&g[k], 0, sizeof(g[k]));
			snprintf(g[k].what, sizeof(g[k].what), "%s", what);
			snprintf(g[k].reason, sizeof(g[k].reason), "%s", reason);
			g[k].procs = pid > 0;
			g[k].first = i;
			n_groups++;
		}
		hits[n_hits].group = k;
		hits[n_hits++].pid = pid;
	}
	/* a group of processes counts each process once (40 fds of one process: 1) */
	qsort(hits, n_hits, sizeof(*hits), cmp_hit);
	for (size_t i = 0; i < n_hits; i++)
		if (hits[i].pid <= 0 || i == 0 || hits[i - 1].group != hits[i].group ||
		    hits[i - 1].pid != hits[i].pid)
			g[hits[i].group].count++;
	free(hits);
	qsort(g, n_groups, sizeof(g[0]), cmp_group);
	for (size_t k = 0; k < n_groups; k++) {
		const char *sep = k ? "; " : "";

		if (g[k].procs && g[k].what[0])
			off = add(buf, len, off, "%s%s of %zu process%s: %s", sep, what_noun(g[k].what),
				  g[k].count, g[k].count == 1 ? "" : "es", g[k].reason);
		else if (g[k].procs)
			off = add(buf, len, off, "%s%zu process%s: %s", sep, g[k].count,
				  g[k].count == 1 ? "" : "es", g[k].reason);
		else if (g[k].count > 1)
			off = add(buf, len, off, "%s%s (%zu times): %s", sep, g[k].what, g[k].count,
				  g[k].reason);
		else
			off = add(buf, len, off, "%s%s: %s", sep, g[k].what, g[k].reason);
	}
	if (other)
		off = add(buf, len, off, "; %zu more errors", other);
	while (off > 0 && (buf[off - 1] == ' ' || buf[off - 1] == ';'))
		buf[--off] = 0;
	return off > 0;
}
