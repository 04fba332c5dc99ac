/*
 * posix_ipc.c - POSIX message queues, shared memory objects and named semaphores.
 *
 * Models:
 *   pmq_rec   each file of <root>/dev/mqueue: bytes queued (QSIZE from the file's text),
 *             messages and limits (mq_getattr on the opened file: live only), holders from
 *             the descriptor probe's FDT_MQUEUE entries with the same inode. Queues held
 *             open but not in the directory (it is not mounted, or the name was unlinked)
 *             are listed from their holders: name from the link ("/NAME"; " (deleted)" kept
 *             in the name so it cannot clash with a new queue of that name), values read on
 *             a pidfd_getfd duplicate (pread of the status text at offset 0, which leaves the
 *             shared file offset alone, and mq_getattr).
 *   pshm_rec  each file of <root>/dev/shm not named sem.*: size, and the processes mapping
 *             it (proc_maps entries under /dev/shm/ with the same inode, and on the live
 *             system the same device).
 *   psem_rec  each sem.NAME of <root>/dev/shm: the value read with pread from the file (no
 *             sem_* call, and never through a mapping: its owner, or anyone who can write
 *             it, may truncate it at any time, and a mapping would then fault), mapped_pids
 *             matched by inode, because glibc creates the file under a temporary name that
 *             the users' maps keep showing ("sem.XXXXXX (deleted)").
 *   unlinked  shm objects and semaphores no name leads to any more but that processes still
 *             map (shm_unlink'ed, or a semaphore that was never linked): from the maps by
 *             inode, deleted = true, never opened (size and value unknown, with the reason).
 * Both directories are writable by every user, who may swap a listed name for a symlink, a
 * FIFO or another file at any moment: files there are opened with O_NOFOLLOW | O_NONBLOCK and
 * read only once fstat on the descriptor shows the regular file that was listed.
 * Opening a queue's file never receives and opening it read-only adds no sender; nothing is
 * posted, waited on or unlinked. Errors are data: an object whose values cannot be read is
 * listed with them unknown and "pmq:NAME" / "pshm:NAME" / "psem:NAME" in errors.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "probes/fds.h"
#include "probes/pipes.h"
#include "probes/posix_ipc.h"
#include "probes/proc_maps.h"
#include "src/names.h"

#define MQ_TEXT_MAX 256

/* ---- pure parsers -------------------------------------------------------------------------- */

int posix_ipc_parse_mq_text(const char *buf, size_t len, int64_t *qsize)
{
	const char *p = buf, *end = buf + len;
	int64_t v = 0;
	int digits = 0;

	if (len < 6 || memcmp(p, "QSIZE:", 6) != 0)
		return -EBADMSG;
	for (p += 6; p < end && *p == ' '; p++)
		;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (INT64_MAX - 9) / 10)
			return -EBADMSG;
		v = v * 10 + (*p - '0');
		digits++;
	}
	if (!digits || (p < end && *p != ' ' && *p != '\n'))
		return -EBADMSG;
	*qsize = v;
	return 0;
}

int posix_ipc_sem_value(const void *mem, size_t len, int64_t *value)
{
#if UINTPTR_MAX == UINT64_MAX
	/* struct new_sem { uint64_t data; int private; int pad; } */
	uint64_t data;

	if (len < 16)
		return -EBADMSG;
	if (((uintptr_t)mem & 7) == 0)
		data = __atomic_load_n((const uint64_t *)mem, __ATOMIC_RELAXED);
	else
		memcpy(&data, mem, sizeof(data));
	*value = (int64_t)(data & 0xffffffffu);
#else
	/* struct new_sem { unsigned int value; int private; int pad; unsigned int nwaiters; } */
	uint32_t v;

	if (len < 16)
		return -EBADMSG;
	memcpy(&v, mem, sizeof(v));
	*value = (int64_t)(v >> 1);
#endif
	return 0;
}

/* ---- opening what others can swap ----------------------------------------------------------- */

/*
 * Opens the file name of dirfd, a directory any user may write (/dev/shm, /dev/mqueue): never
 * through a symlink (O_NOFOLLOW), never blocking on a FIFO or device swapped in (O_NONBLOCK),
 * and checked on the descriptor itself: a regular file, the inode that was listed (inode 0:
 * any). Returns the fd, or -errno with *why set (a name swapped meanwhile is "changed during
 * scan").
 */
