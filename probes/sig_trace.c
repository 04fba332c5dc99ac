/*
 * sig_trace.c - live signal events from a private tracefs instance (see sig_trace.h).
 *
 * Models: each signal_generate line is one sig_event (sender = the current task, target = the
 * traced pid mapped to its process); each signal_deliver line confirms the oldest matching
 * queued signal of that process (same process and signal), in this collection or from the
 * pending table carried between collections. A fatal signal is delivered as SIGKILL, so an
 * unmatched SIGKILL delivery confirms the newest queued signal of that process.
 *
 * Invariants: at most one instance per ipctop process (its name holds the pid); the
 * instance never outlives the process on a normal exit (fini) and is removed by the
 * signal-safe cleanup on abnormal ones, or as stale by the next ipctop. Reading is
 * non-blocking and bounded per collection; nothing here prints or exits.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "probes/collect.h"
#include "probes/sig_trace.h"
#include "src/signames.h"

#define TRACEFS_MAGIC 0x74726163
#define TRACEFS_MOUNT "/sys/kernel/tracing"
#define TRACEFS_DEBUG "/sys/kernel/debug/tracing"
#define INSTANCE_PREFIX "ipctop-"

#define READ_CAP (4u << 20)	/* bytes drained per collection at most */
#define EVENTS_CAP 20000	/* events kept per collection at most */
#define PENDING_MAX 1024	/* queued, undelivered signals remembered between collections */
#define LINE_MAX_LEN 1024	/* longer lines are not signal events */
#define BUFFER_KB "512"		/* per-CPU ring size of the instance */

/* ---- the line parser --------------------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_blank(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

static bool parse_dec(const char *a, const char *b, long long *out)
{
	long long v = 0;
	bool neg = false;

	if (a < b && *a == '-') {
		neg = true;
		a++;
	}
	if (a >= b)
		return false;
	for (; a < b; a++) {
		if (!isdigit((unsigned char)*a) || v > (LLONG_MAX - 9) / 10)
			return false;
		v = v * 10 + (*a - '0');
	}
	*out = neg ? -v : v;
	return true;
}

/* "key=VALUE" at *pp (after blanks): VALUE runs to the next blank. */
static bool field(const char **pp, const char *end, const char *key, const char **va,
		  const char **vb)
{
	const char *p = skip_blank(*pp, end);
	size_t k = strlen(key);

	if ((size_t)(end - p) < k || memcmp(p, key, k) != 0)
		return false;
	p += k;
	*va = p;
	while (p < end && !is_blank(*p))
		p++;
	*vb = p;
	*pp = p;
	return true;
}

static bool int_field(const char **pp, const char *end, const char *key, int *out)
{
	const char *a, *b;
	long long v;

	if (!field(pp, end, key, &a, &b) || !parse_dec(a, b, &v) || v < INT_MIN || v > INT_MAX)
		return false;
	*out = (int)v;
	return true;
}

static bool hex_field(const char **pp, const char *end, const char *key, uint64_t *out)
{
	const char *a, *b;
	uint64_t v = 0;

	if (!field(pp, end, key, &a, &b) || a == b || b - a > 16)
		return false;
	for (; a < b; a++) {
		if (!isxdigit((unsigned char)*a))
			return false;
		v = v << 4 | (uint64_t)(isdigit((unsigned char)*a) ? *a - '0'
					: tolower((unsigned char)*a) - 'a' + 10);
	}
	*out = v;
	return true;
}

static void copy_comm(char *dst, const char *a, const char *b)
{
	size_t n = (size_t)(b - a);

	if (n >= SIG_TRACE_COMM_MAX)
		n = SIG_TRACE_COMM_MAX - 1;
	memcpy(dst, a, n);
	dst[n] = '\0';
}

static const char *find(const char *a, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; (size_t)(end - a) >= n; a++)
		if (memcmp(a, needle, n) == 0)
			return a;
	return NULL;
}

