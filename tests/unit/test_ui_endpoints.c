/*
 * test_ui_endpoints.c - the dashboard side of "who talks to whom" without a real terminal:
 * lists of ends as "pid comm", Unix socket pairs folded into one row each (socketpairs,
 * client/server, a client in an accept queue, a datagram server, a peer not seen), a
 * process's channels in descriptor order, the Channels section of its detail page, the
 * Pipes/Sockets/POSIX panels and the 80x24 layout with nine panels, and the detail page's
 * keyboard links (Down picks the peer, Enter opens it). Curses draws into its own virtual
 * screen on /dev/null and the test reads the cells back.
 */
#include "config.h"

#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <curses.h>

#include "src/snapshot.h"
#include "tests/unit/testmain.h"
#include "tests/unit/ui_screen.h"
#include "ui/endpoints.h"
#include "ui/page.h"
#include "ui/panel.h"
#include "ui/term.h"
#include "ui/view.h"

static struct ui_settings settings;

static struct ui_frame frame(const struct snapshot *s)
{
	struct ui_frame f = { .snap = s, .set = &settings };

	return f;
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

static struct endpoint *ends(struct snapshot *s, const struct endpoint *src, size_t n)
{
	struct endpoint *e = snapshot_alloc(s, n * sizeof(*e));

