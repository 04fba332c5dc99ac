/*
 * ui.c - the dashboard's event loop: one poll() over the keyboard, a self-pipe for signals
 * and the collector thread's wakeup fd; a stack of views; the header and status lines.
 *
 * Invariants:
 * - Signal handlers only write the signal number to the self-pipe; the loop turns it into a
 *   normal exit, so teardown is the same on q, F10, SIGINT, SIGTERM, SIGHUP and SIGQUIT.
 * - The terminal is restored before anything that can take time (joining the collector
 *   thread in the middle of a scan), and by the fatal hook on out-of-memory.
 * - A snapshot is released only after every view has been updated from its successor, so
 *   no view ever holds a pointer into a freed snapshot.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "src/filter.h"
#include "src/record.h"
#include "src/recording.h"
#include "src/sampler.h"
#include "src/collector_thread.h"
#include "ui/demo_ui.h"
#include "ui/evlog.h"
#include "ui/history.h"
#include "ui/search.h"
#include "ui/settings.h"
#include "ui/term.h"
#include "ui/ui.h"
#include "ui/unknown.h"
#include "ui/view.h"

#define MAX_DEPTH 16

struct ui {
	struct ui_settings set;
	struct collector_thread *ct;
	struct snapshot *snap;
	struct snapshot_delta *delta;
	int collect_error;
	struct evlog *log;		/* events across snapshots, for the event log */
	struct view *stack[MAX_DEPTH];
	int depth;
	bool quit;
	int status;
	/* issue 5: search/filter line, pause, one-off messages, the settings file */
	struct ui_search search;
	bool paused;			/* space: the shown snapshot and animation stand still */
	double paused_at;		/* the frame clock while paused */
	struct snapshot *held;		/* the newest snapshot taken while paused */
	struct snapshot_delta *held_delta;
	char msg[512];			/* shown on the status line until msg_until */
	double msg_until;
	char cfg_path[1024];		/* ui/settings.h's file; "" when there is none */
	struct demo_ui *demo;		/* issue 6: the running demo and its pane */
	/* issue 17: time travel. Live: the last minutes in hist; [ ] { } g show one of them
	 * (travelling: paused, the newest held). Replay: hist is the recording, no collector. */
	struct history *hist;
	long shown;			/* hist index of snap, -1 none */
	bool travelling;
	bool replay;
	int replay_fd;			/* -1 once read to its end */
	bool replay_stream;		/* FILE -: follow it as it grows */
	bool playing;			/* replay: space plays at recorded speed */
	double play_due;		/* mono time the next snapshot is due */
	bool goto_mode;			/* g: the status line reads WHEN */
	char goto_buf[64];
};

/* ---- signals ---- */

static int sig_pipe[2] = { -1, -1 };
static const int handled_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define N_SIGNALS (sizeof(handled_signals) / sizeof(handled_signals[0]))
static struct sigaction old_actions[N_SIGNALS];

static void on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	if (write(sig_pipe[1], &b, 1) < 0) {
		/* the pipe is full: a quit is already pending */
	}
	errno = saved;
}

static int signals_init(void)
{
	struct sigaction sa;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_SIGNALS; i++)
		sigaction(handled_signals[i], &sa, &old_actions[i]);
	return 0;
}

static void signals_fini(void)
{
	for (size_t i = 0; i < N_SIGNALS; i++)
		sigaction(handled_signals[i], &old_actions[i], NULL);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
}

/* ---- frames and views ---- */

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct ui_frame frame_of(const struct ui *ui)
{
	struct ui_frame f = {
		.snap = ui->snap,
		.delta = ui->delta,
		.set = &ui->set,
		.collect_error = ui->collect_error,
		.log = ui->log,
		.now = ui->paused ? ui->paused_at : mono_now(),
		.paused = ui->paused,
	};

	f.highlight = demo_ui_highlight(ui->demo, &f.n_highlight);	/* issue 6 */
	return f;
}

static void message(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A one-off line on the status line, for a few seconds. */
static void message(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof(ui->msg), fmt, ap);
	va_end(ap);
	ui->msg_until = mono_now() + 4;
}

static void update_all(struct ui *ui)
{
	struct ui_frame f = frame_of(ui);

	for (int i = 0; i < ui->depth; i++)
		ui->stack[i]->ops->update(ui->stack[i], &f);
}

static void push(struct ui *ui, struct view *v)
{
	struct ui_frame f = frame_of(ui);

	if (ui->depth == MAX_DEPTH) {	/* drop the oldest page above the dashboard */
		ui->stack[1]->ops->free(ui->stack[1]);
		memmove(&ui->stack[1], &ui->stack[2], (MAX_DEPTH - 2) * sizeof(ui->stack[0]));
		ui->depth--;
	}
	ui->stack[ui->depth++] = v;
	v->ops->update(v, &f);
	search_view_pushed(&ui->search, v, &f);
}

static void pop(struct ui *ui)
{
	if (ui->depth > 1) {
		ui->depth--;
		ui->stack[ui->depth]->ops->free(ui->stack[ui->depth]);
	}
}

static void take_snapshot(struct ui *ui)
{
	struct snapshot_delta *delta = NULL;
	struct snapshot *s = collector_thread_take(ui->ct, &delta, &ui->collect_error);
	struct snapshot *old_snap = ui->snap;
	struct snapshot_delta *old_delta = ui->delta;

	if (!s) {
		update_all(ui);	/* the error page shows collection failures */
		return;
	}
	history_push(ui->hist, s);
	if (ui->paused) {	/* the log keeps up; the screen keeps what it shows */
		evlog_add(ui->log, ui->held ? ui->held : ui->snap, s, delta);
		snapshot_delta_free(ui->held_delta);
		snapshot_unref(ui->held);
		ui->held = s;
		ui->held_delta = delta;
		return;
	}
	ui->snap = s;
	ui->delta = delta;
	ui->shown = (long)history_end(ui->hist) - 1;
	evlog_add(ui->log, old_snap, s, delta);
	update_all(ui);
	snapshot_delta_free(old_delta);
	snapshot_unref(old_snap);
}

