/*
 * test_proc_maps.c - the /proc/<pid>/maps line parser on inline text, and the proc_maps probe
 * on fixture trees (its ctx->maps list, and attached_pids through the whole collector).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "probes/collect.h"
#include "probes/proc_maps.h"
#include "probes/proc_table.h"
#include "src/snapshot.h"
#include "tests/unit/testmain.h"

static void test_parse_sysv(void)
{
	static const char l[] = "7f40bca39000-7f40bca3b000 rw-s 00000000 00:01 2"
				"                          /SYSV00000000 (deleted)\n";
	struct proc_maps_line m;

	CU_ASSERT_EQUAL(proc_maps_parse_line(l, strlen(l), &m), 0);
	CU_ASSERT_EQUAL(m.start, 0x7f40bca39000ULL);
	CU_ASSERT_EQUAL(m.end, 0x7f40bca3b000ULL);
	CU_ASSERT_STRING_EQUAL(m.perms, "rw-s");
	CU_ASSERT_EQUAL(m.offset, 0u);
	CU_ASSERT_EQUAL(m.major, 0u);
	CU_ASSERT_EQUAL(m.minor, 1u);
	CU_ASSERT_EQUAL(m.inode, 2u);
	CU_ASSERT_TRUE(m.deleted);
	CU_ASSERT_EQUAL(m.path_len, strlen("/SYSV00000000"));
	CU_ASSERT_EQUAL(memcmp(m.path, "/SYSV00000000", m.path_len), 0);
	CU_ASSERT_TRUE(proc_maps_is_ipc_path(m.path, m.path_len));
}

static void test_parse_others(void)
{
	static const char shm[] = "7f0000000000-7f0000001000 rw-s 00001000 fd:1a 123456789 "
				  "   /dev/shm/sem.my name (deleted)";
	static const char anon[] = "7ffd6e9d2000-7ffd6e9f3000 rw-p 00000000 00:00 0 ";
	static const char heap[] = "55d0c9f1b000-55d0c9f3c000 rw-p 00000000 00:00 0          [heap]\n";
	static const char lib[] = "7f1c2d400000-7f1c2d428000 r--p 00000000 08:01 1311 "
				  "/usr/lib/x86_64-linux-gnu/libc.so.6\n";
	struct proc_maps_line m;

	CU_ASSERT_EQUAL(proc_maps_parse_line(shm, strlen(shm), &m), 0);
	CU_ASSERT_EQUAL(m.major, 0xfdu);
	CU_ASSERT_EQUAL(m.minor, 0x1au);
	CU_ASSERT_EQUAL(m.offset, 0x1000u);
	CU_ASSERT_EQUAL(m.inode, 123456789u);
	CU_ASSERT_TRUE(m.deleted);
	CU_ASSERT_EQUAL(m.path_len, strlen("/dev/shm/sem.my name"));
	CU_ASSERT_EQUAL(memcmp(m.path, "/dev/shm/sem.my name", m.path_len), 0);
	CU_ASSERT_TRUE(proc_maps_is_ipc_path(m.path, m.path_len));

	CU_ASSERT_EQUAL(proc_maps_parse_line(anon, strlen(anon), &m), 0);
	CU_ASSERT_EQUAL(m.path_len, 0u);
	CU_ASSERT_PTR_NULL(m.path);
	CU_ASSERT_FALSE(m.deleted);

	CU_ASSERT_EQUAL(proc_maps_parse_line(heap, strlen(heap), &m), 0);
	CU_ASSERT_FALSE(proc_maps_is_ipc_path(m.path, m.path_len));
	CU_ASSERT_EQUAL(proc_maps_parse_line(lib, strlen(lib), &m), 0);
	CU_ASSERT_FALSE(m.deleted);
	CU_ASSERT_FALSE(proc_maps_is_ipc_path(m.path, m.path_len));
	CU_ASSERT_FALSE(proc_maps_is_ipc_path("/dev/shm/", 9));	/* the directory itself */
	CU_ASSERT_FALSE(proc_maps_is_ipc_path("/home/u/dev/shm/x", 17));
}

static void test_parse_malformed(void)
{
	static const char *const bad[] = {
		"",
		"7f40bca39000-7f40bca3b000",					/* truncated */
		"7f40bca39000-7f40bca3b000 rw-s 00000000 00:01",		/* no inode */
		"7f40bca39000-7f40bca3b000 rw-s 00000000 00:01 x2 /SYSV00000000",/* word inode */
		"zzzz-7f40bca3b000 rw-s 00000000 00:01 2 /SYSV00000000",	/* not hex */
		"7f40bca39000 rw-s 00000000 00:01 2 /SYSV00000000",		/* no range */
		"7f40bca39000-7f40bca3b000 rw 00000000 00:01 2 /SYSV00000000",	/* perms */
		"7f40bca39000-7f40bca3b000 rw-s 00000000 0001 2 /SYSV00000000",	/* dev */
		"17f40bca39000000000-7f40bca3b000 rw-s 0 00:01 2 /SYSV0",	/* > 64 bits */
		"7f40bca39000-7f40bca3b000 rw-s 00000000 00:01 99999999999999999999999 /SYSV0",
	};
	struct proc_maps_line m;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = proc_maps_parse_line(bad[i], strlen(bad[i]), &m);

		if (rc != -EBADMSG)
			fprintf(stderr, "accepted bad maps line %zu: %s\n", i, bad[i]);
		CU_ASSERT_EQUAL(rc, -EBADMSG);
	}
}

