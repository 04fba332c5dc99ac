/*
 * fds.c - the descriptor scan: /proc/<pid>/fd (and fdinfo where needed) of every process, once
 * per process (threads share the table).
 *
 * Models each open descriptor as an fd_entry (ctx->fds, sorted by pid, fd): its type, the
 * object's (dev, inode) and the access mode. Never opens /proc/<pid>/fd/N (a FIFO reopened
 * that way gains a reader). Two ways to read it, same result:
 *   live      one fstatat(<pid>/fd, "N") follows the link to the object without opening it:
 *             S_IFSOCK socket; S_IFIFO on the pipefs device (learnt from a pipe of our own)
 *             anonymous pipe, elsewhere a FIFO; no file type: an anonymous inode; a device
 *             whose statfs magic is MQUEUE_MAGIC (one statfs per device) a message queue.
 *             The access mode of a pipe or FIFO is in the link's own permission bits (lstat:
 *             the kernel sets u+r / u+w from FMODE_READ / FMODE_WRITE). readlink only for a
 *             FIFO's path, a queue's name, an anonymous inode's kind; fdinfo only for eventfd
 *             (counter) and signalfd (mask). Sockets are always O_RDWR.
 *   --sysroot a recorded tree has plain symlinks: the link text classifies ("pipe:[INO]",
 *             "socket:[INO]", "anon_inode:[eventfd]", paths looked up inside the sysroot,
 *             never followed out of it: a FIFO is S_ISFIFO there, a queue a file of
 *             <root>/dev/mqueue), fdinfo gives mode and inode (the recorded inode is the
 *             identity) for pipes, FIFOs, queues, eventfds and signalfds.
 *
 * Processes come from the proc_table probe (kernel threads and zombies have no descriptors);
 * if it found none, <root>/proc is listed here. They are scanned in chunks of 16, handed out
 * to one worker per CPU (up to 4, none below ~100 processes per worker) from one cursor;
 * workers keep what they find to themselves and the main thread merges it chunk by chunk, in
 * process order. Errors are data: an unreadable fd directory is "pid N fd": "EACCES" (once
 * per process) and the other processes are still scanned; a process that exits during the
 * scan is "pid N fd": "process exited"; a descriptor closed meanwhile is simply gone.
 * /proc/<pid>/io (rchar, wchar: the throughput estimate of src/diff.c) is read for processes
 * holding a channel. In a warm collection a process that has provably not run since the last
 * one keeps its list (reuse_pid, probes/proc_cache.h), only the parts others can change
 * being read again.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "probes/fd_iter.h"
#include "probes/fds.h"
#include "probes/proc_pass.h"

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif

#define FDINFO_MAX 4096
#define IO_MAX 1024
#define DEV_CACHE_MAX 64
#define FDS_WORKERS_MAX 4

/* ---- pure parsers ------------------------------------------------------------------------ */

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* An unsigned number in base 8, 10 or 16 from p up to the end of the line; only trailing
 * blanks may follow. */
static bool parse_num(const char *p, const char *end, int base, uint64_t *out)
{
	uint64_t v = 0;
	int digits = 0;

	p = skip_blanks(p, end);
	for (; p < end; p++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (d >= base)
			return false;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + (uint64_t)d;
		digits++;
	}
	p = skip_blanks(p, end);
	if (!digits || p != end)
		return false;
	*out = v;
	return true;
}

