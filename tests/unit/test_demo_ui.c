/*
 * test_demo_ui.c - the dashboard's side of the demos (issue 6), without a terminal or a demo
 * process: the demo log fed with record lines as `ipctop demo run` writes them (caption
 * history, restarts, roles, pids, state), the ids a caption highlights and the frame test
 * views use, the descendants filter that keeps a demo's processes in view, and the demo
 * pane painted into curses' virtual screen.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/filter.h"
#include "ui/demo_log.h"
#include "ui/demo_ui.h"
#include "ui/view.h"
#include "tests/unit/testmain.h"
#include "tests/unit/ui_screen.h"

/* Feeds one record line (as demo.h writes it) to l; returns demo_log_feed's bits. */
static unsigned feed(struct demo_log *l, const char *line)
{
	char buf[2 * CAPTION_LINE_MAX];
	struct caption_rec rec;

	snprintf(buf, sizeof(buf), "%s", line);
	if (!caption_parse(buf, &rec)) {
		CU_FAIL("record does not parse");
		return 0;
	}
	return demo_log_feed(l, &rec);
}

static void caption(struct demo_log *l, unsigned step, int pid, const char *objs,
		    const char *text)
{
	char line[2 * CAPTION_LINE_MAX];

	snprintf(line, sizeof(line), "caption\t%u\t%d\t%s\t%s", step, pid, objs, text);
	feed(l, line);
}

/* ---- the log ---- */

static void test_status_and_state(void)
{
	struct demo_log l;
	char b[32];

	demo_log_init(&l, "pipe");
	CU_ASSERT_STRING_EQUAL(demo_log_state(&l), "starting");
	CU_ASSERT_EQUAL(feed(&l, "status\trunning\t1") & DEMO_LOG_CHANGED, DEMO_LOG_CHANGED);
	CU_ASSERT_STRING_EQUAL(demo_log_state(&l), "running");
	feed(&l, "status\tpaused\t0.5");
	CU_ASSERT_STRING_EQUAL(demo_log_state(&l), "paused");
	CU_ASSERT_STRING_EQUAL(demo_log_speed(l.speed, b, sizeof(b)), "0.5 steps/s");
	CU_ASSERT_STRING_EQUAL(demo_log_speed(1, b, sizeof(b)), "1 step/s");
	feed(&l, "status\trunning\tfull");
	CU_ASSERT_STRING_EQUAL(demo_log_speed(l.speed, b, sizeof(b)), "full speed");
	feed(&l, "ready 77");
	CU_ASSERT_EQUAL(l.root, 77);
	CU_ASSERT_TRUE(l.ready);
	feed(&l, "dropped\t5");
	feed(&l, "dropped\t2");
	CU_ASSERT_EQUAL(l.dropped, 7);
	CU_ASSERT_EQUAL(feed(&l, "some-new-record\tx"), 0);	/* unknown types are ignored */
	CU_ASSERT_EQUAL(feed(&l, "end\tquit") & DEMO_LOG_ENDED, DEMO_LOG_ENDED);
	CU_ASSERT_STRING_EQUAL(demo_log_state(&l), "ended");
	CU_ASSERT_STRING_EQUAL(l.end_reason, "quit");
	demo_log_fini(&l);

	demo_log_init(&l, "msgqueue");
	feed(&l, "error\tmsgget: No space left on device");
	feed(&l, "end\terror");
	CU_ASSERT_STRING_EQUAL(demo_log_state(&l), "failed");
	CU_ASSERT_STRING_EQUAL(l.error, "msgget: No space left on device");
	demo_log_fini(&l);
}

