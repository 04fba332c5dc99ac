/*
 * test_format.c - the value formatters, object ids, the column tables (every cell of every
 * kind on a record full of unknowns), and the text output built from them.
 */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "src/diff.h"
#include "src/format.h"
#include "src/text_out.h"
#include "tests/unit/testmain.h"

static char b[FMT_CELL_MAX];

static void test_bytes_int(void)
{
	CU_ASSERT_STRING_EQUAL(fmt_bytes(SNAP_UNKNOWN, b, sizeof(b)), "?");
	CU_ASSERT_STRING_EQUAL(fmt_bytes(0, b, sizeof(b)), "0");
	CU_ASSERT_STRING_EQUAL(fmt_bytes(1023, b, sizeof(b)), "1023");
	CU_ASSERT_STRING_EQUAL(fmt_bytes(1536, b, sizeof(b)), "1.5K");
	CU_ASSERT_STRING_EQUAL(fmt_bytes(16384, b, sizeof(b)), "16K");
	CU_ASSERT_STRING_EQUAL(fmt_bytes(65536, b, sizeof(b)), "64K");
	CU_ASSERT_STRING_EQUAL(fmt_bytes(12LL << 20, b, sizeof(b)), "12M");
	CU_ASSERT_STRING_EQUAL(fmt_bytes(3LL << 30, b, sizeof(b)), "3.0G");
	CU_ASSERT_STRING_EQUAL(fmt_int(SNAP_UNKNOWN, b, sizeof(b)), "?");
	CU_ASSERT_STRING_EQUAL(fmt_int(0, b, sizeof(b)), "0");
	CU_ASSERT_STRING_EQUAL(fmt_int(123456789012LL, b, sizeof(b)), "123456789012");
	/* never overflows a small buffer */
	CU_ASSERT_STRING_EQUAL(fmt_int(123456, b, 4), "123");
}

static void test_rate_age(void)
{
	CU_ASSERT_STRING_EQUAL(fmt_rate(NAN, b, sizeof(b)), "?");
	CU_ASSERT_STRING_EQUAL(fmt_rate(0.0, b, sizeof(b)), "0");
	CU_ASSERT_STRING_EQUAL(fmt_rate(2.0, b, sizeof(b)), "2");
	CU_ASSERT_STRING_EQUAL(fmt_rate(2.5, b, sizeof(b)), "2.5");
	CU_ASSERT_STRING_EQUAL(fmt_rate(-200.0, b, sizeof(b)), "-200");
	CU_ASSERT_STRING_EQUAL(fmt_rate(1500.0, b, sizeof(b)), "1.5K");
	CU_ASSERT_STRING_EQUAL(fmt_rate(2500000.0, b, sizeof(b)), "2.5M");
	CU_ASSERT_STRING_EQUAL(fmt_age(-1, b, sizeof(b)), "?");
	CU_ASSERT_STRING_EQUAL(fmt_age(NAN, b, sizeof(b)), "?");
	CU_ASSERT_STRING_EQUAL(fmt_age(0.85, b, sizeof(b)), "850ms");
	CU_ASSERT_STRING_EQUAL(fmt_age(42, b, sizeof(b)), "42s");
	CU_ASSERT_STRING_EQUAL(fmt_age(185, b, sizeof(b)), "3m05s");
	CU_ASSERT_STRING_EQUAL(fmt_age(2 * 3600 + 7 * 60 + 5, b, sizeof(b)), "2h07m");
	CU_ASSERT_STRING_EQUAL(fmt_age(3 * 86400 + 4 * 3600, b, sizeof(b)), "3d04h");
}

static void test_perms_key(void)
{
	CU_ASSERT_STRING_EQUAL(fmt_perms(0644, b, sizeof(b)), "0644");
	CU_ASSERT_STRING_EQUAL(fmt_perms(01600, b, sizeof(b)), "0600");	/* SHM_DEST apart */
	CU_ASSERT_STRING_EQUAL(fmt_perms(0, b, sizeof(b)), "0000");
	CU_ASSERT_STRING_EQUAL(fmt_key(0, b, sizeof(b)), "0x00000000");
	CU_ASSERT_STRING_EQUAL(fmt_key(0x1234abcd, b, sizeof(b)), "0x1234abcd");
	CU_ASSERT_STRING_EQUAL(fmt_key(-1, b, sizeof(b)), "0xffffffff");
}

