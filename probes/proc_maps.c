/*
 * proc_maps.c - System V and /dev/shm mappings of every process, from /proc/<pid>/maps.
 *
 * The processes come from the proc_table probe that ran before (skipping kernel threads and
 * zombies, whose maps are empty); if it found none, the probe lists <root>/proc itself.
 * Each maps file is read once; only lines whose path starts with /SYSV or /dev/shm/ are
 * parsed in full, and only shared mappings count. A process gone meanwhile simply has no
 * entries; an unreadable maps file is "pid N maps" in errors (and counted in
 * ctx->maps_unreadable). ctx->maps_scanned tells later probes the list is meaningful.
 *
 * Live, as root, the mappings of every process that existed when the collection began come
 * from the BPF maps iterator's pass (probes/fd_iter.h: the same devices and inodes, shared
 * mappings only, and the same paths, which fd_iter_map_entry makes from the file's name and
 * <root>/dev/shm's device); otherwise, and for processes started since,
 * each process's shared file mappings come from the PROCMAP_QUERY ioctl (see below);
 * one worker per CPU reads them; a process that has not run since the last collection keeps
 * its mappings (probes/proc_cache.h).
 * In the collector the scan is deferred (proc_maps_defer): it runs the first time a probe
 * has an object whose users it needs (proc_maps_ensure: sysv_shm at its first segment,
 * posix_ipc at its first /dev/shm file), so a machine without shared memory objects never
 * pays for it, and the maps read are as recent as the object list they are matched against.
 * Called directly, proc_maps_collect scans at once.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "probes/collect.h"
#include "probes/fd_iter.h"
#include "probes/proc_maps.h"
#include "probes/proc_pass.h"
#include "probes/proc_table.h"

#define MAPS_MAX (64 * 1024 * 1024)

/* Hex number [*p, ...) up to a byte in stop (or end). Advances *p. */
static bool hex_field(const char **p, const char *e, char stop, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= e)
		return false;
	for (; s < e && *s != stop; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		if (v >> 60)
			return false;	/* more than 64 bits */
		v = (v << 4) | d;
	}
	if (s == *p || s >= e)
		return false;
	*out = v;
	*p = s + 1;
	return true;
}

