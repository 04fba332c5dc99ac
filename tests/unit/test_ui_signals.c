/*
 * test_ui_signals.c - the signal dashboard without a real terminal: matrix marks from masks,
 * the matrix filters, the event history (bounded, ordered, lifecycle events from two
 * snapshots), and what the matrix, event log, kill picker, deadlock page and alert line paint
 * (curses draws into a virtual screen on /dev/null; the test reads the cells back).
 *
 * The kill picker is only ever confirmed here against pids that cannot exist (above the
 * kernel's pid_max of 2^22), so nothing real is signalled.
 */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "src/diff.h"
#include "src/snapshot.h"
#include "tests/unit/testmain.h"
#include "tests/unit/ui_screen.h"
#include "ui/evlog.h"
#include "ui/term.h"
#include "ui/view.h"
#include "ui/view_signals.h"

#define BIT(sig) (1ULL << ((sig) - 1))
#define NO_PID 2000000000	/* > PID_MAX_LIMIT (4194304): kill(2) can only say ESRCH */

static struct ui_settings settings;

static struct ui_frame frame(const struct snapshot *s, const struct evlog *log)
{
	struct ui_frame f = { .snap = s, .set = &settings, .log = log };

	return f;
}

static struct proc_rec *add_proc(struct snapshot *s, pid_t pid, pid_t ppid, const char *comm)
{
	struct proc_rec *p = snapshot_add_proc(s);

	p->pid = pid;
	p->ppid = ppid;
	p->comm = snapshot_strdup(s, comm);
	p->cmdline = snapshot_strdup(s, comm);
	p->state = 'S';
	p->start_ticks = 100;
	p->sig_known = true;
	return p;
}

/* ---- marks and filters ---- */

static void test_marks(void)
{
	struct sigmasks m = { .known = true };

	m.shared = BIT(SIGUSR1);
	m.pending = BIT(SIGUSR1) | BIT(SIGWINCH);
	m.blocked = BIT(SIGUSR1) | BIT(SIGWINCH) | BIT(SIGALRM) | BIT(SIGUSR2);
	m.caught = BIT(SIGUSR2) | BIT(SIGINT) | BIT(SIGUSR1);
	m.ignored = BIT(SIGPIPE) | BIT(SIGINT);

	/* precedence: process-wide pending, thread pending, blocked, caught, ignored */
	CU_ASSERT_EQUAL(view_signals_mark(&m, SIGUSR1), SIGMARK_PENDING_SHARED);
	CU_ASSERT_EQUAL(view_signals_mark(&m, SIGWINCH), SIGMARK_PENDING_THREAD);
	CU_ASSERT_EQUAL(view_signals_mark(&m, SIGUSR2), SIGMARK_BLOCKED);
	CU_ASSERT_EQUAL(view_signals_mark(&m, SIGALRM), SIGMARK_BLOCKED);
	CU_ASSERT_EQUAL(view_signals_mark(&m, SIGINT), SIGMARK_CAUGHT);
	CU_ASSERT_EQUAL(view_signals_mark(&m, SIGPIPE), SIGMARK_IGNORED);
	CU_ASSERT_EQUAL(view_signals_mark(&m, SIGTERM), SIGMARK_DEFAULT);
	CU_ASSERT_EQUAL(view_signals_mark(&m, 64), SIGMARK_DEFAULT);
	m.blocked |= 1ULL << 63;
	CU_ASSERT_EQUAL(view_signals_mark(&m, 64), SIGMARK_BLOCKED);
	/* out of range and unknown */
	CU_ASSERT_EQUAL(view_signals_mark(&m, 0), SIGMARK_DEFAULT);
	CU_ASSERT_EQUAL(view_signals_mark(&m, 65), SIGMARK_DEFAULT);
	m.known = false;
	CU_ASSERT_EQUAL(view_signals_mark(&m, SIGUSR1), SIGMARK_UNKNOWN);

	/* every mark is a distinct character with a name */
	{
		const enum sigmark all[] = { SIGMARK_DEFAULT, SIGMARK_IGNORED, SIGMARK_CAUGHT,
					     SIGMARK_BLOCKED, SIGMARK_PENDING_THREAD,
					     SIGMARK_PENDING_SHARED, SIGMARK_UNKNOWN };
		const char want[] = ".ICBpP?";

		for (size_t i = 0; i < 7; i++) {
			CU_ASSERT_EQUAL(view_signals_mark_char(all[i]), want[i]);
			for (size_t j = 0; j < i; j++)
				CU_ASSERT_STRING_NOT_EQUAL(view_signals_mark_name(all[i]),
							   view_signals_mark_name(all[j]));
		}
	}
}