#define BIT(sig) (1ULL << ((sig) - 1))

static void test_sigmask(void)
{
	char small[16];

	CU_ASSERT_STRING_EQUAL(fmt_sigmask(0, b, sizeof(b)), "-");
	CU_ASSERT_STRING_EQUAL(fmt_sigmask(BIT(SIGINT) | BIT(SIGTERM), b, sizeof(b)), "INT,TERM");
	CU_ASSERT_STRING_EQUAL(fmt_sigmask(BIT(32) | BIT(33) | BIT(SIGRTMIN + 2), b, sizeof(b)),
			       "SIG32,SIG33,RTMIN+2");
	/* truncated with a count of what did not fit */
	fmt_sigmask(~0ULL, small, sizeof(small));
	CU_ASSERT_TRUE(strlen(small) < sizeof(small));
	CU_ASSERT_PTR_NOT_NULL(strchr(small, '+'));
	CU_ASSERT_EQUAL(strncmp(small, "HUP,INT", 7), 0);
}

static void test_lists(void)
{
	const pid_t pids[] = { 12, 15, 20 };
	const struct endpoint e[] = {
		{ 1, 3, FD_MODE_READ }, { 2, 4, FD_MODE_WRITE }, { 3, 5, FD_MODE_RDWR },
	};
	char small[12];

	CU_ASSERT_STRING_EQUAL(fmt_pids(pids, 3, b, sizeof(b)), "12,15,20");
	CU_ASSERT_STRING_EQUAL(fmt_pids(NULL, 0, b, sizeof(b)), "-");
	fmt_pids(pids, 3, small, 10);
	CU_ASSERT_STRING_EQUAL(small, "12,+2");
	CU_ASSERT_STRING_EQUAL(fmt_endpoints(e, 3, 0, b, sizeof(b)), "1:3,2:4,3:5");
	CU_ASSERT_STRING_EQUAL(fmt_endpoints(e, 3, FD_MODE_READ, b, sizeof(b)), "1:3,3:5");
	CU_ASSERT_STRING_EQUAL(fmt_endpoints(e, 3, FD_MODE_WRITE, b, sizeof(b)), "2:4,3:5");
	CU_ASSERT_STRING_EQUAL(fmt_endpoints(e, 1, FD_MODE_WRITE, b, sizeof(b)), "-");
}