int proc_maps_parse_line(const char *line, size_t len, struct proc_maps_line *out)
{
	static const char deleted[] = " (deleted)";
	const char *p = line, *e = line + len;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	if (len > 0 && e[-1] == '\n')
		e--;
	if (!hex_field(&p, e, '-', &out->start) || !hex_field(&p, e, ' ', &out->end))
		return -EBADMSG;
	if (e - p < 5 || p[4] != ' ')
		return -EBADMSG;
	memcpy(out->perms, p, 4);
	out->perms[4] = '\0';
	p += 5;
	if (!hex_field(&p, e, ' ', &out->offset))
		return -EBADMSG;
	if (!hex_field(&p, e, ':', &v) || v > 0xfff)
		return -EBADMSG;
	out->major = (unsigned)v;
	/* minor: up to the space before the inode */
	if (!hex_field(&p, e, ' ', &v) || v > 0xfffff)
		return -EBADMSG;
	out->minor = (unsigned)v;
	/* inode: decimal, then end of line or spaces and the path */
	v = 0;
	if (p >= e || *p < '0' || *p > '9')
		return -EBADMSG;
	for (; p < e && *p != ' '; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return -EBADMSG;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	out->inode = v;
	while (p < e && *p == ' ')
		p++;
	if (p < e) {
		size_t n = (size_t)(e - p);

		if (n > sizeof(deleted) - 1 &&
		    memcmp(e - (sizeof(deleted) - 1), deleted, sizeof(deleted) - 1) == 0) {
			out->deleted = true;
			n -= sizeof(deleted) - 1;
		}
		out->path = p;
		out->path_len = n;
	}
	return 0;
}

bool proc_maps_is_ipc_path(const char *path, size_t len)
{
	return (len > 5 && memcmp(path, "/SYSV", 5) == 0) ||
	       (len > 9 && memcmp(path, "/dev/shm/", 9) == 0);
}

/* ---- the scan ---------------------------------------------------------------------------- */

/*
 * Processes are read by one worker per CPU (the calling thread among them), taking them in
 * small chunks from one cursor; each keeps what it finds in its own arrays. The main thread
 * then merges the results in process order, so ctx->maps and the errors come out exactly as a
 * sequential scan would leave them.
 *
 * Live, each process is asked with the PROCMAP_QUERY ioctl on its maps file (Linux 6.11):
 * only file-backed shared mappings are returned, with their path, device and inode, so the
 * kernel never formats the process's other mappings as text. That is the same selection the
 * text below makes (a /SYSV or /dev/shm/ path of a shared "s" mapping). A kernel without the
 * ioctl answers ENOTTY once and every process is then read as text.
 */

/* <linux/fs.h> of Linux 6.11 (Debian 12's headers predate it): a stable ABI. */
struct pm_procmap_query {
	uint64_t size;
	uint64_t query_flags;
	uint64_t query_addr;
	uint64_t vma_start;
	uint64_t vma_end;
	uint64_t vma_flags;
	uint64_t vma_page_size;
	uint64_t vma_offset;
	uint64_t inode;
	uint32_t dev_major;
	uint32_t dev_minor;
	uint32_t vma_name_size;
	uint32_t build_id_size;
	uint64_t vma_name_addr;
	uint64_t build_id_addr;
};
#define PM_PROCMAP_QUERY _IOWR('f', 17, struct pm_procmap_query)
#define PM_QUERY_VMA_SHARED 0x08
#define PM_QUERY_COVERING_OR_NEXT_VMA 0x10
#define PM_QUERY_FILE_BACKED_VMA 0x20

#define PM_WORKERS_MAX 8
#define PM_CHUNK 8

/* What one process gave. */
struct pm_result {
	pid_t pid;
	const struct proc_rec *proc;	/* its record (NULL when listed from <proc>) */
	int err;		/* errno of an unreadable maps file, 0 otherwise */
	size_t malformed;	/* malformed IPC lines (one error each) */
	unsigned worker;	/* whose arrays hold its entries */
	size_t first, n;	/* its entries there */
};

struct pm_worker {
	struct pm_scan *scan;
	struct map_entry *maps;
	size_t n_maps, cap_maps;
	struct arena arena;	/* paths */
	struct pm_seen { uint32_t gen, idx; } *seen;	/* the current process's entries */
	size_t seen_mask, n_seen;
	uint32_t seen_gen;
	char *buf;
	size_t cap;
	pthread_t thread;
	bool started;
	unsigned id;
};

struct pm_scan {
	struct probe_ctx *ctx;
	struct pm_result *res;
	size_t n;
	atomic_size_t cursor;
	atomic_bool no_query;	/* PROCMAP_QUERY unsupported: text for everyone */
	const struct fd_iter_maps *table;	/* this collection's BPF pass, or NULL */
	unsigned long long ticks;		/* when it began (probes/fd_iter.h) */
	uint64_t shm_dev;			/* <root>/dev/shm's device (0: none), which
						 * names the pass's /dev/shm files */
	struct pm_worker w[PM_WORKERS_MAX + 1];
};

/*
 * One process may map the same object many times (and a hostile one tens of thousands of
 * distinct ones): its entries are de-duplicated through an open-addressing set of indices
 * into w->maps, keyed on (dev, inode, deleted, path), so each mapping costs O(1). A slot
 * belongs to the current process when its generation is the worker's (seen_begin starts a new
 * one: nothing is cleared between processes).
 */
static uint64_t map_key_hash(const struct map_entry *m)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a over the path */

	for (const unsigned char *p = (const unsigned char *)m->path; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h ^= (m->inode + 0x9e3779b97f4a7c15ULL) * 0xc2b2ae3d27d4eb4fULL;
	h ^= (m->dev + (m->deleted ? 0x165667b19e3779f9ULL : 0)) * 0x27d4eb2f165667c5ULL;
	return h ^ (h >> 29);
}

static bool same_map(const struct map_entry *a, const struct map_entry *b)
{
	return a->dev == b->dev && a->inode == b->inode && a->deleted == b->deleted &&
	       strcmp(a->path, b->path) == 0;
}

/* Forgets every entry in the set (a new process, or its entries taken back). */
static void seen_begin(struct pm_worker *w)
{
	w->n_seen = 0;
	if (++w->seen_gen == 0) {	/* wrapped: stale slots could match, clear them */
		if (w->seen)
			memset(w->seen, 0, (w->seen_mask + 1) * sizeof(*w->seen));
		w->seen_gen = 1;
	}
}

static void seen_put(struct pm_worker *w, uint64_t h, size_t idx)
{
	for (size_t at = h & w->seen_mask;; at = (at + 1) & w->seen_mask)
		if (w->seen[at].gen != w->seen_gen) {
			w->seen[at].gen = w->seen_gen;
			w->seen[at].idx = (uint32_t)idx;
			w->n_seen++;
			return;
		}
}

/* Room for one more at most half full: grows and puts the current process's entries back. */
static void seen_reserve(struct pm_worker *w, size_t first)
{
	size_t cap = w->seen ? w->seen_mask + 1 : 0;

	if ((w->n_seen + 1) * 2 <= cap)
		return;
	cap = cap ? cap * 2 : 256;
	free(w->seen);
	w->seen = xcalloc(cap, sizeof(*w->seen));
	w->seen_mask = cap - 1;
	w->seen_gen = 1;
	w->n_seen = 0;
	for (size_t i = first; i < w->n_maps; i++)
		seen_put(w, map_key_hash(&w->maps[i]), i);
}

static void add_map(struct pm_worker *w, size_t first, const struct map_entry *m)
{
	uint64_t h = map_key_hash(m);

	seen_reserve(w, first);
	for (size_t at = h & w->seen_mask; w->seen[at].gen == w->seen_gen;
	     at = (at + 1) & w->seen_mask)
		if (same_map(&w->maps[w->seen[at].idx], m))
			return;
	if (w->n_maps == w->cap_maps) {
		w->cap_maps = w->cap_maps ? w->cap_maps * 2 : 64;
		w->maps = xreallocarray(w->maps, w->cap_maps, sizeof(*w->maps));
	}
	w->maps[w->n_maps] = *m;
	seen_put(w, h, w->n_maps);
	w->n_maps++;
}

/* Records the IPC mappings found in one maps text. Only shared mappings ("s" in the perms)
 * count: a private copy-on-write mapping of a /dev/shm file does not share the object (the
 * ioctl path selects the same way). */
static void scan_text(struct pm_worker *w, struct pm_result *r, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *slash = memchr(p, '/', (size_t)(le - p));
		struct proc_maps_line ml;

		if (slash && proc_maps_is_ipc_path(slash, (size_t)(le - slash))) {
			if (proc_maps_parse_line(p, (size_t)(le - p), &ml) == 0 && ml.path == slash &&
			    proc_maps_is_ipc_path(ml.path, ml.path_len)) {
				struct map_entry m = {
					.pid = r->pid,
					.dev = makedev(ml.major, ml.minor),
					.inode = ml.inode,
					.path = arena_strndup(&w->arena, ml.path, ml.path_len),
					.deleted = ml.deleted,
				};

				if (ml.perms[3] == 's')
					add_map(w, r->first, &m);
			} else {
				r->malformed++;
			}
		}
		p = nl ? nl + 1 : end;
	}
}