/* space: freeze what is shown (collection goes on), or show the newest again. */
static void pause_toggle(struct ui *ui)
{
	ui->paused = !ui->paused;
	if (ui->paused) {
		ui->paused_at = mono_now();
		return;
	}
	if (ui->travelling && !ui->held) {	/* back from the past: the newest again */
		struct snapshot_delta *d = NULL;
		char err[64];
		long last = (long)history_end(ui->hist) - 1;

		ui->held = last >= 0 ? history_get(ui->hist, (size_t)last, &d, err, sizeof(err)) : NULL;
		ui->held_delta = d;
	}
	ui->travelling = false;
	if (ui->held) {
		ui->shown = (long)history_end(ui->hist) - 1;
		struct snapshot *old_snap = ui->snap;
		struct snapshot_delta *old_delta = ui->delta;

		ui->snap = ui->held;
		ui->delta = ui->held_delta;
		ui->held = NULL;
		ui->held_delta = NULL;
		update_all(ui);
		snapshot_delta_free(old_delta);
		snapshot_unref(old_snap);
	}
}

/* ---- issue 17: time travel ---- */

/* Shows history snapshot i (the recorded delta with it). A step forward in a replay adds its
 * events to the log; a jump starts the log again from the snapshot shown. */
static bool show_index(struct ui *ui, long i)
{
	struct snapshot_delta *d = NULL, *old_delta = ui->delta;
	struct snapshot *old_snap = ui->snap, *s;
	char err[512];
	bool step = old_snap && i == ui->shown + 1;

	s = history_get(ui->hist, (size_t)i, &d, err, sizeof(err));
	if (!s) {
		message(ui, "Cannot show #%ld: %s", i, err);
		return false;
	}
	ui->snap = s;
	ui->delta = d;
	ui->shown = i;
	if (ui->replay) {
		if (!step) {
			evlog_free(ui->log);
			ui->log = evlog_new(EVLOG_CAP);
		}
		evlog_add(ui->log, step ? old_snap : NULL, s, d);
	}
	update_all(ui);
	snapshot_delta_free(old_delta);
	snapshot_unref(old_snap);
	return true;
}

/* Live: leave the newest (the screen stands still, collection goes on into the history). */
static void travel_start(struct ui *ui)
{
	if (ui->replay || ui->travelling)
		return;
	if (!ui->paused)
		pause_toggle(ui);
	ui->travelling = true;
}

static void travel_to(struct ui *ui, long i)
{
	long first = (long)history_first(ui->hist), end = (long)history_end(ui->hist);

	if (end == 0) {
		message(ui, "No snapshot yet");
		return;
	}
	if (i < first) {
		message(ui, ui->replay ? "The first snapshot of the recording (#%ld)" :
			"The oldest snapshot kept in memory (#%ld; the dashboard keeps %g minutes)",
			first, HISTORY_LIVE_SECONDS / 60);
		i = first;
	}
	if (i >= end) {
		if (!ui->replay) {
			if (ui->paused)
				pause_toggle(ui);
			message(ui, "Live again: the newest snapshot");
			return;
		}
		i = end - 1;
		if (rec_reader_problem(history_reader(ui->hist)))
			message(ui, "The last snapshot read: %s",
				rec_reader_problem(history_reader(ui->hist)));
		else
			message(ui, ui->replay_fd >= 0 ? "The newest snapshot so far (the stream goes on)" :
				"The last snapshot of the recording");
	}
	if (i == ui->shown)
		return;
	travel_start(ui);
	show_index(ui, i);
}

/* { / }: a minute back or on, by the recorded times. */
static void travel_minute(struct ui *ui, int dir)
{
	char when[64], err[256];
	long i;

	if (ui->shown < 0)
		return;
	snprintf(when, sizeof(when), "@%.6f", history_time(ui->hist, (size_t)ui->shown) + 60.0 * dir);
	i = history_resolve(ui->hist, when, err, sizeof(err));
	if (i < 0)
		i = (long)history_first(ui->hist) - (dir < 0);
	if (dir > 0 && i <= ui->shown)
		i = ui->shown + 1;
	if (dir > 0 && i == (long)history_end(ui->hist) - 1 && !ui->replay)
		i++;	/* a minute on reaches the newest: live again */
	travel_to(ui, i);
}

static void goto_feed(struct ui *ui, int key)
{
	size_t n = strlen(ui->goto_buf);

	if (key == 27) {
		ui->goto_mode = false;
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		char err[256];
		long i = history_resolve(ui->hist, ui->goto_buf, err, sizeof(err));

		ui->goto_mode = false;
		if (i < 0)
			message(ui, "g: %s", err);
		else
			travel_to(ui, i);
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (n)
			ui->goto_buf[n - 1] = 0;
	} else if (key >= 0x20 && key < 0x7f && n + 1 < sizeof(ui->goto_buf)) {
		ui->goto_buf[n] = (char)key;
		ui->goto_buf[n + 1] = 0;
	}
}

