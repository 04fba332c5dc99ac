/*
 * proc_status.c - pure parsers for /proc/<pid>/stat, status and cmdline text.
 *
 * Every number is checked: digits only, within the range of its C type, so truncated
 * lines, words where numbers belong and numbers too large for the field are -EBADMSG,
 * never a silently wrapped value.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "probes/proc_status.h"
#include "src/signames.h"

/* Parses [s, e) as a decimal integer in [min, max]. A leading '-' is allowed when min < 0. */
static bool parse_dec(const char *s, const char *e, long long min, unsigned long long max,
		      long long *sval, unsigned long long *uval)
{
	bool neg = false;
	unsigned long long v = 0;

	if (s < e && *s == '-' && min < 0) {
		neg = true;
		s++;
	}
	if (s >= e)
		return false;
	for (; s < e; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return false;
		d = (unsigned)(*s - '0');
		if (v > (~0ULL - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (neg) {
		if (v > (unsigned long long)-(min + 1) + 1)
			return false;
		if (sval)
			*sval = v ? -(long long)(v - 1) - 1 : 0;
		if (uval)
			*uval = 0;
		return true;
	}
	if (v > max)
		return false;
	if (sval)
		*sval = v > (unsigned long long)LLONG_MAX ? 0 : (long long)v;
	if (uval)
		*uval = v;
	return true;
}

static bool parse_s(const char *s, const char *e, long long min, long long max, long long *out)
{
	return parse_dec(s, e, min, (unsigned long long)max, out, NULL);
}

static bool parse_u(const char *s, const char *e, unsigned long long max, unsigned long long *out)
{
	return parse_dec(s, e, 0, max, NULL, out);
}

#define PID_MAX_VAL 0x7fffffffLL

int proc_stat_parse(const char *buf, size_t len, struct proc_stat_fields *out)
{
	const char *end = buf + len, *open, *close, *p;
	const char *tok[26], *tokend[26];
	long long v;
	unsigned long long u;
	size_t n;
	int ntok = 0;

	memset(out, 0, sizeof(*out));
	out->state = '?';
	open = memchr(buf, '(', len);
	if (!open)
		return -EBADMSG;
	close = NULL;
	for (p = end; p > open; p--)
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	if (!close)
		return -EBADMSG;
	/* pid, then one space */
	if (open < buf + 2 || open[-1] != ' ' || !parse_s(buf, open - 1, 1, PID_MAX_VAL, &v))
		return -EBADMSG;
	out->pid = (pid_t)v;
	n = (size_t)(close - open - 1);
	if (n >= sizeof(out->comm))
		n = sizeof(out->comm) - 1;
	memcpy(out->comm, open + 1, n);
	out->comm[n] = '\0';

	/* fields (3)..(22), separated by single spaces */
	p = close + 1;
	while (ntok < 20) {
		if (p >= end || *p != ' ')
			return -EBADMSG;
		p++;
		tok[ntok] = p;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
		if (p == tok[ntok])
			return -EBADMSG;
		tokend[ntok++] = p;
	}
	if (tokend[0] - tok[0] != 1)
		return -EBADMSG;
	out->state = tok[0][0];
	if (!parse_s(tok[1], tokend[1], 0, PID_MAX_VAL, &v))
		return -EBADMSG;
	out->ppid = (pid_t)v;
	if (!parse_s(tok[2], tokend[2], 0, PID_MAX_VAL, &v))
		return -EBADMSG;
	out->pgrp = (pid_t)v;
	if (!parse_s(tok[3], tokend[3], 0, PID_MAX_VAL, &v))
		return -EBADMSG;
	out->session = (pid_t)v;
	if (!parse_u(tok[6], tokend[6], ~0UL, &u))
		return -EBADMSG;
	out->flags = (unsigned long)u;
	if (!parse_s(tok[17], tokend[17], 0, 0x7fffffffLL, &v))
		return -EBADMSG;
	out->num_threads = (long)v;
	if (!parse_u(tok[19], tokend[19], ~0ULL, &u))
		return -EBADMSG;
	out->starttime = u;
	/* optional (23)..(28): startstack, when every field up to it is there */
	while (ntok < 26 && p < end && *p == ' ') {
		p++;
		tok[ntok] = p;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
		if (p == tok[ntok])
			break;
		tokend[ntok++] = p;
	}
	if (ntok == 26 && parse_u(tok[25], tokend[25], ~0ULL, &u))
		out->startstack = u;
	return 0;
}

/* ---- status ---- */

static const struct {
	const char *key;
	unsigned bit;
	int sigset;		/* enum sigset_kind, -1 if not a mask */
} status_keys[] = {
	{ "Name", PSF_NAME, -1 },
	{ "State", PSF_STATE, -1 },
	{ "Tgid", PSF_TGID, -1 },
	{ "Pid", PSF_PID, -1 },
	{ "PPid", PSF_PPID, -1 },
	{ "Uid", PSF_UID, -1 },
	{ "Threads", PSF_THREADS, -1 },
	{ "SigQ", PSF_SIGQ, -1 },
	{ "SigPnd", PSF_SIGPND, SIGSET_PENDING },
	{ "ShdPnd", PSF_SHDPND, SIGSET_SHARED_PENDING },
	{ "SigBlk", PSF_SIGBLK, SIGSET_BLOCKED },
	{ "SigIgn", PSF_SIGIGN, SIGSET_IGNORED },
	{ "SigCgt", PSF_SIGCGT, SIGSET_CAUGHT },
	{ "Kthread", PSF_KTHREAD, -1 },
};

static const char *skip_blank(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *word_end(const char *p, const char *e)
{
	while (p < e && *p != ' ' && *p != '\t')
		p++;
	return p;
}

void proc_status_name(const char *v, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	if (!outlen)
		return;
	for (size_t i = 0; i < n && o + 1 < outlen; i++) {
		char c = v[i];

		/* fs/proc/array.c: seq_escape_str(m, tcomm, ESCAPE_SPACE | ESCAPE_SPECIAL, "\n\\") */
		if (c == '\\' && i + 1 < n && (v[i + 1] == 'n' || v[i + 1] == '\\'))
			c = v[++i] == 'n' ? '\n' : '\\';
		out[o++] = c;
	}
	out[o] = '\0';
}

/* Parses one value [v, e) (no newline) for key index k. */
static bool status_value(struct proc_status_fields *o, size_t k, const char *v, const char *e)
{
	const char *w;
	long long s;
	unsigned long long u;
	size_t n;

	switch (status_keys[k].bit) {
	case PSF_NAME:
		/* the name itself may hold spaces: keep the whole rest of the line */
		proc_status_name(v, (size_t)(e - v), o->name, sizeof(o->name));
		return true;
	case PSF_STATE:
		if (e - v < 1 || (e - v > 1 && v[1] != ' '))
			return false;
		o->state = v[0];
		return true;
	case PSF_TGID:
	case PSF_PID:
	case PSF_PPID:
		if (!parse_s(v, e, 0, PID_MAX_VAL, &s))
			return false;
		if (status_keys[k].bit == PSF_TGID)
			o->tgid = (pid_t)s;
		else if (status_keys[k].bit == PSF_PID)
			o->pid = (pid_t)s;
		else
			o->ppid = (pid_t)s;
		return true;
	case PSF_UID:
		/* real, effective, saved, filesystem */
		w = word_end(v, e);
		if (!parse_u(v, w, 0xffffffffULL, &u))
			return false;
		o->ruid = (uid_t)u;
		v = skip_blank(w, e);
		w = word_end(v, e);
		if (!parse_u(v, w, 0xffffffffULL, &u))
			return false;
		o->euid = (uid_t)u;
		return true;
	case PSF_THREADS:
		if (!parse_s(v, e, 0, 0x7fffffffLL, &s))
			return false;
		o->threads = (long)s;
		return true;
	case PSF_SIGQ:
		w = memchr(v, '/', (size_t)(e - v));
		if (!w || !parse_s(v, w, 0, LLONG_MAX, &s))
			return false;
		o->sigq_queued = s;
		if (!parse_s(w + 1, e, 0, LLONG_MAX, &s))
			return false;
		o->sigq_limit = s;
		return true;
	case PSF_KTHREAD:
		if (!parse_s(v, e, 0, 1, &s))
			return false;
		o->kthread = s == 1;
		return true;
	default: {
		char hex[20];
		uint64_t m;

		/* exactly 16 digits: a shorter mask is a cut line, not a smaller number */
		n = (size_t)(e - v);
		if (n != 16)
			return false;
		memcpy(hex, v, n);
		hex[n] = '\0';
		if (!sigmask_parse_hex(hex, &m))
			return false;
		o->sig[status_keys[k].sigset] = m;
		return true;
	}
	}
}

int proc_status_parse(const char *buf, size_t len, struct proc_status_fields *out)
{
	const char *p = buf, *end = buf + len;

	memset(out, 0, sizeof(*out));
	out->state = '?';
	out->sigq_queued = SNAP_UNKNOWN;
	out->sigq_limit = SNAP_UNKNOWN;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(le - p));

		if (colon) {
			size_t klen = (size_t)(colon - p);

			for (size_t k = 0; k < sizeof(status_keys) / sizeof(status_keys[0]); k++) {
				unsigned bit = status_keys[k].bit;
				const char *v, *ve;

				if (strlen(status_keys[k].key) != klen ||
				    memcmp(status_keys[k].key, p, klen) != 0)
					continue;
				if ((out->have | out->bad) & bit)
					break;	/* first occurrence wins */
				v = skip_blank(colon + 1, le);
				ve = le;
				if (bit != PSF_NAME)
					while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
						ve--;
				if (status_value(out, k, v, ve))
					out->have |= bit;
				else
					out->bad |= bit;
				break;
			}
		}
		p = nl ? nl + 1 : end;
	}
	/* a line cut short at the end of a truncated file is not trusted */
	if (len > 0 && buf[len - 1] != '\n') {
		const char *ls = end;

		while (ls > buf && ls[-1] != '\n')
			ls--;
		for (size_t k = 0; k < sizeof(status_keys) / sizeof(status_keys[0]); k++) {
			size_t klen = strlen(status_keys[k].key);

			if ((size_t)(end - ls) > klen && memcmp(ls, status_keys[k].key, klen) == 0 &&
			    ls[klen] == ':' && (out->have & status_keys[k].bit)) {
				out->have &= ~status_keys[k].bit;
				out->bad |= status_keys[k].bit;
			}
		}
	}
	if ((out->have & PSF_REQUIRED) != PSF_REQUIRED)
		return -EBADMSG;
	return 0;
}

size_t proc_cmdline_join(char *buf, size_t len)
{
	while (len > 0 && buf[len - 1] == '\0')
		len--;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[len] = '\0';
	return len;
}
