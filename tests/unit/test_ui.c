/*
 * test_ui.c - the dashboard's logic without a real terminal: panel tables resolve against
 * format.h, the selection follows an object's id across snapshots, the process tree, error
 * matching, and what the dashboard paints at 80x24 and 60x15 (curses draws into its own
 * virtual screen on /dev/null; the test reads the cells back).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "src/snapshot.h"
#include "tests/unit/testmain.h"
#include "tests/unit/ui_screen.h"
#include "ui/panel.h"
#include "ui/term.h"
#include "ui/view.h"

static struct ui_settings settings;

static struct ui_frame frame(const struct snapshot *s)
{
	struct ui_frame f = { .snap = s, .set = &settings };

	return f;
}

static struct snapshot *queues(const int *ids, size_t n)
{
	struct snapshot *s = snapshot_new();

	for (size_t i = 0; i < n; i++) {
		struct msgq_rec *q = snapshot_add_msgq(s);

		q->perm.id = ids[i];
		q->messages = 1;
		q->bytes = 100;
		q->max_bytes = 16384;
	}
	snapshot_seal(s);
	return s;
}

static void add_proc(struct snapshot *s, pid_t pid, pid_t ppid, const char *comm, bool kthread)
{
	struct proc_rec *p = snapshot_add_proc(s);

	p->pid = pid;
	p->ppid = ppid;
	p->comm = snapshot_strdup(s, comm);
	p->cmdline = snapshot_strdup(s, kthread ? "" : comm);
	p->state = 'S';
	p->kthread = kthread;
}

static void test_panels_resolve(void)
{
	for (size_t i = 0; ui_panels[i]; i++) {
		const char *bad = panel_def_check(ui_panels[i]);

		CU_ASSERT_PTR_NULL(bad);
		if (bad)
			printf("panel %zu: column %s\n", i, bad);
		CU_ASSERT_PTR_EQUAL(ui_panel_for_kind(ui_panels[i]->kind), ui_panels[i]);
		CU_ASSERT_PTR_NOT_NULL(ui_panels[i]->detail);
		CU_ASSERT_PTR_NOT_NULL(ui_panels[i]->help);
	}
	CU_ASSERT_PTR_NULL(ui_panel_for_kind(FMT_DEADLOCKS));
}

static void test_selection_follows_id(void)
{
	const int a_ids[] = { 5, 9 }, b_ids[] = { 2, 5, 9 }, c_ids[] = { 2, 5 }, d_ids[] = { 2, 5, 9 };
	struct snapshot *a = queues(a_ids, 2), *b = queues(b_ids, 3), *c = queues(c_ids, 2);
	struct snapshot *d = queues(d_ids, 3);
	struct panel p;
	struct ui_frame f;
	struct ui_obj obj;

	panel_init(&p, &view_msgq_panel);
	f = frame(a);
	panel_update(&p, &f);
	CU_ASSERT_EQUAL(p.n_rows, 2);
	CU_ASSERT_STRING_EQUAL(p.sel_id, "msg:5");
	CU_ASSERT_TRUE(panel_key(&p, KEY_DOWN));
	CU_ASSERT_STRING_EQUAL(p.sel_id, "msg:9");

	/* a new queue sorts before it: the selection stays on msg:9, now row 2 */
	f = frame(b);
	panel_update(&p, &f);
	CU_ASSERT_EQUAL(p.sel, 2);
	CU_ASSERT_TRUE(panel_selected_obj(&p, &obj));
	CU_ASSERT_EQUAL(obj.kind, FMT_MSG_QUEUES);
	CU_ASSERT_STRING_EQUAL(obj.id, "msg:9");
	CU_ASSERT_EQUAL(((const struct msgq_rec *)panel_selected(&p))->perm.id, 9);

	/* msg:9 removed: the row that took its place (clamped) is selected */
	f = frame(c);
	panel_update(&p, &f);
	CU_ASSERT_EQUAL(p.sel, 1);
	CU_ASSERT_STRING_EQUAL(p.sel_id, "msg:5");

	/* explicit selection by id */
	f = frame(d);
	panel_update(&p, &f);
	CU_ASSERT_TRUE(panel_select_id(&p, "msg:9"));
	CU_ASSERT_EQUAL(p.sel, 2);
	CU_ASSERT_FALSE(panel_select_id(&p, "msg:77"));
	CU_ASSERT_STRING_EQUAL(p.sel_id, "msg:9");

	/* Home / End / Up at the top */
	CU_ASSERT_TRUE(panel_key(&p, KEY_HOME));
	CU_ASSERT_STRING_EQUAL(p.sel_id, "msg:2");
	CU_ASSERT_TRUE(panel_key(&p, KEY_UP));
	CU_ASSERT_EQUAL(p.sel, 0);
	CU_ASSERT_TRUE(panel_key(&p, KEY_END));
	CU_ASSERT_STRING_EQUAL(p.sel_id, "msg:9");
	CU_ASSERT_FALSE(panel_key(&p, 'x'));

	panel_fini(&p);
	snapshot_unref(a);
	snapshot_unref(b);
	snapshot_unref(c);
	snapshot_unref(d);
}