static void play_toggle(struct ui *ui)
{
	ui->playing = !ui->playing;
	ui->play_due = mono_now();
	if (ui->playing && ui->shown + 1 < (long)history_end(ui->hist)) {
		double gap = history_time(ui->hist, (size_t)ui->shown + 1) -
			     history_time(ui->hist, (size_t)ui->shown);

		ui->play_due += isfinite(gap) && gap > 0 ? gap : 0;
	}
	message(ui, ui->playing ? "Playing at recorded speed (space pauses)" : "Paused (space plays)");
}

/* Playing: the next snapshot when its recorded gap has passed. Returns the ms to wait, 0
 * when the screen changed, -1 to wait for data. */
static int play_step(struct ui *ui)
{
	double now = mono_now();

	if (!ui->playing)
		return -1;
	if (ui->shown + 1 >= (long)history_end(ui->hist)) {
		if (ui->replay_fd < 0) {
			ui->playing = false;
			message(ui, "End of the recording%s%s", rec_reader_problem(history_reader(ui->hist)) ?
				": " : "", rec_reader_problem(history_reader(ui->hist)) ?
				rec_reader_problem(history_reader(ui->hist)) : "");
			return 0;	/* redraw: no longer playing */
		}
		return -1;	/* a stream: the next one comes with the data */
	}
	if (now + 0.0005 < ui->play_due)
		return (int)((ui->play_due - now) * 1000) + 1;
	show_index(ui, ui->shown + 1);
	if (ui->shown + 1 < (long)history_end(ui->hist)) {
		double gap = history_time(ui->hist, (size_t)ui->shown + 1) -
			     history_time(ui->hist, (size_t)ui->shown);

		ui->play_due = now + (isfinite(gap) && gap > 0 ? gap : 0);
	}
	return 0;
}

/* [ ] { } g (and space in a replay). */
static struct ui_cmd time_key(struct ui *ui, int key)
{
	struct ui_cmd cmd = { .kind = CMD_HANDLED };

	switch (key) {
	case '[':
		travel_to(ui, (ui->shown < 0 ? (long)history_end(ui->hist) : ui->shown) - 1);
		break;
	case ']':
		travel_to(ui, ui->shown + 1 + (!ui->replay && !ui->travelling));
		break;
	case '{':
		travel_minute(ui, -1);
		break;
	case '}':
		travel_minute(ui, +1);
		break;
	case 'g':
		ui->goto_mode = true;
		ui->goto_buf[0] = 0;
		break;
	case ' ':
		if (ui->replay) {
			play_toggle(ui);
			break;
		}
		/* fall through */
	default:
		cmd.kind = CMD_UNHANDLED;
	}
	return cmd;
}

/* Replay: what would change the system, or the collection, is off. */
static bool replay_refuses(struct ui *ui, int key)
{
	const char *what = NULL;

	switch (key) {
	case 'k':
	case KEY_F(9):
		what = "sending a signal";
		break;
	case 'x':
	case KEY_DC:
		what = "removing an object";
		break;
	case 'd':
	case 'p':
	case 'o':
	case 'R':
		what = "demos";
		break;
	case 'r':
	case '+':
	case '-':
		what = "refreshing";
		break;
	}
	if (what)
		message(ui, "Replay: %s is off (this is a recording, not the live system)", what);
	return what != NULL;
}