static void test_history_newest_first(void)
{
	struct demo_log l;
	const struct demo_log_entry *e;

	demo_log_init(&l, "pipe");
	CU_ASSERT_PTR_NULL(demo_log_entry(&l, 0));
	CU_ASSERT_PTR_NULL(demo_log_latest(&l));
	feed(&l, "process\t42\tpipe-writer\t41");
	caption(&l, 1, 42, "pipe:9,pid:42", "pipe() created pipe:9");
	caption(&l, 2, 43, "pipe:9,pid:43", "fork() returned 0 here");
	CU_ASSERT_EQUAL(l.n_hist, 2);
	CU_ASSERT_EQUAL(l.last_step, 2);
	e = demo_log_entry(&l, 0);
	CU_ASSERT_EQUAL(e->step, 2);
	CU_ASSERT_STRING_EQUAL(e->text, "fork() returned 0 here");
	CU_ASSERT_STRING_EQUAL(e->role, "");	/* 43 never announced itself (yet) */
	e = demo_log_entry(&l, 1);
	CU_ASSERT_EQUAL(e->step, 1);
	CU_ASSERT_EQUAL(e->pid, 42);
	CU_ASSERT_STRING_EQUAL(e->role, "pipe-writer");
	CU_ASSERT_STRING_EQUAL(e->objects, "pipe:9,pid:42");
	CU_ASSERT_PTR_NULL(demo_log_entry(&l, 2));
	CU_ASSERT_EQUAL(demo_log_latest(&l), demo_log_entry(&l, 0));
	demo_log_fini(&l);
}

static void test_history_keeps_the_newest(void)
{
	struct demo_log l;

	demo_log_init(&l, "backpressure");
	for (unsigned i = 1; i <= DEMO_LOG_HISTORY * 2 + 5; i++)
		caption(&l, i, 10, "-", "write() blocks");
	CU_ASSERT_EQUAL(l.n_hist, DEMO_LOG_HISTORY);
	CU_ASSERT_EQUAL(demo_log_entry(&l, 0)->step, DEMO_LOG_HISTORY * 2 + 5);
	CU_ASSERT_EQUAL(demo_log_entry(&l, DEMO_LOG_HISTORY - 1)->step, DEMO_LOG_HISTORY + 6);
	CU_ASSERT_PTR_NULL(demo_log_entry(&l, DEMO_LOG_HISTORY));
	demo_log_fini(&l);
}

static void test_long_text_kept_whole(void)
{
	struct demo_log l;
	char text[CAPTION_LINE_MAX];

	memset(text, 'x', sizeof(text) - 40);
	text[sizeof(text) - 40] = '\0';
	demo_log_init(&l, "pipe");
	caption(&l, 1, 10, "-", text);
	CU_ASSERT_STRING_EQUAL(demo_log_entry(&l, 0)->text, text);
	CU_ASSERT_STRING_EQUAL(demo_log_entry(&l, 0)->objects, "");
	demo_log_fini(&l);
}

static void test_processes_and_restart(void)
{
	struct demo_log l;
	pid_t pids[8];

	demo_log_init(&l, "pipe");
	CU_ASSERT_EQUAL(feed(&l, "process\t50\tpipe-reader\t42") & DEMO_LOG_PIDS, DEMO_LOG_PIDS);
	CU_ASSERT_EQUAL(feed(&l, "process\t42\tpipe-writer\t41") & DEMO_LOG_PIDS, DEMO_LOG_PIDS);
	/* the same process again (it exec'd): a new role, no new pid */
	CU_ASSERT_EQUAL(feed(&l, "process\t50\tcat\t42") & DEMO_LOG_PIDS, 0);
	CU_ASSERT_STRING_EQUAL(demo_log_role(&l, 50), "cat");
	CU_ASSERT_PTR_NULL(demo_log_role(&l, 51));
	CU_ASSERT_EQUAL(demo_log_pids(&l, pids, 8), 2);
	CU_ASSERT_EQUAL(pids[0], 42);
	CU_ASSERT_EQUAL(pids[1], 50);
	CU_ASSERT_EQUAL(demo_log_pids(&l, pids, 1), 1);
	feed(&l, "object\tpipe:9\twriter -> reader");
	feed(&l, "ready 41");
	CU_ASSERT_EQUAL(l.n_objects, 1);
	caption(&l, 3, 42, "pipe:9", "write()");

	/* restart: a mark in the history, processes, objects and highlight forgotten */
	CU_ASSERT_EQUAL(feed(&l, "restart") & DEMO_LOG_PIDS, DEMO_LOG_PIDS);
	CU_ASSERT_EQUAL(l.restarts, 1);
	CU_ASSERT_FALSE(l.ready);
	CU_ASSERT_EQUAL(l.n_objects, 0);
	CU_ASSERT_EQUAL(demo_log_pids(&l, pids, 8), 0);
	CU_ASSERT_EQUAL(demo_log_entry(&l, 0)->kind, DEMO_ENTRY_RESTART);
	CU_ASSERT_EQUAL(demo_log_latest(&l)->step, 3);	/* the newest caption, behind the mark */
	CU_ASSERT_FALSE(demo_log_highlighted(&l, "pipe:9"));
	/* steps go on counting after a restart */
	caption(&l, 4, 60, "pipe:11,pid:60", "pipe() again");
	CU_ASSERT_EQUAL(demo_log_entry(&l, 0)->step, 4);
	CU_ASSERT_EQUAL(demo_log_entry(&l, 1)->kind, DEMO_ENTRY_RESTART);
	CU_ASSERT_EQUAL(demo_log_entry(&l, 2)->step, 3);
	demo_log_fini(&l);
}

