/*
 * fuzz_fd_iter.c - libFuzzer target for the BPF iterators' pure half (probes/fd_iter.h): the
 * input is the bytes of one pass, of either iterator (struct fd_iter_rec or struct
 * fd_iter_map_rec records, seeds from tests/fuzz/fd_iter_seeds.sh), and goes through both
 * halves.
 *
 * Descriptors: to fd_iter_parse as it is and at an odd address, every parsed record through
 * fd_iter_table_find and fd_iter_entry, and every whole record of the input (parsed or not)
 * through fd_iter_entry with a link buffer of a size the input picks.
 * Mappings: to fd_iter_maps_parse as it is and at an odd address, to fd_iter_maps_parse_inplace
 * on an aligned copy and at an odd address, every parsed record through fd_iter_maps_find and
 * fd_iter_map_entry, and every whole mapping record of the input through fd_iter_map_entry.
 *
 * Promises checked: parse returns 0 with exactly len / sizeof(record) records, each with the
 * magic, sorted by (pid, fd), or -EBADMSG with an empty table; the same at any alignment;
 * find returns each record's process as a run that contains it; an accepted entry has the
 * record's pid (> 0) and fd, a known type and mode, a terminated link that is empty or an
 * "anon_inode:" text, and a fill that is unknown, or known for pipes and FIFOs only with
 * 0 <= queued and capacity > 0; a refused one leaves the link terminated and the fill
 * unknown.
 * For mappings: the same for the parsers, the table sorted by pid with each process's records
 * in the input's order (a stable sort: checked against the input), in place the same table in
 * the caller's buffer (and -EBADMSG, the buffer untouched, at an odd address); an accepted
 * mapping has the record's pid (> 0), inode and device (12:20 split), no path pointer, and a
 * path length that is the terminated path's without a final " (deleted)" exactly when deleted,
 * starting with '/'; a refused one is all zero with length 0.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <sys/sysmacros.h>

#include "probes/fd_iter.h"
#include "probes/fds.h"
#include "tests/fuzz/fuzz.h"

#define REC sizeof(struct fd_iter_rec)
#define MREC sizeof(struct fd_iter_map_rec)

static int cmp(const struct fd_iter_rec *a, const struct fd_iter_rec *b)
{
	if (a->tgid != b->tgid)
		return a->tgid < b->tgid ? -1 : 1;
	return (a->fd > b->fd) - (a->fd < b->fd);
}

static void one_entry(const struct fd_iter_rec *r, long page, size_t link_size)
{
	char *link = fuzz_zeroed(link_size);	/* exactly link_size bytes: ASan sees overruns */
	struct fd_entry e;
	int64_t queued = 7, cap = 7;
	bool ok = fd_iter_entry(r, page, &e, link, link_size, &queued, &cap);

	if (link_size)
		FUZZ_CHECK(fuzz_terminated(link, link_size));
	if (!ok) {
		/* the link may hold a truncated text (a buffer too small): terminated, as above */
		FUZZ_CHECK(queued == SNAP_UNKNOWN && cap == SNAP_UNKNOWN);
		free(link);
		return;
	}
	FUZZ_CHECK(r->magic == FD_ITER_MAGIC);
	FUZZ_CHECK(e.pid > 0 && (uint32_t)e.pid == r->tgid);
	FUZZ_CHECK(e.fd >= 0 && (uint32_t)e.fd == r->fd);
	FUZZ_CHECK(e.type >= FDT_OTHER && e.type <= FDT_FILE);
	FUZZ_CHECK(e.mode <= FD_MODE_RDWR);
	FUZZ_CHECK(e.inode == r->ino);
	FUZZ_CHECK(e.target == NULL && e.fill == NULL && !e.fill_known);
	FUZZ_CHECK(e.eventfd_count == SNAP_UNKNOWN && !e.sigmask_known);
	if (link_size && link[0]) {
		FUZZ_CHECK(strncmp(link, "anon_inode:", 11) == 0 && strlen(link) > 11);
		FUZZ_CHECK(e.type != FDT_PIPE && e.type != FDT_SOCKET && e.type != FDT_FIFO);
	}
	if (queued == SNAP_UNKNOWN) {
		FUZZ_CHECK(cap == SNAP_UNKNOWN);
	} else {
		FUZZ_CHECK(e.type == FDT_PIPE || e.type == FDT_FIFO);
		FUZZ_CHECK(queued >= 0 && cap > 0 && cap % page == 0);
	}
	free(link);
}