static void test_ids_names(void)
{
	struct pipe_rec p = { .kind = PIPE_FIFO, .inode = 77 };
	struct proc_wait w = { .kind = WAIT_PIPE_READ, .object = "pipe:9", .detail = "fd 4" };
	struct proc_wait none = { .kind = WAIT_NONE };
	struct proc_rec pr = { .zombie = true, .orphan = true };

	CU_ASSERT_STRING_EQUAL(fmt_id_pipe(&p, b, sizeof(b)), "fifo:77");
	p.kind = PIPE_ANON;
	CU_ASSERT_STRING_EQUAL(fmt_id_pipe(&p, b, sizeof(b)), "pipe:77");
	CU_ASSERT_STRING_EQUAL(fmt_id_usock(5, b, sizeof(b)), "unix:5");
	CU_ASSERT_STRING_EQUAL(fmt_id_msgq(3, b, sizeof(b)), "msg:3");
	CU_ASSERT_STRING_EQUAL(fmt_id_shm(4, b, sizeof(b)), "shm:4");
	CU_ASSERT_STRING_EQUAL(fmt_id_sem(0, b, sizeof(b)), "sem:0");
	CU_ASSERT_STRING_EQUAL(fmt_id_pmq("q", b, sizeof(b)), "pmq:q");
	CU_ASSERT_STRING_EQUAL(fmt_id_pshm(&(struct pshm_rec){ .name = "s" }, b, sizeof(b)), "pshm:s");
	CU_ASSERT_STRING_EQUAL(fmt_id_psem(&(struct psem_rec){ .name = "m" }, b, sizeof(b)), "psem:m");
	CU_ASSERT_STRING_EQUAL(fmt_id_pshm(&(struct pshm_rec){ .name = "s", .inode = 9, .deleted = true },
					   b, sizeof(b)), "pshm:deleted/9");
	CU_ASSERT_STRING_EQUAL(fmt_id_psem(&(struct psem_rec){ .name = "AbC12x", .inode = 10,
							       .deleted = true }, b, sizeof(b)),
			       "psem:deleted/10");
	CU_ASSERT_STRING_EQUAL(fmt_id_pmq("a\\b\x9b" "c\xe2\x80\xae", b, sizeof(b)),
			       "pmq:a\\\\b\\x9bc\\xe2\\x80\\xae");
	CU_ASSERT_STRING_EQUAL(fmt_id_proc(42, b, sizeof(b)), "pid:42");
	CU_ASSERT_STRING_EQUAL(fmt_wait(&w, b, sizeof(b)), "pipe_read pipe:9 (fd 4)");
	CU_ASSERT_STRING_EQUAL(fmt_wait(&none, b, sizeof(b)), "-");
	CU_ASSERT_STRING_EQUAL(fmt_proc_flags(&pr, b, sizeof(b)), "ZO");
	pr.zombie = pr.orphan = false;
	CU_ASSERT_STRING_EQUAL(fmt_proc_flags(&pr, b, sizeof(b)), "-");
	CU_ASSERT_STRING_EQUAL(fmt_socktype(SOCK_DGRAM), "dgram");
	CU_ASSERT_STRING_EQUAL(fmt_socktype(12345), "?");
	CU_ASSERT_STRING_EQUAL(fmt_sockstate(10), "listen");
	CU_ASSERT_STRING_EQUAL(fmt_sockstate(1), "established");
	CU_ASSERT_STRING_EQUAL(fmt_sockstate(7), "unconnected");
	CU_ASSERT_STRING_EQUAL(fmt_sockstate(99), "?");
}

/* One record of every kind, every value unknown: each table formats each cell. */
static struct snapshot *unknowns(void)
{
	struct snapshot *s = snapshot_new();

	snapshot_add_proc(s)->pid = 5;
	snapshot_add_thread(s)->tid = 6;
	snapshot_add_pipe(s)->inode = 7;
	snapshot_add_usock(s)->inode = 8;
	snapshot_add_msgq(s)->perm.id = 9;
	snapshot_add_shm(s)->perm.id = 10;
	snapshot_add_sem(s)->nsems = 2;
	snapshot_add_pmq(s);
	snapshot_add_pshm(s);
	snapshot_add_psem(s);
	snapshot_add_miscfd(s);
	snapshot_add_sigevent(s);
	snapshot_add_deadlock(s);
	snapshot_add_stall(s);
	snapshot_seal(s);
	return s;
}

static void test_tables(void)
{
	struct snapshot *s = unknowns();
	struct fmt_ctx ctx = { .snap = s, .delta = NULL };

	for (int k = 0; k < FMT_KIND_COUNT; k++) {
		const struct fmt_table *t = fmt_table_get((enum fmt_kind)k);
		const void *rec;
		char id[FMT_ID_MAX];
		int flex = 0;

		CU_ASSERT_EQUAL(t->kind, k);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t->name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t->title);
		CU_ASSERT_TRUE_FATAL(t->n_cols > 0);
		CU_ASSERT_EQUAL(t->count(s), 1);
		rec = t->row(s, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
		CU_ASSERT_PTR_NULL(t->row(s, 1));
		CU_ASSERT_TRUE(strlen(t->id(rec, id, sizeof(id))) > 0);
		for (size_t c = 0; c < t->n_cols; c++) {
			const char *cell = t->cols[c].cell(&ctx, rec, b, sizeof(b));

			CU_ASSERT_PTR_NOT_NULL_FATAL(cell);
			CU_ASSERT_TRUE(strlen(cell) > 0);	/* unknown is "?", absent "-" */
			CU_ASSERT_TRUE(strlen(t->cols[c].title) > 0);
			flex += t->cols[c].width == 0;
		}
		CU_ASSERT_TRUE(flex <= 1);
	}
	CU_ASSERT_STRING_EQUAL(fmt_table_get(FMT_MSG_QUEUES)->name, "msg_queues");
	CU_ASSERT_STRING_EQUAL(fmt_table_get(FMT_SHM_SEGMENTS)->name, "shm_segments");
	snapshot_unref(s);
}

