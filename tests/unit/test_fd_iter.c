/*
 * test_fd_iter.c - the pure half of the BPF descriptor iterator (probes/fd_iter.h): what
 * fd_iter_parse makes of the bytes one pass reads (crafted buffers: empty, one record,
 * records out of order, a torn length, a wrong magic, an unaligned buffer), the lookup of a
 * process's records, and fd_iter_entry's translation of one record into the descriptor
 * probe's entry for every kind the kernel writes (socket, pipe, FIFO, anonymous inodes,
 * mqueue, file) and every record it must refuse. The maps half the same way:
 * fd_iter_maps_parse (and in place) on crafted mapping records, whose sort must keep each
 * process's records in the kernel's (address) order, fd_iter_maps_find, and
 * fd_iter_map_entry's translation of a record into the maps probe's entry.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "probes/fd_iter.h"
#include "probes/fds.h"
#include "src/snapshot.h"
#include "tests/unit/testmain.h"

#define PIPEFS_MAGIC 0x50495045ULL
#define SOCKFS_MAGIC 0x534F434BULL
#define MQUEUE_MAGIC 0x19800202ULL
#define ANON_MAGIC 0x09041934ULL
#define EXT4_MAGIC 0xEF53ULL
#define TMPFS_MAGIC 0x01021994ULL
#define PAGE 4096L

/* A record as the kernel writes it: magic, pid, fd, the rest zero. */
static struct fd_iter_rec rec(uint32_t tgid, uint32_t fd)
{
	struct fd_iter_rec r;

	memset(&r, 0, sizeof(r));
	r.magic = FD_ITER_MAGIC;
	r.tgid = tgid;
	r.fd = fd;
	r.pipe_queued = -1;
	return r;
}

/* ---- fd_iter_parse -------------------------------------------------------------------------- */

static void test_parse_empty(void)
{
	struct fd_iter_table t = { (struct fd_iter_rec *)1, 99, false };
	char none[1] = { 0 };

	CU_ASSERT_EQUAL(fd_iter_parse(none, 0, &t), 0);
	CU_ASSERT_EQUAL(t.n, 0);
	fd_iter_table_free(&t);
	CU_ASSERT_PTR_NULL(t.recs);
	CU_ASSERT_EQUAL(t.n, 0);
	fd_iter_table_free(&t);	/* twice: harmless */
}

static void test_parse_one(void)
{
	struct fd_iter_rec r = rec(4242, 7);
	struct fd_iter_table t;

	r.ino = 123456789012ULL;
	r.s_magic = PIPEFS_MAGIC;
	CU_ASSERT_EQUAL(fd_iter_parse((const char *)&r, sizeof(r), &t), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 1);
	CU_ASSERT_EQUAL(memcmp(&t.recs[0], &r, sizeof(r)), 0);
	CU_ASSERT_PTR_NOT_EQUAL(t.recs, &r);	/* a copy: the read buffer is reused */
	fd_iter_table_free(&t);
}

static void test_parse_sorted(void)
{
	/* out of order in pid and, within a pid, in fd; ascending is what the kernel writes */
	struct fd_iter_rec in[6] = { rec(300, 2), rec(7, 9), rec(300, 0), rec(7, 1), rec(65536, 3),
				     rec(300, 1) };
	static const uint32_t want[6][2] = { { 7, 1 }, { 7, 9 }, { 300, 0 }, { 300, 1 },
					     { 300, 2 }, { 65536, 3 } };
	struct fd_iter_table t;

	for (size_t i = 0; i < 6; i++)
		in[i].ino = 1000 + i;	/* to follow each record through the sort */
	CU_ASSERT_EQUAL(fd_iter_parse((const char *)in, sizeof(in), &t), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 6);
	for (size_t i = 0; i < 6; i++) {
		CU_ASSERT_EQUAL(t.recs[i].tgid, want[i][0]);
		CU_ASSERT_EQUAL(t.recs[i].fd, want[i][1]);
		for (size_t j = 0; j < 6; j++)
			if (in[j].tgid == t.recs[i].tgid && in[j].fd == t.recs[i].fd)
				CU_ASSERT_EQUAL(t.recs[i].ino, in[j].ino);
	}
	fd_iter_table_free(&t);

	/* already in order: kept as is */
	struct fd_iter_rec asc[3] = { rec(1, 0), rec(1, 1), rec(2, 0) };

	CU_ASSERT_EQUAL(fd_iter_parse((const char *)asc, sizeof(asc), &t), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 3);
	CU_ASSERT_EQUAL(memcmp(t.recs, asc, sizeof(asc)), 0);
	fd_iter_table_free(&t);
}

static void test_parse_torn(void)
{
	struct fd_iter_rec in[2] = { rec(10, 0), rec(10, 1) };
	struct fd_iter_table t;
	size_t lens[] = { 1, sizeof(in[0]) - 1, sizeof(in[0]) + 1, sizeof(in) - 4 };

	CU_ASSERT_EQUAL(sizeof(struct fd_iter_rec) % 8, 0);	/* no tail padding surprises */
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		t.recs = (struct fd_iter_rec *)1;
		t.n = 99;
		CU_ASSERT_EQUAL(fd_iter_parse((const char *)in, lens[i], &t), -EBADMSG);
		CU_ASSERT_PTR_NULL(t.recs);
		CU_ASSERT_EQUAL(t.n, 0);
		fd_iter_table_free(&t);
	}
}

static void test_parse_bad_magic(void)
{
	struct fd_iter_rec in[3] = { rec(10, 0), rec(10, 1), rec(11, 0) };
	struct fd_iter_table t;

	for (size_t bad = 0; bad < 3; bad++) {
		struct fd_iter_rec copy[3];

		memcpy(copy, in, sizeof(in));
		copy[bad].magic = FD_ITER_MAGIC ^ (bad == 1 ? 0x80000000u : 1u);
		CU_ASSERT_EQUAL(fd_iter_parse((const char *)copy, sizeof(copy), &t), -EBADMSG);
		CU_ASSERT_PTR_NULL(t.recs);
		CU_ASSERT_EQUAL(t.n, 0);
		fd_iter_table_free(&t);
	}
	/* all zero (a kernel that wrote nothing meaningful) */
	memset(in, 0, sizeof(in));
	CU_ASSERT_EQUAL(fd_iter_parse((const char *)in, sizeof(in), &t), -EBADMSG);
	CU_ASSERT_EQUAL(t.n, 0);
	fd_iter_table_free(&t);
}

static void test_parse_unaligned(void)
{
	struct fd_iter_rec in[3] = { rec(20, 5), rec(10, 1), rec(10, 0) };
	size_t len = sizeof(in);
	/* an exact-size heap block at an odd address: ASan sees any read past the end, UBSan
	 * any misaligned access */
	char *block = malloc(len + 1);
	struct fd_iter_table t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(block);
	in[0].ino = 0x1122334455667788ULL;
	in[0].pipe_queued = 4097;
	memcpy(block + 1, in, len);
	CU_ASSERT_EQUAL(fd_iter_parse(block + 1, len, &t), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 3);
	CU_ASSERT_EQUAL(t.recs[0].tgid, 10);
	CU_ASSERT_EQUAL(t.recs[0].fd, 0);
	CU_ASSERT_EQUAL(t.recs[2].tgid, 20);
	CU_ASSERT_EQUAL(t.recs[2].ino, 0x1122334455667788ULL);
	CU_ASSERT_EQUAL(t.recs[2].pipe_queued, 4097);
	CU_ASSERT_EQUAL((uintptr_t)t.recs % _Alignof(struct fd_iter_rec), 0);
	fd_iter_table_free(&t);
	/* and torn at an odd address */
	CU_ASSERT_EQUAL(fd_iter_parse(block + 1, len - 1, &t), -EBADMSG);
	CU_ASSERT_EQUAL(t.n, 0);
	fd_iter_table_free(&t);
	free(block);
}

/* ---- fd_iter_table_find --------------------------------------------------------------------- */