/* The header's right side while replaying or travelling. */
static void travel_label(const struct ui *ui, char *buf, size_t len)
{
	char when[64] = "?";
	double t = ui->shown >= 0 ? history_time(ui->hist, (size_t)ui->shown) : NAN;
	long end = (long)history_end(ui->hist);

	if (isfinite(t)) {
		time_t tt = (time_t)t;
		struct tm tm;

		localtime_r(&tt, &tm);
		strftime(when, sizeof(when), ui->replay ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
	}
	if (ui->replay)
		snprintf(buf, len, "REPLAY%s #%ld/%ld  %s ", ui->playing ? " PLAY" : "", ui->shown,
			 end ? end - 1 : 0, when);
	else
		snprintf(buf, len, "HISTORY %+.0fs  #%ld  %s ",
			 isfinite(t) && end ? t - history_time(ui->hist, (size_t)end - 1) : 0.0,
			 ui->shown, when);
}

/* ---- header and status line ---- */

static void draw_header(const struct ui *ui, int cols)
{
	const struct snapshot *s = ui->snap;
	attr_t a = term_attr(ROLE_HEADER);
	char left[256], right[128], clock[16] = "";
	size_t zombies = 0, errors = 0;

	term_fill(stdscr, 0, 0, cols, a);
	if (!s) {
		snprintf(left, sizeof(left), " ipctop  collecting the first snapshot...");
		term_put(stdscr, 0, 0, cols, left, a, false, false);
		return;
	}
	for (size_t i = 0; i < s->n_procs; i++)
		zombies += s->procs[i].zombie;
	errors = s->n_errors + snapshot_failed_sources(s);
	snprintf(left, sizeof(left),
		 " ipctop  %zu procs  %zu zombies  %zu queues  %zu shm  %zu sem sets  %zu errors",
		 s->n_procs, zombies, s->n_msgqs, s->n_shms, s->n_sems, errors);
	if (term_width(left) + 4 > cols)	/* narrow: the same counts, shorter */
		snprintf(left, sizeof(left), " %zu procs  %zu zombies  %zu msgq  %zu shm  %zu sem  %zu errors",
			 s->n_procs, zombies, s->n_msgqs, s->n_shms, s->n_sems, errors);
	if (s->time > 0) {
		time_t t = (time_t)s->time;
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	}
	term_put(stdscr, 0, 0, cols, left, a, false, false);
	if (ui->replay || ui->travelling) {	/* issue 17: the recorded time */
		travel_label(ui, right, sizeof(right));
		if (term_width(left) + term_width(right) + 1 <= cols)
			term_put(stdscr, 0, cols - term_width(right), term_width(right), right, a,
				 false, false);
		return;
	}
	/* the right side, shortened until it fits: filter mark, busy mark, interval, clock */
	for (int form = 0; form < 3; form++) {
		snprintf(right, sizeof(right), "%s%s%s%s%.4gs%s%s ", ui->paused ? "PAUSED  " : "",
			 form < 2 && ui->set.opts->n_pids ? "--pid  " : "",
			 ui->ct && collector_thread_busy(ui->ct) ? "* " : "", form == 0 ? "every " : "",
			 ui->set.delay, form == 0 ? "  " : "", form == 0 ? clock : "");
		if (term_width(left) + term_width(right) + 1 <= cols) {
			term_put(stdscr, 0, cols - term_width(right), term_width(right), right, a,
				 false, false);
			break;
		}
	}
}

/* Writes a one-line summary of what is unknown and why (ui/unknown.h); false if nothing is. */
static bool unknown_summary(const struct ui *ui, char *buf, size_t len)
{
	return unknown_line(ui->snap, ui->collect_error, buf, len);
}

static void draw_status(const struct ui *ui, int y, int cols)
{
	const struct view *top = ui->stack[ui->depth - 1];
	const char *hint = ui->depth > 1 ? "Esc back " : "? help ";
	char buf[2048];
	attr_t a = term_attr(ROLE_STATUS);
	int hw = term_width(hint);

	if (search_draw(&ui->search, stdscr, y, cols))
		return;
	term_fill(stdscr, y, 0, cols, a);
	if (ui->goto_mode) {	/* issue 17: g */
		snprintf(buf, sizeof(buf), " Go to (#N, HH:MM:SS, -5m; Enter goes, Esc cancels): %s",
			 ui->goto_buf);
		term_put(stdscr, y, 0, cols, buf, a | A_BOLD, false, false);
		return;
	}
	if (ui->msg[0] && mono_now() < ui->msg_until) {
		snprintf(buf, sizeof(buf), " %s", ui->msg);
		term_put(stdscr, y, 0, cols, buf, a | A_BOLD, false, false);
	} else if (unknown_summary(ui, buf, sizeof(buf))) {
		char line[2100];

		/* what is unknown comes first; the way back (or to help) stays on the right */
		snprintf(line, sizeof(line), " %s  [e: all errors]", buf);
		term_put(stdscr, y, 0, cols - hw - 1, line, a | term_attr(ROLE_ERROR), false, false);
		term_put(stdscr, y, cols - hw, hw, hint, a, false, false);
	} else {
		snprintf(buf, sizeof(buf), " %s", top->ops->hints(top));
		term_put(stdscr, y, 0, cols, buf, a, false, false);
	}
}

static void draw_too_small(int cols, int lines)
{
	char need[64];
	const char *msg[3] = { "terminal too small", need, "q quits" };
	int y = lines / 2 - 1;

	snprintf(need, sizeof(need), "(need %dx%d)", UI_MIN_COLS, UI_MIN_LINES);
	for (int i = 0; i < 3; i++, y++) {
		int w = term_width(msg[i]);

		if (y < 0 || y >= lines)
			continue;
		if (w > cols)
			w = cols;
		term_put(stdscr, y, (cols - w) / 2, w, msg[i],
			 term_attr(i == 0 ? ROLE_WARN : ROLE_NORMAL), false, false);
	}
}

static bool too_small(void)
{
	return COLS < UI_MIN_COLS || LINES < UI_MIN_LINES;
}

static void draw(struct ui *ui)
{
	struct ui_frame f = frame_of(ui);
	struct view *top = ui->stack[ui->depth - 1];

	erase();
	if (too_small()) {
		draw_too_small(COLS, LINES);
	} else {
		struct ui_rect r = { 1, 0, LINES - 2, COLS }, pane;
		bool demo, menu;

		draw_header(ui, COLS);
		if (view_deadlock_banner(&f, stdscr, 1, 0, COLS)) {	/* a red line under the header */
			r.y++;
			r.h--;
		}
		menu = strcmp(top->ops->name, "demos") == 0;	/* issue 6: the demo pane */
		demo = demo_ui_layout(ui->demo, &r, &pane, menu);
		top->ops->draw(top, &f, stdscr, &r);
		if (demo)
			demo_ui_draw(ui->demo, stdscr, &pane, menu);
		draw_status(ui, LINES - 1, COLS);
	}
	refresh();
}

/* ---- keys ---- */

static const double delays[] = { 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60 };
#define N_DELAYS (sizeof(delays) / sizeof(delays[0]))

static void change_delay(struct ui *ui, int dir)
{
	double d = ui->set.delay;
	size_t i;

	if (dir > 0) {
		for (i = 0; i < N_DELAYS && delays[i] <= d; i++)
			;
		d = i < N_DELAYS ? delays[i] : delays[N_DELAYS - 1];
	} else {
		for (i = N_DELAYS; i > 0 && delays[i - 1] >= d; i--)
			;
		d = i > 0 ? delays[i - 1] : delays[0];
	}
	ui->set.delay = d;
	if (ui->ct)
		collector_thread_set_delay(ui->ct, d);
}

static void apply(struct ui *ui, const struct ui_cmd *cmd)
{
	switch (cmd->kind) {
	case CMD_UNHANDLED:
	case CMD_HANDLED:
		break;
	case CMD_OPEN:
		push(ui, view_detail_new(&cmd->obj));
		break;
	case CMD_BACK:
		pop(ui);
		break;
	case CMD_QUIT:
		ui->quit = true;
		break;
	case CMD_HELP:
		push(ui, view_help_new());
		break;
	case CMD_ERRORS:
		push(ui, view_errors_new());
		break;
	case CMD_SETTINGS:
		update_all(ui);
		break;
	case CMD_PUSH:
		push(ui, cmd->view);
		break;
	}
}

/* ---- issue 5: follow, pause, search and filter, remove, settings, mouse ---- */

static bool in_stack(const struct ui *ui, const char *name)
{
	for (int i = 0; i < ui->depth; i++)
		if (strcmp(ui->stack[i]->ops->name, name) == 0)
			return true;
	return false;
}

static void save_settings(struct ui *ui)
{
	struct settings cfg = {
		.refresh = ui->set.delay,
		.theme = term_theme(),
		.view = in_stack(ui, "topology") ? SETTINGS_VIEW_TOPOLOGY : SETTINGS_VIEW_DASHBOARD,
	};
	char err[1200];
	int rc;

	if (!ui->cfg_path[0]) {
		message(ui, "Settings not saved: neither XDG_CONFIG_HOME nor HOME is set");
		return;
	}
	rc = settings_save(&cfg, ui->cfg_path, err, sizeof(err));
	if (rc < 0)
		message(ui, "Settings not saved: %s", err);
	else
		message(ui, "Saved to %s: refresh %gs, theme %s, view %s", ui->cfg_path, cfg.refresh,
			settings_theme_name(cfg.theme), settings_view_name(cfg.view));
}

/* A mouse event: the wheel scrolls (as Up/Down), a press goes to the view under it. */
static struct ui_cmd mouse_event(struct ui *ui, struct view *tv, const struct ui_frame *f)
{
	struct ui_cmd cmd = { .kind = CMD_HANDLED };
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return cmd;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		for (int i = 0; i < 3 && cmd.kind == CMD_HANDLED; i++)
			cmd = tv->ops->key(tv, f, ev.bstate & BUTTON4_PRESSED ? KEY_UP : KEY_DOWN);
		if (cmd.kind == CMD_UNHANDLED)
			cmd.kind = CMD_HANDLED;	/* never "back" because a list ended */
		return cmd;
	}
	if (tv->ops->mouse && ev.y > 0 && ev.y < LINES - 1)
		cmd = tv->ops->mouse(tv, f, ev.y, ev.x, ev.bstate);
	(void)ui;
	return cmd;
}

