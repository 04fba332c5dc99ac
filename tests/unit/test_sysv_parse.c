/*
 * test_sysv_parse.c - the /proc/sysvipc table parser on inline text, and the sysv_msg,
 * sysv_shm and sysv_sem probes end to end on fixture trees: recorded text (sysv-basic),
 * malformed lines, extra/missing/reordered columns, empty files, header-only files.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "probes/collect.h"
#include "probes/sysv_parse.h"
#include "src/snapshot.h"
#include "tests/unit/testmain.h"

static const char msg_header[] = "       key      msqid perms      cbytes       qnum lspid lrpid   uid"
				 "   gid  cuid  cgid      stime      rtime      ctime";
static const char msg_line[] = " 305441741          2   640          60          3 13158     0     0"
			       "     0     0     0 1795256828          0 1795256828\n";

enum { W_KEY, W_ID, W_PERMS, W_QNUM, W_RTIME, W_NEW, W_COUNT };
static const struct sysv_col want[W_COUNT] = {
	[W_KEY] = { "key", 10, INT32_MIN, INT32_MAX, true },
	[W_ID] = { "msqid", 10, 0, INT32_MAX, true },
	[W_PERMS] = { "perms", 8, 0, 0177777, true },
	[W_QNUM] = { "qnum", 10, 0, INT64_MAX, false },
	[W_RTIME] = { "rtime", 10, 0, INT64_MAX, false },
	[W_NEW] = { "not_yet_a_column", 10, 0, 5, false },
};

static void test_header(void)
{
	struct sysv_header h;

	CU_ASSERT_EQUAL(sysv_header_parse(msg_header, strlen(msg_header), want, W_COUNT, &h), 0);
	CU_ASSERT_EQUAL(h.n_fields, 14u);
	CU_ASSERT_EQUAL(h.pos[W_KEY], 0);
	CU_ASSERT_EQUAL(h.pos[W_ID], 1);
	CU_ASSERT_EQUAL(h.pos[W_PERMS], 2);
	CU_ASSERT_EQUAL(h.pos[W_QNUM], 4);
	CU_ASSERT_EQUAL(h.pos[W_RTIME], 12);
	CU_ASSERT_EQUAL(h.pos[W_NEW], -1);
	/* empty header, a header without a required column */
	CU_ASSERT_EQUAL(sysv_header_parse("", 0, want, W_COUNT, &h), -EBADMSG);
	CU_ASSERT_EQUAL(sysv_header_parse("   \n", 4, want, W_COUNT, &h), -EBADMSG);
	CU_ASSERT_EQUAL(sysv_header_parse("key perms qnum", 14, want, W_COUNT, &h), -EBADMSG);
}

static void test_line(void)
{
	struct sysv_header h;
	struct sysv_row r;

	CU_ASSERT_EQUAL_FATAL(sysv_header_parse(msg_header, strlen(msg_header), want, W_COUNT, &h), 0);
	CU_ASSERT_EQUAL(sysv_line_parse(msg_line, strlen(msg_line), want, W_COUNT, &h, &r), 0);
	CU_ASSERT_EQUAL(r.v[W_KEY], 305441741);		/* decimal: 0x1234abcd */
	CU_ASSERT_EQUAL(r.v[W_ID], 2);
	CU_ASSERT_EQUAL(r.v[W_PERMS], 0640);		/* octal */
	CU_ASSERT_EQUAL(r.v[W_QNUM], 3);
	CU_ASSERT_EQUAL(r.v[W_RTIME], 0);
	CU_ASSERT_EQUAL(r.have, (1u << W_KEY) | (1u << W_ID) | (1u << W_PERMS) | (1u << W_QNUM) |
				(1u << W_RTIME));
	CU_ASSERT_EQUAL(sysv_get(&r, W_NEW, -7), -7);
	CU_ASSERT_EQUAL(sysv_get(&r, W_QNUM, -7), 3);
}

