/*
 * caption.h - the demo record stream (format in demo.h): how demo processes hand records to
 * the conductor, and how a reader (the dashboard, tests) parses them.
 *
 * Writer side: a ring of fixed-size lines in the anonymous shared mapping every demo process
 * inherits, guarded by a robust process-shared mutex (a demo process killed while holding it
 * does not wedge the others). Writers never block on a full ring: the record is counted as
 * dropped, so pacing stays the scenario's own. The conductor pops lines and writes them out.
 *
 * Reader side: caption_parse() splits one line (without its newline) in place.
 */
#ifndef IPCTOP_CAPTION_H
#define IPCTOP_CAPTION_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CAPTION_SLOTS 256
#define CAPTION_LINE_MAX 640	/* bytes per record, newline excluded; longer text is cut */

struct caption_ring {
	pthread_mutex_t lock;
	uint64_t head;			/* next slot to fill (monotonic) */
	uint64_t tail;			/* next slot to pop */
	uint64_t step;			/* last caption step number handed out */
	uint64_t dropped;		/* records lost since the last pop */
	char lines[CAPTION_SLOTS][CAPTION_LINE_MAX];
};

/* r lives in shared memory; returns 0 or an errno value. */
int caption_ring_init(struct caption_ring *r);
void caption_ring_fini(struct caption_ring *r);

/* Appends one record of any type: the fields are joined with tabs; tabs and newlines inside
 * fields become spaces. Returns false if it was dropped. */
bool caption_ring_push(struct caption_ring *r, const char *type, const char *const *fields,
		       size_t n_fields);
/* Appends a caption record, giving it the next step number. */
bool caption_ring_caption(struct caption_ring *r, pid_t pid, const char *objects,
			  const char *text);
/* Copies the oldest record into buf (NUL-terminated, no newline); false if empty.
 * *dropped receives the count of records lost since the previous pop (0 usually). */
bool caption_ring_pop(struct caption_ring *r, char *buf, size_t len, uint64_t *dropped);
/* Takes (returns and resets) the count of records dropped since the last pop or take. */
uint64_t caption_ring_take_dropped(struct caption_ring *r);
/* Forgets every queued record (restart). */
void caption_ring_clear(struct caption_ring *r);

/* Copies src into dst (size len), turning tabs, newlines and other control characters
 * into spaces, always NUL-terminating. Returns dst. */
char *caption_clean(char *dst, size_t len, const char *src);

/* ---- reading the stream ---- */

enum caption_kind {
	CAPTION_UNKNOWN,	/* a type this reader does not know: ignore it */
	CAPTION_STATUS,
	CAPTION_PROCESS,
	CAPTION_OBJECT,
	CAPTION_READY,
	CAPTION_CAPTION,
	CAPTION_DROPPED,
	CAPTION_RESTART,
	CAPTION_ERROR,
	CAPTION_END,
};

struct caption_rec {
	enum caption_kind kind;
	pid_t pid;		/* ready: root; process: the process; caption: who made the call */
	pid_t ppid;		/* process */
	uint64_t step;		/* caption */
	uint64_t count;		/* dropped */
	bool paused;		/* status */
	double speed;		/* status: <= 0 means full */
	const char *role;	/* process */
	const char *id;		/* object */
	const char *objects;	/* caption: comma-separated ids, "" if none */
	const char *text;	/* caption, object (label), error, end (reason) */
};

/* Parses one line in place (line is modified; the record's strings point into it).
 * Returns false when the line is malformed; an unknown type parses as CAPTION_UNKNOWN. */
bool caption_parse(char *line, struct caption_rec *out);

#endif