static void check_table(const struct fd_iter_table *t, size_t size)
{
	FUZZ_CHECK(size % REC == 0 && t->n == size / REC);
	for (size_t i = 0; i < t->n; i++) {
		size_t first = 0, n;

		FUZZ_CHECK(t->recs[i].magic == FD_ITER_MAGIC);
		if (i > 0)
			FUZZ_CHECK(cmp(&t->recs[i - 1], &t->recs[i]) <= 0);
		n = fd_iter_table_find(t, (pid_t)t->recs[i].tgid, &first);
		if ((pid_t)t->recs[i].tgid > 0) {
			FUZZ_CHECK(n > 0 && first <= i && i < first + n && first + n <= t->n);
			FUZZ_CHECK(first == 0 || t->recs[first - 1].tgid != t->recs[i].tgid);
			FUZZ_CHECK(first + n == t->n || t->recs[first + n].tgid != t->recs[i].tgid);
		} else {
			FUZZ_CHECK(n == 0 && first == 0);
		}
		one_entry(&t->recs[i], 4096, 64);
	}
}

/* ---- the maps half ------------------------------------------------------------------------ */

static void one_map_entry(const struct fd_iter_map_rec *r, uint64_t shm_dev)
{
	struct map_entry m;
	char path[FD_ITER_MAP_PATH_MAX];
	size_t n = strnlen(r->name, sizeof(r->name));
	int rc;

	memset(&m, 0x5a, sizeof(m));
	memset(path, 0x5a, sizeof(path));
	rc = fd_iter_map_entry(r, shm_dev, &m, path, sizeof(path));
	FUZZ_CHECK(rc >= -1 && rc <= 1);
	FUZZ_CHECK(memchr(path, '\0', sizeof(path)) != NULL);	/* always terminated */
	if (rc < 0) {
		FUZZ_CHECK(r->magic != FD_ITER_MAP_MAGIC || r->tgid == 0 || r->tgid > INT_MAX ||
			   n == 0 || n == sizeof(r->name) || memchr(r->name, '/', n) ||
			   (r->flags & ~7u) ||
			   !(r->flags & FD_ITER_MAP_SYSV) == !(r->flags & FD_ITER_MAP_TOP) ||
			   ((r->flags & FD_ITER_MAP_SYSV) && (n <= 4 || memcmp(r->name, "SYSV", 4))));
		return;
	}
	FUZZ_CHECK(r->magic == FD_ITER_MAP_MAGIC);
	FUZZ_CHECK(m.pid > 0 && (uint32_t)m.pid == r->tgid);
	FUZZ_CHECK(m.inode == r->ino);
	FUZZ_CHECK(major(m.dev) == r->s_dev >> 20 && minor(m.dev) == (r->s_dev & 0xfffff));
	FUZZ_CHECK(m.path == NULL);
	FUZZ_CHECK(m.deleted == ((r->flags & FD_ITER_MAP_DELETED) != 0));
	if (rc == 0) {
		FUZZ_CHECK(!(r->flags & FD_ITER_MAP_SYSV) && (!shm_dev || m.dev != shm_dev));
		return;
	}
	if (r->flags & FD_ITER_MAP_SYSV)
		FUZZ_CHECK(path[0] == '/' && strcmp(path + 1, r->name) == 0);
	else
		FUZZ_CHECK(m.dev == shm_dev && strncmp(path, "/dev/shm/", 9) == 0 &&
			   strcmp(path + 9, r->name) == 0);
}

/* t: the parse of the records in (n of them, as the input holds them). */
static void check_maps(const struct fd_iter_maps *t, const struct fd_iter_map_rec *in, size_t n)
{
	FUZZ_CHECK(t->n == n);
	for (size_t i = 0; i < t->n; i++) {
		size_t first = 0, k;

		FUZZ_CHECK(t->recs[i].magic == FD_ITER_MAP_MAGIC);
		if (i > 0)
			FUZZ_CHECK(t->recs[i - 1].tgid <= t->recs[i].tgid);
		k = fd_iter_maps_find(t, (pid_t)t->recs[i].tgid, &first);
		if ((pid_t)t->recs[i].tgid > 0) {
			FUZZ_CHECK(k > 0 && first <= i && i < first + k && first + k <= t->n);
			FUZZ_CHECK(first == 0 || t->recs[first - 1].tgid != t->recs[i].tgid);
			FUZZ_CHECK(first + k == t->n || t->recs[first + k].tgid != t->recs[i].tgid);
		} else {
			FUZZ_CHECK(k == 0 && first == 0);
		}
		one_map_entry(&t->recs[i], makedev(0, 1 + (i & 1)));
	}
	/* stable: each process's records are the input's records of that pid, in order */
	for (size_t i = 0; i < t->n;) {
		uint32_t pid = t->recs[i].tgid;
		size_t j = 0;

		for (size_t x = 0; x < n; x++)
			if (in[x].tgid == pid) {
				FUZZ_CHECK(i + j < t->n &&
					   memcmp(&t->recs[i + j], &in[x], MREC) == 0);
				j++;
			}
		FUZZ_CHECK(j > 0);
		i += j;
	}
}