static void test_proc_and_thread_masks(void)
{
	struct snapshot *s = snapshot_new();
	struct proc_rec *p = add_proc(s, 50, 1, "worker");
	struct thread_rec t = { .tgid = 50, .tid = 51, .pending = BIT(SIGALRM),
				.blocked = BIT(SIGALRM) | BIT(SIGUSR1) };
	struct sigmasks m;

	p->sig[SIGSET_PENDING] = BIT(SIGWINCH);
	p->sig[SIGSET_SHARED_PENDING] = BIT(SIGUSR1);
	p->sig[SIGSET_BLOCKED] = BIT(SIGUSR1) | BIT(SIGWINCH);
	p->sig[SIGSET_CAUGHT] = BIT(SIGUSR2);
	p->sig[SIGSET_IGNORED] = BIT(SIGPIPE);
	view_signals_proc_masks(p, &m);
	CU_ASSERT_TRUE(m.known);
	CU_ASSERT_EQUAL(m.shared, BIT(SIGUSR1));
	CU_ASSERT_EQUAL(m.pending, BIT(SIGWINCH));
	CU_ASSERT_EQUAL(m.caught, BIT(SIGUSR2));

	/* a thread: its own pending and blocked sets, the process's dispositions, and the
	 * process-wide pending set only on the process row */
	view_signals_thread_masks(p, &t, &m);
	CU_ASSERT_EQUAL(m.pending, BIT(SIGALRM));
	CU_ASSERT_EQUAL(m.shared, 0);
	CU_ASSERT_EQUAL(m.blocked, BIT(SIGALRM) | BIT(SIGUSR1));
	CU_ASSERT_EQUAL(m.caught, BIT(SIGUSR2));
	CU_ASSERT_EQUAL(m.ignored, BIT(SIGPIPE));
	CU_ASSERT_EQUAL(view_signals_mark(&m, SIGALRM), SIGMARK_PENDING_THREAD);
	CU_ASSERT_EQUAL(view_signals_mark(&m, SIGUSR1), SIGMARK_BLOCKED);

	p->sig_known = false;
	view_signals_proc_masks(p, &m);
	CU_ASSERT_FALSE(m.known);
	snapshot_unref(s);
}

static void test_filters(void)
{
	struct sigmasks plain = { .known = true }, caught = { .known = true };
	struct sigmasks pend = { .known = true }, unknown = { .known = false };

	caught.caught = BIT(SIGTERM);
	pend.pending = BIT(SIGUSR1);
	CU_ASSERT_TRUE(view_signals_shown(&plain, "sleep", SIGFILTER_ALL, NULL));
	CU_ASSERT_FALSE(view_signals_shown(&plain, "sleep", SIGFILTER_NONDEFAULT, NULL));
	CU_ASSERT_TRUE(view_signals_shown(&caught, "bash", SIGFILTER_NONDEFAULT, ""));
	CU_ASSERT_FALSE(view_signals_shown(&caught, "bash", SIGFILTER_PENDING, ""));
	CU_ASSERT_TRUE(view_signals_shown(&pend, "bash", SIGFILTER_PENDING, NULL));
	/* unknown masks: kept where they might matter, never claimed pending */
	CU_ASSERT_TRUE(view_signals_shown(&unknown, "x", SIGFILTER_NONDEFAULT, NULL));
	CU_ASSERT_FALSE(view_signals_shown(&unknown, "x", SIGFILTER_PENDING, NULL));
	/* comm: case-insensitive substring */
	CU_ASSERT_TRUE(view_signals_shown(&plain, "sigui_child", SIGFILTER_ALL, "UI_CH"));
	CU_ASSERT_FALSE(view_signals_shown(&plain, "sigui_child", SIGFILTER_ALL, "bash"));
	CU_ASSERT_FALSE(view_signals_shown(&plain, NULL, SIGFILTER_ALL, "a"));
	CU_ASSERT_STRING_EQUAL(view_signals_filter_name(SIGFILTER_PENDING), "pending");
}

/* ---- the event history ---- */