	memcpy(e, src, n * sizeof(*e));
	return e;
}

static void add_pipe(struct snapshot *s, uint64_t inode, const struct endpoint *e, size_t n,
		     int64_t queued)
{
	struct pipe_rec *p = snapshot_add_pipe(s);

	p->kind = PIPE_ANON;
	p->inode = inode;
	p->ends = ends(s, e, n);
	p->n_ends = n;
	p->queued_bytes = queued;
	p->capacity = 65536;
}

static struct usock_rec *add_sock(struct snapshot *s, uint64_t inode, uint64_t peer, pid_t pid,
				  int fd, const char *path)
{
	struct usock_rec *u = snapshot_add_usock(s);
	struct endpoint e = { pid, fd, FD_MODE_RDWR };

	u->inode = inode;
	u->peer_inode = peer;
	u->peer_known = true;
	u->type = SOCK_STREAM;
	u->state = peer ? TCP_ESTABLISHED : TCP_CLOSE;
	u->path = path ? snapshot_strdup(s, path) : NULL;
	if (pid) {
		u->holders = ends(s, &e, 1);
		u->n_holders = 1;
	}
	u->queued_bytes = 0;
	return u;
}

/* ---- lists of ends ---- */

static void test_end_lists(void)
{
	struct snapshot *s = snapshot_new();
	const struct endpoint e[] = {
		{ 100, 3, FD_MODE_WRITE }, { 100, 7, FD_MODE_WRITE }, { 200, 4, FD_MODE_READ },
		{ 300, 5, FD_MODE_RDWR }, { 400, 6, FD_MODE_READ },
	};
	const pid_t pids[] = { 300, 100, 300 };
	char buf[256], small[24];

	add_proc(s, 100, "writer");
	add_proc(s, 200, "reader");
	add_proc(s, 300, "both");
	snapshot_seal(s);

	/* each process once, whatever its number of descriptors; read+write on both sides */
	CU_ASSERT_STRING_EQUAL(ep_end_list(s, e, 5, FD_MODE_WRITE, 0, buf, sizeof(buf)),
			       "100 writer,300 both");
	CU_ASSERT_STRING_EQUAL(ep_end_list(s, e, 5, FD_MODE_READ, 0, buf, sizeof(buf)),
			       "200 reader,300 both,400 ?");
	CU_ASSERT_STRING_EQUAL(ep_end_list(s, e, 5, FD_MODE_READ, 300, buf, sizeof(buf)),
			       "200 reader,400 ?");
	CU_ASSERT_STRING_EQUAL(ep_end_list(s, e, 5, 0, 0, buf, sizeof(buf)),
			       "100 writer,200 reader,300 both,400 ?");
	CU_ASSERT_STRING_EQUAL(ep_end_list(s, e, 1, FD_MODE_READ, 0, buf, sizeof(buf)), "-");
	CU_ASSERT_STRING_EQUAL(ep_end_list(s, NULL, 0, 0, 0, buf, sizeof(buf)), "-");
	/* too small: what fits, then how many more */
	CU_ASSERT_STRING_EQUAL(ep_end_list(s, e, 5, 0, 0, small, sizeof(small)), "100 writer,+3");
	CU_ASSERT_EQUAL(ep_count_procs(e, 5, FD_MODE_READ, 0), 3);
	CU_ASSERT_EQUAL(ep_count_procs(e, 5, FD_MODE_WRITE, 100), 1);
	CU_ASSERT_EQUAL(ep_count_procs(e, 5, 0, 0), 4);
	{	/* not sorted by pid: still each process once */
		const struct endpoint u[] = {
			{ 300, 5, FD_MODE_READ }, { 100, 3, FD_MODE_READ }, { 300, 9, FD_MODE_READ },
		};

		CU_ASSERT_STRING_EQUAL(ep_end_list(s, u, 3, 0, 0, buf, sizeof(buf)),
				       "300 both,100 writer");
		CU_ASSERT_EQUAL(ep_count_procs(u, 3, FD_MODE_READ, 0), 2);
	}

	CU_ASSERT_STRING_EQUAL(ep_pid_list(s, pids, 3, 0, buf, sizeof(buf)), "300 both,100 writer");
	CU_ASSERT_STRING_EQUAL(ep_pid_list(s, pids, 3, 300, buf, sizeof(buf)), "100 writer");
	CU_ASSERT_STRING_EQUAL(ep_pid_list(s, pids, 0, 0, buf, sizeof(buf)), "-");

	CU_ASSERT_STRING_EQUAL(ep_fds_of(e, 5, 100, 0, buf, sizeof(buf)), "3,7");
	CU_ASSERT_STRING_EQUAL(ep_fds_of(e, 5, 300, FD_MODE_READ, buf, sizeof(buf)), "5");
	CU_ASSERT_STRING_EQUAL(ep_fds_of(e, 5, 999, 0, buf, sizeof(buf)), "");
	{
		const struct endpoint many[] = {
			{ 9, 3, 1 }, { 9, 4, 1 }, { 9, 5, 1 }, { 9, 6, 1 }, { 9, 8, 1 },
		};

		CU_ASSERT_STRING_EQUAL(ep_fds_of(many, 5, 9, 0, buf, sizeof(buf)), "3,4,5,+2");
	}
	CU_ASSERT_STRING_EQUAL(ep_mode_name(FD_MODE_RDWR), "read+write");
	CU_ASSERT_STRING_EQUAL(ep_mode_name(FD_MODE_WRITE), "write");
	snapshot_unref(s);
}

/* Rates: summed over a pair, "~" when estimated, "-" with no previous snapshot, "?" when one
 * was not measured. */
static void test_rate_text(void)
{
	struct snapshot *s = snapshot_new();
	struct snapshot_delta *d;
	struct delta_rate *r;
	struct ui_frame f;
	const char *one[] = { "pipe:1" }, *pair_ids[] = { "unix:2", "unix:3" };
	const char *missing[] = { "unix:2", "unix:9" }, *exact[] = { "unix:3", NULL };
	const char *uncounted[] = { "unix:4" }, *uncounted_pair[] = { "unix:3", "unix:4" };
	char buf[32];

	snapshot_seal(s);
	d = snapshot_diff(NULL, s);
	r = snapshot_delta_add_rate(d, "pipe:1");	/* added in id order: looked up by bsearch */
	r->bytes_per_s = 1500;
	r->exact = true;
	r = snapshot_delta_add_rate(d, "unix:2");
	r->bytes_per_s = 100;
	r->exact = true;
	r = snapshot_delta_add_rate(d, "unix:3");
	r->bytes_per_s = 20;
	r->exact = true;
	r = snapshot_delta_add_rate(d, "unix:4");	/* not counted: only its fill change */
	r->fill_bytes_per_s = 5000;
	r->why = DELTA_WHY_NOT_COUNTED;
	f = frame(s);
	CU_ASSERT_STRING_EQUAL(ep_rate_text(&f, one, 1, buf, sizeof(buf)), "-");
	f.delta = d;
	CU_ASSERT_STRING_EQUAL(ep_rate_text(&f, one, 1, buf, sizeof(buf)), "1.5K");
	CU_ASSERT_STRING_EQUAL(ep_rate_text(&f, pair_ids, 2, buf, sizeof(buf)), "120");
	CU_ASSERT_STRING_EQUAL(ep_rate_text(&f, exact, 2, buf, sizeof(buf)), "20");
	CU_ASSERT_STRING_EQUAL(ep_rate_text(&f, missing, 2, buf, sizeof(buf)), "?");
	/* a fill change is never shown as throughput, alone or in a sum */
	CU_ASSERT_STRING_EQUAL(ep_rate_text(&f, uncounted, 1, buf, sizeof(buf)), "?");
	CU_ASSERT_STRING_EQUAL(ep_rate_text(&f, uncounted_pair, 2, buf, sizeof(buf)), "?");
	snapshot_delta_free(d);
	snapshot_unref(s);
}

/* ---- socket rows ---- */

/*
 * 10 <-> 11 a socketpair; 20 (client) <-> 21 (accepted, shares the path); listener 30 with
 * clients 41 and 80 waiting in its accept queue (the kernel names the clients; their peer,
 * the server's embryo socket, has no inode yet); 50 -> 51 a datagram client and its
 * server; 60 unconnected; 70 with a peer (99) not seen.
 */
static struct snapshot *sockets(void)
{
	struct snapshot *s = snapshot_new();
	struct usock_rec *l;

