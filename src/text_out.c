/*
 * text_out.c - the `--once` text tables (see text_out.h). Two passes per table: measure the
 * cells, then print them padded; the last column is never padded.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/diff.h"
#include "src/text_out.h"

/* A cell escaped (names_escape) can be 4 times as long as the cell. */
#define ESCAPED_MAX (4 * FMT_CELL_MAX)

/* Control and bidirectional characters (escape sequences in a command line, a name written
 * backwards) and bytes that are not UTF-8 never reach the terminal: written \xNN. */
static const char *cell_text(const struct fmt_column *c, const struct fmt_ctx *ctx,
			     const void *rec, char *buf, size_t len)
{
	char raw[FMT_CELL_MAX];
	const char *t = c->cell(ctx, rec, raw, sizeof(raw));

	return names_escape(t ? t : "", buf, len);
}

/* Prints the text escaped as cells are, on a line of its own after an indent. */
static void print_line(FILE *out, const char *text)
{
	char esc[ESCAPED_MAX];

	fprintf(out, "  %s\n", names_escape(text, esc, sizeof(esc)));
}

static void print_cell(FILE *out, const char *text, int width, enum fmt_align align, bool last)
{
	if (last && align == ALIGN_LEFT)
		fputs(text, out);
	else if (align == ALIGN_RIGHT)
		fprintf(out, "%*s", width, text);
	else
		fprintf(out, "%-*s", width, text);
}

void text_out_table(FILE *out, const struct fmt_table *t, const struct fmt_ctx *ctx)
{
	size_t rows = t->count(ctx->snap);
	int *w = xcalloc(t->n_cols, sizeof(*w));
	char buf[ESCAPED_MAX];

	for (size_t c = 0; c < t->n_cols; c++)
		w[c] = (int)strlen(t->cols[c].title);
	for (size_t r = 0; r < rows; r++) {
		const void *rec = t->row(ctx->snap, r);

		for (size_t c = 0; c < t->n_cols; c++) {
			int n = (int)strlen(cell_text(&t->cols[c], ctx, rec, buf, sizeof(buf)));

			if (n > w[c])
				w[c] = n;
		}
	}

	fprintf(out, "%s (%zu)\n", t->title, rows);
	for (size_t c = 0; c < t->n_cols; c++) {
		if (c)
			fputs("  ", out);
		print_cell(out, t->cols[c].title, w[c], t->cols[c].align, c + 1 == t->n_cols);
	}
	fputc('\n', out);
	for (size_t r = 0; r < rows; r++) {
		const void *rec = t->row(ctx->snap, r);

		for (size_t c = 0; c < t->n_cols; c++) {
			if (c)
				fputs("  ", out);
			print_cell(out, cell_text(&t->cols[c], ctx, rec, buf, sizeof(buf)), w[c],
				   t->cols[c].align, c + 1 == t->n_cols);
		}
		fputc('\n', out);
	}
	fputc('\n', out);
	free(w);
}

static bool always_shown(enum fmt_kind k)
{
	return k != FMT_THREADS && k != FMT_MISC_FDS && k != FMT_STALLS;
}

static void print_header(FILE *out, const struct snapshot *s)
{
	char when[64] = "?", root[ESCAPED_MAX];
	time_t t = (time_t)s->time;
	struct tm tm;

	if (s->time > 0 && localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(out, "ipctop %s: snapshot of %s at %s (collected in %.0f ms)\n\n", PACKAGE_VERSION,
		names_escape(s->sysroot ? s->sysroot : "/", root, sizeof(root)), when, s->duration * 1000.0);
}

static void print_events(FILE *out, const struct snapshot_delta *d)
{
	char buf[FMT_CELL_MAX];

	fprintf(out, "Events (%zu) in the last %.1f s\n", d->n_events, d->interval);
	for (size_t i = 0; i < d->n_events; i++) {
		const struct delta_event *e = &d->events[i];
		size_t n = (size_t)snprintf(buf, sizeof(buf), "%s %s%s%s", delta_event_kind_name(e->kind),
					    e->object, e->detail ? " " : "", e->detail ? e->detail : "");

		if (e->evidence && n < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, " (evidence: %s)", e->evidence);
		if (e->pid && strncmp(e->object, "pid:", 4) != 0 && n < sizeof(buf))
			snprintf(buf + n, sizeof(buf) - n, " by pid %d", (int)e->pid);
		print_line(out, buf);
	}
	fputc('\n', out);
}

static void print_sources_errors(FILE *out, const struct snapshot *s)
{
	fputs("Sources:", out);
	if (!s->n_sources)
		fputs(" none", out);
	for (size_t i = 0; i < s->n_sources; i++)
		fprintf(out, "%s %s %s%s%s", i ? "," : "", s->sources[i].name,
			s->sources[i].ok ? "ok" :
			s->sources[i].state == SOURCE_INFORMATIONAL ? "off" : "FAILED",
			s->sources[i].ok ? "" : ": ", s->sources[i].ok ? "" : s->sources[i].error);
	fputc('\n', out);
	fprintf(out, "Errors (%zu)%s\n", s->n_errors, s->n_errors ? ": \"?\" cells are unknown because:" : "");
	for (size_t i = 0; i < s->n_errors; i++) {
		char buf[FMT_CELL_MAX * 2];

		snprintf(buf, sizeof(buf), "%s: %s", s->errors[i].where, s->errors[i].error);
		print_line(out, buf);
	}
}

int text_out_write(FILE *out, const struct snapshot *s, const struct snapshot_delta *delta)
{
	struct fmt_ctx ctx = { .snap = s, .delta = delta };

	print_header(out, s);
	for (int k = 0; k < FMT_KIND_COUNT; k++) {
		const struct fmt_table *t = fmt_table_get((enum fmt_kind)k);

		if (always_shown((enum fmt_kind)k) || t->count(s))
			text_out_table(out, t, &ctx);
	}
	if (delta)
		print_events(out, delta);
	print_sources_errors(out, s);
	return fflush(out) == EOF || ferror(out) ? -1 : 0;
}
