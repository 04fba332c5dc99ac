/*
 * json_out.c - the JSON snapshot (see json_out.h and CONTRACT.md): one builder per kind of
 * record, each emitting every CONTRACT key (null when unknown) plus ipctop's extensions.
 *
 * The builders write through a small writer (struct jw) with two backends that take the same
 * calls in the same order:
 *   stream  text straight into a growing buffer flushed to the FILE in large writes
 *           (json_out_write: --once/--batch). No tree: memory stays flat however large the
 *           snapshot, and nothing is allocated per value.
 *   tree    a json-c object (json_out_snapshot: for callers that want to walk the result).
 * The stream's text is byte for byte what json-c prints for the tree with
 * JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE (json-c 0.16): no blanks; strings
 * as jw_put_escaped writes them (the tree's strings print through it too): strict UTF-8,
 * control and bidirectional characters escaped; integers in decimal; doubles as the fixed
 * decimals we give json-c; a key added twice to one object keeps its first position and its
 * last value. tests/unit/test_json_out.c compares the two backends' text on every kind of
 * record and on every byte value.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "src/diff.h"
#include "src/format.h"
#include "src/json_out.h"
#include "src/signames.h"
#include "src/waiting.h"

/* ---- the writer --------------------------------------------------------------------------- */

#define JW_DEPTH 8		/* snapshot > list > record > signals > list: 5 levels used */
#define JW_FLUSH (64 * 1024)	/* the stream writes out whenever this much is buffered */

struct jw {
	bool tree;		/* which backend */
	/* stream */
	FILE *out;
	char *buf;
	size_t len, cap;
	bool write_error;
	size_t count[JW_DEPTH];	/* values written so far in each open container */
	bool after_key;		/* a key was just written: the value needs no comma */
	/* tree */
	struct json_object *stack[JW_DEPTH];
	struct json_object *root;
	const char *key;	/* the key the next value goes under (objects) */
	int depth;		/* open containers */
	/* signal names, made once per document */
	char signames[SIG_MAX + 1][32];
	bool signames_ready;
};

static void jw_reserve(struct jw *w, size_t n)
{
	if (w->len + n <= w->cap)
		return;
	while (w->len + n > w->cap)
		w->cap = w->cap ? w->cap * 2 : 2 * JW_FLUSH;
	w->buf = xrealloc(w->buf, w->cap);
}

static void jw_flush(struct jw *w)
{
	if (w->len && !w->write_error && fwrite(w->buf, 1, w->len, w->out) != w->len)
		w->write_error = true;
	w->len = 0;
}

static inline void jw_put(struct jw *w, const char *s, size_t n)
{
	jw_reserve(w, n);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static inline void jw_putc(struct jw *w, char c)
{
	jw_reserve(w, 1);
	w->buf[w->len++] = c;
}

/*
 * A string in quotes, as strict UTF-8 JSON (RFC 8259) that shows no control character:
 * '"' '\\' \b \f \n \r \t as two characters and other bytes below 0x20 as \u00xx, as
 * json-c's json_escape_str writes them (without slash escaping); DEL, C1 controls and the
 * bidirectional and separator characters (src/format.h's names_char) as \uxxxx; a byte that is
 * not UTF-8 as U+FFFD (raw, "\xef\xbf\xbd"); everything else raw. The exact bytes of such a
 * name go to a sibling key (k_str).
 */
static void jw_put_escaped(struct jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *p = s, *run = s;
	size_t n;
	bool unsafe;

	jw_putc(w, '"');
	while ((n = names_char(p, &unsafe)) > 0) {
		unsigned char c = (unsigned char)*p;
		char esc[6];
		size_t en = 2;

		if (!unsafe && c != '"' && c != '\\') {
			p += n;
			continue;
		}
		jw_put(w, run, (size_t)(p - run));
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default: {
			uint32_t cp = c;

			if (n == 1 && c >= 0x80) {
				jw_put(w, "\xef\xbf\xbd", 3);	/* not UTF-8: U+FFFD */
				en = 0;
				break;
			}
			if (n == 2)
				cp = (uint32_t)(c & 0x1f) << 6 | ((unsigned char)p[1] & 0x3f);
			else if (n == 3)
				cp = (uint32_t)(c & 0x0f) << 12 | (uint32_t)((unsigned char)p[1] & 0x3f) << 6 |
				     ((unsigned char)p[2] & 0x3f);
			esc[1] = 'u';
			esc[2] = hex[cp >> 12 & 15];
			esc[3] = hex[cp >> 8 & 15];
			esc[4] = hex[cp >> 4 & 15];
			esc[5] = hex[cp & 15];
			en = 6;
		}
		}
		jw_put(w, esc, en);
		p += n;
		run = p;
	}
	jw_put(w, run, (size_t)(p - run));
	jw_putc(w, '"');
}