static struct ui_cmd nav_key(struct ui *ui, int key)
{
	struct ui_cmd cmd = { .kind = CMD_HANDLED };
	struct view *tv = ui->stack[ui->depth - 1];
	struct ui_frame f = frame_of(ui);
	struct ui_obj obj = { .kind = FMT_PROCESSES };
	pid_t pid;

	switch (key) {
	case 't':	/* the topology map; t again goes back */
		if (strcmp(tv->ops->name, "topology") == 0) {
			cmd.kind = CMD_BACK;
			break;
		}
		cmd.kind = CMD_PUSH;
		cmd.view = view_topo_new(tv->ops->selected_obj && tv->ops->selected_obj(tv, &f, &obj)
					 ? &obj : NULL);
		break;
	case ' ':
		pause_toggle(ui);
		message(ui, ui->paused ? "Paused: the screen stands still, collection goes on "
			"(space resumes)" : "Resumed");
		break;
	case 'f':
		if (ui->set.follow) {
			message(ui, "No longer following %d", (int)ui->set.follow);
			ui->set.follow = 0;
		} else if (tv->ops->selected_pid && tv->ops->selected_pid(tv, &f, &pid)) {
			char b[64];

			ui->set.follow = pid;
			message(ui, "Following %s: kept selected and centred (f stops)",
				ui_pid_comm(ui->snap, pid, b, sizeof(b)));
		} else {
			message(ui, "f follows a process: select one first");
		}
		cmd.kind = CMD_SETTINGS;
		break;
	case '/':
	case KEY_F(3):
		if (!search_begin(&ui->search, tv, &f, SEARCH_FIND))
			message(ui, "Nothing to search on this page");
		break;
	case 'n':
	case 'N':
		if (!ui->search.last[0])
			message(ui, "No search yet: / or F3 starts one");
		else if (!search_again(&ui->search, tv, &f, key == 'n' ? +1 : -1))
			message(ui, "No match for \"%s\"", ui->search.last);
		break;
	case KEY_F(4):
		if (!search_begin(&ui->search, tv, &f, SEARCH_FILTER))
			message(ui, "Nothing to filter on this page");
		break;
	case KEY_F(5):
		ui->set.flat = !ui->set.flat;
		message(ui, "Processes: %s", ui->set.flat ? "a flat list by pid" : "a tree by parent");
		cmd.kind = CMD_SETTINGS;
		break;
	case 'x':
	case KEY_DC:
		if (tv->ops->selected_obj && tv->ops->selected_obj(tv, &f, &obj) &&
		    (cmd.view = view_remove_new(&obj, &f)) != NULL)
			cmd.kind = CMD_PUSH;
		else
			message(ui, "x removes a System V or POSIX object: select one first");
		break;
	case 'S':
		save_settings(ui);
		break;
	case 'T':
		term_set_theme((enum term_theme)((term_theme() + 1) % (THEME_MONO + 1)));
		message(ui, "Theme %s: %s (S saves it)", settings_theme_name(term_theme()),
			term_palette());
		break;
	case KEY_MOUSE:
		cmd = mouse_event(ui, tv, &f);
		break;
	default:
		cmd.kind = CMD_UNHANDLED;
	}
	return cmd;
}

