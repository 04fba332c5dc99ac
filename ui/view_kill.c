/*
 * view_kill.c - send a signal to one process on the user's request (k / F9): a picker of
 * every signal (1-31 and SIGRTMIN..SIGRTMAX, as action_signal_list() gives them), showing what
 * the target does with each (its mark from the matrix), then a y/N confirmation.
 *
 * Invariants:
 * - Nothing is sent without the confirmation: only y or Y sends; every other key cancels.
 * - The result is always shown: "sent", or the error (EPERM, ESRCH, ...) with its text.
 * - The target is the process (pid + start time) the user selected, held by a pidfd taken
 *   when the page opens (src/actions.h: its start time checked on the pidfd): a signal goes
 *   to that process or nowhere, never to a process that got its pid later, however long the
 *   page stays open (or the dashboard paused). A process gone says so.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/actions.h"
#include "src/signames.h"
#include "ui/view_signals.h"
#include "ui/view.h"

#define MAX_SIGS 128

enum kill_state { KILL_PICK, KILL_CONFIRM };

struct killview {
	struct view v;
	pid_t pid;
	unsigned long long start_ticks;
	bool known;		/* the selection came from a snapshot that had the process */
	char comm[64];
	struct sigmasks m;	/* the target's sets, from the newest snapshot */
	bool gone;		/* not in the newest snapshot */
	bool reused;		/* the pid belongs to another process now */
	struct action_target target;	/* pidfd of the selected process, or -1 */
	int open_rc;		/* why there is no pidfd: -ESRCH gone, -ESTALE reused, ... */
	int sigs[MAX_SIGS];
	size_t n_sigs;
	size_t sel, top;
	int page;
	enum kill_state state;
	char msg[512];
	enum ui_role msg_role;
};

static void kill_update(struct view *v, const struct ui_frame *f)
{
	struct killview *kv = (struct killview *)v;
	const struct proc_rec *p = f->snap ? snapshot_find_proc(f->snap, kv->pid) : NULL;

	if (!f->snap)
		return;
	kv->gone = !p || kv->open_rc == -ESRCH;
	kv->reused = (p && kv->known && p->start_ticks != kv->start_ticks) || kv->open_rc == -ESTALE;
	if (p && !kv->reused)
		view_signals_proc_masks(p, &kv->m);
	else
		memset(&kv->m, 0, sizeof(kv->m));
}

static const char *sig_label(int sig, char *buf, size_t len)
{
	char name[32];

	snprintf(buf, len, "%s (%d)", signame(sig, name, sizeof(name)), sig);
	return buf;
}

static void draw_list(struct killview *kv, WINDOW *w, const struct ui_rect *r, int y, int vis)
{
	if (kv->sel < kv->top)
		kv->top = kv->sel;
	if (vis > 0 && kv->sel >= kv->top + (size_t)vis)
		kv->top = kv->sel - (size_t)vis + 1;
	for (int i = 0; i < vis && kv->top + (size_t)i < kv->n_sigs; i++) {
		size_t k = kv->top + (size_t)i;
		int sig = kv->sigs[k];
		char name[32], line[256];
		const char *what = kv->m.known ? view_signals_mark_name(view_signals_mark(&kv->m, sig))
					       : "?";
		const char *desc = strsignal(sig);
		attr_t a = term_attr(k == kv->sel ? ROLE_SELECTED : ROLE_NORMAL);

		snprintf(line, sizeof(line), "%4d  %-13s %-28.28s %s", sig,
			 signame(sig, name, sizeof(name)), desc ? desc : "", what);
		term_fill(w, y + i, r->x, r->w, a);
		term_put(w, y + i, r->x + 1, r->w - 1, line, a, false, false);
	}
}