static void test_line_malformed(void)
{
	static const char *const bad[] = {
		"",								/* nothing */
		" 305441741          2   640          60          3 13158",	/* truncated */
		" 305441741          2   640          60          3 13158     0     0     0     0     0 "
		"1795256828          0 1795256828 99",				/* extra field */
		" 305441741          2   640          60        abc 13158     0     0     0     0     0 "
		"1795256828          0 1795256828",				/* word */
		" 305441741          2   680          60          3 13158     0     0     0     0     0 "
		"1795256828          0 1795256828",				/* 8 in octal */
		"4294967296          2   640          60          3 13158     0     0     0     0     0 "
		"1795256828          0 1795256828",				/* key > int32 */
		" 305441741          2   640          60 99999999999999999999 13158 0 0 0 0 0 "
		"1795256828          0 1795256828",				/* > int64 */
		" 305441741         -2   640          60          3 13158     0     0     0     0     0 "
		"1795256828          0 1795256828",				/* negative id */
		" 305441741          2   640          60          - 13158     0     0     0     0     0 "
		"1795256828          0 1795256828",				/* lone sign */
	};
	struct sysv_header h;
	struct sysv_row r;

	CU_ASSERT_EQUAL_FATAL(sysv_header_parse(msg_header, strlen(msg_header), want, W_COUNT, &h), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = sysv_line_parse(bad[i], strlen(bad[i]), want, W_COUNT, &h, &r);

		if (rc != -EBADMSG)
			fprintf(stderr, "accepted bad line %zu: %s\n", i, bad[i]);
		CU_ASSERT_EQUAL(rc, -EBADMSG);
	}
	/* the extremes of a range are accepted */
	static const char extremes[] = "-2147483648 2147483647 177777 0 0 0 0 0 0 0 0 0 0 0";

	CU_ASSERT_EQUAL(sysv_line_parse(extremes, strlen(extremes), want, W_COUNT, &h, &r), 0);
	CU_ASSERT_EQUAL(r.v[W_KEY], INT32_MIN);
	CU_ASSERT_EQUAL(r.v[W_ID], INT32_MAX);
	CU_ASSERT_EQUAL(r.v[W_PERMS], 0177777);
}

/* ---- probes on fixture trees ---- */

static struct snapshot *collect_fixture(const char *scenario)
{
	struct collector *c;
	struct snapshot *s = NULL;
	int err = 0;

	c = collector_new(&(struct collect_opts){ .sysroot = test_fixture(scenario) }, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(collector_collect(c, &s), 0);
	collector_free(c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	snapshot_sort(s);
	return s;
}

static bool has_error(const struct snapshot *s, const char *where, const char *error)
{
	for (size_t i = 0; i < s->n_errors; i++)
		if (strcmp(s->errors[i].where, where) == 0 && strcmp(s->errors[i].error, error) == 0)
			return true;
	return false;
}

static size_t count_errors_prefix(const struct snapshot *s, const char *prefix)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_errors; i++)
		n += strncmp(s->errors[i].where, prefix, strlen(prefix)) == 0;
	return n;
}

static const struct snap_source *source(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->n_sources; i++)
		if (strcmp(s->sources[i].name, name) == 0)
			return &s->sources[i];
	return NULL;
}

