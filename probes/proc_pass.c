/*
 * proc_pass.c - the parallel per-process read-ahead of proc_pass.h.
 *
 * Workers take the listed pids in small chunks from one atomic cursor (processes cost very
 * different amounts: a zombie nothing, a sleeping process four files), so they finish
 * together; the thread that calls proc_pass_finish() joins in. Each worker writes only the
 * entries it took and keeps their strings in its own arena; after the join every entry is
 * read-only. Nothing here touches the snapshot: errors are outcomes in the entries, reported
 * by the probe that uses them.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/proc_pass.h"
#include "probes/proc_table.h"
#include "src/arena.h"

#define PASS_WORKERS_MAX 8
#define PASS_CHUNK 8		/* pids taken per grab of the cursor */
#define PASS_SMALL 512		/* wchan, syscall: as proc_wait reads them */

struct pass_worker {
	struct proc_pass *pp;
	struct arena arena;
	char *buf;		/* proc_read_file's growable buffer */
	size_t cap;
	pthread_t thread;
	bool started;
};

struct proc_pass {
	int procfd;
	bool witness;
	const atomic_bool *cancel;	/* may be NULL */
	const struct proc_cache *cache;
	struct proc_pass_entry *e;	/* sorted by pid */
	size_t n;
	atomic_size_t cursor;
	struct pass_worker w[PASS_WORKERS_MAX + 1];	/* the last one: the finishing thread */
	size_t n_threads;
	bool finished;
};

/*
 * dirfd/name whole into *buf (grown up to max + 1 bytes; longer text is cut at max, as
 * proc_read_file cuts it), NUL-terminated. Returns 0 or -errno. Unlike proc_read_file it stops
 * at the first short read instead of reading again for end-of-file: /proc's status (one
 * seq_file record) and cmdline hand out everything that fits in one read, so a short read is
 * the end (fds.c's read_small relies on the same).
 */
static int read_text(int dirfd, const char *name, char **buf, size_t *cap, size_t max, size_t *len)
{
	int fd = probe_open_file(dirfd, name);
	size_t n = 0;

	if (fd < 0)
		return fd;
	if (!*buf || *cap < 4096) {
		*cap = 4096;
		*buf = xrealloc(*buf, *cap);
	}
	for (;;) {
		size_t want;
		ssize_t r;

		if (n + 1 >= *cap) {
			if (*cap >= max + 1)
				break;	/* cut at max */
			*cap = *cap * 2 > max + 1 ? max + 1 : *cap * 2;
			*buf = xrealloc(*buf, *cap);
		}
		want = *cap - 1 - n;
		r = read(fd, *buf + n, want);
		if (r < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			close(fd);
			return -err;
		}
		n += (size_t)r;
		if ((size_t)r < want)
			break;
	}
	close(fd);
	(*buf)[n] = '\0';
	*len = n;
	return 0;
}

/* One read of at most PASS_SMALL - 1 bytes, as proc_wait's own read_small. */
static void read_small_text(struct pass_worker *w, int dirfd, const char *name,
			    struct proc_pass_text *t)
{
	char buf[PASS_SMALL];
	int fd = probe_open_file(dirfd, name);
	ssize_t n;

	t->read = true;
	if (fd < 0) {
		t->rc = fd;
		return;
	}
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	t->rc = n < 0 ? -errno : 0;
	close(fd);
	if (n >= 0) {
		t->text = arena_strndup(&w->arena, buf, (size_t)n);
		t->len = (size_t)n;
	}
}

/* Reads the witnesses (schedstat; status's counters were parsed by the caller). */
static void witness(struct proc_pass_entry *e, int dirfd, const char *status, size_t status_len)
{
	char buf[PASS_SMALL];
	int fd;
	ssize_t n;

	e->w.valid = false;
	if (!(e->ss.have & PSF_STATE) || !(e->ss.have & PSF_THREADS) ||
	    !proc_cache_parse_switches(status, status_len, &e->w))
		return;
	e->w.state = e->ss.state;
	e->w.threads = e->ss.threads;
	e->ns_ok = proc_cache_parse_nsids(status, status_len, &e->nspgid, &e->nssid);
	fd = probe_open_file(dirfd, "schedstat");
	if (fd < 0)
		return;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	e->w.valid = n > 0 && proc_cache_parse_schedstat(buf, (size_t)n, &e->w);
}