static void test_find(void)
{
	struct fd_iter_rec in[7] = { rec(1, 0), rec(1, 1), rec(1, 2), rec(50, 3), rec(51, 0),
				     rec(51, 4), rec(INT_MAX, 9) };
	struct fd_iter_table t, empty = { NULL, 0, false };
	size_t first = 99;

	CU_ASSERT_EQUAL_FATAL(fd_iter_parse((const char *)in, sizeof(in), &t), 0);
	/* the first process, a middle one, the last */
	CU_ASSERT_EQUAL(fd_iter_table_find(&t, 1, &first), 3);
	CU_ASSERT_EQUAL(first, 0);
	CU_ASSERT_EQUAL(fd_iter_table_find(&t, 50, &first), 1);
	CU_ASSERT_EQUAL(first, 3);
	CU_ASSERT_EQUAL(t.recs[first].fd, 3);
	CU_ASSERT_EQUAL(fd_iter_table_find(&t, 51, &first), 2);
	CU_ASSERT_EQUAL(first, 4);
	CU_ASSERT_EQUAL(t.recs[first + 1].fd, 4);
	CU_ASSERT_EQUAL(fd_iter_table_find(&t, INT_MAX, &first), 1);
	CU_ASSERT_EQUAL(first, 6);
	/* absent: before the first, between two, after the last */
	CU_ASSERT_EQUAL(fd_iter_table_find(&t, 2, &first), 0);
	CU_ASSERT_EQUAL(fd_iter_table_find(&t, 49, &first), 0);
	CU_ASSERT_EQUAL(fd_iter_table_find(&t, 52, &first), 0);
	CU_ASSERT_EQUAL(fd_iter_table_find(&t, INT_MAX - 1, &first), 0);
	/* pid 0 and negative pids name no process (a negative pid is not a huge tgid) */
	first = 99;
	CU_ASSERT_EQUAL(fd_iter_table_find(&t, 0, &first), 0);
	CU_ASSERT_EQUAL(first, 0);
	CU_ASSERT_EQUAL(fd_iter_table_find(&t, -1, &first), 0);
	CU_ASSERT_EQUAL(fd_iter_table_find(&t, INT_MIN, &first), 0);
	/* an empty table */
	CU_ASSERT_EQUAL(fd_iter_table_find(&empty, 1, &first), 0);
	CU_ASSERT_EQUAL(first, 0);
	fd_iter_table_free(&t);
	/* the empty table of a parsed empty pass */
	CU_ASSERT_EQUAL(fd_iter_parse((const char *)in, 0, &t), 0);
	CU_ASSERT_EQUAL(fd_iter_table_find(&t, 1, &first), 0);
	fd_iter_table_free(&t);
}

/* ---- fd_iter_entry -------------------------------------------------------------------------- */

struct entry_out {
	bool ok;
	struct fd_entry e;
	char link[64];
	int64_t queued, capacity;
};

static struct entry_out entry(const struct fd_iter_rec *r, long page)
{
	struct entry_out o;

	memset(&o, 0x5a, sizeof(o));	/* nothing may be left as it was */
	o.ok = fd_iter_entry(r, page, &o.e, o.link, sizeof(o.link), &o.queued, &o.capacity);
	return o;
}