/* ---- highlighting ---- */

static void test_split_ids(void)
{
	char buf[128];
	const char *ids[4];

	snprintf(buf, sizeof(buf), "pipe:9,pid:42");
	CU_ASSERT_EQUAL(demo_log_split_ids(buf, ids, 4), 2);
	CU_ASSERT_STRING_EQUAL(ids[0], "pipe:9");
	CU_ASSERT_STRING_EQUAL(ids[1], "pid:42");
	snprintf(buf, sizeof(buf), " msg:3 ,, pmq:ipctop-demo-1-q ,");
	CU_ASSERT_EQUAL(demo_log_split_ids(buf, ids, 4), 2);
	CU_ASSERT_STRING_EQUAL(ids[0], "msg:3");
	CU_ASSERT_STRING_EQUAL(ids[1], "pmq:ipctop-demo-1-q");
	snprintf(buf, sizeof(buf), "%s", "");
	CU_ASSERT_EQUAL(demo_log_split_ids(buf, ids, 4), 0);
	snprintf(buf, sizeof(buf), "a:1,b:2,c:3,d:4,e:5");
	CU_ASSERT_EQUAL(demo_log_split_ids(buf, ids, 4), 4);	/* at most max */
	CU_ASSERT_STRING_EQUAL(ids[3], "d:4");
}

static void test_highlight_follows_newest_caption(void)
{
	struct demo_log l;
	const char *const *ids;
	size_t n;

	demo_log_init(&l, "msgqueue");
	ids = demo_log_highlight(&l, &n);
	CU_ASSERT_EQUAL(n, 0);
	caption(&l, 1, 42, "msg:3", "msgget() created msg:3");
	ids = demo_log_highlight(&l, &n);
	CU_ASSERT_EQUAL(n, 2);	/* the object, and the caller */
	CU_ASSERT_STRING_EQUAL(ids[0], "msg:3");
	CU_ASSERT_STRING_EQUAL(ids[1], "pid:42");
	CU_ASSERT_TRUE(demo_log_highlighted(&l, "pid:42"));
	CU_ASSERT_FALSE(demo_log_highlighted(&l, "pid:4"));
	CU_ASSERT_FALSE(demo_log_highlighted(&l, "msg:33"));

	/* the caller already named, duplicates: each id once */
	caption(&l, 2, 43, "msg:3,pid:43,pid:44,msg:3", "msgrcv()");
	ids = demo_log_highlight(&l, &n);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_STRING_EQUAL(ids[0], "msg:3");
	CU_ASSERT_STRING_EQUAL(ids[1], "pid:43");
	CU_ASSERT_STRING_EQUAL(ids[2], "pid:44");
	CU_ASSERT_FALSE(demo_log_highlighted(&l, "pid:42"));	/* only the newest caption's */

	/* no objects ("-"): just the caller */
	caption(&l, 3, 45, "-", "exit()");
	ids = demo_log_highlight(&l, &n);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_STRING_EQUAL(ids[0], "pid:45");

	feed(&l, "end\tquit");
	demo_log_highlight(&l, &n);
	CU_ASSERT_EQUAL(n, 0);
	demo_log_fini(&l);
}