static void kill_draw(struct view *v, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r)
{
	struct killview *kv = (struct killview *)v;
	attr_t ta = term_attr(ROLE_TITLE_FOCUS);
	char line[512], sig[48];
	int y = r->y, foot, vis;

	(void)f;
	if (r->h < 1)
		return;
	snprintf(line, sizeof(line), " Send a signal to pid %d (%s) ", (int)kv->pid, kv->comm);
	term_fill(w, y, r->x, r->w, ta);
	term_put(w, y, r->x, r->w, line, ta, false, false);
	if (r->h < 4)
		return;
	if (kv->reused)
		snprintf(line, sizeof(line), "pid %d now belongs to another process: nothing can "
			 "be sent to %s any more", (int)kv->pid, kv->comm);
	else if (kv->gone)
		snprintf(line, sizeof(line), "pid %d is not in the newest snapshot (it may have "
			 "exited)", (int)kv->pid);
	else
		snprintf(line, sizeof(line), "right: what pid %d does with each signal now "
			 "(default, caught, ignored, blocked, pending)", (int)kv->pid);
	term_put(w, y + 1, r->x + 1, r->w - 1, line,
		 term_attr(kv->gone || kv->reused ? ROLE_WARN : ROLE_DIM), false, false);
	term_fill(w, y + 2, r->x, r->w, term_attr(ROLE_COLHEAD));
	term_put(w, y + 2, r->x + 1, r->w - 1, " SIG  NAME          DESCRIPTION                  "
		 "IN THIS PROCESS", term_attr(ROLE_COLHEAD), false, false);

	foot = 2;
	vis = r->h - 3 - foot;
	kv->page = vis;
	draw_list(kv, w, r, y + 3, vis);

	/* the prompt or the last result */
	if (kv->state == KILL_CONFIRM) {
		snprintf(line, sizeof(line), " Send %s to pid %d (%s)? y/N ",
			 sig_label(kv->sigs[kv->sel], sig, sizeof(sig)), (int)kv->pid, kv->comm);
		term_fill(w, r->y + r->h - 2, r->x, r->w, term_attr(ROLE_ALERT));
		term_put(w, r->y + r->h - 2, r->x, r->w, line, term_attr(ROLE_ALERT), false, false);
	} else if (kv->msg[0]) {
		term_put(w, r->y + r->h - 2, r->x + 1, r->w - 1, kv->msg, term_attr(kv->msg_role),
			 false, false);
	}
	term_put(w, r->y + r->h - 1, r->x + 1, r->w - 1,
		 kv->state == KILL_CONFIRM ? "y sends; any other key cancels"
					   : "Up/Down pick a signal  Enter send (asks first)  Esc back",
		 term_attr(ROLE_DIM), false, false);
}

static void send_selected(struct killview *kv)
{
	int sig = kv->sigs[kv->sel], rc;
	char label[48];

	sig_label(sig, label, sizeof(label));
	if (kv->reused) {
		snprintf(kv->msg, sizeof(kv->msg), "Not sent: pid %d now belongs to another process.",
			 (int)kv->pid);
		kv->msg_role = ROLE_ERROR;
		return;
	}
	if (kv->target.pidfd < 0) {
		const char *name = strerrorname_np(-kv->open_rc);

		snprintf(kv->msg, sizeof(kv->msg), "Not sent: %s",
			 kv->open_rc == -ESRCH ? "the process has exited." :
			 !kv->known ? "the process was not in the snapshot the page opened from." : "");
		if (kv->known && kv->open_rc != -ESRCH)
			snprintf(kv->msg, sizeof(kv->msg), "Not sent: cannot hold pid %d: %s (%s)",
				 (int)kv->pid, strerror(-kv->open_rc), name ? name : "?");
		kv->msg_role = ROLE_ERROR;
		return;
	}
	rc = action_target_signal(&kv->target, sig);
	if (rc == 0) {
		snprintf(kv->msg, sizeof(kv->msg), "Sent %s to pid %d (%s).", label, (int)kv->pid,
			 kv->comm);
		kv->msg_role = ROLE_NORMAL;
	} else {
		const char *name = strerrorname_np(-rc);

		snprintf(kv->msg, sizeof(kv->msg), "Sending %s to pid %d (%s) failed: %s (%s)%s",
			 label, (int)kv->pid, kv->comm, strerror(-rc), name ? name : "?",
			 rc == -EPERM ? " - it belongs to another user; run ipctop as root or as them"
			 : rc == -ESRCH ? " - the process has exited (its pid may be another's now: "
					  "nothing else was signalled)" : "");
		kv->msg_role = ROLE_ERROR;
	}
}