static void test_entry_socket(void)
{
	struct fd_iter_rec r = rec(777, 5);
	struct entry_out o;

	r.i_mode = S_IFSOCK | 0777;
	r.s_magic = SOCKFS_MAGIC;
	r.s_dev = 8;		/* sockfs: 0:8 */
	r.ino = 9048672;
	r.f_mode = 0x1;		/* whatever the file says, a socket is both ends */
	o = entry(&r, PAGE);
	CU_ASSERT_TRUE_FATAL(o.ok);
	CU_ASSERT_EQUAL(o.e.pid, 777);
	CU_ASSERT_EQUAL(o.e.fd, 5);
	CU_ASSERT_EQUAL(o.e.type, FDT_SOCKET);
	CU_ASSERT_EQUAL(o.e.mode, FD_MODE_RDWR);
	CU_ASSERT_EQUAL(o.e.inode, 9048672);
	CU_ASSERT_EQUAL(o.e.dev, makedev(0, 8));
	CU_ASSERT_PTR_NULL(o.e.target);
	CU_ASSERT_PTR_NULL(o.e.fill);
	CU_ASSERT_FALSE(o.e.sigmask_known);
	CU_ASSERT_FALSE(o.e.fill_known);
	CU_ASSERT_EQUAL(o.e.eventfd_count, SNAP_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(o.link, "");
	CU_ASSERT_EQUAL(o.queued, SNAP_UNKNOWN);
	CU_ASSERT_EQUAL(o.capacity, SNAP_UNKNOWN);
}

static void test_entry_pipe(void)
{
	static const unsigned modes[4] = { FD_MODE_UNKNOWN, FD_MODE_READ, FD_MODE_WRITE,
					   FD_MODE_RDWR };
	struct fd_iter_rec r = rec(4000, 3);
	struct entry_out o;

	r.i_mode = S_IFIFO | 0600;
	r.s_magic = PIPEFS_MAGIC;
	r.s_dev = 14;		/* pipefs: 0:14 */
	r.ino = 261195;
	r.pipe_queued = 1234;
	r.pipe_slots = 16;
	for (unsigned m = 1; m <= 3; m++) {
		r.f_mode = m | 0x4 | 0x8 | 0x4000;	/* other FMODE_ bits (LSEEK, PREAD, ...) */
		o = entry(&r, PAGE);
		CU_ASSERT_TRUE_FATAL(o.ok);
		CU_ASSERT_EQUAL(o.e.type, FDT_PIPE);
		CU_ASSERT_EQUAL(o.e.mode, modes[m]);
		CU_ASSERT_EQUAL(o.e.inode, 261195);
		CU_ASSERT_EQUAL(o.e.dev, makedev(0, 14));
		CU_ASSERT_EQUAL(o.queued, 1234);
		CU_ASSERT_EQUAL(o.capacity, 16 * PAGE);	/* F_GETPIPE_SZ: max_usage pages */
		CU_ASSERT_STRING_EQUAL(o.link, "");
	}
	/* neither read nor write (O_PATH): no mode */
	r.f_mode = 0x4000;
	o = entry(&r, PAGE);
	CU_ASSERT_TRUE(o.ok);
	CU_ASSERT_EQUAL(o.e.mode, FD_MODE_UNKNOWN);
	/* a 1 MiB pipe on 64 KiB pages, empty */
	r.f_mode = 1;
	r.pipe_queued = 0;
	r.pipe_slots = 16;
	o = entry(&r, 65536);
	CU_ASSERT_EQUAL(o.queued, 0);
	CU_ASSERT_EQUAL(o.capacity, 1048576);
	/* F_SETPIPE_SZ 1 MiB: 256 slots of 4 KiB, 16 of them full */
	r.pipe_slots = 256;
	r.pipe_queued = 16 * PAGE;
	o = entry(&r, PAGE);
	CU_ASSERT_EQUAL(o.queued, 65536);
	CU_ASSERT_EQUAL(o.capacity, 1048576);
}

static void test_entry_pipe_unknown_fill(void)
{
	struct fd_iter_rec r = rec(4000, 3);
	struct entry_out o;

	r.i_mode = S_IFIFO | 0600;
	r.s_magic = PIPEFS_MAGIC;
	r.ino = 42;
	r.f_mode = 2;
	/* more slots in use than the kernel sums: -1, pipes.c asks through a pidfd */
	r.pipe_queued = -1;
	r.pipe_slots = 256;
	o = entry(&r, PAGE);
	CU_ASSERT_TRUE_FATAL(o.ok);
	CU_ASSERT_EQUAL(o.e.type, FDT_PIPE);
	CU_ASSERT_EQUAL(o.e.mode, FD_MODE_WRITE);
	CU_ASSERT_EQUAL(o.queued, SNAP_UNKNOWN);
	CU_ASSERT_EQUAL(o.capacity, SNAP_UNKNOWN);
	/* no ring read (no pipe_inode_info): slots 0 */
	r.pipe_queued = 0;
	r.pipe_slots = 0;
	o = entry(&r, PAGE);
	CU_ASSERT_TRUE(o.ok);
	CU_ASSERT_EQUAL(o.queued, SNAP_UNKNOWN);
	CU_ASSERT_EQUAL(o.capacity, SNAP_UNKNOWN);
	/* no page size known */
	r.pipe_slots = 16;
	o = entry(&r, 0);
	CU_ASSERT_TRUE(o.ok);
	CU_ASSERT_EQUAL(o.queued, SNAP_UNKNOWN);
	CU_ASSERT_EQUAL(o.capacity, SNAP_UNKNOWN);
	o = entry(&r, -1);
	CU_ASSERT_EQUAL(o.capacity, SNAP_UNKNOWN);
	/* any other negative queue is as unknown as -1 */
	r.pipe_queued = INT64_MIN;
	o = entry(&r, PAGE);
	CU_ASSERT_TRUE(o.ok);
	CU_ASSERT_EQUAL(o.queued, SNAP_UNKNOWN);
}

static void test_entry_fifo(void)
{
	struct fd_iter_rec r = rec(4001, 3);
	struct entry_out o;

	r.i_mode = S_IFIFO | 0600;
	r.s_magic = EXT4_MAGIC;	/* a FIFO is a pipe on a file system other than pipefs */
	r.s_dev = (8u << 20) | 1u;	/* /dev/sda1 */
	r.ino = 11331330;
	r.f_mode = 0x1;
	r.pipe_queued = 11;
	r.pipe_slots = 16;
	o = entry(&r, PAGE);
	CU_ASSERT_TRUE_FATAL(o.ok);
	CU_ASSERT_EQUAL(o.e.type, FDT_FIFO);
	CU_ASSERT_EQUAL(o.e.mode, FD_MODE_READ);
	CU_ASSERT_EQUAL(o.e.dev, makedev(8, 1));
	CU_ASSERT_EQUAL(o.e.inode, 11331330);
	CU_ASSERT_EQUAL(o.queued, 11);
	CU_ASSERT_EQUAL(o.capacity, 65536);
	CU_ASSERT_STRING_EQUAL(o.link, "");	/* its path is read by fds.c */
	r.s_magic = TMPFS_MAGIC;
	r.f_mode = 0x3;		/* opened O_RDWR */
	r.pipe_queued = -1;
	o = entry(&r, PAGE);
	CU_ASSERT_TRUE(o.ok);
	CU_ASSERT_EQUAL(o.e.type, FDT_FIFO);
	CU_ASSERT_EQUAL(o.e.mode, FD_MODE_RDWR);
	CU_ASSERT_EQUAL(o.queued, SNAP_UNKNOWN);
	/* the pipefs magic on a 64-bit field only matches in full */
	r.s_magic = PIPEFS_MAGIC | (1ULL << 32);
	o = entry(&r, PAGE);
	CU_ASSERT_EQUAL(o.e.type, FDT_FIFO);
}

/* An anonymous inode named name, either with no type (older kernels) or as newer ones have
 * it: S_IFREG on the anon_inode file system. */
static void check_anon(const char *name, uint32_t i_mode, uint64_t magic)
{
	struct fd_iter_rec r = rec(5000, 8);
	struct entry_out o;
	char want[64];
	enum fd_type want_type;
	uint64_t ino;

	r.i_mode = i_mode;
	r.s_magic = magic;
	r.s_dev = 15;
	r.ino = 1038;		/* the one shared anonymous inode */
	r.f_mode = 0x3;
	snprintf(r.name, sizeof(r.name), "%s", name);
	snprintf(want, sizeof(want), "anon_inode:%s", name);
	CU_ASSERT_TRUE_FATAL(fds_classify_link(want, strlen(want), &want_type, &ino));
	o = entry(&r, PAGE);
	CU_ASSERT_TRUE_FATAL(o.ok);
	CU_ASSERT_STRING_EQUAL(o.link, want);
	CU_ASSERT_EQUAL(o.e.type, want_type);
	CU_ASSERT_EQUAL(o.e.inode, 1038);	/* not something parsed out of the name */
	CU_ASSERT_EQUAL(o.e.dev, makedev(0, 15));
	CU_ASSERT_EQUAL(o.e.pid, 5000);
	CU_ASSERT_EQUAL(o.e.fd, 8);
	CU_ASSERT_EQUAL(o.e.eventfd_count, SNAP_UNKNOWN);	/* fdinfo's, read by fds.c */
	CU_ASSERT_EQUAL(o.queued, SNAP_UNKNOWN);
}

static void test_entry_anon(void)
{
	static const uint32_t modes[2] = { 0, S_IFREG | 0600 };
	static const uint64_t magics[2] = { ANON_MAGIC, 0 };

	for (int m = 0; m < 2; m++) {
		/* by type 0 on any file system, and by magic whatever the type */
		check_anon("[eventfd]", 0, magics[m]);
		check_anon("[signalfd]", 0, magics[m]);
		check_anon("[eventpoll]", 0, magics[m]);
		check_anon("[eventfd]", modes[m], ANON_MAGIC);
		check_anon("[signalfd]", modes[m], ANON_MAGIC);
		check_anon("[eventpoll]", modes[m], ANON_MAGIC);
		check_anon("inotify", modes[m], ANON_MAGIC);
		check_anon("bpf-map", modes[m], ANON_MAGIC);
	}

	/* the types fds_classify_link gives, spelled out */
	struct fd_iter_rec r = rec(5000, 8);
	struct entry_out o;

	r.s_magic = ANON_MAGIC;
	strcpy(r.name, "[eventfd]");
	o = entry(&r, PAGE);
	CU_ASSERT_EQUAL(o.e.type, FDT_EVENTFD);
	CU_ASSERT_STRING_EQUAL(o.link, "anon_inode:[eventfd]");
	strcpy(r.name, "[signalfd]");
	o = entry(&r, PAGE);
	CU_ASSERT_EQUAL(o.e.type, FDT_SIGNALFD);
	CU_ASSERT_STRING_EQUAL(o.link, "anon_inode:[signalfd]");
	strcpy(r.name, "[eventpoll]");
	o = entry(&r, PAGE);
	CU_ASSERT_TRUE(o.ok);
	CU_ASSERT_EQUAL(o.e.type, FDT_OTHER);
	CU_ASSERT_STRING_EQUAL(o.link, "anon_inode:[eventpoll]");
	/* the longest name that fits (31 bytes and its terminator) */
	memset(r.name, 'x', sizeof(r.name) - 1);
	r.name[sizeof(r.name) - 1] = '\0';
	o = entry(&r, PAGE);
	CU_ASSERT_TRUE(o.ok);
	CU_ASSERT_EQUAL(strlen(o.link), 11 + sizeof(r.name) - 1);
}

static void test_entry_anon_bad_name(void)
{
	struct fd_iter_rec r = rec(5000, 8);
	struct fd_entry e;
	char link[64];
	int64_t q, c;

	r.s_magic = ANON_MAGIC;
	/* unterminated: all 32 bytes used */
	memset(r.name, 'a', sizeof(r.name));
	CU_ASSERT_FALSE(fd_iter_entry(&r, PAGE, &e, link, sizeof(link), &q, &c));
	CU_ASSERT_STRING_EQUAL(link, "");
	/* empty */
	memset(r.name, 0, sizeof(r.name));
	CU_ASSERT_FALSE(fd_iter_entry(&r, PAGE, &e, link, sizeof(link), &q, &c));
	CU_ASSERT_STRING_EQUAL(link, "");
	/* empty with garbage after the terminator, by type 0 on another file system */
	r.s_magic = EXT4_MAGIC;
	r.i_mode = 0;
	memset(r.name + 1, 'z', sizeof(r.name) - 1);
	CU_ASSERT_FALSE(fd_iter_entry(&r, PAGE, &e, link, sizeof(link), &q, &c));
	/* a good name but no room for its link text */
	strcpy(r.name, "[eventfd]");
	CU_ASSERT_FALSE(fd_iter_entry(&r, PAGE, &e, link, 12, &q, &c));
	CU_ASSERT_FALSE(fd_iter_entry(&r, PAGE, &e, link, 0, &q, &c));
	CU_ASSERT_TRUE(fd_iter_entry(&r, PAGE, &e, link, 21, &q, &c));	/* exactly enough */
	CU_ASSERT_STRING_EQUAL(link, "anon_inode:[eventfd]");
	CU_ASSERT_FALSE(fd_iter_entry(&r, PAGE, &e, link, 20, &q, &c));
}

static void test_entry_mqueue_file(void)
{
	struct fd_iter_rec r = rec(6000, 3);
	struct entry_out o;

	r.i_mode = S_IFREG | 0600;
	r.s_magic = MQUEUE_MAGIC;
	r.s_dev = 19;
	r.ino = 9048687;
	r.f_mode = 0x3;
	o = entry(&r, PAGE);
	CU_ASSERT_TRUE_FATAL(o.ok);
	CU_ASSERT_EQUAL(o.e.type, FDT_MQUEUE);
	CU_ASSERT_EQUAL(o.e.inode, 9048687);
	CU_ASSERT_EQUAL(o.e.dev, makedev(0, 19));
	CU_ASSERT_STRING_EQUAL(o.link, "");	/* the name: readlink in fds.c */
	CU_ASSERT_EQUAL(o.queued, SNAP_UNKNOWN);
	/* a regular file, a directory, a character device: files */
	r.s_magic = EXT4_MAGIC;
	r.s_dev = (8u << 20) | 2u;
	r.f_mode = 0x1;
	o = entry(&r, PAGE);
	CU_ASSERT_TRUE(o.ok);
	CU_ASSERT_EQUAL(o.e.type, FDT_FILE);
	CU_ASSERT_EQUAL(o.e.dev, makedev(8, 2));
	CU_ASSERT_STRING_EQUAL(o.link, "");
	r.i_mode = S_IFDIR | 0755;
	CU_ASSERT_EQUAL(entry(&r, PAGE).e.type, FDT_FILE);
	r.i_mode = S_IFCHR | 0666;
	r.pipe_queued = 99;	/* ring fields of a non-pipe are ignored */
	r.pipe_slots = 16;
	o = entry(&r, PAGE);
	CU_ASSERT_EQUAL(o.e.type, FDT_FILE);
	CU_ASSERT_EQUAL(o.queued, SNAP_UNKNOWN);
	CU_ASSERT_EQUAL(o.capacity, SNAP_UNKNOWN);
}

static void test_entry_dev(void)
{
	static const struct { unsigned major, minor; } devs[] = {
		{ 0, 0 }, { 0, 27 }, { 8, 1 }, { 259, 3 }, { 253, 255 }, { 7, 256 },
		{ 4095, 0xfffff },	/* the largest the kernel's 12:20 encoding holds */
		{ 1, 0x12345 },
	};
	struct fd_iter_rec r = rec(7000, 4);

	r.i_mode = S_IFREG | 0644;
	r.s_magic = EXT4_MAGIC;
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		struct entry_out o;

		r.s_dev = (devs[i].major << 20) | devs[i].minor;
		o = entry(&r, PAGE);
		CU_ASSERT_TRUE(o.ok);
		CU_ASSERT_EQUAL(o.e.dev, makedev(devs[i].major, devs[i].minor));
		CU_ASSERT_EQUAL(major(o.e.dev), devs[i].major);
		CU_ASSERT_EQUAL(minor(o.e.dev), devs[i].minor);
	}
}

