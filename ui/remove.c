/*
 * remove.c - removing a System V or POSIX IPC object from the dashboard (x or Delete), like
 * ipcrm: a page that says what will be lost (queued messages and bytes, the processes that
 * have it attached or mapped, the processes blocked on it), whether the user may remove it,
 * and then only y removes it. The system calls are src/actions.c's: ui/ never makes them.
 *
 * Invariants:
 * - Nothing is removed without the confirmation; every other key keeps the object.
 * - The page shows the identity it will check: a System V object's key, creator and ctime;
 *   a POSIX object's owner, mode and inode (taken through src/actions.c when the page
 *   opens, and matched against the snapshot's inode). Right before removing, the actions
 *   layer checks that same identity again; an id or name that now names another object is
 *   not touched and the page says why (ids and names are reused).
 * - The result is always shown: removed, or the error with its text.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/actions.h"
#include "ui/page.h"
#include "ui/view.h"

struct rmview {
	struct view v;
	struct ui_obj obj;
	bool sysv;
	int32_t key;		/* System V: what the id named when the page opened */
	uid_t cuid, uid;
	int64_t ctime;
	struct action_posix_id pid;	/* POSIX: what the name named when the page opened */
	int pid_rc;		/* 0, or why the name could not be identified */
	bool changed;		/* the name already named another object when the page opened */
	bool seen;		/* the record was found at least once */
	bool gone;		/* not in the newest snapshot */
	bool done;		/* removed */
	struct page pg;
	char msg[FMT_ID_MAX + 128];
	enum ui_role msg_role;
};

static const char *kind_name(enum fmt_kind k)
{
	switch (k) {
	case FMT_MSG_QUEUES: return "System V message queue";
	case FMT_SHM_SEGMENTS: return "System V shared memory segment";
	case FMT_SEM_SETS: return "System V semaphore set";
	case FMT_POSIX_MQUEUES: return "POSIX message queue";
	case FMT_POSIX_SHM: return "POSIX shared memory object";
	case FMT_POSIX_SEMS: return "POSIX named semaphore";
	default: return NULL;
	}
}

/* Processes blocked on object id. */
static void blocked_on(struct page *pg, const struct snapshot *s, const char *id, const char *what)
{
	size_t n = 0;
	char b[64];

	for (size_t i = 0; i < s->n_procs; i++) {
		const struct proc_rec *p = &s->procs[i];

		if (!p->waiting.object || strcmp(p->waiting.object, id) != 0)
			continue;
		page_field_role(pg, ROLE_WARN, n ? "" : "blocked on it", "%s (%s): %s",
				ui_pid_comm(s, p->pid, b, sizeof(b)), wait_kind_name(p->waiting.kind), what);
		n++;
	}
	if (!n)
		page_field_role(pg, ROLE_DIM, "blocked on it", "no process");
}

/* "pid comm" list under label, or none. */
static void pid_list(struct page *pg, const struct snapshot *s, const char *label,
		     const pid_t *pids, size_t n, bool known)
{
	if (!known) {
		page_field_role(pg, ROLE_ERROR, label, "? (not readable: see e)");
		return;
	}
	ui_page_pids(pg, s, label, pids, n);
}

static void endpoint_list(struct page *pg, const struct snapshot *s, const char *label,
			  const struct endpoint *e, size_t n)
{
	char b[64];
	size_t shown = 0;

	for (size_t i = 0; i < n; i++) {
		if (i && e[i].pid == e[i - 1].pid)
			continue;
		page_field(pg, shown ? "" : label, "%s", ui_pid_comm(s, e[i].pid, b, sizeof(b)));
		shown++;
	}
	if (!shown)
		page_field_role(pg, ROLE_DIM, label, "none");
}

