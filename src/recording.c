/*
 * recording.c - writer and reader of the recording format (see recording.h and CONTRACT.md).
 *
 * Writer invariants: the file always ends with a whole frame unless a snapshot is being
 * written; each snapshot's compressed bytes are flushed (ZSTD_e_flush) and written in full
 * before rec_writer_add returns. Reader invariants: buf holds every byte fed so far (a stream
 * cannot be re-read), snapshots [0, n) are known with their chunk, and nothing past the
 * first damage is ever indexed.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <zstd.h>

#include "src/arena.h"
#include "src/json_out.h"
#include "src/recording.h"

#define REC_DECODE_STEP (1u << 20)	/* output room per decompression call */

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* ---- writing ------------------------------------------------------------------------------ */

struct rec_span {
	uint64_t start, end;		/* a chunk frame and its index frame */
};

struct rec_writer {
	int fd;
	uint64_t max_size;
	uint64_t size;			/* bytes in the file */
	uint64_t header_end;
	ZSTD_CCtx *cctx;
	bool in_chunk;
	uint64_t chunk_start;
	size_t chunk_n;
	uint64_t chunk_raw;		/* uncompressed bytes in the chunk */
	double times[REC_CHUNK_SNAPSHOTS];
	struct rec_span *spans;		/* closed chunks still in the file (for drops) */
	size_t n_spans;
	unsigned char *out;
	size_t out_cap;
};

/* Writes all of buf, through EINTR and short writes (a signal must not leave half a frame). */
static int write_all(struct rec_writer *w, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
		w->size += (uint64_t)n;
	}
	return 0;
}

static int write_skippable(struct rec_writer *w, uint32_t magic, const char *tag,
			   const char *text)
{
	size_t tl = strlen(text), n = 8 + 4 + tl;
	unsigned char *b = xmalloc(n);
	int rc;

	put_le32(b, magic);
	put_le32(b + 4, (uint32_t)(4 + tl));
	memcpy(b + 8, tag, 4);
	memcpy(b + 12, text, tl);
	rc = write_all(w, b, n);
	free(b);
	return rc;
}

struct rec_writer *rec_writer_new(int fd, const struct rec_header *h, uint64_t max_size,
				  int *err)
{
	struct rec_writer *w = xcalloc(1, sizeof(*w));
	struct json_object *o = json_object_new_object();
	int rc;

	w->fd = fd;
	w->max_size = max_size;
	w->cctx = ZSTD_createCCtx();
	if (!w->cctx)
		xalloc_die();
	json_object_object_add(o, "format", json_object_new_string("ipctop-recording"));
	json_object_object_add(o, "version", json_object_new_int(REC_FORMAT_VERSION));
	json_object_object_add(o, "schema", json_object_new_int(JSON_OUT_SCHEMA));
	json_object_object_add(o, "interval", json_object_new_double(h->interval));
	json_object_object_add(o, "hostname", h->hostname ? json_object_new_string(h->hostname) : NULL);
	json_object_object_add(o, "pid_filter",
			       h->pid_filter ? json_object_new_string(h->pid_filter) : NULL);
	json_object_object_add(o, "chunk_snapshots", json_object_new_int(REC_CHUNK_SNAPSHOTS));
	rc = write_skippable(w, REC_MAGIC_HEADER, "IPCH",
			     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	if (rc < 0) {
		*err = rc;
		rec_writer_free(w);
		return NULL;
	}
	w->header_end = w->size;
	return w;
}

/* Runs the compressor over in (may be empty) with the directive, writing what it produces. */
static int compress_out(struct rec_writer *w, const void *data, size_t len, ZSTD_EndDirective d)
{
	ZSTD_inBuffer in = { data, len, 0 };
	size_t left;

	if (!w->out) {
		w->out_cap = ZSTD_CStreamOutSize();
		w->out = xmalloc(w->out_cap);
	}
	do {
		ZSTD_outBuffer o = { w->out, w->out_cap, 0 };
		int rc;

		left = ZSTD_compressStream2(w->cctx, &o, &in, d);
		if (ZSTD_isError(left))
			return -ENOMEM;
		rc = write_all(w, w->out, o.pos);
		if (rc < 0)
			return rc;
	} while (d == ZSTD_e_continue ? in.pos < in.size : left != 0);
	return 0;
}

static void start_chunk(struct rec_writer *w)
{
	ZSTD_CCtx_reset(w->cctx, ZSTD_reset_session_and_parameters);
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_windowLog, REC_WINDOW_LOG);
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_enableLongDistanceMatching, 1);
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
	w->in_chunk = true;
	w->chunk_start = w->size;
	w->chunk_n = 0;
	w->chunk_raw = 0;
}