static void test_entry_refused(void)
{
	struct fd_iter_rec r = rec(0, 3);
	struct fd_entry e;
	char link[64] = "stale";
	int64_t q = 5, c = 5;

	r.i_mode = S_IFSOCK;
	/* tgid 0: no process */
	CU_ASSERT_FALSE(fd_iter_entry(&r, PAGE, &e, link, sizeof(link), &q, &c));
	CU_ASSERT_STRING_EQUAL(link, "");
	CU_ASSERT_EQUAL(q, SNAP_UNKNOWN);
	CU_ASSERT_EQUAL(c, SNAP_UNKNOWN);
	/* tgid beyond a pid_t */
	r.tgid = (uint32_t)INT_MAX + 1u;
	CU_ASSERT_FALSE(fd_iter_entry(&r, PAGE, &e, link, sizeof(link), &q, &c));
	r.tgid = UINT32_MAX;
	CU_ASSERT_FALSE(fd_iter_entry(&r, PAGE, &e, link, sizeof(link), &q, &c));
	r.tgid = INT_MAX;
	CU_ASSERT_TRUE(fd_iter_entry(&r, PAGE, &e, link, sizeof(link), &q, &c));
	CU_ASSERT_EQUAL(e.pid, INT_MAX);
	/* fd beyond an int */
	r.tgid = 1;
	r.fd = (uint32_t)INT_MAX + 1u;
	CU_ASSERT_FALSE(fd_iter_entry(&r, PAGE, &e, link, sizeof(link), &q, &c));
	r.fd = 0;
	CU_ASSERT_TRUE(fd_iter_entry(&r, PAGE, &e, link, sizeof(link), &q, &c));
	CU_ASSERT_EQUAL(e.fd, 0);
	/* a record of another layout */
	r.magic = 0;
	CU_ASSERT_FALSE(fd_iter_entry(&r, PAGE, &e, link, sizeof(link), &q, &c));
}

/* Every record of a parsed pass, as fds.c walks one process. */
static void test_pass_to_entries(void)
{
	struct fd_iter_rec in[4] = { rec(900, 2), rec(900, 0), rec(901, 0), rec(900, 1) };
	struct fd_iter_table t;
	size_t first, n;
	enum fd_type want[3] = { FDT_SOCKET, FDT_PIPE, FDT_EVENTFD };

	in[1].i_mode = S_IFSOCK;
	in[3].i_mode = S_IFIFO;
	in[3].s_magic = PIPEFS_MAGIC;
	in[3].pipe_queued = 7;
	in[3].pipe_slots = 1;
	in[0].s_magic = ANON_MAGIC;
	strcpy(in[0].name, "[eventfd]");
	in[2].i_mode = S_IFREG;
	CU_ASSERT_EQUAL_FATAL(fd_iter_parse((const char *)in, sizeof(in), &t), 0);
	n = fd_iter_table_find(&t, 900, &first);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	for (size_t i = 0; i < n; i++) {
		struct entry_out o = entry(&t.recs[first + i], PAGE);

		CU_ASSERT_TRUE(o.ok);
		CU_ASSERT_EQUAL(o.e.pid, 900);
		CU_ASSERT_EQUAL(o.e.fd, (int)i);
		CU_ASSERT_EQUAL(o.e.type, want[i]);
		if (o.e.type == FDT_PIPE) {
			CU_ASSERT_EQUAL(o.queued, 7);
			CU_ASSERT_EQUAL(o.capacity, PAGE);
		}
	}
	fd_iter_table_free(&t);
}

/* ---- the maps half: fd_iter_maps_parse ------------------------------------------------------ */

/* A mapping record as the kernel writes it, written as the path /proc/<pid>/maps shows:
 * "/SYSV<key> (deleted)" is a System V segment on the kernel's mount, "/dev/shm/NAME" a file
 * in a tmpfs' root (device 0:1 here), " (deleted)" the unlinked flag; any other path is put
 * in the name as it is, without flags (a malformed record). */
static struct fd_iter_map_rec mrec(uint32_t tgid, uint64_t ino, const char *path)
{
	static const char deleted[] = " (deleted)";
	struct fd_iter_map_rec r;
	size_t n = strlen(path), dl = sizeof(deleted) - 1;

	memset(&r, 0, sizeof(r));
	r.magic = FD_ITER_MAP_MAGIC;
	r.tgid = tgid;
	r.ino = ino;
	r.s_dev = 1;		/* tmpfs on /dev/shm: 0:1 */
	if (n > dl && strcmp(path + n - dl, deleted) == 0) {
		r.flags |= FD_ITER_MAP_DELETED;
		n -= dl;
	}
	if (strncmp(path, "/SYSV", 5) == 0) {
		r.flags |= FD_ITER_MAP_SYSV;
		path++;
		n--;
	} else if (strncmp(path, "/dev/shm/", 9) == 0) {
		r.flags |= FD_ITER_MAP_TOP;
		path += 9;
		n -= 9;
	} else {
		r.flags = 0;
		n = strlen(path);
	}
	memcpy(r.name, path, n < sizeof(r.name) ? n : sizeof(r.name) - 1);
	return r;
}