static void test_highlight_capped(void)
{
	struct demo_log l;
	char objs[512] = "";
	size_t n;

	for (int i = 0; i < DEMO_LOG_HIGHLIGHT + 4; i++) {
		size_t k = strlen(objs);

		snprintf(objs + k, sizeof(objs) - k, "%spid:%d", i ? "," : "", 100 + i);
	}
	demo_log_init(&l, "sigchld");
	caption(&l, 1, 7, objs, "many");
	demo_log_highlight(&l, &n);
	CU_ASSERT_EQUAL(n, DEMO_LOG_HIGHLIGHT);
	CU_ASSERT_TRUE(demo_log_highlighted(&l, "pid:100"));
	CU_ASSERT_FALSE(demo_log_highlighted(&l, "pid:7"));	/* no room left for the caller */
	demo_log_fini(&l);
}

static void test_frame_highlight(void)
{
	struct demo_log l;
	struct ui_frame f = { 0 };

	CU_ASSERT_FALSE(ui_highlighted(&f, "pid:1"));	/* no demo: nothing */
	demo_log_init(&l, "pipe");
	caption(&l, 1, 42, "pipe:9,fifo:10", "pipe()");
	f.highlight = demo_log_highlight(&l, &f.n_highlight);
	CU_ASSERT_TRUE(ui_highlighted(&f, "pipe:9"));
	CU_ASSERT_TRUE(ui_highlighted(&f, "fifo:10"));
	CU_ASSERT_TRUE(ui_highlighted(&f, "pid:42"));
	CU_ASSERT_FALSE(ui_highlighted(&f, "pipe:10"));
	CU_ASSERT_FALSE(ui_highlighted(&f, "pipe:"));
	demo_log_fini(&l);
}

/* ---- the demo's processes: its root and every descendant ---- */

static void add_proc(struct snapshot *s, pid_t pid, pid_t ppid)
{
	struct proc_rec *p = snapshot_add_proc(s);

	p->pid = pid;
	p->ppid = ppid;
	p->comm = "x";
}

static void test_descendants(void)
{
	struct snapshot *s = snapshot_new();
	pid_t roots[2] = { 10, 999 }, *out = NULL;
	size_t n;

	add_proc(s, 1, 0);
	add_proc(s, 5, 1);
	add_proc(s, 10, 5);	/* the conductor */
	add_proc(s, 30, 10);	/* scenario top */
	add_proc(s, 12, 30);	/* a child with a lower pid than its parent (pid wrap) */
	add_proc(s, 40, 12);	/* grandchild */
	add_proc(s, 11, 1);	/* unrelated */
	add_proc(s, 50, 11);
	snapshot_seal(s);

	n = filter_descendants(s, roots, 1, &out);
	CU_ASSERT_EQUAL(n, 4);
	if (n == 4) {
		CU_ASSERT_EQUAL(out[0], 10);
		CU_ASSERT_EQUAL(out[1], 12);
		CU_ASSERT_EQUAL(out[2], 30);
		CU_ASSERT_EQUAL(out[3], 40);
	}
	free(out);

	n = filter_descendants(s, roots, 2, &out);	/* a root not in s is kept */
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_TRUE(n == 5 && out[4] == 999);
	free(out);

	n = filter_descendants(s, roots, 0, &out);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(out);
	snapshot_unref(s);
}

/* ---- the pane, painted into curses' virtual screen ---- */





static bool blank(const char *s)
{
	return strspn(s, " ") == strlen(s);
}


