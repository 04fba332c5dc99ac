/*
 * test_view_topo.c - the topology view painted into curses' virtual screen (a vt100 on
 * /dev/null, so ASCII glyphs), read back: boxes for processes and objects with their
 * labels, arrowheads, the selection and keys (Tab follows a link, Enter opens, a/[ ] the
 * neighbourhood), search and filter, boxes that stay put when the next snapshot adds a
 * process, a vanished process fading where it was, and animation frames only while something
 * moves and not while paused.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "src/diff.h"
#include "src/snapshot.h"
#include "tests/unit/testmain.h"
#include "tests/unit/ui_screen.h"
#include "ui/view.h"

static struct ui_settings settings;

static int screen_init(void)
{
	if (ui_screen_init() < 0)
		return -1;
	resizeterm(40, 130);
	return 0;
}


static void add_proc(struct snapshot *s, pid_t pid, const char *comm)
{
	struct proc_rec *p = snapshot_add_proc(s);

	p->pid = pid;
	p->ppid = 1;
	p->comm = snapshot_strdup(s, comm);
	p->cmdline = snapshot_strdup(s, comm);
	p->state = 'S';
}

static void add_pipe(struct snapshot *s, uint64_t inode, pid_t w, pid_t r, int64_t queued)
{
	struct pipe_rec *p = snapshot_add_pipe(s);

	p->kind = PIPE_ANON;
	p->inode = inode;
	p->ends = snapshot_alloc(s, 2 * sizeof(*p->ends));
	p->n_ends = 2;
	p->ends[0] = (struct endpoint){ w < r ? w : r, 3, w < r ? FD_MODE_WRITE : FD_MODE_READ };
	p->ends[1] = (struct endpoint){ w < r ? r : w, 4, w < r ? FD_MODE_READ : FD_MODE_WRITE };
	p->queued_bytes = queued;
	p->capacity = 65536;
}

static void add_sock(struct snapshot *s, uint64_t inode, uint64_t peer, pid_t holder)
{
	struct usock_rec *u = snapshot_add_usock(s);

	u->inode = inode;
	u->peer_inode = peer;
	u->peer_known = true;
	u->type = 1;
	u->holders = snapshot_alloc(s, sizeof(*u->holders));
	u->n_holders = 1;
	u->holders[0] = (struct endpoint){ holder, 5, FD_MODE_RDWR };
}

/* writer(10) -pipe-> reader(11); writer <-socket-> peer(12); writer -> msg:5 -> reader;
 * shm:3 attached by reader and peer; with_extra: newbie(13) -pipe-> peer; without_reader:
 * 11 is gone. */
static struct snapshot *scene(double time, bool with_extra, bool without_reader)
{
	struct snapshot *s = snapshot_new();
	struct msgq_rec *q;
	struct shm_rec *m;

	s->time = time;
	add_proc(s, 10, "writer");
	if (!without_reader)
		add_proc(s, 11, "reader");
	add_proc(s, 12, "peer");
	if (with_extra)
		add_proc(s, 13, "newbie");
	if (!without_reader)
		add_pipe(s, 900, 10, 11, 32768);
	if (with_extra)
		add_pipe(s, 901, 13, 12, 0);
	add_sock(s, 700, 701, 10);
	add_sock(s, 701, 700, 12);
	q = snapshot_add_msgq(s);
	q->perm.id = 5;
	q->messages = 2;
	q->bytes = 200;
	q->max_bytes = 16384;
	q->last_send_pid = 10;
	q->last_recv_pid = without_reader ? 0 : 11;
	m = snapshot_add_shm(s);
	m->perm.id = 3;
	m->size = 8192;
	m->nattch = without_reader ? 1 : 2;
	m->attached_pids = snapshot_alloc(s, 2 * sizeof(pid_t));
	m->attached_pids[0] = without_reader ? 12 : 11;
	m->attached_pids[1] = 12;
	m->n_attached = without_reader ? 1 : 2;
	snapshot_seal(s);
	return s;
}