static void do_one(struct pass_worker *w, struct proc_pass_entry *e)
{
	const struct proc_cache_entry *prev = NULL;
	char name[16];
	size_t len;
	int dirfd, rc;
	bool kthread, zombie;

	e->done = true;
	snprintf(name, sizeof(name), "%d", (int)e->pid);
	dirfd = openat(w->pp->procfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		e->status_rc = -errno;
		return;
	}
	rc = read_text(dirfd, "status", &w->buf, &w->cap, PROC_TABLE_STATUS_MAX, &len);
	e->status_rc = rc;
	if (rc < 0) {
		close(dirfd);
		return;
	}
	e->status_parse_rc = proc_status_parse(w->buf, len, &e->ss);
	kthread = (e->ss.have & PSF_KTHREAD) && e->ss.kthread;
	zombie = (e->ss.have & PSF_STATE) && e->ss.state == 'Z';
	if (w->pp->witness && !zombie) {
		/* kernel threads too: a quiescent one needs no stat (proc_table) */
		witness(e, dirfd, w->buf, len);
		prev = proc_cache_find(w->pp->cache, e->pid);
		if (proc_cache_quiescent(prev, &e->w) && prev->kthread == kthread)
			e->reuse = prev;
	}
	if (kthread || zombie) {
		close(dirfd);
		return;
	}
	e->cmdline.read = true;
	if (e->reuse && e->reuse->have_cmdline) {
		e->cmdline.text = e->reuse->cmdline;
		e->cmdline.len = strlen(e->reuse->cmdline);
	} else {
		rc = read_text(dirfd, "cmdline", &w->buf, &w->cap, PROC_TABLE_CMDLINE_MAX, &len);
		e->cmdline.rc = rc;
		if (rc == 0) {
			len = proc_cmdline_join(w->buf, len);
			e->cmdline.text = arena_strndup(&w->arena, w->buf, len);
			e->cmdline.len = len;
		}
	}
	if ((e->ss.have & PSF_STATE) && (e->ss.state == 'S' || e->ss.state == 'D')) {
		if (e->reuse && e->reuse->have_wait) {
			e->wchan = (struct proc_pass_text){ true, 0, e->reuse->wchan,
							    e->reuse->wchan_len };
			e->syscall = (struct proc_pass_text){ true, 0, e->reuse->syscall,
							      e->reuse->syscall_len };
		} else {
			read_small_text(w, dirfd, "wchan", &e->wchan);
			read_small_text(w, dirfd, "syscall", &e->syscall);
		}
	}
	close(dirfd);
}

static void *worker_run(void *arg)
{
	struct pass_worker *w = arg;
	struct proc_pass *pp = w->pp;

	for (;;) {
		size_t i = atomic_fetch_add(&pp->cursor, PASS_CHUNK);

		if (i >= pp->n ||
		    (pp->cancel && atomic_load_explicit(pp->cancel, memory_order_relaxed)))
			break;
		for (size_t j = i; j < i + PASS_CHUNK && j < pp->n; j++)
			do_one(w, &pp->e[j]);
	}
	return NULL;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct proc_pass_entry *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The numeric entries of <proc>, without self. Returns 0 or -errno. */
static int list_pids(struct proc_pass *pp, pid_t self)
{
	int dfd = openat(pp->procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t cap = 256;
	struct dirent *de;
	DIR *d;

	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		int err = errno;

		close(dfd);
		return -err;
	}
	pp->e = xcalloc(cap, sizeof(*pp->e));
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (de->d_name[0] < '1' || de->d_name[0] > '9' || *end || pid > 0x7fffffffL ||
		    (self && pid == self))
			continue;
		if (pp->n == cap) {
			cap *= 2;
			pp->e = xreallocarray(pp->e, cap, sizeof(*pp->e));
		}
		memset(&pp->e[pp->n], 0, sizeof(*pp->e));
		pp->e[pp->n++].pid = (pid_t)pid;
	}
	closedir(d);
	if (pp->n > 1)
		qsort(pp->e, pp->n, sizeof(*pp->e), cmp_entry);
	return 0;
}