static int open_listed(int dirfd, const char *name, uint64_t inode, struct stat *st,
		       const char **why)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);

	if (fd < 0) {
		int err = errno;

		*why = err == ELOOP ? "changed during scan (now a symlink)" : probe_errname(err);
		return -err;
	}
	if (fstat(fd, st) < 0) {
		int err = errno;

		*why = probe_errname(err);
		close(fd);
		return -err;
	}
	if (!S_ISREG(st->st_mode) || (inode && st->st_ino != inode)) {
		*why = S_ISREG(st->st_mode) ? "changed during scan" : "changed during scan (not a file)";
		close(fd);
		return -ESTALE;
	}
	return fd;
}

/* ---- message queues ------------------------------------------------------------------------ */

struct mq_ref {
	uint64_t inode;
	uint64_t dev;
	pid_t pid;
	int fd;
	const char *target;
	bool used;		/* matched to a directory entry */
};

static int cmp_mq_ref(const void *a, const void *b)
{
	const struct mq_ref *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

struct mq_refs {
	struct mq_ref *v;
	size_t n;
};

/* The queue name in a holder's link ("/NAME" from mq_open, "/dev/mqueue/NAME" from open),
 * without " (deleted)": pointer into t, *len its length, *deleted whether it was unlinked. */
static const char *link_queue_name(const char *t, size_t *len, bool *deleted)
{
	size_t n = strlen(t), del = fds_deleted_suffix(t, n);

	n -= del;
	*deleted = del > 0;
	if (n > 12 && strncmp(t, "/dev/mqueue/", 12) == 0) {
		t += 12;
		n -= 12;
	} else if (n > 1 && t[0] == '/') {
		t++;
		n--;
	}
	*len = n;
	return t;
}

/* Does this holder hold the queue (dev, inode) called name? Live: the same inode on the same
 * device. --sysroot: the same inode, or the same name (a recorded tree's files do not keep
 * their inode numbers). */
static bool holds(const struct mq_ref *r, bool live, uint64_t dev, uint64_t inode, const char *name)
{
	size_t len;
	bool deleted;
	const char *n;

	if (r->inode == inode)
		return !live || !r->dev || r->dev == dev;
	if (live || !name || !r->target)
		return false;
	n = link_queue_name(r->target, &len, &deleted);
	return !deleted && strlen(name) == len && memcmp(n, name, len) == 0;
}

/* Fills q->holders (sorted by pid, fd as refs are) and marks those refs used. */
static void set_holders(struct snapshot *s, struct mq_refs *refs, bool live, uint64_t dev,
			uint64_t inode, const char *name, struct pmq_rec *q)
{
	size_t n = 0;

	for (size_t i = 0; i < refs->n; i++)
		n += holds(&refs->v[i], live, dev, inode, name);
	if (!n)
		return;
	q->holders = snapshot_alloc(s, n * sizeof(*q->holders));
	for (size_t i = 0; i < refs->n; i++) {
		struct mq_ref *r = &refs->v[i];

		if (!holds(r, live, dev, inode, name))
			continue;
		r->used = true;
		q->holders[q->n_holders].pid = r->pid;
		q->holders[q->n_holders].fd = r->fd;
		q->holders[q->n_holders].mode = FD_MODE_RDWR;
		q->n_holders++;
	}
}

/* Copies the values read into a record being built. */
struct mq_vals {
	int64_t bytes, messages, max_messages, message_size;
	const char *error;	/* first reason a value is unknown */
};

/* QSIZE from the status text at offset 0 (pread: the file offset, shared with a holder's
 * descriptor when fd is a duplicate, does not move) and, live, mq_getattr. */
static void mq_read_values(int fd, bool live, struct mq_vals *v)
{
	char buf[MQ_TEXT_MAX];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		v->error = probe_errname(errno);
	else if (posix_ipc_parse_mq_text(buf, (size_t)n, &v->bytes) < 0)
		v->error = "malformed queue text";
	if (live) {
		struct mq_attr a;

		if (mq_getattr((mqd_t)fd, &a) == 0) {
			v->messages = a.mq_curmsgs;
			v->max_messages = a.mq_maxmsg;
			v->message_size = a.mq_msgsize;
		} else if (!v->error) {
			v->error = probe_errname(errno);
		}
	} else if (!v->error) {
		v->error = "not live";
	}
}

static void add_pmq(struct snapshot *s, const char *name, uint64_t inode, const struct mq_vals *v,
		    struct mq_refs *refs, bool live, uint64_t dev, bool by_name)
{
	struct pmq_rec *q = snapshot_add_pmq(s);

	q->name = snapshot_strdup(s, name);
	q->inode = inode;
	q->bytes = v->bytes;
	q->messages = v->messages;
	q->max_messages = v->max_messages;
	q->message_size = v->message_size;
	if (v->error) {
		q->error = snapshot_strdup(s, v->error);
		char esc[1024];

		snapshot_add_errorf(s, v->error, "pmq:%s", names_escape_id(name, esc, sizeof(esc)));
	}
	set_holders(s, refs, live, dev, inode, by_name ? name : NULL, q);
}

static void mq_from_dir(struct probe_ctx *ctx, int dirfd, struct mq_refs *refs)
{
	DIR *dir = fdopendir(dirfd);
	struct dirent *de;

	if (!dir) {
		close(dirfd);
		return;
	}
	while ((de = readdir(dir))) {
		struct mq_vals v = { SNAP_UNKNOWN, SNAP_UNKNOWN, SNAP_UNKNOWN, SNAP_UNKNOWN, NULL };
		struct stat st, fst;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;	/* unlinked meanwhile, or not a queue */
		fd = open_listed(dirfd, de->d_name, st.st_ino, &fst, &v.error);
		if (fd >= 0) {
			mq_read_values(fd, ctx->live, &v);
			close(fd);
		}
		add_pmq(ctx->snap, de->d_name, st.st_ino, &v, refs, ctx->live, st.st_dev, true);
	}
	closedir(dir);
}

/* Queues only their holders know about (live). */
static void mq_from_holders(struct probe_ctx *ctx, struct mq_refs *refs)
{
	for (size_t i = 0; i < refs->n;) {
		struct mq_vals v = { SNAP_UNKNOWN, SNAP_UNKNOWN, SNAP_UNKNOWN, SNAP_UNKNOWN, NULL };
		size_t j = i;
		const char *t;
		char name[512];
		size_t len;
		int err = 0;
		bool done = false, deleted;

		while (j < refs->n && refs->v[j].inode == refs->v[i].inode)
			j++;
		if (refs->v[i].used) {
			i = j;
			continue;
		}
		t = link_queue_name(refs->v[i].target ? refs->v[i].target : "?", &len, &deleted);
		snprintf(name, sizeof(name), "%.*s%s", (int)len, t, deleted ? " (deleted)" : "");

		for (size_t k = i; k < j && !done && ctx->live; k++) {
			int dup = pipes_getfd(refs->v[k].pid, refs->v[k].fd);
			struct stat st;

			if (dup < 0) {
				if (!err || err == ESRCH || err == EBADF)
					err = -dup;
				continue;
			}
			if (fstat(dup, &st) == 0 && st.st_ino == refs->v[i].inode) {
				v.error = NULL;
				mq_read_values(dup, true, &v);
				done = true;
			} else if (!err) {
				err = ESTALE;
			}
			close(dup);
		}
		if (!done)
			v.error = !ctx->live ? "not live" : err == ESTALE || err == ESRCH || err == EBADF
				  ? "closed during scan" : probe_errname(err);
		add_pmq(ctx->snap, name, refs->v[i].inode, &v, refs, ctx->live, refs->v[i].dev, false);
		i = j;
	}
}

static void collect_mqueues(struct probe_ctx *ctx)
{
	struct mq_refs refs = { xcalloc(ctx->n_fds + 1, sizeof(struct mq_ref)), 0 };
	int dirfd;

	for (size_t i = 0; i < ctx->n_fds; i++) {
		const struct fd_entry *e = &ctx->fds[i];

		if (e->type == FDT_MQUEUE && e->inode)
			refs.v[refs.n++] = (struct mq_ref){ e->inode, e->dev, e->pid, e->fd, e->target,
							     false };
	}
	if (refs.n > 1)
		qsort(refs.v, refs.n, sizeof(*refs.v), cmp_mq_ref);

	dirfd = probe_open_root_dir(ctx->rootfd, "dev/mqueue");
	if (dirfd >= 0)
		mq_from_dir(ctx, dirfd, &refs);
	else
		snapshot_add_error(ctx->snap, "dev/mqueue",
				   dirfd == -ENOENT ? "ENOENT (not mounted: only queues held open are listed)"
						    : probe_errname(-dirfd));
	mq_from_holders(ctx, &refs);
	free(refs.v);
}

/* ---- /dev/shm ------------------------------------------------------------------------------ */

struct map_ref {
	uint64_t inode;
	uint64_t dev;
	pid_t pid;
	const char *path;	/* "/dev/shm/..." */
};

static int cmp_map_ref(const void *a, const void *b)
{
	const struct map_ref *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/*
 * Distinct pids mapping the object (sorted); NULL/0 when none. Live: same inode on the same
 * device. --sysroot: same inode, or the same path (a recorded tree's files do not keep their
 * inode numbers; a semaphore's users show a temporary name, so only the inode finds them).
 */
/* Some processes' maps could not be read (another user's, without privilege): a POSIX object
 * has no attach count to compare with, so its mapper list may always be short. Says so, as an
 * error naming the object, and returns the reason (NULL when every maps file was read). */
static const char *mappers_may_be_missing(struct probe_ctx *ctx, const char *kind, const char *name)
{
	const char *why;
	char esc[1024];

	if (!ctx->maps_scanned || !ctx->maps_unreadable)
		return NULL;
	why = arena_printf(&ctx->snap->arena,
			   "%s (maps of %zu process%s unreadable): mappers may be missing",
			   probe_errname(ctx->maps_unreadable_err), ctx->maps_unreadable,
			   ctx->maps_unreadable == 1 ? "" : "es");
	snapshot_add_errorf(ctx->snap, why, "%s:%s mapped_pids", kind,	/* the object's id */
			    names_escape_id(name, esc, sizeof(esc)));
	return why;
}

static pid_t *mapped_pids(struct snapshot *s, const struct map_ref *m, size_t n, bool live,
			  uint64_t dev, uint64_t inode, const char *name, size_t *count)
{
	size_t lo = 0, hi = n, k = 0, cap = 0;
	pid_t *out = NULL;

	*count = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < n && m[hi].inode == inode; hi++)
		;
	cap = hi - lo;
	if (!live)
		cap = n;
	if (!cap)
		return NULL;
	out = snapshot_alloc(s, cap * sizeof(*out));
	for (size_t i = lo; i < hi; i++)
		if (!live || m[i].dev == dev)
			out[k++] = m[i].pid;
	if (!live) {
		for (size_t i = 0; i < n; i++)
			if (m[i].inode != inode && strcmp(m[i].path + 9, name) == 0)
				out[k++] = m[i].pid;
		qsort(out, k, sizeof(*out), cmp_pid);
	}
	/* sorted: drop repeats (several mappings of one process) */
	for (size_t i = 0; i < k; i++)
		if (!*count || out[*count - 1] != out[i])
			out[(*count)++] = out[i];
	return *count ? out : NULL;
}

/* The value of a named semaphore: read with pread from the descriptor, never through a
 * mapping (another user may truncate the file at any moment: a mapping would fault). */
static const char *read_sem(int dirfd, const char *name, uint64_t inode, int64_t *value)
{
	unsigned char buf[16];
	const char *err = NULL;
	struct stat st;
	ssize_t n;
	int fd = open_listed(dirfd, name, inode, &st, &err);

	if (fd < 0)
		return err;
	n = pread(fd, buf, sizeof(buf), 0);
	if (n < 0)
		err = probe_errname(errno);
	else if ((size_t)n < sizeof(buf) || posix_ipc_sem_value(buf, (size_t)n, value) < 0)
		err = "short file (not a sem_t)";
	close(fd);
	return err;
}

/* The /dev/shm/ mappings, sorted. Made at the first object found: the collector defers the
 * maps scan until someone needs it (proc_maps_ensure), so an empty /dev/shm costs no process
 * any maps read. */
static struct map_ref *shm_map_refs(struct probe_ctx *ctx, size_t *n_maps)
{
	struct map_ref *maps;

	proc_maps_ensure(ctx);
	maps = xcalloc(ctx->n_maps + 1, sizeof(*maps));
	*n_maps = 0;
	for (size_t i = 0; i < ctx->n_maps; i++) {
		const struct map_entry *e = &ctx->maps[i];

		if (e->path && strncmp(e->path, "/dev/shm/", 9) == 0)
			maps[(*n_maps)++] = (struct map_ref){ e->inode, e->dev, e->pid, e->path };
	}
	if (*n_maps > 1)
		qsort(maps, *n_maps, sizeof(*maps), cmp_map_ref);
	if (!ctx->maps_scanned)
		snapshot_add_error(ctx->snap, "posix shm mappings", "no maps scan");
	return maps;
}

static void collect_shm(struct probe_ctx *ctx)
{
	struct snapshot *s = ctx->snap;
	struct map_ref *maps = NULL;
	size_t n_maps = 0;
	int dirfd;
	DIR *dir;
	struct dirent *de;

	dirfd = probe_open_root_dir(ctx->rootfd, "dev/shm");
	if (dirfd < 0) {
		if (dirfd != -ENOENT)
			snapshot_add_error(s, "dev/shm", probe_errname(-dirfd));
		free(maps);
		return;
	}
	dir = fdopendir(dirfd);
	if (!dir) {
		close(dirfd);
		free(maps);
		return;
	}
	while ((de = readdir(dir))) {
		struct stat st;
		size_t n = 0;
		pid_t *pids;

		if (de->d_name[0] == '.')
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (!maps)
			maps = shm_map_refs(ctx, &n_maps);
		pids = ctx->maps_scanned ? mapped_pids(s, maps, n_maps, ctx->live, st.st_dev, st.st_ino,
						       de->d_name, &n) : NULL;
		if (strncmp(de->d_name, "sem.", 4) == 0 && de->d_name[4]) {
			int64_t value = SNAP_UNKNOWN;
			const char *err = read_sem(dirfd, de->d_name, st.st_ino, &value);
			struct psem_rec *m = snapshot_add_psem(s);

			m->name = snapshot_strdup(s, de->d_name + 4);
			m->inode = st.st_ino;
			m->value = err ? SNAP_UNKNOWN : value;
			m->mapped_pids = pids;
			m->n_mapped = n;
			m->error = mappers_may_be_missing(ctx, "psem", m->name);
			if (err) {	/* the value's reason comes first */
				m->error = snapshot_strdup(s, err);
				char esc[1024];

				snapshot_add_errorf(s, err, "psem:%s",
						    names_escape_id(m->name, esc, sizeof(esc)));
			}
		} else {
			struct pshm_rec *m = snapshot_add_pshm(s);

			m->name = snapshot_strdup(s, de->d_name);
			m->inode = st.st_ino;
			m->size = st.st_size;
			m->mapped_pids = pids;
			m->n_mapped = n;
			m->error = mappers_may_be_missing(ctx, "pshm", m->name);
		}
	}
	closedir(dir);
	free(maps);
}

/* ---- unlinked but still mapped /dev/shm objects ---------------------------------------------- */

/*
 * Whether /dev/shm may hold inodes its directory no longer names (unlinked, kept alive by a
 * mapping): tmpfs counts every live inode, the root included, so more inodes in use than
 * 1 + the entries listed means some are unlinked. Saves the maps scan on a machine without
 * shared memory. Not tmpfs (a --sysroot tree), or no inode limit: may (scan).
 */
static bool shm_may_hold_unlinked(int dirfd)
{
	struct statfs sf;
	DIR *dir;
	struct dirent *de;
	int fd = dup(dirfd);
	unsigned long long entries = 0;

	if (fd < 0 || fstatfs(fd, &sf) < 0 || sf.f_type != TMPFS_MAGIC || sf.f_files == 0 ||
	    !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return true;
	}
	while ((de = readdir(dir)))
		entries += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(dir);
	return (unsigned long long)(sf.f_files - sf.f_ffree) > 1 + entries;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * Objects of /dev/shm that were unlinked (shm_unlink, sem_unlink, or glibc's temporary
 * "sem.XXXXXX" of a semaphore never linked under a name) while processes still map them:
 * listed from their mappers' maps by inode (deleted = true, the name their maps show), with
 * every mapper. Never opened or mapped here: a semaphore's value stays unknown.
 */
static void collect_unlinked(struct probe_ctx *ctx)
{
	static const char why_value[] =
		"unlinked: not opened (its value is only in its mappers' memory)";
	static const char why_size[] = "unlinked: not opened (its size is not in the maps)";
	struct snapshot *s = ctx->snap;
	struct map_ref *refs;
	uint64_t *listed, shm_dev = 0;
	size_t n_refs = 0, n_listed = 0;
	struct stat st;
	int dirfd = openat(ctx->rootfd, "dev/shm", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dirfd < 0)
		return;		/* collect_shm said why */
	if (fstat(dirfd, &st) == 0)
		shm_dev = st.st_dev;
	if (!shm_may_hold_unlinked(dirfd)) {
		close(dirfd);
		return;
	}
	close(dirfd);
	proc_maps_ensure(ctx);
	if (!ctx->maps_scanned)
		return;		/* collect_shm or the source says why */

	refs = xcalloc(ctx->n_maps + 1, sizeof(*refs));
	for (size_t i = 0; i < ctx->n_maps; i++) {
		const struct map_entry *e = &ctx->maps[i];

		if (e->deleted && e->path && strncmp(e->path, "/dev/shm/", 9) == 0 && e->path[9] &&
		    (!ctx->live || e->dev == shm_dev))
			refs[n_refs++] = (struct map_ref){ e->inode, e->dev, e->pid, e->path };
	}
	if (!n_refs) {
		free(refs);
		return;
	}
	qsort(refs, n_refs, sizeof(*refs), cmp_map_ref);
	/* the objects the directory still names (a named semaphore's mappers show its
	 * temporary name as deleted, under the same inode) */
	listed = xcalloc(s->n_pshms + s->n_psems + 1, sizeof(*listed));
	for (size_t i = 0; i < s->n_pshms; i++)
		listed[n_listed++] = s->pshms[i].inode;
	for (size_t i = 0; i < s->n_psems; i++)
		listed[n_listed++] = s->psems[i].inode;
	qsort(listed, n_listed, sizeof(*listed), cmp_u64);

	for (size_t i = 0, j; i < n_refs; i = j) {
		const char *file = refs[i].path + 9;
		size_t n = 0;
		pid_t *pids;
		char id[64];

		for (j = i; j < n_refs && refs[j].inode == refs[i].inode; j++)
			;
		if (n_listed && bsearch(&refs[i].inode, listed, n_listed, sizeof(*listed), cmp_u64))
			continue;
		pids = mapped_pids(s, refs, n_refs, true, refs[i].dev, refs[i].inode, file, &n);
		if (strncmp(file, "sem.", 4) == 0 && file[4]) {
			struct psem_rec *m = snapshot_add_psem(s);

			m->name = snapshot_strdup(s, file + 4);
			m->inode = refs[i].inode;
			m->deleted = true;
			m->mapped_pids = pids;
			m->n_mapped = n;
			snprintf(id, sizeof(id), "psem:deleted/%llu", (unsigned long long)m->inode);
			mappers_may_be_missing(ctx, "psem", id + 5);
			m->error = why_value;
			snapshot_add_errorf(s, why_value, "%s value", id);
		} else {
			struct pshm_rec *m = snapshot_add_pshm(s);

			m->name = snapshot_strdup(s, file);
			m->inode = refs[i].inode;
			m->deleted = true;
			m->size = SNAP_UNKNOWN;	/* never opened: its size is not in the maps */
			m->mapped_pids = pids;
			m->n_mapped = n;
			snprintf(id, sizeof(id), "pshm:deleted/%llu", (unsigned long long)m->inode);
			mappers_may_be_missing(ctx, "pshm", id + 5);
			m->error = why_size;
			snapshot_add_errorf(s, why_size, "%s size", id);
		}
	}
	free(listed);
	free(refs);
}

int posix_ipc_collect(struct probe_ctx *ctx, void **state)
{
	(void)state;
	if (!ctx->fds_scanned)
		snapshot_add_error(ctx->snap, "posix mqueue holders", "no descriptor scan");
	collect_mqueues(ctx);
	collect_shm(ctx);
	collect_unlinked(ctx);
	return 0;
}