/* Finds the cell of the column titled `title` for row i of kind k. */
static const char *cell_of(const struct fmt_ctx *ctx, enum fmt_kind k, size_t i, const char *title)
{
	const struct fmt_table *t = fmt_table_get(k);

	for (size_t c = 0; c < t->n_cols; c++)
		if (strcmp(t->cols[c].title, title) == 0)
			return t->cols[c].cell(ctx, t->row(ctx->snap, i), b, sizeof(b));
	CU_FAIL("no such column");
	return "";
}

static void test_cells(void)
{
	struct snapshot *a = snapshot_new(), *s = snapshot_new();
	struct snapshot_delta *d;
	struct fmt_ctx ctx = { .snap = s };
	struct msgq_rec *q;
	struct proc_rec *p;

	a->time = 10;
	s->time = 12;
	q = snapshot_add_msgq(a);
	q->perm.id = 3;
	q->perm.key = 0x41;
	q->messages = 1;
	q->bytes = 100;
	q = snapshot_add_msgq(s);
	q->perm.id = 3;
	q->perm.key = 0x41;
	q->perm.mode = 0600;
	q->messages = 5;
	q->bytes = 4196;
	q->max_bytes = 16384;
	q->last_send_pid = 77;
	p = snapshot_add_proc(s);
	p->pid = 77;
	p->state = 'S';
	p->comm = snapshot_strdup(s, "kworker");
	p->cmdline = snapshot_strdup(s, "");
	p->kthread = true;
	p = snapshot_add_proc(s);	/* a fork that renamed itself keeps its parent's cmdline */
	p->pid = 78;
	p->comm = snapshot_strdup(s, "pipe-writer");
	p->cmdline = snapshot_strdup(s, "/usr/bin/ipctop demo run pipe");
	p = snapshot_add_proc(s);	/* comm cut to 15 bytes still names the program */
	p->pid = 79;
	p->comm = snapshot_strdup(s, "a-very-long-nam");
	p->cmdline = snapshot_strdup(s, "./a-very-long-name-indeed -x");
	snapshot_seal(a);
	snapshot_seal(s);

	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_MSG_QUEUES, 0, "KEY"), "0x00000041");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_MSG_QUEUES, 0, "PERMS"), "0600");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_MSG_QUEUES, 0, "BYTES"), "4.1K");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_MSG_QUEUES, 0, "FILL"), "25%");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_MSG_QUEUES, 0, "LSPID"), "77");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_MSG_QUEUES, 0, "LRPID"), "-");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_MSG_QUEUES, 0, "MSG/S"), "-");	/* no delta */
	d = snapshot_diff(a, s);
	ctx.delta = d;
	/* throughput was not counted (no traffic counters): unknown, never the fill change */
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_MSG_QUEUES, 0, "MSG/S"), "?");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_MSG_QUEUES, 0, "B/S"), "?");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_PROCESSES, 0, "COMMAND"), "[kworker]");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_PROCESSES, 1, "COMMAND"),
			       "{pipe-writer} /usr/bin/ipctop demo run pipe");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_PROCESSES, 2, "COMMAND"),
			       "./a-very-long-name-indeed -x");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_PROCESSES, 0, "FLG"), "K");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_PROCESSES, 0, "PENDING"), "?");
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(s);
}

/* A /proc/sysvipc table without its pid, uid or nsems columns: "?" (unknown), never -1 or
 * 4294967295; pid 0 (none yet) stays "-". */