static void test_evlog_bounded(void)
{
	struct evlog *log = evlog_new(3);
	struct evlog_entry e = { .kind = EVLOG_SIGNAL, .signo = SIGUSR1 };
	size_t idx;

	CU_ASSERT_EQUAL(evlog_count(log), 0);
	CU_ASSERT_PTR_NULL(evlog_get(log, 0));
	CU_ASSERT_FALSE(evlog_find(log, 1, &idx));
	for (int i = 1; i <= 5; i++) {
		e.pid = 100 + i;
		e.seq = 999;	/* ignored: the log numbers entries itself */
		CU_ASSERT_EQUAL(evlog_push(log, &e)->seq, (uint64_t)i);
	}
	/* the oldest two went */
	CU_ASSERT_EQUAL(evlog_count(log), 3);
	CU_ASSERT_EQUAL(log->dropped, 2);
	CU_ASSERT_EQUAL(evlog_get(log, 0)->pid, 103);
	CU_ASSERT_EQUAL(evlog_get(log, 2)->pid, 105);
	CU_ASSERT_PTR_NULL(evlog_get(log, 3));
	CU_ASSERT_FALSE(evlog_find(log, 2, &idx));
	CU_ASSERT_TRUE(evlog_find(log, 3, &idx));
	CU_ASSERT_EQUAL(idx, 0);
	CU_ASSERT_TRUE(evlog_find(log, 5, &idx));
	CU_ASSERT_EQUAL(idx, 2);
	CU_ASSERT_FALSE(evlog_find(log, 6, &idx));
	/* many more: still bounded, still consecutive */
	for (int i = 0; i < 1000; i++)
		evlog_push(log, &e);
	CU_ASSERT_EQUAL(evlog_count(log), 3);
	CU_ASSERT_EQUAL(evlog_get(log, 2)->seq, 1005);
	CU_ASSERT_EQUAL(evlog_get(log, 0)->seq, 1003);
	evlog_free(log);
	evlog_free(NULL);
	CU_ASSERT_EQUAL(evlog_count(NULL), 0);

	log = evlog_new(0);	/* taken as 1 */
	evlog_push(log, &e);
	evlog_push(log, &e);
	CU_ASSERT_EQUAL(evlog_count(log), 1);
	evlog_free(log);
}

/* prev: 1 init, 10 shell, 11 child of 10, 12 exits, 13 dies into a zombie;
 * cur: 11 re-parented to 1 (10 exited), 13 a zombie, 14 started by 1, two signal events. */
static void two_snapshots(struct snapshot **prev, struct snapshot **cur)
{
	struct snapshot *a = snapshot_new(), *b = snapshot_new();
	struct sig_event *e;
	struct proc_rec *p;

	a->time = 1000.0;
	add_proc(a, 1, 0, "init");
	add_proc(a, 10, 1, "shell");
	add_proc(a, 11, 10, "child");
	add_proc(a, 12, 1, "gone");
	add_proc(a, 13, 1, "dying");
	snapshot_seal(a);

	b->time = 1001.0;
	add_proc(b, 1, 0, "init");
	p = add_proc(b, 11, 1, "child");
	p->orphan = true;
	p->original_ppid = 10;
	p = add_proc(b, 13, 1, "dying");
	p->zombie = true;
	p->state = 'Z';
	p->zombie_since = 1001.0;
	add_proc(b, 14, 1, "newborn");
	e = snapshot_add_sigevent(b);
	e->time = 1000.7;
	e->signo = SIGCHLD;
	e->sender_pid = 13;
	e->sender_comm = snapshot_strdup(b, "dying");
	e->target_pid = 1;
	e->target_comm = snapshot_strdup(b, "init");
	e->result = SIGRES_DELIVERED;
	e = snapshot_add_sigevent(b);
	e->time = 1000.2;
	e->signo = SIGUSR1;
	e->target_pid = 11;
	e->result = SIGRES_BLOCKED;
	e->inferred = true;
	snapshot_set_source(b, "sig_trace", true, NULL);
	snapshot_seal(b);
	*prev = a;
	*cur = b;
}

static const struct evlog_entry *find_kind(const struct evlog *log, enum evlog_kind k, pid_t pid)
{
	for (size_t i = 0; i < evlog_count(log); i++) {
		const struct evlog_entry *e = evlog_get(log, i);

		if (e->kind == k && e->pid == pid)
			return e;
	}
	return NULL;
}