	add_proc(s, 1000, "pairer");
	add_proc(s, 1001, "pairee");
	add_proc(s, 2000, "client");
	add_proc(s, 3000, "server");
	add_proc(s, 4000, "late");
	add_proc(s, 5000, "logger");
	add_proc(s, 5001, "syslogd");
	add_sock(s, 10, 11, 1000, 3, NULL);
	add_sock(s, 11, 10, 1001, 4, NULL);
	add_sock(s, 20, 21, 2000, 5, NULL);
	add_sock(s, 21, 20, 3000, 6, "/run/srv.sock");
	l = add_sock(s, 30, 0, 3000, 4, "/run/srv.sock");
	l->state = TCP_LISTEN;
	l->pending_conns = 2;
	l->backlog = 128;
	l->n_icons = 2;
	l->icons = snapshot_alloc(s, 2 * sizeof(uint64_t));
	l->icons[0] = 41;
	l->icons[1] = 80;
	add_sock(s, 41, 0, 4000, 3, NULL)->state = TCP_ESTABLISHED;
	add_sock(s, 80, 0, 4000, 4, NULL)->state = TCP_ESTABLISHED;
	add_sock(s, 50, 51, 5000, 3, NULL)->type = SOCK_DGRAM;
	add_sock(s, 51, 0, 5001, 3, "/dev/log")->type = SOCK_DGRAM;
	add_sock(s, 60, 0, 5000, 4, NULL);
	add_sock(s, 70, 99, 5000, 5, "@abstract");
	snapshot_seal(s);
	return s;
}

static void test_socket_rows(void)
{
	struct snapshot *s = sockets();
	struct ep_sock_row rows[16], r;
	const struct usock_rec *u11 = snapshot_find_usock(s, 11), *u21 = snapshot_find_usock(s, 21);
	size_t n;
	/* rec inode, a inode, b inode (0 none), link */
	const struct { uint64_t rec, a, b; enum ep_sock_link link; } want[] = {
		{ 10, 10, 11, EP_SOCK_PAIR },
		{ 20, 20, 21, EP_SOCK_PAIR },
		{ 30, 30, 0, EP_SOCK_ALONE },
		{ 41, 41, 30, EP_SOCK_PENDING },
		{ 50, 50, 51, EP_SOCK_TO },
		{ 51, 51, 0, EP_SOCK_ALONE },
		{ 60, 60, 0, EP_SOCK_ALONE },
		{ 70, 70, 0, EP_SOCK_UNSEEN },
		{ 80, 80, 30, EP_SOCK_PENDING },
	};

	CU_ASSERT_EQUAL_FATAL(s->n_usocks, 11);
	n = ep_sock_rows(s, rows);
	CU_ASSERT_EQUAL_FATAL(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(rows[i].rec->inode, want[i].rec);
		CU_ASSERT_EQUAL(rows[i].a->inode, want[i].a);
		CU_ASSERT_EQUAL(rows[i].b ? rows[i].b->inode : 0, want[i].b);
		CU_ASSERT_EQUAL(rows[i].link, want[i].link);
	}
	/* a pair is the same row from either end */
	ep_sock_row_of(s, u11, &r);
	CU_ASSERT_EQUAL(r.rec->inode, 10);
	CU_ASSERT_EQUAL(r.link, EP_SOCK_PAIR);
	ep_sock_row_of(s, u21, &r);
	CU_ASSERT_EQUAL(r.rec->inode, 20);
	CU_ASSERT_EQUAL(r.a->inode, 20);	/* the client first, the server's end (with the path) second */
	CU_ASSERT_STRING_EQUAL(ep_sock_row_path(&r), "/run/srv.sock");
	/* the listener's own row: alone, its path */
	ep_sock_row_of(s, snapshot_find_usock(s, 30), &r);
	CU_ASSERT_EQUAL(r.link, EP_SOCK_ALONE);
	CU_ASSERT_STRING_EQUAL(ep_sock_row_path(&r), "/run/srv.sock");
	CU_ASSERT_STRING_EQUAL(ep_sock_row_path(&rows[3]), "/run/srv.sock");	/* a waiting client */
	CU_ASSERT_STRING_EQUAL(ep_sock_row_path(&rows[4]), "/dev/log");
	CU_ASSERT_STRING_EQUAL(ep_sock_row_path(&rows[7]), "@abstract");
	CU_ASSERT_PTR_NULL(ep_sock_row_path(&rows[0]));

	/* the panel: the same rows, selection by the pair's id */
	{
		struct panel p;
		struct ui_frame f = frame(s);
		struct ui_obj obj;

		panel_init(&p, &view_sockets_panel);
		panel_update(&p, &f);
		CU_ASSERT_EQUAL(p.n_rows, n);
		CU_ASSERT_TRUE(panel_select_id(&p, "unix:20"));
		CU_ASSERT_FALSE(panel_select_id(&p, "unix:21"));	/* folded into unix:20 */
		CU_ASSERT_TRUE(panel_selected_obj(&p, &obj));
		CU_ASSERT_EQUAL(obj.kind, FMT_UNIX_SOCKETS);
		CU_ASSERT_STRING_EQUAL(obj.id, "unix:20");
		panel_fini(&p);
	}
	snapshot_unref(s);
}

/* ---- a process's channels ---- */

/* 100 writer and 200 reader: pipe 900 (100 fd 4 -> 200 fd 3, 5000 bytes queued), socketpair
 * 910/911 (100 fd 5, 200 fd 6), an eventfd in 100 (fd 7) shared with 300, a pipe 920 with no
 * reader (100 fd 9), a POSIX shm object mapped by both; 300 helper also holds an unlinked
 * FIFO 930 read+write (fd 5). */
static struct snapshot *pair(void)
{
	struct snapshot *s = snapshot_new();
	const struct endpoint pe[] = { { 100, 4, FD_MODE_WRITE }, { 200, 3, FD_MODE_READ } };
	const struct endpoint lone[] = { { 100, 9, FD_MODE_WRITE } };
	struct misc_fd_rec *m;
	struct pshm_rec *sh;