/* Live: the shared file-backed mappings through PROCMAP_QUERY. Returns 0, -ENOTTY (no such
 * ioctl: use the text) or another -errno. */
static int scan_query(struct pm_worker *w, struct pm_result *r, int fd)
{
	static const char deleted[] = " (deleted)";
	char name[PATH_MAX + 16];
	uint64_t addr = 0;

	for (;;) {
		struct pm_procmap_query q = {
			.size = sizeof(q),
			.query_flags = PM_QUERY_COVERING_OR_NEXT_VMA | PM_QUERY_FILE_BACKED_VMA |
				       PM_QUERY_VMA_SHARED,
			.query_addr = addr,
			.vma_name_addr = (uint64_t)(uintptr_t)name,
			.vma_name_size = sizeof(name),
		};
		size_t n;

		if (ioctl(fd, PM_PROCMAP_QUERY, &q) < 0) {
			if (errno == ENOENT || errno == ESRCH)
				return 0;	/* no more (ESRCH: no memory any more) */
			return errno == ENOTTY || errno == EINVAL ? -ENOTTY : -errno;
		}
		if (q.vma_end <= addr)
			return -EIO;	/* the kernel went backwards: never loop */
		addr = q.vma_end;
		if (q.vma_name_size == 0)
			continue;
		name[sizeof(name) - 1] = '\0';
		n = strlen(name);
		if (!proc_maps_is_ipc_path(name, n))
			continue;
		{
			struct map_entry m = {
				.pid = r->pid,
				.dev = makedev(q.dev_major, q.dev_minor),
				.inode = q.inode,
				.deleted = n > sizeof(deleted) - 1 &&
					   strcmp(name + n - (sizeof(deleted) - 1), deleted) == 0,
			};

			if (m.deleted)
				n -= sizeof(deleted) - 1;
			m.path = arena_strndup(&w->arena, name, n);
			add_map(w, r->first, &m);
		}
	}
}