static void test_evlog_from_snapshots(void)
{
	struct snapshot *prev, *cur;
	struct snapshot_delta *d;
	struct evlog *log = evlog_new(100);
	const struct evlog_entry *e;

	two_snapshots(&prev, &cur);
	d = snapshot_diff(prev, cur);

	/* the first snapshot alone: its signal events, no lifecycle (nothing to compare) */
	evlog_add(log, NULL, prev, NULL);
	CU_ASSERT_EQUAL(evlog_count(log), 0);

	evlog_add(log, prev, cur, d);
	/* signals: ordered by time, the inferred one marked and without a sender */
	e = evlog_get(log, 0);
	CU_ASSERT_EQUAL_FATAL(e->kind, EVLOG_SIGNAL);
	CU_ASSERT_EQUAL(e->signo, SIGUSR1);
	CU_ASSERT_TRUE(e->inferred);
	CU_ASSERT_EQUAL(e->other, 0);
	CU_ASSERT_STRING_EQUAL(e->comm, "child");	/* from the snapshot: the event had none */
	e = evlog_get(log, 1);
	CU_ASSERT_EQUAL(e->signo, SIGCHLD);
	CU_ASSERT_FALSE(e->inferred);
	CU_ASSERT_EQUAL(e->other, 13);
	CU_ASSERT_STRING_EQUAL(e->other_comm, "dying");
	CU_ASSERT_EQUAL(e->result, SIGRES_DELIVERED);

	/* lifecycle: after the signals (they carry the snapshot's later time) */
	e = find_kind(log, EVLOG_EXIT, 10);
	CU_ASSERT_PTR_NOT_NULL(e);
	if (e) {
		CU_ASSERT_STRING_EQUAL(e->comm, "shell");
		CU_ASSERT_EQUAL(e->other, 1);	/* its parent */
		CU_ASSERT_EQUAL(e->time, 1001.0);
	}
	CU_ASSERT_PTR_NOT_NULL(find_kind(log, EVLOG_EXIT, 12));
	e = find_kind(log, EVLOG_START, 14);
	CU_ASSERT_PTR_NOT_NULL(e);
	if (e) {
		CU_ASSERT_STRING_EQUAL(e->comm, "newborn");
		CU_ASSERT_EQUAL(e->other, 1);
		CU_ASSERT_STRING_EQUAL(e->other_comm, "init");
	}
	e = find_kind(log, EVLOG_ZOMBIE, 13);
	CU_ASSERT_PTR_NOT_NULL(e);
	if (e)
		CU_ASSERT_EQUAL(e->other, 1);	/* the parent not reaping it */
	e = find_kind(log, EVLOG_ORPHAN, 11);
	CU_ASSERT_PTR_NOT_NULL(e);
	if (e) {
		CU_ASSERT_EQUAL(e->other, 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(e->detail, "first parent 10 shell"));
	}
	CU_ASSERT_PTR_NULL(find_kind(log, EVLOG_EXIT, 11));
	CU_ASSERT_EQUAL(evlog_count(log), 7);
	for (size_t i = 1; i < evlog_count(log); i++)
		CU_ASSERT(evlog_get(log, i - 1)->time <= evlog_get(log, i)->time);

	/* the same zombie and orphan again: no new events (only when they appear) */
	{
		size_t before = evlog_count(log);

		evlog_add(log, cur, cur, NULL);
		CU_ASSERT_EQUAL(evlog_count(log), before + 2);	/* only cur's two signal events */
	}
	/* entries outlive their snapshots */
	snapshot_delta_free(d);
	snapshot_unref(prev);
	snapshot_unref(cur);
	CU_ASSERT_STRING_EQUAL(find_kind(log, EVLOG_START, 14)->comm, "newborn");
	evlog_free(log);
}

/* ---- painting ---- */







static void draw_view(struct view *v, const struct ui_frame *f)
{
	struct ui_rect r = { 1, 0, LINES - 2, COLS };

	erase();
	v->ops->draw(v, f, stdscr, &r);
}

/* The mark the matrix shows for signal sig on the screen row of text: the column comes from
 * the heading of ones digits ("1234567890..."), as a reader of the screen would find it. */