static void test_pane(void)
{
	struct demo_log l;
	struct ui_rect r = { 10, 0, 8, 80 };
	char line[512];

	demo_log_init(&l, "pipe");
	feed(&l, "status\tpaused\t0.5");
	feed(&l, "process\t42\tpipe-writer\t41");
	feed(&l, "process\t43\tpipe-reader\t42");
	caption(&l, 6, 43, "pipe:9,pid:43", "lseek() on pipe:9 fails with ESPIPE.");
	caption(&l, 7, 42, "pipe:9,pid:42", "write() copied 10 bytes into pipe:9 and returned at "
		"once; the kernel wakes pipe-reader if it sleeps in read(). Writes of at most "
		"PIPE_BUF (4096) bytes are never split.");
	erase();
	demo_ui_draw_log(&l, true, true, stdscr, &r, false);
	CU_ASSERT_TRUE(ui_screen_has(" Demo pipe: paused, 0.5 steps/s, step 7, only its processes shown"));
	CU_ASSERT_TRUE(ui_screen_has(" d menu "));
	/* the newest caption in full, wrapped under its text, the older one on one line */
	CU_ASSERT_TRUE(strncmp(ui_screen_line(11, line, sizeof(line)), " #7 pipe-writer 42: write() copied",
			       34) == 0);
	CU_ASSERT_TRUE(strncmp(ui_screen_line(12, line, sizeof(line)), "                    ", 20) == 0);
	CU_ASSERT_TRUE(ui_screen_has("PIPE_BUF (4096) bytes are never split."));
	CU_ASSERT_TRUE(ui_screen_has(" #6 pipe-reader 43: lseek() on pipe:9 fails with ESPIPE."));
	CU_ASSERT_FALSE(ui_screen_has("#6 pipe-reader 43: lseek() on pipe:9 fails with ESPIPE.  #"));
	/* nothing outside the pane's rectangle */
	CU_ASSERT_TRUE(blank(ui_screen_line(9, line, sizeof(line))));
	CU_ASSERT_TRUE(LINES <= 18 || blank(ui_screen_line(18, line, sizeof(line))));

	/* a restart mark, then the end: the title says so and offers the menu */
	feed(&l, "restart");
	feed(&l, "end\tquit");
	erase();
	demo_ui_draw_log(&l, false, true, stdscr, &r, false);
	CU_ASSERT_TRUE(ui_screen_has(" Demo pipe: ended (quit), step 7 "));
	CU_ASSERT_FALSE(ui_screen_has("only its processes shown"));
	CU_ASSERT_TRUE(ui_screen_has("--- restart: the demo's processes were killed"));
	demo_log_fini(&l);

	/* before the first caption; an error */
	demo_log_init(&l, "msgqueue");
	erase();
	demo_ui_draw_log(&l, true, false, stdscr, &r, true);
	CU_ASSERT_TRUE(ui_screen_has(" Demo msgqueue: starting, 1 step/s "));
	CU_ASSERT_TRUE(ui_screen_has("waiting for the demo's first step..."));
	feed(&l, "error\tmsgget: No space left on device");
	feed(&l, "end\terror");
	erase();
	demo_ui_draw_log(&l, false, false, stdscr, &r, true);
	CU_ASSERT_TRUE(ui_screen_has(" Demo msgqueue: failed (error) "));
	CU_ASSERT_TRUE(ui_screen_has("error: msgget: No space left on device"));
	demo_log_fini(&l);
}

void test_register(void)
{
	TEST_SUITE("demo log", NULL, NULL,
		   "status, speed and state", test_status_and_state,
		   "history newest first, roles", test_history_newest_first,
		   "history keeps the newest", test_history_keeps_the_newest,
		   "long caption text kept whole", test_long_text_kept_whole,
		   "processes and restart", test_processes_and_restart);
	TEST_SUITE("demo highlight", NULL, NULL,
		   "split id lists", test_split_ids,
		   "highlight follows the newest caption", test_highlight_follows_newest_caption,
		   "highlight capped", test_highlight_capped,
		   "frame highlight for views", test_frame_highlight,
		   "a demo's processes: root and descendants", test_descendants);
	TEST_SUITE("demo pane", ui_screen_init, ui_screen_clean,
		   "pane shows state, newest caption wrapped, history", test_pane);
}