static void test_page_keys(void)
{
	struct snapshot *s = snapshot_new();
	struct panel p;
	struct ui_frame f;

	for (int i = 1; i <= 100; i++) {
		struct msgq_rec *q = snapshot_add_msgq(s);

		q->perm.id = i;
	}
	snapshot_seal(s);
	panel_init(&p, &view_msgq_panel);
	f = frame(s);
	panel_update(&p, &f);
	p.page = 10;	/* as the last draw left it */
	panel_key(&p, KEY_NPAGE);
	CU_ASSERT_EQUAL(p.sel, 9);
	panel_key(&p, KEY_NPAGE);
	CU_ASSERT_EQUAL(p.sel, 18);
	panel_key(&p, KEY_PPAGE);
	CU_ASSERT_EQUAL(p.sel, 9);
	panel_key(&p, KEY_END);
	panel_key(&p, KEY_NPAGE);
	CU_ASSERT_EQUAL(p.sel, 99);
	CU_ASSERT_STRING_EQUAL(p.sel_id, "msg:100");
	panel_fini(&p);
	snapshot_unref(s);
}

static void test_process_tree(void)
{
	struct snapshot *s = snapshot_new();
	struct panel p;
	struct ui_frame f;
	const pid_t want_hidden[] = { 1, 10, 11, 12, 40 };
	const char *indent_hidden[] = { NULL, "|-", "| `-", "`-", NULL };
	const pid_t want_all[] = { 1, 10, 11, 12, 2, 3, 40 };

	add_proc(s, 1, 0, "init", false);
	add_proc(s, 2, 0, "kthreadd", true);
	add_proc(s, 3, 2, "kworker", true);
	add_proc(s, 10, 1, "shell", false);
	add_proc(s, 11, 10, "child", false);
	add_proc(s, 12, 1, "daemon", false);
	add_proc(s, 40, 39, "orphaned", false);	/* parent not in the snapshot: a root */
	snapshot_seal(s);

	settings.show_kthreads = false;
	panel_init(&p, &view_procs_panel);
	f = frame(s);
	panel_update(&p, &f);
	CU_ASSERT_EQUAL_FATAL(p.n_rows, 5);
	for (size_t i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(((const struct proc_rec *)p.rows[i].rec)->pid, want_hidden[i]);
		if (indent_hidden[i]) {
			CU_ASSERT(p.rows[i].indent && strcmp(p.rows[i].indent, indent_hidden[i]) == 0);
		} else {
			CU_ASSERT_PTR_NULL(p.rows[i].indent);
		}
	}

	settings.show_kthreads = true;
	panel_update(&p, &f);
	CU_ASSERT_EQUAL_FATAL(p.n_rows, 7);
	for (size_t i = 0; i < 7; i++)
		CU_ASSERT_EQUAL(((const struct proc_rec *)p.rows[i].rec)->pid, want_all[i]);
	settings.show_kthreads = false;
	panel_fini(&p);
	snapshot_unref(s);

	/* bad data: a parent cycle still shows each process exactly once */
	s = snapshot_new();
	add_proc(s, 50, 51, "a", false);
	add_proc(s, 51, 50, "b", false);
	add_proc(s, 52, 52, "self-parent", false);
	snapshot_seal(s);
	panel_init(&p, &view_procs_panel);
	f = frame(s);
	panel_update(&p, &f);
	CU_ASSERT_EQUAL(p.n_rows, 3);
	panel_fini(&p);
	snapshot_unref(s);
}