/* What removing rec loses: one section per kind. */
static void losses(struct rmview *rv, const struct snapshot *s, const void *rec)
{
	struct page *pg = &rv->pg;
	char a[64], b[64];

	page_section(pg, "What will be lost");
	switch (rv->obj.kind) {
	case FMT_MSG_QUEUES: {
		const struct msgq_rec *q = rec;

		page_field_role(pg, q->messages > 0 ? ROLE_WARN : ROLE_NORMAL, "queued",
				"%s messages, %s bytes: discarded at once",
				fmt_int(q->messages, a, sizeof(a)), fmt_int(q->bytes, b, sizeof(b)));
		blocked_on(pg, s, rv->obj.id, "msgsnd/msgrcv fails with EIDRM");
		page_field(pg, "last sender", "%s", ui_pid_comm(s, q->last_send_pid, a, sizeof(a)));
		page_field(pg, "last receiver", "%s", ui_pid_comm(s, q->last_recv_pid, a, sizeof(a)));
		page_text(pg, ROLE_NORMAL, "Its users' next msgsnd/msgrcv on this id fails (EINVAL); "
			  "msgget with the same key would make a new, empty queue.");
		break;
	}
	case FMT_SHM_SEGMENTS: {
		const struct shm_rec *m = rec;

		page_field(pg, "size", "%s bytes", fmt_int(m->size, a, sizeof(a)));
		pid_list(pg, s, "attached by", m->attached_pids, m->n_attached, m->attached_pids != NULL);
		if (m->nattch > 0)
			page_text(pg, ROLE_WARN, "Attached %s times: the segment is only marked for removal "
				  "and its data stays until the last process detaches; no process can "
				  "attach it any more.", fmt_int(m->nattch, a, sizeof(a)));
		else
			page_text(pg, ROLE_WARN, "Not attached: its data is freed at once.");
		break;
	}
	case FMT_SEM_SETS: {
		const struct sem_rec *sm = rec;
		int64_t wi = 0, wz = 0;

		page_field(pg, "semaphores", "%d", sm->nsems);
		if (sm->values) {
			char vals[256];
			size_t off = 0;

			vals[0] = 0;
			for (int k = 0; k < sm->nsems && off < sizeof(vals); k++)
				off += (size_t)snprintf(vals + off, sizeof(vals) - off, "%s%lld", k ? " " : "",
							(long long)sm->values[k]);
			page_field(pg, "values", "%s", vals);
		} else {
			page_field_role(pg, ROLE_ERROR, "values", "? (not readable)");
		}
		for (int k = 0; sm->wait_increase && sm->wait_zero && k < sm->nsems; k++) {
			wi += sm->wait_increase[k];
			wz += sm->wait_zero[k];
		}
		if (sm->wait_increase && sm->wait_zero)
			page_field_role(pg, wi + wz ? ROLE_WARN : ROLE_NORMAL, "waiters",
					"%lld for an increase, %lld for zero: their semop fails with EIDRM",
					(long long)wi, (long long)wz);
		else
			page_field_role(pg, ROLE_ERROR, "waiters", "? (not readable)");
		blocked_on(pg, s, rv->obj.id, "semop fails with EIDRM");
		break;
	}
	case FMT_POSIX_MQUEUES: {
		const struct pmq_rec *q = rec;

		page_field_role(pg, q->messages > 0 ? ROLE_WARN : ROLE_NORMAL, "queued",
				"%s messages, %s bytes", fmt_int(q->messages, a, sizeof(a)),
				fmt_int(q->bytes, b, sizeof(b)));
		endpoint_list(pg, s, "held open by", q->holders, q->n_holders);
		page_text(pg, ROLE_NORMAL, "The name goes at once; the queue and its messages go when "
			  "the last of these processes closes it.");
		break;
	}
	case FMT_POSIX_SHM: {
		const struct pshm_rec *m = rec;

		page_field(pg, "size", "%s bytes", fmt_int(m->size, a, sizeof(a)));
		pid_list(pg, s, "mapped by", m->mapped_pids, m->n_mapped, true);
		page_text(pg, ROLE_NORMAL, "The name goes at once; the memory when the last of these "
			  "processes unmaps it. Processes that open the name later get ENOENT.");
		break;
	}
	case FMT_POSIX_SEMS: {
		const struct psem_rec *m = rec;

		page_field(pg, "value", "%s", fmt_int(m->value, a, sizeof(a)));
		pid_list(pg, s, "mapped by", m->mapped_pids, m->n_mapped, true);
		page_text(pg, ROLE_NORMAL, "The name goes at once; processes that have it open keep "
			  "using it, later sem_open of the name makes a new one.");
		break;
	}
	default:
		break;
	}
}

static enum action_posix_kind posix_kind(enum fmt_kind k)
{
	return k == FMT_POSIX_MQUEUES ? ACTION_PMQ : k == FMT_POSIX_SHM ? ACTION_PSHM : ACTION_PSEM;
}

static uint64_t rec_inode(enum fmt_kind k, const void *rec)
{
	return k == FMT_POSIX_MQUEUES ? ((const struct pmq_rec *)rec)->inode
	       : k == FMT_POSIX_SHM ? ((const struct pshm_rec *)rec)->inode
	       : ((const struct psem_rec *)rec)->inode;
}

/* What the name names now (owner, mode, inode), and whether that is the snapshot's object. */
static void posix_identity(struct rmview *rv, const void *rec)
{
	const char *name = strchr(rv->obj.id, ':') + 1;
	uint64_t ino = rec_inode(rv->obj.kind, rec);

	rv->pid_rc = action_posix_identify(posix_kind(rv->obj.kind), name, &rv->pid);
	rv->changed = rv->pid_rc == 0 && ino && (uint64_t)rv->pid.ino != ino;
}