	add_proc(s, 100, "writer");
	add_proc(s, 200, "reader");
	add_proc(s, 300, "helper");
	add_pipe(s, 900, pe, 2, 5000);
	add_pipe(s, 920, lone, 1, 0);
	{
		const struct endpoint fe[] = { { 300, 5, FD_MODE_RDWR } };
		struct pipe_rec *fi;

		add_pipe(s, 930, fe, 1, 11);
		fi = &s->pipes[s->n_pipes - 1];
		fi->kind = PIPE_FIFO;
		fi->path = snapshot_strdup(s, "/tmp/x/chat.fifo");
		fi->deleted = true;
	}
	add_sock(s, 910, 911, 100, 5, NULL);
	add_sock(s, 911, 910, 200, 6, NULL);
	m = snapshot_add_miscfd(s);
	m->kind = MISC_EVENTFD;
	m->pid = 100;
	m->fd = 7;
	m->inode = 77;
	m->eventfd_count = 2;
	m = snapshot_add_miscfd(s);
	m->kind = MISC_EVENTFD;
	m->pid = 300;
	m->fd = 4;
	m->inode = 77;
	m->eventfd_count = 2;
	sh = snapshot_add_pshm(s);
	sh->name = snapshot_strdup(s, "board");
	sh->size = 4096;
	sh->n_mapped = 2;
	sh->mapped_pids = snapshot_alloc(s, 2 * sizeof(pid_t));
	sh->mapped_pids[0] = 100;
	sh->mapped_pids[1] = 200;
	snapshot_seal(s);
	return s;
}

static void test_proc_channels(void)
{
	struct snapshot *s = pair();
	struct ep_chan ch[8];
	size_t n = ep_proc_channels(s, 100, ch, 8);
	const int fds[] = { 4, 5, 7, 9, -1 };
	const enum ep_chan_kind kinds[] = { EP_CHAN_PIPE, EP_CHAN_USOCK, EP_CHAN_MISC, EP_CHAN_PIPE,
					    EP_CHAN_PSHM };

	CU_ASSERT_EQUAL_FATAL(n, 5);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(ch[i].fd, fds[i]);
		CU_ASSERT_EQUAL(ch[i].kind, kinds[i]);
	}
	CU_ASSERT_EQUAL(ch[0].mode, FD_MODE_WRITE);
	CU_ASSERT_EQUAL(ch[0].n_fds, 1);
	CU_ASSERT_EQUAL(ep_proc_channels(s, 200, NULL, 0), 3);	/* pipe, socket, shm */
	CU_ASSERT_EQUAL(ep_proc_channels(s, 300, ch, 1), 2);	/* only the first written */
	CU_ASSERT_EQUAL(ch[0].kind, EP_CHAN_MISC);
	CU_ASSERT_EQUAL(ch[0].fd, 4);
	CU_ASSERT_EQUAL(ep_proc_channels(s, 999, ch, 8), 0);
	snapshot_unref(s);
}