static char mark_at(const char *row_text, int sig)
{
	char head[512], row[512];
	int hy = ui_screen_row("1234567890123456789012345678901"), ry = ui_screen_row(row_text);
	const char *ones;

	if (hy < 0 || ry < 0)
		return 0;
	ui_screen_line(hy, head, sizeof(head));
	ui_screen_line(ry, row, sizeof(row));
	ones = strstr(head, "1234567890123456789012345678901");
	return row[(ones - head) + sig - 1];
}

static struct snapshot *matrix_snapshot(void)
{
	struct snapshot *s = snapshot_new();
	struct proc_rec *p;
	struct thread_rec *t;

	p = add_proc(s, 1, 0, "init");
	p->sig[SIGSET_IGNORED] = BIT(SIGPIPE);
	p = add_proc(s, 200, 1, "sleeper");		/* all default */
	p = add_proc(s, 300, 1, "sigtest");
	p->sig[SIGSET_SHARED_PENDING] = BIT(SIGUSR1);
	p->sig[SIGSET_PENDING] = BIT(SIGWINCH);
	p->sig[SIGSET_BLOCKED] = BIT(SIGUSR1) | BIT(SIGWINCH);
	p->sig[SIGSET_CAUGHT] = BIT(SIGUSR2) | BIT(SIGINT);
	p->sigq_queued = 2;
	p->sigq_limit = 7823;
	t = snapshot_add_thread(s);
	t->tgid = 300;
	t->tid = 301;
	t->comm = snapshot_strdup(s, "sigtest-th");
	t->blocked = BIT(SIGUSR1) | BIT(SIGWINCH) | BIT(SIGALRM);
	p = add_proc(s, 400, 1, "rtuser");
	p->sig[SIGSET_BLOCKED] = 1ULL << (36 - 1);	/* SIGRTMIN+2 with glibc */
	p->sig[SIGSET_SHARED_PENDING] = 1ULL << (36 - 1);
	p = add_proc(s, 500, 1, "unreadable");
	p->sig_known = false;
	snapshot_seal(s);
	return s;
}