/* Runs proc_table then proc_maps on a fixture, the way the collector does. */
struct run {
	struct probe_ctx ctx;
	void *st_table, *st_maps;
};

static void run_probes(struct run *r, const char *scenario)
{
	memset(r, 0, sizeof(*r));
	r->ctx.snap = snapshot_new();
	r->ctx.rootfd = open(test_fixture(scenario), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CU_ASSERT_FATAL(r->ctx.rootfd >= 0);
	r->ctx.procfd = openat(r->ctx.rootfd, "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CU_ASSERT_FATAL(r->ctx.procfd >= 0);
	arena_init(&r->ctx.scratch);
	CU_ASSERT_EQUAL(proc_table_collect(&r->ctx, &r->st_table), 0);
	CU_ASSERT_EQUAL(proc_maps_collect(&r->ctx, &r->st_maps), 0);
	CU_ASSERT_TRUE(r->ctx.maps_scanned);
}

static void run_free(struct run *r)
{
	proc_table_fini(r->st_table);
	proc_maps_fini(r->st_maps);
	free(r->ctx.maps);
	free(r->ctx.fds);
	arena_fini(&r->ctx.scratch);
	snapshot_unref(r->ctx.snap);
	close(r->ctx.procfd);
	close(r->ctx.rootfd);
}

static const struct map_entry *find_map(const struct probe_ctx *ctx, pid_t pid, uint64_t inode)
{
	for (size_t i = 0; i < ctx->n_maps; i++)
		if (ctx->maps[i].pid == pid && ctx->maps[i].inode == inode)
			return &ctx->maps[i];
	return NULL;
}

static bool has_error(const struct snapshot *s, const char *where, const char *error)
{
	for (size_t i = 0; i < s->n_errors; i++)
		if (strcmp(s->errors[i].where, where) == 0 && strcmp(s->errors[i].error, error) == 0)
			return true;
	return false;
}

static void test_probe_basic(void)
{
	struct run r;
	const struct map_entry *m;

	run_probes(&r, "sysv-basic");
	/* recorded: 13159 maps segments 4 and 5, 13160 maps segment 4; nothing else */
	CU_ASSERT_EQUAL(r.ctx.n_maps, 3u);
	m = find_map(&r.ctx, 13159, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(m->path, "/SYSV00000000");
	CU_ASSERT_TRUE(m->deleted);
	CU_ASSERT_EQUAL(m->dev, makedev(0, 1));
	m = find_map(&r.ctx, 13159, 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(m->path, "/SYSV00005eed");
	CU_ASSERT_PTR_NOT_NULL(find_map(&r.ctx, 13160, 4));
	CU_ASSERT_EQUAL(r.ctx.snap->n_errors, 0u);
	run_free(&r);
}

static void test_probe_malformed(void)
{
	struct run r;
	const struct map_entry *m;
	size_t n105 = 0;

	run_probes(&r, "sysv-malformed");
	for (size_t i = 0; i < r.ctx.n_maps; i++)
		n105 += r.ctx.maps[i].pid == 105;
	/* segment 4 (recorded lines), /dev/shm/demo_shm, sem.XyZ123, segment 77 once */
	CU_ASSERT_EQUAL(n105, 4u);
	m = find_map(&r.ctx, 105, 1234);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(m->path, "/dev/shm/demo_shm");
	CU_ASSERT_FALSE(m->deleted);
	CU_ASSERT_EQUAL(m->dev, makedev(0, 0x1a));
	m = find_map(&r.ctx, 105, 1299);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(m->path, "/dev/shm/sem.XyZ123");
	CU_ASSERT_TRUE(m->deleted);
	CU_ASSERT_PTR_NOT_NULL(find_map(&r.ctx, 105, 77));
	CU_ASSERT_PTR_NULL(find_map(&r.ctx, 105, 78));		/* the malformed line */
	CU_ASSERT_PTR_NULL(find_map(&r.ctx, 105, 4242));	/* not an IPC path */
	CU_ASSERT_TRUE(has_error(r.ctx.snap, "pid 105 maps", "malformed"));
	run_free(&r);
}

static void test_attached_pids_fixture(void)
{
	struct collector *c;
	struct snapshot *s = NULL;
	const struct shm_rec *m;
	int err;

	c = collector_new(&(struct collect_opts){ .sysroot = test_fixture("sysv-basic") }, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(collector_collect(c, &s), 0);
	collector_free(c);
	snapshot_sort(s);
	m = snapshot_find_shm(s, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->nattch, 2);
	CU_ASSERT_EQUAL_FATAL(m->n_attached, 2u);
	CU_ASSERT_EQUAL(m->attached_pids[0], 13159);
	CU_ASSERT_EQUAL(m->attached_pids[1], 13160);
	m = snapshot_find_shm(s, 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL_FATAL(m->n_attached, 1u);
	CU_ASSERT_EQUAL(m->attached_pids[0], 13159);
	snapshot_unref(s);
}

/*
 * One process with tens of thousands of distinct /dev/shm mappings (what an unprivileged
 * user can make to slow root's ipctop down, issue 11), each repeated, some also as
 * " (deleted)" or with another inode under the same path: every distinct (dev, inode,
 * deleted, path) is kept exactly once, in the order first seen. Correctness only: the cost
 * per mapping is in make bench (tests/bench/maps.sh).
 */
#define MANY_MAPS 60000

static void test_probe_many_mappings(void)
{
	char dir[] = "/tmp/ipctop-test-maps.XXXXXX", path[256];
	struct run r;
	FILE *f;
	size_t expect = 0, bad = 0;

	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/proc", dir);
	CU_ASSERT_FATAL(mkdir(path, 0755) == 0);
	snprintf(path, sizeof(path), "%s/proc/4242", dir);
	CU_ASSERT_FATAL(mkdir(path, 0755) == 0);
	snprintf(path, sizeof(path), "%s/proc/4242/maps", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (unsigned i = 0; i < MANY_MAPS; i++) {
		unsigned long a = 0x7f0000000000UL + (unsigned long)i * 0x2000;

		fprintf(f, "%lx-%lx rw-s 00000000 00:1a %u /dev/shm/m%u\n", a, a + 0x1000, 100 + i, i);
		expect++;
		if (i % 7 == 0)		/* the same object again */
			fprintf(f, "%lx-%lx r--s 00000000 00:1a %u /dev/shm/m%u\n", a + 0x1000,
				a + 0x2000, 100 + i, i);
		if (i % 11 == 0) {	/* unlinked meanwhile: another entry */
			fprintf(f, "%lx-%lx r--s 00000000 00:1a %u /dev/shm/m%u (deleted)\n",
				a + 0x1000, a + 0x2000, 100 + i, i);
			expect++;
		}
		if (i % 13 == 0) {	/* the same path, another inode: another entry */
			fprintf(f, "%lx-%lx r--s 00000000 00:1a %u /dev/shm/m%u\n", a + 0x1000,
				a + 0x2000, 900000 + i, i);
			expect++;
		}
		if (i % 17 == 0)	/* private: not shared, not counted */
			fprintf(f, "%lx-%lx r--p 00000000 00:1a %u /dev/shm/p%u\n", a + 0x1000,
				a + 0x2000, 100 + i, i);
	}
	CU_ASSERT_FATAL(fclose(f) == 0);

	memset(&r, 0, sizeof(r));
	r.ctx.snap = snapshot_new();
	r.ctx.rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CU_ASSERT_FATAL(r.ctx.rootfd >= 0);
	r.ctx.procfd = openat(r.ctx.rootfd, "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CU_ASSERT_FATAL(r.ctx.procfd >= 0);
	arena_init(&r.ctx.scratch);
	CU_ASSERT_EQUAL(proc_maps_collect(&r.ctx, &r.st_maps), 0);
	CU_ASSERT_EQUAL(r.ctx.n_maps, expect);
	for (size_t i = 0, k = 0; i < r.ctx.n_maps; i++) {
		const struct map_entry *m = &r.ctx.maps[i];
		unsigned n = (unsigned)k;
		char want[64];

		/* the order first seen: m<n>, then its (deleted) and other-inode entries */
		snprintf(want, sizeof(want), "/dev/shm/m%u", n);
		if (m->pid != 4242 || strcmp(m->path, want) != 0 || m->dev != makedev(0, 0x1a) ||
		    m->inode != 100 + n || m->deleted) {
			bad++;
			break;
		}
		if (n % 11 == 0) {
			m = &r.ctx.maps[++i];
			bad += strcmp(m->path, want) != 0 || m->inode != 100 + n || !m->deleted;
		}
		if (n % 13 == 0) {
			m = &r.ctx.maps[++i];
			bad += strcmp(m->path, want) != 0 || m->inode != 900000 + n || m->deleted;
		}
		k++;
	}
	CU_ASSERT_EQUAL(bad, 0u);
	CU_ASSERT_EQUAL(r.ctx.snap->n_errors, 0u);
	run_free(&r);
	snprintf(path, sizeof(path), "%s/proc/4242/maps", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc/4242", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/proc", dir);
	rmdir(path);
	rmdir(dir);
}

void test_register(void)
{
	TEST_SUITE("proc_maps", NULL, NULL,
		   "parse: a /SYSV line", test_parse_sysv,
		   "parse: /dev/shm, anonymous, heap, library", test_parse_others,
		   "parse: malformed lines", test_parse_malformed,
		   "probe on fixture sysv-basic", test_probe_basic,
		   "probe on fixture sysv-malformed", test_probe_malformed,
		   "attached_pids through the collector", test_attached_pids_fixture,
		   "probe: 60,000 distinct mappings of one process, each once",
		   test_probe_many_mappings);
}