/* Moves everything after the oldest chunks down over them until the file fits the cap (the
 * newest chunk always stays). */
static int drop_oldest(struct rec_writer *w)
{
	size_t drop = 0;
	uint64_t from, to = w->header_end, gone;
	char *buf;

	/* drop spans [0, drop): the fewest that bring the file under the cap */
	while (drop + 1 < w->n_spans &&
	       w->size - (drop ? w->spans[drop - 1].end - w->header_end : 0) > w->max_size)
		drop++;
	if (!drop)
		return 0;
	from = w->spans[drop - 1].end;
	gone = from - to;
	buf = xmalloc(1 << 20);
	while (from < w->size) {
		size_t n = w->size - from > (1 << 20) ? (1 << 20) : (size_t)(w->size - from);
		ssize_t r = pread(w->fd, buf, n, (off_t)from);

		if (r <= 0 || pwrite(w->fd, buf, (size_t)r, (off_t)to) != r) {
			int e = r < 0 ? errno : EIO;

			free(buf);
			return -e;
		}
		from += (uint64_t)r;
		to += (uint64_t)r;
	}
	free(buf);
	if (ftruncate(w->fd, (off_t)to) < 0 || lseek(w->fd, (off_t)to, SEEK_SET) < 0)
		return -errno;
	w->size = to;
	memmove(w->spans, w->spans + drop, (w->n_spans - drop) * sizeof(*w->spans));
	w->n_spans -= drop;
	for (size_t i = 0; i < w->n_spans; i++) {
		w->spans[i].start -= gone;
		w->spans[i].end -= gone;
	}
	return 0;
}