/* Tree: json-c prints strings through this, so that both backends write the same text. */
static int jw_json_c_string(struct json_object *o, struct printbuf *pb, int level, int flags)
{
	struct jw tmp = { 0 };
	int rc;

	(void)level;
	(void)flags;
	jw_put_escaped(&tmp, json_object_get_string(o));
	rc = printbuf_memappend(pb, tmp.buf, (int)tmp.len);
	free(tmp.buf);
	return rc;
}

/* s with every byte that is not UTF-8 replaced by U+FFFD (malloc'd). */
static char *readable(const char *s)
{
	char *out = xmalloc(3 * strlen(s) + 1), *o = out;
	size_t n;
	bool unsafe;

	for (; (n = names_char(s, &unsafe)) > 0; s += n) {
		if (n == 1 && unsafe && (unsigned char)*s >= 0x80) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
		} else {
			memcpy(o, s, n);
			o += n;
		}
	}
	*o = '\0';
	return out;
}

static void jw_put_u64(struct jw *w, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	jw_put(w, tmp + i, sizeof(tmp) - i);
}

static void jw_put_i64(struct jw *w, int64_t v)
{
	if (v < 0) {
		jw_putc(w, '-');
		jw_put_u64(w, (uint64_t)0 - (uint64_t)v);
	} else {
		jw_put_u64(w, (uint64_t)v);
	}
}

/* Stream: the comma before a value in a container (not after a key, which wrote its own). */
static void jw_sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0 && w->count[w->depth - 1]++ > 0)
		jw_putc(w, ',');
}

/* Tree: hangs v (NULL = null) under the pending key or at the end of the open array. */
static void jw_attach(struct jw *w, struct json_object *v)
{
	struct json_object *parent;

	if (w->depth == 0) {
		json_object_put(w->root);
		w->root = v;
		return;
	}
	parent = w->stack[w->depth - 1];
	if (json_object_is_type(parent, json_type_object))
		json_object_object_add(parent, w->key, v);
	else
		json_object_array_add(parent, v);
}

static void jw_key(struct jw *w, const char *key)
{
	if (w->tree) {
		w->key = key;
		return;
	}
	if (w->count[w->depth - 1]++ > 0)
		jw_putc(w, ',');
	jw_put_escaped(w, key);
	jw_putc(w, ':');
	w->after_key = true;
}

static void jw_null(struct jw *w)
{
	if (w->tree) {
		jw_attach(w, NULL);
		return;
	}
	jw_sep(w);
	jw_put(w, "null", 4);
}

static void jw_int(struct jw *w, int64_t v)
{
	if (w->tree) {
		jw_attach(w, json_object_new_int64(v));
		return;
	}
	jw_sep(w);
	jw_put_i64(w, v);
}

static void jw_uint(struct jw *w, uint64_t v)
{
	if (w->tree) {
		jw_attach(w, json_object_new_uint64(v));
		return;
	}
	jw_sep(w);
	jw_put_u64(w, v);
}

static void jw_bool(struct jw *w, bool b)
{
	if (w->tree) {
		jw_attach(w, json_object_new_boolean(b));
		return;
	}
	jw_sep(w);
	if (b)
		jw_put(w, "true", 4);
	else
		jw_put(w, "false", 5);
}

/* NULL -> null. */
static void jw_str(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	if (w->tree) {
		char *r = readable(s);
		struct json_object *o = json_object_new_string(r);

		json_object_set_serializer(o, jw_json_c_string, NULL, NULL);
		jw_attach(w, o);
		free(r);
		return;
	}
	jw_sep(w);
	jw_put_escaped(w, s);
}

/* A double written with fixed decimals (json-c's default %.17g prints noise digits); NaN and
 * infinities -> null. */
static void jw_double(struct jw *w, double v, int decimals)
{
	char buf[64];
	int n;

	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	n = snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	if (w->tree) {
		jw_attach(w, json_object_new_double_s(v, buf));
		return;
	}
	jw_sep(w);
	jw_put(w, buf, n > 0 && (size_t)n < sizeof(buf) ? (size_t)n : strlen(buf));
}