static void test_error_about(void)
{
	char b[64];
	struct snapshot *s = snapshot_new();

	CU_ASSERT_TRUE(ui_error_about("msg:5 msgctl", "msg:5"));
	CU_ASSERT_FALSE(ui_error_about("msg:51 msgctl", "msg:5"));
	CU_ASSERT_FALSE(ui_error_about("msg:5 msgctl", "shm:5"));
	CU_ASSERT_TRUE(ui_error_about("pid 12 maps", "pid:12"));
	CU_ASSERT_FALSE(ui_error_about("pid 123 maps", "pid:12"));
	CU_ASSERT_FALSE(ui_error_about("ppid 12", "pid:12"));
	CU_ASSERT_TRUE(ui_error_about("sem 7", "sem:7"));
	CU_ASSERT_FALSE(ui_error_about(NULL, "sem:7"));

	add_proc(s, 42, 1, "worker", false);
	snapshot_seal(s);
	CU_ASSERT_STRING_EQUAL(ui_pid_comm(s, 42, b, sizeof(b)), "42 worker");
	CU_ASSERT_STRING_EQUAL(ui_pid_comm(s, 43, b, sizeof(b)), "43 ?");
	CU_ASSERT_STRING_EQUAL(ui_pid_comm(s, 0, b, sizeof(b)), "-");
	CU_ASSERT_PTR_NOT_NULL(ui_find_record(s, FMT_PROCESSES, "pid:42"));
	CU_ASSERT_PTR_NULL(ui_find_record(s, FMT_PROCESSES, "pid:4"));
	snapshot_unref(s);
}

/* ---- painting into curses' virtual screen ---- */





/* The row of the screen holding text, or -1. */

/* init, n_procs children (pid 107 is "producer"), queue 77 (+ extra_queues more), shm 88,
 * sem 99 with values 1,0, one error about the queue. */
static struct snapshot *machine(int n_procs, int extra_queues)
{
	struct snapshot *s = snapshot_new();
	struct msgq_rec *q;
	struct shm_rec *m;
	struct sem_rec *sm;

	add_proc(s, 1, 0, "init", false);
	for (int i = 0; i < n_procs; i++)
		add_proc(s, 100 + i, 1, i == 7 ? "producer" : "worker", false);
	for (int i = 0; i < extra_queues; i++)
		snapshot_add_msgq(s)->perm.id = 1000 + i;
	q = snapshot_add_msgq(s);
	q->perm.id = 77;
	q->messages = 3;
	q->bytes = 300;
	q->max_bytes = 16384;
	q->last_send_pid = 107;
	m = snapshot_add_shm(s);
	m->perm.id = 88;
	m->size = 4096;
	m->nattch = 0;
	sm = snapshot_add_sem(s);
	sm->perm.id = 99;
	sm->nsems = 2;
	sm->values = snapshot_alloc(s, 2 * sizeof(int64_t));
	sm->values[0] = 1;
	sm->values[1] = 0;
	snapshot_add_error(s, "msg:77 msgctl", "EACCES");
	snapshot_seal(s);
	return s;
}

static void draw_view(struct view *v, const struct ui_frame *f)
{
	struct ui_rect r = { 1, 0, LINES - 2, COLS };

	erase();
	v->ops->draw(v, f, stdscr, &r);
}

static void test_dashboard_80x24(void)
{
	struct snapshot *s = machine(40, 20);
	struct ui_frame f = frame(s);
	struct view *v = view_dash_new();
	int procs, queues_row;

	CU_ASSERT_EQUAL_FATAL(resizeterm(24, 80), OK);
	v->ops->update(v, &f);
	draw_view(v, &f);
	/* the four System V panels are on screen, each with at least one row (issue 3: the
	 * empty pipe, socket and POSIX panels between and after them are title bars) */
	procs = ui_screen_row(" 1 Processes (41)");
	queues_row = ui_screen_row(" 4 Message queues (21)");
	CU_ASSERT(procs == 1);
	CU_ASSERT(queues_row > procs + 3);
	CU_ASSERT(ui_screen_row(" 5 Shared memory (1)") > queues_row);
	CU_ASSERT(ui_screen_row(" 6 Semaphores (1)") > ui_screen_row(" 5 Shared memory (1)"));
	CU_ASSERT(ui_screen_row(" 6 Semaphores (1)") <= LINES - 4);
	/* the queue row with its last sender, the semaphore values */
	CU_ASSERT_TRUE(ui_screen_has("107 producer"));
	CU_ASSERT(ui_screen_row("    77 ") == queues_row + 2);	/* sorted first, selected */
	CU_ASSERT_TRUE(ui_screen_has("1,0"));
	/* the focused panel takes the spare lines: after 4 the process panel shrinks */
	v->ops->key(v, &f, '4');
	draw_view(v, &f);
	CU_ASSERT(ui_screen_row(" 4 Message queues (21)") < queues_row);
	CU_ASSERT(ui_screen_row(" 5 Shared memory (1)") - ui_screen_row(" 4 Message queues (21)") > 5);
	/* Enter asks for the selected queue's details */
	{
		struct ui_cmd cmd = v->ops->key(v, &f, '\r');

		CU_ASSERT_EQUAL(cmd.kind, CMD_OPEN);
		CU_ASSERT_EQUAL(cmd.obj.kind, FMT_MSG_QUEUES);
		CU_ASSERT_STRING_EQUAL(cmd.obj.id, "msg:77");
	}
	CU_ASSERT_EQUAL(v->ops->key(v, &f, 'z').kind, CMD_UNHANDLED);
	v->ops->free(v);
	snapshot_unref(s);
}