static void test_fixture_basic(void)
{
	struct snapshot *s = collect_fixture("sysv-basic");
	const struct msgq_rec *q;
	const struct shm_rec *m;
	const struct sem_rec *e;

	CU_ASSERT_TRUE(source(s, "sysv_msg") && source(s, "sysv_msg")->ok);
	CU_ASSERT_TRUE(source(s, "sysv_shm") && source(s, "sysv_shm")->ok);
	CU_ASSERT_TRUE(source(s, "sysv_sem") && source(s, "sysv_sem")->ok);

	CU_ASSERT_EQUAL(s->n_msgqs, 1u);
	q = snapshot_find_msgq(s, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_EQUAL(q->perm.key, 0x1234abcd);
	CU_ASSERT_EQUAL(q->perm.mode, 0640u);
	CU_ASSERT_EQUAL(q->perm.uid, 0u);
	CU_ASSERT_EQUAL(q->perm.cgid, 0u);
	CU_ASSERT_EQUAL(q->bytes, 60);
	CU_ASSERT_EQUAL(q->messages, 3);
	CU_ASSERT_EQUAL(q->last_send_pid, 13158);
	CU_ASSERT_EQUAL(q->last_recv_pid, 0);
	CU_ASSERT_EQUAL(q->stime, 1795256828);
	CU_ASSERT_EQUAL(q->rtime, 0);
	CU_ASSERT_EQUAL(q->ctime, 1795256828);
	/* not the live system: no msgctl, and the reason is given once */
	CU_ASSERT_EQUAL(q->max_bytes, SNAP_UNKNOWN);
	CU_ASSERT_TRUE(has_error(s, "sysvipc/msg max_bytes", "unavailable with --sysroot"));

	CU_ASSERT_EQUAL(s->n_shms, 2u);
	m = snapshot_find_shm(s, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->perm.key, 0);
	CU_ASSERT_EQUAL(m->perm.mode, 0600u);
	CU_ASSERT_EQUAL(m->size, 8192);
	CU_ASSERT_EQUAL(m->creator_pid, 13158);
	CU_ASSERT_EQUAL(m->last_pid, 13160);
	CU_ASSERT_EQUAL(m->nattch, 2);
	CU_ASSERT_EQUAL(m->rss, 4096);
	CU_ASSERT_EQUAL(m->swap, 0);
	CU_ASSERT_EQUAL(m->atime, 1795256828);
	CU_ASSERT_EQUAL(m->dtime, 0);
	CU_ASSERT_FALSE(m->destroy_pending);
	/* removed while attached: SHM_DEST shown in perms, key reset to IPC_PRIVATE */
	m = snapshot_find_shm(s, 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_TRUE(m->destroy_pending);
	CU_ASSERT_EQUAL(m->perm.mode, 0644u);
	CU_ASSERT_EQUAL(m->nattch, 1);
	CU_ASSERT_EQUAL(m->size, 4096);

	CU_ASSERT_EQUAL(s->n_sems, 1u);
	e = snapshot_find_sem(s, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->nsems, 3);
	CU_ASSERT_EQUAL(e->perm.mode, 0600u);
	CU_ASSERT_EQUAL(e->otime, 0);
	CU_ASSERT_EQUAL(e->ctime, 1795256828);
	CU_ASSERT_PTR_NULL(e->values);
	CU_ASSERT_PTR_NULL(e->wait_increase);
	CU_ASSERT_TRUE(has_error(s, "sysvipc/sem values", "unavailable with --sysroot"));
	CU_ASSERT_EQUAL(count_errors_prefix(s, "sysvipc/"), 2u);
	snapshot_unref(s);
}

static void test_fixture_malformed(void)
{
	struct snapshot *s = collect_fixture("sysv-malformed");
	const struct msgq_rec *q;
	const struct shm_rec *m;
	static const char *const msg_bad[] = { "sysvipc/msg line 3", "sysvipc/msg line 4",
					       "sysvipc/msg line 5", "sysvipc/msg line 6",
					       "sysvipc/msg line 7", "sysvipc/msg line 9" };

	/* the well-formed lines are all there; a bad line does not fail the source */
	CU_ASSERT_TRUE(source(s, "sysv_msg") && source(s, "sysv_msg")->ok);
	CU_ASSERT_EQUAL(s->n_msgqs, 2u);
	CU_ASSERT_PTR_NOT_NULL(snapshot_find_msgq(s, 2));
	q = snapshot_find_msgq(s, 32775);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_EQUAL(q->perm.key, (int32_t)0xdeadbeef);	/* printed as -559038737 */
	CU_ASSERT_EQUAL(q->perm.uid, 1000u);
	CU_ASSERT_EQUAL(q->last_send_pid, 4242);
	CU_ASSERT_EQUAL(q->last_recv_pid, 4243);
	for (size_t i = 0; i < sizeof(msg_bad) / sizeof(msg_bad[0]); i++)
		CU_ASSERT_TRUE(has_error(s, msg_bad[i], "malformed"));
	CU_ASSERT_EQUAL(count_errors_prefix(s, "sysvipc/msg line"), 6u);

	CU_ASSERT_EQUAL(s->n_shms, 2u);
	CU_ASSERT_TRUE(has_error(s, "sysvipc/shm line 3", "malformed"));
	CU_ASSERT_TRUE(has_error(s, "sysvipc/shm line 4", "malformed"));
	CU_ASSERT_TRUE(has_error(s, "sysvipc/shm line 5", "malformed"));
	CU_ASSERT_EQUAL(count_errors_prefix(s, "sysvipc/shm line"), 3u);	/* blank line 6 is not */
	m = snapshot_find_shm(s, 32776);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->perm.key, 0x123456);
	CU_ASSERT_TRUE(m->destroy_pending);
	CU_ASSERT_EQUAL(m->perm.mode, 02600u);	/* SHM_LOCKED stays, SHM_DEST moved out */
	CU_ASSERT_EQUAL(m->rss, 8192);
	CU_ASSERT_EQUAL(m->swap, 4096);
	CU_ASSERT_EQUAL(m->size, 1048576);
	CU_ASSERT_EQUAL(m->n_attached, 0u);
	CU_ASSERT_PTR_NOT_NULL(m->attached_pids);	/* known: nobody */

	CU_ASSERT_EQUAL(s->n_sems, 1u);
	CU_ASSERT_PTR_NOT_NULL(snapshot_find_sem(s, 32770));
	CU_ASSERT_TRUE(has_error(s, "sysvipc/sem line 2", "malformed"));
	CU_ASSERT_TRUE(has_error(s, "sysvipc/sem line 3", "malformed"));
	snapshot_unref(s);
}

static void test_fixture_columns(void)
{
	struct snapshot *s = collect_fixture("sysv-columns");
	const struct msgq_rec *q;
	const struct shm_rec *m;
	const struct sem_rec *e;

	/* msg: an unknown "flags" column in the middle is skipped; no rtime column */
	q = snapshot_find_msgq(s, 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_EQUAL(q->perm.key, 17);
	CU_ASSERT_EQUAL(q->perm.mode, 0600u);
	CU_ASSERT_EQUAL(q->bytes, 100);
	CU_ASSERT_EQUAL(q->messages, 4);
	CU_ASSERT_EQUAL(q->last_send_pid, 321);
	CU_ASSERT_EQUAL(q->last_recv_pid, 322);
	CU_ASSERT_EQUAL(q->perm.uid, 1000u);
	CU_ASSERT_EQUAL(q->perm.gid, 1001u);
	CU_ASSERT_EQUAL(q->perm.cuid, 1002u);
	CU_ASSERT_EQUAL(q->perm.cgid, 1003u);
	CU_ASSERT_EQUAL(q->stime, 1795256800);
	CU_ASSERT_EQUAL(q->rtime, SNAP_UNKNOWN);
	CU_ASSERT_EQUAL(q->ctime, 1795256700);
	CU_ASSERT_TRUE(has_error(s, "sysvipc/msg", "no column rtime"));

	/* shm as older kernels print it: no rss, no swap */
	m = snapshot_find_shm(s, 33);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->size, 65536);
	CU_ASSERT_EQUAL(m->rss, SNAP_UNKNOWN);
	CU_ASSERT_EQUAL(m->swap, SNAP_UNKNOWN);
	CU_ASSERT_TRUE(m->destroy_pending);
	CU_ASSERT_EQUAL(m->dtime, 1795256802);
	CU_ASSERT_TRUE(has_error(s, "sysvipc/shm", "no column rss"));
	CU_ASSERT_TRUE(has_error(s, "sysvipc/shm", "no column swap"));

	/* sem: id before key, no nsems, no otime */
	e = snapshot_find_sem(s, 34);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->perm.key, 19);
	CU_ASSERT_EQUAL(e->perm.mode, 0644u);
	CU_ASSERT_EQUAL(e->perm.uid, 5u);
	CU_ASSERT_EQUAL(e->perm.cgid, 8u);
	CU_ASSERT_EQUAL(e->nsems, -1);
	CU_ASSERT_EQUAL(e->otime, SNAP_UNKNOWN);
	CU_ASSERT_EQUAL(e->ctime, 1795256804);
	CU_ASSERT_TRUE(has_error(s, "sysvipc/sem", "no column nsems"));
	CU_ASSERT_TRUE(has_error(s, "sysvipc/sem", "no column otime"));
	CU_ASSERT_EQUAL(count_errors_prefix(s, "sysvipc/"), 5u + 2u);	/* + 2 "--sysroot" notes */
	snapshot_unref(s);
}

