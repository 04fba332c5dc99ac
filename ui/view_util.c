/*
 * view_util.c - small helpers every view shares: finding a record by object id, naming a
 * process "pid comm", matching snapshot errors to an object, and common detail-page fields.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ui/page.h"
#include "ui/view.h"

const void *ui_find_record(const struct snapshot *s, enum fmt_kind kind, const char *id)
{
	const struct fmt_table *t = fmt_table_get(kind);
	char buf[FMT_ID_MAX];
	size_t n;

	if (!s)
		return NULL;
	n = t->count(s);
	for (size_t i = 0; i < n; i++) {
		const void *rec = t->row(s, i);

		if (strcmp(t->id(rec, buf, sizeof(buf)), id) == 0)
			return rec;
	}
	return NULL;
}

const char *ui_pid_comm(const struct snapshot *s, pid_t pid, char *buf, size_t len)
{
	const struct proc_rec *p;

	if (pid <= 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	p = s ? snapshot_find_proc(s, pid) : NULL;
	snprintf(buf, len, "%d %s", (int)pid, p && p->comm ? p->comm : "?");
	return buf;
}

/* Whether `needle` occurs in hay as a whole token (not inside a longer word or number). */
static bool has_token(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) {
		bool start_ok = p == hay || !isalnum((unsigned char)p[-1]);
		bool end_ok = !isalnum((unsigned char)p[n]);

		if (start_ok && end_ok)
			return true;
	}
	return false;
}

bool ui_error_about(const char *where, const char *id)
{
	char alt[FMT_ID_MAX];
	const char *colon;

	if (!where || !id || !*id)
		return false;
	if (has_token(where, id))
		return true;
	/* "msg:5" also matches "msg 5"; "pid:12" matches "pid 12" */
	colon = strchr(id, ':');
	if (!colon)
		return false;
	snprintf(alt, sizeof(alt), "%.*s %s", (int)(colon - id), id, colon + 1);
	return has_token(where, alt);
}

const char *ui_time(int64_t t, double now, char *buf, size_t len)
{
	char age[32], hms[32];
	struct tm tm;
	time_t tt = (time_t)t;

	if (t < 0) {
		snprintf(buf, len, "?");
	} else if (t == 0) {
		snprintf(buf, len, "never");
	} else {
		localtime_r(&tt, &tm);
		strftime(hms, sizeof(hms), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(buf, len, "%s (%s ago)", hms, fmt_age(now - (double)t, age, sizeof(age)));
	}
	return buf;
}

/* A uid or gid; (uid_t)-1 means the column was missing: unknown. */
static const char *id_text(unsigned v, char *buf, size_t len)
{
	if (v == (unsigned)-1)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%u", v);
	return buf;
}

void ui_page_sysv_perm(struct page *pg, const struct sysv_perm *perm)
{
	char key[32], perms[16], a[16], b[16];

	page_field(pg, "key", "%s%s", fmt_key(perm->key, key, sizeof(key)),
		   perm->key == 0 ? " (IPC_PRIVATE)" : "");
	page_field(pg, "permissions", "%s", fmt_perms(perm->mode, perms, sizeof(perms)));
	page_field(pg, "owner uid/gid", "%s / %s", id_text(perm->uid, a, sizeof(a)),
		   id_text(perm->gid, b, sizeof(b)));
	page_field(pg, "creator uid/gid", "%s / %s", id_text(perm->cuid, a, sizeof(a)),
		   id_text(perm->cgid, b, sizeof(b)));
}

void ui_page_pids(struct page *pg, const struct snapshot *s, const char *label,
		  const pid_t *pids, size_t n)
{
	char buf[64];

	if (n == 0) {
		page_field(pg, label, "none");
		return;
	}
	for (size_t i = 0; i < n; i++)
		page_field(pg, i == 0 ? label : "", "%s", ui_pid_comm(s, pids[i], buf, sizeof(buf)));
}