static void test_sysv_unknown_cells(void)
{
	struct snapshot *s = snapshot_new();
	struct fmt_ctx ctx = { .snap = s };
	struct msgq_rec *q = snapshot_add_msgq(s);
	struct shm_rec *m = snapshot_add_shm(s);
	struct sem_rec *sm = snapshot_add_sem(s);

	q->perm.id = 1;
	q->perm.uid = (uid_t)-1;
	q->last_send_pid = -1;
	q->last_recv_pid = 0;
	m->perm.id = 2;
	m->perm.uid = (uid_t)-1;
	m->creator_pid = -1;
	m->last_pid = -1;
	sm->perm.id = 3;
	sm->perm.uid = 1000;
	sm->nsems = -1;
	snapshot_seal(s);

	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_MSG_QUEUES, 0, "UID"), "?");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_MSG_QUEUES, 0, "LSPID"), "?");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_MSG_QUEUES, 0, "LRPID"), "-");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_SHM_SEGMENTS, 0, "UID"), "?");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_SHM_SEGMENTS, 0, "CPID"), "?");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_SHM_SEGMENTS, 0, "LPID"), "?");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_SEM_SETS, 0, "UID"), "1000");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_SEM_SETS, 0, "NSEMS"), "?");
	CU_ASSERT_STRING_EQUAL(cell_of(&ctx, FMT_SEM_SETS, 0, "VALUES"), "?");
	snapshot_unref(s);
}

static void test_text_out(void)
{
	struct snapshot *s = snapshot_new();
	struct proc_rec *p;
	struct shm_rec *m;
	struct pmq_rec *q;
	char *buf = NULL, idbuf[FMT_ID_MAX];
	size_t len = 0;
	FILE *f;

	s->time = 1700000000;
	p = snapshot_add_proc(s);
	p->pid = 4321;
	p->ppid = 1;
	p->state = 'R';
	p->comm = snapshot_strdup(s, "evil");
	p->cmdline = snapshot_strdup(s, "evil \x1b[2Jclear");
	p = snapshot_add_proc(s);
	p->pid = 4322;
	p->comm = snapshot_strdup(s, "c1\x9b");
	p->cmdline = snapshot_strdup(s, "c1 \x9b\xc2\x9b bidi \xe2\x80\xae" "abc \xe4\xb8\xad");
	m = snapshot_add_shm(s);
	m->perm.id = 12;
	m->nattch = 3;		/* attachers unknown */
	q = snapshot_add_pmq(s);
	q->name = snapshot_strdup(s, "q\\\x1b");
	snapshot_add_error(s, fmt_id_pmq(q->name, idbuf, sizeof(idbuf)), "EACCES");
	snapshot_add_error(s, "shm 12 attachers", "EACCES");
	snapshot_set_source(s, "sysv_shm", false, "EACCES");
	snapshot_seal(s);

	f = open_memstream(&buf, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(text_out_write(f, s, NULL), 0);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "Processes (2)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "Message queues (0)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "Shared memory (1)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "PID"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "NATTCH"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "4321"));
	CU_ASSERT_PTR_NULL(strchr(buf, '\x1b'));	/* escape sequences never printed */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "evil \\x1b[2Jclear"));
	CU_ASSERT_PTR_NULL(strstr(buf, "\x9b"));	/* C1 CSI, raw or as UTF-8 */
	CU_ASSERT_PTR_NULL(strstr(buf, "\xc2\x9b"));
	CU_ASSERT_PTR_NULL(strstr(buf, "\xe2\x80\xae"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "c1 \\x9b\\xc2\\x9b bidi \\xe2\\x80\\xaeabc \xe4\xb8\xad"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "/q\\\\\\x1b"));	/* POSIX names as in their ids */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "pmq:q\\\\\\x1b: EACCES"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "sysv_shm FAILED: EACCES"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "shm 12 attachers: EACCES"));
	CU_ASSERT_PTR_NULL(strstr(buf, "Threads ("));	/* empty extension tables left out */
	free(buf);
	snapshot_unref(s);
}