static void test_maps_parse_empty(void)
{
	struct fd_iter_maps t = { (struct fd_iter_map_rec *)1, 99, false };
	char none[1] = { 0 };
	size_t first = 99;

	CU_ASSERT_EQUAL(fd_iter_maps_parse(none, 0, &t), 0);
	CU_ASSERT_EQUAL(t.n, 0);
	CU_ASSERT_EQUAL(fd_iter_maps_find(&t, 1, &first), 0);
	CU_ASSERT_EQUAL(first, 0);
	fd_iter_maps_free(&t);
	CU_ASSERT_PTR_NULL(t.recs);
	CU_ASSERT_EQUAL(t.n, 0);
	CU_ASSERT_FALSE(t.owned);
	fd_iter_maps_free(&t);	/* twice: harmless */
	/* in place: nothing to point at */
	t.recs = (struct fd_iter_map_rec *)1;
	t.n = 99;
	CU_ASSERT_EQUAL(fd_iter_maps_parse_inplace(none, 0, &t), 0);
	CU_ASSERT_PTR_NULL(t.recs);
	CU_ASSERT_EQUAL(t.n, 0);
	fd_iter_maps_free(&t);
}

static void test_maps_parse_one(void)
{
	struct fd_iter_map_rec r = mrec(4242, 1709015062, "/SYSV0000162e (deleted)");
	struct fd_iter_maps t;

	r.s_dev = 1;
	CU_ASSERT_EQUAL(fd_iter_maps_parse((const char *)&r, sizeof(r), &t), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 1);
	CU_ASSERT_TRUE(t.owned);
	CU_ASSERT_PTR_NOT_EQUAL(t.recs, &r);	/* a copy: the read buffer is reused */
	CU_ASSERT_EQUAL(memcmp(&t.recs[0], &r, sizeof(r)), 0);
	fd_iter_maps_free(&t);
	CU_ASSERT_PTR_NULL(t.recs);
	CU_ASSERT_EQUAL(t.n, 0);
}

/* Out of order in pid: sorted by pid, and each process's records keep the order the kernel
 * wrote them in (the address order), even where their inodes or paths would sort otherwise. */
static void test_maps_parse_sorted_stable(void)
{
	struct fd_iter_map_rec in[7] = {
		mrec(300, 30, "/dev/shm/c"), mrec(7, 90, "/SYSV00000000 (deleted)"),
		mrec(300, 10, "/dev/shm/a"), mrec(7, 80, "/dev/shm/sem.x"),
		mrec(65536, 5, "/dev/shm/z"), mrec(300, 20, "/dev/shm/b"),
		mrec(300, 10, "/dev/shm/a"),	/* the same object mapped twice */
	};
	static const struct { uint32_t tgid; uint64_t ino; char last; } want[7] = {
		{ 7, 90, '0' }, { 7, 80, 'x' }, { 300, 30, 'c' }, { 300, 10, 'a' },
		{ 300, 20, 'b' }, { 300, 10, 'a' }, { 65536, 5, 'z' },
	};
	struct fd_iter_maps t;

	CU_ASSERT_EQUAL_FATAL(sizeof(struct fd_iter_map_rec) % 8, 0);
	CU_ASSERT_EQUAL(fd_iter_maps_parse((const char *)in, sizeof(in), &t), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 7);
	for (size_t i = 0; i < 7; i++) {
		size_t len = strlen(t.recs[i].name);

		CU_ASSERT_EQUAL(t.recs[i].tgid, want[i].tgid);
		CU_ASSERT_EQUAL(t.recs[i].ino, want[i].ino);
		CU_ASSERT_EQUAL(t.recs[i].magic, FD_ITER_MAP_MAGIC);
		CU_ASSERT_TRUE(len > 0 && t.recs[i].name[len - 1] == want[i].last);
	}
	fd_iter_maps_free(&t);

	/* already in order (with equal pids): kept byte for byte */
	struct fd_iter_map_rec asc[4] = { mrec(1, 9, "/dev/shm/q"), mrec(1, 3, "/dev/shm/p"),
					   mrec(2, 1, "/dev/shm/o"), mrec(2, 1, "/dev/shm/o") };

	CU_ASSERT_EQUAL(fd_iter_maps_parse((const char *)asc, sizeof(asc), &t), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 4);
	CU_ASSERT_EQUAL(memcmp(t.recs, asc, sizeof(asc)), 0);
	fd_iter_maps_free(&t);
}

/* Many processes in descending order, each with its records in a known order: the sort keeps
 * every process's sequence, whatever the pids around it. */
static void test_maps_parse_stable_many(void)
{
	enum { PROCS = 60, PER = 4, N = PROCS * PER };
	struct fd_iter_map_rec *in = calloc(N, sizeof(*in));
	struct fd_iter_maps t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	/* process p's k-th record has ino 1000 * p + (PER - k): descending within a process, so
	 * a sort that looked at anything but the pid would reorder them */
	for (size_t i = 0; i < N; i++) {
		uint32_t p = (uint32_t)(PROCS - (i % PROCS));	/* interleaved: 60, 59, ..., 1, 60, ... */
		uint32_t k = (uint32_t)(i / PROCS);

		in[i] = mrec(p, 1000ULL * p + (PER - k), "/dev/shm/x");
	}
	CU_ASSERT_EQUAL(fd_iter_maps_parse((const char *)in, N * sizeof(*in), &t), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, N);
	for (size_t i = 0; i < N; i++) {
		uint32_t p = (uint32_t)(i / PER + 1), k = (uint32_t)(i % PER);

		CU_ASSERT_EQUAL(t.recs[i].tgid, p);
		CU_ASSERT_EQUAL(t.recs[i].ino, 1000ULL * p + (PER - k));
	}
	fd_iter_maps_free(&t);
	free(in);
}

static void test_maps_parse_torn(void)
{
	struct fd_iter_map_rec in[2] = { mrec(10, 1, "/dev/shm/a"), mrec(10, 2, "/dev/shm/b") };
	struct fd_iter_maps t;
	size_t lens[] = { 1, 24, sizeof(in[0]) - 1, sizeof(in[0]) + 1, sizeof(in) - 8,
			  sizeof(struct fd_iter_rec) };	/* one descriptor record's worth */

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		t.recs = (struct fd_iter_map_rec *)1;
		t.n = 99;
		CU_ASSERT_EQUAL(fd_iter_maps_parse((const char *)in, lens[i], &t), -EBADMSG);
		CU_ASSERT_PTR_NULL(t.recs);
		CU_ASSERT_EQUAL(t.n, 0);
		fd_iter_maps_free(&t);
	}
	/* in place as well */
	t.n = 99;
	CU_ASSERT_EQUAL(fd_iter_maps_parse_inplace((char *)in, sizeof(in) - 1, &t), -EBADMSG);
	CU_ASSERT_PTR_NULL(t.recs);
	CU_ASSERT_EQUAL(t.n, 0);
}

static void test_maps_parse_bad_magic(void)
{
	struct fd_iter_map_rec in[3] = { mrec(10, 1, "/dev/shm/a"), mrec(10, 2, "/dev/shm/b"),
					 mrec(11, 3, "/dev/shm/c") };
	struct fd_iter_maps t;

	for (size_t bad = 0; bad < 3; bad++) {
		struct fd_iter_map_rec copy[3];

		memcpy(copy, in, sizeof(in));
		copy[bad].magic = bad == 1 ? FD_ITER_MAGIC	/* a descriptor record's */
					   : FD_ITER_MAP_MAGIC ^ (bad == 0 ? 1u : 0x80000000u);
		CU_ASSERT_EQUAL(fd_iter_maps_parse((const char *)copy, sizeof(copy), &t), -EBADMSG);
		CU_ASSERT_PTR_NULL(t.recs);
		CU_ASSERT_EQUAL(t.n, 0);
		fd_iter_maps_free(&t);
		/* in place: refused too, the table empty */
		t.n = 99;
		CU_ASSERT_EQUAL(fd_iter_maps_parse_inplace((char *)copy, sizeof(copy), &t), -EBADMSG);
		CU_ASSERT_PTR_NULL(t.recs);
		CU_ASSERT_EQUAL(t.n, 0);
	}
	/* all zero */
	memset(in, 0, sizeof(in));
	CU_ASSERT_EQUAL(fd_iter_maps_parse((const char *)in, sizeof(in), &t), -EBADMSG);
	CU_ASSERT_EQUAL(t.n, 0);
	fd_iter_maps_free(&t);
}