static void test_fixture_empty(void)
{
	struct snapshot *s = collect_fixture("sysv-empty");
	const struct snap_source *src;

	CU_ASSERT_EQUAL(s->n_msgqs + s->n_shms + s->n_sems, 0u);
	CU_ASSERT_TRUE(has_error(s, "sysvipc/msg", "empty file"));
	CU_ASSERT_TRUE(has_error(s, "sysvipc/shm", "empty file"));
	CU_ASSERT_TRUE(has_error(s, "sysvipc/sem", "empty file"));
	src = source(s, "sysv_msg");
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	CU_ASSERT_FALSE(src->ok);
	CU_ASSERT_STRING_EQUAL(src->error, "EBADMSG");
	snapshot_unref(s);

	/* only the header: a valid, empty table */
	s = collect_fixture("sysv-headeronly");
	CU_ASSERT_EQUAL(s->n_msgqs + s->n_shms + s->n_sems, 0u);
	CU_ASSERT_TRUE(source(s, "sysv_shm") && source(s, "sysv_shm")->ok);
	CU_ASSERT_EQUAL(count_errors_prefix(s, "sysvipc/"), 0u);
	snapshot_unref(s);
}

static void test_fixture_missing(void)
{
	/* a tree without sysvipc/ at all (a kernel without CONFIG_SYSVIPC) */
	struct snapshot *s = collect_fixture("sysv-nosysvipc");
	const struct snap_source *src;

	src = source(s, "sysv_sem");
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	CU_ASSERT_FALSE(src->ok);
	CU_ASSERT_STRING_EQUAL(src->error, "ENOENT");
	CU_ASSERT_TRUE(has_error(s, "sysvipc/sem", "ENOENT"));
	snapshot_unref(s);
}

void test_register(void)
{
	TEST_SUITE("sysv_parse", NULL, NULL,
		   "header: columns found by name", test_header,
		   "line: values by column", test_line,
		   "line: malformed", test_line_malformed,
		   "probes on fixture sysv-basic", test_fixture_basic,
		   "probes on fixture sysv-malformed", test_fixture_malformed,
		   "probes on fixture sysv-columns", test_fixture_columns,
		   "probes on empty and header-only files", test_fixture_empty,
		   "probes without /proc/sysvipc", test_fixture_missing);
}