static struct ui_frame frame(const struct snapshot *s, const struct snapshot_delta *d, double now)
{
	struct ui_frame f = { .snap = s, .delta = d, .set = &settings, .now = now };

	return f;
}

static void dump(void);

static void draw(struct view *v, const struct ui_frame *f)
{
	struct ui_rect r = { 1, 0, LINES - 2, COLS };

	erase();
	v->ops->draw(v, f, stdscr, &r);
	dump();
}

/* Where text is on the screen: its row (or -1) and column. */
static int find_text(const char *text, int *col)
{
	char line[512];

	for (int y = 0; y < LINES; y++) {
		char *p;

		mvinnstr(y, 0, line, COLS < (int)sizeof(line) ? COLS : (int)sizeof(line) - 1);
		if ((p = strstr(line, text))) {
			if (col)
				*col = (int)(p - line);
			return y;
		}
	}
	return -1;
}

/* TOPO_DUMP=1 prints the screen after each draw (to see what a failing check saw). */
static void dump(void)
{
	char line[512];

	if (!getenv("TOPO_DUMP"))
		return;
	for (int y = 0; y < LINES; y++) {
		mvinnstr(y, 0, line, COLS < (int)sizeof(line) ? COLS : (int)sizeof(line) - 1);
		printf("%s\n", line);
	}
}

static bool screen_has(const char *text)
{
	return find_text(text, NULL) >= 0;
}

static bool screen_ascii(void)
{
	for (int y = 0; y < LINES; y++)
		for (int x = 0; x < COLS; x++) {
			chtype c = mvinch(y, x) & A_CHARTEXT;

			if (c < 32 || c > 126)
				return false;
		}
	return true;
}

static int count_char(char ch)
{
	int n = 0;

	for (int y = 2; y < LINES; y++)
		for (int x = 0; x < COLS; x++)
			n += (char)(mvinch(y, x) & A_CHARTEXT) == ch;
	return n;
}