static void test_maps_parse_unaligned(void)
{
	struct fd_iter_map_rec in[3] = { mrec(20, 0x1122334455667788ULL, "/dev/shm/far"),
					 mrec(10, 2, "/SYSV00000000 (deleted)"),
					 mrec(10, 1, "/dev/shm/sem.s") };
	size_t len = sizeof(in);
	/* an exact-size heap block at an odd address: ASan sees any read past the end, UBSan
	 * any misaligned access */
	char *block = malloc(len + 1);
	struct fd_iter_maps t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(block);
	in[0].s_dev = (8u << 20) | 1u;
	memcpy(block + 1, in, len);
	CU_ASSERT_EQUAL(fd_iter_maps_parse(block + 1, len, &t), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 3);
	CU_ASSERT_EQUAL((uintptr_t)t.recs % _Alignof(struct fd_iter_map_rec), 0);
	CU_ASSERT_EQUAL(t.recs[0].tgid, 10);
	CU_ASSERT_EQUAL(t.recs[0].ino, 2);	/* the pid's records in their order */
	CU_ASSERT_EQUAL(t.recs[1].ino, 1);
	CU_ASSERT_STRING_EQUAL(t.recs[1].name, "sem.s");
	CU_ASSERT_EQUAL(t.recs[2].tgid, 20);
	CU_ASSERT_EQUAL(t.recs[2].ino, 0x1122334455667788ULL);
	CU_ASSERT_EQUAL(t.recs[2].s_dev, (8u << 20) | 1u);
	fd_iter_maps_free(&t);
	/* torn at an odd address */
	CU_ASSERT_EQUAL(fd_iter_maps_parse(block + 1, len - 1, &t), -EBADMSG);
	CU_ASSERT_EQUAL(t.n, 0);
	fd_iter_maps_free(&t);
	/* in place, the buffer misaligned: refused without touching it */
	{
		char *before = malloc(len);

		CU_ASSERT_PTR_NOT_NULL_FATAL(before);
		memcpy(before, block + 1, len);
		t.recs = (struct fd_iter_map_rec *)1;
		t.n = 99;
		CU_ASSERT_EQUAL(fd_iter_maps_parse_inplace(block + 1, len, &t), -EBADMSG);
		CU_ASSERT_PTR_NULL(t.recs);
		CU_ASSERT_EQUAL(t.n, 0);
		CU_ASSERT_EQUAL(memcmp(before, block + 1, len), 0);	/* not sorted in place */
		free(before);
	}
	free(block);
}

static void test_maps_parse_inplace(void)
{
	struct fd_iter_map_rec *in = calloc(3, sizeof(*in));
	struct fd_iter_maps t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	in[0] = mrec(9, 3, "/dev/shm/c");
	in[1] = mrec(5, 1, "/dev/shm/a");
	in[2] = mrec(9, 2, "/dev/shm/b");
	CU_ASSERT_EQUAL(fd_iter_maps_parse_inplace((char *)in, 3 * sizeof(*in), &t), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 3);
	CU_ASSERT_PTR_EQUAL(t.recs, in);	/* no copy */
	CU_ASSERT_FALSE(t.owned);
	CU_ASSERT_EQUAL(in[0].tgid, 5);	/* sorted in the caller's buffer */
	CU_ASSERT_EQUAL(in[1].ino, 3);
	CU_ASSERT_EQUAL(in[2].ino, 2);
	fd_iter_maps_free(&t);	/* does not free the caller's buffer (ASan: no double free) */
	CU_ASSERT_PTR_NULL(t.recs);
	free(in);
}

/* ---- fd_iter_maps_find ---------------------------------------------------------------------- */

static void test_maps_find(void)
{
	struct fd_iter_map_rec in[7] = {
		mrec(INT_MAX, 9, "/dev/shm/l"), mrec(1, 1, "/dev/shm/a"), mrec(51, 5, "/dev/shm/e"),
		mrec(1, 2, "/dev/shm/b"), mrec(50, 4, "/dev/shm/d"), mrec(1, 3, "/dev/shm/c"),
		mrec(51, 6, "/dev/shm/f"),
	};
	struct fd_iter_maps t, empty = { NULL, 0, false };
	size_t first = 99;

	CU_ASSERT_EQUAL_FATAL(fd_iter_maps_parse((const char *)in, sizeof(in), &t), 0);
	/* the first process, middle ones, the last */
	CU_ASSERT_EQUAL(fd_iter_maps_find(&t, 1, &first), 3);
	CU_ASSERT_EQUAL(first, 0);
	CU_ASSERT_EQUAL(t.recs[first].ino, 1);
	CU_ASSERT_EQUAL(t.recs[first + 2].ino, 3);
	CU_ASSERT_EQUAL(fd_iter_maps_find(&t, 50, &first), 1);
	CU_ASSERT_EQUAL(first, 3);
	CU_ASSERT_EQUAL(t.recs[first].ino, 4);
	CU_ASSERT_EQUAL(fd_iter_maps_find(&t, 51, &first), 2);
	CU_ASSERT_EQUAL(first, 4);
	CU_ASSERT_EQUAL(t.recs[first + 1].ino, 6);
	CU_ASSERT_EQUAL(fd_iter_maps_find(&t, INT_MAX, &first), 1);
	CU_ASSERT_EQUAL(first, 6);
	/* absent: before the first, between two, after the last */
	CU_ASSERT_EQUAL(fd_iter_maps_find(&t, 2, &first), 0);
	CU_ASSERT_EQUAL(fd_iter_maps_find(&t, 49, &first), 0);
	CU_ASSERT_EQUAL(fd_iter_maps_find(&t, 52, &first), 0);
	CU_ASSERT_EQUAL(fd_iter_maps_find(&t, INT_MAX - 1, &first), 0);
	/* pid 0 and negative pids name no process (a negative pid is not a huge tgid) */
	first = 99;
	CU_ASSERT_EQUAL(fd_iter_maps_find(&t, 0, &first), 0);
	CU_ASSERT_EQUAL(first, 0);
	CU_ASSERT_EQUAL(fd_iter_maps_find(&t, -1, &first), 0);
	CU_ASSERT_EQUAL(fd_iter_maps_find(&t, INT_MIN, &first), 0);
	/* an empty table */
	first = 99;
	CU_ASSERT_EQUAL(fd_iter_maps_find(&empty, 1, &first), 0);
	CU_ASSERT_EQUAL(first, 0);
	fd_iter_maps_free(&t);

	/* a record with tgid 0 (which the kernel never writes) is not found as pid 0 */
	struct fd_iter_map_rec z[2] = { mrec(0, 1, "/dev/shm/a"), mrec(3, 2, "/dev/shm/b") };

	CU_ASSERT_EQUAL_FATAL(fd_iter_maps_parse((const char *)z, sizeof(z), &t), 0);
	CU_ASSERT_EQUAL(fd_iter_maps_find(&t, 0, &first), 0);
	CU_ASSERT_EQUAL(fd_iter_maps_find(&t, 3, &first), 1);
	CU_ASSERT_EQUAL(first, 1);
	fd_iter_maps_free(&t);
}

/* ---- fd_iter_map_entry ---------------------------------------------------------------------- */

#define SHM_DEV makedev(0, 1)	/* mrec's /dev/shm */