static void test_dashboard_60x15(void)
{
	struct snapshot *s = machine(8, 0);
	struct ui_frame f = frame(s);
	struct view *v = view_dash_new();

	CU_ASSERT_EQUAL_FATAL(resizeterm(15, 60), OK);
	v->ops->update(v, &f);
	v->ops->key(v, &f, '4');	/* the queues (issue 3: nine panels share 13 lines) */
	draw_view(v, &f);
	CU_ASSERT(ui_screen_row(" 1 Processes") >= 1);
	CU_ASSERT(ui_screen_row(" 6 Semaphores") > 0);
	/* narrow: the optional columns went, the sender stayed */
	CU_ASSERT_TRUE(ui_screen_has("SENDER"));
	CU_ASSERT_FALSE(ui_screen_has("PERMS"));
	CU_ASSERT_TRUE(ui_screen_has("107 producer"));
	v->ops->free(v);
	snapshot_unref(s);
}

static void test_detail_follows_object(void)
{
	struct snapshot *s = machine(8, 0), *empty = snapshot_new();
	struct ui_obj obj = { .kind = FMT_MSG_QUEUES, .id = "msg:77" };
	struct view *v = view_detail_new(&obj);
	struct ui_frame f = frame(s);

	snapshot_seal(empty);
	CU_ASSERT_EQUAL_FATAL(resizeterm(40, 100), OK);
	v->ops->update(v, &f);
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("msg:77 - Message queues"));
	CU_ASSERT_TRUE(ui_screen_has("16384 bytes"));
	CU_ASSERT_TRUE(ui_screen_has("107 producer"));
	CU_ASSERT_TRUE(ui_screen_has("Errors about this object"));
	CU_ASSERT_TRUE(ui_screen_has("msg:77 msgctl"));
	CU_ASSERT_FALSE(ui_screen_has("GONE"));

	/* the queue disappears: the last content stays, marked gone */
	f = frame(empty);
	v->ops->update(v, &f);
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("GONE"));
	CU_ASSERT_TRUE(ui_screen_has("16384 bytes"));
	v->ops->free(v);
	snapshot_unref(s);
	snapshot_unref(empty);
}

static void test_help_and_errors_pages(void)
{
	struct snapshot *s = machine(8, 0);
	struct ui_frame f = frame(s);
	struct view *h = view_help_new(), *e = view_errors_new();

	CU_ASSERT_EQUAL_FATAL(resizeterm(24, 80), OK);
	h->ops->update(h, &f);
	draw_view(h, &f);
	CU_ASSERT_TRUE(ui_screen_has("ipctop help"));
	CU_ASSERT_TRUE(ui_screen_has("Tab, Shift-Tab"));
	CU_ASSERT_EQUAL(h->ops->key(h, &f, KEY_END).kind, CMD_HANDLED);
	draw_view(h, &f);
	CU_ASSERT_TRUE(ui_screen_has("--sysroot DIR"));	/* the last line, scrolled to */
	CU_ASSERT_EQUAL(h->ops->key(h, &f, 'q').kind, CMD_UNHANDLED);

	e->ops->update(e, &f);
	draw_view(e, &f);
	CU_ASSERT_TRUE(ui_screen_has("Errors and sources (1 errors)"));
	CU_ASSERT_TRUE(ui_screen_has("EACCES"));
	h->ops->free(h);
	e->ops->free(e);
	snapshot_unref(s);
}

/* Issue 12: numbers are shown whole (2147483647 and 2147483547 stay apart, never "2147…"), a
 * list too long for its column is cut between items; names show their control, C1 and bidi
 * characters escaped. */