static int close_chunk(struct rec_writer *w)
{
	struct json_object *o, *times;
	uint64_t frame_end;
	int rc;

	if (!w->in_chunk)
		return 0;
	w->in_chunk = false;
	rc = compress_out(w, NULL, 0, ZSTD_e_end);
	if (rc < 0)
		return rc;
	frame_end = w->size;
	o = json_object_new_object();
	times = json_object_new_array();
	for (size_t i = 0; i < w->chunk_n; i++) {
		char t[64];	/* as the snapshot's own "time" */

		snprintf(t, sizeof(t), "%.6f", w->times[i]);
		json_object_array_add(times, json_object_new_double_s(w->times[i], t));
	}
	json_object_object_add(o, "snapshots", json_object_new_int64((int64_t)w->chunk_n));
	json_object_object_add(o, "length", json_object_new_int64((int64_t)(frame_end - w->chunk_start)));
	json_object_object_add(o, "times", times);
	rc = write_skippable(w, REC_MAGIC_INDEX, "IPCI",
			     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	if (rc < 0)
		return rc;
	w->spans = xreallocarray(w->spans, w->n_spans + 1, sizeof(*w->spans));
	w->spans[w->n_spans++] = (struct rec_span){ w->chunk_start, w->size };
	if (w->max_size && w->size > w->max_size)
		return drop_oldest(w);
	return 0;
}

int rec_writer_add(struct rec_writer *w, const char *json, size_t len, double time)
{
	int rc;

	if (!w->in_chunk)
		start_chunk(w);
	rc = compress_out(w, json, len, ZSTD_e_continue);
	if (rc == 0)
		rc = compress_out(w, "\n", 1, ZSTD_e_flush);
	if (rc < 0)
		return rc;
	w->times[w->chunk_n++] = time;
	w->chunk_raw += len + 1;
	if (w->chunk_n == REC_CHUNK_SNAPSHOTS || w->chunk_raw >= REC_CHUNK_BYTES ||
	    (w->max_size && w->size - w->chunk_start > w->max_size / 4))
		return close_chunk(w);
	return 0;
}

int rec_writer_close(struct rec_writer *w)
{
	return close_chunk(w);
}

uint64_t rec_writer_size(const struct rec_writer *w)
{
	return w->size;
}

void rec_writer_free(struct rec_writer *w)
{
	if (!w)
		return;
	ZSTD_freeCCtx(w->cctx);
	free(w->spans);
	free(w->out);
	free(w);
}

/* ---- reading ------------------------------------------------------------------------------ */

struct rec_chunk {
	size_t offset;			/* of the zstd frame in buf */
	size_t length;			/* compressed bytes; 0 while the frame is incomplete */
	size_t first;			/* its first snapshot */
};

/* A decoder walking one chunk line by line. */
struct rec_dec {
	ZSTD_DCtx *dctx;
	long chunk;			/* -1: none */
	size_t in;			/* compressed bytes of the chunk consumed */
	size_t next;			/* index in the chunk of the next line */
	char *pend;			/* decoded; [head, pend_len) not yet split */
	size_t head, pend_len, pend_cap, scanned;
	bool frame_done;
};

struct rec_reader {
	unsigned char *buf;
	size_t len, cap;
	size_t pos;			/* where the next frame starts */
	bool header_ok, refused, stopped, ended;
	char problem[512];
	double interval;
	char hostname[256];

	struct rec_chunk *chunks;
	size_t n_chunks;
	double *times;
	size_t *snap_chunk;
	size_t n, cap_snaps;

	bool live;			/* decoding the last chunk as it arrives */
	struct rec_dec live_dec, seek_dec;
	char *out;
	size_t out_cap;
};

static void dec_init(struct rec_dec *d)
{
	memset(d, 0, sizeof(*d));
	d->chunk = -1;
	d->dctx = ZSTD_createDCtx();
	if (!d->dctx)
		xalloc_die();
	ZSTD_DCtx_setParameter(d->dctx, ZSTD_d_windowLogMax, 27);
}

static void dec_fini(struct rec_dec *d)
{
	ZSTD_freeDCtx(d->dctx);
	free(d->pend);
}

static void dec_start(struct rec_dec *d, long chunk)
{
	ZSTD_DCtx_reset(d->dctx, ZSTD_reset_session_only);
	d->chunk = chunk;
	d->in = 0;
	d->next = 0;
	d->head = 0;
	d->pend_len = 0;
	d->scanned = 0;
	d->frame_done = false;
}

/* Drops the line at the front (len bytes and its newline). */
static void dec_pop(struct rec_dec *d, size_t len)
{
	d->head += len + 1;
	d->scanned = d->head;
	d->next++;
}

/*
 * The next line of the chunk: 1 and *len (the line is d->pend + d->head, len bytes; dec_pop
 * drops it);
 * 0 when the bytes in r->buf are used up (or the frame ended without another line);
 * -1 on damage (r->problem set).
 */
static int dec_line(struct rec_reader *r, struct rec_dec *d, size_t *len)
{
	const struct rec_chunk *c = &r->chunks[d->chunk];
	size_t avail = (c->length ? c->length : r->len - c->offset);

	for (;;) {
		char *nl = d->pend_len > d->scanned ?
			   memchr(d->pend + d->scanned, '\n', d->pend_len - d->scanned) : NULL;
		ZSTD_inBuffer in;
		ZSTD_outBuffer out;
		size_t rc;

		if (nl) {
			*len = (size_t)(nl - (d->pend + d->head));
			return 1;
		}
		d->scanned = d->pend_len;
		if (d->frame_done || d->in >= avail)
			return 0;
		if (d->head) {	/* the lines before are done with: the rest to the front */
			memmove(d->pend, d->pend + d->head, d->pend_len - d->head);
			d->pend_len -= d->head;
			d->scanned -= d->head;
			d->head = 0;
		}
		if (d->pend_cap - d->pend_len < REC_DECODE_STEP) {
			d->pend_cap = d->pend_cap * 2 + REC_DECODE_STEP;
			d->pend = xrealloc(d->pend, d->pend_cap);
		}
		in = (ZSTD_inBuffer){ r->buf + c->offset, avail, d->in };
		out = (ZSTD_outBuffer){ d->pend + d->pend_len, d->pend_cap - d->pend_len, 0 };
		rc = ZSTD_decompressStream(d->dctx, &out, &in);
		if (ZSTD_isError(rc)) {
			snprintf(r->problem, sizeof(r->problem),
				 "damaged at byte %zu (snapshot #%zu): %s", c->offset + d->in,
				 c->first + d->next, ZSTD_getErrorName(rc));
			return -1;
		}
		d->in = in.pos;
		d->pend_len += out.pos;
		if (rc == 0)
			d->frame_done = true;
		if (in.pos == in.size && out.pos == 0 && !d->frame_done)
			return 0;	/* needs more input */
	}
}

struct rec_reader *rec_reader_new(void)
{
	struct rec_reader *r = xcalloc(1, sizeof(*r));

	dec_init(&r->live_dec);
	dec_init(&r->seek_dec);
	return r;
}

void rec_reader_free(struct rec_reader *r)
{
	if (!r)
		return;
	dec_fini(&r->live_dec);
	dec_fini(&r->seek_dec);
	free(r->buf);
	free(r->chunks);
	free(r->times);
	free(r->snap_chunk);
	free(r->out);
	free(r);
}

static void stop(struct rec_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void stop(struct rec_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->problem, sizeof(r->problem), fmt, ap);
	va_end(ap);
	r->stopped = true;
}

static void add_snapshot(struct rec_reader *r, size_t chunk, double t)
{
	if (r->n == r->cap_snaps) {
		r->cap_snaps = r->cap_snaps ? r->cap_snaps * 2 : 256;
		r->times = xreallocarray(r->times, r->cap_snaps, sizeof(*r->times));
		r->snap_chunk = xreallocarray(r->snap_chunk, r->cap_snaps, sizeof(*r->snap_chunk));
	}
	r->times[r->n] = t;
	r->snap_chunk[r->n++] = chunk;
}

/* The snapshot's "time" (the second key of every snapshot), NaN if it is not there. */
static double line_time(const char *s, size_t len)
{
	char tmp[64];
	const char *p;
	size_t n = len < sizeof(tmp) - 1 ? len : sizeof(tmp) - 1;

	memcpy(tmp, s, n);
	tmp[n] = 0;
	p = strstr(tmp, "\"time\":");
	return p ? strtod(p + 7, NULL) : NAN;
}

/*
 * The length of the zstd frame at b (RFC 8878: frame header, then blocks to the one marked
 * last, then the optional checksum), found from block headers without decoding; 0 if the
 * frame goes on past n, -1 if the headers are malformed.
 */
static long frame_length(const unsigned char *b, size_t n)
{
	static const size_t did_size[4] = { 0, 1, 2, 4 };
	size_t p;
	unsigned fhd, fcs;

	if (n < 5)
		return 0;
	fhd = b[4];
	if (fhd & 0x08)
		return -1;	/* reserved bit */
	fcs = fhd >> 6;
	p = 5 + ((fhd & 0x20) ? 0 : 1) + did_size[fhd & 3] +
	    (fcs == 0 ? ((fhd & 0x20) ? 1 : 0) : (size_t)1 << fcs);
	for (;;) {
		uint32_t bh;
		unsigned type;
		size_t size;

		if (n < p + 3)
			return 0;
		bh = (uint32_t)b[p] | (uint32_t)b[p + 1] << 8 | (uint32_t)b[p + 2] << 16;
		type = (bh >> 1) & 3;
		size = bh >> 3;
		if (type == 3 || size > (1u << 17))
			return -1;
		p += 3 + (type == 1 ? 1 : size);
		if (bh & 1)
			break;
	}
	if (fhd & 0x04)
		p += 4;
	return n < p ? 0 : (long)p;
}

static void read_header(struct rec_reader *r, const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = json_tokener_parse_ex(tok, text, (int)len), *v;
	int64_t version = 0, schema = 0;

	json_tokener_free(tok);
	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "format", &v) || !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "ipctop-recording") != 0) {
		r->refused = true;
		stop(r, "not an ipctop recording (its header is not one)");
		json_object_put(o);
		return;
	}
	if (json_object_object_get_ex(o, "version", &v))
		version = json_object_get_int64(v);
	if (json_object_object_get_ex(o, "schema", &v))
		schema = json_object_get_int64(v);
	if (version < 1) {
		r->refused = true;
		stop(r, "not an ipctop recording (its header has no format version)");
	} else if (version > REC_FORMAT_VERSION) {
		r->refused = true;
		stop(r, "recording format version %lld is newer than this ipctop reads (%d): "
		     "replay it with a newer ipctop", (long long)version, REC_FORMAT_VERSION);
	} else if (schema < 1 || schema > JSON_OUT_SCHEMA) {
		r->refused = true;
		stop(r, "the recording's JSON schema %lld is newer than this ipctop reads (%d): "
		     "replay it with a newer ipctop", (long long)schema, JSON_OUT_SCHEMA);
	} else {
		r->header_ok = true;
		if (json_object_object_get_ex(o, "interval", &v))
			r->interval = json_object_get_double(v);
		if (json_object_object_get_ex(o, "hostname", &v) && json_object_is_type(v, json_type_string))
			snprintf(r->hostname, sizeof(r->hostname), "%s", json_object_get_string(v));
	}
	json_object_put(o);
}