struct map_out {
	int rc;
	struct map_entry m;
	char path[FD_ITER_MAP_PATH_MAX];
};

static struct map_out map_entry_on(const struct fd_iter_map_rec *r, uint64_t shm_dev)
{
	struct map_out o;

	memset(&o, 0x5a, sizeof(o));	/* nothing may be left as it was */
	o.rc = fd_iter_map_entry(r, shm_dev, &o.m, o.path, sizeof(o.path));
	return o;
}

static struct map_out map_entry(const struct fd_iter_map_rec *r)
{
	return map_entry_on(r, SHM_DEV);
}

static void test_map_entry_sysv(void)
{
	struct fd_iter_map_rec r = mrec(4242, 1709015062, "/SYSV0000162e (deleted)");
	struct map_out o;

	o = map_entry(&r);
	CU_ASSERT_EQUAL_FATAL(o.rc, 1);
	CU_ASSERT_EQUAL(o.m.pid, 4242);
	CU_ASSERT_TRUE(o.m.deleted);
	CU_ASSERT_STRING_EQUAL(o.path, "/SYSV0000162e");
	CU_ASSERT_EQUAL(o.m.inode, 1709015062);	/* the shmid */
	CU_ASSERT_EQUAL(o.m.dev, makedev(0, 1));
	CU_ASSERT_PTR_NULL(o.m.path);	/* the caller copies path */
	/* whatever /dev/shm's device: a segment is named by its flag */
	CU_ASSERT_EQUAL(map_entry_on(&r, 0).rc, 1);
	CU_ASSERT_EQUAL(map_entry_on(&r, makedev(0, 99)).rc, 1);
	/* the kernel's 12:20 dev_t as makedev(major, minor) */
	r.s_dev = (259u << 20) | 0x12345u;
	o = map_entry(&r);
	CU_ASSERT_EQUAL(o.rc, 1);
	CU_ASSERT_EQUAL(o.m.dev, makedev(259, 0x12345));
	CU_ASSERT_EQUAL(major(o.m.dev), 259);
	CU_ASSERT_EQUAL(minor(o.m.dev), 0x12345);
	r.s_dev = (4095u << 20) | 0xfffffu;
	o = map_entry(&r);
	CU_ASSERT_EQUAL(major(o.m.dev), 4095);
	CU_ASSERT_EQUAL(minor(o.m.dev), 0xfffff);
	/* a 64-bit inode is kept whole */
	r.ino = 0xfedcba9876543210ULL;
	CU_ASSERT_EQUAL(map_entry(&r).m.inode, 0xfedcba9876543210ULL);
	/* not unlinked (a kernel that would say so): no suffix to drop, still a segment */
	r.flags &= ~(unsigned)FD_ITER_MAP_DELETED;
	o = map_entry(&r);
	CU_ASSERT_EQUAL(o.rc, 1);
	CU_ASSERT_FALSE(o.m.deleted);
}

static void test_map_entry_shm(void)
{
	struct fd_iter_map_rec r = mrec(INT_MAX, 77, "/dev/shm/x");
	struct map_out o;

	o = map_entry(&r);
	CU_ASSERT_EQUAL_FATAL(o.rc, 1);
	CU_ASSERT_EQUAL(o.m.pid, INT_MAX);
	CU_ASSERT_FALSE(o.m.deleted);
	CU_ASSERT_STRING_EQUAL(o.path, "/dev/shm/x");
	CU_ASSERT_EQUAL(o.m.inode, 77);
	CU_ASSERT_EQUAL(o.m.dev, makedev(0, 1));
	CU_ASSERT_PTR_NULL(o.m.path);
	/* a semaphore's creator maps glibc's temporary name, unlinked */
	r = mrec(INT_MAX, 77, "/dev/shm/sem.Ab3dEf (deleted)");
	o = map_entry(&r);
	CU_ASSERT_EQUAL(o.rc, 1);
	CU_ASSERT_TRUE(o.m.deleted);
	CU_ASSERT_STRING_EQUAL(o.path, "/dev/shm/sem.Ab3dEf");
	/* a name that itself ends in " (deleted)" is a name, not the flag */
	r = mrec(INT_MAX, 77, "/dev/shm/a (deleted) b");
	o = map_entry(&r);
	CU_ASSERT_EQUAL(o.rc, 1);
	CU_ASSERT_FALSE(o.m.deleted);
	CU_ASSERT_STRING_EQUAL(o.path, "/dev/shm/a (deleted) b");
	/* bytes after the terminator do not count */
	memset(r.name, 'q', sizeof(r.name));
	memcpy(r.name, "y", 2);
	o = map_entry(&r);
	CU_ASSERT_EQUAL(o.rc, 1);
	CU_ASSERT_STRING_EQUAL(o.path, "/dev/shm/y");
	/* the longest name: NAME_MAX bytes and the terminator */
	memset(r.name, 'n', sizeof(r.name));
	r.name[sizeof(r.name) - 1] = '\0';
	o = map_entry(&r);
	CU_ASSERT_EQUAL(o.rc, 1);
	CU_ASSERT_EQUAL(strlen(o.path), 9 + FD_ITER_MAP_NAME_MAX - 1);
	/* a file in the root of another tmpfs is no POSIX object: skipped, not malformed */
	r = mrec(12, 77, "/dev/shm/x");
	CU_ASSERT_EQUAL(map_entry_on(&r, makedev(0, 2)).rc, 0);
	CU_ASSERT_EQUAL(map_entry_on(&r, 0).rc, 0);	/* no /dev/shm at all */
	/* a file named SYSV... in /dev/shm is a /dev/shm file, not a segment */
	r = mrec(12, 77, "/dev/shm/SYSV0000162e");
	o = map_entry(&r);
	CU_ASSERT_EQUAL(o.rc, 1);
	CU_ASSERT_STRING_EQUAL(o.path, "/dev/shm/SYSV0000162e");
}

static void test_map_entry_refused(void)
{
	struct fd_iter_map_rec r = mrec(4242, 5, "/dev/shm/x");
	struct map_out o;

	/* unterminated: every byte of the name used */
	memset(r.name, 'x', sizeof(r.name));
	o = map_entry(&r);
	CU_ASSERT_EQUAL(o.rc, -1);
	CU_ASSERT_FALSE(o.m.deleted);
	CU_ASSERT_EQUAL(o.m.pid, 0);
	CU_ASSERT_PTR_NULL(o.m.path);
	CU_ASSERT_EQUAL(o.path[0], '\0');
	/* empty, or with a '/' (no dentry name has one) */
	r = mrec(4242, 5, "/dev/shm/");
	CU_ASSERT_EQUAL(map_entry(&r).rc, -1);
	r = mrec(4242, 5, "/dev/shm/a/b");
	CU_ASSERT_EQUAL(map_entry(&r).rc, -1);
	/* neither a segment nor a top-level file, or both; unknown flags */
	r = mrec(4242, 5, "x");
	CU_ASSERT_EQUAL(map_entry(&r).rc, -1);
	r = mrec(4242, 5, "/dev/shm/x");
	r.flags |= FD_ITER_MAP_SYSV;
	CU_ASSERT_EQUAL(map_entry(&r).rc, -1);
	r = mrec(4242, 5, "/dev/shm/x");
	r.flags |= 0x100;
	CU_ASSERT_EQUAL(map_entry(&r).rc, -1);
	/* a segment not named SYSV<key> */
	r = mrec(4242, 5, "/SYSV (deleted)");
	CU_ASSERT_EQUAL(map_entry(&r).rc, -1);
	r = mrec(4242, 5, "/SYSV0 (deleted)");
	memcpy(r.name, "memfd:x", 8);
	CU_ASSERT_EQUAL(map_entry(&r).rc, -1);
	/* no process: tgid 0, or beyond a pid_t */
	r = mrec(0, 5, "/SYSV00000000 (deleted)");
	o = map_entry(&r);
	CU_ASSERT_EQUAL(o.rc, -1);
	CU_ASSERT_FALSE(o.m.deleted);
	r.tgid = (uint32_t)INT_MAX + 1u;
	CU_ASSERT_EQUAL(map_entry(&r).rc, -1);
	r.tgid = UINT32_MAX;
	CU_ASSERT_EQUAL(map_entry(&r).rc, -1);
	r.tgid = 1;
	CU_ASSERT_EQUAL(map_entry(&r).rc, 1);
	/* a record of another layout (a descriptor record's magic, version 1's) */
	r.magic = FD_ITER_MAGIC;
	CU_ASSERT_EQUAL(map_entry(&r).rc, -1);
	r.magic = 0x6970636du;
	CU_ASSERT_EQUAL(map_entry(&r).rc, -1);
	r.magic = 0;
	CU_ASSERT_EQUAL(map_entry(&r).rc, -1);
}