static void test_draws_the_map(void)
{
	struct snapshot *s = scene(100, false, false);
	struct view *v = view_topo_new(NULL);
	struct ui_frame f = frame(s, NULL, 1.0);
	pid_t pid = 0;
	struct ui_obj obj;

	settings.delay = 1;
	v->ops->update(v, &f);
	draw(v, &f);
	CU_ASSERT_TRUE(screen_has("Topology"));
	CU_ASSERT_TRUE(screen_has("3 processes"));
	CU_ASSERT_TRUE(screen_has("2 objects"));
	CU_ASSERT_TRUE(screen_has("writer"));
	CU_ASSERT_TRUE(screen_has("reader"));
	CU_ASSERT_TRUE(screen_has("peer"));
	CU_ASSERT_TRUE(screen_has(" msg:5 "));
	CU_ASSERT_TRUE(screen_has(" shm:3 "));
	CU_ASSERT_TRUE(screen_has("2 msg 200B"));
	CU_ASSERT_TRUE(screen_has("8.0KB"));
	CU_ASSERT_TRUE(screen_has(" 10 "));	/* box titles are pids */
	CU_ASSERT_TRUE(count_char('+') >= 5 * 4);	/* five boxes' corners */
	CU_ASSERT_TRUE(count_char('>') + count_char('<') + count_char('v') + count_char('^') >= 3);
	CU_ASSERT_EQUAL(count_char('o'), 0);	/* no rates yet: no packets */
	CU_ASSERT_TRUE(screen_ascii());

	/* the best connected process is selected first */
	CU_ASSERT_TRUE(v->ops->selected_pid(v, &f, &pid));
	CU_ASSERT_EQUAL(pid, 10);
	CU_ASSERT_TRUE(v->ops->selected_obj(v, &f, &obj));
	CU_ASSERT_STRING_EQUAL(obj.id, "pid:10");
	CU_ASSERT_EQUAL(obj.kind, FMT_PROCESSES);

	/* Tab follows a link: the selection moves to a neighbour of 10 */
	v->ops->key(v, &f, '\t');
	CU_ASSERT_TRUE(v->ops->selected_obj(v, &f, &obj));
	CU_ASSERT_TRUE(strcmp(obj.id, "pid:11") == 0 || strcmp(obj.id, "pid:12") == 0 ||
		       strcmp(obj.id, "msg:5") == 0);
	/* Enter opens its detail page */
	{
		struct ui_cmd cmd = v->ops->key(v, &f, '\n');

		CU_ASSERT_EQUAL(cmd.kind, CMD_OPEN);
		CU_ASSERT_STRING_EQUAL(cmd.obj.id, obj.id);
	}
	/* search */
	CU_ASSERT_TRUE(v->ops->search(v, &f, "read", +1, true));
	CU_ASSERT_TRUE(v->ops->selected_pid(v, &f, &pid));
	CU_ASSERT_EQUAL(pid, 11);
	CU_ASSERT_FALSE(v->ops->search(v, &f, "nosuchthing", +1, true));
	CU_ASSERT_TRUE(v->ops->selected_pid(v, &f, &pid));
	CU_ASSERT_EQUAL(pid, 11);

	/* filter: peer and its neighbours (writer, shm:3), not reader */
	v->ops->set_filter(v, &f, "peer");
	draw(v, &f);
	CU_ASSERT_TRUE(screen_has("peer"));
	CU_ASSERT_TRUE(screen_has("writer"));
	CU_ASSERT_TRUE(screen_has(" shm:3 "));
	CU_ASSERT_FALSE(screen_has("reader"));
	CU_ASSERT_FALSE(screen_has(" msg:5 "));
	CU_ASSERT_TRUE(screen_has("filter \"peer\""));
	v->ops->set_filter(v, &f, "");
	draw(v, &f);
	CU_ASSERT_TRUE(screen_has("reader"));

	/* the neighbourhood: a (auto -> all -> near), depth 1 around writer */
	CU_ASSERT_TRUE(v->ops->search(v, &f, "writer", +1, true));
	v->ops->key(v, &f, 'a');
	v->ops->key(v, &f, 'a');
	v->ops->key(v, &f, '[');
	draw(v, &f);
	CU_ASSERT_TRUE(screen_has("within 1 of pid:10"));
	CU_ASSERT_TRUE(screen_has("reader"));
	CU_ASSERT_TRUE(screen_has(" msg:5 "));
	CU_ASSERT_FALSE(screen_has(" shm:3 "));	/* two hops away */
	v->ops->key(v, &f, ']');
	draw(v, &f);
	CU_ASSERT_TRUE(screen_has(" shm:3 "));
	v->ops->free(v);
	snapshot_unref(s);
}

static void test_stable_and_fading(void)
{
	struct snapshot *a = scene(100, false, false), *b = scene(101, true, false);
	struct snapshot *c = scene(102, true, true);
	struct view *v = view_topo_new(NULL);
	struct ui_frame f = frame(a, NULL, 10.0);
	int row_w, col_w, row_p, col_p, r2, c2;

	v->ops->update(v, &f);
	draw(v, &f);
	row_w = find_text("writer", &col_w);
	row_p = find_text("peer", &col_p);
	CU_ASSERT_TRUE(row_w > 0 && row_p > 0);
	CU_ASSERT_FALSE(screen_has("newbie"));

	/* the next snapshot adds a process: nobody moves, the newcomer appears */
	f = frame(b, NULL, 11.0);
	v->ops->update(v, &f);
	draw(v, &f);
	CU_ASSERT_TRUE(screen_has("newbie"));
	r2 = find_text("writer", &c2);
	CU_ASSERT_EQUAL(r2, row_w);
	CU_ASSERT_EQUAL(c2, col_w);
	r2 = find_text("peer", &c2);
	CU_ASSERT_EQUAL(r2, row_p);
	CU_ASSERT_EQUAL(c2, col_p);
	/* something just appeared: frames are wanted; not while paused */
	CU_ASSERT_EQUAL(v->ops->frame_ms(v, &f), 50);
	f.paused = true;
	CU_ASSERT_EQUAL(v->ops->frame_ms(v, &f), -1);
	f.paused = false;

	/* reader goes: it fades where it was ("gone"), then disappears */
	f = frame(c, NULL, 12.0);
	v->ops->update(v, &f);
	draw(v, &f);
	CU_ASSERT_TRUE(screen_has("11 reader"));
	CU_ASSERT_TRUE(screen_has("gone"));
	f.now = 20.0;
	draw(v, &f);
	CU_ASSERT_FALSE(screen_has("reader"));
	CU_ASSERT_FALSE(screen_has("gone"));
	r2 = find_text("writer", &c2);
	CU_ASSERT_EQUAL(r2, row_w);
	CU_ASSERT_EQUAL(c2, col_w);
	/* nothing moves any more: no frames wanted */
	CU_ASSERT_EQUAL(v->ops->frame_ms(v, &f), -1);
	v->ops->free(v);
	snapshot_unref(a);
	snapshot_unref(b);
	snapshot_unref(c);
}

