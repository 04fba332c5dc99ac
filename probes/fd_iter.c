/*
 * fd_iter.c - loads the BPF task-file iterator (fd_iter.bpf.c, embedded at build time) and
 * reads one pass of it; checks the records and turns one into a descriptor entry.
 *
 * Loading costs a parse of the kernel's BTF (about 10 ms), once per collector; every
 * collection after that is one read of records written in the kernel. The program is
 * unloaded when the collector is freed, and by the kernel when ipctop exits.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifdef HAVE_BPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#endif

#include "probes/fd_iter.h"
#include "probes/fds.h"
#include "src/arena.h"

#define PIPEFS_MAGIC_ 0x50495045	/* <linux/magic.h> */
#define MQUEUE_MAGIC_ 0x19800202
#define ANON_INODE_FS_MAGIC_ 0x09041934

#ifdef HAVE_BPF
extern const unsigned char fd_iter_bpf_obj[];
extern const size_t fd_iter_bpf_obj_len;

struct fd_iter {
	struct bpf_object *obj;
	struct bpf_link *link;
	/* where passes are read: anonymous memory grown with mremap (moved, never copied),
	 * so only the bytes a pass writes are resident, and no second copy is ever made */
	char *buf;
	size_t cap;
};

/* libbpf explains failures on stderr by default: ipctop says why in its sources instead */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static const char *load_reason(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return "EPERM: loading the BPF descriptor iterator needs CAP_BPF and CAP_PERFMON";
	case ENOSYS:
		return "ENOSYS: this kernel has no bpf() system call";
	case ENOENT:
	case ESRCH:
		return "ENOENT: this kernel has no BTF (/sys/kernel/btf/vmlinux) or no task-file "
		       "iterator";
	case EINVAL:
		return "EINVAL: the kernel refused the BPF descriptor iterator";
	}
	return "the BPF descriptor iterator could not be loaded";
}

struct fd_iter *fd_iter_open(const char **why)
{
	const char *off = getenv("IPCTOP_NO_BPF");
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "ipctop_fds");
	struct fd_iter *it;
	struct bpf_program *prog;
	int err;

	if (off && *off && strcmp(off, "0") != 0) {
		*why = "off (IPCTOP_NO_BPF is set)";
		return NULL;
	}
	libbpf_set_print(quiet);
	it = xcalloc(1, sizeof(*it));
	it->obj = bpf_object__open_mem(fd_iter_bpf_obj, fd_iter_bpf_obj_len, &opts);
	if (!it->obj) {
		*why = "the embedded BPF object is unreadable";
		free(it);
		return NULL;
	}
	err = bpf_object__load(it->obj);
	if (err) {
		*why = load_reason(-err);
		goto fail;
	}
	prog = bpf_object__find_program_by_name(it->obj, "ipctop_fds");
	it->link = prog ? bpf_program__attach_iter(prog, NULL) : NULL;
	if (!it->link) {
		*why = load_reason(errno);
		goto fail;
	}
	*why = NULL;
	return it;
fail:
	bpf_object__close(it->obj);
	free(it);
	return NULL;
}

/* Room for at least want more bytes after n. Returns false when the memory cannot grow. */
static bool reserve(struct fd_iter *it, size_t n, size_t want)
{
	size_t cap = it->cap ? it->cap : 1024 * 1024;
	void *p;

	while (cap - n < want)
		cap *= 2;
	if (cap == it->cap)
		return true;
	p = it->buf ? mremap(it->buf, it->cap, cap, MREMAP_MAYMOVE)
		    : mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return false;
	it->buf = p;
	it->cap = cap;
	return true;
}

int fd_iter_read(struct fd_iter *it, char **data, size_t *len)
{
	int fd = bpf_iter_create(bpf_link__fd(it->link));
	size_t n = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;

		if (!reserve(it, n, 64 * 1024)) {
			close(fd);
			return -ENOMEM;
		}
		r = read(fd, it->buf + n, it->cap - n);
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
	*data = it->buf;
	*len = n;
	return 0;
}

void fd_iter_release(struct fd_iter *it)
{
	if (it && it->buf)
		madvise(it->buf, it->cap, MADV_DONTNEED);
}

void fd_iter_close(struct fd_iter *it)
{
	if (!it)
		return;
	bpf_link__destroy(it->link);
	bpf_object__close(it->obj);
	if (it->buf)
		munmap(it->buf, it->cap);
	free(it);
}

#else /* !HAVE_BPF */

struct fd_iter {
	int unused;
};

struct fd_iter *fd_iter_open(const char **why)
{
	*why = "off (ipctop was built without BPF: configure found no libbpf or clang)";
	return NULL;
}

int fd_iter_read(struct fd_iter *it, char **data, size_t *len)
{
	(void)it;
	*data = NULL;
	*len = 0;
	return -ENOSYS;
}

void fd_iter_release(struct fd_iter *it)
{
	(void)it;
}

void fd_iter_close(struct fd_iter *it)
{
	free(it);
}

#endif /* HAVE_BPF */

static int cmp_rec(const void *a, const void *b)
{
	const struct fd_iter_rec *x = a, *y = b;

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

int fd_iter_parse_inplace(char *buf, size_t len, struct fd_iter_table *out)
{
	size_t n = len / sizeof(struct fd_iter_rec);
	struct fd_iter_rec *recs = (struct fd_iter_rec *)(void *)buf;
	bool sorted = true;

	out->recs = NULL;
	out->n = 0;
	out->owned = false;
	if (len % sizeof(struct fd_iter_rec) || (n && ((uintptr_t)buf % _Alignof(struct fd_iter_rec))))
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		if (recs[i].magic != FD_ITER_MAGIC)
			return -EBADMSG;
		if (i > 0 && cmp_rec(&recs[i - 1], &recs[i]) > 0)
			sorted = false;
	}
	/* the kernel walks processes and descriptors in ascending order: sorting is a guard */
	if (!sorted)
		qsort(recs, n, sizeof(*recs), cmp_rec);
	out->recs = n ? recs : NULL;
	out->n = n;
	return 0;
}

int fd_iter_parse(const char *buf, size_t len, struct fd_iter_table *out)
{
	size_t n = len / sizeof(struct fd_iter_rec);
	struct fd_iter_rec *copy;
	int rc;

	out->recs = NULL;
	out->n = 0;
	out->owned = false;
	if (len % sizeof(struct fd_iter_rec))
		return -EBADMSG;
	copy = xcalloc(n + 1, sizeof(*copy));
	if (n)
		memcpy(copy, buf, n * sizeof(*copy));	/* buf need not be aligned */
	rc = fd_iter_parse_inplace((char *)copy, n * sizeof(*copy), out);
	if (rc < 0) {
		free(copy);
		return rc;
	}
	out->recs = copy;
	out->owned = true;
	return 0;
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
	size_t lo = 0, hi = t->n, end;

	*first = 0;
	if (pid <= 0)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->recs[mid].tgid < (__u32)pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < t->n && t->recs[end].tgid == (__u32)pid; end++)
		;
	*first = lo;
	return end - lo;
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
