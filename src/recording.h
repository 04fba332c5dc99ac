/*
 * recording.h - the recording file format (doc/CONTRACT.md, "Recordings"): the JSON
 * snapshots `--once --json` prints, compressed as zstd frames, with an index for seeking.
 *
 * A file is a sequence of zstd frames, as `zstd -d` reads them:
 *   1. a skippable frame (magic 0x184D2A50) whose payload is "IPCH" and a JSON header line;
 *   2. chunks: one zstd frame holding up to REC_CHUNK_SNAPSHOTS snapshots, each one JSON text
 *      and a newline, flushed after each snapshot (so a reader can follow a stream), then a
 *      skippable frame (magic 0x184D2A51) whose payload is "IPCI" and a JSON index line:
 *      {"snapshots":K,"length":L,"times":[...]} (L: the chunk frame's compressed bytes).
 * Inside a chunk, zstd finds each snapshot's likeness in the one before (long distance
 * matching over the chunk's window), so a snapshot after the first costs a few kB. Each
 * chunk decodes alone: a seek decodes at most one chunk.
 *
 * The writer only ever appends whole frames (rec_writer_close ends the chunk in progress);
 * with a size cap it drops the oldest chunks by moving the rest down. The reader takes
 * bytes as they come (a file, or a stream still being written), indexes complete chunks from
 * their index frame without decoding them, decodes the others as they arrive, and stops at
 * the first damage, remembering where.
 */
#ifndef IPCTOP_RECORDING_H
#define IPCTOP_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The format version this ipctop writes and the newest it reads. */
#define REC_FORMAT_VERSION 1
#define REC_MAGIC_ZSTD 0xFD2FB528u
#define REC_MAGIC_HEADER 0x184D2A50u
#define REC_MAGIC_INDEX 0x184D2A51u
#define REC_CHUNK_SNAPSHOTS 60
#define REC_CHUNK_BYTES (16u << 20)	/* uncompressed bytes per chunk at most (one seek) */
#define REC_WINDOW_LOG 24		/* 16 MiB: a whole chunk is in the window */

/* ---- writing ---- */

struct rec_writer;

struct rec_header {
	double interval;		/* seconds between snapshots as asked (-d) */
	const char *hostname;
	const char *pid_filter;		/* --pid as given, or NULL */
};

/* Writes the header to fd (which the writer does not close). max_size: 0 = no cap; with a
 * cap, fd must be a regular file opened O_RDWR. NULL with *err = -errno on a write error. */
struct rec_writer *rec_writer_new(int fd, const struct rec_header *h, uint64_t max_size,
				  int *err);
/* Appends one snapshot's JSON text (without newline) taken at time. 0 or -errno. */
int rec_writer_add(struct rec_writer *w, const char *json, size_t len, double time);
/* Ends the chunk in progress (frame end and index), so the file is whole. 0 or -errno. */
int rec_writer_close(struct rec_writer *w);
void rec_writer_free(struct rec_writer *w);
/* Bytes written so far (after drops: the file's size). */
uint64_t rec_writer_size(const struct rec_writer *w);

/* ---- reading ---- */

struct rec_reader;

struct rec_reader *rec_reader_new(void);
void rec_reader_free(struct rec_reader *r);
/* Appends bytes of the file and indexes what they complete. Returns the number of snapshots
 * now known, or -1 once the reader stopped (rec_reader_problem says why; a refused header
 * also sets rec_reader_refused). */
long rec_reader_feed(struct rec_reader *r, const void *data, size_t len);
/* No more bytes will come: an incomplete frame is a truncation (the snapshots before it stay). */
void rec_reader_end(struct rec_reader *r);
size_t rec_reader_count(const struct rec_reader *r);
/* Seconds since the epoch snapshot i was taken (NaN if the text did not say). */
double rec_reader_time(const struct rec_reader *r, size_t i);
/* Snapshot i's JSON text, without the newline; valid until the next call on r. NULL if it
 * cannot be decoded (rec_reader_problem says why, and the count shrinks to i). */
const char *rec_reader_get(struct rec_reader *r, size_t i, size_t *len);
/* Why reading stopped early or is incomplete ("damaged at byte ...", "truncated ..."), or NULL. */
const char *rec_reader_problem(const struct rec_reader *r);
/* True when the file is no recording or one from a newer format or schema: nothing is read. */
bool rec_reader_refused(const struct rec_reader *r);
/* True once the header was read; the header's values (interval 0 if unknown). */
bool rec_reader_has_header(const struct rec_reader *r);
double rec_reader_interval(const struct rec_reader *r);
const char *rec_reader_hostname(const struct rec_reader *r);

#endif
