/*
 * fd_iter.c - loads the BPF iterators (fd_iter.bpf.c, embedded at build time as a light
 * skeleton) and reads passes of them; checks the records and turns them into descriptor
 * entries and mappings.
 *
 * Loading runs the skeleton's loader in the kernel, which relocates the programs against the
 * kernel's own BTF (about 3 ms, no BTF parsed here), once per collector; every collection
 * after that is one read of records written in the kernel. The programs are unloaded when
 * the collector is freed, and by the kernel when ipctop exits.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "probes/bpf_load.h"
#include "probes/fd_iter.h"
#include "probes/fds.h"
#include "src/arena.h"

#define PIPEFS_MAGIC_ 0x50495045	/* <linux/magic.h> */
#define MQUEUE_MAGIC_ 0x19800202
#define ANON_INODE_FS_MAGIC_ 0x09041934

#ifdef HAVE_BPF
/* The light skeletons bpftool made of fd_iter.bpf.c and maps_iter.bpf.c (built into the build
 * directory): each the object and the loader the kernel runs. */
BPF_LSKEL_BEGIN
#include "probes/fd_iter.lskel.h"
#include "probes/maps_iter.lskel.h"
BPF_LSKEL_END

/* where one kind of pass is read: anonymous memory grown with mremap (moved, never copied),
 * so only the bytes a pass writes are resident, and no second copy is ever made */
struct pass_mem {
	char *buf;
	size_t cap;
};

/* Each iterator is its own skeleton, loaded on its own: one a verifier refuses costs only its
 * own pass. */
struct fd_iter {
	struct ipctop_fds_iter *fds;
	struct ipctop_maps_iter *maps;
	int link[FD_ITER_KINDS];	/* the iterator links, -1 when not loaded */
	struct pass_mem mem[FD_ITER_KINDS];
};

BPF_LOAD_OPS(ipctop_fds_iter)
BPF_LOAD_OPS(ipctop_maps_iter)

struct fd_iter *fd_iter_open(char why[FD_ITER_KINDS][BPF_LOAD_WHY_MAX])
{
	const char *off = bpf_load_disabled();
	struct fd_iter *it;

	if (off) {
		for (int k = 0; k < FD_ITER_KINDS; k++)
			snprintf(why[k], BPF_LOAD_WHY_MAX, "%s", off);
		return NULL;
	}
	it = xcalloc(1, sizeof(*it));
	it->link[FD_ITER_FDS] = it->link[FD_ITER_MAPS] = -1;
	it->fds = bpf_load(&ipctop_fds_iter_ops, "BPF descriptor iterator", why[FD_ITER_FDS],
			   BPF_LOAD_WHY_MAX);
	if (it->fds)
		it->link[FD_ITER_FDS] = it->fds->links.ipctop_fds_fd;
	it->maps = bpf_load(&ipctop_maps_iter_ops, "BPF mappings iterator", why[FD_ITER_MAPS],
			    BPF_LOAD_WHY_MAX);
	if (it->maps)
		it->link[FD_ITER_MAPS] = it->maps->links.ipctop_maps_fd;
	if (!it->fds && !it->maps) {
		free(it);
		return NULL;
	}
	return it;
}

/* Room for at least want more bytes after n. Returns false when the memory cannot grow. */
static bool reserve(struct pass_mem *m, size_t n, size_t want)
{
	size_t cap = m->cap ? m->cap : 256 * 1024;
	void *p;

	while (cap - n < want)
		cap *= 2;
	if (cap == m->cap)
		return true;
	p = m->buf ? mremap(m->buf, m->cap, cap, MREMAP_MAYMOVE)
		   : mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return false;
	m->buf = p;
	m->cap = cap;
	return true;
}