/* Keys every view shares, when the top view did not use the key. */
static struct ui_cmd global_key(struct ui *ui, int key)
{
	struct ui_cmd cmd = { .kind = CMD_HANDLED };
	struct view *tv = ui->stack[ui->depth - 1];
	const char *top = tv->ops->name;
	struct ui_frame f = frame_of(ui);
	pid_t pid;

	switch (key) {
	case 'q':
	case KEY_F(10):
		cmd.kind = CMD_QUIT;
		break;
	case '?':
	case 'h':
	case KEY_F(1):
		cmd.kind = strcmp(top, "help") == 0 ? CMD_HANDLED : CMD_HELP;
		break;
	case 27:	/* Esc */
	case KEY_BACKSPACE:
	case 127:
	case 8:
	case KEY_LEFT:
		cmd.kind = CMD_BACK;
		break;
	case 'e':
		cmd.kind = strcmp(top, "errors") == 0 ? CMD_HANDLED : CMD_ERRORS;
		break;
	case 'K':
		ui->set.show_kthreads = !ui->set.show_kthreads;
		cmd.kind = CMD_SETTINGS;
		break;
	case 'r':
		if (ui->ct)
			collector_thread_refresh(ui->ct);
		break;
	case '+':
		change_delay(ui, +1);
		break;
	case '-':
		change_delay(ui, -1);
		break;
	case 's':	/* issue 4: signal matrix, event log, deadlocks, send a signal */
		if (strcmp(top, "signals") != 0) {
			cmd.kind = CMD_PUSH;
			cmd.view = view_signals_new();
		}
		break;
	case 'l':
		if (strcmp(top, "events") != 0) {
			cmd.kind = CMD_PUSH;
			cmd.view = view_events_new();
		}
		break;
	case 'D':
		if (strcmp(top, "deadlocks") != 0) {
			cmd.kind = CMD_PUSH;
			cmd.view = view_deadlock_new();
		}
		break;
	case 'k':
	case KEY_F(9):
		if (tv->ops->selected_pid && tv->ops->selected_pid(tv, &f, &pid)) {
			cmd.kind = CMD_PUSH;
			cmd.view = view_kill_new(pid, &f);
		}
		break;
	default:
		cmd = nav_key(ui, key);	/* issue 5 */
	}
	return cmd;
}

/* Issue 6: d opens the demo menu; p, o, {, }, R steer the running demo. */
static struct ui_cmd demo_key(struct ui *ui, int key)
{
	struct ui_cmd cmd = { .kind = CMD_HANDLED };
	char msg[256];

	if (key == 'd') {
		cmd.kind = CMD_PUSH;
		cmd.view = view_demo_new(ui->demo);
	} else if (demo_ui_key(ui->demo, key, msg, sizeof(msg))) {
		if (msg[0])
			message(ui, "%s", msg);
	} else {
		cmd.kind = CMD_UNHANDLED;
	}
	return cmd;
}

static void handle_key(struct ui *ui, int key)
{
	struct ui_frame f = frame_of(ui);
	struct view *top = ui->stack[ui->depth - 1];
	struct ui_cmd cmd;

	if (key == KEY_RESIZE)
		return;		/* curses has the new size; the loop redraws */
	if (ui->search.mode != SEARCH_OFF) {	/* the search / filter line has the keys */
		search_feed(&ui->search, top, &f, key);
		return;
	}
	if (ui->goto_mode) {
		goto_feed(ui, key);
		return;
	}
	if (too_small()) {
		if (key == 'q' || key == KEY_F(10))
			ui->quit = true;
		return;
	}
	/* issue 17: a replay's time keys come first (the map's [ ] depth gives way); live, the
	 * view and a running demo come first and { } are a minute only without a demo */
	if (ui->replay && (replay_refuses(ui, key) || time_key(ui, key).kind == CMD_HANDLED))
		return;
	cmd = top->ops->key(top, &f, key);
	if (cmd.kind == CMD_UNHANDLED && (key == '{' || key == '}') && !demo_ui_running(ui->demo))
		cmd = time_key(ui, key);
	if (cmd.kind == CMD_UNHANDLED)
		cmd = demo_key(ui, key);
	if (cmd.kind == CMD_UNHANDLED)
		cmd = global_key(ui, key);
	if (cmd.kind == CMD_UNHANDLED)
		cmd = time_key(ui, key);
	apply(ui, &cmd);
}

/* Reads every key waiting; false when there was none. */
static bool read_keys(struct ui *ui)
{
	int key;
	bool any = false;

	while (!ui->quit && (key = getch()) != ERR) {
		handle_key(ui, key);
		any = true;
	}
	return any;
}

/* ---- the loop ---- */

/*
 * Out of memory: xalloc's hook (src/arena.h) runs on whichever thread ran out, and only the
 * UI thread touches the terminal. On the UI thread the hook restores the terminal at once.
 * On another thread (the collector or a probe's worker) it writes OOM_BYTE to the self-pipe
 * (signal numbers are never 0) and waits until the terminal is restored: loop() reads the
 * byte, restores the terminal, says so and aborts. If the UI thread does not answer within OOM_WAIT_MS (it could
 * be blocked on the thread that ran out), the hook returns and xalloc aborts with the terminal
 * as it is: a hang would be worse.
 */
#define OOM_BYTE 0
#define OOM_WAIT_MS 3000
static pthread_t ui_thread;

static void fatal_hook(void)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	unsigned char b = OOM_BYTE;

	if (pthread_equal(pthread_self(), ui_thread)) {
		term_fini();
		return;
	}
	if (!term_active())
		return;
	if (write(sig_pipe[1], &b, 1) < 0) {
		/* full: the UI thread is leaving its loop anyway, restoring the terminal first */
	}
	for (int waited = 0; term_active() && waited < OOM_WAIT_MS; waited += 10)
		nanosleep(&tick, NULL);
}