static void scan_pid(struct pm_worker *w, struct pm_result *r)
{
	struct probe_ctx *ctx = w->scan->ctx;
	char path[32];
	size_t len;
	int rc;

	r->worker = w->id;
	r->first = w->n_maps;
	seen_begin(w);
	/* the BPF pass has the mappings of every process that existed when it began */
	if (w->scan->table && r->proc && r->proc->start_ticks < w->scan->ticks) {
		const struct fd_iter_maps *t = w->scan->table;
		size_t first, n = fd_iter_maps_find(t, r->pid, &first);

		if (fd_iter_proc_refuses(r->pid)) {
			r->err = EACCES;	/* as /proc would */
			r->n = 0;
			return;
		}

		for (size_t i = first; i < first + n; i++) {
			char mpath[FD_ITER_MAP_PATH_MAX];
			struct map_entry m;
			int ok = fd_iter_map_entry(&t->recs[i], w->scan->shm_dev, &m, mpath,
						   sizeof(mpath));

			if (ok < 0)
				r->malformed++;
			if (ok <= 0)
				continue;
			m.path = arena_strdup(&w->arena, mpath);
			add_map(w, r->first, &m);
		}
		r->n = w->n_maps - r->first;
		return;
	}
	if (r->proc) {
		/* incremental (probes/proc_cache.h): a process that has not run since the last
		 * collection has the mappings it had then */
		const struct proc_cache_entry *ce = proc_pass_reuse(ctx->pass, r->pid,
								    r->proc->start_ticks);

		if (ce && ce->have_maps) {
			for (size_t i = 0; i < ce->n_maps; i++)
				add_map(w, r->first, &ce->maps[i]);
			r->n = w->n_maps - r->first;
			return;
		}
	}
	snprintf(path, sizeof(path), "%d/maps", (int)r->pid);
	if (ctx->live && !atomic_load(&w->scan->no_query)) {
		int fd = probe_open_file(ctx->procfd, path);

		rc = fd < 0 ? fd : scan_query(w, r, fd);
		if (fd >= 0)
			close(fd);
		if (rc == -ENOTTY) {
			atomic_store(&w->scan->no_query, true);
			w->n_maps = r->first;
			seen_begin(w);
		} else {
			goto done;
		}
	}
	rc = proc_read_file(ctx->procfd, path, &w->buf, &w->cap, MAPS_MAX, &len);
	if (rc == 0)
		scan_text(w, r, w->buf, len);
done:
	/* exited (ENOENT/ESRCH): it maps nothing any more */
	if (rc < 0 && rc != -ENOENT && rc != -ESRCH)
		r->err = -rc;
	r->n = w->n_maps - r->first;
}

static void *pm_worker_run(void *arg)
{
	struct pm_worker *w = arg;
	struct pm_scan *sc = w->scan;

	for (;;) {
		size_t i = atomic_fetch_add(&sc->cursor, PM_CHUNK);

		if (i >= sc->n)
			break;
		for (size_t j = i; j < i + PM_CHUNK && j < sc->n; j++)
			scan_pid(w, &sc->res[j]);
	}
	return NULL;
}

static size_t pm_threads(size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t t = cpus > 1 ? (size_t)cpus - 1 : 0;	/* and the calling thread */

	if (t > PM_WORKERS_MAX)
		t = PM_WORKERS_MAX;
	while (t > 0 && n / (t + 1) < 64)
		t--;
	return t;
}

