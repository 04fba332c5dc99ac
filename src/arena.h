/*
 * arena.h - a bump allocator that owns every string and small array of one snapshot.
 *
 * Invariants: memory handed out lives until arena_fini(); nothing is freed one by one.
 * Out of memory aborts (after the fatal hook restores the terminal), so callers never
 * check for NULL.
 */
#ifndef IPCTOP_ARENA_H
#define IPCTOP_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t used;		/* bytes handed out so far, for statistics */
};

void arena_init(struct arena *a);
void arena_fini(struct arena *a);

/* Zeroed, aligned to max_align_t. Owned by the arena. */
void *arena_alloc(struct arena *a, size_t size);
void *arena_memdup(struct arena *a, const void *p, size_t size);
/* NULL in, NULL out. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Called before abort() on out of memory (the UI sets it to restore the terminal). */
extern void (*xalloc_fatal_hook)(void);
/* Out of memory outside malloc (a library's allocation failed): the same exit. */
void xalloc_die(void) __attribute__((noreturn));
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

#endif