/* On the UI thread: another thread ran out of memory (see fatal_hook). */
static void oom_from_other_thread(void)
{
	static const char msg[] = "ipctop: out of memory (in a collecting thread)\n";

	term_fini();
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more we can do */
	}
	abort();
}

static struct collector_thread *start_collector(const struct options *opts, char *err,
						size_t len)
{
	struct collect_opts co = {
		.sysroot = opts->sysroot,
		.self = getpid(),
		.trace_signals = true,
	};
	struct collector_thread *ct;
	struct sampler *sm;
	int rc;

	/* CONTRACT.md: ipctop leaves itself out unless --pid names it */
	if (opts->n_pids && filter_has_pid(opts->pids, opts->n_pids, getpid()))
		co.self = 0;
	sm = sampler_new(&co, &rc);
	if (!sm) {
		snprintf(err, len, "cannot read the process table under %s: %s",
			 opts->sysroot ? opts->sysroot : "/", strerror(-rc));
		return NULL;
	}
	ct = collector_thread_new(sm, opts->delay, opts->pids, opts->n_pids, &rc);
	if (!ct)
		snprintf(err, len, "cannot start the collector thread: %s", strerror(-rc));
	return ct;
}

/* Replay of a stream: what came; follows the newest while the newest is shown. */
static void replay_data(struct ui *ui)
{
	struct rec_reader *r = history_reader(ui->hist);
	long before = (long)history_end(ui->hist), end;
	char err[256] = "";
	int rc = replay_read(r, ui->replay_fd, false, err, sizeof(err));

	if (rc != 0) {
		rec_reader_end(r);
		close(ui->replay_fd);
		ui->replay_fd = -1;
		message(ui, "The stream ended%s%s", rc < 0 || rec_reader_problem(r) ? ": " : "",
			rc < 0 ? err : rec_reader_problem(r) ? rec_reader_problem(r) : "");
	}
	if (rec_reader_refused(r)) {
		ui->status = 1;
		ui->quit = true;
		return;
	}
	end = (long)history_end(ui->hist);
	if (end > before && (ui->shown < 0 || ui->shown == before - 1))
		show_index(ui, end - 1);
}

/* Replay: opens the recording; a file is read now, a stream (FILE -) as it comes, the keys
 * then come from the terminal. 0, or -1 with a message in err. */
static int replay_start(struct ui *ui, const struct options *opts, char *err, size_t len)
{
	struct rec_reader *r;
	struct stat st;
	int fd, rc;

	if (strcmp(opts->file, "-") == 0) {
		int tty;

		if (isatty(STDIN_FILENO)) {
			snprintf(err, len, "replay -: standard input is a terminal, not a recording");
			return -1;
		}
		fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
		tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
		if (fd < 0 || tty < 0 || dup2(tty, STDIN_FILENO) < 0) {
			snprintf(err, len, "replay -: no terminal for the keys (%s); --once or --batch "
				 "work without one", strerror(errno));
			return -1;
		}
		close(tty);
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	} else {
		fd = replay_open(opts->file, err, len);
		if (fd < 0)
			return -1;
	}
	r = rec_reader_new();
	ui->hist = history_new_replay(r);
	ui->replay = true;
	ui->replay_fd = fd;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		while ((rc = replay_read(r, fd, true, err, len)) == 0)
			;
		close(fd);
		ui->replay_fd = -1;
		if (rc < 0)
			return -1;
		rec_reader_end(r);
		if (!rec_reader_refused(r) && rec_reader_count(r) == 0)
			snprintf(err, len, "%s: no snapshot in it%s%s", opts->file,
				 rec_reader_problem(r) ? ": " : "",
				 rec_reader_problem(r) ? rec_reader_problem(r) : "");
	} else {
		ui->replay_stream = true;
	}
	if (rec_reader_refused(r)) {
		snprintf(err, len, "%s: %s", opts->file, rec_reader_problem(r));
		return -1;
	}
	if (!ui->replay_stream && rec_reader_count(r) == 0)
		return -1;
	if (rec_reader_interval(r) > 0)
		ui->set.delay = rec_reader_interval(r);
	return 0;
}

static void loop(struct ui *ui)
{
	bool dirty = true;

	while (!ui->quit) {
		struct pollfd pfd[4] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = sig_pipe[0], .events = POLLIN },
			{ .fd = ui->ct ? collector_thread_fd(ui->ct) : ui->replay_fd, .events = POLLIN },
			{ .fd = demo_ui_fd(ui->demo), .events = POLLIN },	/* -1: none */
		};
		int n;

		int timeout = -1;

		if (dirty)
			draw(ui);
		dirty = false;
		/* animation frames while the top view moves; the end of a message */
		if (!too_small() && ui->stack[ui->depth - 1]->ops->frame_ms) {
			struct ui_frame f = frame_of(ui);

			timeout = ui->stack[ui->depth - 1]->ops->frame_ms(ui->stack[ui->depth - 1], &f);
		}
		if (ui->playing) {	/* issue 17: the next recorded snapshot */
			int ms = play_step(ui);

			if (ms == 0) {
				dirty = true;
				continue;
			}
			if (ms > 0)
				timeout = timeout < 0 || ms < timeout ? ms : timeout;
		}
		if (ui->msg[0]) {
			double left = ui->msg_until - mono_now();
			int ms = left > 0 ? (int)(left * 1000) + 1 : 0;

			if (ms == 0)
				ui->msg[0] = 0;
			timeout = timeout < 0 || ms < timeout ? ms : timeout;
		}
		n = poll(pfd, 4, timeout);
		if (n == 0) {	/* a frame is due */
			dirty = true;
			continue;
		}
		if (n < 0) {
			if (errno != EINTR) {
				ui->status = 1;
				break;
			}
			/* SIGWINCH: curses queues KEY_RESIZE */
			read_keys(ui);
			dirty = true;
			continue;
		}
		if (pfd[1].revents & POLLIN) {
			unsigned char signo = 0;

			if (read(sig_pipe[0], &signo, 1) == 1) {
				if (signo == OOM_BYTE)
					oom_from_other_thread();
				ui->status = 128 + signo;
				break;
			}
		}
		if (pfd[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (ui->replay)
				replay_data(ui);
			else
				take_snapshot(ui);
			dirty = true;
		}
		if ((pfd[3].revents & (POLLIN | POLLHUP | POLLERR)) && demo_ui_read(ui->demo))
			dirty = true;
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) {
			if (!read_keys(ui) && (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))) {
				ui->status = 1;	/* the terminal went away */
				break;
			}
			dirty = true;
		}
	}
}

