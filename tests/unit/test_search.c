/*
 * test_search.c - what search and filter match (ui/search.c), the panel filter and search
 * built on it (ui/panel.c), and the status line's summary of what is unknown and why
 * (ui/unknown.c): errors grouped by what and why, processes counted once.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "src/snapshot.h"
#include "tests/unit/testmain.h"
#include "ui/panel.h"
#include "ui/search.h"
#include "ui/unknown.h"
#include "ui/view.h"

static struct ui_settings settings;

static void add_proc(struct snapshot *s, pid_t pid, const char *comm, const char *cmdline)
{
	struct proc_rec *p = snapshot_add_proc(s);

	p->pid = pid;
	p->ppid = 1;
	p->comm = snapshot_strdup(s, comm);
	p->cmdline = snapshot_strdup(s, cmdline);
	p->state = 'S';
}

static void test_match(void)
{
	struct snapshot *s = snapshot_new();
	struct msgq_rec *q;
	struct pmq_rec *m;

	add_proc(s, 1234, "postgres", "postgres -D /var/lib/pg");
	q = snapshot_add_msgq(s);
	q->perm.id = 77;
	q->perm.key = 0xabcd;
	m = snapshot_add_pmq(s);
	m->name = snapshot_strdup(s, "jobs");
	snapshot_seal(s);

	CU_ASSERT_TRUE(search_match(s, FMT_PROCESSES, &s->procs[0], ""));
	CU_ASSERT_TRUE(search_match(s, FMT_PROCESSES, &s->procs[0], "1234"));
	CU_ASSERT_TRUE(search_match(s, FMT_PROCESSES, &s->procs[0], "pid:12"));
	CU_ASSERT_TRUE(search_match(s, FMT_PROCESSES, &s->procs[0], "POSTGRES"));	/* any case */
	CU_ASSERT_TRUE(search_match(s, FMT_PROCESSES, &s->procs[0], "/var/lib"));	/* cmdline */
	CU_ASSERT_FALSE(search_match(s, FMT_PROCESSES, &s->procs[0], "mysql"));
	CU_ASSERT_FALSE(search_match(s, FMT_PROCESSES, &s->procs[0], "4321"));
	CU_ASSERT_TRUE(search_match(s, FMT_MSG_QUEUES, &s->msgqs[0], "msg:77"));
	CU_ASSERT_TRUE(search_match(s, FMT_MSG_QUEUES, &s->msgqs[0], "0x0000abcd"));
	CU_ASSERT_FALSE(search_match(s, FMT_MSG_QUEUES, &s->msgqs[0], "shm:77"));
	CU_ASSERT_TRUE(search_match(s, FMT_POSIX_MQUEUES, &s->pmqs[0], "jobs"));
	CU_ASSERT_TRUE(search_match(s, FMT_POSIX_MQUEUES, &s->pmqs[0], "pmq:"));
	CU_ASSERT_FALSE(search_match(s, FMT_POSIX_MQUEUES, NULL, "jobs"));
	CU_ASSERT_TRUE(search_text_match("Hello", "ell"));
	CU_ASSERT_FALSE(search_text_match(NULL, "x"));
	snapshot_unref(s);

	/* names with control, C1 and bidi characters: found by the form the screen shows */
	s = snapshot_new();
	add_proc(s, 5, "b\xff\x9b", "evil \xe2\x80\xae" "txt");
	m = snapshot_add_pmq(s);
	m->name = snapshot_strdup(s, "q\x1b x");
	snapshot_seal(s);
	CU_ASSERT_TRUE(search_match(s, FMT_PROCESSES, &s->procs[0], "\\xff\\x9b"));
	CU_ASSERT_TRUE(search_match(s, FMT_PROCESSES, &s->procs[0], "\\xe2\\x80\\xaetxt"));
	CU_ASSERT_TRUE(search_match(s, FMT_POSIX_MQUEUES, &s->pmqs[0], "pmq:q\\x1b\\x20x"));
	CU_ASSERT_FALSE(search_match(s, FMT_PROCESSES, &s->procs[0], "\\x1b"));
	snapshot_unref(s);
}