/* The line after the one whose text starts with prefix, or NULL. */
static const struct page_line *line_after(const struct page *pg, const char *prefix)
{
	for (size_t i = 0; i + 1 < pg->n_lines; i++)
		if (strncmp(pg->lines[i].text, prefix, strlen(prefix)) == 0)
			return &pg->lines[i + 1];
	return NULL;
}

static bool has_line(const struct page *pg, const char *label, const char *text)
{
	for (size_t i = 0; i < pg->n_lines; i++)
		if ((!label || (pg->lines[i].label && strstr(pg->lines[i].label, label))) &&
		    strstr(pg->lines[i].text, text))
			return true;
	return false;
}

static void test_channel_page(void)
{
	struct snapshot *s = pair();
	struct ui_frame f = frame(s);
	struct page pg;
	const struct page_line *l;

	page_init(&pg);
	ep_page_channels(&pg, &f, snapshot_find_proc(s, 100));
	CU_ASSERT_TRUE(has_line(&pg, NULL, "Channels (5)"));
	/* the pipe (its id first, so Enter opens it), then its reader as "pid comm (fd)" */
	CU_ASSERT_TRUE(has_line(&pg, "fd 4 write", "pipe:900  anonymous pipe, 4.9K of 64K queued"));
	l = line_after(&pg, "pipe:900");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_STRING_EQUAL(l->text, "200 reader (fd 3)");
	CU_ASSERT_PTR_NOT_NULL(strstr(l->label, "read by"));
	/* the socketpair: the peer's holder */
	l = line_after(&pg, "unix:910");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_STRING_EQUAL(l->text, "200 reader (fd 6)");
	CU_ASSERT_PTR_NOT_NULL(strstr(l->label, "peer"));
	/* the shared eventfd, a pipe nobody reads, the mapping */
	CU_ASSERT_TRUE(has_line(&pg, "fd 7 eventfd", "counter 2"));
	CU_ASSERT_TRUE(has_line(&pg, "also held by", "300 helper (fd 4)"));
	CU_ASSERT_TRUE(has_line(&pg, "read by", "nobody: a write fails with EPIPE"));
	CU_ASSERT_TRUE(has_line(&pg, "mapped", "pshm:board"));
	CU_ASSERT_TRUE(has_line(&pg, "also mapped by", "200 reader"));

	/* the reader's side: written by the writer */
	page_clear(&pg);
	ep_page_channels(&pg, &f, snapshot_find_proc(s, 200));
	CU_ASSERT_TRUE(has_line(&pg, "fd 3 read", "pipe:900"));
	CU_ASSERT_TRUE(has_line(&pg, "written by", "100 writer (fd 4)"));
	CU_ASSERT_TRUE(has_line(&pg, "peer", "100 writer (fd 5)"));

	/* the helper: the shared eventfd, and a FIFO it holds read+write, alone */
	page_clear(&pg);
	ep_page_channels(&pg, &f, snapshot_find_proc(s, 300));
	CU_ASSERT_TRUE(has_line(&pg, NULL, "Channels (2)"));
	CU_ASSERT_TRUE(has_line(&pg, "also held by", "100 writer (fd 7)"));
	CU_ASSERT_TRUE(has_line(&pg, "fd 5 read+write",
				"fifo:930  FIFO /tmp/x/chat.fifo (deleted), 11 of 64K queued"));
	CU_ASSERT_TRUE(has_line(&pg, "read by", "only this process"));
	CU_ASSERT_TRUE(has_line(&pg, "written by", "only this process"));
	CU_ASSERT_TRUE(has_line(&pg, "fd 4 eventfd", "counter 2"));
	page_fini(&pg);
	snapshot_unref(s);
}