/* An index frame's snapshot times if it describes a chunk of `length` bytes; NULL otherwise. */
static struct json_object *read_index(const unsigned char *p, size_t size, size_t length)
{
	struct json_tokener *tok;
	struct json_object *o, *v, *times;

	if (size < 4 || memcmp(p, "IPCI", 4) != 0)
		return NULL;
	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, (const char *)p + 4, (int)(size - 4));
	json_tokener_free(tok);
	if (!o || !json_object_object_get_ex(o, "length", &v) ||
	    json_object_get_int64(v) != (int64_t)length ||
	    !json_object_object_get_ex(o, "times", &times) ||
	    !json_object_is_type(times, json_type_array) ||
	    !json_object_object_get_ex(o, "snapshots", &v) ||
	    json_object_get_int64(v) != (int64_t)json_object_array_length(times) ||
	    json_object_array_length(times) == 0) {
		json_object_put(o);
		return NULL;
	}
	json_object_get(times);
	json_object_put(o);
	return times;
}

/* Decodes the live chunk as far as the bytes go. */
static void live_step(struct rec_reader *r)
{
	struct rec_dec *d = &r->live_dec;
	struct rec_chunk *c = &r->chunks[d->chunk];
	size_t len;
	int rc;

	while ((rc = dec_line(r, d, &len)) == 1) {
		add_snapshot(r, (size_t)d->chunk, line_time(d->pend + d->head, len));
		dec_pop(d, len);
	}
	if (rc < 0) {
		r->stopped = true;
		return;
	}
	if (d->frame_done) {
		c->length = d->in;
		r->pos = c->offset + c->length;
		r->live = false;
		if (d->pend_len > d->head)	/* a frame that ended inside a snapshot */
			stop(r, "damaged at byte %zu: snapshot #%zu has no end", r->pos, r->n);
	}
}

