/*
 * caption.c - the demo record stream: a shared-memory ring written by every demo process and
 * read by the conductor, and the parser a reader of `ipctop demo run` uses (see caption.h,
 * format in demo.h). Invariant: head - tail <= CAPTION_SLOTS; a slot holds one whole record.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demos/caption.h"

int caption_ring_init(struct caption_ring *r)
{
	pthread_mutexattr_t a;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = pthread_mutexattr_init(&a);
	if (rc)
		return rc;
	rc = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	if (!rc)
		rc = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	if (!rc)
		rc = pthread_mutex_init(&r->lock, &a);
	pthread_mutexattr_destroy(&a);
	return rc;
}

void caption_ring_fini(struct caption_ring *r)
{
	pthread_mutex_destroy(&r->lock);
}

static void ring_lock(struct caption_ring *r)
{
	/* A holder killed mid-record leaves at worst one half-written slot behind. */
	if (pthread_mutex_lock(&r->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&r->lock);
}

static void ring_unlock(struct caption_ring *r)
{
	pthread_mutex_unlock(&r->lock);
}

char *caption_clean(char *dst, size_t len, const char *src)
{
	size_t i = 0;

	if (len == 0)
		return dst;
	for (; src && *src && i + 1 < len; src++)
		dst[i++] = ((unsigned char)*src < 0x20 || *src == 0x7f) ? ' ' : *src;
	dst[i] = '\0';
	return dst;
}

/* Appends cleaned src at *pos in buf (size len); keeps buf NUL-terminated. */
static void append(char *buf, size_t len, size_t *pos, const char *src)
{
	if (*pos + 1 >= len)
		return;
	caption_clean(buf + *pos, len - *pos, src);
	*pos += strlen(buf + *pos);
}

/* Reserves the next slot (lock held); NULL and counts a drop when full. */
static char *slot_reserve(struct caption_ring *r)
{
	if (r->head - r->tail >= CAPTION_SLOTS) {
		r->dropped++;
		return NULL;
	}
	return r->lines[r->head % CAPTION_SLOTS];
}

bool caption_ring_push(struct caption_ring *r, const char *type, const char *const *fields,
		       size_t n_fields)
{
	char *slot;
	size_t pos = 0;

	ring_lock(r);
	slot = slot_reserve(r);
	if (slot) {
		slot[0] = '\0';
		append(slot, CAPTION_LINE_MAX, &pos, type);
		for (size_t i = 0; i < n_fields; i++) {
			if (pos + 1 < CAPTION_LINE_MAX) {
				slot[pos++] = '\t';
				slot[pos] = '\0';
			}
			append(slot, CAPTION_LINE_MAX, &pos, fields[i] ? fields[i] : "");
		}
		r->head++;
	}
	ring_unlock(r);
	return slot != NULL;
}

bool caption_ring_caption(struct caption_ring *r, pid_t pid, const char *objects,
			  const char *text)
{
	char *slot;
	char head[64];
	size_t pos;

	ring_lock(r);
	slot = slot_reserve(r);
	if (slot) {
		r->step++;
		snprintf(head, sizeof(head), "caption\t%" PRIu64 "\t%d\t", r->step, (int)pid);
		snprintf(slot, CAPTION_LINE_MAX, "%s", head);
		pos = strlen(slot);
		append(slot, CAPTION_LINE_MAX, &pos, objects && *objects ? objects : "-");
		if (pos + 1 < CAPTION_LINE_MAX) {
			slot[pos++] = '\t';
			slot[pos] = '\0';
		}
		append(slot, CAPTION_LINE_MAX, &pos, text);
		r->head++;
	}
	ring_unlock(r);
	return slot != NULL;
}

bool caption_ring_pop(struct caption_ring *r, char *buf, size_t len, uint64_t *dropped)
{
	bool got = false;

	ring_lock(r);
	*dropped = r->dropped;
	r->dropped = 0;
	if (r->tail != r->head) {
		snprintf(buf, len, "%s", r->lines[r->tail % CAPTION_SLOTS]);
		r->tail++;
		got = true;
	}
	ring_unlock(r);
	return got;
}

uint64_t caption_ring_take_dropped(struct caption_ring *r)
{
	uint64_t n;

	ring_lock(r);
	n = r->dropped;
	r->dropped = 0;
	ring_unlock(r);
	return n;
}

void caption_ring_clear(struct caption_ring *r)
{
	ring_lock(r);
	r->tail = r->head;
	r->dropped = 0;
	ring_unlock(r);
}

/* ---- parsing ------------------------------------------------------------------------------ */

/* Splits line at tabs into at most max fields; returns the count. */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;

	f[n++] = line;
	for (char *p = line; *p && n < max; p++) {
		if (*p == '\t') {
			*p = '\0';
			f[n++] = p + 1;
		}
	}
	return n;
}

static bool parse_pid(const char *s, pid_t *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > 0x7fffffffL)
		return false;
	*out = (pid_t)v;
	return true;
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool caption_parse(char *line, struct caption_rec *out)
{
	char *f[5];
	size_t n;

	memset(out, 0, sizeof(*out));
	out->objects = "";
	out->text = "";
	if (strncmp(line, "ready ", 6) == 0) {
		out->kind = CAPTION_READY;
		return parse_pid(line + 6, &out->pid);
	}
	n = split_tabs(line, f, 5);
	if (strcmp(f[0], "caption") == 0) {
		out->kind = CAPTION_CAPTION;
		if (n != 5 || !parse_u64(f[1], &out->step) || !parse_pid(f[2], &out->pid))
			return false;
		out->objects = strcmp(f[3], "-") == 0 ? "" : f[3];
		out->text = f[4];
		return true;
	}
	if (strcmp(f[0], "status") == 0) {
		char *end;

		out->kind = CAPTION_STATUS;
		if (n != 3)
			return false;
		if (strcmp(f[1], "paused") == 0)
			out->paused = true;
		else if (strcmp(f[1], "running") != 0)
			return false;
		if (strcmp(f[2], "full") == 0) {
			out->speed = 0;
			return true;
		}
		out->speed = strtod(f[2], &end);
		return end != f[2] && !*end && out->speed > 0;
	}
	if (strcmp(f[0], "process") == 0) {
		out->kind = CAPTION_PROCESS;
		if (n != 4 || !parse_pid(f[1], &out->pid) || !*f[2])
			return false;
		out->role = f[2];
		return parse_pid(f[3], &out->ppid);
	}
	if (strcmp(f[0], "object") == 0) {
		out->kind = CAPTION_OBJECT;
		if (n < 2 || !strchr(f[1], ':'))
			return false;
		out->id = f[1];
		out->text = n > 2 ? f[2] : "";
		return true;
	}
	if (strcmp(f[0], "dropped") == 0) {
		out->kind = CAPTION_DROPPED;
		return n == 2 && parse_u64(f[1], &out->count);
	}
	if (strcmp(f[0], "restart") == 0) {
		out->kind = CAPTION_RESTART;
		return n == 1;
	}
	if (strcmp(f[0], "error") == 0 || strcmp(f[0], "end") == 0) {
		out->kind = f[0][0] == 'e' && f[0][1] == 'r' ? CAPTION_ERROR : CAPTION_END;
		out->text = n > 1 ? f[1] : "";
		return n == 2;
	}
	out->kind = CAPTION_UNKNOWN;
	return true;
}