/* ---- on a screen ---- */





static void draw_view(struct view *v, const struct ui_frame *f)
{
	struct ui_rect r = { 1, 0, LINES - 2, COLS };

	erase();
	v->ops->draw(v, f, stdscr, &r);
}

static void test_dashboard_nine_panels(void)
{
	struct snapshot *s = pair();
	struct ui_frame f = frame(s);
	struct view *v = view_dash_new();
	const char *titles[] = { " 1 Processes (3)", " 2 Pipes and FIFOs (3)", " 3 Unix sockets (1 of 2)",
				 " 4 Message queues (0)", " 5 Shared memory (0)", " 6 Semaphores (0)",
				 " 7 POSIX message queues (0)", " 8 POSIX shared memory (1)",
				 " 9 POSIX semaphores (0)" };
	int last = 0, pipes;

	CU_ASSERT_EQUAL_FATAL(resizeterm(24, 80), OK);
	v->ops->update(v, &f);
	draw_view(v, &f);
	/* every title bar, in Tab order */
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
		int y = ui_screen_row(titles[i]);

		CU_ASSERT(y > last);
		if (y <= last)
			printf("\n%s at %d\n", titles[i], y);
		last = y;
	}
	CU_ASSERT(last <= LINES - 2);
	/* the pipes with their ends and fill, the socket pair on one row */
	CU_ASSERT(ui_screen_row("100 writer -> 200 reader") > ui_screen_row(" 2 Pipes and FIFOs"));
	CU_ASSERT(ui_screen_row("4.9K") > 0);
	CU_ASSERT(ui_screen_row("100 writer <-> 200 reader") > ui_screen_row(" 3 Unix sockets"));
	/* 2 focuses the pipes: they get the spare lines; Enter asks for the selected pipe */
	pipes = ui_screen_row(" 2 Pipes and FIFOs");
	v->ops->key(v, &f, '2');
	draw_view(v, &f);
	CU_ASSERT(ui_screen_row(" 3 Unix sockets") - ui_screen_row(" 2 Pipes and FIFOs") >= 5);
	CU_ASSERT(ui_screen_row(" 2 Pipes and FIFOs") <= pipes);
	CU_ASSERT(ui_screen_row("300 helper -> 300 helper") > 0);	/* read+write: both sides */
	CU_ASSERT(ui_screen_row("/tmp/x/") > 0);	/* the PATH column is narrow at 80 */
	CU_ASSERT_EQUAL_FATAL(resizeterm(30, 140), OK);
	draw_view(v, &f);
	CU_ASSERT(ui_screen_row("/tmp/x/chat.fifo (deleted)") > 0);
	CU_ASSERT_EQUAL_FATAL(resizeterm(24, 80), OK);
	{
		struct ui_cmd cmd = v->ops->key(v, &f, '\r');

		CU_ASSERT_EQUAL(cmd.kind, CMD_OPEN);
		CU_ASSERT_EQUAL(cmd.obj.kind, FMT_PIPES);
		CU_ASSERT_STRING_EQUAL(cmd.obj.id, "pipe:900");
	}
	/* Tab walks on to the sockets and wraps from the last panel to the first */
	v->ops->key(v, &f, '\t');
	{
		struct ui_cmd cmd = v->ops->key(v, &f, '\r');

		CU_ASSERT_STRING_EQUAL(cmd.obj.id, "unix:910");
	}
	v->ops->key(v, &f, '9');
	v->ops->key(v, &f, '\t');
	{
		struct ui_cmd cmd = v->ops->key(v, &f, '\r');

		CU_ASSERT_EQUAL(cmd.obj.kind, FMT_PROCESSES);
	}
	v->ops->free(v);
	snapshot_unref(s);
}