static void posix_fields(struct rmview *rv)
{
	struct page *pg = &rv->pg;

	if (rv->pid_rc < 0) {
		page_field_role(pg, ROLE_ERROR, "identity", "? (%s: %s) - it cannot be removed",
				strerror(-rv->pid_rc), rv->pid_rc == -EINVAL ?
				"the name is not a regular file now" : "cannot look at it");
		return;
	}
	page_field(pg, "owner uid/gid", "%u / %u", (unsigned)rv->pid.uid, (unsigned)rv->pid.gid);
	page_field(pg, "mode", "%04o", (unsigned)rv->pid.mode);
	page_field_role(pg, rv->changed ? ROLE_ERROR : ROLE_NORMAL, "inode", "%llu%s",
			(unsigned long long)rv->pid.ino, rv->changed ?
			" - NOT the object in the snapshot: the name was reused; it will not be "
			"removed" : ": removed only while the name still names this inode and owner");
}

/* Whether this user may remove a System V object (IPC_RMID: owner, creator or root). */
static bool sysv_permitted(const struct rmview *rv)
{
	uid_t me = geteuid();

	return me == 0 || me == rv->uid || me == rv->cuid;
}

static void rm_update(struct view *v, const struct ui_frame *f)
{
	struct rmview *rv = (struct rmview *)v;
	const void *rec;
	struct page *pg = &rv->pg;

	if (!f->snap)
		return;
	rec = ui_find_record(f->snap, rv->obj.kind, rv->obj.id);
	rv->gone = !rec;
	if (!rec && rv->seen)
		return;	/* keep what the page said; the title says it is gone */
	page_clear(pg);
	page_section(pg, "Remove this object?");
	page_field(pg, "object", "%s %s", kind_name(rv->obj.kind), rv->obj.id);
	if (!rec) {
		page_text(pg, ROLE_WARN, "It is not in the current snapshot.");
		return;
	}
	if (!rv->seen && rv->sysv) {
		const struct sysv_perm *p = rv->obj.kind == FMT_MSG_QUEUES ? &((const struct msgq_rec *)rec)->perm
					  : rv->obj.kind == FMT_SHM_SEGMENTS ? &((const struct shm_rec *)rec)->perm
					  : &((const struct sem_rec *)rec)->perm;

		rv->key = p->key;
		rv->cuid = p->cuid;
		rv->uid = p->uid;
		rv->ctime = rv->obj.kind == FMT_MSG_QUEUES ? ((const struct msgq_rec *)rec)->ctime
			  : rv->obj.kind == FMT_SHM_SEGMENTS ? ((const struct shm_rec *)rec)->ctime
			  : ((const struct sem_rec *)rec)->ctime;
	}
	if (!rv->seen && !rv->sysv)
		posix_identity(rv, rec);
	rv->seen = true;
	if (!rv->sysv)
		posix_fields(rv);
	if (rv->sysv) {
		char when[64] = "never";
		time_t t = (time_t)rv->ctime;
		struct tm tm;

		ui_page_sysv_perm(pg, rv->obj.kind == FMT_MSG_QUEUES ? &((const struct msgq_rec *)rec)->perm
				      : rv->obj.kind == FMT_SHM_SEGMENTS ? &((const struct shm_rec *)rec)->perm
				      : &((const struct sem_rec *)rec)->perm);
		if (rv->ctime && localtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		page_field(pg, "changed (ctime)", "%s (%lld): removed only while key, creator and "
			   "ctime still match", when, (long long)rv->ctime);
	}
	losses(rv, f->snap, rec);
	page_section(pg, "Permission");
	if (rv->sysv) {
		if (sysv_permitted(rv))
			page_field(pg, "you", "uid %u may remove it (owner %u, creator %u, or root)",
				   (unsigned)geteuid(), (unsigned)rv->uid, (unsigned)rv->cuid);
		else
			page_field_role(pg, ROLE_ERROR, "you", "uid %u may not remove it: only its owner "
					"(uid %u), its creator (uid %u) or root may", (unsigned)geteuid(),
					(unsigned)rv->uid, (unsigned)rv->cuid);
	} else {
		page_field(pg, "you", "uid %u: removing needs write permission on the directory "
			   "(/dev/%s; with its sticky bit, the owner or root)", (unsigned)geteuid(),
			   rv->obj.kind == FMT_POSIX_MQUEUES ? "mqueue" : "shm");
	}
}

static void rm_draw(struct view *v, const struct ui_frame *f, WINDOW *w, const struct ui_rect *r)
{
	struct rmview *rv = (struct rmview *)v;
	char title[FMT_ID_MAX + 64];
	struct ui_rect body = *r;
	const char *ask = rv->done ? " Esc back " :
			  rv->gone ? " It is gone: Esc back " :
			  " y removes it  -  n or Esc keeps it ";

	(void)f;
	snprintf(title, sizeof(title), " Remove %s%s ", rv->obj.id, rv->gone && !rv->done ? " (GONE)" : "");
	if (body.h > 4)
		body.h -= 2;
	page_draw(&rv->pg, w, &body, title);
	if (r->h > 4) {
		int y = r->y + r->h - 2;

		term_fill(w, y, r->x, r->w, A_NORMAL);
		if (rv->msg[0])
			term_put(w, y, r->x + 1, r->w - 1, rv->msg, term_attr(rv->msg_role), false, false);
		term_fill(w, y + 1, r->x, r->w, term_attr(ROLE_TITLE_FOCUS));
		term_put(w, y + 1, r->x, r->w, ask, term_attr(ROLE_TITLE_FOCUS), false, false);
	}
}

static void do_remove(struct rmview *rv)
{
	const char *name = strchr(rv->obj.id, ':') + 1;
	int rc;

	switch (rv->obj.kind) {
	case FMT_MSG_QUEUES: rc = action_remove_msgq(atoi(name), rv->key, rv->cuid, rv->ctime); break;
	case FMT_SHM_SEGMENTS: rc = action_remove_shm(atoi(name), rv->key, rv->cuid, rv->ctime); break;
	case FMT_SEM_SETS: rc = action_remove_sem(atoi(name), rv->key, rv->cuid, rv->ctime); break;
	case FMT_POSIX_MQUEUES:
	case FMT_POSIX_SHM:
	case FMT_POSIX_SEMS:
		rc = rv->pid_rc < 0 ? rv->pid_rc : rv->changed ? -ESTALE
		     : action_remove_posix(posix_kind(rv->obj.kind), name, &rv->pid);
		break;
	default: rc = -EINVAL;
	}
	if (rc == 0) {
		rv->done = true;
		snprintf(rv->msg, sizeof(rv->msg), "Removed %s.", rv->obj.id);
		rv->msg_role = ROLE_NEW;
	} else if (rc == -ESTALE) {
		snprintf(rv->msg, sizeof(rv->msg), "Not removed: %s now names another object (%s "
			 "changed since the page opened).", name, rv->sysv ? "key, creator or ctime"
			 : "inode, owner or type");
		rv->msg_role = ROLE_ERROR;
	} else {
		snprintf(rv->msg, sizeof(rv->msg), "Not removed: %s (%s).", strerror(-rc),
			 rc == -EPERM || rc == -EACCES ? "no permission" :
			 rc == -EINVAL || rc == -EIDRM || rc == -ENOENT ? "already gone" : "error");
		rv->msg_role = ROLE_ERROR;
	}
}

static struct ui_cmd rm_key(struct view *v, const struct ui_frame *f, int key)
{
	struct rmview *rv = (struct rmview *)v;
	struct ui_cmd cmd = { .kind = CMD_HANDLED };

	(void)f;
	if (page_key(&rv->pg, key))
		return cmd;
	if ((key == 'y' || key == 'Y') && !rv->done && !rv->gone && rv->seen) {
		if (rv->sysv && !sysv_permitted(rv)) {
			snprintf(rv->msg, sizeof(rv->msg), "Not removed: uid %u may not (see Permission).",
				 (unsigned)geteuid());
			rv->msg_role = ROLE_ERROR;
			return cmd;
		}
		do_remove(rv);
		return cmd;
	}
	if (key == 'q' || key == KEY_F(10))
		cmd.kind = CMD_UNHANDLED;	/* quit still quits */
	else
		cmd.kind = CMD_BACK;		/* n, Esc, anything else: keep it, go back */
	return cmd;
}

static const char *rm_hints(const struct view *v)
{
	const struct rmview *rv = (const struct rmview *)v;

	return rv->done ? "Esc back" : "y remove  n/Esc keep";
}

static void rm_free(struct view *v)
{
	struct rmview *rv = (struct rmview *)v;

	page_fini(&rv->pg);
	free(rv);
}

static const struct view_ops rm_ops = {
	.name = "remove",
	.update = rm_update,
	.draw = rm_draw,
	.key = rm_key,
	.hints = rm_hints,
	.free = rm_free,
};

struct view *view_remove_new(const struct ui_obj *obj, const struct ui_frame *f)
{
	struct rmview *rv;

	(void)f;
	if (!kind_name(obj->kind) || !strchr(obj->id, ':'))
		return NULL;
	rv = xcalloc(1, sizeof(*rv));
	rv->v.ops = &rm_ops;
	rv->obj = *obj;
	rv->sysv = obj->kind == FMT_MSG_QUEUES || obj->kind == FMT_SHM_SEGMENTS ||
		   obj->kind == FMT_SEM_SETS;
	page_init(&rv->pg);
	return &rv->v;
}