static int cmp_rate(const void *x, const void *y)
{
	return strcmp(((const struct delta_rate *)x)->id, ((const struct delta_rate *)y)->id);
}

/* The scene's pipe's rate record in d, added if the diff made none. */
static struct delta_rate *pipe_rate(struct snapshot_delta *d)
{
	if (!snapshot_delta_rate(d, "pipe:900")) {
		snapshot_delta_add_rate(d, "pipe:900");
		qsort(d->rates, d->n_rates, sizeof(*d->rates), cmp_rate);
	}
	return (struct delta_rate *)snapshot_delta_rate(d, "pipe:900");
}

static void test_packets_move(void)
{
	struct snapshot *a = scene(100, false, false), *b = scene(101, false, false);
	struct snapshot_delta *d = snapshot_diff(a, b);
	struct view *v = view_topo_new(NULL);
	struct ui_frame f;
	struct delta_rate *r;

	/* a counted rate on the pipe: packets travel, frames are wanted */
	r = pipe_rate(d);
	r->bytes_per_s = 100000;
	r->exact = true;
	f = frame(a, NULL, 5.0);
	v->ops->update(v, &f);
	f = frame(b, d, 50.0);
	v->ops->update(v, &f);
	draw(v, &f);
	CU_ASSERT_EQUAL(v->ops->frame_ms(v, &f), 50);
	CU_ASSERT_TRUE(count_char('o') >= 1);	/* a packet on the line */
	v->ops->free(v);
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

/* No counters: a channel that carried nothing shows no packet (its io-counter share or a
 * fill that did not change is no traffic); one whose fill grew shows some. */
static void test_idle_channel_still(void)
{
	struct snapshot *a = scene(100, false, false), *b = scene(101, false, false);
	struct snapshot_delta *d = snapshot_diff(a, b);
	struct view *v = view_topo_new(NULL);
	struct ui_frame f;
	struct delta_rate *r;

	r = pipe_rate(d);
	r->exact = false;
	r->why = DELTA_WHY_NOT_COUNTED;
	r->fill_bytes_per_s = 0;
	r->sent = r->received = false;
	f = frame(a, NULL, 5.0);
	v->ops->update(v, &f);
	f = frame(b, d, 50.0);
	v->ops->update(v, &f);
	draw(v, &f);
	CU_ASSERT_EQUAL(count_char('o'), 0);	/* nothing moves */
	/* the fill grew: bytes were written, something moves */
	r->fill_bytes_per_s = 4096;
	r->sent = true;
	f = frame(b, d, 51.0);
	v->ops->update(v, &f);
	draw(v, &f);
	CU_ASSERT_TRUE(count_char('o') >= 1);
	v->ops->free(v);
	snapshot_delta_free(d);
	snapshot_unref(a);
	snapshot_unref(b);
}

void test_register(void)
{
	TEST_SUITE("view_topo", screen_init, ui_screen_clean,
		   "draws boxes, links, selection, search, filter, neighbourhood", test_draws_the_map,
		   "stable boxes, newcomers, fading", test_stable_and_fading,
		   "an uncounted idle channel shows no packet; a growing fill does",
		   test_idle_channel_still,
		   "packets move with the rate", test_packets_move);
}