static void test_whole_numbers_and_names(void)
{
	struct snapshot *s = snapshot_new();
	struct psem_rec *m;
	struct sem_rec *sm;
	struct panel p;
	struct ui_frame f;
	struct ui_rect r = { 0, 0, 10, 80 };
	char line[256];
	int row;

	m = snapshot_add_psem(s);
	m->name = snapshot_strdup(s, "max");
	m->value = 2147483647;
	m = snapshot_add_psem(s);
	m->name = snapshot_strdup(s, "e\xe2\x80\xae" "vil\x9b\xc2\x9b");
	m->value = 2147483547;
	sm = snapshot_add_sem(s);
	sm->perm.id = 1;
	sm->nsems = 12;
	sm->values = snapshot_alloc(s, 12 * sizeof(int64_t));
	for (int i = 0; i < 12; i++)
		sm->values[i] = 32767 - i;
	snapshot_seal(s);
	f = frame(s);
	CU_ASSERT_EQUAL_FATAL(resizeterm(24, 80), OK);

	panel_init(&p, &view_psem_panel);
	panel_update(&p, &f);
	erase();
	panel_draw(&p, &f, stdscr, &r, true, 0);
	CU_ASSERT_TRUE(ui_screen_has("2147483647"));
	CU_ASSERT_TRUE(ui_screen_has("2147483547"));
	row = ui_screen_row("2147483547");
	CU_ASSERT_TRUE(row >= 0 && strstr(ui_screen_line(row, line, sizeof(line)),
					  "/e\\xe2\\x80\\xaevil\\x9b"));
	panel_fini(&p);

	panel_init(&p, &view_sem_panel);
	panel_update(&p, &f);
	erase();
	r.w = 60;	/* too narrow for 12 values */
	panel_draw(&p, &f, stdscr, &r, true, 0);
	row = ui_screen_row("32767,32766");
	CU_ASSERT_TRUE(row >= 0);
	if (row >= 0) {
		const char *l = ui_screen_line(row, line, sizeof(line));
		const char *v = strstr(l, "32767,");
		const char *plus = v ? strstr(v, ",+") : NULL;

		CU_ASSERT_PTR_NOT_NULL(plus);	/* cut between items, with the count left out */
		/* every number shown is whole: each item before "+N" is a full 5-digit value */
		for (const char *q = v; plus && q < plus; q += 6)
			CU_ASSERT_TRUE(strspn(q, "0123456789") == 5);
	}
	panel_fini(&p);
	snapshot_unref(s);
}

/* issue 11: a 40,000-deep chain (what one user can make): every process once, in order,
 * and each row's prefix bounded - the deepest elides the levels above ("~+N") - so the
 * panel is linear in time and memory (the old prefix was 2 bytes per level per row). */
static void test_deep_tree(void)
{
	enum { DEPTH = 40000 };
	struct snapshot *s = snapshot_new();
	struct panel p;
	struct ui_frame f;
	char want[256];
	size_t longest = 0;

	for (pid_t pid = 1; pid <= DEPTH; pid++)
		add_proc(s, pid, pid - 1, "deep", false);
	snapshot_seal(s);
	panel_init(&p, &view_procs_panel);
	f = frame(s);
	panel_update(&p, &f);
	CU_ASSERT_EQUAL_FATAL(p.n_rows, DEPTH);
	for (size_t i = 0; i < p.n_rows; i++) {
		size_t len = p.rows[i].indent ? strlen(p.rows[i].indent) : 0;

		CU_ASSERT_EQUAL(((const struct proc_rec *)p.rows[i].rec)->pid, (pid_t)i + 1);
		longest = len > longest ? len : longest;
	}
	CU_ASSERT_TRUE(longest <= 64);
	/* depth 39,999: 39,975 levels elided, 23 drawn blank (no siblings), then the last-child
	 * glyph */
	snprintf(want, sizeof(want), "~+39975 %*s`-", 46, "");
	CU_ASSERT_STRING_EQUAL(p.rows[DEPTH - 1].indent, want);
	CU_ASSERT_STRING_EQUAL(p.rows[1].indent, "`-");
	panel_fini(&p);
	snapshot_unref(s);
}

void test_register(void)
{
	TEST_SUITE("ui_panel", NULL, NULL,
		   "panels resolve their columns", test_panels_resolve,
		   "selection follows the object id", test_selection_follows_id,
		   "page up/down, end", test_page_keys,
		   "process tree", test_process_tree,
		   "a 40,000-deep tree: linear, bounded prefixes", test_deep_tree,
		   "errors and names", test_error_about);
	TEST_SUITE("ui_screen", ui_screen_init, ui_screen_clean,
		   "dashboard at 80x24", test_dashboard_80x24,
		   "dashboard at 60x15", test_dashboard_60x15,
		   "detail follows its object", test_detail_follows_object,
		   "help and errors pages", test_help_and_errors_pages,
		   "numbers whole, names escaped", test_whole_numbers_and_names);
}
