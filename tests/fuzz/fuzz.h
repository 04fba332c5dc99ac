/*
 * fuzz.h - what the libFuzzer targets in tests/fuzz share (header only).
 *
 * A target is one file tests/fuzz/fuzz_<parser>.c defining LLVMFuzzerTestOneInput(): it feeds
 * the input to the pure parsers of one probe module and checks what they promise (results
 * inside the buffer, strings terminated, values in range). A broken promise calls
 * FUZZ_CHECK's abort(), which libFuzzer reports as a crash like any sanitizer error.
 *
 * Inputs are copied into heap buffers of exactly their length (fuzz_dup), so AddressSanitizer
 * catches a parser that reads one byte past what it was given, even in the middle of the
 * fuzzer's input.
 */
#ifndef IPCTOP_FUZZ_H
#define IPCTOP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, \
				#cond);                                                    \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* A heap copy of [p, p+n) with no byte to spare (malloc(0) is avoided: 1 byte, unused). */
static inline char *fuzz_dup(const void *p, size_t n)
{
	char *c = malloc(n ? n : 1);

	if (!c)
		abort();
	if (n)
		memcpy(c, p, n);
	return c;
}

/* A zeroed heap buffer of exactly n bytes (1 when n is 0), for an output of that size. */
static inline char *fuzz_zeroed(size_t n)
{
	char *c = calloc(n ? n : 1, 1);

	if (!c)
		abort();
	return c;
}

/* true if s holds a NUL within its first cap bytes. */
static inline int fuzz_terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/* Calls fn on every line of data (without its '\n', in an exact-size copy); the last line
 * may lack its newline. */
static inline void fuzz_lines(const uint8_t *data, size_t size,
			      void (*fn)(const char *line, size_t len, void *arg), void *arg)
{
	const uint8_t *p = data, *end = data + size;

	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = fuzz_dup(p, n);

		fn(line, n, arg);
		free(line);
		p += n + (nl != NULL);
	}
}

#endif