static void parse(struct rec_reader *r)
{
	while (!r->stopped && r->buf) {
		const unsigned char *b = r->buf + r->pos;
		size_t left = r->len - r->pos;
		uint32_t magic;

		if (r->live) {
			live_step(r);
			if (r->live)
				return;		/* waits for more bytes */
			continue;
		}
		if (left < 8)
			return;
		magic = le32(b);
		if ((magic & 0xFFFFFFF0u) == 0x184D2A50u) {
			uint32_t size = le32(b + 4);

			if (left - 8 < size)
				return;
			if (!r->header_ok) {
				if (magic != REC_MAGIC_HEADER || size < 4 || memcmp(b + 8, "IPCH", 4) != 0) {
					r->refused = true;
					stop(r, "not an ipctop recording (no header)");
					return;
				}
				read_header(r, (const char *)b + 12, size - 4);
			}
			r->pos += 8 + (size_t)size;	/* index frames after a decoded chunk: known */
			continue;
		}
		if (!r->header_ok) {
			r->refused = true;
			stop(r, "not an ipctop recording (no header)");
			return;
		}
		if (magic == REC_MAGIC_ZSTD) {
			long flen = frame_length(b, left);
			struct rec_chunk *c;

			if (flen < 0) {
				stop(r, "damaged at byte %zu (snapshot #%zu): malformed frame", r->pos, r->n);
				return;
			}
			if (flen > 0 && !r->ended && left - (size_t)flen < 8)
				return;		/* wait for the index frame */
			r->chunks = xreallocarray(r->chunks, r->n_chunks + 1, sizeof(*r->chunks));
			c = &r->chunks[r->n_chunks++];
			*c = (struct rec_chunk){ .offset = r->pos, .first = r->n };
			if (flen > 0 && left - (size_t)flen >= 8 &&
			    le32(b + flen) == REC_MAGIC_INDEX) {
				uint32_t isize = le32(b + flen + 4);
				struct json_object *times;

				if (left - (size_t)flen - 8 < isize && !r->ended) {
					r->n_chunks--;
					return;
				}
				times = left - (size_t)flen - 8 >= isize ?
					read_index(b + flen + 8, isize, (size_t)flen) : NULL;
				if (times) {
					for (size_t i = 0; i < json_object_array_length(times); i++)
						add_snapshot(r, r->n_chunks - 1,
							     json_object_get_double(json_object_array_get_idx(times, i)));
					json_object_put(times);
					c->length = (size_t)flen;
					r->pos += (size_t)flen + 8 + isize;
					continue;
				}
			}
			/* no index (yet): decode the chunk as its bytes come */
			r->live = true;
			dec_start(&r->live_dec, (long)(r->n_chunks - 1));
			continue;
		}
		stop(r, "damaged at byte %zu (after snapshot #%zu): not a frame", r->pos,
		     r->n ? r->n - 1 : 0);
	}
}