/* A signed decimal ("pos:" may be negative for some files). */
static bool parse_i64(const char *p, const char *end, int64_t *out)
{
	uint64_t v;
	bool neg = false;

	p = skip_blanks(p, end);
	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (!parse_num(p, end, 10, &v) || v > (uint64_t)INT64_MAX)
		return false;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

static bool key_is(const char *line, size_t klen, const char *key)
{
	return strlen(key) == klen && memcmp(line, key, klen) == 0;
}

int fds_parse_fdinfo(const char *buf, size_t len, struct fds_fdinfo *out)
{
	const char *p = buf, *end = buf + len;
	bool bad = false;

	out->pos = SNAP_UNKNOWN;
	out->flags = SNAP_UNKNOWN;
	out->mnt_id = SNAP_UNKNOWN;
	out->ino = SNAP_UNKNOWN;
	out->eventfd_count = SNAP_UNKNOWN;
	out->sigmask_known = false;
	out->sigmask = 0;

	while (p < end && !bad) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		uint64_t v;

		if (colon) {
			size_t klen = (size_t)(colon - p);
			const char *val = colon + 1;

			if (key_is(p, klen, "pos")) {
				bad = !parse_i64(val, eol, &out->pos);
			} else if (key_is(p, klen, "flags")) {
				bad = !parse_num(val, eol, 8, &v) || v > INT32_MAX;
				if (!bad)
					out->flags = (int64_t)v;
			} else if (key_is(p, klen, "mnt_id")) {
				bad = !parse_num(val, eol, 10, &v) || v > INT64_MAX;
				if (!bad)
					out->mnt_id = (int64_t)v;
			} else if (key_is(p, klen, "ino")) {
				bad = !parse_num(val, eol, 10, &v) || v > INT64_MAX;
				if (!bad)
					out->ino = (int64_t)v;
			} else if (key_is(p, klen, "eventfd-count")) {
				bad = !parse_num(val, eol, 16, &v) || v > INT64_MAX;
				if (!bad)
					out->eventfd_count = (int64_t)v;
			} else if (key_is(p, klen, "sigmask")) {
				bad = !parse_num(val, eol, 16, &out->sigmask);
				out->sigmask_known = !bad;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return bad || out->flags < 0 ? -EBADMSG : 0;
}

unsigned fds_mode_from_flags(int64_t flags)
{
	if (flags < 0)
		return FD_MODE_UNKNOWN;
	switch (flags & O_ACCMODE) {
	case O_RDONLY: return FD_MODE_READ;
	case O_WRONLY: return FD_MODE_WRITE;
	case O_RDWR: return FD_MODE_RDWR;
	}
	return FD_MODE_UNKNOWN;
}

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* "PREFIX[DIGITS]" exactly: the inode. */
static bool bracket_inode(const char *s, size_t len, size_t plen, uint64_t *inode)
{
	uint64_t v;

	if (len < plen + 3 || s[len - 1] != ']' || s[plen] == '-' || s[plen] == '+' ||
	    s[plen] == ' ' || s[len - 2] == ' ')
		return false;
	if (!parse_num(s + plen, s + len - 1, 10, &v) || v == 0)
		return false;
	*inode = v;
	return true;
}

bool fds_classify_link(const char *target, size_t len, enum fd_type *type, uint64_t *inode)
{
	*inode = 0;
	*type = FDT_OTHER;
	if (starts(target, len, "pipe:[")) {
		if (!bracket_inode(target, len, 6, inode))
			return false;
		*type = FDT_PIPE;
	} else if (starts(target, len, "socket:[")) {
		if (!bracket_inode(target, len, 8, inode))
			return false;
		*type = FDT_SOCKET;
	} else if (len == 20 && starts(target, len, "anon_inode:[eventfd]")) {
		*type = FDT_EVENTFD;
	} else if (len == 21 && starts(target, len, "anon_inode:[signalfd]")) {
		*type = FDT_SIGNALFD;
	} else if (len > 0 && target[0] == '/') {
		*type = FDT_FILE;
	}
	return true;
}

size_t fds_deleted_suffix(const char *target, size_t len)
{
	static const char suffix[] = " (deleted)";
	size_t n = sizeof(suffix) - 1;

	return len > n && memcmp(target + len - n, suffix, n) == 0 ? n : 0;
}

int fds_parse_io(const char *buf, size_t len, int64_t *rchar, int64_t *wchar)
{
	const char *p = buf, *end = buf + len;
	bool have_r = false, have_w = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		uint64_t v;

		if (starts(p, (size_t)(eol - p), "rchar:")) {
			if (!parse_num(p + 6, eol, 10, &v) || v > INT64_MAX)
				return -EBADMSG;
			*rchar = (int64_t)v;
			have_r = true;
		} else if (starts(p, (size_t)(eol - p), "wchar:")) {
			if (!parse_num(p + 6, eol, 10, &v) || v > INT64_MAX)
				return -EBADMSG;
			*wchar = (int64_t)v;
			have_w = true;
		}
		p = nl ? nl + 1 : end;
	}
	return have_r && have_w ? 0 : -EBADMSG;
}

/* ---- the scan ------------------------------------------------------------------------------ */

struct dev_magic {
	dev_t dev;
	bool mqueue;
};

/* An error found by a worker, recorded into the snapshot after the workers are done. */
struct scan_err {
	const char *where, *error;	/* the worker's arena */
	struct proc_rec *proc;		/* also its proc_rec's error ("fd: ..."), or NULL */
};

/* One process to scan (p NULL when listed from <root>/proc without a proc_rec). */
struct scan_pid {
	pid_t pid;
	struct proc_rec *p;
};

/*
 * One worker's scan of a slice of the processes. Workers only read the shared context (the
 * proc and root directories, live); what they find stays in their own arrays and arena until
 * the main thread merges it, except the io counters of the slice's own proc_recs.
 */
struct scan {
	struct probe_ctx *ctx;
	struct scan_work *work;		/* the shared list of chunks to take */
	const struct fd_iter_table *table;	/* this collection's BPF pass, or NULL */
	unsigned long long pass_ticks;		/* when it began (boot_ticks_now) */
	struct link_claims *claims;		/* shared by the workers */
	struct fd_entry *direct;		/* ctx->fds: entry i for the pass's record i */
	long page_size;
	unsigned id;
	struct fd_entry *fds;
	size_t n_fds, cap_fds;
	struct scan_err *errs;
	size_t n_errs, cap_errs;
	struct arena arena;		/* targets and error texts */
	struct dev_magic devs[DEV_CACHE_MAX];
	size_t n_devs;
	int mqdirfd;		/* --sysroot: <root>/dev/mqueue, -1 if absent (opened lazily) */
	bool mqdir_tried;
	bool have_pipefs;	/* live: pipefs_dev is known */
	dev_t pipefs_dev;	/* the device of anonymous pipes (every pipe is on the one pipefs) */
	char buf[FDINFO_MAX];
	char dents[32 * 1024];	/* getdents64 buffer */
};

/*
 * The processes, in chunks of SCAN_CHUNK handed out by one cursor: workers that finish early
 * take more (processes cost very different amounts, and a worker may be descheduled), and
 * each chunk remembers where its findings went so the merge keeps process order.
 */
#define SCAN_CHUNK 16

struct scan_chunk {
	unsigned owner;			/* the worker that scanned it */
	size_t fd0, fd1, err0, err1;	/* its findings in that worker's arrays */
};

struct scan_work {
	const struct scan_pid *pids;
	size_t n_pids, n_chunks;
	atomic_size_t cursor;
	struct scan_chunk *chunks;
};

/* Reads a small file dirfd/name whole into buf (NUL-terminated). Returns its length or -errno. */
static ssize_t read_small(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = probe_open_file(dirfd, name);
	size_t n = 0;

	if (fd < 0)
		return fd;
	while (n < size - 1) {
		ssize_t r = read(fd, buf + n, size - 1 - n);

		if (r < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			close(fd);
			return -err;
		}
		n += (size_t)r;
		if (r == 0 || n < size - 1)
			break;	/* proc's text files give all that fits in one read */
	}
	close(fd);
	buf[n] = '\0';
	return (ssize_t)n;
}

static void scan_error(struct scan *sc, struct proc_rec *proc, const char *error,
		       const char *where_fmt, ...) __attribute__((format(printf, 4, 5)));
static void scan_error(struct scan *sc, struct proc_rec *proc, const char *error,
		       const char *where_fmt, ...)
{
	char where[128];
	va_list ap;

	va_start(ap, where_fmt);
	vsnprintf(where, sizeof(where), where_fmt, ap);
	va_end(ap);
	if (sc->n_errs == sc->cap_errs) {
		sc->cap_errs = sc->cap_errs ? sc->cap_errs * 2 : 16;
		sc->errs = xreallocarray(sc->errs, sc->cap_errs, sizeof(*sc->errs));
	}
	sc->errs[sc->n_errs].where = arena_strdup(&sc->arena, where);
	sc->errs[sc->n_errs].error = arena_strdup(&sc->arena, error);
	sc->errs[sc->n_errs].proc = proc;
	sc->n_errs++;
}

static struct fd_entry *scan_add_fd(struct scan *sc)
{
	if (sc->n_fds == sc->cap_fds) {
		sc->cap_fds = sc->cap_fds ? sc->cap_fds * 2 : 256;
		sc->fds = xreallocarray(sc->fds, sc->cap_fds, sizeof(*sc->fds));
	}
	return &sc->fds[sc->n_fds++];
}

/* Live: is this device the mqueue file system? One statfs per device, through the fd link
 * (statfs follows it to the object; nothing is opened). */
static bool live_dev_is_mqueue(struct scan *sc, dev_t dev, pid_t pid, const char *fdname)
{
	char path[64];
	struct statfs sfs;
	bool mq;

	for (size_t i = 0; i < sc->n_devs; i++)
		if (sc->devs[i].dev == dev)
			return sc->devs[i].mqueue;
	snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid, fdname);
	if (statfs(path, &sfs) < 0)
		return false;	/* closed meanwhile: not cached, the next one asks again */
	mq = (unsigned long)sfs.f_type == MQUEUE_MAGIC;
	if (sc->n_devs < DEV_CACHE_MAX) {
		sc->devs[sc->n_devs].dev = dev;
		sc->devs[sc->n_devs].mqueue = mq;
		sc->n_devs++;
	}
	return mq;
}

/* --sysroot: a queue's link reads "/NAME" (the kernel's internal mount) or
 * "/dev/mqueue/NAME"; it is a queue when <root>/dev/mqueue/NAME exists. */
static bool sysroot_is_mqueue(struct scan *sc, const char *path, size_t len)
{
	char name[NAME_MAX + 1];
	const char *base = path + 1;
	size_t blen = len - 1;
	struct stat st;

	if (starts(path, len, "/dev/mqueue/")) {
		base = path + 12;
		blen = len - 12;
	}
	if (blen == 0 || blen > NAME_MAX || memchr(base, '/', blen))
		return false;
	if (!sc->mqdir_tried) {
		sc->mqdir_tried = true;
		sc->mqdirfd = probe_open_root_dir(sc->ctx->rootfd, "dev/mqueue");
	}
	if (sc->mqdirfd < 0)
		return false;
	memcpy(name, base, blen);
	name[blen] = '\0';
	return fstatat(sc->mqdirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

/* Refines FDT_FILE into FDT_FIFO / FDT_MQUEUE. Returns 0, or -ENOENT if the descriptor was
 * closed meanwhile (live). */
static int classify_path(struct scan *sc, int fddirfd, pid_t pid, const char *fdname,
			 const char *target, size_t len, struct fd_entry *e)
{
	struct stat st;

	if (sc->ctx->live) {
		if (fstatat(fddirfd, fdname, &st, 0) < 0)
			return errno == ENOENT ? -ENOENT : 0;	/* other errors: stays a file */
		e->dev = st.st_dev;
		e->inode = st.st_ino;
		if (S_ISFIFO(st.st_mode))
			e->type = FDT_FIFO;
		else if (live_dev_is_mqueue(sc, st.st_dev, pid, fdname))
			e->type = FDT_MQUEUE;
		return 0;
	}
	len -= fds_deleted_suffix(target, len);
	if (sysroot_is_mqueue(sc, target, len)) {
		e->type = FDT_MQUEUE;
		return 0;
	}
	if (len > 1 && len < PATH_MAX) {
		char path[PATH_MAX];

		memcpy(path, target + 1, len - 1);
		path[len - 1] = '\0';
		if (probe_lstat_in_root(sc->ctx->rootfd, path, &st) == 0) {
			e->dev = st.st_dev;
			e->inode = st.st_ino;
			if (S_ISFIFO(st.st_mode))
				e->type = FDT_FIFO;
		}
	}
	return 0;
}

static bool needs_fdinfo(enum fd_type t)
{
	return t == FDT_PIPE || t == FDT_FIFO || t == FDT_MQUEUE || t == FDT_EVENTFD ||
	       t == FDT_SIGNALFD;
}

static bool is_channel(enum fd_type t)
{
	return t == FDT_PIPE || t == FDT_FIFO || t == FDT_SOCKET || t == FDT_MQUEUE;
}

/* fdinfo of one descriptor into e. Returns 0, -ENOENT (closed meanwhile), or 1 when it no
 * longer names the same object (the number was reused between readlink and fdinfo). */
static int read_fdinfo(struct scan *sc, int infodirfd, pid_t pid, const char *fdname,
		       struct fd_entry *e)
{
	struct fds_fdinfo fi;
	ssize_t n = infodirfd >= 0 ? read_small(infodirfd, fdname, sc->buf, sizeof(sc->buf))
				   : -EBADF;

	if (n == -ENOENT && sc->ctx->live)
		return -ENOENT;
	if (n < 0) {
		scan_error(sc, NULL, probe_errname((int)-n), "pid %d fdinfo %s", (int)pid, fdname);
		return 0;
	}
	if (fds_parse_fdinfo(sc->buf, (size_t)n, &fi) < 0)
		scan_error(sc, NULL, "malformed fdinfo", "pid %d fdinfo %s", (int)pid, fdname);
	if (fi.ino > 0) {
		if ((e->type == FDT_PIPE || (e->inode && sc->ctx->live)) &&
		    (uint64_t)fi.ino != e->inode)
			return 1;
		e->inode = (uint64_t)fi.ino;	/* --sysroot: the recorded inode is the identity */
	}
	e->mode = fds_mode_from_flags(fi.flags);
	e->eventfd_count = e->type == FDT_EVENTFD ? fi.eventfd_count : SNAP_UNKNOWN;
	e->sigmask_known = e->type == FDT_SIGNALFD && fi.sigmask_known;
	e->sigmask = e->sigmask_known ? fi.sigmask : 0;
	return 0;
}

/* One descriptor. Returns 1 if it was added and is a channel, 0 otherwise, -errno when the
 * process's descriptors cannot be read at all (EACCES: the links of a process we may not
 * trace), which the caller records once for the process. */
static int scan_fd(struct scan *sc, int fddirfd, int *infodirfd, const char *infopath,
		   pid_t pid, const char *fdname, int fdnum)
{
	struct probe_ctx *ctx = sc->ctx;
	char target[PATH_MAX + 32];
	struct fd_entry tmp = { .pid = pid, .fd = fdnum, .eventfd_count = SNAP_UNKNOWN };
	ssize_t len;

	for (int attempt = 0; attempt < 2; attempt++) {
		len = readlinkat(fddirfd, fdname, target, sizeof(target) - 1);
		if (len < 0) {
			if (errno == EACCES || errno == EPERM)
				return -errno;
			if (errno != ENOENT)
				scan_error(sc, NULL, probe_errname(errno), "pid %d fd %s", (int)pid,
					   fdname);
			return 0;	/* ENOENT: closed meanwhile */
		}
		target[len] = '\0';
		if (!fds_classify_link(target, (size_t)len, &tmp.type, &tmp.inode))
			scan_error(sc, NULL, "malformed link", "pid %d fd %s", (int)pid, fdname);
		tmp.mode = tmp.type == FDT_SOCKET ? FD_MODE_RDWR : FD_MODE_UNKNOWN;
		if (tmp.type == FDT_FILE &&
		    classify_path(sc, fddirfd, pid, fdname, target, (size_t)len, &tmp) < 0)
			return 0;
		if (needs_fdinfo(tmp.type)) {
			int rc;

			if (*infodirfd < 0)
				*infodirfd = probe_open_dir(ctx->procfd, infopath, O_RDONLY);
			rc = read_fdinfo(sc, *infodirfd, pid, fdname, &tmp);
			if (rc < 0)
				return 0;
			if (rc > 0) {	/* reused meanwhile: read it again, once */
				tmp = (struct fd_entry){ .pid = pid, .fd = fdnum,
							 .eventfd_count = SNAP_UNKNOWN };
				if (attempt == 0)
					continue;
				scan_error(sc, NULL, "changed during scan", "pid %d fd %s", (int)pid,
					   fdname);
				return 0;
			}
		}
		break;
	}
	tmp.target = arena_strndup(&sc->arena, target, (size_t)len);
	*scan_add_fd(sc) = tmp;
	return is_channel(tmp.type) ? 1 : 0;
}

/*
 * Live: one stat of the object through the link tells sockets, pipes, FIFOs, files and queues
 * apart; the access mode comes from the link's own permission bits (lstat: the kernel sets
 * u+r / u+w from the file's FMODE_READ / FMODE_WRITE); readlink only where the text matters
 * (a FIFO's path, a queue's name, which anonymous inode), fdinfo only for eventfd/signalfd.
 * Returns as scan_fd.
 */
static int scan_fd_live(struct scan *sc, int fddirfd, int *infodirfd, const char *infopath,
			pid_t pid, const char *fdname, int fdnum)
{
	struct probe_ctx *ctx = sc->ctx;
	struct fd_entry tmp = { .pid = pid, .fd = fdnum, .eventfd_count = SNAP_UNKNOWN };
	char target[PATH_MAX + 32];
	struct stat st, lst;
	bool need_link = false;
	ssize_t len = 0;

	if (fstatat(fddirfd, fdname, &st, 0) < 0) {
		if (errno == EACCES || errno == EPERM)
			return -errno;
		if (errno != ENOENT)
			scan_error(sc, NULL, probe_errname(errno), "pid %d fd %s", (int)pid, fdname);
		return 0;	/* ENOENT: closed meanwhile */
	}
	tmp.dev = st.st_dev;
	tmp.inode = st.st_ino;
	switch (st.st_mode & S_IFMT) {
	case S_IFSOCK:
		tmp.type = FDT_SOCKET;
		tmp.mode = FD_MODE_RDWR;
		break;
	case S_IFIFO:
		if (fstatat(fddirfd, fdname, &lst, AT_SYMLINK_NOFOLLOW) < 0)
			return 0;
		tmp.mode = ((lst.st_mode & S_IRUSR) ? FD_MODE_READ : 0) |
			   ((lst.st_mode & S_IWUSR) ? FD_MODE_WRITE : 0);
		tmp.type = sc->have_pipefs && st.st_dev == sc->pipefs_dev ? FDT_PIPE : FDT_FIFO;
		need_link = tmp.type == FDT_FIFO;
		break;
	case 0:			/* an anonymous inode: eventfd, signalfd, epoll, ... */
		tmp.type = FDT_OTHER;
		need_link = true;
		break;
	default:
		tmp.type = live_dev_is_mqueue(sc, st.st_dev, pid, fdname) ? FDT_MQUEUE : FDT_FILE;
		need_link = tmp.type == FDT_MQUEUE;
		break;
	}
	if (need_link) {
		enum fd_type t;
		uint64_t ino;

		len = readlinkat(fddirfd, fdname, target, sizeof(target) - 1);
		if (len < 0)
			return errno == EACCES || errno == EPERM ? -errno : 0;
		target[len] = '\0';
		if (fds_classify_link(target, (size_t)len, &t, &ino) && t == FDT_PIPE)
			tmp.type = FDT_PIPE;	/* pipefs not learnt: the link says */
		else if (tmp.type == FDT_OTHER)
			tmp.type = t;
		tmp.target = arena_strndup(&sc->arena, target, (size_t)len);
	}
	if (tmp.type == FDT_EVENTFD || tmp.type == FDT_SIGNALFD) {
		if (*infodirfd < 0)
			*infodirfd = probe_open_dir(ctx->procfd, infopath, O_RDONLY);
		if (read_fdinfo(sc, *infodirfd, pid, fdname, &tmp) != 0)
			return 0;	/* closed or reused meanwhile */
	}
	*scan_add_fd(sc) = tmp;
	return is_channel(tmp.type) ? 1 : 0;
}

static void read_io(struct scan *sc, pid_t pid, struct proc_rec *p)
{
	char path[32];
	char buf[IO_MAX];
	int64_t r = SNAP_UNKNOWN, w = SNAP_UNKNOWN;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/io", (int)pid);
	n = read_small(sc->ctx->procfd, path, buf, sizeof(buf));
	if (n == -ENOENT)
		return;		/* exited: its fd scan already said so or is complete */
	if (n < 0) {
		scan_error(sc, NULL, probe_errname((int)-n), "pid %d io", (int)pid);
		return;
	}
	if (fds_parse_io(buf, (size_t)n, &r, &w) < 0) {
		scan_error(sc, NULL, "malformed io", "pid %d io", (int)pid);
		return;
	}
	p->io_rchar = r;	/* only this worker touches this process's record */
	p->io_wchar = w;
}

/* The process's descriptors are unknown: say so once (errors and its proc_rec). Live, a
 * missing directory means the process exited since it was listed. */
static void pid_unreadable(struct scan *sc, pid_t pid, struct proc_rec *p, int err)
{
	const char *why = (err == ENOENT || err == ESRCH) && sc->ctx->live ? "process exited"
									   : probe_errname(err);

	scan_error(sc, p, why, "pid %d fd", (int)pid);
}

/* Incremental collection (probes/proc_cache.h): a process that has provably not run since
 * the last collection still holds the descriptors that collection found, each on the same
 * object in the same mode. What others can change meanwhile is read again: the path of a
 * FIFO or queue (renamed, unlinked), an eventfd's counter, a signalfd's mask (through a
 * shared descriptor). Returns false when there is nothing to reuse or a re-read failed (the
 * caller then scans the process in full). */
static bool reuse_pid(struct scan *sc, pid_t pid, struct proc_rec *p)
{
	struct probe_ctx *ctx = sc->ctx;
	const struct proc_cache_entry *ce = p ? proc_pass_reuse(ctx->pass, pid, p->start_ticks)
					      : NULL;
	size_t first = sc->n_fds;
	char path[64], target[PATH_MAX + 32];
	bool channels = false, ok = true;
	int infofd = -1;

	if (!ce || !ce->have_fds)
		return false;
	for (size_t i = 0; i < ce->n_fds && ok; i++) {
		struct fd_entry e = ce->fds[i];
		char fdname[16];
		ssize_t len;

		snprintf(fdname, sizeof(fdname), "%d", e.fd);
		if (e.type == FDT_FIFO || e.type == FDT_MQUEUE) {
			snprintf(path, sizeof(path), "%d/fd/%d", (int)pid, e.fd);
			len = readlinkat(ctx->procfd, path, target, sizeof(target) - 1);
			ok = len >= 0;
			if (ok)
				e.target = arena_strndup(&sc->arena, target, (size_t)len);
		} else if (e.type == FDT_EVENTFD || e.type == FDT_SIGNALFD) {
			if (infofd < 0) {
				snprintf(path, sizeof(path), "%d/fdinfo", (int)pid);
				infofd = probe_open_dir(ctx->procfd, path, O_RDONLY);
			}
			ok = infofd >= 0 && read_fdinfo(sc, infofd, pid, fdname, &e) == 0;
		}
		if (!ok)
			break;
		e.fill = ce->fills && ce->fills[i].valid ? &ce->fills[i] : NULL;
		/* what a BPF pass said then is no news now (pipes.c keeps e.fill if it may) */
		e.fill_known = false;
		e.iter_dev = 0;
		e.iter_pending = false;
		*scan_add_fd(sc) = e;
		channels |= is_channel(e.type);
	}
	if (infofd >= 0)
		close(infofd);
	if (!ok) {
		sc->n_fds = first;
		return false;
	}
	if (channels) {
		p->io_rchar = ce->io_rchar;	/* only this worker touches this record */
		p->io_wchar = ce->io_wchar;
	}
	return true;
}

/*
 * A FIFO's path and device, a message queue's name, are the same through every descriptor
 * on it: of the ends the BPF pass found, one per object is looked up in /proc (the first
 * worker to claim the object's key in this lock-free set), the others wait as iter_pending
 * and settle_links() copies what it found. A key collision or a claimed end that closed
 * meanwhile only means settle_links() looks up another end itself.
 */
struct link_claims {
	_Atomic uint64_t *slots;	/* 0: free */
	size_t mask;
};

static uint64_t link_key(uint64_t dev, uint64_t ino)
{
	uint64_t k = (ino * 0x9e3779b97f4a7c15ULL) ^ (dev * 0xc2b2ae3d27d4eb4fULL);

	return k ? k : 1;
}

/* true: this caller looks the FIFO up; false: another end already did or does. */
static bool link_claim(struct link_claims *c, uint64_t dev, uint64_t ino)
{
	uint64_t key = link_key(dev, ino);

	if (!c || !c->slots)
		return true;
	for (size_t i = 0, at = key & c->mask; i <= c->mask; i++, at = (at + 1) & c->mask) {
		uint64_t cur = atomic_load_explicit(&c->slots[at], memory_order_relaxed);

		if (cur == key)
			return false;
		if (cur == 0 && atomic_compare_exchange_strong(&c->slots[at], &cur, key))
			return true;
		if (cur == key)		/* lost the race to another end of the same FIFO */
			return false;
	}
	return true;			/* full: look it up here */
}

/* The link text of FIFO or queue end e (its path, its name) and, for a FIFO, its device as
 * stat(2) gives it (through the link: it also proves the number still names the FIFO).
 * Returns 0, -ENOENT (closed meanwhile), -ESTALE (the number names something else now) or
 * -errno. The text goes into arena. */
static int resolve_link(int procfd, struct arena *arena, struct fd_entry *e)
{
	char path[64], target[PATH_MAX + 32];
	struct stat st;
	ssize_t len;

	snprintf(path, sizeof(path), "%d/fd/%d", (int)e->pid, e->fd);
	if (e->type == FDT_FIFO) {
		if (fstatat(procfd, path, &st, 0) < 0)
			return -errno;
		if (!S_ISFIFO(st.st_mode) || st.st_ino != e->inode)
			return -ESTALE;
	}
	len = readlinkat(procfd, path, target, sizeof(target) - 1);
	if (len < 0)
		return -errno;
	if (e->type == FDT_FIFO)
		e->dev = st.st_dev;
	e->target = arena_strndup(arena, target, (size_t)len);
	e->iter_pending = false;
	return 0;
}

/* One process from the BPF pass: its records, plus the few reads the records cannot carry
 * (a FIFO's path, a queue's name, an eventfd's counter, a signalfd's mask). */
static void scan_pid_iter(struct scan *sc, pid_t pid, struct proc_rec *p)
{
	struct probe_ctx *ctx = sc->ctx;
	size_t first, n = fd_iter_table_find(sc->table, pid, &first);
	char path[64], target[PATH_MAX + 32];
	int infofd = -1;
	bool channels = false;

	if (fd_iter_proc_refuses(pid)) {
		pid_unreadable(sc, pid, p, EACCES);	/* as /proc would */
		return;
	}
	for (size_t i = first; i < first + n; i++) {
		const struct fd_iter_rec *r = &sc->table->recs[i];
		struct fd_entry e;
		char fdname[16];

		if (!fd_iter_entry(r, sc->page_size, &e, target, sizeof(target), &e.fill_queued,
				   &e.fill_capacity)) {
			scan_error(sc, NULL, "malformed BPF record", "pid %d fd %u", (int)pid,
				   (unsigned)r->fd);
			continue;
		}
		e.fill_known = e.fill_queued != SNAP_UNKNOWN;
		snprintf(fdname, sizeof(fdname), "%d", e.fd);
		if (target[0])
			e.target = arena_strdup(&sc->arena, target);
		if (e.type == FDT_FIFO || e.type == FDT_MQUEUE) {
			e.iter_dev = e.dev;
			e.iter_pending = true;
			if (link_claim(sc->claims, e.dev, e.inode)) {
				int rc = resolve_link(ctx->procfd, &sc->arena, &e);

				if (rc == -ENOENT)
					continue;	/* closed meanwhile */
				if (rc == -ESTALE) {
					scan_error(sc, NULL, "changed during scan", "pid %d fd %d",
						   (int)pid, e.fd);
					continue;
				}
				if (rc < 0)	/* settle_links tries another end */
					scan_error(sc, NULL, probe_errname(-rc), "pid %d fd %d",
						   (int)pid, e.fd);
			}
		} else if (e.type == FDT_EVENTFD || e.type == FDT_SIGNALFD) {
			if (infofd < 0) {
				snprintf(path, sizeof(path), "%d/fdinfo", (int)pid);
				infofd = probe_open_dir(ctx->procfd, path, O_RDONLY);
			}
			if (read_fdinfo(sc, infofd, pid, fdname, &e) != 0)
				continue;	/* closed or reused meanwhile */
		}
		sc->direct[i] = e;	/* the record's own slot (see fds_collect) */
		channels |= is_channel(e.type);
	}
	if (infofd >= 0)
		close(infofd);
	if (n == 0) {
		/* no descriptors at all, or gone since it was listed: /proc says which */
		char name[16];

		snprintf(name, sizeof(name), "%d", (int)pid);
		if (faccessat(ctx->procfd, name, F_OK, 0) < 0 && errno == ENOENT)
			pid_unreadable(sc, pid, p, ENOENT);
		return;
	}
	if (channels && p) {
		/* a process that has provably not run since the last collection has the
		 * counters it had then (probes/proc_cache.h) */
		const struct proc_cache_entry *ce = proc_pass_reuse(ctx->pass, pid, p->start_ticks);

		if (ce && ce->have_fds) {
			p->io_rchar = ce->io_rchar;	/* only this worker touches this record */
			p->io_wchar = ce->io_wchar;
		} else {
			read_io(sc, pid, p);
		}
	}
}

static void scan_pid(struct scan *sc, pid_t pid, struct proc_rec *p)
{
	struct probe_ctx *ctx = sc->ctx;
	char fdpath[32], infopath[32];
	int dfd, infofd = -1;
	bool channels = false;
	size_t first = sc->n_fds;
	int rc = 0;
	ssize_t n;

	/* a process that may have started after the BPF pass began is walked in /proc */
	if (sc->table && p && p->start_ticks < sc->pass_ticks) {
		scan_pid_iter(sc, pid, p);
		return;
	}
	if (reuse_pid(sc, pid, p))
		return;
	snprintf(fdpath, sizeof(fdpath), "%d/fd", (int)pid);
	snprintf(infopath, sizeof(infopath), "%d/fdinfo", (int)pid);
	dfd = probe_open_dir(ctx->procfd, fdpath, O_RDONLY);
	if (dfd < 0) {
		pid_unreadable(sc, pid, p, -dfd);
		return;
	}
	/* getdents64 into the worker's buffer (no DIR allocated per process) */
	while (rc >= 0 && (n = getdents64(dfd, sc->dents, sizeof(sc->dents))) > 0) {
		for (ssize_t off = 0; off < n && rc >= 0;) {
			struct dirent64 *de = (struct dirent64 *)(sc->dents + off);
			char *end;
			long fdnum;

			off += de->d_reclen;
			if (de->d_name[0] < '0' || de->d_name[0] > '9')
				continue;
			fdnum = strtol(de->d_name, &end, 10);
			if (*end || fdnum < 0 || fdnum > INT_MAX)
				continue;
			rc = ctx->live ? scan_fd_live(sc, dfd, &infofd, infopath, pid, de->d_name, (int)fdnum)
				       : scan_fd(sc, dfd, &infofd, infopath, pid, de->d_name, (int)fdnum);
			channels |= rc > 0;
		}
		/* procfs fills the buffer until it runs out of entries: room left means the end */
		if (ctx->live && (size_t)n + 2 * sizeof(struct dirent64) < sizeof(sc->dents)) {
			n = 0;
			break;
		}
	}
	if (rc < 0) {
		sc->n_fds = first;	/* all or nothing: a partial list would mislead */
		channels = false;
		pid_unreadable(sc, pid, p, -rc);
	} else if (n < 0 && errno != ENOENT) {
		scan_error(sc, NULL, probe_errname(errno), "pid %d fd", (int)pid);
	}
	close(dfd);
	if (infofd >= 0)
		close(infofd);
	if (channels && p)
		read_io(sc, pid, p);
}

static void *scan_worker(void *arg)
{
	struct scan *sc = arg;
	struct scan_work *wk = sc->work;

	for (;;) {
		size_t c = atomic_fetch_add(&wk->cursor, 1);
		struct scan_chunk *ch;

		if (c >= wk->n_chunks)
			break;
		ch = &wk->chunks[c];
		ch->owner = sc->id;
		ch->fd0 = sc->n_fds;
		ch->err0 = sc->n_errs;
		for (size_t i = c * SCAN_CHUNK; i < (c + 1) * SCAN_CHUNK && i < wk->n_pids; i++)
			scan_pid(sc, wk->pids[i].pid, wk->pids[i].p);
		ch->fd1 = sc->n_fds;
		ch->err1 = sc->n_errs;
	}
	return NULL;
}

static int cmp_fd(const void *a, const void *b)
{
	const struct fd_entry *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

/* The processes to scan: proc_table's (without kernel threads, zombies and ipctop), or, if it
 * found none, the numeric entries of <root>/proc. Returns the count, or -errno. */
static ssize_t list_pids(struct probe_ctx *ctx, struct scan_pid **out)
{
	struct scan_pid *v;
	size_t n = 0, cap;
	DIR *dir;
	struct dirent *de;
	int dfd;

	if (ctx->snap->n_procs) {
		/* ctx->snap->procs does not move: no probe adds processes after proc_table */
		v = xcalloc(ctx->snap->n_procs, sizeof(*v));
		for (size_t i = 0; i < ctx->snap->n_procs; i++) {
			struct proc_rec *p = &ctx->snap->procs[i];

			if (p->kthread || p->zombie || (ctx->self && p->pid == ctx->self))
				continue;
			v[n].pid = p->pid;
			v[n++].p = p;
		}
		*out = v;
		return (ssize_t)n;
	}
	dfd = probe_open_dir(ctx->procfd, ".", O_RDONLY);
	if (dfd < 0)
		return dfd;
	dir = fdopendir(dfd);
	if (!dir) {
		int err = errno;

		close(dfd);
		return -err;
	}
	cap = 256;
	v = xcalloc(cap, sizeof(*v));
	while ((de = readdir(dir))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (de->d_name[0] < '1' || de->d_name[0] > '9' || *end || pid <= 0 || pid > INT_MAX)
			continue;
		if (ctx->self && pid == ctx->self)
			continue;
		if (n == cap) {
			cap *= 2;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n].pid = (pid_t)pid;
		v[n++].p = NULL;
	}
	closedir(dir);
	*out = v;
	return (ssize_t)n;
}

/* How many workers: one per online CPU (at most FDS_WORKERS_MAX), none below ~100 processes,
 * where a thread costs more than it saves. */
static size_t n_workers(size_t n_pids)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t w = cpus > 0 ? (size_t)cpus : 1;

	if (w > FDS_WORKERS_MAX)
		w = FDS_WORKERS_MAX;
	while (w > 1 && n_pids / w < 100)
		w--;
	return w;
}

/* The main thread takes one chunk's findings (chunks in order: process order) into ctx->fds,
 * the errors and the proc_recs. */
static void merge(struct probe_ctx *ctx, const struct scan *sc, const struct scan_chunk *ch)
{
	for (size_t i = ch->fd0; i < ch->fd1; i++) {
		struct fd_entry *e = probe_add_fd(ctx);

		*e = sc->fds[i];
		e->target = arena_strdup(&ctx->scratch, sc->fds[i].target);
	}
	for (size_t i = ch->err0; i < ch->err1; i++) {
		const struct scan_err *er = &sc->errs[i];

		snapshot_add_error(ctx->snap, er->where, er->error);
		if (er->proc && !er->proc->error)
			er->proc->error = arena_printf(&ctx->snap->arena, "fd: %s", er->error);
	}
}

/* Closes the gaps the pass's records left in ctx->fds (records not taken: closed meanwhile,
 * malformed, or of processes walked in /proc instead) and moves the workers' link texts
 * into the collection's scratch arena (the workers' arenas are freed). */
static void take_direct(struct probe_ctx *ctx)
{
	size_t kept = 0;

	for (size_t i = 0; i < ctx->n_fds; i++) {
		struct fd_entry *e = &ctx->fds[i];

		if (!e->pid)
			continue;
		if (e->target)
			e->target = arena_strdup(&ctx->scratch, e->target);
		ctx->fds[kept++] = *e;
	}
	ctx->n_fds = kept;
}

static int cmp_iter_link(const void *a, const void *b)
{
	const struct fd_entry *x = *(const struct fd_entry *const *)a;
	const struct fd_entry *y = *(const struct fd_entry *const *)b;

	if (x->iter_dev != y->iter_dev)
		return x->iter_dev < y->iter_dev ? -1 : 1;
	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return (int)x->iter_pending - (int)y->iter_pending;	/* looked-up ends first */
}

/* Gives every pending FIFO or queue end (see link_claim) the link text (and a FIFO's device)
 * found through another end of the same object, looking one up here when no worker could;
 * drops the ends of an object that none of its holders has open any more. */
static void settle_links(struct probe_ctx *ctx)
{
	struct fd_entry **v = xcalloc(ctx->n_fds + 1, sizeof(*v));
	size_t n = 0, kept = 0;
	bool dropped = false;

	for (size_t i = 0; i < ctx->n_fds; i++)
		if (ctx->fds[i].iter_dev)
			v[n++] = &ctx->fds[i];
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_iter_link);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		struct fd_entry *donor = NULL;

		while (j < n && v[j]->iter_dev == v[i]->iter_dev && v[j]->inode == v[i]->inode)
			j++;
		for (size_t k = i; k < j && !donor; k++) {
			int rc;

			if (!v[k]->iter_pending) {
				donor = v[k];
				break;
			}
			rc = resolve_link(ctx->procfd, &ctx->scratch, v[k]);
			if (rc == 0)
				donor = v[k];
			else if (rc != -ENOENT)
				snapshot_add_errorf(ctx->snap, rc == -ESTALE ? "changed during scan"
						    : probe_errname(-rc), "pid %d fd %d",
						    (int)v[k]->pid, v[k]->fd);
		}
		for (size_t k = i; k < j; k++) {
			if (!v[k]->iter_pending)
				continue;
			if (donor) {
				v[k]->dev = donor->dev;
				v[k]->target = donor->target;
				v[k]->iter_pending = false;
			} else {
				dropped = true;	/* closed by every holder meanwhile */
			}
		}
		i = j;
	}
	free(v);
	if (!dropped)
		return;
	for (size_t i = 0; i < ctx->n_fds; i++)
		if (!ctx->fds[i].iter_pending)
			ctx->fds[kept++] = ctx->fds[i];
	ctx->n_fds = kept;
}

/* This collection's BPF pass (probes/fd_iter.h), or NULL with the source saying why /proc is
 * walked instead (--sysroot, not loadable, a failed read, a probe run without a collector). */
static const struct fd_iter_table *iter_pass(struct probe_ctx *ctx, unsigned long long *ticks)
{
	const struct fd_iter_table *t;
	const char *why = NULL;

	*ticks = 0;
	if (!ctx->live) {
		snapshot_set_source(ctx->snap, FDS_ITER_SOURCE, false, "off (not live: --sysroot)");
		return NULL;
	}
	if (!ctx->iter) {
		snapshot_set_source(ctx->snap, FDS_ITER_SOURCE, false,
				    "off (the descriptor probe ran without a collector)");
		return NULL;
	}
	t = fd_iter_pass_fds(ctx->iter, &why, ticks);
	snapshot_set_source(ctx->snap, FDS_ITER_SOURCE, t != NULL, why);
	return t;
}

int fds_collect(struct probe_ctx *ctx, void **state)
{
	struct link_claims claims = { NULL, 0 };
	unsigned long long ticks;
	const struct fd_iter_table *table;
	struct scan_pid *pids = NULL;
	ssize_t n = list_pids(ctx, &pids);
	struct scan *w;
	struct scan_work work;
	pthread_t threads[FDS_WORKERS_MAX];
	bool started[FDS_WORKERS_MAX] = { false };
	size_t nw;
	struct stat st;
	dev_t pipefs = 0;
	bool have_pipefs = false;

	ctx->n_fds = 0;
	ctx->fds_scanned = false;
	(void)state;
	if (n < 0)
		return (int)n;
	table = iter_pass(ctx, &ticks);
	if (table) {
		size_t ends = 0, cap = 64;	/* FIFO ends, and every descriptor of a regular
						 * file type (a bound for the queues') */

		for (size_t i = 0; i < table->n; i++)
			ends += (table->recs[i].i_mode & S_IFMT) == S_IFIFO ||
				(table->recs[i].i_mode & S_IFMT) == S_IFREG;
		while (cap < 2 * ends)
			cap *= 2;
		claims.slots = xcalloc(cap, sizeof(*claims.slots));
		claims.mask = cap - 1;
		/* the processes from the pass write their entries straight into ctx->fds, one
		 * slot per record (pid 0: none), instead of into worker arrays merged later:
		 * one copy of the largest array less */
		for (size_t i = 0; i < table->n; i++)
			probe_add_fd(ctx);
	}
	if (ctx->live) {
		/* the device of anonymous pipes: that of a pipe of our own */
		int p[2];

		if (pipe2(p, O_CLOEXEC) == 0) {
			if (fstat(p[0], &st) == 0) {
				have_pipefs = true;
				pipefs = st.st_dev;
			}
			close(p[0]);
			close(p[1]);
		}
	}
	nw = n_workers((size_t)n);
	work.pids = pids;
	work.n_pids = (size_t)n;
	work.n_chunks = ((size_t)n + SCAN_CHUNK - 1) / SCAN_CHUNK;
	work.chunks = xcalloc(work.n_chunks + 1, sizeof(*work.chunks));
	atomic_init(&work.cursor, 0);
	w = xcalloc(nw, sizeof(*w));
	for (size_t i = 0; i < nw; i++) {
		w[i].ctx = ctx;
		w[i].work = &work;
		w[i].table = table;
		w[i].claims = &claims;
		w[i].direct = ctx->fds;
		w[i].pass_ticks = ticks;
		w[i].page_size = sysconf(_SC_PAGESIZE);
		w[i].id = (unsigned)i;
		w[i].mqdirfd = -1;
		w[i].have_pipefs = have_pipefs;
		w[i].pipefs_dev = pipefs;
		arena_init(&w[i].arena);
	}
	/* workers 1.. on threads, worker 0 here; a thread that cannot start runs here too */
	for (size_t i = 1; i < nw; i++)
		started[i] = pthread_create(&threads[i], NULL, scan_worker, &w[i]) == 0;
	scan_worker(&w[0]);
	for (size_t i = 1; i < nw; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		else
			scan_worker(&w[i]);
	}
	if (table)
		take_direct(ctx);
	for (size_t c = 0; c < work.n_chunks; c++)
		merge(ctx, &w[work.chunks[c].owner], &work.chunks[c]);
	free(work.chunks);
	for (size_t i = 0; i < nw; i++) {
		if (w[i].mqdirfd >= 0)
			close(w[i].mqdirfd);
		free(w[i].fds);
		free(w[i].errs);
		arena_fini(&w[i].arena);
	}
	free(w);
	free(pids);
	free(claims.slots);
	if (ctx->n_fds > 1)
		qsort(ctx->fds, ctx->n_fds, sizeof(*ctx->fds), cmp_fd);
	if (table) {
		settle_links(ctx);
		fd_iter_pass_done(ctx->iter, FD_ITER_FDS);
	}
	ctx->fds_scanned = true;
	return 0;
}