static const char *rfind(const char *a, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	if ((size_t)(end - a) < n)
		return NULL;
	for (const char *p = end - n; p >= a; p--)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* "  TASK-PID  (TGID) [CPU] FLAGS  TIMESTAMP" between a and b, read from the right because
 * TASK (comm) may hold blanks and dashes. (TGID) and FLAGS are optional. */
static bool parse_prefix(const char *a, const char *b, struct sig_trace_line *out)
{
	const char *q = b, *t, *dash;
	long long v;
	char num[48];

	a = skip_blank(a, b);
	/* timestamp */
	t = q;
	while (t > a && (isdigit((unsigned char)t[-1]) || t[-1] == '.'))
		t--;
	if (t == q || (size_t)(q - t) >= sizeof(num))
		return false;
	memcpy(num, t, (size_t)(q - t));
	num[q - t] = '\0';
	{
		char *e;

		out->ts = strtod(num, &e);
		if (*e)
			return false;
	}
	q = t;
	while (q > a && is_blank(q[-1]))
		q--;
	/* flags ("d..1.") when irq-info is on */
	if (q > a && q[-1] != ']') {
		while (q > a && !is_blank(q[-1]))
			q--;
		while (q > a && is_blank(q[-1]))
			q--;
	}
	/* [CPU] */
	if (q <= a || q[-1] != ']')
		return false;
	t = q - 1;
	q = t;
	while (q > a && q[-1] != '[')
		q--;
	if (q <= a || !parse_dec(q, t, &v) || v < 0 || v > INT_MAX)
		return false;
	out->cpu = (int)v;
	q--;
	while (q > a && is_blank(q[-1]))
		q--;
	/* (TGID) with record-tgid: "(   123)" or "(-------)" */
	if (q > a && q[-1] == ')') {
		const char *close = q - 1, *open = close;

		while (open > a && open[-1] != '(')
			open--;
		if (open <= a)
			return false;
		t = skip_blank(open, close);
		if (t < close && *t == '-') {
			out->task_tgid = 0;
		} else {
			if (!parse_dec(t, close, &v) || v < 0 || v > INT_MAX)
				return false;
			out->task_tgid = (pid_t)v;
		}
		q = open - 1;
		while (q > a && is_blank(q[-1]))
			q--;
	}
	/* TASK-PID */
	dash = NULL;
	for (const char *p = q; p > a; p--)
		if (p[-1] == '-') {
			dash = p - 1;
			break;
		}
	if (!dash || !parse_dec(dash + 1, q, &v) || v < 0 || v > INT_MAX)
		return false;
	out->task_pid = (pid_t)v;
	copy_comm(out->task_comm, a, dash);
	return true;
}

static bool parse_generate(const char *p, const char *end, struct sig_trace_line *out)
{
	const char *a, *b, *pid;

	if (!int_field(&p, end, "sig=", &out->sig) || !int_field(&p, end, "errno=", &out->err) ||
	    !int_field(&p, end, "code=", &out->code))
		return false;
	p = skip_blank(p, end);
	if ((size_t)(end - p) < 5 || memcmp(p, "comm=", 5) != 0)
		return false;
	a = p + 5;
	/* comm may hold blanks: it ends at the last " pid=" */
	pid = rfind(a, end, " pid=");
	if (!pid)
		return false;
	copy_comm(out->target_comm, a, pid);
	p = pid;
	if (!int_field(&p, end, "pid=", &out->target_pid) || out->target_pid < 0)
		return false;
	/* grp= and res= (Linux 3.5 and later; ipctop needs 5.6) are required: without them
	 * a target comm holding " pid=1" and a newline could end a cut line as a signal to
	 * pid 1 (see sig_trace_join) */
	if (!field(&p, end, "grp=", &a, &b))
		return false;
	{
		long long v;

		if (!parse_dec(a, b, &v))
			return false;
		out->group = (int)v;
		if (!int_field(&p, end, "res=", &out->res))
			return false;
	}
	return skip_blank(p, end) == end;
}

static bool parse_deliver(const char *p, const char *end, struct sig_trace_line *out)
{
	if (!int_field(&p, end, "sig=", &out->sig) || !int_field(&p, end, "errno=", &out->err) ||
	    !int_field(&p, end, "code=", &out->code) ||
	    !hex_field(&p, end, "sa_handler=", &out->handler) ||
	    !hex_field(&p, end, "sa_flags=", &out->flags))
		return false;
	return skip_blank(p, end) == end;
}

int sig_trace_parse_line(const char *line, size_t len, struct sig_trace_line *out)
{
	static const char gen[] = ": signal_generate: ", del[] = ": signal_deliver: ";
	const char *end, *p, *m;
	bool ok;

	memset(out, 0, sizeof(*out));
	out->group = -1;
	out->res = -1;
	if (!line)
		return 1;
	end = memchr(line, '\0', len);
	if (!end)
		end = line + len;
	while (end > line && (end[-1] == '\n' || end[-1] == '\r' || is_blank(end[-1])))
		end--;
	p = skip_blank(line, end);
	if (p == end || *p == '#')
		return 1;
	if ((size_t)(end - p) > 4 && memcmp(p, "CPU:", 4) == 0) {
		/* "CPU:1 [LOST 42 EVENTS]" */
		const char *lo = find(p, end, " [LOST "), *ev;
		long long cpu, n;

		if (!lo || !(ev = find(lo, end, " EVENTS]")) || !parse_dec(p + 4, lo, &cpu) ||
		    !parse_dec(lo + 7, ev, &n) || n < 0 || ev + 8 != end)
			return 1;
		out->kind = STL_LOST;
		out->lost_cpu = (int)cpu;
		out->lost = (unsigned long)n;
		return 0;
	}
	if ((m = find(p, end, gen))) {
		out->kind = STL_GENERATE;
		ok = parse_prefix(p, m, out) && parse_generate(m + sizeof(gen) - 1, end, out);
	} else if ((m = find(p, end, del))) {
		out->kind = STL_DELIVER;
		ok = parse_prefix(p, m, out) && parse_deliver(m + sizeof(del) - 1, end, out);
	} else {
		return 1;
	}
	if (!ok || out->sig < 1 || out->sig > SIG_MAX)
		return -EBADMSG;
	return 0;
}

/* ---- lines split by a newline in a comm (see sig_trace.h) ---------------------------------- */

enum { JOIN_NONE, JOIN_SENDER, JOIN_GENERATE };

static bool has_event_marker(const char *line, size_t len)
{
	return find(line, line + len, ": signal_generate: ") ||
	       find(line, line + len, ": signal_deliver: ");
}

/* Is line (not an event) perhaps the start of a comm? Not a comment, not blank, not "CPU:" */
static bool comm_start(const char *line, size_t len)
{
	const char *p = skip_blank(line, line + len);

	return len <= SIG_TRACE_COMM_LEN + 16 && p < line + len && *p != '#' &&
	       (size_t)(line + len - p) <= SIG_TRACE_COMM_LEN &&
	       !(line + len - p >= 4 && memcmp(p, "CPU:", 4) == 0);
}

static bool append(struct sig_trace_joiner *j, const char *line, size_t len)
{
	if (j->len + 1 + len > sizeof(j->buf))
		return false;
	j->buf[j->len++] = '\n';
	memcpy(j->buf + j->len, line, len);
	j->len += len;
	j->lines++;
	return true;
}

/* Parses text into *l; 0 only when the comms it holds fit a real comm. */
static int parse_joined(const char *text, size_t len, struct sig_trace_line *l)
{
	int rc = sig_trace_parse_line(text, len, l);

	if (rc == 0 && l->kind != STL_LOST &&
	    (strlen(l->task_comm) > SIG_TRACE_COMM_LEN ||
	     (l->kind == STL_GENERATE && strlen(l->target_comm) > SIG_TRACE_COMM_LEN)))
		return -EBADMSG;
	return rc;
}

void sig_trace_join(struct sig_trace_joiner *j, const char *line, size_t len,
		    sig_trace_emit_fn emit, void *arg)
{
	struct sig_trace_line l;
	int rc;

	if (j->state == JOIN_GENERATE) {
		size_t kept = j->len;

		bool lost_notice = sig_trace_parse_line(line, len, &l) == 0 && l.kind == STL_LOST;

		if (!has_event_marker(line, len) && !lost_notice && j->lines <= SIG_TRACE_COMM_LEN &&
		    append(j, line, len)) {
			/* with the sender's comm kept in front, or without it if that fails */
			if (parse_joined(j->buf, j->len, &l) == 0 ||
			    (j->skip && parse_joined(j->buf + j->skip, j->len - j->skip, &l) == 0)) {
				emit(arg, 0, &l);
				j->state = JOIN_NONE;
				j->len = 0;
			}
			return;		/* joined, or still waiting for the rest */
		}
		/* it cannot be the rest: the kept line was malformed after all */
		j->len = kept;
		emit(arg, sig_trace_parse_line(j->buf + j->skip, j->len - j->skip, &l), &l);
		j->state = JOIN_NONE;
		j->len = 0;
	}
	if (!has_event_marker(line, len)) {
		rc = sig_trace_parse_line(line, len, &l);
		if (rc == 1 && comm_start(line, len)) {
			if (j->state == JOIN_SENDER && j->lines <= SIG_TRACE_COMM_LEN &&
			    j->len + 1 + len <= SIG_TRACE_COMM_LEN + 16 && append(j, line, len))
				return;
			memcpy(j->buf, line, len);
			j->len = len;
			j->lines = 1;
			j->state = JOIN_SENDER;
			return;
		}
		j->state = JOIN_NONE;
		j->len = 0;
		emit(arg, rc, &l);
		return;
	}
	if (j->state == JOIN_SENDER) {
		size_t skip = j->len + 1;

		j->state = JOIN_NONE;
		if (append(j, line, len)) {
			if (parse_joined(j->buf, j->len, &l) == 0) {
				j->len = 0;
				emit(arg, 0, &l);
				return;
			}
			rc = sig_trace_parse_line(line, len, &l);
			if (rc < 0 && find(line, line + len, ": signal_generate: ")) {
				j->lines = 1;	/* cut in the target's comm too, perhaps */
				j->skip = skip;
				j->state = JOIN_GENERATE;
				return;
			}
		}
		j->len = 0;	/* not the start of this sender's comm */
	}
	rc = sig_trace_parse_line(line, len, &l);
	if (rc < 0 && len < sizeof(j->buf) && find(line, line + len, ": signal_generate: ")) {
		memcpy(j->buf, line, len);	/* perhaps cut in the target's comm */
		j->len = len;
		j->lines = 1;
		j->skip = 0;
		j->state = JOIN_GENERATE;
		return;
	}
	emit(arg, rc, &l);
}

/* ---- the instance ------------------------------------------------------------------------ */

/* What the signal-safe cleanup needs, set up once the instance exists. */
static volatile sig_atomic_t g_active;
static int g_pipefd = -1;
static int g_dirfd = -1;
static volatile int g_filefd = -1;	/* a file of the instance open while setting it up */
static char g_path[PATH_MAX];

/* A forked child must not keep the instance busy (rmdir fails while any process holds one
 * of its files open): it closes its copies and forgets the instance, which stays the
 * parent's. */
static void atfork_child(void)
{
	if (!g_active)
		return;
	g_active = 0;
	if (g_pipefd >= 0)
		close(g_pipefd);
	if (g_dirfd >= 0)
		close(g_dirfd);
	g_pipefd = g_dirfd = -1;
}

void sig_trace_cleanup_signal_safe(void)
{
	if (!g_active)
		return;
	g_active = 0;
	if (g_filefd >= 0)
		close(g_filefd);	/* an open file keeps the instance busy (EBUSY) */
	g_filefd = -1;
	if (g_pipefd >= 0)
		close(g_pipefd);
	if (g_dirfd >= 0)
		close(g_dirfd);
	g_pipefd = g_dirfd = -1;
	rmdir(g_path);		/* the kernel disables the instance's events with it */
}

/* A queued signal whose delivery has not been seen yet. */
struct pend {
	double time;		/* epoch seconds it was generated */
	pid_t target;		/* process */
	int signo;
	pid_t sender;
	char sender_comm[SIG_TRACE_COMM_MAX];
	char target_comm[SIG_TRACE_COMM_MAX];
};

struct sig_trace_state {
	bool tried;		/* set-up attempted (never retried: no repeated mounts) */
	int err;		/* set-up failure, negative errno; 0 when tracing */
	char reason[256];
	char root[sizeof(TRACEFS_DEBUG)];
	bool mounted_by_us;
	int pipefd;
	char carry[LINE_MAX_LEN];	/* a line split across reads */
	size_t n_carry;
	bool carry_overflow;
	struct sig_trace_joiner join;	/* an event split by a newline in a comm */
	struct pend pend[PENDING_MAX];	/* published as blocked/generated: a later delivery
					 * becomes an event of its own */
	size_t n_pend;
	struct pend deferred[PENDING_MAX];	/* held back one collection (see settle) */
	size_t n_deferred;
};

static int write_file(int dirfd, const char *path, const char *text)
{
	int fd = openat(dirfd, path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	size_t n = strlen(text);
	ssize_t w;

	if (fd < 0)
		return -errno;
	if (dirfd == g_dirfd)
		g_filefd = fd;
	w = write(fd, text, n);
	g_filefd = -1;
	if (w < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	close(fd);
	return (size_t)w == n ? 0 : -EIO;
}

static ssize_t read_at(int dirfd, const char *path, char *buf, size_t cap)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

static bool kernel_has_tracefs(int procfd)
{
	char buf[4096];
	ssize_t n = read_at(procfd, "filesystems", buf, sizeof(buf));

	return n > 0 && strstr(buf, "\ttracefs\n") != NULL;
}

static int fail(struct sig_trace_state *st, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct sig_trace_state *st, int err, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (err == -EOPNOTSUPP)	/* a decision, not a failed call: the reason says it all */
		snprintf(st->reason, sizeof(st->reason), "%s", what);
	else
		snprintf(st->reason, sizeof(st->reason), "%s: %s%s", what, probe_errname(-err),
			 err == -EPERM || err == -EACCES ? " (tracing signals needs root)" : "");
	st->err = err;
	return err;
}

static int find_tracefs(struct sig_trace_state *st, struct probe_ctx *ctx)
{
	struct statfs sf;

	if (statfs(TRACEFS_MOUNT, &sf) == 0 && (unsigned long)sf.f_type == TRACEFS_MAGIC) {
		snprintf(st->root, sizeof(st->root), "%s", TRACEFS_MOUNT);
		return 0;
	}
	if (statfs(TRACEFS_DEBUG, &sf) == 0 && (unsigned long)sf.f_type == TRACEFS_MAGIC) {
		snprintf(st->root, sizeof(st->root), "%s", TRACEFS_DEBUG);
		return 0;
	}
	if (!kernel_has_tracefs(ctx->procfd))
		return fail(st, -ENODEV, "%s", "the kernel has no tracefs");
	if (mount("nodev", TRACEFS_MOUNT, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return fail(st, -errno, "cannot mount tracefs on %s", TRACEFS_MOUNT);
	st->mounted_by_us = true;
	snprintf(st->root, sizeof(st->root), "%s", TRACEFS_MOUNT);
	return 0;
}

/* When process pid started, in epoch seconds; < 0 if it does not exist or cannot be read. */
/* btime from <proc>/stat, read line by line: the "intr" line before it can be kilobytes long. */
static int boot_time(int procfd, unsigned long long *btime)
{
	int fd = openat(procfd, "stat", O_RDONLY | O_CLOEXEC);
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	int rc = -1;

	if (fd < 0)
		return -1;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, "btime ", 6) == 0) {
			rc = sscanf(line + 6, "%llu", btime) == 1 ? 0 : -1;
			break;
		}
	}
	free(line);
	fclose(f);
	return rc;
}

static double process_start(int procfd, pid_t pid)
{
	static long hz;
	char path[32], buf[1024], *p;
	unsigned long long start = 0, btime = 0;
	ssize_t n;
	int field = 2;

	if (!hz)
		hz = sysconf(_SC_CLK_TCK);
	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	n = read_at(procfd, path, buf, sizeof(buf));
	if (n <= 0 || !(p = strrchr(buf, ')')))
		return -1;
	/* field 22 (starttime) counting from ")" which ends field 2 */
	for (p++; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	if (field != 22 || sscanf(p, "%llu", &start) != 1)
		return -1;
	if (boot_time(procfd, &btime) < 0)
		return -1;
	return (double)btime + (double)start / (double)(hz > 0 ? hz : 100);
}

/* Removes instances an earlier ipctop left: its pid is gone, or was reused by a process that
 * started after the instance was made. */
static void remove_stale(int instfd, struct probe_ctx *ctx)
{
	int fd = dup(instfd);
	struct dirent *de;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat sb;
		char *e;
		long pid;
		double started, made;

		if (strncmp(de->d_name, INSTANCE_PREFIX, strlen(INSTANCE_PREFIX)) != 0)
			continue;
		pid = strtol(de->d_name + strlen(INSTANCE_PREFIX), &e, 10);
		if (*e || pid <= 0 || pid > INT_MAX)
			continue;
		if (pid == getpid() && g_active)
			continue;	/* ours (another collector of this process) */
		if (fstatat(instfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		made = (double)sb.st_mtim.tv_sec + sb.st_mtim.tv_nsec / 1e9;
		started = process_start(ctx->procfd, (pid_t)pid);
		if (started >= 0 && started <= made + 2.0)
			continue;	/* its ipctop is alive */
		unlinkat(instfd, de->d_name, AT_REMOVEDIR);	/* EBUSY: in use after all */
	}
	closedir(d);
}

static void teardown(struct sig_trace_state *st)
{
	bool owned = g_active;	/* false in a forked child: the instance is the parent's */

	sig_trace_cleanup_signal_safe();
	st->pipefd = -1;
	if (owned && st->mounted_by_us) {
		/* only when no other instance lives there (umount fails anyway while in use) */
		char inst[sizeof(TRACEFS_DEBUG) + 16];
		DIR *d;
		bool empty = true;
		struct dirent *de;

		snprintf(inst, sizeof(inst), "%s/instances", st->root);
		if ((d = opendir(inst))) {
			while ((de = readdir(d)))
				if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
					empty = false;
			closedir(d);
		}
		if (empty)
			umount2(st->root, 0);
		st->mounted_by_us = false;
	}
}

static int setup(struct sig_trace_state *st, struct probe_ctx *ctx)
{
	char name[32], inst[sizeof(TRACEFS_DEBUG) + 16], filter[32];
	int instfd, dirfd, rc;

	static bool atfork_done;

	if (g_active)
		return fail(st, -EBUSY, "%s", "this process already traces signals (one instance)");
	if (!atfork_done && pthread_atfork(NULL, NULL, atfork_child) == 0)
		atfork_done = true;
	if ((rc = find_tracefs(st, ctx)) < 0)
		return rc;
	snprintf(inst, sizeof(inst), "%s/instances", st->root);
	instfd = open(inst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (instfd < 0)
		return fail(st, -errno, "cannot open %s", inst);
	remove_stale(instfd, ctx);
	snprintf(name, sizeof(name), INSTANCE_PREFIX "%d", (int)getpid());
	/* armed before it exists: a crash right after mkdir still removes it */
	snprintf(g_path, sizeof(g_path), "%s/%s", inst, name);
	g_active = 1;
	if (mkdirat(instfd, name, 0700) < 0) {
		rc = -errno;
		g_active = 0;
		close(instfd);
		return fail(st, rc, "cannot create tracefs instance %s", name);
	}
	dirfd = openat(instfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = dirfd < 0 ? -errno : 0;
	if (rc < 0) {
		g_active = 0;
		unlinkat(instfd, name, AT_REMOVEDIR);
		close(instfd);
		return fail(st, rc, "cannot open tracefs instance %s", name);
	}
	close(instfd);
	g_dirfd = dirfd;
	g_pipefd = -1;
	g_active = 1;

	/* timestamps on CLOCK_MONOTONIC, so they convert to epoch seconds */
	if ((rc = write_file(dirfd, "trace_clock", "mono")) < 0) {
		teardown(st);
		return fail(st, rc, "%s", "cannot select the mono trace clock");
	}
	write_file(dirfd, "options/record-tgid", "1");	/* optional: else tids map via /proc */
	write_file(dirfd, "buffer_size_kb", BUFFER_KB);	/* optional: the default is larger */
	if (ctx->opts && ctx->opts->trace_no_sigchld) {
		snprintf(filter, sizeof(filter), "sig != %d", SIGCHLD);
		write_file(dirfd, "events/signal/signal_generate/filter", filter);
		write_file(dirfd, "events/signal/signal_deliver/filter", filter);
	}
	if ((rc = write_file(dirfd, "events/signal/signal_generate/enable", "1")) < 0 ||
	    (rc = write_file(dirfd, "events/signal/signal_deliver/enable", "1")) < 0) {
		teardown(st);
		return fail(st, rc, "%s", rc == -ENOENT ? "the kernel has no signal trace events"
						       : "cannot enable the signal trace events");
	}
	write_file(dirfd, "tracing_on", "1");
	st->pipefd = openat(dirfd, "trace_pipe", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (st->pipefd < 0) {
		rc = -errno;
		teardown(st);
		return fail(st, rc, "%s", "cannot open trace_pipe");
	}
	g_pipefd = st->pipefd;
	st->err = 0;
	st->reason[0] = '\0';
	return 0;
}

void sig_trace_fini(void *state)
{
	struct sig_trace_state *st = state;

	if (!st)
		return;
	if (st->tried && st->err == 0)
		teardown(st);
	free(st);
}

/* ---- one collection ---------------------------------------------------------------------- */

struct open_gen {		/* a queued signal of this collection, delivery not seen yet */
	size_t ev;		/* index in snap->sigevents */
	pid_t target;
	int signo;
	bool again;		/* held back from the previous collection already */
};

struct tid_map {
	pid_t tid, tgid;
};

struct pid_idx {
	pid_t pid;
	size_t i;
};

struct batch {
	struct probe_ctx *ctx;
	struct sig_trace_state *st;
	double offset;		/* epoch - monotonic */
	struct open_gen *open;
	size_t n_open, cap_open;
	struct tid_map *tids;
	size_t n_tids, cap_tids;
	struct pid_idx *procs;	/* sorted, built on first use */
	size_t n_procs;
	bool procs_built;
	size_t n_events, malformed;
	unsigned long lost;
	bool capped;
};

static int cmp_pid_idx(const void *a, const void *b)
{
	pid_t x = ((const struct pid_idx *)a)->pid, y = ((const struct pid_idx *)b)->pid;

	return (x > y) - (x < y);
}

static const struct proc_rec *proc_of(struct batch *b, pid_t pid)
{
	struct snapshot *s = b->ctx->snap;
	struct pid_idx key = { .pid = pid }, *hit;

	if (!b->procs_built) {
		b->procs_built = true;
		b->n_procs = s->n_procs;
		b->procs = b->n_procs ? xreallocarray(NULL, b->n_procs, sizeof(*b->procs)) : NULL;
		for (size_t i = 0; i < b->n_procs; i++) {
			b->procs[i].pid = s->procs[i].pid;
			b->procs[i].i = i;
		}
		if (b->n_procs > 1)
			qsort(b->procs, b->n_procs, sizeof(*b->procs), cmp_pid_idx);
	}
	if (!b->n_procs)
		return NULL;
	hit = bsearch(&key, b->procs, b->n_procs, sizeof(key), cmp_pid_idx);
	return hit ? &s->procs[hit->i] : NULL;
}

/* The process a thread id belongs to (itself if unknown). */
static pid_t tgid_of(struct batch *b, pid_t tid)
{
	char path[32], buf[2048];
	pid_t tgid = tid;
	ssize_t n;
	const char *l;

	if (tid <= 0 || proc_of(b, tid))
		return tid;
	for (size_t i = 0; i < b->n_tids; i++)
		if (b->tids[i].tid == tid)
			return b->tids[i].tgid;
	snprintf(path, sizeof(path), "%d/status", (int)tid);
	n = read_at(b->ctx->procfd, path, buf, sizeof(buf));
	if (n > 0 && (l = strstr(buf, "\nTgid:"))) {
		long v = strtol(l + 6, NULL, 10);

		if (v > 0 && v <= INT_MAX)
			tgid = (pid_t)v;
	}
	if (b->n_tids == b->cap_tids) {
		b->cap_tids = b->cap_tids ? b->cap_tids * 2 : 16;
		b->tids = xreallocarray(b->tids, b->cap_tids, sizeof(*b->tids));
	}
	b->tids[b->n_tids++] = (struct tid_map){ tid, tgid };
	return tgid;
}

static struct sig_event *add_event(struct batch *b, double time, int signo, pid_t sender,
				   const char *sender_comm, pid_t target, const char *target_comm,
				   enum sig_result res)
{
	struct snapshot *s = b->ctx->snap;
	struct sig_event *e;

	if (b->n_events >= EVENTS_CAP) {
		b->capped = true;
		return NULL;
	}
	b->n_events++;
	e = snapshot_add_sigevent(s);
	e->time = time;
	e->signo = signo;
	e->sender_pid = sender;
	e->sender_comm = sender_comm && *sender_comm ? snapshot_strdup(s, sender_comm) : NULL;
	e->target_pid = target;
	e->target_comm = target_comm && *target_comm ? snapshot_strdup(s, target_comm) : NULL;
	e->result = res;
	e->inferred = false;
	return e;
}

static void add_open(struct batch *b, pid_t target, int signo, bool again)
{
	if (b->n_open == b->cap_open) {
		b->cap_open = b->cap_open ? b->cap_open * 2 : 32;
		b->open = xreallocarray(b->open, b->cap_open, sizeof(*b->open));
	}
	b->open[b->n_open++] = (struct open_gen){ b->ctx->snap->n_sigevents - 1, target, signo,
						  again };
}

static void on_generate(struct batch *b, const struct sig_trace_line *l)
{
	pid_t sender = l->task_tgid ? l->task_tgid : tgid_of(b, l->task_pid);
	pid_t target = tgid_of(b, l->target_pid);
	enum sig_result res;

	switch (l->res) {
	case SIG_TRACE_RES_IGNORED: res = SIGRES_IGNORED; break;
	case SIG_TRACE_RES_ALREADY_PENDING: res = SIGRES_ALREADY_PENDING; break;
	case SIG_TRACE_RES_OVERFLOW_FAIL: res = SIGRES_DROPPED; break;
	default: res = SIGRES_GENERATED; break;	/* queued (0, 4) or not printed */
	}
	if (!add_event(b, l->ts + b->offset, l->sig, l->task_pid ? sender : 0, l->task_comm,
		       target, l->target_comm, res))
		return;
	if (res == SIGRES_GENERATED)
		add_open(b, target, l->sig, false);
}

static void pend_remove(struct sig_trace_state *st, size_t i)
{
	memmove(&st->pend[i], &st->pend[i + 1], (st->n_pend - i - 1) * sizeof(st->pend[0]));
	st->n_pend--;
}

static void on_deliver(struct batch *b, const struct sig_trace_line *l)
{
	struct sig_trace_state *st = b->st;
	struct snapshot *s = b->ctx->snap;
	pid_t target = l->task_tgid ? l->task_tgid : tgid_of(b, l->task_pid);
	size_t i;

	/* the oldest queued signal of this process with this number, this collection first */
	for (i = 0; i < b->n_open; i++)
		if (b->open[i].target == target && b->open[i].signo == l->sig)
			goto open_hit;
	for (i = 0; i < st->n_pend; i++)
		if (st->pend[i].target == target && st->pend[i].signo == l->sig)
			goto pend_hit;
	if (l->sig != SIGKILL) {
		/* queued before the trace started: the sender is not known */
		add_event(b, l->ts + b->offset, l->sig, 0, NULL, target, l->task_comm,
			  SIGRES_DELIVERED);
		return;
	}
	/* a fatal signal is delivered as SIGKILL: it confirms the newest queued one; without
	 * one it is a thread group's exit, which is no signal traffic */
	for (i = b->n_open; i-- > 0;)
		if (b->open[i].target == target)
			goto open_hit;
	for (i = st->n_pend; i-- > 0;)
		if (st->pend[i].target == target)
			goto pend_hit;
	return;

open_hit:
	s->sigevents[b->open[i].ev].result = SIGRES_DELIVERED;
	memmove(&b->open[i], &b->open[i + 1], (b->n_open - i - 1) * sizeof(b->open[0]));
	b->n_open--;
	return;

pend_hit:
	add_event(b, l->ts + b->offset, st->pend[i].signo, st->pend[i].sender,
		  st->pend[i].sender_comm, target, st->pend[i].target_comm, SIGRES_DELIVERED);
	pend_remove(st, i);
}

static void on_parsed(void *arg, int rc, const struct sig_trace_line *l)
{
	struct batch *b = arg;

	if (rc < 0) {
		b->malformed++;
		return;
	}
	if (rc > 0)
		return;
	switch (l->kind) {
	case STL_GENERATE: on_generate(b, l); break;
	case STL_DELIVER: on_deliver(b, l); break;
	case STL_LOST: b->lost += l->lost; break;
	}
}

static void on_line(struct batch *b, const char *line, size_t len)
{
	sig_trace_join(&b->st->join, line, len, on_parsed, b);
}

static void feed(struct batch *b, const char *buf, size_t n)
{
	struct sig_trace_state *st = b->st;
	const char *p = buf, *end = buf + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t seg = (size_t)((nl ? nl : end) - p);

		if (st->n_carry || !nl) {
			if (st->n_carry + seg < sizeof(st->carry)) {
				memcpy(st->carry + st->n_carry, p, seg);
				st->n_carry += seg;
			} else {
				st->carry_overflow = true;	/* not a signal line: drop it */
			}
			if (nl) {
				if (!st->carry_overflow)
					on_line(b, st->carry, st->n_carry);
				st->n_carry = 0;
				st->carry_overflow = false;
			}
		} else {
			on_line(b, p, seg);
		}
		p = nl ? nl + 1 : end;
	}
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void remember(struct pend *pd, const struct sig_event *e)
{
	pd->time = e->time;
	pd->target = e->target_pid;
	pd->signo = e->signo;
	pd->sender = e->sender_pid;
	snprintf(pd->sender_comm, sizeof(pd->sender_comm), "%s", e->sender_comm ? e->sender_comm : "");
	snprintf(pd->target_comm, sizeof(pd->target_comm), "%s", e->target_comm ? e->target_comm : "");
}

/* Signals held back by the previous collection come first, as queued and undelivered. */
static void reinject(struct batch *b)
{
	struct sig_trace_state *st = b->st;

	for (size_t i = 0; i < st->n_deferred; i++) {
		const struct pend *d = &st->deferred[i];

		if (add_event(b, d->time, d->signo, d->sender, d->sender_comm, d->target,
			      d->target_comm, SIGRES_GENERATED))
			add_open(b, d->target, d->signo, true);
	}
	st->n_deferred = 0;
}

/* Signals still queued at the end of a collection. One its target blocks is "blocked" now
 * (its delivery, when it is unblocked, will be an event of its own). One that is simply in
 * flight (its signal_deliver not read yet) is held back one collection, so that one signal
 * stays one event; still undelivered then, it is published as "generated". */
static void settle(struct batch *b)
{
	struct sig_trace_state *st = b->st;
	struct snapshot *s = b->ctx->snap;
	bool *drop = NULL;

	for (size_t i = 0; i < b->n_open; i++) {
		struct sig_event *e = &s->sigevents[b->open[i].ev];
		const struct proc_rec *p = proc_of(b, e->target_pid);
		bool blocked = p && p->sig_known && sigmask_has(p->sig[SIGSET_BLOCKED], e->signo);

		if (!blocked && !b->open[i].again && st->n_deferred < PENDING_MAX) {
			remember(&st->deferred[st->n_deferred++], e);
			if (!drop)
				drop = xcalloc(s->n_sigevents, sizeof(*drop));
			drop[b->open[i].ev] = true;
			continue;
		}
		if (blocked)
			e->result = SIGRES_BLOCKED;
		if (st->n_pend == PENDING_MAX)
			pend_remove(st, 0);	/* forget the oldest */
		remember(&st->pend[st->n_pend++], e);
	}
	if (drop) {
		size_t k = 0;

		for (size_t i = 0; i < s->n_sigevents; i++)
			if (!drop[i])
				s->sigevents[k++] = s->sigevents[i];
		s->n_sigevents = k;
		free(drop);
	}
	/* forget signals of processes that are gone (only if the table was read at all) */
	if (s->n_procs) {
		for (size_t i = st->n_pend; i-- > 0;)
			if (!proc_of(b, st->pend[i].target))
				pend_remove(st, i);
	}
}

int sig_trace_collect(struct probe_ctx *ctx, void **state)
{
	struct sig_trace_state *st = *state;
	struct batch b = { .ctx = ctx };
	char buf[65536];
	size_t total = 0;

	if (!st) {
		st = xcalloc(1, sizeof(*st));
		st->pipefd = -1;
		*state = st;
	}
	if (!st->tried) {
		st->tried = true;
		if (!ctx->live)
			fail(st, -EOPNOTSUPP, "%s", "not the live system (--sysroot)");
		else if (!ctx->opts || !ctx->opts->trace_signals)
			fail(st, -EOPNOTSUPP, "%s", "off (not requested)");
		else
			setup(st, ctx);
	}
	if (st->err) {
		snapshot_set_source(ctx->snap, COLLECT_SIG_TRACE_SOURCE, false, st->reason);
		return st->err;
	}
	b.st = st;
	b.offset = clock_s(CLOCK_REALTIME) - clock_s(CLOCK_MONOTONIC);
	reinject(&b);
	for (;;) {
		ssize_t n = read(st->pipefd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			snapshot_add_error(ctx->snap, "signal trace", probe_errname(errno));
		if (n <= 0)
			break;
		feed(&b, buf, (size_t)n);
		total += (size_t)n;
		if (total >= READ_CAP) {
			snapshot_add_error(ctx->snap, "signal trace",
					   "more events than one collection reads: the rest next time");
			break;
		}
	}
	settle(&b);
	if (b.lost)
		snapshot_add_errorf(ctx->snap, "events lost (trace buffer full)",
				    "signal trace: %lu events", b.lost);
	if (b.malformed)
		snapshot_add_errorf(ctx->snap, "malformed", "signal trace: %zu lines", b.malformed);
	if (b.capped)
		snapshot_add_errorf(ctx->snap, "too many events: the rest were dropped",
				    "signal trace: more than %d events", EVENTS_CAP);
	free(b.open);
	free(b.tids);
	free(b.procs);
	return 0;
}