long rec_reader_feed(struct rec_reader *r, const void *data, size_t len)
{
	if (r->stopped)
		return -1;
	if (!len)
		return (long)r->n;
	if (r->len + len > r->cap) {
		r->cap = (r->len + len) * 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	memcpy(r->buf + r->len, data, len);
	r->len += len;
	parse(r);
	return r->stopped ? -1 : (long)r->n;
}

void rec_reader_end(struct rec_reader *r)
{
	if (r->stopped)
		return;
	r->ended = true;
	parse(r);
	if (r->stopped)
		return;
	if (!r->header_ok) {
		r->refused = true;
		stop(r, r->len ? "not an ipctop recording (no header)" : "empty file: no recording");
	} else if (r->live || r->pos < r->len) {
		stop(r, "truncated at byte %zu: the last frame is incomplete (%zu snapshots read)",
		     r->len, r->n);
	}
}

size_t rec_reader_count(const struct rec_reader *r)
{
	return r->n;
}

double rec_reader_time(const struct rec_reader *r, size_t i)
{
	return i < r->n ? r->times[i] : NAN;
}

const char *rec_reader_get(struct rec_reader *r, size_t i, size_t *len)
{
	struct rec_dec *d = &r->seek_dec;
	size_t k, l;
	int rc;

	if (i >= r->n)
		return NULL;
	k = i - r->chunks[r->snap_chunk[i]].first;
	if (d->chunk != (long)r->snap_chunk[i] || d->next > k)
		dec_start(d, (long)r->snap_chunk[i]);
	while ((rc = dec_line(r, d, &l)) == 1) {
		if (d->next == k) {
			if (l + 1 > r->out_cap) {
				r->out_cap = l + 1;
				r->out = xrealloc(r->out, r->out_cap);
			}
			memcpy(r->out, d->pend + d->head, l);
			r->out[l] = 0;
			*len = l;
			dec_pop(d, l);
			return r->out;
		}
		dec_pop(d, l);
	}
	if (rc == 0)
		snprintf(r->problem, sizeof(r->problem),
			 "damaged at byte %zu: snapshot #%zu is missing from its chunk",
			 r->chunks[d->chunk].offset + d->in, i);
	/* nothing from here on can be trusted */
	r->n = i;
	r->stopped = true;
	d->chunk = -1;
	return NULL;
}

const char *rec_reader_problem(const struct rec_reader *r)
{
	return r->problem[0] ? r->problem : NULL;
}

bool rec_reader_refused(const struct rec_reader *r)
{
	return r->refused;
}

bool rec_reader_has_header(const struct rec_reader *r)
{
	return r->header_ok;
}

double rec_reader_interval(const struct rec_reader *r)
{
	return r->interval;
}

const char *rec_reader_hostname(const struct rec_reader *r)
{
	return r->hostname[0] ? r->hostname : NULL;
}