int fd_iter_read(struct fd_iter *it, enum fd_iter_kind kind, char **data, size_t *len)
{
	struct pass_mem *m = &it->mem[kind];
	union bpf_attr attr;
	size_t n = 0;
	int fd;

	if (it->link[kind] < 0)
		return -ENODEV;
	memset(&attr, 0, sizeof(attr));
	attr.iter_create.link_fd = (__u32)it->link[kind];
	fd = (int)syscall(__NR_bpf, BPF_ITER_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;

		if (!reserve(m, n, 64 * 1024)) {
			close(fd);
			return -ENOMEM;
		}
		r = read(fd, m->buf + n, m->cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;

			close(fd);
			return -err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*data = m->buf;
	*len = n;
	return 0;
}

void fd_iter_release(struct fd_iter *it, enum fd_iter_kind kind)
{
	if (it && it->mem[kind].buf)
		madvise(it->mem[kind].buf, it->mem[kind].cap, MADV_DONTNEED);
}

void fd_iter_close(struct fd_iter *it)
{
	if (!it)
		return;
	ipctop_fds_iter__destroy(it->fds);
	ipctop_maps_iter__destroy(it->maps);
	for (int k = 0; k < FD_ITER_KINDS; k++)
		if (it->mem[k].buf)
			munmap(it->mem[k].buf, it->mem[k].cap);
	free(it);
}

#else /* !HAVE_BPF */

struct fd_iter {
	int unused;
};

struct fd_iter *fd_iter_open(char why[FD_ITER_KINDS][BPF_LOAD_WHY_MAX])
{
	for (int k = 0; k < FD_ITER_KINDS; k++)
		snprintf(why[k], BPF_LOAD_WHY_MAX, "%s", BPF_LOAD_NOT_BUILT);
	return NULL;
}

int fd_iter_read(struct fd_iter *it, enum fd_iter_kind kind, char **data, size_t *len)
{
	(void)it;
	(void)kind;
	*data = NULL;
	*len = 0;
	return -ENOSYS;
}

void fd_iter_release(struct fd_iter *it, enum fd_iter_kind kind)
{
	(void)it;
	(void)kind;
}

void fd_iter_close(struct fd_iter *it)
{
	free(it);
}

#endif /* HAVE_BPF */

/* ---- the records of a pass --------------------------------------------------------------- */

/*
 * Both kinds of record begin with their magic and the process (tgid), and a pass lists them
 * process by process in ascending order (the kernel walks pids so). One set of functions
 * checks and indexes either kind: a pass's bytes must be whole records of that size, each
 * with that magic; they are sorted again only if the kernel's order was not kept.
 */
struct rec_kind {
	size_t size, align;
	__u32 magic;
	int (*cmp)(const void *, const void *);	/* the order within a pass */
	bool stable;				/* keep the order of equal records */
};

_Static_assert(offsetof(struct fd_iter_rec, tgid) == 4 && offsetof(struct fd_iter_map_rec, tgid) == 4,
	       "both records begin with magic, tgid");

static __u32 rec_magic(const char *r)
{
	__u32 v;

	memcpy(&v, r, sizeof(v));
	return v;
}

static __u32 rec_tgid(const char *r)
{
	__u32 v;

	memcpy(&v, r + 4, sizeof(v));
	return v;
}

static int cmp_fd_rec(const void *a, const void *b)
{
	const struct fd_iter_rec *x = a, *y = b;

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

static int cmp_map_rec(const void *a, const void *b)
{
	const struct fd_iter_map_rec *x = a, *y = b;

	return (x->tgid > y->tgid) - (x->tgid < y->tgid);
}

static const struct rec_kind fd_kind = {
	sizeof(struct fd_iter_rec), _Alignof(struct fd_iter_rec), FD_ITER_MAGIC, cmp_fd_rec, false
};
/* a process's mappings stay in address order */
static const struct rec_kind map_kind = {
	sizeof(struct fd_iter_map_rec), _Alignof(struct fd_iter_map_rec), FD_ITER_MAP_MAGIC,
	cmp_map_rec, true
};

/* Checks buf in place (aligned, whole records, every magic) and sorts it if need be:
 * 0 and *n, or -EBADMSG. */
static int recs_check(char *buf, size_t len, const struct rec_kind *k, size_t *n)
{
	bool sorted = true;

	*n = 0;
	if (len % k->size || (len && (uintptr_t)buf % k->align))
		return -EBADMSG;
	for (size_t off = 0; off < len; off += k->size) {
		if (rec_magic(buf + off) != k->magic)
			return -EBADMSG;
		if (off && k->cmp(buf + off - k->size, buf + off) > 0)
			sorted = false;
	}
	if (!sorted && !k->stable) {
		qsort(buf, len / k->size, k->size, k->cmp);
	} else if (!sorted) {
		/* insertion sort: stable, and linear for the nearly sorted passes it could see */
		char *t = xmalloc(k->size);

		for (size_t i = k->size; i < len; i += k->size)
			for (size_t j = i; j && k->cmp(buf + j - k->size, buf + j) > 0; j -= k->size) {
				memcpy(t, buf + j, k->size);
				memcpy(buf + j, buf + j - k->size, k->size);
				memcpy(buf + j - k->size, t, k->size);
			}
		free(t);
	}
	*n = len / k->size;
	return 0;
}

/* The same on an aligned copy of buf (which may be anywhere): the copy in *copy (NULL on
 * failure). */
static int recs_copy(const char *buf, size_t len, const struct rec_kind *k, void **copy, size_t *n)
{
	int rc;

	*copy = NULL;
	*n = 0;
	if (len % k->size)
		return -EBADMSG;
	*copy = xcalloc(len / k->size + 1, k->size);
	if (len)
		memcpy(*copy, buf, len);
	rc = recs_check(*copy, len, k, n);
	if (rc < 0) {
		free(*copy);
		*copy = NULL;
	}
	return rc;
}

/* The run of process pid's records among n sorted ones: *first and the count. */
static size_t recs_find(const void *recs, size_t n, const struct rec_kind *k, pid_t pid,
			size_t *first)
{
	const char *r = recs;
	size_t lo = 0, hi = n, end;

	*first = 0;
	if (pid <= 0)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rec_tgid(r + mid * k->size) < (__u32)pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < n && rec_tgid(r + end * k->size) == (__u32)pid; end++)
		;
	*first = lo;
	return end - lo;
}

int fd_iter_parse_inplace(char *buf, size_t len, struct fd_iter_table *out)
{
	int rc = recs_check(buf, len, &fd_kind, &out->n);

	out->recs = rc == 0 && out->n ? (struct fd_iter_rec *)(void *)buf : NULL;
	out->owned = false;
	return rc;
}

int fd_iter_parse(const char *buf, size_t len, struct fd_iter_table *out)
{
	void *copy;
	int rc = recs_copy(buf, len, &fd_kind, &copy, &out->n);

	out->recs = copy;
	out->owned = copy != NULL;
	return rc;
}

void fd_iter_table_free(struct fd_iter_table *t)
{
	if (t->owned)
		free(t->recs);
	t->recs = NULL;
	t->n = 0;
	t->owned = false;
}

size_t fd_iter_table_find(const struct fd_iter_table *t, pid_t pid, size_t *first)
{
	return recs_find(t->recs, t->n, &fd_kind, pid, first);
}

int fd_iter_maps_parse_inplace(char *buf, size_t len, struct fd_iter_maps *out)
{
	int rc = recs_check(buf, len, &map_kind, &out->n);

	out->recs = rc == 0 && out->n ? (struct fd_iter_map_rec *)(void *)buf : NULL;
	out->owned = false;
	return rc;
}

int fd_iter_maps_parse(const char *buf, size_t len, struct fd_iter_maps *out)
{
	void *copy;
	int rc = recs_copy(buf, len, &map_kind, &copy, &out->n);

	out->recs = copy;
	out->owned = copy != NULL;
	return rc;
}

void fd_iter_maps_free(struct fd_iter_maps *t)
{
	if (t->owned)
		free(t->recs);
	t->recs = NULL;
	t->n = 0;
	t->owned = false;
}

size_t fd_iter_maps_find(const struct fd_iter_maps *t, pid_t pid, size_t *first)
{
	return recs_find(t->recs, t->n, &map_kind, pid, first);
}

bool fd_iter_entry(const struct fd_iter_rec *r, long page_size, struct fd_entry *e,
		   char *link, size_t link_size, int64_t *queued, int64_t *capacity)
{
	unsigned fmode = (r->f_mode & 0x1 ? FD_MODE_READ : 0) | (r->f_mode & 0x2 ? FD_MODE_WRITE : 0);

	memset(e, 0, sizeof(*e));
	e->eventfd_count = SNAP_UNKNOWN;
	*queued = SNAP_UNKNOWN;
	*capacity = SNAP_UNKNOWN;
	if (link_size)
		link[0] = '\0';
	if (r->magic != FD_ITER_MAGIC || r->tgid == 0 || r->tgid > INT_MAX || r->fd > INT_MAX)
		return false;
	e->pid = (pid_t)r->tgid;
	e->fd = (int)r->fd;
	e->dev = makedev(r->s_dev >> 20, r->s_dev & 0xfffff);
	e->inode = r->ino;
	e->mode = fmode;
	if (r->s_magic == ANON_INODE_FS_MAGIC_ || (r->i_mode & S_IFMT) == 0) {
		/* as readlink says it: "anon_inode:[eventfd]" */
		size_t nlen = strnlen(r->name, sizeof(r->name));
		uint64_t ino;
		int w;

		if (nlen == 0 || nlen == sizeof(r->name))
			return false;
		w = snprintf(link, link_size, "anon_inode:%s", r->name);
		if (w < 0 || (size_t)w >= link_size ||
		    !fds_classify_link(link, (size_t)w, &e->type, &ino))
			return false;
		return true;
	}
	switch (r->i_mode & S_IFMT) {
	case S_IFSOCK:
		e->type = FDT_SOCKET;
		e->mode = FD_MODE_RDWR;
		break;
	case S_IFIFO:
		e->type = r->s_magic == PIPEFS_MAGIC_ ? FDT_PIPE : FDT_FIFO;
		if (r->pipe_queued >= 0 && r->pipe_slots > 0 && page_size > 0) {
			*queued = r->pipe_queued;
			*capacity = (int64_t)r->pipe_slots * page_size;
		}
		break;
	default:
		e->type = r->s_magic == MQUEUE_MAGIC_ ? FDT_MQUEUE : FDT_FILE;
		break;
	}
	return true;
}

/* ---- the IPC mappings ---------------------------------------------------------------------- */

int fd_iter_map_entry(const struct fd_iter_map_rec *r, uint64_t shm_dev, struct map_entry *m,
		      char *path, size_t path_size)
{
	size_t n = strnlen(r->name, sizeof(r->name));
	int w;

	memset(m, 0, sizeof(*m));
	if (path_size)
		path[0] = '\0';
	if (r->magic != FD_ITER_MAP_MAGIC || r->tgid == 0 || r->tgid > INT_MAX ||
	    n == 0 || n == sizeof(r->name) || memchr(r->name, '/', n) ||
	    (r->flags & ~(unsigned)(FD_ITER_MAP_SYSV | FD_ITER_MAP_TOP | FD_ITER_MAP_DELETED)) ||
	    !(r->flags & FD_ITER_MAP_SYSV) == !(r->flags & FD_ITER_MAP_TOP))
		return -1;
	m->pid = (pid_t)r->tgid;
	m->dev = makedev(r->s_dev >> 20, r->s_dev & 0xfffff);
	m->inode = r->ino;
	m->deleted = (r->flags & FD_ITER_MAP_DELETED) != 0;
	if (r->flags & FD_ITER_MAP_SYSV) {
		if (n <= 4 || memcmp(r->name, "SYSV", 4) != 0)
			return -1;
		w = snprintf(path, path_size, "/%s", r->name);
	} else {
		if (!shm_dev || m->dev != shm_dev)
			return 0;	/* a file on another tmpfs */
		w = snprintf(path, path_size, "/dev/shm/%s", r->name);
	}
	return w > 0 && (size_t)w < path_size ? 1 : -1;
}

/* ---- one collection's passes, read on a thread of their own -------------------------------- */

struct fd_iter_pass {
	bool tried;		/* the iterators were asked for once: it, or why not */
	struct fd_iter *it;
	char why[FD_ITER_KINDS][BPF_LOAD_WHY_MAX];	/* "" for a loaded iterator */
	const char *off;	/* static: why neither kind is read (pid namespace) */
	char why_buf[112];
	pthread_t thread;
	bool running;		/* the thread reads this collection's passes */
	bool fetched;		/* this collection's passes are read: rc, tables, ticks */
	bool skipped;		/* this collection asked for none */
	int rc[FD_ITER_KINDS];	/* 0, -ENODEV (no iterators: why), -EBADMSG or -errno */
	struct fd_iter_table fds;
	struct fd_iter_maps maps;
	unsigned long long ticks;
};

struct fd_iter_pass *fd_iter_pass_new(void)
{
	return xcalloc(1, sizeof(struct fd_iter_pass));
}

/* Now, in the unit of /proc/<pid>/stat's start time (clock ticks since boot). */
static unsigned long long boot_ticks_now(void)
{
	struct timespec ts;
	long hz = sysconf(_SC_CLK_TCK);
	unsigned long long h = (unsigned long long)(hz > 0 ? hz : 100);

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (unsigned long long)ts.tv_sec * h + (unsigned long long)ts.tv_nsec / (1000000000ULL / h);
}

bool fd_iter_proc_refuses(pid_t pid)
{
#ifdef SYS_kcmp
	if (syscall(SYS_kcmp, pid, pid, 0 /* KCMP_FILE */, 0, 0) < 0)
		return errno == EPERM || errno == EACCES;
#else
	(void)pid;
#endif
	return false;
}

static void *fetch(void *arg)
{
	struct fd_iter_pass *p = arg;
	char *data = NULL;
	size_t len = 0, first;

	if (!p->tried) {
		p->tried = true;
		p->it = fd_iter_open(p->why);
		if (p->it && !bpf_pid_ns_initial()) {
			fd_iter_close(p->it);
			p->it = NULL;
			p->off = BPF_PID_NS_OFF;
		}
	}
	p->fetched = true;
	if (!p->it) {
		p->rc[FD_ITER_FDS] = p->rc[FD_ITER_MAPS] = -ENODEV;
		return NULL;
	}
	p->ticks = boot_ticks_now();
	p->rc[FD_ITER_FDS] = fd_iter_read(p->it, FD_ITER_FDS, &data, &len);
	if (p->rc[FD_ITER_FDS] == 0)
		p->rc[FD_ITER_FDS] = fd_iter_parse_inplace(data, len, &p->fds);
	/* the iterators name processes by their pid in the kernel's first pid namespace: that
	 * is only this /proc's view when ipctop's own descriptors show up under its own pid */
	if (p->rc[FD_ITER_FDS] == 0 && fd_iter_table_find(&p->fds, getpid(), &first) == 0) {
		fd_iter_table_free(&p->fds);
		fd_iter_close(p->it);
		p->it = NULL;
		p->off = BPF_PID_NS_OFF;
		p->rc[FD_ITER_FDS] = p->rc[FD_ITER_MAPS] = -ENODEV;
		return NULL;
	}
	p->rc[FD_ITER_MAPS] = fd_iter_read(p->it, FD_ITER_MAPS, &data, &len);
	if (p->rc[FD_ITER_MAPS] == 0)
		p->rc[FD_ITER_MAPS] = fd_iter_maps_parse_inplace(data, len, &p->maps);
	return NULL;
}

static void join(struct fd_iter_pass *p)
{
	if (p->running) {
		pthread_join(p->thread, NULL);
		p->running = false;
	}
}

void fd_iter_pass_start(struct fd_iter_pass *p, bool wanted)
{
	join(p);		/* a pass left by a collection that stopped early */
	fd_iter_table_free(&p->fds);
	fd_iter_maps_free(&p->maps);
	p->fetched = false;
	p->skipped = !wanted;
	p->rc[FD_ITER_FDS] = p->rc[FD_ITER_MAPS] = 0;
	if (!wanted || (p->tried && !p->it))
		return;		/* not wanted, or not loadable: the users say why */
	p->running = pthread_create(&p->thread, NULL, fetch, p) == 0;
}

/* Waits for this collection's passes (reads them here if none was started); 0 or the rc of
 * kind with *why set. */
static int finish(struct fd_iter_pass *p, enum fd_iter_kind kind, const char **why)
{
	int rc;

	if (p->skipped) {
		*why = "off in this collection (most processes had not run since the last one: "
		       "what it read of them is kept, /proc is asked about the others)";
		return -ENODATA;
	}
	join(p);
	if (!p->fetched)
		fetch(p);
	rc = p->rc[kind];
	if (rc == -ENODEV)
		*why = p->off ? p->off : p->why[kind];
	else if (rc < 0) {
		snprintf(p->why_buf, sizeof(p->why_buf), "%s reading the BPF %s iterator",
			 rc == -EBADMSG ? "malformed records" : strerror(-rc),
			 kind == FD_ITER_FDS ? "descriptor" : "mappings");
		*why = p->why_buf;
	} else {
		*why = NULL;
	}
	return rc;
}

const struct fd_iter_table *fd_iter_pass_fds(struct fd_iter_pass *p, const char **why,
					     unsigned long long *ticks)
{
	int rc = finish(p, FD_ITER_FDS, why);

	*ticks = p->ticks;	/* set by the pass: read after it */
	return rc == 0 ? &p->fds : NULL;
}

const struct fd_iter_maps *fd_iter_pass_maps(struct fd_iter_pass *p, const char **why,
					     unsigned long long *ticks)
{
	int rc = finish(p, FD_ITER_MAPS, why);

	*ticks = p->ticks;
	return rc == 0 ? &p->maps : NULL;
}

void fd_iter_pass_done(struct fd_iter_pass *p, enum fd_iter_kind kind)
{
	if (kind == FD_ITER_FDS)
		fd_iter_table_free(&p->fds);
	else
		fd_iter_maps_free(&p->maps);
	fd_iter_release(p->it, kind);
}

void fd_iter_pass_free(struct fd_iter_pass *p)
{
	if (!p)
		return;
	join(p);
	fd_iter_table_free(&p->fds);
	fd_iter_maps_free(&p->maps);
	fd_iter_close(p->it);
	free(p);
}