static void jw_open(struct jw *w, bool object)
{
	if (w->depth >= JW_DEPTH)
		abort();	/* a programming error: the document's shape is fixed */
	if (w->tree) {
		struct json_object *o = object ? json_object_new_object() : json_object_new_array();

		jw_attach(w, o);
		w->stack[w->depth++] = o;
		return;
	}
	jw_sep(w);
	jw_putc(w, object ? '{' : '[');
	w->count[w->depth++] = 0;
}

static void jw_close(struct jw *w, bool object)
{
	w->depth--;
	if (w->tree)
		return;
	jw_putc(w, object ? '}' : ']');
	if (w->len >= JW_FLUSH && w->depth > 0)
		jw_flush(w);
}

#define jw_obj(w) jw_open((w), true)
#define jw_obj_end(w) jw_close((w), true)
#define jw_arr(w) jw_open((w), false)
#define jw_arr_end(w) jw_close((w), false)

/* ---- value helpers (key + value) ---------------------------------------------------------- */

static void k_int(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int(w, v);
}

/* SNAP_UNKNOWN (any negative) -> null. */
static void k_int_known(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	if (v < 0)
		jw_null(w);
	else
		jw_int(w, v);
}

/* A pid from a /proc/sysvipc column: -1 when the column is missing -> null (0 = none, kept). */
static void k_pid_known(struct jw *w, const char *key, pid_t pid)
{
	k_int_known(w, key, pid);
}

/* A uid or gid: (uid_t)-1 is no user (chown(2)'s "leave alone"), only seen when a
 * /proc/sysvipc column is missing -> null. */
static void k_id_known(struct jw *w, const char *key, uid_t id)
{
	jw_key(w, key);
	if (id == (uid_t)-1)
		jw_null(w);
	else
		jw_int(w, (int64_t)id);
}

static void k_uint(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_uint(w, v);
}

/* A string; one that is not valid UTF-8 (a name from the world) also gets KEY_bytes: its exact
 * bytes in lower-case hex (CONTRACT.md), since the string itself shows them as U+FFFD. */
static void k_str(struct jw *w, const char *key, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char bkey[64];
	char *h;
	size_t n;

	jw_key(w, key);
	jw_str(w, s);
	if (!s || names_utf8_valid(s))
		return;
	snprintf(bkey, sizeof(bkey), "%s_bytes", key);
	n = strlen(s);
	h = xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		h[2 * i] = hex[(unsigned char)s[i] >> 4];
		h[2 * i + 1] = hex[(unsigned char)s[i] & 15];
	}
	h[2 * n] = '\0';
	jw_key(w, bkey);	/* json-c copies keys */
	jw_str(w, h);
	free(h);
}

static void k_bool(struct jw *w, const char *key, bool b)
{
	jw_key(w, key);
	jw_bool(w, b);
}

static void k_null(struct jw *w, const char *key)
{
	jw_key(w, key);
	jw_null(w);
}

static void k_double(struct jw *w, const char *key, double v, int decimals)
{
	jw_key(w, key);
	jw_double(w, v, decimals);
}

/* Seconds since the epoch, 0 = never -> null. */
static void k_time_or_null(struct jw *w, const char *key, int64_t t)
{
	if (t > 0)
		k_int(w, key, t);
	else
		k_null(w, key);
}

static void k_sigmask(struct jw *w, const char *key, uint64_t mask)
{
	if (!w->signames_ready) {
		for (int sig = 1; sig <= SIG_MAX; sig++)
			signame(sig, w->signames[sig], sizeof(w->signames[sig]));
		w->signames_ready = true;
	}
	jw_key(w, key);
	jw_arr(w);
	for (int sig = 1; sig <= SIG_MAX; sig++)
		if (sigmask_has(mask, sig))
			jw_str(w, w->signames[sig]);
	jw_arr_end(w);
}

static void k_pids(struct jw *w, const char *key, const pid_t *pids, size_t n)
{
	jw_key(w, key);
	jw_arr(w);
	for (size_t i = 0; i < n; i++)
		jw_int(w, pids[i]);
	jw_arr_end(w);
}

/* An array of known-or-unknown integers; the whole list null when the array is NULL. */
static void k_i64s(struct jw *w, const char *key, const int64_t *v, size_t n)
{
	jw_key(w, key);
	if (!v) {
		jw_null(w);
		return;
	}
	jw_arr(w);
	for (size_t i = 0; i < n; i++) {
		if (v[i] < 0)
			jw_null(w);
		else
			jw_int(w, v[i]);
	}
	jw_arr_end(w);
}

