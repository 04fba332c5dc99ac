/*
 * view_demo.c - the demo menu (key d): every demo of demos/demo_table.c with its one-line
 * description, the running demo's state, and its controls. Enter starts the selected demo
 * (stopping the running one first) and goes back to the dashboard, which then shows only
 * the demo's processes and objects with the demo pane beside them. While the menu is open
 * it is "the demo pane focused": + and - change the demo's speed, space pauses, s steps.
 * The selection is a demo's index in demo_table, which never changes while ipctop runs.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demos/demo.h"
#include "ui/demo_ui.h"
#include "ui/term.h"

struct demo_menu {
	struct view v;
	struct demo_ui *dm;
	size_t sel;
	size_t top;
	int page;		/* rows shown at the last draw */
	char note[256];		/* what the last key did */
};

static void menu_update(struct view *v, const struct ui_frame *f)
{
	(void)v;
	(void)f;
}

static void status_line(const struct demo_menu *m, char *buf, size_t len)
{
	const struct demo_log *l = demo_ui_log(m->dm);
	char sp[32];

	if (!l || !demo_ui_active(m->dm)) {
		snprintf(buf, len, "No demo is running. Pick one and press Enter.");
	} else if (l->ended) {
		snprintf(buf, len, "Demo %s %s (%s)%s%s", l->name, demo_log_state(l), l->end_reason,
			 l->error[0] ? ": " : "", l->error);
	} else {
		snprintf(buf, len, "Demo %s is %s at %s, step %llu; the dashboard shows %s.", l->name,
			 demo_log_state(l), demo_log_speed(l->speed, sp, sizeof(sp)),
			 (unsigned long long)l->last_step,
			 demo_ui_only_demo(m->dm) ? "only its processes" : "every process");
	}
}

static const char *const menu_help[] = {
	"Enter start the selected demo (a running one is stopped first)   x stop   r restart",
	"space or p pause / continue   s one step   + / - faster / slower   f full speed",
	"1 one step a second   a only the demo's processes / every process   Esc back",
};
#define N_HELP (sizeof(menu_help) / sizeof(menu_help[0]))

static void menu_draw(struct view *v, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r)
{
	struct demo_menu *m = (struct demo_menu *)v;
	const struct demo_log *l = demo_ui_log(m->dm);
	char line[1024], title[64];
	int y = r->y, rows, name_w = 0;

	(void)f;
	if (r->h < 1)
		return;
	snprintf(title, sizeof(title), " Demos (%zu) ", demo_count);
	term_fill(w, y, r->x, r->w, term_attr(ROLE_TITLE_FOCUS));
	term_put(w, y++, r->x, r->w, title, term_attr(ROLE_TITLE_FOCUS), false, false);
	if (y < r->y + r->h) {
		status_line(m, line, sizeof(line));
		term_put(w, y++, r->x + 1, r->w - 1, line,
			 term_attr(l && l->error[0] ? ROLE_ERROR : ROLE_NORMAL), false, false);
	}
	y++;
	rows = r->y + r->h - y - (int)N_HELP - 2;
	if (rows < 1)
		rows = r->y + r->h - y;
	m->page = rows;
	if (m->sel < m->top)
		m->top = m->sel;
	if (rows > 0 && m->sel >= m->top + (size_t)rows)
		m->top = m->sel - (size_t)rows + 1;
	for (size_t i = 0; i < demo_count; i++) {
		int nw = term_width(demo_table[i].name);

		name_w = nw > name_w ? nw : name_w;
	}
	for (size_t i = m->top; i < demo_count && rows > 0 && y < r->y + r->h; i++, rows--) {
		bool running = l && demo_ui_running(m->dm) && strcmp(l->name, demo_table[i].name) == 0;
		attr_t a = term_attr(i == m->sel ? ROLE_SELECTED : ROLE_NORMAL);

		snprintf(line, sizeof(line), " %s %-*s  %s", running ? term_glyphs()->arrow : " ",
			 name_w, demo_table[i].name, demo_table[i].description);
		term_fill(w, y, r->x, r->w, a);
		term_put(w, y++, r->x, r->w, line, running && i != m->sel ? a | A_BOLD : a, false,
			 false);
	}
	y = r->y + r->h - (int)N_HELP - 1;
	if (y > r->y + 2) {
		for (size_t i = 0; i < N_HELP; i++, y++)
			term_put(w, y, r->x + 1, r->w - 1, menu_help[i], term_attr(ROLE_DIM), false, false);
		term_put(w, y, r->x + 1, r->w - 1, m->note, term_attr(ROLE_KEY), false, false);
	}
}

