/*
 * sysv_parse.c - header-driven parsing of /proc/sysvipc tables (see sysv_parse.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probes/proc_table.h"
#include "probes/sysv_parse.h"

#define SYSV_FILE_MAX (256 * 1024 * 1024)

struct span {
	const char *s;
	size_t n;
};

/* Splits [line, line+len) at blanks. Returns the number of fields, or max + 1 if more. */
static size_t split(const char *line, size_t len, struct span *f, size_t max)
{
	const char *p = line, *e = line + len;
	size_t n = 0;

	for (;;) {
		const char *s;

		while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
		if (p >= e)
			return n;
		s = p;
		while (p < e && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		if (n == max)
			return max + 1;
		f[n].s = s;
		f[n].n = (size_t)(p - s);
		n++;
	}
}

static bool parse_num(struct span f, int base, int64_t min, int64_t max, int64_t *out)
{
	const char *p = f.s, *e = f.s + f.n;
	bool neg = false;
	uint64_t v = 0, limit;

	if (p < e && *p == '-') {
		neg = true;
		p++;
	}
	if (p >= e)
		return false;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; p < e; p++) {
		unsigned d;

		if (*p < '0' || *p > '0' + base - 1)
			return false;
		d = (unsigned)(*p - '0');
		if (v > (limit - d) / (unsigned)base)
			return false;
		v = v * (unsigned)base + d;
	}
	if (neg) {
		int64_t sv = v ? -(int64_t)(v - 1) - 1 : 0;

		if (sv < min)
			return false;
		*out = sv;
		return true;
	}
	if ((int64_t)v > max || (int64_t)v < min)
		return false;
	*out = (int64_t)v;
	return true;
}

int sysv_header_parse(const char *line, size_t len, const struct sysv_col *want, size_t n_want,
		      struct sysv_header *h)
{
	struct span f[SYSV_MAX_FIELDS];
	size_t n = split(line, len, f, SYSV_MAX_FIELDS);

	memset(h, 0, sizeof(*h));
	if (n == 0 || n > SYSV_MAX_FIELDS || n_want > SYSV_MAX_COLS)
		return -EBADMSG;
	h->n_fields = n;
	for (size_t c = 0; c < n_want; c++) {
		size_t wl = strlen(want[c].name);

		h->pos[c] = -1;
		for (size_t i = 0; i < n; i++) {
			if (f[i].n == wl && memcmp(f[i].s, want[c].name, wl) == 0) {
				h->pos[c] = (int)i;
				break;
			}
		}
		if (h->pos[c] < 0 && want[c].required)
			return -EBADMSG;
	}
	return 0;
}

int sysv_line_parse(const char *line, size_t len, const struct sysv_col *want, size_t n_want,
		    const struct sysv_header *h, struct sysv_row *row)
{
	struct span f[SYSV_MAX_FIELDS];
	size_t n = split(line, len, f, SYSV_MAX_FIELDS);

	memset(row, 0, sizeof(*row));
	if (n != h->n_fields)
		return -EBADMSG;
	for (size_t c = 0; c < n_want; c++) {
		if (h->pos[c] < 0)
			continue;
		if (!parse_num(f[h->pos[c]], want[c].base, want[c].min, want[c].max, &row->v[c]))
			return -EBADMSG;
		row->have |= 1u << c;
	}
	return 0;
}

static bool blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

int sysv_parse_file(struct probe_ctx *ctx, const char *relpath, const struct sysv_col *want,
		    size_t n_want, sysv_row_fn fn, void *arg)
{
	struct sysv_header h;
	char *buf = NULL;
	size_t cap = 0, len = 0, lineno = 0;
	const char *p, *end;
	int rc;

	rc = proc_read_file(ctx->procfd, relpath, &buf, &cap, SYSV_FILE_MAX, &len);
	if (rc < 0) {
		snapshot_add_error(ctx->snap, relpath, probe_errname(-rc));
		free(buf);
		return rc;
	}
	p = buf;
	end = buf + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);

		lineno++;
		if (lineno == 1) {
			if (sysv_header_parse(p, n, want, n_want, &h) < 0) {
				snapshot_add_errorf(ctx->snap, "malformed header", "%s", relpath);
				free(buf);
				return -EBADMSG;
			}
			for (size_t c = 0; c < n_want; c++)
				if (h.pos[c] < 0)
					snapshot_add_errorf(ctx->snap, arena_printf(&ctx->scratch,
							    "no column %s", want[c].name), "%s", relpath);
		} else if (!blank(p, n)) {
			struct sysv_row row;

			/* a last line without its newline was cut short: do not trust it */
			if (!nl || sysv_line_parse(p, n, want, n_want, &h, &row) < 0)
				snapshot_add_errorf(ctx->snap, "malformed", "%s line %zu", relpath,
						    lineno);
			else
				fn(ctx, &row, arg);
		}
		p = nl ? nl + 1 : end;
	}
	free(buf);
	if (lineno == 0) {
		snapshot_add_error(ctx->snap, relpath, "empty file");
		return -EBADMSG;
	}
	return 0;
}