static void test_matrix_screen(void)
{
	struct snapshot *s = matrix_snapshot();
	struct ui_frame f = frame(s, NULL);
	struct view *v = view_signals_new();
	struct ui_cmd cmd;
	pid_t pid;

	CU_ASSERT_EQUAL_FATAL(resizeterm(30, 100), OK);
	v->ops->update(v, &f);
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("Signal matrix (5 of 5 processes)"));
	CU_ASSERT_EQUAL(mark_at("  300 sigtest", SIGUSR1), 'P');
	CU_ASSERT_EQUAL(mark_at("  300 sigtest", SIGWINCH), 'p');
	CU_ASSERT_EQUAL(mark_at("  300 sigtest", SIGUSR2), 'C');
	CU_ASSERT_EQUAL(mark_at("  300 sigtest", SIGINT), 'C');
	CU_ASSERT_EQUAL(mark_at("  300 sigtest", SIGTERM), '.');
	CU_ASSERT_EQUAL(mark_at("    1 init", SIGPIPE), 'I');
	CU_ASSERT_EQUAL(mark_at("  500 unreadable", SIGUSR1), '?');
	/* the thread row: its own blocked set */
	CU_ASSERT_EQUAL(mark_at("  301 `-sigtest-th", SIGALRM), 'B');
	CU_ASSERT_EQUAL(mark_at("  301 `-sigtest-th", SIGUSR1), 'B');
	CU_ASSERT_EQUAL(mark_at("  301 `-sigtest-th", SIGUSR2), 'C');
	CU_ASSERT_EQUAL(mark_at("  300 sigtest", SIGALRM), '.');
	/* SigQ; a real-time column appears because a row uses it */
	CU_ASSERT_TRUE(ui_screen_has("2/7823"));
	CU_ASSERT_TRUE(ui_screen_has("P pending (process)"));

	/* the column cursor starts on SIGUSR1; the line under the matrix spells it out for the
	 * selected row (the first: init) */
	CU_ASSERT_TRUE(ui_screen_has("SIGUSR1 (10) in pid 1 init: default disposition"));
	v->ops->key(v, &f, KEY_DOWN);
	v->ops->key(v, &f, KEY_DOWN);
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("SIGUSR1 (10) in pid 300 sigtest: pending (process-wide), blocked"));
	CU_ASSERT_TRUE(v->ops->selected_pid(v, &f, &pid));
	CU_ASSERT_EQUAL(pid, 300);
	v->ops->key(v, &f, '>');
	v->ops->key(v, &f, '>');
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("SIGUSR2 (12) in pid 300 sigtest: caught"));
	cmd = v->ops->key(v, &f, '\r');
	CU_ASSERT_EQUAL(cmd.kind, CMD_OPEN);
	CU_ASSERT_STRING_EQUAL(cmd.obj.id, "pid:300");
	/* the selection follows the process across a refresh */
	v->ops->update(v, &f);
	CU_ASSERT_TRUE(v->ops->selected_pid(v, &f, &pid));
	CU_ASSERT_EQUAL(pid, 300);

	/* m: non-default hides the sleeper; again: pending keeps sigtest and rtuser */
	v->ops->key(v, &f, 'm');
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("(4 of 5 processes)"));
	CU_ASSERT_FALSE(ui_screen_has("sleeper"));
	v->ops->key(v, &f, 'm');
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("(2 of 5 processes)"));
	CU_ASSERT_TRUE(ui_screen_has("rtuser"));
	CU_ASSERT_FALSE(ui_screen_has(" init "));
	v->ops->key(v, &f, 'm');	/* back to all */

	/* /: a comm filter typed in; q is text while typing, not quit; Esc clears it */
	v->ops->key(v, &f, '/');
	CU_ASSERT_EQUAL(v->ops->key(v, &f, 's').kind, CMD_HANDLED);
	CU_ASSERT_EQUAL(v->ops->key(v, &f, 'L').kind, CMD_HANDLED);
	CU_ASSERT_EQUAL(v->ops->key(v, &f, 'E').kind, CMD_HANDLED);
	CU_ASSERT_FALSE(v->ops->selected_pid(v, &f, &pid));	/* no k while typing */
	v->ops->key(v, &f, '\r');
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("comm: \"sLE\""));
	CU_ASSERT_TRUE(ui_screen_has("(1 of 5 processes)"));
	CU_ASSERT_TRUE(ui_screen_has("sleeper"));
	v->ops->key(v, &f, '/');
	v->ops->key(v, &f, 'q');
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("no process matches the filter"));
	v->ops->key(v, &f, 27);
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("(5 of 5 processes)"));
	CU_ASSERT_EQUAL(v->ops->key(v, &f, 'z').kind, CMD_UNHANDLED);

	/* narrow: the standard signals still fit at the minimum width */
	CU_ASSERT_EQUAL_FATAL(resizeterm(15, 60), OK);
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("1234567890123456789012345678901"));
	v->ops->free(v);
	snapshot_unref(s);
}

static void test_events_screen(void)
{
	struct snapshot *prev, *cur, *off;
	struct snapshot_delta *d;
	struct evlog *log = evlog_new(100);
	struct ui_frame f;
	struct view *v = view_events_new();
	pid_t pid;

	two_snapshots(&prev, &cur);
	d = snapshot_diff(prev, cur);
	evlog_add(log, prev, cur, d);

	CU_ASSERT_EQUAL_FATAL(resizeterm(30, 120), OK);
	f = frame(cur, log);
	v->ops->update(v, &f);
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("live signal trace on"));
	/* SIGCHLD hidden by default; the inferred SIGUSR1 is labelled */
	CU_ASSERT_TRUE(ui_screen_has("Event log (6 of 7)"));
	CU_ASSERT_FALSE(ui_screen_has("signal  SIGCHLD"));
	CU_ASSERT_TRUE(ui_screen_has("[inferred]"));
	CU_ASSERT_TRUE(ui_screen_has("SIGUSR1"));
	CU_ASSERT_TRUE(ui_screen_has("blocked, now pending"));
	CU_ASSERT_TRUE(ui_screen_has("zombie"));
	CU_ASSERT_TRUE(ui_screen_has("orphan"));
	CU_ASSERT_TRUE(ui_screen_has("first parent 10 shell exited"));
	CU_ASSERT_TRUE(ui_screen_has("14 newborn"));
	/* the newest is selected (tail): the selection is the last entry */
	CU_ASSERT_TRUE(ui_screen_has("6/6"));
	v->ops->key(v, &f, 'c');
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("Event log (7 of 7)"));
	CU_ASSERT_TRUE(ui_screen_has("signal  SIGCHLD     13 dying"));
	CU_ASSERT_TRUE(ui_screen_has("delivered"));
	/* m: signals only */
	v->ops->key(v, &f, 'm');
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("Event log (2 of 7)"));
	CU_ASSERT_FALSE(ui_screen_has("newborn"));
	/* Home: the oldest, the inferred SIGUSR1 to 11; k targets it while 11 exists */
	v->ops->key(v, &f, KEY_HOME);
	CU_ASSERT_TRUE(v->ops->selected_pid(v, &f, &pid));
	CU_ASSERT_EQUAL(pid, 11);
	CU_ASSERT_EQUAL(v->ops->key(v, &f, '\r').kind, CMD_OPEN);

	/* the trace off: its reason is shown */
	off = snapshot_new();
	snapshot_set_source(off, "sig_trace", false, "cannot mount tracefs: EPERM");
	snapshot_seal(off);
	f = frame(off, log);
	v->ops->update(v, &f);
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("live signal trace off: cannot mount tracefs: EPERM"));
	CU_ASSERT_TRUE(ui_screen_has("inferred from pending masks"));
	/* 11 is not in this snapshot: nothing to send a signal to */
	CU_ASSERT_FALSE(v->ops->selected_pid(v, &f, &pid));
	v->ops->free(v);
	snapshot_delta_free(d);
	snapshot_unref(prev);
	snapshot_unref(cur);
	snapshot_unref(off);
	evlog_free(log);
}