enum ends_select { ENDS_ALL, ENDS_READERS, ENDS_WRITERS, ENDS_UNKNOWN_MODE };

/* [{pid, fd}] of the endpoints selected: an O_RDWR end is both a reader and a writer. */
static void k_ends(struct jw *w, const char *key, const struct endpoint *e, size_t n,
		   enum ends_select sel)
{
	jw_key(w, key);
	jw_arr(w);
	for (size_t i = 0; i < n; i++) {
		bool take = sel == ENDS_ALL ||
			    (sel == ENDS_READERS && (e[i].mode & FD_MODE_READ)) ||
			    (sel == ENDS_WRITERS && (e[i].mode & FD_MODE_WRITE)) ||
			    (sel == ENDS_UNKNOWN_MODE && !(e[i].mode & FD_MODE_RDWR));

		if (!take)
			continue;
		jw_obj(w);
		k_int(w, "pid", e[i].pid);
		k_int(w, "fd", e[i].fd);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void k_rates(struct jw *w, const char *key, const struct snapshot_delta *delta,
		    const char *id)
{
	const struct delta_rate *r;

	jw_key(w, key);
	if (!delta || !(r = snapshot_delta_rate(delta, id))) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	k_double(w, "bytes_per_s", r->bytes_per_s, 3);
	k_double(w, "messages_per_s", r->messages_per_s, 3);
	k_bool(w, "exact", r->exact);
	k_str(w, "reason", r->exact ? NULL : r->why);
	k_double(w, "fill_change_bytes_per_s", r->fill_bytes_per_s, 3);
	k_double(w, "fill_change_messages_per_s", r->fill_messages_per_s, 3);
	k_bool(w, "sent", r->sent);
	k_bool(w, "received", r->received);
	jw_obj_end(w);
}

static void perm_common(struct jw *w, const struct sysv_perm *p, const char *id)
{
	char perms[16];

	k_str(w, "id", id);
	k_int(w, "sysv_id", p->id);
	k_int(w, "key", p->key);
	k_str(w, "perms", fmt_perms(p->mode, perms, sizeof(perms)));
	k_id_known(w, "uid", p->uid);
	k_id_known(w, "gid", p->gid);
	k_id_known(w, "cuid", p->cuid);
	k_id_known(w, "cgid", p->cgid);
}

/* ---- records ------------------------------------------------------------------------------ */

/* A wait object, or null for WAIT_NONE. */
static void j_wait(struct jw *w, const char *key, const struct proc_wait *wt)
{
	jw_key(w, key);
	if (wt->kind == WAIT_NONE) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	k_str(w, "kind", wait_kind_name(wt->kind));
	k_str(w, "object", wt->object);
	k_str(w, "detail", wt->detail);
	k_int_known(w, "arg", wt->arg);	/* extension */
	if (wt->tid > 0)
		k_int(w, "tid", wt->tid);	/* extension */
	else
		k_null(w, "tid");
	jw_obj_end(w);
}

/* thread_waits: every thread of p in an IPC wait, the main one first (CONTRACT.md). */
static void j_thread_waits(struct jw *w, const struct proc_rec *p)
{
	jw_key(w, "thread_waits");
	jw_arr(w);
	if (waiting_is_ipc(p->main_waiting.kind)) {
		jw_obj(w);
		k_int(w, "tid", p->pid);
		k_str(w, "comm", p->comm);
		k_bool(w, "main", true);
		j_wait(w, "waiting", &p->main_waiting);
		jw_obj_end(w);
	}
	for (size_t i = 0; i < p->n_other_threads; i++) {
		const struct thread_wait *t = &p->other_threads[i];

		if (!waiting_is_ipc(t->waiting.kind))
			continue;
		jw_obj(w);
		k_int(w, "tid", t->tid);
		k_str(w, "comm", t->comm);
		k_bool(w, "main", false);
		j_wait(w, "waiting", &t->waiting);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void j_proc(struct jw *w, const struct proc_rec *p)
{
	char state[2] = { p->state, '\0' };

	jw_obj(w);
	k_int(w, "pid", p->pid);
	k_int(w, "ppid", p->ppid);
	k_str(w, "state", p->state && p->state != '?' ? state : NULL);
	k_str(w, "comm", p->comm);
	k_int_known(w, "uid", p->uid);
	k_bool(w, "zombie", p->zombie);
	if (p->orphan_unknown)
		k_null(w, "orphan");
	else
		k_bool(w, "orphan", p->orphan);
	jw_key(w, "signals");
	if (p->sig_known) {
		jw_obj(w);
		k_sigmask(w, "pending", p->sig[SIGSET_PENDING]);
		k_sigmask(w, "shared_pending", p->sig[SIGSET_SHARED_PENDING]);
		k_sigmask(w, "blocked", p->sig[SIGSET_BLOCKED]);
		k_sigmask(w, "ignored", p->sig[SIGSET_IGNORED]);
		k_sigmask(w, "caught", p->sig[SIGSET_CAUGHT]);
		jw_obj_end(w);
	} else {
		jw_null(w);
	}
	j_wait(w, "waiting", &p->waiting);
	/* extensions */
	k_int(w, "pgid", p->pgid);
	k_int(w, "sid", p->sid);
	k_uint(w, "start_ticks", p->start_ticks);
	k_str(w, "cmdline", p->cmdline);
	if (p->nthreads > 0)
		k_int(w, "threads", p->nthreads);
	else
		k_null(w, "threads");
	k_bool(w, "kthread", p->kthread);
	if (p->original_ppid > 0)
		k_int(w, "original_ppid", p->original_ppid);
	else
		k_null(w, "original_ppid");
	if (p->zombie && p->zombie_since > 0)
		k_double(w, "zombie_since", p->zombie_since, 6);
	else
		k_null(w, "zombie_since");
	k_bool(w, "zombie_seen_alive", p->zombie_seen_alive);
	jw_key(w, "sigq");
	jw_obj(w);
	k_int_known(w, "queued", p->sigq_queued);
	k_int_known(w, "limit", p->sigq_limit);
	jw_obj_end(w);
	k_str(w, "wchan", p->wchan);
	j_thread_waits(w, p);
	k_int_known(w, "io_rchar", p->io_rchar);
	k_int_known(w, "io_wchar", p->io_wchar);
	k_str(w, "error", p->error);
	jw_obj_end(w);
}

static void j_thread(struct jw *w, const struct thread_rec *t)
{
	char state[2] = { t->state, '\0' };

	jw_obj(w);
	k_int(w, "tgid", t->tgid);
	k_int(w, "tid", t->tid);
	k_str(w, "comm", t->comm);
	k_str(w, "state", t->state && t->state != '?' ? state : NULL);
	k_sigmask(w, "pending", t->pending);
	k_sigmask(w, "blocked", t->blocked);
	jw_obj_end(w);
}

static void j_pipe(struct jw *w, const struct pipe_rec *p, const struct snapshot_delta *d)
{
	char id[FMT_ID_MAX];

	fmt_id_pipe(p, id, sizeof(id));
	jw_obj(w);
	k_str(w, "id", id);
	k_uint(w, "inode", p->inode);
	k_str(w, "kind", p->kind == PIPE_FIFO ? "fifo" : "pipe");
	k_str(w, "path", p->path);
	k_ends(w, "readers", p->ends, p->n_ends, ENDS_READERS);
	k_ends(w, "writers", p->ends, p->n_ends, ENDS_WRITERS);
	k_int_known(w, "queued_bytes", p->queued_bytes);
	k_int_known(w, "capacity", p->capacity);
	/* extensions */
	k_bool(w, "deleted", p->deleted);
	k_ends(w, "unknown_mode_ends", p->ends, p->n_ends, ENDS_UNKNOWN_MODE);
	k_rates(w, "rates", d, id);
	k_str(w, "error", p->fill_error);
	jw_obj_end(w);
}

static void j_usock(struct jw *w, const struct usock_rec *u, const struct snapshot_delta *d)
{
	char id[FMT_ID_MAX];
	const char *type = fmt_socktype(u->type), *state = fmt_sockstate(u->state);

	fmt_id_usock(u->inode, id, sizeof(id));
	jw_obj(w);
	k_str(w, "id", id);
	k_uint(w, "inode", u->inode);
	if (u->peer_known && u->peer_inode)
		k_uint(w, "peer_inode", u->peer_inode);
	else
		k_null(w, "peer_inode");
	k_str(w, "type", strcmp(type, "?") ? type : NULL);
	k_str(w, "state", strcmp(state, "?") ? state : NULL);
	k_str(w, "path", u->path);
	k_ends(w, "holders", u->holders, u->n_holders, ENDS_ALL);
	k_int_known(w, "queued_bytes", u->queued_bytes);
	/* extensions */
	k_bool(w, "peer_known", u->peer_known);
	k_int_known(w, "send_queue", u->send_queue);
	k_int_known(w, "pending_connections", u->pending_conns);
	k_int_known(w, "backlog", u->backlog);
	jw_key(w, "pending_inodes");
	jw_arr(w);
	for (size_t i = 0; i < u->n_icons; i++)
		jw_uint(w, u->icons[i]);
	jw_arr_end(w);
	k_rates(w, "rates", d, id);
	jw_obj_end(w);
}

static void j_msgq(struct jw *w, const struct msgq_rec *q, const struct snapshot_delta *d)
{
	char id[FMT_ID_MAX];

	jw_obj(w);
	perm_common(w, &q->perm, fmt_id_msgq(q->perm.id, id, sizeof(id)));
	k_int_known(w, "messages", q->messages);
	k_int_known(w, "bytes", q->bytes);
	k_int_known(w, "max_bytes", q->max_bytes);
	k_pid_known(w, "last_send_pid", q->last_send_pid);
	k_pid_known(w, "last_recv_pid", q->last_recv_pid);
	/* extensions */
	k_time_or_null(w, "stime", q->stime);
	k_time_or_null(w, "rtime", q->rtime);
	k_time_or_null(w, "ctime", q->ctime);
	k_rates(w, "rates", d, id);
	k_str(w, "error", q->error);
	jw_obj_end(w);
}

static void j_shm(struct jw *w, const struct shm_rec *m)
{
	char id[FMT_ID_MAX];

	jw_obj(w);
	perm_common(w, &m->perm, fmt_id_shm(m->perm.id, id, sizeof(id)));
	k_int_known(w, "size", m->size);
	k_int_known(w, "nattch", m->nattch);
	k_pid_known(w, "creator_pid", m->creator_pid);
	k_pid_known(w, "last_pid", m->last_pid);
	/* Unknown only when the attachers could not be read while some exist. */
	if (m->attached_pids || m->n_attached || m->nattch == 0)
		k_pids(w, "attached_pids", m->attached_pids, m->n_attached);
	else
		k_null(w, "attached_pids");
	k_int_known(w, "rss", m->rss);
	k_bool(w, "destroy_pending", m->destroy_pending);
	/* extensions */
	k_int_known(w, "swap", m->swap);
	k_time_or_null(w, "atime", m->atime);
	k_time_or_null(w, "dtime", m->dtime);
	k_time_or_null(w, "ctime", m->ctime);
	k_str(w, "error", m->error);
	jw_obj_end(w);
}

static void j_sem(struct jw *w, const struct sem_rec *m)
{
	char id[FMT_ID_MAX];
	size_t n = m->nsems > 0 ? (size_t)m->nsems : 0;

	jw_obj(w);
	perm_common(w, &m->perm, fmt_id_sem(m->perm.id, id, sizeof(id)));
	k_int_known(w, "nsems", m->nsems);	/* -1: no nsems column */
	k_i64s(w, "values", m->values, n);
	k_i64s(w, "wait_increase", m->wait_increase, n);
	k_i64s(w, "wait_zero", m->wait_zero, n);
	k_i64s(w, "last_pids", m->last_pids, n);
	/* extensions */
	k_time_or_null(w, "otime", m->otime);
	k_time_or_null(w, "ctime", m->ctime);
	k_str(w, "error", m->error);
	jw_obj_end(w);
}

static void j_pmq(struct jw *w, const struct pmq_rec *q, const struct snapshot_delta *d)
{
	char id[FMT_ID_MAX];

	fmt_id_pmq(q->name, id, sizeof(id));
	jw_obj(w);
	k_str(w, "name", q->name);
	k_int_known(w, "bytes", q->bytes);
	k_int_known(w, "messages", q->messages);
	k_int_known(w, "max_messages", q->max_messages);
	k_int_known(w, "message_size", q->message_size);
	k_ends(w, "holders", q->holders, q->n_holders, ENDS_ALL);
	/* extensions */
	k_str(w, "id", id);
	k_uint(w, "inode", q->inode);
	k_rates(w, "rates", d, id);
	k_str(w, "error", q->error);
	jw_obj_end(w);
}

static void j_pshm(struct jw *w, const struct pshm_rec *m)
{
	char id[FMT_ID_MAX];

	jw_obj(w);
	k_str(w, "name", m->name);
	k_int_known(w, "size", m->size);
	k_pids(w, "mapped_pids", m->mapped_pids, m->n_mapped);
	k_str(w, "id", fmt_id_pshm(m, id, sizeof(id)));
	k_uint(w, "inode", m->inode);
	k_bool(w, "deleted", m->deleted);
	k_str(w, "error", m->error);
	jw_obj_end(w);
}

static void j_psem(struct jw *w, const struct psem_rec *m)
{
	char id[FMT_ID_MAX];

	jw_obj(w);
	k_str(w, "name", m->name);
	k_int_known(w, "value", m->value);
	k_pids(w, "mapped_pids", m->mapped_pids, m->n_mapped);
	k_str(w, "id", fmt_id_psem(m, id, sizeof(id)));
	k_uint(w, "inode", m->inode);
	k_bool(w, "deleted", m->deleted);
	k_str(w, "error", m->error);
	jw_obj_end(w);
}

static void j_miscfd(struct jw *w, const struct misc_fd_rec *m)
{
	static const char *const kinds[] = {
		[MISC_EVENTFD] = "eventfd", [MISC_SIGNALFD] = "signalfd",
		[MISC_TCP_LOOPBACK] = "tcp_loopback",
	};

	jw_obj(w);
	k_str(w, "kind", (unsigned)m->kind < 3 ? kinds[m->kind] : NULL);
	k_int(w, "pid", m->pid);
	k_int(w, "fd", m->fd);
	k_uint(w, "inode", m->inode);
	if (m->kind == MISC_EVENTFD)
		k_int_known(w, "count", m->eventfd_count);
	else
		k_null(w, "count");
	if (m->kind == MISC_SIGNALFD)
		k_sigmask(w, "signals", m->sigmask);
	else
		k_null(w, "signals");
	if (m->peer_inode)
		k_uint(w, "peer_inode", m->peer_inode);
	else
		k_null(w, "peer_inode");
	if (m->peer_pid)
		k_int(w, "peer_pid", m->peer_pid);
	else
		k_null(w, "peer_pid");
	k_str(w, "detail", m->detail);
	jw_obj_end(w);
}

static void j_sigevent(struct jw *w, const struct sig_event *e)
{
	char name[32];

	jw_obj(w);
	k_double(w, "time", e->time, 6);
	k_str(w, "signal", signame(e->signo, name, sizeof(name)));
	if (e->sender_pid)
		k_int(w, "sender_pid", e->sender_pid);
	else
		k_null(w, "sender_pid");
	k_str(w, "sender_comm", e->sender_comm);
	k_int(w, "target_pid", e->target_pid);
	k_str(w, "result", sig_result_name(e->result));
	/* extensions */
	k_str(w, "target_comm", e->target_comm);
	k_bool(w, "inferred", e->inferred);
	jw_obj_end(w);
}

static void j_deadlock(struct jw *w, const struct deadlock_rec *d)
{
	jw_obj(w);
	k_pids(w, "pids", d->pids, d->n_pids);
	jw_key(w, "objects");
	jw_arr(w);
	for (size_t i = 0; i < d->n_objects; i++)
		jw_str(w, d->objects[i]);
	jw_arr_end(w);
	if (d->since > 0)
		k_double(w, "since", d->since, 6);	/* extension */
	else
		k_null(w, "since");
	jw_obj_end(w);
}

static void j_stall(struct jw *w, const struct stall_rec *st)
{
	jw_obj(w);
	k_int(w, "pid", st->pid);
	k_str(w, "object", st->object);
	k_str(w, "reason", st->reason);
	if (st->since > 0)
		k_double(w, "since", st->since, 6);
	else
		k_null(w, "since");
	if (st->tid > 0)
		k_int(w, "tid", st->tid);
	else
		k_null(w, "tid");
	k_str(w, "wait_kind", st->kind != WAIT_NONE ? wait_kind_name(st->kind) : NULL);
	jw_key(w, "evidence");
	jw_obj(w);
	k_str(w, "rule", st->rule);
	jw_key(w, "unblockers");
	jw_arr(w);
	for (size_t i = 0; i < st->n_unblockers; i++) {
		jw_obj(w);
		k_int(w, "pid", st->unblockers[i]);
		k_str(w, "waiting", st->unblocker_waits ? st->unblocker_waits[i] : NULL);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	k_int(w, "named", (int64_t)st->named);
	if (st->since > 0)
		k_double(w, "stuck_since", st->since, 6);
	else
		k_null(w, "stuck_since");
	jw_obj_end(w);
	jw_obj_end(w);
}

static void j_event(struct jw *w, const struct delta_event *e)
{
	jw_obj(w);
	k_str(w, "kind", delta_event_kind_name(e->kind));
	k_str(w, "object", e->object);
	if (e->pid)
		k_int(w, "pid", e->pid);
	else
		k_null(w, "pid");
	k_str(w, "detail", e->detail);
	k_str(w, "evidence", e->evidence);
	jw_obj_end(w);
}

/* ---- the snapshot ------------------------------------------------------------------------- */

#define LIST(w, key, s, arr, fn, ...)                               \
	do {                                                        \
		jw_key((w), (key));                                 \
		jw_arr(w);                                          \
		for (size_t i_ = 0; i_ < (s)->n_##arr; i_++)        \
			fn((w), &(s)->arr[i_], ##__VA_ARGS__);      \
		jw_arr_end(w);                                      \
	} while (0)

/* sources is an object keyed by probe name. A name given twice (snapshot_set_source replaces,
 * so it should not happen) is written as json-c would: at its first position, last value. */
static void j_sources(struct jw *w, const struct snapshot *s)
{
	jw_key(w, "sources");
	jw_obj(w);
	for (size_t i = 0; i < s->n_sources; i++) {
		const struct snap_source *src = &s->sources[i];
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(s->sources[j].name, src->name) == 0;
		if (seen)
			continue;
		for (size_t j = i + 1; j < s->n_sources; j++)
			if (strcmp(s->sources[j].name, src->name) == 0)
				src = &s->sources[j];
		jw_key(w, src->name);
		jw_obj(w);
		k_bool(w, "ok", src->ok);
		k_str(w, "error", src->error);
		jw_obj_end(w);
	}
	jw_obj_end(w);
}

static void j_snapshot(struct jw *w, const struct snapshot *s, const struct snapshot_delta *delta)
{
	jw_obj(w);
	k_int(w, "schema", JSON_OUT_SCHEMA);
	k_double(w, "time", s->time, 6);
	j_sources(w, s);
	jw_key(w, "errors");
	jw_arr(w);
	for (size_t i = 0; i < s->n_errors; i++) {
		jw_obj(w);
		k_str(w, "where", s->errors[i].where);
		k_str(w, "error", s->errors[i].error);
		jw_obj_end(w);
	}
	jw_arr_end(w);

	LIST(w, "processes", s, procs, j_proc);
	LIST(w, "pipes", s, pipes, j_pipe, delta);
	LIST(w, "unix_sockets", s, usocks, j_usock, delta);
	LIST(w, "msg_queues", s, msgqs, j_msgq, delta);
	LIST(w, "shm_segments", s, shms, j_shm);
	LIST(w, "sem_sets", s, sems, j_sem);
	LIST(w, "posix_mqueues", s, pmqs, j_pmq, delta);
	LIST(w, "posix_shm", s, pshms, j_pshm);
	LIST(w, "posix_sems", s, psems, j_psem);
	/*
	 * CONTRACT.md: signal_events is "empty unless tracing", so it holds only traced events;
	 * events inferred from mask changes (trace off) go to the extension list
	 * inferred_signal_events, each marked "inferred": true.
	 */
	for (int inferred = 0; inferred <= 1; inferred++) {
		jw_key(w, inferred ? "inferred_signal_events" : "signal_events");
		jw_arr(w);
		for (size_t i = 0; i < s->n_sigevents; i++)
			if (s->sigevents[i].inferred == (inferred == 1))
				j_sigevent(w, &s->sigevents[i]);
		jw_arr_end(w);
	}
	LIST(w, "deadlocks", s, deadlocks, j_deadlock);

	/* extensions */
	k_double(w, "duration", s->duration, 6);
	k_str(w, "sysroot", s->sysroot);
	LIST(w, "threads", s, threads, j_thread);
	LIST(w, "misc_fds", s, miscfds, j_miscfd);
	LIST(w, "stalls", s, stalls, j_stall);
	jw_key(w, "events");
	jw_arr(w);
	for (size_t i = 0; delta && i < delta->n_events; i++)
		j_event(w, &delta->events[i]);
	jw_arr_end(w);
	if (delta && delta->interval > 0)
		k_double(w, "interval", delta->interval, 6);
	else
		k_null(w, "interval");
	jw_obj_end(w);
}

struct json_object *json_out_snapshot(const struct snapshot *s, const struct snapshot_delta *delta)
{
	struct jw w = { .tree = true };

	j_snapshot(&w, s, delta);
	return w.root;
}

int json_out_write(FILE *out, const struct snapshot *s, const struct snapshot_delta *delta)
{
	struct jw w = { .out = out };

	j_snapshot(&w, s, delta);
	jw_putc(&w, '\n');
	jw_flush(&w);
	free(w.buf);
	return w.write_error || fflush(out) == EOF ? -1 : 0;
}