/* The process page: Down walks the named processes and objects, Enter opens one. */
static void test_detail_links(void)
{
	struct snapshot *s = pair();
	struct ui_frame f = frame(s);
	struct ui_obj obj = { .kind = FMT_PROCESSES, .id = "pid:100" };
	struct view *v = view_detail_new(&obj);
	struct ui_cmd cmd;
	bool seen_pipe = false, seen_peer = false;

	CU_ASSERT_EQUAL_FATAL(resizeterm(60, 100), OK);
	v->ops->update(v, &f);
	draw_view(v, &f);
	CU_ASSERT(ui_screen_row("Channels (5)") > 0);
	/* nothing picked yet: Enter does nothing */
	cmd = v->ops->key(v, &f, '\r');
	CU_ASSERT_EQUAL(cmd.kind, CMD_HANDLED);
	for (int i = 0; i < 30 && !(seen_pipe && seen_peer); i++) {
		CU_ASSERT_EQUAL(v->ops->key(v, &f, KEY_DOWN).kind, CMD_HANDLED);
		draw_view(v, &f);
		cmd = v->ops->key(v, &f, '\r');
		if (cmd.kind != CMD_OPEN)
			continue;
		if (!seen_pipe && strcmp(cmd.obj.id, "pipe:900") == 0) {
			seen_pipe = true;
			CU_ASSERT_EQUAL(cmd.obj.kind, FMT_PIPES);
		} else if (seen_pipe && strcmp(cmd.obj.id, "pid:200") == 0) {
			seen_peer = true;	/* the line right after the pipe: its reader */
		}
	}
	CU_ASSERT_TRUE(seen_pipe);
	CU_ASSERT_TRUE(seen_peer);
	/* a new snapshot keeps the picked line */
	v->ops->update(v, &f);
	cmd = v->ops->key(v, &f, '\r');
	CU_ASSERT_EQUAL(cmd.kind, CMD_OPEN);
	CU_ASSERT_STRING_EQUAL(cmd.obj.id, "pid:200");
	/* Up goes back to the pipe; Shift-Tab and Tab wrap around the page's links */
	v->ops->key(v, &f, KEY_UP);
	cmd = v->ops->key(v, &f, '\r');
	CU_ASSERT_STRING_EQUAL(cmd.obj.id, "pipe:900");
	v->ops->free(v);

	/* the pipe's page lists both ends; Down to the reader, Enter opens it */
	obj.kind = FMT_PIPES;
	snprintf(obj.id, sizeof(obj.id), "pipe:900");
	v = view_detail_new(&obj);
	v->ops->update(v, &f);
	draw_view(v, &f);
	CU_ASSERT(ui_screen_row("Writers (1)") > 0);
	CU_ASSERT(ui_screen_row("100 writer (fd 4)") > ui_screen_row("Writers (1)"));
	CU_ASSERT(ui_screen_row("200 reader (fd 3)") > ui_screen_row("Readers (1)"));
	v->ops->key(v, &f, KEY_DOWN);
	cmd = v->ops->key(v, &f, '\r');
	CU_ASSERT_STRING_EQUAL(cmd.obj.id, "pid:100");
	v->ops->key(v, &f, KEY_DOWN);
	cmd = v->ops->key(v, &f, '\r');
	CU_ASSERT_STRING_EQUAL(cmd.obj.id, "pid:200");
	v->ops->free(v);

	/* the socket's page shows both ends, whichever was opened */
	obj.kind = FMT_UNIX_SOCKETS;
	snprintf(obj.id, sizeof(obj.id), "unix:911");
	v = view_detail_new(&obj);
	v->ops->update(v, &f);
	draw_view(v, &f);
	CU_ASSERT(ui_screen_row("A connected pair") > 0);
	CU_ASSERT(ui_screen_row("100 writer (fd 5)") > ui_screen_row("End A"));
	CU_ASSERT(ui_screen_row("200 reader (fd 6)") > ui_screen_row("End B"));
	v->ops->free(v);

	/* a POSIX object's page: the processes mapping it, each one Enter away */
	obj.kind = FMT_POSIX_SHM;
	snprintf(obj.id, sizeof(obj.id), "pshm:board");
	v = view_detail_new(&obj);
	v->ops->update(v, &f);
	draw_view(v, &f);
	CU_ASSERT(ui_screen_row("pshm:board - POSIX shared memory") == 1);
	CU_ASSERT(ui_screen_row("200 reader") > ui_screen_row("Mapped by"));
	v->ops->key(v, &f, KEY_UP);	/* from the bottom: the last one */
	cmd = v->ops->key(v, &f, '\r');
	CU_ASSERT_EQUAL(cmd.kind, CMD_OPEN);
	CU_ASSERT_STRING_EQUAL(cmd.obj.id, "pid:200");
	v->ops->free(v);
	snapshot_unref(s);
}

void test_register(void)
{
	TEST_SUITE("ui_endpoints", NULL, NULL,
		   "lists of ends", test_end_lists,
		   "rates, estimates marked", test_rate_text,
		   "socket pairs shown once", test_socket_rows,
		   "a process's channels", test_proc_channels,
		   "the Channels section", test_channel_page);
	TEST_SUITE("ui_endpoints_screen", ui_screen_init, ui_screen_clean,
		   "nine panels at 80x24", test_dashboard_nine_panels,
		   "detail links: Down, Enter", test_detail_links);
}