static struct snapshot *one_proc(pid_t pid, unsigned long long start)
{
	struct snapshot *s = snapshot_new();
	struct proc_rec *p = add_proc(s, pid, 1, "target");

	p->start_ticks = start;
	p->sig[SIGSET_CAUGHT] = BIT(SIGUSR2);
	snapshot_seal(s);
	return s;
}

static void test_kill_screen(void)
{
	struct snapshot *s = one_proc(NO_PID, 5), *reused = one_proc(NO_PID, 6);
	struct ui_frame f = frame(s, NULL);
	struct view *v = view_kill_new(NO_PID, &f);
	char sent[128];

	CU_ASSERT_EQUAL_FATAL(resizeterm(40, 100), OK);
	v->ops->update(v, &f);
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("Send a signal to pid 2000000000 (target)"));
	/* every signal, real-time ones included, with what the target does with it */
	CU_ASSERT_TRUE(ui_screen_has("SIGUSR2"));
	CU_ASSERT_TRUE(ui_screen_has("caught"));
	v->ops->key(v, &f, KEY_END);
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("SIGRTMAX") || ui_screen_has("SIGRTMIN+30"));
	v->ops->key(v, &f, KEY_HOME);
	for (int i = 0; i < 11; i++)
		v->ops->key(v, &f, KEY_DOWN);	/* 1..31 in order: the 12th is SIGUSR2 */

	/* Enter asks; n (any key but y) sends nothing */
	CU_ASSERT_EQUAL(v->ops->key(v, &f, '\r').kind, CMD_HANDLED);
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("Send SIGUSR2 (12) to pid 2000000000 (target)? y/N"));
	CU_ASSERT_EQUAL(v->ops->key(v, &f, 'n').kind, CMD_HANDLED);
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("Not sent."));
	CU_ASSERT_FALSE(ui_screen_has("y/N"));
	/* q and Esc at the prompt are answers too, not quit / back */
	v->ops->key(v, &f, '\r');
	CU_ASSERT_EQUAL(v->ops->key(v, &f, 'q').kind, CMD_HANDLED);
	v->ops->key(v, &f, '\r');
	CU_ASSERT_EQUAL(v->ops->key(v, &f, 27).kind, CMD_HANDLED);
	/* y on a process that had exited when the page opened (no pidfd could be held): nothing
	 * is sent, and the page says why (issue 11: never kill by a bare pid) */
	v->ops->key(v, &f, '\r');
	v->ops->key(v, &f, 'y');
	draw_view(v, &f);
	snprintf(sent, sizeof(sent), "Sending SIGUSR2 (12) to pid %d", NO_PID);
	CU_ASSERT_FALSE(ui_screen_has(sent));
	CU_ASSERT_TRUE(ui_screen_has("Not sent: the process has exited."));
	/* the pid now names another process: refused without calling kill */
	f = frame(reused, NULL);
	v->ops->update(v, &f);
	v->ops->key(v, &f, '\r');
	v->ops->key(v, &f, 'y');
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("Not sent: pid 2000000000 now belongs to another process."));
	/* outside the prompt, Esc is the loop's (back) */
	CU_ASSERT_EQUAL(v->ops->key(v, &f, 27).kind, CMD_UNHANDLED);
	v->ops->free(v);
	snapshot_unref(s);
	snapshot_unref(reused);
}