/* Sends a control byte; the note says what happened. */
static void control(struct demo_menu *m, char cmd, const char *what)
{
	int rc = demo_ui_control(m->dm, cmd);

	if (rc == -ESRCH)
		snprintf(m->note, sizeof(m->note), "No demo is running: Enter starts the selected one");
	else if (rc < 0)
		snprintf(m->note, sizeof(m->note), "The demo does not answer: %s", strerror(-rc));
	else
		snprintf(m->note, sizeof(m->note), "%s", what);
}

static struct ui_cmd menu_key(struct view *v, const struct ui_frame *f, int key)
{
	struct demo_menu *m = (struct demo_menu *)v;
	struct ui_cmd cmd = { .kind = CMD_HANDLED };
	const struct demo_log *l = demo_ui_log(m->dm);
	size_t page = m->page > 1 ? (size_t)m->page - 1 : 1;
	char err[256];

	(void)f;
	if (demo_count == 0)	/* nothing to pick (a build without demos) */
		return key == 'd' ? (struct ui_cmd){ .kind = CMD_BACK } : (struct ui_cmd){ CMD_UNHANDLED };
	switch (key) {
	case KEY_UP:
		m->sel = m->sel > 0 ? m->sel - 1 : 0;
		break;
	case KEY_DOWN:
		m->sel = m->sel + 1 < demo_count ? m->sel + 1 : m->sel;
		break;
	case KEY_PPAGE:
		m->sel = m->sel > page ? m->sel - page : 0;
		break;
	case KEY_NPAGE:
		m->sel = m->sel + page < demo_count ? m->sel + page : demo_count - 1;
		break;
	case KEY_HOME:
		m->sel = 0;
		break;
	case KEY_END:
		m->sel = demo_count - 1;
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (demo_ui_start(m->dm, demo_table[m->sel].name, err, sizeof(err)) < 0) {
			snprintf(m->note, sizeof(m->note), "%s", err);
			break;
		}
		cmd.kind = CMD_BACK;	/* to the dashboard, which now follows the demo */
		break;
	case 'x':
		if (!demo_ui_active(m->dm)) {
			snprintf(m->note, sizeof(m->note), "No demo is running");
			break;
		}
		demo_ui_stop(m->dm);
		snprintf(m->note, sizeof(m->note), "Stopped: its processes and objects are gone");
		break;
	case 'r':
		control(m, 'r', "Restarting: processes killed, objects removed, then again");
		break;
	case ' ':
	case 'p':
		control(m, ' ', l && l->paused ? "Continues" : "Paused");
		break;
	case 's':
		control(m, 's', "One step (paused)");
		break;
	case '+':
		control(m, '+', "Faster");
		break;
	case '-':
		control(m, '-', "Slower");
		break;
	case 'f':
		control(m, 'f', "Full speed: no pauses between steps");
		break;
	case '1':
		control(m, '1', "One step a second");
		break;
	case 'a':
		demo_ui_set_only_demo(m->dm, !demo_ui_only_demo(m->dm));
		snprintf(m->note, sizeof(m->note), "While a demo runs the dashboard shows %s",
			 demo_ui_only_demo(m->dm) ? "only its processes and their objects" :
			 "every process");
		break;
	case 'd':
		cmd.kind = CMD_BACK;
		break;
	default:
		cmd.kind = CMD_UNHANDLED;
	}
	return cmd;
}

static const char *menu_hints(const struct view *v)
{
	(void)v;
	return "Enter start  x stop  r restart  space pause  s step  +/- speed  Esc back";
}

static void menu_free(struct view *v)
{
	free(v);
}

static const struct view_ops menu_ops = {
	.name = "demos",
	.update = menu_update,
	.draw = menu_draw,
	.key = menu_key,
	.hints = menu_hints,
	.free = menu_free,
};

struct view *view_demo_new(struct demo_ui *dm)
{
	struct demo_menu *m = xcalloc(1, sizeof(*m));
	const struct demo_log *l = demo_ui_log(dm);

	m->v.ops = &menu_ops;
	m->dm = dm;
	for (size_t i = 0; l && i < demo_count; i++)
		if (strcmp(demo_table[i].name, l->name) == 0)
			m->sel = i;
	return &m->v;
}