/* Reads the maps of the n pids in res (in that order) into ctx->maps and the errors. */
static void scan_pids(struct probe_ctx *ctx, struct pm_result *res, size_t n)
{
	struct pm_scan *sc = xcalloc(1, sizeof(*sc));
	size_t nt = pm_threads(n);

	sc->ctx = ctx;
	sc->res = res;
	sc->n = n;
	if (ctx->live && ctx->iter) {
		const char *why = NULL;

		struct stat st;

		sc->table = fd_iter_pass_maps(ctx->iter, &why, &sc->ticks);
		/* without it /proc gives the same mappings: which way they were read */
		snapshot_set_source(ctx->snap, COLLECT_MAPS_ITER_SOURCE, sc->table != NULL, why);
		if (fstatat(ctx->rootfd, "dev/shm", &st, 0) == 0 && S_ISDIR(st.st_mode))
			sc->shm_dev = st.st_dev;
	}
	atomic_init(&sc->cursor, 0);
	atomic_init(&sc->no_query, false);
	for (unsigned i = 0; i <= PM_WORKERS_MAX; i++) {
		sc->w[i].scan = sc;
		sc->w[i].id = i;
		arena_init(&sc->w[i].arena);
	}
	for (size_t i = 0; i < nt; i++)
		sc->w[i].started =
			pthread_create(&sc->w[i].thread, NULL, pm_worker_run, &sc->w[i]) == 0;
	pm_worker_run(&sc->w[PM_WORKERS_MAX]);
	for (size_t i = 0; i < nt; i++)
		if (sc->w[i].started)
			pthread_join(sc->w[i].thread, NULL);

	for (size_t i = 0; i < n; i++) {
		const struct pm_result *r = &res[i];
		const struct pm_worker *w = &sc->w[r->worker];

		for (size_t j = 0; j < r->malformed; j++)
			snapshot_add_errorf(ctx->snap, "malformed", "pid %d maps", (int)r->pid);
		if (r->err) {
			snapshot_add_errorf(ctx->snap, probe_errname(r->err), "pid %d maps",
					    (int)r->pid);
			if (ctx->maps_unreadable++ == 0)
				ctx->maps_unreadable_err = r->err;
			continue;
		}
		for (size_t j = r->first; j < r->first + r->n; j++) {
			struct map_entry *m = probe_add_map(ctx);

			*m = w->maps[j];
			m->path = arena_strdup(&ctx->scratch, w->maps[j].path);
		}
	}
	for (unsigned i = 0; i <= PM_WORKERS_MAX; i++) {
		free(sc->w[i].maps);
		free(sc->w[i].buf);
		free(sc->w[i].seen);
		arena_fini(&sc->w[i].arena);
	}
	if (sc->table)
		fd_iter_pass_done(ctx->iter, FD_ITER_MAPS);
	free(sc);
}

static int scan_dir(struct probe_ctx *ctx, struct pm_result **res, size_t *n)
{
	int dfd = probe_open_dir(ctx->procfd, ".", O_RDONLY);
	size_t cap = 64;
	struct dirent *de;
	DIR *d;

	if (dfd < 0)
		return dfd;
	d = fdopendir(dfd);
	if (!d) {
		int err = errno;

		close(dfd);
		return -err;
	}
	*res = xcalloc(cap, sizeof(**res));
	while ((de = readdir(d)) != NULL) {
		char *endp;
		long pid = strtol(de->d_name, &endp, 10);

		if (de->d_name[0] < '1' || de->d_name[0] > '9' || *endp || pid > 0x7fffffffL ||
		    (ctx->self && pid == ctx->self))
			continue;
		if (*n == cap) {
			cap *= 2;
			*res = xreallocarray(*res, cap, sizeof(**res));
		}
		memset(&(*res)[*n], 0, sizeof(**res));
		(*res)[(*n)++].pid = (pid_t)pid;
	}
	closedir(d);
	return 0;
}

/* The scan itself: proc_table's processes, or <root>/proc's when it found none. */
static int scan_now(struct probe_ctx *ctx)
{
	const struct snapshot *s = ctx->snap;
	struct pm_result *res = NULL;
	size_t n = 0;
	int rc = 0;

	if (s->n_procs > 0) {
		res = xcalloc(s->n_procs, sizeof(*res));
		for (size_t i = 0; i < s->n_procs; i++) {
			const struct proc_rec *p = &s->procs[i];

			if (p->kthread || p->zombie || (ctx->self && p->pid == ctx->self))
				continue;
			res[n].proc = p;
			res[n++].pid = p->pid;
		}
	} else {
		rc = scan_dir(ctx, &res, &n);
	}
	if (rc == 0) {
		scan_pids(ctx, res, n);
		ctx->maps_scanned = true;
	}
	free(res);
	return rc;
}

int proc_maps_collect(struct probe_ctx *ctx, void **state)
{
	(void)state;
	ctx->maps_deferred = false;
	return ctx->maps_scanned ? 0 : scan_now(ctx);
}

int proc_maps_defer(struct probe_ctx *ctx, void **state)
{
	(void)state;
	if (!ctx->maps_scanned)
		ctx->maps_deferred = true;
	return 0;
}

void proc_maps_ensure(struct probe_ctx *ctx)
{
	int rc;

	if (!ctx->maps_deferred)
		return;
	ctx->maps_deferred = false;
	rc = scan_now(ctx);
	if (rc < 0)
		snapshot_set_source(ctx->snap, PROC_MAPS_SOURCE, false, probe_errname(-rc));
}

void proc_maps_fini(void *state)
{
	free(state);	/* nothing is kept between collections */
}