static void test_deadlock_screen(void)
{
	struct snapshot *s = snapshot_new(), *calm = snapshot_new();
	struct deadlock_rec *d;
	struct stall_rec *st;
	struct proc_rec *p;
	struct ui_frame f;
	struct view *v = view_deadlock_new();

	s->time = 1000.0;
	p = add_proc(s, 700, 1, "alpha");
	p->waiting.kind = WAIT_PIPE_WRITE;
	p->waiting.object = snapshot_strdup(s, "pipe:11");
	p->waiting.arg = SNAP_UNKNOWN;
	p = add_proc(s, 701, 1, "beta");
	p->waiting.kind = WAIT_SEM_WAIT;
	p->waiting.object = snapshot_strdup(s, "sem:5");
	p->waiting.arg = 1;
	add_proc(s, 702, 1, "lonely");
	d = snapshot_add_deadlock(s);
	d->pids = snapshot_alloc(s, 2 * sizeof(pid_t));
	d->pids[0] = 700;
	d->pids[1] = 701;
	d->n_pids = 2;
	d->objects = snapshot_alloc(s, 2 * sizeof(char *));
	d->objects[0] = "pipe:11";
	d->objects[1] = "sem:5";
	d->n_objects = 2;
	d->since = 988.0;
	st = snapshot_add_stall(s);
	st->pid = 702;
	st->object = "pipe:12";
	st->reason = "its only reader is itself";
	st->since = 995.0;
	snapshot_seal(s);
	snapshot_seal(calm);

	CU_ASSERT_EQUAL_FATAL(resizeterm(30, 120), OK);
	f = frame(s, NULL);
	erase();
	CU_ASSERT_TRUE(view_deadlock_banner(&f, stdscr, 1, 0, COLS));
	CU_ASSERT_TRUE(ui_screen_has("DEADLOCK for 12s: 700(alpha) -[pipe:11 write]-> 701(beta) "
				  "-[sem:5 #1 wait]-> back to 700(alpha)"));
	/* narrower: the pids without their names, so the whole cycle still shows */
	erase();
	CU_ASSERT_TRUE(view_deadlock_banner(&f, stdscr, 1, 0, 90));
	CU_ASSERT_TRUE(ui_screen_has("DEADLOCK for 12s: 700 -[pipe:11 write]-> 701 -[sem:5 #1 wait]-> "
				  "back to 700   D: details"));
	v->ops->update(v, &f);
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("Deadlocks (1) and stalls (1)"));
	CU_ASSERT_TRUE(ui_screen_has("Deadlock 1: 2 processes, for 12s"));
	CU_ASSERT_TRUE(ui_screen_has("700(alpha) -[pipe:11 write]->"));
	CU_ASSERT_TRUE(ui_screen_has("pipe_write pipe:11"));
	CU_ASSERT_TRUE(ui_screen_has("702(lonely)"));
	CU_ASSERT_TRUE(ui_screen_has("pipe:12, for 5s: its only reader is itself"));

	f = frame(calm, NULL);
	erase();
	CU_ASSERT_FALSE(view_deadlock_banner(&f, stdscr, 1, 0, COLS));
	CU_ASSERT_FALSE(ui_screen_has("DEADLOCK"));
	v->ops->update(v, &f);
	draw_view(v, &f);
	CU_ASSERT_TRUE(ui_screen_has("none in the current snapshot"));
	v->ops->free(v);
	snapshot_unref(s);
	snapshot_unref(calm);
}

void test_register(void)
{
	TEST_SUITE("ui_signals", NULL, NULL,
		   "matrix marks and their precedence", test_marks,
		   "process and thread masks", test_proc_and_thread_masks,
		   "matrix filters", test_filters,
		   "event history is bounded", test_evlog_bounded,
		   "event history from two snapshots", test_evlog_from_snapshots);
	TEST_SUITE("ui_signals_screen", ui_screen_init, ui_screen_clean,
		   "signal matrix", test_matrix_screen,
		   "event log", test_events_screen,
		   "kill picker and confirmation", test_kill_screen,
		   "deadlock alert and page", test_deadlock_screen);
}