/* Every record of a parsed pass, as proc_maps.c walks one process. */
static void test_maps_pass_to_entries(void)
{
	struct fd_iter_map_rec in[5] = {
		mrec(901, 8, "/dev/shm/other"), mrec(900, 3, "/SYSV00000000 (deleted)"),
		mrec(900, 2, "/dev/shm/sem.Ab3dEf (deleted)"), mrec(899, 1, "/dev/shm/z"),
		mrec(900, 4, "/dev/shm/obj"),
	};
	static const char *const paths[3] = { "/SYSV00000000", "/dev/shm/sem.Ab3dEf",
					      "/dev/shm/obj" };
	static const bool deleted[3] = { true, true, false };
	static const uint64_t inodes[3] = { 3, 2, 4 };	/* the kernel's order, not sorted */
	struct fd_iter_maps t;
	size_t first, n;

	CU_ASSERT_EQUAL_FATAL(fd_iter_maps_parse((const char *)in, sizeof(in), &t), 0);
	n = fd_iter_maps_find(&t, 900, &first);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	for (size_t i = 0; i < n; i++) {
		struct map_out o = map_entry(&t.recs[first + i]);

		CU_ASSERT_EQUAL(o.rc, 1);
		CU_ASSERT_EQUAL(o.m.pid, 900);
		CU_ASSERT_EQUAL(o.m.inode, inodes[i]);
		CU_ASSERT_EQUAL(o.m.deleted, deleted[i]);
		CU_ASSERT_STRING_EQUAL(o.path, paths[i]);
	}
	fd_iter_maps_free(&t);
}

/* Without the iterator (IPCTOP_NO_BPF, or a build without BPF) open says why, and closing
 * nothing is harmless. */
static void test_open_off(void)
{
	char why[FD_ITER_KINDS][BPF_LOAD_WHY_MAX];
	struct fd_iter *it;

	setenv("IPCTOP_NO_BPF", "1", 1);
	it = fd_iter_open(why);
	CU_ASSERT_PTR_NULL(it);
	CU_ASSERT_PTR_NOT_NULL(strstr(why[FD_ITER_FDS], "off"));
	CU_ASSERT_PTR_NOT_NULL(strstr(why[FD_ITER_MAPS], "off"));
	fd_iter_close(it);
	fd_iter_close(NULL);
	unsetenv("IPCTOP_NO_BPF");
}

/* ---- bpf_load_log_reason: the verifier's reason in its log ---------------------------------- */

static void test_log_reason(void)
{
	static const char log[] =
		"func#0 @0\n0: R1=ctx() R10=fp0\n"
		"60: (85) call bpf_d_path#147\n"
		"R1 type=untrusted_ptr_ expected=ptr_, trusted_ptr_, rcu_ptr_\n"
		"processed 61 insns (limit 1000000) max_states_per_insn 0 total_states 1\n";
	char out[BPF_LOAD_WHY_MAX];

	CU_ASSERT_TRUE(bpf_load_log_reason(log, sizeof(log), out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "R1 type=untrusted_ptr_ expected=ptr_, trusted_ptr_, rcu_ptr_");
	/* 6.1's statistics lines and trailing blank lines are skipped too */
	CU_ASSERT_TRUE(bpf_load_log_reason("x\nR2 !read_ok\nprocessed 1 insns\n"
					   "verification time 5 usec\nstack depth 0\n\n\n", 200,
					   out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "R2 !read_ok");
	/* the last line without a newline; the length bounds the log (no NUL needed) */
	CU_ASSERT_TRUE(bpf_load_log_reason("a\nlast", 5, out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "las");
	/* control bytes never reach the output; a long line is cut to the buffer */
	CU_ASSERT_TRUE(bpf_load_log_reason("bad\x1b[31m\x7fx\n", 12, out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "bad?[31m?x");
	CU_ASSERT_TRUE(bpf_load_log_reason("abcdefgh", 8, out, 4));
	CU_ASSERT_STRING_EQUAL(out, "abc");
	/* nothing: empty, only blank or statistics lines */
	CU_ASSERT_FALSE(bpf_load_log_reason("", 1, out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_FALSE(bpf_load_log_reason("\n\nprocessed 3 insns\n", 30, out, sizeof(out)));
}

void test_register(void)
{
	TEST_SUITE("fd_iter_parse", NULL, NULL,
		   "an empty pass", test_parse_empty,
		   "one record, copied", test_parse_one,
		   "records out of order come out sorted by (pid, fd)", test_parse_sorted,
		   "a length not a whole number of records: EBADMSG, empty", test_parse_torn,
		   "a wrong magic anywhere: EBADMSG, empty", test_parse_bad_magic,
		   "an unaligned buffer", test_parse_unaligned);
	TEST_SUITE("fd_iter_table_find", NULL, NULL,
		   "present, absent, pid 0 and negative, first and last", test_find);
	TEST_SUITE("fd_iter_entry", NULL, NULL,
		   "socket: FDT_SOCKET, read-write", test_entry_socket,
		   "pipe on pipefs: modes, fill, capacity in pages", test_entry_pipe,
		   "pipe fill unknown: SNAP_UNKNOWN", test_entry_pipe_unknown_fill,
		   "FIFO: a pipe on another file system", test_entry_fifo,
		   "anonymous inodes by type 0 and by magic: link text and type", test_entry_anon,
		   "anonymous inode names unterminated, empty or too long", test_entry_anon_bad_name,
		   "mqueue and regular files", test_entry_mqueue_file,
		   "the kernel's dev_t as makedev(major, minor)", test_entry_dev,
		   "tgid 0 or beyond INT_MAX, fd beyond INT_MAX, bad magic", test_entry_refused,
		   "a parsed pass, record by record", test_pass_to_entries);
	TEST_SUITE("fd_iter_maps_parse", NULL, NULL,
		   "an empty pass", test_maps_parse_empty,
		   "one record, copied", test_maps_parse_one,
		   "out of order: sorted by pid, each process's records in their order",
		   test_maps_parse_sorted_stable,
		   "60 processes interleaved and descending: every process's order kept",
		   test_maps_parse_stable_many,
		   "a length not a whole number of records: EBADMSG, empty", test_maps_parse_torn,
		   "a wrong magic anywhere: EBADMSG, empty", test_maps_parse_bad_magic,
		   "at an odd address; in place misaligned: EBADMSG", test_maps_parse_unaligned,
		   "in place: no copy, sorted in the caller's buffer", test_maps_parse_inplace);
	TEST_SUITE("fd_iter_maps_find", NULL, NULL,
		   "present, absent, pid 0 and negative, first and last", test_maps_find);
	TEST_SUITE("fd_iter_map_entry", NULL, NULL,
		   "a System V segment: /SYSV<key>, deleted, shmid, dev", test_map_entry_sysv,
		   "/dev/shm files: deleted flag, temporary names, longest, other tmpfs skipped",
		   test_map_entry_shm,
		   "unterminated, empty or '/' names, bad flags, tgid 0 or beyond INT_MAX, bad magic",
		   test_map_entry_refused,
		   "a parsed pass, record by record", test_maps_pass_to_entries);
	TEST_SUITE("bpf_load_log_reason", NULL, NULL,
		   "the verifier's reason: last line before the statistics, sanitized, cut",
		   test_log_reason);
	TEST_SUITE("fd_iter_open", NULL, NULL,
		   "IPCTOP_NO_BPF: not loaded, with the reason", test_open_off);
}