static struct ui_cmd kill_key(struct view *v, const struct ui_frame *f, int key)
{
	struct killview *kv = (struct killview *)v;
	struct ui_cmd cmd = { .kind = CMD_HANDLED };
	size_t n = kv->n_sigs, page = kv->page > 1 ? (size_t)kv->page - 1 : 1;

	(void)f;
	if (kv->state == KILL_CONFIRM) {
		kv->state = KILL_PICK;
		if (key == 'y' || key == 'Y') {
			send_selected(kv);
		} else {
			snprintf(kv->msg, sizeof(kv->msg), "Not sent.");
			kv->msg_role = ROLE_DIM;
		}
		return cmd;	/* every key is the answer, even q or Esc */
	}
	switch (key) {
	case KEY_UP:
		kv->sel = kv->sel > 0 ? kv->sel - 1 : 0;
		break;
	case KEY_DOWN:
		kv->sel = kv->sel + 1 < n ? kv->sel + 1 : kv->sel;
		break;
	case KEY_PPAGE:
		kv->sel = kv->sel > page ? kv->sel - page : 0;
		break;
	case KEY_NPAGE:
		kv->sel = kv->sel + page < n ? kv->sel + page : n - 1;
		break;
	case KEY_HOME:
		kv->sel = 0;
		break;
	case KEY_END:
		kv->sel = n - 1;
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
	case KEY_F(9):
		kv->state = KILL_CONFIRM;
		kv->msg[0] = 0;
		break;
	default:
		cmd.kind = CMD_UNHANDLED;
	}
	return cmd;
}

static const char *kill_hints(const struct view *v)
{
	const struct killview *kv = (const struct killview *)v;

	return kv->state == KILL_CONFIRM ? "y send  any other key: do not send"
					 : "Enter pick (asks first)  Esc back";
}

static void kill_free(struct view *v)
{
	struct killview *kv = (struct killview *)v;

	action_target_close(&kv->target);
	free(v);
}

static const struct view_ops kill_ops = {
	.name = "kill",
	.update = kill_update,
	.draw = kill_draw,
	.key = kill_key,
	.hints = kill_hints,
	.free = kill_free,
};

struct view *view_kill_new(pid_t pid, const struct ui_frame *f)
{
	struct killview *kv = xcalloc(1, sizeof(*kv));
	const struct proc_rec *p = f && f->snap ? snapshot_find_proc(f->snap, pid) : NULL;

	kv->v.ops = &kill_ops;
	kv->pid = pid;
	kv->target.pidfd = -1;
	kv->open_rc = -ESRCH;
	if (p) {
		kv->known = true;
		kv->start_ticks = p->start_ticks;
		/* held from now on: a pid reused later is never reached */
		kv->open_rc = action_target_open(&kv->target, pid, p->start_ticks);
		kv->gone = kv->open_rc == -ESRCH;
		kv->reused = kv->open_rc == -ESTALE;
	}
	snprintf(kv->comm, sizeof(kv->comm), "%s", p && p->comm ? p->comm : "?");
	kv->n_sigs = action_signal_list(kv->sigs, MAX_SIGS);
	if (kv->n_sigs > MAX_SIGS)
		kv->n_sigs = MAX_SIGS;
	for (size_t i = 0; i < kv->n_sigs; i++)
		if (kv->sigs[i] == SIGTERM)
			kv->sel = i;	/* the polite default, as kill(1) has it */
	return &kv->v;
}