/* The one sanitizer: what is escaped, what is kept, and that nothing is cut in two. */
static void test_escape(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain name", "plain name" },
		{ "nl\nA", "nl\\x0aA" },
		{ "tab\tdel\x7f", "tab\\x09del\\x7f" },
		{ "esc\x1b[31m", "esc\\x1b[31m" },
		{ "raw\x9b" "csi", "raw\\x9bcsi" },			/* a C1 byte that is not UTF-8 */
		{ "u\xc2\x80 u\xc2\x9f u\xc2\xa0", "u\\xc2\\x80 u\\xc2\\x9f u\xc2\xa0" },	/* C1 as UTF-8; NBSP kept */
		{ "\xe2\x80\xae" "evil", "\\xe2\\x80\\xaeevil" },		/* U+202E */
		{ "\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9", "\\xe2\\x80\\xaa\\xe2\\x81\\xa6\\xe2\\x81\\xa9" },
		{ "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\\xe2\\x80\\x8e\\xe2\\x80\\x8f\\xd8\\x9c" },
		{ "\xe2\x80\xa8", "\\xe2\\x80\\xa8" },			/* line separator */
		{ "\xe4\xb8\xad\xe6\x96\x87", "\xe4\xb8\xad\xe6\x96\x87" },	/* Chinese kept */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },		/* 4 bytes kept */
		{ "\xc0\xaf", "\\xc0\\xaf" },				/* overlong */
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },			/* surrogate */
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" },		/* > U+10FFFF */
		{ "cut\xe4\xb8", "cut\\xe4\\xb8" },			/* truncated sequence */
		{ "back\\slash", "back\\slash" },
	};
	char buf[256], small[8], back[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(names_escape(cases[i].in, buf, sizeof(buf)), cases[i].out))
			fprintf(stderr, "case %zu: %s\n", i, buf);
		CU_ASSERT_STRING_EQUAL(buf, cases[i].out);
		/* the id form is reversible and differs only in backslashes */
		names_escape_id(cases[i].in, buf, sizeof(buf));
		CU_ASSERT_EQUAL(names_unescape_id(buf, back, sizeof(back)), (int)strlen(cases[i].in));
		CU_ASSERT_STRING_EQUAL(back, cases[i].in);
	}
	CU_ASSERT_STRING_EQUAL(names_escape_id("a\\x41", buf, sizeof(buf)), "a\\\\x41");
	CU_ASSERT_STRING_EQUAL(names_escape_id("my queue", buf, sizeof(buf)), "my\\x20queue");
	CU_ASSERT_STRING_EQUAL(names_escape("my queue", buf, sizeof(buf)), "my queue");
	CU_ASSERT_EQUAL(names_unescape_id("a\\x41", back, sizeof(back)), 2);	/* "\x41" is 'A' */
	CU_ASSERT_STRING_EQUAL(back, "aA");
	CU_ASSERT_EQUAL(names_unescape_id("a\\", back, sizeof(back)), -1);
	CU_ASSERT_EQUAL(names_unescape_id("a\\q", back, sizeof(back)), -1);
	CU_ASSERT_EQUAL(names_unescape_id("a\\x0", back, sizeof(back)), -1);
	CU_ASSERT_EQUAL(names_unescape_id("a\\x00", back, sizeof(back)), -1);
	CU_ASSERT_EQUAL(names_unescape_id("abcdefghij", small, sizeof(small)), -1);
	/* never cut inside an escape or a character */
	CU_ASSERT_STRING_EQUAL(names_escape("ab\x1b", small, sizeof(small)), "ab\\x1b");
	CU_ASSERT_STRING_EQUAL(names_escape("abcd\x1b", small, sizeof(small)), "abcd");
	CU_ASSERT_STRING_EQUAL(names_escape("abcde\xe4\xb8\xad", small, sizeof(small)), "abcde");
	CU_ASSERT_TRUE(names_utf8_valid("ok \xe4\xb8\xad \xc2\x9b \x1b"));	/* unsafe is not invalid */
	CU_ASSERT_FALSE(names_utf8_valid("bad \x9b"));
	CU_ASSERT_FALSE(names_utf8_valid("\xff"));
}

void test_register(void)
{
	TEST_SUITE("format", NULL, NULL,
		   "bytes and integers", test_bytes_int,
		   "rates and ages", test_rate_age,
		   "perms and keys", test_perms_key,
		   "signal masks", test_sigmask,
		   "pid and endpoint lists", test_lists,
		   "ids and names", test_ids_names,
		   "names escaped for terminals and ids", test_escape,
		   "every table, every cell", test_tables,
		   "cells with values and rates", test_cells,
		   "System V unknown pids, uids and nsems", test_sysv_unknown_cells,
		   "text output", test_text_out);
}