static void test_panel_filter_and_search(void)
{
	struct snapshot *s = snapshot_new();
	struct panel p;
	struct ui_frame f = { .set = &settings };

	add_proc(s, 10, "bash", "bash");
	add_proc(s, 11, "vim", "vim notes");
	add_proc(s, 12, "bash", "bash -l");
	add_proc(s, 13, "less", "less");
	snapshot_seal(s);
	f.snap = s;
	settings.flat = true;
	panel_init(&p, &view_procs_panel);
	panel_update(&p, &f);
	CU_ASSERT_EQUAL(p.n_rows, 4);

	/* search: from the selection, wrapping, both ways */
	CU_ASSERT_TRUE(panel_search(&p, &f, "bash", +1, true));
	CU_ASSERT_STRING_EQUAL(p.sel_id, "pid:10");
	CU_ASSERT_TRUE(panel_search(&p, &f, "bash", +1, false));
	CU_ASSERT_STRING_EQUAL(p.sel_id, "pid:12");
	CU_ASSERT_TRUE(panel_search(&p, &f, "bash", +1, false));
	CU_ASSERT_STRING_EQUAL(p.sel_id, "pid:10");
	CU_ASSERT_TRUE(panel_search(&p, &f, "bash", -1, false));
	CU_ASSERT_STRING_EQUAL(p.sel_id, "pid:12");
	CU_ASSERT_FALSE(panel_search(&p, &f, "emacs", +1, true));
	CU_ASSERT_STRING_EQUAL(p.sel_id, "pid:12");	/* no match: the selection stays */

	/* filter: only the matching rows; the selection stays on its object */
	snprintf(p.filter, sizeof(p.filter), "bash");
	panel_update(&p, &f);
	CU_ASSERT_EQUAL(p.n_rows, 2);
	CU_ASSERT_STRING_EQUAL(p.sel_id, "pid:12");
	snprintf(p.filter, sizeof(p.filter), "zzz");
	panel_update(&p, &f);
	CU_ASSERT_EQUAL(p.n_rows, 0);
	p.filter[0] = 0;
	panel_update(&p, &f);
	CU_ASSERT_EQUAL(p.n_rows, 4);
	CU_ASSERT_STRING_EQUAL(p.sel_id, "pid:12");

	/* F5: flat by pid, or the tree (here all children of 1, not in the snapshot: roots) */
	settings.flat = false;
	panel_update(&p, &f);
	CU_ASSERT_EQUAL(p.n_rows, 4);
	panel_fini(&p);
	snapshot_unref(s);
}

static void add_err(struct snapshot *s, const char *where, const char *error)
{
	snapshot_add_error(s, where, error);
}

static void test_unknown_line(void)
{
	struct snapshot *s = snapshot_new();
	char buf[1024];

	CU_ASSERT_FALSE(unknown_line(NULL, 0, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "");
	snapshot_seal(s);
	CU_ASSERT_FALSE(unknown_line(s, 0, buf, sizeof(buf)));
	snapshot_unref(s);

	s = snapshot_new();
	/* 3 processes' fds (one of them with two unreadable descriptors), 1 process's maps,
	 * 2 processes gone mid-scan, a missing mount, and a probe that failed */
	add_err(s, "pid 10 fd", "EACCES");
	add_err(s, "pid 11 fd 4", "EACCES");
	add_err(s, "pid 11 fd 5", "EACCES");
	add_err(s, "pid 12 maps", "EACCES");
	add_err(s, "pid 13", "exited during scan");
	add_err(s, "pid 14 fd", "ENOENT");
	add_err(s, "pid 14 maps", "ENOENT");
	add_err(s, "pid 15 fd", "EACCES");
	add_err(s, "dev/mqueue", "ENOENT (not mounted: only queues held open are listed)");
	snapshot_set_source(s, "sig_trace", false, "tracefs not mounted");
	snapshot_seal(s);
	CU_ASSERT_TRUE(unknown_line(s, 0, buf, sizeof(buf)));
	printf("\n    %s\n", buf);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "sig_trace off: tracefs not mounted"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "fds of 3 processes: no permission"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "maps of 1 process: no permission"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "1 process: exited during scan"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "fds of 1 process: exited during scan"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "dev/mqueue: not there (not mounted"));
	/* the biggest group first, after the failed source */
	CU_ASSERT_TRUE(strstr(buf, "fds of 3") < strstr(buf, "maps of 1"));
	snapshot_unref(s);

	/* a collection failure comes first; a short buffer stays terminated */
	CU_ASSERT_TRUE(unknown_line(NULL, -12, buf, sizeof(buf)));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "collection failed"));
	CU_ASSERT_TRUE(unknown_line(NULL, -12, buf, 8));
	CU_ASSERT_EQUAL(strlen(buf), 7);
}

void test_register(void)
{
	TEST_SUITE("search", NULL, NULL,
		   "what matches", test_match,
		   "panel filter and search", test_panel_filter_and_search);
	TEST_SUITE("unknown", NULL, NULL,
		   "status line: what is unknown and why", test_unknown_line);
}