int ui_run(const struct options *opts)
{
	struct ui ui = { .set = { .opts = opts, .delay = opts->delay }, .shown = -1,
			 .replay_fd = -1 };
	void (*old_hook)(void) = xalloc_fatal_hook;
	char err[512];
	struct settings cfg;

	setlocale(LC_ALL, "");
	if (opts->mode == MODE_REPLAY && replay_start(&ui, opts, err, sizeof(err)) < 0) {
		fprintf(stderr, "ipctop: replay: %s\n", err);
		history_free(ui.hist);
		if (ui.replay_fd >= 0)
			close(ui.replay_fd);
		return 1;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "ipctop: the dashboard needs a terminal (use --once or --batch)\n");
		return 1;
	}
	if (signals_init() < 0) {
		fprintf(stderr, "ipctop: cannot create a pipe: %s\n", strerror(errno));
		return 1;
	}
	if (!ui.replay) {
		ui.hist = history_new_live();
		ui.ct = start_collector(opts, err, sizeof(err));
	}
	if (!ui.replay && !ui.ct) {
		signals_fini();
		history_free(ui.hist);
		fprintf(stderr, "ipctop: %s\n", err);
		return 1;
	}
	/* issue 6: --demo NAME starts the demo now (main thread); the view follows it */
	ui.demo = demo_ui_new(opts);
	demo_ui_attach(ui.demo, ui.ct);
	if (opts->demo && demo_ui_start(ui.demo, opts->demo, err, sizeof(err)) < 0) {
		demo_ui_free(ui.demo);
		collector_thread_free(ui.ct);
		signals_fini();
		fprintf(stderr, "ipctop: --demo: %s\n", err);
		return 1;
	}
	/* issue 5: saved settings (-d on the command line wins over the file's refresh) */
	settings_defaults(&cfg);
	if (settings_path(ui.cfg_path, sizeof(ui.cfg_path)) &&
	    settings_load(&cfg, ui.cfg_path, err, sizeof(err)) < 0)
		message(&ui, "Settings ignored, defaults used: %s", err);
	if (!opts->delay_given && ui.ct)
		collector_thread_set_delay(ui.ct, cfg.refresh);
	term_set_theme(cfg.theme);
	if (ui.ct)
		ui.set.delay = collector_thread_delay(ui.ct);
	ui_thread = pthread_self();
	xalloc_fatal_hook = fatal_hook;
	if (!term_init(err, sizeof(err))) {
		xalloc_fatal_hook = old_hook;
		demo_ui_free(ui.demo);
		collector_thread_free(ui.ct);
		signals_fini();
		fprintf(stderr, "ipctop: %s\n", err);
		return 1;
	}

	ui.log = evlog_new(EVLOG_CAP);
	push(&ui, view_dash_new());
	if (cfg.view == SETTINGS_VIEW_TOPOLOGY)
		push(&ui, view_topo_new(NULL));
	if (ui.replay && !ui.replay_stream) {	/* a file opens at its first snapshot */
		struct rec_reader *r = history_reader(ui.hist);

		show_index(&ui, 0);
		message(&ui, "Replaying %zu snapshots%s%s%s ([ ] step, { } a minute, g goes to, "
			"space plays)", rec_reader_count(r), rec_reader_hostname(r) ? " of " : "",
			rec_reader_hostname(r) ? rec_reader_hostname(r) : "",
			rec_reader_problem(r) ? " up to the damage" : "");
	}
	loop(&ui);

	/* restore the terminal first: joining the collector may wait for a scan to end, and the
	 * demo for its cleanup */
	term_fini();
	demo_ui_free(ui.demo);
	collector_thread_free(ui.ct);
	while (ui.depth > 0) {
		ui.depth--;
		ui.stack[ui.depth]->ops->free(ui.stack[ui.depth]);
	}
	snapshot_delta_free(ui.delta);
	snapshot_unref(ui.snap);
	snapshot_delta_free(ui.held_delta);
	snapshot_unref(ui.held);
	evlog_free(ui.log);
	term_release();
	xalloc_fatal_hook = old_hook;
	signals_fini();
	if (ui.replay && rec_reader_refused(history_reader(ui.hist)))
		fprintf(stderr, "ipctop: replay: %s: %s\n", opts->file,
			rec_reader_problem(history_reader(ui.hist)));
	if (ui.replay_fd >= 0)
		close(ui.replay_fd);
	history_free(ui.hist);
	return ui.status;
}