static void fuzz_maps(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);	/* malloc: aligned for the records */
	char *odd = malloc(size + 1);
	size_t n = size / MREC;
	struct fd_iter_map_rec *in = calloc(n + 1, MREC);	/* the input, aligned */
	struct fd_iter_maps t, u, v;
	int rc, rc2, rc3;

	if (!odd || !in)
		abort();
	memcpy(odd + 1, data, size);
	if (n)
		memcpy(in, data, n * MREC);
	rc = fd_iter_maps_parse(buf, size, &t);
	FUZZ_CHECK(rc == 0 || rc == -EBADMSG);
	if (rc == 0) {
		FUZZ_CHECK(size % MREC == 0 && (t.n == 0 || t.owned));
		check_maps(&t, in, n);
	} else {
		FUZZ_CHECK(t.n == 0 && t.recs == NULL && !t.owned);
		FUZZ_CHECK(fd_iter_maps_find(&t, 1, &(size_t){ 0 }) == 0);
	}
	/* the same bytes at an odd address: the same table */
	rc2 = fd_iter_maps_parse(odd + 1, size, &u);
	FUZZ_CHECK(rc2 == rc && u.n == t.n);
	if (t.n)
		FUZZ_CHECK(memcmp(t.recs, u.recs, t.n * MREC) == 0);
	fd_iter_maps_free(&u);
	/* in place on an aligned buffer: the same table, in that buffer */
	rc3 = fd_iter_maps_parse_inplace(buf, size, &v);
	FUZZ_CHECK(rc3 == rc && v.n == t.n && !v.owned);
	if (v.n) {
		FUZZ_CHECK((char *)v.recs == buf);
		FUZZ_CHECK(memcmp(t.recs, v.recs, t.n * MREC) == 0);
	} else {
		FUZZ_CHECK(v.recs == NULL);
	}
	fd_iter_maps_free(&v);
	/* in place at an odd address: refused whole records, the bytes untouched */
	rc3 = fd_iter_maps_parse_inplace(odd + 1, size, &v);
	if (n && size % MREC == 0)
		FUZZ_CHECK(rc3 == -EBADMSG && v.n == 0 && v.recs == NULL);
	else
		FUZZ_CHECK(rc3 == rc && v.n == 0);
	FUZZ_CHECK(size == 0 || memcmp(odd + 1, data, size) == 0);
	fd_iter_maps_free(&v);
	fd_iter_maps_free(&t);
	FUZZ_CHECK(t.recs == NULL && t.n == 0);

	/* every whole mapping record of the input as it is, magic or not */
	for (size_t i = 0; i < n; i++)
		one_map_entry(&in[i], makedev(in[i].s_dev >> 20, in[i].s_dev & 0xfffff));
	free(in);
	free(odd);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	char *odd = malloc(size + 1);
	struct fd_iter_table t, u;
	int rc, rc2;

	if (!odd)
		abort();
	memcpy(odd + 1, data, size);
	rc = fd_iter_parse(buf, size, &t);
	FUZZ_CHECK(rc == 0 || rc == -EBADMSG);
	if (rc == 0) {
		check_table(&t, size);
	} else {
		FUZZ_CHECK(t.n == 0 && t.recs == NULL);
		FUZZ_CHECK(fd_iter_table_find(&t, 1, &(size_t){ 0 }) == 0);
	}
	/* the same bytes at an odd address: the same table */
	rc2 = fd_iter_parse(odd + 1, size, &u);
	FUZZ_CHECK(rc2 == rc && u.n == t.n);
	if (t.n)
		FUZZ_CHECK(memcmp(t.recs, u.recs, t.n * REC) == 0);
	fd_iter_table_free(&t);
	fd_iter_table_free(&u);
	FUZZ_CHECK(t.recs == NULL && t.n == 0);

	/* every whole record of the input as it is, magic or not; the link buffer's size and
	 * the page size from the input's first bytes */
	for (size_t off = 0; off + REC <= size; off += REC) {
		struct fd_iter_rec r;
		size_t link_size = size ? data[0] % 48 : 0;
		long page = size > 1 && data[1] % 2 ? 65536 : 4096;

		memcpy(&r, data + off, REC);
		one_entry(&r, page, link_size);
		one_entry(&r, page, 64);
	}
	free(odd);
	free(buf);
	fuzz_maps(data, size);
	return 0;
}