/* Worker threads: one per online CPU (the caller's thread joins in too, once its own share
 * of the collection is done), none for a handful of processes. */
static size_t n_threads(size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t t = cpus > 0 ? (size_t)cpus : 1;

	if (t > PASS_WORKERS_MAX)
		t = PASS_WORKERS_MAX;
	while (t > 0 && n / (t + 1) < 32)
		t--;
	return t;
}

struct proc_pass *proc_pass_start(int procfd, pid_t self, bool witness, const atomic_bool *cancel,
				  const struct proc_cache *cache)
{
	struct proc_pass *pp = xcalloc(1, sizeof(*pp));

	pp->procfd = procfd;
	pp->witness = witness;
	pp->cancel = cancel;
	pp->cache = witness ? cache : NULL;
	atomic_init(&pp->cursor, 0);
	if (list_pids(pp, self) < 0) {
		free(pp->e);
		free(pp);
		return NULL;
	}
	for (size_t i = 0; i <= PASS_WORKERS_MAX; i++) {
		pp->w[i].pp = pp;
		arena_init(&pp->w[i].arena);
	}
	pp->n_threads = n_threads(pp->n);
	for (size_t i = 0; i < pp->n_threads; i++)
		pp->w[i].started =
			pthread_create(&pp->w[i].thread, NULL, worker_run, &pp->w[i]) == 0;
	return pp;
}

void proc_pass_finish(struct proc_pass *pp)
{
	if (!pp || pp->finished)
		return;
	/* the caller takes what is left, then waits for the others */
	worker_run(&pp->w[PASS_WORKERS_MAX]);
	for (size_t i = 0; i < pp->n_threads; i++)
		if (pp->w[i].started)
			pthread_join(pp->w[i].thread, NULL);
	pp->finished = true;
}

const struct proc_pass_entry *proc_pass_find(const struct proc_pass *pp, pid_t pid)
{
	size_t lo = 0, hi;

	if (!pp || !pp->finished)
		return NULL;
	hi = pp->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pp->e[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < pp->n && pp->e[lo].pid == pid && pp->e[lo].done ? &pp->e[lo] : NULL;
}

const struct proc_pass_entry *proc_pass_get(const struct proc_pass *pp, pid_t pid,
					    unsigned long long start_ticks)
{
	const struct proc_pass_entry *e = proc_pass_find(pp, pid);

	return e && e->reuse && e->reuse->start_ticks != start_ticks ? NULL : e;
}

const struct proc_cache_entry *proc_pass_reuse(const struct proc_pass *pp, pid_t pid,
					       unsigned long long start_ticks)
{
	const struct proc_pass_entry *e = proc_pass_find(pp, pid);

	return e && e->reuse && e->reuse->start_ticks == start_ticks ? e->reuse : NULL;
}

size_t proc_pass_count(const struct proc_pass *pp)
{
	return pp && pp->finished ? pp->n : 0;
}

const struct proc_pass_entry *proc_pass_at(const struct proc_pass *pp, size_t i)
{
	return &pp->e[i];
}

void proc_pass_free(struct proc_pass *pp)
{
	if (!pp)
		return;
	proc_pass_finish(pp);
	for (size_t i = 0; i <= PASS_WORKERS_MAX; i++) {
		arena_fini(&pp->w[i].arena);
		free(pp->w[i].buf);
	}
	free(pp->e);
	free(pp);
}
